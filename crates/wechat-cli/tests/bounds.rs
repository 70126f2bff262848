//! The `wechat` binary at the edges of its input and output: stdout or stderr closed by their
//! reader, inputs that never end (`/dev/zero`, an endless pipe), inputs that never come (a FIFO
//! nobody writes, a pipe held open and never written), and files that are not files. Each run
//! is bounded by a hang guard that kills the binary.

#![cfg(all(unix, feature = "card", feature = "invoice", feature = "platform"))]
#![allow(clippy::unwrap_used)]

mod support;

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use support::{Mock, Run, binary};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The longest any run here may take: every one ends within a second or two, or hangs.
const HANG_GUARD: Duration = Duration::from_secs(20);

/// The cap of a `--json` request, as the help documents it.
const JSON_CAP: u64 = 4 * 1024 * 1024;

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
    mock.authorize("wx-pappid", "order-1");
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

/// Makes a FIFO at `path` with coreutils' mkfifo.
fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

#[tokio::test]
async fn what_is_not_a_regular_file_is_refused_without_being_read() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("nobody-writes");
    mkfifo(&fifo);
    let fifo = fifo.display().to_string();
    let folder = dir.path().display().to_string();
    let inputs = [
        (folder.as_str(), "a directory"),
        (fifo.as_str(), "a FIFO (named pipe)"),
        ("/dev/zero", "a character device"),
    ];
    for (path, kind) in inputs {
        let json = format!("@{path}");
        let cases: [(&[&str], String); 3] = [
            (
                &["invoice", "get-auth-data", "--json", &json],
                format!("--json @{path}: {kind}, not a regular file"),
            ),
            (&["platform", "set-pdf", "--file", path], format!("--file {path}: {kind}, not a regular file")),
            (&["card", "upload-image", "--file", path], format!("--file {path}: {kind}, not a regular file")),
        ];
        for (args, expected) in cases {
            let refused = run(binary(), args).await;
            assert_eq!(refused.code, Some(2), "{args:?}: {}", refused.stderr);
            assert!(
                refused.stderr.contains(&expected),
                "{args:?}: expected `{expected}` in {}",
                refused.stderr
            );
        }
    }
}

/// A file of `len` bytes that takes no room: a hole.
fn sparse(dir: &Path, name: &str, len: u64) -> String {
    let path = dir.join(name);
    std::fs::File::create(&path).unwrap().set_len(len).unwrap();
    path.display().to_string()
}

#[tokio::test]
async fn an_input_over_its_cap_is_refused_naming_the_cap() {
    let dir = tempfile::tempdir().unwrap();
    let json = sparse(dir.path(), "request.json", JSON_CAP + 1);
    let pdf = sparse(dir.path(), "bill.pdf", 10 * 1024 * 1024 + 1);
    let png = sparse(dir.path(), "logo.png", 1024 * 1024 + 1);
    let at_json = format!("@{json}");
    let cases: [(&[&str], String); 3] = [
        (
            &["invoice", "get-auth-data", "--json", &at_json],
            format!(
                "--json @{json}: the file is 4194305 bytes, over the 4194304 bytes (4 MiB) cap of a --json request"
            ),
        ),
        (
            &["platform", "set-pdf", "--file", &pdf],
            format!(
                "--file {pdf}: the file is 10485761 bytes, over the 10485760 bytes (10 MiB) cap of the `pdf` part"
            ),
        ),
        (
            &["card", "upload-image", "--file", &png],
            format!(
                "--file {png}: the file is 1048577 bytes, over the 1048576 bytes (1 MiB) cap of the `media` part"
            ),
        ),
    ];
    for (args, expected) in cases {
        let refused = run(binary(), args).await;
        assert_eq!(refused.code, Some(2), "{args:?}: {}", refused.stderr);
        assert!(refused.stderr.contains(&expected), "{args:?}: expected `{expected}` in {}", refused.stderr);
    }

    // An endless JSON string on stdin: refused once past the cap, without reading the rest.
    let mut command = binary();
    command
        .args(["invoice", "get-auth-data", "--s-pappid", "p", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = tokio::spawn(async move {
        stdin.write_all(b"{\"order_id\": \"").await?;
        let chunk = vec![b'o'; 64 * 1024];
        // Four times the cap at most: the binary stops reading long before.
        for _ in 0..4 * JSON_CAP / chunk.len() as u64 {
            stdin.write_all(&chunk).await?;
        }
        Ok::<_, std::io::Error>(())
    });
    let refused = finish(child, "--json - with an endless stdin").await;
    assert_eq!(refused.code, Some(2), "{}", refused.stderr);
    assert!(
        refused
            .stderr
            .contains("--json -: stdin holds more than 4194304 bytes (4 MiB), the cap of a --json request"),
        "{}",
        refused.stderr
    );
    let written = tokio::time::timeout(HANG_GUARD, writer).await.unwrap().unwrap();
    let closed = written.expect_err("the binary closed stdin before the writer was done");
    assert_eq!(closed.kind(), std::io::ErrorKind::BrokenPipe, "{closed}");
}

#[tokio::test]
async fn a_stdin_held_open_and_never_written_times_out() {
    let mut command = binary();
    command
        .env("WECHAT_INPUT_TIMEOUT", "1")
        .args(["invoice", "get-auth-data", "--s-pappid", "p", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    // Held open, never written, until the binary has given up.
    let held = child.stdin.take().unwrap();
    let refused = finish(child, "--json - with a silent stdin").await;
    drop(held);
    assert_eq!(refused.code, Some(2), "{}", refused.stderr);
    assert!(
        refused.stderr.contains(
            "--json -: nothing came from stdin for 1 s, the time bound (set by WECHAT_INPUT_TIMEOUT, in seconds)"
        ),
        "{}",
        refused.stderr
    );

    // The bound is whole seconds, at least one.
    for bad in ["0", "1.5", "soon"] {
        let mut command = binary();
        command.env("WECHAT_INPUT_TIMEOUT", bad);
        let refused = run(command, &["invoice", "get-auth-data", "--s-pappid", "p", "--json", "-"]).await;
        assert_eq!(refused.code, Some(2), "{bad}: {}", refused.stderr);
        assert!(
            refused.stderr.contains(&format!(
                "WECHAT_INPUT_TIMEOUT: `{bad}` is not a whole number of seconds, at least 1"
            )),
            "{bad}: {}",
            refused.stderr
        );
    }
}
