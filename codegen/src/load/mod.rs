//! Loading files into spanned trees.

mod json;
mod limits;
mod scalar;
mod yaml;

pub use json::check_syntax as check_json_syntax;
pub use limits::{Limits, MAX_DEPTH_CAP};
pub use yaml::{parse, Parsed};
