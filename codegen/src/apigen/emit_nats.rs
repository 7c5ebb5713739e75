//! Rust tokens for the NATS operations of a [`Plan`]: the `NatsClient`,
//! the `NatsHandler` trait, its decoders and its dispatcher.

use proc_macro2::TokenStream;
use quote::quote;

use super::emit::{decoder, docs, encode_message, ident, Receiving};
use super::emit_route::shared_decoder;
use super::plan::{Candidate, OperationPlan, Plan};
use super::routes::{RoutePlan, SharedRoute};

/// Builds the NATS client struct and its methods.
pub(super) fn client(plan: &Plan) -> TokenStream {
    let name = ident(&plan.nats_client);
    let methods = plan.nats_sent.iter().map(|op| client_method(plan, op));
    quote! {
        /// Publishes the document's outgoing NATS messages through a
        /// transport, such as `::hookforge::transport::nats::NatsTransport`.
        ///
        /// Each method renders the subject from the channel address,
        /// serializes the message as JSON with its headers, publishes it
        /// and returns the published envelope. The envelope's id is the
        /// `webhook-id` that signs the message and deduplicates it, so
        /// publishing the same envelope again with [`Self::publish`] gets
        /// it handled once, within the stream's duplicate window and the
        /// receiver's record of handled ids.
        pub struct #name<T> {
            transport: T,
        }

        impl<T: ::hookforge::transport::Transport> #name<T> {
            /// Creates a client that publishes through `transport`.
            pub fn new(transport: T) -> Self {
                Self { transport }
            }

            /// Returns the transport.
            pub fn transport(&self) -> &T {
                &self.transport
            }

            /// Publishes an envelope that a method returned once more, with
            /// the same id, such as after an error whose outcome is unknown.
            pub async fn publish(
                &self,
                envelope: &::hookforge::api::nats::Envelope,
            ) -> ::std::result::Result<(), ::hookforge::api::nats::NatsClientError> {
                ::hookforge::api::nats::publish(&self.transport, envelope).await
            }

            #(#methods)*
        }
    }
}

