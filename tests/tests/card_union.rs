//! The card union through every layer: each card type and an unknown one round-trip
//! through the generated types, a type with another type's fields cannot be built and is
//! refused by the mock, response-only fields are read but never sent, and limits stop a
//! request before it leaves.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use serde_json::{Value, json};
use wechat_card::card::types::{BaseInfo, Card, CodeType, DateInfo, DateType, Gift, Sku};
use wechat_card::card::{CreateCardRequest, GetCardResponse};
use wechat_card::wechat_core::{self, StableToken, check::Violation};
use wechat_mock::{MockConfig, MockServer};

fn base_info() -> Value {
    json!({
        "logo_url": "http://mmbiz.qpic.cn/logo", "brand_name": "微信餐厅", "code_type": "CODE_TYPE_TEXT",
        "title": "双人套餐", "color": "Color010", "notice": "出示此券", "description": "不可与其他优惠同享",
        "date_info": {"type": "DATE_TYPE_FIX_TERM", "fixed_term": 30, "fixed_begin_term": 0},
        "sku": {"quantity": 100}
    })
}

/// One card of every documented type, with the fields its type requires.
fn every_card_type() -> Vec<(&'static str, Value)> {
    let with = |fields: Value| {
        let mut object = json!({"base_info": base_info()});
        object.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
        object
    };
    vec![
        ("GROUPON", with(json!({"deal_detail": "火锅套餐"}))),
        ("CASH", with(json!({"least_cost": 10000, "reduce_cost": 1000}))),
        ("DISCOUNT", with(json!({"discount": 30}))),
        ("GIFT", with(json!({"gift": "一杯咖啡"}))),
        ("GENERAL_COUPON", with(json!({"default_detail": "满百减十"}))),
        ("MEMBER_CARD", with(json!({"prerogative": "九折", "supply_bonus": true, "supply_balance": false}))),
        ("SCENIC_TICKET", with(json!({"ticket_class": "平日全票"}))),
        ("MOVIE_TICKET", with(json!({"detail": "19:30 一号厅"}))),
        (
            "BOARDING_PASS",
            with(json!({"from": "广州", "to": "北京", "flight": "CE123", "air_model": "A320",
                        "departure_time": "1434507901", "landing_time": "1434909901"})),
        ),
        ("MEETING_TICKET", with(json!({"meeting_detail": "年会"}))),
    ]
}

#[test]
fn every_card_type_round_trips_through_its_variant() {
    for (card_type, fields) in every_card_type() {
        let wire = json!({"card": {"card_type": card_type, card_type.to_lowercase(): fields}});
        let request: CreateCardRequest =
            serde_json::from_value(wire.clone()).unwrap_or_else(|e| panic!("{card_type}: {e}"));
        assert_eq!(request.card.tag(), card_type);
        assert!(!matches!(request.card, Card::Unknown(_)), "{card_type} has its own variant");
        assert_eq!(serde_json::to_value(&request).unwrap(), wire, "{card_type} serialises back unchanged");
    }
}

#[test]
fn an_unknown_card_type_is_kept_whole_and_written_back_unchanged() {
    let wire = json!({"card": {"card_type": "BUS_TICKET", "bus_ticket": {"base_info": base_info(), "from": "广州"}, "extra": [1]}});
    let request: CreateCardRequest = serde_json::from_value(wire.clone()).unwrap();
    let Card::Unknown(unknown) = &request.card else { panic!("{:?}", request.card) };
    assert_eq!(unknown.tag(), "BUS_TICKET");
    assert_eq!(serde_json::to_value(&request).unwrap(), wire);
}

#[test]
fn a_card_built_in_rust_carries_its_fields_under_its_own_key() {
    let base = BaseInfo::builder()
        .logo_url("http://mmbiz.qpic.cn/logo")
        .brand_name("微信餐厅")
        .code_type(CodeType::Text)
        .title("咖啡券")
        .color("Color010")
        .notice("出示此券")
        .description("一杯咖啡")
        .date_info(DateInfo::new(DateType::Permanent))
        .sku(Sku::new(10))
        .build()
        .expect("required fields set");
    let request = CreateCardRequest::new(Card::Gift(
        Gift::builder().base_info(base).gift("一杯咖啡").build().expect("required fields set"),
    ));
    let sent = serde_json::to_value(&request).unwrap();
    assert_eq!(sent["card"]["card_type"], "GIFT");
    assert!(sent["card"]["gift"]["gift"].is_string() && sent["card"].get("cash").is_none(), "{sent}");
}

