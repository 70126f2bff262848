//! A minimal, fast loopback server for the client benchmarks: fixed answers for the
//! benchmarked endpoints and `/cgi-bin/stable_token`, whose calls it counts. It does as
//! little as possible so the client, not the server, dominates what is measured.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;

/// The token the server hands out.
pub const TOKEN: &str = "BENCH-TOKEN";

/// `getauthdata`'s answer.
pub const AUTH_DATA: &str =
    r#"{"errcode":0,"errmsg":"ok","invoice_status":"auth success","auth_time":1480342498}"#;

/// `insertbill`'s answer.
pub const INSERT_BILL: &str =
    r#"{"errcode":0,"errmsg":"ok","code":"682xxxx661927","openid":"ojZ8Ytz4lESxxxx_R1TvB2Kds"}"#;

/// The running server; it stops when dropped.
pub struct FastServer {
    addr: SocketAddr,
    token_fetches: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl FastServer {
    /// Starts on a free port of 127.0.0.1. A token fetch takes `token_latency`, as a real
    /// one does, so calls that start together really wait on it together.
    pub async fn start(token_latency: Duration) -> Self {
        let token_fetches = Arc::new(AtomicU64::new(0));
        let app = Router::new()
            .route("/card/invoice/getauthdata", post(|_: Bytes| async { AUTH_DATA }))
            .route("/nontax/insertbill", post(|_: Bytes| async { INSERT_BILL }))
            .route("/cgi-bin/stable_token", post(stable_token))
            .with_state((Arc::clone(&token_fetches), token_latency));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("serve");
        });
        Self { addr, token_fetches, task }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many times `/cgi-bin/stable_token` was called.
    pub fn token_fetches(&self) -> u64 {
        self.token_fetches.load(Ordering::SeqCst)
    }
}

impl Drop for FastServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn stable_token(State((fetches, latency)): State<(Arc<AtomicU64>, Duration)>, _: Bytes) -> String {
    fetches.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(latency).await;
    format!(r#"{{"access_token":"{TOKEN}","expires_in":7200}}"#)
}
