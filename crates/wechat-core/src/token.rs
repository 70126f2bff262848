//! Access-token providers: a fixed token, appid + appsecret through `/cgi-bin/stable_token`,
//! and a third-party platform's authorizer token.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use arc_swap::ArcSwapOption;
use serde::Deserialize;

use crate::deadline::instant_after;
use crate::error::{TokenError, excerpt_without};
use crate::redact::redact;
use crate::secret::{AccessToken, Secret};
use crate::transport::{HttpContext, ReadError};

/// A boxed future, as token providers return them.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where the client gets `access_token` from.
///
/// The hot path calls [`cached`](TokenProvider::cached), which must not wait on anything a
/// fetch holds; only when it returns `None` does the client await
/// [`fetch`](TokenProvider::fetch), which must let one fetch run however many calls wait.
pub trait TokenProvider: Send + Sync + fmt::Debug + 'static {
    /// A valid token at hand, without waiting; `None` when one must be fetched.
    fn cached(&self) -> Option<AccessToken>;

    /// Obtains a token, fetching it when needed.
    fn fetch<'a>(&'a self, http: &'a HttpContext) -> BoxFuture<'a, Result<AccessToken, TokenError>>;

    /// WeChat refused `stale` (40001, 40014, 42001). Returns true when the call is worth
    /// retrying: a later [`fetch`](TokenProvider::fetch) gives a token other than `stale`,
    /// or one renewed since `stale` was refused.
    fn invalidate(&self, stale: &AccessToken) -> bool {
        let _ = stale;
        false
    }

    /// True for a third-party platform's `authorizer_access_token`, which some endpoints refuse.
    fn is_authorizer(&self) -> bool {
        false
    }
}

/// A token the caller manages: used as given, never renewed.
#[derive(Debug, Clone)]
pub struct StaticToken(AccessToken);

impl StaticToken {
    /// Uses `token` for every call.
    pub fn new(token: impl Into<String>) -> Self {
        Self(AccessToken::new(token))
    }
}

impl TokenProvider for StaticToken {
    fn cached(&self) -> Option<AccessToken> {
        Some(self.0.clone())
    }

    fn fetch<'a>(&'a self, _: &'a HttpContext) -> BoxFuture<'a, Result<AccessToken, TokenError>> {
        Box::pin(std::future::ready(Ok(self.0.clone())))
    }
}

/// A third-party platform's `authorizer_access_token`, supplied and refreshed by the caller
/// (the platform's own token flow lives outside this client). Endpoints whose spec says
/// third-party calls are not supported refuse it before sending.
#[derive(Debug)]
pub struct AuthorizerToken(ArcSwapOption<AccessToken>);

impl AuthorizerToken {
    /// Starts with `token`.
    pub fn new(token: impl Into<String>) -> Self {
        Self(ArcSwapOption::from_pointee(AccessToken::new(token)))
    }

    /// Replaces the token, e.g. after the platform refreshed it.
    pub fn set(&self, token: impl Into<String>) {
        self.0.store(Some(std::sync::Arc::new(AccessToken::new(token))));
    }
}

impl TokenProvider for AuthorizerToken {
    fn cached(&self) -> Option<AccessToken> {
        self.0.load().as_deref().cloned()
    }

    fn fetch<'a>(&'a self, _: &'a HttpContext) -> BoxFuture<'a, Result<AccessToken, TokenError>> {
        Box::pin(std::future::ready(self.cached().ok_or(TokenError::Missing)))
    }

    fn is_authorizer(&self) -> bool {
        true
    }
}

/// The account's access token from appid + appsecret through `POST /cgi-bin/stable_token`.
///
/// In its normal mode WeChat hands every caller the same valid token, so several processes
/// sharing an appid do not invalidate each other's tokens (as `/cgi-bin/token` does). The
/// token is cached and renewed a margin before it expires; concurrent calls on an empty
/// cache share one fetch, and its failure too; reading the cache takes no lock.
///
/// `expires_in` must be a whole number of seconds, at least 1 (WeChat sends 7200); an
/// answer with 0, a negative number or anything else is refused with
/// [`TokenError::Decode`]. A lifetime longer than [`MAX_LIFETIME`](Self::MAX_LIFETIME) is
/// taken as that: a server's number must not keep a token cached for ever.
pub struct StableToken {
    appid: String,
    secret: Secret,
    margin: Duration,
    cache: ArcSwapOption<Cached>,
    /// Held while a fetch is in flight; it guards the outcome of the last one.
    refresh: tokio::sync::Mutex<LastFetch>,
    /// Fetches finished so far, readable without the lock, so a caller that queued behind a
    /// fetch can tell it has finished.
    completed: AtomicU64,
    /// The token WeChat refused, until a fetch replaces it: if normal mode hands it back,
    /// that fetch asks again with `force_refresh`.
    refused: Mutex<Option<AccessToken>>,
    requests: AtomicU64,
}

struct Cached {
    token: AccessToken,
    renew_at: Instant,
    /// WeChat refused this token and handed it back when asked for another, `force_refresh`
    /// included: a refusal of it ends the call instead of renewing it again.
    handed_back: bool,
}

