//! Formatting times for Japanese users (JST, UTC+9, no DST).

use chrono::{DateTime, FixedOffset, NaiveDate};

fn jst_offset() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset")
}

/// `2026-11-22 10:15` in JST.
pub fn jst(unix: i64) -> String {
    DateTime::from_timestamp(unix, 0)
        .map(|t| {
            t.with_timezone(&jst_offset())
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// Today's date in JST.
pub fn today_jst(unix: i64) -> NaiveDate {
    DateTime::from_timestamp(unix, 0)
        .map(|t| t.with_timezone(&jst_offset()).date_naive())
        .unwrap_or_default()
}

/// Unix seconds of 00:00 JST on `d`.
pub fn jst_midnight(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp() - 9 * 3600)
        .unwrap_or(0)
}

/// Age in whole years on `today`.
pub fn age(birth: NaiveDate, today: NaiveDate) -> i32 {
    use chrono::Datelike;
    let mut a = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        a -= 1;
    }
    a
}
