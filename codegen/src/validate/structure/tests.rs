//! Tests of the structural rules: one failing document per rule, checked
//! for its code, pointer and (where the place matters) line.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};
use crate::document::{Document, LoadOptions};
use crate::version::SpecVersion;

/// Runs only the structural rules on `text`.
fn structural(text: &str) -> Vec<Diagnostic> {
    let (document, _) = Document::from_text(Path::new("t.yaml"), text, LoadOptions::default());
    let document = document.expect("test document parses");
    check_document(&document)
}

fn check_document(document: &Document) -> Vec<Diagnostic> {
    let version = SpecVersion::read(document.root()).expect("test document has a version");
    let mut out = Vec::new();
    super::check(document, version, &mut out);
    out
}

/// Returns the diagnostic with `code` at `pointer`, or panics listing
/// what was found.
fn find<'a>(diagnostics: &'a [Diagnostic], code: Code, pointer: &str) -> &'a Diagnostic {
    diagnostics
        .iter()
        .find(|d| d.code == code && d.pointer == pointer)
        .unwrap_or_else(|| panic!("no {code:?} at {pointer:?} in {diagnostics:#?}"))
}

fn line(diagnostic: &Diagnostic) -> u32 {
    diagnostic.span.expect("diagnostic has a span").start.line
}

const V2_HEAD: &str = "asyncapi: 2.6.0\ninfo: {title: t, version: '1'}\n";
const V3_HEAD: &str = "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\n";

fn v2(rest: &str) -> String {
    format!("{V2_HEAD}{rest}")
}

fn v3(rest: &str) -> String {
    format!("{V3_HEAD}{rest}")
}

/// Asserts each case: name, document, expected code, expected pointer.
fn assert_cases(cases: &[(&str, String, Code, &str)]) {
    for (name, text, code, pointer) in cases {
        let diagnostics = structural(text);
        let found = diagnostics
            .iter()
            .any(|d| d.code == *code && d.pointer == *pointer);
        assert!(
            found,
            "case {name}: expected {code:?} at {pointer:?}, got {diagnostics:#?}"
        );
    }
}

#[test]
fn minimal_documents_are_valid() {
    assert_eq!(structural(&v2("channels: {}\n")), vec![]);
    assert_eq!(structural(V3_HEAD), vec![]);
    assert_eq!(structural(&v3("x-owner: team\n")), vec![]);
}

#[test]
fn wrong_type_names_value_and_line() {
    let text = "asyncapi: 2.6.0\ninfo:\n  title: {a: 1}\n  version: '1'\nchannels: {}\n";
    let diagnostics = structural(text);
    let title = find(&diagnostics, Code::TypeMismatch, "/info/title");
    assert_eq!(line(title), 3);
    assert!(title.message.contains("must be a string, found an object"));
    assert!(title.help.is_some());
}

#[test]
fn unquoted_number_gets_quoting_help() {
    let text = "asyncapi: 2.6.0\ninfo: {title: t, version: 1.10}\nchannels: {}\n";
    let diagnostics = structural(text);
    let version = find(&diagnostics, Code::TypeMismatch, "/info/version");
    assert_eq!(
        version.help.as_deref(),
        Some("quote the value so that YAML reads it as a string: '1.10'")
    );
}

#[test]
fn list_items_are_named_by_list() {
    let text = v3("channels: {c: {servers: [{host: y}]}}\n");
    let diagnostics = structural(&text);
    let item = find(&diagnostics, Code::TypeMismatch, "/channels/c/servers/0");
    assert!(
        item.message
            .starts_with("item 0 of `servers` must be a Reference Object"),
        "{}",
        item.message
    );
}

#[test]
fn missing_required_field_points_at_object() {
    let text = "asyncapi: 2.6.0\ninfo:\n  title: t\nchannels: {}\n";
    let diagnostics = structural(text);
    let missing = find(&diagnostics, Code::RequiredMissing, "/info");
    let span = missing.span.expect("span");
    // The `info` key itself, not the first field under it.
    assert_eq!((span.start.line, span.start.column), (2, 1));
    assert_eq!((span.end.line, span.end.column), (2, 5));
    assert!(missing.message.contains("`version`"));
    assert_eq!(
        missing.help.as_deref(),
        Some("add `version` to the Info Object")
    );
}

#[test]
fn missing_field_names_misspelt_key() {
    let text = "asyncapi: 3.0.0\ninfo:\n  title: t\n  verison: '1'\n";
    let diagnostics = structural(text);
    let missing = find(&diagnostics, Code::RequiredMissing, "/info");
    assert_eq!(
        missing.help.as_deref(),
        Some("rename `verison` to `version`")
    );
}

