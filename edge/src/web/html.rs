//! Page layout and small view helpers (maud: compiled templates, escaped by default).

use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::accounts::{Role, User};

pub const SITE: &str = "つなぐ 専門職ワークスペース";

/// The signed-in user's view of the header (nav per role, sign-out form with CSRF token).
pub struct Viewer<'a> {
    pub user: &'a User,
    pub csrf: &'a str,
}

pub fn page(title: &str, viewer: Option<&Viewer<'_>>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="ja" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex, nofollow";
                title { (title) " | " (SITE) }
                link rel="stylesheet" href="/assets/css/site.css";
                link rel="stylesheet" href="/pro/assets/workspace.css";
            }
            body.ws {
                header.ws-header {
                    a.ws-brand href="/pro/" { (SITE) }
                    @if let Some(v) = viewer {
                        nav.ws-nav aria-label="メニュー" {
                            @if v.user.role != Role::SystemAdmin { a href="/pro/people" { "利用者一覧" } }
                            @if v.user.role == Role::MunicipalStaff {
                                a href="/pro/people/new" { "新規登録" }
                                a href="/pro/people/import" { "CSV一括登録" }
                            }
                            @if v.user.role != Role::Professional { a href="/pro/audit" { "監査ログ" } }
                            @if v.user.role == Role::SystemAdmin { a href="/pro/admin/users" { "アカウント管理" } }
                            a href="/pro/password" { "パスワード変更" }
                        }
                        span.ws-user { (v.user.display_name) "（" (crate::accounts::profession_label(&v.user.profession)) "）" }
                        form.ws-inline method="post" action="/pro/logout" {
                            input type="hidden" name="csrf" value=(v.csrf);
                            button.ws-btn.secondary type="submit" { "ログアウト" }
                        }
                    }
                }
                main.ws-main id="main" { (body) }
            }
        }
    }
}

pub fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(token); }
}

pub fn errors(list: &[String]) -> Markup {
    html! {
        @if !list.is_empty() {
            div.ws-error role="alert" {
                p { "入力内容を確認してください。" }
                ul { @for e in list { li { (e) } } }
            }
        }
    }
}

pub fn raw(s: &str) -> PreEscaped<String> {
    PreEscaped(s.to_owned())
}

pub fn options(values: &[&str], selected: &str, blank: bool) -> Markup {
    html! {
        @if blank { option value="" { "—" } }
        @for v in values {
            option value=(v) selected[*v == selected] { (v) }
        }
    }
}
