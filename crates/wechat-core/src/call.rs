//! One call's loop, the same for every operation: deadline, token, the exchange across base
//! URLs, token renewal, retry decisions and their spans. `Client::send`, generic over the
//! operation, only encodes the request and decodes each answer around it, so this code is
//! compiled once instead of once per endpoint.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tracing::Instrument;

use crate::deadline::instant_after;
use crate::error::{DecodeError, Error, TokenError};
use crate::form;
use crate::operation::{Endpoint, Method, TokenUse};
use crate::retry::RetryPolicy;
use crate::secret::AccessToken;
use crate::token::TokenProvider;
use crate::transport::{HttpContext, ReadError};
use crate::{ErrorCode, Multipart, Retry};

/// The host endpoint specs name by default; such endpoints use the client's base URL.
const DEFAULT_HOST: &str = "api.weixin.qq.com";

/// A request body, encoded once per call and sent by every attempt.
pub(crate) enum Body<'a> {
    None,
    /// Shared, not copied, by the attempts' requests.
    Json(bytes::Bytes),
    Multipart(Multipart<'a>),
}

/// Why the loop itself failed a call, before any answer could be decoded: the operation's
/// error-code type is not needed to say it.
pub(crate) enum Fault {
    /// The call's deadline passed while waiting for a token.
    Timeout(Duration),
    /// No token could be had.
    Token(TokenError),
    /// Refused before sending.
    Request(String),
    /// The exchange produced no usable answer.
    Read(ReadError),
}

impl Fault {
    /// The fault as the operation's error.
    pub(crate) fn into_error<C: ErrorCode>(self, operation: &'static str) -> Error<C> {
        match self {
            Self::Timeout(after) => Error::Timeout { operation, after },
            Self::Token(source) => Error::Token { operation, source },
            Self::Request(message) => Error::Request { operation, message },
            Self::Read(ReadError::Transport { message, source, .. }) => {
                Error::Transport { operation, message, source: Some(source) }
            }
            Self::Read(ReadError::Timeout(after)) => Error::Timeout { operation, after },
            Self::Read(ReadError::Status { status, excerpt }) => Error::Status { operation, status, excerpt },
            Self::Read(ReadError::Redirect { status, location }) => {
                Error::Redirect { operation, status, location }
            }
            Self::Read(ReadError::TooLarge { limit, excerpt }) => Error::Decode(DecodeError {
                operation,
                path: String::new(),
                message: format!("the answer exceeds the {limit}-byte limit"),
                excerpt,
            }),
        }
    }
}

/// What the loop needs to know of a failed attempt, whatever the operation's error-code type.
pub(crate) struct Failed<'e> {
    error: &'e (dyn fmt::Display + Sync),
    retryable: bool,
    /// WeChat's errcode, and how the client reacts to it.
    code: Option<(i64, Retry)>,
    /// The HTTP status of an answer that was not a success.
    status: Option<u16>,
}

impl<'e> Failed<'e> {
    /// The loop's view of `error`.
    pub(crate) fn of<C: ErrorCode>(error: &'e Error<C>) -> Self {
        let status = match error {
            Error::Status { status, .. } | Error::Redirect { status: Some(status), .. } => Some(*status),
            _ => None,
        };
        Self {
            error,
            retryable: error.is_retryable(),
            code: error.api_code().map(|code| (code.code(), code.retry())),
            status,
        }
    }
}

/// What to do after a failed attempt.
pub(crate) enum Next {
    /// The token was renewed: try again at once.
    Renew,
    /// Try again after this pause.
    Pause(Duration),
    /// Give the error to the caller.
    GiveUp,
}

/// The state of one call between its attempts.
pub(crate) struct Call<'a> {
    http: &'a HttpContext,
    tokens: Option<&'a Arc<dyn TokenProvider>>,
    retry: RetryPolicy,
    endpoint: Endpoint,
    query: Vec<(&'static str, String)>,
    body: Body<'a>,
    started: Instant,
    deadline: Instant,
    attempt: u32,
    renewals: u32,
    /// The token of the latest attempt, so a refused one can be renewed and masked.
    token: Option<AccessToken>,
    span: tracing::Span,
    attempt_started: Instant,
}

