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

use unicode_normalization::UnicodeNormalization;

/// Normalises `text` for indexing and matching.
///
/// The output is NFKC, lowercase, with hiragana folded to katakana, small kana folded to
/// large, long-vowel variants unified to `ー`, ideograph variants folded, whitespace
/// runs collapsed to one ASCII space (or removed between two Japanese characters) and
/// trimmed.
pub fn normalize(text: &str) -> String {
    let mut folded: Vec<char> = Vec::with_capacity(text.len());
    for c in text.nfkc().flat_map(char::to_lowercase) {
        let c = fold_char(c);
        let c = if is_dash_like(c) && folded.last().is_some_and(|&p| is_katakana_or_long(p)) {
            'ー'
        } else {
            c
        };
        folded.push(c);
    }
    collapse_whitespace(&folded)
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
/// each entry must also be in the JS port and in the golden vectors.
const VARIANTS: &[(char, char)] = &[
    ('髙', '高'),
    ('﨑', '崎'),
    ('嵜', '崎'),
    ('邉', '辺'),
    ('邊', '辺'),
    ('濵', '浜'),
    ('濱', '浜'),
    ('澤', '沢'),
    ('廣', '広'),
    ('國', '国'),
    ('櫻', '桜'),
    ('齋', '斎'),
    ('齊', '斉'),
    ('冨', '富'),
];

fn fold_variant(c: char) -> char {
    VARIANTS
        .iter()
        .find(|(from, _)| *from == c)
        .map_or(c, |(_, to)| *to)
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

fn collapse_whitespace(chars: &[char]) -> String {
    let mut out = String::with_capacity(chars.len() * 3);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if !is_space(c) {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && is_space(chars[i]) {
            i += 1;
        }
        let before = start.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i).copied();
        match (before, after) {
            (Some(b), Some(a)) if !(is_cjk(b) && is_cjk(a)) => out.push(' '),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::normalize;

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
