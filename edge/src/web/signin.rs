//! Sign-in pages: password → (enrol TOTP | TOTP or recovery code) → change initial
//! password; sign-out and sign-out everywhere.

use axum::Form;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;

use super::ctx::{AnyStage, FullStage};
use super::html::{Viewer, csrf_field, errors, page};
use super::{Ctx, WebError, WebResult, audit_row, audit_signed, check_csrf};
use crate::AppState;
use crate::accounts::{self, Role, User};
use crate::audit::Outcome;
use crate::auth::lockout::{self, Gate};
use crate::auth::session::{self, Stage};
use crate::auth::{password, recovery, totp};

fn with_cookie(cookie: String, to: &str) -> Response {
    ([(header::SET_COOKIE, cookie)], Redirect::to(to)).into_response()
}

fn landing(u: &User) -> &'static str {
    if u.must_change_password {
        "/pro/password"
    } else if u.role == Role::SystemAdmin {
        "/pro/admin/users"
    } else {
        "/pro/people"
    }
}

pub async fn home(State(state): State<AppState>, ctx: Ctx) -> WebResult {
    let Some(raw) = ctx.cookie.as_deref() else {
        return Ok(Redirect::to("/pro/login").into_response());
    };
    let (_, s) = session::lookup(state.db.as_ref(), raw, state.clock.now(), &state.config).await?;
    let Some(s) = s else {
        return Ok(Redirect::to("/pro/login").into_response());
    };
    let to = match s.stage {
        Stage::Mfa => "/pro/totp",
        Stage::Enrol => "/pro/enrol",
        Stage::Full => match accounts::by_id(state.db.as_ref(), s.user_id).await? {
            Some(u) => landing(&u),
            None => "/pro/login",
        },
    };
    Ok(Redirect::to(to).into_response())
}

fn login_page(errs: &[String], login: &str) -> maud::Markup {
    page(
        "ログイン",
        None,
        html! {
            h1 { "ログイン" }
            (errors(errs))
            form.ws-form method="post" action="/pro/login" {
                label for="login" { "ログインID" }
                input #login type="text" name="login" value=(login) autocomplete="username" required autocapitalize="none";
                label for="password" { "パスワード" }
                input #password type="password" name="password" autocomplete="current-password" required;
                button.ws-btn type="submit" { "次へ" }
            }
            p.ws-meta { "ログインにはパスワードと認証アプリの確認コード（二要素認証）が必要です。" }
        },
    )
}

pub async fn login_form() -> Response {
    login_page(&[], "").into_response()
}

#[derive(Deserialize)]
pub struct LoginForm {
    login: String,
    password: String,
}

pub async fn login(State(state): State<AppState>, ctx: Ctx, Form(f): Form<LoginForm>) -> WebResult {
    let db = state.db.as_ref();
    let now = state.clock.now();
    let login = f.login.trim().to_lowercase();
    match lockout::gate(db, &login, &ctx.ip, now, &state.config).await? {
        Gate::Open => {}
        Gate::Locked(wait) | Gate::RateLimited(wait) => {
            audit_row(
                &state,
                &ctx,
                None,
                &login,
                "signin.password",
                ("account", login.clone()),
                Outcome::Denied,
                format!("locked {wait}s"),
            )
            .await?;
            let msg = format!(
                "ログインの失敗が続いたため、一時的に制限しています。約{}分後にもう一度お試しください。",
                (wait + 59) / 60
            );
            return Ok((
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, wait.to_string())],
                login_page(&[msg], &login),
            )
                .into_response());
        }
    }
    let user = accounts::by_login(db, &login).await?;
    let ok = match &user {
        Some(u) if !u.disabled => password::verify(&f.password, &u.password_hash),
        _ => {
            password::verify_dummy(&f.password, &state.config);
            false
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        lockout::record_failure(db, &login, &ctx.ip, now).await?;
        audit_row(
            &state,
            &ctx,
            None,
            &login,
            "signin.password",
            ("account", login.clone()),
            Outcome::Failed,
            String::new(),
        )
        .await?;
        return Ok((
            StatusCode::UNAUTHORIZED,
            login_page(
                &["ログインIDまたはパスワードが正しくありません。".into()],
                &login,
            ),
        )
            .into_response());
    };
    // Rotation: whatever session this browser had ends; a new id is issued.
    if let Some(raw) = ctx.cookie.as_deref() {
        session::delete(db, &crate::auth::sha256_hex(raw)).await?;
    }
    let stage = if user.totp_enabled {
        Stage::Mfa
    } else {
        Stage::Enrol
    };
    let (raw, _) = session::create(db, user.id, stage, now, &ctx.ip, &ctx.user_agent).await?;
    audit_row(
        &state,
        &ctx,
        Some(&user),
        "",
        "signin.password",
        ("account", user.login.clone()),
        Outcome::Ok,
        String::new(),
    )
    .await?;
    Ok(with_cookie(
        session::set_cookie(&raw),
        if stage == Stage::Mfa {
            "/pro/totp"
        } else {
            "/pro/enrol"
        },
    ))
}

