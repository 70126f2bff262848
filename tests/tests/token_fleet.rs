//! A fleet of real OS processes (`fleet_member`, 8 of them, 200 concurrent callers each)
//! sharing one real redis-server, against the mock: one token request per expiry for the
//! whole fleet, one renewal when WeChat refuses the token to every instance at once (the
//! account's stable_token and each authorizer's token), a process SIGKILLed while holding
//! the renewal lock blocking no one past the lock's expiry, a restarted process fetching
//! nothing, and Redis killed while a renewal is under way and then staying down.

use std::time::{Duration, Instant};

use tests::fleet::{self, Member, assert_all_succeeded, round};
use tests::redis_server::RedisServer;
use wechat_mock::{DEMO_APPID, DEMO_SECRET, MockConfig, MockServer, PlatformToken};

const MEMBER: &str = env!("CARGO_BIN_EXE_fleet_member");
const STABLE_TOKEN: &str = "/cgi-bin/stable_token";
const AUTHORIZER_TOKEN: &str = "/cgi-bin/component/api_authorizer_token";
const COMPONENT_TOKEN: &str = "/cgi-bin/component/api_component_token";
/// Token lifetime at the mock; members renew a second before it ends, and a round of 1,600
/// calls is over well before that.
const LIFETIME: Duration = Duration::from_secs(6);
const INSTANCES: usize = 8;
const CALLERS: usize = 200;

fn args(mock: &MockServer, redis: &RedisServer, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["--mock", mock.base_url(), "--redis", &redis.url()]
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    args
}

fn stable_args(mock: &MockServer, redis: &RedisServer, callers: usize, lock_ttl_ms: u64) -> Vec<String> {
    fleet::stable_args(mock.base_url(), &redis.url(), DEMO_APPID, DEMO_SECRET, callers, lock_ttl_ms)
}

