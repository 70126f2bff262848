//! Token requests counted per path and appid: how tests check that a fleet fetched one
//! token per expiry, per account (`/cgi-bin/stable_token` by `appid`, the component
//! endpoints by `component_appid`, `api_authorizer_token` by `authorizer_appid`).

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Token requests per (path, appid) of one mock server.
#[derive(Debug, Default)]
pub struct TokenRequests {
    counts: Mutex<BTreeMap<(String, String), u64>>,
}

impl TokenRequests {
    fn lock(&self) -> MutexGuard<'_, BTreeMap<(String, String), u64>> {
        self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn record(&self, path: &str, appid: &str) {
        *self.lock().entry((path.to_owned(), appid.to_owned())).or_default() += 1;
    }

    /// Requests to `path` for `appid`, answered or refused.
    pub fn count(&self, path: &str, appid: &str) -> u64 {
        self.lock().get(&(path.to_owned(), appid.to_owned())).copied().unwrap_or(0)
    }

    /// Every (path, appid) with its count.
    pub fn snapshot(&self) -> BTreeMap<(String, String), u64> {
        self.lock().clone()
    }

    /// Forgets every count.
    pub fn reset(&self) {
        self.lock().clear();
    }
}
