//! Administration: accounts and invitations (system admin), audit search and CSV export
//! (system admin, municipal staff).

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::html::{Viewer, csrf_field, errors, page};
use super::{Signed, WebError, WebResult, audit_signed, authorize, check_csrf};
use crate::AppState;
use crate::access::Action;
use crate::accounts::{self, NewUser, OrgKind, PROFESSIONS, Role, profession_label};
use crate::audit::{self, Outcome};
use crate::time::{jst, jst_midnight};

async fn users_page(
    state: &AppState,
    s: &Signed,
    errs: &[String],
    notice: Option<Markup>,
) -> WebResult<Markup> {
    let db = state.db.as_ref();
    let users = accounts::list(db).await?;
    let orgs = accounts::orgs(db).await?;
    Ok(page(
        "アカウント管理",
        Some(&Viewer {
            user: &s.user,
            csrf: s.csrf(),
        }),
        html! {
            h1 { "アカウント管理" }
            @if let Some(n) = notice { div.ws-notice role="status" { (n) } }
            table.ws-table {
                thead { tr { th { "ログインID" } th { "氏名" } th { "所属" } th { "権限・職種" } th { "状態" } th { "操作" } } }
                tbody {
                    @for u in &users {
                        tr {
                            td { (u.login) } td { (u.display_name) } td { (u.org_name) }
                            td { (u.role.label()) "・" (profession_label(&u.profession)) }
                            td {
                                @if u.disabled { "停止中" }
                                @else if u.must_change_password { "初回ログイン待ち" }
                                @else if !u.totp_enabled { "二要素未設定" } @else { "利用中" }
                            }
                            td {
                                @if u.id != s.user.id {
                                    form.ws-inline method="post" action={ "/pro/admin/users/" (u.id) "/status" } {
                                        (csrf_field(s.csrf()))
                                        input type="hidden" name="disabled" value=(if u.disabled { "0" } else { "1" });
                                        button.ws-btn.secondary type="submit" { @if u.disabled { "再開" } @else { "停止" } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 { "招待（アカウント作成）" }
            p.ws-meta { "初期パスワードはこの画面に一度だけ表示されます。本人に別の経路で伝えてください。初回ログイン時にパスワード変更と二要素認証の設定が必要です。" }
            (errors(errs))
            form.ws-form method="post" action="/pro/admin/users" {
                (csrf_field(s.csrf()))
                label for="login" { "ログインID（半角英数字）" } input #login type="text" name="login" required autocapitalize="none";
                label for="display_name" { "氏名" } input #display_name type="text" name="display_name" required;
                label for="org_id" { "所属" }
                select #org_id name="org_id" { @for o in &orgs { option value=(o.id) { (o.name) "（" (OrgKind::label_of(&o.kind)) "）" } } }
                label for="role" { "権限" }
                select #role name="role" { @for r in Role::ALL { option value=(r.as_str()) selected[r == Role::Professional] { (r.label()) } } }
                label for="profession" { "職種" }
                select #profession name="profession" { @for (c, l) in PROFESSIONS { option value=(c) { (l) } } }
                button.ws-btn type="submit" { "招待する" }
            }
        },
    ))
}

pub async fn users(State(state): State<AppState>, s: Signed) -> WebResult {
    authorize(&state, &s, Action::UsersManage, None).await?;
    audit_signed(
        &state,
        &s,
        "users.list",
        ("users", String::new()),
        Outcome::Ok,
        String::new(),
    )
    .await?;
    Ok(users_page(&state, &s, &[], None).await?.into_response())
}

#[derive(Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    csrf: String,
    login: String,
    display_name: String,
    org_id: i64,
    role: String,
    profession: String,
}

pub async fn invite(
    State(state): State<AppState>,
    s: Signed,
    Form(f): Form<InviteForm>,
) -> WebResult {
    check_csrf(s.csrf(), &f.csrf)?;
    authorize(&state, &s, Action::UsersManage, None).await?;
    let role = Role::parse(&f.role)
        .ok_or_else(|| WebError::BadRequest("権限を選んでください。".into()))?;
    let nu = NewUser {
        login: f.login.trim().to_lowercase(),
        display_name: f.display_name,
        org_id: f.org_id,
        role,
        profession: f.profession,
    };
    let pw = accounts::initial_password()?;
    match accounts::invite(
        state.db.as_ref(),
        &nu,
        &pw,
        state.clock.now(),
        &state.config,
    )
    .await
    {
        Ok(id) => {
            audit_signed(
                &state,
                &s,
                "users.invite",
                ("user", id.to_string()),
                Outcome::Ok,
                nu.login.clone(),
            )
            .await?;
            let notice = html! { p { (nu.login) " を作成しました。初期パスワード: " strong.ws-secret { (pw) } } };
            Ok(users_page(&state, &s, &[], Some(notice))
                .await?
                .into_response())
        }
        Err(accounts::InviteError::Auth(e)) => Err(e.into()),
        Err(e) => {
            audit_signed(
                &state,
                &s,
                "users.invite",
                ("user", nu.login.clone()),
                Outcome::Failed,
                e.to_string(),
            )
            .await?;
            Ok((
                StatusCode::BAD_REQUEST,
                users_page(&state, &s, &[e.to_string()], None).await?,
            )
                .into_response())
        }
    }
}

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

impl AuditQuery {
    fn filter(&self, limit: i64) -> audit::Filter {
        let day = |s: &str| crate::people::parse_date(s).map(jst_midnight);
        audit::Filter {
            actor: Some(self.actor.trim().to_owned()),
            action: Some(self.action.trim().to_owned()),
            target: Some(self.target.trim().to_owned()),
            outcome: Some(self.outcome.trim().to_owned()),
            from: day(&self.from),
            to: day(&self.to).map(|t| t + 86_400),
            limit,
        }
    }
    fn query_string(&self) -> String {
        let enc = |s: &str| {
            s.bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect::<String>()
        };
        format!(
            "actor={}&action={}&target={}&outcome={}&from={}&to={}",
            enc(&self.actor),
            enc(&self.action),
            enc(&self.target),
            enc(&self.outcome),
            enc(&self.from),
            enc(&self.to)
        )
    }
}

pub async fn audit(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<AuditQuery>,
) -> WebResult {
    authorize(&state, &s, Action::AuditView, None).await?;
    let rows = audit::search(state.db.as_ref(), &q.filter(500)).await?;
    audit_signed(
        &state,
        &s,
        "audit.search",
        ("audit", q.query_string()),
        Outcome::Ok,
        format!("{} rows", rows.len()),
    )
    .await?;
    let body = html! {
        h1 { "監査ログ" }
        form.ws-form method="get" action="/pro/audit" {
            div.ws-grid {
                div { label for="actor" { "利用者（ログインID）" } input #actor type="text" name="actor" value=(q.actor); }
                div { label for="action" { "操作（例: person.view）" } input #action type="text" name="action" value=(q.action); }
                div { label for="target" { "対象（例: person:3）" } input #target type="text" name="target" value=(q.target); }
                div { label for="outcome" { "結果" } select #outcome name="outcome" {
                    option value="" { "すべて" }
                    @for (v, l) in [("ok", "成功"), ("denied", "拒否"), ("failed", "失敗")] { option value=(v) selected[q.outcome == v] { (l) } }
                } }
                div { label for="from" { "開始日" } input #from type="date" name="from" value=(q.from); }
                div { label for="to" { "終了日" } input #to type="date" name="to" value=(q.to); }
            }
            button.ws-btn.secondary type="submit" { "検索" }
            " "
            a.ws-btn.secondary href={ "/pro/audit.csv?" (q.query_string()) } { "CSVで出力" }
        }
        p.ws-meta { "新しい順に最大500件。監査ログは追記のみで、変更・削除はできません。" }
        table.ws-table {
            thead { tr { th { "日時" } th { "利用者" } th { "操作" } th { "対象" } th { "結果" } th { "IP" } } }
            tbody {
                @for r in &rows {
                    tr {
                        td { (jst(r.at)) } td { (r.actor_login) } td { (r.action) }
                        td { (r.target_type) ":" (r.target_id) }
                        td { (match r.outcome.as_str() { "ok" => "成功", "denied" => "拒否", _ => "失敗" }) }
                        td { (r.ip) }
                    }
                }
            }
        }
    };
    Ok(page(
        "監査ログ",
        Some(&Viewer {
            user: &s.user,
            csrf: s.csrf(),
        }),
        body,
    )
    .into_response())
}

pub async fn audit_csv(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<AuditQuery>,
) -> WebResult<Response> {
    authorize(&state, &s, Action::AuditView, None).await?;
    let rows = audit::search(state.db.as_ref(), &q.filter(10_000)).await?;
    let csv = audit::to_csv(&rows).map_err(|e| WebError::Internal(e.to_string()))?;
    audit_signed(
        &state,
        &s,
        "audit.export",
        ("audit", q.query_string()),
        Outcome::Ok,
        format!("{} rows", rows.len()),
    )
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit-log.csv\"",
            ),
        ],
        csv,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    csrf: String,
    disabled: String,
}

/// Suspends (`disabled=1`) or resumes (`0`) an account; suspension ends its sessions.
pub async fn user_status(
    State(state): State<AppState>,
    s: Signed,
    axum::extract::Path(uid): axum::extract::Path<i64>,
    Form(f): Form<StatusForm>,
) -> WebResult {
    check_csrf(s.csrf(), &f.csrf)?;
    authorize(&state, &s, Action::UsersManage, None).await?;
    if uid == s.user.id {
        return Err(WebError::BadRequest(
            "自分のアカウントは停止できません。".into(),
        ));
    }
    let disabled = f.disabled == "1";
    let ok = accounts::set_disabled(state.db.as_ref(), uid, disabled).await?;
    if !ok {
        return Err(WebError::NotFound);
    }
    let action = if disabled {
        "users.disable"
    } else {
        "users.enable"
    };
    audit_signed(
        &state,
        &s,
        action,
        ("user", uid.to_string()),
        Outcome::Ok,
        String::new(),
    )
    .await?;
    Ok(axum::response::Redirect::to("/pro/admin/users").into_response())
}
