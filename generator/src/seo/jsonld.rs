//! schema.org JSON-LD for a resource page, typed by its primary category
//! (`schema_type` on the category, inherited from its parent, "Place" at the root).
//!
//! The object is a struct that borrows from the record and is serialised straight into
//! the script text (once per resource page, 100,000 times for a large corpus): building
//! a `serde_json::Value` first cost a map insert and a key allocation per field, and
//! escaping `</` afterwards a second pass and copy. Fields are declared in byte order
//! of their names, the order a `serde_json` object map (sorted) used to give, so the
//! text is the same.

use std::io;

use chrono::Timelike;
use serde::{Serialize, Serializer};

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

/// A time as "HH:MM" (schema.org `opens` / `closes`).
struct HhMm(chrono::NaiveTime);

impl Serialize for HhMm {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (h, m) = (self.0.hour(), self.0.minute());
        let digits = [
            b'0' + (h / 10) as u8,
            b'0' + (h % 10) as u8,
            b':',
            b'0' + (m / 10) as u8,
            b'0' + (m % 10) as u8,
        ];
        s.serialize_str(std::str::from_utf8(&digits).expect("ASCII digits"))
    }
}

#[derive(Serialize)]
struct Hours {
    #[serde(rename = "@type")]
    kind: &'static str,
    closes: HhMm,
    #[serde(rename = "dayOfWeek")]
    day_of_week: Vec<&'static str>,
    opens: HhMm,
}

#[derive(Serialize)]
struct Address<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "addressCountry")]
    country: &'static str,
    #[serde(rename = "postalCode", skip_serializing_if = "Option::is_none")]
    postal_code: Option<&'a str>,
    #[serde(rename = "streetAddress")]
    street: &'a str,
}

#[derive(Serialize)]
struct Geo {
    #[serde(rename = "@type")]
    kind: &'static str,
    latitude: f64,
    longitude: f64,
}

/// The JSON-LD object of one resource page (see [`resource`]).
#[derive(Serialize)]
pub struct JsonLd<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@id")]
    id: &'a str,
    #[serde(rename = "@type")]
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<Address<'a>>,
    #[serde(rename = "alternateName", skip_serializing_if = "Option::is_none")]
    alternate_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    geo: Option<Geo>,
    name: &'a str,
    #[serde(
        rename = "openingHoursSpecification",
        skip_serializing_if = "Vec::is_empty"
    )]
    opening_hours: Vec<Hours>,
    #[serde(rename = "sameAs", skip_serializing_if = "Option::is_none")]
    same_as: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    telephone: Option<&'a str>,
    url: &'a str,
}

/// openingHoursSpecification from the weekly rules that have a time. Monthly rules
/// (第2木曜, 毎月15日) have no schema.org form and are left to the page text.
fn opening_hours(r: &Resource) -> Vec<Hours> {
    r.schedule
        .rules
        .iter()
        .filter_map(|rule| match (&rule.when, &rule.time) {
            (Recurrence::Weekly { days }, Some(t)) => Some(Hours {
                kind: "OpeningHoursSpecification",
                day_of_week: days.iter().map(|d| day_url(*d)).collect(),
                opens: HhMm(t.start),
                closes: HhMm(t.end),
            }),
            _ => None,
        })
        .collect()
}

/// The JSON-LD object for `r`, whose page is at `page_url`.
pub fn resource<'a>(
    r: &'a Resource,
    schema_type: &'a str,
    page_url: &'a str,
    description: &'a str,
) -> JsonLd<'a> {
    JsonLd {
        context: "https://schema.org",
        id: page_url,
        kind: schema_type,
        address: r.address.as_ref().map(|a| Address {
            kind: "PostalAddress",
            country: "JP",
            postal_code: a.postal_code.as_deref(),
            street: &a.text,
        }),
        alternate_name: r.name_kana.as_deref(),
        description: (!description.is_empty()).then_some(description),
        email: r.email.as_deref(),
        geo: r.location.map(|l| Geo {
            kind: "GeoCoordinates",
            latitude: l.lat,
            longitude: l.lon,
        }),
        name: &r.name,
        opening_hours: opening_hours(r),
        same_as: r.url.as_deref(),
        telephone: r.phone.as_deref(),
        url: page_url,
    }
}

/// Writes JSON text with every `</` turned into `<\/`, so that no field can close the
/// script element early. It remembers whether the last byte written was `<`, because
/// the two characters may arrive in separate writes.
struct ScriptSafe {
    out: Vec<u8>,
    after_lt: bool,
}

impl io::Write for ScriptSafe {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        if self.after_lt && rest.first() == Some(&b'/') {
            self.out.push(b'\\');
        }
        while let Some(i) = rest.windows(2).position(|w| w == b"</") {
            self.out.extend_from_slice(&rest[..=i]);
            self.out.push(b'\\');
            rest = &rest[i + 1..];
        }
        self.out.extend_from_slice(rest);
        if let Some(&last) = buf.last() {
            self.after_lt = last == b'<';
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Serialised for a `<script type="application/ld+json">`, with `</` escaped.
pub fn to_script(v: &JsonLd<'_>) -> String {
    let mut w = ScriptSafe {
        out: Vec::with_capacity(1024),
        after_lt: false,
    };
    serde_json::to_writer(&mut w, v).expect("JSON-LD fields serialise");
    String::from_utf8(w.out).expect("serde_json writes UTF-8")
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::ScriptSafe;

    fn through(parts: &[&str]) -> String {
        let mut w = ScriptSafe {
            out: Vec::new(),
            after_lt: false,
        };
        for p in parts {
            w.write_all(p.as_bytes()).unwrap();
        }
        String::from_utf8(w.out).unwrap()
    }

    #[test]
    fn script_end_tags_are_escaped_even_across_writes() {
        assert_eq!(
            through(&[r#"{"a":"x</script><"#, "/b></"]),
            r#"{"a":"x<\/script><\/b><\/"#
        );
        assert_eq!(through(&["<", "<", "/", "/"]), r"<<\//");
        assert_eq!(through(&["a < b / c"]), "a < b / c");
    }

    /// The struct's fields must come out in the order of a sorted JSON object, the
    /// order pages had when the object was a `serde_json::Value`: checked on every
    /// record of the sample content (addresses, kana, hours, e-mail, web sites).
    #[test]
    fn fields_come_out_in_sorted_object_order() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let loaded = crate::load::load(&root.join("content")).expect("sample content loads");
        let mut with_hours = 0;
        for r in &loaded.content.resources {
            let url = format!("https://tsunagu.example.jp/resources/{}/", r.id);
            let ld = super::resource(r, "Place", &url, "説明 </script>");
            let sorted = serde_json::to_string(&serde_json::to_value(&ld).unwrap()).unwrap();
            let script = super::to_script(&ld);
            assert_eq!(script, sorted.replace("</", "<\\/"), "{}", r.id);
            with_hours += usize::from(script.contains("openingHoursSpecification"));
        }
        assert!(with_hours > 0, "the sample has weekly hours to check");
    }
}
