//! The object kind that a well-known place in a document holds, used to
//! report a `$ref` that points at an object of another kind.

use super::rules::{Kind, Place};
use crate::pointer::JsonPointer;
use crate::version::SpecVersion;

/// Returns the kind of object that `pointer` names when the place is
/// well known, such as `/components/messages/Name` or `/channels/Name`.
/// Returns `None` for any other place, where no kind is assumed.
pub(super) fn kind_at(pointer: &JsonPointer, version: SpecVersion) -> Option<Kind> {
    let tokens: Vec<&str> = pointer.tokens().iter().map(String::as_str).collect();
    let v3 = version.is_v3();
    match tokens.as_slice() {
        ["components", section, _] => component_kind(section, v3),
        ["channels", _] => Some(Kind::Channel),
        ["servers", _] => Some(Kind::Server),
        ["operations", _] if v3 => Some(Kind::Operation),
        ["channels", _, "messages", _] | ["components", "channels", _, "messages", _] if v3 => {
            Some(Kind::Message)
        }
        ["channels", _, "publish" | "subscribe", "message"] if !v3 => Some(Kind::Message),
        _ => None,
    }
}

fn component_kind(section: &str, v3: bool) -> Option<Kind> {
    Some(match section {
        "schemas" if v3 => Kind::AnySchema,
        "schemas" => Kind::Schema,
        "servers" => Kind::Server,
        "channels" => Kind::Channel,
        "operations" if v3 => Kind::Operation,
        "messages" => Kind::Message,
        "securitySchemes" => Kind::SecurityScheme,
        "serverVariables" => Kind::ServerVariable,
        "parameters" => Kind::Parameter,
        "correlationIds" => Kind::CorrelationId,
        "replies" if v3 => Kind::Reply,
        "replyAddresses" if v3 => Kind::ReplyAddress,
        "tags" if v3 => Kind::Tag,
        "externalDocs" if v3 => Kind::ExternalDocs,
        "operationTraits" => Kind::OperationTrait,
        "messageTraits" => Kind::MessageTrait,
        "serverBindings" => Kind::Bindings(Place::Server),
        "channelBindings" => Kind::Bindings(Place::Channel),
        "operationBindings" => Kind::Bindings(Place::Operation),
        "messageBindings" => Kind::Bindings(Place::Message),
        _ => return None,
    })
}

/// Returns whether an object found as `found` may be used where
/// `expected` is required.
pub(super) fn compatible(found: Kind, expected: Kind) -> bool {
    let schema = |kind| {
        matches!(
            kind,
            Kind::Schema | Kind::AnySchema | Kind::MultiFormatSchema
        )
    };
    found == expected || (schema(found) && schema(expected))
}