#[test]
fn missing_operation_field_points_at_operation_key() {
    let text = v3(
        "operations:\n  sendOrder:\n    channel:\n      $ref: '#/channels/c'\nchannels:\n  c: {}\n",
    );
    let diagnostics = structural(&text);
    let missing = find(&diagnostics, Code::RequiredMissing, "/operations/sendOrder");
    let span = missing.span.expect("span");
    assert_eq!((span.start.line, span.start.column), (4, 3));
    assert_eq!((span.end.line, span.end.column), (4, 12));
}

#[test]
fn missing_root_field_points_at_file_start() {
    let text = "# no channels\n\ninfo: {title: t, version: '1'}\nasyncapi: 2.6.0\n";
    let diagnostics = structural(text);
    let missing = find(&diagnostics, Code::RequiredMissing, "");
    let span = missing.span.expect("span");
    assert_eq!((span.start.line, span.start.column), (1, 1));
}

#[test]
fn unknown_field_points_at_key() {
    let text = v2("channels: {}\nsurprise: 1\nx-fine: 2\n");
    let diagnostics = structural(&text);
    let unknown = find(&diagnostics, Code::UnknownField, "/surprise");
    let span = unknown.span.expect("span");
    assert_eq!((span.start.line, span.start.column), (4, 1));
    assert_eq!((span.end.line, span.end.column), (4, 9));
    assert!(unknown
        .help
        .as_deref()
        .is_some_and(|h| h.contains("x-surprise")));
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
}

#[test]
fn root_rules_per_version() {
    assert_cases(&[
        (
            "2.x needs channels",
            V2_HEAD.to_owned(),
            Code::RequiredMissing,
            "",
        ),
        (
            "3.x root has no tags",
            v3("tags: []\n"),
            Code::UnknownField,
            "/tags",
        ),
        (
            "id is a URI",
            v2("id: not a uri\nchannels: {}\n"),
            Code::InvalidValue,
            "/id",
        ),
        (
            "contact email",
            "asyncapi: 2.6.0\ninfo: {title: t, version: '1', contact: {email: nobody}}\nchannels: {}\n"
                .to_owned(),
            Code::InvalidValue,
            "/info/contact/email",
        ),
        (
            "relative externalDocs url",
            v2("channels: {}\nexternalDocs: {url: docs/page}\n"),
            Code::InvalidValue,
            "/externalDocs/url",
        ),
        (
            "license needs a name",
            "asyncapi: 3.0.0\ninfo: {title: t, version: '1', license: {url: 'https://x.org'}}\n"
                .to_owned(),
            Code::RequiredMissing,
            "/info/license",
        ),
    ]);
}

#[test]
fn server_rules_per_version() {
    assert_cases(&[
        (
            "2.x url must not be empty",
            v2("servers: {s: {url: '', protocol: mqtt}}\nchannels: {}\n"),
            Code::InvalidValue,
            "/servers/s/url",
        ),
        (
            "2.x url braces",
            v2("servers: {s: {url: '{host', protocol: mqtt}}\nchannels: {}\n"),
            Code::InvalidValue,
            "/servers/s/url",
        ),
        (
            "3.x has host, not url",
            v3("servers: {s: {url: x, protocol: mqtt}}\n"),
            Code::RequiredMissing,
            "/servers/s",
        ),
        (
            "3.x unknown url",
            v3("servers: {s: {url: x, host: x, protocol: mqtt}}\n"),
            Code::UnknownField,
            "/servers/s/url",
        ),
        (
            "server tags arrived in 2.5",
            "asyncapi: 2.4.0\ninfo: {title: t, version: '1'}\nservers: {s: {url: x, protocol: mqtt, tags: []}}\nchannels: {}\n"
                .to_owned(),
            Code::UnknownField,
            "/servers/s/tags",
        ),
        (
            "variable enum items are strings",
            v3("servers: {s: {host: x, protocol: mqtt, variables: {port: {enum: [1]}}}}\n"),
            Code::TypeMismatch,
            "/servers/s/variables/port/enum/0",
        ),
    ]);
}

