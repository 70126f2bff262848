//! Which named types an answer holds: they implement `Deserialize` in every build. Types that
//! only requests hold are deserialized by nobody the default build serves (the client sends
//! them), so they implement it only with the `deserialize-requests` feature, which the
//! `wechat` command line (reading requests from JSON) and the tests enable: half of the
//! `Deserialize` impls are left out of a default build. Likewise the types only answers hold
//! implement `Serialize` only with the `serialize-responses` feature (the command line prints
//! answers, and tests serve typed answers through the mock; a client only reads them).

use std::collections::{HashMap, HashSet};

use super::type_index::{Indexed, Key, all_types, key_of, named, place};
use crate::model::{Field, Operation, Spec, TypeDef, TypeKind};

/// Sets `received` on every type a response holds, directly or through other types (one walk
/// from the responses, each type visited once), and `sent` the same way from the requests'
/// body and query fields.
pub(super) fn mark(spec: &mut Spec) {
    let received = reached(spec, |op| [op.response.as_slice(), &[]]);
    let sent = reached(spec, |op| [op.request.as_slice(), op.query.as_slice()]);
    let set = |def: &mut TypeDef, place: &str| {
        let key = (place.to_owned(), def.name.clone());
        def.received = received.contains(&key);
        def.sent = sent.contains(&key);
    };
    for def in &mut spec.shared_types {
        set(def, "");
    }
    for group in &mut spec.groups {
        let group_place = place(&group.name, None);
        for def in &mut group.types {
            set(def, &group_place);
        }
        for op in &mut group.operations {
            let op_place = place(&group.name, Some(&op.name));
            for def in &mut op.types {
                set(def, &op_place);
            }
        }
    }
}

/// The types the fields `roots` gives of each operation hold, directly or through other
/// types.
fn reached(spec: &Spec, roots: impl Fn(&Operation) -> [&[Field]; 2]) -> HashSet<Key> {
    let all: HashMap<Key, (&TypeDef, &str, &str)> =
        all_types(spec).into_iter().map(|Indexed { key, def, group, op }| (key, (def, group, op))).collect();
    let mut received = HashSet::new();
    let mut pending: Vec<Key> = Vec::new();
    let reach = |fields: &[Field], group: &str, op: &str, pending: &mut Vec<Key>| {
        for field in fields {
            if let Some(r) = named(&field.ty) {
                pending.push(key_of(r, group, op));
            }
        }
    };
    for group in &spec.groups {
        for op in &group.operations {
            for fields in roots(op) {
                reach(fields, &group.name, &op.name, &mut pending);
            }
        }
    }
    while let Some(key) = pending.pop() {
        if !received.insert(key.clone()) {
            continue;
        }
        let Some((def, group, op)) = all.get(&key) else { continue };
        match &def.kind {
            TypeKind::Struct(fields) => reach(fields, group, op, &mut pending),
            TypeKind::Union(union) => pending.extend(union.variants.iter().map(|v| key_of(&v.ty, group, op))),
            TypeKind::StringEnum(_) | TypeKind::IntEnum(_) => {}
        }
    }
    received
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{accepted, endpoint};
    use crate::SourceFile;
    use crate::model::TypeDef;

    fn received(types: &[TypeDef]) -> Vec<(&str, bool)> {
        types.iter().map(|t| (t.name.as_str(), t.received)).collect()
    }

    fn sent(types: &[TypeDef]) -> Vec<(&str, bool)> {
        types.iter().map(|t| (t.name.as_str(), t.sent)).collect()
    }

    #[test]
    fn what_an_answer_holds_through_arrays_maps_and_unions_is_received_and_nothing_else() {
        let shared = "[types.Deep]\ndoc = \"D.\"\nfields.s = { type = \"string\", doc = \"S.\" }\n\
                      [types.Sent]\ndoc = \"S.\"\nfields.s = { type = \"string\", doc = \"S.\" }\n";
        let group = r#"[types.Choice]
doc = "C."
union.tag = "kind"
union.variants = [{ tag = "LIST", type = "List", doc = "L." }]
[types.List]
doc = "L."
fields.items = { type = "array", items = "Deep", doc = "I." }
[types.Colour]
doc = "C."
values = [{ value = "RED", doc = "R." }]
[types.Both]
doc = "B."
fields.colour = { type = "Colour", doc = "C." }
"#;
        let spec = accepted(vec![
            SourceFile::new("spec/types.toml", shared),
            SourceFile::new("spec/demo/types.toml", group),
            endpoint(
                "op",
                "request.sent = { type = \"Sent\", doc = \"S.\" }\n\
                 request.both = { type = \"Both\", doc = \"B.\" }\n\
                 response.choice = { type = \"Choice\", doc = \"C.\" }\n\
                 response.both = { type = \"Both\", doc = \"B.\" }\n",
            ),
        ]);
        assert_eq!(received(&spec.shared_types), [("Deep", true), ("Sent", false)]);
        assert_eq!(
            received(&spec.groups[0].types),
            [("Both", true), ("Choice", true), ("Colour", true), ("List", true)]
        );
        assert_eq!(sent(&spec.shared_types), [("Deep", false), ("Sent", true)]);
        assert_eq!(
            sent(&spec.groups[0].types),
            [("Both", true), ("Choice", false), ("Colour", true), ("List", false)]
        );
    }
}
