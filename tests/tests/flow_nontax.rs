//! The fiscal e-bill family through `wechat_card::Client` against wechat-mock on 127.0.0.1, as
//! the mock keeps what WeChat keeps (spec/nontax/resources.toml, spec/resources.toml's
//! `invoice_order`): a template, an order from its link to the user's authorization, a bill
//! inserted once, and the refusals of an unknown template, an unauthorized order and a repeat.

use wechat_card::Client;
use wechat_card::nontax::create_bill_card::{BillBaseInfo, BillTemplate};
use wechat_card::nontax::insert_bill::{CardExt, InvoiceUserData, UserCard};
use wechat_card::nontax::{
    CreateBillCardRequest, GetBillAuthUrlRequest, InsertBillErrorCode, InsertBillRequest,
};
use wechat_card::token::GetCardApiTicketRequest;
use wechat_card::types::AuthSource;
use wechat_core::{Error, ErrorCode, RetryPolicy, Secret, StableToken};
use wechat_mock::user_actions::invoice::AuthorizeInvoiceParams;
use wechat_mock::{DEMO_APPID, DEMO_SECRET, MockConfig, MockServer};

/// WeChat's code of a refused call.
fn refusal<T: std::fmt::Debug, C: ErrorCode>(result: Result<T, Error<C>>) -> C {
    match result {
        Ok(answer) => panic!("expected WeChat to refuse, got {answer:?}"),
        Err(error) => error.api_code().unwrap_or_else(|| panic!("expected a WeChat error, got {error}")),
    }
}

/// A bill of template `card_id` for `order_id`, numbered `billing_no`.
fn bill(card_id: &str, order_id: &str, billing_no: &str) -> InsertBillRequest {
    let data = InvoiceUserData::builder()
        .fee(12_300)
        .title("A paying unit")
        .billing_time(1_700_000_000)
        .billing_no(billing_no)
        .billing_code("88888888")
        .s_pdf_media_id("s_pdf_media_id_1")
        .build()
        .expect("set");
    InsertBillRequest::builder()
        .order_id(order_id)
        .card_id(card_id)
        .appid(DEMO_APPID)
        .card_ext(CardExt::new(UserCard::new(data)))
        .build()
        .expect("set")
}

#[tokio::test]
async fn a_bill_goes_to_the_user_who_authorized_its_order_once() {
    let mock = MockServer::start(MockConfig::demo()).await.expect("the mock starts");
    let core = wechat_core::Client::builder()
        .base_url(mock.base_url())
        .token_provider(StableToken::new(DEMO_APPID, Secret::new(DEMO_SECRET)))
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a valid client");
    let client = Client::new(core);

    let template = BillTemplate::builder()
        .payee("A finance bureau")
        .base_info(BillBaseInfo::new("http://mmbiz.qpic.cn/mmbiz/logo/0"))
        .build()
        .expect("set");
    let card_id = client
        .nontax()
        .create_bill_card(&CreateBillCardRequest::new(template))
        .await
        .expect("a template")
        .card_id;
    // No template of that id: 40078, before anything about the order.
    let unknown = bill("pjZ8Yt7xiy3b9UfffRIA4Tm2xTnw", "bill-order-1", "1");
    assert_eq!(refusal(client.nontax().insert_bill(&unknown).await), InsertBillErrorCode::InvalidCardStatus);

    let ticket = client.token().get_card_api_ticket(&GetCardApiTicketRequest::new()).await.expect("a ticket");
    let link = GetBillAuthUrlRequest::builder()
        .s_pappid("wxbureau")
        .order_id("bill-order-1")
        .money(12_300)
        .timestamp(1_700_000_000)
        .source(AuthSource::Web)
        .redirect_url("https://example.com/done")
        .ticket(ticket.ticket.expose())
        .build()
        .expect("set");
    client.nontax().get_bill_auth_url(&link).await.expect("the order's link");
    // Linked, not authorized: 72038.
    let first = bill(&card_id, "bill-order-1", "1");
    assert_eq!(
        refusal(client.nontax().insert_bill(&first).await),
        InsertBillErrorCode::InvoiceOrderNeverAuth
    );

    let authorized = mock
        .act(
            &AuthorizeInvoiceParams::builder()
                .s_pappid("wxbureau")
                .order_id("bill-order-1")
                .build()
                .expect("set"),
        )
        .expect("the user authorizes");
    let inserted = client.nontax().insert_bill(&first).await.expect("the bill");
    assert_eq!(serde_json::json!(inserted.openid), authorized["openid"]);
    assert_eq!(inserted.code.len(), 13, "{inserted:?}");
    assert_eq!(
        refusal(client.nontax().insert_bill(&first).await),
        InsertBillErrorCode::BillingCodeAndNoRepeated
    );
    // Another number for the same order is another bill.
    client.nontax().insert_bill(&bill(&card_id, "bill-order-1", "2")).await.expect("a second bill");
    assert_eq!(mock.records("bill").len(), 2);
}
