//! The one state engine: it runs the steps the spec declares for an operation or a user action
//! (`[[mock]]`, generated into `state_model` tables) against the records the mock keeps.
//!
//! A call's steps run in one transaction under the store's lock: a step that answers an errcode
//! undoes every change the call made, and the events its `push` steps built are handed back
//! to be sent only once the changes are kept.

mod eval;
mod library;
mod path;
mod shape;
pub(crate) mod store;

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde_json::{Map, Value};

use self::eval::{Binding, Scope, eval, same, truthy};
use self::store::{Key, Record, Store, Transaction, key_of};
use crate::spec_table::{Field, Schema};
use crate::state_model::{Bound, EventDef, Existing, Expr, Path, ResourceDef, Step, Verb};

/// WeChat's `system error`: what a call answers when the tables are inconsistent (a step
/// naming an alias no step made), which the generator's checks rule out.
const SYSTEM_ERROR: i64 = -1;

/// An event a call pushes, to be sent once its changes are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Push {
    /// Its `Event` value.
    pub(crate) event: &'static str,
    /// `FromUserName`, when the step named one (WeChat itself otherwise).
    pub(crate) from: Option<String>,
    /// Its elements after the header, in the spec's order.
    pub(crate) elements: Vec<(&'static str, String)>,
}

/// What a call's steps came to.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Outcome {
    /// The answer's fields (without `errcode`/`errmsg`).
    pub(crate) answer: Map<String, Value>,
    /// The events to push.
    pub(crate) pushes: Vec<Push>,
}

/// What the steps of one call read besides the store.
pub(crate) struct Call<'a> {
    /// The request body and query (or a user action's parameters), as one object.
    pub(crate) request: &'a Value,
    /// The named types `response` refers to.
    pub(crate) types: &'a Schema<'static>,
    /// The fields of the answer.
    pub(crate) response: &'a [Field<'static>],
    /// The success example's fields, for required ones no step sets.
    pub(crate) example: Option<&'a Map<String, Value>>,
    /// Unix seconds.
    pub(crate) now: i64,
    /// The appid of the account the call is made for (`appid()`).
    pub(crate) appid: &'a str,
}

/// Why a record could not be seeded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeedError {
    /// The spec declares no resource of that name.
    #[error("the spec declares no resource `{0}`")]
    UnknownResource(String),
    /// The record is not a JSON object.
    #[error("a `{0}` record must be a JSON object")]
    NotAnObject(String),
    /// A key field is missing and the resource makes no fresh value for it.
    #[error("a `{resource}` record needs its key field `{field}`")]
    MissingKey {
        /// The resource.
        resource: String,
        /// The key field.
        field: String,
    },
    /// The record's parent does not exist.
    #[error("no `{parent}` record holds the `{resource}` record's {key}")]
    NoParent {
        /// The resource seeded.
        resource: String,
        /// Its parent resource.
        parent: String,
        /// The parent key the record names.
        key: String,
    },
    /// A status the resource does not declare.
    #[error("`{status}` is not a status of `{resource}`")]
    UnknownStatus {
        /// The resource.
        resource: String,
        /// The status given.
        status: String,
    },
}

/// The records, and the tables that say what they are.
pub(crate) struct Engine {
    store: Mutex<Store>,
    resources: &'static [ResourceDef],
    events: &'static [EventDef],
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("resources", &self.resources.len()).finish_non_exhaustive()
    }
}

impl Engine {
    /// An engine with no records, for these resources and events.
    pub(crate) fn new(resources: &'static [ResourceDef], events: &'static [EventDef]) -> Self {
        Self { store: Mutex::new(Store::default()), resources, events }
    }

    fn lock(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The resource named `name`.
    pub(crate) fn resource(&self, name: &str) -> Option<&'static ResourceDef> {
        self.resources.iter().find(|r| r.name == name)
    }

    /// Every record of `resource`, in creation order.
    pub(crate) fn records(&self, resource: &str) -> Vec<Record> {
        self.lock().all(resource).into_iter().cloned().collect()
    }

    /// The record of `resource` whose fields equal `fields`' (the engine's tests read state
    /// through it; the server reads records through its own lists).
    #[cfg(test)]
    pub(crate) fn find(&self, resource: &str, fields: &Map<String, Value>) -> Option<Record> {
        let store = self.lock();
        let found =
            store.matching(resource, |record| fields.iter().all(|(k, v)| same(record.get(k), Some(v))));
        found.first().map(|record| (*record).clone())
    }

