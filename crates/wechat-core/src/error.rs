//! The one error type of a call, generic over the operation's typed error code.

use std::time::Duration;

use crate::ErrorCode;
use crate::redact::redact;

/// A boxed source error, already stripped of anything secret.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Every way a call can fail. `C` is the operation's error-code enum, so WeChat's answers
/// can be matched by name.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<C: ErrorCode> {
    /// WeChat answered with a non-zero `errcode`.
    #[error(transparent)]
    Api(ApiError<C>),
    /// WeChat could not be reached, or the connection broke.
    #[error("{operation}: could not reach WeChat: {message}")]
    Transport {
        /// Operation name.
        operation: &'static str,
        /// What failed, without URL or token.
        message: String,
        /// The underlying error, stripped of its URL.
        #[source]
        source: Option<BoxError>,
    },
    /// No answer in time: the attempt timeout, or the call's total deadline.
    #[error("{operation}: no answer within {after:?}")]
    Timeout {
        /// Operation name.
        operation: &'static str,
        /// How long the call waited in all: every attempt and the pauses between them.
        after: Duration,
    },
    /// WeChat (or a proxy) answered with an HTTP status other than 2xx.
    #[error("{operation}: HTTP status {status}; the body starts with {excerpt:?}")]
    Status {
        /// Operation name.
        operation: &'static str,
        /// The status code.
        status: u16,
        /// The start of the body.
        excerpt: String,
    },
    /// The answer was a redirect. WeChat's API never redirects, so none is followed (it
    /// could take the token, or the request, to another host) and the call is not retried.
    #[error("{operation}: {}", redirect_message(*status, location))]
    Redirect {
        /// Operation name.
        operation: &'static str,
        /// The 3xx status; `None` when a caller's own HTTP client followed the redirect (or
        /// gave up on a loop of them), which hides it.
        status: Option<u16>,
        /// Where it pointed, with tokens and secrets masked and cut to [`EXCERPT_CHARS`];
        /// empty when the answer named no `Location`.
        location: String,
    },
    /// The answer is not what the endpoint returns.
    #[error(transparent)]
    Decode(DecodeError),
    /// No token could be had for the call; `operation` is empty when the failure came from a
    /// token request of its own (a platform's `pre_auth_code`, `query_auth`), converted by `?`.
    #[error("{}", with_operation(operation, source))]
    Token {
        /// Operation name.
        operation: &'static str,
        /// Why.
        #[source]
        source: TokenError,
    },
    /// A value of the request is outside the limits the spec states (a title over WeChat's
    /// byte budget, `expire_seconds` out of range): refused before anything was sent.
    #[error("{operation}: {source}")]
    Invalid {
        /// Operation name.
        operation: &'static str,
        /// Which value, and which limit.
        #[source]
        source: crate::Invalid,
    },
    /// The request was refused before sending: it cannot be encoded, or the token provider
    /// is not allowed for this endpoint.
    #[error("{operation}: {message}")]
    Request {
        /// Operation name.
        operation: &'static str,
        /// Why.
        message: String,
    },
    /// A value of the request could not be built (a builder's required field was not set),
    /// so no operation was called: this lets `?` carry a builder's error and a call's into
    /// one error type.
    #[error(transparent)]
    Build(crate::BuildError),
}

impl<C: ErrorCode> From<crate::BuildError> for Error<C> {
    fn from(error: crate::BuildError) -> Self {
        Self::Build(error)
    }
}

/// A token failure outside any operation (a platform's own token requests, storing a verify
/// ticket), so that `?` carries it beside the calls' errors; its operation is empty.
impl<C: ErrorCode> From<TokenError> for Error<C> {
    fn from(source: TokenError) -> Self {
        Self::Token { operation: "", source }
    }
}

/// `operation: source`, or only the source when no operation was called.
fn with_operation(operation: &str, source: &dyn std::fmt::Display) -> String {
    if operation.is_empty() { source.to_string() } else { format!("{operation}: {source}") }
}

