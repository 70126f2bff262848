//! The component endpoints: the platform's token, pre-auth codes, `api_query_auth`, and the
//! authorizer-token refresh. Each answer is read as WeChat's token endpoints answer: an
//! `errcode` other than 0 is a refusal; a token field missing or empty is undecodable.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::{Value, json};

use super::Component;
use crate::error::{TokenError, excerpt_without};
use crate::future::BoxFuture;
use crate::redact::redact;
use crate::secret::{AccessToken, Secret};
use crate::store::renewal::{Renewal, Source};
use crate::token::{StableToken, parse_named_token, token_read_error};
use crate::transport::HttpContext;

/// A pre-auth code, for the page where an account authorizes the platform.
#[derive(Debug, Clone)]
pub struct PreAuthCode {
    /// The platform's `component_appid`, which the authorization page names.
    pub component_appid: String,
    /// The code (printed as `***`).
    pub code: Secret,
    /// How long it is valid (WeChat: 1800 s).
    pub expires_in: Duration,
}

impl PreAuthCode {
    /// The page an account's administrator opens to authorize the platform; WeChat then
    /// sends them to `redirect_uri` with `auth_code`, for
    /// [`Component::query_auth`].
    pub fn authorization_url(&self, redirect_uri: &str) -> String {
        format!(
            "https://mp.weixin.qq.com/cgi-bin/componentloginpage?component_appid={}&pre_auth_code={}&redirect_uri={}",
            percent_encoded(&self.component_appid),
            percent_encoded(self.code.expose()),
            percent_encoded(redirect_uri)
        )
    }
}

/// What `api_query_auth` says about a new authorization. Its tokens are in the component's
/// store already: [`Component::authorizer`] uses them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// The account that authorized the platform.
    pub authorizer_appid: String,
    /// The permission sets (`func_info[].funcscope_category.id`) it granted.
    pub permissions: Vec<i64>,
}

/// Fetches the component token for [`Renewal`].
pub(super) struct ComponentSource<'a> {
    pub(super) component: &'a Component,
}

impl Source for ComponentSource<'_> {
    fn request<'a>(
        &'a self,
        http: &'a HttpContext,
        _force_refresh: bool,
    ) -> BoxFuture<'a, Result<(AccessToken, Duration), TokenError>> {
        Box::pin(async move {
            let component = self.component;
            let ticket = component.verify_ticket().await?;
            component.requests.fetch_add(1, Ordering::Relaxed);
            let body = json!({
                "component_appid": component.appid,
                "component_appsecret": component.secret.expose(),
                "component_verify_ticket": ticket.expose(),
            });
            let secrets = [component.secret.expose(), ticket.expose()];
            let bytes = http
                .post_json(Component::COMPONENT_TOKEN_PATH, &body, &secrets)
                .await
                .map_err(token_read_error)?;
            parse_named_token(&bytes, &secrets, "component_access_token")
        })
    }

    fn can_force(&self) -> bool {
        false
    }
}

impl Component {
    /// A pre-auth code (`api_create_preauthcode`), to send an account's administrator to the
    /// authorization page ([`PreAuthCode::authorization_url`]).
    pub async fn pre_auth_code(&self, http: &HttpContext) -> Result<PreAuthCode, TokenError> {
        let body = json!({ "component_appid": self.appid });
        let answer = self.post_with_token(http, Self::PRE_AUTH_CODE_PATH, &body, &[]).await?;
        let (code, expires_in) = answer.token("pre_auth_code")?;
        Ok(PreAuthCode { component_appid: self.appid.clone(), code: Secret::new(code.expose()), expires_in })
    }

