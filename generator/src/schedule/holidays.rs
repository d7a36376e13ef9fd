//! Japanese public holidays (国民の祝日, 振替休日, 国民の休日), computed from the rules of
//! 国民の祝日に関する法律 as amended up to the 2021 Olympic moves, for 1980–2099.
//!
//! Why computed rather than a crate: the crates on crates.io for this (e.g. holiday_jp
//! 0.1.2) ship a fixed table and are not kept up; the law's rules plus the standard
//! equinox approximation are short and testable. Outside 1980–2099 the equinox formula
//! is not valid and no holiday is reported. Changes to the law after 2021 (none at the
//! time of writing) would need a new rule here.

use std::sync::OnceLock;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

pub const FIRST_YEAR: i32 = 1980;
pub const LAST_YEAR: i32 = 2099;

/// The holiday's name when `date` is a 国民の祝日, 振替休日 or 国民の休日.
pub fn holiday_name(date: NaiveDate) -> Option<&'static str> {
    let all = table();
    all.binary_search_by_key(&date, |(d, _)| *d)
        .ok()
        .map(|i| all[i].1)
}

pub fn is_holiday(date: NaiveDate) -> bool {
    holiday_name(date).is_some()
}

/// Every holiday of `year`, in date order (empty outside 1980–2099).
pub fn holidays_in_year(year: i32) -> Vec<(NaiveDate, &'static str)> {
    table()
        .iter()
        .filter(|(d, _)| d.year() == year)
        .copied()
        .collect()
}

/// Built once: ~2,000 entries, looked up by binary search for every day of every
/// schedule in a build.
fn table() -> &'static [(NaiveDate, &'static str)] {
    static TABLE: OnceLock<Vec<(NaiveDate, &'static str)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (FIRST_YEAR..=LAST_YEAR)
            .flat_map(year_with_substitutes)
            .collect()
    })
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("holiday rules only name real dates")
}

/// The `n`th `weekday` of a month (Happy Monday rules).
fn nth_weekday(y: i32, m: u32, n: u8, weekday: Weekday) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(y, m, weekday, n)
        .expect("the 1st–3rd weekday exists in every month")
}

/// 春分日 / 秋分日 by the standard approximation valid for 1980–2099.
fn equinox_day(y: i32, base: f64) -> u32 {
    let t = f64::from(y - 1980);
    (base + 0.242194 * t - (t / 4.0).floor()).floor() as u32
}

/// The 国民の祝日 proper (article 2 and special laws), without substitutes.
fn statutory(y: i32) -> Vec<(NaiveDate, &'static str)> {
    let mut h = vec![(ymd(y, 1, 1), "元日")];
    h.push(if y >= 2000 {
        (nth_weekday(y, 1, 2, Weekday::Mon), "成人の日")
    } else {
        (ymd(y, 1, 15), "成人の日")
    });
    h.push((ymd(y, 2, 11), "建国記念の日"));
    if y >= 2020 {
        h.push((ymd(y, 2, 23), "天皇誕生日"));
    }
    h.push((ymd(y, 3, equinox_day(y, 20.8431)), "春分の日"));
    h.push((
        ymd(y, 4, 29),
        if y >= 2007 {
            "昭和の日"
        } else if y >= 1989 {
            "みどりの日"
        } else {
            "天皇誕生日"
        },
    ));
    h.push((ymd(y, 5, 3), "憲法記念日"));
    if y >= 2007 {
        h.push((ymd(y, 5, 4), "みどりの日"));
    }
    h.push((ymd(y, 5, 5), "こどもの日"));
    match y {
        2020 => h.push((ymd(y, 7, 23), "海の日")),
        2021 => h.push((ymd(y, 7, 22), "海の日")),
        2003.. => h.push((nth_weekday(y, 7, 3, Weekday::Mon), "海の日")),
        1996.. => h.push((ymd(y, 7, 20), "海の日")),
        _ => {}
    }
    match y {
        2020 => h.push((ymd(y, 8, 10), "山の日")),
        2021 => h.push((ymd(y, 8, 8), "山の日")),
        2016.. => h.push((ymd(y, 8, 11), "山の日")),
        _ => {}
    }
    h.push(if y >= 2003 {
        (nth_weekday(y, 9, 3, Weekday::Mon), "敬老の日")
    } else {
        (ymd(y, 9, 15), "敬老の日")
    });
    h.push((ymd(y, 9, equinox_day(y, 23.2488)), "秋分の日"));
    match y {
        2020 => h.push((ymd(y, 7, 24), "スポーツの日")),
        2021 => h.push((ymd(y, 7, 23), "スポーツの日")),
        2022.. => h.push((nth_weekday(y, 10, 2, Weekday::Mon), "スポーツの日")),
        2000.. => h.push((nth_weekday(y, 10, 2, Weekday::Mon), "体育の日")),
        _ => h.push((ymd(y, 10, 10), "体育の日")),
    }
    h.push((ymd(y, 11, 3), "文化の日"));
    h.push((ymd(y, 11, 23), "勤労感謝の日"));
    if (1989..=2018).contains(&y) {
        h.push((ymd(y, 12, 23), "天皇誕生日"));
    }
    // One-off holidays by special law.
    let special: &[(i32, u32, u32, &str)] = &[
        (1989, 2, 24, "昭和天皇の大喪の礼"),
        (1990, 11, 12, "即位礼正殿の儀"),
        (1993, 6, 9, "皇太子徳仁親王の結婚の儀"),
        (2019, 5, 1, "天皇の即位の日"),
        (2019, 10, 22, "即位礼正殿の儀"),
    ];
    for &(sy, m, d, name) in special {
        if sy == y {
            h.push((ymd(y, m, d), name));
        }
    }
    h.sort();
    h
}

