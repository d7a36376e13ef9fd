//! Builds the inverted index: token → postings (document, field, ordinal).
//!
//! Positions are kept so that the browser can verify a query as a contiguous phrase
//! within one field (see `tokenize`): this is what makes precision exact instead of
//! "all bigrams somewhere in the page".

use std::collections::HashMap;

use rayon::prelude::*;

use crate::field::Field;
use crate::normalize::normalize;
use crate::tokenize::{Token, index_tokens};

/// One document to index, in result order (ties in relevance keep this order).
#[derive(Debug, Clone)]
pub struct Document {
    /// Searchable text: each entry is one part (a tag, the address, the description …);
    /// parts of the same field are indexed with a gap so no query matches across two.
    pub parts: Vec<(Field, String)>,
    /// Filter values this document has, e.g. "c:salon", "d:tue", "a:wheelchair".
    pub filters: Vec<String>,
    /// WGS84 latitude and longitude, for sorting by distance.
    pub location: Option<(f64, f64)>,
    /// What the results list shows (written as is into the document chunks).
    pub display: serde_json::Value,
}

/// A posting packs ordinal and field as `ord * 8 + field` (field ids are < 8).
pub(crate) type Postings = Vec<(u32, u32)>;

/// Token → postings sorted by document then packed position.
pub(crate) struct Inverted {
    pub tokens: HashMap<String, Postings>,
    pub postings: usize,
}

/// Tokenizes every document (in parallel) and merges the postings.
pub(crate) fn invert(docs: &[Document]) -> Inverted {
    let per_doc: Vec<Vec<(String, u32)>> = docs.par_iter().map(doc_tokens).collect();
    let mut tokens: HashMap<String, Postings> = HashMap::new();
    let mut postings = 0;
    for (doc, toks) in per_doc.into_iter().enumerate() {
        for (text, packed) in toks {
            postings += 1;
            tokens.entry(text).or_default().push((doc as u32, packed));
        }
    }
    // Each doc's tokens were produced field by field; sort positions within a doc.
    tokens.par_iter_mut().for_each(|(_, p)| p.sort_unstable());
    Inverted { tokens, postings }
}

fn doc_tokens(doc: &Document) -> Vec<(String, u32)> {
    let mut next_ord = [0u32; 8];
    let mut buf: Vec<Token> = Vec::new();
    let mut out = Vec::new();
    for (field, text) in &doc.parts {
        let f = field.id() as usize;
        buf.clear();
        // +1: a gap between parts of one field.
        let start = if next_ord[f] == 0 { 0 } else { next_ord[f] + 1 };
        next_ord[f] = index_tokens(&normalize(text), start, &mut buf);
        out.extend(buf.drain(..).map(|t| (t.text, t.ord * 8 + field.id())));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(parts: &[(Field, &str)]) -> Document {
        Document {
            parts: parts.iter().map(|(f, t)| (*f, t.to_string())).collect(),
            filters: vec![],
            location: None,
            display: serde_json::Value::Null,
        }
    }

    #[test]
    fn parts_of_one_field_do_not_join() {
        let inv = invert(&[doc(&[(Field::Tags, "温泉"), (Field::Tags, "体操")])]);
        // 泉 ends the first part at ordinal 1; 体操 starts after a gap, at 3.
        assert_eq!(inv.tokens["泉"], vec![(0, 8 + 2)]);
        assert_eq!(inv.tokens["体操"], vec![(0, 3 * 8 + 2)]);
        assert!(!inv.tokens.contains_key("泉体"));
    }
}
