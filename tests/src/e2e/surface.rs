//! The typed API a generated module exposes, taken from the
//! [`ApiSummary`] that `hookforge_codegen::generate` returns next to the
//! code.
//!
//! The end-to-end driver calls generated client methods and implements the
//! generated `Handler` trait, so it needs their names and Rust types, written
//! as inside the generated module (the driver imports it with `use ...::*`).

use hookforge_codegen::apigen::{ApiSummary, MessageSummary, RustType, Transport};
use hookforge_codegen::model::Location;

/// One generated client or handler method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Method {
    /// The AsyncAPI operation id.
    pub operation_id: String,
    /// The Rust method name, as written (possibly `r#name`).
    pub name: String,
    /// The upper-case HTTP method of a received operation's route; `None`
    /// for a sent operation.
    pub http_method: Option<String>,
    /// The channel address, with `{parameter}` placeholders.
    pub address: String,
    /// The parameters struct of the channel, without `&`, when the
    /// operation's address has parameters.
    pub parameters: Option<String>,
    /// The Rust type of the message argument.
    pub message: String,
    /// The `Ok` type of the method's result.
    pub output: String,
}

/// One message of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// The Rust variant name in the operation's message enum; empty when
    /// the operation has one message and no enum.
    pub name: String,
    /// The event type: the message's name or key.
    pub event_type: String,
    /// Where the message is defined.
    pub location: Location,
    /// The Rust type the variant holds.
    pub ty: String,
    /// For a received message, its place in the order the route tries the
    /// messages of all its operations (see [`MessageSummary::rank`]).
    pub rank: Option<usize>,
}

/// A generated enum with one variant per message of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageEnum {
    /// The Rust enum name.
    pub name: String,
    /// Its variants in decoding order.
    pub variants: Vec<Variant>,
}

/// The HTTP API items of one generated module.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Surface {
    /// The name of the client struct, when there is one.
    pub client: Option<String>,
    /// Methods of the generated client, one per sent HTTP operation.
    pub sent: Vec<Method>,
    /// The name of the handler trait, when there is one.
    pub handler: Option<String>,
    /// Methods of the handler trait, one per received HTTP operation.
    pub received: Vec<Method>,
    /// The messages of every HTTP operation, by operation id, in decoding
    /// order.
    pub messages: Vec<(String, Vec<Variant>)>,
    /// The message enums, by name.
    pub enums: Vec<MessageEnum>,
}

impl Surface {
    /// Takes the HTTP operations of `summary`.
    pub fn from_summary(summary: &ApiSummary) -> Self {
        let mut surface = Surface {
            client: summary.client.clone(),
            handler: summary.handler.clone(),
            ..Surface::default()
        };
        let sent = summary
            .sent
            .iter()
            .filter(|op| op.transport == Transport::Http);
        for op in sent {
            let output = op.reply.as_ref().map_or_else(
                || "::hookforge::client::Accepted".to_owned(),
                ToString::to_string,
            );
            surface.sent.push(Method {
                operation_id: op.operation_id.clone(),
                name: op.method.clone(),
                http_method: None,
                address: op.address.clone(),
                parameters: op.parameters.as_ref().map(ToString::to_string),
                message: op.message.to_string(),
                output,
            });
            surface.add_messages(&op.operation_id, &op.message, &op.messages);
        }
        let received = summary
            .received
            .iter()
            .filter(|op| op.transport == Transport::Http);
        for op in received {
            let output = op
                .reply
                .as_ref()
                .map_or_else(|| "()".to_owned(), ToString::to_string);
            surface.received.push(Method {
                operation_id: op.operation_id.clone(),
                name: op.method.clone(),
                http_method: op.http_method.clone(),
                address: op.address.clone(),
                parameters: op.parameters.as_ref().map(ToString::to_string),
                message: op.message.to_string(),
                output,
            });
            surface.add_messages(&op.operation_id, &op.message, &op.messages);
        }
        surface
    }

