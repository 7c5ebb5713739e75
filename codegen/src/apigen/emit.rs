//! Rust tokens for a [`Plan`]: parameters structs, message enums, the
//! client, the handler trait, the router and the `servers` module.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote, ToTokens};

use super::plan::{Candidate, MessageSet, OperationPlan, ParametersPlan, Plan, ServerPlan};
use crate::typegen::emit::doc_text;

pub(super) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

pub(super) fn docs(lines: &[String]) -> TokenStream {
    let lines = doc_text(lines).into_iter().map(|line| format!(" {line}"));
    quote! { #( #[doc = #lines] )* }
}

/// Builds all API items of `plan`.
pub(super) fn items(plan: &Plan) -> TokenStream {
    let parameters = plan.parameters.iter().map(parameters_item);
    let operations = plan.sent.iter().chain(&plan.received);
    let enums = operations.flat_map(|op| {
        [Some(&op.message), op.reply.as_ref()]
            .into_iter()
            .flatten()
            .map(|set| message_enum(set, op))
    });
    let nats_operations = plan.nats_sent.iter().chain(&plan.nats_received);
    let nats_enums = nats_operations.map(|op| message_enum(&op.message, op));
    let client = (!plan.sent.is_empty()).then(|| client(plan));
    let handler = (!plan.received.is_empty()).then(|| handler(plan));
    let nats_client = (!plan.nats_sent.is_empty()).then(|| super::emit_nats::client(plan));
    let nats_handler = (!plan.nats_received.is_empty()).then(|| super::emit_nats::handler(plan));
    let servers = (!plan.servers.is_empty()).then(|| servers(&plan.servers));
    quote! {
        #(#parameters)*
        #(#enums)*
        #(#nats_enums)*
        #client
        #handler
        #nats_client
        #nats_handler
        #servers
    }
}

fn parameters_item(plan: &ParametersPlan) -> TokenStream {
    let name = ident(&plan.type_name);
    let doc = docs(&[format!(
        "The parameters of channel `{}`, whose address is `{}`.",
        plan.channel, plan.address
    )]);
    let enums = plan.fields.iter().filter_map(|field| {
        let values = field.values.as_ref()?;
        let name = ident(&values.type_name);
        let doc = docs(&[format!(
            "The allowed values of parameter `{}`.",
            field.wire_name
        )]);
        let variants: Vec<Ident> = values.variants.iter().map(|(v, _)| ident(v)).collect();
        let wire: Vec<&String> = values.variants.iter().map(|(_, w)| w).collect();
        let wire_docs: Vec<TokenStream> = wire.iter().map(|w| docs(&[format!("`{w}`")])).collect();
        Some(quote! {
            #doc
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub enum #name {
                #( #wire_docs #variants, )*
            }

            impl #name {
                /// Returns the value as it appears in the address.
                pub fn as_str(&self) -> &'static str {
                    match self { #( Self::#variants => #wire, )* }
                }

                /// Parses a value of the address; `None` when it is not
                /// one of the allowed values.
                pub fn parse(value: &str) -> ::std::option::Option<Self> {
                    match value {
                        #( #wire => ::std::option::Option::Some(Self::#variants), )*
                        _ => ::std::option::Option::None,
                    }
                }
            }
        })
    });
    let fields = plan.fields.iter().map(|field| {
        let field_ident = ident(&field.ident);
        let doc = docs(&field.docs);
        let ty = match &field.values {
            Some(values) => {
                let ty = ident(&values.type_name);
                quote!(#ty)
            }
            None => quote!(::std::string::String),
        };
        quote! { #doc pub #field_ident: #ty, }
    });
    let pairs = plan.fields.iter().map(|field| {
        let wire = &field.wire_name;
        let field_ident = ident(&field.ident);
        quote! { (#wire, self.#field_ident.as_str()) }
    });
    let segment_idents: Vec<Ident> = (0..plan.positions.len())
        .map(|i| format_ident!("segment_{}", i))
        .collect();
    let initializers = plan.fields.iter().enumerate().map(|(index, field)| {
        let field_ident = ident(&field.ident);
        let position = plan.positions.iter().position(|p| *p == index).unwrap_or(0);
        let segment = &segment_idents[position];
        match &field.values {
            Some(values) => {
                let ty = ident(&values.type_name);
                quote! { #field_ident: #ty::parse(&#segment.1)? }
            }
            None => quote! { #field_ident: #segment.1.clone() },
        }
    });
    let address = &plan.address;
    let render = match &plan.subject {
        None => quote! {
            /// Renders the address with each value percent-encoded as one
            /// path segment.
            pub fn address(&self) -> ::std::string::String {
                ::hookforge::api::render_address(Self::ADDRESS, &[#(#pairs),*])
            }
        },
        Some(subject) => quote! {
            /// The NATS subject, with a `{name}` per parameter.
            pub const SUBJECT: &'static str = #subject;

            /// Renders the NATS subject. Each value must be one subject
            /// token: not empty, without `.`, `/`, `*`, `>`, whitespace or
            /// control characters.
            ///
            /// # Errors
            ///
            /// `NatsClientError::Parameter` naming the first value that is
            /// not a subject token.
            pub fn subject(&self) -> ::std::result::Result<::std::string::String, ::hookforge::api::nats::NatsClientError> {
                ::hookforge::api::nats::render_subject(Self::SUBJECT, &[#(#pairs),*])
            }
        },
    };
    let from_doc = if plan.subject.is_some() {
        quote! {
            /// Reads the parameters from the tokens of a received subject,
            /// in address order; `None` when a value is not allowed.
        }
    } else {
        quote! {
            /// Reads the parameters from the decoded path segments of a
            /// matched route, in address order; `None` when a value is not
            /// allowed.
        }
    };
    quote! {
        #(#enums)*

        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            /// The channel address, with a `{name}` per parameter.
            pub const ADDRESS: &'static str = #address;

            #render

            #from_doc
            pub fn from_segments(
                segments: &[(::std::string::String, ::std::string::String)],
            ) -> ::std::option::Option<Self> {
                let [#(#segment_idents),*] = segments else {
                    return ::std::option::Option::None;
                };
                ::std::option::Option::Some(Self { #(#initializers,)* })
            }
        }
    }
}

fn message_enum(set: &MessageSet, operation: &OperationPlan) -> TokenStream {
    let Some(name) = &set.enum_name else {
        return TokenStream::new();
    };
    let name = ident(name);
    let is_reply = operation
        .reply
        .as_ref()
        .is_some_and(|reply| std::ptr::eq(reply, set));
    let doc = if is_reply {
        docs(&[format!(
            "The replies of operation `{}`, decoded by trying each in turn.",
            operation.operation_id
        )])
    } else {
        docs(&[format!(
            "The messages of operation `{}`.",
            operation.operation_id
        )])
    };
    let variants = set.candidates.iter().map(|candidate| {
        let variant = ident(&candidate.variant);
        let ty = candidate.type_tokens();
        let doc = docs(&[format!("Message `{}`.", candidate.event_type)]);
        quote! { #doc #variant(#ty), }
    });
    let serde = is_reply.then(|| {
        quote! {
            #[derive(::hookforge::serde::Serialize, ::hookforge::serde::Deserialize)]
            #[serde(crate = "::hookforge::serde", untagged)]
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #serde
        #[allow(clippy::large_enum_variant, clippy::enum_variant_names)]
        pub enum #name {
            #(#variants)*
        }
    }
}

/// Builds the `Outgoing` of one candidate whose value is bound to `value`,
/// filling an empty correlation id first.
fn outgoing(candidate: &Candidate, value: &TokenStream) -> TokenStream {
    let event_type = &candidate.event_type;
    let content_type = &candidate.content_type;
    let plain = quote! {
        ::hookforge::api::Outgoing::json(#event_type, #content_type, &#value)?
    };
    let with_headers = quote! {
        ::hookforge::api::Outgoing::json(#event_type, #content_type, &#value.payload)?
            .with_headers(&#value.headers)?
    };
    encode_message(candidate, value, plain, with_headers)
}

/// Picks `plain` for a message without headers and `with_headers`
/// otherwise, filling an empty correlation id header of `value` first.
pub(super) fn encode_message(
    candidate: &Candidate,
    value: &TokenStream,
    plain: TokenStream,
    with_headers: TokenStream,
) -> TokenStream {
    if candidate.headers.is_none() {
        return plain;
    }
    let Some(correlation) = &candidate.correlation else {
        return with_headers;
    };
    let field = ident(&correlation.ident);
    let fill = if correlation.optional {
        quote! {
            if #value.headers.#field.is_none() {
                #value.headers.#field = ::std::option::Option::Some(::hookforge::api::new_correlation_id());
            }
        }
    } else {
        quote! {
            if #value.headers.#field.is_empty() {
                #value.headers.#field = ::hookforge::api::new_correlation_id();
            }
        }
    };
    quote! {
        {
            let mut #value = #value;
            #fill
            #with_headers
        }
    }
}

fn client(plan: &Plan) -> TokenStream {
    let name = ident(&plan.client);
    let has_replies = plan.sent.iter().any(|op| op.reply.is_some());
    let requester_field = has_replies.then(|| {
        quote! { requester: ::std::option::Option<::hookforge::client::request::RequestSender>, }
    });
    let requester_init = has_replies.then(|| quote! { requester: ::std::option::Option::None, });
    let requester_setter = has_replies.then(|| {
        quote! {
            /// Adds the sender for request/reply operations, whose reply
            /// comes in the HTTP response and so cannot go through the
            /// outbox.
            pub fn with_requester(mut self, requester: ::hookforge::client::request::RequestSender) -> Self {
                self.requester = ::std::option::Option::Some(requester);
                self
            }
        }
    });
    let methods = plan.sent.iter().map(|op| client_method(plan, op));
    quote! {
        /// Sends the document's outgoing messages as signed webhooks.
        ///
        /// Each method renders `base_url` plus the channel address,
        /// serializes the message as JSON and stores it in the sender's
        /// outbox; the sender's worker delivers it.
        pub struct #name<S> {
            sender: ::hookforge::client::WebhookSender<S>,
            base_url: ::std::string::String,
            #requester_field
        }

        impl<S: ::hookforge::outbox::OutboxStore> #name<S> {
            /// Creates a client that sends through `sender` to the
            /// endpoints under `base_url` (see the `servers` module, when
            /// the document has HTTP servers).
            pub fn new(
                sender: ::hookforge::client::WebhookSender<S>,
                base_url: impl ::std::convert::Into<::std::string::String>,
            ) -> Self {
                Self { sender, base_url: base_url.into(), #requester_init }
            }

            #requester_setter

            /// Returns the URL the channel addresses are appended to.
            pub fn base_url(&self) -> &str {
                &self.base_url
            }

            /// Returns the webhook sender.
            pub fn sender(&self) -> &::hookforge::client::WebhookSender<S> {
                &self.sender
            }

            #(#methods)*
        }
    }
}

fn client_method(plan: &Plan, op: &OperationPlan) -> TokenStream {
    let method = ident(&op.method);
    let mut doc_lines = op.docs.clone();
    if !doc_lines.is_empty() {
        doc_lines.push(String::new());
    }
    doc_lines.push(format!(
        "Operation `{}`: sends to `{}`.",
        op.operation_id, op.address
    ));
    let doc = docs(&doc_lines);
    let (parameter_arg, address) = match op.parameters {
        Some(index) => {
            let ty = ident(&plan.parameters[index].type_name);
            (
                quote! { parameters: &#ty, },
                quote! { &parameters.address() },
            )
        }
        None => {
            let address = &op.address;
            (TokenStream::new(), quote! { #address })
        }
    };
    let message_ty = op.message.type_tokens();
    let value = quote!(message);
    let encode = match &op.message.enum_name {
        None => match op.message.candidates.first() {
            Some(candidate) => outgoing(candidate, &value),
            None => TokenStream::new(),
        },
        Some(enum_name) => {
            let enum_ident = ident(enum_name);
            let arms = op.message.candidates.iter().map(|candidate| {
                let variant = ident(&candidate.variant);
                let encode = outgoing(candidate, &value);
                quote! { #enum_ident::#variant(message) => #encode, }
            });
            quote! { match message { #(#arms)* } }
        }
    };
    let (output, call) = match &op.reply {
        Some(reply) => {
            let reply_ty = reply.type_tokens();
            (
                reply_ty,
                quote! { ::hookforge::api::request(self.requester.as_ref(), endpoint, outgoing).await },
            )
        }
        None => (
            quote!(::hookforge::client::Accepted),
            quote! { ::hookforge::api::send(&self.sender, endpoint, outgoing).await },
        ),
    };
    quote! {
        #doc
        pub async fn #method(
            &self,
            #parameter_arg
            message: #message_ty,
        ) -> ::std::result::Result<#output, ::hookforge::api::ClientError> {
            let endpoint = ::hookforge::api::join_url(&self.base_url, #address);
            let outgoing = #encode;
            #call
        }
    }
}

fn handler(plan: &Plan) -> TokenStream {
    let name = ident(&plan.handler);
    let methods = plan.received.iter().map(|op| {
        let method = ident(&op.method);
        let mut doc_lines = op.docs.clone();
        if !doc_lines.is_empty() {
            doc_lines.push(String::new());
        }
        doc_lines.push(format!(
            "Operation `{}`: {} `{}`.",
            op.operation_id, op.http_method, op.address
        ));
        let doc = docs(&doc_lines);
        let parameter_arg = op.parameters.map(|index| {
            let ty = ident(&plan.parameters[index].type_name);
            quote! { parameters: #ty, }
        });
        let message_ty = op.message.type_tokens();
        let output = match &op.reply {
            Some(reply) => reply.type_tokens(),
            None => quote!(()),
        };
        quote! {
            #doc
            fn #method(
                &self,
                #parameter_arg
                message: #message_ty,
                webhook: &::hookforge::server::VerifiedWebhook,
            ) -> impl ::std::future::Future<Output = ::std::result::Result<#output, ::hookforge::api::HandlerError>> + ::std::marker::Send;
        }
    });
    let decoders = plan.routes.iter().map(|route| match &route.shared {
        None => route
            .operations
            .iter()
            .map(|&index| decoder(&plan.received[index], Receiving::Webhook))
            .collect(),
        Some(shared) => {
            super::emit_route::shared_decoder(&plan.received, route, shared, Receiving::Webhook)
        }
    });
    let routes = plan.routes.iter().map(|route| match &route.shared {
        None => route
            .operations
            .iter()
            .map(|&index| route_item(plan, &plan.received[index]))
            .collect(),
        Some(shared) => super::emit_route::shared_route(plan, route, shared),
    });
    quote! {
        /// Handles the document's incoming messages; [`router`] calls one
        /// method per received operation.
        ///
        /// A method's `Ok` becomes 204 No Content, or 200 with the reply as
        /// JSON for a request/reply operation. Its `Err` becomes the status
        /// of `::hookforge::api::HandlerError::status`: the sender retries
        /// a 5xx and gives up on a 422.
        pub trait #name: ::std::marker::Send + ::std::marker::Sync + 'static {
            #(#methods)*
        }

        /// Builds the axum router of the received operations.
        ///
        /// An unknown path gets 404, as does a path parameter outside its
        /// allowed values. Then the receiver reads the body (413 when too
        /// large), verifies the signature (401) and deduplicates by
        /// `webhook-id`. Then the payload is validated against its schema
        /// and decoded (400 with the errors as JSON), trying each message of
        /// the route's operations in turn, and the handler of the operation
        /// whose message matched is called.
        pub fn router<H: #name, S: ::hookforge::idempotency::IdempotencyStore>(
            handler: H,
            receiver: ::hookforge::server::WebhookReceiver<S>,
        ) -> ::hookforge::api::axum::Router {
            let handler = ::std::sync::Arc::new(handler);
            let receiver = ::std::sync::Arc::new(receiver);
            ::hookforge::api::axum::Router::new()
                #(#routes)*
        }

        #(#decoders)*
    }
}

/// Builds the decoding call of one candidate; `schema` names its `static`
/// `::hookforge::validation::PayloadSchema` when it has a schema.
pub(super) fn decode_candidate(
    candidate: &Candidate,
    schema: &Ident,
    receiving: Receiving,
) -> TokenStream {
    let payload = &candidate.payload;
    let (module, input) = match receiving {
        Receiving::Webhook => (quote!(::hookforge::api), quote!(webhook)),
        Receiving::Nats => (quote!(::hookforge::api::nats), quote!(delivery)),
    };
    match (&candidate.headers, &candidate.schema) {
        (Some((headers, names)), Some(_)) => quote! {
            #module::decode_validated_message::<#payload, #headers>(#input, &#schema, &[#(#names),*])
        },
        (Some((headers, names)), None) => quote! {
            #module::decode_message::<#payload, #headers>(#input, &[#(#names),*])
        },
        (None, Some(_)) => {
            quote! { #module::decode_validated::<#payload>(#input, &#schema) }
        }
        (None, None) => quote! { #module::decode_json::<#payload>(#input) },
    }
}

/// The input of a generated decoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Receiving {
    /// A `VerifiedWebhook` named `webhook`.
    Webhook,
    /// A NATS `VerifiedMessage` named `delivery`.
    Nats,
}

/// Writes `text` as a raw string literal with enough `#`s that no `"#...` in
/// the text ends it early.
fn raw_string(text: &str) -> TokenStream {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    let literal = format!("r{hashes}\"{text}\"{hashes}");
    literal
        .parse()
        .unwrap_or_else(|_| Literal::string(text).into_token_stream())
}

/// Builds the `static` schemas of candidates, named `SCHEMA_<n>` in order.
pub(super) fn schema_statics<'a>(
    candidates: impl ExactSizeIterator<Item = &'a Candidate> + Clone,
) -> (TokenStream, Vec<Ident>) {
    let names: Vec<Ident> = (0..candidates.len())
        .map(|index| format_ident!("SCHEMA_{}", index))
        .collect();
    let statics = candidates.zip(&names).filter_map(|(candidate, name)| {
        let schema = raw_string(&crate::bundle::escape_bidi_controls(candidate.schema.as_ref()?));
        Some(quote! {
            static #name: ::hookforge::validation::PayloadSchema = ::hookforge::validation::PayloadSchema::new(#schema);
        })
    });
    (quote! { #(#statics)* }, names)
}

pub(super) fn decoder(op: &OperationPlan, receiving: Receiving) -> TokenStream {
    let name = ident(&op.decoder);
    let message_ty = op.message.type_tokens();
    let (statics, schemas) = schema_statics(op.message.candidates.iter());
    let body = match &op.message.enum_name {
        None => match op.message.candidates.first() {
            Some(candidate) => decode_candidate(candidate, &schemas[0], receiving),
            None => TokenStream::new(),
        },
        Some(enum_name) => {
            let enum_ident = ident(enum_name);
            let attempts = op.message.candidates.iter().zip(&schemas).map(|(candidate, schema)| {
                let variant = ident(&candidate.variant);
                let label = &candidate.event_type;
                let decode = decode_candidate(candidate, schema, receiving);
                quote! {
                    match #decode {
                        ::std::result::Result::Ok(message) => return ::std::result::Result::Ok(#enum_ident::#variant(message)),
                        ::std::result::Result::Err(error) => errors.push((#label, error)),
                    }
                }
            });
            quote! {
                let mut errors = ::std::vec::Vec::new();
                #(#attempts)*
                ::std::result::Result::Err(::hookforge::api::DecodeError::no_match(errors))
            }
        }
    };
    let (what, input) = match receiving {
        Receiving::Webhook => (
            "webhook",
            quote! { webhook: &::hookforge::server::VerifiedWebhook },
        ),
        Receiving::Nats => (
            "NATS message",
            quote! { delivery: &::hookforge::transport::nats::VerifiedMessage },
        ),
    };
    let doc = docs(&[format!(
        "Decodes a {what} of operation `{}` into its message type.",
        op.operation_id
    )]);
    quote! {
        #doc
        fn #name(
            #input,
        ) -> ::std::result::Result<#message_ty, ::hookforge::api::DecodeError> {
            #statics
            #body
        }
    }
}

fn route_item(plan: &Plan, op: &OperationPlan) -> TokenStream {
    let path = &op.route;
    let filter = Ident::new(&op.http_method, Span::call_site());
    let method = ident(&op.method);
    let decoder = ident(&op.decoder);
    let respond = respond(op);
    let (extractor, parse, argument) = path_parameters(plan, op.parameters);
    quote! {
        .route(
            #path,
            ::hookforge::api::axum::routing::on(::hookforge::api::axum::routing::MethodFilter::#filter, {
                let handler = ::std::sync::Arc::clone(&handler);
                let receiver = ::std::sync::Arc::clone(&receiver);
                move |#extractor request: ::hookforge::api::axum::extract::Request| async move {
                    #parse
                    ::hookforge::api::serve(&receiver, request, #decoder, move |message, webhook| async move {
                        handler.#method(#argument message, &webhook).await #respond
                    })
                    .await
                }
            }),
        )
    }
}

/// Builds the mapping of a handler's `Ok` to the response: 204 without a
/// reply, 200 with the reply as JSON.
pub(super) fn respond(op: &OperationPlan) -> TokenStream {
    match &op.reply {
        Some(_) => quote! { .map(|reply| ::hookforge::api::json_reply(&reply)) },
        None => quote! { .map(|()| ::hookforge::api::no_content()) },
    }
}

/// Builds the path extractor of a route, the statement that reads the
/// parameters struct at `parameters` from it (404 when a value is not
/// allowed), and the handler argument; all empty without parameters.
pub(super) fn path_parameters(
    plan: &Plan,
    parameters: Option<usize>,
) -> (TokenStream, TokenStream, TokenStream) {
    match parameters {
        Some(index) => {
            let ty = ident(&plan.parameters[index].type_name);
            (
                quote! {
                    ::hookforge::api::axum::extract::Path(segments): ::hookforge::api::axum::extract::Path<::std::vec::Vec<(::std::string::String, ::std::string::String)>>,
                },
                quote! {
                    let ::std::option::Option::Some(parameters) = #ty::from_segments(&segments) else {
                        return ::hookforge::api::not_found();
                    };
                },
                quote! { parameters, },
            )
        }
        None => (TokenStream::new(), TokenStream::new(), TokenStream::new()),
    }
}

fn servers(servers: &[ServerPlan]) -> TokenStream {
    let functions = servers.iter().map(|server| {
        let name = ident(&server.function);
        let doc = docs(&server.docs);
        let template = Literal::string(&server.template);
        if server.arguments.is_empty() {
            return quote! {
                #doc
                pub fn #name() -> ::std::string::String {
                    ::std::string::String::from(#template)
                }
            };
        }
        let arguments: Vec<Ident> = server.arguments.iter().map(|(_, a)| ident(a)).collect();
        let wire: Vec<&String> = server.arguments.iter().map(|(w, _)| w).collect();
        quote! {
            #doc
            pub fn #name(#(#arguments: &str),*) -> ::std::string::String {
                ::hookforge::api::fill_variables(#template, &[#((#wire, #arguments)),*])
            }
        }
    });
    quote! {
        /// The document's servers: the base URL of each HTTP server, for
        /// the HTTP client, and the URL of each NATS server, to connect a
        /// NATS transport to.
        pub mod servers {
            #(#functions)*
        }
    }
}
