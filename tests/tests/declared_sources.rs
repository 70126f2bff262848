//! Every group answers from the state its spec declares: `GET /__mock/operations` lists every
//! operation of the spec as `state` (or `token_endpoint`), except the few the mock crate's docs
//! list as answering their example, each of which says why in a `notes` line of its spec.

use serde_json::Value;
use wechat_mock::{MockConfig, MockServer};

/// The operations that keep answering their example, as `wechat_mock`'s docs list them.
const EXAMPLE_ANSWERED: [&str; 12] = [
    "card/get_colors",
    "invoice/scan_title",
    "invoice/get_select_title_url",
    "invoice/get_user_title_url",
    "platform/get_platform_url",
    "sub_merchant/get_apply_protocol",
    "nontax_pay/query_fee",
    "nontax_pay/get_real_name",
    "nontax_pay/query_vehicle_state",
    "nontax_pay/mock_notification",
    "nontax_pay/mock_query_fee",
    "nontax_pay/download_bill",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_answers_from_state_but_the_documented_few() {
    let mock = MockServer::start(MockConfig::demo()).await.expect("the mock starts");
    let body = reqwest::get(format!("{}/__mock/operations", mock.base_url()))
        .await
        .expect("the admin route answers")
        .text()
        .await
        .expect("a body");
    let listed: Value = serde_json::from_str(&body).expect("JSON");
    let operations = listed["operations"].as_array().expect("a list");
    let mut wrong = Vec::new();
    for op in operations {
        let key = op["key"].as_str().expect("a key");
        let answers = op["answers"].as_str().expect("a source");
        let expected = if EXAMPLE_ANSWERED.contains(&key) { "example" } else { "state" };
        if answers != expected && !(answers == "token_endpoint" && key.starts_with("token/")) {
            wrong.push(format!("{key}: {answers}, expected {expected}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(operations.len() >= 123, "every operation is listed: {}", operations.len());
    let documented = include_str!("../../crates/wechat-mock/src/lib.rs");
    for key in EXAMPLE_ANSWERED {
        assert!(documented.contains(&format!("`{key}`")), "{key} is listed in the mock's docs");
        let (group, name) = key.split_once('/').expect("group/name");
        assert!(spec_notes(group, name).contains("example"), "{key}: a `notes` line of its spec says why");
    }
}

/// The `notes` of the operation `name` of `group`, as the text of its spec file.
fn spec_notes(group: &str, name: &str) -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec").join(group);
    for entry in std::fs::read_dir(&dir).expect("the group's folder") {
        let text = std::fs::read_to_string(entry.expect("an entry").path()).unwrap_or_default();
        if text.lines().any(|line| line.trim() == format!("name = \"{name}\"")) {
            let start = text.find("notes = [").unwrap_or(text.len());
            let end = text[start..].find("\n]").map_or(text.len(), |at| start + at);
            return text[start..end].to_owned();
        }
    }
    panic!("no spec file of {group} names {name}")
}
