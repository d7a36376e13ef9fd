//! `tsunagu import`: open data files → `content/resources/*.yaml`.
//!
//! The stages: read and decode each file (`decode`), recognise its kind (`kinds::detect`
//! or `--dataset` / `--mapping`), parse rows into drafts, collecting a message for every row
//! that is not imported or was repaired on the way (`report`), place rows without usable
//! coordinates at their 町字 (`geocode`), then merge with the records already there
//! (`merge`): new files, changed owned fields, and records of the same dataset and scope the
//! input no longer lists, which are marked `status: closed` rather than deleted (their URL
//! then answers 404, and the file keeps the municipality's notes). Nothing is written until
//! every file has been generated and checked; `--dry-run` stops there.

pub mod decode;
pub mod geocode;
pub mod kinds;
pub mod mapping;
pub mod merge;
pub mod record;
pub mod report;
pub mod table;
pub mod text;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;

use self::decode::{Detected, Encoding};
use self::kinds::{Input, Kind};
use self::merge::Existing;
use self::record::Draft;
use self::report::{Issue, Skip, Summary};

/// Command-line arguments of `tsunagu import`.
#[derive(Debug, Clone, clap::Args)]
#[command(about = "オープンデータ（CSV・GeoJSON）を content/resources/*.yaml に取り込みます")]
pub struct ImportArgs {
    /// 取り込むファイル（複数可）。ディレクトリを渡すと中の .csv / .json / .geojson をすべて読みます
    #[arg(required_unless_present = "list")]
    pub files: Vec<PathBuf>,
    /// データセットの種類（`--list` で一覧）。省略すると列名から判定します
    #[arg(long)]
    pub dataset: Option<String>,
    /// 市町村独自の CSV の列対応表（YAML）
    #[arg(long, conflicts_with = "dataset")]
    pub mapping: Option<PathBuf>,
    /// 文字コード（省略すると判定: BOM 付き UTF-8 / UTF-8 / Shift_JIS）
    #[arg(long, value_enum)]
    pub encoding: Option<Encoding>,
    /// content ディレクトリ（resources/ の親）
    #[arg(long, default_value = "content")]
    pub content: PathBuf,
    /// 取り込む市区町村（名前「豊明市」または団体コード「232297」）。全国ファイルから一つの町を取り出すときに
    #[arg(long)]
    pub city: Option<String>,
    /// 書き込まずに結果だけ表示します
    #[arg(long)]
    pub dry_run: bool,
    /// 取り込み日（source.imported）。省略すると今日
    #[arg(long)]
    pub date: Option<NaiveDate>,
    /// 取り込めるデータセットの種類を表示します
    #[arg(long)]
    pub list: bool,
    /// 行ごとのメッセージを表示しません（集計表だけ）
    #[arg(long, short)]
    pub quiet: bool,
}

