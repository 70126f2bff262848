//! Values that fit a schema: a success answer for an operation whose spec has no success
//! example, and valid request bodies for tests that walk every operation.

use serde_json::{Map, Value};

use crate::spec_table::{Direction, Field, Limits, Operation, Rule, Schema, Ty, TypeKind, Union};

/// Nesting beyond which objects are left empty and arrays hold nothing, so a type that
/// contains itself still gives a finite value.
const MAX_DEPTH: usize = 12;

/// An object holding every required field of `fields` with a value of its type: strings
/// `mock_<field>`, numbers 1, booleans false, arrays of one element, enums their first value.
/// Lenient fields (`lenient_in_mock`) are held too, optional or not, so the mock has nothing to
/// warn about. `types` holds the named types the fields refer to (an operation's `types`).
/// It is what a request may send: without the fields only WeChat answers (`only =
/// "response"`); the mock's own sample answers have them. It keeps the rules that tie fields together: a
/// `required_when` or `required_unless` field is held whatever its sibling, and of a `one_of`
/// set the first field is held, set (a boolean `true`), the others left out.
pub fn sample_object<'a>(types: &Schema<'a>, fields: &[Field<'a>]) -> Map<String, Value> {
    Sampler { types, direction: Direction::Request }.object(fields, 0)
}

/// An answer holding every required field of `fields`, as [`sample_object`] fills a request's,
/// but with what WeChat assigns (`only = "response"`) and without what only a request sends.
pub(crate) fn sample_answer<'a>(types: &Schema<'a>, fields: &[Field<'a>]) -> Map<String, Value> {
    Sampler { types, direction: Direction::Response }.object(fields, 0)
}

/// A JSON request body `operation` accepts: [`sample_object`] of its fields, with its
/// constant fields (e.g. `"action": "get_url"`) at their values.
pub fn sample_request(operation: &Operation) -> Map<String, Value> {
    let mut body = sample_object(operation.types, operation.request);
    for (name, value) in operation.fixed_body {
        body.insert((*name).to_owned(), Value::from(*value));
    }
    body
}

/// A value of `ty` for a field named `name` of an answer or a record the mock keeps, as
/// [`sample_answer`] fills its fields; `types` holds the named types `ty` may refer to.
pub(crate) fn sample_value<'a>(types: &Schema<'a>, ty: Ty, name: &str) -> Value {
    Sampler { types, direction: Direction::Response }.value(ty, name, 0)
}

/// Builds samples of fields whose named types `types` holds, for a body travelling in
/// `direction`: only the fields that travel that way.
struct Sampler<'s, 'a> {
    types: &'s Schema<'a>,
    direction: Direction,
}

