//! How a mock server is set up: the account it plays, where it listens, token lifetimes.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use wechat_core::Secret;

use crate::media::{DEFAULT_MEDIA_MAX_AGE, DEFAULT_MEDIA_MAX_BYTES};
use crate::pushes::PushTarget;

/// The demo account's appid: `wx` and 16 hex digits, like a real one ("mockdemo" in hex).
pub const DEMO_APPID: &str = "wx6d6f636b64656d6f";

/// The demo account's appsecret. Demo data, not a secret: the binary prints it at start.
pub const DEMO_SECRET: &str = "demo-secret-of-the-wechat-mock-0";

/// The default [`MockConfig::header_timeout`]: 10 s to send a request's head.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// The default [`MockConfig::idle_timeout`]: a kept-alive connection idle 30 s is closed.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// The default [`MockConfig::body_timeout`]: 30 s in all to read a request's body.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// Where the binary listens unless told otherwise.
pub const DEFAULT_LISTEN: SocketAddr = SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 9910);

/// Settings of a [`MockServer`](crate::MockServer).
#[derive(Clone)]
pub struct MockConfig {
    /// The only appid the token endpoints accept.
    pub appid: String,
    /// The appsecret that goes with it (never printed).
    pub secret: Secret,
    /// Where to listen; port 0 picks a free port. Default `127.0.0.1:0`.
    pub listen: SocketAddr,
    /// How long an issued access token lives (`expires_in`). Default 7200 s, as WeChat's.
    pub token_lifetime: Duration,
    /// How long a token superseded by a new `GET /cgi-bin/token` keeps working. Default
    /// 5 minutes: WeChat documents that old and new tokens both work for 5 minutes.
    pub superseded_grace: Duration,
    /// How many bytes of uploaded files (setpdf's PDFs) the server keeps in all; past it,
    /// the oldest files are dropped. Default 64 MiB
    /// ([`DEFAULT_MEDIA_MAX_BYTES`](crate::DEFAULT_MEDIA_MAX_BYTES)).
    pub media_max_bytes: u64,
    /// How long the server keeps an uploaded file. Default 3 days
    /// ([`DEFAULT_MEDIA_MAX_AGE`](crate::DEFAULT_MEDIA_MAX_AGE)), as long as WeChat keeps a
    /// PDF not attached to an invoice. A dropped file's `s_media_id` is unknown from then on,
    /// as an expired one is to WeChat.
    pub media_max_age: Duration,
    /// Where to push events (an order authorized, a card approved, taken or redeemed), as
    /// WeChat pushes them to the account's callback URL. Default none.
    pub push: Option<PushTarget>,
    /// How long a client has to send a request's head (request line and headers): from
    /// connecting, or on a kept-alive connection from the first byte of its next request. A
    /// connection that sends nothing, or drips its headers, is closed when it runs out.
    /// Default 10 s ([`DEFAULT_HEADER_TIMEOUT`](crate::DEFAULT_HEADER_TIMEOUT)).
    pub header_timeout: Duration,
    /// How long a kept-alive connection may sit idle after an answer, before the first byte
    /// of its next request, until the server closes it; also how long a client that stops
    /// reading an answer has to read the rest. Default 30 s
    /// ([`DEFAULT_IDLE_TIMEOUT`](crate::DEFAULT_IDLE_TIMEOUT)).
    pub idle_timeout: Duration,
    /// How long reading a request's body may take in all, from the handler's first read: a
    /// body slower than that, or one a `Content-Length` announced that never comes, is
    /// answered `408 Request Timeout` and its connection closed. Default 30 s
    /// ([`DEFAULT_BODY_TIMEOUT`](crate::DEFAULT_BODY_TIMEOUT)).
    pub body_timeout: Duration,
    /// At most this many connections open at once. At the cap the server takes a new
    /// connection only when it can close an idle one for it, the one idle longest (no
    /// request in flight and nothing left to send: waiting for a head, or kept alive between
    /// requests), so one more is open while that one closes; with none idle, new connections
    /// wait to be accepted. `None` (the default) fits the cap, at start, under the process's
    /// open file limit (`RLIMIT_NOFILE`, the soft one): the limit less 64 descriptors for the
    /// rest of the process, or half of it when that is more, so 960 under the common 1,024;
    /// 4,096 where the limit is unlimited or cannot be read (not unix); see
    /// [`MockServer::max_connections`](crate::MockServer::max_connections). A number given
    /// here is used as it is; if the process then runs out of descriptors, the server closes
    /// its oldest idle connection and backs off (10 ms, doubling up to 1 s) instead of
    /// failing.
    pub max_connections: Option<usize>,
}

