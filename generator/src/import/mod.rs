//! `tsunagu import`: open data files → `content/resources/*.yaml`.
//!
//! The stages: read and decode each file (`decode`), recognise its kind (`kinds::detect`
//! or `--dataset` / `--mapping`), parse rows into drafts, collecting a message for every row
//! that is not imported or was repaired on the way (`report`), place rows without usable
//! coordinates at their 町字 (`geocode`), then merge with the records already there
//! (`merge`): new files, changed owned fields, and records of the same dataset and scope the
//! input no longer lists, which are marked `status: closed` rather than deleted (their URL
//! then answers 404, and the file keeps the municipality's notes). Nothing is written until
//! every row is planned and every changed file is checked as YAML (`--dry-run` stops there);
//! then all files, new records' text made on the writing threads, go into a temporary
//! directory that is moved into place (`merge::write_all`).

pub mod decode;
pub mod geocode;
pub mod kinds;
pub mod mapping;
pub mod merge;
pub mod record;
pub mod report;
pub mod table;
pub mod text;

use std::borrow::Cow;
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

    let trace = Trace::start();
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
            // Held until written, with every other file's.
            p.drafts.shrink_to_fit();
            Ok((kind, p, detected, file))
        })
        .collect();

    let mut outcome = Outcome::default();
    // Each file's drafts, grouped by kind in input order. They stay in their files' vectors:
    // at 115,000 drafts, moving them into one would hold them twice for a moment.
    let mut by_kind: Vec<(Kind, Vec<Vec<Draft>>)> = Vec::new();
    for r in parsed {
        let (kind, p, detected, file) = r?;
        outcome.summary.read += p.read;
        if p.other_city > 0 {
            *outcome.summary.skipped.entry(Skip::OtherCity).or_insert(0) += p.other_city;
        }
        outcome.encodings.push((file, detected));
        outcome.issues.extend(p.issues);
        match by_kind.iter_mut().find(|(k, _)| k.name() == kind.name()) {
            Some((_, v)) => v.push(p.drafts),
            None => by_kind.push((kind, vec![p.drafts])),
        }
    }

    if let Some(cats) = &categories {
        for (k, drafts) in &by_kind {
            for d in drafts.iter().flatten() {
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

    trace.stage("parse");
    let resources = args.content.join("resources");
    let existing = merge::scan(&resources)?;
    let index = merge::Index::new(&existing);
    trace.stage("scan existing records");
    let today = args
        .date
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let mut files_out: Vec<Planned> = Vec::new();
    let mut new_records: Vec<NewRecords> = Vec::new();
    for (kind, drafts) in by_kind {
        let slot = new_records.len();
        new_records.push(plan_kind(
            &kind,
            drafts,
            slot,
            &index,
            &existing,
            args.city.as_deref(),
            today,
            &mut outcome,
            &mut files_out,
        ));
    }

    trace.stage("plan");
    // Spliced files (updated, closed) mix the municipality's text with ours: each must still
    // be YAML before anything is written. New files come from the emitter alone, whose output
    // the tests parse with the loader; checking 115,000 of them would double the import time.
    files_out.par_iter().try_for_each(|f| match f {
        Planned::Spliced { id, text } => merge::check_yaml(id, text),
        Planned::New { .. } => Ok(()),
    })?;
    outcome.summary.warnings = outcome.issues.iter().filter(|i| i.skip.is_none()).count();
    for i in &outcome.issues {
        if let Some(s) = i.skip {
            *outcome.summary.skipped.entry(s).or_insert(0) += 1;
        }
    }
    if !args.dry_run && !files_out.is_empty() {
        let ids: Vec<&str> = files_out
            .iter()
            .map(|f| match f {
                Planned::Spliced { id, .. } => id.as_str(),
                Planned::New { slot, draft } => new_records[*slot].draft(*draft).id.as_str(),
            })
            .collect();
        // A new record's text is made on the thread that writes it, so 115,000 finished
        // files never sit in memory at once.
        merge::write_all(&resources, &ids, |i| match &files_out[i] {
            Planned::Spliced { text, .. } => Cow::Borrowed(text.as_str()),
            Planned::New { slot, draft } => {
                let n = &new_records[*slot];
                Cow::Owned(merge::new_file(
                    n.draft(*draft),
                    &n.dataset,
                    &n.title,
                    &n.fields,
                    today,
                ))
            }
        })?;
        outcome.written = ids.into_iter().map(str::to_string).collect();
        trace.stage("write");
    }
    Ok(outcome)
}

/// With `TSUNAGU_TRACE_MEM=1` (as for `tsunagu build`), prints each stage's wall time and
/// the process's current and peak resident memory to stderr (Linux), to see which stage
/// costs what on a large import.
struct Trace(Option<std::time::Instant>);

impl Trace {
    fn start() -> Trace {
        Trace(
            std::env::var_os("TSUNAGU_TRACE_MEM")
                .is_some()
                .then(std::time::Instant::now),
        )
    }

    fn stage(&self, name: &str) {
        if let Some(t) = self.0 {
            crate::procstat::trace(&format!("{name} ({:.2} s)", t.elapsed().as_secs_f64()));
        }
    }
}

/// A file an import will write.
enum Planned {
    /// An existing record with the dataset's blocks spliced in (made and checked before
    /// anything is written).
    Spliced { id: String, text: String },
    /// A new record: `NewRecords[slot].draft(draft)`, made into text only when written.
    New { slot: usize, draft: (u32, u32) },
}

/// One dataset kind's drafts, and what its new records' files say about their origin.
struct NewRecords {
    dataset: String,
    title: String,
    fields: Vec<String>,
    /// Per input file.
    drafts: Vec<Vec<Draft>>,
}

impl NewRecords {
    fn draft(&self, (file, row): (u32, u32)) -> &Draft {
        &self.drafts[file as usize][row as usize]
    }
}

/// How a row meets an existing record, decided in input order.
struct Update<'e> {
    existing: &'e Existing,
    draft: &'e Draft,
    /// The record's `source.fields`; `None`: the kind's.
    owned: Option<&'e [String]>,
}

#[allow(clippy::too_many_arguments)]
fn plan_kind(
    kind: &Kind,
    drafts: Vec<Vec<Draft>>,
    slot: usize,
    index: &merge::Index,
    existing: &[Existing],
    city: Option<&str>,
    today: NaiveDate,
    outcome: &mut Outcome,
    files_out: &mut Vec<Planned>,
) -> NewRecords {
    let dataset = kind.name().to_string();
    let fields = kind.fields();
    let count = drafts.iter().map(Vec::len).sum();
    let mut seen_ids: HashMap<&str, &str> = HashMap::with_capacity(count);
    let mut seen_sources: HashSet<&str> = HashSet::with_capacity(count);
    let mut scopes: HashSet<&str> = HashSet::new();
    // `None`: a new record; `Some(i)`: updates[i].
    let mut steps: Vec<((u32, u32), Option<usize>)> = Vec::with_capacity(count);
    let mut updates: Vec<Update> = Vec::new();
    // Parsed in parallel per file; decided in input order so messages are stable.
    let numbered = drafts.iter().enumerate().flat_map(|(f, v)| {
        v.iter()
            .enumerate()
            .map(move |(r, d)| ((f as u32, r as u32), d))
    });
    for (i, d) in numbered {
        if let Some(other) = seen_ids.get(d.id.as_str())
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
        if !seen_sources.insert(d.source_id.as_str()) {
            outcome.issues.push(Issue {
                file: d.file.clone(),
                row: d.line,
                column: "id".into(),
                message: format!("「{}」は前の行か別のファイルにもあります", d.source_id),
                skip: Some(Skip::Duplicate),
            });
            continue;
        }
        seen_ids.insert(d.id.as_str(), d.source_id.as_str());
        scopes.insert(d.scope.as_str());
        let found = index
            .by_source
            .get(&(dataset.as_str(), d.source_id.as_str()))
            .copied();
        match found {
            Some(e) => {
                // The record's own list wins: fields the municipality took out stay theirs.
                let owned = e.source.as_ref().map(|s| s.fields.as_slice());
                steps.push((i, Some(updates.len())));
                updates.push(Update {
                    existing: e,
                    draft: d,
                    owned,
                });
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
                steps.push((i, None));
            }
        }
    }
    // Splicing a record is independent of every other: on a re-import of 115,000 records it
    // is most of the work, so it runs on every core; the results are taken in input order.
    let spliced: Vec<Option<String>> = updates
        .par_iter()
        .map(|u| {
            let owned = u.owned.unwrap_or(&fields);
            merge::updated_file(u.existing, u.draft, &dataset, owned, today)
        })
        .collect();
    let mut spliced = spliced.into_iter();
    for (i, update) in steps {
        match update {
            Some(u) => match spliced.next().flatten() {
                Some(text) => {
                    let id = updates[u].existing.id.clone();
                    outcome.summary.updated += 1;
                    outcome.updated.push(id.clone());
                    files_out.push(Planned::Spliced { id, text });
                }
                None => outcome.summary.unchanged += 1,
            },
            None => {
                outcome.summary.added += 1;
                outcome
                    .added
                    .push(drafts[i.0 as usize][i.1 as usize].id.clone());
                files_out.push(Planned::New { slot, draft: i });
            }
        }
    }
    // Records of this dataset and of the scopes just imported that the input no longer lists.
    for e in existing {
        let Some(s) = &e.source else { continue };
        if s.dataset != dataset
            || e.closed
            || seen_sources.contains(s.id.as_str())
            || !scopes.contains(kind.scope_of(&s.id).as_str())
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
        files_out.push(Planned::Spliced {
            id: e.id.clone(),
            text: merge::closed_file(e, today),
        });
    }
    NewRecords {
        title: kind.title().to_string(),
        dataset,
        fields,
        drafts,
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
