//! Tests of the API summary against the code it describes.

use std::path::Path;

use super::{generate_api, ApiSummary, Transport};
use crate::document::LoadOptions;
use crate::options::Perspective;

fn summarize(text: &str, perspective: Perspective) -> (ApiSummary, String) {
    let validation = crate::validate_text(Path::new("api.yaml"), text, LoadOptions::default());
    assert!(validation.is_valid(), "{:#?}", validation.diagnostics);
    let document = validation.document.as_ref().expect("the document parses");
    let api = validation.model().expect("the version is supported");
    let types = crate::typegen::lower_messages(document, &api);
    let generated = generate_api(document, &api, &types, perspective);
    (generated.summary, generated.code)
}

const ORDERS_V3: &str = "asyncapi: 3.0.0
info: {title: T, version: '1'}
channels:
  orders:
    address: /tenants/{tenantId}/orders
    parameters:
      tenantId: {}
    messages:
      placed:
        payload: {type: object, properties: {total: {type: integer}}}
        headers: {type: object, properties: {requestId: {type: string}}}
      cancelled:
        payload: {type: object, required: [reason], properties: {reason: {type: string}}}
  quotes:
    address: /quotes
    messages:
      request:
        payload: {type: array, items: {type: string}}
  quoteReplies:
    address: null
    messages:
      quote:
        payload: {type: object, properties: {price: {type: number}}}
operations:
  orderChanged:
    action: send
    channel: {$ref: '#/channels/orders'}
    bindings:
      http: {method: POST}
  type:
    action: receive
    channel: {$ref: '#/channels/quotes'}
    bindings:
      http: {method: PUT}
    reply:
      channel: {$ref: '#/channels/quoteReplies'}
";

#[test]
fn application_summary_lists_http_methods() {
    let (summary, code) = summarize(ORDERS_V3, Perspective::Application);
    assert_eq!(summary.client.as_deref(), Some("Client"));
    assert_eq!(summary.handler.as_deref(), Some("Handler"));
    assert_eq!(summary.nats_client, None);
    assert_eq!(summary.nats_handler, None);
    assert!(!summary.uses_cloudevents);

    assert_eq!(summary.sent.len(), 1);
    let sent = &summary.sent[0];
    assert_eq!(sent.operation_id, "orderChanged");
    assert_eq!(sent.transport, Transport::Http);
    assert_eq!(sent.method, "order_changed");
    assert_eq!(sent.address, "/tenants/{tenantId}/orders");
    let parameters = sent
        .parameters
        .as_ref()
        .expect("the channel has parameters");
    assert_eq!(parameters.to_string(), "OrdersParameters");
    assert_eq!(parameters.qualified("api"), "api::OrdersParameters");
    assert_eq!(sent.message.to_string(), "OrderChangedMessage");
    assert_eq!(sent.reply, None);
    assert!(
        code.contains(&format!("pub async fn {}(", sent.method)),
        "{code}"
    );
    assert!(code.contains("pub enum OrderChangedMessage"), "{code}");

    assert_eq!(summary.received.len(), 1);
    let received = &summary.received[0];
    assert_eq!(received.operation_id, "type");
    assert_eq!(received.transport, Transport::Http);
    assert_eq!(received.method, "r#type");
    assert_eq!(received.http_method.as_deref(), Some("PUT"));
    assert_eq!(received.address, "/quotes");
    assert_eq!(received.parameters, None);
    assert_eq!(received.message.to_string(), "RequestPayload");
    assert_eq!(received.message.qualified("api"), "api::RequestPayload");
    assert!(
        code.contains(&format!("message: {},", received.message)),
        "{code}"
    );
    let reply = received.reply.as_ref().expect("a request/reply operation");
    assert!(
        code.contains(&format!("Output = ::std::result::Result<{reply}")),
        "{code}"
    );
}

