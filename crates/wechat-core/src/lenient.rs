//! Decoding that accepts what WeChat really sends: numbers written as strings, strings
//! written as numbers, `0`/`1` for booleans.
//!
//! The client decodes every answer through [`Lenient`], which reads each scalar of the
//! generated types (whose `Deserialize` is the plain derive) this way at any depth; decode a
//! generated type yourself with [`from_slice`] or [`from_value`] to read it as the client does.
//! The functions below do the same for one field of a hand-written type, in
//! `#[serde(deserialize_with = ...)]`.

mod deserializer;

pub use deserializer::{Lenient, from_slice, from_value};

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::Deserializer;
use serde::de::{self, Visitor};

/// A string, or a number kept as its decimal text (64-bit ids must never pass through a float).
pub fn string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    deserializer.deserialize_any(StringVisitor)
}

/// [`string`], for an optional field: missing or `null` is `None`.
pub fn option_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    deserializer.deserialize_option(OptionVisitor::<String>(PhantomData))
}

/// An integer, or a string holding one.
pub fn integer<'de, T: Integer, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_any(IntegerVisitor(PhantomData))
}

/// [`integer`], for an optional field.
pub fn option_integer<'de, T: Integer, D: Deserializer<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
    deserializer.deserialize_option(OptionVisitor::<T>(PhantomData))
}

/// A number, or a string holding one.
pub fn float<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    deserializer.deserialize_any(FloatVisitor)
}

/// [`float`], for an optional field.
pub fn option_float<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    deserializer.deserialize_option(OptionVisitor::<f64>(PhantomData))
}

/// `true`/`false`, `0`/`1`, or those written as strings.
pub fn boolean<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    deserializer.deserialize_any(BoolVisitor)
}

/// [`boolean`], for an optional field.
pub fn option_boolean<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    deserializer.deserialize_option(OptionVisitor::<bool>(PhantomData))
}

/// A constant string field: `expected` and nothing else (generated request types use it
/// for body fields the spec fixes, such as getpdf's `action`).
pub fn constant<'de, D: Deserializer<'de>>(deserializer: D, expected: &'static str) -> Result<(), D::Error> {
    let found = string(deserializer)?;
    if found == expected {
        Ok(())
    } else {
        Err(de::Error::invalid_value(de::Unexpected::Str(&found), &expected))
    }
}

/// Integer types the lenient decoders produce.
pub trait Integer: Sized + TryFrom<i64> + TryFrom<u64> + FromStr + Decode {
    /// Name for error messages.
    const NAME: &'static str;
}

/// A type with a lenient decoder, so the optional form can share it.
#[doc(hidden)]
pub trait Decode: Sized {
    /// Decodes leniently.
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

macro_rules! integer_types {
    ($($ty:ty),*) => {$(
        impl Integer for $ty {
            const NAME: &'static str = stringify!($ty);
        }

        impl Decode for $ty {
            fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                integer(deserializer)
            }
        }
    )*};
}
integer_types!(i32, i64, u32, u64);

impl Decode for String {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        string(deserializer)
    }
}

impl Decode for f64 {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        float(deserializer)
    }
}

impl Decode for bool {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        boolean(deserializer)
    }
}

struct StringVisitor;

impl Visitor<'_> for StringVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a number")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
}

struct IntegerVisitor<T>(PhantomData<T>);

impl<T: Integer> Visitor<'_> for IntegerVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an integer ({}) or a string holding one", T::NAME)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        // Some answers carry integers as `12.0`; anything with a fraction, or outside 64 bits,
        // is refused. The bounds are powers of two, exact as floats, so the casts are exact
        // (a cast would saturate 2^63 to i64::MAX, a different number).
        const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
        if v.fract() == 0.0 {
            if (-TWO_POW_63..TWO_POW_63).contains(&v) {
                return self.visit_i64(v as i64);
            }
            if (TWO_POW_63..2.0 * TWO_POW_63).contains(&v) {
                return self.visit_u64(v as u64);
            }
        }
        Err(E::invalid_value(de::Unexpected::Float(v), &self))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.trim().parse().map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

struct FloatVisitor;

impl Visitor<'_> for FloatVisitor {
    type Value = f64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number or a string holding one")
    }

    #[allow(clippy::cast_precision_loss)]
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }

    #[allow(clippy::cast_precision_loss)]
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        // Rust parses `NaN`, `inf` and `1e999` (to infinity); JSON has no such numbers.
        v.trim()
            .parse()
            .ok()
            .filter(|f: &f64| f.is_finite())
            .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

struct BoolVisitor;

impl Visitor<'_> for BoolVisitor {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean, 0 or 1")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
        match v {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(E::invalid_value(de::Unexpected::Signed(v), &self)),
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
        match v {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(E::invalid_value(de::Unexpected::Unsigned(v), &self)),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        match v.trim() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }
}

