//! Where tokens live between fetches, shared by every client and process that uses the same
//! store: the in-memory [`MemoryStore`] (one process, the default) or, with the `redis`
//! feature, `RedisStore` (a fleet).
//!
//! A store holds opaque values under keys the providers build
//! (`wechat:{APPID}:stable_token` and the like, see the README's key layout); it never sees
//! an appsecret in a key, and neither it nor the providers log a value. On top of get and
//! compare-and-set it offers a lock with an owner and a time to live, so one instance of a
//! fleet renews a token while the others wait for the new value, and a holder that dies
//! blocks no one past the lock's expiry.
//!
//! The same stores keep the ledger of a push receiver's dedup guard ([`DedupStore`]): the
//! bounded [`MemoryDedup`] for one process and, with the `redis` feature, `RedisStore` for a
//! fleet, under keys `wechat:{APPID}:push:<digest>`.

use std::fmt;
use std::time::Duration;

use crate::future::BoxFuture;
use crate::secret::Secret;

mod dedup;
pub(crate) mod local;
mod memory;
#[cfg(feature = "redis")]
mod redis;
pub(crate) mod renewal;

// Defined with the crate's other errors, which hold it (`TokenError::Store`); a store's
// error, so it is found here too.
pub use crate::error::StoreError;
pub use dedup::{Claim, DedupStore, MemoryDedup};
pub use memory::MemoryStore;
#[cfg(feature = "redis")]
pub use redis::RedisStore;

/// A store of tokens shared by the providers (and processes) that use it.
///
/// Values are secrets: an implementation never logs them nor puts them in an error. Every
/// operation is bounded in time; one that cannot reach the store fails with
/// [`StoreError::Unreachable`] rather than waiting.
pub trait TokenStore: Send + Sync + fmt::Debug + 'static {
    /// The value under `key`, if any.
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Secret>, StoreError>>;

    /// Stores `value` under `key`, only if the key still holds `expected` (`None`: only if it
    /// holds nothing), for `ttl` when given. Returns whether it stored: `false` means another
    /// writer got there first, and its value must not be overwritten by an older one.
    fn set_if<'a>(
        &'a self,
        key: &'a str,
        expected: Option<&'a Secret>,
        value: &'a Secret,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// Takes the lock `key` for `owner` (a random value) for `ttl`, if no one holds it.
    /// Returns whether it was taken.
    fn try_lock<'a>(
        &'a self,
        key: &'a str,
        owner: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// Releases the lock `key` if `owner` still holds it (compare-and-delete: a lock that
    /// expired and was taken by another is left alone). Returns whether it was released.
    fn unlock<'a>(&'a self, key: &'a str, owner: &'a str) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// Waits at most `max_wait` for `key` to hold something other than `seen`, and returns
    /// what it holds then (possibly still `seen`).
    fn wait_for_change<'a>(
        &'a self,
        key: &'a str,
        seen: Option<&'a Secret>,
        max_wait: Duration,
    ) -> BoxFuture<'a, Result<Option<Secret>, StoreError>>;
}

/// The key of `what` for `appid`: `wechat:{APPID}:WHAT`. The braces are a Redis Cluster hash
/// tag, so an account's keys (a token and its lock) live on one node.
pub(crate) fn key(appid: &str, what: &str) -> String {
    format!("wechat:{{{appid}}}:{what}")
}

/// The lock that guards the renewal of the token under `token_key`.
pub(crate) fn lock_key(token_key: &str) -> String {
    format!("{token_key}:lock")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_namespaced_per_appid() {
        assert_eq!(key("wx123", "stable_token"), "wechat:{wx123}:stable_token");
        assert_eq!(lock_key(&key("wx123", "stable_token")), "wechat:{wx123}:stable_token:lock");
    }
}
