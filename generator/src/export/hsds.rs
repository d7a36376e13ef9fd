//! Open Referral HSDS 3.0 JSON: `data/hsds/services.json` (an array of full service objects,
//! as the HSDS API's `/services/{id}` returns them, each with its organization, its
//! service_at_location and location, schedules, phones and category attributes) and
//! `data/hsds/organizations.json`.
//!
//! Ids are UUIDv5 derived from the portal's base URL and the resource id, so they are the
//! same in every build and differ between municipalities. A consumer finds the portal's
//! own id in `location.external_identifier` (type "tsunagu").
//!
//! Each object is a typed struct serialised as it is walked (no `serde_json::Value` tree:
//! at 115,000 services, building and dropping the trees was most of this module's time).
//! Fields are declared in alphabetical order, the order the files have always had (a
//! `Value` object is a sorted map), so a consumer sees the same bytes.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{NaiveDate, NaiveTime, Timelike};
use serde::{Serialize, Serializer};
use sha1::{Digest, Sha1};
use uuid::Uuid;

use crate::model::{Category, Content, Feature, Recurrence, Resource, Status, Tri, Weekday};
use crate::output::OutputFile;

/// Stable id of one HSDS object: `kind` is "service", "location", "organization" …
pub fn uuid(base_url: &str, kind: &str, key: &str) -> String {
    Ids::new(base_url).of(kind, &[key]).to_string()
}

/// The ids of one site's objects: UUIDv5 of "<kind>:<key>" in the namespace of the site's
/// base URL. The namespace is hashed once per build and kept as a SHA-1 state that has
/// already taken it in, so each id costs one hash of its own name.
pub struct Ids {
    namespace: Sha1,
}

impl Ids {
    pub fn new(base_url: &str) -> Self {
        let ns = Uuid::new_v5(&Uuid::NAMESPACE_URL, base_url.as_bytes());
        let mut namespace = Sha1::new();
        namespace.update(ns.as_bytes());
        Self { namespace }
    }

    /// The id of `kind` named by the concatenation of `key` (pieces, so that keys such as
    /// "<resource>#<n>" need no string of their own).
    pub fn of(&self, kind: &str, key: &[&str]) -> Id {
        let mut h = self.namespace.clone();
        h.update(kind.as_bytes());
        h.update(b":");
        for k in key {
            h.update(k.as_bytes());
        }
        let digest = h.finalize();
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        Id(uuid::Builder::from_sha1_bytes(bytes).into_uuid())
    }
}

/// An HSDS id, written as a lowercase hyphenated UUID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Id(Uuid);

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.hyphenated(), f)
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; uuid::fmt::Hyphenated::LENGTH];
        s.serialize_str(self.0.hyphenated().encode_lower(&mut buf))
    }
}

/// A value written through its `Display` (serde_json escapes it as it is formatted, so
/// no `String` is made for it).
struct Shown<T>(T);

impl<T: fmt::Display> Serialize for Shown<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// "2026-11-22T00:00:00Z": HSDS wants a date-time where the content has a date.
struct Midnight(NaiveDate);

impl fmt::Display for Midnight {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}T00:00:00Z", self.0)
    }
}

/// "09:30" (what `%H:%M` gives, without parsing a format string for every time).
struct HourMinute(NaiveTime);

impl fmt::Display for HourMinute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0.hour(), self.0.minute())
    }
}

/// A resource's page, `crate::geo::page_url` without the string.
struct PageUrl<'a>(&'a str, &'a str);

impl fmt::Display for PageUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/resources/{}/", self.0, self.1)
    }
}

#[derive(Serialize)]
struct Organization<'a> {
    description: &'a str,
    id: Id,
    name: &'a str,
}

#[derive(Serialize)]
struct Phone<'a> {
    id: Id,
    number: &'a str,
    service_id: Id,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct Schedule<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    byday: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bymonthday: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    closes_at: Option<Shown<HourMinute>>,
    description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    freq: Option<&'static str>,
    id: Id,
    #[serde(skip_serializing_if = "Option::is_none")]
    notes: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    opens_at: Option<Shown<HourMinute>>,
    service_id: Id,
}

#[derive(Serialize)]
struct TaxonomyTerm<'a> {
    code: &'a str,
    description: &'a str,
    id: Id,
    language: &'static str,
    name: &'a str,
    taxonomy: &'static str,
}

