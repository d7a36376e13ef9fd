//! tsunagu's portal generator: `content/` (YAML, Markdown) + `themes/` (tera, CSS, JS)
//! → `public/` (static portal, search index, open data).
//!
//! The pipeline, in stages (see `build`): load → index → render → minify → write.

pub mod bench;
pub mod build;
pub mod export;
pub mod geo;
pub mod headers;
pub mod import;
pub mod load;
pub mod model;
pub mod nearby;
pub mod output;
pub mod procstat;
pub mod progress;
pub mod qr;
pub mod render;
pub mod schedule;
pub mod search_index;
pub mod seo;
pub mod serve;
pub mod workspace;
pub mod write;
