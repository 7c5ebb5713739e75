//! Writes the driver crate of the corpus end-to-end suite.
//!
//! For each document `dN` the crate contains the Application code in
//! `docs/dN_app.rs`, the Mirror code in `docs/dN_mirror.rs` and a driver
//! module `drivers/dN.rs`. The driver implements the Mirror `Handler` with
//! a recording handler and serves its router on loopback. It decodes each
//! example (embedded as JSON text) into the Application message type and
//! sends it with the Application `Client`. The shared
//! part, `harness.rs`, comes from `tests/fixtures/e2e/harness.rs`.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

use super::select::{Document, Send};
use super::surface::{Method, Surface};

/// The shared driver code, copied into the crate.
const HARNESS: &str = include_str!("../../fixtures/e2e/harness.rs");

/// Writes the crate into `dir` (which must exist): `Cargo.toml`, the
/// generated modules, one driver per document and `main.rs`. `runtime` is
/// the `hookforge` crate's folder and `lock` the workspace's `Cargo.lock`,
/// copied so that the crate builds with the same dependency versions.
///
/// # Errors
///
/// The I/O error of a file that cannot be written.
pub fn write_crate(
    dir: &Path,
    runtime: &Path,
    lock: &Path,
    documents: &[Document],
) -> io::Result<()> {
    let manifest = format!(
        "[package]\nname = \"hookforge-corpus-e2e\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nhookforge = {{ path = {:?}, features = [\"api\", \"sqlite\"] }}\n\
         tokio = {{ version = \"1\", default-features = false, features = [\"rt-multi-thread\", \"macros\", \"net\", \"time\"] }}\n\
         axum = {{ version = \"0.8\", default-features = false, features = [\"http1\", \"tokio\"] }}\n\n[workspace]\n",
        runtime.display().to_string()
    );
    write_if_changed(&dir.join("Cargo.toml"), &manifest)?;
    if !dir.join("Cargo.lock").is_file() {
        if let Ok(text) = fs::read_to_string(lock) {
            fs::write(dir.join("Cargo.lock"), text)?;
        }
    }
    let src = dir.join("src");
    fs::create_dir_all(src.join("docs"))?;
    fs::create_dir_all(src.join("drivers"))?;
    write_if_changed(&src.join("harness.rs"), HARNESS)?;
    let mut main = String::from(
        "//! Sends every example of the selected corpus documents through their\n\
         //! generated client to their generated router; see harness.rs.\n\n\
         #![deny(warnings)]\n#![allow(dead_code)]\n\nmod harness;\n\nmod docs {\n",
    );
    for index in 0..documents.len() {
        let _ = writeln!(
            main,
            "    pub mod d{index}_app;\n    pub mod d{index}_mirror;"
        );
    }
    main.push_str("}\n\nmod drivers {\n");
    for index in 0..documents.len() {
        let _ = writeln!(main, "    pub mod d{index};");
    }
    main.push_str(
        "}\n\n#[tokio::main(flavor = \"multi_thread\", worker_threads = 2)]\nasync fn main() {\n",
    );
    for index in 0..documents.len() {
        let _ = writeln!(main, "    drivers::d{index}::run().await;");
    }
    main.push_str("}\n");
    write_if_changed(&src.join("main.rs"), &main)?;
    for (index, document) in documents.iter().enumerate() {
        let module = format!("d{index}");
        write_if_changed(
            &src.join("docs").join(format!("{module}_app.rs")),
            &document.application,
        )?;
        write_if_changed(
            &src.join("docs").join(format!("{module}_mirror.rs")),
            &document.mirror,
        )?;
        write_if_changed(
            &src.join("drivers").join(format!("{module}.rs")),
            &driver(&module, document),
        )?;
    }
    Ok(())
}

/// Writes `text` unless the file already contains it, so that cargo sees no
/// change and reuses its last build.
fn write_if_changed(path: &Path, text: &str) -> io::Result<()> {
    if fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    fs::write(path, text)
}

/// Returns a Rust string literal of `text`.
fn literal(text: &str) -> String {
    format!("{text:?}")
}

