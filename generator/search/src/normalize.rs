//! The one text normaliser, used for documents at build time and (ported to JS, checked
//! against `tests/golden.json`) for queries in the browser.
//!
//! Why each step exists: residents type the same word many ways. NFKC folds full-width
//! Latin/digits and half-width katakana (ﾀｲｿｳ → タイソウ); lowercasing folds case;
//! hiragana → katakana makes たいそう and タイソウ the same; small kana → large makes
//! ヶ/ケ (田楽ヶ窪), ッ/ツ and ャ/ヤ differences (common in old place names and in
//! hand-typed readings) harmless; dash-like characters after katakana become ー because
//! people type スｰパｰ, スーパ－ or ス―パ― for スーパー; a few ideograph variants used in
//! names (髙/高, 﨑/崎 …) are folded to the common form. Spaces between two Japanese
//! characters are removed (湯の郷 ふれあい = 湯の郷ふれあい) because Japanese does not
//! use spaces between words and records insert them inconsistently.
//!
//! Every step maps code points one by one (after NFKC), so the JS port stays a few lines.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// Normalises `text` for indexing and matching.
///
/// The output is NFKC, lowercase, with hiragana folded to katakana, small kana folded to
/// large, long-vowel variants unified to `ー`, ideograph variants folded, whitespace
/// runs collapsed to one ASCII space (or removed between two Japanese characters) and
/// trimmed.
pub fn normalize(text: &str) -> String {
    let mut chars = Vec::with_capacity(text.len());
    normalize_into(text, &mut chars);
    chars.into_iter().collect()
}

/// [`normalize`] into a reused buffer of characters (cleared first): the index build
/// normalises millions of parts and tokenizes characters, so it skips the `String`.
pub fn normalize_into(text: &str, out: &mut Vec<char>) {
    out.clear();
    // NFKC is the costliest step; most record text (kana, kanji, ASCII) is already NFKC,
    // which a scan of code-point ranges proves without the decomposition tables.
    if text.chars().all(already_nfkc) || is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        fold_into(text.chars(), out);
    } else {
        fold_into(text.nfkc(), out);
    }
    collapse_whitespace(out);
}

/// Lowercases and folds NFKC characters into `out`, turning dash-like characters after
/// katakana into ー.
fn fold_into(chars: impl Iterator<Item = char>, out: &mut Vec<char>) {
    let mut push = |c: char| {
        let c = fold_char(c);
        let c = if is_dash_like(c) && out.last().is_some_and(|&p| is_katakana_or_long(p)) {
            'ー'
        } else {
            c
        };
        out.push(c);
    };
    for c in chars {
        if c.is_ascii() {
            push(c.to_ascii_lowercase());
        } else if is_caseless(c) {
            push(c);
        } else {
            c.to_lowercase().for_each(&mut push);
        }
    }
}

/// Characters that are NFKC on their own and never combine with a neighbour (quick
/// check "yes", combining class 0): ASCII, kana, the CJK ideographs and 、。. A text made
/// only of these is NFKC already. A test checks every one against the Unicode tables.
fn already_nfkc(c: char) -> bool {
    matches!(c,
        '\u{0000}'..='\u{007F}'
        | '\u{3001}'..='\u{3002}'
        | '\u{3041}'..='\u{3096}'
        | '\u{30A1}'..='\u{30FA}'
        | '\u{30FC}'..='\u{30FE}'
        | '\u{4E00}'..='\u{9FFF}'
    )
}

/// Ranges with no lowercase mapping (CJK punctuation, kana, ideographs, Hangul), so the
/// Unicode case tables need not be searched for them. A test checks every code point.
fn is_caseless(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7AF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3FFFF}'
    )
}

/// Folds one code point: hiragana → katakana, small kana → large, ideograph variants.
fn fold_char(c: char) -> char {
    let c = match c {
        // Hiragana ぁ..ゖ → katakana ァ..ヶ (same layout, 0x60 apart).
        '\u{3041}'..='\u{3096}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
        'ゝ' => 'ヽ',
        'ゞ' => 'ヾ',
        // Final sigma depends on context in JS's toLowerCase; fold it so both sides agree.
        'ς' => 'σ',
        _ => c,
    };
    match c {
        'ァ' => 'ア',
        'ィ' => 'イ',
        'ゥ' => 'ウ',
        'ェ' => 'エ',
        'ォ' => 'オ',
        'ッ' => 'ツ',
        'ャ' => 'ヤ',
        'ュ' => 'ユ',
        'ョ' => 'ヨ',
        'ヮ' => 'ワ',
        'ヵ' => 'カ',
        'ヶ' => 'ケ',
        _ => fold_variant(c),
    }
}

