//! A summary of the generated API code: each client and handler method
//! with its operation, route and Rust types, taken from the [`Plan`] the
//! code was emitted from. Tools that write code against the generated
//! module, such as the `hookforge new` scaffold, read it instead of
//! parsing the generated source.

use std::fmt;

use proc_macro2::{Spacing, TokenStream, TokenTree};

use super::plan::{MessageSet, OperationPlan, Plan};
use super::routes::RoutePlan;
use super::transport::Transport;
use crate::model::Location;
use crate::typegen::GeneratedTypes;

/// The operations of one perspective's generated API code.
///
/// Type names are written as inside the generated module; see
/// [`RustType::qualified`] for code outside it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiSummary {
    /// The handler methods: the HTTP operations in document order, each
    /// one also when it shares its route with others, then the NATS
    /// operations in the order the dispatcher tries them.
    pub received: Vec<ReceivedOperation>,
    /// The client methods: the HTTP operations, then the NATS operations,
    /// each in document order.
    pub sent: Vec<SentOperation>,
    /// The name of the HTTP client struct (`Client` unless a message type
    /// already has that name); `None` without sent HTTP operations.
    pub client: Option<String>,
    /// The name of the HTTP handler trait (`Handler` unless taken); `None`
    /// without received HTTP operations.
    pub handler: Option<String>,
    /// The name of the NATS client struct (`NatsClient` unless taken);
    /// `None` without sent NATS operations.
    pub nats_client: Option<String>,
    /// The name of the NATS handler trait (`NatsHandler` unless taken);
    /// `None` without received NATS operations.
    pub nats_handler: Option<String>,
    /// Whether the generated types derive
    /// `::hookforge::cloudevents::CloudEvent`, which needs the runtime's
    /// `cloudevents` feature.
    pub uses_cloudevents: bool,
}

/// One method of a handler trait: [`ApiSummary::handler`] for HTTP,
/// [`ApiSummary::nats_handler`] for NATS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedOperation {
    /// The document's operation id.
    pub operation_id: String,
    /// The transport of the operation's channel.
    pub transport: Transport,
    /// The Rust method name, `r#` included for a keyword.
    pub method: String,
    /// The upper-case HTTP method the router accepts; `None` for NATS.
    pub http_method: Option<String>,
    /// The channel address as the document writes it, with `{parameter}`
    /// placeholders.
    pub address: String,
    /// The parameters struct, for a channel with parameters.
    pub parameters: Option<RustType>,
    /// The message type the method takes.
    pub message: RustType,
    /// The reply type of a request/reply operation; `None` when the
    /// method returns `()`.
    pub reply: Option<RustType>,
    /// The messages of the operation, in the order the receiver tries
    /// them. [`MessageSummary::rank`] orders them among the messages of
    /// every operation on the same route.
    pub messages: Vec<MessageSummary>,
}

/// One method of a client: [`ApiSummary::client`] for HTTP,
/// [`ApiSummary::nats_client`] for NATS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentOperation {
    /// The document's operation id.
    pub operation_id: String,
    /// The transport of the operation's channel.
    pub transport: Transport,
    /// The Rust method name, `r#` included for a keyword.
    pub method: String,
    /// The channel address as the document writes it, with `{parameter}`
    /// placeholders.
    pub address: String,
    /// The parameters struct, for a channel with parameters. The method
    /// takes it by reference.
    pub parameters: Option<RustType>,
    /// The message type the method takes.
    pub message: RustType,
    /// The reply type of a request/reply operation; `None` when the method
    /// returns an acknowledgement (`Accepted`, or the NATS `Envelope`).
    pub reply: Option<RustType>,
    /// The messages of the operation, in the order the operation's own
    /// message enum lists them. `rank` is `None`: the order in which the
    /// receiver tries them is in the other perspective's summary.
    pub messages: Vec<MessageSummary>,
}

/// One message an operation carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageSummary {
    /// The event type the client stores: the message's `name`, or its key.
    pub event_type: String,
    /// The message's location in the document.
    pub location: Location,
    /// The variant of the operation's message enum that contains it; `None`
    /// when the operation has one message, whose type is then the
    /// operation's message type.
    pub variant: Option<String>,
    /// The Rust type of the message: the payload type, or
    /// `::hookforge::api::Message<Payload, Headers>`.
    pub ty: RustType,
    /// For a received operation, the position of the message in the order
    /// the receiver tries the messages of all operations on its HTTP route
    /// or NATS subject filter; the first message whose schema accepts a
    /// payload decodes it. `None` for a sent operation,
    /// and for a message that an earlier operation on the route also
    /// lists, which that operation receives.
    pub rank: Option<usize>,
}

