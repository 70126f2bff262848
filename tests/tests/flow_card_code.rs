//! The codes of cards end to end through `wechat_card::Client` against wechat-mock: a
//! deposit-mode card's codes imported, counted and checked, its stock held to them, a user given
//! an imported code, whose `encrypt_code` decrypts to it, redeemed or made unavailable.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod flow_support;

use flow_support::{Wechat, card};
use wechat_card::card::{ModifyStockErrorCode, ModifyStockRequest};
use wechat_card::card_code::get_code::UserCardStatus;
use wechat_card::card_code::{
    CheckCodesRequest, ConsumeCodeErrorCode, ConsumeCodeRequest, DecryptCodeRequest, DepositCodesErrorCode,
    DepositCodesRequest, GetCodeErrorCode, GetCodeRequest, GetDepositCountRequest, MarkCodeRequest,
    SetCodeUnavailableRequest,
};
use wechat_mock::user_actions::card::{ApproveCardParams, TakeCardParams};

fn codes(codes: &[&str]) -> Vec<String> {
    codes.iter().map(|c| (*c).to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imported_codes_are_counted_checked_given_out_and_redeemed() {
    let wechat = Wechat::start().await;
    let client = wechat.client.clone();
    let deposit_mode =
        serde_json::json!({"use_custom_code": true, "get_custom_code_mode": "GET_CUSTOM_CODE_MODE_DEPOSIT"});
    let card_id = client.card().create_card(&card("GIFT", 0, deposit_mode)).await.unwrap().card_id;
    wechat.act(&ApproveCardParams::new(&card_id));
    let plain = client.card().create_card(&card("GIFT", 5, serde_json::json!({}))).await.unwrap().card_id;

    // Codes go into a deposit-mode card only, at most once each.
    let deposit = |card_id: &str, list: &[&str]| {
        DepositCodesRequest::builder().card_id(card_id).code(codes(list)).build().unwrap()
    };
    let imported =
        client.card_code().deposit_codes(&deposit(&card_id, &["C-1", "C-2", "C-3"])).await.unwrap();
    assert_eq!(imported.succ_code, Some(codes(&["C-1", "C-2", "C-3"])));
    let again = client.card_code().deposit_codes(&deposit(&card_id, &["C-3", "C-4"])).await.unwrap();
    assert_eq!((again.succ_code, again.duplicate_code), (Some(codes(&["C-4"])), Some(codes(&["C-3"]))));
    let refused = client.card_code().deposit_codes(&deposit(&plain, &["X-1"])).await.unwrap_err();
    assert_eq!(refused.api_code(), Some(DepositCodesErrorCode::InvalidCardStatus));

    let count = client.card_code().get_deposit_count(&GetDepositCountRequest::new(&card_id)).await.unwrap();
    assert_eq!(count.count, 4);
    let check =
        CheckCodesRequest::builder().card_id(&card_id).code(codes(&["C-2", "Z-9", "C-4"])).build().unwrap();
    let checked = client.card_code().check_codes(&check).await.unwrap();
    assert_eq!(
        (checked.exist_code, checked.not_exist_code),
        (Some(codes(&["C-2", "C-4"])), Some(codes(&["Z-9"])))
    );

    // The stock may not exceed the codes waiting to be given.
    let over = client.card().modify_stock(&ModifyStockRequest::new(&card_id).increase_stock_value(5)).await;
    assert_eq!(over.unwrap_err().api_code(), Some(ModifyStockErrorCode::InvalidQuantity));
    client.card().modify_stock(&ModifyStockRequest::new(&card_id).increase_stock_value(4)).await.unwrap();

    // A user is given the oldest imported code; its encrypt_code decrypts to it.
    let take = TakeCardParams::builder().card_id(&card_id).openid("o_user").build().unwrap();
    let taken = wechat.act(&take);
    assert_eq!(taken["code"], "C-1");
    let encrypted = taken["encrypt_code"].as_str().unwrap();
    let decrypted = client.card_code().decrypt_code(&DecryptCodeRequest::new(encrypted)).await.unwrap();
    assert_eq!(decrypted.code, "C-1");
    let waiting =
        client.card_code().get_code(&GetCodeRequest::new("C-2").card_id(&card_id)).await.unwrap_err();
    assert_eq!(waiting.api_code(), Some(GetCodeErrorCode::InvalidSerialCode), "no user holds C-2 yet");
    let count = client.card_code().get_deposit_count(&GetDepositCountRequest::new(&card_id)).await.unwrap();
    assert_eq!(count.count, 4, "a code given out was imported all the same");

    // Marked for the user, then redeemed once.
    let mark = MarkCodeRequest::builder()
        .code("C-1")
        .card_id(&card_id)
        .openid("o_user")
        .is_mark(true)
        .build()
        .unwrap();
    client.card_code().mark_code(&mark).await.unwrap();
    client.card_code().consume_code(&ConsumeCodeRequest::new("C-1").card_id(&card_id)).await.unwrap();
    let twice = client.card_code().mark_code(&mark).await.unwrap_err();
    assert_eq!(twice.api_code(), Some(wechat_card::card_code::MarkCodeErrorCode::CodeAlreadyConsumed));

    // Another user's code is made unavailable: it can no longer be redeemed.
    let take = TakeCardParams::builder().card_id(&card_id).openid("o_other").build().unwrap();
    assert_eq!(wechat.act(&take)["code"], "C-2");
    let refund = SetCodeUnavailableRequest::new("C-2").card_id(&card_id).reason("退款");
    client.card_code().set_code_unavailable(&refund).await.unwrap();
    let consume = client.card_code().consume_code(&ConsumeCodeRequest::new("C-2")).await.unwrap_err();
    assert_eq!(consume.api_code(), Some(ConsumeCodeErrorCode::InvalidUserCardStatus));
    let state = client.card_code().get_code(&GetCodeRequest::new("C-2").check_consume(false)).await.unwrap();
    assert_eq!((state.user_card_status, state.can_consume), (Some(UserCardStatus::Unavailable), Some(false)));
    let twice = client.card_code().set_code_unavailable(&refund).await.unwrap_err();
    assert_eq!(
        twice.api_code(),
        Some(wechat_card::card_code::SetCodeUnavailableErrorCode::InvalidUserCardStatus)
    );
    wechat.stop().await;
}
