//! The client: configuration, and the call loop (token, attempt, decode, retry).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tracing::Instrument;

use crate::build_error::BuildError;
use crate::deadline::instant_after;
use crate::decode::decode_without;
use crate::error::{DecodeError, Error, TokenError};
use crate::operation::{BodyKind, Method, Operation, TokenUse};
use crate::retry::RetryPolicy;
use crate::secret::AccessToken;
use crate::token::TokenProvider;
use crate::transport::{HttpContext, ReadError};
use crate::{ErrorCode, Multipart, Retry};

/// WeChat's API host, where requests go unless the builder says otherwise.
pub const DEFAULT_BASE_URL: &str = "https://api.weixin.qq.com";

/// The `User-Agent` of the client's own HTTP client: this crate and its version.
pub const USER_AGENT: &str = concat!("wechat-core/", env!("CARGO_PKG_VERSION"));

/// The host endpoint specs name by default; such endpoints use the client's base URL.
const DEFAULT_HOST: &str = "api.weixin.qq.com";

/// Sends operations to WeChat. Cheap to clone; clones share connections and tokens.
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
    retry: RetryPolicy,
}

struct Shared {
    /// How to reach WeChat (base URLs in order, timeouts, body cap); token providers use it too.
    http: HttpContext,
    tokens: Option<Arc<dyn TokenProvider>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_urls", &self.shared.http.base_urls)
            .field("attempt_timeout", &self.shared.http.timeout)
            .field("max_body", &self.shared.http.max_body)
            .field("retry", &self.retry)
            .field("tokens", &self.shared.tokens)
            .finish()
    }
}

/// Configures a [`Client`].
pub struct ClientBuilder {
    base_url: String,
    fallbacks: Vec<String>,
    http: Option<reqwest::Client>,
    connect_timeout: Duration,
    attempt_timeout: Duration,
    max_body: usize,
    retry: RetryPolicy,
    tokens: Option<Arc<dyn TokenProvider>>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            fallbacks: Vec::new(),
            http: None,
            connect_timeout: Duration::from_secs(5),
            attempt_timeout: Duration::from_secs(15),
            max_body: 4 * 1024 * 1024,
            retry: RetryPolicy::default(),
            tokens: None,
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("fallbacks", &self.fallbacks)
            .field("tokens", &self.tokens)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Where requests go; default `https://api.weixin.qq.com`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// A base URL to try when the ones before it cannot be reached (no connection could be
    /// made), e.g. `https://api2.weixin.qq.com`. Call once per fallback, in order. Every call
    /// starts with the primary; token requests fall back the same way.
    pub fn fallback_base_url(mut self, url: impl Into<String>) -> Self {
        self.fallbacks.push(url.into());
        self
    }

    /// Uses the caller's own reqwest client: its connect timeout, user agent, proxy and TLS
    /// settings apply instead of this builder's; the attempt timeout, the retry policy and
    /// the body cap still do.
    ///
    /// Build it with `redirect(reqwest::redirect::Policy::none())`. WeChat never redirects,
    /// and the client's own reqwest client follows no redirect, but the policy of a caller's
    /// client cannot be changed or read: reqwest follows up to 10 by default, re-sending a
    /// request (a 307 or 308 re-sends its body, and with it a token request's appsecret) to
    /// wherever the `Location` points. The answer of a followed redirect is still refused,
    /// with [`Error::Redirect`] (or [`TokenError::Redirect`]), but the request has gone.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Time allowed to open a connection; default 5 s. Ignored with
    /// [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for one attempt, from sending to the last byte of the answer, fallbacks
    /// included; default 15 s. The retry policy's total deadline bounds it too.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// The largest answer accepted; default 4 MiB. A larger one fails the call with
    /// [`Error::Decode`].
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// The retry policy of every call; default [`RetryPolicy::default`]. One call, or a group
    /// of them, can use another with [`Client::with_retry_policy`].
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Where `access_token` comes from.
    pub fn token_provider(self, provider: impl TokenProvider) -> Self {
        self.shared_token_provider(Arc::new(provider))
    }

