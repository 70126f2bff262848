//! Idle and slow connections: the bounds on a request's head, an idle kept-alive connection
//! and a request's body, the cap on open connections, and stopping with connections open.
//! Raw sockets on 127.0.0.1, so that a test can send nothing, or drip.

use std::time::Duration;

use axum::body::Bytes;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::task::JoinHandle;
use tokio::time::{sleep, timeout};
use wechat_mock::{DEMO_APPID, DEMO_SECRET, MockConfig, MockError, MockServer, StoredFile};

/// A safety net against a connection the server never closes, never an assertion about
/// speed: every bound under test is far shorter.
const PATIENCE: Duration = Duration::from_secs(10);
/// Long enough never to fire during a test: the bound a test does not look at.
const NEVER: Duration = Duration::from_secs(600);
/// The bound a test looks at.
const SHORT: Duration = Duration::from_millis(300);

/// A server whose bounds are all [`NEVER`] but those `tune` sets.
async fn start(tune: impl FnOnce(MockConfig) -> MockConfig) -> MockServer {
    let config = MockConfig::demo().header_timeout(NEVER).idle_timeout(NEVER).body_timeout(NEVER);
    MockServer::start(tune(config)).await.expect("the mock starts")
}

async fn connect(mock: &MockServer) -> TcpStream {
    TcpStream::connect(mock.addr()).await.expect("connects")
}

/// Reads until the server closes the connection (end of stream or reset) and returns what it
/// sent; fails when it is still open after [`PATIENCE`].
async fn read_until_closed(stream: &mut TcpStream) -> String {
    let mut seen = Vec::new();
    let closed = timeout(PATIENCE, async {
        let mut buf = [0_u8; 4096];
        while let Ok(read @ 1..) = stream.read(&mut buf).await {
            seen.extend_from_slice(&buf[..read]);
        }
    })
    .await;
    let seen = String::from_utf8_lossy(&seen).into_owned();
    assert!(closed.is_ok(), "the server kept the connection open for {PATIENCE:?}; it sent {seen:?}");
    seen
}

/// Reads one answer with a `Content-Length`, leaving the connection open; returns its head
/// and body.
async fn read_answer(stream: &mut TcpStream) -> (String, String) {
    let answer = timeout(PATIENCE, async {
        let mut bytes = Vec::new();
        let mut buf = [0_u8; 4096];
        loop {
            if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
                let length = head
                    .lines()
                    .find_map(|line| {
                        line.to_ascii_lowercase().strip_prefix("content-length:").map(str::to_owned)
                    })
                    .and_then(|value| value.trim().parse::<usize>().ok())
                    .unwrap_or_else(|| panic!("no Content-Length in {head:?}"));
                if bytes.len() >= end + 4 + length {
                    let body = String::from_utf8_lossy(&bytes[end + 4..end + 4 + length]).into_owned();
                    return (head, body);
                }
            }
            let read = stream.read(&mut buf).await.expect("the answer can be read");
            if read == 0 {
                let start = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned();
                panic!("closed after {} bytes, before the whole answer: {start:?}", bytes.len());
            }
            bytes.extend_from_slice(&buf[..read]);
        }
    })
    .await;
    answer.unwrap_or_else(|_| panic!("no answer within {PATIENCE:?}"))
}

/// Writes `first`, then `drip` one byte every 50 ms until the server closes the connection
/// or the bytes run out (200 of them, 10 s: as long as [`PATIENCE`]).
fn drip(mut write: OwnedWriteHalf, first: String, drip: u8) -> JoinHandle<usize> {
    tokio::spawn(async move {
        if write.write_all(first.as_bytes()).await.is_err() {
            return 0;
        }
        let mut sent = 0;
        for _ in 0..200 {
            sleep(Duration::from_millis(50)).await;
            if write.write_all(&[drip]).await.is_err() {
                break;
            }
            sent += 1;
        }
        sent
    })
}

