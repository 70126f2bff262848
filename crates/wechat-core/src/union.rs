//! Encoding and decoding of the spec's unions: objects whose tag field (`card_type`) says
//! which variant they hold and where. The generated enums call these; a tag this version does
//! not know decodes to [`UnknownVariant`], which keeps the object whole and writes it back
//! unchanged.

use std::fmt;

use serde::de::{DeserializeOwned, Error as _};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// An object whose tag names a variant the SDK does not know: the tag and every key, as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownVariant {
    tag: String,
    object: Map<String, Value>,
}

impl UnknownVariant {
    /// The tag's value, e.g. a `card_type` WeChat added after this SDK was generated.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// The whole object, tag included.
    pub fn object(&self) -> &Map<String, Value> {
        &self.object
    }

    /// An object to send with a tag the SDK has no variant for, sent as it is. Its tag is
    /// the string at `tag_key` in `object` (`card_type` for a card); `None` when there is no
    /// string there.
    pub fn new(tag_key: &str, object: Map<String, Value>) -> Option<Self> {
        let tag = object.get(tag_key)?.as_str()?.to_owned();
        Some(Self { tag, object })
    }
}

impl Serialize for UnknownVariant {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.object.serialize(serializer)
    }
}

/// A union's object, read: its tag, and the rest, from which the variant is taken.
#[derive(Debug)]
pub struct Tagged {
    tag_key: &'static str,
    tag: String,
    object: Map<String, Value>,
}

impl Tagged {
    /// Reads an object and its tag field `tag_key`, which must be present and a string.
    pub fn read<'de, D: Deserializer<'de>>(deserializer: D, tag_key: &'static str) -> Result<Self, D::Error> {
        let object = Map::<String, Value>::deserialize(deserializer)?;
        let tag = match object.get(tag_key) {
            Some(Value::String(tag)) => tag.clone(),
            // WeChat writes some tags as numbers; they name variants all the same.
            Some(Value::Number(n)) => n.to_string(),
            Some(other) => {
                return Err(D::Error::custom(format_args!(
                    "`{tag_key}` must be a string, found {}",
                    kind(other)
                )));
            }
            None => return Err(D::Error::custom(format_args!("missing the tag field `{tag_key}`"))),
        };
        Ok(Self { tag_key, tag, object })
    }

    /// The tag's value.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// The variant held under `key` (a path of keys, e.g. `["action_info", "card"]`).
    pub fn sibling<T: DeserializeOwned, E: serde::de::Error>(mut self, key: &[&str]) -> Result<T, E> {
        let path = Path(key);
        let (first, rest) = key.split_first().ok_or_else(|| E::custom("a sibling variant needs a key"))?;
        let mut value = self.object.remove(*first).ok_or_else(|| {
            E::custom(format_args!("`{}` is \"{}\", but `{path}` is missing", self.tag_key, self.tag))
        })?;
        for part in rest {
            value = match value {
                Value::Object(mut inner) => inner.remove(*part),
                _ => None,
            }
            .ok_or_else(|| {
                E::custom(format_args!("`{}` is \"{}\", but `{path}` is missing", self.tag_key, self.tag))
            })?;
        }
        crate::lenient::from_value(value).map_err(|e| E::custom(format_args!("{path}: {e}")))
    }

    /// The variant whose fields sit beside the tag.
    pub fn internal<T: DeserializeOwned, E: serde::de::Error>(self) -> Result<T, E> {
        crate::lenient::from_value(Value::Object(self.object)).map_err(E::custom)
    }

    /// The object as it was, for a tag the SDK does not know.
    pub fn into_unknown(self) -> UnknownVariant {
        UnknownVariant { tag: self.tag, object: self.object }
    }
}

/// Writes `{tag_key: tag, key[0]: {key[1]: ... value}}`.
#[doc(hidden)] // Called by the generated unions, not part of the API.
pub fn serialize_sibling<S: Serializer, T: Serialize>(
    serializer: S,
    tag_key: &str,
    tag: &str,
    key: &[&str],
    value: &T,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(2))?;
    map.serialize_entry(tag_key, tag)?;
    match key.split_first() {
        Some((first, rest)) => map.serialize_entry(*first, &Nested { key: rest, value })?,
        None => return Err(serde::ser::Error::custom("a sibling variant needs a key")),
    }
    map.end()
}

