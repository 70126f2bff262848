//! What the generated structs' `Deserialize` impls call to read their fields from a map, and
//! their `Serialize` impls to write them.
//!
//! `wechat-card` writes each struct's `Deserialize` itself rather than through serde's derive:
//! the struct's `Deserialize::deserialize` hands its name and keys to this module's
//! [`deserialize`], whose one generic visitor calls the struct's [`FromMap::from_map`], the
//! only function of its own a struct writes; a [`Map`] reads the keys as positions in the
//! struct's table and the values into its slots. The derive's field enum, its three visitors
//! and the `visit_seq` no JSON answer uses were most of the crate's expanded code and a proc
//! macro expanded again at every build (BENCHMARKS.md has the figures). What a struct accepts
//! is what the derive accepted: unknown keys are skipped, a key twice is an error, a required
//! field left out is an error naming it, and an optional one left out is empty.
//!
//! Its `Serialize` is one chain through [`Struct`]: each field under its wire name in
//! declaration order, an optional one only when set, as the derive wrote them.
//!
//! Not an API to call by hand: its shape follows the generator's.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

/// How many fields a struct writes: `always`, and one per optional field set (`set`), as
/// serde's derive counted them for `serialize_struct`.
pub fn len(always: usize, set: &[bool]) -> usize {
    always + set.iter().filter(|set| **set).count()
}

/// Writes the optional field `key`: its value when set; when not, nothing (`skip_field`), as
/// serde's derive wrote a field with `skip_serializing_if = "Option::is_none"`.
pub fn optional<S: SerializeStruct, T: Serialize>(
    out: &mut S,
    key: &'static str,
    value: &Option<T>,
) -> Result<(), S::Error> {
    match value {
        Some(_) => out.serialize_field(key, value),
        None => out.skip_field(key),
    }
}

/// A struct being written by a generated `Serialize`: [`begin`](Self::begin), a
/// [`field`](Self::field) or [`optional`](Self::optional) per field, then [`end`](Self::end).
/// The first error stops the writing and is what `end` returns, so the impl is one
/// expression, without a `?` per field (each one a branch, a conversion and a return for the
/// compiler to check in every struct: BENCHMARKS.md).
#[must_use = "a struct is written only when `end()` is called"]
pub struct Struct<S: Serializer> {
    out: Result<S::SerializeStruct, S::Error>,
}

impl<S: Serializer> fmt::Debug for Struct<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Struct").field("failed", &self.out.is_err()).finish_non_exhaustive()
    }
}

impl<S: Serializer> Struct<S> {
    /// Starts the struct `name` of `len` fields (see [`len`]).
    pub fn begin(serializer: S, name: &'static str, len: usize) -> Self {
        Self { out: serializer.serialize_struct(name, len) }
    }

    /// Writes the field `key`.
    pub fn field<T: Serialize + ?Sized>(mut self, key: &'static str, value: &T) -> Self {
        if let Ok(out) = &mut self.out
            && let Err(error) = out.serialize_field(key, value)
        {
            self.out = Err(error);
        }
        self
    }

    /// Writes the optional field `key` as [`optional`] does: its value when set, nothing when
    /// not.
    pub fn optional<T: Serialize>(mut self, key: &'static str, value: &Option<T>) -> Self {
        if let Ok(out) = &mut self.out
            && let Err(error) = optional(out, key, value)
        {
            self.out = Err(error);
        }
        self
    }

    /// Ends the struct, or returns the first error met.
    pub fn end(self) -> Result<S::Ok, S::Error> {
        self.out?.end()
    }
}

/// A struct read from a map by [`deserialize`]: the one function a generated struct writes
/// for its `Deserialize`.
pub trait FromMap: Sized {
    /// Reads the struct from `map`: each key's value into its field's slot, then the struct.
    fn from_map<'de, A: MapAccess<'de>>(map: Map<'de, A>) -> Result<Self, A::Error>;
}

/// Reads the struct `name` with [`FromMap::from_map`]. `keys` are every key it reads: its
/// fields' own names, the first `named` of them (what `deserialize_struct` is told), then
/// their other spellings.
pub fn deserialize<'de, T: FromMap, D: Deserializer<'de>>(
    deserializer: D,
    name: &'static str,
    keys: &'static [&'static str],
    named: usize,
) -> Result<T, D::Error> {
    let fields = keys.get(..named).unwrap_or(keys);
    deserializer.deserialize_struct(name, fields, StructVisitor { name, keys, marker: PhantomData })
}

/// The visitor of every generated struct: it expects a map and hands it to the struct.
struct StructVisitor<T> {
    name: &'static str,
    keys: &'static [&'static str],
    marker: PhantomData<fn() -> T>,
}