impl<'a> Sampler<'_, 'a> {
    fn object(&self, fields: &[Field<'a>], depth: usize) -> Map<String, Value> {
        let mut map = Map::new();
        if depth > MAX_DEPTH {
            return map;
        }
        let travels = |f: &Field<'a>| f.only.is_none_or(|only| only == self.direction);
        // Rules bind requests only; an answer is sampled as its fields are declared.
        let rule = |f: &Field<'a>| if self.direction == Direction::Request { f.rule } else { None };
        let first_of = |set: &str| fields.iter().find(|f| rule(f) == Some(Rule::OneOf(set))).map(|f| f.name);
        let held = |f: &Field<'a>| match rule(f) {
            Some(Rule::RequiredWhen(_) | Rule::RequiredUnless(_)) => true,
            Some(Rule::OneOf(set)) => first_of(set) == Some(f.name),
            None => f.required || f.lenient,
        };
        for field in fields.iter().filter(|f| held(f) && travels(f)) {
            let union = match (field.flatten, field.ty) {
                (true, Ty::Named(id)) => match self.types.get(id).map(|t| &t.kind) {
                    Some(TypeKind::Union(union)) => Some(union),
                    _ => None,
                },
                _ => None,
            };
            match union {
                Some(union) => map.extend(self.union_object(union, depth)),
                None => {
                    let mut sample = within(self.value(field.ty, field.name, depth + 1), &field.limits);
                    if matches!(rule(field), Some(Rule::OneOf(_))) {
                        sample = set(sample);
                    }
                    map.insert(field.name.to_owned(), sample);
                }
            }
        }
        map
    }

    /// The union's first variant, tag and all.
    fn union_object(&self, union: &Union<'a>, depth: usize) -> Map<String, Value> {
        let mut map = Map::new();
        let Some(case) = union.variants.first() else { return map };
        let inner = self.object(self.types.object(case.ty).unwrap_or_default(), depth + 1);
        if union.internal {
            map.extend(inner);
        } else {
            let nested = case.key.iter().rev().fold(Value::Object(inner), |value, key| {
                Value::Object(Map::from_iter([((*key).to_owned(), value)]))
            });
            if let Value::Object(outer) = nested {
                map.extend(outer);
            }
        }
        map.insert(union.tag.to_owned(), Value::from(case.tag));
        map
    }

    fn value(&self, ty: Ty, name: &str, depth: usize) -> Value {
        match ty {
            Ty::String => Value::String(format!("mock_{name}")),
            Ty::Bool => Value::Bool(false),
            Ty::I32 | Ty::I64 | Ty::U32 | Ty::U64 => Value::from(1),
            Ty::F64 => Value::from(1.0),
            Ty::Array(_) if depth > MAX_DEPTH => Value::Array(Vec::new()),
            Ty::Array(item) => Value::Array(vec![self.value(item.ty(), name, depth + 1)]),
            Ty::Map(_) | Ty::Json => Value::Object(Map::new()),
            Ty::Named(id) => match self.types.get(id).map(|t| &t.kind) {
                Some(TypeKind::Object(fields)) => Value::Object(self.object(fields, depth)),
                Some(TypeKind::StringEnum(values)) => {
                    Value::from(values.first().copied().unwrap_or_default())
                }
                Some(TypeKind::IntEnum(values)) => Value::from(values.first().copied().unwrap_or_default()),
                Some(TypeKind::Union(union)) => Value::Object(self.union_object(union, depth)),
                None => Value::Null,
            },
        }
    }
}

/// A sample value that counts as set for a `one_of` set: `false`, `0` and `""` count as not set.
fn set(value: Value) -> Value {
    match value {
        Value::Bool(false) => Value::Bool(true),
        Value::Number(n) if n.as_f64() == Some(0.0) => Value::from(1),
        Value::String(text) if text.is_empty() => Value::from("x"),
        other => other,
    }
}

