//! The resources the spec's `[mock]` tables declare: per kind (`card`), objects by id, each with
//! a status and its times. An operation whose spec declares `[mock]` creates, reads, updates or
//! deletes one through `resource_calls::step`; the admin routes and the hand-written card module read and
//! change them through [`Resources`].

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::spec_table::{Field, Operation, ResourceAction, Schema, Ty, TypeKind};

/// How many fresh ids are drawn before giving up on one no resource has: a collision of
/// random ids of WeChat's length is already improbable.
const FRESH_ID_TRIES: usize = 16;

/// One resource: its object as stored, and what the mock keeps beside it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resource {
    /// Its id, e.g. a card_id.
    pub id: String,
    /// Its status, e.g. `CARD_STATUS_NOT_VERIFY`; empty when the spec declares none.
    pub status: String,
    /// The object as created and updated (for a card, the `card` union of `create_card`).
    pub object: Value,
    /// When it was created, unix seconds.
    pub created: i64,
    /// When it last changed, unix seconds.
    pub updated: i64,
}

/// Why a resource could not be changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResourceError {
    /// No resource of that kind has that id.
    #[error("no {kind} with id `{id}`")]
    Unknown {
        /// The kind, e.g. `card`.
        kind: String,
        /// The id asked for.
        id: String,
    },
}

/// Every resource the mock keeps, by kind and id.
#[derive(Default)]
pub struct Resources {
    kinds: Mutex<BTreeMap<String, BTreeMap<String, Resource>>>,
}

// Objects are what tests created; Debug counts them rather than printing them all.
impl std::fmt::Debug for Resources {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let counts: BTreeMap<String, usize> = self.lock().iter().map(|(k, v)| (k.clone(), v.len())).collect();
        f.debug_struct("Resources").field("counts", &counts).finish()
    }
}

impl Resources {
    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, BTreeMap<String, Resource>>> {
        self.kinds.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The resource of `kind` with `id`.
    pub fn get(&self, kind: &str, id: &str) -> Option<Resource> {
        self.lock().get(kind).and_then(|k| k.get(id)).cloned()
    }

    /// Every resource of `kind`, by id.
    pub fn list(&self, kind: &str) -> Vec<Resource> {
        self.lock().get(kind).map(|k| k.values().cloned().collect()).unwrap_or_default()
    }

    /// Moves the resource to `status`, as WeChat's review or an admin does.
    pub fn set_status(&self, kind: &str, id: &str, status: &str) -> Result<Resource, ResourceError> {
        self.update(kind, id, |resource| {
            resource.status = status.to_owned();
            resource.clone()
        })
    }

    /// Keeps `resource`, replacing any of the same kind and id.
    pub fn insert(&self, kind: &str, resource: Resource) {
        self.lock().entry(kind.to_owned()).or_default().insert(resource.id.clone(), resource);
    }

    /// Stores `object` under a fresh id shaped like `example_id` (WeChat's ids have a fixed
    /// length and first letter: a card_id is `p` and 27 more characters).
    pub(crate) fn create(
        &self,
        kind: &str,
        example_id: Option<&str>,
        object: Value,
        status: &str,
    ) -> Resource {
        let mut kinds = self.lock();
        let store = kinds.entry(kind.to_owned()).or_default();
        let mut id = fresh_id(example_id);
        for _ in 0..FRESH_ID_TRIES {
            if !store.contains_key(&id) {
                break;
            }
            id = fresh_id(example_id);
        }
        let now = now();
        let resource =
            Resource { id: id.clone(), status: status.to_owned(), object, created: now, updated: now };
        store.insert(id, resource.clone());
        resource
    }

    /// Runs `change` on the resource under the store's lock, and marks it updated.
    pub(crate) fn update<T>(
        &self,
        kind: &str,
        id: &str,
        change: impl FnOnce(&mut Resource) -> T,
    ) -> Result<T, ResourceError> {
        let mut kinds = self.lock();
        let Some(resource) = kinds.get_mut(kind).and_then(|k| k.get_mut(id)) else {
            return Err(ResourceError::Unknown { kind: kind.to_owned(), id: id.to_owned() });
        };
        resource.updated = now();
        Ok(change(resource))
    }

    /// Removes the resource, as a declared delete does: later reads answer their `missing`
    /// code.
    pub fn remove(&self, kind: &str, id: &str) -> Option<Resource> {
        self.lock().get_mut(kind).and_then(|k| k.remove(id))
    }
}

/// Unix seconds now.
pub(crate) fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// A random id as long as `example` and starting with its first character; `mock` and 24
/// characters without an example.
pub(crate) fn fresh_id(example: Option<&str>) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    let (prefix, length) = match example.and_then(|e| e.chars().next().map(|c| (c, e.chars().count()))) {
        Some((first, length)) if length > 1 => (first.to_string(), length),
        _ => ("mock".to_owned(), 28),
    };
    let mut id = prefix;
    while id.chars().count() < length {
        id.push(char::from(ALPHABET[fastrand::usize(..ALPHABET.len())]));
    }
    id
}

