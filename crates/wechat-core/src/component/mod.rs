//! A third-party platform's token chain: the `component_verify_ticket` WeChat pushes, the
//! platform's `component_access_token`, pre-auth codes and `api_query_auth` for the
//! authorization callback, and the `authorizer_access_token` of each account that
//! authorized the platform, refreshed with its stored `authorizer_refresh_token`.
//!
//! Everything lives in the component's [`TokenStore`] (a [`MemoryStore`] unless given
//! another), under keys namespaced by the component's appid:
//!
//! | key | holds |
//! |---|---|
//! | `wechat:{COMPONENT_APPID}:component_verify_ticket` | the latest ticket (12 h) |
//! | `wechat:{COMPONENT_APPID}:component_access_token` (+ `:lock`) | the platform's token |
//! | `wechat:{COMPONENT_APPID}:authorizer:AUTHORIZER_APPID:access_token` (+ `:lock`) | an authorizer's token |
//! | `wechat:{COMPONENT_APPID}:authorizer:AUTHORIZER_APPID:refresh_token` | its refresh token |
//!
//! Authorizer tokens are renewed lazily, when a call finds its token due: holding thousands
//! of authorizers costs a small struct each, no task and no timer.

pub(crate) mod authorizer;
#[cfg(feature = "push")]
mod push;
mod requests;

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use arc_swap::ArcSwapOption;

use self::authorizer::AuthorizerToken;
use crate::error::TokenError;
use crate::secret::{AccessToken, Secret};
use crate::store::renewal::{Renewal, Settings};
use crate::store::{MemoryStore, StoreError, TokenStore, key};
use crate::transport::HttpContext;

#[cfg(feature = "push")]
pub use push::TicketPushError;
pub use requests::{Authorization, PreAuthCode};

/// How long a `component_verify_ticket` is kept: WeChat's are valid 12 hours.
const TICKET_LIFETIME: Duration = Duration::from_secs(12 * 60 * 60);

/// A third-party platform (a "component"): its credentials, its tokens, and the authorizer
/// tokens it obtains for the accounts that authorized it. Share it in an `Arc`.
pub struct Component {
    appid: String,
    secret: Secret,
    store: Arc<dyn TokenStore>,
    settings: Settings,
    /// The last ticket set or read, for when the store cannot be reached.
    ticket: ArcSwapOption<Secret>,
    token: Renewal,
    requests: AtomicU64,
    /// Providers handed out, so two calls for one authorizer share one renewal; weak, so a
    /// provider dropped by every client goes away.
    authorizers: Mutex<Providers>,
}

/// The providers handed out, by authorizer appid, and when the dropped ones were last swept.
#[derive(Default)]
struct Providers {
    by_appid: HashMap<String, Weak<AuthorizerToken>>,
    /// Entries left after the last sweep. The next sweep comes once the map has doubled
    /// since (and holds at least [`SWEEP_FLOOR`] entries): a sweep of n entries follows at
    /// least n/2 insertions, so each costs O(1) amortised however many authorizers come and
    /// go, and the map never holds more than twice the providers alive at the last sweep
    /// (or `SWEEP_FLOOR`).
    after_sweep: usize,
}

/// The map is never swept below this many entries: sweeping a handful costs more than it saves.
const SWEEP_FLOOR: usize = 64;

impl Providers {
    /// The live provider of `appid`, if a client still holds it.
    fn get(&self, appid: &str) -> Option<Arc<AuthorizerToken>> {
        self.by_appid.get(appid).and_then(Weak::upgrade)
    }

    /// Keeps `provider` for `appid`, first sweeping out dropped providers if the map has
    /// doubled since the last sweep.
    fn insert(&mut self, appid: &str, provider: &Arc<AuthorizerToken>) {
        if self.by_appid.len() >= self.after_sweep.saturating_mul(2).max(SWEEP_FLOOR) {
            self.by_appid.retain(|_, provider| provider.strong_count() > 0);
            self.after_sweep = self.by_appid.len();
        }
        self.by_appid.insert(appid.to_owned(), Arc::downgrade(provider));
    }
}

impl Component {
    /// `POST /cgi-bin/component/api_component_token`.
    pub const COMPONENT_TOKEN_PATH: &'static str = "/cgi-bin/component/api_component_token";
    /// `POST /cgi-bin/component/api_create_preauthcode`.
    pub const PRE_AUTH_CODE_PATH: &'static str = "/cgi-bin/component/api_create_preauthcode";
    /// `POST /cgi-bin/component/api_query_auth`.
    pub const QUERY_AUTH_PATH: &'static str = "/cgi-bin/component/api_query_auth";
    /// `POST /cgi-bin/component/api_authorizer_token`.
    pub const AUTHORIZER_TOKEN_PATH: &'static str = "/cgi-bin/component/api_authorizer_token";