    /// Keeps `record` as a record of `resource`, as a test arranges state: its status (the
    /// initial one when it has none), times and fresh key values are filled in, its parent
    /// must exist, and a record with its key is replaced. Returns the record kept.
    pub(crate) fn seed(&self, resource: &str, mut record: Record, now: i64) -> Result<Record, SeedError> {
        let def = self.resource(resource).ok_or_else(|| SeedError::UnknownResource(resource.to_owned()))?;
        let mut store = self.lock();
        let mut tx = store.begin();
        fill_new(&mut tx, def, &mut record, None, now);
        if let (Some(statuses), Some(status)) = (def.statuses, record.get("status").and_then(Value::as_str))
            && !statuses.values.contains(&status)
        {
            return Err(SeedError::UnknownStatus {
                resource: def.name.to_owned(),
                status: status.to_owned(),
            });
        }
        let key = key_of(def, &record).ok_or_else(|| SeedError::MissingKey {
            resource: def.name.to_owned(),
            field: def
                .key
                .iter()
                .find(|f| record.get(**f).is_none_or(Value::is_null))
                .copied()
                .unwrap_or_default()
                .to_owned(),
        })?;
        if let Some(parent) = self.parent_of(def)
            && parent_key(parent, &record).is_none_or(|key| tx.store().get(parent.name, &key).is_none())
        {
            return Err(SeedError::NoParent {
                resource: def.name.to_owned(),
                parent: parent.name.to_owned(),
                key: parent
                    .key
                    .iter()
                    .map(|f| format!("{f} {}", record.get(*f).unwrap_or(&Value::Null)))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        tx.put(def.name, key, record.clone());
        tx.commit();
        Ok(record)
    }

    fn parent_of(&self, def: &ResourceDef) -> Option<&'static ResourceDef> {
        def.parent.and_then(|name| self.resource(name))
    }

    /// Runs `steps` for one call; the errcode a step answered, or the outcome.
    pub(crate) fn run(&self, steps: &[Step], call: &Call<'_>) -> Result<Outcome, i64> {
        let mut store = self.lock();
        let mut run = Run {
            engine: self,
            tx: store.begin(),
            call,
            bindings: HashMap::new(),
            kinds: HashMap::new(),
            outcome: Outcome::default(),
        };
        for step in steps {
            if run.applies(step) {
                run.step(&step.verb)?;
            }
        }
        let Run { tx, mut outcome, .. } = run;
        tx.commit();
        outcome.answer = finish_answer(outcome.answer, call);
        Ok(outcome)
    }
}

/// One call's steps in progress.
struct Run<'e, 's, 'c> {
    engine: &'e Engine,
    tx: Transaction<'s>,
    call: &'c Call<'c>,
    /// What the steps named.
    bindings: HashMap<&'static str, Binding>,
    /// The resource of each alias naming a record.
    kinds: HashMap<&'static str, &'static ResourceDef>,
    outcome: Outcome,
}

impl Run<'_, '_, '_> {
    fn scope<'a>(&'a self, item: Option<&'a Value>) -> Scope<'a> {
        Scope {
            request: self.call.request,
            bindings: &self.bindings,
            item,
            now: self.call.now,
            appid: self.call.appid,
        }
    }

    fn eval(&self, expr: &Expr) -> Option<Value> {
        eval(expr, &self.scope(None))
    }

    fn applies(&self, step: &Step) -> bool {
        step.when.is_none_or(|when| truthy(self.eval(when).as_ref()))
            && step.unless.is_none_or(|unless| !truthy(self.eval(unless).as_ref()))
    }

