//! The private workspace (issue 5): one axum Router on Cloudflare Workers (D1) and
//! natively (SQLite). Domain modules know nothing of either runtime; storage goes through
//! [`store::Db`], time through [`clock::Clock`], attachments through [`blobs::Blobs`].

pub mod access;
pub mod accounts;
pub mod audit;
pub mod auth;
pub mod blobs;
pub mod clock;
pub mod config;
pub mod migrations;
pub mod rand;
pub mod state;
pub mod store;
pub mod time;

pub use state::AppState;
