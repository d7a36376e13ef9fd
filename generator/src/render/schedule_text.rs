//! Dates in Japanese for pages ("2026年10月15日（木）"). The schedule's own wording
//! (毎週火・金 10:00〜11:30, 第2・第4木曜 …) lives with its semantics in `crate::schedule`.

use chrono::{Datelike, NaiveDate};

use crate::schedule::weekday_of;

/// "2026年10月15日（木）".
pub fn date(d: NaiveDate) -> String {
    format!(
        "{}年{}月{}日（{}）",
        d.year(),
        d.month(),
        d.day(),
        weekday_of(d).ja()
    )
}

/// One rule on one line ("第2・第4木曜 13:30〜15:00（健康マージャン）"); kept as a
/// function for callers that map over rules (the search index uses it).
pub fn rule(r: &crate::model::ScheduleRule) -> String {
    r.describe_ja()
}

#[cfg(test)]
mod tests {
    #[test]
    fn full_date_with_weekday() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 10, 15).unwrap();
        assert_eq!(super::date(d), "2026年10月15日（木）");
    }
}