    fn resource(&self, name: &str) -> Result<&'static ResourceDef, i64> {
        self.engine.resource(name).ok_or_else(|| inconsistent(&format!("no resource `{name}`")))
    }

    fn step(&mut self, verb: &Verb) -> Result<(), i64> {
        match *verb {
            Verb::Find { resource, alias, filter, each, missing } => {
                self.find(resource, alias, filter, each, missing)
            }
            Verb::Create { resource, alias, set, status, each, existing } => {
                self.create(resource, alias, set, status, each, existing)
            }
            Verb::Update { alias, merge, add, set, status, forbidden, bounds, taken } => {
                self.update(alias, Change { merge, add, set, status, forbidden, bounds, taken })
            }
            Verb::Delete { alias } => self.delete(alias),
            Verb::List { resource, alias, filter, keep, newest_first, offset, limit } => {
                self.list(resource, alias, Query { filter, keep }, newest_first, offset, limit)
            }
            Verb::Count { resource, alias, filter, keep } => {
                let count = self.query(resource, Query { filter, keep }).len();
                self.bindings.insert(alias, Binding::Number(i64::try_from(count).unwrap_or(i64::MAX)));
                Ok(())
            }
            Verb::Fail { errcode } => Err(errcode),
            Verb::Answer { from, fields } => self.answer(from, fields),
            Verb::Push { event, fields } => self.push(event, fields),
        }
    }

    /// The records of `resource` whose fields equal the filter's values (any item of a list);
    /// a filter whose value is absent does not filter.
    fn matching(&self, resource: &str, filter: &[(&str, Expr)], item: Option<&Value>) -> Vec<Record> {
        let scope = self.scope(item);
        let criteria: Vec<(&str, Value)> = filter
            .iter()
            .filter_map(|(field, expr)| Some((*field, eval(expr, &scope)?)))
            .filter(|(_, v)| !v.is_null())
            .collect();
        self.tx
            .store()
            .matching(resource, |record| {
                criteria.iter().all(|(field, wanted)| matches(record.get(*field), wanted))
            })
            .into_iter()
            .cloned()
            .collect()
    }

    /// The records of `resource` a `list` or `count` takes: matching `where`, and those
    /// `filter` (read with each record as `item`) is true of.
    fn query(&self, resource: &str, query: Query<'_>) -> Vec<Record> {
        let mut found = self.matching(resource, query.filter, None);
        if let Some(keep) = query.keep {
            found.retain(|record| {
                let record = Value::Object(record.clone());
                truthy(eval(keep, &self.scope(Some(&record))).as_ref())
            });
        }
        found
    }

    fn find(
        &mut self,
        resource: &'static str,
        alias: &'static str,
        filter: &[(&str, Expr)],
        each: Option<&Expr>,
        missing: Option<i64>,
    ) -> Result<(), i64> {
        let def = self.resource(resource)?;
        let missing = missing.or(def.missing).unwrap_or(SYSTEM_ERROR);
        if let Some(each) = each {
            for item in items(self.eval(each)) {
                if self.matching(resource, filter, Some(&item)).is_empty() {
                    return Err(missing);
                }
            }
            return Ok(());
        }
        let found = self.matching(resource, filter, None).into_iter().next().ok_or(missing)?;
        self.bind_record(alias, def, found);
        Ok(())
    }

    fn bind_record(&mut self, alias: &'static str, def: &'static ResourceDef, record: Record) {
        self.bindings.insert(alias, Binding::Record(Value::Object(record)));
        self.kinds.insert(alias, def);
    }

    fn create(
        &mut self,
        resource: &'static str,
        alias: &'static str,
        set: &[(Path, Expr)],
        status: Option<&'static str>,
        each: Option<&Expr>,
        existing: Existing,
    ) -> Result<(), i64> {
        let def = self.resource(resource)?;
        let batch = each.map(|each| items(self.eval(each)));
        let mut made = Vec::new();
        let mut skipped = Vec::new();
        for item in batch.clone().unwrap_or_else(|| vec![Value::Null]) {
            let scope_item = batch.as_ref().map(|_| &item);
            let mut record = Value::Object(Map::new());
            {
                let scope = self.scope(scope_item);
                for (path, expr) in set {
                    if let Some(value) = eval(expr, &scope).filter(|v| !v.is_null()) {
                        path::write(&mut record, path, &value);
                    }
                }
            }
            let Value::Object(mut record) = record else { return Err(inconsistent("a record is an object")) };
            fill_new(&mut self.tx, def, &mut record, status, self.call.now);
            if let Some(parent) = self.engine.parent_of(def) {
                let key = parent_key(parent, &record);
                if key.is_none_or(|key| self.tx.store().get(parent.name, &key).is_none()) {
                    return Err(parent.missing.unwrap_or(SYSTEM_ERROR));
                }
            }
            let key = key_of(def, &record)
                .ok_or_else(|| inconsistent(&format!("a `{resource}` record without its key")))?;
            if let Some(old) = self.tx.store().get(resource, &key).cloned() {
                match existing {
                    Existing::Replace => {}
                    Existing::Merge => {
                        let mut merged = Value::Object(old.clone());
                        path::merge(&mut merged, &[], &Value::Object(record.clone()));
                        if let Value::Object(mut merged) = merged {
                            merged.insert(
                                "created".to_owned(),
                                old.get("created").cloned().unwrap_or(Value::Null),
                            );
                            record = merged;
                        }
                    }
                    Existing::Skip => {
                        skipped.push(if batch.is_some() { item.clone() } else { Value::Object(old.clone()) });
                        if batch.is_none() {
                            self.bind_record(alias, def, old);
                        }
                        continue;
                    }
                    Existing::Refuse(errcode) => return Err(errcode),
                }
            }
            self.tx.put(def.name, key, record.clone());
            made.push(record);
        }
        if batch.is_some() {
            let total = made.len();
            let items = made.into_iter().map(Value::Object).collect();
            self.bindings.insert(alias, Binding::Records { items, total, skipped });
            self.kinds.insert(alias, def);
        } else if let Some(record) = made.pop() {
            self.bind_record(alias, def, record);
        }
        Ok(())
    }

    fn update(&mut self, alias: &'static str, change: Change<'_>) -> Result<(), i64> {
        if let Some(Binding::Records { items, total, skipped }) = self.bindings.get(alias).cloned() {
            // A list a step named: each of its records changes alike.
            let def =
                *self.kinds.get(alias).ok_or_else(|| inconsistent(&format!("no list named `{alias}`")))?;
            let mut changed = Vec::with_capacity(items.len());
            for item in items {
                let Value::Object(item) = item else {
                    return Err(inconsistent("a listed record is an object"));
                };
                let key =
                    key_of(def, &item).ok_or_else(|| inconsistent("a listed record without its key"))?;
                let current = self
                    .tx
                    .store()
                    .get(def.name, &key)
                    .cloned()
                    .ok_or_else(|| inconsistent("a record was removed"))?;
                changed.push(Value::Object(self.change(def, &key, current, &change)?));
            }
            self.bindings.insert(alias, Binding::Records { items: changed, total, skipped });
            return Ok(());
        }
        let (def, old_key, record) = self.bound_record(alias)?;
        let record = self.change(def, &old_key, record, &change)?;
        self.bind_record(alias, def, record);
        Ok(())
    }

    /// Applies `change` to `record` (of `def`, held under `old_key`) and keeps it: the record
    /// as it is now, or the errcode of a bound, a move or a key the change may not make.
    fn change(
        &mut self,
        def: &'static ResourceDef,
        old_key: &str,
        mut record: Record,
        change: &Change<'_>,
    ) -> Result<Record, i64> {
        let mut value = Value::Object(record.clone());
        for (path, expr) in change.merge {
            if let Some(new) = self.eval(expr).filter(Value::is_object) {
                path::merge(&mut value, path, &new);
            }
        }
        for (path, expr) in change.add {
            if let Some(amount) = self.eval(expr).as_ref().and_then(path::integer) {
                path::change(&mut value, path, &mut |slot| {
                    let before = path::integer(slot).unwrap_or(0);
                    *slot = Value::from(before.saturating_add(amount));
                });
            }
        }
        for (path, expr) in change.set {
            // The literal `null` clears the field (a refusal's `reason` when the record goes
            // back to review); an expression that reads nothing (an optional request field
            // left out) changes nothing.
            if matches!(expr, Expr::Literal(crate::state_model::Literal::Null)) {
                path::remove(&mut value, path);
            } else if let Some(new) = self.eval(expr).filter(|v| !v.is_null()) {
                path::write(&mut value, path, &new);
            }
        }
        for (path, bound) in change.bounds {
            check_bound(&value, path, bound)?;
        }
        if let Some(status) = change.status.and_then(|expr| self.eval(expr)) {
            let status = status.as_str().unwrap_or_default().to_owned();
            let current = value.get("status").and_then(Value::as_str).unwrap_or_default().to_owned();
            if !may_move(def, &current, &status) {
                let code = change
                    .forbidden
                    .iter()
                    .find(|(from, _)| *from == current)
                    .or_else(|| change.forbidden.iter().find(|(from, _)| *from == "*"))
                    .map_or(SYSTEM_ERROR, |(_, code)| *code);
                return Err(code);
            }
            path::write(&mut value, &[crate::state_model::Segment::Key("status")], &Value::from(status));
        }
        let Value::Object(changed) = value else { return Err(inconsistent("a record is an object")) };
        record = changed;
        record.insert("updated".to_owned(), Value::from(self.call.now));
        let new_key = key_of(def, &record).ok_or_else(|| inconsistent("an update removed a key field"))?;
        if new_key == old_key {
            self.tx.put(def.name, new_key, record.clone());
        } else {
            if self.tx.store().get(def.name, &new_key).is_some() {
                return Err(change.taken.unwrap_or(SYSTEM_ERROR));
            }
            self.tx.rekey(def.name, old_key, new_key, record.clone());
        }
        Ok(record)
    }

    /// The resource, key and current value of the record `alias` names.
    fn bound_record(&self, alias: &str) -> Result<(&'static ResourceDef, Key, Record), i64> {
        let def =
            *self.kinds.get(alias).ok_or_else(|| inconsistent(&format!("no record named `{alias}`")))?;
        let Some(Binding::Record(Value::Object(record))) = self.bindings.get(alias) else {
            return Err(inconsistent(&format!("`{alias}` names no record")));
        };
        let key = key_of(def, record).ok_or_else(|| inconsistent("a record without its key"))?;
        let current = self
            .tx
            .store()
            .get(def.name, &key)
            .cloned()
            .ok_or_else(|| inconsistent("a record was removed"))?;
        Ok((def, key, current))
    }

    fn delete(&mut self, alias: &'static str) -> Result<(), i64> {
        if let Some(Binding::Records { items, .. }) = self.bindings.get(alias) {
            // A list (a `list`, or the records a create with `each` made): every record of
            // it that is still there.
            let def =
                *self.kinds.get(alias).ok_or_else(|| inconsistent(&format!("no list named `{alias}`")))?;
            for item in items.clone() {
                if let Value::Object(record) = item
                    && let Some(key) = key_of(def, &record)
                    && let Some(current) = self.tx.store().get(def.name, &key).cloned()
                {
                    self.remove_with_children(def, &key, &current);
                }
            }
            return Ok(());
        }
        let (def, key, record) = self.bound_record(alias)?;
        self.remove_with_children(def, &key, &record);
        Ok(())
    }

    fn remove_with_children(&mut self, def: &'static ResourceDef, key: &str, record: &Record) {
        self.tx.remove(def.name, key);
        for child in self.engine.resources.iter().filter(|r| r.parent == Some(def.name)) {
            let children: Vec<Record> = self
                .tx
                .store()
                .matching(child.name, |c| def.key.iter().all(|f| same(c.get(*f), record.get(*f))))
                .into_iter()
                .cloned()
                .collect();
            for grandchild in children {
                if let Some(child_key) = key_of(child, &grandchild) {
                    self.remove_with_children(child, &child_key, &grandchild);
                }
            }
        }
    }

    fn list(
        &mut self,
        resource: &'static str,
        alias: &'static str,
        query: Query<'_>,
        newest_first: Option<&Expr>,
        offset: Option<&Expr>,
        limit: Option<&Expr>,
    ) -> Result<(), i64> {
        let def = self.resource(resource)?;
        let mut found = self.query(resource, query);
        if newest_first.is_some_and(|newest| truthy(self.eval(newest).as_ref())) {
            found.reverse();
        }
        let total = found.len();
        let number = |expr: Option<&Expr>| {
            expr.and_then(|e| self.eval(e))
                .as_ref()
                .and_then(path::integer)
                .map(|n| usize::try_from(n.max(0)).unwrap_or(0))
        };
        let offset = number(offset).unwrap_or(0);
        let limit = number(limit).unwrap_or(usize::MAX);
        let items = found.into_iter().skip(offset).take(limit).map(Value::Object).collect();
        self.bindings.insert(alias, Binding::Records { items, total, skipped: Vec::new() });
        self.kinds.insert(alias, def);
        Ok(())
    }

    fn answer(&mut self, from: Option<&str>, fields: &[(Path, Expr)]) -> Result<(), i64> {
        if let Some(from) = from {
            match self.bindings.get(from) {
                Some(Binding::Record(Value::Object(record))) => {
                    for field in self.call.response {
                        if let Some(value) = record.get(field.name) {
                            self.outcome.answer.insert(field.name.to_owned(), value.clone());
                        }
                    }
                }
                Some(_) => {}
                None => return Err(inconsistent(&format!("no record named `{from}`"))),
            }
        }
        let mut answer = Value::Object(std::mem::take(&mut self.outcome.answer));
        for (path, expr) in fields {
            if let Some(value) = self.eval(expr) {
                path::write(&mut answer, path, &value);
            }
        }
        if let Value::Object(answer) = answer {
            self.outcome.answer = answer;
        }
        Ok(())
    }

    fn push(&mut self, event: &'static str, fields: &[(&'static str, Expr)]) -> Result<(), i64> {
        let def = self
            .engine
            .events
            .iter()
            .find(|e| e.event == event)
            .ok_or_else(|| inconsistent(&format!("no event `{event}`")))?;
        let given: HashMap<&str, String> =
            fields.iter().filter_map(|(name, expr)| Some((*name, text(&self.eval(expr)?)))).collect();
        let elements = def
            .elements
            .iter()
            .map(|(name, integer)| {
                let value = given
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| if *integer { "0".to_owned() } else { String::new() });
                (*name, value)
            })
            .collect();
        self.outcome.pushes.push(Push { event, from: given.get("FromUserName").cloned(), elements });
        Ok(())
    }
}

