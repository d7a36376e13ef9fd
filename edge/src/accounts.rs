//! Organisations and user accounts: roles (what a user may do) and 職種 (what they are).

use crate::auth::{AuthError, password};
use crate::config::Config;
use crate::params;
use crate::store::{Db, DbError, DbExt, Row};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Accounts, organisations, audit. Never health data.
    SystemAdmin,
    /// 行政: registers people, manages consent and care teams, reads the audit log.
    MunicipalStaff,
    /// 医師, 看護師, ケアマネジャー …: the people whose care team they are on.
    Professional,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::SystemAdmin, Role::MunicipalStaff, Role::Professional];
    pub fn as_str(self) -> &'static str {
        match self {
            Role::SystemAdmin => "system_admin",
            Role::MunicipalStaff => "municipal_staff",
            Role::Professional => "professional",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            Role::SystemAdmin => "システム管理者",
            Role::MunicipalStaff => "行政職員",
            Role::Professional => "専門職",
        }
    }
}

/// 職種: (code, label). Codes are stored; labels shown.
pub const PROFESSIONS: &[(&str, &str)] = &[
    ("doctor", "医師"),
    ("dentist", "歯科医師"),
    ("pharmacist", "薬剤師"),
    ("nurse", "看護師"),
    ("therapist", "リハビリ職"),
    ("care_manager", "ケアマネジャー"),
    ("care_worker", "介護職"),
    ("houkatsu", "包括センター職員"),
    ("municipal", "行政職員"),
    ("it_admin", "システム管理担当"),
];

pub fn profession_label(code: &str) -> &str {
    PROFESSIONS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, l)| l)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgKind {
    /// 事業所 (clinic, care office, pharmacy …)
    Office,
    /// 行政 (the municipality, 地域包括支援センター run by it)
    Municipality,
    /// The team operating the system.
    Operator,
}

impl OrgKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Office => "office",
            OrgKind::Municipality => "municipality",
            OrgKind::Operator => "operator",
        }
    }
    pub fn label_of(s: &str) -> &'static str {
        match s {
            "office" => "事業所",
            "municipality" => "行政",
            _ => "運用",
        }
    }
}

#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub org_id: i64,
    pub org_name: String,
    pub role: Role,
    pub profession: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub totp_secret: Option<String>,
    pub totp_enabled: bool,
    pub totp_last_step: i64,
    pub disabled: bool,
}

const USER_COLS: &str = "u.id, u.login, u.display_name, u.org_id, o.name AS org_name, u.role, u.profession,
    u.password_hash, u.must_change_password, u.totp_secret, u.totp_enabled, u.totp_last_step, u.disabled";

fn user_from(r: &Row) -> Result<User, DbError> {
    Ok(User {
        id: r.i64("id")?,
        login: r.string("login")?,
        display_name: r.string("display_name")?,
        org_id: r.i64("org_id")?,
        org_name: r.string("org_name")?,
        role: Role::parse(r.str("role")?).ok_or(DbError::Column {
            column: "role".into(),
            reason: "unknown role",
        })?,
        profession: r.string("profession")?,
        password_hash: r.string("password_hash")?,
        must_change_password: r.bool("must_change_password")?,
        totp_secret: r.opt_string("totp_secret")?,
        totp_enabled: r.bool("totp_enabled")?,
        totp_last_step: r.i64("totp_last_step")?,
        disabled: r.bool("disabled")?,
    })
}

pub async fn by_login(db: &dyn Db, login: &str) -> Result<Option<User>, DbError> {
    let sql = format!(
        "SELECT {USER_COLS} FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.login = ?1"
    );
    db.query_opt(&sql, params![login])
        .await?
        .map(|r| user_from(&r))
        .transpose()
}

pub async fn by_id(db: &dyn Db, id: i64) -> Result<Option<User>, DbError> {
    let sql =
        format!("SELECT {USER_COLS} FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.id = ?1");
    db.query_opt(&sql, params![id])
        .await?
        .map(|r| user_from(&r))
        .transpose()
}

pub async fn list(db: &dyn Db) -> Result<Vec<User>, DbError> {
    let sql = format!(
        "SELECT {USER_COLS} FROM users u JOIN orgs o ON o.id = u.org_id ORDER BY o.name, u.display_name"
    );
    db.query(&sql, params![])
        .await?
        .iter()
        .map(user_from)
        .collect()
}

#[derive(Debug, Clone)]
pub struct Org {
    pub id: i64,
    pub name: String,
    pub kind: String,
}

pub async fn orgs(db: &dyn Db) -> Result<Vec<Org>, DbError> {
    db.query(
        "SELECT id, name, kind FROM orgs ORDER BY kind, name",
        params![],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(Org {
            id: r.i64("id")?,
            name: r.string("name")?,
            kind: r.string("kind")?,
        })
    })
    .collect()
}

pub async fn create_org(db: &dyn Db, name: &str, kind: OrgKind, now: i64) -> Result<i64, DbError> {
    Ok(db
        .execute(
            "INSERT INTO orgs (name, kind, created_at) VALUES (?1, ?2, ?3)",
            params![name, kind.as_str(), now],
        )
        .await?
        .last_insert_id)
}

/// What an admin fills in to invite someone.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub login: String,
    pub display_name: String,
    pub org_id: i64,
    pub role: Role,
    pub profession: String,
}

