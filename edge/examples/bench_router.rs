//! In-process load on the native Router (no sockets): a signed-in nurse opens a person
//! page with its timeline, 50 requests in flight, SQLite statements run directly or on
//! tokio's blocking pool. Prints p50/p99 latency and throughput for each.
//! `cargo run --release -p tsunagu-edge --example bench_router [-- REQUESTS]`

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::http::Request;
use tower::ServiceExt;
use tsunagu_edge::blobs::MemoryBlobs;
use tsunagu_edge::clock::{Clock, SystemClock};
use tsunagu_edge::config::Config;
use tsunagu_edge::native::{self, Options};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let total: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(5000);
    let concurrency = 50;
    for pool in [false, true] {
        let dir = tempfile::tempdir()?;
        let mut db = tsunagu_edge::store::sqlite::SqliteDb::open(&dir.path().join("bench.sqlite"))?;
        tsunagu_edge::store::migrate::migrate(&db)?;
        if pool {
            db = db.on_blocking_pool();
        }
        let opts = Options {
            demo: true,
            config: Config::default(),
            ..Default::default()
        };
        let n = native::build(
            db.clone(),
            Arc::new(MemoryBlobs::default()),
            Arc::new(SystemClock),
            opts,
        )
        .await?;
        let user = tsunagu_edge::accounts::by_login(&db, "nurse.sato")
            .await?
            .ok_or("no demo nurse")?;
        let (raw, _) = tsunagu_edge::auth::session::create(
            &db,
            user.id,
            tsunagu_edge::auth::session::Stage::Full,
            SystemClock.now(),
            "127.0.0.1",
            "bench",
        )
        .await?;
        let cookie = format!("__Host-tsunagu_session={raw}");
        let router = n.router;
        let started = Instant::now();
        let mut tasks = Vec::new();
        for w in 0..concurrency {
            let router = router.clone();
            let cookie = cookie.clone();
            tasks.push(tokio::spawn(async move {
                let mut lat = Vec::new();
                for _ in (w..total).step_by(concurrency) {
                    let req = Request::get("/pro/people/1")
                        .header("cookie", &cookie)
                        .header("host", "localhost")
                        .body(Body::empty())
                        .expect("request");
                    let t0 = Instant::now();
                    let res = router.clone().oneshot(req).await.expect("infallible");
                    assert_eq!(res.status(), 200);
                    let _body = axum::body::to_bytes(res.into_body(), usize::MAX).await;
                    lat.push(t0.elapsed().as_secs_f64() * 1000.0);
                }
                lat
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await?);
        }
        let secs = started.elapsed().as_secs_f64();
        all.sort_by(f64::total_cmp);
        let pct = |p: f64| all[((all.len() as f64 - 1.0) * p) as usize];
        println!(
            "GET /pro/people/1, {} requests, {concurrency} in flight, statements {}: p50 {:.2} ms, p99 {:.2} ms, {:.0} req/s",
            all.len(),
            if pool { "on spawn_blocking" } else { "direct" },
            pct(0.5),
            pct(0.99),
            all.len() as f64 / secs
        );
    }
    Ok(())
}
