//! Readings (in hiragana) of the domain's common words, so that a resident who types
//! たいそう or ひなんじょ finds resources tagged 体操 or filed under 指定避難所 even when
//! the record's own reading (`name_kana`) does not contain the word.
//!
//! Only whole tag and category names are looked up (no segmentation of free text): a
//! wrong reading can then never be attached to an unrelated word.

/// (word, reading). Words as they appear in categories.yaml and common tags.
const READINGS: &[(&str, &str)] = &[
    ("通いの場", "かよいのば"),
    ("体操", "たいそう"),
    ("体操教室", "たいそうきょうしつ"),
    ("健康体操", "けんこうたいそう"),
    ("認知症カフェ", "にんちしょうかふぇ"),
    ("認知症", "にんちしょう"),
    ("趣味の場", "しゅみのば"),
    ("介護サービス事業所", "かいごさーびすじぎょうしょ"),
    ("介護", "かいご"),
    ("医療機関", "いりょうきかん"),
    ("病院", "びょういん"),
    ("診療所", "しんりょうじょ"),
    ("歯科", "しか"),
    ("薬局", "やっきょく"),
    ("地域包括支援センター", "ちいきほうかつしえんせんたー"),
    ("福祉", "ふくし"),
    ("多目的トイレ", "たもくてきといれ"),
    ("子ども食堂", "こどもしょくどう"),
    ("買い物支援", "かいものしえん"),
    ("移動スーパー", "いどうすーぱー"),
    ("移動支援", "いどうしえん"),
    ("福祉タクシー", "ふくしたくしー"),
    ("防災", "ぼうさい"),
    ("指定緊急避難場所", "していきんきゅうひなんばしょ"),
    ("指定避難所", "していひなんじょ"),
    ("避難所", "ひなんじょ"),
    ("温泉", "おんせん"),
    ("入浴", "にゅうよく"),
    ("送迎", "そうげい"),
    ("無料送迎バス", "むりょうそうげいばす"),
    ("食事", "しょくじ"),
    ("会食", "かいしょく"),
    ("茶話会", "さわかい"),
    ("囲碁", "いご"),
    ("将棋", "しょうぎ"),
    ("手芸", "しゅげい"),
    ("書道", "しょどう"),
    ("合唱", "がっしょう"),
    ("散歩", "さんぽ"),
    ("筋トレ", "きんとれ"),
    ("脳トレ", "のうとれ"),
];

/// The reading of a whole word, if it is one of the domain's common words.
pub fn reading(word: &str) -> Option<&'static str> {
    READINGS.iter().find(|(w, _)| *w == word).map(|(_, r)| *r)
}
