//! A scriptable HTTP server on 127.0.0.1 for the runtime tests: each path answers from its
//! own script of canned answers, and every request is counted and kept, so a test asserts
//! what reached the server rather than what the client meant to send.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// One canned answer.
#[derive(Debug, Clone)]
pub enum Answer {
    /// Any status, content type and body, with a `Content-Length`.
    Raw {
        /// HTTP status.
        status: u16,
        /// The `Content-Type` header.
        content_type: &'static str,
        /// The body.
        body: Vec<u8>,
    },
    /// 200 with `count` copies of `chunk`, streamed without a `Content-Length`.
    Chunked {
        /// One chunk.
        chunk: Vec<u8>,
        /// How many times it is sent.
        count: usize,
    },
    /// 502 with an HTML page quoting the request's path and query, as a proxy's error
    /// page does (the query carries the access token).
    EchoUri,
    /// The request is read and never answered.
    Hang,
    /// Another answer, given after a pause (so concurrent callers pile up behind it).
    Delayed {
        /// The pause.
        pause: Duration,
        /// What is answered then.
        answer: Box<Answer>,
    },
    /// A redirect: `status` with a `Location` header (WeChat never sends one).
    Redirect {
        /// The 3xx status.
        status: u16,
        /// The `Location` header.
        location: String,
    },
    /// 200 with `count` copies of `chunk`, `pause` apart, without a `Content-Length`.
    Drip {
        /// One chunk.
        chunk: Vec<u8>,
        /// How many times it is sent.
        count: usize,
        /// The pause before each chunk.
        pause: Duration,
    },
    /// `then` for requests that meet `condition`, `otherwise` for the others: an answer that
    /// depends on the request rather than on its place in the script.
    When {
        /// What the request must carry.
        condition: Condition,
        /// The answer when it does.
        then: Box<Answer>,
        /// The answer when it does not.
        otherwise: Box<Answer>,
    },
}

/// What an [`Answer::When`] looks for in a request.
#[derive(Debug, Clone)]
pub enum Condition {
    /// The query parameter has this value (e.g. `access_token` is a revoked token).
    Query(&'static str, String),
    /// The top-level field of the JSON body has this value (e.g. `force_refresh` is true).
    JsonField(&'static str, Value),
}

impl Condition {
    fn holds(&self, request: &Received) -> bool {
        match self {
            Self::Query(name, value) => request.query_value(name) == Some(value.as_str()),
            Self::JsonField(name, value) => request.json().get(name) == Some(value),
        }
    }
}

impl Answer {
    /// 200 with `value` as JSON.
    pub fn json(value: &Value) -> Self {
        Self::Raw { status: 200, content_type: "application/json", body: value.to_string().into_bytes() }
    }

    /// 200 with `{"errcode": 0, "errmsg": "ok"}` plus `fields` (a JSON object).
    pub fn ok(fields: Value) -> Self {
        let mut body = json!({"errcode": 0, "errmsg": "ok"});
        if let (Some(body), Value::Object(fields)) = (body.as_object_mut(), fields) {
            body.extend(fields);
        }
        Self::json(&body)
    }

    /// 200 with a WeChat error.
    pub fn errcode(code: i64, errmsg: &str) -> Self {
        Self::json(&json!({"errcode": code, "errmsg": errmsg}))
    }

    /// The answer of `/cgi-bin/stable_token`.
    pub fn token(access_token: &str, expires_in: u64) -> Self {
        Self::json(&json!({"access_token": access_token, "expires_in": expires_in}))
    }

    /// `answer`, given after `pause`.
    pub fn delayed(pause: Duration, answer: Answer) -> Self {
        Self::Delayed { pause, answer: Box::new(answer) }
    }

    /// `status` with a text body of the given content type.
    pub fn text(status: u16, content_type: &'static str, body: &str) -> Self {
        Self::Raw { status, content_type, body: body.as_bytes().to_vec() }
    }

    /// A redirect to `location`.
    pub fn redirect(status: u16, location: impl Into<String>) -> Self {
        Self::Redirect { status, location: location.into() }
    }

    /// `then` when `condition` holds for the request, else `otherwise`.
    pub fn when(condition: Condition, then: Answer, otherwise: Answer) -> Self {
        Self::When { condition, then: Box::new(then), otherwise: Box::new(otherwise) }
    }
}

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    /// HTTP method, e.g. `POST`.
    pub method: String,
    /// Path without the query string.
    pub path: String,
    /// Query parameters in the order sent, decoded.
    pub query: Vec<(String, String)>,
    /// The request headers.
    pub headers: HeaderMap,
    /// The raw body.
    pub body: Bytes,
}

impl Received {
    /// The value of a query parameter, if sent.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON (`null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// A header's value as text, if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `Content-Type` header, if sent.
    pub fn content_type(&self) -> Option<&str> {
        self.header("content-type")
    }

    /// The query parameter names, in the order sent.
    pub fn query_names(&self) -> Vec<&str> {
        self.query.iter().map(|(n, _)| n.as_str()).collect()
    }
}

#[derive(Default)]
struct Scripts {
    /// Per path, the answers still to give; the last one repeats once the others are used.
    answers: HashMap<String, Vec<Answer>>,
    /// What paths without a script answer; 404 when unset.
    otherwise: Option<Answer>,
    received: Vec<Received>,
}

/// The running server; it stops when dropped.
pub struct ScriptedServer {
    addr: SocketAddr,
    scripts: Arc<Mutex<Scripts>>,
    task: tokio::task::JoinHandle<()>,
}

impl ScriptedServer {
    /// Starts a server on a free port of 127.0.0.1 with no script: every path answers 404
    /// until [`script`](Self::script) gives it answers.
    ///
    /// # Panics
    ///
    /// When no port of 127.0.0.1 can be bound.
    pub async fn start() -> Self {
        let scripts = Arc::new(Mutex::new(Scripts::default()));
        let app = Router::new().fallback(answer).with_state(Arc::clone(&scripts));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { addr, scripts, task }
    }

