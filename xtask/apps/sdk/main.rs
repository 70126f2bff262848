//! The application of the clean-build benchmark (`cargo xtask bench`): two invoice calls
//! through `wechat-card` with the `invoice` group, as an application team writes them (the
//! benchmark builds it again with every group, for the record).

use wechat_card::invoice::{GetAuthDataRequest, RejectInsertRequest};
use wechat_card::wechat_core::{self, StaticToken};
use wechat_card::{Client, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let base_url = std::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:1".to_owned());
    let core = wechat_core::Client::builder().base_url(base_url).token_provider(StaticToken::new("token")).build()?;
    let client = Client::new(core);
    let auth = GetAuthDataRequest::builder().s_pappid("s_pappid").order_id("order-1").build()?;
    let answer = client.invoice().get_auth_data(&auth).await?;
    println!("{} at {}", answer.invoice_status, answer.auth_time);
    let reject =
        RejectInsertRequest::builder().s_pappid("s_pappid").order_id("order-1").reason("title mismatch").build()?;
    client.invoice().reject_insert(&reject).await?;
    Ok(())
}
