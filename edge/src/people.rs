//! 支援対象者 (people supported), their consent records and care teams.

use chrono::NaiveDate;

use crate::params;
use crate::store::{Db, DbError, DbExt, Row, Stmt, Value};

/// 要介護度 values accepted.
pub const CARE_LEVELS: &[&str] = &[
    "自立",
    "事業対象者",
    "要支援1",
    "要支援2",
    "要介護1",
    "要介護2",
    "要介護3",
    "要介護4",
    "要介護5",
    "申請中",
    "不明",
];

#[derive(Debug, Clone, serde::Serialize)]
pub struct Person {
    pub id: i64,
    pub external_id: Option<String>,
    pub name: String,
    pub kana: String,
    pub birth_date: String,
    pub address: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub care_level: String,
    pub contacts: String,
}

fn person_from(r: &Row) -> Result<Person, DbError> {
    Ok(Person {
        id: r.i64("id")?,
        external_id: r.opt_string("external_id")?,
        name: r.string("name")?,
        kana: r.string("kana")?,
        birth_date: r.string("birth_date")?,
        address: r.string("address")?,
        lat: r.opt_f64("lat")?,
        lon: r.opt_f64("lon")?,
        care_level: r.string("care_level")?,
        contacts: r.string("contacts")?,
    })
}

const COLS: &str = "p.id, p.external_id, p.name, p.kana, p.birth_date, p.address, p.lat, p.lon, p.care_level, p.contacts";

/// Raw form or CSV fields, before validation.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PersonInput {
    #[serde(default)]
    pub external_id: String,
    pub name: String,
    pub kana: String,
    pub birth_date: String,
    pub address: String,
    #[serde(default)]
    pub lat: String,
    #[serde(default)]
    pub lon: String,
    pub care_level: String,
    #[serde(default)]
    pub contacts: String,
}

/// A validated person.
#[derive(Debug, Clone)]
pub struct NewPerson {
    pub external_id: Option<String>,
    pub name: String,
    pub kana: String,
    pub birth_date: NaiveDate,
    pub address: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub care_level: String,
    pub contacts: String,
}

/// One field's problem, for the user: `(field label, reason)`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct FieldError {
    pub field: &'static str,
    pub reason: String,
}

fn fe(field: &'static str, reason: impl Into<String>) -> FieldError {
    FieldError {
        field,
        reason: reason.into(),
    }
}

/// Parses `YYYY-MM-DD` or `YYYY/MM/DD`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y/%m/%d"))
        .ok()
}

fn is_kana(s: &str) -> bool {
    s.chars()
        .all(|c| matches!(c, '\u{3041}'..='\u{309F}' | '\u{30A0}'..='\u{30FF}' | ' ' | '\u{3000}'))
}

