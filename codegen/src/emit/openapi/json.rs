//! A JSON value whose objects keep their keys in the order they were written, so the document
//! reads in the order OpenAPI's own examples use (`openapi`, `info`, `paths`, ...) and the
//! same spec always prints the same text.
//!
//! Not `serde_json::Value`: without serde_json's `preserve_order` feature its objects sort
//! their keys, and turning the feature on in the generator would turn it on for every crate of
//! the workspace built beside it (cargo unifies features), changing how the mock and the client
//! order the JSON they write.

use std::collections::HashMap;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// A JSON value with ordered objects.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A whole number that fits an `i64`.
    Int(i64),
    /// A whole number above `i64::MAX`.
    UInt(u64),
    /// Any other number.
    Float(f64),
    /// A string.
    Str(String),
    /// A list.
    Array(Vec<Json>),
    /// An object, its keys in the order written.
    Object(Object),
}

/// An object's members, in the order written; a key written again replaces its value in place.
/// Keys of a large object are found through an index, so an object of thousands of members
/// (the document's schemas) is built in time linear in its size; most objects have a handful
/// of members, found faster by looking at each than by hashing, and cheaper to drop.
#[derive(Debug, Clone, Default)]
pub(crate) struct Object {
    members: Vec<(String, Json)>,
    /// Each key's position in `members`, once there are [`Object::INDEXED`] members; empty
    /// before.
    index: HashMap<String, usize>,
}

impl PartialEq for Object {
    fn eq(&self, other: &Self) -> bool {
        self.members == other.members
    }
}

impl Object {
    /// An empty object.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Sets `key`, keeping its place when it is already there.
    pub(crate) fn insert(&mut self, key: &str, value: impl Into<Json>) {
        let value = value.into();
        match self.position(key) {
            Some(at) => self.members[at].1 = value,
            None => {
                if !self.index.is_empty() {
                    self.index.insert(key.to_owned(), self.members.len());
                }
                self.members.push((key.to_owned(), value));
                if self.members.len() == Self::INDEXED {
                    self.index =
                        self.members.iter().enumerate().map(|(at, (key, _))| (key.clone(), at)).collect();
                }
            }
        }
    }

    /// The number of members from which keys are found through the index.
    const INDEXED: usize = 16;

    /// Where `key` is in `members`.
    fn position(&self, key: &str) -> Option<usize> {
        if self.index.is_empty() {
            self.members.iter().position(|(k, _)| k == key)
        } else {
            self.index.get(key).copied()
        }
    }

    /// [`Object::insert`], by value, for building an object in one expression.
    pub(crate) fn with(mut self, key: &str, value: impl Into<Json>) -> Self {
        self.insert(key, value);
        self
    }

    /// Sets `key` when there is a value.
    pub(crate) fn insert_some(&mut self, key: &str, value: Option<impl Into<Json>>) {
        if let Some(value) = value {
            self.insert(key, value);
        }
    }

    /// The value of `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&Json> {
        self.position(key).map(|at| &self.members[at].1)
    }

    /// The value of `key`, to change in place.
    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut Json> {
        self.position(key).map(|at| &mut self.members[at].1)
    }

    /// Sets every member of `other`, in its order.
    pub(crate) fn extend(&mut self, other: Object) {
        for (key, value) in other.members {
            self.insert(&key, value);
        }
    }

    /// True when the object has no member.
    pub(crate) fn is_empty(&self) -> bool {
        self.members.is_empty()
    }
}

impl Json {
    /// The document as text: two-space indents, a final newline.
    pub(crate) fn pretty(&self) -> String {
        // Writing to a String cannot fail and every value here is representable (a float that
        // is not finite never comes from the spec).
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The member `key` of an object.
    pub(crate) fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Self::Object(object) => object.get(key),
            _ => None,
        }
    }

    /// A list of strings.
    pub(crate) fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> Self {
        Self::Array(items.into_iter().map(Self::from).collect())
    }
}

impl From<Object> for Json {
    fn from(object: Object) -> Self {
        Self::Object(object)
    }
}

