//! Serves the partner's webhook endpoint on 127.0.0.1 until Ctrl-C.
//!
//! Run it with `cargo run -p hookforge-example-orders-consumer`, then send
//! it the shop's webhooks with
//! `cargo run -p hookforge-example-orders-provider` from another terminal.
//! The settings come from `ORDERS_CONSUMER_PORT` (default 8787),
//! `ORDERS_WEBHOOK_SECRET` (default: the public development secret) and
//! `ORDERS_IDEMPOTENCY_DB` (default: in memory).

use std::error::Error;
use std::net::{Ipv4Addr, SocketAddr};

use hookforge_example_orders_consumer::{app, Journal, Settings, BASE_PATH, SECRET_VARIABLE};

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    tracing_subscriber::fmt().with_target(false).init();

    let settings = Settings::from_env()?;
    if std::env::var_os(SECRET_VARIABLE).is_none() {
        tracing::warn!("{SECRET_VARIABLE} is not set; using the public development secret");
    }
    let app = app(&settings, Journal::default()).await?;
    let listener =
        tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, settings.port)))
            .await
            .map_err(|error| format!("failed to listen on 127.0.0.1:{}: {error}", settings.port))?;
    let address = listener.local_addr()?;
    tracing::info!("listening on http://{address}{BASE_PATH}");

    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            if let Err(error) = tokio::signal::ctrl_c().await {
                tracing::error!(%error, "failed to wait for Ctrl-C; stopping");
            }
        })
        .await?;
    tracing::info!("stopped");
    Ok(())
}