/// A type, with the schema its named types are in.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ObjectType {
    /// The type.
    pub(crate) ty: Ty,
    /// What its `TypeId`s index.
    pub(crate) types: &'static Schema<'static>,
}

impl ObjectType {
    /// Any JSON: walked without a type.
    pub(crate) const JSON: Self = Self { ty: Ty::Json, types: &Schema::EMPTY };

    /// The type of `field` of an object of this schema.
    fn field(self, field: &Field<'_>) -> Self {
        Self { ty: field.ty, ..self }
    }
}

/// The type of the objects of `kind`, from the operations of `table` that declare one.
pub(crate) fn object_type(table: &[Operation], kind: &str) -> Option<ObjectType> {
    table.iter().find_map(|op| {
        let rule = op.resource.filter(|r| r.kind == kind)?;
        let fields = match rule.action {
            ResourceAction::Read => op.response,
            ResourceAction::Create | ResourceAction::Update | ResourceAction::Delete => op.request,
        };
        let field = fields.iter().find(|f| Some(f.name) == rule.object)?;
        Some(ObjectType { ty: field.ty, types: op.types })
    })
}

/// The object at `path` inside `value` of type `ty`, following a union through the variant
/// the value holds; `None` where the value lacks a step of the path.
pub(crate) fn object_at_mut<'v>(
    value: &'v mut Value,
    ty: ObjectType,
    path: &[&str],
) -> Option<&'v mut Map<String, Value>> {
    let (value, ty) = variant_mut(value, ty)?;
    let Some((first, rest)) = path.split_first() else {
        return value.as_object_mut();
    };
    let field_ty = match ty.ty {
        Ty::Named(id) => field_type(ty, ty.types.object(id)?, first),
        _ => ObjectType::JSON,
    };
    object_at_mut(value.as_object_mut()?.get_mut(*first)?, field_ty, rest)
}