impl PersonInput {
    /// Validates every field, returning all problems (not only the first).
    pub fn validate(&self, today: NaiveDate) -> Result<NewPerson, Vec<FieldError>> {
        let mut errs = Vec::new();
        let name = self.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 60 {
            errs.push(fe("氏名", "1〜60文字で入力してください。"));
        }
        let kana = self.kana.trim().to_owned();
        if kana.is_empty() || !is_kana(&kana) {
            errs.push(fe("フリガナ", "ひらがなかカタカナで入力してください。"));
        }
        let birth = parse_date(&self.birth_date);
        match birth {
            None => errs.push(fe(
                "生年月日",
                format!(
                    "「{}」は日付として読めません（例: 1940-04-01）。",
                    self.birth_date.trim()
                ),
            )),
            Some(d) if d > today || chrono::Datelike::year(&d) < 1890 => {
                errs.push(fe("生年月日", "ありえない日付です。"))
            }
            _ => {}
        }
        let address = self.address.trim().to_owned();
        if address.is_empty() || address.chars().count() > 200 {
            errs.push(fe("住所", "1〜200文字で入力してください。"));
        }
        let coord = |s: &str,
                     field: &'static str,
                     lo: f64,
                     hi: f64,
                     errs: &mut Vec<FieldError>|
         -> Option<f64> {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            match s.parse::<f64>() {
                Ok(v) if (lo..=hi).contains(&v) => Some(v),
                _ => {
                    errs.push(fe(
                        field,
                        format!("「{s}」は{lo}〜{hi}の数値ではありません。"),
                    ));
                    None
                }
            }
        };
        let lat = coord(&self.lat, "緯度", -90.0, 90.0, &mut errs);
        let lon = coord(&self.lon, "経度", -180.0, 180.0, &mut errs);
        if lat.is_some() != lon.is_some()
            && errs.iter().all(|e| e.field != "緯度" && e.field != "経度")
        {
            errs.push(fe("緯度・経度", "両方入力するか、両方空欄にしてください。"));
        }
        let care_level = self.care_level.trim().to_owned();
        if !CARE_LEVELS.contains(&care_level.as_str()) {
            errs.push(fe(
                "要介護度",
                format!(
                    "「{care_level}」は使えません（{}のいずれか）。",
                    CARE_LEVELS.join("、")
                ),
            ));
        }
        if self.contacts.chars().count() > 500 {
            errs.push(fe("連絡先", "500文字以内にしてください。"));
        }
        let external_id = Some(self.external_id.trim().to_owned()).filter(|s| !s.is_empty());
        if external_id.as_ref().is_some_and(|s| s.chars().count() > 40) {
            errs.push(fe("外部ID", "40文字以内にしてください。"));
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        // No coordinates given: the representative point of the address's 町字, offline.
        let (lat, lon) = match (lat, lon) {
            (Some(a), Some(b)) => (Some(a), Some(b)),
            _ => crate::geo::locate(&address).map_or((None, None), |p| (Some(p.lat), Some(p.lon))),
        };
        Ok(NewPerson {
            external_id,
            name,
            kana,
            birth_date: birth.unwrap_or_default(),
            address,
            lat,
            lon,
            care_level,
            contacts: self.contacts.trim().to_owned(),
        })
    }
}

pub fn insert_stmt(p: &NewPerson, by: i64, now: i64) -> Stmt {
    Stmt::new(
        "INSERT INTO people (external_id, name, kana, birth_date, address, lat, lon, care_level, contacts,
                             created_by, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
        params![
            p.external_id.clone(),
            p.name.clone(),
            p.kana.clone(),
            p.birth_date.format("%Y-%m-%d").to_string(),
            p.address.clone(),
            p.lat,
            p.lon,
            p.care_level.clone(),
            p.contacts.clone(),
            by,
            now
        ],
    )
}

pub async fn create(db: &dyn Db, p: &NewPerson, by: i64, now: i64) -> Result<i64, DbError> {
    let s = insert_stmt(p, by, now);
    Ok(db.execute(&s.sql, s.params).await?.last_insert_id)
}

/// Replaces a person's details (the record page's edit form).
pub async fn update(db: &dyn Db, id: i64, p: &NewPerson, now: i64) -> Result<bool, DbError> {
    let r = db
        .execute(
            "UPDATE people SET external_id = ?2, name = ?3, kana = ?4, birth_date = ?5, address = ?6, lat = ?7, lon = ?8,
                               care_level = ?9, contacts = ?10, updated_at = ?11
             WHERE id = ?1",
            params![
                id,
                p.external_id.clone(),
                p.name.clone(),
                p.kana.clone(),
                p.birth_date.format("%Y-%m-%d").to_string(),
                p.address.clone(),
                p.lat,
                p.lon,
                p.care_level.clone(),
                p.contacts.clone(),
                now
            ],
        )
        .await?;
    Ok(r.changes == 1)
}

impl Person {
    /// The stored details as form fields.
    pub fn to_input(&self) -> PersonInput {
        PersonInput {
            external_id: self.external_id.clone().unwrap_or_default(),
            name: self.name.clone(),
            kana: self.kana.clone(),
            birth_date: self.birth_date.clone(),
            address: self.address.clone(),
            lat: self.lat.map(|v| v.to_string()).unwrap_or_default(),
            lon: self.lon.map(|v| v.to_string()).unwrap_or_default(),
            care_level: self.care_level.clone(),
            contacts: self.contacts.clone(),
        }
    }
}

pub async fn get(db: &dyn Db, id: i64) -> Result<Option<Person>, DbError> {
    let sql = format!("SELECT {COLS} FROM people p WHERE p.id = ?1");
    db.query_opt(&sql, params![id])
        .await?
        .map(|r| person_from(&r))
        .transpose()
}

/// One line of the people list.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ListItem {
    pub person: Person,
    pub consent: bool,
    pub team_size: i64,
    pub last_post_at: Option<i64>,
    /// Posts the viewer has not read, and of those the ones that mention them; `None`
    /// unless the viewer is on the team with consent (only they can read the timeline).
    pub unread: Option<(i64, i64)>,
}

