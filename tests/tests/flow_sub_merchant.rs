//! The sub-merchant family through `wechat_card::Client` against wechat-mock, from the state the
//! spec declares: a sub-merchant submitted is the one read and listed, moves through WeChat's
//! review (the user action, pushing `card_merchant_check_result`), and an update sends it back
//! to review.

use serde_json::{Value, json};
use tests::event_sink::EventSink;
use wechat_card::Client;
use wechat_card::events::Event;
use wechat_card::sub_merchant::types::{SubMerchant, SubMerchantStatus};
use wechat_card::sub_merchant::{
    GetSubMerchantErrorCode, GetSubMerchantRequest, ListSubMerchantsRequest, SubmitSubMerchantRequest,
    UpdateSubMerchantErrorCode, UpdateSubMerchantRequest,
};
use wechat_core::{ApiError, Error, ErrorCode, Secret};
use wechat_mock::user_actions::sub_merchant::ReviewSubMerchantParams;
use wechat_mock::{MockConfig, MockServer, PushTarget, UserActionError, UserActionParams};

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

fn act<P: UserActionParams>(mock: &MockServer, params: &P) -> Result<Value, UserActionError> {
    mock.user_action(P::ACTION, serde_json::to_value(params).expect("parameters serialize"))
}

/// WeChat's review of the sub-merchant `merchant_id`.
fn review(merchant_id: &str, pass: bool) -> ReviewSubMerchantParams {
    ReviewSubMerchantParams::builder().merchant_id(merchant_id).pass(pass).build().expect("both are set")
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

fn form(brand_name: &str) -> Value {
    json!({"brand_name": brand_name, "logo_url": "http://mmbiz.qpic.cn/logo/0", "protocol": "media_protocol",
        "end_time": 4_102_444_800_i64, "primary_category_id": 1, "secondary_category_id": 101})
}

fn list(begin_id: &str, limit: u32, status: Option<&str>) -> ListSubMerchantsRequest {
    request(json!({"begin_id": begin_id, "limit": limit, "status": status}))
}

fn ids(list: &[SubMerchant]) -> Vec<&str> {
    list.iter().map(|m| m.merchant_id.as_str()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sub_merchant_is_submitted_read_listed_reviewed_and_updated() {
    let mut flow = start().await;
    let subs = flow.client.sub_merchant();

    // Submitted: a fresh id, under review, as sent.
    let first =
        subs.submit_sub_merchant(&request::<SubmitSubMerchantRequest>(json!({"info": form("甲")}))).await;
    let first = first.expect("submitted").info;
    assert_eq!((first.brand_name.as_str(), first.status.clone()), ("甲", SubMerchantStatus::Checking));
    let second =
        subs.submit_sub_merchant(&request(json!({"info": form("乙")}))).await.expect("submitted").info;
    assert_ne!(first.merchant_id, second.merchant_id);
    let read = subs.get_sub_merchant(&GetSubMerchantRequest::new(&first.merchant_id)).await.expect("reads");
    assert_eq!(read.info, first);
    assert_eq!(read.info.end_time, Some(4_102_444_800));
    let none = subs.get_sub_merchant(&GetSubMerchantRequest::new("999")).await;
    assert_eq!(api_code(none), GetSubMerchantErrorCode::InvalidArgs);

    // Listed from the start, a page at a time, and by status.
    let all = subs.list_sub_merchants(&list("0", 100, None)).await.expect("lists");
    assert_eq!(ids(&all.info_list), [first.merchant_id.as_str(), second.merchant_id.as_str()]);
    let page = subs.list_sub_merchants(&list("", 1, None)).await.expect("lists");
    assert_eq!(ids(&page.info_list), [first.merchant_id.as_str()]);
    let next = page.next_begin_id.expect("where the next page starts");
    let rest = subs.list_sub_merchants(&list(&next, 1, None)).await.expect("lists");
    assert_eq!(ids(&rest.info_list), [second.merchant_id.as_str()]);
    let end =
        subs.list_sub_merchants(&list(&rest.next_begin_id.expect("next"), 1, None)).await.expect("lists");
    assert!(end.info_list.is_empty() && end.next_begin_id.is_none(), "{end:?}");

    // WeChat's review approves the first, refuses the second: each verdict pushed.
    act(&flow.mock, &review(&first.merchant_id, true)).expect("reviewed");
    let Event::CardMerchantCheckResult(approved) = flow.sink.next().await else { panic!("the verdict") };
    assert_eq!((approved.merchant_id.as_str(), approved.is_pass), (first.merchant_id.as_str(), true));
    act(&flow.mock, &review(&second.merchant_id, false).reason("授权函未加盖公章")).expect("reviewed");
    let Event::CardMerchantCheckResult(refused) = flow.sink.next().await else { panic!("the verdict") };
    assert_eq!((refused.is_pass, refused.reason.as_deref()), (false, Some("授权函未加盖公章")));
    let again = act(&flow.mock, &review(&first.merchant_id, false));
    assert!(matches!(again, Err(UserActionError::Refused { errcode: 40097, .. })), "{again:?}");

    let read = subs.get_sub_merchant(&GetSubMerchantRequest::new(&first.merchant_id)).await.expect("reads");
    assert_eq!(read.info.status, SubMerchantStatus::Approved);
    let checking = subs.list_sub_merchants(&list("0", 100, Some("CHECKING"))).await.expect("lists");
    assert!(checking.info_list.is_empty(), "{checking:?}");
    let rejected = subs.list_sub_merchants(&list("0", 100, Some("REJECTED"))).await.expect("lists");
    assert_eq!(ids(&rejected.info_list), [second.merchant_id.as_str()]);
    let held = |id: &str| {
        flow.mock
            .records("sub_merchant")
            .into_iter()
            .find(|r| r["merchant_id"].to_string().trim_matches('"') == id)
    };
    // The answers carry no reason (only the verdict's push does); the mock keeps it.
    assert_eq!(held(&second.merchant_id).expect("held")["reason"], "授权函未加盖公章");

    // Updated: the new details, back under review, the old refusal's reason gone.
    let mut info = form("乙改");
    info["merchant_id"] = json!(second.merchant_id);
    let updated = subs.update_sub_merchant(&request::<UpdateSubMerchantRequest>(json!({"info": info}))).await;
    let updated = updated.expect("updated").info;
    assert_eq!((updated.brand_name.as_str(), updated.status.clone()), ("乙改", SubMerchantStatus::Checking));
    let record = held(&second.merchant_id).expect("held");
    assert!(record.get("reason").is_none(), "the old refusal's reason is cleared: {record}");
    let read = subs.get_sub_merchant(&GetSubMerchantRequest::new(&second.merchant_id)).await.expect("reads");
    assert_eq!(read.info, updated);
    let mut unknown = form("丙");
    unknown["merchant_id"] = json!("999");
    let unknown = subs.update_sub_merchant(&request(json!({"info": unknown}))).await;
    assert_eq!(api_code(unknown), UpdateSubMerchantErrorCode::InvalidArgs);
    assert!(flow.sink.is_quiet(), "the API calls push nothing");
}
