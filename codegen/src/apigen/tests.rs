//! Unit tests of the API generator's decisions.

use std::path::Path;

use super::plan::{is_json, route_path, subject_template, SubjectTemplate};
use super::{generate_api, GeneratedApi};
use crate::diagnostic::Code;
use crate::document::LoadOptions;
use crate::options::Perspective;

#[test]
fn route_path_numbers_parameters() {
    let cases = [
        ("/orders", Some(("/orders", vec![]))),
        ("orders/{id}", Some(("/orders/{p0}", vec!["id"]))),
        (
            "/stores/{store}/orders/{id}",
            Some(("/stores/{p0}/orders/{p1}", vec!["store", "id"])),
        ),
        ("/a/{x}/b/{x}", Some(("/a/{p0}/b/{p1}", vec!["x", "x"]))),
        ("", Some(("/", vec![]))),
    ];
    for (address, expected) in cases {
        let got = route_path(address);
        let expected = expected.map(|(route, names)| {
            (
                route.to_owned(),
                names.into_iter().map(str::to_owned).collect::<Vec<_>>(),
            )
        });
        assert_eq!(got, expected, "{address}");
    }
}

#[test]
fn route_path_rejects_partial_segments() {
    for address in [
        "/orders.{id}",
        "/orders/{id}.json",
        "/a/{}",
        "/a b",
        "/a?x=1",
        "/a#frag",
        "/{*rest}x",
        "users.{userId}.signup",
    ] {
        assert_eq!(route_path(address), None, "{address}");
    }
}

#[test]
fn json_media_types() {
    for json in [
        "application/json",
        "Application/JSON; charset=utf-8",
        "application/cloudevents+json",
        "application/vnd.api+json",
        "json",
    ] {
        assert!(is_json(json), "{json}");
    }
    for other in ["text/plain", "application/xml", "application/avro", ""] {
        assert!(!is_json(other), "{other}");
    }
}

/// Generates the API code of a 3.0 document whose `operations` and
/// `channels` are given, in `perspective`.
fn generate(channels: &str, operations: &str, perspective: Perspective) -> GeneratedApi {
    let text = format!(
        "asyncapi: 3.0.0\ninfo: {{title: T, version: '1'}}\nchannels:\n{channels}\noperations:\n{operations}\n"
    );
    let validation = crate::validate_text(Path::new("api.yaml"), &text, LoadOptions::default());
    assert!(validation.is_valid(), "{:#?}", validation.diagnostics);
    let document = validation.document.as_ref().expect("the document parses");
    let api = validation.model().expect("the version is supported");
    let types = crate::typegen::lower_messages(document, &api);
    generate_api(document, &api, &types, perspective)
}

const ORDERS: &str = "  orders:
    address: /orders
    messages:
      placed:
        payload: {type: object, properties: {id: {type: string}}}
      text:
        contentType: text/plain
        payload: {type: string}";

fn warnings(generated: &GeneratedApi) -> Vec<&str> {
    generated
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::UnsupportedOperation)
        .map(|d| d.message.as_str())
        .collect()
}

#[test]
fn non_json_message_skips_operation() {
    let operations = "  sendText:
    action: send
    channel: {$ref: '#/channels/orders'}
    messages: [{$ref: '#/channels/orders/messages/text'}]
  sendPlaced:
    action: send
    channel: {$ref: '#/channels/orders'}
    messages: [{$ref: '#/channels/orders/messages/placed'}]";
    let generated = generate(ORDERS, operations, Perspective::Application);
    let warnings = warnings(&generated);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("\"text/plain\""), "{}", warnings[0]);
    assert!(!generated.code.contains("fn send_text("));
    assert!(generated.code.contains("pub async fn send_placed("));
}

