//! The offline 町字 table (from the Geolonia 住所データ) against the 愛知県 rows of the
//! geocoder test suite of geolonia/normalize-japanese-addresses: full-width digits and
//! hyphens in the input, 町字 with kanji numerals in the expected output, and 緯度経度 that
//! holds "lng,lat" despite its name. The first tests use the 愛知県 slice in
//! `tests/fixtures/opendata`; the later ones read the whole suite (7,191 rows, 26
//! prefectures) from `../shared/data`, next to the repository as in CI.

mod import_support;

use import_support::*;
use tsunagu::import::geocode::TownTable;

struct Case {
    address: String,
    city: String,
    town: String,
    lng: f64,
    lat: f64,
}

fn cases() -> Vec<Case> {
    let mut r = csv::Reader::from_path(fixture("address-testcases-aichi.csv")).unwrap();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            // 「"136.919506839,35.16021876"」: longitude first.
            let (lng, lat) = rec[7].split_once(',').unwrap();
            Case {
                address: rec[0].to_string(),
                city: rec[2].to_string(),
                town: rec[3].to_string(),
                lng: lng.parse().unwrap(),
                lat: lat.parse().unwrap(),
            }
        })
        .collect()
}

#[test]
fn aichi_test_addresses_find_their_town_near_the_expected_point() {
    let cases = cases();
    assert_eq!(cases.len(), 32);
    let table = TownTable::aichi();
    let mut found = 0;
    let mut misses = Vec::new();
    for c in &cases {
        match table.locate(&c.address) {
            Some(p) => {
                found += 1;
                // 「名古屋市中区」 in the test suite; Geolonia files wards the same way.
                assert!(
                    c.city.ends_with(&p.city) || p.city.ends_with(&c.city),
                    "{}: city {} ≠ {}",
                    c.address,
                    p.city,
                    c.city
                );
                // The table stops at the 町字; the suite sometimes goes on to the 小字
                // (「広路町字石坂」 for 「広路町」).
                assert!(
                    c.town.starts_with(&p.town),
                    "{}: {} ≠ {}",
                    c.address,
                    p.town,
                    c.town
                );
                // The expected point is the address's own; the 町字 point is within its town
                // (a few km at most). Read the other way round (lat as lng) it would be ~100 km off.
                let km = ((p.lat - c.lat).powi(2) + (p.lon - c.lng).powi(2)).sqrt() * 111.0;
                assert!(
                    km < 5.0,
                    "{}: {km:.1} km from the expected point",
                    c.address
                );
            }
            None => misses.push(c.address.clone()),
        }
    }
    // Every row is found, 「弥富町」 too (Geolonia writes 「彌富町」).
    assert!(
        misses.is_empty(),
        "found {found} of {}; misses: {misses:?}",
        cases.len()
    );
}

#[test]
fn geolonia_quirks_old_kanji_and_gun_in_file_names() {
    let t = TownTable::aichi();
    // Geolonia writes 「鍜治ケ一色」 (old form); addresses write 鍛治ヶ一色.
    let p = t.locate("愛知県北名古屋市鍛治ヶ一色１２３").unwrap();
    assert_eq!(
        (p.city.as_str(), p.town.as_str()),
        ("北名古屋市", "鍜治ケ一色")
    );
    // The file is 西春日井郡豊山町.json; GSI addresses leave 郡 out.
    let a = t.locate("愛知県豊山町大字豊場字八反107").unwrap();
    assert_eq!(a.city, "西春日井郡豊山町");
    assert_eq!(t.locate("愛知県西春日井郡豊山町大字豊場字八反107"), Some(a));
}

#[test]
fn a_town_listed_once_per_koaza_gets_one_point_the_towns_own() {
    // Geolonia's 豊明市.json lists 阿野町 with an empty 小字 (35.044668, 137.012116) and again
    // for 三本木, 上畑田, 上石田 …; the table keeps one point per 町字, the one without 小字.
    let p = TownTable::aichi()
        .locate("愛知県豊明市阿野町三本木1")
        .unwrap();
    assert_eq!(p.town, "阿野町");
    assert_eq!((p.lat, p.lon), (35.044668, 137.012116));
    let q = TownTable::aichi()
        .locate("愛知県豊明市阿野町上石田5")
        .unwrap();
    assert_eq!(p, q);
}

