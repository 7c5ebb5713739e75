//! Object rules of AsyncAPI 3.0 and 3.1, and the objects 2.x shares with
//! them unchanged.

use super::rules::{field, Expect, Field, Flow, Format, Kind, ObjectRule, Place};

const STRINGS: Expect = Expect::ListOf(&Expect::String);
const TAGS: Expect = Expect::ListOf(&Expect::Object(Kind::Tag));
const DOCS: Expect = Expect::Object(Kind::ExternalDocs);
const SECURITY: Expect = Expect::ListOf(&Expect::Object(Kind::SecurityScheme));

/// Returns the 3.x rule of `kind`, or `None` for kinds with their own
/// checker (schemas, bindings, security schemes) or that 3.x lacks.
pub(super) fn rule(kind: Kind) -> Option<&'static ObjectRule> {
    Some(match kind {
        Kind::Root => &ROOT,
        Kind::Info => &INFO,
        Kind::Contact => &CONTACT,
        Kind::License => &LICENSE,
        Kind::Server => &SERVER,
        Kind::ServerVariable => &SERVER_VARIABLE,
        Kind::Channel => &CHANNEL,
        Kind::Operation => &OPERATION,
        Kind::OperationTrait => &OPERATION_TRAIT,
        Kind::Message => &MESSAGE,
        Kind::MessageTrait => &MESSAGE_TRAIT,
        Kind::MessageExample => &MESSAGE_EXAMPLE,
        Kind::CorrelationId => &CORRELATION_ID,
        Kind::Tag => &TAG,
        Kind::ExternalDocs => &EXTERNAL_DOCS,
        Kind::Components => &COMPONENTS,
        Kind::Parameter => &PARAMETER,
        Kind::Reply => &REPLY,
        Kind::ReplyAddress => &REPLY_ADDRESS,
        Kind::MultiFormatSchema => &MULTI_FORMAT_SCHEMA,
        Kind::OAuthFlows => &OAUTH_FLOWS,
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
        field(
            "operations",
            Expect::MapOf(&Expect::Object(Kind::Operation)),
        ),
        field("components", Expect::Object(Kind::Components)),
    ],
    required: &["asyncapi", "info"],
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
        field("tags", TAGS),
        field("externalDocs", DOCS),
    ],
    required: &["title", "version"],
    extensible: true,
    closed: true,
};

pub(super) static CONTACT: ObjectRule = ObjectRule {
    title: "Contact Object",
    fields: &[
        field("name", Expect::String),
        field("url", Expect::Format(Format::Uri)),
        field("email", Expect::Format(Format::Email)),
    ],
    required: &[],
    extensible: true,
    closed: true,
};

pub(super) static LICENSE: ObjectRule = ObjectRule {
    title: "License Object",
    fields: &[
        field("name", Expect::String),
        field("url", Expect::Format(Format::Uri)),
    ],
    required: &["name"],
    extensible: true,
    closed: true,
};

static SERVER: ObjectRule = ObjectRule {
    title: "Server Object",
    fields: &[
        field("host", Expect::String),
        field("protocol", Expect::String),
        field("protocolVersion", Expect::String),
        field("pathname", Expect::String),
        field("description", Expect::String),
        field("title", Expect::String),
        field("summary", Expect::String),
        field(
            "variables",
            Expect::MapOf(&Expect::Object(Kind::ServerVariable)),
        ),
        field("security", SECURITY),
        field("tags", TAGS),
        field("externalDocs", DOCS),
        field("bindings", Expect::Object(Kind::Bindings(Place::Server))),
    ],
    required: &["host", "protocol"],
    extensible: true,
    closed: true,
};

pub(super) static SERVER_VARIABLE: ObjectRule = ObjectRule {
    title: "Server Variable Object",
    fields: &[
        field("enum", STRINGS),
        field("default", Expect::String),
        field("description", Expect::String),
        field("examples", STRINGS),
    ],
    required: &[],
    extensible: true,
    closed: true,
};

static CHANNEL: ObjectRule = ObjectRule {
    title: "Channel Object",
    fields: &[
        field("address", Expect::StringOrNull),
        field("messages", Expect::MapOf(&Expect::Object(Kind::Message))),
        field("title", Expect::String),
        field("summary", Expect::String),
        field("description", Expect::String),
        field("servers", Expect::ListOf(&Expect::Reference(Kind::Server))),
        field(
            "parameters",
            Expect::MapOf(&Expect::Object(Kind::Parameter)),
        ),
        field("tags", TAGS),
        field("externalDocs", DOCS),
        field("bindings", Expect::Object(Kind::Bindings(Place::Channel))),
    ],
    required: &[],
    extensible: true,
    closed: true,
};

