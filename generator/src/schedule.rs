//! Schedule semantics: which dates a resource's schedule falls on (祝日 aware), its
//! description in Japanese, and which weekdays it meets on (for search filters).
//!
//! Rules of a schedule:
//! - a day is *closed* when it is a 祝日/振替休日/国民の休日 and `closed.holidays`, or in
//!   12/29–1/3 and `closed.year_end`, or listed in `closed.dates`;
//! - a recurring rule falls on a day when the day is not closed, lies in one of the
//!   `seasons` (or there are none), and matches the rule;
//! - one-off `dates` are always listed: they were written for that very day.

pub mod holidays;

use std::collections::BTreeSet;

use chrono::{Datelike, Duration, NaiveDate, Timelike};
use serde::Serialize;

use crate::model::{Closed, Recurrence, Schedule, ScheduleRule, Season, TimeRange, Weekday};

pub use holidays::{holiday_name, is_holiday};

/// How far ahead `next_dates` looks: a year and a month covers every season and
/// yearly closure once.
const HORIZON_DAYS: i64 = 400;

/// One date a resource meets or is open.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Occurrence {
    pub date: NaiveDate,
    pub time: Option<TimeRange>,
    pub note: Option<String>,
}

impl Occurrence {
    /// "11月24日（火） 10:00〜11:30 健康マージャン"; a session on a holiday reads
    /// "11月23日（月・祝）", as Japanese notices mark it.
    pub fn describe_ja(&self) -> String {
        let holiday = if is_holiday(self.date) { "・祝" } else { "" };
        let mut s = format!(
            "{}月{}日（{}{holiday}）",
            self.date.month(),
            self.date.day(),
            weekday_of(self.date).ja()
        );
        if let Some(t) = &self.time {
            s.push(' ');
            s.push_str(&time_ja(t));
        }
        if let Some(n) = &self.note {
            s.push(' ');
            s.push_str(n);
        }
        s
    }
}

pub fn weekday_of(date: NaiveDate) -> Weekday {
    Weekday::ALL[date.weekday().num_days_from_monday() as usize]
}

/// "10:00〜11:30" (hours without a leading zero, as Japanese notices write them).
/// Written field by field: chrono's `format("%-H:%M")` parses its format string on
/// every call, and this runs for every upcoming date of every resource page.
pub fn time_ja(t: &TimeRange) -> String {
    format!(
        "{}:{:02}〜{}:{:02}",
        t.start.hour(),
        t.start.minute(),
        t.end.hour(),
        t.end.minute()
    )
}

impl Recurrence {
    pub fn matches(&self, date: NaiveDate) -> bool {
        match self {
            Recurrence::Weekly { days } => days.contains(&weekday_of(date)),
            Recurrence::MonthlyNth { nth, day } => {
                if weekday_of(date) != *day {
                    return false;
                }
                let week = ((date.day() - 1) / 7 + 1) as i8;
                let last = date
                    .checked_add_signed(Duration::days(7))
                    .is_none_or(|d| d.month() != date.month());
                nth.iter().any(|n| *n == week || (*n == -1 && last))
            }
            Recurrence::MonthlyDate { days } => days.contains(&(date.day() as u8)),
        }
    }

    /// "毎週火・金", "第2・第4木曜", "最終金曜", "毎月15日".
    pub fn describe_ja(&self) -> String {
        match self {
            Recurrence::Weekly { days } => {
                if days.len() == 7 {
                    "毎日".to_owned()
                } else if days.as_slice() == &Weekday::ALL[..5] {
                    "毎週月〜金".to_owned()
                } else {
                    format!(
                        "毎週{}",
                        days.iter().map(|d| d.ja()).collect::<Vec<_>>().join("・")
                    )
                }
            }
            Recurrence::MonthlyNth { nth, day } => {
                let parts: Vec<String> = nth
                    .iter()
                    .map(|n| {
                        if *n == -1 {
                            "最終".to_owned()
                        } else {
                            format!("第{n}")
                        }
                    })
                    .collect();
                format!("{}{}曜", parts.join("・"), day.ja())
            }
            Recurrence::MonthlyDate { days } => {
                format!(
                    "毎月{}日",
                    days.iter()
                        .map(u8::to_string)
                        .collect::<Vec<_>>()
                        .join("・")
                )
            }
        }
    }

