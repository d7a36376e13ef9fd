//! `tsunagu import` of the 国土地理院 指定緊急避難場所・指定避難所 GeoJSON (豊明市, real data):
//! every feature imported with its own coordinates, ids stable, a second run changes
//! nothing, hand edits survive a re-import, and rows that disappear are closed.

mod import_support;

use import_support::*;
use tsunagu::import::report::Skip;

#[test]
fn toyoake_emergency_and_shelters_are_imported_with_their_own_points() {
    let c = content_dir();
    let files = [
        fixture("gsi-emergency-232297.json"),
        fixture("gsi-evacuation-232297.json"),
    ];
    let o = run(&args(c.path(), &files));
    assert_eq!(
        (o.summary.read, o.summary.added, o.summary.skipped_total()),
        (124, 124, 0)
    );
    assert_eq!(
        resource_files(c.path())
            .iter()
            .filter(|f| f.starts_with("gsi-emergency-"))
            .count(),
        65
    );
    assert_eq!(
        resource_files(c.path())
            .iter()
            .filter(|f| f.starts_with("gsi-shelter-"))
            .count(),
        59
    );

    let v = yaml(c.path(), "gsi-emergency-e2322900001201");
    assert_eq!(v["name"].as_str(), Some("豊明小学校グラウンド"));
    assert_eq!(v["categories"][0].as_str(), Some("emergency-site"));
    assert_eq!(v["location"]["lat"].as_f64(), Some(35.049311));
    assert_eq!(v["location"]["lon"].as_f64(), Some(137.000341));
    assert_eq!(v["location"]["approximate"].as_bool(), Some(false));
    assert_eq!(v["address"]["town"].as_str(), Some("阿野町"));
    assert_eq!(v["tags"][0].as_str(), Some("地震"));
    assert_eq!(v["source"]["id"].as_str(), Some("E2322900001201"));
    assert_eq!(v["source"]["dataset"].as_str(), Some("gsi-emergency"));

    // A name written with circled digits keeps them (NFKC would have made it "(20棟)").
    assert_eq!(
        yaml(c.path(), "gsi-shelter-e2322900001113")["name"].as_str(),
        Some("豊明小学校（⑳棟）")
    );

    // The first import into an empty directory moves a whole directory into place: it must
    // not keep the temporary directory's private mode.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(c.path().join("resources"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o755);
    }
    assert!(std::fs::read_dir(c.path()).unwrap().all(|e| {
        !e.unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with(".tsunagu-import")
    }));

    // The loader accepts every imported file.
    let content = load(c.path());
    assert_eq!(content.resources.len(), 124);
    assert!(
        content
            .resources
            .iter()
            .all(|r| r.location.is_some_and(|l| !l.approximate))
    );
}

#[test]
fn a_second_import_changes_nothing() {
    let c = content_dir();
    let files = [fixture("gsi-emergency-232297.json")];
    run(&args(c.path(), &files));
    let before: Vec<String> = resource_files(c.path())
        .iter()
        .map(|f| read(c.path(), f.trim_end_matches(".yaml")))
        .collect();
    let mut a = args(c.path(), &files);
    a.date = chrono::NaiveDate::from_ymd_opt(2026, 12, 1);
    let o = run(&a);
    assert_eq!(
        (
            o.summary.added,
            o.summary.updated,
            o.summary.unchanged,
            o.summary.closed
        ),
        (0, 0, 65, 0)
    );
    assert!(o.written.is_empty());
    let after: Vec<String> = resource_files(c.path())
        .iter()
        .map(|f| read(c.path(), f.trim_end_matches(".yaml")))
        .collect();
    assert_eq!(
        before, after,
        "files must be byte-identical, including source.imported"
    );
}

