//! Selection of the generated types that derive `CloudEvent`, and their
//! attribute tokens.
//!
//! Each message recognised as a CloudEvent with fixed attributes (see
//! [`crate::cloudevents`]) marks its data type: the payload type, or the
//! type of the payload's `data` property for a structured-mode payload.
//! Only structs derive, because the derive takes an event `type` per enum
//! variant, which a generated enum does not have. A type that two messages
//! mark with different attributes derives nothing, since one Rust type can
//! convert to one event `type` only, and both messages get a warning.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::lower::lookup;
use super::space::{TypeDetails, TypeId, TypeRef, TypeSpace};
use crate::cloudevents::{recognize, CloudEventAttributes, DataLocation, Recognition, EXTENSION};
use crate::diagnostic::{Code, Diagnostic};
use crate::document::{Document, Target};
use crate::model::{Location, Message, SchemaRef};

/// A message whose data type should derive `CloudEvent`.
pub(super) struct Candidate {
    /// Message name, for diagnostics.
    pub name: String,
    /// Location of the message definition.
    pub location: Location,
    /// The attributes to derive with.
    pub attributes: CloudEventAttributes,
    /// The type that carries the event data.
    pub data: DataLocation,
    /// The payload type.
    pub payload: Option<TypeRef>,
}

/// Returns the candidate for `message`, when it is a CloudEvent with fixed
/// attributes. Problems with `x-cloudevents` are left to validation.
pub(super) fn candidate(
    document: &Document,
    name: &str,
    message: &Message,
    payload: Option<&TypeRef>,
) -> Option<Candidate> {
    let headers = message.headers.as_ref().and_then(|s| target(document, s));
    let payload_schema = message.payload.as_ref().and_then(|s| target(document, s));
    let recognition = recognize(
        document,
        message.extensions.get(EXTENSION),
        headers.as_ref(),
        payload_schema.as_ref(),
    );
    let Ok(Some(Recognition::Fixed {
        attributes, data, ..
    })) = recognition
    else {
        return None;
    };
    Some(Candidate {
        name: name.to_owned(),
        location: message.location.clone(),
        attributes,
        data,
        payload: payload.cloned(),
    })
}

fn target<'d>(document: &'d Document, schema: &'d SchemaRef) -> Option<Target<'d>> {
    Some(Target {
        file: schema.file,
        pointer: schema.pointer.clone(),
        node: schema.node(document)?,
    })
}

/// Marks the data type of each candidate in `space` and returns a warning
/// for each candidate whose type cannot derive.
pub(super) fn assign(
    document: &Document,
    space: &mut TypeSpace,
    candidates: Vec<Candidate>,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut marked: BTreeMap<TypeId, Vec<Candidate>> = BTreeMap::new();
    for candidate in candidates {
        match data_type(space, &candidate) {
            Ok(id) => marked.entry(id).or_default().push(candidate),
            Err(reason) => diagnostics.push(warning(document, &candidate, &reason)),
        }
    }
    for (id, candidates) in marked {
        let first = &candidates[0].attributes;
        if candidates.iter().all(|c| c.attributes == *first) {
            space.cloud_events.insert(id, first.clone());
            continue;
        }
        let name = &space.get(id).name;
        let types: Vec<String> = candidates
            .iter()
            .map(|c| format!("{:?} ({})", c.attributes.ty, c.name))
            .collect();
        let reason = format!(
            "its data type `{name}` is shared by messages with different CloudEvents \
             attributes: {}",
            types.join(", ")
        );
        for candidate in &candidates {
            diagnostics.push(warning(document, candidate, &reason));
        }
    }
    diagnostics
}

/// Returns the struct that is the candidate's data, or why there is none.
fn data_type(space: &TypeSpace, candidate: &Candidate) -> Result<TypeId, String> {
    let Some(payload) = candidate.payload.as_ref() else {
        return Err("it has no payload".to_owned());
    };
    let payload = named_struct(space, payload)
        .ok_or_else(|| "its payload type is not a struct".to_owned())?;
    match candidate.data {
        DataLocation::Payload => Ok(payload),
        DataLocation::DataProperty => {
            let TypeDetails::Struct(details) = &space.get(payload).details else {
                return Err("its payload type is not a struct".to_owned());
            };
            let data = details
                .fields
                .iter()
                .find(|field| field.wire_name == "data")
                .ok_or_else(|| "its structured-mode payload has no `data` property".to_owned())?;
            named_struct(space, &data.ty)
                .ok_or_else(|| "the type of its `data` property is not a struct".to_owned())
        }
    }
}

/// Follows `Option`, `Box` and aliases to a generated struct.
fn named_struct(space: &TypeSpace, ty: &TypeRef) -> Option<TypeId> {
    let mut ty = ty;
    // Bounded, because an alias chain could in principle loop.
    for _ in 0..16 {
        match ty {
            TypeRef::Option(inner) | TypeRef::Box(inner) => ty = inner,
            TypeRef::Named(id) => match &space.get(*id).details {
                TypeDetails::Struct(_) => return Some(*id),
                TypeDetails::Alias(inner) => ty = inner,
                _ => return None,
            },
            _ => return None,
        }
    }
    None
}

fn warning(document: &Document, candidate: &Candidate, reason: &str) -> Diagnostic {
    let diagnostic = Diagnostic::warning(
        Code::CloudEventNotDerived,
        format!(
            "message {:?} is a CloudEvent of type {:?}, but no type derives CloudEvent for it: \
             {reason}",
            candidate.name, candidate.attributes.ty
        ),
    )
    .with_help(
        "give the message an object payload of its own (in structured mode, an object \
         `data` property) to get CloudEvent conversions",
    );
    let location = &candidate.location;
    let node = document
        .tree(location.file)
        .and_then(|tree| lookup(tree, &location.pointer));
    match node {
        Some(node) => diagnostic.at(location.pointer.to_string(), node.span),
        None => diagnostic,
    }
}

/// Returns the `#[derive(CloudEvent)]` and `#[cloudevent(...)]` attributes
/// for `attributes`. String values enter as literals that `quote` escapes.
pub(super) fn attribute_tokens(attributes: &CloudEventAttributes) -> TokenStream {
    let ty = &attributes.ty;
    let source = &attributes.source;
    let subject = attributes.subject.as_ref().map(|v| quote!(, subject = #v));
    let dataschema = attributes
        .dataschema
        .as_ref()
        .map(|v| quote!(, dataschema = #v));
    let content_type = attributes
        .datacontenttype
        .as_ref()
        .map(|v| quote!(, datacontenttype = #v));
    quote! {
        #[derive(::hookforge::cloudevents::CloudEvent)]
        #[cloudevent(type = #ty, source = #source #subject #dataschema #content_type)]
    }
}
