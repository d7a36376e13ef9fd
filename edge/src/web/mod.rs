//! The one axum Router both runtimes serve: `/pro/*` pages and a small `/api/*`.

mod admin;
mod api;
mod ctx;
mod html;
mod people;
mod signin;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::html;

pub use ctx::{Ctx, Signed};

use crate::AppState;
use crate::access::{Action, Decision};
use crate::audit::{self, Outcome};
use crate::store::{DbError, DbExt};

pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/pro", get(|| async { Redirect::to("/pro/") }))
        .route("/pro/", get(signin::home))
        .route("/pro/assets/workspace.css", get(css))
        .route("/pro/login", get(signin::login_form).post(signin::login))
        .route("/pro/totp", get(signin::totp_form).post(signin::totp))
        .route("/pro/enrol", get(signin::enrol_form).post(signin::enrol))
        .route(
            "/pro/password",
            get(signin::password_form).post(signin::password),
        )
        .route("/pro/logout", post(signin::logout))
        .route("/pro/logout-all", post(signin::logout_all))
        .route("/pro/people", get(people::list))
        .route(
            "/pro/people/new",
            get(people::new_form).post(people::create),
        )
        .route(
            "/pro/people/import",
            get(people::import_form).post(people::import),
        )
        .route("/pro/people/{id}", get(people::show))
        .route(
            "/pro/people/{id}/edit",
            get(people::edit_form).post(people::edit),
        )
        .route("/pro/people/{id}/posts", post(people::post))
        .route("/pro/people/{id}/files/{file}", get(people::file))
        .route(
            "/pro/people/{id}/team",
            get(people::team).post(people::team_add),
        )
        .route("/pro/people/{id}/team/remove", post(people::team_remove))
        .route(
            "/pro/people/{id}/consent",
            get(people::consent).post(people::consent_record),
        )
        .route(
            "/pro/people/{id}/consent/withdraw",
            post(people::consent_withdraw),
        )
        .route("/pro/admin/users", get(admin::users).post(admin::invite))
        .route("/pro/admin/users/{id}/status", post(admin::user_status))
        .route("/pro/audit", get(admin::audit))
        .route("/pro/audit.csv", get(admin::audit_csv))
        .route("/api/me", get(api::me))
        .route("/api/people/{id}/timeline", get(api::timeline))
        .fallback(not_found_page)
        .layer(axum::extract::DefaultBodyLimit::max(body_cap(&state)))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// Attachments and CSV files up to the cap, plus room for the other form fields.
fn body_cap(state: &AppState) -> usize {
    state.config.max_attachment_bytes + 256 * 1024
}

async fn css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../../templates/workspace.css"),
    )
        .into_response()
}

async fn not_found_page() -> WebError {
    WebError::NotFound
}

/// Security headers on every response, a request id, and the Origin / Sec-Fetch-Site
/// check on every state-changing request (CSRF defence in depth; forms also carry the
/// per-session synchronizer token).
async fn guard(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut req: axum::extract::Request,
    next: Next,
) -> Response {
    let request_id = crate::rand::bytes::<8>()
        .map(hex::encode)
        .unwrap_or_else(|_| "-".into());
    req.extensions_mut()
        .insert(ctx::RequestId(request_id.clone()));
    // Who sent a state-changing request, captured before the handler consumes it, so a
    // refused forgery can be audited whichever layer refused it.
    let sender = if is_state_changing(req.method()) {
        let (mut parts, body) = req.into_parts();
        let ctx = Ctx::from_request_parts(&mut parts, &state).await;
        let path = parts.uri.path().to_owned();
        req = axum::extract::Request::from_parts(parts, body);
        ctx.ok().map(|c| (c, path))
    } else {
        None
    };
    let mut res = if sender.is_some() && !same_origin(&state, req.headers()) {
        let why = cross_site_detail(req.headers());
        // Read the refused body (up to the same cap as an accepted one) before answering:
        // a 403 sent while the client is still uploading makes the server drop the
        // connection, and the client sees a broken pipe instead of the refusal.
        let _ = axum::body::to_bytes(req.into_body(), body_cap(&state)).await;
        let mut res = WebError::CrossSite.into_response();
        res.extensions_mut().insert(Forgery(why));
        res
    } else {
        next.run(req).await
    };
    if let (Some(Forgery(why)), Some((ctx, path))) =
        (res.extensions_mut().remove::<Forgery>(), &sender)
    {
        // The refusal stands either way; a failed audit write must still be seen by the operator.
        if let Err(e) = audit_forgery(&state, ctx, path, why).await {
            eprintln!("tsunagu-edge: could not audit a refused forged request: {e}");
        }
    }
    let h = res.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, k: &'static str, v: &'static str| {
        h.insert(k, HeaderValue::from_static(v));
    };
    set(
        h,
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    set(
        h,
        "strict-transport-security",
        "max-age=63072000; includeSubDomains",
    );
    set(h, "x-content-type-options", "nosniff");
    // Not `no-referrer`: under it Chromium sends `Origin: null` on same-origin form posts,
    // which the Origin check must refuse. `same-origin` still sends nothing to other sites.
    set(h, "referrer-policy", "same-origin");
    set(h, "x-frame-options", "DENY");
    set(h, "cross-origin-opener-policy", "same-origin");
    set(h, "cross-origin-resource-policy", "same-origin");
    set(
        h,
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(self), payment=()",
    );
    // Everything this Router serves is private (the stylesheet is not, but costs nothing).
    set(h, "cache-control", "no-store");
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        h.insert("x-request-id", v);
    }
    res
}