/// A Rust type as the generated code writes it, such as `OrderPlaced` or
/// `::hookforge::api::Message<Ping, PingHeaders>`. [`fmt::Display`]
/// writes it as inside the generated module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustType {
    parts: Vec<TypePart>,
}

/// A piece of a [`RustType`]'s text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum TypePart {
    /// Text written the same inside and outside the module.
    Text(String),
    /// The `::` that starts an absolute path.
    Root,
    /// The name of a type the generated module defines.
    Local(String),
}

impl RustType {
    /// Writes the type for code in the same crate outside the generated
    /// module, which includes it as `module` (such as `api`): names the
    /// module defines get `module::` in front, and absolute paths lose
    /// their leading `::`, so `::std::vec::Vec<Item>` becomes
    /// `std::vec::Vec<api::Item>`.
    pub fn qualified(&self, module: &str) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                TypePart::Text(text) => out.push_str(text),
                TypePart::Root => {}
                TypePart::Local(name) => {
                    out.push_str(module);
                    out.push_str("::");
                    out.push_str(name);
                }
            }
        }
        out
    }

    /// Reads the tokens of a type that the emitter writes: paths with
    /// generic arguments, tuples and primitives. A single-segment path
    /// that is not a primitive names a type of the generated module.
    /// NOTE: so does a type replacement written as a single name, which
    /// resolves only where the code is included.
    pub(super) fn from_tokens(tokens: TokenStream) -> RustType {
        let mut parts = Vec::new();
        push_tokens(tokens, &mut parts);
        RustType { parts }
    }

    /// A type the generated module defines, by name.
    fn local(name: &str) -> RustType {
        RustType {
            parts: vec![TypePart::Local(name.to_owned())],
        }
    }
}

impl fmt::Display for RustType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in &self.parts {
            match part {
                TypePart::Text(text) | TypePart::Local(text) => f.write_str(text)?,
                TypePart::Root => f.write_str("::")?,
            }
        }
        Ok(())
    }
}

/// Names that are never types of the generated module.
const PRIMITIVES: &[&str] = &[
    "bool", "char", "str", "f32", "f64", "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16",
    "u32", "u64", "u128", "usize", "Self",
];

fn push_text(parts: &mut Vec<TypePart>, text: &str) {
    match parts.last_mut() {
        Some(TypePart::Text(last)) => last.push_str(text),
        _ => parts.push(TypePart::Text(text.to_owned())),
    }
}

fn push_tokens(tokens: TokenStream, parts: &mut Vec<TypePart>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let is_punct = |index: usize, char: char| matches!(tokens.get(index), Some(TokenTree::Punct(p)) if p.as_char() == char);
    let mut index = 0;
    while index < tokens.len() {
        match &tokens[index] {
            TokenTree::Punct(punct)
                if punct.as_char() == ':'
                    && punct.spacing() == Spacing::Joint
                    && is_punct(index + 1, ':') =>
            {
                // `::` after an identifier separates segments; anywhere
                // else it starts an absolute path.
                let separates = index
                    .checked_sub(1)
                    .is_some_and(|previous| matches!(tokens[previous], TokenTree::Ident(_)));
                if separates {
                    push_text(parts, "::");
                } else {
                    parts.push(TypePart::Root);
                }
                index += 2;
                continue;
            }
            TokenTree::Punct(punct) if punct.as_char() == ',' => push_text(parts, ", "),
            TokenTree::Punct(punct) => push_text(parts, &punct.as_char().to_string()),
            TokenTree::Ident(ident) => {
                let name = ident.to_string();
                let continues_path = index >= 2 && is_punct(index - 1, ':');
                let lifetime = index >= 1 && is_punct(index - 1, '\'');
                let has_segments = is_punct(index + 1, ':');
                if continues_path || lifetime || has_segments || PRIMITIVES.contains(&name.as_str())
                {
                    push_text(parts, &name);
                } else {
                    parts.push(TypePart::Local(name));
                }
            }
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    proc_macro2::Delimiter::Parenthesis => ("(", ")"),
                    proc_macro2::Delimiter::Bracket => ("[", "]"),
                    proc_macro2::Delimiter::Brace => ("{", "}"),
                    proc_macro2::Delimiter::None => ("", ""),
                };
                push_text(parts, open);
                push_tokens(group.stream(), parts);
                push_text(parts, close);
            }
            TokenTree::Literal(literal) => push_text(parts, &literal.to_string()),
        }
        index += 1;
    }
}

