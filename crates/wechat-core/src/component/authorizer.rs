//! The `authorizer_access_token` of one account, renewed by its component with the stored
//! refresh token. The refresh token WeChat hands back is stored before the new access token,
//! so a process that stops between the two loses nothing.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use arc_swap::ArcSwapOption;

use super::Component;
use crate::build_error::BuildError;
use crate::error::TokenError;
use crate::future::BoxFuture;
use crate::secret::{AccessToken, Secret};
use crate::store::local::LocalCopies;
use crate::store::renewal::{Renewal, Source};
use crate::token::TokenProvider;
use crate::transport::HttpContext;

/// A third-party platform's `authorizer_access_token`. Endpoints whose spec says third-party
/// calls are not supported refuse it before sending.
///
/// Either supplied and refreshed by the caller ([`AuthorizerToken::new`], then
/// [`set`](Self::set)), or obtained and renewed by a [`Component`](crate::Component) through
/// `api_authorizer_token` with the stored refresh token
/// ([`Component::authorizer`](crate::Component::authorizer)), which renews it like
/// [`StableToken`](crate::StableToken): a margin before it expires, in one request however many calls need it,
/// and once when WeChat refuses it.
pub struct AuthorizerToken(Authorizer);

enum Authorizer {
    Given(ArcSwapOption<AccessToken>, LocalCopies),
    Renewed(Box<Renewed>),
}

impl AuthorizerToken {
    /// Starts with `token`, which the caller refreshes with [`set`](Self::set).
    pub fn new(token: impl Into<String>) -> Self {
        Self(Authorizer::Given(ArcSwapOption::from_pointee(AccessToken::new(token)), LocalCopies::new()))
    }

    pub(crate) fn renewed(renewed: Renewed) -> Self {
        Self(Authorizer::Renewed(Box::new(renewed)))
    }

    /// Replaces the token, e.g. after the platform refreshed it. A token a
    /// [`Component`](crate::Component) renews ignores this: it is kept in the store.
    pub fn set(&self, token: impl Into<String>) {
        match &self.0 {
            Authorizer::Given(slot, copies) => {
                let token = Arc::new(AccessToken::new(token));
                copies.change(|| slot.store(Some(token)));
            }
            Authorizer::Renewed(renewed) => {
                tracing::warn!(authorizer_appid = %renewed.appid(), "AuthorizerToken::set ignored: this token is renewed by its Component");
            }
        }
    }

    /// The authorizer's appid, for a token a [`Component`](crate::Component) renews.
    pub fn authorizer_appid(&self) -> Option<&str> {
        match &self.0 {
            Authorizer::Given(..) => None,
            Authorizer::Renewed(renewed) => Some(renewed.appid()),
        }
    }

    /// How many `api_authorizer_token` requests this provider sent.
    pub fn fetch_count(&self) -> u64 {
        match &self.0 {
            Authorizer::Given(..) => 0,
            Authorizer::Renewed(renewed) => renewed.fetch_count(),
        }
    }
}

impl fmt::Debug for AuthorizerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Authorizer::Given(slot, _) => {
                f.debug_struct("AuthorizerToken").field("given", &slot.load().is_some()).finish()
            }
            Authorizer::Renewed(renewed) => f.debug_tuple("AuthorizerToken").field(renewed).finish(),
        }
    }
}

impl TokenProvider for AuthorizerToken {
    fn cached(&self) -> Option<AccessToken> {
        match &self.0 {
            Authorizer::Given(slot, copies) => {
                copies.read(|| slot.load().as_deref().cloned().map(|t| (t, None)))
            }
            Authorizer::Renewed(renewed) => renewed.cached(),
        }
    }

    fn fetch<'a>(&'a self, http: &'a HttpContext) -> BoxFuture<'a, Result<AccessToken, TokenError>> {
        match &self.0 {
            Authorizer::Given(..) => Box::pin(std::future::ready(self.cached().ok_or(TokenError::Missing))),
            Authorizer::Renewed(renewed) => Box::pin(renewed.fetch(http)),
        }
    }

    fn invalidate(&self, stale: &AccessToken) -> bool {
        match &self.0 {
            // Only the platform can renew a token it supplies.
            Authorizer::Given(..) => false,
            Authorizer::Renewed(renewed) => renewed.invalidate(stale),
        }
    }

    fn accepted(&self) {
        if let Authorizer::Renewed(renewed) = &self.0 {
            renewed.accepted();
        }
    }

    fn is_authorizer(&self) -> bool {
        true
    }

    fn validate(&self) -> Result<(), BuildError> {
        match &self.0 {
            Authorizer::Given(..) => Ok(()),
            Authorizer::Renewed(renewed) => renewed.validate(),
        }
    }
}

