//! The typed entry points of [`events`](crate::events): [`Push`], [`receive`], [`handle`] and
//! the axum `route`, a POST to the callback URL in, the typed event and what to answer out.
//! Thin over the runtime's generic entry points, which know no event.
//!
//! Hand-written: nothing here depends on the spec. The generated events module
//! (`generated/events/mod.rs`, written only when the spec declares events) includes this file
//! as its `entry` child and re-exports its items, so they exist exactly where [`Event`] does,
//! behind the `events` cargo feature (`route` also behind `events-axum`). cargo fmt does not
//! reach this file through the generated module: CI checks it with rustfmt by name.

use wechat_core::push::{IntoReply, PushError, Query, Receiver};

use super::Event;

/// A verified push read into its [`Event`]: the event (read from the decrypted copy
/// when the push came encrypted), the key recognising WeChat's retries
/// (`dedup_key`), and the push's `mode`. [`Push::answer`](::wechat_core::push::Incoming::answer)
/// builds the body to answer: `success` for `Reply::Ack`, or a reply message, encrypted
/// when the push was.
pub type Push = wechat_core::push::Incoming<Event>;

/// Verifies, decrypts and types one POST to the callback URL, whatever the web
/// framework: its query, its headers as `(name, value)` pairs (`&http::HeaderMap`
/// will do; a `Content-Length` over the receiver's cap is refused) and its body in, a
/// [`Push`] out. Fails as `Receiver::receive_request` does, or with the element a
/// known event lacks. It calls no handler, so a receiver's dedup guard
/// (`Receiver::dedup`) is not consulted: [`handle`] and `route` do that.
///
/// ```
/// use wechat_card::events::{self, Event};
/// use wechat_card::wechat_core::push::{PushError, Query, Receiver, Reply};
///
/// fn on_post(receiver: &Receiver, query: &str, headers: &[(&str, &str)], body: &[u8]) -> Result<String, PushError> {
///     let push = events::receive(receiver, &Query::parse(query), headers.iter().copied(), body)?;
///     if let Event::Unknown(message) = &push.event {
///         println!("not typed here: {:?}", message.kind());
///     }
///     // `success`; `Reply::xml(..)` would be encrypted as the push was.
///     push.answer(receiver, &Reply::Ack)
/// }
/// ```
pub fn receive<N, V>(
    receiver: &Receiver,
    query: &Query,
    headers: impl IntoIterator<Item = (N, V)>,
    body: &[u8],
) -> Result<Push, PushError>
where
    N: AsRef<str>,
    V: AsRef<[u8]>,
{
    receiver.receive_event(query, headers, body)
}

/// [`receive`], then `callback` with the [`Push`], whatever the web framework: the body
/// to answer with status 200 comes back (`success` for `()`, or the `Reply`, encrypted
/// as the push was), or a `PushError` whose `status()` is the one to answer (a
/// callback's `Err` is 500, so that WeChat delivers the push again). With a dedup guard
/// (`Receiver::dedup`) the callback runs once per push: WeChat's retries and replays
/// of a push it handled are answered `success` without calling it.
///
/// ```
/// use wechat_card::events::{self, Event, Push};
/// use wechat_card::wechat_core::push::{Dedup, Query, Receiver};
///
/// async fn on_post(receiver: &Receiver, query: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String) {
///     let answer = events::handle(receiver, &Query::parse(query), headers.iter().copied(), body, |push: Push| async move {
///         if let Event::Unknown(message) = &push.event {
///             println!("not typed here: {:?}", message.kind());
///         }
///         Ok::<(), std::io::Error>(())
///     })
///     .await;
///     match answer {
///         Ok(body) => (200, body),
///         Err(error) => (error.status(), error.to_string()),
///     }
/// }
/// let receiver = Receiver::new("token").dedup(Dedup::in_memory());
/// # let _ = (receiver, on_post);
/// ```
pub async fn handle<N, V, F, Fut, R>(
    receiver: &Receiver,
    query: &Query,
    headers: impl IntoIterator<Item = (N, V)>,
    body: &[u8],
    callback: F,
) -> Result<String, PushError>
where
    N: AsRef<str>,
    V: AsRef<[u8]>,
    F: FnOnce(Push) -> Fut,
    Fut: Future<Output = R>,
    R: IntoReply,
{
    receiver.handle_event(query, headers, body, callback).await
}

/// The axum route for the callback URL with each push typed (cargo feature
/// `events-axum`): `GET` answers WeChat's URL check, `POST` calls `callback` with the
/// [`Push`] and answers what it returns, `()` for `success` or a `Reply`, encrypted
/// as the push was (an `Err` is answered 500, so that WeChat delivers the push again).
/// Refusals are as `wechat_core::push::axum::route`'s (a body not received within
/// the receiver's `body_timeout` is answered 408); a known event missing a required
/// element is answered 400 naming it. With a dedup guard (`Receiver::dedup`) the
/// callback runs once per push.
#[cfg(feature = "events-axum")]
pub fn route<F, Fut, R, S>(receiver: Receiver, callback: F) -> wechat_core::push::axum::MethodRouter<S>
where
    F: Fn(Push) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = R> + Send + 'static,
    R: IntoReply,
    S: Clone + Send + Sync + 'static,
{
    wechat_core::push::axum::typed_route(receiver, callback)
}
