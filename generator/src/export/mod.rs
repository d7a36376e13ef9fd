//! Open data exports written by every build (the pipeline writes what `files` returns):
//! CSV per category in the 自治体標準オープンデータセット style (`data/resources.csv`,
//! `data/categories/<id>.csv`), Open Referral HSDS 3.0 JSON (`data/hsds/*.json`), and
//! the entries of the data catalogue page (`catalogue`). GeoJSON is the pipeline's.

pub mod csv;
pub mod hsds;

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::model::{Content, Resource, Status};
use crate::output::OutputFile;

/// The resources an export lists: everything not closed (closed records have no page).
fn published(content: &Content) -> Vec<&Resource> {
    content
        .resources
        .iter()
        .filter(|r| r.status != Status::Closed)
        .collect()
}

/// For each category (by index in `content.categories`), which categories are in its
/// subtree (itself and all its descendants), by index.
// `d` indexes the column while the loop walks up the rows of its ancestors.
#[allow(clippy::needless_range_loop)]
fn subtrees(content: &Content) -> Vec<Vec<bool>> {
    let cats = &content.categories;
    let index: HashMap<&str, usize> = cats
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let mut out = vec![vec![false; cats.len()]; cats.len()];
    for d in 0..cats.len() {
        // Up from `d` through its parents; each one reached has `d` in its subtree.
        // At most one step per category, so a cycle in bad data cannot loop forever.
        let mut at = Some(d);
        let mut steps = 0;
        while let Some(a) = at {
            out[a][d] = true;
            steps += 1;
            if steps > cats.len() {
                break;
            }
            at = cats[a]
                .parent
                .as_deref()
                .and_then(|p| index.get(p).copied());
        }
    }
    out
}

/// Where the exports go as they are made. Small files come whole; the large ones (the
/// CSV files and `services.json`, 300 MB at 100,000 resources) come in parts, so no one
/// holds a whole file: `begin`, then `part` as often as needed, then `end`.
pub trait Sink {
    type Error;
    /// A whole file.
    fn file(&mut self, file: OutputFile) -> Result<(), Self::Error>;
    /// Starts the file at `path` (relative to `public/`).
    fn begin(&mut self, path: &str) -> Result<(), Self::Error>;
    /// The next bytes of the file begun last.
    fn part(&mut self, bytes: &[u8]) -> Result<(), Self::Error>;
    /// Ends the file begun last; it holds `records` records (rows, services).
    fn end(&mut self, records: usize) -> Result<(), Self::Error>;
}

/// Collects whole files (tests, benchmarks): the parts of a file are joined.
#[derive(Default)]
pub struct Collect(pub Vec<OutputFile>);

