//! What a value weighs for the spec's conditional rules, read from what it serializes to: a
//! serializer that looks at the first thing a value writes and keeps none of it.
//!
//! Reading it from serialization makes the one definition hold for every type alike: a
//! generated struct's `Option` field, a `Secret`, an enum written as `0`, and the
//! `serde_json::Value` of a body the mock or the generator checks, which serializes as what it
//! holds. A text is never copied, only its emptiness read.

use std::fmt;

use serde::ser::{self, Impossible, Serialize, Serializer};

use super::Presence;

/// The presence of `value`, as JSON would write it: left out or `null` is
/// [`Presence::Absent`]; `false`, `0` and `""` are [`Presence::Empty`]; anything else,
/// every array and object included (even `[]` and `{}`), is [`Presence::Set`].
pub fn presence<T: Serialize + ?Sized>(value: &T) -> Presence {
    // An array, a map or a struct stops the probe at its start: it is set, whatever it holds.
    value.serialize(Probe).unwrap_or(Presence::Set)
}

/// The serializer [`presence`] runs: it answers at the first scalar, and stops at the start of
/// anything compound with [`Compound`].
struct Probe;

/// Not an error: the value is compound (an array, an object), so set.
#[derive(Debug)]
struct Compound;

impl fmt::Display for Compound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a compound value")
    }
}

impl std::error::Error for Compound {}

impl ser::Error for Compound {
    fn custom<M: fmt::Display>(_: M) -> Self {
        Self
    }
}

fn number(zero: bool) -> Result<Presence, Compound> {
    Ok(if zero { Presence::Empty } else { Presence::Set })
}

impl Serializer for Probe {
    type Ok = Presence;
    type Error = Compound;
    type SerializeSeq = Impossible<Presence, Compound>;
    type SerializeTuple = Impossible<Presence, Compound>;
    type SerializeTupleStruct = Impossible<Presence, Compound>;
    type SerializeTupleVariant = Impossible<Presence, Compound>;
    type SerializeMap = Impossible<Presence, Compound>;
    type SerializeStruct = Impossible<Presence, Compound>;
    type SerializeStructVariant = Impossible<Presence, Compound>;

    fn serialize_bool(self, v: bool) -> Result<Presence, Compound> {
        number(!v)
    }

    fn serialize_i8(self, v: i8) -> Result<Presence, Compound> {
        number(v == 0)
    }

    fn serialize_i16(self, v: i16) -> Result<Presence, Compound> {
        number(v == 0)
    }

    fn serialize_i32(self, v: i32) -> Result<Presence, Compound> {
        number(v == 0)
    }

    fn serialize_i64(self, v: i64) -> Result<Presence, Compound> {
        number(v == 0)
    }

    fn serialize_i128(self, v: i128) -> Result<Presence, Compound> {
        number(v == 0)
    }

    fn serialize_u8(self, v: u8) -> Result<Presence, Compound> {
        number(v == 0)
    }

    fn serialize_u16(self, v: u16) -> Result<Presence, Compound> {
        number(v == 0)
    }

    fn serialize_u32(self, v: u32) -> Result<Presence, Compound> {
        number(v == 0)
    }

    fn serialize_u64(self, v: u64) -> Result<Presence, Compound> {
        number(v == 0)
    }

    fn serialize_u128(self, v: u128) -> Result<Presence, Compound> {
        number(v == 0)
    }

    fn serialize_f32(self, v: f32) -> Result<Presence, Compound> {
        self.serialize_f64(f64::from(v))
    }

    fn serialize_f64(self, v: f64) -> Result<Presence, Compound> {
        // serde_json writes a number that is not finite as `null`.
        if v.is_finite() { number(v == 0.0) } else { Ok(Presence::Absent) }
    }

    fn serialize_char(self, _: char) -> Result<Presence, Compound> {
        Ok(Presence::Set)
    }

    fn serialize_str(self, v: &str) -> Result<Presence, Compound> {
        number(v.is_empty())
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<Presence, Compound> {
        // serde_json writes bytes as an array of numbers.
        Err(Compound)
    }

    fn serialize_none(self) -> Result<Presence, Compound> {
        Ok(Presence::Absent)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Presence, Compound> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Presence, Compound> {
        Ok(Presence::Absent)
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<Presence, Compound> {
        Ok(Presence::Absent)
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Presence, Compound> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Presence, Compound> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Presence, Compound> {
        Err(Compound)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Compound> {
        Err(Compound)
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Compound> {
        Err(Compound)
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Compound> {
        Err(Compound)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Compound> {
        Err(Compound)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Compound> {
        Err(Compound)
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Compound> {
        Err(Compound)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Compound> {
        Err(Compound)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;

    use super::*;
    use crate::Secret;

    #[test]
    fn json_left_out_empty_and_set() {
        assert_eq!(presence(&json!(null)), Presence::Absent);
        for empty in [json!(false), json!(0), json!(-0.0), json!(0.0), json!("")] {
            assert_eq!(presence(&empty), Presence::Empty, "{empty}");
        }
        for set in
            [json!(true), json!(1), json!(-3), json!(0.5), json!("0"), json!(" "), json!([]), json!({})]
        {
            assert_eq!(presence(&set), Presence::Set, "{set}");
        }
    }

    #[test]
    fn rust_values_weigh_what_they_serialize_to() {
        assert_eq!(presence(&None::<String>), Presence::Absent);
        assert_eq!(presence(&Some(String::new())), Presence::Empty);
        assert_eq!(presence(&Some("x".to_owned())), Presence::Set);
        assert_eq!(presence(&Some(false)), Presence::Empty);
        assert_eq!(presence(&true), Presence::Set);
        assert_eq!(presence(&0_u32), Presence::Empty);
        assert_eq!(presence(&Some(7_i64)), Presence::Set);
        assert_eq!(presence(&f64::NAN), Presence::Absent);
        assert_eq!(presence(&Vec::<u32>::new()), Presence::Set);
        assert_eq!(presence(&BTreeMap::<String, u32>::new()), Presence::Set);
        assert_eq!(presence(&Box::new(Some(1_u8))), Presence::Set);
        assert_eq!(presence(&Secret::new("")), Presence::Empty);
        assert_eq!(presence(&Secret::new("s3cr3t")), Presence::Set);
    }
}
