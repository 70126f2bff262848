//! Each thread's own copy of the tokens it reads, so reading a cached token writes no memory
//! another core reads.
//!
//! An [`AccessToken`] is an `Arc<str>`: cloning the provider's copy bumps one reference count
//! that every calling thread bumps, and that cache line bounces between cores on every read.
//! Instead each thread keeps a few slots (direct-mapped by a provider's unique id) holding a
//! deep copy of the token, tagged with the provider's *generation*, a counter the provider
//! bumps (`Release`) after every change of its token. A read loads the generation (`Acquire`;
//! a line that is only read is shared by the cores, not bounced), and when the thread's slot
//! has the same id and generation it clones the thread's own copy. Otherwise it reads the
//! provider's token as before and fills the slot with a copy.
//!
//! Why a slot never hands out a token the provider has dropped: a slot tagged with generation
//! `g` was filled from a read of the token made after loading `g`, and the provider bumps the
//! generation after every change. So the slot holds the token of generation `g` or a later
//! one; any change after its fill bumps the generation past `g`, and the slot stops matching
//! for every read that sees that bump, which is every read that happens after the change.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use crate::secret::AccessToken;

/// Slots per thread: providers a thread reads in turn beyond this share slots and refill
/// them on a miss, which is correct, only slower.
const SLOTS: usize = 16;

/// Ids of providers, never reused: a slot of a dropped provider never matches another.
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

struct Slot {
    id: u64,
    generation: u64,
    token: AccessToken,
    /// Not handed out from this instant (`None`: never due).
    renew_at: Option<Instant>,
}

thread_local! {
    static COPIES: RefCell<[Option<Slot>; SLOTS]> = const { RefCell::new([const { None }; SLOTS]) };
}

/// What a provider adds to its token to let threads keep their own copy of it.
#[derive(Debug)]
pub(crate) struct LocalCopies {
    id: u64,
    generation: AtomicU64,
}

impl LocalCopies {
    pub(crate) fn new() -> Self {
        Self { id: NEXT_ID.fetch_add(1, Ordering::Relaxed), generation: AtomicU64::new(0) }
    }

    /// The provider's token changed (replaced, dropped): no thread's copy is handed out again.
    /// Call it after the change is visible to [`read`](Self::read)'s `shared`.
    pub(crate) fn changed(&self) {
        self.generation.fetch_add(1, Ordering::Release);
    }

    /// The token, from this thread's copy when it is current, else from `shared` (the
    /// provider's token and when it is due, if it has one), copied for the next read.
    pub(crate) fn read(
        &self,
        shared: impl FnOnce() -> Option<(AccessToken, Option<Instant>)>,
    ) -> Option<AccessToken> {
        // Loaded before `shared` runs: see the module's docs.
        let generation = self.generation.load(Ordering::Acquire);
        let index = (self.id % SLOTS as u64) as usize;
        let hit = COPIES.try_with(|copies| {
            let copies = copies.try_borrow().ok()?;
            let slot = copies[index].as_ref().filter(|s| s.id == self.id && s.generation == generation)?;
            Some(fresh(slot.token.clone(), slot.renew_at))
        });
        if let Ok(Some(hit)) = hit {
            return hit;
        }
        let (token, renew_at) = shared()?;
        // A copy of the characters, not of the `Arc`: this thread's reads bump only its own count.
        let copy = AccessToken::new(token.expose());
        drop(token);
        let _ = COPIES.try_with(|copies| {
            if let Ok(mut copies) = copies.try_borrow_mut() {
                copies[index] = Some(Slot { id: self.id, generation, token: copy.clone(), renew_at });
            }
        });
        fresh(copy, renew_at)
    }
}

fn fresh(token: AccessToken, renew_at: Option<Instant>) -> Option<AccessToken> {
    renew_at.is_none_or(|at| Instant::now() < at).then_some(token)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::{Arc, Barrier, Mutex};

    use super::*;

    /// A provider's token as `Renewal` keeps it, with its copies.
    struct Provider {
        token: Mutex<Option<AccessToken>>,
        copies: LocalCopies,
    }

    impl Provider {
        fn read(&self) -> Option<AccessToken> {
            self.copies.read(|| self.token.lock().unwrap().clone().map(|t| (t, None)))
        }

        fn set(&self, token: Option<&str>) {
            *self.token.lock().unwrap() = token.map(AccessToken::new);
            self.copies.changed();
        }
    }

    #[test]
    fn a_dropped_or_replaced_token_is_never_read_again_on_any_thread() {
        let provider = Arc::new(Provider {
            token: Mutex::new(Some(AccessToken::new("FIRST"))),
            copies: LocalCopies::new(),
        });
        let step = Arc::new(Barrier::new(2));
        let reader = {
            let (provider, step) = (Arc::clone(&provider), Arc::clone(&step));
            std::thread::spawn(move || {
                // This thread copies FIRST, then reads only after each change.
                assert_eq!(provider.read().unwrap().expose(), "FIRST");
                assert_eq!(provider.read().unwrap().expose(), "FIRST");
                step.wait(); // the main thread drops FIRST
                step.wait();
                assert!(provider.read().is_none(), "the dropped token is not handed out");
                step.wait(); // the main thread stores SECOND
                step.wait();
                assert_eq!(provider.read().unwrap().expose(), "SECOND");
                step.wait(); // and replaces it with THIRD
                step.wait();
                assert_eq!(provider.read().unwrap().expose(), "THIRD");
            })
        };
        assert_eq!(provider.read().unwrap().expose(), "FIRST");
        step.wait();
        provider.set(None);
        assert!(provider.read().is_none());
        step.wait();
        step.wait();
        provider.set(Some("SECOND"));
        step.wait();
        step.wait();
        provider.set(Some("THIRD"));
        assert_eq!(provider.read().unwrap().expose(), "THIRD");
        step.wait();
        reader.join().unwrap();
    }

    #[test]
    fn providers_sharing_a_slot_each_read_their_own_token() {
        let providers: Vec<Provider> = (0..SLOTS + 3)
            .map(|i| Provider {
                token: Mutex::new(Some(AccessToken::new(format!("T{i}")))),
                copies: LocalCopies::new(),
            })
            .collect();
        for _ in 0..3 {
            for (i, provider) in providers.iter().enumerate() {
                assert_eq!(provider.read().unwrap().expose(), format!("T{i}"));
            }
        }
    }

    #[test]
    fn a_copy_past_its_renewal_is_not_handed_out() {
        let copies = LocalCopies::new();
        let past = Instant::now();
        let read = || copies.read(|| Some((AccessToken::new("DUE"), Some(past))));
        assert!(read().is_none());
        assert!(read().is_none(), "nor from the thread's copy");
    }
}
