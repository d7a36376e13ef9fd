//! A municipality's own CSV through a mapping file, on real files whose columns follow no
//! standard: 熊本市 (118 columns of ○ flags, era dates, addresses ending in a space, licence
//! periods), 高松市 data/* (English column names, a full-width space in one, an IRI id, a
//! latitude with a trailing space, line breaks inside quotes, 有/無 flags, 00:00–24:00) and
//! 珠洲市 (capacity inside 備考1).

mod import_support;

use import_support::*;
use tsunagu::import::report::Skip;

fn with_mapping(csv: &str, mapping: &str) -> (tempfile::TempDir, tsunagu::import::Outcome) {
    let c = content_dir();
    let mut a = args(c.path(), &[fixture(csv)]);
    a.mapping = Some(fixture(mapping));
    let o = run(&a);
    (c, o)
}

#[test]
fn kumamoto_hospitals_flags_become_tags_and_era_dates_iso() {
    let (c, o) = with_mapping("kumamoto-hospital.csv", "kumamoto-hospital-mapping.yaml");
    assert_eq!(o.summary.added, 3);
    let v = by_name(c.path(), "熊本整形外科病院");
    assert_eq!(v["categories"][0].as_str(), Some("hospital"));
    // 「熊本市中央区新屋敷1丁目17番1号 」: the trailing space is not part of the address.
    assert_eq!(
        v["address"]["text"].as_str(),
        Some("熊本市中央区新屋敷1丁目17番1号")
    );
    assert_eq!(v["phone"].as_str(), Some("096-366-3666"));
    // The ○ columns 内科, 呼吸器内科, 循環器内科 … are tags; empty flag columns are not.
    let tags: Vec<&str> = v["tags"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|t| t.as_str())
        .collect();
    assert_eq!(&tags[..3], ["内科", "呼吸器内科", "循環器内科"]);
    assert!(
        tags.contains(&"整形外科") && !tags.contains(&"眼科"),
        "{tags:?}"
    );
    let d = v["description"].as_str().unwrap();
    // 「令和 02年05月01日」 (era with padding).
    assert!(d.contains("- 開設年月日: 2020-05-01"), "{d}");
    assert!(d.contains("- 一般病床数: 204"), "{d}");
    // 「熊本市東区東町４丁目１番６０号 」: full-width digits and the trailing space.
    assert_eq!(
        by_name(c.path(), "熊本市立熊本市民病院")["address"]["text"].as_str(),
        Some("熊本市東区東町4丁目1番60号")
    );
    // No coordinates and no 町字 table outside 愛知県: kept, reported, not placed.
    let row = line_of(&fixture("kumamoto-hospital.csv"), "熊本整形外科病院");
    let i = issue(&o, row, "座標がありません").unwrap();
    assert_eq!(i.skip, None);
    assert!(v.get("location").is_none());
    load(c.path());
}

#[test]
fn kumamoto_pharmacies_keep_their_licence_period_and_licence_number() {
    let (c, o) = with_mapping("kumamoto-pharmacy.csv", "kumamoto-pharmacy-mapping.yaml");
    assert_eq!(o.summary.added, 3);
    let v = yaml(c.path(), "kumamoto-pharmacy-351");
    assert_eq!(v["name"].as_str(), Some("ミカサ薬局"));
    assert_eq!(v["categories"][0].as_str(), Some("pharmacy"));
    assert_eq!(v["source"]["id"].as_str(), Some("351"));
    // 「熊本市中央区下通1丁目６‐１３」: full-width digits and U+2010 hyphens.
    assert_eq!(
        v["address"]["text"].as_str(),
        Some("熊本市中央区下通1丁目6-13")
    );
    // 「令和6年1月1日～令和11年12月31日」
    assert_eq!(
        v["description"].as_str(),
        Some("- 有効期間: 2024-01-01～2029-12-31")
    );
    load(c.path());
}

#[test]
fn takamatsu_hospitals_with_english_columns_and_one_without_coordinates() {
    let f = fixture("takamatsu-hospital.csv");
    let (c, o) = with_mapping("takamatsu-hospital.csv", "takamatsu-hospital-mapping.yaml");
    assert_eq!(o.summary.added, 3);
    let v = yaml(
        c.path(),
        "takamatsu-hospital-jp-takamatsu-smartcity-medical-hospital-1",
    );
    // 「telephone　number」 (full-width space in the header) is read.
    assert_eq!(v["phone"].as_str(), Some("087-841-2146"));
    assert_eq!(v["categories"][0].as_str(), Some("hospital"));
    // 「香川県高松市新田町乙８番地」
    assert_eq!(
        v["address"]["text"].as_str(),
        Some("香川県高松市新田町乙8番地")
    );
    assert!(
        v["description"]
            .as_str()
            .unwrap()
            .contains("- openingDate: 1947-04-01")
    );
    // 「かがわ総合リハビリテーション病院　」: the trailing full-width space is dropped.
    assert_eq!(
        yaml(
            c.path(),
            "takamatsu-hospital-jp-takamatsu-smartcity-medical-hospital-2"
        )["name"]
            .as_str(),
        Some("かがわ総合リハビリテーション病院")
    );
    // The row with empty latitude/longitude is imported without a point and reported.
    let row = line_of(&f, "Hospital.623");
    let i = issue(&o, row, "座標がありません").unwrap();
    assert_eq!(i.column, "latitude/longitude");
    let closed = by_name(c.path(), "西岡耳鼻咽喉科医院（休止中）");
    assert!(closed.get("location").is_none());
    assert_eq!(closed["categories"][0].as_str(), Some("clinic"));
    load(c.path());
}

