//! The coin (券点) family through `wechat_card::Client` against wechat-mock, from the state the
//! spec declares: the account opened once with WeChat's reward, a quote confirmed once into the
//! card's stock and out of the balance, a top-up paid by a user (the user action, pushing
//! `card_pay_order`), and the ledger listing every order.

use serde_json::{Value, json};
use tests::event_sink::EventSink;
use wechat_card::Client;
use wechat_card::coin::types::{OrderStatus, OrderType};
use wechat_card::coin::{
    ActivateAccountRequest, ConfirmExchangeErrorCode, ConfirmExchangeRequest, GetCoinsInfoRequest,
    GetCoinsInfoResponse, GetOrderErrorCode, GetOrderRequest, GetPayPriceErrorCode, GetPayPriceRequest,
    ListOrdersRequest, RechargeRequest,
};
use wechat_card::events::Event;
use wechat_core::{ApiError, Error, ErrorCode, Secret};
use wechat_mock::records::{CoinOrder, CoinQuote};
use wechat_mock::user_actions::coin::PayCoinOrderParams;
use wechat_mock::{MockConfig, MockServer, PushTarget, Record, UserActionError, UserActionParams};

const CARD: &str = "p1Pj9jgj3BcomSgtuW8B1wl-wo88";
const PAYER: &str = "oWE-GwF1gGoyVVZC5PG6GXd4cKMY";

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
    let base_info = json!({"logo_url": "http://mmbiz.qpic.cn/logo/0", "brand_name": "海底捞", "code_type": "CODE_TYPE_TEXT",
        "title": "朋友的券", "color": "Color010", "notice": "出示", "description": "说明",
        "date_info": {"type": "DATE_TYPE_PERMANENT"}, "sku": {"quantity": 5}});
    let card = json!({"card_type": "DISCOUNT", "discount": {"base_info": base_info, "discount": 10}});
    mock.seed("card", json!({"card_id": CARD, "card": card, "status": "CARD_STATUS_VERIFY_OK"}))
        .expect("the mock holds the card");
    Flow { mock, client: Client::new(core), sink }
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

fn balance(info: &GetCoinsInfoResponse) -> (&str, &str, &str) {
    (info.free_coin.as_str(), info.pay_coin.as_str(), info.total_coin.as_str())
}

fn stock(mock: &MockServer) -> i64 {
    let cards = mock.records("card");
    cards[0]["card"]["discount"]["base_info"]["sku"]["quantity"].as_i64().expect("a stock")
}

fn price(quantity: u32) -> GetPayPriceRequest {
    request(json!({"card_id": CARD, "quantity": quantity}))
}

