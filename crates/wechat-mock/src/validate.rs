//! Checking a request against its operation's schema, the way WeChat refuses bodies with
//! 47001 "data format error": the first field that is missing or of the wrong type, named
//! by its JSON path.
//!
//! The check is strict where the client's decoding is lenient: a number written as a string
//! is refused, because the mock is there to catch requests WeChat may refuse. Fields the
//! schema does not know are ignored, as WeChat ignores them.

use serde_json::{Map, Value};

use crate::spec_table::{Field, Limits, NamedType, Ty, TypeKind, Union};

/// Why a request does not match its schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("[{}] {problem}", if path.is_empty() { "(body)" } else { path })]
pub struct SchemaError {
    /// JSON path of the offending value, e.g. `card_ext.user_card.invoice_user_data.fee`;
    /// empty for the body as a whole.
    pub path: String,
    /// What is wrong, e.g. `expected integer`.
    pub problem: String,
}

impl SchemaError {
    pub(crate) fn new(path: &str, problem: impl Into<String>) -> Self {
        Self { path: path.to_owned(), problem: problem.into() }
    }
}

/// What a check let pass only because the spec marks the field `lenient_in_mock`: each a
/// problem the mock would otherwise refuse the request for.
pub type Warnings = Vec<SchemaError>;

/// Checks a JSON request body against the fields of an object; the problems of lenient fields
/// come back as warnings, the first other problem as the error.
pub fn check_body(fields: &[Field], body: &Value) -> Result<Warnings, SchemaError> {
    let mut warnings = Warnings::new();
    check_object(fields, body, "", Way::Request, &mut warnings)?;
    Ok(warnings)
}

/// Checks a JSON answer (or an object the mock is to answer with) against the fields of an
/// object, as [`check_body`] checks a request except where an answer differs: it may carry
/// what WeChat assigns (`only = "response"`), and may leave out a nullable field, which the
/// client decodes as empty.
pub fn check_answer(fields: &[Field], answer: &Value) -> Result<Warnings, SchemaError> {
    let mut warnings = Warnings::new();
    check_object(fields, answer, "", Way::Answer, &mut warnings)?;
    Ok(warnings)
}

/// Which way a checked body travels, which decides what it may leave out or carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Way {
    /// To WeChat: a request.
    Request,
    /// From WeChat: an answer.
    Answer,
}

/// A problem of a lenient field becomes a warning; any other stays an error.
fn settle(
    field: &Field,
    checked: Result<(), SchemaError>,
    warnings: &mut Warnings,
) -> Result<(), SchemaError> {
    match checked {
        Err(problem) if field.lenient => {
            warnings.push(problem);
            Ok(())
        }
        other => other,
    }
}

/// Checks that a JSON body carries each constant field with its value, e.g. getpdf's
/// `"action": "get_url"`.
pub fn check_constants(constants: &[(&str, &str)], body: &Value) -> Result<(), SchemaError> {
    for (name, value) in constants {
        match body.get(name) {
            Some(Value::String(sent)) if sent == value => {}
            None => return Err(SchemaError::new(name, "missing")),
            Some(_) => return Err(SchemaError::new(name, format!("expected {value:?}"))),
        }
    }
    Ok(())
}

/// Checks query parameters (besides `access_token` and the fixed ones) against their fields;
/// lenient fields' problems come back as warnings.
pub fn check_query(fields: &[Field], query: &[(String, String)]) -> Result<Warnings, SchemaError> {
    check_texts(fields, query, "query.")
}

/// Checks named texts (query parameters, or the text parts of a multipart body) against their
/// fields; `prefix` starts every path in a problem, e.g. `query.`.
pub(crate) fn check_texts(
    fields: &[Field],
    texts: &[(String, String)],
    prefix: &str,
) -> Result<Warnings, SchemaError> {
    let mut warnings = Warnings::new();
    for field in fields {
        let path = format!("{prefix}{}", field.name);
        let checked = match texts.iter().find(|(name, _)| name == field.name) {
            None if field.required || field.lenient => Err(SchemaError::new(&path, "missing")),
            None => Ok(()),
            Some((_, text)) => check_query_value(field.ty, text, &path),
        };
        settle(field, checked, &mut warnings)?;
    }
    Ok(warnings)
}

