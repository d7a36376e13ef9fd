//! The `schedule:` block of a resource → `model::Schedule`, refusing rules that cannot
//! occur (第6週, 32日, 2月30日, a time that ends before it starts, a misspelt weekday).

use chrono::{NaiveDate, NaiveTime};

use super::decode::{Ctx, MapView, item_path};
use super::normalize::half_width;
use super::suggest::suggest;
use super::yaml::{Node, Value};
use crate::model::{
    Closed, DatedSession, Recurrence, Schedule, ScheduleRule, Season, TimeRange, Weekday,
};

const FIELDS: &[&str] = &["rules", "dates", "seasons", "closed", "note"];
const RULE_FIELDS: &[&str] = &[
    "weekly",
    "monthly_nth",
    "day",
    "monthly_date",
    "time",
    "note",
];
const WEEKDAY_KEYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

pub fn decode(cx: &mut Ctx, n: &Node) -> Schedule {
    let mut out = Schedule::default();
    if n.is_null() {
        return out;
    }
    let Some(m) = cx.map(n, "schedule", FIELDS) else {
        return out;
    };
    if let Some(rules) = m.get("rules") {
        for (path, item) in cx.seq(rules, "schedule.rules").unwrap_or_default() {
            if let Some(r) = rule(cx, item, &path) {
                out.rules.push(r);
            }
        }
    }
    if let Some(dates) = m.get("dates") {
        for (path, item) in cx.seq(dates, "schedule.dates").unwrap_or_default() {
            let Some(dm) = cx.map(item, &path, &["date", "time", "note"]) else {
                continue;
            };
            let date = match dm.get("date") {
                Some(d) => cx.date(d, &dm.path("date")),
                None => {
                    cx.error(dm.pos, &dm.path("date"), "必須の項目がありません。");
                    None
                }
            };
            let time = time_field(cx, &dm);
            let note = cx.opt_str(&dm, "note");
            if let (Some(date), Some(time)) = (date, time) {
                out.dates.push(DatedSession { date, time, note });
            }
        }
        out.dates.sort_by_key(|d| d.date);
    }
    if let Some(seasons) = m.get("seasons") {
        for (path, item) in cx.seq(seasons, "schedule.seasons").unwrap_or_default() {
            let Some(sm) = cx.map(item, &path, &["from", "to"]) else {
                continue;
            };
            let from = month_day_field(cx, &sm, "from");
            let to = month_day_field(cx, &sm, "to");
            if let (Some(from), Some(to)) = (from, to) {
                out.seasons.push(Season { from, to });
            }
        }
    }
    if let Some(c) = m.get("closed") {
        out.closed = closed(cx, c);
    }
    out.note = cx.opt_str(&m, "note");
    out
}

