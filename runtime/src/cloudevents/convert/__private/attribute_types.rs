//! The field types that can carry each context attribute, as traits that
//! name the accepted types in their compile errors.

use chrono::{DateTime, Utc};
use cloudevents::event::ExtensionValue;

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
