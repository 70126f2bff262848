//! The shared token store against a real redis-server and the mock: its primitives, the
//! documented fallback when Redis is down (connection refused) or hangs (SIGSTOP: it takes
//! commands and answers none), the bounded wait, the lock released by a call dropped
//! mid-renewal, the third-party chain (the verify ticket pushed by the mock through the push
//! receiver, component token, pre-auth code, api_query_auth, authorizer tokens), and the
//! failure modes WxJava's users reported (each test named after its WxJava issue: #369
//! instances refreshing in turn, #1222 a waiter refreshing again after the holder, #2803 a
//! slow instance's old token overwriting the new one, #1300 concurrent refusals of the
//! component token expiring the fresh one, #1381 an endless refresh loop, #1119 tokens lost
//! on restart), each reproduced with several provider instances, each with its own Redis
//! connection, as a fleet's processes hold. Everything logged is captured at TRACE and
//! searched for secrets.

#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use tests::capture::CapturedLogs;
use tests::fixtures::{insert_bill_request, spaced_renewals_allowed};
use tests::fleet::{call, client};
use tests::leaks::assert_hidden;
use tests::redis_server::RedisServer;
use wechat_core::{
    BoxFuture, Component, Error, RedisStore, Secret, StableToken, StoreError, TicketPushError, TokenError,
    TokenStore,
};
use wechat_mock::{DEMO_APPID, DEMO_SECRET, Fault, MockConfig, MockServer, PlatformToken, PushTarget};

const STABLE_TOKEN: &str = "/cgi-bin/stable_token";
const COMPONENT_TOKEN: &str = "/cgi-bin/component/api_component_token";
const AUTHORIZER_TOKEN: &str = "/cgi-bin/component/api_authorizer_token";
/// A safety net against a hang, never an assertion about speed.
const HANG_GUARD: Duration = Duration::from_secs(60);
const COMPONENT_SECRET: &str = "COMPONENT-APPSECRET-6f1e";
const TICKET: &str = "VERIFY-TICKET-93ac";

fn logs() -> &'static CapturedLogs {
    static LOGS: OnceLock<CapturedLogs> = OnceLock::new();
    LOGS.get_or_init(|| {
        CapturedLogs::install_global().expect("the only global subscriber of this test binary")
    })
}

fn store(redis: &RedisServer) -> Arc<dyn TokenStore> {
    Arc::new(RedisStore::open(&redis.url()).unwrap())
}

/// An instance: its own provider and its own Redis connection.
fn instance(mock: &MockServer, redis: &RedisServer) -> (Arc<StableToken>, wechat_card::Client) {
    let provider = Arc::new(StableToken::new(DEMO_APPID, Secret::new(DEMO_SECRET)).store(store(redis)));
    let client = client(mock.base_url(), provider.clone());
    (provider, client)
}

fn fetches(mock: &MockServer) -> u64 {
    mock.token_requests().count(STABLE_TOKEN, DEMO_APPID)
}

/// Every value Redis holds, and the tokens inside them: the secrets nothing may print.
fn stored_secrets(redis: &RedisServer) -> Vec<String> {
    let keys = redis.command("KEYS *").unwrap();
    let mut secrets = Vec::new();
    for key in keys {
        for value in redis.command(&format!("GET {key}")).unwrap_or_default() {
            secrets.push(value.rsplit(':').next().unwrap_or_default().to_owned());
        }
    }
    secrets.retain(|s| s.len() >= 8);
    secrets
}

fn assert_nothing_leaked(redis: &RedisServer, also: &[&dyn std::fmt::Debug]) {
    let mut secrets = stored_secrets(redis);
    secrets.extend([DEMO_SECRET, COMPONENT_SECRET, TICKET].map(str::to_owned));
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    let keys = redis.command("KEYS *").unwrap();
    assert!(keys.iter().all(|k| k.starts_with("wechat:{")), "{keys:?}");
    assert_hidden("key names", &keys.join("\n"), &secrets);
    assert_hidden("the TRACE log", &logs().text(), &secrets);
    let printed: String = also.iter().map(|d| format!("{d:?}\n")).collect();
    assert_hidden("Debug", &printed, &secrets);
}

