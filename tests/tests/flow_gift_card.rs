//! The gift-card family through `wechat_card::Client` against wechat-mock, from the state the
//! spec declares: a page added is the page read, changed and listed; an order a user pays (the
//! user action, pushing `giftcard_pay_done`) is the order read, listed and refunded once; and
//! the examples' answers are what the mock answers from the records their `given` declares.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use tests::event_sink::EventSink;
use wechat_card::Client;
use wechat_card::events::Event;
use wechat_card::gift_card::types::PageControl;
use wechat_card::gift_card::{
    CreatePageErrorCode, CreatePageRequest, GetOrderErrorCode, GetOrderRequest, GetPageErrorCode,
    GetPageRequest, ListOrdersRequest, ListPagesRequest, RefundOrderErrorCode, RefundOrderRequest,
    SetMaintainRequest, SetWxaRequest, UpdatePageRequest,
};
use wechat_core::{ApiError, Error, ErrorCode, Operation, Secret, decode_response};
use wechat_mock::records::{Card, CardStatus, GiftCardOrder, GiftCardPage};
use wechat_mock::user_actions::gift_card::{AcceptGiftCardParams, BuyGiftCardParams, GiveGiftCardParams};
use wechat_mock::{MockConfig, MockServer, PushTarget, Record, UserActionError, UserActionParams};

const CARD: &str = "pbLatjiSj_yVRH5XTb2Zsln7DNQg";
const BUYER: &str = "obLatjgoYejavUtHsWwrX-2GtFJE";
const FRIEND: &str = "obLatjjwDolFjRRd3doGnkCqpXNY";

struct Flow {
    mock: MockServer,
    client: Client,
    sink: EventSink,
}

async fn start() -> Flow {
    let sink = EventSink::start().await;
    let target = PushTarget::new(sink.url(), &Secret::new(EventSink::TOKEN)).attempts(1);
    let mock = MockServer::start(MockConfig::demo().push(target)).await.expect("the mock starts");
    let core = wechat_core::Client::builder()
        .base_url(mock.base_url())
        .token_provider(wechat_core::StableToken::new(&mock.config().appid, mock.config().secret.clone()))
        .retry_policy(wechat_core::RetryPolicy::none())
        .build()
        .expect("a valid client");
    Flow { mock, client: Client::new(core), sink }
}

/// The user `BUYER` buying `card_id` on `page_id` for `price` fen.
fn buy(page_id: &str, card_id: &str, price: i64) -> BuyGiftCardParams {
    BuyGiftCardParams::builder()
        .page_id(page_id)
        .openid(BUYER)
        .card_id(card_id)
        .price(price)
        .build()
        .expect("every required parameter is set")
}

/// The user `openid` accepting the order `order_id` given to them.
fn accept(order_id: &str, openid: &str) -> AcceptGiftCardParams {
    AcceptGiftCardParams::builder().order_id(order_id).openid(openid).build().expect("both are set")
}

fn seed<R: Record>(mock: &MockServer, record: &R) -> Value {
    let record = serde_json::to_value(record).expect("a record serializes");
    mock.seed(R::RESOURCE, record).unwrap_or_else(|e| panic!("the mock holds a {}: {e}", R::RESOURCE))
}

fn act<P: UserActionParams>(mock: &MockServer, params: &P) -> Result<Value, UserActionError> {
    mock.user_action(P::ACTION, serde_json::to_value(params).expect("parameters serialize"))
}

fn request<T: serde::de::DeserializeOwned>(body: Value) -> T {
    serde_json::from_value(body).expect("the body fits the request type")
}

fn api_code<T: std::fmt::Debug, C: ErrorCode>(result: Result<T, Error<C>>) -> C {
    match result {
        Err(Error::Api(ApiError { code, .. })) => code,
        other => panic!("expected a WeChat error answer, got {other:?}"),
    }
}

fn now() -> i64 {
    let seconds = SystemTime::now().duration_since(UNIX_EPOCH).expect("after 1970").as_secs();
    i64::try_from(seconds).expect("fits")
}

