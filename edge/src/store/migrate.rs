//! Applies `edge/migrations/*.sql` to a SQLite database the way `wrangler d1 migrations
//! apply` does to D1: files in name order, each once, recorded in the same `d1_migrations`
//! table (same name and shape), so a database moved between the two agrees on its state.

use super::DbError;
use super::sqlite::{SqliteDb, map_err};
use crate::migrations::MIGRATIONS;

/// wrangler's bookkeeping table, verbatim in shape.
const D1_MIGRATIONS: &str = "CREATE TABLE IF NOT EXISTS d1_migrations(
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT UNIQUE,
    applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
)";

/// Applies every migration not yet recorded; returns the names applied now.
pub fn migrate(db: &SqliteDb) -> Result<Vec<&'static str>, DbError> {
    db.with_conn(|conn| {
        conn.execute_batch(D1_MIGRATIONS).map_err(map_err)?;
        let mut applied = Vec::new();
        for (name, sql) in MIGRATIONS {
            let done: bool = conn
                .query_row(
                    "SELECT EXISTS(SELECT 1 FROM d1_migrations WHERE name = ?1)",
                    [name],
                    |r| r.get(0),
                )
                .map_err(map_err)?;
            if done {
                continue;
            }
            let tx = conn.transaction().map_err(map_err)?;
            tx.execute_batch(sql)
                .map_err(|e| DbError::Backend(format!("migration {name}: {e}")))?;
            tx.execute("INSERT INTO d1_migrations (name) VALUES (?1)", [name])
                .map_err(map_err)?;
            tx.commit().map_err(map_err)?;
            applied.push(*name);
        }
        Ok(applied)
    })
}
