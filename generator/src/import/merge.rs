//! Meeting the content directory: which imported rows are new, changed, unchanged, and
//! which earlier records the dataset no longer lists.
//!
//! A record file is edited block by block (a top-level YAML key with everything indented
//! below it, and the comment lines just above it). Only the blocks named in the file's own
//! `source.fields`, plus `source` itself (and `status` when a row disappears), are
//! rewritten; every other block, comments included, is kept byte for byte. That is how a
//! municipality's hand edits survive a re-import: take a field out of `source.fields` and
//! the dataset no longer touches it.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Write;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;
use rustix::fs::{Mode, OFlags};
use serde::Deserialize;

use crate::import::record::{Draft, FIELD_ORDER, plain_is_safe, scalar};
use crate::load::read;

/// One top-level block of a YAML file: slices of the file's text, or new text for the
/// blocks an import replaces (a re-import of 115,000 records copies nothing it keeps).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block<'a> {
    /// Comment and blank lines directly above the key.
    pub lead: Cow<'a, str>,
    /// `None` for comments after the last key.
    pub key: Option<Cow<'a, str>>,
    /// The key line and its indented lines.
    pub body: Cow<'a, str>,
}

fn top_level_key(line: &str) -> Option<&str> {
    let first = line.chars().next()?;
    if !(first.is_ascii_alphabetic() || first == '_') {
        return None;
    }
    let end = line.find(':')?;
    let key = &line[..end];
    key.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
        .then_some(key)
}

pub fn split_blocks(text: &str) -> Vec<Block<'_>> {
    let mut blocks: Vec<Block> = Vec::new();
    // Where the pending lead (comments, blank lines) and the last block's body begin.
    let mut lead_start = 0;
    let mut body_start = 0;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        if let Some(key) = top_level_key(line) {
            blocks.push(Block {
                lead: Cow::Borrowed(&text[lead_start..start]),
                key: Some(Cow::Borrowed(key)),
                body: Cow::Borrowed(&text[start..pos]),
            });
            lead_start = pos;
            body_start = start;
        } else if line.starts_with('#') || line.trim().is_empty() {
            // Part of the lead of whatever follows.
        } else if let Some(b) = blocks.last_mut() {
            // An indented line: it belongs to the block above, and so do the comments before it.
            b.body = Cow::Borrowed(&text[body_start..pos]);
            lead_start = pos;
        }
        // Otherwise a line before the first key: it stays in the first block's lead.
    }
    if lead_start < text.len() {
        blocks.push(Block {
            lead: Cow::Borrowed(&text[lead_start..]),
            key: None,
            body: Cow::Borrowed(""),
        });
    }
    blocks
}

