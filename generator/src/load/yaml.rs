//! A YAML document as a tree whose every node knows where it starts in the file.
//!
//! Why not serde_yaml: it stops at the first error of a file and keeps no positions for
//! values, so a semantic problem ("unknown category") could not be reported at its line.
//! We read saphyr-parser's events (each with a span) into this small tree and decode
//! the tree by hand (`decode`), collecting every problem of a file.
//!
//! Anchors and aliases are refused outright: content files have no use for them, and
//! refusing them makes "billion laughs" alias bombs impossible (nothing is expanded).
//! Nesting is capped too, so a file of ten thousand `[` cannot exhaust the stack later.

use std::borrow::Cow;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// Deeper nesting than any content file needs; refused to keep decoding bounded.
const MAX_DEPTH: usize = 32;

/// 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl Pos {
    fn of(span: &Span, line_offset: usize) -> Pos {
        Pos {
            line: span.start.line() + line_offset,
            col: span.start.col() + 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text of the scalar and whether it was written plain (unquoted): only plain
    /// scalars can be numbers, booleans or null.
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    /// Keys keep their own positions (for "unknown field" messages).
    Map(Vec<(Key, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
}

impl Node {
    /// `~`, `null` or an empty plain scalar.
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, plain: true } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// Short description of the node's kind, for type errors.
    pub fn kind_ja(&self) -> &'static str {
        match &self.value {
            Value::Scalar { .. } if self.is_null() => "空の値",
            Value::Scalar { .. } => "文字列や数値",
            Value::Seq(_) => "リスト",
            Value::Map(_) => "項目の集まり",
        }
    }
}

/// A syntax problem: where and what (already in Japanese).
#[derive(Debug, Clone)]
pub struct SyntaxError {
    pub pos: Pos,
    pub message: String,
}

/// Parses one YAML document. `line_offset` is added to every line (front matter starts
/// after the `---` line of a Markdown file). An empty document yields `None`.
pub fn parse(src: &str, line_offset: usize) -> Result<Option<Node>, SyntaxError> {
    let mut parser = Parser::new_from_str(src);
    let mut builder = Builder {
        stack: Vec::new(),
        root: None,
        line_offset,
        documents: 0,
    };
    while let Some(item) = parser.next_event() {
        let (event, span) = item.map_err(|e| SyntaxError {
            pos: Pos {
                line: e.marker().line() + line_offset,
                col: e.marker().col() + 1,
            },
            message: translate_scan_error(e.info()),
        })?;
        builder.event(event, &span)?;
    }
    Ok(builder.root)
}

enum Open {
    Seq(Pos, Vec<Node>),
    /// Entries so far and a key waiting for its value.
    Map(Pos, Vec<(Key, Node)>, Option<Key>),
}

struct Builder {
    stack: Vec<Open>,
    root: Option<Node>,
    line_offset: usize,
    documents: usize,
}

impl Builder {
    fn event(&mut self, event: Event<'_>, span: &Span) -> Result<(), SyntaxError> {
        let pos = Pos::of(span, self.line_offset);
        let refuse = |what: &str| SyntaxError {
            pos,
            message: format!(
                "YAMLの{what}は使えません。同じ内容をそのまま書いてください（アンカー「&」とエイリアス「*」は、展開で処理が止まる攻撃を防ぐため受け付けません）。"
            ),
        };
        match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => Ok(()),
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(SyntaxError {
                        pos,
                        message: "1つのファイルには1つの文書だけを書いてください（「---」で区切られた2つ目の文書があります）。".into(),
                    });
                }
                Ok(())
            }
            Event::Alias(_) => Err(refuse("エイリアス（*）")),
            Event::Scalar(text, style, anchor, tag) => {
                if anchor != 0 {
                    return Err(refuse("アンカー（&）"));
                }
                if let Some(tag) = tag {
                    // Core-schema tags like !!str are harmless; custom tags mean nothing here.
                    if !tag.is_yaml_core_schema() {
                        return Err(SyntaxError {
                            pos,
                            message: format!(
                                "YAMLのタグ「{}{}」は使えません。",
                                tag.handle, tag.suffix
                            ),
                        });
                    }
                }
                let plain = style == ScalarStyle::Plain;
                self.push(Node {
                    value: Value::Scalar {
                        text: cow_string(text),
                        plain,
                    },
                    pos,
                })
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if anchor != 0 {
                    return Err(refuse("アンカー（&）"));
                }
                if self.stack.len() >= MAX_DEPTH {
                    return Err(SyntaxError {
                        pos,
                        message: format!("入れ子が深すぎます（{MAX_DEPTH}段まで）。"),
                    });
                }
                self.stack
                    .push(if matches!(event, Event::SequenceStart(..)) {
                        Open::Seq(pos, Vec::new())
                    } else {
                        Open::Map(pos, Vec::new(), None)
                    });
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let node = match self.stack.pop() {
                    Some(Open::Seq(p, items)) => Node {
                        value: Value::Seq(items),
                        pos: p,
                    },
                    Some(Open::Map(p, entries, _)) => Node {
                        value: Value::Map(entries),
                        pos: p,
                    },
                    None => return Ok(()),
                };
                self.push(node)
            }
        }
    }

    fn push(&mut self, node: Node) -> Result<(), SyntaxError> {
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
                Ok(())
            }
            Some(Open::Seq(_, items)) => {
                items.push(node);
                Ok(())
            }
            Some(Open::Map(_, entries, pending)) => match pending.take() {
                Some(key) => {
                    entries.push((key, node));
                    Ok(())
                }
                None => match node.value {
                    Value::Scalar { text, .. } => {
                        *pending = Some(Key {
                            name: text,
                            pos: node.pos,
                        });
                        Ok(())
                    }
                    _ => Err(SyntaxError {
                        pos: node.pos,
                        message: "項目名にはリストや項目の集まりではなく文字列を書いてください。"
                            .into(),
                    }),
                },
            },
        }
    }
}

