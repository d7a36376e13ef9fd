//! 自治体標準オープンデータセット and older 推奨 layouts, from real municipal files:
//! Shift_JIS, mojibake, metadata lines, duplicate column names, swapped or broken
//! coordinates, blank rows, half-width kana, and a municipality's own CSV via a mapping.

mod import_support;

use import_support::*;
use tsunagu::import::decode::{Detected, Encoding};
use tsunagu::import::report::Skip;
use tsunagu::import::{ImportError, run as import_run};

#[test]
fn shift_jis_toilets_with_four_image_columns() {
    let c = content_dir();
    let o = run(&args(c.path(), &[fixture("shinagawa-toilet-sjis.csv")]));
    assert_eq!(o.encodings[0].1, Detected::ShiftJis);
    // Only the row with an accessible toilet is imported; every other row says why not.
    assert_eq!(o.summary.added, 1);
    assert_eq!(o.summary.skipped.get(&Skip::NotApplicable), Some(&20));
    let i = o.issues.iter().find(|i| i.row == 2).unwrap();
    assert!(i.message.contains("バリアフリートイレ"), "{}", i.message);
    let file = &resource_files(c.path())[0];
    let v = yaml(c.path(), file.trim_end_matches(".yaml"));
    assert_eq!(v["name"].as_str(), Some("新馬場北公衆便所"));
    assert_eq!(v["categories"][0].as_str(), Some("accessible-toilet"));
    assert_eq!(
        v["accessibility"]["accessible_toilet"].as_str(),
        Some("yes")
    );
    assert_eq!(v["source"]["dataset"].as_str(), Some("std-toilet"));
    // 「オストメイト(有、無)」 (parentheses and 「、」 in the name) is empty in every row of
    // the file: unknown, so not written as "no".
    assert!(v["accessibility"].get("ostomate").is_none(), "{v:?}");
    load(c.path());
}

