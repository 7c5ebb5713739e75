//! Conversion between header pairs and NATS header maps.

use std::str::FromStr;

use async_nats::header::{HeaderName, HeaderValue};
use async_nats::HeaderMap;

use crate::signing::{WebhookHeaders, HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP};
use crate::transport::TransportError;

/// Builds a NATS header map from `(name, value)` pairs, keeping repeated
/// names as repeated values.
pub(super) fn to_header_map(headers: &[(String, String)]) -> Result<HeaderMap, TransportError> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        let invalid = |reason| TransportError::InvalidHeader {
            name: name.clone(),
            reason,
        };
        if name.is_empty() {
            return Err(invalid("the name is empty"));
        }
        let header_name = HeaderName::from_str(name)
            .map_err(|_| invalid("names must be ASCII without control characters or ':'"))?;
        // async-nats checks only CR and LF. The other control characters,
        // such as NUL, are rejected too, as HTTP header values reject them,
        // so a header that NATS accepts also goes over HTTP.
        if value.chars().any(|c| c.is_control() && c != '\t') {
            return Err(invalid(
                "values cannot contain control characters other than tab",
            ));
        }
        let header_value = HeaderValue::from_str(value)
            .map_err(|_| invalid("values cannot contain control characters other than tab"))?;
        map.append(header_name, header_value);
    }
    Ok(map)
}

/// Lists every header of `map` as `(name, value)` pairs.
pub(super) fn to_pairs(map: Option<&HeaderMap>) -> Vec<(String, String)> {
    let Some(map) = map else {
        return Vec::new();
    };
    let mut pairs = Vec::new();
    for (name, values) in map.iter() {
        for value in values {
            pairs.push((name.to_string(), value.as_str().to_owned()));
        }
    }
    pairs
}

/// Returns the first value of header `name`, as the HTTP receiver does, or
/// `""` when it is missing. A name spelled exactly as `name` wins, and
/// otherwise any name equal to it ignoring ASCII case, because NATS
/// keeps the case that the sender wrote and HTTP header names, which
/// Standard Webhooks defines, are case-insensitive.
pub(super) fn first_value<'a>(map: Option<&'a HeaderMap>, name: &str) -> &'a str {
    let Some(map) = map else {
        return "";
    };
    if let Some(value) = map.get(name) {
        return value.as_str();
    }
    map.iter()
        .find(|(key, _)| AsRef::<str>::as_ref(*key).eq_ignore_ascii_case(name))
        .and_then(|(_, values)| values.first())
        .map_or("", HeaderValue::as_str)
}

/// Borrows the three Standard Webhooks headers of a received message.
/// Missing headers are empty, which verification rejects.
pub(super) fn webhook_headers(map: Option<&HeaderMap>) -> WebhookHeaders<'_> {
    WebhookHeaders {
        id: first_value(map, HEADER_ID),
        timestamp: first_value(map, HEADER_TIMESTAMP),
        signature: first_value(map, HEADER_SIGNATURE),
    }
}