struct OptionVisitor<T>(PhantomData<T>);

impl<'de, T: Decode> Visitor<'de> for OptionVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an optional value")
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        T::decode(deserializer).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Sample {
        #[serde(deserialize_with = "super::string")]
        id: String,
        #[serde(deserialize_with = "super::integer")]
        time: i64,
        #[serde(default, deserialize_with = "super::option_integer")]
        fee: Option<u32>,
        #[serde(default, deserialize_with = "super::option_boolean")]
        flag: Option<bool>,
        #[serde(deserialize_with = "super::float")]
        amount: f64,
    }

    #[test]
    fn accepts_numbers_as_strings_and_strings_as_numbers() {
        let got: Sample = serde_json::from_str(
            r#"{"id": 12345678901234567890, "time": "1511169724", "fee": "12", "flag": 1, "amount": "1.5"}"#,
        )
        .unwrap();
        assert_eq!(
            got,
            Sample {
                id: "12345678901234567890".into(),
                time: 1_511_169_724,
                fee: Some(12),
                flag: Some(true),
                amount: 1.5
            }
        );
        let got: Sample =
            serde_json::from_str(r#"{"id": "x", "time": 1, "fee": null, "amount": 2}"#).unwrap();
        assert_eq!(got.fee, None);
        assert_eq!(got.flag, None);
    }

    #[test]
    fn refuses_what_cannot_be_the_type() {
        let err = serde_json::from_str::<Sample>(r#"{"id": "x", "time": "soon", "amount": 1}"#).unwrap_err();
        assert!(err.to_string().contains("an integer (i64) or a string holding one"), "{err}");
        let err =
            serde_json::from_str::<Sample>(r#"{"id": "x", "time": 1, "fee": -1, "amount": 1}"#).unwrap_err();
        assert!(err.to_string().contains("invalid value"), "{err}");
        assert!(serde_json::from_str::<Sample>(r#"{"id": "x", "time": 1.5, "amount": 1}"#).is_err());
    }

    #[derive(Debug, Deserialize)]
    struct Wide {
        #[serde(deserialize_with = "super::integer")]
        signed: i64,
        #[serde(deserialize_with = "super::integer")]
        unsigned: u64,
    }

    fn wide(signed: &str, unsigned: &str) -> Result<(i64, u64), serde_json::Error> {
        let body = format!(r#"{{"signed": {signed}, "unsigned": {unsigned}}}"#);
        serde_json::from_str::<Wide>(&body).map(|w| (w.signed, w.unsigned))
    }

    #[test]
    fn whole_floats_keep_their_value_or_are_refused() {
        assert_eq!(wide("-9223372036854775808.0", "9223372036854775808.0").unwrap(), (i64::MIN, 1 << 63));
        assert_eq!(wide("12.0", "1e3").unwrap(), (12, 1000));
        // 2^63 does not fit an i64 and 2^64 not a u64: refused, never saturated to the maximum.
        assert!(wide("9223372036854775808.0", "0").is_err());
        assert!(wide("0", "18446744073709551616.0").is_err());
        assert!(wide("0", "-1.0").is_err());
        assert!(wide("1e300", "0").is_err());
    }

    #[test]
    fn a_float_written_as_text_must_be_finite() {
        for text in ["NaN", "inf", "-infinity", "1e999"] {
            let body = format!(r#"{{"id": "x", "time": 1, "amount": "{text}"}}"#);
            let err = serde_json::from_str::<Sample>(&body).expect_err(text);
            assert!(err.to_string().contains("a number or a string holding one"), "{text}: {err}");
        }
    }

    /// Required nullable fields as the generator declares them (`codegen`'s `field_decl`:
    /// `default` and the lenient decoder, no `skip_serializing_if`).
    #[derive(Debug, Deserialize, serde::Serialize, PartialEq)]
    struct Nullable {
        #[serde(default, deserialize_with = "super::option_string")]
        nick: Option<String>,
        #[serde(default, deserialize_with = "super::option_integer")]
        bonus: Option<i64>,
    }

    #[test]
    fn a_required_nullable_field_decodes_from_absence_and_is_sent_as_null() {
        // What the spec's response examples may therefore leave out.
        let absent: Nullable = serde_json::from_str("{}").unwrap();
        assert_eq!(absent, Nullable { nick: None, bonus: None });
        let null: Nullable = serde_json::from_str(r#"{"nick": null, "bonus": "7"}"#).unwrap();
        assert_eq!(null, Nullable { nick: None, bonus: Some(7) });
        // What a request example must therefore carry: the field, `null` until set.
        assert_eq!(serde_json::to_value(&absent).unwrap(), serde_json::json!({"nick": null, "bonus": null}));
    }
}
