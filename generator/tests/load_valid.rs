//! Valid content loads into the model with normalised values, derived fields and the
//! warnings a maintainer should see.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use tsunagu::load::{self, LoadOptions, Severity};
use tsunagu::model::{AcceptingStatus, Feature, Recurrence, Status, Tri, VerifyMethod, Weekday};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn options() -> LoadOptions {
    LoadOptions {
        today: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        ..LoadOptions::default()
    }
}

fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).unwrap()
}

#[test]
fn the_sample_municipality_loads() {
    let loaded = match load::load_with(&repo().join("content"), &options()) {
        Ok(l) => l,
        Err(diags) => panic!(
            "{}",
            diags
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        ),
    };
    let c = &loaded.content;
    assert_eq!(c.site.name.ja, "豊明市");
    assert_eq!(c.site.code, "232297");
    assert_eq!(c.site.contact.phone.as_deref(), Some("0562-92-1111"));
    assert!(c.site.map.tile_url.contains("cyberjapandata.gsi.go.jp"));
    let ids: Vec<&str> = c.categories.iter().map(|c| c.id.as_str()).collect();
    for id in [
        "kayoinoba",
        "salon",
        "exercise",
        "dementia-cafe",
        "hobby",
        "care",
        "medical",
        "hospital",
        "clinic",
        "dental",
        "pharmacy",
        "houkatsu",
        "welfare",
        "accessible-toilet",
        "orange-supporter",
        "kodomo-shokudo",
        "shopping",
        "mobile-market",
        "mobility",
        "welfare-taxi",
        "disaster",
        "emergency-site",
        "shelter",
        "aed",
    ] {
        assert!(ids.contains(&id), "category {id} missing");
    }
    // Sorted by id, unique.
    assert!(c.resources.windows(2).all(|w| w[0].id < w[1].id));
    // Every category is used by at least one resource.
    for cat in &c.categories {
        let used = c.resources.iter().any(|r| r.categories.contains(&cat.id))
            || c.categories
                .iter()
                .any(|child| child.parent.as_deref() == Some(cat.id.as_str()));
        assert!(used, "category {} has no resources", cat.id);
    }

    let r = c
        .resources
        .iter()
        .find(|r| r.id == "kutsukake-yunosato-kayoinoba")
        .unwrap();
    assert_eq!(r.categories, ["salon", "hobby"]);
    assert_eq!(r.address.as_ref().unwrap().town.as_deref(), Some("沓掛町"));
    assert_eq!(
        r.address.as_ref().unwrap().postal_code.as_deref(),
        Some("470-1101")
    );
    assert_eq!(r.accessibility.get(Feature::Pickup), Tri::Yes);
    assert_eq!(r.accessibility.get(Feature::SignLanguage), Tri::No);
    assert_eq!(r.accessibility.get(Feature::Ostomate), Tri::Unknown);
    assert_eq!(r.accepting.as_ref().unwrap().status, AcceptingStatus::Open);
    assert_eq!(r.verified.as_ref().unwrap().method, VerifyMethod::Visit);
    assert_eq!(r.status, Status::Active);
    assert_eq!(
        r.file,
        Path::new("resources/kutsukake-yunosato-kayoinoba.yaml")
    );
    assert!(
        matches!(&r.schedule.rules[1].when, Recurrence::MonthlyNth { nth, day: Weekday::Thu } if nth == &[2, 4])
    );
    assert!(r.schedule.closed.holidays && r.schedule.closed.year_end);
    // 2026-11-23 (Mon) is 勤労感謝の日; the next sessions after it.
    let next: Vec<NaiveDate> = r
        .schedule
        .next_dates(d(2026, 11, 23), 3)
        .into_iter()
        .map(|o| o.date)
        .collect();
    assert_eq!(next, [d(2026, 11, 24), d(2026, 11, 26), d(2026, 11, 27)]);
}

#[test]
fn the_pipeline_fixture_site_loads() {
    let r = load::load_with(
        &repo().join("tests/fixtures/site-basic/content"),
        &options(),
    );
    assert!(r.is_ok(), "{:?}", r.err());
}

/// A temporary content directory holding the sample's site and categories plus `files`.
fn site_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for f in ["site.yaml", "categories.yaml"] {
        std::fs::copy(repo().join("content").join(f), tmp.path().join(f)).unwrap();
    }
    for (path, text) in files {
        let p = tmp.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    tmp
}

