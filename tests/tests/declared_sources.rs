//! Issue 21's groups answer from the state their spec declares: `GET /__mock/operations` lists
//! every operation of gift_card, pay_gift, coin, sub_merchant, nontax_pay, general_card and
//! ticket as `state`, except
//! the few the mock crate's docs list as answering their example (and say why).

use serde_json::Value;
use wechat_mock::{MockConfig, MockServer};

const GROUPS: [&str; 7] =
    ["gift_card", "pay_gift", "coin", "sub_merchant", "nontax_pay", "general_card", "ticket"];

/// The operations that keep answering their example, as `wechat_mock`'s docs list them.
const EXAMPLE_ANSWERED: [&str; 7] = [
    "sub_merchant/get_apply_protocol",
    "nontax_pay/query_fee",
    "nontax_pay/get_real_name",
    "nontax_pay/query_vehicle_state",
    "nontax_pay/mock_notification",
    "nontax_pay/mock_query_fee",
    "nontax_pay/download_bill",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_new_groups_answer_from_state_but_the_documented_few() {
    let mock = MockServer::start(MockConfig::demo()).await.expect("the mock starts");
    let body = reqwest::get(format!("{}/__mock/operations", mock.base_url()))
        .await
        .expect("the admin route answers")
        .text()
        .await
        .expect("a body");
    let listed: Value = serde_json::from_str(&body).expect("JSON");
    let operations = listed["operations"].as_array().expect("a list");
    let mut seen = 0;
    for op in operations.iter().filter(|op| GROUPS.iter().any(|g| op["group"] == *g)) {
        let key = op["key"].as_str().expect("a key");
        let expected = if EXAMPLE_ANSWERED.contains(&key) { "example" } else { "state" };
        assert_eq!(op["answers"], expected, "{key}");
        seen += 1;
    }
    assert!(seen >= 40, "the groups' operations are listed: {seen}");
    let documented = include_str!("../../crates/wechat-mock/src/lib.rs");
    for key in EXAMPLE_ANSWERED {
        assert!(documented.contains(&format!("`{key}`")), "{key} is listed in the mock's docs");
    }
}
