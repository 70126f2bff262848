//! Serving the spec's operations: route by path and fixed query, then check as WeChat does
//! (method, token, query, body schema) and answer from the flow's state or the spec's example.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Query, Request, State};
use axum::http::{Method as HttpMethod, StatusCode, Uri, header};
use axum::response::Response;
use serde_json::{Map, Value};

use crate::answer::{self, GeneralError};
use crate::faults::FaultKind;
use crate::flow;
use crate::sample::sample_object;
use crate::server::Shared;
use crate::spec_table::{BodyKind, Method, Operation, TokenUse};
use crate::tokens::TokenCheck;
use crate::validate::{check_body, check_query};

/// The largest request body read; larger ones are refused with HTTP 413.
pub(crate) const MAX_BODY: usize = 2 * 1024 * 1024;

const NOT_JSON: i64 = 47001;
const EMPTY_BODY: i64 = 44002;
const REQUIRE_POST: i64 = 43002;
const INVALID_URL: i64 = 40066;

/// Every request that is neither a token endpoint nor an admin route.
pub(crate) async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let query = query_pairs(&parts.uri);
    let Some(op) = route(shared.table, parts.uri.path(), &query) else {
        return shared.general_error(INVALID_URL, None);
    };
    if op.method == Method::Post && parts.method != HttpMethod::POST {
        return shared.general_error(REQUIRE_POST, None);
    }
    if let Some(fault) = shared.faults.take(op.name) {
        return fault_answer(&shared, op, fault);
    }
    if op.token == TokenUse::AccessToken {
        let check = shared.tokens.check(query_value(&query, "access_token"));
        if check != TokenCheck::Valid {
            return shared.general_error(check.errcode(), None);
        }
    }
    if let Err(problem) = check_query(op.query, &query) {
        return shared.general_error(NOT_JSON, Some(&problem.to_string()));
    }
    let content_type = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let body = match read_body(body).await.and_then(|bytes| request_body(op, &bytes, content_type)) {
        Ok(body) => body,
        Err(refusal) => return shared.refuse(refusal),
    };
    match flow::handler(op.name) {
        Some(step) => match step(&shared, &body) {
            Ok(fields) => {
                let mut answer = success_fields(op);
                answer.extend(fields);
                answer::success(answer)
            }
            Err(code) => shared.error(code, op.message(code).unwrap_or("system error"), None),
        },
        None => answer::success(success_fields(op)),
    }
}

/// The operation at `path` whose fixed query parameters the request carries.
fn route<'t>(table: &'t [Operation], path: &str, query: &[(String, String)]) -> Option<&'t Operation> {
    table.iter().find(|op| {
        op.path == path && op.fixed_query.iter().all(|(name, value)| query_value(query, name) == Some(value))
    })
}

/// The query string's pairs; an undecodable query counts as empty.
pub(crate) fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    Query::<Vec<(String, String)>>::try_from_uri(uri).map(|q| q.0).unwrap_or_default()
}

/// The first value of query parameter `name`.
pub(crate) fn query_value<'q>(query: &'q [(String, String)], name: &str) -> Option<&'q str> {
    query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// Reads the whole body, up to [`MAX_BODY`]; a larger one is refused with HTTP 413.
pub(crate) async fn read_body(body: Body) -> Result<Bytes, GeneralError> {
    axum::body::to_bytes(body, MAX_BODY).await.map_err(|_| GeneralError {
        status: StatusCode::PAYLOAD_TOO_LARGE,
        ..GeneralError::hinted(NOT_JSON, format!("[(body)] unreadable or larger than {MAX_BODY} bytes"))
    })
}

/// Parses a JSON body, or refuses it with 44002 (empty) or 47001 (not JSON) as WeChat does.
pub(crate) fn json_body(bytes: &[u8]) -> Result<Value, GeneralError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(GeneralError::new(EMPTY_BODY));
    }
    serde_json::from_slice::<Value>(bytes)
        .map_err(|e| GeneralError::hinted(NOT_JSON, format!("[(body)] not JSON: {e}")))
}

/// The request body, checked against the operation's schema.
fn request_body(op: &Operation, bytes: &[u8], content_type: &str) -> Result<Value, GeneralError> {
    match op.body {
        BodyKind::None => Ok(Value::Null),
        BodyKind::Multipart => {
            if bytes.is_empty() {
                Err(GeneralError::new(EMPTY_BODY))
            } else if !content_type.starts_with("multipart/form-data") {
                Err(GeneralError::hinted(NOT_JSON, "[(body)] expected multipart/form-data"))
            } else {
                Ok(Value::Null)
            }
        }
        BodyKind::Json => {
            let body = json_body(bytes)?;
            check_body(op.request, &body).map_err(|p| GeneralError::hinted(NOT_JSON, p.to_string()))?;
            Ok(body)
        }
    }
}

/// The fields of the operation's success answer: its spec example, or values that fit its
/// response schema when the spec has no example.
pub(crate) fn success_fields(op: &Operation) -> Map<String, Value> {
    match op.success_example.and_then(|text| serde_json::from_str::<Value>(text).ok()) {
        Some(Value::Object(map)) => map,
        _ => sample_object(op.response),
    }
}

fn fault_answer(shared: &Shared, op: &Operation, fault: FaultKind) -> Response {
    match fault {
        FaultKind::Errcode { errcode } => {
            shared.error(errcode, op.message(errcode).unwrap_or("mock fault"), None)
        }
        FaultKind::HttpStatus { status } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            answer::with_body(status, "text/plain; charset=utf-8", format!("{status} (wechat-mock fault)"))
        }
        FaultKind::Html => answer::with_body(
            StatusCode::OK,
            "text/html; charset=utf-8",
            "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1>\
             </center><hr><center>wechat-mock fault</center></body></html>"
                .to_owned(),
        ),
        FaultKind::TruncatedJson => {
            let mut whole = Map::new();
            whole.insert("errcode".to_owned(), Value::from(0));
            whole.insert("errmsg".to_owned(), Value::from("ok"));
            whole.extend(success_fields(op));
            let text = Value::Object(whole).to_string();
            let cut: String = text.chars().take(text.chars().count() / 2).collect();
            answer::with_body(StatusCode::OK, answer::JSON_CONTENT_TYPE, cut)
        }
    }
}
