//! The client: configuration, and the call loop (token, attempt, decode, retry).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tracing::Instrument;

use crate::decode::decode_response;
use crate::error::{BuildError, DecodeError, Error, TokenError};
use crate::operation::{BodyKind, Method, Operation, TokenUse};
use crate::retry::RetryPolicy;
use crate::secret::AccessToken;
use crate::token::TokenProvider;
use crate::transport::{HttpContext, ReadError};
use crate::{ErrorCode, Multipart, Retry};

/// WeChat's API host, where requests go unless the builder says otherwise.
pub const DEFAULT_BASE_URL: &str = "https://api.weixin.qq.com";

/// The host endpoint specs name by default; such endpoints use the client's base URL.
const DEFAULT_HOST: &str = "api.weixin.qq.com";

/// Sends operations to WeChat. Cheap to clone; clones share connections and tokens.
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
    retry: RetryPolicy,
}

struct Shared {
    /// The primary base URL's context, also handed to token providers.
    primary: HttpContext,
    /// Base URLs tried in order when the previous one cannot be reached.
    fallbacks: Vec<String>,
    tokens: Option<Arc<dyn TokenProvider>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.shared.primary.base_url)
            .field("fallbacks", &self.shared.fallbacks)
            .field("attempt_timeout", &self.shared.primary.timeout)
            .field("max_body", &self.shared.primary.max_body)
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

    /// A base URL to try when the ones before it cannot be reached, e.g.
    /// `https://api2.weixin.qq.com`. Call once per fallback, in order.
    pub fn fallback_base_url(mut self, url: impl Into<String>) -> Self {
        self.fallbacks.push(url.into());
        self
    }

    /// Uses the caller's own reqwest client (its connect timeout and TLS settings apply;
    /// the attempt timeout and body cap still do).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Time allowed to open a connection; default 5 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for one attempt, from sending to the last byte of the answer; default 15 s.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// The largest answer accepted; default 4 MiB.
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// The retry policy; default [`RetryPolicy::default`].
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
        let base_url = checked_base_url(&self.base_url)?;
        let fallbacks = self.fallbacks.iter().map(|u| checked_base_url(u)).collect::<Result<Vec<_>, _>>()?;
        if self.max_body == 0 {
            return Err(BuildError("max_body_size must be at least 1 byte".to_owned()));
        }
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .user_agent(concat!("wechat-core/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| BuildError(format!("cannot build the HTTP client: {e}")))?,
        };
        let primary = HttpContext { http, base_url, max_body: self.max_body, timeout: self.attempt_timeout };
        Ok(Client { shared: Arc::new(Shared { primary, fallbacks, tokens: self.tokens }), retry: self.retry })
    }
}

