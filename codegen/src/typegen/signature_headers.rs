//! Removal of the Standard Webhooks `webhook-timestamp` and
//! `webhook-signature` headers from generated headers structs.
//!
//! Documents often list all three Standard Webhooks headers in a message's
//! headers schema. The runtime's sender writes the timestamp and the
//! signature at every attempt and drops any that the application passes.
//! Its receiver verifies both before a message is decoded. A headers struct
//! that required them from the caller would only get placeholder values.
//! `webhook-id` stays, because a caller may choose the id and the sender
//! keeps it.

use std::collections::HashSet;

use super::space::{TypeDetails, TypeId, TypeRef, TypeSpace};
use super::MessageTypes;

/// The header names the runtime sets and verifies, compared without regard
/// to ASCII case as HTTP header names are.
pub(super) const SIGNATURE_HEADERS: [&str; 2] = ["webhook-timestamp", "webhook-signature"];

/// Removes the [`SIGNATURE_HEADERS`] properties from every struct that is
/// the headers type of a message and nothing else, and records them in the
/// struct's [`omitted`](super::space::StructDetails::omitted) list.
///
/// A struct that a payload or another type also uses keeps its fields,
/// because there they are data that must round-trip.
pub(super) fn omit_signature_headers(space: &mut TypeSpace, messages: &[MessageTypes]) {
    let used_elsewhere = referenced_outside_headers(space, messages);
    let mut done = HashSet::new();
    for message in messages {
        let Some(TypeRef::Named(id)) = message.headers else {
            continue;
        };
        if used_elsewhere.contains(&id) || !done.insert(id) {
            continue;
        }
        let entry = &mut space.entries[id.0];
        let TypeDetails::Struct(details) = &mut entry.details else {
            continue;
        };
        let (omitted, kept) = details
            .fields
            .drain(..)
            .partition(|field| is_signature_header(&field.wire_name));
        details.fields = kept;
        let omitted: Vec<_> = omitted.into_iter().map(|field| field.wire_name).collect();
        if omitted.is_empty() {
            continue;
        }
        if !entry.docs.is_empty() {
            entry.docs.push(String::new());
        }
        let names: Vec<String> = omitted.iter().map(|name| format!("`{name}`")).collect();
        entry.docs.push(format!(
            "Leaves out {}: the sender sets them at every attempt,",
            names.join(" and ")
        ));
        entry
            .docs
            .push("and the receiver verifies them before decoding.".to_owned());
        if details.additional.is_none() {
            // A closed struct cannot reject the names it leaves out, and
            // serde cannot ignore only some names, so it accepts any.
            entry.docs.push(
                "Decoding ignores properties not listed here, so that headers with them".to_owned(),
            );
            entry.docs.push("still decode.".to_owned());
        }
        details.omitted = omitted;
    }
}

/// Checks whether `name` is one of [`SIGNATURE_HEADERS`].
pub(super) fn is_signature_header(name: &str) -> bool {
    SIGNATURE_HEADERS
        .iter()
        .any(|header| header.eq_ignore_ascii_case(name))
}

/// Collects the named types that a payload or another type refers to.
fn referenced_outside_headers(space: &TypeSpace, messages: &[MessageTypes]) -> HashSet<TypeId> {
    let mut found = HashSet::new();
    for payload in messages.iter().filter_map(|m| m.payload.as_ref()) {
        collect(payload, &mut found);
    }
    for (_, entry) in space.iter() {
        match &entry.details {
            TypeDetails::Struct(details) => {
                for field in &details.fields {
                    collect(&field.ty, &mut found);
                }
                if let Some(additional) = &details.additional {
                    collect(additional, &mut found);
                }
            }
            TypeDetails::OneOf(details) => {
                for variant in &details.variants {
                    collect(&variant.ty, &mut found);
                }
            }
            TypeDetails::Alias(ty) | TypeDetails::Newtype(ty) => collect(ty, &mut found),
            TypeDetails::StringEnum(_) | TypeDetails::ValueEnum(_) | TypeDetails::Const(_) => {}
        }
    }
    found
}

