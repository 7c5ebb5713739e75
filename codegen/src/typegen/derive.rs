//! Which traits a generated type can derive.
//!
//! `Eq` and `Hash` hold only if every type a type contains, directly or
//! through other generated types, has them: an `f64` rules out both, and a
//! `serde_json::Value` rules out `Hash`.

use super::space::{TypeDetails, TypeRef, TypeSpace};

/// Traits beyond `Debug`, `Clone` and `PartialEq` that one type may derive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Derivable {
    /// `Eq`.
    pub eq: bool,
    /// `Hash`.
    pub hash: bool,
}

/// Computes [`Derivable`] for every type, by fixpoint over the type graph.
pub fn derivable(space: &TypeSpace) -> Vec<Derivable> {
    let mut result = vec![
        Derivable {
            eq: true,
            hash: true
        };
        space.len()
    ];
    loop {
        let mut changed = false;
        for (id, entry) in space.iter() {
            let mut current = result[id.0];
            let mut check = |ty: &TypeRef| {
                let inner = of_ref(ty, &result);
                current.eq &= inner.eq;
                current.hash &= inner.hash;
            };
            match &entry.details {
                TypeDetails::Struct(s) => {
                    s.fields.iter().for_each(|f| check(&f.ty));
                    if let Some(additional) = &s.additional {
                        check(additional);
                    }
                }
                TypeDetails::OneOf(o) => o.variants.iter().for_each(|v| check(&v.ty)),
                TypeDetails::Alias(ty) => check(ty),
                TypeDetails::StringEnum(_) | TypeDetails::ValueEnum(_) | TypeDetails::Const(_) => {}
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
        },
        TypeRef::Json => Derivable {
            eq: true,
            hash: false,
        },
        TypeRef::Vec(inner)
        | TypeRef::Map(inner)
        | TypeRef::Option(inner)
        | TypeRef::Box(inner) => of_ref(inner, known),
        TypeRef::Bool
        | TypeRef::Integer { .. }
        | TypeRef::String
        | TypeRef::Format(_)
        | TypeRef::Unit => Derivable {
            eq: true,
            hash: true,
        },
    }
}
