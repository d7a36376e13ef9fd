//! A person's timeline: posts by team members with Markdown text (sanitised), a category,
//! structured vital signs, mentions, read status and attachments. Newest first, keyset-paged.

use crate::params;
use crate::store::{Db, DbError, Row, Stmt, Value};

pub const CATEGORIES: &[&str] = &["連絡", "報告", "相談", "申し送り"];
pub const MEALS: &[&str] = &["全量", "7〜8割", "半量", "2〜3割", "摂取なし"];
pub const EXCRETIONS: &[&str] = &["排尿・排便あり", "排尿のみ", "排便のみ", "失禁あり", "なし"];
pub const MAX_BODY_CHARS: usize = 10_000;

/// Raw form fields (all strings: empty means "not measured").
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PostInput {
    pub category: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub temp_c: String,
    #[serde(default)]
    pub bp_sys: String,
    #[serde(default)]
    pub bp_dia: String,
    #[serde(default)]
    pub pulse: String,
    #[serde(default)]
    pub spo2: String,
    #[serde(default)]
    pub weight_kg: String,
    #[serde(default)]
    pub meal: String,
    #[serde(default)]
    pub excretion: String,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Vitals {
    pub temp_c: Option<f64>,
    pub bp_sys: Option<i64>,
    pub bp_dia: Option<i64>,
    pub pulse: Option<i64>,
    pub spo2: Option<i64>,
    pub weight_kg: Option<f64>,
    pub meal: Option<String>,
    pub excretion: Option<String>,
}

impl Vitals {
    pub fn is_empty(&self) -> bool {
        *self == Vitals::default()
    }
}

#[derive(Debug, Clone)]
pub struct NewPost {
    pub category: String,
    pub body_md: String,
    pub body_html: String,
    pub vitals: Vitals,
}

pub use crate::people::FieldError;

fn fe(field: &'static str, reason: impl Into<String>) -> FieldError {
    FieldError {
        field,
        reason: reason.into(),
    }
}

fn num<T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy>(
    s: &str,
    field: &'static str,
    unit: &str,
    lo: T,
    hi: T,
    errs: &mut Vec<FieldError>,
) -> Option<T> {
    // Accept full-width digits, common on Japanese phones' keyboards.
    let s: String = s
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            _ => c,
        })
        .collect();
    if s.is_empty() {
        return None;
    }
    match s.parse::<T>() {
        Ok(v) if v >= lo && v <= hi => Some(v),
        Ok(_) => {
            errs.push(fe(
                field,
                format!("{s}{unit}は範囲外です（{lo}〜{hi}{unit}）。"),
            ));
            None
        }
        Err(_) => {
            errs.push(fe(field, format!("「{s}」は数値ではありません。")));
            None
        }
    }
}

/// Markdown → HTML, then sanitised with ammonia (no script, no event handlers, no style,
/// links get rel="noopener noreferrer").
pub fn render_markdown(md: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let mut out = String::new();
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    html::push_html(&mut out, Parser::new_ext(md, opts));
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&out)
        .to_string()
}

