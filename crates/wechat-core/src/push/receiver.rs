//! The framework-neutral entry point: a push's query, headers and body in, the verified and
//! decrypted [`Message`] (or a typed event) out; the URL check's answer; the reply's body,
//! encrypted when the push was.

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::FromMessage;
use super::crypto::{self, EncodingAesKey};
use super::dedup::{Dedup, Gate};
use super::envelope;
use super::error::{PushError, clip};
use super::headers::Headers;
use super::message::{Fields, Flat, Message, Value, trim};
use super::mode::Mode;
use super::query::Query;
use super::reply::{Incoming, IntoReply, Reply};
use super::signature;
use crate::Secret;

/// The receiver's clock, in unix seconds; injectable so that tests can move it.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// A verified push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The message (decrypted when it came encrypted).
    pub message: Message,
    /// How it arrived.
    pub mode: Mode,
}

impl Received {
    /// What to answer a push that takes no reply: WeChat stops retrying on `success` (or an
    /// empty body).
    pub const ACK: &'static str = "success";
}

/// Verifies and decrypts WeChat's pushes for one account (or one third-party platform).
///
/// Once it has an EncodingAESKey ([`Receiver::aes_key`]) it refuses pushes in clear
/// ([`PushError::EncryptionRequired`]) unless told otherwise ([`Receiver::accept_plain`]):
/// a plain push's `signature` does not cover its body. With a dedup guard
/// ([`Receiver::dedup`]), the entry points that call a handler ([`Receiver::handle`],
/// [`Receiver::handle_event`], the axum routes) call it once per push, however often WeChat
/// retries it or anyone replays it.
#[derive(Clone)]
pub struct Receiver {
    token: Secret,
    aes: Option<(EncodingAesKey, String)>,
    accept_plain: bool,
    window: Duration,
    max_body: usize,
    body_timeout: Duration,
    dedup: Option<Dedup>,
    clock: Clock,
}

impl Receiver {
    /// How far a push's `timestamp` may be from the receiver's clock, unless set otherwise.
    pub const DEFAULT_WINDOW: Duration = Duration::from_secs(300);
    /// The largest body accepted unless set otherwise: compatible mode triples a message, and
    /// WeChat's event messages are a few KiB at most.
    pub const DEFAULT_MAX_BODY: usize = 256 * 1024;
    /// How long a web framework may take to read a body unless set otherwise: WeChat sends a
    /// few KiB at once, so only a client dripping its body (holding a connection) takes long.
    pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(10);

    /// A receiver in plain mode for the token configured on WeChat's side.
    pub fn new(token: impl Into<String>) -> Self {
        Self {
            token: Secret::new(token),
            aes: None,
            accept_plain: false,
            window: Self::DEFAULT_WINDOW,
            max_body: Self::DEFAULT_MAX_BODY,
            body_timeout: Self::DEFAULT_BODY_TIMEOUT,
            dedup: None,
            clock: Arc::new(system_now),
        }
    }

    /// Reads encrypted pushes (safe and compatible modes) for `appid`, with the
    /// 43-character EncodingAESKey configured on WeChat's side (a [`Secret`], so it cannot
    /// be passed where the appid goes). From then on a push in clear is refused
    /// ([`PushError::EncryptionRequired`]) unless [`Receiver::accept_plain`] says otherwise,
    /// and a compatible-mode push is read from its encrypted copy, never its clear one.
    pub fn aes_key(mut self, encoding_aes_key: &Secret, appid: impl Into<String>) -> Result<Self, PushError> {
        self.aes = Some((EncodingAesKey::new(encoding_aes_key.expose())?, appid.into()));
        Ok(self)
    }

    /// With `true`, a receiver that has an EncodingAESKey still accepts pushes in clear
    /// (plain mode): for the switch-over between modes only, while WeChat's server settings
    /// and the application's may disagree for a moment.
    ///
    /// The risk: a plain push's `signature` covers the token, the timestamp and the nonce,
    /// never the body, and WeChat sends that `signature` on encrypted pushes too. Whoever saw
    /// the query of one push (a proxy's log, a shared screenshot) can, within the timestamp
    /// window, send it again with a body of their own, and it is accepted. Turn it off once
    /// WeChat's side is in safe mode. Without a key, every push is plain and this changes
    /// nothing.
    pub fn accept_plain(mut self, accept: bool) -> Self {
        self.accept_plain = accept;
        self
    }

