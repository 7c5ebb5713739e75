//! A whole document as one file: the targets of `$ref`s into other files
//! move into the root's `components`, and those `$ref`s become local.
//!
//! `$ref`s inside the root file that point into the root file stay as
//! written. Every other `$ref` (one in the root file to another file, and
//! any `$ref` written in another file) is resolved along its chain, and its
//! target is copied once into `components/<section>/<name>`:
//!
//! - a target already under `components/<section>/<name>` in its own file
//!   keeps that section and name;
//! - otherwise the section follows from the place of the `$ref`: inside a
//!   payload, headers or schema it is `schemas`, under a message's `traits`
//!   it is `messageTraits`, and so on;
//! - a name already taken (by the root's own components or an earlier
//!   target) gets a numeric suffix: `Refund`, `Refund_2`.
//!
//! A target whose place has no components section in the document's
//! version (an `info` object, say) is copied in place of its `$ref`. A
//! `$ref` that does not resolve (such as one to an Avro file inside a
//! payload in another schema format, which the loader does not read) stays
//! as written and is listed in [`Bundle::unresolved`].

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value as Json};

use crate::document::Document;
use crate::pointer::{escape_token, JsonPointer};
use crate::source::FileId;
use crate::tree::{Node, Value};
use crate::version::SpecVersion;

/// Keys whose values are data, so a `$ref` inside them is not a reference.
const DATA_KEYS: &[&str] = &["examples", "example", "default", "const", "enum"];

/// Maximum number of JSON values in a bundle. Targets copied in place can
/// repeat, so a hostile document could otherwise grow exponentially.
const MAX_VALUES: usize = 10_000_000;

/// A bundled document.
#[derive(Clone, Debug, PartialEq)]
pub struct Bundle {
    /// The document, with no `$ref` into another file except those in
    /// [`Bundle::unresolved`].
    pub document: Json,
    /// Places (JSON pointers into [`Bundle::document`]) of the `$ref`s that
    /// did not resolve and so stay as written.
    pub unresolved: Vec<String>,
}

/// An error that stops bundling.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    /// A target that has to be copied in place contains a `$ref` back to
    /// itself, so copying would never end.
    #[error("the $ref at {pointer} leads back into itself through a place that has no components section, so it cannot be copied in place")]
    InPlaceCycle {
        /// JSON pointer to the `$ref` in the bundle.
        pointer: String,
    },
    /// The bundle would exceed the size bound.
    #[error("the bundled document would have more than {max_values} JSON values")]
    TooLarge {
        /// The bound, in JSON values.
        max_values: usize,
    },
    /// The root file has no mapping at its root, so it has no `components`.
    #[error("the root of the document is not a mapping")]
    RootNotMapping,
}

/// Bundles `document`, as the module documentation describes. `version` is
/// the document's AsyncAPI version, which decides the sections
/// `components` has.
///
/// # Errors
///
/// See [`BundleError`].
///
/// # Examples
///
/// ```no_run
/// use std::path::Path;
/// use hookforge_codegen::bundle::bundle_document;
/// use hookforge_codegen::document::LoadOptions;
///
/// let validation =
///     hookforge_codegen::validate_file(Path::new("asyncapi.yaml"), LoadOptions::default());
/// let (Some(document), Some(version)) = (&validation.document, validation.version) else {
///     panic!("the document could not be read");
/// };
/// let bundle = bundle_document(document, version).expect("the document bundles");
/// println!("{}", serde_json::to_string_pretty(&bundle.document).expect("JSON prints"));
/// ```
pub fn bundle_document(document: &Document, version: SpecVersion) -> Result<Bundle, BundleError> {
    let mut bundler = Bundler {
        document,
        version,
        hoisted: HashMap::new(),
        used_names: HashSet::new(),
        components: Vec::new(),
        in_place: Vec::new(),
        path: Vec::new(),
        unresolved: Vec::new(),
        budget: MAX_VALUES,
    };
    bundler.claim_existing_names();
    let root_file = document.root_file();
    let Json::Object(mut root) = bundler.convert(root_file, document.root())? else {
        return Err(BundleError::RootNotMapping);
    };
    bundler.place_components(&mut root)?;
    Ok(Bundle {
        document: Json::Object(root),
        unresolved: bundler.unresolved,
    })
}

