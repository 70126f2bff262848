//! The card family end to end through `wechat_card::Client` against wechat-mock: a card is
//! created, approved by WeChat's review, listed, taken by a user (who is pushed as taking it),
//! its code read, changed and redeemed once, and the card deleted, as WeChat keeps all of it.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod flow_support;

use flow_support::{Wechat, card};
use wechat_card::card::types::CardStatus;
use wechat_card::card::{DeleteCardRequest, GetCardErrorCode, GetCardRequest, ListCardsRequest};
use wechat_card::card_code::get_code::UserCardStatus;
use wechat_card::card_code::{
    ConsumeCodeErrorCode, ConsumeCodeRequest, GetCodeErrorCode, GetCodeRequest, UpdateCodeRequest,
};
use wechat_card::events::Event;
use wechat_mock::user_actions::card::{ApproveCardParams, GiveCardParams, RemoveCardParams, TakeCardParams};

const USER: &str = "oFS7Fjl0WsZ9AMZqrI80nbIq8xrA";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_is_created_approved_taken_redeemed_once_and_deleted() {
    let mut wechat = Wechat::start().await;
    let client = wechat.client.clone();

    // The merchant creates a card: WeChat's review has it.
    let card_id =
        client.card().create_card(&card("GROUPON", 10, serde_json::json!({}))).await.unwrap().card_id;
    let waiting = ListCardsRequest::builder().offset(0).count(10).status_list(vec![CardStatus::NotVerified]);
    let waiting = client.card().list_cards(&waiting.build().unwrap()).await.unwrap();
    assert_eq!((waiting.card_id_list, waiting.total_num), (vec![card_id.clone()], 1));
    assert_eq!(wechat.refused(&take(&card_id)), 40078, "no user takes a card in review");

    // WeChat's review approves it, and says so.
    wechat.act(&ApproveCardParams::new(&card_id));
    let passed = wechat
        .event("card_pass_check", |e| match e {
            Event::CardPassCheck(e) => Some(e.card_id.clone()),
            _ => None,
        })
        .await;
    assert_eq!(passed, card_id);
    let approved = ListCardsRequest::builder().offset(0).count(10).status_list(vec![CardStatus::Approved]);
    let approved = client.card().list_cards(&approved.build().unwrap()).await.unwrap();
    assert_eq!((approved.card_id_list, approved.total_num), (vec![card_id.clone()], 1));

    // A user takes it: one fewer in stock, a code, and the event.
    let taken = wechat.act(&take(&card_id));
    let code = taken["code"].as_str().unwrap().to_owned();
    let got = wechat
        .event("user_get_card", |e| match e {
            Event::UserGetCard(e) => Some((e.user_card_code.clone(), e.header.from_user_name.clone())),
            _ => None,
        })
        .await;
    assert_eq!(got, (code.clone(), USER.to_owned()));
    let stock = client.card().get_card(&GetCardRequest::new(&card_id)).await.unwrap().card;
    let wechat_card::card::types::Card::Groupon(groupon) = stock else { panic!("a groupon: {stock:?}") };
    assert_eq!((groupon.base_info.sku.quantity, groupon.base_info.sku.total_quantity()), (9, Some(&10)));

    // The merchant reads the code, then changes it: the old one is gone.
    let read = client.card_code().get_code(&GetCodeRequest::new(&code).card_id(&card_id)).await.unwrap();
    assert_eq!((read.openid.as_str(), read.user_card_status), (USER, Some(UserCardStatus::Normal)));
    let update =
        UpdateCodeRequest::builder().code(&code).card_id(&card_id).new_code("NEW-0001").build().unwrap();
    client.card_code().update_code(&update).await.unwrap();
    let old = client.card_code().get_code(&GetCodeRequest::new(&code)).await.unwrap_err();
    assert_eq!(old.api_code(), Some(GetCodeErrorCode::InvalidSerialCode));
    let renamed = client.card_code().get_code(&GetCodeRequest::new("NEW-0001")).await.unwrap();
    assert_eq!((renamed.card.code.as_deref(), renamed.openid.as_str()), (Some("NEW-0001"), USER));

    // The cashier redeems it once; WeChat pushes the redemption; a second one is refused.
    let redeemed = client.card_code().consume_code(&ConsumeCodeRequest::new("NEW-0001")).await.unwrap();
    assert_eq!((redeemed.card.card_id.as_str(), redeemed.openid.as_str()), (card_id.as_str(), USER));
    let consumed = wechat
        .event("user_consume_card", |e| match e {
            Event::UserConsumeCard(e) => Some((e.user_card_code.clone(), e.consume_source.clone())),
            _ => None,
        })
        .await;
    assert_eq!(consumed, ("NEW-0001".to_owned(), Some("FROM_API".to_owned())));
    let again = client.card_code().consume_code(&ConsumeCodeRequest::new("NEW-0001")).await.unwrap_err();
    assert_eq!(again.api_code(), Some(ConsumeCodeErrorCode::CodeAlreadyConsumed));

    // The merchant deletes the card: it is gone.
    client.card().delete_card(&DeleteCardRequest::new(&card_id)).await.unwrap();
    let gone = client.card().get_card(&GetCardRequest::new(&card_id)).await.unwrap_err();
    assert_eq!(gone.api_code(), Some(GetCardErrorCode::InvalidCardId));
    wechat.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_gives_a_card_to_a_friend_and_deletes_another() {
    let mut wechat = Wechat::start().await;
    let client = wechat.client.clone();
    let card_id =
        client.card().create_card(&card("GROUPON", 2, serde_json::json!({}))).await.unwrap().card_id;
    wechat.act(&ApproveCardParams::new(&card_id));
    let first = wechat.act(&take(&card_id))["code"].as_str().unwrap().to_owned();
    let second = wechat.act(&take(&card_id))["code"].as_str().unwrap().to_owned();
    let remind = wechat
        .event("card_sku_remind", |e| match e {
            Event::CardSkuRemind(e) => Some(e.card_id.clone()),
            _ => None,
        })
        .await;
    assert_eq!(remind, card_id, "the last card was taken");
    assert_eq!(wechat.refused(&take(&card_id)), 45031, "none left");

    let give =
        GiveCardParams::builder().card_id(&card_id).code(&first).friend_openid("o_friend").build().unwrap();
    let given = wechat.act(&give);
    let friends_code = given["code"].as_str().unwrap().to_owned();
    let gifting = wechat
        .event("user_gifting_card", |e| match e {
            Event::UserGiftingCard(e) => Some((e.user_card_code.clone(), e.friend_user_name.clone())),
            _ => None,
        })
        .await;
    assert_eq!(gifting, (first.clone(), Some("o_friend".to_owned())));
    let accepted = wechat
        .event("the friend's user_get_card", |e| match e {
            Event::UserGetCard(e) if e.is_give_by_friend == Some(true) => {
                Some((e.user_card_code.clone(), e.old_user_card_code.clone(), e.friend_user_name.clone()))
            }
            _ => None,
        })
        .await;
    assert_eq!(accepted, (friends_code.clone(), Some(first.clone()), Some(USER.to_owned())));
    let gave = client.card_code().get_code(&GetCodeRequest::new(&first)).await.unwrap_err();
    assert_eq!(gave.api_code(), Some(GetCodeErrorCode::InvalidSerialCode), "the giver holds it no more");
    let friends = client.card_code().get_code(&GetCodeRequest::new(&friends_code)).await.unwrap();
    assert_eq!(friends.openid, "o_friend");
    let held = wechat_card::card::ListUserCardsRequest::new("o_friend");
    let held = client.card().list_user_cards(&held).await.unwrap().card_list;
    assert_eq!(held.iter().map(|c| c.code.as_str()).collect::<Vec<_>>(), [friends_code.as_str()]);

    let remove = RemoveCardParams::builder().card_id(&card_id).code(&second).build().unwrap();
    wechat.act(&remove);
    let deleted = wechat
        .event("user_del_card", |e| match e {
            Event::UserDelCard(e) => e.user_card_code.clone(),
            _ => None,
        })
        .await;
    assert_eq!(deleted, second);
    let read = client.card_code().get_code(&GetCodeRequest::new(&second)).await.unwrap_err();
    assert_eq!(read.api_code(), Some(GetCodeErrorCode::InvalidUserCardStatus));
    let state =
        client.card_code().get_code(&GetCodeRequest::new(&second).check_consume(false)).await.unwrap();
    assert_eq!(state.user_card_status, Some(UserCardStatus::Delete));
    wechat.stop().await;
}

fn take(card_id: &str) -> TakeCardParams {
    TakeCardParams::builder().card_id(card_id).openid(USER).build().unwrap()
}
