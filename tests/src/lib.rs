//! End-to-end tests across the Hookforge crates live in `tests/`; this
//! library holds the helpers they share.