/// An authorizer's token and what renews it; held by [`AuthorizerToken`].
pub(crate) struct Renewed {
    refresh: Refresh,
    renewal: Renewal,
}

/// Fetches the token for [`Renewal`] with the refresh token.
struct Refresh {
    component: Arc<Component>,
    appid: String,
    /// The last refresh token read or received, for when the store cannot be reached.
    local: ArcSwapOption<Secret>,
    requests: AtomicU64,
}

impl Renewed {
    pub(crate) fn new(component: Arc<Component>, appid: String) -> Self {
        let renewal = Renewal::new(
            component.authorizer_key(&appid, "access_token"),
            Arc::clone(&component.store),
            component.settings,
        );
        Self {
            refresh: Refresh { component, appid, local: ArcSwapOption::empty(), requests: AtomicU64::new(0) },
            renewal,
        }
    }

    pub(crate) fn appid(&self) -> &str {
        &self.refresh.appid
    }

    pub(crate) fn fetch_count(&self) -> u64 {
        self.refresh.requests.load(Ordering::Relaxed)
    }

    pub(crate) fn cached(&self) -> Option<AccessToken> {
        self.renewal.cached()
    }

    pub(crate) async fn fetch(&self, http: &HttpContext) -> Result<AccessToken, TokenError> {
        self.renewal.fetch(http, &self.refresh).await
    }

    pub(crate) fn invalidate(&self, stale: &AccessToken) -> bool {
        self.renewal.invalidate(stale)
    }

    pub(crate) fn accepted(&self) {
        self.renewal.accepted();
    }

    /// The settings of the component, which this token renews with.
    pub(crate) fn validate(&self) -> Result<(), crate::BuildError> {
        self.renewal.settings().check()
    }
}

impl fmt::Debug for Renewed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Renewed")
            .field("component_appid", &self.refresh.component.appid)
            .field("authorizer_appid", &self.refresh.appid)
            .field("cached", &self.renewal.has_cached())
            .finish()
    }
}

impl Refresh {
    /// The refresh token: the store's, or this process's last one when the store holds none
    /// or is unavailable.
    async fn refresh_token(&self, key: &str) -> Result<Secret, TokenError> {
        let missing = || TokenError::NoRefreshToken { authorizer_appid: self.appid.clone() };
        match self.component.store.get(key).await {
            Ok(Some(stored)) => {
                self.local.store(Some(Arc::new(stored.clone())));
                Ok(stored)
            }
            Ok(None) => self.local.load().as_deref().cloned().ok_or_else(missing),
            Err(error) => {
                tracing::warn!(authorizer_appid = %self.appid, error = %error, "the token store is unavailable; using this process's refresh token");
                self.local.load().as_deref().cloned().ok_or_else(missing)
            }
        }
    }

    /// Stores `new`, which WeChat handed back for `used` (now dead at WeChat's): over `used`,
    /// or where the store holds nothing. Compared with the token actually used, not with what
    /// the store answered, so a refresh made while the store could not be read still replaces
    /// the dead token once the store is back. A value neither (the platform set another one
    /// meanwhile) is kept.
    async fn store_rotated(&self, key: &str, used: &Secret, new: &Secret) {
        let store = &self.component.store;
        let written = match store.set_if(key, Some(used), new, None).await {
            Ok(false) => store.set_if(key, None, new, None).await,
            other => other,
        };
        match written {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(authorizer_appid = %self.appid, "the stored refresh token was replaced during the refresh; kept the stored one");
            }
            Err(error) => {
                tracing::warn!(authorizer_appid = %self.appid, error = %error, "could not store the new refresh token; it is kept in this process");
            }
        }
    }
}

impl Source for Refresh {
    fn request<'a>(
        &'a self,
        http: &'a HttpContext,
        _force_refresh: bool,
    ) -> BoxFuture<'a, Result<(AccessToken, Duration), TokenError>> {
        Box::pin(async move {
            let key = self.component.refresh_token_key(&self.appid);
            let refresh = self.refresh_token(&key).await?;
            self.requests.fetch_add(1, Ordering::Relaxed);
            let (token, lifetime, handed) =
                self.component.refresh_authorizer(http, &self.appid, &refresh).await?;
            if let Some(new) = handed.filter(|new| *new != refresh) {
                self.local.store(Some(Arc::new(new.clone())));
                // Under the renewal lock nobody else refreshes; a value the platform set
                // meanwhile is not overwritten.
                self.store_rotated(&key, &refresh, &new).await;
            }
            Ok((token, lifetime))
        })
    }

    fn can_force(&self) -> bool {
        false
    }
}
