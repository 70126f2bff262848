//! WeChat-shaped HTTP answers: JSON with `errcode` and `errmsg`, WeChat's content type, and
//! an `rid` at the end of every error message as WeChat appends one.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// The content type WeChat sends with JSON answers.
pub(crate) const JSON_CONTENT_TYPE: &str = "application/json; encoding=utf-8";

/// A refusal with one of WeChat's general codes, to be answered by the server (which adds the
/// message from the spec and an rid).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GeneralError {
    /// The `errcode`.
    pub(crate) code: i64,
    /// What exactly was wrong, e.g. `[order_id] missing`.
    pub(crate) hint: Option<String>,
    /// The HTTP status; WeChat answers its errors with 200.
    pub(crate) status: StatusCode,
}

impl GeneralError {
    /// `code` without a hint.
    pub(crate) fn new(code: i64) -> Self {
        Self { code, hint: None, status: StatusCode::OK }
    }

    /// `code` with a hint.
    pub(crate) fn hinted(code: i64, hint: impl Into<String>) -> Self {
        Self { code, hint: Some(hint.into()), status: StatusCode::OK }
    }
}

/// The `errcode` an answer carries, kept beside it for the request log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Errcode(pub(crate) i64);

/// The header that carries each warning of an answer, one value per warning.
pub(crate) const WARNING_HEADER: &str = "x-mock-warning";

/// What the mock accepted only because the spec marks it `lenient_in_mock`, kept beside the
/// answer for the request log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Warnings(pub(crate) Vec<String>);

/// Adds `warnings` to an answer: one `X-Mock-Warning` header each, and for the request log.
pub(crate) fn warn(response: &mut Response, warnings: Vec<String>) {
    if warnings.is_empty() {
        return;
    }
    for warning in &warnings {
        // Field paths and media types are ASCII; anything else is escaped rather than dropped.
        let value = HeaderValue::from_str(warning).unwrap_or_else(|_| {
            HeaderValue::from_str(&warning.escape_default().to_string())
                .unwrap_or(HeaderValue::from_static("(unprintable warning)"))
        });
        response.headers_mut().append(WARNING_HEADER, value);
    }
    response.extensions_mut().insert(Warnings(warnings));
}

/// HTTP 200 with a JSON body.
pub(crate) fn json(value: &Value) -> Response {
    with_body(StatusCode::OK, JSON_CONTENT_TYPE, value.to_string())
}

/// A WeChat error answer: `{"errcode": code, "errmsg": "<message>[ hint: [<hint>]] rid: <rid>"}`.
pub(crate) fn error(code: i64, message: &str, hint: Option<&str>, rid: &str) -> Response {
    let errmsg = match hint {
        Some(hint) => format!("{message} hint: {hint} rid: {rid}"),
        None => format!("{message} rid: {rid}"),
    };
    let mut response = json(&json!({ "errcode": code, "errmsg": errmsg }));
    response.extensions_mut().insert(Errcode(code));
    response
}

/// The body of a success answer: `fields` after `"errcode": 0, "errmsg": "ok"`.
pub(crate) fn success_body(fields: Map<String, Value>) -> Value {
    let mut body = Map::new();
    body.insert("errcode".to_owned(), Value::from(0));
    body.insert("errmsg".to_owned(), Value::from("ok"));
    for (key, value) in fields {
        if key != "errcode" && key != "errmsg" {
            body.insert(key, value);
        }
    }
    Value::Object(body)
}

/// HTTP 200 with a success body, marked as errcode 0 for the request log.
pub(crate) fn success(body: &Value) -> Response {
    let mut response = json(body);
    response.extensions_mut().insert(Errcode(0));
    response
}

/// Any status, content type and body.
pub(crate) fn with_body(status: StatusCode, content_type: &'static str, body: String) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}
