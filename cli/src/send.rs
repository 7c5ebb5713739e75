//! `hookforge send --examples`: posts a document's example messages to a
//! running receiver, signed with Standard Webhooks headers.
//!
//! The receiver is the code generated for one side of the document, such
//! as a project from `hookforge new`. The operations sent are those the
//! side's generated router serves, read from its `Handler` trait, so an
//! operation that the generator skipped is not sent.

mod deliveries;

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::Args;
use hookforge::client::reqwest;
use hookforge::signing::{Signer, SigningKey};

use crate::load_args::LoadArgs;
use crate::side::{generate_side, Side};
use crate::surface::ReceivedOperation;
use deliveries::{deliveries, Delivery};

/// The help text after the options of `hookforge send`.
pub const AFTER_HELP: &str = "Each example of each message of the operations the side receives is
posted once, to URL followed by the channel address, with a new webhook-id
and the webhook-timestamp and webhook-signature headers. Headers in the
example are sent too, except those three and the ones that frame the
request (host, content-length, transfer-encoding, connection and the
other hop-by-hop headers). A channel parameter takes the
value given with --param, else the value at the parameter's `location` in
the example, else its default, first allowed value or first example.
Redirects are not followed: a 3xx response counts as a rejection.

Exit status:
  0  every example was accepted (2xx)
  1  an example was rejected or could not be sent, the document is
     invalid, or it has no example to send
  2  a usage error, a missing or invalid secret, or a document that could
     not be read";

/// Options of `hookforge send`.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// The AsyncAPI document the receiver was generated from.
    #[arg(value_name = "SPEC")]
    file: std::path::PathBuf,

    /// Send the example messages of the document (required: the only
    /// mode for now).
    #[arg(long, required = true)]
    examples: bool,

    /// The receiver's base URL, such as http://127.0.0.1:3000; each
    /// operation's channel address is appended to it.
    #[arg(long, value_name = "URL")]
    to: String,

    /// The side the receiver is: `consumer` receives the document's
    /// `send` operations, `provider` its `receive` operations.
    #[arg(long, value_enum, default_value_t = Side::Consumer)]
    side: Side,

    /// Environment variable that contains the Standard Webhooks secret to
    /// sign with (`whsec_...`, or `whsk_...` for Ed25519); several
    /// secrets separated by spaces sign with each.
    #[arg(long, value_name = "VAR", default_value = "HOOKFORGE_WEBHOOK_SECRET")]
    secret_env: String,

    /// Send only this operation's examples, by operation id. Repeatable.
    #[arg(long = "operation", value_name = "ID")]
    operations: Vec<String>,

    /// The value of a channel parameter, for every operation whose address
    /// has it; a name that no address has is an error. Repeatable.
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    params: Vec<(String, String)>,

    /// How long to wait for each response, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    timeout: u64,

    #[command(flatten)]
    load: LoadArgs,
}

fn parse_param(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_owned(), value.to_owned())),
        _ => Err(format!(
            "expected NAME=VALUE, such as tenantId=tnt_1, got {text:?}"
        )),
    }
}

/// Sends the examples and prints one line per request. Returns 0 when
/// every request got a 2xx response.
pub fn run(args: &SendArgs) -> ExitCode {
    let (signer, base, requests) = match prepare(args) {
        Ok(prepared) => prepared,
        Err(failure) => {
            eprintln!("hookforge: {}", failure.message);
            return ExitCode::from(failure.code);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("hookforge: cannot start the async runtime: {error}");
            return ExitCode::from(2);
        }
    };

    let timeout = Duration::from_secs(args.timeout.max(1));
    let failures = runtime.block_on(post_all(&base, &requests, &signer, timeout));
    println!(
        "{} sent, {} accepted, {failures} rejected or failed",
        requests.len(),
        requests.len() - failures
    );
    if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// An error message with the exit code it ends the command with.
struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    fn usage(message: String) -> Failure {
        Failure { code: 2, message }
    }
}