#[tokio::test]
async fn redis_compares_before_setting_and_releases_only_its_own_lock() {
    let redis = RedisServer::start();
    let store = RedisStore::open(&redis.url()).unwrap();
    let (old, fresh, stale) =
        (Secret::new("old-token-1"), Secret::new("fresh-token-2"), Secret::new("stale-token-3"));
    assert!(store.set_if("wechat:{wx}:t", None, &old, None).await.unwrap());
    assert!(!store.set_if("wechat:{wx}:t", None, &stale, None).await.unwrap(), "only if absent");
    assert!(store.set_if("wechat:{wx}:t", Some(&old), &fresh, Some(Duration::from_secs(60))).await.unwrap());
    assert!(!store.set_if("wechat:{wx}:t", Some(&old), &stale, None).await.unwrap(), "a stale writer loses");
    assert_eq!(store.get("wechat:{wx}:t").await.unwrap(), Some(fresh.clone()));
    let ttl = redis.command("PTTL wechat:{wx}:t").unwrap();
    assert!(ttl[0].parse::<i64>().unwrap() > 50_000, "{ttl:?}");

    assert!(store.try_lock("wechat:{wx}:t:lock", "owner-a", Duration::from_millis(300)).await.unwrap());
    assert!(!store.try_lock("wechat:{wx}:t:lock", "owner-b", Duration::from_secs(5)).await.unwrap());
    assert!(!store.unlock("wechat:{wx}:t:lock", "owner-b").await.unwrap(), "b does not own it");
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(
        store.try_lock("wechat:{wx}:t:lock", "owner-b", Duration::from_secs(5)).await.unwrap(),
        "a's expired"
    );
    assert!(!store.unlock("wechat:{wx}:t:lock", "owner-a").await.unwrap(), "a cannot release b's lock");
    assert!(store.unlock("wechat:{wx}:t:lock", "owner-b").await.unwrap());

    let started = Instant::now();
    let unchanged =
        store.wait_for_change("wechat:{wx}:t", Some(&fresh), Duration::from_millis(200)).await.unwrap();
    assert_eq!(unchanged, Some(fresh));
    assert!(started.elapsed() >= Duration::from_millis(200) && started.elapsed() < Duration::from_secs(5));
}

/// A mock for an account of its own, so the warnings a test counts are its own: the tests of
/// this binary run at once and share the captured log.
async fn own_account(appid: &str) -> MockServer {
    MockServer::start(MockConfig::new(appid, Secret::new(DEMO_SECRET))).await.unwrap()
}

fn own_instance(mock: &MockServer, redis: &RedisServer) -> (Arc<StableToken>, wechat_card::Client) {
    let appid = mock.config().appid.clone();
    let provider = Arc::new(StableToken::new(appid, Secret::new(DEMO_SECRET)).store(store(redis)));
    let client = client(mock.base_url(), provider.clone());
    (provider, client)
}

/// The store-unavailable warnings logged since `mark` for `appid`'s stable_token.
fn fallback_warnings(mark: usize, appid: &str) -> usize {
    let key = format!("wechat:{{{appid}}}:stable_token");
    logs()
        .text_since(mark)
        .lines()
        .filter(|l| l.contains("WARN") && l.contains(&key) && l.contains("the token store is unavailable"))
        .count()
}

