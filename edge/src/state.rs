//! Application state handed to every handler: runtime-agnostic handles only.

use std::sync::Arc;

use crate::blobs::Blobs;
use crate::clock::Clock;
use crate::config::Config;
use crate::store::Db;

#[derive(Clone)]
pub struct AppState {
    pub db: Arc<dyn Db>,
    pub blobs: Arc<dyn Blobs>,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<Config>,
}

impl AppState {
    pub fn new(
        db: Arc<dyn Db>,
        blobs: Arc<dyn Blobs>,
        clock: Arc<dyn Clock>,
        config: Config,
    ) -> Self {
        AppState {
            db,
            blobs,
            clock,
            config: Arc::new(config),
        }
    }
}
