//! Checking example JSON against the resolved types.
//!
//! Request examples are checked strictly, because the tests round-trip them through the
//! generated request types: every field known, every value of exactly its type. Response
//! examples are checked the way the generated types decode: numbers written as strings and
//! strings written as numbers are accepted.

use std::collections::HashMap;

use serde_json::Value;

use crate::model::{Field, Ty, TypeDef, TypeKind, TypeScope};

/// Named types an example may reach: the operation's own and the shared ones.
pub(crate) struct TypeLookup<'a> {
    /// Types local to the operation.
    pub(crate) local: HashMap<&'a str, &'a TypeDef>,
    /// Types of the operation's group.
    pub(crate) group: HashMap<&'a str, &'a TypeDef>,
    /// Shared types.
    pub(crate) shared: HashMap<&'a str, &'a TypeDef>,
}

/// How closely values must match their declared types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Strictness {
    /// Exactly the declared JSON type, no nulls.
    Exact,
    /// What the generated types accept when decoding.
    Lenient,
}

/// The problems of `value` as an object with `fields`, each as `path: what is wrong`.
/// `implicit` names extra keys the object may have (`errcode`, `errmsg`).
pub(crate) fn check_object(
    fields: &[Field],
    value: &Value,
    implicit: &[&str],
    strictness: Strictness,
    types: &TypeLookup<'_>,
) -> Vec<String> {
    let mut checker = Checker { types, strictness, problems: Vec::new() };
    checker.object(fields, value, "", implicit);
    checker.problems
}

struct Checker<'a, 'b> {
    types: &'a TypeLookup<'b>,
    strictness: Strictness,
    problems: Vec<String>,
}

impl Checker<'_, '_> {
    fn problem(&mut self, path: &str, message: impl std::fmt::Display) {
        let at = if path.is_empty() { "the top level".to_owned() } else { format!("`{path}`") };
        self.problems.push(format!("{at}: {message}"));
    }

    fn object(&mut self, fields: &[Field], value: &Value, path: &str, implicit: &[&str]) {
        let Some(map) = value.as_object() else {
            return self.problem(path, format!("expected an object, found {}", kind(value)));
        };
        for field in fields {
            let child = join(path, &field.wire);
            let found = std::iter::once(&field.wire).chain(&field.aliases).find_map(|name| map.get(name));
            match found {
                None if field.required => self.problem(&child, "required field is missing"),
                None => {}
                Some(Value::Null) if !field.required && self.strictness == Strictness::Lenient => {}
                Some(v) => self.value(&field.ty, v, &child),
            }
        }
        for key in map.keys() {
            let known = fields.iter().any(|f| &f.wire == key || f.aliases.contains(key))
                || implicit.contains(&key.as_str());
            if !known {
                self.problem(&join(path, key), "not a field of this type in the spec");
            }
        }
    }

    fn value(&mut self, ty: &Ty, value: &Value, path: &str) {
        let lenient = self.strictness == Strictness::Lenient;
        let ok = match ty {
            Ty::String => value.is_string() || (lenient && value.is_number()),
            Ty::Bool => value.is_boolean() || (lenient && matches!(value.as_i64(), Some(0 | 1))),
            Ty::I32 => integer_in(value, lenient, i64::from(i32::MIN), i64::from(i32::MAX)),
            Ty::I64 => integer_in(value, lenient, i64::MIN, i64::MAX),
            Ty::U32 => integer_in(value, lenient, 0, i64::from(u32::MAX)),
            Ty::U64 => {
                value.is_u64() || (lenient && text_number(value).is_some_and(|s| s.parse::<u64>().is_ok()))
            }
            Ty::F64 => {
                value.is_number() || (lenient && text_number(value).is_some_and(|s| s.parse::<f64>().is_ok()))
            }
            Ty::Array(item) => {
                let Some(items) = value.as_array() else {
                    return self.problem(path, format!("expected an array, found {}", kind(value)));
                };
                for (i, v) in items.iter().enumerate() {
                    self.value(item, v, &format!("{path}[{i}]"));
                }
                true
            }
            Ty::Named(r) => {
                let table = match r.scope {
                    TypeScope::Local => &self.types.local,
                    TypeScope::Group(_) => &self.types.group,
                    TypeScope::Shared => &self.types.shared,
                };
                let Some(def) = table.get(r.name.as_str()).copied() else { return };
                match &def.kind {
                    TypeKind::Struct(fields) => {
                        self.object(fields, value, path, &[]);
                        true
                    }
                    TypeKind::StringEnum(_) => value.is_string(),
                    TypeKind::IntEnum(_) => integer_in(value, lenient, i64::MIN, i64::MAX),
                }
            }
        };
        if !ok {
            self.problem(path, format!("expected {}, found {}", expected(ty), kind(value)));
        }
    }
}

fn integer_in(value: &Value, lenient: bool, min: i64, max: i64) -> bool {
    let n = value.as_i64().or_else(|| if lenient { text_number(value)?.parse().ok() } else { None });
    n.is_some_and(|n| (min..=max).contains(&n))
}

fn text_number(value: &Value) -> Option<&str> {
    value.as_str().map(str::trim)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") }
}

fn expected(ty: &Ty) -> String {
    match ty {
        Ty::String => "a string".into(),
        Ty::Bool => "a boolean".into(),
        Ty::I32 | Ty::I64 | Ty::U32 | Ty::U64 => format!("an integer ({})", crate::emit::rust_type_name(ty)),
        Ty::F64 => "a number".into(),
        Ty::Array(_) => "an array".into(),
        Ty::Named(r) => format!("a `{}`", r.name),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a fractional number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
