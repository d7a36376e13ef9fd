//! Shared helpers for the pipeline's integration tests: build a fixture site from
//! `tests/fixtures/<name>/` into a temporary directory with a fixed build date.

#![allow(dead_code)] // each test file uses a different subset

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use tempfile::TempDir;
use tsunagu::build::{self, BuildError, BuildOptions, BuildReport, Silent};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

pub fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures").join(name)
}

/// The date every fixture build counts "next dates" from, so pages are reproducible.
pub fn build_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

pub fn options(site_root: &Path, out: &Path) -> BuildOptions {
    let mut o = BuildOptions::new(site_root.join("content"), repo_root().join("themes"), out);
    o.today = Some(build_date());
    o
}

pub fn build_site(site_root: &Path, out: &Path) -> Result<BuildReport, BuildError> {
    build::build(&options(site_root, out), &Silent)
}

/// Builds fixture `name` into a fresh temporary directory; returns it and `public/`.
pub fn build_fixture(name: &str) -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    if let Err(e) = build_site(&fixture(name), &out) {
        if let BuildError::Invalid(diags) = &e {
            for d in diags {
                eprintln!("{d}");
            }
        }
        panic!("fixture {name} failed to build: {e}");
    }
    (dir, out)
}

/// Copies a directory tree (to make a modified copy of a fixture).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes, by relative path.
pub fn snapshot_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                walk(base, &e.path(), out);
            } else {
                let rel = e
                    .path()
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(e.path()).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The fixture's resource records as YAML values, by id.
pub fn fixture_records(name: &str) -> BTreeMap<String, serde_yaml::Value> {
    let dir = fixture(name).join("content/resources");
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        let v: serde_yaml::Value =
            serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        out.insert(v["id"].as_str().unwrap().to_string(), v);
    }
    out
}

pub fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Decodes the QR code drawn by an inline `<svg class="qr">` (one unit per module; the
/// dark modules are horizontal strokes one unit wide, `M x y.5 h len m dx dy h len …`,
/// read here by the SVG path rules for those commands) with a real QR decoder.
pub fn decode_qr_svg(svg: &str) -> String {
    let vb = &svg[svg.find("viewBox=\"0 0 ").expect("viewBox") + 13..];
    let size: usize = vb[..vb.find(' ').unwrap()].parse().unwrap();
    assert!(
        svg.contains(r##"<path fill="none" stroke="#000" d=""##),
        "dark modules are unfilled strokes of the default width 1: {svg}"
    );
    let d = &svg[svg.find(" d=\"").unwrap() + 4..];
    let d = &d[..d.find('"').unwrap()];
    let mut dark = vec![false; size * size];
    // Tokens: a command letter followed by its numbers.
    let mut tokens = Vec::new();
    let mut cur = String::new();
    for c in d.chars() {
        if c.is_ascii_alphabetic() {
            if !cur.is_empty() {
                tokens.push(std::mem::take(&mut cur));
            }
            tokens.push(c.to_string());
        } else if c == ' ' || c == ',' {
            if !cur.is_empty() {
                tokens.push(std::mem::take(&mut cur));
            }
        } else {
            if c == '-' && !cur.is_empty() {
                tokens.push(std::mem::take(&mut cur));
            }
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        tokens.push(cur);
    }
    let (mut x, mut y) = (0.0f64, 0.0f64);
    let mut it = tokens.iter();
    let num = |t: Option<&String>| -> f64 { t.expect("number").parse().expect("number") };
    while let Some(cmd) = it.next() {
        match cmd.as_str() {
            "M" => (x, y) = (num(it.next()), num(it.next())),
            "m" => {
                x += num(it.next());
                y += num(it.next());
            }
            "h" | "H" => {
                let to = if cmd == "h" {
                    x + num(it.next())
                } else {
                    num(it.next())
                };
                // A stroke of width 1 centred on y covers the row [y - 0.5, y + 0.5].
                assert_eq!(y.fract(), 0.5, "stroke centred on a row: {d}");
                let row = y.floor() as usize;
                let (a, b) = (x.min(to), x.max(to));
                assert!(a.fract() == 0.0 && b.fract() == 0.0, "whole modules: {d}");
                for i in a as usize..b as usize {
                    dark[row * size + i] = true;
                }
                x = to;
            }
            other => panic!("unexpected path command {other:?} in {d}"),
        }
    }
    let scale = 4;
    let mut img = rqrr::PreparedImage::prepare_from_bitmap(size * scale, size * scale, |x, y| {
        dark[(y / scale) * size + x / scale]
    });
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    grids[0].decode().expect("QR decodes").1
}
