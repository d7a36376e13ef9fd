//! 厚生労働省 介護サービス情報公表システム オープンデータ (`jigyosho_<code>.csv`, one file per
//! service type, nationwide, UTF-8 with BOM). One record per 事業所番号 and service: the same
//! 事業所番号 offers several services, each listed in its own file.

use std::collections::HashMap;

use super::{Input, Parsed, checked_phone, full_address, place, read_table, resource_id};
use crate::import::ImportError;
use crate::import::geocode::TownTable;
use crate::import::record::{AddressDraft, Draft};
use crate::import::report::Skip;
use crate::import::text::{self, UrlValue};

/// サービスの種類 (folded: NFKC, no parentheses or spaces) → the service code of the file name.
const SERVICES: &[(&str, &str)] = &[
    ("訪問介護", "110"),
    ("訪問入浴介護", "120"),
    ("訪問看護", "130"),
    ("訪問リハビリテーション", "140"),
    ("療養通所介護", "155"),
    ("指定療養通所介護", "155"),
    ("通所介護", "150"),
    ("通所リハビリテーション", "160"),
    ("福祉用具貸与", "170"),
    ("短期入所生活介護", "210"),
    ("短期入所療養介護介護老人保健施設", "220"),
    ("短期入所療養介護療養病床を有する病院等", "230"),
    ("特定施設入居者生活介護有料老人ホーム", "331"),
    ("特定施設入居者生活介護軽費老人ホーム", "332"),
    (
        "特定施設入居者生活介護有料老人ホームサービス付き高齢者向け住宅",
        "334",
    ),
    (
        "特定施設入居者生活介護有料老人ホーム外部サービス利用型",
        "335",
    ),
    (
        "特定施設入居者生活介護軽費老人ホーム外部サービス利用型",
        "336",
    ),
    (
        "特定施設入居者生活介護有料老人ホームサービス付き高齢者向け住宅外部サービス利用型",
        "337",
    ),
    ("認知症対応型共同生活介護", "320"),
    ("地域密着型特定施設入居者生活介護有料老人ホーム", "361"),
    ("地域密着型特定施設入居者生活介護軽費老人ホーム", "362"),
    (
        "地域密着型特定施設入居者生活介護有料老人ホームサービス付き高齢者向け住宅",
        "364",
    ),
    ("特定福祉用具販売", "410"),
    ("居宅介護支援", "430"),
    ("介護老人福祉施設", "510"),
    ("介護老人保健施設", "520"),
    ("介護療養型医療施設", "530"),
    ("地域密着型介護老人福祉施設入所者生活介護", "540"),
    ("介護医療院", "550"),
    ("短期入所療養介護介護医療院", "551"),
    ("夜間対応型訪問介護", "710"),
    ("認知症対応型通所介護", "720"),
    ("小規模多機能型居宅介護", "730"),
    ("定期巡回・随時対応型訪問介護看護", "760"),
    ("看護小規模多機能型居宅介護複合型サービス", "770"),
    ("看護小規模多機能型居宅介護", "770"),
    ("地域密着型通所介護", "780"),
];

fn fold_service(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfkc()
        .filter(|c| !matches!(c, '(' | ')' | ' ' | '\u{3000}'))
        .collect()
}

/// The service code for a サービスの種類 value; unknown services get a stable short code
/// derived from the name, so their ids are still stable.
pub fn service_code(service: &str) -> String {
    let f = fold_service(service);
    SERVICES
        .iter()
        .find(|(n, _)| *n == f)
        .map(|(_, c)| c.to_string())
        .unwrap_or_else(|| format!("s{}", &text::id_part(&f)[..6]))
}

/// The service name without the file's stray parentheses: 「…（外部サービス利用型））)」 is balanced again.
fn service_label(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let n: String = s.nfkc().collect();
    let mut depth = 0i32;
    let mut out = String::new();
    for c in n.trim().chars() {
        match c {
            '(' => {
                depth += 1;
                out.push('（');
            }
            ')' if depth > 0 => {
                depth -= 1;
                out.push('）');
            }
            ')' => {}
            _ => out.push(c),
        }
    }
    for _ in 0..depth {
        out.push('）');
    }
    out
}

pub fn is_header(folded: &[String]) -> bool {
    folded.iter().any(|c| c == "事業所番号") && folded.iter().any(|c| c == "サービスの種類")
}

