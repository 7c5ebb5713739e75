//! Object rules of AsyncAPI 2.0 to 2.6.
//!
//! Minor-version gates follow the official JSON Schemas of each 2.x
//! release. References are accepted wherever an object is expected, as the
//! official parser dereferences before it validates.

use super::rules::{field, Expect, Field, Flow, Format, Kind, ObjectRule, Place};

const STRINGS: Expect = Expect::ListOf(&Expect::String);
const TAGS: Expect = Expect::ListOf(&Expect::Object(Kind::Tag));
const DOCS: Expect = Expect::Object(Kind::ExternalDocs);
const SECURITY: Expect = Expect::ListOf(&Expect::Object(Kind::SecurityRequirement));

/// Returns the 2.x rule of `kind`, or `None` for kinds with their own
/// checker (schemas, bindings, security schemes) or that 2.x lacks.
pub(super) fn rule(kind: Kind) -> Option<&'static ObjectRule> {
    Some(match kind {
        Kind::Root => &ROOT,
        Kind::Info => &INFO,
        Kind::Contact => &super::v3::CONTACT,
        Kind::License => &super::v3::LICENSE,
        Kind::Server => &SERVER,
        Kind::ServerVariable => &super::v3::SERVER_VARIABLE,
        Kind::Channel => &CHANNEL_ITEM,
        Kind::Operation => &OPERATION,
        Kind::OperationTrait => &OPERATION_TRAIT,
        Kind::Message => &MESSAGE,
        Kind::MessageTrait => &MESSAGE_TRAIT,
        Kind::MessageExample => &MESSAGE_EXAMPLE,
        Kind::CorrelationId => &super::v3::CORRELATION_ID,
        Kind::Tag => &TAG,
        Kind::ExternalDocs => &super::v3::EXTERNAL_DOCS,
        Kind::Components => &COMPONENTS,
        Kind::Parameter => &PARAMETER,
        Kind::OAuthFlows => &super::v3::OAUTH_FLOWS,
        Kind::OAuthFlow(flow) => oauth_flow(flow),
        _ => return None,
    })
}

static ROOT: ObjectRule = ObjectRule {
    title: "AsyncAPI Object",
    fields: &[
        field("asyncapi", Expect::String),
        field("id", Expect::Format(Format::Uri)),
        field("info", Expect::Object(Kind::Info)),
        field("servers", Expect::MapOf(&Expect::Object(Kind::Server))),
        field("defaultContentType", Expect::String),
        field("channels", Expect::MapOf(&Expect::Object(Kind::Channel))),
        field("components", Expect::Object(Kind::Components)),
        field("tags", TAGS),
        field("externalDocs", DOCS),
    ],
    required: &["asyncapi", "info", "channels"],
    extensible: true,
    closed: true,
};

static INFO: ObjectRule = ObjectRule {
    title: "Info Object",
    fields: &[
        field("title", Expect::String),
        field("version", Expect::String),
        field("description", Expect::String),
        field("termsOfService", Expect::Format(Format::Uri)),
        field("contact", Expect::Object(Kind::Contact)),
        field("license", Expect::Object(Kind::License)),
    ],
    required: &["title", "version"],
    extensible: true,
    closed: true,
};

static SERVER: ObjectRule = ObjectRule {
    title: "Server Object",
    fields: &[
        field("url", Expect::Format(Format::ServerUrl)),
        field("protocol", Expect::String),
        field("protocolVersion", Expect::String),
        field("description", Expect::String),
        field(
            "variables",
            Expect::MapOf(&Expect::Object(Kind::ServerVariable)),
        ),
        field("security", SECURITY),
        field("bindings", Expect::Object(Kind::Bindings(Place::Server))),
        field("tags", TAGS).since(5),
    ],
    required: &["url", "protocol"],
    extensible: true,
    closed: true,
};

