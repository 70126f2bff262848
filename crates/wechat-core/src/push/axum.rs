//! An axum route for the callback URL (feature `push-axum`): GET answers WeChat's URL check,
//! POST verifies the push, hands it to the application and answers what the application
//! returns: `success` for `()`, or a [`Reply`](super::Reply) encrypted as the push's mode requires.
//!
//! ```no_run
//! use wechat_core::Secret;
//! use wechat_core::push::{Message, PushError, Receiver, Reply};
//!
//! # fn run(aes_key: String) -> Result<(), PushError> {
//! let receiver = Receiver::new("token").aes_key(&Secret::new(aes_key), "wx_appid")?;
//! let app: axum::Router = axum::Router::new().route(
//!     "/wechat/push",
//!     wechat_core::push::axum::route(receiver, |message: Message| async move {
//!         tracing::info!(kind = ?message.kind(), "pushed");
//!         match message.text("FromUserName") {
//!             // A reply message: the route encrypts it, since the push came encrypted.
//!             Some(user) if message.kind() == Some("text") => Reply::xml(format!(
//!                 "<xml><ToUserName><![CDATA[{user}]]></ToUserName><MsgType><![CDATA[text]]></MsgType>\
//!                  <Content><![CDATA[received]]></Content></xml>"
//!             )),
//!             _ => Reply::Ack, // `success`
//!         }
//!     }),
//! );
//! # let _ = app;
//! # Ok(())
//! # }
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::RawQuery;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
pub use axum::routing::MethodRouter;
use axum::routing::get;

use super::{FromMessage, Incoming, IntoReply, Message, PushError, Query, Received, Receiver};

/// The route: `GET` answers the URL check, `POST` calls `callback` with each verified message
/// (decrypted when it came encrypted) and answers what it returns: `()` or [`Reply::Ack`]
/// is `success`, [`Reply::Xml`] the reply message, encrypted and signed when the push was.
///
/// A push is refused before the callback runs: 403 for a bad signature, a stale timestamp,
/// or a push in clear to a receiver with an EncodingAESKey; 413 for a body (or a
/// `Content-Length`) over [`Receiver::max_body_len`], checked before the body is read; 400
/// otherwise. The refusal's text never holds the token, the key or decrypted content.
///
/// [`Reply::Ack`]: super::Reply::Ack
/// [`Reply::Xml`]: super::Reply::Xml
pub fn route<F, Fut, R, S>(receiver: Receiver, callback: F) -> MethodRouter<S>
where
    F: Fn(Message) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = R> + Send + 'static,
    R: IntoReply,
    S: Clone + Send + Sync + 'static,
{
    let callback = Arc::new(callback);
    build(receiver, move |received: Received| {
        let callback = Arc::clone(&callback);
        Ok(async move { callback(received.message).await })
    })
}

/// [`route`] with each push read as `E` (the generated crate's `Event`, whose
/// `wechat_card::events::route` calls this): the callback gets the typed event, WeChat's
/// retry key and the push's mode. A push whose event cannot be read as `E` (a known event
/// missing a required element) is answered 400, naming the element, and never reaches the
/// callback.
pub fn typed_route<E, F, Fut, R, S>(receiver: Receiver, callback: F) -> MethodRouter<S>
where
    E: FromMessage + Send + 'static,
    F: Fn(Incoming<E>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = R> + Send + 'static,
    R: IntoReply,
    S: Clone + Send + Sync + 'static,
{
    let callback = Arc::new(callback);
    build(receiver, move |received: Received| {
        let incoming = Incoming {
            event: E::from_message(&received.message)?,
            dedup_key: received.message.dedup_key(),
            mode: received.mode,
        };
        let callback = Arc::clone(&callback);
        Ok(async move { callback(incoming).await })
    })
}

/// Both routes: `handle` turns a verified push into the application's future, or refuses it.
fn build<H, Fut, R, S>(receiver: Receiver, handle: H) -> MethodRouter<S>
where
    H: Fn(Received) -> Result<Fut, PushError> + Send + Sync + 'static,
    Fut: Future<Output = R> + Send + 'static,
    R: IntoReply,
    S: Clone + Send + Sync + 'static,
{
    let receiver = Arc::new(receiver);
    let handle = Arc::new(handle);
    let check = Arc::clone(&receiver);
    get(move |RawQuery(query): RawQuery| {
        let receiver = Arc::clone(&check);
        async move {
            let query = Query::parse(query.as_deref().unwrap_or(""));
            match receiver.verify_url(&query) {
                Ok(echostr) => echostr.into_response(),
                Err(error) => refusal(&error),
            }
        }
    })
    .post(move |RawQuery(query): RawQuery, headers: HeaderMap, body: Body| {
        let receiver = Arc::clone(&receiver);
        let handle = Arc::clone(&handle);
        async move {
            let query = Query::parse(query.as_deref().unwrap_or(""));
            if let Err(error) = receiver.check_headers(&headers) {
                return refusal(&error);
            }
            let body = match read_capped(body, receiver.max_body_len()).await {
                Ok(body) => body,
                Err(error) => return refusal(&error),
            };
            let received = match receiver.receive_request(&query, &headers, &body) {
                Ok(received) => received,
                Err(error) => return refusal(&error),
            };
            let mode = received.mode;
            let reply = match handle(received) {
                Ok(future) => future.await.into_reply(),
                Err(error) => return refusal(&error),
            };
            match receiver.answer(mode, &reply) {
                Ok(answer) => answer.into_response(),
                Err(error) => refusal(&error),
            }
        }
    })
}

/// Reads the body, stopping as soon as it passes `cap` bytes (whatever `Content-Length`
/// said, or when there was none).
async fn read_capped(mut body: Body, cap: usize) -> Result<Bytes, PushError> {
    let mut read: Vec<u8> = Vec::new();
    while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let Ok(frame) = frame else {
            return Err(PushError::Malformed {
                at: read.len() as u64,
                reason: "the body could not be read".to_owned(),
            });
        };
        if let Ok(data) = frame.into_data() {
            if read.len() + data.len() > cap {
                return Err(PushError::BodyTooLarge { len: read.len() + data.len(), cap });
            }
            read.extend_from_slice(&data);
        }
    }
    Ok(Bytes::from(read))
}

fn refusal(error: &PushError) -> Response {
    let status = match error {
        PushError::BadSignature { .. } | PushError::StaleTimestamp { .. } | PushError::EncryptionRequired => {
            StatusCode::FORBIDDEN
        }
        PushError::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        PushError::NoRandomness => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    };
    tracing::warn!(%error, "push refused");
    (status, error.to_string()).into_response()
}