#[test]
fn mirror_summary_swaps_sides() {
    let (summary, code) = summarize(ORDERS_V3, Perspective::Mirror);
    assert_eq!(summary.received.len(), 1);
    let received = &summary.received[0];
    assert_eq!(received.operation_id, "orderChanged");
    assert_eq!(received.http_method.as_deref(), Some("POST"));
    assert_eq!(
        received
            .parameters
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("OrdersParameters")
    );
    assert_eq!(received.reply, None);
    assert!(code.contains(&format!("fn {}(", received.method)), "{code}");

    // The PUT operation cannot be sent, so the mirror has no client.
    assert!(summary.sent.is_empty(), "{:?}", summary.sent);
    assert_eq!(summary.client, None);
}

#[test]
fn reply_type_names_the_decoded_reply() {
    let text = "asyncapi: 3.0.0
info: {title: T, version: '1'}
channels:
  quotes:
    address: /quotes
    messages:
      request:
        payload: {type: object, properties: {item: {type: string}}}
  replies:
    address: null
    messages:
      quote:
        payload: {type: object, properties: {price: {type: number}}}
operations:
  requestQuote:
    action: send
    channel: {$ref: '#/channels/quotes'}
    reply:
      channel: {$ref: '#/channels/replies'}
";
    let (application, code) = summarize(text, Perspective::Application);
    let sent = &application.sent[0];
    let reply = sent.reply.as_ref().expect("the operation has a reply");
    assert!(
        code.contains(&format!(
            "::std::result::Result<{reply}, ::hookforge::api::ClientError>"
        )),
        "{code}"
    );
    let (mirror, _) = summarize(text, Perspective::Mirror);
    assert_eq!(mirror.received[0].reply.as_ref(), Some(reply));
    assert_eq!(mirror.received[0].message, sent.message);
}

#[test]
fn message_with_headers_is_a_message_type() {
    let text = "asyncapi: 3.0.0
info: {title: T, version: '1'}
channels:
  pings:
    address: /pings
    messages:
      ping:
        payload: {type: object, properties: {at: {type: string}}}
        headers: {type: object, properties: {requestId: {type: string}}}
operations:
  sendPing:
    action: send
    channel: {$ref: '#/channels/pings'}
";
    let (summary, code) = summarize(text, Perspective::Application);
    let message = &summary.sent[0].message;
    let written = message.to_string();
    assert!(
        written.starts_with("::hookforge::api::Message<"),
        "{written}"
    );
    assert!(code.contains(&format!("message: {written}")), "{code}");
    let qualified = message.qualified("api");
    assert!(
        qualified.starts_with("hookforge::api::Message<api::"),
        "{qualified}"
    );
    assert!(qualified.contains(", api::"), "{qualified}");
}

/// In 2.x, `subscribe` is what the application sends and `publish` what it
/// receives.
#[test]
fn v2_http_summary_follows_the_perspective() {
    let text = "asyncapi: 2.6.0
info: {title: T, version: '1'}
channels:
  /users/{userId}/signedup:
    parameters:
      userId: {schema: {type: string}}
    subscribe:
      operationId: userSignedUp
      message: {payload: {type: object, properties: {name: {type: string}}}}
  /users/deleted:
    publish:
      operationId: userDeleted
      message: {payload: {type: object}}
";
    let (application, _) = summarize(text, Perspective::Application);
    assert_eq!(application.sent.len(), 1);
    assert_eq!(application.sent[0].operation_id, "userSignedUp");
    assert_eq!(application.sent[0].address, "/users/{userId}/signedup");
    assert!(application.sent[0].parameters.is_some());
    assert_eq!(application.received.len(), 1);
    assert_eq!(application.received[0].operation_id, "userDeleted");
    assert_eq!(application.received[0].http_method.as_deref(), Some("POST"));

    let (mirror, _) = summarize(text, Perspective::Mirror);
    assert_eq!(mirror.sent.len(), 1);
    assert_eq!(mirror.sent[0].operation_id, "userDeleted");
    assert_eq!(mirror.received.len(), 1);
    assert_eq!(mirror.received[0].operation_id, "userSignedUp");
}

