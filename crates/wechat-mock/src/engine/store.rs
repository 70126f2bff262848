//! The records the mock keeps, by resource and key, and the transaction a call's steps run in:
//! every change is journalled, so a step that answers an errcode leaves the store as the call
//! found it.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::state_model::{Fresh, ResourceDef};

/// One record: its fields, `status`, `created` and `updated` included.
pub(crate) type Record = Map<String, Value>;

/// A record's key: its key fields' values as JSON text, joined.
pub(crate) type Key = String;

/// A record and when it was made, for listing in creation order.
#[derive(Debug, Clone)]
struct Entry {
    order: u64,
    record: Record,
}

/// The records of one resource.
#[derive(Debug, Default, Clone)]
struct Kind {
    records: BTreeMap<Key, Entry>,
    /// The last number a `sequence` key was given.
    sequence: i64,
}

/// Every record the mock keeps.
#[derive(Debug, Default)]
pub(crate) struct Store {
    kinds: BTreeMap<&'static str, Kind>,
    /// Records made so far, for their creation order.
    made: u64,
}

/// What undoes one change.
enum Undo {
    Record { kind: &'static str, key: Key, previous: Option<Entry> },
    Sequence { kind: &'static str, previous: i64 },
    Made(u64),
}

/// The key of `record` as `resource` declares it; `None` when a key field is missing.
pub(crate) fn key_of(resource: &ResourceDef, record: &Record) -> Option<Key> {
    let mut key = String::new();
    for (index, field) in resource.key.iter().enumerate() {
        if index > 0 {
            key.push('\u{1f}');
        }
        match record.get(*field) {
            Some(Value::Null) | None => return None,
            Some(Value::String(text)) => key.push_str(text),
            Some(other) => key.push_str(&other.to_string()),
        }
    }
    Some(key)
}

impl Store {
    /// The record of `kind` under `key`.
    pub(crate) fn get(&self, kind: &str, key: &str) -> Option<&Record> {
        self.kinds.get(kind)?.records.get(key).map(|entry| &entry.record)
    }

    /// Every record of `kind` `accept` takes, in creation order.
    pub(crate) fn matching(&self, kind: &str, accept: impl Fn(&Record) -> bool) -> Vec<&Record> {
        let Some(records) = self.kinds.get(kind) else { return Vec::new() };
        let mut found: Vec<&Entry> = records.records.values().filter(|e| accept(&e.record)).collect();
        found.sort_by_key(|entry| entry.order);
        found.into_iter().map(|entry| &entry.record).collect()
    }

    /// Every record of `kind`, in creation order.
    pub(crate) fn all(&self, kind: &str) -> Vec<&Record> {
        self.matching(kind, |_| true)
    }

    /// Starts a transaction.
    pub(crate) fn begin(&mut self) -> Transaction<'_> {
        Transaction { store: self, undo: Vec::new() }
    }
}

/// Changes to the store that are kept only when [`commit`](Self::commit)ted.
pub(crate) struct Transaction<'a> {
    store: &'a mut Store,
    undo: Vec<Undo>,
}

impl Transaction<'_> {
    /// The store as changed so far.
    pub(crate) fn store(&self) -> &Store {
        self.store
    }

    /// Puts `record` under `key`, replacing any record there; keeps its creation order when
    /// it replaces one.
    pub(crate) fn put(&mut self, kind: &'static str, key: Key, record: Record) {
        let records = &mut self.store.kinds.entry(kind).or_default().records;
        let previous = records.get(&key).cloned();
        let order = match &previous {
            Some(entry) => entry.order,
            None => {
                self.undo.push(Undo::Made(self.store.made));
                self.store.made += 1;
                self.store.made
            }
        };
        let records = &mut self.store.kinds.entry(kind).or_default().records;
        records.insert(key.clone(), Entry { order, record });
        self.undo.push(Undo::Record { kind, key, previous });
    }

    /// Moves the record under `from` to `to` (a key field changed), with `record` as its new
    /// value; it keeps its place in the creation order.
    pub(crate) fn rekey(&mut self, kind: &'static str, from: &str, to: Key, record: Record) {
        let Some(previous) = self.remove_entry(kind, from) else {
            self.put(kind, to, record);
            return;
        };
        let records = &mut self.store.kinds.entry(kind).or_default().records;
        let replaced = records.insert(to.clone(), Entry { order: previous.order, record });
        self.undo.push(Undo::Record { kind, key: to, previous: replaced });
    }

    fn remove_entry(&mut self, kind: &'static str, key: &str) -> Option<Entry> {
        let previous = self.store.kinds.get_mut(kind)?.records.remove(key)?;
        self.undo.push(Undo::Record { kind, key: key.to_owned(), previous: Some(previous.clone()) });
        Some(previous)
    }

    /// Removes the record under `key`, if any.
    pub(crate) fn remove(&mut self, kind: &'static str, key: &str) -> Option<Record> {
        self.remove_entry(kind, key).map(|entry| entry.record)
    }

    /// A fresh value for the key field `field` of `resource`, held by no record yet.
    pub(crate) fn fresh(&mut self, resource: &ResourceDef, field: &str) -> Value {
        match resource.fresh.iter().find(|(name, _)| *name == field).map(|(_, fresh)| *fresh) {
            Some(Fresh::Sequence) => {
                let kind = self.store.kinds.entry(resource.name).or_default();
                self.undo.push(Undo::Sequence { kind: resource.name, previous: kind.sequence });
                // The next number no record holds: a seeded record may hold any.
                loop {
                    kind.sequence += 1;
                    let number = Value::from(kind.sequence);
                    if !kind.records.values().any(|entry| entry.record.get(field) == Some(&number)) {
                        return number;
                    }
                }
            }
            Some(Fresh::Like(example)) => Value::String(fresh_like(example)),
            None => Value::String(fresh_like("")),
        }
    }

    /// Keeps every change.
    pub(crate) fn commit(mut self) {
        self.undo.clear();
    }
}

