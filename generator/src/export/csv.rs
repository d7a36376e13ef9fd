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

fn schedule_text(r: &Resource) -> String {
    let mut parts = r.schedule.describe_rules();
    for d in &r.schedule.dates {
        parts.push(d.date.format("%Y-%m-%d").to_string());
    }
    if let Some(c) = r.schedule.closed.describe_ja() {
        parts.push(c);
    }
    if let Some(n) = &r.schedule.note {
        parts.push(n.clone());
    }
    parts.join("。")
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

/// One resource's row (with its CRLF). Rows are made once and shared by every file that
/// lists the resource (all resources, its category, the parent categories).
pub fn row(
    content: &Content,
    r: &Resource,
    cat_names: &std::collections::HashMap<&str, &str>,
) -> Vec<u8> {
    let site = &content.site;
    let loc = r.location;
    let categories: Vec<&str> = r
        .categories
        .iter()
        .map(|c| cat_names.get(c.as_str()).copied().unwrap_or(c))
        .collect();
    let source = r
        .source
        .as_ref()
        .map(|s| format!("{} {}", s.dataset, s.id))
        .unwrap_or_default();
    let mut row: Vec<String> = vec![
        site.code.clone(),
        r.id.clone(),
        site.name.ja.clone(),
        r.name.clone(),
        r.name_kana.clone().unwrap_or_default(),
        categories.join("・"),
        r.address
            .as_ref()
            .map(|a| a.text.clone())
            .unwrap_or_default(),
        r.address
            .as_ref()
            .and_then(|a| a.town.clone())
            .unwrap_or_default(),
        r.address
            .as_ref()
            .and_then(|a| a.postal_code.clone())
            .unwrap_or_default(),
        loc.map(|l| l.lat.to_string()).unwrap_or_default(),
        loc.map(|l| l.lon.to_string()).unwrap_or_default(),
        loc.map(|l| {
            if l.approximate {
                "町字の代表点"
            } else {
                "正確"
            }
            .to_string()
        })
        .unwrap_or_default(),
        r.phone.clone().unwrap_or_default(),
        r.email.clone().unwrap_or_default(),
        r.url.clone().unwrap_or_default(),
        r.organization.clone().unwrap_or_default(),
        schedule_text(r),
        r.fees.clone().unwrap_or_default(),
        r.audience.clone().unwrap_or_default(),
    ];
    for f in Feature::ALL {
        row.push(tri(r.accessibility.get(f)).to_string());
    }
    row.push(r.accessibility.note.clone().unwrap_or_default());
    row.push(
        match r.status {
            crate::model::Status::Active => "公開",
            crate::model::Status::Suspended => "休止中",
            crate::model::Status::Closed => "終了",
        }
        .to_string(),
    );
    row.push(source);
    row.push(crate::geo::page_url(&site.base_url, &r.id));
    row.push(r.description.clone());
    let mut out = Vec::with_capacity(512);
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(&mut out);
    w.write_record(row.iter().map(|c| defang(c).into_owned()))
        .expect("write to Vec");
    w.flush().expect("write to Vec");
    drop(w);
    out
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