fn check_query_value(ty: Ty, text: &str, path: &str) -> Result<(), SchemaError> {
    let ok = match ty {
        Ty::String => true,
        Ty::Bool => matches!(text, "true" | "false"),
        Ty::I32 => text.parse::<i32>().is_ok(),
        Ty::I64 => text.parse::<i64>().is_ok(),
        Ty::U32 => text.parse::<u32>().is_ok(),
        Ty::U64 => text.parse::<u64>().is_ok(),
        // The generator refuses other query types; a text is all a query can hold anyway.
        Ty::F64 | Ty::Array(_) | Ty::Map(_) | Ty::Json | Ty::Named(_) => text.parse::<f64>().is_ok(),
    };
    if ok { Ok(()) } else { Err(SchemaError::new(path, format!("expected {}", expected(ty)))) }
}

fn check_object(
    fields: &[Field],
    value: &Value,
    path: &str,
    way: Way,
    warnings: &mut Warnings,
) -> Result<(), SchemaError> {
    let Some(map) = value.as_object() else {
        return Err(SchemaError::new(path, format!("expected object, found {}", kind(value))));
    };
    check_fields(fields, map, path, way, warnings)
}

fn check_fields(
    fields: &[Field],
    map: &Map<String, Value>,
    path: &str,
    way: Way,
    warnings: &mut Warnings,
) -> Result<(), SchemaError> {
    for field in fields {
        if field.flatten {
            if let Ty::Named(NamedType { kind: TypeKind::Union(union), .. }) = field.ty {
                settle(field, check_union(union, map, path, way, warnings), warnings)?;
            }
            continue;
        }
        let child = join(path, field.name);
        let checked = match map.get(field.name) {
            Some(_) if field.answered_only && way == Way::Request => {
                Err(SchemaError::new(&child, "WeChat assigns this field; a request cannot set it"))
            }
            None if field.answered_only => Ok(()),
            Some(Value::Null) if field.nullable => Ok(()),
            // The client decodes a nullable field's absence from an answer as empty; it always
            // sends one in a request (`null` until set), so a request without it is refused.
            None if field.nullable && way == Way::Answer => Ok(()),
            // An optional field sent as null is as good as left out; a lenient one is checked
            // as if it were required.
            None | Some(Value::Null) if !field.required && !field.lenient => Ok(()),
            None | Some(Value::Null) if !field.required => Err(SchemaError::new(&child, "missing")),
            None => Err(SchemaError::new(&child, "missing")),
            Some(value) => check_value(field.ty, value, &child, way, warnings)
                .and_then(|()| check_limits(&field.limits, value, &child)),
        };
        settle(field, checked, warnings)?;
    }
    Ok(())
}

/// The union held in `map`: a known tag, its variant where the tag says, and no other
/// variant's key beside it (a `GIFT` card with a `cash` body is refused).
fn check_union(
    union: &Union,
    map: &Map<String, Value>,
    path: &str,
    way: Way,
    warnings: &mut Warnings,
) -> Result<(), SchemaError> {
    let tag_path = join(path, union.tag);
    let tag = match map.get(union.tag) {
        Some(Value::String(tag)) => tag.as_str(),
        Some(other) => {
            return Err(SchemaError::new(&tag_path, format!("expected string, found {}", kind(other))));
        }
        None => return Err(SchemaError::new(&tag_path, "missing")),
    };
    let Some(case) = union.variants.iter().find(|c| c.tag == tag) else {
        let tags: Vec<&str> = union.variants.iter().map(|c| c.tag).collect();
        return Err(SchemaError::new(
            &tag_path,
            format!("unknown value {tag:?}; expected one of {}", quoted(&tags)),
        ));
    };
    for other in union.variants.iter().filter(|c| c.tag != tag) {
        if let Some(first) = other.key.first()
            && case.key.first() != Some(first)
            && map.contains_key(*first)
        {
            return Err(SchemaError::new(
                &join(path, first),
                format!("holds the variant of {} {:?}, but {} is {tag:?}", union.tag, other.tag, union.tag),
            ));
        }
    }
    let fields = match case.ty.kind {
        TypeKind::Object(fields) => fields,
        _ => &[],
    };
    if union.internal {
        return check_fields(fields, map, path, way, warnings);
    }
    let mut at = path.to_owned();
    let mut value = None;
    let mut inside = map;
    for key in case.key {
        at = join(&at, key);
        value = inside.get(*key);
        match value {
            Some(Value::Object(next)) => inside = next,
            Some(_) => break,
            None => return Err(SchemaError::new(&at, format!("missing: {} is {tag:?}", union.tag))),
        }
    }
    match value {
        Some(value) => check_object(fields, value, &at, way, warnings),
        None => Err(SchemaError::new(&at, "missing")),
    }
}