#[test]
fn values_are_normalised() {
    let tmp = site_with(&[
        (
            "resources/ano-cafe.yaml",
            "id: ano-cafe\nname: 喫茶 あの\nname_kana: きっさ あの\ncategories: [サロン]\n",
        ),
        (
            "resources/ano-kissa.yaml",
            "id: ano-kissa\nname: 喫茶 あの\nname_kana: きっさ あの\ncategories: [orange-supporter]\nphone: ０５６２－９２－１２３４\naddress:\n  postal_code: \"4701131\"\n  text: 愛知県豊明市阿野町稲葉1\nschedule:\n  rules:\n    - weekly: [月, 水曜, 金曜日]\n      time: \"７:００〜１１:００\"\n",
        ),
    ]);
    // A Japanese category name is an error that suggests the id.
    let diags = load::load_with(tmp.path(), &options()).err().unwrap();
    assert_eq!(
        diags.iter().map(ToString::to_string).collect::<Vec<_>>(),
        [
            "resources/ano-cafe.yaml:4:14: 項目「categories」: 不明なカテゴリ「サロン」です。もしかして「salon」?"
        ]
    );
    std::fs::remove_file(tmp.path().join("resources/ano-cafe.yaml")).unwrap();
    let loaded = load::load_with(tmp.path(), &options()).unwrap();
    let r = &loaded.content.resources[0];
    assert_eq!(r.phone.as_deref(), Some("0562-92-1234"));
    let a = r.address.as_ref().unwrap();
    assert_eq!(a.postal_code.as_deref(), Some("470-1131"));
    assert_eq!(a.town.as_deref(), Some("阿野町"));
    assert!(
        matches!(&r.schedule.rules[0].when, Recurrence::Weekly { days } if days == &[Weekday::Mon, Weekday::Wed, Weekday::Fri])
    );
    assert_eq!(r.schedule.describe_rules(), ["毎週月・水・金 7:00〜11:00"]);
}

#[test]
fn warnings_do_not_fail_the_load() {
    let tmp = site_with(&[(
        "resources/old-salon.yaml",
        "id: old-salon\nname: 古い情報のサロン\ncategories: [salon]\nverified:\n  date: 2025-01-10\n  by: 長寿課\n  method: phone\n",
    )]);
    let loaded = load::load_with(tmp.path(), &options()).unwrap();
    let w: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        w,
        [
            "resources/old-salon.yaml:1:1: 警告: 項目「name_kana」: 読みがありません。検索やふりがなに使うので、ひらがなかカタカナで書いてください。",
            "resources/old-salon.yaml:5:9: 警告: 項目「verified.date」: 確認日が 2025-01-10 で、681日前の情報です。もう一度確かめてください。",
        ]
    );
    assert!(
        loaded
            .warnings
            .iter()
            .all(|d| d.severity == Severity::Warning)
    );
}

#[test]
fn every_problem_of_every_file_in_one_run() {
    let tmp = site_with(&[
        (
            "resources/a.yaml",
            "id: a\nname: A\nname_kana: えー\ncategories: [salonn]\nphone: 123\n",
        ),
        (
            "resources/b.yaml",
            "id: b\nname: B\nname_kana: びー\ncategories: [salon]\nlocation: {lat: 0, lon: 0}\ntagz: [x]\n",
        ),
        ("pages/data.md", "---\ntitle: データ\n---\n本文\n"),
        (
            "pages/about.md",
            "---\ntitel: このサイトについて\n---\n本文\n",
        ),
    ]);
    let diags = load::load_with(tmp.path(), &options()).err().unwrap();
    let lines: Vec<String> = diags.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "pages/about.md:2:1: 項目「titel」: 不明な項目です。もしかして「title」?",
            "pages/about.md:2:1: 項目「title」: 必須の項目がありません。",
            "pages/data.md:1:1: ページ名「data」は /data/ としてサイトが使っているため使えません。ファイル名を変えてください。",
            "resources/a.yaml:4:14: 項目「categories」: 不明なカテゴリ「salonn」です。もしかして「salon」?",
            "resources/a.yaml:5:8: 項目「phone」: 電話番号「123」の形が正しくありません。市外局番から 0562-92-1111 のように書いてください。",
            "resources/b.yaml:5:17: 項目「location」: 日本の範囲外の座標です（lat: 0, lon: 0）。緯度は20〜46、経度は122〜154の範囲で、世界測地系（WGS84）の度で書いてください。",
            "resources/b.yaml:6:1: 項目「tagz」: 不明な項目です。もしかして「tags」?",
        ]
    );
}