// ---------------------------------------------------------------------------------------
// The whole test suite of geolonia/normalize-japanese-addresses (7,191 addresses in 26
// prefectures), read from `../shared/data` next to the repository. The shipped table holds
// 愛知県 only, so the risk for every other address is a wrong placement: a Kyoto or Tokyo
// address matched to an Aichi 町字 of the same name and shown in the wrong prefecture.

/// One row of `addresses.csv`.
struct Row {
    /// 1-based line in the file (the header is line 1).
    line: u64,
    address: String,
    prefecture: String,
    city: String,
    town: String,
    lng: f64,
    lat: f64,
    /// 備考: the edge case the row stands for, when it is one.
    note: String,
}

fn all_rows() -> Vec<Row> {
    let path = repo().join("../shared/data/addresses-normalize-testcases/addresses.csv");
    let mut r = csv::Reader::from_path(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (the shared data sits next to the repository)",
            path.display()
        )
    });
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        let line = rec.position().unwrap().line();
        // 緯度経度 holds "lng,lat" despite its name.
        let (lng, lat) = rec[7].split_once(',').unwrap();
        rows.push(Row {
            line,
            address: rec[0].to_string(),
            prefecture: rec[1].to_string(),
            city: rec[2].to_string(),
            town: rec[3].to_string(),
            lng: lng.trim().parse().unwrap(),
            lat: lat.trim().parse().unwrap(),
            note: rec[9].trim().to_string(),
        });
    }
    rows
}

/// The rows whose 備考 names an edge case: 49, of which 2 are in 愛知県.
fn edge_case_rows(rows: &[Row]) -> Vec<&Row> {
    rows.iter().filter(|r| !r.note.is_empty()).collect()
}

/// Distance in km between two points (equirectangular; exact enough within a city).
fn km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let x = (lon2 - lon1).to_radians() * ((lat1 + lat2) / 2.0).to_radians().cos();
    let y = (lat2 - lat1).to_radians();
    (x * x + y * y).sqrt() * 6371.0
}

#[test]
fn edge_case_rows_outside_aichi_find_no_town_and_the_two_in_aichi_find_theirs() {
    let rows = all_rows();
    assert_eq!(rows.len(), 7191);
    let edge = edge_case_rows(&rows);
    assert_eq!(edge.len(), 49);
    let table = TownTable::aichi();
    let (aichi, elsewhere): (Vec<&&Row>, Vec<&&Row>) =
        edge.iter().partition(|r| r.prefecture == "愛知県");
    assert_eq!((elsewhere.len(), aichi.len()), (47, 2));
    // Kyoto 通り names, 「町」 left out, 大字 and 町 side by side, no prefecture and no 郡
    // (「串本町串本千二百三十四」), spaces, 巿 for 市 …: none of them may be put on an Aichi
    // 町字, whatever the name shares with one.
    let placed: Vec<String> = elsewhere
        .iter()
        .filter_map(|r| {
            table.locate(&r.address).map(|p| {
                format!(
                    "line {} {} ({}) → {}{}",
                    r.line, r.address, r.note, p.city, p.town
                )
            })
        })
        .collect();
    assert!(placed.is_empty(), "placed in 愛知県: {placed:#?}");
    // The two in 愛知県 find the 町字 the suite expects: 「十六町１丁目」 (町 not left out before
    // a kanji numeral) and 「鳴海町字アイウエオ100番200号」 (番 and 号 not read as a 町 name).
    for r in aichi {
        let p = table
            .locate(&r.address)
            .unwrap_or_else(|| panic!("{}: no town", r.address));
        assert_eq!(
            (p.city.as_str(), p.town.as_str()),
            (r.city.as_str(), r.town.as_str()),
            "line {}",
            r.line
        );
        assert!(km(p.lat, p.lon, r.lat, r.lng) < 3.0, "{}", r.address);
    }
}

