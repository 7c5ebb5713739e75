//! Support code for the impls that `#[derive(CloudEvent)]` generates.
//!
//! Not a stable API: names and signatures change with the derive.

mod attribute_types;
mod probe;

pub use attribute_types::{ExtensionAttribute, ExtensionProblem, TextAttribute, TimeAttribute};
pub use probe::{assert_extension, assert_id, assert_subject, assert_time, Probe, ProbeFallback};

use super::{is_json_media_type, FromEventError, IntoEventError};
use chrono::{DateTime, Utc};
use cloudevents::event::{EventBuilder, EventBuilderV10, ExtensionValue, SpecVersion};
use cloudevents::{AttributesReader, Data, Event};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::Display;
use std::str::FromStr;

/// The attributes of an event under construction. `build` fills in the
/// defaults (a UUID v7 id and the current time) for those left unset.
pub struct EventDraft {
    ty: &'static str,
    source: &'static str,
    content_type: &'static str,
    dataschema: Option<&'static str>,
    id: Option<String>,
    /// `None` until a time field sets it, then `Some(None)` when that
    /// field is `None` and the event gets no `time`.
    time: Option<Option<DateTime<Utc>>>,
    subject: Option<String>,
    extensions: Vec<(&'static str, ExtensionValue)>,
}

impl EventDraft {
    /// Starts an event with its fixed attributes.
    pub fn new(ty: &'static str, source: &'static str, content_type: &'static str) -> Self {
        Self {
            ty,
            source,
            content_type,
            dataschema: None,
            id: None,
            time: None,
            subject: None,
            extensions: Vec::new(),
        }
    }

    /// Sets `dataschema`, an absolute URI.
    pub fn set_dataschema(&mut self, dataschema: &'static str) {
        self.dataschema = Some(dataschema);
    }

    /// Sets `id` from a field's `Display` output.
    pub fn set_id<T: Display + ?Sized>(&mut self, id: &T) {
        self.id = Some(id.to_string());
    }

    /// Sets `time` from a field; a `None` field leaves the event without
    /// `time` instead of defaulting to now.
    pub fn set_time<T: TimeAttribute>(&mut self, time: &T) {
        self.time = Some(time.to_time());
    }

    /// Sets `subject` to a fixed string from the derive's attributes.
    pub fn set_fixed_subject(&mut self, subject: &'static str) {
        self.subject = Some(subject.to_owned());
    }

    /// Sets `subject` from a field; `None` omits it.
    pub fn set_subject<T: TextAttribute>(&mut self, subject: &T) {
        self.subject = subject.to_text();
    }

    /// Adds the extension `name` unless the field is `None`.
    pub fn set_extension<T: ExtensionAttribute>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), IntoEventError> {
        let value = value
            .to_extension()
            .map_err(|reason| IntoEventError::Attribute { name, reason })?;
        if let Some(value) = value {
            self.extensions.push((name, value));
        }
        Ok(())
    }

    /// Serializes `data` to JSON and builds the event.
    pub fn build<T: Serialize + ?Sized>(self, data: &T) -> Result<Event, IntoEventError> {
        let data = serde_json::to_value(data).map_err(IntoEventError::Data)?;
        let id = self.id.unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
        let mut builder = EventBuilderV10::new()
            .id(id)
            .ty(self.ty)
            .source(self.source);
        builder = match self.dataschema {
            Some(schema) => builder.data_with_schema(self.content_type, schema, data),
            None => builder.data(self.content_type, data),
        };
        match self.time {
            Some(Some(time)) => builder = builder.time(time),
            Some(None) => {}
            None => builder = builder.time(Utc::now()),
        }
        if let Some(subject) = self.subject {
            builder = builder.subject(subject);
        }
        for (name, value) in self.extensions {
            builder = builder.extension(name, value);
        }
        builder.build().map_err(IntoEventError::Build)
    }
}

