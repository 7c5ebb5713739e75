//! String formats as types that check their syntax and keep the exact
//! wire text.
//!
//! Each type contains the string it was read from and serializes it back
//! unchanged, so a value round-trips byte for byte (`2024-01-01T00:00:00Z`
//! never becomes `2024-01-01T00:00:00+00:00`).

mod check;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A string that does not have the syntax its format requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    format: &'static str,
    text: String,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: {:?}", self.format, self.text)
    }
}

impl std::error::Error for FormatError {}

macro_rules! text_format {
    ($(#[$doc:meta])* $name:ident, $format:literal, $check:path) => {
        $(#[$doc])*
        // No `Ord`: the text order is not the order of the values (two
        // date-times with different offsets, say).
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            /// Checks `text` and wraps it.
            pub fn parse(text: impl Into<String>) -> Result<$name, FormatError> {
                let text = text.into();
                if $check(&text) {
                    Ok($name(text))
                } else {
                    Err(FormatError { format: $format, text })
                }
            }

            /// The text exactly as read or given.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Unwraps the text.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl FromStr for $name {
            type Err = FormatError;
            fn from_str(text: &str) -> Result<$name, FormatError> {
                $name::parse(text)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<$name, D::Error> {
                let text = String::deserialize(deserializer)?;
                $name::parse(text).map_err(serde::de::Error::custom)
            }
        }
    };
}

text_format!(
    /// An RFC 3339 `date-time`, such as `2024-05-01T12:30:00Z`.
    DateTime, "date-time", check::date_time
);
text_format!(
    /// An RFC 3339 `full-date`, such as `2024-05-01`.
    Date, "date", check::date
);
text_format!(
    /// An RFC 3339 time, such as `12:30:00Z`. The offset is optional here,
    /// because many real documents leave it out.
    Time, "time", check::time
);
text_format!(
    /// A UUID in its hyphenated text form.
    Uuid, "uuid", check::uuid
);
text_format!(
    /// An absolute URI with a scheme, such as `https://example.com/a`.
    Uri, "uri", check::uri
);
text_format!(
    /// An email address (`local@domain`, checked loosely).
    Email, "email", check::email
);
text_format!(
    /// Base64 text (standard or URL-safe alphabet, padding optional).
    Base64, "byte", check::base64
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_time_round_trips_exact_text() {
        let text = "\"2024-05-01T12:30:00.120+02:00\"";
        let value: DateTime = serde_json::from_str(text).expect("valid date-time");
        assert_eq!(serde_json::to_string(&value).expect("serializes"), text);
    }

    #[test]
    fn invalid_text_is_rejected_with_format_name() {
        let err = serde_json::from_str::<Date>("\"2024-02-30\"").expect_err("no 30 February");
        assert!(err.to_string().contains("invalid date"), "{err}");
    }
}
