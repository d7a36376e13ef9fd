//! D1 implementation of [`Db`] (Workers only).
//!
//! D1's futures hold JS promises and are `!Send`; axum's handlers must be `Send`. Each
//! future is wrapped in `worker::send::SendFuture` and the database handle in
//! `SendWrapper`. That is sound because a Worker isolate runs one thread: nothing here can
//! ever be touched from a second one.
//!
//! The adapter speaks D1's JS API directly (through `worker_sys` and `Reflect`) rather
//! than the `worker` crate's typed wrappers, for two things those do not offer:
//! `raw({ columnNames: true })`, which gives rows as arrays in column order with the names
//! once (the shape [`Row`] wants, without trusting JS object key order), and the raw JS
//! error, whose message is the only place D1 says "SQLITE_CONSTRAINT".

use std::sync::Arc;

use worker::js_sys::{self, Array, ArrayBuffer, Function, Object, Promise, Reflect, Uint8Array};
use worker::send::{SendFuture, SendWrapper};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::worker_sys::{D1Database as D1DatabaseSys, D1PreparedStatement as D1StatementSys};

use crate::store::{BoxFut, Db, DbError, Exec, Row, Stmt, Value};

/// Largest integer a JS number holds exactly; D1 has no BigInt binding.
const MAX_SAFE: i64 = (1 << 53) - 1;

/// The `DB` binding as a [`Db`].
pub struct D1Db {
    db: SendWrapper<D1DatabaseSys>,
}

impl D1Db {
    pub fn new(db: worker::D1Database) -> Self {
        let sys: D1DatabaseSys = JsValue::from(db).unchecked_into();
        D1Db {
            db: SendWrapper::new(sys),
        }
    }

    fn prepare(&self, sql: &str, params: &[Value]) -> Result<D1StatementSys, DbError> {
        let stmt = self.db.prepare(sql).map_err(js_err)?;
        if params.is_empty() {
            return Ok(stmt);
        }
        let args = params
            .iter()
            .map(to_js)
            .collect::<Result<Array, DbError>>()?;
        stmt.bind(args).map_err(js_err)
    }
}

impl Db for D1Db {
    fn query<'a>(
        &'a self,
        sql: &'a str,
        params: Vec<Value>,
    ) -> BoxFut<'a, Result<Vec<Row>, DbError>> {
        Box::pin(SendFuture::new(async move {
            let stmt = self.prepare(sql, &params)?;
            // stmt.raw({ columnNames: true }) → [[names…], [row…], …]
            let raw: Function = Reflect::get(&stmt, &"raw".into())
                .map_err(js_err)?
                .unchecked_into();
            let opts = Object::new();
            Reflect::set(&opts, &"columnNames".into(), &JsValue::TRUE).map_err(js_err)?;
            let promise: Promise = raw.call1(&stmt, &opts).map_err(js_err)?.unchecked_into();
            let out: Array = JsFuture::from(promise)
                .await
                .map_err(js_err)?
                .unchecked_into();
            let mut rows_js = out.iter();
            let Some(names) = rows_js.next() else {
                return Ok(Vec::new());
            };
            let columns: Arc<[String]> = Array::from(&names)
                .iter()
                .map(|n| n.as_string().unwrap_or_default())
                .collect::<Vec<_>>()
                .into();
            rows_js
                .map(|r| {
                    let values = Array::from(&r)
                        .iter()
                        .map(|v| from_js(&v))
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok(Row::new(columns.clone(), values))
                })
                .collect()
        }))
    }

    fn execute<'a>(
        &'a self,
        sql: &'a str,
        params: Vec<Value>,
    ) -> BoxFut<'a, Result<Exec, DbError>> {
        Box::pin(SendFuture::new(async move {
            let stmt = self.prepare(sql, &params)?;
            let result = JsFuture::from(stmt.run().map_err(js_err)?)
                .await
                .map_err(js_err)?;
            exec_of(&result)
        }))
    }

    /// D1's `batch()` runs the statements as one SQL transaction: if any fails, none
    /// takes effect, which is exactly the trait's contract.
    fn batch<'a>(&'a self, stmts: Vec<Stmt>) -> BoxFut<'a, Result<Vec<Exec>, DbError>> {
        Box::pin(SendFuture::new(async move {
            if stmts.is_empty() {
                return Ok(Vec::new());
            }
            let prepared = stmts
                .iter()
                .map(|s| self.prepare(&s.sql, &s.params).map(JsValue::from))
                .collect::<Result<Array, DbError>>()?;
            let results: Array = JsFuture::from(self.db.batch(prepared).map_err(js_err)?)
                .await
                .map_err(js_err)?
                .unchecked_into();
            results.iter().map(|r| exec_of(&r)).collect()
        }))
    }
}

