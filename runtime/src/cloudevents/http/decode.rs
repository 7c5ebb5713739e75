//! Decoding a request in whichever mode its `Content-Type` selects.

use cloudevents::Event;
use http::header::CONTENT_TYPE;
use http::HeaderMap;

use super::error::DecodeError;
use super::media::{mode, Mode};
use super::{binary, structured};

/// Decodes one CloudEvent from an HTTP request or response.
///
/// The `Content-Type` selects the mode. Its media type is compared without
/// regard to case or parameters:
///
/// - `application/cloudevents+json` is structured mode, and the body is
///   the whole event in the JSON format;
/// - `application/cloudevents-batch+json` is a batch, rejected with
///   [`DecodeError::UnexpectedBatch`]: use [`from_http_batch`];
/// - any other `application/cloudevents+...` format, such as `+xml`, is
///   rejected with [`DecodeError::UnsupportedFormat`];
/// - anything else, or no `Content-Type`, is binary mode, which requires a
///   `ce-specversion` header. Without it the result is
///   [`DecodeError::NotACloudEvent`].
///
/// Only `specversion` 1.0 is accepted.
///
/// In binary mode the body becomes [`Data::Binary`](cloudevents::Data)
/// whatever the `Content-Type`, so JSON data stays the exact bytes that
/// were sent (and signed). An empty body means no data. Encoding the
/// decoded event again with [`to_binary`](super::to_binary) gives the same
/// headers and body. Header values are unquoted when sent as an RFC 7230
/// quoted string, then percent-decoded, and must be UTF-8 afterwards.
/// Extension values `true`, `false` and canonical integers decode as
/// booleans and integers.
///
/// In structured mode, `data_base64` always becomes binary data, even when
/// the `datacontenttype` is JSON. `data` becomes [`Data::Json`](cloudevents::Data)
/// when the `datacontenttype` is absent or JSON, and a string otherwise.
/// Both `data` and `data_base64` at once is an error.
///
/// Extension names must be lowercase letters and digits, as
/// [`check_extension_name`](super::check_extension_name) checks. Names
/// longer than 20 characters or starting with a digit are accepted.
///
/// # Errors
///
/// [`DecodeError`] naming the attribute, header or member that is missing
/// or invalid.
///
/// # Example
///
/// ```
/// use hookforge::cloudevents::http::from_http;
/// use hookforge::cloudevents::sdk::{AttributesReader, Data};
/// use http::HeaderMap;
///
/// let mut headers = HeaderMap::new();
/// headers.insert("content-type", "application/cloudevents+json".parse()?);
/// let body = br#"{"specversion":"1.0","id":"evt_1","source":"/billing",
///     "type":"invoice.paid","data":{"invoice":"in_1"}}"#;
/// let event = from_http(&headers, body)?;
/// assert_eq!(event.ty(), "invoice.paid");
/// assert_eq!(event.data(), Some(&Data::Json(serde_json::json!({"invoice": "in_1"}))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn from_http(headers: &HeaderMap, body: &[u8]) -> Result<Event, DecodeError> {
    let content_type = content_type(headers)?;
    match mode(content_type) {
        Mode::Structured => structured::decode(body),
        Mode::Batch => Err(DecodeError::UnexpectedBatch),
        Mode::UnsupportedStructured(media_type) => {
            Err(DecodeError::UnsupportedFormat { media_type })
        }
        Mode::Binary => {
            if !headers.contains_key("ce-specversion") {
                return Err(DecodeError::NotACloudEvent {
                    content_type: content_type.map(str::to_owned),
                });
            }
            binary::decode(headers, body)
        }
    }
}

/// Decodes a batch: a request with `Content-Type:
/// application/cloudevents-batch+json` and a JSON array of events in the
/// JSON format, each read as [`from_http`] reads a structured event.
///
/// # Errors
///
/// [`DecodeError::NotABatch`] for any other `Content-Type`, and
/// [`DecodeError::BatchElement`] with the position of the first event
/// that fails to decode.
///
/// # Example
///
/// ```
/// use hookforge::cloudevents::http::from_http_batch;
/// use http::HeaderMap;
///
/// let mut headers = HeaderMap::new();
/// headers.insert("content-type", "application/cloudevents-batch+json".parse()?);
/// let body = br#"[{"specversion":"1.0","id":"1","source":"/s","type":"t"}]"#;
/// assert_eq!(from_http_batch(&headers, body)?.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn from_http_batch(headers: &HeaderMap, body: &[u8]) -> Result<Vec<Event>, DecodeError> {
    let content_type = content_type(headers)?;
    match mode(content_type) {
        Mode::Batch => structured::decode_batch(body),
        _ => Err(DecodeError::NotABatch {
            content_type: content_type.map(str::to_owned),
        }),
    }
}

fn content_type(headers: &HeaderMap) -> Result<Option<&str>, DecodeError> {
    headers
        .get(CONTENT_TYPE)
        .map(|value| {
            value.to_str().map_err(|_| DecodeError::InvalidHeader {
                name: CONTENT_TYPE.as_str().to_owned(),
                reason: "the value contains bytes that are not visible ASCII".to_owned(),
            })
        })
        .transpose()
}
