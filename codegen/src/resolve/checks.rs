//! Which types and requests hold limits or rules somewhere inside, so they get a `Check` impl
//! and the others cost nothing: a fixpoint over every type of the spec.

use std::collections::HashSet;

use super::type_index::{Indexed, Key, all_types, key_of, named, place};
use crate::model::{Field, Spec, Ty, TypeDef, TypeKind};

/// Sets `checked` on every type that has limits or rules or holds one that does,
/// `checks_inside` on every field whose type is such a type, and `request_checked` on every
/// operation whose request has either.
pub(super) fn mark(spec: &mut Spec) {
    let checked = checked_types(spec);
    let holds =
        |ty: &Ty, group: &str, op: &str| named(ty).is_some_and(|r| checked.contains(&key_of(r, group, op)));
    let mark_fields = |fields: &mut [Field], group: &str, op: &str| {
        for field in fields {
            field.checks_inside = holds(&field.ty, group, op);
        }
    };
    let mark_type = |def: &mut TypeDef, place: &str, group: &str, op: &str| {
        def.checked = checked.contains(&(place.to_owned(), def.name.clone()));
        match &mut def.kind {
            TypeKind::Struct(fields) => mark_fields(fields, group, op),
            TypeKind::Union(union) => {
                for variant in &mut union.variants {
                    variant.checks_inside = checked.contains(&key_of(&variant.ty, group, op));
                }
            }
            TypeKind::StringEnum(_) | TypeKind::IntEnum(_) => {}
        }
    };
    for def in &mut spec.shared_types {
        mark_type(def, "", "", "");
    }
    for group in &mut spec.groups {
        let name = group.name.clone();
        for def in &mut group.types {
            mark_type(def, &name, &name, "");
        }
        for op in &mut group.operations {
            let op_place = place(&name, Some(&op.name));
            let op_name = op.name.clone();
            for def in &mut op.types {
                mark_type(def, &op_place, &name, &op_name);
            }
            mark_fields(&mut op.query, &name, &op_name);
            mark_fields(&mut op.request, &name, &op_name);
            op.request_checked =
                op.query.iter().chain(&op.request).any(|f| checks_itself(f) || f.checks_inside);
        }
    }
}

/// The field has limits, or a rule that ties it to its siblings.
fn checks_itself(field: &Field) -> bool {
    !field.constraints.is_empty() || field.rule.is_some()
}

fn checked_types(spec: &Spec) -> HashSet<Key> {
    let all = all_types(spec);
    let mut checked = HashSet::new();
    loop {
        let before = checked.len();
        for Indexed { key, def, group, op } in &all {
            if checked.contains(key) {
                continue;
            }
            let holds = |ty: &Ty| named(ty).is_some_and(|r| checked.contains(&key_of(r, group, op)));
            let needs = match &def.kind {
                TypeKind::Struct(fields) => fields.iter().any(|f| checks_itself(f) || holds(&f.ty)),
                TypeKind::Union(union) => {
                    union.variants.iter().any(|v| checked.contains(&key_of(&v.ty, group, op)))
                }
                TypeKind::StringEnum(_) | TypeKind::IntEnum(_) => false,
            };
            if needs {
                checked.insert(key.clone());
            }
        }
        if checked.len() == before {
            return checked;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{accepted, endpoint};
    use crate::SourceFile;
    use crate::model::{Operation, Spec, TypeKind};

    /// Each type of `types` with whether it is checked, in order.
    fn checked(types: &[crate::model::TypeDef]) -> Vec<(&str, bool)> {
        types.iter().map(|t| (t.name.as_str(), t.checked)).collect()
    }

    fn op<'s>(spec: &'s Spec, name: &str) -> &'s Operation {
        spec.operations().find(|op| op.name == name).expect("the operation")
    }

    #[test]
    fn a_limit_marks_every_type_that_holds_it_through_arrays_and_unions() {
        let shared =
            "[types.Inner]\ndoc = \"I.\"\nfields.s = { type = \"string\", max_length = 4, doc = \"S.\" }\n";
        let group = r#"[types.Outer]
doc = "O."
fields.items = { type = "array", items = "Inner", doc = "I." }
[types.Choice]
doc = "C."
union.tag = "kind"
union.variants = [{ tag = "OUTER", type = "Outer", doc = "O." }, { tag = "PLAIN", type = "Plain", doc = "P." }]
[types.Plain]
doc = "P."
fields.colour = { type = "Colour", doc = "C." }
[types.Colour]
doc = "C."
values = [{ value = "RED", doc = "R." }]
"#;
        let spec = accepted(vec![
            SourceFile::new("spec/types.toml", shared),
            SourceFile::new("spec/demo/types.toml", group),
            endpoint("op", "request.choice = { type = \"Choice\", doc = \"C.\" }\n"),
        ]);
        assert_eq!(checked(&spec.shared_types), [("Inner", true)]);
        let types = &spec.groups[0].types;
        assert_eq!(checked(types), [("Choice", true), ("Colour", false), ("Outer", true), ("Plain", false)]);
        let TypeKind::Union(choice) = &types[0].kind else { panic!("a union") };
        assert_eq!(choice.variants.iter().map(|v| v.checks_inside).collect::<Vec<_>>(), [true, false]);
        let TypeKind::Struct(outer) = &types[2].kind else { panic!("an object") };
        assert!(outer[0].checks_inside, "an array of a checked type");
        let op = op(&spec, "op");
        assert!(op.request_checked && op.request[0].checks_inside);
    }

    #[test]
    fn a_rule_marks_its_type_and_the_request_that_holds_it() {
        let spec = accepted(vec![
            endpoint(
                "ruled",
                "request.pick = { type = \"Pick\", doc = \"P.\" }\n\
                 [types.Pick]\ndoc = \"P.\"\n\
                 fields.a = { type = \"string\", optional = true, one_of = \"ab\", doc = \"A.\" }\n\
                 fields.b = { type = \"bool\", optional = true, one_of = \"ab\", doc = \"B.\" }\n",
            ),
            endpoint(
                "flat",
                "request.a = { type = \"string\", optional = true, doc = \"A.\" }\n\
                 request.b = { type = \"string\", optional = true, required_when = \"a\", doc = \"B.\" }\n",
            ),
        ]);
        let ruled = op(&spec, "ruled");
        assert!(ruled.request_checked && ruled.request[0].checks_inside);
        assert_eq!(checked(&ruled.types), [("Pick", true)]);
        assert!(op(&spec, "flat").request_checked, "a rule of the request itself");
    }

    #[test]
    fn only_limits_the_request_reaches_check_it() {
        let item = |limit: &str| {
            format!(
                "request.item = {{ type = \"Item\", doc = \"I.\" }}\n\
                 [types.Item]\ndoc = \"I.\"\nfields.s = {{ type = \"string\", doc = \"S.\"{limit} }}\n"
            )
        };
        let spec = accepted(vec![
            endpoint("limited", &item(", max_length = 4")),
            // A type of the same name in another operation is another type.
            endpoint("free", &item("")),
            endpoint("answer", "response.s = { type = \"string\", max_length = 4, doc = \"S.\" }\n"),
            endpoint("query", "query.s = { type = \"string\", max_length = 4, doc = \"S.\" }\n"),
        ]);
        let marks = |name: &str| {
            let op = op(&spec, name);
            (op.request_checked, op.types.first().map(|t| t.checked))
        };
        assert_eq!(marks("limited"), (true, Some(true)));
        assert_eq!(marks("free"), (false, Some(false)));
        assert_eq!(marks("answer"), (false, None));
        assert_eq!(marks("query"), (true, None));
    }
}
