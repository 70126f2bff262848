//! Fields of a query string, a request body, a response or an object type.

use std::collections::HashMap;

use crate::diagnostic::Diagnostics;
use crate::format::{self, Entries, Located};
use crate::model::{Direction, Field, FieldRule, FileField, FixedParam, Limits, Ty};
use crate::names;
use crate::resolve::scope::{Scope, resolve_type_name};
use crate::source::SourceFile;

/// Where a list of fields sits, which decides the keys it may use.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum FieldPlace {
    /// `[query]` parameters the caller supplies.
    Query,
    /// Top-level `[request]` fields: constants allowed, and files when the body is multipart.
    Request { multipart: bool },
    /// The fields of named object types, which requests may hold.
    Object,
    /// Fields no request of the client sends: `[response]`, a resource's records, a user
    /// action's params and answer. As `Object`, except that they take no rules
    /// (`required_when`, `required_unless`, `one_of`).
    Unsent,
}

/// One field of a list, resolved to what it becomes.
pub(super) enum Resolved {
    /// An ordinary field of the Rust type.
    Field(Field),
    /// A body field always sent with the same value.
    Constant(FixedParam),
    /// A file part of a multipart body.
    File(FileField),
}

/// The ordinary fields of a list whose place allows nothing else.
pub(super) fn plain_fields(resolved: Vec<Resolved>) -> Vec<Field> {
    resolved
        .into_iter()
        .filter_map(|r| match r {
            Resolved::Field(field) => Some(field),
            Resolved::Constant(_) | Resolved::File(_) => None,
        })
        .collect()
}

pub(super) fn resolve_fields(
    file: &SourceFile,
    entries: &Entries<format::Field>,
    scope: &Scope<'_>,
    place: FieldPlace,
    problems: &mut Diagnostics,
) -> Vec<Resolved> {
    let mut fields = Vec::new();
    let mut idents: HashMap<String, &str> = HashMap::new();
    for (key, def) in &entries.0 {
        let def = &def.value;
        let Some(ident) = names::snake(&key.value) else {
            problems.error(
                file,
                key.span,
                format!("field name `{}` cannot become a Rust identifier", key.value),
            );
            continue;
        };
        if ident == "new" || ident == "build" {
            problems.error(
                file,
                key.span,
                format!("a field named `{ident}` would clash with the generated `new` or builder's `build`"),
            );
            continue;
        }
        if let Some(other) = idents.insert(ident.clone(), &key.value) {
            problems.error(
                file,
                key.span,
                format!("fields `{other}` and `{}` both become the Rust name `{ident}`", key.value),
            );
            continue;
        }
        if let Some(resolved) = resolve_field(file, key, def, ident, scope, place, problems) {
            fields.push(resolved);
        }
    }
    check_rules(file, entries, &fields, problems);
    fields
}

/// One field as its place allows it: a file, a constant, or an ordinary field whose type,
/// limits, direction and rule are checked in turn.
pub(super) fn resolve_field(
    file: &SourceFile,
    key: &Located<String>,
    def: &format::Field,
    ident: String,
    scope: &Scope<'_>,
    place: FieldPlace,
    problems: &mut Diagnostics,
) -> Option<Resolved> {
    let before = problems.0.len();
    check_kind_keys(file, def, problems);
    if def.ty.value == "file" {
        return resolve_file(file, key, def, ident, place, problems);
    }
    if let Some(value) = &def.value {
        return match place {
            FieldPlace::Query | FieldPlace::Request { .. } => {
                resolve_constant(file, key, def, value, problems)
            }
            FieldPlace::Object | FieldPlace::Unsent => {
                problems.error(
                    file,
                    value.span,
                    "`value` is only allowed on [query] parameters and top-level [request] fields",
                );
                None
            }
        };
    }
    let ty = match resolve_type_name(&def.ty, def.items.as_ref(), scope) {
        Ok(ty) => ty,
        Err((span, message)) => {
            problems.error(file, span, message);
            return None;
        }
    };
    if let Some(message) = type_refusal(def, &ty, place) {
        problems.error(file, def.ty.span, message);
        return None;
    }
    let constraints = constraints(file, def, &ty, problems);
    check_direction(file, key, def, &ty, place, problems);
    let rule = field_rule(file, def, place, problems);
    check_shape_flags(file, key, def, place, problems);
    (problems.0.len() == before).then(|| {
        Resolved::Field(Field {
            wire: key.value.clone(),
            ident,
            ty,
            required: !def.optional,
            doc: def.doc.value.clone(),
            aliases: def.aliases.iter().map(|a| a.value.clone()).collect(),
            secret: def.secret,
            number_in_answers: def.number_in_answers,
            boxed: false,
            lenient: def.lenient_in_mock.as_ref().is_some_and(|l| l.value),
            flatten: def.flatten,
            only: def.only.as_ref().map(|o| o.value.into()),
            nullable: def.nullable,
            constraints,
            checks_inside: false,
            rule,
        })
    })
}

