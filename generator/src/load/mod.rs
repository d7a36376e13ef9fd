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
pub(crate) mod read;
mod resource;
mod schedule;
mod site;
mod suggest;
mod yaml;

use std::collections::{HashMap, HashSet};
use std::os::fd::{AsFd, OwnedFd};
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
    /// Files larger than this are refused; no more than this (and one byte) is read.
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
    let mut cx = Ctx::new(rel, opts.today);
    let path = dir.join(rel);
    let out = with_text(&mut cx, read::Source::Path(&path), opts, |cx, src| {
        parse_yaml(cx, src).and_then(|root| decode(cx, &root))
    })
    .flatten();
    diags.append(&mut cx.diags);
    out
}

/// The YAML tree of a file, or `None` after reporting an empty file or a syntax error.
fn parse_yaml(cx: &mut Ctx, src: &str) -> Option<yaml::Node> {
    match yaml::parse(src, 0) {
        Ok(Some(root)) => Some(root),
        Ok(None) => {
            cx.file_error(Pos { line: 1, col: 1 }, "ファイルが空です。");
            None
        }
        Err(e) => {
            cx.file_error(e.pos, e.message);
            None
        }
    }
}

/// Calls `f` with the file as text: refused when missing, over the size cap or not
/// UTF-8 (with the position of the first bad byte). A UTF-8 BOM is dropped.
///
/// The file is read into a reused buffer without asking its size first: at most
/// `max_file_bytes + 1` bytes are read, and only a file over the cap is measured, for the
/// message. That saves a `statx` and an allocation per file (`read` says what else it saves).
fn with_text<R>(
    cx: &mut Ctx,
    src: read::Source<'_>,
    opts: &LoadOptions,
    f: impl FnOnce(&mut Ctx, &str) -> R,
) -> Option<R> {
    read::with_buffer(|buf| {
        let len = read_into(cx, src, opts, buf)?;
        let bytes = &buf[..len];
        match std::str::from_utf8(bytes) {
            Ok(s) => Some(f(cx, s.strip_prefix('\u{feff}').unwrap_or(s))),
            Err(e) => {
                let good = &bytes[..e.valid_up_to()];
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
    })
}

/// Reads the file into the start of `buf` (grown as needed, never shrunk) and returns
/// its length; `None` after reporting a missing, unreadable or too large file.
fn read_into(
    cx: &mut Ctx,
    src: read::Source<'_>,
    opts: &LoadOptions,
    buf: &mut Vec<u8>,
) -> Option<usize> {
    let start = Pos { line: 1, col: 1 };
    // One byte past the cap tells a file over it (also one that grew while being read).
    let limit = usize::try_from(opts.max_file_bytes)
        .unwrap_or(usize::MAX - 1)
        .saturating_add(1);
    match read::read_capped(src, limit, buf) {
        Ok(read::Outcome::Whole(len)) => Some(len),
        Ok(read::Outcome::TooBig(size)) => {
            cx.file_error(start, too_big(size, opts.max_file_bytes));
            None
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            cx.file_error(start, "ファイルがありません。");
            None
        }
        Err(e) => {
            cx.file_error(start, format!("ファイルを読めません（{e}）。"));
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

/// Every `*.yaml` under `resources/` (subfolders included), as paths relative to the
/// content directory, in `Path` order (the order of sorting the paths), with the folders
/// they are in held open so that each file is opened by its name alone.
struct ResourceFiles {
    /// Open folders, indexed by `ResourceFile::dir`; `None` for a folder that could not be
    /// held open (its files are opened by path).
    dirs: Vec<Option<OwnedFd>>,
    files: Vec<ResourceFile>,
}

struct ResourceFile {
    /// Relative to the content directory.
    path: PathBuf,
    dir: u32,
    /// The folder listing says it is a regular file (not a symlink).
    regular: bool,
}

/// Folders held open at most while loading: far below the usual limit of 1,024 open files,
/// whatever the layout of `resources/`.
const MAX_OPEN_DIRS: usize = 64;

impl ResourceFiles {
    /// Calls `f` with where to read the file from.
    fn with_source<R>(
        &self,
        content_dir: &Path,
        file: &ResourceFile,
        f: impl FnOnce(read::Source<'_>) -> R,
    ) -> R {
        match (&self.dirs[file.dir as usize], file.path.file_name()) {
            (Some(dir), Some(name)) => f(read::Source::At {
                dir: dir.as_fd(),
                name,
                regular: file.regular,
            }),
            _ => f(read::Source::Path(&content_dir.join(&file.path))),
        }
    }
}

/// Each folder's entries are sorted by name and walked depth first, which yields that
/// order without comparing whole paths component by component (a visible cost at
/// 100,000 files).
fn resource_files(content_dir: &Path, diags: &mut Vec<Diagnostic>) -> ResourceFiles {
    let mut out = ResourceFiles {
        dirs: Vec::new(),
        files: Vec::new(),
    };
    walk(content_dir, Path::new("resources"), diags, &mut out);
    out
}

fn walk(content_dir: &Path, rel_dir: &Path, diags: &mut Vec<Diagnostic>, out: &mut ResourceFiles) {
    let abs_dir = content_dir.join(rel_dir);
    let entries = match std::fs::read_dir(&abs_dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
        Err(e) => {
            diags.push(plain_error(
                rel_dir.to_owned(),
                format!("フォルダを読めません（{e}）。"),
            ));
            return;
        }
    };
    let mut names: Vec<(std::ffi::OsString, bool, bool)> = Vec::new();
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(plain_error(
                    rel_dir.to_owned(),
                    format!("フォルダを読めません（{e}）。"),
                ));
                continue;
            }
        };
        let name = entry.file_name();
        // Hidden entries are editors' and tools' (`.#x.yaml` locks, `.git`), not records.
        if name.as_encoded_bytes().starts_with(b".") {
            continue;
        }
        let file_type = entry.file_type().ok();
        let is_dir = file_type.is_some_and(|t| t.is_dir());
        let regular = file_type.is_some_and(|t| t.is_file());
        names.push((name, is_dir, regular));
    }
    // Siblings compare by name bytes exactly as their paths' last components do.
    names.sort_unstable_by(|a, b| a.0.as_encoded_bytes().cmp(b.0.as_encoded_bytes()));
    // Held open only when it has records to read; a failure to open it here (it was just
    // listed) only means its files are opened by path, which reports any real problem.
    let dir = out.dirs.len() as u32;
    let opened = names
        .iter()
        .any(|(n, is_dir, _)| !is_dir && Path::new(n).extension().is_some_and(|e| e == "yaml"))
        .then(|| (out.dirs.len() < MAX_OPEN_DIRS).then(|| read::open_dir(&abs_dir).ok()))
        .flatten()
        .flatten();
    out.dirs.push(opened);
    for (name, is_dir, regular) in names {
        let path = rel_dir.join(&name);
        if is_dir {
            walk(content_dir, &path, diags, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.files.push(ResourceFile { path, dir, regular });
        } else if path.extension().is_some_and(|e| e == "yml") {
            let mut d = plain_error(
                path,
                "拡張子は .yaml にしてください（.yml のファイルは読み込まれません）。".into(),
            );
            d.severity = Severity::Warning;
            diags.push(d);
        }
    }
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
    let listing = resource_files(content_dir, diags);
    let files = &listing.files;
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
        center: site.map(|s| (s.map.center, resource::far_km(s.map.zoom))),
    };
    // Resources and the rest are collected apart so that the resources, the bulk of the
    // memory, are held once: the Option wrapper is dropped in place below.
    let load_all = || -> (Vec<Option<Resource>>, Vec<FileReport>) {
        files
            .par_iter()
            .map(|file| {
                let rel_path = &file.path;
                let mut cx = Ctx::new(rel_path, opts.today);
                let stem = resource::stem(rel_path);
                let mut id_at = None;
                let res = listing
                    .with_source(content_dir, file, |from| {
                        with_text(&mut cx, from, opts, |cx, src| {
                            let root = parse_yaml(cx, src)?;
                            let declared = declared_id(&root);
                            let res = resource::decode(cx, &root, stem, &ctx);
                            // A decoded record carries its id; only a failed file keeps a copy.
                            id_at = declared.map(|(id, pos)| match res {
                                Some(_) => DeclaredId { text: None, pos },
                                None => DeclaredId {
                                    text: Some(id.to_owned()),
                                    pos,
                                },
                            });
                            res
                        })
                    })
                    .flatten();
                (res, (cx.diags, id_at))
            })
            .unzip()
    };
    let (resources, rest) = match reading_pool() {
        Some(pool) => pool.install(load_all),
        None => load_all(),
    };

    // Duplicate ids: compare the id each file declares (even when the file had other
    // errors), naming both files in each message.
    let mut first: HashMap<&str, (usize, Pos)> = HashMap::with_capacity(rest.len());
    for (i, (_, id_at)) in rest.iter().enumerate() {
        let Some(DeclaredId { text, pos }) = id_at else {
            continue;
        };
        let id = match (text, &resources[i]) {
            (Some(t), _) => t.as_str(),
            (None, Some(r)) => r.id.as_str(),
            (None, None) => continue,
        };
        match first.get(id) {
            None => {
                first.insert(id, (i, *pos));
            }
            Some((j, pos_j)) => {
                let (file_i, file_j) = (&files[i].path, &files[*j].path);
                for (file, at, other, other_pos) in [
                    (file_i, *pos, file_j, *pos_j),
                    (file_j, *pos_j, file_i, *pos),
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
    // One allocation for every file's diagnostics (a nationwide import can warn about
    // each of 100,000 records), not a doubling copy after copy.
    diags.reserve(rest.iter().map(|(d, _)| d.len()).sum());
    for (mut d, _) in rest {
        diags.append(&mut d);
    }

    // `filter_map` (unlike `flatten`) is collected in place: no second array of records
    // and no copying while it grows.
    #[allow(clippy::filter_map_identity)]
    let mut out: Vec<Resource> = resources.into_iter().filter_map(|r| r).collect();
    // Unstable sort: no buffer of half the records; ids are unique once loading succeeds.
    out.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    out
}

/// Threads for reading resource files: several per core, so that while some wait for
/// the disk (a first build after boot reads 100,000 files that are not in the page
/// cache) others parse. With files in the cache the extra threads cost nothing
/// measurable; with a cold cache, 16 threads on 2 cores read 100,000 files about three
/// times faster than 2. `None` (rayon's own pool) when `RAYON_NUM_THREADS` is set, so
/// that a limit chosen by the user holds, or when the pool cannot be made.
fn reading_pool() -> Option<rayon::ThreadPool> {
    if std::env::var_os("RAYON_NUM_THREADS").is_some() {
        return None;
    }
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    rayon::ThreadPoolBuilder::new()
        .num_threads((cores * 8).clamp(8, 32))
        .thread_name(|i| format!("tsunagu-load-{i}"))
        .build()
        .ok()
}

/// A resource file's diagnostics and the id it declares (with its position).
type FileReport = (Vec<Diagnostic>, Option<DeclaredId>);

/// The id a file declares: its text is the decoded record's id when the file loaded,
/// else kept here.
struct DeclaredId {
    text: Option<String>,
    pos: Pos,
}

/// The `id:` a resource file declares, if it is a plain string, for the duplicate check.
fn declared_id(root: &yaml::Node) -> Option<(&str, Pos)> {
    let yaml::Value::Map(entries) = &root.value else {
        return None;
    };
    entries
        .iter()
        .find(|(k, _)| k.name == "id")
        .and_then(|(_, v)| match &v.value {
            yaml::Value::Scalar { text, .. } if !text.is_empty() => Some((text.as_str(), v.pos)),
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
        let rel_path = rel(content_dir, &path);
        let mut cx = Ctx::new(&rel_path, opts.today);
        let slug = resource::stem(&path);
        if let Some(page) = with_text(&mut cx, read::Source::Path(&path), opts, |cx, src| {
            page::decode(cx, src, slug)
        }) {
            pages.extend(page);
        }
        diags.append(&mut cx.diags);
    }
    pages.sort_by(|a, b| (a.order, &a.slug).cmp(&(b.order, &b.slug)));
    pages
}
