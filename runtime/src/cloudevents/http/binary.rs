//! Binary mode: attributes as `ce-` headers, the data as the body.

use std::borrow::Cow;

use cloudevents::event::ExtensionValue;
use cloudevents::{Data, Event};
use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderName, HeaderValue};

use super::assemble::Assembler;
use super::attributes::attributes;
use super::error::{DecodeError, EncodeError};
use super::percent::{percent_decode, percent_encode};

/// The prefix of every binary-mode attribute header.
pub const HEADER_PREFIX: &str = "ce-";

/// Encodes an event in binary mode: each attribute as a `ce-<name>`
/// header, the `datacontenttype` as `Content-Type`, and the data as the
/// body.
///
/// **Do not use binary mode for signed webhooks.** A Standard Webhooks
/// signature covers the `webhook-id`, the timestamp and the body, but no
/// other header. Anyone on the path can therefore change `ce-type`,
/// `ce-source`, `ce-subject` or any extension without breaking the
/// signature.
/// [`to_structured`](super::to_structured) puts every attribute in the
/// signed body, which is why `Webhook::cloudevent` (feature `client`) uses
/// it. For a binary-mode request, `VerifiedWebhook::cloudevent` (feature
/// `server`) checks only the `ce-id` header, against the signed
/// `webhook-id`.
///
/// Header values are percent-encoded with [`percent_encode`]. Booleans are
/// the text `true` or `false` and integers their decimal text, which
/// [`from_http`](super::from_http) reads back as booleans and integers.
///
/// The body is the bytes of [`Data::Binary`], the UTF-8 text of
/// [`Data::String`], the serialized JSON of [`Data::Json`], or empty
/// without data. An empty body decodes as no data, so empty data does not
/// survive binary mode. Without a `datacontenttype` no `Content-Type` is
/// sent, so that the attribute stays absent when the event is decoded.
///
/// # Errors
///
/// [`EncodeError`] when the event is not CloudEvents 1.0, has an empty
/// required attribute or an invalid extension name, or has a
/// `datacontenttype` that is not a valid header value.
///
/// # Example
///
/// ```
/// use hookforge::cloudevents::http::to_binary;
/// use hookforge::cloudevents::sdk::{EventBuilder, EventBuilderV10};
///
/// let event = EventBuilderV10::new()
///     .id("evt_1")
///     .source("/billing")
///     .ty("invoice.paid")
///     .subject("café")
///     .data("application/json", serde_json::json!({"invoice": "in_1"}))
///     .build()?;
/// let (headers, body) = to_binary(&event)?;
/// assert_eq!(headers["ce-type"], "invoice.paid");
/// assert_eq!(headers["ce-subject"], "caf%C3%A9");
/// assert_eq!(headers["content-type"], "application/json");
/// assert_eq!(body, br#"{"invoice":"in_1"}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_binary(event: &Event) -> Result<(HeaderMap, Vec<u8>), EncodeError> {
    let mut headers = HeaderMap::new();
    for (name, value) in attributes(event)? {
        if name == "datacontenttype" {
            headers.insert(CONTENT_TYPE, content_type_header(value_text(value))?);
            continue;
        }
        let header_name = format!("{HEADER_PREFIX}{name}");
        let text = percent_encode(&value_text(value));
        let invalid = |reason: String| EncodeError::InvalidHeaderValue {
            header: header_name.clone(),
            value: text.clone(),
            reason,
        };
        let parsed_name = HeaderName::from_bytes(header_name.as_bytes())
            .map_err(|error| invalid(error.to_string()))?;
        let parsed_value =
            HeaderValue::from_str(&text).map_err(|error| invalid(error.to_string()))?;
        headers.insert(parsed_name, parsed_value);
    }

    let body = match event.data() {
        None => Vec::new(),
        Some(Data::Binary(bytes)) => bytes.clone(),
        Some(Data::String(text)) => text.as_bytes().to_vec(),
        Some(Data::Json(value)) => serde_json::to_vec(value).map_err(EncodeError::Json)?,
    };
    Ok((headers, body))
}

/// Converts a `datacontenttype` to a `Content-Type` value. Media types
/// are ASCII, and `HeaderValue` would accept bytes above 0x7F that a
/// receiver cannot read as text, so those are rejected here.
fn content_type_header(text: String) -> Result<HeaderValue, EncodeError> {
    let invalid = |reason: String| EncodeError::InvalidHeaderValue {
        header: CONTENT_TYPE.as_str().to_owned(),
        value: text.clone(),
        reason,
    };
    if !text.is_ascii() {
        return Err(invalid("a media type must be ASCII".to_owned()));
    }
    HeaderValue::from_str(&text).map_err(|error| invalid(error.to_string()))
}