#[test]
fn http_method_binding_shapes_routes() {
    let operations = "  putPlaced:
    action: receive
    channel: {$ref: '#/channels/orders'}
    messages: [{$ref: '#/channels/orders/messages/placed'}]
    bindings:
      http: {method: PUT}";
    let receiver = generate(ORDERS, operations, Perspective::Application);
    assert!(warnings(&receiver).is_empty(), "{:?}", warnings(&receiver));
    assert!(receiver.code.contains("MethodFilter::PUT"));

    let sender = generate(ORDERS, operations, Perspective::Mirror);
    let warnings = warnings(&sender);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("PUT"), "{}", warnings[0]);
    assert!(!sender.code.contains("fn put_placed("));
}

#[test]
fn repeated_route_is_skipped() {
    let operations = "  first:
    action: receive
    channel: {$ref: '#/channels/orders'}
    messages: [{$ref: '#/channels/orders/messages/placed'}]
  second:
    action: receive
    channel: {$ref: '#/channels/orders'}
    messages: [{$ref: '#/channels/orders/messages/placed'}]";
    let generated = generate(ORDERS, operations, Perspective::Application);
    let warnings = warnings(&generated);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("`second`"), "{}", warnings[0]);
    assert!(generated.code.contains("fn first("));
    assert!(!generated.code.contains("fn second("));
}

/// Two channels on `POST /hooks`: a status message and a ping whose reply
/// is a pong, plus a channel whose address puts another parameter name at
/// the same place as `/tenants/{tenantId}`.
const SHARED: &str = "  status:
    address: /hooks
    messages:
      status:
        payload: {type: object, properties: {state: {type: string}}}
  ping:
    address: /hooks
    messages:
      ping:
        payload:
          type: object
          additionalProperties: false
          required: [event]
          properties: {event: {const: ping}}
  pong:
    address: null
    messages:
      pong:
        payload: {type: object, properties: {event: {const: pong}}}
  tenants:
    address: /tenants/{tenantId}
    parameters: {tenantId: {}}
    messages:
      created:
        payload: {type: object}
  tenantsById:
    address: /tenants/{id}
    parameters: {id: {}}
    messages:
      deleted:
        payload: {type: object}";

const SHARED_OPERATIONS: &str = "  status:
    action: receive
    channel: {$ref: '#/channels/status'}
  ping:
    action: receive
    channel: {$ref: '#/channels/ping'}
    reply:
      channel: {$ref: '#/channels/pong'}
  tenantCreated:
    action: receive
    channel: {$ref: '#/channels/tenants'}
  tenantDeleted:
    action: receive
    channel: {$ref: '#/channels/tenantsById'}";

#[test]
fn shared_route_dispatches_by_message() {
    let generated = generate(SHARED, SHARED_OPERATIONS, Perspective::Application);
    let warnings = warnings(&generated);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("`tenantDeleted`"), "{}", warnings[0]);
    assert!(
        warnings[0].contains("/tenants/{tenantId}"),
        "{}",
        warnings[0]
    );
    let code = &generated.code;
    assert_eq!(code.matches(".route(").count(), 2, "{code}");
    assert_eq!(code.matches("\"/hooks\"").count(), 1, "{code}");
    assert!(code.contains("enum PostHooksRoute {"), "{code}");
    assert!(code.contains("fn decode_post_hooks_route("), "{code}");
    assert!(!code.contains("fn decode_status("), "{code}");
    assert!(!code.contains("fn decode_ping("), "{code}");
    // The closed ping payload is tried before the open status payload.
    let ping = code
        .find("PostHooksRoute::Ping(message))")
        .expect("ping is decoded");
    let status = code
        .find("PostHooksRoute::Status(message))")
        .expect("status is decoded");
    assert!(ping < status, "{code}");
    let compact: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(
        compact.contains("PostHooksRoute::Ping(message)=>{handler.ping(message,&webhook).await.map(|reply|::hookforge::api::json_reply(&reply))"),
        "{code}"
    );
    assert!(
        compact.contains("PostHooksRoute::Status(message)=>{handler.status(message,&webhook).await.map(|()|::hookforge::api::no_content())"),
        "{code}"
    );
    let received: Vec<&str> = generated
        .summary
        .received
        .iter()
        .map(|op| op.operation_id.as_str())
        .collect();
    assert_eq!(received, ["status", "ping", "tenantCreated"]);
    let ping = &generated.summary.received[1];
    assert_eq!(
        ping.reply.as_ref().map(ToString::to_string).as_deref(),
        Some("PongPayload")
    );
    let ranks: Vec<(&str, Option<usize>)> = generated.summary.received[..2]
        .iter()
        .flat_map(|op| &op.messages)
        .map(|message| (message.event_type.as_str(), message.rank))
        .collect();
    assert_eq!(ranks, [("status", Some(1)), ("ping", Some(0))]);
}

