//! The `wechat-mock` binary: starts, serves, and stops cleanly on SIGINT and SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// A safety net against a hung child, never an assertion about speed.
const PATIENCE: Duration = Duration::from_secs(60);

struct Running {
    child: Child,
    url: String,
    stdout: JoinHandle<String>,
    stderr: JoinHandle<String>,
}

/// Starts the binary on a free port and reads the URL from its first line.
fn spawn(args: &[&str]) -> Running {
    spawn_command(Command::new(env!("CARGO_BIN_EXE_wechat-mock")), args)
}

/// Starts the binary as [`spawn`] does, with its open file limit (soft and hard) lowered to
/// `limit` by the shell, which then becomes the binary (same process, so signals reach it).
#[cfg(unix)]
fn spawn_with_open_file_limit(limit: u32, args: &[&str]) -> Running {
    let mut shell = Command::new("sh");
    shell.args([
        "-c",
        &format!("ulimit -n {limit} && exec \"$0\" \"$@\""),
        env!("CARGO_BIN_EXE_wechat-mock"),
    ]);
    spawn_command(shell, args)
}

fn spawn_command(mut command: Command, args: &[&str]) -> Running {
    let mut child = command
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let stderr = child.stderr.take().expect("piped stderr");
    let (first_line, url_line) = mpsc::channel();
    // Both pipes are drained to the end so the child never blocks on a full pipe.
    let stdout = thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().and_then(Result::ok).unwrap_or_default();
        let _ = first_line.send(first.clone());
        let rest: Vec<String> = lines.map_while(Result::ok).collect();
        format!("{first}\n{}", rest.join("\n"))
    });
    let stderr = thread::spawn(move || {
        let mut text = String::new();
        let _ = BufReader::new(stderr).read_to_string(&mut text);
        text
    });
    let first = url_line.recv_timeout(PATIENCE).unwrap_or_default();
    let Some(url) = first.strip_prefix("wechat-mock listening on ") else {
        let _ = child.kill();
        panic!("unexpected first line {first:?}; stderr: {}", stderr.join().unwrap_or_default());
    };
    Running { url: url.to_owned(), child, stdout, stderr }
}

/// One raw HTTP/1.1 exchange: the whole answer, head and body.
fn http(url: &str, request_line: &str, body: &str) -> std::io::Result<String> {
    let addr = url.strip_prefix("http://").unwrap_or(url);
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(PATIENCE))?;
    write!(
        stream,
        "{request_line} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    Ok(answer)
}

/// Polls until the server answers, since a listening socket is not yet a serving one.
fn wait_until_serving(url: &str) -> String {
    let started = Instant::now();
    loop {
        match http(url, "POST /no/such/api", "{}") {
            Ok(answer) if answer.contains("\"errcode\"") => return answer,
            _ if started.elapsed() > PATIENCE => panic!("the binary never answered at {url}"),
            _ => thread::sleep(Duration::from_millis(20)),
        }
    }
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill").args([&format!("-{name}"), &child.id().to_string()]).status();
    assert!(status.is_ok_and(|s| s.success()), "kill -{name} failed");
}

fn wait(child: &mut Child) -> ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            return status;
        }
        if started.elapsed() > PATIENCE {
            let _ = child.kill();
            panic!("the binary did not stop after the signal");
        }
        thread::sleep(Duration::from_millis(20));
    }
}

fn serves_then_stops_on(name: &str) {
    let mut running = spawn(&[]);
    let answer = wait_until_serving(&running.url);
    assert!(answer.contains("\"errcode\":40066"), "{answer}");

    let token = http(
        &running.url,
        "POST /cgi-bin/stable_token",
        &format!(
            r#"{{"grant_type":"client_credential","appid":"{}","secret":"{}"}}"#,
            wechat_mock::DEMO_APPID,
            wechat_mock::DEMO_SECRET
        ),
    )
    .expect("the token endpoint answers");
    assert!(token.contains("\"access_token\":\"MOCK_"), "{token}");

    signal(&running.child, name);
    let status = wait(&mut running.child);
    let stdout = running.stdout.join().unwrap_or_default();
    let stderr = running.stderr.join().unwrap_or_default();
    assert!(status.success(), "exit status {status:?}; stderr: {stderr}");
    assert!(stderr.contains(&format!("{name} received")) && stderr.contains("stopped"), "{stderr}");
    assert!(
        stdout.contains(wechat_mock::DEMO_APPID) && stdout.contains(wechat_mock::DEMO_SECRET),
        "{stdout}"
    );
    // The token went out in the answer; it must never be in the logs.
    let issued =
        token.split("\"access_token\":\"").nth(1).and_then(|t| t.split('"').next()).unwrap_or("MOCK_");
    assert!(!stderr.contains(issued) && !stdout.contains(issued), "the token was logged");
    assert!(stderr.contains("/cgi-bin/stable_token"), "requests are logged: {stderr}");
    assert!(stderr.contains("errcode=40066"), "with their errcode: {stderr}");
}

#[test]
fn stops_cleanly_on_sigint() {
    serves_then_stops_on("INT");
}

#[test]
fn stops_cleanly_on_sigterm() {
    serves_then_stops_on("TERM");
}