    /// Accepts pushes whose `timestamp` is at most `window` away from the clock.
    pub fn window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// Refuses bodies over `max_body` bytes.
    pub fn max_body(mut self, max_body: usize) -> Self {
        self.max_body = max_body;
        self
    }

    /// The largest body accepted, in bytes: how much a web framework should read at most.
    pub fn max_body_len(&self) -> usize {
        self.max_body
    }

    /// Reads a body for at most `timeout` (default [`DEFAULT_BODY_TIMEOUT`](Self::DEFAULT_BODY_TIMEOUT)):
    /// the axum routes answer 408 ([`PushError::BodyTimeout`]) and close the connection past
    /// it, however slowly the body still comes. Other frameworks read it from
    /// [`Receiver::max_body_time`].
    pub fn body_timeout(mut self, timeout: Duration) -> Self {
        self.body_timeout = timeout;
        self
    }

    /// How long a web framework should take to read a body at most.
    pub fn max_body_time(&self) -> Duration {
        self.body_timeout
    }

    /// Guards the handler with `dedup`: [`Receiver::handle`], [`Receiver::handle_event`] and
    /// the axum routes call it once per push, answering WeChat's retries and replays of a
    /// push already handled with `success`. [`Dedup`] says what it protects against and what
    /// not; the plain verifiers ([`Receiver::receive`], [`Receiver::receive_request`],
    /// [`Receiver::receive_event`]) call no handler and do not consult it.
    ///
    /// ```
    /// use wechat_core::push::{Dedup, Receiver};
    ///
    /// // One process: the ledger in memory. A fleet: `Dedup::new(redis_store)`.
    /// let receiver = Receiver::new("token").dedup(Dedup::in_memory());
    /// # let _ = receiver;
    /// ```
    pub fn dedup(mut self, dedup: Dedup) -> Self {
        self.dedup = Some(dedup);
        self
    }

