//! CSV per category in the style of the 自治体標準オープンデータセット: its column names
//! where one exists (全国地方公共団体コード, ID, 名称, 所在地_連結表記, 緯度, 経度 …), UTF-8 with
//! a BOM and CRLF so that Excel opens it as UTF-8, and every cell that a spreadsheet would
//! read as a formula (= + - @ TAB CR at the start) prefixed with `'` (CSV injection).

use crate::model::{Content, Feature, Resource, Tri};

pub const COLUMNS: &[&str] = &[
    "全国地方公共団体コード",
    "ID",
    "地方公共団体名",
    "名称",
    "名称_カナ",
    "カテゴリ",
    "所在地_連結表記",
    "所在地_町字",
    "郵便番号",
    "緯度",
    "経度",
    "位置の精度",
    "電話番号",
    "連絡先メールアドレス",
    "URL",
    "団体名",
    "利用可能日時特記事項",
    "料金",
    "対象者",
    "車椅子",
    "段差なし",
    "多目的トイレ",
    "オストメイト",
    "駐車場",
    "筆談",
    "手話",
    "補助犬同伴",
    "送迎",
    "バリアフリー特記事項",
    "状態",
    "出典",
    "ページURL",
    "備考",
];

/// Prefixes a cell a spreadsheet would evaluate.
pub fn defang(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

fn tri(t: Tri) -> &'static str {
    match t {
        Tri::Yes => "有",
        Tri::No => "無",
        Tri::Unknown => "",
    }
}

/// "2026-11-22" (what `%Y-%m-%d` gives, without parsing a format string for every date;
/// years outside 0..=9999, which chrono writes with a sign, still go through chrono).
fn push_date(out: &mut String, d: chrono::NaiveDate) {
    use chrono::Datelike;
    use std::fmt::Write;
    let ok = if (0..=9999).contains(&d.year()) {
        write!(out, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
    } else {
        write!(out, "{}", d.format("%Y-%m-%d"))
    };
    ok.expect("write to String");
}

/// The schedule as one cell, in `out` (empty): the rules, the dated sessions, the closed
/// days and the note, joined by "。" (an empty part keeps its place, as joining did).
fn schedule_text(out: &mut String, r: &Resource) {
    let mut parts = 0usize;
    let mut next = |out: &mut String| {
        if parts > 0 {
            out.push('。');
        }
        parts += 1;
    };
    for rule in &r.schedule.rules {
        next(out);
        out.push_str(&rule.describe_ja());
    }
    for d in &r.schedule.dates {
        next(out);
        push_date(out, d.date);
    }
    if let Some(c) = r.schedule.closed.describe_ja() {
        next(out);
        out.push_str(&c);
    }
    if let Some(n) = &r.schedule.note {
        next(out);
        out.push_str(n);
    }
}

/// The header line, after a UTF-8 BOM.
pub fn header() -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(&mut out);
    // Writing to a Vec cannot fail; a failure here would be a bug in csv, not bad data.
    w.write_record(COLUMNS).expect("write to Vec");
    w.flush().expect("write to Vec");
    drop(w);
    out
}

/// The rows of many resources, one after another in one buffer: `ends[i]` is where the
/// i-th row (with its CRLF) ends. Rows are made once and shared by every file that lists
/// the resource (all resources, its category, the parent categories).
pub struct Rows {
    pub bytes: Vec<u8>,
    pub ends: Vec<usize>,
}

impl Rows {
    /// The byte range of row `i`.
    pub fn range(&self, i: usize) -> std::ops::Range<usize> {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        start..self.ends[i]
    }
}

/// Scratch strings reused from row to row, for the cells that are made rather than
/// borrowed from the resource.
#[derive(Default)]
struct Scratch {
    categories: String,
    lat: String,
    lon: String,
    schedule: String,
    source: String,
    page: String,
}

/// The rows of `resources`, in order.
pub fn rows(
    content: &Content,
    resources: &[&Resource],
    cat_names: &std::collections::HashMap<&str, &str>,
) -> Rows {
    let mut out = Vec::with_capacity(resources.len() * 512);
    let mut ends = Vec::with_capacity(resources.len());
    let mut scratch = Scratch::default();
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(&mut out);
    for r in resources {
        write_row(&mut w, &mut scratch, content, r, cat_names);
        // Flushed after each row so the row's end is known.
        w.flush().expect("write to Vec");
        ends.push(w.get_ref().len());
    }
    drop(w);
    Rows { bytes: out, ends }
}

/// An optional text cell: empty when absent.
fn text(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or_default()
}

fn write_row(
    w: &mut csv::Writer<&mut Vec<u8>>,
    sc: &mut Scratch,
    content: &Content,
    r: &Resource,
    cat_names: &std::collections::HashMap<&str, &str>,
) {
    use std::fmt::Write;
    let site = &content.site;
    let loc = r.location;
    let address = r.address.as_ref();
    sc.categories.clear();
    for (i, c) in r.categories.iter().enumerate() {
        if i > 0 {
            sc.categories.push('・');
        }
        sc.categories
            .push_str(cat_names.get(c.as_str()).copied().unwrap_or(c));
    }
    sc.lat.clear();
    sc.lon.clear();
    if let Some(l) = loc {
        write!(sc.lat, "{}", l.lat).expect("write to String");
        write!(sc.lon, "{}", l.lon).expect("write to String");
    }
    sc.schedule.clear();
    schedule_text(&mut sc.schedule, r);
    sc.source.clear();
    if let Some(s) = &r.source {
        write!(sc.source, "{} {}", s.dataset, s.id).expect("write to String");
    }
    sc.page.clear();
    write!(sc.page, "{}/resources/{}/", site.base_url, r.id).expect("write to String");
    let precision = match loc {
        Some(l) if l.approximate => "町字の代表点",
        Some(_) => "正確",
        None => "",
    };
    let status = match r.status {
        crate::model::Status::Active => "公開",
        crate::model::Status::Suspended => "休止中",
        crate::model::Status::Closed => "終了",
    };
    let head: [&str; 19] = [
        &site.code,
        &r.id,
        &site.name.ja,
        &r.name,
        text(&r.name_kana),
        &sc.categories,
        address.map(|a| a.text.as_str()).unwrap_or_default(),
        address.map(|a| text(&a.town)).unwrap_or_default(),
        address.map(|a| text(&a.postal_code)).unwrap_or_default(),
        &sc.lat,
        &sc.lon,
        precision,
        text(&r.phone),
        text(&r.email),
        text(&r.url),
        text(&r.organization),
        &sc.schedule,
        text(&r.fees),
        text(&r.audience),
    ];
    let tail: [&str; 5] = [
        text(&r.accessibility.note),
        status,
        &sc.source,
        &sc.page,
        &r.description,
    ];
    let features = Feature::ALL.map(|f| tri(r.accessibility.get(f)));
    for cell in head.iter().chain(&features).chain(&tail) {
        w.write_field(defang(cell).as_bytes())
            .expect("write to Vec");
    }
    w.write_record(None::<&[u8]>).expect("write to Vec");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_defanged() {
        assert_eq!(defang("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defang("+81"), "'+81");
        assert_eq!(defang("- 箇条書き"), "'- 箇条書き");
        assert_eq!(defang("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defang("\tx"), "'\tx");
        assert_eq!(defang("0562-92-1111"), "0562-92-1111");
    }
}