/// The keys that belong to one kind of field only: no value keys on a file or a constant,
/// no `content_type` or `max_size` but on a file.
fn check_kind_keys(file: &SourceFile, def: &format::Field, problems: &mut Diagnostics) {
    if def.ty.value == "file" || def.value.is_some() {
        let what = if def.value.is_some() { "a constant (a field with `value`)" } else { "a `file` field" };
        for (span, name) in value_keys(def) {
            problems.error(file, span, format!("`{name}` is not allowed on {what}"));
        }
    }
    if def.ty.value != "file" {
        for (span, name) in [
            (def.content_type.as_ref().map(|c| c.span), "content_type"),
            (def.max_size.as_ref().map(|m| m.span), "max_size"),
        ] {
            if let Some(span) = span {
                problems.error(file, span, format!("`{name}` is only allowed with `type = \"file\"`"));
            }
        }
    }
}

/// Why a field of type `ty` cannot be what its keys or its place make it, if it cannot.
fn type_refusal(def: &format::Field, ty: &Ty, place: FieldPlace) -> Option<&'static str> {
    let scalar = matches!(ty, Ty::String | Ty::Bool | Ty::I32 | Ty::I64 | Ty::U32 | Ty::U64);
    if def.secret && *ty != Ty::String {
        Some("`secret = true` is only allowed with `type = \"string\"`")
    } else if def.number_in_answers && !number_in_answers_applies(def, ty, place) {
        Some(
            "`number_in_answers = true` is only allowed on a `type = \"string\"` field WeChat answers \
             (not a [query] or top-level [request] field, not `only = \"request\"`)",
        )
    } else if place == FieldPlace::Query && !scalar {
        Some("query parameters must be strings, booleans or integers")
    } else if place == (FieldPlace::Request { multipart: true }) && !(scalar || *ty == Ty::F64) {
        Some("the text fields of a multipart body must be strings, booleans or numbers")
    } else {
        None
    }
}

/// A flattened field is part of its object, and a query parameter is never null.
fn check_shape_flags(
    file: &SourceFile,
    key: &Located<String>,
    def: &format::Field,
    place: FieldPlace,
    problems: &mut Diagnostics,
) {
    if def.flatten && (place == FieldPlace::Query || def.optional || def.nullable || def.only.is_some()) {
        problems.error(
            file,
            key.span,
            "a `flatten` field is part of its object: it cannot be in [query], `optional`, `nullable` or `only`",
        );
    }
    if def.nullable && place == FieldPlace::Query {
        problems.error(file, key.span, "a query parameter cannot be `nullable`");
    }
}

/// True where `number_in_answers` can say something: a string WeChat answers.
fn number_in_answers_applies(def: &format::Field, ty: &Ty, place: FieldPlace) -> bool {
    let answered = match place {
        FieldPlace::Query | FieldPlace::Request { .. } => false,
        FieldPlace::Object | FieldPlace::Unsent => {
            def.only.as_ref().map(|o| Direction::from(o.value)) != Some(Direction::Request)
        }
    };
    *ty == Ty::String && answered
}

