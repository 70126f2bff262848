//! A real `redis-server` on a free port of 127.0.0.1, started for a test and killed when
//! dropped. `cargo xtask test` finds or installs the executable and names it in
//! `$WECHAT_TEST_REDIS_SERVER`; a test run without it fails with a message saying so, rather
//! than skipping what it was meant to check.

use std::io::{BufRead, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where `cargo xtask test` puts the path of `redis-server`.
pub const REDIS_SERVER_VAR: &str = "WECHAT_TEST_REDIS_SERVER";

/// How long a fresh server may take to answer PING.
const STARTUP: Duration = Duration::from_secs(10);

/// A running `redis-server` without persistence (`--save "" --appendonly no`).
#[derive(Debug)]
pub struct RedisServer {
    child: Option<Child>,
    port: u16,
    /// The password it requires (`--requirepass`), if any; [`command`](Self::command) sends it.
    password: Option<String>,
}

/// The `redis-server` executable: `$WECHAT_TEST_REDIS_SERVER`, else the first on `PATH`
/// (or in `/usr/bin`, where Debian's package puts it).
pub fn executable() -> PathBuf {
    if let Some(path) = std::env::var_os(REDIS_SERVER_VAR) {
        return PathBuf::from(path);
    }
    let mut dirs: Vec<PathBuf> =
        std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect()).unwrap_or_default();
    dirs.push(PathBuf::from("/usr/bin"));
    dirs.into_iter().map(|dir| dir.join("redis-server")).find(|p| p.is_file()).unwrap_or_else(|| {
        panic!(
            "redis-server is not installed and ${REDIS_SERVER_VAR} is not set: run the tests with \
             `cargo xtask test`, which finds or installs redis-server (apt-get install -y redis-server)"
        )
    })
}

impl RedisServer {
    /// Starts a server on a free loopback port and waits until it answers PING.
    ///
    /// # Panics
    /// When `redis-server` is missing or does not come up: the test cannot do its job.
    pub fn start() -> Self {
        Self::start_with(None)
    }

    /// Starts a server that refuses every command until `AUTH password`: for a fleet
    /// configured without (or with another) password, a misconfigured Redis.
    ///
    /// # Panics
    /// As [`start`](Self::start).
    pub fn start_requiring_password(password: &str) -> Self {
        Self::start_with(Some(password.to_owned()))
    }

    fn start_with(password: Option<String>) -> Self {
        // Another process may take the free port between the probe and the start: try again.
        for _ in 0..5 {
            let mut server = Self { child: None, port: free_port(), password: password.clone() };
            if server.launch() {
                return server;
            }
            server.stop();
        }
        panic!("{} did not answer PING on 127.0.0.1 within {STARTUP:?}", executable().display());
    }

    /// Starts the executable on this server's port; whether it answered PING in time.
    fn launch(&mut self) -> bool {
        let executable = executable();
        let port = self.port.to_string();
        let mut args = vec!["--port", &port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
        if let Some(password) = &self.password {
            args.extend(["--requirepass", password]);
        }
        let child = Command::new(&executable)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", executable.display()));
        self.child = Some(child);
        self.wait_ready()
    }

    /// Kills the server and starts a new one on the same port, holding nothing: Redis
    /// restarted without persistence.
    ///
    /// # Panics
    /// When the new server does not come up (the port was taken meanwhile, say).
    pub fn restart_empty(&mut self) {
        self.stop();
        assert!(self.launch(), "redis-server did not restart on port {}", self.port);
    }

    /// `redis://127.0.0.1:<port>/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Kills the server (SIGKILL) and waits for it: Redis going away mid-run.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Freezes the server with SIGSTOP: it keeps its port, and the kernel still accepts
    /// connections and takes in commands, but nothing answers, as a hung Redis. The returned
    /// guard resumes it (SIGCONT) when dropped, a failed assertion's unwinding included.
    ///
    /// # Panics
    /// When the server is not running or the signal cannot be sent.
    pub fn pause(&self) -> Paused<'_> {
        let pid = self.pid();
        assert!(signal(pid, "-STOP"), "cannot send SIGSTOP to redis-server {pid}");
        Paused { server: self }
    }

    fn pid(&self) -> u32 {
        self.child.as_ref().map(Child::id).expect("the server runs")
    }

    /// Sends one command in Redis's inline form (words split on spaces) and returns the
    /// answer flattened: a status, an integer or a bulk string as one item, an array as its
    /// items, nil as none. An error answer is an `Err`.
    pub fn command(&self, inline: &str) -> std::io::Result<Vec<String>> {
        let mut stream = TcpStream::connect_timeout(&self.addr(), Duration::from_secs(1))?;
        stream.set_read_timeout(Some(Duration::from_secs(2)))?;
        let mut reader = std::io::BufReader::new(stream.try_clone()?);
        let mut items = Vec::new();
        if let Some(password) = &self.password {
            stream.write_all(format!("AUTH {password}\r\n").as_bytes())?;
            read_reply(&mut reader, &mut items)?;
            items.clear();
        }
        stream.write_all(format!("{inline}\r\n").as_bytes())?;
        read_reply(&mut reader, &mut items)?;
        Ok(items)
    }

    fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    fn wait_ready(&mut self) -> bool {
        let started = Instant::now();
        while started.elapsed() < STARTUP {
            if let Some(child) = &mut self.child
                && child.try_wait().ok().flatten().is_some()
            {
                return false;
            }
            if self.command("PING").is_ok_and(|answer| answer == ["PONG"]) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

/// A server frozen by [`RedisServer::pause`], resumed when this is dropped.
#[derive(Debug)]
pub struct Paused<'a> {
    server: &'a RedisServer,
}

impl Drop for Paused<'_> {
    fn drop(&mut self) {
        // Not asserted: a panic here, during a failed test's unwinding, would abort.
        if let Some(child) = &self.server.child {
            let _ = signal(child.id(), "-CONT");
        }
    }
}

/// Sends `signal` (`-STOP`, `-CONT`) to `pid` with kill(1), since the workspace forbids the
/// `unsafe` a direct kill(2) takes. Whether it was sent.
fn signal(pid: u32, signal: &str) -> bool {
    Command::new("kill").args([signal, &pid.to_string()]).status().is_ok_and(|status| status.success())
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.local_addr().expect("the bound address").port()
}

/// Reads one RESP reply into `items`.
fn read_reply(reader: &mut impl BufRead, items: &mut Vec<String>) -> std::io::Result<()> {
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let line = line.trim_end_matches(['\r', '\n']);
    let invalid = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
    let (kind, rest) = line.split_at_checked(1).ok_or_else(|| invalid("empty reply"))?;
    match kind {
        "+" | ":" => items.push(rest.to_owned()),
        "-" => return Err(std::io::Error::other(rest.to_owned())),
        "$" => {
            let len: i64 = rest.parse().map_err(|_| invalid("bad bulk length"))?;
            if let Ok(len) = usize::try_from(len) {
                let mut bulk = vec![0u8; len + 2];
                reader.read_exact(&mut bulk)?;
                bulk.truncate(len);
                items.push(String::from_utf8_lossy(&bulk).into_owned());
            }
        }
        "*" => {
            let count: i64 = rest.parse().map_err(|_| invalid("bad array length"))?;
            for _ in 0..count.clamp(0, 100_000) {
                read_reply(reader, items)?;
            }
        }
        _ => return Err(invalid("unknown reply type")),
    }
    Ok(())
}
