//! The `hookforge` command-line tool: parsing and dispatch.
//!
//! Exit codes: 0 when every file is valid (warnings allowed), 1 when any
//! file is invalid, 2 on a usage error or when a file cannot be read.

mod bundle;
mod dlq;
mod generate;
mod load_args;
mod new;
mod scaffold;
mod send;
mod side;
mod surface;
mod validate;
mod webhook;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Tools for AsyncAPI documents.
#[derive(Debug, Parser)]
#[command(name = "hookforge", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The exit codes, shown under `hookforge validate --help`.
const EXIT_STATUS: &str = "Exit status:
  0  every file is valid (warnings allowed unless --deny-warnings)
  1  a file is invalid
  2  a usage error, or a file could not be read";

#[derive(Debug, Subcommand)]
enum Command {
    /// Check AsyncAPI 2.0-2.6 and 3.0-3.1 documents and report every
    /// problem with its location.
    #[command(after_help = EXIT_STATUS)]
    Validate(validate::ValidateArgs),
    /// Write a document split over several files as one file, with the
    /// objects of the other files moved into `components`.
    #[command(after_help = bundle::EXIT_STATUS)]
    Bundle(bundle::BundleArgs),
    /// Generate Rust types for the payloads and headers of a document's
    /// messages.
    Generate(generate::GenerateArgs),
    /// Sign or verify webhooks with Standard Webhooks signatures.
    Webhook(webhook::WebhookArgs),
    /// List, inspect, replay or purge the dead letters of a sender's
    /// outbox.
    Dlq(dlq::DlqArgs),
    /// Create a cargo project that receives a document's webhooks: the
    /// provider, the consumer or both sides.
    #[command(after_help = new::AFTER_HELP)]
    New(new::NewArgs),
    /// Post a document's example messages, signed, to a running receiver
    /// such as a project from `hookforge new`.
    #[command(after_help = send::AFTER_HELP)]
    Send(send::SendArgs),
}

/// Parses the command line and runs the requested command. Usage errors
/// print clap's message and exit with code 2.
fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Validate(args) => validate::run(&args),
        Command::Bundle(args) => bundle::run(&args),
        Command::Generate(args) => generate::run(&args),
        Command::Webhook(args) => webhook::run(&args),
        Command::Dlq(args) => dlq::run(&args),
        Command::New(args) => new::run(&args),
        Command::Send(args) => send::run(&args),
    }
}