fn confirm(order_id: &str, quantity: u32) -> ConfirmExchangeRequest {
    request(json!({"card_id": CARD, "quantity": quantity, "order_id": order_id}))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coins_are_granted_exchanged_for_stock_topped_up_and_listed() {
    let mut flow = start().await;
    let coin = flow.client.coin();
    let info = coin.get_coins_info(&GetCoinsInfoRequest::new()).await.expect("reads");
    assert_eq!(balance(&info), ("0", "0", "0"), "no account yet");

    // Opened once, with WeChat's reward, pushed as card_pay_order.
    let opened = coin.activate_account(&ActivateAccountRequest::new()).await.expect("opened");
    assert_eq!(opened.reward, "200");
    let Event::CardPayOrder(granted) = flow.sink.next().await else { panic!("card_pay_order") };
    assert_eq!(
        (granted.order_type.as_deref(), granted.free_coin_count, granted.status.as_str()),
        (Some("ORDER_TYPE_SYS_ADD"), Some(200), "ORDER_STATUS_FINANCE_SUCC")
    );
    let again = coin.activate_account(&ActivateAccountRequest::new()).await.expect("answers");
    assert_eq!(again.reward, "0", "the reward is granted once");
    assert!(flow.sink.is_quiet(), "nothing granted, nothing pushed");

    // Priced, then confirmed once: the stock grows and the coins go.
    let unknown = coin.get_pay_price(&request(json!({"card_id": "pNoSuchCard", "quantity": 1}))).await;
    assert_eq!(api_code(unknown), GetPayPriceErrorCode::InvalidCardId);
    let quote = coin.get_pay_price(&price(150)).await.expect("priced");
    assert_eq!(
        (quote.price.as_str(), quote.free_coin.as_str(), quote.pay_coin.as_str()),
        ("150", "150", "0")
    );
    let mismatch = coin.confirm_exchange(&confirm(&quote.order_id, 151)).await;
    assert_eq!(api_code(mismatch), ConfirmExchangeErrorCode::InvalidCoinOrderId);
    coin.confirm_exchange(&confirm(&quote.order_id, 150)).await.expect("confirmed");
    assert_eq!(stock(&flow.mock), 155);
    let Event::CardPayOrder(exchanged) = flow.sink.next().await else { panic!("card_pay_order") };
    assert_eq!(
        (exchanged.order_type.as_deref(), exchanged.free_coin_count, exchanged.refund_free_coin_count),
        (Some("ORDER_TYPE_REDUCE"), Some(50), Some(150))
    );
    let twice = coin.confirm_exchange(&confirm(&quote.order_id, 150)).await;
    assert_eq!(api_code(twice), ConfirmExchangeErrorCode::OrderFinished);
    let info = coin.get_coins_info(&GetCoinsInfoRequest::new()).await.expect("reads");
    assert_eq!(balance(&info), ("50", "0", "50"));

    // More than the balance: priced, but refused at confirm, nothing changed.
    let short = coin.get_pay_price(&price(80)).await.expect("priced");
    assert_eq!((short.free_coin.as_str(), short.pay_coin.as_str()), ("50", "30"));
    let refused = coin.confirm_exchange(&confirm(&short.order_id, 80)).await;
    assert_eq!(api_code(refused), ConfirmExchangeErrorCode::CoinNotEnough);
    assert_eq!(stock(&flow.mock), 155);
    let kept = flow.mock.records(CoinQuote::RESOURCE);
    let short_quote = kept.iter().find(|q| q["order_id"] == short.order_id.as_str()).expect("kept");
    assert_eq!(short_quote["status"], "QUOTED", "a refused confirm changes nothing");

    // A top-up: waiting, then paid by a user; the coins join the account.
    let topup = coin.recharge(&RechargeRequest::new(100)).await.expect("a top-up");
    assert!(topup.qrcode_url.starts_with("weixin://wxpay/bizpayurl?pr="), "{}", topup.qrcode_url);
    let waiting = coin.get_order(&GetOrderRequest::new(&topup.order_id)).await.expect("reads").order_info;
    assert_eq!((waiting.status, waiting.pay_finish_time), (OrderStatus::Waiting, 0));
    assert_eq!((waiting.order_type, waiting.pay_coin_count.as_str()), (OrderType::TopUp, "100"));
    let paid = act(
        &flow.mock,
        &PayCoinOrderParams::builder().order_id(&topup.order_id).openid(PAYER).build().expect("both are set"),
    )
    .expect("the user pays");
    assert_eq!(paid["pay_coin"], 100);
    let Event::CardPayOrder(pushed) = flow.sink.next().await else { panic!("card_pay_order") };
    assert_eq!(
        (pushed.order_id.as_str(), pushed.header.from_user_name.as_str()),
        (topup.order_id.as_str(), PAYER)
    );
    assert_eq!((pushed.pay_coin_count, pushed.refund_pay_coin_count), (Some(100), Some(100)));
    let paid_twice = act(
        &flow.mock,
        &PayCoinOrderParams::builder().order_id(&topup.order_id).openid(PAYER).build().expect("both are set"),
    );
    assert!(matches!(paid_twice, Err(UserActionError::Refused { errcode: 71007, .. })), "{paid_twice:?}");
    let order = coin.get_order(&GetOrderRequest::new(&topup.order_id)).await.expect("reads").order_info;
    assert_eq!((order.status, order.openid.as_deref()), (OrderStatus::CoinsAdded, Some(PAYER)));
    assert!(order.pay_finish_time >= order.create_time && order.pay_finish_time > 0);
    let info = coin.get_coins_info(&GetCoinsInfoRequest::new()).await.expect("reads");
    assert_eq!(balance(&info), ("50", "100", "150"));

    // Now the short quote goes through, from both kinds of coins.
    coin.confirm_exchange(&confirm(&short.order_id, 80)).await.expect("confirmed");
    let Event::CardPayOrder(both) = flow.sink.next().await else { panic!("card_pay_order") };
    assert_eq!((both.refund_free_coin_count, both.refund_pay_coin_count), (Some(50), Some(30)));
    let info = coin.get_coins_info(&GetCoinsInfoRequest::new()).await.expect("reads");
    assert_eq!(balance(&info), ("0", "70", "70"));
    assert_eq!(stock(&flow.mock), 235);

    // The ledger: every order, by kind, newest first, a page at a time, without a status.
    let all = coin.list_orders(&ListOrdersRequest::new(10)).await.expect("lists");
    let kinds: Vec<OrderType> = all.order_list.iter().map(|o| o.order_type.clone()).collect();
    assert_eq!(all.total_num, 4);
    assert_eq!(kinds, [OrderType::Granted, OrderType::Exchanged, OrderType::TopUp, OrderType::Exchanged]);
    let newest = request::<ListOrdersRequest>(json!({"count": 1, "offset": 1,
        "sort_info": {"sort_key": "SORT_BY_TIME", "sort_type": "SORT_DESC"}}));
    let newest = coin.list_orders(&newest).await.expect("lists");
    assert_eq!((newest.total_num, newest.order_list.len()), (4, 1));
    assert_eq!(newest.order_list[0].order_id, topup.order_id, "the second newest");
    let topups =
        coin.list_orders(&ListOrdersRequest::new(10).order_type(OrderType::TopUp)).await.expect("lists");
    assert_eq!((topups.total_num, topups.order_list[0].order_id.as_str()), (1, topup.order_id.as_str()));
    let unfinished = request::<ListOrdersRequest>(
        json!({"count": 10, "nor_filter": {"status": "ORDER_STATUS_QUANTITY_SUCC"}}),
    );
    assert_eq!(coin.list_orders(&unfinished).await.expect("lists").total_num, 2, "the exchanges left out");
    let old = request::<ListOrdersRequest>(
        json!({"count": 10, "begin_time": 1_440_420_538, "end_time": 1_450_713_203}),
    );
    assert_eq!(coin.list_orders(&old).await.expect("lists").total_num, 0, "none in 2015");
    assert_eq!(flow.mock.records(CoinOrder::RESOURCE).len(), 4);

    let none = coin.get_order(&GetOrderRequest::new("100005790120151221401009999")).await;
    assert_eq!(api_code(none), GetOrderErrorCode::InvalidCoinOrderId);
    assert!(flow.sink.is_quiet());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quote_is_void_after_sixty_seconds() {
    let flow = start().await;
    let coin = flow.client.coin();
    coin.activate_account(&ActivateAccountRequest::new()).await.expect("opened");
    // A quote made 61 seconds ago, as the mock keeps it.
    let quote = json!({"order_id": "100003456789012345678901234", "card_id": CARD, "quantity": 10, "price": 10,
        "free_coin": 10, "pay_coin": 0, "created": 1_000, "updated": 1_000});
    flow.mock.seed(CoinQuote::RESOURCE, quote).expect("the quote");
    let late = coin.confirm_exchange(&confirm("100003456789012345678901234", 10)).await;
    assert_eq!(api_code(late), ConfirmExchangeErrorCode::OrderTimedOut);
    assert_eq!(stock(&flow.mock), 5);
}
