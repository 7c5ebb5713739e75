//! Derived types through the HTTP binding: value → Event → HTTP request
//! (binary and structured mode) → Event → value.

#![cfg(feature = "cloudevents")]

use chrono::{DateTime, TimeZone, Utc};
use hookforge::cloudevents::http::{from_http, to_binary, to_structured};
use hookforge::cloudevents::{CloudEvent, Event};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, CloudEvent)]
#[cloudevent(type = "com.example.invoice.paid", source = "/billing")]
struct InvoicePaid {
    #[serde(skip)]
    #[cloudevent(id)]
    invoice_id: String,
    #[serde(skip)]
    #[cloudevent(time)]
    paid_at: Option<DateTime<Utc>>,
    #[serde(skip)]
    #[cloudevent(subject)]
    customer: Option<String>,
    #[serde(skip)]
    #[cloudevent(extension)]
    tenant: String,
    #[serde(skip)]
    #[cloudevent(extension)]
    urgent: bool,
    #[serde(skip)]
    #[cloudevent(extension)]
    attempt: i32,
    #[serde(skip)]
    #[cloudevent(extension)]
    note: Option<String>,
    amount_cents: u64,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Refund {
    amount_cents: u64,
}

#[derive(Debug, PartialEq, CloudEvent)]
#[cloudevent(source = "/billing")]
enum BillingEvent {
    #[cloudevent(type = "com.example.refund.issued")]
    RefundIssued(Refund),
    #[cloudevent(type = "com.example.invoice.voided")]
    InvoiceVoided {
        #[cloudevent(extension)]
        level: i64,
        reason: String,
    },
}

/// Attribute fields are `#[serde(skip)]`, so after the round trip they can
/// only hold their values if the HTTP encoding carried the attributes.
fn invoice() -> InvoicePaid {
    InvoicePaid {
        invoice_id: "inv_42".to_owned(),
        paid_at: Some(
            Utc.with_ymd_and_hms(2026, 1, 31, 9, 0, 0)
                .single()
                .expect("valid date"),
        ),
        customer: Some("cust 7/ü".to_owned()),
        tenant: "acme".to_owned(),
        urgent: false,
        attempt: -2,
        note: None,
        amount_cents: 1250,
    }
}

type Encoder =
    fn(&Event) -> Result<(http::HeaderMap, Vec<u8>), hookforge::cloudevents::http::EncodeError>;

const MODES: [(&str, Encoder); 2] = [("structured", to_structured), ("binary", to_binary)];

#[test]
fn struct_round_trips_over_http() {
    for (mode, encode) in MODES {
        let event = Event::try_from(&invoice()).expect("value converts to an event");
        let (headers, body) = encode(&event).expect("event encodes");
        let decoded = from_http(&headers, &body).expect("request decodes");
        assert_eq!(
            InvoicePaid::try_from(decoded).expect("event converts back"),
            invoice(),
            "{mode} mode"
        );
    }
}

#[test]
fn optional_attributes_absent_over_http() {
    let sparse = InvoicePaid {
        paid_at: None,
        customer: None,
        note: None,
        ..invoice()
    };
    let with_note = InvoicePaid {
        note: Some("late".to_owned()),
        urgent: true,
        attempt: 0,
        ..invoice()
    };
    for (mode, encode) in MODES {
        for value in [&sparse, &with_note] {
            let event = Event::try_from(value).expect("value converts to an event");
            let (headers, body) = encode(&event).expect("event encodes");
            let decoded = from_http(&headers, &body).expect("request decodes");
            assert_eq!(
                &InvoicePaid::try_from(decoded).expect("event converts back"),
                value,
                "{mode} mode"
            );
        }
    }
}

#[test]
fn enum_round_trips_over_http() {
    let values = [
        BillingEvent::RefundIssued(Refund { amount_cents: 300 }),
        BillingEvent::InvoiceVoided {
            level: 0,
            reason: "duplicate".to_owned(),
        },
        BillingEvent::InvoiceVoided {
            level: -9,
            reason: "fraud".to_owned(),
        },
    ];
    for (mode, encode) in MODES {
        for value in &values {
            let event = Event::try_from(value).expect("value converts to an event");
            let (headers, body) = encode(&event).expect("event encodes");
            let decoded = from_http(&headers, &body).expect("request decodes");
            assert_eq!(
                &BillingEvent::try_from(decoded).expect("event converts back"),
                value,
                "{mode} mode"
            );
        }
    }
}
