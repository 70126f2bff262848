//! Reading and writing values at the paths steps name: `a.b`, `*` for the one key of an object
//! that leads on (a union's variant), `[]` for each item of a list.

use serde_json::{Map, Value};

use crate::state_model::Segment;

/// The value at `path` in `value`; `None` where a step of the path is missing. Through `[]`,
/// the list of what each item has (lists inside are joined into one).
pub(crate) fn read(value: &Value, path: &[Segment]) -> Option<Value> {
    let Some((first, rest)) = path.split_first() else { return Some(value.clone()) };
    match first {
        Segment::Key(key) => read(value.as_object()?.get(*key)?, rest),
        Segment::Variant => read(variant(value.as_object()?, rest)?, rest),
        Segment::Each => {
            let mut found = Vec::new();
            for item in value.as_array()? {
                match read(item, rest) {
                    Some(Value::Array(items)) if rest.contains(&Segment::Each) => found.extend(items),
                    Some(value) => found.push(value),
                    None => {}
                }
            }
            Some(Value::Array(found))
        }
    }
}

/// The child of `object` that `rest` leads on from: the first object-valued one that has the
/// rest of the path (the first object-valued one when nothing follows).
fn variant<'v>(object: &'v Map<String, Value>, rest: &[Segment]) -> Option<&'v Value> {
    let mut objects = object.values().filter(|value| value.is_object());
    match rest.first() {
        Some(Segment::Key(next)) => {
            objects.find(|value| value.as_object().is_some_and(|inner| inner.contains_key(*next)))
        }
        _ => objects.next(),
    }
}

/// The key of `object`'s variant for `rest` (see [`variant`]).
fn variant_key(object: &Map<String, Value>, rest: &[Segment]) -> Option<String> {
    let found = variant(object, rest)?;
    object.iter().find(|(_, value)| std::ptr::eq(*value, found)).map(|(key, _)| key.clone())
}

/// Runs `change` on the slot at `path`, making the objects on the way; through `[]`, on each
/// item's slot. A `*` with no variant to follow, or a step through something that is not an
/// object, changes nothing. Returns what the last `change` returned.
pub(crate) fn change<T>(
    value: &mut Value,
    path: &[Segment],
    change: &mut impl FnMut(&mut Value) -> T,
) -> Option<T> {
    let Some((first, rest)) = path.split_first() else { return Some(change(value)) };
    if value.is_null() {
        *value = Value::Object(Map::new());
    }
    match first {
        Segment::Key(key) => {
            let object = value.as_object_mut()?;
            let slot = object.entry((*key).to_owned()).or_insert(Value::Null);
            self::change(slot, rest, change)
        }
        Segment::Variant => {
            let key = variant_key(value.as_object()?, rest)?;
            self::change(value.as_object_mut()?.get_mut(&key)?, rest, change)
        }
        Segment::Each => {
            let mut last = None;
            for item in value.as_array_mut()? {
                last = self::change(item, rest, change).or(last);
            }
            last
        }
    }
}

/// Writes `new` at `path` (see [`change`]); whether anything was written.
pub(crate) fn write(value: &mut Value, path: &[Segment], new: &Value) -> bool {
    change(value, path, &mut |slot| *slot = new.clone()).is_some()
}

/// Removes the field at `path` (through `[]`, from each item), making nothing on the way: a
/// path whose objects are missing removes nothing. Whether anything was removed.
pub(crate) fn remove(value: &mut Value, path: &[Segment]) -> bool {
    match path {
        [] => false,
        [Segment::Key(key)] => value.as_object_mut().is_some_and(|object| object.remove(*key).is_some()),
        [Segment::Key(key), rest @ ..] => value
            .as_object_mut()
            .and_then(|object| object.get_mut(*key))
            .is_some_and(|inner| remove(inner, rest)),
        [Segment::Variant, rest @ ..] => {
            let Some(key) = value.as_object().and_then(|object| variant_key(object, rest)) else {
                return false;
            };
            value
                .as_object_mut()
                .and_then(|object| object.get_mut(&key))
                .is_some_and(|inner| remove(inner, rest))
        }
        [Segment::Each, rest @ ..] => value
            .as_array_mut()
            .is_some_and(|items| items.iter_mut().fold(false, |removed, item| remove(item, rest) | removed)),
    }
}

