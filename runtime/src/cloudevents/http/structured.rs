//! Structured mode: the whole event as one JSON document, in the
//! CloudEvents JSON format 1.0.
//!
//! Decoding is written over [`serde_json::Value`] instead of the SDK's
//! `Deserialize` impl, because cloudevents-sdk 0.9 parses `data_base64` as
//! JSON whenever `datacontenttype` is JSON, which fails on binary payloads.

use base64::alphabet;
use base64::engine::general_purpose::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use cloudevents::event::ExtensionValue;
use cloudevents::{AttributesReader, Data, Event};
use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderValue};
use serde_json::{Map, Value};

use super::assemble::{Assembler, CONTEXT_ATTRIBUTES};
use super::attributes::attributes;
use super::error::{json_type, DecodeError, EncodeError};
use super::media::{is_json, BATCH_JSON, STRUCTURED_JSON};

/// Accepts `data_base64` with or without `=` padding, since producers
/// differ.
const BASE64_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Encodes an event in structured mode: `Content-Type:
/// application/cloudevents+json` and the whole event as a JSON object.
///
/// Extensions keep their type: booleans and integers are JSON booleans and
/// numbers, so `false` and `0` survive. The data is written as
///
/// - `data_base64`, standard base64 with padding, for [`Data::Binary`],
///   whatever the `datacontenttype`;
/// - `data` as the JSON value itself for [`Data::Json`];
/// - for [`Data::String`], `data` as the parsed JSON document when the
///   `datacontenttype` is JSON (subtype `json` or `+json`), and as a JSON
///   string otherwise. Binary mode sends the same string as the body, so
///   both modes then carry the same document.
///
/// This is the mode for signed webhooks, because the signature covers the
/// body and so every attribute.
///
/// # Errors
///
/// [`EncodeError`] when the event is not CloudEvents 1.0, has an empty
/// required attribute or an invalid extension name, or has string data
/// that a JSON `datacontenttype` claims is JSON but is not.
///
/// # Example
///
/// ```
/// use hookforge::cloudevents::http::to_structured;
/// use hookforge::cloudevents::sdk::{EventBuilder, EventBuilderV10};
///
/// let event = EventBuilderV10::new()
///     .id("evt_1")
///     .source("/billing")
///     .ty("invoice.paid")
///     .data("application/json", serde_json::json!({"invoice": "in_1"}))
///     .build()?;
/// let (headers, body) = to_structured(&event)?;
/// assert_eq!(headers["content-type"], "application/cloudevents+json");
/// let json: serde_json::Value = serde_json::from_slice(&body)?;
/// assert_eq!(json["data"]["invoice"], "in_1");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_structured(event: &Event) -> Result<(HeaderMap, Vec<u8>), EncodeError> {
    let object = event_to_json(event)?;
    let body = serde_json::to_vec(&object).map_err(EncodeError::Json)?;
    Ok((content_type(STRUCTURED_JSON), body))
}

/// Encodes events as one batch: `Content-Type:
/// application/cloudevents-batch+json` and a JSON array of events, each
/// written as [`to_structured`] writes it.
///
/// # Errors
///
/// The first [`EncodeError`] of any event.
///
/// # Example
///
/// ```
/// use hookforge::cloudevents::http::{from_http_batch, to_structured_batch};
/// use hookforge::cloudevents::sdk::{EventBuilder, EventBuilderV10};
///
/// let event = EventBuilderV10::new().id("1").source("/s").ty("t").build()?;
/// let (headers, body) = to_structured_batch(&[event.clone(), event])?;
/// assert_eq!(from_http_batch(&headers, &body)?.len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_structured_batch(events: &[Event]) -> Result<(HeaderMap, Vec<u8>), EncodeError> {
    let array = events
        .iter()
        .map(|event| event_to_json(event).map(Value::Object))
        .collect::<Result<Vec<_>, _>>()?;
    let body = serde_json::to_vec(&array).map_err(EncodeError::Json)?;
    Ok((content_type(BATCH_JSON), body))
}

fn content_type(media_type: &'static str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(media_type));
    headers
}

fn event_to_json(event: &Event) -> Result<Map<String, Value>, EncodeError> {
    let mut object = Map::new();
    for (name, value) in attributes(event)? {
        let value = match value {
            ExtensionValue::String(text) => Value::String(text),
            ExtensionValue::Boolean(flag) => Value::Bool(flag),
            ExtensionValue::Integer(number) => Value::from(number),
        };
        object.insert(name, value);
    }
    match event.data() {
        None => {}
        Some(Data::Binary(bytes)) => {
            object.insert(
                "data_base64".to_owned(),
                Value::String(STANDARD.encode(bytes)),
            );
        }
        Some(Data::Json(value)) => {
            object.insert("data".to_owned(), value.clone());
        }
        Some(Data::String(text)) => {
            let value = match event.datacontenttype() {
                Some(content_type) if is_json(content_type) => {
                    serde_json::from_str(text).map_err(|source| EncodeError::InvalidJsonData {
                        content_type: content_type.to_owned(),
                        source,
                    })?
                }
                _ => Value::String(text.clone()),
            };
            object.insert("data".to_owned(), value);
        }
    }
    Ok(object)
}

