//! Typed senders and receivers for a document's HTTP and NATS operations,
//! written after the message types.
//!
//! The [`Perspective`] decides the direction: for
//! [`Perspective::Application`] a `send` operation (a 2.x `subscribe`)
//! becomes a client method and a `receive` operation (a 2.x `publish`) a
//! handler method; [`Perspective::Mirror`] swaps them. The generated code
//! names everything through `::hookforge`, whose default features (`api`
//! and `nats`) it needs.
//!
//! # Transports
//!
//! The servers of an operation's channel choose its transport: the servers
//! the channel lists, or every server of the document when it lists none.
//! No server, or only `http` and `https` servers, is HTTP; only `nats`
//! servers is NATS. A channel with a server of any other protocol, or with
//! both HTTP and NATS servers, gets no code (see below).
//!
//! # Generated items
//!
//! - `<Channel>Parameters`, per channel with address parameters: one
//!   `String` field per parameter, or a generated enum
//!   (`<Channel><Parameter>`) when the parameter lists allowed values;
//!   `ADDRESS` and `from_segments()`, plus `address()` (values
//!   percent-encoded as path segments) on an HTTP channel, or `SUBJECT`
//!   and `subject()` on a NATS channel.
//! - The message type of an operation: the payload type for one message
//!   without headers, `::hookforge::api::Message<Payload, Headers>` for one
//!   with a headers schema, and `enum <Operation>Message` with one variant
//!   per message when there are several. A reply is typed the same way as
//!   `<Operation>Reply`; reply headers are not carried.
//! - `Client<S>` over a `WebhookSender<S>` and a base URL: one `async`
//!   method per sent HTTP operation taking `&<Channel>Parameters` (when
//!   the channel has parameters) and the message, returning `Accepted`. A
//!   request/reply operation bypasses the outbox through a `RequestSender`
//!   (`Client::with_requester`) and returns the decoded reply.
//! - `trait Handler` with one method per received HTTP operation, and
//!   `router(handler, receiver) -> axum::Router`: the route is the channel
//!   address with the method of the http operation binding (POST by
//!   default). A parameter outside its allowed values gets 404 before the
//!   signature is checked. A payload that fails its schema or does not
//!   decode gets 400 with the errors as JSON. With several messages, each
//!   is tried in turn, closed structs with more required properties first,
//!   so a `const` or discriminator property that differs between them
//!   selects the message.
//!
//! # Shared routes
//!
//! Received HTTP operations with the same method and route share one axum
//! route. Its private decoder (`decode_<method>_<path>_route`) tries the
//! messages of all of them in one order, the most specific first as above,
//! and returns a private enum (`<Method><Path>Route`) with one variant per
//! operation; the route calls the handler method of the operation whose
//! message matched, and each keeps its own reply type. One route reads one
//! parameters struct, so an operation joins it only with the same address
//! and the same allowed values per parameter as the route's first
//! operation: channels with the same address and parameter values share one
//! `<Channel>Parameters` struct, named after the first channel. Addresses
//! that differ only in parameter names (`/a/{x}` and `/a/{y}`) are left
//! out rather than merged, because the two channels would give the same
//! path segment different names. A message that several operations on the
//! route list reaches the first of them, with a warning for the others.
//! The sending perspective applies the same rules, so it writes a client
//! method for exactly the operations that the receiver serves. Received
//! NATS operations with the same subject filter share one branch of the
//! dispatcher and one entry of `NATS_SUBJECTS` under the same rules.
//! - `NatsClient<T>` over any `::hookforge::transport::Transport` (such as
//!   `NatsTransport`): one `async` method per sent NATS operation, taking
//!   the parameters and the message like `Client`, and returning the
//!   published `::hookforge::api::nats::Envelope`. `NatsClient::publish`
//!   publishes an envelope again with the same id, which the stream and
//!   the receiver deduplicate.
//! - `trait NatsHandler` with one method per received NATS operation,
//!   `NATS_SUBJECTS` (the subject filters to subscribe to), and
//!   `nats_dispatcher(handler)` and `receive_nats(handler, receiver,
//!   subscription, shutdown)`, which run on the runtime's `NatsReceiver`.
//!   The receiver verifies the signature and deduplicates by `webhook-id`.
//!   Then the dispatcher picks the first operation whose subject matches
//!   and reads the parameters from the subject tokens. It validates and
//!   decodes the payload as the router does, and calls the method. A message that
//!   matches no operation or does not decode, and a handler's
//!   `HandlerError::Reject`, terminate the message; other handler errors
//!   have JetStream redeliver it.
//! - `mod servers`: one function per `http`, `https` or `nats` server
//!   returning its URL, with variable defaults filled in and a `&str`
//!   argument per variable without a default.
//!
//! # NATS subjects
//!
//! A NATS channel's address is read as the runtime's `subject_for_address`
//! reads it: one leading `/` is dropped, and `/` and `.` separate tokens,
//! so `/fleet/{id}/telemetry` is the subject `fleet.{id}.telemetry`. Each
//! parameter must be a whole token. At run time, `subject()` rejects a
//! value that is empty or contains `.`, `/`, `*`, `>`, whitespace or a control
//! character with `NatsClientError::Parameter`, rather than encoding it, so
//! that every NATS client reads the subject the same way.
//!
//! # Operations left out
//!
//! Some operations get no code, only a warning with code
//! `unsupported-operation`. That happens when a server of the channel
//! uses a protocol without a transport (anything but `http`, `https` and
//! `nats`), or the channel is on both HTTP and NATS servers. It also
//! happens when the channel has no address or a message has a content
//! type other than JSON, or the operation cannot join a shared route or
//! subject filter (see above): on both sides, when its address or
//! parameter values differ from those of the first operation there, or
//! every message of it belongs to an earlier operation there. For HTTP,
//! also when the address is not a path with whole-segment parameters, or
//! a sent operation uses another HTTP method than POST. For NATS, also
//! when the address is not a subject with whole-token parameters, or the
//! operation expects a reply (NATS request/reply is not generated). Its
//! message types are generated all the same.
//!
//! The operations left out for their protocol are also listed in a comment
//! block at the end of the generated code, naming each protocol. The code
//! gets no item for them, so it compiles without warnings; the build
//! script of [`crate::builder`] prints the warnings as `cargo:warning=`
//! lines, and `hookforge generate` prints them on stderr.
//!
//! Received payloads are validated against their message's JSON Schema
//! (bundled by [`crate::bundle::schema_json`] and embedded as a string)
//! before they are decoded; headers are checked by decoding only.
//!
//! A client method fills an empty correlation id with
//! `::hookforge::api::new_correlation_id()` (a UUID v7) when the message's
//! `correlationId` points to a top-level string header
//! (`$message.header#/<name>`). NOTE: an id in the payload, in a nested
//! header or in a non-string header is left to the caller.
//!
//! A content type of `json` alone, which some documents use, is read as
//! `application/json`.
//!
//! # Summary
//!
//! Next to the code, [`generate_api`] returns an [`ApiSummary`]: each
//! client and handler method with its operation id, transport, route,
//! Rust types and messages (for a received message, its place in the
//! order its route tries them), for tools that write code against the
//! generated module (such as the `hookforge new` scaffold) without parsing
//! it.