/// `changes` and `last_row_id` from a D1 result's `meta`.
fn exec_of(result: &JsValue) -> Result<Exec, DbError> {
    let meta = Reflect::get(result, &"meta".into()).map_err(js_err)?;
    let num = |key: &str| -> Result<f64, DbError> {
        Ok(Reflect::get(&meta, &key.into())
            .map_err(js_err)?
            .as_f64()
            .unwrap_or(0.0))
    };
    Ok(Exec {
        changes: num("changes")? as u64,
        last_insert_id: num("last_row_id")? as i64,
    })
}

fn to_js(v: &Value) -> Result<JsValue, DbError> {
    Ok(match v {
        Value::Null => JsValue::NULL,
        Value::Integer(i) if i.abs() <= MAX_SAFE => JsValue::from_f64(*i as f64),
        Value::Integer(i) => {
            return Err(DbError::Backend(format!(
                "integer {i} is outside the ±2^53 range D1 can bind"
            )));
        }
        Value::Real(f) => JsValue::from_f64(*f),
        Value::Text(s) => JsValue::from_str(s),
        // D1 stores an ArrayBuffer as a BLOB.
        Value::Blob(b) => Uint8Array::from(b.as_slice()).buffer().into(),
    })
}

/// D1 returns every number as a JS double. Integral values within ±2^53 become
/// `Integer` (what SQLite gives for ids and Unix times); [`Row`]'s getters accept either
/// variant for numeric columns, so a REAL column holding 37.0 reads the same.
fn from_js(v: &JsValue) -> Result<Value, DbError> {
    if v.is_null() || v.is_undefined() {
        Ok(Value::Null)
    } else if let Some(f) = v.as_f64() {
        if f.fract() == 0.0 && f.abs() <= MAX_SAFE as f64 {
            Ok(Value::Integer(f as i64))
        } else {
            Ok(Value::Real(f))
        }
    } else if let Some(s) = v.as_string() {
        Ok(Value::Text(s))
    } else if let Some(b) = v.as_bool() {
        Ok(Value::Integer(b.into()))
    } else if v.is_instance_of::<ArrayBuffer>() || v.is_instance_of::<Uint8Array>() {
        Ok(Value::Blob(Uint8Array::new(v).to_vec()))
    } else if Array::is_array(v) {
        // D1 hands BLOBs back as plain arrays of byte values.
        Array::from(v)
            .iter()
            .map(|b| {
                b.as_f64()
                    .filter(|n| (0.0..=255.0).contains(n))
                    .map(|n| n as u8)
            })
            .collect::<Option<Vec<u8>>>()
            .map(Value::Blob)
            .ok_or_else(|| DbError::Backend("D1 returned an array that is not a BLOB".into()))
    } else {
        Err(DbError::Backend(format!(
            "D1 returned a value of unexpected type: {v:?}"
        )))
    }
}

/// D1 reports every failure as a JS `Error` whose message (or its `cause`'s) carries
/// SQLite's own text and code, e.g. `D1_ERROR: UNIQUE constraint failed: users.login:
/// SQLITE_CONSTRAINT`. Constraint failures (including a trigger's `RAISE(ABORT, …)`) map
/// to [`DbError::Constraint`] like the SQLite backend does.
fn js_err(e: JsValue) -> DbError {
    let message = |v: &JsValue| -> Option<String> {
        v.dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| v.as_string())
    };
    let mut text = message(&e).unwrap_or_else(|| format!("{e:?}"));
    if let Some(cause) = e
        .dyn_ref::<js_sys::Error>()
        .map(|e| e.cause())
        .as_ref()
        .and_then(message)
        && !text.contains(&cause)
    {
        text = format!("{text}: {cause}");
    }
    if text.contains("SQLITE_CONSTRAINT") || text.contains("constraint failed") {
        DbError::Constraint(text)
    } else {
        DbError::Backend(text)
    }
}
