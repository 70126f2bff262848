//! An endpoint's `[mock]` table: the resource wechat-mock keeps for it, checked against the
//! endpoint's own fields, types and error codes.

use crate::diagnostic::Diagnostics;
use crate::examples::TypeLookup;
use crate::format::{self, Located};
use crate::model::{Assigned, Field, MockAction, MockBehaviour, Ty, TypeKind};
use crate::names;
use crate::source::SourceFile;

/// What a `[mock]` table may refer to: the endpoint's resolved fields and every code it may
/// answer (its own, its group's and the general ones).
pub(super) struct MockShape<'a> {
    pub(super) query: &'a [Field],
    pub(super) request: &'a [Field],
    pub(super) response: &'a [Field],
    pub(super) codes: &'a [i64],
}

/// The behaviour `def` declares, or `None` after reporting what is wrong with it.
pub(super) fn resolve_mock(
    file: &SourceFile,
    def: &Located<format::MockDef>,
    shape: &MockShape<'_>,
    lookup: &TypeLookup<'_>,
    problems: &mut Diagnostics,
) -> Option<MockBehaviour> {
    let before = problems.0.len();
    let def = &def.value;
    let action = MockAction::from(def.action.value);
    let word = action_word(action);
    if !names::is_snake(&def.resource.value) {
        problems.error(
            file,
            def.resource.span,
            format!("resource `{}` must be a snake_case name, e.g. `card`", def.resource.value),
        );
    }
    let key = resolve_key(file, def, shape, problems);
    let object = resolve_object(file, def, shape, problems);

    match (action, &def.missing) {
        (MockAction::Create, Some(missing)) => problems.error(
            file,
            missing.span,
            "`missing` does not apply to `create`: a create names no resource that could be missing",
        ),
        (MockAction::Create, None) => {}
        (_, None) => problems.error(
            file,
            def.action.span,
            format!(
                "`action = \"{word}\"` needs `missing`: the errcode answered for a key the mock does not hold"
            ),
        ),
        (_, Some(missing)) if !shape.codes.contains(&missing.value) => problems.error(
            file,
            missing.span,
            format!(
                "`missing = {}` is not one of the codes this endpoint may answer (its own, its group's or \
                 the general ones); declare it in [[errors]] or in the group's errors.toml",
                missing.value
            ),
        ),
        (_, Some(_)) => {}
    }

    if let Some(status) = &def.status {
        if !matches!(action, MockAction::Create | MockAction::Update) {
            problems.error(file, status.span, "`status` applies to `create` and `update` only");
        } else if status.value.trim().is_empty() {
            problems.error(file, status.span, "`status` must not be empty");
        }
    }

    let assigned = resolve_assigned(file, def, object, lookup, problems);
    let (key, key_in_query) = key?;
    (problems.0.len() == before).then(|| MockBehaviour {
        resource: def.resource.value.clone(),
        action,
        key,
        key_in_query,
        object: object.map(|f| f.wire.clone()),
        missing: def.missing.as_ref().map(|m| m.value),
        status: def.status.as_ref().map(|s| s.value.clone()),
        assigned,
    })
}

fn action_word(action: MockAction) -> &'static str {
    match action {
        MockAction::Create => "create",
        MockAction::Read => "read",
        MockAction::Update => "update",
        MockAction::Delete => "delete",
    }
}

/// The key field's name and whether it is a query parameter.
fn resolve_key(
    file: &SourceFile,
    def: &format::MockDef,
    shape: &MockShape<'_>,
    problems: &mut Diagnostics,
) -> Option<(String, bool)> {
    let action = MockAction::from(def.action.value);
    let Some(key) = &def.key else {
        let what = match action {
            MockAction::Create => "the [response] field that answers the new resource's id",
            _ => "the [request] or [query] field that names the resource",
        };
        problems.error(
            file,
            def.action.span,
            format!("`action = \"{}\"` needs a `key`: {what}", action_word(action)),
        );
        return None;
    };
    let name = key.value.as_str();
    let found = match action {
        MockAction::Create => shape.response.iter().find(|f| f.wire == name).map(|f| (f, false)),
        _ => shape
            .request
            .iter()
            .find(|f| f.wire == name)
            .map(|f| (f, false))
            .or_else(|| shape.query.iter().find(|f| f.wire == name).map(|f| (f, true))),
    };
    let Some((field, in_query)) = found else {
        let place = match action {
            MockAction::Create => "no [response] field",
            _ => "no [request] or [query] field",
        };
        problems.error(
            file,
            key.span,
            format!("unknown resource key field `{name}`: the endpoint has {place} `{name}`"),
        );
        return None;
    };
    if field.ty != Ty::String {
        problems.error(
            file,
            key.span,
            format!("the resource key `{name}` must be a field of `type = \"string\"`: ids are strings"),
        );
        return None;
    }
    Some((name.to_owned(), in_query))
}

