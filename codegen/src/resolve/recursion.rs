//! Types that contain themselves. Through an array or an optional field that is fine once the
//! optional field is boxed; through required fields only it is a type no value can have.

use std::collections::HashSet;

use crate::diagnostic::Diagnostics;
use crate::format::{self, Entries};
use crate::model::{Ty, TypeDef, TypeKind, TypeScope};
use crate::source::{SourceFile, Span};

/// A named type as a node of the containment graph: its name and where it is declared.
type Node<'a> = (&'a str, &'a TypeScope);

/// One field that holds a named type directly (not through an array).
struct Edge<'a> {
    from: Node<'a>,
    to: Node<'a>,
    field: &'a str,
    required: bool,
}

/// Boxes every optional field through which a type of `own` contains itself, and reports
/// every cycle of required fields, at the field that closes it. `own` are the types this
/// file declares in `scope`; `others` are the types they may refer to, checked already.
pub(super) fn break_cycles(
    file: &SourceFile,
    entries: &Entries<format::TypeDef>,
    own: &mut [TypeDef],
    scope: &TypeScope,
    others: &[(&[TypeDef], TypeScope)],
    problems: &mut Diagnostics,
) {
    let (to_box, infinite) = {
        let edges: Vec<Edge<'_>> = own
            .iter()
            .map(|t| (t, scope))
            .chain(others.iter().flat_map(|(types, scope)| types.iter().map(move |t| (t, scope))))
            .flat_map(|(t, scope)| edges_of(t, scope))
            .collect();
        let mut to_box = Vec::new();
        let mut infinite = Vec::new();
        for edge in edges.iter().filter(|e| e.from.1 == scope) {
            if !own.iter().any(|t| t.name == edge.from.0) {
                continue;
            }
            if edge.required {
                if reaches(&edges, edge.to, edge.from, true) {
                    infinite.push((edge.from.0.to_owned(), edge.field.to_owned(), edge.to.0.to_owned()));
                }
            } else if reaches(&edges, edge.to, edge.from, false) {
                to_box.push((edge.from.0.to_owned(), edge.field.to_owned()));
            }
        }
        (to_box, infinite)
    };
    for (type_name, field, target) in infinite {
        problems.error(
            file,
            field_span(entries, &type_name, &field),
            format!(
                "type `{type_name}` contains itself through required field `{field}` (of type `{target}`) \
                 and required fields only, so no value of it could ever be written; make a field of \
                 the cycle optional or an array"
            ),
        );
    }
    for def in own.iter_mut() {
        if let TypeKind::Struct(fields) = &mut def.kind {
            for field in fields.iter_mut() {
                field.boxed = to_box.iter().any(|(t, f)| *t == def.name && *f == field.wire);
            }
        }
    }
}

fn edges_of<'a>(def: &'a TypeDef, scope: &'a TypeScope) -> Vec<Edge<'a>> {
    let fields = match &def.kind {
        TypeKind::Struct(fields) => fields,
        // A union's variant is held inline, as a required field would be.
        TypeKind::Union(union) => {
            return union
                .variants
                .iter()
                .map(|v| Edge {
                    from: (def.name.as_str(), scope),
                    to: (v.ty.name.as_str(), &v.ty.scope),
                    field: &v.tag,
                    required: true,
                })
                .collect();
        }
        TypeKind::StringEnum(_) | TypeKind::IntEnum(_) => return Vec::new(),
    };
    fields
        .iter()
        .filter_map(|field| match &field.ty {
            Ty::Named(target) => Some(Edge {
                from: (def.name.as_str(), scope),
                to: (target.name.as_str(), &target.scope),
                field: &field.wire,
                required: field.required,
            }),
            _ => None,
        })
        .collect()
}

/// True when `to` can be reached from `from` (through required edges only, if asked).
fn reaches(edges: &[Edge<'_>], from: Node<'_>, to: Node<'_>, required_only: bool) -> bool {
    let mut seen: HashSet<Node<'_>> = HashSet::new();
    let mut stack = vec![from];
    while let Some(node) = stack.pop() {
        if node == to {
            return true;
        }
        if !seen.insert(node) {
            continue;
        }
        stack.extend(edges.iter().filter(|e| e.from == node && (e.required || !required_only)).map(|e| e.to));
    }
    false
}

fn field_span(entries: &Entries<format::TypeDef>, type_name: &str, field: &str) -> Span {
    let Some((key, def)) = entries.0.iter().find(|(k, _)| k.value == type_name) else {
        return Span::default();
    };
    def.value
        .fields
        .as_ref()
        .and_then(|fields| fields.value.0.iter().find(|(k, _)| k.value == field))
        .map_or(key.span, |(k, _)| k.span)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{accepted, refused};
    use crate::SourceFile;
    use crate::model::{TypeDef, TypeKind};

    /// The fields of an object type that are boxed.
    fn boxed(def: &TypeDef) -> Vec<&str> {
        let TypeKind::Struct(fields) = &def.kind else { panic!("{} is no object", def.name) };
        fields.iter().filter(|f| f.boxed).map(|f| f.wire.as_str()).collect()
    }

    #[test]
    fn only_the_optional_fields_that_close_a_cycle_are_boxed() {
        let types = r#"[types.Node]
doc = "N."
fields.next = { type = "Node", optional = true, doc = "Itself." }
fields.children = { type = "array", items = "Node", doc = "An array needs no box." }
fields.label = { type = "Label", optional = true, doc = "No cycle." }
fields.pair = { type = "Pair", optional = true, doc = "Back through a required field." }
[types.Label]
doc = "L."
fields.text = { type = "string", doc = "T." }
[types.Pair]
doc = "P."
fields.back = { type = "Node", doc = "Required: the optional field is what ends the cycle." }
"#;
        let spec = accepted(vec![SourceFile::new("spec/types.toml", types)]);
        let boxed: Vec<(&str, Vec<&str>)> =
            spec.shared_types.iter().map(|t| (t.name.as_str(), boxed(t))).collect();
        assert_eq!(boxed, [("Label", vec![]), ("Node", vec!["next", "pair"]), ("Pair", vec![])]);
    }

    #[test]
    fn a_union_holds_its_variant_as_a_required_field_would() {
        let types = r#"[types.Shape]
doc = "S."
union.tag = "kind"
union.variants = [{ tag = "GROUP", type = "Group", doc = "G." }]
[types.Group]
doc = "G."
fields.first = { type = "Shape", doc = "F." }
"#;
        let problems = refused(vec![SourceFile::new("spec/demo/types.toml", types)]);
        assert_eq!(
            problems,
            [
                // A union has no field keys: it is located at its name, its variant named by its tag.
                "spec/demo/types.toml:1:8: type `Shape` contains itself through required field `GROUP` (of type \
                 `Group`) and required fields only, so no value of it could ever be written; make a field of the \
                 cycle optional or an array",
                "spec/demo/types.toml:7:8: type `Group` contains itself through required field `first` (of type \
                 `Shape`) and required fields only, so no value of it could ever be written; make a field of the \
                 cycle optional or an array",
            ]
        );
    }
}
