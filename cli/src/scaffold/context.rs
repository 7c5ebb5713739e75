//! The values the project templates are rendered with.

use hookforge_codegen::model::{AsyncApi, Operation};
use serde::Serialize;

use crate::side::{Side, SideCode};
use crate::surface::{ReceivedOperation, SentOperation, API_MODULE};

/// The variable that contains the receiver's Standard Webhooks secret.
pub const SECRET_ENV: &str = "HOOKFORGE_WEBHOOK_SECRET";

/// The secret that the project's README and `.env.example` give for local
/// tests: the example secret of the Standard Webhooks specification.
pub const DEV_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// The source of the project's `hookforge` and `hookforge-codegen`
/// dependencies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DependencySource {
    /// The crates.io version of this `hookforge`.
    Registry,
    /// A Hookforge checkout, whose `runtime/` and `codegen/` folders are
    /// named by absolute path.
    Path(std::path::PathBuf),
}

/// The template context of a whole project.
#[derive(Debug, Serialize)]
pub struct ProjectContext {
    /// The cargo package name.
    pub package: String,
    /// `"the consumer"`-style text naming the project's sides.
    pub sides_text: String,
    /// The document's title in quotes, for prose.
    pub title_text: String,
    /// The document's own version.
    pub api_version: String,
    /// The package description as a TOML string.
    pub description_toml: String,
    /// The document's file name inside the project.
    pub document: String,
    /// The document given with `--from`.
    pub source: String,
    /// Whether the document is the starter.
    pub starter: bool,
    /// `version = ".."` or `path = ".."` of the runtime dependency.
    pub runtime_source: String,
    /// The same for the generator.
    pub codegen_source: String,
    /// The runtime features, quoted and comma-separated.
    pub features: String,
    /// Whether the generated code uses CloudEvents.
    pub cloudevents: bool,
    /// The secret variable.
    pub secret_env: &'static str,
    /// The secret for local tests.
    pub dev_secret: &'static str,
    /// Every side, in the order provider, consumer.
    pub sides: Vec<SideContext>,
    /// The sides that receive at least one operation.
    pub receiving: Vec<SideContext>,
}

/// The template context of one side.
#[derive(Clone, Debug, Serialize)]
pub struct SideContext {
    /// `provider` or `consumer`.
    pub name: &'static str,
    /// The module name, the same as `name`.
    pub module: &'static str,
    /// The side's role, for prose.
    pub role: String,
    /// Whether the code is generated with `Perspective::Mirror`.
    pub mirror: bool,
    /// The address variable.
    pub addr_env: String,
    /// The Rust constant that names `addr_env`.
    pub addr_const: String,
    /// The default listening address.
    pub default_addr: String,
    /// The handler trait's name.
    pub handler: String,
    /// The client struct's name.
    pub client: String,
    /// The handler methods.
    pub received: Vec<ReceivedContext>,
    /// The client methods.
    pub sent: Vec<SentContext>,
}

/// One handler method.
#[derive(Clone, Debug, Serialize)]
pub struct ReceivedContext {
    /// The operation id.
    pub operation_id: String,
    /// The operation id as a Rust string literal.
    pub operation_literal: String,
    /// The Rust method name.
    pub method: String,
    /// The HTTP method.
    pub http_method: String,
    /// The channel address.
    pub address: String,
    /// The parameters type, from outside the generated module.
    pub parameters_type: Option<String>,
    /// The message type.
    pub message_type: String,
    /// The reply type of a request/reply operation.
    pub reply_type: Option<String>,
    /// The first example reply payload as a Rust raw string literal.
    pub reply_example: Option<String>,
    /// How many examples the operation's messages have.
    pub example_count: usize,
}

/// One client method.
#[derive(Clone, Debug, Serialize)]
pub struct SentContext {
    /// The operation id.
    pub operation_id: String,
    /// The Rust method name.
    pub method: String,
    /// The channel address.
    pub address: String,
    /// Whether the method takes a parameters struct.
    pub parameters_type: Option<String>,
}

