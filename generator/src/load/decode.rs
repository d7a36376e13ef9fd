//! Decoding a `yaml::Node` tree into typed values, one field at a time, recording every
//! problem (with the field's position and name) instead of stopping at the first.
//!
//! Each problem is phrased `項目「<field>」: <what is wrong>`; `<field>` is the path of
//! keys from the top of the file, with 1-based list positions (`schedule.rules[2].day`),
//! so that a person who counts entries in the file finds the right one.

use std::path::Path;

use chrono::NaiveDate;

use super::suggest::suggest;
use super::yaml::{Key, Node, Pos, Value};
use super::{Diagnostic, Severity};

/// Collects the diagnostics of one file.
pub struct Ctx<'f> {
    /// Relative to the content directory; borrowed, and copied only into a diagnostic.
    pub file: &'f Path,
    pub diags: Vec<Diagnostic>,
    pub today: NaiveDate,
}

impl<'f> Ctx<'f> {
    pub fn new(file: &'f Path, today: NaiveDate) -> Ctx<'f> {
        Ctx {
            file,
            diags: Vec::new(),
            today,
        }
    }

    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn push(
        &mut self,
        pos: Pos,
        severity: Severity,
        message: String,
        suggestion: Option<String>,
    ) {
        self.diags.push(Diagnostic {
            file: self.file.to_owned(),
            line: pos.line,
            col: pos.col,
            severity,
            message,
            suggestion,
        });
    }

    /// An error not tied to one field (syntax, size, encoding).
    pub fn file_error(&mut self, pos: Pos, message: impl Into<String>) {
        self.push(pos, Severity::Error, message.into(), None);
    }

    pub fn error(&mut self, pos: Pos, field: &str, message: impl AsRef<str>) {
        self.push(
            pos,
            Severity::Error,
            labelled(field, message.as_ref()),
            None,
        );
    }

    pub fn warn(&mut self, pos: Pos, field: &str, message: impl AsRef<str>) {
        self.push(
            pos,
            Severity::Warning,
            labelled(field, message.as_ref()),
            None,
        );
    }

    /// An error with a "did you mean" suggestion appended to the message.
    pub fn error_suggest(
        &mut self,
        pos: Pos,
        field: &str,
        message: &str,
        suggestion: Option<String>,
    ) {
        let text = match &suggestion {
            Some(s) => labelled(field, &format!("{message}もしかして「{s}」?")),
            None => labelled(field, message),
        };
        self.push(pos, Severity::Error, text, suggestion);
    }

    /// Views `node` as a mapping with the given known keys, reporting unknown keys (with a
    /// suggestion) and keys written twice. `None` (after reporting) when it is not a mapping.
    pub fn map<'n, 'p>(
        &mut self,
        node: &'n Node,
        field: &'p str,
        known: &[&str],
    ) -> Option<MapView<'n, 'p>> {
        let Value::Map(entries) = &node.value else {
            self.error(
                node.pos,
                field,
                format!(
                    "「名前: 値」の形の項目を書いてください（{}が書かれています）。",
                    node.kind_ja()
                ),
            );
            return None;
        };
        // The first entry of each known key, to name its line when the key is repeated
        // (without scanning the earlier entries for every key).
        let mut on_stack = [None::<usize>; 32];
        let mut on_heap = Vec::new();
        let first_of: &mut [Option<usize>] = if known.len() <= on_stack.len() {
            &mut on_stack[..known.len()]
        } else {
            on_heap.resize(known.len(), None);
            &mut on_heap
        };
        for (i, (key, _)) in entries.iter().enumerate() {
            let k = known.iter().position(|k| *k == key.name);
            // Field paths are built only for a key that is reported.
            let Some(k) = k else {
                let s = suggest(&key.name, known.iter().copied());
                self.error_suggest(
                    key.pos,
                    &join(field, &key.name),
                    "不明な項目です。",
                    s.map(str::to_owned),
                );
                continue;
            };
            match first_of[k] {
                None => first_of[k] = Some(i),
                Some(first) => self.error(
                    key.pos,
                    &join(field, &key.name),
                    format!(
                        "同じ項目が2回書かれています（{}行目にもあります）。",
                        entries[first].0.pos.line
                    ),
                ),
            }
        }
        Some(MapView {
            entries,
            pos: node.pos,
            field,
        })
    }

    /// A required string.
    pub fn req_str(&mut self, m: &MapView<'_, '_>, key: &str) -> Option<String> {
        match m.get(key) {
            Some(n) if n.is_null() => {
                self.error(n.pos, &m.path(key), "値が空です（必須の項目です）。");
                None
            }
            // The field path is only built when there is something to report.
            Some(Node {
                value: Value::Scalar { text, .. },
                ..
            }) => Some(text.trim_end_matches('\n').to_owned()),
            Some(n) => self.string(n, &m.path(key)),
            None => {
                self.error(m.pos, &m.path(key), "必須の項目がありません。");
                None
            }
        }
    }

    /// An optional string; empty or null is absent.
    pub fn opt_str(&mut self, m: &MapView<'_, '_>, key: &str) -> Option<String> {
        let n = m.get(key)?;
        if n.is_null() {
            return None;
        }
        let s = match &n.value {
            Value::Scalar { text, .. } => Some(text.trim_end_matches('\n').to_owned()),
            _ => self.string(n, &m.path(key)),
        };
        s.filter(|s| !s.trim().is_empty())
    }

    pub fn string(&mut self, n: &Node, field: &str) -> Option<String> {
        match &n.value {
            Value::Scalar { text, .. } => Some(text.trim_end_matches('\n').to_owned()),
            _ => {
                self.error(
                    n.pos,
                    field,
                    format!(
                        "文字列を書いてください（{}が書かれています）。",
                        n.kind_ja()
                    ),
                );
                None
            }
        }
    }

    pub fn f64(&mut self, n: &Node, field: &str) -> Option<f64> {
        if let Value::Scalar { text, plain: true } = &n.value
            && let Ok(v) = text.trim().parse::<f64>()
            && v.is_finite()
        {
            return Some(v);
        }
        let shown = scalar_text(n)
            .map(|t| format!("「{t}」は数値ではありません"))
            .unwrap_or_else(|| format!("{}が書かれています", n.kind_ja()));
        self.error(n.pos, field, format!("数値を書いてください（{shown}）。"));
        None
    }

    pub fn int(&mut self, n: &Node, field: &str) -> Option<i64> {
        if let Value::Scalar { text, plain: true } = &n.value
            && let Ok(v) = text.trim().parse::<i64>()
        {
            return Some(v);
        }
        let shown = scalar_text(n)
            .map(|t| format!("「{t}」は整数ではありません"))
            .unwrap_or_else(|| format!("{}が書かれています", n.kind_ja()));
        self.error(n.pos, field, format!("整数を書いてください（{shown}）。"));
        None
    }

    pub fn bool(&mut self, n: &Node, field: &str) -> Option<bool> {
        if let Value::Scalar { text, plain: true } = &n.value {
            match text.as_str() {
                "true" | "True" | "TRUE" => return Some(true),
                "false" | "False" | "FALSE" => return Some(false),
                _ => {}
            }
        }
        let shown = scalar_text(n)
            .map(|t| format!("「{t}」"))
            .unwrap_or_else(|| n.kind_ja().to_owned());
        self.error(
            n.pos,
            field,
            format!("true か false を書いてください（{shown}が書かれています）。"),
        );
        None
    }

    /// `bool` with the field path built only when there is something to report.
    pub fn bool_with(&mut self, n: &Node, field: impl FnOnce() -> String) -> Option<bool> {
        if let Value::Scalar { text, plain: true } = &n.value {
            match text.as_str() {
                "true" | "True" | "TRUE" => return Some(true),
                "false" | "False" | "FALSE" => return Some(false),
                _ => {}
            }
        }
        self.bool(n, &field())
    }

    /// `date` with the field path built only when there is something to report.
    pub fn date_with(&mut self, n: &Node, field: impl FnOnce() -> String) -> Option<NaiveDate> {
        if let Value::Scalar { text, .. } = &n.value
            && let Ok(d) = parse_date(text.trim_end_matches('\n'))
        {
            return Some(d);
        }
        self.date(n, &field())
    }

    /// `YYYY-MM-DD`, a real calendar date.
    pub fn date(&mut self, n: &Node, field: &str) -> Option<NaiveDate> {
        let text = self.string(n, field)?;
        match parse_date(&text) {
            Ok(d) => Some(d),
            Err(msg) => {
                self.error(n.pos, field, msg);
                None
            }
        }
    }

    /// A list; each item is passed with its own field path (`field[i]`, 1-based).
    pub fn seq<'n>(&mut self, n: &'n Node, field: &str) -> Option<Vec<(String, &'n Node)>> {
        self.items(n, field).map(|items| {
            items
                .iter()
                .enumerate()
                .map(|(i, item)| (item_path(field, i), item))
                .collect()
        })
    }

