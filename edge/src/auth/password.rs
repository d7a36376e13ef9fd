//! Password policy (ASVS V2.1) and argon2id hashing (ASVS V2.4).

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use super::AuthError;
use crate::config::Config;

pub const MIN_LEN: usize = 8;
/// Long enough for any passphrase, short enough that hashing stays bounded.
pub const MAX_LEN: usize = 128;

static COMMON: &str = include_str!("common-passwords.txt");

/// Why a new password was refused, in words for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("パスワードは{MIN_LEN}文字以上にしてください。")]
    TooShort,
    #[error("パスワードは{MAX_LEN}文字以内にしてください。")]
    TooLong,
    #[error("よく使われているパスワードのため使えません。推測されにくいものにしてください。")]
    Common,
    #[error("ログインIDや氏名を含むパスワードは使えません。")]
    ContainsLogin,
    #[error("新しいパスワードが確認欄と一致しません。")]
    Mismatch,
    #[error("現在のパスワードと同じものは使えません。")]
    Unchanged,
}

/// True when `password` (case-insensitively) is on the common-password list.
pub fn is_common(password: &str) -> bool {
    static LIST: OnceLock<Vec<&'static str>> = OnceLock::new();
    // The file is sorted (C locale), one lower-cased entry per line.
    let list = LIST.get_or_init(|| COMMON.lines().collect());
    list.binary_search(&password.to_lowercase().as_str())
        .is_ok()
}

/// Checks a new password. Length counts characters, not bytes (Japanese input is fine);
/// no composition rules (NIST SP 800-63B §5.1.1.2, ASVS 2.1.9).
pub fn check_policy(password: &str, login: &str) -> Result<(), PolicyError> {
    let n = password.chars().count();
    if n < MIN_LEN {
        return Err(PolicyError::TooShort);
    }
    if n > MAX_LEN {
        return Err(PolicyError::TooLong);
    }
    if is_common(password) {
        return Err(PolicyError::Common);
    }
    if !login.is_empty() && password.to_lowercase().contains(&login.to_lowercase()) {
        return Err(PolicyError::ContainsLogin);
    }
    Ok(())
}

fn hasher(cfg: &Config) -> Result<Argon2<'static>, AuthError> {
    let params = Params::new(cfg.argon2_m_kib, cfg.argon2_t, cfg.argon2_p, None)
        .map_err(|e| AuthError::Hash(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// argon2id PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`). The parameters travel
/// with the hash, so raising them later does not invalidate stored passwords.
pub fn hash(password: &str, cfg: &Config) -> Result<String, AuthError> {
    let salt_bytes = crate::rand::bytes::<16>()?;
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| AuthError::Hash(e.to_string()))?;
    Ok(hasher(cfg)?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| AuthError::Hash(e.to_string()))?
        .to_string())
}

/// Verifies against a stored PHC string; a malformed hash verifies as false.
pub fn verify(password: &str, phc: &str) -> bool {
    if password.chars().count() > MAX_LEN {
        return false;
    }
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Spends the same work as a real verification, for unknown sign-in names, so response
/// time does not reveal which accounts exist (ASVS 2.2.1 / enumeration).
pub fn verify_dummy(password: &str, cfg: &Config) {
    static DUMMY: OnceLock<Option<String>> = OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash("tsunagu-dummy-password", cfg).ok());
    if let Some(phc) = phc {
        // The outcome is irrelevant: only the time spent matters here.
        std::hint::black_box(verify(password, phc));
    }
}
