//! Builds an [`Event`] from attributes as the decoders read them, with the
//! checks both HTTP modes share.

use chrono::{DateTime, Utc};
use cloudevents::event::{ExtensionValue, TryIntoUrl};
use cloudevents::{AttributesWriter, Data, Event};

use super::error::DecodeError;
use super::name::check_extension_name;

/// The only `specversion` decoded.
pub(super) const SPEC_VERSION: &str = "1.0";

/// The context attributes other than `specversion`, which every
/// [`Assembler::set_attribute`] call accepts.
pub(super) const CONTEXT_ATTRIBUTES: [&str; 7] = [
    "id",
    "source",
    "type",
    "subject",
    "datacontenttype",
    "dataschema",
    "time",
];

/// An event under construction. Required attributes are tracked so that
/// [`finish`](Self::finish) can name the first one missing.
pub(super) struct Assembler {
    event: Event,
    has_specversion: bool,
    has_id: bool,
    has_source: bool,
    has_type: bool,
}

impl Assembler {
    pub(super) fn new() -> Self {
        let mut event = Event::default();
        // `Event::default()` sets `time` to now; a decoded event has a
        // time only when the message carries one.
        event.set_time(None::<DateTime<Utc>>);
        Self {
            event,
            has_specversion: false,
            has_id: false,
            has_source: false,
            has_type: false,
        }
    }

    pub(super) fn set_specversion(&mut self, version: &str) -> Result<(), DecodeError> {
        if version != SPEC_VERSION {
            return Err(DecodeError::UnsupportedSpecVersion {
                version: version.to_owned(),
            });
        }
        self.has_specversion = true;
        Ok(())
    }

    /// Sets the context attribute `name`, one of [`CONTEXT_ATTRIBUTES`],
    /// from its string form. Returns `false`, and changes nothing, for any
    /// other name.
    pub(super) fn set_attribute(&mut self, name: &str, value: String) -> Result<bool, DecodeError> {
        match name {
            "id" => {
                self.event.set_id(non_empty(name, value)?);
                self.has_id = true;
            }
            "source" => {
                self.event.set_source(non_empty(name, value)?);
                self.has_source = true;
            }
            "type" => {
                self.event.set_type(non_empty(name, value)?);
                self.has_type = true;
            }
            "subject" => {
                self.event.set_subject(Some(non_empty(name, value)?));
            }
            "datacontenttype" => {
                self.event
                    .set_datacontenttype(Some(non_empty(name, value)?));
            }
            "dataschema" => {
                let url = value
                    .as_str()
                    .into_url()
                    .map_err(|error| invalid(name, &value, error))?;
                self.event.set_dataschema(Some(url));
            }
            "time" => {
                let time = DateTime::parse_from_rfc3339(&value)
                    .map_err(|error| invalid(name, &value, error))?;
                self.event.set_time(Some(time.with_timezone(&Utc)));
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    pub(super) fn set_extension(
        &mut self,
        name: &str,
        value: ExtensionValue,
    ) -> Result<(), DecodeError> {
        check_extension_name(name)?;
        self.event.set_extension(name, value);
        Ok(())
    }

    pub(super) fn set_data(&mut self, data: Data) {
        self.event.set_data_unchecked(data);
    }

    pub(super) fn finish(self) -> Result<Event, DecodeError> {
        let required = [
            ("specversion", self.has_specversion),
            ("id", self.has_id),
            ("source", self.has_source),
            ("type", self.has_type),
        ];
        if let Some((name, _)) = required.into_iter().find(|(_, present)| !present) {
            return Err(DecodeError::MissingAttribute { name });
        }
        Ok(self.event)
    }
}

fn non_empty(name: &str, value: String) -> Result<String, DecodeError> {
    if value.is_empty() {
        return Err(DecodeError::InvalidAttribute {
            name: name.to_owned(),
            reason: "the value is empty; CloudEvents requires a non-empty string".to_owned(),
        });
    }
    Ok(value)
}

fn invalid(name: &str, value: &str, error: impl std::fmt::Display) -> DecodeError {
    DecodeError::InvalidAttribute {
        name: name.to_owned(),
        reason: format!("{value:?}: {error}"),
    }
}