/// Marks a response that refused a forged request (bad CSRF token or cross-site sender),
/// with the reason for the audit row; `guard` writes the row and removes the mark.
#[derive(Debug, Clone)]
struct Forgery(String);

/// The cross-site evidence as sent (attacker-controlled, so cut short).
fn cross_site_detail(h: &axum::http::HeaderMap) -> String {
    let get = |k| {
        h.get(k)
            .map(|v| {
                String::from_utf8_lossy(v.as_bytes())
                    .chars()
                    .take(120)
                    .collect::<String>()
            })
            .unwrap_or_else(|| "-".into())
    };
    format!(
        "cross-site: origin={} sec-fetch-site={}",
        get(header::ORIGIN.as_str()),
        get("sec-fetch-site")
    )
}

/// One `csrf_rejected` / denied row: the session's user when the request carried a live
/// session cookie, the path as target. Read-only lookup: a forged request must not keep
/// the victim's session alive the way a real request does.
async fn audit_forgery(
    state: &AppState,
    ctx: &Ctx,
    path: &str,
    why: String,
) -> Result<(), DbError> {
    let actor = match ctx.cookie.as_deref() {
        Some(raw) => state
            .db
            .as_ref()
            .query_opt(
                "SELECT u.id, u.login, u.org_id FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?1",
                crate::params![crate::auth::sha256_hex(raw)],
            )
            .await?
            .map(|r| Ok::<_, DbError>((r.i64("id")?, r.string("login")?, r.i64("org_id")?)))
            .transpose()?,
        None => None,
    };
    audit::record(
        state.db.as_ref(),
        audit::Entry {
            at: state.clock.now(),
            actor_id: actor.as_ref().map(|a| a.0),
            actor_login: actor.as_ref().map_or("", |a| a.1.as_str()),
            org_id: actor.as_ref().map(|a| a.2),
            action: "csrf_rejected",
            target_type: "path",
            target_id: path.chars().take(300).collect(),
            outcome: Outcome::Denied,
            ip: &ctx.ip,
            request_id: &ctx.request_id,
            detail: why,
        },
    )
    .await
}

fn is_state_changing(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn same_origin(state: &AppState, h: &axum::http::HeaderMap) -> bool {
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && site != "same-origin"
        && site != "none"
    {
        return false;
    }
    let Some(origin) = h.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        // Non-browser clients send no Origin; the synchronizer token still applies.
        return true;
    };
    match &state.config.origin {
        Some(expected) => origin == expected,
        None => {
            let host = h
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            origin
                .split_once("://")
                .is_some_and(|(_, rest)| rest == host)
        }
    }
}

/// Errors as the user sees them. Person-scoped denials are `NotFound` on purpose.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// 404
    #[error("not found")]
    NotFound,
    /// 403
    #[error("forbidden")]
    Forbidden,
    /// 303 to the sign-in page (pages) / 401 (API).
    #[error("sign-in required")]
    SignIn { api: bool },
    /// 303 to where the half-finished sign-in continues.
    #[error("redirect")]
    Redirect(String),
    /// 403: missing (`missing: true`) or wrong CSRF token.
    #[error("csrf token")]
    Csrf { missing: bool },
    /// 403: cross-site state-changing request.
    #[error("cross-site request")]
    CrossSite,
    /// 400 with a message for the user.
    #[error("{0}")]
    BadRequest(String),
    /// 500; details go to the log, not to the user.
    #[error("internal: {0}")]
    Internal(String),
}

