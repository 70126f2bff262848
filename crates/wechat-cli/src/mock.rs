//! `wechat mock`: wechat-mock in this process, with the demo account, until Ctrl-C or SIGTERM.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;

use clap::{Arg, ArgMatches, Command, value_parser};
use wechat_mock::{DEFAULT_LISTEN, DEMO_APPID, DEMO_SECRET, MockConfig, MockServer};

use crate::credentials::{APPID, BASE_URL, SECRET};
use crate::failure::Failure;

/// The subcommand running the mock server.
pub(crate) const MOCK: &str = "mock";

/// The `mock` subcommand.
pub(crate) fn command() -> Command {
    Command::new(MOCK)
        .about("Runs the mock WeChat server (wechat-mock) with the demo account until Ctrl-C")
        .long_about(
            "Runs the mock WeChat server (wechat-mock) with the demo account until Ctrl-C or SIGTERM. \
             It serves every endpoint of the spec, checks requests as WeChat does and keeps the \
             invoice and card state; its admin routes are under /__mock/. The first line printed \
             is `wechat mock listening on URL`; the next says what to export so that `wechat` \
             calls it. Requests are logged to stderr.",
        )
        .arg(
            Arg::new("addr").long("addr").value_name("ADDR").value_parser(value_parser!(SocketAddr)).help(
                format!("The address to listen on [default: {DEFAULT_LISTEN}]; port 0 picks a free port"),
            ),
        )
}

/// Runs the server until a signal comes.
pub(crate) async fn run(matches: &ArgMatches) -> Result<(), Failure> {
    let addr = matches.get_one::<SocketAddr>("addr").copied().unwrap_or(DEFAULT_LISTEN);
    // Logging is set up once, here only: the calls of other commands print nothing but answers.
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .try_init();
    // Listening for signals before the URL is announced: a script that stops the server as
    // soon as it reads the URL must stop it cleanly.
    let signal = shutdown_signal().map_err(|e| Failure::Mock(format!("cannot wait for signals: {e}")))?;
    let server =
        MockServer::start(MockConfig::demo().listen(addr)).await.map_err(|e| Failure::Mock(e.to_string()))?;
    match announce(server.base_url()) {
        Ok(()) => {}
        // Nobody reads the announcement (`wechat mock | head -1` has taken its line): the
        // server is up all the same, and serves until stopped.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(Failure::Output(e)),
    }
    let received = signal.await;
    crate::report(&format!("wechat mock: {received} received, stopping"));
    server.shutdown().await.map_err(|e| Failure::Mock(e.to_string()))
}

/// The URL first (scripts read it), then what to export: the demo account's credentials,
/// which are public and are not a real appsecret.
fn announce(url: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "wechat mock listening on {url}")?;
    writeln!(out, "export {BASE_URL}={url} {APPID}={DEMO_APPID} {SECRET}={DEMO_SECRET}")?;
    writeln!(out, "(the demo account of wechat-mock; stop with Ctrl-C)")?;
    out.flush()
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
