//! `GET /intp/invoice/getpdf?action=media_pdf&media_key=…`: the download behind a getpdf
//! `pdf_url`, as WeChat serves it on mp.weixin.qq.com. The stored bytes with their content
//! type while the link is valid; 404 once it has expired or for a key never handed out.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::answer;
use crate::api::{query_pairs, query_value};
use crate::state::Shared;

/// The file a `pdf_url` leads to.
pub(crate) async fn pdf(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let query = query_pairs(request.uri());
    let file = match query_value(&query, "action") {
        Some("media_pdf") => query_value(&query, "media_key").and_then(|key| shared.media.download(key)),
        _ => None,
    };
    let Some(file) = file else {
        return answer::with_body(
            StatusCode::NOT_FOUND,
            "text/plain; charset=utf-8",
            "no such file: the media_key is unknown or its link has expired (wechat-mock)".to_owned(),
        );
    };
    let content_type = HeaderValue::from_str(&file.content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    let mut response = file.bytes.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, content_type);
    response
}
