//! Security and deployment settings. Every default is explained in docs/workspace.md.

#[derive(Debug, Clone)]
pub struct Config {
    /// argon2id memory in KiB, iterations, lanes (OWASP 2023: m=19 MiB, t=2, p=1).
    pub argon2_m_kib: u32,
    pub argon2_t: u32,
    pub argon2_p: u32,
    /// A signed-in session ends after this many seconds without a request…
    pub session_idle_secs: i64,
    /// …and in any case this long after sign-in.
    pub session_absolute_secs: i64,
    /// Time allowed between password and second factor.
    pub mfa_pending_secs: i64,
    /// Failures per (account, client) before back-off starts.
    pub lockout_threshold: i64,
    /// Failures per account from all clients before the account-wide back-off starts.
    pub lockout_account_threshold: i64,
    /// First back-off; doubles with each further failure, up to `lockout_max_secs`.
    pub lockout_base_secs: i64,
    pub lockout_max_secs: i64,
    /// Failures older than this are forgotten.
    pub lockout_window_secs: i64,
    /// Sign-in attempts per client address within `ip_window_secs` before 429.
    pub ip_max_attempts: i64,
    pub ip_window_secs: i64,
    /// Header holding the client address (`cf-connecting-ip` on Workers, a proxy's
    /// header natively); when unset, the TCP peer address is used.
    pub client_ip_header: Option<String>,
    /// The public origin (`https://host`). State-changing requests must come from it.
    /// When `None`, the request's own `Host` is taken as the origin.
    pub origin: Option<String>,
    /// Largest attachment accepted, in bytes.
    pub max_attachment_bytes: usize,
    /// Posts per timeline page.
    pub page_size: i64,
    /// Issuer shown in authenticator apps.
    pub totp_issuer: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            argon2_m_kib: 19 * 1024,
            argon2_t: 2,
            argon2_p: 1,
            session_idle_secs: 30 * 60,
            session_absolute_secs: 12 * 60 * 60,
            mfa_pending_secs: 5 * 60,
            lockout_threshold: 5,
            lockout_account_threshold: 50,
            lockout_base_secs: 30,
            lockout_max_secs: 15 * 60,
            lockout_window_secs: 60 * 60,
            ip_max_attempts: 30,
            ip_window_secs: 10 * 60,
            client_ip_header: None,
            origin: None,
            max_attachment_bytes: 5 * 1024 * 1024,
            page_size: 20,
            totp_issuer: "tsunagu".into(),
        }
    }
}
