//! The corpus end-to-end suite's helpers: choosing documents and examples
//! ([`select`]), reading the generated API back ([`surface`]) and writing
//! the driver crate that sends every example through the generated client
//! to the generated router ([`driver`]).

pub mod driver;
pub mod select;
pub mod surface;
pub mod synth;