fn join_blocks(blocks: &[Block]) -> String {
    let mut out =
        String::with_capacity(blocks.iter().map(|b| b.lead.len() + b.body.len() + 1).sum());
    for b in blocks {
        out.push_str(&b.lead);
        out.push_str(&b.body);
        if !b.body.is_empty() && !b.body.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// Replaces (or inserts, or removes when `new` is `None`) the block `key`.
fn set_block(blocks: &mut Vec<Block>, key: &str, new: Option<String>) {
    let pos = blocks.iter().position(|b| b.key.as_deref() == Some(key));
    match (pos, new) {
        (Some(i), Some(body)) => blocks[i].body = Cow::Owned(body),
        (Some(i), None) => {
            let lead = std::mem::take(&mut blocks[i].lead);
            blocks.remove(i);
            if let Some(next) = blocks.get_mut(i) {
                next.lead.to_mut().insert_str(0, &lead);
            }
        }
        (None, Some(body)) => {
            // New fields go where the example puts them: before status and source.
            let at = blocks
                .iter()
                .position(|b| {
                    matches!(b.key.as_deref(), Some("status") | Some("source")) || b.key.is_none()
                })
                .unwrap_or(blocks.len());
            blocks.insert(
                at,
                Block {
                    lead: Cow::Borrowed(""),
                    key: Some(Cow::Owned(key.to_string())),
                    body: Cow::Owned(body),
                },
            );
        }
        (None, None) => {}
    }
}

/// `source` of an existing record, as far as merging needs it.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct SourceInfo {
    pub dataset: String,
    pub id: String,
    #[serde(default)]
    pub fields: Vec<String>,
    #[serde(default)]
    pub imported: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct Existing {
    pub id: String,
    pub path: PathBuf,
    pub text: String,
    pub source: Option<SourceInfo>,
    pub closed: bool,
    pub address: Option<String>,
}

#[derive(Deserialize)]
struct SourceDoc {
    source: Option<SourceInfo>,
}

#[derive(Deserialize)]
struct StatusDoc {
    status: Option<String>,
}

#[derive(Deserialize)]
struct AddressDoc {
    address: Option<AddressText>,
}

#[derive(Deserialize)]
struct AddressText {
    text: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("{path}: 読めません: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: source の形式が正しくありません: {reason}")]
    Source { path: String, reason: String },
    #[error("{path}: 書き込めません: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("{id}: 取り込み後の YAML が読めません（取り込みの不具合です）: {reason}")]
    Generated { id: String, reason: String },
}

/// Reads every `*.yaml` under `dir` (in parallel: 115,000 files on a re-import), keeping
/// only what merging needs to know.
pub fn scan(dir: &Path) -> Result<Vec<Existing>, MergeError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(MergeError::Read {
                path: dir.display().to_string(),
                source: e,
            });
        }
    };
    // Each record is opened by name in the folder held open here (see `load::read`).
    let dir_fd = read::open_dir(dir).ok();
    let mut paths = Vec::new();
    for e in entries {
        let e = e.map_err(|e| MergeError::Read {
            path: dir.display().to_string(),
            source: e,
        })?;
        let p = e.path();
        if p.extension().is_some_and(|x| x == "yaml") {
            paths.push((p, e.file_type().is_ok_and(|t| t.is_file())));
        }
    }
    paths
        .into_par_iter()
        .map(|(path, regular)| {
            let text =
                read_text(dir_fd.as_ref(), &path, regular).map_err(|e| MergeError::Read {
                    path: path.display().to_string(),
                    source: e,
                })?;
            let id = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let mut source = None;
            let mut closed = false;
            let mut address = None;
            // The blocks as `source_block` and `Draft::block` write them are read directly;
            // anything else (hand-edited, commented, quoted) goes through serde_yaml.
            for b in split_blocks(&text) {
                match b.key.as_deref() {
                    Some("source") => {
                        source = match our_source(&b.body) {
                            Some(s) => Some(s),
                            None => {
                                serde_yaml::from_str::<SourceDoc>(&b.body)
                                    .map_err(|e| MergeError::Source {
                                        path: path.display().to_string(),
                                        reason: e.to_string(),
                                    })?
                                    .source
                            }
                        };
                    }
                    // A record the municipality broke is the loader's to report; here it only
                    // means "not closed" / "no address".
                    Some("status") => {
                        closed = match b.body.strip_prefix("status: ") {
                            Some("active\n") => false,
                            Some("closed\n") => true,
                            _ => {
                                serde_yaml::from_str::<StatusDoc>(&b.body)
                                    .ok()
                                    .and_then(|d| d.status)
                                    .as_deref()
                                    == Some("closed")
                            }
                        }
                    }
                    Some("address") => {
                        address = match our_address_text(&b.body) {
                            Some(text) => text,
                            None => serde_yaml::from_str::<AddressDoc>(&b.body)
                                .ok()
                                .and_then(|d| d.address)
                                .and_then(|a| a.text),
                        }
                    }
                    _ => {}
                }
            }
            Ok(Existing {
                id,
                path,
                text,
                source,
                closed,
                address,
            })
        })
        .collect()
}

/// The file's text, read as `std::fs::read_to_string` reads it (the same error for a file
/// that is not UTF-8), by name inside `dir` when the folder is open.
fn read_text(dir: Option<&OwnedFd>, path: &Path, regular: bool) -> std::io::Result<String> {
    let src = match (dir, path.file_name()) {
        (Some(dir), Some(name)) => read::Source::At {
            dir: dir.as_fd(),
            name,
            regular,
        },
        _ => read::Source::Path(path),
    };
    read::with_buffer(|buf| {
        let len = match read::read_capped(src, usize::MAX, buf)? {
            read::Outcome::Whole(len) => len,
            // Not with an unlimited cap; kept as an error rather than a panic.
            read::Outcome::TooBig(_) => return Err(std::io::Error::other("too large")),
        };
        match std::str::from_utf8(&buf[..len]) {
            Ok(text) => Ok(text.to_owned()),
            Err(_) => Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "stream did not contain valid UTF-8",
            )),
        }
    })
}