/// Writes the driver module of one document.
fn driver(module: &str, document: &Document) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "//! Driver of {path}.\n\n\
         const DOC: &str = {doc};\n\n\
         pub async fn run() {{\n\
         \x20   let log = crate::harness::Log::default();\n\
         \x20   let router = crate::docs::{module}_mirror::router(mirror_side::Recorder(log.clone()), crate::harness::receiver());\n\
         \x20   let address = crate::harness::serve(router).await;\n\
         \x20   let (sender, _folder) = crate::harness::sender({module_literal});\n\
         \x20   let base = ::std::format!(\"http://{{address}}\");\n\
         \x20   let (accepted, requested) = app_side::send_all(&sender, &base).await;\n\
         \x20   crate::harness::finish(DOC, &sender, &log, &accepted, &requested).await;\n\
         }}\n\n",
        path = document.local_path,
        doc = literal(&document.local_path),
        module_literal = literal(module),
    );
    out.push_str(&mirror_side(module, document));
    out.push_str(&app_side(module, document));
    out
}

fn address_of<'a>(document: &'a Document, operation_id: &str) -> &'a str {
    document
        .addresses
        .iter()
        .find(|(id, _)| id == operation_id)
        .map_or("", |(_, address)| address.as_str())
}

/// The recording handler: one method per received operation of the Mirror
/// code.
fn mirror_side(module: &str, document: &Document) -> String {
    let surface = &document.mirror_surface;
    let handler = surface.handler.as_deref().unwrap_or("Handler");
    let mut out = format!(
        "mod mirror_side {{\n\
         \x20   #![allow(unused_imports)]\n\
         \x20   use crate::docs::{module}_mirror::*;\n\n\
         \x20   pub struct Recorder(pub crate::harness::Log);\n\n\
         \x20   impl {handler} for Recorder {{\n"
    );
    for method in &surface.received {
        let parameters = method
            .parameters
            .as_ref()
            .map(|ty| format!("parameters: {ty}, "))
            .unwrap_or_default();
        let address = match &method.parameters {
            Some(_) => "parameters.address()".to_owned(),
            None => format!(
                "::std::string::String::from({})",
                literal(address_of(document, &method.operation_id))
            ),
        };
        let reply = document
            .replies
            .iter()
            .find(|(id, _)| *id == method.operation_id);
        let result = match reply {
            _ if method.output == "()" => "::std::result::Result::Ok(())".to_owned(),
            Some((_, reply)) => format!(
                "crate::harness::decode({}).map_err(::hookforge::api::HandlerError::failed)",
                literal(&reply.to_string())
            ),
            None => "::std::result::Result::Err(::hookforge::api::HandlerError::reject(\"no reply was planned\"))"
                .to_owned(),
        };
        let _ = write!(
            out,
            "        async fn {name}(&self, {parameters}message: {message}, webhook: &::hookforge::server::VerifiedWebhook) \
             -> ::std::result::Result<{output}, ::hookforge::api::HandlerError> {{\n\
             \x20           let address = {address};\n\
             \x20           let message = {encode};\n\
             \x20           self.0.record({operation}, address, message, webhook);\n\
             \x20           {result}\n\
             \x20       }}\n",
            name = method.name,
            message = method.message,
            output = method.output,
            encode = encode(surface, method),
            operation = literal(&method.operation_id),
        );
    }
    out.push_str("    }\n}\n\n");
    out
}

/// Writes the expression that turns the received `message` into JSON.
fn encode(surface: &Surface, method: &Method) -> String {
    let encode_one = |ty: &str, value: &str, event: Option<&str>| {
        let event = event.map_or("::std::option::Option::None".to_owned(), |e| {
            format!("::std::option::Option::Some({})", literal(e))
        });
        if ty.starts_with("::hookforge::api::Message<") {
            format!("crate::harness::encode_message({event}, &{value})")
        } else {
            format!("crate::harness::encode_payload({event}, &{value})")
        }
    };
    match surface.message_enum(&method.message) {
        None => encode_one(&method.message, "message", None),
        Some(message_enum) => {
            let arms: Vec<String> = message_enum
                .variants
                .iter()
                .map(|variant| {
                    format!(
                        "{}::{}(m) => {},",
                        message_enum.name,
                        variant.name,
                        encode_one(&variant.ty, "m", Some(&variant.event_type))
                    )
                })
                .collect();
            format!("match message {{ {} }}", arms.join(" "))
        }
    }
}

