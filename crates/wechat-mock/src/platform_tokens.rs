//! A third-party platform's tokens: the `component_access_token` api_component_token issues,
//! and the `authorizer_access_token`s api_authorizer_token issues with it. The mock plays
//! every platform, so any component appid, appsecret and ticket that fit the schema get a
//! token. Calls of operations open to third parties (`third_party = true` in the spec) accept
//! an authorizer token in `access_token`; the others refuse it with 61024.
//!
//! Refresh tokens rotate: each `api_authorizer_token` answers a new one and the one it was
//! sent stops working (61023), so a client that loses the new one loses the authorization,
//! as WeChat's clients do. The first refresh token seen for an authorizer is taken as valid
//! (the mock plays every platform) unless `api_query_auth` issued one.
//!
//! Verify tickets: once the mock has pushed a `component_verify_ticket` to a platform
//! ([`PlatformTokens::issue_verify_ticket`]), that platform's `api_component_token` must carry
//! one of the tickets pushed to it (61006 "component ticket is invalid" otherwise, as
//! WeChat answers). A platform the mock never pushed a ticket to gets a token with any
//! ticket: the mock plays every platform, and tests may set a ticket by hand.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::tokens::TokenCheck;

/// How many platform tokens are remembered; older ones count as unknown (40001).
const REMEMBERED: usize = 256;

