//! SQLite implementation of [`Db`] (native only), with rusqlite's bundled SQLite.
//!
//! One connection behind a mutex: SQLite serialises writers anyway, and our queries are
//! sub-millisecond, so statements run directly on the calling task (no `spawn_blocking`
//! hop); the lock is never held across an `.await`.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{Connection, ErrorCode, params_from_iter};

use super::{BoxFut, Db, DbError, Exec, Row, Stmt, Value};

#[derive(Clone)]
pub struct SqliteDb {
    conn: Arc<Mutex<Connection>>,
    /// Run statements on tokio's blocking pool instead of the calling task (measured by
    /// `examples/bench_router.rs`; the default is direct).
    blocking_pool: bool,
}

impl SqliteDb {
    /// Opens (creating if needed) a database file.
    pub fn open(path: &Path) -> Result<Self, DbError> {
        let conn = Connection::open(path).map_err(map_err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(map_err)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(map_err)?;
        Self::init(conn)
    }

    /// A private in-memory database (tests, throwaway demos).
    pub fn memory() -> Result<Self, DbError> {
        Self::init(Connection::open_in_memory().map_err(map_err)?)
    }

    fn init(conn: Connection) -> Result<Self, DbError> {
        // D1 enforces foreign keys; so must we, or the two backends would disagree.
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(map_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(map_err)?;
        Ok(SqliteDb {
            conn: Arc::new(Mutex::new(conn)),
            blocking_pool: false,
        })
    }

    /// Statements run on `tokio::task::spawn_blocking` from now on.
    pub fn on_blocking_pool(mut self) -> Self {
        self.blocking_pool = true;
        self
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&SqliteDb) -> Result<T, DbError> + Send + 'static,
    ) -> Result<T, DbError> {
        if !self.blocking_pool {
            return f(self);
        }
        let me = self.clone();
        tokio::task::spawn_blocking(move || f(&me))
            .await
            .map_err(|e| DbError::Backend(format!("blocking task: {e}")))?
    }

    /// Runs `f` with the connection (migrations, maintenance).
    pub fn with_conn<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        let mut guard = self
            .conn
            .lock()
            .map_err(|_| DbError::Backend("connection mutex poisoned".into()))?;
        f(&mut guard)
    }

    fn query_sync(&self, sql: &str, params: Vec<Value>) -> Result<Vec<Row>, DbError> {
        self.with_conn(|conn| {
            let mut stmt = conn.prepare_cached(sql).map_err(map_err)?;
            let columns: Arc<[String]> =
                stmt.column_names().into_iter().map(str::to_owned).collect();
            let n = columns.len();
            let mut rows = stmt
                .query(params_from_iter(params.into_iter().map(to_sql)))
                .map_err(map_err)?;
            let mut out = Vec::new();
            while let Some(row) = rows.next().map_err(map_err)? {
                let mut values = Vec::with_capacity(n);
                for i in 0..n {
                    values.push(from_sql(row.get_ref(i).map_err(map_err)?));
                }
                out.push(Row::new(columns.clone(), values));
            }
            Ok(out)
        })
    }

    fn execute_sync(&self, sql: &str, params: Vec<Value>) -> Result<Exec, DbError> {
        self.with_conn(|conn| exec_on(conn, sql, params))
    }

    fn batch_sync(&self, stmts: Vec<Stmt>) -> Result<Vec<Exec>, DbError> {
        self.with_conn(|conn| {
            let tx = conn.transaction().map_err(map_err)?;
            let mut out = Vec::with_capacity(stmts.len());
            for s in stmts {
                out.push(exec_on(&tx, &s.sql, s.params)?);
            }
            tx.commit().map_err(map_err)?;
            Ok(out)
        })
    }
}

fn exec_on(conn: &Connection, sql: &str, params: Vec<Value>) -> Result<Exec, DbError> {
    let mut stmt = conn.prepare_cached(sql).map_err(map_err)?;
    // `raw_execute` semantics: statements with RETURNING still run to completion.
    let mut rows = stmt
        .query(params_from_iter(params.into_iter().map(to_sql)))
        .map_err(map_err)?;
    while rows.next().map_err(map_err)?.is_some() {}
    drop(rows);
    Ok(Exec {
        changes: conn.changes(),
        last_insert_id: conn.last_insert_rowid(),
    })
}

impl Db for SqliteDb {
    fn query<'a>(
        &'a self,
        sql: &'a str,
        params: Vec<Value>,
    ) -> BoxFut<'a, Result<Vec<Row>, DbError>> {
        let sql = sql.to_owned();
        Box::pin(async move { self.run(move |db| db.query_sync(&sql, params)).await })
    }
    fn execute<'a>(
        &'a self,
        sql: &'a str,
        params: Vec<Value>,
    ) -> BoxFut<'a, Result<Exec, DbError>> {
        let sql = sql.to_owned();
        Box::pin(async move { self.run(move |db| db.execute_sync(&sql, params)).await })
    }
    fn batch<'a>(&'a self, stmts: Vec<Stmt>) -> BoxFut<'a, Result<Vec<Exec>, DbError>> {
        Box::pin(async move { self.run(move |db| db.batch_sync(stmts)).await })
    }
}

fn to_sql(v: Value) -> SqlValue {
    match v {
        Value::Null => SqlValue::Null,
        Value::Integer(i) => SqlValue::Integer(i),
        Value::Real(f) => SqlValue::Real(f),
        Value::Text(s) => SqlValue::Text(s),
        Value::Blob(b) => SqlValue::Blob(b),
    }
}

fn from_sql(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Integer(i),
        ValueRef::Real(f) => Value::Real(f),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

pub(crate) fn map_err(e: rusqlite::Error) -> DbError {
    match &e {
        rusqlite::Error::SqliteFailure(f, msg) if f.code == ErrorCode::ConstraintViolation => {
            DbError::Constraint(msg.clone().unwrap_or_else(|| e.to_string()))
        }
        _ => DbError::Backend(e.to_string()),
    }
}
