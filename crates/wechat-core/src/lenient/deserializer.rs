//! [`Lenient`]: a deserializer that reads every scalar the way WeChat writes it, for types
//! whose `Deserialize` is the plain derive.
//!
//! The generated types derive `Deserialize` without a decoding function per field: a
//! `#[serde(deserialize_with = ...)]` makes the derive write a wrapper type and impl for the
//! field, twice (for maps and for sequences), which was half of what the generated crate gave
//! the compiler. Instead, whoever decodes an answer wraps the deserializer once: every
//! `String`, integer, float and `bool` inside, at any depth, then accepts what the functions of
//! [`lenient`](super) accept, and everything else reads as the wrapped deserializer reads it.

use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};

/// A deserializer whose strings also read numbers (as their decimal text), whose integers and
/// floats also read strings holding one (and integers also `12.0`), and whose booleans also
/// read `0`/`1` and `"true"`/`"false"`/`"0"`/`"1"`, at every depth of what it decodes.
///
/// ```
/// use wechat_core::lenient::Lenient;
///
/// #[derive(serde::Deserialize)]
/// struct Answer {
///     card_id: String,
///     count: u32,
///     ok: bool,
/// }
///
/// let body = br#"{"card_id": 1234567890123, "count": "7", "ok": 1}"#;
/// let answer: Answer = wechat_core::lenient::from_slice(body)?;
/// assert_eq!((answer.card_id.as_str(), answer.count, answer.ok), ("1234567890123", 7, true));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Lenient<D>(D);

impl<D> Lenient<D> {
    /// Wraps `deserializer`.
    pub fn new(deserializer: D) -> Self {
        Self(deserializer)
    }
}

/// Decodes JSON `body` into `T` leniently, as the client decodes WeChat's answers.
///
/// # Errors
///
/// When `body` is not JSON, or does not fit `T` even read leniently.
pub fn from_slice<'de, T: de::Deserialize<'de>>(body: &'de [u8]) -> Result<T, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = T::deserialize(Lenient(&mut deserializer))?;
    deserializer.end()?;
    Ok(value)
}

/// Decodes a JSON value into `T` leniently.
///
/// # Errors
///
/// When `value` does not fit `T` even read leniently.
pub fn from_value<T: de::DeserializeOwned>(value: serde_json::Value) -> Result<T, serde_json::Error> {
    T::deserialize(Lenient(value))
}

macro_rules! forward_wrapped {
    ($($method:ident),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.0.$method(Wrap(visitor))
        }
    )*};
}

