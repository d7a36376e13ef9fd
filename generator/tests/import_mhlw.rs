//! `tsunagu import` of the 厚労省 介護サービス情報公表 CSV (real rows): the README's quirks —
//! 0,0 and Ireland coordinates, full-width and U+2010 phones, e-mail addresses and a bare
//! `http://` in URL, addresses without the prefecture, 定員 0, a duplicate 事業所番号.

mod import_support;

use import_support::*;
use tsunagu::import::report::Skip;

fn import_140() -> (tempfile::TempDir, tsunagu::import::Outcome) {
    let c = content_dir();
    let o = run(&args(c.path(), &[fixture("mhlw-kaigo-140.csv")]));
    (c, o)
}

#[test]
fn toyoake_rows_become_care_records_with_clean_fields() {
    let (c, o) = import_140();
    assert_eq!(
        o.summary.added, o.summary.read,
        "every row of this slice is imported"
    );
    let v = yaml(c.path(), "kaigo-140-2314800638");
    assert_eq!(
        v["name"].as_str(),
        Some("医療法人　美月会　前後整形外科内科クリニック")
    );
    assert_eq!(v["categories"][0].as_str(), Some("care"));
    assert_eq!(v["tags"][0].as_str(), Some("訪問リハビリテーション"));
    // 「豊明市阿野町滑５５－１」: prefecture added, digits and hyphen folded, town found.
    assert_eq!(
        v["address"]["text"].as_str(),
        Some("愛知県豊明市阿野町滑55-1")
    );
    assert_eq!(v["address"]["town"].as_str(), Some("阿野町"));
    assert_eq!(v["location"]["lat"].as_f64(), Some(35.0521538));
    assert_eq!(v["location"]["approximate"].as_bool(), Some(false));
    assert_eq!(v["phone"].as_str(), Some("0562-98-1002"));
    assert!(v["description"].as_str().unwrap().contains("定員: 45人"));
    assert_eq!(v["source"]["id"].as_str(), Some("232297-140-2314800638"));
    // 定員 0 means "not reported": not shown as a capacity.
    assert!(
        !yaml(c.path(), "kaigo-140-2374800783")["description"]
            .as_str()
            .unwrap()
            .contains("定員")
    );
    load(c.path());
}

#[test]
fn zero_and_foreign_coordinates_are_reported_with_row_and_column() {
    let (c, o) = import_140();
    let f = fixture("mhlw-kaigo-140.csv");
    let zero = line_of(&f, "0810710566");
    let i = issue(&o, zero, "0,0").expect("0,0 row reported");
    assert_eq!(i.column, "緯度/経度");
    assert!(i.file.ends_with("mhlw-kaigo-140.csv"));
    // Outside the shipped 町字 table (茨城県): imported without a point rather than lost.
    assert!(
        yaml(c.path(), "kaigo-140-0810710566")
            .get("location")
            .is_none()
    );
    let ireland = line_of(&f, "2050180138");
    assert!(
        issue(&o, ireland, "日本の範囲外").is_some(),
        "{:?}",
        o.issues
    );
}

#[test]
fn bad_coordinates_in_aichi_fall_back_to_the_town_point() {
    // A real 豊明市 row whose coordinates are replaced by 0,0 (the quirk occurs elsewhere).
    let src = std::fs::read_to_string(fixture("mhlw-kaigo-140.csv")).unwrap();
    let header = src.lines().next().unwrap();
    let row = src
        .lines()
        .find(|l| l.contains("2374800783"))
        .unwrap()
        .replace(
            "35.071914100000000,137.017682000000000",
            "0.000000000000000,0.000000000000000",
        );
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("jigyosho_140.csv");
    std::fs::write(&file, format!("{header}\r\n{row}\r\n")).unwrap();
    let c = content_dir();
    let o = run(&args(c.path(), &[file]));
    let i = issue(&o, 2, "0,0").unwrap();
    assert!(
        i.message.contains("沓掛町") && i.message.contains("おおよその位置"),
        "{}",
        i.message
    );
    let v = yaml(c.path(), "kaigo-140-2374800783");
    assert_eq!(v["location"]["approximate"].as_bool(), Some(true));
    assert_eq!(v["location"]["lat"].as_f64(), Some(35.073901));
}

#[test]
fn phones_urls_and_emails_are_cleaned_or_reported() {
    let (c, o) = import_140();
    let f = fixture("mhlw-kaigo-140.csv");
    // 「０１７２－２８－８２２０」 and 「011‐770‐7111」 (U+2010).
    assert_eq!(
        yaml(c.path(), "kaigo-140-0210215117")["phone"].as_str(),
        Some("0172-28-8220")
    );
    assert_eq!(
        yaml(c.path(), "kaigo-140-0110217171")["phone"].as_str(),
        Some("011-770-7111")
    );
    // An e-mail address in URL goes to email, with a note.
    let v = yaml(c.path(), "kaigo-140-0212310973");
    assert_eq!(v["email"].as_str(), Some("tkhp-reha@tokiwakai.or.jp"));
    assert!(v.get("url").is_none());
    assert!(issue(&o, line_of(&f, "0212310973"), "メールアドレス").is_some());
    // The bare "http://" is dropped and reported.
    let bare = line_of(&f, "2312800648");
    let i = issue(&o, bare, "http://").unwrap();
    assert_eq!((i.column.as_str(), i.skip), ("URL", None));
    assert!(yaml(c.path(), "kaigo-140-2312800648").get("url").is_none());
}