fn rule(cx: &mut Ctx, n: &Node, field: &str) -> Option<ScheduleRule> {
    let m = cx.map(n, field, RULE_FIELDS)?;
    let kinds: Vec<&str> = ["weekly", "monthly_nth", "monthly_date"]
        .into_iter()
        .filter(|k| m.get(k).is_some())
        .collect();
    let time = time_field(cx, &m);
    let note = cx.opt_str(&m, "note");
    if kinds.len() != 1 {
        let msg = if kinds.is_empty() {
            "weekly（毎週）、monthly_nth（第n曜日）、monthly_date（毎月n日）のどれか1つを書いてください。".to_owned()
        } else {
            format!(
                "1つの決まりには weekly・monthly_nth・monthly_date のどれか1つだけを書いてください（{}が書かれています）。決まりを分けてください。",
                kinds.join("・")
            )
        };
        cx.error(m.pos, field, msg);
        return None;
    }
    if kinds[0] != "monthly_nth"
        && let Some(pos) = m.key_pos("day")
    {
        cx.error(pos, &m.path("day"), "day は monthly_nth（第n曜日）と一緒に使います。毎週の曜日は weekly: [tue] のように書いてください。");
        return None;
    }
    let when = match kinds[0] {
        "weekly" => {
            let node = m.get("weekly")?;
            let mut days = Vec::new();
            let field = m.path("weekly");
            for (i, item) in cx.items(node, &field)?.iter().enumerate() {
                days.push(weekday(cx, item, || item_path(&field, i))?);
            }
            if days.is_empty() {
                cx.error(
                    node.pos,
                    &m.path("weekly"),
                    "曜日を1つ以上書いてください（例: [tue, fri]）。",
                );
                return None;
            }
            days.sort();
            days.dedup();
            Recurrence::Weekly { days }
        }
        "monthly_nth" => {
            let node = m.get("monthly_nth")?;
            let mut nth = Vec::new();
            let mut bad = false;
            for (path, item) in cx.seq(node, &m.path("monthly_nth"))? {
                let Some(v) = cx.int(item, &path) else {
                    bad = true;
                    continue;
                };
                if !(v == -1 || (1..=5).contains(&v)) {
                    cx.error(item.pos, &path, format!("第{v}週はありません。1〜5（第1〜第5）か、最終週は -1 を書いてください。"));
                    bad = true;
                    continue;
                }
                nth.push(v as i8);
            }
            if nth.is_empty() && !bad {
                cx.error(
                    node.pos,
                    &m.path("monthly_nth"),
                    "第何週かを1つ以上書いてください（例: [2, 4]）。",
                );
                return None;
            }
            nth.sort_by_key(|n| if *n < 0 { 10 } else { *n });
            nth.dedup();
            let Some(day_node) = m.get("day") else {
                cx.error(
                    m.pos,
                    &m.path("day"),
                    "monthly_nth には曜日 day を書いてください（例: day: thu）。",
                );
                return None;
            };
            let day = weekday(cx, day_node, || m.path("day"));
            if bad {
                return None;
            }
            Recurrence::MonthlyNth { nth, day: day? }
        }
        _ => {
            let node = m.get("monthly_date")?;
            let mut days = Vec::new();
            for (path, item) in cx.seq(node, &m.path("monthly_date"))? {
                let v = cx.int(item, &path)?;
                if !(1..=31).contains(&v) {
                    cx.error(
                        item.pos,
                        &path,
                        format!("{v}日という日はありません。1〜31で書いてください。"),
                    );
                    return None;
                }
                days.push(v as u8);
            }
            if days.is_empty() {
                cx.error(
                    node.pos,
                    &m.path("monthly_date"),
                    "日付を1つ以上書いてください（例: [15]）。",
                );
                return None;
            }
            days.sort();
            days.dedup();
            Recurrence::MonthlyDate { days }
        }
    };
    Some(ScheduleRule {
        when,
        time: time?,
        note,
    })
}

/// `mon`..`sun`; also 月..日, 月曜, 月曜日 as people write them in Japanese. `field` is
/// called only when there is something to report.
fn weekday(cx: &mut Ctx, n: &Node, field: impl FnOnce() -> String) -> Option<Weekday> {
    // The usual spelling without building the field path or a lowercase copy. ASCII case
    // folding equals `to_lowercase` here: no non-ASCII letter lowercases to one in a key.
    if let Value::Scalar { text, .. } = &n.value {
        let t = text.trim_end_matches('\n').trim();
        if let Some(i) = WEEKDAY_KEYS.iter().position(|k| k.eq_ignore_ascii_case(t)) {
            return Some(Weekday::ALL[i]);
        }
    }
    let field = field();
    let field = field.as_str();
    let text = cx.string(n, field)?;
    let t = text.trim().to_lowercase();
    if let Some(i) = WEEKDAY_KEYS.iter().position(|k| *k == t) {
        return Some(Weekday::ALL[i]);
    }
    let jp = t.trim_end_matches("日").trim_end_matches("曜");
    let jp = if jp.is_empty() { "日" } else { jp };
    if let Some(d) = Weekday::ALL.iter().find(|d| d.ja() == jp) {
        return Some(*d);
    }
    let s = suggest(&t, WEEKDAY_KEYS).or_else(|| {
        // "thurs", "tues", "monday": match on the first three letters.
        let head: String = t.chars().take(3).collect();
        WEEKDAY_KEYS.iter().copied().find(|k| *k == head)
    });
    cx.error_suggest(
        n.pos,
        field,
        &format!("曜日「{text}」がわかりません。mon, tue, wed, thu, fri, sat, sun のどれかを書いてください。"),
        s.map(str::to_owned),
    );
    None
}

/// The rule's or session's `time`: `Some(None)` when absent, `None` on error.
fn time_field(cx: &mut Ctx, m: &MapView<'_, '_>) -> Option<Option<TimeRange>> {
    let Some(n) = m.get("time") else {
        return Some(None);
    };
    if n.is_null() {
        return Some(None);
    }
    if let Value::Scalar { text, .. } = &n.value
        && let Some(t) = plain_time_range(text)
    {
        return Some(Some(t));
    }
    let text = cx.string(n, &m.path("time"))?;
    match parse_time_range(&text) {
        Ok(t) => Some(Some(t)),
        Err(msg) => {
            cx.error(n.pos, &m.path("time"), msg);
            None
        }
    }
}