#[test]
fn forcing_the_wrong_encoding_fails_and_writes_nothing() {
    let c = content_dir();
    let mut a = args(
        c.path(),
        &[
            fixture("gsi-emergency-232297.json"),
            fixture("shinagawa-toilet-sjis.csv"),
        ],
    );
    a.encoding = Some(Encoding::Utf8);
    match import_run(&a) {
        Err(ImportError::Decode { file, .. }) => {
            assert!(file.ends_with("shinagawa-toilet-sjis.csv"))
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(
        resource_files(c.path()).is_empty(),
        "a failed import writes nothing, not even the good file"
    );
}

#[test]
fn an_unrecognised_file_fails_the_whole_import() {
    let c = content_dir();
    let a = args(
        c.path(),
        &[
            fixture("gsi-emergency-232297.json"),
            fixture("takamatsu-aed.csv"),
        ],
    );
    let e = import_run(&a).unwrap_err();
    assert!(matches!(e, ImportError::Undetected { .. }), "{e}");
    assert!(e.to_string().contains("--dataset"), "{e}");
    assert!(resource_files(c.path()).is_empty());
}

#[test]
fn mojibake_is_repaired_and_swapped_coordinates_put_right() {
    let c = content_dir();
    let f = fixture("ishikawa-aed-mojibake.csv");
    let o = run(&args(c.path(), std::slice::from_ref(&f)));
    assert_eq!(o.encodings[0].1, Detected::RepairedMojibake);
    assert_eq!(o.summary.added, 6);
    let v = yaml(c.path(), "aed-170003-ff0000000216");
    assert_eq!(v["name"].as_str(), Some("石川県警察本部（総合受付）"));
    assert_eq!(v["location"]["lat"].as_f64(), Some(36.5939215));
    assert_eq!(v["location"]["lon"].as_f64(), Some(136.6264133));
    assert_eq!(v["phone"].as_str(), Some("076-225-0110"));
    let row = line_of(&f, "FF0000000216");
    let i = issue(&o, row, "入れ替え").unwrap();
    assert_eq!(i.column, "緯度/経度");
    // 「"36.920616416202535, "」: the trailing comma and space are not part of the number.
    // (Written with 7 decimals, about 1 cm.)
    assert_eq!(
        yaml(c.path(), "aed-170003-ff0000000116")["location"]["lat"].as_f64(),
        Some(36.9206164)
    );
    // 開始時間 「0」 and 終了時間 「24:00:00」 read as times.
    assert_eq!(
        v["schedule"]["note"].as_str(),
        Some("利用可能曜日: 日月火水木金土。開始時間: 00:00。終了時間: 24:00")
    );
    // 法人番号 in Excel notation (「5.22001E+12」) has lost its digits: it is not imported.
    assert!(!read(c.path(), "aed-170003-ff0000000001").contains("E+12"));
    // Half-width katakana readings become full-width.
    assert_eq!(
        v["name_kana"]
            .as_str()
            .map(|k| k.starts_with("イシカワケンケイサツホンブ")),
        Some(true)
    );
    load(c.path());
}

#[test]
fn a_longitude_without_decimal_point_is_reported() {
    let c = content_dir();
    let f = fixture("ishikawa-toilet.csv");
    let mut a = args(c.path(), std::slice::from_ref(&f));
    a.mapping = Some(fixture("ishikawa-toilet-all.yaml"));
    let o = run(&a);
    let i = issue(&o, line_of(&f, "LL0000000020"), "13674703").unwrap();
    assert!(i.message.contains("日本の範囲外"), "{}", i.message);
    // The header's extra empty column name does not get in the way.
    assert_eq!(o.summary.added, 6);
    // The same file through the built-in kind keeps only toilets with an accessible one.
    let c2 = content_dir();
    let o2 = run(&args(c2.path(), &[f]));
    assert_eq!(o2.summary.added, 1);
    assert_eq!(
        yaml(c2.path(), "toilet-170003-ll0000000003")["accessibility"]["accessible_toilet"]
            .as_str(),
        Some("yes")
    );
}

#[test]
fn blank_rows_with_a_lone_dash_are_reported_as_blank() {
    let c = content_dir();
    let f = fixture("ishikawa-evacuation.csv");
    let o = run(&args(c.path(), &[f]));
    assert_eq!(o.summary.skipped.get(&Skip::Blank), Some(&3));
    let last = o
        .issues
        .iter()
        .filter(|i| i.skip == Some(Skip::Blank))
        .map(|i| i.row)
        .max()
        .unwrap();
    assert_eq!(
        last,
        o.summary.read as u64 + 1,
        "the last data line is blank"
    );
    let v = yaml(c.path(), "emergency-170003-cc0000000001");
    assert_eq!(v["categories"][0].as_str(), Some("emergency-site"));
    // 「金沢市野町３丁目11番１号」: prefecture added, full- and half-width digits alike.
    assert_eq!(
        v["address"]["text"].as_str(),
        Some("石川県金沢市野町3丁目11番1号"),
        "prefecture added: {:?}",
        v["address"]
    );
}

#[test]
fn old_recommended_layout_with_half_width_kana() {
    let c = content_dir();
    let o = run(&args(c.path(), &[fixture("komae-aed.csv")]));
    assert_eq!(o.summary.added, 7);
    let v = yaml(c.path(), "aed-132195-1");
    assert_eq!(v["name_kana"].as_str(), Some("コマエシヤクショ"));
    assert_eq!(
        v["address"]["text"].as_str(),
        Some("東京都狛江市和泉本町1丁目1番5号")
    );
    assert_eq!(v["source"]["dataset"].as_str(), Some("std-aed"));
    // One place, one row per device: 狛江市役所 twice (NO 1 and 2), told apart by 設置位置.
    let d1 = v["description"].as_str().unwrap();
    let d2 = yaml(c.path(), "aed-132195-2")["description"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(d1.contains("- 設置位置: 本庁舎２階総合案内前"), "{d1}");
    assert!(d2.contains("- 設置位置: 安心安全課カウンター"), "{d2}");
    // 「2442・2421」 is two extensions, kept as written beside the main number.
    assert!(d1.contains("- 内線番号: 2442・2421"), "{d1}");
    // The quoted URL with commas inside stays one URL.
    assert_eq!(
        v["url"].as_str(),
        Some("https://www.city.komae.tokyo.jp/index.cfm/42,73691,328,2043,html")
    );
}

#[test]
fn rows_without_coordinates_and_without_a_town_are_kept_and_reported() {
    let c = content_dir();
    let f = fixture("oita-aed.csv");
    let o = run(&args(c.path(), std::slice::from_ref(&f)));
    assert_eq!(o.summary.added, 16);
    let i = issue(&o, line_of(&f, "道の駅宇目"), "座標がありません").unwrap();
    assert!(i.message.contains("地図には載りません"));
    let ume = by_name(c.path(), "道の駅宇目");
    assert!(ume.get("location").is_none());
    assert_eq!(ume["source"]["dataset"].as_str(), Some("std-aed"));
    // The row with an empty 市区町村名 is imported all the same.
    assert_eq!(
        by_name(c.path(), "大分県警察本部地域課航空隊")["location"]["lat"].as_f64(),
        Some(33.238128)
    );
    // Repeated names are separate records, keyed by 団体コード and NO: 八幡小学校 in 大分市
    // and 佐伯市, オアシス外科乳腺外科 twice at one address (two devices).
    // 「大分市大手町３丁目１番１号」
    assert_eq!(
        yaml(c.path(), "aed-442011-1")["address"]["text"].as_str(),
        Some("大分県大分市大手町3丁目1番1号")
    );
    let hachiman = yaml(c.path(), "aed-442011-136");
    assert_eq!(hachiman["name"].as_str(), Some("八幡小学校"));
    assert_eq!(
        yaml(c.path(), "aed-442054-1113")["name"].as_str(),
        Some("八幡小学校")
    );
    assert_eq!(
        yaml(c.path(), "aed-442011-341")["address"],
        yaml(c.path(), "aed-442011-358")["address"]
    );
    assert!(o.issues.iter().all(|i| i.skip != Some(Skip::Duplicate)));
}

#[test]
fn a_mapping_reads_metadata_lines_and_a_lat_lon_cell() {
    let c = content_dir();
    let f = fixture("takamatsu-aed.csv");
    let mut a = args(c.path(), std::slice::from_ref(&f));
    a.mapping = Some(fixture("takamatsu-aed-mapping.yaml"));
    let o = run(&a);
    assert_eq!(o.summary.added, 5);
    assert_eq!(o.summary.skipped.get(&Skip::Metadata), Some(&2));
    assert_eq!(
        issue(&o, line_of(&f, "#object_type_xsd"), "メタデータ").map(|i| i.skip),
        Some(Some(Skip::Metadata))
    );
    let v = yaml(c.path(), "takamatsu-aed-1");
    assert_eq!(v["location"]["lat"].as_f64(), Some(34.3409206));
    // Two places of the device in one cell, kept as written.
    assert!(
        v["description"]
            .as_str()
            .unwrap()
            .contains("セントラルクリニック　２階  セントラルクリニック　４階"),
        "{:?}",
        v["description"]
    );
    // A row in 綾歌郡綾川町, outside 高松市, is imported with its own point.
    let ayagawa = yaml(c.path(), "takamatsu-aed-3");
    assert_eq!(
        ayagawa["address"]["text"].as_str(),
        Some("綾歌郡綾川町萱原822-1")
    );
    assert!(ayagawa["location"]["lat"].as_f64().is_some());
    assert_eq!(v["source"]["dataset"].as_str(), Some("takamatsu-aed"));
    load(c.path());
}

#[test]
fn a_mapping_with_an_unknown_category_fails_before_writing() {
    let c = content_dir();
    let work = tempfile::tempdir().unwrap();
    let m = work.path().join("m.yaml");
    std::fs::write(
        &m,
        std::fs::read_to_string(fixture("takamatsu-aed-mapping.yaml"))
            .unwrap()
            .replace("category: aed", "category: defibrillator"),
    )
    .unwrap();
    let mut a = args(c.path(), &[fixture("takamatsu-aed.csv")]);
    a.mapping = Some(m);
    let e = import_run(&a).unwrap_err();
    assert!(e.to_string().contains("defibrillator"), "{e}");
    assert!(resource_files(c.path()).is_empty());
}

#[test]
fn the_next_edition_of_a_shelter_list_updates_in_place() {
    let c = content_dir();
    let o1 = run(&args(c.path(), &[fixture("hamamatsu-shelter-older.csv")]));
    assert_eq!(o1.summary.added, 5);
    assert_eq!(
        yaml(c.path(), "shelter-221390-1")["address"]["text"].as_str(),
        Some("静岡県浜松市中区松城町108-1")
    );
    assert_eq!(
        yaml(c.path(), "shelter-221390-1")["phone"].as_str(),
        Some("053-454-6406")
    );
    // A long list separated by 「、」 in one cell stays one line, as written.
    assert!(
        yaml(c.path(), "shelter-221390-1")["description"]
            .as_str()
            .unwrap()
            .contains("- 避難所運営協力自主防災組織: 高町、亀山、利町、紺屋町、"),
    );
    // After the 2024 ward merger: same 管理NO, new ward names in the addresses.
    let o2 = run(&args(c.path(), &[fixture("hamamatsu-shelter.csv")]));
    assert_eq!(
        (o2.summary.added, o2.summary.updated),
        (0, 5),
        "{:?}",
        o2.updated
    );
    assert_eq!(
        yaml(c.path(), "shelter-221390-1")["address"]["text"].as_str(),
        Some("静岡県浜松市中央区松城町108-1")
    );
}

#[test]
fn dry_run_reports_but_writes_nothing() {
    let c = content_dir();
    let mut a = args(c.path(), &[fixture("komae-aed.csv")]);
    a.dry_run = true;
    let o = run(&a);
    assert_eq!(o.summary.added, 7);
    assert!(resource_files(c.path()).is_empty());
}

#[test]
fn every_builtin_kind_is_listed() {
    let list = tsunagu::import::list();
    for k in [
        "gsi-emergency",
        "gsi-shelter",
        "mhlw-kaigo",
        "medical-codes",
        "std-toilet",
        "std-aed",
        "std-emergency",
        "std-medical",
        "std-care",
        "std-childcare",
        "std-event",
        "std-public-facility",
    ] {
        assert!(list.contains(k), "{k} missing from --list");
    }
}

#[test]
fn an_event_list_becomes_dated_sessions_placed_at_the_town() {
    // No 豊明市 event file is published as open data; this one follows the 自治体標準
    // イベント一覧 columns with a real 豊明市 address.
    let work = tempfile::tempdir().unwrap();
    let f = work.path().join("232297_event.csv");
    std::fs::write(
        &f,
        "全国地方公共団体コード,ID,地方公共団体名,イベント名,イベント名_カナ,開始日,終了日,開始時間,終了時間,説明,料金(基本),場所名称,所在地_連結表記,緯度,経度,URL\r\n\
         232297,E0001,豊明市,健康まつり,ケンコウマツリ,2026/12/6,2026/12/6,10:00,15:00,体力測定と健康相談,無料,豊明市文化会館,愛知県豊明市新田町子持松1-1,,,https://www.city.toyoake.lg.jp/\r\n",
    )
    .unwrap();
    let c = content_dir();
    let o = run(&args(c.path(), &[f]));
    assert_eq!(o.summary.added, 1);
    let v = yaml(c.path(), "event-232297-e0001");
    assert_eq!(v["categories"][0].as_str(), Some("kayoinoba"));
    assert_eq!(
        v["schedule"]["dates"][0]["date"].as_str(),
        Some("2026-12-06")
    );
    assert_eq!(
        v["schedule"]["dates"][0]["time"].as_str(),
        Some("10:00-15:00")
    );
    assert_eq!(v["fees"].as_str(), Some("無料"));
    assert_eq!(v["location"]["approximate"].as_bool(), Some(true));
    assert_eq!(v["address"]["town"].as_str(), Some("新田町"));
    let content = load(c.path());
    assert_eq!(content.resources[0].schedule.dates.len(), 1);
}

#[test]
fn a_clinic_list_with_a_two_row_header_era_dates_and_local_phone_numbers() {
    // 大分市 診療所一覧: 「診　療　所　名」…「病」「床」「数」 over three cells, 「一般」「療養」「計」
    // in a second header row, a line break inside a quoted 診療科目, dates as 2021/12/1 and
    // H23. 3. 1, phone numbers without 市外局番, a totals row and 19 blank rows at the end.
    let c = content_dir();
    let f = fixture("oita-hospital.csv");
    let o = run(&args(c.path(), std::slice::from_ref(&f)));
    assert_eq!(o.summary.added, 8);
    assert_eq!(o.summary.skipped.get(&Skip::Blank), Some(&19));
    // The second header row is not a record, and the header was recognised as 医療機関.
    assert!(o.issues.iter().all(|i| i.row != 2), "{:?}", o.issues);
    let v = by_name(c.path(), "あきこ皮フ科クリニック");
    assert_eq!(v["source"]["dataset"].as_str(), Some("std-medical"));
    assert_eq!(v["categories"][0].as_str(), Some("clinic"));
    assert_eq!(v["organization"].as_str(), Some("医療法人ASC"));
    let d = v["description"].as_str().unwrap();
    assert!(d.contains("- 開設年月日: 2021-12-01"), "{d}");
    // Without an area code the number is no phone field, but it is not lost either: it
    // stays as written, and the row says why.
    assert!(v.get("phone").is_none());
    assert!(d.contains("電話（市外局番なし）: 554-4111"), "{d}");
    let i = issue(&o, line_of(&f, "あきこ皮フ科"), "市外局番").unwrap();
    assert_eq!((i.column.as_str(), i.skip), ("電話", None));
    // Bed counts under the joined header names 病床数_一般 / 病床数_計.
    let beds = by_name(c.path(), "わさだかかりつけ医院泌尿器科クリニック");
    let d = beds["description"].as_str().unwrap();
    assert!(
        d.contains("- 病床数_一般: 19") && d.contains("- 病床数_計: 19"),
        "{d}"
    );
    assert!(d.contains("- 開設年月日: 2000-01-01"), "H12. 1. 1: {d}");
    // The record with a line break inside quotes: era date H23. 3. 1 → 2011-03-01, and the
    // record after it is numbered by its own line in the file.
    let ikebe = by_name(c.path(), "ペインクリニック内科\u{3000}いけべ医院");
    let d = ikebe["description"].as_str().unwrap();
    assert!(d.contains("- 開設年月日: 2011-03-01"), "{d}");
    assert!(d.contains("呼吸器内科 循環器内科"), "{d}");
    let after = line_of(&f, "戸次あべクリニック");
    assert_eq!(after, line_of(&f, "いけべ医院") + 2);
    assert!(issue(&o, after, "市外局番").is_some());
    // A date that is neither western nor era style is reported and kept as written.
    let typo = issue(&o, line_of(&f, "H2812.12"), "日付として読めない").unwrap();
    assert_eq!(typo.column, "開設年月日");
    assert!(
        by_name(c.path(), "わさだハートクリニック")["description"]
            .as_str()
            .unwrap()
            .contains("開設年月日: H2812.12")
    );
    // The totals row (病床数 1304 / 4 / 1308, no name) is reported as such, not imported.
    let total = line_of(&f, "\"1304\"");
    let t = o.issues.iter().find(|i| i.row == total).unwrap();
    assert_eq!(t.skip, Some(Skip::MissingName));
    assert!(t.message.contains("合計行"), "{}", t.message);
    load(c.path());
}

#[test]
fn a_disaster_hospital_list_is_read_as_medical_with_bracketed_area_codes() {
    // 石川県 災害拠点病院: 病院名, 二次医療圏 and phones as 「(076)237-8211」.
    let c = content_dir();
    let o = run(&args(
        c.path(),
        &[fixture("ishikawa-disaster-hospital.csv")],
    ));
    assert_eq!(o.summary.added, 10);
    let v = by_name(c.path(), "石川県立中央病院");
    assert_eq!(v["source"]["dataset"].as_str(), Some("std-medical"));
    assert_eq!(v["categories"][0].as_str(), Some("hospital"));
    assert_eq!(v["phone"].as_str(), Some("076-237-8211"));
    assert!(
        v["description"]
            .as_str()
            .unwrap()
            .contains("- 二次医療圏: 石川中央")
    );
    assert_eq!(
        by_name(c.path(), "小松市民病院")["phone"].as_str(),
        Some("0761-22-7111")
    );
    load(c.path());
}

#[test]
fn sites_at_identical_coordinates_stay_separate_records() {
    // 石川県 指定緊急避難場所: 「あすなろ公園」 under two IDs at one point, and two different
    // 七尾市 sites given the very same point. Each ID is its own record at the given point.
    let c = content_dir();
    let o = run(&args(c.path(), &[fixture("ishikawa-evacuation.csv")]));
    assert!(o.issues.iter().all(|i| i.skip != Some(Skip::Duplicate)));
    let a = yaml(c.path(), "emergency-170003-cc0000000314");
    let b = yaml(c.path(), "emergency-170003-cc0000000713");
    assert_eq!(a["name"].as_str(), Some("あすなろ公園"));
    assert_eq!(
        (a["name"].clone(), a["location"].clone()),
        (b["name"].clone(), b["location"].clone())
    );
    let x = yaml(c.path(), "emergency-170003-cc0000000546");
    let y = yaml(c.path(), "emergency-170003-cc0000000556");
    assert_ne!(x["name"], y["name"]);
    assert_eq!(x["location"], y["location"]);
}