/// A value within the limits the docs state: lengths in characters, as WeChat counts them.
fn check_limits(limits: &Limits, value: &Value, path: &str) -> Result<(), SchemaError> {
    let outside = |what: String| Err(SchemaError::new(path, what));
    if let Some(text) = value.as_str() {
        let chars = text.chars().count() as u64;
        let bytes = text.len() as u64;
        if let Some(max) = limits.max_bytes.filter(|max| bytes > *max) {
            return outside(format!("longer than {max} bytes of UTF-8 ({bytes})"));
        }
        if let Some(max) = limits.max_length.filter(|max| chars > *max) {
            return outside(format!("longer than {max} characters ({chars})"));
        }
        if let Some(min) = limits.min_length.filter(|min| chars < *min) {
            return outside(format!("shorter than {min} characters ({chars})"));
        }
    }
    if let Some(n) = value.as_f64() {
        if let Some(min) = limits.minimum.filter(|min| n < *min as f64) {
            return outside(format!("below the minimum {min}"));
        }
        if let Some(max) = limits.maximum.filter(|max| n > *max as f64) {
            return outside(format!("above the maximum {max}"));
        }
    }
    if let Some(items) = value.as_array() {
        let count = items.len() as u64;
        if let Some(max) = limits.max_items.filter(|max| count > *max) {
            return outside(format!("more than {max} items ({count})"));
        }
        if let Some(min) = limits.min_items.filter(|min| count < *min) {
            return outside(format!("fewer than {min} items ({count})"));
        }
    }
    Ok(())
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") }
}

fn check_value(
    ty: Ty,
    value: &Value,
    path: &str,
    way: Way,
    warnings: &mut Warnings,
) -> Result<(), SchemaError> {
    let fits = match ty {
        Ty::String => value.is_string(),
        Ty::Bool => value.is_boolean(),
        Ty::I32 => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        Ty::I64 => value.is_i64(),
        Ty::U32 => value.as_u64().is_some_and(|n| u32::try_from(n).is_ok()),
        Ty::U64 => value.is_u64(),
        Ty::F64 => value.is_number(),
        Ty::Array(item) => {
            let Some(items) = value.as_array() else {
                return Err(mismatch(ty, value, path));
            };
            for (i, element) in items.iter().enumerate() {
                check_value(*item, element, &format!("{path}[{i}]"), way, warnings)?;
            }
            return Ok(());
        }
        Ty::Map(item) => {
            let Some(entries) = value.as_object() else {
                return Err(mismatch(ty, value, path));
            };
            for (key, element) in entries {
                check_value(*item, element, &join(path, key), way, warnings)?;
            }
            return Ok(());
        }
        Ty::Json => true,
        Ty::Named(named) => return check_named(named, value, path, way, warnings),
    };
    if fits { Ok(()) } else { Err(mismatch(ty, value, path)) }
}

