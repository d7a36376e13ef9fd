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
use rustc_hash::FxHashMap;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::field::Field;
use crate::index::{Document, Entry, Inverted, invert};

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
struct Manifest {
    version: u32,
    documents: usize,
    fields: Vec<FieldInfo>,
    /// `[first token, short hash]` per index chunk, in token order; chunk `n` is
    /// `index/<n>-<hash>.json`.
    index: Vec<(String, String)>,
    docs: Files,
    geo: Files,
    /// filter value → `[file hash, document count]`.
    filters: BTreeMap<String, (String, usize)>,
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
pub fn build(mut docs: Vec<Document<'_>>, opts: &Options) -> Index {
    let inverted = invert(&mut docs, |_, _| {});
    build_from(docs, inverted, opts)
}

/// Builds the index files for documents `0..count`, made by `make(n)` on the threads
/// that index them. Each document's searchable text lives only while it is tokenized,
/// which keeps the peak memory of a large site lower than making every document first.
pub fn build_with<'a>(
    count: usize,
    make: impl Fn(usize) -> Document<'a> + Sync,
    opts: &Options,
) -> Index {
    let mut docs: Vec<Document<'a>> = (0..count).map(|_| Document::empty()).collect();
    let inverted = invert(&mut docs, |n, doc| *doc = make(n));
    build_from(docs, inverted, opts)
}

fn build_from(mut docs: Vec<Document<'_>>, inverted: Inverted, opts: &Options) -> Index {
    let documents = docs.len();
    let mut files = Vec::new();
    let mut stats = Stats {
        documents,
        postings: inverted.postings,
        ..Stats::default()
    };

    // The filter lists and coordinates are made first, so that the documents' filter
    // values are freed before the index chunks are written (the stage's memory peak),
    // and the display records right after their chunks; the files keep their order.
    let mut geo_and_filter_files = Vec::new();
    let geo_files = write_geo_chunks(&docs, opts, &mut geo_and_filter_files);
    let filters = write_filters(&mut docs, &mut geo_and_filter_files);
    let index = write_index_chunks(inverted, opts, &mut files, &mut stats);
    let docs_files = write_doc_chunks(&docs, opts, &mut files);
    drop(docs);
    files.append(&mut geo_and_filter_files);

    let manifest = Manifest {
        version: 1,
        documents,
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
    let mut entries = inverted.tokens;
    entries.par_sort_unstable_by(|a, b| utf16_cmp(&a.0, &b.0));
    stats.tokens = entries.len();

    // Where chunks start depends only on the length of each `"token":[postings]` entry,
    // which is counted without writing it. Each chunk is then written on any core
    // straight into a buffer of its exact size: no text per entry, no copy of it into
    // the chunk, and each token's postings are freed once written.
    let lens: Vec<usize> = entries
        .par_iter()
        .map(|(token, postings)| entry_len(token, postings))
        .collect();
    let mut starts: Vec<usize> = Vec::new();
    let mut sizes: Vec<usize> = Vec::new();
    let mut open = 0; // bytes of the open chunk, without its closing brace
    for (i, &len) in lens.iter().enumerate() {
        if !starts.is_empty() && open + len <= opts.chunk_bytes {
            // A chunk is closed once the next entry would take it past `chunk_bytes`.
            open += 1 + len;
        } else {
            if !starts.is_empty() {
                sizes.push(open + 1);
            }
            starts.push(i);
            open = 1 + len;
        }
    }
    if !starts.is_empty() {
        sizes.push(open + 1);
    }
    drop(lens);
    let firsts: Vec<String> = starts.iter().map(|&i| entries[i].0.to_string()).collect();
    stats.largest_index_chunk_bytes = sizes.iter().copied().max().unwrap_or(0);

    let mut pieces: Vec<(&mut [Entry], usize)> = Vec::with_capacity(starts.len());
    let mut rest = &mut entries[..];
    for (k, &size) in sizes.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(stats.tokens);
        let (piece, tail) = std::mem::take(&mut rest).split_at_mut(end - starts[k]);
        pieces.push((piece, size));
        rest = tail;
    }
    let contents: Vec<Vec<u8>> = pieces
        .into_par_iter()
        .map(|(piece, size)| {
            let mut chunk = Vec::with_capacity(size);
            chunk.push(b'{');
            for (i, (token, postings)) in piece.iter_mut().enumerate() {
                if i > 0 {
                    chunk.push(b',');
                }
                push_json_str(token, &mut chunk);
                chunk.extend_from_slice(b":[");
                encode_postings(postings, &mut chunk);
                chunk.push(b']');
                *postings = Vec::new();
            }
            chunk.push(b'}');
            debug_assert_eq!(chunk.len(), size, "counted and written lengths agree");
            chunk
        })
        .collect();
    drop(entries);
    let hashes = push_numbered_all("index", contents, files);
    stats.index_chunks = hashes.len();
    firsts.into_iter().zip(hashes).collect()
}

