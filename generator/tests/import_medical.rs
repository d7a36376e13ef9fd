//! 医療機関コード一覧 (no header, no coordinates): every 豊明市 row is placed at its 町字's
//! representative point and marked approximate; 病院 / 診療所 come from the name; an
//! exactly duplicated row is reported.

mod import_support;

use import_support::*;
use tsunagu::import::report::Skip;

#[test]
fn toyoake_clinics_are_placed_at_their_town_and_marked_approximate() {
    let c = content_dir();
    let mut a = args(c.path(), &[fixture("medical-codes.csv")]);
    a.city = Some("豊明市".into());
    let o = run(&a);
    assert_eq!(o.summary.added, 36);
    assert!(o.issues.is_empty(), "{:?}", o.issues);

    let v = yaml(c.path(), "medical-234800166");
    assert_eq!(v["name"].as_str(), Some("藤田医科大学病院"));
    assert_eq!(v["categories"][0].as_str(), Some("hospital"));
    assert_eq!(
        v["address"]["text"].as_str(),
        Some("愛知県豊明市沓掛町田楽ケ窪1-98")
    );
    assert_eq!(v["address"]["postal_code"].as_str(), Some("470-1101"));
    assert_eq!(v["address"]["town"].as_str(), Some("沓掛町"));
    assert_eq!(v["location"]["approximate"].as_bool(), Some(true));
    // 「二村台７－１７－１１」 finds 二村台七丁目.
    let k = yaml(c.path(), "medical-234800539");
    assert_eq!(k["address"]["town"].as_str(), Some("二村台七丁目"));
    assert_eq!(k["categories"][0].as_str(), Some("clinic"));
    // Full-width Latin letters in names become ASCII.
    assert_eq!(
        yaml(c.path(), "medical-234800927")["name"].as_str(),
        Some("VAクリニック愛知")
    );

    let content = load(c.path());
    assert!(
        content
            .resources
            .iter()
            .all(|r| r.location.is_some_and(|l| l.approximate))
    );
}

#[test]
fn an_exact_duplicate_row_is_reported_on_its_second_line() {
    let c = content_dir();
    let f = fixture("medical-codes.csv");
    let o = run(&args(c.path(), std::slice::from_ref(&f)));
    let d = o
        .issues
        .iter()
        .find(|i| i.skip == Some(Skip::Duplicate))
        .unwrap();
    let first = line_of(&f, "080110478");
    assert_eq!(d.row, first + 1);
    assert!(
        d.message.contains(&format!("{first} 行目")),
        "{}",
        d.message
    );
    // Outside Aichi there is no 町字 table: imported, not placed, and said so.
    assert!(issue(&o, first, "地図には載りません").is_some());
    assert_eq!(
        yaml(c.path(), "medical-080110478")["address"]["text"]
            .as_str()
            .map(|t| t.starts_with("茨城県")),
        Some(true)
    );
    // 「Ｎ．キッズファミリークリニック」
    assert!(resource_files(c.path()).iter().any(|f| {
        std::fs::read_to_string(c.path().join("resources").join(f))
            .unwrap()
            .contains("name: N.キッズファミリークリニック")
    }));
}
