//! The third-party platform endpoints the spec does not bind (they serve the runtime's
//! token chain, not an app's calls): `api_create_preauthcode` and `api_query_auth`. Both take
//! a `component_access_token` the mock issued (40001 for another, 42001 once expired).
//! `api_query_auth` takes an authorization code from
//! [`PlatformTokens::authorize`](crate::PlatformTokens::authorize) (40029 for another) and
//! answers the authorizer's first access and refresh tokens.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::response::Response;
use serde_json::{Value, json};

use crate::answer;
use crate::api::{json_body, query_pairs, query_value, read_body};
use crate::platform_tokens::PlatformToken;
use crate::state::Shared;
use crate::tokens::TokenCheck;

/// `POST /cgi-bin/component/api_create_preauthcode`.
pub(crate) const PRE_AUTH_CODE: &str = "/cgi-bin/component/api_create_preauthcode";
/// `POST /cgi-bin/component/api_query_auth`.
pub(crate) const QUERY_AUTH: &str = "/cgi-bin/component/api_query_auth";

const REQUIRE_POST: i64 = 43002;
const INVALID_CODE: i64 = 40029;
/// How long a pre-auth code is valid, as WeChat says: 30 minutes.
const PRE_AUTH_LIFETIME: u64 = 1800;

/// The JSON body, once the method and the component token are checked.
async fn checked_body(shared: &Shared, request: Request, path: &str) -> Result<Value, Response> {
    if request.method() != Method::POST {
        return Err(shared.general_error(REQUIRE_POST, None));
    }
    let query = query_pairs(request.uri());
    let check =
        shared.platform_tokens.check(PlatformToken::Component, query_value(&query, "component_access_token"));
    let body = read_body(request.into_body())
        .await
        .and_then(|bytes| json_body(&bytes))
        .map_err(|r| shared.refuse(r))?;
    let appid = body.get("component_appid").and_then(Value::as_str).unwrap_or_default();
    shared.token_requests.record(path, appid);
    if check != TokenCheck::Valid {
        return Err(shared.general_error(check.errcode(), None));
    }
    Ok(body)
}

/// A pre-auth code for the authorization page.
pub(crate) async fn pre_auth_code(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    if let Err(refusal) = checked_body(&shared, request, PRE_AUTH_CODE).await {
        return refusal;
    }
    let code = shared
        .platform_tokens
        .issue(PlatformToken::PreAuthCode, std::time::Duration::from_secs(PRE_AUTH_LIFETIME));
    answer::success(&json!({ "pre_auth_code": code, "expires_in": PRE_AUTH_LIFETIME }))
}

/// The authorization behind an authorization code: the authorizer's appid, first tokens and
/// permission sets.
pub(crate) async fn query_auth(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let body = match checked_body(&shared, request, QUERY_AUTH).await {
        Ok(body) => body,
        Err(refusal) => return refusal,
    };
    let code = body.get("authorization_code").and_then(Value::as_str).unwrap_or_default();
    let Some(authorizer_appid) = shared.platform_tokens.redeem(code) else {
        return shared.error(INVALID_CODE, "invalid code", None);
    };
    let lifetime = shared.config.token_lifetime;
    let token = shared.platform_tokens.issue(PlatformToken::Authorizer, lifetime);
    let refresh = shared.platform_tokens.new_refresh_token(&authorizer_appid);
    answer::success(&json!({
        "authorization_info": {
            "authorizer_appid": authorizer_appid,
            "authorizer_access_token": token,
            "expires_in": lifetime.as_secs(),
            "authorizer_refresh_token": refresh,
            "func_info": [{ "funcscope_category": { "id": 1 } }, { "funcscope_category": { "id": 15 } }],
        }
    }))
}
