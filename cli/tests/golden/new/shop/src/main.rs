//! The provider and consumer of "shop" 0.1.0.
//!
//! `cargo run` starts a receiver for each side: every webhook is
//! checked against the Standard Webhooks secret in `HOOKFORGE_WEBHOOK_SECRET`,
//! decoded into the types generated from `asyncapi.yaml`, and printed.
//! See README.md for the settings and for sending the document's example
//! messages.

mod config;
mod consumer;
mod provider;

use std::net::SocketAddr;
use std::process::ExitCode;

use hookforge::api::axum::Router;

#[tokio::main]
async fn main() -> ExitCode {
    let config = match config::Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let provider = provider::router(config.verifier.clone());
    let consumer = consumer::router(config.verifier.clone());
    let served = tokio::try_join!(
        serve("provider", config.provider_addr, provider),
        serve("consumer", config.consumer_addr, consumer),
    );
    match served {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Serves `router` on `addr` until Ctrl-C.
async fn serve(side: &str, addr: SocketAddr, router: Router) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|error| format!("cannot listen on {addr} for the {side}: {error}"))?;
    let local = listener
        .local_addr()
        .map_err(|error| format!("cannot read the {side}'s address: {error}"))?;
    println!("{side} listening on http://{local}");
    hookforge::api::axum::serve(listener, router)
        .with_graceful_shutdown(async {
            // An error means no Ctrl-C handler could be installed; the
            // server then runs until the process is stopped.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        })
        .await
        .map_err(|error| format!("the {side}'s server failed: {error}"))?;
    println!("{side} stopped");
    Ok(())
}