/// Builds the envelope of one candidate whose value is bound to `message`,
/// for the subject bound to `subject`.
fn envelope(candidate: &Candidate) -> TokenStream {
    let content_type = &candidate.content_type;
    let value = quote!(message);
    let plain = quote! {
        ::hookforge::api::nats::Envelope::json(subject, #content_type, &message)?
    };
    let with_headers = quote! {
        ::hookforge::api::nats::Envelope::json(subject, #content_type, &message.payload)?
            .with_headers(&message.headers)?
    };
    encode_message(candidate, &value, plain, with_headers)
}

fn client_method(plan: &Plan, op: &OperationPlan) -> TokenStream {
    let method = ident(&op.method);
    let mut doc_lines = op.docs.clone();
    if !doc_lines.is_empty() {
        doc_lines.push(String::new());
    }
    doc_lines.push(format!(
        "Operation `{}`: publishes to NATS subject `{}`.",
        op.operation_id, op.route
    ));
    let doc = docs(&doc_lines);
    let (parameter_arg, subject) = match op.parameters {
        Some(index) => {
            let ty = ident(&plan.parameters[index].type_name);
            (
                quote! { parameters: &#ty, },
                quote! { parameters.subject()? },
            )
        }
        None => {
            let subject = &op.route;
            (
                TokenStream::new(),
                quote! { ::std::string::String::from(#subject) },
            )
        }
    };
    let message_ty = op.message.type_tokens();
    let encode = match &op.message.enum_name {
        None => match op.message.candidates.first() {
            Some(candidate) => envelope(candidate),
            None => TokenStream::new(),
        },
        Some(enum_name) => {
            let enum_ident = ident(enum_name);
            let arms = op.message.candidates.iter().map(|candidate| {
                let variant = ident(&candidate.variant);
                let encode = envelope(candidate);
                quote! { #enum_ident::#variant(message) => #encode, }
            });
            quote! { match message { #(#arms)* } }
        }
    };
    quote! {
        #doc
        pub async fn #method(
            &self,
            #parameter_arg
            message: #message_ty,
        ) -> ::std::result::Result<::hookforge::api::nats::Envelope, ::hookforge::api::nats::NatsClientError> {
            let subject = #subject;
            let envelope = #encode;
            ::hookforge::api::nats::publish(&self.transport, &envelope).await?;
            ::std::result::Result::Ok(envelope)
        }
    }
}

/// Builds the NATS handler trait, `NATS_SUBJECTS`, the dispatcher and the
/// decoders.
pub(super) fn handler(plan: &Plan) -> TokenStream {
    let name = ident(&plan.nats_handler);
    let methods = plan.nats_received.iter().map(|op| {
        let method = ident(&op.method);
        let mut doc_lines = op.docs.clone();
        if !doc_lines.is_empty() {
            doc_lines.push(String::new());
        }
        doc_lines.push(format!(
            "Operation `{}`: receives on NATS subject `{}`.",
            op.operation_id, op.route
        ));
        let doc = docs(&doc_lines);
        let parameter_arg = op.parameters.map(|index| {
            let ty = ident(&plan.parameters[index].type_name);
            quote! { parameters: #ty, }
        });
        let message_ty = op.message.type_tokens();
        quote! {
            #doc
            fn #method(
                &self,
                #parameter_arg
                message: #message_ty,
                delivery: &::hookforge::transport::nats::VerifiedMessage,
            ) -> impl ::std::future::Future<Output = ::std::result::Result<(), ::hookforge::api::HandlerError>> + ::std::marker::Send;
        }
    });
    let subjects = plan.nats_routes.iter().map(|route| &route.path);
    let arms = plan.nats_routes.iter().map(|route| match &route.shared {
        None => route
            .operations
            .iter()
            .map(|&index| dispatch_arm(plan, &plan.nats_received[index]))
            .collect(),
        Some(shared) => shared_dispatch_arm(plan, route, shared),
    });
    let decoders = plan.nats_routes.iter().map(|route| match &route.shared {
        None => route
            .operations
            .iter()
            .map(|&index| decoder(&plan.nats_received[index], Receiving::Nats))
            .collect(),
        Some(shared) => shared_decoder(&plan.nats_received, route, shared, Receiving::Nats),
    });
    quote! {
        /// Handles the document's incoming NATS messages; the dispatcher of
        /// [`nats_dispatcher`] calls one method per received operation.
        ///
        /// A message reaches a method after the `NatsReceiver` verified its
        /// signature and claimed its `webhook-id`, and after its payload
        /// passed its JSON Schema and decoded. A method's `Ok` acknowledges
        /// the message. `HandlerError::Reject` terminates it, and the other
        /// errors have JetStream redeliver it.
        pub trait #name: ::std::marker::Send + ::std::marker::Sync + 'static {
            #(#methods)*
        }

        /// The subject filters of the received operations, with `*` for
        /// each channel parameter: what a `Subscription` or a JetStream
        /// stream must cover.
        pub const NATS_SUBJECTS: &[&str] = &[#(#subjects),*];

        /// Builds the message handler for `NatsReceiver::run` and
        /// `run_until`: it finds the received operation whose subject
        /// matches, reads the channel parameters from the subject,
        /// validates the payload against its schema, decodes it and calls
        /// the handler's method.
        ///
        /// A message that matches no operation, or does not decode, is
        /// terminated without calling the handler.
        pub fn nats_dispatcher<H: #name>(
            handler: H,
        ) -> impl ::std::ops::Fn(::hookforge::transport::nats::VerifiedMessage) -> ::hookforge::api::nats::Dispatch
               + ::std::marker::Send
               + ::std::marker::Sync
               + 'static {
            let handler = ::std::sync::Arc::new(handler);
            move |delivery| {
                let handler = ::std::sync::Arc::clone(&handler);
                ::std::boxed::Box::pin(async move { dispatch_nats(&*handler, delivery).await })
            }
        }

        /// Receives from `subscription` with `receiver` and dispatches each
        /// message to `handler`, until the subscription ends or `shutdown`
        /// completes.
        ///
        /// # Errors
        ///
        /// The receiver's error when the subscription fails.
        pub async fn receive_nats<H, S, D>(
            handler: H,
            receiver: &::hookforge::transport::nats::NatsReceiver<S>,
            subscription: ::hookforge::transport::nats::Subscription,
            shutdown: D,
        ) -> ::std::result::Result<(), ::hookforge::transport::TransportError>
        where
            H: #name,
            S: ::hookforge::idempotency::IdempotencyStore,
            D: ::std::future::Future<Output = ()>,
        {
            receiver
                .run_until(subscription, nats_dispatcher(handler), shutdown)
                .await
        }

        async fn dispatch_nats<H: #name>(
            handler: &H,
            delivery: ::hookforge::transport::nats::VerifiedMessage,
        ) -> ::std::result::Result<(), ::hookforge::transport::nats::HandlerError> {
            #(#arms)*
            ::std::result::Result::Err(::hookforge::api::nats::unmatched(&delivery.subject))
        }

        #(#decoders)*
    }
}

/// Builds the part of `dispatch_nats` that handles one operation's subject.
fn dispatch_arm(plan: &Plan, op: &OperationPlan) -> TokenStream {
    let method = ident(&op.method);
    let decoder = ident(&op.decoder);
    subject_arm(plan, &op.route, op.parameters, |argument| {
        quote! {
            let message = #decoder(&delivery)
                .map_err(|error| ::hookforge::api::nats::decode_failed(&delivery, error))?;
            return handler
                .#method(#argument message, &delivery)
                .await
                .map_err(::hookforge::api::nats::handler_error);
        }
    })
}

/// Builds the part of `dispatch_nats` that handles a subject filter that
/// several operations share: it decodes with the shared decoder and calls
/// the method of the operation whose message matched.
fn shared_dispatch_arm(plan: &Plan, route: &RoutePlan, shared: &SharedRoute) -> TokenStream {
    let decoder = ident(&shared.decoder);
    let enum_ident = ident(&shared.enum_name);
    // The planner admits an operation to a shared subject only with the
    // same parameters struct as the first one.
    let parameters = route
        .operations
        .first()
        .and_then(|&index| plan.nats_received[index].parameters);
    subject_arm(plan, &route.path, parameters, |argument| {
        let arms = shared.variants.iter().zip(&route.operations).map(|(variant, &index)| {
            let variant = ident(variant);
            let method = ident(&plan.nats_received[index].method);
            quote! {
                #enum_ident::#variant(message) => handler.#method(#argument message, &delivery).await,
            }
        });
        quote! {
            let message = #decoder(&delivery)
                .map_err(|error| ::hookforge::api::nats::decode_failed(&delivery, error))?;
            let result = match message {
                #(#arms)*
            };
            return result.map_err(::hookforge::api::nats::handler_error);
        }
    })
}

/// Wraps `call` in the test for subject filter `filter`, reading the
/// parameters struct at `parameters` from the subject's tokens first;
/// `call` takes the handler argument for the parameters.
fn subject_arm(
    plan: &Plan,
    filter: &str,
    parameters: Option<usize>,
    call: impl FnOnce(TokenStream) -> TokenStream,
) -> TokenStream {
    match parameters {
        Some(index) => {
            let ty = ident(&plan.parameters[index].type_name);
            let call = call(quote! { parameters, });
            quote! {
                if let ::std::option::Option::Some(parameters) =
                    ::hookforge::api::nats::subject_parameters(#filter, &delivery.subject)
                        .and_then(|tokens| #ty::from_segments(&tokens))
                {
                    #call
                }
            }
        }
        None => {
            let call = call(TokenStream::new());
            quote! {
                if delivery.subject == #filter {
                    #call
                }
            }
        }
    }
}
