//! The server's connection loop: hyper's HTTP/1 server on each accepted connection, under
//! bounds that keep idle or slow clients from holding the server (`axum::serve` has none).
//!
//! - **Head**: a request's head (request line and headers) must have arrived
//!   [`header_timeout`](MockConfig::header_timeout) after the connection was accepted, or, on a
//!   kept-alive connection, after the first byte of its next request; else the connection is
//!   closed. hyper's own `header_read_timeout` is left off: in hyper 1.x its clock starts as
//!   soon as a kept-alive connection goes idle, so it would be the idle bound too.
//! - **Idle**: a kept-alive connection with no request in flight and no byte of a next one
//!   is closed [`idle_timeout`](MockConfig::idle_timeout) after its last answer was written;
//!   so is one whose client has not read the end of its answer by then.
//! - **Body**: reading a request's body may take [`body_timeout`](MockConfig::body_timeout) in
//!   all, from the handler's first read; past it the read fails and the answer becomes
//!   `408 Request Timeout` with `Connection: close`.
//! - **Cap**: at most [`max_connections`](MockConfig::max_connections) are open, by default
//!   as many as the open file limit leaves room for (the limit less 64). At the cap a new
//!   connection is taken only when an idle one (no request in flight, nothing left to send)
//!   can be closed for it, the one idle longest, so one more than the cap is open while it
//!   closes; with none idle the listener waits. An accept error other than a connection's
//!   own (EMFILE, ENFILE: out of descriptors) closes the oldest idle connection and backs
//!   off, 10 ms doubling to 1 s while the errors go on (a warning every 10 s at most).
//!
//! A request in flight has no bound but its body's: a latency fault may hold it as long as a
//! test asks. Stopping drops the listener, closes every idle connection at once, lets the
//! others finish their answers (hyper's graceful shutdown) under the same bounds, and ends
//! when the last connection has closed.

use std::collections::HashMap;
use std::convert::Infallible;
use std::io;
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper::service::Service;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::time::{Instant, Sleep, sleep, sleep_until, timeout};

use crate::config::MockConfig;

/// The default [`MockConfig::max_connections`] where the open file limit is unknown (not
/// unix) or unlimited.
const UNLIMITED_MAX_CONNECTIONS: usize = 4096;

/// Descriptors left to the rest of the process when the cap is fitted to its limit: stdio,
/// the runtime's, the listener, push deliveries.
const RESERVED_DESCRIPTORS: u64 = 64;
/// The first wait after an accept error; it doubles up to [`LAST_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(10);
/// The longest wait after accept errors in a row.
const LAST_BACKOFF: Duration = Duration::from_secs(1);
/// Accept errors are logged as a warning at most this often, at debug level in between.
const WARN_EVERY: Duration = Duration::from_secs(10);
/// At the cap, how long to wait before looking for room again when no connection has
/// closed or gone idle meanwhile (one may have sent the rest of its answer).
const ROOM_RECHECK: Duration = Duration::from_millis(50);

/// Why a [`MockConfig`] cannot run: a bound or cap of zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ZeroSetting(pub(crate) &'static str);

/// The time bounds of every connection.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bounds {
    header: Duration,
    idle: Duration,
    body: Duration,
}

impl Bounds {
    /// The bounds `config` sets, each above zero.
    pub(crate) fn of(config: &MockConfig) -> Result<Self, ZeroSetting> {
        for (name, bound) in [
            ("header_timeout", config.header_timeout),
            ("idle_timeout", config.idle_timeout),
            ("body_timeout", config.body_timeout),
        ] {
            if bound.is_zero() {
                return Err(ZeroSetting(name));
            }
        }
        Ok(Self { header: config.header_timeout, idle: config.idle_timeout, body: config.body_timeout })
    }
}

/// The cap on open connections for `configured` ([`MockConfig::max_connections`]): as given,
/// or fitted under the process's open file limit.
pub(crate) fn max_connections(configured: Option<usize>) -> Result<usize, ZeroSetting> {
    match configured {
        Some(0) => Err(ZeroSetting("max_connections")),
        Some(max) => Ok(max),
        None => Ok(fitted(open_file_limit())),
    }
}