/// The field holding the resource's object, if one is declared and fits the action.
fn resolve_object<'s>(
    file: &SourceFile,
    def: &format::MockDef,
    shape: &MockShape<'s>,
    problems: &mut Diagnostics,
) -> Option<&'s Field> {
    let object = def.object.as_ref()?;
    let (fields, place) = match MockAction::from(def.action.value) {
        MockAction::Delete => {
            problems.error(
                file,
                object.span,
                "`object` does not apply to `delete`: nothing is stored or answered",
            );
            return None;
        }
        MockAction::Read => (shape.response, "[response]"),
        MockAction::Create | MockAction::Update => (shape.request, "[request]"),
    };
    let Some(field) = fields.iter().find(|f| f.wire == object.value) else {
        problems.error(
            file,
            object.span,
            format!(
                "unknown object field `{}`: the endpoint has no {place} field of that name",
                object.value
            ),
        );
        return None;
    };
    if def.key.as_ref().is_some_and(|k| k.value == field.wire) {
        problems.error(file, object.span, "the object field cannot also be the key");
        return None;
    }
    if !matches!(field.ty, Ty::Named(_) | Ty::Json) || field.flatten {
        problems.error(
            file,
            object.span,
            format!(
                "the object field `{}` must hold an object: a named object or union type, or `json`",
                field.wire
            ),
        );
        return None;
    }
    Some(field)
}

/// What a path inside the object leads to.
enum Leaf {
    Text,
    Integer,
    Anything,
    Other,
}

fn resolve_assigned(
    file: &SourceFile,
    def: &format::MockDef,
    object: Option<&Field>,
    lookup: &TypeLookup<'_>,
    problems: &mut Diagnostics,
) -> Vec<(Vec<String>, Assigned)> {
    let Some((first, _)) = def.assigned.0.first() else { return Vec::new() };
    let applies = MockAction::from(def.action.value) == MockAction::Read;
    let (true, Some(object)) = (applies, object) else {
        if applies && def.object.is_none() {
            problems.error(
                file,
                first.span,
                "`assigned` needs an `object`: the [response] field the paths are inside",
            );
        } else if !applies {
            problems.error(file, first.span, "`assigned` applies to `read` only");
        }
        return Vec::new();
    };
    let mut assigned = Vec::new();
    for (path, source) in &def.assigned.0 {
        let segments: Vec<&str> = path.value.split('.').collect();
        if segments.iter().any(|s| s.is_empty()) {
            problems.error(file, path.span, format!("`{}` is not a dotted path of field names", path.value));
            continue;
        }
        match walk(&object.ty, &segments, lookup) {
            Err(problem) => problems.error(file, path.span, format!("`{}`: {problem}", path.value)),
            Ok(leaf) => {
                let assigned_value = Assigned::from(source.value);
                if let Some(problem) = mismatch(&leaf, assigned_value) {
                    problems.error(file, source.span, format!("`{}` {problem}", path.value));
                    continue;
                }
                assigned.push((segments.iter().map(|s| (*s).to_owned()).collect(), assigned_value));
            }
        }
    }
    assigned
}

/// Why a field of this kind cannot hold the assigned value.
fn mismatch(leaf: &Leaf, source: Assigned) -> Option<&'static str> {
    match (leaf, source) {
        (Leaf::Anything, _)
        | (Leaf::Text, Assigned::Id | Assigned::Status)
        | (Leaf::Integer, Assigned::Created | Assigned::Updated) => None,
        (_, Assigned::Id | Assigned::Status) => Some("is not a string field; `id` and `status` are strings"),
        (_, Assigned::Created | Assigned::Updated) => {
            Some("is not an integer field; `created` and `updated` are unix seconds")
        }
    }
}

/// Follows `path` from a value of type `ty`: through object fields, the variants of a union
/// (the path must exist in at least one) and `json` (anything goes).
fn walk(ty: &Ty, path: &[&str], lookup: &TypeLookup<'_>) -> Result<Leaf, String> {
    let Some((first, rest)) = path.split_first() else {
        return Ok(leaf(ty, lookup));
    };
    let Ty::Named(reference) = ty else {
        return match ty {
            Ty::Json => Ok(Leaf::Anything),
            _ => Err(format!("`{first}` is inside a value that has no fields")),
        };
    };
    let Some(def) = lookup.get(reference) else {
        return Err(format!("the type `{}` is not known", reference.name));
    };
    match &def.kind {
        TypeKind::Struct(fields) => {
            if let Some(field) = fields.iter().find(|f| f.wire == *first && !f.flatten) {
                return walk(&field.ty, rest, lookup);
            }
            // A flattened union's keys sit in this object itself.
            for field in fields.iter().filter(|f| f.flatten) {
                if let Ok(found) = walk(&field.ty, path, lookup) {
                    return Ok(found);
                }
            }
            Err(format!("`{}` has no field `{first}`", def.name))
        }
        TypeKind::Union(union) => {
            let variants = union
                .variants
                .iter()
                .filter(|v| lookup.get(&v.ty).is_some_and(|t| matches!(t.kind, TypeKind::Struct(_))));
            for variant in variants {
                if let Ok(found) = walk(&Ty::Named(variant.ty.clone()), path, lookup) {
                    return Ok(found);
                }
            }
            Err(format!("no variant of `{}` has `{}`", def.name, path.join(".")))
        }
        TypeKind::StringEnum(_) | TypeKind::IntEnum(_) => {
            Err(format!("`{}` is an enum, which has no field `{first}`", def.name))
        }
    }
}

