//! Load and validate `content/` into the model.
//!
//! Every file is parsed into a position-aware YAML tree (`yaml`) and decoded field by
//! field (`decode`, and one module per file kind), so that one run reports every problem
//! in every file as `path:line:col: message`, in Japanese, naming the field. Resource
//! files are independent of each other and are loaded in parallel (rayon); checks that
//! span files (duplicate ids) run afterwards.

mod categories;
mod decode;
mod geo;
pub mod normalize;
mod page;
mod resource;
mod schedule;
mod site;
mod suggest;
mod yaml;

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;

pub use resource::derive_town;
pub use schedule::{parse_month_day, parse_time_range};
pub use site::{DEFAULT_ATTRIBUTION, DEFAULT_TILE_URL};

use crate::model::{Category, Content, Page, Resource, Site};
use decode::Ctx;
use yaml::Pos;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in the content, printed as `path:line:col: message`
/// (warnings as `path:line:col: 警告: message`).
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Relative to the content directory, e.g. `resources/foo.yaml`.
    pub file: PathBuf,
    /// 1-based.
    pub line: usize,
    /// 1-based, counted in characters (a Japanese character is one column).
    pub col: usize,
    pub severity: Severity,
    /// In Japanese, naming the field; includes the suggestion when there is one.
    pub message: String,
    /// The likely intended value for a misspelt field name, category or keyword.
    pub suggestion: Option<String>,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let level = match self.severity {
            Severity::Error => "",
            Severity::Warning => "警告: ",
        };
        write!(
            f,
            "{}:{}:{}: {level}{}",
            self.file.display(),
            self.line,
            self.col,
            self.message
        )
    }
}

pub struct Loaded {
    pub content: Content,
    pub warnings: Vec<Diagnostic>,
}

/// Knobs for tests and unusual sites; `Default` is what `tsunagu build` uses.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// "Today" for dates that must not be in the future; defaults to today in Japan.
    pub today: NaiveDate,
    /// Files larger than this are refused before being read.
    pub max_file_bytes: u64,
}

/// 256 KiB: a resource record is a few KiB; anything this large is a mistake or an attack.
pub const MAX_FILE_BYTES: u64 = 256 * 1024;

impl Default for LoadOptions {
    fn default() -> Self {
        let jst = chrono::Utc::now() + chrono::Duration::hours(9);
        LoadOptions {
            today: jst.date_naive(),
            max_file_bytes: MAX_FILE_BYTES,
        }
    }
}

/// Loads every file under `content_dir`, collecting every problem in one run.
///
/// `Err` holds every diagnostic (errors and warnings, sorted by file and position);
/// it is returned when at least one is an error.
pub fn load(content_dir: &Path) -> Result<Loaded, Vec<Diagnostic>> {
    load_with(content_dir, &LoadOptions::default())
}

pub fn load_with(content_dir: &Path, opts: &LoadOptions) -> Result<Loaded, Vec<Diagnostic>> {
    let mut diags = Vec::new();

    let site = load_one(
        content_dir,
        Path::new("site.yaml"),
        opts,
        &mut diags,
        site::decode,
    );
    let categories = load_one(
        content_dir,
        Path::new("categories.yaml"),
        opts,
        &mut diags,
        |cx, root| Some(categories::decode(cx, root)),
    )
    .unwrap_or_default();

    let resources = load_resources(content_dir, opts, site.as_ref(), &categories, &mut diags);
    let pages = load_pages(content_dir, opts, &mut diags);

    diags.sort_by(|a, b| {
        (&a.file, a.line, a.col, a.severity).cmp(&(&b.file, b.line, b.col, b.severity))
    });
    let has_error = diags.iter().any(|d| d.severity == Severity::Error);
    match site {
        Some(site) if !has_error => Ok(Loaded {
            content: Content {
                site,
                categories,
                resources,
                pages,
            },
            warnings: diags,
        }),
        _ => Err(diags),
    }
}

