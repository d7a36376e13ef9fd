//! Home coordinates from an address, offline: the representative point of the address's
//! 町字, from the table the generator ships (`generator/data/towns-aichi.tsv`, derived
//! from Geolonia 住所データ, CC BY 4.0). No request leaves the server, so no map or
//! geocoding service learns where a supported person lives.

use std::sync::OnceLock;

const TSV: &str = include_str!("../../generator/data/towns-aichi.tsv");

#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub lat: f64,
    pub lon: f64,
    /// The 町字 matched, e.g. 「二村台三丁目」.
    pub town: String,
}

struct City {
    /// Names an address may start with: 「西春日井郡豊山町」 and 「豊山町」.
    aliases: Vec<String>,
    /// (key an address may continue with, town name, lat, lon)
    towns: Vec<(String, String, f64, f64)>,
}

fn table() -> &'static [City] {
    static T: OnceLock<Vec<City>> = OnceLock::new();
    T.get_or_init(|| {
        let mut cities: Vec<City> = Vec::new();
        for line in TSV.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            if let Some(name) = line.strip_prefix('@') {
                let mut aliases = vec![name.to_owned()];
                if let Some((_, short)) = name.split_once('郡') {
                    aliases.push(short.to_owned());
                }
                cities.push(City {
                    aliases,
                    towns: Vec::new(),
                });
                continue;
            }
            let mut f = line.split('\t');
            let (Some(town), Some(lat), Some(lon)) = (f.next(), f.next(), f.next()) else {
                continue;
            };
            let (Ok(lat), Ok(lon)) = (lat.parse::<f64>(), lon.parse::<f64>()) else {
                continue;
            };
            let Some(city) = cities.last_mut() else {
                continue;
            };
            for key in keys(town) {
                city.towns.push((key, town.to_owned(), lat, lon));
            }
        }
        for c in &mut cities {
            // Longest key first, so 「新栄町一丁目」 wins over 「新栄町」.
            c.towns
                .sort_by_key(|t| std::cmp::Reverse(t.0.chars().count()));
            c.aliases
                .sort_by_key(|a| std::cmp::Reverse(a.chars().count()));
        }
        cities
    })
}

const KANJI_DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// 「七」→7, 「十二」→12, 「二十」→20 (丁目 numbers).
fn kanji_number(s: &str) -> Option<u32> {
    let digit = |c: char| KANJI_DIGITS.iter().position(|k| *k == c).map(|i| i as u32);
    match s.split_once('十') {
        None => {
            let mut cs = s.chars();
            let n = digit(cs.next()?)?;
            cs.next().is_none().then_some(n)
        }
        Some((tens, ones)) => {
            let t = if tens.is_empty() {
                1
            } else {
                kanji_number(tens)?
            };
            let o = if ones.is_empty() {
                0
            } else {
                kanji_number(ones)?
            };
            Some(t * 10 + o)
        }
    }
}

/// Keys for one 町字: itself without 「大字」, and for 「…N丁目」 also 「…N」 with an Arabic
/// number (matched only when no further digit follows).
fn keys(town: &str) -> Vec<String> {
    let base = normalise(&town.replace("大字", ""));
    let mut out = vec![base.clone()];
    if let Some(stem) = base.strip_suffix("丁目") {
        let num_start = stem
            .char_indices()
            .rev()
            .take_while(|(_, c)| KANJI_DIGITS.contains(c) || *c == '十')
            .last()
            .map(|(i, _)| i);
        if let Some(i) = num_start
            && let Some(n) = kanji_number(&stem[i..])
        {
            out.push(format!("{}{n}#", &stem[..i]));
        }
    }
    out
}

/// Full-width ASCII → ASCII, no spaces, ヶ→ケ, 「愛知県」 dropped.
fn normalise(s: &str) -> String {
    let s: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            'ヶ' | 'ヵ' | 'ｹ' => 'ケ',
            'ー' | '−' | '‐' => '-',
            _ => c,
        })
        .collect();
    s.strip_prefix("愛知県").map(str::to_owned).unwrap_or(s)
}

/// The representative point of the 町字 an address lies in, if the table knows it.
pub fn locate(address: &str) -> Option<Point> {
    let a = normalise(address);
    let a = a.replace("大字", "");
    for city in table() {
        let Some(rest) = city
            .aliases
            .iter()
            .find_map(|al| a.strip_prefix(al.as_str()))
        else {
            continue;
        };
        for (key, town, lat, lon) in &city.towns {
            let hit = match key.strip_suffix('#') {
                // 「二村台3-4」: the number must end where the key ends.
                Some(k) => rest
                    .strip_prefix(k)
                    .is_some_and(|after| !after.starts_with(|c: char| c.is_ascii_digit())),
                None => rest.starts_with(key.as_str()),
            };
            if hit {
                return Some(Point {
                    lat: *lat,
                    lon: *lon,
                    town: town.clone(),
                });
            }
        }
        return None;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_towns_of_toyoake() {
        assert_eq!(locate("豊明市沓掛町勅使1-1").unwrap().town, "沓掛町");
        assert_eq!(
            locate("愛知県豊明市二村台３－４").unwrap().town,
            "二村台三丁目"
        );
        assert_eq!(
            locate("豊明市 二村台七丁目 1番").unwrap().town,
            "二村台七丁目"
        );
        assert_eq!(locate("豊明市新栄町1-2").unwrap().town, "新栄町一丁目");
        assert!(
            locate("豊明市二村台13-1").is_none(),
            "no 十三丁目: no guess"
        );
        assert!(locate("東京都千代田区千代田1-1").is_none());
        let p = locate("豊明市前後町善江5-8").unwrap();
        assert!((p.lat - 35.05).abs() < 0.05 && (p.lon - 137.0).abs() < 0.05);
    }

    #[test]
    fn kanji_numbers() {
        assert_eq!(kanji_number("七"), Some(7));
        assert_eq!(kanji_number("十二"), Some(12));
        assert_eq!(kanji_number("二十"), Some(20));
    }
}