/// The keys that shape an ordinary field's value, with where each was written.
fn value_keys(def: &format::Field) -> Vec<(crate::source::Span, &'static str)> {
    let flags =
        [(def.flatten, "flatten"), (def.nullable, "nullable"), (def.number_in_answers, "number_in_answers")];
    let limits = [
        (&def.min_length, "min_length"),
        (&def.max_length, "max_length"),
        (&def.max_bytes, "max_bytes"),
        (&def.minimum, "minimum"),
        (&def.maximum, "maximum"),
        (&def.min_items, "min_items"),
        (&def.max_items, "max_items"),
    ];
    flags
        .into_iter()
        .filter(|(set, _)| *set)
        .map(|(_, name)| (def.ty.span, name))
        .chain(def.only.as_ref().map(|o| (o.span, "only")))
        .chain(limits.into_iter().filter_map(|(limit, name)| limit.as_ref().map(|l| (l.span, name))))
        .chain(rule_keys(def).map(|(rule, name)| (rule.span, name)))
        .collect()
}

/// The keys of a field that give it a rule, with their values, in the order of the format.
fn rule_keys(def: &format::Field) -> impl Iterator<Item = (&Located<String>, &'static str)> {
    [
        (&def.required_when, "required_when"),
        (&def.required_unless, "required_unless"),
        (&def.one_of, "one_of"),
    ]
    .into_iter()
    .filter_map(|(rule, name)| rule.as_ref().map(|r| (r, name)))
}

/// The rule that ties the field to its siblings, when a key gives it one, and what the field
/// itself must be for it: optional, sent in a request's JSON, a key of its own. Whether the
/// sibling or the set makes sense is known once the whole object is resolved (`check_rules`).
fn field_rule(
    file: &SourceFile,
    def: &format::Field,
    place: FieldPlace,
    problems: &mut Diagnostics,
) -> Option<FieldRule> {
    let mut keys = rule_keys(def);
    let (value, name) = keys.next()?;
    for (other, other_name) in keys {
        problems.error(
            file,
            other.span,
            format!("`{other_name}` and `{name}` on one field: a field takes one rule at most"),
        );
    }
    let refused = match place {
        FieldPlace::Query => Some("is not allowed on a [query] parameter; rules tie fields of a JSON body"),
        FieldPlace::Request { multipart: true } => {
            Some("is not allowed in a multipart body; rules tie fields of a JSON body")
        }
        FieldPlace::Unsent => Some(
            "is only allowed on [request] fields and fields of named object types: rules say what \
             WeChat refuses in a request, and these fields are never sent",
        ),
        FieldPlace::Request { multipart: false } | FieldPlace::Object => None,
    }
    .or_else(|| def.flatten.then_some("is not allowed on a `flatten` field: it has no key of its own"))
    .or_else(|| {
        (def.only.as_ref().map(|o| Direction::from(o.value)) == Some(Direction::Response))
            .then_some("is not allowed on an `only = \"response\"` field: a request never sends it")
    })
    .or_else(|| {
        (!def.optional)
            .then_some("is only allowed on an `optional = true` field: a required one is always required")
    })
    .or_else(|| value.value.trim().is_empty().then_some("needs a name"));
    if let Some(why) = refused {
        problems.error(file, value.span, format!("`{name}` {why}"));
        return None;
    }
    let value = value.value.clone();
    Some(match name {
        "required_when" => FieldRule::RequiredWhen(value),
        "required_unless" => FieldRule::RequiredUnless(value),
        _ => FieldRule::OneOf(value),
    })
}