#[test]
fn edge_case_rows_without_coordinates_are_imported_without_a_point_and_reported() {
    // The 49 rows as a municipality would publish them: an AED list in the 推奨データセット
    // columns with the 都道府県名 and 市区町村名 the suite expects, and no coordinates, so
    // the importer has only the address to place them by.
    let rows = all_rows();
    let edge = edge_case_rows(&rows);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("edge-cases-aed.csv");
    let mut w = csv::Writer::from_path(&file).unwrap();
    w.write_record([
        "都道府県コード又は市区町村コード",
        "NO",
        "都道府県名",
        "市区町村名",
        "名称",
        "住所",
        "緯度",
        "経度",
    ])
    .unwrap();
    for (i, r) in edge.iter().enumerate() {
        let pref = tsunagu::import::kinds::PREFECTURES
            .iter()
            .position(|p| *p == r.prefecture)
            .unwrap()
            + 1;
        w.write_record([
            format!("{pref:02}0000"),
            (i + 1).to_string(),
            r.prefecture.clone(),
            r.city.clone(),
            format!("テスト{}", i + 1),
            r.address.clone(),
            String::new(),
            String::new(),
        ])
        .unwrap();
    }
    w.flush().unwrap();
    drop(w);
    let c = content_dir();
    let mut a = args(c.path(), std::slice::from_ref(&file));
    a.dataset = Some("std-aed".into());
    let o = run(&a);
    // Nothing lost: every row is a record.
    assert_eq!(o.summary.added, 49);
    let records = load(c.path());
    assert_eq!(records.resources.len(), 49);
    for (i, r) in edge.iter().enumerate() {
        let line = i as u64 + 2;
        let v = by_name(c.path(), &format!("テスト{}", i + 1));
        if r.prefecture == "愛知県" {
            // Placed at its 町字, marked approximate, with the 町字 the suite expects.
            assert_eq!(v["address"]["town"].as_str(), Some(r.town.as_str()));
            assert_eq!(v["location"]["approximate"].as_bool(), Some(true));
            let (lat, lon) = (
                v["location"]["lat"].as_f64().unwrap(),
                v["location"]["lon"].as_f64().unwrap(),
            );
            assert!(km(lat, lon, r.lat, r.lng) < 3.0, "{}", r.address);
            assert!(
                o.issues.iter().all(|i| i.row != line),
                "line {line}: {:?}",
                o.issues
                    .iter()
                    .filter(|i| i.row == line)
                    .collect::<Vec<_>>()
            );
        } else {
            // Not on the map, no guessed 町字, and the report says why, on its own line.
            assert!(v.get("location").is_none(), "line {line}: {v:?}");
            assert!(v["address"].get("town").is_none(), "line {line}: {v:?}");
            let i = issue(
                &o,
                line,
                "住所から町字も特定できないため、地図には載りません",
            )
            .unwrap_or_else(|| panic!("line {line} ({}) not reported", r.address));
            assert!(i.message.starts_with("座標がありません"), "{}", i.message);
            assert_eq!(i.skip, None, "imported, not skipped");
            assert_eq!(i.column, "緯度/経度");
            assert!(i.file.ends_with("edge-cases-aed.csv"));
        }
    }
}

#[test]
fn no_address_outside_aichi_is_placed_in_aichi() {
    let rows = all_rows();
    let elsewhere: Vec<&Row> = rows.iter().filter(|r| r.prefecture != "愛知県").collect();
    assert_eq!(elsewhere.len(), 7159);
    let table = TownTable::aichi();
    let mut placed = Vec::new();
    for r in &elsewhere {
        // As written, and as a file without a prefecture column would give it (「中区…」 is
        // in 横浜市, 広島市, 堺市 too; 美浜町 in 福井県 and 和歌山県).
        let without = r.address.strip_prefix(&r.prefecture).unwrap_or(&r.address);
        for a in [r.address.as_str(), without] {
            if let Some(p) = table.locate(a) {
                placed.push(format!("line {} {a} → {}{}", r.line, p.city, p.town));
            }
        }
    }
    assert!(
        placed.is_empty(),
        "{} of {} addresses outside 愛知県 placed in it: {placed:#?}",
        placed.len(),
        elsewhere.len()
    );
}

