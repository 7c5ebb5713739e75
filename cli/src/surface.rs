//! The HTTP clients and handlers of one side's generated code, which the
//! `hookforge new` scaffold implements and `hookforge send` posts to.
//!
//! The generator returns them as an [`ApiSummary`] next to the code.
//! Its type names are written as inside the generated module: qualify
//! them with [`API_MODULE`] through
//! [`RustType::qualified`](hookforge_codegen::apigen::RustType::qualified)
//! for code outside it.

use hookforge_codegen::apigen::Transport;
pub use hookforge_codegen::apigen::{ApiSummary, ReceivedOperation, SentOperation};

/// The module name the scaffolded project includes the generated code as,
/// so its types read `api::Order`.
pub const API_MODULE: &str = "api";

/// Returns the HTTP part of `summary`: its HTTP operations, client and
/// handler. The scaffolded project serves only the HTTP router, and
/// `hookforge send` posts over HTTP, so NATS operations are left out.
pub fn http_only(summary: &ApiSummary) -> ApiSummary {
    ApiSummary {
        received: summary
            .received
            .iter()
            .filter(|op| op.transport == Transport::Http)
            .cloned()
            .collect(),
        sent: summary
            .sent
            .iter()
            .filter(|op| op.transport == Transport::Http)
            .cloned()
            .collect(),
        client: summary.client.clone(),
        handler: summary.handler.clone(),
        nats_client: None,
        nats_handler: None,
        uses_cloudevents: summary.uses_cloudevents,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use hookforge_codegen::apigen::{self, Transport};
    use hookforge_codegen::document::LoadOptions;
    use hookforge_codegen::options::Perspective;
    use hookforge_codegen::typegen;

    use super::http_only;

    /// A document with one HTTP and one NATS operation in each direction.
    const MIXED: &str = "asyncapi: 3.0.0
info: {title: T, version: '1'}
servers:
  web: {host: 'example.com', protocol: https}
  broker: {host: 'localhost:4222', protocol: nats}
channels:
  hooks:
    address: /hooks
    servers: [{$ref: '#/servers/web'}]
    messages:
      hook: {payload: {type: object}}
  events:
    address: events
    servers: [{$ref: '#/servers/broker'}]
    messages:
      event: {payload: {type: object}}
operations:
  receiveHook: {action: receive, channel: {$ref: '#/channels/hooks'}}
  sendHook: {action: send, channel: {$ref: '#/channels/hooks'}}
  receiveEvent: {action: receive, channel: {$ref: '#/channels/events'}}
  sendEvent: {action: send, channel: {$ref: '#/channels/events'}}
";

    #[test]
    fn http_only_drops_nats_operations() {
        let validation =
            hookforge_codegen::validate_text(Path::new("doc.yaml"), MIXED, LoadOptions::default());
        assert!(validation.is_valid(), "{:?}", validation.diagnostics);
        let document = validation.document.as_ref().expect("document");
        let api = validation.model().expect("model");
        let types = typegen::lower_messages(document, &api);
        let summary =
            apigen::generate_api(document, &api, &types, Perspective::Application).summary;
        assert_eq!(summary.received.len(), 2, "{summary:?}");
        assert_eq!(summary.sent.len(), 2, "{summary:?}");

        let http = http_only(&summary);
        let received: Vec<&str> = http
            .received
            .iter()
            .map(|op| op.operation_id.as_str())
            .collect();
        let sent: Vec<&str> = http
            .sent
            .iter()
            .map(|op| op.operation_id.as_str())
            .collect();
        assert_eq!(received, ["receiveHook"]);
        assert_eq!(sent, ["sendHook"]);
        assert!(http
            .received
            .iter()
            .all(|op| op.transport == Transport::Http));
        assert_eq!(http.handler.as_deref(), Some("Handler"));
        assert_eq!(http.client.as_deref(), Some("Client"));
        assert_eq!(http.nats_handler, None);
        assert_eq!(http.nats_client, None);
    }
}
