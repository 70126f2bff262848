//! Access-token providers: a fixed token, appid + appsecret through `/cgi-bin/stable_token`,
//! and a third-party platform's authorizer token. The renewal they share, through a token
//! store, is in `store::renewal`.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::Deserialize;

use crate::build_error::BuildError;
use crate::error::{TokenError, excerpt_without};
use crate::future::BoxFuture;
use crate::redact::redact;
use crate::secret::{AccessToken, Secret};
use crate::store::local::LocalCopies;
use crate::store::renewal::{Renewal, Settings, Source};
use crate::store::{MemoryStore, TokenStore, key};
use crate::transport::{HttpContext, ReadError};

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

    /// A call succeeded with a token from [`cached`](TokenProvider::cached) or
    /// [`fetch`](TokenProvider::fetch). Providers that renew refused tokens use it to tell a
    /// token WeChat accepted from one refused on arrival, and to space out renewals when
    /// every token is refused. Called on every successful call: it must be cheap.
    fn accepted(&self) {}

    /// True for a third-party platform's `authorizer_access_token`, which some endpoints refuse.
    fn is_authorizer(&self) -> bool {
        false
    }

    /// Whether the provider's settings can work; [`ClientBuilder::build`](crate::ClientBuilder::build)
    /// refuses a client whose provider's cannot (for example a `renewal_wait` shorter than
    /// the `lock_ttl`: [`BuildError::RenewalWaitBelowLockTtl`]).
    fn validate(&self) -> Result<(), BuildError> {
        Ok(())
    }
}

/// A token the caller manages: used as given, never renewed.
pub struct StaticToken(AccessToken, LocalCopies);

impl StaticToken {
    /// Uses `token` for every call.
    pub fn new(token: impl Into<String>) -> Self {
        Self(AccessToken::new(token), LocalCopies::new())
    }
}

impl Clone for StaticToken {
    fn clone(&self) -> Self {
        Self(self.0.clone(), LocalCopies::new())
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("StaticToken").field(&self.0).finish()
    }
}

impl TokenProvider for StaticToken {
    /// The calling thread's own copy of the token: reads on several threads write no
    /// shared reference count.
    fn cached(&self) -> Option<AccessToken> {
        self.1.read(|| Some((self.0.clone(), None)))
    }