fn checked_base_url(url: &str) -> Result<String, BuildError> {
    let trimmed = url.trim_end_matches('/');
    let parsed = reqwest::Url::parse(trimmed).map_err(|e| BuildError(format!("base URL `{url}`: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.query().is_some() {
        return Err(BuildError(format!("base URL `{url}` must be http(s) without a query string")));
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
        &self.shared.primary
    }

    /// Sends an operation: obtains a token, sends, decodes, retries per the policy, and
    /// renews the token once if WeChat refuses it.
    pub async fn send<O: Operation>(&self, request: &O) -> Result<O::Response, Error<O::ErrorCode>> {
        let span = tracing::info_span!(
            "wechat.call",
            operation = O::ENDPOINT.name,
            attempts = tracing::field::Empty,
            errcode = tracing::field::Empty,
        );
        self.send_inner(request).instrument(span).await
    }

    async fn send_inner<O: Operation>(&self, request: &O) -> Result<O::Response, Error<O::ErrorCode>> {
        let endpoint = O::ENDPOINT;
        let operation = endpoint.name;
        let started = Instant::now();
        let deadline = started + self.retry.total_deadline;
        let body = encode_body(request).map_err(|message| Error::Request { operation, message })?;
        if let Body::Multipart(form) = &body {
            // An oversize file is refused here, before a token is fetched or a byte is sent.
            form.check().map_err(|message| Error::Request { operation, message })?;
        }
        let query = request.query();
        let mut attempt = 0u32;
        let mut renewed = false;
        let mut host = 0usize;
        loop {
            attempt += 1;
            tracing::Span::current().record("attempts", attempt);
            let Some(remaining) = deadline.checked_duration_since(Instant::now()).filter(|d| !d.is_zero())
            else {
                return Err(Error::Timeout { operation, after: started.elapsed() });
            };
            let token =
                match tokio::time::timeout(remaining, self.token::<O::ErrorCode>(endpoint.token, operation))
                    .await
                {
                    Ok(token) => token?,
                    Err(_) => return Err(Error::Timeout { operation, after: started.elapsed() }),
                };
            let base_url = self.base_url(endpoint.host, host);
            let attempt_span = tracing::debug_span!(
                "wechat.attempt",
                attempt,
                status = tracing::field::Empty,
                errcode = tracing::field::Empty
            );
            let attempt_started = Instant::now();
            let outcome = self
                .attempt::<O>(base_url, token.as_ref(), &query, &body, remaining)
                .instrument(attempt_span.clone())
                .await;
            let result = match outcome {
                Ok(bytes) => decode_response::<O>(&bytes),
                Err(read) => {
                    if matches!(read, ReadError::Transport { connect: true, .. })
                        && host < self.shared.fallbacks.len()
                    {
                        host += 1;
                    }
                    Err(read_error(operation, read))
                }
            };
            let errcode = result.as_ref().err().and_then(Error::api_code).map(|c| c.code());
            if let Some(code) = errcode {
                attempt_span.record("errcode", code);
                tracing::Span::current().record("errcode", code);
            }
            tracing::debug!(
                parent: &attempt_span,
                latency_ms = attempt_started.elapsed().as_millis() as u64,
                ok = result.is_ok(),
                "attempt finished"
            );
            let error = match result {
                Ok(response) => return Ok(response),
                Err(error) => error,
            };
            // A refused token is renewed and the call retried once, outside the retry budget.
            if let (Some(code), Some(token)) = (error.api_code(), token.as_ref())
                && code.retry() == Retry::RenewToken
                && !renewed
                && self.renew(token)
            {
                renewed = true;
                attempt -= 1;
                continue;
            }
            if !error.is_retryable() || attempt >= self.retry.max_attempts {
                return Err(error);
            }
            let pause = self.retry.backoff_for(attempt);
            if Instant::now() + pause >= deadline {
                return Err(error);
            }
            tracing::debug!(attempt, pause_ms = pause.as_millis() as u64, error = %error, "retrying");
            tokio::time::sleep(pause).await;
        }
    }

    fn base_url(&self, host: &'static str, fallback: usize) -> &str {
        if host != DEFAULT_HOST {
            // Endpoints on other hosts are not served by the configured base URL.
            return host;
        }
        match fallback {
            0 => &self.shared.primary.base_url,
            n => &self.shared.fallbacks[n - 1],
        }
    }

    fn renew(&self, stale: &AccessToken) -> bool {
        self.shared.tokens.as_ref().is_some_and(|p| p.invalidate(stale))
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
        provider
            .fetch(&self.shared.primary)
            .await
            .map(Some)
            .map_err(|source| Error::Token { operation, source })
    }

    async fn attempt<O: Operation>(
        &self,
        base_url: &str,
        token: Option<&AccessToken>,
        query: &[(&'static str, String)],
        body: &Body<'_>,
        remaining: Duration,
    ) -> Result<Vec<u8>, ReadError> {
        let endpoint = O::ENDPOINT;
        let mut url = String::with_capacity(base_url.len() + endpoint.path.len() + 64);
        url.push_str(base_url);
        url.push_str(endpoint.path);
        let mut url = reqwest::Url::parse(&url).map_err(|e| ReadError::Transport {
            message: format!("invalid URL for {}: {e}", endpoint.path),
            source: Box::new(e),
            connect: false,
        })?;
        {
            let mut pairs = url.query_pairs_mut();
            if let Some(token) = token {
                pairs.append_pair("access_token", token.expose());
            }
            for (name, value) in endpoint.fixed_query {
                pairs.append_pair(name, value);
            }
            for (name, value) in query {
                pairs.append_pair(name, value);
            }
        }
        let http = &self.shared.primary.http;
        let mut request = match endpoint.method {
            Method::Get => http.get(url),
            Method::Post => http.post(url),
        };
        match body {
            Body::None => {}
            Body::Json(json) => {
                request =
                    request.header(reqwest::header::CONTENT_TYPE, "application/json").body(json.clone());
            }
            Body::Multipart(form) => {
                let form = form.to_form().map_err(|message| ReadError::Transport {
                    source: message.clone().into(),
                    message,
                    connect: false,
                })?;
                request = request.multipart(form);
            }
        }
        let timeout = self.shared.primary.timeout.min(remaining);
        self.shared.primary.exchange(request, timeout).await
    }
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
        ReadError::TooLarge { limit, excerpt } => Error::Decode(DecodeError {
            operation,
            path: String::new(),
            message: format!("the answer exceeds the {limit}-byte limit"),
            excerpt,
        }),
    }
}
