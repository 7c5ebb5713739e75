//! Every attribute, with only hookforge as a dependency, under
//! `#![deny(warnings)]`.

#![deny(warnings)]

use hookforge::cloudevents::chrono::{DateTime, Utc};
use hookforge::cloudevents::{CloudEvent, Event};
use hookforge::serde::{Deserialize, Serialize};

/// An order was placed.
#[derive(Debug, PartialEq, Serialize, Deserialize, CloudEvent)]
#[serde(crate = "hookforge::serde")]
#[cloudevent(
    type = "com.example.order.placed",
    source = "/shop",
    dataschema = "https://example.com/order.json",
    datacontenttype = "application/json; charset=utf-8"
)]
pub struct OrderPlaced {
    #[cloudevent(id)]
    pub order_id: String,
    #[cloudevent(time)]
    pub placed_at: Option<DateTime<Utc>>,
    #[cloudevent(subject)]
    pub customer: Option<String>,
    #[cloudevent(extension = "rush")]
    pub express: bool,
    #[cloudevent(extension)]
    pub attempt: Option<u16>,
    pub amount_cents: u64,
}

/// The inner data of a newtype variant.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(crate = "hookforge::serde")]
pub struct Shipped {
    pub carrier: String,
}

/// Order events, without serde derives on the enum itself.
#[derive(Debug, PartialEq, CloudEvent)]
#[cloudevent(source = "/shop", subject = "orders")]
pub enum OrderEvent {
    #[cloudevent(type = "com.example.order.shipped")]
    Shipped(Shipped),
    #[cloudevent(type = "com.example.order.cancelled", source = "/support")]
    Cancelled {
        #[cloudevent(id)]
        order_id: String,
        #[cloudevent(time)]
        at: DateTime<Utc>,
        #[cloudevent(extension)]
        refund: bool,
        #[serde(default)]
        note: String,
    },
}

fn main() {
    let order = OrderPlaced {
        order_id: "o-1".to_owned(),
        placed_at: None,
        customer: Some("c-1".to_owned()),
        express: false,
        attempt: None,
        amount_cents: 5,
    };
    let event = Event::try_from(&order).expect("order converts");
    assert_eq!(OrderPlaced::try_from(event).expect("event converts"), order);

    let cancelled = OrderEvent::Cancelled {
        order_id: "o-2".to_owned(),
        at: Utc::now(),
        refund: true,
        note: String::new(),
    };
    let event = Event::try_from(&cancelled).expect("variant converts");
    assert_eq!(OrderEvent::try_from(event).expect("event converts"), cancelled);

    let shipped = OrderEvent::Shipped(Shipped {
        carrier: "post".to_owned(),
    });
    let event = Event::try_from(shipped).expect("variant converts");
    assert!(matches!(
        OrderEvent::try_from(event),
        Ok(OrderEvent::Shipped(_))
    ));
}