fn collect(ty: &TypeRef, found: &mut HashSet<TypeId>) {
    match ty {
        TypeRef::Named(id) => {
            found.insert(*id);
        }
        TypeRef::Vec(inner)
        | TypeRef::Map(inner)
        | TypeRef::Option(inner)
        | TypeRef::Box(inner) => {
            collect(inner, found);
        }
        TypeRef::Bool
        | TypeRef::Integer { .. }
        | TypeRef::Float
        | TypeRef::String
        | TypeRef::Format(_)
        | TypeRef::Json
        | TypeRef::Unit
        | TypeRef::External(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::document::LoadOptions;
    use crate::typegen::{emit, lower_messages, GeneratedTypes};

    /// Lowers `text` and returns its types.
    fn lower(text: &str) -> GeneratedTypes {
        let validation = crate::validate_text(Path::new("doc.yaml"), text, LoadOptions::default());
        assert!(validation.is_valid(), "{:#?}", validation.diagnostics);
        let document = validation.document.as_ref().expect("the document parses");
        let api = validation.model().expect("the version is supported");
        lower_messages(document, &api)
    }

    /// Returns the wire names of the fields of the struct named `name`.
    fn fields(types: &GeneratedTypes, name: &str) -> Vec<String> {
        let (_, entry) = types
            .space
            .iter()
            .find(|(_, entry)| entry.name == name)
            .unwrap_or_else(|| panic!("no type {name}"));
        match &entry.details {
            TypeDetails::Struct(details) => {
                details.fields.iter().map(|f| f.wire_name.clone()).collect()
            }
            other => panic!("{name} is not a struct: {other:?}"),
        }
    }

    const HEADERS: &str = "
asyncapi: 3.0.0
info: {title: T, version: '1'}
channels:
  orders:
    messages:
      placed:
        headers: {$ref: '#/components/schemas/Signed'}
        payload: {$ref: '#/components/schemas/Placed'}
components:
  schemas:
    Signed:
      type: object
      required: [webhook-id, Webhook-Timestamp, WEBHOOK-SIGNATURE, x-tenant]
      properties:
        webhook-id: {type: string}
        Webhook-Timestamp: {type: string}
        WEBHOOK-SIGNATURE: {type: string}
        x-tenant: {type: string}
    Placed:
      type: object
      properties:
        id: {type: string}
";

    #[test]
    fn headers_struct_omits_signature_headers() {
        let types = lower(HEADERS);
        assert_eq!(fields(&types, "Signed"), ["webhook-id", "x-tenant"]);
        let code = emit::render(&types.space, &[]);
        assert!(
            code.contains("Leaves out `Webhook-Timestamp` and `WEBHOOK-SIGNATURE`"),
            "{code}"
        );
        assert!(!code.contains("webhook_timestamp"), "{code}");
        assert!(!code.contains("webhook_signature"), "{code}");
    }

    #[test]
    fn closed_headers_struct_ignores_unknown() {
        let closed = HEADERS.replace(
            "      required: [webhook-id,",
            "      additionalProperties: false\n      required: [webhook-id,",
        );
        let types = lower(&closed);
        assert_eq!(fields(&types, "Signed"), ["webhook-id", "x-tenant"]);
        let code = emit::render(&types.space, &[]);
        assert!(!code.contains("deny_unknown_fields"), "{code}");
        assert!(
            code.contains(
                "Decoding ignores properties not listed here, so that headers with them\n"
            ),
            "{code}"
        );
    }

    #[test]
    fn struct_also_used_as_payload_keeps_fields() {
        let shared = HEADERS.replace(
            "payload: {$ref: '#/components/schemas/Placed'}",
            "payload: {type: object, properties: {signed: {$ref: '#/components/schemas/Signed'}}}",
        );
        let types = lower(&shared);
        assert_eq!(
            fields(&types, "Signed"),
            [
                "webhook-id",
                "Webhook-Timestamp",
                "WEBHOOK-SIGNATURE",
                "x-tenant"
            ]
        );
    }

    #[test]
    fn payload_keeps_signature_properties() {
        let payload = HEADERS.replace(
            "payload: {$ref: '#/components/schemas/Placed'}",
            "payload: {type: object, properties: {webhook-signature: {type: string}}}",
        );
        let types = lower(&payload);
        let payload = types.messages[0].payload.as_ref().expect("a payload type");
        let TypeRef::Named(id) = payload else {
            panic!("payload is not a named type: {payload:?}");
        };
        let name = types.space.get(*id).name.clone();
        assert_eq!(fields(&types, &name), ["webhook-signature"]);
    }
}