#[test]
fn security_scheme_rules() {
    let scheme = |version: &str, body: &str| {
        format!(
            "asyncapi: {version}\ninfo: {{title: t, version: '1'}}\nchannels: {{}}\ncomponents:\n  securitySchemes:\n    s: {body}\n"
        )
    };
    assert_cases(&[
        (
            "type is required",
            scheme("2.6.0", "{description: d}"),
            Code::RequiredMissing,
            "/components/securitySchemes/s",
        ),
        (
            "unknown type",
            scheme("2.6.0", "{type: magic}"),
            Code::InvalidValue,
            "/components/securitySchemes/s/type",
        ),
        (
            "SASL arrived in 2.1",
            scheme("2.0.0", "{type: plain}"),
            Code::InvalidValue,
            "/components/securitySchemes/s/type",
        ),
        (
            "apiKey needs in",
            scheme("2.6.0", "{type: apiKey}"),
            Code::RequiredMissing,
            "/components/securitySchemes/s",
        ),
        (
            "httpApiKey in is an enum",
            scheme("2.6.0", "{type: httpApiKey, name: k, in: body}"),
            Code::InvalidValue,
            "/components/securitySchemes/s/in",
        ),
        (
            "http needs scheme",
            scheme("2.6.0", "{type: http}"),
            Code::RequiredMissing,
            "/components/securitySchemes/s",
        ),
        (
            "bearerFormat only with bearer",
            scheme("2.6.0", "{type: http, scheme: basic, bearerFormat: JWT}"),
            Code::UnknownField,
            "/components/securitySchemes/s/bearerFormat",
        ),
        (
            "oauth2 needs flows",
            scheme("2.6.0", "{type: oauth2}"),
            Code::RequiredMissing,
            "/components/securitySchemes/s",
        ),
        (
            "implicit flow needs scopes",
            scheme(
                "2.6.0",
                "{type: oauth2, flows: {implicit: {authorizationUrl: 'https://a.io'}}}",
            ),
            Code::RequiredMissing,
            "/components/securitySchemes/s/flows/implicit",
        ),
        (
            "implicit flow has no tokenUrl",
            scheme("2.6.0", "{type: oauth2, flows: {implicit: {authorizationUrl: 'https://a.io', tokenUrl: 'https://a.io', scopes: {}}}}"),
            Code::UnknownField,
            "/components/securitySchemes/s/flows/implicit/tokenUrl",
        ),
        (
            "3.x flows use availableScopes",
            scheme("3.0.0", "{type: oauth2, flows: {clientCredentials: {tokenUrl: 'https://a.io', scopes: {}}}}"),
            Code::UnknownField,
            "/components/securitySchemes/s/flows/clientCredentials/scopes",
        ),
        (
            "openIdConnectUrl is a URI",
            scheme("2.6.0", "{type: openIdConnect, openIdConnectUrl: openIdConnectUrl}"),
            Code::InvalidValue,
            "/components/securitySchemes/s/openIdConnectUrl",
        ),
    ]);
    let valid = scheme("2.6.0", "{type: http, scheme: bearer, bearerFormat: JWT}");
    assert_eq!(structural(&valid), vec![]);
}

#[test]
fn security_requirements_per_version() {
    assert_cases(&[
        (
            "2.x requirement maps names to scope lists",
            v2("servers: {s: {url: x, protocol: mqtt, security: [{basic: scope}]}}\nchannels: {}\n"),
            Code::TypeMismatch,
            "/servers/s/security/0/basic",
        ),
        (
            "3.x requirement is a scheme",
            v3("servers: {s: {host: x, protocol: mqtt, security: [{basic: []}]}}\n"),
            Code::RequiredMissing,
            "/servers/s/security/0",
        ),
    ]);
}

