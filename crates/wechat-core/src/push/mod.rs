//! WeChat's push events (feature `push`): the signature check, AES decryption and XML reading
//! that turn a POST to the callback URL into a [`Message`], whatever the event.
//!
//! ```
//! use wechat_core::push::{Query, Receiver, Received};
//!
//! # fn handle(query: &str, body: &[u8]) -> Result<&'static str, wechat_core::push::PushError> {
//! let receiver = Receiver::new("the token configured on WeChat's side");
//! let received = receiver.receive(&Query::parse(query), body)?;
//! if received.message.kind() == Some("user_authorize_invoice") {
//!     let order = received.message.text("SuccOrderId");
//!     # let _ = order;
//! }
//! Ok(Received::ACK)
//! # }
//! ```
//!
//! Typed events implement [`FromMessage`], reading fields with the [`field`] helpers.

#[cfg(feature = "push-axum")]
pub mod axum;
mod cdata;
mod crypto;
mod envelope;
mod error;
pub mod field;
mod message;
mod query;
mod receiver;
mod sender;
mod signature;

pub use crypto::EncodingAesKey;
pub use error::PushError;
pub use message::{DedupKey, Element, Message, Value};
pub use query::Query;
pub use receiver::{Clock, Mode, Received, Receiver};
pub use sender::{Push, Sender};
pub use signature::sign;

/// A type read from a push message: implemented by the generated event types.
pub trait FromMessage: Sized {
    /// Reads `message`, with an error naming the element that is missing or malformed.
    fn from_message(message: &Message) -> Result<Self, PushError>;
}

impl FromMessage for Message {
    fn from_message(message: &Message) -> Result<Self, PushError> {
        Ok(message.clone())
    }
}