static CHANNEL_ITEM: ObjectRule = ObjectRule {
    title: "Channel Item Object",
    fields: &[
        field("description", Expect::String),
        field("servers", STRINGS).since(2),
        field("subscribe", Expect::Object(Kind::Operation)),
        field("publish", Expect::Object(Kind::Operation)),
        field(
            "parameters",
            Expect::MapOf(&Expect::Object(Kind::Parameter)),
        ),
        field("bindings", Expect::Object(Kind::Bindings(Place::Channel))),
        field("deprecated", Expect::Boolean),
    ],
    required: &[],
    extensible: true,
    closed: true,
};

static OPERATION: ObjectRule = ObjectRule {
    title: "Operation Object",
    fields: &[
        field("operationId", Expect::String),
        field("summary", Expect::String),
        field("description", Expect::String),
        field("security", SECURITY).since(4),
        field("tags", TAGS),
        field("externalDocs", DOCS),
        field("bindings", Expect::Object(Kind::Bindings(Place::Operation))),
        field(
            "traits",
            Expect::ListOf(&Expect::Object(Kind::OperationTrait)),
        ),
        field("message", Expect::Object(Kind::Message)),
    ],
    required: &[],
    extensible: true,
    closed: true,
};

static OPERATION_TRAIT: ObjectRule = ObjectRule {
    title: "Operation Trait Object",
    fields: &[
        field("operationId", Expect::String),
        field("summary", Expect::String),
        field("description", Expect::String),
        field("security", SECURITY).since(4),
        field("tags", TAGS),
        field("externalDocs", DOCS),
        field("bindings", Expect::Object(Kind::Bindings(Place::Operation))),
    ],
    required: &[],
    extensible: true,
    closed: true,
};

static MESSAGE: ObjectRule = ObjectRule {
    title: "Message Object",
    fields: &[
        field("messageId", Expect::String).since(4),
        field("headers", Expect::ObjectSchema),
        field("payload", Expect::Payload),
        field("correlationId", Expect::Object(Kind::CorrelationId)),
        field("schemaFormat", Expect::String),
        field("contentType", Expect::String),
        field("name", Expect::String),
        field("title", Expect::String),
        field("summary", Expect::String),
        field("description", Expect::String),
        field("tags", TAGS),
        field("externalDocs", DOCS),
        field("bindings", Expect::Object(Kind::Bindings(Place::Message))),
        field(
            "examples",
            Expect::ListOf(&Expect::Object(Kind::MessageExample)),
        ),
        field(
            "traits",
            Expect::ListOf(&Expect::Object(Kind::MessageTrait)),
        ),
        field("deprecated", Expect::Boolean),
    ],
    required: &[],
    extensible: true,
    closed: true,
};

/// The 2.x `oneOf` form of a message: a list of messages and nothing else.
pub(super) static MESSAGE_ONE_OF: ObjectRule = ObjectRule {
    title: "Message Object (oneOf form)",
    fields: &[field(
        "oneOf",
        Expect::ListOf(&Expect::Object(Kind::Message)),
    )],
    required: &["oneOf"],
    extensible: false,
    closed: true,
};

static MESSAGE_TRAIT: ObjectRule = ObjectRule {
    title: "Message Trait Object",
    fields: &[
        field("messageId", Expect::String).since(4),
        field("headers", Expect::ObjectSchema),
        field("correlationId", Expect::Object(Kind::CorrelationId)),
        field("schemaFormat", Expect::String),
        field("contentType", Expect::String),
        field("name", Expect::String),
        field("title", Expect::String),
        field("summary", Expect::String),
        field("description", Expect::String),
        field("tags", TAGS),
        field("externalDocs", DOCS),
        field("bindings", Expect::Object(Kind::Bindings(Place::Message))),
        // The official schemas of 2.0 and 2.2 to 2.5 accept any object
        // here. Every version gets the Message Example shape of the
        // message's own examples, as the AsyncAPI test kit (2.0) expects.
        field(
            "examples",
            Expect::ListOf(&Expect::Object(Kind::MessageExample)),
        ),
        field("deprecated", Expect::Boolean),
    ],
    required: &[],
    extensible: true,
    closed: true,
};

