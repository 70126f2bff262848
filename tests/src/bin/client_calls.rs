//! Makes `get_auth_data` or `insert_bill` calls against the fast loopback server, through the
//! generated client or a hand-written reqwest + serde_json call, for `cargo xtask bench` to
//! count instructions per call under callgrind: a figure that, unlike wall time on a shared
//! 2-core machine, repeats exactly.
//!
//! Usage: `client_calls generated|baseline get_auth_data|insert_bill CALLS`.

use std::process::ExitCode;
use std::time::Duration;

use serde::Deserialize;
use tests::fast_server::{FastServer, TOKEN};
use wechat_core::StaticToken;
use wechat_invoice::invoice::GetAuthDataRequest;
use wechat_invoice::nontax::InsertBillRequest;
use wechat_invoice::nontax::insert_bill::{CardExt, InvoiceUserData, UserCard};

/// The hand-written call's typed answer, decoded as fully as the generated one.
#[derive(Deserialize)]
#[allow(dead_code)]
struct HandAuthData {
    errcode: i64,
    invoice_status: String,
    auth_time: i64,
}

/// The hand-written `insert_bill` answer.
#[derive(Deserialize)]
#[allow(dead_code)]
struct HandBill {
    errcode: i64,
    code: String,
    openid: String,
}

/// Which endpoint is called.
#[derive(Clone, Copy)]
enum Endpoint {
    GetAuthData,
    InsertBill,
}

fn bill() -> InsertBillRequest {
    let data =
        InvoiceUserData::new(123, "灌哥发票", 1_511_169_724, "1511169724", "aabbccdd", "s_pdf_media_id");
    InsertBillRequest::new(
        "1511169724",
        "pjZ8Yt7xiy3b9UfffRIA4Tm2xTnw",
        "wxc0b84a53ed8e8d29",
        CardExt::new(UserCard::new(data)),
    )
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
    let client = wechat_invoice::Client::new(core);
    let auth = GetAuthDataRequest::new("wx123456", "123456");
    let bill = bill();
    for _ in 0..calls {
        let ok = match endpoint {
            Endpoint::GetAuthData => client.get_auth_data(&auth).await.is_ok(),
            Endpoint::InsertBill => client.insert_bill(&bill).await.is_ok(),
        };
        if !ok {
            return false;
        }
    }
    true
}

async fn baseline(server: &FastServer, endpoint: Endpoint, calls: usize) -> bool {
    let http = reqwest::Client::new();
    let auth = serde_json::json!({"s_pappid": "wx123456", "order_id": "123456"});
    let bill = bill();
    for _ in 0..calls {
        let (path, encoded) = match endpoint {
            Endpoint::GetAuthData => ("/card/invoice/getauthdata", serde_json::to_vec(&auth)),
            Endpoint::InsertBill => ("/nontax/insertbill", serde_json::to_vec(&bill)),
        };
        let Ok(encoded) = encoded else { return false };
        let url = format!("{}{path}?access_token={TOKEN}", server.base_url());
        let sent = http.post(url).header("content-type", "application/json").body(encoded).send().await;
        let Ok(bytes) = (match sent {
            Ok(response) => response.bytes().await,
            Err(_) => return false,
        }) else {
            return false;
        };
        let ok = match endpoint {
            Endpoint::GetAuthData => {
                serde_json::from_slice::<HandAuthData>(&bytes).is_ok_and(|a| a.errcode == 0)
            }
            Endpoint::InsertBill => serde_json::from_slice::<HandBill>(&bytes).is_ok_and(|a| a.errcode == 0),
        };
        if !ok {
            return false;
        }
    }
    true
}