/// A `$ref` target: its file and pointer text.
type TargetKey = (FileId, String);

struct Bundler<'d> {
    document: &'d Document,
    version: SpecVersion,
    /// Local `$ref` text of each target copied into `components`.
    hoisted: HashMap<TargetKey, String>,
    /// `(section, name)` pairs in use.
    used_names: HashSet<(String, String)>,
    /// Copied targets as `(section, name, value)`, in the order found.
    components: Vec<(String, String, Json)>,
    /// Targets being copied in place, to detect cycles.
    in_place: Vec<TargetKey>,
    /// Keys from the root of the bundle to the current value.
    path: Vec<String>,
    unresolved: Vec<String>,
    budget: usize,
}

impl Bundler<'_> {
    fn claim_existing_names(&mut self) {
        let Some(components) = self.document.root().get("components") else {
            return;
        };
        for (section, entries) in components.as_mapping().into_iter().flat_map(|m| m.iter()) {
            for name in entries.as_mapping().into_iter().flat_map(|m| m.keys()) {
                self.used_names
                    .insert((section.to_owned(), name.to_owned()));
            }
        }
    }

    fn spend(&mut self) -> Result<(), BundleError> {
        self.budget = self.budget.checked_sub(1).ok_or(BundleError::TooLarge {
            max_values: MAX_VALUES,
        })?;
        Ok(())
    }

    fn convert(&mut self, file: FileId, node: &Node) -> Result<Json, BundleError> {
        self.spend()?;
        match &node.value {
            Value::Mapping(mapping) => {
                if let Some(reference) = node.ref_target() {
                    return self.reference(file, node, reference);
                }
                let mut object = Map::new();
                for (key, value) in mapping.iter() {
                    let converted = if DATA_KEYS.contains(&key) {
                        value.to_json()
                    } else {
                        self.path.push(key.to_owned());
                        let converted = self.convert(file, value);
                        self.path.pop();
                        converted?
                    };
                    object.insert(key.to_owned(), converted);
                }
                Ok(Json::Object(object))
            }
            Value::Sequence(items) => {
                let mut array = Vec::with_capacity(items.len());
                for (index, item) in items.iter().enumerate() {
                    self.path.push(index.to_string());
                    let converted = self.convert(file, item);
                    self.path.pop();
                    array.push(converted?);
                }
                Ok(Json::Array(array))
            }
            _ => Ok(node.to_json()),
        }
    }

    fn reference(
        &mut self,
        file: FileId,
        node: &Node,
        reference: &str,
    ) -> Result<Json, BundleError> {
        let root_file = self.document.root_file();
        if file == root_file && reference.starts_with('#') {
            return Ok(node.to_json());
        }

        let resolved = self.document.resolve(file, reference).and_then(|target| {
            self.document
                .follow(target.file, &target.pointer, target.node)
        });
        let Ok(target) = resolved else {
            self.unresolved.push(self.pointer_text());
            return Ok(node.to_json());
        };

        if target.file == root_file {
            return Ok(local_reference(&target.pointer.to_string()));
        }
        let key = (target.file, target.pointer.to_string());
        if let Some(local) = self.hoisted.get(&key) {
            return Ok(local_reference(local));
        }

        let Some((section, name)) = self.place_for(&target.pointer, target.file) else {
            return self.copy_in_place(key, target.file, target.node);
        };

        // Copy the target under its new name, reading its own `$ref`s from
        // its place in `components`.
        let local = format!(
            "/components/{}/{}",
            escape_token(&section),
            escape_token(&name)
        );
        self.hoisted.insert(key, local.clone());
        let saved = std::mem::replace(
            &mut self.path,
            vec!["components".to_owned(), section.clone(), name.clone()],
        );
        let copied = self.convert(target.file, target.node);
        self.path = saved;
        self.components.push((section, name, copied?));
        Ok(local_reference(&local))
    }

    fn copy_in_place(
        &mut self,
        key: TargetKey,
        file: FileId,
        node: &Node,
    ) -> Result<Json, BundleError> {
        if self.in_place.contains(&key) {
            return Err(BundleError::InPlaceCycle {
                pointer: self.pointer_text(),
            });
        }
        self.in_place.push(key);
        let copied = self.convert(file, node);
        self.in_place.pop();
        copied
    }

    /// Picks the components section and a free name for a target at
    /// `pointer` in `file`, or `None` when it is to be copied in place.
    fn place_for(&mut self, pointer: &JsonPointer, file: FileId) -> Option<(String, String)> {
        let tokens = pointer.tokens();
        let (section, base) = match tokens {
            [components, section, name] if components == "components" => {
                (section.clone(), name.clone())
            }
            _ => {
                let section = section_for(&self.path, self.version)?;
                (section.to_owned(), self.base_name(tokens, file))
            }
        };
        if !has_section(self.version, &section) {
            return None;
        }
        let base = sanitize(&base);
        let mut name = base.clone();
        let mut suffix = 2;
        while !self.used_names.insert((section.clone(), name.clone())) {
            name = format!("{base}_{suffix}");
            suffix += 1;
        }
        Some((section, name))
    }

    /// Returns the last pointer token that is not an array index, or else
    /// the file name without its extension.
    fn base_name(&self, tokens: &[String], file: FileId) -> String {
        let token = tokens
            .iter()
            .rev()
            .find(|token| !token.bytes().all(|b| b.is_ascii_digit()));
        match token {
            Some(token) => token.clone(),
            None => self
                .document
                .sources
                .path(file)
                .file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
                .unwrap_or_default(),
        }
    }

    fn pointer_text(&self) -> String {
        self.path
            .iter()
            .map(|t| format!("/{}", escape_token(t)))
            .collect()
    }

    /// Adds the copied targets to the root's `components`, creating it or
    /// its sections when missing.
    fn place_components(&mut self, root: &mut Map<String, Json>) -> Result<(), BundleError> {
        if self.components.is_empty() {
            return Ok(());
        }
        let components = root
            .entry("components")
            .or_insert_with(|| Json::Object(Map::new()));
        let Json::Object(components) = components else {
            return Err(BundleError::RootNotMapping);
        };
        for (section, name, value) in std::mem::take(&mut self.components) {
            let entries = components
                .entry(section)
                .or_insert_with(|| Json::Object(Map::new()));
            if let Json::Object(entries) = entries {
                entries.insert(name, value);
            }
        }
        Ok(())
    }
}

