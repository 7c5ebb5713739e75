//! Tests of reading whole documents into the model.

use std::path::Path;

use serde_json::json;

use super::*;
use crate::diagnostic::{Code, Severity};
use crate::document::LoadOptions;

/// Loads `text` and reads it; the document must load without diagnostics.
fn read_text(text: &str) -> (AsyncApi, Vec<Diagnostic>, Document) {
    let (document, load_diagnostics) =
        Document::from_text(Path::new("api.yaml"), text, LoadOptions::default());
    assert!(load_diagnostics.is_empty(), "{load_diagnostics:?}");
    let document = document.expect("the test document parses");
    let version = SpecVersion::read(document.root()).expect("the test document has a version");
    let (api, diagnostics) = read(&document, version);
    (api, diagnostics, document)
}

/// Converts the schema a handle names to JSON.
fn schema_json(schema: &SchemaRef, document: &Document) -> serde_json::Value {
    schema
        .node(document)
        .expect("the handle resolves in its document")
        .to_json()
}

const V2_STREETLIGHTS: &str = r#"
asyncapi: 2.6.0
id: urn:example:lights
info:
  title: Lights
  version: 1.0.0
  x-audience: internal
tags: [{name: lights}]
externalDocs: {url: https://example.com/docs}
servers:
  production:
    url: mqtt://broker.example.com:1883/base
    protocol: mqtt
    security: [{basicAuth: []}]
    bindings:
      mqtt: {clientId: lights-1, cleanSession: true, keepAlive: 60, lastWill: {topic: down, qos: 1}}
  local:
    url: '{host}:1883'
    protocol: mqtt
    variables:
      host: {default: localhost, enum: [localhost, 127.0.0.1]}
channels:
  light/{lightId}/measured:
    x-team: sensors
    parameters:
      lightId:
        description: the light's id
        schema: {type: string, enum: [a1, b2], default: a1}
        location: $message.payload#/id
    publish:
      operationId: receiveMeasurement
      x-internal: true
      message: {$ref: '#/components/messages/measured'}
    subscribe:
      message:
        oneOf:
          - $ref: '#/components/messages/measured'
          - $ref: '#/components/messages/dimmed'
  light/off:
    subscribe:
      message:
        payload: {type: string}
components:
  securitySchemes:
    basicAuth: {type: userPassword}
  messages:
    measured:
      messageId: lightMeasured
      x-version: 2
      payload: {type: object, properties: {lumens: {type: integer}}}
    dimmed:
      payload: {type: object}
"#;

#[test]
fn v2_actions_follow_application_view() {
    let (api, diagnostics, _) = read_text(V2_STREETLIGHTS);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let receive = &api.operations["receiveMeasurement"];
    assert_eq!(receive.action, Action::Receive);
    assert_eq!(receive.channel, "light/{lightId}/measured");
    let send = &api.operations["sendLightLightIdMeasured"];
    assert_eq!(send.action, Action::Send);
    assert_eq!(send.channel, "light/{lightId}/measured");
}

#[test]
fn v2_operation_ids_are_generated_in_order() {
    let (api, _, _) = read_text(V2_STREETLIGHTS);
    let ids: Vec<&str> = api.operations.keys().map(String::as_str).collect();
    assert_eq!(
        ids,
        [
            "receiveMeasurement",
            "sendLightLightIdMeasured",
            "sendLightOff"
        ]
    );
}

#[test]
fn v2_one_of_becomes_channel_messages() {
    let (api, _, document) = read_text(V2_STREETLIGHTS);
    let channel = &api.channels["light/{lightId}/measured"];
    assert_eq!(channel.address.as_deref(), Some("light/{lightId}/measured"));
    let keys: Vec<&str> = channel.messages.keys().map(String::as_str).collect();
    assert_eq!(keys, ["lightMeasured", "dimmed"]);
    assert_eq!(
        api.operations["receiveMeasurement"].messages,
        ["lightMeasured"]
    );
    assert_eq!(
        api.operations["sendLightLightIdMeasured"].messages,
        ["lightMeasured", "dimmed"]
    );
    let payload = channel.messages["lightMeasured"]
        .payload
        .as_ref()
        .expect("measured has a payload");
    assert_eq!(
        payload.pointer.to_string(),
        "/components/messages/measured/payload"
    );
    assert_eq!(payload.schema_format, None);
    assert!(payload.merged.is_none());
    assert_eq!(
        schema_json(payload, &document)["properties"]["lumens"]["type"],
        "integer"
    );
}

#[test]
fn v2_inline_message_gets_operation_key() {
    let (api, _, _) = read_text(V2_STREETLIGHTS);
    let channel = &api.channels["light/off"];
    let keys: Vec<&str> = channel.messages.keys().map(String::as_str).collect();
    assert_eq!(keys, ["sendLightOffMessage"]);
    let message = &channel.messages["sendLightOffMessage"];
    assert_eq!(
        message.location.pointer.to_string(),
        "/channels/light~1off/subscribe/message"
    );
}

#[test]
fn v2_parameter_upgraded_from_schema() {
    let (api, _, _) = read_text(V2_STREETLIGHTS);
    let parameter = &api.channels["light/{lightId}/measured"].parameters["lightId"];
    assert_eq!(parameter.allowed_values, ["a1", "b2"]);
    assert_eq!(parameter.default.as_deref(), Some("a1"));
    assert_eq!(parameter.description.as_deref(), Some("the light's id"));
    assert_eq!(parameter.location.as_deref(), Some("$message.payload#/id"));
    let schema = parameter
        .schema
        .as_ref()
        .expect("2.x parameters keep their schema");
    assert_eq!(
        schema.pointer.to_string(),
        "/channels/light~1{lightId}~1measured/parameters/lightId/schema"
    );
}

#[test]
fn v2_server_url_split_into_host_and_pathname() {
    let (api, _, _) = read_text(V2_STREETLIGHTS);
    let production = &api.servers["production"];
    assert_eq!(production.host, "broker.example.com:1883");
    assert_eq!(production.pathname.as_deref(), Some("/base"));
    assert_eq!(production.protocol, "mqtt");
    let local = &api.servers["local"];
    assert_eq!(local.host, "{host}:1883");
    assert_eq!(local.pathname, None);
    let host = &local.variables["host"];
    assert_eq!(host.default.as_deref(), Some("localhost"));
    assert_eq!(host.allowed_values, ["localhost", "127.0.0.1"]);
}

#[test]
fn v2_security_requirement_names_scheme() {
    let (api, _, _) = read_text(V2_STREETLIGHTS);
    let security = &api.servers["production"].security;
    assert_eq!(security.len(), 1);
    let required = &security[0].schemes[0];
    assert_eq!(required.name.as_deref(), Some("basicAuth"));
    let scheme = required.scheme.as_ref().expect("basicAuth is defined");
    assert_eq!(scheme.scheme_type, "userPassword");
}

#[test]
fn v2_root_tags_move_into_info() {
    let (api, _, _) = read_text(V2_STREETLIGHTS);
    assert_eq!(api.id.as_deref(), Some("urn:example:lights"));
    assert_eq!(api.info.title, "Lights");
    assert_eq!(api.info.tags.len(), 1);
    assert_eq!(api.info.tags[0].name, "lights");
    let docs = api
        .info
        .external_docs
        .as_ref()
        .expect("root externalDocs kept");
    assert_eq!(docs.url, "https://example.com/docs");
}

#[test]
fn extensions_kept_on_each_object() {
    let (api, _, _) = read_text(V2_STREETLIGHTS);
    assert_eq!(api.info.extensions["x-audience"], json!("internal"));
    let channel = &api.channels["light/{lightId}/measured"];
    assert_eq!(channel.extensions["x-team"], json!("sensors"));
    assert_eq!(
        api.operations["receiveMeasurement"].extensions["x-internal"],
        json!(true)
    );
    assert_eq!(
        channel.messages["lightMeasured"].extensions["x-version"],
        json!(2)
    );
    assert!(api.operations["sendLightOff"].extensions.is_empty());
}

#[test]
fn mqtt_server_binding_typed_and_kept() {
    let (api, _, _) = read_text(V2_STREETLIGHTS);
    let bindings = &api.servers["production"].bindings;
    let mqtt = bindings.mqtt.as_ref().expect("mqtt binding typed");
    assert_eq!(mqtt.client_id.as_deref(), Some("lights-1"));
    assert_eq!(mqtt.clean_session, Some(true));
    assert_eq!(mqtt.keep_alive, Some(60));
    let will = mqtt.last_will.as_ref().expect("last will typed");
    assert_eq!(will.topic.as_deref(), Some("down"));
    assert_eq!(will.qos, Some(1));
    assert_eq!(bindings.raw["mqtt"]["clientId"], json!("lights-1"));
}

// Message traits: the 2.x document and the 3.0 document have the same
// content but merge in opposite orders.
const TRAITS_COMPONENTS: &str = r#"
components:
  messageTraits:
    tracing:
      description: trait description
      headers:
        type: object
        required: [correlationId]
        properties:
          correlationId: {type: string}
          tenant: {type: integer}
    versioned:
      contentType: application/json
      headers:
        properties:
          schemaVersion: {type: string, default: '1'}
  messages:
    orderShipped:
      name: orderShipped
      description: own description
      headers:
        type: object
        required: [tenant]
        properties:
          tenant: {type: string}
      payload:
        type: object
        properties:
          orderId: {type: string}
      traits:
        - $ref: '#/components/messageTraits/tracing'
        - $ref: '#/components/messageTraits/versioned'
"#;

fn traits_document(version_head: &str) -> String {
    format!("{version_head}{TRAITS_COMPONENTS}")
}

#[test]
fn v2_traits_override_message() {
    let text = traits_document(
        "asyncapi: 2.6.0\ninfo: {title: t, version: '1'}\nchannels:\n  orders/shipped:\n    subscribe:\n      message: {$ref: '#/components/messages/orderShipped'}\n",
    );
    let (api, diagnostics, document) = read_text(&text);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let message = &api.channels["orders/shipped"].messages["orderShipped"];
    assert_eq!(message.description.as_deref(), Some("trait description"));
    assert_eq!(message.content_type.as_deref(), Some("application/json"));
    let headers = message.headers.as_ref().expect("headers merged");
    assert!(headers.merged.is_some());
    let headers = schema_json(headers, &document);
    assert_eq!(headers["required"], json!(["correlationId"]));
    assert_eq!(headers["properties"]["tenant"]["type"], "integer");
    assert_eq!(headers["properties"]["correlationId"]["type"], "string");
    assert_eq!(headers["properties"]["schemaVersion"]["default"], "1");
    let payload = message.payload.as_ref().expect("payload kept");
    assert!(payload.merged.is_none());
    assert_eq!(
        payload.pointer.to_string(),
        "/components/messages/orderShipped/payload"
    );
}

#[test]
fn v3_message_overrides_traits() {
    let text = traits_document(
        "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\nchannels:\n  ordersShipped:\n    address: orders/shipped\n    messages:\n      orderShipped: {$ref: '#/components/messages/orderShipped'}\noperations:\n  sendOrderShipped:\n    action: send\n    channel: {$ref: '#/channels/ordersShipped'}\n",
    );
    let (api, diagnostics, document) = read_text(&text);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let message = &api.channels["ordersShipped"].messages["orderShipped"];
    assert_eq!(message.description.as_deref(), Some("own description"));
    assert_eq!(message.content_type.as_deref(), Some("application/json"));
    let headers = schema_json(message.headers.as_ref().expect("headers merged"), &document);
    assert_eq!(headers["required"], json!(["tenant"]));
    assert_eq!(headers["properties"]["tenant"]["type"], "string");
    assert_eq!(headers["properties"]["correlationId"]["type"], "string");
    assert_eq!(headers["properties"]["schemaVersion"]["type"], "string");
    assert_eq!(
        api.operations["sendOrderShipped"].messages,
        ["orderShipped"]
    );
}

#[test]
fn merged_headers_keep_source_lines() {
    let text = traits_document("asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\nchannels: {}\n");
    let (api, _, _) = read_text(&text);
    let headers = api.components.messages["orderShipped"]
        .headers
        .as_ref()
        .expect("headers merged");
    let merged = headers.merged.as_ref().expect("headers come from a merge");
    let line = |name: &str| {
        merged
            .get("properties")
            .and_then(|p| p.get(name))
            .map(|n| n.span.start.line)
    };
    // The document head is three lines; the components start on line 5.
    assert_eq!(line("correlationId"), Some(13));
    assert_eq!(line("schemaVersion"), Some(19));
    assert_eq!(line("tenant"), Some(28));
}

#[test]
fn v3_operation_traits_keep_operation_values() {
    let text = r#"
asyncapi: 3.0.0
info: {title: t, version: '1'}
channels:
  c: {address: c}
operations:
  op:
    action: receive
    channel: {$ref: '#/channels/c'}
    summary: own
    traits:
      - summary: from trait
        description: trait description
        bindings: {nats: {queue: workers}}
"#;
    let (api, _, _) = read_text(text);
    let operation = &api.operations["op"];
    assert_eq!(operation.summary.as_deref(), Some("own"));
    assert_eq!(operation.description.as_deref(), Some("trait description"));
    let nats = operation
        .bindings
        .nats
        .as_ref()
        .expect("nats binding from trait");
    assert_eq!(nats.queue.as_deref(), Some("workers"));
}

#[test]
fn v2_operation_traits_override_operation() {
    let text = r#"
asyncapi: 2.6.0
info: {title: t, version: '1'}
channels:
  jobs:
    publish:
      summary: own
      traits:
        - {$ref: '#/components/operationTraits/worker'}
      message: {payload: {type: string}}
components:
  operationTraits:
    worker:
      operationId: consumeJob
      summary: from trait
      bindings: {amqp: {ack: true}}
"#;
    let (api, _, _) = read_text(text);
    let operation = &api.operations["consumeJob"];
    assert_eq!(operation.action, Action::Receive);
    assert_eq!(operation.summary.as_deref(), Some("from trait"));
    let amqp = operation
        .bindings
        .amqp
        .as_ref()
        .expect("amqp binding from trait");
    assert_eq!(amqp.ack, Some(true));
    assert_eq!(operation.messages, ["consumeJobMessage"]);
}

const V3_REPLY: &str = r#"
asyncapi: 3.0.0
info: {title: t, version: '1'}
channels:
  ping:
    address: ping
    messages:
      ping: {$ref: '#/components/messages/ping'}
  pong:
    address: null
    messages:
      pong: {$ref: '#/components/messages/pong'}
operations:
  onPing:
    action: receive
    channel: {$ref: '#/channels/ping'}
    messages: [{$ref: '#/channels/ping/messages/ping'}]
    reply:
      address:
        description: given by the requester
        location: $message.header#/replyTo
      channel: {$ref: '#/channels/pong'}
      messages: [{$ref: '#/channels/pong/messages/pong'}]
  requestPing:
    action: send
    channel: {$ref: '#/channels/ping'}
    reply:
      address: {$ref: '#/components/replyAddresses/replyTo'}
      channel: {$ref: '#/channels/pong'}
components:
  replyAddresses:
    replyTo: {location: $message.header#/replyTo}
  messages:
    ping:
      correlationId: {location: $message.header#/correlationId}
      payload: {type: object}
    pong:
      correlationId: {$ref: '#/components/correlationIds/byHeader'}
      payload: {type: object}
  correlationIds:
    byHeader: {location: $message.header#/correlationId, description: copied}
"#;

#[test]
fn v3_reply_with_dynamic_address() {
    let (api, diagnostics, _) = read_text(V3_REPLY);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(api.channels["pong"].address, None);
    let reply = api.operations["onPing"]
        .reply
        .as_ref()
        .expect("onPing has a reply");
    let address = reply.address.as_ref().expect("reply address");
    assert_eq!(address.location, "$message.header#/replyTo");
    assert_eq!(
        address.description.as_deref(),
        Some("given by the requester")
    );
    assert_eq!(reply.channel.as_deref(), Some("pong"));
    assert_eq!(reply.messages, ["pong"]);
}

#[test]
fn v3_reply_without_messages_lists_channel_messages() {
    let (api, _, _) = read_text(V3_REPLY);
    let operation = &api.operations["requestPing"];
    assert_eq!(operation.messages, ["ping"]);
    let reply = operation.reply.as_ref().expect("requestPing has a reply");
    let address = reply.address.as_ref().expect("address through $ref");
    assert_eq!(address.location, "$message.header#/replyTo");
    assert_eq!(reply.messages, ["pong"]);
}

#[test]
fn v3_correlation_ids_inline_and_by_ref() {
    let (api, _, _) = read_text(V3_REPLY);
    let ping = api.channels["ping"].messages["ping"]
        .correlation_id
        .as_ref()
        .expect("inline correlation id");
    assert_eq!(ping.location, "$message.header#/correlationId");
    let pong = api.channels["pong"].messages["pong"]
        .correlation_id
        .as_ref()
        .expect("correlation id by $ref");
    assert_eq!(pong.description.as_deref(), Some("copied"));
    assert!(api.components.correlation_ids.contains_key("byHeader"));
}

#[test]
fn v3_parameters_and_servers() {
    let text = r#"
asyncapi: 3.0.0
info: {title: t, version: '1'}
servers:
  broker:
    host: broker.example.test:1883
    protocol: mqtt
    pathname: /v1
    security: [{$ref: '#/components/securitySchemes/oauth'}]
channels:
  userCreated:
    address: users/{userId}/created/{region}
    servers: [{$ref: '#/servers/broker'}]
    parameters:
      userId: {$ref: '#/components/parameters/userId'}
      region: {enum: [eu, us], default: eu}
components:
  parameters:
    userId: {description: the user, examples: [u1]}
  securitySchemes:
    oauth:
      type: oauth2
      scopes: [write]
      flows:
        clientCredentials:
          tokenUrl: https://auth.example.test/token
          availableScopes: {write: write access}
"#;
    let (api, _, _) = read_text(text);
    let channel = &api.channels["userCreated"];
    assert_eq!(channel.servers, ["broker"]);
    let user = &channel.parameters["userId"];
    assert_eq!(user.description.as_deref(), Some("the user"));
    assert_eq!(user.examples, ["u1"]);
    let region = &channel.parameters["region"];
    assert_eq!(region.allowed_values, ["eu", "us"]);
    assert_eq!(region.default.as_deref(), Some("eu"));

    let server = &api.servers["broker"];
    assert_eq!(server.host, "broker.example.test:1883");
    assert_eq!(server.pathname.as_deref(), Some("/v1"));
    let required = &server.security[0].schemes[0];
    assert_eq!(required.name.as_deref(), Some("oauth"));
    assert_eq!(required.scopes, ["write"]);
    let flows = required
        .scheme
        .as_ref()
        .and_then(|s| s.flows.as_ref())
        .expect("oauth flows");
    let flow = flows
        .client_credentials
        .as_ref()
        .expect("client credentials flow");
    assert_eq!(flow.available_scopes["write"], "write access");
}

#[test]
fn bindings_typed_and_kept() {
    let text = r#"
asyncapi: 3.0.0
info: {title: t, version: '1'}
channels:
  orders:
    address: orders
    bindings:
      kafka: {topic: orders.v1, partitions: 3, replicas: 2, bindingVersion: 0.5.0}
      amqp:
        is: routingKey
        exchange: {name: orders, type: topic, durable: true}
      ws:
        method: GET
        query: {type: object, properties: {token: {type: string}}}
      googlepubsub: {topic: projects/p/topics/orders}
    messages:
      created:
        payload: {type: object}
        bindings:
          kafka: {key: {type: string}, schemaIdLocation: header}
          http: {statusCode: 201, headers: {type: object}}
          mqtt: {payloadFormatIndicator: 1, contentType: application/json}
          amqp: {contentEncoding: gzip, messageType: order.created}
operations:
  publishOrder:
    action: send
    channel: {$ref: '#/channels/orders'}
    bindings: {$ref: '#/components/operationBindings/publish'}
components:
  operationBindings:
    publish:
      kafka:
        groupId: {type: string, enum: [orders]}
      http: {method: POST}
      mqtt: {qos: 2, retain: false}
      amqp: {expiration: 1000, cc: [audit], deliveryMode: 2, mandatory: true}
      nats: {queue: orders}
"#;
    let (api, _, document) = read_text(text);
    let channel = &api.channels["orders"];
    let kafka = channel
        .bindings
        .kafka
        .as_ref()
        .expect("kafka channel binding");
    assert_eq!(kafka.topic.as_deref(), Some("orders.v1"));
    assert_eq!(kafka.partitions, Some(3));
    assert_eq!(kafka.binding_version.as_deref(), Some("0.5.0"));
    let amqp = channel
        .bindings
        .amqp
        .as_ref()
        .expect("amqp channel binding");
    let exchange = amqp.exchange.as_ref().expect("amqp exchange");
    assert_eq!(exchange.exchange_type.as_deref(), Some("topic"));
    assert_eq!(exchange.durable, Some(true));
    let ws = channel.bindings.ws.as_ref().expect("ws channel binding");
    let query = ws.query.as_ref().expect("ws query schema");
    assert_eq!(
        query.pointer.to_string(),
        "/channels/orders/bindings/ws/query"
    );
    assert_eq!(
        channel.bindings.raw["googlepubsub"]["topic"],
        json!("projects/p/topics/orders")
    );

    let message = &channel.messages["created"].bindings;
    let key = message
        .kafka
        .as_ref()
        .and_then(|k| k.key.as_ref())
        .expect("kafka key");
    assert_eq!(schema_json(key, &document), json!({"type": "string"}));
    assert_eq!(message.http.as_ref().and_then(|h| h.status_code), Some(201));
    assert_eq!(
        message
            .mqtt
            .as_ref()
            .and_then(|m| m.payload_format_indicator),
        Some(1)
    );
    assert_eq!(
        message
            .amqp
            .as_ref()
            .and_then(|a| a.message_type.clone())
            .as_deref(),
        Some("order.created")
    );

    let operation = &api.operations["publishOrder"].bindings;
    let group = operation
        .kafka
        .as_ref()
        .and_then(|k| k.group_id.as_ref())
        .expect("kafka group id");
    assert_eq!(
        group.pointer.to_string(),
        "/components/operationBindings/publish/kafka/groupId"
    );
    assert_eq!(
        operation
            .http
            .as_ref()
            .and_then(|h| h.method.clone())
            .as_deref(),
        Some("POST")
    );
    assert_eq!(operation.mqtt.as_ref().and_then(|m| m.qos), Some(2));
    let amqp = operation.amqp.as_ref().expect("amqp operation binding");
    assert_eq!(amqp.cc, ["audit"]);
    assert_eq!(amqp.delivery_mode, Some(2));
    assert_eq!(
        operation
            .nats
            .as_ref()
            .and_then(|n| n.queue.clone())
            .as_deref(),
        Some("orders")
    );
    assert_eq!(operation.raw["nats"], json!({"queue": "orders"}));
}

#[test]
fn avro_multi_format_payload_warns_once() {
    let text = r#"
asyncapi: 3.0.0
info: {title: t, version: '1'}
channels:
  userSignedUp:
    address: user_signedup
    messages:
      userSignedUp: {$ref: '#/components/messages/userSignedUp'}
operations:
  onUserSignedUp:
    action: receive
    channel: {$ref: '#/channels/userSignedUp'}
components:
  messages:
    userSignedUp:
      payload:
        schemaFormat: application/vnd.apache.avro;version=1.9.0
        schema:
          type: record
          name: UserSignedUp
          fields:
            - {name: userId, type: long}
"#;
    let (api, diagnostics, _) = read_text(text);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let warning = &diagnostics[0];
    assert_eq!(warning.code, Code::UnsupportedSchemaFormat);
    assert_eq!(warning.severity, Severity::Warning);
    assert_eq!(warning.pointer, "/components/messages/userSignedUp/payload");
    assert_eq!(warning.span.map(|s| s.start.line), Some(17));
    assert!(
        warning
            .message
            .contains("application/vnd.apache.avro;version=1.9.0"),
        "{}",
        warning.message
    );
    assert!(warning
        .message
        .contains("/components/messages/userSignedUp/payload"));
    assert!(warning
        .help
        .as_deref()
        .is_some_and(|h| h.contains("JSON Schema")));

    let payload = api.channels["userSignedUp"].messages["userSignedUp"]
        .payload
        .as_ref()
        .expect("payload handle kept");
    assert_eq!(
        payload.pointer.to_string(),
        "/components/messages/userSignedUp/payload/schema"
    );
    assert!(!payload.is_json_schema());
}

#[test]
fn v2_message_schema_format_warns() {
    let text = r#"
asyncapi: 2.4.0
info: {title: t, version: '1'}
channels:
  users:
    publish:
      message:
        schemaFormat: application/vnd.google.protobuf;version=3
        payload: {type: string}
  raml:
    subscribe:
      message:
        schemaFormat: application/raml+yaml;version=1.0
        payload: {type: string}
  json:
    subscribe:
      message:
        schemaFormat: application/schema+json;version=draft-07
        payload: {type: string}
"#;
    let (api, diagnostics, _) = read_text(text);
    let pointers: Vec<&str> = diagnostics.iter().map(|d| d.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/channels/users/publish/message/payload",
            "/channels/raml/subscribe/message/payload"
        ]
    );
    assert!(diagnostics[0]
        .message
        .contains("application/vnd.google.protobuf;version=3"));
    assert!(diagnostics.iter().all(|d| d.severity == Severity::Warning));
    let json_payload = api.channels["json"].messages["sendJsonMessage"]
        .payload
        .as_ref()
        .expect("payload kept");
    assert!(json_payload.is_json_schema());
}

#[test]
fn foreign_schema_file_ref_still_warns() {
    let text = r#"
asyncapi: 3.0.0
info: {title: t, version: '1'}
channels:
  users:
    address: users
    messages:
      signedUp:
        payload:
          schemaFormat: application/vnd.apache.avro+json;version=1.9.0
          schema: {$ref: 'user.avsc'}
"#;
    let (api, diagnostics, _) = read_text(text);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0].code, Code::UnsupportedSchemaFormat);
    assert_eq!(
        diagnostics[0].pointer,
        "/channels/users/messages/signedUp/payload"
    );
    let payload = api.channels["users"].messages["signedUp"]
        .payload
        .as_ref()
        .expect("the handle stays at the $ref");
    assert_eq!(
        payload.pointer.to_string(),
        "/channels/users/messages/signedUp/payload/schema"
    );
}

#[test]
fn headers_by_ref_and_multi_format_unwrapped() {
    let text = r#"
asyncapi: 3.0.0
info: {title: t, version: '1'}
channels:
  audit:
    address: audit.events
    messages:
      plain: {$ref: '#/components/messages/plain'}
      withMultiFormat: {$ref: '#/components/messages/withMultiFormat'}
operations:
  sendAudit:
    action: send
    channel: {$ref: '#/channels/audit'}
    messages:
      - $ref: '#/channels/audit/messages/plain'
      - $ref: '#/channels/audit/messages/withMultiFormat'
components:
  schemas:
    AuditHeaders:
      type: object
      properties:
        x-request-id: {type: string}
  messages:
    plain:
      headers: {$ref: '#/components/schemas/AuditHeaders'}
      payload: {type: object}
    withMultiFormat:
      headers:
        schemaFormat: application/vnd.aai.asyncapi+json;version=3.0.0
        schema: {$ref: '#/components/schemas/AuditHeaders'}
      payload: {type: object}
    badHeaders:
      headers: {type: string}
"#;
    let (api, diagnostics, _) = read_text(text);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let messages = &api.channels["audit"].messages;
    let plain = messages["plain"].headers.as_ref().expect("plain headers");
    let wrapped = messages["withMultiFormat"]
        .headers
        .as_ref()
        .expect("wrapped headers");
    assert_eq!(
        plain.pointer.to_string(),
        "/components/schemas/AuditHeaders"
    );
    assert_eq!(
        wrapped.pointer.to_string(),
        "/components/schemas/AuditHeaders"
    );
    assert_eq!(plain.schema_format, None);
    assert_eq!(
        wrapped.schema_format.as_deref(),
        Some("application/vnd.aai.asyncapi+json;version=3.0.0")
    );
    assert!(wrapped.is_json_schema());
    assert_eq!(
        api.operations["sendAudit"].messages,
        ["plain", "withMultiFormat"]
    );
    assert!(api.components.messages.contains_key("badHeaders"));
}

#[test]
fn malformed_objects_are_skipped() {
    // Each case with the number of operations that can still be read.
    let cases = [
        ("asyncapi: 2.6.0\nchannels: 5\ncomponents: [1]\n", 0),
        ("asyncapi: 2.6.0\nchannels:\n  a: [1]\n  b: {publish: 3, subscribe: {message: {oneOf: 7}}}\n", 1),
        ("asyncapi: 2.6.0\nchannels:\n  a: {subscribe: {traits: [1, null, {$ref: '#/nope'}], message: {traits: 5}}}\n", 1),
        ("asyncapi: 3.0.0\noperations:\n  a: {action: fly}\n  b: {action: send, channel: 4}\n  c: {action: send, channel: {$ref: '#/channels/x'}}\n", 0),
        ("asyncapi: 3.0.0\nchannels:\n  a: {address: 5, messages: {m: 3, n: {payload: {schemaFormat: 7, schema: 8}}}}\n", 0),
        ("asyncapi: 3.0.0\nservers: {a: {host: 1, variables: [1]}}\ninfo: 3\n", 0),
    ];
    for (text, operations) in cases {
        let (document, _) =
            Document::from_text(Path::new("bad.yaml"), text, LoadOptions::default());
        let document = document.expect("the case parses");
        let version = SpecVersion::read(document.root()).expect("the case has a version");
        let (api, diagnostics) = read(&document, version);
        assert!(diagnostics.is_empty(), "{text}: {diagnostics:?}");
        assert_eq!(api.operations.len(), operations, "{text}");
    }
}

#[test]
fn validation_includes_model_warnings() {
    let text = "asyncapi: 2.6.0\ninfo: {title: t, version: '1'}\nchannels:\n  a:\n    publish:\n      message:\n        schemaFormat: application/vnd.apache.avro;version=1.9.0\n        payload: {type: record, name: A, fields: []}\n";
    let validation = crate::validate_text(Path::new("api.yaml"), text, LoadOptions::default());
    let warning = validation
        .diagnostics
        .iter()
        .find(|d| d.code == Code::UnsupportedSchemaFormat)
        .expect("the model's warning is reported");
    assert_eq!(warning.pointer, "/channels/a/publish/message/payload");
    assert!(validation
        .model()
        .is_some_and(|api| api.channels.contains_key("a")));
}