#[test]
fn reimport_keeps_hand_edits_updates_owned_fields_and_closes_removed_rows() {
    let c = content_dir();
    let work = tempfile::tempdir().unwrap();
    let edition1 = work.path().join("232297.json");
    std::fs::copy(fixture("gsi-emergency-232297.json"), &edition1).unwrap();
    run(&args(c.path(), std::slice::from_ref(&edition1)));

    // The municipality takes over the name of one record and adds a phone and a comment.
    let id = "gsi-emergency-e2322900001201";
    let path = c.path().join("resources").join(format!("{id}.yaml"));
    let edited = read(c.path(), id)
        .replace(
            "name: 豊明小学校グラウンド",
            "# 市で名称を修正（2026-11-30）\nname: 豊明市立豊明小学校 運動場",
        )
        .replace(
            "fields: [name, tags, description, address, location]",
            "fields: [tags, description, address, location]",
        )
        .replace("status: active", "phone: 0562-92-1111\nstatus: active");
    std::fs::write(&path, &edited).unwrap();

    // The next edition: the dataset renames that site and another, and drops a third.
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&edition1).unwrap()).unwrap();
    let feats = json["features"].as_array_mut().unwrap();
    let dropped = feats
        .iter()
        .position(|f| f["properties"]["共通ID"] == "E2322900001203")
        .unwrap();
    feats.remove(dropped);
    for f in feats.iter_mut() {
        if f["properties"]["共通ID"] == "E2322900001201" {
            f["properties"]["施設・場所名"] = "豊明小学校運動場".into();
            f["properties"]["地震"] = "".into();
            f["properties"]["洪水"] = "1".into();
        }
        if f["properties"]["共通ID"] == "E2322900001202" {
            f["properties"]["施設・場所名"] = "豊明小学校 新体育館".into();
        }
    }
    std::fs::write(&edition1, serde_json::to_string(&json).unwrap()).unwrap();
    let mut a = args(c.path(), &[edition1]);
    a.date = chrono::NaiveDate::from_ymd_opt(2027, 4, 1);
    let o = run(&a);
    assert_eq!(
        (o.summary.added, o.summary.updated, o.summary.closed),
        (0, 2, 1),
        "{:?}",
        o.updated
    );

    let text = read(c.path(), id);
    assert!(
        text.contains("# 市で名称を修正（2026-11-30）\nname: 豊明市立豊明小学校 運動場\n"),
        "hand-edited name kept:\n{text}"
    );
    assert!(
        text.contains("phone: 0562-92-1111\n"),
        "hand-added phone kept:\n{text}"
    );
    assert!(
        text.contains("tags: [洪水]\n"),
        "owned tags updated:\n{text}"
    );
    assert!(text.contains("imported: 2027-04-01"));
    assert_eq!(
        yaml(c.path(), "gsi-emergency-e2322900001202")["name"].as_str(),
        Some("豊明小学校 新体育館")
    );

    // Removed from the dataset: kept, marked 終了, not deleted.
    let closed = yaml(c.path(), "gsi-emergency-e2322900001203");
    assert_eq!(closed["status"].as_str(), Some("closed"));
    assert_eq!(closed["source"]["imported"].as_str(), Some("2027-04-01"));
    assert_eq!(
        closed["name"].as_str(),
        Some("豊明小学校（①棟）"),
        "the rest of the record is kept"
    );
    let content = load(c.path());
    assert_eq!(
        content
            .resources
            .iter()
            .filter(|r| r.status == tsunagu::model::Status::Closed)
            .count(),
        1
    );
}

#[test]
fn importing_another_town_does_not_close_the_first() {
    let c = content_dir();
    run(&args(c.path(), &[fixture("gsi-emergency-232297.json")]));
    let o = run(&args(c.path(), &[fixture("gsi-emergency-232343.json")]));
    assert_eq!(o.summary.closed, 0);
    assert_eq!(o.summary.added, 17);
}

#[test]
fn placeholder_files_hold_no_rows_and_say_so() {
    let c = content_dir();
    let mut a = args(
        c.path(),
        &[fixture("gsi-emergency-231011-unavailable.json")],
    );
    a.dataset = Some("gsi-emergency".into());
    let o = run(&a);
    assert_eq!(o.summary.read, 0);
    let i = &o.issues[0];
    assert_eq!((i.row, i.column.as_str(), i.skip), (0, "type", None));
    assert!(i.message.contains("unavailable"), "{}", i.message);
}

#[test]
fn a_file_imported_twice_in_one_run_is_reported_once_as_duplicate() {
    let c = content_dir();
    let f = fixture("gsi-evacuation-232297.json");
    let o = run(&args(c.path(), &[f.clone(), f]));
    assert_eq!(o.summary.added, 59);
    assert_eq!(o.summary.skipped.get(&Skip::Duplicate), Some(&59));
}