mod emit;
mod emit_nats;
mod emit_route;
mod plan;
mod routes;
mod summary;
mod transport;

#[cfg(test)]
mod summary_tests;
#[cfg(test)]
mod tests;

use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::model::AsyncApi;
use crate::options::Perspective;
use crate::typegen::GeneratedTypes;

pub use summary::{ApiSummary, MessageSummary, ReceivedOperation, RustType, SentOperation};
pub use transport::Transport;

/// The API code of a document.
#[derive(Debug)]
pub struct GeneratedApi {
    /// Formatted Rust items, to append after the types, followed by the
    /// comment block of operations left out for their protocol. Empty when
    /// no operation gets code or is left out for its protocol, and the
    /// document has no HTTP or NATS server.
    pub code: String,
    /// Warnings for operations left out.
    pub diagnostics: Vec<Diagnostic>,
    /// The methods of the generated clients and handlers, for tools that
    /// write code against them.
    pub summary: ApiSummary,
}

/// Generates the clients, handlers, router, dispatcher, parameters and
/// servers of the operations in `api`, referring to the message types in
/// `types`.
///
/// # Example
///
/// ```
/// use std::path::Path;
/// use hookforge_codegen::{apigen, document::LoadOptions, options::Perspective, typegen};
///
/// let text = r#"
/// asyncapi: 3.0.0
/// info: {title: Orders, version: '1'}
/// channels:
///   orders:
///     address: /orders/{orderId}
///     parameters:
///       orderId: {}
///     messages:
///       placed:
///         payload: {type: object, properties: {total: {type: integer}}}
/// operations:
///   orderPlaced:
///     action: send
///     channel: {$ref: '#/channels/orders'}
/// "#;
/// let validation = hookforge_codegen::validate_text(Path::new("orders.yaml"), text, LoadOptions::default());
/// let document = validation.document.as_ref().expect("the document parses");
/// let api = validation.model().expect("the version is supported");
/// let types = typegen::lower_messages(document, &api);
///
/// let sender = apigen::generate_api(document, &api, &types, Perspective::Application);
/// assert!(sender.code.contains("pub async fn order_placed("));
/// assert!(sender.code.contains("pub struct OrdersParameters"));
/// let sent = &sender.summary.sent[0];
/// assert_eq!(sent.method, "order_placed");
/// assert_eq!(sent.parameters.as_ref().map(|ty| ty.to_string()).as_deref(), Some("OrdersParameters"));
///
/// let receiver = apigen::generate_api(document, &api, &types, Perspective::Mirror);
/// assert!(receiver.code.contains("pub trait Handler"));
/// assert!(receiver.code.contains("\"/orders/{p0}\""));
/// ```
pub fn generate_api(
    document: &Document,
    api: &AsyncApi,
    types: &GeneratedTypes,
    perspective: Perspective,
) -> GeneratedApi {
    let mut diagnostics = Vec::new();
    let plan = plan::plan(document, api, types, perspective, &mut diagnostics);
    let tokens = emit::items(&plan);
    let mut code = if tokens.is_empty() {
        String::new()
    } else {
        match syn::parse2::<syn::File>(tokens.clone()) {
            Ok(file) => prettyplease::unparse(&file),
            // NOTE: unreachable unless the emitter builds invalid tokens;
            // the raw tokens still compile-check.
            Err(_) => tokens.to_string(),
        }
    };
    code.push_str(&unsupported_comment(&plan.unsupported));
    GeneratedApi {
        code,
        diagnostics,
        summary: summary::summarize(&plan, types),
    }
}

/// Writes the comment block that lists the operations left out for their
/// protocol, or nothing when there are none.
fn unsupported_comment(operations: &[plan::UnsupportedOperation]) -> String {
    if operations.is_empty() {
        return String::new();
    }
    let mut text = String::from(
        "\n// Operations without generated code: Hookforge has no transport for\n\
         // their protocol (see the `unsupported-operation` warnings).\n",
    );
    for operation in operations {
        let side = if operation.sends { "sent" } else { "received" };
        text.push_str(&format!(
            "// - `{}` ({side}): protocol `{}`\n",
            operation.operation_id.replace(['\n', '\r'], " "),
            operation.protocol.replace(['\n', '\r'], " ")
        ));
    }
    text
}
