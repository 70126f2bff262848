//! Named types: objects and enums.

use std::collections::HashMap;

use crate::diagnostic::Diagnostics;
use crate::format::{self, Entries, Located};
use crate::model::{Literal, TypeDef, TypeKind, TypeScope, Variant};
use crate::names;
use crate::resolve::fields::{FieldPlace, plain_fields, resolve_fields};
use crate::resolve::scope::Scope;
use crate::source::SourceFile;

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
        let name = &key.value;
        if !names::is_camel(name) {
            problems.error(
                file,
                key.span,
                format!("type name `{name}` must be an UpperCamelCase Rust identifier"),
            );
            continue;
        }
        if taken.contains(name) {
            problems.error(
                file,
                key.span,
                format!("type name `{name}` is already the name of this operation's generated type"),
            );
            continue;
        }
        if let Some(outer) = scope.outer_declaration(name, own) {
            problems.error(
                file,
                key.span,
                format!("duplicate type name `{name}`: {outer} already declares it"),
            );
            continue;
        }
        let kind = match (&def.value.fields, &def.value.values) {
            (Some(fields), None) => TypeKind::Struct(plain_fields(resolve_fields(
                file,
                &fields.value,
                scope,
                FieldPlace::Object,
                problems,
            ))),
            (None, Some(values)) => match resolve_variants(file, &values.value, problems) {
                Some(kind) => kind,
                None => continue,
            },
            _ => {
                problems.error(
                    file,
                    key.span,
                    format!("type `{name}` needs exactly one of `fields` (an object) or `values` (an enum)"),
                );
                continue;
            }
        };
        types.push(TypeDef { name: name.clone(), doc: def.value.doc.value.clone(), kind });
    }
    types
}

pub(super) fn resolve_variants(
    file: &SourceFile,
    values: &[Located<format::EnumValue>],
    problems: &mut Diagnostics,
) -> Option<TypeKind> {
    let first = values.first()?;
    let strings = matches!(first.value.value.value, Literal::Str(_));
    let mut variants = Vec::new();
    let mut seen: HashMap<String, ()> = HashMap::new();
    let mut ok = true;
    for value in values {
        let def = &value.value;
        if matches!(def.value.value, Literal::Str(_)) != strings {
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
            (None, Literal::Str(s)) => match names::camel(s) {
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
            (None, Literal::Int(_)) => {
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
        variants.push(Variant { name, wire: def.value.value.clone(), doc: def.doc.value.clone() });
    }
    if !ok {
        return None;
    }
    Some(if strings { TypeKind::StringEnum(variants) } else { TypeKind::IntEnum(variants) })
}
