//! A schedule in Japanese, as residents read it on a pamphlet:
//! 毎週火・金曜 10:00〜11:30, 第2・第4木曜 13:30〜15:00（健康マージャン）, 毎月15日.

use chrono::{Datelike, NaiveDate};

use crate::model::{Recurrence, Schedule, ScheduleRule, Season, TimeRange, Weekday};

pub fn time_range(t: &TimeRange) -> String {
    format!("{}〜{}", t.start.format("%H:%M"), t.end.format("%H:%M"))
}

fn weekday_ja(d: chrono::Weekday) -> &'static str {
    ["月", "火", "水", "木", "金", "土", "日"][d.num_days_from_monday() as usize]
}

/// "2026年10月15日（木）".
pub fn date(d: NaiveDate) -> String {
    format!("{}年{}月{}日（{}）", d.year(), d.month(), d.day(), weekday_ja(d.weekday()))
}

/// "10月15日（木）", for lists of upcoming dates within the year.
pub fn short_date(d: NaiveDate) -> String {
    format!("{}月{}日（{}）", d.month(), d.day(), weekday_ja(d.weekday()))
}

fn days(days: &[Weekday]) -> String {
    days.iter().map(|d| d.ja()).collect::<Vec<_>>().join("・")
}

pub fn recurrence(r: &Recurrence) -> String {
    match r {
        Recurrence::Weekly { days: d } if d.len() == 7 => "毎日".to_string(),
        Recurrence::Weekly { days: d } => format!("毎週{}曜", days(d)),
        Recurrence::MonthlyNth { nth, day } => {
            let ns: Vec<String> = nth
                .iter()
                .map(|&n| if n < 0 { "最終".to_string() } else { format!("第{n}") })
                .collect();
            format!("{}{}曜", ns.join("・"), day.ja())
        }
        Recurrence::MonthlyDate { days: d } => {
            let ds: Vec<String> = d.iter().map(|n| n.to_string()).collect();
            format!("毎月{}日", ds.join("・"))
        }
    }
}

/// One rule on one line: "毎週火・金曜 10:00〜11:30（健康体操）".
pub fn rule(r: &ScheduleRule) -> String {
    let mut s = recurrence(&r.when);
    if let Some(t) = &r.time {
        s.push(' ');
        s.push_str(&time_range(t));
    }
    if let Some(n) = &r.note {
        s.push_str(&format!("（{n}）"));
    }
    s
}

pub fn season(s: &Season) -> String {
    format!("{}月{}日〜{}月{}日", s.from.0, s.from.1, s.to.0, s.to.1)
}

/// Lines saying when the place is closed, e.g. "祝日・振替休日は休み".
pub fn closed(s: &Schedule) -> Vec<String> {
    let mut out = Vec::new();
    if s.closed.holidays {
        out.push("祝日・振替休日は休み".to_string());
    }
    if s.closed.year_end {
        out.push("年末年始（12月29日〜1月3日）は休み".to_string());
    }
    if !s.closed.dates.is_empty() {
        let ds: Vec<String> = s.closed.dates.iter().map(|d| date(*d)).collect();
        out.push(format!("{}は休み", ds.join("、")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;

    fn t(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").unwrap()
    }

    #[test]
    fn rules_read_like_a_pamphlet() {
        let weekly = ScheduleRule {
            when: Recurrence::Weekly { days: vec![Weekday::Tue, Weekday::Fri] },
            time: Some(TimeRange { start: t("10:00"), end: t("11:30") }),
            note: None,
        };
        assert_eq!(rule(&weekly), "毎週火・金曜 10:00〜11:30");
        let nth = ScheduleRule {
            when: Recurrence::MonthlyNth { nth: vec![2, 4], day: Weekday::Thu },
            time: None,
            note: Some("健康マージャン".into()),
        };
        assert_eq!(rule(&nth), "第2・第4木曜（健康マージャン）");
        assert_eq!(recurrence(&Recurrence::MonthlyNth { nth: vec![-1], day: Weekday::Sun }), "最終日曜");
        assert_eq!(recurrence(&Recurrence::MonthlyDate { days: vec![1, 15] }), "毎月1・15日");
        assert_eq!(date(NaiveDate::from_ymd_opt(2026, 10, 15).unwrap()), "2026年10月15日（木）");
    }
}
