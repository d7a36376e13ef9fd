//! Cleaning of the values real open data files hold: full-width digits and Latin letters,
//! half-width katakana, hyphen look-alikes, phone numbers with brackets or no area code,
//! URLs without a scheme, coordinates with trailing junk or in the wrong order.
//!
//! Names keep their Japanese punctuation (full-width parentheses, U+3000, circled digits such
//! as ⑳): NFKC would turn 「（⑳棟）」 into "(20棟)", which is not the building's name any more.
//! Addresses, phone numbers and numbers are NFKC-normalised, because there the full-width
//! forms carry no meaning.

use unicode_normalization::UnicodeNormalization;

/// Characters that stand for a hyphen between digits in Japanese addresses and phone numbers.
const HYPHENS: &[char] = &[
    '-', '\u{2010}', '\u{2011}', '\u{2012}', '\u{2013}', '\u{2014}', '\u{2015}', '\u{2212}',
    '\u{FF0D}', '\u{30FC}', '\u{FF70}', '\u{2500}', '\u{FE63}',
];

/// Trims ASCII and ideographic spaces at both ends and turns empty into `None`.
pub fn non_empty(s: &str) -> Option<String> {
    let t = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{FEFF}');
    (!t.is_empty()).then(|| t.to_string())
}

/// A display name: full-width ASCII letters and digits become half-width, half-width
/// katakana become full-width, other characters stay; runs of spaces collapse to one.
pub fn name(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let code = c as u32;
        if (0xFF10..=0xFF19).contains(&code)
            || (0xFF21..=0xFF3A).contains(&code)
            || (0xFF41..=0xFF5A).contains(&code)
        {
            out.push(char::from_u32(code - 0xFEE0).unwrap_or(c));
        } else if (0xFF61..=0xFF9F).contains(&code) {
            // Half-width katakana (and their voicing marks) compose under NFKC.
            out.push(c);
        } else if c == '\u{FF0E}' {
            out.push('.');
        } else {
            out.push(c);
        }
    }
    // Compose half-width katakana only: NFKC on the whole string would also rewrite ①.
    let out = if out.chars().any(|c| ('\u{FF61}'..='\u{FF9F}').contains(&c)) {
        compose_halfwidth_kana(&out)
    } else {
        out
    };
    collapse_spaces(&out)
}

fn compose_halfwidth_kana(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut run = String::new();
    for c in s.chars() {
        if ('\u{FF61}'..='\u{FF9F}').contains(&c) {
            run.push(c);
        } else {
            if !run.is_empty() {
                out.extend(run.nfkc());
                run.clear();
            }
            out.push(c);
        }
    }
    out.extend(run.nfkc());
    out
}

