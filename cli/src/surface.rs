//! The public surface of generated API code: the methods of its `Handler`
//! trait and of its `Client`, read back from the generated Rust source.
//!
//! `hookforge new` writes a handler implementation that must name each
//! method's exact Rust types, and `hookforge send` must know which
//! operations the generated router serves. Reading the generated code,
//! rather than repeating the generator's naming rules, keeps both in step
//! with the generator. Each method's doc comment ends with a line that the
//! generator writes for this purpose:
//! ``Operation `ID`: METHOD `ADDRESS`.`` for a handler method and
//! ``Operation `ID`: sends to `ADDRESS`.`` for a client method.

use syn::{
    FnArg, GenericArgument, ImplItem, Item, Pat, PathArguments, ReturnType, TraitItem, Type,
    TypeParamBound,
};

/// The module name the scaffolded project includes the generated code as,
/// so the types in an [`ApiSurface`] read `api::Order`.
pub const API_MODULE: &str = "api";

/// The operations of one perspective's generated code.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ApiSurface {
    /// Methods of the `Handler` trait, in the order the router lists them.
    pub received: Vec<ReceivedOperation>,
    /// Methods of the `Client`, in source order.
    pub sent: Vec<SentOperation>,
    /// The name of the client struct (`Client` unless a message type
    /// already has that name); `None` without sent operations.
    pub client: Option<String>,
    /// The name of the handler trait; `None` without received operations.
    pub handler: Option<String>,
    /// Whether the code derives or converts CloudEvents, which needs the
    /// runtime's `cloudevents` feature.
    pub uses_cloudevents: bool,
}

/// One method of the `Handler` trait.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedOperation {
    /// The document's operation id.
    pub operation_id: String,
    /// The Rust method name, `r#` included for a keyword.
    pub method: String,
    /// The upper-case HTTP method the router accepts.
    pub http_method: String,
    /// The channel address, with `{parameter}` placeholders.
    pub address: String,
    /// The parameters struct, for a channel with parameters.
    pub parameters: Option<String>,
    /// The message type.
    pub message: String,
    /// The reply type of a request/reply operation.
    pub reply: Option<String>,
}

/// One method of the `Client`.
#[derive(Debug, Clone, PartialEq)]
pub struct SentOperation {
    /// The document's operation id.
    pub operation_id: String,
    /// The Rust method name.
    pub method: String,
    /// The channel address, with `{parameter}` placeholders.
    pub address: String,
    /// The parameters struct, for a channel with parameters.
    pub parameters: Option<String>,
    /// The message type.
    pub message: String,
    /// The reply type of a request/reply operation.
    pub reply: Option<String>,
}

/// A failure to read generated code.
#[derive(Debug, thiserror::Error)]
pub enum SurfaceError {
    /// The code is not valid Rust.
    #[error("the generated code does not parse as Rust: {0}")]
    Parse(#[from] syn::Error),
    /// A method lacks the line that names its operation.
    #[error("generated method `{method}` has no doc line naming its operation")]
    MissingOperation {
        /// The method name.
        method: String,
    },
}

/// Reads the handler and client methods from generated `code`. Types are
/// written for code outside the generated module, which is included as
/// `module` (see [`type_text`]).
pub fn read(code: &str, module: &str) -> Result<ApiSurface, SurfaceError> {
    let file = syn::parse_file(code)?;
    let mut surface = ApiSurface {
        uses_cloudevents: code.contains("::hookforge::cloudevents"),
        ..ApiSurface::default()
    };
    surface.handler = handler_trait_name(&file.items);
    for item in &file.items {
        match item {
            Item::Trait(item) if Some(item.ident.to_string()) == surface.handler => {
                for trait_item in &item.items {
                    if let TraitItem::Fn(function) = trait_item {
                        surface
                            .received
                            .push(received(&function.attrs, &function.sig, module)?);
                    }
                }
            }
            Item::Impl(item) if item.trait_.is_none() => {
                for impl_item in &item.items {
                    let ImplItem::Fn(function) = impl_item else {
                        continue;
                    };
                    let docs = doc_lines(&function.attrs);
                    let Some(address) = docs.iter().rev().find_map(|line| sent_line(line)) else {
                        continue;
                    };
                    let (operation_id, address) = address;
                    let arguments = arguments(&function.sig);
                    let message =
                        arguments
                            .message
                            .ok_or_else(|| SurfaceError::MissingOperation {
                                method: function.sig.ident.to_string(),
                            })?;
                    surface.client = self_type_name(&item.self_ty);
                    surface.sent.push(SentOperation {
                        operation_id,
                        method: function.sig.ident.to_string(),
                        address,
                        parameters: arguments
                            .parameters
                            .map(|ty| type_text(strip_reference(ty), module)),
                        message: type_text(message, module),
                        reply: result_ok_type(&function.sig.output)
                            .filter(|ty| !is_named(ty, "Accepted"))
                            .map(|ty| type_text(ty, module)),
                    });
                }
            }
            _ => {}
        }
    }
    Ok(surface)
}

/// Finds the trait that bounds the `H` parameter of `fn router`.
fn handler_trait_name(items: &[Item]) -> Option<String> {
    items.iter().find_map(|item| {
        let Item::Fn(function) = item else {
            return None;
        };
        if function.sig.ident != "router" {
            return None;
        }
        function.sig.generics.type_params().find_map(|param| {
            param.bounds.iter().find_map(|bound| match bound {
                TypeParamBound::Trait(bound) => {
                    bound.path.segments.last().map(|s| s.ident.to_string())
                }
                _ => None,
            })
        })
    })
}

fn received(
    attrs: &[syn::Attribute],
    sig: &syn::Signature,
    module: &str,
) -> Result<ReceivedOperation, SurfaceError> {
    let method = sig.ident.to_string();
    let missing = || SurfaceError::MissingOperation {
        method: method.clone(),
    };
    let docs = doc_lines(attrs);
    let (operation_id, http_method, address) = docs
        .iter()
        .rev()
        .find_map(|line| received_line(line))
        .ok_or_else(missing)?;
    let arguments = arguments(sig);
    let message = arguments.message.ok_or_else(missing)?;
    Ok(ReceivedOperation {
        operation_id,
        method: method.clone(),
        http_method,
        address,
        parameters: arguments.parameters.map(|ty| type_text(ty, module)),
        message: type_text(message, module),
        reply: future_output(&sig.output)
            .and_then(result_ok)
            .filter(|ty| !is_unit(ty))
            .map(|ty| type_text(ty, module)),
    })
}

/// The `parameters` and `message` arguments of a method.
struct Arguments<'a> {
    parameters: Option<&'a Type>,
    message: Option<&'a Type>,
}

