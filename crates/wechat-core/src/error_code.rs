//! Typed WeChat error codes: the contract between generated code-enums and the runtime.

use std::fmt;

/// How the client reacts to an error code (from the spec's `retry` key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Give the error to the caller.
    Never,
    /// WeChat is busy: retry with backoff while the retry policy allows.
    Backoff,
    /// The token is bad: renew it and retry once.
    RenewToken,
}

/// An `errcode` as a typed value. Generated per operation; unknown codes are kept, never lost.
pub trait ErrorCode: Copy + Eq + fmt::Debug + fmt::Display + Send + Sync + 'static {
    /// The typed value of a raw `errcode`.
    fn from_code(code: i64) -> Self;
    /// The raw `errcode`.
    fn code(&self) -> i64;
    /// WeChat's message for the code, as documented.
    fn message(&self) -> &'static str;
    /// How the client reacts to it.
    fn retry(&self) -> Retry;

    /// `72038 (invoice order never auth)`: the `Display` of generated code enums.
    fn fmt_code(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.code(), self.message())
    }
}
