//! The rule engine's vocabulary: object kinds, what a field expects, and
//! the field tables that describe one object kind.

use crate::version::SpecVersion;

/// An AsyncAPI object kind (or JSON Schema), as a place in the document
/// expects it. A node is validated once per kind it is reached as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Kind {
    Root,
    Info,
    Contact,
    License,
    Server,
    ServerVariable,
    /// A 2.x Channel Item Object or a 3.x Channel Object.
    Channel,
    Operation,
    OperationTrait,
    Message,
    MessageTrait,
    MessageExample,
    CorrelationId,
    Tag,
    ExternalDocs,
    Components,
    Parameter,
    SecurityScheme,
    OAuthFlows,
    OAuthFlow(Flow),
    /// A 2.x Security Requirement Object: scheme name to scope list.
    SecurityRequirement,
    Reply,
    ReplyAddress,
    /// A Bindings Object of a server, channel, operation or message.
    Bindings(Place),
    /// One protocol's binding whose fields are checked.
    Binding(Binding),
    /// A JSON Schema (draft-07 with the AsyncAPI additions).
    Schema,
    /// A 3.x Schema Object or Multi Format Schema Object.
    AnySchema,
    MultiFormatSchema,
}

/// The object a Bindings Object belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Place {
    Server,
    Channel,
    Operation,
    Message,
}

/// An OAuth 2 flow, which decides the flow's required URLs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Flow {
    Implicit,
    Password,
    ClientCredentials,
    AuthorizationCode,
}

/// Protocol bindings whose fields have checked types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Binding {
    HttpOperation,
    HttpMessage,
    KafkaServer,
    KafkaChannel,
    KafkaTopicConfiguration,
    KafkaOperation,
    KafkaMessage,
    MqttServer,
    MqttLastWill,
    MqttOperation,
    MqttMessage,
    AmqpChannel,
    AmqpExchange,
    AmqpQueue,
    AmqpOperation,
    AmqpMessage,
    WsChannel,
    NatsOperation,
    IbmmqServer,
    IbmmqChannel,
    IbmmqQueue,
    IbmmqTopic,
    IbmmqMessage,
}

/// A string format checked on a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Format {
    /// An absolute URI (RFC 3986): a scheme, then no spaces or
    /// characters that URIs never contain.
    Uri,
    /// An e-mail address.
    Email,
    /// A runtime expression such as `$message.header#/correlationId`.
    RuntimeExpression,
    /// A 2.x server `url`: not empty, `{variable}` braces balanced.
    ServerUrl,
}

/// The expectation on a field, map entry or list item.
#[derive(Clone, Copy, Debug)]
pub(super) enum Expect {
    /// Anything: the value is data, not checked.
    Any,
    String,
    Boolean,
    Integer,
    Number,
    /// A string or `null` (3.x channel `address`).
    StringOrNull,
    /// A string in the given format.
    Format(Format),
    /// A string of at most this many characters.
    MaxLength(usize),
    /// An integer from the first bound to the second, both included.
    IntegerIn(i64, i64),
    /// One of the given strings.
    Enum(&'static [&'static str]),
    /// One of the given integers.
    IntegerEnum(&'static [i64]),
    /// Any JSON object.
    AnyObject,
    /// An object of this kind, inline or through a Reference Object.
    Object(Kind),
    /// A Reference Object to an object of this kind; inline objects are
    /// not allowed.
    Reference(Kind),
    /// An object whose values each match.
    MapOf(&'static Expect),
    /// Like `MapOf`, and every key must match the 3.x component key
    /// pattern `^[a-zA-Z0-9.\-_]+$`.
    ComponentMapOf(&'static Expect),
    /// An array whose items each match.
    ListOf(&'static Expect),
    /// A message payload: a schema, unless the message's `schemaFormat`
    /// names a format other than JSON Schema.
    Payload,
    /// A schema that describes an object: its `type`, when given, is
    /// `object` (message and binding headers, binding query parameters).
    ObjectSchema,
    /// An integer, or a schema describing one (MQTT binding fields).
    IntegerOrSchema,
    /// A string, or a schema describing one (MQTT `responseTopic`).
    StringOrSchema,
    /// A 3.x message trait entry: a trait, or a `[trait, object]` pair.
    MessageTraitItem,
}

/// One field of an object kind, present in the minor versions
/// `first_minor..=last_minor` of the version family its table is for.
#[derive(Clone, Copy, Debug)]
pub(super) struct Field {
    pub name: &'static str,
    pub expect: Expect,
    first_minor: u8,
    last_minor: u8,
}

/// A field present in every minor version of its table's family.
pub(super) const fn field(name: &'static str, expect: Expect) -> Field {
    Field {
        name,
        expect,
        first_minor: 0,
        last_minor: u8::MAX,
    }
}

impl Field {
    /// Restricts the field to minor versions `minor` and later.
    pub const fn since(mut self, minor: u8) -> Field {
        self.first_minor = minor;
        self
    }

    /// Restricts the field to minor versions up to `minor`.
    pub const fn until(mut self, minor: u8) -> Field {
        self.last_minor = minor;
        self
    }

    /// Returns whether the field exists in `version`.
    pub fn exists_in(&self, version: SpecVersion) -> bool {
        (self.first_minor..=self.last_minor).contains(&version.minor())
    }
}

/// The structural rules of one object kind.
#[derive(Debug)]
pub(super) struct ObjectRule {
    /// The specification's name for the object, such as "Info Object".
    pub title: &'static str,
    pub fields: &'static [Field],
    pub required: &'static [&'static str],
    /// Whether `x-` keys are allowed (Specification Extensions).
    pub extensible: bool,
    /// Whether keys outside `fields` are reported as unknown.
    pub closed: bool,
}

impl ObjectRule {
    /// Returns the field named `name` if it exists in `version`.
    pub fn field(&self, name: &str, version: SpecVersion) -> Option<&'static Field> {
        self.fields
            .iter()
            .find(|f| f.name == name && f.exists_in(version))
    }

    /// Lists the field names that exist in `version`, for help texts.
    pub fn field_names(&self, version: SpecVersion) -> String {
        let names: Vec<&str> = self
            .fields
            .iter()
            .filter(|f| f.exists_in(version))
            .map(|f| f.name)
            .collect();
        names.join(", ")
    }
}

/// Returns whether `key` is a Specification Extension name: `x-` and at least
/// one more word character, dot or hyphen.
pub(super) fn is_extension(key: &str) -> bool {
    key.strip_prefix("x-").is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '-')
    })
}

