//! Checks on attribute values and field types that can be made from the
//! syntax alone. Type checks that need name resolution are left to trait
//! bounds in the generated code.

use syn::{GenericArgument, PathArguments, Type};

/// The CloudEvents 1.0 context attribute names, which an extension must not
/// reuse, plus `data`.
const RESERVED_NAMES: &[&str] = &[
    "data",
    "datacontenttype",
    "dataschema",
    "id",
    "source",
    "specversion",
    "subject",
    "time",
    "type",
];

/// Returns why `name` is not a valid extension name, if it is not: the
/// CloudEvents 1.0 naming rule allows only lowercase ASCII letters and
/// digits.
pub fn extension_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("an extension name must not be empty".to_owned());
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !c.is_ascii_lowercase() && !c.is_ascii_digit())
    {
        return Some(format!(
            "invalid extension name `{name}`: CloudEvents allows only lowercase letters a-z \
             and digits 0-9, found {bad:?}"
        ));
    }
    if RESERVED_NAMES.contains(&name) {
        return Some(format!(
            "invalid extension name `{name}`: it is reserved by CloudEvents 1.0"
        ));
    }
    None
}

/// Suggests a valid extension name for `name` by lowercasing it and
/// dropping other characters, if that leaves a valid name.
pub fn suggest_extension_name(name: &str) -> Option<String> {
    let suggestion: String = name
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        .collect();
    extension_name_problem(&suggestion)
        .is_none()
        .then_some(suggestion)
}

/// Whether `value` is an absolute URI: a scheme (a letter, then letters,
/// digits, `+`, `-` or `.`), a colon, and a non-empty rest without spaces.
pub fn is_absolute_uri(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    starts_with_letter
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !value.chars().any(char::is_whitespace)
}

/// Whether `media_type` is a JSON media type; the same rule as
/// `hookforge::cloudevents::convert::is_json_media_type`.
pub fn is_json_media_type(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence == "text/json" || essence.ends_with("+json")
}

/// Returns why `ty` cannot carry the event `id`, if that shows in the
/// syntax.
pub fn id_type_problem(ty: &Type) -> Option<String> {
    if let Some(problem) = compound_type_problem(ty, "the `id` field") {
        return Some(problem);
    }
    if last_ident(ty).as_deref() == Some("Option") {
        return Some(
            "the `id` field must not be an `Option`: every CloudEvent has an id; remove \
             `#[cloudevent(id)]` to generate one"
                .to_owned(),
        );
    }
    None
}

/// Returns why `ty` cannot carry `time`, if that shows in the syntax.
pub fn time_type_problem(ty: &Type) -> Option<String> {
    const EXPECTED: &str = "the `time` field must be `chrono::DateTime<Utc>` or \
                            `Option<DateTime<Utc>>`";
    let inner = option_inner(ty).unwrap_or(ty);
    if compound_type_problem(inner, "the `time` field").is_some() {
        return Some(EXPECTED.to_owned());
    }
    let Some(name) = last_ident(inner) else {
        return Some(EXPECTED.to_owned());
    };
    let known_wrong = [
        "String",
        "str",
        "bool",
        "i32",
        "i64",
        "u32",
        "u64",
        "f64",
        "SystemTime",
        "NaiveDateTime",
        "OffsetDateTime",
        "Timestamp",
    ];
    if known_wrong.contains(&name.as_str()) {
        return Some(EXPECTED.to_owned());
    }
    if name == "DateTime" {
        let zone = first_type_argument(inner).and_then(last_ident);
        if zone.is_some_and(|zone| zone != "Utc") {
            return Some(EXPECTED.to_owned());
        }
    }
    None
}

/// Returns why `ty` cannot be an extension or `subject`, if that shows in
/// the syntax.
pub fn value_type_problem(ty: &Type, what: &str) -> Option<String> {
    let inner = option_inner(ty).unwrap_or(ty);
    if let Some(problem) = compound_type_problem(inner, what) {
        return Some(problem);
    }
    match last_ident(inner).as_deref() {
        Some("f32" | "f64") => Some(format!(
            "{what} cannot be a floating-point number: CloudEvents has no such type; use a \
             `String` or an integer"
        )),
        Some("Vec") => Some(format!("{what} cannot be a `Vec`")),
        _ => None,
    }
}

/// Rejects references, tuples, arrays and slices, which no attribute
/// accepts.
fn compound_type_problem(ty: &Type, what: &str) -> Option<String> {
    match ty {
        Type::Reference(_) => Some(format!(
            "{what} must be an owned type, because converting back from an event creates it"
        )),
        Type::Tuple(_) | Type::Array(_) | Type::Slice(_) => {
            Some(format!("{what} cannot be a tuple, array or slice"))
        }
        Type::Group(group) => compound_type_problem(&group.elem, what),
        Type::Paren(paren) => compound_type_problem(&paren.elem, what),
        _ => None,
    }
}

/// The type inside `Option<...>`, if `ty` is written as an `Option`.
fn option_inner(ty: &Type) -> Option<&Type> {
    if last_ident(ty).as_deref() == Some("Option") {
        first_type_argument(ty)
    } else {
        None
    }
}

/// The last path segment of a path type, such as `DateTime` in
/// `chrono::DateTime<Utc>`.
fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) => path
            .path
            .segments
            .last()
            .map(|segment| segment.ident.to_string()),
        Type::Group(group) => last_ident(&group.elem),
        _ => None,
    }
}

/// The first generic type argument of a path type's last segment.
fn first_type_argument(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else {
        return None;
    };
    let PathArguments::AngleBracketed(arguments) = &path.path.segments.last()?.arguments else {
        return None;
    };
    arguments.args.iter().find_map(|argument| match argument {
        GenericArgument::Type(ty) => Some(ty),
        _ => None,
    })
}