    /// Reads the time (unix seconds) from `clock` instead of the system's.
    pub fn clock(mut self, clock: impl Fn() -> i64 + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Answers WeChat's URL check (a GET with `echostr`): the text to send back. A plain
    /// `signature` gets the `echostr` as sent; a `msg_signature` (platforms that encrypt the
    /// check) gets the decrypted `echostr`.
    pub fn verify_url(&self, query: &Query) -> Result<String, PushError> {
        let (timestamp, nonce) = (required(query, "timestamp")?, required(query, "nonce")?);
        let echostr = required(query, "echostr")?;
        match (query.get("msg_signature"), &self.aes) {
            (Some(claimed), Some((key, appid))) => {
                self.check_signature(
                    "msg_signature",
                    claimed,
                    &[self.token.expose(), timestamp, nonce, echostr],
                )?;
                self.check_time(timestamp)?;
                let (plain, found) = key.decrypt_named(echostr, "echostr")?;
                crypto::check_appid(appid, &found)?;
                String::from_utf8(plain)
                    .map_err(|_| PushError::BadPlaintext { reason: "the echostr is not UTF-8" })
            }
            _ => {
                self.check_signature(
                    "signature",
                    required(query, "signature")?,
                    &[self.token.expose(), timestamp, nonce],
                )?;
                self.check_time(timestamp)?;
                Ok(echostr.to_owned())
            }
        }
    }

    /// Checks a push's headers before its body is read: a `Content-Length` over
    /// [`Receiver::max_body_len`] is refused ([`PushError::BodyTooLarge`]) without reading
    /// the body at all; so are a malformed or doubled `Content-Length` and a compressed body
    /// ([`PushError::BadHeader`]). `headers` are `(name, value)` pairs as any web framework
    /// hands them over (`&http::HeaderMap`, or `[("Content-Length", "312")]`); names are
    /// compared in any case. `Content-Type` is not looked at: WeChat's is not reliable.
    pub fn check_headers<N, V>(&self, headers: impl IntoIterator<Item = (N, V)>) -> Result<(), PushError>
    where
        N: AsRef<str>,
        V: AsRef<[u8]>,
    {
        self.check_read_headers(&Headers::read(headers)?)
    }

    /// The framework-neutral entry point: a POST to the callback URL (its query, its headers
    /// as `(name, value)` pairs, its body) in, the verified message out, decrypted when it
    /// came encrypted. The headers are checked as [`Receiver::check_headers`] does, and a
    /// body whose length is not the `Content-Length` sent is refused (a truncated read).
    /// Then as [`Receiver::receive`].
    pub fn receive_request<N, V>(
        &self,
        query: &Query,
        headers: impl IntoIterator<Item = (N, V)>,
        body: &[u8],
    ) -> Result<Received, PushError>
    where
        N: AsRef<str>,
        V: AsRef<[u8]>,
    {
        self.check_request(headers, body)?;
        self.receive(query, body)
    }

    /// The checks of [`Receiver::receive_request`] before the body is read.
    fn check_request<N, V>(
        &self,
        headers: impl IntoIterator<Item = (N, V)>,
        body: &[u8],
    ) -> Result<(), PushError>
    where
        N: AsRef<str>,
        V: AsRef<[u8]>,
    {
        let headers = Headers::read(headers)?;
        self.check_read_headers(&headers)?;
        if headers.content_length.is_some_and(|declared| declared != body.len() as u64) {
            return Err(PushError::BadHeader {
                name: "Content-Length",
                reason: "does not match the length of the body received",
            });
        }
        Ok(())
    }

    /// [`Receiver::receive_request`], with the message read as `E` (the generated crate's
    /// `Event`: `wechat_card::events::receive` calls this) and WeChat's retry key beside it.
    /// Answer it with [`Incoming::answer`].
    pub fn receive_event<E, N, V>(
        &self,
        query: &Query,
        headers: impl IntoIterator<Item = (N, V)>,
        body: &[u8],
    ) -> Result<Incoming<E>, PushError>
    where
        E: FromMessage,
        N: AsRef<str>,
        V: AsRef<[u8]>,
    {
        self.check_request(headers, body)?;
        match self.open(query, body)? {
            // A decrypted message whose elements all hold text (every event WeChat documents)
            // is read in place: no `Message` is built, no text copied but the event's fields.
            Opened::Decrypted(xml, mode) => match Flat::parse(&xml)? {
                Some(flat) => {
                    Ok(Incoming { event: E::from_fields(&flat)?, dedup_key: flat.dedup_key(), mode })
                }
                None => {
                    let message = Message::parse(&xml)?;
                    Ok(Incoming { event: E::from_message(&message)?, dedup_key: message.dedup_key(), mode })
                }
            },
            Opened::Read(received) => Ok(Incoming {
                event: E::from_message(&received.message)?,
                dedup_key: received.message.dedup_key(),
                mode: received.mode,
            }),
        }
    }

    /// The framework-neutral counterpart of the axum route: verifies a POST to the callback
    /// URL as [`Receiver::receive_request`] does, hands its message to `handler` (unless the
    /// dedup guard recognises it, see [`Receiver::dedup`]), and returns the body to answer
    /// with status 200: `success` for `()` or [`Reply::Ack`], the reply message (encrypted as
    /// the push was) for [`Reply::Xml`]. An `Err` is answered with
    /// [`PushError::status`]; among them [`PushError::Unhandled`] when the handler returned an
    /// `Err` or [`Reply::Retry`], and [`PushError::InFlight`] for a duplicate still being
    /// handled elsewhere.
    pub async fn handle<N, V, F, Fut, R>(
        &self,
        query: &Query,
        headers: impl IntoIterator<Item = (N, V)>,
        body: &[u8],
        handler: F,
    ) -> Result<String, PushError>
    where
        N: AsRef<str>,
        V: AsRef<[u8]>,
        F: FnOnce(Message) -> Fut,
        Fut: Future<Output = R>,
        R: IntoReply,
    {
        let received = self.receive_request(query, headers, body)?;
        self.dispatch(received, |received| handler(received.message)).await
    }

    /// [`Receiver::handle`] with the message read as `E` (the generated crate's `Event`:
    /// `wechat_card::events::handle` calls this): a push that does not read as `E` is refused
    /// before the guard and the handler.
    pub async fn handle_event<E, N, V, F, Fut, R>(
        &self,
        query: &Query,
        headers: impl IntoIterator<Item = (N, V)>,
        body: &[u8],
        handler: F,
    ) -> Result<String, PushError>
    where
        E: FromMessage,
        N: AsRef<str>,
        V: AsRef<[u8]>,
        F: FnOnce(Incoming<E>) -> Fut,
        Fut: Future<Output = R>,
        R: IntoReply,
    {
        let received = self.receive_request(query, headers, body)?;
        self.dispatch_event(received, handler).await
    }

    /// Hands a verified push to `handler` through the dedup guard, and returns the body to
    /// answer.
    pub(crate) async fn dispatch<F, Fut, R>(
        &self,
        received: Received,
        handler: F,
    ) -> Result<String, PushError>
    where
        F: FnOnce(Received) -> Fut,
        Fut: Future<Output = R>,
        R: IntoReply,
    {
        let key = self.guard_key(&received.message);
        self.guarded(key, received.mode, received, handler).await
    }

    /// [`Receiver::dispatch`], the message read as `E` first.
    pub(crate) async fn dispatch_event<E, F, Fut, R>(
        &self,
        received: Received,
        handler: F,
    ) -> Result<String, PushError>
    where
        E: FromMessage,
        F: FnOnce(Incoming<E>) -> Fut,
        Fut: Future<Output = R>,
        R: IntoReply,
    {
        let key = self.guard_key(&received.message);
        let incoming = Incoming {
            event: E::from_message(&received.message)?,
            dedup_key: received.message.dedup_key(),
            mode: received.mode,
        };
        self.guarded(key, received.mode, incoming, handler).await
    }

    /// The guard's key for `message`, when there is a guard.
    fn guard_key(&self, message: &Message) -> Option<String> {
        self.dedup.as_ref().map(|_| Dedup::key(self.aes.as_ref().map(|(_, appid)| appid.as_str()), message))
    }

    /// How long a handled push is remembered: twice the window, so that any replay the
    /// window lets in (a timestamp up to a window ahead of the clock when first handled) is
    /// recognised.
    fn retention(&self) -> Duration {
        self.window.saturating_mul(2).max(Duration::from_secs(1))
    }

    async fn guarded<T, F, Fut, R>(
        &self,
        key: Option<String>,
        mode: Mode,
        value: T,
        handler: F,
    ) -> Result<String, PushError>
    where
        F: FnOnce(T) -> Fut,
        Fut: Future<Output = R>,
        R: IntoReply,
    {
        let (Some(dedup), Some(key)) = (&self.dedup, key) else {
            return self.answer(mode, &handler(value).await.into_reply());
        };
        let ticket = match dedup.enter(&key).await {
            Gate::Fresh(ticket) => Some(ticket),
            Gate::Unguarded => None,
            Gate::Handled => {
                tracing::debug!(
                    "a push already handled arrived again: answered `success`, the handler not called"
                );
                return Ok(Received::ACK.to_owned());
            }
            Gate::InFlight(waited) => return Err(PushError::InFlight { waited }),
        };
        let reply = handler(value).await.into_reply();
        if let Some(ticket) = ticket {
            if matches!(reply, Reply::Retry) {
                ticket.release().await;
            } else {
                ticket.complete(self.retention()).await;
            }
        }
        self.answer(mode, &reply)
    }

    /// Verifies a push (the POST's query and body) and returns its message, decrypted when it
    /// came encrypted. Unknown events are returned like any other. With an EncodingAESKey, a
    /// push without `<Encrypt>` is refused ([`PushError::EncryptionRequired`]) unless
    /// [`Receiver::accept_plain`] is on, and a compatible-mode push's message is the
    /// decrypted copy.
    pub fn receive(&self, query: &Query, body: &[u8]) -> Result<Received, PushError> {
        match self.open(query, body)? {
            Opened::Decrypted(xml, mode) => Ok(Received { message: Message::parse(&xml)?, mode }),
            Opened::Read(received) => Ok(received),
        }
    }

    /// [`Receiver::receive`] up to the decryption: the decrypted XML, not read yet, or the
    /// message of a push that came in clear.
    fn open(&self, query: &Query, body: &[u8]) -> Result<Opened, PushError> {
        if body.len() > self.max_body {
            return Err(PushError::BodyTooLarge { len: body.len(), cap: self.max_body });
        }
        let (timestamp, nonce) = (required(query, "timestamp")?, required(query, "nonce")?);
        // The envelope's elements are read where they lie in the body, not copied, when they
        // all hold text (as WeChat's do); otherwise as a `Message`, its `Encrypt` text borrowed.
        let outer = match Flat::parse(body)? {
            Some(flat) => Outer::Flat(flat),
            None => {
                let (message, encrypt) = Message::parse_envelope(body)?;
                Outer::Tree(message, encrypt)
            }
        };
        let encrypt = match &outer {
            Outer::Flat(flat) => flat.encrypt(),
            Outer::Tree(_, encrypt) => encrypt.as_deref(),
        };
        let says_aes = query.get("encrypt_type").is_some_and(|t| t.eq_ignore_ascii_case("aes"));
        let compatible = encrypt.is_some() && outer.has_clear_message();
        match (encrypt, &self.aes) {
            (None, _) if says_aes => Err(PushError::MissingEncrypt),
            // The plain signature does not cover the body: with a key, a clear body is not
            // trusted unless the application opted in for a switch-over.
            (None, Some(_)) if !self.accept_plain => Err(PushError::EncryptionRequired),
            (None, _) => {
                self.receive_plain(query, timestamp, nonce, outer.message(), Mode::Plain).map(Opened::Read)
            }
            // With the key, only the encrypted copy is read: a compatible-mode body's clear
            // elements are not covered by `msg_signature` and are dropped.
            (Some(encrypt), Some((key, appid))) => {
                let claimed = required(query, "msg_signature")?;
                self.check_signature(
                    "msg_signature",
                    claimed,
                    &[self.token.expose(), timestamp, nonce, encrypt],
                )?;
                self.check_time(timestamp)?;
                let xml = key.decrypt_for(encrypt, appid)?;
                Ok(Opened::Decrypted(xml, if compatible { Mode::Compatible } else { Mode::Safe }))
            }
            // Compatible mode exists so that a server without the key can read the clear copy.
            (Some(_), None) if compatible => {
                let clear = Message::from_elements(
                    outer.message().elements().iter().filter(|e| e.name != "Encrypt").cloned().collect(),
                );
                self.receive_plain(query, timestamp, nonce, clear, Mode::Compatible).map(Opened::Read)
            }
            (Some(_), None) => Err(PushError::NoAesKey),
        }
    }

    /// The encrypted reply WeChat expects to a safe- or compatible-mode push that takes a
    /// reply: `<xml>` with `Encrypt`, `MsgSignature`, `TimeStamp`, `Nonce`.
    pub fn reply(&self, xml: &str) -> Result<String, PushError> {
        let (key, appid) = self.aes.as_ref().ok_or(PushError::NoAesKey)?;
        let encrypt = key.encrypt(xml.as_bytes(), appid, crypto::random16()?)?;
        let timestamp = (self.clock)().to_string();
        let nonce = envelope::nonce()?;
        let signature = signature::sign(&[self.token.expose(), &timestamp, &nonce, &encrypt]);
        Ok(envelope::reply(&encrypt, &signature, &timestamp, &nonce))
    }

    /// The body to answer `received` with `xml`: as is in plain mode, encrypted otherwise.
    pub fn reply_to(&self, received: &Received, xml: &str) -> Result<String, PushError> {
        self.reply_in(received.mode, xml)
    }

    /// The body to answer a push that arrived in `mode` with `reply`: `success` for
    /// [`Reply::Ack`]; for [`Reply::Xml`], the XML as is to a plain-mode push and encrypted
    /// and signed ([`Receiver::reply`]) to a safe- or compatible-mode one; for
    /// [`Reply::Retry`], no body but [`PushError::Unhandled`] (answer its
    /// [`status`](PushError::status), 500).
    pub fn answer(&self, mode: Mode, reply: &Reply) -> Result<String, PushError> {
        match reply {
            Reply::Ack => Ok(Received::ACK.to_owned()),
            Reply::Xml(xml) => self.reply_in(mode, xml),
            Reply::Retry => Err(PushError::Unhandled),
        }
    }

    fn reply_in(&self, mode: Mode, xml: &str) -> Result<String, PushError> {
        match mode {
            Mode::Plain => Ok(xml.to_owned()),
            // A compatible-mode push read without the key is answered in clear: WeChat
            // accepts either in that mode.
            Mode::Compatible if self.aes.is_none() => Ok(xml.to_owned()),
            Mode::Safe | Mode::Compatible => self.reply(xml),
        }
    }

    fn check_read_headers(&self, headers: &Headers) -> Result<(), PushError> {
        match headers.content_length {
            Some(declared) if declared > self.max_body as u64 => Err(PushError::BodyTooLarge {
                len: usize::try_from(declared).unwrap_or(usize::MAX),
                cap: self.max_body,
            }),
            _ => Ok(()),
        }
    }

    fn receive_plain(
        &self,
        query: &Query,
        timestamp: &str,
        nonce: &str,
        message: Message,
        mode: Mode,
    ) -> Result<Received, PushError> {
        self.check_signature(
            "signature",
            required(query, "signature")?,
            &[self.token.expose(), timestamp, nonce],
        )?;
        self.check_time(timestamp)?;
        Ok(Received { message, mode })
    }

    /// Checks `claimed` against the signature of `parts`, the token among them (given by the
    /// caller, so that the few parts are a slice of an array: no `Vec` built per push).
    fn check_signature(
        &self,
        parameter: &'static str,
        claimed: &str,
        parts: &[&str],
    ) -> Result<(), PushError> {
        if signature::matches(claimed, parts) { Ok(()) } else { Err(PushError::BadSignature { parameter }) }
    }

    /// Refuses a timestamp outside the window around the clock (a replay, or a wrong clock).
    fn check_time(&self, timestamp: &str) -> Result<(), PushError> {
        let value: i64 =
            trim(timestamp).parse().map_err(|_| PushError::BadTimestamp { value: clip(timestamp, 32) })?;
        let now = (self.clock)();
        let skew = now.abs_diff(value);
        if skew > self.window.as_secs() {
            return Err(PushError::StaleTimestamp {
                timestamp: value,
                now,
                skew_secs: skew,
                window_secs: self.window.as_secs(),
            });
        }
        Ok(())
    }
}

impl fmt::Debug for Receiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("token", &self.token)
            .field("aes_key", &self.aes.as_ref().map(|(key, _)| key))
            .field("appid", &self.aes.as_ref().map(|(_, appid)| appid))
            .field("accept_plain", &self.accept_plain)
            .field("window", &self.window)
            .field("max_body", &self.max_body)
            .field("body_timeout", &self.body_timeout)
            .field("dedup", &self.dedup)
            .finish_non_exhaustive()
    }
}

