//! The offline 町字 table (from the Geolonia 住所データ) against the 愛知県 rows of the
//! geocoder test suite of geolonia/normalize-japanese-addresses: full-width digits and
//! hyphens in the input, 町字 with kanji numerals in the expected output, and 緯度経度 that
//! holds "lng,lat" despite its name.

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