/// The common exact form `HH:MM-HH:MM` (valid, ending after it starts), read without
/// the allocations of `parse_time_range`; `None` for anything else, which
/// `parse_time_range` then reads (or explains) in full. Same result for the same text.
fn plain_time_range(text: &str) -> Option<TimeRange> {
    let b = text.as_bytes();
    if b.len() != 11 || b[5] != b'-' {
        return None;
    }
    let hm = |b: &[u8]| -> Option<NaiveTime> {
        let digit = |c: u8| c.is_ascii_digit().then(|| u32::from(c - b'0'));
        if b[2] != b':' {
            return None;
        }
        let h = digit(b[0])? * 10 + digit(b[1])?;
        let m = digit(b[3])? * 10 + digit(b[4])?;
        NaiveTime::from_hms_opt(h, m, 0)
    };
    let (start, end) = (hm(&b[..5])?, hm(&b[6..])?);
    (end > start).then_some(TimeRange { start, end })
}

/// `"10:00-11:30"`; full-width digits and 〜/～/– as separators are accepted.
pub fn parse_time_range(raw: &str) -> Result<TimeRange, String> {
    let s = half_width(raw).replace(['〜', '～'], "-");
    let s = s.trim();
    let shape = || {
        format!("時間「{raw}」は \"10:00-11:30\" のように 開始-終了 を24時間制で書いてください。")
    };
    let (a, b) = s.split_once('-').ok_or_else(shape)?;
    let parse = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| shape());
    let (start, end) = (parse(a)?, parse(b)?);
    if end <= start {
        return Err(format!(
            "時間「{raw}」は終了が開始より前（または同じ）です。"
        ));
    }
    Ok(TimeRange { start, end })
}

fn month_day_field(cx: &mut Ctx, m: &MapView<'_, '_>, key: &str) -> Option<(u32, u32)> {
    let Some(n) = m.get(key) else {
        cx.error(
            m.pos,
            &m.path(key),
            "必須の項目がありません（\"04-01\" のように月-日で書きます）。",
        );
        return None;
    };
    let text = cx.string(n, &m.path(key))?;
    match parse_month_day(&text) {
        Ok(md) => Some(md),
        Err(msg) => {
            cx.error(n.pos, &m.path(key), msg);
            None
        }
    }
}

/// `"MM-DD"`, a day that exists in some year (02-29 is allowed).
pub fn parse_month_day(raw: &str) -> Result<(u32, u32), String> {
    let s = half_width(raw);
    let shape = || format!("「{raw}」は \"04-01\" のように 月-日 で書いてください。");
    let (m, d) = s.trim().split_once('-').ok_or_else(shape)?;
    let (m, d): (u32, u32) = (
        m.parse().map_err(|_| shape())?,
        d.parse().map_err(|_| shape())?,
    );
    // 2024 is a leap year, so 02-29 passes and 02-30 does not.
    if NaiveDate::from_ymd_opt(2024, m, d).is_none() {
        return Err(format!("{m}月{d}日という日はありません（「{raw}」）。"));
    }
    Ok((m, d))
}

fn closed(cx: &mut Ctx, n: &Node) -> Closed {
    let mut out = Closed::default();
    let Some(m) = cx.map(n, "schedule.closed", &["holidays", "year_end", "dates"]) else {
        return out;
    };
    if let Some(h) = m.get("holidays") {
        out.holidays = cx.bool_with(h, || m.path("holidays")).unwrap_or(false);
    }
    if let Some(y) = m.get("year_end") {
        out.year_end = cx.bool_with(y, || m.path("year_end")).unwrap_or(false);
    }
    if let Some(d) = m.get("dates") {
        let field = m.path("dates");
        for (i, item) in cx.items(d, &field).unwrap_or_default().iter().enumerate() {
            if let Some(date) = cx.date_with(item, || item_path(&field, i)) {
                out.dates.push(date);
            }
        }
        out.dates.sort();
        out.dates.dedup();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_ranges() {
        let t = parse_time_range("10:00-11:30").unwrap();
        assert_eq!(t.start, NaiveTime::from_hms_opt(10, 0, 0).unwrap());
        assert!(parse_time_range("１３：３０〜１５：００").is_ok());
        assert!(
            parse_time_range("15:00-13:30")
                .unwrap_err()
                .contains("終了が開始より前")
        );
        assert!(parse_time_range("10時から").is_err());
        assert!(parse_time_range("25:00-26:00").is_err());
    }

    #[test]
    fn month_days() {
        assert_eq!(parse_month_day("04-01"), Ok((4, 1)));
        assert_eq!(parse_month_day("02-29"), Ok((2, 29)));
        assert!(parse_month_day("02-30").unwrap_err().contains("2月30日"));
        assert!(parse_month_day("13-01").is_err());
    }
}
