//! What the mock received: how many requests each path got (what tests assert retries and
//! token fetches with) and a log of the latest requests with their answers and warnings.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::Serialize;

/// How many requests the log keeps; older ones are dropped, so a long-running mock does not
/// grow without bound. Counts are kept for every request.
pub const REQUEST_LOG_CAPACITY: usize = 1000;

/// One request of the log, as answered. The query string is left out: it holds the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoggedRequest {
    /// The HTTP method.
    pub method: String,
    /// The path, without the query string.
    pub path: String,
    /// The answer's HTTP status.
    pub status: u16,
    /// The answer's `errcode`, when it was a WeChat JSON answer.
    pub errcode: Option<i64>,
    /// What the mock accepted only because the spec marks it `lenient_in_mock`, e.g.
    /// `[card_ext.user_card.invoice_user_data.buyer_number] missing; accepted: …`; each is also
    /// an `X-Mock-Warning` header of the answer.
    pub warnings: Vec<String>,
}

#[derive(Debug, Default)]
struct Received {
    counts: BTreeMap<String, u64>,
    log: VecDeque<LoggedRequest>,
}

/// Request counts per path (without query string) of one mock server, and its request log;
/// admin routes are neither counted nor logged.
#[derive(Debug, Default)]
pub struct RequestCounts {
    received: Mutex<Received>,
}

impl RequestCounts {
    fn lock(&self) -> MutexGuard<'_, Received> {
        self.received.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn record(&self, path: &str) {
        *self.lock().counts.entry(path.to_owned()).or_default() += 1;
    }

    pub(crate) fn log_answer(&self, request: LoggedRequest) {
        let mut received = self.lock();
        if received.log.len() == REQUEST_LOG_CAPACITY {
            received.log.pop_front();
        }
        received.log.push_back(request);
    }

    /// Requests received on `path`, e.g. `/cgi-bin/stable_token`.
    pub fn count(&self, path: &str) -> u64 {
        self.lock().counts.get(path).copied().unwrap_or(0)
    }

    /// Every path with its count, sorted by path.
    pub fn snapshot(&self) -> BTreeMap<String, u64> {
        self.lock().counts.clone()
    }

    /// The latest requests answered (at most [`REQUEST_LOG_CAPACITY`]), oldest first.
    pub fn log(&self) -> Vec<LoggedRequest> {
        self.lock().log.iter().cloned().collect()
    }

    /// The warnings of the logged requests, oldest first.
    pub fn warnings(&self) -> Vec<String> {
        self.lock().log.iter().flat_map(|r| r.warnings.iter().cloned()).collect()
    }

    /// Forgets every count and the log.
    pub fn reset(&self) {
        let mut received = self.lock();
        received.counts.clear();
        received.log.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(path: &str, warnings: &[&str]) -> LoggedRequest {
        LoggedRequest {
            method: "POST".to_owned(),
            path: path.to_owned(),
            status: 200,
            errcode: Some(0),
            warnings: warnings.iter().map(|w| (*w).to_owned()).collect(),
        }
    }

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

    #[test]
    fn the_log_keeps_the_latest_requests_and_their_warnings() {
        let counts = RequestCounts::default();
        counts.log_answer(answered("/first", &["[x] missing; accepted"]));
        for _ in 0..REQUEST_LOG_CAPACITY {
            counts.log_answer(answered("/later", &[]));
        }
        counts.log_answer(answered("/last", &["[y] missing; accepted"]));
        let log = counts.log();
        assert_eq!(log.len(), REQUEST_LOG_CAPACITY);
        assert_eq!((log[0].path.as_str(), log[log.len() - 1].path.as_str()), ("/later", "/last"));
        assert_eq!(counts.warnings(), ["[y] missing; accepted"], "the oldest entry was dropped");
        counts.reset();
        assert!(counts.log().is_empty());
    }
}