#[test]
fn v2_channel_and_operation_rules() {
    assert_cases(&[
        (
            "channel name braces",
            v2("channels: {'user/{id': {}}\n"),
            Code::InvalidValue,
            "/channels/user~1{id",
        ),
        (
            "typo in publish",
            v2("channels: {a: {publsh: {}}}\n"),
            Code::UnknownField,
            "/channels/a/publsh",
        ),
        (
            "channel servers arrived in 2.2",
            "asyncapi: 2.1.0\ninfo: {title: t, version: '1'}\nchannels: {a: {servers: [s]}}\n"
                .to_owned(),
            Code::UnknownField,
            "/channels/a/servers",
        ),
        (
            "operation security arrived in 2.4",
            "asyncapi: 2.3.0\ninfo: {title: t, version: '1'}\nchannels: {a: {publish: {security: []}}}\n"
                .to_owned(),
            Code::UnknownField,
            "/channels/a/publish/security",
        ),
        (
            "messageId arrived in 2.4",
            "asyncapi: 2.3.0\ninfo: {title: t, version: '1'}\nchannels: {a: {publish: {message: {messageId: m}}}}\n"
                .to_owned(),
            Code::UnknownField,
            "/channels/a/publish/message/messageId",
        ),
        (
            "oneOf form allows nothing else",
            v2("channels: {a: {publish: {message: {oneOf: [], name: m}}}}\n"),
            Code::UnknownField,
            "/channels/a/publish/message/name",
        ),
        (
            "message headers describe an object",
            v2("channels: {a: {publish: {message: {headers: {type: string}}}}}\n"),
            Code::InvalidValue,
            "/channels/a/publish/message/headers/type",
        ),
        (
            "correlation id location",
            v2("channels: {a: {publish: {message: {correlationId: {location: in headers}}}}}\n"),
            Code::InvalidValue,
            "/channels/a/publish/message/correlationId/location",
        ),
        (
            "2.1 example needs payload or headers",
            "asyncapi: 2.1.0\ninfo: {title: t, version: '1'}\nchannels: {a: {publish: {message: {examples: [{name: e}]}}}}\n"
                .to_owned(),
            Code::RequiredMissing,
            "/channels/a/publish/message/examples/0",
        ),
        (
            "2.0 example has no name",
            "asyncapi: 2.0.0\ninfo: {title: t, version: '1'}\nchannels: {a: {publish: {message: {examples: [{name: e}]}}}}\n"
                .to_owned(),
            Code::UnknownField,
            "/channels/a/publish/message/examples/0/name",
        ),
        (
            "parameter location",
            v2("channels: {'a/{id}': {parameters: {id: {location: header}}}}\n"),
            Code::InvalidValue,
            "/channels/a~1{id}/parameters/id/location",
        ),
    ]);
}

#[test]
fn foreign_payload_is_not_checked_as_json_schema() {
    let avro = v2(
        "channels: {a: {publish: {message: {schemaFormat: 'application/vnd.apache.avro;version=1.9.0', payload: {type: record, fields: []}}}}}\n",
    );
    assert_eq!(structural(&avro), vec![]);
    let json = v2(
        "channels: {a: {publish: {message: {schemaFormat: 'application/schema+json;version=draft-07', payload: {type: record}}}}}\n",
    );
    find(
        &structural(&json),
        Code::InvalidSchema,
        "/channels/a/publish/message/payload/type",
    );
    let via_trait = v2(
        "channels: {a: {publish: {message: {traits: [{schemaFormat: 'application/vnd.apache.avro;version=1.9.0'}], payload: {type: record}}}}}\n",
    );
    assert_eq!(structural(&via_trait), vec![]);
}

#[test]
fn v3_multi_format_schema() {
    let avro = v3(
        "channels: {a: {messages: {m: {payload: {schemaFormat: 'application/vnd.apache.avro;version=1.9.0', schema: {type: record}}}}}}\n",
    );
    assert_eq!(structural(&avro), vec![]);
    let json = v3(
        "channels: {a: {messages: {m: {payload: {schemaFormat: 'application/schema+json;version=draft-07', schema: {type: record}}}}}}\n",
    );
    find(
        &structural(&json),
        Code::InvalidSchema,
        "/channels/a/messages/m/payload/schema/type",
    );
}

