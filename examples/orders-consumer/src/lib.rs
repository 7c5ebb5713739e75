//! A fulfilment partner that receives the shop's order webhooks.
//!
//! `build.rs` generates the module [`orders`] from
//! `examples/orders/asyncapi.yaml` in the mirror perspective: a `Handler`
//! trait with one method per operation of the shop, and `router`, which
//! verifies the Standard Webhooks signature, drops repeated deliveries,
//! validates and decodes each message and calls the handler.
//!
//! [`Fulfilment`] implements the handler: it logs every message, records it
//! in a [`Journal`] and replies to stock checks from a fixed stock table.
//! [`app`] builds the axum application that the binary serves, and that
//! tests can serve in-process.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use hookforge::api::{HandlerError, Message};
use hookforge::idempotency::memory::MemoryIdempotency;
use hookforge::idempotency::sqlite::SqliteIdempotency;
use hookforge::idempotency::IdempotencyError;
use hookforge::server::{VerifiedWebhook, WebhookReceiver};
use hookforge::signing::{KeyError, Verifier, VerifyingKey};

/// Types, handler trait and router generated from
/// `examples/orders/asyncapi.yaml`.
// NOTE: the variants of generated string enums have no doc comments.
#[allow(missing_docs)]
pub mod orders {
    include!(concat!(env!("OUT_DIR"), "/orders.rs"));
}

use orders::{OrderEventMessage, OrderEventsParameters, StockChecksParameters};

/// The environment variable with the TCP port to listen on.
pub const PORT_VARIABLE: &str = "ORDERS_CONSUMER_PORT";
/// The port used when [`PORT_VARIABLE`] is not set.
pub const DEFAULT_PORT: u16 = 8787;
/// The environment variable with the shared secret, in the Standard
/// Webhooks `whsec_` form.
pub const SECRET_VARIABLE: &str = "ORDERS_WEBHOOK_SECRET";
/// The secret used when [`SECRET_VARIABLE`] is not set. It is public, so it
/// is only for trying the example on one machine.
pub const DEVELOPMENT_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// The environment variable with the path of a SQLite file for the
/// idempotency store. Without it the store is in memory.
pub const IDEMPOTENCY_DB_VARIABLE: &str = "ORDERS_IDEMPOTENCY_DB";
/// The path under which the generated routes are served; the
/// `development` server of the document ends in it.
pub const BASE_PATH: &str = "/hooks";

/// The consumer's settings, read from the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The port to listen on, on 127.0.0.1. 0 picks a free port.
    pub port: u16,
    /// The shared secret that webhooks are signed with.
    pub secret: String,
    /// The SQLite file of the idempotency store, or `None` for memory.
    pub idempotency_db: Option<PathBuf>,
}

/// An error reading the settings.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The port is not a number from 0 to 65535.
    #[error("{PORT_VARIABLE}={value:?} is not a TCP port (0 to 65535)")]
    InvalidPort {
        /// The value of the variable.
        value: String,
    },
    /// A variable is set but is not valid Unicode.
    #[error("{0} is not valid Unicode")]
    NotUnicode(&'static str),
}

impl Settings {
    /// Reads the settings from [`PORT_VARIABLE`], [`SECRET_VARIABLE`] and
    /// [`IDEMPOTENCY_DB_VARIABLE`], with the defaults described there.
    ///
    /// # Errors
    ///
    /// [`SettingsError`] for a port that is not a number or a value that is
    /// not valid Unicode.
    pub fn from_env() -> Result<Settings, SettingsError> {
        let port = match variable(PORT_VARIABLE)? {
            Some(value) => value
                .trim()
                .parse()
                .map_err(|_| SettingsError::InvalidPort { value })?,
            None => DEFAULT_PORT,
        };
        let secret = variable(SECRET_VARIABLE)?.unwrap_or_else(|| DEVELOPMENT_SECRET.to_owned());
        let idempotency_db = std::env::var_os(IDEMPOTENCY_DB_VARIABLE).map(PathBuf::from);
        Ok(Settings {
            port,
            secret,
            idempotency_db,
        })
    }
}

fn variable(name: &'static str) -> Result<Option<String>, SettingsError> {
    match std::env::var(name) {
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(SettingsError::NotUnicode(name)),
    }
}

/// An error building the application.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The secret is not a Standard Webhooks key.
    #[error("{SECRET_VARIABLE} is not a valid Standard Webhooks secret: {0}")]
    Secret(#[source] KeyError),
    /// The SQLite idempotency store could not be opened.
    #[error("failed to open the idempotency store: {0}")]
    Idempotency(#[source] IdempotencyError),
}

/// One message that a handler method handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handled {
    /// The `webhook-id` of the delivery.
    pub webhook_id: String,
    /// The message name, such as `order.created`.
    pub event_type: String,
    /// The message's content, in one line.
    pub summary: String,
}

/// The messages handled so far, shared between the handler and its owner.
///
/// The router calls the handler once per `webhook-id`, so a journal that
/// lists an id twice shows a duplicate that got through.
#[derive(Debug, Clone, Default)]
pub struct Journal(Arc<Mutex<Vec<Handled>>>);

impl Journal {
    /// Returns a copy of the entries, in the order they were handled.
    pub fn entries(&self) -> Vec<Handled> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn record(&self, webhook: &VerifiedWebhook, event_type: &str, summary: String) {
        tracing::info!(webhook_id = %webhook.id, "handled {event_type}: {summary}");
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Handled {
                webhook_id: webhook.id.clone(),
                event_type: event_type.to_owned(),
                summary,
            });
    }
}

