//! The non-tax payment family through `wechat_card::Client` against wechat-mock, from the state
//! the spec declares: an order placed is the order read, paid by the user (the user action),
//! refunded in full or in part, and listed for its notice with the one paid.

use serde_json::{Value, json};
use wechat_card::Client;
use wechat_card::nontax_pay::get_order::OrderStatus;
use wechat_card::nontax_pay::{
    ApplyVehiclePayErrorCode, ApplyVehiclePayRequest, GetOrderErrorCode, GetOrderListRequest,
    GetOrderRequest, MicroPayRequest, NotifyVehicleEntranceRequest, QueryFeeRequest, RefundErrorCode,
    RefundRequest, UnifiedOrderRequest,
};
use wechat_core::{ApiError, Error, ErrorCode};
use wechat_mock::user_actions::nontax_pay::PayNontaxOrderParams;
use wechat_mock::{MockConfig, MockServer, UserActionError, UserActionParams};

const APPID: &str = "wx5f6e43071809a9dd";
const PAYER: &str = "ont-9vjAcIdSU-LgB7ubALAVJO9U";
const NOTICE: &str = "440204190185356";

async fn start() -> (MockServer, Client) {
    let mock = MockServer::start(MockConfig::demo()).await.expect("the mock starts");
    let core = wechat_core::Client::builder()
        .base_url(mock.base_url())
        .token_provider(wechat_core::StableToken::new(&mock.config().appid, mock.config().secret.clone()))
        .retry_policy(wechat_core::RetryPolicy::none())
        .build()
        .expect("a valid client");
    (mock, Client::new(core))
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

fn order(fee: i64) -> UnifiedOrderRequest {
    request(
        json!({"appid": APPID, "openid": PAYER, "desc": "交通违法罚款", "fee": fee, "ip": "113.68.115.241",
        "payment_notice_no": NOTICE, "payment_notice_type": 1, "department_code": "143605002004",
        "department_name": "交警支队", "region_code": "440000",
        "items": [{"no": 1, "item_id": "103050101200", "item_name": "交通违法罚款", "fee": fee, "overdue": 0}]}),
    )
}

fn get(order_id: &str) -> GetOrderRequest {
    request(json!({"appid": APPID, "order_id": order_id}))
}

fn refund(order_id: &str, part: Option<(i64, &str)>) -> RefundRequest {
    let mut body = json!({"appid": APPID, "order_id": order_id, "reason": "重复缴费"});
    if let Some((fee, out_id)) = part {
        body["refund_fee"] = json!(fee);
        body["refund_out_id"] = json!(out_id);
    }
    request(body)
}

fn list() -> GetOrderListRequest {
    request(
        json!({"appid": APPID, "payment_notice_no": NOTICE, "department_code": "143605002004", "region_code": "440000"}),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_is_placed_read_paid_refunded_and_listed() {
    let (mock, client) = start().await;
    let nontax = client.nontax_pay();

    // The receivable of the notice: WeChat's platform holds it (the example).
    let fee = nontax
        .query_fee(&request::<QueryFeeRequest>(
            json!({"appid": APPID, "service_id": 123, "payment_notice_no": NOTICE,
            "department_code": "143605002004", "region_code": "440000"}),
        ))
        .await
        .expect("the fee");
    assert_eq!(fee.fee, 20000);

    // Placed: unpaid, as sent, with its payment page.
    let placed = nontax.unified_order(&order(fee.fee)).await.expect("placed");
    assert!(placed.pay_url.as_deref().is_some_and(|url| url.contains(&placed.order_id)), "{placed:?}");
    let unpaid = nontax.get_order(&get(&placed.order_id)).await.expect("reads");
    assert_eq!((unpaid.status, unpaid.fee, unpaid.pay_finish_time), (OrderStatus::Unpaid, 20000, Some(0)));
    assert_eq!((unpaid.openid.as_str(), unpaid.payment_notice_no.as_deref()), (PAYER, Some(NOTICE)));
    assert_eq!(unpaid.items.as_ref().map(Vec::len), Some(1));
    let early = nontax.refund(&refund(&placed.order_id, None)).await;
    assert_eq!(api_code(early), RefundErrorCode::InvalidArgs, "an unpaid order is not refunded");

    // A second order for the same notice, never paid; the first is paid by the user.
    let other = nontax.unified_order(&order(fee.fee)).await.expect("placed");
    let paid = act(&mock, &PayNontaxOrderParams::new(&placed.order_id)).expect("the user pays");
    let trans_id = paid["trans_id"].as_str().expect("a transaction").to_owned();
    let again = act(&mock, &PayNontaxOrderParams::new(&placed.order_id));
    assert!(matches!(again, Err(UserActionError::Refused { errcode: 40097, .. })), "{again:?}");
    let read = nontax.get_order(&get(&placed.order_id)).await.expect("reads");
    assert_eq!((read.status, read.trans_id.as_deref()), (OrderStatus::Paid, Some(trans_id.as_str())));
    assert!(read.pay_finish_time.is_some_and(|t| t >= read.create_time));

    // Listed for its notice, with the paid one.
    let listed = nontax.get_order_list(&list()).await.expect("lists");
    assert_eq!(listed.order_id_list, [placed.order_id.clone(), other.order_id.clone()]);
    assert_eq!(listed.paid_order_id.as_deref(), Some(placed.order_id.as_str()));

    // Refunded in part twice, then the rest is refused past the total; in full at the end.
    let first = nontax.refund(&refund(&placed.order_id, Some((5000, "R1")))).await.expect("refunded");
    assert!(first.refund_order_id.is_some());
    let reused = nontax.refund(&refund(&placed.order_id, Some((1000, "R1")))).await;
    assert_eq!(api_code(reused), RefundErrorCode::InvalidArgs, "a refund_out_id once");
    let over = nontax.refund(&refund(&placed.order_id, Some((15001, "R2")))).await;
    assert_eq!(api_code(over), RefundErrorCode::InvalidArgs, "no more than the total");
    let read = nontax.get_order(&get(&placed.order_id)).await.expect("reads");
    assert_eq!(read.status, OrderStatus::Paid, "paid while refunds do not cover it");
    let parts = read.partial_refund_info.expect("the partial refunds");
    assert_eq!((parts.len(), parts[0].refund_out_id.as_str(), parts[0].refund_fee), (1, "R1", 5000));
    nontax.refund(&refund(&placed.order_id, Some((15000, "R2")))).await.expect("refunded");
    let read = nontax.get_order(&get(&placed.order_id)).await.expect("reads");
    assert_eq!(read.status, OrderStatus::Refunded);
    assert!(read.refund_finish_time.is_some_and(|t| t > 0));
    let twice = nontax.refund(&refund(&placed.order_id, None)).await;
    assert_eq!(api_code(twice), RefundErrorCode::InvalidArgs, "refunded once");

    // A counter payment is paid at once and refunded in full.
    let counter = nontax
        .micro_pay(&request::<MicroPayRequest>(json!({"appid": APPID, "desc": "办证", "fee": 300,
            "payment_notice_no": "08111639088", "department_code": "118610002", "department_name": "执收单位",
            "region_code": "440000", "auth_code": "134971951305811268",
            "items": [{"no": 1, "item_id": "000001", "item_name": "办证", "fee": 300}]})))
        .await
        .expect("paid at the counter");
    assert_eq!(nontax.get_order(&get(&counter.order_id)).await.expect("reads").status, OrderStatus::Paid);
    let full = nontax.refund(&refund(&counter.order_id, None)).await.expect("refunded");
    assert!(full.refund_order_id.is_some());
    let read = nontax.get_order(&get(&counter.order_id)).await.expect("reads");
    assert_eq!((read.status, read.refund_reason.as_deref()), (OrderStatus::Refunded, Some("重复缴费")));

    let unknown = nontax.get_order(&get("AQCAzieFp6-dC8EKDJ7fvb6x0000")).await;
    assert_eq!(api_code(unknown), GetOrderErrorCode::InvalidArgs);
    assert_eq!(mock.records("nontax_order").len(), 3);
}

fn deduct(scene: &str, plate: &str) -> ApplyVehiclePayRequest {
    request(json!({"appid": APPID, "desc": "停车费", "fee": 800, "payment_notice_no": "1111111111",
        "department_code": "222222", "department_name": "停车场", "trade_scene": scene,
        "scene_info": {"start_time": 1_542_351_485, "charging_time": 3600, "plate_number": plate}}))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parked_car_is_deducted_once_after_its_entrance() {
    let (mock, client) = start().await;
    let nontax = client.nontax_pay();
    let plate = "粤B888888";

    // No entrance notified: a car park cannot deduct.
    let unknown = nontax.apply_vehicle_pay(&deduct("PARKING", plate)).await;
    assert_eq!(api_code(unknown), ApplyVehiclePayErrorCode::InvalidArgs);

    let entered = nontax
        .notify_vehicle_entrance(&request::<NotifyVehicleEntranceRequest>(json!({"appid": APPID,
            "region_code": "440000", "trade_scene": "PARKING",
            "scene_info": {"start_time": 1_542_351_485, "plate_number": plate, "openid": PAYER, "free_time": 1200}})))
        .await
        .expect("notified");
    assert_eq!(entered.user_state, "NORMAL");
    assert_eq!(mock.records("parking_stay").len(), 1);

    // Deducted: a paid order of the driver, and the stay is over.
    let deducted = nontax.apply_vehicle_pay(&deduct("PARKING", plate)).await.expect("deducted");
    let order = nontax.get_order(&get(&deducted.order_id)).await.expect("reads");
    assert_eq!((order.status, order.fee, order.openid.as_str()), (OrderStatus::Paid, 800, PAYER));
    assert!(mock.records("parking_stay").is_empty());
    let twice = nontax.apply_vehicle_pay(&deduct("PARKING", plate)).await;
    assert_eq!(api_code(twice), ApplyVehiclePayErrorCode::InvalidArgs, "a stay is deducted once");

    // A street space needs no entrance.
    let street = nontax.apply_vehicle_pay(&deduct("PARKING SPACE", "粤B000001")).await.expect("deducted");
    assert_ne!(street.order_id, deducted.order_id);
    assert_eq!(mock.records("nontax_order").len(), 2);
}
