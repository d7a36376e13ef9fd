//! Offline placement of an address at the representative point of its 町字.
//!
//! The table is derived from the Geolonia 住所データ (CC BY 4.0, credit Geolonia) by
//! `generator/data/make-towns-aichi.py` and compiled into the binary, so imports and the
//! workspace need no network and no geocoding service. It covers 愛知県 (the sample
//! municipality's prefecture); an address elsewhere simply finds no point.
//!
//! Matching is by prefix after normalisation: prefecture dropped (or written without 県),
//! spaces dropped, NFKC digits, 郡 optional (GSI writes 「愛知県豊山町」, Geolonia
//! 「西春日井郡豊山町」), 大字 optional, ヶ/ケ and a few old kanji folded,
//! and 「二村台７－１７」 read as 「二村台七丁目」. When no 町字 matches as written, one more
//! reading is tried: the 町 of the 町字 left out (「七宝下之森」 for 「七宝町下之森」), the way
//! geolonia/normalize-japanese-addresses allows it, under that project's limits (see
//! `without_machi`).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::import::text;

const AICHI_TSV: &str = include_str!("../../data/towns-aichi.tsv");

/// One 町字 and its representative point.
#[derive(Debug, Clone, PartialEq)]
pub struct TownPoint {
    /// 市区町村 as Geolonia names it (with 郡: 「西春日井郡豊山町」).
    pub city: String,
    /// 町字 (「沓掛町」, 「二村台七丁目」, 「大字豊場」).
    pub town: String,
    pub lat: f64,
    pub lon: f64,
}

/// Towns of one prefecture, searchable by address.
#[derive(Debug)]
pub struct TownTable {
    prefecture: &'static str,
    /// City name or alias (without 郡) → index into `cities`.
    city_index: HashMap<String, usize>,
    /// Aliases, longest first, for prefix matching.
    city_keys: Vec<String>,
    cities: Vec<(String, Vec<Town>)>,
}

#[derive(Debug)]
struct Town {
    /// Folded for matching, 大字 removed.
    key: String,
    /// `key` with its 町 left out, when the name allows it (see `without_machi`).
    short: Option<String>,
    name: String,
    lat: f64,
    lon: f64,
}

#[derive(Debug, thiserror::Error)]
#[error("町字テーブル {line} 行目: {reason}")]
pub struct TableError {
    pub line: usize,
    pub reason: String,
}

