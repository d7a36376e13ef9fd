//! Lock-out and rate limits on sign-in (ASVS 2.2.1), built so nobody can lock an account
//! for long:
//! - per (account, client address): after `lockout_threshold` failures, each further
//!   attempt waits `base · 2^(n - threshold)` seconds after the last failure, capped at
//!   `lockout_max_secs`. An attacker's failures from their address do not block the
//!   owner signing in from another address.
//! - per account from all addresses: the same back-off past `lockout_account_threshold`
//!   (a distributed guess attack), with the same cap, so at worst the owner waits 15 min.
//! - per client address: more than `ip_max_attempts` failures in `ip_window_secs` → wait.
//! - failures older than `lockout_window_secs` are forgotten; success clears the pair.

use crate::config::Config;
use crate::params;
use crate::store::{Db, DbError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    Open,
    /// Wait this many seconds.
    Locked(i64),
    /// Too many attempts from this address; wait this many seconds.
    RateLimited(i64),
}

fn backoff(failures: i64, threshold: i64, last: i64, now: i64, cfg: &Config) -> i64 {
    if failures < threshold {
        return 0;
    }
    let exp = (failures - threshold).min(20) as u32;
    let wait = cfg
        .lockout_base_secs
        .saturating_mul(1i64 << exp)
        .min(cfg.lockout_max_secs);
    (last + wait - now).max(0)
}

/// May `login` try a password from `ip` now?
pub async fn gate(
    db: &dyn Db,
    login: &str,
    ip: &str,
    now: i64,
    cfg: &Config,
) -> Result<Gate, DbError> {
    let since = now - cfg.lockout_window_secs;
    let rows = db
        .query(
            "SELECT
               COUNT(*) AS n_account,
               COALESCE(MAX(at), 0) AS last_account,
               COALESCE(SUM(ip = ?2), 0) AS n_pair,
               COALESCE(MAX(CASE WHEN ip = ?2 THEN at END), 0) AS last_pair
             FROM auth_failures WHERE login = ?1 AND at > ?3",
            params![login, ip, since],
        )
        .await?;
    let r = &rows[0];
    let pair_wait = backoff(
        r.i64("n_pair")?,
        cfg.lockout_threshold,
        r.i64("last_pair")?,
        now,
        cfg,
    );
    let account_wait = backoff(
        r.i64("n_account")?,
        cfg.lockout_account_threshold,
        r.i64("last_account")?,
        now,
        cfg,
    );
    let ip_rows = db
        .query(
            "SELECT COUNT(*) AS n, COALESCE(MIN(at), 0) AS first FROM auth_failures WHERE ip = ?1 AND at > ?2",
            params![ip, now - cfg.ip_window_secs],
        )
        .await?;
    let n_ip = ip_rows[0].i64("n")?;
    if n_ip >= cfg.ip_max_attempts {
        let wait = (ip_rows[0].i64("first")? + cfg.ip_window_secs - now).max(1);
        return Ok(Gate::RateLimited(wait));
    }
    let wait = pair_wait.max(account_wait);
    Ok(if wait > 0 {
        Gate::Locked(wait)
    } else {
        Gate::Open
    })
}

/// Records a failed attempt, and forgets failures older than a day.
pub async fn record_failure(db: &dyn Db, login: &str, ip: &str, now: i64) -> Result<(), DbError> {
    db.execute(
        "INSERT INTO auth_failures (login, ip, at) VALUES (?1, ?2, ?3)",
        params![login, ip, now],
    )
    .await?;
    db.execute(
        "DELETE FROM auth_failures WHERE at < ?1",
        params![now - 86_400],
    )
    .await?;
    Ok(())
}

/// After a successful sign-in: the failures of this account from this address are gone.
pub async fn clear(db: &dyn Db, login: &str, ip: &str) -> Result<(), DbError> {
    db.execute(
        "DELETE FROM auth_failures WHERE login = ?1 AND ip = ?2",
        params![login, ip],
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let cfg = Config::default();
        assert_eq!(backoff(4, 5, 100, 100, &cfg), 0);
        assert_eq!(backoff(5, 5, 100, 100, &cfg), 30);
        assert_eq!(backoff(6, 5, 100, 100, &cfg), 60);
        assert_eq!(backoff(50, 5, 100, 100, &cfg), cfg.lockout_max_secs);
        assert_eq!(backoff(50, 5, 100, 100 + cfg.lockout_max_secs, &cfg), 0);
    }
}
