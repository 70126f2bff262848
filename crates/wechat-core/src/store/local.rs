//! Each thread's own copy of the tokens it reads, so reading a cached token writes no memory
//! another core reads.
//!
//! An [`AccessToken`] is an `Arc<str>`: cloning the provider's copy bumps one reference count
//! that every calling thread bumps, and that cache line bounces between cores on every read.
//! Instead each thread keeps a few slots (direct-mapped by a provider's unique id) holding a
//! deep copy of the token, tagged with the provider's *state*: a word holding a generation,
//! bumped when a change of the token ends, and the number of changes under way. A read loads
//! the state (`Acquire`; a line that is only read is shared by the cores, not bounced); when
//! no change is under way and the thread's slot has the same id and state, it clones the
//! thread's own copy. Otherwise it reads the provider's token as before, and fills the slot
//! with a copy unless a change was under way.
//!
//! Why a slot never hands out a token the provider has dropped: every change is made inside
//! [`LocalCopies::change`], which counts the change as under way *before* making it and bumps
//! the generation when it is made. A thread that has seen the change (its read of the token,
//! or anything that read it, came after) sees the state of its start or a later one, never the
//! state its slot was tagged with. A slot tagged with state `s` was filled from a read of the
//! token made after loading `s` with no change under way, so it holds the token of `s` or a
//! later one; any change after the fill moves the state past `s` for good.
//!
//! Counting only after the change (a bump once it is made) is not enough: between the change
//! and the bump, a thread that found the token gone (and renewed, or retried its call) would
//! still be handed its old copy, and WeChat would refuse the call again.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use crate::secret::AccessToken;

/// Slots per thread: providers a thread reads in turn beyond this share slots and refill
/// them on a miss, which is correct, only slower.
const SLOTS: usize = 16;

/// Ids of providers, never reused: a slot of a dropped provider never matches another.
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

/// The low bits of a provider's state: changes under way. The rest: the generation.
const UNDER_WAY: u64 = (1 << 16) - 1;
/// One generation, in the state word.
const GENERATION: u64 = UNDER_WAY + 1;

struct Slot {
    id: u64,
    state: u64,
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
    /// The generation and the changes under way (see [`UNDER_WAY`]).
    state: AtomicU64,
}

impl LocalCopies {
    pub(crate) fn new() -> Self {
        Self { id: NEXT_ID.fetch_add(1, Ordering::Relaxed), state: AtomicU64::new(0) }
    }

    /// Makes a change of the provider's token (`change` replaces or drops what
    /// [`read`](Self::read)'s `shared` reads): while it runs no thread's copy is handed out,
    /// and none made before it is handed out again.
    pub(crate) fn change<R>(&self, change: impl FnOnce() -> R) -> R {
        /// Ends the change even if `change` panics, so reads do not bypass the copies for ever.
        struct UnderWay<'a>(&'a AtomicU64);
        impl Drop for UnderWay<'_> {
            fn drop(&mut self) {
                // One under way fewer, one generation more. `Release`: a read that sees this
                // state sees the change.
                self.0.fetch_add(GENERATION - 1, Ordering::Release);
            }
        }
        // Before the change: the change is published with release ordering (`ArcSwap`'s
        // stores and compare-and-swaps, a mutex's unlock), so whoever sees it sees this count.
        self.state.fetch_add(1, Ordering::AcqRel);
        let _under_way = UnderWay(&self.state);
        change()
    }

    /// The token, from this thread's copy when it is current, else from `shared` (the
    /// provider's token and when it is due, if it has one), copied for the next read.
    pub(crate) fn read(
        &self,
        shared: impl FnOnce() -> Option<(AccessToken, Option<Instant>)>,
    ) -> Option<AccessToken> {
        // Loaded before `shared` runs: see the module's docs.
        let state = self.state.load(Ordering::Acquire);
        if state & UNDER_WAY != 0 {
            let (token, renew_at) = shared()?;
            return fresh(token, renew_at);
        }
        let index = (self.id % SLOTS as u64) as usize;
        let hit = COPIES.try_with(|copies| {
            let copies = copies.try_borrow().ok()?;
            let slot = copies[index].as_ref().filter(|s| s.id == self.id && s.state == state)?;
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
                copies[index] = Some(Slot { id: self.id, state, token: copy.clone(), renew_at });
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
            self.copies.change(|| *self.token.lock().unwrap() = token.map(AccessToken::new));
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

    /// The race the fleet met: one caller drops the refused token and, before its change
    /// ends, another caller finds the token gone and retries. Its retry must not be handed
    /// its own copy of the refused token.
    #[test]
    fn a_thread_that_saw_a_change_under_way_never_reads_its_old_copy() {
        let provider = Arc::new(Provider {
            token: Mutex::new(Some(AccessToken::new("REFUSED"))),
            copies: LocalCopies::new(),
        });
        let step = Arc::new(Barrier::new(2));
        let retrying = {
            let (provider, step) = (Arc::clone(&provider), Arc::clone(&step));
            std::thread::spawn(move || {
                assert_eq!(provider.read().unwrap().expose(), "REFUSED", "copied");
                step.wait(); // the main thread drops the token and stays inside the change
                step.wait();
                assert!(provider.token.lock().unwrap().is_none(), "this thread sees the drop");
                let retried = provider.read().map(|t| t.expose().to_owned());
                step.wait(); // the change may end
                retried
            })
        };
        step.wait();
        provider.copies.change(|| {
            *provider.token.lock().unwrap() = None;
            step.wait();
            step.wait();
        });
        assert_eq!(retrying.join().unwrap(), None, "the refused token was handed out again");
        assert!(provider.read().is_none());
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
