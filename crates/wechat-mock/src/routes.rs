//! The routes of a mock server: the admin routes under [`ADMIN_PREFIX`], the token
//! endpoints, the PDF download, and every spec operation, behind the layer that counts, delays
//! and logs each WeChat request.

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{any, get};

use crate::answer::{Errcode, Warnings};
use crate::media::DOWNLOAD_PATH;
use crate::requests::LoggedRequest;
use crate::state::Shared;
use crate::{admin, api, component_endpoints, download, token_endpoints};

/// Where admin routes live; everything else is WeChat's.
pub(crate) const ADMIN_PREFIX: &str = "/__mock";

/// Every route of a server over `shared`.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    // Extractors (the multipart parser among them) read up to the largest upload the spec
    // allows; each handler still reads only what its own operation allows.
    let body_limit = api::body_limit(shared.table);
    Router::new()
        .nest(ADMIN_PREFIX, admin::router())
        .route("/cgi-bin/stable_token", any(token_endpoints::stable_token))
        .route("/cgi-bin/token", any(token_endpoints::token))
        .route(component_endpoints::PRE_AUTH_CODE, any(component_endpoints::pre_auth_code))
        .route(component_endpoints::QUERY_AUTH, any(component_endpoints::query_auth))
        .route(DOWNLOAD_PATH, get(download::pdf))
        .fallback(api::handle)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(middleware::from_fn_with_state(Arc::clone(&shared), observe))
        .with_state(shared)
}

/// Counts and delays every request of a WeChat route, and logs it without its query string
/// (which holds the access token): in the request log and as a `request` log line, at warn
/// level with its warnings when the mock accepted something only because the spec is unsure.
async fn observe(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if path == ADMIN_PREFIX || path.starts_with(&format!("{ADMIN_PREFIX}/")) {
        return next.run(request).await;
    }
    shared.requests.record(&path);
    let latency = shared.faults.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let method = request.method().clone();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let errcode = response.extensions().get::<Errcode>().map(|Errcode(code)| *code);
    let warnings = response.extensions().get::<Warnings>().map(|w| w.0.clone()).unwrap_or_default();
    match (errcode, warnings.is_empty()) {
        (Some(errcode), true) => tracing::info!(%method, %path, status, errcode, "request"),
        (None, true) => tracing::info!(%method, %path, status, "request"),
        (Some(errcode), false) => tracing::warn!(%method, %path, status, errcode, ?warnings, "request"),
        (None, false) => tracing::warn!(%method, %path, status, ?warnings, "request"),
    }
    let logged = LoggedRequest { method: method.to_string(), path, status, errcode, warnings };
    shared.requests.log_answer(logged);
    response
}
