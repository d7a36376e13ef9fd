//! Randomness from the OS (natively) or `crypto.getRandomValues` (Workers, getrandom's
//! `js` feature).

#[derive(Debug, thiserror::Error)]
#[error("no randomness available: {0}")]
pub struct RandError(String);

pub fn bytes<const N: usize>() -> Result<[u8; N], RandError> {
    let mut buf = [0u8; N];
    getrandom::getrandom(&mut buf).map_err(|e| RandError(e.to_string()))?;
    Ok(buf)
}

/// 256 random bits as 64 hex characters (session ids, CSRF tokens, blob keys).
pub fn token() -> Result<String, RandError> {
    Ok(hex::encode(bytes::<32>()?))
}