fn leaf(ty: &Ty, lookup: &TypeLookup<'_>) -> Leaf {
    match ty {
        Ty::String => Leaf::Text,
        Ty::I32 | Ty::I64 | Ty::U32 | Ty::U64 => Leaf::Integer,
        Ty::Json => Leaf::Anything,
        Ty::Named(r) => match lookup.get(r).map(|t| &t.kind) {
            Some(TypeKind::StringEnum(_)) => Leaf::Text,
            _ => Leaf::Other,
        },
        Ty::Bool | Ty::F64 | Ty::Array(_) | Ty::Map(_) => Leaf::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::check;
    use crate::SourceFile;
    use crate::model::{Assigned, MockAction, Operation};

    const GROUP_ERRORS: &str = "[[errors]]\ncode = 40073\nmessage = \"invalid card id\"\nmeaning = \"m\"\n";

    /// The operations of a spec with a group `demo` holding `endpoint`, or its problems.
    fn resolve(endpoint: &str) -> Result<Vec<Operation>, Vec<String>> {
        check(vec![
            SourceFile::new("spec/demo/errors.toml", GROUP_ERRORS),
            SourceFile::new("spec/demo/op.toml", endpoint),
        ])
        .map(|spec| spec.operations().cloned().collect())
    }

    const HEAD: &str = r#"
name = "get_thing"
interface = "i"
summary = "s"
method = "GET"
path = "/thing/get"
auth = { token = "access_token" }
query.thing_id = { type = "string", doc = "The thing." }
response.thing = { type = "Thing", doc = "The thing." }

[types.Thing]
doc = "A thing of two kinds."
union.tag = "kind"
union.variants = [
    { tag = "BIG", type = "Big", doc = "Big." },
    { tag = "SMALL", type = "Small", doc = "Small." },
]

[types.Big]
doc = "Big."
fields.info = { type = "Info", doc = "Info." }

[types.Small]
doc = "Small."
fields.info = { type = "Info", doc = "Info." }
fields.size = { type = "u32", doc = "Size." }

[types.Info]
doc = "Info."
fields.id = { type = "string", optional = true, doc = "Id." }
fields.status = { type = "Status", optional = true, doc = "Status." }
fields.when = { type = "i64", optional = true, doc = "When." }
fields.extra = { type = "json", optional = true, doc = "Anything." }

[types.Status]
doc = "Status."
values = [{ value = "NEW", doc = "New." }]
"#;

    fn with_mock(mock: &str) -> String {
        format!(
            "{HEAD}\n[mock]\nresource = \"thing\"\naction = \"read\"\nkey = \"thing_id\"\nobject = \"thing\"\n{mock}\n"
        )
    }

    #[test]
    fn a_read_keyed_by_a_query_parameter_assigns_through_the_union() {
        let mock = r#"missing = 40073
assigned = { "info.id" = "id", "info.status" = "status", "info.when" = "created", "info.extra.deep" = "updated" }"#;
        let ops = resolve(&with_mock(mock)).unwrap_or_else(|p| panic!("{p:?}"));
        let rule = ops[0].mock.clone().unwrap_or_else(|| panic!("no rule"));
        assert_eq!((rule.action, rule.key.as_str(), rule.key_in_query), (MockAction::Read, "thing_id", true));
        assert_eq!((rule.object.as_deref(), rule.missing), (Some("thing"), Some(40073)));
        let paths: Vec<(String, Assigned)> = rule.assigned.iter().map(|(p, a)| (p.join("."), *a)).collect();
        assert_eq!(
            paths,
            [
                ("info.id".to_owned(), Assigned::Id),
                ("info.status".to_owned(), Assigned::Status),
                ("info.when".to_owned(), Assigned::Created),
                ("info.extra.deep".to_owned(), Assigned::Updated),
            ]
        );
    }

    #[test]
    fn a_path_no_variant_has_or_of_the_wrong_kind_is_refused_where_written() {
        let mock = r#"missing = 40073
assigned = { "size" = "created", "info.nothing" = "id", "info.when" = "status", "size.more" = "id" }"#;
        let problems = resolve(&with_mock(mock)).expect_err("refused");
        let line = HEAD.lines().count() + 8;
        assert_eq!(
            problems,
            [
                format!(
                    "spec/demo/op.toml:{line}:35: `info.nothing`: no variant of `Thing` has `info.nothing`"
                ),
                format!(
                    "spec/demo/op.toml:{line}:72: `info.when` is not a string field; `id` and `status` are strings"
                ),
                format!("spec/demo/op.toml:{line}:82: `size.more`: no variant of `Thing` has `size.more`"),
            ]
        );
    }

    #[test]
    fn a_read_without_missing_or_an_object_of_a_plain_type_is_refused() {
        let text = with_mock("").replace("object = \"thing\"", "object = \"thing_id\"");
        let problems = resolve(&text).expect_err("refused");
        assert!(problems.iter().any(|p| p.contains("needs `missing`")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("unknown object field `thing_id`")), "{problems:?}");
    }
}