impl<C: ErrorCode> Error<C> {
    /// True when the same call may succeed if tried again: transport failures, timeouts,
    /// HTTP 5xx, WeChat's busy codes, and token failures of the same kinds.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api(api) => api.code.retry() == crate::Retry::Backoff,
            Self::Transport { .. } | Self::Timeout { .. } => true,
            Self::Status { status, .. } => *status >= 500,
            Self::Token { source, .. } => source.is_retryable(),
            Self::Decode(_)
            | Self::Redirect { .. }
            | Self::Request { .. }
            | Self::Invalid { .. }
            | Self::Build(_) => false,
        }
    }

    /// The typed error code, when WeChat answered with one.
    pub fn api_code(&self) -> Option<C> {
        match self {
            Self::Api(api) => Some(api.code),
            _ => None,
        }
    }

    /// WeChat's raw `errcode`, when WeChat answered with one.
    pub fn errcode(&self) -> Option<i64> {
        self.api_code().map(|code| code.code())
    }

    /// The same error with its code converted, e.g. from an operation's code enum to the
    /// crate-wide one that every operation's converts into.
    pub fn map_code<D: ErrorCode>(self, convert: impl FnOnce(C) -> D) -> Error<D> {
        match self {
            Self::Api(ApiError { operation, code, errmsg }) => {
                Error::Api(ApiError { operation, code: convert(code), errmsg })
            }
            Self::Transport { operation, message, source } => Error::Transport { operation, message, source },
            Self::Timeout { operation, after } => Error::Timeout { operation, after },
            Self::Status { operation, status, excerpt } => Error::Status { operation, status, excerpt },
            Self::Redirect { operation, status, location } => Error::Redirect { operation, status, location },
            Self::Decode(decode) => Error::Decode(decode),
            Self::Token { operation, source } => Error::Token { operation, source },
            Self::Invalid { operation, source } => Error::Invalid { operation, source },
            Self::Request { operation, message } => Error::Request { operation, message },
            Self::Build(build) => Error::Build(build),
        }
    }

    /// The operation that failed; empty for [`Error::Build`], where no operation was called.
    pub fn operation(&self) -> &'static str {
        match self {
            Self::Api(ApiError { operation, .. })
            | Self::Transport { operation, .. }
            | Self::Timeout { operation, .. }
            | Self::Status { operation, .. }
            | Self::Redirect { operation, .. }
            | Self::Decode(DecodeError { operation, .. })
            | Self::Token { operation, .. }
            | Self::Invalid { operation, .. }
            | Self::Request { operation, .. } => operation,
            Self::Build(_) => "",
        }
    }
}

/// WeChat's answer with a non-zero `errcode`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{operation}: WeChat error {code}: {errmsg}")]
pub struct ApiError<C: ErrorCode> {
    /// Operation name.
    pub operation: &'static str,
    /// The typed code; unknown codes are kept inside it.
    pub code: C,
    /// WeChat's `errmsg`, as sent.
    pub errmsg: String,
}

/// An answer that could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{operation}: undecodable answer{}: {message}; the body starts with {excerpt:?}", at_path(path))]
pub struct DecodeError {
    /// Operation name.
    pub operation: &'static str,
    /// JSON path of the field that failed (`card_ext.user_card.fee`), empty when the body
    /// as a whole is not JSON.
    pub path: String,
    /// What was wrong.
    pub message: String,
    /// The start of the body, never more than [`EXCERPT_CHARS`] characters.
    pub excerpt: String,
}

fn at_path(path: &str) -> String {
    if path.is_empty() || path == "." { String::new() } else { format!(" at `{path}`") }
}

/// How much of a body errors quote.
pub const EXCERPT_CHARS: usize = 160;

/// The start of a body, for error messages, with any `access_token` value it quotes masked.
pub fn excerpt(body: &[u8]) -> String {
    excerpt_without(body, &[])
}

