//! The in-memory store: what every provider uses unless given another. It shares tokens
//! between the providers of one process that are handed the same store, and no further.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::{StoreError, TokenStore};
use crate::future::BoxFuture;
use crate::secret::Secret;

/// Tokens and locks in this process's memory.
#[derive(Default)]
pub struct MemoryStore {
    state: Mutex<State>,
    changed: tokio::sync::Notify,
}

#[derive(Default)]
struct State {
    values: HashMap<String, (Secret, Option<Instant>)>,
    locks: HashMap<String, (String, Instant)>,
}

impl State {
    /// The value under `key`, dropping it if it expired (one key per look-up, so a store of
    /// thousands of authorizers costs no sweep).
    fn value(&mut self, key: &str) -> Option<Secret> {
        let now = Instant::now();
        if self.values.get(key).is_some_and(|(_, until)| until.is_some_and(|until| now >= until)) {
            self.values.remove(key);
        }
        self.values.get(key).map(|(value, _)| value.clone())
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keys only: they name appids, never a secret; values are secrets.
        let state = self.lock();
        f.debug_struct("MemoryStore")
            .field("keys", &state.values.keys().collect::<Vec<_>>())
            .field("locks", &state.locks.len())
            .finish()
    }
}

impl TokenStore for MemoryStore {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Secret>, StoreError>> {
        let value = self.lock().value(key);
        Box::pin(std::future::ready(Ok(value)))
    }

    fn set_if<'a>(
        &'a self,
        key: &'a str,
        expected: Option<&'a Secret>,
        value: &'a Secret,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        let stored = {
            let mut state = self.lock();
            let stored = state.value(key).as_ref() == expected;
            if stored {
                let until = ttl.and_then(|ttl| Instant::now().checked_add(ttl));
                state.values.insert(key.to_owned(), (value.clone(), until));
            }
            stored
        };
        if stored {
            self.changed.notify_waiters();
        }
        Box::pin(std::future::ready(Ok(stored)))
    }

    fn try_lock<'a>(
        &'a self,
        key: &'a str,
        owner: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        let now = Instant::now();
        let mut state = self.lock();
        let free = state.locks.get(key).is_none_or(|(_, until)| now >= *until);
        if free {
            let until = now.checked_add(ttl).unwrap_or(now);
            state.locks.insert(key.to_owned(), (owner.to_owned(), until));
        }
        Box::pin(std::future::ready(Ok(free)))
    }

    fn unlock<'a>(&'a self, key: &'a str, owner: &'a str) -> BoxFuture<'a, Result<bool, StoreError>> {
        let released = {
            let mut state = self.lock();
            let held = state.locks.get(key).is_some_and(|(holder, _)| holder == owner);
            if held {
                state.locks.remove(key);
            }
            held
        };
        if released {
            self.changed.notify_waiters();
        }
        Box::pin(std::future::ready(Ok(released)))
    }

    fn wait_for_change<'a>(
        &'a self,
        key: &'a str,
        seen: Option<&'a Secret>,
        max_wait: Duration,
    ) -> BoxFuture<'a, Result<Option<Secret>, StoreError>> {
        Box::pin(async move {
            let deadline = Instant::now().checked_add(max_wait).unwrap_or_else(Instant::now);
            loop {
                // Registered before the check, so a change between the two is not missed.
                let notified = self.changed.notified();
                let current = self.lock().value(key);
                let remaining = deadline.saturating_duration_since(Instant::now());
                if current.as_ref() != seen || remaining.is_zero() {
                    return Ok(current);
                }
                let _ = tokio::time::timeout(remaining, notified).await;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::Arc;

    use super::*;

    #[tokio::test]
    async fn set_if_refuses_to_overwrite_what_it_did_not_expect() {
        let store = MemoryStore::new();
        let (old, fresh, stale) = (Secret::new("old"), Secret::new("fresh"), Secret::new("stale"));
        assert!(store.set_if("k", None, &old, None).await.unwrap());
        assert!(!store.set_if("k", None, &stale, None).await.unwrap());
        assert!(store.set_if("k", Some(&old), &fresh, None).await.unwrap());
        // A writer that read `old` before `fresh` was stored must not put its token over it.
        assert!(!store.set_if("k", Some(&old), &stale, None).await.unwrap());
        assert_eq!(store.get("k").await.unwrap(), Some(fresh));
    }

    #[tokio::test]
    async fn values_and_locks_expire() {
        let store = MemoryStore::new();
        store.set_if("k", None, &Secret::new("v"), Some(Duration::from_millis(30))).await.unwrap();
        assert!(store.try_lock("lock", "a", Duration::from_millis(30)).await.unwrap());
        assert!(!store.try_lock("lock", "b", Duration::from_secs(5)).await.unwrap());
        assert!(!store.unlock("lock", "b").await.unwrap(), "only the owner releases");
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(store.get("k").await.unwrap(), None);
        assert!(
            store.try_lock("lock", "b", Duration::from_secs(5)).await.unwrap(),
            "a dead holder's lock expired"
        );
        assert!(!store.unlock("lock", "a").await.unwrap(), "the expired holder cannot release b's lock");
        assert!(store.unlock("lock", "b").await.unwrap());
    }

    #[tokio::test]
    async fn a_waiter_sees_the_change_or_gives_up_in_time() {
        let store = Arc::new(MemoryStore::new());
        let started = Instant::now();
        assert_eq!(store.wait_for_change("k", None, Duration::from_millis(50)).await.unwrap(), None);
        assert!(started.elapsed() >= Duration::from_millis(50));
        let writer = Arc::clone(&store);
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            writer.set_if("k", None, &Secret::new("new"), None).await.unwrap();
        });
        let seen = store.wait_for_change("k", None, Duration::from_secs(10)).await.unwrap();
        assert_eq!(seen, Some(Secret::new("new")));
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
