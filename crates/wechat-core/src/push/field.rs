//! Reading one field of a [`Message`] (or of any [`Fields`]), with errors naming the element:
//! the helpers the generated event types call. Text is trimmed; an empty element counts as absent, as WeChat
//! sends `<FriendUserName><![CDATA[]]></FriendUserName>` for "no friend".

use super::error::{PushError, clip};
use super::message::{Element, Fields, Message, trim};

/// The required text of `name`.
pub fn string<M: Fields + ?Sized>(m: &M, name: &'static str) -> Result<String, PushError> {
    opt_string(m, name)?.ok_or(PushError::MissingField { name })
}

/// The text of `name`, or `None` when it is absent or empty.
pub fn opt_string<M: Fields + ?Sized>(m: &M, name: &'static str) -> Result<Option<String>, PushError> {
    Ok(opt_text(m, name)?.map(str::to_owned))
}

/// The required integer in `name` (WeChat sends some inside CDATA: `<Fee><![CDATA[10000]]></Fee>`).
pub fn integer<M: Fields + ?Sized>(m: &M, name: &'static str) -> Result<i64, PushError> {
    opt_integer(m, name)?.ok_or(PushError::MissingField { name })
}

/// The integer in `name`, or `None` when it is absent or empty.
pub fn opt_integer<M: Fields + ?Sized>(m: &M, name: &'static str) -> Result<Option<i64>, PushError> {
    opt_text(m, name)?
        .map(|text| {
            text.parse().map_err(|_| PushError::InvalidField {
                name,
                expected: "an integer",
                found: shape(text),
            })
        })
        .transpose()
}

/// The required flag in `name`: `0`/`1` (most events) or `true`/`false` (gift-card events).
pub fn boolean<M: Fields + ?Sized>(m: &M, name: &'static str) -> Result<bool, PushError> {
    opt_boolean(m, name)?.ok_or(PushError::MissingField { name })
}

/// The flag in `name`, or `None` when it is absent or empty.
pub fn opt_boolean<M: Fields + ?Sized>(m: &M, name: &'static str) -> Result<Option<bool>, PushError> {
    opt_text(m, name)?
        .map(|text| match text.to_ascii_lowercase().as_str() {
            "1" | "true" => Ok(true),
            "0" | "false" => Ok(false),
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
    opt_children(m, name)?.ok_or(PushError::MissingField { name })
}

/// The child elements of `name`, or `None` when it is absent.
pub fn opt_children<'m>(m: &'m Message, name: &'static str) -> Result<Option<&'m [Element]>, PushError> {
    match m.element(name) {
        None => Ok(None),
        Some(_) => m.child(name).map(Some).ok_or(PushError::InvalidField {
            name,
            expected: "nested elements",
            found: "text".to_owned(),
        }),
    }
}

/// Checks that `m` is the event `expected` (its [`Message::kind`]).
pub fn expect_kind<M: Fields + ?Sized>(m: &M, expected: &'static str) -> Result<(), PushError> {
    match m.kind() {
        Some(kind) if kind == expected => Ok(()),
        found => Err(PushError::WrongKind { expected, found: found.map(|kind| clip(kind, 64)) }),
    }
}

/// The trimmed, non-empty text of `name`; an error if it holds elements instead.
fn opt_text<'m, M: Fields + ?Sized>(m: &'m M, name: &'static str) -> Result<Option<&'m str>, PushError> {
    match m.field(name) {
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