/// Reads a `source` block exactly as `source_block` writes it (what serde_yaml would read
/// from it); `None` for any other shape.
fn our_source(body: &str) -> Option<SourceInfo> {
    let mut lines = body.strip_prefix("source:\n")?.split_inclusive('\n');
    let mut field = |key: &str| {
        lines
            .next()?
            .strip_prefix("  ")?
            .strip_prefix(key)?
            .strip_prefix(": ")?
            .strip_suffix('\n')
    };
    let dataset = field("dataset")?;
    let id = field("id")?;
    let fields = field("fields")?;
    let imported = field("imported")?;
    if lines.next().is_some() {
        return None;
    }
    // A plain [a-z][a-z0-9-]* scalar is that string, unless YAML reads it as null or a bool.
    let plain_word = |w: &str| {
        w.starts_with(|c: char| c.is_ascii_lowercase())
            && w.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
            && !matches!(w, "null" | "true" | "false")
    };
    if !plain_word(dataset) {
        return None;
    }
    // `quoted` escapes only `"`, `\` and control characters: without a backslash the text
    // between the quotes is the string itself.
    let id = id.strip_prefix('"')?.strip_suffix('"')?;
    if id.contains(['"', '\\']) {
        return None;
    }
    let fields = fields.strip_prefix('[')?.strip_suffix(']')?;
    let fields: Vec<String> = if fields.is_empty() {
        Vec::new()
    } else {
        fields
            .split(", ")
            .map(|f| plain_word(f).then(|| f.to_string()))
            .collect::<Option<_>>()?
    };
    let date = imported.as_bytes();
    let digits = |r: std::ops::Range<usize>| date[r].iter().all(u8::is_ascii_digit);
    if date.len() != 10 || !digits(0..4) || date[4] != b'-' || !digits(5..7) || date[7] != b'-' {
        return None;
    }
    if !digits(8..10) {
        return None;
    }
    let imported = NaiveDate::parse_from_str(imported, "%Y-%m-%d").ok()?;
    Some(SourceInfo {
        dataset: dataset.to_string(),
        id: id.to_string(),
        fields,
        imported: Some(imported),
    })
}

/// `address.text` of an `address` block as `Draft::block` writes it: `Some(text)` when every
/// line is a `  key: value` pair with a plain value (`Some(None)` without a `text` line);
/// `None` for any other shape.
fn our_address_text(body: &str) -> Option<Option<String>> {
    let mut text = None;
    for line in body.strip_prefix("address:\n")?.split_inclusive('\n') {
        let (key, value) = line
            .strip_prefix("  ")?
            .strip_suffix('\n')?
            .split_once(": ")?;
        if !key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            return None;
        }
        if key == "text" {
            // What `scalar` writes unquoted reads back as itself.
            if !plain_is_safe(value) || text.is_some() {
                return None;
            }
            text = Some(value.to_string());
        }
    }
    Some(text)
}

fn source_block(dataset: &str, source_id: &str, fields: &[String], imported: NaiveDate) -> String {
    format!(
        "source:\n  dataset: {}\n  id: {}\n  fields: [{}]\n  imported: {imported}\n",
        scalar(dataset),
        quoted(source_id),
        fields.join(", ")
    )
}

/// Ids are always quoted: 「0001」 or 「2374800783」 must stay strings. YAML's double-quoted
/// style: only `"`, `\` and control characters are escaped (Rust's `{:?}` also writes U+3000,
/// which ids made of a name hold, as `\u{3000}`: not YAML).
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A new record file.
pub fn new_file(
    d: &Draft,
    dataset: &str,
    title: &str,
    fields: &[String],
    imported: NaiveDate,
) -> String {
    let mut out = format!(
        "# {title}から tsunagu import で取り込んだレコードです。\n# source.fields にある項目は再取り込みで上書きされます。手で直す項目は fields から外してください。\n"
    );
    out.push_str("id: ");
    out.push_str(&d.id);
    out.push('\n');
    for f in FIELD_ORDER {
        if *f == "tags" {
            // categories sit after name/name_kana, as in the example; not owned by the dataset.
            out.push_str("categories: [");
            out.push_str(&d.categories.join(", "));
            out.push_str("]\n");
        }
        if fields.iter().any(|o| o == f)
            && let Some(b) = d.block(f)
        {
            out.push_str(&b);
        }
    }
    out.push_str("status: active\n");
    out.push_str(&source_block(dataset, &d.source_id, fields, imported));
    out
}

