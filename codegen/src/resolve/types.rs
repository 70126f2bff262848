//! Named types: objects and enums.

use std::collections::HashMap;

use crate::diagnostic::Diagnostics;
use crate::format::{self, Entries, Located};
use crate::model::{
    Literal, Ty, TypeDef, TypeKind, TypeRef, TypeScope, Union, UnionLayout, UnionVariant, Variant,
};
use crate::names;
use crate::resolve::fields::{FieldPlace, plain_fields, resolve_fields};
use crate::resolve::scope::{Scope, resolve_type_name};
use crate::source::SourceFile;

/// The types `entries` declares, each with a free name and of one kind; a type with problems
/// is left out, its problems reported.
pub(super) fn resolve_types(
    file: &SourceFile,
    entries: &Entries<format::TypeDef>,
    scope: &Scope<'_>,
    own: &TypeScope,
    taken: &[String],
    problems: &mut Diagnostics,
) -> Vec<TypeDef> {
    let mut types = Vec::new();
    for (key, def) in &entries.0 {
        if !check_type_name(file, key, scope, own, taken, problems) {
            continue;
        }
        let Some(kind) = type_kind(file, key, &def.value, scope, problems) else { continue };
        types.push(TypeDef {
            name: key.value.clone(),
            doc: def.value.doc.value.clone(),
            kind,
            checked: false,
            received: false,
            sent: false,
        });
    }
    types
}

/// True when the type's name is an UpperCamelCase identifier, not a builder's, not one of
/// `taken` (the operation's generated types) and not declared in an outer scope; else its
/// first problem is reported.
fn check_type_name(
    file: &SourceFile,
    key: &Located<String>,
    scope: &Scope<'_>,
    own: &TypeScope,
    taken: &[String],
    problems: &mut Diagnostics,
) -> bool {
    let name = &key.value;
    let problem = if !names::is_camel(name) {
        format!("type name `{name}` must be an UpperCamelCase Rust identifier")
    } else if name.ends_with("Builder") {
        // `FooBuilder` is what the generator names the builder of a type `Foo`.
        format!("type name `{name}` ends in `Builder`, which generated builders use")
    } else if taken.contains(name) {
        format!("type name `{name}` is already the name of this operation's generated type")
    } else if let Some(outer) = scope.outer_declaration(name, own) {
        format!("duplicate type name `{name}`: {outer} already declares it")
    } else {
        return true;
    };
    problems.error(file, key.span, problem);
    false
}

/// What the type is: an object (`fields`), an enum (`values`) or a union (`union`), exactly
/// one of them.
fn type_kind(
    file: &SourceFile,
    key: &Located<String>,
    def: &format::TypeDef,
    scope: &Scope<'_>,
    problems: &mut Diagnostics,
) -> Option<TypeKind> {
    match (&def.fields, &def.values, &def.union) {
        (Some(fields), None, None) => Some(TypeKind::Struct(plain_fields(resolve_fields(
            file,
            &fields.value,
            scope,
            FieldPlace::Object,
            problems,
        )))),
        (None, Some(values), None) => resolve_variants(file, &values.value, problems),
        (None, None, Some(union)) => resolve_union(file, &union.value, scope, problems).map(TypeKind::Union),
        _ => {
            problems.error(
                file,
                key.span,
                format!(
                    "type `{}` needs exactly one of `fields` (an object), `values` (an enum) or `union`",
                    key.value
                ),
            );
            None
        }
    }
}

pub(super) fn resolve_variants(
    file: &SourceFile,
    values: &[Located<format::EnumValue>],
    problems: &mut Diagnostics,
) -> Option<TypeKind> {
    let first = values.first()?;
    let strings = matches!(first.value.value.value, format::Literal::Str(_));
    let mut variants = Vec::new();
    let mut seen: HashMap<String, ()> = HashMap::new();
    let mut ok = true;
    for value in values {
        let def = &value.value;
        if matches!(def.value.value, format::Literal::Str(_)) != strings {
            problems.error(file, def.value.span, "an enum's values must be all strings or all integers");
            ok = false;
            continue;
        }
        let name = match (&def.name, &def.value.value) {
            (Some(name), _) if names::is_camel(&name.value) => name.value.clone(),
            (Some(name), _) => {
                problems.error(
                    file,
                    name.span,
                    format!("variant name `{}` must be an UpperCamelCase Rust identifier", name.value),
                );
                ok = false;
                continue;
            }
            (None, format::Literal::Str(s)) => match names::camel(s) {
                Some(name) => name,
                None => {
                    problems.error(
                        file,
                        def.value.span,
                        format!("`{s}` cannot become a variant name; give it a `name`"),
                    );
                    ok = false;
                    continue;
                }
            },
            (None, format::Literal::Int(_)) => {
                problems.error(file, def.value.span, "integer enum values need a `name`");
                ok = false;
                continue;
            }
        };
        if name == "Unknown" || seen.insert(name.clone(), ()).is_some() {
            problems.error(file, value.span, format!("duplicate or reserved variant name `{name}`"));
            ok = false;
            continue;
        }
        variants.push(Variant { name, wire: Literal::from(&def.value.value), doc: def.doc.value.clone() });
    }
    if !ok {
        return None;
    }
    Some(if strings { TypeKind::StringEnum(variants) } else { TypeKind::IntEnum(variants) })
}

