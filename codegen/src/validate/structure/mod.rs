//! Structural rules: JSON types, required and unknown fields, enumerations,
//! formats and key patterns of every object kind, per AsyncAPI version.
//!
//! The walker starts at the document root and checks each node against
//! what its place expects ([`rules::Expect`]). Objects are checked by
//! field tables ([`v2`], [`v3`], [`security`], [`bindings`]) and JSON
//! Schemas by [`schema`]. A `$ref` is followed to its target, which is then
//! checked as the kind the reference's place expects, in the target's own
//! file. Each (file, pointer, kind) is checked once, so shared components
//! cost nothing extra and circular references end.

mod bindings;
pub(super) mod formats;
mod locate;
mod migration;
mod objects;
mod rules;
mod schema;
mod security;
mod v2;
mod v3;

#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::fmt;

use crate::diagnostic::{Code, Diagnostic};
use crate::document::{uses_foreign_schema_format, Document};
use crate::pointer::{escape_token, JsonPointer};
use crate::source::{FileId, Span};
use crate::tree::{Entry, Mapping, Node, Value};
use crate::validate::suggest;
use crate::version::SpecVersion;

use rules::{Expect, Kind, ObjectRule};

/// Appends structural problems of `document` to `out`.
pub(crate) fn check(document: &Document, version: SpecVersion, out: &mut Vec<Diagnostic>) {
    let mut walker = Walker {
        document,
        version,
        out,
        visited: HashSet::new(),
        pending: Vec::new(),
        patterns: HashMap::new(),
    };
    let mut at = Location {
        file: document.root_file(),
        pointer: String::new(),
    };
    walker.visit_object(Kind::Root, document.root(), &mut at, Label::Root);
    walker.drain();
}

/// The walker's position: a file and an escaped JSON pointer inside it.
struct Location {
    file: FileId,
    pointer: String,
}

impl Location {
    /// Appends `token` to the pointer and returns the length to restore.
    fn push(&mut self, token: &str) -> usize {
        let mark = self.pointer.len();
        self.pointer.push('/');
        if token.contains(['~', '/']) {
            self.pointer.push_str(&escape_token(token));
        } else {
            self.pointer.push_str(token);
        }
        mark
    }

    fn pop(&mut self, mark: usize) {
        self.pointer.truncate(mark);
    }

    fn child(&self, token: &str) -> String {
        format!("{}/{}", self.pointer, escape_token(token))
    }
}

/// The name of a value in messages.
#[derive(Clone, Copy)]
enum Label<'a> {
    Root,
    Field { name: &'a str, owner: &'static str },
    Entry { key: &'a str, map: &'a str },
    Item { index: usize, list: &'a str },
    Target,
}

impl<'a> Label<'a> {
    /// Returns the short name of the value, used to name its items.
    fn name(&self) -> &'a str {
        match *self {
            Label::Root => "the document",
            Label::Field { name, .. } => name,
            Label::Entry { key, .. } => key,
            Label::Item { list, .. } => list,
            Label::Target => "the reference target",
        }
    }
}

impl fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Label::Root => write!(f, "the document"),
            Label::Field { name, owner } => write!(f, "`{name}` in the {owner}"),
            Label::Entry { key, map } => write!(f, "entry `{key}` of `{map}`"),
            Label::Item { index, list } => write!(f, "item {index} of `{list}`"),
            Label::Target => write!(f, "the reference target"),
        }
    }
}

/// A reference target waiting to be checked.
struct Pending<'d> {
    file: FileId,
    pointer: String,
    kind: Kind,
    node: &'d Node,
}

/// The state of one structural check: the document, where diagnostics go,
/// and what has been checked.
struct Walker<'d, 'o> {
    document: &'d Document,
    version: SpecVersion,
    out: &'o mut Vec<Diagnostic>,
    /// Every (file, pointer, kind) already checked.
    visited: HashSet<(FileId, String, Kind)>,
    /// Reference targets still to check. A queue instead of recursion keeps
    /// long reference chains off the stack.
    pending: Vec<Pending<'d>>,
    /// Regex patterns already compiled, with the error of invalid ones.
    patterns: HashMap<String, Option<String>>,
}

