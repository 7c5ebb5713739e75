//! The requests `hookforge send --examples` makes: one per example of each
//! message of each operation that the receiving side serves.

use std::collections::BTreeMap;

use hookforge_codegen::model::{AsyncApi, Channel, Message, MessageExample, Parameter};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;

use crate::surface::ReceivedOperation;

/// Characters left as they are in a path segment: RFC 3986 unreserved.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Headers that the signer sets; an example's values for them are dropped.
const SIGNED_HEADERS: [&str; 3] = ["webhook-id", "webhook-timestamp", "webhook-signature"];

/// Headers that frame or route the request, which the HTTP client sets
/// from the URL and body; an example's values for them are dropped. A
/// `content-length` from an example would cut the signed body short on
/// the wire, and a `host` would send the request to another virtual host.
const TRANSPORT_HEADERS: [&str; 10] = [
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "upgrade",
    "expect",
];

/// One request to make.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// The operation id.
    pub operation_id: String,
    /// The message's name, or its key in the channel.
    pub message: String,
    /// The example's name, or its position from 1.
    pub example: String,
    /// The HTTP method.
    pub http_method: String,
    /// The channel address with the parameters filled in and encoded.
    pub path: String,
    /// Headers from the example, and the content type.
    pub headers: Vec<(String, String)>,
    /// The example payload as JSON.
    pub body: Vec<u8>,
}

/// A message that has no example payload, reported and skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    /// The operation id.
    pub operation_id: String,
    /// The message's name or key.
    pub message: String,
}

/// A failure to build the requests.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum DeliveryError {
    /// A channel parameter has no value from any source.
    #[error(
        "operation `{operation_id}`: the channel parameter `{parameter}` of `{address}` has no value in \
         example {example} of `{message}`, nor a default, allowed values or examples in the document; \
         give it with --param {parameter}=VALUE"
    )]
    MissingParameter {
        /// The operation id.
        operation_id: String,
        /// The parameter.
        parameter: String,
        /// The channel address.
        address: String,
        /// The message.
        message: String,
        /// The example.
        example: String,
    },
    /// A channel parameter's value would change the request's path
    /// instead of filling one segment: empty, `.` or `..`.
    #[error(transparent)]
    InvalidParameter(Box<InvalidParameter>),
}

/// A channel parameter value that cannot be a path segment, boxed in
/// [`DeliveryError::InvalidParameter`].
#[derive(Debug, thiserror::Error, PartialEq)]
#[error(
    "operation `{operation_id}`: the value {value:?} of channel parameter `{parameter}` in `{address}` \
     (example {example} of `{message}`) cannot be a path segment, because an empty segment, `.` and `..` \
     change the path; give another value with --param {parameter}=VALUE"
)]
pub struct InvalidParameter {
    /// The operation id.
    pub operation_id: String,
    /// The parameter.
    pub parameter: String,
    /// The value.
    pub value: String,
    /// The channel address.
    pub address: String,
    /// The message.
    pub message: String,
    /// The example.
    pub example: String,
}

/// Builds the requests for `operations`, in order, and lists the messages
/// skipped for lack of an example payload. `params` are `--param` values, which win
/// over every other source.
pub fn deliveries(
    api: &AsyncApi,
    operations: &[&ReceivedOperation],
    params: &BTreeMap<String, String>,
) -> Result<(Vec<Delivery>, Vec<Skipped>), DeliveryError> {
    let mut found = Vec::new();
    let mut skipped = Vec::new();
    for received in operations {
        let Some(operation) = api.operations.get(&received.operation_id) else {
            continue;
        };
        let Some(channel) = api.channels.get(&operation.channel) else {
            continue;
        };
        for key in &operation.messages {
            let Some(message) = channel.messages.get(key) else {
                continue;
            };
            let name = message.name.clone().unwrap_or_else(|| key.clone());
            let with_payload: Vec<(usize, &MessageExample)> = message
                .examples
                .iter()
                .enumerate()
                .filter(|(_, example)| example.payload.is_some())
                .collect();
            if with_payload.is_empty() {
                skipped.push(Skipped {
                    operation_id: received.operation_id.clone(),
                    message: name.clone(),
                });
                continue;
            }
            for (index, example) in with_payload {
                let label = example
                    .name
                    .as_ref()
                    .map_or_else(|| format!("#{}", index + 1), |name| format!("{name:?}"));
                let context = Example {
                    received,
                    channel,
                    message,
                    example,
                    label: &label,
                    name: &name,
                };
                found.push(context.delivery(api, params)?);
            }
        }
    }
    Ok((found, skipped))
}

