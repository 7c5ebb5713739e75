//! Protocol bindings: every binding kept as data, plus typed fields for
//! the protocols code generation uses (HTTP, Kafka, MQTT, AMQP, WebSockets
//! and NATS).
//!
//! A binding kind is typed only where that protocol's binding defines
//! fields for it. The HTTP server binding and the NATS channel binding, for
//! example, define none, so they are only in `raw`.

use indexmap::IndexMap;

use super::reader::{Located, Reader};
use super::{Extensions, SchemaRef};

/// Binding objects by protocol name, as JSON. `$ref`s at the binding
/// object and at each protocol entry are followed; `$ref`s nested deeper
/// are kept as written.
pub type RawBindings = IndexMap<String, serde_json::Value>;

/// Protocol-specific settings of a server.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServerBindings {
    /// Every binding, typed or not.
    pub raw: RawBindings,
    /// The `kafka` binding.
    pub kafka: Option<KafkaServerBinding>,
    /// The `mqtt` binding.
    pub mqtt: Option<MqttServerBinding>,
    /// `x-` extensions of the bindings object.
    pub extensions: Extensions,
}

/// Protocol-specific settings of a channel.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChannelBindings {
    /// Every binding, typed or not.
    pub raw: RawBindings,
    /// The `kafka` binding.
    pub kafka: Option<KafkaChannelBinding>,
    /// The `amqp` binding.
    pub amqp: Option<AmqpChannelBinding>,
    /// The `ws` binding.
    pub ws: Option<WsChannelBinding>,
    /// `x-` extensions of the bindings object.
    pub extensions: Extensions,
}

/// Protocol-specific settings of an operation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OperationBindings {
    /// Every binding, typed or not.
    pub raw: RawBindings,
    /// The `http` binding.
    pub http: Option<HttpOperationBinding>,
    /// The `kafka` binding.
    pub kafka: Option<KafkaOperationBinding>,
    /// The `mqtt` binding.
    pub mqtt: Option<MqttOperationBinding>,
    /// The `amqp` binding.
    pub amqp: Option<AmqpOperationBinding>,
    /// The `nats` binding.
    pub nats: Option<NatsOperationBinding>,
    /// `x-` extensions of the bindings object.
    pub extensions: Extensions,
}

/// Protocol-specific settings of a message.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MessageBindings {
    /// Every binding, typed or not.
    pub raw: RawBindings,
    /// The `http` binding.
    pub http: Option<HttpMessageBinding>,
    /// The `kafka` binding.
    pub kafka: Option<KafkaMessageBinding>,
    /// The `mqtt` binding.
    pub mqtt: Option<MqttMessageBinding>,
    /// The `amqp` binding.
    pub amqp: Option<AmqpMessageBinding>,
    /// `x-` extensions of the bindings object.
    pub extensions: Extensions,
}

/// HTTP operation binding.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HttpOperationBinding {
    /// HTTP method, such as `POST`.
    pub method: Option<String>,
    /// Schema of the query parameters.
    pub query: Option<SchemaRef>,
    /// `request` or `response`: the `type` field of binding versions before
    /// 0.3.0.
    pub operation_type: Option<String>,
    /// Version of the binding.
    pub binding_version: Option<String>,
}

/// HTTP message binding.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HttpMessageBinding {
    /// Schema of the HTTP headers.
    pub headers: Option<SchemaRef>,
    /// HTTP status code of a response.
    pub status_code: Option<u64>,
    /// Version of the binding.
    pub binding_version: Option<String>,
}

/// Kafka server binding.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KafkaServerBinding {
    /// URL of the schema registry.
    pub schema_registry_url: Option<String>,
    /// Vendor of the schema registry, such as `confluent`.
    pub schema_registry_vendor: Option<String>,
    /// Version of the binding.
    pub binding_version: Option<String>,
}

/// Kafka channel binding.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KafkaChannelBinding {
    /// Topic name, when it differs from the channel address.
    pub topic: Option<String>,
    /// Number of partitions.
    pub partitions: Option<u64>,
    /// Number of replicas.
    pub replicas: Option<u64>,
    /// Topic configuration (`cleanup.policy`, `retention.ms`, ...) as JSON.
    pub topic_configuration: Option<serde_json::Value>,
    /// Version of the binding.
    pub binding_version: Option<String>,
}