/// A push verified up to its decryption.
enum Opened {
    /// The decrypted XML, and how it came.
    Decrypted(Vec<u8>, Mode),
    /// A push in clear, read.
    Read(Received),
}

/// A push's body: flat, or as a `Message` with its `Encrypt` text beside it.
enum Outer<'a> {
    Flat(Flat<'a>),
    Tree(Message, Option<Cow<'a, str>>),
}

impl Outer<'_> {
    /// Whether an encrypted body also carries the message in clear (compatible mode): any
    /// element besides `Encrypt` and the addressee (`ToUserName` or `AppId`).
    fn has_clear_message(&self) -> bool {
        let clear = |name: &str| !matches!(name, "Encrypt" | "ToUserName" | "AppId");
        match self {
            Outer::Flat(flat) => flat.iter().any(|(name, text)| clear(name) && !text.trim().is_empty()),
            Outer::Tree(message, _) => message
                .elements()
                .iter()
                .any(|e| clear(&e.name) && !matches!(&e.value, Value::Text(text) if text.trim().is_empty())),
        }
    }

    /// The body as a message.
    fn message(self) -> Message {
        match self {
            Outer::Flat(flat) => flat.to_message(),
            Outer::Tree(message, _) => message,
        }
    }
}

fn required<'q>(query: &'q Query, name: &'static str) -> Result<&'q str, PushError> {
    query.get(name).filter(|value| !value.is_empty()).ok_or(PushError::MissingQuery { name })
}

fn system_now() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(elapsed) => i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

// Here rather than beside `Incoming` (push/reply.rs): the reply module needs nothing of the
// receiver's, and the receiver builds `Incoming`s.
impl<E> Incoming<E> {
    /// The body to answer this push with: `success` for [`Reply::Ack`], the reply message
    /// as the push's mode requires otherwise (see [`Receiver::answer`]).
    pub fn answer(&self, receiver: &Receiver, reply: &Reply) -> Result<String, PushError> {
        receiver.answer(self.mode, reply)
    }
}
