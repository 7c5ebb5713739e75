//! Media type checks on `Content-Type` and `datacontenttype` values.

/// The structured-mode media type for one event in the JSON format.
pub const STRUCTURED_JSON: &str = "application/cloudevents+json";
/// The media type for a batch of events in the JSON format.
pub const BATCH_JSON: &str = "application/cloudevents-batch+json";

/// Returns the media type without parameters, trimmed and lowercased:
/// `Application/JSON; charset=UTF-8` becomes `application/json`.
pub(super) fn essence(content_type: &str) -> String {
    let media_type = content_type.split(';').next().unwrap_or_default();
    media_type.trim().to_ascii_lowercase()
}

/// Returns `true` when a `datacontenttype` declares JSON content: its
/// subtype is `json` or ends with `+json`, as the CloudEvents JSON format
/// 1.0 defines it (`application/json`, `text/json`, `application/ld+json`).
pub(super) fn is_json(content_type: &str) -> bool {
    let essence = essence(content_type);
    match essence.split_once('/') {
        Some((_, subtype)) => subtype == "json" || subtype.ends_with("+json"),
        None => false,
    }
}

/// The encoding of a request body, as its `Content-Type` selects it.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Mode {
    /// One event in the JSON format.
    Structured,
    /// A JSON array of events.
    Batch,
    /// A structured format other than JSON, such as `+xml`.
    UnsupportedStructured(String),
    /// Binary mode: the body is the data.
    Binary,
}

pub(super) fn mode(content_type: Option<&str>) -> Mode {
    let Some(content_type) = content_type else {
        return Mode::Binary;
    };
    let essence = essence(content_type);
    if essence == STRUCTURED_JSON {
        Mode::Structured
    } else if essence == BATCH_JSON {
        Mode::Batch
    } else if essence.starts_with("application/cloudevents") {
        Mode::UnsupportedStructured(essence)
    } else {
        Mode::Binary
    }
}
