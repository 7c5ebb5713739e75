//! Extension attribute names.

/// The context attributes of CloudEvents 1.0 and the JSON format's data
/// members. An extension with one of these names would collide with them in
/// both HTTP modes.
const RESERVED: [&str; 10] = [
    "specversion",
    "id",
    "source",
    "type",
    "datacontenttype",
    "dataschema",
    "subject",
    "time",
    "data",
    "data_base64",
];

/// The maximum extension name length that CloudEvents 1.0 recommends, as a
/// SHOULD-level rule.
pub const RECOMMENDED_MAX_NAME_LEN: usize = 20;

/// Warnings about an extension name that is valid but breaks a SHOULD-level
/// rule of CloudEvents 1.0. Such names are accepted when encoding and
/// decoding.
///
/// # Example
///
/// ```
/// use hookforge::cloudevents::http::check_extension_name;
///
/// let advice = check_extension_name("1abc")?;
/// assert!(advice.starts_with_digit);
/// assert!(!advice.is_clean());
/// # Ok::<(), hookforge::cloudevents::http::ExtensionNameError>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NameAdvice {
    /// The name is longer than [`RECOMMENDED_MAX_NAME_LEN`] characters.
    pub too_long: bool,
    /// The name starts with a digit.
    pub starts_with_digit: bool,
}

impl NameAdvice {
    /// Returns `true` when the name raises no warning.
    pub fn is_clean(&self) -> bool {
        !self.too_long && !self.starts_with_digit
    }
}

/// The reason an extension attribute name is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExtensionNameError {
    /// The name is empty.
    #[error("the extension name is empty")]
    Empty,
    /// The name contains a character other than `a`-`z` and `0`-`9`.
    #[error(
        "extension name {name:?} contains {character:?}; names may contain only lowercase \
         letters a-z and digits 0-9"
    )]
    InvalidCharacter {
        /// The name as given.
        name: String,
        /// The first character that is not allowed.
        character: char,
    },
    /// The name is a CloudEvents context attribute or `data`/`data_base64`.
    #[error("extension name {0:?} is reserved by CloudEvents for a context attribute or the data")]
    Reserved(String),
}

/// Checks an extension attribute name against CloudEvents 1.0.
///
/// A name must be non-empty, contain only ASCII lowercase letters and
/// digits, and must not be a context attribute name (`id`, `type`, ...),
/// `data` or `data_base64`. Uppercase letters are rejected, not lowercased,
/// because `Traceparent` and `traceparent` are different names in
/// structured mode but the same header in binary mode.
///
/// Names longer than 20 characters or starting with a digit break only
/// SHOULD-level rules, so they are accepted, and the returned
/// [`NameAdvice`] flags them.
///
/// # Errors
///
/// [`ExtensionNameError`] for an empty, reserved or malformed name.
///
/// # Example
///
/// ```
/// use hookforge::cloudevents::http::{check_extension_name, ExtensionNameError};
///
/// assert!(check_extension_name("traceparent")?.is_clean());
/// assert!(matches!(
///     check_extension_name("Traceparent"),
///     Err(ExtensionNameError::InvalidCharacter { character: 'T', .. })
/// ));
/// # Ok::<(), ExtensionNameError>(())
/// ```
pub fn check_extension_name(name: &str) -> Result<NameAdvice, ExtensionNameError> {
    if name.is_empty() {
        return Err(ExtensionNameError::Empty);
    }
    if let Some(character) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit()))
    {
        return Err(ExtensionNameError::InvalidCharacter {
            name: name.to_owned(),
            character,
        });
    }
    if RESERVED.contains(&name) {
        return Err(ExtensionNameError::Reserved(name.to_owned()));
    }
    Ok(NameAdvice {
        too_long: name.len() > RECOMMENDED_MAX_NAME_LEN,
        starts_with_digit: name.starts_with(|c: char| c.is_ascii_digit()),
    })
}