    fn fetch<'a>(&'a self, _: &'a HttpContext) -> BoxFuture<'a, Result<AccessToken, TokenError>> {
        Box::pin(std::future::ready(Ok(self.0.clone())))
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
///
/// The token is kept in a [`TokenStore`]: by default a [`MemoryStore`] of its own; give
/// several providers (or, with a `RedisStore` of the `redis` feature, several processes) the
/// same store with [`store`](Self::store) and they fetch one token per expiry between them,
/// under the key `wechat:{APPID}:stable_token`.
pub struct StableToken {
    source: StableSource,
    renewal: Renewal,
}

struct StableSource {
    appid: String,
    secret: Secret,
    requests: AtomicU64,
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

    /// A provider for `appid` with its appsecret. The appsecret is a [`Secret`], not a
    /// string, so passing the two the wrong way round does not compile:
    /// `StableToken::new("wx_appid", Secret::new(appsecret))`.
    pub fn new(appid: impl Into<String>, secret: Secret) -> Self {
        let appid = appid.into();
        let renewal =
            Renewal::new(key(&appid, "stable_token"), Arc::new(MemoryStore::new()), Settings::DEFAULT);
        Self { source: StableSource { appid, secret, requests: AtomicU64::new(0) }, renewal }
    }

    /// Renews this long before the token expires (default 5 minutes; never more than half
    /// the token's lifetime).
    pub fn renew_margin(mut self, margin: Duration) -> Self {
        let settings = Settings { margin, ..self.renewal.settings() };
        self.renewal.set_settings(settings);
        self
    }

    /// Keeps the token in `store`, shared with every provider (and process) using it.
    pub fn store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.renewal.set_store(store);
        self
    }

    /// How long the store's renewal lock lasts if its holder dies (default 20 s); longer
    /// than a token request takes, and at most [`renewal_wait`](Self::renewal_wait): a client
    /// built with a longer one is refused with [`BuildError::RenewalWaitBelowLockTtl`].
    pub fn lock_ttl(mut self, ttl: Duration) -> Self {
        let settings = Settings { lock_ttl: ttl, ..self.renewal.settings() };
        self.renewal.set_settings(settings);
        self
    }

    /// How long a call waits for another instance's renewal before failing with
    /// [`TokenError::RenewalWait`] (default 25 s: past the lock's time to live, so a dead
    /// holder is replaced within it). At least [`lock_ttl`](Self::lock_ttl), or a client
    /// built with it is refused with [`BuildError::RenewalWaitBelowLockTtl`].
    pub fn renewal_wait(mut self, wait: Duration) -> Self {
        let settings = Settings { wait, ..self.renewal.settings() };
        self.renewal.set_settings(settings);
        self
    }

    /// How many requests were sent to the token endpoint.
    pub fn fetch_count(&self) -> u64 {
        self.source.requests.load(Ordering::Relaxed)
    }

    #[cfg(test)]
    fn renew_after(&self, lifetime: Duration) -> Duration {
        self.renewal.settings().renew_after(lifetime)
    }
}

impl Source for StableSource {
    fn request<'a>(
        &'a self,
        http: &'a HttpContext,
        force_refresh: bool,
    ) -> BoxFuture<'a, Result<(AccessToken, Duration), TokenError>> {
        Box::pin(async move {
            self.requests.fetch_add(1, Ordering::Relaxed);
            let body = serde_json::json!({
                "grant_type": "client_credential",
                "appid": self.appid,
                "secret": self.secret.expose(),
                "force_refresh": force_refresh,
            });
            let secrets = [self.secret.expose()];
            let bytes = http.post_json(StableToken::PATH, &body, &secrets).await.map_err(token_read_error)?;
            parse_token(&bytes, &secrets)
        })
    }

    fn can_force(&self) -> bool {
        true
    }
}

/// A token endpoint that produced no answer, as a [`TokenError`].
pub(crate) fn token_read_error(error: ReadError) -> TokenError {
    match error {
        ReadError::Status { status, .. } => TokenError::Status(status),
        ReadError::Redirect { status, location } => TokenError::Redirect { status, location },
        ReadError::TooLarge { .. } => TokenError::Decode(error.to_string()),
        ReadError::Timeout(_) | ReadError::Transport { .. } => TokenError::Unreachable(error.to_string()),
    }
}

#[derive(Deserialize)]
struct TokenAnswer {
    #[serde(default, deserialize_with = "crate::lenient::option_integer")]
    errcode: Option<i64>,
    #[serde(default)]
    errmsg: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::option_integer")]
    expires_in: Option<u64>,
    /// The token is read from here by name; the other fields of the answer are ignored.
    #[serde(flatten)]
    tokens: serde_json::Map<String, serde_json::Value>,
}

/// The token and its lifetime (at most [`StableToken::MAX_LIFETIME`]) from the token
/// endpoint's answer.
pub(crate) fn parse_token(body: &[u8], secrets: &[&str]) -> Result<(AccessToken, Duration), TokenError> {
    parse_named_token(body, secrets, "access_token")
}

