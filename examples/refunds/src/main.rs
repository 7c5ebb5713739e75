//! Runs both sides of the AsyncAPI 2.6 refunds document in one process,
//! over loopback HTTP.
//!
//! `build.rs` generates the module `payments` in the document's own
//! perspective (the payment service: its `subscribe` operation is sent, its
//! `publish` operation received) and the module `merchant` in the mirror
//! perspective. The program serves each side's generated router on its own
//! loopback port, then plays one refund through:
//!
//! 1. the payment service sends `refund.requested` to the merchant;
//! 2. the merchant approves it and sends `refund.decided` back;
//! 3. the payment service sends `refund.completed`.
//!
//! Each side signs with its own secret and keeps its webhooks in its own
//! SQLite outbox, in a temporary folder that is removed at the end. The
//! program exits 0 when every webhook was delivered and handled once.
//!
//! Run it with `cargo run -p hookforge-example-refunds`.

use std::error::Error;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use axum::Router;
use hookforge::api::{HandlerError, Message};
use hookforge::breaker::OpenPolicy;
use hookforge::client::{SenderConfig, WebhookSender};
use hookforge::formats::{DateTime, FormatError};
use hookforge::idempotency::memory::MemoryIdempotency;
use hookforge::outbox::sqlite::SqliteOutbox;
use hookforge::outbox::OutboxStore;
use hookforge::retry::RetryPolicy;
use hookforge::server::{VerifiedWebhook, WebhookReceiver};
use hookforge::signing::{Signer, SigningKey, Verifier, VerifyingKey};
use tokio::sync::mpsc;

/// The payment service's side, generated from `asyncapi.yaml`.
#[allow(dead_code)]
mod payments {
    include!(concat!(env!("OUT_DIR"), "/payments.rs"));
}

/// The merchant's side, generated from `asyncapi.yaml` in the mirror
/// perspective.
#[allow(dead_code)]
mod merchant {
    include!(concat!(env!("OUT_DIR"), "/merchant.rs"));
}

/// The secret the payment service signs its refund events with. Both
/// secrets are public, so they are only for trying the example.
const PAYMENTS_SECRET: &str = "whsec_cGF5bWVudHMgZXhhbXBsZSBzZWNyZXQsIDMyYg==";
/// The secret the merchant signs its decisions with.
const MERCHANT_SECRET: &str = "whsec_bWVyY2hhbnQgZXhhbXBsZSBzZWNyZXQsIDMyYg==";

const TENANT: &str = "tnt_4f9a2c";
const REFUND: &str = "rfd_18";

/// How long the program waits for a handler to receive a webhook.
const HANDLER_TIMEOUT: Duration = Duration::from_secs(20);

