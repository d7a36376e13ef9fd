//! Open Referral HSDS 3.0 JSON: `data/hsds/services.json` (an array of full service objects,
//! as the HSDS API's `/services/{id}` returns them, each with its organization, its
//! service_at_location and location, schedules, phones and category attributes) and
//! `data/hsds/organizations.json`.
//!
//! Ids are UUIDv5 derived from the portal's base URL and the resource id, so they are the
//! same in every build and differ between municipalities. A consumer finds the portal's
//! own id in `location.external_identifier` (type "tsunagu").

use std::collections::BTreeMap;

use serde_json::{Value, json};
use uuid::Uuid;

use crate::model::{Category, Content, Feature, Recurrence, Resource, Status, Tri, Weekday};

/// Stable id of one HSDS object: `kind` is "service", "location", "organization" …
pub fn uuid(base_url: &str, kind: &str, key: &str) -> String {
    let ns = Uuid::new_v5(&Uuid::NAMESPACE_URL, base_url.as_bytes());
    Uuid::new_v5(&ns, format!("{kind}:{key}").as_bytes()).to_string()
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

fn schedules(base: &str, r: &Resource, service_id: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let descriptions = r.schedule.describe_rules();
    for (i, rule) in r.schedule.rules.iter().enumerate() {
        let mut s = json!({
            "id": uuid(base, "schedule", &format!("{}#{i}", r.id)),
            "service_id": service_id,
            "description": descriptions.get(i).cloned().unwrap_or_default(),
        });
        match &rule.when {
            Recurrence::Weekly { days } => {
                s["freq"] = json!("WEEKLY");
                s["byday"] = json!(
                    days.iter()
                        .map(|d| rrule_day(*d))
                        .collect::<Vec<_>>()
                        .join(",")
                );
            }
            Recurrence::MonthlyNth { nth, day } => {
                s["freq"] = json!("MONTHLY");
                s["byday"] = json!(
                    nth.iter()
                        .map(|n| format!("{n}{}", rrule_day(*day)))
                        .collect::<Vec<_>>()
                        .join(",")
                );
            }
            Recurrence::MonthlyDate { days } => {
                s["freq"] = json!("MONTHLY");
                s["bymonthday"] =
                    json!(days.iter().map(u8::to_string).collect::<Vec<_>>().join(","));
            }
        }
        if let Some(t) = &rule.time {
            s["opens_at"] = json!(t.start.format("%H:%M").to_string());
            s["closes_at"] = json!(t.end.format("%H:%M").to_string());
        }
        if let Some(n) = &rule.note {
            s["notes"] = json!(n);
        }
        out.push(s);
    }
    let mut notes: Vec<String> = Vec::new();
    if let Some(c) = r.schedule.closed.describe_ja() {
        notes.push(c);
    }
    if let Some(n) = &r.schedule.note {
        notes.push(n.clone());
    }
    if !notes.is_empty() {
        out.push(json!({
            "id": uuid(base, "schedule", &format!("{}#note", r.id)),
            "service_id": service_id,
            "description": notes.join("。"),
        }));
    }
    out
}

fn accessibility(base: &str, r: &Resource, location_id: &str) -> Vec<Value> {
    let known: Vec<String> = Feature::ALL
        .iter()
        .filter_map(|f| match r.accessibility.get(*f) {
            Tri::Yes => Some(format!("{}: あり", f.ja())),
            Tri::No => Some(format!("{}: なし", f.ja())),
            Tri::Unknown => None,
        })
        .collect();
    if known.is_empty() && r.accessibility.note.is_none() {
        return Vec::new();
    }
    let mut a = json!({
        "id": uuid(base, "accessibility", &r.id),
        "location_id": location_id,
        "description": known.join("、"),
    });
    if let Some(n) = &r.accessibility.note {
        a["details"] = json!(n);
    }
    vec![a]
}

fn organization(base: &str, content: &Content, r: &Resource) -> (String, Value) {
    // Without an operating organisation, the facility runs itself (a clinic, a school gym).
    let name = r.organization.clone().unwrap_or_else(|| r.name.clone());
    let id = uuid(base, "organization", &name);
    let org = json!({
        "id": id,
        "name": name,
        "description": format!("{}の地域資源ポータルに掲載されている団体・施設です。", content.site.name.ja),
    });
    (id, org)
}

fn service(content: &Content, r: &Resource, cats: &BTreeMap<&str, &Category>) -> Value {
    let base = content.site.base_url.as_str();
    let sid = uuid(base, "service", &r.id);
    let lid = uuid(base, "location", &r.id);
    let (oid, org) = organization(base, content, r);
    let page = crate::geo::page_url(base, &r.id);
    let mut s = json!({
        "id": sid,
        "organization_id": oid,
        "name": r.name,
        "description": r.description,
        "url": r.url.clone().unwrap_or_else(|| page.clone()),
        "status": if r.status == Status::Suspended { "temporarily closed" } else { "active" },
        "organization": org,
    });
    if let Some(k) = &r.name_kana {
        s["alternate_name"] = json!(k);
    }
    if let Some(e) = &r.email {
        s["email"] = json!(e);
    }
    if let Some(f) = &r.fees {
        s["fees_description"] = json!(f);
    }
    if let Some(a) = &r.audience {
        s["eligibility_description"] = json!(a);
    }
    if let Some(v) = &r.verified {
        s["assured_date"] = json!(v.date.to_string());
    }
    let modified = r
        .verified
        .as_ref()
        .map(|v| v.date)
        .or(r.source.as_ref().and_then(|s| s.imported));
    if let Some(d) = modified {
        s["last_modified"] = json!(format!("{d}T00:00:00Z"));
    }
    if let Some(p) = &r.phone {
        s["phones"] = json!([{ "id": uuid(base, "phone", &r.id), "service_id": sid, "number": p, "type": "voice" }]);
    }
    let sch = schedules(base, r, &sid);
    if !sch.is_empty() {
        s["schedules"] = json!(sch);
    }
    let attributes: Vec<Value> = r
        .categories
        .iter()
        .filter_map(|c| cats.get(c.as_str()))
        .map(|c| {
            let term = uuid(base, "taxonomy_term", &c.id);
            json!({
                "id": uuid(base, "attribute", &format!("{}#{}", r.id, c.id)),
                "link_id": sid,
                "link_type": "service",
                "link_entity": "service",
                "taxonomy_term_id": term,
                "taxonomy_term": {
                    "id": term,
                    "code": c.id,
                    "name": c.name.ja,
                    "description": c.name.en,
                    "taxonomy": "tsunagu",
                    "language": "ja",
                },
            })
        })
        .collect();
    s["attributes"] = json!(attributes);
    let mut location = json!({
        "id": lid,
        "location_type": "physical",
        "name": r.name,
        "external_identifier": r.id,
        "external_identifier_type": "tsunagu",
        "url": page,
    });
    if let Some(l) = r.location {
        location["latitude"] = json!(l.lat);
        location["longitude"] = json!(l.lon);
        if l.approximate {
            location["description"] = json!("位置は町字の代表点です（おおよその位置）。");
        }
    }
    if let Some(a) = &r.address {
        // HSDS requires state_province and postal_code: the prefecture from the address
        // (or the site's), and "" when the postal code is not known.
        let (pref, _) = crate::import::kinds::split_prefecture(&a.text);
        let site_pref = crate::import::kinds::split_prefecture(&content.site.contact.department).0;
        let mut addr = json!({
            "id": uuid(base, "address", &r.id),
            "location_id": lid,
            "address_1": a.text,
            "city": content.site.name.ja,
            "state_province": if pref.is_empty() { site_pref } else { pref },
            "postal_code": a.postal_code.clone().unwrap_or_default(),
            "country": "JP",
            "address_type": "physical",
        });
        if let Some(t) = &a.town {
            addr["region"] = json!(t);
        }
        location["addresses"] = json!([addr]);
    }
    let acc = accessibility(base, r, &lid);
    if !acc.is_empty() {
        location["accessibility"] = json!(acc);
    }
    s["service_at_locations"] = json!([{
        "id": uuid(base, "service_at_location", &r.id),
        "service_id": sid,
        "location_id": lid,
        "location": location,
    }]);
    s
}

/// `services.json` and `organizations.json` for `resources` (the published ones, in id
/// order): each service is built and serialised on its own, so only bytes are kept.
pub fn files(content: &Content, resources: &[&Resource]) -> (Vec<u8>, Vec<u8>) {
    use rayon::prelude::*;
    let cats: BTreeMap<&str, &Category> = content
        .categories
        .iter()
        .map(|c| (c.id.as_str(), c))
        .collect();
    // Services are serialised in parallel a chunk at a time and appended at once, so
    // only one chunk's pieces sit beside the growing file (at 100,000 resources, all
    // the pieces plus the assembled file were 400 MB). The file's capacity is guessed
    // from the first chunk so it is not reallocated (and briefly held twice) as it grows.
    const CHUNK: usize = 4096;
    let mut services: Vec<u8> = Vec::new();
    let mut orgs: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    services.push(b'[');
    for (c, chunk) in resources.chunks(CHUNK).enumerate() {
        let parts: Vec<(Vec<u8>, String, Vec<u8>)> = chunk
            .par_iter()
            .map(|r| {
                let s = service(content, r, &cats);
                // Serialising a Value cannot fail.
                let org = serde_json::to_vec(&s["organization"]).expect("JSON values serialise");
                let id = s["organization"]["id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                (
                    serde_json::to_vec(&s).expect("JSON values serialise"),
                    id,
                    org,
                )
            })
            .collect();
        if c == 0 {
            let len: usize = parts.iter().map(|p| p.0.len() + 1).sum();
            let estimate = len / chunk.len().max(1) * resources.len();
            services.reserve(estimate + estimate / 16 + 2);
        }
        for (i, (bytes, org_id, org)) in parts.into_iter().enumerate() {
            if c > 0 || i > 0 {
                services.push(b',');
            }
            services.extend_from_slice(&bytes);
            orgs.entry(org_id).or_insert(org);
        }
    }
    services.push(b']');
    let mut organizations = vec![b'['];
    for (i, org) in orgs.into_values().enumerate() {
        if i > 0 {
            organizations.push(b',');
        }
        organizations.extend_from_slice(&org);
    }
    organizations.push(b']');
    (services, organizations)
}