/// Writes the variant's fields with `tag_key: tag` first.
#[doc(hidden)] // Called by the generated unions, not part of the API.
pub fn serialize_internal<S: Serializer, T: Serialize>(
    serializer: S,
    tag_key: &str,
    tag: &str,
    value: &T,
) -> Result<S::Ok, S::Error> {
    let Value::Object(fields) = serde_json::to_value(value).map_err(serde::ser::Error::custom)? else {
        return Err(serde::ser::Error::custom("an internal variant must be an object"));
    };
    let mut map = serializer.serialize_map(Some(fields.len() + 1))?;
    map.serialize_entry(tag_key, tag)?;
    for (key, value) in fields.iter().filter(|(key, _)| key.as_str() != tag_key) {
        map.serialize_entry(key, value)?;
    }
    map.end()
}

/// `value` under the remaining keys of a nested path.
struct Nested<'a, T> {
    key: &'a [&'a str],
    value: &'a T,
}

impl<T: Serialize> Serialize for Nested<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.key.split_first() {
            None => self.value.serialize(serializer),
            Some((first, rest)) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry(*first, &Nested { key: rest, value: self.value })?;
                map.end()
            }
        }
    }
}

struct Path<'a>(&'a [&'a str]);

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("."))
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use serde_json::json;

    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Card {
        id: String,
    }

    #[derive(Debug, PartialEq)]
    enum Action {
        Card(Card),
        Unknown(UnknownVariant),
    }

    impl Serialize for Action {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            match self {
                Self::Card(v) => serialize_sibling(serializer, "action", "CARD", &["info", "card"], v),
                Self::Unknown(v) => v.serialize(serializer),
            }
        }
    }

    impl<'de> Deserialize<'de> for Action {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let tagged = Tagged::read(deserializer, "action")?;
            match tagged.tag() {
                "CARD" => tagged.sibling(&["info", "card"]).map(Self::Card),
                _ => Ok(Self::Unknown(tagged.into_unknown())),
            }
        }
    }

    #[test]
    fn a_nested_sibling_round_trips() {
        let wire = json!({"action": "CARD", "info": {"card": {"id": "c1"}}});
        let action: Action = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(action, Action::Card(Card { id: "c1".into() }));
        assert_eq!(serde_json::to_value(&action).unwrap(), wire);
    }

    #[test]
    fn an_unknown_tag_keeps_the_object_and_writes_it_back() {
        let wire = json!({"action": "NEW", "info": {"new": [1, 2]}, "extra": true});
        let action: Action = serde_json::from_value(wire.clone()).unwrap();
        let Action::Unknown(unknown) = &action else { panic!("{action:?}") };
        assert_eq!(unknown.tag(), "NEW");
        assert_eq!(serde_json::to_value(&action).unwrap(), wire);
    }

    #[test]
    fn a_missing_variant_or_tag_says_where() {
        let error = serde_json::from_value::<Action>(json!({"action": "CARD", "info": {}})).unwrap_err();
        assert_eq!(error.to_string(), "`action` is \"CARD\", but `info.card` is missing");
        let error = serde_json::from_value::<Action>(json!({"info": {}})).unwrap_err();
        assert_eq!(error.to_string(), "missing the tag field `action`");
        let error =
            serde_json::from_value::<Action>(json!({"action": "CARD", "info": {"card": {}}})).unwrap_err();
        assert_eq!(error.to_string(), "info.card: missing field `id`");
    }

    #[test]
    fn internal_variants_put_the_tag_first() {
        struct Text(Card);
        impl Serialize for Text {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serialize_internal(serializer, "type", "text", &self.0)
            }
        }
        let text = serde_json::to_string(&Text(Card { id: "x".into() })).unwrap();
        assert_eq!(text, r#"{"type":"text","id":"x"}"#);
    }

    #[test]
    fn an_unknown_variant_takes_its_tag_from_the_object() {
        let object = json!({"card_type": "NEW_KIND", "new_kind": {"x": 1}});
        let Value::Object(object) = object else { unreachable!("an object literal") };
        let unknown = UnknownVariant::new("card_type", object.clone()).expect("the tag is a string");
        assert_eq!((unknown.tag(), unknown.object()), ("NEW_KIND", &object));
        assert_eq!(serde_json::to_value(&unknown).unwrap(), Value::Object(object.clone()));
        assert_eq!(UnknownVariant::new("kind", object), None, "no tag field");
        let Value::Object(numeric) = json!({"card_type": 3}) else { unreachable!("an object literal") };
        assert_eq!(UnknownVariant::new("card_type", numeric), None, "a tag that is no string");
    }
}
