//! The admin routes under `/__mock/`: what a test or a demo does that WeChat's users and
//! WeChat itself would do (authorize an order, be busy, fail), and what it inspects.
//! Answers are JSON, errors included, whatever went wrong: `{"error": "..."}` with HTTP 400
//! for a body that is not the route's JSON, 413 for one over [`MAX_ADMIN_BODY`] bytes (or
//! unreadable), 404 for an unknown route and 405 for a method the route does not take.
//!
//! | route | body | does |
//! |---|---|---|
//! | `POST /__mock/faults` | `{"kind": "errcode", "errcode": -1, "times"?: 2, "operation"?: "insert_bill", "delay_ms"?: 500}`, or kind `http_status` (with `status`), `html`, `truncated_json`, `answer` (with `body`), `normal` (with `delay_ms`) | queues a fault |
//! | `GET /__mock/faults` | | queued faults and the latency |
//! | `DELETE /__mock/faults` | | drops queued faults and the latency |
//! | `PUT /__mock/latency` | `{"millis": 250}` | delays every WeChat answer |
//! | `POST /__mock/tokens/expire` | | every issued token expires now |
//! | `GET /__mock/requests` | | request counts per path, the log of the latest requests (`method`, `path`, `status`, `errcode`, `warnings`), and `token_requests`: token requests per path and appid (`path`, `appid`, `count`) |
//! | `DELETE /__mock/requests` | | resets the counts, the log and the token requests |
//! | `GET /__mock/operations` | | the operations served, from the spec, and where each answer comes from (`answers`: `token_endpoint`, `state`, `example`) |
//! | `GET /__mock/openapi.json` | | the OpenAPI 3.1 document of the spec (`docs/openapi.json`): every operation, its schemas, examples and error codes, and the push events as `webhooks` |
//! | `POST /__mock/component/verify_ticket` | `{"component_appid"}` | WeChat pushes the platform a new `component_verify_ticket` (to `--push-url`); from then on its `api_component_token` takes only tickets pushed to it (61006 otherwise). Answers the `delivery` id; 409 without `--push-url` |
//! | `POST /__mock/state/{resource}` | a record (JSON object) | keeps it as a record of the spec's resource (see `MockServer::seed`); 404 unknown resource, 400 a record it cannot keep |
//! | `GET /__mock/state/{resource}` | | `{"records": [...]}`, in the order they were made |
//! | `POST /__mock/user/{group}/{name}` | the action's parameters | does what the user action `spec/<group>/user/<name>.toml` declares and answers its answer; 404 unknown action, 400 parameters not matching, 422 `{"errcode", "errmsg"}` when WeChat would refuse it |
//! | `GET /__mock/pushes` | | every event pushed to `--push-url`: `event`, `message` (in clear), `encrypted`, `outcome` (`pending`, `delivered`, `failed`) and each of its `attempts` (`status`, `answer`, `error`) |

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{FromRequest, OriginalUri, Path, Request, State};
use axum::http::header;
use axum::http::{Method as HttpMethod, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::answer;
use crate::declared::UserActionError;
use crate::engine::SeedError;
use crate::faults::Fault;
use crate::serving::{AnswerSource, answer_source};
use crate::spec_table::{BodyKind, Method, TokenUse};
use crate::state::Shared;

/// The admin routes, to nest under `/__mock`.
pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/pushes", get(pushes))
        .route("/faults", post(push_fault).get(faults).delete(clear_faults))
        .route("/latency", put(set_latency))
        .route("/tokens/expire", post(expire_tokens))
        .route("/requests", get(requests).delete(reset_requests))
        .route("/operations", get(operations))
        .route("/openapi.json", get(openapi))
        .route("/component/verify_ticket", post(push_verify_ticket))
        .route("/state/{resource}", post(seed_record).get(records))
        .route("/user/{group}/{name}", post(user_action))
        .fallback(unknown)
        .method_not_allowed_fallback(wrong_method)
}

