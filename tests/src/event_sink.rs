//! A callback URL on 127.0.0.1 for the flow tests: wechat-mock pushes its events there, signed
//! (plain mode) with [`EventSink::TOKEN`], and the generated typed route hands each one over.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use wechat_card::events::{self, Event, Push};
use wechat_core::push::Receiver;

/// How long [`EventSink::next`] waits for a push: a hang guard, not a speed assertion.
const WAIT: Duration = Duration::from_secs(10);

/// The receiving end: an axum server with the typed route, and what it received, in order.
pub struct EventSink {
    url: String,
    received: mpsc::UnboundedReceiver<Event>,
    server: JoinHandle<()>,
}

impl EventSink {
    /// The Token of the account's server settings the pushes are signed with (a test value).
    pub const TOKEN: &'static str = "flow-push-token";

    /// Binds 127.0.0.1 on a free port and serves the typed route at `/wechat`.
    pub async fn start() -> Self {
        let (sent, received) = mpsc::unbounded_channel();
        let route = events::route(Receiver::new(Self::TOKEN), move |push: Push| {
            let sent = sent.clone();
            async move {
                // The test may have stopped listening; the push is answered all the same.
                let _ = sent.send(push.event);
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port on 127.0.0.1");
        let url = format!("http://{}/wechat", listener.local_addr().expect("a bound address"));
        let app = axum::Router::new().route("/wechat", route);
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { url, received, server }
    }

    /// The callback URL to give the mock's push target.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The next event pushed, waiting at most 10 s; a push that never comes fails the test.
    pub async fn next(&mut self) -> Event {
        tokio::time::timeout(WAIT, self.received.recv())
            .await
            .unwrap_or_else(|_| panic!("no push reached {} within {WAIT:?}", self.url))
            .expect("the route is still serving")
    }

    /// Whether no other push has arrived by now.
    pub fn is_quiet(&mut self) -> bool {
        self.received.try_recv().is_err()
    }
}

impl Drop for EventSink {
    fn drop(&mut self) {
        self.server.abort();
    }
}
