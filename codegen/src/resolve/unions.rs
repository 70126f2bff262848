//! What can only be checked once every type is known: a union's variants are object types
//! (an `internal` one without a field named like the tag), and a `flatten` field holds a union.

use std::collections::HashMap;

use crate::diagnostic::Diagnostics;
use crate::examples::TypeLookup;
use crate::format::{self, Entries, Located};
use crate::model::{Field, Ty, TypeDef, TypeKind, UnionLayout};
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
                check_flattened(file, fields, written, lookup, problems);
            }
            TypeKind::StringEnum(_) | TypeKind::IntEnum(_) => {}
        }
    }
}

/// Every `flatten` field of `fields` must hold a union.
pub(super) fn check_flattened(
    file: &SourceFile,
    fields: &[Field],
    written: Option<&Entries<format::Field>>,
    lookup: &TypeLookup<'_>,
    problems: &mut Diagnostics,
) {
    for field in fields.iter().filter(|f| f.flatten) {
        let is_union = match &field.ty {
            // A type that did not resolve has its own problem already.
            Ty::Named(r) => lookup.get(r).is_none_or(|t| matches!(t.kind, TypeKind::Union(_))),
            _ => false,
        };
        if !is_union {
            let span = written.map_or(Span::default(), |w| key_span(w, &field.wire));
            problems.error(file, span, "only a field whose type is a union can be `flatten`");
        }
    }
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
}
