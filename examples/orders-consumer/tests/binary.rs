//! Starts the consumer binary on a free loopback port and sends it signed
//! requests by hand, as a provider without generated code would.

use std::process::Stdio;
use std::time::Duration;

use hookforge::client::request::{RequestError, RequestSender};
use hookforge::client::{SenderConfig, Webhook};
use hookforge::serde_json::{json, Value};
use hookforge::signing::{Signer, SigningKey};
use hookforge_example_orders_consumer::{PORT_VARIABLE, SECRET_VARIABLE};
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

const CONSUMER: &str = env!("CARGO_BIN_EXE_hookforge-example-orders-consumer");
const SECRET: &str = "whsec_b3JkZXJzIGV4YW1wbGUgdGVzdCBzZWNyZXQsIDMyYg==";

/// The consumer process, its log and its base URL.
struct Consumer {
    // Kept so the process is killed when the test ends.
    _child: Child,
    log: Lines<BufReader<ChildStdout>>,
    base_url: String,
}

impl Consumer {
    async fn start() -> Consumer {
        let mut child = Command::new(CONSUMER)
            .env(PORT_VARIABLE, "0")
            .env(SECRET_VARIABLE, SECRET)
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the consumer starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut log = BufReader::new(stdout).lines();
        let line = Self::wait_for(&mut log, "listening on ").await;
        let base_url = line
            .split("listening on ")
            .nth(1)
            .expect("the line names the URL")
            .trim()
            .to_owned();
        Consumer {
            _child: child,
            log,
            base_url,
        }
    }

    /// Reads log lines until one contains `text`, for at most 30 seconds.
    async fn wait_for(log: &mut Lines<BufReader<ChildStdout>>, text: &str) -> String {
        let search = async {
            while let Some(line) = log.next_line().await.expect("the log is readable") {
                if line.contains(text) {
                    return line;
                }
            }
            panic!("the consumer exited before logging {text:?}");
        };
        tokio::time::timeout(Duration::from_secs(30), search)
            .await
            .unwrap_or_else(|_| panic!("no log line with {text:?} within 30 s"))
    }
}

fn requester() -> RequestSender {
    let key: SigningKey = SECRET.parse().expect("a valid secret");
    RequestSender::new(Signer::new(vec![key]), SenderConfig::default())
        .expect("a valid configuration")
        .with_max_attempts(1)
}

#[tokio::test]
async fn binary_handles_signed_requests() {
    let mut consumer = Consumer::start().await;
    let requester = requester();

    let ping = Webhook::json(
        format!("{}/ping", consumer.base_url),
        "endpoint.ping",
        &json!({"type": "endpoint.ping", "sentAt": "2026-01-01T00:00:00Z"}),
    )
    .expect("the ping encodes");
    let response = requester.request(ping).await.expect("the ping is accepted");
    assert_eq!(response.status().as_u16(), 204);
    Consumer::wait_for(&mut consumer.log, "handled endpoint.ping").await;

    let check = Webhook::json(
        format!(
            "{}/tenants/tnt_1/warehouses/mad-1/stock-checks",
            consumer.base_url
        ),
        "stock.check_requested",
        &json!({"orderId": "ord_1", "items": [{"sku": "MUG-BLUE-350", "quantity": 5}]}),
    )
    .expect("the stock check encodes");
    let response = requester
        .request(check)
        .await
        .expect("the check is answered");
    assert_eq!(response.status().as_u16(), 200);
    let answer: Value = hookforge::serde_json::from_slice(response.body()).expect("JSON");
    assert_eq!(
        answer,
        json!({
            "orderId": "ord_1",
            "warehouseId": "mad-1",
            "items": [{"sku": "MUG-BLUE-350", "available": 3}],
            "canFulfil": false
        })
    );
}

#[tokio::test]
async fn binary_rejects_invalid_requests() {
    let consumer = Consumer::start().await;
    let requester = requester();
    let cases = [
        // A warehouse outside the parameter's `enum`.
        (
            "/tenants/tnt_1/warehouses/osl-1/stock-checks",
            json!({"orderId": "ord_1", "items": [{"sku": "A", "quantity": 1}]}),
            404,
        ),
        // `items` must have at least one entry.
        (
            "/tenants/tnt_1/warehouses/ber-1/stock-checks",
            json!({"orderId": "ord_1", "items": []}),
            400,
        ),
        // A `type` that none of the order events has.
        (
            "/tenants/tnt_1/orders",
            json!({"type": "order.lost", "timestamp": "2026-01-01T00:00:00Z", "data": {}}),
            400,
        ),
    ];
    for (path, body, expected) in cases {
        let webhook = Webhook::json(format!("{}{path}", consumer.base_url), "test", &body)
            .expect("the body encodes");
        match requester.request(webhook).await {
            Err(RequestError::Status { status, .. }) => {
                assert_eq!(status.as_u16(), expected, "{path} {body}");
            }
            other => panic!("{path} {body}: expected {expected}, got {other:?}"),
        }
    }
}
