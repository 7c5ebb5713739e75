//! Runtime support for code that Hookforge generates.
//!
//! Generated code refers to dependencies only through this crate, so an
//! application adds one dependency and never meets a version mismatch. Signing,
//! retries, circuit breakers and the dead-letter queue are not written yet;
//! today the crate only re-exports the serialization crates.

pub use serde;
pub use serde_json;
