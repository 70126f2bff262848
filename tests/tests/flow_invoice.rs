//! The e-invoice families through `wechat_card::Client` against wechat-mock on 127.0.0.1, as
//! the mock keeps what WeChat keeps (spec/invoice/resources.toml and the `[[mock]]` steps):
//! settings a get answers as set, and an order from its link to the invoice a reimburser
//! reads, locks, closes and can no longer move back.

use wechat_card::Client;
use wechat_card::invoice::clear_out_invoice::RedInvoice;
use wechat_card::invoice::get_auth_url::AuthType;
use wechat_card::invoice::make_out_invoice::{BlueInvoice, BlueInvoiceLine};
use wechat_card::invoice::{
    ClearOutInvoiceErrorCode, ClearOutInvoiceRequest, MakeOutInvoiceErrorCode, MakeOutInvoiceRequest,
    QueryInvoiceInfoErrorCode, QueryInvoiceInfoRequest,
};
use wechat_card::invoice::{
    GetAuthDataErrorCode, GetAuthDataRequest, GetAuthFieldErrorCode, GetAuthFieldRequest, GetAuthUrlRequest,
    GetContactErrorCode, GetContactRequest, GetPayMchErrorCode, GetPayMchRequest, SetAuthFieldRequest,
    SetContactRequest, SetPayMchRequest,
};
use wechat_card::platform::create_card::{InvoiceTemplate, TemplateBaseInfo};
use wechat_card::platform::insert_invoice::{CardExt, InvoiceUserData, UserCard};
use wechat_card::platform::{
    CreateCardRequest, InsertInvoiceErrorCode, InsertInvoiceRequest, UpdateStatusErrorCode,
    UpdateStatusRequest,
};
use wechat_card::reimburse::{
    GetInvoiceBatchRequest, GetInvoiceInfoErrorCode, GetInvoiceInfoRequest, UpdateInvoiceStatusErrorCode,
    UpdateInvoiceStatusRequest, UpdateStatusBatchErrorCode, UpdateStatusBatchRequest,
};
use wechat_card::token::GetCardApiTicketRequest;
use wechat_card::types::{
    AuthField, AuthSource, BizFieldConfig, Contact, CustomFieldConfig, Flag, InvoiceCard, PayMchInfo,
    ReimburseStatus, UserFieldConfig,
};
use wechat_core::{Error, ErrorCode, RetryPolicy, Secret, StableToken};
use wechat_mock::records::InvoiceOrder;
use wechat_mock::user_actions::invoice::AuthorizeInvoiceParams;
use wechat_mock::user_actions::reimburse::ShareInvoiceParams;
use wechat_mock::{DEMO_APPID, DEMO_SECRET, MockConfig, MockServer, PushTarget};

/// A mock of the demo account and a client for it that never retries, so a refusal reaches
/// the test as WeChat's code.
async fn start(config: MockConfig) -> (MockServer, Client) {
    let mock = MockServer::start(config).await.expect("the mock starts");
    let core = wechat_core::Client::builder()
        .base_url(mock.base_url())
        .token_provider(StableToken::new(DEMO_APPID, Secret::new(DEMO_SECRET)))
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a valid client");
    (mock, Client::new(core))
}

/// WeChat's code of a refused call.
fn refusal<T: std::fmt::Debug, C: ErrorCode>(result: Result<T, Error<C>>) -> C {
    match result {
        Ok(answer) => panic!("expected WeChat to refuse, got {answer:?}"),
        Err(error) => error.api_code().unwrap_or_else(|| panic!("expected a WeChat error, got {error}")),
    }
}

