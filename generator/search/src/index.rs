//! Builds the inverted index: token → postings (document, field, ordinal).
//!
//! Positions are kept so that the browser can verify a query as a contiguous phrase
//! within one field (see `tokenize`): this is what makes precision exact instead of
//! "all bigrams somewhere in the page".

use std::borrow::Cow;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::field::Field;
use crate::tokenize::IndexScratch;

/// One document to index, in result order (ties in relevance keep this order).
#[derive(Debug, Clone)]
pub struct Document<'a> {
    /// Searchable text: each entry is one part (a tag, the address, the description …);
    /// parts of the same field are indexed with a gap so no query matches across two.
    /// Borrowed where the caller holds the text already (at 100,000 resources, copies
    /// of every name, tag and address were tens of MB and a visible share of the time).
    pub parts: Vec<(Field, Cow<'a, str>)>,
    /// Filter values this document has, e.g. "c:salon", "d:tue", "a:wheelchair".
    pub filters: Vec<String>,
    /// WGS84 latitude and longitude, for sorting by distance.
    pub location: Option<(f64, f64)>,
    /// What the results list shows: one JSON value, already serialised, written as is
    /// into the document chunks (a text, not a `serde_json::Value`: at 100,000 documents
    /// the value trees cost more memory and time than the index itself).
    pub display: String,
}

impl Document<'_> {
    /// A document with nothing in it (allocates nothing): a slot to make one in.
    pub fn empty() -> Self {
        Document {
            parts: Vec::new(),
            filters: Vec::new(),
            location: None,
            display: String::new(),
        }
    }
}

/// A posting packs ordinal and field as `ord * 8 + field` (field ids are < 8).
pub(crate) type Postings = Vec<(u32, u32)>;

/// A token and its postings.
pub(crate) type Entry = (Box<str>, Postings);

/// Every token with its postings, sorted by document then packed position; the tokens
/// are in no particular order (the writer sorts them).
pub(crate) struct Inverted {
    pub tokens: Vec<Entry>,
    pub postings: usize,
}

