//! Bindings Objects: which protocol keys each version allows, and the field
//! types of the HTTP, Kafka, MQTT, AMQP, WebSockets and NATS bindings.
//!
//! Binding field tables are the union of the binding versions the official
//! schemas know: HTTP 0.1-0.3, Kafka 0.1-0.5, MQTT 0.1-0.2, AMQP 0.2-0.3,
//! WebSockets 0.1, NATS 0.1 and IBM MQ 0.1. So a field is unknown only
//! when no version of its binding has it.

use super::rules::{field, Binding, Expect, Kind, ObjectRule, Place};
use crate::version::SpecVersion;

/// Protocol keys that every 3.x Bindings Object allows.
const COMMON: &[&str] = &[
    "http",
    "ws",
    "kafka",
    "anypointmq",
    "amqp",
    "amqp1",
    "mqtt",
    "nats",
    "jms",
    "sns",
    "solace",
    "sqs",
    "stomp",
    "redis",
    "ibmmq",
    "googlepubsub",
];

/// Returns whether `protocol` is a binding key of a `place` Bindings Object in
/// `version`. 2.x Bindings Objects allow any key.
pub(super) fn allows(protocol: &str, place: Place, version: SpecVersion) -> bool {
    if version.is_v2() || COMMON.contains(&protocol) {
        return true;
    }
    match protocol {
        "pulsar" => matches!(place, Place::Server | Place::Channel),
        "ros2" => version.minor() >= 1 && matches!(place, Place::Server | Place::Operation),
        _ => false,
    }
}

/// Lists the protocol keys a `place` Bindings Object allows in `version`
/// (3.x), for help texts.
pub(super) fn allowed_list(place: Place, version: SpecVersion) -> String {
    let mut keys: Vec<&str> = COMMON.to_vec();
    for extra in ["pulsar", "ros2"] {
        if allows(extra, place, version) {
            keys.push(extra);
        }
    }
    keys.join(", ")
}

/// Returns the binding kind whose fields are checked for `protocol` at
/// `place`.
pub(super) fn binding_kind(protocol: &str, place: Place) -> Option<Kind> {
    let binding = match (protocol, place) {
        ("http", Place::Operation) => Binding::HttpOperation,
        ("http", Place::Message) => Binding::HttpMessage,
        ("kafka", Place::Server) => Binding::KafkaServer,
        ("kafka", Place::Channel) => Binding::KafkaChannel,
        ("kafka", Place::Operation) => Binding::KafkaOperation,
        ("kafka", Place::Message) => Binding::KafkaMessage,
        ("mqtt", Place::Server) => Binding::MqttServer,
        ("mqtt", Place::Operation) => Binding::MqttOperation,
        ("mqtt", Place::Message) => Binding::MqttMessage,
        ("amqp", Place::Channel) => Binding::AmqpChannel,
        ("amqp", Place::Operation) => Binding::AmqpOperation,
        ("amqp", Place::Message) => Binding::AmqpMessage,
        ("ws", Place::Channel) => Binding::WsChannel,
        ("nats", Place::Operation) => Binding::NatsOperation,
        ("ibmmq", Place::Server) => Binding::IbmmqServer,
        ("ibmmq", Place::Channel) => Binding::IbmmqChannel,
        ("ibmmq", Place::Message) => Binding::IbmmqMessage,
        _ => return None,
    };
    Some(Kind::Binding(binding))
}

/// Returns the field rule of a checked binding.
pub(super) fn rule(binding: Binding) -> &'static ObjectRule {
    match binding {
        Binding::HttpOperation => &HTTP_OPERATION,
        Binding::HttpMessage => &HTTP_MESSAGE,
        Binding::KafkaServer => &KAFKA_SERVER,
        Binding::KafkaChannel => &KAFKA_CHANNEL,
        Binding::KafkaTopicConfiguration => &KAFKA_TOPIC_CONFIGURATION,
        Binding::KafkaOperation => &KAFKA_OPERATION,
        Binding::KafkaMessage => &KAFKA_MESSAGE,
        Binding::MqttServer => &MQTT_SERVER,
        Binding::MqttLastWill => &MQTT_LAST_WILL,
        Binding::MqttOperation => &MQTT_OPERATION,
        Binding::MqttMessage => &MQTT_MESSAGE,
        Binding::AmqpChannel => &AMQP_CHANNEL,
        Binding::AmqpExchange => &AMQP_EXCHANGE,
        Binding::AmqpQueue => &AMQP_QUEUE,
        Binding::AmqpOperation => &AMQP_OPERATION,
        Binding::AmqpMessage => &AMQP_MESSAGE,
        Binding::WsChannel => &WS_CHANNEL,
        Binding::NatsOperation => &NATS_OPERATION,
        Binding::IbmmqServer => &IBMMQ_SERVER,
        Binding::IbmmqChannel => &IBMMQ_CHANNEL,
        Binding::IbmmqQueue => &IBMMQ_QUEUE,
        Binding::IbmmqTopic => &IBMMQ_TOPIC,
        Binding::IbmmqMessage => &IBMMQ_MESSAGE,
    }
}