#[tokio::test]
async fn each_setting_reads_back_as_last_set_and_is_refused_until_set() {
    let (_mock, client) = start(MockConfig::demo()).await;

    assert_eq!(
        refusal(client.invoice().get_contact(&GetContactRequest::new()).await),
        GetContactErrorCode::BizContactIsEmpty
    );
    assert_eq!(
        refusal(client.invoice().get_pay_mch(&GetPayMchRequest::new()).await),
        GetPayMchErrorCode::InvoiceNeverSetPayMchInfo
    );
    assert_eq!(
        refusal(client.invoice().get_auth_field(&GetAuthFieldRequest::new()).await),
        GetAuthFieldErrorCode::InvoiceNeverSetAuthField
    );

    let contact = Contact::builder().phone("020-12345678").time_out(3600).build().expect("a contact");
    client.invoice().set_contact(&SetContactRequest::new(contact.clone())).await.expect("set_contact");
    assert_eq!(
        client.invoice().get_contact(&GetContactRequest::new()).await.expect("get_contact").contact,
        contact
    );
    // The other settings are still unset: each is kept on its own.
    assert_eq!(
        refusal(client.invoice().get_pay_mch(&GetPayMchRequest::new()).await),
        GetPayMchErrorCode::InvoiceNeverSetPayMchInfo
    );

    let link = PayMchInfo::builder().mchid("1230000109").s_pappid("wxplatform").build().expect("a link");
    client.invoice().set_pay_mch(&SetPayMchRequest::new(link.clone())).await.expect("set_pay_mch");
    assert_eq!(
        client.invoice().get_pay_mch(&GetPayMchRequest::new()).await.expect("get_pay_mch").paymch_info,
        link
    );

    let first = AuthField::new()
        .user_field(UserFieldConfig::new().show_phone(Flag::Yes).require_phone(Flag::Yes))
        .biz_field(BizFieldConfig::new().show_tax_no(Flag::Yes));
    client.invoice().set_auth_field(&SetAuthFieldRequest::new(first.clone())).await.expect("set_auth_field");
    assert_eq!(
        client.invoice().get_auth_field(&GetAuthFieldRequest::new()).await.expect("get").auth_field,
        first
    );
    // A second set replaces the first whole: nothing of the company fields stays.
    let second = AuthField::new().user_field(
        UserFieldConfig::new().show_email(Flag::Yes).custom_field(vec![CustomFieldConfig::new("room")]),
    );
    client.invoice().set_auth_field(&SetAuthFieldRequest::new(second.clone())).await.expect("set again");
    assert_eq!(
        client.invoice().get_auth_field(&GetAuthFieldRequest::new()).await.expect("get").auth_field,
        second
    );

    // And the contact set first is still there.
    assert_eq!(
        client.invoice().get_contact(&GetContactRequest::new()).await.expect("get_contact").contact,
        contact
    );
}

/// The reimbursing party's status change of the invoice `encrypt_code` of `card_id`.
fn move_to(card_id: &str, encrypt_code: &str, status: ReimburseStatus) -> UpdateInvoiceStatusRequest {
    UpdateInvoiceStatusRequest::builder()
        .card_id(card_id)
        .encrypt_code(encrypt_code)
        .reimburse_status(status)
        .build()
        .expect("all set")
}

