//! Writes the index as static files: a small manifest, index chunks cut by token range,
//! document chunks, coordinate chunks and filter lists, each named by a hash of its
//! content so a CDN and the browser can cache them forever.
//!
//! Layout (all under `search/`):
//! - `manifest.json` — loaded first: for each index chunk its first token and file; the
//!   document, coordinate and filter files; field weights.
//! - `index/<n>-<hash>.json` — `{token: postings}` for a contiguous range of sorted tokens;
//!   postings are a flat integer array `[docDelta, n, pos₁ … posₙ, docDelta, n, …]`
//!   with `pos = ordinal * 8 + field`.
//! - `doc/<n>-<hash>.json` — the display records of `docs.size` consecutive documents.
//! - `geo/<n>-<hash>.json` — `[lat, lon, lat, lon …]` (null when unknown) of `geo.size`
//!   consecutive documents, fetched only when sorting by distance.
//! - `filter/<hash>.json` — ascending document numbers as deltas.
//!
//! Tokens are sorted by UTF-16 code units, the order JavaScript compares strings in, so
//! the browser's binary search over chunk boundaries agrees with the build for every
//! character (UTF-8 byte order differs above U+FFFF).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::field::Field;
use crate::index::{Document, Inverted, invert};

/// Sizes that trade request count against bytes per request.
#[derive(Debug, Clone)]
pub struct Options {
    /// An index chunk is closed once its JSON reaches this many bytes (a single token
    /// with more postings gets a chunk of its own).
    pub chunk_bytes: usize,
    /// Documents per document chunk.
    pub docs_per_chunk: usize,
    /// Documents per coordinate chunk.
    pub geo_per_chunk: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            chunk_bytes: 24 * 1024,
            docs_per_chunk: 8,
            geo_per_chunk: 2048,
        }
    }
}

/// One file to write, `path` relative to the site root (starts with `search/`).
#[derive(Debug, Clone)]
pub struct IndexFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Figures about a built index (for the build log and the benchmark).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    pub documents: usize,
    pub tokens: usize,
    pub postings: usize,
    pub index_chunks: usize,
    pub files: usize,
    pub bytes: usize,
    pub manifest_bytes: usize,
    pub largest_index_chunk_bytes: usize,
}

/// The files of a built index and figures about it.
#[derive(Debug, Clone)]
pub struct Index {
    pub files: Vec<IndexFile>,
    pub stats: Stats,
}

#[derive(Serialize)]
struct Manifest<'a> {
    version: u32,
    documents: usize,
    fields: Vec<FieldInfo>,
    /// `[first token, short hash]` per index chunk, in token order; chunk `n` is
    /// `index/<n>-<hash>.json`.
    index: Vec<(String, String)>,
    docs: Files,
    geo: Files,
    /// filter value → `[file hash, document count]`.
    filters: BTreeMap<&'a str, (String, usize)>,
}

#[derive(Serialize)]
struct FieldInfo {
    key: &'static str,
    weight: u32,
}

#[derive(Serialize)]
struct Files {
    size: usize,
    /// The short hash of file `i` is `hashes[i*SHORT..(i+1)*SHORT]`; the file is
    /// `<dir>/<i>-<hash>.json`.
    hashes: String,
}

/// Builds the index files for `docs` (document number = position in `docs`).
pub fn build(mut docs: Vec<Document>, opts: &Options) -> Index {
    let inverted = invert(&mut docs);
    let docs = &docs[..];
    let mut files = Vec::new();
    let mut stats = Stats {
        documents: docs.len(),
        postings: inverted.postings,
        ..Stats::default()
    };

    let index = write_index_chunks(inverted, opts, &mut files, &mut stats);
    let docs_files = write_doc_chunks(docs, opts, &mut files);
    let geo_files = write_geo_chunks(docs, opts, &mut files);
    let filters = write_filters(docs, &mut files);

    let manifest = Manifest {
        version: 1,
        documents: docs.len(),
        fields: Field::ALL
            .iter()
            .map(|f| FieldInfo {
                key: f.key(),
                weight: f.weight(),
            })
            .collect(),
        index,
        docs: Files {
            size: opts.docs_per_chunk,
            hashes: docs_files.concat(),
        },
        geo: Files {
            size: opts.geo_per_chunk,
            hashes: geo_files.concat(),
        },
        filters,
    };
    let manifest = serde_json::to_vec(&manifest).expect("manifest serialises");
    stats.manifest_bytes = manifest.len();
    files.push(IndexFile {
        path: "search/manifest.json".into(),
        bytes: manifest,
    });
    stats.files = files.len();
    stats.bytes = files.iter().map(|f| f.bytes.len()).sum();
    Index { files, stats }
}

fn hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest
        .iter()
        .take(8)
        .fold(String::with_capacity(16), |mut s, b| {
            let _ = write!(s, "{b:02x}"); // writing to a String cannot fail
            s
        })
}

/// Hex digits of the hash in numbered file names. The number makes the name unique;
/// the hash only has to change when the content does (a stale cached file survives a
/// change with probability 16⁻⁸), so 8 digits keep the manifest small even at 100,000
/// resources (it lists one hash per document chunk).
const SHORT: usize = 8;

/// Hashes numbered files on every core (sha256 over ~90 MB at 100,000 resources), then
/// appends them in order as `<dir>/<n>-<short hash>.json`; returns the short hashes.
fn push_numbered_all(dir: &str, contents: Vec<Vec<u8>>, files: &mut Vec<IndexFile>) -> Vec<String> {
    let hashed: Vec<(String, Vec<u8>)> = contents
        .into_par_iter()
        .map(|bytes| (hash(&bytes)[..SHORT].to_string(), bytes))
        .collect();
    hashed
        .into_iter()
        .enumerate()
        .map(|(n, (h, bytes))| {
            files.push(IndexFile {
                path: format!("search/{dir}/{n}-{h}.json"),
                bytes,
            });
            h
        })
        .collect()
}