/// Ideograph variants common in personal and place names (異体字). Kept short on purpose:
/// each entry must also be in the JS port and in the golden vectors. Sorted by the
/// variant's code point (a test checks), so a lookup is a binary search: every character
/// of every record passes through here.
const VARIANTS: &[(char, char)] = &[
    ('冨', '富'), // U+51A8
    ('國', '国'), // U+570B
    ('嵜', '崎'), // U+5D5C
    ('廣', '広'), // U+5EE3
    ('櫻', '桜'), // U+6AFB
    ('澤', '沢'), // U+6FA4
    ('濱', '浜'), // U+6FF1
    ('濵', '浜'), // U+6FF5
    ('邉', '辺'), // U+9089
    ('邊', '辺'), // U+908A
    ('髙', '高'), // U+9AD9
    ('齊', '斉'), // U+9F4A
    ('齋', '斎'), // U+9F4B
    ('﨑', '崎'), // U+FA11
];

fn fold_variant(c: char) -> char {
    if c < VARIANTS[0].0 {
        return c;
    }
    VARIANTS
        .binary_search_by_key(&c, |&(from, _)| from)
        .map_or(c, |i| VARIANTS[i].1)
}

/// Characters people type for the long-vowel mark (after NFKC: ｰ is already ー, － is -).
fn is_dash_like(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'
            | '\u{2011}'
            | '\u{2012}'
            | '\u{2013}'
            | '\u{2014}'
            | '\u{2015}'
            | '\u{2212}'
            | '\u{2500}'
            | '\u{2501}'
            | '~'
            | '\u{301C}'
    )
}

fn is_katakana_or_long(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}' | 'ー')
}

/// True for the characters that form Japanese runs (indexed as bigrams): katakana (all
/// kana after folding), the long-vowel mark, iteration marks, CJK ideographs and Hangul.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3005}'..='\u{3007}'            // 々 〆 〇
        | '\u{30A1}'..='\u{30FA}'          // katakana
        | '\u{30FC}'..='\u{30FE}'          // ー ヽ ヾ
        | '\u{3400}'..='\u{4DBF}'          // CJK extension A
        | '\u{4E00}'..='\u{9FFF}'          // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}'          // CJK compatibility ideographs
        | '\u{AC00}'..='\u{D7AF}'          // Hangul syllables
        | '\u{20000}'..='\u{3FFFF}'        // CJK extensions B..
    )
}

/// True for the characters that form words (Latin letters and digits, Greek, Cyrillic),
/// matched by word prefix.
pub fn is_word(c: char) -> bool {
    matches!(c,
        'a'..='z' | '0'..='9'
        | '\u{00DF}'..='\u{00F6}' | '\u{00F8}'..='\u{024F}'   // Latin-1 / Extended-A, B (lowercase after folding)
        | '\u{0370}'..='\u{03FF}' | '\u{0400}'..='\u{04FF}'   // Greek, Cyrillic
    )
}

/// The whitespace the normaliser collapses (after NFKC, U+3000 and U+00A0 are spaces).
pub fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{000B}' | '\u{000C}')
}

/// NFKC only: used to split a raw query into terms on every kind of space first.
pub fn nfkc(raw: &str) -> String {
    raw.nfkc().collect()
}

