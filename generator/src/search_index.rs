//! Adapts the content model to `tsunagu-search` and returns the index files
//! (owned by the search work).

use crate::model::Content;
use crate::output::OutputFile;

/// The search index files for `content`, to be written under `public/`.
pub fn files(content: &Content) -> Vec<OutputFile> {
    let _ = content;
    Vec::new()
}
