//! Static search index for the portal. Owned by the search work (issue 3).