/// A sample value moved inside the field's limits.
fn within(value: Value, limits: &Limits) -> Value {
    match value {
        Value::String(text) => {
            let mut text: String =
                text.chars().take(limits.max_length.map_or(usize::MAX, |m| m as usize)).collect();
            while limits.max_bytes.is_some_and(|max| text.len() as u64 > max) {
                text.pop();
            }
            while (text.chars().count() as u64) < limits.min_length.unwrap_or(0) {
                text.push('x');
            }
            Value::String(text)
        }
        Value::Number(n) => match (n.as_i64(), limits.minimum, limits.maximum) {
            (Some(n), Some(min), _) if n < min => Value::from(min),
            (Some(n), _, Some(max)) if n > max => Value::from(max),
            _ => Value::Number(n),
        },
        Value::Array(mut items) => {
            items.truncate(limits.max_items.map_or(usize::MAX, |m| m as usize));
            while (items.len() as u64) < limits.min_items.unwrap_or(0) {
                match items.first().cloned() {
                    Some(first) => items.push(first),
                    None => break,
                }
            }
            Value::Array(items)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::spec_table::{Item, NamedType, TypeId, operations};
    use crate::validate::{check_answer, check_request};

    const NODE: TypeId = TypeId(0);

    static TYPES: Schema<'static> = Schema::new(&[NamedType {
        name: "Node",
        kind: TypeKind::Object(Cow::Borrowed(&[
            Field { name: "label", ty: Ty::String, required: true, ..Field::PLAIN },
            Field { name: "children", ty: Ty::Array(Item::Named(NODE)), required: true, ..Field::PLAIN },
            Field { name: "note", ty: Ty::String, required: false, ..Field::PLAIN },
        ])),
    }]);

    #[test]
    fn samples_pass_validation_for_every_operation() {
        for op in operations() {
            let body = Value::Object(sample_request(op));
            assert_eq!(check_request(op, &body), Ok(Vec::new()), "{}: nothing to warn about", op.name);
            let answer = Value::Object(sample_answer(op.types, op.response));
            assert_eq!(check_answer(op.types, op.response, &answer), Ok(Vec::new()), "{}", op.name);
        }
    }

    #[test]
    fn a_request_leaves_out_what_wechat_assigns_and_an_answer_or_record_holds_it() {
        static ISSUED: Schema<'static> = Schema::new(&[NamedType {
            name: "Issued",
            kind: TypeKind::Object(Cow::Borrowed(&[
                Field { name: "title", ty: Ty::String, required: true, ..Field::PLAIN },
                Field {
                    name: "id",
                    ty: Ty::String,
                    required: true,
                    only: Some(Direction::Response),
                    ..Field::PLAIN
                },
                Field {
                    name: "secret",
                    ty: Ty::String,
                    required: true,
                    only: Some(Direction::Request),
                    ..Field::PLAIN
                },
            ])),
        }]);
        let fields = [Field { name: "issued", ty: Ty::Named(TypeId(0)), required: true, ..Field::PLAIN }];
        let request = Value::Object(sample_object(&ISSUED, &fields));
        assert_eq!(request, serde_json::json!({"issued": {"title": "mock_title", "secret": "mock_secret"}}));
        // What an answer (or a seeded record) holds: WeChat answers the id it assigned, and
        // never what only a request sends.
        let record = sample_value(&ISSUED, Ty::Named(TypeId(0)), "issued");
        assert_eq!(record, serde_json::json!({"title": "mock_title", "id": "mock_id"}));
        assert_eq!(Value::Object(sample_answer(&ISSUED, &fields)), serde_json::json!({"issued": record}));
        assert_eq!(check_answer(&ISSUED, &fields, &serde_json::json!({"issued": record})), Ok(Vec::new()));
    }

    #[test]
    fn a_request_keeps_the_rules_an_answer_is_not_bound_by() {
        static RULED: &[Field<'static>] = &[
            Field { name: "code", ty: Ty::String, required: true, ..Field::PLAIN },
            Field {
                name: "class",
                ty: Ty::String,
                rule: Some(Rule::RequiredUnless("is_cancel")),
                ..Field::PLAIN
            },
            Field { name: "is_cancel", ty: Ty::Bool, ..Field::PLAIN },
            Field { name: "seat", ty: Ty::String, rule: Some(Rule::RequiredWhen("class")), ..Field::PLAIN },
            Field { name: "all", ty: Ty::Bool, rule: Some(Rule::OneOf("pages")), ..Field::PLAIN },
            Field { name: "page_id", ty: Ty::String, rule: Some(Rule::OneOf("pages")), ..Field::PLAIN },
        ];
        let request = Value::Object(sample_object(&Schema::EMPTY, RULED));
        assert_eq!(
            request,
            serde_json::json!({"code": "mock_code", "class": "mock_class", "seat": "mock_seat", "all": true})
        );
        assert_eq!(crate::validate::check_body(&Schema::EMPTY, RULED, &request), Ok(Vec::new()));
        assert_eq!(
            Value::Object(sample_answer(&Schema::EMPTY, RULED)),
            serde_json::json!({"code": "mock_code"})
        );
    }

    #[test]
    fn a_type_that_contains_itself_gives_a_finite_valid_value() {
        let fields = [Field { name: "root", ty: Ty::Named(NODE), required: true, ..Field::PLAIN }];
        let sample = Value::Object(sample_object(&TYPES, &fields));
        assert_eq!(sample["root"]["label"], "mock_label");
        assert!(sample["root"].get("note").is_none());
        assert!(sample.to_string().len() < 10_000);
    }
}
