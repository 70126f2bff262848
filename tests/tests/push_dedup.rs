//! The push receiver's dedup guard on real axum servers on 127.0.0.1: the same signed push
//! sent 100 times reaches the handler once and is answered `success` every time, and so does
//! WeChat's retry of it (new timestamp, nonce and ciphertext); a handler that fails (an `Err`,
//! a panic) leaves the push to WeChat's next delivery; a duplicate arriving while the first
//! delivery is being handled waits for it, takes over when it fails, and is answered 503 when
//! it runs past the wait; two receiver instances sharing one real redis-server handle a push
//! once between them; and a Redis that is down or hangs lets pushes through (fail-open) with
//! a warning.

#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tests::capture::CapturedLogs;
use tests::redis_server::RedisServer;
use tokio::sync::{Notify, Semaphore};
use wechat_core::push::{Dedup, Element, Message, Push, Receiver, Sender};
use wechat_core::{MemoryDedup, RedisStore, Secret};

const TOKEN: &str = "dedup-route-token";
const KEY: &str = "Zk9yVGVzdHNPbmx5Tm90QVJlYWxLZXlGb3JXZUNoYXQ";
const APPID: &str = "wx0123456789abcdef";
const OTHER_APPID: &str = "wxfedcba9876543210";
const OPENID: &str = "oDedupOpenid-9f3k";
/// A safety net against a hang, never an assertion about speed.
const HANG_GUARD: Duration = Duration::from_secs(30);

fn logs() -> &'static CapturedLogs {
    static LOGS: OnceLock<CapturedLogs> = OnceLock::new();
    LOGS.get_or_init(|| {
        CapturedLogs::install_global().expect("the only global subscriber of this test binary")
    })
}

fn now() -> i64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970");
    i64::try_from(now.as_secs()).unwrap()
}

/// A user taking the card `card_id`: an event, so WeChat's retry key is `FromUserName` +
/// `CreateTime`.
fn card_taken(card_id: &str, create_time: i64) -> Message {
    Message::from_elements(vec![
        Element::text("ToUserName", "gh_1"),
        Element::text("FromUserName", OPENID),
        Element::text("CreateTime", create_time.to_string()),
        Element::text("MsgType", "event"),
        Element::text("Event", "user_get_card"),
        Element::text("CardId", card_id),
    ])
}

fn receiver(appid: &str, dedup: Dedup) -> Receiver {
    Receiver::new(TOKEN).aes_key(&Secret::new(KEY), appid).unwrap().dedup(dedup)
}

/// `message` sealed as WeChat seals it for `appid`, at `timestamp` with `nonce`.
fn seal(appid: &str, message: &Message, timestamp: i64, nonce: &str) -> Push {
    Sender::new(TOKEN).aes_key(&Secret::new(KEY), appid).unwrap().seal(message, timestamp, nonce).unwrap()
}

/// Serves `route` at `/push` on 127.0.0.1; returns its URL and the server's task.
async fn serve(route: axum::routing::MethodRouter) -> (String, tokio::task::JoinHandle<std::io::Result<()>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/push", listener.local_addr().unwrap());
    let app = axum::Router::new().route("/push", route);
    (url, tokio::spawn(async move { axum::serve(listener, app).await }))
}

/// A route counting its calls in `calls`, acknowledging each.
fn counting(receiver: Receiver, calls: &Arc<AtomicUsize>) -> axum::routing::MethodRouter {
    let calls = Arc::clone(calls);
    wechat_core::push::axum::route(receiver, move |_: Message| {
        let calls = Arc::clone(&calls);
        async move {
            calls.fetch_add(1, Ordering::SeqCst);
        }
    })
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().timeout(HANG_GUARD).build().unwrap()
}

/// Delivers `push` to `urls` (in turn) `times` times, ten at once; returns every answer's
/// status and body.
async fn deliver_many(urls: &[String], push: &Push, times: usize) -> Vec<(u16, String)> {
    let http = http();
    let mut answers = Vec::with_capacity(times);
    for round in 0..times.div_ceil(10) {
        let mut batch = tokio::task::JoinSet::new();
        for i in round * 10..(round * 10 + 10).min(times) {
            let (http, url, push) = (http.clone(), urls[i % urls.len()].clone(), push.clone());
            batch.spawn(async move {
                let answer = tests::pushes::deliver(&http, &url, &push).await;
                (answer.status().as_u16(), answer.text().await.unwrap())
            });
        }
        while let Some(answer) = batch.join_next().await {
            answers.push(answer.unwrap());
        }
    }
    answers
}

