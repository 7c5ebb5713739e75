//! Breaking type cycles with `Box`.
//!
//! A type that contains itself by value, directly or through other types,
//! has infinite size. An edge between two types of the same strongly
//! connected component closes such a cycle, so fields and variants on those
//! edges are wrapped in `Box`. `Vec` and maps already add the indirection.

use super::space::{TypeDetails, TypeId, TypeRef, TypeSpace};

/// Longest chain of types nested by value that is left unboxed. rustc's
/// drop check and layout computation recurse along such chains and give up
/// (E0320) after a few hundred levels, which generated documents with long
/// `$ref` chains reach; boxing every 32nd link keeps them far from that.
const MAX_BY_VALUE_CHAIN: usize = 32;

/// Wraps every by-value edge that lies on a cycle in `Box`, then boxes
/// edges of chains longer than [`MAX_BY_VALUE_CHAIN`].
pub(crate) fn box_cycles(space: &mut TypeSpace) {
    box_cyclic_edges(space);
    box_long_chains(space);
}

/// Boxes the edge to a child whose own by-value chain would make the
/// parent's chain longer than [`MAX_BY_VALUE_CHAIN`]. The by-value graph is
/// acyclic after `box_cyclic_edges`, so children are visited before their
/// parents in post-order.
fn box_long_chains(space: &mut TypeSpace) {
    let edges: Vec<Vec<usize>> = space
        .entries
        .iter()
        .map(|entry| {
            let mut out = Vec::new();
            for_each_member(&entry.details, |ty| out.extend(by_value(ty).map(|id| id.0)));
            out
        })
        .collect();
    let mut height = vec![0usize; edges.len()];
    for node in post_order(&edges) {
        let mut tallest = 0;
        let mut wrap = |ty: &mut TypeRef| {
            let Some(child) = by_value(ty) else {
                return;
            };
            if height[child.0] + 1 > MAX_BY_VALUE_CHAIN {
                box_edge(ty);
            } else {
                tallest = tallest.max(height[child.0]);
            }
        };
        match &mut space.entries[node].details {
            TypeDetails::Struct(s) => s.fields.iter_mut().for_each(|f| wrap(&mut f.ty)),
            TypeDetails::OneOf(o) => o.variants.iter_mut().for_each(|v| wrap(&mut v.ty)),
            TypeDetails::Alias(ty) | TypeDetails::Newtype(ty) => wrap(ty),
            _ => {}
        }
        height[node] = tallest + 1;
    }
}

/// Wraps the named type inside `ty` (directly or under `Option`) in `Box`.
fn box_edge(ty: &mut TypeRef) {
    match ty {
        TypeRef::Named(_) => *ty = TypeRef::Box(Box::new(ty.clone())),
        TypeRef::Option(inner) => box_edge(inner),
        _ => {}
    }
}

/// Nodes in depth-first post-order (children first), iteratively.
fn post_order(edges: &[Vec<usize>]) -> Vec<usize> {
    let mut order = Vec::with_capacity(edges.len());
    let mut visited = vec![false; edges.len()];
    for start in 0..edges.len() {
        if visited[start] {
            continue;
        }
        visited[start] = true;
        let mut stack = vec![(start, 0usize)];
        while let Some((node, next)) = stack.pop() {
            if let Some(&child) = edges[node].get(next) {
                stack.push((node, next + 1));
                if !visited[child] {
                    visited[child] = true;
                    stack.push((child, 0));
                }
            } else {
                order.push(node);
            }
        }
    }
    order
}

/// Wraps every by-value edge that lies on a cycle in `Box`.
fn box_cyclic_edges(space: &mut TypeSpace) {
    let edges: Vec<Vec<usize>> = space
        .entries
        .iter()
        .map(|entry| {
            let mut out = Vec::new();
            for_each_member(&entry.details, |ty| out.extend(by_value(ty).map(|id| id.0)));
            out
        })
        .collect();
    let component = strongly_connected_components(&edges);
    for (index, entry) in space.entries.iter_mut().enumerate() {
        let wrap = |ty: &mut TypeRef| box_if_same_component(ty, component[index], &component);
        match &mut entry.details {
            TypeDetails::Struct(s) => s.fields.iter_mut().for_each(|f| wrap(&mut f.ty)),
            TypeDetails::OneOf(o) => o.variants.iter_mut().for_each(|v| wrap(&mut v.ty)),
            TypeDetails::Alias(ty) | TypeDetails::Newtype(ty) => wrap(ty),
            _ => {}
        }
    }
}

fn for_each_member(details: &TypeDetails, mut visit: impl FnMut(&TypeRef)) {
    match details {
        TypeDetails::Struct(s) => s.fields.iter().for_each(|f| visit(&f.ty)),
        TypeDetails::OneOf(o) => o.variants.iter().for_each(|v| visit(&v.ty)),
        TypeDetails::Alias(ty) | TypeDetails::Newtype(ty) => visit(ty),
        _ => {}
    }
}

fn box_if_same_component(ty: &mut TypeRef, own: usize, component: &[usize]) {
    match ty {
        TypeRef::Named(id) if component[id.0] == own => {
            *ty = TypeRef::Box(Box::new(ty.clone()));
        }
        TypeRef::Option(inner) => box_if_same_component(inner, own, component),
        _ => {}
    }
}

/// Returns the named type that `ty` contains inline, if any.
fn by_value(ty: &TypeRef) -> Option<TypeId> {
    match ty {
        TypeRef::Named(id) => Some(*id),
        TypeRef::Option(inner) => by_value(inner),
        _ => None,
    }
}

/// Labels each node with its strongly connected component (Kosaraju's
/// algorithm, iterative so deep graphs cannot overflow the stack). A node
/// with an edge to itself shares a component with itself, as needed.
fn strongly_connected_components(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let mut order = Vec::with_capacity(n);
    let mut visited = vec![false; n];
    for start in 0..n {
        if visited[start] {
            continue;
        }
        visited[start] = true;
        let mut stack = vec![(start, 0usize)];
        while let Some((node, next)) = stack.pop() {
            if let Some(&child) = edges[node].get(next) {
                stack.push((node, next + 1));
                if !visited[child] {
                    visited[child] = true;
                    stack.push((child, 0));
                }
            } else {
                order.push(node);
            }
        }
    }
    let mut reverse = vec![Vec::new(); n];
    for (from, targets) in edges.iter().enumerate() {
        for &to in targets {
            reverse[to].push(from);
        }
    }
    const UNSET: usize = usize::MAX;
    let mut component = vec![UNSET; n];
    for (label, &root) in order.iter().rev().enumerate() {
        if component[root] != UNSET {
            continue;
        }
        component[root] = label;
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            for &previous in &reverse[node] {
                if component[previous] == UNSET {
                    component[previous] = label;
                    stack.push(previous);
                }
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_of_a_cycle_and_a_chain() {
        // 0 -> 1 -> 2 -> 0 is a cycle; 3 -> 0 is not on it.
        let edges = vec![vec![1], vec![2], vec![0], vec![0]];
        let c = strongly_connected_components(&edges);
        assert_eq!(c[0], c[1]);
        assert_eq!(c[1], c[2]);
        assert_ne!(c[3], c[0]);
    }
}
