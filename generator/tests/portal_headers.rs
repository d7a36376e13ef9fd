//! The static portal's `_headers` and the workspace Router send the same security
//! headers: a resident moving between `/` and `/pro/` on one origin gets one policy.

use std::path::Path;

use axum::body::Body;
use axum::http::Request;
use tower::ServiceExt;

fn site() -> tsunagu::model::Site {
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    let loaded = tsunagu::load::load(&content)
        .unwrap_or_else(|d| panic!("sample content does not load: {d:?}"));
    loaded.content.site
}

/// Directive name → value, in a CSP header.
fn directives(csp: &str) -> std::collections::BTreeMap<String, String> {
    csp.split(';')
        .filter_map(|d| {
            let d = d.trim();
            let (k, v) = d.split_once(' ').unwrap_or((d, ""));
            (!k.is_empty()).then(|| (k.to_owned(), v.trim().to_owned()))
        })
        .collect()
}

#[tokio::test]
async fn portal_headers_match_the_workspace_router() {
    let native = tsunagu_edge::native::router(Path::new(":memory:"), Default::default())
        .await
        .unwrap();
    let res = native
        .router
        .oneshot(Request::get("/pro/login").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let h = res.headers();
    for (name, value) in tsunagu::headers::COMMON {
        assert_eq!(
            h.get(*name).and_then(|v| v.to_str().ok()),
            Some(*value),
            "{name} differs between portal and workspace"
        );
    }
    let router_csp = directives(h.get("content-security-policy").unwrap().to_str().unwrap());
    let site = site();
    let portal_csp = directives(&tsunagu::headers::csp(&site));
    for (k, v) in &router_csp {
        if k == "img-src" {
            // The portal adds the tile server to the workspace's sources.
            assert!(
                portal_csp[k].starts_with(v.as_str()),
                "img-src: {} vs {v}",
                portal_csp[k]
            );
        } else {
            assert_eq!(portal_csp.get(k), Some(v), "CSP {k} differs");
        }
    }
    assert!(
        portal_csp["img-src"].contains("https://cyberjapandata.gsi.go.jp"),
        "tiles of the sample site are allowed"
    );
    assert!(
        !portal_csp["script-src"].contains("unsafe"),
        "no inline script on the portal"
    );
}

#[test]
fn headers_file_covers_every_path_and_opens_data_to_other_sites() {
    let text = tsunagu::headers::file(&site());
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    assert_eq!(lines.next(), Some("/*"));
    assert!(text.contains("\n  Content-Security-Policy: default-src 'self'; script-src 'self';"));
    assert!(text.contains("\n  Strict-Transport-Security: max-age="));
    assert!(text.contains("/data/*\n  Access-Control-Allow-Origin: *\n"));
}
