//! The renewal of one token through a [`TokenStore`]: what `StableToken` and the third-party
//! tokens share.
//!
//! Reading a token takes no lock and touches no store: each provider keeps a local copy
//! (an `ArcSwap`) until a margin before it expires. Past that, or when WeChat refuses it, one
//! call of the process (single flight) goes to the store: if the store holds a newer token,
//! that is used; otherwise the call takes the store's renewal lock, reads again, asks WeChat,
//! and stores the answer only if the store still holds what it read (compare-and-set), so
//! a slow instance never puts an old token over a fresh one. The others wait for the new
//! value, at most [`Settings::wait`]; a holder that died loses its lock after
//! [`Settings::lock_ttl`] and the next waiter renews. When the store cannot be reached the
//! provider warns and renews from WeChat alone, keeping the token in its local copy.
//!
//! A token from the store is adopted only if it was issued after every token this process
//! has held (issue times are the Unix milliseconds at which its request was sent, as the
//! store records them): after an outage, during which each process renewed on its own, the
//! store still holds the token from before, which WeChat has retired since. That token is
//! never adopted again; the first renewal through the store overwrites it.
//!
//! When the tokens WeChat hands out keep being refused before any call has succeeded with
//! them (a broken account, a proxy mangling tokens), renewals are spaced: a refused token
//! that never served a call is renewed at once the first time, then no sooner than 1 s,
//! 2 s, 4 s, ... after the previous renewal, at most once per [`REFUSAL_BACKOFF_MAX`];
//! meanwhile the calls fail with WeChat's refusal. One successful call ends the backoff.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use arc_swap::ArcSwapOption;

use super::local::LocalCopies;
use super::{StoreError, TokenStore, lock_key};
use crate::build_error::BuildError;
use crate::deadline::instant_after;
use crate::error::TokenError;
use crate::future::BoxFuture;
use crate::secret::{AccessToken, Secret};
use crate::transport::HttpContext;

/// Where a renewal gets a token from WeChat.
pub(crate) trait Source: Send + Sync {
    /// Asks WeChat for a token and its lifetime; with `force_refresh`, for a new one even if
    /// the current one is still valid.
    fn request<'a>(
        &'a self,
        http: &'a HttpContext,
        force_refresh: bool,
    ) -> BoxFuture<'a, Result<(AccessToken, Duration), TokenError>>;

    /// Whether `force_refresh` can give another token than a plain request (stable_token's
    /// normal mode hands back the current token; a refresh always issues a new one).
    fn can_force(&self) -> bool;
}

/// How a renewal waits and when it renews.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Settings {
    /// Renew this long before expiry (never more than half the lifetime).
    pub(crate) margin: Duration,
    /// How long the renewal lock lasts if its holder never releases it.
    pub(crate) lock_ttl: Duration,
    /// How long a call waits for another instance's renewal before failing.
    pub(crate) wait: Duration,
}

impl Settings {
    pub(crate) const DEFAULT: Self = Self {
        margin: Duration::from_secs(300),
        lock_ttl: Duration::from_secs(20),
        wait: Duration::from_secs(25),
    };

    /// Refuses a wait shorter than the lock's time to live: waiters would give up before the
    /// lock of a holder that died expires, and no one would renew.
    pub(crate) fn check(&self) -> Result<(), BuildError> {
        if self.wait < self.lock_ttl {
            return Err(BuildError::RenewalWaitBelowLockTtl {
                renewal_wait: self.wait,
                lock_ttl: self.lock_ttl,
            });
        }
        Ok(())
    }

    /// How long after its fetch a token of `lifetime` is renewed: the margin before it
    /// expires, but never more than half its lifetime.
    pub(crate) fn renew_after(&self, lifetime: Duration) -> Duration {
        lifetime.saturating_sub(self.margin.min(lifetime / 2))
    }
}

/// The first pause between renewals of tokens refused before serving any call.
pub(crate) const REFUSAL_BACKOFF_MIN: Duration = Duration::from_secs(1);
/// The longest pause between such renewals: while every token is refused, a provider asks
/// WeChat at most once per this.
pub(crate) const REFUSAL_BACKOFF_MAX: Duration = Duration::from_secs(60);

struct Cached {
    token: AccessToken,
    renew_at: Instant,
    /// WeChat refused this token and handed it back when asked for another, `force_refresh`
    /// included: a refusal of it ends the call instead of renewing it again.
    handed_back: bool,
}