    fn add_messages(
        &mut self,
        operation_id: &str,
        message: &RustType,
        messages: &[MessageSummary],
    ) {
        let variants: Vec<Variant> = messages
            .iter()
            .map(|m| Variant {
                name: m.variant.clone().unwrap_or_default(),
                event_type: m.event_type.clone(),
                location: m.location.clone(),
                ty: m.ty.to_string(),
                rank: m.rank,
            })
            .collect();
        let is_enum = messages.iter().any(|m| m.variant.is_some());
        let name = message.to_string();
        if is_enum && self.message_enum(&name).is_none() {
            self.enums.push(MessageEnum {
                name,
                variants: variants.clone(),
            });
        }
        self.messages.push((operation_id.to_owned(), variants));
    }

    /// Finds the message enum named `name`.
    pub fn message_enum(&self, name: &str) -> Option<&MessageEnum> {
        self.enums.iter().find(|e| e.name == name)
    }

    /// Finds the client method of `operation_id`.
    pub fn sent_method(&self, operation_id: &str) -> Option<&Method> {
        self.sent.iter().find(|m| m.operation_id == operation_id)
    }

    /// Finds the handler method of `operation_id`.
    pub fn received_method(&self, operation_id: &str) -> Option<&Method> {
        self.received
            .iter()
            .find(|m| m.operation_id == operation_id)
    }

    /// Returns the messages of every received operation on the route of
    /// `operation_id` (same HTTP method and address), with their operation
    /// ids, in the order the router tries them. Messages that the route
    /// hands to another operation are left out.
    pub fn route_messages(&self, operation_id: &str) -> Vec<(&str, &Variant)> {
        let Some(method) = self.received_method(operation_id) else {
            return Vec::new();
        };
        let mut found: Vec<(&str, &Variant)> = self
            .received
            .iter()
            .filter(|other| {
                other.http_method == method.http_method && other.address == method.address
            })
            .flat_map(|other| {
                let variants = self
                    .messages
                    .iter()
                    .find(|(id, _)| *id == other.operation_id)
                    .map(|(_, variants)| variants.as_slice())
                    .unwrap_or_default();
                variants
                    .iter()
                    .filter(|variant| variant.rank.is_some())
                    .map(|variant| (other.operation_id.as_str(), variant))
            })
            .collect();
        found.sort_by_key(|(_, variant)| variant.rank);
        found
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use hookforge_codegen::options::{GenerateOptions, Perspective};

    use super::Surface;

    fn surface(perspective: Perspective) -> Surface {
        let options = GenerateOptions {
            perspective,
            ..GenerateOptions::default()
        };
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/api/shared_route.yaml");
        let generated = hookforge_codegen::generate(&fixture, &options);
        let summary = generated.api.expect("the fixture generates code");
        Surface::from_summary(&summary)
    }

    #[test]
    fn sent_methods_from_summary() {
        let surface = surface(Perspective::Application);
        assert_eq!(surface.client.as_deref(), Some("Client"));
        let note = surface.sent_method("postNote").expect("postNote is sent");
        assert_eq!(note.name, "post_note");
        assert_eq!(note.parameters.as_deref(), Some("NotesParameters"));
        assert_eq!(note.message, "PostNoteMessage");
        assert_eq!(note.output, "::hookforge::client::Accepted");
        let query = surface
            .sent_method("queryStock")
            .expect("queryStock is sent");
        assert_eq!(query.output, "StockLevelPayload");
        let message_enum = surface
            .message_enum("PostNoteMessage")
            .expect("postNote has an enum");
        let variants: Vec<(&str, &str)> = message_enum
            .variants
            .iter()
            .map(|v| (v.name.as_str(), v.event_type.as_str()))
            .collect();
        assert_eq!(variants, [("Alert", "alert"), ("Note", "note")]);
    }

    #[test]
    fn route_messages_span_operations() {
        let surface = surface(Perspective::Mirror);
        assert_eq!(surface.handler.as_deref(), Some("Handler"));
        let query = surface
            .received_method("queryStock")
            .expect("queryStock is received");
        assert_eq!(query.output, "StockLevelPayload");
        assert_eq!(query.http_method.as_deref(), Some("POST"));
        let order: Vec<(&str, &str)> = surface
            .route_messages("postNote")
            .into_iter()
            .map(|(operation, variant)| (operation, variant.event_type.as_str()))
            .collect();
        assert_eq!(
            order,
            [
                ("postNote", "alert"),
                ("queryStock", "stockQuery"),
                ("postNote", "note")
            ]
        );
    }
}
