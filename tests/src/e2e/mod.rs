//! The corpus end-to-end suite's helpers: choosing documents and examples
//! ([`select`]), taking the generated API from the generator's summary
//! ([`surface`]) and writing the driver crate that sends every example
//! through the generated client to the generated router ([`driver`]).

pub mod driver;
pub mod select;
pub mod surface;
pub mod synth;
