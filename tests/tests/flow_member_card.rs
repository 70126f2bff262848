//! Member cards end to end through `wechat_card::Client` against wechat-mock: a member card is
//! created, approved and taken, the member fills in the activation form and is activated,
//! earns points (pushed as the member's update), and the merchant reads back what it set.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod flow_support;

use flow_support::{Wechat, card};
use wechat_card::events::Event;
use wechat_card::member_card::get_member_info::UserCardStatus;
use wechat_card::member_card::{
    ActivateMemberCardErrorCode, ActivateMemberCardRequest, GetActivateTempInfoErrorCode,
    GetActivateTempInfoRequest, GetMemberInfoErrorCode, GetMemberInfoRequest, UpdateMemberRequest,
};
use wechat_mock::user_actions::card::{ApproveCardParams, TakeCardParams};
use wechat_mock::user_actions::member_card::{SubmitMemberFormParams, ViewCardParams};

const MEMBER: &str = "obLatjjwDolFjRRd3doGIdwNqRXw";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_is_activated_earns_points_and_reads_as_set() {
    let mut wechat = Wechat::start().await;
    let client = wechat.client.clone();
    let member_card = card("MEMBER_CARD", 100, serde_json::json!({"need_push_on_view": true}));
    let card_id = client.card().create_card(&member_card).await.unwrap().card_id;
    wechat.act(&ApproveCardParams::new(&card_id));
    let take = TakeCardParams::builder().card_id(&card_id).openid(MEMBER).build().unwrap();
    let code = wechat.act(&take)["code"].as_str().unwrap().to_owned();
    let member = || GetMemberInfoRequest::builder().card_id(&card_id).code(&code).build().unwrap();
    let before = client.member_card().get_member_info(&member()).await.unwrap();
    assert_eq!((before.openid.as_str(), before.has_active, before.bonus), (MEMBER, Some(false), None));

    // The member fills in the form: WeChat says so, and the merchant reads the answers by ticket.
    let answers = serde_json::json!({"common_field_list": [{"name": "USER_FORM_INFO_FLAG_MOBILE", "value": "15521328888"}]});
    let form = SubmitMemberFormParams::builder()
        .card_id(&card_id)
        .code(&code)
        .info(answers.clone())
        .build()
        .unwrap();
    let ticket = wechat.act(&form)["activate_ticket"].as_str().unwrap().to_owned();
    let submitted = wechat
        .event("submit_membercard_user_info", |e| match e {
            Event::SubmitMembercardUserInfo(e) => Some(e.user_card_code.clone()),
            _ => None,
        })
        .await;
    assert_eq!(submitted, code);
    let temp =
        client.member_card().get_activate_temp_info(&GetActivateTempInfoRequest::new(ticket.as_str())).await;
    let mobile = temp.unwrap().info.common_field_list.unwrap_or_default();
    assert_eq!(mobile.first().and_then(|f| f.value.as_deref()), Some("15521328888"));
    let unknown = client.member_card().get_activate_temp_info(&GetActivateTempInfoRequest::new("nope")).await;
    assert_eq!(unknown.unwrap_err().api_code(), Some(GetActivateTempInfoErrorCode::InvalidArgs));

    // The merchant activates the member, then adds points after a purchase.
    let activate = ActivateMemberCardRequest::builder()
        .membership_number("M-0001")
        .code(&code)
        .card_id(&card_id)
        .init_bonus(10)
        .build()
        .unwrap();
    client.member_card().activate_member_card(&activate).await.unwrap();
    let earned = UpdateMemberRequest::builder().code(&code).card_id(&card_id).add_bonus(90).build().unwrap();
    let earned = client.member_card().update_member(&earned).await.unwrap();
    assert_eq!(
        (earned.result_bonus, earned.result_balance, earned.openid.as_str()),
        (Some(100), Some(0), MEMBER)
    );
    let update = wechat
        .event("update_member_card", |e| match e {
            Event::UpdateMemberCard(e) => Some((e.user_card_code.clone(), e.modify_bonus, e.modify_balance)),
            _ => None,
        })
        .await;
    assert_eq!(update, (code.clone(), Some(90), Some(0)));
    let paid =
        UpdateMemberRequest::builder().code(&code).card_id(&card_id).balance(500).add_balance(500).build();
    client.member_card().update_member(&paid.unwrap()).await.unwrap();

    // What the merchant set is what it reads.
    let info = client.member_card().get_member_info(&member()).await.unwrap();
    assert_eq!(info.openid, MEMBER);
    assert_eq!(
        (info.membership_number.as_deref(), info.bonus, info.balance),
        (Some("M-0001"), Some(100), Some(500))
    );
    assert_eq!((info.has_active, info.user_card_status), (Some(true), UserCardStatus::Normal));
    let fields = info.user_info.and_then(|u| u.common_field_list).unwrap_or_default();
    assert_eq!(fields.first().map(|f| f.name.as_str()), Some("USER_FORM_INFO_FLAG_MOBILE"));

    // Opening the card is pushed, as the card asks.
    wechat.act(&ViewCardParams::builder().card_id(&card_id).code(&code).build().unwrap());
    let viewed = wechat
        .event("user_view_card", |e| match e {
            Event::UserViewCard(e) => Some(e.user_card_code.clone()),
            _ => None,
        })
        .await;
    assert_eq!(viewed, code);

    // A code nobody holds is refused by both calls.
    let nobody =
        ActivateMemberCardRequest::builder().membership_number("M-9").code("000000000000").build().unwrap();
    let refused = client.member_card().activate_member_card(&nobody).await.unwrap_err();
    assert_eq!(refused.api_code(), Some(ActivateMemberCardErrorCode::InvalidSerialCode));
    let nobody = GetMemberInfoRequest::builder().card_id(&card_id).code("000000000000").build().unwrap();
    let refused = client.member_card().get_member_info(&nobody).await.unwrap_err();
    assert_eq!(refused.api_code(), Some(GetMemberInfoErrorCode::InvalidSerialCode));
    wechat.stop().await;
}
