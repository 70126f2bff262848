//! Which pushes were handled: the ledger behind a push receiver's dedup guard
//! (`push::Dedup`, feature `push`), in this process's memory ([`MemoryDedup`]) or, with the
//! `redis` feature, in Redis (`RedisStore`) for a fleet.
//!
//! A key is in one of three states: absent; *in flight*, held by the owner handling it, for a
//! lease; *handled*, for a retention time. A claim takes an absent key for its owner and says
//! what it found; a handler that succeeded completes the key, one that failed releases it so
//! that WeChat's retry is handled again. Keys are built by the receiver from a digest of the
//! push: they hold no openid, no token and no secret, and values are an owner (random) or a
//! marker.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::StoreError;
use crate::future::BoxFuture;

/// What a claim found under its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Claim {
    /// Nothing: the key is now in flight for the claimant, until it completes or releases it,
    /// or its lease runs out.
    Claimed,
    /// Another claimant holds the key in flight.
    InFlight,
    /// The key was handled, and is remembered for its retention time.
    Handled,
}

/// A ledger of handled keys, shared by the receivers (and processes) that use the same one.
///
/// Every operation is bounded in time; one that cannot reach the ledger fails with
/// [`StoreError::Unreachable`] rather than waiting, and the receiver then handles the push
/// unguarded (fail-open, with a warning).
pub trait DedupStore: Send + Sync + fmt::Debug + 'static {
    /// Marks `key` in flight for `owner` (a random value) for `lease`, if it is absent, and
    /// says what it found: [`Claim::Claimed`] when it took it.
    fn claim<'a>(
        &'a self,
        key: &'a str,
        owner: &'a str,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Claim, StoreError>>;

    /// Marks `key` handled for `retention`, whoever held it in flight (the push was handled,
    /// even if this claimant's lease ran out meanwhile).
    fn complete<'a>(&'a self, key: &'a str, retention: Duration) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Forgets `key` if `owner` still holds it in flight (its handler failed): the next
    /// claim takes it. A key handled or claimed by another is left alone. Returns whether it
    /// was released.
    fn release<'a>(&'a self, key: &'a str, owner: &'a str) -> BoxFuture<'a, Result<bool, StoreError>>;
}

impl<T: DedupStore + ?Sized> DedupStore for Arc<T> {
    fn claim<'a>(
        &'a self,
        key: &'a str,
        owner: &'a str,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Claim, StoreError>> {
        (**self).claim(key, owner, lease)
    }

    fn complete<'a>(&'a self, key: &'a str, retention: Duration) -> BoxFuture<'a, Result<(), StoreError>> {
        (**self).complete(key, retention)
    }

    fn release<'a>(&'a self, key: &'a str, owner: &'a str) -> BoxFuture<'a, Result<bool, StoreError>> {
        (**self).release(key, owner)
    }
}

/// The ledger in this process's memory: what a receiver's guard uses unless given another.
/// It is shared by the receivers handed the same one (through an `Arc`), and no further.
///
/// Bounded: it holds at most its capacity of keys ([`DEFAULT_CAPACITY`](Self::DEFAULT_CAPACITY)
/// unless set otherwise). Expired keys are dropped as new ones come in; when it is full of
/// live keys, the one that would expire first is dropped to make room, so past that rate
/// (capacity over the retention time: 100 000 keys over 600 s is about 166 pushes a second) a
/// replay of the oldest pushes is no longer recognised.
pub struct MemoryDedup {
    capacity: usize,
    ledger: Mutex<Ledger>,
}

#[derive(Default)]
struct Ledger {
    entries: HashMap<String, Entry>,
    /// Every entry by expiry (ties broken by insertion), to drop the expired ones first.
    expiry: BTreeMap<(Instant, u64), String>,
    next: u64,
}

struct Entry {
    /// `Some(owner)` while in flight, `None` once handled.
    owner: Option<String>,
    /// Its key in `expiry`.
    slot: (Instant, u64),
}