impl PostInput {
    pub fn validate(&self) -> Result<NewPost, Vec<FieldError>> {
        let mut errs = Vec::new();
        let category = self.category.trim().to_owned();
        if !CATEGORIES.contains(&category.as_str()) {
            errs.push(fe(
                "区分",
                format!("{}のいずれかを選んでください。", CATEGORIES.join("・")),
            ));
        }
        let body = self.body.replace("\r\n", "\n");
        if body.chars().count() > MAX_BODY_CHARS {
            errs.push(fe(
                "本文",
                format!("{MAX_BODY_CHARS}文字以内にしてください。"),
            ));
        }
        let v = Vitals {
            temp_c: num::<f64>(&self.temp_c, "体温", "℃", 34.0, 42.0, &mut errs),
            bp_sys: num::<i64>(&self.bp_sys, "血圧（上）", "mmHg", 60, 250, &mut errs),
            bp_dia: num::<i64>(&self.bp_dia, "血圧（下）", "mmHg", 30, 150, &mut errs),
            pulse: num::<i64>(&self.pulse, "脈拍", "回/分", 30, 220, &mut errs),
            spo2: num::<i64>(&self.spo2, "SpO2", "%", 50, 100, &mut errs),
            weight_kg: num::<f64>(&self.weight_kg, "体重", "kg", 10.0, 200.0, &mut errs),
            meal: pick(&self.meal, MEALS, "食事", &mut errs),
            excretion: pick(&self.excretion, EXCRETIONS, "排泄", &mut errs),
        };
        match (v.bp_sys, v.bp_dia) {
            (Some(s), Some(d)) if d >= s => {
                errs.push(fe("血圧", "下の値は上の値より小さくしてください。"))
            }
            (Some(_), None) | (None, Some(_)) => {
                errs.push(fe("血圧", "上と下の両方を入力してください。"))
            }
            _ => {}
        }
        if body.trim().is_empty() && v.is_empty() {
            errs.push(fe("本文", "本文かバイタルのどちらかを入力してください。"));
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(NewPost {
            category,
            body_html: render_markdown(&body),
            body_md: body,
            vitals: v,
        })
    }
}

fn pick(
    s: &str,
    allowed: &[&str],
    field: &'static str,
    errs: &mut Vec<FieldError>,
) -> Option<String> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if allowed.contains(&s) {
        Some(s.to_owned())
    } else {
        errs.push(fe(
            field,
            format!("{}のいずれかを選んでください。", allowed.join("・")),
        ));
        None
    }
}

/// `@login` mentions in a body (ASCII login names as the accounts module allows).
pub fn mentioned_logins(body: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let b = body.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'@' && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) {
            let start = i + 1;
            let mut j = start;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b"._-".contains(&b[j])) {
                j += 1;
            }
            let login = body[start..j].trim_end_matches(['.', '-', '_']).to_owned();
            if login.len() >= 3 && !out.contains(&login) {
                out.push(login);
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// Attachment metadata for a post being created.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub blob_key: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
}

/// Inserts the post with its mentions (only current team members can be mentioned) and
/// attachments, in one batch. Returns the new post id.
pub async fn create(
    db: &dyn Db,
    person_id: i64,
    author_id: i64,
    p: &NewPost,
    attachments: &[NewAttachment],
    now: i64,
) -> Result<i64, DbError> {
    let v = &p.vitals;
    let r = db
        .execute(
            "INSERT INTO posts (person_id, author_id, category, body_md, body_html, temp_c, bp_sys, bp_dia, pulse, spo2,
                                weight_kg, meal, excretion, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                person_id,
                author_id,
                p.category.clone(),
                p.body_md.clone(),
                p.body_html.clone(),
                v.temp_c,
                v.bp_sys,
                v.bp_dia,
                v.pulse,
                v.spo2,
                v.weight_kg,
                v.meal.clone(),
                v.excretion.clone(),
                now
            ],
        )
        .await?;
    let post_id = r.last_insert_id;
    let mut stmts = Vec::new();
    for login in mentioned_logins(&p.body_md) {
        stmts.push(Stmt::new(
            "INSERT OR IGNORE INTO post_mentions (post_id, user_id)
             SELECT ?1, u.id FROM users u JOIN care_team t ON t.user_id = u.id
             WHERE u.login = ?2 AND t.person_id = ?3 AND t.removed_at IS NULL",
            params![post_id, login, person_id],
        ));
    }
    for a in attachments {
        stmts.push(Stmt::new(
            "INSERT INTO attachments (post_id, blob_key, filename, content_type, size, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                post_id,
                a.blob_key.clone(),
                a.filename.clone(),
                a.content_type.clone(),
                a.size,
                now
            ],
        ));
    }
    // The author has read their own post.
    stmts.push(Stmt::new(
        "INSERT OR IGNORE INTO post_reads (post_id, user_id, read_at) VALUES (?1, ?2, ?3)",
        params![post_id, author_id, now],
    ));
    db.batch(stmts).await?;
    Ok(post_id)
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Attachment {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Post {
    pub id: i64,
    pub author_name: String,
    pub author_profession: String,
    pub category: String,
    pub body_html: String,
    pub vitals: Vitals,
    pub created_at: i64,
    pub mentions: Vec<String>,
    pub read_count: i64,
    /// Whether the viewer had read it before this page view.
    pub unread: bool,
    pub attachments: Vec<Attachment>,
}

/// Keyset cursor: posts strictly older than (created_at, id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub created_at: i64,
    pub id: i64,
}

