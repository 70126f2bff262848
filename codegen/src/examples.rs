//! Checking example JSON against the resolved types.
//!
//! Request examples are checked strictly, because the tests round-trip them through the
//! generated request types: every field known, every value of exactly its type, every
//! required field present (a nullable one too: the client sends it, `null` until set).
//! Response examples are checked the way the generated types decode: numbers written as
//! strings and strings written as numbers are accepted, and a nullable field may be left out.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::model::{Direction, Field, Ty, TypeDef, TypeKind, TypeRef, TypeScope, Union, UnionLayout};

/// Named types an example may reach: the operation's own and the shared ones.
pub(crate) struct TypeLookup<'a> {
    /// Types local to the operation.
    pub(crate) local: HashMap<&'a str, &'a TypeDef>,
    /// Types of the operation's group.
    pub(crate) group: HashMap<&'a str, &'a TypeDef>,
    /// Shared types.
    pub(crate) shared: HashMap<&'a str, &'a TypeDef>,
}

impl<'a> TypeLookup<'a> {
    /// The definition a reference names, if it resolved.
    pub(crate) fn get(&self, r: &TypeRef) -> Option<&'a TypeDef> {
        let table = match r.scope {
            TypeScope::Local => &self.local,
            TypeScope::Group(_) => &self.group,
            TypeScope::Shared => &self.shared,
        };
        table.get(r.name.as_str()).copied()
    }
}

/// How closely values must match their declared types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Strictness {
    /// Exactly the declared JSON type, no nulls.
    Exact,
    /// What the generated types accept when decoding.
    Lenient,
}

/// One way an example does not fit its type: where (a JSON path such as `card.gift.title`,
/// empty for the top level) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mismatch {
    /// JSON path of the value.
    pub(crate) path: String,
    /// What is wrong with it.
    pub(crate) message: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            write!(f, "the top level: {}", self.message)
        } else {
            write!(f, "`{}`: {}", self.path, self.message)
        }
    }
}

/// The problems of `value` as an object with `fields`. `implicit` names extra keys the object
/// may have (`errcode`, `errmsg`).
pub(crate) fn check_object(
    fields: &[Field],
    value: &Value,
    implicit: &[&str],
    strictness: Strictness,
    types: &TypeLookup<'_>,
) -> Vec<Mismatch> {
    let mut checker = Checker { types, strictness, problems: Vec::new() };
    checker.object(fields, value, "", implicit);
    checker.problems
}

struct Checker<'a, 'b> {
    types: &'a TypeLookup<'b>,
    strictness: Strictness,
    problems: Vec<Mismatch>,
}

impl Checker<'_, '_> {
    fn problem(&mut self, path: &str, message: impl std::fmt::Display) {
        self.problems.push(Mismatch { path: path.to_owned(), message: message.to_string() });
    }

    fn object(&mut self, fields: &[Field], value: &Value, path: &str, implicit: &[&str]) {
        let Some(map) = value.as_object() else {
            return self.problem(path, format!("expected an object, found {}", kind(value)));
        };
        let Some(known) = self.fields_in(fields, map, path) else { return };
        for key in map.keys() {
            if !known.contains(key) && !implicit.contains(&key.as_str()) {
                self.problem(&join(path, key), "not a field of this type in the spec");
            }
        }
    }

    /// Checks `fields` in `map`; returns the keys they account for, or `None` when any key
    /// may stand there (an unknown union tag in a response).
    fn fields_in(&mut self, fields: &[Field], map: &Map<String, Value>, path: &str) -> Option<Vec<String>> {
        let strict = self.strictness == Strictness::Exact;
        let mut known = Vec::new();
        for field in fields {
            if field.flatten {
                let union = match &field.ty {
                    Ty::Named(r) => match self.types.get(r).map(|t| &t.kind) {
                        Some(TypeKind::Union(union)) => union,
                        _ => continue,
                    },
                    _ => continue,
                };
                known.extend(self.union_in(union, map, path)?);
                continue;
            }
            known.push(field.wire.clone());
            known.extend(field.aliases.iter().cloned());
            let child = join(path, &field.wire);
            let found = std::iter::once(&field.wire).chain(&field.aliases).find_map(|name| map.get(name));
            // What one direction never carries is never missing from it, and a request must
            // not send what only WeChat assigns.
            let expected_here = match field.only {
                Some(Direction::Response) => !strict,
                Some(Direction::Request) => strict,
                None => true,
            };
            match found {
                Some(_) if strict && field.only == Some(Direction::Response) => {
                    self.problem(&child, "WeChat answers this field; a request must not send it")
                }
                // The client always sends a required nullable field (`null` until set), and
                // decodes its absence from an answer as empty.
                None if field.required && field.nullable && strict && expected_here => self.problem(
                    &child,
                    "required field is missing; the client always sends a nullable one (`null` until set), \
                     so a request example carries it",
                ),
                None if field.required && !field.nullable && expected_here => {
                    self.problem(&child, "required field is missing")
                }
                None => {}
                Some(Value::Null) if field.nullable || (!field.required && !strict) => {}
                Some(v) => {
                    self.value(&field.ty, v, &child);
                    self.limits(field, v, &child);
                }
            }
        }
        Some(known)
    }