fn push_hashed(dir: &str, bytes: Vec<u8>, files: &mut Vec<IndexFile>) -> String {
    let h = hash(&bytes);
    files.push(IndexFile {
        path: format!("search/{dir}/{h}.json"),
        bytes,
    });
    h
}

fn write_index_chunks(
    inverted: Inverted,
    opts: &Options,
    files: &mut Vec<IndexFile>,
    stats: &mut Stats,
) -> Vec<(String, String)> {
    let mut entries: Vec<(Box<str>, crate::index::Postings)> =
        inverted.tokens.into_iter().collect();
    entries.par_sort_unstable_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    stats.tokens = entries.len();

    // Each token's `"token":[postings]` text depends on that token alone: encode them on
    // every core (postings are dropped as they are encoded), then cut the sorted run into
    // chunks, which needs only the lengths.
    let encoded: Vec<(Box<str>, String)> = entries
        .into_par_iter()
        .map(|(token, postings)| {
            let mut entry = serde_json::to_string(&*token).expect("string serialises");
            entry.push_str(":[");
            encode_postings(&postings, &mut entry);
            entry.push(']');
            (token, entry)
        })
        .collect();
    let mut firsts: Vec<String> = Vec::new();
    let mut chunks: Vec<String> = Vec::new();
    for (token, entry) in encoded {
        match chunks.last_mut() {
            // A chunk is closed once the next entry would take it past `chunk_bytes`.
            Some(chunk) if chunk.len() + entry.len() <= opts.chunk_bytes => {
                chunk.push(',');
                chunk.push_str(&entry);
            }
            _ => {
                firsts.push(token.into_string());
                let mut chunk = String::with_capacity(opts.chunk_bytes.max(entry.len()) + 2);
                chunk.push('{');
                chunk.push_str(&entry);
                chunks.push(chunk);
            }
        }
    }
    let contents: Vec<Vec<u8>> = chunks
        .into_iter()
        .map(|mut chunk| {
            chunk.push('}');
            stats.largest_index_chunk_bytes = stats.largest_index_chunk_bytes.max(chunk.len());
            chunk.into_bytes()
        })
        .collect();
    let hashes = push_numbered_all("index", contents, files);
    stats.index_chunks = hashes.len();
    firsts.into_iter().zip(hashes).collect()
}

/// `[docDelta, n, pos…]` per document; postings are sorted by (doc, pos).
fn encode_postings(postings: &[(u32, u32)], out: &mut String) {
    let mut prev_doc = 0u32;
    let mut i = 0;
    let mut first = true;
    while i < postings.len() {
        let doc = postings[i].0;
        let end = postings[i..]
            .iter()
            .position(|p| p.0 != doc)
            .map_or(postings.len(), |k| i + k);
        if !first {
            out.push(',');
        }
        first = false;
        // itoa, not `write!`: this loop formats every posting of the site (8 million at
        // 100,000 resources), and core::fmt was a visible share of the index build.
        let mut num = itoa::Buffer::new();
        out.push_str(num.format(doc - prev_doc));
        out.push(',');
        out.push_str(num.format(end - i));
        for p in &postings[i..end] {
            out.push(',');
            out.push_str(num.format(p.1));
        }
        prev_doc = doc;
        i = end;
    }
}

fn write_doc_chunks(docs: &[Document], opts: &Options, files: &mut Vec<IndexFile>) -> Vec<String> {
    let contents: Vec<Vec<u8>> = docs
        .par_chunks(opts.docs_per_chunk.max(1))
        .map(|chunk| {
            let mut s = String::with_capacity(chunk.iter().map(|d| d.display.len() + 1).sum());
            s.push('[');
            for (i, d) in chunk.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                s.push_str(&d.display);
            }
            s.push(']');
            s.into_bytes()
        })
        .collect();
    push_numbered_all("doc", contents, files)
}

fn write_geo_chunks(docs: &[Document], opts: &Options, files: &mut Vec<IndexFile>) -> Vec<String> {
    let contents: Vec<Vec<u8>> = docs
        .chunks(opts.geo_per_chunk.max(1))
        .map(|chunk| {
            let mut s = String::from("[");
            for (i, d) in chunk.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                match d.location {
                    // 5 decimals ≈ 1 m: enough to sort by distance.
                    Some((lat, lon)) => {
                        let _ = write!(s, "{lat:.5},{lon:.5}"); // String writes cannot fail
                    }
                    None => s.push_str("null,null"),
                }
            }
            s.push(']');
            s.into_bytes()
        })
        .collect();
    push_numbered_all("geo", contents, files)
}

fn write_filters<'a>(
    docs: &'a [Document],
    files: &mut Vec<IndexFile>,
) -> BTreeMap<&'a str, (String, usize)> {
    let mut lists: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for (n, d) in docs.iter().enumerate() {
        for f in &d.filters {
            let list = lists.entry(f.as_str()).or_default();
            if list.last() != Some(&(n as u32)) {
                list.push(n as u32);
            }
        }
    }
    lists
        .into_iter()
        .map(|(name, list)| {
            let mut s = String::from("[");
            let mut prev = 0;
            for (i, n) in list.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                let _ = write!(s, "{}", n - prev); // String writes cannot fail
                prev = *n;
            }
            s.push(']');
            let count = list.len();
            (name, (push_hashed("filter", s.into_bytes(), files), count))
        })
        .collect()
}