impl MockConfig {
    /// A server for the account `appid` with appsecret `secret`, on a free port of 127.0.0.1.
    /// The appsecret is a [`Secret`], so it cannot be passed where the appid goes.
    pub fn new(appid: impl Into<String>, secret: Secret) -> Self {
        Self {
            appid: appid.into(),
            secret,
            listen: SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            token_lifetime: Duration::from_secs(7200),
            superseded_grace: Duration::from_secs(300),
            media_max_bytes: DEFAULT_MEDIA_MAX_BYTES,
            media_max_age: DEFAULT_MEDIA_MAX_AGE,
            push: None,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            body_timeout: DEFAULT_BODY_TIMEOUT,
            max_connections: None,
        }
    }

    /// A server for the demo account ([`DEMO_APPID`], [`DEMO_SECRET`]).
    pub fn demo() -> Self {
        Self::new(DEMO_APPID, Secret::new(DEMO_SECRET))
    }

    /// Listens on `addr` instead of a free port of 127.0.0.1.
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Issues tokens that live this long.
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    /// Keeps superseded tokens working this long.
    pub fn superseded_grace(mut self, grace: Duration) -> Self {
        self.superseded_grace = grace;
        self
    }

    /// Keeps at most this many bytes of uploaded files, dropping the oldest past it.
    pub fn media_max_bytes(mut self, max_bytes: u64) -> Self {
        self.media_max_bytes = max_bytes;
        self
    }

    /// Keeps uploaded files this long at most.
    pub fn media_max_age(mut self, max_age: Duration) -> Self {
        self.media_max_age = max_age;
        self
    }

    /// Closes a connection that has not sent a whole request head this long after connecting
    /// (or after the first byte of a next request); see [`header_timeout`](Self::header_timeout).
    /// Must be above zero.
    pub fn header_timeout(mut self, timeout: Duration) -> Self {
        self.header_timeout = timeout;
        self
    }

    /// Closes a kept-alive connection idle this long between requests; see
    /// [`idle_timeout`](Self::idle_timeout). Must be above zero.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// Answers 408 and closes the connection when a request body takes longer than this to
    /// read; see [`body_timeout`](Self::body_timeout). Must be above zero.
    pub fn body_timeout(mut self, timeout: Duration) -> Self {
        self.body_timeout = timeout;
        self
    }

    /// Keeps at most `max` connections open at once, as given rather than fitted to the
    /// descriptor limit; see [`max_connections`](Self::max_connections). Must be above zero.
    pub fn max_connections(mut self, max: usize) -> Self {
        self.max_connections = Some(max);
        self
    }
}

impl MockConfig {
    /// Pushes events to `target`.
    pub fn push(mut self, target: PushTarget) -> Self {
        self.push = Some(target);
        self
    }
}

impl Default for MockConfig {
    fn default() -> Self {
        Self::demo()
    }
}

impl fmt::Debug for MockConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockConfig")
            .field("appid", &self.appid)
            .field("secret", &"***")
            .field("listen", &self.listen)
            .field("token_lifetime", &self.token_lifetime)
            .field("superseded_grace", &self.superseded_grace)
            .field("media_max_bytes", &self.media_max_bytes)
            .field("media_max_age", &self.media_max_age)
            .field("push", &self.push)
            .field("header_timeout", &self.header_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("body_timeout", &self.body_timeout)
            .field("max_connections", &self.max_connections)
            .finish()
    }
}
