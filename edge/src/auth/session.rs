//! Server-side sessions (ASVS V3). The cookie carries 256 random bits; the table keeps
//! only their SHA-256, so reading the database does not let anyone take over a session.

use super::{AuthError, sha256_hex};
use crate::config::Config;
use crate::params;
use crate::store::{Db, DbExt, Stmt};

pub const COOKIE: &str = "__Host-tsunagu_session";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Password accepted; the TOTP code (or a recovery code) is still due.
    Mfa,
    /// Password accepted; the account has no TOTP yet and must enrol first.
    Enrol,
    /// Fully signed in.
    Full,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Mfa => "mfa",
            Stage::Enrol => "enrol",
            Stage::Full => "full",
        }
    }
    fn parse(s: &str) -> Option<Stage> {
        match s {
            "mfa" => Some(Stage::Mfa),
            "enrol" => Some(Stage::Enrol),
            "full" => Some(Stage::Full),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Session {
    pub id_hash: String,
    pub user_id: i64,
    pub stage: Stage,
    pub csrf_token: String,
    pub created_at: i64,
    pub last_seen_at: i64,
}

/// A new session; returns the raw id for the cookie (never stored) and the session.
pub async fn create(
    db: &dyn Db,
    user_id: i64,
    stage: Stage,
    now: i64,
    ip: &str,
    user_agent: &str,
) -> Result<(String, Session), AuthError> {
    let raw = crate::rand::token()?;
    let s = Session {
        id_hash: sha256_hex(&raw),
        user_id,
        stage,
        csrf_token: crate::rand::token()?,
        created_at: now,
        last_seen_at: now,
    };
    let ua: String = user_agent.chars().take(200).collect();
    db.batch(vec![
        // Abandoned sessions of this user (a day without a request is past every timeout
        // we allow) go when a new one starts, so the table stays bounded per account.
        Stmt::new(
            "DELETE FROM sessions WHERE user_id = ?1 AND last_seen_at < ?2",
            params![user_id, now - 86_400],
        ),
        Stmt::new(
            "INSERT INTO sessions (id_hash, user_id, stage, csrf_token, created_at, last_seen_at, ip, user_agent)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7)",
            params![s.id_hash.clone(), user_id, stage.as_str(), s.csrf_token.clone(), now, ip, ua],
        ),
    ])
    .await?;
    Ok((raw, s))
}

/// Why a presented cookie did not give a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    Valid,
    Missing,
    IdleExpired,
    AbsoluteExpired,
}

/// Finds the session for a raw cookie value and applies the idle and absolute limits;
/// an expired session is deleted. `last_seen_at` is refreshed at most once a minute, to
/// spare D1 a write on every request (idle expiry is therefore exact to ±60 s).
pub async fn lookup(
    db: &dyn Db,
    raw: &str,
    now: i64,
    cfg: &Config,
) -> Result<(Lookup, Option<Session>), AuthError> {
    if raw.len() != 64 || !raw.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok((Lookup::Missing, None));
    }
    let id_hash = sha256_hex(raw);
    let Some(row) = db
        .query_opt(
            "SELECT id_hash, user_id, stage, csrf_token, created_at, last_seen_at FROM sessions WHERE id_hash = ?1",
            params![id_hash.clone()],
        )
        .await?
    else {
        return Ok((Lookup::Missing, None));
    };
    let s = Session {
        id_hash: row.string("id_hash")?,
        user_id: row.i64("user_id")?,
        stage: Stage::parse(row.str("stage")?).unwrap_or(Stage::Mfa),
        csrf_token: row.string("csrf_token")?,
        created_at: row.i64("created_at")?,
        last_seen_at: row.i64("last_seen_at")?,
    };
    let (absolute, idle) = match s.stage {
        Stage::Full => (cfg.session_absolute_secs, cfg.session_idle_secs),
        // Half-signed-in sessions live only long enough to type a code (or scan a QR).
        Stage::Mfa | Stage::Enrol => (cfg.mfa_pending_secs, cfg.mfa_pending_secs),
    };
    let verdict = if now - s.created_at >= absolute {
        Lookup::AbsoluteExpired
    } else if now - s.last_seen_at >= idle {
        Lookup::IdleExpired
    } else {
        Lookup::Valid
    };
    if verdict != Lookup::Valid {
        delete(db, &s.id_hash).await?;
        return Ok((verdict, None));
    }
    if now - s.last_seen_at >= 60 {
        db.execute(
            "UPDATE sessions SET last_seen_at = ?2 WHERE id_hash = ?1",
            params![s.id_hash.clone(), now],
        )
        .await?;
    }
    Ok((Lookup::Valid, Some(s)))
}

pub async fn delete(db: &dyn Db, id_hash: &str) -> Result<(), AuthError> {
    db.execute("DELETE FROM sessions WHERE id_hash = ?1", params![id_hash])
        .await?;
    Ok(())
}

/// Sign out everywhere: every session of the user ends now.
pub async fn delete_all(db: &dyn Db, user_id: i64) -> Result<u64, AuthError> {
    Ok(db
        .execute("DELETE FROM sessions WHERE user_id = ?1", params![user_id])
        .await?
        .changes)
}

/// `Set-Cookie` value for a new session. `__Host-` forces Secure, Path=/ and no Domain;
/// no Max-Age: the browser forgets it on close, the server enforces the timeouts.
pub fn set_cookie(raw: &str) -> String {
    format!("{COOKIE}={raw}; Path=/; Secure; HttpOnly; SameSite=Lax")
}

pub fn clear_cookie() -> String {
    format!("{COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// The session cookie's value from a `Cookie` header.
pub fn from_cookie_header(header: &str) -> Option<&str> {
    header
        .split(';')
        .map(str::trim)
        .find_map(|kv| kv.strip_prefix(COOKIE)?.strip_prefix('='))
}
