//! Round trips through `#[derive(CloudEvent)]`: value → Event → value, and
//! the errors for events that do not fit the type.

#![cfg(feature = "cloudevents")]

use chrono::{DateTime, TimeZone, Utc};
use hookforge::cloudevents::convert::{FromEventError, IntoEventError};
use hookforge::cloudevents::sdk::event::{ExtensionValue, SpecVersion};
use hookforge::cloudevents::sdk::{
    AttributesReader, AttributesWriter, Data, EventBuilder, EventBuilderV03, EventBuilderV10,
};
use hookforge::cloudevents::{CloudEvent, Event};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, CloudEvent)]
#[cloudevent(type = "com.example.order.placed", source = "/shop/orders")]
struct OrderPlaced {
    #[cloudevent(id)]
    order_id: String,
    #[cloudevent(time)]
    placed_at: DateTime<Utc>,
    #[cloudevent(subject)]
    customer: String,
    #[cloudevent(extension)]
    region: String,
    #[cloudevent(extension = "rush")]
    express: bool,
    #[cloudevent(extension = "retries")]
    retries: i32,
    #[cloudevent(extension = "balance")]
    balance: i64,
    #[cloudevent(extension = "coupon")]
    coupon: Option<String>,
    amount_cents: u64,
}

fn order() -> OrderPlaced {
    OrderPlaced {
        order_id: "order-17".to_owned(),
        placed_at: Utc
            .with_ymd_and_hms(2026, 3, 1, 12, 30, 0)
            .single()
            .expect("valid date"),
        customer: "customer-9".to_owned(),
        region: "eu".to_owned(),
        express: false,
        retries: 0,
        balance: -250,
        coupon: None,
        amount_cents: 1999,
    }
}

