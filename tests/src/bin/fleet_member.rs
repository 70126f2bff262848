//! One instance of a fleet, for the fleet tests: `fleet_member --mock URL --redis URL
//! --mode stable|authorizer [--appid APPID --secret S] [--component APPID --authorizers A,B] [--callers N]
//! [--lock-ttl-ms N] [--wait-ms N] [--margin-ms N]`. Prints `ready`, then for each `round`
//! line on standard input runs N concurrent calls (spread over the authorizers) and prints
//! `{"ok":..,"failed":..,"errors":[..]}`.

use std::collections::HashMap;
use std::io::BufRead;
use std::sync::Arc;
use std::time::Duration;

use tests::fleet::{call, client};
use wechat_core::{Component, RedisStore, Secret, StableToken, TokenProvider, TokenStore};

#[allow(clippy::print_stdout)]
fn main() {
    // `FLEET_MEMBER_LOG=1` shows a member's warnings (store fallbacks, held-off renewals)
    // on the test's stderr.
    if std::env::var_os("FLEET_MEMBER_LOG").is_some() {
        tracing_subscriber::fmt().with_max_level(tracing::Level::WARN).with_writer(std::io::stderr).init();
    }
    let args = arguments();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(run(&args));
}

fn arguments() -> HashMap<String, String> {
    let mut args = HashMap::new();
    let mut given = std::env::args().skip(1);
    while let (Some(name), Some(value)) = (given.next(), given.next()) {
        args.insert(name.trim_start_matches("--").to_owned(), value);
    }
    args
}

fn millis(args: &HashMap<String, String>, name: &str, default: u64) -> Duration {
    Duration::from_millis(args.get(name).and_then(|v| v.parse().ok()).unwrap_or(default))
}

#[allow(clippy::print_stdout)]
async fn run(args: &HashMap<String, String>) {
    let mock = args.get("mock").expect("--mock URL");
    let store: Arc<dyn TokenStore> =
        Arc::new(RedisStore::open(args.get("redis").expect("--redis URL")).expect("a Redis URL"));
    let (margin, lock_ttl, wait) =
        (millis(args, "margin-ms", 1000), millis(args, "lock-ttl-ms", 2000), millis(args, "wait-ms", 15_000));
    let callers: usize = args.get("callers").and_then(|v| v.parse().ok()).unwrap_or(200);
    let clients: Vec<_> = match args.get("mode").map(String::as_str) {
        Some("authorizer") => {
            let component = Arc::new(
                Component::new(
                    args.get("component").expect("--component APPID"),
                    Secret::new("component-secret"),
                )
                .store(Arc::clone(&store))
                .renew_margin(margin)
                .lock_ttl(lock_ttl)
                .renewal_wait(wait),
            );
            component.set_verify_ticket("ticket-pushed-by-wechat").await.expect("Redis is up at start");
            let authorizers = args.get("authorizers").expect("--authorizers A,B");
            authorizers
                .split(',')
                .map(|appid| client(mock, component.authorizer(appid) as Arc<dyn TokenProvider>))
                .collect()
        }
        _ => {
            let provider = StableToken::new(
                args.get("appid").expect("--appid APPID"),
                Secret::new(args.get("secret").expect("--secret APPSECRET").as_str()),
            )
            .store(store)
            .renew_margin(margin)
            .lock_ttl(lock_ttl)
            .renewal_wait(wait);
            vec![client(mock, Arc::new(provider))]
        }
    };
    println!("ready");
    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        match line.as_deref() {
            Ok("round") => {}
            _ => return,
        }
        let mut calls = tokio::task::JoinSet::new();
        for caller in 0..callers {
            let client = clients[caller % clients.len()].clone();
            calls.spawn(async move { call(&client).await });
        }
        let (mut ok, mut failed, mut errors) = (0u64, 0u64, Vec::new());
        while let Some(outcome) = calls.join_next().await {
            match outcome.map_err(|e| e.to_string()).and_then(|r| r) {
                Ok(()) => ok += 1,
                Err(error) => {
                    failed += 1;
                    if errors.len() < 3 {
                        errors.push(error);
                    }
                }
            }
        }
        println!("{}", serde_json::json!({ "ok": ok, "failed": failed, "errors": errors }));
    }
}