/// Writes the sending side: one block per example.
fn app_side(module: &str, document: &Document) -> String {
    let client = document
        .application_surface
        .client
        .as_deref()
        .unwrap_or("Client");
    let has_replies = document
        .application_surface
        .sent
        .iter()
        .any(|m| m.output != "::hookforge::client::Accepted");
    let mutable = |used: bool| if used { "mut " } else { "" };
    let accepted_mut = mutable(document.sends.iter().any(|s| s.reply.is_none()));
    let requested_mut = mutable(document.sends.iter().any(|s| s.reply.is_some()));
    let requester = if has_replies {
        ".with_requester(crate::harness::requester())"
    } else {
        ""
    };
    let mut out = format!(
        "mod app_side {{\n\
         \x20   #![allow(unused_imports)]\n\
         \x20   use crate::docs::{module}_app::*;\n\n\
         \x20   pub async fn send_all(\n\
         \x20       sender: &::hookforge::client::WebhookSender<crate::harness::Store>,\n\
         \x20       base: &str,\n\
         \x20   ) -> (::std::vec::Vec<(crate::harness::Sent, ::std::string::String)>, ::std::vec::Vec<crate::harness::Sent>) {{\n\
         \x20       let client = {client}::new(sender.clone(), base){requester};\n\
         \x20       let {accepted_mut}accepted = ::std::vec::Vec::new();\n\
         \x20       let {requested_mut}requested = ::std::vec::Vec::new();\n"
    );
    for send in &document.sends {
        out.push_str(&send_block(document, send));
    }
    out.push_str("        (accepted, requested)\n    }\n}\n");
    out
}

fn send_block(document: &Document, send: &Send) -> String {
    let method = &send.method;
    let payload = format!(
        "crate::harness::decode({})?",
        literal(&send.payload.to_string())
    );
    let value = match &send.headers {
        Some(headers) => format!(
            "::hookforge::api::Message::new({payload}, crate::harness::decode({})?)",
            literal(&headers.to_string())
        ),
        None => payload,
    };
    let value = match &send.variant {
        Some(variant) => format!("{}::{variant}({value})", method.message),
        None => value,
    };
    let (parameters, argument, address) = match &method.parameters {
        Some(ty) => {
            let segments: Vec<String> = send
                .parameters
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    format!(
                        "(::std::string::String::from(\"p{i}\"), ::std::string::String::from({}))",
                        literal(v)
                    )
                })
                .collect();
            (
                format!(
                    "let ::std::option::Option::Some(parameters) = {ty}::from_segments(&[{}]) else {{\n\
                     \x20               crate::harness::decode_failed(super::DOC, {label}, ::std::string::String::from(\"parameter values rejected\"));\n\
                     \x20               break 'example;\n\
                     \x20           }};\n",
                    segments.join(", "),
                    label = literal(&send.label),
                ),
                "&parameters, ",
                "parameters.address()".to_owned(),
            )
        }
        None => (
            String::new(),
            "",
            format!(
                "::std::string::String::from({})",
                literal(address_of(document, &method.operation_id))
            ),
        ),
    };
    format!(
        "        'example: {{\n\
         \x20           fn build() -> ::std::result::Result<{ty}, ::std::string::String> {{\n\
         \x20               ::std::result::Result::Ok({value})\n\
         \x20           }}\n\
         \x20           let message = match build() {{\n\
         \x20               ::std::result::Result::Ok(message) => message,\n\
         \x20               ::std::result::Result::Err(error) => {{\n\
         \x20                   crate::harness::decode_failed(super::DOC, {label}, error);\n\
         \x20                   break 'example;\n\
         \x20               }}\n\
         \x20           }};\n\
         \x20           {parameters}\
         \x20           let address: ::std::string::String = {address};\n\
         \x20           let sent = crate::harness::Sent {{\n\
         \x20               label: {label},\n\
         \x20               operation: {operation},\n\
         \x20               event: {event},\n\
         \x20               endpoint: ::hookforge::api::join_url(base, &address),\n\
         \x20               address,\n\
         \x20           }};\n\
         \x20           let result = client.{name}({argument}message).await;\n\
         \x20           {report}\n\
         \x20       }}\n",
        ty = method.message,
        label = literal(&send.label),
        operation = literal(&method.operation_id),
        event = literal(&send.event_type),
        name = method.name,
        report = if send.reply.is_some() {
            "crate::harness::replied(super::DOC, sent, result.map(|reply| crate::harness::to_json(&reply)), &mut requested);"
        } else {
            "crate::harness::sent(super::DOC, sent, result, &mut accepted);"
        },
    )
}
