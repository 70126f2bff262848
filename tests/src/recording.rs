//! A recording HTTP server on 127.0.0.1: it answers every request with the next canned body
//! and keeps what it received, so a test can assert exactly what WeChat would see.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, Uri};

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// HTTP method.
    pub method: Method,
    /// Path without query.
    pub path: String,
    /// Query parameters in order, decoded.
    pub query: Vec<(String, String)>,
    /// The `content-type` header, if any.
    pub content_type: Option<String>,
    /// The raw body.
    pub body: Bytes,
}

impl Recorded {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("the request body is JSON")
    }

    /// The value of a query parameter.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct Shared {
    answers: VecDeque<String>,
    received: Vec<Recorded>,
}

/// The running server; it stops when dropped.
pub struct RecordingServer {
    addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
    task: tokio::task::JoinHandle<()>,
}

impl RecordingServer {
    /// Starts a server on a free port of 127.0.0.1 that answers with `answers`, in order
    /// (an empty JSON object once they run out).
    pub async fn start(answers: impl IntoIterator<Item = String>) -> Self {
        let shared =
            Arc::new(Mutex::new(Shared { answers: answers.into_iter().collect(), received: Vec::new() }));
        let app = Router::new().fallback(record).with_state(Arc::clone(&shared));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("serve");
        });
        Self { addr, shared, task }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Recorded> {
        self.shared.lock().expect("lock").received.clone()
    }
}

impl Drop for RecordingServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn record(
    State(shared): State<Arc<Mutex<Shared>>>,
    method: Method,
    uri: Uri,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
    body: Bytes,
) -> ([(&'static str, &'static str); 1], String) {
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let mut shared = shared.lock().expect("lock");
    shared.received.push(Recorded { method, path: uri.path().to_owned(), query, content_type, body });
    let answer = shared.answers.pop_front().unwrap_or_else(|| "{}".to_owned());
    ([("content-type", "application/json")], answer)
}
