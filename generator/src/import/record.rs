//! One imported row, before it meets the content directory: the fields a dataset can fill,
//! and how each is written as a top-level YAML block in the shape of
//! `content/resources/kutsukake-yunosato-kayoinoba.yaml`.

use chrono::{NaiveDate, NaiveTime};

use crate::model::{Feature, Tri};

/// The YAML fields an import may own (`source.fields`), in the order a new file lists them.
pub const FIELD_ORDER: &[&str] = &[
    "name",
    "name_kana",
    "tags",
    "description",
    "address",
    "location",
    "phone",
    "url",
    "email",
    "organization",
    "schedule",
    "fees",
    "audience",
    "accessibility",
];

#[derive(Debug, Clone, PartialEq)]
pub struct AddressDraft {
    pub postal_code: Option<String>,
    pub text: String,
    pub town: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LocationDraft {
    pub lat: f64,
    pub lon: f64,
    pub approximate: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DatedDraft {
    pub date: NaiveDate,
    pub time: Option<(NaiveTime, NaiveTime)>,
}

/// A row turned into a resource, not yet merged with what `content/` holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Draft {
    /// The file the row came from, as shown in messages.
    pub file: std::sync::Arc<str>,
    /// Line of the row in its file.
    pub line: u64,
    /// The row's id in the dataset (共通ID, 医療機関コード …), see `source.id`.
    pub source_id: String,
    /// Rows of one scope are one whole: a record of the same dataset and scope that a new
    /// edition no longer lists was removed (see `merge`).
    pub scope: String,
    /// The resource id and file stem.
    pub id: String,
    pub name: String,
    pub name_kana: Option<String>,
    pub categories: Vec<String>,
    pub tags: Vec<String>,
    pub description: Option<String>,
    pub address: Option<AddressDraft>,
    pub location: Option<LocationDraft>,
    pub phone: Option<String>,
    pub url: Option<String>,
    pub email: Option<String>,
    pub organization: Option<String>,
    pub schedule_note: Option<String>,
    pub dates: Vec<DatedDraft>,
    pub fees: Option<String>,
    pub audience: Option<String>,
    pub accessibility: Vec<(Feature, Tri)>,
}

/// A YAML scalar, quoted only when YAML needs it.
pub fn scalar(s: &str) -> String {
    if plain_is_safe(s) {
        return s.to_string();
    }
    let out = serde_yaml::to_string(s).unwrap_or_else(|_| format!("{s:?}"));
    out.trim_end_matches('\n').to_string()
}

/// Whether serde_yaml would write `s` as a plain (unquoted) scalar, decided without
/// running its emitter (which costs more than the rest of writing a record: 115,000 records
/// hold about half a million scalars). Only the common case of Japanese text is decided
/// here, conservatively: a `false` hands the string to serde_yaml. A string with a
/// non-ASCII character cannot read as a number, bool, null or date; the rest mirrors
/// libyaml's plain-scalar rules (no leading indicator, no `: ` or ` #`, no line breaks,
/// printable, no leading or trailing space) by allowing only characters that never trigger
/// them. `plain_fast_path_agrees_with_serde_yaml` checks the two agree.
pub fn plain_is_safe(s: &str) -> bool {
    let mut non_ascii = false;
    let Some(first) = s.chars().next() else {
        return false;
    };
    if first == ' ' || first.is_ascii_punctuation() || s.ends_with(' ') {
        return false;
    }
    for c in s.chars() {
        let ok = match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | ' ' | '-' | '(' | ')' | '.' | '/' | '_' => true,
            // libyaml's printable range, less its line breaks (U+2028, U+2029) and the BOM.
            '\u{A0}'..='\u{2027}' | '\u{202A}'..='\u{D7FF}' => {
                non_ascii = true;
                true
            }
            '\u{E000}'..='\u{FFFD}' if c != '\u{FEFF}' => {
                non_ascii = true;
                true
            }
            '\u{10000}'.. => {
                non_ascii = true;
                true
            }
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    non_ascii
}

fn text_block(key: &str, s: &str) -> String {
    if s.contains('\n') && !s.starts_with([' ', '\t']) && !s.lines().any(|l| l.trim_end() != l) {
        let mut out = format!("{key}: |\n");
        for line in s.lines() {
            if line.is_empty() {
                out.push('\n');
            } else {
                out.push_str("  ");
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    } else {
        format!("{key}: {}\n", scalar(s))
    }
}

fn tri(t: Tri) -> &'static str {
    match t {
        Tri::Yes => "yes",
        Tri::No => "no",
        Tri::Unknown => "unknown",
    }
}

fn time(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

impl Draft {
    /// The top-level block for `field` (with its trailing newline), or `None` when the row
    /// has no value for it.
    pub fn block(&self, field: &str) -> Option<String> {
        let opt = |key: &str, v: &Option<String>| v.as_deref().map(|s| text_block(key, s));
        match field {
            "name" => Some(text_block("name", &self.name)),
            "name_kana" => opt("name_kana", &self.name_kana),
            "tags" => (!self.tags.is_empty()).then(|| {
                format!(
                    "tags: [{}]\n",
                    self.tags
                        .iter()
                        .map(|t| flow_item(t))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }),
            "description" => opt("description", &self.description),
            "address" => self.address.as_ref().map(|a| {
                let mut out = "address:\n".to_string();
                if let Some(p) = &a.postal_code {
                    out.push_str(&format!("  postal_code: {}\n", scalar(p)));
                }
                out.push_str(&format!("  text: {}\n", scalar(&a.text)));
                if let Some(t) = &a.town {
                    out.push_str(&format!("  town: {}\n", scalar(t)));
                }
                out
            }),
            "location" => self.location.map(|l| {
                format!(
                    "location:\n  lat: {}\n  lon: {}\n  approximate: {}\n",
                    coord(l.lat),
                    coord(l.lon),
                    l.approximate
                )
            }),
            "phone" => opt("phone", &self.phone),
            "url" => opt("url", &self.url),
            "email" => opt("email", &self.email),
            "organization" => opt("organization", &self.organization),
            "schedule" => {
                if self.schedule_note.is_none() && self.dates.is_empty() {
                    return None;
                }
                let mut out = "schedule:\n".to_string();
                if !self.dates.is_empty() {
                    out.push_str("  dates:\n");
                    for d in &self.dates {
                        out.push_str(&format!("    - date: {}\n", d.date));
                        if let Some((s, e)) = d.time {
                            out.push_str(&format!("      time: \"{}-{}\"\n", time(s), time(e)));
                        }
                    }
                }
                if let Some(n) = &self.schedule_note {
                    out.push_str(&format!("  note: {}\n", scalar(n)));
                }
                Some(out)
            }
            "fees" => opt("fees", &self.fees),
            "audience" => opt("audience", &self.audience),
            "accessibility" => (!self.accessibility.is_empty()).then(|| {
                let mut out = "accessibility:\n".to_string();
                for (f, t) in &self.accessibility {
                    out.push_str(&format!("  {}: {}\n", f.key(), tri(*t)));
                }
                out
            }),
            _ => None,
        }
    }
}

/// A flow-sequence item: quoted when it holds YAML punctuation.
fn flow_item(s: &str) -> String {
    if s.contains([',', '[', ']', '{', '}', ':', '#', '"', '\'']) || s.trim() != s {
        format!("{s:?}")
    } else {
        scalar(s)
    }
}

/// Coordinates with at most 7 decimals (about 1 cm), trailing zeros dropped.
pub fn coord(v: f64) -> String {
    let s = format!("{v:.7}");
    let s = s.trim_end_matches('0');
    s.trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serde_yaml_scalar(s: &str) -> String {
        serde_yaml::to_string(s)
            .unwrap()
            .trim_end_matches('\n')
            .to_string()
    }

    #[test]
    fn plain_fast_path_agrees_with_serde_yaml() {
        // Every string of up to three pieces from an alphabet of the characters that decide
        // plain vs quoted: indicators at the start, `: ` and ` #` inside, spaces at either
        // end, breaks, the BOM, digits that could read as numbers, and Japanese text.
        let pieces = [
            "豊明", "ａ", "𠮷", " ", "　", "-", "- ", ":", ": ", "#", " #", "?", "'", "\"", "!",
            "&", "*", "|", ">", "%", "@", "`", ",", "[", "]", "{", "}", "(", ")", ".", "/", "_",
            "~", "0", "1", "012", "1.5", "e", "true", "null", "a", "\u{2028}", "\u{85}",
            "\u{FEFF}", "\u{A0}", "\t", "\r", "\u{FFFE}", "\u{E000}", "---", "...",
        ];
        let mut checked = 0;
        for a in pieces {
            for b in pieces {
                for c in ["", "豊明", " ", ":", "1", "\u{2029}"] {
                    for s in [
                        format!("{a}{b}{c}"),
                        format!("{c}{a}{b}"),
                        format!("{a}市{b}"),
                    ] {
                        assert_eq!(scalar(&s), serde_yaml_scalar(&s), "{s:?}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 10_000);
        // The fast path is taken for ordinary names and addresses (else it saves nothing).
        for s in [
            "豊明小学校（第２体育館）",
            "愛知県豊明市沓掛町1-2",
            "ｓａｌｏｎ ひまわり",
        ] {
            assert!(plain_is_safe(s), "{s}");
            assert_eq!(scalar(s), serde_yaml_scalar(s));
        }
    }

    #[test]
    fn blocks_parse_back_as_yaml() {
        let d = Draft {
            name: "豊明小学校（⑳棟）".into(),
            tags: vec!["洪水".into(), "a, b".into()],
            description: Some("一行目\n\n- 二行目".into()),
            phone: Some("0562-92-1111".into()),
            location: Some(LocationDraft {
                lat: 35.049311,
                lon: 137.000341,
                approximate: true,
            }),
            ..Draft::default()
        };
        let yaml: String = ["name", "tags", "description", "phone", "location"]
            .iter()
            .filter_map(|f| d.block(f))
            .collect();
        let v: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap();
        assert_eq!(v["name"].as_str(), Some("豊明小学校（⑳棟）"));
        assert_eq!(v["tags"][1].as_str(), Some("a, b"));
        assert_eq!(v["description"].as_str(), Some("一行目\n\n- 二行目\n"));
        assert_eq!(v["phone"].as_str(), Some("0562-92-1111"));
        assert_eq!(v["location"]["lat"].as_f64(), Some(35.049311));
        assert_eq!(v["location"]["approximate"].as_bool(), Some(true));
    }
}
