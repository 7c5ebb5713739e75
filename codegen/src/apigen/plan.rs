//! The generation plan of a document's operations, made before any Rust
//! syntax: which operations are sent and which received, their message
//! types, routes and names, and the reason an operation is left out.

use proc_macro2::TokenStream;
use quote::quote;

use super::routes::{Admission, Conflict, RoutePlan, RouteRequest, RouteTable};
use super::transport::{transport, NoTransport, Transport};
use crate::diagnostic::{Code, Diagnostic};
use crate::document::Document;
use crate::model::{Action, AsyncApi, Channel, Location, Message, Operation};
use crate::options::Perspective;
use crate::typegen::names::{pascal_case, pascal_prefix, snake_case, NameScope};
use crate::typegen::{emit, GeneratedTypes, TypeDetails, TypeRef};

/// Everything the API emitter writes.
#[derive(Debug, Default)]
pub(super) struct Plan {
    pub parameters: Vec<ParametersPlan>,
    pub sent: Vec<OperationPlan>,
    pub received: Vec<OperationPlan>,
    pub servers: Vec<ServerPlan>,
    /// Name of the client struct.
    pub client: String,
    /// Name of the handler trait.
    pub handler: String,
    /// Sent operations on NATS channels.
    pub nats_sent: Vec<OperationPlan>,
    /// Received operations on NATS channels.
    pub nats_received: Vec<OperationPlan>,
    /// Name of the NATS client struct.
    pub nats_client: String,
    /// Name of the NATS handler trait.
    pub nats_handler: String,
    /// Operations left out because no transport serves their protocol.
    pub unsupported: Vec<UnsupportedOperation>,
    /// The routes of the router, in the order of their first operation.
    pub routes: Vec<RoutePlan>,
    /// The subject filters of the NATS dispatcher, in the order of their
    /// first operation.
    pub nats_routes: Vec<RoutePlan>,
}

/// An operation whose channel's protocol has no transport.
#[derive(Debug)]
pub(super) struct UnsupportedOperation {
    pub operation_id: String,
    /// The protocol, or `http and nats` for a channel served by both.
    pub protocol: String,
    /// Whether this perspective would have sent it.
    pub sends: bool,
}

/// The parameters struct of one channel.
#[derive(Debug)]
pub(super) struct ParametersPlan {
    pub type_name: String,
    pub channel: String,
    /// The address as written, with `{name}` placeholders.
    pub address: String,
    pub fields: Vec<ParameterField>,
    /// For each `{...}` of the address in order, the index of its field.
    pub positions: Vec<usize>,
    /// The NATS subject template (`orders.{id}.created`) of a NATS channel;
    /// `None` for an HTTP channel.
    pub subject: Option<String>,
    /// The allowed values of each `{...}` of the address, in order; empty
    /// for a parameter that takes any value.
    pub allowed_values: Vec<Vec<String>>,
}

/// One field of a parameters struct.
#[derive(Debug)]
pub(super) struct ParameterField {
    pub wire_name: String,
    pub ident: String,
    pub docs: Vec<String>,
    /// A string enum of the allowed values, or `None` for `String`.
    pub values: Option<ParameterEnum>,
}

/// A generated enum of a parameter's allowed values.
#[derive(Debug)]
pub(super) struct ParameterEnum {
    pub type_name: String,
    /// `(variant, value)` pairs.
    pub variants: Vec<(String, String)>,
}

/// One generated client method or handler method.
#[derive(Debug)]
pub(super) struct OperationPlan {
    pub operation_id: String,
    pub method: String,
    /// The private decoding function of a received operation.
    pub decoder: String,
    pub docs: Vec<String>,
    /// Index into [`Plan::parameters`] when the channel has parameters.
    pub parameters: Option<usize>,
    /// The channel address as written.
    pub address: String,
    /// The axum route: the address with parameters named `p0`, `p1`, ...;
    /// for NATS, the subject filter with `*` for each parameter.
    pub route: String,
    /// Upper-case HTTP method the router accepts; empty for NATS.
    pub http_method: String,
    pub message: MessageSet,
    pub reply: Option<MessageSet>,
}