/// The token under `field` (`access_token`, `component_access_token`, …) and its lifetime
/// (at most [`StableToken::MAX_LIFETIME`]) from a token endpoint's answer.
pub(crate) fn parse_named_token(
    body: &[u8],
    secrets: &[&str],
    field: &str,
) -> Result<(AccessToken, Duration), TokenError> {
    // serde quotes the values it refuses, and a hostile answer may put a secret there.
    let undecodable = |what: &str| {
        TokenError::Decode(format!(
            "{}; the body starts with {:?}",
            redact(what, secrets),
            excerpt_without(body, secrets)
        ))
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let mut answer: TokenAnswer = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let what = if path == "." { e.inner().to_string() } else { format!("{path}: {}", e.inner()) };
        undecodable(&what)
    })?;
    deserializer.end().map_err(|e| undecodable(&e.to_string()))?;
    let token = answer.tokens.remove(field).and_then(|value| match value {
        serde_json::Value::String(token) => Some(token),
        _ => None,
    });
    if let Some(errcode) = answer.errcode.filter(|c| *c != 0) {
        let errmsg = redact(&answer.errmsg.unwrap_or_default(), secrets);
        return Err(TokenError::Refused { errcode, errmsg });
    }
    let token = token.filter(|t| !t.is_empty()).ok_or_else(|| undecodable(&format!("no {field}")))?;
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
        self.renewal.cached()
    }

    fn fetch<'a>(&'a self, http: &'a HttpContext) -> BoxFuture<'a, Result<AccessToken, TokenError>> {
        Box::pin(self.renewal.fetch(http, &self.source))
    }

    /// Renewal is keyed on the refused token, so however many calls it fails, it is renewed
    /// once and forced at most once: the first refusal drops it from the cache and the
    /// others share that renewal (their retry waits for it, or finds its token cached).
    fn invalidate(&self, stale: &AccessToken) -> bool {
        self.renewal.invalidate(stale)
    }

    fn accepted(&self) {
        self.renewal.accepted();
    }

    fn validate(&self) -> Result<(), BuildError> {
        self.renewal.settings().check()
    }
}

impl fmt::Debug for StableToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StableToken")
            .field("appid", &self.source.appid)
            .field("secret", &self.source.secret)
            .field("margin", &self.renewal.settings().margin)
            .field("cached", &self.renewal.has_cached())
            .field("store", self.renewal.store())
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
        let provider = StableToken::new("wx123", Secret::new("s"));
        assert_eq!(provider.renew_after(Duration::from_secs(7200)), Duration::from_secs(6900));
        assert_eq!(provider.renew_after(Duration::from_secs(2)), Duration::from_secs(1));
        assert_eq!(provider.renew_after(StableToken::MAX_LIFETIME), Duration::from_secs(86_100));
    }

    #[test]
    fn a_client_refuses_a_renewal_wait_shorter_than_the_lock() {
        let build = |provider: StableToken| {
            crate::Client::builder().base_url("http://127.0.0.1:9").token_provider(provider).build().map(drop)
        };
        let provider = StableToken::new("wx123", Secret::new("s")).lock_ttl(Duration::from_secs(30));
        assert_eq!(
            build(provider),
            Err(BuildError::RenewalWaitBelowLockTtl {
                renewal_wait: Duration::from_secs(25),
                lock_ttl: Duration::from_secs(30)
            })
        );
        let shorter = StableToken::new("wx123", Secret::new("s")).renewal_wait(Duration::from_secs(19));
        let error = build(shorter).unwrap_err();
        assert!(error.to_string().contains("renewal_wait (19s) is shorter than lock_ttl (20s)"), "{error}");
        let equal = StableToken::new("wx123", Secret::new("s"))
            .lock_ttl(Duration::from_secs(30))
            .renewal_wait(Duration::from_secs(30));
        assert_eq!(build(equal), Ok(()));
        assert_eq!(build(StableToken::new("wx123", Secret::new("s"))), Ok(()), "the defaults fit");
    }

    #[test]
    fn a_renewal_wait_is_not_retried() {
        // The wait already lasted renewal_wait: a retry would wait for the same holder again.
        assert!(!TokenError::RenewalWait { waited: Duration::from_secs(25) }.is_retryable());
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let provider = StableToken::new("wx123", Secret::new("the-appsecret-value"));
        let printed = format!("{provider:?}");
        assert!(printed.contains("wx123") && !printed.contains("the-appsecret-value"), "{printed}");
    }
}
