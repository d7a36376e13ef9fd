//! tsunagu's portal generator: `content/` (YAML, Markdown) + `themes/` (tera, CSS, JS)
//! → `public/` (static portal, search index, open data).
//!
//! The pipeline, in stages (see `build`): load → index → render → minify → write.

pub mod build;
pub mod export;
pub mod import;
pub mod load;
pub mod model;
pub mod output;
pub mod schedule;
pub mod search_index;
pub mod headers;
pub mod serve;
pub mod workspace;
pub mod geo;
pub mod nearby;
pub mod qr;
pub mod render;
pub mod seo;
pub mod write;
pub mod progress;
pub mod bench;