/// The room the descriptor limit `limit` leaves for connections: the limit less
/// [`RESERVED_DESCRIPTORS`], or half of it when that is more, and at least 1;
/// [`UNLIMITED_MAX_CONNECTIONS`] for `None`, no limit (or one that could not be read).
fn fitted(limit: Option<u64>) -> usize {
    let Some(limit) = limit else { return UNLIMITED_MAX_CONNECTIONS };
    let room = limit.saturating_sub(RESERVED_DESCRIPTORS).max(limit / 2).max(1);
    usize::try_from(room).unwrap_or(usize::MAX)
}

/// The soft limit on open files (`RLIMIT_NOFILE`); `None` when unlimited.
#[cfg(unix)]
fn open_file_limit() -> Option<u64> {
    rustix::process::getrlimit(rustix::process::Resource::Nofile).current
}

/// No descriptor limit to read here: the default cap stands, and running out of handles
/// is met by the accept loop's back-off.
#[cfg(not(unix))]
fn open_file_limit() -> Option<u64> {
    None
}

/// The open connections of one server.
pub(crate) struct Connections {
    cap: usize,
    bounds: Bounds,
    open: Mutex<Open>,
    /// Signalled when a connection closes or goes idle: room may be made.
    changed: Notify,
}

#[derive(Default)]
struct Open {
    next_id: u64,
    by_id: HashMap<u64, Arc<Conn>>,
}

impl Connections {
    /// No connection yet; at most `cap` at once, each under `bounds`.
    pub(crate) fn new(cap: usize, bounds: Bounds) -> Self {
        Self { cap, bounds, open: Mutex::new(Open::default()), changed: Notify::new() }
    }

    fn lock(&self) -> MutexGuard<'_, Open> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts a connection just accepted, until the returned value is dropped.
    fn register(self: &Arc<Self>) -> Registered {
        let conn = Arc::new(Conn::new(Instant::now()));
        let mut open = self.lock();
        let id = open.next_id;
        open.next_id += 1;
        open.by_id.insert(id, Arc::clone(&conn));
        Registered { connections: Arc::clone(self), conn, id }
    }

    /// Whether to take the next connection: below the cap, or at it with an idle connection
    /// to close for the newcomer ([`trim`](Self::trim), once it has come). So at most one
    /// more than the cap is open, and only while an idle one closes.
    fn has_room(&self) -> bool {
        let open = self.lock();
        let count = open.by_id.len();
        if count > self.cap {
            // The one asked to close for the newcomer took a request first: ask another.
            if !open.by_id.values().any(|conn| conn.state().evict) {
                Self::evict_oldest_idle_of(&open, None);
            }
            return false;
        }
        count < self.cap || open.by_id.values().any(|conn| conn.idle_since().is_some())
    }

    /// Over the cap (a connection was just taken for which room is to be made): asks the
    /// connection idle longest, other than the newcomer `except`, to close.
    fn trim(&self, except: u64) {
        let open = self.lock();
        if open.by_id.len() > self.cap {
            Self::evict_oldest_idle_of(&open, Some(except));
        }
    }

    /// Asks the connection idle longest to close, to free its descriptor.
    fn evict_oldest_idle(&self) {
        Self::evict_oldest_idle_of(&self.lock(), None);
    }

    fn evict_oldest_idle_of(open: &Open, except: Option<u64>) {
        let oldest = open
            .by_id
            .iter()
            .filter(|(id, _)| Some(**id) != except)
            .filter_map(|(_, conn)| conn.idle_since().map(|since| (since, conn)))
            .min_by_key(|(since, _)| *since);
        if let Some((_, conn)) = oldest {
            conn.evict();
        }
    }

    /// Waits until every connection has closed.
    async fn all_closed(&self) {
        while !self.lock().by_id.is_empty() {
            // A close between the check and the wait leaves a permit: no wake-up is lost.
            self.changed.notified().await;
        }
    }
}

/// A connection counted in [`Connections`]; dropping it removes it.
struct Registered {
    connections: Arc<Connections>,
    conn: Arc<Conn>,
    id: u64,
}

impl Drop for Registered {
    fn drop(&mut self) {
        self.connections.lock().by_id.remove(&self.id);
        self.connections.changed.notify_one();
    }
}

