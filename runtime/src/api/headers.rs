//! Typed message headers to HTTP headers and back.
//!
//! On the wire every header value is text. A header struct is serialized to
//! a JSON object, and each property becomes one header: a string as it is,
//! a number or boolean in its JSON form, an object or array as JSON text,
//! and `null` is left out. Reading reverses this, and because HTTP header
//! names are case-insensitive, properties are matched to headers without
//! regard to case.

use axum::http::HeaderMap;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

/// Why typed headers could not become HTTP headers or be read from them.
#[derive(Debug, thiserror::Error)]
pub enum HeaderError {
    /// The headers did not serialize to a JSON object.
    #[error("message headers must serialize to a JSON object, not {0}")]
    NotAnObject(&'static str),
    /// Serialization failed.
    #[error("failed to serialize the message headers: {0}")]
    Serialize(#[source] serde_json::Error),
    /// A header value is not visible ASCII text.
    #[error("header {0:?} has a value that is not visible ASCII")]
    NotText(String),
    /// The request headers do not match the headers schema.
    #[error("invalid message headers: {0}")]
    Invalid(#[source] serde_json::Error),
}

/// Converts typed `headers` into `(name, value)` pairs for a
/// [`Webhook`](crate::client::Webhook).
///
/// # Errors
///
/// [`HeaderError::NotAnObject`] or [`HeaderError::Serialize`] when
/// `headers` does not serialize to a JSON object.
///
/// ```
/// let pairs = hookforge::api::header_pairs(&serde_json::json!({"x-tenant": "t1", "x-retry": 2, "x-none": null}))?;
/// assert_eq!(pairs, [("x-tenant".to_owned(), "t1".to_owned()), ("x-retry".to_owned(), "2".to_owned())]);
/// # Ok::<(), hookforge::api::HeaderError>(())
/// ```
pub fn header_pairs<H: Serialize + ?Sized>(
    headers: &H,
) -> Result<Vec<(String, String)>, HeaderError> {
    let value = serde_json::to_value(headers).map_err(HeaderError::Serialize)?;
    let object = match value {
        Value::Object(object) => object,
        Value::Null => return Ok(Vec::new()),
        other => return Err(HeaderError::NotAnObject(kind(&other))),
    };
    let mut pairs = Vec::with_capacity(object.len());
    for (name, value) in object {
        let text = match value {
            Value::Null => continue,
            Value::String(text) => text,
            other => other.to_string(),
        };
        pairs.push((name, text));
    }
    Ok(pairs)
}

/// Reads typed headers from HTTP `headers`. `names` are the property names
/// of the headers type, matched without regard to case; headers not listed
/// are ignored.
///
/// A value is first read as a JSON number, boolean, object or array when it
/// parses as one, so that typed properties decode; when that fails, every
/// value is read as a string.
///
/// NOTE: a headers type that mixes a string property holding digits with
/// a numeric property fails both readings.
///
/// # Errors
///
/// [`HeaderError::NotText`] for a value that is not visible ASCII, and
/// [`HeaderError::Invalid`] when the headers do not decode into `H`.
pub fn read_headers<H: DeserializeOwned>(
    headers: &HeaderMap,
    names: &[&str],
) -> Result<H, HeaderError> {
    read_with(names, |name| match headers.get(name) {
        None => Ok(None),
        Some(value) => value
            .to_str()
            .map(Some)
            .map_err(|_| HeaderError::NotText(name.to_owned())),
    })
}

/// Reads typed headers from `(name, value)` pairs, such as the headers of a
/// NATS message, the way [`read_headers`] reads HTTP headers: names match
/// without regard to case, and the first pair of a name wins.
///
/// # Errors
///
/// [`HeaderError::Invalid`] when the headers do not decode into `H`.
///
/// ```
/// #[derive(serde::Deserialize)]
/// struct Headers { #[serde(rename = "x-attempt")] attempt: u32 }
///
/// let pairs = vec![("X-Attempt".to_owned(), "3".to_owned())];
/// let headers: Headers = hookforge::api::read_header_pairs(&pairs, &["x-attempt"])?;
/// assert_eq!(headers.attempt, 3);
/// # Ok::<(), hookforge::api::HeaderError>(())
/// ```
pub fn read_header_pairs<H: DeserializeOwned>(
    pairs: &[(String, String)],
    names: &[&str],
) -> Result<H, HeaderError> {
    read_with(names, |name| {
        Ok(pairs
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str()))
    })
}

/// Reads the headers `names`, each looked up with `lookup`, into `H`.
fn read_with<'a, H: DeserializeOwned>(
    names: &[&str],
    lookup: impl Fn(&str) -> Result<Option<&'a str>, HeaderError>,
) -> Result<H, HeaderError> {
    let mut typed = Map::new();
    let mut text = Map::new();
    for name in names {
        let Some(value) = lookup(name)? else {
            continue;
        };
        let parsed = match serde_json::from_str::<Value>(value) {
            Ok(Value::String(_)) | Err(_) => Value::String(value.to_owned()),
            Ok(parsed) => parsed,
        };
        typed.insert((*name).to_owned(), parsed);
        text.insert((*name).to_owned(), Value::String(value.to_owned()));
    }
    match serde_json::from_value(Value::Object(typed)) {
        Ok(headers) => Ok(headers),
        Err(error) => {
            serde_json::from_value(Value::Object(text)).map_err(|_| HeaderError::Invalid(error))
        }
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Sample {
        #[serde(rename = "X-Tenant")]
        tenant: String,
        #[serde(rename = "x-retry", default)]
        retry: Option<u32>,
    }

    #[test]
    fn headers_round_trip_through_http() {
        let sample = Sample {
            tenant: "t1".to_owned(),
            retry: Some(3),
        };
        let mut map = HeaderMap::new();
        for (name, value) in header_pairs(&sample).expect("an object") {
            map.insert(
                axum::http::HeaderName::from_bytes(name.as_bytes()).expect("valid name"),
                HeaderValue::from_str(&value).expect("valid value"),
            );
        }
        let read: Sample = read_headers(&map, &["X-Tenant", "x-retry"]).expect("decodes");
        assert_eq!(read, sample);
    }

    #[test]
    fn digit_strings_stay_strings() {
        let mut map = HeaderMap::new();
        map.insert("x-tenant", HeaderValue::from_static("42"));
        let read: Sample = read_headers(&map, &["X-Tenant", "x-retry"]).expect("decodes");
        assert_eq!(read.tenant, "42");
    }

    #[test]
    fn missing_required_header_is_invalid() {
        let error = read_headers::<Sample>(&HeaderMap::new(), &["X-Tenant"]);
        assert!(matches!(error, Err(HeaderError::Invalid(_))), "{error:?}");
    }

    #[test]
    fn non_object_headers_are_rejected() {
        assert!(matches!(
            header_pairs(&3),
            Err(HeaderError::NotAnObject("a number"))
        ));
    }
}