    /// The weekdays this rule can fall on; a day-of-month rule falls on any weekday and
    /// is not counted (a "火曜に開いている" filter should not list 毎月15日).
    pub fn weekdays(&self) -> Vec<Weekday> {
        match self {
            Recurrence::Weekly { days } => days.clone(),
            Recurrence::MonthlyNth { day, .. } => vec![*day],
            Recurrence::MonthlyDate { .. } => Vec::new(),
        }
    }
}

impl ScheduleRule {
    /// "第2・第4木曜 13:30〜15:00（健康マージャン）".
    pub fn describe_ja(&self) -> String {
        let mut s = self.when.describe_ja();
        if let Some(t) = &self.time {
            s.push(' ');
            s.push_str(&time_ja(t));
        }
        if let Some(n) = &self.note {
            s.push_str(&format!("（{n}）"));
        }
        s
    }
}

impl Season {
    pub fn contains(&self, date: NaiveDate) -> bool {
        let md = (date.month(), date.day());
        if self.from <= self.to {
            self.from <= md && md <= self.to
        } else {
            md >= self.from || md <= self.to
        }
    }

    /// "4月1日〜9月30日".
    pub fn describe_ja(&self) -> String {
        format!(
            "{}月{}日〜{}月{}日",
            self.from.0, self.from.1, self.to.0, self.to.1
        )
    }
}

impl Closed {
    pub fn is_closed(&self, date: NaiveDate) -> bool {
        (self.holidays && is_holiday(date))
            || (self.year_end && is_year_end(date))
            || self.dates.binary_search(&date).is_ok()
    }

    /// "祝日・年末年始（12月29日〜1月3日）は休み", or `None` when nothing is closed.
    pub fn describe_ja(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.holidays {
            parts.push("祝日".to_owned());
        }
        if self.year_end {
            parts.push("年末年始（12月29日〜1月3日）".to_owned());
        }
        if !self.dates.is_empty() {
            parts.push(
                self.dates
                    .iter()
                    .map(|d| format!("{}年{}月{}日", d.year(), d.month(), d.day()))
                    .collect::<Vec<_>>()
                    .join("・"),
            );
        }
        (!parts.is_empty()).then(|| format!("{}は休み", parts.join("・")))
    }
}

/// 年末年始 as most municipal facilities observe it: December 29 to January 3.
pub fn is_year_end(date: NaiveDate) -> bool {
    matches!((date.month(), date.day()), (12, 29..=31) | (1, 1..=3))
}