/// Reads, parses and decodes one YAML file; a missing file is an error.
fn load_one<T>(
    dir: &Path,
    rel: &Path,
    opts: &LoadOptions,
    diags: &mut Vec<Diagnostic>,
    decode: impl FnOnce(&mut Ctx, &yaml::Node) -> Option<T>,
) -> Option<T> {
    let mut cx = Ctx::new(rel.to_owned(), opts.today);
    let out = read_text(&mut cx, &dir.join(rel), opts).and_then(|src| match yaml::parse(&src, 0) {
        Ok(Some(root)) => decode(&mut cx, &root),
        Ok(None) => {
            cx.file_error(Pos { line: 1, col: 1 }, "ファイルが空です。");
            None
        }
        Err(e) => {
            cx.file_error(e.pos, e.message);
            None
        }
    });
    diags.append(&mut cx.diags);
    out
}

/// The file as text: refused when missing, over the size cap (before reading it) or
/// not UTF-8 (with the position of the first bad byte). A UTF-8 BOM is dropped.
fn read_text(cx: &mut Ctx, path: &Path, opts: &LoadOptions) -> Option<String> {
    let start = Pos { line: 1, col: 1 };
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            cx.file_error(start, "ファイルがありません。");
            return None;
        }
        Err(e) => {
            cx.file_error(start, format!("ファイルを読めません（{e}）。"));
            return None;
        }
    };
    let len = match file.metadata() {
        Ok(m) => m.len(),
        Err(e) => {
            cx.file_error(start, format!("ファイルを読めません（{e}）。"));
            return None;
        }
    };
    if len > opts.max_file_bytes {
        cx.file_error(start, too_big(len, opts.max_file_bytes));
        return None;
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // `take` guards against a file that grows between the size check and the read.
    if let Err(e) = (&mut file)
        .take(opts.max_file_bytes + 1)
        .read_to_end(&mut bytes)
    {
        cx.file_error(start, format!("ファイルを読めません（{e}）。"));
        return None;
    }
    if bytes.len() as u64 > opts.max_file_bytes {
        cx.file_error(start, too_big(bytes.len() as u64, opts.max_file_bytes));
        return None;
    }
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.drain(..3);
            }
            Some(s)
        }
        Err(e) => {
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            // `good` is valid UTF-8 by construction, so the lossy conversion is exact.
            let prefix = String::from_utf8_lossy(good);
            let line = prefix.matches('\n').count() + 1;
            let col = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            cx.file_error(
                Pos { line, col },
                "文字コードがUTF-8ではありません（Shift_JIS などで保存されていませんか）。UTF-8で保存し直してください。",
            );
            None
        }
    }
}

fn too_big(len: u64, cap: u64) -> String {
    format!(
        "ファイルが大きすぎます（{} KiB。上限は {} KiB）。1つのファイルには1件だけを書いてください。",
        len.div_ceil(1024),
        cap / 1024
    )
}

/// Every `*.yaml` under `resources/` (subfolders included), sorted for stable output.
fn resource_files(dir: &Path, diags: &mut Vec<Diagnostic>, content_dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                diags.push(plain_error(
                    rel(content_dir, &d),
                    format!("フォルダを読めません（{e}）。"),
                ));
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    diags.push(plain_error(
                        rel(content_dir, &d),
                        format!("フォルダを読めません（{e}）。"),
                    ));
                    continue;
                }
            };
            // Hidden entries are editors' and tools' (`.#x.yaml` locks, `.git`), not records.
            if entry.file_name().as_encoded_bytes().starts_with(b".") {
                continue;
            }
            let path = entry.path();
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if is_dir {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                out.push(path);
            } else if path.extension().is_some_and(|e| e == "yml") {
                let mut d = plain_error(
                    rel(content_dir, &path),
                    "拡張子は .yaml にしてください（.yml のファイルは読み込まれません）。".into(),
                );
                d.severity = Severity::Warning;
                diags.push(d);
            }
        }
    }
    out.sort();
    out
}

fn plain_error(file: PathBuf, message: String) -> Diagnostic {
    Diagnostic {
        file,
        line: 1,
        col: 1,
        severity: Severity::Error,
        message,
        suggestion: None,
    }
}

fn rel(base: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(base).unwrap_or(path).to_owned()
}