#[test]
fn every_aichi_row_finds_its_expected_town_within_3_km() {
    let rows = all_rows();
    let aichi: Vec<&Row> = rows.iter().filter(|r| r.prefecture == "愛知県").collect();
    assert_eq!(aichi.len(), 32);
    let table = TownTable::aichi();
    let mut wrong = Vec::new();
    let mut koaza = 0;
    for r in &aichi {
        let Some(p) = table.locate(&r.address) else {
            wrong.push(format!("line {} {}: no town", r.line, r.address));
            continue;
        };
        // The suite names the 市区町村 as Geolonia files it (「名古屋市中区」).
        if p.city != r.city {
            wrong.push(format!("line {} {}: city {}", r.line, r.address, p.city));
        }
        // The table stops at the 町字; the suite twice goes on to a 小字 Geolonia lists for that
        // 町字 (「広路町字石坂」, 「西今宿梶村一」). Anything else must be equal.
        if p.town != r.town {
            let rest = r
                .town
                .strip_prefix(p.town.as_str())
                .map(|k| k.trim_start_matches('字'));
            match rest {
                Some(k) if geolonia_koaza(&r.city, &p.town).contains(&k.to_string()) => koaza += 1,
                _ => wrong.push(format!(
                    "line {} {}: {} ≠ {}",
                    r.line, r.address, p.town, r.town
                )),
            }
        }
        let d = km(p.lat, p.lon, r.lat, r.lng);
        if d >= 3.0 {
            wrong.push(format!("line {} {}: {d:.2} km away", r.line, r.address));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert_eq!(koaza, 2);
}

/// The 小字 the Geolonia 住所データ lists under one 町字 of a city.
fn geolonia_koaza(city: &str, town: &str) -> Vec<String> {
    let path = repo().join(format!(
        "../shared/data/addresses-geolonia-aichi/api/ja/愛知県/{city}.json"
    ));
    let v: serde_json::Value = serde_json::from_slice(
        &std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .filter(|e| e["town"] == town)
        .filter_map(|e| e["koaza"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn aichi_addresses_in_the_suites_edge_case_forms_find_the_right_town() {
    let t = TownTable::aichi();
    let town = |a: &str| {
        t.locate(a)
            .map(|p| format!("{}{}", p.city, p.town))
            .unwrap_or_else(|| format!("{a}: no town"))
    };
    // 「町」 left out inside or at the end of a 町字 name; the GSI's own
    // 「愛知県豊橋市神野新田字沖之島」 is one.
    assert_eq!(town("愛知県あま市七宝下之森１２"), "あま市七宝町下之森");
    assert_eq!(town("愛知県豊橋市神野新田字沖之島"), "豊橋市神野新田町");
    assert_eq!(
        town("愛知県名古屋市緑区鳴海字アイウエオ100番200号"),
        "名古屋市緑区鳴海町"
    );
    // 大字 written or not.
    assert_eq!(town("愛知県扶桑町大字小淵字江南55"), "丹羽郡扶桑町大字小淵");
    assert_eq!(town("愛知県丹羽郡扶桑町小淵55"), "丹羽郡扶桑町大字小淵");
    // …and the GSI's 「小渕」 for Geolonia's 小淵.
    assert_eq!(town("愛知県扶桑町小渕字砂原"), "丹羽郡扶桑町大字小淵");
    // 丁目 in kanji, in digits, or as a bare number after the name (「志賀南通2」 in the suite).
    for a in [
        "愛知県常滑市セントレア二丁目1",
        "愛知県常滑市セントレア2丁目1",
        "愛知県常滑市セントレア２－１",
    ] {
        // セントレア also carries a 長音符 that must not be read as a hyphen.
        assert_eq!(town(a), "常滑市セントレア二丁目", "{a}");
    }
    // No prefecture and no 郡 (「串本町串本…」 in the suite).
    assert_eq!(town("扶桑町小淵55"), "丹羽郡扶桑町大字小淵");
    // 「塚」 (U+FA10) written for 塚.
    assert_eq!(
        town("愛知県一宮市藤\u{FA10}町３丁目1"),
        "一宮市藤塚町三丁目"
    );
}
