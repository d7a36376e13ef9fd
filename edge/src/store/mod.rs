//! The storage interface: a small SQL-level trait, so every query is written once, in
//! SQLite's dialect, and both backends (SQLite natively, D1 on Workers) run the same SQL
//! and the same migrations (`edge/migrations/*.sql`).
//!
//! Contract for implementations:
//! - Parameters are positional (`?1`, `?2`, … or `?`), bound from `params` in order.
//! - `query` returns every row, with column names as the SQL names them (`AS` aliases).
//! - `execute` runs one statement and reports rows changed and the last inserted rowid.
//! - `batch` runs all statements in ONE transaction: all or nothing (D1 `batch()`).
//! - No interactive transactions: a read-then-write that must be atomic is written as one
//!   statement (`INSERT … SELECT … WHERE`, `UPDATE … WHERE` with a guard) or one batch.
//! - Integers stay within ±2^53 (ids and Unix seconds), so D1's JS numbers are exact;
//!   implementations may hand back integral `Real`s for integer columns — the typed getters
//!   of [`Row`] accept both.

#[cfg(not(target_arch = "wasm32"))]
pub mod migrate;
#[cfg(not(target_arch = "wasm32"))]
pub mod sqlite;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A boxed future that can cross axum's `Send` bound. On Workers the D1 implementation
/// wraps its `!Send` futures in `worker::send::SendFuture` (sound: isolates are
/// single-threaded).
pub type BoxFut<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One SQL value, as SQLite and D1 both know them.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Integer(v)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Integer(v.into())
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Value::Integer(v.into())
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Integer(v.into())
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Real(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::Blob(v)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// Builds a `Vec<Value>` from mixed arguments: `params![id, "text", None::<i64>]`.
#[macro_export]
macro_rules! params {
    () => { ::std::vec::Vec::<$crate::store::Value>::new() };
    ($($v:expr),+ $(,)?) => { ::std::vec![$($crate::store::Value::from($v)),+] };
}

/// One result row: column names (shared by all rows of a result) and values.
#[derive(Debug, Clone)]
pub struct Row {
    columns: Arc<[String]>,
    values: Vec<Value>,
}

impl Row {
    /// `columns` and `values` must have the same length, in the same order.
    pub fn new(columns: Arc<[String]>, values: Vec<Value>) -> Self {
        debug_assert_eq!(columns.len(), values.len());
        Row { columns, values }
    }

    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// The raw value of a column; `DbError::Column` when the query has no such column.
    pub fn value(&self, column: &str) -> Result<&Value, DbError> {
        self.columns
            .iter()
            .position(|c| c == column)
            .map(|i| &self.values[i])
            .ok_or_else(|| DbError::Column {
                column: column.to_owned(),
                reason: "no such column",
            })
    }

    pub fn opt_i64(&self, column: &str) -> Result<Option<i64>, DbError> {
        match self.value(column)? {
            Value::Null => Ok(None),
            Value::Integer(i) => Ok(Some(*i)),
            // D1 hands numbers back as JS doubles.
            Value::Real(f) if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 => {
                Ok(Some(*f as i64))
            }
            _ => Err(DbError::Column {
                column: column.to_owned(),
                reason: "not an integer",
            }),
        }
    }

    pub fn i64(&self, column: &str) -> Result<i64, DbError> {
        self.opt_i64(column)?.ok_or_else(|| DbError::Column {
            column: column.to_owned(),
            reason: "null",
        })
    }

    pub fn bool(&self, column: &str) -> Result<bool, DbError> {
        Ok(self.i64(column)? != 0)
    }

    pub fn opt_f64(&self, column: &str) -> Result<Option<f64>, DbError> {
        match self.value(column)? {
            Value::Null => Ok(None),
            Value::Integer(i) => Ok(Some(*i as f64)),
            Value::Real(f) => Ok(Some(*f)),
            _ => Err(DbError::Column {
                column: column.to_owned(),
                reason: "not a number",
            }),
        }
    }

    pub fn f64(&self, column: &str) -> Result<f64, DbError> {
        self.opt_f64(column)?.ok_or_else(|| DbError::Column {
            column: column.to_owned(),
            reason: "null",
        })
    }

    pub fn opt_str(&self, column: &str) -> Result<Option<&str>, DbError> {
        match self.value(column)? {
            Value::Null => Ok(None),
            Value::Text(s) => Ok(Some(s)),
            _ => Err(DbError::Column {
                column: column.to_owned(),
                reason: "not text",
            }),
        }
    }

    pub fn str(&self, column: &str) -> Result<&str, DbError> {
        self.opt_str(column)?.ok_or_else(|| DbError::Column {
            column: column.to_owned(),
            reason: "null",
        })
    }

    pub fn string(&self, column: &str) -> Result<String, DbError> {
        self.str(column).map(str::to_owned)
    }

    pub fn opt_string(&self, column: &str) -> Result<Option<String>, DbError> {
        Ok(self.opt_str(column)?.map(str::to_owned))
    }

    pub fn opt_blob(&self, column: &str) -> Result<Option<&[u8]>, DbError> {
        match self.value(column)? {
            Value::Null => Ok(None),
            Value::Blob(b) => Ok(Some(b)),
            _ => Err(DbError::Column {
                column: column.to_owned(),
                reason: "not a blob",
            }),
        }
    }
}

/// Rows changed by one statement, and the rowid of the last insert (0 when none).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Exec {
    pub changes: u64,
    pub last_insert_id: i64,
}

