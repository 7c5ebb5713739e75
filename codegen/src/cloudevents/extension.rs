//! The `x-cloudevents` message extension, which declares the fixed
//! attributes of the CloudEvent a message carries.

use serde_json::Value;

use crate::validate::suggest::closest;

/// Name of the message extension.
pub const EXTENSION: &str = "x-cloudevents";

/// Fields the extension accepts.
const FIELDS: &[&str] = &["type", "source", "subject", "dataschema", "datacontenttype"];

/// The fixed context attributes of a message's CloudEvent, as the
/// `#[cloudevent(...)]` derive attribute takes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CloudEventAttributes {
    /// The event `type`, such as `com.example.order.created`.
    pub ty: String,
    /// The event `source`, a URI reference such as `/orders`.
    pub source: String,
    /// A fixed `subject`.
    pub subject: Option<String>,
    /// The `dataschema`, an absolute URI.
    pub dataschema: Option<String>,
    /// The `datacontenttype`, a JSON media type.
    pub datacontenttype: Option<String>,
}

/// A problem with an `x-cloudevents` value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExtensionError {
    /// The value is not a mapping.
    #[error("`x-cloudevents` must be a mapping, found {found}")]
    NotAMapping {
        /// JSON type of the value found.
        found: &'static str,
    },
    /// `type` or `source` is missing.
    #[error("`x-cloudevents` is missing the required field `{field}`")]
    Missing {
        /// The missing field.
        field: &'static str,
    },
    /// A field is not a string.
    #[error("`x-cloudevents` field `{field}` must be a string, found {found}")]
    NotAString {
        /// The field.
        field: String,
        /// JSON type of the value found.
        found: &'static str,
    },
    /// A field is an empty string.
    #[error("`x-cloudevents` field `{field}` must not be empty")]
    Empty {
        /// The field.
        field: String,
    },
    /// A field the extension does not define.
    #[error("`x-cloudevents` has no field `{field}`")]
    UnknownField {
        /// The field as written.
        field: String,
        /// A defined field with a similar name.
        suggestion: Option<&'static str>,
    },
    /// `dataschema` is not an absolute URI.
    #[error("`x-cloudevents` field `dataschema` must be an absolute URI, found {value:?}")]
    NotAbsoluteUri {
        /// The value found.
        value: String,
    },
    /// `datacontenttype` is not a JSON media type.
    #[error("`x-cloudevents` field `datacontenttype` must be a JSON media type, found {value:?}")]
    NotJsonMediaType {
        /// The value found.
        value: String,
    },
}

impl ExtensionError {
    /// Returns the field of the extension the problem is in, or `None` for
    /// the extension as a whole (a wrong type or a missing field).
    pub fn field(&self) -> Option<&str> {
        match self {
            ExtensionError::NotAMapping { .. } | ExtensionError::Missing { .. } => None,
            ExtensionError::NotAString { field, .. }
            | ExtensionError::Empty { field }
            | ExtensionError::UnknownField { field, .. } => Some(field),
            ExtensionError::NotAbsoluteUri { .. } => Some("dataschema"),
            ExtensionError::NotJsonMediaType { .. } => Some("datacontenttype"),
        }
    }

    /// Returns how to fix the problem.
    pub fn help(&self) -> String {
        match self {
            ExtensionError::NotAMapping { .. } | ExtensionError::Missing { .. } => {
                "write `x-cloudevents: {type: com.example.order.created, source: /orders}`; \
                 `subject`, `dataschema` and `datacontenttype` are optional"
                    .to_owned()
            }
            ExtensionError::NotAString { field, .. } | ExtensionError::Empty { field } => {
                format!("give `{field}` a non-empty string value")
            }
            ExtensionError::UnknownField {
                field,
                suggestion: Some(near),
            } => format!("did you mean `{near}`? Otherwise remove `{field}`"),
            ExtensionError::UnknownField {
                field,
                suggestion: None,
            } => format!(
                "remove `{field}`; `x-cloudevents` has: {}",
                FIELDS.join(", ")
            ),
            ExtensionError::NotAbsoluteUri { .. } => {
                "use a URI with a scheme, such as https://example.com/schemas/order.json".to_owned()
            }
            ExtensionError::NotJsonMediaType { .. } => {
                "use application/json or another JSON media type (`+json`); generated \
                 CloudEvent conversions encode the data as JSON"
                    .to_owned()
            }
        }
    }
}

