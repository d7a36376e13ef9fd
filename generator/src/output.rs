//! A file the build will write, relative to the output directory.

/// One output file. `path` is relative to `public/`, with `/` separators
/// (e.g. "resources/foo/index.html", "data/resources.geojson").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl OutputFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            path: path.into(),
            bytes: bytes.into(),
        }
    }
}
