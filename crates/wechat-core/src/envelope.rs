//! `errcode` and `errmsg`, read in the same pass that decodes the response.
//!
//! Every WeChat answer carries them beside the endpoint's own fields. Decoding them in a
//! second pass over the body costs about a fifth of a call's client-side work, so the
//! response's top-level map is decoded through [`Tap`], which takes the two keys out as
//! they pass and hands every other key to the response type.

use std::fmt;

use serde::de::value::{BorrowedStrDeserializer, StringDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};

/// The fields every answer shares. A missing `errcode` means success: some endpoints leave
/// it out when all is well.
#[derive(Debug, Default)]
pub(crate) struct Envelope {
    pub(crate) errcode: Option<i64>,
    pub(crate) errmsg: Option<String>,
}

/// Any JSON object, its entries skipped: decoded through [`Tap`], it reads the envelope
/// alone. Unlike a derived struct, it refuses an array (serde lets a struct decode from
/// one, which would read `[40001, "x"]` as errcode 40001).
pub(crate) struct AnyObject;

impl<'de> serde::Deserialize<'de> for AnyObject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;

        impl<'de> Visitor<'de> for ObjectVisitor {
            type Value = AnyObject;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AnyObject, A::Error> {
                while map.next_entry::<de::IgnoredAny, de::IgnoredAny>()?.is_some() {}
                Ok(AnyObject)
            }
        }

        deserializer.deserialize_map(ObjectVisitor)
    }
}

/// A deserializer that decodes through `inner`, filling `envelope` from the top-level map.
pub(crate) struct Tap<'a, D> {
    pub(crate) inner: D,
    pub(crate) envelope: &'a mut Envelope,
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Tap<'_, D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_any(TapVisitor { visitor, envelope: self.envelope })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.inner.deserialize_map(TapVisitor { visitor, envelope: self.envelope })
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_map(TapVisitor { visitor, envelope: self.envelope })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
        unit unit_struct newtype_struct seq tuple tuple_struct enum identifier ignored_any
    }
}

struct TapVisitor<'a, V> {
    visitor: V,
    envelope: &'a mut Envelope,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for TapVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(TapMap { inner: map, envelope: self.envelope })
    }
}

struct TapMap<'a, A> {
    inner: A,
    envelope: &'a mut Envelope,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for TapMap<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        loop {
            let Some(key) = self.inner.next_key::<Key<'de>>()? else { return Ok(None) };
            match key.as_str() {
                "errcode" => {
                    let code =
                        self.inner.next_value_seed(Lenient::Code).map_err(|e| in_field("errcode", &e))?;
                    self.envelope.errcode = code.code();
                }
                // After `"errcode": 0` (WeChat writes errcode first), the message is never
                // shown: skipped, not copied.
                "errmsg" if self.envelope.errcode == Some(0) => {
                    self.inner.next_value::<de::IgnoredAny>()?;
                }
                "errmsg" => {
                    let message =
                        self.inner.next_value_seed(Lenient::Message).map_err(|e| in_field("errmsg", &e))?;
                    self.envelope.errmsg = message.message();
                }
                _ => {
                    return match key {
                        Key::Borrowed(key) => seed.deserialize(BorrowedStrDeserializer::new(key)),
                        Key::Owned(key) => seed.deserialize(StringDeserializer::new(key)),
                    }
                    .map(Some);
                }
            }
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        self.inner.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// `error`, naming the envelope field it is about: no JSON path is tracked on the fast path.
fn in_field<E: de::Error>(field: &str, error: &E) -> E {
    E::custom(format_args!("{field}: {error}"))
}

/// A map key, borrowed from the body unless it had escapes.
enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    fn as_str(&self) -> &str {
        match self {
            Self::Borrowed(key) => key,
            Self::Owned(key) => key,
        }
    }
}

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }

            fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(key))
            }

            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(key.to_owned()))
            }

            fn visit_string<E: de::Error>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(key))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Decodes `errcode` or `errmsg` as leniently as [`Envelope`] does.
enum Lenient {
    Code,
    Message,
}

enum LenientValue {
    Code(Option<i64>),
    Message(Option<String>),
}

impl LenientValue {
    fn code(self) -> Option<i64> {
        match self {
            Self::Code(code) => code,
            Self::Message(_) => None,
        }
    }

    fn message(self) -> Option<String> {
        match self {
            Self::Message(message) => message,
            Self::Code(_) => None,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Lenient {
    type Value = LenientValue;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<LenientValue, D::Error> {
        match self {
            Self::Code => crate::lenient::option_integer(deserializer).map(LenientValue::Code),
            Self::Message => crate::lenient::option_string(deserializer).map(LenientValue::Message),
        }
    }
}