/// Checks the spec version, the `type` against `expected`, and that the
/// content type (absent means JSON) is a JSON media type.
pub fn check_envelope(
    event: &Event,
    expected: &'static [&'static str],
) -> Result<(), FromEventError> {
    let version = event.specversion();
    if version != SpecVersion::V10 {
        return Err(FromEventError::UnsupportedSpecVersion {
            found: version.as_str().to_owned(),
        });
    }
    if !expected.contains(&event.ty()) {
        return Err(FromEventError::WrongType {
            expected,
            found: event.ty().to_owned(),
        });
    }
    match event.datacontenttype() {
        Some(content_type) if !is_json_media_type(content_type) => {
            Err(FromEventError::UnsupportedContentType {
                found: content_type.to_owned(),
            })
        }
        _ => Ok(()),
    }
}

/// Returns the event's `type`.
pub fn event_type(event: &Event) -> &str {
    event.ty()
}

/// Returns the error of the fallback `TryFrom<&T>` impl that the derive
/// emits next to a `compile_error!`. It is never seen at run time,
/// because such code does not compile.
pub fn invalid_derive_into() -> IntoEventError {
    IntoEventError::Attribute {
        name: "type",
        reason: "the `CloudEvent` derive failed".to_owned(),
    }
}

/// Returns the error of the fallback `TryFrom<Event>` impl, like
/// [`invalid_derive_into`].
pub fn invalid_derive_from() -> FromEventError {
    FromEventError::Attribute {
        name: "type",
        reason: "the `CloudEvent` derive failed".to_owned(),
    }
}

/// Builds the error for an event whose `type` matches no enum variant.
pub fn wrong_type(event: &Event, expected: &'static [&'static str]) -> FromEventError {
    FromEventError::WrongType {
        expected,
        found: event.ty().to_owned(),
    }
}

/// Deserializes the event data, which may be stored as JSON, a string or
/// bytes.
pub fn read_data<T: DeserializeOwned>(event: &Event) -> Result<T, FromEventError> {
    match event.data() {
        None => Err(FromEventError::MissingData),
        Some(Data::Json(value)) => T::deserialize(value).map_err(FromEventError::Data),
        Some(Data::String(text)) => {
            serde_json::from_str(text).map_err(|error| match error.classify() {
                serde_json::error::Category::Data => FromEventError::Data(error),
                _ => FromEventError::StringDataNotJson(error),
            })
        }
        Some(Data::Binary(bytes)) => {
            serde_json::from_slice(bytes).map_err(|error| match error.classify() {
                serde_json::error::Category::Data => FromEventError::Data(error),
                _ => FromEventError::BinaryDataNotJson(error),
            })
        }
    }
}

/// Parses the event `id` into a field with `FromStr`.
fn read_id<T>(event: &Event) -> Result<T, FromEventError>
where
    T: FromStr,
    T::Err: Display,
{
    event
        .id()
        .parse()
        .map_err(|error: T::Err| FromEventError::Attribute {
            name: "id",
            reason: error.to_string(),
        })
}

/// Reads `time` into a field.
fn read_time<T: TimeAttribute>(event: &Event) -> Result<T, FromEventError> {
    T::from_time(event.time().copied()).ok_or(FromEventError::MissingAttribute { name: "time" })
}

/// Reads `subject` into a field.
fn read_subject<T: TextAttribute>(event: &Event) -> Result<T, FromEventError> {
    T::from_text(event.subject()).ok_or(FromEventError::MissingAttribute { name: "subject" })
}

/// Reads the extension `name` into a field.
fn read_extension<T: ExtensionAttribute>(
    event: &Event,
    name: &'static str,
) -> Result<T, FromEventError> {
    T::from_extension(event.extension(name)).map_err(|problem| match problem {
        ExtensionProblem::Missing => FromEventError::MissingAttribute { name },
        ExtensionProblem::Invalid(reason) => FromEventError::Attribute { name, reason },
    })
}
