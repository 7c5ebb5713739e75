//! JSON Schema validation of received payloads.
//!
//! Generated receivers check each payload against its message's JSON Schema
//! before decoding it, to catch what the Rust types cannot express:
//! patterns, lengths, ranges and formats. The schema is the self-contained
//! draft-07 document that `hookforge_codegen::bundle::schema_json` writes,
//! embedded in the generated code as a string.
//!
//! Validation uses the `jsonschema` crate without its default features, so
//! it never fetches anything: a `$ref` to a remote or file URI fails to
//! compile. `format` is asserted, not only annotated, for every format that
//! draft-07 defines (`date-time`, `email`, `ipv4`, `uri`, ...) and for
//! `uuid` and `duration`, which draft 2019-09 added and AsyncAPI documents
//! use. Other unknown formats are ignored.
//!
//! # Error body
//!
//! [`ValidationErrors`] serializes to the JSON body a receiver returns with
//! `400 Bad Request`:
//!
//! ```json
//! {
//!   "errors": [
//!     {
//!       "instance_path": "/amount",
//!       "keyword": "minimum",
//!       "schema_path": "/properties/amount/minimum",
//!       "message": "-5 is less than the minimum of 0"
//!     }
//!   ],
//!   "truncated": false
//! }
//! ```
//!
//! `instance_path` is a JSON pointer into the payload (empty for the whole
//! payload), `schema_path` a JSON pointer into the schema, and `truncated`
//! is `true` when more than [`MAX_REPORTED_ERRORS`] errors were found and
//! the rest were left out.

use std::fmt;
use std::sync::OnceLock;

use jsonschema::Validator;
use serde::Serialize;

/// Maximum number of errors one validation reports.
pub const MAX_REPORTED_ERRORS: usize = 20;

/// Maximum length of one error message, in characters. Messages quote the
/// failing value, which may be a long string from the sender.
const MAX_MESSAGE_CHARS: usize = 200;

/// The JSON Schema of one message's payload or headers, compiled on first
/// use.
///
/// `PayloadSchema::new` is `const`, so generated code keeps each schema in
/// a `static`. Compilation runs once, on the first call to
/// [`PayloadSchema::validate`] or [`PayloadSchema::compile`], and its
/// result, success or failure, is shared by every thread.
///
/// # Examples
///
/// ```
/// use hookforge::validation::{PayloadError, PayloadSchema};
/// use serde_json::json;
///
/// static ORDER: PayloadSchema = PayloadSchema::new(
///     r#"{
///         "$schema": "http://json-schema.org/draft-07/schema#",
///         "type": "object",
///         "required": ["id"],
///         "properties": {"id": {"type": "string", "format": "uuid"}}
///     }"#,
/// );
///
/// assert!(ORDER.validate(&json!({"id": "67e55044-10b1-426f-9247-bb680e5fe0c8"})).is_ok());
///
/// let Err(PayloadError::Invalid(errors)) = ORDER.validate(&json!({"id": "42"})) else {
///     panic!("42 is not a UUID");
/// };
/// assert_eq!(errors.errors[0].instance_path, "/id");
/// assert_eq!(errors.errors[0].keyword, "format");
/// ```
pub struct PayloadSchema {
    source: &'static str,
    compiled: OnceLock<Result<Validator, SchemaError>>,
}

impl PayloadSchema {
    /// Creates a schema from its JSON text. Nothing is parsed until first
    /// use.
    pub const fn new(source: &'static str) -> PayloadSchema {
        PayloadSchema {
            source,
            compiled: OnceLock::new(),
        }
    }

    /// Returns the JSON text the schema was created from.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// Compiles the schema unless that was done before, and returns the
    /// outcome. Generated code may call it at startup to find a broken
    /// schema before the first request.
    ///
    /// # Errors
    ///
    /// Returns [`SchemaError`] when the text is not JSON or not a valid
    /// draft-07 schema, or when it has a `$ref` outside itself.
    pub fn compile(&self) -> Result<(), SchemaError> {
        self.validator().map(|_| ())
    }

    fn validator(&self) -> Result<&Validator, SchemaError> {
        self.compiled
            .get_or_init(|| compile(self.source))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Validates `instance` against the schema.
    ///
    /// # Errors
    ///
    /// Returns [`PayloadError::Invalid`] with up to
    /// [`MAX_REPORTED_ERRORS`] errors when `instance` does not match, and
    /// [`PayloadError::Schema`] when the schema itself does not compile.
    pub fn validate(&self, instance: &serde_json::Value) -> Result<(), PayloadError> {
        let validator = self.validator()?;
        let mut errors = Vec::new();
        let mut truncated = false;
        for error in validator.iter_errors(instance) {
            if errors.len() == MAX_REPORTED_ERRORS {
                truncated = true;
                break;
            }
            errors.push(ValidationIssue {
                instance_path: error.instance_path().to_string(),
                keyword: error.kind().keyword().to_owned(),
                schema_path: error.schema_path().to_string(),
                message: shorten(error.to_string()),
            });
        }
        if errors.is_empty() {
            return Ok(());
        }
        Err(PayloadError::Invalid(ValidationErrors {
            errors,
            truncated,
        }))
    }
}

impl fmt::Debug for PayloadSchema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.compiled.get() {
            None => "not compiled",
            Some(Ok(_)) => "compiled",
            Some(Err(_)) => "failed to compile",
        };
        f.debug_struct("PayloadSchema")
            .field("source_bytes", &self.source.len())
            .field("state", &state)
            .finish()
    }
}

