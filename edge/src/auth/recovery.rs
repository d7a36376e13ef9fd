//! Recovery codes: ten single-use codes shown once at enrolment, stored as SHA-256
//! (each has 50 random bits, so a slow hash adds nothing).

use super::{AuthError, sha256_hex};
use crate::params;
use crate::store::{Db, Stmt};

pub const COUNT: usize = 10;
const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

fn normalise(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Makes new codes for a user, replacing any old ones; returns them for display once.
pub async fn regenerate(db: &dyn Db, user_id: i64) -> Result<Vec<String>, AuthError> {
    let mut codes = Vec::with_capacity(COUNT);
    let mut stmts = vec![Stmt::new(
        "DELETE FROM recovery_codes WHERE user_id = ?1",
        params![user_id],
    )];
    for _ in 0..COUNT {
        let raw = crate::rand::bytes::<10>()?;
        let s: String = raw
            .iter()
            .map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char)
            .collect();
        let shown = format!("{}-{}", &s[..5], &s[5..]);
        stmts.push(Stmt::new(
            "INSERT INTO recovery_codes (user_id, code_hash) VALUES (?1, ?2)",
            params![user_id, sha256_hex(&normalise(&shown))],
        ));
        codes.push(shown);
    }
    db.batch(stmts).await?;
    Ok(codes)
}

/// Uses up a code; true only the first time a valid code is presented (one atomic UPDATE,
/// so two concurrent uses cannot both succeed).
pub async fn redeem(db: &dyn Db, user_id: i64, code: &str, now: i64) -> Result<bool, AuthError> {
    let n = normalise(code);
    if n.len() != 10 {
        return Ok(false);
    }
    let r = db
        .execute(
            "UPDATE recovery_codes SET used_at = ?3 WHERE user_id = ?1 AND code_hash = ?2 AND used_at IS NULL",
            params![user_id, sha256_hex(&n), now],
        )
        .await?;
    Ok(r.changes == 1)
}

pub async fn remaining(db: &dyn Db, user_id: i64) -> Result<i64, AuthError> {
    let rows = db
        .query(
            "SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = ?1 AND used_at IS NULL",
            params![user_id],
        )
        .await?;
    Ok(rows.first().map(|r| r.i64("n")).transpose()?.unwrap_or(0))
}