impl Ledger {
    /// Drops every entry expired at `now`.
    fn purge(&mut self, now: Instant) {
        while let Some(entry) = self.expiry.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let key = entry.remove();
            self.entries.remove(&key);
        }
    }

    /// Sets `key` to `owner` until `until`, dropping the entry that expires first when a new
    /// key would go over `capacity`.
    fn insert(&mut self, key: &str, owner: Option<String>, until: Instant, capacity: usize) {
        if let Some(old) = self.entries.remove(key) {
            self.expiry.remove(&old.slot);
        } else if self.entries.len() >= capacity
            && let Some((_, evicted)) = self.expiry.pop_first()
        {
            self.entries.remove(&evicted);
        }
        let slot = (until, self.next);
        self.next = self.next.wrapping_add(1);
        self.expiry.insert(slot, key.to_owned());
        self.entries.insert(key.to_owned(), Entry { owner, slot });
    }
}

impl MemoryDedup {
    /// How many keys it holds unless set otherwise: some 15 MB at most.
    pub const DEFAULT_CAPACITY: usize = 100_000;

    /// An empty ledger of [`DEFAULT_CAPACITY`](Self::DEFAULT_CAPACITY) keys.
    pub fn new() -> Self {
        Self::with_capacity(Self::DEFAULT_CAPACITY)
    }

    /// An empty ledger of at most `capacity` keys (at least 1).
    pub fn with_capacity(capacity: usize) -> Self {
        Self { capacity: capacity.max(1), ledger: Mutex::default() }
    }

    /// How many keys it holds now, expired ones not yet dropped included.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether it holds no key.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, Ledger> {
        self.ledger.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for MemoryDedup {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for MemoryDedup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryDedup").field("keys", &self.len()).field("capacity", &self.capacity).finish()
    }
}

/// `now + ttl`, or as far as `Instant` goes.
fn later(now: Instant, ttl: Duration) -> Instant {
    const CENTURY: Duration = Duration::from_secs(100 * 365 * 24 * 3600);
    now.checked_add(ttl).or_else(|| now.checked_add(CENTURY)).unwrap_or(now)
}

