//! Cross-check of our structural verdict against the official AsyncAPI JSON
//! Schemas.
//!
//! The inputs are every corpus document (through `HOOKFORGE_CORPUS`) and
//! every YAML or JSON AsyncAPI document under `codegen/tests/fixtures` and
//! `examples`. Each is loaded with our loader, its `$ref`s are inlined (see
//! `hookforge_tests::inline`), and the result is validated against the
//! official schema of its version. The schemas are draft-07, and `format`
//! is asserted as the official JavaScript parser does. That verdict is
//! compared with ours: whether we report any error with a structural code.
//!
//! Every disagreement is either fixed or listed in [`DISAGREEMENTS`] with
//! the reason. A listed entry that no longer disagrees fails the test, so
//! the list stays honest.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use hookforge_codegen::diagnostic::{Code, Diagnostic};
use hookforge_codegen::validate_file;
use hookforge_codegen::version::SpecVersion;
use hookforge_tests::corpus::{corpus_dir_or_skip, corpus_load_options, report, workspace_root};
use hookforge_tests::inline::inline_document;
use hookforge_tests::manifest;
use jsonschema::error::ValidationErrorKind;
use jsonschema::{ValidationError, Validator};

/// Codes of our structural rules, the ones the official schema also checks.
const STRUCTURAL_CODES: &[Code] = &[
    Code::TypeMismatch,
    Code::RequiredMissing,
    Code::UnknownField,
    Code::InvalidValue,
    Code::RefWrongKind,
];

/// Maximum number of JSON values in an inlined document; a larger document
/// is reported as skipped rather than checked.
const MAX_INLINED_NODES: usize = 2_000_000;

/// Which side rejects a listed document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rejected {
    /// The official schema rejects it and we do not.
    ByOfficialOnly,
    /// We reject it and the official schema does not.
    ByUsOnly,
}

/// A document on which the official schema and we deliberately disagree.
struct Disagreement {
    /// `corpus:` and the path in the corpus, or `repo:` and the path in the
    /// workspace.
    document: &'static str,
    /// Which side rejects it.
    rejected: Rejected,
    /// Why the disagreement is right, or which rule it waits for.
    reason: &'static str,
}

/// The 2.x schemas accept any object as a protocol binding, while the
/// protocol's own official binding schema rejects this one.
const BINDINGS_NOT_IN_V2_SCHEMA: &str = "the official 2.x schema accepts any object as a binding; \
     the protocol's official binding schema rejects this binding, and so do we";

const COMPONENT_KEY_PATTERN: &str = "the official schema does not check Components Object keys; \
     the specification restricts them to ^[a-zA-Z0-9.\\-_]+$, and so do we";

const SCOPES_BY_SCHEME_TYPE: &str = "the official 2.0 schema does not relate scopes to the scheme \
     type; the specification allows scopes only for oauth2 and openIdConnect schemes, and the TCK \
     labels other schemes with scopes invalid";

const SERVER_VARIABLE_EXAMPLE: &str = "the official schema does not compare a server variable's \
     examples with its `enum`; the TCK labels an example outside the enum invalid";

const CHANNEL_QUERY: &str = "the official 2.0 schema checks channel names only as URI templates; \
     the specification forbids query parameters in them, and the TCK labels this invalid";

const NAME_PATTERN: &str = "the official 2.0 schema does not check server and parameter names; \
     the specification restricts them to ^[A-Za-z0-9_\\-]+$, and the TCK labels this invalid";

const TRAIT_EXAMPLES: &str = "the official 2.0 schema does not restrict the examples of a \
     message trait; a trait merges into its message, whose examples allow only headers and \
     payload, and the TCK labels this invalid";

const AVRO_PAYLOAD: &str = "the official 2.x schema checks Avro payloads against an Avro schema; \
     we do not validate Avro, because its rules lie outside AsyncAPI";

const OPENAPI_PAYLOAD: &str = "the official schema checks payloads in the OpenAPI 3.0 schema \
     format against the OpenAPI schema; we do not validate that format, because its rules lie \
     outside AsyncAPI";