impl TownTable {
    /// The table shipped with tsunagu (愛知県), parsed once.
    pub fn aichi() -> &'static TownTable {
        static TABLE: OnceLock<TownTable> = OnceLock::new();
        TABLE.get_or_init(|| {
            TownTable::parse("愛知県", AICHI_TSV)
                .expect("the shipped towns-aichi.tsv is well-formed (checked by a test)")
        })
    }

    /// Parses the `@city` / `town TAB lat TAB lon` format of `towns-aichi.tsv`.
    pub fn parse(prefecture: &'static str, tsv: &str) -> Result<TownTable, TableError> {
        let mut cities: Vec<(String, Vec<Town>)> = Vec::new();
        for (i, line) in tsv.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(city) = line.strip_prefix('@') {
                cities.push((city.to_string(), Vec::new()));
                continue;
            }
            let err = |reason: &str| TableError {
                line: i + 1,
                reason: reason.to_string(),
            };
            let mut parts = line.split('\t');
            let (Some(name), Some(lat), Some(lon)) = (parts.next(), parts.next(), parts.next())
            else {
                return Err(err("列が足りません"));
            };
            let lat: f64 = lat.parse().map_err(|_| err("緯度が数値ではありません"))?;
            let lon: f64 = lon.parse().map_err(|_| err("経度が数値ではありません"))?;
            let Some((_, towns)) = cities.last_mut() else {
                return Err(err("市区町村（@ 行）より前に町字があります"));
            };
            let key = fold(name.strip_prefix("大字").unwrap_or(name));
            towns.push(Town {
                short: without_machi(&key),
                key,
                name: name.to_string(),
                lat,
                lon,
            });
        }
        for (_, towns) in &mut cities {
            // Longest first, so 「栄町南館」 wins over 「栄町」 when both exist.
            towns.sort_by_key(|t| std::cmp::Reverse(t.key.chars().count()));
        }
        let mut city_index = HashMap::new();
        for (i, (city, _)) in cities.iter().enumerate() {
            city_index.insert(city.clone(), i);
            if let Some(pos) = city.find('郡') {
                city_index
                    .entry(city[pos + '郡'.len_utf8()..].to_string())
                    .or_insert(i);
            }
        }
        let mut city_keys: Vec<String> = city_index.keys().cloned().collect();
        city_keys.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        Ok(TownTable {
            prefecture,
            city_index,
            city_keys,
            cities,
        })
    }

    /// Number of 町字 in the table.
    pub fn len(&self) -> usize {
        self.cities.iter().map(|(_, t)| t.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The city an address (prefecture removed) starts with, and the text after it.
    fn city_of<'s>(&self, s: &'s str) -> Option<(usize, &'s str)> {
        let key = self.city_keys.iter().find(|k| s.starts_with(k.as_str()))?;
        Some((self.city_index[key], &s[key.len()..]))
    }

    /// The 町字 an address lies in, with its representative point. The address may start
    /// with or without the prefecture; it must name the city.
    pub fn locate(&self, address: &str) -> Option<TownPoint> {
        // Spaces dropped (「名古屋市 中区…」), and 巿 (U+5DFF, ふつ) read as the 市 it is
        // mistaken for (「豊明巿」). Copied only when needed: every imported row with an
        // address comes here.
        let mut a = text::address(address)?;
        if a.contains(|c: char| c.is_whitespace() || c == '巿') {
            a = a
                .chars()
                .filter(|c| !c.is_whitespace())
                .map(|c| if c == '巿' { '市' } else { c })
                .collect();
        }
        let a = a.strip_prefix(self.prefecture).unwrap_or(&a);
        // The prefecture written without 県 (「愛知豊明市」), tried only after the city as
        // written, so 「愛知郡東郷町」 stays 東郷町.
        let stem = self.prefecture.trim_end_matches(['県', '府', '都']);
        let (index, rest) = self
            .city_of(a)
            .or_else(|| a.strip_prefix(stem).and_then(|s| self.city_of(s)))?;
        let (city, towns) = &self.cities[index];
        let rest = rest.strip_prefix("大字").unwrap_or(rest);
        let folded = fold(rest);
        let chome = with_kanji_chome(&folded);
        let found = towns
            .iter()
            .find(|t| {
                folded.starts_with(&t.key)
                    || chome.as_deref().is_some_and(|c| c.starts_with(&t.key))
            })
            // 町 left out: only when nothing matched as written, so 「新堀」 still finds
            // 大字新堀 and 「新堀町」 finds 新堀町 where both exist.
            .or_else(|| by_short_key(towns, rest))?;
        Some(TownPoint {
            city: city.clone(),
            town: found.name.clone(),
            lat: found.lat,
            lon: found.lon,
        })
    }
}

/// Folds the spellings that differ between datasets for the same 町字.
fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ヶ' | 'ヵ' | 'が' | 'ｹ' => 'ケ',
            '之' => 'ノ',
            '鍜' => '鍛',
            // Old and variant kanji Geolonia keeps (「彌富町」) that addresses write in the
            // common form (「弥富町」), and the reverse: both sides are folded alike.
            '彌' => '弥',
            '澤' => '沢',
            '邊' | '邉' => '辺',
            '嶋' | '嶌' => '島',
            '濱' => '浜',
            '廣' => '広',
            '龍' => '竜',
            '國' => '国',
            '條' => '条',
            '冨' => '富',
            '舘' => '館',
            // 「小渕」 (GSI, 扶桑町) for Geolonia's 「大字小淵」.
            '渕' => '淵',
            _ => c,
        })
        .filter(|c| *c != '字')
        .collect()
}

/// The one town whose key without 町 (`Town::short`) starts `rest`, 「西小松川12-345」 for
/// 西小松川町; none when two towns would fit (「上田町」 and 「上町田」 both read 「上田」).
fn by_short_key<'a>(towns: &'a [Town], rest: &str) -> Option<&'a Town> {
    let marked = fold_keeping_aza(rest);
    let chome = with_kanji_chome(&marked);
    let found: Vec<&Town> = towns
        .iter()
        .filter(|t| {
            t.short.as_deref().is_some_and(|k| {
                std::iter::once(marked.as_str())
                    .chain(chome.as_deref())
                    .any(|s| s.strip_prefix(k).is_some_and(ends_a_town))
            })
        })
        .collect();
    match found.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// Whether the text after a 町字 read without its 町 starts where a 町字 ends: the end, a
/// number, 字 (「鳴海字アイウエオ」), not another name (「中央台」 is not 中央町 read as 「中央」).
fn ends_a_town(after: &str) -> bool {
    after.is_empty()
        || after.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '番' | AZA))
}

/// Stands for 字 in `fold_keeping_aza`: a boundary after a 町字 whose 町 was left out.
const AZA: char = '\u{1}';

/// `fold`, but 字 becomes `AZA` instead of vanishing, so 「鳴海字アイウエオ」 shows where the
/// 町字 ends.
fn fold_keeping_aza(s: &str) -> String {
    fold(&s.replace('字', &AZA.to_string()))
}