#[tokio::test]
async fn an_order_goes_from_its_link_to_an_invoice_a_reimburser_locks_and_closes_for_good() {
    // The account's server URL: a real one on 127.0.0.1 that takes every push.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let url = format!("http://{}/wechat", listener.local_addr().expect("an address"));
    let callback = axum::Router::new().route("/wechat", axum::routing::post(|| async { "success" }));
    let server = tokio::spawn(async move { axum::serve(listener, callback).await });
    let target = PushTarget::new(url, &Secret::new("push-token")).attempts(1);
    let (mock, client) = start(MockConfig::demo().push(target)).await;
    let contact = Contact::builder().phone("020-12345678").time_out(3600).build().expect("a contact");
    client.invoice().set_contact(&SetContactRequest::new(contact)).await.expect("set_contact");
    let ticket = client.token().get_card_api_ticket(&GetCardApiTicketRequest::new()).await.expect("a ticket");

    // The merchant gets the order's link; until the user authorizes, there is no auth data.
    let link = GetAuthUrlRequest::builder()
        .s_pappid("wxplatform")
        .order_id("flow-order-1")
        .money(12_300)
        .timestamp(1_700_000_000)
        .source(AuthSource::Web)
        .ticket(ticket.ticket.expose())
        .type_(AuthType::Invoicing)
        .build()
        .expect("all set");
    let url = client.invoice().get_auth_url(&link).await.expect("get_auth_url").auth_url;
    assert!(url.contains("flow-order-1"), "{url}");
    let data =
        GetAuthDataRequest::builder().s_pappid("wxplatform").order_id("flow-order-1").build().expect("set");
    assert_eq!(
        refusal(client.invoice().get_auth_data(&data).await),
        GetAuthDataErrorCode::InvoiceOrderNeverAuth
    );

    let authorized = mock
        .act(
            &AuthorizeInvoiceParams::builder()
                .s_pappid("wxplatform")
                .order_id("flow-order-1")
                .build()
                .expect("set"),
        )
        .expect("the user authorizes the link's order");
    let openid = authorized["openid"].as_str().expect("the user").to_owned();
    assert_eq!(authorized["appid"], DEMO_APPID, "{authorized}");
    client.invoice().get_auth_data(&data).await.expect("authorized now");

    // The platform makes a template and inserts the invoice into the user's card package.
    let template = InvoiceTemplate::builder()
        .base_info(
            TemplateBaseInfo::builder()
                .logo_url("http://mmbiz.qpic.cn/logo")
                .title("A shop")
                .build()
                .expect("set"),
        )
        .payee("A shop Ltd")
        .type_("广东省增值税普通发票")
        .build()
        .expect("set");
    let card_id =
        client.platform().create_card(&CreateCardRequest::new(template)).await.expect("create_card").card_id;
    let face = InvoiceUserData::builder()
        .fee(11_300)
        .title("A buyer")
        .billing_time(1_700_000_100)
        .billing_no("00000001")
        .billing_code("044001900111")
        .fee_without_tax(10_000)
        .tax(1_300)
        .s_pdf_media_id("s_pdf_media_id_1")
        .build()
        .expect("set");
    let insert = InsertInvoiceRequest::builder()
        .order_id("flow-order-1")
        .card_id(card_id.as_str())
        .appid(DEMO_APPID)
        .card_ext(CardExt::builder().nonce_str("n1").user_card(UserCard::new(face)).build().expect("set"))
        .build()
        .expect("set");
    let inserted = client.platform().insert_invoice(&insert).await.expect("insert_invoice");
    assert_eq!(inserted.openid, openid);
    assert_eq!(
        refusal(client.platform().insert_invoice(&insert).await),
        InsertInvoiceErrorCode::DuplicateOrderId
    );

    // The user shares it; the reimbursing party reads it with the encrypt_code it got.
    let shared = mock
        .act(
            &ShareInvoiceParams::builder()
                .card_id(card_id.as_str())
                .code(inserted.code.as_str())
                .build()
                .expect("set"),
        )
        .expect("the user shares the invoice");
    let encrypt_code = shared["encrypt_code"].as_str().expect("an encrypt_code").to_owned();
    assert_ne!(encrypt_code, inserted.code);
    let read = GetInvoiceInfoRequest::builder()
        .card_id(card_id.as_str())
        .encrypt_code(encrypt_code.as_str())
        .build()
        .expect("set");
    let invoice = client.reimburse().get_invoice_info(&read).await.expect("get_invoice_info");
    assert_eq!((invoice.openid.as_str(), invoice.payee.as_str()), (openid.as_str(), "A shop Ltd"));
    assert_eq!((invoice.user_info.fee, invoice.user_info.billing_no.as_str()), (11_300, "00000001"));
    assert_eq!(invoice.user_info.reimburse_status, ReimburseStatus::InvoiceReimburseInit);
    let junk = GetInvoiceInfoRequest::builder()
        .card_id(card_id.as_str())
        .encrypt_code("not an encrypt_code")
        .build()
        .expect("set");
    assert_eq!(
        refusal(client.reimburse().get_invoice_info(&junk).await),
        GetInvoiceInfoErrorCode::InvalidParams
    );

    // The batch read answers the same invoice; a batch for another user moves nothing.
    let shared_card = InvoiceCard::builder()
        .card_id(card_id.as_str())
        .encrypt_code(encrypt_code.as_str())
        .build()
        .expect("set");
    let batch =
        client.reimburse().get_invoice_batch(&GetInvoiceBatchRequest::new(vec![shared_card.clone()])).await;
    let batch = batch.expect("get_invoice_batch").item_list;
    assert_eq!(batch.len(), 1);
    assert_eq!((batch[0].openid.as_str(), batch[0].user_info.fee), (openid.as_str(), 11_300));
    let batch_lock = |user: &str| {
        UpdateStatusBatchRequest::builder()
            .openid(user)
            .reimburse_status(ReimburseStatus::InvoiceReimburseLock)
            .invoice_list(vec![shared_card.clone()])
            .build()
            .expect("set")
    };
    let other = batch_lock("oSomeoneElse0000000000000000");
    assert_eq!(
        refusal(client.reimburse().update_status_batch(&other).await),
        UpdateStatusBatchErrorCode::InvalidParams
    );
    client.reimburse().update_status_batch(&batch_lock(&openid)).await.expect("locked by the batch");
    let batch =
        client.reimburse().get_invoice_batch(&GetInvoiceBatchRequest::new(vec![shared_card.clone()])).await;
    assert_eq!(
        batch.expect("read").item_list[0].user_info.reimburse_status,
        ReimburseStatus::InvoiceReimburseLock
    );
    let unlock_all = move_to(&card_id, &encrypt_code, ReimburseStatus::InvoiceReimburseInit);
    client.reimburse().update_invoice_status(&unlock_all).await.expect("unlocked one by one");

    // Closing needs a lock; a lock may be released; a closed invoice moves nowhere.
    let close = move_to(&card_id, &encrypt_code, ReimburseStatus::InvoiceReimburseClosure);
    assert_eq!(
        refusal(client.reimburse().update_invoice_status(&close).await),
        UpdateInvoiceStatusErrorCode::InvoiceMustBeLockFirst
    );
    let lock = move_to(&card_id, &encrypt_code, ReimburseStatus::InvoiceReimburseLock);
    client.reimburse().update_invoice_status(&lock).await.expect("locked");
    let status = client.reimburse().get_invoice_info(&read).await.expect("read").user_info.reimburse_status;
    assert_eq!(status, ReimburseStatus::InvoiceReimburseLock);
    let unlock = move_to(&card_id, &encrypt_code, ReimburseStatus::InvoiceReimburseInit);
    client.reimburse().update_invoice_status(&unlock).await.expect("unlocked");
    client.reimburse().update_invoice_status(&lock).await.expect("locked again");
    client.reimburse().update_invoice_status(&close).await.expect("closed");
    let status = client.reimburse().get_invoice_info(&read).await.expect("read").user_info.reimburse_status;
    assert_eq!(status, ReimburseStatus::InvoiceReimburseClosure);
    assert_eq!(
        refusal(client.reimburse().update_invoice_status(&unlock).await),
        UpdateInvoiceStatusErrorCode::InvoiceStatusError
    );
    // WeChat pushed the authorization, and each status change of a single invoice (not the
    // batch's, nor the refused ones).
    let pushed = mock.pushes().settled(std::time::Duration::from_secs(20)).await;
    let authorizations: Vec<_> = pushed.iter().filter(|d| d.event == "user_authorize_invoice").collect();
    assert_eq!(authorizations.len(), 1, "{pushed:?}");
    assert!(
        authorizations[0].message.contains("<SuccOrderId><![CDATA[flow-order-1]]></SuccOrderId>"),
        "{pushed:?}"
    );
    let statuses: Vec<&str> = pushed
        .iter()
        .filter(|d| d.event == "update_invoice_status")
        .map(|d| {
            // A code of digits only is written as a number, without CDATA, as WeChat writes it.
            let code = [
                format!("<Code>{}</Code>", inserted.code),
                format!("<Code><![CDATA[{}]]></Code>", inserted.code),
            ];
            assert!(code.iter().any(|c| d.message.contains(c.as_str())), "{}", d.message);
            ["INIT", "LOCK", "CLOSURE"]
                .into_iter()
                .find(|s| d.message.contains(&format!("<Status><![CDATA[INVOICE_REIMBURSE_{s}]]></Status>")))
                .unwrap_or("?")
        })
        .collect();
    assert_eq!(statuses, ["INIT", "LOCK", "INIT", "LOCK", "CLOSURE"], "{pushed:?}");
    server.abort();

    let reset = UpdateStatusRequest::builder()
        .card_id(card_id.as_str())
        .code(inserted.code.as_str())
        .reimburse_status(ReimburseStatus::InvoiceReimburseInit)
        .build()
        .expect("set");
    assert_eq!(
        refusal(client.platform().update_status(&reset).await),
        UpdateStatusErrorCode::InvoiceStatusError
    );
}

