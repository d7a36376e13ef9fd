//! Load and validate `content/` into the model (owned by the loader work).

use std::path::{Path, PathBuf};

use crate::model::Content;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in the content, printed as `path:line:col: message`.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub line: usize,
    pub col: usize,
    pub severity: Severity,
    /// In Japanese, naming the field.
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file.display(), self.line, self.col, self.message)
    }
}

pub struct Loaded {
    pub content: Content,
    pub warnings: Vec<Diagnostic>,
}

/// Loads every file under `content_dir`, collecting every problem in one run.
pub fn load(content_dir: &Path) -> Result<Loaded, Vec<Diagnostic>> {
    let _ = content_dir;
    Err(vec![])
}