    /// Makes `path` answer with `answers` in order, the last one repeating; replaces any
    /// script the path had.
    pub fn script(&self, path: &str, answers: impl IntoIterator<Item = Answer>) -> &Self {
        let mut answers: Vec<Answer> = answers.into_iter().collect();
        answers.reverse();
        lock(&self.scripts).answers.insert(path.to_owned(), answers);
        self
    }

    /// A server where each `(path, body)` answers 200 with that JSON body, and every other
    /// path `{"errcode":0,"errmsg":"ok"}`: for tests that check what was sent.
    pub async fn with_answers(answers: &[(&str, &str)]) -> Self {
        let server = Self::start().await;
        for (path, body) in answers {
            server.script(path, [Answer::text(200, "application/json", body)]);
        }
        server.otherwise(Answer::ok(json!({})));
        server
    }

    /// Makes every path without a script answer `answer`.
    pub fn otherwise(&self, answer: Answer) -> &Self {
        lock(&self.scripts).otherwise = Some(answer);
        self
    }

    /// Every request received, in order.
    pub fn all_requests(&self) -> Vec<Received> {
        lock(&self.scripts).received.clone()
    }

    /// The only request received.
    ///
    /// # Panics
    ///
    /// When the server received no request or more than one.
    pub fn single_request(&self) -> Received {
        let mut all = self.all_requests();
        assert_eq!(all.len(), 1, "expected exactly one request, got {all:#?}");
        all.remove(0)
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received on `path`, in order.
    pub fn requests(&self, path: &str) -> Vec<Received> {
        lock(&self.scripts).received.iter().filter(|r| r.path == path).cloned().collect()
    }

    /// How many requests reached `path`.
    pub fn count(&self, path: &str) -> usize {
        lock(&self.scripts).received.iter().filter(|r| r.path == path).count()
    }

    /// How many requests reached the server at all.
    pub fn total(&self) -> usize {
        lock(&self.scripts).received.len()
    }
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A base URL on 127.0.0.1 where nothing listens: a port bound, then released.
///
/// # Panics
///
/// When no port of 127.0.0.1 can be bound.
pub fn closed_base_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local address");
    drop(listener);
    format!("http://{addr}")
}

fn lock(scripts: &Mutex<Scripts>) -> MutexGuard<'_, Scripts> {
    scripts.lock().unwrap_or_else(PoisonError::into_inner)
}

async fn answer(State(scripts): State<Arc<Mutex<Scripts>>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().map(url_pairs).unwrap_or_default();
    let path_and_query = parts.uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
    let received = Received {
        method: parts.method.to_string(),
        path: path.clone(),
        query,
        headers: parts.headers,
        body,
    };
    let next = {
        let mut scripts = lock(&scripts);
        scripts.received.push(received.clone());
        match scripts.answers.get_mut(&path) {
            Some(answers) if answers.len() > 1 => answers.pop(),
            Some(answers) => answers.last().cloned(),
            None => scripts.otherwise.clone(),
        }
    };
    match next {
        None => (StatusCode::NOT_FOUND, format!("no script for {path}")).into_response(),
        Some(answer) => respond(answer, &path_and_query, &received).await,
    }
}

async fn respond(mut answer: Answer, path_and_query: &str, request: &Received) -> Response {
    loop {
        return match answer {
            Answer::Raw { status, content_type, body } => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
            }
            Answer::Chunked { chunk, count } => {
                let chunks = std::iter::repeat_n(Ok::<_, Infallible>(Bytes::from(chunk)), count);
                let body = Body::from_stream(futures_util::stream::iter(chunks));
                ([(header::CONTENT_TYPE, "application/json")], body).into_response()
            }
            Answer::EchoUri => {
                let page = format!(
                    "<html><body><h1>502 Bad Gateway</h1><p>upstream failed for {path_and_query}</p></body></html>"
                );
                (StatusCode::BAD_GATEWAY, [(header::CONTENT_TYPE, "text/html")], page).into_response()
            }
            Answer::Redirect { status, location } => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                (status, [(header::LOCATION, location)], "moved").into_response()
            }
            Answer::Drip { chunk, count, pause } => {
                let chunks = futures_util::stream::unfold(count, move |left| {
                    let chunk = Bytes::from(chunk.clone());
                    async move {
                        if left == 0 {
                            return None;
                        }
                        tokio::time::sleep(pause).await;
                        Some((Ok::<_, Infallible>(chunk), left - 1))
                    }
                });
                ([(header::CONTENT_TYPE, "application/json")], Body::from_stream(chunks)).into_response()
            }
            Answer::When { condition, then, otherwise } => {
                answer = if condition.holds(request) { *then } else { *otherwise };
                continue;
            }
            Answer::Hang => std::future::pending().await,
            Answer::Delayed { pause, answer: then } => {
                tokio::time::sleep(pause).await;
                answer = *then;
                continue;
            }
        };
    }
}

/// `a=1&b=%20` as decoded pairs.
fn url_pairs(query: &str) -> Vec<(String, String)> {
    axum::extract::Query::<Vec<(String, String)>>::try_from_uri(
        &format!("/?{query}").parse().unwrap_or_default(),
    )
    .map(|q| q.0)
    .unwrap_or_default()
}
