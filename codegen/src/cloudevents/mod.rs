//! Messages that carry CloudEvents, and the attributes their generated
//! types derive `CloudEvent` with.
//!
//! A document marks a message as a CloudEvent in one of two ways:
//!
//! - The `x-cloudevents` message extension declares the fixed attributes:
//!   `x-cloudevents: {type: com.example.order.created, source: /orders}`,
//!   with optional `subject`, `dataschema` (an absolute URI) and
//!   `datacontenttype` (a JSON media type). A wrong shape is an error.
//! - Its schemas have the CloudEvents shape (see [`detect`]): the required
//!   attributes as `ce-` or `ce_` headers (binary mode), or as payload
//!   properties (structured mode). When the `type` and `source` schemas fix
//!   one value each (`const`, or an `enum` of one), those are the
//!   attributes. Otherwise validation warns and asks for `x-cloudevents`.
//!
//! The extension wins over the shape. In structured mode the payload is
//! the whole event, so the type of its `data` property is the event data
//! and gets the derive; otherwise the payload type does.

mod extension;
mod shape;

use serde_json::Value;

pub use extension::{parse_extension, CloudEventAttributes, ExtensionError, EXTENSION};
pub use shape::{detect, Mode, Shape};

use crate::document::{Document, Target};

/// The generated type that carries the event data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataLocation {
    /// The payload is the data.
    Payload,
    /// The payload is a structured-mode event, and its `data` property is
    /// the data.
    DataProperty,
}

/// The CloudEvent of a message, as its extension and schemas describe it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recognition {
    /// The `type` and `source` are known, from `x-cloudevents` or from the
    /// schemas.
    Fixed {
        /// The attributes for the derive.
        attributes: CloudEventAttributes,
        /// The type that carries the event data.
        data: DataLocation,
        /// Whether `x-cloudevents` declared the attributes.
        declared: bool,
    },
    /// The schemas have the CloudEvents shape but do not fix `type` or
    /// `source`, and there is no `x-cloudevents`.
    Unfixed(Shape),
}

/// Recognises the CloudEvent of a message from its `x-cloudevents` value
/// and its headers and payload schemas.
///
/// Returns `Ok(None)` for a message that is no CloudEvent, and the problems
/// of `extension` when it is not a valid declaration.
///
/// # Examples
///
/// ```
/// use std::path::Path;
/// use hookforge_codegen::cloudevents::{recognize, DataLocation, Recognition};
/// use hookforge_codegen::document::{Document, LoadOptions, Target};
/// use hookforge_codegen::pointer::JsonPointer;
///
/// let text = "properties:\n  specversion: {const: '1.0'}\n  id: {type: string}\n  \
///             source: {const: /orders}\n  type: {const: com.example.order.created}\n";
/// let (document, _) = Document::from_text(Path::new("payload.yaml"), text, LoadOptions::default());
/// let document = document.expect("the text parses");
/// let payload = Target {
///     file: document.root_file(),
///     pointer: JsonPointer::root(),
///     node: document.root(),
/// };
/// let recognition = recognize(&document, None, None, Some(&payload)).expect("no extension");
/// let Some(Recognition::Fixed { attributes, data, .. }) = recognition else {
///     panic!("the payload is a structured-mode CloudEvent: {recognition:?}");
/// };
/// assert_eq!(attributes.ty, "com.example.order.created");
/// assert_eq!(attributes.source, "/orders");
/// assert_eq!(data, DataLocation::DataProperty);
/// ```
pub fn recognize(
    document: &Document,
    extension: Option<&Value>,
    headers: Option<&Target<'_>>,
    payload: Option<&Target<'_>>,
) -> Result<Option<Recognition>, Vec<ExtensionError>> {
    let shape = detect(document, headers, payload);
    let data = match &shape {
        Some(shape) if shape.mode == Mode::Structured => DataLocation::DataProperty,
        _ => DataLocation::Payload,
    };
    if let Some(extension) = extension {
        let attributes = parse_extension(extension)?;
        return Ok(Some(Recognition::Fixed {
            attributes,
            data,
            declared: true,
        }));
    }
    let Some(shape) = shape else {
        return Ok(None);
    };
    let recognition = match (&shape.ty, &shape.source) {
        (Some(ty), Some(source)) => Recognition::Fixed {
            attributes: CloudEventAttributes {
                ty: ty.clone(),
                source: source.clone(),
                subject: shape.subject.clone(),
                dataschema: None,
                datacontenttype: None,
            },
            data,
            declared: false,
        },
        _ => Recognition::Unfixed(shape),
    };
    Ok(Some(recognition))
}

impl Shape {
    /// Names the attributes whose schemas do not fix a value, `type` and
    /// `source` in that order.
    pub fn unfixed(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        if self.ty.is_none() {
            names.push("type");
        }
        if self.source.is_none() {
            names.push("source");
        }
        names
    }
}
