//! Schedule semantics: next dates of a resource's schedule, Japanese holidays
//! (owned by the loader work).