impl From<&str> for Json {
    fn from(text: &str) -> Self {
        Self::Str(text.to_owned())
    }
}

impl From<String> for Json {
    fn from(text: String) -> Self {
        Self::Str(text)
    }
}

impl From<&String> for Json {
    fn from(text: &String) -> Self {
        Self::Str(text.clone())
    }
}

impl From<bool> for Json {
    fn from(value: bool) -> Self {
        Self::Bool(value)
    }
}

impl From<i64> for Json {
    fn from(value: i64) -> Self {
        Self::Int(value)
    }
}

impl From<u64> for Json {
    fn from(value: u64) -> Self {
        i64::try_from(value).map_or(Self::UInt(value), Self::Int)
    }
}

impl From<Vec<Json>> for Json {
    fn from(items: Vec<Json>) -> Self {
        Self::Array(items)
    }
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Null => serializer.serialize_unit(),
            Self::Bool(value) => serializer.serialize_bool(*value),
            Self::Int(value) => serializer.serialize_i64(*value),
            Self::UInt(value) => serializer.serialize_u64(*value),
            Self::Float(value) => serializer.serialize_f64(*value),
            Self::Str(text) => serializer.serialize_str(text),
            Self::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Self::Object(object) => {
                let mut map = serializer.serialize_map(Some(object.members.len()))?;
                for (key, value) in &object.members {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

/// Reads any JSON, keeping object keys in the order of the text: the spec's examples appear
/// as their authors wrote them.
impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Json, E> {
        Ok(Json::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Json, E> {
        Ok(Json::Int(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Json, E> {
        Ok(Json::from(value))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Json, E> {
        Ok(Json::Float(value))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Json, E> {
        Ok(Json::from(text))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Json, E> {
        Ok(Json::Str(text))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut object = Object::new();
        while let Some((key, value)) = map.next_entry::<String, Json>()? {
            object.insert(&key, value);
        }
        Ok(Json::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_keep_the_order_written_and_print_two_space_indents() {
        let read: Json =
            serde_json::from_str(r#"{"z": 1, "a": [true, null], "m": {"y": "x", "b": 2.5}}"#).expect("JSON");
        let printed = concat!(
            "{\n  \"z\": 1,\n  \"a\": [\n    true,\n    null\n  ],\n",
            "  \"m\": {\n    \"y\": \"x\",\n    \"b\": 2.5\n  }\n}\n",
        );
        assert_eq!(read.pretty(), printed);
    }

    #[test]
    fn a_key_written_again_keeps_its_place() {
        let object = Object::new().with("a", 1_i64).with("b", 2_i64).with("a", 3_i64);
        assert_eq!(Json::from(object).pretty(), "{\n  \"a\": 3,\n  \"b\": 2\n}\n");
    }

    #[test]
    fn keys_are_found_the_same_before_and_after_the_object_is_indexed() {
        let mut object = Object::new();
        let count = Object::INDEXED as i64 * 2;
        for i in 0..count {
            object.insert(&format!("k{i}"), i);
            // Every key so far is found, and a key written again keeps its place.
            object.insert("k0", -i);
            assert_eq!(object.get("k0"), Some(&Json::Int(-i)));
            assert_eq!(object.get(&format!("k{i}")), Some(&Json::from(if i == 0 { 0 } else { i })));
            assert_eq!(object.get("missing"), None);
        }
        if let Some(value) = object.get_mut("k5") {
            *value = Json::Null;
        }
        let keys: Vec<&str> = object.members.iter().map(|(k, _)| k.as_str()).collect();
        let expected: Vec<String> = (0..count).map(|i| format!("k{i}")).collect();
        assert_eq!(keys, expected);
        assert_eq!(object.get("k5"), Some(&Json::Null));
    }

    #[test]
    fn large_unsigned_numbers_stay_whole() {
        let read: Json = serde_json::from_str("18446744073709551615").expect("valid JSON");
        assert_eq!(read, Json::UInt(u64::MAX));
        assert_eq!(Json::from(5_u64), Json::Int(5));
    }
}