/// The message type of an operation or of its reply.
#[derive(Debug)]
pub(super) struct MessageSet {
    /// The generated enum, when there is more than one message.
    pub enum_name: Option<String>,
    /// One entry per message, in decoding order (most specific first).
    pub candidates: Vec<Candidate>,
}

impl MessageSet {
    /// Returns the Rust type of the set.
    pub fn type_tokens(&self) -> TokenStream {
        match (&self.enum_name, self.candidates.first()) {
            (Some(name), _) => {
                let name = super::emit::ident(name);
                quote!(#name)
            }
            (None, Some(candidate)) => candidate.type_tokens(),
            (None, None) => quote!(()),
        }
    }
}

/// One message of an operation.
#[derive(Debug)]
pub(super) struct Candidate {
    /// Variant name in the operation's enum.
    pub variant: String,
    /// The event type: the message's name or key.
    pub event_type: String,
    pub content_type: String,
    pub payload: TokenStream,
    /// The headers type and its property names on the wire.
    pub headers: Option<(TokenStream, Vec<String>)>,
    /// The payload's self-contained JSON Schema, as JSON text; `None` when
    /// the message has no payload or its schema cannot be bundled.
    pub schema: Option<String>,
    /// The header field the client fills with a new id when it is empty.
    pub correlation: Option<CorrelationField>,
    /// The message's location in the document.
    pub location: Location,
    /// The decoding rank of the payload (see [`specificity`]).
    pub specificity: Specificity,
}

/// A string header field that carries the message's correlation id.
#[derive(Debug)]
pub(super) struct CorrelationField {
    /// The field's Rust identifier.
    pub ident: String,
    /// Whether the field is an `Option<String>` (empty is `None`) rather
    /// than a `String` (empty is `""`).
    pub optional: bool,
}

impl Candidate {
    /// `P`, or `::hookforge::api::Message<P, H>` with headers.
    pub fn type_tokens(&self) -> TokenStream {
        let payload = &self.payload;
        match &self.headers {
            Some((headers, _)) => quote!(::hookforge::api::Message<#payload, #headers>),
            None => quote!(#payload),
        }
    }
}

/// A function of the `servers` module.
#[derive(Debug)]
pub(super) struct ServerPlan {
    pub function: String,
    pub docs: Vec<String>,
    /// `scheme://host/path`, with defaults filled in and `{name}` left for
    /// variables without a default.
    pub template: String,
    /// `(wire name, argument)` of the variables without a default.
    pub arguments: Vec<(String, String)>,
}

/// Builds the plan, reporting operations that get no code.
pub(super) fn plan(
    document: &Document,
    api: &AsyncApi,
    types: &GeneratedTypes,
    perspective: Perspective,
    diagnostics: &mut Vec<Diagnostic>,
) -> Plan {
    let mut scope = NameScope::with_reserved(&[]);
    for (_, entry) in types.space.iter() {
        scope.claim(&entry.name);
    }
    let mut plan = Plan {
        client: scope.claim("Client"),
        handler: scope.claim("Handler"),
        nats_client: scope.claim("NatsClient"),
        nats_handler: scope.claim("NatsHandler"),
        ..Plan::default()
    };
    let mut client_methods =
        NameScope::with_reserved(&["new", "with_requester", "base_url", "sender"]);
    let mut handler_methods = NameScope::default();
    let mut nats_client_methods = NameScope::with_reserved(&["new", "transport", "publish"]);
    let mut nats_handler_methods = NameScope::default();
    let mut functions = NameScope::with_reserved(&[
        "router",
        "servers",
        "nats_dispatcher",
        "receive_nats",
        "dispatch_nats",
        "NATS_SUBJECTS",
    ]);
    let mut route_table = RouteTable::default();
    let inputs = Inputs {
        document,
        api,
        types,
    };

    for (id, operation) in &api.operations {
        let Some(channel) = api.channels.get(&operation.channel) else {
            continue;
        };
        let sends =
            match (perspective, operation.action) {
                (Perspective::Application, Action::Send)
                | (Perspective::Mirror, Action::Receive) => true,
                (Perspective::Application, Action::Receive)
                | (Perspective::Mirror, Action::Send) => false,
            };
        let skip = |reason: String, help: &str| skipped(document, operation, reason, help);
        let transport = match transport(api, channel) {
            Ok(transport) => transport,
            Err(NoTransport::Protocol(protocol)) => {
                diagnostics.push(skip(
                    format!("operation `{id}` uses protocol `{protocol}`, which Hookforge has no transport for; supported: http, https, nats"),
                    "the types of its messages are still generated",
                ));
                plan.unsupported.push(UnsupportedOperation {
                    operation_id: id.clone(),
                    protocol,
                    sends,
                });
                continue;
            }
            Err(NoTransport::Mixed) => {
                diagnostics.push(skip(
                    format!("the channel of operation `{id}` is on both HTTP and NATS servers, and the generated code takes one transport per channel"),
                    "list only the servers of one protocol in the channel's `servers`",
                ));
                plan.unsupported.push(UnsupportedOperation {
                    operation_id: id.clone(),
                    protocol: "http and nats".to_owned(),
                    sends,
                });
                continue;
            }
        };
        let Some(address) = channel.address.clone() else {
            let what = match transport {
                Transport::Http => "URL path",
                Transport::Nats => "NATS subject",
            };
            diagnostics.push(skip(
                format!("operation `{id}` has no channel address, so it has no {what}"),
                "give the channel an `address`",
            ));
            continue;
        };
        if transport == Transport::Nats {
            let Some(subject) = subject_template(&address) else {
                diagnostics.push(skip(
                    format!("the address {address:?} of operation `{id}` is not a NATS subject whose parameters are whole tokens"),
                    "write the address as tokens separated by `.` or `/`, such as `orders.{orderId}.created`, without wildcards or whitespace",
                ));
                continue;
            };
            if operation.reply.is_some() {
                diagnostics.push(skip(
                    format!(
                        "operation `{id}` expects a reply, and NATS request/reply is not generated"
                    ),
                    "remove the `reply`, or send the reply as an operation of its own",
                ));
                continue;
            }
            let input = OperationInput {
                id,
                operation,
                channel,
                address,
                subject,
            };
            let Some(message) =
                operation_message_set(&inputs, id, operation, channel, &mut scope, diagnostics)
            else {
                continue;
            };
            let request = RouteRequest {
                transport: Transport::Nats,
                sends,
                operation_id: id,
                http_method: "NATS",
                path: &input.subject.filter,
                address: &input.address,
                allowed_values: allowed_values(channel, &input.subject.names),
                messages: locations(&message),
            };
            let Some(admission) =
                admit(&mut route_table, request, document, operation, diagnostics)
            else {
                continue;
            };
            let methods = if sends {
                &mut nats_client_methods
            } else {
                &mut nats_handler_methods
            };
            let entry = nats_operation(
                input,
                message,
                &mut plan,
                &mut scope,
                &mut functions,
                methods,
            );
            if sends {
                plan.nats_sent.push(entry);
            } else {
                route_table.record_received(admission.group, plan.nats_received.len());
                plan.nats_received.push(entry);
            }
            continue;
        }
        let Some((route, placeholders)) = route_path(&address) else {
            diagnostics.push(skip(
                format!("the address {address:?} of operation `{id}` is not a URL path whose parameters are whole segments"),
                "write the address as a path such as `/orders/{orderId}`",
            ));
            continue;
        };
        let http_method = operation
            .bindings
            .http
            .as_ref()
            .and_then(|binding| binding.method.clone())
            .map_or_else(|| "POST".to_owned(), |method| method.to_ascii_uppercase());
        if sends && http_method != "POST" {
            diagnostics.push(skip(
                format!("operation `{id}` uses HTTP method {http_method}, but the Hookforge sender posts every webhook"),
                "remove the http binding's `method`, or set it to POST",
            ));
            continue;
        }
        if !sends && !ROUTER_METHODS.contains(&http_method.as_str()) {
            diagnostics.push(skip(
                format!("operation `{id}` uses HTTP method {http_method:?}, which the generated router does not support"),
                "use POST, PUT, PATCH, DELETE or GET",
            ));
            continue;
        }
        let Some(message) =
            operation_message_set(&inputs, id, operation, channel, &mut scope, diagnostics)
        else {
            continue;
        };
        let reply = match reply_set(document, types, api, operation, id, &mut scope) {
            Ok(reply) => reply,
            Err(content_type) => {
                diagnostics.push(skip(
                    format!("the reply of operation `{id}` has content type {content_type:?}; only JSON is supported"),
                    "use application/json or a `+json` media type",
                ));
                continue;
            }
        };
        let request = RouteRequest {
            transport: Transport::Http,
            sends,
            operation_id: id,
            http_method: &http_method,
            path: &route,
            address: &address,
            allowed_values: allowed_values(channel, &placeholders),
            messages: locations(&message),
        };
        let Some(admission) = admit(&mut route_table, request, document, operation, diagnostics)
        else {
            continue;
        };
        let parameters = (!placeholders.is_empty()).then(|| {
            parameters_index(
                &mut plan,
                &mut scope,
                &operation.channel,
                channel,
                &address,
                &placeholders,
                None,
            )
        });
        let method = if sends {
            client_methods.claim(&snake_case(id, "operation"))
        } else {
            handler_methods.claim(&snake_case(id, "operation"))
        };
        let decoder = functions.claim(&format!(
            "decode_{}",
            snake_case(id, "operation").trim_start_matches("r#")
        ));
        let entry = OperationPlan {
            operation_id: id.clone(),
            method,
            decoder,
            docs: operation_docs(operation),
            parameters,
            address,
            route,
            http_method,
            message,
            reply,
        };
        if sends {
            plan.sent.push(entry);
        } else {
            route_table.record_received(admission.group, plan.received.len());
            plan.received.push(entry);
        }
    }
    plan.routes = route_table.routes(Transport::Http, &plan.received, &mut scope, &mut functions);
    plan.nats_routes = route_table.routes(
        Transport::Nats,
        &plan.nats_received,
        &mut scope,
        &mut functions,
    );
    plan.servers = servers(api);
    plan
}

/// The document inputs that planning one operation reads.
struct Inputs<'a> {
    document: &'a Document,
    api: &'a AsyncApi,
    types: &'a GeneratedTypes,
}

/// An operation on a NATS channel, with its subject.
struct OperationInput<'a> {
    id: &'a String,
    operation: &'a Operation,
    channel: &'a Channel,
    address: String,
    subject: SubjectTemplate,
}

/// A channel address read as a NATS subject.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct SubjectTemplate {
    /// The subject with `{name}` for each parameter: `orders.{id}.created`.
    pub template: String,
    /// The subject with `*` for each parameter: `orders.*.created`.
    pub filter: String,
    /// The parameter names in order.
    pub names: Vec<String>,
}

