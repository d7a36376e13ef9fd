//! GeoJSON (RFC 7946) of the published resources: `/data/resources.geojson` and one file
//! per category (`/data/categories/<id>.geojson`, the category and its descendants).
//!
//! This is the public contract the edge reads to answer 周辺資源, and what a
//! municipality's other systems can read: positions are [lon, lat] (RFC 7946 §3.1.1),
//! and `approximate` says when a point is only the 町字's representative point.
//!
//! Each feature is serialised once and the bytes are reused for every file it belongs
//! to, so a 100,000-resource site does not serialise a feature once per category.

use geojson::{Feature, Geometry, JsonObject, Value, feature::Id};
use serde_json::json;

use crate::build::index::Index;
use crate::model::{Resource, Status};

/// Absolute URL of a resource's page.
pub fn page_url(base_url: &str, id: &str) -> String {
    format!("{base_url}/resources/{id}/")
}

/// The GeoJSON feature of one resource, or `None` without a location.
pub fn feature(base_url: &str, r: &Resource) -> Option<Feature> {
    let loc = r.location?;
    let mut props = JsonObject::new();
    props.insert("id".into(), json!(r.id));
    props.insert("name".into(), json!(r.name));
    props.insert("name_kana".into(), json!(r.name_kana));
    props.insert("categories".into(), json!(r.categories));
    props.insert(
        "address".into(),
        json!(r.address.as_ref().map(|a| a.text.as_str())),
    );
    props.insert("phone".into(), json!(r.phone));
    props.insert("url".into(), json!(page_url(base_url, &r.id)));
    props.insert("approximate".into(), json!(loc.approximate));
    props.insert(
        "status".into(),
        json!(if r.status == Status::Suspended {
            "suspended"
        } else {
            "active"
        }),
    );
    Some(Feature {
        bbox: None,
        geometry: Some(Geometry::new(Value::Point(vec![loc.lon, loc.lat]))),
        id: Some(Id::String(r.id.clone())),
        properties: Some(props),
        foreign_members: None,
    })
}

fn collection<'b>(features: impl Iterator<Item = Option<&'b [u8]>>) -> Vec<u8> {
    let mut out = Vec::with_capacity(1024);
    out.extend_from_slice(br#"{"type":"FeatureCollection","features":["#);
    let mut first = true;
    for f in features.flatten() {
        if !first {
            out.push(b',');
        }
        first = false;
        out.extend_from_slice(f);
    }
    out.extend_from_slice(b"]}\n");
    out
}

/// Every GeoJSON file as (path under public/, bytes), handed one at a time to `sink`
/// so that only one collection is in memory at once.
pub fn files<E>(
    ix: &Index<'_>,
    mut sink: impl FnMut(String, Vec<u8>) -> Result<(), E>,
) -> Result<(), E> {
    use rayon::prelude::*;
    let base = ix.content.site.base_url.as_str();
    let encoded: Vec<Option<Vec<u8>>> = ix
        .published
        .par_iter()
        .map(|r| {
            feature(base, r).map(|f| serde_json::to_vec(&f).expect("a Feature always serialises"))
        })
        .collect();
    let in_order = |members: &[usize]| -> Vec<u8> {
        // Files list features by id, the order `published` already has.
        let mut m = members.to_vec();
        m.sort_unstable();
        collection(m.into_iter().map(|i| encoded[i].as_deref()))
    };
    sink(
        "data/resources.geojson".into(),
        collection(encoded.iter().map(|e| e.as_deref())),
    )?;
    for node in &ix.categories {
        sink(
            format!("data/categories/{}.geojson", node.cat.id),
            in_order(&node.members),
        )?;
    }
    Ok(())
}
