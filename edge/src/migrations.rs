//! The migrations, embedded so the native server is one self-contained binary. The same
//! files are what `wrangler d1 migrations apply` reads from `edge/migrations/`; a test
//! checks that this list and the directory agree.

pub const MIGRATIONS: &[(&str, &str)] =
    &[("0001_init.sql", include_str!("../migrations/0001_init.sql"))];