/// 20 calls after the token expired, with Redis down or hung: the first renews from WeChat
/// alone (the documented fallback) and warns once; the other 19 use its token from the local
/// copy without touching Redis.
async fn twenty_calls_fall_back_once(mock: &MockServer, client: &wechat_card::Client) -> usize {
    let mark = logs().len();
    mock.tokens().expire_now();
    tokio::time::timeout(HANG_GUARD, async {
        for _ in 0..20 {
            call(client).await.unwrap();
        }
    })
    .await
    .expect("no call hangs on Redis (a hang guard, not a speed check)");
    fallback_warnings(mark, &mock.config().appid)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_that_is_down_falls_back_to_wechat_with_a_warning() {
    logs();
    let mock = own_account("wx_redis_is_down_0001").await;
    let mut redis = RedisServer::start();
    let (provider, client) = own_instance(&mock, &redis);
    call(&client).await.unwrap();
    redis.stop(); // connections refused from now on
    let key = format!("wechat:{{{}}}:stable_token", mock.config().appid);
    assert_eq!(twenty_calls_fall_back_once(&mock, &client).await, 1, "one call of 20 went to the store");
    assert_eq!(
        (provider.fetch_count(), mock.token_requests().count(STABLE_TOKEN, &mock.config().appid)),
        (2, 2),
        "renewed once, from WeChat alone"
    );
    let down = RedisStore::open(&redis.url()).unwrap().timeout(Duration::from_millis(300));
    let error = down.get(&key).await.unwrap_err();
    assert!(matches!(error, StoreError::Unreachable(_)), "{error:?}");
    assert_hidden("the TRACE log", &logs().text(), &[DEMO_SECRET]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_that_takes_commands_and_never_answers_falls_back_after_the_command_bound() {
    logs();
    let mock = own_account("wx_redis_hangs_0002").await;
    let redis = RedisServer::start();
    let (provider, client) = own_instance(&mock, &redis);
    call(&client).await.unwrap(); // the connection is open: Redis hangs on it, it is not refused
    let stored = redis.command(&format!("GET wechat:{{{}}}:stable_token", mock.config().appid)).unwrap();
    let paused = redis.pause();
    // The renewal's first command waits out RedisStore's 1 s bound, then the call falls back.
    let warnings = twenty_calls_fall_back_once(&mock, &client).await;
    drop(paused);
    assert_eq!(warnings, 1, "one call of 20 waited on the hung Redis; the others used the local copy");
    assert_eq!(
        (provider.fetch_count(), mock.token_requests().count(STABLE_TOKEN, &mock.config().appid)),
        (2, 2),
        "renewed once, from WeChat alone"
    );
    assert_eq!(
        redis.command(&format!("GET wechat:{{{}}}:stable_token", mock.config().appid)).unwrap(),
        stored,
        "nothing was written while Redis hung"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renewal_waits_for_another_instance_at_most_its_bound() {
    let mock = MockServer::start(MockConfig::demo()).await.unwrap();
    let redis = RedisServer::start();
    // Another instance holds the lock and never stores a token (it hangs, alive).
    let held =
        redis.command(&format!("SET wechat:{{{DEMO_APPID}}}:stable_token:lock other NX PX 30000")).unwrap();
    assert_eq!(held, ["OK"]);
    let provider = Arc::new(
        StableToken::new(DEMO_APPID, Secret::new(DEMO_SECRET))
            .store(store(&redis))
            .lock_ttl(Duration::from_millis(500))
            .renewal_wait(Duration::from_millis(500)),
    );
    let started = Instant::now();
    let error = client(mock.base_url(), provider.clone())
        .with_retry_policy(wechat_core::RetryPolicy::none())
        .token()
        .get_card_api_ticket(&wechat_card::token::GetCardApiTicketRequest::new())
        .await
        .unwrap_err();
    assert!(matches!(&error, Error::Token { source: TokenError::RenewalWait { .. }, .. }), "{error:?}");
    assert!(error.to_string().contains("another instance is renewing the token"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(10), "bounded (a hang guard): {:?}", started.elapsed());
    assert_eq!(fetches(&mock), 0, "it did not go around the live holder");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_default_client_reports_the_renewal_wait_not_a_timeout() {
    let mock = MockServer::start(MockConfig::demo()).await.unwrap();
    let redis = RedisServer::start();
    // A live instance holds the lock past the whole call and never stores a token.
    let held =
        redis.command(&format!("SET wechat:{{{DEMO_APPID}}}:stable_token:lock other NX PX 120000")).unwrap();
    assert_eq!(held, ["OK"]);
    // Every setting at its default: a 25 s renewal_wait inside the retry policy's 30 s deadline.
    // Retried, the wait would run into the deadline and the call end in Error::Timeout.
    let (_, client) = instance(&mock, &redis);
    let error = client
        .token()
        .get_card_api_ticket(&wechat_card::token::GetCardApiTicketRequest::new())
        .await
        .unwrap_err();
    assert!(
        matches!(
            &error,
            Error::Token { source: TokenError::RenewalWait { waited }, .. } if *waited == Duration::from_secs(25)
        ),
        "{error:?}"
    );
    assert!(!error.is_retryable());
    assert_eq!(fetches(&mock), 0, "it did not go around the live holder");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_dropped_mid_renewal_releases_the_lock_and_the_next_caller_renews_at_once() {
    let mock = MockServer::start(MockConfig::demo()).await.unwrap();
    let redis = RedisServer::start();
    let lock = format!("EXISTS wechat:{{{DEMO_APPID}}}:stable_token:lock");
    // Its lock would outlast the next caller's whole call (30 s deadline, 25 s wait): only a
    // release lets that caller renew.
    let dropped = Arc::new(
        StableToken::new(DEMO_APPID, Secret::new(DEMO_SECRET))
            .store(store(&redis))
            .lock_ttl(Duration::from_secs(120))
            .renewal_wait(Duration::from_secs(120)),
    );
    // WeChat takes a minute to answer its token request.
    mock.faults().push(Fault::slow(Duration::from_secs(60)).only("get_stable_access_token")).unwrap();
    let caller = client(mock.base_url(), dropped.clone());
    let renewing = tokio::spawn(async move { call(&caller).await });
    let started = Instant::now();
    while !(redis.command(&lock).unwrap() == ["1"] && fetches(&mock) == 1) {
        assert!(started.elapsed() < HANG_GUARD, "the call never took the lock and asked WeChat");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    renewing.abort(); // as a caller's timeout, or a dropped request handler, does
    assert!(renewing.await.unwrap_err().is_cancelled());

    let started = Instant::now();
    while redis.command(&lock).unwrap() != ["0"] {
        // Far below the 120 s TTL: a lock gone by then was released, not expired.
        assert!(started.elapsed() < HANG_GUARD, "the dropped call's lock is still held");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (next, client) = instance(&mock, &redis);
    call(&client).await.expect("renewed: the lock was free, not waited out");
    assert_eq!((dropped.fetch_count(), next.fetch_count()), (1, 1));
    assert_eq!(fetches(&mock), 2, "the abandoned request and the next caller's renewal");
    assert_eq!(redis.command(&lock).unwrap(), ["0"]);
}

/// WxJava #369 (WxMpInRedisConfigStorage kept a JVM ReentrantLock: in a fleet every instance
/// found the shared token expired and fetched its own, each invalidating the others', round
/// after round): 16 instances, 50 calls each, at start and after an expiry, one request each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wxjava_369_instances_sharing_redis_fetch_one_token_per_expiry_not_one_each() {
    logs();
    let mock = MockServer::start(MockConfig::demo()).await.unwrap();
    let redis = RedisServer::start();
    let instances: Vec<_> = (0..16).map(|_| instance(&mock, &redis)).collect();
    let mut calls = tokio::task::JoinSet::new();
    for round in 0..2 {
        if round == 1 {
            mock.tokens().expire_now();
        }
        for (_, client) in &instances {
            for _ in 0..50 {
                let client = client.clone();
                calls.spawn(async move { call(&client).await });
            }
        }
        while let Some(outcome) = calls.join_next().await {
            outcome.unwrap().unwrap();
        }
        assert_eq!(fetches(&mock), round + 1, "800 calls of 16 instances, round {round}");
    }
    let providers: Vec<&dyn std::fmt::Debug> =
        instances.iter().map(|(p, _)| p as &dyn std::fmt::Debug).collect();
    assert_nothing_leaked(&redis, &providers);
}

/// A stale local copy refused by WeChat (WxJava #1222's second half and #2803: the old token
/// written over the new one in Redis): the instance takes the fresh token from the store.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wxjava_stale_token_never_overwrites_a_fresh_one() {
    let mock = MockServer::start(MockConfig::demo()).await.unwrap();
    let redis = RedisServer::start();
    let (_, a) = instance(&mock, &redis);
    let (_, b) = instance(&mock, &redis);
    call(&a).await.unwrap();
    call(&b).await.unwrap();
    let key = format!("GET wechat:{{{DEMO_APPID}}}:stable_token");
    let first = redis.command(&key).unwrap();
    // The token expires; B renews it while A still holds the old one in its local copy.
    mock.tokens().expire_now();
    call(&b).await.unwrap();
    let renewed = redis.command(&key).unwrap();
    assert_ne!(renewed, first);
    // A is refused its stale token: it takes B's from the store, asks WeChat nothing, and
    // writes nothing over it.
    call(&a).await.unwrap();
    assert_eq!(redis.command(&key).unwrap(), renewed, "the fresh token stayed");
    assert_eq!(fetches(&mock), 2, "A renewed nothing itself");
}

/// WxJava #1381 (a token stored under one key and read under another: every call got 40001,
/// force-refreshed, and looped until the daily token quota was gone): WeChat refusing every
/// token costs a call one renewal at most, then the call fails with the refusal; and since no
/// call succeeds with the renewed tokens, renewals are spaced out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wxjava_1381_endless_refresh_loop_ends_after_one_renewal_per_call() {
    let mock = MockServer::start(MockConfig::demo()).await.unwrap();
    let redis = RedisServer::start();
    let (_, client) = instance(&mock, &redis);
    call(&client).await.unwrap();
    // WeChat refuses every token, however new.
    mock.faults().push(Fault::errcode(40001).times(1000).only("get_card_api_ticket")).unwrap();
    let started = Instant::now();
    for _ in 0..5 {
        let error = call(&client).await.unwrap_err();
        assert!(error.contains("40001"), "{error}");
    }
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(20), "no loop (a hang guard): {elapsed:?}");
    // A renewal is a normal request that hands the same token back, then a forced one. The
    // first two calls renew; the next ones only once a pause has passed.
    let renewals = (fetches(&mock) - 1) / 2;
    assert!(
        renewals >= 2 && renewals as usize <= spaced_renewals_allowed(elapsed),
        "{renewals} in {elapsed:?}"
    );
    assert_eq!(fetches(&mock) % 2, 1, "each renewal was normal then forced");
}

/// WxJava #1119 (tokens kept in process memory, or a refresh token not kept at all, were lost
/// on restart: 61023 and the account had to authorize again): a restarted instance finds the
/// token and the rotated refresh token in Redis.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wxjava_1119_tokens_survive_a_restart() {
    logs();
    let mock = MockServer::start(MockConfig::demo()).await.unwrap();
    let redis = RedisServer::start();
    {
        let (_, before_restart) = instance(&mock, &redis);
        call(&before_restart).await.unwrap();
    }
    let (_, after_restart) = instance(&mock, &redis);
    call(&after_restart).await.unwrap();
    assert_eq!(fetches(&mock), 1, "the restarted instance found the token in Redis");

    // An authorizer's refresh token rotates at every refresh; the new one must survive.
    let authorizer = "wx_authorizer_restart";
    let platform = |store: Arc<dyn TokenStore>| {
        Arc::new(Component::new("wx_component_restart", Secret::new(COMPONENT_SECRET)).store(store))
    };
    {
        let component = platform(store(&redis));
        component.set_verify_ticket(TICKET).await.unwrap();
        component.set_refresh_token(authorizer, Secret::new("REFRESH-GIVEN-AT-AUTHORIZATION")).await.unwrap();
        call(&client(mock.base_url(), component.authorizer(authorizer))).await.unwrap();
    }
    mock.platform_tokens().expire_now();
    let restarted = platform(store(&redis));
    let provider = restarted.authorizer(authorizer);
    call(&client(mock.base_url(), provider.clone())).await.unwrap();
    // The first refresh, then after the restart: one refused for the expired component
    // token and one after renewing it, with the rotated refresh token read from Redis.
    assert_eq!(mock.token_requests().count(AUTHORIZER_TOKEN, authorizer), 3);
    // What a platform that kept only the first refresh token gets: the authorization is lost.
    let forgetful = platform(Arc::new(wechat_core::MemoryStore::new()));
    forgetful.set_verify_ticket(TICKET).await.unwrap();
    forgetful.set_refresh_token(authorizer, Secret::new("REFRESH-GIVEN-AT-AUTHORIZATION")).await.unwrap();
    let lost = call(&client(mock.base_url(), forgetful.authorizer(authorizer))).await.unwrap_err();
    assert!(lost.contains("61023"), "{lost}");
    assert_nothing_leaked(&redis, &[&restarted, &provider, &forgetful]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_platform_authorizes_an_account_and_calls_for_it() {
    logs();
    let mock = MockServer::start(MockConfig::demo()).await.unwrap();
    let redis = RedisServer::start();
    let component =
        Arc::new(Component::new("wx_component_chain", Secret::new(COMPONENT_SECRET)).store(store(&redis)));
    let core = wechat_core::Client::builder().base_url(mock.base_url()).build().unwrap();
    let http = core.http_context();

    let missing = component.pre_auth_code(http).await.unwrap_err();
    assert_eq!(missing, TokenError::NoVerifyTicket);
    component.set_verify_ticket(TICKET).await.unwrap();
    let code = component.pre_auth_code(http).await.unwrap();
    assert!(code.code.expose().starts_with("MOCK_PREAUTH_") && code.expires_in == Duration::from_secs(1800));
    assert!(code.authorization_url("https://p.example/cb").contains("pre_auth_code=MOCK_PREAUTH_"));

    let auth_code = mock.platform_tokens().authorize("wx_new_account");
    let authorization = component.query_auth(http, &auth_code).await.unwrap();
    assert_eq!(authorization.authorizer_appid, "wx_new_account");
    assert_eq!(authorization.permissions, [1, 15]);
    let refused = component.query_auth(http, &auth_code).await.unwrap_err();
    assert!(matches!(refused, TokenError::Refused { errcode: 40029, .. }), "{refused:?}");

    // The authorization's token is in the store: calls use it without a refresh.
    let provider = component.authorizer("wx_new_account");
    assert!(Arc::ptr_eq(&provider, &component.authorizer("wx_new_account")), "one provider per authorizer");
    let platform = client(mock.base_url(), provider.clone());
    call(&platform).await.unwrap();
    assert_eq!(mock.token_requests().count(AUTHORIZER_TOKEN, "wx_new_account"), 0);
    // Refused (42001): renewed once with the refresh token api_query_auth stored.
    mock.platform_tokens().expire_now();
    call(&platform).await.unwrap();
    assert_eq!(
        mock.token_requests().count(AUTHORIZER_TOKEN, "wx_new_account"),
        2,
        "one with the expired component token, one after renewing it"
    );
    assert_eq!(component.fetch_count(), 2);

    // An endpoint third parties may not call refuses the renewed authorizer token too.
    let error = platform.nontax().insert_bill(&insert_bill_request()).await.unwrap_err();
    assert!(matches!(error, Error::Request { .. }), "{error:?}");
    assert_eq!(mock.requests().count("/nontax/insertbill"), 0, "refused before sending");
    assert_nothing_leaked(&redis, &[&component, &provider]);
}

/// What [`Interposed`] does to one command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hold {
    /// `try_lock` of a key ending so waits until the test opens the gate.
    Lock(&'static str),
    /// `set_if` of a key ending so waits until the test opens the gate.
    Set(&'static str),
}

/// A store passing every command to Redis, but for one it holds (once) until the test opens
/// the gate, or one `get` it fails (once): how a test puts an instance exactly where a race
/// needs it, without sleeping and hoping.
#[derive(Debug)]
struct Interposed {
    inner: Arc<dyn TokenStore>,
    hold: Mutex<Option<Hold>>,
    /// Notified once the held command is reached.
    reached: tokio::sync::Notify,
    gate: tokio::sync::Semaphore,
    /// `get` of a key ending so fails once.
    fail_get: Mutex<Option<&'static str>>,
}

impl Interposed {
    fn new(inner: Arc<dyn TokenStore>) -> Arc<Self> {
        Arc::new(Self {
            inner,
            hold: Mutex::new(None),
            reached: tokio::sync::Notify::new(),
            gate: tokio::sync::Semaphore::new(0),
            fail_get: Mutex::new(None),
        })
    }

    fn holding(self: Arc<Self>, hold: Hold) -> Arc<Self> {
        *self.hold.lock().unwrap() = Some(hold);
        self
    }

    fn fail_next_get(&self, suffix: &'static str) {
        *self.fail_get.lock().unwrap() = Some(suffix);
    }

    fn open(&self) {
        self.gate.add_permits(1);
    }

    /// Holds `key`'s `try_lock` (`lock`) or `set_if` (not `lock`) if that is the one to hold.
    async fn pass(&self, lock: bool, key: &str) {
        let held = {
            let mut hold = self.hold.lock().unwrap();
            let matches = match *hold {
                Some(Hold::Lock(suffix)) => lock && key.ends_with(suffix),
                Some(Hold::Set(suffix)) => !lock && key.ends_with(suffix),
                None => false,
            };
            matches && hold.take().is_some()
        };
        if held {
            self.reached.notify_one();
            self.gate.acquire().await.unwrap().forget();
        }
    }
}

impl TokenStore for Interposed {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Secret>, StoreError>> {
        let fail = {
            let mut fail = self.fail_get.lock().unwrap();
            fail.is_some_and(|suffix| key.ends_with(suffix)) && fail.take().is_some()
        };
        if fail {
            return Box::pin(std::future::ready(Err(StoreError::Unreachable(
                "interposed: no answer".into(),
            ))));
        }
        self.inner.get(key)
    }

    fn set_if<'a>(
        &'a self,
        key: &'a str,
        expected: Option<&'a Secret>,
        value: &'a Secret,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            self.pass(false, key).await;
            self.inner.set_if(key, expected, value, ttl).await
        })
    }

    fn try_lock<'a>(
        &'a self,
        key: &'a str,
        owner: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            self.pass(true, key).await;
            self.inner.try_lock(key, owner, ttl).await
        })
    }

    fn unlock<'a>(&'a self, key: &'a str, owner: &'a str) -> BoxFuture<'a, Result<bool, StoreError>> {
        self.inner.unlock(key, owner)
    }

    fn wait_for_change<'a>(
        &'a self,
        key: &'a str,
        seen: Option<&'a Secret>,
        max_wait: Duration,
    ) -> BoxFuture<'a, Result<Option<Secret>, StoreError>> {
        self.inner.wait_for_change(key, seen, max_wait)
    }
}

