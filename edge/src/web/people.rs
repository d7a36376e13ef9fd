//! People pages: list, register, CSV import, the person page with its timeline and post
//! form, attachments, care team and consent.

use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use serde::Deserialize;

use super::html::{Viewer, csrf_field, errors, options, page, raw};
use super::{Signed, WebError, WebResult, audit_signed, authorize, check_csrf};
use crate::AppState;
use crate::access::{self, Action, Decision};
use crate::accounts::{Role, profession_label};
use crate::audit::Outcome;
use crate::blobs::Blob;
use crate::people::{self as ppl, CARE_LEVELS, CONSENT_METHODS, ConsentInput, PersonInput};
use crate::time::{age, jst, today_jst};
use crate::timeline::{self, CATEGORIES, Cursor, EXCRETIONS, MEALS, NewAttachment, PostInput};

fn viewer(s: &Signed) -> Viewer<'_> {
    Viewer {
        user: &s.user,
        csrf: s.csrf(),
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
}

pub async fn list(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<ListQuery>,
) -> WebResult {
    authorize(&state, &s, Action::PeopleList, None).await?;
    let team_only = s.user.role == Role::Professional;
    let items = ppl::list(state.db.as_ref(), s.user.id, team_only, &q.q).await?;
    audit_signed(
        &state,
        &s,
        "people.list",
        ("people", q.q.clone()),
        Outcome::Ok,
        format!("{} rows", items.len()),
    )
    .await?;
    let today = today_jst(state.clock.now());
    let body = html! {
        h1 { "利用者一覧" }
        @if s.user.role == Role::Professional { p.ws-meta { "あなたがケアチームに入っていて、本人の同意がある方だけが表示されます。" } }
        form.ws-form method="get" action="/pro/people" role="search" {
            label for="q" { "氏名・フリガナで検索" }
            input #q type="search" name="q" value=(q.q);
            button.ws-btn.secondary type="submit" { "検索" }
        }
        @if items.is_empty() { p { "該当する方はいません。" } }
        table.ws-table {
            thead { tr { th { "氏名" } th { "未読" } th { "年齢" } th { "要介護度" } th { "同意" } th { "チーム" } th { "最終投稿" } } }
            tbody {
                @for it in &items {
                    tr {
                        td { a href={ "/pro/people/" (it.person.id) } { (it.person.name) } br; span.ws-meta { (it.person.kana) } }
                        td data-label="未読" {
                            @match it.unread {
                                Some((0, _)) => { "なし" }
                                Some((n, m)) => { span.ws-badge.ok { (n) "件" } @if m > 0 { " " span.ws-badge.bad { "あなた宛 " (m) } } }
                                None => { "—" }
                            }
                        }
                        td data-label="年齢" { @if let Some(b) = ppl::parse_date(&it.person.birth_date) { (age(b, today)) "歳" } }
                        td data-label="要介護度" { (it.person.care_level) }
                        td data-label="同意" { @if it.consent { span.ws-badge.ok { "同意あり" } } @else { span.ws-badge.bad { "同意なし" } } }
                        td data-label="チーム" { (it.team_size) "人" }
                        td data-label="最終投稿" { @if let Some(t) = it.last_post_at { (jst(t)) } @else { "なし" } }
                    }
                }
            }
        }
    };
    Ok(page("利用者一覧", Some(&viewer(&s)), body).into_response())
}