#[test]
fn fields_wechat_assigns_are_read_but_never_sent() {
    let answer = json!({"errcode": 0, "errmsg": "ok", "card": {"card_type": "GIFT", "gift": {
        "base_info": {"id": "p1", "status": "CARD_STATUS_VERIFY_OK", "create_time": 1, "logo_url": "l", "brand_name": "b",
                      "code_type": "CODE_TYPE_TEXT", "title": "t", "color": "#63b359", "notice": "n", "description": "d",
                      "date_info": {"type": "DATE_TYPE_PERMANENT"}, "sku": {"quantity": 5, "total_quantity": 9}},
        "gift": "g"}}});
    let decoded: GetCardResponse =
        wechat_core::decode_response::<wechat_card::card::GetCardRequest>(answer.to_string().as_bytes())
            .unwrap();
    let Card::Gift(gift) = &decoded.card else { panic!("{:?}", decoded.card) };
    assert_eq!(gift.base_info.id().map(String::as_str), Some("p1"));
    assert_eq!(gift.base_info.sku.total_quantity(), Some(&9));
    // Sending the card back (to update it, say) sends none of what WeChat assigned.
    let resent = serde_json::to_value(&decoded.card).unwrap();
    let base = &resent["gift"]["base_info"];
    assert!(
        base.get("id").is_none()
            && base.get("status").is_none()
            && base["sku"].get("total_quantity").is_none(),
        "{resent}"
    );
}

async fn mock_and_client() -> (MockServer, wechat_card::Client) {
    let mock = MockServer::start(MockConfig::demo()).await.unwrap();
    let core = wechat_core::Client::builder()
        .base_url(mock.base_url())
        .token_provider(StableToken::new(&mock.config().appid, mock.config().secret.clone()))
        .retry_policy(wechat_core::RetryPolicy::none())
        .build()
        .unwrap();
    (mock, wechat_card::Client::new(core))
}

#[tokio::test]
async fn a_title_over_wechats_byte_budget_is_refused_before_anything_is_sent() {
    let (mock, client) = mock_and_client().await;
    let mut request: CreateCardRequest = serde_json::from_value(
        json!({"card": {"card_type": "GIFT", "gift": {"base_info": base_info(), "gift": "g"}}}),
    )
    .unwrap();
    if let Card::Gift(gift) = &mut request.card {
        gift.base_info.title = "十个汉字的卡券标题啊".to_owned();
    }
    let error = client.card().create_card(&request).await.unwrap_err();
    let wechat_core::Error::Invalid { source, .. } = &error else { panic!("{error}") };
    assert_eq!(source.path, "card.gift.base_info.title");
    assert_eq!(source.violation, Violation::TooManyBytes { max: 27, found: 30 });
    assert!(!error.is_retryable());
    assert_eq!(mock.requests().count("/card/create"), 0, "nothing reached WeChat");
}

#[tokio::test]
async fn the_mock_refuses_a_card_type_with_another_types_fields() {
    let (mock, client) = mock_and_client().await;
    let token = client.core().token_provider().unwrap().fetch(client.core().http_context()).await.unwrap();
    let body = json!({"card": {"card_type": "GIFT", "cash": {"base_info": base_info(), "least_cost": 0, "reduce_cost": 100}}});
    let url = format!("{}/card/create?access_token={}", mock.base_url(), token.expose());
    let sent = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let answer: Value = serde_json::from_slice(&sent.bytes().await.unwrap()).unwrap();
    assert_eq!(answer["errcode"], 47001, "{answer}");
    assert!(answer["errmsg"].as_str().unwrap().contains("card.cash"), "{answer}");
}
