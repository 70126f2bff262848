//! What the runtime tests share: the known secrets whose absence from errors and logs they
//! assert, the paths they script, canned answers, and clients pointed at a scripted server.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use wechat_card::Client;
use wechat_card::invoice::GetAuthDataRequest;
use wechat_card::nontax::InsertBillRequest;
use wechat_card::nontax::insert_bill::{CardExt, InvoiceUserData, UserCard};
use wechat_core::{RetryPolicy, Secret, StableToken, TokenProvider};

use crate::scripted::{Answer, ScriptedServer};

/// The access token the scripted token endpoint issues first.
pub const TOKEN: &str = "TOKEN-SECRET-123";
/// The token it issues after a renewal.
pub const TOKEN_2: &str = "TOKEN-SECRET-789";
/// The appsecret the clients are configured with.
pub const APPSECRET: &str = "APPSECRET-456";
/// The appid the clients are configured with.
pub const APPID: &str = "wx-test-appid";

/// `/cgi-bin/stable_token`.
pub const STABLE_TOKEN: &str = "/cgi-bin/stable_token";
/// The path of `get_auth_data`.
pub const GET_AUTH_DATA: &str = "/card/invoice/getauthdata";
/// The path of `insert_bill`.
pub const INSERT_BILL: &str = "/nontax/insertbill";

/// WeChat's answer to `get_auth_data` for an authorized order.
pub fn authorized() -> Answer {
    Answer::ok(json!({"invoice_status": "auth success", "auth_time": 1_480_342_498}))
}

/// A `get_auth_data` request.
pub fn auth_data_request() -> GetAuthDataRequest {
    GetAuthDataRequest::builder()
        .s_pappid("wx-platform")
        .order_id("order-1")
        .build()
        .expect("required fields set")
}

/// An `insert_bill` request.
pub fn insert_bill_request() -> InsertBillRequest {
    let data = InvoiceUserData::builder()
        .fee(100)
        .title("A title")
        .billing_time(1_480_342_498)
        .billing_no("bill-no")
        .billing_code("bill-code")
        .s_pdf_media_id("media-id")
        .build()
        .expect("required fields set");
    InsertBillRequest::builder()
        .order_id("order-1")
        .card_id("card-1")
        .appid(APPID)
        .card_ext(CardExt::new(UserCard::new(data)))
        .build()
        .expect("required fields set")
}

/// The default policy's attempts and deadline with millisecond backoff, so retrying tests
/// stay fast.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5))
}

/// A [`StableToken`] for [`APPID`] and [`APPSECRET`].
pub fn stable_token() -> Arc<StableToken> {
    Arc::new(StableToken::new(APPID, Secret::new(APPSECRET)))
}

/// A typed client on `server` with `provider` and [`fast_retries`].
///
/// # Panics
///
/// When the client cannot be built (it always can).
pub fn client_with(server: &ScriptedServer, provider: Arc<dyn TokenProvider>) -> Client {
    let core = wechat_core::Client::builder()
        .base_url(server.base_url())
        .retry_policy(fast_retries())
        .shared_token_provider(provider)
        .build()
        .expect("a valid configuration");
    Client::new(core)
}

/// The most renewals a provider makes in `elapsed` when WeChat refuses every token it hands
/// out: two at once, then one at the end of each pause that has passed (pauses of 1, 2, 4, ...
/// s, at most 60 s; so at 1 s, 3 s, 7 s, ... after the second).
pub fn spaced_renewals_allowed(elapsed: Duration) -> usize {
    let mut allowed = 2;
    let mut pause_ends = Duration::ZERO;
    for doublings in 0..10_000u32 {
        pause_ends += Duration::from_secs(1u64 << doublings.min(16)).min(Duration::from_secs(60));
        if pause_ends > elapsed {
            break;
        }
        allowed += 1;
    }
    allowed
}
