//! Derive macros for Hookforge.
//!
//! This crate is empty for now: `#[derive(CloudEvent)]` is planned but not
//! written yet, so it exports nothing rather than a macro that pretends to
//! work.
