//! Starting and stopping a mock server, and the state its routes share.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{any, get};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::answer::{Errcode, GeneralError, Warnings};
use crate::answers::Answers;
use crate::arrange::{ArrangeError, Arranged};
use crate::cards::{CardState, Cards};
use crate::config::MockConfig;
use crate::faults::Faults;
use crate::media::{DOWNLOAD_PATH, Media};
use crate::orders::{Authorization, AuthorizeError, Order, Orders};
use crate::platform_tokens::PlatformTokens;
use crate::requests::{LoggedRequest, RequestCounts};
use crate::resources::Resources;
use crate::spec_table::{Operation, general_message};
use crate::token_requests::TokenRequests;
use crate::tokens::Tokens;
use crate::{admin, answer, api, component_endpoints, download, token_endpoints};

/// Where admin routes live; everything else is WeChat's.
pub(crate) const ADMIN_PREFIX: &str = "/__mock";

/// Why a mock server did not start, or did not stop cleanly.
#[derive(Debug, thiserror::Error)]
pub enum MockError {
    /// The listening address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The server failed while serving.
    #[error("the server failed: {0}")]
    Serve(#[source] std::io::Error),
    /// The server's task ended abnormally (a panic).
    #[error("the server task ended abnormally: {0}")]
    Crashed(String),
}

/// What every route of one server shares.
pub(crate) struct Shared {
    pub(crate) config: MockConfig,
    /// The operations served: the spec's, or a test's own table.
    pub(crate) table: &'static [Operation],
    pub(crate) tokens: Tokens,
    pub(crate) orders: Orders,
    pub(crate) faults: Faults,
    pub(crate) requests: RequestCounts,
    pub(crate) media: Media,
    pub(crate) answers: Answers,
    pub(crate) platform_tokens: PlatformTokens,
    /// Token requests per path and appid.
    pub(crate) token_requests: TokenRequests,
    /// The resources the spec's `[mock]` tables declare (cards).
    pub(crate) resources: Resources,
    /// The codes of cards.
    pub(crate) cards: CardState,
    /// `http://` and the address the server is bound to.
    pub(crate) base_url: String,
    rid_prefix: u32,
    next_rid: AtomicU64,
}

impl Shared {
    fn new(config: MockConfig, table: &'static [Operation], base_url: String) -> Self {
        let started = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let media = Media::new(config.media_max_bytes, config.media_max_age);
        Self {
            orders: Orders::new(&config.appid),
            config,
            table,
            tokens: Tokens::default(),
            faults: Faults::default(),
            requests: RequestCounts::default(),
            media,
            answers: Answers::default(),
            platform_tokens: PlatformTokens::default(),
            token_requests: TokenRequests::default(),
            resources: Resources::default(),
            cards: CardState::default(),
            base_url,
            rid_prefix: (started & 0xffff_ffff) as u32,
            next_rid: AtomicU64::new(1),
        }
    }

    /// A request id for an error message, as WeChat appends one.
    fn rid(&self) -> String {
        let n = self.next_rid.fetch_add(1, Ordering::Relaxed);
        format!("{:08x}-{n:08x}", self.rid_prefix)
    }

    /// WeChat's error answer for a general code, with its message from `spec/errors.toml`.
    pub(crate) fn general_error(&self, code: i64, hint: Option<&str>) -> Response {
        self.error(code, general_message(code).unwrap_or("system error"), hint)
    }

    /// The answer to a refusal with a general code.
    pub(crate) fn refuse(&self, refusal: GeneralError) -> Response {
        let mut response = self.general_error(refusal.code, refusal.hint.as_deref());
        *response.status_mut() = refusal.status;
        response
    }

    /// WeChat's error answer for `code` with `message`.
    pub(crate) fn error(&self, code: i64, message: &str, hint: Option<&str>) -> Response {
        answer::error(code, message, hint, &self.rid())
    }
}

/// A running mock server. Dropping it stops it too, without waiting; call
/// [`shutdown`](MockServer::shutdown) to wait until it has stopped.
pub struct MockServer {
    shared: Arc<Shared>,
    addr: SocketAddr,
    base_url: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("base_url", &self.base_url)
            .field("config", &self.shared.config)
            .finish()
    }
}

