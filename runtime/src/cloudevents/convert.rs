//! Conversion errors for `#[derive(CloudEvent)]`, and the support code that
//! derived impls call.
//!
//! A derived type converts with `Event::try_from(&value)` (or by value),
//! which fails with [`IntoEventError`], and back with `T::try_from(event)`,
//! which fails with [`FromEventError`]. The derive's documentation, on
//! [`CloudEvent`](crate::cloudevents::CloudEvent), states which attributes
//! and data the conversions read and write.
//!
//! ```
//! use hookforge::cloudevents::convert::FromEventError;
//! use hookforge::cloudevents::{CloudEvent, Event};
//! use hookforge::serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize, CloudEvent)]
//! #[serde(crate = "hookforge::serde")]
//! #[cloudevent(type = "com.example.ping", source = "/pinger")]
//! struct Ping {
//!     seq: u32,
//! }
//!
//! #[derive(Serialize, Deserialize, CloudEvent)]
//! #[serde(crate = "hookforge::serde")]
//! #[cloudevent(type = "com.example.pong", source = "/pinger")]
//! struct Pong {
//!     seq: u32,
//! }
//!
//! let event = Event::try_from(Ping { seq: 1 })?;
//! let error = Pong::try_from(event).err();
//! assert!(matches!(
//!     error,
//!     Some(FromEventError::WrongType { found, .. }) if found == "com.example.ping"
//! ));
//! # Ok::<(), hookforge::cloudevents::convert::IntoEventError>(())
//! ```

use cloudevents::event::EventBuilderError;

/// An error from converting a derived type into an [`Event`](cloudevents::Event).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IntoEventError {
    /// Serializing the value to JSON failed, for example because a map has
    /// non-string keys.
    #[error("failed to serialize the event data to JSON")]
    Data(#[source] serde_json::Error),
    /// A field that carries a context attribute has a value that the
    /// attribute cannot take.
    #[error("invalid value for CloudEvents attribute `{name}`: {reason}")]
    Attribute {
        /// The attribute or extension name.
        name: &'static str,
        /// The reason the value is invalid.
        reason: String,
    },
    /// The cloudevents SDK rejected the event, for example because
    /// `dataschema` is not an absolute URI.
    #[error("failed to build the CloudEvent")]
    Build(#[source] EventBuilderError),
}

/// An error from converting an [`Event`](cloudevents::Event) into a derived type.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FromEventError {
    /// The event's `type` is not one that the target type accepts.
    #[error("unexpected CloudEvents type `{found}`, expected one of {expected:?}")]
    WrongType {
        /// The types that the target accepts: one for a struct, one per
        /// variant for an enum.
        expected: &'static [&'static str],
        /// Returns the event's `type`.
        found: String,
    },
    /// The event uses a CloudEvents version other than 1.0.
    #[error("unsupported CloudEvents specversion `{found}`, expected 1.0")]
    UnsupportedSpecVersion {
        /// The event's `specversion`.
        found: String,
    },
    /// The event's `datacontenttype` is not a JSON media type.
    #[error("unsupported datacontenttype `{found}`, expected a JSON media type")]
    UnsupportedContentType {
        /// The event's `datacontenttype`.
        found: String,
    },
    /// The event has no data.
    #[error("the CloudEvent has no data")]
    MissingData,
    /// The data is JSON but does not match the target type.
    #[error("the event data does not match the target type")]
    Data(#[source] serde_json::Error),
    /// The data is stored as bytes that are not valid JSON.
    #[error("the event's binary data is not valid JSON")]
    BinaryDataNotJson(#[source] serde_json::Error),
    /// The data is stored as a string that is not valid JSON.
    #[error("the event's string data is not valid JSON")]
    StringDataNotJson(#[source] serde_json::Error),
    /// The event lacks an attribute that a non-`Option` field requires.
    #[error("missing CloudEvents attribute `{name}`")]
    MissingAttribute {
        /// The attribute or extension name.
        name: &'static str,
    },
    /// An attribute's value does not fit the field that receives it.
    #[error("invalid value for CloudEvents attribute `{name}`: {reason}")]
    Attribute {
        /// The attribute or extension name.
        name: &'static str,
        /// The reason the value does not fit.
        reason: String,
    },
}

/// Checks whether `media_type` is a JSON media type: `application/json`,
/// `text/json` or any `+json` suffix type, ignoring parameters and case.
///
/// ```
/// use hookforge::cloudevents::convert::is_json_media_type;
///
/// assert!(is_json_media_type("application/json; charset=utf-8"));
/// assert!(is_json_media_type("application/vnd.example+json"));
/// assert!(!is_json_media_type("text/plain"));
/// ```
pub fn is_json_media_type(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence == "text/json" || essence.ends_with("+json")
}

#[doc(hidden)]
pub mod __private;
