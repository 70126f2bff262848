//! Instants a duration after another, for durations a caller or a server chose: adding an
//! arbitrary `Duration` to an `Instant` can overflow the clock, which panics.

use std::time::{Duration, Instant};

/// As good as never for a call or a token, and far inside what every platform's clock holds.
const CENTURY: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);

/// `from + wait`, with `wait` cut to a century so it cannot overflow the clock.
pub(crate) fn instant_after(from: Instant, wait: Duration) -> Instant {
    // A clock that cannot hold a century past `from` does not exist; `from` keeps it total.
    from.checked_add(wait.min(CENTURY)).unwrap_or(from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_duration_can_be_added() {
        let now = Instant::now();
        assert_eq!(instant_after(now, Duration::from_secs(3)), now + Duration::from_secs(3));
        assert_eq!(instant_after(now, Duration::MAX), now + CENTURY);
        assert!(instant_after(now, Duration::MAX) > instant_after(now, Duration::from_secs(86_400 * 365)));
    }
}
