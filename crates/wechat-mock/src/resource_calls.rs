//! What the calls of an operation whose spec declares `[mock]` do to the resources the mock
//! keeps ([`Resources`](crate::Resources)): create, read, update or delete the one they name;
//! and what a test built from the spec's example needs held before it calls.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::flow::Call;
use crate::resources::{ObjectType, Resource, initial_status, now, object_at_mut, object_type, sample};
use crate::spec_table::{Assigned, Operation, ResourceAction, ResourceRule};
use crate::state::Shared;

/// The code answered where a table leaves `missing` out (a test's own table): WeChat's "system
/// error". The generator requires `missing` on every read, update and delete.
const NO_MISSING_CODE: i64 = -1;

/// Merges `patch` into `target`: objects key by key, anything else replaced.
fn merge(target: &mut Value, patch: Value) {
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                match target.get_mut(&key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        target.insert(key, value);
                    }
                }
            }
        }
        (target, patch) => *target = patch,
    }
}

/// The declared step of an operation whose spec has a `[mock]` table: what it does to its
/// resource, and the fields to put over its success example.
pub(crate) fn step(shared: &Shared, call: &Call<'_>) -> Result<Map<String, Value>, i64> {
    let op = call.op;
    let Some(rule) = op.resource else { return Ok(Map::new()) };
    let resources = &shared.resources;
    let mut fields = Map::new();
    if rule.action == ResourceAction::Create {
        let object = match rule.object {
            Some(name) => call.body.get(name).cloned().unwrap_or(Value::Null),
            None => call.body.clone(),
        };
        let example = example_field(op, rule.key);
        let created =
            resources.create(rule.kind, example.as_deref(), object, rule.status.unwrap_or_default());
        fields.insert(rule.key.to_owned(), Value::from(created.id));
        return Ok(fields);
    }
    let missing = rule.missing.unwrap_or(NO_MISSING_CODE);
    let id = key(&rule, call).ok_or(missing)?;
    match rule.action {
        ResourceAction::Create => {}
        ResourceAction::Read => {
            let resource = resources.get(rule.kind, &id).ok_or(missing)?;
            if let Some(name) = rule.object {
                fields.insert(name.to_owned(), answered_object(op, &rule, &resource));
            }
        }
        ResourceAction::Update => {
            let patch = match rule.object {
                Some(name) => call.body.get(name).cloned().unwrap_or(Value::Null),
                None => {
                    let mut body = call.body.clone();
                    if let Some(body) = body.as_object_mut() {
                        body.remove(rule.key);
                    }
                    body
                }
            };
            resources
                .update(rule.kind, &id, |resource| {
                    merge(&mut resource.object, patch);
                    if let Some(status) = rule.status {
                        resource.status = status.to_owned();
                    }
                })
                .map_err(|_| missing)?;
        }
        ResourceAction::Delete => {
            resources.remove(rule.kind, &id).ok_or(missing)?;
        }
    }
    Ok(fields)
}

/// The id a call names: its key field, from the body or the query.
fn key(rule: &ResourceRule, call: &Call<'_>) -> Option<String> {
    if rule.key_in_query {
        return call.query.iter().find(|(k, _)| k == rule.key).map(|(_, v)| v.clone());
    }
    call.body.get(rule.key).and_then(Value::as_str).map(str::to_owned)
}

/// The stored object with what the spec says the mock assigns written in.
fn answered_object(op: &Operation, rule: &ResourceRule, resource: &Resource) -> Value {
    let mut object = resource.object.clone();
    let ty = op
        .response
        .iter()
        .find(|f| Some(f.name) == rule.object)
        .map_or(ObjectType::JSON, |f| ObjectType { ty: f.ty, types: op.types });
    for (path, source) in rule.assigned {
        let Some((last, parent)) = path.split_last() else { continue };
        let value = match source {
            Assigned::Id => Value::from(resource.id.clone()),
            Assigned::Status => Value::from(resource.status.clone()),
            Assigned::Created => Value::from(resource.created),
            Assigned::Updated => Value::from(resource.updated),
        };
        if let Some(map) = object_at_mut(&mut object, ty, parent) {
            map.insert((*last).to_owned(), value);
        }
    }
    object
}

/// The value of field `name` in the operation's success example, as text.
fn example_field(op: &Operation, name: &str) -> Option<String> {
    let example: Value = serde_json::from_str(op.success_example?).ok()?;
    example.get(name).and_then(Value::as_str).map(str::to_owned)
}

/// Makes sure the resource a call of a declared read, update or delete names exists, so a
/// test built from the spec's example finds it: a read's example object (in the status the
/// example shows), or a sample of the kind. Returns false when the operation declares nothing
/// of the kind.
pub(crate) fn arrange(
    shared: &Shared,
    op: &Operation,
    body: &Value,
    query: &BTreeMap<String, String>,
) -> bool {
    let Some(rule) = op.resource.filter(|r| r.action != ResourceAction::Create) else { return false };
    let id = if rule.key_in_query {
        query.get(rule.key).cloned()
    } else {
        body.get(rule.key).and_then(Value::as_str).map(str::to_owned)
    };
    let Some(id) = id else { return true };
    if shared.resources.get(rule.kind, &id).is_some() {
        return true;
    }
    let from_example = (rule.action == ResourceAction::Read)
        .then(|| {
            let example: Value = serde_json::from_str(op.success_example?).ok()?;
            example.get(rule.object?).cloned()
        })
        .flatten();
    let ty = object_type(shared.table, rule.kind);
    let mut object = from_example.unwrap_or_else(|| sample(ty));
    let status =
        example_status(&rule, ty, &mut object).unwrap_or_else(|| initial_status(shared.table, rule.kind));
    let now = now();
    shared.resources.insert(rule.kind, Resource { id, status, object, created: now, updated: now });
    true
}

/// The status an example object shows at the read's assigned status path.
fn example_status(rule: &ResourceRule, ty: Option<ObjectType>, object: &mut Value) -> Option<String> {
    let (path, _) = rule.assigned.iter().find(|(_, source)| *source == Assigned::Status)?;
    let (last, parent) = path.split_last()?;
    let map = object_at_mut(object, ty.unwrap_or(ObjectType::JSON), parent)?;
    map.get(*last)?.as_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec_table::operation;

    #[test]
    fn merging_goes_key_by_key_and_replaces_the_rest() {
        let mut target = json!({"a": {"b": 1, "c": [1]}, "d": "x"});
        merge(&mut target, json!({"a": {"c": [2], "e": true}, "d": null}));
        assert_eq!(target, json!({"a": {"b": 1, "c": [2], "e": true}, "d": null}));
    }

    #[test]
    fn a_read_answers_the_stored_object_with_what_the_mock_assigns() {
        let op = operation("card/get_card").expect("in the spec");
        let rule = op.resource.expect("declared");
        let object = json!({"card_type": "GIFT", "gift": {"base_info": {"title": "t"}, "gift": "g"}});
        let resource =
            Resource { id: "pX".to_owned(), status: "S".to_owned(), object, created: 10, updated: 20 };
        let answered = answered_object(op, &rule, &resource);
        assert_eq!(
            answered["gift"]["base_info"],
            json!({"title": "t", "id": "pX", "status": "S", "create_time": 10, "update_time": 20})
        );
    }
}
