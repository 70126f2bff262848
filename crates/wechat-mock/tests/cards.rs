//! Cards and codes kept as the spec declares them (spec/resources.toml, spec/card/, the
//! card_code and member_card groups' `[[mock]]` steps and user actions), through the generated
//! client and over HTTP: what create_card stores is what get_card answers; review and users are
//! user actions; stock, codes and members' points move as WeChat moves them; faults still come
//! first.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use serde_json::{Value, json};
use wechat_card::card::types::{Card, CardStatus};
use wechat_card::card::{
    CreateCardRequest, DeleteCardErrorCode, DeleteCardRequest, GetCardErrorCode, GetCardRequest,
    ListCardsRequest, ModifyStockErrorCode, ModifyStockRequest,
};
use wechat_card::card_code::get_code::UserCardStatus;
use wechat_card::card_code::{
    ConsumeCodeErrorCode, ConsumeCodeRequest, DecryptCodeErrorCode, DecryptCodeRequest, DepositCodesRequest,
    GetCodeErrorCode, GetCodeRequest, SetCodeUnavailableRequest,
};
use wechat_card::member_card::{UpdateMemberErrorCode, UpdateMemberRequest};
use wechat_mock::records::{self, CodeStatus};
use wechat_mock::user_actions::card::{ApproveCardParams, TakeCardParams};
use wechat_mock::{Fault, MockConfig, MockServer, UserActionError};