/// Kafka operation binding.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KafkaOperationBinding {
    /// Schema of the consumer group id.
    pub group_id: Option<SchemaRef>,
    /// Schema of the client id.
    pub client_id: Option<SchemaRef>,
    /// Version of the binding.
    pub binding_version: Option<String>,
}

/// Kafka message binding.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KafkaMessageBinding {
    /// Schema of the message key.
    pub key: Option<SchemaRef>,
    /// Location of the schema id: `header` or `payload`.
    pub schema_id_location: Option<String>,
    /// Encoding of the schema id in the payload.
    pub schema_id_payload_encoding: Option<String>,
    /// Schema lookup strategy of the registry.
    pub schema_lookup_strategy: Option<String>,
    /// Version of the binding.
    pub binding_version: Option<String>,
}

/// MQTT server binding.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MqttServerBinding {
    /// Client identifier.
    pub client_id: Option<String>,
    /// Whether to start a clean session.
    pub clean_session: Option<bool>,
    /// The last will and testament.
    pub last_will: Option<MqttLastWill>,
    /// Keep-alive interval in seconds.
    pub keep_alive: Option<u64>,
    /// Version of the binding.
    pub binding_version: Option<String>,
}

/// The last will of an MQTT client.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MqttLastWill {
    /// Topic the will is published to.
    pub topic: Option<String>,
    /// Quality of service, 0 to 2.
    pub qos: Option<u64>,
    /// The will message.
    pub message: Option<String>,
    /// Whether the broker retains the will.
    pub retain: Option<bool>,
}

/// MQTT operation binding.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MqttOperationBinding {
    /// Quality of service, 0 to 2.
    pub qos: Option<u64>,
    /// Whether the broker retains the message.
    pub retain: Option<bool>,
    /// Message lifetime in seconds, when given as an integer.
    pub message_expiry_interval: Option<u64>,
    /// Version of the binding.
    pub binding_version: Option<String>,
}

/// MQTT message binding.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MqttMessageBinding {
    /// 0 for unspecified bytes, 1 for UTF-8 text.
    pub payload_format_indicator: Option<u64>,
    /// Schema of the correlation data.
    pub correlation_data: Option<SchemaRef>,
    /// Content type of the payload.
    pub content_type: Option<String>,
    /// Response topic, when given as a string.
    pub response_topic: Option<String>,
    /// Version of the binding.
    pub binding_version: Option<String>,
}

/// AMQP 0-9-1 channel binding.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AmqpChannelBinding {
    /// `routingKey` or `queue`: what the channel is.
    pub is: Option<String>,
    /// The exchange, when the channel is a routing key.
    pub exchange: Option<AmqpExchange>,
    /// The queue, when the channel is a queue.
    pub queue: Option<AmqpQueue>,
    /// Version of the binding.
    pub binding_version: Option<String>,
}

/// An AMQP exchange.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AmqpExchange {
    /// Exchange name.
    pub name: Option<String>,
    /// Exchange type: `topic`, `direct`, `fanout`, `default` or `headers`.
    pub exchange_type: Option<String>,
    /// Whether the exchange survives a broker restart.
    pub durable: Option<bool>,
    /// Whether the exchange is deleted when the last queue is unbound.
    pub auto_delete: Option<bool>,
    /// Virtual host.
    pub vhost: Option<String>,
}

/// An AMQP queue.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AmqpQueue {
    /// Queue name.
    pub name: Option<String>,
    /// Whether the queue survives a broker restart.
    pub durable: Option<bool>,
    /// Whether only one connection may use the queue.
    pub exclusive: Option<bool>,
    /// Whether the queue is deleted when the last consumer leaves.
    pub auto_delete: Option<bool>,
    /// Virtual host.
    pub vhost: Option<String>,
}

/// AMQP 0-9-1 operation binding.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AmqpOperationBinding {
    /// Message time to live in milliseconds.
    pub expiration: Option<u64>,
    /// User id of the publisher.
    pub user_id: Option<String>,
    /// Routing keys the message is also sent to.
    pub cc: Vec<String>,
    /// Message priority.
    pub priority: Option<u64>,
    /// 1 for transient, 2 for persistent delivery.
    pub delivery_mode: Option<u64>,
    /// Whether the message must be routable.
    pub mandatory: Option<bool>,
    /// Routing keys the message is sent to without the receiver seeing
    /// them.
    pub bcc: Vec<String>,
    /// Whether the message carries a timestamp.
    pub timestamp: Option<bool>,
    /// Whether the consumer acknowledges the message.
    pub ack: Option<bool>,
    /// Version of the binding.
    pub binding_version: Option<String>,
}