/// What one connection is doing, for its bounds and for eviction.
struct Conn {
    state: Mutex<State>,
    /// Signalled when the state changes in a way that moves its deadline.
    wake: Notify,
}

struct State {
    /// Requests handed to the router whose answers are not yet written.
    in_flight: usize,
    /// No request yet: the head bound runs from `since`, the accept.
    fresh: bool,
    /// When the connection was accepted or last went idle (its last answer handed to hyper,
    /// or, when the socket was full, written out).
    since: Instant,
    /// When the first byte of a next request arrived on a kept-alive connection.
    head_started: Option<Instant>,
    /// A write found the socket full and hyper has not flushed since: part of an answer is
    /// still to go, so the connection is not idle enough to close for room or for a stop.
    unsent: bool,
    /// Asked to close to make room; cleared if a request starts first.
    evict: bool,
}

/// What a connection's task does next.
enum Step {
    /// Close it now.
    Close,
    /// Serve it, and close it at this instant unless its state changes first.
    CloseAt(Instant),
    /// Serve it: a request is in flight.
    Serve,
}

impl Conn {
    fn new(accepted: Instant) -> Self {
        let state = State {
            in_flight: 0,
            fresh: true,
            since: accepted,
            head_started: None,
            unsent: false,
            evict: false,
        };
        Self { state: Mutex::new(state), wake: Notify::new() }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn step(&self, bounds: Bounds, now: Instant) -> Step {
        let state = self.state();
        if state.in_flight > 0 {
            return Step::Serve;
        }
        if state.evict {
            return Step::Close;
        }
        let deadline = match (state.fresh, state.head_started) {
            (true, _) => state.since + bounds.header,
            // An answer the client does not read is given the idle bound to be read.
            (false, _) if state.unsent => state.since + bounds.idle,
            (false, Some(started)) => started + bounds.header,
            (false, None) => state.since + bounds.idle,
        };
        if deadline <= now { Step::Close } else { Step::CloseAt(deadline) }
    }

    /// Whether it can be closed without cutting an answer short.
    fn is_idle(&self) -> bool {
        let state = self.state();
        state.in_flight == 0 && !state.unsent
    }

    /// Since when it has been idle, if it is and is not closing already.
    fn idle_since(&self) -> Option<Instant> {
        let state = self.state();
        (state.in_flight == 0 && !state.unsent && !state.evict).then_some(state.since)
    }

    fn evict(&self) {
        let mut state = self.state();
        if state.in_flight == 0 && !state.unsent {
            state.evict = true;
            drop(state);
            self.wake.notify_one();
        }
    }

    /// A write found the socket full.
    fn write_blocked(&self) {
        self.state().unsent = true;
    }

    /// hyper flushed: everything written so far is out. Idle from now if no request is in
    /// flight.
    fn flushed(&self) {
        let mut state = self.state();
        if state.unsent {
            state.unsent = false;
            if state.in_flight == 0 {
                state.since = Instant::now();
            }
            drop(state);
            self.wake.notify_one();
        }
    }

    /// Bytes came in: on a kept-alive connection between requests, a next head has begun.
    fn read_some(&self) {
        let mut state = self.state();
        if state.in_flight == 0 && !state.fresh && state.head_started.is_none() {
            state.head_started = Some(Instant::now());
            drop(state);
            self.wake.notify_one();
        }
    }
}

/// A request in flight on a connection, from its head's arrival until its answer's body has
/// been written (or dropped).
struct InFlight {
    conn: Arc<Conn>,
    connections: Arc<Connections>,
}

impl InFlight {
    fn start(conn: &Arc<Conn>, connections: &Arc<Connections>) -> Self {
        let mut state = conn.state();
        state.in_flight += 1;
        state.fresh = false;
        state.head_started = None;
        state.evict = false;
        drop(state);
        // No wake-up: the deadline only goes away, and a timer that fires finds no deadline.
        Self { conn: Arc::clone(conn), connections: Arc::clone(connections) }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut state = self.conn.state();
        state.in_flight = state.in_flight.saturating_sub(1);
        if state.in_flight == 0 {
            state.since = Instant::now();
            state.head_started = None;
        }
        drop(state);
        self.conn.wake.notify_one();
        self.connections.changed.notify_one();
    }
}

/// Accepts connections until `stop` completes, then closes the idle ones, lets requests in
/// flight finish, and returns once every connection has closed.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    connections: Arc<Connections>,
    stop: impl Future<Output = ()>,
) {
    let (stopping, stop_seen) = watch::channel(false);
    let mut errors = AcceptErrors { backoff: FIRST_BACKOFF, warned: None };
    {
        let mut stop = pin!(stop);
        loop {
            let stream = tokio::select! {
                biased;
                () = &mut stop => break,
                stream = accept(&listener, &connections, &mut errors) => stream,
            };
            let registered = connections.register();
            connections.trim(registered.id);
            tokio::spawn(serve_connection(stream, registered, router.clone(), stop_seen.clone()));
        }
    }
    drop(listener);
    stopping.send_replace(true);
    connections.all_closed().await;
}

