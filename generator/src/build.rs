//! The build pipeline (owned by the pipeline work).
