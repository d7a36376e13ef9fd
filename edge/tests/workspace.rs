//! The work itself: posting to a timeline (vitals, Markdown, mentions, reads, paging),
//! registering people one by one and from CSV, and the audit search and export.

mod common;

use axum::http::StatusCode;
use common::{Req, harness};

#[tokio::test]
async fn post_vitals_and_read_them_back() {
    let h = harness().await;
    let nurse = h.sign_in("nurse.sato").await;
    let csrf = h.csrf(&nurse).await;
    let body =
        "訪問しました。**ふらつき**あり。@dr.tanaka 先生ご確認ください。<script>alert(1)</script>";
    let r = h
        .send(
            Req::multipart(
                "/pro/people/1/posts",
                &[
                    ("csrf", &csrf),
                    ("category", "相談"),
                    ("body", body),
                    ("temp_c", "37.2"),
                    ("bp_sys", "142"),
                    ("bp_dia", "88"),
                    ("pulse", "92"),
                    ("spo2", "95"),
                    ("weight_kg", ""),
                    ("meal", "半量"),
                    ("excretion", "排尿のみ"),
                ],
                None,
            )
            .cookie(&nurse),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = h.send(Req::get("/pro/people/1").cookie(&nurse)).await.body;
    for s in [
        "体温 37.2℃",
        "血圧 142/88mmHg",
        "脈拍 92回/分",
        "SpO2 95%",
        "食事 半量",
        "排泄 排尿のみ",
        "<strong>ふらつき</strong>",
        "宛先: 田中 一郎",
    ] {
        assert!(page.contains(s), "{s}");
    }
    assert!(!page.contains("<script>alert"), "Markdown is sanitised");
    // The trend table lists the new reading first.
    let trend = &page[page.find("バイタルの推移").unwrap()..page.find("id=\"timeline\"").unwrap()];
    assert!(
        trend.find("37.2℃").unwrap() < trend.find("36.6℃").unwrap(),
        "{trend}"
    );
    // Newest first: the new post comes before the seeded ones.
    assert!(page.find("ふらつき").unwrap() < page.find("お薬カレンダー").unwrap());
    // The doctor sees it unread, then read; the read count rises.
    let dr = h.sign_in("dr.tanaka").await;
    // The doctor's list shows the unread post addressed to him.
    let list = h.send(Req::get("/pro/people").cookie(&dr)).await.body;
    assert!(list.contains("あなた宛 1"), "{list}");
    let json: serde_json::Value = serde_json::from_str(
        &h.send(Req::get("/api/people/1/timeline").cookie(&dr))
            .await
            .body,
    )
    .unwrap();
    let first = &json["posts"][0];
    assert_eq!(first["unread"], true);
    assert_eq!(first["vitals"]["spo2"], 95);
    assert_eq!(first["read_count"], 1);
    let json: serde_json::Value = serde_json::from_str(
        &h.send(Req::get("/api/people/1/timeline").cookie(&dr))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(json["posts"][0]["unread"], false);
    assert_eq!(json["posts"][0]["read_count"], 2);
    assert!(
        !h.send(Req::get("/pro/people").cookie(&dr))
            .await
            .body
            .contains("あなた宛")
    );

    // Out-of-range vitals: every problem named, nothing saved.
    let before = h.scalar("SELECT COUNT(*) FROM posts");
    let r = h
        .send(
            Req::multipart(
                "/pro/people/1/posts",
                &[
                    ("csrf", &csrf),
                    ("category", "報告"),
                    ("temp_c", "45"),
                    ("bp_sys", "80"),
                    ("bp_dia", "120"),
                    ("spo2", "abc"),
                ],
                None,
            )
            .cookie(&nurse),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("体温: 45℃は範囲外です（34〜42℃）。"),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("血圧: 下の値は上の値より小さくしてください。")
    );
    assert!(r.body.contains("SpO2: 「abc」は数値ではありません。"));
    assert_eq!(h.scalar("SELECT COUNT(*) FROM posts"), before);
}

#[tokio::test]
async fn timeline_pages_newest_first_without_gaps() {
    let h = harness().await;
    let nurse = h.sign_in("nurse.sato").await;
    let csrf = h.csrf(&nurse).await;
    for i in 0..45 {
        h.clock.advance(1);
        let body = format!("記録 {i:02}");
        let r = h
            .send(
                Req::multipart(
                    "/pro/people/2/posts",
                    &[("csrf", &csrf), ("category", "報告"), ("body", &body)],
                    None,
                )
                .cookie(&nurse),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    let mut seen = Vec::new();
    let mut url = "/api/people/2/timeline".to_owned();
    loop {
        let json: serde_json::Value =
            serde_json::from_str(&h.send(Req::get(url.clone()).cookie(&nurse)).await.body).unwrap();
        let posts = json["posts"].as_array().unwrap();
        assert!(posts.len() <= 20);
        seen.extend(posts.iter().map(|p| p["id"].as_i64().unwrap()));
        match json["next"].as_str() {
            Some(n) => url = format!("/api/people/2/timeline?before={n}"),
            None => break,
        }
    }
    // 45 new + 2 seeded, each once, strictly newest first.
    assert_eq!(seen.len(), 47);
    let mut sorted = seen.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(seen, sorted);
    // The HTML page links to the next page.
    let page = h.send(Req::get("/pro/people/2").cookie(&nurse)).await.body;
    assert!(page.contains("さらに前の記録"));
}

#[tokio::test]
async fn register_a_person_then_consent_then_team() {
    let h = harness().await;
    let city = h.sign_in("city.yamada").await;
    let csrf = h.csrf(&city).await;
    let bad = Req::post(
        "/pro/people/new",
        &[
            ("csrf", &csrf),
            ("name", ""),
            ("kana", "abc"),
            ("birth_date", "1940-02-30"),
            ("address", "豊明市"),
            ("care_level", "要介護6"),
        ],
    );
    let r = h.send(bad.cookie(&city)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    for s in [
        "氏名: ",
        "フリガナ: ひらがなかカタカナ",
        "生年月日: 「1940-02-30」は日付として読めません",
        "要介護度: 「要介護6」は使えません",
    ] {
        assert!(r.body.contains(s), "{s}");
    }
    let ok = Req::post(
        "/pro/people/new",
        &[
            ("csrf", &csrf),
            ("name", "阿野 梅"),
            ("kana", "アノ ウメ"),
            ("birth_date", "1939-07-07"),
            ("address", "豊明市阿野町1-2"),
            ("lat", "35.04"),
            ("lon", "137.01"),
            ("care_level", "要介護2"),
            ("contacts", "長女"),
        ],
    );
    let r = h.send(ok.cookie(&city)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let id = h.scalar("SELECT MAX(id) FROM people");
    assert_eq!(r.location(), format!("/pro/people/{id}/consent"));
    // A nurse added to the team cannot see the person until consent is recorded.
    let r = h
        .send(
            Req::post(
                format!("/pro/people/{id}/team"),
                &[("csrf", &csrf), ("user_id", "5")],
            )
            .cookie(&city),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let nurse = h.sign_in("nurse.sato").await;
    assert_eq!(
        h.send(Req::get(format!("/pro/people/{id}")).cookie(&nurse))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = h
        .send(
            Req::post(
                format!("/pro/people/{id}/consent"),
                &[
                    ("csrf", &csrf),
                    ("obtained_on", "2026-12-20"),
                    ("method", "介護認定申請時"),
                    ("scope", "ケアチーム内共有"),
                ],
            )
            .cookie(&city),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        h.send(Req::get(format!("/pro/people/{id}")).cookie(&nurse))
            .await
            .status,
        StatusCode::OK
    );
}

fn multipart_csv(csrf: &str, name: &str, bytes: &[u8]) -> Req {
    Req::multipart(
        "/pro/people/import",
        &[("csrf", csrf)],
        Some((name, "text/csv", bytes)),
    )
}

#[tokio::test]
async fn csv_import_is_all_or_nothing_with_row_errors() {
    let h = harness().await;
    let city = h.sign_in("city.yamada").await;
    let csrf = h.csrf(&city).await;
    let people_before = h.scalar("SELECT COUNT(*) FROM people");
    let bad = "外部ID,氏名,フリガナ,生年月日,住所,緯度,経度,要介護度,連絡先,同意日,同意取得方法,同意範囲\r\n\
               T-001,栄 一郎,サカエ イチロウ,1941/01/15,豊明市栄町1,35.05,137.01,要介護1,,2026-05-01,介護認定申請時,ケアチーム内共有\r\n\
               T-002,新田 二郎,シンデン ジロウ,1941-01-15,豊明市新田町2,95,137.01,要支援1,,,,\r\n\
               T-001,三崎 三子,ミサキ ミツコ,1950-03-03,豊明市三崎町3,,,要介護2,,2030-01-01,その他,共有\r\n";
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(bad);
    let r = h
        .send(multipart_csv(&csrf, "daicho.csv", &sjis).cookie(&city))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    for s in [
        "daicho.csv:3: 緯度: 「95」は-90〜90の数値ではありません。",
        "daicho.csv:4: 外部ID: 「T-001」がファイル内で重複しています。",
        "daicho.csv:4: 同意日: 未来の日付は入力できません。",
    ] {
        assert!(r.body.contains(s), "{s}\n{}", r.body);
    }
    assert_eq!(
        h.scalar("SELECT COUNT(*) FROM people"),
        people_before,
        "nothing registered"
    );

    let good = "\u{feff}外部ID,氏名,フリガナ,生年月日,住所,要介護度,同意日,同意取得方法,同意範囲\n\
                T-101,栄 一郎,サカエ イチロウ,1941/01/15,豊明市栄町1,要介護1,2026-05-01,介護認定申請時,ケアチーム内共有\n\
                T-102,新田 二郎,シンデン ジロウ,1941-01-15,豊明市新田町2,要支援1,,,\n";
    let r = h
        .send(multipart_csv(&csrf, "ok.csv", good.as_bytes()).cookie(&city))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("ok.csv: 2人を登録しました。"));
    assert_eq!(h.scalar("SELECT COUNT(*) FROM people"), people_before + 2);
    assert_eq!(h.scalar("SELECT COUNT(*) FROM consents c JOIN people p ON p.id = c.person_id WHERE p.external_id = 'T-101'"), 1);
    assert_eq!(h.scalar("SELECT COUNT(*) FROM consents c JOIN people p ON p.id = c.person_id WHERE p.external_id = 'T-102'"), 0);
    // No coordinates in the file: placed at the 町字's representative point (新田町).
    let lat =
        h.db.with_conn(|c| {
            Ok(c.query_row(
                "SELECT lat FROM people WHERE external_id = 'T-102'",
                [],
                |r| r.get::<_, Option<f64>>(0),
            )
            .unwrap())
        })
        .unwrap();
    assert!(lat.is_some_and(|v| (v - 35.05).abs() < 0.05), "{lat:?}");
    // The same file again: the external ids exist already, nothing is added.
    let r = h
        .send(multipart_csv(&csrf, "ok.csv", good.as_bytes()).cookie(&city))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("既に登録済みの外部ID"));
    assert_eq!(h.scalar("SELECT COUNT(*) FROM people"), people_before + 2);
}

#[tokio::test]
async fn audit_search_and_csv_export() {
    let h = harness().await;
    let dr = h.sign_in("dr.tanaka").await;
    assert_eq!(
        h.send(Req::get("/pro/people/1").cookie(&dr)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        h.send(Req::get("/pro/people/2").cookie(&dr)).await.status,
        StatusCode::NOT_FOUND
    );
    let r = h.password_step("dr.tanaka", "wrong-password").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    let admin = h.sign_in("admin").await;
    let page = h
        .send(Req::get("/pro/audit?actor=dr.tanaka&outcome=denied").cookie(&admin))
        .await
        .body;
    assert!(
        page.contains("person.view") && page.contains("person:2"),
        "{page}"
    );
    assert!(!page.contains("person:1<"), "only denied rows");
    let csv = h
        .send(Req::get("/pro/audit.csv?actor=dr.tanaka").cookie(&admin))
        .await;
    assert_eq!(
        csv.headers.get("content-type").unwrap(),
        "text/csv; charset=utf-8"
    );
    let text = csv.body.trim_start_matches('\u{feff}');
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("日時(JST),利用者,組織ID,操作,対象種別,対象ID,結果")
    );
    let rows: Vec<&str> = lines.collect();
    assert!(
        rows.iter()
            .any(|l| l.contains(",dr.tanaka,") && l.contains(",person.view,person,1,ok,")),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|l| l.contains(",person.view,person,2,denied,"))
    );
    assert!(
        rows.iter()
            .any(|l| l.contains(",signin.password,account,dr.tanaka,failed,192.0.2.10,"))
    );
    // A sign-in name typed as a spreadsheet formula is exported inert.
    let r = h
        .password_step("=HYPERLINK(\"http://x\")", "whatever-pass")
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let csv = h
        .send(Req::get("/pro/audit.csv?action=signin.password").cookie(&admin))
        .await
        .body;
    assert!(csv.contains(",\"'=hyperlink(\"\"http://x\"\")\","), "{csv}");
    // Exporting is itself audited.
    assert_eq!(
        h.scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'audit.export' AND actor_login = 'admin'"
        ),
        2
    );
}

#[tokio::test]
async fn migrations_match_the_directory_and_agree_with_wrangler() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".sql"))
        .collect();
    files.sort();
    let embedded: Vec<&str> = tsunagu_edge::migrations::MIGRATIONS
        .iter()
        .map(|(n, _)| *n)
        .collect();
    assert_eq!(
        files, embedded,
        "edge/src/migrations.rs lists every file in edge/migrations, in order"
    );
    for (name, sql) in tsunagu_edge::migrations::MIGRATIONS {
        assert_eq!(std::fs::read_to_string(dir.join(name)).unwrap(), *sql);
    }
    // Applying twice is a no-op; wrangler's table records each file by name.
    let db = tsunagu_edge::store::sqlite::SqliteDb::memory().unwrap();
    assert_eq!(
        tsunagu_edge::store::migrate::migrate(&db).unwrap(),
        embedded
    );
    assert!(
        tsunagu_edge::store::migrate::migrate(&db)
            .unwrap()
            .is_empty()
    );
    let names: Vec<String> = db
        .with_conn(|c| {
            Ok(c.prepare("SELECT name FROM d1_migrations ORDER BY id")
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect())
        })
        .unwrap();
    assert_eq!(names, embedded);
}

#[tokio::test]
async fn demo_seed_refuses_a_production_database() {
    let db = tsunagu_edge::native::memory_db().unwrap();
    tsunagu_edge::demo::mark_production(&db).await.unwrap();
    let err = tsunagu_edge::demo::seed(&db, &common::config(), common::T0)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("本番用"));
    assert_eq!(
        db.with_conn(|c| Ok(c
            .query_row("SELECT COUNT(*) FROM users", [], |r| r.get::<_, i64>(0))
            .unwrap()))
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn first_admin_of_a_production_database_must_change_password_and_enrol() {
    let db = tsunagu_edge::native::memory_db().unwrap();
    let (sql, pw) = tsunagu_edge::accounts::first_admin_sql(
        "root.admin",
        "最初 管理者",
        "システム運用",
        common::T0,
        &common::config(),
    )
    .unwrap();
    db.with_conn(|c| {
        c.execute_batch(&sql).unwrap();
        Ok(())
    })
    .unwrap();
    tsunagu_edge::demo::mark_production_blocking(&db).unwrap();
    let clock = tsunagu_edge::clock::ManualClock::new(common::T0);
    let n = tsunagu_edge::native::build(
        db,
        std::sync::Arc::new(tsunagu_edge::blobs::MemoryBlobs::default()),
        std::sync::Arc::new(clock),
        tsunagu_edge::native::Options {
            demo: false,
            blobs_dir: None,
            config: common::config(),
        },
    )
    .await
    .unwrap();
    let h = common::H {
        router: n.router,
        clock: tsunagu_edge::clock::ManualClock::new(common::T0),
        db: n.db,
    };
    let r = h.password_step("root.admin", &pw).await;
    assert_eq!(r.location(), "/pro/enrol");
}
