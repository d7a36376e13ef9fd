//! Test harness: the real Router over a migrated in-memory SQLite with the demo seed,
//! a manual clock, and helpers that sign in the way a browser does.
#![allow(dead_code)]

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;
use tsunagu_edge::blobs::MemoryBlobs;
use tsunagu_edge::clock::{Clock, ManualClock};
use tsunagu_edge::config::Config;
use tsunagu_edge::native::{self, Options};
use tsunagu_edge::store::sqlite::SqliteDb;

pub const T0: i64 = 1_800_000_000; // 2027-01-15, a fixed "now"
pub const IP: &str = "192.0.2.10";

pub struct H {
    pub router: Router,
    pub clock: ManualClock,
    pub db: SqliteDb,
}

pub struct Res {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Res {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
    /// The new session cookie value, if this response set one.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| {
                let v = c
                    .strip_prefix("__Host-tsunagu_session=")?
                    .split(';')
                    .next()?;
                (!v.is_empty()).then(|| v.to_owned())
            })
    }
    pub fn csrf(&self) -> String {
        let i = self
            .body
            .find("name=\"csrf\" value=\"")
            .expect("page has a csrf field")
            + 19;
        self.body[i..i + 64].to_owned()
    }
}

pub fn config() -> Config {
    Config {
        // Cheap hashing in tests; the real parameters are measured in workerd.
        argon2_m_kib: 256,
        argon2_t: 1,
        argon2_p: 1,
        client_ip_header: Some("x-client-ip".into()),
        ..Config::default()
    }
}

pub async fn harness() -> H {
    let clock = ManualClock::new(T0);
    let db = native::memory_db().unwrap();
    let n = native::build(
        db.clone(),
        Arc::new(MemoryBlobs::default()),
        Arc::new(clock.clone()),
        Options {
            demo: true,
            blobs_dir: None,
            config: config(),
        },
    )
    .await
    .unwrap();
    H {
        router: n.router,
        clock,
        db,
    }
}

pub struct Req {
    pub method: &'static str,
    pub path: String,
    pub cookie: Option<String>,
    pub ip: String,
    pub form: Option<String>,
    pub multipart: Option<(String, Vec<u8>)>,
    pub headers: Vec<(&'static str, String)>,
}

impl Req {
    pub fn get(path: impl Into<String>) -> Req {
        Req {
            method: "GET",
            path: path.into(),
            cookie: None,
            ip: IP.into(),
            form: None,
            multipart: None,
            headers: vec![],
        }
    }
    pub fn post(path: impl Into<String>, form: &[(&str, &str)]) -> Req {
        let body = form
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        Req {
            method: "POST",
            form: Some(body),
            ..Req::get(path)
        }
    }
    /// multipart/form-data with text fields and an optional file (name, type, bytes).
    pub fn multipart(
        path: impl Into<String>,
        fields: &[(&str, &str)],
        file: Option<(&str, &str, &[u8])>,
    ) -> Req {
        let b = "----tsunagutestboundary";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend(
                format!("--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                    .as_bytes(),
            );
        }
        if let Some((name, ct, bytes)) = file {
            body.extend(format!("--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {ct}\r\n\r\n").as_bytes());
            body.extend(bytes);
            body.extend(b"\r\n");
        }
        body.extend(format!("--{b}--\r\n").as_bytes());
        Req {
            method: "POST",
            multipart: Some((format!("multipart/form-data; boundary={b}"), body)),
            ..Req::get(path)
        }
    }
    pub fn cookie(mut self, c: &str) -> Req {
        self.cookie = Some(c.to_owned());
        self
    }
    pub fn ip(mut self, ip: &str) -> Req {
        self.ip = ip.to_owned();
        self
    }
    pub fn header(mut self, k: &'static str, v: &str) -> Req {
        self.headers.push((k, v.to_owned()));
        self
    }
}

pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._*".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

impl H {
    pub async fn send(&self, r: Req) -> Res {
        let mut b = Request::builder()
            .method(r.method)
            .uri(&r.path)
            .header("host", "localhost")
            .header("x-client-ip", &r.ip);
        if let Some(c) = &r.cookie {
            b = b.header(header::COOKIE, format!("__Host-tsunagu_session={c}"));
        }
        for (k, v) in &r.headers {
            b = b.header(*k, v);
        }
        let body = if let Some(f) = r.form {
            b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            Body::from(f)
        } else if let Some((ct, bytes)) = r.multipart {
            b = b.header(header::CONTENT_TYPE, ct);
            Body::from(bytes)
        } else {
            Body::empty()
        };
        let res = self
            .router
            .clone()
            .oneshot(b.body(body).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Res {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub fn totp_now(&self, secret: &str) -> String {
        tsunagu_edge::auth::totp::code_at(secret, self.clock.now()).unwrap()
    }

    /// Password step only; returns the half-signed-in cookie.
    pub async fn password_step(&self, login: &str, password: &str) -> Res {
        self.send(Req::post(
            "/pro/login",
            &[("login", login), ("password", password)],
        ))
        .await
    }

    /// Full sign-in of a demo account (password + TOTP). Moves the clock one TOTP step
    /// first so two sign-ins never present the same code.
    pub async fn sign_in(&self, login: &str) -> String {
        self.clock.advance(30);
        let r = self
            .password_step(login, tsunagu_edge::demo::DEMO_PASSWORD)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{login}: {}", r.body);
        assert_eq!(r.location(), "/pro/totp");
        let half = r.session_cookie().unwrap();
        let page = self.send(Req::get("/pro/totp").cookie(&half)).await;
        let code = self.totp_now(&tsunagu_edge::demo::demo_totp_secret(login));
        let r = self
            .send(Req::post("/pro/totp", &[("csrf", &page.csrf()), ("code", &code)]).cookie(&half))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{login}: {}", r.body);
        r.session_cookie().unwrap()
    }

    /// CSRF token of a fully signed-in session (from a page's form).
    pub async fn csrf(&self, cookie: &str) -> String {
        self.send(Req::get("/pro/password").cookie(cookie))
            .await
            .csrf()
    }

    pub fn audit_count(&self) -> i64 {
        self.db
            .with_conn(|c| {
                Ok(
                    c.query_row("SELECT COUNT(*) FROM audit_log", [], |r| r.get(0))
                        .unwrap(),
                )
            })
            .unwrap()
    }

    pub fn scalar(&self, sql: &str) -> i64 {
        self.db
            .with_conn(|c| Ok(c.query_row(sql, [], |r| r.get(0)).unwrap()))
            .unwrap()
    }
}
