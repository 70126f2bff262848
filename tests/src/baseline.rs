//! The hand-written call the generated client is measured against: reqwest + serde_json, the
//! same request (body, token, headers), a time limit, a typed answer decoded in full, errcode
//! checked. Used by the criterion benchmark and by the `client_calls` binary that callgrind
//! counts.

use serde::Deserialize;
use wechat_card::nontax::InsertBillRequest;
use wechat_card::nontax::insert_bill::{CardExt, InvoiceUserData, UserCard};

use crate::fast_server::TOKEN;

/// Each call's time limit: the generated client's default attempt timeout.
const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// The bill of the nontax insertbill page's example.
pub fn example_bill() -> InsertBillRequest {
    let data = InvoiceUserData::builder()
        .fee(123)
        .title("灌哥发票")
        .billing_time(1_511_169_724)
        .billing_no("1511169724")
        .billing_code("aabbccdd")
        .s_pdf_media_id("s_pdf_media_id")
        .build()
        .expect("required fields set");
    InsertBillRequest::builder()
        .order_id("1511169724")
        .card_id("pjZ8Yt7xiy3b9UfffRIA4Tm2xTnw")
        .appid("wxc0b84a53ed8e8d29")
        .card_ext(CardExt::new(UserCard::new(data)))
        .build()
        .expect("required fields set")
}

/// `getauthdata`'s answer, as a careful hand-written call would type it.
#[derive(Debug, Deserialize)]
pub struct HandAuthData {
    /// WeChat's code; 0 on success.
    pub errcode: i64,
    /// The order's status.
    pub invoice_status: String,
    /// When the user authorized.
    pub auth_time: i64,
}

/// `insertbill`'s answer.
#[derive(Debug, Deserialize)]
pub struct HandBill {
    /// WeChat's code; 0 on success.
    pub errcode: i64,
    /// The bill's code.
    pub code: String,
    /// The user's openid.
    pub openid: String,
}

/// A hand-written client of the fast loopback server.
pub struct Baseline {
    http: reqwest::Client,
    base_url: String,
}

impl Baseline {
    /// A client of the server at `base_url`: reqwest's defaults, sending the request the
    /// generated client sends (its `User-Agent` too, so the server reads the same bytes and
    /// the difference is the clients' own work), and each call bounded in time, as a
    /// production call must be (reqwest has no limit by default: a server that stops
    /// answering would hold the call for ever). The limit is a `tokio::time::timeout`, the
    /// cheapest of the usual ways (reqwest's own per-request timeout costs about 1,500
    /// instructions more per call).
    pub fn new(base_url: String) -> Self {
        let http = reqwest::Client::builder()
            .user_agent(wechat_core::USER_AGENT)
            .build()
            .expect("a reqwest client with a user agent builds");
        Self { http, base_url }
    }

    /// `getauthdata` for the page's example order.
    pub async fn get_auth_data(&self) -> Result<HandAuthData, String> {
        let body = serde_json::json!({"s_pappid": "wx123456", "order_id": "123456"});
        let answer: HandAuthData = self.post("/card/invoice/getauthdata", &body).await?;
        if answer.errcode == 0 { Ok(answer) } else { Err(format!("errcode {}", answer.errcode)) }
    }

    /// `insertbill` with `request`.
    pub async fn insert_bill(&self, request: &InsertBillRequest) -> Result<HandBill, String> {
        let answer: HandBill = self.post("/nontax/insertbill", request).await?;
        if answer.errcode == 0 { Ok(answer) } else { Err(format!("errcode {}", answer.errcode)) }
    }

    async fn post<T: for<'de> Deserialize<'de>>(
        &self,
        path: &str,
        body: &impl serde::Serialize,
    ) -> Result<T, String> {
        let url = format!("{}{path}?access_token={TOKEN}", self.base_url);
        let body = serde_json::to_vec(body).map_err(|e| e.to_string())?;
        let exchange = async {
            let response = self
                .http
                .post(url)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .map_err(|e| e.without_url().to_string())?;
            response.bytes().await.map_err(|e| e.without_url().to_string())
        };
        let bytes = tokio::time::timeout(REQUEST_TIMEOUT, exchange)
            .await
            .map_err(|_| format!("no answer within {REQUEST_TIMEOUT:?}"))??;
        serde_json::from_slice(&bytes).map_err(|e| e.to_string())
    }
}
