//! Rust tokens for a route or NATS subject filter that several received
//! operations share. Each gets a private enum with one variant per
//! operation and a decoder that tries the messages of all of them. An HTTP
//! route also gets the `.route(...)` call that invokes the handler method
//! of the operation whose message matched, and `emit_nats` writes the
//! NATS dispatcher's branch.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::emit::{
    decode_candidate, docs, ident, path_parameters, respond, schema_statics, Receiving,
};
use super::plan::{OperationPlan, Plan};
use super::routes::{RoutePlan, SharedRoute};

/// Returns the operation at `position` of the route, whose operations are
/// indexes into `received`.
fn operation<'a>(
    received: &'a [OperationPlan],
    route: &RoutePlan,
    position: usize,
) -> &'a OperationPlan {
    &received[route.operations[position]]
}

/// Builds the route's enum and its decoder, which reads the input of
/// `receiving`. `received` is the plan's list of received operations of
/// the route's transport.
pub(super) fn shared_decoder(
    received: &[OperationPlan],
    route: &RoutePlan,
    shared: &SharedRoute,
    receiving: Receiving,
) -> TokenStream {
    let enum_ident = ident(&shared.enum_name);
    let operation_ids: Vec<String> = (0..route.operations.len())
        .map(|position| format!("`{}`", operation(received, route, position).operation_id))
        .collect();
    let address = &operation(received, route, 0).address;
    let place = match receiving {
        Receiving::Webhook => format!("{} `{address}`", route.http_method),
        Receiving::Nats => format!("NATS subject `{}`", route.path),
    };
    let enum_doc = docs(&[format!(
        "A message received on {place}, with one variant per operation there: {}.",
        operation_ids.join(", ")
    )]);
    let variants = shared
        .variants
        .iter()
        .enumerate()
        .map(|(position, variant)| {
            let variant = ident(variant);
            let ty = operation(received, route, position).message.type_tokens();
            quote! { #variant(#ty), }
        });
    let candidates = shared
        .order
        .iter()
        .map(|&(position, index)| &operation(received, route, position).message.candidates[index]);
    let (statics, schemas) = schema_statics(candidates.clone());
    let attempts = shared
        .order
        .iter()
        .zip(candidates)
        .zip(&schemas)
        .map(|((&(position, _), candidate), schema)| {
            let op = operation(received, route, position);
            let variant = ident(&shared.variants[position]);
            let message = match &op.message.enum_name {
                Some(name) => {
                    let name = ident(name);
                    let inner = ident(&candidate.variant);
                    quote! { #name::#inner(message) }
                }
                None => quote! { message },
            };
            let label = &candidate.event_type;
            let decode = decode_candidate(candidate, schema, receiving);
            quote! {
                match #decode {
                    ::std::result::Result::Ok(message) => return ::std::result::Result::Ok(#enum_ident::#variant(#message)),
                    ::std::result::Result::Err(error) => errors.push((#label, error)),
                }
            }
        });
    let name = ident(&shared.decoder);
    let (doc, input) = match receiving {
        Receiving::Webhook => (
            docs(&[format!(
                "Decodes a webhook received on {} `{address}` into the message of one of its operations, trying the most specific message first.",
                route.http_method
            )]),
            quote! { webhook: &::hookforge::server::VerifiedWebhook },
        ),
        Receiving::Nats => (
            docs(&[format!(
                "Decodes a NATS message received on subject `{}` into the message of one of its operations, trying the most specific message first.",
                route.path
            )]),
            quote! { delivery: &::hookforge::transport::nats::VerifiedMessage },
        ),
    };
    quote! {
        #enum_doc
        #[allow(clippy::large_enum_variant, clippy::enum_variant_names)]
        enum #enum_ident {
            #(#variants)*
        }

        #doc
        fn #name(
            #input,
        ) -> ::std::result::Result<#enum_ident, ::hookforge::api::DecodeError> {
            #statics
            let mut errors = ::std::vec::Vec::new();
            #(#attempts)*
            ::std::result::Result::Err(::hookforge::api::DecodeError::no_match(errors))
        }
    }
}

/// Builds the `.route(...)` call that decodes with the route's decoder and
/// calls the handler method of the operation whose message matched.
pub(super) fn shared_route(plan: &Plan, route: &RoutePlan, shared: &SharedRoute) -> TokenStream {
    let path = &route.path;
    let filter = Ident::new(&route.http_method, Span::call_site());
    let decoder = ident(&shared.decoder);
    let enum_ident = ident(&shared.enum_name);
    // The planner admits an operation to a shared route only with the same
    // parameters struct as the first one.
    let received = &plan.received;
    let parameters = operation(received, route, 0).parameters;
    let (extractor, parse, argument) = path_parameters(plan, parameters);
    let arms = shared.variants.iter().enumerate().map(|(position, variant)| {
        let op = operation(received, route, position);
        let variant = ident(variant);
        let method = ident(&op.method);
        let respond = respond(op);
        quote! {
            #enum_ident::#variant(message) => handler.#method(#argument message, &webhook).await #respond,
        }
    });
    quote! {
        .route(
            #path,
            ::hookforge::api::axum::routing::on(::hookforge::api::axum::routing::MethodFilter::#filter, {
                let handler = ::std::sync::Arc::clone(&handler);
                let receiver = ::std::sync::Arc::clone(&receiver);
                move |#extractor request: ::hookforge::api::axum::extract::Request| async move {
                    #parse
                    ::hookforge::api::serve(&receiver, request, #decoder, move |message, webhook| async move {
                        match message {
                            #(#arms)*
                        }
                    })
                    .await
                }
            }),
        )
    }
}
