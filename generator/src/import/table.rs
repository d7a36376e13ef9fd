//! CSV text → a header and numbered rows. Finds the header below metadata lines
//! (高松市's `#LINK`, `#license` …), renames repeated column names (品川区's four
//! 画像URL become 画像URL, 画像URL_2, 画像URL_3, 画像URL_4) and keeps each row's line
//! number in the file for messages.

use unicode_normalization::UnicodeNormalization;

/// One data row; `line` is where it starts in the file (1-based).
#[derive(Debug, Clone)]
pub struct Row {
    pub line: u64,
    pub cells: Vec<String>,
}

impl Row {
    /// The cell, or "" when absent. A lone dash (―, -, －) is how many files write
    /// "nothing" and reads as empty.
    pub fn get(&self, col: Option<usize>) -> &str {
        let c = col
            .and_then(|i| self.cells.get(i))
            .map(String::as_str)
            .unwrap_or("");
        if matches!(c.trim(), "―" | "-" | "－" | "ー" | "—" | "‐") {
            ""
        } else {
            c
        }
    }

    /// Every cell empty, or only a dash (石川県's trailing rows are `,,…,―,,…`).
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| {
            c.trim_matches(|c: char| {
                c.is_whitespace() || matches!(c, '\u{3000}' | '―' | '-' | '－' | 'ー' | '—')
            })
            .is_empty()
        })
    }
}

#[derive(Debug, Clone)]
pub struct Table {
    /// 0 when the file has no header.
    pub header_line: u64,
    pub columns: Vec<String>,
    /// Column names folded for matching (see [`fold_column`]).
    folded: Vec<String>,
    pub rows: Vec<Row>,
}

#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("{line} 行目: CSV として読めません: {reason}")]
    Csv { line: u64, reason: String },
    #[error("見出し行が見つかりません（先頭 {scanned} 行に {expected} を含む行がありません）")]
    NoHeader { scanned: usize, expected: String },
}

/// Column names compare after NFKC, without spaces (「telephone　number」) and without a
/// leading `#` (`#property`), case-insensitively.
pub fn fold_column(s: &str) -> String {
    let n: String = s.nfkc().collect();
    n.trim_start_matches('#')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{FEFF}')
        .collect::<String>()
        .to_lowercase()
}

/// Reads every record of a CSV, whatever its width.
pub fn records(text: &str) -> Result<Vec<Row>, TableError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    // Line numbers are counted from byte offsets: a record's line is where it starts, even
    // when an earlier record held a newline inside quotes.
    let bytes = text.as_bytes();
    let (mut counted_to, mut line) = (0usize, 1u64);
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {
                // The reported offset can sit on the previous record's line terminator (and
                // empty lines are not records): the record starts after them.
                let mut start = record
                    .position()
                    .map(|p| p.byte() as usize)
                    .unwrap_or(counted_to)
                    .min(bytes.len());
                while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
                    start += 1;
                }
                if start > counted_to {
                    line += bytes[counted_to..start]
                        .iter()
                        .filter(|b| **b == b'\n')
                        .count() as u64;
                    counted_to = start;
                }
                out.push(Row {
                    line,
                    cells: record.iter().map(str::to_string).collect(),
                });
            }
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                return Err(TableError::Csv {
                    line,
                    reason: e.to_string(),
                });
            }
        }
    }
    Ok(out)
}

impl Table {
    /// The first record among the first `scan` for which `is_header` holds is the header;
    /// the records above it are metadata and the ones below are data.
    pub fn with_header(
        rows: Vec<Row>,
        scan: usize,
        expected: &str,
        is_header: impl Fn(&[String]) -> bool,
    ) -> Result<Table, TableError> {
        let pos = rows
            .iter()
            .take(scan)
            .position(|r| is_header(&r.cells.iter().map(|c| fold_column(c)).collect::<Vec<_>>()))
            .ok_or_else(|| TableError::NoHeader {
                scanned: scan.min(rows.len()),
                expected: expected.to_string(),
            })?;
        let mut rows = rows;
        let mut data = rows.split_off(pos + 1);
        let header = rows.pop().expect("pos is within rows");
        let mut columns = header.cells;
        if let Some(joined) = data.first().and_then(|sub| join_sub_header(&columns, sub)) {
            columns = joined;
            data.remove(0);
        }
        Ok(Table::new(header.line, dedupe(columns), data))
    }

    /// A table without a header row (医療機関コード一覧).
    pub fn headerless(rows: Vec<Row>, columns: &[&str]) -> Table {
        Table::new(0, columns.iter().map(|c| c.to_string()).collect(), rows)
    }

    fn new(header_line: u64, columns: Vec<String>, rows: Vec<Row>) -> Table {
        let folded = columns.iter().map(|c| fold_column(c)).collect();
        Table {
            header_line,
            columns,
            folded,
            rows,
        }
    }

    /// Index of the first column named like any of `names` (compared folded).
    pub fn col(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|n| {
            let f = fold_column(n);
            self.folded.iter().position(|c| *c == f)
        })
    }

    /// The column's name as the file writes it, for messages.
    pub fn name(&self, col: Option<usize>, fallback: &str) -> String {
        col.and_then(|i| self.columns.get(i))
            .filter(|s| !s.trim().is_empty())
            .cloned()
            .unwrap_or_else(|| fallback.to_string())
    }
}

