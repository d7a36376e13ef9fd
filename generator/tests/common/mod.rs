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

/// Decodes the QR code drawn by an inline `<svg class="qr">` (one unit per module,
/// rows of `M x y h len v1 H x z` runs) with a real QR decoder.
pub fn decode_qr_svg(svg: &str) -> String {
    let vb = &svg[svg.find("viewBox=\"0 0 ").expect("viewBox") + 13..];
    let size: usize = vb[..vb.find(' ').unwrap()].parse().unwrap();
    let d = &svg[svg.find(" d=\"").unwrap() + 4..];
    let d = &d[..d.find('"').unwrap()];
    let mut dark = vec![false; size * size];
    for seg in d.split('M').filter(|p| !p.is_empty()) {
        let (xy, rest) = seg.split_once('h').unwrap();
        let (x, y) = xy.split_once(' ').unwrap();
        let len: usize = rest.split('v').next().unwrap().parse().unwrap();
        let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
        for i in x..x + len {
            dark[y * size + i] = true;
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