fn cow_string(c: Cow<'_, str>) -> String {
    c.into_owned()
}

/// saphyr's scanner messages are English; the people who edit content read Japanese.
/// Known messages get a Japanese explanation; the original is kept in parentheses so
/// nothing is lost for an unusual case.
fn translate_scan_error(info: &str) -> String {
    let ja = if info.contains("recursion limit") {
        "入れ子が深すぎます"
    } else if info.contains("illegal placement of ':'") {
        "ここに「:」は書けません。前の行までに「[」や「{」が閉じられていないかもしれません"
    } else if info.contains("mapping values are not allowed") {
        "ここに「:」は書けません。値に「:」を含めるときは全体を \"…\" で囲み、字下げ（インデント）をそろえてください"
    } else if info.contains("did not find expected key")
        || info.contains("did not find expected '-'")
    {
        "字下げ（インデント）がそろっていないか、項目名が見つかりません"
    } else if info.contains("did not find expected ',' or ']'") {
        "「[」で始めたリストが「]」で閉じられていません"
    } else if info.contains("did not find expected ',' or '}'") {
        "「{」で始めた項目が「}」で閉じられていません"
    } else if info.contains("unclosed quote") || info.contains("quoted scalar") {
        "引用符（\" または '）が閉じられていないか、続きの行の字下げがそろっていません"
    } else if info.contains("found unexpected end of stream") || info.contains("unexpected end") {
        "ファイルが途中で終わっています（引用符や括弧が閉じられていません）"
    } else if info.contains("found character that cannot start any token") {
        "この文字から値を始めることはできません（タブ文字や「@」「`」で始まる値は \"…\" で囲んでください）"
    } else if info.contains("tab") {
        "字下げにタブ文字は使えません。半角スペースを使ってください"
    } else if info.contains("duplicate") {
        "同じ項目が2回書かれています"
    } else if info.contains("block mapping") || info.contains("indentation") {
        "字下げ（インデント）がそろっていません"
    } else {
        "YAMLの書き方に誤りがあります"
    };
    format!("YAMLの構文エラー: {ja}（{info}）")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based() {
        let root = parse("a: 1\nb:\n  c: [x, y]\n", 0).unwrap().unwrap();
        let Value::Map(entries) = &root.value else {
            panic!()
        };
        assert_eq!(entries[1].0.name, "b");
        assert_eq!(entries[1].0.pos, Pos { line: 2, col: 1 });
        let Value::Map(inner) = &entries[1].1.value else {
            panic!()
        };
        assert_eq!(inner[0].0.pos, Pos { line: 3, col: 3 });
        let Value::Seq(items) = &inner[0].1.value else {
            panic!()
        };
        assert_eq!(items[1].pos, Pos { line: 3, col: 10 });
    }

    #[test]
    fn aliases_and_anchors_are_refused() {
        let e = parse("a: &x [1, 2]\nb: *x\n", 0).unwrap_err();
        assert_eq!(e.pos.line, 1);
        assert!(e.message.contains("アンカー"), "{}", e.message);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let src = "[".repeat(10_000);
        let e = parse(&src, 0).unwrap_err();
        assert!(e.message.contains("入れ子が深すぎます"), "{}", e.message);
    }

    #[test]
    fn japanese_columns_count_characters() {
        let root = parse("名前: 湯の郷\nタグ: [温泉, 体操]\n", 0)
            .unwrap()
            .unwrap();
        let Value::Map(entries) = &root.value else {
            panic!()
        };
        let Value::Seq(items) = &entries[1].1.value else {
            panic!()
        };
        assert_eq!(items[1].pos, Pos { line: 2, col: 10 });
    }
}