#[test]
fn v3_operation_rules() {
    let channel = "channels: {c: {messages: {m: {payload: {type: string}}}}}\n";
    assert_cases(&[
        (
            "action is send or receive",
            v3(&format!("{channel}operations: {{o: {{action: publish, channel: {{$ref: '#/channels/c'}}}}}}\n")),
            Code::InvalidValue,
            "/operations/o/action",
        ),
        (
            "channel is required",
            v3("operations: {o: {action: send}}\n"),
            Code::RequiredMissing,
            "/operations/o",
        ),
        (
            "channel must be a reference",
            v3("operations: {o: {action: send, channel: {address: a}}}\n"),
            Code::TypeMismatch,
            "/operations/o/channel",
        ),
        (
            "channel reference must name a channel",
            v3(&format!("{channel}operations: {{o: {{action: send, channel: {{$ref: '#/channels/c/messages/m'}}}}}}\n")),
            Code::RefWrongKind,
            "/operations/o/channel/$ref",
        ),
        (
            "messages must be references",
            v3(&format!("{channel}operations: {{o: {{action: send, channel: {{$ref: '#/channels/c'}}, messages: [{{payload: {{}}}}]}}}}\n")),
            Code::TypeMismatch,
            "/operations/o/messages/0",
        ),
        (
            "message reference must name a message",
            v3(&format!("{channel}operations: {{o: {{action: send, channel: {{$ref: '#/channels/c'}}, messages: [{{$ref: '#/channels/c'}}]}}}}\n")),
            Code::RefWrongKind,
            "/operations/o/messages/0/$ref",
        ),
        (
            "reply channel must be a reference",
            v3(&format!("{channel}operations: {{o: {{action: send, channel: {{$ref: '#/channels/c'}}, reply: {{channel: {{address: x}}}}}}}}\n")),
            Code::TypeMismatch,
            "/operations/o/reply/channel",
        ),
        (
            "reply address needs location",
            v3(&format!("{channel}operations: {{o: {{action: send, channel: {{$ref: '#/channels/c'}}, reply: {{address: {{description: d}}}}}}}}\n")),
            Code::RequiredMissing,
            "/operations/o/reply/address",
        ),
        (
            "channel servers must be references",
            v3("channels: {c: {servers: [{host: x, protocol: mqtt}]}}\n"),
            Code::TypeMismatch,
            "/channels/c/servers/0",
        ),
        (
            "channel servers name servers",
            v3("channels: {c: {servers: [{$ref: '#/channels/c'}]}}\n"),
            Code::RefWrongKind,
            "/channels/c/servers/0/$ref",
        ),
    ]);
    let valid = v3(&format!(
        "servers: {{s: {{host: x, protocol: mqtt}}}}\n{}operations: {{o: {{action: receive, channel: {{$ref: '#/channels/c'}}, messages: [{{$ref: '#/channels/c/messages/m'}}], reply: {{address: {{location: '$message.header#/to'}}, channel: {{$ref: '#/channels/c'}}}}}}}}\n",
        "channels: {c: {address: null, servers: [{$ref: '#/servers/s'}], messages: {m: {payload: {type: string}}}}}\n"
    ));
    assert_eq!(structural(&valid), vec![]);
}

#[test]
fn v3_key_patterns() {
    assert_cases(&[
        (
            "component key",
            v3("components: {schemas: {'a/b': {type: string}}}\n"),
            Code::InvalidValue,
            "/components/schemas/a~1b",
        ),
        (
            "parameter name",
            v3("channels: {c: {address: '{a.b}', parameters: {a.b: {}}}}\n"),
            Code::InvalidValue,
            "/channels/c/parameters/a.b",
        ),
    ]);
}

#[test]
fn v3_message_rules() {
    assert_cases(&[
        (
            "3.0 example headers are a map",
            v3("components: {messages: {m: {examples: [{headers: 5}]}}}\n"),
            Code::TypeMismatch,
            "/components/messages/m/examples/0/headers",
        ),
        (
            "trait pair starts with a trait",
            v3("components: {messages: {m: {traits: [[{nope: 1}, {}]]}}}\n"),
            Code::UnknownField,
            "/components/messages/m/traits/0/0/nope",
        ),
        (
            "3.x message has no schemaFormat",
            v3("components: {messages: {m: {schemaFormat: x}}}\n"),
            Code::UnknownField,
            "/components/messages/m/schemaFormat",
        ),
    ]);
    let headers_any = "asyncapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents: {messages: {m: {examples: [{headers: 5}]}}}\n";
    assert_eq!(structural(headers_any), vec![]);
}