/// Which records a `list` or `count` takes.
#[derive(Clone, Copy)]
struct Query<'s> {
    /// Field = the value it must equal (any item of a list).
    filter: &'s [(&'static str, Expr)],
    /// True of the records kept, each read as `item`.
    keep: Option<&'s Expr>,
}

/// The parts of an update step.
struct Change<'s> {
    merge: &'s [(Path, Expr)],
    add: &'s [(Path, Expr)],
    set: &'s [(Path, Expr)],
    status: Option<&'s Expr>,
    forbidden: &'s [(&'static str, i64)],
    bounds: &'s [(Path, Bound)],
    taken: Option<i64>,
}

/// A new record's status, times and fresh key values.
fn fill_new(
    tx: &mut Transaction<'_>,
    def: &ResourceDef,
    record: &mut Record,
    status: Option<&str>,
    now: i64,
) {
    if let Some(statuses) = def.statuses
        && record.get("status").is_none_or(Value::is_null)
    {
        record.insert("status".to_owned(), Value::from(status.unwrap_or(statuses.initial)));
    }
    // A seeded record may state its times (an example's `given`); a created one never does.
    record.entry("created").or_insert(Value::from(now));
    record.entry("updated").or_insert(Value::from(now));
    for field in def.key {
        if record.get(*field).is_none_or(Value::is_null) && def.fresh.iter().any(|(name, _)| name == field) {
            let fresh = tx.fresh(def, field);
            record.insert((*field).to_owned(), fresh);
        }
    }
}