/// Bytes of `"token":[postings]` as [`push_json_str`] and [`encode_postings`] write it.
fn entry_len(token: &str, postings: &[(u32, u32)]) -> usize {
    json_str_len(token) + 2 + postings_len(postings) + 1
}

/// A token needs no JSON escape unless it holds `"`, `\` or a control character; the
/// tokenizer never makes one that does, but serde_json still writes any that would.
fn plain_json(token: &str) -> bool {
    !token.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20)
}

fn json_str_len(token: &str) -> usize {
    if plain_json(token) {
        token.len() + 2
    } else {
        serde_json::to_string(token).map_or(0, |s| s.len())
    }
}

fn push_json_str(token: &str, out: &mut Vec<u8>) {
    if plain_json(token) {
        out.push(b'"');
        out.extend_from_slice(token.as_bytes());
        out.push(b'"');
    } else {
        // Writing a string into a Vec cannot fail.
        serde_json::to_writer(&mut *out, token).expect("a string serialises");
    }
}

fn digits(n: usize) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// Bytes of [`encode_postings`]'s output for `postings`.
fn postings_len(postings: &[(u32, u32)]) -> usize {
    let mut len = 0;
    let mut prev_doc = 0u32;
    for (k, run) in postings.chunk_by(|a, b| a.0 == b.0).enumerate() {
        let doc = run[0].0;
        if k > 0 {
            len += 1;
        }
        len += digits((doc - prev_doc) as usize) + 1 + digits(run.len());
        len += run.iter().map(|p| 1 + digits(p.1 as usize)).sum::<usize>();
        prev_doc = doc;
    }
    len
}

/// Compares two strings as JavaScript does, by UTF-16 code units, without encoding them:
/// the order is decided by the first character that differs (UTF-8 has a shared prefix
/// up to it), and only there can UTF-16 order differ from code-point order (U+E000–U+FFFF
/// sorts after the surrogates of characters beyond U+FFFF).
fn utf16_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let Some(i) = a.bytes().zip(b.bytes()).position(|(x, y)| x != y) else {
        return a.len().cmp(&b.len());
    };
    // The bytes before `i` are equal, so both strings have a character boundary here.
    let start = (0..=i).rev().find(|&k| a.is_char_boundary(k)).unwrap_or(0);
    let first_unit = |s: &str| {
        let c = s[start..].chars().next().map_or(0, u32::from);
        // A character beyond U+FFFF sorts by its high surrogate (D800–DBFF), then by the
        // rest of its value, which the low surrogate orders the same way.
        if c > 0xFFFF {
            (0xD800 + ((c - 0x10000) >> 10), c)
        } else {
            (c, 0)
        }
    };
    first_unit(a).cmp(&first_unit(b))
}