/// Builds the summary of `plan`, whose message types come from `types`.
pub(super) fn summarize(plan: &Plan, types: &GeneratedTypes) -> ApiSummary {
    let http_received = plan
        .received
        .iter()
        .map(|op| received(plan, op, Transport::Http));
    let nats_received = plan
        .nats_received
        .iter()
        .map(|op| received(plan, op, Transport::Nats));
    let http_sent = plan.sent.iter().map(|op| sent(plan, op, Transport::Http));
    let nats_sent = plan
        .nats_sent
        .iter()
        .map(|op| sent(plan, op, Transport::Nats));
    let named = |name: &String, operations: &[OperationPlan]| {
        (!operations.is_empty()).then(|| name.clone())
    };
    ApiSummary {
        received: http_received.chain(nats_received).collect(),
        sent: http_sent.chain(nats_sent).collect(),
        client: named(&plan.client, &plan.sent),
        handler: named(&plan.handler, &plan.received),
        nats_client: named(&plan.nats_client, &plan.nats_sent),
        nats_handler: named(&plan.nats_handler, &plan.nats_received),
        // The same test as the one that adds the derive in
        // `typegen::emit::render_with`.
        uses_cloudevents: types
            .space
            .iter()
            .any(|(id, _)| types.space.cloud_event(id).is_some()),
    }
}

fn received(plan: &Plan, op: &OperationPlan, transport: Transport) -> ReceivedOperation {
    let ranks = match transport {
        Transport::Http => route_ranks(&plan.routes, &plan.received, op),
        Transport::Nats => route_ranks(&plan.nats_routes, &plan.nats_received, op),
    };
    ReceivedOperation {
        operation_id: op.operation_id.clone(),
        transport,
        method: op.method.clone(),
        http_method: (transport == Transport::Http).then(|| op.http_method.clone()),
        address: op.address.clone(),
        parameters: parameters_type(plan, op),
        message: message_type(&op.message),
        reply: op.reply.as_ref().map(message_type),
        messages: messages(&op.message, &ranks),
    }
}

fn sent(plan: &Plan, op: &OperationPlan, transport: Transport) -> SentOperation {
    SentOperation {
        operation_id: op.operation_id.clone(),
        transport,
        method: op.method.clone(),
        address: op.address.clone(),
        parameters: parameters_type(plan, op),
        message: message_type(&op.message),
        reply: op.reply.as_ref().map(message_type),
        messages: messages(&op.message, &vec![None; op.message.candidates.len()]),
    }
}

/// Returns the rank of each candidate of the received operation `op` on
/// its route in `routes`, whose operations index into `received`.
fn route_ranks(
    routes: &[RoutePlan],
    received: &[OperationPlan],
    op: &OperationPlan,
) -> Vec<Option<usize>> {
    let count = op.message.candidates.len();
    let route = routes.iter().find_map(|route| {
        let position = route
            .operations
            .iter()
            .position(|&index| std::ptr::eq(&received[index], op))?;
        Some((route, position))
    });
    let Some((route, position)) = route else {
        return vec![None; count];
    };
    let Some(shared) = &route.shared else {
        return (0..count).map(Some).collect();
    };
    let mut ranks = vec![None; count];
    for (rank, &(owner, candidate)) in shared.order.iter().enumerate() {
        if owner == position {
            ranks[candidate] = Some(rank);
        }
    }
    ranks
}

fn messages(set: &MessageSet, ranks: &[Option<usize>]) -> Vec<MessageSummary> {
    set.candidates
        .iter()
        .zip(ranks)
        .map(|(candidate, rank)| MessageSummary {
            event_type: candidate.event_type.clone(),
            location: candidate.location.clone(),
            variant: set.enum_name.as_ref().map(|_| candidate.variant.clone()),
            ty: RustType::from_tokens(candidate.type_tokens()),
            rank: *rank,
        })
        .collect()
}

fn parameters_type(plan: &Plan, op: &OperationPlan) -> Option<RustType> {
    op.parameters
        .map(|index| RustType::local(&plan.parameters[index].type_name))
}

fn message_type(set: &MessageSet) -> RustType {
    RustType::from_tokens(set.type_tokens())
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::RustType;

    #[test]
    fn rust_type_marks_local_names() {
        let ty = RustType::from_tokens(quote!(::hookforge::api::Message<Ping, PingHeaders>));
        assert_eq!(
            ty.to_string(),
            "::hookforge::api::Message<Ping, PingHeaders>"
        );
        assert_eq!(
            ty.qualified("api"),
            "hookforge::api::Message<api::Ping, api::PingHeaders>"
        );
    }

    #[test]
    fn rust_type_keeps_primitives_and_paths() {
        let ty = RustType::from_tokens(
            quote!(::std::collections::BTreeMap<::std::string::String, ::std::vec::Vec<i64>>),
        );
        assert_eq!(
            ty.qualified("api"),
            "std::collections::BTreeMap<std::string::String, std::vec::Vec<i64>>"
        );
        let replaced = RustType::from_tokens(quote!(crate::money::Money));
        assert_eq!(replaced.qualified("api"), "crate::money::Money");
        let unit = RustType::from_tokens(quote!(()));
        assert_eq!(unit.qualified("api"), "()");
    }
}