fn local_reference(pointer: &str) -> Json {
    let mut object = Map::new();
    object.insert("$ref".to_owned(), Json::String(format!("#{pointer}")));
    Json::Object(object)
}

/// Keeps the characters that AsyncAPI allows in component names
/// (`^[a-zA-Z0-9.\-_]+$`), replacing others with `_`.
fn sanitize(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '_' | '-' | '.' => c,
            _ => '_',
        })
        .collect();
    if cleaned.is_empty() {
        "component".to_owned()
    } else {
        cleaned
    }
}

/// Returns the components section for an object referenced at `path` in
/// the bundle, or `None` when the place has no section.
fn section_for(path: &[String], version: SpecVersion) -> Option<&'static str> {
    let has = |token: &str| path.iter().any(|t| t == token);
    let in_schema = has("payload")
        || has("headers")
        || has("schema")
        || path.starts_with(&["components".to_owned(), "schemas".to_owned()]);
    if in_schema {
        return Some("schemas");
    }
    let (last, parents) = path.split_last()?;
    let parent = parents.last().map(String::as_str);
    let in_message = has("message") || has("messages");
    let section = match (parent, last.as_str()) {
        (_, "message") => "messages",
        (_, "correlationId") => "correlationIds",
        (_, "externalDocs") => "externalDocs",
        (_, "reply") => "replies",
        (Some("reply"), "address") => "replyAddresses",
        (_, "bindings") if in_message => "messageBindings",
        (_, "bindings") if has("operations") || has("publish") || has("subscribe") => {
            "operationBindings"
        }
        (_, "bindings") if has("servers") => "serverBindings",
        (_, "bindings") if has("channels") => "channelBindings",
        (Some("traits"), _) if in_message => "messageTraits",
        (Some("traits"), _) => "operationTraits",
        (Some("messages"), _) => "messages",
        (Some("oneOf"), _) if in_message => "messages",
        (Some("parameters"), _) => "parameters",
        (Some("securitySchemes"), _) => "securitySchemes",
        (Some("variables"), _) => "serverVariables",
        (Some("tags"), _) => "tags",
        (Some("servers"), _) if version.is_v3() || parents.len() == 1 => "servers",
        (Some("channels"), _) if parents.len() == 1 => "channels",
        (Some("operations"), _) if parents.len() == 1 => "operations",
        _ => return None,
    };
    Some(section)
}