fn totp_page(csrf: &str, errs: &[String]) -> maud::Markup {
    page(
        "確認コード",
        None,
        html! {
            h1 { "確認コードの入力" }
            (errors(errs))
            form.ws-form method="post" action="/pro/totp" {
                (csrf_field(csrf))
                label for="code" { "認証アプリに表示されている6桁の数字" }
                input #code type="text" name="code" inputmode="numeric" autocomplete="one-time-code" required;
                button.ws-btn type="submit" { "ログイン" }
            }
            p.ws-meta { "認証アプリが使えないときは、登録時に控えたリカバリーコード（例: ABCDE-FGHJK）を入力できます。各コードは1回だけ使えます。" }
        },
    )
}

/// Audits a step the session's user took on their own account, with no detail.
async fn audit_own_account(
    state: &AppState,
    a: &AnyStage,
    action: &str,
    outcome: Outcome,
) -> Result<(), WebError> {
    audit_row(
        state,
        &a.ctx,
        Some(&a.user),
        "",
        action,
        ("account", a.user.login.clone()),
        outcome,
        String::new(),
    )
    .await
}

/// A sign-in step only answers a session at its own stage; any other session is sent
/// back to `/pro/`.
fn require_stage(a: &AnyStage, stage: Stage) -> Result<(), WebError> {
    if a.session.stage == stage {
        Ok(())
    } else {
        Err(WebError::Redirect("/pro/".into()))
    }
}

pub async fn totp_form(a: AnyStage) -> WebResult {
    match a.session.stage {
        Stage::Mfa => Ok(totp_page(&a.session.csrf_token, &[]).into_response()),
        Stage::Enrol => Err(WebError::Redirect("/pro/enrol".into())),
        Stage::Full => Err(WebError::Redirect("/pro/".into())),
    }
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    csrf: String,
    code: String,
}

pub async fn totp(
    State(state): State<AppState>,
    a: AnyStage,
    Form(f): Form<CodeForm>,
) -> WebResult {
    check_csrf(&a.session.csrf_token, &f.csrf)?;
    require_stage(&a, Stage::Mfa)?;
    let db = state.db.as_ref();
    let now = state.clock.now();
    let u = &a.user;
    if let Gate::Locked(wait) | Gate::RateLimited(wait) =
        lockout::gate(db, &u.login, &a.ctx.ip, now, &state.config).await?
    {
        audit_row(
            &state,
            &a.ctx,
            Some(u),
            "",
            "signin.totp",
            ("account", u.login.clone()),
            Outcome::Denied,
            format!("locked {wait}s"),
        )
        .await?;
        let msg = format!(
            "失敗が続いたため、一時的に制限しています。約{}分後にもう一度お試しください。",
            (wait + 59) / 60
        );
        return Ok((
            StatusCode::TOO_MANY_REQUESTS,
            totp_page(&a.session.csrf_token, &[msg]),
        )
            .into_response());
    }
    let code = f.code.trim();
    let digits = code.chars().filter(char::is_ascii_digit).count()
        == code.chars().filter(|c| !c.is_whitespace()).count();
    let (ok, how) = if digits {
        let step = match &u.totp_secret {
            Some(secret) => totp::matching_step(secret, code, now)?,
            None => None,
        };
        match step {
            // A step at or before the last accepted one is a replayed code.
            Some(step) => (accounts::accept_totp_step(db, u.id, step).await?, "totp"),
            None => (false, "totp"),
        }
    } else {
        (
            recovery::redeem(db, u.id, code, now).await?,
            "recovery_code",
        )
    };
    if !ok {
        lockout::record_failure(db, &u.login, &a.ctx.ip, now).await?;
        audit_row(
            &state,
            &a.ctx,
            Some(u),
            "",
            "signin.totp",
            ("account", u.login.clone()),
            Outcome::Failed,
            how.into(),
        )
        .await?;
        return Ok((
            StatusCode::UNAUTHORIZED,
            totp_page(
                &a.session.csrf_token,
                &["確認コードが正しくないか、既に使われています。".into()],
            ),
        )
            .into_response());
    }
    lockout::clear(db, &u.login, &a.ctx.ip).await?;
    // Rotation at the privilege change: the half session ends, a new id is issued.
    session::delete(db, &a.session.id_hash).await?;
    let (raw, _) =
        session::create(db, u.id, Stage::Full, now, &a.ctx.ip, &a.ctx.user_agent).await?;
    audit_row(
        &state,
        &a.ctx,
        Some(u),
        "",
        "signin",
        ("account", u.login.clone()),
        Outcome::Ok,
        how.into(),
    )
    .await?;
    Ok(with_cookie(session::set_cookie(&raw), landing(u)))
}