    /// The items of a list (null is an empty list), without their field paths: a caller
    /// builds `item_path(field, i)` only for an item it reports.
    pub fn items<'n>(&mut self, n: &'n Node, field: &str) -> Option<&'n [Node]> {
        match &n.value {
            Value::Seq(items) => Some(items),
            _ if n.is_null() => Some(&[]),
            _ => {
                let example = scalar_text(n)
                    .map(|t| format!("（例: [{t}]）"))
                    .unwrap_or_default();
                self.error(
                    n.pos,
                    field,
                    format!(
                        "リストを書いてください{example}。{}が書かれています。",
                        n.kind_ja()
                    ),
                );
                None
            }
        }
    }

    /// A list of strings.
    pub fn str_list(&mut self, n: &Node, field: &str) -> Vec<(String, Pos)> {
        let Some(items) = self.items(n, field) else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let s = match &item.value {
                Value::Scalar { text, .. } => text.trim_end_matches('\n').to_owned(),
                _ => match self.string(item, &item_path(field, i)) {
                    Some(s) => s,
                    None => continue,
                },
            };
            if !s.trim().is_empty() {
                out.push((s, item.pos));
            }
        }
        out
    }
}

/// `field[i]` with a 1-based position, as a person counts list entries.
pub fn item_path(field: &str, i: usize) -> String {
    format!("{field}[{}]", i + 1)
}

