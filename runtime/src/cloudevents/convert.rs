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

/// Support code for the impls that `#[derive(CloudEvent)]` generates.
///
/// Not a stable API: names and signatures change with the derive.
#[doc(hidden)]
pub mod __private {
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
    pub fn read_id<T>(event: &Event) -> Result<T, FromEventError>
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
    pub fn read_time<T: TimeAttribute>(event: &Event) -> Result<T, FromEventError> {
        T::from_time(event.time().copied()).ok_or(FromEventError::MissingAttribute { name: "time" })
    }

    /// Reads `subject` into a field.
    pub fn read_subject<T: TextAttribute>(event: &Event) -> Result<T, FromEventError> {
        T::from_text(event.subject()).ok_or(FromEventError::MissingAttribute { name: "subject" })
    }

    /// Reads the extension `name` into a field.
    pub fn read_extension<T: ExtensionAttribute>(
        event: &Event,
        name: &'static str,
    ) -> Result<T, FromEventError> {
        T::from_extension(event.extension(name)).map_err(|problem| match problem {
            ExtensionProblem::Missing => FromEventError::MissingAttribute { name },
            ExtensionProblem::Invalid(reason) => FromEventError::Attribute { name, reason },
        })
    }

    /// A field type that can carry the `time` attribute.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot carry the CloudEvents `time` attribute",
        label = "expected `DateTime<Utc>` or `Option<DateTime<Utc>>`"
    )]
    pub trait TimeAttribute: Sized {
        /// Converts the field to the attribute value, where `None` omits it.
        fn to_time(&self) -> Option<DateTime<Utc>>;
        /// Converts the attribute back, returning `None` when the field
        /// requires the attribute and the event lacks it.
        fn from_time(time: Option<DateTime<Utc>>) -> Option<Self>;
    }

    impl TimeAttribute for DateTime<Utc> {
        fn to_time(&self) -> Option<DateTime<Utc>> {
            Some(*self)
        }

        fn from_time(time: Option<DateTime<Utc>>) -> Option<Self> {
            time
        }
    }

    impl TimeAttribute for Option<DateTime<Utc>> {
        fn to_time(&self) -> Option<DateTime<Utc>> {
            *self
        }

        fn from_time(time: Option<DateTime<Utc>>) -> Option<Self> {
            Some(time)
        }
    }

    /// A type that can carry a string attribute such as `subject`.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot carry a CloudEvents string attribute",
        label = "expected `String` or `Option<String>`"
    )]
    pub trait TextAttribute: Sized {
        /// Converts the field to the attribute value, where `None` omits it.
        fn to_text(&self) -> Option<String>;
        /// Converts the attribute back, returning `None` when the field
        /// requires the attribute and the event lacks it.
        fn from_text(text: Option<&str>) -> Option<Self>;
    }

    impl TextAttribute for String {
        fn to_text(&self) -> Option<String> {
            Some(self.clone())
        }

        fn from_text(text: Option<&str>) -> Option<Self> {
            text.map(str::to_owned)
        }
    }

    impl TextAttribute for Option<String> {
        fn to_text(&self) -> Option<String> {
            self.clone()
        }

        fn from_text(text: Option<&str>) -> Option<Self> {
            Some(text.map(str::to_owned))
        }
    }

    /// The reason an extension value does not fit a field.
    pub enum ExtensionProblem {
        /// The event lacks the extension and the field is not an `Option`.
        Missing,
        /// The value has the wrong type or is out of range.
        Invalid(String),
    }

    /// A field type that maps to a CloudEvents extension value: `String`,
    /// `bool`, the integer types, and `Option` of one of them.
    ///
    /// Extensions arrive as strings from the HTTP binary mode, where every
    /// attribute is a header, so `bool` and integer fields also accept the
    /// canonical string forms (`true`, `-5`). A `String` field accepts any
    /// extension value in its canonical string form.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be a CloudEvents extension value",
        label = "expected `String`, `bool`, an integer type, or an `Option` of one of them"
    )]
    pub trait ExtensionAttribute: Sized {
        /// Converts the field to the extension value, where `None` omits the
        /// extension.
        fn to_extension(&self) -> Result<Option<ExtensionValue>, String>;
        /// Converts the event's extension, if any, back to the field type.
        fn from_extension(value: Option<&ExtensionValue>) -> Result<Self, ExtensionProblem>;
    }

    impl ExtensionAttribute for String {
        fn to_extension(&self) -> Result<Option<ExtensionValue>, String> {
            Ok(Some(ExtensionValue::String(self.clone())))
        }

        fn from_extension(value: Option<&ExtensionValue>) -> Result<Self, ExtensionProblem> {
            match value {
                Some(value) => Ok(value.to_string()),
                None => Err(ExtensionProblem::Missing),
            }
        }
    }

    impl ExtensionAttribute for bool {
        fn to_extension(&self) -> Result<Option<ExtensionValue>, String> {
            Ok(Some(ExtensionValue::Boolean(*self)))
        }

        fn from_extension(value: Option<&ExtensionValue>) -> Result<Self, ExtensionProblem> {
            match value {
                Some(ExtensionValue::Boolean(flag)) => Ok(*flag),
                Some(ExtensionValue::String(text)) => match text.as_str() {
                    "true" => Ok(true),
                    "false" => Ok(false),
                    _ => Err(ExtensionProblem::Invalid(format!(
                        "expected a boolean, found the string {text:?}"
                    ))),
                },
                Some(ExtensionValue::Integer(number)) => Err(ExtensionProblem::Invalid(format!(
                    "expected a boolean, found the integer {number}"
                ))),
                None => Err(ExtensionProblem::Missing),
            }
        }
    }

    /// Implements `ExtensionAttribute` for integer types through a checked
    /// conversion to and from the extension's `i64`.
    macro_rules! integer_extension {
        ($($int:ty),* $(,)?) => {$(
            impl ExtensionAttribute for $int {
                fn to_extension(&self) -> Result<Option<ExtensionValue>, String> {
                    i64::try_from(*self)
                        .map(|number| Some(ExtensionValue::Integer(number)))
                        .map_err(|_| format!("{self} does not fit a CloudEvents integer (i64)"))
                }

                fn from_extension(
                    value: Option<&ExtensionValue>,
                ) -> Result<Self, ExtensionProblem> {
                    let number = match value {
                        Some(ExtensionValue::Integer(number)) => *number,
                        Some(ExtensionValue::String(text)) => text.parse::<i64>().map_err(|_| {
                            ExtensionProblem::Invalid(format!(
                                "expected an integer, found the string {text:?}"
                            ))
                        })?,
                        Some(ExtensionValue::Boolean(flag)) => {
                            return Err(ExtensionProblem::Invalid(format!(
                                "expected an integer, found the boolean {flag}"
                            )))
                        }
                        None => return Err(ExtensionProblem::Missing),
                    };
                    <$int>::try_from(number).map_err(|_| {
                        ExtensionProblem::Invalid(format!(
                            "{number} is out of range for {}",
                            stringify!($int)
                        ))
                    })
                }
            }
        )*};
    }

    integer_extension!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

    impl<T: ExtensionAttribute> ExtensionAttribute for Option<T> {
        fn to_extension(&self) -> Result<Option<ExtensionValue>, String> {
            match self {
                Some(value) => value.to_extension(),
                None => Ok(None),
            }
        }

        fn from_extension(value: Option<&ExtensionValue>) -> Result<Self, ExtensionProblem> {
            match value {
                Some(_) => T::from_extension(value).map(Some),
                None => Ok(None),
            }
        }
    }
}