fn person_form(s: &Signed, p: &PersonInput, errs: &[String], edit: Option<i64>) -> Markup {
    let (title, action) = match edit {
        Some(id) => (
            "基本情報の編集".to_owned(),
            format!("/pro/people/{id}/edit"),
        ),
        None => (
            "支援対象者の新規登録".to_owned(),
            "/pro/people/new".to_owned(),
        ),
    };
    page(
        &title,
        Some(&viewer(s)),
        html! {
            h1 { (title) }
            (errors(errs))
            form.ws-form method="post" action=(action) {
                (csrf_field(s.csrf()))
                label for="name" { "氏名" } input #name type="text" name="name" value=(p.name) required;
                label for="kana" { "フリガナ" } input #kana type="text" name="kana" value=(p.kana) required;
                label for="birth_date" { "生年月日" } input #birth_date type="date" name="birth_date" value=(p.birth_date) required;
                label for="address" { "住所" } input #address type="text" name="address" value=(p.address) required;
                div.ws-grid {
                    div { label for="lat" { "自宅の緯度（空欄なら住所の町字から設定）" } input #lat type="text" inputmode="decimal" name="lat" value=(p.lat); }
                    div { label for="lon" { "自宅の経度（空欄なら住所の町字から設定）" } input #lon type="text" inputmode="decimal" name="lon" value=(p.lon); }
                }
                label for="care_level" { "要介護度" }
                select #care_level name="care_level" { (options(CARE_LEVELS, &p.care_level, false)) }
                label for="contacts" { "主な連絡先（家族・キーパーソンなど）" } textarea #contacts name="contacts" { (p.contacts) }
                label for="external_id" { "外部ID（台帳番号など・任意）" } input #external_id type="text" name="external_id" value=(p.external_id);
                button.ws-btn type="submit" { @if edit.is_some() { "保存する" } @else { "登録する" } }
            }
        },
    )
}

pub async fn new_form(State(state): State<AppState>, s: Signed) -> WebResult {
    authorize(&state, &s, Action::PersonCreate, None).await?;
    audit_signed(
        &state,
        &s,
        "person.create.form",
        ("people", String::new()),
        Outcome::Ok,
        String::new(),
    )
    .await?;
    Ok(person_form(
        &s,
        &PersonInput {
            care_level: "要介護1".into(),
            ..Default::default()
        },
        &[],
        None,
    )
    .into_response())
}

#[derive(Deserialize)]
pub struct PersonForm {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    p: PersonInput,
}

pub async fn create(
    State(state): State<AppState>,
    s: Signed,
    Form(f): Form<PersonForm>,
) -> WebResult {
    check_csrf(s.csrf(), &f.csrf)?;
    authorize(&state, &s, Action::PersonCreate, None).await?;
    let now = state.clock.now();
    match f.p.validate(today_jst(now)) {
        Err(es) => {
            let errs: Vec<String> = es.iter().map(ToString::to_string).collect();
            Ok((StatusCode::BAD_REQUEST, person_form(&s, &f.p, &errs, None)).into_response())
        }
        Ok(p) => match ppl::create(state.db.as_ref(), &p, s.user.id, now).await {
            Ok(id) => {
                audit_signed(
                    &state,
                    &s,
                    "person.create",
                    ("person", id.to_string()),
                    Outcome::Ok,
                    String::new(),
                )
                .await?;
                Ok(Redirect::to(&format!("/pro/people/{id}/consent")).into_response())
            }
            Err(e) if e.is_constraint() => Ok((
                StatusCode::CONFLICT,
                person_form(&s, &f.p, &["外部ID: 既に登録されています。".into()], None),
            )
                .into_response()),
            Err(e) => Err(e.into()),
        },
    }
}

fn import_page(s: &Signed, errs: &[String], notice: Option<String>) -> Markup {
    page(
        "CSV一括登録",
        Some(&viewer(s)),
        html! {
            h1 { "CSVで一括登録" }
            @if let Some(n) = notice { div.ws-notice role="status" { p { (n) } } }
            (errors(errs))
            p { "1行目は見出しです。列: "
                @for (i, (_, label)) in crate::import::COLUMNS.iter().enumerate() { @if i > 0 { "、" } (label) } }
            p.ws-meta { "文字コードは UTF-8 または Shift_JIS。外部ID・氏名・フリガナ・生年月日・住所・要介護度は必須です。同意日・同意取得方法・同意範囲を入れると同意も登録します。1行でも誤りがあれば何も登録しません。" }
            form.ws-form method="post" action="/pro/people/import" enctype="multipart/form-data" {
                (csrf_field(s.csrf()))
                label for="file" { "CSVファイル" }
                input #file type="file" name="file" accept=".csv,text/csv" required;
                button.ws-btn type="submit" { "取り込む" }
            }
        },
    )
}

pub async fn import_form(State(state): State<AppState>, s: Signed) -> WebResult {
    authorize(&state, &s, Action::PeopleImport, None).await?;
    audit_signed(
        &state,
        &s,
        "people.import.form",
        ("people", String::new()),
        Outcome::Ok,
        String::new(),
    )
    .await?;
    Ok(import_page(&s, &[], None).into_response())
}

/// Reads a multipart form into text fields and at most one file.
async fn read_multipart(
    mut m: Multipart,
    max: usize,
) -> WebResult<(Vec<(String, String)>, Option<(String, String, Vec<u8>)>)> {
    let mut fields = Vec::new();
    let mut file = None;
    let bad = |e: axum::extract::multipart::MultipartError| {
        WebError::BadRequest(format!("送信内容を読めません（{}）。", e.body_text()))
    };
    while let Some(field) = m.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_owned();
        if let Some(fname) = field.file_name().map(str::to_owned) {
            let ct = field
                .content_type()
                .unwrap_or("application/octet-stream")
                .to_owned();
            let bytes = field.bytes().await.map_err(bad)?;
            if bytes.len() > max {
                return Err(WebError::BadRequest(format!(
                    "ファイルが大きすぎます（上限 {} MB）。",
                    max / 1024 / 1024
                )));
            }
            if !bytes.is_empty() {
                file = Some((fname, ct, bytes.to_vec()));
            }
        } else {
            fields.push((name, field.text().await.map_err(bad)?));
        }
    }
    Ok((fields, file))
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map_or("", |(_, v)| v.as_str())
}

pub async fn import(State(state): State<AppState>, s: Signed, m: Multipart) -> WebResult {
    let (fields, file) = read_multipart(m, state.config.max_attachment_bytes).await?;
    check_csrf(s.csrf(), field(&fields, "csrf"))?;
    authorize(&state, &s, Action::PeopleImport, None).await?;
    let Some((fname, _, bytes)) = file else {
        return Ok((
            StatusCode::BAD_REQUEST,
            import_page(&s, &["ファイルを選んでください。".into()], None),
        )
            .into_response());
    };
    let now = state.clock.now();
    match crate::import::run(state.db.as_ref(), &bytes, s.user.id, now, today_jst(now)).await {
        Ok(n) => {
            audit_signed(
                &state,
                &s,
                "people.import",
                ("file", fname.clone()),
                Outcome::Ok,
                format!("{n} people"),
            )
            .await?;
            Ok(
                import_page(&s, &[], Some(format!("{fname}: {n}人を登録しました。")))
                    .into_response(),
            )
        }
        Err(crate::import::ImportError::Rows(rows)) => {
            audit_signed(
                &state,
                &s,
                "people.import",
                ("file", fname.clone()),
                Outcome::Failed,
                format!("{} errors", rows.len()),
            )
            .await?;
            let errs: Vec<String> = rows.iter().map(|r| format!("{fname}:{r}")).collect();
            Ok((StatusCode::BAD_REQUEST, import_page(&s, &errs, None)).into_response())
        }
        Err(crate::import::ImportError::Db(e)) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    before: Option<String>,
}

fn post_form(s: &Signed, pid: i64, input: &PostInput, errs: &[String], max_mb: usize) -> Markup {
    html! {
        h2 #post { "記録を書く" }
        (errors(errs))
        form.ws-form method="post" action={ "/pro/people/" (pid) "/posts" } enctype="multipart/form-data" {
            (csrf_field(s.csrf()))
            label for="category" { "区分" }
            select #category name="category" { (options(CATEGORIES, &input.category, false)) }
            label for="body" { "本文（Markdown可。@ログインID でチームのメンバーに知らせます）" }
            textarea #body name="body" { (input.body) }
            fieldset {
                legend { "バイタル（測ったものだけ）" }
                div.ws-grid {
                    div { label for="temp_c" { "体温（℃）" } input #temp_c type="text" inputmode="decimal" name="temp_c" value=(input.temp_c); }
                    div { label for="bp_sys" { "血圧 上（mmHg）" } input #bp_sys type="text" inputmode="numeric" name="bp_sys" value=(input.bp_sys); }
                    div { label for="bp_dia" { "血圧 下（mmHg）" } input #bp_dia type="text" inputmode="numeric" name="bp_dia" value=(input.bp_dia); }
                    div { label for="pulse" { "脈拍（回/分）" } input #pulse type="text" inputmode="numeric" name="pulse" value=(input.pulse); }
                    div { label for="spo2" { "SpO2（%）" } input #spo2 type="text" inputmode="numeric" name="spo2" value=(input.spo2); }
                    div { label for="weight_kg" { "体重（kg）" } input #weight_kg type="text" inputmode="decimal" name="weight_kg" value=(input.weight_kg); }
                    div { label for="meal" { "食事" } select #meal name="meal" { (options(MEALS, &input.meal, true)) } }
                    div { label for="excretion" { "排泄" } select #excretion name="excretion" { (options(EXCRETIONS, &input.excretion, true)) } }
                }
            }
            label for="file" { "添付ファイル（JPEG・PNG・PDF、" (max_mb) "MBまで・任意）" }
            input #file type="file" name="file" accept="image/jpeg,image/png,application/pdf";
            button.ws-btn type="submit" { "投稿する" }
        }
    }
}

fn vitals(v: &timeline::Vitals) -> Markup {
    html! {
        @if !v.is_empty() {
            ul.ws-vitals aria-label="バイタル" {
                @if let Some(t) = v.temp_c { li { "体温 " (format!("{t:.1}")) "℃" } }
                @if let (Some(a), Some(b)) = (v.bp_sys, v.bp_dia) { li { "血圧 " (a) "/" (b) "mmHg" } }
                @if let Some(p) = v.pulse { li { "脈拍 " (p) "回/分" } }
                @if let Some(p) = v.spo2 { li { "SpO2 " (p) "%" } }
                @if let Some(w) = v.weight_kg { li { "体重 " (format!("{w:.1}")) "kg" } }
                @if let Some(m) = &v.meal { li { "食事 " (m) } }
                @if let Some(e) = &v.excretion { li { "排泄 " (e) } }
            }
        }
    }
}

async fn person_page(
    state: &AppState,
    s: &Signed,
    pid: i64,
    before: Option<Cursor>,
    input: &PostInput,
    errs: &[String],
) -> WebResult<(Markup, bool)> {
    let db = state.db.as_ref();
    let now = state.clock.now();
    let p = ppl::get(db, pid).await?.ok_or(WebError::NotFound)?;
    let consents = ppl::consents(db, pid).await?;
    let team = ppl::team(db, pid, false).await?;
    let [read, edit] =
        access::decide_each(db, &s.user, [Action::TimelineRead, Action::PersonEdit], pid).await?;
    let (can_read, can_edit) = (read == Decision::Allow, edit == Decision::Allow);
    let tl = if can_read {
        Some(timeline::page(db, pid, s.user.id, before, state.config.page_size, now).await?)
    } else {
        None
    };
    let trend = if can_read && before.is_none() {
        timeline::vitals_trend(db, pid, 10).await?
    } else {
        Vec::new()
    };
    let consent_now = consents.iter().any(|c| c.withdrawn_at.is_none());
    let today = today_jst(now);
    let body = html! {
        h1 { (p.name) " さん" }
        p.ws-meta { (p.kana) }
        div.ws-card {
            dl {
                dt { "生年月日" } dd { (p.birth_date) @if let Some(b) = ppl::parse_date(&p.birth_date) { "（" (age(b, today)) "歳）" } }
                dt { "住所" } dd { (p.address) }
                @if let (Some(lat), Some(lon)) = (p.lat, p.lon) { dt { "自宅の位置" } dd { (format!("{lat:.5}, {lon:.5}")) } }
                dt { "要介護度" } dd { (p.care_level) }
                @if !p.contacts.is_empty() { dt { "主な連絡先" } dd { (p.contacts) } }
                @if can_edit { dd { a href={ "/pro/people/" (pid) "/edit" } { "基本情報を編集" } } }
                dt { "同意" } dd {
                    @if consent_now { span.ws-badge.ok { "同意あり" } } @else { span.ws-badge.bad { "同意なし" } }
                    " " a href={ "/pro/people/" (pid) "/consent" } { "同意の記録" }
                }
                dt { "ケアチーム" } dd {
                    @for (i, m) in team.iter().enumerate() { @if i > 0 { "、" } (m.display_name) "（" (profession_label(&m.profession)) "）" }
                    " " a href={ "/pro/people/" (pid) "/team" } { "チーム" }
                }
            }
        }
        @match &tl {
            None => { p.ws-notice { "タイムラインは、ケアチームのメンバーが本人の同意のもとで閲覧できます。" } }
            Some(tl) => {
                (post_form(s, pid, input, errs, state.config.max_attachment_bytes / 1024 / 1024))
                @if !trend.is_empty() {
                    h2 #vitals { "バイタルの推移（直近" (trend.len()) "回）" }
                    div.ws-scroll tabindex="0" role="region" aria-label="バイタルの推移（横にスクロールできます）" {
                        table.ws-trend {
                            thead { tr { th { "日時" } th { "体温" } th { "血圧" } th { "脈拍" } th { "SpO2" } th { "体重" } th { "食事" } th { "排泄" } } }
                            tbody {
                                @for (at, v) in &trend {
                                    tr {
                                        td { (jst(*at)) }
                                        td data-label="体温" { @if let Some(t) = v.temp_c { (format!("{t:.1}")) "℃" } }
                                        td data-label="血圧" { @if let (Some(a), Some(b)) = (v.bp_sys, v.bp_dia) { (a) "/" (b) } }
                                        td data-label="脈拍" { @if let Some(p) = v.pulse { (p) } }
                                        td data-label="SpO2" { @if let Some(p) = v.spo2 { (p) "%" } }
                                        td data-label="体重" { @if let Some(w) = v.weight_kg { (format!("{w:.1}")) "kg" } }
                                        td data-label="食事" { @if let Some(m) = &v.meal { (m) } }
                                        td data-label="排泄" { @if let Some(e) = &v.excretion { (e) } }
                                    }
                                }
                            }
                        }
                    }
                }
                h2 #timeline { "タイムライン" }
                @if tl.posts.is_empty() { p { "まだ記録はありません。" } }
                @for post in &tl.posts {
                    article.ws-card.unread[post.unread] id={ "post-" (post.id) } {
                        p.ws-meta {
                            span.ws-badge { (post.category) } " "
                            (post.author_name) "（" (profession_label(&post.author_profession)) "） " (jst(post.created_at))
                            @if post.unread { " " span.ws-badge.ok { "未読" } }
                        }
                        (vitals(&post.vitals))
                        div { (raw(&post.body_html)) }
                        @if !post.mentions.is_empty() { p.ws-meta { "宛先: " (post.mentions.join("、")) } }
                        @for a in &post.attachments {
                            p { "添付: " a href={ "/pro/people/" (pid) "/files/" (a.id) } { (a.filename) } " (" (a.size / 1024) " KB)" }
                        }
                        p.ws-meta { "既読 " (post.read_count) "人" }
                    }
                }
                @if let Some(c) = tl.next { a.ws-btn.secondary href={ "/pro/people/" (pid) "?before=" (c.encode()) "#timeline" } { "さらに前の記録" } }
            }
        }
    };
    Ok((
        page(&format!("{} さん", p.name), Some(&viewer(s)), body),
        can_read,
    ))
}

pub async fn show(
    State(state): State<AppState>,
    s: Signed,
    Path(pid): Path<i64>,
    Query(q): Query<PageQuery>,
) -> WebResult {
    authorize(&state, &s, Action::PersonView, Some(pid)).await?;
    let before = q.before.as_deref().and_then(Cursor::parse);
    let (markup, timeline) = person_page(
        &state,
        &s,
        pid,
        before,
        &PostInput {
            category: "報告".into(),
            ..Default::default()
        },
        &[],
    )
    .await?;
    audit_person(&state, &s, "person.view", pid, Outcome::Ok).await?;
    if timeline {
        audit_person(&state, &s, "timeline.read", pid, Outcome::Ok).await?;
    }
    Ok(markup.into_response())
}

const ALLOWED_TYPES: &[&str] = &["image/jpeg", "image/png", "application/pdf"];

/// The file starts the way its declared type does (the browser's type is only a claim).
fn content_matches(content_type: &str, bytes: &[u8]) -> bool {
    match content_type {
        "image/png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "image/jpeg" => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
        "application/pdf" => bytes.starts_with(b"%PDF-"),
        _ => false,
    }
}

pub async fn post(
    State(state): State<AppState>,
    s: Signed,
    Path(pid): Path<i64>,
    m: Multipart,
) -> WebResult {
    let (fields, file) = read_multipart(m, state.config.max_attachment_bytes).await?;
    check_csrf(s.csrf(), field(&fields, "csrf"))?;
    authorize(&state, &s, Action::TimelinePost, Some(pid)).await?;
    let f = |n| field(&fields, n).to_owned();
    let input = PostInput {
        category: f("category"),
        body: f("body"),
        temp_c: f("temp_c"),
        bp_sys: f("bp_sys"),
        bp_dia: f("bp_dia"),
        pulse: f("pulse"),
        spo2: f("spo2"),
        weight_kg: f("weight_kg"),
        meal: f("meal"),
        excretion: f("excretion"),
    };
    let mut errs: Vec<String> = Vec::new();
    if let Some((_, ct, bytes)) = &file
        && !(ALLOWED_TYPES.contains(&ct.as_str()) && content_matches(ct, bytes))
    {
        errs.push("添付ファイル: JPEG・PNG・PDFのみ添付できます。".into());
    }
    let valid = match input.validate() {
        Ok(p) if errs.is_empty() => Some(p),
        Ok(_) => None,
        Err(es) => {
            errs.extend(es.iter().map(ToString::to_string));
            None
        }
    };
    let Some(newp) = valid else {
        audit_signed(
            &state,
            &s,
            "timeline.post",
            ("person", pid.to_string()),
            Outcome::Failed,
            "invalid".into(),
        )
        .await?;
        let (markup, _) = person_page(&state, &s, pid, None, &input, &errs).await?;
        return Ok((StatusCode::BAD_REQUEST, markup).into_response());
    };
    let now = state.clock.now();
    let mut atts = Vec::new();
    if let Some((fname, ct, bytes)) = file {
        let key = crate::rand::token()?;
        let size = bytes.len() as i64;
        state
            .blobs
            .put(
                &key,
                Blob {
                    content_type: ct.clone(),
                    bytes,
                },
            )
            .await
            .map_err(|e| WebError::Internal(e.to_string()))?;
        let fname: String = fname
            .chars()
            .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
            .take(100)
            .collect();
        atts.push(NewAttachment {
            blob_key: key,
            filename: fname,
            content_type: ct,
            size,
        });
    }
    let id = timeline::create(state.db.as_ref(), pid, s.user.id, &newp, &atts, now).await?;
    audit_signed(
        &state,
        &s,
        "timeline.post",
        ("person", pid.to_string()),
        Outcome::Ok,
        format!("post {id}"),
    )
    .await?;
    Ok(Redirect::to(&format!("/pro/people/{pid}#post-{id}")).into_response())
}

pub async fn file(
    State(state): State<AppState>,
    s: Signed,
    Path((pid, fid)): Path<(i64, i64)>,
) -> WebResult {
    authorize(&state, &s, Action::TimelineRead, Some(pid)).await?;
    let Some((key, fname, ct)) = timeline::attachment(state.db.as_ref(), pid, fid).await? else {
        return Err(WebError::NotFound);
    };
    let blob = state
        .blobs
        .get(&key)
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .ok_or(WebError::NotFound)?;
    audit_signed(
        &state,
        &s,
        "attachment.read",
        ("person", pid.to_string()),
        Outcome::Ok,
        format!("file {fid}"),
    )
    .await?;
    let ascii: String = fname
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, ct),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\""),
            ),
            (header::CONTENT_SECURITY_POLICY, "sandbox".to_owned()),
        ],
        blob.bytes,
    )
        .into_response())
}

pub async fn team(State(state): State<AppState>, s: Signed, Path(pid): Path<i64>) -> WebResult {
    authorize(&state, &s, Action::PersonView, Some(pid)).await?;
    let db = state.db.as_ref();
    let p = ppl::get(db, pid).await?.ok_or(WebError::NotFound)?;
    let members = ppl::team(db, pid, true).await?;
    let can_manage =
        access::decide(db, &s.user, Action::TeamManage, Some(pid)).await? == Decision::Allow;
    let candidates = if can_manage {
        crate::accounts::team_candidates(db).await?
    } else {
        Vec::new()
    };
    audit_person(&state, &s, "team.view", pid, Outcome::Ok).await?;
    let body = html! {
        h1 { (p.name) " さんのケアチーム" }
        table.ws-table {
            thead { tr { th { "氏名" } th { "職種・所属" } th { "追加" } th { "状態" } } }
            tbody {
                @for m in &members {
                    tr {
                        td { (m.display_name) }
                        td { (profession_label(&m.profession)) "・" (m.org_name) }
                        td { (jst(m.added_at)) "（" (m.added_by_name) "）" }
                        td {
                            @if let Some(r) = m.removed_at { "離脱 " (jst(r)) }
                            @else if can_manage {
                                form.ws-inline method="post" action={ "/pro/people/" (pid) "/team/remove" } {
                                    (csrf_field(s.csrf()))
                                    input type="hidden" name="user_id" value=(m.user_id);
                                    button.ws-btn.secondary type="submit" { "チームから外す" }
                                }
                            } @else { "参加中" }
                        }
                    }
                }
            }
        }
        @if can_manage {
            h2 { "メンバーを追加" }
            form.ws-form method="post" action={ "/pro/people/" (pid) "/team" } {
                (csrf_field(s.csrf()))
                label for="user_id" { "専門職・職員" }
                select #user_id name="user_id" {
                    @for c in &candidates { option value=(c.id) { (c.display_name) "（" (profession_label(&c.profession)) "・" (c.org_name) "）" } }
                }
                button.ws-btn type="submit" { "追加する" }
            }
        }
        p { a href={ "/pro/people/" (pid) } { "← " (p.name) " さんのページへ" } }
    };
    Ok(page("ケアチーム", Some(&viewer(&s)), body).into_response())
}

#[derive(Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    csrf: String,
    user_id: i64,
}

/// Audits an action on one person's record that needs no detail.
async fn audit_person(
    state: &AppState,
    s: &Signed,
    action: &str,
    pid: i64,
    outcome: Outcome,
) -> Result<(), WebError> {
    audit_signed(
        state,
        s,
        action,
        ("person", pid.to_string()),
        outcome,
        String::new(),
    )
    .await
}

/// Audits an add or removal of a care-team member; a refused change is recorded as failed.
async fn audit_team_change(
    state: &AppState,
    s: &Signed,
    action: &str,
    pid: i64,
    user_id: i64,
    ok: bool,
) -> Result<(), WebError> {
    let outcome = if ok { Outcome::Ok } else { Outcome::Failed };
    audit_signed(
        state,
        s,
        action,
        ("person", pid.to_string()),
        outcome,
        format!("user {user_id}"),
    )
    .await
}

pub async fn team_add(
    State(state): State<AppState>,
    s: Signed,
    Path(pid): Path<i64>,
    Form(f): Form<MemberForm>,
) -> WebResult {
    check_csrf(s.csrf(), &f.csrf)?;
    authorize(&state, &s, Action::TeamManage, Some(pid)).await?;
    let ok = ppl::add_member(
        state.db.as_ref(),
        pid,
        f.user_id,
        s.user.id,
        state.clock.now(),
    )
    .await?;
    audit_team_change(&state, &s, "team.add", pid, f.user_id, ok).await?;
    if !ok {
        return Err(WebError::BadRequest(
            "追加できませんでした（既にメンバーか、対象外のアカウントです）。".into(),
        ));
    }
    Ok(Redirect::to(&format!("/pro/people/{pid}/team")).into_response())
}

pub async fn team_remove(
    State(state): State<AppState>,
    s: Signed,
    Path(pid): Path<i64>,
    Form(f): Form<MemberForm>,
) -> WebResult {
    check_csrf(s.csrf(), &f.csrf)?;
    authorize(&state, &s, Action::TeamManage, Some(pid)).await?;
    let ok = ppl::remove_member(
        state.db.as_ref(),
        pid,
        f.user_id,
        s.user.id,
        state.clock.now(),
    )
    .await?;
    audit_team_change(&state, &s, "team.remove", pid, f.user_id, ok).await?;
    Ok(Redirect::to(&format!("/pro/people/{pid}/team")).into_response())
}

async fn consent_page(
    state: &AppState,
    s: &Signed,
    pid: i64,
    input: &ConsentInput,
    errs: &[String],
) -> WebResult<Markup> {
    let db = state.db.as_ref();
    let p = ppl::get(db, pid).await?.ok_or(WebError::NotFound)?;
    let list = ppl::consents(db, pid).await?;
    let can_manage =
        access::decide(db, &s.user, Action::ConsentManage, Some(pid)).await? == Decision::Allow;
    let standing = list.iter().any(|c| c.withdrawn_at.is_none());
    Ok(page(
        "同意の記録",
        Some(&viewer(s)),
        html! {
            h1 { (p.name) " さんの同意" }
            @if list.is_empty() { p { "同意の記録はありません。同意がない間、専門職はこの方の情報を閲覧できません。" } }
            @for c in &list {
                div.ws-card {
                    p { "同意日 " (c.obtained_on) "・" (c.method) }
                    p { "範囲: " (c.scope) }
                    p.ws-meta { "記録 " (c.recorded_by_name) " " (jst(c.recorded_at)) }
                    @if let Some(w) = c.withdrawn_at { p { span.ws-badge.bad { "撤回 " (jst(w)) } } }
                }
            }
            @if can_manage {
                @if standing {
                    h2 { "同意の撤回" }
                    p { "撤回すると、ケアチームの専門職はただちにこの方の情報を閲覧できなくなります。" }
                    form.ws-form method="post" action={ "/pro/people/" (pid) "/consent/withdraw" } {
                        (csrf_field(s.csrf()))
                        button.ws-btn.danger type="submit" { "同意を撤回する" }
                    }
                }
                h2 { "同意を記録する" }
                (errors(errs))
                form.ws-form method="post" action={ "/pro/people/" (pid) "/consent" } {
                    (csrf_field(s.csrf()))
                    label for="obtained_on" { "同意日" } input #obtained_on type="date" name="obtained_on" value=(input.obtained_on) required;
                    label for="method" { "取得方法" }
                    select #method name="method" { (options(CONSENT_METHODS, &input.method, false)) }
                    label for="scope" { "同意の範囲" }
                    textarea #scope name="scope" required { (input.scope) }
                    button.ws-btn type="submit" { "記録する" }
                }
            }
            p { a href={ "/pro/people/" (pid) } { "← " (p.name) " さんのページへ" } }
        },
    ))
}

pub async fn consent(State(state): State<AppState>, s: Signed, Path(pid): Path<i64>) -> WebResult {
    authorize(&state, &s, Action::PersonView, Some(pid)).await?;
    let input = ConsentInput {
        scope: "ケアチーム内での心身の状況・サービス利用状況の共有".into(),
        ..Default::default()
    };
    let m = consent_page(&state, &s, pid, &input, &[]).await?;
    audit_person(&state, &s, "consent.view", pid, Outcome::Ok).await?;
    Ok(m.into_response())
}

#[derive(Deserialize)]
pub struct ConsentForm {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    c: ConsentInput,
}

pub async fn consent_record(
    State(state): State<AppState>,
    s: Signed,
    Path(pid): Path<i64>,
    Form(f): Form<ConsentForm>,
) -> WebResult {
    check_csrf(s.csrf(), &f.csrf)?;
    authorize(&state, &s, Action::ConsentManage, Some(pid)).await?;
    let now = state.clock.now();
    match f.c.validate(today_jst(now)) {
        Err(es) => {
            let errs: Vec<String> = es.iter().map(ToString::to_string).collect();
            audit_person(&state, &s, "consent.record", pid, Outcome::Failed).await?;
            Ok((
                StatusCode::BAD_REQUEST,
                consent_page(&state, &s, pid, &f.c, &errs).await?,
            )
                .into_response())
        }
        Ok(c) => {
            let id = ppl::record_consent(state.db.as_ref(), pid, &c, s.user.id, now).await?;
            audit_signed(
                &state,
                &s,
                "consent.record",
                ("person", pid.to_string()),
                Outcome::Ok,
                format!("consent {id}"),
            )
            .await?;
            Ok(Redirect::to(&format!("/pro/people/{pid}/consent")).into_response())
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

pub async fn consent_withdraw(
    State(state): State<AppState>,
    s: Signed,
    Path(pid): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> WebResult {
    check_csrf(s.csrf(), &f.csrf)?;
    authorize(&state, &s, Action::ConsentManage, Some(pid)).await?;
    let n = ppl::withdraw_consent(state.db.as_ref(), pid, s.user.id, state.clock.now()).await?;
    audit_signed(
        &state,
        &s,
        "consent.withdraw",
        ("person", pid.to_string()),
        Outcome::Ok,
        format!("{n} withdrawn"),
    )
    .await?;
    Ok(Redirect::to(&format!("/pro/people/{pid}/consent")).into_response())
}

pub async fn edit_form(
    State(state): State<AppState>,
    s: Signed,
    Path(pid): Path<i64>,
) -> WebResult {
    authorize(&state, &s, Action::PersonEdit, Some(pid)).await?;
    let p = ppl::get(state.db.as_ref(), pid)
        .await?
        .ok_or(WebError::NotFound)?;
    audit_person(&state, &s, "person.edit.form", pid, Outcome::Ok).await?;
    Ok(person_form(&s, &p.to_input(), &[], Some(pid)).into_response())
}

pub async fn edit(
    State(state): State<AppState>,
    s: Signed,
    Path(pid): Path<i64>,
    Form(f): Form<PersonForm>,
) -> WebResult {
    check_csrf(s.csrf(), &f.csrf)?;
    authorize(&state, &s, Action::PersonEdit, Some(pid)).await?;
    let now = state.clock.now();
    match f.p.validate(today_jst(now)) {
        Err(es) => {
            let errs: Vec<String> = es.iter().map(ToString::to_string).collect();
            audit_person(&state, &s, "person.edit", pid, Outcome::Failed).await?;
            Ok((
                StatusCode::BAD_REQUEST,
                person_form(&s, &f.p, &errs, Some(pid)),
            )
                .into_response())
        }
        Ok(p) => match ppl::update(state.db.as_ref(), pid, &p, now).await {
            Ok(_) => {
                audit_person(&state, &s, "person.edit", pid, Outcome::Ok).await?;
                Ok(Redirect::to(&format!("/pro/people/{pid}")).into_response())
            }
            Err(e) if e.is_constraint() => Ok((
                StatusCode::CONFLICT,
                person_form(
                    &s,
                    &f.p,
                    &["外部ID: 既に登録されています。".into()],
                    Some(pid),
                ),
            )
                .into_response()),
            Err(e) => Err(e.into()),
        },
    }
}