/// The token inside a stored `v1:fetched:expires:flag:TOKEN` value.
fn stored_token(redis: &RedisServer, key: &str) -> String {
    let value = redis.command(&format!("GET {key}")).unwrap();
    value.first().and_then(|v| v.rsplit(':').next()).unwrap_or_default().to_owned()
}

/// WxJava #1222 (getAccessToken did not look at the token again once it had the lock: a
/// thread that queued behind the refreshing one refreshed a second time): B reads an empty
/// store, then takes the lock only after A renewed and released it; B adopts A's token and
/// asks WeChat nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wxjava_1222_an_instance_that_takes_the_lock_after_a_renewal_adopts_it() {
    let mock = MockServer::start(MockConfig::demo()).await.unwrap();
    let redis = RedisServer::start();
    let (a_provider, a) = instance(&mock, &redis);
    let late = Interposed::new(store(&redis)).holding(Hold::Lock(":stable_token:lock"));
    let b_provider = Arc::new(
        StableToken::new(DEMO_APPID, Secret::new(DEMO_SECRET)).store(late.clone() as Arc<dyn TokenStore>),
    );
    let b = client(mock.base_url(), b_provider.clone());

    let b_call = tokio::spawn(async move { call(&b).await });
    tokio::time::timeout(HANG_GUARD, late.reached.notified()).await.expect("B reaches the lock");
    call(&a).await.unwrap(); // A renews and releases the lock while B is about to take it
    late.open();
    tokio::time::timeout(HANG_GUARD, b_call).await.expect("B's call ends").unwrap().unwrap();
    assert_eq!((a_provider.fetch_count(), b_provider.fetch_count()), (1, 0), "B renewed nothing");
    assert_eq!(fetches(&mock), 1);
}

