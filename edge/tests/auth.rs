//! Sign-in rules, natively against the real Router and SQLite.

mod common;

use axum::http::StatusCode;
use common::{H, Req, harness};
use tsunagu_edge::demo::{DEMO_PASSWORD, demo_totp_secret};

#[tokio::test]
async fn password_alone_does_not_sign_in() {
    let h = harness().await;
    let r = h.password_step("nurse.sato", DEMO_PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/pro/totp");
    let half = r.session_cookie().unwrap();
    // Private pages send a half-signed-in browser back to the code page.
    let r = h.send(Req::get("/pro/people").cookie(&half)).await;
    assert_eq!(r.location(), "/pro/totp");
    let r = h.send(Req::get("/api/me").cookie(&half)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // A wrong code fails…
    let csrf = h.send(Req::get("/pro/totp").cookie(&half)).await.csrf();
    let r = h
        .send(Req::post("/pro/totp", &[("csrf", &csrf), ("code", "000000")]).cookie(&half))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("確認コードが正しくない"));
    // …the right one signs in with a NEW session id; the half session is gone.
    let code = h.totp_now(&demo_totp_secret("nurse.sato"));
    let r = h
        .send(Req::post("/pro/totp", &[("csrf", &csrf), ("code", &code)]).cookie(&half))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/pro/people");
    let full = r.session_cookie().unwrap();
    assert_ne!(full, half);
    assert_eq!(
        h.send(Req::get("/pro/people").cookie(&full)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        h.send(Req::get("/pro/people").cookie(&half))
            .await
            .location(),
        "/pro/login"
    );
    // Wrong password: a generic message, 401.
    let r = h.password_step("nurse.sato", "wrong-password").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(
        r.body
            .contains("ログインIDまたはパスワードが正しくありません")
    );
    let r = h.password_step("nobody", "wrong-password").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_totp_code_works_once() {
    let h = harness().await;
    let code = h.totp_now(&demo_totp_secret("dr.tanaka"));
    let first = h
        .password_step("dr.tanaka", DEMO_PASSWORD)
        .await
        .session_cookie()
        .unwrap();
    let csrf = h.send(Req::get("/pro/totp").cookie(&first)).await.csrf();
    let r = h
        .send(Req::post("/pro/totp", &[("csrf", &csrf), ("code", &code)]).cookie(&first))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Same code, same 30-second window, another browser: replay refused.
    let second = h
        .password_step("dr.tanaka", DEMO_PASSWORD)
        .await
        .session_cookie()
        .unwrap();
    let csrf = h.send(Req::get("/pro/totp").cookie(&second)).await.csrf();
    let r = h
        .send(Req::post("/pro/totp", &[("csrf", &csrf), ("code", &code)]).cookie(&second))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // The next step's code is fine.
    h.clock.advance(30);
    let code = h.totp_now(&demo_totp_secret("dr.tanaka"));
    let r = h
        .send(Req::post("/pro/totp", &[("csrf", &csrf), ("code", &code)]).cookie(&second))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

/// Invitation → first sign-in with the initial password → TOTP enrolment (QR) →
/// recovery codes → forced password change → work; then a recovery code works once.
#[tokio::test]
async fn invited_user_enrols_changes_password_and_recovery_codes_are_single_use() {
    let h = harness().await;
    let admin = h.sign_in("admin").await;
    let csrf = h.csrf(&admin).await;
    let r = h
        .send(
            Req::post(
                "/pro/admin/users",
                &[
                    ("csrf", &csrf),
                    ("login", "nurse.new"),
                    ("display_name", "新人 看護"),
                    ("org_id", "4"),
                    ("role", "professional"),
                    ("profession", "nurse"),
                ],
            )
            .cookie(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let i = r
        .body
        .find("初期パスワード: <strong class=\"ws-secret\">")
        .unwrap()
        + "初期パスワード: <strong class=\"ws-secret\">".len();
    let initial = r.body[i..i + 12].to_owned();

    let r = h.password_step("nurse.new", &initial).await;
    assert_eq!(r.location(), "/pro/enrol");
    let half = r.session_cookie().unwrap();
    // Nothing else is reachable before enrolment.
    assert_eq!(
        h.send(Req::get("/pro/people").cookie(&half))
            .await
            .location(),
        "/pro/enrol"
    );
    let page = h.send(Req::get("/pro/enrol").cookie(&half)).await;
    assert!(page.body.contains("<svg"), "QR code shown");
    let i =
        page.body.find("<span class=\"ws-secret\">").unwrap() + "<span class=\"ws-secret\">".len();
    let secret = page.body[i..].split('<').next().unwrap().to_owned();
    let code = h.totp_now(&secret);
    let r = h
        .send(Req::post("/pro/enrol", &[("csrf", &page.csrf()), ("code", &code)]).cookie(&half))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let full = r.session_cookie().unwrap();
    let codes: Vec<String> = r
        .body
        .split("<li>")
        .skip(1)
        .filter_map(|s| s.split('<').next())
        .filter(|s| s.len() == 11 && s.as_bytes()[5] == b'-')
        .map(str::to_owned)
        .collect();
    assert_eq!(codes.len(), 10, "{}", r.body);

    // The initial password must be changed before anything else.
    assert_eq!(
        h.send(Req::get("/pro/people").cookie(&full))
            .await
            .location(),
        "/pro/password"
    );
    let csrf = h.csrf(&full).await;
    let change = |new: &str| {
        Req::post(
            "/pro/password",
            &[
                ("csrf", &csrf),
                ("current", &initial),
                ("new", new),
                ("confirm", new),
            ],
        )
    };
    let r = h.send(change("short").cookie(&full)).await;
    assert!(r.body.contains("8文字以上"));
    let r = h.send(change("password123").cookie(&full)).await;
    assert!(
        r.body.contains("よく使われている"),
        "common password refused"
    );
    let r = h
        .send(change("かもめ が とぶ そら 2027").cookie(&full))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let full = r.session_cookie().unwrap();
    assert_eq!(
        h.send(Req::get("/pro/people").cookie(&full)).await.status,
        StatusCode::OK
    );

    // Recovery code instead of TOTP: once.
    for (attempt, expect) in [(0, StatusCode::SEE_OTHER), (1, StatusCode::UNAUTHORIZED)] {
        h.clock.advance(1);
        let half = h
            .password_step("nurse.new", "かもめ が とぶ そら 2027")
            .await
            .session_cookie()
            .unwrap();
        let csrf = h.send(Req::get("/pro/totp").cookie(&half)).await.csrf();
        let r = h
            .send(
                Req::post(
                    "/pro/totp",
                    &[("csrf", &csrf), ("code", &codes[0].to_lowercase())],
                )
                .cookie(&half),
            )
            .await;
        assert_eq!(r.status, expect, "attempt {attempt}");
    }
}

#[tokio::test]
async fn sessions_expire_when_idle_and_absolutely() {
    let h = harness().await;
    let c = h.sign_in("cm.suzuki").await;
    h.clock.advance(29 * 60);
    assert_eq!(
        h.send(Req::get("/pro/people").cookie(&c)).await.status,
        StatusCode::OK
    );
    h.clock.advance(31 * 60);
    assert_eq!(
        h.send(Req::get("/pro/people").cookie(&c)).await.location(),
        "/pro/login",
        "idle 31 min"
    );

    let c = h.sign_in("cm.suzuki").await;
    // Active every 20 minutes: still cut at 12 hours.
    for _ in 0..(12 * 3) - 1 {
        h.clock.advance(20 * 60);
        assert_eq!(
            h.send(Req::get("/pro/people").cookie(&c)).await.status,
            StatusCode::OK
        );
    }
    h.clock.advance(20 * 60);
    assert_eq!(
        h.send(Req::get("/pro/people").cookie(&c)).await.location(),
        "/pro/login",
        "absolute 12 h"
    );
}

#[tokio::test]
async fn sign_out_and_sign_out_everywhere() {
    let h = harness().await;
    let a = h.sign_in("nurse.sato").await;
    let b = h.sign_in("nurse.sato").await;
    let c = h.sign_in("nurse.sato").await;
    let r = h
        .send(Req::post("/pro/logout", &[("csrf", &h.csrf(&a).await)]).cookie(&a))
        .await;
    assert_eq!(r.location(), "/pro/login");
    assert_eq!(
        h.send(Req::get("/pro/people").cookie(&a)).await.location(),
        "/pro/login"
    );
    assert_eq!(
        h.send(Req::get("/pro/people").cookie(&b)).await.status,
        StatusCode::OK
    );
    let r = h
        .send(Req::post("/pro/logout-all", &[("csrf", &h.csrf(&b).await)]).cookie(&b))
        .await;
    assert_eq!(r.location(), "/pro/login");
    assert_eq!(
        h.send(Req::get("/pro/people").cookie(&c)).await.location(),
        "/pro/login"
    );
    assert_eq!(h.scalar("SELECT COUNT(*) FROM sessions WHERE user_id = (SELECT id FROM users WHERE login = 'nurse.sato')"), 0);
}

#[tokio::test]
async fn csrf_token_and_origin_are_checked() {
    let h = harness().await;
    let c = h.sign_in("city.yamada").await;
    let csrf = h.csrf(&c).await;
    let consent = |token: &str| {
        Req::post(
            "/pro/people/4/consent",
            &[
                ("csrf", token),
                ("obtained_on", "2026-12-01"),
                ("method", "その他"),
                ("scope", "共有"),
            ],
        )
        .cookie(&c)
    };
    let missing = Req::post(
        "/pro/people/4/consent",
        &[
            ("obtained_on", "2026-12-01"),
            ("method", "その他"),
            ("scope", "共有"),
        ],
    )
    .cookie(&c);
    assert_eq!(h.send(missing).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        h.send(consent(&"0".repeat(64))).await.status,
        StatusCode::FORBIDDEN
    );
    // A valid token from another site's page is still refused.
    let r = h
        .send(consent(&csrf).header("origin", "https://evil.example"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = h
        .send(consent(&csrf).header("sec-fetch-site", "cross-site"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        h.scalar("SELECT COUNT(*) FROM consents WHERE person_id = 4"),
        0,
        "nothing recorded"
    );
    // Same origin + token: accepted.
    let r = h
        .send(
            consent(&csrf)
                .header("origin", "http://localhost")
                .header("sec-fetch-site", "same-origin"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        h.scalar("SELECT COUNT(*) FROM consents WHERE person_id = 4"),
        1
    );
    // Sign-in from another site is refused too (login CSRF).
    let r = h
        .send(
            Req::post(
                "/pro/login",
                &[("login", "cm.suzuki"), ("password", DEMO_PASSWORD)],
            )
            .header("origin", "https://evil.example"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

async fn fail(h: &H, ip: &str) -> StatusCode {
    h.send(
        Req::post(
            "/pro/login",
            &[("login", "pharm.kato"), ("password", "not-the-password")],
        )
        .ip(ip),
    )
    .await
    .status
}

#[tokio::test]
async fn lockout_backs_off_expires_and_cannot_lock_the_owner_out() {
    let h = harness().await;
    let attacker = "203.0.113.66";
    for _ in 0..5 {
        assert_eq!(fail(&h, attacker).await, StatusCode::UNAUTHORIZED);
    }
    // Locked for this (account, address): even the right password waits.
    let r = h
        .send(
            Req::post(
                "/pro/login",
                &[("login", "pharm.kato"), ("password", DEMO_PASSWORD)],
            )
            .ip(attacker),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.body.contains("一時的に制限"));
    assert_eq!(r.headers.get("retry-after").unwrap(), "30");
    // The owner, from their own address, is not locked out.
    let r = h
        .send(
            Req::post(
                "/pro/login",
                &[("login", "pharm.kato"), ("password", DEMO_PASSWORD)],
            )
            .ip("198.51.100.7"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // The back-off expires.
    h.clock.advance(31);
    assert_eq!(fail(&h, attacker).await, StatusCode::UNAUTHORIZED);
    // …and doubles (60 s now), never beyond 15 minutes.
    h.clock.advance(59);
    assert_eq!(fail(&h, attacker).await, StatusCode::TOO_MANY_REQUESTS);
    for _ in 0..20 {
        h.clock.advance(16 * 60);
        let s = fail(&h, attacker).await;
        assert!(s == StatusCode::UNAUTHORIZED || s == StatusCode::TOO_MANY_REQUESTS);
    }
    h.clock.advance(15 * 60 + 1);
    let r = h
        .send(
            Req::post(
                "/pro/login",
                &[("login", "pharm.kato"), ("password", DEMO_PASSWORD)],
            )
            .ip(attacker),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "a lock never outlasts 15 minutes"
    );
}

#[tokio::test]
async fn address_rate_limit_expires() {
    let h = harness().await;
    let ip = "203.0.113.9";
    let mut limited = false;
    for i in 0..40 {
        let login = format!("guess{i}");
        let r = h
            .send(
                Req::post(
                    "/pro/login",
                    &[("login", &login), ("password", "x-password")],
                )
                .ip(ip),
            )
            .await;
        limited |= r.status == StatusCode::TOO_MANY_REQUESTS;
    }
    assert!(
        limited,
        "30 failures in 10 minutes from one address are throttled"
    );
    h.clock.advance(10 * 60 + 1);
    let r = h
        .send(
            Req::post(
                "/pro/login",
                &[("login", "pharm.kato"), ("password", DEMO_PASSWORD)],
            )
            .ip(ip),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn security_headers_on_every_response() {
    let h = harness().await;
    let c = h.sign_in("dr.tanaka").await;
    let reqs = vec![
        Req::get("/pro/login"),
        Req::get("/pro/people"),
        Req::get("/pro/nowhere"),
        Req::get("/pro/people").cookie(&c),
        Req::get("/pro/people/1").cookie(&c),
        Req::get("/api/me").cookie(&c),
        Req::get("/pro/assets/workspace.css"),
        Req::post("/pro/login", &[("login", "x"), ("password", "y")])
            .header("origin", "https://evil.example"),
    ];
    for r in reqs {
        let path = r.path.clone();
        let res = h.send(r).await;
        let get = |k: &str| {
            res.headers
                .get(k)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned()
        };
        assert!(
            get("content-security-policy").contains("default-src 'self'"),
            "{path}"
        );
        assert!(
            get("content-security-policy").contains("frame-ancestors 'none'"),
            "{path}"
        );
        assert!(
            !get("content-security-policy").contains("unsafe-inline"),
            "{path}"
        );
        assert!(
            get("strict-transport-security").starts_with("max-age="),
            "{path}"
        );
        assert_eq!(get("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(get("referrer-policy"), "same-origin", "{path}");
        assert_eq!(get("cache-control"), "no-store", "{path}");
        assert_eq!(get("x-request-id").len(), 16, "{path}");
    }
    // The session cookie's flags.
    let r = h.password_step("dr.tanaka", DEMO_PASSWORD).await;
    let sc = r.headers.get("set-cookie").unwrap().to_str().unwrap();
    for flag in [
        "__Host-tsunagu_session=",
        "Path=/",
        "Secure",
        "HttpOnly",
        "SameSite=Lax",
    ] {
        assert!(sc.contains(flag), "{sc}");
    }
    assert!(!sc.contains("Domain"), "{sc}");
}

#[tokio::test]
async fn audit_rows_cannot_be_changed_or_deleted() {
    let h = harness().await;
    h.sign_in("admin").await;
    assert!(h.audit_count() > 0);
    let upd = h.db.with_conn(|c| {
        Ok(c.execute("UPDATE audit_log SET outcome = 'ok'", [])
            .map_err(|e| e.to_string()))
    });
    assert!(upd.unwrap().unwrap_err().contains("append-only"));
    let del = h.db.with_conn(|c| {
        Ok(c.execute("DELETE FROM audit_log", [])
            .map_err(|e| e.to_string()))
    });
    assert!(del.unwrap().unwrap_err().contains("append-only"));
}

#[tokio::test]
async fn a_suspended_account_is_signed_out_and_cannot_sign_in() {
    let h = harness().await;
    let nurse = h.sign_in("nurse.sato").await;
    let admin = h.sign_in("admin").await;
    let csrf = h.csrf(&admin).await;
    // nurse.sato is user 5.
    let r = h
        .send(
            Req::post(
                "/pro/admin/users/5/status",
                &[("csrf", &csrf), ("disabled", "1")],
            )
            .cookie(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        h.send(Req::get("/pro/people").cookie(&nurse))
            .await
            .location(),
        "/pro/login"
    );
    assert_eq!(
        h.password_step("nurse.sato", DEMO_PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    // Municipal staff cannot suspend anyone.
    let city = h.sign_in("city.yamada").await;
    let csrf = h.csrf(&city).await;
    let r = h
        .send(
            Req::post(
                "/pro/admin/users/5/status",
                &[("csrf", &csrf), ("disabled", "0")],
            )
            .cookie(&city),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = h
        .send(
            Req::post(
                "/pro/admin/users/5/status",
                &[("csrf", &h.csrf(&admin).await), ("disabled", "0")],
            )
            .cookie(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        h.password_step("nurse.sato", DEMO_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn guessing_the_current_password_on_the_change_form_is_locked_out_too() {
    let h = harness().await;
    let c = h.sign_in("helper.watanabe").await;
    let csrf = h.csrf(&c).await;
    let attempt = |current: &str| {
        Req::post(
            "/pro/password",
            &[
                ("csrf", csrf.as_str()),
                ("current", current),
                ("new", "あたらしい ぱすわーど 2027"),
                ("confirm", "あたらしい ぱすわーど 2027"),
            ],
        )
    };
    for _ in 0..5 {
        let r = h.send(attempt("guess-guess").cookie(&c)).await;
        assert!(r.body.contains("現在のパスワードが正しくありません"));
    }
    // Even the right current password waits now…
    let r = h.send(attempt(DEMO_PASSWORD).cookie(&c)).await;
    assert!(r.body.contains("一時的に制限"), "{}", r.body);
    // …until the back-off has passed.
    h.clock.advance(31);
    let r = h.send(attempt(DEMO_PASSWORD).cookie(&c)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn abandoned_sessions_are_removed_when_a_new_one_starts() {
    let h = harness().await;
    for _ in 0..3 {
        h.sign_in("pharm.kato").await;
    }
    let count = || {
        h.scalar("SELECT COUNT(*) FROM sessions WHERE user_id = (SELECT id FROM users WHERE login = 'pharm.kato')")
    };
    assert_eq!(count(), 3, "three live browsers");
    h.clock.advance(2 * 86_400);
    h.sign_in("pharm.kato").await;
    assert_eq!(count(), 1, "the three abandoned ones are gone");
}