/// Parses an `x-cloudevents` value. Returns every problem found when the
/// value is not a valid declaration.
///
/// # Examples
///
/// ```
/// use hookforge_codegen::cloudevents::parse_extension;
///
/// let value = serde_json::json!({"type": "com.example.order.created", "source": "/orders"});
/// let attributes = parse_extension(&value).expect("type and source are strings");
/// assert_eq!(attributes.ty, "com.example.order.created");
/// assert_eq!(attributes.subject, None);
///
/// let errors = parse_extension(&serde_json::json!({"type": 3})).unwrap_err();
/// assert_eq!(errors.len(), 2); // `type` is no string and `source` is missing
/// ```
pub fn parse_extension(value: &Value) -> Result<CloudEventAttributes, Vec<ExtensionError>> {
    let Value::Object(fields) = value else {
        return Err(vec![ExtensionError::NotAMapping {
            found: json_type(value),
        }]);
    };

    let mut errors = Vec::new();
    for key in fields.keys() {
        if !FIELDS.contains(&key.as_str()) {
            errors.push(ExtensionError::UnknownField {
                field: key.clone(),
                suggestion: closest(key, FIELDS.iter().copied()),
            });
        }
    }

    let mut string = |field: &'static str, required: bool| -> Option<String> {
        match fields.get(field) {
            None if required => {
                errors.push(ExtensionError::Missing { field });
                None
            }
            None => None,
            Some(Value::String(text)) if text.is_empty() => {
                errors.push(ExtensionError::Empty {
                    field: field.to_owned(),
                });
                None
            }
            Some(Value::String(text)) => Some(text.clone()),
            Some(other) => {
                errors.push(ExtensionError::NotAString {
                    field: field.to_owned(),
                    found: json_type(other),
                });
                None
            }
        }
    };
    let ty = string("type", true);
    let source = string("source", true);
    let subject = string("subject", false);
    let dataschema = string("dataschema", false);
    let datacontenttype = string("datacontenttype", false);

    if let Some(value) = dataschema.as_deref().filter(|v| !is_absolute_uri(v)) {
        errors.push(ExtensionError::NotAbsoluteUri {
            value: value.to_owned(),
        });
    }
    if let Some(value) = datacontenttype
        .as_deref()
        .filter(|v| !is_json_media_type(v))
    {
        errors.push(ExtensionError::NotJsonMediaType {
            value: value.to_owned(),
        });
    }

    match (ty, source) {
        (Some(ty), Some(source)) if errors.is_empty() => Ok(CloudEventAttributes {
            ty,
            source,
            subject,
            dataschema,
            datacontenttype,
        }),
        _ => Err(errors),
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a sequence",
        Value::Object(_) => "a mapping",
    }
}

/// Checks whether `value` is an absolute URI: a scheme (a letter, then letters,
/// digits, `+`, `-` or `.`), a colon and a non-empty rest without spaces.
/// This is the rule `#[derive(CloudEvent)]` applies to `dataschema`.
fn is_absolute_uri(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !value.chars().any(char::is_whitespace)
}

/// Checks whether `media_type` is a JSON media type (`application/json`,
/// `text/json` or a `+json` suffix). This is the rule `#[derive(CloudEvent)]`
/// applies to `datacontenttype`.
fn is_json_media_type(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence == "text/json" || essence.ends_with("+json")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn full_declaration_parses() {
        let value = json!({
            "type": "t", "source": "/s", "subject": "x",
            "dataschema": "https://example.com/s.json", "datacontenttype": "application/cloudevents+json"
        });
        let attributes = parse_extension(&value).expect("valid");
        assert_eq!(attributes.source, "/s");
        assert_eq!(attributes.subject.as_deref(), Some("x"));
        assert_eq!(
            attributes.dataschema.as_deref(),
            Some("https://example.com/s.json")
        );
    }

    #[test]
    fn wrong_shapes_are_each_reported() {
        let errors = parse_extension(&json!({"type": "", "soruce": "/s", "dataschema": "/rel", "datacontenttype": "text/plain"}))
            .expect_err("invalid");
        assert!(errors.contains(&ExtensionError::Empty {
            field: "type".into()
        }));
        assert!(errors.contains(&ExtensionError::Missing { field: "source" }));
        assert!(errors.contains(&ExtensionError::UnknownField {
            field: "soruce".into(),
            suggestion: Some("source")
        }));
        assert!(errors.contains(&ExtensionError::NotAbsoluteUri {
            value: "/rel".into()
        }));
        assert!(errors.contains(&ExtensionError::NotJsonMediaType {
            value: "text/plain".into()
        }));
        assert_eq!(errors.len(), 5);
    }

    #[test]
    fn non_mapping_is_rejected() {
        let errors = parse_extension(&json!("com.example")).expect_err("invalid");
        assert_eq!(errors, [ExtensionError::NotAMapping { found: "a string" }]);
        assert_eq!(errors[0].field(), None);
    }

    #[test]
    fn extension_style_keys_are_unknown() {
        let errors = parse_extension(&json!({"type": "t", "source": "s", "x-note": 1}))
            .expect_err("invalid");
        assert_eq!(errors[0].field(), Some("x-note"));
    }
}
