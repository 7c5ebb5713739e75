//! The shop's order service: sends every message of
//! `examples/orders/asyncapi.yaml` to the partner's endpoint once, through
//! the generated `Client`, and exits 0 only when all were delivered.
//!
//! Start the consumer first (`cargo run -p hookforge-example-orders-consumer`),
//! then run this with `cargo run -p hookforge-example-orders-provider`.
//!
//! Webhooks go through a durable outbox in a SQLite file in a temporary
//! folder, which is removed at the end. The stock checks wait for the
//! partner's reply, so they are sent directly. The last step sends one
//! `order.created` again with the `webhook-id` of its first delivery, as a
//! sender that lost track of a delivery would; the consumer answers it from
//! its idempotency store without handling it again.
//!
//! Settings: `ORDERS_CONSUMER_PORT` (default 8787) and
//! `ORDERS_WEBHOOK_SECRET` (default: the public development secret), the
//! same variables the consumer reads.

use std::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use hookforge::api::{ClientError, Message};
use hookforge::breaker::OpenPolicy;
use hookforge::client::request::{RequestError, RequestSender};
use hookforge::client::{SenderConfig, WebhookSender};
use hookforge::formats::{DateTime, FormatError, Uri};
use hookforge::outbox::sqlite::SqliteOutbox;
use hookforge::outbox::{DeadLetterFilter, OutboxStore};
use hookforge::retry::RetryPolicy;
use hookforge::signing::{Signer, SigningKey};

/// Types and client generated from `examples/orders/asyncapi.yaml`.
#[allow(dead_code)]
mod orders {
    include!(concat!(env!("OUT_DIR"), "/orders.rs"));
}

use orders::{
    Money, OrderEventMessage, OrderEventsParameters, StockChecksParameters, StockChecksWarehouseId,
    WebhookHeaders,
};

/// The environment variable with the consumer's TCP port on 127.0.0.1.
const PORT_VARIABLE: &str = "ORDERS_CONSUMER_PORT";
const DEFAULT_PORT: &str = "8787";
/// The environment variable with the shared secret, in the Standard
/// Webhooks `whsec_` form.
const SECRET_VARIABLE: &str = "ORDERS_WEBHOOK_SECRET";
/// The secret used when [`SECRET_VARIABLE`] is not set; the consumer's
/// default too. It is public, so it is only for trying the example on one
/// machine.
const DEVELOPMENT_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

const TENANT: &str = "tnt_4f9a2c";

type Client = orders::Client<SqliteOutbox>;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    let folder = std::env::temp_dir().join(format!(
        "hookforge-example-orders-provider-{}",
        std::process::id()
    ));
    let outcome = run(&folder).await;
    if let Err(error) = std::fs::remove_dir_all(&folder) {
        eprintln!(
            "warning: failed to remove the outbox folder {}: {error}",
            folder.display()
        );
    }
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Sends the whole sequence through an outbox in `folder`. Returns whether
/// every webhook was delivered.
async fn run(folder: &std::path::Path) -> Result<bool, Box<dyn Error>> {
    let port = std::env::var(PORT_VARIABLE).unwrap_or_else(|_| DEFAULT_PORT.to_owned());
    let secret = std::env::var(SECRET_VARIABLE).unwrap_or_else(|_| DEVELOPMENT_SECRET.to_owned());
    let key: SigningKey = secret
        .parse()
        .map_err(|error| format!("{SECRET_VARIABLE} is not a valid secret: {error}"))?;
    let signer = Signer::new(vec![key]);

    std::fs::create_dir_all(folder)?;
    let outbox_path: PathBuf = folder.join("outbox.sqlite3");
    let outbox = {
        let path = outbox_path.clone();
        tokio::task::spawn_blocking(move || SqliteOutbox::open(path)).await??
    };
    let config = sender_config();
    let sender = WebhookSender::new(outbox, signer.clone(), config.clone())?;
    let requester = RequestSender::new(signer, config)?;
    let base_url = orders::servers::development(&port);
    let client = Client::new(sender, &base_url).with_requester(requester);
    println!("sending to {base_url}, outbox {}", outbox_path.display());

    let mut queued = 0;
    let ping = orders::Ping {
        r#type: orders::PingType,
        sent_at: now()?,
    };
    let accepted = client.endpoint_ping(ping).await?;
    println!("queued   endpoint.ping         {}", accepted.webhook_id);
    queued += 1;

    check_stock(&client, StockChecksWarehouseId::Ber1).await?;
    check_stock(&client, StockChecksWarehouseId::Lyo1).await?;

    let tenant = OrderEventsParameters {
        tenant_id: TENANT.to_owned(),
    };
    let created = order_created("ord_7731", 2)?;
    let first_created = client
        .order_event(&tenant, OrderEventMessage::OrderCreated(created.clone()))
        .await?;
    println!(
        "queued   order.created         {} (ord_7731)",
        first_created.webhook_id
    );
    let events = [
        (
            "ord_7732",
            OrderEventMessage::OrderCreated(order_created("ord_7732", 1)?),
        ),
        (
            "ord_7732",
            OrderEventMessage::OrderCancelled(order_cancelled("ord_7732")?),
        ),
        (
            "ord_7731",
            OrderEventMessage::OrderShipped(order_shipped("ord_7731")?),
        ),
    ];
    for (order_id, event) in events {
        let label = event_label(&event);
        let accepted = client.order_event(&tenant, event).await?;
        println!("queued   {label:<21} {} ({order_id})", accepted.webhook_id);
    }
    queued += 4;

    println!("delivering {queued} queued webhooks");
    client.sender().run_until_idle().await;
    if !report(&client, queued).await? {
        return Ok(false);
    }

    // The same order.created with the webhook-id of its first delivery.
    let mut replay = created;
    replay.headers.webhook_id = first_created.webhook_id.clone();
    let accepted = client
        .order_event(&tenant, OrderEventMessage::OrderCreated(replay))
        .await?;
    println!(
        "queued   order.created again   {} (ord_7731, same webhook-id: the consumer does not handle it twice)",
        accepted.webhook_id
    );
    queued += 1;
    client.sender().run_until_idle().await;
    report(&client, queued).await
}