impl<'de, T: FromMap> Visitor<'de> for StructVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", self.name)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::from_map(Map { access: map, keys: Key(self.keys), marker: PhantomData })
    }
}

/// The map a struct is read from, its keys read as positions in the struct's table (see
/// [`Key`]).
pub struct Map<'de, A> {
    access: A,
    keys: Key,
    marker: PhantomData<&'de ()>,
}

impl<A> fmt::Debug for Map<'_, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Map").field("keys", &self.keys.0).finish_non_exhaustive()
    }
}

impl<'de, A: MapAccess<'de>> Map<'de, A> {
    /// The next key's position in the table, [`Key::UNKNOWN`] for a key that names no
    /// field; `None` at the end of the map.
    pub fn next_key(&mut self) -> Result<Option<usize>, A::Error> {
        self.access.next_key_seed(self.keys)
    }

    /// Reads the value of the field `name` into `slot`: [`read`].
    pub fn read<T: Deserialize<'de>>(
        &mut self,
        slot: &mut Option<T>,
        name: &'static str,
    ) -> Result<(), A::Error> {
        read(&mut self.access, slot, name)
    }

    /// Reads the value of a constant field: [`constant`].
    pub fn constant(&mut self, slot: &mut Option<()>, value: Constant) -> Result<(), A::Error> {
        constant(&mut self.access, slot, value)
    }

    /// Skips the value of a key that names no field.
    pub fn skip(&mut self) -> Result<(), A::Error> {
        skip(&mut self.access)
    }
}

/// A map key read as its position among a struct's `keys` (each field's wire name, then its
/// other spellings), [`Key::UNKNOWN`] for any other key.
#[derive(Debug, Clone, Copy)]
pub struct Key(pub &'static [&'static str]);

impl Key {
    /// What a key that names no field reads as.
    pub const UNKNOWN: usize = usize::MAX;

    fn position(self, key: &[u8]) -> usize {
        self.0.iter().position(|name| name.as_bytes() == key).unwrap_or(Self::UNKNOWN)
    }
}

impl<'de> DeserializeSeed<'de> for Key {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = usize;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("field identifier")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<usize, E> {
        Ok(self.position(key.as_bytes()))
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<usize, E> {
        Ok(self.position(key))
    }
}

/// Reads the value of the field `name` into `slot`; a second value for it is an error.
pub fn read<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Reads the value of a constant field, which must be its value.
pub fn constant<'de, A: MapAccess<'de>>(
    map: &mut A,
    slot: &mut Option<()>,
    constant: Constant,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(constant.name));
    }
    *slot = Some(map.next_value_seed(constant)?);
    Ok(())
}

/// Skips the value of a key that names no field.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(drop)
}

