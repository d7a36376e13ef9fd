//! Adapts the content model to `tsunagu-search` and returns the index files under
//! `search/` (owned by the search work; format in docs/search.md).
//!
//! What is searchable, and with which weight, is decided here: the name, its reading
//! (plus readings of well-known category and tag words), tags, category names including
//! parents, the address with 町字, postal code and phone, then the description and other
//! free text. Closed resources have no page and are left out; suspended ones stay (their
//! page exists and says 休止中).

use std::borrow::Cow;
use std::collections::BTreeMap;

use pulldown_cmark::{Event, Parser, TagEnd};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::json;
use tsunagu_search::{Document, Field, Options, normalize, readings::reading};

use crate::model::{
    AcceptingStatus, Category, Content, Feature, Recurrence, Resource, Status, Tri,
};
use crate::output::OutputFile;
use crate::render::schedule_text;

/// The search index files for `content`, to be written under `public/`.
pub fn files(content: &Content) -> Vec<OutputFile> {
    files_with(content, &Options::default()).0
}

/// A result as the results list shows it (`search.js` reads these keys). Fields in
/// alphabetical order, the order the files have always had.
#[derive(Serialize)]
struct Display<'a> {
    /// address
    a: Option<&'a str>,
    /// accepting newcomers (空きあり …)
    ac: Option<&'static str>,
    /// primary category id, name, colour
    c: Option<&'a str>,
    cc: Option<&'a str>,
    cn: Option<&'a str>,
    id: &'a str,
    /// reading
    k: Option<&'a str>,
    n: &'a str,
    p: Option<&'a str>,
    /// schedule rules in Japanese
    s: Vec<String>,
    /// suspended
    x: bool,
}

/// The files and the index figures (for benchmarks), with explicit chunk sizes.
pub fn files_with(content: &Content, opts: &Options) -> (Vec<OutputFile>, tsunagu_search::Stats) {
    let sources = Sources::new(content);
    let index = tsunagu_search::build_with(sources.resources.len(), |n| sources.document(n), opts);
    let mut files: Vec<OutputFile> = index
        .files
        .into_iter()
        .map(|f| OutputFile::new(f.path, f.bytes))
        .collect();
    files.push(OutputFile::new(
        "search/categories.json",
        categories_json(content),
    ));
    (files, index.stats)
}

/// The category tree for the map's category filter (a parent selects its children's
/// markers too): `[{id, name, parent, color}]`.
fn categories_json(content: &Content) -> Vec<u8> {
    let list: Vec<serde_json::Value> = content
        .categories
        .iter()
        .map(|c| json!({"id": c.id, "name": c.name.ja, "parent": c.parent, "color": c.color}))
        .collect();
    serde_json::to_vec(&list).expect("categories serialise")
}

/// One search document per published resource, sorted by reading so that equal scores
/// (and filter-only lists) come out in あいうえお order. The documents borrow their
/// searchable text from `content`.
pub fn documents(content: &Content) -> Vec<Document<'_>> {
    let sources = Sources::new(content);
    (0..sources.resources.len())
        .into_par_iter()
        .map(|n| sources.document(n))
        .collect()
}

/// What the search documents are made from: the published resources in result order,
/// and what each category adds to a document. The index build makes each document from
/// here on the thread that indexes it (`tsunagu_search::build_with`), so the searchable
/// text of all 100,000 documents never exists at once.
struct Sources<'a> {
    resources: Vec<&'a Resource>,
    cats: BTreeMap<&'a str, &'a Category>,
    lineages: BTreeMap<&'a str, Vec<CategoryPart<'a>>>,
}

impl<'a> Sources<'a> {
    fn new(content: &'a Content) -> Self {
        let cats: BTreeMap<&str, &Category> = content
            .categories
            .iter()
            .map(|c| (c.id.as_str(), c))
            .collect();
        // What each category adds to a document (its filter, names and readings, then its
        // parents'), worked out once per category rather than once per resource.
        let lineages: BTreeMap<&str, Vec<CategoryPart>> = cats
            .keys()
            .map(|&id| {
                let parts = lineage(id, &cats)
                    .into_iter()
                    .map(|c| CategoryPart {
                        filter: format!("c:{}", c.id),
                        name: &c.name.ja,
                        reading: reading(&c.name.ja),
                    })
                    .collect();
                (id, parts)
            })
            .collect();
        // The sort keys are normalised and sorted on every core (100,000 names at the
        // national scale); the sort is stable, so equal keys keep the content's order.
        let mut published: Vec<(&Resource, String)> = content
            .resources
            .par_iter()
            .filter(|r| r.status != Status::Closed)
            .map(|r| (r, normalize(r.name_kana.as_deref().unwrap_or(&r.name))))
            .collect();
        published.par_sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.id.cmp(&b.0.id)));
        Sources {
            resources: published.into_iter().map(|(r, _)| r).collect(),
            cats,
            lineages,
        }
    }

    fn document(&self, n: usize) -> Document<'a> {
        document(self.resources[n], &self.cats, &self.lineages)
    }
}

/// One category of a resource's lineage, as the search document takes it.
struct CategoryPart<'a> {
    filter: String,
    name: &'a str,
    reading: Option<&'static str>,
}