fn all_success(answers: &[(u16, String)]) -> bool {
    answers.iter().all(|(status, body)| *status == 200 && body == "success")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_signed_push_sent_100_times_reaches_the_handler_once() {
    let calls = Arc::new(AtomicUsize::new(0));
    let ledger = Arc::new(MemoryDedup::new());
    let (url, server) = serve(counting(receiver(APPID, Dedup::new(Arc::clone(&ledger))), &calls)).await;
    let message = card_taken("pCard1", now());
    let push = seal(APPID, &message, now(), "n1");

    let answers = deliver_many(std::slice::from_ref(&url), &push, 100).await;
    assert_eq!(answers.len(), 100);
    assert!(all_success(&answers), "{answers:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 1, "the handler ran once for 100 deliveries");

    // WeChat's retry: the same message sealed anew (another timestamp, nonce and ciphertext).
    let retry = seal(APPID, &message, now() + 1, "n2");
    assert_ne!(retry.body, push.body);
    assert!(all_success(&deliver_many(std::slice::from_ref(&url), &retry, 3).await));
    assert_eq!(calls.load(Ordering::SeqCst), 1, "WeChat's retries are recognised");

    // Another card taken by the same user in the same second: WeChat's retry key is the same,
    // but it is another event.
    let other =
        seal(APPID, &card_taken("pCard2", message.text("CreateTime").unwrap().parse().unwrap()), now(), "n3");
    assert!(all_success(&deliver_many(std::slice::from_ref(&url), &other, 2).await));
    assert_eq!(calls.load(Ordering::SeqCst), 2);

    // The same message to another account sharing the ledger is that account's push.
    let (other_url, other_server) =
        serve(counting(receiver(OTHER_APPID, Dedup::new(Arc::clone(&ledger))), &calls)).await;
    let theirs = seal(OTHER_APPID, &message, now(), "n4");
    assert!(all_success(&deliver_many(&[other_url], &theirs, 2).await));
    assert_eq!(calls.load(Ordering::SeqCst), 3, "two accounts never collide");
    assert_eq!(ledger.len(), 3);
    server.abort();
    other_server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_that_fails_leaves_the_push_to_wechats_retry() {
    let calls = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&calls);
    let route =
        wechat_core::push::axum::route(receiver(APPID, Dedup::in_memory()), move |message: Message| {
            let call = count.fetch_add(1, Ordering::SeqCst) + 1;
            async move {
                match (message.text("CardId"), call) {
                    (Some("pFails"), 1) => Err("the database is down"),
                    (Some("pPanics"), 3) => panic!("a handler bug (this panic is the test's)"),
                    _ => Ok(()),
                }
            }
        });
    let (url, server) = serve(route).await;
    let http = http();

    let fails = card_taken("pFails", now());
    let push = seal(APPID, &fails, now(), "f1");
    let answer = tests::pushes::deliver(&http, &url, &push).await;
    assert_eq!(answer.status(), 500);
    assert!(answer.text().await.unwrap().contains("handler failed"));
    let retry = seal(APPID, &fails, now() + 1, "f2");
    let answers = deliver_many(std::slice::from_ref(&url), &retry, 3).await;
    assert!(all_success(&answers), "{answers:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 2, "the retry ran the handler again, once");

    // A panic drops the delivery (the connection closes without an answer): not handled.
    let push = seal(APPID, &card_taken("pPanics", now()), now(), "p1");
    let dropped =
        http.post(format!("{url}?{}", push.query.to_query_string())).body(push.body.clone()).send().await;
    assert!(!matches!(&dropped, Ok(answer) if answer.status() == 200), "{dropped:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    let answers = deliver_many(std::slice::from_ref(&url), &push, 3).await;
    assert!(all_success(&answers), "{answers:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 4, "the push the panic dropped was handled on the retry");
    server.abort();
}

/// A route whose first call waits for `gate`, then fails when `first_fails`; every other call
/// succeeds at once. `entered` is notified when the first call starts.
struct Gated {
    calls: Arc<AtomicUsize>,
    entered: Arc<Notify>,
    gate: Arc<Semaphore>,
}

impl Gated {
    fn route(receiver: Receiver, first_fails: bool) -> (axum::routing::MethodRouter, Self) {
        let gated =
            Self { calls: Arc::default(), entered: Arc::default(), gate: Arc::new(Semaphore::new(0)) };
        let (calls, entered, gate) =
            (Arc::clone(&gated.calls), Arc::clone(&gated.entered), Arc::clone(&gated.gate));
        let route = wechat_core::push::axum::route(receiver, move |_: Message| {
            let call = calls.fetch_add(1, Ordering::SeqCst) + 1;
            let (entered, gate) = (Arc::clone(&entered), Arc::clone(&gate));
            async move {
                if call > 1 {
                    return Ok(());
                }
                entered.notify_one();
                gate.acquire().await.unwrap().forget();
                if first_fails { Err("the first delivery failed") } else { Ok(()) }
            }
        });
        (route, gated)
    }

    /// Delivers `push` in a task, and waits until the handler has started on it.
    async fn first(&self, url: &str, push: &Push) -> tokio::task::JoinHandle<(u16, String)> {
        let first = deliver_later(url, push);
        tokio::time::timeout(HANG_GUARD, self.entered.notified())
            .await
            .expect("the first delivery is handled");
        first
    }
}

fn deliver_later(url: &str, push: &Push) -> tokio::task::JoinHandle<(u16, String)> {
    let (url, push) = (url.to_owned(), push.clone());
    tokio::spawn(async move {
        let answer = tests::pushes::deliver(&http(), &url, &push).await;
        (answer.status().as_u16(), answer.text().await.unwrap())
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_in_flight_waits_for_the_first_delivery() {
    let (route, gated) = Gated::route(receiver(APPID, Dedup::in_memory()), false);
    let (url, server) = serve(route).await;
    let slow = card_taken("pSlow", now());
    let push = seal(APPID, &slow, now(), "s1");
    let first = gated.first(&url, &push).await;
    let retry = deliver_later(&url, &seal(APPID, &slow, now() + 1, "s2"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    gated.gate.add_permits(1);
    assert_eq!(first.await.unwrap(), (200, "success".to_owned()));
    assert_eq!(retry.await.unwrap(), (200, "success".to_owned()));
    assert_eq!(gated.calls.load(Ordering::SeqCst), 1, "the retry waited and was not handled again");
    server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_in_flight_takes_over_when_the_first_delivery_fails() {
    let (route, gated) = Gated::route(receiver(APPID, Dedup::in_memory()), true);
    let (url, server) = serve(route).await;
    let push = seal(APPID, &card_taken("pFlaky", now()), now(), "t1");
    let first = gated.first(&url, &push).await;
    let retry = deliver_later(&url, &push);
    tokio::time::sleep(Duration::from_millis(300)).await;
    gated.gate.add_permits(1);
    assert_eq!(first.await.unwrap().0, 500);
    assert_eq!(retry.await.unwrap(), (200, "success".to_owned()));
    assert_eq!(gated.calls.load(Ordering::SeqCst), 2, "the waiting retry handled the push");
    assert!(all_success(&deliver_many(std::slice::from_ref(&url), &push, 3).await));
    assert_eq!(gated.calls.load(Ordering::SeqCst), 2);
    server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_still_in_flight_after_the_wait_is_answered_503_not_success() {
    let dedup = Dedup::in_memory().wait(Duration::from_millis(200));
    let (route, gated) = Gated::route(receiver(APPID, dedup), false);
    let (url, server) = serve(route).await;
    let push = seal(APPID, &card_taken("pStuck", now()), now(), "u1");
    let first = gated.first(&url, &push).await;
    let (status, body) = deliver_later(&url, &push).await.unwrap();
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("still being handled"), "{body}");
    assert_eq!(gated.calls.load(Ordering::SeqCst), 1);
    gated.gate.add_permits(1);
    assert_eq!(first.await.unwrap(), (200, "success".to_owned()));
    assert!(all_success(&deliver_many(std::slice::from_ref(&url), &push, 2).await));
    assert_eq!(gated.calls.load(Ordering::SeqCst), 1);
    server.abort();
}

/// A receiver instance of a fleet: its own Redis connection.
fn fleet_receiver(redis: &RedisServer, appid: &str) -> Receiver {
    receiver(appid, Dedup::new(RedisStore::open(&redis.url()).unwrap()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_sharing_redis_handle_a_push_once_between_them() {
    let redis = RedisServer::start();
    let calls = Arc::new(AtomicUsize::new(0));
    let (url_a, server_a) = serve(counting(fleet_receiver(&redis, APPID), &calls)).await;
    let (url_b, server_b) = serve(counting(fleet_receiver(&redis, APPID), &calls)).await;
    let urls = [url_a, url_b];
    let message = card_taken("pFleet", now());
    let push = seal(APPID, &message, now(), "r1");

    let answers = deliver_many(&urls, &push, 100).await;
    assert!(all_success(&answers), "{answers:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 1, "one call across both instances");
    assert!(all_success(&deliver_many(&urls[1..], &seal(APPID, &message, now() + 1, "r2"), 2).await));
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    // One key, namespaced by the appid, a digest: no openid, no token in it.
    let keys = redis.command("KEYS *").unwrap();
    assert_eq!(keys.len(), 1, "{keys:?}");
    let hex =
        keys[0].strip_prefix(&format!("wechat:{{{APPID}}}:push:")).unwrap_or_else(|| panic!("{keys:?}"));
    assert!(hex.len() == 40 && hex.bytes().all(|b| b.is_ascii_hexdigit()), "{keys:?}");
    assert!(!keys[0].contains(OPENID) && !keys[0].contains(TOKEN));
    assert_eq!(redis.command(&format!("GET {}", keys[0])).unwrap(), ["handled"]);
    // Kept for twice the timestamp window (300 s), so a replay the window lets in is caught.
    let ttl: u64 = redis.command(&format!("PTTL {}", keys[0])).unwrap()[0].parse().unwrap();
    assert!((300_000..=600_000).contains(&ttl), "{ttl} ms");

    // Another account on the same Redis: its own push.
    let (url_c, server_c) = serve(counting(fleet_receiver(&redis, OTHER_APPID), &calls)).await;
    assert!(all_success(&deliver_many(&[url_c], &seal(OTHER_APPID, &message, now(), "r3"), 2).await));
    assert_eq!(calls.load(Ordering::SeqCst), 2);

    // A failure on one instance, the retry on the other: handled there.
    let fails = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&fails);
    let failing = wechat_core::push::axum::route(fleet_receiver(&redis, APPID), move |_: Message| {
        count.fetch_add(1, Ordering::SeqCst);
        async { Err::<(), _>("this instance's database is down") }
    });
    let (url_d, server_d) = serve(failing).await;
    let push = seal(APPID, &card_taken("pFailover", now()), now(), "r4");
    assert_eq!(tests::pushes::deliver(&http(), &url_d, &push).await.status(), 500);
    assert!(all_success(&deliver_many(&urls[..1], &push, 3).await));
    assert_eq!((fails.load(Ordering::SeqCst), calls.load(Ordering::SeqCst)), (1, 3));
    for server in [server_a, server_b, server_c, server_d] {
        server.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_that_is_down_or_hangs_lets_pushes_through_with_a_warning() {
    let logs = logs();
    let mut redis = RedisServer::start();
    let calls = Arc::new(AtomicUsize::new(0));
    let store = RedisStore::open(&redis.url()).unwrap().timeout(Duration::from_millis(300));
    let (url, server) = serve(counting(receiver(APPID, Dedup::new(store)), &calls)).await;
    let urls = [url];
    let warned = |since: usize| logs.text_since(since).matches("dedup ledger cannot be reached").count();

    // Hung: SIGSTOP, commands are taken in and never answered.
    let mark = logs.len();
    let paused = redis.pause();
    let push = seal(APPID, &card_taken("pHung", now()), now(), "h1");
    assert!(all_success(&deliver_many(&urls, &push, 1).await));
    assert_eq!(calls.load(Ordering::SeqCst), 1, "handled although Redis does not answer");
    assert!(warned(mark) >= 1, "{}", logs.text_since(mark));
    drop(paused);

    // Back: guarded again.
    let push = seal(APPID, &card_taken("pBack", now()), now(), "h2");
    assert!(all_success(&deliver_many(&urls, &push, 3).await));
    assert_eq!(calls.load(Ordering::SeqCst), 2);

    // Down (connections refused): every delivery is handled, duplicates too, never lost.
    redis.stop();
    let mark = logs.len();
    let push = seal(APPID, &card_taken("pDown", now()), now(), "h3");
    assert!(all_success(&deliver_many(&urls, &push, 2).await));
    assert_eq!(calls.load(Ordering::SeqCst), 4, "fail-open: both deliveries handled");
    assert!(warned(mark) >= 2, "{}", logs.text_since(mark));
    assert!(!logs.text().contains(TOKEN) && !logs.text().contains(KEY) && !logs.text().contains(OPENID));
    server.abort();
}