/// How the last fetch ended, for the callers that waited on it.
#[derive(Default)]
struct LastFetch {
    failure: Option<TokenError>,
}

impl StableToken {
    /// Default renewal margin before `expires_in` runs out.
    pub const DEFAULT_MARGIN: Duration = Duration::from_secs(300);

    /// The longest a token is kept, whatever `expires_in` says: a day. WeChat's tokens live
    /// 7200 s; a server claiming more than a day is wrong, and a token that expires sooner
    /// than claimed is renewed when WeChat refuses it.
    pub const MAX_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

    /// The path of the token endpoint, on the client's base URL.
    pub const PATH: &'static str = "/cgi-bin/stable_token";

    /// A provider for `appid` with its appsecret.
    pub fn new(appid: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            appid: appid.into(),
            secret: Secret::new(secret),
            margin: Self::DEFAULT_MARGIN,
            cache: ArcSwapOption::empty(),
            refresh: tokio::sync::Mutex::new(LastFetch::default()),
            completed: AtomicU64::new(0),
            refused: Mutex::new(None),
            requests: AtomicU64::new(0),
        }
    }

    /// Renews this long before the token expires (default 5 minutes; never more than half
    /// the token's lifetime).
    pub fn renew_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// How many requests were sent to the token endpoint.
    pub fn fetch_count(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    async fn fetch_single_flight(&self, http: &HttpContext) -> Result<AccessToken, TokenError> {
        let seen = self.completed.load(Ordering::Acquire);
        let mut last = self.refresh.lock().await;
        // Whoever held the lock before may have fetched already: share its token, or its
        // failure, rather than ask again for every caller that queued behind it.
        if let Some(token) = self.cached() {
            return Ok(token);
        }
        if self.completed.load(Ordering::Acquire) != seen
            && let Some(failure) = &last.failure
        {
            return Err(failure.clone());
        }
        let outcome = self.fetch_and_cache(http).await;
        last.failure = outcome.as_ref().err().cloned();
        self.completed.fetch_add(1, Ordering::Release);
        outcome
    }

    async fn fetch_and_cache(&self, http: &HttpContext) -> Result<AccessToken, TokenError> {
        // Read, not taken: a fetch that fails must not forget which token was refused.
        let refused = self.refused.lock().ok().and_then(|r| r.clone());
        let (mut token, mut lifetime) = self.request(http, false).await?;
        let mut handed_back = false;
        if refused.as_ref() == Some(&token) {
            tracing::debug!(appid = %self.appid, "stable_token returned the refused token; forcing a refresh");
            (token, lifetime) = self.request(http, true).await?;
            handed_back = refused.as_ref() == Some(&token);
        }
        if let Ok(mut slot) = self.refused.lock()
            && *slot == refused
        {
            *slot = None;
        }
        self.cache.store(Some(std::sync::Arc::new(Cached {
            token: token.clone(),
            renew_at: instant_after(Instant::now(), self.renew_after(lifetime)),
            handed_back,
        })));
        Ok(token)
    }

    /// How long after its fetch a token of `lifetime` is renewed: the margin before it
    /// expires, but never more than half its lifetime.
    fn renew_after(&self, lifetime: Duration) -> Duration {
        lifetime.saturating_sub(self.margin.min(lifetime / 2))
    }

    async fn request(
        &self,
        http: &HttpContext,
        force_refresh: bool,
    ) -> Result<(AccessToken, Duration), TokenError> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let body = serde_json::json!({
            "grant_type": "client_credential",
            "appid": self.appid,
            "secret": self.secret.expose(),
            "force_refresh": force_refresh,
        });
        let secrets = [self.secret.expose()];
        let bytes = http.post_json(Self::PATH, &body, &secrets).await.map_err(|e| match e {
            ReadError::Status { status, .. } => TokenError::Status(status),
            ReadError::Redirect { status, location } => TokenError::Redirect { status, location },
            ReadError::TooLarge { .. } => TokenError::Decode(e.to_string()),
            ReadError::Timeout(_) | ReadError::Transport { .. } => TokenError::Unreachable(e.to_string()),
        })?;
        parse_token(&bytes, &secrets)
    }
}

#[derive(Deserialize)]
struct TokenAnswer {
    #[serde(default, deserialize_with = "crate::lenient::option_integer")]
    errcode: Option<i64>,
    #[serde(default)]
    errmsg: Option<String>,
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::option_integer")]
    expires_in: Option<u64>,
}

