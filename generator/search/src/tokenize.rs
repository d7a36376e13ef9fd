//! The tokenizer: turns normalised text into tokens with ordinal positions.
//!
//! Japanese has no spaces, so a Japanese run (see [`is_cjk`]) is indexed as overlapping
//! character bigrams plus its last character alone ("terminal"): 子ども食堂 → コド@0,
//! ドモ@1, モ食@2, 食堂@3, 堂@4. Every character thus starts exactly one token, which
//! gives two properties the search relies on:
//!
//! - a one-character query (町) is a *prefix* lookup: every token starting with 町;
//! - a query's tokens must appear at consecutive ordinals in one field, which is exactly
//!   "the normalised query occurs in the normalised field" — 子ども食堂 never matches
//!   子ども…食堂 scattered through a description.
//!
//! Latin letters and digits form words, matched by prefix. Digit groups joined by
//! hyphens are one word without the hyphens (0562-92-1111 → 0562921111), and the
//! suffixes starting at each group are emitted too (921111, 1111) at the same ordinal,
//! so a phone number is found with or without hyphens and without its area code, and a
//! postal code with or without its hyphen.
//!
//! A run of separators (punctuation, spaces) advances the ordinal by one, so a query
//! never matches across punctuation it did not contain.

use crate::normalize::{is_cjk, is_word};

/// One token at an ordinal position within a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub ord: u32,
}

/// One token of a query term: it must occur at `ord` relative to the term's start;
/// `prefix` tokens match any indexed token they are a prefix of (only the last token of
/// a term is a prefix, so typing is matched as it goes).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QueryToken {
    pub text: String,
    pub ord: u32,
    pub prefix: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Cjk,
    Word,
    Sep,
}

fn class(c: char) -> Class {
    if is_cjk(c) {
        Class::Cjk
    } else if is_word(c) {
        Class::Word
    } else {
        Class::Sep
    }
}

/// A maximal segment of one class. For words, `groups` holds the digit groups that were
/// joined by hyphens (one element when there was no hyphen).
#[derive(Debug)]
enum Segment {
    Cjk(Vec<char>),
    Word(Vec<String>),
    Sep,
}

fn segments(normalized: &str) -> Vec<Segment> {
    let chars: Vec<char> = normalized.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match class(chars[i]) {
            Class::Cjk => {
                let start = i;
                while i < chars.len() && class(chars[i]) == Class::Cjk {
                    i += 1;
                }
                out.push(Segment::Cjk(chars[start..i].to_vec()));
            }
            Class::Word => {
                let mut groups = vec![String::new()];
                while i < chars.len() {
                    let c = chars[i];
                    if class(c) == Class::Word {
                        if let Some(g) = groups.last_mut() {
                            g.push(c);
                        }
                        i += 1;
                    } else if c == '-'
                        && chars[i - 1].is_ascii_digit()
                        && chars.get(i + 1).is_some_and(char::is_ascii_digit)
                    {
                        // A hyphen between digits joins phone and postal-code groups.
                        groups.push(String::new());
                        i += 1;
                    } else {
                        break;
                    }
                }
                out.push(Segment::Word(groups));
            }
            Class::Sep => {
                while i < chars.len() && class(chars[i]) == Class::Sep {
                    i += 1;
                }
                out.push(Segment::Sep);
            }
        }
    }
    out
}

/// Tokens of one normalised text for the index, with ordinals starting at `start`.
/// Returns the ordinal after the last token (callers chain the parts of a field with a
/// gap, so no query matches across two parts).
pub fn index_tokens(normalized: &str, start: u32, out: &mut Vec<Token>) -> u32 {
    each_index_token(normalized, start, |text, ord| {
        out.push(Token {
            text: text.to_string(),
            ord,
        })
    })
}

/// Like [`index_tokens`], calling `emit(token, ordinal)` instead of allocating a
/// `String` per token.
pub fn each_index_token(normalized: &str, start: u32, emit: impl FnMut(&str, u32)) -> u32 {
    let chars: Vec<char> = normalized.chars().collect();
    tokens_of_chars(&chars, start, &mut Word::default(), emit)
}

/// Buffers one thread reuses for every text it indexes (the index build's hot path:
/// millions of parts, each normalised and tokenized without allocating).
#[derive(Debug, Default)]
pub struct IndexScratch {
    chars: Vec<char>,
    word: Word,
}