    /// Completes an authorization (`api_query_auth`) with the `auth_code` WeChat sent to the
    /// redirect URI: stores the authorizer's refresh token and access token in the store,
    /// where [`authorizer`](Self::authorizer) finds them.
    pub async fn query_auth(&self, http: &HttpContext, auth_code: &str) -> Result<Authorization, TokenError> {
        let body = json!({ "component_appid": self.appid, "authorization_code": auth_code });
        let answer = self.post_with_token(http, Self::QUERY_AUTH_PATH, &body, &[auth_code]).await?;
        let info = answer.field("authorization_info")?;
        let authorizer_appid = info
            .value
            .get("authorizer_appid")
            .and_then(Value::as_str)
            .filter(|a| !a.is_empty())
            .ok_or_else(|| info.undecodable("authorization_info: no authorizer_appid"))?;
        let (token, lifetime) = info.token("authorizer_access_token")?;
        let refresh = info.secret("authorizer_refresh_token")?;
        let permissions = info
            .value
            .get("func_info")
            .and_then(Value::as_array)
            .map(|sets| {
                sets.iter()
                    .filter_map(|set| set.pointer("/funcscope_category/id").and_then(Value::as_i64))
                    .collect()
            })
            .unwrap_or_default();
        // The refresh token first: without it the account would have to authorize again.
        if let Err(error) = self.set_refresh_token(authorizer_appid, refresh.clone()).await {
            tracing::warn!(component_appid = %self.appid, %authorizer_appid, error = %error, "could not store the refresh token; the authorizer's provider will not find it after a restart");
        }
        let renewal = Renewal::new(
            self.authorizer_key(authorizer_appid, "access_token"),
            Arc::clone(&self.store),
            self.settings,
        );
        renewal.seed(token, lifetime).await;
        Ok(Authorization { authorizer_appid: authorizer_appid.to_owned(), permissions })
    }

    /// `api_authorizer_token` with `refresh_token`: the new token, its lifetime, and the
    /// refresh token WeChat handed back.
    pub(super) async fn refresh_authorizer(
        &self,
        http: &HttpContext,
        authorizer_appid: &str,
        refresh_token: &Secret,
    ) -> Result<(AccessToken, Duration, Option<Secret>), TokenError> {
        let body = json!({
            "component_appid": self.appid,
            "authorizer_appid": authorizer_appid,
            "authorizer_refresh_token": refresh_token.expose(),
        });
        let answer =
            self.post_with_token(http, Self::AUTHORIZER_TOKEN_PATH, &body, &[refresh_token.expose()]).await?;
        let (token, lifetime) = answer.token("authorizer_access_token")?;
        let refresh = answer.secret("authorizer_refresh_token").ok();
        Ok((token, lifetime, refresh))
    }

    /// POSTs `body` to `path` with the component token in `component_access_token`; renews
    /// the component token once if WeChat refuses it. `secrets` are masked in errors.
    async fn post_with_token(
        &self,
        http: &HttpContext,
        path: &str,
        body: &Value,
        secrets: &[&str],
    ) -> Result<Answer, TokenError> {
        let mut renewed = false;
        loop {
            let token = self.access_token(http).await?;
            let url = format!("{path}?component_access_token={}", percent_encoded(token.expose()));
            let mut masked = vec![token.expose(), self.secret.expose()];
            masked.extend_from_slice(secrets);
            let bytes = http.post_json(&url, body, &masked).await.map_err(token_read_error)?;
            match Answer::parse(&bytes, &masked) {
                Err(TokenError::Refused { errcode: 40001 | 40014 | 42001, .. })
                    if !renewed && self.invalidate_access_token(&token) =>
                {
                    tracing::debug!(component_appid = %self.appid, "WeChat refused the component token; renewing it and retrying once");
                    renewed = true;
                }
                Err(error) => return Err(error),
                Ok(answer) => {
                    self.token.accepted();
                    return Ok(answer);
                }
            }
        }
    }
}

/// A decoded answer, with what it needs to report a field it lacks without quoting secrets.
pub(super) struct Answer {
    value: Value,
    excerpt: String,
    masked: Vec<String>,
}