fn compile(source: &str) -> Result<Validator, SchemaError> {
    let schema: serde_json::Value =
        serde_json::from_str(source).map_err(|error| SchemaError::Json(error.to_string()))?;
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .with_format("uuid", is_uuid)
        .with_format("duration", is_duration)
        .build(&schema)
        .map_err(|error| SchemaError::Invalid(error.to_string()))
}

/// Checks the text form of a UUID (RFC 9562): 32 hexadecimal digits in
/// groups of 8, 4, 4, 4 and 12, separated by `-`, in either case.
fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Checks an ISO 8601 duration as RFC 3339 appendix A defines it: `P`,
/// then weeks alone (`P2W`), or date parts (`Y`, `M`, `D`, in order) and
/// an optional `T` with time parts (`H`, `M`, `S`, in order). Every part is
/// whole digits, at least one part is given, and a `T` has at least one.
fn is_duration(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('P') else {
        return false;
    };
    if let Some(weeks) = rest.strip_suffix('W') {
        return !weeks.is_empty() && weeks.bytes().all(|b| b.is_ascii_digit());
    }
    let (date, time) = match rest.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (rest, None),
    };
    let Some(date_parts) = duration_parts(date, b"YMD") else {
        return false;
    };
    let time_parts = match time {
        None => 0,
        Some(time) => match duration_parts(time, b"HMS") {
            Some(0) | None => return false,
            Some(count) => count,
        },
    };
    date_parts + time_parts > 0
}

/// Counts the `<digits><unit>` parts of `text` whose units appear in
/// `units` order, or returns `None` when `text` is not such a sequence.
fn duration_parts(text: &str, units: &[u8]) -> Option<usize> {
    let mut count = 0;
    let mut next_unit = 0;
    let mut digits = 0;
    for byte in text.bytes() {
        if byte.is_ascii_digit() {
            digits += 1;
            continue;
        }
        let position = units[next_unit..].iter().position(|&unit| unit == byte)?;
        if digits == 0 {
            return None;
        }
        next_unit += position + 1;
        digits = 0;
        count += 1;
    }
    (digits == 0).then_some(count)
}

fn shorten(message: String) -> String {
    match message.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((end, _)) => format!("{}...", &message[..end]),
        None => message,
    }
}

/// Why a [`PayloadSchema`] does not compile. In generated code this is a
/// bug of the generator, so a receiver answers `500`, not `400`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    /// The schema text is not JSON.
    #[error("the payload schema is not valid JSON: {0}")]
    Json(String),
    /// The schema is JSON but not a valid draft-07 schema, or it has a
    /// `$ref` that does not resolve inside it.
    #[error("the payload schema does not compile: {0}")]
    Invalid(String),
}

/// Why [`PayloadSchema::validate`] failed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum PayloadError {
    /// The instance does not match the schema.
    #[error(transparent)]
    Invalid(ValidationErrors),
    /// The schema does not compile.
    #[error(transparent)]
    Schema(#[from] SchemaError),
}

/// The errors found in one instance, in the order the validator reports
/// them; see the module documentation for the JSON shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct ValidationErrors {
    /// At most [`MAX_REPORTED_ERRORS`] errors, never empty.
    pub errors: Vec<ValidationIssue>,
    /// Whether more errors were found than `errors` lists.
    pub truncated: bool,
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the payload does not match its schema: ")?;
        for (index, issue) in self.errors.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{issue}")?;
        }
        if self.truncated {
            write!(f, "; and more errors after the first {MAX_REPORTED_ERRORS}")?;
        }
        Ok(())
    }
}

/// One place where an instance does not match its schema.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValidationIssue {
    /// JSON pointer to the failing value in the instance; empty for the
    /// whole instance.
    pub instance_path: String,
    /// The schema keyword that failed, such as `pattern` or `required`.
    pub keyword: String,
    /// JSON pointer to the failing keyword in the schema.
    pub schema_path: String,
    /// What is wrong, as the validator words it, cut after 200 characters.
    pub message: String,
}

impl fmt::Display for ValidationIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = if self.instance_path.is_empty() {
            "(root)"
        } else {
            &self.instance_path
        };
        write!(f, "{place}: {} (keyword {})", self.message, self.keyword)
    }
}