/// Accept errors: the wait after the next one, and when one was last logged as a warning.
struct AcceptErrors {
    backoff: Duration,
    warned: Option<Instant>,
}

/// The next connection, once there is room for it; accept errors are waited out.
async fn accept(listener: &TcpListener, connections: &Connections, errors: &mut AcceptErrors) -> TcpStream {
    loop {
        while !connections.has_room() {
            let _ = timeout(ROOM_RECHECK, connections.changed.notified()).await;
        }
        match listener.accept().await {
            Ok((stream, _peer)) => {
                errors.backoff = FIRST_BACKOFF;
                return stream;
            }
            // That connection's own trouble: go on with the next.
            Err(e) if is_connection_error(&e) => {}
            Err(e) => {
                let now = Instant::now();
                if errors.warned.is_none_or(|warned| now.duration_since(warned) >= WARN_EVERY) {
                    errors.warned = Some(now);
                    tracing::warn!(error = %e, "cannot accept connections; closing the oldest idle one and backing off");
                } else {
                    tracing::debug!(error = %e, backoff = ?errors.backoff, "cannot accept connections");
                }
                connections.evict_oldest_idle();
                // Retry when a connection closes or goes idle, or after the back-off.
                let _ = timeout(errors.backoff, connections.changed.notified()).await;
                errors.backoff = (errors.backoff * 2).min(LAST_BACKOFF);
            }
        }
    }
}

fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::Interrupted
    )
}

/// Serves one connection until it ends, a bound closes it, it is evicted, or the server
/// stops.
async fn serve_connection(
    stream: TcpStream,
    registered: Registered,
    router: Router,
    mut stop: watch::Receiver<bool>,
) {
    let conn = Arc::clone(&registered.conn);
    let connections = Arc::clone(&registered.connections);
    let bounds = connections.bounds;
    let service = ConnService {
        router: TowerToHyperService::new(router),
        conn: Arc::clone(&conn),
        connections,
        body_timeout: bounds.body,
    };
    let io = TokioIo::new(Watched { stream, conn: Arc::clone(&conn) });
    let mut builder = hyper::server::conn::http1::Builder::new();
    // The head bound is this loop's; see the module's doc.
    builder.header_read_timeout(None);
    let mut http = pin!(builder.serve_connection(io, service));
    let mut stopping = false;
    loop {
        let deadline = match conn.step(bounds, Instant::now()) {
            Step::Close => return,
            Step::CloseAt(deadline) => Some(deadline),
            Step::Serve => None,
        };
        if stopping && conn.is_idle() {
            return;
        }
        tokio::select! {
            result = http.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
                return;
            }
            () = conn.wake.notified() => {}
            () = sleep_until_some(deadline) => {}
            // A dropped sender (the server's task is gone) stops as a sent signal does.
            _ = stop.wait_for(|stop| *stop), if !stopping => {
                stopping = true;
                http.as_mut().graceful_shutdown();
            }
        }
    }
}

/// Sleeps until `deadline`, or forever without one.
async fn sleep_until_some(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// The socket, noting when bytes come in.
struct Watched {
    stream: TcpStream,
    conn: Arc<Conn>,
}

impl AsyncRead for Watched {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.stream).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.conn.read_some();
        }
        polled
    }
}

