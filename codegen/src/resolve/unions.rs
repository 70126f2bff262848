//! What can only be checked once every type is known: a union's variants are object types
//! (an `internal` one without a field named like the tag), and a `flatten` field holds a union
//! whose keys no other field of the object sends.

use std::collections::HashMap;

use crate::diagnostic::Diagnostics;
use crate::examples::TypeLookup;
use crate::format::{self, Entries, Located};
use crate::model::{Field, FixedParam, Ty, TypeDef, TypeKind, Union, UnionLayout};
use crate::source::{SourceFile, Span};

/// Checks the unions and flattened fields of the types a file declares (`own`, resolved
/// from `entries`), looking referenced types up in `lookup`.
pub(super) fn check_types(
    file: &SourceFile,
    entries: &Entries<format::TypeDef>,
    own: &[TypeDef],
    lookup: &TypeLookup<'_>,
    problems: &mut Diagnostics,
) {
    let written: HashMap<&str, &Located<format::TypeDef>> =
        entries.0.iter().map(|(k, def)| (k.value.as_str(), def)).collect();
    for def in own {
        let Some(written) = written.get(def.name.as_str()) else { continue };
        match &def.kind {
            TypeKind::Union(union) => {
                let Some(variants) = written.value.union.as_ref().map(|u| &u.value.variants) else {
                    continue;
                };
                for (variant, at) in union.variants.iter().zip(variants) {
                    let target = lookup.get(&variant.ty);
                    let span = at.value.ty.span;
                    match target.map(|t| &t.kind) {
                        Some(TypeKind::Struct(fields))
                            if union.layout == UnionLayout::Internal
                                && fields.iter().any(|f| f.wire == union.tag || f.flatten) =>
                        {
                            problems.error(
                                file,
                                span,
                                format!(
                                    "`{}` sits beside the tag `{}` in the same object, so it cannot \
                                     have a field of that name, nor a `flatten` field",
                                    variant.ty.name, union.tag
                                ),
                            );
                        }
                        Some(TypeKind::Struct(_)) => {}
                        Some(_) => problems.error(
                            file,
                            span,
                            format!("a union variant holds an object type; `{}` is not one", variant.ty.name),
                        ),
                        None => {}
                    }
                }
            }
            TypeKind::Struct(fields) => {
                let written = written.value.fields.as_ref().map(|f| &f.value);
                check_flattened(file, fields, &[], written, lookup, problems);
            }
            TypeKind::StringEnum(_) | TypeKind::IntEnum(_) => {}
        }
    }
}