/// The existing file with the dataset's blocks replaced. `None` when nothing would change.
pub fn updated_file(
    e: &Existing,
    d: &Draft,
    dataset: &str,
    fields: &[String],
    imported: NaiveDate,
) -> Option<String> {
    let mut blocks = split_blocks(&e.text);
    let old_date = e
        .source
        .as_ref()
        .and_then(|s| s.imported)
        .unwrap_or(imported);
    for f in fields {
        if FIELD_ORDER.contains(&f.as_str()) {
            set_block(&mut blocks, f, d.block(f));
        }
    }
    set_block(
        &mut blocks,
        "source",
        Some(source_block(dataset, &d.source_id, fields, old_date)),
    );
    let same = join_blocks(&blocks);
    if same == e.text {
        return None;
    }
    set_block(
        &mut blocks,
        "source",
        Some(source_block(dataset, &d.source_id, fields, imported)),
    );
    Some(join_blocks(&blocks))
}

/// The existing file marked 終了 (status: closed), because the dataset no longer lists it.
pub fn closed_file(e: &Existing, imported: NaiveDate) -> String {
    let mut blocks = split_blocks(&e.text);
    set_block(&mut blocks, "status", Some("status: closed\n".to_string()));
    if let Some(s) = &e.source {
        set_block(
            &mut blocks,
            "source",
            Some(source_block(&s.dataset, &s.id, &s.fields, imported)),
        );
    }
    join_blocks(&blocks)
}

/// Index of existing records: by resource id, and by (dataset, source id).
pub struct Index<'a> {
    pub by_id: HashMap<&'a str, &'a Existing>,
    pub by_source: HashMap<(&'a str, &'a str), &'a Existing>,
}

impl<'a> Index<'a> {
    pub fn new(existing: &'a [Existing]) -> Index<'a> {
        let mut by_id = HashMap::with_capacity(existing.len());
        let mut by_source = HashMap::with_capacity(existing.len());
        for e in existing {
            by_id.insert(e.id.as_str(), e);
            if let Some(s) = &e.source {
                by_source.insert((s.dataset.as_str(), s.id.as_str()), e);
            }
        }
        Index { by_id, by_source }
    }
}

/// Checks generated YAML before anything is written.
pub fn check_yaml(id: &str, text: &str) -> Result<(), MergeError> {
    serde_yaml::from_str::<serde_yaml::Value>(text)
        .map(|_| ())
        .map_err(|e| MergeError::Generated {
            id: id.to_string(),
            reason: e.to_string(),
        })
}

/// Writes every file into a temporary directory beside the records, then moves each into
/// place: a failure while writing leaves `dir` untouched.
/// `ids[i]` is written as `<id>.yaml` with the text `text(i)`, which is called once per
/// file on the thread that writes it.
pub fn write_all<'t>(
    dir: &Path,
    ids: &[&str],
    text: impl Fn(usize) -> Cow<'t, str> + Sync,
) -> Result<(), MergeError> {
    let empty = match std::fs::read_dir(dir) {
        Ok(mut rd) => rd.next().is_none(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
        Err(e) => {
            return Err(MergeError::Read {
                path: dir.display().to_string(),
                source: e,
            });
        }
    };
    if empty && let Some(parent) = dir.parent() {
        // The first import into an empty directory: write a sibling directory and rename it
        // into place in one step instead of moving 100,000 files one by one.
        let tmp = write_to_temp_dir(parent, ids, &text)?;
        if dir.exists() {
            std::fs::remove_dir(dir).map_err(|e| MergeError::Write {
                path: dir.display().to_string(),
                source: e,
            })?;
        }
        // tempfile makes its directories private (0700); content/resources is not.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).map_err(
                |e| MergeError::Write {
                    path: tmp.path().display().to_string(),
                    source: e,
                },
            )?;
        }
        let kept = tmp.keep();
        return std::fs::rename(&kept, dir).map_err(|e| {
            // Nothing was moved: take the written files away again (best effort; the error
            // that matters is the rename's).
            if let Err(cleanup) = std::fs::remove_dir_all(&kept) {
                eprintln!("{}: {cleanup}", kept.display());
            }
            MergeError::Write {
                path: dir.display().to_string(),
                source: e,
            }
        });
    }
    let tmp = write_to_temp_dir(dir, ids, &text)?;
    let open = |d: &Path| {
        read::open_dir(d).map_err(|e| MergeError::Write {
            path: d.display().to_string(),
            source: e,
        })
    };
    let (from_dir, to_dir) = (open(tmp.path())?, open(dir)?);
    // Each rename replaces one file atomically; they are independent of each other.
    ids.par_iter().try_for_each_init(String::new, |name, id| {
        file_name(name, id);
        rustix::fs::renameat(&from_dir, &*name, &to_dir, &*name).map_err(|e| MergeError::Write {
            path: dir.join(&*name).display().to_string(),
            source: e.into(),
        })
    })
}