static OPERATION: ObjectRule = ObjectRule {
    title: "Operation Object",
    fields: &[
        field("action", Expect::Enum(&["send", "receive"])),
        field("channel", Expect::Reference(Kind::Channel)),
        field("title", Expect::String),
        field("summary", Expect::String),
        field("description", Expect::String),
        field("security", SECURITY),
        field("tags", TAGS),
        field("externalDocs", DOCS),
        field("bindings", Expect::Object(Kind::Bindings(Place::Operation))),
        field(
            "traits",
            Expect::ListOf(&Expect::Object(Kind::OperationTrait)),
        ),
        field(
            "messages",
            Expect::ListOf(&Expect::Reference(Kind::Message)),
        ),
        field("reply", Expect::Object(Kind::Reply)),
    ],
    required: &["action", "channel"],
    extensible: true,
    closed: true,
};

static OPERATION_TRAIT: ObjectRule = ObjectRule {
    title: "Operation Trait Object",
    fields: &[
        field("title", Expect::String),
        field("summary", Expect::String),
        field("description", Expect::String),
        field("security", SECURITY),
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
        field("headers", Expect::Object(Kind::AnySchema)),
        field("payload", Expect::Object(Kind::AnySchema)),
        field("correlationId", Expect::Object(Kind::CorrelationId)),
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
        field("traits", Expect::ListOf(&Expect::MessageTraitItem)),
        field("deprecated", Expect::Boolean),
    ],
    required: &[],
    extensible: true,
    closed: true,
};

static MESSAGE_TRAIT: ObjectRule = ObjectRule {
    title: "Message Trait Object",
    fields: &[
        field("headers", Expect::Object(Kind::AnySchema)),
        field("correlationId", Expect::Object(Kind::CorrelationId)),
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
        field("deprecated", Expect::Boolean),
    ],
    required: &[],
    extensible: true,
    closed: true,
};

static MESSAGE_EXAMPLE: ObjectRule = ObjectRule {
    title: "Message Example Object",
    fields: &[
        field("name", Expect::String),
        field("summary", Expect::String),
        // 3.0 requires a map of headers; 3.1 allows any value.
        field("headers", Expect::AnyObject).until(0),
        field("headers", Expect::Any).since(1),
        field("payload", Expect::Any),
    ],
    required: &[],
    extensible: true,
    closed: true,
};