/// The rules of one object's fields, which need the whole object: a `required_when` or
/// `required_unless` names another field of it that a request sends, and a `one_of` set has
/// two fields or more. Fields that did not resolve have their own problems and are not
/// reported again.
fn check_rules(
    file: &SourceFile,
    entries: &Entries<format::Field>,
    fields: &[Resolved],
    problems: &mut Diagnostics,
) {
    let resolved = |name: &str| {
        fields.iter().find_map(|r| match r {
            Resolved::Field(field) if field.wire == name => Some(field),
            _ => None,
        })
    };
    for (key, def) in &entries.0 {
        let Some(rule) = resolved(&key.value).and_then(|f| f.rule.as_ref()) else { continue };
        let Some((value, name)) = rule_keys(&def.value).next() else { continue };
        let error = match rule {
            FieldRule::RequiredWhen(sibling) | FieldRule::RequiredUnless(sibling) => {
                let written = entries.0.iter().find(|(k, _)| k.value == *sibling).map(|(_, d)| &d.value);
                match (written, resolved(sibling)) {
                    _ if *sibling == key.value => {
                        Some(format!("`{name}` names the field itself; name a sibling"))
                    }
                    (None, _) => {
                        Some(format!("`{name}` names `{sibling}`, which is not a field of this object"))
                    }
                    (Some(written), _) if written.value.is_some() => Some(format!(
                        "`{name}` names `{sibling}`, a constant: it is always sent, so the rule would never change"
                    )),
                    (Some(_), Some(field)) if field.flatten => Some(format!(
                        "`{name}` names `{sibling}`, a `flatten` field, which has no key of its own"
                    )),
                    (Some(_), Some(field)) if field.only == Some(Direction::Response) => Some(format!(
                        "`{name}` names `{sibling}`, which WeChat only answers: a request never sends it"
                    )),
                    _ => None,
                }
            }
            FieldRule::OneOf(set) => {
                let members = entries
                    .0
                    .iter()
                    .filter(|(_, d)| d.value.one_of.as_ref().is_some_and(|o| o.value == *set))
                    .count();
                (members < 2).then(|| {
                    format!("the `one_of` set `{set}` has only this field; a set needs two fields or more")
                })
            }
        };
        if let Some(error) = error {
            problems.error(file, value.span, error);
        }
    }
}

/// The limits a field declares, each checked against the field's type.
fn constraints(file: &SourceFile, def: &format::Field, ty: &Ty, problems: &mut Diagnostics) -> Limits {
    let is_string = *ty == Ty::String;
    let is_number = matches!(ty, Ty::I32 | Ty::I64 | Ty::U32 | Ty::U64 | Ty::F64);
    let is_array = matches!(ty, Ty::Array(_));
    let mut count = |limit: &Option<Located<i64>>, name: &str, applies: bool, kind: &str| {
        let limit = limit.as_ref()?;
        if !applies {
            problems.error(file, limit.span, format!("`{name}` only applies to {kind}"));
            return None;
        }
        match u64::try_from(limit.value) {
            Ok(n) => Some(n),
            Err(_) => {
                problems.error(file, limit.span, format!("`{name}` must be zero or more"));
                None
            }
        }
    };
    let min_length = count(&def.min_length, "min_length", is_string, "strings");
    let max_length = count(&def.max_length, "max_length", is_string, "strings");
    let max_bytes = count(&def.max_bytes, "max_bytes", is_string, "strings");
    let min_items = count(&def.min_items, "min_items", is_array, "arrays");
    let max_items = count(&def.max_items, "max_items", is_array, "arrays");
    let mut bound = |limit: &Option<Located<i64>>, name: &str| {
        let limit = limit.as_ref()?;
        if !is_number {
            problems.error(file, limit.span, format!("`{name}` only applies to numbers"));
            return None;
        }
        if let Some((low, high)) = integer_range(ty)
            && !(low..=high).contains(&i128::from(limit.value))
        {
            let (scalar, value) = (ty.scalar_name().unwrap_or_default(), limit.value);
            problems.error(
                file,
                limit.span,
                format!("`{name}` = {value} is outside the range of `{scalar}`, {low} to {high}"),
            );
            return None;
        }
        Some(limit.value)
    };
    let minimum = bound(&def.minimum, "minimum");
    let maximum = bound(&def.maximum, "maximum");
    for (low, high, span, what) in [
        (min_length.map(|n| n as i128), max_length.map(|n| n as i128), &def.max_length, "max_length"),
        (min_items.map(|n| n as i128), max_items.map(|n| n as i128), &def.max_items, "max_items"),
        (minimum.map(i128::from), maximum.map(i128::from), &def.maximum, "maximum"),
    ] {
        if let (Some(low), Some(high), Some(span)) = (low, high, span)
            && low > high
        {
            problems.error(file, span.span, format!("`{what}` is below its lower limit"));
        }
    }
    Limits { min_length, max_length, max_bytes, minimum, maximum, min_items, max_items }
}