/// A union's tag and variants; that each variant's type is an object is checked once every
/// type is known (`unions::check`).
fn resolve_union(
    file: &SourceFile,
    def: &format::UnionDef,
    scope: &Scope<'_>,
    problems: &mut Diagnostics,
) -> Option<Union> {
    let before = problems.0.len();
    let layout = def.layout.as_ref().map_or(UnionLayout::Sibling, |l| l.value.into());
    if names::snake(&def.tag.value).is_none() {
        problems.error(file, def.tag.span, format!("`{}` cannot be a field name", def.tag.value));
    }
    if def.variants.is_empty() {
        problems.error(file, def.tag.span, "a union needs at least one variant");
    }
    let mut variants: Vec<UnionVariant> = Vec::new();
    for variant in &def.variants {
        let v = &variant.value;
        let Some(name) = variant_name(file, v, problems) else { continue };
        if name == "Unknown" || variants.iter().any(|other| other.name == name) {
            problems.error(file, variant.span, format!("duplicate or reserved variant name `{name}`"));
            continue;
        }
        if variants.iter().any(|other| other.tag == v.tag.value) {
            problems.error(file, v.tag.span, format!("duplicate tag `{}`", v.tag.value));
            continue;
        }
        let Some(key) = variant_key(file, layout, v, problems) else { continue };
        if key.first() == Some(&def.tag.value) {
            problems.error(file, variant.span, "a variant cannot sit under the tag's own key");
            continue;
        }
        let Some(ty) = variant_type(file, v, scope, problems) else { continue };
        variants.push(UnionVariant {
            name,
            tag: v.tag.value.clone(),
            key,
            ty,
            doc: v.doc.value.clone(),
            checks_inside: false,
        });
    }
    (problems.0.len() == before).then(|| Union { tag: def.tag.value.clone(), layout, variants })
}

/// The variant's Rust name: as written (UpperCamelCase), or its tag in UpperCamelCase.
fn variant_name(file: &SourceFile, v: &format::UnionVariant, problems: &mut Diagnostics) -> Option<String> {
    match &v.name {
        Some(name) if names::is_camel(&name.value) => Some(name.value.clone()),
        Some(name) => {
            problems.error(
                file,
                name.span,
                format!("variant name `{}` must be an UpperCamelCase Rust identifier", name.value),
            );
            None
        }
        None => {
            let name = names::camel(&v.tag.value);
            if name.is_none() {
                problems.error(
                    file,
                    v.tag.span,
                    format!("`{}` cannot become a variant name; give it a `name`", v.tag.value),
                );
            }
            name
        }
    }
}

/// Where the variant's object sits: for the `sibling` layout under its `key` (a dotted path;
/// by default the tag in lowercase), for `internal` beside the tag (no key).
fn variant_key(
    file: &SourceFile,
    layout: UnionLayout,
    v: &format::UnionVariant,
    problems: &mut Diagnostics,
) -> Option<Vec<String>> {
    match (layout, &v.key) {
        (UnionLayout::Internal, Some(key)) => {
            problems.error(
                file,
                key.span,
                "`key` is for the `sibling` layout; an `internal` variant's fields sit beside the tag",
            );
            None
        }
        (UnionLayout::Internal, None) => Some(Vec::new()),
        (UnionLayout::Sibling, Some(key)) => {
            let parts: Vec<String> = key.value.split('.').map(str::to_owned).collect();
            if parts.iter().any(String::is_empty) {
                problems.error(
                    file,
                    key.span,
                    format!("`{}` is not a key or a dotted path of keys", key.value),
                );
                return None;
            }
            Some(parts)
        }
        (UnionLayout::Sibling, None) => Some(vec![v.tag.value.to_lowercase()]),
    }
}

