//! Types that contain themselves. Through an array or an optional field that is fine once the
//! optional field is boxed; through required fields only it is a type no value can have.
//!
//! A field closes a cycle when the type it holds leads back to the type that declares it:
//! when both are in one strongly connected component of the graph of "type holds type"
//! (through a field of a named type, or a union's variant; arrays and maps hold their items
//! on the heap already). Two component passes answer every field at once, in time linear in
//! the number of types and fields: one over the required fields, whose cycles are refused,
//! and one over all of them, whose optional fields that close a cycle are boxed.
//!
//! A type refers only to types of its own scope or of one further out (an endpoint's own
//! types to its group's and the shared ones, a group's to the shared ones), never back in, so
//! every cycle stays among the types of one file: each file is checked once, on its own types.

use std::collections::HashMap;

use crate::diagnostic::Diagnostics;
use crate::format::{self, Entries};
use crate::model::{Ty, TypeDef, TypeKind, TypeRef, TypeScope};
use crate::source::{SourceFile, Span};

/// A field of one of the file's types that holds another of them directly (not through an
/// array or a map).
struct Edge<'a> {
    /// The declaring type's position in the file's types.
    from: usize,
    /// The held type's position.
    to: usize,
    /// The field's position among the object's fields (a union: the variant's).
    position: usize,
    /// Its wire name (a union: the variant's tag).
    field: &'a str,
    required: bool,
}

/// Boxes every optional field through which a type of `own` contains itself, and reports
/// every cycle of required fields, at the field that closes it. `own` are the types this
/// file declares in `scope`, resolved from `entries`; the types of outer scopes they refer
/// to cannot refer back to them, so they close no cycle and need not be looked at.
pub(super) fn break_cycles(
    file: &SourceFile,
    entries: &Entries<format::TypeDef>,
    own: &mut [TypeDef],
    scope: &TypeScope,
    problems: &mut Diagnostics,
) {
    let to_box = {
        let positions: HashMap<&str, usize> =
            own.iter().enumerate().map(|(i, t)| (t.name.as_str(), i)).collect();
        let edges: Vec<Edge<'_>> = own
            .iter()
            .enumerate()
            .flat_map(|(from, def)| held_types(def).map(move |held| (from, held)))
            .filter_map(|(from, (position, field, target, required))| {
                let to = *positions.get(target.name.as_str()).filter(|_| target.scope == *scope)?;
                Some(Edge { from, to, position, field, required })
            })
            .collect();
        let required_cycles = components(&successors(own.len(), edges.iter().filter(|e| e.required)));
        let cycles = components(&successors(own.len(), edges.iter()));

        let mut written: Option<HashMap<&str, (Span, &format::TypeDef)>> = None;
        let mut to_box = Vec::new();
        for edge in &edges {
            if !edge.required {
                if cycles[edge.from] == cycles[edge.to] {
                    to_box.push((edge.from, edge.position));
                }
                continue;
            }
            if required_cycles[edge.from] != required_cycles[edge.to] {
                continue;
            }
            let (type_name, target) = (&own[edge.from].name, &own[edge.to].name);
            // Built at the first cycle only: a clean file needs no lookup by name.
            let written = written.get_or_insert_with(|| {
                entries.0.iter().map(|(k, d)| (k.value.as_str(), (k.span, &d.value))).collect()
            });
            let field = edge.field;
            problems.error(
                file,
                field_span(written, type_name, field),
                format!(
                    "type `{type_name}` contains itself through required field `{field}` (of type `{target}`) \
                     and required fields only, so no value of it could ever be written; make a field of \
                     the cycle optional or an array"
                ),
            );
        }
        to_box
    };
    for def in own.iter_mut() {
        if let TypeKind::Struct(fields) = &mut def.kind {
            for field in fields.iter_mut() {
                field.boxed = false;
            }
        }
    }
    for (from, position) in to_box {
        if let TypeKind::Struct(fields) = &mut own[from].kind {
            fields[position].boxed = true;
        }
    }
}

/// The named types `def` holds directly: each with its position among the object's fields
/// (a union: among its variants), the field's wire name (the variant's tag), the type, and
/// whether the field is required.
fn held_types(def: &TypeDef) -> Box<dyn Iterator<Item = (usize, &str, &TypeRef, bool)> + '_> {
    match &def.kind {
        TypeKind::Struct(fields) => {
            Box::new(fields.iter().enumerate().filter_map(|(position, field)| match &field.ty {
                Ty::Named(target) => Some((position, field.wire.as_str(), target, field.required)),
                _ => None,
            }))
        }
        // A union's variant is held inline, as a required field would be.
        TypeKind::Union(union) => {
            Box::new(union.variants.iter().enumerate().map(|(i, v)| (i, v.tag.as_str(), &v.ty, true)))
        }
        TypeKind::StringEnum(_) | TypeKind::IntEnum(_) => Box::new(std::iter::empty()),
    }
}