impl<'d> Walker<'d, '_> {
    fn drain(&mut self) {
        while let Some(next) = self.pending.pop() {
            let mut at = Location {
                file: next.file,
                pointer: next.pointer,
            };
            self.check_object(next.kind, next.node, &mut at, Label::Target);
        }
    }

    fn report(
        &mut self,
        code: Code,
        pointer: String,
        span: Span,
        message: String,
        help: impl Into<String>,
    ) {
        self.out.push(
            Diagnostic::error(code, message)
                .at(pointer, span)
                .with_help(help),
        );
    }

    fn mismatch(&mut self, node: &Node, at: &Location, label: Label<'_>, expected: &str) {
        self.report(
            Code::TypeMismatch,
            at.pointer.clone(),
            node.span,
            format!("{label} must be {expected}, found {}", describe(node)),
            mismatch_help(node, expected),
        );
    }

    /// Checks `node` against `expect`. `at` points at `node`.
    fn visit_value(
        &mut self,
        expect: &Expect,
        node: &'d Node,
        at: &mut Location,
        label: Label<'_>,
    ) {
        match *expect {
            Expect::Any => {}
            Expect::String => {
                if node.as_str().is_none() {
                    self.mismatch(node, at, label, "a string");
                }
            }
            Expect::StringOrNull => {
                if node.as_str().is_none() && !node.is_null() {
                    self.mismatch(node, at, label, "a string or null");
                }
            }
            Expect::Boolean => {
                if node.as_bool().is_none() {
                    self.mismatch(node, at, label, "a boolean");
                }
            }
            Expect::Integer => {
                if !node.as_number().is_some_and(|n| n.is_whole()) {
                    self.mismatch(node, at, label, "an integer");
                }
            }
            Expect::Number => {
                if node.as_number().is_none() {
                    self.mismatch(node, at, label, "a number");
                }
            }
            Expect::MaxLength(max) => match node.as_str() {
                Some(text) if text.chars().count() > max => self.report(
                    Code::InvalidValue,
                    at.pointer.clone(),
                    node.span,
                    format!("{label} is longer than {max} characters"),
                    format!("shorten it to at most {max} characters"),
                ),
                Some(_) => {}
                None => self.mismatch(node, at, label, "a string"),
            },
            Expect::IntegerIn(min, max) => {
                if !node.as_number().is_some_and(|n| n.is_whole()) {
                    self.mismatch(node, at, label, "an integer");
                    return;
                }
                let value = node.as_number().map_or(0.0, |n| n.as_f64());
                if value < min as f64 || value > max as f64 {
                    let range = if max == i64::MAX {
                        format!("at least {min}")
                    } else {
                        format!("from {min} to {max}")
                    };
                    self.report(
                        Code::InvalidValue,
                        at.pointer.clone(),
                        node.span,
                        format!("{label} must be {range}, found {}", describe(node)),
                        format!("use an integer {range}"),
                    );
                }
            }
            Expect::ObjectSchema => {
                self.visit_object(Kind::Schema, node, at, label);
                self.check_object_schema(node, at, label);
            }
            Expect::Format(format) => self.visit_format(format, node, at, label),
            Expect::Enum(values) => self.visit_enum(values, node, at, label),
            Expect::IntegerEnum(values) => {
                let value = node.as_number().and_then(|n| n.as_i64());
                match value {
                    Some(value) if values.contains(&value) => {}
                    Some(_) => self.report(
                        Code::InvalidValue,
                        at.pointer.clone(),
                        node.span,
                        format!(
                            "{label} must be one of {values:?}, found {}",
                            describe(node)
                        ),
                        format!("use one of {values:?}"),
                    ),
                    None => self.mismatch(node, at, label, "an integer"),
                }
            }
            Expect::AnyObject => {
                if node.as_mapping().is_none() {
                    self.mismatch(node, at, label, "an object");
                }
            }
            Expect::Object(kind) => self.visit_object(kind, node, at, label),
            Expect::Reference(kind) => self.visit_reference(kind, node, at, label),
            Expect::MapOf(inner) => self.visit_map(inner, false, node, at, label),
            Expect::ComponentMapOf(inner) => self.visit_map(inner, true, node, at, label),
            Expect::ListOf(inner) => self.visit_list(inner, node, at, label),
            Expect::Payload => self.visit_object(Kind::Schema, node, at, label),
            Expect::IntegerOrSchema => {
                if node.as_number().is_some() {
                    self.visit_value(&Expect::Integer, node, at, label);
                } else if node.as_mapping().is_some() {
                    self.visit_object(Kind::Schema, node, at, label);
                } else {
                    self.mismatch(node, at, label, "an integer or a schema");
                }
            }
            Expect::StringOrSchema => {
                if node.as_mapping().is_some() {
                    self.visit_object(Kind::Schema, node, at, label);
                } else if node.as_str().is_none() {
                    self.mismatch(node, at, label, "a string or a schema");
                }
            }
            Expect::MessageTraitItem => self.visit_message_trait_item(node, at, label),
        }
    }

    fn visit_format(
        &mut self,
        format: rules::Format,
        node: &Node,
        at: &Location,
        label: Label<'_>,
    ) {
        let Some(text) = node.as_str() else {
            self.mismatch(node, at, label, "a string");
            return;
        };
        if let Err((problem, help)) = formats::check(format, text) {
            self.report(
                Code::InvalidValue,
                at.pointer.clone(),
                node.span,
                format!("{label} is {text:?}, which {problem}"),
                help,
            );
        }
    }

    fn visit_enum(&mut self, values: &[&str], node: &Node, at: &Location, label: Label<'_>) {
        let Some(text) = node.as_str() else {
            self.mismatch(node, at, label, "a string");
            return;
        };
        if !values.contains(&text) {
            let choices = values.join(", ");
            self.report(
                Code::InvalidValue,
                at.pointer.clone(),
                node.span,
                format!("{label} must be one of {choices}, found {text:?}"),
                format!("use one of {choices} (values are case-sensitive)"),
            );
        }
    }

    /// Checks an object of `kind`, following it first if it is a `$ref`.
    fn visit_object(&mut self, kind: Kind, node: &'d Node, at: &mut Location, label: Label<'_>) {
        if let Some(entry) = node.as_mapping().and_then(|m| m.entry("$ref")) {
            self.follow(kind, node, entry, at);
            return;
        }
        self.check_object(kind, node, at, label);
    }

    /// Checks a place that must hold a Reference Object (3.x
    /// `operation.channel`, `channel.servers` items, ...).
    fn visit_reference(&mut self, kind: Kind, node: &'d Node, at: &mut Location, label: Label<'_>) {
        if let Some(entry) = node.as_mapping().and_then(|m| m.entry("$ref")) {
            self.follow(kind, node, entry, at);
            return;
        }
        let kind_title = kind.title(self.version);
        let expected = format!(
            "a Reference Object (`$ref`) to {}",
            with_article(kind_title)
        );
        self.report(
            Code::TypeMismatch,
            at.pointer.clone(),
            node.span,
            format!("{label} must be {expected}, found {}", describe(node)),
            format!(
                "define the {kind_title} once (for example under `components`) and write `$ref: '#/...'` here"
            ),
        );
    }

    /// Follows the reference in `node` and queues its target to be checked
    /// as `kind`. Unresolvable references are skipped: the loader has
    /// already reported them.
    fn follow(&mut self, kind: Kind, node: &'d Node, entry: &Entry, at: &Location) {
        if entry.value.as_str().is_none() {
            self.report(
                Code::TypeMismatch,
                at.child("$ref"),
                entry.value.span,
                format!(
                    "`$ref` must be a string (a URI reference), found {}",
                    describe(&entry.value)
                ),
                "write the reference as a string, such as `'#/components/messages/Name'`",
            );
            return;
        }
        let Ok(target) = self.document.follow(at.file, &JsonPointer::root(), node) else {
            return;
        };
        // A protocol binding is not checked for kind: official examples
        // point one at a whole Bindings Object.
        let checks_kind = !matches!(kind, Kind::Binding(_));
        if let Some(found) = locate::kind_at(&target.pointer, self.version).filter(|_| checks_kind)
        {
            if !locate::compatible(found, kind) {
                let expected = with_article(kind.title(self.version));
                let reference = entry.value.as_str().unwrap_or_default();
                self.report(
                    Code::RefWrongKind,
                    at.child("$ref"),
                    entry.value.span,
                    format!(
                        "$ref {reference:?} points at {}, but {expected} is expected here",
                        with_article(found.title(self.version))
                    ),
                    format!("point the reference at {expected}"),
                );
                return;
            }
        }
        let pointer = target.pointer.to_string();
        if self.visited.contains(&(target.file, pointer.clone(), kind)) {
            return;
        }
        self.pending.push(Pending {
            file: target.file,
            pointer,
            kind,
            node: target.node,
        });
    }

    /// Checks an inline object of `kind` once.
    fn check_object(&mut self, kind: Kind, node: &'d Node, at: &mut Location, label: Label<'_>) {
        if !self.visited.insert((at.file, at.pointer.clone(), kind)) {
            return;
        }
        match kind {
            Kind::Schema => schema::check(self, node, at, label),
            Kind::AnySchema => {
                let multi_format = node.as_mapping().is_some_and(|m| m.contains_key("schema"));
                // Checked under the specific kind too, so a `$ref` that
                // expects that kind finds the node already checked.
                let specific = if multi_format {
                    Kind::MultiFormatSchema
                } else {
                    Kind::Schema
                };
                self.check_object(specific, node, at, label);
            }
            Kind::Bindings(place) => self.check_bindings(place, node, at, label),
            Kind::SecurityScheme => self.check_security_scheme(node, at, label),
            Kind::SecurityRequirement => {
                let scopes = Expect::MapOf(&Expect::ListOf(&Expect::String));
                self.visit_value(&scopes, node, at, label);
            }
            _ => {
                let Some(rule) = self.rule(kind, node) else {
                    return;
                };
                let Some(mapping) = self.expect_mapping(node, at, label, rule.title) else {
                    return;
                };
                // The 2.x schemas leave binding contents unchecked, and
                // official 2.x examples use fields no binding version has,
                // so a 2.x binding is closed only when it names its version.
                let open_binding = self.version.is_v2()
                    && matches!(kind, Kind::Binding(_))
                    && !mapping.contains_key("bindingVersion");
                let closed = rule.closed && !open_binding;
                self.check_fields(rule, closed, mapping, node, at);
                self.check_extra(kind, mapping, node, at);
            }
        }
    }

    fn rule(&self, kind: Kind, node: &Node) -> Option<&'static ObjectRule> {
        if let Kind::Binding(binding) = kind {
            return Some(bindings::rule(binding));
        }
        if self.version.is_v3() {
            return v3::rule(kind);
        }
        if kind == Kind::Message && node.get("oneOf").is_some() {
            return Some(&v2::MESSAGE_ONE_OF);
        }
        v2::rule(kind)
    }

    fn expect_mapping(
        &mut self,
        node: &'d Node,
        at: &Location,
        label: Label<'_>,
        title: &str,
    ) -> Option<&'d Mapping> {
        let mapping = node.as_mapping();
        if mapping.is_none() {
            self.mismatch(
                node,
                at,
                label,
                &format!("{} (an object)", with_article(title)),
            );
        }
        mapping
    }

    /// Checks each field of `mapping` against `rule`, then the required
    /// fields. Keys outside the rule are reported only when `closed`.
    fn check_fields(
        &mut self,
        rule: &ObjectRule,
        closed: bool,
        mapping: &'d Mapping,
        node: &'d Node,
        at: &mut Location,
    ) {
        for (key, entry) in mapping.entries() {
            if let Some(field) = rule.field(key, self.version) {
                if matches!(field.expect, Expect::Payload) && self.payload_is_foreign(node, at.file)
                {
                    continue;
                }
                let mark = at.push(key);
                let label = Label::Field {
                    name: key,
                    owner: rule.title,
                };
                self.visit_value(&field.expect, &entry.value, at, label);
                at.pop(mark);
            } else if rule.extensible && rules::is_extension(key) {
                continue;
            } else if closed {
                self.unknown_field(rule, key, entry, at);
            }
        }
        for required in rule.required {
            if !mapping.contains_key(required) {
                let span = self.key_span(at, node);
                let help = match suggest::closest(required, mapping.keys()) {
                    Some(near) => format!("rename `{near}` to `{required}`"),
                    None => format!("add `{required}` to the {}", rule.title),
                };
                self.report(
                    Code::RequiredMissing,
                    at.pointer.clone(),
                    span,
                    format!(
                        "the {} is missing the required field `{required}`",
                        rule.title
                    ),
                    help,
                );
            }
        }
    }

    /// Returns the span of the key that names the object `node` at `at`
    /// (`info:`, or `sendOrder:` for an operation), so that a problem with
    /// the whole object points at its first line. The root object gets the
    /// start of its file, and an array item its own span.
    fn key_span(&self, at: &Location, node: &Node) -> Span {
        let Ok(pointer) = JsonPointer::parse(&at.pointer) else {
            return node.span;
        };
        let Some((last, parents)) = pointer.tokens().split_last() else {
            return Span::file_start(at.file);
        };
        let mut parent = self.document.tree(at.file);
        for token in parents {
            parent = parent.and_then(|p| match &p.value {
                Value::Mapping(mapping) => mapping.get(token),
                Value::Sequence(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            });
        }
        parent
            .and_then(Node::as_mapping)
            .and_then(|mapping| mapping.entry(last))
            .map_or(node.span, |entry| entry.key_span)
    }

    fn unknown_field(&mut self, rule: &ObjectRule, key: &str, entry: &Entry, at: &Location) {
        let allowed = rule.field_names(self.version);
        let extension = if rule.extensible {
            format!(" or rename it to `x-{key}` if it is an extension")
        } else {
            String::new()
        };
        let names = rule
            .fields
            .iter()
            .filter(|field| field.exists_in(self.version))
            .map(|field| field.name);
        let help = if let Some(moved) = migration::v2_field_help(rule.title, key, self.version) {
            format!("{moved}; the {} has: {allowed}", rule.title)
        } else if let Some(near) = suggest::closest(key, names) {
            format!("did you mean `{near}`? Otherwise remove `{key}`{extension}")
        } else {
            format!(
                "remove `{key}`{extension}; the {} has: {allowed}",
                rule.title
            )
        };
        self.report(
            Code::UnknownField,
            at.child(key),
            entry.key_span,
            format!(
                "unknown field `{key}` in the {} (AsyncAPI {})",
                rule.title, self.version
            ),
            help,
        );
    }

    /// Returns whether the payload of message-like `node` is in a schema
    /// format other than JSON Schema, from its own `schemaFormat` or (2.x) that
    /// of one of its traits.
    fn payload_is_foreign(&self, node: &'d Node, file: FileId) -> bool {
        if uses_foreign_schema_format(node) {
            return true;
        }
        let Some(traits) = node.get("traits").and_then(Node::as_sequence) else {
            return false;
        };
        traits.iter().any(|item| {
            self.document
                .follow(file, &JsonPointer::root(), item)
                .is_ok_and(|target| uses_foreign_schema_format(target.node))
        })
    }

    fn visit_map(
        &mut self,
        inner: &Expect,
        component_keys: bool,
        node: &'d Node,
        at: &mut Location,
        label: Label<'_>,
    ) {
        let Some(mapping) = node.as_mapping() else {
            self.mismatch(node, at, label, "an object (a map of names to values)");
            return;
        };
        // A string `$ref` makes the whole map a reference: check the map it
        // points at in place. Any other `$ref` is an entry named `$ref`,
        // such as a schema property.
        if node.ref_target().is_some() {
            if let Ok(target) = self.document.follow(at.file, &JsonPointer::root(), node) {
                let mut target_at = Location {
                    file: target.file,
                    pointer: target.pointer.to_string(),
                };
                self.visit_map(
                    inner,
                    component_keys,
                    target.node,
                    &mut target_at,
                    Label::Target,
                );
            }
            return;
        }
        let check_keys = component_keys && self.version.is_v3();
        for (key, entry) in mapping.entries() {
            if check_keys && !formats::is_component_key(key) {
                self.report(
                    Code::InvalidValue,
                    at.child(key),
                    entry.key_span,
                    format!("component name {key:?} has characters outside `^[a-zA-Z0-9.\\-_]+$`"),
                    "rename the component using only letters, digits, `.`, `-` and `_`, and update its references",
                );
            }
            let mark = at.push(key);
            self.visit_value(
                inner,
                &entry.value,
                at,
                Label::Entry {
                    key,
                    map: label.name(),
                },
            );
            at.pop(mark);
        }
    }

    fn visit_list(&mut self, inner: &Expect, node: &'d Node, at: &mut Location, label: Label<'_>) {
        let Some(items) = node.as_sequence() else {
            self.mismatch(node, at, label, "an array");
            return;
        };
        for (index, item) in items.iter().enumerate() {
            let mark = at.push(&index.to_string());
            self.visit_value(
                inner,
                item,
                at,
                Label::Item {
                    index,
                    list: label.name(),
                },
            );
            at.pop(mark);
        }
    }

    /// Checks a 3.x message trait entry: a trait, or a `[trait, object]`
    /// pair.
    fn visit_message_trait_item(&mut self, node: &'d Node, at: &mut Location, label: Label<'_>) {
        let Some(pair) = node.as_sequence() else {
            self.visit_object(Kind::MessageTrait, node, at, label);
            return;
        };
        for (index, item) in pair.iter().enumerate() {
            let mark = at.push(&index.to_string());
            let item_label = Label::Item {
                index,
                list: label.name(),
            };
            match index {
                0 => self.visit_object(Kind::MessageTrait, item, at, item_label),
                1 => self.visit_value(&Expect::AnyObject, item, at, item_label),
                _ => self.report(
                    Code::InvalidValue,
                    at.pointer.clone(),
                    item.span,
                    format!("{label} has more than two items"),
                    "write a trait, or a pair `[trait, object]`",
                ),
            }
            at.pop(mark);
        }
    }

    /// Returns why `pattern` is not a valid regular expression, compiling
    /// each distinct pattern once.
    fn pattern_error(&mut self, pattern: &str) -> Option<String> {
        if let Some(known) = self.patterns.get(pattern) {
            return known.clone();
        }
        let error = schema::regex_error(pattern);
        self.patterns.insert(pattern.to_owned(), error.clone());
        error
    }
}

