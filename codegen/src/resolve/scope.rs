//! Which type names a field's `type` may refer to, and what a name stands for.

use std::collections::HashMap;

use crate::format::Located;
use crate::model::{Ty, TypeRef, TypeScope};
use crate::source::Span;

/// The type names a field's `type` may refer to: the operation's own, its group's, and the
/// shared ones, looked up in that order.
pub(super) struct Scope<'a> {
    pub(super) local: &'a HashMap<String, Span>,
    pub(super) group: Option<(&'a str, &'a HashMap<String, Span>)>,
    pub(super) shared: &'a HashMap<String, Span>,
}

impl Scope<'_> {
    pub(super) fn reference(&self, name: &str) -> Option<TypeRef> {
        let scope = if self.local.contains_key(name) {
            TypeScope::Local
        } else if let Some((group, _)) = self.group.filter(|(_, names)| names.contains_key(name)) {
            TypeScope::Group(group.to_owned())
        } else if self.shared.contains_key(name) {
            TypeScope::Shared
        } else {
            return None;
        };
        Some(TypeRef { name: name.to_owned(), scope })
    }

    /// Where a type declared in `own` would clash with one declared further out.
    pub(super) fn outer_declaration(&self, name: &str, own: &TypeScope) -> Option<String> {
        let in_group = self.group.filter(|(_, names)| names.contains_key(name)).map(|(g, _)| g);
        match (own, in_group) {
            (TypeScope::Local, Some(group)) => Some(format!("spec/{group}/types.toml")),
            _ if *own != TypeScope::Shared && self.shared.contains_key(name) => {
                Some("spec/types.toml".to_owned())
            }
            _ => None,
        }
    }
}

pub(super) fn resolve_type_name(
    name: &Located<String>,
    items: Option<&Located<String>>,
    scope: &Scope<'_>,
) -> Result<Ty, (Span, String)> {
    let scalar = match name.value.as_str() {
        "string" => Some(Ty::String),
        "bool" => Some(Ty::Bool),
        "i32" => Some(Ty::I32),
        "i64" => Some(Ty::I64),
        "u32" => Some(Ty::U32),
        "u64" => Some(Ty::U64),
        "f64" => Some(Ty::F64),
        _ => None,
    };
    if let kind @ ("array" | "map") = name.value.as_str() {
        let Some(items) = items else {
            let what = if kind == "array" { "element" } else { "value" };
            return Err((name.span, format!("`type = \"{kind}\"` needs `items` naming the {what} type")));
        };
        if matches!(items.value.as_str(), "array" | "map") {
            return Err((items.span, "arrays and maps of arrays or maps are not supported".to_owned()));
        }
        let item = Box::new(resolve_type_name(items, None, scope)?);
        return Ok(if kind == "array" { Ty::Array(item) } else { Ty::Map(item) });
    }
    if let Some(items) = items {
        // Only when the type itself is known: an unknown `type` is the one problem to report.
        if scalar.is_some() || name.value == "json" || scope.reference(&name.value).is_some() {
            return Err((
                items.span,
                "`items` is only allowed with `type = \"array\"` or `\"map\"`".to_owned(),
            ));
        }
    }
    if name.value == "json" {
        return Ok(Ty::Json);
    }
    if let Some(scalar) = scalar {
        return Ok(scalar);
    }
    scope.reference(&name.value).map(Ty::Named).ok_or_else(|| {
        (
            name.span,
            format!(
                "unknown type `{}`; expected string, bool, i32, i64, u32, u64, f64, array, map, json, or a \
                 type declared in [types] of this file, in the group's types.toml or in spec/types.toml",
                name.value
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{accepted, endpoint, operation_problems, refused};
    use crate::SourceFile;
    use crate::model::{Ty, TypeRef, TypeScope};

    const SHARED: &str = "[types.Money]\ndoc = \"M.\"\nfields.fen = { type = \"u64\", doc = \"F.\" }\n";

    fn named(name: &str, scope: TypeScope) -> Ty {
        Ty::Named(TypeRef { name: name.to_owned(), scope })
    }

    #[test]
    fn a_type_name_refers_to_the_file_that_declares_it() {
        let body = r#"[response]
mine = { type = "Mine", doc = "M." }
shelf = { type = "Shelf", doc = "S." }
money = { type = "Money", doc = "M." }
prices = { type = "array", items = "Money", doc = "P." }
labels = { type = "map", items = "string", doc = "L." }
raw = { type = "json", doc = "R." }
[types.Mine]
doc = "M."
fields.a = { type = "string", doc = "A." }
"#;
        let spec = accepted(vec![
            SourceFile::new("spec/types.toml", SHARED),
            SourceFile::new("spec/demo/types.toml", SHARED.replace("Money", "Shelf")),
            endpoint("op", body),
        ]);
        let op = spec.operations().next().expect("the operation");
        let types: Vec<&Ty> = op.response.iter().map(|f| &f.ty).collect();
        assert_eq!(
            types,
            [
                &named("Mine", TypeScope::Local),
                &named("Shelf", TypeScope::Group("demo".to_owned())),
                &named("Money", TypeScope::Shared),
                &Ty::Array(Box::new(named("Money", TypeScope::Shared))),
                &Ty::Map(Box::new(Ty::String)),
                &Ty::Json,
            ]
        );
    }

    #[test]
    fn a_name_declared_further_out_cannot_be_declared_again() {
        let local = endpoint("op", &format!("response.m = {{ type = \"Money\", doc = \"M.\" }}\n{SHARED}"));
        let shared = SourceFile::new("spec/types.toml", SHARED);
        let problems = refused(vec![shared.clone(), local.clone()]);
        assert_eq!(
            problems,
            ["spec/demo/op.toml:8:8: duplicate type name `Money`: spec/types.toml already declares it"]
        );
        // The nearest declaration further out is named.
        let problems = refused(vec![shared, SourceFile::new("spec/demo/types.toml", SHARED), local]);
        assert_eq!(
            problems,
            [
                "spec/demo/op.toml:8:8: duplicate type name `Money`: spec/demo/types.toml already declares it",
                "spec/demo/types.toml:1:8: duplicate type name `Money`: spec/types.toml already declares it",
            ]
        );
    }

    #[test]
    fn containers_need_one_level_of_items() {
        let problems = operation_problems(
            r#"[response]
labels = { type = "map", doc = "L." }
grid = { type = "array", items = "map", doc = "G." }
odd = { type = "Nowhere", items = "string", doc = "O." }
"#,
        );
        assert_eq!(
            problems,
            [
                "spec/demo/op.toml:8:20: `type = \"map\"` needs `items` naming the value type",
                "spec/demo/op.toml:9:35: arrays and maps of arrays or maps are not supported",
                // Not also that `items` needs an array or a map: the unknown type is the problem.
                "spec/demo/op.toml:10:17: unknown type `Nowhere`; expected string, bool, i32, i64, u32, u64, f64, \
                 array, map, json, or a type declared in [types] of this file, in the group's types.toml or in \
                 spec/types.toml",
            ]
        );
    }
}
