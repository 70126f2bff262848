//! Starting and stopping a mock server, and what a test reaches through it.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::answers::Answers;
use crate::arrange::{ArrangeError, Arranged};
use crate::config::MockConfig;
use crate::connections::{self, Bounds, Connections, ZeroSetting};
use crate::declared::UserActionError;
use crate::engine::SeedError;
use crate::faults::Faults;
use crate::media::Media;
use crate::platform_tokens::PlatformTokens;
use crate::pushes::Pushes;
use crate::requests::RequestCounts;
use crate::routes;
use crate::spec_table::Operation;
use crate::state::Shared;
use crate::state_model::{Record, UserActionParams};
use crate::token_requests::TokenRequests;
use crate::tokens::Tokens;
use crate::typed_faults::On;

/// Why a mock server did not start or stop cleanly, or a fault could not be queued.
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
    /// A setting of the [`MockConfig`] that must be above zero is zero: one of
    /// `header_timeout`, `idle_timeout`, `body_timeout`, `max_connections`.
    #[error("MockConfig::{setting} must be above zero")]
    ZeroSetting {
        /// The field's name.
        setting: &'static str,
    },
    /// The server's task ended abnormally (a panic).
    #[error("the server task ended abnormally: {0}")]
    Crashed(String),
    /// A fault or answer could not be queued ([`MockServer::on`]), so that a test's `?`
    /// carries it beside the server's own errors.
    #[error(transparent)]
    Fault(#[from] crate::FaultError),
}