impl Drop for Transaction<'_> {
    /// Undoes every change not committed, newest first.
    fn drop(&mut self) {
        while let Some(undo) = self.undo.pop() {
            match undo {
                Undo::Record { kind, key, previous } => {
                    let records = &mut self.store.kinds.entry(kind).or_default().records;
                    match previous {
                        Some(entry) => {
                            records.insert(key, entry);
                        }
                        None => {
                            records.remove(&key);
                        }
                    }
                }
                Undo::Sequence { kind, previous } => {
                    self.store.kinds.entry(kind).or_default().sequence = previous
                }
                Undo::Made(made) => self.store.made = made,
            }
        }
    }
}

/// A random id shaped like `example`: its first character and its length, of digits only
/// when the example has only digits; `mock` and 24 characters without an example.
pub(crate) fn fresh_like(example: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    const DIGITS: &[u8] = b"0123456789";
    let length = example.chars().count();
    let (mut id, alphabet) = match example.chars().next() {
        Some(_) if length > 1 && example.chars().all(|c| c.is_ascii_digit()) => {
            // A leading zero would read as another number once parsed.
            (char::from(b'1' + fastrand::u8(..9)).to_string(), DIGITS)
        }
        Some(first) if length > 1 => (first.to_string(), ALPHABET),
        _ => ("mock".to_owned(), ALPHABET),
    };
    let length = if length > 1 { length } else { 28 };
    while id.chars().count() < length {
        id.push(char::from(alphabet[fastrand::usize(..alphabet.len())]));
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    static CODE: ResourceDef = ResourceDef {
        name: "code",
        group: "card_code",
        doc: "A code.",
        key: &["card_id", "code"],
        fields: &[],
        types: &crate::spec_table::Schema::EMPTY,
        parent: None,
        missing: Some(40056),
        fresh: &[("code", Fresh::Like("812345678901")), ("n", Fresh::Sequence)],
        statuses: None,
    };

    fn record(card_id: &str, code: &str) -> Record {
        serde_json::json!({"card_id": card_id, "code": code}).as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn a_composite_key_joins_its_fields_and_needs_them_all() {
        assert_eq!(key_of(&CODE, &record("p1", "123")).as_deref(), Some("p1\u{1f}123"));
        let mut partial = record("p1", "123");
        partial.remove("code");
        assert_eq!(key_of(&CODE, &partial), None);
    }

    #[test]
    fn an_uncommitted_transaction_leaves_the_store_as_it_was() {
        let mut store = Store::default();
        {
            let mut tx = store.begin();
            tx.put("code", "a".into(), record("p1", "1"));
            tx.commit();
        }
        {
            let mut tx = store.begin();
            tx.put("code", "a".into(), record("p1", "changed"));
            tx.put("code", "b".into(), record("p1", "2"));
            assert_eq!(tx.fresh(&CODE, "n"), Value::from(1));
            assert!(tx.remove("code", "a").is_some());
        }
        assert_eq!(store.all("code"), vec![&record("p1", "1")]);
        let mut tx = store.begin();
        assert_eq!(tx.fresh(&CODE, "n"), Value::from(1), "the sequence was rolled back too");
        tx.put("code", "c".into(), record("p1", "3"));
        tx.put("code", "a".into(), record("p1", "1b"));
        tx.commit();
        let codes: Vec<&str> = store.all("code").iter().filter_map(|r| r["code"].as_str()).collect();
        assert_eq!(codes, ["1b", "3"], "creation order, a replaced record keeping its place");
    }

    #[test]
    fn a_sequence_skips_the_numbers_records_hold() {
        let mut store = Store::default();
        let mut tx = store.begin();
        let held = serde_json::json!({"card_id": "p1", "code": "1", "n": 2});
        tx.put("code", "held".into(), held.as_object().cloned().unwrap_or_default());
        assert_eq!(tx.fresh(&CODE, "n"), Value::from(1));
        assert_eq!(tx.fresh(&CODE, "n"), Value::from(3), "2 is held");
    }

    #[test]
    fn fresh_ids_are_shaped_like_the_example() {
        let id = fresh_like("pbLatjk4T4Hx-QFQGL4zGQy27_Qg");
        assert_eq!((id.len(), id.starts_with('p')), (28, true));
        let digits = fresh_like("812345678901");
        assert!(digits.len() == 12 && digits.chars().all(|c| c.is_ascii_digit()) && !digits.starts_with('0'));
        assert!(fresh_like("").starts_with("mock"));
    }
}