/// The smallest and largest value of an integer type; `None` for other types.
fn integer_range(ty: &Ty) -> Option<(i128, i128)> {
    match ty {
        Ty::I32 => Some((i32::MIN.into(), i32::MAX.into())),
        Ty::I64 => Some((i64::MIN.into(), i64::MAX.into())),
        Ty::U32 => Some((0, u32::MAX.into())),
        Ty::U64 => Some((0, u64::MAX.into())),
        _ => None,
    }
}

/// `only` must fit where the field is: a response-only field is not sent, so it cannot be a
/// top-level request field, and the reverse; a request-only field decodes as its empty value
/// when absent from an answer, so it needs one.
fn check_direction(
    file: &SourceFile,
    key: &Located<String>,
    def: &format::Field,
    ty: &Ty,
    place: FieldPlace,
    problems: &mut Diagnostics,
) {
    let Some(only) = &def.only else { return };
    match (Direction::from(only.value), place) {
        (Direction::Response, FieldPlace::Query | FieldPlace::Request { .. }) => problems.error(
            file,
            only.span,
            "a top-level [request] or [query] field is sent; it cannot be `only = \"response\"`",
        ),
        (Direction::Request, FieldPlace::Query | FieldPlace::Request { .. }) => problems.error(
            file,
            only.span,
            "[request] and [query] fields are request-only already; `only` is for fields of shared types",
        ),
        (Direction::Request, FieldPlace::Object | FieldPlace::Unsent)
            if !def.optional && matches!(ty, Ty::Named(_)) =>
        {
            problems.error(
                file,
                key.span,
                "a required `only = \"request\"` field of a named type cannot be decoded from an answer \
                 that leaves it out; make it optional",
            )
        }
        _ => {}
    }
}

/// A field with a fixed `value`: always sent, never set by the caller.
pub(super) fn resolve_constant(
    file: &SourceFile,
    key: &Located<String>,
    def: &format::Field,
    value: &Located<String>,
    problems: &mut Diagnostics,
) -> Option<Resolved> {
    let before = problems.0.len();
    if def.ty.value != "string" || def.items.is_some() {
        problems.error(file, def.ty.span, "a constant (a field with `value`) must have `type = \"string\"`");
    }
    if def.optional {
        problems.error(
            file,
            key.span,
            "a constant (a field with `value`) is always sent; it cannot be `optional`",
        );
    }
    if !def.aliases.is_empty() {
        problems.error(file, key.span, "a constant (a field with `value`) cannot have `aliases`");
    }
    if def.secret {
        problems.error(
            file,
            key.span,
            "a constant (a field with `value`) is written in the spec; it cannot be `secret`",
        );
    }
    (problems.0.len() == before).then(|| {
        Resolved::Constant(FixedParam {
            name: key.value.clone(),
            value: value.value.clone(),
            doc: def.doc.value.clone(),
        })
    })
}

