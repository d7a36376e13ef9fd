//! Bulk registration of people from a municipality's CSV export (UTF-8 or Shift_JIS),
//! with consent columns. Every row is checked; any error → nothing is registered, and
//! each problem is reported as `file:N: 列: 理由` (N = line in the file), the shape the
//! generator's resource import uses.

use chrono::NaiveDate;

use crate::people::{ConsentInput, PersonInput, consent_stmt_for_external, insert_stmt};
use crate::store::{Db, DbError, Stmt};

/// Header names expected (order free).
pub const COLUMNS: &[(&str, &str)] = &[
    ("external_id", "外部ID"),
    ("name", "氏名"),
    ("kana", "フリガナ"),
    ("birth_date", "生年月日"),
    ("address", "住所"),
    ("lat", "緯度"),
    ("lon", "経度"),
    ("care_level", "要介護度"),
    ("contacts", "連絡先"),
    ("consent_date", "同意日"),
    ("consent_method", "同意取得方法"),
    ("consent_scope", "同意範囲"),
];
const REQUIRED: &[&str] = &["外部ID", "氏名", "フリガナ", "生年月日", "住所", "要介護度"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line in the file (the header is line 1).
    pub line: usize,
    pub column: String,
    pub reason: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Line 0 means the whole file, as in the resource import's report.
        write!(f, "{}: {}: {}", self.line, self.column, self.reason)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("CSVに{} 件の問題があります。", .0.len())]
    Rows(Vec<RowError>),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// UTF-8 (with or without BOM), else Shift_JIS (Excel's default in Japan).
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::SHIFT_JIS.decode(bytes).0.into_owned(),
    }
}

fn err(line: usize, column: &str, reason: impl Into<String>) -> RowError {
    RowError {
        line,
        column: column.to_owned(),
        reason: reason.into(),
    }
}

/// Parses and validates; returns the statements to run (people, then their consents).
pub fn plan(
    bytes: &[u8],
    by: i64,
    now: i64,
    today: NaiveDate,
) -> Result<(usize, Vec<Stmt>), Vec<RowError>> {
    let text = decode(bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_owned()).collect(),
        Err(e) => return Err(vec![err(1, "見出し", format!("読めません: {e}"))]),
    };
    let mut errs = Vec::new();
    for r in REQUIRED {
        if !headers.iter().any(|h| h == r) {
            errs.push(err(1, r, "列がありません。"));
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let idx = |label: &str| headers.iter().position(|h| h == label);
    let mut stmts = Vec::new();
    let mut consents = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut count = 0;
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errs.push(err(line, "行", format!("読めません: {e}")));
                continue;
            }
        };
        let get = |label: &str| idx(label).and_then(|j| rec.get(j)).unwrap_or("").to_owned();
        let input = PersonInput {
            external_id: get("外部ID"),
            name: get("氏名"),
            kana: get("フリガナ"),
            birth_date: get("生年月日"),
            address: get("住所"),
            lat: get("緯度"),
            lon: get("経度"),
            care_level: get("要介護度"),
            contacts: get("連絡先"),
        };
        if input.external_id.trim().is_empty() {
            errs.push(err(line, "外部ID", "空です（取り込みには必須です）。"));
        } else if seen.contains(&input.external_id.trim().to_owned()) {
            errs.push(err(
                line,
                "外部ID",
                format!(
                    "「{}」がファイル内で重複しています。",
                    input.external_id.trim()
                ),
            ));
        } else {
            seen.push(input.external_id.trim().to_owned());
        }
        match input.validate(today) {
            Ok(p) => {
                stmts.push(insert_stmt(&p, by, now));
                count += 1;
                let c = ConsentInput {
                    obtained_on: get("同意日"),
                    method: get("同意取得方法"),
                    scope: get("同意範囲"),
                };
                let any = !c.obtained_on.trim().is_empty()
                    || !c.method.trim().is_empty()
                    || !c.scope.trim().is_empty();
                if any {
                    match c.validate(today) {
                        Ok(c) => consents.push(consent_stmt_for_external(
                            &c,
                            input.external_id.trim(),
                            by,
                            now,
                        )),
                        Err(es) => {
                            errs.extend(es.into_iter().map(|e| err(line, e.field, e.reason)))
                        }
                    }
                }
            }
            Err(es) => errs.extend(es.into_iter().map(|e| err(line, e.field, e.reason))),
        }
    }
    if count == 0 && errs.is_empty() {
        errs.push(err(0, "ファイル", "データ行がありません。"));
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    stmts.extend(consents);
    Ok((count, stmts))
}

/// Registers everyone in one transaction, or no one. An external id already in the
/// database is reported as a row error.
pub async fn run(
    db: &dyn Db,
    bytes: &[u8],
    by: i64,
    now: i64,
    today: NaiveDate,
) -> Result<usize, ImportError> {
    let (n, stmts) = plan(bytes, by, now, today).map_err(ImportError::Rows)?;
    match db.batch(stmts).await {
        Ok(_) => Ok(n),
        Err(e) if e.is_constraint() => Err(ImportError::Rows(vec![err(
            0,
            "外部ID",
            format!("既に登録済みの外部IDが含まれています（{e}）。何も登録していません。"),
        )])),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_every_bad_row_and_reads_shift_jis() {
        let csv = "外部ID,氏名,フリガナ,生年月日,住所,要介護度,同意日,同意取得方法,同意範囲\n\
                   A1,豊明 花子,トヨアケ ハナコ,1940-04-01,豊明市沓掛町1,要介護1,2026-04-01,介護認定申請時,ケアチーム内共有\n\
                   A2,,トヨアケ,1940-13-01,豊明市,要介護9,,,\n";
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(csv);
        let today = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let errs = plan(&sjis, 1, 0, today).unwrap_err();
        let lines: Vec<String> = errs.iter().map(ToString::to_string).collect();
        assert!(lines.iter().any(|l| l.starts_with("3: 氏名:")), "{lines:?}");
        assert!(
            lines.iter().any(|l| l.starts_with("3: 生年月日:")),
            "{lines:?}"
        );
        assert!(
            lines.iter().any(|l| l.starts_with("3: 要介護度:")),
            "{lines:?}"
        );
        assert!(!lines.iter().any(|l| l.starts_with("2:")), "{lines:?}");
    }
}
