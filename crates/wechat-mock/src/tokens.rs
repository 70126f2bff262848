//! The access tokens a mock server has issued, and what WeChat would say about each.
//!
//! Rules, after WeChat's documentation: `POST /cgi-bin/stable_token` in its normal mode hands
//! every caller the current token while it is valid; with `force_refresh` it issues a new one
//! and the previous one stops working at once. `GET /cgi-bin/token` always issues a new one,
//! and the previous one keeps working for a grace period (5 minutes by default).

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// How many issued tokens are remembered; older ones count as unknown (40001).
const REMEMBERED: usize = 256;

/// Characters of a token; WeChat's are long strings of these.
const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

/// What WeChat would say about a token presented to an API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenCheck {
    /// It is valid.
    Valid,
    /// No `access_token` parameter (41001).
    Missing,
    /// Never issued, or superseded and past its grace (40001).
    Invalid,
    /// Issued, but its lifetime is over (42001).
    Expired,
    /// A third-party platform's authorizer token, for an operation third parties may not call
    /// (61024).
    ThirdPartyRefused,
}

impl TokenCheck {
    /// WeChat's `errcode` for the check, 0 when valid.
    pub fn errcode(self) -> i64 {
        match self {
            Self::Valid => 0,
            Self::Missing => 41001,
            Self::Invalid => 40001,
            Self::Expired => 42001,
            Self::ThirdPartyRefused => 61024,
        }
    }
}

/// How a token was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Issue {
    /// `stable_token` without `force_refresh`: the current token if still valid.
    Stable,
    /// `stable_token` with `force_refresh`: a new token; the old one stops working.
    StableForceRefresh,
    /// `GET /cgi-bin/token`: a new token; the old one works for the grace period.
    Classic,
}

struct Record {
    value: String,
    expires_at: Instant,
    /// When a newer token took over and this one stops working.
    retired_at: Option<Instant>,
}

impl Record {
    fn check(&self, now: Instant) -> TokenCheck {
        if self.retired_at.is_some_and(|at| now >= at) {
            TokenCheck::Invalid
        } else if now >= self.expires_at {
            TokenCheck::Expired
        } else {
            TokenCheck::Valid
        }
    }
}

/// The tokens of one mock server. Cheap to share through the server.
#[derive(Default)]
pub struct Tokens {
    /// Newest last.
    records: Mutex<VecDeque<Record>>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens").field("issued", &self.lock().len()).finish_non_exhaustive()
    }
}

impl Tokens {
    fn lock(&self) -> MutexGuard<'_, VecDeque<Record>> {
        // A panic elsewhere must not take the server down with it.
        self.records.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Issues (or hands back) a token; returns it with its remaining lifetime in seconds.
    pub(crate) fn issue(&self, how: Issue, lifetime: Duration, grace: Duration) -> (String, u64) {
        let now = Instant::now();
        let mut records = self.lock();
        if how == Issue::Stable
            && let Some(current) = records.back().filter(|r| r.check(now) == TokenCheck::Valid)
        {
            let remaining = current.expires_at.saturating_duration_since(now);
            return (current.value.clone(), remaining.as_secs().max(1));
        }
        let retire_at = match how {
            Issue::Classic => now + grace,
            Issue::Stable | Issue::StableForceRefresh => now,
        };
        for record in records.iter_mut() {
            let at = record.retired_at.map_or(retire_at, |at| at.min(retire_at));
            record.retired_at = Some(at);
        }
        let value = new_token();
        records.push_back(Record { value: value.clone(), expires_at: now + lifetime, retired_at: None });
        while records.len() > REMEMBERED {
            records.pop_front();
        }
        (value, lifetime.as_secs())
    }

    /// What WeChat would answer for `token`.
    pub fn check(&self, token: Option<&str>) -> TokenCheck {
        let Some(token) = token.filter(|t| !t.is_empty()) else { return TokenCheck::Missing };
        let now = Instant::now();
        self.lock().iter().find(|r| r.value == token).map_or(TokenCheck::Invalid, |r| r.check(now))
    }

    /// Ends the lifetime of every token issued so far: the next call with one answers 42001,
    /// and the next `stable_token` issues a new token.
    pub fn expire_now(&self) {
        let now = Instant::now();
        for record in self.lock().iter_mut() {
            record.expires_at = record.expires_at.min(now);
        }
    }

    /// How many tokens were issued and are still remembered.
    pub fn issued(&self) -> usize {
        self.lock().len()
    }
}

fn new_token() -> String {
    let mut token = String::from("MOCK_");
    token.extend((0..96).map(|_| char::from(ALPHABET[fastrand::usize(..ALPHABET.len())])));
    token
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn stable_mode_hands_back_the_current_token_until_it_expires() {
        let tokens = Tokens::default();
        let (first, expires_in) = tokens.issue(Issue::Stable, HOUR, HOUR);
        assert_eq!(expires_in, 3600);
        assert_eq!(tokens.issue(Issue::Stable, HOUR, HOUR).0, first);
        assert_eq!(tokens.check(Some(&first)), TokenCheck::Valid);
        tokens.expire_now();
        assert_eq!(tokens.check(Some(&first)), TokenCheck::Expired);
        let (second, _) = tokens.issue(Issue::Stable, HOUR, HOUR);
        assert_ne!(second, first);
        assert_eq!(tokens.check(Some(&second)), TokenCheck::Valid);
    }

    #[test]
    fn force_refresh_retires_the_old_token_at_once_and_classic_after_the_grace() {
        let tokens = Tokens::default();
        let (first, _) = tokens.issue(Issue::Stable, HOUR, HOUR);
        let (second, _) = tokens.issue(Issue::StableForceRefresh, HOUR, HOUR);
        assert_ne!(first, second);
        assert_eq!(tokens.check(Some(&first)), TokenCheck::Invalid);
        let (third, _) = tokens.issue(Issue::Classic, HOUR, HOUR);
        assert_eq!(tokens.check(Some(&second)), TokenCheck::Valid, "within the grace period");
        let (_, _) = tokens.issue(Issue::Classic, HOUR, Duration::ZERO);
        assert_eq!(tokens.check(Some(&third)), TokenCheck::Invalid);
        assert_eq!(tokens.check(Some(&second)), TokenCheck::Invalid);
    }

    #[test]
    fn missing_and_unknown_tokens() {
        let tokens = Tokens::default();
        assert_eq!(tokens.check(None), TokenCheck::Missing);
        assert_eq!(tokens.check(Some("")), TokenCheck::Missing);
        assert_eq!(tokens.check(Some("nope")), TokenCheck::Invalid);
        assert_eq!(TokenCheck::Expired.errcode(), 42001);
    }
}