fn collapse_spaces(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut pending: Option<char> = None;
    for c in s.chars() {
        if c == ' ' || c == '\u{3000}' || c == '\t' || c == '\r' || c == '\n' {
            // Keep the kind of space the data used (U+3000 between Japanese words).
            if pending.is_none() {
                pending = Some(if c == '\u{3000}' { c } else { ' ' });
            }
        } else {
            if let Some(p) = pending.take()
                && !out.is_empty()
            {
                out.push(p);
            }
            out.push(c);
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Katakana reading: NFKC (half-width katakana → full-width), spaces collapsed.
pub fn kana(s: &str) -> Option<String> {
    let n: String = s.nfkc().collect();
    collapse_spaces(&n)
}

/// Free text (remarks, notes): trimmed, otherwise as written.
pub fn free(s: &str) -> Option<String> {
    non_empty(s).map(|t| t.replace("\r\n", "\n"))
}

/// NFKC, then every hyphen look-alike that touches a digit becomes '-'.
/// 「豊明市栄町南館３－８７９」 → "豊明市栄町南館3-879".
pub fn address(s: &str) -> Option<String> {
    let n: String = s.nfkc().collect();
    let chars: Vec<char> = n.chars().collect();
    let mut out = String::with_capacity(n.len());
    for (i, &c) in chars.iter().enumerate() {
        if HYPHENS.contains(&c) {
            let prev_digit = i > 0 && chars[i - 1].is_ascii_digit();
            let next_digit = chars.get(i + 1).is_some_and(|d| d.is_ascii_digit());
            // ー (long vowel) is a hyphen only between digits; inside katakana it is a letter.
            let is_long_vowel = c == '\u{30FC}' || c == '\u{FF70}';
            if (prev_digit && next_digit) || (!is_long_vowel && (prev_digit || next_digit)) {
                out.push('-');
                continue;
            }
        }
        out.push(c);
    }
    collapse_spaces(out.trim())
}

/// Why a phone number was not kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneProblem {
    NoAreaCode,
    NotAPhoneNumber,
}

/// A phone number in the "0562-92-1111" form. Accepts full-width digits, U+2010 and other
/// hyphens, "(076)237-8211", spaces; rejects numbers without an area code (「554-4111」).
pub fn phone(s: &str) -> Result<Option<String>, PhoneProblem> {
    let n: String = s.nfkc().collect();
    let n = n.trim();
    if n.is_empty() {
        return Ok(None);
    }
    // Keep the first number when several are listed (「0562-92-1111／0562-92-2222」).
    let first = n
        .split(['/', '、', ',', ' '])
        .find(|p| p.chars().any(|c| c.is_ascii_digit()))
        .unwrap_or(n);
    let mut groups: Vec<String> = Vec::new();
    let mut cur = String::new();
    for c in first.chars() {
        if c.is_ascii_digit() {
            cur.push(c);
        } else if HYPHENS.contains(&c) || c == '(' || c == ')' || c == ' ' {
            if !cur.is_empty() {
                groups.push(std::mem::take(&mut cur));
            }
        } else {
            // Anything else ends the number (内線, 代表 ...).
            break;
        }
    }
    if !cur.is_empty() {
        groups.push(cur);
    }
    let digits: usize = groups.iter().map(String::len).sum();
    if groups.is_empty() || digits < 6 {
        return Err(PhoneProblem::NotAPhoneNumber);
    }
    if !groups[0].starts_with('0') {
        return Err(PhoneProblem::NoAreaCode);
    }
    if !(10..=11).contains(&digits) {
        return Err(PhoneProblem::NotAPhoneNumber);
    }
    if groups.len() == 1 {
        return Ok(Some(groups.remove(0)));
    }
    Ok(Some(groups.join("-")))
}

/// What a URL cell turned out to hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlValue {
    Url(String),
    Email(String),
}

/// A web address: NFKC (「httpｓ://」 → "https://"), a missing scheme gets `https://`,
/// an e-mail address is recognised as such; `None` for junk ("http://", "/^lifecarehome/").
pub fn url(s: &str) -> Option<UrlValue> {
    let n: String = s.nfkc().collect();
    let n = n.trim().trim_end_matches(['　', ' ']);
    if n.is_empty() {
        return None;
    }
    if !n.contains('/') && n.contains('@') {
        let (local, domain) = n.split_once('@')?;
        if !local.is_empty() && domain.contains('.') && !n.contains(' ') {
            return Some(UrlValue::Email(n.to_string()));
        }
        return None;
    }
    let (scheme, rest) = match n.split_once("://") {
        Some((s, r)) if s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https") => {
            (s.to_ascii_lowercase(), r)
        }
        Some(_) => return None,
        None => ("https".to_string(), n),
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_ok = host.contains('.')
        && !host.starts_with('.')
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == ':');
    if !host_ok
        || rest
            .chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>')
    {
        return None;
    }
    Some(UrlValue::Url(format!("{scheme}://{rest}")))
}

/// "4701168" or "470-1168" → "470-1168".
pub fn postal_code(s: &str) -> Option<String> {
    let n: String = s.nfkc().collect();
    let digits: String = n.chars().filter(char::is_ascii_digit).collect();
    (digits.len() == 7).then(|| format!("{}-{}", &digits[..3], &digits[3..]))
}