/// Reads a channel address as a NATS subject, the way the runtime's
/// `subject_for_address` does: one leading `/` is dropped, and `/` and `.`
/// both separate tokens. `None` when a token is empty, contains whitespace, a
/// control character or a wildcard, or has a parameter in part of it.
pub(super) fn subject_template(address: &str) -> Option<SubjectTemplate> {
    let trimmed = address.strip_prefix('/').unwrap_or(address);
    let mut template = Vec::new();
    let mut filter = Vec::new();
    let mut names = Vec::new();
    for token in trimmed.split(['/', '.']) {
        if let Some(name) = token.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            if name.is_empty() || name.contains(['{', '}']) {
                return None;
            }
            template.push(token);
            filter.push("*");
            names.push(name.to_owned());
            continue;
        }
        let literal = !token.is_empty()
            && !token
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '*' | '>' | '{' | '}'));
        if !literal {
            return None;
        }
        template.push(token);
        filter.push(token);
    }
    Some(SubjectTemplate {
        template: template.join("."),
        filter: filter.join("."),
        names,
    })
}

/// Plans one operation on a NATS channel whose messages are `message`.
fn nats_operation(
    input: OperationInput<'_>,
    message: MessageSet,
    plan: &mut Plan,
    scope: &mut NameScope,
    functions: &mut NameScope,
    methods: &mut NameScope,
) -> OperationPlan {
    let id = input.id;
    let subject = input.subject;
    let parameters = (!subject.names.is_empty()).then(|| {
        parameters_index(
            plan,
            scope,
            &input.operation.channel,
            input.channel,
            &input.address,
            &subject.names,
            Some(&subject.template),
        )
    });
    let snake = snake_case(id, "operation");
    OperationPlan {
        operation_id: id.clone(),
        method: methods.claim(&snake),
        decoder: functions.claim(&format!("decode_{}", snake.trim_start_matches("r#"))),
        docs: operation_docs(input.operation),
        parameters,
        address: input.address,
        route: subject.filter,
        http_method: String::new(),
        message,
        reply: None,
    }
}

