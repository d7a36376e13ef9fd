//! The golden vectors shared with the browser port (see golden.json's comment).

use serde_json::Value;
use tsunagu_search::normalize;
use tsunagu_search::tokenize::{Token, index_tokens, query_terms};

fn golden() -> Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden.json"))
        .expect("golden.json is readable");
    serde_json::from_str(&text).expect("golden.json is valid JSON")
}

#[test]
fn normalize_matches_golden() {
    let g = golden();
    let mut failures = Vec::new();
    for case in g["normalize"].as_array().unwrap() {
        let (input, want) = (case[0].as_str().unwrap(), case[1].as_str().unwrap());
        let got = normalize(input);
        if got != want {
            failures.push(format!("{input:?}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn index_tokens_match_golden() {
    let g = golden();
    for case in g["index_tokens"].as_array().unwrap() {
        let input = case[0].as_str().unwrap();
        let mut toks: Vec<Token> = Vec::new();
        index_tokens(&normalize(input), 0, &mut toks);
        let got: Vec<Value> = toks
            .into_iter()
            .map(|t| serde_json::json!([t.text, t.ord]))
            .collect();
        assert_eq!(Value::Array(got), case[1], "index tokens of {input:?}");
    }
}

#[test]
fn query_terms_match_golden() {
    let g = golden();
    for case in g["query_terms"].as_array().unwrap() {
        let input = case[0].as_str().unwrap();
        let got: Vec<Value> = query_terms(input)
            .into_iter()
            .map(|term| {
                Value::Array(
                    term.into_iter()
                        .map(|t| serde_json::json!([t.text, t.ord, t.prefix]))
                        .collect(),
                )
            })
            .collect();
        assert_eq!(Value::Array(got), case[1], "query terms of {input:?}");
    }
}