/// Renewals of refused tokens that never served a call, and when the next may be.
#[derive(Default)]
struct Refusals {
    /// Consecutive refusals of tokens no call succeeded with.
    streak: u32,
    /// No renewal for a refusal before this.
    not_before: Option<Instant>,
}

impl Refusals {
    /// Whether a refusal now may renew the token; counts it when it may. `proven`: a call
    /// succeeded with a token since the last renewal for a refusal.
    fn allow(&mut self, now: Instant, proven: bool) -> bool {
        if proven {
            *self = Self::default();
        }
        if self.not_before.is_some_and(|until| now < until) {
            return false;
        }
        self.streak = self.streak.saturating_add(1);
        self.not_before = (self.streak >= 2).then(|| instant_after(now, refusal_backoff(self.streak)));
        true
    }
}

/// The pause after the `streak`-th consecutive refusal of an unproven token: 1 s after the
/// second, doubling, at most [`REFUSAL_BACKOFF_MAX`].
fn refusal_backoff(streak: u32) -> Duration {
    let doublings = streak.saturating_sub(2).min(16);
    REFUSAL_BACKOFF_MIN.saturating_mul(1 << doublings).min(REFUSAL_BACKOFF_MAX)
}

/// How the last fetch ended, for the callers that waited on it.
#[derive(Default)]
struct LastFetch {
    failure: Option<TokenError>,
}

/// A token as the store keeps it: `v1:FETCHED_MS:EXPIRES_MS:HANDED_BACK:TOKEN`, times in
/// Unix milliseconds so every process reads the same instants.
struct Stored {
    token: AccessToken,
    fetched_ms: u64,
    expires_ms: u64,
    handed_back: bool,
}

impl Stored {
    fn encode(&self) -> Secret {
        let flag = if self.handed_back { "h" } else { "-" };
        Secret::new(format!("v1:{}:{}:{flag}:{}", self.fetched_ms, self.expires_ms, self.token.expose()))
    }

    fn decode(raw: &Secret) -> Option<Self> {
        let mut parts = raw.expose().splitn(5, ':');
        (parts.next()? == "v1").then_some(())?;
        let fetched_ms = parts.next()?.parse().ok()?;
        let expires_ms = parts.next()?.parse().ok()?;
        let handed_back = parts.next()? == "h";
        let token = parts.next().filter(|t| !t.is_empty())?;
        Some(Self { token: AccessToken::new(token), fetched_ms, expires_ms, handed_back })
    }

    /// When the holder of `settings` renews it, in Unix milliseconds.
    fn renew_at_ms(&self, settings: &Settings) -> u64 {
        let lifetime = Duration::from_millis(self.expires_ms.saturating_sub(self.fetched_ms));
        self.fetched_ms.saturating_add(millis(settings.renew_after(lifetime)))
    }
}

/// A token fetched from WeChat.
struct Fresh {
    token: AccessToken,
    lifetime: Duration,
    handed_back: bool,
    /// When the request that got it was sent, in Unix milliseconds.
    issued_ms: u64,
}

impl Fresh {
    /// As the store keeps it: issued when asked for, expiring a lifetime after that.
    fn stored(&self) -> Stored {
        Stored {
            token: self.token.clone(),
            fetched_ms: self.issued_ms,
            expires_ms: self.issued_ms.saturating_add(millis(self.lifetime)),
            handed_back: self.handed_back,
        }
    }
}

/// One token, cached locally and renewed through a store.
pub(crate) struct Renewal {
    key: String,
    lock_key: String,
    store: Arc<dyn TokenStore>,
    settings: Settings,
    cache: ArcSwapOption<Cached>,
    /// Each reading thread's copy of `cache`'s token; told after every change of `cache`.
    copies: LocalCopies,
    /// Held while a fetch is in flight; it guards the outcome of the last one.
    refresh: tokio::sync::Mutex<LastFetch>,
    /// Fetches finished so far, readable without the lock, so a caller that queued behind a
    /// fetch can tell it has finished.
    completed: AtomicU64,
    /// The token WeChat refused, until a renewal replaces it.
    refused: Mutex<Option<AccessToken>>,
    /// The issue time (Unix ms) of the newest token this process has held: nothing older is
    /// adopted from the store.
    newest_ms: AtomicU64,
    /// Set when a refused token is renewed, cleared by the next successful call: a token
    /// refused while this is set never served a call.
    unproven: AtomicBool,
    /// Renewals for refusals of unproven tokens, spaced out.
    refusals: Mutex<Refusals>,
}