#[test]
fn binding_rules() {
    assert_cases(&[
        (
            "mqtt5 is not a 3.0 binding",
            v3("servers: {s: {host: x, protocol: mqtt, bindings: {mqtt5: {}}}}\n"),
            Code::UnknownField,
            "/servers/s/bindings/mqtt5",
        ),
        (
            "ros2 arrived in 3.1",
            v3("servers: {s: {host: x, protocol: mqtt, bindings: {ros2: {}}}}\n"),
            Code::UnknownField,
            "/servers/s/bindings/ros2",
        ),
        (
            "kafka partitions",
            v3("channels: {c: {bindings: {kafka: {partitions: '3'}}}}\n"),
            Code::TypeMismatch,
            "/channels/c/bindings/kafka/partitions",
        ),
        (
            "kafka partitions minimum",
            v3("channels: {c: {bindings: {kafka: {partitions: 0}}}}\n"),
            Code::InvalidValue,
            "/channels/c/bindings/kafka/partitions",
        ),
        (
            "amqp is",
            v2("channels: {c: {bindings: {amqp: {is: exchange}}}}\n"),
            Code::InvalidValue,
            "/channels/c/bindings/amqp/is",
        ),
        (
            "amqp queue name length",
            v2(&format!("channels: {{c: {{bindings: {{amqp: {{queue: {{name: {}}}}}}}}}}}\n", "q".repeat(256))),
            Code::InvalidValue,
            "/channels/c/bindings/amqp/queue/name",
        ),
        (
            "mqtt qos",
            v2("channels: {c: {publish: {bindings: {mqtt: {qos: 3}}}}}\n"),
            Code::InvalidValue,
            "/channels/c/publish/bindings/mqtt/qos",
        ),
        (
            "http method",
            v2("channels: {c: {publish: {bindings: {http: {type: request, method: FETCH}}}}}\n"),
            Code::InvalidValue,
            "/channels/c/publish/bindings/http/method",
        ),
        (
            "http 0.1.0 operation type",
            v2("channels: {c: {publish: {bindings: {http: {method: GET, bindingVersion: '0.1.0'}}}}}\n"),
            Code::RequiredMissing,
            "/channels/c/publish/bindings/http",
        ),
        (
            "ws query describes an object",
            v2("channels: {c: {bindings: {ws: {query: {type: string}}}}}\n"),
            Code::InvalidValue,
            "/channels/c/bindings/ws/query/type",
        ),
        (
            "3.x binding field unknown",
            v3("operations: {o: {action: send, channel: {$ref: '#/channels/c'}, bindings: {nats: {queue: q, hello: 1}}}}\nchannels: {c: {}}\n"),
            Code::UnknownField,
            "/operations/o/bindings/nats/hello",
        ),
        (
            "ibmmq topic destination has no queue",
            v2("channels: {c: {bindings: {ibmmq: {queue: {objectName: q}}}}}\n"),
            Code::InvalidValue,
            "/channels/c/bindings/ibmmq/queue",
        ),
        (
            "other protocols are objects",
            v2("channels: {c: {bindings: {sns: 5}}}\n"),
            Code::TypeMismatch,
            "/channels/c/bindings/sns",
        ),
    ]);
    // 2.x allows any protocol key and leaves binding fields open.
    let custom =
        v2("channels: {c: {bindings: {custom: {any: thing}, x-mine: 1, amqp: {replyTo: r}}}}\n");
    assert_eq!(structural(&custom), vec![]);
}

#[test]
fn schema_rules() {
    let schema = |body: &str| v3(&format!("components: {{schemas: {{s: {body}}}}}\n"));
    assert_cases(&[
        (
            "unknown type",
            schema("{type: int}"),
            Code::InvalidSchema,
            "/components/schemas/s/type",
        ),
        (
            "unknown type in a list",
            schema("{type: [string, nothing]}"),
            Code::InvalidSchema,
            "/components/schemas/s/type/1",
        ),
        (
            "a property named $ref is a schema",
            schema("{properties: {$ref: {type: text}}}"),
            Code::InvalidSchema,
            "/components/schemas/s/properties/$ref/type",
        ),
        (
            "properties is a map of schemas",
            schema("{properties: {a: 5}}"),
            Code::TypeMismatch,
            "/components/schemas/s/properties/a",
        ),
        (
            "required is a list of strings",
            schema("{required: name}"),
            Code::TypeMismatch,
            "/components/schemas/s/required",
        ),
        (
            "items list holds schemas",
            schema("{items: [{type: string}, 3]}"),
            Code::TypeMismatch,
            "/components/schemas/s/items/1",
        ),
        (
            "enum is a list",
            schema("{enum: a}"),
            Code::TypeMismatch,
            "/components/schemas/s/enum",
        ),
        (
            "minimum is a number",
            schema("{minimum: true}"),
            Code::TypeMismatch,
            "/components/schemas/s/minimum",
        ),
        (
            "minLength is not negative",
            schema("{minLength: -1}"),
            Code::InvalidSchema,
            "/components/schemas/s/minLength",
        ),
        (
            "allOf is not empty",
            schema("{allOf: []}"),
            Code::InvalidSchema,
            "/components/schemas/s/allOf",
        ),
        (
            "pattern compiles",
            schema("{pattern: '[a-'}"),
            Code::InvalidSchema,
            "/components/schemas/s/pattern",
        ),
        (
            "patternProperties keys compile",
            schema("{patternProperties: {'(': {}}}"),
            Code::InvalidSchema,
            "/components/schemas/s/patternProperties/(",
        ),
        (
            "discriminator is a string",
            schema("{discriminator: {propertyName: kind}}"),
            Code::TypeMismatch,
            "/components/schemas/s/discriminator",
        ),
        (
            "a schema is an object or a boolean",
            schema("{additionalProperties: [a]}"),
            Code::TypeMismatch,
            "/components/schemas/s/additionalProperties",
        ),
        (
            "nested schemas are checked",
            schema("{properties: {a: {items: {type: float}}}}"),
            Code::InvalidSchema,
            "/components/schemas/s/properties/a/items/type",
        ),
    ]);
    let valid = schema(
        "{type: [object, 'null'], properties: {a: true, b: {pattern: '^(?=x)y$'}, $ref: {type: string}}, additionalProperties: false, x-note: 1, unknownKeyword: 2}",
    );
    assert_eq!(structural(&valid), vec![]);
}