#[test]
fn shared_route_keeps_sender_methods() {
    let generated = generate(SHARED, SHARED_OPERATIONS, Perspective::Mirror);
    let warnings = warnings(&generated);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("`tenantDeleted`"), "{}", warnings[0]);
    assert!(warnings[0].contains("the receiver"), "{}", warnings[0]);
    let code = &generated.code;
    assert!(code.contains("pub async fn status("), "{code}");
    assert!(code.contains("pub async fn ping("), "{code}");
    assert!(code.contains("pub async fn tenant_created("), "{code}");
    assert!(!code.contains("fn tenant_deleted("), "{code}");
    let sent: Vec<&str> = generated
        .summary
        .sent
        .iter()
        .map(|op| op.operation_id.as_str())
        .collect();
    assert_eq!(sent, ["status", "ping", "tenantCreated"]);
}

#[test]
fn shared_route_shares_parameters_struct() {
    let channels = "  created:
    address: /tenants/{tenantId}
    parameters: {tenantId: {enum: [a, b]}}
    messages:
      created:
        payload: {type: object, required: [created], properties: {created: {type: string}}}
  deleted:
    address: /tenants/{tenantId}
    parameters: {tenantId: {enum: [a, b]}}
    messages:
      deleted:
        payload: {type: object, required: [deleted], properties: {deleted: {type: string}}}
  renamed:
    address: /tenants/{tenantId}
    parameters: {tenantId: {enum: [a, c]}}
    messages:
      renamed:
        payload: {type: object}";
    let operations = "  created:
    action: send
    channel: {$ref: '#/channels/created'}
  deleted:
    action: send
    channel: {$ref: '#/channels/deleted'}
  renamed:
    action: send
    channel: {$ref: '#/channels/renamed'}";
    for perspective in [Perspective::Application, Perspective::Mirror] {
        let generated = generate(channels, operations, perspective);
        let warnings = warnings(&generated);
        assert_eq!(warnings.len(), 1, "{perspective:?}: {warnings:?}");
        assert!(warnings[0].contains("`renamed`"), "{}", warnings[0]);
        assert!(warnings[0].contains("parameter values"), "{}", warnings[0]);
        let code = &generated.code;
        assert!(code.contains("pub struct CreatedParameters"), "{code}");
        assert!(!code.contains("pub struct DeletedParameters"), "{code}");
        let summary = &generated.summary;
        let operations: Vec<_> = summary
            .sent
            .iter()
            .map(|op| (&op.operation_id, &op.parameters))
            .chain(
                summary
                    .received
                    .iter()
                    .map(|op| (&op.operation_id, &op.parameters)),
            )
            .collect();
        assert_eq!(operations.len(), 2, "{perspective:?}");
        for (id, parameters) in operations {
            let parameters = parameters.as_ref().map(ToString::to_string);
            assert_eq!(parameters.as_deref(), Some("CreatedParameters"), "{id}");
        }
    }
}

#[test]
fn shared_message_is_reported() {
    let operations = "  first:
    action: receive
    channel: {$ref: '#/channels/orders'}
    messages: [{$ref: '#/channels/orders/messages/placed'}]
  second:
    action: receive
    channel: {$ref: '#/channels/other'}";
    let channels = format!(
        "{ORDERS}
  other:
    address: /orders
    messages:
      placed: {{$ref: '#/channels/orders/messages/placed'}}
      cancelled:
        payload: {{type: object, required: [reason], properties: {{reason: {{type: string}}}}}}"
    );
    let generated = generate(&channels, operations, Perspective::Application);
    let warnings = warnings(&generated);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("`second`"), "{}", warnings[0]);
    assert!(
        warnings[0].contains("hands it to `first`"),
        "{}",
        warnings[0]
    );
    let code = &generated.code;
    assert!(code.contains("fn second("), "{code}");
    let second = &generated.summary.received[1];
    let ranks: Vec<(&str, Option<usize>)> = second
        .messages
        .iter()
        .map(|message| (message.event_type.as_str(), message.rank))
        .collect();
    assert_eq!(ranks, [("cancelled", Some(0)), ("placed", None)]);
    // `placed` is decoded once, for `first`.
    assert_eq!(code.matches("errors.push((\"placed\"").count(), 1, "{code}");
}

