//! A small JSON API for scripts and the end-to-end suites: who am I, and a timeline page.

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use serde_json::json;

use super::{Signed, WebResult, audit_signed, authorize};
use crate::AppState;
use crate::access::Action;
use crate::audit::Outcome;
use crate::timeline::{self, Cursor};

pub async fn me(State(state): State<AppState>, s: Signed) -> WebResult<Json<serde_json::Value>> {
    audit_signed(
        &state,
        &s,
        "session.me",
        ("account", s.user.login.clone()),
        Outcome::Ok,
        String::new(),
    )
    .await?;
    Ok(Json(json!({
        "id": s.user.id,
        "login": s.user.login,
        "display_name": s.user.display_name,
        "role": s.user.role.as_str(),
        "profession": s.user.profession,
        "org": s.user.org_name,
    })))
}

#[derive(Deserialize, Default)]
pub struct Q {
    before: Option<String>,
}

pub async fn timeline(
    State(state): State<AppState>,
    s: Signed,
    Path(pid): Path<i64>,
    Query(q): Query<Q>,
) -> WebResult<Json<serde_json::Value>> {
    authorize(&state, &s, Action::TimelineRead, Some(pid)).await?;
    let before = q.before.as_deref().and_then(Cursor::parse);
    let page = timeline::page(
        state.db.as_ref(),
        pid,
        s.user.id,
        before,
        state.config.page_size,
        state.clock.now(),
    )
    .await?;
    audit_signed(
        &state,
        &s,
        "timeline.read",
        ("person", pid.to_string()),
        Outcome::Ok,
        "api".into(),
    )
    .await?;
    Ok(Json(
        json!({ "posts": page.posts, "next": page.next.map(Cursor::encode) }),
    ))
}
