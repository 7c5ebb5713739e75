//! CloudEvents envelopes for webhooks.
//!
//! `#[derive(CloudEvent)]` turns an application type into a CloudEvent and
//! back; [`http`] encodes events in the HTTP binding's binary and structured
//! modes.

pub mod convert;
pub mod http;

/// The cloudevents-sdk crate, whose core [`Event`] type the conversions use.
pub use cloudevents as sdk;
pub use cloudevents::Event;

/// Derives `TryFrom` conversions between a type and a CloudEvent [`Event`].
///
/// The attribute reference follows this example. The conversions fail with
/// [`convert::IntoEventError`] and [`convert::FromEventError`].
///
/// ```
/// use hookforge::cloudevents::chrono::{DateTime, TimeZone, Utc};
/// use hookforge::cloudevents::convert::FromEventError;
/// use hookforge::cloudevents::sdk::AttributesReader;
/// use hookforge::cloudevents::{CloudEvent, Event};
/// use hookforge::serde::{Deserialize, Serialize};
///
/// #[derive(Debug, PartialEq, Serialize, Deserialize, CloudEvent)]
/// #[serde(crate = "hookforge::serde")]
/// #[cloudevent(type = "com.example.invoice.paid", source = "/billing")]
/// struct InvoicePaid {
///     #[cloudevent(id)]
///     invoice_id: String,
///     #[cloudevent(time)]
///     paid_at: DateTime<Utc>,
///     #[cloudevent(extension)]
///     tenant: String,
///     amount_cents: u64,
/// }
///
/// #[derive(Debug, PartialEq, Serialize, Deserialize)]
/// #[serde(crate = "hookforge::serde")]
/// struct Refund {
///     amount_cents: u64,
/// }
///
/// // Each variant is its own event type; the enum needs no serde derives.
/// #[derive(Debug, PartialEq, CloudEvent)]
/// #[cloudevent(source = "/billing")]
/// enum BillingEvent {
///     #[cloudevent(type = "com.example.refund.issued")]
///     RefundIssued(Refund),
///     #[cloudevent(type = "com.example.invoice.voided", source = "/billing/admin")]
///     InvoiceVoided {
///         #[cloudevent(subject)]
///         invoice_id: String,
///         #[cloudevent(extension = "byadmin")]
///         by_admin: bool,
///     },
/// }
///
/// let paid = InvoicePaid {
///     invoice_id: "inv_42".to_owned(),
///     paid_at: Utc.with_ymd_and_hms(2026, 1, 31, 9, 0, 0).unwrap(),
///     tenant: "acme".to_owned(),
///     amount_cents: 1250,
/// };
/// let event = Event::try_from(&paid)?;
/// assert_eq!(event.ty(), "com.example.invoice.paid");
/// assert_eq!(event.id(), "inv_42");
/// assert_eq!(event.extension("tenant").map(|value| value.to_string()).as_deref(), Some("acme"));
/// assert_eq!(InvoicePaid::try_from(event)?, paid);
///
/// let voided = BillingEvent::InvoiceVoided { invoice_id: "inv_7".to_owned(), by_admin: false };
/// let event = Event::try_from(&voided)?;
/// assert_eq!(event.source(), "/billing/admin");
/// assert_eq!(event.subject(), Some("inv_7"));
/// assert_eq!(BillingEvent::try_from(event.clone())?, voided);
///
/// // The `type` selects the target; a struct of another type rejects it.
/// assert!(matches!(
///     InvoicePaid::try_from(event),
///     Err(FromEventError::WrongType { .. })
/// ));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub use hookforge_macros::CloudEvent;

/// The chrono crate: a `#[cloudevent(time)]` field is a
/// `chrono::DateTime<Utc>`.
pub use chrono;