#[test]
fn channel_without_address_is_skipped() {
    let channels = "  dynamic:
    address: null
    messages:
      placed:
        payload: {type: object}";
    let operations = "  toAnywhere:
    action: send
    channel: {$ref: '#/channels/dynamic'}";
    let generated = generate(channels, operations, Perspective::Application);
    let warnings = warnings(&generated);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("no channel address"),
        "{}",
        warnings[0]
    );
    assert!(generated.code.is_empty(), "{}", generated.code);
}

#[test]
fn unsupported_router_method_is_skipped() {
    let operation = |method: &str| {
        format!(
            "  poll:
    action: receive
    channel: {{$ref: '#/channels/orders'}}
    messages: [{{$ref: '#/channels/orders/messages/placed'}}]
    bindings:
      http: {{method: {method}}}"
        )
    };
    let get = generate(ORDERS, &operation("GET"), Perspective::Application);
    assert!(warnings(&get).is_empty(), "{:?}", warnings(&get));
    assert!(get.code.contains("MethodFilter::GET"));

    let head = generate(ORDERS, &operation("HEAD"), Perspective::Application);
    let warnings = warnings(&head);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("\"HEAD\""), "{}", warnings[0]);
    assert!(!head.code.contains("fn poll("));
}

#[test]
fn subject_template_reads_tokens() {
    let cases = [
        (
            "orders.created",
            Some(("orders.created", "orders.created", vec![])),
        ),
        (
            "/fleet/{id}/telemetry",
            Some(("fleet.{id}.telemetry", "fleet.*.telemetry", vec!["id"])),
        ),
        ("a.{x}/{y}", Some(("a.{x}.{y}", "a.*.*", vec!["x", "y"]))),
    ];
    for (address, expected) in cases {
        let expected = expected.map(|(template, filter, names)| SubjectTemplate {
            template: template.to_owned(),
            filter: filter.to_owned(),
            names: names.into_iter().map(str::to_owned).collect(),
        });
        assert_eq!(subject_template(address), expected, "{address}");
    }
    for address in [
        "", "/", "a..b", "a.", "a b", "a.*", "a.>", "a.{x}-y", "a.{}", "a.b*",
    ] {
        assert_eq!(subject_template(address), None, "{address:?}");
    }
}

/// Generates the API code of a whole document.
fn generate_document(text: &str, perspective: Perspective) -> GeneratedApi {
    let validation = crate::validate_text(Path::new("api.yaml"), text, LoadOptions::default());
    assert!(validation.is_valid(), "{:#?}", validation.diagnostics);
    let document = validation.document.as_ref().expect("the document parses");
    let api = validation.model().expect("the version is supported");
    let types = crate::typegen::lower_messages(document, &api);
    generate_api(document, &api, &types, perspective)
}

const NATS_V3: &str = "asyncapi: 3.0.0
info: {title: T, version: '1'}
servers:
  broker: {host: 'localhost:4222', protocol: nats}
channels:
  readings:
    address: sensors.{sensorId}.readings
    parameters:
      sensorId: {enum: [s1, s2]}
    messages:
      reading:
        payload: {type: object, properties: {value: {type: number}}}
  alerts:
    address: /alerts
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

