//! End-to-end tests across the Hookforge crates live in `tests/`; this
//! library holds the helpers they share: finding the real-world corpus and
//! reading its manifest.

pub mod corpus;
pub mod inline;
pub mod location;
pub mod manifest;