impl IndexScratch {
    /// Normalises `text` and calls `emit(token, ordinal)` for its index tokens, exactly
    /// as `each_index_token(&normalize(text), start, emit)`; returns the next ordinal.
    pub fn tokens(&mut self, text: &str, start: u32, emit: impl FnMut(&str, u32)) -> u32 {
        crate::normalize::normalize_into(text, &mut self.chars);
        tokens_of_chars(&self.chars, start, &mut self.word, emit)
    }
}

/// A word being read: its characters without the hyphens, and the byte offset where
/// each hyphen-joined digit group starts (the first is 0).
#[derive(Debug, Default)]
struct Word {
    text: String,
    groups: Vec<usize>,
}

/// The tokens of normalised characters: walks the same segments as [`segments`]
/// (Japanese runs, words, separator runs) without building them.
fn tokens_of_chars(
    chars: &[char],
    start: u32,
    word: &mut Word,
    mut emit: impl FnMut(&str, u32),
) -> u32 {
    let mut ord = start;
    let mut emitted = false;
    let mut buf = [0u8; 8];
    let mut i = 0;
    while i < chars.len() {
        match class(chars[i]) {
            Class::Sep => {
                while i < chars.len() && class(chars[i]) == Class::Sep {
                    i += 1;
                }
                if emitted {
                    ord += 1;
                }
            }
            Class::Cjk => {
                let first = i;
                while i < chars.len() && class(chars[i]) == Class::Cjk {
                    i += 1;
                }
                let run = &chars[first..i];
                for (k, pair) in run.windows(2).enumerate() {
                    let a = pair[0].encode_utf8(&mut buf).len();
                    let b = pair[1].encode_utf8(&mut buf[a..]).len();
                    // Both halves were written from chars, so the bytes are UTF-8.
                    let text = std::str::from_utf8(&buf[..a + b]).unwrap_or_default();
                    emit(text, ord + k as u32);
                }
                let last = run.len() - 1;
                emit(run[last].encode_utf8(&mut buf), ord + last as u32);
                ord += run.len() as u32;
                emitted = true;
            }
            Class::Word => {
                word.text.clear();
                word.groups.clear();
                word.groups.push(0);
                while i < chars.len() {
                    let c = chars[i];
                    if class(c) == Class::Word {
                        word.text.push(c);
                        i += 1;
                    } else if c == '-'
                        && chars[i - 1].is_ascii_digit()
                        && chars.get(i + 1).is_some_and(char::is_ascii_digit)
                    {
                        // A hyphen between digits joins phone and postal-code groups.
                        word.groups.push(word.text.len());
                        i += 1;
                    } else {
                        break;
                    }
                }
                // The suffixes starting at each later group, then the whole word.
                for &g in &word.groups[1..] {
                    emit(&word.text[g..], ord);
                }
                emit(&word.text, ord);
                ord += 1;
                emitted = true;
            }
        }
    }
    ord
}

/// Splits a raw query into terms (on whitespace, before normalisation removes spaces
/// between Japanese characters) and tokenizes each. Every term must match (AND).
pub fn query_terms(raw: &str) -> Vec<Vec<QueryToken>> {
    // NFKC first so that U+3000 (ideographic space) splits terms like a space does.
    let spaced = crate::normalize::nfkc(raw);
    spaced
        .split(crate::normalize::is_space)
        .filter(|t| !t.is_empty())
        .map(|t| term_tokens(&crate::normalize::normalize(t)))
        .filter(|t| !t.is_empty())
        .collect()
}