/// The seller of the issued invoices.
const SELLER: &str = "110109500321654";

/// A blue invoice of `SELLER` under serial number `fpqqlsh` for order `ddh` of `openid`.
fn blue(openid: &str, ddh: &str, fpqqlsh: &str) -> MakeOutInvoiceRequest {
    let line = BlueInvoiceLine::builder()
        .fphxz("0")
        .spbm("1090511030000000000")
        .xmmc("A cup")
        .xmsl("1")
        .xmdj("10.00")
        .xmje("10.00")
        .sl("0.13")
        .se("1.30")
        .build()
        .expect("set");
    let invoice = BlueInvoice::builder()
        .wxopenid(openid)
        .ddh(ddh)
        .fpqqlsh(fpqqlsh)
        .nsrsbh(SELLER)
        .nsrmc("A seller")
        .nsrdz("An address")
        .nsrdh("020-1234")
        .nsrbank("A bank")
        .nsrbankid("6222")
        .ghfmc("A buyer")
        .kpr("A clerk")
        .jshj("11.30")
        .hjje("10.00")
        .hjse("1.30")
        .invoicedetail_list(vec![line])
        .build()
        .expect("set");
    MakeOutInvoiceRequest::new(invoice)
}

#[tokio::test]
async fn an_invoice_issued_for_an_authorized_order_is_read_back_and_reversed_once() {
    let (mock, client) = start(MockConfig::demo()).await;
    let openid = "os92LxEDbiOw7kWZanRN_Bb3Q45I";
    // Not authorized yet: nothing is issued.
    assert_eq!(
        refusal(client.invoice().make_out_invoice(&blue(openid, "issue-1", "test20260001")).await),
        MakeOutInvoiceErrorCode::InvoiceOrderNeverAuth
    );
    let link = InvoiceOrder::builder().s_pappid("wxplatform").order_id("issue-1").build().expect("set");
    mock.seed_record(&link.appid(DEMO_APPID)).expect("the order's link");
    let params =
        AuthorizeInvoiceParams::builder().s_pappid("wxplatform").order_id("issue-1").build().expect("set");
    mock.act(&params.openid(openid)).expect("the user authorizes");

    assert_eq!(
        refusal(
            client
                .invoice()
                .make_out_invoice(&blue("oSomeoneElse0000000000000000", "issue-1", "test20260001"))
                .await
        ),
        MakeOutInvoiceErrorCode::WxopenidError
    );
    client.invoice().make_out_invoice(&blue(openid, "issue-1", "test20260001")).await.expect("issued");
    let query =
        QueryInvoiceInfoRequest::builder().fpqqlsh("test20260001").nsrsbh(SELLER).build().expect("set");
    let issued = client.invoice().query_invoice_info(&query).await.expect("issued").invoicedetail;
    assert_eq!(issued.fpqqlsh, "test20260001");
    assert!(issued.fpdm.len() == 12 && issued.fphm.len() == 8, "{issued:?}");
    assert!(issued.kprq.len() == 14 && issued.kprq.bytes().all(|b| b.is_ascii_digit()), "{issued:?}");
    // The same request again issues nothing new; its serial number for another order is refused.
    client
        .invoice()
        .make_out_invoice(&blue(openid, "issue-1", "test20260001"))
        .await
        .expect("the same request");
    assert_eq!(client.invoice().query_invoice_info(&query).await.expect("read").invoicedetail, issued);
    assert_eq!(
        refusal(client.invoice().make_out_invoice(&blue(openid, "issue-2", "test20260001")).await),
        MakeOutInvoiceErrorCode::FpqqlshExistWithDifferentDdh
    );
    let unknown =
        QueryInvoiceInfoRequest::builder().fpqqlsh("test20269999").nsrsbh(SELLER).build().expect("set");
    assert_eq!(
        refusal(client.invoice().query_invoice_info(&unknown).await),
        QueryInvoiceInfoErrorCode::FpqqlshEmpty
    );

    let red = RedInvoice::builder()
        .wxopenid(openid)
        .fpqqlsh("test20260002")
        .nsrsbh(SELLER)
        .nsrmc("A seller")
        .yfpdm(issued.fpdm.as_str())
        .yfphm(issued.fphm.as_str())
        .build()
        .expect("set");
    let reverse = ClearOutInvoiceRequest::new(red);
    client.invoice().clear_out_invoice(&reverse).await.expect("reversed");
    assert_eq!(
        refusal(client.invoice().clear_out_invoice(&reverse).await),
        ClearOutInvoiceErrorCode::SysErrorMakeOutInvoiceFailed
    );
    let reversed = mock.records("issued_invoice");
    assert_eq!(
        (&reversed[0]["status"], &reversed[0]["red_fpqqlsh"]),
        (&serde_json::json!("REVERSED"), &serde_json::json!("test20260002"))
    );
}