impl Sink for Collect {
    type Error = std::convert::Infallible;
    fn file(&mut self, file: OutputFile) -> Result<(), Self::Error> {
        self.0.push(file);
        Ok(())
    }
    fn begin(&mut self, path: &str) -> Result<(), Self::Error> {
        self.0.push(OutputFile::new(path, Vec::new()));
        Ok(())
    }
    fn part(&mut self, bytes: &[u8]) -> Result<(), Self::Error> {
        let open = self.0.last_mut().expect("a file was begun");
        open.bytes.extend_from_slice(bytes);
        Ok(())
    }
    fn end(&mut self, _records: usize) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// The export files for `content`, to be written under `public/`.
pub fn files(content: &Content) -> Vec<OutputFile> {
    let mut out = Collect::default();
    each_file(content, &mut out).unwrap_or_else(|never| match never {});
    out.0
}

/// Makes the export files for `content` one after another and hands each to `sink` as
/// it is made, the large ones in parts (see [`Sink`]). Stops at the first error `sink`
/// returns.
///
/// Each resource's CSV row and HSDS service are made once, in parallel, as bytes (not as
/// JSON trees, which for 115,000 services would take gigabytes); a CSV file is then
/// handed over as runs of consecutive rows, never assembled.
pub fn each_file<S: Sink>(content: &Content, sink: &mut S) -> Result<(), S::Error> {
    let all = published(content);
    let names: HashMap<&str, &str> = content
        .categories
        .iter()
        .map(|c| (c.id.as_str(), c.name.ja.as_str()))
        .collect();
    // Rows are written a run of resources per task, each run into one buffer.
    const RUN: usize = 1024;
    let runs: Vec<csv::Rows> = all
        .par_chunks(RUN)
        .map(|run| csv::rows(content, run, &names))
        .collect();
    // Each resource's categories, by index in `content.categories` (unknown ids, which
    // the loader rejects, are in no category's file).
    let index: HashMap<&str, usize> = content
        .categories
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let resource_cats: Vec<Vec<usize>> = all
        .iter()
        .map(|r| {
            r.categories
                .iter()
                .filter_map(|k| index.get(k.as_str()).copied())
                .collect()
        })
        .collect();
    let header = csv::header();
    // A file: the header, then the picked rows, consecutive rows of a run at once.
    let mut csv_file = |path: &str, pick: &dyn Fn(usize) -> bool| -> Result<(), S::Error> {
        sink.begin(path)?;
        sink.part(&header)?;
        let mut records = 0;
        for (k, run) in runs.iter().enumerate() {
            let mut span: Option<std::ops::Range<usize>> = None;
            for j in 0..run.ends.len() {
                if !pick(k * RUN + j) {
                    continue;
                }
                records += 1;
                let range = run.range(j);
                span = match span {
                    Some(s) if s.end == range.start => Some(s.start..range.end),
                    Some(s) => {
                        sink.part(&run.bytes[s])?;
                        Some(range)
                    }
                    None => Some(range),
                };
            }
            if let Some(s) = span {
                sink.part(&run.bytes[s])?;
            }
        }
        sink.end(records)
    };
    csv_file("data/resources.csv", &|_| true)?;
    for (c, members) in content.categories.iter().zip(subtrees(content)) {
        csv_file(&format!("data/categories/{}.csv", c.id), &|i| {
            resource_cats[i].iter().any(|&k| members[k])
        })?;
    }
    drop(runs);
    hsds::write(content, &all, sink)
}

/// One line of the data catalogue page (`/data/`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CatalogueEntry {
    /// What the file holds, in Japanese ("通いの場").
    pub label: String,
    pub url: String,
    /// "GeoJSON", "CSV", "HSDS 3.0 JSON".
    pub format: String,
    pub records: usize,
    pub bytes: usize,
    /// "12.3 KB".
    pub size: String,
    pub license: String,
    pub license_url: String,
}

/// What the catalogue needs to know about one file: its path, size and record count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStat {
    pub path: String,
    pub bytes: usize,
    /// `None` for files that are not data (pages, search index chunks).
    pub records: Option<usize>,
}

/// Measures one output file (counted once, so the bytes need not be kept).
pub fn stat(path: &str, bytes: &[u8]) -> FileStat {
    let records = if !path.starts_with("data/") {
        None
    } else if path.ends_with(".geojson") {
        Some(count(bytes, b"\"Feature\""))
    } else if path.ends_with(".csv") {
        Some(csv_records(bytes))
    } else if path.starts_with("data/hsds/") && path.ends_with(".json") {
        Some(json_len(bytes))
    } else {
        None
    };
    FileStat {
        path: path.to_string(),
        bytes: bytes.len(),
        records,
    }
}