/// Tokenizes every document and gathers the postings of each token. `fill(n, doc)` is
/// called first for each document (its slot in `docs` may be an empty placeholder that
/// `fill` makes the document in), so a caller can make the documents on the threads
/// that index them: the searchable text of one document then exists only while that
/// document is tokenized, instead of the text of every document at once.
///
/// Each thread folds the documents it takes into its own [`Lists`], with its own
/// normalising buffers; the few lists are then merged pairwise, also in parallel. Every
/// token's postings are sorted at the end (cheaply when they came out in document
/// order), which also puts a document's positions from different fields in order.
/// (An earlier version kept one map per 512 documents, all alive until a serial merge:
/// a key allocated per token and batch, and the merge on one core.)
///
/// The searchable text of each document is dropped once it is tokenized: nothing after
/// this point reads it.
pub(crate) fn invert<'a>(
    docs: &mut [Document<'a>],
    fill: impl Fn(usize, &mut Document<'a>) + Sync,
) -> Inverted {
    // A few large pieces, not rayon's adaptive many: each piece's map holds most of the
    // site's tokens, so every extra piece costs megabytes of table and list slack.
    let min_len = docs.len().div_ceil(2 * rayon::current_num_threads()).max(1);
    let lists = docs
        .par_iter_mut()
        .enumerate()
        .with_min_len(min_len)
        .fold(
            || (Lists::default(), IndexScratch::default()),
            |(mut lists, mut scratch), (n, doc)| {
                fill(n, doc);
                doc_tokens(
                    &std::mem::take(&mut doc.parts),
                    n as u32,
                    &mut scratch,
                    &mut lists,
                );
                (lists, scratch)
            },
        )
        .map(|(lists, _)| lists)
        .reduce(Lists::default, Lists::merge);
    let postings = lists.postings;
    let mut tokens: Vec<Entry> = lists
        .short
        .into_iter()
        .map(|(key, list)| (unpack(key), list))
        .chain(lists.long)
        .collect();
    tokens.par_iter_mut().for_each(|(_, p)| sort_postings(p));
    Inverted { tokens, postings }
}

/// Token → postings as gathered by one thread. Tokens of up to 8 bytes (bigrams, single
/// characters, short words: nearly every token) are keyed by their bytes packed into a
/// `u64`, which hashes and compares in one step and needs no allocation per key.
#[derive(Default)]
struct Lists {
    short: FxHashMap<u64, Postings>,
    long: FxHashMap<Box<str>, Postings>,
    postings: usize,
}

impl Lists {
    fn push(&mut self, token: &str, posting: (u32, u32)) {
        self.postings += 1;
        match pack(token) {
            Some(key) => self.short.entry(key).or_default().push(posting),
            None => match self.long.get_mut(token) {
                Some(list) => list.push(posting),
                None => {
                    self.long.insert(token.into(), vec![posting]);
                }
            },
        }
    }

    /// `left`'s postings followed by `right`'s under each token. The smaller map is
    /// moved into the larger (less to rehash); a list from the left still goes first, so
    /// lists stay in document order when the sides hold consecutive documents, as
    /// rayon's fold and reduce give them.
    fn merge(left: Lists, right: Lists) -> Lists {
        let into_left = left.short.len() >= right.short.len();
        let (mut into, from) = if into_left {
            (left, right)
        } else {
            (right, left)
        };
        into.postings += from.postings;
        for (key, list) in from.short {
            join(into.short.entry(key).or_default(), list, into_left);
        }
        for (key, list) in from.long {
            join(into.long.entry(key).or_default(), list, into_left);
        }
        into
    }
}

/// Adds `list` after `into`'s postings (`after`), or before them. Space is reserved
/// exactly: these are the final lists, and doubling would leave slack in every one.
fn join(into: &mut Postings, mut list: Postings, after: bool) {
    if after {
        into.reserve_exact(list.len());
        into.extend_from_slice(&list);
    } else {
        list.reserve_exact(into.len());
        list.extend_from_slice(into);
        *into = list;
    }
}

/// Sorts a token's postings by (document, position). Lists gathered in document order
/// only need each document's few positions sorted (fields were visited in part order);
/// any other list is sorted whole.
fn sort_postings(list: &mut Postings) {
    if !list.windows(2).all(|w| w[0].0 <= w[1].0) {
        list.sort_unstable();
        return;
    }
    for run in list.chunk_by_mut(|a, b| a.0 == b.0) {
        if run.len() > 1 {
            run.sort_unstable();
        }
    }
}

/// The bytes of a token of at most 8 bytes, zero-padded, as one number. Tokens are made
/// of Japanese and word characters only, never U+0000, so the padding is unambiguous.
fn pack(token: &str) -> Option<u64> {
    let bytes = token.as_bytes();
    (bytes.len() <= 8).then(|| {
        debug_assert!(!bytes.contains(&0), "a token never holds U+0000");
        let mut buf = [0u8; 8];
        buf[..bytes.len()].copy_from_slice(bytes);
        u64::from_le_bytes(buf)
    })
}

fn unpack(key: u64) -> Box<str> {
    let buf = key.to_le_bytes();
    let len = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    std::str::from_utf8(&buf[..len])
        .expect("packed from a whole token")
        .into()
}

fn doc_tokens(
    parts: &[(Field, Cow<'_, str>)],
    n: u32,
    scratch: &mut IndexScratch,
    lists: &mut Lists,
) {
    let mut next_ord = [0u32; 8];
    for (field, text) in parts {
        let f = field.id() as usize;
        // +1: a gap between parts of one field.
        let start = if next_ord[f] == 0 { 0 } else { next_ord[f] + 1 };
        next_ord[f] = scratch.tokens(text, start, |token, ord| {
            lists.push(token, (n, ord * 8 + field.id()));
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(parts: &[(Field, &'static str)]) -> Document<'static> {
        Document {
            parts: parts.iter().map(|&(f, t)| (f, t.into())).collect(),
            filters: vec![],
            location: None,
            display: "null".into(),
        }
    }

    /// Many documents, so that several threads fold and merge: every token's postings
    /// must equal the ones gathered one document at a time, in (document, position)
    /// order; long tokens (over 8 bytes) and short ones alike.
    #[test]
    fn postings_gathered_in_parallel_equal_a_serial_gathering() {
        let words = [
            "体操",
            "サロン",
            "0562-92-1111",
            "abcdefghijk",
            "𠮷田",
            "a",
            "子ども食堂",
        ];
        let mut docs: Vec<Document> = (0..5000)
            .map(|n| {
                let w = |k: usize| words[(n * 7 + k * 3) % words.len()];
                doc(&[
                    (Field::Description, w(0)),
                    (Field::Name, w(1)),
                    (Field::Tags, w(2)),
                    (Field::Name, w(3)),
                ])
            })
            .collect();
        let mut want: std::collections::BTreeMap<String, Postings> = Default::default();
        for (n, d) in docs.iter().enumerate() {
            let mut scratch = IndexScratch::default();
            let mut lists = Lists::default();
            doc_tokens(&d.parts, n as u32, &mut scratch, &mut lists);
            for (k, p) in lists
                .short
                .into_iter()
                .map(|(k, p)| (unpack(k), p))
                .chain(lists.long)
            {
                want.entry(k.into()).or_default().extend(p);
            }
        }
        want.values_mut().for_each(|p| p.sort_unstable());
        // Half the documents made in their slots, as `build_with` makes them.
        let made: Vec<Document> = docs.clone();
        for d in docs.iter_mut().step_by(2) {
            *d = Document::empty();
        }
        let inv = invert(&mut docs, |n, d| {
            if n % 2 == 0 {
                *d = made[n].clone();
            }
        });
        let got: std::collections::BTreeMap<String, Postings> =
            inv.tokens.into_iter().map(|(k, p)| (k.into(), p)).collect();
        assert!(got.contains_key("0562921111") && got.contains_key("abcdefghijk"));
        assert_eq!(inv.postings, want.values().map(Vec::len).sum::<usize>());
        assert_eq!(got, want);
    }

    #[test]
    fn postings_are_sorted_by_document_then_position() {
        // In document order: only the positions within a document move.
        let mut list = vec![(1, 9), (1, 2), (2, 1), (3, 7), (3, 0)];
        sort_postings(&mut list);
        assert_eq!(list, vec![(1, 2), (1, 9), (2, 1), (3, 0), (3, 7)]);
        // Out of document order: sorted whole.
        let mut list = vec![(2, 5), (1, 3), (1, 1), (0, 4)];
        sort_postings(&mut list);
        assert_eq!(list, vec![(0, 4), (1, 1), (1, 3), (2, 5)]);
    }

    #[test]
    fn packed_tokens_unpack_to_themselves() {
        for t in ["a", "子ド", "𠮷田", "12345678", "堂"] {
            assert_eq!(&*unpack(pack(t).unwrap()), t);
        }
        assert_eq!(pack("123456789"), None);
    }

    #[test]
    fn parts_of_one_field_do_not_join() {
        let inv = invert(
            &mut [doc(&[(Field::Tags, "温泉"), (Field::Tags, "体操")])],
            |_, _| {},
        );
        let list = |t: &str| inv.tokens.iter().find(|(k, _)| &**k == t).map(|(_, p)| p);
        // 泉 ends the first part at ordinal 1; 体操 starts after a gap, at 3.
        assert_eq!(list("泉"), Some(&vec![(0, 8 + 2)]));
        assert_eq!(list("体操"), Some(&vec![(0, 3 * 8 + 2)]));
        assert_eq!(list("泉体"), None);
    }
}
