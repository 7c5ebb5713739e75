//! Which corpus documents the end-to-end suite runs, and which example
//! messages it sends for each.
//!
//! A document qualifies when it is usable (labelled valid with a passing
//! schema check, or unlabelled) and declares AsyncAPI 2.x or 3.0. It must
//! also generate code in both perspectives, and its Application client
//! must have a method (an HTTP `send` operation) with a message to send.
//! A message without examples gets one value built from its schema (see
//! [`super::synth`]) when the schema is simple.
//! A request/reply operation is sent directly, and its handler returns a
//! reply example or a value built from the reply's schema.

use std::collections::HashSet;
use std::path::Path;

use hookforge::validation::PayloadSchema;
use hookforge_codegen::bundle;
use hookforge_codegen::diagnostic::Code;
use hookforge_codegen::model::{Action, Message, MessageExample};
use hookforge_codegen::options::{GenerateOptions, Perspective};
use hookforge_codegen::{generate, validate_file};
use serde_json::Value;

use super::surface::{Method, Surface, Variant};
use super::synth::Synthesizer;
use crate::corpus::corpus_load_options;
use crate::manifest::{Row, Validity};

/// The AsyncAPI major line of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Line {
    /// 2.0 to 2.6.
    V2,
    /// 3.0.x.
    V3,
}

impl Line {
    /// Reads the line from the manifest's version column; `None` for 1.x,
    /// 3.1 and odd values.
    pub fn of(version: &str) -> Option<Self> {
        if version.starts_with("2.") {
            Some(Self::V2)
        } else if version.starts_with("3.0.") {
            Some(Self::V3)
        } else {
            None
        }
    }
}

/// One example message to send through a client method.
#[derive(Debug, Clone)]
pub struct Send {
    /// `message key or name, example index`, for reports.
    pub label: String,
    /// The client method of the operation.
    pub method: Method,
    /// Whether the value was built from the schema because the message
    /// has no example.
    pub synthesized: bool,
    /// The operation whose handler method the router calls for it: the
    /// operation of the first message on the route, in decoding order,
    /// whose payload schema accepts it. It differs from the sending
    /// operation when the schemas of operations that share a route do not
    /// tell their messages apart.
    pub arrives_at: String,
    /// The event type of that message. It differs from `event_type` when
    /// the document's schemas do not tell the messages apart.
    pub arrives_as: String,
    /// The header that carries the message's correlation id, which the
    /// client fills with a new id when the example leaves it out.
    pub correlation_header: Option<String>,
    /// The event type: the message's name or key.
    pub event_type: String,
    /// The enum variant the example belongs to, when the operation has
    /// several messages.
    pub variant: Option<String>,
    /// Whether the message type is `::hookforge::api::Message<P, H>`.
    pub with_headers: bool,
    /// The reply the handler returns, for a request/reply operation, which
    /// the client sends directly rather than through the outbox.
    pub reply: Option<Value>,
    /// The values of the channel parameters, in address order.
    pub parameters: Vec<String>,
    /// The example payload, completed from the schema when the example has
    /// none (`null` when the message has no payload schema either).
    pub payload: Value,
    /// The example headers, when the message has a headers type (`{}`
    /// when the example has none).
    pub headers: Option<Value>,
}

/// A document that qualifies, with the code of both perspectives.
#[derive(Debug, Clone)]
pub struct Document {
    /// Path inside the corpus folder.
    pub local_path: String,
    /// 2.x or 3.0.
    pub line: Line,
    /// Application-perspective code (sends the document's `send`
    /// operations).
    pub application: String,
    /// Mirror-perspective code (receives them).
    pub mirror: String,
    /// The sending side's client.
    pub application_surface: Surface,
    /// The receiving side's handler methods and enums.
    pub mirror_surface: Surface,
    /// The reply the handler returns, by operation id.
    pub replies: Vec<(String, Value)>,
    /// The channel address of every operation, by operation id.
    pub addresses: Vec<(String, String)>,
    /// The examples to send.
    pub sends: Vec<Send>,
    /// Examples of sent operations that are not sent, with the reason.
    pub not_sent: Vec<String>,
}

