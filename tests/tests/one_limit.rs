//! A limit means the same in the three places that check it, since they share one rule
//! (`wechat_core::Limits::violation`, through `wechat_core::shape` for the first two): the
//! generator refuses an example one byte over it, wechat-mock refuses the request with 47001,
//! and the client refuses to send it; all three in the words of `check::Violation`, and all
//! three let a value at the limit through.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::path::Path;

use serde_json::{Value, json};
use wechat_card::card_code::GetCodeRequest;
use wechat_card::wechat_core::{self, StableToken, check::Violation};
use wechat_mock::{MockConfig, MockServer};

/// `get_code`'s `code` is WeChat's string(20): `max_bytes = 20` in its spec file.
const SPEC_FILE: &str = "spec/card_code/get_code.toml";
const AT_THE_LIMIT: &str = "12345678901234567890";
const ONE_OVER: &str = "123456789012345678901";

fn violation() -> String {
    Violation::TooManyBytes { max: 20, found: 21 }.to_string()
}

/// The problems the generator finds in the real spec with `get_code`'s first example sending
/// `code`.
fn generator_problems(code: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut sources = xtask::sync::read_spec(root).unwrap();
    let file = sources.iter_mut().find(|s| s.path == SPEC_FILE).unwrap();
    let written = r#"request = '{"card_id": "card_id_123+", "code": "123456789", "check_consume": true}'"#;
    assert!(file.text.contains(written), "{SPEC_FILE} changed its first example; update this test");
    file.text = file.text.replacen(written, &written.replace("123456789", code), 1);
    match codegen::check_spec(&sources) {
        Ok(_) => Vec::new(),
        Err(problems) => problems.0.iter().map(ToString::to_string).collect(),
    }
}

async fn mock_and_client() -> (MockServer, wechat_card::Client) {
    let mock = MockServer::start(MockConfig::demo()).await.unwrap();
    let core = wechat_core::Client::builder()
        .base_url(mock.base_url())
        .token_provider(StableToken::new(&mock.config().appid, mock.config().secret.clone()))
        .retry_policy(wechat_core::RetryPolicy::none())
        .build()
        .unwrap();
    (mock, wechat_card::Client::new(core))
}

/// The mock's answer to a `get_code` sending `code`, posted as any client would.
async fn mock_answer(mock: &MockServer, client: &wechat_card::Client, code: &str) -> Value {
    let token = client.core().token_provider().unwrap().fetch(client.core().http_context()).await.unwrap();
    let url = format!("{}/card/code/get?access_token={}", mock.base_url(), token.expose());
    let sent = reqwest::Client::new().post(url).body(json!({"code": code}).to_string()).send().await.unwrap();
    serde_json::from_slice(&sent.bytes().await.unwrap()).unwrap()
}

#[tokio::test]
async fn a_string_one_byte_over_its_limit_is_refused_alike_by_generator_mock_and_client() {
    let violation = violation();

    assert_eq!(generator_problems(AT_THE_LIMIT), Vec::<String>::new());
    let problems = generator_problems(ONE_OVER);
    let expected = format!("example request does not match [request]: `code`: {violation}");
    assert!(
        problems.len() == 1 && problems[0].starts_with(SPEC_FILE) && problems[0].ends_with(&expected),
        "{problems:#?}"
    );

    let (mock, client) = mock_and_client().await;
    let answer = mock_answer(&mock, &client, ONE_OVER).await;
    assert_eq!(answer["errcode"], 47001, "{answer}");
    let hint = format!("data format error hint: [code] {violation} rid: ");
    assert!(answer["errmsg"].as_str().unwrap().starts_with(&hint), "{answer}");
    let within = mock_answer(&mock, &client, AT_THE_LIMIT).await;
    assert_ne!(within["errcode"], 47001, "{within}");

    let sent_before = mock.requests().count("/card/code/get");
    let error = client.card_code().get_code(&GetCodeRequest::new(ONE_OVER)).await.unwrap_err();
    let wechat_core::Error::Invalid { source, .. } = &error else { panic!("{error}") };
    assert_eq!(source.to_string(), format!("`code` {violation}"));
    assert_eq!(mock.requests().count("/card/code/get"), sent_before, "nothing reached the mock");
}
