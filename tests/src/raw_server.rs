//! A TCP server on 127.0.0.1 that answers every request with the same bytes, written in
//! steps: for answers an HTTP library will not produce, such as a `Content-Length` that
//! lies, a connection reset in the middle of the body, or a body dripped a byte at a time.
//! Each connection carries one request and is closed after its answer.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One step of the answer.
#[derive(Debug, Clone)]
pub enum Step {
    /// Writes these bytes.
    Write(Vec<u8>),
    /// Waits this long.
    Pause(Duration),
    /// Resets the connection (an RST, not a clean close), ending the answer.
    Reset,
}

impl Step {
    /// Writes `text`.
    pub fn text(text: &str) -> Self {
        Self::Write(text.as_bytes().to_vec())
    }
}

/// The largest request head and body read; the client's requests are far smaller.
const MAX_REQUEST: usize = 64 * 1024;

/// The running server; it stops when dropped.
pub struct RawServer {
    addr: SocketAddr,
    requests: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl RawServer {
    /// Starts a server on a free port of 127.0.0.1 answering each request with `steps`.
    ///
    /// # Panics
    ///
    /// When no port of 127.0.0.1 can be bound.
    pub async fn start(steps: Vec<Step>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&requests);
        let steps = Arc::new(steps);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(answer(stream, Arc::clone(&steps), Arc::clone(&counter)));
            }
        });
        Self { addr, requests, task }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many complete requests were received.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(mut stream: TcpStream, steps: Arc<Vec<Step>>, requests: Arc<AtomicUsize>) {
    if !read_request(&mut stream).await {
        return;
    }
    requests.fetch_add(1, Ordering::SeqCst);
    for step in steps.iter() {
        match step {
            Step::Write(bytes) => {
                if stream.write_all(bytes).await.is_err() {
                    return;
                }
            }
            Step::Pause(pause) => tokio::time::sleep(*pause).await,
            Step::Reset => {
                // SO_LINGER 0: closing sends an RST instead of a FIN.
                let _ = stream.set_zero_linger();
                return;
            }
        }
    }
    let _ = stream.shutdown().await;
}

/// Reads one request, head and `Content-Length` body; false when the connection closed
/// first or the request is larger than [`MAX_REQUEST`].
async fn read_request(stream: &mut TcpStream) -> bool {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
        if buffer.len() > MAX_REQUEST {
            return false;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
    let body_len = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse::<usize>().ok())
        .unwrap_or(0)
        .min(MAX_REQUEST);
    while buffer.len() < head_end + body_len {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
    true
}