/// The token and its lifetime (at most [`StableToken::MAX_LIFETIME`]) from the token
/// endpoint's answer.
pub(crate) fn parse_token(body: &[u8], secrets: &[&str]) -> Result<(AccessToken, Duration), TokenError> {
    // serde quotes the values it refuses, and a hostile answer may put a secret there.
    let undecodable = |what: &str| {
        TokenError::Decode(format!(
            "{}; the body starts with {:?}",
            redact(what, secrets),
            excerpt_without(body, secrets)
        ))
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let answer: TokenAnswer = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let what = if path == "." { e.inner().to_string() } else { format!("{path}: {}", e.inner()) };
        undecodable(&what)
    })?;
    deserializer.end().map_err(|e| undecodable(&e.to_string()))?;
    if let Some(errcode) = answer.errcode.filter(|c| *c != 0) {
        let errmsg = redact(&answer.errmsg.unwrap_or_default(), secrets);
        return Err(TokenError::Refused { errcode, errmsg });
    }
    let token =
        answer.access_token.filter(|t| !t.is_empty()).ok_or_else(|| undecodable("no access_token"))?;
    match answer.expires_in {
        None => Err(undecodable("no expires_in")),
        Some(0) => Err(undecodable("expires_in: 0, the token would be expired on arrival")),
        Some(seconds) => {
            Ok((AccessToken::new(token), Duration::from_secs(seconds).min(StableToken::MAX_LIFETIME)))
        }
    }
}

impl TokenProvider for StableToken {
    fn cached(&self) -> Option<AccessToken> {
        let cached = self.cache.load();
        let cached = cached.as_deref()?;
        (Instant::now() < cached.renew_at).then(|| cached.token.clone())
    }

    fn fetch<'a>(&'a self, http: &'a HttpContext) -> BoxFuture<'a, Result<AccessToken, TokenError>> {
        Box::pin(async move {
            match self.cached() {
                Some(token) => Ok(token),
                None => self.fetch_single_flight(http).await,
            }
        })
    }

    /// Renewal is keyed on the refused token, so however many calls it fails, it is renewed
    /// once and forced at most once: the first refusal drops it from the cache and the
    /// others share that renewal (their retry waits for it, or finds its token cached).
    fn invalidate(&self, stale: &AccessToken) -> bool {
        let current = self.cache.load();
        match current.as_deref() {
            // Renewed already, and WeChat insisted on this very token: renewing again cannot help.
            Some(cached) if cached.token == *stale && cached.handed_back => false,
            Some(cached) if cached.token == *stale => {
                if let Ok(mut refused) = self.refused.lock() {
                    *refused = Some(stale.clone());
                }
                // Drop this entry only, never one stored since: a renewal may hand back the
                // same token, and dropping it would renew it again.
                let _ = self.cache.compare_and_swap(&current, None);
                true
            }
            // A newer token is cached, or the renewal of this one is under way.
            _ => true,
        }
    }
}

impl fmt::Debug for StableToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StableToken")
            .field("appid", &self.appid)
            .field("secret", &self.secret)
            .field("margin", &self.margin)
            .field("cached", &self.cache.load().is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_answers_decode() {
        let (token, lifetime) = parse_token(br#"{"access_token":"abc","expires_in":"7200"}"#, &[]).unwrap();
        assert_eq!((token.expose(), lifetime), ("abc", Duration::from_secs(7200)));
        let refused = parse_token(br#"{"errcode":40125,"errmsg":"invalid appsecret"}"#, &[]).unwrap_err();
        assert_eq!(refused, TokenError::Refused { errcode: 40125, errmsg: "invalid appsecret".into() });
        assert!(!refused.is_retryable());
        let garbled = parse_token(br#"{"access_token":"abc""#, &[]).unwrap_err();
        assert!(!garbled.to_string().contains("abc"), "{garbled}");
        let echoed = parse_token(br#"{"secret":"the-appsecret"#, &["the-appsecret"]).unwrap_err();
        assert!(!echoed.to_string().contains("the-appsecret"), "{echoed}");
    }

    #[test]
    fn a_lifetime_is_positive_and_at_most_a_day() {
        let lifetime = |expires_in: &str| {
            let body = format!(r#"{{"access_token":"abc","expires_in":{expires_in}}}"#);
            parse_token(body.as_bytes(), &[]).map(|(_, lifetime)| lifetime)
        };
        assert_eq!(lifetime("86400"), Ok(StableToken::MAX_LIFETIME));
        assert_eq!(lifetime("18446744073709551615"), Ok(StableToken::MAX_LIFETIME));
        assert_eq!(lifetime("1"), Ok(Duration::from_secs(1)));
        for refused in ["0", "-1", "\"later\"", "1.5", "null"] {
            let error = lifetime(refused).unwrap_err();
            assert!(
                matches!(&error, TokenError::Decode(m) if m.contains("expires_in")),
                "{refused}: {error}"
            );
        }
    }

    #[test]
    fn renewal_comes_a_margin_early_and_never_past_half_the_lifetime() {
        let provider = StableToken::new("wx123", "s");
        assert_eq!(provider.renew_after(Duration::from_secs(7200)), Duration::from_secs(6900));
        assert_eq!(provider.renew_after(Duration::from_secs(2)), Duration::from_secs(1));
        assert_eq!(provider.renew_after(StableToken::MAX_LIFETIME), Duration::from_secs(86_100));
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let provider = StableToken::new("wx123", "the-appsecret-value");
        let printed = format!("{provider:?}");
        assert!(printed.contains("wx123") && !printed.contains("the-appsecret-value"), "{printed}");
    }
}
