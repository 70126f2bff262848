//! The runtime client, configured from the environment: the account's appid and appsecret,
//! where WeChat is, and the token cache between invocations (`token_cache`).

use std::sync::Arc;

use wechat_core::{Client, Secret, StableToken, TokenUse};

use crate::env::variable;
use crate::failure::Failure;
use crate::profile::Profile;
use crate::token_cache;

/// The account's AppID.
pub(crate) const APPID: &str = "WECHAT_APPID";
/// The account's AppSecret.
pub(crate) const SECRET: &str = "WECHAT_SECRET";
/// Where calls go instead of WeChat's default host.
pub(crate) const BASE_URL: &str = "WECHAT_BASE_URL";

/// A client for an endpoint taking `token`: the appid and appsecret are read only when the
/// endpoint needs an access token (the token endpoints themselves take their credentials as
/// fields). Each setting comes from its variable, else from `profile`.
pub(crate) fn client(token: TokenUse, profile: &Profile) -> Result<Client, Failure> {
    let mut builder = Client::builder();
    let base_url = variable(BASE_URL)?.or_else(|| profile.base_url.clone());
    if let Some(url) = &base_url {
        builder = builder.base_url(url);
    }
    if token != TokenUse::None {
        let appid = match variable(APPID)?.or_else(|| profile.appid.clone()) {
            Some(appid) => appid,
            None => return Err(Failure::MissingVariable { name: APPID, what: "the account's AppID" }),
        };
        let secret = match variable(SECRET)?.map(Secret::new).or_else(|| profile.secret.clone()) {
            Some(secret) => secret,
            None => return Err(Failure::MissingVariable { name: SECRET, what: "the account's AppSecret" }),
        };
        let mut tokens = StableToken::new(appid, secret);
        let reached = base_url.as_deref().unwrap_or(wechat_core::DEFAULT_BASE_URL);
        if let Some(cache) = token_cache::for_base_url(reached)? {
            tokens = tokens.store(Arc::new(cache));
        }
        builder = builder.token_provider(tokens);
    }
    // The base URL is the only setting taken from outside: a problem is the variable's when it
    // is set, and the build's otherwise (a binary built without TLS cannot reach WeChat's host).
    builder.build().map_err(|e| match base_url {
        Some(_) => Failure::BadVariable { name: BASE_URL, problem: e.to_string() },
        None => Failure::Call(format!("cannot reach WeChat's default host: {e}")),
    })
}