/// Everything the context is built from.
pub struct ContextInput<'a> {
    /// The package name.
    pub package: &'a str,
    /// The document's file name inside the project.
    pub document: &'a str,
    /// The document as given, for the README.
    pub source: &'a str,
    /// Whether the document is the starter.
    pub starter: bool,
    /// The sides, each with its generated code.
    pub sides: &'a [(Side, SideCode)],
    /// The first listening port; the consumer of a two-sided project gets
    /// the next one.
    pub port: u16,
    /// The source of the Hookforge crates.
    pub dependencies: &'a DependencySource,
}

/// Builds the template context.
pub fn project_context(input: &ContextInput<'_>) -> ProjectContext {
    let api = &input.sides[0].1.api;
    let title = one_line(&api.info.title);
    let title_text = if title.is_empty() {
        format!("`{}`", input.document)
    } else {
        format!("\"{title}\"")
    };

    let both = input.sides.len() > 1;
    let sides: Vec<SideContext> = input
        .sides
        .iter()
        .enumerate()
        .map(|(index, (side, code))| {
            side_context(*side, code, both, input.port.saturating_add(index as u16))
        })
        .collect();
    let sides_text = match input.sides {
        [(side, _)] => side.name().to_owned(),
        _ => "provider and consumer".to_owned(),
    };

    let cloudevents = input
        .sides
        .iter()
        .any(|(_, code)| code.surface.uses_cloudevents);
    let mut features = vec!["\"api\""];
    if cloudevents {
        features.push("\"cloudevents\"");
    }

    let (runtime_source, codegen_source) = match input.dependencies {
        DependencySource::Registry => {
            let version = format!("version = \"{}\"", registry_version());
            (version.clone(), version)
        }
        DependencySource::Path(root) => (
            format!(
                "path = {}",
                toml_string(&root.join("runtime").display().to_string())
            ),
            format!(
                "path = {}",
                toml_string(&root.join("codegen").display().to_string())
            ),
        ),
    };
    let description = format!("The {sides_text} of {title_text}, scaffolded by hookforge new");
    ProjectContext {
        package: input.package.to_owned(),
        sides_text,
        title_text,
        api_version: one_line(&api.info.version),
        description_toml: toml_string(&description),
        document: input.document.to_owned(),
        source: input.source.to_owned(),
        starter: input.starter,
        runtime_source,
        codegen_source,
        features: features.join(", "),
        cloudevents,
        secret_env: SECRET_ENV,
        dev_secret: DEV_SECRET,
        receiving: sides
            .iter()
            .filter(|s| !s.received.is_empty())
            .cloned()
            .collect(),
        sides,
    }
}

fn side_context(side: Side, code: &SideCode, both: bool, port: u16) -> SideContext {
    let addr_env = if both {
        format!("HOOKFORGE_{}_LISTEN_ADDR", side.name().to_ascii_uppercase())
    } else {
        "HOOKFORGE_LISTEN_ADDR".to_owned()
    };
    SideContext {
        name: side.name(),
        module: side.name(),
        role: match side {
            Side::Provider => "the application the document describes".to_owned(),
            Side::Consumer => {
                "the counterpart of the application the document describes, such as a subscriber to its webhooks"
                    .to_owned()
            }
        },
        mirror: side == Side::Consumer,
        addr_const: format!("{}_ADDR_ENV", side.name().to_ascii_uppercase()),
        addr_env,
        default_addr: format!("127.0.0.1:{port}"),
        handler: code.surface.handler.clone().unwrap_or_else(|| "Handler".to_owned()),
        client: code.surface.client.clone().unwrap_or_else(|| "Client".to_owned()),
        received: code
            .surface
            .received
            .iter()
            .map(|op| received_context(op, &code.api))
            .collect(),
        sent: code.surface.sent.iter().map(sent_context).collect(),
    }
}

