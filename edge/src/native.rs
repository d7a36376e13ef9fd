//! Native entry point (tokio + SQLite): what `tsunagu serve` and the native end-to-end
//! server mount. Serve the Router with
//! `axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())`
//! so sign-in rate limits see the client address.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;

use crate::AppState;
use crate::blobs::{Blobs, DiskBlobs, MemoryBlobs};
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::demo::{self, DemoAccount, DemoError};
use crate::store::DbError;
use crate::store::migrate::migrate;
use crate::store::sqlite::SqliteDb;

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Seed demo accounts and people (refused on a production database).
    pub demo: bool,
    /// Where attachments go; default: `<db file>.files/` beside the database.
    pub blobs_dir: Option<PathBuf>,
    pub config: Config,
}

pub struct Native {
    pub router: Router,
    pub state: AppState,
    pub db: SqliteDb,
    /// Filled when `demo` was asked for: how to sign in as each demo account.
    pub demo_accounts: Vec<DemoAccount>,
}

#[derive(Debug, thiserror::Error)]
pub enum NativeError {
    #[error("{path}: {source}")]
    Db { path: String, source: DbError },
    #[error("attachments directory: {0}")]
    Blobs(#[from] crate::blobs::BlobError),
    #[error(transparent)]
    Demo(#[from] DemoError),
}

/// Opens (creating and migrating) the SQLite file at `db_path` and builds the Router.
/// `":memory:"` gives a throwaway in-memory database with in-memory attachments.
pub async fn router(db_path: &Path, opts: Options) -> Result<Native, NativeError> {
    let in_memory = db_path.as_os_str() == ":memory:";
    let wrap = |source| NativeError::Db {
        path: db_path.display().to_string(),
        source,
    };
    let db = if in_memory {
        SqliteDb::memory()
    } else {
        SqliteDb::open(db_path)
    }
    .map_err(wrap)?;
    migrate(&db).map_err(wrap)?;
    let blobs: Arc<dyn Blobs> = if in_memory {
        Arc::new(MemoryBlobs::default())
    } else {
        let dir = opts.blobs_dir.clone().unwrap_or_else(|| {
            let mut p = db_path.as_os_str().to_owned();
            p.push(".files");
            PathBuf::from(p)
        });
        Arc::new(DiskBlobs::new(dir)?)
    };
    build(db, blobs, Arc::new(SystemClock), opts).await
}

/// Builds from parts (tests pass a [`crate::clock::ManualClock`]).
pub async fn build(
    db: SqliteDb,
    blobs: Arc<dyn Blobs>,
    clock: Arc<dyn Clock>,
    opts: Options,
) -> Result<Native, NativeError> {
    let mut demo_accounts = Vec::new();
    if opts.demo {
        demo::seed(&db, &opts.config, clock.now()).await?;
        demo_accounts = demo::accounts();
    }
    let state = AppState::new(Arc::new(db.clone()), blobs, clock, opts.config);
    Ok(Native {
        router: crate::web::app(state.clone()),
        state,
        db,
        demo_accounts,
    })
}

/// A fresh migrated in-memory database (tests).
pub fn memory_db() -> Result<SqliteDb, DbError> {
    let db = SqliteDb::memory()?;
    migrate(&db)?;
    Ok(db)
}
