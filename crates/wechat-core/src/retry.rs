//! The retry policy: how many attempts, how long between them, and the deadline for all.

use std::time::Duration;

/// Bounded exponential backoff with jitter, and a total deadline across attempts.
///
/// Retried: transport failures, timeouts, HTTP 5xx, and error codes whose spec says
/// `retry = "backoff"` (-1 system busy, 72036 invoice busy). A token WeChat refuses
/// (40001, 40014, 42001) is renewed and the call retried once, outside this budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; at least 1.
    pub max_attempts: u32,
    /// Backoff before the first retry; doubled for each one after.
    pub initial_backoff: Duration,
    /// The longest backoff.
    pub max_backoff: Duration,
    /// No attempt starts, and no answer is awaited, past this much time after the call began.
    pub total_deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(2),
            total_deadline: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// One attempt only (token renewal still happens).
    pub fn none() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }

    /// Sets the number of attempts (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the first and the longest backoff. The shorter of the two is the first, so the
    /// two given the wrong way round mean the same.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial.min(max);
        self.max_backoff = max.max(initial);
        self
    }

    /// Sets the total deadline.
    pub fn total_deadline(mut self, deadline: Duration) -> Self {
        self.total_deadline = deadline;
        self
    }

    /// The pause before retry number `retry` (1 for the first retry): half the exponential
    /// step fixed, half random, so callers that failed together do not retry together.
    pub fn backoff_for(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        let step = self.initial_backoff.saturating_mul(factor).min(self.max_backoff);
        let half = step / 2;
        half.saturating_add(half.mul_f64(fastrand::f64()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy::default().backoff(Duration::from_millis(100), Duration::from_millis(350));
        for _ in 0..100 {
            let first = policy.backoff_for(1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100), "{first:?}");
            let second = policy.backoff_for(2);
            assert!(
                second >= Duration::from_millis(100) && second <= Duration::from_millis(200),
                "{second:?}"
            );
            let late = policy.backoff_for(30);
            assert!(late >= Duration::from_millis(175) && late <= Duration::from_millis(350), "{late:?}");
        }
        assert_eq!(RetryPolicy::default().max_attempts(0).max_attempts, 1);
        let endless = RetryPolicy::default().backoff(Duration::MAX, Duration::MAX);
        assert!(endless.backoff_for(u32::MAX) >= Duration::MAX / 2);
    }

    #[test]
    fn backoff_given_the_wrong_way_round_means_the_same() {
        let (short, long) = (Duration::from_millis(100), Duration::from_secs(3));
        let right = RetryPolicy::default().backoff(short, long);
        let swapped = RetryPolicy::default().backoff(long, short);
        assert_eq!((swapped.initial_backoff, swapped.max_backoff), (short, long));
        assert_eq!((right.initial_backoff, right.max_backoff), (short, long));
    }
}
