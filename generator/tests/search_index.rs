//! The search adapter on the search fixture site (tests/fixtures/site-search): what is
//! searchable and filterable, as the browser suite relies on it.

use std::path::Path;

use tsunagu::search_index::documents;
use tsunagu_search::Field;

fn fixture() -> tsunagu::model::Content {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/site-search");
    tsunagu::load::load(&dir)
        .unwrap_or_else(|d| panic!("fixture loads: {d:?}"))
        .content
}

fn find<'a>(
    docs: &'a [tsunagu_search::Document<'a>],
    id: &str,
) -> Option<&'a tsunagu_search::Document<'a>> {
    docs.iter().find(|d| display(d)["id"] == id)
}

/// The result record as the browser reads it (documents carry it as JSON text).
fn display(d: &tsunagu_search::Document) -> serde_json::Value {
    serde_json::from_str(&d.display).expect("display is JSON")
}

#[test]
fn closed_resources_are_not_searchable_but_suspended_ones_are() {
    let content = fixture();
    let docs = documents(&content);
    assert!(find(&docs, "closed-old-taiso").is_none());
    let magome = find(&docs, "magome-salon").expect("suspended resource is indexed");
    assert_eq!(display(magome)["x"], true);
}

#[test]
fn category_filters_include_parents_and_days_come_from_the_schedule() {
    let content = fixture();
    let docs = documents(&content);
    let d = find(&docs, "kutsukake-yunosato-kayoinoba").unwrap();
    for f in [
        "c:salon",
        "c:hobby",
        "c:kayoinoba",
        "d:tue",
        "d:fri",
        "d:thu",
        "a:wheelchair",
        "n:accepting",
    ] {
        assert!(
            d.filters.iter().any(|x| x == f),
            "missing {f} in {:?}",
            d.filters
        );
    }
    // 毎月10日 meets on no fixed weekday; sign language is "no", not "yes".
    let f = find(&docs, "futamuradai-salon").unwrap();
    assert!(
        !f.filters.iter().any(|x| x.starts_with("d:")),
        "{:?}",
        f.filters
    );
    assert!(!d.filters.iter().any(|x| x == "a:sign_language"));
}

#[test]
fn readings_of_known_words_are_indexed_with_the_kana() {
    let content = fixture();
    let docs = documents(&content);
    let d = find(&docs, "kutsukake-yunosato-kayoinoba").unwrap();
    // Tag 体操 → たいそう, so a resident typing たいそう finds it.
    assert!(
        d.parts
            .iter()
            .any(|(f, t)| *f == Field::Kana && t == "たいそう"),
        "{:?}",
        d.parts
    );
}

#[test]
fn documents_are_in_reading_order() {
    let content = fixture();
    let docs = documents(&content);
    let kana: Vec<String> = docs
        .iter()
        .map(|d| {
            let v = display(d);
            tsunagu_search::normalize(v["k"].as_str().or(v["n"].as_str()).unwrap())
        })
        .collect();
    let mut sorted = kana.clone();
    sorted.sort();
    assert_eq!(kana, sorted);
}