    /// Checks the union whose keys sit in `map`; returns the keys it accounts for, or `None`
    /// when its tag is unknown and the example is a response (the object is kept whole).
    fn union_in(&mut self, union: &Union, map: &Map<String, Value>, path: &str) -> Option<Vec<String>> {
        let strict = self.strictness == Strictness::Exact;
        let tag_path = join(path, &union.tag);
        let mut known = vec![union.tag.clone()];
        let tag = match map.get(&union.tag) {
            Some(Value::String(tag)) => tag.clone(),
            Some(Value::Number(n)) if !strict => n.to_string(),
            Some(other) => {
                self.problem(&tag_path, format!("expected a string, found {}", kind(other)));
                return Some(known);
            }
            None => {
                self.problem(&tag_path, "the union's tag is missing");
                return Some(known);
            }
        };
        let Some(selected) = union.variants.iter().find(|v| v.tag == tag) else {
            if strict {
                let tags: Vec<String> = union.variants.iter().map(|v| format!("\"{}\"", v.tag)).collect();
                self.problem(
                    &tag_path,
                    format!("\"{tag}\" is not a tag of the spec; expected one of {}", tags.join(", ")),
                );
                return Some(known);
            }
            return None;
        };
        for other in union.variants.iter().filter(|v| v.tag != tag) {
            let Some(first) = other.key.first() else { continue };
            if selected.key.first() != Some(first) && map.contains_key(first) {
                self.problem(
                    &join(path, first),
                    format!(
                        "holds the variant of `{}` = \"{}\", but `{}` is \"{tag}\"",
                        union.tag, other.tag, union.tag
                    ),
                );
                known.push(first.clone());
            }
        }
        let variant = self.types.get(&selected.ty)?;
        match (union.layout, &variant.kind) {
            (UnionLayout::Sibling, _) => {
                let mut at = path.to_owned();
                let mut value = Some(map as &Map<String, Value>);
                let mut found = None;
                for (i, key) in selected.key.iter().enumerate() {
                    at = join(&at, key);
                    let next = value.and_then(|m| m.get(key));
                    if i + 1 == selected.key.len() {
                        found = next;
                    } else {
                        value = next.and_then(Value::as_object);
                    }
                }
                if let Some(first) = selected.key.first() {
                    known.push(first.clone());
                }
                match found {
                    Some(found) => self.value(&Ty::Named(selected.ty.clone()), found, &at),
                    None => self.problem(&at, format!("`{}` is \"{tag}\", which needs this key", union.tag)),
                }
            }
            (UnionLayout::Internal, TypeKind::Struct(fields)) => {
                known.extend(self.fields_in(fields, map, path)?)
            }
            (UnionLayout::Internal, _) => {}
        }
        Some(known)
    }

    /// The limits of `field` that `value` breaks.
    fn limits(&mut self, field: &Field, value: &Value, path: &str) {
        let c = &field.constraints;
        if let Some(text) = value.as_str() {
            let (chars, bytes) = (text.chars().count() as u64, text.len() as u64);
            if c.max_length.is_some_and(|max| chars > max) || c.min_length.is_some_and(|min| chars < min) {
                self.problem(path, format!("{chars} characters, outside the limits of the spec"));
            }
            if let Some(max) = c.max_bytes.filter(|max| bytes > *max) {
                self.problem(path, format!("{bytes} bytes of UTF-8, over the spec's max_bytes = {max}"));
            }
        }
        if let Some(n) = value.as_i64()
            && (c.minimum.is_some_and(|min| n < min) || c.maximum.is_some_and(|max| n > max))
        {
            self.problem(path, format!("{n} is outside the limits of the spec"));
        }
        if let Some(items) = value.as_array() {
            let count = items.len() as u64;
            if c.max_items.is_some_and(|max| count > max) || c.min_items.is_some_and(|min| count < min) {
                self.problem(path, format!("{count} items, outside the limits of the spec"));
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
            Ty::Map(item) => {
                let Some(entries) = value.as_object() else {
                    return self.problem(path, format!("expected an object, found {}", kind(value)));
                };
                for (key, v) in entries {
                    self.value(item, v, &join(path, key));
                }
                true
            }
            Ty::Json => true,
            Ty::Named(r) => {
                let Some(def) = self.types.get(r) else { return };
                match &def.kind {
                    TypeKind::Struct(fields) => {
                        self.object(fields, value, path, &[]);
                        true
                    }
                    TypeKind::StringEnum(_) => value.is_string(),
                    TypeKind::IntEnum(_) => integer_in(value, lenient, i64::MIN, i64::MAX),
                    TypeKind::Union(union) => {
                        let Some(map) = value.as_object() else {
                            return self.problem(path, format!("expected an object, found {}", kind(value)));
                        };
                        if let Some(known) = self.union_in(union, map, path) {
                            for key in map.keys().filter(|k| !known.contains(k)) {
                                self.problem(&join(path, key), "not a key of this union in the spec");
                            }
                        }
                        true
                    }
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
        Ty::I32 | Ty::I64 | Ty::U32 | Ty::U64 => {
            format!("an integer ({})", ty.scalar_name().unwrap_or_default())
        }
        Ty::F64 => "a number".into(),
        Ty::Array(_) => "an array".into(),
        Ty::Map(_) => "an object".into(),
        Ty::Json => "any JSON".into(),
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
