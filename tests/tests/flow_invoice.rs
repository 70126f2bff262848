//! The e-invoice families through `wechat_card::Client` against wechat-mock on 127.0.0.1, as
//! the mock keeps what WeChat keeps (spec/invoice/resources.toml and the `[[mock]]` steps):
//! settings a get answers as set, and an order from its link to the invoice a reimburser
//! reads, locks, closes and can no longer move back.

use wechat_card::Client;
use wechat_card::invoice::{
    GetAuthFieldErrorCode, GetAuthFieldRequest, GetContactErrorCode, GetContactRequest, GetPayMchErrorCode,
    GetPayMchRequest, SetAuthFieldRequest, SetContactRequest, SetPayMchRequest,
};
use wechat_card::types::{
    AuthField, BizFieldConfig, Contact, CustomFieldConfig, Flag, PayMchInfo, UserFieldConfig,
};
use wechat_core::{Error, ErrorCode, RetryPolicy, Secret, StableToken};
use wechat_mock::{DEMO_APPID, DEMO_SECRET, MockConfig, MockServer};

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
        refusal(client.get_contact(&GetContactRequest::new()).await),
        GetContactErrorCode::BizContactIsEmpty
    );
    assert_eq!(
        refusal(client.get_pay_mch(&GetPayMchRequest::new()).await),
        GetPayMchErrorCode::InvoiceNeverSetPayMchInfo
    );
    assert_eq!(
        refusal(client.get_auth_field(&GetAuthFieldRequest::new()).await),
        GetAuthFieldErrorCode::InvoiceNeverSetAuthField
    );

    let contact = Contact::builder().phone("020-12345678").time_out(3600).build().expect("a contact");
    client.set_contact(&SetContactRequest::new(contact.clone())).await.expect("set_contact");
    assert_eq!(client.get_contact(&GetContactRequest::new()).await.expect("get_contact").contact, contact);
    // The other settings are still unset: each is kept on its own.
    assert_eq!(
        refusal(client.get_pay_mch(&GetPayMchRequest::new()).await),
        GetPayMchErrorCode::InvoiceNeverSetPayMchInfo
    );

    let link = PayMchInfo::builder().mchid("1230000109").s_pappid("wxplatform").build().expect("a link");
    client.set_pay_mch(&SetPayMchRequest::new(link.clone())).await.expect("set_pay_mch");
    assert_eq!(client.get_pay_mch(&GetPayMchRequest::new()).await.expect("get_pay_mch").paymch_info, link);

    let first = AuthField::new()
        .user_field(UserFieldConfig::new().show_phone(Flag::Yes).require_phone(Flag::Yes))
        .biz_field(BizFieldConfig::new().show_tax_no(Flag::Yes));
    client.set_auth_field(&SetAuthFieldRequest::new(first.clone())).await.expect("set_auth_field");
    assert_eq!(client.get_auth_field(&GetAuthFieldRequest::new()).await.expect("get").auth_field, first);
    // A second set replaces the first whole: nothing of the company fields stays.
    let second = AuthField::new().user_field(
        UserFieldConfig::new().show_email(Flag::Yes).custom_field(vec![CustomFieldConfig::new("room")]),
    );
    client.set_auth_field(&SetAuthFieldRequest::new(second.clone())).await.expect("set again");
    assert_eq!(client.get_auth_field(&GetAuthFieldRequest::new()).await.expect("get").auth_field, second);

    // And the contact set first is still there.
    assert_eq!(client.get_contact(&GetContactRequest::new()).await.expect("get_contact").contact, contact);
}