impl<'a> Call<'a> {
    /// A call of `endpoint` started at `started`; an oversize file is refused here, before a
    /// token is fetched or a byte is sent.
    pub(crate) fn new(
        http: &'a HttpContext,
        tokens: Option<&'a Arc<dyn TokenProvider>>,
        retry: RetryPolicy,
        endpoint: Endpoint,
        query: Vec<(&'static str, String)>,
        body: Body<'a>,
        started: Instant,
    ) -> Result<Self, Fault> {
        if let Body::Multipart(form) = &body {
            form.check().map_err(Fault::Request)?;
        }
        Ok(Self {
            http,
            tokens,
            retry,
            endpoint,
            query,
            body,
            started,
            deadline: instant_after(started, retry.total_deadline),
            attempt: 0,
            renewals: 0,
            token: None,
            span: tracing::Span::none(),
            attempt_started: started,
        })
    }

    /// How long the call has run, once its total deadline has passed.
    pub(crate) fn expired(&self) -> Option<Duration> {
        (Instant::now() >= self.deadline).then(|| self.started.elapsed())
    }

    /// The attempts made so far.
    pub(crate) fn attempts(&self) -> u32 {
        self.attempt
    }

    /// The latest attempt's token, to mask in anything an error quotes.
    pub(crate) fn secret(&self) -> Option<&str> {
        self.token.as_ref().map(AccessToken::expose)
    }

    /// One attempt, in its own span: a token, then one exchange (falling back across base
    /// URLs). Returns the answer's body for the caller to decode.
    pub(crate) async fn attempt(&mut self) -> Result<Vec<u8>, Fault> {
        self.attempt = self.attempt.saturating_add(1);
        self.span = tracing::debug_span!(
            "wechat.attempt",
            attempt = self.attempt,
            status = tracing::field::Empty,
            errcode = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        // Without a subscriber that wants it, the span is disabled: entering and leaving it
        // at every poll, or reading the clock for its latency, would cost the call for nothing.
        if self.span.is_disabled() {
            return self.exchange().await;
        }
        // The first attempt starts with the call (`new` read the clock).
        if self.attempt > 1 {
            self.attempt_started = Instant::now();
        }
        let span = self.span.clone();
        self.exchange().instrument(span).await
    }

    /// The latest attempt's answer decoded.
    pub(crate) fn succeeded(&self) {
        if let (Some(provider), Some(_)) = (self.tokens, &self.token) {
            provider.accepted();
        }
        // A disabled span records nothing: no clock read for it.
        if !self.span.is_disabled() {
            self.span.record("latency_ms", millis(self.attempt_started));
        }
        tracing::debug!(parent: &self.span, "attempt succeeded");
    }

    /// Records the latest attempt's failure and decides what comes next. A refused token is
    /// renewed and the call retried once, outside the retry budget.
    pub(crate) fn next(&mut self, failed: &Failed<'_>) -> Next {
        if !self.span.is_disabled() {
            self.span.record("latency_ms", millis(self.attempt_started));
        }
        record_failure(&self.span, failed);
        if self.renewals == 0 && self.renewed(failed) {
            self.renewals += 1;
            return Next::Renew;
        }
        let counted = self.attempt - self.renewals;
        if !failed.retryable || counted >= self.retry.max_attempts {
            return Next::GiveUp;
        }
        let pause = self.retry.backoff_for(counted);
        if instant_after(Instant::now(), pause) >= self.deadline {
            return Next::GiveUp;
        }
        tracing::debug!(
            pause_ms = u64::try_from(pause.as_millis()).unwrap_or(u64::MAX),
            "retrying after a pause"
        );
        Next::Pause(pause)
    }

    async fn exchange(&mut self) -> Result<Vec<u8>, Fault> {
        self.token = None;
        self.token = match token(self.tokens, self.endpoint.token)? {
            Token::Ready(token) => token,
            // Only a fetch waits, so only a fetch is timed: a cached token sets no timer.
            Token::Fetch(provider) => {
                let remaining = self.deadline.saturating_duration_since(Instant::now());
                let fetched = tokio::time::timeout(remaining, provider.fetch(self.http)).await;
                Some(fetched.map_err(|_| Fault::Timeout(remaining))?.map_err(Fault::Token)?)
            }
        };
        let endpoint = &self.endpoint;
        let other_host;
        let base_urls = if endpoint.host == DEFAULT_HOST {
            self.http.base_urls.as_slice()
        } else {
            // Endpoints on other hosts are not served by the configured base URLs.
            other_host = [format!("https://{}", endpoint.host)];
            other_host.as_slice()
        };
        let secret = self.secret();
        let build = |base_url: &str| self.request(base_url, self.token.as_ref());
        let timeout = self.http.timeout.min(self.deadline.saturating_duration_since(Instant::now()));
        self.http.exchange(base_urls, timeout, secret.as_slice(), build).await.map_err(Fault::Read)
    }

    /// The attempt's request to `base_url`, carrying `token`.
    fn request(
        &self,
        base_url: &str,
        token: Option<&AccessToken>,
    ) -> Result<reqwest::RequestBuilder, ReadError> {
        let endpoint = &self.endpoint;
        // The whole URL written once and parsed once: the query's pairs are form-encoded as
        // `Url::query_pairs_mut` would, without re-serializing the URL for each of them.
        let mut text = String::with_capacity(
            base_url.len()
                + endpoint.path.len()
                + 14
                + token.map_or(0, |t| t.expose().len())
                + 16 * self.query.len(),
        );
        text.push_str(base_url);
        text.push_str(endpoint.path);
        text.push('?');
        if let Some(token) = token {
            text.push_str("access_token=");
            // Checked once when the token was made: WeChat's tokens need no encoding.
            if token.is_form_safe() {
                text.push_str(token.expose());
            } else {
                form::encode(token.expose(), &mut text);
            }
        }
        let pairs = endpoint
            .fixed_query
            .iter()
            .copied()
            .chain(self.query.iter().map(|(name, value)| (*name, value.as_str())));
        for (i, (name, value)) in pairs.enumerate() {
            if i > 0 || token.is_some() {
                text.push('&');
            }
            form::encode(name, &mut text);
            text.push('=');
            form::encode(value, &mut text);
        }
        let url = reqwest::Url::parse(&text).map_err(|e| ReadError::Transport {
            message: format!("invalid URL for {}: {e}", endpoint.path),
            source: Box::new(e),
            connect: false,
        })?;
        let request = match endpoint.method {
            Method::Get => self.http.http.get(url),
            Method::Post => self.http.http.post(url),
        };
        Ok(match &self.body {
            Body::None => request,
            Body::Json(json) => {
                request.header(reqwest::header::CONTENT_TYPE, "application/json").body(json.clone())
            }
            Body::Multipart(form) => {
                let form = form.to_form().map_err(|message| ReadError::Transport {
                    source: message.clone().into(),
                    message,
                    connect: false,
                })?;
                request.multipart(form)
            }
        })
    }

    /// True when `failed` is WeChat refusing the latest token and the provider dropped it,
    /// so a retry gets a fresh one.
    fn renewed(&self, failed: &Failed<'_>) -> bool {
        let (Some((code, retry)), Some(token), Some(provider)) = (failed.code, &self.token, self.tokens)
        else {
            return false;
        };
        if retry != Retry::RenewToken || !provider.invalidate(token) {
            return false;
        }
        tracing::debug!(errcode = code, "WeChat refused the token; renewing it and retrying once");
        true
    }
}

/// The token an endpoint taking `usage` is called with, when it is at hand.
enum Token<'a> {
    /// No token (the endpoint takes none), or the provider's cached one.
    Ready(Option<AccessToken>),
    /// The provider must fetch one.
    Fetch(&'a Arc<dyn TokenProvider>),
}

/// The token an endpoint taking `usage` is called with, or the provider to fetch it from.
fn token(tokens: Option<&Arc<dyn TokenProvider>>, usage: TokenUse) -> Result<Token<'_>, Fault> {
    if usage == TokenUse::None {
        return Ok(Token::Ready(None));
    }
    let Some(provider) = tokens else {
        return Err(Fault::Token(TokenError::Missing));
    };
    if usage == TokenUse::AccessToken && provider.is_authorizer() {
        return Err(Fault::Request(
            "this endpoint does not accept a third-party authorizer_access_token; \
             call it with the account's own access token"
                .to_owned(),
        ));
    }
    Ok(match provider.cached() {
        Some(token) => Token::Ready(Some(token)),
        None => Token::Fetch(provider),
    })
}

/// The `wechat.call` span of an operation; [`finish`] fills in the rest when the call ends.
pub(crate) fn span(operation: &'static str) -> tracing::Span {
    tracing::info_span!(
        "wechat.call",
        operation,
        attempts = tracing::field::Empty,
        errcode = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    )
}

/// Records how the call went on its span. Recorded once, at the end: a field recorded per
/// attempt would be printed per attempt.
pub(crate) fn finish(span: &tracing::Span, started: Instant, attempts: u32, failed: Option<Failed<'_>>) {
    // A disabled span records nothing: no clock read for it.
    if !span.is_disabled() {
        span.record("attempts", attempts);
        if let Some((code, _)) = failed.as_ref().and_then(|failed| failed.code) {
            span.record("errcode", code);
        }
        span.record("latency_ms", millis(started));
    }
    match failed {
        None => tracing::debug!(parent: span, "call succeeded"),
        Some(failed) => tracing::debug!(parent: span, error = %failed.error, "call failed"),
    }
}

/// Puts what went wrong on the attempt's span.
fn record_failure(span: &tracing::Span, failed: &Failed<'_>) {
    if let Some(status) = failed.status {
        span.record("status", status);
    }
    if let Some((code, _)) = failed.code {
        span.record("errcode", code);
    }
    tracing::debug!(parent: span, error = %failed.error, "attempt failed");
}

fn millis(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}
