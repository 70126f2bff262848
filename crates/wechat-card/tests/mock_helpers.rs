//! The typed mock helpers as an application's test uses them: faults and answers named by the
//! client's own request, response and error-code types, called through `wechat_card::Client`
//! against wechat-mock on 127.0.0.1.

#![cfg(all(feature = "card", feature = "card_code"))]

use std::time::{Duration, Instant};

use wechat_card::Client;
use wechat_card::card::{GetMpnewsHtmlErrorCode, GetMpnewsHtmlRequest, GetMpnewsHtmlResponse};
use wechat_card::card_code::{DecryptCodeErrorCode, DecryptCodeRequest, DecryptCodeResponse};
use wechat_card::wechat_core::{self, Error, ErrorCode as _, RetryPolicy, StableToken};
use wechat_mock::{FaultError, MockConfig, MockServer, records};

/// The card whose message page the tests ask for.
const CARD_ID: &str = "pFS7Fjg8kV1IdDz01r4SQwMkuCKc";

/// A mock holding the card [`CARD_ID`], and a client for it that never retries, so each fault
/// reaches the test as it is.
async fn start() -> (MockServer, Client) {
    let mock = MockServer::start(MockConfig::demo()).await.expect("the mock starts");
    mock.seed_record(&records::Card::new().card_id(CARD_ID)).expect("the card is kept");
    let core = wechat_core::Client::builder()
        .base_url(mock.base_url())
        .token_provider(StableToken::new(&mock.config().appid, mock.config().secret.clone()))
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a valid client");
    (mock, Client::new(core))
}

fn mpnews() -> GetMpnewsHtmlRequest {
    GetMpnewsHtmlRequest::new(CARD_ID)
}

fn decrypt() -> DecryptCodeRequest {
    DecryptCodeRequest::new("XXIzTtMqCxwOaawoE91+VJdsFmv7b8g0VZIZkqf4GWA60Fzpc8ksZ/5ZZ0DVkXdE")
}

/// The number of calls that reached `path`.
fn calls(mock: &MockServer, path: &str) -> u64 {
    mock.requests().count(path)
}

#[tokio::test]
async fn fail_answers_the_typed_code_with_its_message_then_the_calls_succeed_again() {
    let (mock, client) = start().await;
    let code = GetMpnewsHtmlErrorCode::InvalidCardStatus;
    mock.on::<GetMpnewsHtmlRequest>().fail(code).expect("a valid fault");

    match client.card().get_mpnews_html(&mpnews()).await {
        Err(Error::Api(api)) => {
            assert_eq!(api.code, code);
            assert!(api.errmsg.starts_with(code.message()), "{}", api.errmsg);
        }
        other => panic!("expected {code}, got {other:?}"),
    }
    let html = client.card().get_mpnews_html(&mpnews()).await.expect("the fault applied once");
    assert!(!html.content.is_empty());
}

#[tokio::test]
async fn times_counts_calls_of_that_operation_only() {
    let (mock, client) = start().await;
    let code = DecryptCodeErrorCode::InvalidSerialCode;
    mock.on::<DecryptCodeRequest>().times(2).fail(code).expect("a valid fault");

    // Another operation is not touched.
    client.card().get_mpnews_html(&mpnews()).await.expect("no fault for get_mpnews_html");
    for call in 1..=2 {
        let error = client.card_code().decrypt_code(&decrypt()).await.expect_err("faulty");
        assert_eq!(error.api_code(), Some(code), "call {call}");
    }
    // The third call gets the mock's own answer: it did not issue this code.
    let error = client.card_code().decrypt_code(&decrypt()).await.expect_err("not issued by the mock");
    assert_eq!(error.api_code(), Some(DecryptCodeErrorCode::InvalidEncryptCode));
    assert!(mock.faults().pending().is_empty());
}

#[tokio::test]
async fn answer_is_served_with_errcode_0_once_and_the_mock_answers_after() {
    let (mock, client) = start().await;
    mock.on::<DecryptCodeRequest>()
        .answer(&DecryptCodeResponse::new("110201201245"))
        .expect("a valid answer");

    let decrypted = client.card_code().decrypt_code(&decrypt()).await.expect("the queued answer");
    assert_eq!(decrypted, DecryptCodeResponse::new("110201201245"));
    let sent = mock.answers().last("card_code/decrypt_code").expect("the mock answered");
    assert_eq!(sent, serde_json::json!({"errcode": 0, "errmsg": "ok", "code": "110201201245"}));

    let error = client.card_code().decrypt_code(&decrypt()).await.expect_err("the mock's own answer");
    assert_eq!(error.api_code(), Some(DecryptCodeErrorCode::InvalidEncryptCode));
}

#[tokio::test]
async fn an_answer_goes_to_the_first_call_that_passes_the_checks() {
    let (mock, client) = start().await;
    client.card().get_mpnews_html(&mpnews()).await.expect("a token is issued");
    mock.on::<GetMpnewsHtmlRequest>()
        .answer(&GetMpnewsHtmlResponse::new("<iframe>queued</iframe>"))
        .expect("a valid answer");
    mock.tokens().expire_now();

    // The expired token is refused, the client renews it and calls again: that call gets it.
    let html = client.card().get_mpnews_html(&mpnews()).await.expect("renewed, then the queued answer");
    assert_eq!(html.content, "<iframe>queued</iframe>");
    assert_eq!(calls(&mock, "/card/mpnews/gethtml"), 3);
}

#[tokio::test]
async fn http_status_and_html_reach_the_client_as_such() {
    let (mock, client) = start().await;
    mock.on::<GetMpnewsHtmlRequest>().http_status(503).expect("a valid status");
    mock.on::<GetMpnewsHtmlRequest>().html().expect("a valid fault");

    match client.card().get_mpnews_html(&mpnews()).await {
        Err(Error::Status { status, .. }) => assert_eq!(status, 503),
        other => panic!("expected HTTP 503, got {other:?}"),
    }
    match client.card().get_mpnews_html(&mpnews()).await {
        Err(Error::Decode(_)) => {}
        other => panic!("expected an undecodable HTML page, got {other:?}"),
    }
    assert_eq!(mock.on::<GetMpnewsHtmlRequest>().http_status(42), Err(FaultError::BadStatus(42)));
    assert_eq!(mock.on::<GetMpnewsHtmlRequest>().times(0).html(), Err(FaultError::ZeroTimes));
}

#[tokio::test]
async fn delay_answers_late_and_after_delays_a_failure() {
    let (mock, client) = start().await;
    client.card().get_mpnews_html(&mpnews()).await.expect("a token is issued");
    let delay = Duration::from_millis(300);
    mock.on::<GetMpnewsHtmlRequest>().delay(delay).expect("a valid delay");

    let started = Instant::now();
    client.card().get_mpnews_html(&mpnews()).await.expect("the mock's own answer, late");
    assert!(started.elapsed() >= delay, "answered after {:?}", started.elapsed());

    let code = GetMpnewsHtmlErrorCode::InvalidCardId;
    mock.on::<GetMpnewsHtmlRequest>().after(delay).fail(code).expect("a valid fault");
    let started = Instant::now();
    let error = client.card().get_mpnews_html(&mpnews()).await.expect_err("the fault");
    assert!(started.elapsed() >= delay, "answered after {:?}", started.elapsed());
    assert_eq!(error.api_code(), Some(code));
}
