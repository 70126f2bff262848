//! The client: configuration, and `send`, the typed shim over the call loop of `call`.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tracing::Instrument;

use crate::build_error::BuildError;
use crate::call::{self, Body, Call, Failed, Next};
use crate::decode::decode_without;
use crate::error::Error;
use crate::operation::{BodyKind, Operation};
use crate::retry::RetryPolicy;
use crate::token::TokenProvider;
use crate::transport::HttpContext;

/// WeChat's API host, where requests go unless the builder says otherwise.
pub const DEFAULT_BASE_URL: &str = "https://api.weixin.qq.com";

/// The `User-Agent` of the client's own HTTP client: this crate and its version.
pub const USER_AGENT: &str = concat!("wechat-core/", env!("CARGO_PKG_VERSION"));

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

/// Configures a [`Client`], or a client that wraps one (`C`, built from the [`Client`]
/// through `From`): `wechat_card::Client::builder()` is this builder, building its client.
pub struct ClientBuilder<C = Client> {
    base_url: String,
    fallbacks: Vec<String>,
    http: Option<reqwest::Client>,
    connect_timeout: Duration,
    attempt_timeout: Duration,
    max_body: usize,
    retry: RetryPolicy,
    tokens: Option<Arc<dyn TokenProvider>>,
    builds: PhantomData<fn() -> C>,
}

impl<C> Default for ClientBuilder<C> {
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
            builds: PhantomData,
        }
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("fallbacks", &self.fallbacks)
            .field("tokens", &self.tokens)
            .finish_non_exhaustive()
    }
}

impl<C: From<Client>> ClientBuilder<C> {
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
    /// with [`Error::Redirect`] (or [`TokenError::Redirect`](crate::TokenError::Redirect)), but the request has gone.
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

    /// Checks the settings, the token provider's included ([`TokenProvider::validate`]), and
    /// builds the client.
    pub fn build(self) -> Result<C, BuildError> {
        let base_urls = std::iter::once(&self.base_url)
            .chain(&self.fallbacks)
            .map(|url| checked_base_url(url))
            .collect::<Result<Vec<_>, _>>()?;
        if self.max_body == 0 {
            return Err(BuildError::InvalidClient("max_body_size must be at least 1 byte".to_owned()));
        }
        if let Some(tokens) = &self.tokens {
            tokens.validate()?;
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
        let client = Client { shared: Arc::new(Shared { http, tokens: self.tokens }), retry: self.retry };
        Ok(C::from(client))
    }
}

/// True when a TLS feature is on, so `https://` URLs can be reached.
const TLS: bool = cfg!(any(
    feature = "rustls-tls-webpki-roots",
    feature = "rustls-tls-native-roots",
    feature = "native-tls"
));

fn checked_base_url(url: &str) -> Result<String, BuildError> {
    let trimmed = url.trim_end_matches('/');
    let parsed = reqwest::Url::parse(trimmed)
        .map_err(|e| BuildError::InvalidClient(format!("base URL `{url}`: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.query().is_some() {
        return Err(BuildError::InvalidClient(format!(
            "base URL `{url}` must be http(s) without a query string"
        )));
    }
    // Without TLS every call would fail with a transport error; say why once, up front.
    if parsed.scheme() == "https" && !TLS {
        return Err(BuildError::InvalidClient(format!(
            "base URL `{url}` is https, but wechat-core was built without TLS: enable its feature \
             `rustls-tls-webpki-roots`, `rustls-tls-native-roots` or `native-tls` (wechat-card passes them on)"
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
        let started = Instant::now();
        let span = call::span(O::ENDPOINT.name);
        let mut attempts = 0;
        // Without a subscriber that wants it, the span is disabled: entering and leaving it
        // at every poll would cost the call for nothing.
        let result = if span.is_disabled() {
            self.send_with_retries(request, started, &mut attempts).await
        } else {
            self.send_with_retries(request, started, &mut attempts).instrument(span.clone()).await
        };
        call::finish(&span, started, attempts, result.as_ref().err().map(Failed::of));
        result
    }

    /// The part of [`send`](Self::send) that knows the operation's types: it encodes the
    /// request and decodes each answer. Everything else is [`Call`]'s, which is not generic,
    /// so the loop is compiled once rather than once per endpoint.
    async fn send_with_retries<O: Operation>(
        &self,
        request: &O,
        started: Instant,
        attempts: &mut u32,
    ) -> Result<O::Response, Error<O::ErrorCode>> {
        let operation = O::ENDPOINT.name;
        request.check().map_err(|source| Error::Invalid { operation, source })?;
        let body = encode_body(request).map_err(|message| Error::Request { operation, message })?;
        let shared = &*self.shared;
        let mut call = Call::new(
            &shared.http,
            shared.tokens.as_ref(),
            self.retry,
            O::ENDPOINT,
            request.query(),
            body,
            started,
        )
        .map_err(|fault| fault.into_error(operation))?;
        loop {
            if let Some(after) = call.expired() {
                return Err(Error::Timeout { operation, after });
            }
            let result = match call.attempt().await {
                Ok(answer) => decode_without::<O>(&answer, call.secret().as_slice()),
                Err(fault) => Err(fault.into_error(operation)),
            };
            *attempts = call.attempts();
            let error = match result {
                Ok(response) => {
                    call.succeeded();
                    return Ok(response);
                }
                Err(error) => error,
            };
            let next = call.next(&Failed::of(&error));
            match next {
                Next::Renew => {}
                Next::Pause(pause) => tokio::time::sleep(pause).await,
                // A timeout reports the call's whole wait, every attempt and pause included,
                // not the last attempt's share of it.
                Next::GiveUp => {
                    return Err(match error {
                        Error::Timeout { operation, .. } => {
                            Error::Timeout { operation, after: started.elapsed() }
                        }
                        error => error,
                    });
                }
            }
        }
    }
}

fn encode_body<O: Operation>(request: &O) -> Result<Body<'_>, String> {
    match O::ENDPOINT.body {
        BodyKind::None => Ok(Body::None),
        BodyKind::Json => serde_json::to_vec(request)
            .map(|json| Body::Json(json.into()))
            .map_err(|e| format!("cannot encode the request: {e}")),
        BodyKind::Multipart => request
            .multipart()
            .map(Body::Multipart)
            .ok_or_else(|| "the endpoint takes a multipart body but the request describes none".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Run with and without TLS features (CI does both): an https base URL builds exactly
    /// when TLS is compiled in, and the refusal names the features that fix it.
    #[test]
    fn an_https_base_url_needs_a_tls_feature() {
        let http = Client::builder().base_url("http://127.0.0.1:1").build();
        assert!(http.is_ok(), "{http:?}");
        let https = Client::builder().base_url("https://api.weixin.qq.com").build();
        if TLS {
            assert!(https.is_ok(), "{https:?}");
        } else {
            let error = https.expect_err("no TLS feature is on").to_string();
            assert!(error.contains("without TLS") && error.contains("rustls-tls-webpki-roots"), "{error}");
        }
        let fallback = Client::builder()
            .base_url("http://127.0.0.1:1")
            .fallback_base_url("https://api2.weixin.qq.com")
            .build();
        assert_eq!(fallback.is_ok(), TLS, "fallbacks are checked too");
    }
}
