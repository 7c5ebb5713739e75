//! Rust identifiers from wire names: case conversion, keywords, characters
//! that cannot appear in an identifier, and collisions.

use std::collections::HashSet;

/// Words that are keywords in Rust 2021 or reserved for future use. A field
/// or module with one of these names becomes a raw identifier (`r#type`).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers, so they get a trailing `_`.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Splits a wire name into lower-case ASCII words at separators and before
/// an upper-case letter that follows a lower-case letter or a digit
/// (`v1Beta` is `v1`, `beta`), or that starts a word after an acronym
/// (`HTTPServer` is `http`, `server`). A character outside ASCII letters
/// and digits separates words, except that a non-ASCII letter or digit is
/// kept as `u` plus its hexadecimal code point, so `größe` and `grosse`
/// stay apart.
pub fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            flush(&mut current, &mut words);
            continue;
        }
        if !c.is_ascii() {
            flush(&mut current, &mut words);
            words.push(format!("u{:x}", u32::from(c)));
            continue;
        }
        let previous = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let boundary = match previous {
            Some(p) if p.is_ascii_alphanumeric() => {
                ((p.is_ascii_lowercase() || p.is_ascii_digit()) && c.is_ascii_uppercase())
                    || (p.is_ascii_uppercase()
                        && c.is_ascii_uppercase()
                        && next.is_some_and(|n| n.is_ascii_lowercase()))
            }
            _ => false,
        };
        if boundary {
            flush(&mut current, &mut words);
        }
        current.push(c.to_ascii_lowercase());
    }
    flush(&mut current, &mut words);
    words
}

fn flush(current: &mut String, words: &mut Vec<String>) {
    if !current.is_empty() {
        words.push(std::mem::take(current));
    }
}

/// Converts a wire name to an UpperCamelCase type or variant name. An
/// empty result becomes `fallback`; a leading digit gets the prefix `V`.
pub fn pascal_case(name: &str, fallback: &str) -> String {
    let mut out = String::new();
    for word in words(name) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.is_empty() {
        return fallback.to_owned();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    if NOT_RAW.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// Converts a wire name to the UpperCamelCase start of a longer type name
/// (`Self` in `SelfParameters`). Unlike [`pascal_case`], a keyword gets no
/// trailing `_`, because the suffix that follows makes it an identifier.
pub fn pascal_prefix(name: &str, fallback: &str) -> String {
    let name = pascal_case(name, fallback);
    match name.strip_suffix('_') {
        Some(keyword) if NOT_RAW.contains(&keyword) => keyword.to_owned(),
        _ => name,
    }
}

/// Converts a wire name to a snake_case field or module name. An empty
/// result becomes `fallback`; a leading digit gets the prefix `n`; a
/// keyword is returned as a raw identifier (`r#type`), except those that
/// cannot be raw, which get a trailing `_` (`self_`).
pub fn snake_case(name: &str, fallback: &str) -> String {
    let mut out = words(name).join("_");
    if out.is_empty() {
        out = fallback.to_owned();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'n');
    }
    escape_keyword(out)
}

/// Makes `ident` usable as an identifier if it is a keyword.
pub fn escape_keyword(ident: String) -> String {
    if NOT_RAW.contains(&ident.as_str()) {
        return format!("{ident}_");
    }
    if KEYWORDS.contains(&ident.as_str()) {
        return format!("r#{ident}");
    }
    ident
}

/// Hands out names that are unique within one scope (the fields of a
/// struct, the variants of an enum, the types of a module), adding `2`,
/// `3`, ... to later names that collide after sanitising: `Order2` for
/// UpperCamelCase names and `user_id_2` for snake_case ones.
#[derive(Debug, Default)]
pub struct NameScope {
    taken: HashSet<String>,
    /// The next suffix to try for each base name, so that many collisions
    /// on one name cost linear, not quadratic, time.
    next_suffix: std::collections::HashMap<String, usize>,
}

impl NameScope {
    /// Creates a scope with some names already taken.
    pub fn with_reserved(reserved: &[&str]) -> NameScope {
        NameScope {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
            next_suffix: std::collections::HashMap::new(),
        }
    }

    /// Returns `candidate` or, if it is taken, the first free name with a
    /// numeric suffix.
    pub fn claim(&mut self, candidate: &str) -> String {
        if self
            .taken
            .insert(candidate.trim_start_matches("r#").to_owned())
        {
            return candidate.to_owned();
        }
        let bare = candidate.trim_start_matches("r#");
        let base = bare.trim_end_matches('_');
        let camel = base.starts_with(|c: char| c.is_ascii_uppercase());
        let separator = if camel { "" } else { "_" };
        let mut n = self.next_suffix.get(base).copied().unwrap_or(2);
        loop {
            let name = escape_keyword(format!("{base}{separator}{n}"));
            n += 1;
            if self.taken.insert(name.trim_start_matches("r#").to_owned()) {
                self.next_suffix.insert(base.to_owned(), n);
                return name;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words() {
        assert_eq!(words("userId"), ["user", "id"]);
        assert_eq!(words("HTTPServer2Go"), ["http", "server2", "go"]);
        assert_eq!(words("x-request-id"), ["x", "request", "id"]);
        assert_eq!(words("user.signed up"), ["user", "signed", "up"]);
        assert_eq!(words("größe"), ["gr", "uf6", "udf", "e"]);
    }

    #[test]
    fn pascal_case_names() {
        assert_eq!(pascal_case("user_signed-up", "X"), "UserSignedUp");
        assert_eq!(pascal_case("3dModel", "X"), "V3dModel");
        assert_eq!(pascal_case("---", "Fallback"), "Fallback");
        assert_eq!(pascal_case("self", "X"), "Self_");
        assert_eq!(pascal_prefix("self", "X"), "Self");
        assert_eq!(pascal_prefix("order_", "X"), "Order");
    }

    #[test]
    fn snake_case_names() {
        assert_eq!(snake_case("userId", "f"), "user_id");
        assert_eq!(snake_case("type", "f"), "r#type");
        assert_eq!(snake_case("self", "f"), "self_");
        assert_eq!(snake_case("super", "f"), "super_");
        assert_eq!(snake_case("crate", "f"), "crate_");
        assert_eq!(snake_case("1st", "f"), "n1st");
        assert_eq!(snake_case("$$", "field"), "field");
    }

    #[test]
    fn scope_resolves_collisions() {
        let mut scope = NameScope::default();
        assert_eq!(scope.claim("user_id"), "user_id");
        assert_eq!(scope.claim("user_id"), "user_id_2");
        assert_eq!(scope.claim("user_id"), "user_id_3");
        let mut types = NameScope::default();
        assert_eq!(types.claim("Order"), "Order");
        assert_eq!(types.claim("Order"), "Order2");
        assert_eq!(types.claim("Self_"), "Self_");
        assert_eq!(types.claim("Self_"), "Self2");
    }
}