const fn binding(title: &'static str, fields: &'static [super::rules::Field]) -> ObjectRule {
    ObjectRule {
        title,
        fields,
        required: &[],
        extensible: true,
        closed: true,
    }
}

const VERSION: super::rules::Field = field("bindingVersion", Expect::String);
const SCHEMA: Expect = Expect::Object(Kind::Schema);
const STRINGS: Expect = Expect::ListOf(&Expect::String);
const QOS: Expect = Expect::IntegerEnum(&[0, 1, 2]);

static HTTP_OPERATION: ObjectRule = binding(
    "HTTP operation binding",
    &[
        field("type", Expect::Enum(&["request", "response"])),
        field(
            "method",
            Expect::Enum(&[
                "GET", "PUT", "POST", "PATCH", "DELETE", "HEAD", "OPTIONS", "CONNECT", "TRACE",
            ]),
        ),
        field("query", Expect::ObjectSchema),
        VERSION,
    ],
);

static HTTP_MESSAGE: ObjectRule = binding(
    "HTTP message binding",
    &[
        field("headers", Expect::ObjectSchema),
        field("statusCode", Expect::Number),
        VERSION,
    ],
);

static KAFKA_SERVER: ObjectRule = binding(
    "Kafka server binding",
    &[
        field("schemaRegistryUrl", Expect::String),
        field("schemaRegistryVendor", Expect::String),
        VERSION,
    ],
);

static KAFKA_CHANNEL: ObjectRule = binding(
    "Kafka channel binding",
    &[
        field("topic", Expect::String),
        field("partitions", Expect::IntegerIn(1, i64::MAX)),
        field("replicas", Expect::IntegerIn(1, i64::MAX)),
        field(
            "topicConfiguration",
            Expect::Object(Kind::Binding(Binding::KafkaTopicConfiguration)),
        ),
        VERSION,
    ],
);

static KAFKA_TOPIC_CONFIGURATION: ObjectRule = binding(
    "Kafka topic configuration",
    &[
        field(
            "cleanup.policy",
            Expect::ListOf(&Expect::Enum(&["compact", "delete"])),
        ),
        field("retention.ms", Expect::IntegerIn(-1, i64::MAX)),
        field("retention.bytes", Expect::IntegerIn(-1, i64::MAX)),
        field("delete.retention.ms", Expect::IntegerIn(0, i64::MAX)),
        field("max.message.bytes", Expect::IntegerIn(0, i64::MAX)),
        field("confluent.key.schema.validation", Expect::Boolean),
        field("confluent.key.subject.name.strategy", Expect::String),
        field("confluent.value.schema.validation", Expect::Boolean),
        field("confluent.value.subject.name.strategy", Expect::String),
    ],
);

static KAFKA_OPERATION: ObjectRule = binding(
    "Kafka operation binding",
    &[
        // Schemas per the binding; many real documents write plain strings.
        field("groupId", Expect::StringOrSchema),
        field("clientId", Expect::StringOrSchema),
        VERSION,
    ],
);

/// `key` is not checked as JSON Schema: Kafka 0.4 also allows an Avro
/// schema there.
static KAFKA_MESSAGE: ObjectRule = binding(
    "Kafka message binding",
    &[
        field("key", Expect::AnyObject),
        field("schemaIdLocation", Expect::Enum(&["header", "payload"])),
        field("schemaIdPayloadEncoding", Expect::String),
        field("schemaLookupStrategy", Expect::String),
        VERSION,
    ],
);

static MQTT_SERVER: ObjectRule = binding(
    "MQTT server binding",
    &[
        field("clientId", Expect::String),
        field("cleanSession", Expect::Boolean),
        field(
            "lastWill",
            Expect::Object(Kind::Binding(Binding::MqttLastWill)),
        ),
        field("keepAlive", Expect::Integer),
        field("sessionExpiryInterval", Expect::IntegerOrSchema),
        field("maximumPacketSize", Expect::IntegerOrSchema),
        VERSION,
    ],
);

static MQTT_LAST_WILL: ObjectRule = binding(
    "MQTT last will",
    &[
        field("topic", Expect::String),
        field("qos", QOS),
        field("message", Expect::String),
        field("retain", Expect::Boolean),
    ],
);

static MQTT_OPERATION: ObjectRule = binding(
    "MQTT operation binding",
    &[
        field("qos", QOS),
        field("retain", Expect::Boolean),
        field("messageExpiryInterval", Expect::IntegerOrSchema),
        VERSION,
    ],
);

