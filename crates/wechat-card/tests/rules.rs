//! The spec's rules that tie fields together (`required_when`, `required_unless`, `one_of`) in
//! the generated types: a builder refuses a value that breaks one at `build()`, and a value
//! built with `new` and setters is refused by its `Check` impl, which `Client::send` calls
//! before anything is sent, with the field named by its path.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

use wechat_card::card::create_after_pay_activity::ActivityCard;
use wechat_card::card::update_card::MemberCardUpdate;
use wechat_card::card::{CreateAfterPayActivityRequest, UpdateCardRequest};
use wechat_card::nontax_pay::GetOrderListRequest;
use wechat_card::ticket::CheckInBoardingPassRequest;
use wechat_card::wechat_core::{BuildError, Check, Operation};

fn order_list() -> wechat_card::nontax_pay::get_order_list::GetOrderListRequestBuilder {
    GetOrderListRequest::builder().appid("wx1").region_code("440000").department_code("d1")
}

#[test]
fn a_builder_refuses_a_one_of_set_with_none_or_two_set() {
    let none = order_list().build().expect_err("neither number");
    assert_eq!(
        none,
        BuildError::Invalid {
            type_name: "GetOrderListRequest",
            field: "payment_notice_no".to_owned(),
            rule: "exactly one of payment_notice_no, order_no is required; found none".to_owned(),
        }
    );
    assert_eq!(
        none.to_string(),
        "cannot build `GetOrderListRequest`: `payment_notice_no` exactly one of payment_notice_no, order_no is \
         required; found none"
    );
    let empty = order_list().order_no("").build().expect_err("an empty number is not set");
    assert!(matches!(empty, BuildError::Invalid { .. }), "{empty}");
    let both = order_list().order_no("o1").payment_notice_no("n1").build().expect_err("both numbers");
    assert_eq!(
        both.to_string(),
        "cannot build `GetOrderListRequest`: `order_no` exactly one of payment_notice_no, order_no is \
         required; found payment_notice_no and order_no"
    );
    let one = order_list().order_no("o1").build().expect("one number");
    assert_eq!(Operation::check(&one), Ok(()));
}

#[test]
fn a_value_made_with_new_is_refused_by_its_check_before_sending() {
    let check_in = CheckInBoardingPassRequest::new("198374613512");
    let refused = Operation::check(&check_in).expect_err("a check-in without the passenger");
    assert_eq!(
        refused.to_string(),
        "`passenger_name` missing: required unless `is_cancel` is true, non-zero or non-empty"
    );
    let not_cancelled = check_in.clone().is_cancel(false).passenger_name("乘客").class("舱等");
    assert_eq!(
        Operation::check(&not_cancelled).map_err(|e| e.to_string()),
        Err("`etkt_bnr` missing: required unless `is_cancel` is true, non-zero or non-empty".to_owned())
    );
    assert_eq!(Operation::check(&not_cancelled.etkt_bnr("123")), Ok(()));
    assert_eq!(Operation::check(&check_in.is_cancel(true)), Ok(()), "a cancellation reads none of them");

    let update = UpdateCardRequest::new("pFS7Fjg8kV1IdDz01r4SQwMkuCKc");
    assert_eq!(
        Operation::check(&update).map_err(|e| e.path),
        Err("groupon".to_owned()),
        "no card type's changes: named at the set's first field"
    );
    assert_eq!(Operation::check(&update.member_card(MemberCardUpdate::new())), Ok(()));
}

#[test]
fn a_rule_of_a_nested_type_is_named_by_its_path() {
    let card = || ActivityCard::builder().card_id("p1").min_amt(100);
    let refused = card().build().expect_err("no audience");
    assert_eq!(
        refused.to_string(),
        "cannot build `ActivityCard`: `membership_appid` exactly one of membership_appid, new_tinyapp_user, \
         total_user is required; found none"
    );
    let everyone = card().total_user(true).new_tinyapp_user(false).build().expect("one audience");
    assert_eq!(everyone.check("info.card_info_list[0]"), Ok(()));
    // A value decoded (or changed after building) is checked before sending, inside the request.
    let mut two: ActivityCard = serde_json::from_value(serde_json::json!({
        "card_id": "p1", "min_amt": 100, "total_user": true, "membership_appid": "wx2"
    }))
    .expect("decodes");
    assert_eq!(
        two.check("info.card_info_list[0]").map_err(|e| e.to_string()),
        Err("`info.card_info_list[0].total_user` exactly one of membership_appid, new_tinyapp_user, total_user \
             is required; found membership_appid and total_user"
            .to_owned())
    );
    two.membership_appid = None;
    assert_eq!(two.check(""), Ok(()));
    let request: CreateAfterPayActivityRequest = serde_json::from_value(serde_json::json!({"info": {
        "basic_info": {"activity_bg_color": "Color010", "activity_tinyappid": "wx3", "mch_code": "m",
                       "begin_time": 1, "end_time": 2, "gift_num": 3},
        "card_info_list": [{"card_id": "p1", "min_amt": 1, "total_user": true}, {"card_id": "p2", "min_amt": 1}],
        "custom_info": {"type": "AFTER_PAY_PACKAGE"}
    }}))
    .expect("decodes");
    assert_eq!(
        Operation::check(&request).map_err(|e| e.path),
        Err("info.card_info_list[1].membership_appid".to_owned())
    );
}
