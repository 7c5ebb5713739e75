//! Object checks that field tables cannot express: bindings, security
//! schemes, schemas that must describe objects, and name patterns.

use super::rules::{Binding, Expect, Flow, Kind, Place};
use super::{bindings, describe, formats, rules, security, Label, Location, Walker};
use crate::diagnostic::Code;
use crate::pointer::{escape_token, JsonPointer};
use crate::tree::{Mapping, Node, Value};

impl<'d> Walker<'d, '_> {
    /// Checks the rules that field tables cannot express.
    pub(super) fn check_extra(
        &mut self,
        kind: Kind,
        mapping: &'d Mapping,
        node: &'d Node,
        at: &mut Location,
    ) {
        match kind {
            // 2.0 examples need neither.
            Kind::MessageExample
                if (self.version.is_v3() || self.version.minor() >= 1)
                    && !mapping.contains_key("payload")
                    && !mapping.contains_key("headers") =>
            {
                self.report(
                    Code::RequiredMissing,
                    at.pointer.clone(),
                    node.span,
                    "the Message Example Object has neither `payload` nor `headers`".into(),
                    "add a `payload` or `headers` example",
                );
            }
            Kind::OAuthFlow(flow) => {
                let unused = match flow {
                    Flow::Implicit => Some("tokenUrl"),
                    Flow::Password | Flow::ClientCredentials => Some("authorizationUrl"),
                    Flow::AuthorizationCode => None,
                };
                if let Some((key, entry)) = unused.and_then(|k| mapping.entry(k).map(|e| (k, e))) {
                    self.report(
                        Code::UnknownField,
                        at.child(key),
                        entry.key_span,
                        format!("`{key}` is not used by the {flow:?} OAuth flow"),
                        format!("remove `{key}`"),
                    );
                }
            }
            Kind::Binding(binding) => self.check_binding_extra(binding, mapping, node, at),
            Kind::Root if self.version.is_v2() => self.check_channel_names(mapping, at),
            Kind::Channel if self.version.is_v3() => {
                self.check_parameter_names(mapping, at);
                self.check_address_braces(mapping, at);
            }
            _ => {}
        }
    }

    /// Reports a schema whose `type` is given and is not `object`.
    pub(super) fn check_object_schema(&mut self, node: &'d Node, at: &Location, label: Label<'_>) {
        let inline = node.get("$ref").is_none();
        let Ok(target) = self.document.follow(at.file, &JsonPointer::root(), node) else {
            return;
        };
        let Some(schema_type) = target.node.get("type") else {
            return;
        };
        let describes_object = match &schema_type.value {
            Value::String(name) => name == "object",
            Value::Sequence(names) => names.iter().any(|n| n.as_str() == Some("object")),
            _ => true,
        };
        if describes_object {
            return;
        }
        let (pointer, span) = if inline {
            (at.child("type"), schema_type.span)
        } else {
            (
                at.child("$ref"),
                node.get("$ref").map_or(node.span, |r| r.span),
            )
        };
        self.report(
            Code::InvalidValue,
            pointer,
            span,
            format!(
                "{label} must be a schema of `type: object`, found `type` {}",
                describe(schema_type)
            ),
            "describe an object with one property per header or parameter",
        );
    }

    /// Checks binding rules that depend on one field's value.
    fn check_binding_extra(
        &mut self,
        binding: Binding,
        mapping: &Mapping,
        node: &Node,
        at: &Location,
    ) {
        match binding {
            // HTTP 0.1.0 operations state whether they are a request or a
            // response.
            Binding::HttpOperation => {
                let version = mapping.get("bindingVersion").and_then(Node::as_str);
                if version == Some("0.1.0") && !mapping.contains_key("type") {
                    self.report(
                        Code::RequiredMissing,
                        at.pointer.clone(),
                        node.span,
                        "the HTTP operation binding 0.1.0 is missing the required field `type`"
                            .into(),
                        "add `type: request` or `type: response`, or move to bindingVersion 0.3.0",
                    );
                }
            }
            // A queue destination has a `queue` and no `topic`. A topic
            // destination (the default) has no `queue`.
            Binding::IbmmqChannel => {
                let is_queue =
                    mapping.get("destinationType").and_then(Node::as_str) == Some("queue");
                let (needed, forbidden) = if is_queue {
                    (Some("queue"), "topic")
                } else {
                    (None, "queue")
                };
                if let Some(needed) = needed.filter(|k| !mapping.contains_key(k)) {
                    self.report(
                        Code::RequiredMissing,
                        at.pointer.clone(),
                        node.span,
                        format!("the IBM MQ channel binding has `destinationType: queue` but no `{needed}`"),
                        format!("add `{needed}` with its `objectName`"),
                    );
                }
                if let Some(entry) = mapping.entry(forbidden) {
                    let destination = if is_queue { "queue" } else { "topic" };
                    self.report(
                        Code::InvalidValue,
                        at.child(forbidden),
                        entry.key_span,
                        format!("`{forbidden}` is not allowed in an IBM MQ channel binding whose destination is a {destination}"),
                        format!("remove `{forbidden}`, or change `destinationType`"),
                    );
                }
            }
            _ => {}
        }
    }

    /// Checks that 2.x channel names are non-empty URI templates.
    fn check_channel_names(&mut self, root: &Mapping, at: &Location) {
        let Some(channels) = root.get("channels").and_then(Node::as_mapping) else {
            return;
        };
        for (name, entry) in channels.entries() {
            if !formats::is_uri_template(name) {
                self.report(
                    Code::InvalidValue,
                    format!("{}/channels/{}", at.pointer, escape_token(name)),
                    entry.key_span,
                    format!("channel name {name:?} is not a URI template"),
                    "write the channel name as a URI template, without spaces, quotes, backticks, `<`, `>`, `\\`, `^` or `|`, with `%` only in two-digit hex escapes and every `{parameter}` closed",
                );
            }
        }
    }

    /// Checks that every `{` of a 3.x channel address is closed by a `}`
    /// around a parameter name.
    fn check_address_braces(&mut self, channel: &Mapping, at: &Location) {
        let Some(entry) = channel.entry("address") else {
            return;
        };
        let Some(address) = entry.value.as_str() else {
            return;
        };
        if !formats::braces_balanced(address) {
            self.report(
                Code::InvalidValue,
                at.child("address"),
                entry.value.span,
                format!("channel address {address:?} has unbalanced braces"),
                "write each parameter as `{name}`, with every `{` closed by a `}` before the next `{` and no `}` on its own",
            );
        }
    }

    /// Checks that 3.x parameter names match `^[A-Za-z0-9_\-]+$`.
    fn check_parameter_names(&mut self, channel: &Mapping, at: &Location) {
        let Some(parameters) = channel.get("parameters").and_then(Node::as_mapping) else {
            return;
        };
        for (name, entry) in parameters.entries() {
            if name != "$ref" && !formats::is_parameter_name(name) {
                self.report(
                    Code::InvalidValue,
                    format!("{}/parameters/{}", at.pointer, escape_token(name)),
                    entry.key_span,
                    format!("parameter name {name:?} has characters outside `^[A-Za-z0-9_\\-]+$`"),
                    "rename the parameter using only letters, digits, `-` and `_`, in `parameters` and in the address",
                );
            }
        }
    }

    pub(super) fn check_bindings(
        &mut self,
        place: Place,
        node: &'d Node,
        at: &mut Location,
        label: Label<'_>,
    ) {
        let title = Kind::Bindings(place).title(self.version);
        let Some(mapping) = self.expect_mapping(node, at, label, title) else {
            return;
        };
        for (protocol, entry) in mapping.entries() {
            if rules::is_extension(protocol) {
                continue;
            }
            if !bindings::allows(protocol, place, self.version) {
                let allowed = bindings::allowed_list(place, self.version);
                self.report(
                    Code::UnknownField,
                    at.child(protocol),
                    entry.key_span,
                    format!(
                        "unknown protocol `{protocol}` in the {title} (AsyncAPI {})",
                        self.version
                    ),
                    format!("use one of {allowed}, or prefix a custom binding with `x-`"),
                );
                continue;
            }
            let expect = match bindings::binding_kind(protocol, place) {
                Some(kind) => Expect::Object(kind),
                None => Expect::AnyObject,
            };
            let mark = at.push(protocol);
            let label = Label::Field {
                name: protocol,
                owner: title,
            };
            self.visit_value(&expect, &entry.value, at, label);
            at.pop(mark);
        }
    }

    pub(super) fn check_security_scheme(
        &mut self,
        node: &'d Node,
        at: &mut Location,
        label: Label<'_>,
    ) {
        let title = "Security Scheme Object";
        let Some(mapping) = self.expect_mapping(node, at, label, title) else {
            return;
        };
        let types = security::types(self.version);
        let Some(type_node) = mapping.get("type") else {
            self.report(
                Code::RequiredMissing,
                at.pointer.clone(),
                node.span,
                format!("the {title} is missing the required field `type`"),
                format!("add `type`, one of {types}"),
            );
            return;
        };
        let Some(scheme_type) = type_node.as_str() else {
            let mark = at.push("type");
            self.mismatch(
                type_node,
                at,
                Label::Field {
                    name: "type",
                    owner: title,
                },
                "a string",
            );
            at.pop(mark);
            return;
        };
        let Some(rule) = security::rule(scheme_type, self.version) else {
            self.report(
                Code::InvalidValue,
                at.child("type"),
                type_node.span,
                format!(
                    "unknown security scheme type {scheme_type:?} in AsyncAPI {}",
                    self.version
                ),
                format!("use one of {types} (values are case-sensitive)"),
            );
            return;
        };
        self.check_fields(rule, rule.closed, mapping, node, at);
        let bearer = mapping.get("scheme").and_then(Node::as_str) == Some("bearer");
        if let (Some(entry), false) = (mapping.entry("bearerFormat"), bearer) {
            self.report(
                Code::UnknownField,
                at.child("bearerFormat"),
                entry.key_span,
                "`bearerFormat` is only allowed with `scheme: bearer`".into(),
                "remove `bearerFormat`, or set `scheme: bearer`",
            );
        }
    }
}