/// Builds the message set of an operation, or reports why it gets no code.
fn operation_message_set(
    inputs: &Inputs<'_>,
    id: &str,
    operation: &Operation,
    channel: &Channel,
    scope: &mut NameScope,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<MessageSet> {
    let skip = |reason: String, help: &str| skipped(inputs.document, operation, reason, help);
    let messages = operation
        .messages
        .iter()
        .filter_map(|key| channel.messages.get(key).map(|message| (key, message)));
    let result = message_set(
        inputs.document,
        inputs.types,
        inputs.api,
        messages,
        &format!("{}Message", pascal_prefix(id, "Operation")),
        scope,
    );
    match result {
        Ok(Some(set)) => Some(set),
        Ok(None) => {
            diagnostics.push(skip(
                format!("operation `{id}` has no messages"),
                "list the messages the operation carries",
            ));
            None
        }
        Err(content_type) => {
            diagnostics.push(skip(
                format!("operation `{id}` has a message with content type {content_type:?}; only JSON is supported"),
                "use application/json or a `+json` media type",
            ));
            None
        }
    }
}

fn locations(set: &MessageSet) -> Vec<Location> {
    set.candidates
        .iter()
        .map(|candidate| candidate.location.clone())
        .collect()
}

/// Admits an operation to its route or NATS subject filter, or reports
/// why the receiving side cannot serve it there.
fn admit(
    route_table: &mut RouteTable,
    request: RouteRequest<'_>,
    document: &Document,
    operation: &Operation,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Admission> {
    let skip = |reason: String, help: &str| skipped(document, operation, reason, help);
    let id = request.operation_id.to_owned();
    let transport = request.transport;
    let http_method = request.http_method.to_owned();
    let place = |address: &str| match transport {
        Transport::Http => format!("{http_method} {address}"),
        Transport::Nats => format!("NATS address {address}"),
    };
    let here = place(request.address);
    let (side, verb) = if request.sends {
        ("the receiver", "sends to")
    } else {
        ("this side", "receives on")
    };
    let admission = match route_table.admit(request) {
        Ok(admission) => admission,
        Err(Conflict::Parameters {
            operation: other,
            address,
        }) => {
            let help = match transport {
                Transport::Http => "give the operations the same channel address and parameters, or addresses that differ in a literal segment",
                Transport::Nats => "give the operations the same channel address and parameters, or addresses that differ in a literal token",
            };
            diagnostics.push(skip(
                format!("operation `{id}` {verb} {here}, which {side} serves as {} for operation `{other}`, and one route needs one address and the same parameter values", place(&address)),
                help,
            ));
            return None;
        }
        Err(Conflict::Shadowed { operation: other }) => {
            diagnostics.push(skip(
                format!("every message of operation `{id}` is also a message of operation `{other}` on {here}, so {side} hands them to `{other}`"),
                "give each operation on one route its own messages, or merge the operations",
            ));
            return None;
        }
    };
    for (location, other) in &admission.shadowed {
        diagnostics.push(skip(
            format!("message {} of operation `{id}` is also a message of operation `{other}` on {here}, so {side} hands it to `{other}`", location.pointer),
            "give each operation on one route its own messages",
        ));
    }
    Some(admission)
}

/// Methods the generated router accepts, as axum `MethodFilter` names.
pub(super) const ROUTER_METHODS: &[&str] = &["POST", "PUT", "PATCH", "DELETE", "GET"];

fn skipped(document: &Document, operation: &Operation, message: String, help: &str) -> Diagnostic {
    let diagnostic = Diagnostic::warning(Code::UnsupportedOperation, message).with_help(help);
    match span_of(document, &operation.location) {
        Some(span) => diagnostic.at(operation.location.pointer.to_string(), span),
        None => diagnostic.with_pointer(operation.location.pointer.to_string()),
    }
}

fn span_of(document: &Document, location: &Location) -> Option<crate::source::Span> {
    let mut node = document.tree(location.file)?;
    for token in location.pointer.tokens() {
        node = match node.as_sequence() {
            Some(items) => items.get(token.parse::<usize>().ok()?)?,
            None => node.get(token)?,
        };
    }
    Some(node.span)
}

/// Turns a channel address into an axum route with positional parameter
/// names, and returns the parameter names in order. `None` when the
/// address is not a path of literal segments and whole-segment
/// parameters.
pub(super) fn route_path(address: &str) -> Option<(String, Vec<String>)> {
    let mut route = String::new();
    let mut names = Vec::new();
    let path = address.trim_start_matches('/');
    for segment in path.split('/') {
        route.push('/');
        if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            if name.is_empty() || name.contains(['{', '}']) {
                return None;
            }
            route.push_str(&format!("{{p{}}}", names.len()));
            names.push(name.to_owned());
            continue;
        }
        let literal = segment
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"-._~!$&'()+,;=:@%".contains(&byte));
        if !literal {
            return None;
        }
        route.push_str(segment);
    }
    Some((route, names))
}

