//! A third-party platform's tokens: the `component_access_token` api_component_token issues,
//! and the `authorizer_access_token`s api_authorizer_token issues with it. The mock plays
//! every platform, so any component appid, appsecret and ticket that fit the schema get a
//! token. Calls of operations open to third parties (`third_party = true` in the spec) accept
//! an authorizer token in `access_token`; the others refuse it with 61024.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::tokens::TokenCheck;

/// How many platform tokens are remembered; older ones count as unknown (40001).
const REMEMBERED: usize = 256;

/// Characters of a token.
const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

/// The kinds of token a third-party platform holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlatformToken {
    /// The platform's own `component_access_token`.
    Component,
    /// An `authorizer_access_token`, for calls on behalf of an account that authorized the
    /// platform.
    Authorizer,
}

struct Record {
    value: String,
    kind: PlatformToken,
    expires_at: Instant,
}

/// The platform tokens of one mock server.
#[derive(Default)]
pub struct PlatformTokens {
    /// Newest last.
    records: Mutex<VecDeque<Record>>,
}

impl std::fmt::Debug for PlatformTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlatformTokens").field("issued", &self.lock().len()).finish_non_exhaustive()
    }
}

impl PlatformTokens {
    fn lock(&self) -> MutexGuard<'_, VecDeque<Record>> {
        self.records.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Issues a new token of `kind` that works for `lifetime`, as the platform token endpoints
    /// do; a test can hand an authorizer token to `wechat_core::AuthorizerToken` this way.
    pub fn issue(&self, kind: PlatformToken, lifetime: Duration) -> String {
        let prefix = match kind {
            PlatformToken::Component => "MOCK_COMPONENT_",
            PlatformToken::Authorizer => "MOCK_AUTHORIZER_",
        };
        let mut value = String::from(prefix);
        value.extend((0..80).map(|_| char::from(ALPHABET[fastrand::usize(..ALPHABET.len())])));
        let mut records = self.lock();
        records.push_back(Record { value: value.clone(), kind, expires_at: Instant::now() + lifetime });
        while records.len() > REMEMBERED {
            records.pop_front();
        }
        value
    }

    /// What WeChat would answer for `token` where a token of `kind` is expected: a token of
    /// another kind is as unknown as a forged one.
    pub fn check(&self, kind: PlatformToken, token: Option<&str>) -> TokenCheck {
        let Some(token) = token.filter(|t| !t.is_empty()) else { return TokenCheck::Missing };
        let now = Instant::now();
        match self.lock().iter().find(|r| r.value == token && r.kind == kind) {
            None => TokenCheck::Invalid,
            Some(record) if now >= record.expires_at => TokenCheck::Expired,
            Some(_) => TokenCheck::Valid,
        }
    }

    /// Ends the lifetime of every platform token issued so far (42001 from now on).
    pub fn expire_now(&self) {
        let now = Instant::now();
        for record in self.lock().iter_mut() {
            record.expires_at = record.expires_at.min(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn tokens_are_checked_by_kind_and_expire() {
        let tokens = PlatformTokens::default();
        let component = tokens.issue(PlatformToken::Component, HOUR);
        let authorizer = tokens.issue(PlatformToken::Authorizer, HOUR);
        assert!(component.starts_with("MOCK_COMPONENT_") && authorizer.starts_with("MOCK_AUTHORIZER_"));
        assert_eq!(tokens.check(PlatformToken::Component, Some(&component)), TokenCheck::Valid);
        assert_eq!(tokens.check(PlatformToken::Authorizer, Some(&authorizer)), TokenCheck::Valid);
        assert_eq!(tokens.check(PlatformToken::Authorizer, Some(&component)), TokenCheck::Invalid);
        assert_eq!(tokens.check(PlatformToken::Component, Some("forged")), TokenCheck::Invalid);
        assert_eq!(tokens.check(PlatformToken::Component, None), TokenCheck::Missing);
        tokens.expire_now();
        assert_eq!(tokens.check(PlatformToken::Authorizer, Some(&authorizer)), TokenCheck::Expired);
    }
}