fn received_context(op: &ReceivedOperation, api: &AsyncApi) -> ReceivedContext {
    let operation = api.operations.get(&op.operation_id);
    ReceivedContext {
        operation_id: op.operation_id.clone(),
        operation_literal: format!("{:?}", op.operation_id),
        method: op.method.clone(),
        // `SideCode::surface` contains HTTP operations only, which all
        // have a method.
        http_method: op.http_method.clone().unwrap_or_default(),
        address: op.address.clone(),
        parameters_type: op.parameters.as_ref().map(|ty| ty.qualified(API_MODULE)),
        message_type: op.message.qualified(API_MODULE),
        reply_type: op.reply.as_ref().map(|ty| ty.qualified(API_MODULE)),
        reply_example: operation
            .and_then(|operation| reply_example(operation, api))
            .map(|json| raw_string(&hookforge_codegen::bundle::escape_bidi_controls(&json))),
        example_count: operation.map_or(0, |operation| example_count(operation, api)),
    }
}

fn sent_context(op: &SentOperation) -> SentContext {
    SentContext {
        operation_id: op.operation_id.clone(),
        method: op.method.clone(),
        address: op.address.clone(),
        parameters_type: op.parameters.as_ref().map(|ty| ty.qualified(API_MODULE)),
    }
}

/// Counts the examples of an operation's messages.
pub fn example_count(operation: &Operation, api: &AsyncApi) -> usize {
    let Some(channel) = api.channels.get(&operation.channel) else {
        return 0;
    };
    operation
        .messages
        .iter()
        .filter_map(|key| channel.messages.get(key))
        .map(|message| message.examples.len())
        .sum()
}

/// Returns the first example payload of an operation's reply, as JSON.
fn reply_example(operation: &Operation, api: &AsyncApi) -> Option<String> {
    let reply = operation.reply.as_ref()?;
    let channel = api.channels.get(reply.channel.as_ref()?)?;
    reply
        .messages
        .iter()
        .filter_map(|key| channel.messages.get(key))
        .flat_map(|message| &message.examples)
        .find_map(|example| example.payload.as_ref())
        .map(|payload| payload.to_string())
}

/// The version requirement of the registry dependencies: this binary's
/// major and minor version.
fn registry_version() -> String {
    let version = env!("CARGO_PKG_VERSION");
    let mut parts = version.split('.');
    match (parts.next(), parts.next()) {
        (Some(major), Some(minor)) => format!("{major}.{minor}"),
        _ => version.to_owned(),
    }
}

/// Writes `text` as a TOML basic string. JSON's escapes are a subset of
/// TOML's, so a JSON string is a valid TOML string.
pub fn toml_string(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}

/// Writes `text` as a Rust raw string literal with enough `#`s.
fn raw_string(text: &str) -> String {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{text}\"{hashes}")
}

/// Whether rustc's `text_direction_codepoint_in_literal` lint, and its
/// counterpart for comments, reject `c`.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Joins the lines of `text` and drops control characters and
/// bidirectional-text controls, for a title inside a one-line comment or
/// string.
pub fn one_line(text: &str) -> String {
    let kept: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .filter(|c| !is_bidi_control(*c))
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_string_outlasts_quotes_and_hashes() {
        assert_eq!(raw_string("{}"), "r#\"{}\"#");
        assert_eq!(raw_string("{\"a\":\"#\"}"), "r##\"{\"a\":\"#\"}\"##");
    }

    #[test]
    fn toml_string_escapes_quotes() {
        assert_eq!(toml_string("a \"b\"\\"), "\"a \\\"b\\\"\\\\\"");
    }

    #[test]
    fn one_line_joins_lines() {
        assert_eq!(one_line(" Shop\n  orders\t"), "Shop orders");
    }

    #[test]
    fn one_line_drops_control_characters() {
        assert_eq!(one_line("Shop\u{7}\u{202e} orders\u{7f}"), "Shop orders");
    }

    #[test]
    fn reply_json_escapes_bidi_controls() {
        let json = "{\"note\":\"a\u{202e}b\u{2066}\"}";
        let escaped = hookforge_codegen::bundle::escape_bidi_controls(json);
        assert_eq!(escaped, "{\"note\":\"a\\u202eb\\u2066\"}");
        let before: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
        let after: serde_json::Value = serde_json::from_str(&escaped).expect("still valid JSON");
        assert_eq!(before, after);
    }
}