/// One statement of a batch.
#[derive(Debug, Clone)]
pub struct Stmt {
    pub sql: String,
    pub params: Vec<Value>,
}

impl Stmt {
    pub fn new(sql: impl Into<String>, params: Vec<Value>) -> Self {
        Stmt {
            sql: sql.into(),
            params,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A constraint (UNIQUE, CHECK, FOREIGN KEY, or a trigger's RAISE) refused the change.
    /// The message is the database's own.
    #[error("constraint: {0}")]
    Constraint(String),
    /// The row did not have the column or type the caller expected (a bug in our SQL).
    #[error("column {column}: {reason}")]
    Column {
        column: String,
        reason: &'static str,
    },
    /// Anything else the backend reported (I/O, SQL syntax, D1 limits …).
    #[error("database: {0}")]
    Backend(String),
}

impl DbError {
    /// True for constraint failures, so callers can turn "already exists" into a 409.
    pub fn is_constraint(&self) -> bool {
        matches!(self, DbError::Constraint(_))
    }
}

/// The SQL-level storage interface. Implemented by [`sqlite::SqliteDb`] natively and by
/// the D1 adapter on Workers (`crate::d1`).
pub trait Db: Send + Sync + 'static {
    fn query<'a>(
        &'a self,
        sql: &'a str,
        params: Vec<Value>,
    ) -> BoxFut<'a, Result<Vec<Row>, DbError>>;
    fn execute<'a>(&'a self, sql: &'a str, params: Vec<Value>)
    -> BoxFut<'a, Result<Exec, DbError>>;
    /// All statements in one transaction; one `Exec` per statement, in order.
    fn batch<'a>(&'a self, stmts: Vec<Stmt>) -> BoxFut<'a, Result<Vec<Exec>, DbError>>;
}

/// Convenience methods on any `Db`.
pub trait DbExt: Db {
    /// At most one row (the first).
    fn query_opt<'a>(
        &'a self,
        sql: &'a str,
        params: Vec<Value>,
    ) -> BoxFut<'a, Result<Option<Row>, DbError>> {
        Box::pin(async move { Ok(self.query(sql, params).await?.into_iter().next()) })
    }
}
impl<T: Db + ?Sized> DbExt for T {}

/// Shared handle used in application state.
pub type SharedDb = Arc<dyn Db>;
