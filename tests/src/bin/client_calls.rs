//! Makes `get_auth_data` calls against the fast loopback server, through the generated
//! client or a hand-written reqwest + serde_json call, for `cargo xtask bench` to count
//! instructions per call under callgrind: a figure that, unlike wall time on a shared
//! 2-core machine, repeats exactly.
//!
//! Usage: `client_calls generated|baseline CALLS`.

use std::process::ExitCode;
use std::time::Duration;

use serde::Deserialize;
use tests::fast_server::{FastServer, TOKEN};
use wechat_core::StaticToken;
use wechat_invoice::invoice::GetAuthDataRequest;

/// The hand-written call's typed answer, decoded as fully as the generated one.
#[derive(Deserialize)]
#[allow(dead_code)]
struct HandAuthData {
    errcode: i64,
    invoice_status: String,
    auth_time: i64,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(mode), Some(Ok(calls))) = (args.get(1), args.get(2).map(|n| n.parse::<usize>())) else {
        eprintln!("usage: client_calls generated|baseline CALLS");
        return ExitCode::FAILURE;
    };
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
        eprintln!("cannot start a tokio runtime");
        return ExitCode::FAILURE;
    };
    let ok = runtime.block_on(async {
        let server = FastServer::start(Duration::ZERO).await;
        match mode.as_str() {
            "generated" => generated(&server, calls).await,
            "baseline" => baseline(&server, calls).await,
            _ => false,
        }
    });
    if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

async fn generated(server: &FastServer, calls: usize) -> bool {
    let Ok(core) = wechat_core::Client::builder()
        .base_url(server.base_url())
        .token_provider(StaticToken::new(TOKEN))
        .build()
    else {
        return false;
    };
    let client = wechat_invoice::Client::new(core);
    let request = GetAuthDataRequest::new("wx123456", "123456");
    for _ in 0..calls {
        if client.get_auth_data(&request).await.is_err() {
            return false;
        }
    }
    true
}

async fn baseline(server: &FastServer, calls: usize) -> bool {
    let http = reqwest::Client::new();
    let body = serde_json::json!({"s_pappid": "wx123456", "order_id": "123456"});
    for _ in 0..calls {
        let url = format!("{}/card/invoice/getauthdata?access_token={TOKEN}", server.base_url());
        let Ok(encoded) = serde_json::to_vec(&body) else { return false };
        let sent = http.post(url).header("content-type", "application/json").body(encoded).send().await;
        let Ok(bytes) = (match sent {
            Ok(response) => response.bytes().await,
            Err(_) => return false,
        }) else {
            return false;
        };
        match serde_json::from_slice::<HandAuthData>(&bytes) {
            Ok(answer) if answer.errcode == 0 => {}
            _ => return false,
        }
    }
    true
}