#[test]
fn one_site_split_into_two_records_at_the_same_point_stays_two_records() {
    // 東海市: 「三ツ池小学校　グラウンド」 and 「三ツ池小学校　体育館」, same coordinates.
    let c = content_dir();
    let o = run(&args(
        c.path(),
        &[fixture("gsi-emergency-232220-slice.json")],
    ));
    assert_eq!(o.summary.added, 2);
    let a = yaml(c.path(), "gsi-emergency-e2322200003201");
    let b = yaml(c.path(), "gsi-emergency-e2322200003202");
    assert_eq!(a["name"].as_str(), Some("三ツ池小学校\u{3000}グラウンド"));
    assert_eq!(b["name"].as_str(), Some("三ツ池小学校\u{3000}体育館"));
    assert_eq!(a["location"], b["location"]);
    load(c.path());
}

#[test]
fn conditions_in_remarks_full_width_addresses_and_nationwide_numbers() {
    let c = content_dir();
    let o = run(&args(
        c.path(),
        &[
            fixture("gsi-emergency-232025-slice.json"),
            fixture("gsi-emergency-232165-slice.json"),
        ],
    ));
    assert_eq!(o.summary.added, 4);
    // 岡崎市: 「2階以上」 in 備考 is shown with the record.
    let v = yaml(c.path(), "gsi-emergency-e2320200005201");
    assert!(
        v["description"]
            .as_str()
            .unwrap()
            .contains("- 備考: 2階以上"),
        "{:?}",
        v["description"]
    );
    // `NO` (61,000-odd: the row in the national file) is not the id; 共通ID is.
    assert_eq!(v["source"]["id"].as_str(), Some("E2320200005201"));
    // 常滑市: 「愛知県常滑市栄町３地内」 → half-width digits, the 町字 found.
    let t = yaml(c.path(), "gsi-emergency-e2321600006201");
    assert_eq!(t["address"]["text"].as_str(), Some("愛知県常滑市栄町3地内"));
    assert_eq!(t["address"]["town"].as_str(), Some("栄町三丁目"));
    assert_eq!(t["location"]["approximate"].as_bool(), Some(false));
}

#[test]
fn sites_in_another_town_keep_their_own_address_and_point() {
    // 清須市 lists a shelter in あま市; 名古屋市 lists one in 豊山町 written without 郡, and
    // every 名古屋市 record is filed under 「愛知県名古屋市」, not the ward.
    let c = content_dir();
    let mut a = args(
        c.path(),
        &[
            fixture("gsi-evacuation-232335.json"),
            fixture("gsi-emergency-231002-slice.json"),
        ],
    );
    a.city = Some("清須市".into());
    let o = run(&a);
    assert_eq!(
        o.summary.added, 22,
        "every row of 清須市's file, あま市's site included"
    );
    let v = yaml(c.path(), "gsi-shelter-e2323300001111");
    assert_eq!(
        v["address"]["text"].as_str(),
        Some("愛知県あま市西今宿阿弥陀寺56")
    );
    assert_eq!(v["address"]["town"].as_str(), Some("西今宿"));
    assert_eq!(v["location"]["approximate"].as_bool(), Some(false));

    let c2 = content_dir();
    let mut a = args(c2.path(), &[fixture("gsi-emergency-231002-slice.json")]);
    a.city = Some("名古屋市".into());
    let o = run(&a);
    assert_eq!(o.summary.added, 1);
    let m = yaml(c2.path(), "gsi-emergency-e2310000001201");
    assert_eq!(m["name"].as_str(), Some("中央卸売市場北部市場"));
    assert_eq!(m["address"]["town"].as_str(), Some("大字豊場"));
}

#[test]
fn empty_values_written_as_null_or_empty_string_read_the_same() {
    // 豊明市 指定避難所: その他市町村長が必要と認める事項 / 受入対象者 are JSON null in 11
    // features and "" in others; both mean "nothing".
    let src = std::fs::read_to_string(fixture("gsi-evacuation-232297.json")).unwrap();
    assert!(src.contains("\"受入対象者\": null") && src.contains("\"受入対象者\": \"\""));
    let c = content_dir();
    let o = run(&args(c.path(), &[fixture("gsi-evacuation-232297.json")]));
    assert_eq!(o.summary.added, 59);
    for f in resource_files(c.path()) {
        let text = std::fs::read_to_string(c.path().join("resources").join(&f)).unwrap();
        assert!(!text.contains("null"), "{f}: {text}");
    }
}