#[test]
fn nats_operations_follow_the_perspective() {
    let application = generate_document(NATS_V3, Perspective::Application);
    assert!(
        warnings(&application).is_empty(),
        "{:?}",
        warnings(&application)
    );
    let code = &application.code;
    assert!(code.contains("pub struct NatsClient<T>"), "{code}");
    assert!(code.contains("pub async fn publish_reading("));
    assert!(code.contains("parameters: &ReadingsParameters"));
    assert!(code.contains("pub const SUBJECT: &'static str = \"sensors.{sensorId}.readings\""));
    assert!(code.contains("pub trait NatsHandler"));
    assert!(code.contains("fn on_alert("));
    assert!(code.contains("pub const NATS_SUBJECTS: &[&str] = &[\"alerts\"]"));
    assert!(code.contains("nats://localhost:4222"));
    assert!(!code.contains("pub struct Client<S>"), "no HTTP client");
    assert!(!code.contains("pub fn router"), "no HTTP router");

    let mirror = generate_document(NATS_V3, Perspective::Mirror);
    let code = &mirror.code;
    assert!(code.contains("pub async fn on_alert("));
    assert!(!code.contains("pub async fn publish_reading("));
    assert!(code.contains("fn publish_reading("));
    assert!(code.contains("\"sensors.*.readings\""));
}

/// In 2.x, `subscribe` is what the application sends and `publish` what it
/// receives.
#[test]
fn nats_v2_subscribe_is_sent() {
    let text = "asyncapi: 2.6.0
info: {title: T, version: '1'}
servers:
  broker: {url: 'nats://localhost:4222', protocol: nats}
channels:
  users/signedup:
    subscribe:
      operationId: userSignedUp
      message: {payload: {type: object}}
  users/deleted:
    publish:
      operationId: userDeleted
      message: {payload: {type: object}}
";
    let application = generate_document(text, Perspective::Application);
    assert!(
        warnings(&application).is_empty(),
        "{:?}",
        warnings(&application)
    );
    assert!(application.code.contains("pub async fn user_signed_up("));
    assert!(application
        .code
        .contains("Operation `userSignedUp`: publishes to NATS subject `users.signedup`."));
    assert!(application.code.contains("fn user_deleted("));
    assert!(!application.code.contains("pub async fn user_deleted("));
    let mirror = generate_document(text, Perspective::Mirror);
    assert!(mirror.code.contains("pub async fn user_deleted("));
    assert!(!mirror.code.contains("pub async fn user_signed_up("));
}

#[test]
fn other_protocols_get_a_comment_and_no_item() {
    let text = "asyncapi: 3.0.0
info: {title: T, version: '1'}
servers:
  events: {host: 'localhost:9092', protocol: kafka}
channels:
  orders:
    address: orders
    messages:
      placed:
        payload: {type: object}
operations:
  orderPlaced:
    action: send
    channel: {$ref: '#/channels/orders'}
";
    let generated = generate_document(text, Perspective::Application);
    let warnings = warnings(&generated);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("`kafka`"), "{}", warnings[0]);
    assert_eq!(
        generated.code,
        "\n// Operations without generated code: Hookforge has no transport for\n\
         // their protocol (see the `unsupported-operation` warnings).\n\
         // - `orderPlaced` (sent): protocol `kafka`\n"
    );
}

#[test]
fn channel_on_http_and_nats_is_skipped() {
    let text = "asyncapi: 3.0.0
info: {title: T, version: '1'}
servers:
  web: {host: 'example.com', protocol: https}
  broker: {host: 'localhost:4222', protocol: nats}
channels:
  both:
    address: /orders
    messages:
      placed:
        payload: {type: object}
  natsOnly:
    address: /orders
    servers: [{$ref: '#/servers/broker'}]
    messages:
      placed:
        payload: {type: object}
operations:
  toBoth:
    action: send
    channel: {$ref: '#/channels/both'}
  toNats:
    action: send
    channel: {$ref: '#/channels/natsOnly'}
";
    let generated = generate_document(text, Perspective::Application);
    let warnings = warnings(&generated);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("`toBoth`"), "{}", warnings[0]);
    assert!(
        warnings[0].contains("both HTTP and NATS"),
        "{}",
        warnings[0]
    );
    assert!(generated.code.contains("pub async fn to_nats("));
    assert!(!generated.code.contains("fn to_both("));
    assert!(generated
        .code
        .contains("// - `toBoth` (sent): protocol `http and nats`"));
}

