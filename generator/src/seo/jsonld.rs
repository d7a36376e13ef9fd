//! schema.org JSON-LD for a resource page, typed by its primary category
//! (`schema_type` on the category, inherited from its parent, "Place" at the root).

use serde_json::{Map, Value, json};

use crate::model::{Recurrence, Resource, Weekday};

fn day_url(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "https://schema.org/Monday",
        Weekday::Tue => "https://schema.org/Tuesday",
        Weekday::Wed => "https://schema.org/Wednesday",
        Weekday::Thu => "https://schema.org/Thursday",
        Weekday::Fri => "https://schema.org/Friday",
        Weekday::Sat => "https://schema.org/Saturday",
        Weekday::Sun => "https://schema.org/Sunday",
    }
}

/// openingHoursSpecification from the weekly rules that have a time. Monthly rules
/// (第2木曜, 毎月15日) have no schema.org form and are left to the page text.
fn opening_hours(r: &Resource) -> Vec<Value> {
    r.schedule
        .rules
        .iter()
        .filter_map(|rule| match (&rule.when, &rule.time) {
            (Recurrence::Weekly { days }, Some(t)) => Some(json!({
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": days.iter().map(|d| day_url(*d)).collect::<Vec<_>>(),
                "opens": t.start.format("%H:%M").to_string(),
                "closes": t.end.format("%H:%M").to_string(),
            })),
            _ => None,
        })
        .collect()
}

/// The JSON-LD object for `r`, whose page is at `page_url`.
pub fn resource(r: &Resource, schema_type: &str, page_url: &str, description: &str) -> Value {
    let mut o = Map::new();
    o.insert("@context".into(), json!("https://schema.org"));
    o.insert("@type".into(), json!(schema_type));
    o.insert("@id".into(), json!(page_url));
    o.insert("url".into(), json!(page_url));
    o.insert("name".into(), json!(r.name));
    if let Some(k) = &r.name_kana {
        o.insert("alternateName".into(), json!(k));
    }
    if !description.is_empty() {
        o.insert("description".into(), json!(description));
    }
    if let Some(a) = &r.address {
        let mut addr = Map::new();
        addr.insert("@type".into(), json!("PostalAddress"));
        addr.insert("addressCountry".into(), json!("JP"));
        if let Some(p) = &a.postal_code {
            addr.insert("postalCode".into(), json!(p));
        }
        addr.insert("streetAddress".into(), json!(a.text));
        o.insert("address".into(), Value::Object(addr));
    }
    if let Some(l) = r.location {
        o.insert(
            "geo".into(),
            json!({"@type": "GeoCoordinates", "latitude": l.lat, "longitude": l.lon}),
        );
    }
    if let Some(p) = &r.phone {
        o.insert("telephone".into(), json!(p));
    }
    if let Some(e) = &r.email {
        o.insert("email".into(), json!(e));
    }
    if let Some(u) = &r.url {
        o.insert("sameAs".into(), json!(u));
    }
    let hours = opening_hours(r);
    if !hours.is_empty() {
        o.insert("openingHoursSpecification".into(), Value::Array(hours));
    }
    Value::Object(o)
}

/// Serialised for a `<script type="application/ld+json">`: `</` is escaped so that no
/// field can close the script element early.
pub fn to_script(v: &Value) -> String {
    serde_json::to_string(v)
        .expect("JSON values serialise")
        .replace("</", "<\\/")
}