/// A `type = "file"` field: a file part of a multipart body.
pub(super) fn resolve_file(
    file: &SourceFile,
    key: &Located<String>,
    def: &format::Field,
    ident: String,
    place: FieldPlace,
    problems: &mut Diagnostics,
) -> Option<Resolved> {
    if place != (FieldPlace::Request { multipart: true }) {
        problems.error(
            file,
            def.ty.span,
            "`type = \"file\"` is only allowed in [request] of an endpoint with `body = \"multipart\"`",
        );
        return None;
    }
    let before = problems.0.len();
    for (span, name) in [
        (def.items.as_ref().map(|i| i.span), "items"),
        (def.value.as_ref().map(|v| v.span), "value"),
        (def.aliases.first().map(|a| a.span), "aliases"),
    ] {
        if let Some(span) = span {
            problems.error(file, span, format!("`{name}` is not allowed with `type = \"file\"`"));
        }
    }
    let content_type = match &def.content_type {
        Some(ct) if is_media_type(&ct.value) => Some(ct.value.clone()),
        Some(ct) => {
            problems.error(
                file,
                ct.span,
                format!("`{}` is not a media type such as `application/pdf`", ct.value),
            );
            None
        }
        None => {
            problems.error(file, key.span, "a `file` field needs `content_type`, e.g. `application/pdf`");
            None
        }
    };
    let max_size = match &def.max_size {
        Some(size) if size.value > 0 => u64::try_from(size.value).ok(),
        Some(size) => {
            problems.error(file, size.span, "`max_size` must be a positive number of bytes");
            None
        }
        None => {
            problems.error(file, key.span, "a `file` field needs `max_size`, in bytes");
            None
        }
    };
    let (Some(content_type), Some(max_size)) = (content_type, max_size) else { return None };
    (problems.0.len() == before).then(|| {
        Resolved::File(FileField {
            wire: key.value.clone(),
            ident,
            doc: def.doc.value.clone(),
            content_type,
            max_size,
            required: !def.optional,
            lenient: def.lenient_in_mock.as_ref().is_some_and(|l| l.value),
        })
    })
}