fn get_operations(mock: &MockServer) -> String {
    format!("GET /__mock/operations HTTP/1.1\r\nHost: {}\r\n\r\n", mock.addr())
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed_after_the_head_bound() {
    let mock = start(|config| config.header_timeout(SHORT)).await;
    let mut silent = connect(&mock).await;
    let sent = read_until_closed(&mut silent).await;
    assert_eq!(sent, "", "closed without an answer");

    // The bound is on the whole head, not between bytes: dripping does not keep it open.
    let (mut read, write) = connect(&mock).await.into_split();
    let dripping = drip(write, "GET /__mock/operations HTTP/1.1\r\nX-Drip: ".into(), b'a');
    let closed = timeout(PATIENCE, async {
        let mut buf = [0_u8; 64];
        while let Ok(1..) = read.read(&mut buf).await {}
    })
    .await;
    dripping.abort();
    assert!(closed.is_ok(), "a dripped head kept the connection open for {PATIENCE:?}");

    // The server still serves.
    let mut fresh = connect(&mock).await;
    fresh.write_all(get_operations(&mock).as_bytes()).await.expect("writes");
    let (head, _) = read_answer(&mut fresh).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed_after_the_idle_bound() {
    let mock = start(|config| config.idle_timeout(SHORT)).await;
    let mut stream = connect(&mock).await;
    for _ in 0..2 {
        // Kept alive: a second request on the same connection is answered.
        stream.write_all(get_operations(&mock).as_bytes()).await.expect("writes");
        let (head, body) = read_answer(&mut stream).await;
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(body.contains("\"operations\""), "{body}");
    }
    // The head bound is NEVER: only the idle bound can close it.
    let after = read_until_closed(&mut stream).await;
    assert_eq!(after, "", "nothing more was sent");
}

#[tokio::test]
async fn a_body_that_never_comes_or_drips_is_answered_408_and_closed() {
    let mock = start(|config| config.body_timeout(SHORT)).await;
    let head = |length: usize| {
        format!(
            "POST /cgi-bin/stable_token HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Content-Length: {length}\r\n\r\n",
            mock.addr()
        )
    };

    let mut never = connect(&mock).await;
    never.write_all(head(100).as_bytes()).await.expect("writes");
    let answer = read_until_closed(&mut never).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.to_ascii_lowercase().contains("connection: close"), "{answer}");

    let (mut read, write) = connect(&mock).await.into_split();
    let dripping = drip(write, head(1000) + "{", b' ');
    let mut answer = Vec::new();
    let closed = timeout(PATIENCE, read.read_to_end(&mut answer)).await;
    let sent = dripping.await.expect("the drip ends");
    let answer = String::from_utf8_lossy(&answer);
    assert!(closed.is_ok(), "a dripping body kept the connection open for {PATIENCE:?}: {answer}");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(sent < 200, "the server stopped reading before the drip ran out ({sent} bytes)");
}

#[tokio::test]
async fn at_the_cap_idle_connections_make_room_and_busy_ones_are_kept() {
    let mock = start(|config| config.max_connections(3)).await;
    assert_eq!(mock.max_connections(), 3);

    // One connection busy: its answer is delayed, and it must not be closed for room.
    mock.faults().set_latency(Duration::from_millis(1500));
    let mut busy = connect(&mock).await;
    let token = format!(
        r#"{{"grant_type":"client_credential","appid":"{}","secret":"{}"}}"#,
        wechat_mock::DEMO_APPID,
        wechat_mock::DEMO_SECRET
    );
    let request = format!(
        "POST /cgi-bin/stable_token HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{token}",
        mock.addr(),
        token.len()
    );
    busy.write_all(request.as_bytes()).await.expect("writes");
    // Wait until the server has taken the request, so the connection counts as busy.
    let taken = timeout(PATIENCE, async {
        while mock.requests().count("/cgi-bin/stable_token") == 0 {
            sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert!(taken.is_ok(), "the busy request never arrived");

    // Ten idle connections on a cap of three: each new one pushes out the oldest idle one.
    let mut idle = Vec::new();
    for _ in 0..10 {
        idle.push(connect(&mock).await);
    }
    let mut fresh = connect(&mock).await;
    fresh.write_all(get_operations(&mock).as_bytes()).await.expect("writes");
    let (head, _) = read_answer(&mut fresh).await;
    assert!(head.starts_with("HTTP/1.1 200"), "a new client is served at the cap: {head}");

    let (head, body) = read_answer(&mut busy).await;
    assert!(head.starts_with("HTTP/1.1 200"), "the busy connection was kept: {head}");
    assert!(body.contains("access_token"), "{body}");
    // The oldest idle connection was closed to make room.
    assert_eq!(read_until_closed(&mut idle[0]).await, "");
}

#[tokio::test]
async fn shutdown_closes_idle_and_half_sent_connections_and_finishes_requests_in_flight() {
    let mock = start(|config| config).await;
    let silent = connect(&mock).await;
    let mut half = connect(&mock).await;
    half.write_all(b"GET /__mock/operations HTTP/1.1\r\nX-Half: ").await.expect("writes");

    mock.faults().set_latency(Duration::from_millis(500));
    let mut in_flight = connect(&mock).await;
    in_flight
        .write_all(format!("GET /cgi-bin/token HTTP/1.1\r\nHost: {}\r\n\r\n", mock.addr()).as_bytes())
        .await
        .expect("writes");
    let taken = timeout(PATIENCE, async {
        while mock.requests().count("/cgi-bin/token") == 0 {
            sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert!(taken.is_ok(), "the request never arrived");

    match timeout(PATIENCE, mock.shutdown()).await {
        Ok(stopped) => stopped.expect("a clean stop"),
        Err(_) => panic!("shutdown waited on connections for {PATIENCE:?}"),
    }
    let answer = read_until_closed(&mut in_flight).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "the request in flight was answered: {answer}");
    assert_eq!(read_until_closed(&mut half).await, "");
    drop(silent);
}

/// More than loopback socket buffers hold while the client reads nothing.
const BIG: usize = 16 * 1024 * 1024;

/// Stores a file of [`BIG`] bytes, asks for it on a raw connection without reading the
/// answer, and returns the connection once the server has handed the answer to hyper and
/// found the socket full.
async fn unread_download(mock: &MockServer) -> TcpStream {
    mock.media().insert(StoredFile {
        s_media_id: "big".into(),
        file_name: "big.pdf".into(),
        content_type: "application/pdf".into(),
        bytes: Bytes::from(vec![b'%'; BIG]),
    });
    let http = reqwest::Client::new();
    let post = |url: String, body: Value| {
        let sent = http.post(url).body(body.to_string()).send();
        async move {
            let text = sent.await.expect("answers").text().await.expect("a body");
            serde_json::from_str::<Value>(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
        }
    };
    let token = post(
        format!("{}/cgi-bin/stable_token", mock.base_url()),
        json!({"grant_type": "client_credential", "appid": DEMO_APPID, "secret": DEMO_SECRET}),
    )
    .await;
    let token = token["access_token"].as_str().expect("a token");
    let link = post(
        format!("{}/card/invoice/platform/getpdf?action=get_url&access_token={token}", mock.base_url()),
        json!({"action": "get_url", "s_media_id": "big"}),
    )
    .await;
    let url = link["pdf_url"].as_str().unwrap_or_else(|| panic!("a link: {link}"));
    let path = url.strip_prefix(mock.base_url()).expect("a link to the mock");

    let mut stream = connect(mock).await;
    stream
        .write_all(format!("GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n", mock.addr()).as_bytes())
        .await
        .expect("writes");
    let asked = timeout(PATIENCE, async {
        while mock.requests().count("/intp/invoice/getpdf") == 0 {
            sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert!(asked.is_ok(), "the download never arrived");
    // Time for the answer to fill the socket; should it not have yet, it is in flight, which
    // is kept all the same.
    sleep(Duration::from_millis(300)).await;
    stream
}

/// Reads one answer to its end and returns the length of its body.
async fn body_length(stream: &mut TcpStream) -> usize {
    let (head, body) = read_answer(stream).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    body.len()
}

#[tokio::test]
async fn an_answer_not_read_yet_is_not_cut_short_for_room() {
    let mock = start(|config| config.max_connections(1)).await;
    let mut download = unread_download(&mock).await;
    // At the cap, a new client waits for the download rather than cutting it short.
    let mut next = connect(&mock).await;
    next.write_all(get_operations(&mock).as_bytes()).await.expect("writes");
    sleep(Duration::from_millis(300)).await;
    assert_eq!(body_length(&mut download).await, BIG, "the whole file");
    let (head, _) = read_answer(&mut next).await;
    assert!(head.starts_with("HTTP/1.1 200"), "then the new client is served: {head}");
}

#[tokio::test]
async fn an_answer_not_read_yet_is_not_cut_short_by_a_stop() {
    let mock = start(|config| config).await;
    let mut download = unread_download(&mock).await;
    let stopping = tokio::spawn(mock.shutdown());
    sleep(Duration::from_millis(300)).await;
    assert_eq!(body_length(&mut download).await, BIG, "the whole file");
    match timeout(PATIENCE, stopping).await {
        Ok(Ok(stopped)) => stopped.expect("a clean stop"),
        Ok(Err(e)) => panic!("the shutdown task failed: {e}"),
        Err(_) => panic!("shutdown waited for {PATIENCE:?} after the answer was read"),
    }
}

#[tokio::test]
async fn a_bound_or_cap_of_zero_is_refused_at_start() {
    let demo = MockConfig::demo;
    for (config, expected) in [
        (demo().header_timeout(Duration::ZERO), "header_timeout"),
        (demo().idle_timeout(Duration::ZERO), "idle_timeout"),
        (demo().body_timeout(Duration::ZERO), "body_timeout"),
        (demo().max_connections(0), "max_connections"),
    ] {
        match MockServer::start(config).await {
            Err(MockError::ZeroSetting { setting }) => assert_eq!(setting, expected),
            other => panic!("{expected} of zero: {other:?}"),
        }
    }
    let refused = MockServer::start(demo().max_connections(0)).await.err().map(|e| e.to_string());
    assert_eq!(refused.as_deref(), Some("MockConfig::max_connections must be above zero"));
}