fn parameters_index(
    plan: &mut Plan,
    scope: &mut NameScope,
    channel_id: &str,
    channel: &Channel,
    address: &str,
    placeholders: &[String],
    subject: Option<&str>,
) -> usize {
    // Channels with the same address and allowed values share one struct,
    // so the operations of a shared route take the same parameters.
    let allowed = allowed_values(channel, placeholders);
    let existing = plan.parameters.iter().position(|p| {
        p.channel == channel_id
            || (p.address == address
                && p.subject.as_deref() == subject
                && p.allowed_values == allowed)
    });
    if let Some(index) = existing {
        return index;
    }
    let base = pascal_prefix(channel_id, "Channel");
    let type_name = scope.claim(&format!("{base}Parameters"));
    let mut fields: Vec<ParameterField> = Vec::new();
    let mut positions = Vec::new();
    let mut idents = NameScope::default();
    for name in placeholders {
        if let Some(index) = fields.iter().position(|field| &field.wire_name == name) {
            positions.push(index);
            continue;
        }
        let declared = channel.parameters.get(name);
        let values = declared
            .filter(|parameter| !parameter.allowed_values.is_empty())
            .map(|parameter| {
                let mut variants = NameScope::default();
                ParameterEnum {
                    type_name: scope.claim(&format!("{base}{}", pascal_case(name, "Parameter"))),
                    variants: parameter
                        .allowed_values
                        .iter()
                        .map(|value| (variants.claim(&pascal_case(value, "Value")), value.clone()))
                        .collect(),
                }
            });
        positions.push(fields.len());
        fields.push(ParameterField {
            wire_name: name.clone(),
            ident: idents.claim(&snake_case(name, "parameter")),
            docs: declared
                .and_then(|parameter| parameter.description.clone())
                .into_iter()
                .collect(),
            values,
        });
    }
    plan.parameters.push(ParametersPlan {
        type_name,
        channel: channel_id.to_owned(),
        address: address.to_owned(),
        fields,
        positions,
        subject: subject.map(str::to_owned),
        allowed_values: allowed,
    });
    plan.parameters.len() - 1
}

