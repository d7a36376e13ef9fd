//! 国土地理院 指定緊急避難場所・指定避難所 GeoJSON (one FeatureCollection per 団体, as split
//! by jp-shelter-api; or the national file). Rows are features, numbered from 1.
//! Files of the `{"type":"unavailable"}` form (政令市 wards filed under the city) hold no
//! rows and are reported as such.

use serde::Deserialize;
use serde_json::Value;

use super::{Input, Kind, Parsed, place, resource_id};
use crate::import::ImportError;
use crate::import::geocode::TownTable;
use crate::import::record::{AddressDraft, Draft};
use crate::import::report::Skip;
use crate::import::text::{self, Coord};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Emergency,
    Shelter,
}

/// Hazard columns of the emergency file, in the order GSI lists them.
pub const HAZARDS: [&str; 8] = [
    "洪水",
    "崖崩れ、土石流及び地滑り",
    "高潮",
    "地震",
    "津波",
    "大規模な火事",
    "内水氾濫",
    "火山現象",
];

#[derive(Deserialize)]
struct Collection {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    features: Vec<Feature>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct Feature {
    geometry: Option<Geometry>,
    #[serde(default)]
    properties: Props,
}

/// The properties the import reads, by their position in `PROPS`; every other one is
/// skipped unread instead of building a map of all of them (115,000 features of about 17
/// properties in the national file).
#[derive(Default)]
struct Props([Option<Value>; PROPS.len()]);

const PROPS: [&str; 17] = [
    "都道府県名及び市町村名",
    "共通ID",
    "施設・場所名",
    "住所",
    "指定避難所との住所同一",
    "受入対象者",
    "その他市町村長が必要と認める事項",
    "指定緊急避難場所との住所同一",
    "備考",
    HAZARDS[0],
    HAZARDS[1],
    HAZARDS[2],
    HAZARDS[3],
    HAZARDS[4],
    HAZARDS[5],
    HAZARDS[6],
    HAZARDS[7],
];

/// A property name, as its position in `PROPS` (`None` for one the import does not read).
struct PropKey(Option<usize>);

impl<'de> Deserialize<'de> for PropKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl serde::de::Visitor<'_> for KeyVisitor {
            type Value = PropKey;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a property name")
            }
            fn visit_str<E>(self, v: &str) -> Result<PropKey, E> {
                Ok(PropKey(PROPS.iter().position(|k| *k == v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

impl<'de> Deserialize<'de> for Props {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct PropsVisitor;
        impl<'de> serde::de::Visitor<'de> for PropsVisitor {
            type Value = Props;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Props, A::Error> {
                let mut out = Props::default();
                while let Some(PropKey(k)) = map.next_key()? {
                    match k {
                        // A repeated name: the last one counts, as in a JSON object map.
                        Some(i) => out.0[i] = Some(map.next_value()?),
                        None => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_map(PropsVisitor)
    }
}

impl Props {
    /// The property as text: a string as it is, a number as JSON writes it, else empty.
    fn get(&self, key: &str) -> String {
        let i = PROPS
            .iter()
            .position(|k| *k == key)
            .expect("every property read is listed in PROPS");
        match &self.0[i] {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        }
    }
}

#[derive(Deserialize)]
struct Geometry {
    #[serde(default)]
    coordinates: Vec<f64>,
}

pub fn detect(text: &str) -> Option<Kind> {
    if text.contains("\"受入対象者\"") || text.contains("\"指定緊急避難場所との住所同一\"")
    {
        Some(Kind::GsiShelter)
    } else if text.contains("\"指定避難所との住所同一\"") || text.contains("\"大規模な火事\"")
    {
        Some(Kind::GsiEmergency)
    } else {
        None
    }
}

fn prop(p: &Props, key: &str) -> String {
    p.get(key)
}

pub fn parse(input: &Input, towns: &TownTable, which: Which) -> Result<Parsed, ImportError> {
    let coll: Collection = serde_json::from_str(input.text.trim_start_matches('\u{FEFF}'))
        .map_err(|e| ImportError::Json {
            file: input.file.to_string(),
            line: e.line(),
            reason: e.to_string(),
        })?;
    let mut out = Parsed::default();
    let file = &input.file;
    if coll.kind != "FeatureCollection" {
        out.warn(
            file,
            0,
            "type",
            format!(
                "「{}」のファイルで、データはありません（{}）",
                coll.kind,
                coll.name.unwrap_or_default()
            ),
        );
        return Ok(out);
    }
    let (prefix, label) = match which {
        Which::Emergency => ("gsi-emergency", "emergency-site"),
        Which::Shelter => ("gsi-shelter", "shelter"),
    };
    for (i, f) in coll.features.iter().enumerate() {
        let row = i as u64 + 1;
        out.read += 1;
        let p = &f.properties;
        if !input.wants(&[&prop(p, "都道府県名及び市町村名"), &prop(p, "共通ID")]) {
            out.other_city += 1;
            continue;
        }
        let sid = prop(p, "共通ID").trim().to_string();
        if sid.is_empty() {
            out.skip(file, row, "共通ID", "共通ID が空です", Skip::MissingId);
            continue;
        }
        let Some(name) = text::name(&prop(p, "施設・場所名")) else {
            out.skip(file, row, "施設・場所名", "名称が空です", Skip::MissingName);
            continue;
        };
        let mut address = text::address(&prop(p, "住所")).map(|t| AddressDraft {
            postal_code: None,
            text: t,
            town: None,
        });
        let coord = match f.geometry.as_ref().map(|g| g.coordinates.as_slice()) {
            Some([lon, lat, ..]) => text::check_pair(*lat, *lon),
            _ => Coord::Missing,
        };
        let location = place(
            &mut out,
            file,
            row,
            "geometry",
            coord,
            address.as_mut(),
            towns,
        );
        let mut lines = Vec::new();
        let mut tags = Vec::new();
        match which {
            Which::Emergency => {
                for h in HAZARDS {
                    if text::flag(&prop(p, h)) == Some(true) {
                        tags.push(h.to_string());
                    }
                }
                if !tags.is_empty() {
                    lines.push(format!("- 対象とする災害: {}", tags.join("、")));
                }
                if prop(p, "指定避難所との住所同一") == "1" {
                    lines.push("- 指定避難所と同じ住所です".to_string());
                }
            }
            Which::Shelter => {
                if let Some(t) = text::free(&prop(p, "受入対象者")) {
                    lines.push(format!("- 受入対象者: {t}"));
                }
                if let Some(t) = text::free(&prop(p, "その他市町村長が必要と認める事項"))
                {
                    lines.push(format!("- {t}"));
                }
                if prop(p, "指定緊急避難場所との住所同一") == "1" {
                    lines.push("- 指定緊急避難場所と同じ住所です".to_string());
                }
            }
        }
        if let Some(t) = text::free(&prop(p, "備考")) {
            lines.push(format!("- 備考: {t}"));
        }
        let title = match which {
            Which::Emergency => "国土地理院の指定緊急避難場所データによる情報です。",
            Which::Shelter => "国土地理院の指定避難所データによる情報です。",
        };
        let description = if lines.is_empty() {
            title.to_string()
        } else {
            format!("{title}\n\n{}", lines.join("\n"))
        };
        out.drafts.push(Draft {
            line: row,
            scope: sid.chars().take(6).collect(),
            id: resource_id(prefix, &sid),
            source_id: sid,
            name,
            categories: vec![label.to_string()],
            tags,
            description: Some(description),
            address,
            location,
            ..Draft::default()
        });
    }
    Ok(out)
}