/// The type of field `name` of an object of `ty`'s schema; any JSON for a name the type does
/// not declare (a flattened union's keys, or what a test stored), which is walked without a
/// type.
fn field_type(ty: ObjectType, fields: &[Field<'_>], name: &str) -> ObjectType {
    fields.iter().find(|f| f.name == name && !f.flatten).map_or(ObjectType::JSON, |f| ty.field(f))
}

/// Where the fields of a value of `ty` are: for a union, the object of the variant its tag
/// names (beside the tag, or under the variant's key).
fn variant_mut(value: &mut Value, ty: ObjectType) -> Option<(&mut Value, ObjectType)> {
    let Ty::Named(id) = ty.ty else { return Some((value, ty)) };
    let Some(TypeKind::Union(union)) = ty.types.get(id).map(|t| &t.kind) else { return Some((value, ty)) };
    let tag = value.get(union.tag)?.as_str()?;
    let case = union.variants.iter().find(|case| case.tag == tag)?;
    let mut inner = value;
    if !union.internal {
        for key in case.key.iter() {
            inner = inner.get_mut(*key)?;
        }
    }
    Some((inner, ObjectType { ty: Ty::Named(case.ty), ..ty }))
}

/// A sample object of type `ty` (an empty object without one).
pub(crate) fn sample(ty: Option<ObjectType>) -> Value {
    let Some(ty) = ty else { return Value::Object(Map::new()) };
    let field = [Field { name: "object", ty: ty.ty, required: true, ..Field::PLAIN }];
    crate::sample::sample_object(ty.types, &field).remove("object").unwrap_or(Value::Null)
}

/// The status the kind's create starts a resource in, empty without one.
pub(crate) fn initial_status(table: &[Operation], kind: &str) -> String {
    table
        .iter()
        .filter_map(|op| op.resource)
        .find(|r| r.kind == kind && r.action == ResourceAction::Create)
        .and_then(|r| r.status)
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    use crate::config::MockConfig;
    use crate::server::MockServer;
    use std::borrow::Cow;

    use crate::spec_table::{
        Assigned, BodyKind, Direction, ErrorCase, Method, NamedType, ResourceRule, ResponseBody, TokenUse,
        TypeId, TypeKind,
    };

    const NOTE: TypeId = TypeId(0);

    static TYPES: Schema<'static> = Schema::new(&[NamedType {
        name: "Note",
        kind: TypeKind::Object(Cow::Borrowed(&[
            Field { name: "text", ty: Ty::String, required: true, ..Field::PLAIN },
            Field { name: "id", ty: Ty::String, only: Some(Direction::Response), ..Field::PLAIN },
            Field { name: "status", ty: Ty::String, only: Some(Direction::Response), ..Field::PLAIN },
        ])),
    }]);

    const NO_SUCH_NOTE: ErrorCase = ErrorCase { code: 90001, message: "no such note" };

    const fn note_op(name: &'static str, action: ResourceAction) -> Operation {
        Operation {
            name,
            key: name,
            group: "test",
            interface: name,
            summary: "A made-up operation on notes.",
            method: Method::Post,
            host: "api.weixin.qq.com",
            path: "/note",
            fixed_query: &[],
            query: &[],
            token: TokenUse::AccessToken,
            third_party: false,
            body: BodyKind::Json,
            request: &[Field { name: "note_id", ty: Ty::String, required: true, ..Field::PLAIN }],
            fixed_body: &[],
            files: &[],
            response: &[],
            response_body: ResponseBody::Json,
            types: &TYPES,
            errors: &[NO_SUCH_NOTE],
            success_example: None,
            resource: Some(ResourceRule {
                kind: "note",
                action,
                key: "note_id",
                key_in_query: false,
                object: None,
                missing: Some(90001),
                status: None,
                assigned: &[],
            }),
        }
    }

    /// Notes created, read (by a query parameter), updated and deleted, as `[mock]` tables
    /// would declare them.
    static NOTES: &[Operation] = &[
        Operation {
            path: "/note/create",
            request: &[Field { name: "note", ty: Ty::Named(NOTE), required: true, ..Field::PLAIN }],
            success_example: Some(r#"{"errcode": 0, "errmsg": "ok", "note_id": "n1234567"}"#),
            resource: Some(ResourceRule {
                action: ResourceAction::Create,
                object: Some("note"),
                missing: None,
                status: Some("DRAFT"),
                ..note_rule()
            }),
            ..note_op("create_note", ResourceAction::Create)
        },
        Operation {
            method: Method::Get,
            path: "/note/get",
            body: BodyKind::None,
            request: &[],
            query: &[Field { name: "note_id", ty: Ty::String, required: true, ..Field::PLAIN }],
            response: &[Field { name: "note", ty: Ty::Named(NOTE), required: true, ..Field::PLAIN }],
            resource: Some(ResourceRule {
                action: ResourceAction::Read,
                key_in_query: true,
                object: Some("note"),
                assigned: &[(&["id"], Assigned::Id), (&["status"], Assigned::Status)],
                ..note_rule()
            }),
            ..note_op("get_note", ResourceAction::Read)
        },
        Operation {
            path: "/note/update",
            request: &[
                Field { name: "note_id", ty: Ty::String, required: true, ..Field::PLAIN },
                Field { name: "text", ty: Ty::String, required: true, ..Field::PLAIN },
            ],
            resource: Some(ResourceRule {
                action: ResourceAction::Update,
                status: Some("EDITED"),
                ..note_rule()
            }),
            ..note_op("update_note", ResourceAction::Update)
        },
        Operation { path: "/note/delete", ..note_op("delete_note", ResourceAction::Delete) },
    ];

    const fn note_rule() -> ResourceRule {
        ResourceRule {
            kind: "note",
            action: ResourceAction::Read,
            key: "note_id",
            key_in_query: false,
            object: None,
            missing: Some(90001),
            status: None,
            assigned: &[],
        }
    }

    #[tokio::test]
    async fn declared_operations_create_read_update_and_delete_over_http() {
        let server = MockServer::start_with_table(MockConfig::demo(), NOTES).await.expect("starts");
        let (token, _) = server.tokens().issue(
            crate::tokens::Issue::Stable,
            std::time::Duration::from_secs(60),
            std::time::Duration::ZERO,
        );
        let http = reqwest::Client::new();
        let base = format!("{}/note", server.base_url());
        let call = |path: &str, body: Value| {
            let http = http.clone();
            let url = format!("{base}/{path}?access_token={token}");
            async move {
                let text = http.post(url).body(body.to_string()).send().await.expect("answers").text().await;
                serde_json::from_str::<Value>(&text.expect("a body")).expect("JSON")
            }
        };
        let get = |id: &str| {
            let url = format!("{base}/get?access_token={token}&note_id={id}");
            let http = http.clone();
            async move {
                let text = http.get(url).send().await.expect("answers").text().await.expect("a body");
                serde_json::from_str::<Value>(&text).expect("JSON")
            }
        };

        let created = call("create", json!({"note": {"text": "first"}})).await;
        let id = created["note_id"].as_str().expect("a fresh id").to_owned();
        assert!(id.starts_with('n') && id.len() == 8 && id != "n1234567", "{created}");
        let read = get(&id).await;
        assert_eq!(read["note"], json!({"text": "first", "id": id, "status": "DRAFT"}), "{read}");

        let updated = call("update", json!({"note_id": id, "text": "second"})).await;
        assert_eq!(updated, json!({"errcode": 0, "errmsg": "ok"}));
        assert_eq!(get(&id).await["note"], json!({"text": "second", "id": id, "status": "EDITED"}));
        let stored = server.resources().get("note", &id).expect("kept");
        assert!(stored.updated >= stored.created);

        assert_eq!(call("delete", json!({"note_id": id})).await["errcode"], 0);
        let gone = get(&id).await;
        assert_eq!(gone["errcode"], 90001, "{gone}");
        assert!(gone["errmsg"].as_str().is_some_and(|m| m.starts_with("no such note")), "{gone}");
        assert_eq!(call("delete", json!({"note_id": id})).await["errcode"], 90001);
        assert_eq!(call("update", json!({"note_id": id, "text": "x"})).await["errcode"], 90001);
        assert_eq!(get("nUnknown").await["errcode"], 90001);
    }

    #[test]
    fn fresh_ids_are_shaped_like_the_example_and_differ() {
        let first = fresh_id(Some("p1Pj9jr90_SQRaVqYI239Ka1erkI"));
        let second = fresh_id(Some("p1Pj9jr90_SQRaVqYI239Ka1erkI"));
        assert_eq!((first.len(), first.chars().next()), (28, Some('p')));
        assert_ne!(first, second);
        assert!(fresh_id(None).starts_with("mock"));
    }

    #[test]
    fn paths_go_through_the_variant_a_card_holds() {
        let ty = object_type(crate::spec_table::operations(), "card").expect("the spec declares cards");
        let mut card = json!({"card_type": "CASH", "cash": {"base_info": {"sku": {"quantity": 3}}}});
        let sku = object_at_mut(&mut card, ty, &["base_info", "sku"]).expect("found");
        sku.insert("total_quantity".to_owned(), json!(3));
        assert_eq!(card["cash"]["base_info"]["sku"]["total_quantity"], 3);
        let mut unknown = json!({"card_type": "BUS_TICKET", "bus_ticket": {"base_info": {}}});
        assert!(object_at_mut(&mut unknown, ty, &["base_info"]).is_none());
        let mut lacking = json!({"card_type": "CASH", "cash": {}});
        assert!(object_at_mut(&mut lacking, ty, &["base_info", "sku"]).is_none());
    }
}