fn load_resources(
    content_dir: &Path,
    opts: &LoadOptions,
    site: Option<&Site>,
    categories: &[Category],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Resource> {
    let files = resource_files(&content_dir.join("resources"), diags, content_dir);
    let ids: HashSet<String> = categories.iter().map(|c| c.id.clone()).collect();
    let names: HashMap<String, String> = categories
        .iter()
        .flat_map(|c| {
            [
                (c.name.ja.clone(), c.id.clone()),
                (c.name.en.to_lowercase(), c.id.clone()),
            ]
        })
        .collect();
    let ctx = resource::Context {
        categories: &ids,
        category_names: &names,
        municipality: site.map_or("", |s| s.name.ja.as_str()),
        center: site.map(|s| s.map.center),
    };
    // Resources and the rest are collected apart so that the resources, the bulk of the
    // memory, are held once: the Option wrapper is dropped in place below.
    let (resources, rest): (Vec<Option<Resource>>, Vec<FileReport>) = files
        .par_iter()
        .map(|path| {
            let rel_path = rel(content_dir, path);
            let mut cx = Ctx::new(rel_path, opts.today);
            let stem = resource::stem(path);
            let mut id_at = None;
            let res = read_text(&mut cx, path, opts).and_then(|src| match yaml::parse(&src, 0) {
                Ok(Some(root)) => {
                    id_at = declared_id(&root);
                    resource::decode(&mut cx, &root, &stem, &ctx)
                }
                Ok(None) => {
                    cx.file_error(Pos { line: 1, col: 1 }, "ファイルが空です。");
                    None
                }
                Err(e) => {
                    cx.file_error(e.pos, e.message);
                    None
                }
            });
            (res, (cx.diags, id_at))
        })
        .unzip();

    // Duplicate ids: compare the id each file declares (even when the file had other
    // errors), naming both files in each message.
    let mut first: HashMap<&str, (usize, Pos)> = HashMap::new();
    for (i, (_, id_at)) in rest.iter().enumerate() {
        let Some((id, pos)) = id_at else { continue };
        match first.get(id.as_str()) {
            None => {
                first.insert(id, (i, *pos));
            }
            Some((j, pos_j)) => {
                let (file_i, file_j) = (rel(content_dir, &files[i]), rel(content_dir, &files[*j]));
                for (file, at, other, other_pos) in [
                    (&file_i, *pos, &file_j, *pos_j),
                    (&file_j, *pos_j, &file_i, *pos),
                ] {
                    diags.push(Diagnostic {
                        file: file.clone(),
                        line: at.line,
                        col: at.col,
                        severity: Severity::Error,
                        message: format!(
                            "項目「id」: id「{id}」が {}:{}:{} と重複しています。id はリソースごとに違う値にしてください。",
                            other.display(),
                            other_pos.line,
                            other_pos.col
                        ),
                        suggestion: None,
                    });
                }
            }
        }
    }
    drop(first);
    for (mut d, _) in rest {
        diags.append(&mut d);
    }

    let mut out: Vec<Resource> = resources.into_iter().flatten().collect();
    // Unstable sort: no buffer of half the records; ids are unique once loading succeeds.
    out.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    out
}

/// A resource file's diagnostics and the id it declares (with its position).
type FileReport = (Vec<Diagnostic>, Option<(String, Pos)>);

/// The `id:` a resource file declares, if it is a plain string, for the duplicate check.
fn declared_id(root: &yaml::Node) -> Option<(String, Pos)> {
    let yaml::Value::Map(entries) = &root.value else {
        return None;
    };
    entries
        .iter()
        .find(|(k, _)| k.name == "id")
        .and_then(|(_, v)| match &v.value {
            yaml::Value::Scalar { text, .. } if !text.is_empty() => Some((text.clone(), v.pos)),
            _ => None,
        })
}

fn load_pages(content_dir: &Path, opts: &LoadOptions, diags: &mut Vec<Diagnostic>) -> Vec<Page> {
    let dir = content_dir.join("pages");
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(|e| match e {
                Ok(e) => Some(e.path()),
                Err(err) => {
                    diags.push(plain_error(
                        PathBuf::from("pages"),
                        format!("フォルダを読めません（{err}）。"),
                    ));
                    None
                }
            })
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    let mut pages = Vec::new();
    for path in files {
        let mut cx = Ctx::new(rel(content_dir, &path), opts.today);
        let slug = resource::stem(&path);
        if let Some(src) = read_text(&mut cx, &path, opts) {
            pages.extend(page::decode(&mut cx, &src, &slug));
        }
        diags.append(&mut cx.diags);
    }
    pages.sort_by(|a, b| (a.order, &a.slug).cmp(&(b.order, &b.slug)));
    pages
}