const PRE_RELEASE_VERSION: &str = "we accept pre-release versions such as 2.0.0-rc2 on purpose \
     (the TCK labels this valid); the official 2.0.0 schema allows only the exact text 2.0.0";

const REMOTE_REF_AMBIGUOUS: &str =
    "a remote `$ref`, which we never fetch, stays as written and then \
     matches both branches of the official 3.0 schema's oneOf [Reference, Schema] for the Kafka \
     binding key";

/// Documents on which our structural verdict deliberately differs from the
/// official schema's.
const DISAGREEMENTS: &[Disagreement] = &[
    Disagreement {
        document: "corpus:invalid/avro-schema-parser/invalid-asyncapi.yaml",
        rejected: Rejected::ByOfficialOnly,
        reason: AVRO_PAYLOAD,
    },
    Disagreement {
        document: "corpus:invalid/parser-js-openapi-schema-parser/invalid-asyncapi.yaml",
        rejected: Rejected::ByOfficialOnly,
        reason: OPENAPI_PAYLOAD,
    },
    Disagreement {
        document: "corpus:invalid/tck/asyncapi-2.0/Channels_Object/invalid-query-param-used.yaml",
        rejected: Rejected::ByUsOnly,
        reason: CHANNEL_QUERY,
    },
    Disagreement {
        document: "corpus:invalid/tck/asyncapi-2.0/Components_Object/invalid-channelBindings-key.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/asyncapi-2.0/Components_Object/invalid-correlationIds-key.yaml",
        rejected: Rejected::ByUsOnly,
        reason: COMPONENT_KEY_PATTERN,
    },
    Disagreement {
        document: "corpus:invalid/tck/asyncapi-2.0/Components_Object/invalid-messageBindings-key.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/asyncapi-2.0/Components_Object/invalid-messageTraits-key.yaml",
        rejected: Rejected::ByUsOnly,
        reason: COMPONENT_KEY_PATTERN,
    },
    Disagreement {
        document: "corpus:invalid/tck/asyncapi-2.0/Components_Object/invalid-messages-key.yaml",
        rejected: Rejected::ByUsOnly,
        reason: COMPONENT_KEY_PATTERN,
    },
    Disagreement {
        document: "corpus:invalid/tck/asyncapi-2.0/Components_Object/invalid-operationBindings-key.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/asyncapi-2.0/Components_Object/invalid-operationTraits-key.yaml",
        rejected: Rejected::ByUsOnly,
        reason: COMPONENT_KEY_PATTERN,
    },
    Disagreement {
        document: "corpus:invalid/tck/asyncapi-2.0/Components_Object/invalid-parameters-key.yaml",
        rejected: Rejected::ByUsOnly,
        reason: COMPONENT_KEY_PATTERN,
    },
    Disagreement {
        document: "corpus:invalid/tck/asyncapi-2.0/Components_Object/invalid-schemas-key.yaml",
        rejected: Rejected::ByUsOnly,
        reason: COMPONENT_KEY_PATTERN,
    },
    Disagreement {
        document: "corpus:invalid/tck/asyncapi-2.0/Components_Object/invalid-securitySchemes-key.yaml",
        rejected: Rejected::ByUsOnly,
        reason: COMPONENT_KEY_PATTERN,
    },
    Disagreement {
        document: "corpus:invalid/tck/asyncapi-2.0/Components_Object/invalid-serverBindings-key.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/asyncapi-2.0/Message_Trait_Object/invalid-examples-item.yaml",
        rejected: Rejected::ByUsOnly,
        reason: TRAIT_EXAMPLES,
    },
    Disagreement {
        document: "corpus:invalid/tck/asyncapi-2.0/Parameters_Object/invalid-pattern-field.yaml",
        rejected: Rejected::ByUsOnly,
        reason: NAME_PATTERN,
    },
    Disagreement {
        document: "corpus:invalid/tck/asyncapi-2.0/Security_Requirement_Object/invalid-X509-non-empty-array.yaml",
        rejected: Rejected::ByUsOnly,
        reason: SCOPES_BY_SCHEME_TYPE,
    },
    Disagreement {
        document: "corpus:invalid/tck/asyncapi-2.0/Security_Requirement_Object/invalid-apiKey-non-empty-array.yaml",
        rejected: Rejected::ByUsOnly,
        reason: SCOPES_BY_SCHEME_TYPE,
    },
    Disagreement {
        document: "corpus:invalid/tck/asyncapi-2.0/Security_Requirement_Object/invalid-asymmetricEncryption-non-empty-array.yaml",
        rejected: Rejected::ByUsOnly,
        reason: SCOPES_BY_SCHEME_TYPE,
    },
    Disagreement {
        document: "corpus:invalid/tck/asyncapi-2.0/Security_Requirement_Object/invalid-http-non-empty-array.yaml",
        rejected: Rejected::ByUsOnly,
        reason: SCOPES_BY_SCHEME_TYPE,
    },
    Disagreement {
        document: "corpus:invalid/tck/asyncapi-2.0/Security_Requirement_Object/invalid-httpApiKey-non-empty-array.yaml",
        rejected: Rejected::ByUsOnly,
        reason: SCOPES_BY_SCHEME_TYPE,
    },
    Disagreement {
        document: "corpus:invalid/tck/asyncapi-2.0/Security_Requirement_Object/invalid-symmetricEncryption-non-empty-array.yaml",
        rejected: Rejected::ByUsOnly,
        reason: SCOPES_BY_SCHEME_TYPE,
    },
    Disagreement {
        document: "corpus:invalid/tck/asyncapi-2.0/Security_Requirement_Object/invalid-userPassword-non-empty-array.yaml",
        rejected: Rejected::ByUsOnly,
        reason: SCOPES_BY_SCHEME_TYPE,
    },
    Disagreement {
        document: "corpus:invalid/tck/asyncapi-2.0/Server_Variable_Object/invalid-examples-item.yaml",
        rejected: Rejected::ByUsOnly,
        reason: SERVER_VARIABLE_EXAMPLE,
    },
    Disagreement {
        document: "corpus:invalid/tck/asyncapi-2.0/Servers_Object/invalid-patterned-field.yaml",
        rejected: Rejected::ByUsOnly,
        reason: NAME_PATTERN,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Channel_Bindings_Object/Fields_Types/invalid-bindingVersion-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Channel_Bindings_Object/Fields_Types/invalid-exchange-autoDelete-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Channel_Bindings_Object/Fields_Types/invalid-exchange-durable-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Channel_Bindings_Object/Fields_Types/invalid-exchange-name-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Channel_Bindings_Object/Fields_Types/invalid-exchange-type-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Channel_Bindings_Object/Fields_Types/invalid-exchange-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Channel_Bindings_Object/Fields_Types/invalid-exchange-vhost-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Channel_Bindings_Object/Fields_Types/invalid-is-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Channel_Bindings_Object/Fields_Types/invalid-queue-autoDelete-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Channel_Bindings_Object/Fields_Types/invalid-queue-durable-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Channel_Bindings_Object/Fields_Types/invalid-queue-exclusive-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Channel_Bindings_Object/Fields_Types/invalid-queue-name-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Channel_Bindings_Object/Fields_Types/invalid-queue-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Channel_Bindings_Object/Fields_Types/invalid-queue-vhost-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Channel_Bindings_Object/invalid-exchange-name-length.yaml.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Channel_Bindings_Object/invalid-exchange-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Channel_Bindings_Object/invalid-is-value.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Channel_Bindings_Object/invalid-queue-name-length.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Message_Bindings_Object/Fields_Types/invalid-bindingVersion-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Message_Bindings_Object/Fields_Types/invalid-contentEncoding-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Message_Bindings_Object/Fields_Types/invalid-messageType-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Message_Bindings_Object/invalid-extra-properties.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Operation_Bindings_Object/Fields_Types/invalid-ack-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Operation_Bindings_Object/Fields_Types/invalid-bcc-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Operation_Bindings_Object/Fields_Types/invalid-bindingVersion-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Operation_Bindings_Object/Fields_Types/invalid-cc-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Operation_Bindings_Object/Fields_Types/invalid-deliveryMode-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Operation_Bindings_Object/Fields_Types/invalid-expiration-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Operation_Bindings_Object/Fields_Types/invalid-mandatory-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Operation_Bindings_Object/Fields_Types/invalid-priority-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Operation_Bindings_Object/Fields_Types/invalid-replyTo-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Operation_Bindings_Object/Fields_Types/invalid-timestamp-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Operation_Bindings_Object/Fields_Types/invalid-userId-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Operation_Bindings_Object/invalid-deliveryMode-value.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Operation_Bindings_Object/invalid-expiration-below-zero.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/amqp/0.1.0/Operation_Bindings_Object/invalid-extra-properties.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/http/0.1.0/Message_Bindings_Object/Fields_Types/invalid-bindingVersion-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/http/0.1.0/Message_Bindings_Object/Fields_Types/invalid-headers-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/http/0.1.0/Message_Bindings_Object/invalid-extra-properties.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/http/0.1.0/Message_Bindings_Object/invalid-headers-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/http/0.1.0/Operation_Bindings_Object/Fields_Types/invalid-bindingVersion-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/http/0.1.0/Operation_Bindings_Object/Fields_Types/invalid-method-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/http/0.1.0/Operation_Bindings_Object/Fields_Types/invalid-query-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/http/0.1.0/Operation_Bindings_Object/Fields_Types/invalid-type-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/http/0.1.0/Operation_Bindings_Object/invalid-method-value.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/http/0.1.0/Operation_Bindings_Object/invalid-missing-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/http/0.1.0/Operation_Bindings_Object/invalid-query-schema-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/http/0.1.0/Operation_Bindings_Object/invalid-type-value.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/ibmmq/0.1.0/Channel_Bindings_Object/Fields_Types/invalid-binding-version-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/ibmmq/0.1.0/Channel_Bindings_Object/Fields_Types/invalid-destination-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/ibmmq/0.1.0/Channel_Bindings_Object/Fields_Types/invalid-max-msg-length-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/ibmmq/0.1.0/Channel_Bindings_Object/Fields_Types/invalid-queue-exclusive-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/ibmmq/0.1.0/Channel_Bindings_Object/Fields_Types/invalid-queue-is-partitioned-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/ibmmq/0.1.0/Channel_Bindings_Object/Fields_Types/invalid-queue-required-objectName.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/ibmmq/0.1.0/Channel_Bindings_Object/Fields_Types/invalid-topic-durable-permitted-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/ibmmq/0.1.0/Channel_Bindings_Object/Fields_Types/invalid-topic-last-msg-retained-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/ibmmq/0.1.0/Channel_Bindings_Object/invalid-both-types.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/ibmmq/0.1.0/Message_Bindings_Object/Fields_Types/invalid-binding-version-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/ibmmq/0.1.0/Message_Bindings_Object/Fields_Types/invalid-expiry-value.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/ibmmq/0.1.0/Message_Bindings_Object/Fields_Types/invalid-type-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/ibmmq/0.1.0/Message_Bindings_Object/Fields_Types/invalid-type-value.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/ibmmq/0.1.0/Server_BIndings_Object/Fields_Types/invalid-heartbeat-interval.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/ibmmq/0.1.0/Server_BIndings_Object/invalid-extra-properties.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/kafka/0.1.0/Message_Bindings_Object/Fields_Types/invalid-bindingVersion-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/kafka/0.1.0/Message_Bindings_Object/invalid-extra-properties.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/kafka/0.1.0/Operation_Bindings_Object/Fields_Types/invalid-bindingVersion-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/kafka/0.1.0/Operation_Bindings_Object/invalid-extra-properties.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/mqtt/0.1.0/Message_Bindings_Object/Fields_Types/invalid-bindingVersion-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/mqtt/0.1.0/Message_Bindings_Object/invalid-extra-properties.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/mqtt/0.1.0/Operation_Bindings_Object/Fields_Types/invalid-bindingVersion-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/mqtt/0.1.0/Operation_Bindings_Object/Fields_Types/invalid-qos-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/mqtt/0.1.0/Operation_Bindings_Object/Fields_Types/invalid-retain-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/mqtt/0.1.0/Operation_Bindings_Object/invalid-extra-properties.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/mqtt/0.1.0/Operation_Bindings_Object/invalid-qos-value.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/mqtt/0.1.0/Server_Bindings_Object/Fields_Types/invalid-bindingVersion-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/mqtt/0.1.0/Server_Bindings_Object/Fields_Types/invalid-cleanSession-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/mqtt/0.1.0/Server_Bindings_Object/Fields_Types/invalid-clientId-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/mqtt/0.1.0/Server_Bindings_Object/Fields_Types/invalid-keepAlive-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/mqtt/0.1.0/Server_Bindings_Object/Fields_Types/invalid-lastWill-message-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/mqtt/0.1.0/Server_Bindings_Object/Fields_Types/invalid-lastWill-qos-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/mqtt/0.1.0/Server_Bindings_Object/Fields_Types/invalid-lastWill-retain-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/mqtt/0.1.0/Server_Bindings_Object/Fields_Types/invalid-lastWill-topic-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/mqtt/0.1.0/Server_Bindings_Object/Fields_Types/invalid-lastWill-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/mqtt/0.1.0/Server_Bindings_Object/invalid-extra-properties.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/ws/1.1.1/Channel_Bindings_Object/Fields_Types/invalid-bindingVersion-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/ws/1.1.1/Channel_Bindings_Object/Fields_Types/invalid-headers-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/ws/1.1.1/Channel_Bindings_Object/Fields_Types/invalid-method-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/ws/1.1.1/Channel_Bindings_Object/Fields_Types/invalid-query-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/ws/1.1.1/Channel_Bindings_Object/invalid-extra-properties.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/ws/1.1.1/Channel_Bindings_Object/invalid-headers-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/ws/1.1.1/Channel_Bindings_Object/invalid-method.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:invalid/tck/bindings/ws/1.1.1/Channel_Bindings_Object/invalid-query-type.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:large/real-world/yodata-real-estate-asyncapi.json",
        rejected: Rejected::ByUsOnly,
        reason: COMPONENT_KEY_PATTERN,
    },
    Disagreement {
        document: "corpus:multi-file/generator-apiwithref/apiwithref.json",
        rejected: Rejected::ByUsOnly,
        reason: COMPONENT_KEY_PATTERN,
    },
    Disagreement {
        document: "corpus:v2/real-world/great-expectations-cloud-asyncapi.yaml",
        rejected: Rejected::ByUsOnly,
        reason: BINDINGS_NOT_IN_V2_SCHEMA,
    },
    Disagreement {
        document: "corpus:v2/tck/asyncapi-2.0/AsyncAPI_Version_String/valid-with-hyphen.yaml",
        rejected: Rejected::ByOfficialOnly,
        reason: PRE_RELEASE_VERSION,
    },
    Disagreement {
        document: "corpus:v3/asyncapi-react-json/adeo-kafka-request-reply.json",
        rejected: Rejected::ByOfficialOnly,
        reason: REMOTE_REF_AMBIGUOUS,
    },
    Disagreement {
        document: "corpus:v3/converter-js-openapi/callbacks_and_contents.yml",
        rejected: Rejected::ByOfficialOnly,
        reason: OPENAPI_PAYLOAD,
    },
    Disagreement {
        document: "corpus:v3/converter-js-openapi/operation_and_parameter.yml",
        rejected: Rejected::ByOfficialOnly,
        reason: OPENAPI_PAYLOAD,
    },
    Disagreement {
        document: "corpus:v3/converter-js-openapi/operation_and_parameter_client.yml",
        rejected: Rejected::ByOfficialOnly,
        reason: OPENAPI_PAYLOAD,
    },
    Disagreement {
        document: "corpus:v3/spec-examples-3.0.0/adeo-kafka-request-reply-asyncapi.yml",
        rejected: Rejected::ByOfficialOnly,
        reason: REMOTE_REF_AMBIGUOUS,
    },
    Disagreement {
        document: "repo:codegen/tests/fixtures/refs/root.yaml",
        rejected: Rejected::ByUsOnly,
        reason: COMPONENT_KEY_PATTERN,
    },
];