/// A second header row, as spreadsheets exported to CSV leave it (大分市's 診療所一覧:
/// 「病」「床」「数」 over three cells, then 「一般」「療養」「計」 below them). The row below
/// the header is such a row when its first cell is empty, it has at least two labels, none
/// of them a number, and each run of labelled columns sits under a header that was split
/// (one character per cell) or merged (empty cells). Returns the joined names:
/// 病床数_一般, 病床数_療養, 病床数_計.
fn join_sub_header(header: &[String], sub: &Row) -> Option<Vec<String>> {
    let label = |i: usize| sub.cells.get(i).map(|c| c.trim()).unwrap_or("");
    if !label(0).is_empty() {
        return None;
    }
    let labelled: Vec<usize> = (0..sub.cells.len())
        .filter(|&i| !label(i).is_empty())
        .collect();
    if labelled.len() < 2
        || labelled.iter().any(|&i| {
            crate::import::text::number(label(i)).is_some() || label(i).chars().count() > 12
        })
    {
        return None;
    }
    let mut out = header.to_vec();
    out.resize(out.len().max(sub.cells.len()), String::new());
    let mut start = 0;
    while start < labelled.len() {
        // A run of adjacent labelled columns.
        let mut end = start;
        while end + 1 < labelled.len() && labelled[end + 1] == labelled[end] + 1 {
            end += 1;
        }
        let cols = labelled[start]..=labelled[end];
        let heads: Vec<String> = cols.clone().map(|i| clean_name(&out[i])).collect();
        let split_or_merged = heads.len() >= 2
            && heads
                .iter()
                .skip(1)
                .all(|h| h.is_empty() || h.chars().count() == 1);
        if !split_or_merged {
            return None;
        }
        let group: String = heads.concat();
        for i in cols {
            out[i] = format!("{group}_{}", label(i));
        }
        start = end + 1;
    }
    Some(out)
}

/// A column name without the spaces put between Japanese characters to spread them over a
/// wide cell (「診　療　所　名」 → 「診療所名」); spaces between Latin words stay.
fn clean_name(s: &str) -> String {
    let t = s.trim_start_matches('\u{FEFF}').trim();
    let chars: Vec<char> = t.chars().collect();
    let mut out = String::with_capacity(t.len());
    for (i, &c) in chars.iter().enumerate() {
        if c.is_whitespace() {
            let prev = chars[..i].iter().rev().find(|c| !c.is_whitespace());
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if prev.is_some_and(|p| !p.is_ascii()) && next.is_some_and(|n| !n.is_ascii()) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// Repeated column names get `_2`, `_3` … so every column stays addressable.
fn dedupe(cells: Vec<String>) -> Vec<String> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    cells
        .into_iter()
        .map(|c| {
            let c = clean_name(&c);
            let n = seen.entry(c.clone()).or_insert(0);
            *n += 1;
            if *n == 1 || c.is_empty() {
                c
            } else {
                format!("{c}_{n}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_below_metadata_and_duplicate_names() {
        let text = "#LINK,x\n#license,y\n施設名,画像URL,画像URL\nA,1,2\n,,\n";
        let t = Table::with_header(records(text).unwrap(), 20, "施設名", |c| {
            c.iter().any(|c| c == "施設名")
        })
        .unwrap();
        assert_eq!(t.header_line, 3);
        assert_eq!(t.columns, ["施設名", "画像URL", "画像URL_2"]);
        assert_eq!(t.rows[0].line, 4);
        assert!(t.rows[1].is_blank());
        assert_eq!(t.col(&["画像url_2"]), Some(2));
    }

    #[test]
    fn a_split_two_row_header_is_joined() {
        let text = "\"診　療　所　名\",\"電 話\",\"病\",\"床\",\"数\",\"開設年月日\",\"\"\n\
                    \"\",\"\",\"一般\",\"療養\",\"計\",\"\",\"\"\n\
                    \"A医院\",\"554-4111\",\"19\",\"\",\"19\",\"H12. 1. 1\",\"\"\n";
        let t = Table::with_header(records(text).unwrap(), 20, "診療所名", |c| {
            c.iter().any(|c| c == "診療所名")
        })
        .unwrap();
        assert_eq!(
            t.columns,
            [
                "診療所名",
                "電話",
                "病床数_一般",
                "病床数_療養",
                "病床数_計",
                "開設年月日",
                ""
            ]
        );
        assert_eq!((t.rows.len(), t.rows[0].line), (1, 3));
        // A first data row is never taken for a second header row.
        let plain = "名称,電話番号,種別\nA医院,0562-92-1111,診療所\n";
        let t = Table::with_header(records(plain).unwrap(), 20, "名称", |c| {
            c.iter().any(|c| c == "名称")
        })
        .unwrap();
        assert_eq!(t.rows.len(), 1);
    }

    #[test]
    fn line_numbers_count_physical_lines() {
        let rows = records("h,x\r\na,\"1\n2\"\r\nb,3\r\n").unwrap();
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [1, 2, 4]);
    }

    #[test]
    fn folded_names_ignore_spaces_and_hash() {
        assert_eq!(fold_column("telephone　number"), "telephonenumber");
        assert_eq!(fold_column("#property"), "property");
    }
}
