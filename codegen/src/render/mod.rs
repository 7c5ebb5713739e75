//! Rendering diagnostics for people ([`human`]) and for tools ([`json`]).

pub mod human;
pub mod json;
mod snippet;
mod width;

use crate::source::{FileId, SourceFile, SourceMap};

pub use human::Style;

/// Returns file `id` of `sources`, or `None` when the map does not contain
/// it (a diagnostic rendered with the wrong map, for example).
fn source_file(sources: &SourceMap, id: FileId) -> Option<&SourceFile> {
    (id.index() < sources.len()).then(|| sources.get(id))
}