/// The key a 町字 is written under when its 町 is left out: 「西小松川町」 → 「西小松川」,
/// 「七宝町下之森」 → 「七宝下ノ森」, 「町野町桶戸」 → 「町野桶戸」. Following
/// normalize-japanese-addresses, there is none when the name starts with 町 (「町屋」 is not
/// 「屋」), when a kanji numeral comes right before the 町 (「十六町」: 「十六」 would swallow the
/// 丁目 and 番地 after it), or when fewer than two characters would be left (「本町」 → 「本」
/// would match any address starting with 本).
fn without_machi(key: &str) -> Option<String> {
    let (pos, _) = key.char_indices().skip(1).find(|&(_, c)| c == '町')?;
    let before = key[..pos].chars().last()?;
    if "一二三四五六七八九十百千".contains(before) {
        return None;
    }
    let short = format!("{}{}", &key[..pos], &key[pos + '町'.len_utf8()..]);
    (short.chars().count() >= 2).then_some(short)
}

/// 「二村台7-17-11」 → 「二村台七丁目17-11」: rewrites the first run of digits that is
/// followed by a hyphen, 丁目 or the end, so it matches Geolonia's kanji 丁目 names.
fn with_kanji_chome(s: &str) -> Option<String> {
    let start = s.find(|c: char| c.is_ascii_digit())?;
    if start == 0 {
        return None;
    }
    let digits: String = s[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let after = &s[start + digits.len()..];
    let n: u32 = digits.parse().ok()?;
    if !(1..=99).contains(&n) {
        return None;
    }
    let rest = if let Some(r) = after.strip_prefix("丁目") {
        r
    } else if let Some(r) = after.strip_prefix('-') {
        r
    } else if after.is_empty() || after.starts_with('番') || after.starts_with('地') {
        // 「栄町3番地」, 「栄町3地内」 (GSI), 「栄町3地先」.
        after
    } else {
        return None;
    };
    Some(format!("{}{}丁目{}", &s[..start], kanji_number(n), rest))
}

fn kanji_number(n: u32) -> String {
    const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => D[n as usize].to_string(),
        10 => "十".to_string(),
        11..=19 => format!("十{}", D[(n % 10) as usize]),
        _ => format!("{}十{}", D[(n / 10) as usize], D[(n % 10) as usize]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_table_parses_and_covers_toyoake() {
        let t = TownTable::aichi();
        assert!(t.len() > 14_000, "{}", t.len());
        let p = t.locate("愛知県豊明市沓掛町田楽ケ窪1-53").unwrap();
        assert_eq!((p.city.as_str(), p.town.as_str()), ("豊明市", "沓掛町"));
    }

    #[test]
    fn full_width_chome_matches_kanji_chome() {
        let p = TownTable::aichi()
            .locate("豊明市二村台７－１７－１１")
            .unwrap();
        assert_eq!(p.town, "二村台七丁目");
        assert!((p.lat - 35.069528).abs() < 1e-6);
    }

    #[test]
    fn gun_and_oaza_are_optional() {
        let a = TownTable::aichi()
            .locate("愛知県豊山町大字豊場字八反107")
            .unwrap();
        let b = TownTable::aichi()
            .locate("西春日井郡豊山町豊場高前８０")
            .unwrap();
        assert_eq!(a.town, "大字豊場");
        assert_eq!(a, b);
    }

    #[test]
    fn gsi_full_width_addresses_with_chinai_find_their_town() {
        // 「愛知県常滑市栄町３地内」: one of the 32 GSI addresses with full-width digits and 地内.
        let p = TownTable::aichi().locate("愛知県常滑市栄町３地内").unwrap();
        assert_eq!((p.city.as_str(), p.town.as_str()), ("常滑市", "栄町三丁目"));
    }

    fn town(t: &TownTable, address: &str) -> Option<String> {
        t.locate(address).map(|p| p.town)
    }

    // The next tests build small tables from rows of the geolonia/normalize-japanese-addresses
    // suite whose 備考 names an edge case (expected 町字 and point as the suite gives them),
    // since those places are outside the shipped 愛知県 table.

    #[test]
    fn oaza_and_machi_forms_of_one_name_each_find_their_own_town() {
        // 「大字◯◯と◯◯町が共存するケース」: 川口市 has 大字新堀 and 新堀町 side by side.
        let t = TownTable::parse(
            "埼玉県",
            "@川口市\n大字新堀\t35.827425\t139.783579\n新堀町\t35.825057\t139.781901\n",
        )
        .unwrap();
        assert_eq!(town(&t, "埼玉県川口市新堀999-888").unwrap(), "大字新堀");
        assert_eq!(town(&t, "埼玉県川口市大字新堀999-888").unwrap(), "大字新堀");
        assert_eq!(town(&t, "埼玉県川口市新堀町999-888").unwrap(), "新堀町");
        assert_eq!(town(&t, "埼玉県川口市大字新堀町999-888").unwrap(), "新堀町");
        // 須賀川市: 西川 and 西川町, neither with 大字.
        let t = TownTable::parse(
            "福島県",
            "@須賀川市\n西川\t37.296938\t140.343569\n西川町\t37.294611\t140.359974\n",
        )
        .unwrap();
        assert_eq!(town(&t, "福島県須賀川市西川123-456").unwrap(), "西川");
        assert_eq!(town(&t, "福島県須賀川市西川町123-456").unwrap(), "西川町");
    }

    #[test]
    fn machi_left_out_is_read_only_within_the_suites_limits() {
        let tokyo = TownTable::parse(
            "東京都",
            "@江戸川区\n西小松川町\t35.698405\t139.862007\n@荒川区\n町屋五丁目\t35.746\t139.781\n",
        )
        .unwrap();
        // 「町丁目内の文字列の「町」の省略」: 西小松川町 written 「西小松川」.
        assert_eq!(
            town(&tokyo, "東京都江戸川区西小松川12-345").unwrap(),
            "西小松川町"
        );
        // 「町から始まる町丁目について、町を省略した場合は寄せない」: 「屋５丁目」 is not 町屋.
        assert_eq!(town(&tokyo, "東京都荒川区屋５丁目"), None);
        // 木之本町西山: the 町 inside the name left out.
        let shiga =
            TownTable::parse("滋賀県", "@長浜市\n木之本町西山\t35.496171\t136.204177\n").unwrap();
        assert_eq!(
            town(&shiga, "滋賀県長浜市木之本西山123-4").unwrap(),
            "木之本町西山"
        );
        // 輪島市町野町桶戸: the 町 after 町野 may go, the leading one may not.
        let ishikawa =
            TownTable::parse("石川県", "@輪島市\n町野町桶戸\t37.414993\t137.092547\n").unwrap();
        assert_eq!(
            town(&ishikawa, "石川県輪島市町野桶戸").unwrap(),
            "町野町桶戸"
        );
        assert_eq!(town(&ishikawa, "石川県輪島市野町桶戸"), None);
        // 「漢数字を含む町丁目については…町の省略を許容しない」: 十六町 is not 「十六」.
        let aichi = TownTable::aichi();
        assert_eq!(
            town(aichi, "愛知県名古屋市瑞穂区十六町１丁目123-4").unwrap(),
            "十六町一丁目"
        );
        assert_eq!(town(aichi, "愛知県名古屋市瑞穂区十六１丁目123-4"), None);
    }

    #[test]
    fn machi_left_out_never_guesses_between_two_towns_or_into_another_name() {
        let t = TownTable::parse(
            "愛知県",
            "@架空市\n上田町\t35.0\t137.0\n上町田\t35.1\t137.1\n中央町\t35.2\t137.2\n",
        )
        .unwrap();
        // 上田町 and 上町田 both read 「上田」 without 町.
        assert_eq!(town(&t, "架空市上田1-2"), None);
        assert_eq!(town(&t, "架空市上田町1-2").unwrap(), "上田町");
        // 「中央台」 is another name, not 中央町 with 町 left out.
        assert_eq!(town(&t, "架空市中央台1-2"), None);
        assert_eq!(town(&t, "架空市中央1-2").unwrap(), "中央町");
    }

    #[test]
    fn prefecture_without_ken_spaces_and_the_futsu_character_are_read() {
        let t = TownTable::aichi();
        // 「岩手花巻市…」 (県 left out), 「京都市 下京区」 (a space), 「巿川巿」 (U+5DFF) in the
        // suite; the same forms of an Aichi address.
        assert_eq!(town(t, "愛知豊明巿沓掛町 田楽ケ窪1-53").unwrap(), "沓掛町");
        assert_eq!(
            town(t, "愛知県名古屋市 中区丸の内３丁目１７－２０").unwrap(),
            "丸の内三丁目"
        );
        // 愛知郡 starts like 愛知(県): the city as written is tried first.
        let p = t.locate("愛知郡東郷町三ツ池二丁目1").unwrap();
        assert_eq!(
            (p.city.as_str(), p.town.as_str()),
            ("愛知郡東郷町", "三ツ池二丁目")
        );
    }

    #[test]
    fn unknown_places_find_nothing() {
        assert_eq!(
            TownTable::aichi().locate("札幌市中央区南９条西１０丁目"),
            None
        );
        assert_eq!(TownTable::aichi().locate("豊明市"), None);
    }
}