fn check_named(
    named: &NamedType,
    value: &Value,
    path: &str,
    way: Way,
    warnings: &mut Warnings,
) -> Result<(), SchemaError> {
    match named.kind {
        TypeKind::Object(fields) => check_object(fields, value, path, way, warnings),
        TypeKind::StringEnum(values) => match value.as_str() {
            Some(text) if values.contains(&text) => Ok(()),
            _ => Err(SchemaError::new(path, format!("expected one of {}", quoted(values)))),
        },
        TypeKind::IntEnum(values) => match value.as_i64() {
            Some(n) if values.contains(&n) => Ok(()),
            _ => {
                let listed: Vec<String> = values.iter().map(i64::to_string).collect();
                Err(SchemaError::new(path, format!("expected one of {}", listed.join(", "))))
            }
        },
        TypeKind::Union(union) => match value.as_object() {
            Some(map) => check_union(&union, map, path, way, warnings),
            None => Err(SchemaError::new(path, format!("expected object, found {}", kind(value)))),
        },
    }
}

fn mismatch(ty: Ty, value: &Value, path: &str) -> SchemaError {
    SchemaError::new(path, format!("expected {}, found {}", expected(ty), kind(value)))
}

fn expected(ty: Ty) -> &'static str {
    match ty {
        Ty::String => "string",
        Ty::Bool => "boolean",
        Ty::I32 => "integer (32-bit)",
        Ty::I64 => "integer",
        Ty::U32 => "unsigned integer (32-bit)",
        Ty::U64 => "unsigned integer",
        Ty::F64 => "number",
        Ty::Array(_) => "array",
        Ty::Map(_) => "object",
        Ty::Json => "any JSON",
        Ty::Named(named) => match named.kind {
            TypeKind::Object(_) | TypeKind::Union(_) => "object",
            TypeKind::StringEnum(_) => "string",
            TypeKind::IntEnum(_) => "integer",
        },
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "fraction",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn quoted(values: &[&str]) -> String {
    values.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    static LEVEL: NamedType = NamedType { name: "Level", kind: TypeKind::IntEnum(&[0, 1]) };
    static COLOR: NamedType = NamedType { name: "Color", kind: TypeKind::StringEnum(&["red", "blue"]) };
    static ITEM: NamedType = NamedType {
        name: "Item",
        kind: TypeKind::Object(&[
            Field { name: "name", ty: Ty::String, required: true, ..Field::PLAIN },
            Field { name: "num", ty: Ty::U32, required: false, ..Field::PLAIN },
            Field { name: "level", ty: Ty::Named(&LEVEL), required: false, ..Field::PLAIN },
        ]),
    };
    static FIELDS: &[Field] = &[
        Field { name: "id", ty: Ty::String, required: true, ..Field::PLAIN },
        Field { name: "fee", ty: Ty::I64, required: true, ..Field::PLAIN },
        Field { name: "small", ty: Ty::I32, required: false, ..Field::PLAIN },
        Field { name: "ratio", ty: Ty::F64, required: false, ..Field::PLAIN },
        Field { name: "on", ty: Ty::Bool, required: false, ..Field::PLAIN },
        Field { name: "color", ty: Ty::Named(&COLOR), required: false, ..Field::PLAIN },
        Field { name: "items", ty: Ty::Array(&Ty::Named(&ITEM)), required: false, ..Field::PLAIN },
        Field { name: "tags", ty: Ty::Array(&Ty::String), required: false, ..Field::PLAIN },
    ];

    fn problem(body: Value) -> String {
        check_body(FIELDS, &body).map_or_else(
            |e| e.to_string(),
            |w| if w.is_empty() { "ok".to_owned() } else { format!("warned {w:?}") },
        )
    }

    #[test]
    fn valid_bodies_pass() {
        assert_eq!(problem(json!({"id": "a", "fee": -5})), "ok");
        let full = json!({
            "id": "a", "fee": 1, "small": 7, "ratio": 0.5, "on": true, "color": "blue",
            "items": [{"name": "x", "num": 2, "level": 1}], "tags": ["t"], "unknown": {"ignored": 1},
            "num": null,
        });
        assert_eq!(problem(full), "ok");
        assert_eq!(problem(json!({"id": "a", "fee": 1, "small": null})), "ok");
    }

    #[test]
    fn every_mismatch_is_named_by_its_path() {
        assert_eq!(problem(json!([1])), "[(body)] expected object, found array");
        assert_eq!(problem(json!({"fee": 1})), "[id] missing");
        assert_eq!(problem(json!({"id": "a", "fee": "1"})), "[fee] expected integer, found string");
        assert_eq!(problem(json!({"id": "a", "fee": 1.5})), "[fee] expected integer, found fraction");
        assert_eq!(problem(json!({"id": null, "fee": 1})), "[id] expected string, found null");
        assert_eq!(
            problem(json!({"id": "a", "fee": 1, "small": 3_000_000_000_i64})),
            "[small] expected integer (32-bit), found integer"
        );
        assert_eq!(problem(json!({"id": "a", "fee": 1, "on": 1})), "[on] expected boolean, found integer");
        assert_eq!(
            problem(json!({"id": "a", "fee": 1, "color": "green"})),
            "[color] expected one of \"red\", \"blue\""
        );
        assert_eq!(
            problem(json!({"id": "a", "fee": 1, "items": {}})),
            "[items] expected array, found object"
        );
        assert_eq!(
            problem(json!({"id": "a", "fee": 1, "items": [{"name": "x"}, {"num": 1}]})),
            "[items[1].name] missing"
        );
        assert_eq!(
            problem(json!({"id": "a", "fee": 1, "items": [{"name": "x", "num": -1}]})),
            "[items[0].num] expected unsigned integer (32-bit), found integer"
        );
        assert_eq!(
            problem(json!({"id": "a", "fee": 1, "items": [{"name": "x", "level": 2}]})),
            "[items[0].level] expected one of 0, 1"
        );
        assert_eq!(
            problem(json!({"id": "a", "fee": 1, "tags": [1]})),
            "[tags[0]] expected string, found integer"
        );
    }

    static LENIENT_ITEM: NamedType = NamedType {
        name: "LenientItem",
        kind: TypeKind::Object(&[
            Field { name: "name", ty: Ty::String, required: true, ..Field::PLAIN },
            Field { name: "unit", ty: Ty::String, required: true, lenient: true, ..Field::PLAIN },
        ]),
    };
    static DISPUTED: &[Field] = &[
        Field { name: "id", ty: Ty::String, required: true, ..Field::PLAIN },
        Field { name: "buyer", ty: Ty::String, required: false, lenient: true, ..Field::PLAIN },
        Field { name: "code", ty: Ty::I64, required: true, lenient: true, ..Field::PLAIN },
        Field { name: "items", ty: Ty::Array(&Ty::Named(&LENIENT_ITEM)), required: false, ..Field::PLAIN },
    ];

    fn warnings(body: Value) -> Result<Vec<String>, String> {
        check_body(DISPUTED, &body)
            .map(|w| w.iter().map(ToString::to_string).collect())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn lenient_fields_warn_where_others_refuse() {
        let full = json!({"id": "a", "buyer": "b", "code": 1, "items": [{"name": "n", "unit": "u"}]});
        assert_eq!(warnings(full), Ok(vec![]));
        assert_eq!(
            warnings(json!({"id": "a", "items": [{"name": "n"}, {"name": "m", "unit": 3}]})),
            Ok(vec![
                "[buyer] missing".to_owned(),
                "[code] missing".to_owned(),
                "[items[0].unit] missing".to_owned(),
                "[items[1].unit] expected string, found integer".to_owned(),
            ]),
            "an optional lenient field is checked as if required; every problem is kept"
        );
        assert_eq!(
            warnings(json!({"id": "a", "buyer": null, "code": "1"})),
            Ok(vec!["[buyer] missing".to_owned(), "[code] expected integer, found string".to_owned()])
        );
        assert_eq!(warnings(json!({"buyer": "b", "code": 1})), Err("[id] missing".to_owned()));
        assert_eq!(
            warnings(json!({"id": "a", "code": 1, "items": [{"unit": "u"}]})),
            Err("[items[0].name] missing".to_owned()),
            "a strict field inside is still refused"
        );

        let texts = [Field { name: "page", ty: Ty::U32, required: false, lenient: true, ..Field::PLAIN }];
        let query = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
        };
        let warned = |q: &[(&str, &str)]| check_query(&texts, &query(q)).map(|w| w.len());
        assert_eq!((warned(&[("page", "1")]), warned(&[]), warned(&[("page", "x")])), (Ok(0), Ok(1), Ok(1)));
    }

    #[test]
    fn constants_must_be_sent_with_their_value() {
        let constants = [("action", "get_url")];
        assert_eq!(check_constants(&constants, &json!({"action": "get_url", "x": 1})), Ok(()));
        let problem = |body: Value| check_constants(&constants, &body).unwrap_err().to_string();
        assert_eq!(problem(json!({"x": 1})), "[action] missing");
        assert_eq!(problem(json!({"action": "get_pdf"})), "[action] expected \"get_url\"");
        assert_eq!(problem(json!({"action": 1})), "[action] expected \"get_url\"");
    }

    #[test]
    fn query_parameters_are_checked_as_text() {
        let fields = [
            Field { name: "type", ty: Ty::U32, required: true, ..Field::PLAIN },
            Field { name: "flag", ty: Ty::Bool, required: false, ..Field::PLAIN },
        ];
        let query = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
        };
        assert_eq!(check_query(&fields, &query(&[("type", "1"), ("flag", "true")])), Ok(Vec::new()));
        assert_eq!(check_query(&fields, &query(&[])).unwrap_err().to_string(), "[query.type] missing");
        assert_eq!(
            check_query(&fields, &query(&[("type", "-1")])).unwrap_err().to_string(),
            "[query.type] expected unsigned integer (32-bit)"
        );
        assert!(check_query(&fields, &query(&[("type", "1"), ("flag", "yes")])).is_err());
    }

    static USER: NamedType = NamedType {
        name: "User",
        kind: TypeKind::Object(&[
            Field { name: "name", ty: Ty::String, required: true, nullable: true, ..Field::PLAIN },
            Field { name: "id", ty: Ty::String, required: true, answered_only: true, ..Field::PLAIN },
        ]),
    };
    /// A required nullable field at the top and inside an object.
    static NULLABLE: &[Field] = &[
        Field { name: "bonus", ty: Ty::I64, required: true, nullable: true, ..Field::PLAIN },
        Field { name: "user", ty: Ty::Named(&USER), required: true, ..Field::PLAIN },
    ];

    #[test]
    fn an_answer_may_leave_out_a_nullable_field_a_request_may_not() {
        let answer = |body: Value| check_answer(NULLABLE, &body).map_err(|e| e.to_string());
        let request = |body: Value| check_body(NULLABLE, &body).map_err(|e| e.to_string());
        // The client decodes the absence as empty, as it does `null`.
        assert_eq!(answer(json!({"user": {}})), Ok(Vec::new()));
        assert_eq!(answer(json!({"bonus": null, "user": {"name": null, "id": "u1"}})), Ok(Vec::new()));
        assert_eq!(
            answer(json!({"bonus": "x", "user": {}})),
            Err("[bonus] expected integer, found string".into())
        );
        assert_eq!(answer(json!({"bonus": 1})), Err("[user] missing".into()), "not nullable");
        // The client always sends it, `null` until set; WeChat assigns `id`.
        assert_eq!(request(json!({"bonus": null, "user": {"name": null}})), Ok(Vec::new()));
        assert_eq!(request(json!({"user": {"name": "n"}})), Err("[bonus] missing".into()));
        assert_eq!(request(json!({"bonus": 1, "user": {}})), Err("[user.name] missing".into()));
        assert_eq!(
            request(json!({"bonus": 1, "user": {"name": "n", "id": "u1"}})),
            Err("[user.id] WeChat assigns this field; a request cannot set it".into())
        );
    }
}
