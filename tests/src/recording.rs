//! A recording HTTP server on 127.0.0.1: it answers each path with a canned body and keeps
//! every request it received, so a test can assert exactly what WeChat would see.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, Uri, header};

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// HTTP method, e.g. `POST`.
    pub method: String,
    /// Path without the query string.
    pub path: String,
    /// Query parameters in the order sent.
    pub query: Vec<(String, String)>,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The raw body.
    pub body: Vec<u8>,
}

impl Recorded {
    /// The value of a query parameter, if sent (the first one when repeated).
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The query parameter names, in the order sent.
    pub fn query_names(&self) -> Vec<&str> {
        self.query.iter().map(|(n, _)| n.as_str()).collect()
    }

    /// The body parsed as JSON.
    ///
    /// # Panics
    ///
    /// When the body is not JSON: the test expected a JSON request.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!("the request body is not JSON ({e}): {:?}", String::from_utf8_lossy(&self.body))
        })
    }
}

#[derive(Clone, Default)]
struct Shared {
    answers: Arc<HashMap<String, String>>,
    seen: Arc<Mutex<Vec<Recorded>>>,
}

/// A server on 127.0.0.1 that records every request and answers each path with a canned
/// body (`{"errcode":0,"errmsg":"ok"}` for paths it was not given). Stops when dropped.
pub struct RecordingServer {
    base_url: String,
    shared: Shared,
    task: tokio::task::JoinHandle<()>,
}

impl RecordingServer {
    /// Starts a server answering `path -> body`.
    ///
    /// # Panics
    ///
    /// When no port on 127.0.0.1 can be bound.
    pub async fn start(answers: &[(&str, &str)]) -> Self {
        let shared = Shared {
            answers: Arc::new(answers.iter().map(|(p, b)| ((*p).to_owned(), (*b).to_owned())).collect()),
            seen: Arc::default(),
        };
        let app = Router::new().fallback(record).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let task = tokio::spawn(async move {
            // The server lives as long as the test; an error here ends the task and the
            // test's requests then fail loudly.
            let _ = axum::serve(listener, app).await;
        });
        Self { base_url: format!("http://{addr}"), shared, task }
    }

    /// `http://127.0.0.1:PORT`, for the client builder's `base_url`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.seen.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The only request received.
    ///
    /// # Panics
    ///
    /// When the server received no request or more than one.
    pub fn single_request(&self) -> Recorded {
        let mut seen = self.requests();
        assert_eq!(seen.len(), 1, "expected exactly one request, got {seen:#?}");
        seen.remove(0)
    }
}

impl Drop for RecordingServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn record(
    State(shared): State<Shared>,
    method: Method,
    uri: Uri,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
    body: Bytes,
) -> ([(header::HeaderName, &'static str); 1], String) {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let path = uri.path().to_owned();
    let answer =
        shared.answers.get(&path).cloned().unwrap_or_else(|| r#"{"errcode":0,"errmsg":"ok"}"#.to_owned());
    shared.seen.lock().unwrap_or_else(PoisonError::into_inner).push(Recorded {
        method: method.to_string(),
        path,
        query,
        content_type,
        body: body.to_vec(),
    });
    ([(header::CONTENT_TYPE, "application/json")], answer)
}