/// Catalogue entries for every downloadable file under `data/` (GeoJSON from the pipeline,
/// and this module's exports), in a stable order: all resources first, then per category
/// in categories.yaml order; GeoJSON, CSV, HSDS within each.
pub fn catalogue(
    content: &Content,
    files: impl IntoIterator<Item = FileStat>,
) -> Vec<CatalogueEntry> {
    let names: HashMap<&str, &str> = content
        .categories
        .iter()
        .map(|c| (c.id.as_str(), c.name.ja.as_str()))
        .collect();
    let order: HashMap<&str, usize> = content
        .categories
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i + 1))
        .collect();
    let mut entries: Vec<(usize, usize, CatalogueEntry)> = Vec::new();
    for f in files {
        let (Some(rel), Some(records)) = (f.path.strip_prefix("data/"), f.records) else {
            continue;
        };
        let (stem, ext) = rel.rsplit_once('.').unwrap_or((rel, ""));
        let (format, fmt_rank) = match ext {
            "geojson" => ("GeoJSON", 0),
            "csv" => ("CSV", 1),
            _ => ("HSDS 3.0 JSON", 2),
        };
        let (what, rank) = match stem {
            "resources" => ("全資源".to_string(), 0),
            "hsds/services" => ("全資源（サービス・場所・団体を含む）".to_string(), 0),
            "hsds/organizations" => ("運営団体".to_string(), 0),
            s => match s.strip_prefix("categories/") {
                Some(id) => (
                    names
                        .get(id)
                        .map(|n| n.to_string())
                        .unwrap_or_else(|| id.to_string()),
                    order.get(id).copied().unwrap_or(usize::MAX),
                ),
                None => (s.to_string(), usize::MAX),
            },
        };
        entries.push((
            rank,
            fmt_rank,
            CatalogueEntry {
                label: what,
                url: format!("/{}", f.path),
                format: format.to_string(),
                records,
                bytes: f.bytes,
                size: human_size(f.bytes),
                license: content.site.data_license.name.clone(),
                license_url: content.site.data_license.url.clone(),
            },
        ));
    }
    entries.sort_by(|a, b| (a.0, a.1, &a.2.url).cmp(&(b.0, b.1, &b.2.url)));
    entries.into_iter().map(|(_, _, e)| e).collect()
}

fn count(hay: &[u8], needle: &[u8]) -> usize {
    memchr::memmem::find_iter(hay, needle).count()
}

/// Records of an export CSV: CRLF ends records only (line breaks inside cells come from
/// YAML, which normalises them to LF), minus the header line.
fn csv_records(bytes: &[u8]) -> usize {
    count(bytes, b"\r\n").saturating_sub(1)
}

/// The number of elements of a JSON array (0 when `bytes` is not one): commas at depth
/// one, skipping strings whole. The export files run to hundreds of MB, and parsing them
/// (even into `IgnoredAny`) cost more than making some of them; the files are this
/// module's own, valid JSON, so counting their structure is enough.
fn json_len(bytes: &[u8]) -> usize {
    let trimmed = bytes.trim_ascii();
    let Some(inner) = trimmed
        .strip_prefix(b"[")
        .and_then(|b| b.strip_suffix(b"]"))
    else {
        return 0;
    };
    if inner.trim_ascii().is_empty() {
        return 0;
    }
    let mut n = 1;
    let mut depth = 0usize;
    let mut i = 0;
    while i < inner.len() {
        match inner[i] {
            b'"' => {
                // To the closing quote: past every escaped character.
                i += 1;
                loop {
                    match memchr::memchr2(b'"', b'\\', &inner[i..]) {
                        Some(j) if inner[i + j] == b'\\' => i += j + 2,
                        Some(j) => {
                            i += j;
                            break;
                        }
                        None => return 0,
                    }
                }
            }
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => n += 1,
            _ => {}
        }
        i += 1;
    }
    n
}

/// "980 B", "12.3 KB", "4.5 MB".
pub fn human_size(n: usize) -> String {
    match n {
        0..1000 => format!("{n} B"),
        1000..1_000_000 => format!("{:.1} KB", n as f64 / 1000.0),
        _ => format!("{:.1} MB", n as f64 / 1_000_000.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The catalogue's record count for HSDS files comes from `json_len`; it must agree
    /// with a JSON parser, with commas, brackets and escaped quotes inside strings.
    #[test]
    fn json_len_counts_the_elements_a_parser_counts() {
        for text in [
            "[]",
            " [ ]\n",
            "[1]",
            r#"[{"a":[1,2],"b":"x,]\"[,{"},2,"\\",[3,4],"é、,"]"#,
            r#"[{"name":"a\\"},{"name":"b"}]"#,
        ] {
            let parsed = serde_json::from_str::<Vec<serde::de::IgnoredAny>>(text)
                .unwrap()
                .len();
            assert_eq!(json_len(text.as_bytes()), parsed, "{text}");
        }
        assert_eq!(json_len(b"{}"), 0);
    }

    #[test]
    fn csv_records_do_not_count_line_breaks_inside_cells() {
        let csv = "\u{feff}ID,備考\r\na,\"一行目\n二行目\"\r\nb,x\r\n";
        assert_eq!(csv_records(csv.as_bytes()), 2);
    }
}
