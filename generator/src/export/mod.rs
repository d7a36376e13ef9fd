//! Open data exports written by every build: CSV per category, HSDS 3.0 JSON
//! (owned by the open data work). GeoJSON is written by the pipeline.

use crate::model::Content;
use crate::output::OutputFile;

/// The export files for `content`, to be written under `public/`.
pub fn files(content: &Content) -> Vec<OutputFile> {
    let _ = content;
    Vec::new()
}