impl Renewal {
    /// The token under `key` of `store`.
    pub(crate) fn new(key: String, store: Arc<dyn TokenStore>, settings: Settings) -> Self {
        Self {
            lock_key: lock_key(&key),
            key,
            store,
            settings,
            cache: ArcSwapOption::empty(),
            copies: LocalCopies::new(),
            refresh: tokio::sync::Mutex::new(LastFetch::default()),
            completed: AtomicU64::new(0),
            refused: Mutex::new(None),
            newest_ms: AtomicU64::new(0),
            unproven: AtomicBool::new(false),
            refusals: Mutex::new(Refusals::default()),
        }
    }

    pub(crate) fn settings(&self) -> Settings {
        self.settings
    }

    pub(crate) fn set_settings(&mut self, settings: Settings) {
        self.settings = settings;
    }

    pub(crate) fn set_store(&mut self, store: Arc<dyn TokenStore>) {
        self.store = store;
    }

    pub(crate) fn store(&self) -> &Arc<dyn TokenStore> {
        &self.store
    }

    /// True when a token is cached locally, fresh or not.
    pub(crate) fn has_cached(&self) -> bool {
        self.cache.load().is_some()
    }

    /// The local copy, while it is not due for renewal: no lock, no store, and no write to
    /// memory other threads read (the calling thread's own copy, see [`LocalCopies`]).
    pub(crate) fn cached(&self) -> Option<AccessToken> {
        self.copies.read(|| {
            let cached = self.cache.load();
            let cached = cached.as_deref()?;
            Some((cached.token.clone(), Some(cached.renew_at)))
        })
    }

    /// The cached token, or one from the store, or a new one from `source`; one call at a
    /// time per process, sharing its outcome with the calls that queued behind it.
    pub(crate) async fn fetch(
        &self,
        http: &HttpContext,
        source: &dyn Source,
    ) -> Result<AccessToken, TokenError> {
        if let Some(token) = self.cached() {
            return Ok(token);
        }
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
        let outcome = self.renew(http, source).await;
        last.failure = outcome.as_ref().err().cloned();
        self.completed.fetch_add(1, Ordering::Release);
        outcome
    }

    /// WeChat refused `stale`: see [`TokenProvider::invalidate`](crate::TokenProvider::invalidate).
    ///
    /// Renewal is keyed on the refused token, so however many calls it fails, it is renewed
    /// once and forced at most once: the first refusal drops it from the cache and the
    /// others share that renewal (their retry waits for it, or finds its token cached).
    ///
    /// When tokens keep being refused before any call succeeds with them, the renewals are
    /// spaced (see the module's docs): within the pause this returns false, and the call
    /// fails with WeChat's refusal.
    pub(crate) fn invalidate(&self, stale: &AccessToken) -> bool {
        let current = self.cache.load();
        match current.as_deref() {
            // Renewed already, and WeChat insisted on this very token: renewing again cannot help.
            Some(cached) if cached.token == *stale && cached.handed_back => false,
            Some(cached) if cached.token == *stale => {
                let proven = !self.unproven.swap(true, Ordering::AcqRel);
                let allowed =
                    self.refusals.lock().map_or(true, |mut refusals| refusals.allow(Instant::now(), proven));
                if !allowed {
                    tracing::warn!(
                        key = %self.key,
                        "WeChat keeps refusing the tokens it hands out before any call succeeds with them; \
                         holding off the next renewal"
                    );
                    return false;
                }
                if let Ok(mut refused) = self.refused.lock() {
                    *refused = Some(stale.clone());
                }
                // Drop this entry only, never one stored since: a renewal may hand back the
                // same token, and dropping it would renew it again.
                self.copies.change(|| self.cache.compare_and_swap(&current, None));
                true
            }
            // A newer token is cached, or the renewal of this one is under way.
            _ => true,
        }
    }