/// Returns whether a manifest row is a usable 2.x or 3.0 document.
pub fn usable(row: &Row) -> bool {
    let labelled_valid = row.validity == Validity::Valid && row.schema_check.starts_with("pass");
    row.is_document()
        && Line::of(&row.asyncapi_version).is_some()
        && (labelled_valid || row.validity == Validity::Unknown)
}

/// Generates both perspectives of the document at `path` and plans its
/// sends. `None` when it does not qualify.
pub fn plan(corpus: &Path, row: &Row) -> Option<Document> {
    let line = Line::of(&row.asyncapi_version)?;
    let path = corpus.join(&row.local_path);
    let validation = validate_file(&path, corpus_load_options());
    if !validation.is_valid() {
        return None;
    }
    let document = validation.document.as_ref()?;
    let api = validation.model()?;
    if !api.operations.values().any(|op| op.action == Action::Send) {
        return None;
    }
    let generate_side = |perspective| {
        let options = GenerateOptions {
            load: corpus_load_options(),
            perspective,
            ..GenerateOptions::default()
        };
        let generated = generate(&path, &options);
        let surface = Surface::from_summary(generated.api.as_ref()?);
        Some((generated.code?, surface))
    };
    let (application, app_surface) = generate_side(Perspective::Application)?;
    if app_surface.sent.is_empty() {
        return None;
    }
    let (mirror, mirror_surface) = generate_side(Perspective::Mirror)?;
    let all_messages: Vec<&Message> = api
        .channels
        .values()
        .flat_map(|channel| channel.messages.values())
        .collect();
    let mismatched: HashSet<String> = validation
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::ExampleMismatch)
        .map(|d| d.pointer.clone())
        .collect();

    let mut sends = Vec::new();
    let mut not_sent = Vec::new();
    let mut replies = Vec::new();
    let mut synthesizer = Synthesizer::default();
    for (id, operation) in &api.operations {
        if operation.action != Action::Send {
            continue;
        }
        let (Some(method), Some(channel)) = (
            app_surface.sent_method(id),
            api.channels.get(&operation.channel),
        ) else {
            continue;
        };
        let reply = if method.output == "::hookforge::client::Accepted" {
            None
        } else {
            match reply_value(document, &api, operation, &mismatched, &mut synthesizer) {
                Ok(value) => {
                    replies.push((id.clone(), value.clone()));
                    Some(value)
                }
                Err(reason) => {
                    not_sent.push(format!("{id}: no reply to return: {reason}"));
                    continue;
                }
            }
        };
        let parameters: Vec<String> = placeholders(channel.address.as_deref().unwrap_or(""))
            .iter()
            .map(|name| parameter_value(channel.parameters.get(name), name))
            .collect();
        let messages: Vec<(String, &Message)> = operation
            .messages
            .iter()
            .filter_map(|key| {
                channel
                    .messages
                    .get(key)
                    .map(|m| (event_type_of(key, m), m))
            })
            .collect();
        // The messages of every operation on the receiving route, in the
        // order the router tries them, each with its payload schema, to
        // tell which operation and message the router picks.
        let route: Vec<(&str, &Variant, Option<Value>)> = mirror_surface
            .route_messages(id)
            .into_iter()
            .map(|(operation, variant)| {
                let schema = all_messages
                    .iter()
                    .find(|m| m.location == variant.location)
                    .and_then(|m| m.payload.as_ref())
                    .and_then(|p| bundle::schema_json(document, p).ok());
                (operation, variant, schema)
            })
            .collect();
        for (event_type, message) in &messages {
            let pointer = message.location.pointer.to_string();
            let mut examples: Vec<(String, MessageExample, bool)> = message
                .examples
                .iter()
                .enumerate()
                .filter(|(index, _)| {
                    let example_pointer = format!("{pointer}/examples/{index}/");
                    !mismatched.iter().any(|p| p.starts_with(&example_pointer))
                })
                .map(|(index, example)| {
                    (
                        format!("{id} {event_type} example {index}"),
                        example.clone(),
                        false,
                    )
                })
                .collect();
            let contradicting = message.examples.len() - examples.len();
            if contradicting > 0 {
                not_sent.push(format!(
                    "{id} {event_type}: {contradicting} examples that our validator reports as contradicting their schema"
                ));
            }
            if message.examples.is_empty() {
                examples.push((
                    format!("{id} {event_type} synthesized"),
                    MessageExample::default(),
                    true,
                ));
            }
            for (mut label, mut example, synthesized) in examples {
                let had_payload = example.payload.is_some();
                if let Err(reason) = complete(document, message, &mut example, &mut synthesizer) {
                    not_sent.push(format!("{label}: {reason}"));
                    continue;
                }
                if !synthesized && !had_payload && example.payload.is_some() {
                    label.push_str(" (payload built from the schema)");
                }
                let payload = example.payload.clone().unwrap_or(Value::Null);
                let sent_variant = app_surface
                    .messages
                    .iter()
                    .find(|(operation, _)| operation == id)
                    .and_then(|(_, variants)| {
                        variants.iter().find(|v| v.location == message.location)
                    });
                let Some(sent_variant) = sent_variant else {
                    not_sent.push(format!(
                        "{label}: the client method of {id} does not carry it"
                    ));
                    continue;
                };
                let variant = (!sent_variant.name.is_empty()).then(|| sent_variant.name.clone());
                let ty = sent_variant.ty.clone();
                let (arrives_at, arrives_as) = route
                    .iter()
                    .find(|(operation, candidate, schema)| {
                        (*operation == id.as_str() && candidate.location == message.location)
                            || schema.as_ref().is_none_or(|s| accepts(s, &payload))
                    })
                    .map_or_else(
                        || (id.clone(), event_type.clone()),
                        |(operation, candidate, _)| {
                            ((*operation).to_owned(), candidate.event_type.clone())
                        },
                    );
                let with_headers = ty.starts_with("::hookforge::api::Message<");
                sends.push(Send {
                    label,
                    method: method.clone(),
                    event_type: event_type.clone(),
                    arrives_at,
                    arrives_as,
                    synthesized,
                    variant,
                    with_headers,
                    correlation_header: message
                        .correlation_id
                        .as_ref()
                        .and_then(|c| c.location.strip_prefix("$message.header#/"))
                        .map(str::to_owned),
                    parameters: parameters.clone(),
                    reply: reply.clone(),
                    payload,
                    headers: with_headers.then(|| {
                        example
                            .headers
                            .clone()
                            .unwrap_or_else(|| Value::Object(Default::default()))
                    }),
                });
            }
        }
    }
    if sends.is_empty() {
        return None;
    }
    Some(Document {
        local_path: row.local_path.clone(),
        line,
        application,
        mirror,
        addresses: api
            .operations
            .iter()
            .map(|(id, op)| {
                let address = api
                    .channels
                    .get(&op.channel)
                    .and_then(|c| c.address.clone());
                (id.clone(), address.unwrap_or_default())
            })
            .collect(),
        application_surface: app_surface,
        replies,
        mirror_surface,
        sends,
        not_sent,
    })
}

