//! The baseline of the clean-build benchmark (`cargo xtask bench`): the same two invoice calls
//! as the SDK application, written by hand with reqwest (rustls), tokio and serde.

use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct GetAuthData<'a> {
    s_pappid: &'a str,
    order_id: &'a str,
}

#[derive(Deserialize)]
struct AuthData {
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
    #[serde(default)]
    invoice_status: String,
    #[serde(default)]
    auth_time: i64,
}

#[derive(Serialize)]
struct RejectInsert<'a> {
    s_pappid: &'a str,
    order_id: &'a str,
    reason: &'a str,
}

#[derive(Deserialize)]
struct Status {
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
}

async fn post<B: Serialize, A: for<'de> Deserialize<'de>>(
    http: &reqwest::Client,
    url: &str,
    body: &B,
) -> Result<A, Box<dyn std::error::Error>> {
    Ok(http.post(url).query(&[("access_token", "token")]).json(body).send().await?.error_for_status()?.json().await?)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base_url = std::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:1".to_owned());
    let http = reqwest::Client::new();
    let auth: AuthData = post(
        &http,
        &format!("{base_url}/card/invoice/getauthdata"),
        &GetAuthData { s_pappid: "s_pappid", order_id: "order-1" },
    )
    .await?;
    if auth.errcode != 0 {
        return Err(format!("getauthdata: {} {}", auth.errcode, auth.errmsg).into());
    }
    println!("{} at {}", auth.invoice_status, auth.auth_time);
    let status: Status = post(
        &http,
        &format!("{base_url}/card/invoice/rejectinsert"),
        &RejectInsert { s_pappid: "s_pappid", order_id: "order-1", reason: "title mismatch" },
    )
    .await?;
    if status.errcode != 0 {
        return Err(format!("rejectinsert: {} {}", status.errcode, status.errmsg).into());
    }
    Ok(())
}