/// One example with what it belongs to.
struct Example<'a> {
    received: &'a ReceivedOperation,
    channel: &'a Channel,
    message: &'a Message,
    example: &'a MessageExample,
    label: &'a str,
    name: &'a str,
}

impl Example<'_> {
    fn delivery(
        &self,
        api: &AsyncApi,
        params: &BTreeMap<String, String>,
    ) -> Result<Delivery, DeliveryError> {
        let content_type = self
            .message
            .content_type
            .clone()
            .or_else(|| api.default_content_type.clone())
            .unwrap_or_else(|| "application/json".to_owned());
        let mut headers = header_pairs(self.example.headers.as_ref());
        if !headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        {
            headers.push(("content-type".to_owned(), content_type));
        }
        let payload = self.example.payload.clone().unwrap_or(Value::Null);
        Ok(Delivery {
            operation_id: self.received.operation_id.clone(),
            message: self.name.to_owned(),
            example: self.label.to_owned(),
            // Only HTTP operations, which all have a method, are sent.
            http_method: self.received.http_method.clone().unwrap_or_default(),
            path: self.path(params)?,
            headers,
            body: payload.to_string().into_bytes(),
        })
    }

    /// Fills the address's `{name}` placeholders.
    fn path(&self, params: &BTreeMap<String, String>) -> Result<String, DeliveryError> {
        let address = &self.received.address;
        let mut path = String::new();
        for segment in address.trim_start_matches('/').split('/') {
            path.push('/');
            match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => {
                    let value = self.parameter_value(name, params).ok_or_else(|| {
                        DeliveryError::MissingParameter {
                            operation_id: self.received.operation_id.clone(),
                            parameter: name.to_owned(),
                            address: address.clone(),
                            message: self.name.to_owned(),
                            example: self.label.to_owned(),
                        }
                    })?;
                    if matches!(value.as_str(), "" | "." | "..") {
                        return Err(DeliveryError::InvalidParameter(Box::new(
                            InvalidParameter {
                                operation_id: self.received.operation_id.clone(),
                                parameter: name.to_owned(),
                                value,
                                address: address.clone(),
                                message: self.name.to_owned(),
                                example: self.label.to_owned(),
                            },
                        )));
                    }
                    path.push_str(&utf8_percent_encode(&value, SEGMENT).to_string());
                }
                None => path.push_str(segment),
            }
        }
        Ok(path)
    }

    /// Picks a parameter's value: `--param`, the example at the
    /// parameter's `location`, its default, its first allowed value, its
    /// first example.
    fn parameter_value(&self, name: &str, params: &BTreeMap<String, String>) -> Option<String> {
        if let Some(value) = params.get(name) {
            return Some(value.clone());
        }
        let declared: Option<&Parameter> = self.channel.parameters.get(name);
        let declared = declared?;
        declared
            .location
            .as_deref()
            .and_then(|location| self.value_at(location))
            .or_else(|| declared.default.clone())
            .or_else(|| declared.allowed_values.first().cloned())
            .or_else(|| declared.examples.first().cloned())
    }

    /// Reads a runtime expression such as `$message.payload#/data/id` in
    /// the example.
    fn value_at(&self, location: &str) -> Option<String> {
        let (source, pointer) = location.split_once('#')?;
        let root = match source {
            "$message.payload" => self.example.payload.as_ref()?,
            "$message.header" => self.example.headers.as_ref()?,
            _ => return None,
        };
        match root.pointer(pointer)? {
            Value::String(text) => Some(text.clone()),
            Value::Number(number) => Some(number.to_string()),
            Value::Bool(flag) => Some(flag.to_string()),
            _ => None,
        }
    }
}