/// The successors of each of `nodes` nodes along `edges`.
fn successors<'e, 'a: 'e>(nodes: usize, edges: impl Iterator<Item = &'e Edge<'a>>) -> Vec<Vec<usize>> {
    let mut successors = vec![Vec::new(); nodes];
    for edge in edges {
        successors[edge.from].push(edge.to);
    }
    successors
}

/// The strongly connected component of each node of the graph `successors` describes, as a
/// number shared by the nodes of one component: two nodes have the same number exactly when
/// each reaches the other. Tarjan's algorithm, with an explicit stack instead of recursion,
/// so a chain of any depth needs no deeper call stack; linear in nodes and edges.
fn components(successors: &[Vec<usize>]) -> Vec<usize> {
    let mut walk = Walk {
        order: vec![UNSEEN; successors.len()],
        low: vec![UNSEEN; successors.len()],
        component: vec![UNSEEN; successors.len()],
        open: Vec::new(),
        is_open: vec![false; successors.len()],
        path: Vec::new(),
        reached: 0,
    };
    let mut found = 0;
    for root in 0..successors.len() {
        if walk.order[root] != UNSEEN {
            continue;
        }
        walk.enter(root);
        while let Some(&(node, visited)) = walk.path.last() {
            if let Some(&next) = successors[node].get(visited) {
                if let Some(last) = walk.path.last_mut() {
                    last.1 += 1;
                }
                if walk.order[next] == UNSEEN {
                    walk.enter(next);
                } else if walk.is_open[next] {
                    walk.low[node] = walk.low[node].min(walk.order[next]);
                }
                continue;
            }
            walk.path.pop();
            if let Some(&(parent, _)) = walk.path.last() {
                walk.low[parent] = walk.low[parent].min(walk.low[node]);
            }
            // The first node reached of its component: the open nodes from it on are the component.
            if walk.low[node] == walk.order[node] {
                while let Some(member) = walk.open.pop() {
                    walk.is_open[member] = false;
                    walk.component[member] = found;
                    if member == node {
                        break;
                    }
                }
                found += 1;
            }
        }
    }
    walk.component
}

/// No number yet.
const UNSEEN: usize = usize::MAX;

/// The state of [`components`]' depth-first walk, by node position.
struct Walk {
    /// The order each node was first reached in.
    order: Vec<usize>,
    /// The earliest-reached open node each node is known to reach.
    low: Vec<usize>,
    /// Each node's component, once found.
    component: Vec<usize>,
    /// The nodes reached and not yet given a component, in the order reached.
    open: Vec<usize>,
    /// Whether each node is in `open`.
    is_open: Vec<bool>,
    /// The path from the root: each node with how many of its successors it has visited.
    path: Vec<(usize, usize)>,
    /// How many nodes have been reached.
    reached: usize,
}

impl Walk {
    fn enter(&mut self, node: usize) {
        self.order[node] = self.reached;
        self.low[node] = self.reached;
        self.reached += 1;
        self.open.push(node);
        self.is_open[node] = true;
        self.path.push((node, 0));
    }
}

