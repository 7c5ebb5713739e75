//! Generated CloudEvents conversions: `fixtures/generate/cloudevents.yaml`
//! declares and shapes CloudEvents messages, and its golden file (checked
//! by `generate.rs`) is compiled here and exercised through the HTTP
//! binding.

#![deny(warnings)]

use std::path::Path;

use hookforge::cloudevents::http::{from_http, to_binary, to_structured};
use hookforge::cloudevents::sdk::AttributesReader;
use hookforge::cloudevents::Event;
use hookforge_codegen::options::GenerateOptions;

#[rustfmt::skip]
#[allow(missing_docs, dead_code)]
#[path = "../golden/cloudevents.rs"]
mod cloudevents;

use cloudevents::{Cancellation, Order, OrderCancelledPayload, OrderShippedPayload};

const FIXTURE: &str = "fixtures/generate/cloudevents.yaml";
const DERIVE: &str = "#[derive(::hookforge::cloudevents::CloudEvent)]";

#[test]
fn declared_payload_round_trips_structured() {
    let order = Order {
        id: "ord_1".to_owned(),
        total: 4200,
        ..Order::default()
    };
    let event = Event::try_from(&order).expect("an order converts to an event");
    assert_eq!(event.ty(), "com.example.order.created");
    assert_eq!(event.source().as_str(), "/orders");
    assert_eq!(event.subject(), Some("orders"));
    assert_eq!(
        event.dataschema().map(|uri| uri.as_str()),
        Some("https://example.com/schemas/order-created.json")
    );

    let (headers, body) = to_structured(&event).expect("the event encodes");
    assert_eq!(headers["content-type"], "application/cloudevents+json");
    let decoded = from_http(&headers, &body).expect("the request decodes");
    assert_eq!(decoded.id(), event.id());
    let back = Order::try_from(decoded).expect("the event converts back");
    assert_eq!(back, order);
}

#[test]
fn binary_shaped_payload_round_trips() {
    let shipped = OrderShippedPayload {
        order_id: "ord_1".to_owned(),
        carrier: Some("DHL".to_owned()),
        ..OrderShippedPayload::default()
    };
    let event = Event::try_from(&shipped).expect("converts");
    assert_eq!(event.ty(), "com.example.order.shipped");
    assert_eq!(event.source().as_str(), "/warehouse");

    let (headers, body) = to_binary(&event).expect("the event encodes");
    assert_eq!(headers["ce-type"], "com.example.order.shipped");
    let back = OrderShippedPayload::try_from(from_http(&headers, &body).expect("decodes"))
        .expect("converts back");
    assert_eq!(back, shipped);
}

#[test]
fn structured_shape_derives_on_data() {
    let cancellation = Cancellation {
        order_id: "ord_1".to_owned(),
        reason: Some("duplicate".to_owned()),
        ..Cancellation::default()
    };
    let event = Event::try_from(&cancellation).expect("converts");
    assert_eq!(event.ty(), "com.example.order.cancelled");
    let (headers, body) = to_structured(&event).expect("encodes");

    // The structured body is what the payload schema describes.
    let envelope: OrderCancelledPayload =
        serde_json::from_slice(&body).expect("the body matches the payload schema");
    assert_eq!(envelope.data, cancellation);
    assert_eq!(envelope.id, event.id());

    let back = Cancellation::try_from(from_http(&headers, &body).expect("decodes"))
        .expect("converts back");
    assert_eq!(back, cancellation);
}

#[test]
fn other_event_type_is_rejected() {
    let order = Order {
        id: "ord_1".to_owned(),
        total: 1,
        ..Order::default()
    };
    let event = Event::try_from(&order).expect("converts");
    assert!(Cancellation::try_from(event).is_err());
}

#[test]
fn only_fixed_unshared_structs_derive() {
    let code = std::fs::read_to_string("golden/cloudevents.rs").expect("golden file exists");
    let derived: Vec<&str> = code
        .split(DERIVE)
        .skip(1)
        .filter_map(|rest| rest.split("pub struct ").nth(1))
        .filter_map(|rest| rest.split_whitespace().next())
        .collect();
    assert_eq!(derived, ["Order", "OrderShippedPayload", "Cancellation"]);
}

#[test]
fn underived_messages_warn() {
    let generated = hookforge_codegen::generate(Path::new(FIXTURE), &GenerateOptions::default());
    let mut warnings: Vec<(&str, &str)> = generated
        .validation
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "cloudevent-not-derived")
        .map(|d| (d.pointer.as_str(), d.message.as_str()))
        .collect();
    warnings.sort();
    assert_eq!(warnings.len(), 3, "{warnings:#?}");
    assert_eq!(warnings[0].0, "/components/messages/noteAdded");
    assert!(warnings[0].1.contains("shared"), "{}", warnings[0].1);
    assert_eq!(warnings[1].0, "/components/messages/noteRemoved");
    assert_eq!(warnings[2].0, "/components/messages/orderAudited");
    assert!(warnings[2].1.contains("`source`"), "{}", warnings[2].1);
    assert!(generated
        .validation
        .diagnostics
        .iter()
        .all(|d| !d.is_error()));
}

/// Code for documents without CloudEvents must build without the
/// runtime's `cloudevents` feature, so it must not name that module.
#[test]
fn other_goldens_do_not_need_feature() {
    for name in ["names", "shapes", "traits_v2", "traits_v3", "customized"] {
        let code = std::fs::read_to_string(format!("golden/{name}.rs")).expect("golden exists");
        assert!(!code.contains("cloudevents"), "golden/{name}.rs");
    }
}