/// WxJava #2803 (instances refreshing under a JVM lock: a request sent earlier but answered
/// later stored its old token over the newer one): A's renewal outlives its lock and its
/// token write comes after B's renewal; A's write is refused, A takes B's token, and Redis
/// keeps B's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wxjava_2803_a_renewal_that_outlived_its_lock_never_overwrites_the_newer_token() {
    let mock = MockServer::start(MockConfig::demo()).await.unwrap();
    let redis = RedisServer::start();
    let key = format!("wechat:{{{DEMO_APPID}}}:stable_token");
    let slow = Interposed::new(store(&redis)).holding(Hold::Set(":stable_token"));
    let a_provider = Arc::new(
        StableToken::new(DEMO_APPID, Secret::new(DEMO_SECRET))
            .store(slow.clone() as Arc<dyn TokenStore>)
            .lock_ttl(Duration::from_millis(200))
            .renewal_wait(Duration::from_millis(200)),
    );
    let a = client(mock.base_url(), a_provider.clone());
    // A's answer: a token WeChat no longer honours by the time A stores it.
    let stale = "STALE-TOKEN-OF-A-SLOW-ANSWER-2803";
    let answer = serde_json::json!({"access_token": stale, "expires_in": 7200});
    mock.faults().push(Fault::answer(answer).only("get_stable_access_token")).unwrap();

    let a_call = tokio::spawn(async move { call(&a).await });
    tokio::time::timeout(HANG_GUARD, slow.reached.notified()).await.expect("A holds its answer");
    let started = Instant::now();
    while redis.command(&format!("EXISTS {key}:lock")).unwrap() != ["0"] {
        assert!(started.elapsed() < HANG_GUARD, "A's 200 ms lock never expired");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (b_provider, b) = instance(&mock, &redis);
    call(&b).await.unwrap(); // B renews and stores while A still holds its old answer
    let fresh = stored_token(&redis, &key);
    assert_ne!(fresh, stale);
    slow.open();
    tokio::time::timeout(HANG_GUARD, a_call).await.expect("A's call ends").unwrap().unwrap();

    assert_eq!(stored_token(&redis, &key), fresh, "the newer token stayed");
    assert_eq!((a_provider.fetch_count(), b_provider.fetch_count()), (1, 1));
    assert_eq!(fetches(&mock), 2);
    let refused: Vec<_> = mock.requests().log().into_iter().filter(|r| r.errcode == Some(40001)).collect();
    assert!(refused.is_empty(), "A called with its stale token instead of B's: {refused:?}");
}

