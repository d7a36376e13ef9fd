//! Readings (in hiragana) of the domain's common words, so that a resident who types
//! たいそう or ひなんじょ finds resources tagged 体操 or filed under 指定避難所 even when
//! the record's own reading (`name_kana`) does not contain the word.
//!
//! Only whole tag and category names are looked up (no segmentation of free text): a
//! wrong reading can then never be attached to an unrelated word.

/// (word, reading). Words as they appear in categories.yaml and common tags, sorted by
/// the word (byte order; a test checks) so a lookup is a binary search: every tag and
/// category name of every resource is looked up.
const READINGS: &[(&str, &str)] = &[
    ("介護", "かいご"),
    ("介護サービス事業所", "かいごさーびすじぎょうしょ"),
    ("会食", "かいしょく"),
    ("体操", "たいそう"),
    ("体操教室", "たいそうきょうしつ"),
    ("健康体操", "けんこうたいそう"),
    ("入浴", "にゅうよく"),
    ("医療機関", "いりょうきかん"),
    ("合唱", "がっしょう"),
    ("囲碁", "いご"),
    ("地域包括支援センター", "ちいきほうかつしえんせんたー"),
    ("多目的トイレ", "たもくてきといれ"),
    ("子ども食堂", "こどもしょくどう"),
    ("将棋", "しょうぎ"),
    ("手芸", "しゅげい"),
    ("指定緊急避難場所", "していきんきゅうひなんばしょ"),
    ("指定避難所", "していひなんじょ"),
    ("散歩", "さんぽ"),
    ("書道", "しょどう"),
    ("歯科", "しか"),
    ("温泉", "おんせん"),
    ("無料送迎バス", "むりょうそうげいばす"),
    ("病院", "びょういん"),
    ("福祉", "ふくし"),
    ("福祉タクシー", "ふくしたくしー"),
    ("移動スーパー", "いどうすーぱー"),
    ("移動支援", "いどうしえん"),
    ("筋トレ", "きんとれ"),
    ("脳トレ", "のうとれ"),
    ("茶話会", "さわかい"),
    ("薬局", "やっきょく"),
    ("診療所", "しんりょうじょ"),
    ("認知症", "にんちしょう"),
    ("認知症カフェ", "にんちしょうかふぇ"),
    ("買い物支援", "かいものしえん"),
    ("趣味の場", "しゅみのば"),
    ("送迎", "そうげい"),
    ("通いの場", "かよいのば"),
    ("避難所", "ひなんじょ"),
    ("防災", "ぼうさい"),
    ("食事", "しょくじ"),
];

/// The reading of a whole word, if it is one of the domain's common words.
pub fn reading(word: &str) -> Option<&'static str> {
    READINGS
        .binary_search_by(|(w, _)| (*w).cmp(word))
        .ok()
        .map(|i| READINGS[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_every_word_finds_its_reading() {
        assert!(
            READINGS.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted, no duplicates"
        );
        for (word, r) in READINGS {
            assert_eq!(reading(word), Some(*r));
        }
        assert_eq!(reading("体操"), Some("たいそう"));
        assert_eq!(reading("体"), None);
    }
}
