//! Reading one field of a [`Message`] (or of any [`Fields`]), with errors naming the element:
//! the helpers the generated event types call. Text is trimmed; an empty element counts as absent, as WeChat
//! sends `<FriendUserName><![CDATA[]]></FriendUserName>` for "no friend".

use super::error::{PushError, clip};
use super::message::{Element, Fields, Message, first_kind, trim};

/// The required text of `name`.
pub fn string<M: Fields + ?Sized>(m: &M, name: &'static str) -> Result<String, PushError> {
    string_of(m.field(name), name)
}

/// The text of `name`, or `None` when it is absent or empty.
pub fn opt_string<M: Fields + ?Sized>(m: &M, name: &'static str) -> Result<Option<String>, PushError> {
    opt_string_of(m.field(name), name)
}

/// The required integer in `name` (WeChat sends some inside CDATA: `<Fee><![CDATA[10000]]></Fee>`).
pub fn integer<M: Fields + ?Sized>(m: &M, name: &'static str) -> Result<i64, PushError> {
    integer_of(m.field(name), name)
}

/// The integer in `name`, or `None` when it is absent or empty.
pub fn opt_integer<M: Fields + ?Sized>(m: &M, name: &'static str) -> Result<Option<i64>, PushError> {
    opt_integer_of(m.field(name), name)
}

/// The required flag in `name`: `0`/`1` (most events) or `true`/`false` (gift-card events).
pub fn boolean<M: Fields + ?Sized>(m: &M, name: &'static str) -> Result<bool, PushError> {
    boolean_of(m.field(name), name)
}

/// The flag in `name`, or `None` when it is absent or empty.
pub fn opt_boolean<M: Fields + ?Sized>(m: &M, name: &'static str) -> Result<Option<bool>, PushError> {
    opt_boolean_of(m.field(name), name)
}

/// [`string`] of an element already found (what [`Fields::field`] says of `name`): how the
/// generated event types read the elements [`Fields::find_fields`] found.
pub fn string_of(found: Option<Option<&str>>, name: &'static str) -> Result<String, PushError> {
    required(opt_string_of(found, name)?, name)
}

/// [`opt_string`] of an element already found.
pub fn opt_string_of(found: Option<Option<&str>>, name: &'static str) -> Result<Option<String>, PushError> {
    Ok(opt_text(found, name)?.map(str::to_owned))
}

/// [`integer`] of an element already found.
pub fn integer_of(found: Option<Option<&str>>, name: &'static str) -> Result<i64, PushError> {
    required(opt_integer_of(found, name)?, name)
}

/// [`opt_integer`] of an element already found.
pub fn opt_integer_of(found: Option<Option<&str>>, name: &'static str) -> Result<Option<i64>, PushError> {
    opt_text(found, name)?
        .map(|text| {
            text.parse().map_err(|_| PushError::InvalidField {
                name,
                expected: "an integer",
                found: shape(text),
            })
        })
        .transpose()
}

/// [`boolean`] of an element already found.
pub fn boolean_of(found: Option<Option<&str>>, name: &'static str) -> Result<bool, PushError> {
    required(opt_boolean_of(found, name)?, name)
}

/// [`opt_boolean`] of an element already found.
pub fn opt_boolean_of(found: Option<Option<&str>>, name: &'static str) -> Result<Option<bool>, PushError> {
    opt_text(found, name)?
        .map(|text| match text {
            "1" => Ok(true),
            "0" => Ok(false),
            // Compared in any case without a lower-case copy of the text.
            _ if text.eq_ignore_ascii_case("true") => Ok(true),
            _ if text.eq_ignore_ascii_case("false") => Ok(false),
            _ => Err(PushError::InvalidField {
                name,
                expected: "a boolean (0/1/true/false)",
                found: shape(text),
            }),
        })
        .transpose()
}