#[derive(Debug, thiserror::Error)]
pub enum InviteError {
    #[error("{field}: {reason}")]
    Invalid {
        field: &'static str,
        reason: &'static str,
    },
    #[error("そのログインIDは既に使われています。")]
    Taken,
    #[error(transparent)]
    Auth(#[from] AuthError),
}

impl From<DbError> for InviteError {
    fn from(e: DbError) -> Self {
        InviteError::Auth(AuthError::Db(e))
    }
}

/// A random initial password: 12 characters from an alphabet without look-alikes.
pub fn initial_password() -> Result<String, AuthError> {
    const A: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    Ok(crate::rand::bytes::<12>()?
        .iter()
        .map(|b| A[(*b as usize) % A.len()] as char)
        .collect())
}

/// Creates an account with `password` as its initial password, to be changed at first
/// sign-in; the TOTP enrolment follows at first sign-in too.
pub async fn invite(
    db: &dyn Db,
    u: &NewUser,
    password: &str,
    now: i64,
    cfg: &Config,
) -> Result<i64, InviteError> {
    let login = u.login.trim();
    if login.len() < 3
        || login.len() > 40
        || !login
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
    {
        return Err(InviteError::Invalid {
            field: "ログインID",
            reason: "半角英数字と . _ - で3〜40文字にしてください。",
        });
    }
    if u.display_name.trim().is_empty() || u.display_name.chars().count() > 60 {
        return Err(InviteError::Invalid {
            field: "氏名",
            reason: "1〜60文字で入力してください。",
        });
    }
    if !PROFESSIONS.iter().any(|(c, _)| *c == u.profession) {
        return Err(InviteError::Invalid {
            field: "職種",
            reason: "一覧から選んでください。",
        });
    }
    let hash = password::hash(password, cfg)?;
    match db
        .execute(
            "INSERT INTO users (login, display_name, org_id, role, profession, password_hash, must_change_password,
                                created_at, password_changed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?7)",
            params![login, u.display_name.trim(), u.org_id, u.role.as_str(), u.profession.clone(), hash, now],
        )
        .await
    {
        Ok(r) => Ok(r.last_insert_id),
        Err(e) if e.is_constraint() => Err(InviteError::Taken),
        Err(e) => Err(e.into()),
    }
}

pub async fn set_password(
    db: &dyn Db,
    user_id: i64,
    new_hash: &str,
    now: i64,
) -> Result<(), DbError> {
    db.execute(
        "UPDATE users SET password_hash = ?2, must_change_password = 0, password_changed_at = ?3 WHERE id = ?1",
        params![user_id, new_hash, now],
    )
    .await?;
    Ok(())
}

/// Stores a pending TOTP secret (not yet enabled) during enrolment.
pub async fn set_pending_totp(db: &dyn Db, user_id: i64, secret: &str) -> Result<(), DbError> {
    db.execute(
        "UPDATE users SET totp_secret = ?2 WHERE id = ?1 AND totp_enabled = 0",
        params![user_id, secret],
    )
    .await?;
    Ok(())
}

/// Accepts the TOTP step once: true only if `step` is later than the last accepted one
/// (one atomic UPDATE), which also enables TOTP on first use.
pub async fn accept_totp_step(db: &dyn Db, user_id: i64, step: i64) -> Result<bool, DbError> {
    let r = db
        .execute(
            "UPDATE users SET totp_last_step = ?2, totp_enabled = 1 WHERE id = ?1 AND totp_last_step < ?2",
            params![user_id, step],
        )
        .await?;
    Ok(r.changes == 1)
}

/// Members that may be put on a care team (not admins, not disabled).
pub async fn team_candidates(db: &dyn Db) -> Result<Vec<User>, DbError> {
    let sql = format!(
        "SELECT {USER_COLS} FROM users u JOIN orgs o ON o.id = u.org_id
         WHERE u.role IN ('professional', 'municipal_staff') AND u.disabled = 0 ORDER BY u.display_name"
    );
    db.query(&sql, params![])
        .await?
        .iter()
        .map(user_from)
        .collect()
}

/// Suspends or resumes an account. A suspended account cannot sign in, and its sessions
/// are ended in the same batch.
pub async fn set_disabled(db: &dyn Db, user_id: i64, disabled: bool) -> Result<bool, DbError> {
    let r = db
        .batch(vec![
            crate::store::Stmt::new(
                "UPDATE users SET disabled = ?2 WHERE id = ?1",
                params![user_id, disabled],
            ),
            crate::store::Stmt::new(
                "DELETE FROM sessions WHERE user_id = ?1 AND ?2",
                params![user_id, disabled],
            ),
        ])
        .await?;
    Ok(r[0].changes == 1)
}

/// The statements that create the first system administrator of a new (production)
/// database, with a random initial password that must be changed at first sign-in (TOTP
/// enrolment follows). Returned as SQL text with the values inlined, so the same output
/// can be run natively or with `wrangler d1 execute DB --file`.
pub fn first_admin_sql(
    login: &str,
    display_name: &str,
    org_name: &str,
    now: i64,
    cfg: &Config,
) -> Result<(String, String), AuthError> {
    let pw = initial_password()?;
    let hash = password::hash(&pw, cfg)?;
    let q = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let sql = format!(
        "INSERT INTO orgs (name, kind, created_at) VALUES ({org}, 'operator', {now});\n\
         INSERT INTO users (login, display_name, org_id, role, profession, password_hash, must_change_password, created_at, password_changed_at)\n\
         SELECT {login}, {name}, id, 'system_admin', 'it_admin', {hash}, 1, {now}, {now} FROM orgs WHERE name = {org};\n",
        org = q(org_name),
        login = q(login),
        name = q(display_name),
        hash = q(&hash),
    );
    Ok((sql, pw))
}
