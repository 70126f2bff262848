//! Cards kept as `spec/card/*.toml` declares them (`[mock]`), over HTTP and through the
//! generated client: what create_card stores is what get_card answers, with its id and review
//! status; an unknown or deleted card answers 40073; faults still come first.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use serde_json::{Value, json};
use wechat_card::card::types::{Card, CardStatus};
use wechat_card::card::{CreateCardRequest, GetCardErrorCode, GetCardRequest};
use wechat_mock::{CARD, CardError, Fault, MockConfig, MockServer, TakeCard, VERIFY_OK};

/// A group-buying voucher as `/card/create` takes it.
fn groupon(title: &str, quantity: i64) -> Value {
    json!({"card": {"card_type": "GROUPON", "groupon": {
        "base_info": {
            "logo_url": "http://mmbiz.qpic.cn/mmbiz/logo/0", "brand_name": "微信餐厅", "code_type": "CODE_TYPE_TEXT",
            "title": title, "color": "Color010", "notice": "使用时向服务员出示此券", "description": "不可与其他优惠同享",
            "date_info": {"type": "DATE_TYPE_FIX_TIME_RANGE", "begin_timestamp": 1397577600, "end_timestamp": 1472724261},
            "sku": {"quantity": quantity}, "get_limit": 3},
        "deal_detail": "以下锅底2选1"}}})
}

struct Harness {
    mock: MockServer,
    client: wechat_card::Client,
    http: reqwest::Client,
}

impl Harness {
    async fn start() -> Self {
        let mock = MockServer::start(MockConfig::demo()).await.unwrap();
        let tokens = wechat_core::StableToken::new(&mock.config().appid, mock.config().secret.clone());
        let core = wechat_core::Client::builder()
            .base_url(mock.base_url())
            .token_provider(tokens)
            .retry_policy(wechat_core::RetryPolicy::none())
            .build()
            .unwrap();
        Self { mock, client: wechat_card::Client::new(core), http: reqwest::Client::new() }
    }

    /// A raw POST with a fresh stable token, as any HTTP client would send it.
    async fn post(&self, path: &str, body: &Value) -> Value {
        let base = self.mock.base_url();
        let config = self.mock.config();
        let credentials =
            json!({"grant_type": "client_credential", "appid": config.appid, "secret": config.secret});
        let token = send(self.http.post(format!("{base}/cgi-bin/stable_token")), &credentials).await.1;
        let token = token["access_token"].as_str().unwrap();
        send(self.http.post(format!("{base}{path}?access_token={token}")), body).await.1
    }

    async fn create(&self, title: &str) -> String {
        let request: CreateCardRequest = serde_json::from_value(groupon(title, 100)).unwrap();
        self.client.card().create_card(&request).await.unwrap().card_id
    }

    async fn get(&self, card_id: &str) -> Result<Card, wechat_card::wechat_core::Error<GetCardErrorCode>> {
        self.client.card().get_card(&GetCardRequest::new(card_id)).await.map(|answer| answer.card)
    }
}

/// Sends `body` as JSON; the HTTP status and the JSON answer.
async fn send(request: reqwest::RequestBuilder, body: &Value) -> (u16, Value) {
    let response = request.body(body.to_string()).send().await.unwrap();
    let status = response.status().as_u16();
    (status, serde_json::from_str(&response.text().await.unwrap()).unwrap())
}

fn groupon_of(card: Card) -> wechat_card::card::types::Groupon {
    match card {
        Card::Groupon(groupon) => groupon,
        other => panic!("expected the groupon created, got {other:?}"),
    }
}

#[tokio::test]
async fn get_answers_what_create_stored_with_its_id_and_review_status() {
    let h = Harness::start().await;
    let first = h.create("132元双人火锅套餐").await;
    let second = h.create("9折优惠券").await;
    assert_ne!(first, second);
    assert!(first.starts_with('p') && first.len() == 28, "shaped like WeChat's card_id: {first}");

    let card = groupon_of(h.get(&first).await.unwrap());
    assert_eq!(card.base_info.title, "132元双人火锅套餐");
    assert_eq!(card.deal_detail, "以下锅底2选1");
    assert_eq!(card.base_info.sku.quantity, 100);
    assert_eq!(card.base_info.id(), Some(&first));
    assert_eq!(card.base_info.status(), Some(&CardStatus::NotVerified));
    let created = *card.base_info.create_time().unwrap();
    assert!(created > 1_700_000_000, "now, in unix seconds: {created}");
    assert_eq!(groupon_of(h.get(&second).await.unwrap()).base_info.title, "9折优惠券");
}

