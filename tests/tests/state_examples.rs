//! The card families answer from the state their examples declare: each operation of `card`,
//! `card_code`, `member_card`, `card_stats`, `general_card` and `ticket` that declares `[[mock]]` steps is sent its first
//! success example against a fresh wechat-mock holding the example's `given`, and must answer
//! the example's response, field for field. The few whose example cannot be what the mock
//! answers from that state are listed, each with why (the endpoint's `notes` say it too), and
//! must differ: a listed operation that starts matching is taken off the list.

use serde_json::{Value, json};
use wechat_mock::{DEMO_APPID, DEMO_SECRET, MockConfig, MockServer};

/// The groups this test covers.
const GROUPS: &[&str] = &["card", "card_code", "member_card", "card_stats", "general_card", "ticket"];

/// Operations whose answer from state differs from their first success example, and why.
const DIFFERING: &[(&str, &str)] = &[
    ("card/add_locations", "ids are numbered from 1; the example's -1 for a refused store is not reproduced"),
    ("card/create_after_pay_activity", "a fresh activity_id"),
    ("card/create_card", "a fresh card_id"),
    ("card/create_landing_page", "a URL naming the page where the example has a placeholder"),
    ("card/create_qrcode", "a fresh ticket and link"),
    ("card/get_mpnews_html", "the iframe names the card asked for; the example's names another"),
    ("card/list_user_cards", "no friends' coupons: has_share_card is false"),
    ("card/set_test_whitelist", "the undocumented fields real answers carry"),
    ("card_code/deposit_codes", "the codes the real answer leaves out are imported"),
    ("card_code/get_code", "the request's card_id, where WeChat's answer names another, and the code"),
    ("card_code/get_deposit_count", "the three codes the given holds, not 123"),
    ("member_card/get_activate_url", "a link naming the card in clear"),
    ("member_card/get_member_info", "no nickname; has_active"),
    ("member_card/update_member", "the request's totals, where the example answers others"),
    ("general_card/update_general_card_user", "the request's points, where the example answers others"),
];

/// The answer to `example` (the first success example of `op`, with its `given` held).
async fn answer_of(op: &codegen::model::Operation, example: &codegen::model::Example) -> Value {
    let mock = MockServer::start(MockConfig::demo()).await.expect("the mock starts");
    for (resource, record) in &example.given {
        mock.seed(resource, record.clone())
            .unwrap_or_else(|e| panic!("{}: seeding {resource}: {e}", op.name));
    }
    let http = reqwest::Client::new();
    let token: Value = http
        .post(format!("{}/cgi-bin/stable_token", mock.base_url()))
        .body(
            json!({"grant_type": "client_credential", "appid": DEMO_APPID, "secret": DEMO_SECRET})
                .to_string(),
        )
        .send()
        .await
        .expect("the token endpoint answers")
        .text()
        .await
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .expect("JSON");
    let token = token["access_token"].as_str().expect("a token");
    let url = format!("{}{}?access_token={token}", mock.base_url(), op.path);
    let body = example.request.as_ref().map_or_else(|| json!({}), |r| r.value.clone());
    let request = match op.method {
        codegen::model::Method::Get => http.get(url),
        codegen::model::Method::Post => http.post(url).body(body.to_string()),
    };
    let text = request.send().await.expect("the mock answers").text().await.expect("a body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}: {text}", op.name))
}

#[tokio::test]
async fn first_examples_are_answered_from_the_state_they_declare() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace");
    let spec = codegen::check_spec(&xtask::sync::read_spec(root).expect("read spec/")).expect("a valid spec");
    let mut checked = 0;
    let mut problems = Vec::new();
    for op in spec.operations().filter(|op| GROUPS.contains(&op.group.as_str())) {
        let key = format!("{}/{}", op.group, op.name);
        if !spec.state.behaviours.iter().any(|b| b.operation == key) || !op.files.is_empty() {
            continue;
        }
        let Some(example) = op.examples.iter().find(|e| e.response.as_ref().is_some_and(|r| r.is_success()))
        else {
            continue;
        };
        let expected = example.response.as_ref().map(|r| r.value.clone()).unwrap_or_default();
        let answer = answer_of(op, example).await;
        checked += 1;
        let listed = DIFFERING.iter().any(|(name, _)| *name == key);
        match (answer == expected, listed) {
            (true, true) => problems.push(format!("{key} answers its example now: take it off DIFFERING")),
            (false, false) => problems.push(format!("{key}:\n  answered {answer}\n  example  {expected}")),
            (false, true) if answer["errcode"] != json!(0) && answer.get("errcode").is_some() => {
                problems.push(format!("{key} failed: {answer}"));
            }
            _ => {}
        }
    }
    assert!(checked >= 30, "only {checked} operations declare steps");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for (key, _) in DIFFERING {
        assert!(
            spec.operations().any(|op| format!("{}/{}", op.group, op.name) == *key),
            "{key} is not in the spec"
        );
    }
}