/// Decodes one structured-mode event from a JSON body.
pub(super) fn decode(body: &[u8]) -> Result<Event, DecodeError> {
    let value: Value = serde_json::from_slice(body).map_err(DecodeError::InvalidJson)?;
    event_from_json(value)
}

/// Decodes a JSON array of structured-mode events.
pub(super) fn decode_batch(body: &[u8]) -> Result<Vec<Event>, DecodeError> {
    let value: Value = serde_json::from_slice(body).map_err(DecodeError::InvalidJson)?;
    let Value::Array(elements) = value else {
        return Err(DecodeError::UnexpectedJson {
            expected: "an array",
            found: json_type(&value),
        });
    };
    elements
        .into_iter()
        .enumerate()
        .map(|(index, element)| {
            event_from_json(element).map_err(|error| DecodeError::BatchElement {
                index,
                source: Box::new(error),
            })
        })
        .collect()
}

fn event_from_json(value: Value) -> Result<Event, DecodeError> {
    let Value::Object(mut object) = value else {
        return Err(DecodeError::UnexpectedJson {
            expected: "an object",
            found: json_type(&value),
        });
    };
    let mut assembler = Assembler::new();
    match object.remove("specversion") {
        None | Some(Value::Null) => {
            return Err(DecodeError::MissingAttribute {
                name: "specversion",
            })
        }
        Some(Value::String(version)) => assembler.set_specversion(&version)?,
        Some(other) => return Err(type_error("specversion", "string", &other)),
    }

    let data = decode_data(&mut object)?;
    for (name, value) in object {
        match value {
            // The JSON format treats a null attribute as absent.
            Value::Null => {}
            Value::String(text) => {
                if !assembler.set_attribute(&name, text.clone())? {
                    assembler.set_extension(&name, ExtensionValue::String(text))?;
                }
            }
            other if CONTEXT_ATTRIBUTES.contains(&name.as_str()) => {
                return Err(type_error(&name, "string", &other));
            }
            Value::Bool(flag) => assembler.set_extension(&name, ExtensionValue::Boolean(flag))?,
            // NOTE: CloudEvents 1.0 defines Integer as 32-bit signed, but the
            // SDK's `ExtensionValue::Integer` is i64, so the wider range is
            // accepted here and encoded as given.
            Value::Number(ref number) => match number.as_i64() {
                Some(integer) => {
                    assembler.set_extension(&name, ExtensionValue::Integer(integer))?
                }
                None => {
                    return Err(DecodeError::InvalidAttribute {
                        name,
                        reason: format!(
                            "{number} is not an integer within i64; extension values are \
                             strings, booleans or integers"
                        ),
                    })
                }
            },
            other => return Err(type_error(&name, "string, boolean or integer", &other)),
        }
    }
    if let Some(data) = data {
        assembler.set_data(data);
    }
    assembler.finish()
}

/// Removes `data` and `data_base64` from the object and returns the data.
///
/// `data_base64` always gives [`Data::Binary`], never parsed, whatever the
/// `datacontenttype`. `data` gives [`Data::Json`] when the
/// `datacontenttype` is absent (the JSON format then implies JSON) or JSON,
/// [`Data::String`] for a JSON string under any other content type, and
/// [`Data::Json`] for other values.
fn decode_data(object: &mut Map<String, Value>) -> Result<Option<Data>, DecodeError> {
    let data = object.remove("data");
    let data_base64 = object.remove("data_base64");
    if data.is_some() && data_base64.is_some() {
        return Err(DecodeError::DataAndDataBase64);
    }
    if let Some(encoded) = data_base64 {
        return match encoded {
            Value::Null => Ok(None),
            Value::String(encoded) => BASE64_LENIENT
                .decode(encoded)
                .map(|bytes| Some(Data::Binary(bytes)))
                .map_err(|error| DecodeError::InvalidDataBase64 {
                    reason: error.to_string(),
                }),
            other => Err(type_error("data_base64", "string", &other)),
        };
    }
    let Some(value) = data else {
        return Ok(None);
    };
    let json_content = match object.get("datacontenttype") {
        Some(Value::String(content_type)) => is_json(content_type),
        _ => true,
    };
    Ok(Some(match value {
        Value::String(text) if !json_content => Data::String(text),
        value => Data::Json(value),
    }))
}

fn type_error(name: &str, expected: &'static str, value: &Value) -> DecodeError {
    DecodeError::InvalidAttributeType {
        name: name.to_owned(),
        expected,
        found: json_type(value),
    }
}