fn enrol_page(
    state: &AppState,
    u: &User,
    secret: &str,
    csrf: &str,
    errs: &[String],
) -> WebResult<maud::Markup> {
    let uri = totp::otpauth_uri(secret, &state.config.totp_issuer, &u.login);
    let svg = totp::qr_svg(&uri)?;
    Ok(page(
        "二要素認証の設定",
        None,
        html! {
            h1 { "二要素認証の設定" }
            p { "このワークスペースでは、すべてのアカウントで二要素認証が必要です。スマートフォンの認証アプリ（Google Authenticator、Microsoft Authenticator など）で次のQRコードを読み取り、表示された6桁の数字を入力してください。" }
            (errors(errs))
            div.ws-qr role="img" aria-label="認証アプリ登録用のQRコード" { (super::html::raw(&svg)) }
            p { "読み取れない場合はキーを手入力してください: " span.ws-secret { (secret) } }
            form.ws-form method="post" action="/pro/enrol" {
                (csrf_field(csrf))
                label for="code" { "認証アプリの6桁の数字" }
                input #code type="text" name="code" inputmode="numeric" autocomplete="one-time-code" required;
                button.ws-btn type="submit" { "設定を完了する" }
            }
        },
    ))
}

pub async fn enrol_form(State(state): State<AppState>, a: AnyStage) -> WebResult {
    require_stage(&a, Stage::Enrol)?;
    let secret = match &a.user.totp_secret {
        Some(s) => s.clone(),
        None => {
            let s = totp::new_secret()?;
            accounts::set_pending_totp(state.db.as_ref(), a.user.id, &s).await?;
            s
        }
    };
    Ok(enrol_page(&state, &a.user, &secret, &a.session.csrf_token, &[])?.into_response())
}

pub async fn enrol(
    State(state): State<AppState>,
    a: AnyStage,
    Form(f): Form<CodeForm>,
) -> WebResult {
    check_csrf(&a.session.csrf_token, &f.csrf)?;
    require_stage(&a, Stage::Enrol)?;
    let db = state.db.as_ref();
    let now = state.clock.now();
    let u = &a.user;
    let Some(secret) = u.totp_secret.clone() else {
        return Err(WebError::Redirect("/pro/enrol".into()));
    };
    let ok = match totp::matching_step(&secret, &f.code, now)? {
        Some(step) => accounts::accept_totp_step(db, u.id, step).await?,
        None => false,
    };
    if !ok {
        audit_own_account(&state, &a, "totp.enrol", Outcome::Failed).await?;
        let page = enrol_page(
            &state,
            u,
            &secret,
            &a.session.csrf_token,
            &["確認コードが正しくありません。時刻がずれていないか確認してください。".into()],
        )?;
        return Ok((StatusCode::UNAUTHORIZED, page).into_response());
    }
    let codes = recovery::regenerate(db, u.id).await?;
    session::delete(db, &a.session.id_hash).await?;
    let (raw, s) =
        session::create(db, u.id, Stage::Full, now, &a.ctx.ip, &a.ctx.user_agent).await?;
    audit_own_account(&state, &a, "totp.enrol", Outcome::Ok).await?;
    audit_row(
        &state,
        &a.ctx,
        Some(u),
        "",
        "signin",
        ("account", u.login.clone()),
        Outcome::Ok,
        "totp".into(),
    )
    .await?;
    let next = landing(u);
    let body = page(
        "リカバリーコード",
        Some(&Viewer {
            user: u,
            csrf: &s.csrf_token,
        }),
        html! {
            h1 { "二要素認証を設定しました" }
            div.ws-notice {
                p { "スマートフォンをなくしたときのためのリカバリーコードです。印刷するか書き写して、安全な場所に保管してください。各コードは1回だけ使えます。この画面は二度と表示されません。" }
            }
            ul.ws-codes { @for c in &codes { li { (c) } } }
            a.ws-btn href=(next) { "続ける" }
        },
    );
    Ok(([(header::SET_COOKIE, session::set_cookie(&raw))], body).into_response())
}

