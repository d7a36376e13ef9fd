//! Sign-in: password policy and hashing, TOTP second factor, recovery codes, sessions,
//! lock-out. Plain Rust over [`crate::store::Db`]; no runtime types.

pub mod lockout;
pub mod password;
pub mod recovery;
pub mod session;
pub mod totp;

use crate::rand::RandError;
use crate::store::DbError;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Rand(#[from] RandError),
    #[error("password hash: {0}")]
    Hash(String),
    #[error("totp: {0}")]
    Totp(String),
}

/// SHA-256 as hex: for secrets that are already random (session ids, recovery codes),
/// where a slow hash adds nothing.
pub fn sha256_hex(s: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(s.as_bytes()))
}