impl Cursor {
    pub fn encode(self) -> String {
        format!("{}_{}", self.created_at, self.id)
    }
    pub fn parse(s: &str) -> Option<Cursor> {
        let (a, b) = s.split_once('_')?;
        Some(Cursor {
            created_at: a.parse().ok()?,
            id: b.parse().ok()?,
        })
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Page {
    pub posts: Vec<Post>,
    #[serde(skip)]
    pub next: Option<Cursor>,
}

/// One page of the timeline, newest first. Marks the shown posts read by `viewer`.
pub async fn page(
    db: &dyn Db,
    person_id: i64,
    viewer: i64,
    before: Option<Cursor>,
    limit: i64,
    now: i64,
) -> Result<Page, DbError> {
    let mut ps: Vec<Value> = params![person_id, viewer, limit + 1];
    let mut cond = String::new();
    if let Some(c) = before {
        ps.push(c.created_at.into());
        ps.push(c.id.into());
        cond = " AND (p.created_at < ?4 OR (p.created_at = ?4 AND p.id < ?5))".into();
    }
    let sql = format!(
        "SELECT p.id, u.display_name AS author_name, u.profession AS author_profession, p.category, p.body_html,
                p.temp_c, p.bp_sys, p.bp_dia, p.pulse, p.spo2, p.weight_kg, p.meal, p.excretion, p.created_at,
                (SELECT COUNT(*) FROM post_reads r WHERE r.post_id = p.id) AS read_count,
                NOT EXISTS(SELECT 1 FROM post_reads r WHERE r.post_id = p.id AND r.user_id = ?2) AS unread,
                (SELECT group_concat(m.display_name, '、') FROM post_mentions pm JOIN users m ON m.id = pm.user_id
                  WHERE pm.post_id = p.id) AS mentions
         FROM posts p JOIN users u ON u.id = p.author_id
         WHERE p.person_id = ?1{cond}
         ORDER BY p.created_at DESC, p.id DESC LIMIT ?3"
    );
    let rows = db.query(&sql, ps).await?;
    let mut posts: Vec<Post> = rows.iter().map(post_from).collect::<Result<_, _>>()?;
    let next = if posts.len() as i64 > limit {
        posts.truncate(limit as usize);
        posts.last().map(|p| Cursor {
            created_at: p.created_at,
            id: p.id,
        })
    } else {
        None
    };
    if !posts.is_empty() {
        let ids: Vec<String> = posts.iter().map(|p| p.id.to_string()).collect();
        let id_list = ids.join(",");
        // ids are integers we just read: safe to inline, and D1 caps bound parameters at 100.
        let att = db
            .query(
                &format!(
                    "SELECT id, post_id, filename, content_type, size FROM attachments WHERE post_id IN ({id_list}) ORDER BY id"
                ),
                params![],
            )
            .await?;
        for a in &att {
            let pid = a.i64("post_id")?;
            if let Some(p) = posts.iter_mut().find(|p| p.id == pid) {
                p.attachments.push(Attachment {
                    id: a.i64("id")?,
                    filename: a.string("filename")?,
                    content_type: a.string("content_type")?,
                    size: a.i64("size")?,
                });
            }
        }
        db.execute(
            &format!(
                "INSERT OR IGNORE INTO post_reads (post_id, user_id, read_at)
                 SELECT id, ?1, ?2 FROM posts WHERE id IN ({id_list})"
            ),
            params![viewer, now],
        )
        .await?;
    }
    Ok(Page { posts, next })
}

/// The vital-sign columns of a `posts` row.
fn vitals_from(r: &Row) -> Result<Vitals, DbError> {
    Ok(Vitals {
        temp_c: r.opt_f64("temp_c")?,
        bp_sys: r.opt_i64("bp_sys")?,
        bp_dia: r.opt_i64("bp_dia")?,
        pulse: r.opt_i64("pulse")?,
        spo2: r.opt_i64("spo2")?,
        weight_kg: r.opt_f64("weight_kg")?,
        meal: r.opt_string("meal")?,
        excretion: r.opt_string("excretion")?,
    })
}

fn post_from(r: &Row) -> Result<Post, DbError> {
    Ok(Post {
        id: r.i64("id")?,
        author_name: r.string("author_name")?,
        author_profession: r.string("author_profession")?,
        category: r.string("category")?,
        body_html: r.string("body_html")?,
        vitals: vitals_from(r)?,
        created_at: r.i64("created_at")?,
        mentions: r
            .opt_str("mentions")?
            .map(|s| s.split('、').map(str::to_owned).collect())
            .unwrap_or_default(),
        read_count: r.i64("read_count")?,
        unread: r.bool("unread")?,
        attachments: Vec::new(),
    })
}

/// The latest posts that recorded any vital sign, newest first (the trend table).
pub async fn vitals_trend(
    db: &dyn Db,
    person_id: i64,
    limit: i64,
) -> Result<Vec<(i64, Vitals)>, DbError> {
    let rows = db
        .query(
            "SELECT created_at, temp_c, bp_sys, bp_dia, pulse, spo2, weight_kg, meal, excretion FROM posts
             WHERE person_id = ?1 AND (temp_c IS NOT NULL OR bp_sys IS NOT NULL OR pulse IS NOT NULL
                   OR spo2 IS NOT NULL OR weight_kg IS NOT NULL OR meal IS NOT NULL OR excretion IS NOT NULL)
             ORDER BY created_at DESC, id DESC LIMIT ?2",
            params![person_id, limit],
        )
        .await?;
    rows.iter()
        .map(|r| Ok((r.i64("created_at")?, vitals_from(r)?)))
        .collect()
}

/// An attachment's storage key, only if it belongs to a post of `person_id` (so the
/// person-level access check covers the file).
pub async fn attachment(
    db: &dyn Db,
    person_id: i64,
    attachment_id: i64,
) -> Result<Option<(String, String, String)>, DbError> {
    let rows = db
        .query(
            "SELECT a.blob_key, a.filename, a.content_type FROM attachments a JOIN posts p ON p.id = a.post_id
             WHERE a.id = ?1 AND p.person_id = ?2",
            params![attachment_id, person_id],
        )
        .await?;
    rows.first()
        .map(|r| {
            Ok((
                r.string("blob_key")?,
                r.string("filename")?,
                r.string("content_type")?,
            ))
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_sanitised() {
        let h = render_markdown(
            "**強調** <script>alert(1)</script> <img src=x onerror=alert(1)> [a](javascript:alert(1))",
        );
        assert!(h.contains("<strong>強調</strong>"));
        assert!(!h.contains("<script"));
        assert!(!h.contains("onerror"));
        assert!(!h.contains("javascript:"));
    }

    #[test]
    fn vitals_ranges_are_checked() {
        let p = PostInput {
            category: "報告".into(),
            temp_c: "45".into(),
            bp_sys: "120".into(),
            bp_dia: "130".into(),
            ..Default::default()
        };
        let errs = p.validate().unwrap_err();
        assert!(errs.iter().any(|e| e.field == "体温"));
        assert!(errs.iter().any(|e| e.field == "血圧"));
        let ok = PostInput {
            category: "報告".into(),
            temp_c: "３６．８".into(),
            spo2: "97".into(),
            ..Default::default()
        };
        assert_eq!(ok.validate().unwrap().vitals.temp_c, Some(36.8));
    }

    #[test]
    fn mentions_are_found() {
        assert_eq!(
            mentioned_logins("@nurse.sato さんと @dr-tanaka、mail@example"),
            vec!["nurse.sato", "dr-tanaka"]
        );
    }
}