#[derive(Serialize)]
struct Attribute<'a> {
    id: Id,
    link_entity: &'static str,
    link_id: Id,
    link_type: &'static str,
    taxonomy_term: &'a TaxonomyTerm<'a>,
    taxonomy_term_id: Id,
}

#[derive(Serialize)]
struct Accessibility<'a> {
    description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<&'a str>,
    id: Id,
    location_id: Id,
}

#[derive(Serialize)]
struct Address<'a> {
    address_1: &'a str,
    address_type: &'static str,
    city: &'a str,
    country: &'static str,
    id: Id,
    location_id: Id,
    postal_code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
    state_province: &'a str,
}

#[derive(Serialize)]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    accessibility: Option<[Accessibility<'a>; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    addresses: Option<[Address<'a>; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'static str>,
    external_identifier: &'a str,
    external_identifier_type: &'static str,
    id: Id,
    #[serde(skip_serializing_if = "Option::is_none")]
    latitude: Option<f64>,
    location_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    longitude: Option<f64>,
    name: &'a str,
    url: Shown<PageUrl<'a>>,
}

#[derive(Serialize)]
struct ServiceAtLocation<'a> {
    id: Id,
    location: Location<'a>,
    location_id: Id,
    service_id: Id,
}

#[derive(Serialize)]
struct Service<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    alternate_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    assured_date: Option<Shown<NaiveDate>>,
    attributes: Vec<Attribute<'a>>,
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    eligibility_description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fees_description: Option<&'a str>,
    id: Id,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_modified: Option<Shown<Midnight>>,
    name: &'a str,
    organization: Organization<'a>,
    organization_id: Id,
    #[serde(skip_serializing_if = "Option::is_none")]
    phones: Option<[Phone<'a>; 1]>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    schedules: Vec<Schedule<'a>>,
    service_at_locations: [ServiceAtLocation<'a>; 1],
    status: &'static str,
    url: UrlOrPage<'a>,
}

/// The service's own URL, or its page on the portal.
enum UrlOrPage<'a> {
    Own(&'a str),
    Page(PageUrl<'a>),
}

impl Serialize for UrlOrPage<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            UrlOrPage::Own(u) => s.serialize_str(u),
            UrlOrPage::Page(p) => s.collect_str(p),
        }
    }
}

fn rrule_day(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "MO",
        Weekday::Tue => "TU",
        Weekday::Wed => "WE",
        Weekday::Thu => "TH",
        Weekday::Fri => "FR",
        Weekday::Sat => "SA",
        Weekday::Sun => "SU",
    }
}

/// `items` joined by ",", each written by `item`.
fn comma_list<T>(items: &[T], mut item: impl FnMut(&mut String, &T)) -> String {
    let mut s = String::new();
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        item(&mut s, x);
    }
    s
}

/// What every service of one build shares: the ids' namespace, the categories as
/// taxonomy terms (each made once), and the site's texts.
struct Shared<'a> {
    ids: Ids,
    base: &'a str,
    city: &'a str,
    /// The prefecture of the site's contact department, for addresses without one.
    site_pref: &'a str,
    org_description: String,
    terms: BTreeMap<&'a str, TaxonomyTerm<'a>>,
}

impl<'a> Shared<'a> {
    fn new(content: &'a Content) -> Self {
        let base = content.site.base_url.as_str();
        let ids = Ids::new(base);
        let terms = content
            .categories
            .iter()
            .map(|c: &'a Category| {
                (
                    c.id.as_str(),
                    TaxonomyTerm {
                        code: &c.id,
                        description: &c.name.en,
                        id: ids.of("taxonomy_term", &[&c.id]),
                        language: "ja",
                        name: &c.name.ja,
                        taxonomy: "tsunagu",
                    },
                )
            })
            .collect();
        Self {
            ids,
            base,
            city: &content.site.name.ja,
            site_pref: crate::import::kinds::split_prefecture(&content.site.contact.department).0,
            org_description: format!(
                "{}の地域資源ポータルに掲載されている団体・施設です。",
                content.site.name.ja
            ),
            terms,
        }
    }
}

