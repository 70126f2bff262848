//! Signs of life on stderr while a call runs. With `-v` each attempt is a line (its status,
//! errcode and latency, the pause before a retry, as the runtime's `wechat.call` and
//! `wechat.attempt` spans record them; tokens and secrets are masked there). Without it, a
//! call that is still running after a second shows one line on a terminal's stderr (how long,
//! and which attempt once there is a retry), cleared when the call ends; a stderr that is not
//! a terminal (a log, a pipe) gets nothing.

use std::future::Future;
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use clap::{Arg, ArgAction, ArgMatches};
use tracing::span::{Attributes, Id};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::{Context, SubscriberExt};

/// The global flag printing each attempt.
pub(crate) const VERBOSE: &str = "verbose";

/// How long a call runs before the progress line appears.
const QUIET_FOR: Duration = Duration::from_secs(1);

/// How often the progress line is redrawn.
const REDRAW: Duration = Duration::from_millis(250);

/// `-v`/`--verbose`, on every subcommand.
pub(crate) fn arg() -> Arg {
    Arg::new(VERBOSE)
        .long(VERBOSE)
        .short('v')
        .global(true)
        .action(ArgAction::SetTrue)
        .help("Prints each attempt of the call on stderr: status, errcode, latency, retries")
}

/// Counts the attempts the runtime starts (its `wechat.attempt` spans).
struct Attempts(Arc<AtomicU32>);

impl<S: tracing::Subscriber> Layer<S> for Attempts {
    fn on_new_span(&self, attributes: &Attributes<'_>, _: &Id, _: Context<'_, S>) {
        if attributes.metadata().name() == "wechat.attempt" {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Runs `call` with the signs of life `matches` and stderr call for.
pub(crate) async fn around<T>(command: &str, matches: &ArgMatches, call: impl Future<Output = T>) -> T {
    let verbose = matches.get_flag(VERBOSE);
    let terminal = std::io::stderr().is_terminal();
    if !verbose && !terminal {
        return call.await;
    }
    let attempts = Arc::new(AtomicU32::new(0));
    let runtime_events = Targets::new().with_target("wechat_core", LevelFilter::DEBUG);
    let lines = verbose.then(|| {
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_target(false)
            .with_ansi(terminal)
            .with_filter(runtime_events)
    });
    let subscriber = tracing_subscriber::registry().with(Attempts(Arc::clone(&attempts))).with(lines);
    let _default = tracing::subscriber::set_default(subscriber);
    if verbose {
        return call.await;
    }
    let started = Instant::now();
    let line = tokio::spawn(redraw(command.to_owned(), started, attempts));
    let answer = call.await;
    line.abort();
    if started.elapsed() >= QUIET_FOR {
        draw("");
    }
    answer
}

/// Replaces the terminal's current line with `line`; a stderr that cannot take it loses it.
fn draw(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "\r\x1b[2K{line}").and_then(|()| err.flush());
}

/// Redraws the progress line until aborted.
async fn redraw(command: String, started: Instant, attempts: Arc<AtomicU32>) {
    tokio::time::sleep(QUIET_FOR).await;
    loop {
        draw(&status(&command, started.elapsed(), attempts.load(Ordering::Relaxed)));
        tokio::time::sleep(REDRAW).await;
    }
}

/// The progress line: the command, how long it has run, and the attempt once it is a retry.
fn status(command: &str, elapsed: Duration, attempt: u32) -> String {
    let seconds = elapsed.as_secs();
    match attempt {
        0 | 1 => format!("{command}: waiting for WeChat, {seconds} s"),
        n => format!("{command}: waiting for WeChat, {seconds} s (attempt {n})"),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::status;

    #[test]
    fn the_line_says_how_long_and_which_attempt_once_it_is_a_retry() {
        let command = "invoice get-auth-data";
        assert_eq!(
            status(command, Duration::from_millis(1500), 1),
            "invoice get-auth-data: waiting for WeChat, 1 s"
        );
        assert_eq!(
            status(command, Duration::from_secs(8), 3),
            "invoice get-auth-data: waiting for WeChat, 8 s (attempt 3)"
        );
    }
}