/// A decimal number: NFKC, surrounding spaces and a trailing comma removed
/// (「"36.920616416202535, "」 in Ishikawa's AED file).
pub fn number(s: &str) -> Option<f64> {
    let n: String = s.nfkc().collect();
    let t = n.trim().trim_end_matches([',', ' ']).trim();
    if t.is_empty() {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A clock time in a 開始時間 / 終了時間 column as "HH:MM": 「8:30」 → "08:30", 「24:00:00」 →
/// "24:00", 「9時30分」 → "09:30", and 石川県's bare 「0」 → "00:00" (the column says it is a
/// time). `None` for anything else, which is then kept as written.
pub fn clock(s: &str) -> Option<String> {
    let n: String = s.nfkc().collect();
    let t = n.trim().replace('時', ":").replace('分', "");
    let t = t.trim_end_matches(':');
    let parts: Vec<&str> = t.split(':').collect();
    if parts.is_empty()
        || parts.len() > 3
        || parts
            .iter()
            .any(|p| p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let h: u32 = parts[0].parse().ok()?;
    let m: u32 = parts.get(1).map_or(Some(0), |m| m.parse().ok())?;
    let sec: u32 = parts.get(2).map_or(Some(0), |x| x.parse().ok())?;
    if m > 59 || sec > 59 || h > 24 || (h == 24 && (m, sec) != (0, 0)) {
        return None;
    }
    Some(format!("{h:02}:{m:02}"))
}

/// A calendar date as open data writes it: western (「2021/12/1」, 「2021年12月1日」,
/// 「2021-12-01」) or Japanese era (「H23. 3. 1」, 「平成 30年02月01日」, 「令和元年5月1日」,
/// 「R6.1.1」), full-width digits allowed. `None` when it is not a real date (「H2812.12」).
pub fn date(s: &str) -> Option<chrono::NaiveDate> {
    let n: String = s.nfkc().collect();
    let t = n.trim();
    // Era names and their Latin initials; the offset turns era year 1 into the western year.
    const ERAS: [(&str, i32); 10] = [
        ("令和", 2018),
        ("平成", 1988),
        ("昭和", 1925),
        ("大正", 1911),
        ("明治", 1867),
        ("R", 2018),
        ("H", 1988),
        ("S", 1925),
        ("T", 1911),
        ("M", 1867),
    ];
    let (offset, rest) = ERAS
        .iter()
        .find_map(|(e, off)| {
            let upper = t.get(..e.len()).map(str::to_ascii_uppercase);
            (upper.as_deref() == Some(*e)).then(|| (Some(*off), &t[e.len()..]))
        })
        .unwrap_or((None, t));
    let rest = rest.trim_start().replacen('元', "1", 1);
    let groups: Vec<&str> = rest
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    // Only separators may sit between the numbers (年 月 日 . / - and spaces).
    if groups.len() != 3
        || rest.chars().any(|c| {
            !c.is_ascii_digit() && !matches!(c, '年' | '月' | '日' | '.' | '/' | '-' | ' ')
        })
    {
        return None;
    }
    let num = |g: &str| g.parse::<u32>().ok();
    let (y, m, d) = (num(groups[0])?, num(groups[1])?, num(groups[2])?);
    let year = match offset {
        // No era lasted 100 years: 「H2812」 is a typo, not the year 4800.
        Some(off) if (1..100).contains(&y) => off + y as i32,
        Some(_) => return None,
        None if (1000..=9999).contains(&y) => y as i32,
        None => return None,
    };
    chrono::NaiveDate::from_ymd_opt(year, m, d)
}

/// A date or a period 「令和6年1月1日～令和11年12月31日」 as ISO text
/// ("2024-01-01～2029-12-31"); `None` when any part is not a date.
pub fn date_text(s: &str) -> Option<String> {
    let parts: Vec<&str> = s.split(['～', '〜', '~']).collect();
    if parts.len() > 2 {
        return None;
    }
    let dates: Option<Vec<String>> = parts
        .iter()
        .map(|p| date(p).map(|d| d.format("%Y-%m-%d").to_string()))
        .collect();
    dates.map(|d| d.join("～"))
}

/// Japan's extent, generously (Okinotorishima to Etorofu, Yonaguni to Minamitorishima).
pub fn in_japan(lat: f64, lon: f64) -> bool {
    (20.0..=46.0).contains(&lat) && (122.0..=154.0).contains(&lon)
}

/// The outcome of checking a latitude/longitude pair from a file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Coord {
    Ok {
        lat: f64,
        lon: f64,
    },
    /// The columns were the wrong way round; the pair is given back in the right order.
    Swapped {
        lat: f64,
        lon: f64,
    },
    /// Both cells empty.
    Missing,
    /// Exactly 0,0 (a geocoder's "not found").
    Zero,
    /// Parsed, but the point is not in Japan (Ireland, Taiwan, a missing decimal point ...).
    OutsideJapan {
        lat: f64,
        lon: f64,
    },
    /// A cell that is not a number.
    Unreadable,
}

pub fn coord(lat: &str, lon: &str) -> Coord {
    let (a, b) = (lat.trim(), lon.trim());
    if a.is_empty() && b.is_empty() {
        return Coord::Missing;
    }
    let (Some(lat), Some(lon)) = (number(a), number(b)) else {
        return Coord::Unreadable;
    };
    check_pair(lat, lon)
}

pub fn check_pair(lat: f64, lon: f64) -> Coord {
    if lat == 0.0 && lon == 0.0 {
        Coord::Zero
    } else if in_japan(lat, lon) {
        Coord::Ok { lat, lon }
    } else if in_japan(lon, lat) {
        Coord::Swapped { lat: lon, lon: lat }
    } else {
        Coord::OutsideJapan { lat, lon }
    }
}

/// An id usable in a URL: lowercase ASCII letters, digits and single hyphens.
pub fn slug(s: &str) -> String {
    let n: String = s.nfkc().collect();
    let mut out = String::with_capacity(n.len());
    for c in n.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// A slug when the source id is ASCII, otherwise a short stable hash of it (Japanese ids).
pub fn id_part(s: &str) -> String {
    let slugged = slug(s);
    let n: String = s.nfkc().collect();
    if !slugged.is_empty() && n.is_ascii() {
        slugged
    } else {
        let u = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, s.as_bytes());
        u.simple().to_string()[..12].to_string()
    }
}

/// Truthy flags as open data writes them: 1, ○, 有, あり, yes, true, ●.
pub fn flag(s: &str) -> Option<bool> {
    let n: String = s.nfkc().collect();
    match n.trim().to_lowercase().as_str() {
        "" => None,
        "1" | "○" | "◯" | "〇" | "●" | "有" | "あり" | "有り" | "yes" | "y" | "true" | "可" => {
            Some(true)
        }
        "0" | "×" | "無" | "なし" | "無し" | "no" | "n" | "false" | "不可" | "-" => {
            Some(false)
        }
        other => other.parse::<f64>().ok().map(|v| v > 0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_japanese_punctuation_but_fold_widths() {
        assert_eq!(
            name("豊明小学校（⑳棟）").as_deref(),
            Some("豊明小学校（⑳棟）")
        );
        assert_eq!(
            name("ＶＡクリニック愛知").as_deref(),
            Some("VAクリニック愛知")
        );
        assert_eq!(name("運転免許ｾﾝﾀｰ").as_deref(), Some("運転免許センター"));
        assert_eq!(
            name("  三ツ池小学校　グラウンド　").as_deref(),
            Some("三ツ池小学校　グラウンド")
        );
    }

    #[test]
    fn addresses_fold_digits_and_hyphens() {
        assert_eq!(
            address("豊明市栄町南館３－８７９").as_deref(),
            Some("豊明市栄町南館3-879")
        );
        assert_eq!(
            address("下通1丁目６‐１３").as_deref(),
            Some("下通1丁目6-13")
        );
        assert_eq!(
            address("札幌市中央区南９条西１０丁目１番５０号").as_deref(),
            Some("札幌市中央区南9条西10丁目1番50号")
        );
        assert_eq!(address("センター１ー２").as_deref(), Some("センター1-2"));
        assert_eq!(address("グループホーム").as_deref(), Some("グループホーム"));
    }

    #[test]
    fn phones() {
        assert_eq!(
            phone("０１１－５８３－５０００"),
            Ok(Some("011-583-5000".into()))
        );
        assert_eq!(phone("052‐398‐6002 "), Ok(Some("052-398-6002".into())));
        assert_eq!(phone("(076)237-8211"), Ok(Some("076-237-8211".into())));
        assert_eq!(phone("554-4111"), Err(PhoneProblem::NoAreaCode));
        assert_eq!(phone(""), Ok(None));
    }

    #[test]
    fn urls() {
        assert_eq!(
            url("www.tenjuen.net"),
            Some(UrlValue::Url("https://www.tenjuen.net".into()))
        );
        assert_eq!(
            url("maitori@hkg.odn.ne.jp"),
            Some(UrlValue::Email("maitori@hkg.odn.ne.jp".into()))
        );
        assert_eq!(url("http://"), None);
        assert_eq!(
            url("httpｓ://example.jp/a"),
            Some(UrlValue::Url("https://example.jp/a".into()))
        );
        assert_eq!(
            url("ｙ－kouwakai.jp"),
            Some(UrlValue::Url("https://y-kouwakai.jp".into()))
        );
        assert_eq!(url("/^lifecarehome/"), None);
    }

    #[test]
    fn coordinates() {
        assert_eq!(coord("0.000000000000000", "0.000000000000000"), Coord::Zero);
        assert!(matches!(
            coord("53.41291", "-8.24389"),
            Coord::OutsideJapan { .. }
        ));
        assert_eq!(
            coord("136.6", "36.5"),
            Coord::Swapped {
                lat: 36.5,
                lon: 136.6
            }
        );
        assert_eq!(
            coord("36.920616416202535, ", "136.7"),
            Coord::Ok {
                lat: 36.920616416202535,
                lon: 136.7
            }
        );
        assert!(matches!(
            coord("36.5", "13674703"),
            Coord::OutsideJapan { .. }
        ));
        assert_eq!(coord("", ""), Coord::Missing);
    }

    #[test]
    fn clock_times() {
        assert_eq!(clock("0").as_deref(), Some("00:00"));
        assert_eq!(clock("24:00:00").as_deref(), Some("24:00"));
        assert_eq!(clock("8:30").as_deref(), Some("08:30"));
        assert_eq!(clock("９時３０分").as_deref(), Some("09:30"));
        assert_eq!(clock("24:30"), None);
        assert_eq!(clock("終日"), None);
        assert_eq!(clock("2442"), None);
    }

    #[test]
    fn era_and_western_dates() {
        let d = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(date("H23. 3. 1"), d(2011, 3, 1));
        assert_eq!(date("H 7.12. 1"), d(1995, 12, 1));
        assert_eq!(date("2021/12/1"), d(2021, 12, 1));
        assert_eq!(date("令和 02年05月01日"), d(2020, 5, 1));
        assert_eq!(date("平成 30年02月01日"), d(2018, 2, 1));
        assert_eq!(date("令和元年5月1日"), d(2019, 5, 1));
        assert_eq!(date("Ｓ６３．４．１"), d(1988, 4, 1));
        assert_eq!(date("H2812.12"), None);
        assert_eq!(date("H23.2.30"), None);
        assert_eq!(date("内科"), None);
        assert_eq!(
            date_text("令和6年1月1日～令和11年12月31日").as_deref(),
            Some("2024-01-01～2029-12-31")
        );
    }

    #[test]
    fn slugs_and_ids() {
        assert_eq!(slug("E2322900001201"), "e2322900001201");
        assert_eq!(id_part("FF0000000216"), "ff0000000216");
        assert_eq!(id_part("避難所1").len(), 12);
        assert_eq!(id_part("避難所1"), id_part("避難所1"));
    }
}
