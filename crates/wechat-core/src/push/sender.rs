//! The other side of [`Receiver`](super::Receiver): a push signed (and encrypted) as WeChat
//! sends it, for mock servers and for tests of an application's handler.

use std::fmt;

use super::crypto::{self, EncodingAesKey};
use super::envelope;
use super::error::PushError;
use super::message::Message;
use super::query::Query;
use super::signature;
use crate::Secret;

/// A push ready to POST: the query to append to the callback URL, and the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Push {
    /// `signature`, `timestamp`, `nonce`, `openid` (account events), and in safe mode
    /// `encrypt_type=aes` and `msg_signature`.
    pub query: Query,
    /// The XML body.
    pub body: String,
}

/// Signs (and encrypts) pushes as WeChat does for one account's callback.
#[derive(Clone)]
pub struct Sender {
    token: Secret,
    aes: Option<(EncodingAesKey, String)>,
}

impl Sender {
    /// A sender in plain mode.
    pub fn new(token: impl Into<String>) -> Self {
        Self { token: Secret::new(token), aes: None }
    }

    /// Encrypts pushes for `appid` (safe mode) with this EncodingAESKey (a [`Secret`], so it
    /// cannot be passed where the appid goes).
    pub fn aes_key(mut self, encoding_aes_key: &Secret, appid: impl Into<String>) -> Result<Self, PushError> {
        self.aes = Some((EncodingAesKey::new(encoding_aes_key.expose())?, appid.into()));
        Ok(self)
    }

    /// The push of `message` at `timestamp` with `nonce`; the 16 random bytes of the
    /// encryption come from the OS.
    pub fn seal(&self, message: &Message, timestamp: i64, nonce: &str) -> Result<Push, PushError> {
        self.seal_with(message, timestamp, nonce, crypto::random16()?)
    }

    /// [`Sender::seal`] with the random bytes given, for reproducible pushes.
    pub fn seal_with(
        &self,
        message: &Message,
        timestamp: i64,
        nonce: &str,
        random: [u8; 16],
    ) -> Result<Push, PushError> {
        let xml = message.to_xml();
        let timestamp = timestamp.to_string();
        let mut query = vec![
            ("signature".to_owned(), signature::sign(&[self.token.expose(), &timestamp, nonce])),
            ("timestamp".to_owned(), timestamp.clone()),
            ("nonce".to_owned(), nonce.to_owned()),
        ];
        if let Some(openid) = message.text("FromUserName") {
            query.push(("openid".to_owned(), openid.to_owned()));
        }
        let Some((key, appid)) = &self.aes else {
            return Ok(Push { query: Query::from_pairs(query), body: xml });
        };
        let encrypt = key.encrypt(xml.as_bytes(), appid, random)?;
        let addressee = ["ToUserName", "AppId"]
            .into_iter()
            .find_map(|name| message.text(name).map(|value| (name, value)));
        query.push(("encrypt_type".to_owned(), "aes".to_owned()));
        query.push((
            "msg_signature".to_owned(),
            signature::sign(&[self.token.expose(), &timestamp, nonce, &encrypt]),
        ));
        Ok(Push { query: Query::from_pairs(query), body: envelope::encrypted_push(addressee, &encrypt) })
    }
}

impl fmt::Debug for Sender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("token", &self.token)
            .field("aes_key", &self.aes.as_ref().map(|(key, _)| key))
            .field("appid", &self.aes.as_ref().map(|(_, appid)| appid))
            .finish()
    }
}
