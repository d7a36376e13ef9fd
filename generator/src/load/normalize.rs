//! Shapes of small values (ids, phone numbers, postal codes, URLs, e-mail, colours) and
//! their normal forms. Pure functions: each returns the normalised value or a Japanese
//! explanation of what is wrong.

use std::borrow::Cow;

/// Full-width ASCII (０-９, Ａ-Ｚ, －, ：…) to half-width, and the many dashes people
/// type in Japanese text (‐ ‑ – — ― − ー ｰ －) to `-`. ASCII text (the usual case) is
/// returned as it is, without a copy: nothing in it is mapped.
pub fn half_width(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
            | '\u{2212}' | '\u{30FC}' | '\u{FF70}' => '-',
            _ => c,
        })
        .collect::<String>()
        .into()
}

/// `[a-z0-9][a-z0-9-]*`, at most 80 bytes: safe as a URL path segment and a file name.
pub fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err("id が空です。".into());
    }
    if id.len() > 80 {
        return Err(format!(
            "id は80文字以内にしてください（{}文字あります）。",
            id.len()
        ));
    }
    let ok_chars = id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let ok_start = id
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if !ok_chars || !ok_start {
        return Err(format!(
            "id「{id}」には半角の英小文字・数字・ハイフンだけが使えます（先頭は英小文字か数字）。例: kutsukake-salon"
        ));
    }
    Ok(())
}

/// A Japanese telephone number normalised to `0562-92-1111` form.
///
/// Accepts full-width digits, dash variants, spaces and `0562(92)1111`. Numbers written
/// without any separator are accepted when the grouping is fixed by the prefix (携帯・IP
/// 3-4-4, 0120/0570 4-3-3, 0800 4-3-4); a landline without separators is refused,
/// because where its 市外局番 ends cannot be known without the national table.
pub fn phone(raw: &str) -> Result<String, String> {
    let s = half_width(raw);
    let s = s.trim();
    let bad = || {
        format!(
            "電話番号「{raw}」の形が正しくありません。市外局番から 0562-92-1111 のように書いてください。"
        )
    };
    // Runs of digits between separators, as slices of `s`.
    let mut groups: Vec<&str> = Vec::with_capacity(4);
    let mut run_start = None;
    for (i, c) in s.char_indices() {
        match c {
            '0'..='9' => {
                run_start.get_or_insert(i);
            }
            '-' | ' ' | '(' | ')' => {
                if let Some(from) = run_start.take() {
                    groups.push(&s[from..i]);
                }
            }
            _ => return Err(bad()),
        }
    }
    if let Some(from) = run_start {
        groups.push(&s[from..]);
    }
    let digits: String = groups.concat();
    if !digits.starts_with('0') || digits.starts_with("00") {
        return Err(bad());
    }
    let expected_len = if digits.starts_with("0120") || digits.starts_with("0570") {
        10
    } else if digits.starts_with("0800")
        || ["050", "070", "080", "090", "020", "060"]
            .iter()
            .any(|p| digits.starts_with(p))
    {
        11
    } else {
        10
    };
    if digits.len() != expected_len {
        return Err(format!(
            "電話番号「{raw}」の桁数が正しくありません（{}桁あります。この番号は{expected_len}桁のはずです）。",
            digits.len()
        ));
    }
    if groups.len() == 1 {
        let (a, b) = if digits.starts_with("0120")
            || digits.starts_with("0570")
            || digits.starts_with("0800")
        {
            (4, 7)
        } else if expected_len == 11 {
            (3, 7)
        } else {
            return Err(format!(
                "電話番号「{raw}」は市外局番の区切りがわかるようにハイフンで区切ってください（例: 0562-92-1111）。"
            ));
        };
        return Ok(format!(
            "{}-{}-{}",
            &digits[..a],
            &digits[a..b],
            &digits[b..]
        ));
    }
    if groups.len() != 3 || groups.iter().any(|g| g.len() > 5) {
        return Err(bad());
    }
    Ok(groups.join("-"))
}

/// `470-1101`; accepts `4701101`, full-width digits and a leading 〒.
pub fn postal_code(raw: &str) -> Result<String, String> {
    let s = half_width(raw);
    let s = s.trim().trim_start_matches('〒').trim();
    let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
    let shaped = digits.len() == 7
        && (s.len() == 7 || (s.len() == 8 && s.as_bytes()[3] == b'-'))
        && s.chars().all(|c| c.is_ascii_digit() || c == '-');
    if !shaped {
        return Err(format!(
            "郵便番号「{raw}」は 470-1101 のように7桁で書いてください。"
        ));
    }
    Ok(format!("{}-{}", &digits[..3], &digits[3..]))
}

/// An absolute http(s) URL with a host that has a dot (or is localhost), no spaces.
pub fn url(raw: &str) -> Result<String, String> {
    let s = raw.trim();
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    let ok = rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or("");
        let host_name = host.rsplit_once(':').map_or(host, |(h, port)| {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                h
            } else {
                host
            }
        });
        !host_name.is_empty()
            && (host_name.contains('.') || host_name == "localhost")
            && !host_name.starts_with('.')
            && !host_name.ends_with('.')
            && host_name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
    }) && !s.chars().any(char::is_whitespace);
    if ok {
        Ok(s.to_owned())
    } else {
        Err(format!(
            "URL「{raw}」は https:// で始まる完全なURLで書いてください。"
        ))
    }
}

