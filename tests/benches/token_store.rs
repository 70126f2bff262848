//! The token store: a cached read with the Redis store against the in-memory store (both read
//! the provider's local copy by design, so they cost the same: cached reads never touch
//! Redis); a read that does go to the store (a provider whose local copy is empty or due,
//! finding a fresh token there: one GET), Redis against memory; and how many stable_token
//! requests an expiry causes for 1, 8 and 64 instances sharing one Redis, each instance with
//! its own connection as a process would have, against instances that share nothing.
//! Needs redis-server (`cargo xtask bench` and `cargo xtask test` find or install it).

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use tests::fleet::{call, client};
use tests::redis_server::RedisServer;
use tokio::runtime::Runtime;
use tokio::task::JoinSet;
use wechat_core::{MemoryStore, RedisStore, Secret, StableToken, TokenProvider, TokenStore};
use wechat_mock::{DEMO_APPID, DEMO_SECRET, MockConfig, MockServer};

const STABLE_TOKEN: &str = "/cgi-bin/stable_token";
/// Expiries per instance count; the figure is their average.
const EXPIRIES: u64 = 3;
/// Calls per instance after each expiry, all at once.
const CALLS: usize = 10;

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime")
}

fn redis_store(redis: &RedisServer) -> Arc<dyn TokenStore> {
    Arc::new(RedisStore::open(&redis.url()).expect("a Redis URL"))
}

fn cached_read(c: &mut Criterion) {
    let rt = runtime();
    let redis = RedisServer::start();
    let mock = rt.block_on(MockServer::start(MockConfig::demo())).expect("the mock starts");
    let core = wechat_core::Client::builder().base_url(mock.base_url()).build().expect("client");
    let memory = StableToken::new(DEMO_APPID, Secret::new(DEMO_SECRET));
    let shared = StableToken::new(DEMO_APPID, Secret::new(DEMO_SECRET)).store(redis_store(&redis));
    rt.block_on(memory.fetch(core.http_context())).expect("first fetch");
    rt.block_on(shared.fetch(core.http_context())).expect("first fetch");

    let mut group = c.benchmark_group("token_store_cached_read");
    group.bench_function("memory", |b| b.iter(|| black_box(memory.cached())));
    group.bench_function("redis", |b| b.iter(|| black_box(shared.cached())));
    group.finish();

    // A read that goes to the store: each iteration a new provider (its local copy empty, as
    // one whose copy is due) finds the fresh token another instance stored, with one GET.
    let stores: [(&str, Arc<dyn TokenStore>); 2] =
        [("memory", Arc::new(MemoryStore::new())), ("redis", redis_store(&redis))];
    let mut group = c.benchmark_group("token_store_store_read");
    for (name, store) in &stores {
        let provider = || StableToken::new(DEMO_APPID, Secret::new(DEMO_SECRET)).store(Arc::clone(store));
        rt.block_on(provider().fetch(core.http_context())).expect("a token in the store");
        group.bench_function(*name, |b| {
            b.iter(|| {
                let reader = provider();
                let token = rt.block_on(reader.fetch(core.http_context())).expect("read from the store");
                assert_eq!(reader.fetch_count(), 0, "taken from the store, not from WeChat");
                black_box(token)
            });
        });
    }
    group.finish();
    record_fetches_per_expiry(&rt, &redis, &mock);
}

/// The stable_token requests `EXPIRIES` expiries cause for `instances` instances, with or
/// without a shared store.
fn requests_for_expiries(
    rt: &Runtime,
    redis: &RedisServer,
    mock: &MockServer,
    instances: usize,
    shared: bool,
) -> u64 {
    let clients: Vec<_> = (0..instances)
        .map(|_| {
            let provider = StableToken::new(DEMO_APPID, Secret::new(DEMO_SECRET));
            let provider = if shared { provider.store(redis_store(redis)) } else { provider };
            client(mock.base_url(), Arc::new(provider))
        })
        .collect();
    let before = mock.token_requests().count(STABLE_TOKEN, DEMO_APPID);
    rt.block_on(async {
        for _ in 0..EXPIRIES {
            mock.tokens().expire_now();
            let mut calls = JoinSet::new();
            for client in &clients {
                for _ in 0..CALLS {
                    let client = client.clone();
                    calls.spawn(async move { call(&client).await });
                }
            }
            for outcome in calls.join_all().await {
                outcome.expect("every call succeeds");
            }
        }
    });
    // The first round fills empty caches rather than renewing: count the same either way.
    mock.token_requests().count(STABLE_TOKEN, DEMO_APPID) - before
}

#[allow(clippy::print_stdout)] // a benchmark reports on stdout
fn record_fetches_per_expiry(rt: &Runtime, redis: &RedisServer, mock: &MockServer) {
    let mut figures = serde_json::Map::new();
    for instances in [1, 8, 64] {
        let shared = requests_for_expiries(rt, redis, mock, instances, true);
        let alone = requests_for_expiries(rt, redis, mock, instances, false);
        println!(
            "stable_token requests for {EXPIRIES} expiries, {instances} instances: {shared} sharing Redis, {alone} alone"
        );
        // Whole counts, so the verdict is exact: one request per expiry, not "at most one".
        figures.insert(
            instances.to_string(),
            serde_json::json!({ "expiries": EXPIRIES, "shared": shared, "alone": alone }),
        );
    }
    tests::bench_figures::write("token_store_fetches.json", &serde_json::Value::Object(figures));
}

fn config() -> Criterion {
    Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = cached_read
}
criterion_main!(benches);