#[test]
fn addresses_without_prefecture_or_city_are_completed() {
    let c = content_dir();
    run(&args(c.path(), &[fixture("mhlw-kaigo-520.csv")]));
    assert_eq!(
        yaml(c.path(), "kaigo-520-2350780025")["address"]["text"].as_str(),
        Some("愛知県名古屋市昭和区川名山町6番地の4")
    );
    assert_eq!(
        yaml(c.path(), "kaigo-520-0150480127")["address"]["text"].as_str(),
        Some("北海道札幌市西区八軒6条東4丁目4-22")
    );
}

#[test]
fn a_duplicate_office_number_is_reported_not_imported_twice() {
    let c = content_dir();
    let o = run(&args(c.path(), &[fixture("mhlw-kaigo-170-duplicate.csv")]));
    assert_eq!(o.summary.added, 1);
    let i = o
        .issues
        .iter()
        .find(|i| i.skip == Some(Skip::Duplicate))
        .unwrap();
    assert_eq!((i.row, i.column.as_str()), (3, "事業所番号"));
    assert!(i.message.contains("2 行目"), "{}", i.message);
}

#[test]
fn city_filter_keeps_one_town_of_a_nationwide_file() {
    let c = content_dir();
    let mut a = args(c.path(), &[fixture("mhlw-kaigo-140.csv")]);
    a.city = Some("豊明市".into());
    let o = run(&a);
    assert_eq!(o.summary.added, 3);
    assert_eq!(
        o.summary.skipped.get(&Skip::OtherCity),
        Some(&(o.summary.read - 3))
    );
    assert!(
        o.issues.is_empty(),
        "rows of other towns are counted, not listed: {:?}",
        o.issues
    );
    let mut by_code = args(c.path(), &[fixture("mhlw-kaigo-140.csv")]);
    by_code.city = Some("232297".into());
    let again = run(&by_code);
    assert_eq!((again.summary.added, again.summary.unchanged), (0, 3));
}

#[test]
fn a_designated_city_is_found_by_its_wards() {
    // The municipality column holds the ward for 政令市 (名古屋市昭和区).
    let c = content_dir();
    let mut a = args(c.path(), &[fixture("mhlw-kaigo-520.csv")]);
    a.city = Some("名古屋市".into());
    let o = run(&a);
    assert_eq!(o.summary.added, 1);
    assert_eq!(
        yaml(c.path(), "kaigo-520-2350780025")["address"]["town"].as_str(),
        Some("川名山町")
    );
}

#[test]
fn a_building_name_that_repeats_the_name_or_the_address_is_not_added_twice() {
    let c = content_dir();
    let o = run(&args(c.path(), &[fixture("mhlw-kaigo-520.csv")]));
    assert_eq!(o.summary.skipped_total(), 0);
    // 住所 「札幌市手稲区稲穂5条2丁目6番1号介護老人保健施設　手稲あんじゅ」 already ends with
    // 方書 「介護老人保健施設　手稲あんじゅ」, which is also the 事業所名.
    let v = yaml(c.path(), "kaigo-520-0150480051");
    let addr = v["address"]["text"].as_str().unwrap();
    assert_eq!(addr.matches("手稲あんじゅ").count(), 1, "{addr}");
    assert!(
        addr.starts_with("北海道札幌市手稲区稲穂5条2丁目6番1号"),
        "{addr}"
    );
    let v = yaml(c.path(), "kaigo-520-0150280055");
    let addr = v["address"]["text"].as_str().unwrap();
    assert_eq!(addr.matches("セージュ新ことに").count(), 1, "{addr}");
}

#[test]
fn one_place_under_two_office_numbers_is_two_records_at_one_point() {
    // 介護老人保健施設　リハビリパーク仙台東: two 事業所番号 (unit-type and conventional wings).
    let c = content_dir();
    run(&args(c.path(), &[fixture("mhlw-kaigo-520.csv")]));
    let a = yaml(c.path(), "kaigo-520-0455380022");
    let b = yaml(c.path(), "kaigo-520-0455380048");
    assert_eq!(a["name"], b["name"]);
    assert_eq!(a["location"], b["location"]);
    assert_ne!(a["source"]["id"], b["source"]["id"]);
}

#[test]
fn a_phone_number_without_area_code_is_kept_in_the_description_not_guessed() {
    let c = content_dir();
    let f = fixture("mhlw-kaigo-160-phones.csv");
    let o = run(&args(c.path(), std::slice::from_ref(&f)));
    assert_eq!(o.summary.added, 2);
    // 「242-8123」: no 市外局番 and the file does not say which; not in `phone`, kept as written.
    let v = yaml(c.path(), "kaigo-160-3510117744");
    assert!(v.get("phone").is_none());
    assert!(
        v["description"]
            .as_str()
            .unwrap()
            .contains("- 電話番号（市外局番なし）: 242-8123"),
        "{:?}",
        v["description"]
    );
    let i = issue(&o, line_of(&f, "3510117744"), "市外局番").unwrap();
    assert_eq!((i.column.as_str(), i.skip), ("電話番号", None));
    // 「キャンバス(半日型)025」 is no phone number: left empty, reported.
    assert!(
        yaml(c.path(), "kaigo-160-1570202422")
            .get("phone")
            .is_none()
    );
    assert!(issue(&o, line_of(&f, "1570202422"), "電話番号として読めない").is_some());
}