    /// A call succeeded with a token of this provider: the renewal of a refused token worked.
    /// One relaxed load when nothing was refused, so the hot path does not write a line
    /// other cores read.
    pub(crate) fn accepted(&self) {
        if self.unproven.load(Ordering::Relaxed) {
            self.unproven.store(false, Ordering::Relaxed);
        }
    }

    async fn renew(&self, http: &HttpContext, source: &dyn Source) -> Result<AccessToken, TokenError> {
        // A client's build refuses these settings already; a provider used without one
        // (`Component::access_token`) is refused here, before anything is sent.
        self.settings.check().map_err(TokenError::Misconfigured)?;
        // Read, not taken: a renewal that fails must not forget which token was refused.
        let refused = self.refused.lock().ok().and_then(|r| r.clone());
        let outcome = match self.renew_through_store(http, source, refused.as_ref()).await {
            Ok(token) => token,
            Err(RenewFailure::Token(error)) => return Err(error),
            Err(RenewFailure::Store(error)) => {
                tracing::warn!(
                    key = %self.key,
                    error = %error,
                    "the token store is unavailable; renewing from WeChat without it and keeping the token in this process"
                );
                let fresh = self.ask(http, source, refused.as_ref()).await?;
                self.cache_fresh(&fresh);
                fresh.token
            }
        };
        if let Ok(mut slot) = self.refused.lock()
            && *slot == refused
        {
            *slot = None;
        }
        Ok(outcome)
    }