async fn fleet(count: usize, args: &[String]) -> Vec<Member> {
    fleet::spawn(MEMBER, count, args).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fleet_fetches_one_stable_token_per_expiry_and_renews_once_when_refused() {
    let redis_server = RedisServer::start();
    let mut redis = redis_server;
    let mock = MockServer::start(MockConfig::demo().token_lifetime(LIFETIME)).await.expect("the mock starts");
    let fetches = || mock.token_requests().count(STABLE_TOKEN, DEMO_APPID);
    let mut members = fleet(INSTANCES, &stable_args(&mock, &redis, CALLERS, 5000)).await;

    assert_all_succeeded(&round(&mut members).await, CALLERS, "first round");
    assert_eq!(fetches(), 1, "1,600 callers in 8 processes on empty caches: one request");

    // Past the expiry: the fleet renews once.
    tokio::time::sleep(LIFETIME + Duration::from_millis(300)).await;
    assert_all_succeeded(&round(&mut members).await, CALLERS, "after the expiry");
    assert_eq!(fetches(), 2, "one request per expiry");

    // WeChat answers 42001 to every instance at once: one renewal, not eight.
    mock.tokens().expire_now();
    assert_all_succeeded(&round(&mut members).await, CALLERS, "after 42001");
    assert_eq!(fetches(), 3, "every instance refused at once renews once for the fleet");

    // Someone force-refreshes the token: 40001 to every instance at once, one renewal.
    let forced = reqwest::Client::new()
        .post(format!("{}{STABLE_TOKEN}", mock.base_url()))
        .body(
            serde_json::json!({
                "grant_type": "client_credential", "appid": DEMO_APPID, "secret": DEMO_SECRET, "force_refresh": true
            })
            .to_string(),
        )
        .send()
        .await
        .expect("the mock answers");
    assert!(forced.status().is_success());
    assert_all_succeeded(&round(&mut members).await, CALLERS, "after 40001");
    assert_eq!(fetches(), 5, "the forced refresh, then one renewal for the fleet");

    // A process started now (a restart) takes the token from Redis: no request.
    members.push(Member::spawn(MEMBER, &stable_args(&mock, &redis, CALLERS, 5000)).await);
    assert_all_succeeded(&round(&mut members).await, CALLERS, "with a restarted member");
    assert_eq!(fetches(), 5, "the restarted process found the token in Redis");

    // Redis dies while a renewal is under way: the token expires, WeChat answers slowly, one
    // instance holds the renewal lock and waits for WeChat, the others wait for its token in
    // Redis (or have not reached Redis yet). Killed then, Redis stores nothing more. The
    // documented fallback: a store error before WeChat was asked makes the instance renew
    // from WeChat on its own, and the holder keeps what WeChat answered in memory. No instance
    // can have adopted a token from Redis (the holder's answer comes after Redis is gone), and
    // each instance renews once for all its callers (single flight): exactly one request per
    // instance, each of them answered with the one stable token.
    let instances = members.len() as u64;
    let before = fetches();
    mock.faults().set_latency(Duration::from_secs(2));
    mock.tokens().expire_now();
    for member in &mut members {
        member.start_round().await;
    }
    let lock = format!("EXISTS wechat:{{{DEMO_APPID}}}:stable_token:lock");
    let waited = Instant::now();
    while redis.command(&lock).expect("Redis answers") != ["1"] {
        assert!(waited.elapsed() < Duration::from_secs(30), "no instance took the renewal lock (hang guard)");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    redis.stop();
    let mut rounds = Vec::with_capacity(members.len());
    for member in &mut members {
        // Member::finish_round fails the test if a member hangs (60 s per round).
        rounds.push(member.finish_round().await);
    }
    mock.faults().set_latency(Duration::ZERO);
    assert_all_succeeded(&rounds, CALLERS, "Redis killed mid-renewal");
    assert_eq!(fetches() - before, instances, "one renewal per instance, from WeChat on its own");

    // Redis stays down and the token expires again: the same, between rounds.
    mock.tokens().expire_now();
    assert_all_succeeded(&round(&mut members).await, CALLERS, "with Redis down");
    assert_eq!(fetches() - before, 2 * instances, "again one renewal per instance");
    for member in &mut members {
        member.kill().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fleet_refreshes_each_authorizer_once_per_expiry() {
    let redis = RedisServer::start();
    let mock = MockServer::start(MockConfig::demo().token_lifetime(LIFETIME)).await.expect("the mock starts");
    let component_appid = "wx_component_fleet";
    let authorizers = ["wx_authorizer_a", "wx_authorizer_b", "wx_authorizer_c"];
    // The platform's records hold each authorizer's refresh token: put them in the store.
    let seeding = wechat_core::Component::new(component_appid, wechat_core::Secret::new("component-secret"))
        .store(std::sync::Arc::new(wechat_core::RedisStore::open(&redis.url()).expect("a Redis URL")));
    for authorizer in authorizers {
        seeding
            .set_refresh_token(authorizer, wechat_core::Secret::new(format!("initial-refresh-{authorizer}")))
            .await
            .expect("Redis is up");
    }
    let callers = CALLERS.to_string();
    let args = args(
        &mock,
        &redis,
        &[
            "--mode",
            "authorizer",
            "--component",
            component_appid,
            "--authorizers",
            &authorizers.join(","),
            "--callers",
            &callers,
            "--margin-ms",
            "1000",
            "--lock-ttl-ms",
            "5000",
            "--wait-ms",
            "15000",
        ],
    );
    let mut members = fleet(INSTANCES, &args).await;
    let refreshes = |authorizer: &str| mock.token_requests().count(AUTHORIZER_TOKEN, authorizer);

    assert_all_succeeded(&round(&mut members).await, CALLERS, "first round");
    for authorizer in authorizers {
        assert_eq!(refreshes(authorizer), 1, "{authorizer}: one api_authorizer_token for the fleet");
    }
    assert_eq!(mock.token_requests().count(COMPONENT_TOKEN, component_appid), 1);

    tokio::time::sleep(LIFETIME + Duration::from_millis(300)).await;
    assert_all_succeeded(&round(&mut members).await, CALLERS, "after the expiry");
    for authorizer in authorizers {
        assert_eq!(refreshes(authorizer), 2, "{authorizer}: one refresh per expiry");
        let stored = redis
            .command(&format!("GET wechat:{{{component_appid}}}:authorizer:{authorizer}:refresh_token"))
            .expect("Redis answers");
        assert_eq!(
            stored.first().map(String::as_str),
            mock.platform_tokens().refresh_token(authorizer).as_deref(),
            "{authorizer}: the rotated refresh token is the one stored"
        );
    }
    assert_eq!(mock.token_requests().count(COMPONENT_TOKEN, component_appid), 2);

    // WeChat answers 40001 to every instance at once for every authorizer's token (revoked;
    // the component token stays valid): one api_authorizer_token per authorizer, not eight.
    mock.platform_tokens().revoke(PlatformToken::Authorizer);
    assert_all_succeeded(&round(&mut members).await, CALLERS, "after 40001");
    for authorizer in authorizers {
        assert_eq!(refreshes(authorizer), 3, "{authorizer}: one renewal for the fleet after 40001");
        let stored = redis
            .command(&format!("GET wechat:{{{component_appid}}}:authorizer:{authorizer}:refresh_token"))
            .expect("Redis answers");
        assert_eq!(
            stored.first().map(String::as_str),
            mock.platform_tokens().refresh_token(authorizer).as_deref(),
            "{authorizer}: the rotated refresh token is the one stored"
        );
    }
    assert_eq!(
        mock.token_requests().count(COMPONENT_TOKEN, component_appid),
        2,
        "the component token stayed"
    );
    for member in &mut members {
        member.kill().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_killed_holding_the_renewal_lock_blocks_no_one_past_its_expiry() {
    let redis = RedisServer::start();
    let mock = MockServer::start(MockConfig::demo()).await.expect("the mock starts");
    let fetches = || mock.token_requests().count(STABLE_TOKEN, DEMO_APPID);
    let lock = format!("EXISTS wechat:{{{DEMO_APPID}}}:stable_token:lock");

    // The victim takes the lock and waits on a WeChat that does not answer.
    let mut victim = Member::spawn(MEMBER, &stable_args(&mock, &redis, 1, 3000)).await;
    mock.faults().set_latency(Duration::from_secs(60));
    victim.start_round().await;
    let waited = Instant::now();
    while redis.command(&lock).expect("Redis answers") != ["1"] {
        assert!(waited.elapsed() < Duration::from_secs(10), "the victim never took the lock");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    victim.kill().await;
    mock.faults().set_latency(Duration::ZERO);
    assert_eq!(redis.command(&lock).expect("Redis answers"), ["1"], "the dead process still holds the lock");
    let before = fetches();

    let mut others = fleet(3, &stable_args(&mock, &redis, 100, 3000)).await;
    let started = Instant::now();
    assert_all_succeeded(&round(&mut others).await, 100, "after the holder died");
    assert!(started.elapsed() < Duration::from_secs(20), "none hung: {:?}", started.elapsed());
    assert_eq!(fetches() - before, 1, "one of them renewed once the lock expired");
    for member in &mut others {
        member.kill().await;
    }
}