/// [`excerpt`], with `secrets` masked too. They are masked in the whole body before it is
/// cut, so a secret straddling the cut cannot leave a recognisable prefix behind.
pub(crate) fn excerpt_without(body: &[u8], secrets: &[&str]) -> String {
    let text = redact(&String::from_utf8_lossy(body), secrets);
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().nth(EXCERPT_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// How an error describes a refused redirect.
pub(crate) fn redirect_message(status: Option<u16>, location: &str) -> String {
    let target = if location.is_empty() { "no Location".to_owned() } else { format!("{location:?}") };
    match status {
        Some(status) => {
            format!("refused a redirect (HTTP status {status}) to {target}: WeChat never redirects")
        }
        None => format!(
            "the HTTP client followed a redirect to {target}; the answer is refused: WeChat never redirects"
        ),
    }
}

/// Why no token could be had.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The client has no token provider and the endpoint needs a token.
    #[error("no token provider is configured and this endpoint needs an access token")]
    Missing,
    /// The token endpoint refused: a wrong appid or appsecret (40013, 40125), an IP not on
    /// the whitelist (40164), or another code.
    #[error("WeChat refused to issue a token: error {errcode}: {errmsg}")]
    Refused {
        /// WeChat's code.
        errcode: i64,
        /// WeChat's message.
        errmsg: String,
    },
    /// The token endpoint could not be reached or timed out.
    #[error("could not reach the token endpoint: {0}")]
    Unreachable(String),
    /// The token endpoint answered with an HTTP status other than 2xx.
    #[error("the token endpoint answered HTTP status {0}")]
    Status(u16),
    /// The token endpoint's answer could not be decoded.
    #[error("undecodable token answer: {0}")]
    Decode(String),
    /// The token endpoint answered with a redirect, which WeChat never sends; it is not
    /// followed, so the appsecret is not sent on.
    #[error("the token endpoint {}", redirect_message(*status, location))]
    Redirect {
        /// The 3xx status; `None` when a caller's own HTTP client followed the redirect.
        status: Option<u16>,
        /// Where it pointed, with tokens and secrets masked; empty when it named none.
        location: String,
    },
    /// Another instance holds the shared store's renewal lock, and no new token appeared
    /// within the wait (a holder that died loses the lock after its time to live).
    #[error(
        "another instance is renewing the token and no new token appeared in the store within {waited:?}"
    )]
    RenewalWait {
        /// How long the call waited.
        waited: std::time::Duration,
    },
    /// The provider's settings cannot work (see [`BuildError`](crate::BuildError)); a
    /// client's `build` refuses them already, so this comes only from a provider used without
    /// one (`Component::access_token`, `pre_auth_code`, `query_auth`).
    #[error("the token provider's settings cannot work: {0}")]
    Misconfigured(crate::BuildError),
    /// No `component_verify_ticket` is stored yet: WeChat pushes one every 10 minutes, and
    /// the platform must hand it to `Component::set_verify_ticket`.
    #[error(
        "no component_verify_ticket is stored yet; set the one WeChat pushed with Component::set_verify_ticket"
    )]
    NoVerifyTicket,
    /// No `authorizer_refresh_token` is stored for the authorizer: it comes from the
    /// authorization (`api_query_auth`) or from `Component::set_refresh_token`.
    #[error("no authorizer_refresh_token is stored for authorizer {authorizer_appid}")]
    NoRefreshToken {
        /// The authorizer's appid.
        authorizer_appid: String,
    },
    /// The token store failed where nothing falls back: a value the caller handed over
    /// (`Component::set_verify_ticket`, `set_refresh_token`) could not be stored. Token
    /// requests themselves fall back to the local copy instead.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl TokenError {
    /// True when asking again may work: the endpoint was unreachable, answered 5xx, or was
    /// busy (-1). A refused appsecret (40125), appid or IP never is, and neither is
    /// [`RenewalWait`](Self::RenewalWait): the call already waited its whole `renewal_wait`
    /// for the other instance, so a retry would wait again for the same holder and end in
    /// the call's deadline instead of this clear error.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Unreachable(_) => true,
            Self::Status(status) => *status >= 500,
            Self::Refused { errcode, .. } => *errcode == -1,
            Self::RenewalWait { .. }
            | Self::Missing
            | Self::Decode(_)
            | Self::Redirect { .. }
            | Self::Misconfigured(_)
            | Self::NoVerifyTicket
            | Self::NoRefreshToken { .. } => false,
            // Storing again may work once the store is back.
            Self::Store(StoreError::Unreachable(_)) => true,
            Self::Store(StoreError::Protocol(_)) => false,
        }
    }
}