    /// The renewal proper; [`RenewFailure::Store`] when the store failed before WeChat was
    /// asked, so the caller asks without it.
    async fn renew_through_store(
        &self,
        http: &HttpContext,
        source: &dyn Source,
        refused: Option<&AccessToken>,
    ) -> Result<AccessToken, RenewFailure> {
        let deadline = instant_after(Instant::now(), self.settings.wait);
        let mut seen = self.store.get(&self.key).await?;
        loop {
            if let Some(token) = self.adopt(seen.as_ref(), refused, self.newest()) {
                return Ok(token);
            }
            // Armed before the lock is asked for: a call dropped while `SET NX` is in flight
            // releases whatever it may have taken (a compare-and-delete, so nobody else's).
            let lock = HeldLock::new(Arc::clone(&self.store), &self.lock_key, owner());
            let taken = self.store.try_lock(&self.lock_key, &lock.owner, self.settings.lock_ttl).await;
            if taken.as_ref().is_ok_and(|taken| *taken) {
                let renewed = self.renew_holding_lock(http, source, refused).await;
                // A release that fails leaves the lock to expire.
                lock.release().await;
                return renewed;
            }
            lock.disarm();
            taken?;
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(RenewFailure::Token(TokenError::RenewalWait { waited: self.settings.wait }));
            }
            // Another instance renews: wait for its token, a slice at a time so a holder that
            // died is replaced soon after its lock expires.
            let slice = remaining.min(self.settings.lock_ttl / 4).max(Duration::from_millis(10));
            seen = self.store.wait_for_change(&self.key, seen.as_ref(), slice).await?;
        }
    }

    async fn renew_holding_lock(
        &self,
        http: &HttpContext,
        source: &dyn Source,
        refused: Option<&AccessToken>,
    ) -> Result<AccessToken, RenewFailure> {
        // Another instance may have stored a token between the first read and the lock.
        let seen = self.store.get(&self.key).await?;
        if let Some(token) = self.adopt(seen.as_ref(), refused, self.newest()) {
            return Ok(token);
        }
        // Whatever the store holds now is older than what this process held: after an
        // outage, the token from before it. Ours replaces it.
        let fresh = self.ask(http, source, refused).await.map_err(RenewFailure::Token)?;
        let stored = fresh.stored();
        match self.store.set_if(&self.key, seen.as_ref(), &stored.encode(), Some(fresh.lifetime)).await {
            Ok(true) => {}
            Ok(false) => {
                // Our lock expired mid-fetch and another instance stored its token: keep
                // theirs if it was asked for after ours, and never overwrite it with ours.
                if let Ok(theirs) = self.store.get(&self.key).await
                    && let Some(token) =
                        self.adopt(theirs.as_ref(), refused, self.newest().max(fresh.issued_ms))
                {
                    return Ok(token);
                }
            }
            Err(error) => {
                tracing::warn!(key = %self.key, error = %error, "could not store the renewed token; keeping it in this process");
            }
        }
        self.cache_fresh(&fresh);
        Ok(fresh.token)
    }

    /// Stores `token`, obtained elsewhere (by `api_query_auth`), unless another writer got
    /// there first, and caches it.
    pub(crate) async fn seed(&self, token: AccessToken, lifetime: Duration) {
        let fresh = Fresh { token, lifetime, handed_back: false, issued_ms: unix_ms() };
        let stored = fresh.stored();
        let written = match self.store.get(&self.key).await {
            Ok(current) => {
                self.store.set_if(&self.key, current.as_ref(), &stored.encode(), Some(lifetime)).await
            }
            Err(error) => Err(error),
        };
        if let Err(error) = written {
            tracing::warn!(key = %self.key, error = %error, "could not store the token; keeping it in this process");
        }
        self.cache_fresh(&fresh);
    }

    /// The issue time of the newest token this process has held.
    fn newest(&self) -> u64 {
        self.newest_ms.load(Ordering::Acquire)
    }

    /// Caches and returns the token `raw` holds if it is worth using: issued after `floor`
    /// (the newest token this process has held, so never one older than the token it holds
    /// or the one just refused), not due for renewal, and not the refused token (unless
    /// WeChat handed that one back even when forced).
    fn adopt(&self, raw: Option<&Secret>, refused: Option<&AccessToken>, floor: u64) -> Option<AccessToken> {
        let stored = Stored::decode(raw?)?;
        if stored.fetched_ms <= floor {
            return None;
        }
        if refused == Some(&stored.token) && !stored.handed_back {
            return None;
        }
        let now_ms = unix_ms();
        let renew_at_ms = stored.renew_at_ms(&self.settings);
        if now_ms >= renew_at_ms {
            return None;
        }
        let renew_at = instant_after(Instant::now(), Duration::from_millis(renew_at_ms - now_ms));
        self.newest_ms.fetch_max(stored.fetched_ms, Ordering::AcqRel);
        let cached = Cached { token: stored.token.clone(), renew_at, handed_back: stored.handed_back };
        self.copies.change(|| self.cache.store(Some(Arc::new(cached))));
        Some(stored.token)
    }

    fn cache_fresh(&self, fresh: &Fresh) {
        self.newest_ms.fetch_max(fresh.issued_ms, Ordering::AcqRel);
        let cached = Cached {
            token: fresh.token.clone(),
            renew_at: instant_after(Instant::now(), self.settings.renew_after(fresh.lifetime)),
            handed_back: fresh.handed_back,
        };
        self.copies.change(|| self.cache.store(Some(Arc::new(cached))));
    }

    /// Asks WeChat; when it hands back the refused token, asks again with `force_refresh`.
    async fn ask(
        &self,
        http: &HttpContext,
        source: &dyn Source,
        refused: Option<&AccessToken>,
    ) -> Result<Fresh, TokenError> {
        let mut issued_ms = unix_ms();
        let (mut token, mut lifetime) = source.request(http, false).await?;
        let mut handed_back = false;
        if refused == Some(&token) {
            if source.can_force() {
                tracing::debug!(key = %self.key, "WeChat returned the refused token; forcing a refresh");
                issued_ms = unix_ms();
                (token, lifetime) = source.request(http, true).await?;
            }
            handed_back = refused == Some(&token);
        }
        Ok(Fresh { token, lifetime, handed_back, issued_ms })
    }
}

/// The store's renewal lock, held by one call. Released by [`release`](Self::release) when the
/// renewal ends; if the call is dropped first (a caller's timeout, an aborted task), `Drop`
/// releases it on a task of the current Tokio runtime, so the fleet does not wait out the
/// lock's time to live for a renewal nobody is doing. Without a runtime (the call dropped
/// outside one) the lock expires on its own.
struct HeldLock {
    store: Arc<dyn TokenStore>,
    key: String,
    owner: String,
    armed: bool,
}

impl HeldLock {
    fn new(store: Arc<dyn TokenStore>, key: &str, owner: String) -> Self {
        Self { store, key: key.to_owned(), owner, armed: true }
    }

    /// Releases the lock now; a call dropped during the release still releases it on drop.
    async fn release(mut self) {
        let _ = self.store.unlock(&self.key, &self.owner).await;
        self.armed = false;
    }

    /// The lock was not taken: nothing to release.
    fn disarm(mut self) {
        self.armed = false;
    }
}

