//! Open data exports written by every build (the pipeline writes what `files` returns):
//! CSV per category in the 自治体標準オープンデータセット style (`data/resources.csv`,
//! `data/categories/<id>.csv`), Open Referral HSDS 3.0 JSON (`data/hsds/*.json`), and
//! the entries of the data catalogue page (`catalogue`). GeoJSON is the pipeline's.

pub mod csv;
pub mod hsds;

use std::collections::{HashMap, HashSet};

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

/// The category and all its descendants.
fn subtree<'a>(content: &'a Content, root: &'a str) -> HashSet<&'a str> {
    let mut set: HashSet<&str> = HashSet::from([root]);
    loop {
        let before = set.len();
        for c in &content.categories {
            if let Some(p) = &c.parent
                && set.contains(p.as_str())
            {
                set.insert(c.id.as_str());
            }
        }
        if set.len() == before {
            return set;
        }
    }
}

/// The export files for `content`, to be written under `public/`.
pub fn files(content: &Content) -> Vec<OutputFile> {
    let mut out = Vec::new();
    each_file(content, |f| {
        out.push(f);
        Ok::<(), std::convert::Infallible>(())
    })
    .unwrap_or_else(|never| match never {});
    out
}

/// Makes the export files for `content` one after another and hands each to `emit` as
/// soon as it is made, so a caller that writes and drops them never holds them all
/// (at 100,000 resources they are about 300 MB). Stops at the first error `emit` returns.
///
/// Each resource's CSV row and HSDS service are made once, in parallel, as bytes (not as
/// JSON trees, which for 115,000 services would take gigabytes), then assembled per file.
pub fn each_file<E>(
    content: &Content,
    mut emit: impl FnMut(OutputFile) -> Result<(), E>,
) -> Result<(), E> {
    let all = published(content);
    let names: HashMap<&str, &str> = content
        .categories
        .iter()
        .map(|c| (c.id.as_str(), c.name.ja.as_str()))
        .collect();
    let rows: Vec<Vec<u8>> = all
        .par_iter()
        .map(|r| csv::row(content, r, &names))
        .collect();
    let header = csv::header();
    let assemble = |pick: &dyn Fn(&Resource) -> bool| -> Vec<u8> {
        let mut out = header.clone();
        for (r, row) in all.iter().zip(&rows) {
            if pick(r) {
                out.extend_from_slice(row);
            }
        }
        out
    };
    emit(OutputFile::new("data/resources.csv", assemble(&|_| true)))?;
    for c in &content.categories {
        let ids = subtree(content, &c.id);
        let bytes = assemble(&|r: &Resource| r.categories.iter().any(|k| ids.contains(k.as_str())));
        emit(OutputFile::new(
            format!("data/categories/{}.csv", c.id),
            bytes,
        ))?;
    }
    drop(rows);
    let (services, organizations) = hsds::files(content, &all);
    emit(OutputFile::new("data/hsds/services.json", services))?;
    emit(OutputFile::new(
        "data/hsds/organizations.json",
        organizations,
    ))
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
    let mut n = 0;
    let mut rest = hay;
    // Jump between first-byte candidates instead of comparing every window.
    while let Some(i) = rest.iter().position(|b| *b == needle[0]) {
        if rest[i..].starts_with(needle) {
            n += 1;
            rest = &rest[i + needle.len()..];
        } else {
            rest = &rest[i + 1..];
        }
    }
    n
}

/// Records of an export CSV: CRLF ends records only (line breaks inside cells come from
/// YAML, which normalises them to LF), minus the header line.
fn csv_records(bytes: &[u8]) -> usize {
    count(bytes, b"\r\n").saturating_sub(1)
}

fn json_len(bytes: &[u8]) -> usize {
    serde_json::from_slice::<Vec<serde::de::IgnoredAny>>(bytes)
        .map(|v| v.len())
        .unwrap_or(0)
}

/// "980 B", "12.3 KB", "4.5 MB".
pub fn human_size(n: usize) -> String {
    match n {
        0..1000 => format!("{n} B"),
        1000..1_000_000 => format!("{:.1} KB", n as f64 / 1000.0),
        _ => format!("{:.1} MB", n as f64 / 1_000_000.0),
    }
}
