//! The Redis store (cargo feature `redis`): one token per account for a whole fleet.
//!
//! Built on the `redis` crate (tokio, its connection manager, Lua scripts; no default
//! features): it is the reference Rust client, small with only these features, and has the
//! lazy reconnecting connection this store needs. `fred` does more (cluster routing, pools,
//! client tracking) than a handful of keys per account call for, at several times the build.
//!
//! Locks are `SET key owner NX PX ttl` and released by a Lua compare-and-delete, so a holder
//! whose lock expired cannot release its successor's; compare-and-set is a Lua script too.
//! Every command is bounded by the store's timeout: an unreachable Redis answers
//! [`StoreError::Unreachable`] in that time, and the providers fall back (see the README).
//!
//! It is also a push receiver's dedup ledger ([`DedupStore`]): a claim is
//! `SET key owner NX PX lease` (in a script that also reads what it found), a completion
//! `SET key handled PX retention`, a release the same compare-and-delete as a lock's.

use std::fmt;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::dedup::{Claim, DedupStore};
use super::{StoreError, TokenStore};
use crate::future::BoxFuture;
use crate::secret::Secret;

/// Stores `ARGV[3]` (for `ARGV[4]` ms unless 0) if `KEYS[1]` holds `ARGV[2]` (`ARGV[1]` = 1)
/// or nothing (`ARGV[1]` = 0).
const SET_IF: &str = r"
local current = redis.call('GET', KEYS[1])
local expected
if ARGV[1] == '1' then expected = ARGV[2] else expected = false end
if current ~= expected then return 0 end
if ARGV[4] == '0' then
  redis.call('SET', KEYS[1], ARGV[3])
else
  redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
end
return 1
";

/// Deletes the lock `KEYS[1]` if `ARGV[1]` owns it.
const UNLOCK: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
";

/// Takes `KEYS[1]` for the owner `ARGV[1]` for `ARGV[2]` ms if it is absent (1); otherwise
/// says whether it was handled (2) or is in flight (3).
const CLAIM: &str = r"
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == 'handled' then return 2 end
return 3
";

/// The value of a handled push's key (an owner is 32 hex digits, never this).
const HANDLED: &str = "handled";

/// How often a waiter reads the key while another instance renews.
const POLL: Duration = Duration::from_millis(25);

/// Tokens and locks in Redis, shared by every process that opens the same server.
pub struct RedisStore {
    client: redis::Client,
    /// `host:port/db`, for `Debug` (never the password).
    address: String,
    /// The password, masked out of anything an error quotes.
    password: Option<String>,
    timeout: Duration,
    connection: tokio::sync::OnceCell<ConnectionManager>,
    set_if: redis::Script,
    unlock: redis::Script,
    claim: redis::Script,
}

impl RedisStore {
    /// The default bound on one command, connecting included: 1 s.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1);

    /// A store on the server at `url` (`redis://[:password@]host:port[/db]`, or `rediss://`
    /// with a TLS build of `redis`). Nothing is connected until the first command, so this
    /// succeeds with Redis down; only a malformed URL is refused.
    pub fn open(url: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url)
            .map_err(|e| StoreError::Protocol(format!("invalid Redis URL ({:?})", e.kind())))?;
        let info = client.get_connection_info();
        let password = info.redis_settings().password().map(str::to_owned);
        let address = format!("{}/{}", info.addr(), info.redis_settings().db());
        Ok(Self {
            client,
            address,
            password,
            timeout: Self::DEFAULT_TIMEOUT,
            connection: tokio::sync::OnceCell::new(),
            set_if: redis::Script::new(SET_IF),
            unlock: redis::Script::new(UNLOCK),
            claim: redis::Script::new(CLAIM),
        })
    }

    /// Bounds each command, connecting included (default [`DEFAULT_TIMEOUT`](Self::DEFAULT_TIMEOUT)).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    async fn connection(&self) -> Result<ConnectionManager, StoreError> {
        self.connection
            .get_or_try_init(|| async {
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(self.timeout))
                    .set_response_timeout(Some(self.timeout))
                    // Reconnect once per command: a provider falls back rather than wait.
                    .set_number_of_retries(1);
                ConnectionManager::new_lazy_with_config(self.client.clone(), config)
                    .map_err(|e| self.unreachable(&e))
            })
            .await
            .cloned()
    }

    fn unreachable(&self, error: &redis::RedisError) -> StoreError {
        let mut message = error.to_string();
        if let Some(password) = self.password.as_deref().filter(|p| !p.is_empty()) {
            message = message.replace(password, "***");
        }
        StoreError::Unreachable(message)
    }

    /// Runs `command` on the connection within the timeout. A command that finds the
    /// connection dropped (Redis restarted, a proxy reset it) is sent once more on the
    /// connection the manager makes anew, within the same bound: without that, every
    /// process would fall back to WeChat on the first command after a restart. Sending
    /// twice is safe for what this store sends: a GET reads; a second `SET NX` or
    /// compare-and-set finds the first one's value and reports it was not the writer, which
    /// the renewal treats as another instance's write; a second unlock finds nothing to do.
    async fn run<T: redis::FromRedisValue>(&self, command: impl AsyncCommand<T>) -> Result<T, StoreError> {
        let attempt = async {
            let mut connection = self.connection().await?;
            match command.run(&mut connection).await {
                Err(error) if error.is_connection_dropped() => {
                    tracing::debug!(address = %self.address, "the Redis connection was dropped; sending the command again");
                    command.run(&mut connection).await.map_err(|e| self.unreachable(&e))
                }
                result => result.map_err(|e| self.unreachable(&e)),
            }
        };
        match tokio::time::timeout(self.timeout, attempt).await {
            Ok(result) => result,
            Err(_) => Err(StoreError::Unreachable(format!("no answer within {:?}", self.timeout))),
        }
    }
}