/// Collapses whitespace runs in place: one ASCII space between two characters unless
/// both are Japanese, nothing at either end. The write position never passes the read
/// position, and the character before a run is always the last one written.
fn collapse_whitespace(chars: &mut Vec<char>) {
    let mut w = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if !is_space(c) {
            chars[w] = c;
            w += 1;
            i += 1;
            continue;
        }
        while i < chars.len() && is_space(chars[i]) {
            i += 1;
        }
        let before = w.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i).copied();
        match (before, after) {
            (Some(b), Some(a)) if !(is_cjk(b) && is_cjk(a)) => {
                chars[w] = ' ';
                w += 1;
            }
            _ => {}
        }
    }
    chars.truncate(w);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The normaliser as first written, step by step with no fast path: the fast paths
    /// must give exactly its output (the browser port follows this definition).
    fn reference(text: &str) -> String {
        let mut folded: Vec<char> = Vec::new();
        for c in text.nfkc().flat_map(char::to_lowercase) {
            let c = fold_char(c);
            let c = if is_dash_like(c) && folded.last().is_some_and(|&p| is_katakana_or_long(p)) {
                'ー'
            } else {
                c
            };
            folded.push(c);
        }
        let mut out = String::new();
        let mut i = 0;
        while i < folded.len() {
            if !is_space(folded[i]) {
                out.push(folded[i]);
                i += 1;
                continue;
            }
            let start = i;
            while i < folded.len() && is_space(folded[i]) {
                i += 1;
            }
            let before = start.checked_sub(1).map(|j| folded[j]);
            if let (Some(b), Some(&a)) = (before, folded.get(i))
                && !(is_cjk(b) && is_cjk(a))
            {
                out.push(' ');
            }
        }
        out
    }

    #[test]
    fn every_code_point_normalises_as_the_reference_does() {
        let mut differ = Vec::new();
        for c in (0..=0x3FFFFu32).filter_map(char::from_u32) {
            // Alone, and between katakana and a space (dash folding, space collapsing).
            for text in [c.to_string(), format!("ア{c} {c}")] {
                if normalize(&text) != reference(&text) {
                    differ.push(text);
                }
            }
        }
        assert!(
            differ.is_empty(),
            "{} differ: {:?}",
            differ.len(),
            &differ[..differ.len().min(20)]
        );
    }

    #[test]
    fn mixed_texts_normalise_as_the_reference_does() {
        // Characters that exercise every step: width, kana, case (İ lowers to two
        // characters), combining marks, dashes, variants, spaces, beyond the BMP.
        let pool: Vec<char> = "aZ09 -_.,ｱｶﾞﾀﾞｰ－―〜~ＡＺ０９あぁっゃゔアァッヶー\u{3099}\u{309A}\
             e\u{0301}ÉİΣςЖ①Ⓐ㍻\u{3000}\t\n髙﨑嵜國體操子ども食堂\u{F900}𠮷한、。「」（）・"
            .chars()
            .collect();
        for text in crate::testing::random_texts(0x2545_F491_4F6C_DD1D, &pool, 12, 20_000) {
            assert_eq!(normalize(&text), reference(&text), "{text:?}");
        }
    }

    #[test]
    fn fast_path_ranges_agree_with_the_unicode_tables() {
        for c in (0..=0x3FFFFu32).filter_map(char::from_u32) {
            if already_nfkc(c) {
                assert_eq!(
                    is_nfkc_quick(std::iter::once(c)),
                    IsNormalized::Yes,
                    "{c:?}"
                );
                assert_eq!(
                    unicode_normalization::char::canonical_combining_class(c),
                    0,
                    "{c:?}"
                );
            }
            if is_caseless(c) {
                assert!(
                    c.to_lowercase().eq(std::iter::once(c)),
                    "{c:?} has a lowercase"
                );
            }
        }
        assert!(
            VARIANTS.windows(2).all(|w| w[0].0 < w[1].0),
            "VARIANTS not sorted"
        );
    }

    #[test]
    fn half_width_katakana_and_hiragana_meet_in_katakana() {
        assert_eq!(normalize("ﾀｲｿｳ"), "タイソウ");
        assert_eq!(normalize("たいそう"), "タイソウ");
        assert_eq!(normalize("体操"), "体操");
    }

    #[test]
    fn long_vowel_variants_after_katakana_become_choon() {
        assert_eq!(normalize("スｰパｰ"), "スーパー");
        assert_eq!(normalize("ス－パ－"), "スーパー");
        assert_eq!(normalize("す―ぱ―"), "スーパー");
        // A hyphen between digits stays: it is a phone-number separator, not a long vowel.
        assert_eq!(normalize("０５６２－９２－１１１１"), "0562-92-1111");
    }

    #[test]
    fn spaces_between_japanese_vanish_but_separate_latin() {
        assert_eq!(normalize("湯の郷　ふれあい"), "湯ノ郷フレアイ");
        assert_eq!(normalize("  AED  設置 "), "aed 設置");
    }
}