/// The category and its parents, nearest first (guarding against cycles).
fn lineage<'a>(id: &'a str, cats: &BTreeMap<&str, &'a Category>) -> Vec<&'a Category> {
    let mut out: Vec<&Category> = Vec::new();
    let mut next = cats.get(id).copied();
    while let Some(c) = next {
        if out.iter().any(|o| o.id == c.id) {
            break;
        }
        out.push(c);
        next = c.parent.as_deref().and_then(|p| cats.get(p).copied());
    }
    out
}

fn document<'a>(
    r: &'a Resource,
    cats: &BTreeMap<&str, &'a Category>,
    lineages: &BTreeMap<&str, Vec<CategoryPart<'a>>>,
) -> Document<'a> {
    let mut parts: Vec<(Field, Cow<'a, str>)> = vec![(Field::Name, r.name.as_str().into())];
    let mut filters = Vec::new();
    if let Some(k) = &r.name_kana {
        parts.push((Field::Kana, k.as_str().into()));
    }
    for t in &r.tags {
        parts.push((Field::Tags, t.as_str().into()));
        if let Some(k) = reading(t) {
            parts.push((Field::Kana, k.into()));
        }
    }
    for id in &r.categories {
        for c in lineages.get(id.as_str()).into_iter().flatten() {
            if filters.contains(&c.filter) {
                continue;
            }
            filters.push(c.filter.clone());
            parts.push((Field::Category, c.name.into()));
            if let Some(k) = c.reading {
                parts.push((Field::Category, k.into()));
            }
        }
    }
    if let Some(a) = &r.address {
        parts.push((Field::Area, a.text.as_str().into()));
        if let Some(t) = &a.town {
            parts.push((Field::Area, t.as_str().into()));
        }
        if let Some(p) = &a.postal_code {
            parts.push((Field::Area, p.as_str().into()));
        }
    }
    if let Some(p) = &r.phone {
        parts.push((Field::Area, p.as_str().into()));
    }
    parts.push((Field::Description, plain_text(&r.description).into()));
    for t in [
        &r.organization,
        &r.audience,
        &r.fees,
        &r.schedule.note,
        &r.accessibility.note,
    ]
    .into_iter()
    .flatten()
    {
        parts.push((Field::Description, t.as_str().into()));
    }
    for rule in &r.schedule.rules {
        if let Some(n) = &rule.note {
            parts.push((Field::Description, n.as_str().into()));
        }
    }

    for day in meeting_days(r) {
        filters.push(format!("d:{day}"));
    }
    for f in Feature::ALL {
        if r.accessibility.get(f) == Tri::Yes {
            filters.push(format!("a:{}", f.key()));
        }
    }
    if r.accepting
        .as_ref()
        .is_some_and(|a| matches!(a.status, AcceptingStatus::Open | AcceptingStatus::Visit))
    {
        filters.push("n:accepting".to_string());
    }

    let primary = r.categories.first().and_then(|id| cats.get(id.as_str()));
    let schedule: Vec<String> = r.schedule.rules.iter().map(schedule_text::rule).collect();
    let display = serde_json::to_string(&Display {
        a: r.address.as_ref().map(|a| a.text.as_str()),
        ac: r.accepting.as_ref().map(|a| a.status.ja()),
        c: primary.map(|c| c.id.as_str()),
        cc: primary.map(|c| c.color.as_str()),
        cn: primary.map(|c| c.name.ja.as_str()),
        id: &r.id,
        k: r.name_kana.as_deref(),
        n: &r.name,
        p: r.phone.as_deref(),
        s: schedule,
        x: r.status == Status::Suspended,
    })
    .expect("display serialises");
    Document {
        parts,
        filters,
        location: r.location.map(|l| (l.lat, l.lon)),
        display,
    }
}

/// Weekdays the schedule's rules meet on ("mon" …). A 毎月15日 rule meets on no fixed
/// weekday, so it is not counted; one-off dates are not either.
fn meeting_days(r: &Resource) -> Vec<&'static str> {
    let mut days: Vec<crate::model::Weekday> = Vec::new();
    for rule in &r.schedule.rules {
        match &rule.when {
            Recurrence::Weekly { days: d } => days.extend(d.iter().copied()),
            Recurrence::MonthlyNth { day, .. } => days.push(*day),
            Recurrence::MonthlyDate { .. } => {}
        }
    }
    days.sort();
    days.dedup();
    days.into_iter().map(weekday_key).collect()
}

fn weekday_key(d: crate::model::Weekday) -> &'static str {
    use crate::model::Weekday::*;
    match d {
        Mon => "mon",
        Tue => "tue",
        Wed => "wed",
        Thu => "thu",
        Fri => "fri",
        Sat => "sat",
        Sun => "sun",
    }
}

/// The text of a Markdown description, each block ended by 。 (a separator, so no query
/// matches across two list items).
fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            // A soft break inside a paragraph is only a line wrap: the normaliser drops it
            // between two Japanese characters, so a wrapped word stays one word.
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::Heading(_)
                | TagEnd::TableCell
                | TagEnd::CodeBlock,
            ) => out.push('\u{3002}'),
            _ => {}
        }
    }
    out
}