/// Returns the allowed values of each address parameter in `placeholders`,
/// empty for a parameter that takes any value.
fn allowed_values(channel: &Channel, placeholders: &[String]) -> Vec<Vec<String>> {
    placeholders
        .iter()
        .map(|name| {
            channel
                .parameters
                .get(name)
                .map(|parameter| parameter.allowed_values.clone())
                .unwrap_or_default()
        })
        .collect()
}

/// Builds the message set of `messages`, or returns the first content type
/// that is not JSON.
fn message_set<'a>(
    document: &Document,
    types: &GeneratedTypes,
    api: &AsyncApi,
    messages: impl Iterator<Item = (&'a String, &'a Message)>,
    enum_name: &str,
    scope: &mut NameScope,
) -> Result<Option<MessageSet>, String> {
    let mut candidates = Vec::new();
    let mut variants = NameScope::default();
    let mut seen = Vec::new();
    for (key, message) in messages {
        if seen.contains(&&message.location) {
            continue;
        }
        seen.push(&message.location);
        let content_type = message
            .content_type
            .clone()
            .or_else(|| api.default_content_type.clone())
            .unwrap_or_else(|| "application/json".to_owned());
        if !is_json(&content_type) {
            return Err(content_type);
        }
        // `json` alone is a common shorthand in documents, not a media type.
        let content_type = if content_type.trim().eq_ignore_ascii_case("json") {
            "application/json".to_owned()
        } else {
            content_type
        };
        let generated = types
            .messages
            .iter()
            .find(|m| m.location == message.location);
        let name = generated.map_or_else(|| key.clone(), |m| m.name.clone());
        let payload = match generated.and_then(|m| m.payload.as_ref()) {
            Some(ty) => emit::type_tokens(&types.space, ty),
            None => quote!(::hookforge::serde_json::Value),
        };
        let correlation = generated
            .and_then(|m| m.headers.as_ref())
            .zip(message.correlation_id.as_ref())
            .and_then(|(ty, id)| correlation_field(types, ty, &id.location));
        let headers = generated.and_then(|m| m.headers.as_ref()).map(|ty| {
            (
                emit::type_tokens(&types.space, ty),
                property_names(types, ty),
            )
        });
        let specificity = specificity(types, generated.and_then(|m| m.payload.as_ref()));
        // NOTE: a payload whose schema cannot be bundled is decoded without
        // schema validation; typegen has already reported the problem.
        let schema = message
            .payload
            .as_ref()
            .filter(|_| generated.is_some_and(|m| m.payload.is_some()))
            .and_then(|payload| crate::bundle::schema_json(document, payload).ok())
            .map(|schema| schema.to_string());
        candidates.push(Candidate {
            variant: variants.claim(&pascal_case(&name, "Message")),
            event_type: message.name.clone().unwrap_or_else(|| key.clone()),
            content_type,
            payload,
            headers,
            schema,
            correlation,
            location: message.location.clone(),
            specificity,
        });
    }
    if candidates.is_empty() {
        return Ok(None);
    }
    // Stable: equally specific messages keep the document's order.
    candidates.sort_by_key(|candidate| std::cmp::Reverse(candidate.specificity));
    let enum_name = (candidates.len() > 1).then(|| scope.claim(enum_name));
    Ok(Some(MessageSet {
        enum_name,
        candidates,
    }))
}