    /// A provider the caller keeps a handle on too (to read its counters, or share it
    /// between clients).
    pub fn shared_token_provider(mut self, provider: Arc<dyn TokenProvider>) -> Self {
        self.tokens = Some(provider);
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let base_urls = std::iter::once(&self.base_url)
            .chain(&self.fallbacks)
            .map(|url| checked_base_url(url))
            .collect::<Result<Vec<_>, _>>()?;
        if self.max_body == 0 {
            return Err(BuildError::InvalidClient("max_body_size must be at least 1 byte".to_owned()));
        }
        let (http, may_follow_redirects) = match self.http {
            Some(http) => (http, true),
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .user_agent(USER_AGENT)
                // WeChat never redirects; following one would send the token, or a token
                // request's appsecret, wherever the Location points.
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map(|http| (http, false))
                .map_err(|e| BuildError::InvalidClient(format!("cannot build the HTTP client: {e}")))?,
        };
        let http = HttpContext {
            http,
            base_urls,
            max_body: self.max_body,
            timeout: self.attempt_timeout,
            may_follow_redirects,
        };
        Ok(Client { shared: Arc::new(Shared { http, tokens: self.tokens }), retry: self.retry })
    }
}

fn checked_base_url(url: &str) -> Result<String, BuildError> {
    let trimmed = url.trim_end_matches('/');
    let parsed = reqwest::Url::parse(trimmed)
        .map_err(|e| BuildError::InvalidClient(format!("base URL `{url}`: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.query().is_some() {
        return Err(BuildError::InvalidClient(format!(
            "base URL `{url}` must be http(s) without a query string"
        )));
    }
    Ok(trimmed.to_owned())
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The same client with another retry policy, for one call or a group of calls.
    pub fn with_retry_policy(&self, policy: RetryPolicy) -> Self {
        Self { shared: Arc::clone(&self.shared), retry: policy }
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }

    /// The token provider, if one is configured.
    pub fn token_provider(&self) -> Option<&Arc<dyn TokenProvider>> {
        self.shared.tokens.as_ref()
    }

    /// What token providers use to reach WeChat.
    pub fn http_context(&self) -> &HttpContext {
        &self.shared.http
    }

    /// Sends an operation: obtains a token, sends, decodes, retries per the policy, and
    /// renews the token once if WeChat refuses it.
    ///
    /// Traced as one `wechat.call` span (operation; when it ends: attempts, latency_ms, and
    /// the errcode it failed with) holding a `wechat.attempt` span per attempt (attempt;
    /// latency_ms, and the HTTP status or errcode of a failed attempt); neither records a
    /// URL, token or secret.
    pub async fn send<O: Operation>(&self, request: &O) -> Result<O::Response, Error<O::ErrorCode>> {
        let span = tracing::info_span!(
            "wechat.call",
            operation = O::ENDPOINT.name,
            attempts = tracing::field::Empty,
            errcode = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        async {
            let mut attempts = 0;
            let result = self.send_with_retries(request, started, &mut attempts).await;
            // Recorded once, at the end: a field recorded per attempt would be printed per attempt.
            let current = tracing::Span::current();
            current.record("attempts", attempts);
            if let Some(code) = result.as_ref().err().and_then(Error::api_code) {
                current.record("errcode", code.code());
            }
            current.record("latency_ms", millis(started));
            match &result {
                Ok(_) => tracing::debug!("call succeeded"),
                Err(error) => tracing::debug!(error = %error, "call failed"),
            }
            result
        }
        .instrument(span)
        .await
    }

    async fn send_with_retries<O: Operation>(
        &self,
        request: &O,
        started: Instant,
        attempts: &mut u32,
    ) -> Result<O::Response, Error<O::ErrorCode>> {
        let operation = O::ENDPOINT.name;
        let deadline = instant_after(started, self.retry.total_deadline);
        request.check().map_err(|source| Error::Invalid { operation, source })?;
        let body = encode_body(request).map_err(|message| Error::Request { operation, message })?;
        if let Body::Multipart(form) = &body {
            // An oversize file is refused here, before a token is fetched or a byte is sent.
            form.check().map_err(|message| Error::Request { operation, message })?;
        }
        let query = request.query();
        let mut attempt = 0u32;
        let mut renewals = 0u32;
        loop {
            if Instant::now() >= deadline {
                return Err(Error::Timeout { operation, after: started.elapsed() });
            }
            attempt = attempt.saturating_add(1);
            *attempts = attempt;
            let attempt_span = tracing::debug_span!(
                "wechat.attempt",
                attempt,
                status = tracing::field::Empty,
                errcode = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
            );
            let attempt_started = Instant::now();
            let (token, result) =
                self.attempt::<O>(&query, &body, deadline).instrument(attempt_span.clone()).await;
            attempt_span.record("latency_ms", millis(attempt_started));
            let error = match result {
                Ok(response) => {
                    tracing::debug!(parent: &attempt_span, "attempt succeeded");
                    return Ok(response);
                }
                Err(error) => error,
            };
            record_failure(&attempt_span, &error);
            // A refused token is renewed and the call retried once, outside the retry budget.
            if renewals == 0 && self.renewed(&error, token.as_ref()) {
                renewals += 1;
                continue;
            }
            if !error.is_retryable() || attempt - renewals >= self.retry.max_attempts {
                return Err(error);
            }
            let pause = self.retry.backoff_for(attempt - renewals);
            if instant_after(Instant::now(), pause) >= deadline {
                return Err(error);
            }
            tracing::debug!(
                pause_ms = u64::try_from(pause.as_millis()).unwrap_or(u64::MAX),
                "retrying after a pause"
            );
            tokio::time::sleep(pause).await;
        }
    }

    /// One attempt: a token, one exchange (falling back across base URLs), the decoded
    /// answer. Returns the token it used, so a refused one can be renewed.
    async fn attempt<O: Operation>(
        &self,
        query: &[(&'static str, String)],
        body: &Body<'_>,
        deadline: Instant,
    ) -> (Option<AccessToken>, Result<O::Response, Error<O::ErrorCode>>) {
        let endpoint = O::ENDPOINT;
        let operation = endpoint.name;
        let remaining = deadline.saturating_duration_since(Instant::now());
        let token = match tokio::time::timeout(remaining, self.token(endpoint.token, operation)).await {
            Ok(Ok(token)) => token,
            Ok(Err(error)) => return (None, Err(error)),
            Err(_) => return (None, Err(Error::Timeout { operation, after: remaining })),
        };
        let other_host;
        let base_urls = if endpoint.host == DEFAULT_HOST {
            self.shared.http.base_urls.as_slice()
        } else {
            // Endpoints on other hosts are not served by the configured base URLs.
            other_host = [format!("https://{}", endpoint.host)];
            other_host.as_slice()
        };
        let build = |base_url: &str| {
            let mut url = reqwest::Url::parse(&format!("{base_url}{}", endpoint.path)).map_err(|e| {
                ReadError::Transport {
                    message: format!("invalid URL for {}: {e}", endpoint.path),
                    source: Box::new(e),
                    connect: false,
                }
            })?;
            {
                let mut pairs = url.query_pairs_mut();
                if let Some(token) = &token {
                    pairs.append_pair("access_token", token.expose());
                }
                for (name, value) in endpoint.fixed_query {
                    pairs.append_pair(name, value);
                }
                for (name, value) in query {
                    pairs.append_pair(name, value);
                }
            }
            let http = &self.shared.http.http;
            let request = match endpoint.method {
                Method::Get => http.get(url),
                Method::Post => http.post(url),
            };
            Ok(match body {
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
        };
        // The call's token, to mask in anything an error quotes (no allocation on the hot path).
        let secrets: &[&str] = match &token {
            Some(token) => &[token.expose()],
            None => &[],
        };
        let timeout = self.shared.http.timeout.min(deadline.saturating_duration_since(Instant::now()));
        let result = match self.shared.http.exchange(base_urls, timeout, secrets, build).await {
            Ok(bytes) => decode_without::<O>(&bytes, secrets),
            Err(read) => Err(read_error(operation, read)),
        };
        (token, result)
    }

    /// True when `error` is WeChat refusing `token` and the provider dropped it, so a retry
    /// gets a fresh one.
    fn renewed<C: ErrorCode>(&self, error: &Error<C>, token: Option<&AccessToken>) -> bool {
        let (Some(code), Some(token), Some(provider)) = (error.api_code(), token, &self.shared.tokens) else {
            return false;
        };
        if code.retry() != Retry::RenewToken || !provider.invalidate(token) {
            return false;
        }
        tracing::debug!(errcode = code.code(), "WeChat refused the token; renewing it and retrying once");
        true
    }

    async fn token<C: ErrorCode>(
        &self,
        usage: TokenUse,
        operation: &'static str,
    ) -> Result<Option<AccessToken>, Error<C>> {
        if usage == TokenUse::None {
            return Ok(None);
        }
        let Some(provider) = &self.shared.tokens else {
            return Err(Error::Token { operation, source: TokenError::Missing });
        };
        if usage == TokenUse::AccessToken && provider.is_authorizer() {
            return Err(Error::Request {
                operation,
                message: "this endpoint does not accept a third-party authorizer_access_token; \
                          call it with the account's own access token"
                    .to_owned(),
            });
        }
        if let Some(token) = provider.cached() {
            return Ok(Some(token));
        }
        provider.fetch(&self.shared.http).await.map(Some).map_err(|source| Error::Token { operation, source })
    }
}

/// Puts what went wrong on the attempt's span.
fn record_failure<C: ErrorCode>(span: &tracing::Span, error: &Error<C>) {
    match error {
        Error::Status { status, .. } | Error::Redirect { status: Some(status), .. } => {
            span.record("status", status);
        }
        _ => {}
    }
    if let Some(code) = error.api_code() {
        span.record("errcode", code.code());
    }
    tracing::debug!(parent: span, error = %error, "attempt failed");
}

fn millis(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// A request body, encoded once per call and sent by every attempt.
enum Body<'a> {
    None,
    Json(Vec<u8>),
    Multipart(Multipart<'a>),
}

fn encode_body<O: Operation>(request: &O) -> Result<Body<'_>, String> {
    match O::ENDPOINT.body {
        BodyKind::None => Ok(Body::None),
        BodyKind::Json => {
            serde_json::to_vec(request).map(Body::Json).map_err(|e| format!("cannot encode the request: {e}"))
        }
        BodyKind::Multipart => request
            .multipart()
            .map(Body::Multipart)
            .ok_or_else(|| "the endpoint takes a multipart body but the request describes none".to_owned()),
    }
}

fn read_error<C: ErrorCode>(operation: &'static str, error: ReadError) -> Error<C> {
    match error {
        ReadError::Transport { message, source, .. } => {
            Error::Transport { operation, message, source: Some(source) }
        }
        ReadError::Timeout(after) => Error::Timeout { operation, after },
        ReadError::Status { status, excerpt } => Error::Status { operation, status, excerpt },
        ReadError::Redirect { status, location } => Error::Redirect { operation, status, location },
        ReadError::TooLarge { limit, excerpt } => Error::Decode(DecodeError {
            operation,
            path: String::new(),
            message: format!("the answer exceeds the {limit}-byte limit"),
            excerpt,
        }),
    }
}