/// AMQP 0-9-1 message binding.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AmqpMessageBinding {
    /// Content encoding, such as `gzip`.
    pub content_encoding: Option<String>,
    /// Application-specific message type.
    pub message_type: Option<String>,
    /// Version of the binding.
    pub binding_version: Option<String>,
}

/// WebSockets channel binding.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WsChannelBinding {
    /// HTTP method of the handshake: `GET` or `POST`.
    pub method: Option<String>,
    /// Schema of the handshake's query parameters.
    pub query: Option<SchemaRef>,
    /// Schema of the handshake's HTTP headers.
    pub headers: Option<SchemaRef>,
    /// Version of the binding.
    pub binding_version: Option<String>,
}

/// NATS operation binding.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NatsOperationBinding {
    /// Queue group name.
    pub queue: Option<String>,
    /// Version of the binding.
    pub binding_version: Option<String>,
}

/// The bindings object under `bindings` of an object, with each protocol
/// entry followed through `$ref`.
struct BindingsObject<'n> {
    raw: RawBindings,
    entries: Vec<(String, Located<'n>)>,
    extensions: Extensions,
}

impl<'n> BindingsObject<'n> {
    fn protocol(&self, name: &str) -> Option<&Located<'n>> {
        self.entries
            .iter()
            .find(|(protocol, _)| protocol == name)
            .map(|(_, binding)| binding)
    }
}