#[test]
fn takamatsu_tsunami_building_latitude_with_a_trailing_space() {
    let (c, o) = with_mapping("takamatsu-tsunami.csv", "takamatsu-tsunami-mapping.yaml");
    assert_eq!(o.summary.added, 2);
    assert!(o.issues.is_empty(), "{:?}", o.issues);
    // 「"34.329139 "」
    let v = yaml(c.path(), "takamatsu-tsunami-73");
    assert_eq!(v["location"]["lat"].as_f64(), Some(34.329139));
    assert_eq!(v["tags"][0].as_str(), Some("津波"));
    assert!(
        v["description"]
            .as_str()
            .unwrap()
            .contains("- shelter: ３階・４階・５階の廊下")
    );
}

#[test]
fn takamatsu_elderly_facilities_with_line_breaks_inside_quotes() {
    let f = fixture("takamatsu-elderly.csv");
    let (c, o) = with_mapping("takamatsu-elderly.csv", "takamatsu-elderly-mapping.yaml");
    // Four records on six physical lines.
    assert_eq!((o.summary.read, o.summary.added), (4, 4));
    let v = yaml(c.path(), "takamatsu-elderly-43");
    assert_eq!(
        v["name"].as_str(),
        Some("地域密着型特別養護老人ホーム　胡蝶の夢")
    );
    assert!(
        v["description"].as_str().unwrap().contains(
            "- service: 地域密着型介護老人福祉施設入所者生活介護 （地域密着型特別養護老人ホーム）"
        ),
        "{:?}",
        v["description"]
    );
    // The quoted line breaks split no record: nothing to report, and the record after them
    // is whole.
    assert!(o.issues.is_empty(), "{:?}", o.issues);
    assert_eq!(line_of(&f, "\"45\""), line_of(&f, "\"44\"") + 2);
    assert_eq!(
        yaml(c.path(), "takamatsu-elderly-45")["phone"].as_str(),
        Some("087-802-2650")
    );
    load(c.path());
}

#[test]
fn takamatsu_toilets_with_yes_no_flags() {
    let f = fixture("takamatsu-toilet.csv");
    let (c, o) = with_mapping("takamatsu-toilet.csv", "takamatsu-toilet-mapping.yaml");
    // 片原町公衆便所 has neither a multi-purpose nor a wheelchair toilet (無/無).
    let row = line_of(&f, "高松市片原町公衆便所");
    let i = issue(&o, row, "対象外").unwrap();
    assert_eq!(i.skip, Some(Skip::NotApplicable));
    assert_eq!(o.summary.added, 2);
    let v = yaml(c.path(), "takamatsu-toilet-2");
    assert_eq!(v["accessibility"]["wheelchair"].as_str(), Some("yes"));
    assert_eq!(v["accessibility"]["ostomate"].as_str(), Some("no"));
    assert_eq!(
        v["schedule"]["note"].as_str(),
        Some("startTime: 00:00。endTime: 24:00。availableDateNote: なし")
    );
    load(c.path());
}

#[test]
fn suzu_shelters_keep_the_capacity_written_in_a_remark() {
    let (c, o) = with_mapping(
        "ishikawa-suzu-shelter.csv",
        "ishikawa-suzu-shelter-mapping.yaml",
    );
    assert_eq!(o.summary.added, 3);
    let v = yaml(c.path(), "suzu-shelter-1");
    assert_eq!(v["categories"][0].as_str(), Some("shelter"));
    assert_eq!(v["description"].as_str(), Some("- 備考1: 収容人数:310"));
    // 「珠洲市宝立町鵜島４字３０番地」
    assert_eq!(
        v["address"]["text"].as_str(),
        Some("珠洲市宝立町鵜島4字30番地")
    );
    assert_eq!(v["location"]["lat"].as_f64(), Some(37.396942));
    load(c.path());
}

#[test]
fn takamatsu_old_hospital_file_with_two_metadata_lines() {
    let (c, o) = with_mapping(
        "takamatsu-hospital-old.csv",
        "takamatsu-hospital-old-mapping.yaml",
    );
    // Line 1 is `#LINK,,,…`, line 2 the `#property` header: neither is a record.
    assert_eq!((o.summary.read, o.summary.added), (2, 2));
    assert!(o.issues.is_empty(), "{:?}", o.issues);
    let v = yaml(
        c.path(),
        "takamatsu-hospital-old-jp-takamatsu-smartcity-medical-hospital-1",
    );
    assert_eq!(v["categories"][0].as_str(), Some("hospital"));
    assert_eq!(v["location"]["lat"].as_f64(), Some(34.236976));
    assert_eq!(v["location"]["lon"].as_f64(), Some(134.021769));
    assert_eq!(v["name_kana"].as_str(), Some("イワキビョウイン"));
    // 「8:30」 and 「17:15」 in the time columns read as 08:30 and 17:15.
    let note = v["schedule"]["note"].as_str().unwrap();
    assert!(
        note.contains("medicalStartTime: 08:30") && note.contains("medicalEndTime: 17:15"),
        "{note}"
    );
    load(c.path());
}
