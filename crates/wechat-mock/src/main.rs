//! `wechat-mock`: a local WeChat invoice API server for development and demos.
//!
//! ```text
//! cargo run -p wechat-mock -- --listen 127.0.0.1:9910 --appid APPID --secret SECRET
//! cargo run -p wechat-mock -- --push-url http://127.0.0.1:8080/wechat --push-token TOKEN \
//!     --push-aes-key KEY43 --push-appid APPID
//! ```
//!
//! Runs until SIGINT (Ctrl-C) or SIGTERM, then stops cleanly with exit status 0. Idle and slow
//! connections are bounded (`--header-timeout`, `--idle-timeout`, `--body-timeout`,
//! `--max-connections`; see the README's "Connections").

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use wechat_mock::{
    DEFAULT_BODY_TIMEOUT, DEFAULT_HEADER_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_LISTEN, DEMO_APPID,
    DEMO_SECRET, MockConfig, MockServer, PushTarget,
};

/// A local WeChat invoice API server driven by the spec: tokens, schema checks, the
/// invoice flow's state, and fault injection under /__mock/.
#[derive(Parser)]
#[command(name = "wechat-mock", version)]
struct Args {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value_t = DEFAULT_LISTEN)]
    listen: SocketAddr,
    /// The appid the token endpoints accept.
    #[arg(long, default_value = DEMO_APPID)]
    appid: String,
    /// The appsecret the token endpoints accept.
    #[arg(long, default_value = DEMO_SECRET)]
    secret: String,
    /// Lifetime of issued access tokens, in seconds.
    #[arg(long, default_value_t = 7200)]
    token_lifetime: u64,
    /// Seconds a client has to send a request's head (from connecting, or from the first
    /// byte of a next request); a connection that sends nothing or drips is closed.
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_HEADER_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..))]
    header_timeout: u64,
    /// Seconds a kept-alive connection may sit idle between requests before it is closed.
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_IDLE_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..))]
    idle_timeout: u64,
    /// Seconds reading a request's body may take in all; a slower body is answered 408.
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_BODY_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..))]
    body_timeout: u64,
    /// Connections open at once; at the cap a new one is taken when the one idle longest can
    /// be closed for it.
    /// Default: the open file limit (ulimit -n) less 64.
    #[arg(long, value_name = "N")]
    max_connections: Option<NonZeroUsize>,
    /// Push events (an order authorized, a card approved, taken, redeemed) to this callback
    /// URL, as WeChat does.
    #[arg(long, requires = "push_token")]
    push_url: Option<String>,
    /// The token the pushes are signed with (WeChat's 服务器配置 Token).
    #[arg(long, requires = "push_url")]
    push_token: Option<String>,
    /// Encrypt the pushes (safe mode) with this 43-character EncodingAESKey.
    #[arg(long, requires = "push_url")]
    push_aes_key: Option<String>,
    /// The appid encrypted pushes carry; default the --appid.
    #[arg(long, requires = "push_aes_key")]
    push_appid: Option<String>,
}

impl Args {
    /// Where to push events, if --push-url was given.
    fn push_target(&self) -> Result<Option<PushTarget>, String> {
        let (Some(url), Some(token)) = (&self.push_url, &self.push_token) else { return Ok(None) };
        let target = PushTarget::new(url, &wechat_core::Secret::new(token));
        let Some(key) = &self.push_aes_key else { return Ok(Some(target)) };
        let appid = self.push_appid.clone().unwrap_or_else(|| self.appid.clone());
        target
            .aes_key(&wechat_core::Secret::new(key), appid)
            .map(Some)
            .map_err(|e| format!("--push-aes-key: {e}"))
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .init();
    // Listen for the signals before anything is announced: a signal sent as soon as the URL is
    // printed must stop the server cleanly, not kill the process.
    let signal = match shutdown_signal() {
        Ok(signal) => signal,
        Err(e) => {
            eprintln!("wechat-mock: cannot wait for signals: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut config = MockConfig::new(&args.appid, wechat_core::Secret::new(&args.secret))
        .listen(args.listen)
        .token_lifetime(Duration::from_secs(args.token_lifetime))
        .header_timeout(Duration::from_secs(args.header_timeout))
        .idle_timeout(Duration::from_secs(args.idle_timeout))
        .body_timeout(Duration::from_secs(args.body_timeout));
    if let Some(max) = args.max_connections {
        config = config.max_connections(max.get());
    }
    match args.push_target() {
        Ok(Some(target)) => config = config.push(target),
        Ok(None) => {}
        Err(e) => {
            eprintln!("wechat-mock: {e}");
            return ExitCode::FAILURE;
        }
    }
    let server = match MockServer::start(config).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("wechat-mock: {e}");
            return ExitCode::FAILURE;
        }
    };
    announce(&server, &args);
    let signal = signal.await;
    eprintln!("wechat-mock: {signal} received, stopping");
    match server.shutdown().await {
        Ok(()) => {
            eprintln!("wechat-mock: stopped");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("wechat-mock: {e}");
            ExitCode::FAILURE
        }
    }
}

/// What a person (or a test) needs to use the server; the first line carries the URL.
#[allow(clippy::print_stdout)]
fn announce(server: &MockServer, args: &Args) {
    let url = server.base_url();
    println!("wechat-mock listening on {url}");
    println!("  appid:  {}", args.appid);
    if args.appid == DEMO_APPID && args.secret == DEMO_SECRET {
        println!("  secret: {} (the demo account's; not a real secret)", args.secret);
    } else {
        println!("  secret: (as given with --secret; not printed)");
    }
    println!("  tokens: POST {url}/cgi-bin/stable_token, GET {url}/cgi-bin/token");
    println!(
        "  admin:  {url}/__mock/ (user/{{group}}/{{action}}, state/{{resource}}, faults, latency, tokens/expire, requests, operations, openapi.json)"
    );
    let config = server.config();
    println!(
        "  limits: request head {} s, idle {} s, body {} s; at most {} connections",
        config.header_timeout.as_secs(),
        config.idle_timeout.as_secs(),
        config.body_timeout.as_secs(),
        server.max_connections()
    );
    if let Some(target) = server.pushes().target() {
        let mode = if target.is_encrypted() { "safe mode, encrypted" } else { "plain mode" };
        println!("  pushes: POST {} ({mode}; log at {url}/__mock/pushes)", target.url);
    }
    println!("stop with Ctrl-C or SIGTERM");
    // The URL line is how scripts and tests learn the port; do not leave it in a buffer.
    let _ = std::io::stdout().flush();
}

/// Starts listening for SIGINT and SIGTERM (SIGINT only where there is no SIGTERM); the future
/// names the first one received.
fn shutdown_signal() -> std::io::Result<impl Future<Output = &'static str>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => "SIGINT",
                _ = terminate.recv() => "SIGTERM",
            }
        })
    }
    #[cfg(not(unix))]
    {
        let interrupt = tokio::signal::ctrl_c();
        Ok(async move {
            let _ = interrupt.await;
            "Ctrl-C"
        })
    }
}