/// Everyone (municipal staff, `team_only = false`), or only people on the viewer's teams
/// whose consent stands (professionals). `q` matches name or kana.
pub async fn list(
    db: &dyn Db,
    viewer: i64,
    team_only: bool,
    q: &str,
) -> Result<Vec<ListItem>, DbError> {
    let mut sql = format!(
        "SELECT {COLS},
           EXISTS(SELECT 1 FROM consents c WHERE c.person_id = p.id AND c.withdrawn_at IS NULL) AS consent,
           EXISTS(SELECT 1 FROM care_team t WHERE t.person_id = p.id AND t.user_id = ?1 AND t.removed_at IS NULL) AS on_team,
           (SELECT COUNT(*) FROM care_team t WHERE t.person_id = p.id AND t.removed_at IS NULL) AS team_size,
           (SELECT MAX(created_at) FROM posts x WHERE x.person_id = p.id) AS last_post_at,
           (SELECT COUNT(*) FROM posts x WHERE x.person_id = p.id
              AND NOT EXISTS(SELECT 1 FROM post_reads r WHERE r.post_id = x.id AND r.user_id = ?1)) AS unread,
           (SELECT COUNT(*) FROM posts x JOIN post_mentions m ON m.post_id = x.id AND m.user_id = ?1
              WHERE x.person_id = p.id
              AND NOT EXISTS(SELECT 1 FROM post_reads r WHERE r.post_id = x.id AND r.user_id = ?1)) AS unread_mentions
         FROM people p WHERE 1 = 1"
    );
    let mut ps: Vec<Value> = vec![viewer.into()];
    if team_only {
        sql.push_str(
            " AND EXISTS(SELECT 1 FROM care_team t WHERE t.person_id = p.id AND t.user_id = ?1 AND t.removed_at IS NULL)
              AND EXISTS(SELECT 1 FROM consents c WHERE c.person_id = p.id AND c.withdrawn_at IS NULL)",
        );
    }
    let q = q.trim();
    if !q.is_empty() {
        ps.push(format!("%{}%", q.replace(['%', '_'], "")).into());
        sql.push_str(&format!(
            " AND (p.name LIKE ?{n} OR p.kana LIKE ?{n})",
            n = ps.len()
        ));
    }
    sql.push_str(" ORDER BY p.kana, p.id LIMIT 500");
    db.query(&sql, ps)
        .await?
        .iter()
        .map(|r| {
            let consent = r.bool("consent")?;
            Ok(ListItem {
                person: person_from(r)?,
                consent,
                team_size: r.i64("team_size")?,
                last_post_at: r.opt_i64("last_post_at")?,
                unread: (consent && r.bool("on_team")?)
                    .then(|| Ok::<_, DbError>((r.i64("unread")?, r.i64("unread_mentions")?)))
                    .transpose()?,
            })
        })
        .collect()
}

// ---- consent ----

#[derive(Debug, Clone, serde::Serialize)]
pub struct Consent {
    pub id: i64,
    pub obtained_on: String,
    pub method: String,
    pub scope: String,
    pub recorded_by_name: String,
    pub recorded_at: i64,
    pub withdrawn_at: Option<i64>,
}

/// How consent is typically obtained (a form may still give another).
pub const CONSENT_METHODS: &[&str] = &[
    "介護認定申請時",
    "サービス担当者会議",
    "訪問時に書面で",
    "入退院時",
    "その他",
];

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ConsentInput {
    pub obtained_on: String,
    pub method: String,
    pub scope: String,
}

#[derive(Debug, Clone)]
pub struct NewConsent {
    pub obtained_on: NaiveDate,
    pub method: String,
    pub scope: String,
}

impl ConsentInput {
    pub fn validate(&self, today: NaiveDate) -> Result<NewConsent, Vec<FieldError>> {
        let mut errs = Vec::new();
        let d = parse_date(&self.obtained_on);
        match d {
            None => errs.push(fe(
                "同意日",
                format!(
                    "「{}」は日付として読めません（例: 2026-04-01）。",
                    self.obtained_on.trim()
                ),
            )),
            Some(d) if d > today => errs.push(fe("同意日", "未来の日付は入力できません。")),
            _ => {}
        }
        let method = self.method.trim();
        if method.is_empty() || method.chars().count() > 60 {
            errs.push(fe("同意取得方法", "1〜60文字で入力してください。"));
        }
        let scope = self.scope.trim();
        if scope.is_empty() || scope.chars().count() > 300 {
            errs.push(fe("同意範囲", "1〜300文字で入力してください。"));
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(NewConsent {
            obtained_on: d.unwrap_or_default(),
            method: method.to_owned(),
            scope: scope.to_owned(),
        })
    }
}

pub fn consent_stmt_for_external(c: &NewConsent, external_id: &str, by: i64, now: i64) -> Stmt {
    Stmt::new(
        "INSERT INTO consents (person_id, obtained_on, method, scope, recorded_by, recorded_at)
         SELECT id, ?2, ?3, ?4, ?5, ?6 FROM people WHERE external_id = ?1",
        params![
            external_id,
            c.obtained_on.format("%Y-%m-%d").to_string(),
            c.method.clone(),
            c.scope.clone(),
            by,
            now
        ],
    )
}

pub async fn record_consent(
    db: &dyn Db,
    person_id: i64,
    c: &NewConsent,
    by: i64,
    now: i64,
) -> Result<i64, DbError> {
    Ok(db
        .execute(
            "INSERT INTO consents (person_id, obtained_on, method, scope, recorded_by, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                person_id,
                c.obtained_on.format("%Y-%m-%d").to_string(),
                c.method.clone(),
                c.scope.clone(),
                by,
                now
            ],
        )
        .await?
        .last_insert_id)
}

