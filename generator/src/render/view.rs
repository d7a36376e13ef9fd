//! What templates see: small serialisable views of the model, with every label already
//! in Japanese and every URL already made, so templates hold no logic beyond layout.

use serde::Serialize;

use crate::build::index::{Index, town};
use crate::model::{Feature, Resource, Status, Tri};
use crate::nearby;
use crate::seo::encode_segment;

use super::schedule_text as st;

/// `<head>` and canonical facts of one page.
#[derive(Serialize)]
pub struct Meta {
    pub title: String,
    pub description: String,
    /// Site-relative, percent-encoded.
    pub path: String,
    pub canonical: String,
    /// "website" or "article" (OGP).
    pub og_type: &'static str,
}

impl Meta {
    pub fn new(
        base_url: &str,
        path: String,
        title: String,
        description: String,
        og_type: &'static str,
    ) -> Self {
        Self {
            canonical: format!("{base_url}{path}"),
            path,
            title,
            description,
            og_type,
        }
    }
}

#[derive(Serialize, Clone)]
pub struct CategoryRef {
    pub id: String,
    pub name: String,
    pub url: String,
    pub icon: String,
    pub color: String,
    pub count: usize,
}

pub fn category_ref(ix: &Index<'_>, c: usize) -> CategoryRef {
    let node = &ix.categories[c];
    CategoryRef {
        id: node.cat.id.clone(),
        name: node.cat.name.ja.clone(),
        url: format!("/categories/{}/", node.cat.id),
        icon: node.cat.icon.clone(),
        color: node.cat.color.clone(),
        count: node.members.len(),
    }
}

#[derive(Serialize, Clone)]
pub struct Link {
    pub label: String,
    pub url: String,
}

pub fn tag_url(slug: &str) -> String {
    format!("/tags/{}/", encode_segment(slug))
}

pub fn area_url(slug: &str) -> String {
    format!("/areas/{}/", encode_segment(slug))
}

/// A resource as one line of a list.
#[derive(Serialize, Clone)]
pub struct ListItem {
    pub id: String,
    pub name: String,
    pub name_kana: Option<String>,
    pub url: String,
    pub category: Option<CategoryRef>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub suspended: bool,
}

pub fn list_item(ix: &Index<'_>, i: usize) -> ListItem {
    let r = ix.published[i];
    ListItem {
        id: r.id.clone(),
        name: r.name.clone(),
        name_kana: r.name_kana.clone(),
        url: format!("/resources/{}/", r.id),
        category: ix.resource_categories[i]
            .first()
            .map(|&c| category_ref(ix, c)),
        address: r.address.as_ref().map(|a| a.text.clone()),
        phone: r.phone.clone(),
        suspended: r.status == Status::Suspended,
    }
}

#[derive(Serialize)]
pub struct AccessRow {
    pub key: &'static str,
    pub label: &'static str,
    /// "yes" | "no" | "unknown", for styling.
    pub value: &'static str,
    /// あり / なし / 不明.
    pub text: &'static str,
}

pub fn access_rows(r: &Resource) -> Vec<AccessRow> {
    Feature::ALL
        .iter()
        .map(|&f| {
            let (value, text) = match r.accessibility.get(f) {
                Tri::Yes => ("yes", "あり"),
                Tri::No => ("no", "なし"),
                Tri::Unknown => ("unknown", "不明"),
            };
            AccessRow {
                key: f.key(),
                label: f.ja(),
                value,
                text,
            }
        })
        .collect()
}

#[derive(Serialize)]
pub struct ScheduleView {
    pub rules: Vec<String>,
    pub dates: Vec<String>,
    pub seasons: Option<String>,
    pub closed: Option<String>,
    pub note: Option<String>,
    /// Upcoming sessions from the build date, e.g. "11月24日（火） 10:00〜11:30".
    pub next: Vec<String>,
    pub empty: bool,
}

#[derive(Serialize)]
pub struct NearbyView<'a> {
    pub name: &'a str,
    pub url: String,
    pub category: Option<&'a CategoryRef>,
    pub distance: String,
    pub minutes: u32,
}

/// A resource page's view. It borrows from the content and from category views made
/// once per build (`cats`, by category index): it lives for one page, and copying every
/// field first only to convert it into a template value again cost time on each of
/// 100,000 pages.
#[derive(Serialize)]
pub struct ResourceView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub name_kana: Option<&'a str>,
    pub description_html: String,
    pub categories: Vec<&'a CategoryRef>,
    pub tags: Vec<Link>,
    pub postal_code: Option<&'a str>,
    pub address: Option<&'a str>,
    pub area: Option<Link>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub approximate: bool,
    pub phone: Option<&'a str>,
    /// Digits only, for `tel:` links.
    pub phone_tel: Option<String>,
    pub website: Option<&'a str>,
    pub email: Option<&'a str>,
    pub organization: Option<&'a str>,
    pub schedule: ScheduleView,
    pub fees: Option<&'a str>,
    pub audience: Option<&'a str>,
    pub accessibility: Vec<AccessRow>,
    pub accessibility_note: Option<&'a str>,
    pub accepting: Option<Link>,
    pub accepting_status: Option<&'static str>,
    pub verified: Option<String>,
    pub suspended: bool,
    pub nearby: Vec<NearbyView<'a>>,
    pub qr_svg: Option<String>,
    pub jsonld: String,
    pub source: Option<&'a str>,
}

/// Up to `k` nearby resources of other categories; `cats` holds each category's view.
pub fn nearby_views<'a>(
    ix: &'a Index<'_>,
    cats: &'a [CategoryRef],
    i: usize,
    k: usize,
) -> Vec<NearbyView<'a>> {
    let mine = &ix.resource_categories[i];
    ix.nearby
        .nearest(i, k, 5_000.0, 300, |j| {
            !ix.resource_categories[j].iter().any(|c| mine.contains(c))
        })
        .into_iter()
        .map(|n| {
            let r = ix.published[n.item];
            NearbyView {
                name: &r.name,
                url: format!("/resources/{}/", r.id),
                category: ix.resource_categories[n.item].first().map(|&c| &cats[c]),
                distance: nearby::format_distance(n.metres),
                minutes: nearby::walking_minutes(n.metres),
            }
        })
        .collect()
}

pub fn area_link(r: &Resource) -> Option<Link> {
    town(r).map(|t| Link {
        label: t.to_string(),
        url: area_url(&crate::build::index::slug(t)),
    })
}

/// The schedule as lines of Japanese, with the next `next` sessions from `today`
/// (holidays and closures taken into account by `crate::schedule`).
pub fn schedule_view(r: &Resource, today: chrono::NaiveDate, next: usize) -> ScheduleView {
    let s = &r.schedule;
    let upcoming = if r.status == Status::Active {
        s.next_dates(today, next)
            .iter()
            .map(|o| o.describe_ja())
            .collect()
    } else {
        Vec::new()
    };
    ScheduleView {
        rules: s.describe_rules(),
        dates: s
            .dates
            .iter()
            .map(|d| {
                let mut line = st::date(d.date);
                if let Some(t) = &d.time {
                    line.push(' ');
                    line.push_str(&crate::schedule::time_ja(t));
                }
                if let Some(n) = &d.note {
                    line.push_str(&format!("（{n}）"));
                }
                line
            })
            .collect(),
        seasons: s.describe_seasons(),
        closed: s.closed.describe_ja(),
        note: s.note.clone(),
        empty: s.rules.is_empty() && s.dates.is_empty() && s.note.is_none(),
        next: upcoming,
    }
}
