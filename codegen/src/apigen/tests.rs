//! Unit tests of the API generator's decisions.

use std::path::Path;

use super::plan::{is_json, route_path};
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