/// Reads the secret, checks the URL and builds the requests.
fn prepare(args: &SendArgs) -> Result<(Signer, String, Vec<Delivery>), Failure> {
    let signer = signer(&args.secret_env).map_err(Failure::usage)?;
    let base = base_url(&args.to).map_err(Failure::usage)?;
    let code = generate_side(
        &args.file,
        &args.load.load_options(),
        args.side,
        args.load.max_file_bytes,
    )
    .map_err(|error| Failure {
        code: error.exit_code(),
        message: error.to_string(),
    })?;

    let received = &code.surface.received;
    let selected = select(args, received)?;
    let params: BTreeMap<String, String> = args.params.iter().cloned().collect();
    check_params_used(&params, &selected)?;
    let (requests, skipped) = deliveries(&code.api, &selected, &params)
        .map_err(|error| Failure::usage(error.to_string()))?;
    for skip in &skipped {
        eprintln!(
            "hookforge: note: message `{}` of operation `{}` has no example payload; nothing sent for it",
            skip.message, skip.operation_id
        );
    }
    if requests.is_empty() {
        return Err(Failure {
            code: 1,
            message: format!(
                "{} has no example messages for the operations the {} receives ({}); add `examples` to their messages",
                args.file.display(),
                args.side,
                list(received)
            ),
        });
    }
    Ok((signer, base, requests))
}

/// Returns the operations `--operation` names, or every received one.
fn select<'a>(
    args: &SendArgs,
    received: &'a [ReceivedOperation],
) -> Result<Vec<&'a ReceivedOperation>, Failure> {
    let mut selected = Vec::new();
    for id in &args.operations {
        match received.iter().find(|op| &op.operation_id == id) {
            Some(op) => selected.push(op),
            None => {
                return Err(Failure::usage(format!(
                    "--operation {id:?} is not an operation that the {} of {} receives; it receives: {}",
                    args.side,
                    args.file.display(),
                    list(received)
                )))
            }
        }
    }
    if args.operations.is_empty() {
        selected = received.iter().collect();
    }
    if selected.is_empty() {
        return Err(Failure {
            code: 1,
            message: format!(
                "the {} of {} receives no HTTP operation, so there is nothing to send; try --side {}",
                args.side,
                args.file.display(),
                args.side.other()
            ),
        });
    }
    Ok(selected)
}

/// Rejects a `--param` that no selected operation's address contains,
/// such as a misspelt name, which would otherwise be ignored and leave the
/// parameter to the example's value.
fn check_params_used(
    params: &BTreeMap<String, String>,
    selected: &[&ReceivedOperation],
) -> Result<(), Failure> {
    for name in params.keys() {
        let placeholder = format!("{{{name}}}");
        if !selected.iter().any(|op| op.address.contains(&placeholder)) {
            let addresses = selected
                .iter()
                .map(|op| format!("`{}`", op.address))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(Failure::usage(format!(
                "--param {name}: no address of the selected operations has the parameter `{name}`; \
                 they are {addresses}"
            )));
        }
    }
    Ok(())
}

