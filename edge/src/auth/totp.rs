//! TOTP (RFC 6238): HMAC-SHA1, 6 digits, 30-second steps, ±1 step of clock drift.
//! A code is accepted once: the step it matched is stored and later codes must be for a
//! later step (RFC 6238 §5.2).

use totp_rs::{Algorithm, Secret, TOTP};

use super::AuthError;

pub const DIGITS: usize = 6;
pub const STEP: u64 = 30;
/// Steps of drift accepted either side of now.
pub const SKEW: i64 = 1;

/// A new random 160-bit secret (RFC 4226 recommends 160 bits), base32 without padding.
pub fn new_secret() -> Result<String, AuthError> {
    let raw = crate::rand::bytes::<20>()?;
    match Secret::Raw(raw.to_vec()).to_encoded() {
        Secret::Encoded(s) => Ok(s),
        Secret::Raw(_) => Err(AuthError::Totp("secret encoding".into())),
    }
}

fn totp(secret_b32: &str) -> Result<TOTP, AuthError> {
    let bytes = Secret::Encoded(secret_b32.to_owned())
        .to_bytes()
        .map_err(|e| AuthError::Totp(format!("{e:?}")))?;
    Ok(TOTP::new_unchecked(Algorithm::SHA1, DIGITS, 1, STEP, bytes))
}

/// The code for Unix time `now` (tests and the demo printout use it).
pub fn code_at(secret_b32: &str, now: i64) -> Result<String, AuthError> {
    Ok(totp(secret_b32)?.generate(now.max(0) as u64))
}

/// The time step a code matches, within ±SKEW of `now`, or `None`. Reuse is checked by the
/// caller against the last accepted step.
pub fn matching_step(secret_b32: &str, code: &str, now: i64) -> Result<Option<i64>, AuthError> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    let t = totp(secret_b32)?;
    let step_now = now.max(0) / STEP as i64;
    for d in -SKEW..=SKEW {
        let step = step_now + d;
        if step < 0 {
            continue;
        }
        let expected = t.generate((step as u64) * STEP);
        if constant_time_eq(expected.as_bytes(), code.as_bytes()) {
            return Ok(Some(step));
        }
    }
    Ok(None)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `otpauth://` URI for authenticator apps (Key Uri Format).
pub fn otpauth_uri(secret_b32: &str, issuer: &str, account: &str) -> String {
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP}",
        pct(issuer),
        pct(account),
        secret_b32,
        pct(issuer)
    )
}

fn pct(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The URI as an SVG QR code (no script, no inline style: fits the CSP).
pub fn qr_svg(uri: &str) -> Result<String, AuthError> {
    let code = qrcode::QrCode::new(uri.as_bytes()).map_err(|e| AuthError::Totp(e.to_string()))?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_vector_sha1() {
        // RFC 6238 Appendix B, SHA1 secret "12345678901234567890", T=59 → 94287082 (8 digits);
        // the 6-digit code is its last six digits.
        let secret = match Secret::Raw(b"12345678901234567890".to_vec()).to_encoded() {
            Secret::Encoded(s) => s,
            Secret::Raw(_) => unreachable!(),
        };
        assert_eq!(code_at(&secret, 59).unwrap(), "287082");
        assert_eq!(code_at(&secret, 1111111109).unwrap(), "081804");
    }

    #[test]
    fn accepts_one_step_of_drift_only() {
        let s = new_secret().unwrap();
        let now = 1_800_000_000;
        let prev = code_at(&s, now - 30).unwrap();
        assert_eq!(matching_step(&s, &prev, now).unwrap(), Some(now / 30 - 1));
        let old = code_at(&s, now - 90).unwrap();
        // A code two or more steps old must not match (unless codes collide by chance).
        if old != prev && old != code_at(&s, now).unwrap() && old != code_at(&s, now + 30).unwrap()
        {
            assert_eq!(matching_step(&s, &old, now).unwrap(), None);
        }
    }
}
