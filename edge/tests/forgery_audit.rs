//! Every refused forged request (CSRF token missing or wrong, cross-site Origin or
//! Sec-Fetch-Site) leaves a `csrf_rejected` / denied row in the audit log, and the
//! refusal page says why in Japanese.

mod common;

use axum::http::StatusCode;
use common::{IP, Req, harness};

/// (actor_login, action, target_type, target_id, outcome, ip, detail) of csrf_rejected rows, oldest first.
fn forgery_rows(h: &common::H) -> Vec<[String; 7]> {
    h.db.with_conn(|c| {
        let mut st = c
            .prepare(
                "SELECT actor_login, action, target_type, target_id, outcome, ip, detail
                 FROM audit_log WHERE action = 'csrf_rejected' ORDER BY id",
            )
            .unwrap();
        let rows = st
            .query_map([], |r| {
                Ok([
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ])
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        Ok(rows)
    })
    .unwrap()
}

#[tokio::test]
async fn refused_forged_requests_are_audited_with_reason() {
    let h = harness().await;
    let c = h.sign_in("city.yamada").await;
    let csrf = h.csrf(&c).await;
    let path = "/pro/people/4/consent";
    let form = |token: Option<&str>| {
        let mut f = vec![
            ("obtained_on", "2026-12-01"),
            ("method", "その他"),
            ("scope", "共有"),
        ];
        if let Some(t) = token {
            f.push(("csrf", t));
        }
        Req::post(path, &f).cookie(&c)
    };
    assert!(forgery_rows(&h).is_empty());

    let r = h.send(form(None)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("確認用トークンがない"), "{}", r.body);

    let wrong = "0".repeat(64);
    let r = h.send(form(Some(&wrong)).ip("198.51.100.7")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("確認用トークンが一致しない"), "{}", r.body);

    let r = h
        .send(form(Some(&csrf)).header("origin", "https://evil.example"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("他のサイトから送られた操作"), "{}", r.body);

    let r = h
        .send(form(Some(&csrf)).header("sec-fetch-site", "cross-site"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Sign-in forged from another site: no session, so no actor, but still audited.
    let r = h
        .send(
            Req::post("/pro/login", &[("login", "cm.suzuki"), ("password", "x")])
                .header("origin", "https://evil.example"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let rows = forgery_rows(&h);
    assert_eq!(rows.len(), 5, "{rows:?}");
    let expect = [
        ("city.yamada", path, IP, "csrf token missing"),
        ("city.yamada", path, "198.51.100.7", "csrf token mismatch"),
        (
            "city.yamada",
            path,
            IP,
            "cross-site: origin=https://evil.example sec-fetch-site=-",
        ),
        (
            "city.yamada",
            path,
            IP,
            "cross-site: origin=- sec-fetch-site=cross-site",
        ),
        (
            "",
            "/pro/login",
            IP,
            "cross-site: origin=https://evil.example sec-fetch-site=-",
        ),
    ];
    for (row, (actor, target, ip, detail)) in rows.iter().zip(expect) {
        assert_eq!(row[0], actor, "{row:?}");
        assert_eq!(row[2], "path", "{row:?}");
        assert_eq!(row[3], target, "{row:?}");
        assert_eq!(row[4], "denied", "{row:?}");
        assert_eq!(row[5], ip, "{row:?}");
        assert_eq!(row[6], detail, "{row:?}");
    }
    // The refusals changed nothing.
    assert_eq!(
        h.scalar("SELECT COUNT(*) FROM consents WHERE person_id = 4"),
        0
    );

    // A same-origin request with the right token is not a forgery: no new row.
    let r = h
        .send(
            form(Some(&csrf))
                .header("origin", "http://localhost")
                .header("sec-fetch-site", "same-origin"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(forgery_rows(&h).len(), 5);
}
