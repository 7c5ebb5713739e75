//! Field-type dispatch that keeps a wrong attribute field type to one
//! compile error.
//!
//! The derive emits one bound check per attribute field (the `assert_*`
//! functions) and calls the conversions through [`Probe`]. When the field
//! type meets the bound, the inherent methods of `Probe` apply. Otherwise
//! method lookup falls back to [`ProbeFallback`], whose methods compile for
//! any type, so the bound check is the only error reported.

use super::{
    invalid_derive_from, read_extension, read_id, read_subject, read_time, EventDraft,
    ExtensionAttribute, TextAttribute, TimeAttribute,
};
use crate::cloudevents::convert::{FromEventError, IntoEventError};
use cloudevents::Event;
use std::fmt::Display;
use std::marker::PhantomData;
use std::str::FromStr;

/// A handle on the field type `T`, through which generated code converts a
/// field to and from its attribute.
pub struct Probe<T>(PhantomData<T>);

impl<T> Probe<T> {
    /// Creates the handle.
    pub const fn new() -> Self {
        Self(PhantomData)
    }
}

impl<T> Default for Probe<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Probe<T>
where
    T: Display + FromStr,
    T::Err: Display,
{
    /// Sets the event `id` from the field.
    pub fn set_id(&self, draft: &mut EventDraft, value: &T) {
        draft.set_id(value);
    }

    /// Parses the event `id` into the field type.
    pub fn read_id(&self, event: &Event) -> Result<T, FromEventError> {
        read_id(event)
    }
}

impl<T: TimeAttribute> Probe<T> {
    /// Sets `time` from the field.
    pub fn set_time(&self, draft: &mut EventDraft, value: &T) {
        draft.set_time(value);
    }

    /// Reads `time` into the field type.
    pub fn read_time(&self, event: &Event) -> Result<T, FromEventError> {
        read_time(event)
    }
}

impl<T: TextAttribute> Probe<T> {
    /// Sets `subject` from the field.
    pub fn set_subject(&self, draft: &mut EventDraft, value: &T) {
        draft.set_subject(value);
    }

    /// Reads `subject` into the field type.
    pub fn read_subject(&self, event: &Event) -> Result<T, FromEventError> {
        read_subject(event)
    }
}

impl<T: ExtensionAttribute> Probe<T> {
    /// Adds the extension `name` from the field.
    pub fn set_extension(
        &self,
        draft: &mut EventDraft,
        name: &'static str,
        value: &T,
    ) -> Result<(), IntoEventError> {
        draft.set_extension(name, value)
    }

    /// Reads the extension `name` into the field type.
    pub fn read_extension(&self, event: &Event, name: &'static str) -> Result<T, FromEventError> {
        read_extension(event, name)
    }
}

/// The methods that apply when the field type fails its bound. They only
/// run in code that does not compile, because the matching `assert_*`
/// check fails, so they do nothing or return an error.
pub trait ProbeFallback<T> {
    /// Does nothing.
    fn set_id(&self, _draft: &mut EventDraft, _value: &T) {}

    /// Returns an error.
    fn read_id(&self, _event: &Event) -> Result<T, FromEventError> {
        Err(invalid_derive_from())
    }

    /// Does nothing.
    fn set_time(&self, _draft: &mut EventDraft, _value: &T) {}

    /// Returns an error.
    fn read_time(&self, _event: &Event) -> Result<T, FromEventError> {
        Err(invalid_derive_from())
    }

    /// Does nothing.
    fn set_subject(&self, _draft: &mut EventDraft, _value: &T) {}

    /// Returns an error.
    fn read_subject(&self, _event: &Event) -> Result<T, FromEventError> {
        Err(invalid_derive_from())
    }

    /// Does nothing.
    fn set_extension(
        &self,
        _draft: &mut EventDraft,
        _name: &'static str,
        _value: &T,
    ) -> Result<(), IntoEventError> {
        Ok(())
    }

    /// Returns an error.
    fn read_extension(&self, _event: &Event, _name: &'static str) -> Result<T, FromEventError> {
        Err(invalid_derive_from())
    }
}

impl<T> ProbeFallback<T> for Probe<T> {}

/// Checks at compile time that `T` can carry the event `id`.
pub fn assert_id<T>()
where
    T: Display + FromStr,
    T::Err: Display,
{
}

/// Checks at compile time that `T` can carry `time`.
pub fn assert_time<T: TimeAttribute>() {}

/// Checks at compile time that `T` can carry `subject`.
pub fn assert_subject<T: TextAttribute>() {}

/// Checks at compile time that `T` can be an extension value.
pub fn assert_extension<T: ExtensionAttribute>() {}