fn page_with(card_id: &str, banner: &str) -> Value {
    json!({
        "page_title": "礼品卡", "banner_pic_url": banner,
        "theme_list": [{"theme_pic_url": "http://mmbiz.qpic.cn/theme/0", "title": "圣诞", "title_color": "#FB966E",
                        "item_list": [{"card_id": card_id, "title": "焦糖拿铁"}],
                        "pic_item_list": [{"background_pic_url": "http://mmbiz.qpic.cn/face/0", "default_gifting_msg": "祝福语"}]}],
        "address": "广州市海珠区222号", "service_phone": "020-12345678", "biz_description": "退款指引"
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_is_added_read_changed_and_listed_and_an_order_is_paid_read_and_refunded_once() {
    let mut flow = start().await;
    let gift_card = flow.client.gift_card();
    seed(&flow.mock, &Card::new().card_id(CARD).status(CardStatus::VerifyOk));

    // A page offering a card no one created is refused; then the page is added.
    let unknown =
        request::<CreatePageRequest>(json!({"page": page_with("pNoSuchCard_000000000000000", "http://b")}));
    assert_eq!(api_code(gift_card.create_page(&unknown).await), CreatePageErrorCode::InvalidCardId);
    let added =
        request::<CreatePageRequest>(json!({"page": page_with(CARD, "http://mmbiz.qpic.cn/banner/1")}));
    let page_id = gift_card.create_page(&added).await.expect("the page is added").page_id;
    assert_eq!(page_id.len(), "abcedfghifk=+Uasdaseq14fadkf8123h4jk".len(), "{page_id}");

    // It reads back as added.
    let read = gift_card.get_page(&GetPageRequest::new(&page_id)).await.expect("the page reads").page;
    assert_eq!(read.banner_pic_url, "http://mmbiz.qpic.cn/banner/1");
    assert_eq!(
        (read.page_title.as_deref(), read.address.as_deref()),
        (Some("礼品卡"), Some("广州市海珠区222号"))
    );
    assert_eq!(read.theme_list.len(), 1);
    assert_eq!(read.theme_list[0].item_list[0].card_id, CARD);
    let nowhere = GetPageRequest::new("abcedfghifk=+Uasdaseq14fadkf8123h4zz");
    assert_eq!(api_code(gift_card.get_page(&nowhere).await), GetPageErrorCode::InvalidPageId);

    // Changed: the banner and themes sent replace the page's, the rest is kept.
    let update = request::<UpdatePageRequest>(json!({"page": {
        "page_id": page_id, "banner_pic_url": "http://mmbiz.qpic.cn/banner/2",
        "theme_list": page_with(CARD, "-")["theme_list"].clone()}}));
    gift_card.update_page(&update).await.expect("the page changes");
    let changed = gift_card.get_page(&GetPageRequest::new(&page_id)).await.expect("reads").page;
    assert_eq!(changed.banner_pic_url, "http://mmbiz.qpic.cn/banner/2");
    assert_eq!(changed.address.as_deref(), Some("广州市海珠区222号"), "what the update left out is kept");

    // Listed, with a second page after it.
    let second =
        request::<CreatePageRequest>(json!({"page": page_with(CARD, "http://mmbiz.qpic.cn/banner/3")}));
    let second_id = gift_card.create_page(&second).await.expect("a second page").page_id;
    let listed = gift_card.list_pages(&ListPagesRequest::new()).await.expect("lists").page_id_list;
    assert_eq!(listed, [page_id.clone(), second_id.clone()]);

    // Uploaded to the mini program, and taken off sale on its own.
    gift_card
        .set_wxa(
            &SetWxaRequest::builder()
                .wxa_appid("wx8638fbedaf138a87")
                .page_id(&page_id)
                .build()
                .expect("valid"),
        )
        .await
        .expect("uploads");
    let maintain = request::<SetMaintainRequest>(json!({"page_id": second_id, "maintain": true}));
    let control = gift_card.set_maintain(&maintain).await.expect("off sale").control_info;
    assert_eq!(control.biz_control_type, PageControl::Normal, "the account's switch is untouched");
    let states: Vec<(String, PageControl)> =
        control.list.iter().map(|p| (p.page_id.clone(), p.page_control_type.clone())).collect();
    assert_eq!(states, [(page_id.clone(), PageControl::Normal), (second_id, PageControl::OffByMerchant)]);
    let kept = flow.mock.records(GiftCardPage::RESOURCE);
    assert_eq!(kept[0]["wxa_appid"], "wx8638fbedaf138a87");

    // A user buys the card on the page: WeChat pushes giftcard_pay_done.
    let before = now();
    let bought = act(&flow.mock, &buy(&page_id, CARD, 10_000).outer_str("web")).expect("the user pays");
    let order_id = bought["order_id"].as_str().expect("an order id").to_owned();
    let code = bought["card_list"][0]["code"].as_str().expect("a code WeChat made").to_owned();
    assert_eq!(code.len(), 12, "{code}");
    let Event::GiftcardPayDone(paid) = flow.sink.next().await else { panic!("giftcard_pay_done first") };
    assert_eq!((paid.order_id.as_str(), paid.page_id.as_str()), (order_id.as_str(), page_id.as_str()));
    assert_eq!(paid.header.from_user_name, BUYER);

    // The order reads as paid.
    let order = gift_card.get_order(&GetOrderRequest::new(&order_id)).await.expect("the order reads").order;
    assert_eq!((order.order_id.as_str(), order.page_id.as_str()), (order_id.as_str(), page_id.as_str()));
    assert_eq!((order.open_id.as_str(), order.total_price), (BUYER, 10_000));
    assert_eq!(order.outer_str.as_deref(), Some("web"));
    assert!(order.create_time >= before && order.pay_finish_time.is_some_and(|t| t >= before));
    assert_eq!(order.card_list.len(), 1);
    assert_eq!(
        (order.card_list[0].card_id.as_str(), order.card_list[0].code.as_str()),
        (CARD, code.as_str())
    );
    assert_eq!(order.accepter_openid, None);

    // Given to a friend who accepts it: two more pushes, and the order names the friend.
    act(&flow.mock, &GiveGiftCardParams::new(&order_id)).expect("given");
    let Event::GiftcardSendToFriend(given) = flow.sink.next().await else {
        panic!("giftcard_send_to_friend")
    };
    assert_eq!((given.order_id.as_str(), given.is_chat_room), (order_id.as_str(), Some(false)));
    act(&flow.mock, &accept(&order_id, FRIEND)).expect("accepted");
    let Event::GiftcardUserAccept(accepted) = flow.sink.next().await else { panic!("giftcard_user_accept") };
    assert_eq!(
        (accepted.order_id.as_str(), accepted.header.from_user_name.as_str()),
        (order_id.as_str(), FRIEND)
    );
    let refused = act(&flow.mock, &accept(&order_id, "oSomeoneElse"));
    assert!(matches!(refused, Err(UserActionError::Refused { errcode: 81017, .. })), "{refused:?}");
    let order = gift_card.get_order(&GetOrderRequest::new(&order_id)).await.expect("reads").order;
    assert_eq!(order.accepter_openid.as_deref(), Some(FRIEND));
    assert_eq!(order.card_list[0].accepter_openid.as_deref(), Some(FRIEND));

    // Listed in a span that holds it, oldest first; a span before it holds nothing.
    let span = |begin: i64, end: i64| {
        ListOrdersRequest::builder()
            .begin_time(begin)
            .end_time(end)
            .offset(0)
            .count(100)
            .build()
            .expect("valid")
    };
    let listed = gift_card.list_orders(&span(before - 60, now() + 60)).await.expect("lists");
    assert_eq!(listed.total_count, 1);
    assert_eq!(listed.order_list[0].order_id, order_id);
    let earlier = gift_card.list_orders(&span(before - 7200, before - 3600)).await.expect("lists");
    assert_eq!((earlier.total_count, earlier.order_list.len()), (0, 0));

    // Refunded once; the second refund is refused; an unknown order is refused.
    gift_card.refund_order(&RefundOrderRequest::new(&order_id)).await.expect("refunded");
    let again = gift_card.refund_order(&RefundOrderRequest::new(&order_id)).await;
    assert_eq!(api_code(again), RefundOrderErrorCode::RefundReduplicate);
    let unknown = gift_card.get_order(&GetOrderRequest::new("Z2y2rY74ksZX1ceuGZ")).await;
    assert_eq!(api_code(unknown), GetOrderErrorCode::InvalidOrderId);
    assert!(flow.sink.is_quiet(), "the API calls push nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_no_theme_offers_cannot_be_bought_and_orders_are_listed_in_their_span_newest_first() {
    let flow = start().await;
    seed(&flow.mock, &Card::new().card_id(CARD).status(CardStatus::VerifyOk));
    seed(&flow.mock, &Card::new().card_id("pbLatjlq75CPBR_tYCRdPlxSGlOs"));
    let page = seed(
        &flow.mock,
        &GiftCardPage::new()
            .page(json!({"banner_pic_url": "b", "theme_list": page_with(CARD, "-")["theme_list"].clone()})),
    );
    let page_id = page["page_id"].as_str().expect("a fresh page id");
    let off_page = act(&flow.mock, &buy(page_id, "pbLatjlq75CPBR_tYCRdPlxSGlOs", 1));
    assert!(matches!(off_page, Err(UserActionError::Refused { errcode: 40073, .. })), "{off_page:?}");
    assert!(flow.mock.records(GiftCardOrder::RESOURCE).is_empty(), "a refused purchase keeps nothing");

    for (order_id, created) in [("o-1", 1_000), ("o-2", 2_000), ("o-3", 3_000)] {
        seed(&flow.mock, &GiftCardOrder::new().order_id(order_id).page_id(page_id).create_time(created));
    }
    let gift_card = flow.client.gift_card();
    let span = request::<ListOrdersRequest>(
        json!({"begin_time": 1_500, "end_time": 3_000, "sort_type": "DESC", "offset": 0, "count": 1}),
    );
    let newest = gift_card.list_orders(&span).await.expect("lists");
    let ids: Vec<&str> = newest.order_list.iter().map(|o| o.order_id.as_str()).collect();
    assert_eq!((newest.total_count, ids), (2, vec!["o-3"]));
    let over_31_days = request::<ListOrdersRequest>(
        json!({"begin_time": 0, "end_time": 2_678_401, "offset": 0, "count": 1}),
    );
    let refused = gift_card.list_orders(&over_31_days).await;
    assert_eq!(api_code(refused).code(), 81013);
}

/// The decoded answer to the example request equals the decoded success example, the mock
/// holding the records the example's `given` declares.
async fn answers_its_example<O>(client: &Client, operation: &str, request: &O)
where
    O: Operation + std::fmt::Debug,
    O::Response: PartialEq + std::fmt::Debug,
{
    let example = wechat_mock::spec_table::operation(operation)
        .and_then(|op| op.success_example)
        .unwrap_or_else(|| panic!("{operation} has a success example"));
    let expected = decode_response::<O>(example.as_bytes()).expect("the example decodes");
    let answer = client.core().send(request).await.unwrap_or_else(|e| panic!("{operation}: {e}"));
    assert_eq!(answer, expected, "{operation}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_examples_are_what_the_mock_answers_from_their_given_records() {
    let flow = start().await;
    let page_id = "abcedfghifk=+Uasdaseq14fadkf8123h4jk";
    let example_page = json!({"banner_pic_url": "http://img.com/banner_pic",
        "theme_list": [{"theme_pic_url": "http://img.com/theme_pic", "title": "title_lalala", "title_color": "#FFFFFF",
                        "item_list": [{"card_id": "card_id_lalala"}],
                        "pic_item_list": [{"background_pic_url": "http://img.com/bg_pic1", "default_gifting_msg": "祝福语1"},
                                          {"background_pic_url": "http://img.com/bg_pic2", "default_gifting_msg": "祝福语2"},
                                          {"background_pic_url": "http://img.com/bg_pic3", "default_gifting_msg": "祝福语3"}]}]});
    seed(
        &flow.mock,
        &GiftCardPage::new()
            .page_id(page_id)
            .page(example_page)
            .system_page_control_type(json!("E_PAGE_CONTROL_SYSTEM")),
    );
    let client = &flow.client;
    answers_its_example(client, "gift_card/get_page", &GetPageRequest::new(page_id)).await;

    flow.mock
        .seed("gift_card_shop", json!({"biz_control_type": "E_PAGE_CONTROL_BIZ", "system_biz_control_type": "E_PAGE_CONTROL_NORMAL"}))
        .expect("the account's switches");
    let maintain = request::<SetMaintainRequest>(json!({"page_id": page_id, "maintain": true}));
    answers_its_example(client, "gift_card/set_maintain", &maintain).await;

    let order = json!({"order_id": "Z2y2rY74ksZX1ceuGA", "page_id": page_id,
        "trans_id": "4001562001201608292531663351", "create_time": 123, "pay_finish_time": 123,
        "total_price": 123, "open_id": "123", "accepter_openid": "123",
        "card_list": [{"card_id": "card_id_1", "price": 123, "code": "code_123456",
                       "default_gifting_msg": "", "background_pic_url": "", "accepter_openid": "123"}],
        "outer_str": "web", "IsChatRoom": true});
    flow.mock.seed(GiftCardOrder::RESOURCE, order).expect("the example's order");
    answers_its_example(client, "gift_card/get_order", &GetOrderRequest::new("Z2y2rY74ksZX1ceuGA")).await;

    for last in ["l", "m", "n"] {
        seed(&flow.mock, &GiftCardPage::new().page_id(format!("abcedfghifk=+Uasdaseq14fadkf8123h4j{last}")));
    }
    answers_its_example(client, "gift_card/list_pages", &ListPagesRequest::new()).await;
}
