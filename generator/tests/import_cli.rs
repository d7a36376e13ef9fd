//! The `tsunagu import` command as a user runs it: messages on stderr in the
//! `file:row: column: reason` form, the summary table on stdout, exit codes.

mod import_support;

use std::process::Command;

use import_support::*;

fn tsunagu() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tsunagu"))
}

#[test]
fn prints_row_messages_and_the_summary() {
    let c = content_dir();
    let f = fixture("mhlw-kaigo-170-duplicate.csv");
    let out = tsunagu()
        .arg("import")
        .arg(&f)
        .arg("--content")
        .arg(c.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stderr.contains(&format!("{}:3: 事業所番号: 事業所番号 4470300981 は 2 行目と重複しています（取り込みませんでした）", f.display())),
        "{stderr}"
    );
    assert!(
        stdout.contains("取り込み結果:") && stdout.contains("追加") && stdout.contains("うち重複"),
        "{stdout}"
    );
}

#[test]
fn a_failed_import_exits_non_zero_and_writes_nothing() {
    let c = content_dir();
    let out = tsunagu()
        .args(["import", "--encoding", "utf-8", "--content"])
        .arg(c.path())
        .arg(fixture("shinagawa-toilet-sjis.csv"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("UTF-8 として読めないバイトがあります"),
        "{stderr}"
    );
    assert!(resource_files(c.path()).is_empty());
}

#[test]
fn list_names_the_kinds() {
    let out = tsunagu().args(["import", "--list"]).output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("gsi-emergency")
            && stdout.contains("std-aed")
            && stdout.contains("--mapping"),
        "{stdout}"
    );
}