/// Turns example headers into HTTP headers the way the generated client
/// does: strings as they are, other values as JSON, `null` left out. The
/// Standard Webhooks headers are left to the signer, and the headers that
/// frame the request to the HTTP client.
fn header_pairs(headers: Option<&Value>) -> Vec<(String, String)> {
    let Some(Value::Object(headers)) = headers else {
        return Vec::new();
    };
    headers
        .iter()
        .filter(|(name, _)| {
            !SIGNED_HEADERS
                .iter()
                .chain(&TRANSPORT_HEADERS)
                .any(|dropped| name.eq_ignore_ascii_case(dropped))
        })
        .filter_map(|(name, value)| match value {
            Value::Null => None,
            Value::String(text) => Some((name.clone(), text.clone())),
            other => Some((name.clone(), other.to_string())),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use hookforge_codegen::document::LoadOptions;

    use super::*;

    const DOC: &str = r#"
asyncapi: 3.0.0
info: {title: T, version: '1'}
channels:
  items:
    address: /tenants/{tenantId}/items/{kind}
    parameters:
      tenantId:
        location: $message.payload#/tenant
      kind:
        enum: [book, mug]
    messages:
      created:
        name: item.created
        payload: {type: object}
        examples:
          - name: first
            headers: {x-trace: abc, webhook-id: msg_x, x-count: 2}
            payload: {tenant: t 1}
          - payload: {tenant: t2}
      deleted:
        payload: {type: object}
operations:
  receiveItem:
    action: receive
    channel: {$ref: '#/channels/items'}
"#;

    fn model() -> AsyncApi {
        let validation =
            hookforge_codegen::validate_text(Path::new("doc.yaml"), DOC, LoadOptions::default());
        assert!(validation.is_valid(), "{:?}", validation.diagnostics);
        validation.model().expect("model")
    }

    /// The handler method of `receiveItem`, as the generator reports it.
    fn operation() -> ReceivedOperation {
        let validation =
            hookforge_codegen::validate_text(Path::new("doc.yaml"), DOC, LoadOptions::default());
        let document = validation.document.as_ref().expect("document");
        let api = validation.model().expect("model");
        let types = hookforge_codegen::typegen::lower_messages(document, &api);
        let perspective = hookforge_codegen::options::Perspective::Application;
        let generated =
            hookforge_codegen::apigen::generate_api(document, &api, &types, perspective);
        let operation = generated.summary.received.into_iter().next();
        operation.expect("receiveItem is received")
    }

    #[test]
    fn fills_parameters_from_location_and_enum() {
        let operation = operation();
        let (found, skipped) =
            deliveries(&model(), &[&operation], &BTreeMap::new()).expect("deliveries");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].path, "/tenants/t%201/items/book");
        assert_eq!(found[1].path, "/tenants/t2/items/book");
        assert_eq!(found[0].example, "\"first\"");
        assert_eq!(found[1].example, "#2");
        assert_eq!(found[0].message, "item.created");
        assert_eq!(
            skipped,
            [Skipped {
                operation_id: "receiveItem".to_owned(),
                message: "deleted".to_owned()
            }]
        );
    }

    #[test]
    fn example_headers_skip_signed_ones() {
        let operation = operation();
        let (found, _) = deliveries(&model(), &[&operation], &BTreeMap::new()).expect("deliveries");
        assert_eq!(
            found[0].headers,
            [
                ("x-trace".to_owned(), "abc".to_owned()),
                ("x-count".to_owned(), "2".to_owned()),
                ("content-type".to_owned(), "application/json".to_owned()),
            ]
        );
        assert_eq!(found[0].body, br#"{"tenant":"t 1"}"#);
    }

    #[test]
    fn example_headers_skip_framing_ones() {
        let headers = serde_json::json!({
            "Content-Length": "2",
            "transfer-encoding": "chunked",
            "Host": "other.example",
            "connection": "close",
            "x-kept": "yes",
        });
        assert_eq!(
            header_pairs(Some(&headers)),
            [("x-kept".to_owned(), "yes".to_owned())]
        );
    }

    #[test]
    fn param_option_wins() {
        let operation = operation();
        let params = BTreeMap::from([("kind".to_owned(), "mug".to_owned())]);
        let (found, _) = deliveries(&model(), &[&operation], &params).expect("deliveries");
        assert_eq!(found[0].path, "/tenants/t%201/items/mug");
    }

    #[test]
    fn dot_segment_values_are_rejected() {
        let operation = operation();
        for value in ["..", ".", ""] {
            let params = BTreeMap::from([("kind".to_owned(), value.to_owned())]);
            let result = deliveries(&model(), &[&operation], &params);
            assert!(
                matches!(result, Err(DeliveryError::InvalidParameter(_))),
                "{value:?} gave {result:?}"
            );
        }
    }

    #[test]
    fn dots_inside_values_stay_in_one_segment() {
        let operation = operation();
        let params = BTreeMap::from([("kind".to_owned(), "...".to_owned())]);
        let (found, _) = deliveries(&model(), &[&operation], &params).expect("deliveries");
        assert_eq!(found[0].path, "/tenants/t%201/items/...");
    }

    #[test]
    fn missing_parameter_names_the_fix() {
        let mut operation = operation();
        operation.address = "/x/{other}".to_owned();
        let error = deliveries(&model(), &[&operation], &BTreeMap::new()).expect_err("no value");
        let text = error.to_string();
        assert!(text.contains("`other`"), "{text}");
        assert!(text.contains("--param other=VALUE"), "{text}");
    }
}