/// A running mock server. Dropping it stops it too, without waiting; call
/// [`shutdown`](MockServer::shutdown) to wait until it has stopped.
pub struct MockServer {
    shared: Arc<Shared>,
    addr: SocketAddr,
    base_url: String,
    max_connections: usize,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
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
        Self::start_with_state(config, table, crate::state_model::StateTables::spec()).await
    }

    /// A server for `table` running the state model `state` (a test's own tables).
    pub(crate) async fn start_with_state(
        config: MockConfig,
        table: &'static [Operation],
        state: crate::state_model::StateTables,
    ) -> Result<Self, MockError> {
        let bounds =
            Bounds::of(&config).map_err(|ZeroSetting(setting)| MockError::ZeroSetting { setting })?;
        let max_connections = connections::max_connections(config.max_connections)
            .map_err(|ZeroSetting(setting)| MockError::ZeroSetting { setting })?;
        let listen = config.listen;
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|source| MockError::Bind { addr: listen, source })?;
        let addr = listener.local_addr().map_err(|source| MockError::Bind { addr: listen, source })?;
        let base_url = format!("http://{addr}");
        let shared = Arc::new(Shared::with_state(config, table, state, base_url.clone()));
        let (stop, stopped) = oneshot::channel::<()>();
        let app = routes::router(Arc::clone(&shared));
        let connections = Arc::new(Connections::new(max_connections, bounds));
        let task = tokio::spawn(connections::serve(listener, app, connections, async move {
            // A dropped sender stops the server as a sent signal does.
            let _ = stopped.await;
        }));
        Ok(Self { shared, addr, base_url, max_connections, stop: Some(stop), task: Some(task) })
    }

    /// The base URL to point a client at, e.g. `http://127.0.0.1:53412`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// A client builder pointed at this mock, with its account's credentials
    /// (`StableToken` of [`MockConfig::appid`] and [`MockConfig::secret`]) and **no retries**
    /// ([`RetryPolicy::none`](wechat_core::RetryPolicy::none)), so each injected fault reaches
    /// the code under test: with the default policy (3 attempts) a client retries transport
    /// failures, HTTP 5xx and the codes the spec marks `retry = "backoff"` (-1, 72036), so one
    /// injected 503 or `busy(-1, 1)` is absorbed and the call returns `Ok`. To test retries
    /// themselves, set `.retry_policy(RetryPolicy::default())` on the builder (or queue a
    /// fault `times(n)` with `n` at least the attempts) and count the attempts with
    /// [`MockServer::requests`]. `C` is the client built: `wechat_core::Client`, or
    /// `wechat_card::Client`.
    ///
    /// ```no_run
    /// # async fn run(mock: &wechat_mock::MockServer) -> Result<(), wechat_core::BuildError> {
    /// let client: wechat_core::Client = mock.client_builder().build()?;
    /// # Ok(()) }
    /// ```
    pub fn client_builder<C: From<wechat_core::Client>>(&self) -> wechat_core::ClientBuilder<C> {
        let config = self.config();
        wechat_core::ClientBuilder::default()
            .base_url(self.base_url())
            .token_provider(wechat_core::StableToken::new(&config.appid, config.secret.clone()))
            .retry_policy(wechat_core::RetryPolicy::none())
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The settings it runs with.
    pub fn config(&self) -> &MockConfig {
        &self.shared.config
    }

    /// How many connections it keeps open at once: [`MockConfig::max_connections`] as
    /// given, or the default fitted to the process's open file limit.
    pub fn max_connections(&self) -> usize {
        self.max_connections
    }

    /// WeChat pushes the third-party platform `component_appid` a fresh
    /// `component_verify_ticket` (it does every 10 minutes), to the push target
    /// ([`MockConfig::push`]; a platform's receiver decrypts with its component appid). From
    /// then on that platform's `api_component_token` takes only tickets pushed to it (61006
    /// "component ticket is invalid" otherwise). Returns the delivery's id in
    /// [`pushes`](Self::pushes); `None`, issuing nothing, without a push target.
    pub fn push_verify_ticket(&self, component_appid: &str) -> Option<u64> {
        self.shared.push_verify_ticket(component_appid)
    }

    /// The events pushed to the callback ([`MockConfig::push`]) and how each went.
    pub fn pushes(&self) -> &Pushes {
        &self.shared.pushes
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

    /// What the next calls of operation `O` get, typed by the client: name the operation by
    /// its request type (`mock.on::<InsertBillRequest>()`), then fail it with one of its error
    /// codes or answer it with its response type. See [`On`].
    pub fn on<O: wechat_core::Operation>(&self) -> On<'_, O> {
        On::new(&self.shared.faults)
    }

    /// The files uploaded through setpdf, by `s_media_id`.
    pub fn media(&self) -> &Media {
        &self.shared.media
    }

    /// The last success answer of each operation, as sent.
    pub fn answers(&self) -> &Answers {
        &self.shared.answers
    }

    /// Sets up what a call of `operation` with the JSON `body` needs to succeed beyond the
    /// records an example's `given` names ([`seed`](Self::seed) those), and returns the body and
    /// query parameters to send: a PDF kept under the `s_media_id` (getpdf), a component token
    /// issued (the authorizer token endpoint), the mock's own appid and appsecret in place of
    /// the body's (the token endpoints). A test built from a spec example calls with what this
    /// returns.
    pub fn arrange(&self, operation: &str, body: &serde_json::Value) -> Result<Arranged, ArrangeError> {
        crate::arrange::arrange(&self.shared, operation, body)
    }

    /// Keeps `record` (a JSON object) as a record of the spec's `resource` (`card`, `code`...),
    /// as a test arranges what WeChat would hold: fields it leaves out stay out, its status is
    /// the resource's initial one unless given, its key fields get fresh values where the spec
    /// says how to make them, and its parent must exist. A record with the same key is
    /// replaced. Returns the record kept.
    pub fn seed(&self, resource: &str, record: serde_json::Value) -> Result<serde_json::Value, SeedError> {
        crate::declared::seed(&self.shared, resource, record)
    }

    /// [`seed`](Self::seed) with a typed record ([`records`](crate::records)), e.g.
    /// `mock.seed_record(&Card::new().card_id("p1Pj9jr90_SQRaVqYI239Ka1erkI"))`.
    pub fn seed_record<R: Record>(&self, record: &R) -> Result<serde_json::Value, SeedError> {
        let record =
            serde_json::to_value(record).map_err(|_| SeedError::NotAnObject(R::RESOURCE.to_owned()))?;
        crate::declared::seed(&self.shared, R::RESOURCE, record)
    }

    /// Every record of the spec's `resource`, in the order they were made.
    pub fn records(&self, resource: &str) -> Vec<serde_json::Value> {
        self.shared.engine.records(resource).into_iter().map(serde_json::Value::Object).collect()
    }

    /// Does what only a WeChat user (or WeChat's review) can do, as the spec declares it in
    /// `spec/<group>/user/<name>.toml` (`action` is `group/name`), with `params` as its
    /// parameters: the changes it makes are kept and the events it causes are pushed.
    /// Returns its answer.
    pub fn user_action(
        &self,
        action: &str,
        params: serde_json::Value,
    ) -> Result<serde_json::Value, UserActionError> {
        crate::declared::user_action(&self.shared, action, &params)
    }

    /// [`user_action`](Self::user_action) with the action's typed parameters
    /// ([`user_actions`](crate::user_actions)), e.g.
    /// `mock.act(&ApproveCardParams::new("p1Pj9jr90_SQRaVqYI239Ka1erkI"))`.
    pub fn act<P: UserActionParams>(&self, params: &P) -> Result<serde_json::Value, UserActionError> {
        let params =
            serde_json::to_value(params).map_err(|e| UserActionError::Unserializable(e.to_string()))?;
        crate::declared::user_action(&self.shared, P::ACTION, &params)
    }

    /// Requests received, per path, and the log of the latest ones with their warnings.
    pub fn requests(&self) -> &RequestCounts {
        &self.shared.requests
    }

    /// Stops accepting connections, closes the idle ones, lets requests in flight finish
    /// (under the same bounds), and waits until the server has stopped.
    pub async fn shutdown(mut self) -> Result<(), MockError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let Some(task) = self.task.take() else { return Ok(()) };
        task.await.map_err(|e| MockError::Crashed(e.to_string()))
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