#[tokio::main]
async fn main() -> ExitCode {
    let folder =
        std::env::temp_dir().join(format!("hookforge-example-refunds-{}", std::process::id()));
    let outcome = run(&folder).await;
    if let Err(error) = std::fs::remove_dir_all(&folder) {
        eprintln!(
            "warning: failed to remove the outbox folder {}: {error}",
            folder.display()
        );
    }
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Plays one refund through both sides, with their outboxes in `folder`.
async fn run(folder: &Path) -> Result<(), Box<dyn Error>> {
    std::fs::create_dir_all(folder)?;

    let (events, mut received_events) = mpsc::unbounded_channel();
    let merchant_url = serve(merchant::router(
        Merchant { events },
        receiver(PAYMENTS_SECRET)?,
    ))
    .await?;
    let (decisions, mut received_decisions) = mpsc::unbounded_channel();
    let payments_url = serve(payments::router(
        PaymentService { decisions },
        receiver(MERCHANT_SECRET)?,
    ))
    .await?;
    println!("[payments] listening on {payments_url}");
    println!("[merchant] listening on {merchant_url}");

    let payments = payments::Client::new(
        sender(&folder.join("payments.sqlite3"), PAYMENTS_SECRET).await?,
        &merchant_url,
    );
    let merchant = merchant::Client::new(
        sender(&folder.join("merchant.sqlite3"), MERCHANT_SECRET).await?,
        &payments_url,
    );
    let refunds = payments::TenantsTenantIdRefundsParameters {
        tenant_id: TENANT.to_owned(),
    };

    // 1. The payment service sends a refund request to the merchant.
    let requested = payments::RefundEventMessage::RefundRequested(Message::new(
        refund_requested()?,
        payments::WebhookHeaders::default(),
    ));
    let accepted = payments.refund_event(&refunds, requested).await?;
    println!(
        "[payments] sent     refund.requested {REFUND} as {}",
        accepted.webhook_id
    );
    payments.sender().run_until_idle().await;
    let merchant::RefundEventMessage::RefundRequested(request) =
        next(&mut received_events, "refund.requested").await?
    else {
        return Err("the merchant received another event than refund.requested".into());
    };

    // 2. The merchant sends its decision to the payment service.
    let decision = decide(&request.payload.data);
    let decided = merchant::RefundDecidedEvent {
        r#type: merchant::RefundDecidedEventType,
        timestamp: now()?,
        data: decision,
        additional_properties: Default::default(),
    };
    let parameters = merchant::TenantsTenantIdRefundsRefundIdDecisionParameters {
        tenant_id: TENANT.to_owned(),
        refund_id: request.payload.data.refund_id.clone(),
    };
    let accepted = merchant
        .refund_decision(
            &parameters,
            Message::new(decided, merchant::WebhookHeaders::default()),
        )
        .await?;
    println!(
        "[merchant] sent     refund.decided {REFUND} as {}",
        accepted.webhook_id
    );
    merchant.sender().run_until_idle().await;
    let decision = next(&mut received_decisions, "refund.decided").await?;
    if decision.decision != payments::RefundDecisionDecision::Approved {
        return Err(format!("the merchant rejected refund {}", decision.refund_id).into());
    }

    // 3. The payment service returns the money and sends the completion.
    let completed = payments::RefundEventMessage::RefundCompleted(Message::new(
        refund_completed()?,
        payments::WebhookHeaders::default(),
    ));
    let accepted = payments.refund_event(&refunds, completed).await?;
    println!(
        "[payments] sent     refund.completed {REFUND} as {}",
        accepted.webhook_id
    );
    payments.sender().run_until_idle().await;
    let merchant::RefundEventMessage::RefundCompleted(_) =
        next(&mut received_events, "refund.completed").await?
    else {
        return Err("the merchant received another event than refund.completed".into());
    };

    let dead = payments.sender().store().counts().await?.dead
        + merchant.sender().store().counts().await?.dead;
    if dead > 0 {
        return Err(format!("{dead} webhooks went to a dead-letter queue").into());
    }
    println!("3 of 3 webhooks delivered and handled");
    Ok(())
}

/// Waits for the next message a handler passes on.
async fn next<T>(
    received: &mut mpsc::UnboundedReceiver<T>,
    event_type: &str,
) -> Result<T, Box<dyn Error>> {
    match tokio::time::timeout(HANDLER_TIMEOUT, received.recv()).await {
        Ok(Some(message)) => Ok(message),
        Ok(None) => Err(format!("the handler stopped before {event_type} arrived").into()),
        Err(_) => Err(format!("{event_type} was not handled within {HANDLER_TIMEOUT:?}").into()),
    }
}

/// The merchant's handler of refund events: prints each and passes it on.
struct Merchant {
    events: mpsc::UnboundedSender<merchant::RefundEventMessage>,
}

impl merchant::Handler for Merchant {
    async fn refund_event(
        &self,
        parameters: merchant::TenantsTenantIdRefundsParameters,
        message: merchant::RefundEventMessage,
        webhook: &VerifiedWebhook,
    ) -> Result<(), HandlerError> {
        let (event_type, refund_id, amount) = match &message {
            merchant::RefundEventMessage::RefundRequested(event) => {
                let refund = &event.payload.data;
                ("refund.requested", &refund.refund_id, &refund.amount)
            }
            merchant::RefundEventMessage::RefundCompleted(event) => {
                let refund = &event.payload.data;
                ("refund.completed", &refund.refund_id, &refund.amount)
            }
        };
        println!(
            "[merchant] received {event_type} {refund_id} of tenant {}: {}.{:02} {} (webhook {})",
            parameters.tenant_id,
            amount.amount_minor / 100,
            amount.amount_minor % 100,
            amount.currency,
            webhook.id
        );
        self.events
            .send(message)
            .map_err(|_| HandlerError::Unavailable("the merchant is shutting down".to_owned()))
    }
}

/// The payment service's handler of decisions: prints each and passes it
/// on.
struct PaymentService {
    decisions: mpsc::UnboundedSender<payments::RefundDecision>,
}

impl payments::Handler for PaymentService {
    async fn refund_decision(
        &self,
        parameters: payments::TenantsTenantIdRefundsRefundIdDecisionParameters,
        message: Message<payments::RefundDecidedEvent, payments::WebhookHeaders>,
        webhook: &VerifiedWebhook,
    ) -> Result<(), HandlerError> {
        let decision = message.payload.data;
        println!(
            "[payments] received refund.decided {} of tenant {}: {} (webhook {})",
            parameters.refund_id, parameters.tenant_id, decision.decision, webhook.id
        );
        self.decisions.send(decision).map_err(|_| {
            HandlerError::Unavailable("the payment service is shutting down".to_owned())
        })
    }
}

/// Approves refunds up to 100 EUR (10,000 cents), as a merchant's policy
/// might.
fn decide(refund: &merchant::Refund) -> merchant::RefundDecision {
    let approved = refund.amount.currency == "EUR" && refund.amount.amount_minor <= 10_000;
    merchant::RefundDecision {
        refund_id: refund.refund_id.clone(),
        decision: if approved {
            merchant::RefundDecisionDecision::Approved
        } else {
            merchant::RefundDecisionDecision::Rejected
        },
        note: (!approved).then(|| "refunds over 100 EUR need a manual check".to_owned()),
        additional_properties: Default::default(),
    }
}

/// Serves `router` on a free loopback port and returns its base URL.
async fn serve(router: Router) -> Result<String, Box<dyn Error>> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, router).await {
            eprintln!("error: the server on {address} stopped: {error}");
        }
    });
    Ok(format!("http://{address}"))
}