macro_rules! coerced {
    ($coerce:ident: $($method:ident),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.0.deserialize_any($coerce(visitor))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Lenient<D> {
    type Error = D::Error;

    forward_wrapped!(
        deserialize_any,
        deserialize_char,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_option,
        deserialize_unit,
        deserialize_seq,
        deserialize_map
    );

    coerced!(ToText: deserialize_str, deserialize_string);
    coerced!(ToInteger: deserialize_i8, deserialize_i16, deserialize_i32, deserialize_i64, deserialize_i128);
    coerced!(ToInteger: deserialize_u8, deserialize_u16, deserialize_u32, deserialize_u64, deserialize_u128);
    coerced!(ToFloat: deserialize_f32, deserialize_f64);
    coerced!(ToBool: deserialize_bool);

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_unit_struct(name, Wrap(visitor))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_newtype_struct(name, Wrap(visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Self::Error> {
        self.0.deserialize_tuple(len, Wrap(visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_tuple_struct(name, len, Wrap(visitor))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_struct(name, fields, Wrap(visitor))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_enum(name, variants, Wrap(visitor))
    }

    // Keys and skipped values are read as they are.
    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.0.deserialize_identifier(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.0.deserialize_ignored_any(visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// The visitor `V`, given what it holds (an option's value, a map, a sequence, an enum)
/// through [`Lenient`].
struct Wrap<V>(V);

/// The visit methods that pass a plain value on unchanged.
macro_rules! forward_values {
    ($($method:ident($ty:ty)),*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            self.0.$method(v)
        }
    )*};
}

/// A coercing visitor's borrowed and owned text, read as its `visit_str` reads text.
macro_rules! text_as_str {
    () => {
        fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
            self.visit_str(v)
        }

        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            self.visit_str(&v)
        }
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.0.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.0.visit_some(Lenient(deserializer))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.0.visit_newtype_struct(Lenient(deserializer))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.0.visit_seq(Lenient(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0.visit_map(Lenient(map))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.0.visit_enum(Lenient(data))
    }

    forward_values!(
        visit_char(char),
        visit_bytes(&[u8]),
        visit_byte_buf(Vec<u8>),
        visit_borrowed_bytes(&'de [u8])
    );

    forward_values!(
        visit_bool(bool),
        visit_i64(i64),
        visit_i128(i128),
        visit_u64(u64),
        visit_u128(u128),
        visit_f64(f64),
        visit_str(&str),
        visit_string(String),
        visit_borrowed_str(&'de str)
    );
}

/// Text: a number is read as its decimal text (64-bit ids never pass through a float).
/// Anything else is refused as "a string or a number".
struct ToText<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for ToText<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a number")
    }

    forward_values!(visit_str(&str), visit_string(String), visit_borrowed_str(&'de str));

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.0.visit_string(v.to_string())
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
        self.0.visit_string(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.0.visit_string(v.to_string())
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        self.0.visit_string(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        self.0.visit_string(v.to_string())
    }
}

/// An integer: also a string holding one, or a float without a fraction within 64 bits.
/// Anything else is refused as "an integer (its type) or a string holding one".
struct ToInteger<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for ToInteger<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer (")?;
        self.0.expecting(f)?;
        f.write_str(") or a string holding one")
    }

    forward_values!(visit_i64(i64), visit_i128(i128), visit_u64(u64), visit_u128(u128));

    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // Some answers carry integers as `12.0`; anything with a fraction, or outside 64 bits,
        // is refused. The bounds are powers of two, exact as floats, so the casts are exact
        // (a cast would saturate 2^63 to i64::MAX, a different number).
        const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
        if v.fract() == 0.0 {
            if (-TWO_POW_63..TWO_POW_63).contains(&v) {
                return self.0.visit_i64(v as i64);
            }
            if (TWO_POW_63..2.0 * TWO_POW_63).contains(&v) {
                return self.0.visit_u64(v as u64);
            }
        }
        Err(E::invalid_value(de::Unexpected::Float(v), &self))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let text = v.trim();
        if let Ok(n) = text.parse::<u64>() {
            self.0.visit_u64(n)
        } else if let Ok(n) = text.parse::<i64>() {
            self.0.visit_i64(n)
        } else {
            Err(E::invalid_value(de::Unexpected::Str(v), &self))
        }
    }

    text_as_str!();
}

/// A float: also a string holding a finite one.
struct ToFloat<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for ToFloat<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number or a string holding one")
    }

    forward_values!(
        visit_bool(bool),
        visit_i64(i64),
        visit_i128(i128),
        visit_u64(u64),
        visit_u128(u128),
        visit_f64(f64)
    );

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        // Rust parses `NaN`, `inf` and `1e999` (to infinity); JSON has no such numbers.
        match v.trim().parse::<f64>() {
            Ok(f) if f.is_finite() => self.0.visit_f64(f),
            _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }

    text_as_str!();
}

/// A boolean: also `0`/`1`, and `"true"`, `"false"`, `"0"`, `"1"`.
struct ToBool<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for ToBool<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean, 0 or 1")
    }

    forward_values!(visit_bool(bool));

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        match v {
            0 => self.0.visit_bool(false),
            1 => self.0.visit_bool(true),
            _ => Err(E::invalid_value(de::Unexpected::Signed(v), &self)),
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        match v {
            0 => self.0.visit_bool(false),
            1 => self.0.visit_bool(true),
            _ => Err(E::invalid_value(de::Unexpected::Unsigned(v), &self)),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        match v.trim() {
            "true" | "1" => self.0.visit_bool(true),
            "false" | "0" => self.0.visit_bool(false),
            _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }

    text_as_str!();
}

/// A seed whose value is read through [`Lenient`].
struct Seed<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(Lenient(deserializer))
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Lenient<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Lenient<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(seed)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Lenient<A> {
    type Error = A::Error;
    type Variant = Lenient<A::Variant>;

    fn variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<(T::Value, Self::Variant), A::Error> {
        let (value, variant) = self.0.variant_seed(seed)?;
        Ok((value, Lenient(variant)))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Lenient<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Seed(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Wrap(visitor))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.struct_variant(fields, Wrap(visitor))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::{from_slice, from_value};

    #[derive(Debug, Deserialize, PartialEq)]
    struct Inner {
        code: String,
        count: Option<u32>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Sample {
        id: String,
        time: i64,
        fee: Option<u32>,
        flag: Option<bool>,
        amount: f64,
        inner: Vec<Inner>,
        by_name: BTreeMap<String, u64>,
        raw: serde_json::Value,
    }

    #[test]
    fn every_depth_reads_numbers_as_strings_and_strings_as_numbers() {
        let body = br#"{"id": 12345678901234567890, "time": " 1511169724 ", "fee": "12", "flag": 1,
            "amount": "1.5", "inner": [{"code": 42, "count": "3"}, {"code": "x", "count": null}],
            "by_name": {"a": "7"}, "raw": {"n": "1"}}"#;
        let got: Sample = from_slice(body).unwrap();
        assert_eq!(got.id, "12345678901234567890");
        assert_eq!((got.time, got.fee, got.flag, got.amount), (1_511_169_724, Some(12), Some(true), 1.5));
        assert_eq!(
            got.inner,
            [Inner { code: "42".into(), count: Some(3) }, Inner { code: "x".into(), count: None }]
        );
        assert_eq!(got.by_name["a"], 7);
        // A JSON value is kept as WeChat wrote it.
        assert_eq!(got.raw, serde_json::json!({"n": "1"}));
    }

    #[test]
    fn integral_floats_read_as_integers_and_fractions_are_refused() {
        let read =
            |time: &str| from_slice::<Inner>(format!(r#"{{"code": "c", "count": {time}}}"#).as_bytes());
        assert_eq!(read("12.0").unwrap().count, Some(12));
        assert!(read("1.5").is_err());
        assert!(read("-1").is_err(), "u32 refuses a negative count");
        assert!(read("4294967296").is_err(), "u32 refuses what does not fit");
        let err = read(r#""soon""#).unwrap_err();
        assert!(err.to_string().contains("an integer (u32) or a string holding one"), "{err}");
    }

    #[test]
    fn booleans_read_zero_one_and_their_text_only() {
        #[derive(Debug, Deserialize)]
        struct Flag {
            on: bool,
        }
        for (text, want) in [("true", true), ("0", false), (r#""1""#, true), (r#"" false ""#, false)] {
            let got: Flag =
                from_value(serde_json::from_str(&format!(r#"{{"on": {text}}}"#)).unwrap()).unwrap();
            assert_eq!(got.on, want, "{text}");
        }
        for text in ["2", r#""yes""#, "[]"] {
            assert!(from_slice::<Flag>(format!(r#"{{"on": {text}}}"#).as_bytes()).is_err(), "{text}");
        }
    }

    #[test]
    fn floats_refuse_what_json_cannot_hold() {
        #[derive(Debug, Deserialize)]
        struct Amount {
            amount: f64,
        }
        for text in [r#""NaN""#, r#""inf""#, r#""1e999""#, r#""x""#] {
            assert!(from_slice::<Amount>(format!(r#"{{"amount": {text}}}"#).as_bytes()).is_err(), "{text}");
        }
        assert_eq!(from_slice::<Amount>(br#"{"amount": " 2.25"}"#).unwrap().amount, 2.25);
    }

    #[test]
    fn enums_and_newtypes_read_through_it() {
        #[derive(Debug, Deserialize, PartialEq)]
        enum Kind {
            Count(u32),
            Named { name: String },
        }
        #[derive(Debug, Deserialize, PartialEq)]
        struct Id(u64);
        assert_eq!(from_slice::<Kind>(br#"{"Count": "5"}"#).unwrap(), Kind::Count(5));
        assert_eq!(
            from_slice::<Kind>(br#"{"Named": {"name": 9}}"#).unwrap(),
            Kind::Named { name: "9".into() }
        );
        assert_eq!(from_slice::<Id>(br#""18446744073709551615""#).unwrap(), Id(u64::MAX));
    }
}