#[test]
fn reference_must_be_a_string() {
    let text = v2("channels: {a: {publish: {message: {$ref: 5}}}}\n");
    let diagnostics = structural(&text);
    let reference = find(
        &diagnostics,
        Code::TypeMismatch,
        "/channels/a/publish/message/$ref",
    );
    assert!(reference.message.contains("found a number 5"));
}

#[test]
fn wrong_kind_reported_at_ref() {
    let text = v2(
        "channels: {a: {publish: {message: {$ref: '#/components/schemas/S'}}}}\ncomponents: {schemas: {S: {type: string}}}\n",
    );
    let diagnostics = structural(&text);
    let wrong = find(
        &diagnostics,
        Code::RefWrongKind,
        "/channels/a/publish/message/$ref",
    );
    assert_eq!(line(wrong), 3);
    assert!(wrong.message.contains("Schema Object"));
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
}

#[test]
fn shared_target_is_checked_once_in_its_place() {
    let mut text = v2("channels:\n");
    for i in 0..50 {
        text.push_str(&format!(
            "  c{i}: {{publish: {{message: {{$ref: '#/components/messages/M'}}}}}}\n"
        ));
    }
    text.push_str("components:\n  messages:\n    M:\n      nmae: typo\n");
    let diagnostics = structural(&text);
    let unknown = find(
        &diagnostics,
        Code::UnknownField,
        "/components/messages/M/nmae",
    );
    assert_eq!(line(unknown), 57);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
}

#[test]
fn circular_schemas_end() {
    let text = v3(
        "components:\n  schemas:\n    Node:\n      type: object\n      properties:\n        next: {$ref: '#/components/schemas/Node'}\n        list: {type: array, items: {$ref: '#/components/schemas/Node'}}\n",
    );
    assert_eq!(structural(&text), vec![]);
}

#[test]
fn unresolved_reference_is_left_to_the_loader() {
    let text = v2("channels: {a: {publish: {message: {$ref: '#/components/messages/Nope'}}}}\n");
    assert_eq!(structural(&text), vec![]);
}

/// A folder under the system temporary folder, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let path =
            std::env::temp_dir().join(format!("hookforge-structure-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&path).expect("create temporary folder");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn target_in_other_file_is_reported_there() {
    let dir = TempDir::new("external");
    let root = dir.0.join("api.yaml");
    std::fs::write(
        &root,
        v3("channels:\n  c:\n    messages:\n      m: {$ref: 'messages.yaml#/Created'}\n"),
    )
    .expect("write root");
    std::fs::write(
        dir.0.join("messages.yaml"),
        "Created:\n  payload:\n    type: strin\n",
    )
    .expect("write messages");
    let (document, loader) = Document::load(&root, LoadOptions::default()).expect("root loads");
    assert_eq!(loader, vec![]);
    let diagnostics = check_document(&document);
    let bad = find(&diagnostics, Code::InvalidSchema, "/Created/payload/type");
    let span = bad.span.expect("span");
    assert_ne!(span.file, document.root_file());
    assert_eq!(span.start.line, 3);
}

#[test]
fn accepts_references_where_2x_lists_only_inline_objects() {
    let text = v2(
        "channels: {}\ncomponents:\n  operationTraits:\n    t: {$ref: '#/components/x-traits/t'}\n  x-traits:\n    t: {summary: s}\n",
    );
    assert_eq!(structural(&text), vec![]);
}

#[test]
fn deep_schema_nesting_fits_the_stack() {
    // The loader's default depth limit is 200 levels.
    let depth = 190;
    let mut text = v3("components:\n  schemas:\n    s:\n");
    let mut indent = "      ".to_owned();
    for _ in 0..(depth - 10) / 2 {
        text.push_str(&format!("{indent}properties:\n{indent}  a:\n"));
        indent.push_str("    ");
    }
    text.push_str(&format!("{indent}type: nothing\n"));
    let diagnostics = structural(&text);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0].code, Code::InvalidSchema);
}

