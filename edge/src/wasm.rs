//! The Cloudflare Workers entry point. It only builds [`AppState`] from the Worker's
//! bindings and hands the request to the same Router the native server runs; every rule
//! lives in the runtime-agnostic modules.
//!
//! Bindings (declared in `wrangler.toml`):
//! - `DB`: the D1 database (migrations from `edge/migrations/`),
//! - `ATTACHMENTS`: the R2 bucket for timeline attachments,
//! - `ASSETS`: the static portal built by `tsunagu build` into `public/`.
//!
//! Settings come from Worker variables (`wrangler.toml [vars]` or `wrangler secret put`),
//! never from the repository: `TSUNAGU_ORIGIN` (the public `https://host`; state-changing
//! requests must come from it); `TSUNAGU_DEMO=1` seeds the demo accounts and people on
//! the first request (local `wrangler dev` only; the seed refuses a database marked
//! production).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::body::Body;
use axum::http::Response;
use tower::Service;
use worker::{Context, Env, HttpRequest, event};

use crate::clock::SystemClock;
use crate::config::Config;
use crate::d1::D1Db;
use crate::r2::R2Blobs;
use crate::state::AppState;

/// Paths the Router answers; `wrangler.toml` sends `/api/*` and `/pro/*` here before the
/// asset server looks at them.
fn is_workspace_path(path: &str) -> bool {
    path == "/pro" || path == "/api" || path.starts_with("/pro/") || path.starts_with("/api/")
}

#[event(fetch)]
async fn fetch(req: HttpRequest, env: Env, _ctx: Context) -> worker::Result<Response<Body>> {
    console_error_panic_hook::set_once();
    if !is_workspace_path(req.uri().path()) {
        // Reached only when no static file matched: the asset server answers with the
        // portal's 404.html and applies `_headers`, as for any other asset.
        let res = env.assets("ASSETS")?.fetch_request(req).await?;
        return Ok(res.map(Body::new));
    }
    let state = state(&env)?;
    if flag(&env, "TSUNAGU_DEMO") {
        seed_demo_once(&state).await;
    }
    let res = crate::app(state).call(req).await?;
    Ok(res)
}

fn state(env: &Env) -> worker::Result<AppState> {
    let db = D1Db::new(env.d1("DB")?);
    let blobs = R2Blobs::new(env.bucket("ATTACHMENTS")?);
    Ok(AppState::new(
        Arc::new(db),
        Arc::new(blobs),
        Arc::new(SystemClock),
        config(env),
    ))
}

fn config(env: &Env) -> Config {
    let var = |name: &str| {
        env.var(name)
            .ok()
            .map(|v| v.to_string())
            .filter(|v| !v.is_empty())
    };
    Config {
        // workerd sets this header from the TCP peer; clients cannot forge it through
        // Cloudflare's edge.
        client_ip_header: Some("cf-connecting-ip".to_owned()),
        origin: var("TSUNAGU_ORIGIN"),
        ..Config::default()
    }
}

fn flag(env: &Env, name: &str) -> bool {
    env.var(name).map(|v| v.to_string() == "1").unwrap_or(false)
}

/// Set once this isolate has seeded (or found the data already there).
static DEMO_SEEDED: AtomicBool = AtomicBool::new(false);

/// Seeds the demo data through the D1 adapter, like `tsunagu serve` does on start. The
/// seed itself does nothing when accounts exist, and refuses a production database; a
/// refusal is logged and the workspace keeps serving its real data.
async fn seed_demo_once(state: &AppState) {
    if DEMO_SEEDED.load(Ordering::Relaxed) {
        return;
    }
    match crate::demo::seed(state.db.as_ref(), &state.config, state.clock.now()).await {
        Ok(_) => DEMO_SEEDED.store(true, Ordering::Relaxed),
        Err(crate::demo::DemoError::Production) => {
            worker::console_error!(
                "TSUNAGU_DEMO is set, but the database is marked production: no demo data written"
            );
            DEMO_SEEDED.store(true, Ordering::Relaxed);
        }
        // Left unset so the next request tries again.
        Err(e) => worker::console_error!("demo seed failed: {e}"),
    }
}
