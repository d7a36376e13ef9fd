//! A fast reader for the plain shape of YAML that generated and imported records use,
//! building the same tree as `yaml::parse` (same text, same positions) without going
//! through saphyr's general scanner, which was half of the loader's CPU time.
//!
//! It reads only what it fully understands: block mappings (keys of `[A-Za-z0-9_-]`,
//! nested by spaces), whole-line comments at column 1, blank lines, literal blocks
//! (`key: |`), flow sequences and mappings on one line, and plain, double-quoted
//! (without escapes) and single-quoted scalars on one line. Anything else — block
//! sequences, anchors, tags, escapes, tabs, control characters, trailing comments,
//! documents markers, and every syntax error — returns `None`, and the file is read by
//! saphyr as before, so its messages do not change. `tests::agrees_with_saphyr` and the
//! corpus comparison check that both readers build identical trees.

use super::yaml::{Key, Node, Pos, Value};

/// Nesting deeper than this is left to saphyr (which enforces the real limit).
const MAX_DEPTH: usize = 16;

/// The tree of `src`, or `None` when `src` is not entirely in the subset.
pub fn parse(src: &str, line_offset: usize) -> Option<Node> {
    // Characters saphyr treats specially wherever they appear (tabs, CR, NUL, the BOM)
    // and other control characters send the file to saphyr.
    if src.bytes().any(|b| (b < 0x20 && b != b'\n') || b == 0x7f) || src.contains('\u{feff}') {
        return None;
    }
    let mut r = Reader {
        s: src.as_bytes(),
        src,
        i: 0,
        line: 1 + line_offset,
        line_start: 0,
        counted: (0, 0),
        depth: 0,
    };
    r.skip_blank_lines()?;
    if r.at_end() || r.indent() != 0 {
        return None;
    }
    let root = r.block_map(0)?;
    r.at_end().then_some(root)
}

struct Reader<'a> {
    s: &'a [u8],
    src: &'a str,
    i: usize,
    line: usize,
    line_start: usize,
    /// A byte offset on the current line and the characters before it: positions are
    /// asked for left to right, so each line is counted once (a long flow list stays
    /// linear).
    counted: (usize, usize),
    depth: usize,
}