#[test]
fn long_reference_chain_is_checked() {
    // Each schema refers to the next, so a recursive walk would nest 1,000
    // reference targets deep.
    let count = 1_000;
    let mut text = v3("components:\n  schemas:\n");
    for i in 0..count {
        text.push_str(&format!(
            "    S{i}: {{properties: {{next: {{$ref: '#/components/schemas/S{}'}}}}}}\n",
            i + 1
        ));
    }
    text.push_str(&format!("    S{count}: {{type: wrong}}\n"));
    let diagnostics = structural(&text);
    let last = format!("/components/schemas/S{count}/type");
    find(&diagnostics, Code::InvalidSchema, &last);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
}

/// Returns the help of the unknown-field error at `pointer`.
fn unknown_help(text: &str, pointer: &str) -> String {
    let diagnostics = structural(text);
    let unknown = find(&diagnostics, Code::UnknownField, pointer);
    unknown.help.clone().unwrap_or_default()
}

#[test]
fn misspelt_field_gets_suggestion() {
    let cases = [
        (
            "asyncapi: 3.0.0\ninfo: {title: t, verison: '1'}\n",
            "/info/verison",
            "did you mean `version`?",
        ),
        (
            "asyncapi: 3.0.0\ninfo: {title: t, Version: '1'}\n",
            "/info/Version",
            "did you mean `version`?",
        ),
        (
            &v3("channels:\n  c:\n    adress: c\n"),
            "/channels/c/adress",
            "did you mean `address`?",
        ),
        (
            &v3("operations:\n  o:\n    action: send\n    chanel: {$ref: '#/channels/c'}\nchannels:\n  c: {}\n"),
            "/operations/o/chanel",
            "did you mean `channel`?",
        ),
    ];
    for (text, pointer, expected) in cases {
        let help = unknown_help(text, pointer);
        assert!(help.starts_with(expected), "{pointer}: {help}");
    }
}

#[test]
fn unrelated_field_gets_extension_help() {
    let help = unknown_help(&v3("surprise: 1\n"), "/surprise");
    assert!(!help.contains("did you mean"), "{help}");
    assert!(help.contains("x-surprise"), "{help}");
}

#[test]
fn v2_fields_in_v3_get_migration_help() {
    let cases = [
        (
            v3("channels:\n  c:\n    address: c\n    subscribe: {message: {payload: {type: string}}}\n"),
            "/channels/c/subscribe",
            "action: send",
        ),
        (
            v3("channels:\n  c:\n    address: c\n    publish: {}\n"),
            "/channels/c/publish",
            "action: receive",
        ),
        (
            v3("channels:\n  c:\n    address: '{id}'\n    parameters:\n      id:\n        schema: {type: string}\n"),
            "/channels/c/parameters/id/schema",
            "parameters have no `schema`",
        ),
        (
            v3("servers:\n  s:\n    url: mqtt://broker\n    host: broker\n    protocol: mqtt\n"),
            "/servers/s/url",
            "`host`",
        ),
        (v3("tags: []\n"), "/tags", "into `info`"),
    ];
    for (text, pointer, expected) in cases {
        let help = unknown_help(&text, pointer);
        assert!(help.contains(expected), "{pointer}: {help}");
    }
}

#[test]
fn unbalanced_address_braces_are_invalid() {
    for address in [
        "/tenants/{tenantId}/orders/{orderId",
        "/orders/orderId}",
        "/a/{}",
    ] {
        let text = v3(&format!("channels:\n  c:\n    address: '{address}'\n"));
        let diagnostics = structural(&text);
        let invalid = find(&diagnostics, Code::InvalidValue, "/channels/c/address");
        assert_eq!(line(invalid), 5, "{address}");
    }
    let balanced = v3("channels:\n  c:\n    address: '/tenants/{tenantId}/orders/{orderId}'\n");
    assert!(structural(&balanced).is_empty());
}

#[test]
fn runtime_expression_without_slash_is_invalid() {
    let text = v3("channels:\n  c:\n    address: '{userId}'\n    parameters:\n      userId:\n        location: '$message.payload#user/id'\n");
    let diagnostics = structural(&text);
    let invalid = find(
        &diagnostics,
        Code::InvalidValue,
        "/channels/c/parameters/userId/location",
    );
    assert!(invalid
        .help
        .as_deref()
        .is_some_and(|h| h.contains("#/user/id")));

    let correlation =
        v3("components:\n  correlationIds:\n    byId:\n      location: '$message.header#id'\n");
    let diagnostics = structural(&correlation);
    find(
        &diagnostics,
        Code::InvalidValue,
        "/components/correlationIds/byId/location",
    );
}