/// Builds a receiver that verifies with `secret` and deduplicates in
/// memory.
fn receiver(secret: &str) -> Result<WebhookReceiver<MemoryIdempotency>, Box<dyn Error>> {
    let key: VerifyingKey = secret.parse()?;
    Ok(WebhookReceiver::new(
        Verifier::new(vec![key]),
        MemoryIdempotency::new(1_000),
    ))
}

/// Opens an outbox at `path` and a sender that signs with `secret` and
/// gives up within seconds, so a failure ends the run quickly.
async fn sender(path: &Path, secret: &str) -> Result<WebhookSender<SqliteOutbox>, Box<dyn Error>> {
    let path = path.to_path_buf();
    let outbox = tokio::task::spawn_blocking(move || SqliteOutbox::open(path)).await??;
    let key: SigningKey = secret.parse()?;
    let config = SenderConfig {
        poll_interval: Duration::from_millis(100),
        retry: RetryPolicy {
            base: Duration::from_millis(200),
            cap: Duration::from_secs(2),
            max_attempts: 4,
            deadline: Duration::from_secs(15),
            ..RetryPolicy::default()
        },
        open_policy: OpenPolicy::DeadLetter,
        ..SenderConfig::default()
    };
    Ok(WebhookSender::new(outbox, Signer::new(vec![key]), config)?)
}

fn now() -> Result<DateTime, FormatError> {
    DateTime::parse(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

fn refund(amount_minor: i64) -> payments::Refund {
    payments::Refund {
        refund_id: REFUND.to_owned(),
        order_id: "ord_7731".to_owned(),
        amount: payments::Money {
            currency: "EUR".to_owned(),
            amount_minor,
            additional_properties: Default::default(),
        },
        reason: Some(payments::RefundReason::Damaged),
        additional_properties: Default::default(),
    }
}

fn refund_requested() -> Result<payments::RefundRequestedEvent, FormatError> {
    Ok(payments::RefundRequestedEvent {
        r#type: payments::RefundRequestedEventType,
        timestamp: now()?,
        data: refund(1490),
        additional_properties: Default::default(),
    })
}

/// Builds the `refund.completed` event, whose data is the refund and its
/// completion time merged by the schema's `allOf`.
fn refund_completed() -> Result<payments::RefundCompletedEvent, FormatError> {
    let refund = refund(1490);
    Ok(payments::RefundCompletedEvent {
        r#type: payments::RefundCompletedEventType,
        timestamp: now()?,
        data: payments::RefundCompletedEventData {
            refund_id: refund.refund_id,
            order_id: refund.order_id,
            amount: refund.amount,
            reason: refund.reason,
            completed_at: now()?,
            additional_properties: Default::default(),
        },
        additional_properties: Default::default(),
    })
}