impl From<DbError> for WebError {
    fn from(e: DbError) -> Self {
        WebError::Internal(e.to_string())
    }
}
impl From<crate::rand::RandError> for WebError {
    fn from(e: crate::rand::RandError) -> Self {
        WebError::Internal(e.to_string())
    }
}
impl From<crate::auth::AuthError> for WebError {
    fn from(e: crate::auth::AuthError) -> Self {
        WebError::Internal(e.to_string())
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, title, msg) = match &self {
            WebError::SignIn { api: false } => return Redirect::to("/pro/login").into_response(),
            WebError::SignIn { api: true } => {
                return (StatusCode::UNAUTHORIZED, axum::Json(serde_json::json!({"error": "ログインしてください。"})))
                    .into_response();
            }
            WebError::Redirect(to) => return Redirect::to(to).into_response(),
            WebError::NotFound => (StatusCode::NOT_FOUND, "見つかりません", "お探しのページは見つからないか、閲覧する権限がありません。".to_owned()),
            WebError::Forbidden => (StatusCode::FORBIDDEN, "権限がありません", "この操作を行う権限がありません。".to_owned()),
            WebError::Csrf { missing: true } => (StatusCode::FORBIDDEN, "送信を受け付けられません", "送信内容に確認用トークンがないため、受け付けませんでした。ページを開き直してから、もう一度操作してください。".to_owned()),
            WebError::Csrf { missing: false } => (StatusCode::FORBIDDEN, "送信を受け付けられません", "確認用トークンが一致しないため、受け付けませんでした（画面の有効期限切れ、または不正な送信）。ページを開き直してから、もう一度操作してください。".to_owned()),
            WebError::CrossSite => (StatusCode::FORBIDDEN, "送信を受け付けられません", "他のサイトから送られた操作のため、受け付けませんでした。このサイトの画面から操作してください。".to_owned()),
            WebError::BadRequest(m) => (StatusCode::BAD_REQUEST, "入力を確認してください", m.clone()),
            WebError::Internal(detail) => {
                eprintln!("tsunagu-edge: internal error: {detail}");
                (StatusCode::INTERNAL_SERVER_ERROR, "エラーが発生しました", "しばらくしてからもう一度お試しください。".to_owned())
            }
        };
        let body = html::page(
            title,
            None,
            html! { h1 { (title) } p { (msg) } p { a href="/pro/" { "トップへ戻る" } } },
        );
        let mut res = (status, body).into_response();
        if let WebError::Csrf { missing } = self {
            let why = if missing {
                "csrf token missing"
            } else {
                "csrf token mismatch"
            };
            res.extensions_mut().insert(Forgery(why.into()));
        }
        res
    }
}

pub type WebResult<T = Response> = Result<T, WebError>;

/// Writes one audit row for this request. (Eight plain arguments read better at the
/// dozens of call sites than a struct literal each time.)
#[allow(clippy::too_many_arguments)]
pub(crate) async fn audit_row(
    state: &AppState,
    ctx: &Ctx,
    user: Option<&crate::accounts::User>,
    login: &str,
    action: &str,
    target: (&str, String),
    outcome: Outcome,
    detail: String,
) -> Result<(), WebError> {
    audit::record(
        state.db.as_ref(),
        audit::Entry {
            at: state.clock.now(),
            actor_id: user.map(|u| u.id),
            actor_login: user.map_or(login, |u| u.login.as_str()),
            org_id: user.map(|u| u.org_id),
            action,
            target_type: target.0,
            target_id: target.1,
            outcome,
            ip: &ctx.ip,
            request_id: &ctx.request_id,
            detail,
        },
    )
    .await?;
    Ok(())
}

/// Audits an action of the signed-in user: the actor and request context come from
/// the session, so handlers only say what happened.
pub(crate) async fn audit_signed(
    state: &AppState,
    s: &Signed,
    action: &str,
    target: (&str, String),
    outcome: Outcome,
    detail: String,
) -> Result<(), WebError> {
    audit_row(
        state,
        &s.ctx,
        Some(&s.user),
        "",
        action,
        target,
        outcome,
        detail,
    )
    .await
}

/// Asks the policy; a denial is audited and becomes 403 or 404. Allowed accesses are
/// audited by the handler once it knows the outcome.
pub(crate) async fn authorize(
    state: &AppState,
    s: &Signed,
    action: Action,
    person: Option<i64>,
) -> WebResult<()> {
    let d = crate::access::decide(state.db.as_ref(), &s.user, action, person).await?;
    if d == Decision::Allow {
        return Ok(());
    }
    let target = person.map_or(("route", action.as_str().to_owned()), |p| {
        ("person", p.to_string())
    });
    audit_signed(
        state,
        s,
        action.as_str(),
        target,
        Outcome::Denied,
        String::new(),
    )
    .await?;
    Err(if d == Decision::NotFound {
        WebError::NotFound
    } else {
        WebError::Forbidden
    })
}

/// Constant-time comparison for CSRF tokens.
pub(crate) fn check_csrf(expected: &str, given: &str) -> WebResult<()> {
    let ok = expected.len() == given.len()
        && expected
            .bytes()
            .zip(given.bytes())
            .fold(0u8, |a, (x, y)| a | (x ^ y))
            == 0;
    if ok && !expected.is_empty() {
        Ok(())
    } else {
        Err(WebError::Csrf {
            missing: given.is_empty(),
        })
    }
}