fn schedules<'a>(sh: &Shared<'_>, r: &'a Resource, service_id: Id) -> Vec<Schedule<'a>> {
    let mut out = Vec::new();
    let mut n = itoa::Buffer::new();
    for (i, rule) in r.schedule.rules.iter().enumerate() {
        let (freq, byday, bymonthday) = match &rule.when {
            Recurrence::Weekly { days } => (
                "WEEKLY",
                Some(comma_list(days, |s, d| s.push_str(rrule_day(*d)))),
                None,
            ),
            Recurrence::MonthlyNth { nth, day } => (
                "MONTHLY",
                Some(comma_list(nth, |s, k| {
                    s.push_str(itoa::Buffer::new().format(*k));
                    s.push_str(rrule_day(*day));
                })),
                None,
            ),
            Recurrence::MonthlyDate { days } => (
                "MONTHLY",
                None,
                Some(comma_list(days, |s, d| {
                    s.push_str(itoa::Buffer::new().format(*d))
                })),
            ),
        };
        out.push(Schedule {
            byday,
            bymonthday,
            closes_at: rule.time.as_ref().map(|t| Shown(HourMinute(t.end))),
            description: rule.describe_ja(),
            freq: Some(freq),
            id: sh.ids.of("schedule", &[&r.id, "#", n.format(i)]),
            notes: rule.note.as_deref(),
            opens_at: rule.time.as_ref().map(|t| Shown(HourMinute(t.start))),
            service_id,
        });
    }
    let closed = r.schedule.closed.describe_ja();
    if closed.is_some() || r.schedule.note.is_some() {
        let description = match (closed, &r.schedule.note) {
            (Some(c), Some(n)) => format!("{c}。{n}"),
            (Some(c), None) => c,
            (None, Some(n)) => n.clone(),
            (None, None) => unreachable!("one of them is set"),
        };
        out.push(Schedule {
            byday: None,
            bymonthday: None,
            closes_at: None,
            description,
            freq: None,
            id: sh.ids.of("schedule", &[&r.id, "#note"]),
            notes: None,
            opens_at: None,
            service_id,
        });
    }
    out
}

fn accessibility<'a>(
    sh: &Shared<'_>,
    r: &'a Resource,
    location_id: Id,
) -> Option<[Accessibility<'a>; 1]> {
    let mut description = String::new();
    for f in Feature::ALL {
        let known = match r.accessibility.get(f) {
            Tri::Yes => "あり",
            Tri::No => "なし",
            Tri::Unknown => continue,
        };
        if !description.is_empty() {
            description.push('、');
        }
        description.push_str(f.ja());
        description.push_str(": ");
        description.push_str(known);
    }
    if description.is_empty() && r.accessibility.note.is_none() {
        return None;
    }
    Some([Accessibility {
        description,
        details: r.accessibility.note.as_deref(),
        id: sh.ids.of("accessibility", &[&r.id]),
        location_id,
    }])
}