#[derive(Debug, PartialEq, Serialize, Deserialize, CloudEvent)]
#[cloudevent(
    type = "com.example.ping",
    source = "/pinger",
    dataschema = "https://example.com/schemas/ping.json",
    datacontenttype = "application/vnd.example.ping+json"
)]
struct Ping {
    seq: u32,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Shipment {
    carrier: String,
}

#[derive(Debug, PartialEq, CloudEvent)]
#[cloudevent(source = "/shop/orders")]
enum OrderEvent {
    #[cloudevent(type = "com.example.order.shipped")]
    Shipped(Shipment),
    #[cloudevent(type = "com.example.order.cancelled", source = "/shop/support")]
    Cancelled {
        #[cloudevent(id)]
        order_id: String,
        #[cloudevent(extension)]
        refund: bool,
        #[serde(rename = "why")]
        reason: String,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        note: Option<String>,
    },
}

#[derive(Debug, PartialEq, Serialize, Deserialize, CloudEvent)]
#[cloudevent(type = "com.example.audit", source = "/audit", subject = "ledger")]
struct Audit {
    #[serde(skip)]
    #[cloudevent(id)]
    audit_id: u64,
    #[serde(skip)]
    #[cloudevent(time)]
    at: Option<DateTime<Utc>>,
    #[serde(skip)]
    #[cloudevent(extension = "level")]
    level: u8,
    entry: String,
}

fn extension(event: &Event, name: &str) -> Option<ExtensionValue> {
    event.extension(name).cloned()
}

#[test]
fn struct_attributes_in_event() {
    let event = Event::try_from(&order()).expect("value converts to an event");

    assert_eq!(event.specversion(), SpecVersion::V10);
    assert_eq!(event.ty(), "com.example.order.placed");
    assert_eq!(event.source(), "/shop/orders");
    assert_eq!(event.id(), "order-17");
    assert_eq!(event.time(), Some(&order().placed_at));
    assert_eq!(event.subject(), Some("customer-9"));
    assert_eq!(event.datacontenttype(), Some("application/json"));
    assert_eq!(
        extension(&event, "region"),
        Some(ExtensionValue::String("eu".to_owned()))
    );
    assert_eq!(
        extension(&event, "rush"),
        Some(ExtensionValue::Boolean(false))
    );
    assert_eq!(
        extension(&event, "retries"),
        Some(ExtensionValue::Integer(0))
    );
    assert_eq!(
        extension(&event, "balance"),
        Some(ExtensionValue::Integer(-250))
    );
    assert_eq!(extension(&event, "coupon"), None);
    let Some(Data::Json(data)) = event.data() else {
        panic!("expected JSON data, found {:?}", event.data());
    };
    assert_eq!(data["amount_cents"], json!(1999));
    assert_eq!(data["order_id"], json!("order-17"));
}

#[test]
fn struct_round_trip() {
    let event = Event::try_from(order()).expect("value converts to an event");
    let back = OrderPlaced::try_from(event).expect("event converts back");
    assert_eq!(back, order());

    let with_coupon = OrderPlaced {
        coupon: Some("spring".to_owned()),
        express: true,
        retries: -3,
        ..order()
    };
    let event = Event::try_from(&with_coupon).expect("value converts to an event");
    assert_eq!(
        extension(&event, "coupon"),
        Some(ExtensionValue::String("spring".to_owned()))
    );
    assert_eq!(
        OrderPlaced::try_from(event).expect("event converts back"),
        with_coupon
    );
}

#[test]
fn attribute_wins_over_data() {
    let mut event = Event::try_from(order()).expect("value converts to an event");
    event.set_extension("balance", -1_i64);
    event.set_extension("rush", true);

    let back = OrderPlaced::try_from(event).expect("event converts back");
    assert_eq!(back.balance, -1);
    assert!(back.express);
}

#[test]
fn defaults_fill_id_time_and_schema() {
    let before = Utc::now();
    let first = Event::try_from(Ping { seq: 1 }).expect("value converts to an event");
    let second = Event::try_from(Ping { seq: 1 }).expect("value converts to an event");
    let after = Utc::now();

    let id = uuid::Uuid::parse_str(first.id()).expect("id is a UUID");
    assert_eq!(id.get_version_num(), 7);
    assert_ne!(first.id(), second.id());
    let time = *first.time().expect("time is set");
    assert!(before <= time, "time {time} is before {before}");
    assert!(time <= after, "time {time} is after {after}");
    assert_eq!(
        first.datacontenttype(),
        Some("application/vnd.example.ping+json")
    );
    assert_eq!(
        first.dataschema().map(|url| url.as_str()),
        Some("https://example.com/schemas/ping.json")
    );
    assert_eq!(first.subject(), None);
    assert_eq!(
        Ping::try_from(first).expect("event converts back"),
        Ping { seq: 1 }
    );
}

#[test]
fn enum_variants_use_their_types() {
    let shipped = OrderEvent::Shipped(Shipment {
        carrier: "post".to_owned(),
    });
    let event = Event::try_from(&shipped).expect("value converts to an event");
    assert_eq!(event.ty(), "com.example.order.shipped");
    assert_eq!(event.source(), "/shop/orders");
    assert_eq!(event.data(), Some(&Data::Json(json!({"carrier": "post"}))));
    assert_eq!(
        OrderEvent::try_from(event).expect("event converts back"),
        shipped
    );

    let cancelled = OrderEvent::Cancelled {
        order_id: "order-3".to_owned(),
        refund: false,
        reason: "duplicate".to_owned(),
        note: None,
    };
    let event = Event::try_from(&cancelled).expect("value converts to an event");
    assert_eq!(event.ty(), "com.example.order.cancelled");
    assert_eq!(event.source(), "/shop/support");
    assert_eq!(event.id(), "order-3");
    assert_eq!(
        extension(&event, "refund"),
        Some(ExtensionValue::Boolean(false))
    );
    assert_eq!(
        event.data(),
        Some(&Data::Json(
            json!({"order_id": "order-3", "refund": false, "why": "duplicate"})
        ))
    );
    assert_eq!(
        OrderEvent::try_from(event).expect("event converts back"),
        cancelled
    );

    let noted = OrderEvent::Cancelled {
        order_id: "order-4".to_owned(),
        refund: true,
        reason: "late".to_owned(),
        note: Some("called twice".to_owned()),
    };
    let event = Event::try_from(&noted).expect("value converts to an event");
    assert_eq!(
        event.data(),
        Some(&Data::Json(json!({
            "order_id": "order-4",
            "refund": true,
            "why": "late",
            "note": "called twice"
        })))
    );
    assert_eq!(
        OrderEvent::try_from(event).expect("event converts back"),
        noted
    );
}

#[test]
fn skipped_fields_come_from_attributes() {
    let audit = Audit {
        audit_id: 42,
        at: None,
        level: 3,
        entry: "opened".to_owned(),
    };
    let event = Event::try_from(&audit).expect("value converts to an event");
    assert_eq!(event.id(), "42");
    assert_eq!(event.time(), None);
    assert_eq!(event.subject(), Some("ledger"));
    assert_eq!(event.data(), Some(&Data::Json(json!({"entry": "opened"}))));
    assert_eq!(Audit::try_from(event).expect("event converts back"), audit);

    let stamped = Audit {
        at: Some(
            Utc.with_ymd_and_hms(2025, 1, 2, 3, 4, 5)
                .single()
                .expect("valid date"),
        ),
        ..audit
    };
    let event = Event::try_from(&stamped).expect("value converts to an event");
    assert_eq!(event.time(), stamped.at.as_ref());
    assert_eq!(
        Audit::try_from(event).expect("event converts back"),
        stamped
    );
}

#[test]
fn extensions_parse_from_strings() {
    // The HTTP binary mode carries every extension as a header string.
    let mut event = Event::try_from(order()).expect("value converts to an event");
    event.set_extension("rush", "false");
    event.set_extension("retries", "0");
    event.set_extension("balance", "-250");
    event.set_extension("region", "eu");

    assert_eq!(
        OrderPlaced::try_from(event).expect("event converts back"),
        order()
    );
}

#[test]
fn wrong_type_is_rejected() {
    let event = Event::try_from(Ping { seq: 1 }).expect("value converts to an event");
    match OrderPlaced::try_from(event) {
        Err(FromEventError::WrongType { expected, found }) => {
            assert_eq!(expected, ["com.example.order.placed"]);
            assert_eq!(found, "com.example.ping");
        }
        other => panic!("expected WrongType, found {other:?}"),
    }

    let event = Event::try_from(Ping { seq: 1 }).expect("value converts to an event");
    match OrderEvent::try_from(event) {
        Err(FromEventError::WrongType { expected, found }) => {
            assert_eq!(
                expected,
                ["com.example.order.shipped", "com.example.order.cancelled"]
            );
            assert_eq!(found, "com.example.ping");
        }
        other => panic!("expected WrongType, found {other:?}"),
    }
}

fn ping_event() -> EventBuilderV10 {
    EventBuilderV10::new()
        .id("1")
        .source("/pinger")
        .ty("com.example.ping")
}

#[test]
fn non_json_content_type_is_rejected() {
    let event = ping_event()
        .data("text/plain", "seq=1")
        .build()
        .expect("test event is valid");
    match Ping::try_from(event) {
        Err(FromEventError::UnsupportedContentType { found }) => assert_eq!(found, "text/plain"),
        other => panic!("expected UnsupportedContentType, found {other:?}"),
    }
}

#[test]
fn binary_data_not_json_is_rejected() {
    let event = ping_event()
        .data("application/json", vec![0xff, 0x00, b'{'])
        .build()
        .expect("test event is valid");
    let result = Ping::try_from(event);
    assert!(
        matches!(result, Err(FromEventError::BinaryDataNotJson(_))),
        "{result:?}"
    );
}

#[test]
fn binary_and_string_json_data_are_read() {
    let event = ping_event()
        .data("application/json", br#"{"seq": 5}"#.to_vec())
        .build()
        .expect("test event is valid");
    assert_eq!(
        Ping::try_from(event).expect("event converts back"),
        Ping { seq: 5 }
    );

    let event = ping_event()
        .data("application/json", r#"{"seq": 6}"#)
        .build()
        .expect("test event is valid");
    assert_eq!(
        Ping::try_from(event).expect("event converts back"),
        Ping { seq: 6 }
    );

    let event = ping_event()
        .data("application/json", "seq=6")
        .build()
        .expect("test event is valid");
    let result = Ping::try_from(event);
    assert!(
        matches!(result, Err(FromEventError::StringDataNotJson(_))),
        "{result:?}"
    );
}

#[test]
fn mismatched_json_data_is_data_error() {
    let event = ping_event()
        .data("application/json", br#"{"seq": "five"}"#.to_vec())
        .build()
        .expect("test event is valid");
    let result = Ping::try_from(event);
    assert!(matches!(result, Err(FromEventError::Data(_))), "{result:?}");

    let event = ping_event()
        .data("application/json", json!({"other": 1}))
        .build()
        .expect("test event is valid");
    let result = Ping::try_from(event);
    assert!(matches!(result, Err(FromEventError::Data(_))), "{result:?}");
}

#[test]
fn missing_data_is_rejected() {
    let event = ping_event().build().expect("test event is valid");
    let result = Ping::try_from(event);
    assert!(
        matches!(result, Err(FromEventError::MissingData)),
        "{result:?}"
    );
}

#[test]
fn spec_version_03_is_rejected() {
    let event = EventBuilderV03::new()
        .id("1")
        .source("/pinger")
        .ty("com.example.ping")
        .data("application/json", json!({"seq": 1}))
        .build()
        .expect("test event is valid");
    match Ping::try_from(event) {
        Err(FromEventError::UnsupportedSpecVersion { found }) => assert_eq!(found, "0.3"),
        other => panic!("expected UnsupportedSpecVersion, found {other:?}"),
    }
}

#[test]
fn missing_required_attributes_are_rejected() {
    let mut event = Event::try_from(order()).expect("value converts to an event");
    event.remove_extension("region");
    match OrderPlaced::try_from(event) {
        Err(FromEventError::MissingAttribute { name }) => assert_eq!(name, "region"),
        other => panic!("expected MissingAttribute, found {other:?}"),
    }

    let mut event = Event::try_from(order()).expect("value converts to an event");
    AttributesWriter::set_time(&mut event, None::<DateTime<Utc>>);
    match OrderPlaced::try_from(event) {
        Err(FromEventError::MissingAttribute { name }) => assert_eq!(name, "time"),
        other => panic!("expected MissingAttribute, found {other:?}"),
    }

    let mut event = Event::try_from(order()).expect("value converts to an event");
    AttributesWriter::set_subject(&mut event, None::<String>);
    match OrderPlaced::try_from(event) {
        Err(FromEventError::MissingAttribute { name }) => assert_eq!(name, "subject"),
        other => panic!("expected MissingAttribute, found {other:?}"),
    }
}

#[test]
fn invalid_attribute_values_are_rejected() {
    let mut event = Event::try_from(order()).expect("value converts to an event");
    event.set_extension("rush", 1_i64);
    match OrderPlaced::try_from(event) {
        Err(FromEventError::Attribute { name, .. }) => assert_eq!(name, "rush"),
        other => panic!("expected Attribute, found {other:?}"),
    }

    let audit = Audit {
        audit_id: 1,
        at: None,
        level: 1,
        entry: String::new(),
    };
    let mut event = Event::try_from(&audit).expect("value converts to an event");
    event.set_extension("level", 300_i64);
    match Audit::try_from(event) {
        Err(FromEventError::Attribute { name, reason }) => {
            assert_eq!(name, "level");
            assert!(reason.contains("out of range"), "{reason}");
        }
        other => panic!("expected Attribute, found {other:?}"),
    }

    let mut event = Event::try_from(&audit).expect("value converts to an event");
    AttributesWriter::set_id(&mut event, "not-a-number");
    match Audit::try_from(event) {
        Err(FromEventError::Attribute { name, .. }) => assert_eq!(name, "id"),
        other => panic!("expected Attribute, found {other:?}"),
    }
}

#[derive(Debug, Serialize, Deserialize, CloudEvent)]
#[cloudevent(type = "com.example.big", source = "/big")]
struct Big {
    #[cloudevent(extension)]
    counter: u64,
}

#[test]
fn oversized_integer_extension_is_rejected() {
    let result = Event::try_from(Big { counter: u64::MAX });
    match result {
        Err(IntoEventError::Attribute { name, .. }) => assert_eq!(name, "counter"),
        other => panic!("expected Attribute, found {other:?}"),
    }
    let event = Event::try_from(Big {
        counter: i64::MAX as u64,
    })
    .expect("value converts to an event");
    assert_eq!(
        Big::try_from(event).expect("event converts back").counter,
        i64::MAX as u64
    );
}
