//! Sends a typed CloudEvent as a signed webhook and receives it back.
//!
//! `build.rs` generates `OrderCreated` from `asyncapi.yaml`, whose
//! `x-cloudevents` extension makes the type derive `CloudEvent`. The
//! program starts an axum receiver on a loopback port, converts an
//! `OrderCreated` value to an event, posts it in structured mode signed
//! with the Standard Webhooks headers, and prints the value the receiver
//! decodes from the verified request.
//!
//! Run it with `cargo run -p hookforge-example-cloudevents`.

use std::error::Error;

use axum::http::StatusCode;
use axum::Router;
use hookforge::client::request::RequestSender;
use hookforge::client::{SenderConfig, Webhook};
use hookforge::cloudevents::sdk::AttributesReader;
use hookforge::cloudevents::Event;
use hookforge::formats::Email;
use hookforge::idempotency::memory::MemoryIdempotency;
use hookforge::server::{VerifiedWebhook, WebhookReceiver};
use hookforge::signing::{Signer, SigningKey, Verifier, VerifyingKey};
use tokio::sync::mpsc;

/// Types generated from `asyncapi.yaml`.
#[allow(dead_code)]
mod orders {
    include!(concat!(env!("OUT_DIR"), "/orders.rs"));
}

use orders::OrderCreated;

/// A demonstration secret in the Standard Webhooks `whsec_` form. Real
/// senders and receivers read theirs from configuration.
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

const PATH: &str = "/webhooks/orders";

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let signing_key: SigningKey = SECRET.parse()?;
    let verifying_key: VerifyingKey = SECRET.parse()?;

    // The receiver: verify the signature, decode the CloudEvent, convert
    // it to the generated type and hand it to the main task.
    let (received_tx, mut received_rx) = mpsc::channel::<OrderCreated>(1);
    let receiver = WebhookReceiver::new(
        Verifier::new(vec![verifying_key]),
        MemoryIdempotency::new(1_000),
    );
    let app = Router::new().route(
        PATH,
        receiver.route(move |webhook: VerifiedWebhook| {
            let received_tx = received_tx.clone();
            async move { handle(webhook, &received_tx).await }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    println!("receiver listening on http://{address}{PATH}");

    // The sender: a typed value becomes an event, the event a signed
    // structured-mode request.
    let order = OrderCreated {
        order_id: "ord_1042".to_owned(),
        total_cents: 12_950,
        currency: "EUR".to_owned(),
        customer_email: Some(Email::parse("ada@example.com")?),
    };
    let event = Event::try_from(&order)?;
    println!(
        "sending event {} of type {} from {}",
        event.id(),
        event.ty(),
        event.source()
    );
    let webhook = Webhook::cloudevent(format!("http://{address}{PATH}"), &event)?;
    let sender = RequestSender::new(Signer::new(vec![signing_key]), SenderConfig::default())?;
    let response = sender.request(webhook).await?;
    println!("receiver answered {}", response.status());

    let received = received_rx
        .recv()
        .await
        .ok_or("the receiver stopped before handling the webhook")?;
    println!("received {received:#?}");
    if received != order {
        return Err("the received order differs from the one sent".into());
    }
    println!("the received order equals the one sent");
    Ok(())
}

/// Decodes a verified webhook into an `OrderCreated` and passes it on.
/// Responds with 400 Bad Request when the body is no `OrderCreated` event.
async fn handle(webhook: VerifiedWebhook, received: &mpsc::Sender<OrderCreated>) -> StatusCode {
    let order = webhook
        .cloudevent()
        .map_err(|error| error.to_string())
        .and_then(|event| OrderCreated::try_from(event).map_err(|error| error.to_string()));
    match order {
        Ok(order) => match received.send(order).await {
            Ok(()) => StatusCode::NO_CONTENT,
            Err(_) => StatusCode::SERVICE_UNAVAILABLE,
        },
        Err(error) => {
            eprintln!("rejected webhook {}: {error}", webhook.id);
            StatusCode::BAD_REQUEST
        }
    }
}
