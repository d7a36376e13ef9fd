//! Bytes → text. Municipal CSVs come as UTF-8 with or without a BOM, as Shift_JIS (cp932),
//! and sometimes as mojibake: a Shift_JIS file once read as Latin-1 and saved as UTF-8
//! (石川県's AED file). Detection is deliberate and reported; `--encoding` overrides it.

use encoding_rs::{SHIFT_JIS, UTF_8};

/// The encoding a user can force with `--encoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Encoding {
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    #[value(name = "shift_jis", alias = "sjis", alias = "cp932")]
    ShiftJis,
}

/// How the text was obtained, for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detected {
    Utf8Bom,
    Utf8,
    ShiftJis,
    /// UTF-8 holding Shift_JIS bytes read as Latin-1; reversed losslessly.
    RepairedMojibake,
}

impl Detected {
    pub fn ja(self) -> &'static str {
        match self {
            Detected::Utf8Bom => "UTF-8（BOM付き）",
            Detected::Utf8 => "UTF-8",
            Detected::ShiftJis => "Shift_JIS（cp932）",
            Detected::RepairedMojibake => {
                "文字化けした UTF-8（Shift_JIS を Latin-1 として保存したもの）を復元"
            }
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("{0} として読めないバイトがあります（--encoding で文字コードを指定してください）")]
    Invalid(&'static str),
}

pub fn decode(bytes: &[u8], forced: Option<Encoding>) -> Result<(String, Detected), DecodeError> {
    match forced {
        Some(Encoding::Utf8) => {
            let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            let (text, had_errors) = UTF_8.decode_without_bom_handling(body);
            if had_errors {
                return Err(DecodeError::Invalid("UTF-8"));
            }
            Ok((
                text.into_owned(),
                if body.len() < bytes.len() {
                    Detected::Utf8Bom
                } else {
                    Detected::Utf8
                },
            ))
        }
        Some(Encoding::ShiftJis) => {
            let (text, had_errors) = SHIFT_JIS.decode_without_bom_handling(bytes);
            if had_errors {
                return Err(DecodeError::Invalid("Shift_JIS"));
            }
            Ok((text.into_owned(), Detected::ShiftJis))
        }
        None => {
            if let Some(body) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
                return decode(body, Some(Encoding::Utf8)).map(|(t, _)| (t, Detected::Utf8Bom));
            }
            if let Ok(text) = std::str::from_utf8(bytes) {
                if let Some(repaired) = repair_latin1_mojibake(text) {
                    return Ok((repaired, Detected::RepairedMojibake));
                }
                return Ok((text.to_string(), Detected::Utf8));
            }
            decode(bytes, Some(Encoding::ShiftJis))
        }
    }
}

/// Mojibake of this kind has no CJK characters at all and many Latin-1 letters; putting the
/// characters back into bytes and reading them as cp932 must then succeed without errors.
fn repair_latin1_mojibake(text: &str) -> Option<String> {
    let sample: String = text.chars().take(4000).collect();
    let latin1 = sample
        .chars()
        .filter(|c| ('\u{80}'..='\u{FF}').contains(c))
        .count();
    let cjk = sample.chars().filter(|c| *c >= '\u{3000}').count();
    if latin1 < 8 || cjk > 0 {
        return None;
    }
    let mut bytes = Vec::with_capacity(text.len());
    for c in text.chars() {
        let code = c as u32;
        if code > 0xFF {
            return None;
        }
        bytes.push(code as u8);
    }
    let (decoded, had_errors) = SHIFT_JIS.decode_without_bom_handling(&bytes);
    (!had_errors).then(|| decoded.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_bom_plain_and_shift_jis() {
        assert_eq!(
            decode("\u{FEFF}名称".as_bytes(), None).unwrap(),
            ("名称".to_string(), Detected::Utf8Bom)
        );
        assert_eq!(
            decode("名称".as_bytes(), None).unwrap(),
            ("名称".to_string(), Detected::Utf8)
        );
        let (sjis, _, _) = SHIFT_JIS.encode("施設名,緯度");
        assert_eq!(
            decode(&sjis, None).unwrap(),
            ("施設名,緯度".to_string(), Detected::ShiftJis)
        );
    }

    #[test]
    fn forcing_the_wrong_encoding_is_an_error() {
        let (sjis, _, _) = SHIFT_JIS.encode("施設名");
        assert_eq!(
            decode(&sjis, Some(Encoding::Utf8)),
            Err(DecodeError::Invalid("UTF-8"))
        );
    }
}
