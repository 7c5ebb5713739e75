//! Rust types for the payloads and headers of a document's messages.
//!
//! [`lower`] turns JSON Schema into a [`TypeSpace`], and [`emit`] writes it
//! out as Rust source.

mod cloudevent;
mod custom;
mod cycles;
mod derive;
pub mod emit;
mod lower;
pub mod names;
mod signature_headers;
pub mod space;

pub use custom::Customization;
pub use lower::Lowering;
pub use space::{TypeDetails, TypeEntry, TypeId, TypeRef, TypeSpace};

use crate::diagnostic::{Code, Diagnostic};
use crate::document::Document;
use crate::model::{AsyncApi, Location, Message, SchemaRef};

/// The types generated for one document.
#[derive(Debug)]
pub struct GeneratedTypes {
    /// Every type, in generation order.
    pub space: TypeSpace,
    /// The payload and headers types of each message.
    pub messages: Vec<MessageTypes>,
    /// Problems that kept a schema from becoming a precise type.
    pub diagnostics: Vec<Diagnostic>,
}

/// The types of one message.
#[derive(Debug)]
pub struct MessageTypes {
    /// Message key or name, as used for naming.
    pub name: String,
    /// Where the message is defined.
    pub location: Location,
    /// Type of the payload; `None` when the message has no payload.
    pub payload: Option<TypeRef>,
    /// Type of the headers; `None` when the message has no headers schema.
    pub headers: Option<TypeRef>,
}

/// Lowers the payload and headers schemas of every message in `api`
/// (channel messages first, then component messages) into one type space.
///
/// A payload in another schema format than JSON Schema becomes an error
/// diagnostic and no type; the model already warned about it during
/// validation, and generation needs it to be an error.
///
/// A headers struct leaves out the `webhook-timestamp` and
/// `webhook-signature` properties (in any case), which the runtime sets
/// when sending and verifies when receiving, unless a payload or another
/// type uses the same struct.
pub fn lower_messages(document: &Document, api: &AsyncApi) -> GeneratedTypes {
    lower_messages_with(document, api, &Customization::default())
}

/// Lowers like [`lower_messages`], with the schemas that `custom` replaces
/// lowered to their replacement types.
pub fn lower_messages_with(
    document: &Document,
    api: &AsyncApi,
    custom: &Customization,
) -> GeneratedTypes {
    let mut lowering = Lowering::with_customization(document, custom);
    let mut messages = Vec::new();
    let mut diagnostics = Vec::new();
    let mut seen = Vec::new();
    let mut candidates = Vec::new();
    let channel_messages = api.channels.values().flat_map(|c| c.messages.iter());
    for (key, message) in channel_messages.chain(api.components.messages.iter()) {
        let location = (message.location.file, message.location.pointer.clone());
        if seen.contains(&location) {
            continue;
        }
        seen.push(location);
        let name = message_name(key, message);
        let payload = lower_schema(
            &mut lowering,
            document,
            message.payload.as_ref(),
            &format!("{name}Payload"),
            &mut diagnostics,
        );
        let headers = lower_schema(
            &mut lowering,
            document,
            message.headers.as_ref(),
            &format!("{name}Headers"),
            &mut diagnostics,
        );
        candidates.extend(cloudevent::candidate(
            document,
            &name,
            message,
            payload.as_ref(),
        ));
        messages.push(MessageTypes {
            name,
            location: message.location.clone(),
            payload,
            headers,
        });
    }
    let (mut space, lowering_diagnostics) = lowering.finish();
    diagnostics.extend(lowering_diagnostics);
    diagnostics.extend(cloudevent::assign(document, &mut space, candidates));
    signature_headers::omit_signature_headers(&mut space, &messages);
    GeneratedTypes {
        space,
        messages,
        diagnostics,
    }
}

/// The name a message's types start with: its key under
/// `components/messages` when it is defined there (an identifier the author
/// chose for reference), otherwise its `name`, its `messageId` or its key
/// in the channel.
fn message_name(key: &str, message: &Message) -> String {
    if let [components, messages, component_key] = message.location.pointer.tokens() {
        if components == "components" && messages == "messages" {
            return component_key.clone();
        }
    }
    message
        .name
        .clone()
        .or_else(|| message.message_id.clone())
        .unwrap_or_else(|| key.to_owned())
}

fn lower_schema<'d>(
    lowering: &mut Lowering<'d>,
    document: &'d Document,
    schema: Option<&'d SchemaRef>,
    hint: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<TypeRef> {
    let schema = schema?;
    let node = schema.node(document)?;
    if !schema.is_json_schema() {
        let format = schema.schema_format.clone().unwrap_or_default();
        diagnostics.push(
            Diagnostic::error(
                Code::UnsupportedSchemaFormat,
                format!("cannot generate a type from schema format {format:?}; only JSON Schema payloads get types"),
            )
            .with_help("describe the payload with JSON Schema (the AsyncAPI schema format) to get a generated type")
            .at(schema.pointer.to_string(), node.span),
        );
        return None;
    }
    Some(lowering.add_root_node(schema.file, &schema.pointer, node, hint))
}