/// Merges `new` into the object at `path`: each key of `new` over the object's, objects
/// merged in turn, anything else replaced.
pub(crate) fn merge(value: &mut Value, path: &[Segment], new: &Value) -> bool {
    change(value, path, &mut |slot| merge_into(slot, new)).is_some()
}

fn merge_into(slot: &mut Value, new: &Value) {
    match (slot, new) {
        (Value::Object(old), Value::Object(new)) => {
            for (key, value) in new {
                merge_into(old.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
        (slot, new) => *slot = new.clone(),
    }
}

/// A JSON number as an integer, whether written as one or as a string holding one (WeChat
/// writes both).
pub(crate) fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number.as_i64().or_else(|| number.as_f64().map(|f| f as i64)),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::state_model::Segment::{Each, Key, Variant};

    #[test]
    fn reads_follow_keys_variants_and_lists() {
        let card = json!({"card": {"card_type": "CASH", "cash": {"base_info": {"sku": {"quantity": 5}}}}});
        assert_eq!(
            read(&card, &[Key("card"), Variant, Key("base_info"), Key("sku"), Key("quantity")]),
            Some(json!(5))
        );
        assert_eq!(read(&card, &[Key("card"), Key("nothing")]), None);
        let list = json!({"card_list": [{"card_id": "a"}, {"card_id": "b"}, {"other": 1}]});
        assert_eq!(read(&list, &[Key("card_list"), Each, Key("card_id")]), Some(json!(["a", "b"])));
        let nested = json!({"pages": [{"cards": [{"id": 1}, {"id": 2}]}, {"cards": [{"id": 3}]}]});
        assert_eq!(
            read(&nested, &[Key("pages"), Each, Key("cards"), Each, Key("id")]),
            Some(json!([1, 2, 3]))
        );
    }

    #[test]
    fn writes_make_objects_on_the_way_and_follow_the_variant() {
        let mut card = json!({"card": {"card_type": "CASH", "cash": {"base_info": {}}}});
        assert!(write(&mut card, &[Key("card"), Variant, Key("base_info"), Key("id")], &json!("p1")));
        assert_eq!(card["card"]["cash"]["base_info"]["id"], "p1");
        let mut empty = Value::Null;
        assert!(write(&mut empty, &[Key("a"), Key("b")], &json!(1)));
        assert_eq!(empty, json!({"a": {"b": 1}}));
        assert!(!write(&mut json!({"a": 1}), &[Key("a"), Key("b")], &json!(1)), "not an object");
    }

    #[test]
    fn removals_take_the_field_and_make_nothing_on_the_way() {
        let mut merchant = json!({"merchant_id": 12, "status": "REJECTED", "reason": "blurred logo"});
        assert!(remove(&mut merchant, &[Key("reason")]));
        assert_eq!(merchant, json!({"merchant_id": 12, "status": "REJECTED"}));
        assert!(!remove(&mut merchant, &[Key("reason")]), "already gone");
        assert!(!remove(&mut merchant, &[Key("info"), Key("reason")]), "no object on the way");
        assert_eq!(merchant, json!({"merchant_id": 12, "status": "REJECTED"}), "nothing made");
        let mut card =
            json!({"card": {"card_type": "CASH", "cash": {"base_info": {"id": "p1", "title": "t"}}}});
        assert!(remove(&mut card, &[Key("card"), Variant, Key("base_info"), Key("id")]));
        assert_eq!(card, json!({"card": {"card_type": "CASH", "cash": {"base_info": {"title": "t"}}}}));
        let mut list = json!({"items": [{"a": 1, "b": 2}, {"b": 3}, 4]});
        assert!(remove(&mut list, &[Key("items"), Each, Key("a")]));
        assert_eq!(list, json!({"items": [{"b": 2}, {"b": 3}, 4]}));
        assert!(!remove(&mut list, &[]), "an empty path names no field");
    }

    #[test]
    fn merges_go_key_by_key() {
        let mut card = json!({"base_info": {"title": "old", "sku": {"quantity": 3}}, "kept": true});
        assert!(merge(&mut card, &[], &json!({"base_info": {"title": "new"}})));
        assert_eq!(card, json!({"base_info": {"title": "new", "sku": {"quantity": 3}}, "kept": true}));
    }

    #[test]
    fn integers_are_read_from_numbers_and_strings() {
        assert_eq!(integer(&json!(3)), Some(3));
        assert_eq!(integer(&json!("42")), Some(42));
        assert_eq!(integer(&json!("x")), None);
    }
}
