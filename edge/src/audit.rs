//! Append-only audit log: who did what to which target, with what outcome. Only INSERT
//! and SELECT exist here; the schema's triggers refuse UPDATE and DELETE.

use crate::params;
use crate::store::{Db, DbError, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Denied,
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Denied => "denied",
            Outcome::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_login: &'a str,
    pub org_id: Option<i64>,
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: String,
    pub outcome: Outcome,
    pub ip: &'a str,
    pub request_id: &'a str,
    pub detail: String,
}

pub async fn record(db: &dyn Db, e: Entry<'_>) -> Result<(), DbError> {
    db.execute(
        "INSERT INTO audit_log (at, actor_id, actor_login, org_id, action, target_type, target_id, outcome, ip, request_id, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            e.at,
            e.actor_id,
            e.actor_login,
            e.org_id,
            e.action,
            e.target_type,
            e.target_id,
            e.outcome.as_str(),
            e.ip,
            e.request_id,
            e.detail
        ],
    )
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub target: Option<String>,
    pub outcome: Option<String>,
    /// Unix seconds, inclusive.
    pub from: Option<i64>,
    /// Unix seconds, exclusive.
    pub to: Option<i64>,
    pub limit: i64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Row {
    pub id: i64,
    pub at: i64,
    pub actor_login: String,
    pub org_id: Option<i64>,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub outcome: String,
    pub ip: String,
    pub request_id: String,
    pub detail: String,
}

pub async fn search(db: &dyn Db, f: &Filter) -> Result<Vec<Row>, DbError> {
    let mut sql = String::from(
        "SELECT id, at, actor_login, org_id, action, target_type, target_id, outcome, ip, request_id, detail
         FROM audit_log WHERE 1 = 1",
    );
    let mut p: Vec<Value> = Vec::new();
    let mut add = |cond: &str, v: Value, sql: &mut String| {
        p.push(v);
        sql.push_str(&format!(" AND {cond} ?{}", p.len()));
    };
    if let Some(a) = f.actor.as_deref().filter(|s| !s.is_empty()) {
        add("actor_login =", a.into(), &mut sql);
    }
    if let Some(a) = f.action.as_deref().filter(|s| !s.is_empty()) {
        add("action =", a.into(), &mut sql);
    }
    if let Some(t) = f.target.as_deref().filter(|s| !s.is_empty()) {
        add("target_type || ':' || target_id =", t.into(), &mut sql);
    }
    if let Some(o) = f.outcome.as_deref().filter(|s| !s.is_empty()) {
        add("outcome =", o.into(), &mut sql);
    }
    if let Some(t) = f.from {
        add("at >=", t.into(), &mut sql);
    }
    if let Some(t) = f.to {
        add("at <", t.into(), &mut sql);
    }
    let limit = if f.limit <= 0 {
        500
    } else {
        f.limit.min(10_000)
    };
    sql.push_str(&format!(" ORDER BY at DESC, id DESC LIMIT {limit}"));
    db.query(&sql, p)
        .await?
        .iter()
        .map(|r| {
            Ok(Row {
                id: r.i64("id")?,
                at: r.i64("at")?,
                actor_login: r.string("actor_login")?,
                org_id: r.opt_i64("org_id")?,
                action: r.string("action")?,
                target_type: r.string("target_type")?,
                target_id: r.string("target_id")?,
                outcome: r.string("outcome")?,
                ip: r.string("ip")?,
                request_id: r.string("request_id")?,
                detail: r.string("detail")?,
            })
        })
        .collect()
}

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a
/// leading `'`. Sign-in names in the log are whatever an attacker typed, so the export
/// must not turn them into formulas on the auditor's machine (OWASP CSV injection).
pub fn defang(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

/// CSV (UTF-8 with BOM, so Excel in Japan opens it correctly), times in JST.
pub fn to_csv(rows: &[Row]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    w.write_record([
        "日時(JST)",
        "利用者",
        "組織ID",
        "操作",
        "対象種別",
        "対象ID",
        "結果",
        "IPアドレス",
        "リクエストID",
        "詳細",
    ])?;
    for r in rows {
        w.write_record([
            crate::time::jst(r.at),
            defang(&r.actor_login),
            r.org_id.map(|i| i.to_string()).unwrap_or_default(),
            defang(&r.action),
            defang(&r.target_type),
            defang(&r.target_id),
            defang(&r.outcome),
            defang(&r.ip),
            defang(&r.request_id),
            defang(&r.detail),
        ])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}