/// The official verdict and ours for one document.
struct Comparison {
    name: String,
    official_errors: Vec<String>,
    our_errors: Vec<String>,
}

/// Validators of the official schemas, compiled once per version.
struct OfficialSchemas {
    folder: PathBuf,
    compiled: HashMap<String, Validator>,
}

impl OfficialSchemas {
    fn validator(&mut self, version: &str) -> &Validator {
        let folder = &self.folder;
        self.compiled.entry(version.to_owned()).or_insert_with(|| {
            let path = folder.join(format!("{version}.json"));
            let text = fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let schema: serde_json::Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
            // The bundled schema embeds every definition under its `$id`,
            // and no resolver is compiled in, so nothing is fetched.
            jsonschema::draft7::options()
                .should_validate_formats(true)
                .with_format("uri-reference", is_lenient_uri_reference)
                .build(&schema)
                .unwrap_or_else(|e| panic!("{} does not compile: {e}", path.display()))
        })
    }
}

/// Checks the `uri-reference` format the way the official JavaScript tools
/// do: no whitespace, no backslash, and at most one `#`. The strict RFC 3986
/// check rejects `{` and `}`, which the specification's own examples use in
/// `$ref`s to channels such as `#/channels/light~1{id}`, while the official
/// parser accepts them and rejects only a `$ref` with a line break.
fn is_lenient_uri_reference(text: &str) -> bool {
    !text.chars().any(|c| c.is_whitespace() || c == '\\') && text.matches('#').count() <= 1
}

