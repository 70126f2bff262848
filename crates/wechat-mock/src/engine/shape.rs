//! Answers shaped as the spec's response says: a record copied into a response field keeps
//! the fields its type declares only, a number held for a `string` field is answered as its
//! decimal text (unless the field is `number_in_answers`, which WeChat answers as a number),
//! and a required field no step set is taken from the success example (or a sample of its
//! type), so every answer decodes.

use serde_json::{Map, Value};

use crate::sample::sample_value;
use crate::spec_table::{Field, Schema, Ty, TypeKind};

/// `value` with only what `ty` declares, all the way down, a number where a string is
/// declared written as its text; `types` holds the named types `ty` refers to.
pub(crate) fn shaped(types: &Schema<'_>, value: &Value, ty: Ty) -> Value {
    match (ty, value) {
        (Ty::String, Value::Number(number)) => Value::String(number.to_string()),
        (Ty::Named(id), Value::Object(object)) => match types.object(id) {
            Some(fields) => Value::Object(shaped_object(types, object, fields)),
            None => value.clone(),
        },
        (Ty::Array(item), Value::Array(items)) => {
            Value::Array(items.iter().map(|v| shaped(types, v, item.ty())).collect())
        }
        _ => value.clone(),
    }
}

/// The fields of `object` that `fields` declare, each shaped; a flattened union's keys are
/// kept whole.
pub(crate) fn shaped_object<'a>(
    types: &Schema<'a>,
    object: &Map<String, Value>,
    fields: &[Field<'a>],
) -> Map<String, Value> {
    let mut kept = Map::new();
    for field in fields {
        if field.flatten {
            if let Ty::Named(id) = field.ty
                && let Some(TypeKind::Union(union)) = types.get(id).map(|t| &t.kind)
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
            let value = match value {
                Value::Number(_) if field.number_in_answers => value.clone(),
                _ => shaped(types, value, field.ty),
            };
            kept.insert(field.name.to_owned(), value);
        }
    }
    kept
}

/// Fills in what `object` (an answer, or an object in it) lacks of `fields`' required ones:
/// from `example` (the same place in the success example) where it has them, else a sample
/// of the type. Objects present are completed in turn.
pub(crate) fn complete<'a>(
    types: &Schema<'a>,
    object: &mut Map<String, Value>,
    fields: &[Field<'a>],
    example: Option<&Map<String, Value>>,
) {
    for field in fields.iter().filter(|f| !f.flatten) {
        let from_example = example.and_then(|e| e.get(field.name));
        match object.get_mut(field.name) {
            None if field.required => {
                let value =
                    from_example.cloned().unwrap_or_else(|| sample_value(types, field.ty, field.name));
                object.insert(field.name.to_owned(), value);
            }
            Some(value) => complete_value(types, value, field.ty, from_example),
            None => {}
        }
    }
}

fn complete_value(types: &Schema<'_>, value: &mut Value, ty: Ty, example: Option<&Value>) {
    match (ty, value) {
        (Ty::Array(item), Value::Array(items)) => {
            let first = example.and_then(Value::as_array).and_then(|items| items.first());
            for value in items {
                complete_value(types, value, item.ty(), first);
            }
        }
        (Ty::Named(id), Value::Object(object)) => {
            if let Some(fields) = types.object(id) {
                complete(types, object, fields, example.and_then(Value::as_object));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use std::borrow::Cow;

    use super::*;
    use crate::spec_table::{Item, NamedType, TypeId};

    const CODE_CARD: TypeId = TypeId(0);

    static TYPES: Schema<'static> = Schema::new(&[NamedType {
        name: "CodeCard",
        kind: TypeKind::Object(Cow::Borrowed(&[
            Field { name: "card_id", ty: Ty::String, required: true, ..Field::PLAIN },
            Field { name: "begin_time", ty: Ty::I64, required: true, ..Field::PLAIN },
            Field { name: "code", ty: Ty::String, required: false, ..Field::PLAIN },
        ])),
    }]);

    const ANSWER: &[Field<'static>] = &[
        Field { name: "card", ty: Ty::Named(CODE_CARD), required: true, ..Field::PLAIN },
        Field { name: "openid", ty: Ty::String, required: true, ..Field::PLAIN },
        Field { name: "outer_str", ty: Ty::String, required: false, ..Field::PLAIN },
    ];

    #[test]
    fn records_keep_what_the_type_declares() {
        let record = json!({"card_id": "p1", "begin_time": 1, "status": "NORMAL", "created": 5});
        assert_eq!(shaped(&TYPES, &record, Ty::Named(CODE_CARD)), json!({"card_id": "p1", "begin_time": 1}));
        let list = json!([record.clone(), record]);
        let kept = json!([{"card_id": "p1", "begin_time": 1}, {"card_id": "p1", "begin_time": 1}]);
        assert_eq!(shaped(&TYPES, &list, Ty::Array(Item::Named(CODE_CARD))), kept);
        // A type the table does not hold keeps the value as it is.
        assert_eq!(shaped(&Schema::EMPTY, &list, Ty::Array(Item::Named(CODE_CARD))), list);
    }

    #[test]
    fn numbers_held_for_strings_are_answered_as_text_unless_wechat_answers_numbers() {
        // A ledger keeps counts as numbers for its arithmetic; the answer declares strings.
        let record = json!({"card_id": 271262077, "begin_time": 1, "code": 12.5});
        let answer = shaped(&TYPES, &record, Ty::Named(CODE_CARD));
        assert_eq!(answer, json!({"card_id": "271262077", "begin_time": 1, "code": "12.5"}));
        let strings = json!([1, "2"]);
        assert_eq!(shaped(&TYPES, &strings, Ty::Array(Item::String)), json!(["1", "2"]));
        // `number_in_answers`: WeChat answers this string field as a number, and so does the mock.
        let fields = [
            Field { name: "merchant_id", ty: Ty::String, number_in_answers: true, ..Field::PLAIN },
            Field { name: "openid", ty: Ty::String, ..Field::PLAIN },
        ];
        let object = json!({"merchant_id": 12, "openid": 7});
        let kept = Value::Object(shaped_object(&TYPES, object.as_object().expect("an object"), &fields));
        assert_eq!(kept, json!({"merchant_id": 12, "openid": "7"}));
    }

    #[test]
    fn required_fields_come_from_the_example_or_a_sample_and_optional_ones_stay_out() {
        let example = json!({"card": {"card_id": "pEXAMPLE", "begin_time": 99}, "openid": "oEXAMPLE", "outer_str": "12b"});
        let mut answer = json!({"card": {"card_id": "p1"}}).as_object().cloned().unwrap_or_default();
        complete(&TYPES, &mut answer, ANSWER, example.as_object());
        assert_eq!(
            Value::Object(answer),
            json!({"card": {"card_id": "p1", "begin_time": 99}, "openid": "oEXAMPLE"})
        );
        let mut bare = Map::new();
        complete(&TYPES, &mut bare, ANSWER, None);
        assert_eq!(bare["card"]["begin_time"], json!(1));
    }
}
