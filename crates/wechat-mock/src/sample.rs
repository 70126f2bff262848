//! Values that fit a schema: a success answer for an operation whose spec has no success
//! example, and valid request bodies for tests that walk every operation.

use serde_json::{Map, Value};

use crate::spec_table::{Field, Operation, Ty, TypeKind};

/// Nesting beyond which objects are left empty and arrays hold nothing, so a type that
/// contains itself still gives a finite value.
const MAX_DEPTH: usize = 12;

/// An object holding every required field of `fields` with a value of its type: strings
/// `mock_<field>`, numbers 1, booleans false, arrays of one element, enums their first value.
/// Lenient fields (`lenient_in_mock`) are held too, optional or not, so the mock has nothing to
/// warn about.
pub fn sample_object(fields: &[Field]) -> Map<String, Value> {
    object(fields, 0)
}

/// A JSON request body `operation` accepts: [`sample_object`] of its fields, with its
/// constant fields (e.g. `"action": "get_url"`) at their values.
pub fn sample_request(operation: &Operation) -> Map<String, Value> {
    let mut body = sample_object(operation.request);
    for (name, value) in operation.fixed_body {
        body.insert((*name).to_owned(), Value::from(*value));
    }
    body
}

fn object(fields: &[Field], depth: usize) -> Map<String, Value> {
    let mut map = Map::new();
    if depth > MAX_DEPTH {
        return map;
    }
    for field in fields.iter().filter(|f| f.required || f.lenient) {
        map.insert(field.name.to_owned(), value(field.ty, field.name, depth + 1));
    }
    map
}

fn value(ty: Ty, name: &str, depth: usize) -> Value {
    match ty {
        Ty::String => Value::String(format!("mock_{name}")),
        Ty::Bool => Value::Bool(false),
        Ty::I32 | Ty::I64 | Ty::U32 | Ty::U64 => Value::from(1),
        Ty::F64 => Value::from(1.0),
        Ty::Array(_) if depth > MAX_DEPTH => Value::Array(Vec::new()),
        Ty::Array(item) => Value::Array(vec![value(*item, name, depth + 1)]),
        Ty::Named(named) => match named.kind {
            TypeKind::Object(fields) => Value::Object(object(fields, depth)),
            TypeKind::StringEnum(values) => Value::from(values.first().copied().unwrap_or_default()),
            TypeKind::IntEnum(values) => Value::from(values.first().copied().unwrap_or_default()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec_table::{NamedType, operations};
    use crate::validate::{check_body, check_constants};

    static NODE: NamedType = NamedType {
        name: "Node",
        kind: TypeKind::Object(&[
            Field { name: "label", ty: Ty::String, required: true, lenient: false },
            Field { name: "children", ty: Ty::Array(&Ty::Named(&NODE)), required: true, lenient: false },
            Field { name: "note", ty: Ty::String, required: false, lenient: false },
        ]),
    };

    #[test]
    fn samples_pass_validation_for_every_operation() {
        for op in operations() {
            let body = Value::Object(sample_request(op));
            assert_eq!(check_body(op.request, &body), Ok(Vec::new()), "{}: nothing to warn about", op.name);
            assert_eq!(check_constants(op.fixed_body, &body), Ok(()), "{}", op.name);
            let answer = Value::Object(sample_object(op.response));
            assert_eq!(check_body(op.response, &answer), Ok(Vec::new()), "{}", op.name);
        }
    }

    #[test]
    fn a_type_that_contains_itself_gives_a_finite_valid_value() {
        let fields = [Field { name: "root", ty: Ty::Named(&NODE), required: true, lenient: false }];
        let sample = Value::Object(sample_object(&fields));
        assert_eq!(sample["root"]["label"], "mock_label");
        assert!(sample["root"].get("note").is_none());
        assert!(sample.to_string().len() < 10_000);
    }
}