/// `[docDelta, n, pos…]` per document; postings are sorted by (doc, pos).
fn encode_postings(postings: &[(u32, u32)], out: &mut Vec<u8>) {
    let mut prev_doc = 0u32;
    for (k, run) in postings.chunk_by(|a, b| a.0 == b.0).enumerate() {
        let doc = run[0].0;
        if k > 0 {
            out.push(b',');
        }
        // itoa, not `write!`: this loop formats every posting of the site (8 million at
        // 100,000 resources), and core::fmt was a visible share of the index build.
        let mut num = itoa::Buffer::new();
        out.extend_from_slice(num.format(doc - prev_doc).as_bytes());
        out.push(b',');
        out.extend_from_slice(num.format(run.len()).as_bytes());
        for p in run {
            out.push(b',');
            out.extend_from_slice(num.format(p.1).as_bytes());
        }
        prev_doc = doc;
    }
}

fn write_doc_chunks(
    docs: &[Document<'_>],
    opts: &Options,
    files: &mut Vec<IndexFile>,
) -> Vec<String> {
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

fn write_geo_chunks(
    docs: &[Document<'_>],
    opts: &Options,
    files: &mut Vec<IndexFile>,
) -> Vec<String> {
    let contents: Vec<Vec<u8>> = docs
        .par_chunks(opts.geo_per_chunk.max(1))
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

/// Writes one file per filter value and takes the filter values out of `docs`.
fn write_filters(
    docs: &mut [Document<'_>],
    files: &mut Vec<IndexFile>,
) -> BTreeMap<String, (String, usize)> {
    // Hashed while gathering (half a million lookups at 100,000 resources), then put in
    // name order once for the files and the manifest.
    let mut lists: FxHashMap<String, Vec<u32>> = FxHashMap::default();
    for (n, d) in docs.iter_mut().enumerate() {
        for f in std::mem::take(&mut d.filters) {
            match lists.get_mut(f.as_str()) {
                Some(list) => {
                    if list.last() != Some(&(n as u32)) {
                        list.push(n as u32);
                    }
                }
                None => {
                    lists.insert(f, vec![n as u32]);
                }
            }
        }
    }
    let lists: BTreeMap<String, Vec<u32>> = lists.into_iter().collect();
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Chunk boundaries are cut from counted lengths: the count must equal what is
    /// written, for every number of digits and for tokens that need JSON escapes.
    #[test]
    fn counted_entry_lengths_equal_written_ones() {
        let numbers = [
            0u32,
            1,
            9,
            10,
            99,
            100,
            999,
            1000,
            65_535,
            1_000_000,
            u32::MAX,
        ];
        let mut postings = Vec::new();
        for (i, &doc) in numbers.iter().enumerate() {
            for &pos in &numbers[..=i] {
                postings.push((doc, pos));
            }
        }
        for token in [
            "子ド",
            "a",
            "0562921111",
            "引用\"符",
            "back\\slash",
            "\u{1}",
        ] {
            for n in 0..=postings.len() {
                let list = &postings[..n];
                let mut written = Vec::new();
                push_json_str(token, &mut written);
                written.extend_from_slice(b":[");
                encode_postings(list, &mut written);
                written.push(b']');
                assert_eq!(
                    entry_len(token, list),
                    written.len(),
                    "{token:?} with {n} postings"
                );
            }
        }
    }

    /// The shortcut must order like comparing the UTF-16 encodings, in particular
    /// characters beyond U+FFFF against U+E000–U+FFFF, and prefixes.
    #[test]
    fn utf16_cmp_orders_like_javascript() {
        let pool: Vec<char> = "aZ09子ド堂\u{E000}\u{FF5E}\u{FFFF}𠮷𠀀\u{10000}\u{10FFFF}é"
            .chars()
            .collect();
        let mut texts = vec![String::new()];
        for &a in &pool {
            texts.push(a.to_string());
            for &b in &pool {
                texts.push([a, b].iter().collect());
                texts.push([a, b, a].iter().collect());
            }
        }
        for x in &texts {
            for y in &texts {
                assert_eq!(
                    utf16_cmp(x, y),
                    x.encode_utf16().cmp(y.encode_utf16()),
                    "{x:?} vs {y:?}"
                );
            }
        }
    }
}
