//! Self-contained output built from a loaded [`Document`](crate::document::Document):
//! one message schema as a standalone JSON Schema ([`schema_json`]), and a
//! whole document with the contents of its other files moved into
//! `components` ([`bundle_document`]).

mod document;
mod schema;

pub use document::{bundle_document, Bundle, BundleError};
pub use schema::{schema_json, DRAFT_07};
