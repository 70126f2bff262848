//! WeChat's push events (feature `push`): the signature check, AES decryption and XML reading
//! that turn a POST to the callback URL into a [`Message`], whatever the event, and the reply
//! body, encrypted when the push was.
//!
//! ```
//! use wechat_core::Secret;
//! use wechat_core::push::{PushError, Query, Receiver, Reply};
//!
//! /// One POST to the callback URL, from any web framework: its query string, headers and body.
//! fn handle(
//!     receiver: &Receiver,
//!     query: &str,
//!     headers: &[(&str, &str)],
//!     body: &[u8],
//! ) -> Result<String, PushError> {
//!     let received = receiver.receive_request(&Query::parse(query), headers.iter().copied(), body)?;
//!     if received.message.kind() == Some("user_authorize_invoice") {
//!         let order = received.message.text("SuccOrderId");
//!         # let _ = order;
//!     }
//!     // `success`, or `Reply::xml(..)`: encrypted when the push was.
//!     receiver.answer(received.mode, &Reply::Ack)
//! }
//!
//! # fn build(aes_key: String) -> Result<Receiver, PushError> {
//! let receiver = Receiver::new("the token configured on WeChat's side")
//!     .aes_key(&Secret::new(aes_key), "wx_the_appid")?; // from now on, pushes in clear are refused
//! # Ok(receiver)
//! # }
//! ```
//!
//! Typed events implement [`FromMessage`], reading fields with the [`field`] helpers;
//! [`Receiver::receive_event`] reads a push straight into one.
//!
//! WeChat delivers a push again when it gets no `success` within 5 s, and a captured push
//! verifies again while its timestamp is inside the window: [`Receiver::handle`] (or the
//! axum route) with a [`Dedup`] guard calls the handler once per push.
//!
//! ```
//! use wechat_core::push::{Dedup, Message, PushError, Query, Receiver};
//!
//! async fn on_post(receiver: &Receiver, query: &str, body: &[u8]) -> (u16, String) {
//!     let answer = receiver
//!         .handle(&Query::parse(query), [("Content-Length", body.len().to_string())], body, |message: Message| async move {
//!             // Ok(()) is `success`; an Err is answered 500 and WeChat delivers the push again.
//!             Ok::<(), std::io::Error>(())
//!         })
//!         .await;
//!     match answer {
//!         Ok(body) => (200, body),
//!         Err(error) => (error.status(), error.to_string()),
//!     }
//! }
//! let receiver = Receiver::new("token").dedup(Dedup::in_memory());
//! # let _ = (receiver, on_post);
//! ```

#[cfg(feature = "push-axum")]
pub mod axum;
mod cdata;
mod crypto;
mod dedup;
mod envelope;
mod error;
pub mod field;
mod headers;
mod message;
mod mode;
mod query;
mod receiver;
mod reply;
mod scan;
mod sender;
mod signature;

pub use crypto::EncodingAesKey;
pub use dedup::Dedup;
pub use error::PushError;
#[cfg(fuzzing)]
pub(crate) use message::quick_read_agrees;
pub use message::{DedupKey, Element, Fields, Message, Value};
pub use mode::Mode;
pub use query::Query;
pub use receiver::{Clock, Received, Receiver};
pub use reply::{Incoming, IntoReply, Reply};
pub use sender::{Push, Sender};
pub use signature::sign;

/// A type read from a push message: implemented by the generated event types.
pub trait FromMessage: Sized {
    /// Reads `message`, with an error naming the element that is missing or malformed.
    fn from_message(message: &Message) -> Result<Self, PushError>;

    /// Reads the top-level elements of a message: a [`Message`], or the flat view
    /// [`Receiver::receive_event`] reads a decrypted push into, whose texts are not copied
    /// until a field takes them. By default through the [`Message`] they make; the generated
    /// event types read them directly.
    fn from_fields<F: Fields + ?Sized>(fields: &F) -> Result<Self, PushError> {
        Self::from_message(&fields.to_message())
    }
}

impl FromMessage for Message {
    fn from_message(message: &Message) -> Result<Self, PushError> {
        Ok(message.clone())
    }
}
