//! Shared helpers for the import and export tests: fixture paths, a fresh content
//! directory with the sample's site.yaml and categories.yaml, and running an import.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use tsunagu::import::{self, ImportArgs, Outcome, report::Issue};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures/opendata").join(name)
}

/// A temporary content directory: site.yaml and categories.yaml of the sample, no resources.
pub fn content_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in ["site.yaml", "categories.yaml"] {
        std::fs::copy(repo().join("content").join(f), dir.path().join(f)).unwrap();
    }
    dir
}

pub fn args(content: &Path, files: &[PathBuf]) -> ImportArgs {
    ImportArgs {
        files: files.to_vec(),
        dataset: None,
        mapping: None,
        encoding: None,
        content: content.to_path_buf(),
        city: None,
        dry_run: false,
        date: chrono::NaiveDate::from_ymd_opt(2026, 11, 22),
        list: false,
        quiet: true,
    }
}

pub fn run(a: &ImportArgs) -> Outcome {
    import::run(a).unwrap_or_else(|e| panic!("import failed: {e}"))
}

pub fn read(content: &Path, id: &str) -> String {
    std::fs::read_to_string(content.join("resources").join(format!("{id}.yaml")))
        .unwrap_or_else(|e| panic!("{id}: {e}"))
}

pub fn yaml(content: &Path, id: &str) -> serde_yaml::Value {
    serde_yaml::from_str(&read(content, id)).unwrap()
}

/// The 1-based line of the first line of `file` containing `needle` (for expected row numbers).
pub fn line_of(file: &Path, needle: &str) -> u64 {
    let bytes = std::fs::read(file).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    text.split('\n')
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} not in {}", file.display())) as u64
        + 1
}

/// The issue about `row`, if any, whose message contains `needle`.
pub fn issue<'a>(o: &'a Outcome, row: u64, needle: &str) -> Option<&'a Issue> {
    o.issues
        .iter()
        .find(|i| i.row == row && i.message.contains(needle))
}

pub fn resource_files(content: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(content.join("resources"))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Loads the content directory with the real loader: imported files must pass it.
pub fn load(content: &Path) -> tsunagu::model::Content {
    match tsunagu::load::load(content) {
        Ok(l) => l.content,
        Err(diags) => panic!(
            "loader rejected imported content:\n{}",
            diags
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

/// The one imported record named `name`.
pub fn by_name(content: &Path, name: &str) -> serde_yaml::Value {
    let found: Vec<serde_yaml::Value> = resource_files(content)
        .iter()
        .map(|f| yaml(content, f.trim_end_matches(".yaml")))
        .filter(|v| v["name"].as_str() == Some(name))
        .collect();
    assert_eq!(found.len(), 1, "records named {name}");
    found.into_iter().next().unwrap()
}
