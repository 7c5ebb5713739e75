//! Diagnostics: what is wrong with a document, where, and how to fix it.

use crate::source::Span;

/// How serious a diagnostic is. A document with any error is invalid;
/// warnings leave it valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The document is invalid or cannot be read.
    Error,
    /// The document is valid but something in it is likely a mistake or is
    /// not supported by code generation.
    Warning,
}

impl Severity {
    /// The lower-case name used in rendered output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $text:literal, )*) => {
        /// Stable identifier of a kind of diagnostic. The text form (for
        /// example `ref-unresolved`) is part of the JSON output and does not
        /// change between releases.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// The stable text form of the code.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( Code::$variant => $text, )*
                }
            }

            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$( Code::$variant, )*];
        }
    };
}

codes! {
    /// A file could not be read.
    Io = "io",
    /// The file is not well-formed YAML or JSON.
    Syntax = "syntax",
    /// A mapping has the same key twice.
    DuplicateKey = "duplicate-key",
    /// A loader limit (file size, nesting depth, alias expansion) was
    /// exceeded.
    LimitExceeded = "limit-exceeded",
    /// A YAML feature that has no JSON equivalent, such as a mapping used as
    /// a key.
    UnsupportedYaml = "unsupported-yaml",
    /// The document has no `asyncapi` field.
    VersionMissing = "version-missing",
    /// The `asyncapi` field names a version this tool does not read.
    VersionUnsupported = "version-unsupported",
    /// A `$ref` points at nothing.
    RefUnresolved = "ref-unresolved",
    /// A `$ref` is not a valid JSON Reference (not a string, bad pointer
    /// syntax, bad escape).
    RefInvalid = "ref-invalid",
    /// A `$ref` leaves the folder of the root document.
    RefOutsideRoot = "ref-outside-root",
    /// A `$ref` names a remote `http(s)` resource.
    RefRemote = "ref-remote",
    /// A chain of `$ref`s that only point at each other.
    RefCycle = "ref-cycle",
    /// A `$ref` points at an object of another kind than the place needs
    /// (for example a schema where a message is expected).
    RefWrongKind = "ref-wrong-kind",
    /// A value has the wrong JSON type.
    TypeMismatch = "type-mismatch",
    /// A required field is missing.
    RequiredMissing = "required-missing",
    /// A field the specification does not define, where it allows no others.
    UnknownField = "unknown-field",
    /// A value has the right type but is not allowed (pattern, enum, format,
    /// range).
    InvalidValue = "invalid-value",
    /// Two operations share an `operationId` (or, in 3.x, a key).
    DuplicateOperationId = "duplicate-operation-id",
    /// Two messages share a `messageId`.
    DuplicateMessageId = "duplicate-message-id",
    /// A tag list names the same tag twice.
    DuplicateTag = "duplicate-tag",
    /// A channel address uses a parameter that is not declared.
    ParameterUndeclared = "parameter-undeclared",
    /// A channel declares a parameter that its address does not use.
    ParameterUnused = "parameter-unused",
    /// A 3.x operation lists a message that its channel does not have.
    OperationMessageNotInChannel = "operation-message-not-in-channel",
    /// A 3.x reply names a channel or messages that do not fit together.
    ReplyInconsistent = "reply-inconsistent",
    /// A server URL or host uses a variable that is not defined.
    ServerVariableUndefined = "server-variable-undefined",
    /// A security requirement names a scheme that is not defined.
    SecuritySchemeUndefined = "security-scheme-undefined",
    /// A message example does not match the message's payload or headers
    /// schema.
    ExampleMismatch = "example-mismatch",
    /// A payload in a schema format other than JSON Schema (Avro, RAML,
    /// Protobuf, ...), which code generation does not read.
    UnsupportedSchemaFormat = "unsupported-schema-format",
    /// A schema that is not valid JSON Schema (an unknown `type`, a bad
    /// `pattern`, ...).
    InvalidSchema = "invalid-schema",
    /// A channel, server or other object is referenced by name but not
    /// defined.
    UndefinedName = "undefined-name",
    /// `generate` found no message payload or headers schema, so it wrote
    /// no types.
    NothingToGenerate = "nothing-to-generate",
    /// A generation option that must be a Rust path (an extra derive, a
    /// replacement type) is not one.
    InvalidRustPath = "invalid-rust-path",
    /// A type replacement names a schema that the document does not have.
    ReplacementUnknown = "replacement-unknown",
    /// A type replacement names a schema that no generated type uses, so
    /// it changes nothing.
    ReplacementUnused = "replacement-unused",
    /// An operation gets no client or handler code: its protocol, content
    /// type, address or HTTP method is not supported.
    UnsupportedOperation = "unsupported-operation",
    /// A message's `x-cloudevents` extension has the wrong shape.
    InvalidCloudEvents = "invalid-cloudevents",
    /// A CloudEvents-shaped message gets no `CloudEvent` derive: its schemas
    /// do not fix `type` and `source`, its data type is not a struct, or its
    /// data type is shared with a message of other attributes.
    CloudEventNotDerived = "cloudevent-not-derived",
}

/// One problem found in a document.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable identifier of the kind of problem.
    pub code: Code,
    /// What is wrong, naming the offending value.
    pub message: String,
    /// How to fix it, when there is something to say beyond the message.
    pub help: Option<String>,
    /// JSON pointer of the offending node inside the file that `span`
    /// names, such as `/channels/user~1signedup/publish`. Empty for the
    /// whole file.
    pub pointer: String,
    /// Where in the source the problem is, when it has a position.
    pub span: Option<Span>,
}

impl Diagnostic {
    /// Creates an error diagnostic.
    pub fn error(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            help: None,
            pointer: String::new(),
            span: None,
        }
    }

    /// Creates a warning diagnostic.
    pub fn warning(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    /// Sets where the problem is.
    pub fn at(mut self, pointer: impl Into<String>, span: Span) -> Diagnostic {
        self.pointer = pointer.into();
        self.span = Some(span);
        self
    }

    /// Sets the JSON pointer without a span.
    pub fn with_pointer(mut self, pointer: impl Into<String>) -> Diagnostic {
        self.pointer = pointer.into();
        self
    }

    /// Sets the help text.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Whether this diagnostic is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}
