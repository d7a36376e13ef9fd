//! Per-request context: client address, request id, and the session (if any).

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

use super::WebError;
use crate::AppState;
use crate::accounts::{self, User};
use crate::auth::session::{self, Session, Stage};

#[derive(Debug, Clone)]
pub(crate) struct RequestId(pub String);

/// Every request: who is asking from where.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub ip: String,
    pub request_id: String,
    pub user_agent: String,
    /// Raw session cookie value, if one was sent.
    pub cookie: Option<String>,
    pub api: bool,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let h = &parts.headers;
        let ip = state
            .config
            .client_ip_header
            .as_deref()
            .and_then(|name| h.get(name))
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(',').next().unwrap_or("").trim().to_owned())
            .or_else(|| peer_addr(parts))
            .unwrap_or_else(|| "unknown".into());
        let cookie = h
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(session::from_cookie_header)
            .map(str::to_owned);
        Ok(Ctx {
            ip,
            request_id: parts
                .extensions
                .get::<RequestId>()
                .map(|r| r.0.clone())
                .unwrap_or_default(),
            user_agent: h
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned(),
            cookie,
            api: parts.uri.path().starts_with("/api/"),
        })
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn peer_addr(parts: &Parts) -> Option<String> {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

#[cfg(target_arch = "wasm32")]
fn peer_addr(_parts: &Parts) -> Option<String> {
    None
}

/// A session at any stage, with its user.
pub struct AnyStage {
    pub ctx: Ctx,
    pub user: User,
    pub session: Session,
}

impl FromRequestParts<AppState> for AnyStage {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        let api = ctx.api;
        let Some(raw) = ctx.cookie.as_deref() else {
            return Err(WebError::SignIn { api });
        };
        let (_, s) =
            session::lookup(state.db.as_ref(), raw, state.clock.now(), &state.config).await?;
        let Some(s) = s else {
            return Err(WebError::SignIn { api });
        };
        let Some(user) = accounts::by_id(state.db.as_ref(), s.user_id).await? else {
            return Err(WebError::SignIn { api });
        };
        if user.disabled {
            session::delete(state.db.as_ref(), &s.id_hash).await?;
            return Err(WebError::SignIn { api });
        }
        Ok(AnyStage {
            ctx,
            user,
            session: s,
        })
    }
}

/// Fully signed in (both factors) with a password the user chose.
pub struct Signed {
    pub ctx: Ctx,
    pub user: User,
    pub session: Session,
}

impl Signed {
    pub fn csrf(&self) -> &str {
        &self.session.csrf_token
    }
}

/// Fully signed in, but the password may still be the initial one (password page only).
pub struct FullStage(pub Signed);

impl FromRequestParts<AppState> for FullStage {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let a = AnyStage::from_request_parts(parts, state).await?;
        match a.session.stage {
            Stage::Full => Ok(FullStage(Signed {
                ctx: a.ctx,
                user: a.user,
                session: a.session,
            })),
            Stage::Mfa => Err(if a.ctx.api {
                WebError::SignIn { api: true }
            } else {
                WebError::Redirect("/pro/totp".into())
            }),
            Stage::Enrol => Err(if a.ctx.api {
                WebError::SignIn { api: true }
            } else {
                WebError::Redirect("/pro/enrol".into())
            }),
        }
    }
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let FullStage(s) = FullStage::from_request_parts(parts, state).await?;
        if s.user.must_change_password {
            return Err(if s.ctx.api {
                WebError::Forbidden
            } else {
                WebError::Redirect("/pro/password".into())
            });
        }
        Ok(s)
    }
}