/// WxJava #1300 (WxOpenComponentServiceImpl: every request refused with 40001/42001 expired
/// the component token, the one just refreshed included, and refreshed again: a stampede
/// that never settles): 4 platform instances, 50 concurrent calls each, refused the component
/// token at once, renew it once for all of them; the late refusals of the old token leave
/// the new one alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wxjava_1300_concurrent_refusals_of_the_component_token_renew_it_once() {
    logs();
    let mock = MockServer::start(MockConfig::demo()).await.unwrap();
    let redis = RedisServer::start();
    let appid = "wx_component_1300";
    let platforms: Vec<_> = (0..4)
        .map(|_| Arc::new(Component::new(appid, Secret::new(COMPONENT_SECRET)).store(store(&redis))))
        .collect();
    platforms[0].set_verify_ticket(TICKET).await.unwrap();
    let core = wechat_core::Client::builder().base_url(mock.base_url()).build().unwrap();
    let renewals = || mock.token_requests().count(COMPONENT_TOKEN, appid);

    for (round, refuse) in ["first use", "40001", "42001"].into_iter().enumerate() {
        match refuse {
            "40001" => mock.platform_tokens().revoke(PlatformToken::Component),
            "42001" => mock.platform_tokens().expire_now(),
            _ => {}
        }
        let mut calls = tokio::task::JoinSet::new();
        for platform in &platforms {
            for _ in 0..50 {
                let (platform, http) = (Arc::clone(platform), core.http_context().clone());
                calls.spawn(async move { platform.pre_auth_code(&http).await.map(drop) });
            }
        }
        let outcomes = tokio::time::timeout(HANG_GUARD, calls.join_all()).await.expect("no stampede");
        assert!(outcomes.iter().all(Result::is_ok), "{refuse}: {:?}", outcomes.iter().find(|o| o.is_err()));
        assert_eq!(renewals(), round as u64 + 1, "{refuse}: one api_component_token for 200 calls");
    }
    let fetched: u64 = platforms.iter().map(|p| p.fetch_count()).sum();
    assert_eq!(fetched, 3);
    let printed: Vec<&dyn std::fmt::Debug> = platforms.iter().map(|p| p as &dyn std::fmt::Debug).collect();
    assert_nothing_leaked(&redis, &printed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_token_rotated_while_the_store_could_not_be_read_replaces_the_dead_one() {
    logs();
    let mock = MockServer::start(MockConfig::demo()).await.unwrap();
    let redis = RedisServer::start();
    let (component_appid, authorizer) = ("wx_component_rotation", "wx_authorizer_rotation");
    let refresh_key = format!("wechat:{{{component_appid}}}:authorizer:{authorizer}:refresh_token");
    let flaky = Interposed::new(store(&redis));
    let component = Arc::new(
        Component::new(component_appid, Secret::new(COMPONENT_SECRET))
            .store(flaky.clone() as Arc<dyn TokenStore>),
    );
    component.set_verify_ticket(TICKET).await.unwrap();
    component.set_refresh_token(authorizer, Secret::new("REFRESH-GIVEN-AT-AUTHORIZATION")).await.unwrap();
    let platform = client(mock.base_url(), component.authorizer(authorizer));
    call(&platform).await.unwrap(); // the first refresh: the token rotated, and was stored
    let first = redis.command(&format!("GET {refresh_key}")).unwrap();
    assert_eq!(
        first.first().map(String::as_str),
        mock.platform_tokens().refresh_token(authorizer).as_deref()
    );

    // WeChat refuses the authorizer token; reading the refresh token fails once, so the
    // process's own copy (the stored one) is used, and WeChat rotates it: it is dead now.
    mock.platform_tokens().revoke(PlatformToken::Authorizer);
    flaky.fail_next_get(":refresh_token");
    let mark = logs().len();
    call(&platform).await.unwrap();
    assert!(logs().text_since(mark).contains("using this process's refresh token"));
    let rotated = mock.platform_tokens().refresh_token(authorizer);
    assert_ne!(rotated.as_deref(), first.first().map(String::as_str));
    assert_eq!(
        redis.command(&format!("GET {refresh_key}")).unwrap().first().map(String::as_str),
        rotated.as_deref(),
        "the rotated refresh token replaced the dead one in Redis"
    );

    // A restarted platform refreshes with what Redis holds: the authorization is not lost.
    mock.platform_tokens().revoke(PlatformToken::Authorizer);
    let restarted =
        Arc::new(Component::new(component_appid, Secret::new(COMPONENT_SECRET)).store(store(&redis)));
    call(&client(mock.base_url(), restarted.authorizer(authorizer))).await.expect("not 61023");
    assert_eq!(mock.token_requests().count(AUTHORIZER_TOKEN, authorizer), 3);
    assert_nothing_leaked(&redis, &[&component, &restarted]);
}

/// The platform's push receiver: WeChat's notices, verified and decrypted, handed to the
/// component; each outcome kept for the test.
struct PlatformReceiver {
    url: String,
    outcomes: Arc<Mutex<Vec<Result<bool, TicketPushError>>>>,
    server: tokio::task::JoinHandle<()>,
}

impl PlatformReceiver {
    async fn start(component: Arc<Component>, token: &str, aes_key: &str) -> Self {
        let receiver = wechat_core::push::Receiver::new(token)
            .aes_key(&Secret::new(aes_key), component.appid())
            .unwrap();
        let outcomes: Arc<Mutex<Vec<Result<bool, TicketPushError>>>> = Arc::default();
        let kept = Arc::clone(&outcomes);
        let route = wechat_core::push::axum::route(receiver, move |message: wechat_core::push::Message| {
            let (component, kept) = (Arc::clone(&component), Arc::clone(&kept));
            async move {
                let outcome = component.accept_push(&message).await;
                kept.lock().unwrap().push(outcome);
            }
        });
        let app = axum::Router::new().route("/wechat/platform", route);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/wechat/platform", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { url, outcomes, server }
    }

    fn outcomes(&self) -> Vec<Result<bool, TicketPushError>> {
        self.outcomes.lock().unwrap().clone()
    }
}

impl Drop for PlatformReceiver {
    fn drop(&mut self) {
        self.server.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_verify_ticket_pushed_by_wechat_reaches_the_component_and_obtains_its_token() {
    logs();
    let redis = RedisServer::start();
    let (platform_appid, push_token) = ("wx_component_pushed", "PUSH-TOKEN-OF-THE-PLATFORM");
    let aes_key = "UGxhdGZvcm1UZXN0S2V5Tm90QVJlYWxPbmVGb3JXZUM";
    let component =
        Arc::new(Component::new(platform_appid, Secret::new(COMPONENT_SECRET)).store(store(&redis)));
    let receiver = PlatformReceiver::start(Arc::clone(&component), push_token, aes_key).await;
    let target = PushTarget::new(&receiver.url, &Secret::new(push_token))
        .aes_key(&Secret::new(aes_key), platform_appid)
        .unwrap();
    let mock = MockServer::start(MockConfig::demo().push(target)).await.unwrap();
    let core = wechat_core::Client::builder().base_url(mock.base_url()).build().unwrap();
    let http = core.http_context();
    assert_eq!(component.access_token(http).await.unwrap_err(), TokenError::NoVerifyTicket);

    // WeChat pushes the ticket; the receiver hands it to the component, which stores it.
    mock.push_verify_ticket(platform_appid).expect("a push target is set");
    let deliveries = mock.pushes().settled(HANG_GUARD).await;
    assert_eq!(deliveries.last().map(|d| d.outcome), Some(wechat_mock::Outcome::Delivered));
    assert_eq!(receiver.outcomes(), [Ok(true)]);
    component.access_token(http).await.expect("the pushed ticket obtains the component token");
    assert_eq!(mock.token_requests().count(COMPONENT_TOKEN, platform_appid), 1);

    // A ticket WeChat never pushed is refused now that it has pushed one (61006).
    let by_hand = Component::new(platform_appid, Secret::new(COMPONENT_SECRET));
    by_hand.set_verify_ticket("NEVER-PUSHED-TICKET").await.unwrap();
    let refused = by_hand.access_token(http).await.unwrap_err();
    assert!(matches!(refused, TokenError::Refused { errcode: 61006, .. }), "{refused:?}");

    // Another platform's notice reaching this receiver is refused, and changes nothing.
    let ticket_key = format!("GET wechat:{{{platform_appid}}}:component_verify_ticket");
    let stored = redis.command(&ticket_key).unwrap();
    mock.push_verify_ticket("wx_some_other_platform").expect("pushed");
    mock.pushes().settled(HANG_GUARD).await;
    let outcomes = receiver.outcomes();
    assert!(
        matches!(&outcomes[1], Err(TicketPushError::OtherComponent { found, .. }) if found == "wx_some_other_platform"),
        "{outcomes:?}"
    );
    assert_eq!(redis.command(&ticket_key).unwrap(), stored);
    let printed: Vec<String> = outcomes.iter().map(|o| format!("{o:?}")).collect();
    assert_nothing_leaked(&redis, &[&component, &printed]);
}
