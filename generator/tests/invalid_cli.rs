//! The command line on bad content: `tsunagu check` prints each problem as
//! `path:line:col: message` and exits 1; `tsunagu build` refuses to write and leaves an
//! existing `public/` byte for byte as it was.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/invalid")
        .join(name)
}

/// (fixture, a line `check` must print).
const CASES: &[(&str, &str)] = &[
    (
        "broken-yaml",
        "resources/sakae-taiso.yaml:5:5: YAMLの構文エラー:",
    ),
    (
        "wrong-type",
        "resources/sakae-taiso.yaml:6:8: 項目「location.lat」: 数値を書いてください（「北緯35度」は数値ではありません）。",
    ),
    (
        "unknown-field",
        "resources/sakae-taiso.yaml:5:1: 項目「adress」: 不明な項目です。もしかして「address」?",
    ),
    (
        "unknown-category",
        "resources/sakae-taiso.yaml:4:24: 項目「categories」: 不明なカテゴリ「salonn」です。もしかして「salon」?",
    ),
    (
        "duplicate-id",
        "resources/salons/zengo-salon.yaml:1:5: 項目「id」: id「zengo-salon」が resources/imported/zengo-salon.yaml:1:5 と重複しています。",
    ),
    (
        "swapped-coordinates",
        "resources/sakae-taiso.yaml:6:8: 項目「location」: 緯度と経度が入れ替わっているようです",
    ),
    (
        "bad-municipal-code",
        "site.yaml:4:7: 項目「code」: 全国地方公共団体コード「232296」の検査数字（6桁目）が正しくありません。",
    ),
    (
        "alias-bomb",
        "resources/lol.yaml:4:4: YAMLのアンカー（&）は使えません。",
    ),
    (
        "over-size-cap",
        "resources/huge.yaml:1:1: ファイルが大きすぎます（301 KiB。上限は 256 KiB）。",
    ),
    (
        "bad-schedule",
        "resources/kutsukake-salon.yaml:7:24: 項目「schedule.rules[1].monthly_nth[2]」: 第6週はありません。",
    ),
    (
        "non-utf8",
        "resources/sakae-taiso.yaml:2:7: 文字コードがUTF-8ではありません",
    ),
];

#[test]
fn check_prints_each_problem_and_exits_1() {
    for (name, line) in CASES {
        let out = Command::new(env!("CARGO_BIN_EXE_tsunagu"))
            .arg("check")
            .arg("--content")
            .arg(fixture(name))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(
            stderr
                .lines()
                .chain(stdout.lines())
                .any(|l| l.starts_with(line)),
            "{name}: expected a line starting with\n{line}\ngot:\n{stderr}{stdout}"
        );
    }
}

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((
                    p.strip_prefix(dir).unwrap().to_owned(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn build_refuses_and_leaves_public_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let public = tmp.path().join("public");
    std::fs::create_dir_all(public.join("resources/old")).unwrap();
    std::fs::write(
        public.join("index.html"),
        "<!doctype html><title>前回のビルド</title>",
    )
    .unwrap();
    std::fs::write(public.join("resources/old/index.html"), "前回のページ").unwrap();
    let before = snapshot(&public);
    for (name, line) in CASES {
        let out = Command::new(env!("CARGO_BIN_EXE_tsunagu"))
            .args(["build", "--quiet", "--content"])
            .arg(fixture(name))
            .arg("--out")
            .arg(&public)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success(),
            "{name}: build succeeded on bad content"
        );
        assert!(
            stderr.contains(line),
            "{name}: expected {line} in\n{stderr}"
        );
        assert_eq!(snapshot(&public), before, "{name}: public/ changed");
    }
    // Nothing was left beside public/ either (no half-written staging directory).
    let entries: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(entries, ["public"]);
}

#[test]
fn check_passes_on_the_sample_municipality() {
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    let out = Command::new(env!("CARGO_BIN_EXE_tsunagu"))
        .arg("check")
        .arg("--content")
        .arg(&content)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    // Warnings are printed but are not errors.
    assert!(
        stderr
            .lines()
            .all(|l| !l.contains(".yaml:") || l.contains("警告: ")),
        "{stderr}"
    );
}