/// Tokens of one normalised query term, ordinals relative to its first token.
pub fn term_tokens(normalized: &str) -> Vec<QueryToken> {
    let segs = segments(normalized);
    // Index of the last token-bearing segment: only its tokens are prefixes, and only
    // its Japanese run omits the terminal (the field may go on after the query).
    let last = segs.iter().rposition(|s| !matches!(s, Segment::Sep));
    let mut out = Vec::new();
    let mut ord = 0u32;
    let mut emitted = false;
    for (si, seg) in segs.into_iter().enumerate() {
        let is_last = Some(si) == last;
        match seg {
            Segment::Sep => {
                if emitted && !is_last {
                    ord += 1;
                }
            }
            Segment::Cjk(run) => {
                for (i, pair) in run.windows(2).enumerate() {
                    let prefix = is_last && i + 2 == run.len();
                    out.push(QueryToken {
                        text: pair.iter().collect(),
                        ord: ord + i as u32,
                        prefix,
                    });
                }
                if !is_last || run.len() == 1 {
                    let lastc = run.len() - 1;
                    out.push(QueryToken {
                        text: run[lastc].to_string(),
                        ord: ord + lastc as u32,
                        prefix: is_last,
                    });
                }
                ord += run.len() as u32;
                emitted = true;
            }
            Segment::Word(groups) => {
                out.push(QueryToken {
                    text: groups.concat(),
                    ord,
                    prefix: is_last,
                });
                ord += 1;
                emitted = true;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize;

    fn idx(s: &str) -> Vec<(String, u32)> {
        let mut v = Vec::new();
        index_tokens(&normalize(s), 0, &mut v);
        v.into_iter().map(|t| (t.text, t.ord)).collect()
    }

    /// The index tokens as first written, from [`segments`]: the scratch-buffer path
    /// must emit exactly these, in this order.
    fn reference_tokens(normalized: &str, start: u32) -> (Vec<(String, u32)>, u32) {
        let mut out = Vec::new();
        let mut ord = start;
        let mut emitted = false;
        for seg in segments(normalized) {
            match seg {
                Segment::Sep => {
                    if emitted {
                        ord += 1;
                    }
                }
                Segment::Cjk(run) => {
                    for (i, pair) in run.windows(2).enumerate() {
                        out.push((pair.iter().collect(), ord + i as u32));
                    }
                    out.push((run[run.len() - 1].to_string(), ord + run.len() as u32 - 1));
                    ord += run.len() as u32;
                    emitted = true;
                }
                Segment::Word(groups) => {
                    for k in 1..groups.len() {
                        out.push((groups[k..].concat(), ord));
                    }
                    out.push((groups.concat(), ord));
                    ord += 1;
                    emitted = true;
                }
            }
        }
        (out, ord)
    }

    #[test]
    fn scratch_tokens_equal_the_segment_tokens() {
        let pool: Vec<char> = "ab9 0-1-23-4--5-a-0562 。、・/()子ども食堂体操𠮷한ーｶﾞあ-ア~"
            .chars()
            .collect();
        let mut scratch = IndexScratch::default();
        let texts = crate::testing::random_texts(0x9E37_79B9_7F4A_7C15, &pool, 16, 20_000);
        for (n, text) in (0u32..).zip(texts) {
            let start = n % 5;
            let mut got = Vec::new();
            let next = scratch.tokens(&text, start, |t, o| got.push((t.to_string(), o)));
            assert_eq!(
                (got, next),
                reference_tokens(&normalize(&text), start),
                "{text:?}"
            );
        }
    }

    #[test]
    fn japanese_run_is_bigrams_plus_terminal() {
        assert_eq!(
            idx("子ども食堂"),
            vec![
                ("子ド".into(), 0),
                ("ドモ".into(), 1),
                ("モ食".into(), 2),
                ("食堂".into(), 3),
                ("堂".into(), 4)
            ]
        );
    }

    #[test]
    fn phone_with_hyphens_gives_joined_word_and_group_suffixes() {
        let t = idx("TEL 0562-92-1111");
        assert!(t.contains(&("0562921111".into(), 2)), "{t:?}");
        assert!(t.contains(&("921111".into(), 2)));
        assert!(t.contains(&("1111".into(), 2)));
        assert!(t.contains(&("tel".into(), 0)));
    }

    #[test]
    fn query_last_token_is_prefix_and_inner_run_keeps_terminal() {
        let q = query_terms("第2木曜");
        assert_eq!(q.len(), 1);
        let toks: Vec<_> = q[0]
            .iter()
            .map(|t| (t.text.as_str(), t.ord, t.prefix))
            .collect();
        assert_eq!(
            toks,
            vec![("第", 0, false), ("2", 1, false), ("木曜", 2, true)]
        );
    }

    #[test]
    fn ideographic_space_splits_terms() {
        assert_eq!(query_terms("豊明　体操").len(), 2);
    }
}