pub fn parse(input: &Input, towns: &TownTable) -> Result<Parsed, ImportError> {
    let t = read_table(input, "事業所番号・サービスの種類", is_header)?;
    let c = |n: &[&str]| t.col(n);
    let (code_c, pref_c, city_c, name_c, kana_c, svc_c) = (
        c(&["都道府県コード又は市町村コード"]),
        c(&["都道府県名"]),
        c(&["市区町村名"]),
        c(&["事業所名"]),
        c(&["事業所名カナ"]),
        c(&["サービスの種類"]),
    );
    let (addr_c, kata_c, lat_c, lon_c, tel_c) = (
        c(&["住所"]),
        c(&["方書（ビル名等）", "方書"]),
        c(&["緯度"]),
        c(&["経度"]),
        c(&["電話番号"]),
    );
    let (corp_c, no_c, days_c, days_note_c, cap_c, url_c, note_c) = (
        c(&["法人の名称"]),
        c(&["事業所番号"]),
        c(&["利用可能曜日"]),
        c(&["利用可能曜日特記事項"]),
        c(&["定員"]),
        c(&["URL"]),
        c(&["備考"]),
    );
    let mut out = Parsed::default();
    let file = &input.file;
    let mut seen: HashMap<String, u64> = HashMap::new();
    for r in &t.rows {
        out.read += 1;
        let line = r.line;
        if !input.wants(&[r.get(code_c).trim(), r.get(city_c).trim()]) {
            out.other_city += 1;
            continue;
        }
        if r.is_blank() {
            out.skip(file, line, "", "空行です", Skip::Blank);
            continue;
        }
        let no: String = text::address(r.get(no_c)).unwrap_or_default();
        if no.is_empty() {
            out.skip(
                file,
                line,
                t.name(no_c, "事業所番号"),
                "事業所番号が空です",
                Skip::MissingId,
            );
            continue;
        }
        let Some(name) = text::name(r.get(name_c)) else {
            out.skip(
                file,
                line,
                t.name(name_c, "事業所名"),
                "事業所名が空です",
                Skip::MissingName,
            );
            continue;
        };
        let service_raw = r.get(svc_c);
        let svc = service_code(service_raw);
        let code = r.get(code_c).trim().to_string();
        let sid = format!("{code}-{svc}-{no}");
        if let Some(first) = seen.get(&sid) {
            out.skip(
                file,
                line,
                t.name(no_c, "事業所番号"),
                format!("事業所番号 {no} は {first} 行目と重複しています"),
                Skip::Duplicate,
            );
            continue;
        }
        seen.insert(sid.clone(), line);
        let pref = r.get(pref_c).trim();
        let city = r.get(city_c).trim();
        let mut address = text::address(r.get(addr_c)).map(|a| {
            let mut text = full_address(&a, pref, city);
            // 方書 is often the facility's name again, sometimes already glued onto 住所.
            if let Some(k) = text::address(r.get(kata_c))
                && k != name
                && !text.ends_with(&k)
            {
                text = format!("{text} {k}");
            }
            AddressDraft {
                postal_code: None,
                text,
                town: None,
            }
        });
        let coord = text::coord(r.get(lat_c), r.get(lon_c));
        let location = place(
            &mut out,
            file,
            line,
            &format!("{}/{}", t.name(lat_c, "緯度"), t.name(lon_c, "経度")),
            coord,
            address.as_mut(),
            towns,
        );
        let (phone, local_phone) = checked_phone(
            &mut out,
            file,
            line,
            &t.name(tel_c, "電話番号"),
            r.get(tel_c),
        );
        let (mut url, mut email) = (None, None);
        let raw_url = r.get(url_c).trim();
        match text::url(raw_url) {
            Some(UrlValue::Url(u)) => url = Some(u),
            Some(UrlValue::Email(e)) => {
                out.warn(
                    file,
                    line,
                    t.name(url_c, "URL"),
                    format!("「{raw_url}」はメールアドレスなので email に入れました"),
                );
                email = Some(e);
            }
            None if !raw_url.is_empty() => {
                out.warn(
                    file,
                    line,
                    t.name(url_c, "URL"),
                    format!("「{raw_url}」は URL として読めないため、空にしました"),
                );
            }
            None => {}
        }
        let label = service_label(service_raw);
        let mut lines = vec![
            format!("- サービスの種類: {label}"),
            format!("- 介護保険事業所番号: {no}"),
        ];
        match r.get(cap_c).trim() {
            // 定員 0 means "not reported", not "no places".
            "" | "0" => {}
            n => lines.push(format!(
                "- 定員: {}人",
                text::address(n).unwrap_or_default()
            )),
        }
        if let Some(n) = text::free(r.get(note_c)) {
            lines.push(format!("- 備考: {n}"));
        }
        lines.extend(local_phone);
        let schedule_note = match (text::free(r.get(days_c)), text::free(r.get(days_note_c))) {
            (Some(d), Some(n)) => Some(format!("利用できる曜日: {}。{n}", d.replace(',', "・"))),
            (Some(d), None) => Some(format!("利用できる曜日: {}", d.replace(',', "・"))),
            (None, n) => n,
        };
        out.drafts.push(Draft {
            line,
            scope: format!("{code}-{svc}"),
            id: resource_id(&format!("kaigo-{svc}"), &no),
            source_id: sid,
            name,
            name_kana: text::kana(r.get(kana_c)),
            categories: vec!["care".to_string()],
            tags: vec![label],
            description: Some(format!(
                "厚生労働省 介護サービス情報公表システムのデータによる情報です。\n\n{}",
                lines.join("\n")
            )),
            address,
            location,
            phone,
            url,
            email,
            organization: text::name(r.get(corp_c)),
            schedule_note,
            ..Draft::default()
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_codes_survive_the_files_parenthesis_quirks() {
        assert_eq!(
            service_code("短期入所療養介護(療養病床を有する病院等）"),
            "230"
        );
        assert_eq!(
            service_code(
                "特定施設入居者生活介護（有料老人ホーム（サービス付き高齢者向け住宅（外部サービス利用型））)"
            ),
            "337"
        );
        assert_eq!(
            service_label(
                "特定施設入居者生活介護（有料老人ホーム（サービス付き高齢者向け住宅（外部サービス利用型））)"
            ),
            "特定施設入居者生活介護（有料老人ホーム（サービス付き高齢者向け住宅（外部サービス利用型）））"
        );
    }
}