/// Every `flatten` field of `fields` must hold a union, and its keys must be its own in the
/// object: no other field, constant (`constants`, a request's) or flattened union may send
/// one of them, or the key would be sent twice. The second of two is refused, at its key.
pub(super) fn check_flattened(
    file: &SourceFile,
    fields: &[Field],
    constants: &[FixedParam],
    written: Option<&Entries<format::Field>>,
    lookup: &TypeLookup<'_>,
    problems: &mut Diagnostics,
) {
    let span_of = |wire: &str| written.map_or(Span::default(), |w| key_span(w, wire));
    for field in fields.iter().filter(|f| f.flatten) {
        let is_union = match &field.ty {
            // A type that did not resolve has its own problem already.
            Ty::Named(r) => lookup.get(r).is_none_or(|t| matches!(t.kind, TypeKind::Union(_))),
            _ => false,
        };
        if !is_union {
            problems.error(file, span_of(&field.wire), "only a field whose type is a union can be `flatten`");
        }
    }
    if !fields.iter().any(|f| f.flatten) {
        return;
    }
    // Who sends each key, in the order written.
    let mut senders: Vec<(Span, Sender<'_>)> = fields
        .iter()
        .map(|field| {
            let union = match &field.ty {
                Ty::Named(r) if field.flatten => lookup.get(r).and_then(|t| match &t.kind {
                    TypeKind::Union(union) => Some((r.name.as_str(), union)),
                    _ => None,
                }),
                _ => None,
            };
            let sender = match union {
                Some((name, union)) => {
                    Sender::Union { field: &field.wire, name, keys: union_keys(union, lookup) }
                }
                None => Sender::Field(&field.wire),
            };
            (span_of(&field.wire), sender)
        })
        .chain(constants.iter().map(|c| (span_of(&c.name), Sender::Field(&c.name))))
        .collect();
    senders.sort_by_key(|(span, _)| span.start);
    let mut sent: HashMap<&str, &Sender<'_>> = HashMap::new();
    for (span, sender) in &senders {
        let clash = sender.keys().find_map(|key| sent.get(key).map(|first| (key, *first)));
        if let Some((key, first)) = clash {
            let message = match (first, sender) {
                (Sender::Union { field: a, name: u, .. }, Sender::Union { field: b, name: v, .. })
                    if u == v =>
                {
                    format!(
                        "fields `{a}` and `{b}` both flatten the union `{u}` into one object, so each of its \
                         keys would be sent twice; flatten it once"
                    )
                }
                _ => format!(
                    "the key `{key}` would be sent twice in one object: by {} and by {}; each key of an \
                     object is sent once",
                    first.describe(),
                    sender.describe()
                ),
            };
            problems.error(file, *span, message);
        }
        for key in sender.keys() {
            sent.entry(key).or_insert(sender);
        }
    }
}

/// A field of an object, as what it sends there.
enum Sender<'a> {
    /// An ordinary field or a constant: its own key.
    Field(&'a str),
    /// A flattened union: its tag and the keys its variants sit under (an `internal` one's
    /// variants: their fields' keys).
    Union { field: &'a str, name: &'a str, keys: Vec<&'a str> },
}

impl Sender<'_> {
    fn keys(&self) -> impl Iterator<Item = &str> {
        let (own, union) = match self {
            Self::Field(wire) => (Some(*wire), &[][..]),
            Self::Union { keys, .. } => (None, &keys[..]),
        };
        own.into_iter().chain(union.iter().copied())
    }

    fn describe(&self) -> String {
        match self {
            Self::Field(wire) => format!("field `{wire}`"),
            Self::Union { field, name, .. } => format!("the union `{name}` that field `{field}` flattens"),
        }
    }
}

/// The keys a union sends into the object it is flattened into: its tag, and where each
/// variant sits (`sibling`: the first key of its place; `internal`: its fields).
fn union_keys<'a>(union: &'a Union, lookup: &TypeLookup<'a>) -> Vec<&'a str> {
    let mut keys = vec![union.tag.as_str()];
    for variant in &union.variants {
        let here: Vec<&str> = match union.layout {
            UnionLayout::Sibling => variant.key.first().map(String::as_str).into_iter().collect(),
            UnionLayout::Internal => match lookup.get(&variant.ty).map(|t| &t.kind) {
                Some(TypeKind::Struct(fields)) => fields.iter().map(|f| f.wire.as_str()).collect(),
                _ => Vec::new(),
            },
        };
        for key in here {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    keys
}

fn key_span(entries: &Entries<format::Field>, wire: &str) -> Span {
    entries
        .0
        .iter()
        .find(|(k, _)| k.value == wire)
        .map_or(Span::default(), |(k, _): &(Located<String>, _)| k.span)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{accepted, endpoint, refused};
    use crate::SourceFile;
    use crate::model::TypeKind;

    /// A union `Kind` of the one object variant `A`, and an object `Info`.
    const KIND: &str = r#"[types.Kind]
doc = "K."
union.tag = "kind"
union.variants = [{ tag = "A", type = "Info", doc = "A." }]
[types.Info]
doc = "I."
fields.a = { type = "string", doc = "A." }
"#;

    #[test]
    fn a_flattened_union_is_accepted_in_objects_and_answers() {
        let types = format!(
            "[types.Card]\ndoc = \"C.\"\nfields.kind = {{ type = \"Kind\", doc = \"K.\", flatten = true }}\n{KIND}"
        );
        let spec = accepted(vec![
            SourceFile::new("spec/demo/types.toml", types),
            endpoint("op", "response.kind = { type = \"Kind\", doc = \"K.\", flatten = true }\n"),
        ]);
        let card = &spec.groups[0].types[0];
        let TypeKind::Struct(fields) = &card.kind else { panic!("an object") };
        assert_eq!((card.name.as_str(), fields[0].flatten), ("Card", true));
        assert!(spec.operations().next().expect("the operation").response[0].flatten);
    }

    #[test]
    fn only_a_union_can_be_flattened() {
        let types = format!(
            "[types.Card]\ndoc = \"C.\"\nfields.info = {{ type = \"Info\", doc = \"I.\", flatten = true }}\n\
             fields.n = {{ type = \"u32\", doc = \"N.\", flatten = true }}\n{KIND}"
        );
        let problems = refused(vec![
            SourceFile::new("spec/demo/types.toml", types),
            endpoint("op", "response.info = { type = \"Info\", doc = \"I.\", flatten = true }\n"),
        ]);
        assert_eq!(
            problems,
            [
                "spec/demo/op.toml:7:10: only a field whose type is a union can be `flatten`",
                "spec/demo/types.toml:3:8: only a field whose type is a union can be `flatten`",
                "spec/demo/types.toml:4:8: only a field whose type is a union can be `flatten`",
            ]
        );
    }

    #[test]
    fn a_variant_is_an_object_and_an_internal_one_leaves_the_tag_alone() {
        let shared = r#"[types.Pick]
doc = "P."
union.tag = "kind"
union.variants = [{ tag = "A", type = "Colour", doc = "A." }]
[types.Inline]
doc = "I."
union.tag = "kind"
union.layout = "internal"
union.variants = [{ tag = "B", type = "Outer", doc = "B." }]
[types.Outer]
doc = "O."
fields.inner = { type = "Kind", doc = "K.", flatten = true }
[types.Colour]
doc = "C."
values = [{ value = "RED", doc = "R." }]
"#;
        let problems = refused(vec![SourceFile::new("spec/types.toml", format!("{shared}{KIND}"))]);
        assert_eq!(
            problems,
            [
                "spec/types.toml:4:40: a union variant holds an object type; `Colour` is not one",
                // The flattened union's tag would sit beside `Inline`'s.
                "spec/types.toml:9:40: `Outer` sits beside the tag `kind` in the same object, so it cannot have a \
                 field of that name, nor a `flatten` field",
            ]
        );
    }

    #[test]
    fn a_union_flattened_twice_into_one_object_is_refused_at_the_second() {
        let types = format!(
            "[types.Card]\ndoc = \"C.\"\nfields.first = {{ type = \"Kind\", doc = \"F.\", flatten = true }}\n\
             fields.label = {{ type = \"string\", doc = \"L.\" }}\n\
             fields.second = {{ type = \"Kind\", doc = \"S.\", flatten = true }}\n{KIND}"
        );
        let request = "request.one = { type = \"Kind\", doc = \"O.\", flatten = true }\n\
                       request.two = { type = \"Kind\", doc = \"T.\", flatten = true }\n";
        let problems = refused(vec![SourceFile::new("spec/demo/types.toml", types), endpoint("op", request)]);
        assert_eq!(
            problems,
            [
                "spec/demo/op.toml:8:9: fields `one` and `two` both flatten the union `Kind` into one object, so \
                 each of its keys would be sent twice; flatten it once",
                "spec/demo/types.toml:5:8: fields `first` and `second` both flatten the union `Kind` into one \
                 object, so each of its keys would be sent twice; flatten it once",
            ]
        );
    }

    #[test]
    fn a_key_a_flattened_union_sends_is_sent_by_nothing_else_of_the_object() {
        // `Other` shares `Kind`'s tag; `Elsewhere` has its own tag but puts its variant under
        // `a`, where `Kind`'s variant `A` sits; `Inline`'s variant has a field `note`.
        let shared = format!(
            r#"{KIND}[types.Other]
doc = "O."
union.tag = "kind"
union.variants = [{{ tag = "B", type = "Info", doc = "B." }}]
[types.Elsewhere]
doc = "E."
union.tag = "where"
union.variants = [{{ tag = "C", type = "Info", key = "a", doc = "C." }}]
[types.Inline]
doc = "I."
union.tag = "form"
union.layout = "internal"
union.variants = [{{ tag = "D", type = "Noted", doc = "D." }}]
[types.Noted]
doc = "N."
fields.note = {{ type = "string", doc = "N." }}
"#
        );
        let request = r#"[request]
kind = { type = "Kind", doc = "K.", flatten = true }
other = { type = "Other", doc = "O.", flatten = true }
elsewhere = { type = "Elsewhere", doc = "E.", flatten = true }
note = { type = "string", doc = "A field named like an inline variant's." }
inline = { type = "Inline", doc = "I.", flatten = true }
form = { type = "string", value = "x", doc = "A constant named like a tag." }
[response]
where = { type = "string", doc = "Declared before the union whose tag it is." }
elsewhere = { type = "Elsewhere", doc = "E.", flatten = true }
"#;
        let problems = refused(vec![SourceFile::new("spec/types.toml", shared), endpoint("op", request)]);
        assert_eq!(
            problems,
            [
                "spec/demo/op.toml:9:1: the key `kind` would be sent twice in one object: by the union `Kind` that \
                 field `kind` flattens and by the union `Other` that field `other` flattens; each key of an object \
                 is sent once",
                "spec/demo/op.toml:10:1: the key `a` would be sent twice in one object: by the union `Kind` that \
                 field `kind` flattens and by the union `Elsewhere` that field `elsewhere` flattens; each key of an \
                 object is sent once",
                "spec/demo/op.toml:12:1: the key `note` would be sent twice in one object: by field `note` and by \
                 the union `Inline` that field `inline` flattens; each key of an object is sent once",
                "spec/demo/op.toml:13:1: the key `form` would be sent twice in one object: by the union `Inline` \
                 that field `inline` flattens and by field `form`; each key of an object is sent once",
                "spec/demo/op.toml:16:1: the key `where` would be sent twice in one object: by field `where` and by \
                 the union `Elsewhere` that field `elsewhere` flattens; each key of an object is sent once",
            ]
        );
    }

    #[test]
    fn unions_of_their_own_keys_are_flattened_side_by_side() {
        let shared = format!(
            r#"{KIND}[types.Elsewhere]
doc = "E."
union.tag = "where"
union.variants = [{{ tag = "C", type = "Info", key = "place.c", doc = "C." }}, {{ tag = "D", type = "Info", key = "place.d", doc = "D." }}]
"#
        );
        let request = "[request]\nkind = { type = \"Kind\", doc = \"K.\", flatten = true }\n\
                       elsewhere = { type = \"Elsewhere\", doc = \"E.\", flatten = true }\n\
                       label = { type = \"string\", doc = \"L.\" }\n";
        let spec = accepted(vec![SourceFile::new("spec/types.toml", shared), endpoint("op", request)]);
        let op = spec.operations().next().expect("the operation");
        let flattened: Vec<(&str, bool)> = op.request.iter().map(|f| (f.wire.as_str(), f.flatten)).collect();
        assert_eq!(flattened, [("kind", true), ("elsewhere", true), ("label", false)]);
    }
}