/// Writes every file as `<id>.yaml` into a new temporary directory inside `parent`
/// (created if missing); the caller moves the files into place.
fn write_to_temp_dir<'t>(
    parent: &Path,
    ids: &[&str],
    text: &(impl Fn(usize) -> Cow<'t, str> + Sync),
) -> Result<tempfile::TempDir, MergeError> {
    std::fs::create_dir_all(parent).map_err(|e| MergeError::Write {
        path: parent.display().to_string(),
        source: e,
    })?;
    let tmp = tempfile::Builder::new()
        .prefix(".tsunagu-import-")
        .tempdir_in(parent)
        .map_err(|e| MergeError::Write {
            path: parent.display().to_string(),
            source: e,
        })?;
    let tmp_fd = read::open_dir(tmp.path()).map_err(|e| MergeError::Write {
        path: tmp.path().display().to_string(),
        source: e,
    })?;
    // Each file is created by name in the open temporary folder (no walk of the whole path
    // per file) with the flags and mode `std::fs::write` uses; the name is built in a
    // buffer each thread reuses.
    (0..ids.len())
        .into_par_iter()
        .try_for_each_init(String::new, |name, i| {
            file_name(name, ids[i]);
            write_at(tmp_fd.as_fd(), name, text(i).as_bytes()).map_err(|e| MergeError::Write {
                path: tmp.path().join(&*name).display().to_string(),
                source: e,
            })
        })?;
    Ok(tmp)
}

/// `<id>.yaml` into `buf`.
fn file_name<'b>(buf: &'b mut String, id: &str) -> &'b str {
    buf.clear();
    buf.push_str(id);
    buf.push_str(".yaml");
    buf
}