/// The key of `record`'s parent: the parent's key fields, which the record has too.
fn parent_key(parent: &ResourceDef, record: &Record) -> Option<Key> {
    key_of(parent, record)
}

/// Whether a record of `def` may move from `current` to `next`.
fn may_move(def: &ResourceDef, current: &str, next: &str) -> bool {
    let Some(statuses) = def.statuses else { return true };
    if !statuses.values.contains(&next) {
        return false;
    }
    let Some(transitions) = statuses.transitions else { return true };
    transitions.iter().any(|(from, to)| *from == current && to.contains(&next))
}

fn check_bound(value: &Value, path: &[crate::state_model::Segment], bound: &Bound) -> Result<(), i64> {
    let Some(number) = path::read(value, path).as_ref().and_then(path::integer) else { return Ok(()) };
    let below = bound.minimum.is_some_and(|min| number < min);
    let above = bound.maximum.is_some_and(|max| number > max);
    if below || above { Err(bound.errcode) } else { Ok(()) }
}

/// Whether a record's value matches a filter's: equal, or equal to an item of a list (unless
/// the record's value is a list itself).
fn matches(value: Option<&Value>, wanted: &Value) -> bool {
    match (value, wanted) {
        (Some(Value::Array(_)), _) | (_, Value::Object(_)) => same(value, Some(wanted)),
        (_, Value::Array(items)) => items.iter().any(|item| same(value, Some(item))),
        _ => same(value, Some(wanted)),
    }
}

/// The items an `each` goes over: a list's items, a single value as one, nothing when absent.
fn items(value: Option<Value>) -> Vec<Value> {
    match value {
        Some(Value::Array(items)) => items,
        Some(Value::Null) | None => Vec::new(),
        Some(value) => vec![value],
    }
}

/// A value as an element's text.
fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Bool(flag) => if *flag { "1" } else { "0" }.to_owned(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The answer shaped as the response declares, completed from the example.
fn finish_answer(answer: Map<String, Value>, call: &Call<'_>) -> Map<String, Value> {
    let mut shaped = shape::shaped_object(call.types, &answer, call.response);
    shape::complete(call.types, &mut shaped, call.response, call.example);
    shaped
}

/// Logs tables that contradict themselves, which the generator should have refused.
fn inconsistent(what: &str) -> i64 {
    tracing::error!(problem = what, "the mock's state tables are inconsistent; answering a system error");
    SYSTEM_ERROR
}

#[cfg(test)]
mod tests;