/// A mapping being decoded; `field` is its path (borrowed from the caller).
pub struct MapView<'n, 'p> {
    entries: &'n [(Key, Node)],
    pub pos: Pos,
    field: &'p str,
}

impl<'n> MapView<'n, '_> {
    pub fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(_, v)| v)
    }

    /// Position of the key itself (for messages about a whole entry).
    pub fn key_pos(&self, key: &str) -> Option<Pos> {
        self.entries
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(k, _)| k.pos)
    }

    pub fn path(&self, key: &str) -> String {
        join(self.field, key)
    }
}

/// `項目「field」: message`, or the bare message for the file as a whole (empty field).
fn labelled(field: &str, message: &str) -> String {
    if field.is_empty() {
        format!("ファイル全体: {message}")
    } else {
        format!("項目「{field}」: {message}")
    }
}

fn join(field: &str, key: &str) -> String {
    if field.is_empty() {
        key.to_owned()
    } else {
        format!("{field}.{key}")
    }
}

fn scalar_text(n: &Node) -> Option<&str> {
    match &n.value {
        Value::Scalar { text, .. } if !n.is_null() => Some(text),
        _ => None,
    }
}

/// Parses `YYYY-MM-DD`, telling apart a malformed text from an impossible date.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    let parts: Vec<&str> = t.split('-').collect();
    let shaped = parts.len() == 3
        && parts[0].len() == 4
        && (1..=2).contains(&parts[1].len())
        && (1..=2).contains(&parts[2].len())
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
    if !shaped {
        return Err(format!(
            "日付は 2026-10-01 の形で書いてください（「{t}」）。"
        ));
    }
    let (y, m, d) = (
        parts[0].parse::<i32>().unwrap_or(0),
        parts[1].parse::<u32>().unwrap_or(0),
        parts[2].parse::<u32>().unwrap_or(0),
    );
    NaiveDate::from_ymd_opt(y, m, d)
        .ok_or_else(|| format!("{y}年{m}月{d}日という日付はありません（「{t}」）。"))
}