/// An upload as Python's requests sends it (a file name, no part Content-Type) is accepted, and
/// the warning the spec's `lenient_in_mock` asks for is on the request's log line.
#[test]
fn a_warning_is_on_the_request_log_line() {
    let mut running = spawn(&[]);
    wait_until_serving(&running.url);
    let token = http(
        &running.url,
        "POST /cgi-bin/stable_token",
        &format!(
            r#"{{"grant_type":"client_credential","appid":"{}","secret":"{}"}}"#,
            wechat_mock::DEMO_APPID,
            wechat_mock::DEMO_SECRET
        ),
    )
    .expect("the token endpoint answers");
    let token = token.split("\"access_token\":\"").nth(1).and_then(|t| t.split('"').next()).expect("a token");

    let addr = running.url.strip_prefix("http://").unwrap_or(&running.url).to_owned();
    let mut body =
        b"--b0undary\r\nContent-Disposition: form-data; name=\"pdf\"; filename=\"invoice.pdf\"\r\n\r\n"
            .to_vec();
    body.extend_from_slice(&wechat_mock::sample_pdf("logged"));
    body.extend_from_slice(b"\r\n--b0undary--\r\n");
    let mut stream = TcpStream::connect(&addr).expect("connects");
    stream.set_read_timeout(Some(PATIENCE)).expect("a timeout");
    write!(
        stream,
        "POST /card/invoice/platform/setpdf?access_token={token} HTTP/1.1\r\nHost: {addr}\r\n\
         Content-Type: multipart/form-data; boundary=b0undary\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .expect("sent");
    stream.write_all(&body).expect("sent");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("an answer");
    assert!(answer.contains("\"errcode\":0") && answer.contains("x-mock-warning: [pdf]"), "{answer}");

    signal(&running.child, "TERM");
    assert!(wait(&mut running.child).success());
    let stderr = running.stderr.join().unwrap_or_default();
    let line = stderr.lines().find(|l| l.contains("/card/invoice/platform/setpdf")).unwrap_or_default();
    assert!(
        line.contains("WARN")
            && line.contains("errcode=0")
            && line.contains("[pdf] expected application/pdf, found no content type; accepted: the spec marks it lenient_in_mock"),
        "{stderr}"
    );
    assert!(!stderr.contains(token), "the token was logged");
}

#[test]
fn a_secret_of_ones_own_is_not_printed() {
    let mut running = spawn(&["--appid", "wx1234567890abcdef", "--secret", "my-own-secret-value"]);
    wait_until_serving(&running.url);
    signal(&running.child, "TERM");
    assert!(wait(&mut running.child).success());
    let stdout = running.stdout.join().unwrap_or_default();
    assert!(stdout.contains("wx1234567890abcdef"), "{stdout}");
    assert!(!stdout.contains("my-own-secret-value"), "{stdout}");
}

#[test]
fn an_address_in_use_is_a_clear_failure() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let addr = taken.local_addr().expect("its address").to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_wechat-mock"))
        .args(["--listen", &addr])
        .output()
        .expect("the binary runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("cannot listen on {addr}")), "{stderr}");
}

/// With its open file limit lowered to 256, 400 idle connections (more than it has
/// descriptors for) do not stop the binary from serving a new client: at its cap, fitted under
/// the limit, it closes the connections idle longest to make room; given a cap above the
/// limit, it runs out of descriptors and does the same instead of stalling. The head and
/// idle bounds are 10 minutes here, so only that can make room.
#[cfg(unix)]
#[test]
fn idle_sockets_beyond_the_descriptor_limit_do_not_stop_a_new_client() {
    /// A hang guard for each connect and for the answer, not a speed assertion.
    const GUARD: Duration = Duration::from_secs(10);
    for (cap, announced) in [(None, "at most 192 connections"), (Some("1000"), "at most 1000 connections")] {
        let mut args = vec!["--header-timeout", "600", "--idle-timeout", "600"];
        if let Some(cap) = cap {
            args.extend(["--max-connections", cap]);
        }
        let mut running = spawn_with_open_file_limit(256, &args);
        wait_until_serving(&running.url);
        let addr: std::net::SocketAddr =
            running.url.strip_prefix("http://").and_then(|a| a.parse().ok()).expect("an address");
        // Failures are kept until the child is stopped, so that a failing run leaves no process.
        let idle: Result<Vec<TcpStream>, String> = (0..400)
            .map(|i| TcpStream::connect_timeout(&addr, GUARD).map_err(|e| format!("idle socket {i}: {e}")))
            .collect();
        let answer = idle.as_ref().map_err(Clone::clone).and_then(|_| {
            let mut fresh =
                TcpStream::connect_timeout(&addr, GUARD).map_err(|e| format!("new client: {e}"))?;
            fresh.set_read_timeout(Some(GUARD)).map_err(|e| e.to_string())?;
            write!(fresh, "GET /__mock/operations HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
                .map_err(|e| format!("new client's request: {e}"))?;
            let mut answer = String::new();
            fresh
                .read_to_string(&mut answer)
                .map_err(|e| format!("new client's answer: {e} after {answer:?}"))?;
            Ok(answer)
        });
        drop(idle);
        signal(&running.child, "TERM");
        let status = wait(&mut running.child);
        let stdout = running.stdout.join().unwrap_or_default();
        let stderr = running.stderr.join().unwrap_or_default();
        assert!(
            answer.as_ref().is_ok_and(|answer| answer.starts_with("HTTP/1.1 200")),
            "cap {cap:?}: the new client got {answer:?}; stderr: {stderr}"
        );
        assert!(status.success(), "exit status {status:?}; stderr: {stderr}");
        assert!(stdout.contains(announced), "{stdout}");
        if cap.is_some() {
            assert!(stderr.contains("cannot accept connections"), "out of descriptors: {stderr}");
        }
    }
}
