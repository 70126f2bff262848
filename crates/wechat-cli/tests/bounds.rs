//! The `wechat` binary at the edges of its output: stdout or stderr closed by their reader.
//! Each run is bounded by a hang guard that kills the binary.

#![cfg(all(unix, feature = "card", feature = "invoice", feature = "platform"))]
#![allow(clippy::unwrap_used)]

mod support;

use std::process::Stdio;
use std::time::Duration;

use support::{Mock, Run, binary};
use tokio::io::AsyncReadExt;

/// The longest any run here may take: every one ends within a second or two, or hangs.
const HANG_GUARD: Duration = Duration::from_secs(20);

/// Waits for `child` within [`HANG_GUARD`]; a child still running then is killed (it was
/// spawned with `kill_on_drop`) and the test fails.
async fn finish(child: tokio::process::Child, what: &str) -> Run {
    match tokio::time::timeout(HANG_GUARD, child.wait_with_output()).await {
        Ok(output) => output.unwrap().into(),
        Err(_) => panic!("{what}: still running after {HANG_GUARD:?}, killed"),
    }
}

/// Runs `command` with `args`, its stdin empty, within [`HANG_GUARD`].
async fn run(mut command: tokio::process::Command, args: &[&str]) -> Run {
    command.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    finish(command.spawn().unwrap(), &args.join(" ")).await
}

/// The write end of a pipe whose read end is already closed: every write to it fails with
/// EPIPE, however little is written.
fn closed_pipe() -> std::io::PipeWriter {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    writer
}

/// The run ended as a closed output must end it: status 0, nothing on stderr about it.
fn assert_quiet(run: &Run, what: &str) {
    assert_eq!(run.code, Some(0), "{what}: {}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{what}: {}", run.stderr);
    assert!(!run.stderr.contains("wechat:"), "{what}: {}", run.stderr);
}

#[tokio::test]
async fn output_into_a_pipe_its_reader_closed_ends_quietly() {
    let mock = Mock::start().await;
    mock.server.authorize("wx-pappid", "order-1").unwrap();
    let call: &[&str] = &["invoice", "get-auth-data", "--s-pappid", "wx-pappid", "--order-id", "order-1"];
    let commands: [&[&str]; 7] = [
        &["completions", "bash"],
        &["completions", "zsh"],
        &["completions", "fish"],
        &["--help"],
        &["invoice", "--help"],
        &["platform", "set-pdf", "--help"],
        call,
    ];
    for args in commands {
        let what = args.join(" ");
        // Closed before anything is written.
        let mut command = mock.command();
        command.args(args).stdin(Stdio::null()).stdout(closed_pipe()).stderr(Stdio::piped());
        let run = finish(command.spawn().unwrap(), &what).await;
        assert_quiet(&run, &format!("{what} into a closed pipe"));

        // Closed after the first bytes, as `| head -c 10` does.
        let mut command = mock.command();
        command.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = command.spawn().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 10];
        let count = tokio::time::timeout(HANG_GUARD, stdout.read(&mut first)).await.unwrap().unwrap();
        assert!(count > 0, "{what}: printed nothing");
        drop(stdout);
        let run = finish(child, &what).await;
        assert_quiet(&run, &format!("{what} | head -c 10"));
    }
    // The call was made each time: it is printing the answer that the closed pipe cut short.
    assert_eq!(mock.server.requests().count("/card/invoice/getauthdata"), 2);
}

#[tokio::test]
async fn a_failure_into_a_closed_stderr_keeps_its_exit_status() {
    let mut command = binary();
    command
        .args(["invoice", "get-auth-data", "--s-pappid", "p"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(closed_pipe());
    let run = finish(command.spawn().unwrap(), "a missing flag").await;
    assert_eq!(run.code, Some(2), "bad input is status 2 even when stderr cannot say so");
}

#[tokio::test]
async fn wechat_mock_serves_when_nobody_reads_its_announcement() {
    // A port that was free a moment ago.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let addr = format!("127.0.0.1:{port}");
    let mut command = binary();
    command.args(["mock", "--addr", &addr]).stdin(Stdio::null()).stdout(closed_pipe()).stderr(Stdio::piped());
    let mut server = command.spawn().unwrap();
    let url = format!("http://{addr}");
    // Up when it answers; at most HANG_GUARD, in bounded steps.
    let mut up = false;
    for _ in 0..200 {
        if let Some(status) = server.try_wait().unwrap() {
            let run = finish(server, "wechat mock").await;
            panic!("wechat mock exited with {status}: {}", run.stderr);
        }
        if tokio::net::TcpStream::connect(&addr).await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(HANG_GUARD / 200).await;
    }
    assert!(up, "wechat mock did not listen on {addr}");

    let mut call = binary();
    call.env("WECHAT_BASE_URL", &url)
        .env("WECHAT_APPID", wechat_mock::DEMO_APPID)
        .env("WECHAT_SECRET", wechat_mock::DEMO_SECRET);
    let answered = run(call, &["invoice", "get-auth-data", "--s-pappid", "p", "--order-id", "o"]).await;
    assert_eq!(answered.code, Some(1), "the mock answered: {}", answered.stderr);
    assert!(answered.stderr.contains("errcode 72038"), "{}", answered.stderr);

    server.start_kill().unwrap();
    let stopped = finish(server, "wechat mock").await;
    assert!(!stopped.stderr.contains("panicked"), "{}", stopped.stderr);
    assert!(!stopped.stderr.contains("cannot write"), "{}", stopped.stderr);
}