fn password_page(s: &super::Signed, errs: &[String], forced: bool) -> maud::Markup {
    page(
        "パスワード変更",
        Some(&Viewer {
            user: &s.user,
            csrf: s.csrf(),
        }),
        html! {
            h1 { "パスワード変更" }
            @if forced { div.ws-notice { p { "初期パスワードのままです。続ける前に、ご自身で決めたパスワードに変更してください。" } } }
            (errors(errs))
            form.ws-form method="post" action="/pro/password" {
                (csrf_field(s.csrf()))
                label for="current" { "現在のパスワード" }
                input #current type="password" name="current" autocomplete="current-password" required;
                label for="new" { "新しいパスワード（8文字以上。よく使われるものは使えません）" }
                input #new type="password" name="new" autocomplete="new-password" minlength="8" required;
                label for="confirm" { "新しいパスワード（確認）" }
                input #confirm type="password" name="confirm" autocomplete="new-password" minlength="8" required;
                button.ws-btn type="submit" { "変更する" }
            }
            h2 { "すべての端末からログアウト" }
            p { "紛失した端末などに残っているログインも含めて、すべて終了します。" }
            form.ws-form method="post" action="/pro/logout-all" {
                (csrf_field(s.csrf()))
                button.ws-btn.danger type="submit" { "すべての端末からログアウト" }
            }
        },
    )
}

pub async fn password_form(FullStage(s): FullStage) -> Response {
    let forced = s.user.must_change_password;
    password_page(&s, &[], forced).into_response()
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    current: String,
    new: String,
    confirm: String,
}

pub async fn password(
    State(state): State<AppState>,
    FullStage(s): FullStage,
    Form(f): Form<PasswordForm>,
) -> WebResult {
    check_csrf(s.csrf(), &f.csrf)?;
    let db = state.db.as_ref();
    let now = state.clock.now();
    let forced = s.user.must_change_password;
    let mut errs: Vec<String> = Vec::new();
    // The current-password check is a guessing oracle too: same lock-out as sign-in.
    if let Gate::Locked(wait) | Gate::RateLimited(wait) =
        lockout::gate(db, &s.user.login, &s.ctx.ip, now, &state.config).await?
    {
        errs.push(format!(
            "失敗が続いたため、一時的に制限しています。約{}分後にもう一度お試しください。",
            (wait + 59) / 60
        ));
    } else if !password::verify(&f.current, &s.user.password_hash) {
        lockout::record_failure(db, &s.user.login, &s.ctx.ip, now).await?;
        errs.push("現在のパスワードが正しくありません。".into());
    } else if f.new != f.confirm {
        errs.push(password::PolicyError::Mismatch.to_string());
    } else if f.new == f.current {
        errs.push(password::PolicyError::Unchanged.to_string());
    } else if let Err(e) = password::check_policy(&f.new, &s.user.login) {
        errs.push(e.to_string());
    }
    if !errs.is_empty() {
        audit_signed(
            &state,
            &s,
            "password.change",
            ("account", s.user.login.clone()),
            Outcome::Failed,
            String::new(),
        )
        .await?;
        return Ok((StatusCode::BAD_REQUEST, password_page(&s, &errs, forced)).into_response());
    }
    let hash = password::hash(&f.new, &state.config)?;
    accounts::set_password(db, s.user.id, &hash, now).await?;
    // A new password ends every other session (ASVS 3.3.3) and rotates this one.
    session::delete_all(db, s.user.id).await?;
    let (raw, _) = session::create(
        db,
        s.user.id,
        Stage::Full,
        now,
        &s.ctx.ip,
        &s.ctx.user_agent,
    )
    .await?;
    audit_signed(
        &state,
        &s,
        "password.change",
        ("account", s.user.login.clone()),
        Outcome::Ok,
        String::new(),
    )
    .await?;
    let to = if s.user.role == Role::SystemAdmin {
        "/pro/admin/users"
    } else {
        "/pro/people"
    };
    Ok(with_cookie(session::set_cookie(&raw), to))
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    a: AnyStage,
    Form(f): Form<CsrfForm>,
) -> WebResult {
    check_csrf(&a.session.csrf_token, &f.csrf)?;
    session::delete(state.db.as_ref(), &a.session.id_hash).await?;
    audit_own_account(&state, &a, "signout", Outcome::Ok).await?;
    Ok(with_cookie(session::clear_cookie(), "/pro/login"))
}

pub async fn logout_all(
    State(state): State<AppState>,
    FullStage(s): FullStage,
    Form(f): Form<CsrfForm>,
) -> WebResult {
    check_csrf(s.csrf(), &f.csrf)?;
    let n = session::delete_all(state.db.as_ref(), s.user.id).await?;
    audit_signed(
        &state,
        &s,
        "signout.everywhere",
        ("account", s.user.login.clone()),
        Outcome::Ok,
        format!("{n} sessions"),
    )
    .await?;
    Ok(with_cookie(session::clear_cookie(), "/pro/login"))
}
