//! End-to-end tests across the Hookforge crates live in `tests/`. This
//! library contains the helpers they share: finding the real-world corpus,
//! reading its manifest, matching expected error locations, and inlining
//! `$ref`s for the official-schema cross-check.

pub mod corpus;
pub mod e2e;
pub mod inline;
pub mod location;
pub mod manifest;
