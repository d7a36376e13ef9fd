//! Offline placement of an address at the representative point of its 町字.
//!
//! The table is derived from the Geolonia 住所データ (CC BY 4.0, credit Geolonia) by
//! `generator/data/make-towns-aichi.py` and compiled into the binary, so imports and the
//! workspace need no network and no geocoding service. It covers 愛知県 (the sample
//! municipality's prefecture); an address elsewhere simply finds no point.
//!
//! Matching is by prefix after normalisation: prefecture dropped, NFKC digits, 郡 optional
//! (GSI writes 「愛知県豊山町」, Geolonia 「西春日井郡豊山町」), 大字 optional, ヶ/ケ folded,
//! and 「二村台７－１７」 read as 「二村台七丁目」.

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
            towns.push(Town {
                key: fold(name.strip_prefix("大字").unwrap_or(name)),
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

    /// The 町字 an address lies in, with its representative point. The address may start
    /// with or without the prefecture; it must name the city.
    pub fn locate(&self, address: &str) -> Option<TownPoint> {
        let a = text::address(address)?;
        let a = a.strip_prefix(self.prefecture).unwrap_or(&a).trim_start();
        let key = self.city_keys.iter().find(|k| a.starts_with(k.as_str()))?;
        let (city, towns) = &self.cities[self.city_index[key]];
        let rest = a[key.len()..].trim_start();
        let rest = rest.strip_prefix("大字").unwrap_or(rest);
        let folded = fold(rest);
        let chome = with_kanji_chome(&folded);
        let found = towns.iter().find(|t| {
            folded.starts_with(&t.key) || chome.as_deref().is_some_and(|c| c.starts_with(&t.key))
        })?;
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
            _ => c,
        })
        .filter(|c| *c != '字')
        .collect()
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

    #[test]
    fn unknown_places_find_nothing() {
        assert_eq!(
            TownTable::aichi().locate("札幌市中央区南９条西１０丁目"),
            None
        );
        assert_eq!(TownTable::aichi().locate("豊明市"), None);
    }
}