impl Answer {
    fn parse(bytes: &[u8], secrets: &[&str]) -> Result<Self, TokenError> {
        let excerpt = excerpt_without(bytes, secrets);
        let masked: Vec<String> = secrets.iter().map(|s| (*s).to_owned()).collect();
        let value: Value = serde_json::from_slice(bytes).map_err(|e| {
            TokenError::Decode(format!(
                "{}; the body starts with {excerpt:?}",
                redact(&e.to_string(), secrets)
            ))
        })?;
        let errcode = value.get("errcode").and_then(|c| c.as_i64().or_else(|| c.as_str()?.parse().ok()));
        if let Some(errcode) = errcode.filter(|c| *c != 0) {
            let errmsg = value.get("errmsg").and_then(Value::as_str).unwrap_or_default();
            return Err(TokenError::Refused { errcode, errmsg: redact(errmsg, secrets) });
        }
        if !value.is_object() {
            return Err(TokenError::Decode(format!("not a JSON object; the body starts with {excerpt:?}")));
        }
        Ok(Self { value, excerpt, masked })
    }

    fn undecodable(&self, what: &str) -> TokenError {
        TokenError::Decode(format!("{what}; the body starts with {:?}", self.excerpt))
    }

    fn field(&self, name: &str) -> Result<Self, TokenError> {
        let value = self
            .value
            .get(name)
            .filter(|v| v.is_object())
            .ok_or_else(|| self.undecodable(&format!("no {name}")))?;
        Ok(Self { value: value.clone(), excerpt: self.excerpt.clone(), masked: self.masked.clone() })
    }

    fn secret(&self, name: &str) -> Result<Secret, TokenError> {
        self.value
            .get(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(Secret::new)
            .ok_or_else(|| self.undecodable(&format!("no {name}")))
    }

    /// The token under `name` with `expires_in`, checked as the token endpoints' are.
    fn token(&self, name: &str) -> Result<(AccessToken, Duration), TokenError> {
        let masked: Vec<&str> = self.masked.iter().map(String::as_str).collect();
        let body = serde_json::to_vec(&self.value).map_err(|e| self.undecodable(&e.to_string()))?;
        parse_named_token(&body, &masked, name)
            .map(|(token, lifetime)| (token, lifetime.min(StableToken::MAX_LIFETIME)))
    }
}

/// `text` with everything but RFC 3986's unreserved characters percent-encoded.
fn percent_encoded(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn refusals_and_missing_fields_are_typed_and_quote_no_secret() {
        let refused =
            Answer::parse(br#"{"errcode":61023,"errmsg":"refresh_token is invalid"}"#, &[]).err().unwrap();
        assert_eq!(
            refused,
            TokenError::Refused { errcode: 61023, errmsg: "refresh_token is invalid".into() }
        );
        let answer =
            Answer::parse(br#"{"authorizer_access_token":"TOKEN-X","expires_in":7200}"#, &["TOKEN-X"])
                .unwrap();
        let (token, lifetime) = answer.token("authorizer_access_token").unwrap();
        assert_eq!((token.expose(), lifetime), ("TOKEN-X", Duration::from_secs(7200)));
        let missing = answer.secret("authorizer_refresh_token").unwrap_err();
        assert!(missing.to_string().contains("no authorizer_refresh_token"), "{missing}");
        assert!(!missing.to_string().contains("TOKEN-X"), "{missing}");
        let garbled = Answer::parse(br#"{"authorizer_access_token":"TOKEN-X""#, &["TOKEN-X"]).err().unwrap();
        assert!(matches!(&garbled, TokenError::Decode(m) if !m.contains("TOKEN-X")), "{garbled}");
    }

    #[test]
    fn the_authorization_page_link_encodes_its_parameters() {
        let code = PreAuthCode {
            component_appid: "wx_component".to_owned(),
            code: Secret::new("preauth@1"),
            expires_in: Duration::from_secs(1800),
        };
        let url = code.authorization_url("https://platform.example/cb?x=1");
        assert!(url.ends_with(
            "component_appid=wx_component&pre_auth_code=preauth%401&redirect_uri=https%3A%2F%2Fplatform.example%2Fcb%3Fx%3D1"
        ), "{url}");
    }
}
