//! The generated client's overhead next to a hand-written reqwest + serde_json call to the
//! same loopback server with the same body and the same token, sequentially and 64 calls at
//! a time; and the token path: a cached read, alone, beside a second reading thread and beside
//! a thread as busy that reads nothing shared (the control), and how many token fetches 1,000
//! calls cause when they start together on an empty cache.

use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use tests::baseline::{Baseline, example_bill};
use tests::fast_server::{FastServer, TOKEN};
use tokio::runtime::Runtime;
use tokio::task::JoinSet;
use wechat_card::Client;
use wechat_card::invoice::GetAuthDataRequest;
use wechat_card::nontax::InsertBillRequest;
use wechat_core::{Secret, StableToken, StaticToken, TokenProvider};

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime")
}

fn generated(server: &FastServer) -> Client {
    let core = wechat_core::Client::builder()
        .base_url(server.base_url())
        .token_provider(StaticToken::new(TOKEN))
        .build()
        .expect("client");
    Client::new(core)
}

/// Which side of the comparison a call is on.
#[derive(Clone, Copy)]
enum Side {
    Generated,
    Baseline,
}

/// Everything a benchmarked call needs, shared by the tasks of the concurrent runs.
struct Fixture {
    client: Client,
    baseline: Baseline,
    auth: GetAuthDataRequest,
    bill: InsertBillRequest,
}

type Call = fn(Arc<Fixture>, Side) -> Pin<Box<dyn Future<Output = ()> + Send>>;

fn get_auth_data(fixture: Arc<Fixture>, side: Side) -> Pin<Box<dyn Future<Output = ()> + Send>> {
    Box::pin(async move {
        match side {
            Side::Generated => {
                _ = black_box(fixture.client.invoice().get_auth_data(&fixture.auth).await.expect("call"))
            }
            Side::Baseline => _ = black_box(fixture.baseline.get_auth_data().await.expect("call")),
        }
    })
}

fn insert_bill(fixture: Arc<Fixture>, side: Side) -> Pin<Box<dyn Future<Output = ()> + Send>> {
    Box::pin(async move {
        match side {
            Side::Generated => {
                _ = black_box(fixture.client.nontax().insert_bill(&fixture.bill).await.expect("call"))
            }
            Side::Baseline => _ = black_box(fixture.baseline.insert_bill(&fixture.bill).await.expect("call")),
        }
    })
}

fn get_auth_data_x64(fixture: Arc<Fixture>, side: Side) -> Pin<Box<dyn Future<Output = ()> + Send>> {
    Box::pin(concurrently(fixture, side, get_auth_data))
}

fn insert_bill_x64(fixture: Arc<Fixture>, side: Side) -> Pin<Box<dyn Future<Output = ()> + Send>> {
    Box::pin(concurrently(fixture, side, insert_bill))
}

async fn concurrently(fixture: Arc<Fixture>, side: Side, call: Call) {
    let mut calls = JoinSet::new();
    for _ in 0..64 {
        calls.spawn(call(Arc::clone(&fixture), side));
    }
    calls.join_all().await;
}

/// Benchmarks both sides of `call`, each timed call preceded by an untimed call of the other
/// side: the two sides then run under the same conditions, and a drift of the machine (the
/// loopback server shares its two cores) cannot favour whichever side criterion runs first.
fn paired(c: &mut Criterion, rt: &Runtime, name: &str, fixture: &Arc<Fixture>, call: Call) {
    let mut group = c.benchmark_group(name);
    for (label, measured, other) in
        [("generated", Side::Generated, Side::Baseline), ("baseline", Side::Baseline, Side::Generated)]
    {
        group.bench_function(label, |b| {
            b.to_async(rt).iter_custom(|iters| {
                let fixture = Arc::clone(fixture);
                async move {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        call(Arc::clone(&fixture), other).await;
                        let timed = call(Arc::clone(&fixture), measured);
                        let started = Instant::now();
                        timed.await;
                        total += started.elapsed();
                    }
                    total
                }
            })
        });
    }
    group.finish();
}

