//! Reads an [`Event`]'s attributes for encoding, with the checks both
//! HTTP modes share.

use chrono::SecondsFormat;
use cloudevents::event::{ExtensionValue, SpecVersion};
use cloudevents::{AttributesReader, Event};

use super::assemble::SPEC_VERSION;
use super::error::EncodeError;
use super::name::check_extension_name;

/// Returns the event's context attributes and extensions as name and
/// value, in a fixed order: the context attributes as strings, then the
/// extensions sorted by name.
///
/// # Errors
///
/// [`EncodeError`] when the event is not CloudEvents 1.0, a required or
/// non-empty attribute is empty, or an extension name is invalid.
pub(super) fn attributes(event: &Event) -> Result<Vec<(String, ExtensionValue)>, EncodeError> {
    if event.specversion() != SpecVersion::V10 {
        return Err(EncodeError::UnsupportedSpecVersion {
            version: event.specversion().to_string(),
        });
    }
    let mut attributes = vec![("specversion", SPEC_VERSION.to_owned())];
    for (name, value) in [
        ("id", event.id()),
        ("source", event.source()),
        ("type", event.ty()),
    ] {
        if value.is_empty() {
            return Err(EncodeError::EmptyAttribute { name });
        }
        attributes.push((name, value.to_owned()));
    }
    if let Some(subject) = event.subject() {
        if subject.is_empty() {
            return Err(EncodeError::EmptyAttribute { name: "subject" });
        }
        attributes.push(("subject", subject.to_owned()));
    }
    if let Some(content_type) = event.datacontenttype() {
        if content_type.is_empty() {
            return Err(EncodeError::EmptyAttribute {
                name: "datacontenttype",
            });
        }
        attributes.push(("datacontenttype", content_type.to_owned()));
    }
    if let Some(schema) = event.dataschema() {
        attributes.push(("dataschema", schema.as_str().to_owned()));
    }
    if let Some(time) = event.time() {
        // RFC 3339 in UTC with as many fractional digits as needed (0, 3,
        // 6 or 9), so nanosecond precision survives.
        attributes.push(("time", time.to_rfc3339_opts(SecondsFormat::AutoSi, true)));
    }

    let mut named: Vec<(String, ExtensionValue)> = attributes
        .into_iter()
        .map(|(name, value)| (name.to_owned(), ExtensionValue::String(value)))
        .collect();
    let mut extensions: Vec<(&str, &ExtensionValue)> = event.iter_extensions().collect();
    extensions.sort_by_key(|(name, _)| *name);
    for (name, value) in extensions {
        check_extension_name(name)?;
        named.push((name.to_owned(), value.clone()));
    }
    Ok(named)
}