impl<'d> Reader<'d> {
    fn bindings_object<'n>(&self, parent: &Located<'n>) -> BindingsObject<'n>
    where
        'd: 'n,
    {
        let mut object = BindingsObject {
            raw: IndexMap::new(),
            entries: Vec::new(),
            extensions: Extensions::new(),
        };
        let Some(bindings) = self.object_field(parent, "bindings") else {
            return object;
        };
        object.extensions = bindings.extensions();
        for (protocol, binding) in bindings.entries() {
            if protocol.starts_with("x-") {
                continue;
            }
            let Some(binding) = self.follow(binding) else {
                continue;
            };
            object.raw.insert(protocol.clone(), binding.node.to_json());
            if binding.node.as_mapping().is_some() {
                object.entries.push((protocol, binding));
            }
        }
        object
    }

    /// Reads the bindings of a server.
    pub(crate) fn server_bindings(&self, parent: &Located<'_>) -> ServerBindings {
        let object = self.bindings_object(parent);
        ServerBindings {
            kafka: object.protocol("kafka").map(|b| KafkaServerBinding {
                schema_registry_url: b.string("schemaRegistryUrl"),
                schema_registry_vendor: b.string("schemaRegistryVendor"),
                binding_version: b.string("bindingVersion"),
            }),
            mqtt: object.protocol("mqtt").map(|b| MqttServerBinding {
                client_id: b.string("clientId"),
                clean_session: b.boolean("cleanSession"),
                last_will: self.object_field(b, "lastWill").map(|will| MqttLastWill {
                    topic: will.string("topic"),
                    qos: will.unsigned("qos"),
                    message: will.string("message"),
                    retain: will.boolean("retain"),
                }),
                keep_alive: b.unsigned("keepAlive"),
                binding_version: b.string("bindingVersion"),
            }),
            raw: object.raw,
            extensions: object.extensions,
        }
    }

    /// Reads the bindings of a channel.
    pub(crate) fn channel_bindings(&self, parent: &Located<'_>) -> ChannelBindings {
        let object = self.bindings_object(parent);
        ChannelBindings {
            kafka: object.protocol("kafka").map(|b| KafkaChannelBinding {
                topic: b.string("topic"),
                partitions: b.unsigned("partitions"),
                replicas: b.unsigned("replicas"),
                topic_configuration: b.json("topicConfiguration"),
                binding_version: b.string("bindingVersion"),
            }),
            amqp: object.protocol("amqp").map(|b| AmqpChannelBinding {
                is: b.string("is"),
                exchange: self.object_field(b, "exchange").map(|e| AmqpExchange {
                    name: e.string("name"),
                    exchange_type: e.string("type"),
                    durable: e.boolean("durable"),
                    auto_delete: e.boolean("autoDelete"),
                    vhost: e.string("vhost"),
                }),
                queue: self.object_field(b, "queue").map(|q| AmqpQueue {
                    name: q.string("name"),
                    durable: q.boolean("durable"),
                    exclusive: q.boolean("exclusive"),
                    auto_delete: q.boolean("autoDelete"),
                    vhost: q.string("vhost"),
                }),
                binding_version: b.string("bindingVersion"),
            }),
            ws: object.protocol("ws").map(|b| WsChannelBinding {
                method: b.string("method"),
                query: self.binding_schema(b, "query"),
                headers: self.binding_schema(b, "headers"),
                binding_version: b.string("bindingVersion"),
            }),
            raw: object.raw,
            extensions: object.extensions,
        }
    }

    /// Reads the bindings of an operation.
    pub(crate) fn operation_bindings(&self, parent: &Located<'_>) -> OperationBindings {
        let object = self.bindings_object(parent);
        OperationBindings {
            http: object.protocol("http").map(|b| HttpOperationBinding {
                method: b.string("method"),
                query: self.binding_schema(b, "query"),
                operation_type: b.string("type"),
                binding_version: b.string("bindingVersion"),
            }),
            kafka: object.protocol("kafka").map(|b| KafkaOperationBinding {
                group_id: self.binding_schema(b, "groupId"),
                client_id: self.binding_schema(b, "clientId"),
                binding_version: b.string("bindingVersion"),
            }),
            mqtt: object.protocol("mqtt").map(|b| MqttOperationBinding {
                qos: b.unsigned("qos"),
                retain: b.boolean("retain"),
                message_expiry_interval: b.unsigned("messageExpiryInterval"),
                binding_version: b.string("bindingVersion"),
            }),
            amqp: object.protocol("amqp").map(|b| AmqpOperationBinding {
                expiration: b.unsigned("expiration"),
                user_id: b.string("userId"),
                cc: b.strings("cc"),
                priority: b.unsigned("priority"),
                delivery_mode: b.unsigned("deliveryMode"),
                mandatory: b.boolean("mandatory"),
                bcc: b.strings("bcc"),
                timestamp: b.boolean("timestamp"),
                ack: b.boolean("ack"),
                binding_version: b.string("bindingVersion"),
            }),
            nats: object.protocol("nats").map(|b| NatsOperationBinding {
                queue: b.string("queue"),
                binding_version: b.string("bindingVersion"),
            }),
            raw: object.raw,
            extensions: object.extensions,
        }
    }

    /// Reads the bindings of a message.
    pub(crate) fn message_bindings(&self, parent: &Located<'_>) -> MessageBindings {
        let object = self.bindings_object(parent);
        MessageBindings {
            http: object.protocol("http").map(|b| HttpMessageBinding {
                headers: self.binding_schema(b, "headers"),
                status_code: b.unsigned("statusCode"),
                binding_version: b.string("bindingVersion"),
            }),
            kafka: object.protocol("kafka").map(|b| KafkaMessageBinding {
                key: self.binding_schema(b, "key"),
                schema_id_location: b.string("schemaIdLocation"),
                schema_id_payload_encoding: b.string("schemaIdPayloadEncoding"),
                schema_lookup_strategy: b.string("schemaLookupStrategy"),
                binding_version: b.string("bindingVersion"),
            }),
            mqtt: object.protocol("mqtt").map(|b| MqttMessageBinding {
                payload_format_indicator: b.unsigned("payloadFormatIndicator"),
                correlation_data: self.binding_schema(b, "correlationData"),
                content_type: b.string("contentType"),
                response_topic: b.string("responseTopic"),
                binding_version: b.string("bindingVersion"),
            }),
            amqp: object.protocol("amqp").map(|b| AmqpMessageBinding {
                content_encoding: b.string("contentEncoding"),
                message_type: b.string("messageType"),
                binding_version: b.string("bindingVersion"),
            }),
            raw: object.raw,
            extensions: object.extensions,
        }
    }

    /// Reads a schema-valued binding field as a handle. Binding schemas are
    /// JSON Schema, so no format is checked.
    fn binding_schema(&self, binding: &Located<'_>, key: &str) -> Option<SchemaRef> {
        self.schema(binding.field(key)?, None, None)
    }
}