fn list(received: &[ReceivedOperation]) -> String {
    if received.is_empty() {
        return "nothing".to_owned();
    }
    received
        .iter()
        .map(|op| format!("`{}`", op.operation_id))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks `--to` and returns it without a trailing `/`, ready for a
/// channel address to be appended. A query or fragment is rejected,
/// because the address would land inside it instead of in the path.
fn base_url(to: &str) -> Result<String, String> {
    let url = reqwest::Url::parse(to).map_err(|error| {
        format!(
            "--to {to:?} is not a valid URL ({error}); give the receiver's base URL, such as http://127.0.0.1:3000"
        )
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "--to {to:?} is not an http:// or https:// URL; give the receiver's base URL, such as http://127.0.0.1:3000"
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "--to {to:?} has a query or fragment, which the channel address would be appended to; \
             give the base URL without `?` or `#`, such as http://127.0.0.1:3000/hooks"
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// Reads the signing secrets from the environment variable `name`.
fn signer(name: &str) -> Result<Signer, String> {
    let text = std::env::var(name).map_err(|_| {
        format!(
            "{name} is not set; export the receiver's Standard Webhooks secret (whsec_...), or name another variable with --secret-env"
        )
    })?;
    let mut keys = Vec::new();
    for secret in text.split_whitespace() {
        let key: SigningKey = secret.parse().map_err(|error| {
            format!("{name} does not contain a Standard Webhooks signing secret: {error}")
        })?;
        keys.push(key);
    }
    if keys.is_empty() {
        return Err(format!(
            "{name} is empty; export the receiver's Standard Webhooks secret"
        ));
    }
    Ok(Signer::new(keys))
}

/// Posts every request in order and returns how many failed.
async fn post_all(base: &str, requests: &[Delivery], signer: &Signer, timeout: Duration) -> usize {
    // Redirects are not followed: a 301 or 302 would turn the POST into a
    // GET without the body, whose 2xx would count as accepted, and a 307
    // would send the signed example to another host. Receivers answer
    // webhooks directly.
    // When the runtime's `tls` feature is on (as in a workspace build with
    // all features), reqwest has no crypto provider until one is installed,
    // and building a client without one panics.
    hookforge::client::install_crypto_provider();
    let client = match reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            eprintln!("hookforge: cannot create the HTTP client: {error}");
            return requests.len();
        }
    };
    let run_id = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis());
    let mut failures = 0;
    for (index, request) in requests.iter().enumerate() {
        let webhook_id = format!("msg_hookforge_send_{run_id}_{}", index + 1);
        let url = format!("{base}{}", request.path);
        let outcome = post(&client, &url, &webhook_id, request, signer).await;
        let label = format!(
            "{} {url} `{}` {} example {} (webhook-id {webhook_id})",
            request.http_method, request.operation_id, request.message, request.example
        );
        match outcome {
            Ok((status, body)) if status.is_success() => {
                println!("{label}: {status}");
                if !body.trim().is_empty() {
                    println!("  response: {}", truncate(body.trim(), 2000));
                }
            }
            Ok((status, body)) => {
                failures += 1;
                println!("{label}: {status}, rejected");
                if !body.trim().is_empty() {
                    println!("  response: {}", truncate(body.trim(), 2000));
                }
            }
            Err(error) => {
                failures += 1;
                println!("{label}: failed: {error}");
            }
        }
    }
    failures
}

/// Makes one signed request and returns the status and body.
async fn post(
    client: &reqwest::Client,
    url: &str,
    webhook_id: &str,
    request: &Delivery,
    signer: &Signer,
) -> Result<(reqwest::StatusCode, String), String> {
    let method = reqwest::Method::from_bytes(request.http_method.as_bytes())
        .map_err(|error| format!("invalid HTTP method {:?}: {error}", request.http_method))?;
    let signed = signer.sign_now(webhook_id, &request.body);
    let mut builder = client
        .request(method, url)
        .header("webhook-id", &signed.id)
        .header("webhook-timestamp", &signed.timestamp)
        .header("webhook-signature", &signed.signature);
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    let response = builder
        .body(request.body.clone())
        .send()
        .await
        .map_err(|error| error_chain(&error))?;
    let status = response.status();
    if status.is_redirection() {
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("nowhere");
        return Ok((
            status,
            format!("redirect to {location:?} not followed; give the receiver's own URL with --to"),
        ));
    }
    let body = read_prefix(response, MAX_RESPONSE_BYTES).await;
    Ok((status, body))
}

/// The maximum number of response body bytes read: more than the 2000
/// characters printed, and little enough memory whatever the receiver
/// sends.
const MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// Reads at most `max_bytes` of the body, as text with invalid UTF-8
/// replaced, and drops the rest with the connection. A body that fails
/// midway gives what arrived before the failure.
async fn read_prefix(mut response: reqwest::Response, max_bytes: usize) -> String {
    let mut bytes = Vec::new();
    while bytes.len() < max_bytes {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            Ok(None) | Err(_) => break,
        }
    }
    bytes.truncate(max_bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Joins an error with its sources, which name the actual cause (such as
/// "Connection refused").
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_owned(),
    }
}
