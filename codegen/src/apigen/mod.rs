//! Typed senders and receivers for a document's HTTP operations, written
//! after the message types.
//!
//! The [`Perspective`] decides the direction: for
//! [`Perspective::Application`] a `send` operation (a 2.x `subscribe`)
//! becomes a client method and a `receive` operation (a 2.x `publish`) a
//! handler method; [`Perspective::Mirror`] swaps them. The generated code
//! names everything through `::hookforge`, whose `api` feature it needs.
//!
//! # Generated items
//!
//! - `<Channel>Parameters`, per channel with address parameters: one
//!   `String` field per parameter, or a generated enum
//!   (`<Channel><Parameter>`) when the parameter lists allowed values;
//!   `ADDRESS`, `address()` (values percent-encoded as path segments) and
//!   `from_segments()` for the router.
//! - The message type of an operation: the payload type for one message
//!   without headers, `::hookforge::api::Message<Payload, Headers>` for one
//!   with a headers schema, and `enum <Operation>Message` with one variant
//!   per message when there are several. A reply is typed the same way as
//!   `<Operation>Reply`; reply headers are not carried.
//! - `Client<S>` over a `WebhookSender<S>` and a base URL: one `async`
//!   method per sent operation taking `&<Channel>Parameters` (when the
//!   channel has parameters) and the message, returning `Accepted`. A
//!   request/reply operation bypasses the outbox through a `RequestSender`
//!   (`Client::with_requester`) and returns the decoded reply.
//! - `trait Handler` with one method per received operation, and
//!   `router(handler, receiver) -> axum::Router`: the route is the channel
//!   address with the method of the http operation binding (POST by
//!   default). A parameter outside its allowed values gets 404 before the
//!   signature is checked. A payload that fails its schema or does not
//!   decode gets 400 with the errors as JSON. With several messages, each
//!   is tried in turn, closed structs with more required properties first,
//!   so a `const` or discriminator property that differs between them
//!   selects the message.
//! - `mod servers`: one function per `http` or `https` server returning its
//!   URL, with variable defaults filled in and a `&str` argument per
//!   variable without a default.
//!
//! # Operations left out
//!
//! An operation gets no code, and a warning with code
//! `unsupported-operation`, when a server of its channel uses another
//! protocol than HTTP (see the `transport` module), its channel has no address or an
//! address that is not a path with whole-segment parameters, a message
//! has a content type other than JSON, a sent operation uses another HTTP
//! method than POST, or a received one repeats the method and path of an
//! earlier one. Its message types are generated all the same.
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

mod emit;
mod plan;
mod transport;

#[cfg(test)]
mod tests;

use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::model::AsyncApi;
use crate::options::Perspective;
use crate::typegen::GeneratedTypes;

/// The API code of a document.
#[derive(Debug)]
pub struct GeneratedApi {
    /// Formatted Rust items, to append after the types; empty when no
    /// operation gets code and the document has no HTTP server.
    pub code: String,
    /// Warnings for operations left out.
    pub diagnostics: Vec<Diagnostic>,
}

/// Generates the client, handler, router, parameters and servers of the
/// operations in `api`, referring to the message types in `types`.
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
    let code = if tokens.is_empty() {
        String::new()
    } else {
        match syn::parse2::<syn::File>(tokens.clone()) {
            Ok(file) => prettyplease::unparse(&file),
            // NOTE: unreachable unless the emitter builds invalid tokens;
            // the raw tokens still compile-check.
            Err(_) => tokens.to_string(),
        }
    };
    GeneratedApi { code, diagnostics }
}
