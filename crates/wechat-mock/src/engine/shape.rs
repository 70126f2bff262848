//! Answers shaped as the spec's response says: a record copied into a response field keeps
//! the fields its type declares only, and a required field no step set is taken from the
//! success example (or a sample of its type), so every answer decodes.

use serde_json::{Map, Value};

use crate::sample::sample_value;
use crate::spec_table::{Field, Ty, TypeKind};

/// `value` with only what `ty` declares, all the way down.
pub(crate) fn shaped(value: &Value, ty: Ty) -> Value {
    match (ty, value) {
        (Ty::Named(named), Value::Object(object)) => match named.kind {
            TypeKind::Object(fields) => Value::Object(shaped_object(object, fields)),
            _ => value.clone(),
        },
        (Ty::Array(item), Value::Array(items)) => {
            Value::Array(items.iter().map(|v| shaped(v, *item)).collect())
        }
        _ => value.clone(),
    }
}

/// The fields of `object` that `fields` declare, each shaped; a flattened union's keys are
/// kept whole.
pub(crate) fn shaped_object(object: &Map<String, Value>, fields: &[Field]) -> Map<String, Value> {
    let mut kept = Map::new();
    for field in fields {
        if field.flatten {
            if let Ty::Named(named) = field.ty
                && let TypeKind::Union(union) = named.kind
            {
                for (key, value) in object {
                    let variant_key = union.variants.iter().any(|v| v.key.first() == Some(&key.as_str()));
                    if key == union.tag || variant_key {
                        kept.insert(key.clone(), value.clone());
                    }
                }
            }
            continue;
        }
        if let Some(value) = object.get(field.name) {
            kept.insert(field.name.to_owned(), shaped(value, field.ty));
        }
    }
    kept
}

/// Fills in what `object` (an answer, or an object in it) lacks of `fields`' required ones:
/// from `example` (the same place in the success example) where it has them, else a sample
/// of the type. Objects present are completed in turn.
pub(crate) fn complete(
    object: &mut Map<String, Value>,
    fields: &[Field],
    example: Option<&Map<String, Value>>,
) {
    for field in fields.iter().filter(|f| !f.flatten) {
        let from_example = example.and_then(|e| e.get(field.name));
        match object.get_mut(field.name) {
            None if field.required => {
                let value = from_example.cloned().unwrap_or_else(|| sample_value(field.ty, field.name));
                object.insert(field.name.to_owned(), value);
            }
            Some(value) => complete_value(value, field.ty, from_example),
            None => {}
        }
    }
}

fn complete_value(value: &mut Value, ty: Ty, example: Option<&Value>) {
    let Ty::Named(named) = ty else {
        if let (Ty::Array(item), Value::Array(items)) = (ty, &mut *value) {
            let first = example.and_then(Value::as_array).and_then(|items| items.first());
            for value in items {
                complete_value(value, *item, first);
            }
        }
        return;
    };
    if let (TypeKind::Object(fields), Value::Object(object)) = (named.kind, value) {
        complete(object, fields, example.and_then(Value::as_object));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec_table::NamedType;

    static CODE_CARD: NamedType = NamedType {
        name: "CodeCard",
        kind: TypeKind::Object(&[
            Field { name: "card_id", ty: Ty::String, required: true, ..Field::PLAIN },
            Field { name: "begin_time", ty: Ty::I64, required: true, ..Field::PLAIN },
            Field { name: "code", ty: Ty::String, required: false, ..Field::PLAIN },
        ]),
    };

    const ANSWER: &[Field] = &[
        Field { name: "card", ty: Ty::Named(&CODE_CARD), required: true, ..Field::PLAIN },
        Field { name: "openid", ty: Ty::String, required: true, ..Field::PLAIN },
        Field { name: "outer_str", ty: Ty::String, required: false, ..Field::PLAIN },
    ];

    #[test]
    fn records_keep_what_the_type_declares() {
        let record = json!({"card_id": "p1", "begin_time": 1, "status": "NORMAL", "created": 5});
        assert_eq!(shaped(&record, Ty::Named(&CODE_CARD)), json!({"card_id": "p1", "begin_time": 1}));
        static ITEM: Ty = Ty::Named(&CODE_CARD);
        let list = json!([record.clone(), record]);
        assert_eq!(shaped(&list, Ty::Array(&ITEM)).as_array().map(Vec::len), Some(2));
    }

    #[test]
    fn required_fields_come_from_the_example_or_a_sample_and_optional_ones_stay_out() {
        let example = json!({"card": {"card_id": "pEXAMPLE", "begin_time": 99}, "openid": "oEXAMPLE", "outer_str": "12b"});
        let mut answer = json!({"card": {"card_id": "p1"}}).as_object().cloned().unwrap_or_default();
        complete(&mut answer, ANSWER, example.as_object());
        assert_eq!(
            Value::Object(answer),
            json!({"card": {"card_id": "p1", "begin_time": 99}, "openid": "oEXAMPLE"})
        );
        let mut bare = Map::new();
        complete(&mut bare, ANSWER, None);
        assert_eq!(bare["card"]["begin_time"], json!(1));
    }
}
