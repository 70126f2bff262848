//! The pay-gift family through `wechat_card::Client` against wechat-mock, from the state the
//! spec declares: a rule added is the rule read and listed, holds its merchant numbers until
//! it is deleted, and is unknown after; the older member-rule interface keeps a rule per
//! merchant number; and the examples' answers are what the mock answers from their records.

use serde_json::{Value, json};
use wechat_card::Client;
use wechat_card::pay_gift::types::{RuleKind, RuleType};
use wechat_card::pay_gift::{
    AddMemberRuleRequest, AddRuleErrorCode, AddRuleRequest, DeleteMemberRuleRequest, DeleteRuleRequest,
    GetMemberRuleErrorCode, GetMemberRuleRequest, GetRuleErrorCode, GetRuleRequest, ListRulesRequest,
};
use wechat_core::{ApiError, Error, ErrorCode, Operation, decode_response};
use wechat_mock::{MockConfig, MockServer};

const MEMBER_CARD: &str = "pbLatjhU-3pik3d4PsbVzvBxZvJc";
const COUPON: &str = "pbLatjnP97_F9PudzBARQhn7xR7A";
/// 2100-01-01: a span that holds now.
const FAR: i64 = 4_102_444_800;

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

/// The cards the rules name: a member card and a discount coupon.
fn seed_cards(mock: &MockServer) {
    let base_info = json!({"logo_url": "http://mmbiz.qpic.cn/logo/0", "brand_name": "海底捞", "code_type": "CODE_TYPE_TEXT",
        "title": "会员卡", "color": "Color010", "notice": "出示", "description": "说明",
        "date_info": {"type": "DATE_TYPE_PERMANENT"}, "sku": {"quantity": 100}});
    let member = json!({"card_type": "MEMBER_CARD", "member_card": {"base_info": base_info,
        "prerogative": "9折", "supply_bonus": true, "supply_balance": false}});
    let coupon = json!({"card_type": "DISCOUNT", "discount": {"base_info": base_info, "discount": 10}});
    for (card_id, card) in [(MEMBER_CARD, member), (COUPON, coupon)] {
        mock.seed("card", json!({"card_id": card_id, "card": card, "status": "CARD_STATUS_VERIFY_OK"}))
            .expect("the mock holds the card");
    }
}

fn request<T: serde::de::DeserializeOwned>(body: Value) -> T {
    serde_json::from_value(body).expect("the body fits the request type")
}

fn rule(card_id: &str, mchids: &[&str], end_time: i64) -> AddRuleRequest {
    request(json!({"rule_info": {"type": "RULE_TYPE_PAY_MEMBER_CARD",
        "base_info": {"mchid_list": mchids, "begin_time": 1_480_317_217, "end_time": end_time},
        "member_rule": {"card_id": card_id, "least_cost": 2, "max_cost": 20000, "jump_url": "www.qq.com"}}}))
}

fn api_code<T: std::fmt::Debug, C: ErrorCode>(result: Result<T, Error<C>>) -> C {
    match result {
        Err(Error::Api(ApiError { code, .. })) => code,
        other => panic!("expected a WeChat error answer, got {other:?}"),
    }
}