impl Schedule {
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty() && self.dates.is_empty()
    }

    pub fn in_season(&self, date: NaiveDate) -> bool {
        self.seasons.is_empty() || self.seasons.iter().any(|s| s.contains(date))
    }

    /// The sessions on `date`, ordered by start time.
    pub fn on(&self, date: NaiveDate) -> Vec<Occurrence> {
        let mut out: Vec<Occurrence> = Vec::new();
        if !self.closed.is_closed(date) && self.in_season(date) {
            for r in &self.rules {
                if r.when.matches(date) {
                    out.push(Occurrence {
                        date,
                        time: r.time,
                        note: r.note.clone(),
                    });
                }
            }
        }
        for d in self.dates.iter().filter(|d| d.date == date) {
            out.push(Occurrence {
                date,
                time: d.time,
                note: d.note.clone(),
            });
        }
        out.sort_by_key(|o| o.time.map(|t| t.start));
        out
    }

    /// The next `n` sessions on or after `from`, looking at most about a year ahead.
    pub fn next_dates(&self, from: NaiveDate, n: usize) -> Vec<Occurrence> {
        let mut out = Vec::new();
        if n == 0 || self.is_empty() {
            return out;
        }
        let last_one_off = self.dates.iter().map(|d| d.date).max();
        let mut day = from;
        for _ in 0..HORIZON_DAYS {
            if self.rules.is_empty() && last_one_off.is_none_or(|l| day > l) {
                break;
            }
            for o in self.on(day) {
                out.push(o);
                if out.len() == n {
                    return out;
                }
            }
            match day.succ_opt() {
                Some(d) => day = d,
                None => break,
            }
        }
        out
    }

    /// One line per rule, e.g. ["毎週火・金 10:00〜11:30", "第2・第4木曜 13:30〜15:00（健康マージャン）"].
    pub fn describe_rules(&self) -> Vec<String> {
        self.rules.iter().map(ScheduleRule::describe_ja).collect()
    }

    /// The seasons in Japanese, "4月1日〜9月30日・11月1日〜11月30日", when limited.
    pub fn describe_seasons(&self) -> Option<String> {
        (!self.seasons.is_empty()).then(|| {
            self.seasons
                .iter()
                .map(Season::describe_ja)
                .collect::<Vec<_>>()
                .join("・")
        })
    }

    /// Weekdays on which a recurring rule can fall (for "open on Tuesday" filters).
    pub fn weekdays(&self) -> BTreeSet<Weekday> {
        self.rules.iter().flat_map(|r| r.when.weekdays()).collect()
    }

    pub fn meets_on_weekday(&self, day: Weekday) -> bool {
        self.rules.iter().any(|r| r.when.weekdays().contains(&day))
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveTime;

    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    fn t(a: &str, b: &str) -> Option<TimeRange> {
        Some(TimeRange {
            start: NaiveTime::parse_from_str(a, "%H:%M").unwrap(),
            end: NaiveTime::parse_from_str(b, "%H:%M").unwrap(),
        })
    }

    fn rule(when: Recurrence, time: Option<TimeRange>) -> ScheduleRule {
        ScheduleRule {
            when,
            time,
            note: None,
        }
    }

    #[test]
    fn weekly_skips_holidays_when_closed() {
        // Mondays in January 2026: 5, 12 (成人の日), 19, 26.
        let s = Schedule {
            rules: vec![rule(
                Recurrence::Weekly {
                    days: vec![Weekday::Mon],
                },
                t("10:00", "11:30"),
            )],
            closed: Closed {
                holidays: true,
                year_end: true,
                dates: vec![],
            },
            ..Schedule::default()
        };
        let dates: Vec<NaiveDate> = s
            .next_dates(d(2025, 12, 28), 4)
            .into_iter()
            .map(|o| o.date)
            .collect();
        assert_eq!(
            dates,
            vec![d(2026, 1, 5), d(2026, 1, 19), d(2026, 1, 26), d(2026, 2, 2)]
        );
    }

    #[test]
    fn silver_week_and_substitute_holiday_are_closed() {
        let s = Schedule {
            rules: vec![rule(
                Recurrence::Weekly {
                    days: Weekday::ALL[..5].to_vec(),
                },
                None,
            )],
            closed: Closed {
                holidays: true,
                ..Closed::default()
            },
            ..Schedule::default()
        };
        let dates: Vec<NaiveDate> = s
            .next_dates(d(2026, 9, 18), 3)
            .into_iter()
            .map(|o| o.date)
            .collect();
        assert_eq!(dates, vec![d(2026, 9, 18), d(2026, 9, 24), d(2026, 9, 25)]);
        let may: Vec<NaiveDate> = s
            .next_dates(d(2026, 5, 1), 2)
            .into_iter()
            .map(|o| o.date)
            .collect();
        assert_eq!(may, vec![d(2026, 5, 1), d(2026, 5, 7)]);
    }

    #[test]
    fn nth_and_last_weekday() {
        let s = Schedule {
            rules: vec![rule(
                Recurrence::MonthlyNth {
                    nth: vec![2, 4],
                    day: Weekday::Thu,
                },
                t("13:30", "15:00"),
            )],
            ..Schedule::default()
        };
        let dates: Vec<NaiveDate> = s
            .next_dates(d(2026, 11, 1), 4)
            .into_iter()
            .map(|o| o.date)
            .collect();
        assert_eq!(
            dates,
            vec![
                d(2026, 11, 12),
                d(2026, 11, 26),
                d(2026, 12, 10),
                d(2026, 12, 24)
            ]
        );
        let last = Schedule {
            rules: vec![rule(
                Recurrence::MonthlyNth {
                    nth: vec![-1],
                    day: Weekday::Fri,
                },
                None,
            )],
            ..Schedule::default()
        };
        let dates: Vec<NaiveDate> = last
            .next_dates(d(2026, 1, 1), 3)
            .into_iter()
            .map(|o| o.date)
            .collect();
        assert_eq!(dates, vec![d(2026, 1, 30), d(2026, 2, 27), d(2026, 3, 27)]);
        let fifth = Schedule {
            rules: vec![rule(
                Recurrence::MonthlyNth {
                    nth: vec![5],
                    day: Weekday::Mon,
                },
                None,
            )],
            ..Schedule::default()
        };
        // Months with a 5th Monday in 2026: March (30), June (29), August (31).
        let dates: Vec<NaiveDate> = fifth
            .next_dates(d(2026, 1, 1), 3)
            .into_iter()
            .map(|o| o.date)
            .collect();
        assert_eq!(dates, vec![d(2026, 3, 30), d(2026, 6, 29), d(2026, 8, 31)]);
    }

    #[test]
    fn month_dates_skip_short_months_and_year_end() {
        let s = Schedule {
            rules: vec![rule(Recurrence::MonthlyDate { days: vec![31] }, None)],
            closed: Closed {
                year_end: true,
                ..Closed::default()
            },
            ..Schedule::default()
        };
        let dates: Vec<NaiveDate> = s
            .next_dates(d(2026, 10, 1), 3)
            .into_iter()
            .map(|o| o.date)
            .collect();
        assert_eq!(dates, vec![d(2026, 10, 31), d(2027, 1, 31), d(2027, 3, 31)]);
    }

    #[test]
    fn seasons_and_one_off_dates() {
        let s = Schedule {
            rules: vec![rule(
                Recurrence::Weekly {
                    days: vec![Weekday::Sat],
                },
                None,
            )],
            dates: vec![crate::model::DatedSession {
                date: d(2026, 12, 20),
                time: t("10:00", "12:00"),
                note: Some("もちつき会".into()),
            }],
            seasons: vec![Season {
                from: (4, 1),
                to: (11, 30),
            }],
            ..Schedule::default()
        };
        let got = s.next_dates(d(2026, 11, 21), 3);
        let dates: Vec<NaiveDate> = got.iter().map(|o| o.date).collect();
        assert_eq!(
            dates,
            vec![d(2026, 11, 21), d(2026, 11, 28), d(2026, 12, 20)]
        );
        assert_eq!(got[2].note.as_deref(), Some("もちつき会"));
        // Winter season wrapping the year end.
        let winter = Season {
            from: (12, 1),
            to: (2, 28),
        };
        assert!(winter.contains(d(2027, 1, 15)));
        assert!(!winter.contains(d(2027, 3, 1)));
    }

    #[test]
    fn descriptions() {
        let r = rule(
            Recurrence::Weekly {
                days: vec![Weekday::Tue, Weekday::Fri],
            },
            t("10:00", "11:30"),
        );
        assert_eq!(r.describe_ja(), "毎週火・金 10:00〜11:30");
        let r = rule(
            Recurrence::MonthlyNth {
                nth: vec![2, 4],
                day: Weekday::Thu,
            },
            t("13:30", "15:00"),
        );
        assert_eq!(r.describe_ja(), "第2・第4木曜 13:30〜15:00");
        assert_eq!(
            Recurrence::MonthlyDate { days: vec![15] }.describe_ja(),
            "毎月15日"
        );
        assert_eq!(
            Recurrence::MonthlyNth {
                nth: vec![-1],
                day: Weekday::Fri
            }
            .describe_ja(),
            "最終金曜"
        );
        assert_eq!(
            rule(
                Recurrence::Weekly {
                    days: Weekday::ALL.to_vec()
                },
                t("9:00", "9:15")
            )
            .describe_ja(),
            "毎日 9:00〜9:15"
        );
        let c = Closed {
            holidays: true,
            year_end: true,
            dates: vec![],
        };
        assert_eq!(
            c.describe_ja().as_deref(),
            Some("祝日・年末年始（12月29日〜1月3日）は休み")
        );
        let o = Occurrence {
            date: d(2026, 11, 24),
            time: t("10:00", "11:30"),
            note: None,
        };
        assert_eq!(o.describe_ja(), "11月24日（火） 10:00〜11:30");
        let holiday = Occurrence {
            date: d(2026, 11, 23),
            time: None,
            note: Some("健康マージャン".into()),
        };
        assert_eq!(holiday.describe_ja(), "11月23日（月・祝） 健康マージャン");
    }

    #[test]
    fn weekday_filter_ignores_day_of_month_rules() {
        let s = Schedule {
            rules: vec![
                rule(
                    Recurrence::Weekly {
                        days: vec![Weekday::Tue],
                    },
                    None,
                ),
                rule(
                    Recurrence::MonthlyNth {
                        nth: vec![1],
                        day: Weekday::Sat,
                    },
                    None,
                ),
                rule(Recurrence::MonthlyDate { days: vec![15] }, None),
            ],
            ..Schedule::default()
        };
        assert!(s.meets_on_weekday(Weekday::Tue));
        assert!(s.meets_on_weekday(Weekday::Sat));
        assert!(!s.meets_on_weekday(Weekday::Wed));
        assert_eq!(s.weekdays().len(), 2);
    }
}