/// Returns a sender configuration that gives up within seconds, so that a
/// consumer that is not running fails the run quickly instead of after a
/// day of retries.
fn sender_config() -> SenderConfig {
    SenderConfig {
        request_timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(2),
        lease: Duration::from_secs(30),
        poll_interval: Duration::from_millis(100),
        // One at a time, so the consumer sees the events in order.
        concurrency: 1,
        retry: RetryPolicy {
            base: Duration::from_millis(200),
            cap: Duration::from_secs(2),
            max_attempts: 4,
            deadline: Duration::from_secs(20),
            ..RetryPolicy::default()
        },
        open_policy: OpenPolicy::DeadLetter,
        ..SenderConfig::default()
    }
}

/// Asks `warehouse` whether it can fulfil order `ord_7731` and prints the
/// reply.
async fn check_stock(
    client: &Client,
    warehouse: StockChecksWarehouseId,
) -> Result<(), Box<dyn Error>> {
    let parameters = StockChecksParameters {
        tenant_id: TENANT.to_owned(),
        warehouse_id: warehouse,
    };
    let request = orders::StockCheckRequest {
        order_id: "ord_7731".to_owned(),
        items: vec![stock_item("MUG-BLUE-350", 2), stock_item("TEE-ORG-M", 1)],
        additional_properties: Default::default(),
    };
    let answer = client
        .stock_check(
            &parameters,
            Message::new(request, WebhookHeaders::default()),
        )
        .await
        .map_err(|error| {
            let hint = hint(&error).map(|hint| format!("\nhint: {hint}"));
            format!(
                "stock check in {}: {error}{}",
                warehouse.as_str(),
                hint.unwrap_or_default()
            )
        })?;
    let levels: Vec<String> = answer
        .items
        .iter()
        .map(|level| format!("{} {}", level.sku, level.available))
        .collect();
    println!(
        "answered stock.check_requested {}: {} ({})",
        warehouse.as_str(),
        if answer.can_fulfil {
            "can fulfil"
        } else {
            "cannot fulfil"
        },
        levels.join(", ")
    );
    Ok(())
}

/// Returns what to check when a request to the consumer failed with
/// `error`: whether it runs, for a connection failure, and the secret, for
/// a rejected signature.
fn hint(error: &ClientError) -> Option<String> {
    match error {
        ClientError::Request(RequestError::Transport { .. }) => Some(format!(
            "is the consumer running? Start it with `cargo run -p hookforge-example-orders-consumer`, with the same {PORT_VARIABLE}."
        )),
        ClientError::Request(RequestError::Status { status, .. })
            if status.as_u16() == 401 =>
        {
            Some(format!(
                "the consumer rejected the signature; give both sides the same {SECRET_VARIABLE}."
            ))
        }
        _ => None,
    }
}