fn reply_set(
    document: &Document,
    types: &GeneratedTypes,
    api: &AsyncApi,
    operation: &Operation,
    id: &str,
    scope: &mut NameScope,
) -> Result<Option<MessageSet>, String> {
    let Some(reply) = &operation.reply else {
        return Ok(None);
    };
    let Some(channel) = reply.channel.as_ref().and_then(|c| api.channels.get(c)) else {
        return Ok(None);
    };
    let messages = reply
        .messages
        .iter()
        .filter_map(|key| channel.messages.get(key).map(|message| (key, message)));
    let name = format!("{}Reply", pascal_prefix(id, "Operation"));
    let mut set = message_set(document, types, api, messages, &name, scope)?;
    // NOTE: reply headers travel as response headers, which the generated
    // code does not read or write; a reply is its payload.
    if let Some(set) = &mut set {
        for candidate in &mut set.candidates {
            candidate.headers = None;
        }
    }
    Ok(set)
}

/// Checks whether a media type is JSON: `application/json`, any `+json`
/// type, or the shorthand `json` that some documents use.
pub(super) fn is_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json") || essence == "json"
}

/// The decoding rank of a payload: whether it is a struct, whether it is
/// closed, its required properties and its properties. Higher is tried first.
pub(super) type Specificity = (bool, bool, usize, usize);

