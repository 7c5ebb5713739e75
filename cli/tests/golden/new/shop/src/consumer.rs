//! The consumer: the counterpart of the application the document describes, such as a subscriber to its webhooks.

use std::fmt::Debug;

use hookforge::api::axum::Router;
use hookforge::api::HandlerError;
use hookforge::idempotency::memory::MemoryIdempotency;
use hookforge::server::{VerifiedWebhook, WebhookReceiver};
use hookforge::signing::Verifier;

/// The code `build.rs` generates from asyncapi.yaml for the consumer.
#[allow(dead_code, clippy::all)]
pub mod api {
    include!(concat!(env!("OUT_DIR"), "/consumer.rs"));
}

/// Builds the router of the operations the consumer receives. Webhook ids
/// are remembered in memory, so a redelivery gets the first answer.
pub fn router(verifier: Verifier) -> Router {
    let receiver = WebhookReceiver::new(verifier, MemoryIdempotency::new(10_000));
    api::router(LoggingHandler, receiver)
}

/// Prints every message it receives. Replace the bodies with your own
/// handling; an `Err` makes the sender retry (see `HandlerError`).
pub struct LoggingHandler;

impl api::Handler for LoggingHandler {
    /// Operation `sendItemEvent`: POST `/tenants/{tenantId}/items`.
    async fn send_item_event(
        &self,
        parameters: api::ItemEventsParameters,
        message: api::SendItemEventMessage,
        webhook: &VerifiedWebhook,
    ) -> Result<(), HandlerError> {
        log_received("sendItemEvent", webhook, Some(&parameters), &message);
        Ok(())
    }
}

/// Prints one received message with its webhook id.
fn log_received(
    operation: &str,
    webhook: &VerifiedWebhook,
    parameters: Option<&dyn Debug>,
    message: &dyn Debug,
) {
    println!("received `{operation}` (webhook-id {})", webhook.id);
    if let Some(parameters) = parameters {
        println!("  parameters: {parameters:?}");
    }
    println!("  message: {message:?}");
}

// The consumer sends these operations with `api::Client`, which
// stores each webhook in an outbox and delivers it signed, with retries:
//
// let store = hookforge::outbox::sqlite::SqliteOutbox::open("outbox.sqlite3")?; // feature `sqlite`
// let signer = hookforge::signing::Signer::new(vec![secret.parse()?]);
// let sender = hookforge::client::WebhookSender::new(store, signer, Default::default())?;
// let client = api::Client::new(sender, "https://receiver.example");
// client.receive_stock_update(message).await?; // receiveStockUpdate: `/stock`
// sender.run(shutdown).await; // the delivery worker
