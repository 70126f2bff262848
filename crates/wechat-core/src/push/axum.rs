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
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
pub use axum::routing::MethodRouter;
use axum::routing::get;

use super::{FromMessage, Incoming, IntoReply, Message, PushError, Query, Received, Receiver};

/// The route: `GET` answers the URL check, `POST` calls `callback` with each verified message
/// (decrypted when it came encrypted) and answers what it returns: `()` or [`Reply::Ack`]
/// is `success`, [`Reply::Xml`] the reply message, encrypted and signed when the push was;
/// an `Err` (or [`Reply::Retry`]) is answered 500, so that WeChat delivers the push again.
///
/// A push is refused before the callback runs: 403 for a bad signature, a stale timestamp,
/// or a push in clear to a receiver with an EncodingAESKey; 413 for a body (or a
/// `Content-Length`) over [`Receiver::max_body_len`], checked before the body is read; 408
/// (and the connection closed) for a body not received within [`Receiver::max_body_time`]
/// (10 s unless [`Receiver::body_timeout`] says otherwise); 400 otherwise. The refusal's text
/// never holds the token, the key or decrypted content.
///
/// With a dedup guard ([`Receiver::dedup`]) the callback runs once per push: a retry or a
/// replay of a push it handled is answered `success` without calling it, and one arriving
/// while the push is still being handled waits for that (see [`Dedup`](super::Dedup)).
///
/// [`Reply::Ack`]: super::Reply::Ack
/// [`Reply::Xml`]: super::Reply::Xml
/// [`Reply::Retry`]: super::Reply::Retry
pub fn route<F, Fut, R, S>(receiver: Receiver, callback: F) -> MethodRouter<S>
where
    F: Fn(Message) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = R> + Send + 'static,
    R: IntoReply,
    S: Clone + Send + Sync + 'static,
{
    let callback = Arc::new(callback);
    build(receiver, move |receiver: Arc<Receiver>, received: Received| {
        let callback = Arc::clone(&callback);
        async move { receiver.dispatch(received, |received| callback(received.message)).await }
    })
}

/// [`route`] with each push read as `E` (the generated crate's `Event`, whose
/// `wechat_card::events::route` calls this): the callback gets the typed event, WeChat's
/// retry key and the push's mode. A push whose event cannot be read as `E` (a known event
/// missing a required element) is answered 400, naming the element, and never reaches the
/// callback (nor the dedup guard).
pub fn typed_route<E, F, Fut, R, S>(receiver: Receiver, callback: F) -> MethodRouter<S>
where
    E: FromMessage + Send + 'static,
    F: Fn(Incoming<E>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = R> + Send + 'static,
    R: IntoReply,
    S: Clone + Send + Sync + 'static,
{
    let callback = Arc::new(callback);
    build(receiver, move |receiver: Arc<Receiver>, received: Received| {
        let callback = Arc::clone(&callback);
        async move { receiver.dispatch_event(received, |incoming: Incoming<E>| callback(incoming)).await }
    })
}

/// Both routes: `dispatch` hands a verified push to the application (through the guard) and
/// gives the body to answer, or why not.
fn build<D, Fut, S>(receiver: Receiver, dispatch: D) -> MethodRouter<S>
where
    D: Fn(Arc<Receiver>, Received) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<String, PushError>> + Send + 'static,
    S: Clone + Send + Sync + 'static,
{
    let receiver = Arc::new(receiver);
    let dispatch = Arc::new(dispatch);
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
        let dispatch = Arc::clone(&dispatch);
        async move {
            let query = Query::parse(query.as_deref().unwrap_or(""));
            if let Err(error) = receiver.check_headers(&headers) {
                return refusal(&error);
            }
            let limit = receiver.max_body_time();
            let body = match tokio::time::timeout(limit, read_capped(body, receiver.max_body_len())).await {
                Ok(Ok(body)) => body,
                Ok(Err(error)) => return refusal(&error),
                Err(_) => return refusal(&PushError::BodyTimeout { limit }),
            };
            let received = match receiver.receive_request(&query, &headers, &body) {
                Ok(received) => received,
                Err(error) => return refusal(&error),
            };
            match dispatch(Arc::clone(&receiver), received).await {
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
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::BAD_REQUEST);
    if status.is_server_error() {
        tracing::warn!(%error, "push not handled");
    } else {
        tracing::warn!(%error, "push refused");
    }
    let mut response = (status, error.to_string()).into_response();
    if matches!(error, PushError::BodyTimeout { .. }) {
        // The rest of a dripped body is not worth reading to keep the connection.
        response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}