/// Checks whether the Components Object of `version` has `section`.
fn has_section(version: SpecVersion, section: &str) -> bool {
    const V2: &[&str] = &[
        "schemas",
        "messages",
        "securitySchemes",
        "parameters",
        "correlationIds",
        "operationTraits",
        "messageTraits",
        "serverBindings",
        "channelBindings",
        "operationBindings",
        "messageBindings",
    ];
    // Added in AsyncAPI 2.3.
    const V2_3: &[&str] = &["servers", "channels", "serverVariables"];
    const V3: &[&str] = &[
        "schemas",
        "servers",
        "channels",
        "operations",
        "messages",
        "securitySchemes",
        "serverVariables",
        "parameters",
        "correlationIds",
        "replies",
        "replyAddresses",
        "externalDocs",
        "tags",
        "operationTraits",
        "messageTraits",
        "serverBindings",
        "channelBindings",
        "operationBindings",
        "messageBindings",
    ];
    match version {
        SpecVersion::V3 { .. } => V3.contains(&section),
        SpecVersion::V2 { minor, .. } => {
            V2.contains(&section) || (minor >= 3 && V2_3.contains(&section))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use serde_json::json;

    use super::*;
    use crate::document::LoadOptions;

    /// Writes `files` into a new temporary folder, bundles `files[0]` and
    /// removes the folder.
    fn bundle_files(name: &str, files: &[(&str, &str)]) -> Result<Bundle, BundleError> {
        let dir: PathBuf = std::env::temp_dir().join(format!(
            "hookforge-bundle-document-{name}-{}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("temp folder is writable");
        for (file, text) in files {
            std::fs::write(dir.join(file), text).expect("temp file is writable");
        }
        let validation = crate::validate_file(&dir.join(files[0].0), LoadOptions::default());
        std::fs::remove_dir_all(&dir).expect("temp folder is removable");
        assert!(validation.is_valid(), "{:?}", validation.diagnostics);
        let document = validation.document.as_ref().expect("loads");
        bundle_document(document, validation.version.expect("has a version"))
    }

    #[test]
    fn local_references_stay_as_written() {
        let text = "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\nchannels:\n  c:\n    messages:\n      m: {$ref: '#/components/messages/m'}\ncomponents:\n  messages:\n    m: {payload: {type: string}}\n";
        let validation =
            crate::validate_text(Path::new("local.yaml"), text, LoadOptions::default());
        let document = validation.document.as_ref().expect("loads");
        let version = validation.version.expect("has a version");
        let bundle = bundle_document(document, version).expect("bundles");
        assert_eq!(bundle.document, document.root().to_json());
    }

    #[test]
    fn section_follows_place_of_reference() {
        let root = "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\nchannels:\n  c: {$ref: 'parts.yaml#/orders'}\n";
        let parts = "orders:\n  address: orders\n  messages:\n    placed: {$ref: '#/placed'}\nplaced:\n  payload: {$ref: '#/Order'}\n  traits: [{$ref: '#/common'}]\nOrder: {type: object}\ncommon: {headers: {type: object}}\n";
        let bundle = bundle_files("sections", &[("api.yaml", root), ("parts.yaml", parts)])
            .expect("bundles");
        let document = &bundle.document;
        assert_eq!(
            document["channels"]["c"],
            json!({"$ref": "#/components/channels/orders"})
        );
        let components = &document["components"];
        assert_eq!(
            components["channels"]["orders"]["messages"]["placed"],
            json!({"$ref": "#/components/messages/placed"})
        );
        assert_eq!(
            components["messages"]["placed"]["payload"],
            json!({"$ref": "#/components/schemas/Order"})
        );
        assert_eq!(
            components["messages"]["placed"]["traits"][0],
            json!({"$ref": "#/components/messageTraits/common"})
        );
        assert_eq!(components["schemas"]["Order"], json!({"type": "object"}));
    }

    #[test]
    fn object_without_section_is_copied_in_place() {
        let root = "asyncapi: 2.6.0\ninfo: {$ref: 'info.yaml'}\nchannels: {}\n";
        let info = "title: t\nversion: '1'\n";
        let bundle =
            bundle_files("in-place", &[("api.yaml", root), ("info.yaml", info)]).expect("bundles");
        assert_eq!(
            bundle.document["info"],
            json!({"title": "t", "version": "1"})
        );
        assert!(bundle.document.get("components").is_none());
    }

    #[test]
    fn reference_back_to_root_becomes_local() {
        let root = "asyncapi: 2.6.0\ninfo: {title: t, version: '1'}\nchannels:\n  c:\n    publish:\n      message: {$ref: 'messages.yaml#/m'}\ncomponents:\n  schemas:\n    Id: {type: string}\n";
        let messages = "m:\n  payload: {$ref: 'api.yaml#/components/schemas/Id'}\n";
        let bundle = bundle_files("back", &[("api.yaml", root), ("messages.yaml", messages)])
            .expect("bundles");
        assert_eq!(
            bundle.document["components"]["messages"]["m"]["payload"],
            json!({"$ref": "#/components/schemas/Id"})
        );
    }

    #[test]
    fn unread_file_reference_is_kept() {
        let root = "asyncapi: 2.6.0\ninfo: {title: t, version: '1'}\nchannels:\n  c:\n    publish:\n      message:\n        schemaFormat: application/vnd.apache.avro;version=1.9.0\n        payload: {$ref: 'user.avsc'}\n";
        let bundle = bundle_files("avro", &[("api.yaml", root)]).expect("bundles");
        assert_eq!(
            bundle.unresolved,
            ["/channels/c/publish/message/payload".to_owned()]
        );
        assert_eq!(
            bundle.document["channels"]["c"]["publish"]["message"]["payload"],
            json!({"$ref": "user.avsc"})
        );
    }

    #[test]
    fn components_section_is_kept_per_version() {
        let v2_0 = SpecVersion::V2 { minor: 0, patch: 0 };
        let v2_3 = SpecVersion::V2 { minor: 3, patch: 0 };
        let v3 = SpecVersion::V3 { minor: 0, patch: 0 };
        assert!(!has_section(v2_0, "channels"));
        assert!(has_section(v2_3, "channels"));
        assert!(!has_section(v2_3, "tags"));
        assert!(has_section(v3, "tags"));
    }
}
