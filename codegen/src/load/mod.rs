//! Loading files into spanned trees.

mod limits;
mod scalar;
mod yaml;

pub use limits::Limits;
pub use yaml::{parse, Parsed};