/// Returns the reply of a request/reply operation: the first example
/// payload of its reply messages that the validator does not report in
/// `mismatched` (pointers of example-mismatch diagnostics), or a value
/// built from the payload schema of the first reply message that allows it.
fn reply_value(
    document: &hookforge_codegen::document::Document,
    api: &hookforge_codegen::model::AsyncApi,
    operation: &hookforge_codegen::model::Operation,
    mismatched: &HashSet<String>,
    synthesizer: &mut Synthesizer,
) -> Result<Value, String> {
    let reply = operation
        .reply
        .as_ref()
        .ok_or("the operation has no reply")?;
    let channel = reply
        .channel
        .as_ref()
        .and_then(|c| api.channels.get(c))
        .ok_or("the reply has no channel")?;
    let messages: Vec<&Message> = reply
        .messages
        .iter()
        .filter_map(|key| channel.messages.get(key))
        .collect();
    let example = messages.iter().find_map(|message| {
        let pointer = message.location.pointer.to_string();
        message
            .examples
            .iter()
            .enumerate()
            .filter(|(index, _)| {
                let example_pointer = format!("{pointer}/examples/{index}/");
                !mismatched.iter().any(|p| p.starts_with(&example_pointer))
            })
            .find_map(|(_, example)| example.payload.clone())
    });
    if let Some(payload) = example {
        return Ok(payload);
    }
    let mut reason = String::from("the reply has no messages");
    for message in messages {
        let mut example = MessageExample::default();
        match complete(document, message, &mut example, synthesizer) {
            Ok(()) => return Ok(example.payload.unwrap_or(Value::Null)),
            Err(error) => reason = error,
        }
    }
    Err(reason)
}

