//! `tsunagu-search`: the portal's static search index, built with no server.
//!
//! - [`normalize`]: the one normaliser (NFKC, width, kana, long vowel, variants, case);
//! - [`tokenize`]: bigrams with ordinals for Japanese runs, words for Latin and digits;
//! - [`index`] and [`write`]: the inverted index with positions, cut into content-hashed
//!   chunks by token range, plus document, coordinate and filter files.
//!
//! The browser port of `normalize` and `tokenize` lives in
//! `themes/default/static/js/search-core.js` and is checked against the same golden
//! vectors (`tests/golden.json`) as this crate. See `docs/search.md`.

pub mod field;
pub mod index;
pub mod normalize;
pub mod readings;
pub mod tokenize;
pub mod write;

#[cfg(test)]
mod testing;

pub use field::Field;
pub use index::Document;
pub use normalize::normalize;
pub use tokenize::{QueryToken, query_terms};
pub use write::{Index, IndexFile, Options, Stats, build, build_with};