fn overhead(c: &mut Criterion) {
    let rt = runtime();
    let server = rt.block_on(FastServer::start(Duration::ZERO));
    let fixture = Arc::new(Fixture {
        client: generated(&server),
        baseline: Baseline::new(server.base_url()),
        auth: GetAuthDataRequest::builder()
            .s_pappid("wx123456")
            .order_id("123456")
            .build()
            .expect("required fields set"),
        bill: example_bill(),
    });
    paired(c, &rt, "client_get_auth_data", &fixture, get_auth_data);
    paired(c, &rt, "client_insert_bill", &fixture, insert_bill);
    paired(c, &rt, "client_get_auth_data_x64", &fixture, get_auth_data_x64);
    paired(c, &rt, "client_insert_bill_x64", &fixture, insert_bill_x64);
}

fn token_path(c: &mut Criterion) {
    let rt = runtime();
    let server = rt.block_on(FastServer::start(Duration::ZERO));
    let provider = Arc::new(StableToken::new("wx-bench", Secret::new("bench-secret")));
    let core = wechat_core::Client::builder().base_url(server.base_url()).build().expect("client");
    rt.block_on(provider.fetch(core.http_context())).expect("first fetch");

    let mut group = c.benchmark_group("token_cached_read");
    group.bench_function("1_thread", |b| b.iter(|| black_box(provider.cached())));
    let stop = Arc::new(AtomicBool::new(false));
    let other = {
        let (provider, stop) = (Arc::clone(&provider), Arc::clone(&stop));
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                black_box(provider.cached());
            }
        })
    };
    group.bench_function("2_threads", |b| b.iter(|| black_box(provider.cached())));
    stop.store(true, Ordering::Relaxed);
    other.join().expect("reader thread");
    // The control: beside a thread as busy that touches nothing the reads touch. On a machine
    // whose cores are shared (another build, hyperthreads), this costs the reads as much as a
    // second reader does; only what `2_threads` costs beyond it is the token path's.
    let stop = Arc::new(AtomicBool::new(false));
    let busy = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut count = 0u64;
            while !stop.load(Ordering::Relaxed) {
                count = black_box(count.wrapping_add(1));
            }
        })
    };
    group.bench_function("beside_a_busy_thread", |b| b.iter(|| black_box(provider.cached())));
    stop.store(true, Ordering::Relaxed);
    busy.join().expect("busy thread");
    group.finish();

    record_fetches_on_a_cold_start();
}

/// Not a timing: how many token fetches 1,000 calls starting together on an empty cache
/// cause. Written for `cargo xtask bench` to put in its table.
#[allow(clippy::print_stdout)] // a benchmark reports on stdout
fn record_fetches_on_a_cold_start() {
    let rt = runtime();
    let server = rt.block_on(FastServer::start(Duration::from_millis(50)));
    let provider = Arc::new(StableToken::new("wx-bench", Secret::new("bench-secret")));
    let core = wechat_core::Client::builder()
        .base_url(server.base_url())
        .shared_token_provider(provider.clone())
        .build()
        .expect("client");
    let client = Arc::new(Client::new(core));
    let ok = rt.block_on(async {
        let mut calls = JoinSet::new();
        for _ in 0..1000 {
            let client = Arc::clone(&client);
            calls.spawn(async move {
                client
                    .invoice()
                    .get_auth_data(
                        &GetAuthDataRequest::builder()
                            .s_pappid("p")
                            .order_id("o")
                            .build()
                            .expect("required fields set"),
                    )
                    .await
                    .is_ok()
            });
        }
        calls.join_all().await.into_iter().filter(|ok| *ok).count()
    });
    let figures =
        std::env::var("WECHAT_BENCH_FIGURES").unwrap_or_else(|_| "../target/bench-figures".to_owned());
    std::fs::create_dir_all(&figures).expect("figures folder");
    let json = serde_json::json!({"calls": 1000, "succeeded": ok, "fetches": server.token_fetches()});
    std::fs::write(format!("{figures}/token_fetches.json"), json.to_string()).expect("write figures");
    println!("token fetches for 1000 concurrent calls on an empty cache: {}", server.token_fetches());
}

/// Shorter than criterion's defaults, so `cargo xtask bench` stays within 10 minutes on
/// two cores; the confidence intervals in the output say whether that was enough.
fn config() -> Criterion {
    Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = overhead, token_path
}
criterion_main!(benches);
