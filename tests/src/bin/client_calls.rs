//! Makes `get_auth_data` or `insert_bill` calls against the fast loopback server, through the
//! generated client or the hand-written baseline, for `cargo xtask bench` to count
//! instructions per call under callgrind: a figure that, unlike wall time on a shared 2-core
//! machine, repeats exactly.
//!
//! Usage: `client_calls generated|baseline get_auth_data|insert_bill CALLS`.

use std::process::ExitCode;
use std::time::Duration;

use tests::baseline::{Baseline, example_bill};
use tests::fast_server::{FastServer, TOKEN};
use wechat_card::invoice::GetAuthDataRequest;
use wechat_core::StaticToken;

/// Which endpoint is called.
#[derive(Clone, Copy)]
enum Endpoint {
    GetAuthData,
    InsertBill,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let endpoint = match args.get(2).map(String::as_str) {
        Some("get_auth_data") => Endpoint::GetAuthData,
        Some("insert_bill") => Endpoint::InsertBill,
        _ => return usage(),
    };
    let (Some(mode), Some(Ok(calls))) = (args.get(1), args.get(3).map(|n| n.parse::<usize>())) else {
        return usage();
    };
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
        eprintln!("cannot start a tokio runtime");
        return ExitCode::FAILURE;
    };
    let ok = runtime.block_on(async {
        let server = FastServer::start(Duration::ZERO).await;
        match mode.as_str() {
            "generated" => generated(&server, endpoint, calls).await,
            "baseline" => baseline(&server, endpoint, calls).await,
            _ => false,
        }
    });
    if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

fn usage() -> ExitCode {
    eprintln!("usage: client_calls generated|baseline get_auth_data|insert_bill CALLS");
    ExitCode::FAILURE
}

async fn generated(server: &FastServer, endpoint: Endpoint, calls: usize) -> bool {
    let Ok(core) = wechat_core::Client::builder()
        .base_url(server.base_url())
        .token_provider(StaticToken::new(TOKEN))
        .build()
    else {
        return false;
    };
    let client = wechat_card::Client::new(core);
    let (auth, bill) = (
        GetAuthDataRequest::builder()
            .s_pappid("wx123456")
            .order_id("123456")
            .build()
            .expect("required fields set"),
        example_bill(),
    );
    for _ in 0..calls {
        let ok = match endpoint {
            Endpoint::GetAuthData => client.invoice().get_auth_data(&auth).await.is_ok(),
            Endpoint::InsertBill => client.nontax().insert_bill(&bill).await.is_ok(),
        };
        if !ok {
            return false;
        }
    }
    true
}

async fn baseline(server: &FastServer, endpoint: Endpoint, calls: usize) -> bool {
    let baseline = Baseline::new(server.base_url());
    let bill = example_bill();
    for _ in 0..calls {
        let ok = match endpoint {
            Endpoint::GetAuthData => baseline.get_auth_data().await.is_ok(),
            Endpoint::InsertBill => baseline.insert_bill(&bill).await.is_ok(),
        };
        if !ok {
            return false;
        }
    }
    true
}
