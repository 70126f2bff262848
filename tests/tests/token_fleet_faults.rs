//! The stable_token fleet (8 real processes, 200 concurrent callers each, one real
//! redis-server) through each fault Redis can have, with the number of token requests per
//! expiry each one costs, as the README's table states them:
//!
//! | Redis | requests per expiry |
//! |---|---|
//! | healthy | 1 |
//! | slow (every reply 150 ms late, within the store's 1 s bound) | 1 |
//! | frozen (SIGSTOP) | 1 per process while frozen; 1 after it resumes |
//! | restarted empty | 1 |
//! | wrong password | 1 per process, every expiry |
//!
//! (Killed, and staying down: 1 per process, in `token_fleet.rs`.) No call fails in any of
//! them: in particular a process never adopts from Redis a token older than the one WeChat
//! just refused, so the token Redis held from before an outage is never used again, and the
//! first renewal after the outage overwrites it.
//!
//! Expiries here are WeChat ending the token at once (`expire_now`, 42001 for every
//! instance), with the mock's 2-hour lifetime, so what Redis holds is never dropped by its
//! own expiry and a stale token stays there to be adopted.

use std::time::Duration;

use tests::delay_proxy::DelayProxy;
use tests::fleet::{self, Member, assert_all_succeeded, round};
use tests::redis_server::RedisServer;
use wechat_mock::{DEMO_APPID, DEMO_SECRET, MockConfig, MockServer, TokenCheck};

const MEMBER: &str = env!("CARGO_BIN_EXE_fleet_member");
const STABLE_TOKEN: &str = "/cgi-bin/stable_token";
const INSTANCES: usize = 8;
/// One fleet at a time: 8 processes of 200 callers each already keep 2 cores busy, and a
/// fault's count must not depend on how loaded the machine is by the other faults' fleets.
static ONE_FLEET_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
const CALLERS: usize = 200;

/// A fleet of [`INSTANCES`] against `mock`, sharing the Redis at `redis_url`.
async fn fleet(mock: &MockServer, redis_url: &str) -> Vec<Member> {
    let args = fleet::stable_args(mock.base_url(), redis_url, DEMO_APPID, DEMO_SECRET, CALLERS, 5000);
    fleet::spawn(MEMBER, INSTANCES, &args).await
}

/// Token requests the mock has answered for the demo account.
fn fetches(mock: &MockServer) -> u64 {
    mock.token_requests().count(STABLE_TOKEN, DEMO_APPID)
}

/// WeChat ends the current token, then every member runs a round: all calls succeed, and
/// the round costs `expected` token requests.
async fn expiry(mock: &MockServer, members: &mut [Member], expected: u64, what: &str) {
    let before = fetches(mock);
    mock.tokens().expire_now();
    assert_all_succeeded(&round(members).await, CALLERS, what);
    assert_eq!(fetches(mock) - before, expected, "{what}: token requests for this expiry");
}

/// The token Redis holds (`v1:FETCHED:EXPIRES:FLAG:TOKEN`) is one WeChat accepts now.
fn assert_redis_holds_a_valid_token(redis: &RedisServer, mock: &MockServer, what: &str) {
    let stored = redis.command(&format!("GET wechat:{{{DEMO_APPID}}}:stable_token")).expect("Redis answers");
    let token = stored.first().and_then(|value| value.splitn(5, ':').nth(4)).unwrap_or_default();
    assert_eq!(mock.tokens().check(Some(token)), TokenCheck::Valid, "{what}: Redis holds a retired token");
}

async fn stop(members: &mut [Member]) {
    for member in members {
        member.kill().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_redis_never_leaves_the_fleet_on_the_token_it_held_before() {
    let _alone = ONE_FLEET_AT_A_TIME.lock().await;
    let redis = RedisServer::start();
    let mock = MockServer::start(MockConfig::demo()).await.expect("the mock starts");
    let mut members = fleet(&mock, &redis.url()).await;
    assert_all_succeeded(&round(&mut members).await, CALLERS, "first round");
    assert_eq!(fetches(&mock), 1);
    expiry(&mock, &mut members, 1, "healthy").await;

    {
        // Each command waits out the store's 1 s bound; each process renews on its own.
        let _frozen = redis.pause();
        expiry(&mock, &mut members, INSTANCES as u64, "Redis frozen").await;
    }
    // Redis is back, still holding the token from before the freeze (retired by WeChat, and
    // not due by its own times): adopting it would fail every call made with it.
    expiry(&mock, &mut members, 1, "the first expiry after the freeze").await;
    assert_redis_holds_a_valid_token(&redis, &mock, "the renewal after the freeze overwrote it");
    expiry(&mock, &mut members, 1, "healthy again").await;
    stop(&mut members).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_redis_costs_one_request_per_expiry() {
    let _alone = ONE_FLEET_AT_A_TIME.lock().await;
    let redis = RedisServer::start();
    let slow = DelayProxy::start(([127, 0, 0, 1], redis.port()).into(), Duration::from_millis(150)).await;
    let mock = MockServer::start(MockConfig::demo()).await.expect("the mock starts");
    let mut members = fleet(&mock, &format!("redis://127.0.0.1:{}/", slow.port())).await;
    assert_all_succeeded(&round(&mut members).await, CALLERS, "first round");
    assert_eq!(fetches(&mock), 1);
    expiry(&mock, &mut members, 1, "slow Redis").await;
    expiry(&mock, &mut members, 1, "slow Redis, again").await;
    assert_redis_holds_a_valid_token(&redis, &mock, "slow Redis");
    stop(&mut members).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_restarted_empty_costs_one_request_per_expiry() {
    let _alone = ONE_FLEET_AT_A_TIME.lock().await;
    let mut redis = RedisServer::start();
    let mock = MockServer::start(MockConfig::demo()).await.expect("the mock starts");
    let mut members = fleet(&mock, &redis.url()).await;
    assert_all_succeeded(&round(&mut members).await, CALLERS, "first round");
    assert_eq!(fetches(&mock), 1);

    redis.restart_empty();
    // The members hold the token in memory: nothing is asked until WeChat ends it.
    assert_all_succeeded(&round(&mut members).await, CALLERS, "Redis restarted");
    assert_eq!(fetches(&mock), 1, "the cached token serves while it lasts");
    expiry(&mock, &mut members, 1, "the first expiry after the restart").await;
    assert_redis_holds_a_valid_token(&redis, &mock, "the renewal after the restart stored its token");
    expiry(&mock, &mut members, 1, "healthy again").await;
    stop(&mut members).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_refusing_the_fleets_password_costs_one_request_per_process() {
    let _alone = ONE_FLEET_AT_A_TIME.lock().await;
    let redis = RedisServer::start_requiring_password("the-fleet-was-not-told-this");
    let mock = MockServer::start(MockConfig::demo()).await.expect("the mock starts");
    // The members connect without a password: every command is refused (NOAUTH).
    let mut members = fleet(&mock, &redis.url()).await;
    assert_all_succeeded(&round(&mut members).await, CALLERS, "first round");
    assert_eq!(fetches(&mock), INSTANCES as u64, "each process on its own");
    expiry(&mock, &mut members, INSTANCES as u64, "wrong password").await;
    expiry(&mock, &mut members, INSTANCES as u64, "wrong password, again").await;
    stop(&mut members).await;
}
