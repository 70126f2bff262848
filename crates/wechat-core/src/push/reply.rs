//! What an application answers a push with, and a verified push read as a typed event.

use super::message::DedupKey;
use super::mode::Mode;

/// What to answer a push: `success`, or a reply message that the receiver encrypts when the
/// push came encrypted ([`Receiver::answer`](super::Receiver::answer)).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reply {
    /// `success`: received, nothing to say back (WeChat stops retrying).
    #[default]
    Ack,
    /// A reply message (被动回复消息) as XML in clear, e.g.
    /// `<xml><ToUserName>…</ToUserName><MsgType><![CDATA[text]]></MsgType>…</xml>`: sent as
    /// is to a plain-mode push, encrypted and signed to a safe- or compatible-mode one.
    Xml(String),
    /// Not handled (the application failed): the answer is an error (HTTP 500,
    /// [`PushError::Unhandled`](super::PushError::Unhandled)), never `success`, so that WeChat delivers the push again, and
    /// a dedup guard ([`Dedup`](super::Dedup)) does not record it. A callback returning an
    /// `Err` means this.
    Retry,
}

impl Reply {
    /// A reply message, XML in clear.
    pub fn xml(xml: impl Into<String>) -> Reply {
        Reply::Xml(xml.into())
    }
}

/// What a push callback may return: `()` acknowledges (`success`), a [`Reply`] says what to
/// answer, a `Result` fails with its `Err` ([`Reply::Retry`]).
pub trait IntoReply {
    /// The reply this value stands for.
    fn into_reply(self) -> Reply;
}

impl IntoReply for () {
    fn into_reply(self) -> Reply {
        Reply::Ack
    }
}

impl IntoReply for Reply {
    fn into_reply(self) -> Reply {
        self
    }
}

/// `Ok` answers as its value does; `Err` is [`Reply::Retry`], the error logged (warn) with its
/// `Display`, which should then hold no secret.
impl<T: IntoReply, E: std::fmt::Display> IntoReply for Result<T, E> {
    fn into_reply(self) -> Reply {
        match self {
            Ok(reply) => reply.into_reply(),
            Err(error) => {
                tracing::warn!(%error, "the push handler failed; not answering `success`, so that WeChat retries");
                Reply::Retry
            }
        }
    }
}

/// A verified push read as `E` (the generated crate's `Event`): what
/// [`Receiver::receive_event`](super::Receiver::receive_event) returns.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Incoming<E> {
    /// The event, read from the decrypted message when the push came encrypted (never from
    /// the clear copy of a compatible-mode push when the receiver has the key).
    pub event: E,
    /// What recognises WeChat's retries of this push ([`Message::dedup_key`](super::Message::dedup_key)).
    pub dedup_key: DedupKey,
    /// How the push arrived, which decides how a reply is sent.
    pub mode: Mode,
}