/// The Message Example Object; 2.0 examples have no `name` or `summary`.
static MESSAGE_EXAMPLE: ObjectRule = ObjectRule {
    title: "Message Example Object",
    fields: &[
        field("name", Expect::String).since(1),
        field("summary", Expect::String).since(1),
        field("headers", Expect::AnyObject),
        field("payload", Expect::Any),
    ],
    required: &[],
    extensible: true,
    closed: true,
};

static TAG: ObjectRule = ObjectRule {
    title: "Tag Object",
    fields: &[
        field("name", Expect::String),
        field("description", Expect::String),
        field("externalDocs", DOCS),
    ],
    required: &["name"],
    extensible: true,
    closed: true,
};

static PARAMETER: ObjectRule = ObjectRule {
    title: "Parameter Object",
    fields: &[
        field("description", Expect::String),
        field("schema", Expect::Object(Kind::Schema)),
        field("location", Expect::Format(Format::RuntimeExpression)),
    ],
    required: &[],
    extensible: true,
    closed: true,
};

const BINDINGS_MAP: Expect = Expect::MapOf(&Expect::Object(Kind::Bindings(Place::Server)));

static COMPONENTS: ObjectRule = ObjectRule {
    title: "Components Object",
    fields: &[
        field("schemas", Expect::MapOf(&Expect::Object(Kind::Schema))),
        field("messages", Expect::MapOf(&Expect::Object(Kind::Message))),
        field(
            "securitySchemes",
            Expect::MapOf(&Expect::Object(Kind::SecurityScheme)),
        ),
        field(
            "parameters",
            Expect::MapOf(&Expect::Object(Kind::Parameter)),
        ),
        field(
            "correlationIds",
            Expect::MapOf(&Expect::Object(Kind::CorrelationId)),
        ),
        field(
            "operationTraits",
            Expect::MapOf(&Expect::Object(Kind::OperationTrait)),
        ),
        field(
            "messageTraits",
            Expect::MapOf(&Expect::Object(Kind::MessageTrait)),
        ),
        field("serverBindings", BINDINGS_MAP),
        field(
            "channelBindings",
            Expect::MapOf(&Expect::Object(Kind::Bindings(Place::Channel))),
        ),
        field(
            "operationBindings",
            Expect::MapOf(&Expect::Object(Kind::Bindings(Place::Operation))),
        ),
        field(
            "messageBindings",
            Expect::MapOf(&Expect::Object(Kind::Bindings(Place::Message))),
        ),
        field("servers", Expect::MapOf(&Expect::Object(Kind::Server))).since(3),
        field("channels", Expect::MapOf(&Expect::Object(Kind::Channel))).since(3),
        field(
            "serverVariables",
            Expect::MapOf(&Expect::Object(Kind::ServerVariable)),
        )
        .since(4),
    ],
    required: &[],
    extensible: true,
    closed: true,
};

const OAUTH_URL: Expect = Expect::Format(Format::Uri);
const FLOW_FIELDS: &[Field] = &[
    field("authorizationUrl", OAUTH_URL),
    field("tokenUrl", OAUTH_URL),
    field("refreshUrl", OAUTH_URL),
    field("scopes", Expect::MapOf(&Expect::String)),
];

fn oauth_flow(flow: Flow) -> &'static ObjectRule {
    match flow {
        Flow::Implicit => &IMPLICIT,
        Flow::Password | Flow::ClientCredentials => &TOKEN_FLOW,
        Flow::AuthorizationCode => &AUTHORIZATION_CODE,
    }
}

static IMPLICIT: ObjectRule = ObjectRule {
    title: "OAuth Flow Object",
    fields: FLOW_FIELDS,
    required: &["authorizationUrl", "scopes"],
    extensible: true,
    closed: true,
};

static TOKEN_FLOW: ObjectRule = ObjectRule {
    title: "OAuth Flow Object",
    fields: FLOW_FIELDS,
    required: &["tokenUrl", "scopes"],
    extensible: true,
    closed: true,
};

static AUTHORIZATION_CODE: ObjectRule = ObjectRule {
    title: "OAuth Flow Object",
    fields: FLOW_FIELDS,
    required: &["authorizationUrl", "tokenUrl", "scopes"],
    extensible: true,
    closed: true,
};