    /// The platform `component_appid` with its appsecret, keeping its tokens in a
    /// [`MemoryStore`] of its own until [`store`](Self::store) says otherwise. The appsecret
    /// is a [`Secret`], so it cannot be passed where the appid goes.
    pub fn new(component_appid: impl Into<String>, component_appsecret: Secret) -> Self {
        let appid = component_appid.into();
        let store: Arc<dyn TokenStore> = Arc::new(MemoryStore::new());
        Self {
            token: Renewal::new(key(&appid, "component_access_token"), Arc::clone(&store), Settings::DEFAULT),
            appid,
            secret: component_appsecret,
            store,
            settings: Settings::DEFAULT,
            ticket: ArcSwapOption::empty(),
            requests: AtomicU64::new(0),
            authorizers: Mutex::new(Providers::default()),
        }
    }

    /// Keeps the ticket, the tokens and the refresh tokens in `store` (a `RedisStore`, with
    /// the `redis` feature, shares them with a fleet).
    #[cfg_attr(feature = "redis", doc = "\n\nSee [`RedisStore`](crate::RedisStore).")]
    pub fn store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.token.set_store(Arc::clone(&store));
        self.store = store;
        self
    }

    /// Renews tokens this long before they expire (default 5 minutes; never more than half
    /// a token's lifetime).
    pub fn renew_margin(self, margin: Duration) -> Self {
        let settings = Settings { margin, ..self.settings };
        self.with_settings(settings)
    }

    /// How long the store's renewal lock lasts if its holder dies (default 20 s); at most
    /// [`renewal_wait`](Self::renewal_wait), or a client built with one of its authorizers
    /// is refused with [`BuildError::RenewalWaitBelowLockTtl`](crate::BuildError::RenewalWaitBelowLockTtl)
    /// (and its own token requests with [`TokenError::Misconfigured`]).
    pub fn lock_ttl(self, ttl: Duration) -> Self {
        let settings = Settings { lock_ttl: ttl, ..self.settings };
        self.with_settings(settings)
    }

    /// How long a call waits for another instance's renewal (default 25 s), then fails with
    /// [`TokenError::RenewalWait`]; at least [`lock_ttl`](Self::lock_ttl) (see there).
    pub fn renewal_wait(self, wait: Duration) -> Self {
        let settings = Settings { wait, ..self.settings };
        self.with_settings(settings)
    }

    fn with_settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self.token.set_settings(settings);
        self
    }

    /// The platform's appid.
    pub fn appid(&self) -> &str {
        &self.appid
    }

    /// Stores the `component_verify_ticket` WeChat pushed (every 10 minutes, in the
    /// `component_verify_ticket` event). Kept in this process too, so a store outage does
    /// not lose it.
    pub async fn set_verify_ticket(&self, ticket: impl Into<String>) -> Result<(), StoreError> {
        let ticket = Secret::new(ticket);
        self.ticket.store(Some(Arc::new(ticket.clone())));
        let key = key(&self.appid, "component_verify_ticket");
        // Whatever another instance stored meanwhile is as fresh as this one: a lost race is fine.
        let current = self.store.get(&key).await?;
        self.store.set_if(&key, current.as_ref(), &ticket, Some(TICKET_LIFETIME)).await.map(|_| ())
    }

    /// The latest ticket: the store's, or this process's own when the store is unavailable.
    async fn verify_ticket(&self) -> Result<Secret, TokenError> {
        match self.store.get(&key(&self.appid, "component_verify_ticket")).await {
            Ok(Some(ticket)) => {
                self.ticket.store(Some(Arc::new(ticket.clone())));
                Ok(ticket)
            }
            Ok(None) => self.ticket.load().as_deref().cloned().ok_or(TokenError::NoVerifyTicket),
            Err(error) => {
                tracing::warn!(component_appid = %self.appid, error = %error, "the token store is unavailable; using this process's verify ticket");
                self.ticket.load().as_deref().cloned().ok_or(TokenError::NoVerifyTicket)
            }
        }
    }

    /// The platform's `component_access_token`, renewed through the store like
    /// [`StableToken`](crate::StableToken)'s.
    pub async fn access_token(&self, http: &HttpContext) -> Result<AccessToken, TokenError> {
        let source = requests::ComponentSource { component: self };
        self.token.fetch(http, &source).await
    }

    /// WeChat refused the component token `stale` (40001, 42001): the next
    /// [`access_token`](Self::access_token) renews it.
    pub fn invalidate_access_token(&self, stale: &AccessToken) -> bool {
        self.token.invalidate(stale)
    }

    /// How many `api_component_token` requests this component sent.
    pub fn fetch_count(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Stores the refresh token of an account that authorized the platform before (from the
    /// platform's own records), so [`authorizer`](Self::authorizer) can obtain its token.
    pub async fn set_refresh_token(
        &self,
        authorizer_appid: &str,
        refresh_token: Secret,
    ) -> Result<(), StoreError> {
        let key = self.refresh_token_key(authorizer_appid);
        let current = self.store.get(&key).await?;
        self.store.set_if(&key, current.as_ref(), &refresh_token, None).await.map(|_| ())
    }

    /// The token provider of `authorizer_appid`, renewing its `authorizer_access_token` with
    /// the stored refresh token. The same provider is handed out while a client holds it.
    /// It starts no task and no timer: thousands of authorizers cost a struct each, and
    /// this call costs O(1) amortised however many come and go.
    pub fn authorizer(self: &Arc<Self>, authorizer_appid: &str) -> Arc<AuthorizerToken> {
        let mut providers = self.authorizers.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(provider) = providers.get(authorizer_appid) {
            return provider;
        }
        let renewed = authorizer::Renewed::new(Arc::clone(self), authorizer_appid.to_owned());
        let provider = Arc::new(AuthorizerToken::renewed(renewed));
        providers.insert(authorizer_appid, &provider);
        provider
    }

    fn authorizer_key(&self, authorizer_appid: &str, what: &str) -> String {
        key(&self.appid, &format!("authorizer:{authorizer_appid}:{what}"))
    }

    fn refresh_token_key(&self, authorizer_appid: &str) -> String {
        self.authorizer_key(authorizer_appid, "refresh_token")
    }
}

impl fmt::Debug for Component {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Component")
            .field("appid", &self.appid)
            .field("secret", &self.secret)
            .field("store", &self.store)
            .field("cached", &self.token.has_cached())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::TokenProvider;

    fn entries(component: &Component) -> usize {
        component.authorizers.lock().unwrap().by_appid.len()
    }

    /// Outside any Tokio runtime: a provider that spawned a task or armed a timer would panic
    /// here ("there is no reactor running"), so 5,000 authorizers prove none does.
    #[test]
    fn five_thousand_authorizers_cost_no_task_no_timer_and_a_bounded_map() {
        let component = Arc::new(Component::new("wx_component", Secret::new("component-secret")));
        // Authorizers that come and go: dropped providers are swept, the map stays small.
        for n in 0..5_000 {
            let provider = component.authorizer(&format!("wx_passing_{n}"));
            assert_eq!(provider.authorizer_appid(), Some(format!("wx_passing_{n}").as_str()));
        }
        assert!(entries(&component) <= SWEEP_FLOOR, "{} entries for 0 live providers", entries(&component));

        // 5,000 held at once: each kept, each handed out again as the same provider.
        let held: Vec<_> = (0..5_000).map(|n| component.authorizer(&format!("wx_held_{n}"))).collect();
        assert!(entries(&component) >= 5_000);
        for (n, provider) in held.iter().enumerate() {
            assert!(Arc::ptr_eq(provider, &component.authorizer(&format!("wx_held_{n}"))), "{n}");
            assert!(provider.cached().is_none() && provider.fetch_count() == 0, "nothing fetched ahead");
        }
        let live = entries(&component);
        assert!(live <= 2 * 5_000, "{live} entries for 5,000 live providers");

        // Every client let go: the next sweep empties the map of them, within one doubling.
        drop(held);
        for n in 0..live {
            drop(component.authorizer(&format!("wx_later_{n}")));
        }
        let after = entries(&component);
        assert!(after < live, "{after} entries after the held providers were dropped (was {live})");
        assert!(
            component.authorizers.lock().unwrap().by_appid.keys().all(|k| !k.starts_with("wx_held_")),
            "the dropped providers were swept"
        );
    }

    #[tokio::test]
    async fn a_renewal_wait_shorter_than_the_lock_is_refused_before_anything_is_sent() {
        let expected = crate::BuildError::RenewalWaitBelowLockTtl {
            renewal_wait: Duration::from_secs(25),
            lock_ttl: Duration::from_secs(30),
        };
        let component = Arc::new(
            Component::new("wx_component", Secret::new("component-secret")).lock_ttl(Duration::from_secs(30)),
        );
        let provider = component.authorizer("wx_authorizer");
        assert_eq!(provider.validate(), Err(expected.clone()));
        let refused = crate::Client::builder()
            .base_url("http://127.0.0.1:9")
            .shared_token_provider(provider)
            .build()
            .map(drop);
        assert_eq!(refused, Err(expected.clone()));
        // Used without a client: its own requests are refused, and none is sent.
        component.set_verify_ticket("ticket").await.unwrap();
        let client = crate::Client::builder().base_url("http://127.0.0.1:9").build().unwrap();
        let error = component.access_token(client.http_context()).await.unwrap_err();
        assert_eq!(error, TokenError::Misconfigured(expected));
        assert!(!error.is_retryable());
        assert_eq!(component.fetch_count(), 0);

        let equal = Arc::new(
            Component::new("wx_component", Secret::new("component-secret"))
                .lock_ttl(Duration::from_secs(30))
                .renewal_wait(Duration::from_secs(30)),
        );
        assert_eq!(equal.authorizer("wx_authorizer").validate(), Ok(()));
    }
}