/// One resource as an HSDS service, with the id of its organization.
fn service<'a>(sh: &'a Shared<'a>, r: &'a Resource) -> Service<'a> {
    let ids = &sh.ids;
    let sid = ids.of("service", &[&r.id]);
    let lid = ids.of("location", &[&r.id]);
    // Without an operating organisation, the facility runs itself (a clinic, a school gym).
    let org_name = r.organization.as_deref().unwrap_or(&r.name);
    let oid = ids.of("organization", &[org_name]);
    let page = || PageUrl(sh.base, &r.id);
    let attributes = r
        .categories
        .iter()
        .filter_map(|c| sh.terms.get(c.as_str()).map(|t| (c, t)))
        .map(|(c, term)| Attribute {
            id: ids.of("attribute", &[&r.id, "#", c]),
            link_entity: "service",
            link_id: sid,
            link_type: "service",
            taxonomy_term: term,
            taxonomy_term_id: term.id,
        })
        .collect();
    let addresses = r.address.as_ref().map(|a| {
        // HSDS requires state_province and postal_code: the prefecture from the address
        // (or the site's), and "" when the postal code is not known.
        let (pref, _) = crate::import::kinds::split_prefecture(&a.text);
        [Address {
            address_1: &a.text,
            address_type: "physical",
            city: sh.city,
            country: "JP",
            id: ids.of("address", &[&r.id]),
            location_id: lid,
            postal_code: a.postal_code.as_deref().unwrap_or_default(),
            region: a.town.as_deref(),
            state_province: if pref.is_empty() { sh.site_pref } else { pref },
        }]
    });
    let location = Location {
        accessibility: accessibility(sh, r, lid),
        addresses,
        description: r
            .location
            .filter(|l| l.approximate)
            .map(|_| "位置は町字の代表点です（おおよその位置）。"),
        external_identifier: &r.id,
        external_identifier_type: "tsunagu",
        id: lid,
        latitude: r.location.map(|l| l.lat),
        location_type: "physical",
        longitude: r.location.map(|l| l.lon),
        name: &r.name,
        url: Shown(page()),
    };
    let modified = r
        .verified
        .as_ref()
        .map(|v| v.date)
        .or(r.source.as_ref().and_then(|s| s.imported));
    Service {
        alternate_name: r.name_kana.as_deref(),
        assured_date: r.verified.as_ref().map(|v| Shown(v.date)),
        attributes,
        description: &r.description,
        eligibility_description: r.audience.as_deref(),
        email: r.email.as_deref(),
        fees_description: r.fees.as_deref(),
        id: sid,
        last_modified: modified.map(|d| Shown(Midnight(d))),
        name: &r.name,
        organization: Organization {
            description: &sh.org_description,
            id: oid,
            name: org_name,
        },
        organization_id: oid,
        phones: r.phone.as_deref().map(|p| {
            [Phone {
                id: ids.of("phone", &[&r.id]),
                number: p,
                service_id: sid,
                kind: "voice",
            }]
        }),
        schedules: schedules(sh, r, sid),
        service_at_locations: [ServiceAtLocation {
            id: ids.of("service_at_location", &[&r.id]),
            location,
            location_id: lid,
            service_id: sid,
        }],
        status: if r.status == Status::Suspended {
            "temporarily closed"
        } else {
            "active"
        },
        url: match &r.url {
            Some(u) => UrlOrPage::Own(u),
            None => UrlOrPage::Page(page()),
        },
    }
}

/// One run of services as JSON bytes, with the organization ids (and names) it refers to.
type RunOutput<'a> = (Vec<u8>, Vec<(Id, &'a str)>);

/// `services.json` (in parts) and then `organizations.json` for `resources` (the
/// published ones, in id order), handed to `sink`: services are serialised straight into
/// bytes, a run of them per task, a chunk of runs at a time.
pub fn write<S: super::Sink>(
    content: &Content,
    resources: &[&Resource],
    sink: &mut S,
) -> Result<(), S::Error> {
    use rayon::prelude::*;
    let sh = Shared::new(content);
    // Only one chunk's services are held at a time (at 100,000 resources the whole file
    // is 260 MB). Within a chunk, each task writes a run of services into one buffer.
    const CHUNK: usize = 4096;
    const RUN: usize = 128;
    // Organizations by id, the first name seen for each (ids come from names, so every
    // resource with that id has the same name); written in id order.
    let mut orgs: BTreeMap<Id, &str> = BTreeMap::new();
    sink.begin("data/hsds/services.json")?;
    sink.part(b"[")?;
    for (c, chunk) in resources.chunks(CHUNK).enumerate() {
        let parts: Vec<RunOutput<'_>> = chunk
            .par_chunks(RUN)
            .enumerate()
            .map(|(r, run)| {
                let mut bytes = Vec::with_capacity(run.len() * 2048 + 1);
                let mut org_ids = Vec::with_capacity(run.len());
                for (i, res) in run.iter().enumerate() {
                    // Every service but the file's first follows a comma.
                    if i > 0 || c > 0 || r > 0 {
                        bytes.push(b',');
                    }
                    let s = service(&sh, res);
                    org_ids.push((s.organization.id, s.organization.name));
                    // Serialising into a Vec fails only if a value refuses, and none does.
                    serde_json::to_writer(&mut bytes, &s).expect("HSDS values serialise");
                }
                (bytes, org_ids)
            })
            .collect();
        for (bytes, org_ids) in parts {
            sink.part(&bytes)?;
            for (id, name) in org_ids {
                orgs.entry(id).or_insert(name);
            }
        }
    }
    sink.part(b"]")?;
    sink.end(resources.len())?;
    let organizations: Vec<Organization<'_>> = orgs
        .into_iter()
        .map(|(id, name)| Organization {
            description: &sh.org_description,
            id,
            name,
        })
        .collect();
    let organizations = serde_json::to_vec(&organizations).expect("HSDS values serialise");
    sink.file(OutputFile::new(
        "data/hsds/organizations.json",
        organizations,
    ))
}
