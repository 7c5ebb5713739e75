//! Self-contained output built from a loaded [`Document`](crate::document::Document):
//! one message schema as a standalone JSON Schema ([`schema_json`]), and a
//! whole document with the contents of its other files moved into
//! `components` ([`bundle_document`]), which [`to_yaml`] can write as YAML.

mod document;
mod schema;
mod yaml;

pub use document::{bundle_document, Bundle, BundleError};
pub use schema::{schema_json, DRAFT_07};
pub use yaml::to_yaml;