/// Where a cycle's closing field is written: its key in the type's `fields`, or the type's
/// name for a union (whose variants have no keys of their own).
fn field_span(written: &HashMap<&str, (Span, &format::TypeDef)>, type_name: &str, field: &str) -> Span {
    let Some((name_span, def)) = written.get(type_name) else {
        return Span::default();
    };
    def.fields
        .as_ref()
        .and_then(|fields| fields.value.0.iter().find(|(k, _)| k.value == field))
        .map_or(*name_span, |(k, _)| k.span)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{accepted, endpoint, refused};
    use super::components;
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

    /// The message of a cycle of required fields closed by `field` of `name`, of type `target`.
    fn infinite(at: &str, name: &str, field: &str, target: &str) -> String {
        format!(
            "{at}: type `{name}` contains itself through required field `{field}` (of type `{target}`) and \
             required fields only, so no value of it could ever be written; make a field of the cycle optional \
             or an array"
        )
    }

    /// `[types.{name}]` with the given field lines.
    fn object(name: &str, fields: &[&str]) -> String {
        let mut text =
            format!("[types.{name}]\ndoc = \"D.\"\nfields.label = {{ type = \"string\", doc = \"L.\" }}\n");
        for field in fields {
            text.push_str(&format!("fields.{field}\n"));
        }
        text
    }

    #[test]
    fn a_cycle_of_several_types_through_one_optional_field_boxes_that_field_only() {
        // A -> B -> C required, C -> A optional: one cycle, closed by the optional field; and a
        // required cycle D <-> E beside it, reported at both of its fields, whose optional way
        // out to A is no cycle.
        let types = [
            object("A", &["b = { type = \"B\", doc = \"B.\" }"]),
            object("B", &["c = { type = \"C\", doc = \"C.\" }"]),
            object("C", &["a = { type = \"A\", optional = true, doc = \"Back.\" }"]),
            object(
                "D",
                &[
                    "e = { type = \"E\", doc = \"E.\" }",
                    "a = { type = \"A\", optional = true, doc = \"A.\" }",
                ],
            ),
            object("E", &["d = { type = \"D\", doc = \"D.\" }"]),
        ]
        .concat();
        let problems = refused(vec![SourceFile::new("spec/types.toml", types.clone())]);
        assert_eq!(
            problems,
            [
                infinite("spec/types.toml:16:8", "D", "e", "E"),
                infinite("spec/types.toml:21:8", "E", "d", "D")
            ]
        );
        let fine = types
            .replace("fields.d = { type = \"D\", doc", "fields.d = { type = \"D\", optional = true, doc");
        let spec = accepted(vec![SourceFile::new("spec/types.toml", fine)]);
        let boxed: Vec<(&str, Vec<&str>)> =
            spec.shared_types.iter().map(|t| (t.name.as_str(), boxed(t))).collect();
        // E's optional `d` closes D -> E -> D; D's `a` leads to a cycle D is not on.
        assert_eq!(boxed, [("A", vec![]), ("B", vec![]), ("C", vec!["a"]), ("D", vec![]), ("E", vec!["d"])]);
    }

    #[test]
    fn types_of_other_files_close_no_cycle_of_this_one() {
        // The shared `Tree` and the group's `Leaf` hold each other's names only one way; the
        // endpoint's own `Node` of two files are two types, each checked in its own file.
        let shared = object("Tree", &["parent = { type = \"Tree\", optional = true, doc = \"P.\" }"]);
        let group = object("Leaf", &["tree = { type = \"Tree\", doc = \"T.\" }"]);
        let first = "[response]\nnode = { type = \"Node\", doc = \"N.\" }\n\
                     [types.Node]\ndoc = \"N.\"\nfields.leaf = { type = \"Leaf\", doc = \"L.\" }\n\
                     fields.next = { type = \"Node\", optional = true, doc = \"N.\" }\n";
        let second = "[response]\nnode = { type = \"Node\", doc = \"N.\" }\nwrap = { type = \"Wrap\", doc = \"W.\" }\n\
                      [types.Node]\ndoc = \"N.\"\nfields.tree = { type = \"Tree\", optional = true, doc = \"T.\" }\n\
                      [types.Wrap]\ndoc = \"W.\"\nfields.node = { type = \"Node\", optional = true, doc = \"N.\" }\n";
        let spec = accepted(vec![
            SourceFile::new("spec/types.toml", shared),
            SourceFile::new("spec/demo/types.toml", group),
            endpoint("first", first),
            endpoint("second", second),
        ]);
        assert_eq!(boxed(&spec.shared_types[0]), ["parent"]);
        assert_eq!(boxed(&spec.groups[0].types[0]), Vec::<&str>::new());
        // Each operation's own types, as `operation/Type: boxed fields`.
        let ops: Vec<String> = spec
            .operations()
            .flat_map(|op| op.types.iter().map(|t| format!("{}/{}: {}", op.name, t.name, boxed(t).join(" "))))
            .collect();
        assert_eq!(ops, ["first/Node: next", "second/Node: ", "second/Wrap: "]);

        // A required cycle in an endpoint's own types is reported in that file only.
        let looping = "[response]\nnode = { type = \"Node\", doc = \"N.\" }\n\
                       [types.Node]\ndoc = \"N.\"\nfields.tree = { type = \"Tree\", doc = \"T.\" }\n\
                       fields.again = { type = \"Node\", doc = \"N.\" }\n";
        let problems = refused(vec![
            SourceFile::new("spec/types.toml", object("Tree", &[])),
            endpoint("first", looping),
            endpoint("second", second),
        ]);
        assert_eq!(problems, [infinite("spec/demo/first.toml:12:8", "Node", "again", "Node")]);
    }

    #[test]
    fn a_union_on_a_cycle_through_an_optional_field_is_not_refused() {
        let types = r#"[types.Shape]
doc = "S."
union.tag = "kind"
union.variants = [{ tag = "GROUP", type = "Group", doc = "G." }]
[types.Group]
doc = "G."
fields.first = { type = "Shape", optional = true, doc = "F." }
fields.all = { type = "array", items = "Shape", doc = "A." }
"#;
        let spec = accepted(vec![SourceFile::new("spec/types.toml", types)]);
        let group = spec.shared_types.iter().find(|t| t.name == "Group").expect("Group");
        assert_eq!(boxed(group), ["first"]);
    }

    /// A chain of `links` types: `Link{i}` holds `Link{i+1}` in a required `next` and
    /// `Link{i-1}` in an optional `up`, so all of it is one cycle through optional fields.
    fn chain(links: usize) -> String {
        (0..links)
            .map(|i| {
                let next = format!("next = {{ type = \"Link{}\", doc = \"N.\" }}", i + 1);
                let up =
                    format!("up = {{ type = \"Link{}\", optional = true, doc = \"U.\" }}", i.wrapping_sub(1));
                let fields: Vec<&str> = [(i + 1 < links, next.as_str()), (i > 0, up.as_str())]
                    .into_iter()
                    .filter_map(|(on, line)| on.then_some(line))
                    .collect();
                object(&format!("Link{i}"), &fields)
            })
            .collect()
    }

    #[test]
    fn a_chain_of_three_thousand_types_is_checked_whole() {
        // Deeper than any recursion over the chain could go on a test thread's stack.
        const LINKS: usize = 3_000;
        let spec = accepted(vec![SourceFile::new("spec/types.toml", chain(LINKS))]);
        assert_eq!(spec.shared_types.len(), LINKS);
        for def in &spec.shared_types {
            let expected: &[&str] = if def.name == "Link0" { &[] } else { &["up"] };
            assert_eq!(boxed(def), expected, "{}", def.name);
        }

        // The last link's way back made required: a cycle of required fields the length of the
        // chain, each of its fields closing it.
        let looping = chain(LINKS).replacen(
            "fields.up = { type = \"Link2998\", optional = true",
            "fields.back = { type = \"Link0\", doc = \"B.\" }\nfields.up = { type = \"Link2998\", optional = true",
            1,
        );
        let problems = refused(vec![SourceFile::new("spec/types.toml", looping)]);
        assert_eq!(problems.len(), LINKS, "{:?}", &problems[..3]);
        assert!(problems.iter().all(|p| p.contains("contains itself through required field")));
        assert!(
            problems
                .iter()
                .any(|p| p.contains("type `Link2999` contains itself through required field `back`"))
        );
    }

    /// Which nodes reach which, by walking every path: the slow answer to check the fast one.
    fn reaches(successors: &[Vec<usize>]) -> Vec<Vec<bool>> {
        (0..successors.len())
            .map(|from| {
                let mut seen = vec![false; successors.len()];
                let mut stack = vec![from];
                while let Some(node) = stack.pop() {
                    for &next in &successors[node] {
                        if !seen[next] {
                            seen[next] = true;
                            stack.push(next);
                        }
                    }
                }
                seen
            })
            .collect()
    }

    #[test]
    fn components_join_exactly_the_nodes_that_reach_each_other() {
        // Small graphs of every density, from a fixed sequence of pseudo-random numbers.
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut random = |below: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % below
        };
        for round in 0..300u64 {
            let nodes = 1 + (round % 12) as usize;
            let edges = random(3 * nodes as u64 + 1) as usize;
            let mut successors = vec![Vec::new(); nodes];
            for _ in 0..edges {
                let (from, to) = (random(nodes as u64) as usize, random(nodes as u64) as usize);
                successors[from].push(to);
            }
            let component = components(&successors);
            let reach = reaches(&successors);
            for a in 0..nodes {
                for b in 0..nodes {
                    let mutual = a == b || (reach[a][b] && reach[b][a]);
                    assert_eq!(component[a] == component[b], mutual, "{a} and {b} in {successors:?}");
                }
            }
        }
    }
}