fn list(effective: bool) -> ListRulesRequest {
    ListRulesRequest::builder()
        .type_(RuleType::PayMemberCard)
        .effective(effective)
        .offset(0)
        .count(10)
        .build()
        .expect("valid")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rule_is_added_read_listed_and_deleted_and_holds_its_merchant_numbers_until_then() {
    let (mock, client) = start().await;
    seed_cards(&mock);
    let pay_gift = client.pay_gift();

    // Refused: a coupon, an unknown card, a span already over.
    assert_eq!(
        api_code(pay_gift.add_rule(&rule(COUPON, &["123"], FAR)).await),
        AddRuleErrorCode::NeedMemberCard
    );
    let unknown = pay_gift.add_rule(&rule("pNoSuchCard", &["123"], FAR)).await;
    assert_eq!(api_code(unknown), AddRuleErrorCode::InvalidCardId);
    let over = pay_gift.add_rule(&rule(MEMBER_CARD, &["123"], 1_580_317_217)).await;
    assert_eq!(api_code(over), AddRuleErrorCode::RuleExpired);

    // Added: it takes both numbers.
    let added = pay_gift.add_rule(&rule(MEMBER_CARD, &["123", "456"], FAR)).await.expect("the rule is set");
    assert_eq!(added.succ_mchid_list.as_deref(), Some(&["123".to_owned(), "456".to_owned()][..]));
    assert_eq!(added.fail_mchid_list.as_deref().map(<[_]>::len), Some(0));

    // Read back with WeChat's status and times.
    let read =
        pay_gift.get_rule(&GetRuleRequest::new(added.rule_id)).await.expect("the rule reads").rule_info;
    assert_eq!(read.base_info.mchid_list, ["123", "456"]);
    assert_eq!(read.base_info.end_time, FAR);
    assert_eq!(read.base_info.status().map(String::as_str), Some("RULE_STATUS_OK"));
    assert!(
        read.base_info.create_time().is_some_and(|t| *t > 1_700_000_000),
        "{:?}",
        read.base_info.create_time()
    );
    let RuleKind::PayMemberCard(terms) = &read.rule else { panic!("a member-card rule: {:?}", read.rule) };
    assert_eq!((terms.card_id.as_str(), terms.least_cost, terms.max_cost), (MEMBER_CARD, 2, 20000));

    // A second rule on a held number gets only the free one, and is told who holds the other.
    let second = pay_gift.add_rule(&rule(MEMBER_CARD, &["456", "789"], FAR)).await.expect("the rule is set");
    assert_eq!(second.succ_mchid_list.as_deref(), Some(&["789".to_owned()][..]));
    let failed = second.fail_mchid_list.expect("the held number is reported");
    assert_eq!(failed.len(), 1);
    assert_eq!((failed[0].mchid.as_str(), failed[0].errcode), ("456", 72004));
    assert_eq!(failed[0].occupy_rule_id, Some(added.rule_id));

    // Listed, in force, a page at a time.
    let listed = pay_gift.list_rules(&list(true)).await.expect("lists");
    assert_eq!(listed.total_count, 2);
    let mchids: Vec<&[String]> = listed.rule_list.iter().map(|r| &r.base_info.mchid_list[..]).collect();
    assert_eq!(
        mchids,
        [&["123".to_owned(), "456".to_owned()][..], &["456".to_owned(), "789".to_owned()][..]]
    );
    let page = request::<ListRulesRequest>(
        json!({"type": "RULE_TYPE_PAY_MEMBER_CARD", "effective": false, "offset": 1, "count": 1}),
    );
    let page = pay_gift.list_rules(&page).await.expect("lists");
    assert_eq!((page.total_count, page.rule_list.len()), (2, 1));
    let singles = request::<ListRulesRequest>(
        json!({"type": "RULE_TYPE_SINGLE_PAY", "effective": false, "offset": 0, "count": 10}),
    );
    assert_eq!(pay_gift.list_rules(&singles).await.expect("lists").total_count, 0, "no rule of that kind");

    // Deleted: unknown from then on, and its numbers are free again.
    pay_gift.delete_rule(&DeleteRuleRequest::new(added.rule_id)).await.expect("deleted");
    let gone = pay_gift.get_rule(&GetRuleRequest::new(added.rule_id)).await;
    assert_eq!(api_code(gone), GetRuleErrorCode::InvalidRuleId);
    let again = pay_gift.delete_rule(&DeleteRuleRequest::new(added.rule_id)).await;
    assert_eq!(api_code(again).code(), 72034);
    assert_eq!(pay_gift.list_rules(&list(true)).await.expect("lists").total_count, 1);
    let third = pay_gift.add_rule(&rule(MEMBER_CARD, &["123"], FAR)).await.expect("the rule is set");
    assert_eq!(third.succ_mchid_list.as_deref(), Some(&["123".to_owned()][..]), "123 was freed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_rule_of_the_older_interface_is_kept_per_merchant_number() {
    let (mock, client) = start().await;
    seed_cards(&mock);
    let pay_gift = client.pay_gift();
    let add = |card_id: &str, mchids: &[&str]| {
        request::<AddMemberRuleRequest>(json!({"card_id": card_id, "mchid_list": mchids,
            "begin_time": 1_480_317_217, "end_time": FAR, "min_cost": 100, "max_cost": 1000}))
    };
    let added =
        pay_gift.add_member_rule(&add(MEMBER_CARD, &["1900000109", "1900000110"])).await.expect("set");
    assert_eq!(added.succ_mchid_list.map(|l| l.len()), Some(2));
    let read = pay_gift.get_member_rule(&GetMemberRuleRequest::new("1900000110")).await.expect("reads");
    assert_eq!(
        (read.card_id.as_deref(), read.is_locked),
        (Some(MEMBER_CARD), Some(true)),
        "locked by default"
    );
    let none = pay_gift.get_member_rule(&GetMemberRuleRequest::new("1900000999")).await;
    assert_eq!(api_code(none), GetMemberRuleErrorCode::InvalidMchid);

    // Released: only the card's numbers named, and fail_mchid_list only when all were.
    let release = |mchids: &[&str]| {
        request::<DeleteMemberRuleRequest>(json!({"card_id": MEMBER_CARD, "mchid_list": mchids}))
    };
    let partly =
        pay_gift.delete_member_rule(&release(&["1900000109", "1900000999"])).await.expect("released");
    assert_eq!(partly.succ_mchid_list, Some(vec!["1900000109".to_owned()]));
    assert_eq!(partly.fail_mchid_list, None);
    let gone = pay_gift.get_member_rule(&GetMemberRuleRequest::new("1900000109")).await;
    assert_eq!(api_code(gone), GetMemberRuleErrorCode::InvalidMchid);
    let rest = pay_gift.delete_member_rule(&release(&["1900000110"])).await.expect("released");
    assert_eq!(
        (rest.succ_mchid_list.map(|l| l.len()), rest.fail_mchid_list.map(|l| l.len())),
        (Some(1), Some(0))
    );
    assert!(mock.records("pay_member_rule").is_empty());
}

/// The decoded answer to `request` equals the operation's decoded success example.
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
    let (mock, client) = start().await;
    seed_cards(&mock);
    let rule_info = json!({"type": "RULE_TYPE_PAY_MEMBER_CARD",
        "base_info": {"mchid_list": ["123", "456"], "begin_time": 1480317217, "end_time": 1580317217,
                      "status": "RULE_STATUS_OK", "create_time": 1480317217, "update_time": 1480317217},
        "member_rule": {"card_id": "abcdefg", "least_cost": 2, "max_cost": 20000, "jump_url": "www.qq.com"}});
    mock.seed(
        "pay_gift_rule",
        json!({"rule_id": 1233, "type": "RULE_TYPE_PAY_MEMBER_CARD", "rule_info": rule_info}),
    )
    .expect("the example's rule");
    answers_its_example(&client, "pay_gift/get_rule", &GetRuleRequest::new(1233)).await;

    let add =
        request::<AddMemberRuleRequest>(json!({"card_id": MEMBER_CARD, "jump_url": "https://www.qq.com",
        "mchid_list": ["1900000109"], "begin_time": 1480317217, "end_time": 1580317217, "min_cost": 100,
        "max_cost": 1000, "is_locked": true}));
    answers_its_example(&client, "pay_gift/add_member_rule", &add).await;
    let release =
        request::<DeleteMemberRuleRequest>(json!({"card_id": MEMBER_CARD, "mchid_list": ["1900000109"]}));
    answers_its_example(&client, "pay_gift/delete_member_rule", &release).await;
}