/// Orders candidate payloads: closed structs before open ones, then more
/// required properties, then more properties, so that a payload that would
/// also decode as a looser message is tried against the stricter one first.
pub(super) fn specificity(types: &GeneratedTypes, payload: Option<&TypeRef>) -> Specificity {
    let Some(TypeRef::Named(id)) = payload else {
        return (false, false, 0, 0);
    };
    match &types.space.get(*id).details {
        TypeDetails::Struct(details) => (
            true,
            details.additional.is_none(),
            details.fields.iter().filter(|f| f.required).count(),
            details.fields.len(),
        ),
        _ => (false, false, 0, 0),
    }
}

/// Finds the header field a correlation id `location` such as
/// `$message.header#/requestId` points to. Only a top-level string
/// property qualifies; other locations (the payload, nested or typed
/// properties) are left for the caller to fill.
fn correlation_field(
    types: &GeneratedTypes,
    headers: &TypeRef,
    location: &str,
) -> Option<CorrelationField> {
    let property = location.strip_prefix("$message.header#/")?;
    if property.contains('/') || property.contains('~') {
        return None;
    }
    let TypeRef::Named(id) = headers else {
        return None;
    };
    let TypeDetails::Struct(details) = &types.space.get(*id).details else {
        return None;
    };
    let field = details.fields.iter().find(|f| f.wire_name == property)?;
    if field.ty != TypeRef::String || field.nullable {
        return None;
    }
    Some(CorrelationField {
        ident: field.ident.clone(),
        optional: !field.required,
    })
}

fn property_names(types: &GeneratedTypes, headers: &TypeRef) -> Vec<String> {
    match headers {
        TypeRef::Named(id) => match &types.space.get(*id).details {
            TypeDetails::Struct(details) => {
                details.fields.iter().map(|f| f.wire_name.clone()).collect()
            }
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn operation_docs(operation: &Operation) -> Vec<String> {
    let mut docs = Vec::new();
    for text in [&operation.title, &operation.summary, &operation.description]
        .into_iter()
        .flatten()
    {
        if !docs.is_empty() {
            docs.push(String::new());
        }
        docs.extend(text.lines().map(str::to_owned));
    }
    docs
}

fn servers(api: &AsyncApi) -> Vec<ServerPlan> {
    let mut functions = NameScope::default();
    let mut plans = Vec::new();
    for (name, server) in &api.servers {
        let protocol = server.protocol.to_ascii_lowercase();
        if !matches!(protocol.as_str(), "http" | "https" | "nats") {
            continue;
        }
        let mut template = format!(
            "{protocol}://{}{}",
            server.host.trim_end_matches('/'),
            server.pathname.as_deref().unwrap_or_default()
        );
        let mut arguments = Vec::new();
        let mut argument_names = NameScope::default();
        for (variable, definition) in &server.variables {
            let placeholder = format!("{{{variable}}}");
            if !template.contains(&placeholder) {
                continue;
            }
            match &definition.default {
                Some(default) => template = template.replace(&placeholder, default),
                None => arguments.push((
                    variable.clone(),
                    argument_names.claim(&snake_case(variable, "variable")),
                )),
            }
        }
        let mut docs: Vec<String> = server
            .description
            .iter()
            .chain(server.summary.iter())
            .flat_map(|text| text.lines().map(str::to_owned))
            .collect();
        if !docs.is_empty() {
            docs.push(String::new());
        }
        docs.push(format!("The URL of server `{name}`: `{template}`."));
        plans.push(ServerPlan {
            function: functions.claim(&snake_case(name, "server")),
            docs,
            template,
            arguments,
        });
    }
    plans
}
