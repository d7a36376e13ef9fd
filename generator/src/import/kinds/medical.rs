//! 医療機関コード一覧 compiled from the eight 地方厚生局 lists: no header, five columns
//! (9-digit code, 7-digit code, name, postal code, address without prefecture), no
//! coordinates. Every row is placed at its 町字's representative point (approximate).

use std::collections::HashMap;

use super::{Input, PREFECTURES, Parsed, place, resource_id};
use crate::import::ImportError;
use crate::import::geocode::TownTable;
use crate::import::record::{AddressDraft, Draft};
use crate::import::report::Skip;
use crate::import::table::{self, Table};
use crate::import::text::{self, Coord};

pub const COLUMNS: [&str; 5] = [
    "医療機関コード(9桁)",
    "医療機関コード(7桁)",
    "医療機関名称",
    "郵便番号",
    "住所",
];

/// A first line of nine digits, seven digits, a name, seven digits.
pub fn looks_like(head: &str) -> bool {
    let first = head.lines().next().unwrap_or("");
    let cells: Vec<&str> = first.split(',').collect();
    cells.len() == 5
        && cells[0].len() == 9
        && cells[0].bytes().all(|b| b.is_ascii_digit())
        && cells[1].len() == 7
        && cells[3].bytes().all(|b| b.is_ascii_digit())
}

/// 病院 / 歯科 / 診療所 from the name: the list itself does not say.
pub fn classify(name: &str) -> &'static str {
    if name.contains("病院") && !name.contains("動物病院") {
        "hospital"
    } else if name.contains("歯科") && !name.contains("口腔外科") || name.ends_with("歯科")
    {
        "dental"
    } else {
        "clinic"
    }
}

pub fn parse(input: &Input, towns: &TownTable) -> Result<Parsed, ImportError> {
    let rows = table::records(input.text).map_err(|e| super::header_error(input, e))?;
    let t = Table::headerless(rows, &COLUMNS);
    let mut out = Parsed::default();
    let file = &input.file;
    let mut seen: HashMap<String, u64> = HashMap::new();
    for r in &t.rows {
        out.read += 1;
        let line = r.line;
        if input.city.is_some()
            && !input.wants(&[&address_city(
                &text::address(r.get(Some(4))).unwrap_or_default(),
            )])
        {
            out.other_city += 1;
            continue;
        }
        if r.is_blank() {
            out.skip(file, line, "", "空行です", Skip::Blank);
            continue;
        }
        let code = r.get(Some(0)).trim().to_string();
        if code.len() != 9 || !code.bytes().all(|b| b.is_ascii_digit()) {
            out.skip(
                file,
                line,
                COLUMNS[0],
                format!("「{code}」は9桁の医療機関コードではありません"),
                Skip::MissingId,
            );
            continue;
        }
        if let Some(first) = seen.get(&code) {
            out.skip(
                file,
                line,
                COLUMNS[0],
                format!("医療機関コード {code} は {first} 行目と重複しています"),
                Skip::Duplicate,
            );
            continue;
        }
        seen.insert(code.clone(), line);
        let Some(name) = text::name(r.get(Some(2))) else {
            out.skip(
                file,
                line,
                COLUMNS[2],
                "医療機関名称が空です",
                Skip::MissingName,
            );
            continue;
        };
        // The first two digits are the prefecture code; the list leaves the prefecture out.
        let pref = code[..2]
            .parse::<usize>()
            .ok()
            .and_then(|n| PREFECTURES.get(n.wrapping_sub(1)))
            .copied()
            .unwrap_or("");
        let city_text = text::address(r.get(Some(4))).unwrap_or_default();
        let mut address = (!city_text.is_empty()).then(|| AddressDraft {
            postal_code: text::postal_code(r.get(Some(3))),
            text: format!("{pref}{city_text}"),
            town: None,
        });
        let location = if address.is_some() {
            place(
                &mut out,
                file,
                line,
                COLUMNS[4],
                Coord::Missing,
                address.as_mut(),
                towns,
            )
        } else {
            out.warn(file, line, COLUMNS[4], "住所が空のため、地図には載りません");
            None
        };
        out.drafts.push(Draft {
            line,
            scope: code[..4].to_string(),
            id: resource_id("medical", &code),
            source_id: code.clone(),
            categories: vec![classify(&name).to_string()],
            name,
            address,
            location,
            ..Draft::default()
        });
    }
    Ok(out)
}

/// The 市区町村 part of an address, for `--city`: up to the first 市, 町 or 村 (and the ward
/// of a 政令市).
fn address_city(a: &str) -> String {
    let a = a.split_once('郡').map(|(_, r)| r).unwrap_or(a);
    match a.find(['市', '町', '村']) {
        Some(i) => {
            let end = i + '市'.len_utf8();
            // 政令市: keep the ward too (名古屋市中村区).
            match a[end..].find('区') {
                Some(j) if j <= 9 => a[..end + j + '区'.len_utf8()].to_string(),
                _ => a[..end].to_string(),
            }
        }
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_name() {
        assert_eq!(classify("藤田医科大学病院"), "hospital");
        assert_eq!(classify("いこま内科クリニック"), "clinic");
        assert_eq!(classify("さくら歯科"), "dental");
    }

    #[test]
    fn city_of_address() {
        assert_eq!(address_city("豊明市沓掛町田楽ケ窪1-98"), "豊明市");
        assert_eq!(address_city("西春日井郡豊山町豊場高前80"), "豊山町");
    }
}
