//! What an application answers a push with, and a verified push read as a typed event.

use super::error::PushError;
use super::message::DedupKey;
use super::receiver::{Mode, Receiver};

/// What to answer a push: `success`, or a reply message that the receiver encrypts when the
/// push came encrypted ([`Receiver::answer`]).
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
}

impl Reply {
    /// A reply message, XML in clear.
    pub fn xml(xml: impl Into<String>) -> Reply {
        Reply::Xml(xml.into())
    }
}

/// What a push callback may return: `()` acknowledges (`success`), a [`Reply`] says what to
/// answer.
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

/// A verified push read as `E` (the generated crate's `Event`): what
/// [`Receiver::receive_event`] returns.
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

impl<E> Incoming<E> {
    /// The body to answer this push with: `success` for [`Reply::Ack`], the reply message
    /// as the push's mode requires otherwise (see [`Receiver::answer`]).
    pub fn answer(&self, receiver: &Receiver, reply: &Reply) -> Result<String, PushError> {
        receiver.answer(self.mode, reply)
    }
}
