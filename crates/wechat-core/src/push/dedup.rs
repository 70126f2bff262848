//! The receiver's dedup guard: WeChat's retries and replays of a push reach the handler once.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use sha1::{Digest, Sha1};

use super::message::Message;
use super::signature;
use crate::store::{Claim, DedupStore, MemoryDedup};

/// How often a duplicate that waits for the delivery in flight looks again.
const POLL: Duration = Duration::from_millis(50);

/// A push receiver's replay and retry guard ([`Receiver::dedup`](super::Receiver::dedup)):
/// the entry points that call a handler ([`Receiver::handle`](super::Receiver::handle),
/// [`Receiver::handle_event`](super::Receiver::handle_event), the axum routes, and
/// `wechat_card::events::{handle, route}`) call it once per push, however many times the push
/// arrives.
///
/// WeChat delivers a push again when it gets no answer within 5 s (three retries), each retry
/// with a new `timestamp` and `nonce` (and, in safe mode, a new ciphertext), and a push
/// captured on the way can be sent again by anyone while its `timestamp` is inside the
/// receiver's window. The guard recognises both by the verified message itself: its key is a
/// SHA-1 of the receiver's appid and every element of the decrypted message, which holds the
/// key WeChat documents for retries (`MsgId`, else `FromUserName` + `CreateTime`, else
/// `AppId` + `CreateTime` + `InfoType`). Every element counts, not only those: two different
/// events of one user in the same second (several cards taken at once) share `FromUserName` +
/// `CreateTime`, and must not be taken for one. The key is
/// `wechat:{APPID}:push:<40 hex digits>` (`wechat:push:<…>` for a receiver without an
/// EncodingAESKey, whose account is then told apart by the message's `ToUserName`): no openid,
/// no token, no secret.
///
/// A push arrives, is verified, and then:
/// - new: it is marked *in flight* for [`lease`](Self::lease) and handed to the handler. When
///   the handler succeeds, the push is marked *handled* for twice the receiver's timestamp
///   window (600 s by default) and answered. When it fails (it returns
///   [`Reply::Retry`](super::Reply::Retry) or an `Err`, panics, or the request is dropped),
///   the mark is removed and the answer is an error (500), so WeChat's next delivery is
///   handled again.
/// - handled: answered `success` at once, the handler not called.
/// - in flight (a retry arriving while the first delivery is still being handled): it waits
///   at most [`wait`](Self::wait) (4 s by default, under the 5 s WeChat waits) for that
///   delivery to end. Handled: answered `success`. Failed: this delivery takes the push and
///   calls the handler. Still running: answered 503 ([`PushError::InFlight`](super::PushError::InFlight)),
///   not `success` nor an empty body, which would both tell WeChat to stop retrying while
///   the first delivery may still fail.
///
/// What it protects against: WeChat's retries of a push the application handled, and a
/// replay of a captured push. A replay outside the timestamp window is refused by the window;
/// one inside is recognised, since a key is kept twice as long as the window (whatever the
/// clock skew the window allows). What it does not: a replay once the ledger forgot the key
/// early (the in-memory ledger restarted with its process, or evicting at its capacity; a
/// Redis that lost or evicted keys); pushes handled while the ledger could not be reached
/// (fail-open: the push is handled unguarded with a warning, so it is never lost, and its
/// duplicates during the outage are handled again); a handler still running when its lease
/// runs out (10 s by default; only a crashed instance of a fleet should leave one that long),
/// whose push another delivery may then handle too; and forged pushes, which the signature
/// check refuses before the guard. A duplicate is answered `success`, not the reply message
/// the first delivery answered: a reply lost with a delivery WeChat gave up on is not sent
/// again.
///
/// The ledger is [`MemoryDedup`] for one process ([`Dedup::in_memory`], bounded in size) or,
/// with the `redis` feature, a `RedisStore` shared by a fleet; any
/// [`DedupStore`] will do.
#[derive(Clone)]
pub struct Dedup {
    store: Arc<dyn DedupStore>,
    lease: Duration,
    wait: Duration,
}