fn arguments(sig: &syn::Signature) -> Arguments<'_> {
    let mut found = Arguments {
        parameters: None,
        message: None,
    };
    for input in &sig.inputs {
        let FnArg::Typed(typed) = input else {
            continue;
        };
        let Pat::Ident(name) = typed.pat.as_ref() else {
            continue;
        };
        if name.ident == "parameters" {
            found.parameters = Some(typed.ty.as_ref());
        } else if name.ident == "message" {
            found.message = Some(typed.ty.as_ref());
        }
    }
    found
}

fn strip_reference(ty: &Type) -> &Type {
    match ty {
        Type::Reference(reference) => &reference.elem,
        other => other,
    }
}

/// Returns the text of each `///` line, without the leading space.
fn doc_lines(attrs: &[syn::Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("doc"))
        .filter_map(|attr| match &attr.meta {
            syn::Meta::NameValue(value) => match &value.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(text),
                    ..
                }) => Some(text.value().trim().to_owned()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Parses ``Operation `ID`: METHOD `ADDRESS`.``.
fn received_line(line: &str) -> Option<(String, String, String)> {
    let rest = line.strip_prefix("Operation `")?;
    let (id, rest) = rest.split_once("`: ")?;
    let (method, rest) = rest.split_once(" `")?;
    if method == "sends to" || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let address = rest.strip_suffix("`.")?;
    Some((id.to_owned(), method.to_owned(), address.to_owned()))
}

/// Parses ``Operation `ID`: sends to `ADDRESS`.``.
fn sent_line(line: &str) -> Option<(String, String)> {
    let rest = line.strip_prefix("Operation `")?;
    let (id, rest) = rest.split_once("`: sends to `")?;
    let address = rest.strip_suffix("`.")?;
    Some((id.to_owned(), address.to_owned()))
}

/// Returns `T` of `-> impl Future<Output = T> + Send`.
fn future_output(output: &ReturnType) -> Option<&Type> {
    let ReturnType::Type(_, ty) = output else {
        return None;
    };
    let Type::ImplTrait(bounds) = ty.as_ref() else {
        return None;
    };
    bounds.bounds.iter().find_map(|bound| {
        let TypeParamBound::Trait(bound) = bound else {
            return None;
        };
        let segment = bound.path.segments.last()?;
        if segment.ident != "Future" {
            return None;
        }
        let PathArguments::AngleBracketed(args) = &segment.arguments else {
            return None;
        };
        args.args.iter().find_map(|arg| match arg {
            GenericArgument::AssocType(assoc) if assoc.ident == "Output" => Some(&assoc.ty),
            _ => None,
        })
    })
}

/// Returns `T` of `-> Result<T, E>`.
fn result_ok_type(output: &ReturnType) -> Option<&Type> {
    let ReturnType::Type(_, ty) = output else {
        return None;
    };
    result_ok(ty)
}

/// Returns `T` of `Result<T, E>`.
fn result_ok(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else {
        return None;
    };
    let segment = path.path.segments.last()?;
    if segment.ident != "Result" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    args.args.iter().find_map(|arg| match arg {
        GenericArgument::Type(ty) => Some(ty),
        _ => None,
    })
}

fn is_unit(ty: &Type) -> bool {
    matches!(ty, Type::Tuple(tuple) if tuple.elems.is_empty())
}

fn is_named(ty: &Type, name: &str) -> bool {
    matches!(ty, Type::Path(path) if path.path.segments.last().is_some_and(|s| s.ident == name))
}

fn self_type_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Writes `ty` as Rust source for code outside the generated module:
/// types the generated code defines get `module::` in front, and absolute
/// paths (`::hookforge::api::Message`) lose their leading `::`.
pub fn type_text(ty: &Type, module: &str) -> String {
    let mut out = String::new();
    write_type(ty, module, &mut out);
    out
}

fn write_type(ty: &Type, module: &str, out: &mut String) {
    match ty {
        Type::Path(path) if path.qself.is_none() => {
            if path.path.leading_colon.is_none() {
                out.push_str(module);
                out.push_str("::");
            }
            for (index, segment) in path.path.segments.iter().enumerate() {
                if index > 0 {
                    out.push_str("::");
                }
                out.push_str(&segment.ident.to_string());
                if let PathArguments::AngleBracketed(args) = &segment.arguments {
                    out.push('<');
                    for (index, arg) in args.args.iter().enumerate() {
                        if index > 0 {
                            out.push_str(", ");
                        }
                        match arg {
                            GenericArgument::Type(ty) => write_type(ty, module, out),
                            other => out.push_str(&quote::quote!(#other).to_string()),
                        }
                    }
                    out.push('>');
                }
            }
        }
        Type::Tuple(tuple) => {
            out.push('(');
            for (index, ty) in tuple.elems.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_type(ty, module, out);
            }
            if tuple.elems.len() == 1 {
                out.push(',');
            }
            out.push(')');
        }
        Type::Paren(inner) => write_type(&inner.elem, module, out),
        Type::Group(inner) => write_type(&inner.elem, module, out),
        other => out.push_str(&quote::quote!(#other).to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = r#"
pub struct Client<S> { sender: S }
impl<S> Client<S> {
    /// Operation `sendPing`: sends to `/ping`.
    pub async fn send_ping(&self, message: Ping) -> ::std::result::Result<::hookforge::client::Accepted, ::hookforge::api::ClientError> { todo!() }
    /// Operation `ask`: sends to `/a/{id}`.
    pub async fn ask(&self, parameters: &AParameters, message: ::hookforge::api::Message<Q, H>) -> ::std::result::Result<Answer, ::hookforge::api::ClientError> { todo!() }
}
pub trait Handler: ::std::marker::Send {
    /// Summary.
    ///
    /// Operation `orders/created`: PUT `/tenants/{tenantId}/orders`.
    fn r#type(&self, parameters: OrdersParameters, message: OrderMessage, webhook: &::hookforge::server::VerifiedWebhook)
        -> impl ::std::future::Future<Output = ::std::result::Result<(), ::hookforge::api::HandlerError>> + ::std::marker::Send;
    /// Operation `quote`: POST `/quotes`.
    fn quote(&self, message: ::std::vec::Vec<Item>, webhook: &::hookforge::server::VerifiedWebhook)
        -> impl ::std::future::Future<Output = ::std::result::Result<QuoteReply, ::hookforge::api::HandlerError>> + ::std::marker::Send;
}
pub fn router<H: Handler, S: ::hookforge::idempotency::IdempotencyStore>(handler: H, receiver: S) {}
"#;

    #[test]
    fn reads_handler_methods() {
        let surface = read(CODE, "api").expect("parses");
        assert_eq!(surface.handler.as_deref(), Some("Handler"));
        assert_eq!(surface.received.len(), 2);
        let first = &surface.received[0];
        assert_eq!(first.operation_id, "orders/created");
        assert_eq!(first.method, "r#type");
        assert_eq!(first.http_method, "PUT");
        assert_eq!(first.address, "/tenants/{tenantId}/orders");
        assert_eq!(first.parameters.as_deref(), Some("api::OrdersParameters"));
        assert_eq!(first.message, "api::OrderMessage");
        assert!(first.reply.is_none());
        let second = &surface.received[1];
        assert_eq!(second.message, "std::vec::Vec<api::Item>");
        assert_eq!(second.reply.as_deref(), Some("api::QuoteReply"));
    }

    #[test]
    fn reads_client_methods() {
        let surface = read(CODE, "api").expect("parses");
        assert_eq!(surface.client.as_deref(), Some("Client"));
        assert_eq!(surface.sent.len(), 2);
        assert_eq!(surface.sent[0].operation_id, "sendPing");
        assert_eq!(surface.sent[0].address, "/ping");
        assert!(surface.sent[0].reply.is_none());
        assert_eq!(
            surface.sent[1].message,
            "hookforge::api::Message<api::Q, api::H>"
        );
        assert_eq!(
            surface.sent[1].parameters.as_deref(),
            Some("api::AParameters")
        );
        assert_eq!(surface.sent[1].reply.as_deref(), Some("api::Answer"));
    }

    #[test]
    fn method_without_operation_line_is_an_error() {
        let code =
            "pub trait Handler { fn f(&self, message: M); }\npub fn router<H: Handler>(h: H) {}";
        let error = read(code, "api").expect_err("no doc line");
        assert!(error.to_string().contains("`f`"), "{error}");
    }

    #[test]
    fn code_without_api_is_empty() {
        let surface = read("pub struct A;", "api").expect("parses");
        assert_eq!(surface, ApiSurface::default());
    }
}