/// How many verify tickets per platform stay valid: WeChat pushes one every 10 minutes and
/// each is valid 12 hours, so the latest few are.
const TICKETS_REMEMBERED: usize = 8;

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
    /// A pre-auth code, for the authorization page.
    PreAuthCode,
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
    /// The current refresh token of each authorizer appid.
    refresh: Mutex<HashMap<String, String>>,
    /// Authorization codes not yet redeemed, with their authorizer appid.
    codes: Mutex<HashMap<String, String>>,
    /// The verify tickets pushed to each component appid, newest last.
    tickets: Mutex<HashMap<String, VecDeque<String>>>,
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
            PlatformToken::PreAuthCode => "MOCK_PREAUTH_",
        };
        let value = random(prefix);
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

    /// A new refresh token for `authorizer_appid`; the previous one stops working.
    pub fn new_refresh_token(&self, authorizer_appid: &str) -> String {
        let token = random("MOCK_REFRESH_");
        lock(&self.refresh).insert(authorizer_appid.to_owned(), token.clone());
        token
    }

    /// Rotates `authorizer_appid`'s refresh token if `presented` is its current one (or the
    /// authorizer has none yet): the new one, or `None` for a stale or unknown token (61023).
    pub fn rotate_refresh_token(&self, authorizer_appid: &str, presented: &str) -> Option<String> {
        let mut refresh = lock(&self.refresh);
        let current = refresh.get(authorizer_appid);
        if presented.is_empty() || current.is_some_and(|current| current != presented) {
            return None;
        }
        let token = random("MOCK_REFRESH_");
        refresh.insert(authorizer_appid.to_owned(), token.clone());
        Some(token)
    }

    /// The current refresh token of `authorizer_appid`, if the mock issued one.
    pub fn refresh_token(&self, authorizer_appid: &str) -> Option<String> {
        lock(&self.refresh).get(authorizer_appid).cloned()
    }

    /// An authorization code, as WeChat appends to the platform's redirect URI once
    /// `authorizer_appid`'s administrator authorized it; `api_query_auth` redeems it once.
    pub fn authorize(&self, authorizer_appid: &str) -> String {
        let code = random("MOCK_AUTHCODE_");
        lock(&self.codes).insert(code.clone(), authorizer_appid.to_owned());
        code
    }

    /// The authorizer appid of an authorization code, which cannot be redeemed again.
    pub(crate) fn redeem(&self, code: &str) -> Option<String> {
        lock(&self.codes).remove(code)
    }

    /// Forgets every token of `kind` issued so far, as if WeChat had revoked them: they are
    /// refused with 40001 ("invalid credential") from now on. Tokens of other kinds stay.
    pub fn revoke(&self, kind: PlatformToken) {
        self.lock().retain(|record| record.kind != kind);
    }

    /// A new `component_verify_ticket` for `component_appid`, as WeChat pushes one every 10
    /// minutes: from now on that platform's `api_component_token` takes only tickets issued
    /// here (the latest few), and answers 61006 to any other.
    /// [`MockServer::push_verify_ticket`](crate::MockServer::push_verify_ticket) issues one
    /// and pushes it.
    pub fn issue_verify_ticket(&self, component_appid: &str) -> String {
        let ticket = random("MOCK_TICKET_");
        let mut tickets = lock(&self.tickets);
        let issued = tickets.entry(component_appid.to_owned()).or_default();
        issued.push_back(ticket.clone());
        while issued.len() > TICKETS_REMEMBERED {
            issued.pop_front();
        }
        ticket
    }

    /// Whether `api_component_token` accepts `ticket` from `component_appid`: one issued to
    /// it, or any while none was.
    pub fn accepts_verify_ticket(&self, component_appid: &str, ticket: &str) -> bool {
        lock(&self.tickets).get(component_appid).is_none_or(|issued| issued.iter().any(|t| t == ticket))
    }

    /// Ends the lifetime of every platform token issued so far (42001 from now on).
    pub fn expire_now(&self) {
        let now = Instant::now();
        for record in self.lock().iter_mut() {
            record.expires_at = record.expires_at.min(now);
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn random(prefix: &str) -> String {
    let mut value = String::from(prefix);
    value.extend((0..80).map(|_| char::from(ALPHABET[fastrand::usize(..ALPHABET.len())])));
    value
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

    #[test]
    fn refresh_tokens_rotate_and_the_old_one_stops_working() {
        let tokens = PlatformTokens::default();
        let first = tokens.rotate_refresh_token("wx_authorizer", "from-the-platform").unwrap();
        assert_eq!(tokens.rotate_refresh_token("wx_authorizer", "from-the-platform"), None);
        let second = tokens.rotate_refresh_token("wx_authorizer", &first).unwrap();
        assert_ne!(first, second);
        assert_eq!(
            tokens.rotate_refresh_token("wx_authorizer", &first),
            None,
            "a used refresh token is dead"
        );
        assert_eq!(tokens.refresh_token("wx_authorizer"), Some(second));
        let code = tokens.authorize("wx_other");
        assert_eq!(tokens.redeem(&code).as_deref(), Some("wx_other"));
        assert_eq!(tokens.redeem(&code), None);
    }

    #[test]
    fn revoked_tokens_are_unknown_and_other_kinds_stay() {
        let tokens = PlatformTokens::default();
        let component = tokens.issue(PlatformToken::Component, HOUR);
        let authorizer = tokens.issue(PlatformToken::Authorizer, HOUR);
        tokens.revoke(PlatformToken::Authorizer);
        assert_eq!(tokens.check(PlatformToken::Authorizer, Some(&authorizer)), TokenCheck::Invalid);
        assert_eq!(tokens.check(PlatformToken::Component, Some(&component)), TokenCheck::Valid);
    }

    #[test]
    fn once_a_platform_got_a_ticket_only_its_tickets_are_accepted() {
        let tokens = PlatformTokens::default();
        assert!(tokens.accepts_verify_ticket("wx_component", "set-by-hand"), "none issued yet");
        let first = tokens.issue_verify_ticket("wx_component");
        assert!(first.starts_with("MOCK_TICKET_"));
        assert!(!tokens.accepts_verify_ticket("wx_component", "set-by-hand"));
        assert!(tokens.accepts_verify_ticket("wx_component", &first));
        assert!(tokens.accepts_verify_ticket("wx_elsewhere", "set-by-hand"), "another platform");
        let issued: Vec<_> =
            (0..TICKETS_REMEMBERED).map(|_| tokens.issue_verify_ticket("wx_component")).collect();
        assert!(!tokens.accepts_verify_ticket("wx_component", &first), "too old");
        assert!(issued.iter().all(|t| tokens.accepts_verify_ticket("wx_component", t)));
    }
}