/// A group-buying voucher as `/card/create` takes it.
fn groupon(title: &str, quantity: i64) -> Value {
    json!({"card": {"card_type": "GROUPON", "groupon": {
        "base_info": {
            "logo_url": "http://mmbiz.qpic.cn/mmbiz/logo/0", "brand_name": "微信餐厅", "code_type": "CODE_TYPE_TEXT",
            "title": title, "color": "Color010", "notice": "使用时向服务员出示此券", "description": "不可与其他优惠同享",
            "date_info": {"type": "DATE_TYPE_FIX_TERM", "fixed_term": 30, "fixed_begin_term": 0},
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

    async fn create_from(&self, card: Value) -> String {
        let request: CreateCardRequest = serde_json::from_value(card).unwrap();
        self.client.card().create_card(&request).await.unwrap().card_id
    }

    async fn create(&self, title: &str) -> String {
        self.create_from(groupon(title, 100)).await
    }

    /// A card created and approved by WeChat's review.
    async fn approved(&self, card: Value) -> String {
        let card_id = self.create_from(card).await;
        self.mock.act(&ApproveCardParams::new(&card_id)).unwrap();
        card_id
    }

    /// A user takes the card: the code and its encrypt_code.
    fn take(&self, card_id: &str, openid: &str) -> (String, String) {
        let taken = self.mock.act(&take_params(card_id, openid)).unwrap();
        (taken["code"].as_str().unwrap().to_owned(), taken["encrypt_code"].as_str().unwrap().to_owned())
    }

    async fn get(&self, card_id: &str) -> Result<Card, wechat_card::wechat_core::Error<GetCardErrorCode>> {
        self.client.card().get_card(&GetCardRequest::new(card_id)).await.map(|answer| answer.card)
    }

    async fn sku(&self, card_id: &str) -> (i64, Option<i64>) {
        let base_info = groupon_of(self.get(card_id).await.unwrap()).base_info;
        (base_info.sku.quantity, base_info.sku.total_quantity().copied())
    }

    /// The status the mock keeps for the code.
    fn code_status(&self, code: &str) -> Value {
        let codes = self.mock.records("code");
        codes.iter().find(|c| c["code"] == code).map(|c| c["status"].clone()).unwrap_or(Value::Null)
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

/// A user taking a card.
fn take_params(card_id: &str, openid: &str) -> TakeCardParams {
    TakeCardParams::builder().card_id(card_id).openid(openid).build().unwrap()
}

/// The errcode WeChat would refuse a user action with.
fn refused(result: Result<Value, UserActionError>) -> i64 {
    match result {
        Err(UserActionError::Refused { errcode, .. }) => errcode,
        other => panic!("expected a refusal, got {other:?}"),
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
    assert_eq!(card.base_info.sku.total_quantity(), Some(&100), "the total starts at the quantity");
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
async fn a_deleted_card_is_gone_but_the_codes_users_hold_stay_valid() {
    let h = Harness::start().await;
    let card_id = h.approved(groupon("将删除", 10)).await;
    let (code, _) = h.take(&card_id, "o_holder");
    h.client.card().delete_card(&DeleteCardRequest::new(&card_id)).await.unwrap();

    let error = h.get(&card_id).await.unwrap_err();
    assert_eq!(error.api_code(), Some(GetCardErrorCode::InvalidCardId), "{error}");
    let again = h.client.card().delete_card(&DeleteCardRequest::new(&card_id)).await.unwrap_err();
    assert_eq!(again.api_code(), Some(DeleteCardErrorCode::InvalidCardId));
    let stock =
        h.client.card().modify_stock(&ModifyStockRequest::new(&card_id).increase_stock_value(1)).await;
    assert_eq!(stock.unwrap_err().api_code(), Some(ModifyStockErrorCode::InvalidCardId));
    assert_eq!(refused(h.mock.act(&take_params(&card_id, "o_late"))), 40073);
    let unknown = h.client.card().delete_card(&DeleteCardRequest::new("pUnknown")).await.unwrap_err();
    assert_eq!(unknown.api_code(), Some(DeleteCardErrorCode::InvalidCardId));

    let deleted = ListCardsRequest::builder()
        .offset(0)
        .count(10)
        .status_list(vec![CardStatus::Deleted])
        .build()
        .unwrap();
    assert_eq!(
        h.client.card().list_cards(&deleted).await.unwrap().card_id_list,
        std::slice::from_ref(&card_id)
    );
    let redeemed = h.client.card_code().consume_code(&ConsumeCodeRequest::new(&code)).await.unwrap();
    assert_eq!((redeemed.card.card_id, redeemed.openid), (card_id, "o_holder".to_owned()));
}

#[tokio::test]
async fn review_and_users_are_user_actions() {
    let h = Harness::start().await;
    let card_id = h.create("待审核").await;
    assert_eq!(refused(h.mock.act(&take_params(&card_id, "o_user"))), 40078, "not approved yet");
    assert_eq!(groupon_of(h.get(&card_id).await.unwrap()).base_info.sku.quantity, 100, "nothing taken");

    h.mock.act(&ApproveCardParams::new(&card_id)).unwrap();
    let card = groupon_of(h.get(&card_id).await.unwrap());
    assert_eq!(card.base_info.status(), Some(&CardStatus::Approved));
    assert_eq!(refused(h.mock.act(&ApproveCardParams::new(&card_id))), 40078, "approved once");

    let url = format!("{}/__mock/user/card/approve_card", h.mock.base_url());
    let (status, answer) = send(h.http.post(&url), &json!({"card_id": "pUnknown"})).await;
    assert_eq!((status, &answer["errcode"]), (422, &json!(40073)), "{answer}");
    let (status, answer) = send(h.http.post(&url), &json!({})).await;
    assert_eq!(status, 400, "{answer}");

    let (code, _) = h.take(&card_id, "o_user");
    assert_eq!(
        (code.len(), code.chars().all(|c| c.is_ascii_digit())),
        (12, true),
        "WeChat's 12 digits: {code}"
    );
    assert_eq!(h.sku(&card_id).await, (99, Some(100)), "one fewer left, the total unchanged");
    let unset = TakeCardParams::builder().card_id(&card_id).build().unwrap_err();
    assert_eq!(unset.to_string(), "cannot build `TakeCardParams`: the required field `openid` was not set");
    let held = take_params(&card_id, "o_other").code(&code);
    assert_eq!(refused(h.mock.act(&held)), 40056, "a code is held once");
}

#[tokio::test]
async fn testers_on_the_whitelist_take_cards_still_in_review() {
    let h = Harness::start().await;
    let card_id = h.create("测试").await;
    let listed =
        h.post("/card/testwhitelist/set", &json!({"openid": ["o_tester"], "username": ["tester"]})).await;
    assert_eq!((&listed["errcode"], &listed["white_list_size"]), (&json!(0), &json!(2)), "{listed}");
    h.take(&card_id, "o_tester");
    assert_eq!(refused(h.mock.act(&take_params(&card_id, "o_stranger"))), 40078);
    h.post("/card/testwhitelist/set", &json!({"openid": []})).await;
    assert_eq!(refused(h.mock.act(&take_params(&card_id, "o_tester"))), 40078, "the list was replaced");
}

#[tokio::test]
async fn stock_moves_within_its_bounds() {
    let h = Harness::start().await;
    let card_id = h.approved(groupon("库存", 2)).await;
    let modify = |request: ModifyStockRequest| {
        let client = h.client.clone();
        async move { client.card().modify_stock(&request).await }
    };
    let below = modify(ModifyStockRequest::new(&card_id).reduce_stock_value(3)).await.unwrap_err();
    assert_eq!(below.api_code(), Some(ModifyStockErrorCode::InvalidQuantity));
    assert_eq!(h.sku(&card_id).await, (2, Some(2)), "unchanged");
    modify(ModifyStockRequest::new(&card_id).increase_stock_value(5).reduce_stock_value(1)).await.unwrap();
    assert_eq!(h.sku(&card_id).await, (6, Some(6)));
    let over = modify(ModifyStockRequest::new(&card_id).increase_stock_value(100_000_000)).await.unwrap_err();
    assert_eq!(over.api_code(), Some(ModifyStockErrorCode::InvalidQuantity), "at most 100,000,000");
    let unknown = modify(ModifyStockRequest::new("pUnknown").increase_stock_value(1)).await.unwrap_err();
    assert_eq!(unknown.api_code(), Some(ModifyStockErrorCode::InvalidCardId));

    modify(ModifyStockRequest::new(&card_id).reduce_stock_value(5)).await.unwrap();
    h.take(&card_id, "o_last");
    assert_eq!(h.sku(&card_id).await, (0, Some(1)));
    assert_eq!(refused(h.mock.act(&take_params(&card_id, "o_late"))), 45031, "none left");
}

#[tokio::test]
async fn a_code_is_read_redeemed_once_made_unavailable_and_decrypted() {
    let h = Harness::start().await;
    let card_id = h.approved(groupon("兑换", 10)).await;
    let (code, encrypt_code) = h.take(&card_id, "o_user");
    let codes = h.client.card_code();

    assert_eq!(codes.decrypt_code(&DecryptCodeRequest::new(&encrypt_code)).await.unwrap().code, code);
    let junk = codes.decrypt_code(&DecryptCodeRequest::new("XXIzTtMqCxwOaawoE91")).await.unwrap_err();
    assert_eq!(junk.api_code(), Some(DecryptCodeErrorCode::InvalidEncryptCode));

    let read = codes.get_code(&GetCodeRequest::new(&code).card_id(&card_id)).await.unwrap();
    assert_eq!((read.user_card_status, read.can_consume), (Some(UserCardStatus::Normal), Some(true)));
    assert_eq!((read.openid.as_str(), read.card.card_id.as_str()), ("o_user", card_id.as_str()));
    assert_eq!(read.card.end_time - read.card.begin_time, 30 * 86_400, "DATE_TYPE_FIX_TERM of 30 days");

    let consumed = codes.consume_code(&ConsumeCodeRequest::new(&code)).await.unwrap();
    assert_eq!((consumed.card.card_id.as_str(), consumed.openid.as_str()), (card_id.as_str(), "o_user"));
    let twice = codes.consume_code(&ConsumeCodeRequest::new(&code)).await.unwrap_err();
    assert_eq!(twice.api_code(), Some(ConsumeCodeErrorCode::CodeAlreadyConsumed));
    let read = codes.get_code(&GetCodeRequest::new(&code)).await.unwrap_err();
    assert_eq!(read.api_code(), Some(GetCodeErrorCode::CodeAlreadyConsumed));
    let state = codes.get_code(&GetCodeRequest::new(&code).check_consume(false)).await.unwrap();
    assert_eq!((state.user_card_status, state.can_consume), (Some(UserCardStatus::Consumed), Some(false)));

    let (other, _) = h.take(&card_id, "o_user");
    let wrong_card =
        codes.consume_code(&ConsumeCodeRequest::new(&other).card_id("pOther")).await.unwrap_err();
    assert_eq!(wrong_card.api_code(), Some(ConsumeCodeErrorCode::InvalidSerialCode));
    codes.set_code_unavailable(&SetCodeUnavailableRequest::new(&other)).await.unwrap();
    let unavailable = codes.consume_code(&ConsumeCodeRequest::new(&other)).await.unwrap_err();
    assert_eq!(unavailable.api_code(), Some(ConsumeCodeErrorCode::InvalidUserCardStatus));
    let unknown = codes.consume_code(&ConsumeCodeRequest::new("000000000000")).await.unwrap_err();
    assert_eq!(unknown.api_code(), Some(ConsumeCodeErrorCode::InvalidSerialCode));
}

#[tokio::test]
async fn faults_come_before_the_declared_steps() {
    let h = Harness::start().await;
    let card_id = h.create("故障").await;
    h.mock.faults().push(Fault::errcode(40073).only("card/get_card")).unwrap();
    let error = h.get(&card_id).await.unwrap_err();
    assert_eq!(error.api_code(), Some(GetCardErrorCode::InvalidCardId));
    assert!(h.get(&card_id).await.is_ok(), "the fault was for one call only");
    h.mock.faults().push(Fault::http_status(503).only("card/create_card")).unwrap();
    let request: CreateCardRequest = serde_json::from_value(groupon("不存", 1)).unwrap();
    assert!(h.client.card().create_card(&request).await.is_err());
    assert_eq!(h.mock.records("card").len(), 1, "a faulted create stores nothing");

    h.mock.act(&ApproveCardParams::new(&card_id)).unwrap();
    let (code, _) = h.take(&card_id, "o_user");
    h.mock.faults().push(Fault::errcode(-1).only("card_code/consume_code")).unwrap();
    assert!(h.client.card_code().consume_code(&ConsumeCodeRequest::new(&code)).await.is_err());
    assert_eq!(h.code_status(&code), json!("NORMAL"), "not consumed");
    h.client.card_code().consume_code(&ConsumeCodeRequest::new(&code)).await.unwrap();
    assert_eq!(h.code_status(&code), json!("CONSUMED"));
}

#[tokio::test]
async fn member_points_and_balance_change_in_updateuser_and_show_in_get_code() {
    let h = Harness::start().await;
    h.mock
        .seed_record(&records::Card::new().card_id("pMember").status(records::CardStatus::VerifyOk))
        .unwrap();
    h.mock.seed_record(&records::Code::new("pMember").code("916679873278").openid("o_member")).unwrap();
    type Builder = wechat_card::member_card::update_member::UpdateMemberRequestBuilder;
    let update = |build: &dyn Fn(Builder) -> Builder| {
        let request: UpdateMemberRequest =
            build(UpdateMemberRequest::builder().code("916679873278").card_id("pMember")).build().unwrap();
        let client = h.client.clone();
        async move { client.member_card().update_member(&request).await }
    };
    let added = update(&|b| b.add_bonus(100).add_balance(500)).await.unwrap();
    assert_eq!((added.result_bonus, added.result_balance), (Some(100), Some(500)));
    let spent = update(&|b| b.add_bonus(-40).add_balance(-200)).await.unwrap();
    assert_eq!((spent.result_bonus, spent.result_balance), (Some(60), Some(300)));
    let set = update(&|b| b.bonus(1000)).await.unwrap();
    assert_eq!(
        (set.result_bonus, set.result_balance, set.openid.as_str()),
        (Some(1000), Some(300), "o_member")
    );
    let below = update(&|b| b.add_balance(-301)).await.unwrap_err();
    assert_eq!(
        below.api_code(),
        Some(UpdateMemberErrorCode::General(wechat_card::GeneralErrorCode::DataFormatError))
    );
    let read = h.client.card_code().get_code(&GetCodeRequest::new("916679873278")).await.unwrap();
    assert_eq!((read.bonus, read.balance), (Some(1000), Some(300)), "unchanged by the refused call");
    let unknown = update(&|b| b.code("000000000000").add_bonus(1)).await.unwrap_err();
    assert_eq!(unknown.api_code(), Some(UpdateMemberErrorCode::InvalidSerialCode));
}

#[tokio::test]
async fn deposited_codes_are_given_out_and_counted() {
    let h = Harness::start().await;
    let deposit_mode = json!({"card": {"card_type": "GIFT", "gift": {
        "base_info": {
            "logo_url": "http://mmbiz.qpic.cn/mmbiz/logo/0", "brand_name": "微信餐厅", "code_type": "CODE_TYPE_TEXT",
            "title": "咖啡兑换券", "color": "Color010", "notice": "出示此券", "description": "一杯",
            "date_info": {"type": "DATE_TYPE_PERMANENT"}, "sku": {"quantity": 0},
            "use_custom_code": true, "get_custom_code_mode": "GET_CUSTOM_CODE_MODE_DEPOSIT"},
        "gift": "一杯咖啡"}}});
    let card_id = h.approved(deposit_mode).await;
    let codes = h.client.card_code();
    let deposit = DepositCodesRequest::builder()
        .card_id(&card_id)
        .code(vec!["D-1".to_owned(), "D-2".to_owned()])
        .build()
        .unwrap();
    let first = codes.deposit_codes(&deposit).await.unwrap();
    assert_eq!(first.succ_code, Some(vec!["D-1".to_owned(), "D-2".to_owned()]));
    let again = codes.deposit_codes(&deposit).await.unwrap();
    assert_eq!(
        (again.succ_code, again.duplicate_code),
        (Some(vec![]), Some(vec!["D-1".to_owned(), "D-2".to_owned()]))
    );
    assert_eq!(h.mock.records("code").iter().filter(|c| c["status"] == "DEPOSITED").count(), 2);

    let too_many = ModifyStockRequest::new(&card_id).increase_stock_value(3);
    let error = h.client.card().modify_stock(&too_many).await.unwrap_err();
    assert_eq!(error.api_code(), Some(ModifyStockErrorCode::InvalidQuantity), "more than the codes waiting");
    h.client.card().modify_stock(&ModifyStockRequest::new(&card_id).increase_stock_value(2)).await.unwrap();
    let (code, _) = h.take(&card_id, "o_user");
    assert_eq!(code, "D-1", "the oldest imported code");
    assert_eq!(h.code_status("D-1"), json!(records_status(CodeStatus::Normal)));
    let read = codes.get_code(&GetCodeRequest::new("D-2").card_id(&card_id)).await.unwrap_err();
    assert_eq!(read.api_code(), Some(GetCodeErrorCode::InvalidSerialCode), "no user holds a deposited code");
}

/// A typed status as the mock writes it.
fn records_status(status: CodeStatus) -> Value {
    serde_json::to_value(status).unwrap()
}

#[tokio::test]
async fn the_card_families_answer_from_state_but_the_colours() {
    let h = Harness::start().await;
    let url = format!("{}/__mock/operations", h.mock.base_url());
    let listed = h.http.get(url).send().await.unwrap().text().await.unwrap();
    let listed: Value = serde_json::from_str(&listed).unwrap();
    let families = ["card", "card_code", "member_card", "card_stats"];
    let mut seen = 0;
    for op in listed["operations"].as_array().unwrap() {
        if !families.iter().any(|g| op["group"] == *g) {
            continue;
        }
        seen += 1;
        let expected = if op["key"] == "card/get_colors" { "example" } else { "state" };
        assert_eq!(op["answers"], expected, "{op}");
    }
    assert_eq!(seen, 40, "the four groups' operations");
}
