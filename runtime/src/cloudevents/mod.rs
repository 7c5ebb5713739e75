//! CloudEvents envelopes for webhooks.
//!
//! `#[derive(CloudEvent)]` turns an application type into a CloudEvent and
//! back; [`http`] encodes events in the HTTP binding's binary and structured
//! modes.

pub mod convert;
pub mod http;

/// The cloudevents-sdk crate, whose core [`Event`] type the conversions use.
pub use cloudevents as sdk;
pub use cloudevents::Event;
pub use hookforge_macros::CloudEvent;

/// The chrono crate: a `#[cloudevent(time)]` field is a
/// `chrono::DateTime<Utc>`.
pub use chrono;