/// `type/subtype` with the characters RFC 6838 allows in each half.
pub(super) fn is_media_type(text: &str) -> bool {
    let token = |part: &str| {
        !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
    };
    matches!(text.split_once('/'), Some((kind, sub)) if token(kind) && token(sub))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{operation, operation_problems};
    use crate::model::{Direction, FieldRule, Limits, Ty, TypeKind};

    #[test]
    fn a_field_carries_its_keys_and_limits_into_the_model() {
        let op = operation(
            r#"[request]
cardId = { type = "string", doc = "Card.", aliases = ["card"], secret = true, min_length = 1, max_bytes = 32 }
ids = { type = "array", items = "u32", doc = "Ids.", optional = true, min_items = 0, max_items = 5 }
fee = { type = "i64", doc = "Fee.", nullable = true, minimum = -5, maximum = 5 }
"#,
        );
        let [card, ids, fee] = &op.request[..] else { panic!("three fields: {:?}", op.request) };
        assert_eq!((card.wire.as_str(), card.ident.as_str()), ("cardId", "card_id"));
        assert_eq!((card.required, card.secret, &card.aliases[..]), (true, true, &["card".to_owned()][..]));
        assert_eq!(card.constraints, Limits { min_length: Some(1), max_bytes: Some(32), ..Limits::NONE });
        assert_eq!((&ids.ty, ids.required), (&Ty::Array(Box::new(Ty::U32)), false));
        assert_eq!(ids.constraints, Limits { min_items: Some(0), max_items: Some(5), ..Limits::NONE });
        assert!(fee.nullable);
        assert_eq!((fee.constraints.minimum, fee.constraints.maximum), (Some(-5), Some(5)));
    }

    #[test]
    fn limits_must_fit_the_type_and_each_other() {
        let problems = operation_problems(
            r#"[response]
a = { type = "string", doc = "A.", min_length = -1 }
b = { type = "u32", doc = "B.", max_bytes = 4 }
c = { type = "string", doc = "C.", min_length = 5, max_length = 4 }
d = { type = "array", items = "string", doc = "D.", min_items = 2, max_items = 1 }
"#,
        );
        assert_eq!(
            problems,
            [
                "spec/demo/op.toml:8:49: `min_length` must be zero or more",
                "spec/demo/op.toml:9:45: `max_bytes` only applies to strings",
                "spec/demo/op.toml:10:65: `max_length` is below its lower limit",
                "spec/demo/op.toml:11:80: `max_items` is below its lower limit",
            ]
        );
    }

    #[test]
    fn an_integer_limit_must_be_a_value_of_the_type() {
        let problems = operation_problems(
            r#"[response]
a = { type = "u32", doc = "A.", minimum = -1, maximum = 4294967296 }
b = { type = "u64", doc = "B.", minimum = -1 }
c = { type = "i32", doc = "C.", minimum = -2147483649, maximum = 2147483648 }
d = { type = "u32", doc = "D.", minimum = 5, maximum = 99999999999 }
"#,
        );
        assert_eq!(
            problems,
            [
                "spec/demo/op.toml:8:43: `minimum` = -1 is outside the range of `u32`, 0 to 4294967295",
                "spec/demo/op.toml:8:57: `maximum` = 4294967296 is outside the range of `u32`, 0 to 4294967295",
                "spec/demo/op.toml:9:43: `minimum` = -1 is outside the range of `u64`, 0 to 18446744073709551615",
                "spec/demo/op.toml:10:43: `minimum` = -2147483649 is outside the range of `i32`, -2147483648 to \
                 2147483647",
                "spec/demo/op.toml:10:66: `maximum` = 2147483648 is outside the range of `i32`, -2147483648 to \
                 2147483647",
                // Refused for its range only: not also as below the lower limit.
                "spec/demo/op.toml:11:56: `maximum` = 99999999999 is outside the range of `u32`, 0 to 4294967295",
            ]
        );

        // Each type's own bounds are limits it accepts, and a float takes any integer.
        let op = operation(
            r#"[response]
a = { type = "u32", doc = "A.", minimum = 0, maximum = 4294967295 }
b = { type = "u64", doc = "B.", minimum = 0, maximum = 9223372036854775807 }
c = { type = "i32", doc = "C.", minimum = -2147483648, maximum = 2147483647 }
d = { type = "i64", doc = "D.", minimum = -9223372036854775808, maximum = 9223372036854775807 }
e = { type = "f64", doc = "E.", minimum = -9223372036854775808, maximum = 9223372036854775807 }
"#,
        );
        let limits: Vec<(Option<i64>, Option<i64>)> =
            op.response.iter().map(|f| (f.constraints.minimum, f.constraints.maximum)).collect();
        assert_eq!(
            limits,
            [
                (Some(0), Some(4_294_967_295)),
                (Some(0), Some(i64::MAX)),
                (Some(-2_147_483_648), Some(2_147_483_647)),
                (Some(i64::MIN), Some(i64::MAX)),
                (Some(i64::MIN), Some(i64::MAX)),
            ]
        );
    }

    #[test]
    fn only_must_fit_where_the_field_is() {
        let op = operation(
            r#"response.thing = { type = "Thing", doc = "T." }
[types.Thing]
doc = "T."
fields.id = { type = "string", doc = "Id.", only = "response" }
fields.tag = { type = "Tag", doc = "Tag.", optional = true, only = "request" }
[types.Tag]
doc = "Tag."
fields.a = { type = "string", doc = "A." }
"#,
        );
        let TypeKind::Struct(fields) = &op.types[0].kind else { panic!("an object") };
        assert_eq!(
            fields.iter().map(|f| f.only).collect::<Vec<_>>(),
            [Some(Direction::Response), Some(Direction::Request)]
        );

        let problems = operation_problems(
            r#"request.a = { type = "string", doc = "A.", only = "request" }
response.thing = { type = "Thing", doc = "T." }
[types.Thing]
doc = "T."
fields.tag = { type = "Tag", doc = "Tag.", only = "request" }
[types.Tag]
doc = "Tag."
fields.a = { type = "string", doc = "A." }
"#,
        );
        assert_eq!(
            problems,
            [
                "spec/demo/op.toml:7:52: [request] and [query] fields are request-only already; `only` is for \
                 fields of shared types",
                "spec/demo/op.toml:11:8: a required `only = \"request\"` field of a named type cannot be decoded \
                 from an answer that leaves it out; make it optional",
            ]
        );
    }

    #[test]
    fn query_parameters_cannot_be_nullable_or_flatten() {
        let problems = operation_problems(
            r#"[query]
flag = { type = "bool", doc = "F.", nullable = true }
[request]
pick = { type = "Pick", doc = "P.", flatten = true, optional = true }
[types.Pick]
doc = "P."
union.tag = "kind"
union.variants = [{ tag = "A", type = "A", doc = "A." }]
[types.A]
doc = "A."
fields.a = { type = "string", doc = "A." }
"#,
        );
        assert_eq!(
            problems,
            [
                "spec/demo/op.toml:8:1: a query parameter cannot be `nullable`",
                "spec/demo/op.toml:10:1: a `flatten` field is part of its object: it cannot be in [query], \
                 `optional`, `nullable` or `only`",
            ]
        );
    }

    #[test]
    fn constants_and_files_refuse_the_keys_of_ordinary_fields() {
        let problems = operation_problems(
            "body = \"multipart\"\n[request]\n\
             kind = { type = \"string\", value = \"k\", doc = \"K.\", max_length = 3, aliases = [\"k\"] }\n\
             pdf = { type = \"file\", content_type = \"application/pdf\", max_size = 9, doc = \"P.\", nullable = true, aliases = [\"p\"] }\n",
        );
        assert_eq!(
            problems,
            [
                "spec/demo/op.toml:9:1: a constant (a field with `value`) cannot have `aliases`",
                "spec/demo/op.toml:9:65: `max_length` is not allowed on a constant (a field with `value`)",
                // Flags have no place of their own: they are located at the field's type.
                "spec/demo/op.toml:10:17: `nullable` is not allowed on a `file` field",
                "spec/demo/op.toml:10:113: `aliases` is not allowed with `type = \"file\"`",
            ]
        );
    }

    #[test]
    fn rules_carry_into_the_model_and_stay_out_of_multipart_bodies() {
        let op = operation(
            r#"[request]
page_id = { type = "string", optional = true, one_of = "page", doc = "P." }
all = { type = "bool", optional = true, one_of = "page", doc = "A." }
class = { type = "string", optional = true, required_unless = "all", doc = "C." }
seat = { type = "string", optional = true, required_when = "class", doc = "S." }
"#,
        );
        assert_eq!(
            op.request.iter().map(|f| f.rule.clone()).collect::<Vec<_>>(),
            [
                Some(FieldRule::OneOf("page".to_owned())),
                Some(FieldRule::OneOf("page".to_owned())),
                Some(FieldRule::RequiredUnless("all".to_owned())),
                Some(FieldRule::RequiredWhen("class".to_owned())),
            ]
        );
        let problems = operation_problems(
            "body = \"multipart\"\n[request]\n\
             pdf = { type = \"file\", content_type = \"application/pdf\", max_size = 9, doc = \"P.\", one_of = \"x\" }\n\
             a = { type = \"string\", optional = true, one_of = \"x\", doc = \"A.\" }\n\
             b = { type = \"string\", optional = true, one_of = \"x\", doc = \"B.\" }\n",
        );
        assert_eq!(
            problems,
            [
                "spec/demo/op.toml:9:94: `one_of` is not allowed on a `file` field",
                "spec/demo/op.toml:10:51: `one_of` is not allowed in a multipart body; rules tie fields of a JSON body",
                "spec/demo/op.toml:11:51: `one_of` is not allowed in a multipart body; rules tie fields of a JSON body",
            ]
        );
    }

    #[test]
    fn a_media_type_is_two_tokens_around_a_slash() {
        for good in ["application/pdf", "image/svg+xml", "application/vnd.ms-excel"] {
            assert!(super::is_media_type(good), "{good}");
        }
        for bad in ["pdf", "/pdf", "application/", "text/plain; charset=utf-8", "a/b/c"] {
            assert!(!super::is_media_type(bad), "{bad}");
        }
    }
}
