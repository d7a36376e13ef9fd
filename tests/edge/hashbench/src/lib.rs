//! `GET /?m=KiB&t=iterations&p=lanes&n=repeats` hashes a password n times with argon2id
//! and answers `ms_per_hash=…` measured with `Date.now()` around the loop. In local
//! workerd the clock advances during execution (in production Workers it does not), so
//! this is the CPU time of the hash; the bench also times the request from outside.

use argon2::password_hash::SaltString;
use argon2::{Algorithm, Argon2, Params, PasswordHasher, Version};
use worker::{Context, Env, HttpRequest, event, js_sys};

fn param(query: &str, key: &str, default: u32) -> u32 {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == key)
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(default)
}

#[event(fetch)]
async fn fetch(req: HttpRequest, _env: Env, _ctx: Context) -> worker::Result<http::Response<String>> {
    let q = req.uri().query().unwrap_or("");
    let (m, t, p, n) = (param(q, "m", 19 * 1024), param(q, "t", 2), param(q, "p", 1), param(q, "n", 1).max(1));
    let params = Params::new(m, t, p, None).map_err(|e| worker::Error::RustError(e.to_string()))?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let salt = SaltString::encode_b64(b"tsunagu-bench-16").map_err(|e| worker::Error::RustError(e.to_string()))?;
    let start = js_sys::Date::now();
    let mut len = 0;
    for _ in 0..n {
        let hash = argon.hash_password(b"correct horse battery staple", &salt).map_err(|e| worker::Error::RustError(e.to_string()))?;
        len += hash.to_string().len();
    }
    let ms = (js_sys::Date::now() - start) / f64::from(n);
    Ok(http::Response::new(format!("m={m} t={t} p={p} n={n} ms_per_hash={ms:.1} ({len} bytes of hashes)\n")))
}
