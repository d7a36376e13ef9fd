//! `tsunagu serve`'s Router: the built portal with a real 404, and a workspace Router
//! mounted in front of it (as the private workspace will be).

mod common;

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode};
use axum::routing::get;
use tower::ServiceExt;

async fn get_page(app: axum::Router, uri: &str) -> (StatusCode, String) {
    let res = app
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let body = to_bytes(res.into_body(), 10 << 20).await.unwrap();
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn serves_pages_404_and_a_mounted_workspace() {
    let (_dir, out) = common::build_fixture("site-basic");
    let workspace = axum::Router::new().route("/api/ping", get(|| async { "pong" }));
    let app = tsunagu::serve::router(&out, Some(workspace));

    let (status, body) = get_page(app.clone(), "/resources/toyoake-clinic/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("とよあけ内科クリニック"));

    let (status, body) = get_page(app.clone(), "/resources/closed-salon/").await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "closed records answer with the 404 page"
    );
    assert!(body.contains("ページが見つかりません"));

    let (status, body) = get_page(app.clone(), "/api/ping").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "pong"));

    let (status, _) = get_page(app, "/areas/%E6%96%B0%E7%94%B0%E7%94%BA/").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "percent-encoded Japanese paths resolve"
    );
}
