//! An axum route for the callback URL (feature `push-axum`): GET answers WeChat's URL check,
//! POST verifies the push, hands its message to the application and answers `success`.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use wechat_core::push::{Message, Receiver};
//!
//! let receiver = Receiver::new("token");
//! let app: axum::Router = axum::Router::new().route(
//!     "/wechat/push",
//!     wechat_core::push::axum::route(receiver, |message: Message| async move {
//!         tracing::info!(kind = ?message.kind(), "pushed");
//!     }),
//! );
//! # let _ = app;
//! # Ok(())
//! # }
//! ```

use std::future::Future;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::RawQuery;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};

use super::{Message, PushError, Query, Received, Receiver};

/// The route: `GET` answers the URL check, `POST` calls `callback` with each verified message
/// and answers `success` once it returns. A refused push gets 403 (bad signature) or 400 and
/// the error's text, which never holds the token or the key.
pub fn route<F, Fut, S>(receiver: Receiver, callback: F) -> MethodRouter<S>
where
    F: Fn(Message) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
    S: Clone + Send + Sync + 'static,
{
    let receiver = Arc::new(receiver);
    let callback = Arc::new(callback);
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
    .post(move |RawQuery(query): RawQuery, body: Bytes| {
        let receiver = Arc::clone(&receiver);
        let callback = Arc::clone(&callback);
        async move {
            let query = Query::parse(query.as_deref().unwrap_or(""));
            match receiver.receive(&query, &body) {
                Ok(received) => {
                    callback(received.message).await;
                    Received::ACK.into_response()
                }
                Err(error) => refusal(&error),
            }
        }
    })
}

fn refusal(error: &PushError) -> Response {
    let status = match error {
        PushError::BadSignature { .. } | PushError::StaleTimestamp { .. } => StatusCode::FORBIDDEN,
        PushError::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        _ => StatusCode::BAD_REQUEST,
    };
    tracing::warn!(%error, "push refused");
    (status, error.to_string()).into_response()
}