/// Returns the event type of a message: its name, or its key.
fn event_type_of(key: &str, message: &Message) -> String {
    message.name.clone().unwrap_or_else(|| key.to_owned())
}

/// Validates `value` with `schema` as the generated router does.
fn accepts(schema: &Value, value: &Value) -> bool {
    // `PayloadSchema` stores a `&'static str` because generated code embeds
    // its schemas as literals; the few schemas of one test run are leaked
    // on purpose.
    let text: &'static str = Box::leak(schema.to_string().into_boxed_str());
    PayloadSchema::new(text).validate(value).is_ok()
}

/// Fills the parts an example leaves out: a payload built from the
/// payload schema, and headers built from the headers schema when `{}`
/// does not satisfy it. Each built part is checked with the router's
/// validator.
fn complete(
    document: &hookforge_codegen::document::Document,
    message: &Message,
    example: &mut MessageExample,
    synthesizer: &mut Synthesizer,
) -> Result<(), String> {
    let mut build =
        |schema: &hookforge_codegen::model::SchemaRef, what: &str| -> Result<Value, String> {
            let bundled = bundle::schema_json(document, schema)
                .map_err(|e| format!("its {what} schema does not bundle: {}", e.message))?;
            let value = synthesizer.value(&bundled).ok_or_else(|| {
                format!("its {what} schema is not simple enough to build a value")
            })?;
            if !accepts(&bundled, &value) {
                return Err(format!(
                    "the {what} value built from its schema is not valid: {value}"
                ));
            }
            Ok(value)
        };
    if let (None, Some(schema)) = (&example.payload, &message.payload) {
        example.payload = Some(build(schema, "payload")?);
    }
    if let (None, Some(schema)) = (&example.headers, &message.headers) {
        let empty = Value::Object(Default::default());
        let fits = bundle::schema_json(document, schema).is_ok_and(|s| accepts(&s, &empty));
        example.headers = Some(if fits {
            empty
        } else {
            build(schema, "headers")?
        });
    }
    Ok(())
}

/// The `{name}` placeholders of an address, in order.
fn placeholders(address: &str) -> Vec<String> {
    address
        .split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .map(str::to_owned)
        .collect()
}

/// A value for a channel parameter: its first allowed value, its default,
/// its first example, or a text that needs percent-encoding in a path.
fn parameter_value(parameter: Option<&hookforge_codegen::model::Parameter>, name: &str) -> String {
    parameter
        .and_then(|p| {
            p.allowed_values
                .first()
                .or(p.default.as_ref())
                .or(p.examples.first())
                .cloned()
        })
        .unwrap_or_else(|| format!("{name} 1/ä"))
}
