//! What an import tells its user: one line per row that was not imported or was changed on
//! the way in (`file:row: column: reason`, in Japanese), and a summary table.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// Why a row was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Skip {
    /// Every cell empty.
    Blank,
    /// A `#…` line below the header (高松市's `#object_type_xsd`, `#property_context`).
    Metadata,
    MissingName,
    MissingId,
    /// The same source id, or the very same row, appeared earlier in the input.
    Duplicate,
    /// Not in the municipality `--city` asked for (counted, not listed).
    OtherCity,
    /// Outside what the dataset kind imports (a public toilet without an accessible one).
    NotApplicable,
    /// A file with the resource id exists and was not imported from this dataset.
    Conflict,
    /// A value the format needs is unreadable (a date, a category that does not exist).
    Invalid,
}

impl Skip {
    pub fn ja(self) -> &'static str {
        match self {
            Skip::Blank => "空行",
            Skip::Metadata => "メタデータ行",
            Skip::MissingName => "名称なし",
            Skip::MissingId => "IDなし",
            Skip::Duplicate => "重複",
            Skip::OtherCity => "対象外の市区町村",
            Skip::NotApplicable => "取り込み対象外",
            Skip::Conflict => "既存ファイルと衝突",
            Skip::Invalid => "値が不正",
        }
    }
}

/// One message about one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub file: Arc<str>,
    /// Line in a CSV, feature number (1-based) in a GeoJSON file; 0 for the whole file.
    pub row: u64,
    pub column: String,
    pub message: String,
    /// `Some` when the row was not imported; `None` for a warning about a row that was.
    pub skip: Option<Skip>,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.skip.is_some() {
            "取り込みませんでした"
        } else {
            "注意"
        };
        if self.column.is_empty() {
            write!(
                f,
                "{}:{}: {}（{}）",
                self.file, self.row, self.message, what
            )
        } else {
            write!(
                f,
                "{}:{}: {}: {}（{}）",
                self.file, self.row, self.column, self.message, what
            )
        }
    }
}

/// Counts for the table printed at the end.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub read: usize,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Records of the same dataset and scope the input no longer lists (marked closed).
    pub closed: usize,
    pub skipped: BTreeMap<Skip, usize>,
    pub warnings: usize,
}

impl Summary {
    pub fn skipped_total(&self) -> usize {
        self.skipped.values().sum()
    }
}

/// Display width in a terminal: CJK and full-width characters take two columns.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
        .sum()
}

fn line(f: &mut fmt::Formatter<'_>, label: &str, n: usize) -> fmt::Result {
    let pad = 22usize.saturating_sub(width(label));
    write!(f, "  {label}{}{n:>8}", " ".repeat(pad))
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rows = [
            ("読み込んだ行", self.read),
            ("追加", self.added),
            ("更新", self.updated),
            ("変更なし", self.unchanged),
            ("終了扱い（削除）", self.closed),
            ("取り込まず", self.skipped_total()),
        ];
        for (label, n) in rows {
            line(f, label, n)?;
            writeln!(f)?;
        }
        for (k, n) in &self.skipped {
            line(f, &format!("  うち{}", k.ja()), *n)?;
            writeln!(f)?;
        }
        line(f, "注意", self.warnings)
    }
}
