//! User settings for the generated types: derives added to every type,
//! and schemas replaced by types of the application.
//!
//! Both come in as text ([`GenerateOptions`](crate::options::GenerateOptions))
//! and are checked here once: every derive and every replacement must be a
//! Rust path, and every replaced schema must exist in the document. The
//! problems become error diagnostics, so a build script or the CLI reports
//! them like any other problem of the document.

use std::collections::{HashMap, HashSet};

use crate::diagnostic::{Code, Diagnostic};
use crate::document::Document;
use crate::pointer::JsonPointer;
use crate::tree::Node;
use crate::validate::suggest::closest;

use super::lower::lookup;
use super::space::{SchemaLocation, TypeDetails, TypeRef, TypeSpace};

/// Checked user settings for type generation.
///
/// # Examples
///
/// ```
/// use std::path::Path;
/// use hookforge_codegen::document::{Document, LoadOptions};
/// use hookforge_codegen::typegen::Customization;
///
/// let text = "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\n\
///             components:\n  schemas:\n    Money: {type: string}\n";
/// let (document, _) = Document::from_text(Path::new("doc.yaml"), text, LoadOptions::default());
/// let document = document.expect("the text parses");
/// let derives = ["Hash".to_owned()];
/// let replacements = [("Mony".to_owned(), "crate::Money".to_owned())];
/// let (_, diagnostics) = Customization::new(&document, &derives, &replacements);
/// assert!(diagnostics[0].message.contains("did you mean `Money`"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Customization {
    /// Derives added to every generated struct and enum, as path text.
    pub(crate) derives: Vec<String>,
    /// Rust type path text for each replaced schema location.
    pub(crate) replacements: HashMap<SchemaLocation, String>,
    /// Each accepted replacement as given: schema key and type path text.
    accepted: Vec<(String, String)>,
}

impl Customization {
    /// Checks `derives` and `replacements` (see
    /// [`GenerateOptions`](crate::options::GenerateOptions)) against
    /// `document`. Entries with a problem are left out of the result and
    /// reported as error diagnostics.
    pub fn new(
        document: &Document,
        derives: &[String],
        replacements: &[(String, String)],
    ) -> (Customization, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let mut custom = Customization::default();
        for derive in derives {
            match derive_path(derive) {
                Ok(path) => {
                    if !custom.derives.contains(&path) {
                        custom.derives.push(path);
                    }
                }
                Err(problem) => diagnostics.push(
                    Diagnostic::error(
                        Code::InvalidRustPath,
                        format!("extra derive {derive:?} is not a Rust path: {problem}"),
                    )
                    .with_help(
                        "name a derive macro by path, such as `Hash` or `schemars::JsonSchema`",
                    ),
                ),
            }
        }
        for (schema, rust_path) in replacements {
            let path = match type_path(rust_path) {
                Ok(path) => path,
                Err(problem) => {
                    diagnostics.push(
                        Diagnostic::error(
                            Code::InvalidRustPath,
                            format!("replacement {rust_path:?} for schema {schema:?} is not a Rust type path: {problem}"),
                        )
                        .with_help("name the type by path, such as `crate::money::Money` or `::uuid::Uuid`"),
                    );
                    continue;
                }
            };
            match schema_locations(document, schema) {
                Ok(locations) => {
                    for location in locations {
                        custom.replacements.insert(location, path.clone());
                    }
                    custom.accepted.push((schema.clone(), path));
                }
                Err(diagnostic) => diagnostics.push(*diagnostic),
            }
        }
        (custom, diagnostics)
    }

    /// Returns a warning for each replacement whose type `space` never
    /// uses: no message payload or headers schema reaches the replaced
    /// schema. Two replacements by the same type count as used when either
    /// is.
    pub fn unused_replacements(&self, space: &TypeSpace) -> Vec<Diagnostic> {
        let mut used = HashSet::new();
        for (_, entry) in space.iter() {
            match &entry.details {
                TypeDetails::Struct(details) => {
                    for field in &details.fields {
                        external_paths(&field.ty, &mut used);
                    }
                    if let Some(additional) = &details.additional {
                        external_paths(additional, &mut used);
                    }
                }
                TypeDetails::OneOf(details) => {
                    for variant in &details.variants {
                        external_paths(&variant.ty, &mut used);
                    }
                }
                TypeDetails::Alias(ty) | TypeDetails::Newtype(ty) => external_paths(ty, &mut used),
                TypeDetails::StringEnum(_) | TypeDetails::ValueEnum(_) | TypeDetails::Const(_) => {}
            }
        }
        self.accepted
            .iter()
            .filter(|(_, path)| !used.contains(path.as_str()))
            .map(|(schema, path)| {
                Diagnostic::warning(
                    Code::ReplacementUnused,
                    format!("replacement {path:?} for schema {schema:?} is unused: no message payload or headers schema refers to that schema"),
                )
                .with_help("remove the replacement, or check that it names the schema the messages use")
            })
            .collect()
    }
}