impl Dedup {
    /// How long a push stays in flight if its handler never ends (an instance that crashed),
    /// unless set otherwise: 10 s, so that WeChat's last retries are still handled.
    pub const DEFAULT_LEASE: Duration = Duration::from_secs(10);
    /// How long a duplicate waits for the delivery in flight, unless set otherwise: 4 s, under
    /// the 5 s WeChat waits for an answer.
    pub const DEFAULT_WAIT: Duration = Duration::from_secs(4);

    /// A guard keeping its ledger in `store`: an `Arc<RedisStore>` (or the store itself) for
    /// a fleet, a [`MemoryDedup`] for one process.
    pub fn new(store: impl DedupStore) -> Self {
        Self { store: Arc::new(store), lease: Self::DEFAULT_LEASE, wait: Self::DEFAULT_WAIT }
    }

    /// A guard keeping its ledger in this process's memory, at most
    /// [`MemoryDedup::DEFAULT_CAPACITY`] pushes.
    pub fn in_memory() -> Self {
        Self::new(MemoryDedup::new())
    }

    /// Keeps a push in flight at most `lease` when its handler never ends; past it, another
    /// delivery of the push handles it.
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Lets a duplicate wait at most `wait` for the delivery in flight before it is answered
    /// 503.
    pub fn wait(mut self, wait: Duration) -> Self {
        self.wait = wait;
        self
    }

    /// The key of `message` for a receiver of `appid` (none without an EncodingAESKey).
    pub(super) fn key(appid: Option<&str>, message: &Message) -> String {
        let mut digest = Sha1::new();
        let account = appid.unwrap_or("");
        digest.update((account.len() as u64).to_be_bytes());
        digest.update(account.as_bytes());
        message.hash_into(&mut digest);
        let hex = signature::hex(&digest.finalize());
        match appid {
            Some(appid) => crate::store::key(appid, &format!("push:{hex}")),
            None => format!("wechat:push:{hex}"),
        }
    }

    /// Claims `key`, waiting for a delivery in flight as the type's documentation says.
    pub(super) async fn enter(&self, key: &str) -> Gate {
        let started = tokio::time::Instant::now();
        loop {
            // Armed before the claim: a request dropped while the claim is on its way to
            // Redis still releases what it may have taken.
            let ticket =
                Ticket { store: Arc::clone(&self.store), key: key.to_owned(), owner: owner(), armed: true };
            match self.store.claim(key, &ticket.owner, self.lease).await {
                Ok(Claim::Claimed) => return Gate::Fresh(ticket),
                Ok(Claim::Handled) => {
                    ticket.disarm();
                    return Gate::Handled;
                }
                Ok(Claim::InFlight) => {
                    ticket.disarm();
                    let remaining = self.wait.saturating_sub(started.elapsed());
                    if remaining.is_zero() {
                        return Gate::InFlight(self.wait);
                    }
                    tokio::time::sleep(POLL.min(remaining)).await;
                }
                Err(error) => {
                    // Dropped armed: a claim that timed out may still land once the ledger
                    // answers again, and the release queued after it takes it back.
                    drop(ticket);
                    tracing::warn!(%error, "the push dedup ledger cannot be reached: handling the push unguarded");
                    return Gate::Unguarded;
                }
            }
        }
    }
}

impl fmt::Debug for Dedup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dedup")
            .field("store", &self.store)
            .field("lease", &self.lease)
            .field("wait", &self.wait)
            .finish()
    }
}

/// What the guard says about a push.
pub(super) enum Gate {
    /// New: handle it, then complete or release the ticket.
    Fresh(Ticket),
    /// Handled already: answer `success`.
    Handled,
    /// Still in flight elsewhere after waiting this long: answer 503.
    InFlight(Duration),
    /// The ledger failed: handle it without the guard.
    Unguarded,
}