fn value_text(value: ExtensionValue) -> String {
    match value {
        ExtensionValue::String(text) => text,
        ExtensionValue::Boolean(flag) => flag.to_string(),
        ExtensionValue::Integer(number) => number.to_string(),
    }
}

/// Decodes a binary-mode event. The caller has checked that
/// `ce-specversion` is present.
pub(super) fn decode(headers: &HeaderMap, body: &[u8]) -> Result<Event, DecodeError> {
    let mut assembler = Assembler::new();
    for header_name in headers.keys() {
        let Some(name) = header_name.as_str().strip_prefix(HEADER_PREFIX) else {
            continue;
        };
        let invalid = |reason: String| DecodeError::InvalidHeader {
            name: header_name.as_str().to_owned(),
            reason,
        };
        let value = unquote(single_value(headers, header_name)?).map_err(invalid)?;
        let text = percent_decode(&value).map_err(|error| invalid(error.to_string()))?;
        match name {
            "specversion" => assembler.set_specversion(&text)?,
            "datacontenttype" => {
                return Err(DecodeError::InvalidHeader {
                    name: header_name.as_str().to_owned(),
                    reason: "binary mode carries datacontenttype as Content-Type, not as a \
                             ce- header"
                        .to_owned(),
                })
            }
            _ => {
                if !assembler.set_attribute(name, text.clone())? {
                    assembler.set_extension(name, extension_value(text))?;
                }
            }
        }
    }
    if headers.contains_key(CONTENT_TYPE) {
        let content_type = single_value(headers, &CONTENT_TYPE)?;
        assembler.set_attribute("datacontenttype", content_type.to_owned())?;
    }
    if !body.is_empty() {
        assembler.set_data(Data::Binary(body.to_vec()));
    }
    assembler.finish()
}

/// Returns the one value of a header as text.
fn single_value<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Result<&'a str, DecodeError> {
    let invalid = |reason: &str| DecodeError::InvalidHeader {
        name: name.as_str().to_owned(),
        reason: reason.to_owned(),
    };
    let mut values = headers.get_all(name).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(invalid("the header is repeated; it must appear once"));
    };
    value.to_str().map_err(|_| {
        invalid("the value contains bytes that are not visible ASCII; non-ASCII text must be percent-encoded")
    })
}

/// Removes RFC 7230 quoted-string quoting: `"a\"b"` becomes `a"b`. The
/// HTTP binding 1.0.2 requires receivers to accept quoted values, which
/// older versions of the binding produced, before percent-decoding. A value
/// that does not start with `"` is returned as it is.
fn unquote(value: &str) -> Result<Cow<'_, str>, String> {
    let Some(quoted) = value.strip_prefix('"') else {
        return Ok(Cow::Borrowed(value));
    };
    let mut unquoted = String::with_capacity(quoted.len());
    let mut characters = quoted.chars();
    while let Some(character) = characters.next() {
        match character {
            '\\' => match characters.next() {
                Some(escaped) => unquoted.push(escaped),
                None => break,
            },
            '"' if characters.as_str().is_empty() => return Ok(Cow::Owned(unquoted)),
            '"' => return Err("a quoted value has text after its closing quote".to_owned()),
            other => unquoted.push(other),
        }
    }
    Err("a quoted value has no closing quote".to_owned())
}

/// Reads an extension value from its header text. Binary mode does not
/// carry types, so exactly `true` and `false` become booleans and an
/// integer in canonical decimal form (no `+`, no leading zeros, no `-0`)
/// that fits in `i64` becomes an integer. Everything else stays a string.
///
/// NOTE: a string extension whose value is `true`, `false` or a canonical
/// integer, such as an id `12345`, therefore decodes as a boolean or an
/// integer. Structured mode keeps the JSON type and has no such loss.
fn extension_value(text: String) -> ExtensionValue {
    match text.as_str() {
        "true" => ExtensionValue::Boolean(true),
        "false" => ExtensionValue::Boolean(false),
        _ => match text.parse::<i64>() {
            Ok(number) if number.to_string() == text => ExtensionValue::Integer(number),
            _ => ExtensionValue::String(text),
        },
    }
}