/// The largest body an admin route reads: its JSON is a few hundred bytes.
pub(crate) const MAX_ADMIN_BODY: usize = 256 * 1024;

/// An admin route's JSON body; whatever is wrong with it is answered in the admin routes'
/// error shape, never with the framework's plain-text rejections.
struct AdminJson<T>(T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for AdminJson<T> {
    type Rejection = Response;

    async fn from_request(request: Request, _: &S) -> Result<Self, Response> {
        // A body cut short and one over the limit fail alike here; whoever cut it short is not
        // reading the answer anyway.
        let bytes = axum::body::to_bytes(request.into_body(), MAX_ADMIN_BODY).await.map_err(|_| {
            refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("body unreadable or larger than {MAX_ADMIN_BODY} bytes"),
            )
        })?;
        parse(&bytes).map(Self).map_err(|problem| refuse(StatusCode::BAD_REQUEST, problem))
    }
}

fn ok(value: &Value) -> Response {
    answer::json(value)
}

fn refuse(status: StatusCode, message: impl std::fmt::Display) -> Response {
    let mut response = answer::json(&json!({ "error": message.to_string() }));
    *response.status_mut() = status;
    response
}

fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    serde_json::from_slice(bytes).map_err(|e| format!("invalid body: {e}"))
}

async fn pushes(State(shared): State<Arc<Shared>>) -> Response {
    ok(&json!({ "deliveries": shared.pushes.deliveries() }))
}

async fn push_fault(State(shared): State<Arc<Shared>>, AdminJson(fault): AdminJson<Fault>) -> Response {
    match shared.faults.push(fault) {
        Ok(()) => faults(State(shared)).await,
        Err(e) => refuse(StatusCode::BAD_REQUEST, e),
    }
}

async fn faults(State(shared): State<Arc<Shared>>) -> Response {
    let latency = u64::try_from(shared.faults.latency().as_millis()).unwrap_or(u64::MAX);
    ok(&json!({ "pending": shared.faults.pending(), "latency_ms": latency }))
}

async fn clear_faults(State(shared): State<Arc<Shared>>) -> Response {
    shared.faults.clear();
    faults(State(shared)).await
}

#[derive(Deserialize)]
struct Latency {
    millis: u64,
}

async fn set_latency(State(shared): State<Arc<Shared>>, AdminJson(latency): AdminJson<Latency>) -> Response {
    shared.faults.set_latency(Duration::from_millis(latency.millis));
    faults(State(shared)).await
}

async fn expire_tokens(State(shared): State<Arc<Shared>>) -> Response {
    shared.tokens.expire_now();
    shared.platform_tokens.expire_now();
    ok(&json!({ "expired": shared.tokens.issued() }))
}

async fn requests(State(shared): State<Arc<Shared>>) -> Response {
    let token_requests: Vec<Value> = shared
        .token_requests
        .snapshot()
        .into_iter()
        .map(|((path, appid), count)| json!({ "path": path, "appid": appid, "count": count }))
        .collect();
    ok(&json!({
        "counts": shared.requests.snapshot(),
        "log": shared.requests.log(),
        "token_requests": token_requests,
    }))
}

async fn reset_requests(State(shared): State<Arc<Shared>>) -> Response {
    shared.requests.reset();
    shared.token_requests.reset();
    requests(State(shared)).await
}

/// The OpenAPI 3.1 document of the spec, which the generator writes beside the mock's tables
/// (the same text as `docs/openapi.json`, which a published crate could not include).
const OPENAPI: &str = include_str!("generated/openapi.json");

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, answer::JSON_CONTENT_TYPE)], OPENAPI).into_response()
}

