//! Help for AsyncAPI 2.x fields written in a 3.x document, naming what
//! replaced them in 3.0.

use crate::version::SpecVersion;

/// Returns how AsyncAPI 3.0 expresses `key`, a 2.x field of the object
/// titled `title` ("Channel Object", ...), or `None` when `key` is not a
/// 2.x field that 3.0 removed or moved. Only 3.x documents get this help.
pub(super) fn v2_field_help(title: &str, key: &str, version: SpecVersion) -> Option<&'static str> {
    if !version.is_v3() {
        return None;
    }
    Some(match (title, key) {
        ("Channel Object", "publish" | "subscribe") => {
            "AsyncAPI 3.0 channels have no operations: describe this one under `operations` with `action: send` (the application sends) or `action: receive` (the application receives), and `channel: {$ref: '#/channels/<name>'}`; list its messages under the channel's `messages`"
        }
        ("Parameter Object", "schema") => {
            "AsyncAPI 3.0 parameters have no `schema`: a parameter is a string, so write its allowed values as `enum`, and use `default`, `examples` and `description`"
        }
        ("Server Object", "url") => {
            "AsyncAPI 3.0 splits the server URL into `host` (such as `broker.example.com:9092`), `pathname` and `protocol`"
        }
        ("AsyncAPI Object", "tags" | "externalDocs") => {
            "AsyncAPI 3.0 moved `tags` and `externalDocs` into `info`"
        }
        ("Operation Object" | "Operation Trait Object", "operationId") => {
            "AsyncAPI 3.0 has no `operationId`: the operation's key under `operations` is its id"
        }
        ("Operation Object", "message") => {
            "AsyncAPI 3.0 operations list their messages as `messages`, an array of `$ref`s to messages of the operation's channel"
        }
        ("Message Object" | "Message Trait Object", "messageId") => {
            "AsyncAPI 3.0 has no `messageId`: the message's key under `messages` is its id"
        }
        ("Message Object", "schemaFormat") => {
            "AsyncAPI 3.0 moved `schemaFormat` into the payload: write `payload: {schemaFormat: ..., schema: ...}`"
        }
        _ => return None,
    })
}