impl DedupStore for MemoryDedup {
    fn claim<'a>(
        &'a self,
        key: &'a str,
        owner: &'a str,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Claim, StoreError>> {
        let now = Instant::now();
        let mut ledger = self.lock();
        ledger.purge(now);
        let found = match ledger.entries.get(key) {
            Some(Entry { owner: Some(_), .. }) => Claim::InFlight,
            Some(Entry { owner: None, .. }) => Claim::Handled,
            None => {
                ledger.insert(key, Some(owner.to_owned()), later(now, lease), self.capacity);
                Claim::Claimed
            }
        };
        Box::pin(std::future::ready(Ok(found)))
    }

    fn complete<'a>(&'a self, key: &'a str, retention: Duration) -> BoxFuture<'a, Result<(), StoreError>> {
        let now = Instant::now();
        let mut ledger = self.lock();
        ledger.purge(now);
        ledger.insert(key, None, later(now, retention), self.capacity);
        Box::pin(std::future::ready(Ok(())))
    }

    fn release<'a>(&'a self, key: &'a str, owner: &'a str) -> BoxFuture<'a, Result<bool, StoreError>> {
        let mut ledger = self.lock();
        let held = ledger.entries.get(key).is_some_and(|entry| entry.owner.as_deref() == Some(owner));
        if held && let Some(entry) = ledger.entries.remove(key) {
            ledger.expiry.remove(&entry.slot);
        }
        Box::pin(std::future::ready(Ok(held)))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    #[tokio::test]
    async fn a_key_is_claimed_once_then_in_flight_then_handled() {
        let ledger = MemoryDedup::new();
        assert_eq!(ledger.claim("k", "a", MINUTE).await.unwrap(), Claim::Claimed);
        assert_eq!(ledger.claim("k", "b", MINUTE).await.unwrap(), Claim::InFlight);
        assert!(!ledger.release("k", "b").await.unwrap(), "only the owner releases");
        ledger.complete("k", MINUTE).await.unwrap();
        assert_eq!(ledger.claim("k", "b", MINUTE).await.unwrap(), Claim::Handled);
        assert!(!ledger.release("k", "a").await.unwrap(), "a handled key is not released");
        assert_eq!(ledger.claim("k", "c", MINUTE).await.unwrap(), Claim::Handled);
    }

    #[tokio::test]
    async fn a_released_key_is_claimed_again() {
        let ledger = MemoryDedup::new();
        assert_eq!(ledger.claim("k", "a", MINUTE).await.unwrap(), Claim::Claimed);
        assert!(ledger.release("k", "a").await.unwrap());
        assert!(ledger.is_empty());
        assert_eq!(ledger.claim("k", "b", MINUTE).await.unwrap(), Claim::Claimed);
    }

    #[tokio::test]
    async fn leases_and_retention_expire() {
        let ledger = MemoryDedup::new();
        let short = Duration::from_millis(30);
        assert_eq!(ledger.claim("dead", "a", short).await.unwrap(), Claim::Claimed);
        assert_eq!(ledger.claim("done", "a", MINUTE).await.unwrap(), Claim::Claimed);
        ledger.complete("done", short).await.unwrap();
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(
            ledger.claim("dead", "b", MINUTE).await.unwrap(),
            Claim::Claimed,
            "a dead owner's lease ran out"
        );
        assert_eq!(ledger.claim("done", "b", MINUTE).await.unwrap(), Claim::Claimed, "retention ran out");
    }

    #[tokio::test]
    async fn it_stays_within_its_capacity_dropping_expired_keys_first() {
        let ledger = MemoryDedup::with_capacity(3);
        // Two keys that expire at once, one that lasts.
        for key in ["old1", "old2"] {
            ledger.claim(key, "a", MINUTE).await.unwrap();
            ledger.complete(key, Duration::from_millis(20)).await.unwrap();
        }
        ledger.claim("kept", "a", MINUTE).await.unwrap();
        ledger.complete("kept", MINUTE).await.unwrap();
        tokio::time::sleep(Duration::from_millis(40)).await;
        for key in ["new1", "new2"] {
            assert_eq!(ledger.claim(key, "a", MINUTE).await.unwrap(), Claim::Claimed);
        }
        assert_eq!(ledger.len(), 3, "the expired keys made room");
        assert_eq!(ledger.claim("kept", "b", MINUTE).await.unwrap(), Claim::Handled, "a live key stays");

        // Full of live keys: the one expiring first goes.
        ledger.complete("new1", Duration::from_secs(1)).await.unwrap();
        assert_eq!(ledger.claim("new3", "a", MINUTE).await.unwrap(), Claim::Claimed);
        assert_eq!(ledger.len(), 3);
        assert_eq!(ledger.claim("new1", "b", MINUTE).await.unwrap(), Claim::Claimed, "new1 was evicted");
        assert_eq!(ledger.len(), 3);
        for _ in 0..1000 {
            ledger.claim(&fastrand::u64(..).to_string(), "a", MINUTE).await.unwrap();
        }
        assert_eq!(ledger.len(), 3);
        assert_eq!(ledger.lock().expiry.len(), 3, "the index holds the same keys");
    }

    #[tokio::test]
    async fn an_arc_is_a_ledger_too() {
        let shared: Arc<MemoryDedup> = Arc::new(MemoryDedup::new());
        let other = Arc::clone(&shared);
        assert_eq!(shared.claim("k", "a", MINUTE).await.unwrap(), Claim::Claimed);
        assert_eq!(other.claim("k", "b", MINUTE).await.unwrap(), Claim::InFlight);
        assert_eq!(format!("{other:?}"), "MemoryDedup { keys: 1, capacity: 100000 }");
    }
}
