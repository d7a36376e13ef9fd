//! `tsunagu serve` with the real workspace Router mounted: unknown private paths get the
//! workspace's Japanese 404 with its no-store and security headers; everything else
//! falls back to the static portal.

mod common;

use std::path::Path;

use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use tower::ServiceExt;

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, HeaderMap, String) {
    let res = app
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let body = to_bytes(res.into_body(), 10 << 20).await.unwrap();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

const WORKSPACE_404: &str = "お探しのページは見つからないか、閲覧する権限がありません。";

#[tokio::test]
async fn unknown_private_paths_get_the_workspace_404_and_the_rest_the_portal() {
    let (_dir, out) = common::build_fixture("site-basic");
    let portal_404 = std::fs::read_to_string(out.join("404.html")).unwrap();
    assert!(portal_404.contains("ページが見つかりません"));
    let ws = tsunagu_edge::native::router(Path::new(":memory:"), Default::default())
        .await
        .unwrap();
    let app = tsunagu::serve::router(&out, Some(ws.router));

    for uri in [
        "/pro/no-such-page",
        "/pro/people/1/nothing/here",
        "/api/no-such-endpoint",
        "/api",
    ] {
        let (status, h, body) = get(&app, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(body.contains(WORKSPACE_404), "{uri}: {body}");
        assert!(
            !body.contains("ページが見つかりません"),
            "{uri} got the portal's 404"
        );
        assert_eq!(h.get("cache-control").unwrap(), "no-store", "{uri}");
        assert_eq!(h.get("x-frame-options").unwrap(), "DENY", "{uri}");
        assert!(
            h.get("content-security-policy")
                .unwrap()
                .to_str()
                .unwrap()
                .contains("frame-ancestors 'none'"),
            "{uri}"
        );
    }

    // Known workspace routes still work, including the bare prefix.
    let (status, h, body) = get(&app, "/pro/login").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("ログイン"), "{body}");
    assert_eq!(h.get("cache-control").unwrap(), "no-store");
    let (status, h, _) = get(&app, "/pro").await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(h.get("location").unwrap(), "/pro/");

    // The portal: its pages, and its own 404 for everything else (a slug that merely
    // starts with "pro" included).
    let (status, h, body) = get(&app, "/resources/toyoake-clinic/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("とよあけ内科クリニック"));
    assert_ne!(
        h.get("cache-control").map(|v| v.to_str().unwrap()),
        Some("no-store")
    );
    for uri in ["/no-such-page/", "/professional/", "/apis"] {
        let (status, _, body) = get(&app, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(body, portal_404, "{uri}");
    }
}
