//! `tsunagu serve`: build, serve `public/` on 127.0.0.1, and rebuild when `content/`,
//! `themes/` or the site's `templates/` change. A failed rebuild prints its diagnostics
//! and the last good portal keeps being served (the build never touches `public/`
//! unless it succeeds).
//!
//! The private workspace joins through [`router`]: pass its `axum::Router` (for `/pro/*`
//! and `/api/*`) and the static portal becomes the fallback behind it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::handler::HandlerWithoutStateExt;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use notify::{RecursiveMode, Watcher};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::build::{self, BuildArgs};
use crate::progress::{self, Mode, Terminal};

#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub build: BuildArgs,
    #[arg(
        long,
        default_value_t = 8080,
        help = "待ち受けるポート番号（127.0.0.1 のみ）"
    )]
    pub port: u16,
    #[command(flatten)]
    pub workspace: crate::workspace::WorkspaceArgs,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("最初のビルドに失敗しました")]
    FirstBuild,
    #[error("127.0.0.1:{port} で待ち受けられません: {source}")]
    Bind { port: u16, source: std::io::Error },
    #[error("変更の監視を始められません ({path}): {source}")]
    Watch {
        path: PathBuf,
        source: notify::Error,
    },
    #[error("サーバーが止まりました: {0}")]
    Server(std::io::Error),
}

/// The portal's Router. Paths under `/pro` and `/api` belong to `workspace` (when given),
/// known or not: an unknown one gets the workspace's own 404 with its private-data
/// headers, never the portal's page. Everything else is a file of `public`, or the
/// portal's 404 page with status 404.
pub fn router(public: &Path, workspace: Option<Router>) -> Router {
    let not_found_page = public.join("404.html");
    let not_found = move || {
        let page = not_found_page.clone();
        async move {
            match tokio::fs::read(&page).await {
                Ok(bytes) => (StatusCode::NOT_FOUND, Html(bytes)).into_response(),
                Err(_) => (StatusCode::NOT_FOUND, "ページが見つかりません").into_response(),
            }
        }
    };
    let files = ServeDir::new(public)
        .append_index_html_on_directories(true)
        .fallback(not_found.into_service());
    let Some(workspace) = workspace else {
        return Router::new().fallback_service(files);
    };
    // Dispatch by prefix instead of `workspace.fallback_service(files)`: that would replace
    // the workspace's own fallback, so unknown private paths would fall through to the portal.
    Router::new().fallback(move |req: Request| {
        let (workspace, files) = (workspace.clone(), files.clone());
        async move {
            let res = if is_workspace_path(req.uri().path()) {
                workspace
                    .oneshot(req)
                    .await
                    .map(IntoResponse::into_response)
            } else {
                files.oneshot(req).await.map(IntoResponse::into_response)
            };
            match res {
                Ok(r) => r,
                Err(never) => match never {},
            }
        }
    })
}

/// `/pro`, `/api` and everything below them (not `/professional/`, a portal page slug).
fn is_workspace_path(path: &str) -> bool {
    ["/pro", "/api"].iter().any(|p| {
        path.strip_prefix(p)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// Builds once; `Ok(true)` when the portal was (re)written.
fn build_once(args: &BuildArgs) -> bool {
    let term = Terminal::new(Mode::detect(args.quiet));
    match build::build(&args.options(), &term) {
        Ok(report) => {
            progress::print_diagnostics(&report.warnings);
            term.summary(&args.out, &report);
            true
        }
        Err(e) => {
            progress::print_build_error(&e);
            false
        }
    }
}

fn watch_and_rebuild(args: BuildArgs) -> Result<notify::RecommendedWatcher, ServeError> {
    let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher = notify::recommended_watcher(tx).map_err(|source| ServeError::Watch {
        path: args.content.clone(),
        source,
    })?;
    let mut dirs = vec![args.content.clone(), args.themes.clone()];
    if let Some(t) = args.options().override_dir().filter(|d| d.is_dir()) {
        dirs.push(t);
    }
    for d in &dirs {
        watcher
            .watch(d, RecursiveMode::Recursive)
            .map_err(|source| ServeError::Watch {
                path: d.clone(),
                source,
            })?;
    }
    std::thread::spawn(move || {
        while let Ok(first) = rx.recv() {
            if let Err(e) = first {
                eprintln!("警告: 変更の監視でエラーが起きました: {e}");
                continue;
            }
            // Editors save in bursts (temp file, rename, chmod): wait for quiet, then build once.
            while rx.recv_timeout(Duration::from_millis(300)).is_ok() {}
            eprintln!("tsunagu: 変更を検出しました。再ビルドします…");
            if !build_once(&args) {
                eprintln!("tsunagu: 再ビルドに失敗しました。直前の正常な内容を配信し続けます。");
            }
        }
    });
    Ok(watcher)
}

/// Runs `tsunagu serve` until interrupted.
pub fn run(args: ServeArgs, workspace: Option<Router>) -> Result<(), ServeError> {
    if !build_once(&args.build) {
        return Err(ServeError::FirstBuild);
    }
    let _watcher = watch_and_rebuild(args.build.clone())?;
    let app = router(&args.build.out, workspace);
    let addr = SocketAddr::from(([127, 0, 0, 1], args.port));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Server)?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| ServeError::Bind {
                port: args.port,
                source,
            })?;
        eprintln!("tsunagu: http://{addr}/ で配信しています（Ctrl+C で終了）");
        // The peer address feeds the workspace's sign-in rate limits.
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            // If the signal handler cannot be installed, serve until killed.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        })
        .await
        .map_err(ServeError::Server)
    })
}