async fn operations(State(shared): State<Arc<Shared>>) -> Response {
    let list: Vec<Value> = shared
        .table
        .iter()
        .map(|op| {
            let source = answer_source(op.key).unwrap_or(AnswerSource::Example);
            json!({
                "name": op.name,
                "key": op.key,
                "group": op.group,
                "interface": op.interface,
                "summary": op.summary,
                "method": match op.method { Method::Get => "GET", Method::Post => "POST" },
                "path": op.path,
                "fixed_query": op.fixed_query.iter().map(|(k, v)| json!({ "name": k, "value": v })).collect::<Vec<_>>(),
                "token": match op.token { TokenUse::AccessToken => "access_token", TokenUse::None => "none" },
                "third_party": op.third_party,
                "query": op.query.iter().map(|f| json!({ "name": f.name, "required": f.required })).collect::<Vec<_>>(),
                "body": match op.body { BodyKind::Json => "json", BodyKind::Multipart => "multipart", BodyKind::None => "none" },
                "fixed_body": op.fixed_body.iter().map(|(k, v)| json!({ "name": k, "value": v })).collect::<Vec<_>>(),
                "files": op.files.iter().map(|f| json!({
                    "name": f.name, "content_type": f.content_type, "max_size": f.max_size, "required": f.required,
                })).collect::<Vec<_>>(),
                "answers": source.as_str(),
                "stateful": source != AnswerSource::Example,
            })
        })
        .collect();
    ok(&json!({ "operations": list }))
}

#[derive(Deserialize)]
struct ComponentAppid {
    component_appid: String,
}

async fn seed_record(
    State(shared): State<Arc<Shared>>,
    Path(resource): Path<String>,
    AdminJson(record): AdminJson<Value>,
) -> Response {
    match crate::declared::seed(&shared, &resource, record) {
        Ok(record) => ok(&record),
        Err(error @ SeedError::UnknownResource(_)) => refuse(StatusCode::NOT_FOUND, error),
        Err(error) => refuse(StatusCode::BAD_REQUEST, error),
    }
}

async fn records(State(shared): State<Arc<Shared>>, Path(resource): Path<String>) -> Response {
    if shared.engine.resource(&resource).is_none() {
        return refuse(StatusCode::NOT_FOUND, SeedError::UnknownResource(resource));
    }
    let records: Vec<Value> = shared.engine.records(&resource).into_iter().map(Value::Object).collect();
    ok(&json!({ "records": records }))
}

async fn user_action(
    State(shared): State<Arc<Shared>>,
    Path((group, name)): Path<(String, String)>,
    AdminJson(params): AdminJson<Value>,
) -> Response {
    match crate::declared::user_action(&shared, &format!("{group}/{name}"), &params) {
        Ok(answer) => ok(&answer),
        Err(error @ UserActionError::Unknown(_)) => refuse(StatusCode::NOT_FOUND, error),
        Err(error @ (UserActionError::Invalid(_) | UserActionError::Unserializable(_))) => {
            refuse(StatusCode::BAD_REQUEST, error)
        }
        Err(UserActionError::Refused { errcode, errmsg }) => {
            let mut response = answer::json(&json!({ "errcode": errcode, "errmsg": errmsg }));
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            response
        }
    }
}

async fn push_verify_ticket(
    State(shared): State<Arc<Shared>>,
    AdminJson(platform): AdminJson<ComponentAppid>,
) -> Response {
    if platform.component_appid.trim().is_empty() {
        return refuse(StatusCode::BAD_REQUEST, "component_appid is empty");
    }
    match shared.push_verify_ticket(&platform.component_appid) {
        Some(delivery) => ok(&json!({ "delivery": delivery })),
        None => refuse(
            StatusCode::CONFLICT,
            "no push target (--push-url): a ticket no platform receives would only make its api_component_token fail",
        ),
    }
}

async fn unknown(OriginalUri(uri): OriginalUri) -> Response {
    refuse(
        StatusCode::NOT_FOUND,
        format!("no admin route at {}; see the crate docs for the list", uri.path()),
    )
}

async fn wrong_method(method: HttpMethod, OriginalUri(uri): OriginalUri) -> Response {
    refuse(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{method} is not a method of {}; see the crate docs for the list", uri.path()),
    )
}