static MQTT_MESSAGE: ObjectRule = binding(
    "MQTT message binding",
    &[
        field("payloadFormatIndicator", Expect::IntegerEnum(&[0, 1])),
        field("correlationData", SCHEMA),
        field("contentType", Expect::String),
        field("responseTopic", Expect::StringOrSchema),
        VERSION,
    ],
);

// NOTE: the official schemas also require `exchange` with `is: routingKey`
// and `queue` with `is: queue`. That pairing is not checked, because the
// AsyncAPI test kit's valid documents do not follow it.
static AMQP_CHANNEL: ObjectRule = binding(
    "AMQP channel binding",
    &[
        field("is", Expect::Enum(&["queue", "routingKey"])),
        field(
            "exchange",
            Expect::Object(Kind::Binding(Binding::AmqpExchange)),
        ),
        field("queue", Expect::Object(Kind::Binding(Binding::AmqpQueue))),
        VERSION,
    ],
);

static AMQP_EXCHANGE: ObjectRule = binding(
    "AMQP exchange",
    &[
        field("name", Expect::MaxLength(255)),
        field(
            "type",
            Expect::Enum(&["topic", "direct", "fanout", "default", "headers"]),
        ),
        field("durable", Expect::Boolean),
        field("autoDelete", Expect::Boolean),
        field("vhost", Expect::String),
    ],
);

static AMQP_QUEUE: ObjectRule = binding(
    "AMQP queue",
    &[
        field("name", Expect::MaxLength(255)),
        field("durable", Expect::Boolean),
        field("exclusive", Expect::Boolean),
        field("autoDelete", Expect::Boolean),
        field("vhost", Expect::String),
    ],
);

static AMQP_OPERATION: ObjectRule = binding(
    "AMQP operation binding",
    &[
        field("expiration", Expect::IntegerIn(0, i64::MAX)),
        field("userId", Expect::String),
        field("cc", STRINGS),
        field("priority", Expect::Integer),
        field("deliveryMode", Expect::IntegerEnum(&[1, 2])),
        field("mandatory", Expect::Boolean),
        field("bcc", STRINGS),
        field("replyTo", Expect::String),
        field("timestamp", Expect::Boolean),
        field("ack", Expect::Boolean),
        VERSION,
    ],
);

static AMQP_MESSAGE: ObjectRule = binding(
    "AMQP message binding",
    &[
        field("contentEncoding", Expect::String),
        field("messageType", Expect::String),
        VERSION,
    ],
);

static WS_CHANNEL: ObjectRule = binding(
    "WebSockets channel binding",
    &[
        field("method", Expect::Enum(&["GET", "POST"])),
        field("query", Expect::ObjectSchema),
        field("headers", Expect::ObjectSchema),
        VERSION,
    ],
);

static NATS_OPERATION: ObjectRule = binding(
    "NATS operation binding",
    &[field("queue", Expect::MaxLength(255)), VERSION],
);

static IBMMQ_SERVER: ObjectRule = binding(
    "IBM MQ server binding",
    &[
        field("groupId", Expect::String),
        field("ccdtQueueManagerName", Expect::String),
        field("cipherSpec", Expect::String),
        field("multiEndpointServer", Expect::Boolean),
        field("heartBeatInterval", Expect::IntegerIn(0, 999_999)),
        VERSION,
    ],
);

static IBMMQ_CHANNEL: ObjectRule = binding(
    "IBM MQ channel binding",
    &[
        field("destinationType", Expect::Enum(&["topic", "queue"])),
        field("queue", Expect::Object(Kind::Binding(Binding::IbmmqQueue))),
        field("topic", Expect::Object(Kind::Binding(Binding::IbmmqTopic))),
        field("maxMsgLength", Expect::IntegerIn(0, 104_857_600)),
        VERSION,
    ],
);

static IBMMQ_QUEUE: ObjectRule = ObjectRule {
    required: &["objectName"],
    ..binding(
        "IBM MQ queue",
        &[
            field("objectName", Expect::MaxLength(48)),
            field("isPartitioned", Expect::Boolean),
            field("exclusive", Expect::Boolean),
        ],
    )
};

static IBMMQ_TOPIC: ObjectRule = binding(
    "IBM MQ topic",
    &[
        field("string", Expect::MaxLength(10240)),
        field("objectName", Expect::MaxLength(48)),
        field("durablePermitted", Expect::Boolean),
        field("lastMsgRetained", Expect::Boolean),
    ],
);

static IBMMQ_MESSAGE: ObjectRule = binding(
    "IBM MQ message binding",
    &[
        field("type", Expect::Enum(&["string", "jms", "binary"])),
        field("headers", Expect::String),
        // In the binding's documentation, though not in its JSON Schema.
        field("description", Expect::String),
        field("expiry", Expect::IntegerIn(0, i64::MAX)),
        VERSION,
    ],
);