#[test]
fn nats_reply_and_partial_tokens_are_skipped() {
    let text = "asyncapi: 3.0.0
info: {title: T, version: '1'}
servers:
  broker: {host: 'localhost:4222', protocol: nats}
channels:
  ask:
    address: quotes.ask
    messages:
      question: {payload: {type: string}}
  answer:
    address: quotes.answer
    messages:
      reply: {payload: {type: string}}
  partial:
    address: quotes.{id}-x
    parameters:
      id: {}
    messages:
      question: {payload: {type: string}}
operations:
  askQuote:
    action: send
    channel: {$ref: '#/channels/ask'}
    reply:
      channel: {$ref: '#/channels/answer'}
  partial:
    action: send
    channel: {$ref: '#/channels/partial'}
";
    let generated = generate_document(text, Perspective::Application);
    let warnings = warnings(&generated);
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings
        .iter()
        .any(|w| w.contains("`askQuote` expects a reply")));
    assert!(warnings.iter().any(|w| w.contains("not a NATS subject")));
    assert!(!generated.code.contains("pub struct NatsClient"));
}

/// Two operations on `sensors.{sensorId}.events`: a closed alarm and an
/// open reading, from two channels with the same address.
const NATS_SHARED: &str = "asyncapi: 3.0.0
info: {title: T, version: '1'}
servers:
  broker: {host: 'localhost:4222', protocol: nats}
channels:
  readings:
    address: sensors.{sensorId}.events
    parameters: {sensorId: {}}
    messages:
      reading:
        payload: {type: object, properties: {value: {type: number}}}
  alarms:
    address: sensors.{sensorId}.events
    parameters: {sensorId: {}}
    messages:
      alarm:
        payload:
          type: object
          additionalProperties: false
          required: [alarm]
          properties: {alarm: {type: string}}
operations:
  onReading:
    action: receive
    channel: {$ref: '#/channels/readings'}
  onAlarm:
    action: receive
    channel: {$ref: '#/channels/alarms'}
";

#[test]
fn nats_shared_subject_dispatches_by_message() {
    let receiver = generate_document(NATS_SHARED, Perspective::Application);
    assert!(warnings(&receiver).is_empty(), "{:?}", warnings(&receiver));
    let code = &receiver.code;
    assert!(
        code.contains("pub const NATS_SUBJECTS: &[&str] = &[\"sensors.*.events\"];"),
        "{code}"
    );
    assert!(
        code.contains("enum NatsSensorsSensorIdEventsRoute {"),
        "{code}"
    );
    assert!(!code.contains("fn decode_on_reading("), "{code}");
    let compact: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let alarm = compact
        .find("Ok(NatsSensorsSensorIdEventsRoute::OnAlarm(message)")
        .expect("the alarm is decoded");
    let reading = compact
        .find("Ok(NatsSensorsSensorIdEventsRoute::OnReading(message)")
        .expect("the reading is decoded");
    assert!(alarm < reading, "the closed alarm is tried first: {code}");
    assert!(
        compact.contains(
            "NatsSensorsSensorIdEventsRoute::OnAlarm(message)=>{handler.on_alarm(parameters,message,&delivery).await}"
        ),
        "{code}"
    );
    assert!(code.contains("pub struct ReadingsParameters"), "{code}");
    assert!(!code.contains("pub struct AlarmsParameters"), "{code}");
    let received: Vec<&str> = receiver
        .summary
        .received
        .iter()
        .map(|op| op.operation_id.as_str())
        .collect();
    assert_eq!(received, ["onReading", "onAlarm"]);

    let sender = generate_document(NATS_SHARED, Perspective::Mirror);
    assert!(warnings(&sender).is_empty(), "{:?}", warnings(&sender));
    assert!(sender.code.contains("pub async fn on_reading("));
    assert!(sender.code.contains("pub async fn on_alarm("));
}
