//! General cards end to end through `wechat_card::Client` against wechat-mock: a user takes a
//! card, the merchant activates it with a card number, changes its points, balance and
//! background (read back by `get_code`), reverts the activation, and is refused for a code
//! nobody holds and for one the user no longer can use.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod flow_support;

use flow_support::{Wechat, card};
use serde_json::Value;
use wechat_card::card_code::{ConsumeCodeRequest, GetCodeRequest};
use wechat_card::general_card::{
    ActivateGeneralCardErrorCode, ActivateGeneralCardRequest, UnactivateGeneralCardErrorCode,
    UnactivateGeneralCardRequest, UpdateGeneralCardUserErrorCode, UpdateGeneralCardUserRequest,
};
use wechat_mock::user_actions::card::{ApproveCardParams, TakeCardParams};

const HOLDER: &str = "oFS7Fjl0WsZ9AMZqrI80nbIq8xrA";
const BACKGROUND: &str = "https://mmbiz.qlogo.cn/mmbiz/0?wx_fmt=jpeg";

/// The code record the mock keeps for `code`.
fn kept(wechat: &Wechat, code: &str) -> Value {
    let codes = wechat.mock.records("code");
    codes.into_iter().find(|c| c["code"] == code).unwrap_or_else(|| panic!("no code {code} kept"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_general_card_is_activated_updated_read_back_and_unactivated() {
    let wechat = Wechat::start().await;
    let client = wechat.client.clone();
    // The card union has no GENERAL_CARD yet: a gift voucher stands in, as the calls on a
    // user's code do not depend on the card's type.
    let card_id = client.card().create_card(&card("GIFT", 10, serde_json::json!({}))).await.unwrap().card_id;
    wechat.act(&ApproveCardParams::new(&card_id));
    let take = TakeCardParams::builder().card_id(&card_id).openid(HOLDER).build().unwrap();
    let code = wechat.act(&take)["code"].as_str().unwrap().to_owned();
    assert_eq!(kept(&wechat, &code)["has_active"], Value::Null, "taken, not activated");

    // Activated with a card number and a starting field value, which the code keeps.
    let activate = ActivateGeneralCardRequest::builder()
        .card_number("GC-0001")
        .code(&code)
        .card_id(&card_id)
        .init_custom_field_value1("12")
        .build()
        .unwrap();
    client.general_card().activate_general_card(&activate).await.unwrap();
    let activated = kept(&wechat, &code);
    assert_eq!(
        (&activated["has_active"], &activated["card_number"], &activated["custom_field_value1"]),
        (&Value::Bool(true), &Value::from("GC-0001"), &Value::from("12"))
    );

    // The totals set are answered, and what a later update leaves out is kept.
    let update = UpdateGeneralCardUserRequest::builder()
        .code(&code)
        .card_id(&card_id)
        .bonus(300)
        .balance(5000)
        .record_balance("充值50元")
        .background_pic_url(BACKGROUND)
        .can_give_friend(false)
        .build()
        .unwrap();
    let updated = client.general_card().update_general_card_user(&update).await.unwrap();
    assert_eq!(
        (updated.result_bonus, updated.result_balance, updated.openid.as_str()),
        (Some(300), Some(5000), HOLDER)
    );
    let points =
        UpdateGeneralCardUserRequest::builder().code(&code).card_id(&card_id).bonus(350).build().unwrap();
    let updated = client.general_card().update_general_card_user(&points).await.unwrap();
    assert_eq!((updated.result_bonus, updated.result_balance), (Some(350), Some(5000)));
    assert_eq!(kept(&wechat, &code)["can_give_friend"], Value::Bool(false));

    // get_code reads what the updates left on the code.
    let read =
        client.card_code().get_code(&GetCodeRequest::new(code.as_str()).card_id(&card_id)).await.unwrap();
    assert_eq!(read.openid, HOLDER);
    assert_eq!(
        (read.bonus, read.balance, read.background_pic_url.as_deref()),
        (Some(350), Some(5000), Some(BACKGROUND))
    );

    // Reverting the activation clears it and keeps the number.
    let unactivate =
        || UnactivateGeneralCardRequest::builder().card_id(&card_id).code(&code).build().unwrap();
    client.general_card().unactivate_general_card(&unactivate()).await.unwrap();
    let reverted = kept(&wechat, &code);
    assert_eq!(
        (&reverted["has_active"], &reverted["card_number"]),
        (&Value::Bool(false), &Value::from("GC-0001"))
    );

    // A code nobody holds is refused by all three calls.
    let nobody =
        ActivateGeneralCardRequest::builder().card_number("GC-9").code("000000000000").build().unwrap();
    let refused = client.general_card().activate_general_card(&nobody).await.unwrap_err();
    assert_eq!(refused.api_code(), Some(ActivateGeneralCardErrorCode::InvalidSerialCode));
    let nobody = UpdateGeneralCardUserRequest::builder()
        .code("000000000000")
        .card_id(&card_id)
        .bonus(1)
        .build()
        .unwrap();
    let refused = client.general_card().update_general_card_user(&nobody).await.unwrap_err();
    assert_eq!(refused.api_code(), Some(UpdateGeneralCardUserErrorCode::InvalidSerialCode));
    let nobody =
        UnactivateGeneralCardRequest::builder().card_id(&card_id).code("000000000000").build().unwrap();
    let refused = client.general_card().unactivate_general_card(&nobody).await.unwrap_err();
    assert_eq!(refused.api_code(), Some(UnactivateGeneralCardErrorCode::InvalidSerialCode));

    // Once redeemed, the code is no longer one the user can use: refused, and nothing changes.
    client.card_code().consume_code(&ConsumeCodeRequest::new(code.as_str()).card_id(&card_id)).await.unwrap();
    let refused = client.general_card().activate_general_card(&activate).await.unwrap_err();
    assert_eq!(refused.api_code(), Some(ActivateGeneralCardErrorCode::InvalidSerialCode));
    let refused = client.general_card().update_general_card_user(&points).await.unwrap_err();
    assert_eq!(refused.api_code(), Some(UpdateGeneralCardUserErrorCode::InvalidSerialCode));
    assert_eq!(kept(&wechat, &code)["has_active"], Value::Bool(false));
    wechat.stop().await;
}
