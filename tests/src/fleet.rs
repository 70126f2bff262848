//! A fleet of real processes sharing one Redis: the parent side of `fleet_member`, the test
//! binary each instance runs. A member builds its clients at start (`ready`), then runs one
//! round of concurrent calls per `round` line on its standard input and answers one JSON
//! line; the parent can SIGKILL it at any time.

use std::process::Stdio;
use std::time::Duration;

use serde::Deserialize;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use wechat_card::Client;
use wechat_card::token::GetCardApiTicketRequest;
use wechat_core::{RetryPolicy, TokenProvider};

/// How long a member may take to start or to finish a round before the test fails.
const ROUND_LIMIT: Duration = Duration::from_secs(60);

/// What one round of a member's callers came to.
#[derive(Debug, Clone, Deserialize)]
pub struct Round {
    /// Calls that succeeded.
    pub ok: u64,
    /// Calls that failed.
    pub failed: u64,
    /// The first few errors, as displayed.
    pub errors: Vec<String>,
}

/// A running `fleet_member` process.
#[derive(Debug)]
pub struct Member {
    child: Child,
    stdin: ChildStdin,
    lines: Lines<BufReader<ChildStdout>>,
}

impl Member {
    /// Starts `executable` (the `fleet_member` binary) with `args` and waits until it is ready.
    ///
    /// # Panics
    /// When it cannot start or does not get ready in time: the test cannot go on.
    pub async fn spawn(executable: &str, args: &[String]) -> Self {
        let mut child = Command::new(executable)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {executable}: {e}"));
        let stdin = child.stdin.take().expect("piped stdin");
        let lines = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        let mut member = Self { child, stdin, lines };
        let ready = member.line().await;
        assert_eq!(ready, "ready", "the member did not start");
        member
    }

    async fn line(&mut self) -> String {
        match tokio::time::timeout(ROUND_LIMIT, self.lines.next_line()).await {
            Ok(Ok(Some(line))) => line,
            Ok(Ok(None)) => panic!("the member exited"),
            Ok(Err(e)) => panic!("cannot read the member's output: {e}"),
            Err(_) => panic!("the member did not answer within {ROUND_LIMIT:?}"),
        }
    }

    /// Tells the member to run a round, without waiting for it.
    pub async fn start_round(&mut self) {
        self.stdin.write_all(b"round\n").await.expect("the member reads its input");
        self.stdin.flush().await.expect("flush");
    }

    /// Waits for the outcome of the round started last.
    pub async fn finish_round(&mut self) -> Round {
        let line = self.line().await;
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"))
    }

    /// Kills the process with SIGKILL and reaps it.
    pub async fn kill(&mut self) {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
    }
}

/// The arguments of a member of the account's stable_token fleet: `callers` concurrent
/// calls per round, the given renewal lock TTL, a renewal margin of 1 s and a wait of 15 s.
pub fn stable_args(
    mock_url: &str,
    redis_url: &str,
    appid: &str,
    secret: &str,
    callers: usize,
    lock_ttl_ms: u64,
) -> Vec<String> {
    let (callers, lock_ttl) = (callers.to_string(), lock_ttl_ms.to_string());
    [
        "--mock",
        mock_url,
        "--redis",
        redis_url,
        "--mode",
        "stable",
        "--appid",
        appid,
        "--secret",
        secret,
        "--callers",
        &callers,
        "--margin-ms",
        "1000",
        "--lock-ttl-ms",
        &lock_ttl,
        "--wait-ms",
        "15000",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect()
}

/// Starts `count` members of `executable` with `args`, one after another.
pub async fn spawn(executable: &str, count: usize, args: &[String]) -> Vec<Member> {
    let mut members = Vec::with_capacity(count);
    for _ in 0..count {
        members.push(Member::spawn(executable, args).await);
    }
    members
}

/// Fails the test unless every member's round had `per_member` calls succeed and none fail.
///
/// # Panics
/// When a call failed, naming the member and its first errors.
pub fn assert_all_succeeded(rounds: &[Round], per_member: usize, what: &str) {
    for (index, round) in rounds.iter().enumerate() {
        assert_eq!(
            (round.ok, round.failed),
            (per_member as u64, 0),
            "{what}: member {index} failed calls: {:?}",
            round.errors
        );
    }
}

/// Runs a round on every member at once, and returns their outcomes.
pub async fn round(members: &mut [Member]) -> Vec<Round> {
    for member in members.iter_mut() {
        member.start_round().await;
    }
    let mut rounds = Vec::with_capacity(members.len());
    for member in members.iter_mut() {
        rounds.push(member.finish_round().await);
    }
    rounds
}

/// A client of the mock at `base_url` with `provider`; retries as by default.
pub fn client(base_url: &str, provider: std::sync::Arc<dyn TokenProvider>) -> Client {
    let core = wechat_core::Client::builder()
        .base_url(base_url)
        .shared_token_provider(provider)
        .retry_policy(RetryPolicy::default())
        .build()
        .expect("a loopback base URL is valid");
    Client::new(core)
}

/// One call that needs a valid token, open to third parties: the card api_ticket.
pub async fn call(client: &Client) -> Result<(), String> {
    client
        .token()
        .get_card_api_ticket(&GetCardApiTicketRequest::new())
        .await
        .map(drop)
        .map_err(|e| e.to_string())
}