impl Reader<'_> {
    fn at_end(&self) -> bool {
        self.i >= self.s.len()
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    /// Line and column (in characters) of byte `at` on the current line.
    fn pos(&mut self, at: usize) -> Pos {
        let (from, before) = if self.counted.0 <= at {
            self.counted
        } else {
            (self.line_start, 0)
        };
        // Characters are counted as bytes that do not continue a UTF-8 sequence.
        let col = before
            + self.s[from..at]
                .iter()
                .filter(|b| (**b as i8) >= -0x40)
                .count();
        self.counted = (at, col);
        Pos {
            line: self.line,
            col: col + 1,
        }
    }

    /// Moves past the `\n` at `self.i` to the start of the next line.
    fn newline(&mut self) {
        self.i += 1;
        self.line += 1;
        self.line_start = self.i;
        self.counted = (self.i, 0);
    }

    /// Spaces at the start of the current line (the reader is at its start).
    fn indent(&self) -> usize {
        self.s[self.i..].iter().take_while(|b| **b == b' ').count()
    }

    /// Skips empty lines and comment lines starting at column 1; `None` for a line of
    /// only spaces or an indented comment, which saphyr weighs differently.
    fn skip_blank_lines(&mut self) -> Option<()> {
        while let Some(b) = self.peek() {
            match b {
                b'\n' => self.newline(),
                b'#' => {
                    while self.peek().is_some_and(|b| b != b'\n') {
                        self.i += 1;
                    }
                    if !self.at_end() {
                        self.newline();
                    }
                }
                b' ' => {
                    let n = self.indent();
                    match self.s.get(self.i + n) {
                        None | Some(b'\n' | b'#') => return None,
                        _ => return Some(()),
                    }
                }
                _ => return Some(()),
            }
        }
        Some(())
    }

    fn spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// A block mapping whose keys stand `indent` spaces in; the reader is at the start of
    /// its first key's line.
    fn block_map(&mut self, indent: usize) -> Option<Node> {
        self.enter()?;
        let map_pos = self.pos(self.i + indent);
        let mut entries = Vec::new();
        loop {
            self.skip_blank_lines()?;
            if self.at_end() {
                break;
            }
            let ind = self.indent();
            if ind < indent {
                break;
            }
            if ind > indent {
                return None;
            }
            self.i += ind;
            let key = self.key()?;
            if self.peek() != Some(b':') {
                return None;
            }
            self.i += 1;
            let value = match self.peek() {
                None | Some(b'\n') => {
                    // A nested mapping must follow, further in; an empty value is saphyr's.
                    if self.at_end() {
                        return None;
                    }
                    self.newline();
                    self.skip_blank_lines()?;
                    let inner = self.indent();
                    if self.at_end() || inner <= indent {
                        return None;
                    }
                    self.block_map(inner)?
                }
                Some(b' ') => {
                    self.spaces();
                    match self.peek() {
                        None | Some(b'\n') => return None,
                        Some(b'|') => self.literal(indent)?,
                        Some(_) => {
                            let v = self.value(false)?;
                            self.spaces();
                            match self.peek() {
                                None => {}
                                Some(b'\n') => self.newline(),
                                Some(_) => return None,
                            }
                            v
                        }
                    }
                }
                Some(_) => return None,
            };
            entries.push((key, value));
        }
        self.depth -= 1;
        Some(Node {
            value: Value::Map(entries),
            pos: map_pos,
        })
    }

    /// A mapping key: `[A-Za-z0-9_][A-Za-z0-9_-]*`.
    fn key(&mut self) -> Option<Key> {
        let start = self.i;
        if !self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return None;
        }
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            self.i += 1;
        }
        // saphyr looks no further than 1024 characters for a key's `:`.
        if self.i - start > 128 {
            return None;
        }
        Some(Key {
            name: self.src[start..self.i].to_owned(),
            pos: self.pos(start),
        })
    }

    /// `key: |` with clip chomping and the indentation of its first line; the reader is
    /// at `|`. Blank lines inside are kept, those at the end dropped (one final `\n`).
    fn literal(&mut self, parent_indent: usize) -> Option<Node> {
        self.i += 1;
        if self.peek() != Some(b'\n') {
            return None;
        }
        self.newline();
        let indent = self.indent();
        if indent <= parent_indent || matches!(self.s.get(self.i + indent), None | Some(b'\n')) {
            return None;
        }
        // saphyr places a literal block where its text starts, not at the `|`.
        let pos = self.pos(self.i + indent);
        let mut text = String::new();
        let mut blank = 0;
        while !self.at_end() {
            if self.peek() == Some(b'\n') {
                blank += 1;
                self.newline();
                continue;
            }
            let n = self.indent();
            if matches!(self.s.get(self.i + n), None | Some(b'\n')) {
                // A line of only spaces: saphyr weighs it against the indentation.
                return None;
            }
            if n < indent {
                break;
            }
            let end = self.s[self.i..]
                .iter()
                .position(|b| *b == b'\n')
                .map(|p| self.i + p)?; // a last line without `\n` is left to saphyr
            for _ in 0..blank {
                text.push('\n');
            }
            blank = 0;
            text.push_str(&self.src[self.i + indent..end]);
            text.push('\n');
            self.i = end;
            self.newline();
        }
        Some(Node {
            value: Value::Scalar { text, plain: false },
            pos,
        })
    }

    /// A value on one line: flow collection or scalar.
    fn value(&mut self, in_flow: bool) -> Option<Node> {
        match self.peek()? {
            b'[' => self.flow_seq(),
            b'{' => self.flow_map(),
            b'"' => self.double_quoted(),
            b'\'' => self.single_quoted(),
            _ => self.plain(in_flow),
        }
    }

    /// A plain scalar on one line, ending at the line's end (or, in a flow collection,
    /// at `,`, `]` or `}`), trailing spaces dropped. `#` and a `:` that could end it are
    /// left to saphyr.
    fn plain(&mut self, in_flow: bool) -> Option<Node> {
        let start = self.i;
        let first = self.peek()?;
        if b"-?:,[]{}#&*!|>'\"%@` \n".contains(&first) {
            return None;
        }
        let mut end = start;
        while let Some(b) = self.peek() {
            match b {
                b'\n' => break,
                // Every flow indicator ends it in a flow collection (then it is ours only
                // when `,`, `]` or `}` follows).
                b',' | b'[' | b']' | b'{' | b'}' if in_flow => break,
                b'#' => return None,
                b':' => {
                    let next = self.s.get(self.i + 1).copied();
                    let ends = match next {
                        None | Some(b' ' | b'\n') => true,
                        Some(b',' | b'[' | b']' | b'{' | b'}') => in_flow,
                        _ => false,
                    };
                    if ends {
                        return None;
                    }
                    self.i += 1;
                    end = self.i;
                }
                b' ' => self.i += 1,
                _ => {
                    self.i += 1;
                    end = self.i;
                }
            }
        }
        Some(Node {
            value: Value::Scalar {
                text: self.src[start..end].to_owned(),
                plain: true,
            },
            pos: self.pos(start),
        })
    }

    fn double_quoted(&mut self) -> Option<Node> {
        let pos = self.pos(self.i);
        self.i += 1;
        let start = self.i;
        loop {
            match self.peek()? {
                b'"' => break,
                b'\\' | b'\n' => return None,
                _ => self.i += 1,
            }
        }
        let text = self.src[start..self.i].to_owned();
        self.i += 1;
        Some(Node {
            value: Value::Scalar { text, plain: false },
            pos,
        })
    }

    fn single_quoted(&mut self) -> Option<Node> {
        let pos = self.pos(self.i);
        self.i += 1;
        let mut text = String::new();
        let mut start = self.i;
        loop {
            match self.peek()? {
                b'\'' if self.s.get(self.i + 1) == Some(&b'\'') => {
                    text.push_str(&self.src[start..=self.i]);
                    self.i += 2;
                    start = self.i;
                }
                b'\'' => break,
                b'\n' => return None,
                _ => self.i += 1,
            }
        }
        text.push_str(&self.src[start..self.i]);
        self.i += 1;
        Some(Node {
            value: Value::Scalar { text, plain: false },
            pos,
        })
    }

    /// `[a, b]` on one line (no trailing comma).
    fn flow_seq(&mut self) -> Option<Node> {
        self.enter()?;
        let pos = self.pos(self.i);
        self.i += 1;
        self.spaces();
        let mut items = Vec::new();
        if self.peek() == Some(b']') {
            self.i += 1;
        } else {
            loop {
                items.push(self.value(true)?);
                self.spaces();
                match self.peek()? {
                    b',' => {
                        self.i += 1;
                        self.spaces();
                        if self.peek() == Some(b']') {
                            return None;
                        }
                    }
                    b']' => {
                        self.i += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        self.depth -= 1;
        Some(Node {
            value: Value::Seq(items),
            pos,
        })
    }

    /// `{ k: v, … }` on one line (no trailing comma).
    fn flow_map(&mut self) -> Option<Node> {
        self.enter()?;
        let pos = self.pos(self.i);
        self.i += 1;
        self.spaces();
        let mut entries = Vec::new();
        if self.peek() == Some(b'}') {
            self.i += 1;
        } else {
            loop {
                let key = self.key()?;
                if self.peek() != Some(b':') || self.s.get(self.i + 1) != Some(&b' ') {
                    return None;
                }
                self.i += 1;
                self.spaces();
                entries.push((key, self.value(true)?));
                self.spaces();
                match self.peek()? {
                    b',' => {
                        self.i += 1;
                        self.spaces();
                        if self.peek() == Some(b'}') {
                            return None;
                        }
                    }
                    b'}' => {
                        self.i += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        self.depth -= 1;
        Some(Node {
            value: Value::Map(entries),
            pos,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::parse;
    use crate::load::yaml::parse_general;

    /// When the subset reader accepts a document, saphyr must build the same tree.
    fn check(src: &str) -> bool {
        match parse(src, 0) {
            Some(tree) => {
                let general = parse_general(src, 0);
                assert_eq!(
                    general.as_ref().ok().and_then(Option::as_ref),
                    Some(&tree),
                    "{src:?}"
                );
                true
            }
            None => false,
        }
    }

    #[test]
    fn generated_and_imported_records_are_read_directly() {
        // The shape of the benchmark corpora and of `tsunagu import` output.
        let corpus = "id: r000001\nname: \"デイサービス阿野第二\"\ncategories: [care]\ntags: []\n\
            address: { postal_code: \"470-1141\", text: \"愛知県豊明市阿野町敷田3-12\", town: 阿野町 }\n\
            location: { lat: 35.03019, lon: 137.01825 }\n\
            schedule: { rules: [ { weekly: [thu], time: \"10:00-11:30\" } ] }\n";
        let imported = "# 取り込んだレコードです。\n# 二行目\nid: gsi-1\nname: 豊明小学校（⑳棟）\n\
            tags: [洪水, 内水氾濫]\ndescription: |\n  一行目です。\n\n  - 対象: 地震\n    続き\n\n\
            address:\n  text: 愛知県豊明市阿野町茶屋浦29\n  town: 阿野町\nurl: https://example.jp/a?b=c\n\
            source:\n  dataset: gsi\n  id: \"E1\"\n  fields: [name, tags]\n  imported: 2026-11-22\n\
            note: 'it''s'\n";
        assert!(check(corpus));
        assert!(check(imported));
    }

    #[test]
    fn a_long_line_is_read_with_its_columns() {
        // Columns are counted once per line, so a file-sized flow list stays cheap.
        let items: Vec<String> = (0..20_000).map(|i| format!("湯{i}")).collect();
        let src = format!("id: x\ntags: [{}]\n", items.join(", "));
        assert!(check(&src));
    }

    #[test]
    fn everything_else_is_left_to_saphyr() {
        for src in [
            "",
            "# only a comment\n",
            "- a\n- b\n",
            "a: &x 1\n",
            "a: *x\n",
            "a: !tag x\n",
            "a: b # comment\n",
            "a: \"x\\ty\"\n",
            "a: \"x\ny\"\n",
            "a:\tb\n",
            "a: b\r\n",
            "a: b\n---\nc: d\n",
            "a:\n",
            "a:\n  - x\n",
            "a: |-\n  x\n",
            "a: |\n  x",
            "a: [b,\n  c]\n",
            "a: x: y\n",
            "a: b\n  c\n",
            " a: b\n",
            "a: [b, ]\n",
            "\"a\": b\n",
            "a: -1\n",
        ] {
            assert!(!check(src), "{src:?} should be left to saphyr");
        }
    }

    /// Random documents from fragments near the subset's edges: every one the subset
    /// reader accepts must read the same with saphyr.
    #[test]
    fn agrees_with_saphyr() {
        const KEYS: &[&str] = &["id", "name", "a-b", "x_1", "9", "k"];
        const VALUES: &[&str] = &[
            "v",
            "値",
            "a b",
            "a  b ",
            "\"q\"",
            "\"a'b #c\"",
            "'s''q'",
            "''",
            "\"\"",
            "[a, b]",
            "[]",
            "[ a , b ]",
            "[a,b]",
            "{ a: 1, b: [x] }",
            "{}",
            "{a: b}",
            "{ a: {} }",
            "[a, [b]]",
            "[a [b]]",
            "[a: b]",
            "[a, ]",
            "{ a: 1, }",
            "10:00",
            "a:b",
            "a: b",
            "http://x/y",
            "a #b",
            "a#b",
            "-1",
            "~",
            "null",
            "a,b",
            "a]b",
            "a}",
            "'a\"",
            "\"a\\\"\"",
            "３５",
            "　全角",
            "a\u{3000}",
            "?x",
            ":x",
            "%x",
            "@x",
            "x'y",
            "[\"a\", 'b']",
            "[a]]",
            "{ a: x y }",
            "[ [ ] ]",
        ];
        const LINES: &[&str] = &[
            "text",
            "",
            "  deeper",
            "- list: x",
            "# hash",
            "a: b",
            "  ",
            "\"q\"",
            "文",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((seed >> 33) % n as u64) as usize
        };
        let mut accepted = 0;
        for _ in 0..10_000 {
            let mut doc = String::new();
            for _ in 0..1 + next(4) {
                match next(8) {
                    0 => doc.push('\n'),
                    1 => doc.push_str("# c\n"),
                    _ => {}
                }
                doc.push_str(KEYS[next(KEYS.len())]);
                match next(6) {
                    0..=2 => {
                        doc.push(':');
                        doc.push_str(&" ".repeat(1 + next(2)));
                        doc.push_str(VALUES[next(VALUES.len())]);
                        doc.push_str(&" ".repeat(next(4) / 3));
                        doc.push('\n');
                    }
                    3 => {
                        let ind = " ".repeat(1 + next(3));
                        doc.push_str(":\n");
                        for _ in 0..1 + next(3) {
                            if next(6) == 0 {
                                doc.push('\n');
                            }
                            doc.push_str(&ind);
                            doc.push_str(KEYS[next(KEYS.len())]);
                            doc.push_str(": ");
                            doc.push_str(VALUES[next(VALUES.len())]);
                            doc.push('\n');
                        }
                    }
                    _ => {
                        let ind = " ".repeat(1 + next(3));
                        doc.push_str(": |\n");
                        for _ in 0..1 + next(4) {
                            let line = LINES[next(LINES.len())];
                            if !line.is_empty() {
                                doc.push_str(&ind);
                            }
                            doc.push_str(line);
                            doc.push('\n');
                        }
                    }
                }
            }
            if next(10) == 0 {
                doc.truncate(doc.trim_end_matches('\n').len());
            }
            if check(&doc) {
                accepted += 1;
            }
        }
        // The generator must exercise the subset, not only its refusals.
        assert!(
            accepted > 2000,
            "only {accepted} documents were in the subset"
        );
    }
}
