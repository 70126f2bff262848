//! Why a push was refused. No message ever shows the token, the EncodingAESKey, or the text
//! of a decrypted element: at most element names, lengths, positions and short query values.
//! Two values read from a decrypted message are named, clipped, because they are what the
//! error is about: the event a typed read expected another of ([`PushError::WrongKind`]) and
//! the appid at the tail of the decrypted text ([`PushError::WrongAppId`]).

/// Why a push (or the URL check) was refused, or a field of it could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PushError {
    /// The body is larger than the receiver accepts.
    #[error("the push body has {len} bytes, over the cap of {cap}")]
    BodyTooLarge {
        /// Bytes received, or announced by `Content-Length` (refused before the body is
        /// read), or read so far when reading stopped at the cap.
        len: usize,
        /// The receiver's cap.
        cap: usize,
    },
    /// The body did not arrive within the receiver's time bound
    /// ([`Receiver::body_timeout`](crate::push::Receiver::body_timeout)): a client sending it
    /// slowly holds a connection no longer than that.
    #[error("the push body was not received within {limit:?}")]
    BodyTimeout {
        /// The bound.
        limit: std::time::Duration,
    },
    /// The application's handler did not handle the push (it returned
    /// [`Reply::Retry`](crate::push::Reply::Retry) or an `Err`): not answered `success`, so
    /// that WeChat delivers it again, and a dedup guard does not record it.
    #[error("the push handler failed: not answered `success`, so that WeChat delivers the push again")]
    Unhandled,
    /// The same push is being handled by another delivery, still after the dedup guard's wait
    /// ([`Dedup::wait`](crate::push::Dedup::wait)): not answered `success`, so that WeChat
    /// delivers it again should that delivery fail.
    #[error("the same push is still being handled by another delivery after {waited:?}")]
    InFlight {
        /// How long this delivery waited.
        waited: std::time::Duration,
    },
    /// A query parameter WeChat always sends is missing.
    #[error("the query has no `{name}` parameter")]
    MissingQuery {
        /// The parameter's name.
        name: &'static str,
    },
    /// The signature does not match the token: the push is not from WeChat (or the token is
    /// not the one configured on WeChat's side).
    #[error("the `{parameter}` in the query does not match the token")]
    BadSignature {
        /// `signature` (plain mode) or `msg_signature` (safe mode).
        parameter: &'static str,
    },
    /// The `timestamp` parameter is not a number of seconds.
    #[error("the `timestamp` parameter {value:?} is not a number of seconds")]
    BadTimestamp {
        /// The parameter as sent (at most 32 characters of it).
        value: String,
    },
    /// The `timestamp` is too far from the receiver's clock: a replay, or a wrong clock.
    #[error(
        "the push's timestamp {timestamp} is {skew_secs} s away from the receiver's clock ({now}), over the window of {window_secs} s"
    )]
    StaleTimestamp {
        /// The push's `timestamp`.
        timestamp: i64,
        /// The receiver's clock, in unix seconds.
        now: i64,
        /// How far apart they are.
        skew_secs: u64,
        /// The window the receiver accepts.
        window_secs: u64,
    },
    /// The push is encrypted (safe or compatible mode) but the receiver has no EncodingAESKey.
    #[error("the push is encrypted but the receiver has no EncodingAESKey")]
    NoAesKey,
    /// The query says the push is encrypted but the body has no `<Encrypt>` element.
    #[error("the query says `encrypt_type=aes` but the body has no <Encrypt> element")]
    MissingEncrypt,
    /// The push is in clear (no `<Encrypt>`) but the receiver has an EncodingAESKey: refused,
    /// since the plain `signature` covers only the token, timestamp and nonce, never the body,
    /// and WeChat sends it on encrypted pushes too, so anyone who saw one callback URL could
    /// replay its query with a body of their own.
    /// [`Receiver::accept_plain`](crate::push::Receiver::accept_plain) lets them through
    /// while switching modes.
    #[error(
        "the push is not encrypted but the receiver has an EncodingAESKey: encryption is required (a plain push's signature does not cover its body)"
    )]
    EncryptionRequired,
    /// A header of the push's request cannot be used.
    #[error("the {name} header {reason}")]
    BadHeader {
        /// The header: `Content-Length` or `Content-Encoding`.
        name: &'static str,
        /// What is wrong with it (never its value).
        reason: &'static str,
    },
    /// An EncodingAESKey handed to the receiver is not 43 characters of base64.
    #[error("the EncodingAESKey is invalid: {reason}")]
    BadAesKey {
        /// What is wrong with it (never the key itself).
        reason: &'static str,
    },
    /// The operating system's random generator failed, so no reply could be encrypted.
    #[error("the operating system's random generator failed")]
    NoRandomness,
    /// Encrypted text is not base64.
    #[error("the {what} is not valid base64")]
    BadBase64 {
        /// What was being decoded: `<Encrypt>` or `echostr`.
        what: &'static str,
    },
    /// Ciphertext whose length is not a positive multiple of the AES block.
    #[error("the ciphertext has {len} bytes, not a positive multiple of 16")]
    BadCiphertextLength {
        /// Its length once base64-decoded.
        len: usize,
    },
    /// The decrypted text does not end in WeChat's PKCS#7 padding (1 to 32 bytes of the
    /// padding length): the key is not the one the message was encrypted with, or the
    /// ciphertext was altered.
    #[error("the decrypted text has invalid padding (wrong EncodingAESKey, or altered ciphertext)")]
    BadPadding,
    /// The decrypted text is not `random(16) | length(4) | xml | appid`.
    #[error("the decrypted text is not laid out as WeChat's: {reason}")]
    BadPlaintext {
        /// What does not fit.
        reason: &'static str,
    },
    /// The appid at the tail of the decrypted text is not the receiver's.
    #[error("the message was encrypted for appid {found:?}, not {expected:?}")]
    WrongAppId {
        /// The receiver's appid.
        expected: String,
        /// The appid in the message (at most 64 characters of it).
        found: String,
    },
    /// The body is not UTF-8.
    #[error("the XML is not UTF-8 (invalid byte at {at})")]
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        at: usize,
    },
    /// The XML has a `<!DOCTYPE>`: refused, since a DTD is how entity-expansion attacks start.
    #[error("the XML has a <!DOCTYPE> declaration at byte {at}: DTDs are refused")]
    Doctype {
        /// Byte offset of the declaration.
        at: u64,
    },
    /// The XML references an entity other than XML's five (`&lt;` ...) or a character
    /// reference: it is never expanded.
    #[error("the XML references an undeclared entity at byte {at}: entities are never expanded")]
    Entity {
        /// Byte offset of the reference.
        at: u64,
    },
    /// Elements nested deeper than [`Message::MAX_DEPTH`](crate::push::Message::MAX_DEPTH).
    #[error("the XML nests elements {depth} deep at byte {at}, over the cap of {max}")]
    TooDeep {
        /// The depth reached.
        depth: usize,
        /// The cap.
        max: usize,
        /// Byte offset of the element.
        at: u64,
    },
    /// More elements than [`Message::MAX_ELEMENTS`](crate::push::Message::MAX_ELEMENTS).
    #[error("the XML has more than {max} elements")]
    TooManyElements {
        /// The cap.
        max: usize,
    },
    /// The body is not well-formed XML, or not WeChat's `<xml>…</xml>` document.
    #[error("the XML is malformed at byte {at}: {reason}")]
    Malformed {
        /// Byte offset where reading stopped.
        at: u64,
        /// What is wrong, never quoting the document (its names or text).
        reason: String,
    },
    /// A field the event type requires is absent (or empty).
    #[error("the message has no <{name}> element")]
    MissingField {
        /// The element's name.
        name: &'static str,
    },
    /// A field's text is not of the type the event declares.
    #[error("the <{name}> element is not {expected}: found {found}")]
    InvalidField {
        /// The element's name.
        name: &'static str,
        /// What was expected: `an integer`, `a boolean (0/1/true/false)`, `text` ...
        expected: &'static str,
        /// What was there, never its text (a decrypted message's content): `text of 3
        /// characters`, `nested elements`.
        found: String,
    },
    /// The message is not the event the type reads (its `Event`/`InfoType`/`MsgType`).
    #[error("the message is {found:?}, not the event {expected:?}")]
    WrongKind {
        /// The event the type reads.
        expected: &'static str,
        /// What the message is, if it says.
        found: Option<String>,
    },
}

impl PushError {
    /// The HTTP status to answer a POST (or the URL check) with when this is why it was not
    /// answered `success`: 403 for a push that is not WeChat's or not fresh (a bad signature,
    /// a stale timestamp, a push in clear to a receiver with a key), 413 for a body over the
    /// cap, 408 for one not received in time, 500 when the application's handler failed or
    /// no random bytes could be drawn, 503 for a duplicate still being handled, 400 otherwise.
    /// WeChat delivers a push again when the answer is not `success` (or empty).
    pub fn status(&self) -> u16 {
        match self {
            PushError::BadSignature { .. }
            | PushError::StaleTimestamp { .. }
            | PushError::EncryptionRequired => 403,
            PushError::BodyTooLarge { .. } => 413,
            PushError::BodyTimeout { .. } => 408,
            PushError::NoRandomness | PushError::Unhandled => 500,
            PushError::InFlight { .. } => 503,
            _ => 400,
        }
    }
}

/// At most `max` characters of `text`, for errors that quote what was sent.
pub(crate) fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}