impl MockServer {
    /// Starts a server for the spec's operations on `config.listen` (a free port of
    /// 127.0.0.1 by default) and returns once it accepts connections. It runs as a task of
    /// the calling Tokio runtime, so it lives as long as that runtime and this value do.
    pub async fn start(config: MockConfig) -> Result<Self, MockError> {
        Self::start_with_table(config, crate::spec_table::operations()).await
    }

    pub(crate) async fn start_with_table(
        config: MockConfig,
        table: &'static [Operation],
    ) -> Result<Self, MockError> {
        let listen = config.listen;
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|source| MockError::Bind { addr: listen, source })?;
        let addr = listener.local_addr().map_err(|source| MockError::Bind { addr: listen, source })?;
        let base_url = format!("http://{addr}");
        let shared = Arc::new(Shared::new(config, table, base_url.clone()));
        let (stop, stopped) = oneshot::channel::<()>();
        let app = router(Arc::clone(&shared));
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    // A dropped sender stops the server as a sent signal does.
                    let _ = stopped.await;
                })
                .await
        });
        Ok(Self { shared, addr, base_url, stop: Some(stop), task: Some(task) })
    }

    /// The base URL to point a client at, e.g. `http://127.0.0.1:53412`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The settings it runs with.
    pub fn config(&self) -> &MockConfig {
        &self.shared.config
    }

    /// The invoice flow's orders: authorize one as the user would, or inspect them.
    pub fn orders(&self) -> &Orders {
        &self.shared.orders
    }

    /// Shorthand for [`Orders::authorize`] with defaults: the user authorized `order_id`
    /// of `s_pappid`, for bills under the server's appid.
    pub fn authorize(&self, s_pappid: &str, order_id: &str) -> Result<Order, AuthorizeError> {
        self.shared.orders.authorize(Authorization::new(s_pappid, order_id))
    }

    /// The tokens it issued: expire them to test renewal.
    pub fn tokens(&self) -> &Tokens {
        &self.shared.tokens
    }

    /// The third-party platform tokens it issued (component and authorizer tokens); issue an
    /// authorizer token here to call as a platform.
    pub fn platform_tokens(&self) -> &PlatformTokens {
        &self.shared.platform_tokens
    }

    /// Token requests counted per path and appid (stable_token by `appid`, the component
    /// endpoints by `component_appid`, api_authorizer_token by `authorizer_appid`).
    pub fn token_requests(&self) -> &TokenRequests {
        &self.shared.token_requests
    }

    /// Fault injection.
    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    /// The files uploaded through setpdf, by `s_media_id`.
    pub fn media(&self) -> &Media {
        &self.shared.media
    }

    /// The last success answer of each operation, as sent.
    pub fn answers(&self) -> &Answers {
        &self.shared.answers
    }

    /// Sets up what a call of `operation` with the JSON `body` needs to succeed, and returns
    /// the body and query parameters to send: the order authorized (getauthdata, insertbill),
    /// a PDF kept under the `s_media_id` (getpdf), a component token issued (the authorizer
    /// token endpoint), the mock's own appid and appsecret in place of the body's (the token
    /// endpoints). A test built from a spec example calls with what this returns.
    pub fn arrange(&self, operation: &str, body: &serde_json::Value) -> Result<Arranged, ArrangeError> {
        crate::arrange::arrange(&self.shared, operation, body)
    }

    /// The resources the spec's `[mock]` tables declare, by kind (`card`) and id.
    pub fn resources(&self) -> &Resources {
        &self.shared.resources
    }

    /// The cards and their codes: approve a card as WeChat's review would, have a user take
    /// one, read a code's status.
    pub fn cards(&self) -> Cards<'_> {
        Cards::new(&self.shared)
    }

    /// Requests received, per path, and the log of the latest ones with their warnings.
    pub fn requests(&self) -> &RequestCounts {
        &self.shared.requests
    }

    /// Stops accepting connections, lets requests in flight finish, and waits until the
    /// server has stopped.
    pub async fn shutdown(mut self) -> Result<(), MockError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let Some(task) = self.task.take() else { return Ok(()) };
        match task.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(MockError::Serve(e)),
            Err(e) => Err(MockError::Crashed(e.to_string())),
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn router(shared: Arc<Shared>) -> Router {
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