pub(super) static CORRELATION_ID: ObjectRule = ObjectRule {
    title: "Correlation ID Object",
    fields: &[
        field("description", Expect::String),
        field("location", Expect::Format(Format::RuntimeExpression)),
    ],
    required: &["location"],
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

pub(super) static EXTERNAL_DOCS: ObjectRule = ObjectRule {
    title: "External Documentation Object",
    fields: &[
        field("description", Expect::String),
        field("url", Expect::Format(Format::Uri)),
    ],
    required: &["url"],
    extensible: true,
    closed: true,
};

static PARAMETER: ObjectRule = ObjectRule {
    title: "Parameter Object",
    fields: &[
        field("enum", STRINGS),
        field("default", Expect::String),
        field("description", Expect::String),
        field("examples", STRINGS),
        field("location", Expect::Format(Format::RuntimeExpression)),
    ],
    required: &[],
    extensible: true,
    closed: true,
};

static REPLY: ObjectRule = ObjectRule {
    title: "Operation Reply Object",
    fields: &[
        field("address", Expect::Object(Kind::ReplyAddress)),
        field("channel", Expect::Reference(Kind::Channel)),
        field(
            "messages",
            Expect::ListOf(&Expect::Reference(Kind::Message)),
        ),
    ],
    required: &[],
    extensible: true,
    closed: true,
};

static REPLY_ADDRESS: ObjectRule = ObjectRule {
    title: "Operation Reply Address Object",
    fields: &[
        field("description", Expect::String),
        field("location", Expect::Format(Format::RuntimeExpression)),
    ],
    required: &["location"],
    extensible: true,
    closed: true,
};

/// Open, as in the official schema: only the two fields are checked.
static MULTI_FORMAT_SCHEMA: ObjectRule = ObjectRule {
    title: "Multi Format Schema Object",
    fields: &[
        field("schemaFormat", Expect::String),
        field("schema", Expect::Payload),
    ],
    required: &["schema"],
    extensible: true,
    closed: false,
};

const fn components_of(kind: Kind) -> Expect {
    Expect::ComponentMapOf(match kind {
        Kind::Server => &Expect::Object(Kind::Server),
        Kind::Channel => &Expect::Object(Kind::Channel),
        Kind::Operation => &Expect::Object(Kind::Operation),
        Kind::Message => &Expect::Object(Kind::Message),
        Kind::SecurityScheme => &Expect::Object(Kind::SecurityScheme),
        Kind::ServerVariable => &Expect::Object(Kind::ServerVariable),
        Kind::Parameter => &Expect::Object(Kind::Parameter),
        Kind::CorrelationId => &Expect::Object(Kind::CorrelationId),
        Kind::Reply => &Expect::Object(Kind::Reply),
        Kind::ReplyAddress => &Expect::Object(Kind::ReplyAddress),
        Kind::ExternalDocs => &Expect::Object(Kind::ExternalDocs),
        Kind::Tag => &Expect::Object(Kind::Tag),
        Kind::OperationTrait => &Expect::Object(Kind::OperationTrait),
        Kind::MessageTrait => &Expect::Object(Kind::MessageTrait),
        Kind::Bindings(Place::Server) => &Expect::Object(Kind::Bindings(Place::Server)),
        Kind::Bindings(Place::Channel) => &Expect::Object(Kind::Bindings(Place::Channel)),
        Kind::Bindings(Place::Operation) => &Expect::Object(Kind::Bindings(Place::Operation)),
        Kind::Bindings(Place::Message) => &Expect::Object(Kind::Bindings(Place::Message)),
        _ => &Expect::Object(Kind::AnySchema),
    })
}

static COMPONENTS: ObjectRule = ObjectRule {
    title: "Components Object",
    fields: &[
        field("schemas", components_of(Kind::AnySchema)),
        field("servers", components_of(Kind::Server)),
        field("channels", components_of(Kind::Channel)),
        field("operations", components_of(Kind::Operation)),
        field("messages", components_of(Kind::Message)),
        field("securitySchemes", components_of(Kind::SecurityScheme)),
        field("serverVariables", components_of(Kind::ServerVariable)),
        field("parameters", components_of(Kind::Parameter)),
        field("correlationIds", components_of(Kind::CorrelationId)),
        field("replies", components_of(Kind::Reply)),
        field("replyAddresses", components_of(Kind::ReplyAddress)),
        field("externalDocs", components_of(Kind::ExternalDocs)),
        field("tags", components_of(Kind::Tag)),
        field("operationTraits", components_of(Kind::OperationTrait)),
        field("messageTraits", components_of(Kind::MessageTrait)),
        field(
            "serverBindings",
            components_of(Kind::Bindings(Place::Server)),
        ),
        field(
            "channelBindings",
            components_of(Kind::Bindings(Place::Channel)),
        ),
        field(
            "operationBindings",
            components_of(Kind::Bindings(Place::Operation)),
        ),
        field(
            "messageBindings",
            components_of(Kind::Bindings(Place::Message)),
        ),
    ],
    required: &[],
    extensible: true,
    closed: true,
};

pub(super) static OAUTH_FLOWS: ObjectRule = ObjectRule {
    title: "OAuth Flows Object",
    fields: &[
        field("implicit", Expect::Object(Kind::OAuthFlow(Flow::Implicit))),
        field("password", Expect::Object(Kind::OAuthFlow(Flow::Password))),
        field(
            "clientCredentials",
            Expect::Object(Kind::OAuthFlow(Flow::ClientCredentials)),
        ),
        field(
            "authorizationCode",
            Expect::Object(Kind::OAuthFlow(Flow::AuthorizationCode)),
        ),
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
    field("availableScopes", Expect::MapOf(&Expect::String)),
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
    required: &["authorizationUrl", "availableScopes"],
    extensible: true,
    closed: true,
};

static TOKEN_FLOW: ObjectRule = ObjectRule {
    title: "OAuth Flow Object",
    fields: FLOW_FIELDS,
    required: &["tokenUrl", "availableScopes"],
    extensible: true,
    closed: true,
};

static AUTHORIZATION_CODE: ObjectRule = ObjectRule {
    title: "OAuth Flow Object",
    fields: FLOW_FIELDS,
    required: &["authorizationUrl", "tokenUrl", "availableScopes"],
    extensible: true,
    closed: true,
};