impl Drop for HeldLock {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::debug!(key = %self.key, "a renewal was dropped outside a Tokio runtime; its lock expires on its own");
            return;
        };
        tracing::debug!(key = %self.key, "a renewal was dropped holding the lock; releasing it");
        let store = Arc::clone(&self.store);
        let (key, owner) = (std::mem::take(&mut self.key), std::mem::take(&mut self.owner));
        runtime.spawn(async move {
            let _ = store.unlock(&key, &owner).await;
        });
    }
}

/// Why a renewal through the store ended without a token.
enum RenewFailure {
    /// The store failed: renew without it.
    Store(StoreError),
    /// The renewal failed: the call fails with this.
    Token(TokenError),
}

impl From<StoreError> for RenewFailure {
    fn from(error: StoreError) -> Self {
        Self::Store(error)
    }
}

/// A random lock owner: 128 bits, so no two instances share one.
fn owner() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

fn unix_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, millis)
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::store::MemoryStore;

    /// A WeChat that answers `token`, after `gate` opens when there is one.
    struct Scripted {
        token: &'static str,
        entered: tokio::sync::Notify,
        gate: Option<tokio::sync::Semaphore>,
    }

    impl Source for Scripted {
        fn request<'a>(
            &'a self,
            _: &'a HttpContext,
            _: bool,
        ) -> BoxFuture<'a, Result<(AccessToken, Duration), TokenError>> {
            Box::pin(async move {
                self.entered.notify_one();
                if let Some(gate) = &self.gate {
                    let _ = gate.acquire().await.unwrap();
                }
                Ok((AccessToken::new(self.token), Duration::from_secs(7200)))
            })
        }

        fn can_force(&self) -> bool {
            false
        }
    }

    fn scripted(token: &'static str, gated: bool) -> Scripted {
        Scripted {
            token,
            entered: tokio::sync::Notify::new(),
            gate: gated.then(|| tokio::sync::Semaphore::new(0)),
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_renewal_that_outlived_its_lock_keeps_the_fresher_token() {
        let store: Arc<dyn TokenStore> = Arc::new(MemoryStore::new());
        let settings = Settings { lock_ttl: Duration::from_millis(50), ..Settings::DEFAULT };
        let slow = Arc::new(Renewal::new("wechat:{wx}:stable_token".into(), Arc::clone(&store), settings));
        let quick = Renewal::new("wechat:{wx}:stable_token".into(), Arc::clone(&store), settings);
        // The scripted sources send nothing: a loopback base URL lets this run without TLS.
        let client = crate::Client::builder().base_url("http://127.0.0.1:9").build().unwrap();
        let http = client.http_context().clone();
        let late = Arc::new(scripted("OLD-TOKEN-FROM-A-SLOW-FETCH", true));

        let renewing = {
            let (slow, late, http) = (Arc::clone(&slow), Arc::clone(&late), http.clone());
            tokio::spawn(async move { slow.fetch(&http, late.as_ref()).await })
        };
        late.entered.notified().await;
        tokio::time::sleep(Duration::from_millis(100)).await; // the slow holder's lock expired
        let fresh = quick.fetch(&http, &scripted("FRESH-TOKEN", false)).await.unwrap();
        assert_eq!(fresh.expose(), "FRESH-TOKEN");
        late.gate.as_ref().unwrap().add_permits(1);

        let adopted = renewing.await.unwrap().unwrap();
        assert_eq!(adopted.expose(), "FRESH-TOKEN", "the slow renewal takes the fresher token");
        let stored = Stored::decode(&store.get("wechat:{wx}:stable_token").await.unwrap().unwrap()).unwrap();
        assert_eq!(stored.token.expose(), "FRESH-TOKEN", "and never writes its own over it");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_renewal_dropped_holding_the_lock_releases_it() {
        let store: Arc<dyn TokenStore> = Arc::new(MemoryStore::new());
        // A lock and a wait longer than the test may take: only a release frees the lock in time.
        let settings = Settings {
            lock_ttl: Duration::from_secs(3600),
            wait: Duration::from_secs(3600),
            ..Settings::DEFAULT
        };
        let key = "wechat:{wx}:stable_token";
        let lock = lock_key(key);
        let dropped = Arc::new(Renewal::new(key.into(), Arc::clone(&store), settings));
        let client = crate::Client::builder().base_url("http://127.0.0.1:9").build().unwrap();
        let http = client.http_context().clone();
        let hanging = Arc::new(scripted("NEVER-ANSWERED", true));

        let renewing = {
            let (dropped, hanging, http) = (Arc::clone(&dropped), Arc::clone(&hanging), http.clone());
            tokio::spawn(async move { dropped.fetch(&http, hanging.as_ref()).await })
        };
        hanging.entered.notified().await; // it holds the lock and asks WeChat
        assert!(!store.try_lock(&lock, "probe", Duration::from_secs(1)).await.unwrap(), "the lock is held");
        renewing.abort();
        assert!(renewing.await.unwrap_err().is_cancelled());
        // The release runs on a task of its own; bounded (a hang guard, not a speed check).
        let mut released = false;
        for _ in 0..500 {
            if store.try_lock(&lock, "probe", Duration::from_secs(1)).await.unwrap() {
                released = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(released, "the dropped renewal's lock is released, not left for its hour-long TTL");
        assert!(store.unlock(&lock, "probe").await.unwrap());

        // The next caller renews at once: with the lock still held it would wait for an hour.
        let next = Renewal::new(key.into(), Arc::clone(&store), settings);
        let guard = Duration::from_secs(30);
        let token = tokio::time::timeout(guard, next.fetch(&http, &scripted("FRESH-TOKEN", false)))
            .await
            .expect("no wait for the dropped holder's lock")
            .unwrap();
        assert_eq!(token.expose(), "FRESH-TOKEN");
    }

    /// A store that fails every command, as Redis does while it is down.
    #[derive(Debug)]
    struct Down;

    impl TokenStore for Down {
        fn get<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<Option<Secret>, StoreError>> {
            Box::pin(async { Err(StoreError::Unreachable("down".into())) })
        }
        fn set_if<'a>(
            &'a self,
            _: &'a str,
            _: Option<&'a Secret>,
            _: &'a Secret,
            _: Option<Duration>,
        ) -> BoxFuture<'a, Result<bool, StoreError>> {
            Box::pin(async { Err(StoreError::Unreachable("down".into())) })
        }
        fn try_lock<'a>(
            &'a self,
            _: &'a str,
            _: &'a str,
            _: Duration,
        ) -> BoxFuture<'a, Result<bool, StoreError>> {
            Box::pin(async { Err(StoreError::Unreachable("down".into())) })
        }
        fn unlock<'a>(&'a self, _: &'a str, _: &'a str) -> BoxFuture<'a, Result<bool, StoreError>> {
            Box::pin(async { Err(StoreError::Unreachable("down".into())) })
        }
        fn wait_for_change<'a>(
            &'a self,
            _: &'a str,
            _: Option<&'a Secret>,
            _: Duration,
        ) -> BoxFuture<'a, Result<Option<Secret>, StoreError>> {
            Box::pin(async { Err(StoreError::Unreachable("down".into())) })
        }
    }

    #[tokio::test]
    async fn the_token_a_store_kept_through_an_outage_is_never_adopted_again() {
        let key = "wechat:{wx}:stable_token";
        let store: Arc<dyn TokenStore> = Arc::new(MemoryStore::new());
        let client = crate::Client::builder().base_url("http://127.0.0.1:9").build().unwrap();
        let http = client.http_context().clone();
        // Before the outage: the fleet's token is in the store.
        let before = Renewal::new(key.into(), Arc::clone(&store), Settings::DEFAULT);
        assert_eq!(before.fetch(&http, &scripted("BEFORE", false)).await.unwrap().expose(), "BEFORE");
        tokio::time::sleep(Duration::from_millis(5)).await;

        // During it, this instance renews on its own.
        let mut instance = Renewal::new(key.into(), Arc::new(Down), Settings::DEFAULT);
        let during = instance.fetch(&http, &scripted("DURING", false)).await.unwrap();
        assert_eq!(during.expose(), "DURING");

        // The store is back with BEFORE, fresh by its own times; WeChat refuses DURING.
        instance.set_store(Arc::clone(&store));
        assert!(instance.invalidate(&during));
        let after = instance.fetch(&http, &scripted("AFTER", false)).await.unwrap();
        assert_eq!(after.expose(), "AFTER", "BEFORE is older than DURING: not adopted");
        let stored = Stored::decode(&store.get(key).await.unwrap().unwrap()).unwrap();
        assert_eq!(stored.token.expose(), "AFTER", "the renewal overwrote what the store kept");
    }

    /// Each thread reads its own copy of the token: a token dropped by `invalidate` or
    /// replaced by a renewal is never handed out again, on the thread that changed it or any other.
    #[test]
    fn a_dropped_or_replaced_token_is_never_read_again_on_another_thread() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let store: Arc<dyn TokenStore> = Arc::new(MemoryStore::new());
        let renewal = Arc::new(Renewal::new("wechat:{wx}:stable_token".into(), store, Settings::DEFAULT));
        let client = crate::Client::builder().base_url("http://127.0.0.1:9").build().unwrap();
        let http = client.http_context().clone();
        let first = runtime.block_on(renewal.fetch(&http, &scripted("FIRST", false))).unwrap();
        let step = Arc::new(std::sync::Barrier::new(2));
        let reader = {
            let (renewal, step) = (Arc::clone(&renewal), Arc::clone(&step));
            std::thread::spawn(move || {
                let read = || renewal.cached().map(|token| token.expose().to_owned());
                // Twice: the second read is from this thread's copy.
                assert_eq!(read().as_deref(), Some("FIRST"));
                assert_eq!(read().as_deref(), Some("FIRST"));
                step.wait(); // the main thread drops FIRST
                step.wait();
                assert_eq!(read(), None, "the refused token is not handed out");
                step.wait(); // and renews it
                step.wait();
                assert_eq!(read().as_deref(), Some("SECOND"));
                assert_eq!(read().as_deref(), Some("SECOND"));
                step.wait(); // and a token seeded from elsewhere replaces it
                step.wait();
                assert_eq!(read().as_deref(), Some("THIRD"));
            })
        };
        assert_eq!(renewal.cached().unwrap().expose(), "FIRST");
        step.wait();
        assert!(renewal.invalidate(&first));
        assert!(renewal.cached().is_none());
        step.wait();
        step.wait();
        let second = runtime.block_on(renewal.fetch(&http, &scripted("SECOND", false))).unwrap();
        assert_eq!(second.expose(), "SECOND");
        step.wait();
        step.wait();
        runtime.block_on(renewal.seed(AccessToken::new("THIRD"), Duration::from_secs(7200)));
        assert_eq!(renewal.cached().unwrap().expose(), "THIRD");
        step.wait();
        reader.join().unwrap();
    }

    #[test]
    fn renewals_of_refused_unproven_tokens_are_spaced() {
        let start = Instant::now();
        let at = |s: u64| start + Duration::from_secs(s);
        let mut refusals = Refusals::default();
        assert!(refusals.allow(at(0), true), "a token that served calls is renewed at once");
        assert!(refusals.allow(at(0), false), "and the renewed one, refused on arrival, once more");
        assert!(!refusals.allow(at(0), false), "then a pause of 1 s");
        assert!(refusals.allow(at(1), false));
        assert!(!refusals.allow(at(2), false), "then 2 s");
        assert!(refusals.allow(at(3), false));
        assert_eq!(refusal_backoff(3), Duration::from_secs(2));
        assert_eq!(refusal_backoff(8), Duration::from_secs(60), "at most a minute");
        assert_eq!(refusal_backoff(u32::MAX), REFUSAL_BACKOFF_MAX);
        assert!(refusals.allow(at(3), true), "a successful call ends the pause");
    }

    #[test]
    fn stored_tokens_round_trip_and_garbage_is_ignored() {
        let stored = Stored {
            token: AccessToken::new("a:b"),
            fetched_ms: 1,
            expires_ms: 7_200_001,
            handed_back: true,
        };
        let decoded = Stored::decode(&stored.encode()).unwrap();
        assert_eq!(
            (decoded.token.expose(), decoded.expires_ms, decoded.handed_back),
            ("a:b", 7_200_001, true)
        );
        for garbage in ["", "v2:1:2:-:t", "v1:x:2:-:t", "v1:1:2:-:"] {
            assert!(Stored::decode(&Secret::new(garbage)).is_none(), "{garbage}");
        }
        assert_eq!(decoded.renew_at_ms(&Settings::DEFAULT), 1 + 6_900_000);
    }
}
