//! The written index: chunk boundaries let a client find every token, postings decode
//! to the positions the tokenizer produced, and files are named by their content.

use std::collections::HashMap;

use serde_json::Value;
use tsunagu_search::{Document, Field, Options, build};

fn doc(name: &str, kana: &str, filters: &[&str]) -> Document<'static> {
    Document {
        parts: vec![
            (Field::Name, name.to_string().into()),
            (Field::Kana, kana.to_string().into()),
            (
                Field::Description,
                format!("{name}の紹介。電話 0562-92-{:04}", name.len()).into(),
            ),
        ],
        filters: filters.iter().map(|s| s.to_string()).collect(),
        location: Some((35.05, 137.01)),
        display: serde_json::json!({ "id": name }).to_string(),
    }
}

fn files(docs: &[Document<'_>], opts: &Options) -> HashMap<String, Value> {
    build(docs.to_vec(), opts)
        .files
        .into_iter()
        .map(|f| {
            (
                f.path,
                serde_json::from_slice(&f.bytes).expect("every file is JSON"),
            )
        })
        .collect()
}

fn corpus() -> Vec<Document<'static>> {
    let names = [
        "子ども食堂",
        "体操教室",
        "ふれあいサロン",
        "移動スーパー",
        "𠮷田サロン",
        "ＡＥＤ設置場所",
        "沓掛町公民館",
    ];
    names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            doc(
                n,
                "かな",
                if i % 2 == 0 {
                    &["c:a"]
                } else {
                    &["c:b", "d:tue"]
                },
            )
        })
        .collect()
}

/// The client picks the last chunk whose first token is <= the token, comparing in
/// UTF-16 order (JavaScript's); every token must be in the chunk it picks.
#[test]
fn every_token_is_in_the_chunk_the_client_picks() {
    let files = files(
        &corpus(),
        &Options {
            chunk_bytes: 120,
            ..Options::default()
        },
    );
    let manifest = &files["search/manifest.json"];
    let index = manifest["index"].as_array().unwrap();
    assert!(
        index.len() > 5,
        "small chunks should give many chunks, got {}",
        index.len()
    );
    let firsts: Vec<Vec<u16>> = index
        .iter()
        .map(|e| e[0].as_str().unwrap().encode_utf16().collect())
        .collect();
    assert!(
        firsts.windows(2).all(|w| w[0] < w[1]),
        "chunk boundaries sorted in UTF-16 order"
    );
    let mut tokens = 0;
    for (i, entry) in index.iter().enumerate() {
        let chunk = &files[&format!("search/index/{i}-{}.json", entry[1].as_str().unwrap())];
        for token in chunk.as_object().unwrap().keys() {
            let t: Vec<u16> = token.encode_utf16().collect();
            let picked = firsts.iter().rposition(|f| *f <= t).unwrap();
            assert_eq!(picked, i, "token {token:?}");
            tokens += 1;
        }
    }
    assert!(tokens > 40);
    // 𠮷 (U+20BB7) sorts before ｘ in UTF-16 but after it in UTF-8: the tokens are there.
    assert!(files.values().any(|v| v.get("𠮷田").is_some()));
}

#[test]
fn postings_hold_doc_field_and_ordinal() {
    let files = files(&corpus(), &Options::default());
    let chunk = files
        .iter()
        .find(|(p, v)| p.starts_with("search/index/") && v.get("食堂").is_some())
        .unwrap()
        .1;
    // Doc 0, one position: 食堂 is the 4th bigram (ordinal 3) of the name (field 0); and
    // in the description (field 5) at ordinal 3 too.
    assert_eq!(chunk["食堂"], serde_json::json!([0, 2, 3 * 8, 3 * 8 + 5]));
}

#[test]
fn filters_docs_and_geo_files_are_listed_in_the_manifest() {
    let files = files(
        &corpus(),
        &Options {
            docs_per_chunk: 3,
            ..Options::default()
        },
    );
    let m = &files["search/manifest.json"];
    let tue = &m["filters"]["d:tue"];
    assert_eq!(tue[1], 3);
    assert_eq!(
        files[&format!("search/filter/{}.json", tue[0].as_str().unwrap())],
        serde_json::json!([1, 2, 2])
    );
    let docs = m["docs"]["hashes"].as_str().unwrap();
    assert_eq!(docs.len(), 3 * 8); // 7 docs, 3 per chunk, 8 hex digits each
    assert_eq!(
        files[&format!("search/doc/2-{}.json", &docs[16..24])],
        serde_json::json!([{ "id": "沓掛町公民館" }])
    );
    let geo = &files[&format!("search/geo/0-{}.json", m["geo"]["hashes"].as_str().unwrap())];
    assert_eq!(geo.as_array().unwrap().len(), 14);
}

#[test]
fn file_names_follow_content() {
    let a = build(corpus(), &Options::default());
    let b = build(corpus(), &Options::default());
    let names =
        |i: &tsunagu_search::Index| i.files.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "same content, same names");
    let mut changed = corpus();
    changed[0].parts[0].1 = "子ども食堂 ひまわり".into();
    let c = build(changed, &Options::default());
    assert_ne!(names(&a), names(&c));
}

/// The generator builds through `build_with` (documents made on the indexing threads);
/// it must write exactly the files `build` writes from the same documents.
#[test]
fn build_with_writes_the_same_files_as_build() {
    let docs = corpus();
    let opts = Options {
        chunk_bytes: 120,
        ..Options::default()
    };
    let whole = tsunagu_search::build(docs.clone(), &opts);
    let made = tsunagu_search::build_with(docs.len(), |n| docs[n].clone(), &opts);
    let files = |i: &tsunagu_search::Index| -> Vec<(String, Vec<u8>)> {
        i.files
            .iter()
            .map(|f| (f.path.clone(), f.bytes.clone()))
            .collect()
    };
    assert!(whole.files.len() > 5);
    assert_eq!(files(&made), files(&whole));
    // No documents: still a manifest (and nothing is made).
    let empty = tsunagu_search::build_with(0, |_| unreachable!(), &opts);
    assert!(empty.files.iter().any(|f| f.path == "search/manifest.json"));
}