/// Adds 振替休日 (a holiday on Sunday moves the day off to the next non-holiday;
/// before 2007 only to Monday) and 国民の休日 (a weekday between two holidays).
fn year_with_substitutes(y: i32) -> Vec<(NaiveDate, &'static str)> {
    let base = statutory(y);
    let is_base = |d: NaiveDate| base.iter().any(|(b, _)| *b == d);
    let mut out = base.clone();
    for (d, _) in &base {
        if d.weekday() != Weekday::Sun {
            continue;
        }
        let mut next = *d + Duration::days(1);
        if y >= 2007 {
            while is_base(next) {
                next += Duration::days(1);
            }
        } else if is_base(next) {
            continue;
        }
        if next.year() == y {
            out.push((next, "振替休日"));
        }
    }
    // 国民の休日 (from 1986): sandwiched between two 国民の祝日; before 2007 Sundays
    // and 振替休日 did not count.
    if y >= 1986 {
        for (d, _) in &base {
            let mid = *d + Duration::days(1);
            let after = *d + Duration::days(2);
            if is_base(after)
                && !is_base(mid)
                && !out.iter().any(|(o, _)| *o == mid)
                && (y >= 2007 || mid.weekday() != Weekday::Sun)
            {
                out.push((mid, "国民の休日"));
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn year_2026() {
        assert_eq!(holiday_name(d(2026, 1, 1)), Some("元日"));
        assert_eq!(holiday_name(d(2026, 1, 12)), Some("成人の日"));
        assert_eq!(holiday_name(d(2026, 3, 20)), Some("春分の日"));
        assert_eq!(holiday_name(d(2026, 5, 6)), Some("振替休日"));
        assert_eq!(holiday_name(d(2026, 9, 21)), Some("敬老の日"));
        assert_eq!(holiday_name(d(2026, 9, 22)), Some("国民の休日"));
        assert_eq!(holiday_name(d(2026, 9, 23)), Some("秋分の日"));
        assert_eq!(holiday_name(d(2026, 10, 12)), Some("スポーツの日"));
        assert_eq!(holiday_name(d(2026, 11, 23)), Some("勤労感謝の日"));
        assert_eq!(holiday_name(d(2026, 11, 24)), None);
        assert_eq!(holiday_name(d(2026, 12, 23)), None);
        // 2026 has 18 days off: 16 祝日, 1 振替休日, 1 国民の休日 (内閣府 list).
        assert_eq!(holidays_in_year(2026).len(), 18);
    }

    #[test]
    fn special_years() {
        assert_eq!(holiday_name(d(2019, 4, 30)), Some("国民の休日"));
        assert_eq!(holiday_name(d(2019, 5, 1)), Some("天皇の即位の日"));
        assert_eq!(holiday_name(d(2019, 5, 2)), Some("国民の休日"));
        assert_eq!(holiday_name(d(2019, 5, 6)), Some("振替休日"));
        assert_eq!(holiday_name(d(2019, 12, 23)), None);
        assert_eq!(holiday_name(d(2020, 7, 24)), Some("スポーツの日"));
        assert_eq!(holiday_name(d(2021, 8, 9)), Some("振替休日"));
        assert_eq!(holiday_name(d(2015, 9, 22)), Some("国民の休日"));
        assert_eq!(holiday_name(d(2024, 2, 12)), Some("振替休日"));
        assert_eq!(holiday_name(d(1998, 4, 29)), Some("みどりの日"));
        assert_eq!(holiday_name(d(2025, 3, 20)), Some("春分の日"));
        assert_eq!(holiday_name(d(2025, 9, 23)), Some("秋分の日"));
        // 2027: 春分 3/21 is a Sunday → 振替休日 3/22.
        assert_eq!(holiday_name(d(2027, 3, 21)), Some("春分の日"));
        assert_eq!(holiday_name(d(2027, 3, 22)), Some("振替休日"));
        assert_eq!(holiday_name(d(1979, 1, 1)), None);
    }
}
