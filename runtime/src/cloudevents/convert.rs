//! Support code for `#[derive(CloudEvent)]`: the traits and errors that derived impls use.
