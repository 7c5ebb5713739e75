//! Which traits a generated type can derive.
//!
//! `Eq` and `Hash` hold only if every type a type contains, directly or
//! through other generated types, has them: an `f64` rules out both, and a
//! `serde_json::Value` rules out `Hash`. `Default` holds when every
//! required field's type has a default. A replacement type from the
//! application is assumed to have none of the three.

use super::space::{TypeDetails, TypeRef, TypeSpace};

/// Traits beyond `Debug`, `Clone` and `PartialEq` that one type may derive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Derivable {
    /// `Eq`.
    pub eq: bool,
    /// `Hash`.
    pub hash: bool,
    /// `Default`: every required field's type has a default (optional
    /// fields are `None`). Enums and format types have none.
    pub default: bool,
}

const ALL: Derivable = Derivable {
    eq: true,
    hash: true,
    default: true,
};

/// Computes [`Derivable`] for every type, by fixpoint over the type graph.
pub fn derivable(space: &TypeSpace) -> Vec<Derivable> {
    let mut result = vec![ALL; space.len()];
    loop {
        let mut changed = false;
        for (id, entry) in space.iter() {
            let mut current = result[id.0];
            let mut check = |ty: &TypeRef, optional: bool| {
                let inner = of_ref(ty, &result);
                current.eq &= inner.eq;
                current.hash &= inner.hash;
                current.default &= optional || inner.default;
            };
            match &entry.details {
                TypeDetails::Struct(s) => {
                    s.fields
                        .iter()
                        .for_each(|f| check(&f.ty, !f.required || f.nullable));
                    if let Some(additional) = &s.additional {
                        check(additional, true);
                    }
                }
                TypeDetails::OneOf(o) => {
                    o.variants.iter().for_each(|v| check(&v.ty, false));
                    current.default = false;
                }
                TypeDetails::Alias(ty) | TypeDetails::Newtype(ty) => check(ty, false),
                TypeDetails::StringEnum(_) | TypeDetails::ValueEnum(_) => current.default = false,
                TypeDetails::Const(_) => {}
            }
            if current != result[id.0] {
                result[id.0] = current;
                changed = true;
            }
        }
        if !changed {
            return result;
        }
    }
}

fn of_ref(ty: &TypeRef, known: &[Derivable]) -> Derivable {
    match ty {
        TypeRef::Named(id) => known[id.0],
        TypeRef::Float => Derivable {
            eq: false,
            hash: false,
            default: true,
        },
        TypeRef::Json => Derivable { hash: false, ..ALL },
        TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => Derivable {
            default: true,
            ..of_ref(inner, known)
        },
        TypeRef::Box(inner) => of_ref(inner, known),
        TypeRef::Format(_) => Derivable {
            default: false,
            ..ALL
        },
        TypeRef::Bool | TypeRef::Integer { .. } | TypeRef::String | TypeRef::Unit => ALL,
        // Only the traits every replacement must have are assumed.
        TypeRef::External(_) => Derivable {
            eq: false,
            hash: false,
            default: false,
        },
    }
}