/// The required child elements of `name`.
pub fn children<'m>(m: &'m Message, name: &'static str) -> Result<&'m [Element], PushError> {
    required(opt_children(m, name)?, name)
}

/// The child elements of `name`, or `None` when it is absent.
pub fn opt_children<'m>(m: &'m Message, name: &'static str) -> Result<Option<&'m [Element]>, PushError> {
    match m.element(name) {
        None => Ok(None),
        Some(_) => m.child(name).map(Some).ok_or_else(|| PushError::InvalidField {
            name,
            expected: "nested elements",
            found: "text".to_owned(),
        }),
    }
}

/// `value`, or the error naming `name` as missing: built only when it is (not built and
/// dropped for every field that is there).
fn required<T>(value: Option<T>, name: &'static str) -> Result<T, PushError> {
    match value {
        Some(value) => Ok(value),
        None => Err(PushError::MissingField { name }),
    }
}

/// Checks that `m` is the event `expected` (its [`Message::kind`]).
pub fn expect_kind<M: Fields + ?Sized>(m: &M, expected: &'static str) -> Result<(), PushError> {
    kind_is(m.kind(), expected)
}

/// [`expect_kind`] of elements already found: the message's `Event`, `InfoType` and `MsgType`
/// (what [`Fields::field`] says of each), of which the first that holds text that is not
/// blank names the message, as [`Message::kind`] reads it.
pub fn expect_kind_of(
    [event, info_type, msg_type]: [Option<Option<&str>>; 3],
    expected: &'static str,
) -> Result<(), PushError> {
    kind_is(first_kind([event, info_type, msg_type]), expected)
}

fn kind_is(kind: Option<&str>, expected: &'static str) -> Result<(), PushError> {
    match kind {
        Some(kind) if kind == expected => Ok(()),
        found => Err(PushError::WrongKind { expected, found: found.map(|kind| clip(kind, 64)) }),
    }
}

/// The trimmed, non-empty text of an element found as `name`; an error if it holds elements
/// instead.
fn opt_text<'m>(found: Option<Option<&'m str>>, name: &'static str) -> Result<Option<&'m str>, PushError> {
    match found {
        None => Ok(None),
        Some(Some(text)) => Ok(Some(trim(text)).filter(|text| !text.is_empty())),
        Some(None) => {
            Err(PushError::InvalidField { name, expected: "text", found: "nested elements".to_owned() })
        }
    }
}

/// What an unreadable element held, without its text: in a decrypted message the text is
/// content, which no error shows.
fn shape(text: &str) -> String {
    match text.chars().count() {
        1 => "text of 1 character".to_owned(),
        n => format!("text of {n} characters"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// Flags read as `0`/`1` and as `true`/`false` in any case; any other text is refused, an
    /// empty or absent element is no flag, and a required one missing is named.
    #[test]
    fn reads_flags_in_either_form_and_refuses_the_rest() {
        let flag = |text: &str| {
            let message = Message::from_elements(vec![Element::text("F", text)]);
            opt_boolean(&message, "F").map_err(|e| e.to_string())
        };
        for (text, expected) in [
            ("1", Some(true)),
            ("0", Some(false)),
            ("true", Some(true)),
            ("TRUE", Some(true)),
            ("False", Some(false)),
            (" 1\n", Some(true)),
            ("", None),
        ] {
            assert_eq!(flag(text), Ok(expected), "{text:?}");
        }
        for text in ["2", "yes", "truee", "10", "t"] {
            assert!(flag(text).is_err(), "{text:?}");
        }
        let empty = Message::from_elements(vec![]);
        assert_eq!(opt_boolean(&empty, "F").unwrap(), None);
        assert!(matches!(boolean(&empty, "F"), Err(PushError::MissingField { name: "F" })));
        assert!(matches!(string(&empty, "F"), Err(PushError::MissingField { name: "F" })));
        assert!(matches!(integer(&empty, "F"), Err(PushError::MissingField { name: "F" })));
    }
}
