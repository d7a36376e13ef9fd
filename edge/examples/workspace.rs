//! Serves the workspace alone, natively, with the demo data: a quick way to look at it.
//! `cargo run -p tsunagu-edge --example workspace [-- DB_PATH [ADDR]]`
//! (default: an in-memory database on 127.0.0.1:8788). `tsunagu serve` mounts the same
//! Router in front of the portal.

use std::net::SocketAddr;
use std::path::PathBuf;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let db = PathBuf::from(args.next().unwrap_or_else(|| ":memory:".into()));
    let addr: SocketAddr = args
        .next()
        .unwrap_or_else(|| "127.0.0.1:8788".into())
        .parse()?;
    let opts = tsunagu_edge::native::Options {
        demo: true,
        ..Default::default()
    };
    let native = tsunagu_edge::native::router(&db, opts).await?;
    println!(
        "workspace: http://{addr}/pro/   (database: {})",
        db.display()
    );
    println!("demo accounts (password / TOTP secret):");
    for a in &native.demo_accounts {
        println!(
            "  {:<18} {}・{}  {}  {}",
            a.login, a.role, a.profession, a.password, a.totp_secret
        );
    }
    let listener = tokio::net::TcpListener::bind(addr).await?;
    axum::serve(
        listener,
        native
            .router
            .into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await?;
    Ok(())
}
