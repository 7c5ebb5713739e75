//! Runtime support for code that Hookforge generates.
//!
//! Generated code refers to its dependencies only through this crate, so an
//! application adds one dependency and never meets a version mismatch.
//! Signing, retries, circuit breakers and the dead-letter queue are not
//! written yet; today the crate provides what generated types need.

pub mod formats;
pub mod serde_support;

pub use serde;
pub use serde_json;