/// Why an import as a whole failed; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: 読めません: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}: {source}")]
    Decode {
        file: String,
        source: decode::DecodeError,
    },
    #[error("{file}: {source}")]
    Table {
        file: String,
        source: table::TableError,
    },
    #[error("{file}:{line}: JSON として読めません: {reason}")]
    Json {
        file: String,
        line: usize,
        reason: String,
    },
    #[error(
        "{file}: データセットの種類を列名から判定できません。--dataset で指定してください（一覧: tsunagu import --list）"
    )]
    Undetected { file: String },
    #[error("「{0}」というデータセットの種類はありません（一覧: tsunagu import --list）")]
    UnknownKind(String),
    #[error(transparent)]
    Mapping(#[from] mapping::MappingError),
    #[error(transparent)]
    Merge(#[from] merge::MergeError),
    #[error("{file}: カテゴリ「{category}」は content/categories.yaml にありません")]
    UnknownCategory { file: String, category: String },
}

/// What an import did (or, with `--dry-run`, would do).
#[derive(Debug, Default)]
pub struct Outcome {
    pub summary: Summary,
    pub issues: Vec<Issue>,
    /// Encodings detected, per file, for the report.
    pub encodings: Vec<(String, Detected)>,
    /// Files written (resource ids).
    pub written: Vec<String>,
    /// Added / changed / closed ids, for the report.
    pub added: Vec<String>,
    pub updated: Vec<String>,
    pub closed: Vec<String>,
}

/// `tsunagu import --list`.
pub fn list() -> String {
    let mut out = String::from("取り込めるデータセット（--dataset に指定する名前）:\n");
    for k in kinds::builtin() {
        out.push_str(&format!("  {:<20} {}\n", k.name(), k.title()));
    }
    out.push_str(
        "  （--mapping FILE）      市町村独自の CSV を列対応表で取り込み（docs/opendata.md）\n",
    );
    out
}

/// Runs `tsunagu import` and prints its report; the binary's entry point.
pub fn main(args: &ImportArgs) -> Result<Outcome, ImportError> {
    if args.list {
        print!("{}", list());
        return Ok(Outcome::default());
    }
    let outcome = run(args)?;
    for (file, enc) in &outcome.encodings {
        if !matches!(enc, Detected::Utf8 | Detected::Utf8Bom) {
            eprintln!("{file}: 文字コード: {}", enc.ja());
        }
    }
    if !args.quiet {
        for i in &outcome.issues {
            if i.skip != Some(Skip::OtherCity) {
                eprintln!("{i}");
            }
        }
    }
    let verb = if args.dry_run {
        "（--dry-run: 書き込んでいません）"
    } else {
        ""
    };
    println!("取り込み結果{verb}:\n{}", outcome.summary);
    Ok(outcome)
}

/// Runs an import without printing.
pub fn run(args: &ImportArgs) -> Result<Outcome, ImportError> {
    let kind = match (&args.mapping, &args.dataset) {
        (Some(path), _) => {
            let text = std::fs::read_to_string(path).map_err(|e| ImportError::Read {
                file: path.display().to_string(),
                source: e,
            })?;
            Some(Kind::Mapping(Arc::new(mapping::Mapping::from_yaml(
                &path.display().to_string(),
                &text,
            )?)))
        }
        (None, Some(name)) => {
            Some(kinds::by_name(name).ok_or_else(|| ImportError::UnknownKind(name.clone()))?)
        }
        (None, None) => None,
    };
    let files = expand(&args.files)?;
    let towns = geocode::TownTable::aichi();
    let categories = known_categories(&args.content);

    // Read, decode, detect and parse every file in parallel; keep input order for messages.
    let parsed: Vec<Result<(Kind, kinds::Parsed, Detected, String), ImportError>> = files
        .par_iter()
        .map(|path| {
            let file = path.display().to_string();
            let bytes = std::fs::read(path).map_err(|e| ImportError::Read {
                file: file.clone(),
                source: e,
            })?;
            let (text, detected) =
                decode::decode(&bytes, args.encoding).map_err(|e| ImportError::Decode {
                    file: file.clone(),
                    source: e,
                })?;
            let kind = match &kind {
                Some(k) => k.clone(),
                None => kinds::detect(&text)
                    .ok_or_else(|| ImportError::Undetected { file: file.clone() })?,
            };
            let input = Input {
                file: Arc::from(file.as_str()),
                text: &text,
                city: args.city.as_deref(),
            };
            let mut p = kind.parse(&input, towns)?;
            for d in &mut p.drafts {
                d.file = input.file.clone();
            }
            Ok((kind, p, detected, file))
        })
        .collect();

    let mut outcome = Outcome::default();
    let mut by_kind: Vec<(Kind, Vec<Draft>)> = Vec::new();
    for r in parsed {
        let (kind, p, detected, file) = r?;
        outcome.summary.read += p.read;
        if p.other_city > 0 {
            *outcome.summary.skipped.entry(Skip::OtherCity).or_insert(0) += p.other_city;
        }
        outcome.encodings.push((file, detected));
        outcome.issues.extend(p.issues);
        match by_kind.iter_mut().find(|(k, _)| k.name() == kind.name()) {
            Some((_, v)) => v.extend(p.drafts),
            None => by_kind.push((kind, p.drafts)),
        }
    }

    if let Some(cats) = &categories {
        for (k, drafts) in &by_kind {
            for d in drafts {
                for c in &d.categories {
                    if !cats.contains(c) {
                        return Err(ImportError::UnknownCategory {
                            file: k.name().to_string(),
                            category: c.clone(),
                        });
                    }
                }
            }
        }
    }

    let resources = args.content.join("resources");
    let existing = merge::scan(&resources)?;
    let index = merge::Index::new(&existing);
    let today = args
        .date
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let mut files_out: Vec<(String, String)> = Vec::new();
    for (kind, drafts) in by_kind {
        plan_kind(
            &kind,
            drafts,
            &index,
            &existing,
            args.city.as_deref(),
            today,
            &mut outcome,
            &mut files_out,
        );
    }

    // Spliced files (updated, closed) mix the municipality's text with ours: each must still
    // be YAML before anything is written. New files come from the emitter alone, whose output
    // the tests parse with the loader; checking 115,000 of them would double the import time.
    let fresh: HashSet<&str> = outcome.added.iter().map(String::as_str).collect();
    files_out
        .par_iter()
        .filter(|(id, _)| !fresh.contains(id.as_str()))
        .try_for_each(|(id, text)| merge::check_yaml(id, text))?;
    outcome.summary.warnings = outcome.issues.iter().filter(|i| i.skip.is_none()).count();
    for i in &outcome.issues {
        if let Some(s) = i.skip {
            *outcome.summary.skipped.entry(s).or_insert(0) += 1;
        }
    }
    if !args.dry_run && !files_out.is_empty() {
        merge::write_all(&resources, &files_out)?;
        outcome.written = files_out.into_iter().map(|(id, _)| id).collect();
    }
    Ok(outcome)
}

#[allow(clippy::too_many_arguments)]
fn plan_kind(
    kind: &Kind,
    drafts: Vec<Draft>,
    index: &merge::Index,
    existing: &[Existing],
    city: Option<&str>,
    today: NaiveDate,
    outcome: &mut Outcome,
    files_out: &mut Vec<(String, String)>,
) {
    let dataset = kind.name().to_string();
    let fields = kind.fields();
    let mut seen_ids: HashMap<String, String> = HashMap::new();
    let mut seen_sources: HashSet<String> = HashSet::new();
    let mut scopes: HashSet<String> = HashSet::new();
    // Parsed in parallel per file; merged in input order so messages are stable.
    for d in drafts {
        if let Some(other) = seen_ids.get(&d.id)
            && *other != d.source_id
        {
            outcome.issues.push(Issue {
                file: d.file.clone(),
                row: d.line,
                column: "id".into(),
                message: format!("ID「{}」が別の行（{other}）と同じになりました", d.id),
                skip: Some(Skip::Duplicate),
            });
            continue;
        }
        if !seen_sources.insert(d.source_id.clone()) {
            outcome.issues.push(Issue {
                file: d.file.clone(),
                row: d.line,
                column: "id".into(),
                message: format!("「{}」は前の行か別のファイルにもあります", d.source_id),
                skip: Some(Skip::Duplicate),
            });
            continue;
        }
        seen_ids.insert(d.id.clone(), d.source_id.clone());
        scopes.insert(d.scope.clone());
        let found = index
            .by_source
            .get(&(dataset.as_str(), d.source_id.as_str()))
            .copied();
        match found {
            Some(e) => {
                // The record's own list wins: fields the municipality took out stay theirs.
                let owned: Vec<String> = e
                    .source
                    .as_ref()
                    .map(|s| s.fields.clone())
                    .unwrap_or_else(|| fields.clone());
                let d = Draft {
                    id: e.id.clone(),
                    ..d
                };
                match merge::updated_file(e, &d, &dataset, &owned, today) {
                    Some(text) => {
                        outcome.summary.updated += 1;
                        outcome.updated.push(e.id.clone());
                        files_out.push((e.id.clone(), text));
                    }
                    None => outcome.summary.unchanged += 1,
                }
            }
            None => {
                if let Some(e) = index.by_id.get(d.id.as_str()) {
                    let whose = e
                        .source
                        .as_ref()
                        .map(|s| format!("{} の {}", s.dataset, s.id))
                        .unwrap_or_else(|| "手で書いたレコード".into());
                    outcome.issues.push(Issue {
                        file: d.file.clone(),
                        row: d.line,
                        column: "id".into(),
                        message: format!(
                            "{} は既にあります（{whose}）。上書きしません",
                            e.path.display()
                        ),
                        skip: Some(Skip::Conflict),
                    });
                    continue;
                }
                outcome.summary.added += 1;
                outcome.added.push(d.id.clone());
                files_out.push((
                    d.id.clone(),
                    merge::new_file(&d, &dataset, kind.title(), &fields, today),
                ));
            }
        }
    }
    // Records of this dataset and of the scopes just imported that the input no longer lists.
    for e in existing {
        let Some(s) = &e.source else { continue };
        if s.dataset != dataset
            || e.closed
            || seen_sources.contains(&s.id)
            || !scopes.contains(&kind.scope_of(&s.id))
        {
            continue;
        }
        if let Some(c) = city
            && !e.address.as_deref().unwrap_or("").contains(c)
            && !s.id.contains(c)
        {
            continue;
        }
        outcome.summary.closed += 1;
        outcome.closed.push(e.id.clone());
        files_out.push((e.id.clone(), merge::closed_file(e, today)));
    }
}

/// Files to read: the paths given, with directories expanded to their data files (sorted).
fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ImportError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut inner = Vec::new();
            let rd = std::fs::read_dir(p).map_err(|e| ImportError::Read {
                file: p.display().to_string(),
                source: e,
            })?;
            for e in rd {
                let e = e.map_err(|e| ImportError::Read {
                    file: p.display().to_string(),
                    source: e,
                })?;
                let q = e.path();
                if q.extension()
                    .is_some_and(|x| x == "csv" || x == "json" || x == "geojson")
                {
                    inner.push(q);
                }
            }
            inner.sort();
            out.extend(inner);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// Category ids of `content/categories.yaml`, when it exists (so a mapping cannot invent one).
fn known_categories(content: &Path) -> Option<HashSet<String>> {
    #[derive(serde::Deserialize)]
    struct C {
        id: String,
    }
    let text = std::fs::read_to_string(content.join("categories.yaml")).ok()?;
    let list: Vec<C> = serde_yaml::from_str(&text).ok()?;
    Some(list.into_iter().map(|c| c.id).collect())
}