/// Validates `path` both ways, or returns `None` for a file that is not a
/// supported AsyncAPI document (no version, 1.x, unreadable).
fn compare(path: &Path, name: String, schemas: &mut OfficialSchemas) -> Option<Comparison> {
    let validation = validate_file(path, corpus_load_options());
    let version = validation.version?;
    let document = validation.document.as_ref()?;
    let our_errors = validation
        .diagnostics
        .iter()
        .filter(|d| d.is_error() && STRUCTURAL_CODES.contains(&d.code))
        .map(show_ours)
        .collect();

    let official_errors = match inline_document(document, version.is_v3(), MAX_INLINED_NODES) {
        Ok(instance) => {
            let schema_version = match version {
                SpecVersion::V2 { minor, .. } => format!("2.{minor}.0"),
                SpecVersion::V3 { minor, .. } => format!("3.{minor}.0"),
            };
            let validator = schemas.validator(&schema_version);
            let mut errors: Vec<String> = validator
                .iter_errors(&instance)
                .map(|e| show_official(&e))
                .collect();
            errors.sort_by_key(String::len);
            errors
        }
        Err(too_large) => {
            report(&format!(
                "official-schemas: {name} skipped: inlined it exceeds {} JSON values",
                too_large.max_nodes
            ));
            return None;
        }
    };
    Some(Comparison {
        name,
        official_errors,
        our_errors,
    })
}

