//! How many requests each path received: what tests assert retries and token fetches with.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Request counts per path (without query string) of one mock server; admin routes are
/// not counted.
#[derive(Debug, Default)]
pub struct RequestCounts {
    counts: Mutex<BTreeMap<String, u64>>,
}

impl RequestCounts {
    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, u64>> {
        self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn record(&self, path: &str) {
        *self.lock().entry(path.to_owned()).or_default() += 1;
    }

    /// Requests received on `path`, e.g. `/cgi-bin/stable_token`.
    pub fn count(&self, path: &str) -> u64 {
        self.lock().get(path).copied().unwrap_or(0)
    }

    /// Every path with its count, sorted by path.
    pub fn snapshot(&self) -> BTreeMap<String, u64> {
        self.lock().clone()
    }

    /// Forgets every count.
    pub fn reset(&self) {
        self.lock().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_path() {
        let counts = RequestCounts::default();
        counts.record("/a");
        counts.record("/a");
        counts.record("/b");
        assert_eq!((counts.count("/a"), counts.count("/b"), counts.count("/c")), (2, 1, 0));
        assert_eq!(counts.snapshot().len(), 2);
        counts.reset();
        assert_eq!(counts.count("/a"), 0);
    }
}