/// A command to run on a connection, so [`RedisStore::run`] can bound any of them.
trait AsyncCommand<T> {
    fn run(&self, connection: &mut ConnectionManager) -> impl Future<Output = redis::RedisResult<T>> + Send;
}

impl<T: redis::FromRedisValue + Send> AsyncCommand<T> for redis::Cmd {
    async fn run(&self, connection: &mut ConnectionManager) -> redis::RedisResult<T> {
        self.query_async(connection).await
    }
}

impl<T: redis::FromRedisValue + Send> AsyncCommand<T> for redis::ScriptInvocation<'_> {
    async fn run(&self, connection: &mut ConnectionManager) -> redis::RedisResult<T> {
        self.invoke_async(connection).await
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX).max(1)
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore").field("address", &self.address).field("timeout", &self.timeout).finish()
    }
}

impl TokenStore for RedisStore {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Secret>, StoreError>> {
        Box::pin(async move {
            let mut get = redis::cmd("GET");
            get.arg(key);
            let value: Option<String> = self.run(get).await?;
            Ok(value.map(Secret::new))
        })
    }

    fn set_if<'a>(
        &'a self,
        key: &'a str,
        expected: Option<&'a Secret>,
        value: &'a Secret,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let mut invocation = self.set_if.key(key);
            invocation
                .arg(if expected.is_some() { "1" } else { "0" })
                .arg(expected.map_or("", Secret::expose))
                .arg(value.expose())
                .arg(ttl.map_or(0, millis));
            let stored: i64 = self.run(invocation).await?;
            Ok(stored == 1)
        })
    }

    fn try_lock<'a>(
        &'a self,
        key: &'a str,
        owner: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let mut set = redis::cmd("SET");
            set.arg(key).arg(owner).arg("NX").arg("PX").arg(millis(ttl));
            let taken: Option<String> = self.run(set).await?;
            Ok(taken.is_some())
        })
    }

    fn unlock<'a>(&'a self, key: &'a str, owner: &'a str) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let mut invocation = self.unlock.key(key);
            invocation.arg(owner);
            let released: i64 = self.run(invocation).await?;
            Ok(released == 1)
        })
    }

    fn wait_for_change<'a>(
        &'a self,
        key: &'a str,
        seen: Option<&'a Secret>,
        max_wait: Duration,
    ) -> BoxFuture<'a, Result<Option<Secret>, StoreError>> {
        Box::pin(async move {
            let started = tokio::time::Instant::now();
            loop {
                let current = self.get(key).await?;
                let remaining = max_wait.saturating_sub(started.elapsed());
                if current.as_ref() != seen || remaining.is_zero() {
                    return Ok(current);
                }
                tokio::time::sleep(POLL.min(remaining)).await;
            }
        })
    }
}

impl DedupStore for RedisStore {
    fn claim<'a>(
        &'a self,
        key: &'a str,
        owner: &'a str,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Claim, StoreError>> {
        Box::pin(async move {
            let mut invocation = self.claim.key(key);
            invocation.arg(owner).arg(millis(lease));
            match self.run::<i64>(invocation).await? {
                1 => Ok(Claim::Claimed),
                2 => Ok(Claim::Handled),
                3 => Ok(Claim::InFlight),
                other => Err(StoreError::Protocol(format!("the claim script answered {other}"))),
            }
        })
    }

    fn complete<'a>(&'a self, key: &'a str, retention: Duration) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut set = redis::cmd("SET");
            set.arg(key).arg(HANDLED).arg("PX").arg(millis(retention));
            let _: Option<String> = self.run(set).await?;
            Ok(())
        })
    }

    fn release<'a>(&'a self, key: &'a str, owner: &'a str) -> BoxFuture<'a, Result<bool, StoreError>> {
        TokenStore::unlock(self, key, owner)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[tokio::test]
    async fn the_password_is_in_neither_debug_nor_errors_and_a_dead_server_fails_fast() {
        // Port 1 of the loopback: nothing listens there, the connection is refused at once.
        let store = RedisStore::open("redis://:hunter2-password@127.0.0.1:1/3")
            .unwrap()
            .timeout(Duration::from_millis(500));
        let printed = format!("{store:?}");
        assert!(printed.contains("127.0.0.1:1/3") && !printed.contains("hunter2"), "{printed}");
        let started = std::time::Instant::now();
        let error = store.get("wechat:{wx}:stable_token").await.unwrap_err();
        assert!(matches!(error, StoreError::Unreachable(_)), "{error:?}");
        assert!(!format!("{error} {error:?}").contains("hunter2"), "{error:?}");
        assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
        assert!(matches!(RedisStore::open("not a url"), Err(StoreError::Protocol(_))));
    }
}