/// `local@domain.tld`.
pub fn email(raw: &str) -> Result<String, String> {
    let s = half_width(raw).trim().to_owned();
    let ok = s.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && !domain.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !domain.contains("..")
            && s.chars().all(|c| c.is_ascii_graphic())
    });
    if ok {
        Ok(s)
    } else {
        Err(format!(
            "メールアドレス「{raw}」の形が正しくありません（例: info@example.jp）。"
        ))
    }
}

/// True when `s` reads as kana (for 読み): hiragana, katakana, long vowel mark, middle
/// dot, spaces and ASCII/full-width digits.
pub fn is_kana(s: &str) -> bool {
    s.chars().all(|c| {
        matches!(c, '\u{3041}'..='\u{309F}' | '\u{30A0}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' | ' ' | '\u{3000}' | '0'..='9' | '０'..='９')
    })
}

/// "#rrggbb" → (r, g, b).
pub fn hex_color(s: &str) -> Option<(u8, u8, u8)> {
    let h = s.strip_prefix('#')?;
    if h.len() != 6 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let p = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
    Some((p(0)?, p(2)?, p(4)?))
}

/// WCAG 2 contrast ratio of a colour against white.
pub fn contrast_on_white((r, g, b): (u8, u8, u8)) -> f64 {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    1.05 / (l + 0.05)
}

/// Check digit of a 全国地方公共団体コード (JIS X 0402): for the first five digits
/// d1..d5, (11 − (6·d1 + 5·d2 + 4·d3 + 3·d4 + 2·d5) mod 11) mod 10.
pub fn municipal_check_digit(first5: &[u8; 5]) -> u8 {
    let sum: u32 = first5
        .iter()
        .zip([6u32, 5, 4, 3, 2])
        .map(|(d, w)| u32::from(*d) * w)
        .sum();
    ((11 - sum % 11) % 10) as u8
}

/// Validates a 6-digit 団体コード; the message names the expected check digit.
pub fn municipal_code(raw: &str) -> Result<String, String> {
    let s = half_width(raw).trim().to_owned();
    if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "全国地方公共団体コード「{raw}」は6桁の数字で書いてください（例: 豊明市は 232297）。"
        ));
    }
    let d: Vec<u8> = s.bytes().map(|b| b - b'0').collect();
    let check = municipal_check_digit(&[d[0], d[1], d[2], d[3], d[4]]);
    if d[5] != check {
        return Err(format!(
            "全国地方公共団体コード「{s}」の検査数字（6桁目）が正しくありません。最初の5桁が {} なら6桁目は {check} です。",
            &s[..5]
        ));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn municipal_codes() {
        assert_eq!(municipal_code("232297").as_deref(), Ok("232297")); // 豊明市
        assert_eq!(municipal_code("131016").as_deref(), Ok("131016")); // 千代田区
        assert_eq!(municipal_code("011002").as_deref(), Ok("011002")); // 札幌市
        assert_eq!(municipal_code("232343").as_deref(), Ok("232343")); // 北名古屋市
        let e = municipal_code("232296").unwrap_err();
        assert!(e.contains("6桁目は 7 です"), "{e}");
        assert!(municipal_code("23229").is_err());
    }

    #[test]
    fn phones_are_normalised() {
        assert_eq!(phone("0562-92-1111").unwrap(), "0562-92-1111");
        assert_eq!(phone("０５６２－９２－１１１１").unwrap(), "0562-92-1111");
        assert_eq!(phone("0562(92)1111").unwrap(), "0562-92-1111");
        assert_eq!(phone("0562‐92‐1111").unwrap(), "0562-92-1111");
        assert_eq!(phone("09012345678").unwrap(), "090-1234-5678");
        assert_eq!(phone("0120123456").unwrap(), "0120-123-456");
        assert!(phone("0562921111").unwrap_err().contains("ハイフン"));
        assert!(phone("0562-92-111").unwrap_err().contains("桁数"));
        assert!(phone("内線123").is_err());
        assert!(phone("562-92-1111").is_err());
    }

    #[test]
    fn postal_codes_are_normalised() {
        assert_eq!(postal_code("470-1101").unwrap(), "470-1101");
        assert_eq!(postal_code("4701101").unwrap(), "470-1101");
        assert_eq!(postal_code("〒４７０－１１０１").unwrap(), "470-1101");
        assert!(postal_code("470-110").is_err());
        assert!(postal_code("4701-101").is_err());
    }

    #[test]
    fn urls_and_emails() {
        assert!(url("https://www.city.toyoake.lg.jp/").is_ok());
        assert!(url("http://localhost:8080/x").is_ok());
        assert!(url("www.city.toyoake.lg.jp").is_err());
        assert!(url("https://exa mple.jp").is_err());
        assert!(email("kayoinoba@example.jp").is_ok());
        assert!(email("kayoinoba@example").is_err());
        assert!(email("a b@example.jp").is_err());
    }

    #[test]
    fn ids() {
        assert!(check_id("kutsukake-yunosato-kayoinoba").is_ok());
        assert!(check_id("Kutsukake").is_err());
        assert!(check_id("-a").is_err());
        assert!(check_id("a_b").is_err());
        assert!(check_id(&"a".repeat(81)).is_err());
    }

    #[test]
    fn contrast() {
        assert!(contrast_on_white(hex_color("#b3261e").unwrap()) > 4.5);
        assert!(contrast_on_white(hex_color("#ffcc00").unwrap()) < 4.5);
    }
}
