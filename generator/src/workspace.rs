//! The private workspace inside `tsunagu serve`: the same Router the Worker runs (crate
//! `tsunagu-edge`), natively on a SQLite file, mounted in front of the portal so one
//! local address serves both. The file gets the demo accounts and people on first use,
//! and each demo account's sign-in details are printed at start-up.

use std::path::PathBuf;

use axum::Router;
use tsunagu_edge::demo::DemoAccount;
use tsunagu_edge::native::{self, NativeError, Options};

#[derive(Debug, Clone, clap::Args)]
pub struct WorkspaceArgs {
    #[arg(
        long,
        value_name = "FILE",
        default_value = ".tsunagu/workspace.sqlite",
        help = "専門職ワークスペースの SQLite ファイル（なければ作成し、デモデータを入れます）"
    )]
    pub workspace_db: PathBuf,
    #[arg(
        long,
        help = "専門職ワークスペース（/pro/, /api/）を起動せず、ポータルだけを配信します"
    )]
    pub no_workspace: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error("{path} のディレクトリを作れません: {source}")]
    Dir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("専門職ワークスペースを起動できません: {0}")]
    Native(#[from] NativeError),
    #[error("専門職ワークスペースの準備に使う実行環境を作れません: {0}")]
    Runtime(std::io::Error),
}

/// Opens (creating, migrating and seeding with demo data) the workspace database and
/// returns its Router with the demo accounts, or `None` with `--no-workspace`. A database
/// marked production is refused: demo accounts never go into real data.
pub fn open(args: &WorkspaceArgs) -> Result<Option<(Router, Vec<DemoAccount>)>, WorkspaceError> {
    if args.no_workspace {
        return Ok(None);
    }
    if let Some(dir) = args
        .workspace_db
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).map_err(|source| WorkspaceError::Dir {
            path: dir.to_owned(),
            source,
        })?;
    }
    // Opening and seeding are async only because the storage interface is; the Router
    // that comes out holds no runtime, so the server's own runtime serves it.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(WorkspaceError::Runtime)?;
    let opts = Options {
        demo: true,
        ..Options::default()
    };
    let native = runtime.block_on(native::router(&args.workspace_db, opts))?;
    Ok(Some((native.router, native.demo_accounts)))
}

/// The start-up notice: where the workspace is and how to sign in as each demo account.
pub fn print_accounts(port: u16, db: &std::path::Path, accounts: &[DemoAccount]) {
    eprintln!(
        "tsunagu: 専門職ワークスペース http://127.0.0.1:{port}/pro/ （データ: {}）",
        db.display()
    );
    eprintln!(
        "デモ用アカウント（デモデータ専用。パスワードは共通、確認コードは認証アプリに TOTP シークレットを登録して表示）:"
    );
    // Role last: its full-width characters would break column padding.
    eprintln!(
        "  {:<18} {:<18} {:<32} 役割・職種",
        "ログインID", "パスワード", "TOTP シークレット"
    );
    for a in accounts {
        eprintln!(
            "  {:<18} {:<18} {:<32} {}・{}",
            a.login, a.password, a.totp_secret, a.role, a.profession
        );
    }
}