/// Short names used in messages and RefWrongKind reports.
impl Kind {
    /// Returns the specification's name for the kind, such as "Message
    /// Object".
    pub fn title(self, version: SpecVersion) -> &'static str {
        match self {
            Kind::Root => "AsyncAPI Object",
            Kind::Info => "Info Object",
            Kind::Contact => "Contact Object",
            Kind::License => "License Object",
            Kind::Server => "Server Object",
            Kind::ServerVariable => "Server Variable Object",
            Kind::Channel if version.is_v2() => "Channel Item Object",
            Kind::Channel => "Channel Object",
            Kind::Operation => "Operation Object",
            Kind::OperationTrait => "Operation Trait Object",
            Kind::Message => "Message Object",
            Kind::MessageTrait => "Message Trait Object",
            Kind::MessageExample => "Message Example Object",
            Kind::CorrelationId => "Correlation ID Object",
            Kind::Tag => "Tag Object",
            Kind::ExternalDocs => "External Documentation Object",
            Kind::Components => "Components Object",
            Kind::Parameter => "Parameter Object",
            Kind::SecurityScheme => "Security Scheme Object",
            Kind::OAuthFlows => "OAuth Flows Object",
            Kind::OAuthFlow(_) => "OAuth Flow Object",
            Kind::SecurityRequirement => "Security Requirement Object",
            Kind::Reply => "Operation Reply Object",
            Kind::ReplyAddress => "Operation Reply Address Object",
            Kind::Bindings(Place::Server) => "Server Bindings Object",
            Kind::Bindings(Place::Channel) => "Channel Bindings Object",
            Kind::Bindings(Place::Operation) => "Operation Bindings Object",
            Kind::Bindings(Place::Message) => "Message Bindings Object",
            Kind::Binding(binding) => binding.title(),
            Kind::Schema | Kind::AnySchema => "Schema Object",
            Kind::MultiFormatSchema => "Multi Format Schema Object",
        }
    }
}

impl Binding {
    fn title(self) -> &'static str {
        match self {
            Binding::HttpOperation => "HTTP operation binding",
            Binding::HttpMessage => "HTTP message binding",
            Binding::KafkaServer => "Kafka server binding",
            Binding::KafkaChannel => "Kafka channel binding",
            Binding::KafkaTopicConfiguration => "Kafka topic configuration",
            Binding::KafkaOperation => "Kafka operation binding",
            Binding::KafkaMessage => "Kafka message binding",
            Binding::MqttServer => "MQTT server binding",
            Binding::MqttLastWill => "MQTT last will",
            Binding::MqttOperation => "MQTT operation binding",
            Binding::MqttMessage => "MQTT message binding",
            Binding::AmqpChannel => "AMQP channel binding",
            Binding::AmqpExchange => "AMQP exchange",
            Binding::AmqpQueue => "AMQP queue",
            Binding::AmqpOperation => "AMQP operation binding",
            Binding::AmqpMessage => "AMQP message binding",
            Binding::WsChannel => "WebSockets channel binding",
            Binding::NatsOperation => "NATS operation binding",
            Binding::IbmmqServer => "IBM MQ server binding",
            Binding::IbmmqChannel => "IBM MQ channel binding",
            Binding::IbmmqQueue => "IBM MQ queue",
            Binding::IbmmqTopic => "IBM MQ topic",
            Binding::IbmmqMessage => "IBM MQ message binding",
        }
    }
}