/// hyper writes its buffer until the socket is full (a write is pending) or the buffer is
/// empty, and then flushes the socket: a pending write marks part of an answer unsent until
/// the next successful flush.
impl AsyncWrite for Watched {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_write(cx, buf);
        if polled.is_pending() {
            this.conn.write_blocked();
        }
        polled
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_flush(cx);
        if matches!(polled, Poll::Ready(Ok(()))) {
            this.conn.flushed();
        }
        polled
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        if polled.is_pending() {
            this.conn.write_blocked();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// The router, behind the body bound and the in-flight count of one connection.
struct ConnService {
    router: TowerToHyperService<Router>,
    conn: Arc<Conn>,
    connections: Arc<Connections>,
    body_timeout: Duration,
}

type Answer = Pin<Box<dyn Future<Output = Result<Response<Tracked>, Infallible>> + Send>>;

impl Service<Request<Incoming>> for ConnService {
    type Response = Response<Tracked>;
    type Error = Infallible;
    type Future = Answer;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        let in_flight = InFlight::start(&self.conn, &self.connections);
        let bound = self.body_timeout;
        let expired = Arc::new(AtomicBool::new(false));
        let request =
            request.map(|body| Deadline { body, bound, timer: None, expired: Arc::clone(&expired) });
        let answer = self.router.call(request);
        Box::pin(async move {
            let Ok(response) = answer.await;
            let response = if expired.load(Ordering::Acquire) { body_timed_out(bound) } else { response };
            Ok(response.map(|body| Tracked { body, _in_flight: in_flight }))
        })
    }
}

/// What a request whose body did not arrive in time gets, whatever its handler answered.
fn body_timed_out(bound: Duration) -> Response<Body> {
    tracing::warn!(?bound, "request body not received in time: answered 408, closing the connection");
    let mut response = Response::new(Body::from(format!("request body not received within {bound:?}\n")));
    *response.status_mut() = StatusCode::REQUEST_TIMEOUT;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// A request body that fails once reading it has taken longer than `bound`.
struct Deadline {
    body: Incoming,
    bound: Duration,
    /// Started at the first read.
    timer: Option<Pin<Box<Sleep>>>,
    /// Set when the bound ran out, so the answer becomes a 408.
    expired: Arc<AtomicBool>,
}

/// The error a [`Deadline`] body fails with.
#[derive(Debug, thiserror::Error)]
#[error("the request body was not received within {0:?}")]
struct BodyTimedOut(Duration);

impl http_body::Body for Deadline {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let Self { body, bound, timer, expired } = self.get_mut();
        if expired.load(Ordering::Acquire) {
            return Poll::Ready(Some(Err(BodyTimedOut(*bound).into())));
        }
        let timer = timer.get_or_insert_with(|| Box::pin(sleep(*bound)));
        match Pin::new(body).poll_frame(cx) {
            Poll::Ready(frame) => Poll::Ready(frame.map(|frame| frame.map_err(Into::into))),
            Poll::Pending if timer.as_mut().poll(cx).is_ready() => {
                expired.store(true, Ordering::Release);
                Poll::Ready(Some(Err(BodyTimedOut(*bound).into())))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// An answer's body, keeping its request in flight until hyper has written (or dropped) it.
struct Tracked {
    body: Body,
    _in_flight: InFlight,
}

impl http_body::Body for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_cap_fits_under_the_descriptor_limit() {
        assert_eq!(fitted(None), 4096, "no limit");
        assert_eq!(fitted(Some(1024)), 960, "64 descriptors kept for the rest of the process");
        assert_eq!(fitted(Some(256)), 192);
        assert_eq!(fitted(Some(100)), 50, "half of a small limit");
        assert_eq!(fitted(Some(1)), 1);
        assert_eq!(fitted(Some(0)), 1, "never zero");
        assert_eq!(fitted(Some(65_536)), 65_472, "no ceiling but the limit");
    }

    #[test]
    fn zero_bounds_and_caps_are_refused() {
        assert_eq!(max_connections(Some(0)), Err(ZeroSetting("max_connections")));
        assert_eq!(max_connections(Some(3)), Ok(3));
        assert!(max_connections(None).is_ok_and(|max| max >= 1));
        let config = MockConfig::demo().idle_timeout(Duration::ZERO);
        assert_eq!(Bounds::of(&config).err(), Some(ZeroSetting("idle_timeout")));
        assert!(Bounds::of(&MockConfig::demo()).is_ok());
    }
}
