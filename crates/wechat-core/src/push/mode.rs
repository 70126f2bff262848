//! How a push arrived: plain, safe (encrypted) or compatible mode.

/// How a push arrived, which decides how a reply must be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Mode {
    /// 明文模式: the body is the message, `signature` covers token, timestamp and nonce.
    Plain,
    /// 安全模式: the body holds only `<Encrypt>` (and `ToUserName` or `AppId`).
    Safe,
    /// 兼容模式: the body holds the message in clear and `<Encrypt>` beside it.
    Compatible,
}

impl Mode {
    /// Whether the push came encrypted, so that a reply to it is encrypted too
    /// ([`Receiver::answer`](super::Receiver::answer)).
    pub fn is_encrypted(self) -> bool {
        !matches!(self, Mode::Plain)
    }
}
