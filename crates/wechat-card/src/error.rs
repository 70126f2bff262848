//! The error of any operation of this crate. Hand-written: only the [`Code`] it returns comes
//! from the spec (`generated/error.rs`).

use crate::Code;

/// The error of any operation of this crate, so that one function can `?` the calls
/// of several operations into one type.
///
/// Each operation returns `wechat_core::Error<ItsErrorCode>`, whose code enum lists
/// what that operation answers; `?` converts it into this error, whose [`code`](Error::code)
/// is the crate-wide [`Code`]. [`kind`](Error::kind) tells transport failures,
/// timeouts, HTTP statuses, redirects, undecodable answers, token failures and
/// refused requests apart. Neither `Display` nor `Debug` shows a token or an
/// appsecret: the runtime's errors never hold one.
#[derive(Debug)]
pub struct Error(wechat_core::Error<Code>);

impl Error {
    /// WeChat's code, when WeChat answered with a non-zero `errcode`.
    pub fn code(&self) -> Option<Code> {
        self.0.api_code()
    }

    /// WeChat's raw `errcode`, when WeChat answered with one.
    pub fn errcode(&self) -> Option<i64> {
        self.0.errcode()
    }

    /// WeChat's `errmsg` as sent, when WeChat answered with a code.
    pub fn errmsg(&self) -> Option<&str> {
        match &self.0 {
            wechat_core::Error::Api(api) => Some(&api.errmsg),
            _ => None,
        }
    }

    /// The operation that failed; empty when a request could not be built, or a token
    /// could not be had, outside any operation.
    pub fn operation(&self) -> &'static str {
        self.0.operation()
    }

    /// True when the same call may succeed if tried again.
    pub fn is_retryable(&self) -> bool {
        self.0.is_retryable()
    }

    /// What went wrong, to match on: `Api` (with the typed code), `Transport`,
    /// `Timeout`, `Status`, `Redirect`, `Decode`, `Token`, `Invalid` or `Request`.
    pub fn kind(&self) -> &wechat_core::Error<Code> {
        &self.0
    }

    /// [`kind`](Error::kind), by value.
    pub fn into_kind(self) -> wechat_core::Error<Code> {
        self.0
    }
}

impl<C> From<wechat_core::Error<C>> for Error
where
    C: wechat_core::ErrorCode,
    Code: From<C>,
{
    fn from(error: wechat_core::Error<C>) -> Self {
        Self(error.map_code(Code::from))
    }
}

/// A builder's error, so `?` carries it beside the calls' errors.
impl From<wechat_core::BuildError> for Error {
    fn from(error: wechat_core::BuildError) -> Self {
        Self(wechat_core::Error::Build(error))
    }
}

/// A token failure outside any operation (a third-party platform's `pre_auth_code`
/// or `query_auth`): a `Token` error whose operation is empty.
impl From<wechat_core::TokenError> for Error {
    fn from(error: wechat_core::TokenError) -> Self {
        Self(wechat_core::Error::from(error))
    }
}

/// A token store's failure to keep what the caller handed over (a verify ticket, a
/// refresh token): a `Token` error holding `TokenError::Store`.
impl From<wechat_core::StoreError> for Error {
    fn from(error: wechat_core::StoreError) -> Self {
        Self(wechat_core::Error::from(wechat_core::TokenError::from(error)))
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.0)
    }
}
