//! The shared token store against a real redis-server and the mock: its primitives, the
//! documented fallback when Redis is unreachable, the bounded wait, the third-party chain
//! (verify ticket, component token, pre-auth code, api_query_auth, authorizer tokens), and
//! the failure modes WxJava's users reported for years (refresh stampedes, a stale token
//! overwriting a fresh one, endless refresh loops, tokens lost on restart), each reproduced
//! with several provider instances, each with its own Redis connection, as a fleet's
//! processes hold. Everything logged is captured at TRACE and searched for secrets.

#![allow(clippy::unwrap_used)]

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use tests::capture::CapturedLogs;
use tests::fixtures::insert_bill_request;
use tests::fleet::{call, client};
use tests::leaks::assert_hidden;
use tests::redis_server::RedisServer;
use wechat_core::{Component, Error, RedisStore, Secret, StableToken, StoreError, TokenError, TokenStore};
use wechat_mock::{DEMO_APPID, DEMO_SECRET, Fault, MockConfig, MockServer};

const STABLE_TOKEN: &str = "/cgi-bin/stable_token";
const AUTHORIZER_TOKEN: &str = "/cgi-bin/component/api_authorizer_token";
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_redis_falls_back_to_wechat_with_a_warning() {
    logs();
    let mock = MockServer::start(MockConfig::demo()).await.unwrap();
    let mut redis = RedisServer::start();
    let (provider, client) = instance(&mock, &redis);
    call(&client).await.unwrap();
    redis.stop();
    let mark = logs().len();
    mock.tokens().expire_now();
    let started = Instant::now();
    for _ in 0..20 {
        call(&client).await.unwrap();
    }
    assert!(started.elapsed() < Duration::from_secs(20), "calls did not wait on the dead Redis");
    assert_eq!((provider.fetch_count(), fetches(&mock)), (2, 2), "renewed once, from WeChat alone");
    let logged = logs().text_since(mark);
    assert!(logged.contains("the token store is unavailable"), "{logged}");
    assert!(logged.contains("WARN"), "{logged}");
    let down = RedisStore::open(&redis.url()).unwrap().timeout(Duration::from_millis(300));
    let error = down.get("wechat:{wx}:stable_token").await.unwrap_err();
    assert!(matches!(error, StoreError::Unreachable(_)), "{error:?}");
    assert_hidden("the TRACE log", &logs().text(), &[DEMO_SECRET]);
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
    assert!(started.elapsed() < Duration::from_secs(10), "bounded: {:?}", started.elapsed());
    assert_eq!(fetches(&mock), 0, "it did not go around the live holder");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wxjava_refresh_stampede_one_request_for_sixteen_instances() {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wxjava_endless_refresh_loop_ends_after_one_renewal_per_call() {
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
    assert!(started.elapsed() < Duration::from_secs(20), "no loop: {:?}", started.elapsed());
    // Each call renews once: a normal request that hands the same token back, then a forced one.
    assert_eq!(fetches(&mock), 1 + 5 * 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wxjava_tokens_survive_a_restart() {
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
    let error = platform.insert_bill(&insert_bill_request()).await.unwrap_err();
    assert!(matches!(error, Error::Request { .. }), "{error:?}");
    assert_eq!(mock.requests().count("/nontax/insertbill"), 0, "refused before sending");
    assert_nothing_leaked(&redis, &[&component, &provider]);
}
