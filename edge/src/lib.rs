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
pub mod demo;
pub mod geo;
pub mod import;
pub mod migrations;
#[cfg(not(target_arch = "wasm32"))]
pub mod native;
pub mod people;
pub mod rand;
pub mod state;
pub mod store;
pub mod time;
pub mod timeline;
pub mod web;

// Cloudflare Workers runtime: D1 and R2 adapters and the `#[event(fetch)]` entry.
#[cfg(target_arch = "wasm32")]
pub mod d1;
#[cfg(target_arch = "wasm32")]
pub mod r2;
#[cfg(target_arch = "wasm32")]
mod wasm;

pub use state::AppState;
pub use web::app;