/// The value of the required field `name`, an error naming it when the map left it out.
pub fn required<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// The error naming the first of `fields` the map left out (`(name, read)` pairs in
/// declaration order): what a generated `from_map` returns when its one `match` on the
/// required fields finds one missing. Were all read, which such a `from_map` never asks, it
/// names the last of them, or none when `fields` is empty.
pub fn missing<E: de::Error>(fields: &[(&'static str, bool)]) -> E {
    E::missing_field(first_unset(fields))
}

/// The name of the first of `fields` (`(name, set)` pairs in declaration order) not set; the
/// last name when all are, the empty name when there are none: the one rule of [`missing`]
/// and [`crate::RequiredFields::missing`].
pub(crate) fn first_unset(fields: &[(&'static str, bool)]) -> &'static str {
    fields.iter().find(|(_, set)| !set).or(fields.last()).map_or("", |(name, _)| name)
}

/// A constant field: its wire name and the one value it holds (named, so the two cannot be
/// swapped). As a seed it reads the value leniently: exactly the expected text.
#[derive(Debug, Clone, Copy)]
pub struct Constant {
    /// The field's name on the wire.
    pub name: &'static str,
    /// Its value.
    pub value: &'static str,
}

impl<'de> DeserializeSeed<'de> for Constant {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        crate::lenient::constant(deserializer, self.value)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// A struct as the generator writes it: a required field with another spelling, an
    /// optional one, a constant.
    #[derive(Debug, PartialEq)]
    struct Order {
        id: String,
        note: Option<String>,
        kind: (),
    }

    impl<'de> Deserialize<'de> for Order {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize(deserializer, "Order", &["order_id", "note", "kind", "orderid"], 3)
        }
    }

    impl FromMap for Order {
        fn from_map<'de, A: MapAccess<'de>>(mut map: Map<'de, A>) -> Result<Self, A::Error> {
            let (mut id, mut note, mut kind) = (None, None, None);
            while let Some(key) = map.next_key()? {
                match key {
                    0 | 3 => map.read(&mut id, "order_id"),
                    1 => map.read(&mut note, "note"),
                    2 => map.constant(&mut kind, Constant { name: "kind", value: "ORDER" }),
                    _ => map.skip(),
                }?;
            }
            match (id, kind) {
                (Some(id), Some(kind)) => Ok(Order { id, note: note.unwrap_or_default(), kind }),
                (id, kind) => Err(missing(&[("order_id", id.is_some()), ("kind", kind.is_some())])),
            }
        }
    }

    fn order(json: &str) -> Result<Order, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn fields_are_read_by_name_or_other_spelling_and_unknown_keys_skipped() {
        let expected = Order { id: "1".to_owned(), note: None, kind: () };
        assert_eq!(order(r#"{"order_id":"1","kind":"ORDER","extra":[1,{"a":2}]}"#), Ok(expected));
        let noted = order(r#"{"note":"n","orderid":"2","kind":"ORDER"}"#).unwrap();
        assert_eq!((noted.id.as_str(), noted.note.as_deref()), ("2", Some("n")));
    }

    /// A struct written out as the generator writes its `Serialize`.
    struct Note {
        id: i64,
        text: Option<String>,
    }

    impl Serialize for Note {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            Struct::begin(serializer, "Note", len(1, &[self.text.is_some()]))
                .field("id", &self.id)
                .optional("text", &self.text)
                .end()
        }
    }

    /// A value that cannot be written, and one that counts its writes.
    struct Refused;

    impl Serialize for Refused {
        fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("refused"))
        }
    }

    struct Counted<'a>(&'a std::cell::Cell<u32>);

    impl Serialize for Counted<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            self.0.set(self.0.get() + 1);
            serializer.serialize_u32(self.0.get())
        }
    }

    #[test]
    fn the_first_error_stops_the_struct_and_is_what_end_returns() {
        let writes = std::cell::Cell::new(0);
        let mut out = Vec::new();
        let result = Struct::begin(&mut serde_json::Serializer::new(&mut out), "Broken", 3)
            .field("before", &Counted(&writes))
            .field("refused", &Refused)
            .optional("after", &Some(Counted(&writes)))
            .field("last", &Counted(&writes))
            .end();
        assert_eq!(result.unwrap_err().to_string(), "refused");
        assert_eq!(writes.get(), 1, "nothing is written after the error");
        assert_eq!(String::from_utf8(out).unwrap(), r#"{"before":1,"refused":"#);
        let debug = format!("{:?}", Struct::begin(&mut serde_json::Serializer::new(Vec::new()), "S", 0));
        assert_eq!(debug, "Struct { failed: false, .. }");
    }

    #[test]
    fn an_optional_field_is_written_when_set_and_counted_only_then() {
        let set = Note { id: 1, text: Some("x".to_owned()) };
        assert_eq!(serde_json::to_string(&set).unwrap(), r#"{"id":1,"text":"x"}"#);
        assert_eq!(serde_json::to_string(&Note { id: 2, text: None }).unwrap(), r#"{"id":2}"#);
        assert_eq!((len(1, &[true, false, true]), len(3, &[])), (3, 3));
    }

    #[test]
    fn a_missing_field_is_named_as_the_derive_named_it() {
        let first: serde_json::Error = missing(&[("a", true), ("b", false), ("c", false)]);
        assert_eq!(first.to_string(), "missing field `b`");
        let last: serde_json::Error = missing(&[("a", true), ("b", true)]);
        assert_eq!(last.to_string(), "missing field `b`");
        assert_eq!(
            required::<u8, serde_json::Error>(None, "c").unwrap_err().to_string(),
            "missing field `c`"
        );
    }

    #[test]
    fn what_the_derive_refused_is_refused_with_the_same_words() {
        let missing = order(r#"{"kind":"ORDER"}"#).unwrap_err();
        assert!(missing.starts_with("missing field `order_id`"), "{missing}");
        let twice = order(r#"{"order_id":"1","orderid":"2","kind":"ORDER"}"#).unwrap_err();
        assert!(twice.starts_with("duplicate field `order_id`"), "{twice}");
        let constant = order(r#"{"order_id":"1","kind":"OTHER"}"#).unwrap_err();
        assert!(constant.contains("OTHER") && constant.contains("ORDER"), "{constant}");
        let not_a_map = order("[1]").unwrap_err();
        assert!(not_a_map.starts_with("invalid type: sequence, expected struct Order"), "{not_a_map}");
    }
}
