//! Terminal progress (filled in below).
