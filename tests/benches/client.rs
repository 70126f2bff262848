//! The generated client's overhead next to a hand-written reqwest + serde_json call to the
//! same loopback server with the same body and the same token, sequentially and 64 calls at
//! a time, the two sides timed in turns; and the token path: a cached read, alone, beside a
//! second reading thread and beside a thread as busy that reads nothing shared (the
//! control), and how many token fetches 1,000 calls cause when they start together on an
//! empty cache.

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

/// Timed rounds of each side per row in `cargo bench` (after [`WARM_UP`] rounds); a few when
/// the benchmark runs as a test.
const ROUNDS: usize = 1000;
const WARM_UP: usize = 50;

/// The client's four wall-clock rows: the generated call and the hand-written one timed in
/// turns, round after round within the same seconds (each side's run preceded by one of the
/// other's), and the median of each side's rounds. Criterion measures one side's seconds and
/// then the other's, and 64 concurrent get_auth_data calls read 1.4x to 1.6x the
/// hand-written ones that way, where in turns (and by callgrind's count) they cost the
/// same: what differed was the two windows, not the client (BENCHMARKS.md). A sequential
/// round is 16 calls, so a round is more than one timer read. Written for `cargo xtask
/// bench` (`client_wall_clock.json`) and printed.
#[allow(clippy::print_stdout)] // a benchmark reports on stdout
fn overhead(_: &mut Criterion) {
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
    let benchmarking = std::env::args().any(|arg| arg == "--bench");
    let (warm_up, rounds) = if benchmarking { (WARM_UP, ROUNDS) } else { (1, 3) };
    let rows: [(&str, Call, u32); 4] = [
        ("client_get_auth_data", get_auth_data, 16),
        ("client_insert_bill", insert_bill, 16),
        ("client_get_auth_data_x64", get_auth_data_x64, 1),
        ("client_insert_bill_x64", insert_bill_x64, 1),
    ];
    let mut figures = serde_json::Map::new();
    for (name, call, calls_per_round) in rows {
        let [generated, baseline] = rt.block_on(in_turns(&fixture, call, calls_per_round, warm_up, rounds));
        println!(
            "{name}: generated {generated:?}, baseline {baseline:?} (medians of {rounds} rounds in turns)"
        );
        let nanos = |d: Duration| serde_json::Value::from(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
        figures.insert(
            name.to_owned(),
            serde_json::json!({"generated": nanos(generated), "baseline": nanos(baseline)}),
        );
    }
    tests::bench_figures::write("client_wall_clock.json", &serde_json::Value::Object(figures));
}

/// The median time of one `call` on each side (`[generated, baseline]`), from `rounds` rounds
/// of `calls_per_round` calls per side, the sides in turns.
async fn in_turns(
    fixture: &Arc<Fixture>,
    call: Call,
    calls_per_round: u32,
    warm_up: usize,
    rounds: usize,
) -> [Duration; 2] {
    let mut times = [Vec::with_capacity(rounds), Vec::with_capacity(rounds)];
    for round in 0..warm_up + rounds {
        for (times, side) in times.iter_mut().zip([Side::Generated, Side::Baseline]) {
            let started = Instant::now();
            for _ in 0..calls_per_round {
                call(Arc::clone(fixture), side).await;
            }
            if round >= warm_up {
                times.push(started.elapsed() / calls_per_round);
            }
        }
    }
    times.map(|mut times| {
        times.sort_unstable();
        times[times.len() / 2]
    })
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
    let json = serde_json::json!({"calls": 1000, "succeeded": ok, "fetches": server.token_fetches()});
    tests::bench_figures::write("token_fetches.json", &json);
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