/// Smaller mistakes people make by hand, each with the message they will read.
#[test]
fn hand_editing_mistakes() {
    let tmp = site_with(&[
        (
            "resources/twice.yaml",
            "id: twice\nname: 一回目\nname_kana: にかい\nname: 二回目\ncategories: [salon]\n",
        ),
        (
            "resources/Upper_Case.yaml",
            "id: Upper_Case\nname: 大文字\nname_kana: おおもじ\ncategories: [salon]\n",
        ),
        (
            "resources/no-cat.yaml",
            "id: no-cat\nname: カテゴリなし\nname_kana: かてごりなし\n",
        ),
        (
            "resources/two-kinds.yaml",
            "id: two-kinds\nname: 二種類\nname_kana: にしゅるい\ncategories: [salon]\nschedule:\n  rules:\n    - weekly: [tue]\n      monthly_date: [1]\n",
        ),
        ("resources/old.yml", "id: old\n"),
        (
            "resources/.#twice.yaml",
            "an editor's lock file, not a record: {",
        ),
    ]);
    let diags = load::load_with(tmp.path(), &options()).err().unwrap();
    let lines: Vec<String> = diags.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "resources/Upper_Case.yaml:1:5: 項目「id」: id「Upper_Case」には半角の英小文字・数字・ハイフンだけが使えます（先頭は英小文字か数字）。例: kutsukake-salon",
            "resources/no-cat.yaml:1:1: 項目「categories」: 必須の項目がありません（categories.yaml の id を1つ以上、例: [salon]）。",
            "resources/old.yml:1:1: 警告: 拡張子は .yaml にしてください（.yml のファイルは読み込まれません）。",
            "resources/twice.yaml:4:1: 項目「name」: 同じ項目が2回書かれています（2行目にもあります）。",
            "resources/two-kinds.yaml:7:7: 項目「schedule.rules[1]」: 1つの決まりには weekly・monthly_nth・monthly_date のどれか1つだけを書いてください（weekly・monthly_dateが書かれています）。決まりを分けてください。",
        ]
    );
}

#[test]
fn a_file_that_is_not_a_record() {
    let tmp = site_with(&[
        ("resources/text.yaml", "ただの文章です\n"),
        ("resources/list.yaml", "- a\n- b\n"),
        ("resources/empty.yaml", ""),
    ]);
    let lines: Vec<String> = load::load_with(tmp.path(), &options())
        .err()
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        lines,
        [
            "resources/empty.yaml:1:1: ファイルが空です。",
            "resources/list.yaml:1:1: ファイル全体: 「名前: 値」の形の項目を書いてください（リストが書かれています）。",
            "resources/text.yaml:1:1: ファイル全体: 「名前: 値」の形の項目を書いてください（文字列や数値が書かれています）。",
        ]
    );
}

/// 35.5 typed for 35.05 is still in Japan, but 50 km from the town: a warning.
#[test]
fn a_point_far_from_the_town_is_flagged() {
    let tmp = site_with(&[(
        "resources/typo-salon.yaml",
        "id: typo-salon\nname: 桁ちがいサロン\nname_kana: けたちがいさろん\ncategories: [salon]\nlocation:\n  lat: 35.5\n  lon: 137.0128\n",
    )]);
    let loaded = load::load_with(tmp.path(), &options()).unwrap();
    let w: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        w,
        [
            "resources/typo-salon.yaml:6:8: 警告: 項目「location」: 地図の中心から 50 km 離れています。緯度・経度の桁が正しいか確かめてください（lat: 35.5, lon: 137.0128）。"
        ]
    );
}

/// A prefecture's or the country's portal sets a map zoomed out; its places are far
/// from the centre by design. A town's 130 km is a prefecture's (zoom 9: 240 km) normal.
#[test]
fn how_far_is_too_far_follows_the_map_zoom() {
    let far_place = (
        "resources/far.yaml",
        "id: far\nname: 遠くの避難所\nname_kana: とおくのひなんじょ\ncategories: [shelter]\nlocation:\n  lat: 34.2\n  lon: 136.3\n",
    );
    let town = site_with(&[far_place]);
    let warned = load::load_with(town.path(), &options()).unwrap().warnings;
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(
        warned[0].to_string().contains("地図の中心から 11"),
        "{}",
        warned[0]
    );

    let prefecture = site_with(&[far_place]);
    let site = std::fs::read_to_string(prefecture.path().join("site.yaml")).unwrap();
    assert!(site.contains("  zoom: 14\n"));
    std::fs::write(
        prefecture.path().join("site.yaml"),
        site.replace("  zoom: 14\n", "  zoom: 9\n"),
    )
    .unwrap();
    let loaded = load::load_with(prefecture.path(), &options()).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}