/// The partner's handler: logs and records every message and replies to
/// stock checks from a fixed table of stock per warehouse.
#[derive(Debug, Clone)]
pub struct Fulfilment {
    journal: Journal,
    stock: BTreeMap<(&'static str, &'static str), i64>,
}

impl Fulfilment {
    /// Creates the handler, recording into `journal`. The warehouse
    /// `ber-1` is out of `TEE-ORG-M`; `lyo-1` has every product of the
    /// document's examples.
    pub fn new(journal: Journal) -> Fulfilment {
        let stock = BTreeMap::from([
            (("ber-1", "MUG-BLUE-350"), 12),
            (("ber-1", "TEE-ORG-M"), 0),
            (("lyo-1", "MUG-BLUE-350"), 40),
            (("lyo-1", "TEE-ORG-M"), 7),
            (("mad-1", "MUG-BLUE-350"), 3),
        ]);
        Fulfilment { journal, stock }
    }
}

impl orders::Handler for Fulfilment {
    async fn order_event(
        &self,
        parameters: OrderEventsParameters,
        message: OrderEventMessage,
        webhook: &VerifiedWebhook,
    ) -> Result<(), HandlerError> {
        let tenant = &parameters.tenant_id;
        let (event_type, summary) = match message {
            OrderEventMessage::OrderCreated(Message { payload, .. }) => {
                let order = payload.data;
                let items: i64 = order.items.iter().map(|item| item.quantity).sum();
                let total = format!(
                    "{}.{:02} {}",
                    order.total.amount_minor / 100,
                    order.total.amount_minor % 100,
                    order.total.currency
                );
                let summary = format!(
                    "tenant {tenant}, order {}, {items} items, total {total}",
                    order.order_id
                );
                ("order.created", summary)
            }
            OrderEventMessage::OrderShipped(Message { payload, .. }) => {
                let shipment = payload.data;
                let summary = format!(
                    "tenant {tenant}, order {} with {} as {}",
                    shipment.order_id, shipment.carrier, shipment.tracking_number
                );
                ("order.shipped", summary)
            }
            OrderEventMessage::OrderCancelled(Message { payload, .. }) => {
                let cancellation = payload.data;
                let summary = format!(
                    "tenant {tenant}, order {} ({})",
                    cancellation.order_id, cancellation.reason
                );
                ("order.cancelled", summary)
            }
        };
        self.journal.record(webhook, event_type, summary);
        Ok(())
    }

    async fn stock_check(
        &self,
        parameters: StockChecksParameters,
        message: Message<orders::StockCheckRequest, orders::WebhookHeaders>,
        webhook: &VerifiedWebhook,
    ) -> Result<orders::StockCheckAnswer, HandlerError> {
        let warehouse = parameters.warehouse_id.as_str();
        let request = message.payload;
        let mut can_fulfil = true;
        let mut items = Vec::with_capacity(request.items.len());
        for item in &request.items {
            let available = self
                .stock
                .get(&(warehouse, item.sku.as_str()))
                .copied()
                .unwrap_or(0);
            can_fulfil &= available >= item.quantity;
            items.push(orders::StockLevel {
                sku: item.sku.clone(),
                available,
                additional_properties: BTreeMap::new(),
            });
        }
        let summary = format!(
            "tenant {}, order {} in {warehouse}: {}",
            parameters.tenant_id,
            request.order_id,
            if can_fulfil {
                "can fulfil"
            } else {
                "cannot fulfil"
            }
        );
        self.journal
            .record(webhook, "stock.check_requested", summary);
        Ok(orders::StockCheckAnswer {
            order_id: request.order_id,
            warehouse_id: warehouse.to_owned(),
            items,
            can_fulfil,
            additional_properties: BTreeMap::new(),
        })
    }

    async fn endpoint_ping(
        &self,
        message: orders::Ping,
        webhook: &VerifiedWebhook,
    ) -> Result<(), HandlerError> {
        let summary = format!("sent at {}", message.sent_at.as_str());
        self.journal.record(webhook, "endpoint.ping", summary);
        Ok(())
    }
}

/// Builds the application: the generated router under [`BASE_PATH`],
/// verifying with `settings.secret` and deduplicating in memory or in
/// `settings.idempotency_db`, with a [`Fulfilment`] handler that records
/// into `journal`.
///
/// # Errors
///
/// [`AppError`] for an invalid secret or an idempotency file that cannot
/// be opened.
pub async fn app(settings: &Settings, journal: Journal) -> Result<Router, AppError> {
    let key: VerifyingKey = settings.secret.parse().map_err(AppError::Secret)?;
    let verifier = Verifier::new(vec![key]);
    let handler = Fulfilment::new(journal);
    let routes = match &settings.idempotency_db {
        Some(path) => {
            let store = SqliteIdempotency::open(path)
                .await
                .map_err(AppError::Idempotency)?;
            orders::router(handler, WebhookReceiver::new(verifier, store))
        }
        None => {
            let store = MemoryIdempotency::new(100_000);
            orders::router(handler, WebhookReceiver::new(verifier, store))
        }
    };
    Ok(Router::new().nest(BASE_PATH, routes))
}
