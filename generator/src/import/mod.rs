//! `tsunagu import`: open data files → `content/resources/*.yaml`
//! (owned by the open data work).