/// Suggests quoting a YAML number or boolean where a string is expected,
/// and otherwise changing the value.
fn mismatch_help(node: &Node, expected: &str) -> String {
    let unquoted = match &node.value {
        Value::Number(number) => Some(number.as_str().to_owned()),
        Value::Bool(value) => Some(value.to_string()),
        _ => None,
    };
    match unquoted {
        Some(text) if expected == "a string" => {
            format!("quote the value so that YAML reads it as a string: '{text}'")
        }
        _ => format!("change the value to {expected}"),
    }
}

/// Returns `title` after "a" or "an", as its first letter sounds.
fn with_article(title: &str) -> String {
    let vowel_sound = title.starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u'])
        || ["HTTP", "MQTT"].iter().any(|p| title.starts_with(p));
    let article = if vowel_sound { "an" } else { "a" };
    format!("{article} {title}")
}

/// Describes a value for messages: its JSON type and, for scalars, the
/// value itself, cut to 40 characters.
fn describe(node: &Node) -> String {
    let text = match &node.value {
        Value::Null => return "null".into(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {}", n.as_str()),
        Value::String(s) => {
            let mut excerpt: String = s.chars().take(40).collect();
            if excerpt.len() < s.len() {
                excerpt.push_str("...");
            }
            format!("string {excerpt:?}")
        }
        Value::Sequence(_) => "an array".into(),
        Value::Mapping(_) => "an object".into(),
    };
    match node.value {
        Value::Sequence(_) | Value::Mapping(_) => text,
        _ => format!("a {text}"),
    }
}