/// Shows an official error by its deepest cause. A `oneOf` or `anyOf`
/// error only states that no branch matched, so the report names the
/// failure of the branch that got furthest into the document.
fn show_official(error: &ValidationError<'_>) -> String {
    let mut leaves = Vec::new();
    collect_leaves(error, &mut leaves);
    let deepest = leaves
        .into_iter()
        .max_by_key(|leaf| leaf.instance_path().as_str().len())
        .unwrap_or(error);
    format!(
        "{}: {} (via {})",
        deepest.instance_path(),
        truncate(&deepest.to_string(), 160),
        error.instance_path()
    )
}

fn collect_leaves<'e, 'i>(
    error: &'e ValidationError<'i>,
    leaves: &mut Vec<&'e ValidationError<'i>>,
) {
    match error.kind() {
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            for error in context.iter().flatten() {
                collect_leaves(error, leaves);
            }
        }
        _ => leaves.push(error),
    }
}

fn show_ours(diagnostic: &Diagnostic) -> String {
    format!(
        "{} at {:?}: {}",
        diagnostic.code.as_str(),
        diagnostic.pointer,
        truncate(&diagnostic.message, 160)
    )
}

fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_owned(),
    }
}

/// Lists YAML and JSON files under `folder`, recursively, sorted.
fn document_files(folder: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![folder.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"))
            {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

fn describe(comparison: &Comparison) -> String {
    let mut text = format!("  {}\n", comparison.name);
    for error in comparison.official_errors.iter().take(3) {
        text.push_str(&format!("    official: {error}\n"));
    }
    for error in comparison.our_errors.iter().take(3) {
        text.push_str(&format!("    ours: {error}\n"));
    }
    text
}

#[test]
fn structural_verdicts_match_official_schemas() {
    // The official schemas come from the corpus folder, so without it
    // neither the corpus nor our own fixtures can be checked.
    let Some(corpus) = corpus_dir_or_skip("official-schema cross-check") else {
        return;
    };
    let repo = workspace_root();
    let mut schemas = OfficialSchemas {
        folder: corpus.join("official-schemas/spec-json-schemas/schemas"),
        compiled: HashMap::new(),
    };

    let mut inputs: Vec<(PathBuf, String)> = Vec::new();
    let rows = manifest::read(&corpus).unwrap_or_else(|e| panic!("{e}"));
    for row in rows.iter().filter(|r| r.is_document()) {
        inputs.push((
            corpus.join(&row.local_path),
            format!("corpus:{}", row.local_path),
        ));
    }
    for folder in ["codegen/tests/fixtures", "examples"] {
        for path in document_files(&repo.join(folder)) {
            let relative = path
                .strip_prefix(&repo)
                .unwrap_or(&path)
                .display()
                .to_string();
            inputs.push((path, format!("repo:{relative}")));
        }
    }

    let mut failures = Vec::new();
    let mut listed_seen: HashSet<&str> = HashSet::new();
    let (mut checked, mut checked_ours, mut agree, mut both_reject) = (0, 0, 0, 0);
    for (path, name) in inputs {
        let Some(comparison) = compare(&path, name, &mut schemas) else {
            continue;
        };
        checked += 1;
        if comparison.name.starts_with("repo:") {
            checked_ours += 1;
        }
        let official_rejects = !comparison.official_errors.is_empty();
        let we_reject = !comparison.our_errors.is_empty();
        let actual = match (official_rejects, we_reject) {
            (true, false) => Some(Rejected::ByOfficialOnly),
            (false, true) => Some(Rejected::ByUsOnly),
            (true, true) => {
                both_reject += 1;
                None
            }
            (false, false) => None,
        };
        let listed = DISAGREEMENTS.iter().find(|d| d.document == comparison.name);
        if let Some(listed) = listed {
            listed_seen.insert(listed.document);
        }
        match (listed, actual) {
            (None, None) => agree += 1,
            (None, Some(side)) => failures.push(format!(
                "disagreement ({side:?}) not listed in DISAGREEMENTS:\n{}",
                describe(&comparison)
            )),
            (Some(listed), None) => failures.push(format!(
                "listed in DISAGREEMENTS ({}) but the verdicts now agree; remove the entry:\n{}",
                listed.reason,
                describe(&comparison)
            )),
            (Some(listed), Some(side)) if side != listed.rejected => failures.push(format!(
                "listed as {:?} but now {side:?}:\n{}",
                listed.rejected,
                describe(&comparison)
            )),
            (Some(_), Some(_)) => {}
        }
    }
    for listed in DISAGREEMENTS {
        if !listed_seen.contains(listed.document) {
            failures.push(format!(
                "DISAGREEMENTS lists {} ({}), which was not checked",
                listed.document, listed.reason
            ));
        }
    }

    report(&format!(
        "official-schemas: {checked} documents checked ({checked_ours} of them our fixtures and examples), {agree} agree ({both_reject} rejected by both), \
         {} listed disagreements, {} failures",
        DISAGREEMENTS.len(),
        failures.len()
    ));
    for failure in &failures {
        println!("{failure}");
    }
    assert!(
        failures.is_empty(),
        "{} documents disagree with the official schemas (listed above)",
        failures.len()
    );
}