/// Prints what the outbox contains after a run. Returns whether every one of
/// the `queued` webhooks was delivered.
async fn report(client: &Client, queued: u64) -> Result<bool, Box<dyn Error>> {
    let store = client.sender().store();
    let counts = store.counts().await?;
    for dead in store.list_dead(&DeadLetterFilter::default()).await? {
        println!(
            "failed   {:<21} {} after {} attempts: {}",
            dead.message.event_type,
            dead.message.webhook_id,
            dead.attempts,
            dead.last_error.as_deref().unwrap_or("no error recorded")
        );
    }
    let delivered = queued.saturating_sub(counts.dead + counts.pending);
    println!(
        "delivered {delivered} of {queued} webhooks ({} in the dead-letter queue)",
        counts.dead
    );
    Ok(delivered == queued)
}

fn event_label(event: &OrderEventMessage) -> &'static str {
    match event {
        OrderEventMessage::OrderCreated(_) => "order.created",
        OrderEventMessage::OrderShipped(_) => "order.shipped",
        OrderEventMessage::OrderCancelled(_) => "order.cancelled",
    }
}

fn now() -> Result<DateTime, FormatError> {
    DateTime::parse(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

fn money(amount_minor: i64) -> Money {
    Money {
        currency: "EUR".to_owned(),
        amount_minor,
        additional_properties: Default::default(),
    }
}

fn stock_item(sku: &str, quantity: i64) -> orders::StockItem {
    orders::StockItem {
        sku: sku.to_owned(),
        quantity,
        additional_properties: Default::default(),
    }
}

fn line_item(sku: &str, quantity: i64, unit_price_minor: i64) -> orders::LineItem {
    orders::LineItem {
        sku: sku.to_owned(),
        quantity,
        unit_price: money(unit_price_minor),
        additional_properties: Default::default(),
    }
}

/// Builds an `order.created` message with `mugs` mugs and one T-shirt. The
/// headers' `webhook-id` is empty, so the client fills in a new one.
fn order_created(
    order_id: &str,
    mugs: i64,
) -> Result<Message<orders::OrderCreatedEvent, WebhookHeaders>, FormatError> {
    let items = vec![
        line_item("MUG-BLUE-350", mugs, 1490),
        line_item("TEE-ORG-M", 1, 3000),
    ];
    let total = items
        .iter()
        .map(|item| item.quantity * item.unit_price.amount_minor)
        .sum();
    let order = orders::Order {
        tenant_id: TENANT.to_owned(),
        order_id: order_id.to_owned(),
        customer_id: "cus_1088".to_owned(),
        placed_at: now()?,
        total: money(total),
        items,
        shipping_address: Some(orders::Address {
            name: "Ana Müller".to_owned(),
            line1: "Hauptstraße 5".to_owned(),
            line2: None,
            postal_code: "10115".to_owned(),
            city: "Berlin".to_owned(),
            country: "DE".to_owned(),
            additional_properties: Default::default(),
        }),
        note: Some(None),
        additional_properties: Default::default(),
    };
    let event = orders::OrderCreatedEvent {
        r#type: orders::OrderCreatedEventType,
        timestamp: now()?,
        data: order,
    };
    Ok(Message::new(event, WebhookHeaders::default()))
}

fn order_cancelled(
    order_id: &str,
) -> Result<Message<orders::OrderCancelledEvent, WebhookHeaders>, FormatError> {
    let event = orders::OrderCancelledEvent {
        r#type: orders::OrderCancelledEventType,
        timestamp: now()?,
        data: orders::Cancellation {
            tenant_id: TENANT.to_owned(),
            order_id: order_id.to_owned(),
            cancelled_at: now()?,
            reason: orders::CancellationReason::CustomerRequest,
            additional_properties: Default::default(),
        },
    };
    Ok(Message::new(event, WebhookHeaders::default()))
}

fn order_shipped(
    order_id: &str,
) -> Result<Message<orders::OrderShippedEvent, WebhookHeaders>, FormatError> {
    let tracking_number = "00340434161094042557";
    let event = orders::OrderShippedEvent {
        r#type: orders::OrderShippedEventType,
        timestamp: now()?,
        data: orders::Shipment {
            tenant_id: TENANT.to_owned(),
            order_id: order_id.to_owned(),
            shipped_at: now()?,
            carrier: orders::ShipmentCarrier::Dhl,
            tracking_number: tracking_number.to_owned(),
            tracking_url: Some(Uri::parse(format!(
                "https://tracking.example/{tracking_number}"
            ))?),
            additional_properties: Default::default(),
        },
    };
    Ok(Message::new(event, WebhookHeaders::default()))
}
