//! The private workspace. Owned by the workspace work (issue 5).