#[tokio::test]
async fn the_same_holds_over_plain_http() {
    let h = Harness::start().await;
    let created = h.post("/card/create", &groupon("团购券", 7)).await;
    assert_eq!((&created["errcode"], &created["errmsg"]), (&json!(0), &json!("ok")), "{created}");
    let card_id = created["card_id"].as_str().unwrap();
    let read = h.post("/card/get", &json!({ "card_id": card_id })).await;
    let base_info = &read["card"]["groupon"]["base_info"];
    assert_eq!(read["card"]["card_type"], "GROUPON", "{read}");
    assert_eq!((&base_info["id"], &base_info["status"]), (&json!(card_id), &json!("CARD_STATUS_NOT_VERIFY")));
    assert_eq!((&base_info["title"], &base_info["sku"]["quantity"]), (&json!("团购券"), &json!(7)));
    let unknown = h.post("/card/get", &json!({"card_id": "pUnknown"})).await;
    assert_eq!(unknown["errcode"], 40073, "{unknown}");
    assert!(unknown["errmsg"].as_str().unwrap().starts_with("invalid card id"), "{unknown}");
}

#[tokio::test]
async fn an_unknown_card_answers_40073_typed() {
    let h = Harness::start().await;
    let error = h.get("pbLatjnP97_F9PudzBARQhn7xR7A").await.unwrap_err();
    assert_eq!(error.api_code(), Some(GetCardErrorCode::InvalidCardId), "{error}");
}

#[tokio::test]
async fn a_deleted_card_answers_40073() {
    // No delete endpoint is in the spec yet: the store removes it as a declared delete would.
    let h = Harness::start().await;
    let card_id = h.create("将删除").await;
    assert!(h.get(&card_id).await.is_ok());
    assert!(h.mock.resources().remove(CARD, &card_id).is_some());
    let error = h.get(&card_id).await.unwrap_err();
    assert_eq!(error.api_code(), Some(GetCardErrorCode::InvalidCardId), "{error}");
}

#[tokio::test]
async fn approving_a_card_is_what_wechat_review_answers_afterwards() {
    let h = Harness::start().await;
    let card_id = h.create("待审核").await;
    let refused = h.mock.cards().take(TakeCard::new(card_id.as_str())).unwrap_err();
    assert!(matches!(refused, CardError::NotApproved { .. }), "{refused}");

    let approved = h.mock.cards().approve(&card_id).unwrap();
    assert_eq!(approved.status, VERIFY_OK);
    let card = groupon_of(h.get(&card_id).await.unwrap());
    assert_eq!(card.base_info.status(), Some(&CardStatus::Approved));
    assert_eq!(card.base_info.sku.total_quantity(), Some(&100));

    let url = format!("{}/__mock/cards/approve", h.mock.base_url());
    let (status, answer) = send(h.http.post(url), &json!({"card_id": "pUnknown"})).await;
    assert_eq!(status, 404, "{answer}");
    assert!(answer["error"].as_str().unwrap().contains("pUnknown"), "{answer}");

    let taken = h.mock.cards().take(TakeCard::new(card_id.as_str())).unwrap();
    assert_eq!(groupon_of(h.get(&card_id).await.unwrap()).base_info.sku.quantity, 99, "{taken:?}");
}

#[tokio::test]
async fn faults_come_before_the_stored_card() {
    let h = Harness::start().await;
    let card_id = h.create("故障").await;
    h.mock.faults().push(Fault::errcode(40073).only("card/get_card")).unwrap();
    let error = h.get(&card_id).await.unwrap_err();
    assert_eq!(error.api_code(), Some(GetCardErrorCode::InvalidCardId));
    assert!(h.get(&card_id).await.is_ok(), "the fault was for one call only");
    h.mock.faults().push(Fault::http_status(503).only("card/create_card")).unwrap();
    let request: CreateCardRequest = serde_json::from_value(groupon("不存", 1)).unwrap();
    assert!(h.client.card().create_card(&request).await.is_err());
    assert_eq!(h.mock.resources().list(CARD).len(), 1, "a faulted create stores nothing");
}