/// Withdraws every standing consent of the person; access ends with this statement.
pub async fn withdraw_consent(
    db: &dyn Db,
    person_id: i64,
    by: i64,
    now: i64,
) -> Result<u64, DbError> {
    Ok(db
        .execute(
            "UPDATE consents SET withdrawn_at = ?2, withdrawn_by = ?3 WHERE person_id = ?1 AND withdrawn_at IS NULL",
            params![person_id, now, by],
        )
        .await?
        .changes)
}

pub async fn consents(db: &dyn Db, person_id: i64) -> Result<Vec<Consent>, DbError> {
    db.query(
        "SELECT c.id, c.obtained_on, c.method, c.scope, u.display_name AS by_name, c.recorded_at, c.withdrawn_at
         FROM consents c JOIN users u ON u.id = c.recorded_by WHERE c.person_id = ?1 ORDER BY c.recorded_at DESC, c.id DESC",
        params![person_id],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(Consent {
            id: r.i64("id")?,
            obtained_on: r.string("obtained_on")?,
            method: r.string("method")?,
            scope: r.string("scope")?,
            recorded_by_name: r.string("by_name")?,
            recorded_at: r.i64("recorded_at")?,
            withdrawn_at: r.opt_i64("withdrawn_at")?,
        })
    })
    .collect()
}

// ---- care team ----

#[derive(Debug, Clone, serde::Serialize)]
pub struct Member {
    pub user_id: i64,
    pub login: String,
    pub display_name: String,
    pub profession: String,
    pub org_name: String,
    pub added_by_name: String,
    pub added_at: i64,
    pub removed_at: Option<i64>,
}

/// Current members (`history = false`) or every membership ever (`true`).
pub async fn team(db: &dyn Db, person_id: i64, history: bool) -> Result<Vec<Member>, DbError> {
    let sql = format!(
        "SELECT u.id AS user_id, u.login, u.display_name, u.profession, o.name AS org_name,
                a.display_name AS added_by_name, t.added_at, t.removed_at
         FROM care_team t JOIN users u ON u.id = t.user_id JOIN orgs o ON o.id = u.org_id
         JOIN users a ON a.id = t.added_by
         WHERE t.person_id = ?1 {} ORDER BY t.added_at, t.id",
        if history {
            ""
        } else {
            "AND t.removed_at IS NULL"
        }
    );
    db.query(&sql, params![person_id])
        .await?
        .iter()
        .map(|r| {
            Ok(Member {
                user_id: r.i64("user_id")?,
                login: r.string("login")?,
                display_name: r.string("display_name")?,
                profession: r.string("profession")?,
                org_name: r.string("org_name")?,
                added_by_name: r.string("added_by_name")?,
                added_at: r.i64("added_at")?,
                removed_at: r.opt_i64("removed_at")?,
            })
        })
        .collect()
}

/// Adds a member (professionals and municipal staff only); false when already a member
/// or not eligible. One statement, so it is safe to retry.
pub async fn add_member(
    db: &dyn Db,
    person_id: i64,
    user_id: i64,
    by: i64,
    now: i64,
) -> Result<bool, DbError> {
    let r = db
        .execute(
            "INSERT INTO care_team (person_id, user_id, added_by, added_at)
             SELECT ?1, u.id, ?3, ?4 FROM users u
             WHERE u.id = ?2 AND u.disabled = 0 AND u.role IN ('professional', 'municipal_staff')
               AND NOT EXISTS(SELECT 1 FROM care_team WHERE person_id = ?1 AND user_id = ?2 AND removed_at IS NULL)",
            params![person_id, user_id, by, now],
        )
        .await?;
    Ok(r.changes == 1)
}

/// Ends a membership now; access ends with this statement.
pub async fn remove_member(
    db: &dyn Db,
    person_id: i64,
    user_id: i64,
    by: i64,
    now: i64,
) -> Result<bool, DbError> {
    let r = db
        .execute(
            "UPDATE care_team SET removed_at = ?3, removed_by = ?4 WHERE person_id = ?1 AND user_id = ?2 AND removed_at IS NULL",
            params![person_id, user_id, now, by],
        )
        .await?;
    Ok(r.changes == 1)
}