/// A push held in flight by one delivery. Completed or released when its handler ends; if the
/// delivery is dropped first (a panic, a closed connection), `Drop` releases it on a task of
/// the current Tokio runtime, so WeChat's retry handles the push; without a runtime the lease
/// runs out on its own.
pub(super) struct Ticket {
    store: Arc<dyn DedupStore>,
    key: String,
    owner: String,
    armed: bool,
}

impl Ticket {
    /// The handler succeeded: the push is handled, remembered for `retention`.
    pub(super) async fn complete(mut self, retention: Duration) {
        match self.store.complete(&self.key, retention).await {
            Ok(()) => self.armed = false,
            // Left armed: released on drop, so the push is not stuck in flight.
            Err(error) => tracing::warn!(%error, "a handled push could not be recorded in the dedup ledger"),
        }
    }

    /// The handler failed: the next delivery handles the push.
    pub(super) async fn release(mut self) {
        if let Err(error) = self.store.release(&self.key, &self.owner).await {
            tracing::warn!(%error, "a failed push could not be released from the dedup ledger; its lease runs out");
        }
        self.armed = false;
    }

    fn disarm(mut self) {
        self.armed = false;
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::debug!(
                "a push delivery was dropped outside a Tokio runtime; its lease runs out on its own"
            );
            return;
        };
        tracing::debug!("a push delivery was dropped while in flight; releasing it");
        let store = Arc::clone(&self.store);
        let (key, owner) = (std::mem::take(&mut self.key), std::mem::take(&mut self.owner));
        runtime.spawn(async move {
            let _ = store.release(&key, &owner).await;
        });
    }
}

/// A random owner: 128 bits, so no two deliveries share one.
fn owner() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::push::Element;

    fn event(from: &str, card: &str) -> Message {
        Message::from_elements(vec![
            Element::text("ToUserName", "gh_1"),
            Element::text("FromUserName", from),
            Element::text("CreateTime", "1700000000"),
            Element::text("MsgType", "event"),
            Element::text("Event", "user_get_card"),
            Element::text("CardId", card),
        ])
    }

    #[test]
    fn keys_are_namespaced_hashed_and_cover_the_account_and_every_element() {
        let message = event("o_secret_openid", "p1");
        let key = Dedup::key(Some("wx123"), &message);
        let hex = key.strip_prefix("wechat:{wx123}:push:").unwrap();
        assert!(hex.len() == 40 && hex.bytes().all(|b| b.is_ascii_hexdigit()), "{key}");
        assert!(!key.contains("o_secret_openid"));
        assert_eq!(key, Dedup::key(Some("wx123"), &message.clone()), "the same push, the same key");
        assert_ne!(key, Dedup::key(Some("wx456"), &message), "two accounts never collide");
        // Same user, same second, another card: WeChat's key alone would take it for a retry.
        assert_eq!(message.dedup_key(), event("o_secret_openid", "p2").dedup_key());
        assert_ne!(key, Dedup::key(Some("wx123"), &event("o_secret_openid", "p2")));
        let plain = Dedup::key(None, &message);
        assert!(plain.starts_with("wechat:push:") && plain.len() == "wechat:push:".len() + 40, "{plain}");
    }

    #[tokio::test]
    async fn a_ticket_dropped_in_flight_is_released() {
        let store = Arc::new(MemoryDedup::new());
        let dedup = Dedup::new(Arc::clone(&store)).wait(Duration::ZERO);
        let Gate::Fresh(ticket) = dedup.enter("k").await else { panic!("new") };
        assert!(matches!(dedup.enter("k").await, Gate::InFlight(_)));
        drop(ticket);
        // Released on a spawned task: give it a bounded number of turns.
        for _ in 0..100 {
            if store.is_empty() {
                break;
            }
            tokio::task::yield_now().await;
        }
        assert!(matches!(dedup.enter("k").await, Gate::Fresh(_)));
    }
}