#[test]
fn nats_operations_have_their_transport() {
    let text = "asyncapi: 3.0.0
info: {title: T, version: '1'}
servers:
  broker: {host: 'localhost:4222', protocol: nats}
channels:
  readings:
    address: sensors.{sensorId}.readings
    parameters:
      sensorId: {}
    messages:
      reading:
        payload: {type: object, properties: {value: {type: number}}}
  alerts:
    address: alerts
    messages:
      alert:
        payload: {type: string}
operations:
  publishReading:
    action: send
    channel: {$ref: '#/channels/readings'}
  onAlert:
    action: receive
    channel: {$ref: '#/channels/alerts'}
";
    let (summary, code) = summarize(text, Perspective::Application);
    assert_eq!(summary.client, None);
    assert_eq!(summary.handler, None);
    assert_eq!(summary.nats_client.as_deref(), Some("NatsClient"));
    assert_eq!(summary.nats_handler.as_deref(), Some("NatsHandler"));

    let sent = &summary.sent[0];
    assert_eq!(sent.transport, Transport::Nats);
    assert_eq!(sent.address, "sensors.{sensorId}.readings");
    assert_eq!(
        sent.parameters.as_ref().map(ToString::to_string).as_deref(),
        Some("ReadingsParameters")
    );
    assert_eq!(sent.reply, None);
    assert!(
        code.contains(&format!("pub async fn {}(", sent.method)),
        "{code}"
    );

    let received = &summary.received[0];
    assert_eq!(received.transport, Transport::Nats);
    assert_eq!(received.operation_id, "onAlert");
    assert_eq!(received.http_method, None);
    assert_eq!(received.message.qualified("api"), "api::AlertPayload");
    assert!(
        code.contains(&format!("message: {},", received.message)),
        "{code}"
    );

    let (mirror, _) = summarize(text, Perspective::Mirror);
    assert_eq!(mirror.received[0].operation_id, "publishReading");
    assert_eq!(mirror.received[0].transport, Transport::Nats);
    assert_eq!(mirror.sent[0].operation_id, "onAlert");
}

#[test]
fn cloudevents_derive_is_reported() {
    let text = "asyncapi: 3.0.0
info: {title: T, version: '1'}
channels:
  orders:
    address: /orders
    messages:
      created:
        x-cloudevents: {type: com.example.order.created, source: /orders}
        payload: {type: object, properties: {id: {type: string}}}
operations:
  orderCreated:
    action: send
    channel: {$ref: '#/channels/orders'}
";
    let (summary, _) = summarize(text, Perspective::Application);
    assert!(summary.uses_cloudevents);
    let (plain, _) = summarize(ORDERS_V3, Perspective::Application);
    assert!(!plain.uses_cloudevents);
}

#[test]
fn generate_returns_summary_with_code() {
    let dir = std::env::temp_dir().join(format!("hookforge-summary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary folder");
    let valid = dir.join("valid.yaml");
    std::fs::write(&valid, ORDERS_V3).expect("write the document");
    let invalid = dir.join("invalid.yaml");
    std::fs::write(&invalid, "asyncapi: 3.0.0\ninfo: {title: T}\n").expect("write the document");

    let options = crate::options::GenerateOptions {
        perspective: Perspective::Mirror,
        ..crate::options::GenerateOptions::default()
    };
    let generated = crate::generate(&valid, &options);
    let (summary, _) = summarize(ORDERS_V3, Perspective::Mirror);
    assert!(generated.code.is_some());
    assert_eq!(generated.api, Some(summary));

    let failed = crate::generate(&invalid, &options);
    assert!(failed.code.is_none());
    assert_eq!(failed.api, None);
    std::fs::remove_dir_all(&dir).expect("remove the temporary folder");
}