/// Why a store could not answer. Token providers fall back to their local copy and WeChat
/// when they see one (with a warning), so a store outage costs extra fetches, not calls.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The store could not be reached, or did not answer in time.
    #[error("the token store is unreachable: {0}")]
    Unreachable(String),
    /// The store answered something this client cannot read.
    #[error("the token store answered unexpectedly: {0}")]
    Protocol(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Retry;

    /// Two code enums, the second holding the first's codes as `Wide(code)`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    struct Narrow(i64);
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    struct Wide(i64);

    impl ErrorCode for Narrow {
        fn from_code(code: i64) -> Self {
            Self(code)
        }
        fn code(&self) -> i64 {
            self.0
        }
        fn message(&self) -> &'static str {
            "narrow"
        }
        fn retry(&self) -> Retry {
            if self.0 == -1 { Retry::Backoff } else { Retry::Never }
        }
    }
    impl ErrorCode for Wide {
        fn from_code(code: i64) -> Self {
            Self(code)
        }
        fn code(&self) -> i64 {
            self.0
        }
        fn message(&self) -> &'static str {
            "wide"
        }
        fn retry(&self) -> Retry {
            if self.0 == -1 { Retry::Backoff } else { Retry::Never }
        }
    }
    impl std::fmt::Display for Narrow {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            self.fmt_code(f)
        }
    }
    impl std::fmt::Display for Wide {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            self.fmt_code(f)
        }
    }

    fn widen(error: Error<Narrow>) -> Error<Wide> {
        error.map_code(|Narrow(code)| Wide(code))
    }

    #[test]
    fn map_code_converts_the_code_and_keeps_everything_else() {
        let api =
            Error::Api(ApiError { operation: "op", code: Narrow(72031), errmsg: "invalid params".into() });
        let Error::Api(wide) = widen(api) else { panic!("an API error stays one") };
        assert_eq!(wide, ApiError { operation: "op", code: Wide(72031), errmsg: "invalid params".into() });

        let busy = widen(Error::Api(ApiError { operation: "op", code: Narrow(-1), errmsg: String::new() }));
        assert!(busy.is_retryable());
        assert_eq!((busy.errcode(), busy.api_code()), (Some(-1), Some(Wide(-1))));

        let others: Vec<Error<Narrow>> = vec![
            Error::Transport { operation: "op", message: "reset".into(), source: None },
            Error::Timeout { operation: "op", after: Duration::from_secs(3) },
            Error::Status { operation: "op", status: 502, excerpt: "bad gateway".into() },
            Error::Redirect { operation: "op", status: Some(302), location: "elsewhere".into() },
            Error::Decode(DecodeError {
                operation: "op",
                path: "auth_time".into(),
                message: "not a number".into(),
                excerpt: "{}".into(),
            }),
            Error::Token { operation: "op", source: TokenError::Missing },
            Error::Request { operation: "op", message: "not for third parties".into() },
        ];
        for error in others {
            let (display, retryable) = (error.to_string(), error.is_retryable());
            let wide = widen(error);
            assert_eq!((wide.to_string(), wide.is_retryable()), (display, retryable));
            assert_eq!((wide.errcode(), wide.operation()), (None, "op"));
        }
    }
}