/// Adds the replacement type paths inside `ty` to `out`.
fn external_paths<'t>(ty: &'t TypeRef, out: &mut HashSet<&'t str>) {
    match ty {
        TypeRef::External(path) => {
            out.insert(path.as_str());
        }
        TypeRef::Vec(inner)
        | TypeRef::Map(inner)
        | TypeRef::Option(inner)
        | TypeRef::Box(inner) => {
            external_paths(inner, out);
        }
        _ => {}
    }
}

/// Parses a derive: a path without generic arguments. Returns the path as
/// tokens text.
fn derive_path(text: &str) -> Result<String, String> {
    let path: syn::Path = syn::parse_str(text).map_err(|e| e.to_string())?;
    if path
        .segments
        .iter()
        .any(|s| !matches!(s.arguments, syn::PathArguments::None))
    {
        return Err("a derive takes no generic arguments".to_owned());
    }
    Ok(quote::quote!(#path).to_string())
}

/// Parses a replacement type: a path, maybe with generic arguments
/// (`crate::Id<Order>`). Returns the path as tokens text.
fn type_path(text: &str) -> Result<String, String> {
    let path: syn::TypePath = syn::parse_str(text).map_err(|e| e.to_string())?;
    if path.qself.is_some() {
        return Err("a qualified path (`<T as Trait>::X`) cannot name the type".to_owned());
    }
    Ok(quote::quote!(#path).to_string())
}

/// Finds the schema that `key` names in the root document: a key of
/// `components/schemas`, or a JSON pointer (`/components/schemas/Money`,
/// with or without a leading `#`). Returns the location of the key and,
/// when the schema there is a `$ref`, of the schema it leads to, so that
/// both spellings of a reference are replaced.
fn schema_locations(
    document: &Document,
    key: &str,
) -> Result<Vec<SchemaLocation>, Box<Diagnostic>> {
    let root = document.root_file();
    let tree = document.root();
    let components = tree
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Node::as_mapping);
    let pointer_text = key.strip_prefix('#').unwrap_or(key);
    let pointer = if pointer_text.starts_with('/') {
        JsonPointer::parse(pointer_text).map_err(|e| {
            Box::new(
                Diagnostic::error(
                    Code::ReplacementUnknown,
                    format!("replaced schema {key:?} is not a valid JSON pointer: {e}"),
                )
                .with_help("use a component schema name (`Money`) or a pointer such as `/components/schemas/Money`"),
            )
        })?
    } else {
        JsonPointer::root()
            .join("components")
            .join("schemas")
            .join(key)
    };
    let Some(node) = lookup(tree, &pointer) else {
        let names: Vec<&str> = components.map(|c| c.keys().collect()).unwrap_or_default();
        let last = pointer.tokens().last().map(String::as_str).unwrap_or(key);
        let suggestion = match closest(last, names.iter().copied()) {
            Some(near) => format!("; did you mean `{near}`?"),
            None => String::new(),
        };
        let help = if names.is_empty() {
            "the document has no component schemas; name a schema by JSON pointer".to_owned()
        } else {
            format!("the component schemas are {}", names.join(", "))
        };
        return Err(Box::new(
            Diagnostic::error(
                Code::ReplacementUnknown,
                format!(
                    "cannot replace schema {key:?}: the document has no schema there{suggestion}"
                ),
            )
            .with_help(help)
            .with_pointer(pointer.to_string()),
        ));
    };
    let mut locations = vec![(root, pointer.clone())];
    if let Ok(target) = document.follow(root, &pointer, node) {
        let followed = (target.file, target.pointer);
        if !locations.contains(&followed) {
            locations.push(followed);
        }
    }
    Ok(locations)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derive_paths_accept_plain_and_qualified_names() {
        assert_eq!(derive_path("Hash").as_deref(), Ok("Hash"));
        assert_eq!(
            derive_path("::schemars::JsonSchema").as_deref(),
            Ok(":: schemars :: JsonSchema")
        );
        assert!(derive_path("Vec<u8>").is_err());
        assert!(derive_path("Hash)]#[x").is_err());
        assert!(derive_path("").is_err());
    }

    #[test]
    fn type_paths_accept_generic_arguments() {
        assert_eq!(
            type_path("crate::Id<Order>").as_deref(),
            Ok("crate :: Id < Order >")
        );
        assert!(type_path("<T as X>::Y").is_err());
        assert!(type_path("u8; fn x() {}").is_err());
    }
}
