//! `POST /cgi-bin/stable_token` and `GET /cgi-bin/token`: the only credentials the mock
//! accepts are its configured appid and appsecret. A success answer has no `errcode`, as
//! WeChat's has none: `{"access_token": "...", "expires_in": 7200}`. A fault queued for the
//! operation by name (`get_stable_access_token`, `get_access_token`) is answered instead.
//! Every request is counted per appid as it arrives, faulted or not.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::response::Response;
use serde_json::{Value, json};

use crate::answer::{self, GeneralError};
use crate::api::{answered, fault_answer, json_body, query_pairs, query_value, read_body};
use crate::faults::Reach;
use crate::serving::{STABLE_TOKEN_PATH as STABLE_TOKEN, TOKEN_PATH as TOKEN};
use crate::state::Shared;
use crate::tokens::Issue;

const INVALID_GRANT_TYPE: i64 = 40002;
const INVALID_APPID: i64 = 40013;
const INVALID_APPSECRET: i64 = 40125;
const REQUIRE_POST: i64 = 43002;
const DATA_FORMAT_ERROR: i64 = 47001;

/// `POST /cgi-bin/stable_token` with JSON `grant_type`, `appid`, `secret`, `force_refresh`.
pub(crate) async fn stable_token(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    if request.method() != Method::POST {
        return shared.general_error(REQUIRE_POST, None);
    }
    let body = read_body(request.into_body()).await.and_then(|bytes| json_body(&bytes));
    // Counted as it arrives, so a request answered late (a slow fault) or never (its caller
    // gave up) counts as any other.
    let appid = body.as_ref().ok().and_then(|body| body.get("appid")).and_then(Value::as_str);
    shared.token_requests.record(STABLE_TOKEN, appid.unwrap_or_default());
    if let Some(fault) = named_fault(&shared, STABLE_TOKEN).await {
        return fault;
    }
    let body = match body {
        Ok(body) => body,
        Err(refusal) => return shared.refuse(refusal),
    };
    let field = |name: &str| body.get(name).and_then(Value::as_str);
    if let Err(refusal) = check_credentials(&shared, field("grant_type"), field("appid"), field("secret")) {
        return shared.refuse(refusal);
    }
    let force_refresh = match body.get("force_refresh") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(force)) => *force,
        Some(_) => {
            return shared.general_error(DATA_FORMAT_ERROR, Some("[force_refresh] expected boolean"));
        }
    };
    let how = if force_refresh { Issue::StableForceRefresh } else { Issue::Stable };
    issue(&shared, how, STABLE_TOKEN)
}

/// `GET /cgi-bin/token?grant_type=client_credential&appid=APPID&secret=APPSECRET`.
pub(crate) async fn token(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let query = query_pairs(request.uri());
    let field = |name: &str| query_value(&query, name);
    shared.token_requests.record(TOKEN, field("appid").unwrap_or_default());
    if let Some(fault) = named_fault(&shared, TOKEN).await {
        return fault;
    }
    if let Err(refusal) = check_credentials(&shared, field("grant_type"), field("appid"), field("secret")) {
        return shared.refuse(refusal);
    }
    issue(&shared, Issue::Classic, TOKEN)
}

/// The answer of a fault queued by name for the spec operation at `path`, if any.
async fn named_fault(shared: &Shared, path: &str) -> Option<Response> {
    let op = shared.table.iter().find(|op| op.path == path)?;
    let fault = shared.faults.take(op.key, Reach::Named)?;
    fault_answer(shared, op, fault).await
}

fn check_credentials(
    shared: &Shared,
    grant_type: Option<&str>,
    appid: Option<&str>,
    secret: Option<&str>,
) -> Result<(), GeneralError> {
    if grant_type != Some("client_credential") {
        return Err(GeneralError::new(INVALID_GRANT_TYPE));
    }
    if appid != Some(shared.config.appid.as_str()) {
        return Err(GeneralError::new(INVALID_APPID));
    }
    if secret != Some(shared.config.secret.expose()) {
        return Err(GeneralError::new(INVALID_APPSECRET));
    }
    Ok(())
}

/// A new token, or the answer a test queued by name in its place (which issues none).
fn issue(shared: &Shared, how: Issue, path: &str) -> Response {
    let op = shared.table.iter().find(|op| op.path == path);
    if let Some(op) = op
        && let Some(fields) = shared.faults.take_answer(op.key, Reach::Named)
    {
        return answered(shared, op, fields);
    }
    let (token, expires_in) =
        shared.tokens.issue(how, shared.config.token_lifetime, shared.config.superseded_grace);
    let body = json!({ "access_token": token, "expires_in": expires_in });
    let response = answer::success(&body);
    if let Some(op) = op {
        shared.answers.record(op.key, body);
    }
    response
}