/// Creates (or truncates) `name` in `dir` and writes `bytes` into it.
fn write_at(dir: BorrowedFd<'_>, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let fd = rustix::fs::openat(
        dir,
        name,
        OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o666),
    )?;
    std::fs::File::from(fd).write_all(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HAND_EDITED: &str = "# 手で書いたコメント\nid: x\nname: 古い名前   # 行末コメント\ncategories: [shelter]\n# 電話の注記\nphone: 0562-00-0000\ndescription: |\n  説明\n\n  二段落目\nstatus: active\nsource:\n  dataset: gsi-shelter\n  id: \"E1\"\n  fields: [name]\n  imported: 2026-01-01\n# 末尾のコメント\n";

    #[test]
    fn blocks_round_trip_byte_for_byte() {
        assert_eq!(join_blocks(&split_blocks(HAND_EDITED)), HAND_EDITED);
        // A document marker before the first key, a comment between indented lines, a
        // comment with no line break at the very end.
        let odd = "---\n# 先頭\nid: x\naddress:\n  text: 豊明市\n  # 町字は手で\n  town: 沓掛町\n\n# 終わり";
        let blocks = split_blocks(odd);
        assert_eq!(join_blocks(&blocks), odd);
        assert_eq!(blocks[0].lead, "---\n# 先頭\n");
        assert_eq!(
            blocks[1].body,
            "address:\n  text: 豊明市\n  # 町字は手で\n  town: 沓掛町\n"
        );
        assert_eq!(
            (blocks[2].key.as_deref(), &*blocks[2].lead),
            (None, "\n# 終わり")
        );
        let keys: Vec<_> = split_blocks(HAND_EDITED)
            .into_iter()
            .map(|b| b.key)
            .collect();
        assert_eq!(
            keys.iter()
                .flatten()
                .map(|k| k.as_ref())
                .collect::<Vec<_>>(),
            [
                "id",
                "name",
                "categories",
                "phone",
                "description",
                "status",
                "source"
            ]
        );
    }

    #[test]
    fn our_blocks_read_as_serde_yaml_reads_them() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let fields: Vec<String> = vec!["name".into(), "name_kana".into(), "location".into()];
        for (dataset, id) in [
            ("gsi-emergency", "E2322900001201"),
            ("mhlw-kaigo", "232297-110-2372900123"),
            ("toyoake_salons", "豊明 1"),
            ("std-aed", "a\"b"),
        ] {
            for f in [&fields[..], &[]] {
                let body = source_block(dataset, id, f, date);
                let slow: SourceDoc = serde_yaml::from_str(&body).unwrap();
                match our_source(&body) {
                    Some(fast) => assert_eq!(Some(fast), slow.source, "{body}"),
                    // Only an id with an escape is left to serde_yaml.
                    None => assert!(id.contains('"'), "{body}"),
                }
            }
        }
        // Shapes it must not read: they go to serde_yaml.
        for body in [
            "source:\n  dataset: null\n  id: \"1\"\n  fields: []\n  imported: 2026-11-22\n",
            "source:\n  dataset: a\n  id: \"1\"  # メモ\n  fields: []\n  imported: 2026-11-22\n",
            "source:\n  dataset: a\n  id: \"1\"\n  fields: [name]\n",
            "source:\n  dataset: a\n  id: \"1\"\n  fields: [name]\n  imported: 2026-13-01\n",
            "source:\n  dataset: a\n  id: \"1\"\n  fields: [name]\n  imported: 2026-11-22\n  note: x\n",
            "source:\n  dataset: a\n  id: \"1\"\n  fields: [true]\n  imported: 2026-11-22\n",
        ] {
            assert_eq!(our_source(body), None, "{body}");
        }
        let d = Draft {
            address: Some(crate::import::record::AddressDraft {
                postal_code: Some("470-1131".into()),
                text: "愛知県豊明市沓掛町 1-2".into(),
                town: Some("沓掛町".into()),
            }),
            ..Draft::default()
        };
        let body = d.block("address").unwrap();
        let slow: AddressDoc = serde_yaml::from_str(&body).unwrap();
        assert_eq!(
            our_address_text(&body),
            Some(slow.address.and_then(|a| a.text))
        );
        for body in [
            "address:\n  text: 愛知県豊明市 # 旧住所\n",
            "address:\n  text: '愛知県'\n",
            "address:\n  text:\n    - 愛知県\n",
            "address: 愛知県豊明市\n",
        ] {
            assert_eq!(our_address_text(body), None, "{body}");
        }
    }

    #[test]
    fn only_owned_fields_change_and_comments_stay() {
        let e = Existing {
            id: "x".into(),
            path: "x.yaml".into(),
            text: HAND_EDITED.into(),
            source: Some(SourceInfo {
                dataset: "gsi-shelter".into(),
                id: "E1".into(),
                fields: vec!["name".into()],
                imported: None,
            }),
            closed: false,
            address: None,
        };
        let d = Draft {
            id: "x".into(),
            source_id: "E1".into(),
            name: "新しい名前".into(),
            phone: Some("0562-11-1111".into()),
            ..Draft::default()
        };
        let date = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let out = updated_file(&e, &d, "gsi-shelter", &["name".into()], date).unwrap();
        assert!(out.contains("name: 新しい名前\n"));
        assert!(
            out.contains("# 電話の注記\nphone: 0562-00-0000\n"),
            "phone is not owned: kept\n{out}"
        );
        assert!(out.contains("# 手で書いたコメント\n") && out.contains("# 末尾のコメント\n"));
        assert!(out.contains("imported: 2026-11-22"));
        // The same draft again: nothing to do.
        let again = Existing {
            text: out.clone(),
            source: Some(SourceInfo {
                imported: Some(date),
                ..e.source.clone().unwrap()
            }),
            ..e.clone()
        };
        assert_eq!(
            updated_file(
                &again,
                &d,
                "gsi-shelter",
                &["name".into()],
                date.succ_opt().unwrap()
            ),
            None
        );
    }
}