/// The named object type the variant holds.
fn variant_type(
    file: &SourceFile,
    v: &format::UnionVariant,
    scope: &Scope<'_>,
    problems: &mut Diagnostics,
) -> Option<TypeRef> {
    match resolve_type_name(&v.ty, None, scope) {
        Ok(Ty::Named(ty)) => Some(ty),
        Ok(_) => {
            problems.error(file, v.ty.span, "a union variant holds a named object type");
            None
        }
        Err((span, message)) => {
            problems.error(file, span, message);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{operation, operation_problems};
    use crate::model::{TypeDef, TypeKind, UnionLayout};

    const GIFT: &str = "[types.Gift]\ndoc = \"G.\"\nfields.title = { type = \"string\", doc = \"T.\" }\n";

    /// Each variant's name and wire value, or each union variant's name, tag and key.
    fn variants(def: &TypeDef) -> Vec<String> {
        match &def.kind {
            TypeKind::StringEnum(vs) | TypeKind::IntEnum(vs) => {
                vs.iter().map(|v| format!("{} {:?}", v.name, v.wire)).collect()
            }
            TypeKind::Union(u) => {
                u.variants.iter().map(|v| format!("{} {} {}", v.name, v.tag, v.key.join("."))).collect()
            }
            TypeKind::Struct(_) => Vec::new(),
        }
    }

    #[test]
    fn enums_and_unions_derive_their_variant_names() {
        let op = operation(&format!(
            r#"[types.Status]
doc = "S."
values = [{{ value = "NEW", doc = "N." }}, {{ value = "in_use", doc = "I." }}, {{ value = "X-1", name = "Other", doc = "O." }}]
[types.Level]
doc = "L."
values = [{{ value = 1, name = "Low", doc = "L." }}]
[types.Card]
doc = "C."
union.tag = "card_type"
union.variants = [
    {{ tag = "GIFT", type = "Gift", doc = "G." }},
    {{ tag = "CASH", type = "Gift", key = "action_info.cash", name = "Money", doc = "C." }},
]
[types.Msg]
doc = "M."
union.tag = "type"
union.layout = "internal"
union.variants = [{{ tag = "text", type = "Gift", doc = "T." }}]
{GIFT}"#
        ));
        let [status, level, card, msg, _] = &op.types[..] else { panic!("five types: {:?}", op.types) };
        assert!(matches!(status.kind, TypeKind::StringEnum(_)) && matches!(level.kind, TypeKind::IntEnum(_)));
        assert_eq!(variants(status), [r#"New Str("NEW")"#, r#"InUse Str("in_use")"#, r#"Other Str("X-1")"#]);
        assert_eq!(variants(level), ["Low Int(1)"]);
        assert_eq!(variants(card), ["Gift GIFT gift", "Money CASH action_info.cash"]);
        assert_eq!(variants(msg), ["Text text "]);
        let TypeKind::Union(msg) = &msg.kind else { panic!("a union") };
        assert_eq!((msg.tag.as_str(), msg.layout), ("type", UnionLayout::Internal));
    }

    #[test]
    fn a_type_has_exactly_one_shape() {
        let problems = operation_problems(
            r#"[types.Both]
doc = "B."
values = [{ value = "A", doc = "A." }]
fields.a = { type = "string", doc = "A." }
[types.Neither]
doc = "N."
"#,
        );
        assert_eq!(
            problems,
            [
                "spec/demo/op.toml:7:8: type `Both` needs exactly one of `fields` (an object), `values` (an enum) or \
                 `union`",
                "spec/demo/op.toml:11:8: type `Neither` needs exactly one of `fields` (an object), `values` (an \
                 enum) or `union`",
            ]
        );
    }

    #[test]
    fn enum_values_must_agree_and_name_their_variants() {
        let problems = operation_problems(
            r#"[types.Mixed]
doc = "M."
values = [{ value = "A", doc = "A." }, { value = 1, name = "One", doc = "O." }]
[types.Codes]
doc = "C."
values = [{ value = 1, doc = "O." }, { value = 2, name = "two", doc = "T." }]
[types.Names]
doc = "N."
values = [{ value = "UNKNOWN", doc = "U." }, { value = "---", doc = "D." }, { value = "a", doc = "A." }, { value = "A", doc = "A." }]
"#,
        );
        assert_eq!(
            problems,
            [
                "spec/demo/op.toml:9:50: an enum's values must be all strings or all integers",
                "spec/demo/op.toml:12:21: integer enum values need a `name`",
                "spec/demo/op.toml:12:59: variant name `two` must be an UpperCamelCase Rust identifier",
                "spec/demo/op.toml:15:11: duplicate or reserved variant name `Unknown`",
                "spec/demo/op.toml:15:57: `---` cannot become a variant name; give it a `name`",
                "spec/demo/op.toml:15:106: duplicate or reserved variant name `A`",
            ]
        );
    }

    #[test]
    fn union_variants_must_be_told_apart_and_hold_a_named_type() {
        let problems = operation_problems(&format!(
            r#"[types.Bad]
doc = "B."
union.tag = "kind"
union.variants = [
    {{ tag = "KIND", type = "Gift", doc = "Under the tag's own key." }},
    {{ tag = "B", type = "string", doc = "B." }},
    {{ tag = "C", type = "Gift", key = "x..y", doc = "C." }},
    {{ tag = "---", type = "Gift", doc = "D." }},
    {{ tag = "UNKNOWN", type = "Gift", doc = "U." }},
]
[types.Empty]
doc = "E."
union.tag = "---"
union.variants = []
{GIFT}"#
        ));
        assert_eq!(
            problems,
            [
                // `KIND`'s object would sit under the key `kind`, the tag's own.
                "spec/demo/op.toml:11:5: a variant cannot sit under the tag's own key",
                "spec/demo/op.toml:12:26: a union variant holds a named object type",
                "spec/demo/op.toml:13:40: `x..y` is not a key or a dotted path of keys",
                "spec/demo/op.toml:14:14: `---` cannot become a variant name; give it a `name`",
                "spec/demo/op.toml:15:5: duplicate or reserved variant name `Unknown`",
                "spec/demo/op.toml:19:14: `---` cannot be a field name",
                "spec/demo/op.toml:19:14: a union needs at least one variant",
            ]
        );
    }
}
