//! Retries against a real HTTP server on 127.0.0.1: what is retried (busy codes, 5xx,
//! timeouts) and what never is (quota, client errors), bounded by attempts and a total
//! deadline, with the policy set per client and per call.

use std::sync::Arc;
use std::time::Duration;

use tests::fixtures::{GET_AUTH_DATA, TOKEN, auth_data_request, authorized, client_with, fast_retries};
use tests::scripted::{Answer, ScriptedServer};
use wechat_card::invoice::GetAuthDataErrorCode;
use wechat_card::{Client, GeneralErrorCode};
use wechat_core::{Error, RetryPolicy, StaticToken};

fn client(server: &ScriptedServer) -> Client {
    client_with(server, Arc::new(StaticToken::new(TOKEN)))
}

#[tokio::test]
async fn system_busy_twice_then_success_takes_three_attempts() {
    let server = ScriptedServer::start().await;
    server.script(
        GET_AUTH_DATA,
        [Answer::errcode(-1, "system error"), Answer::errcode(-1, "system error"), authorized()],
    );

    let auth = client(&server).invoice().get_auth_data(&auth_data_request()).await.unwrap();

    assert_eq!(auth.auth_time, 1_480_342_498);
    assert_eq!(server.count(GET_AUTH_DATA), 3);
}

#[tokio::test]
async fn invoice_busy_is_retried() {
    let server = ScriptedServer::start().await;
    server.script(GET_AUTH_DATA, [Answer::errcode(72036, "invoice is busy"), authorized()]);

    client(&server).invoice().get_auth_data(&auth_data_request()).await.unwrap();

    assert_eq!(server.count(GET_AUTH_DATA), 2);
}

#[tokio::test]
async fn busy_answers_stop_when_the_attempts_run_out() {
    let server = ScriptedServer::start().await;
    server.script(GET_AUTH_DATA, [Answer::errcode(-1, "system error")]);

    let error = client(&server).invoice().get_auth_data(&auth_data_request()).await.unwrap_err();

    assert_eq!(error.api_code(), Some(GetAuthDataErrorCode::General(GeneralErrorCode::SystemBusy)));
    assert!(error.is_retryable());
    assert_eq!(server.count(GET_AUTH_DATA), 3, "the default policy makes 3 attempts");
}

#[tokio::test]
async fn the_daily_quota_is_never_retried() {
    let server = ScriptedServer::start().await;
    server.script(GET_AUTH_DATA, [Answer::errcode(45009, "reach max api daily quota limit"), authorized()]);

    let error = client(&server).invoice().get_auth_data(&auth_data_request()).await.unwrap_err();

    let Error::Api(api) = &error else { panic!("expected an API error, got {error:?}") };
    assert_eq!(api.code, GetAuthDataErrorCode::General(GeneralErrorCode::DailyQuotaReached));
    assert_eq!(api.errmsg, "reach max api daily quota limit");
    assert!(!error.is_retryable());
    assert_eq!(server.count(GET_AUTH_DATA), 1);
}

#[tokio::test]
async fn endpoint_and_unknown_codes_are_typed_and_not_retried() {
    let server = ScriptedServer::start().await;
    server.script(
        GET_AUTH_DATA,
        [Answer::errcode(72038, "invoice order never auth"), Answer::errcode(99_999, "something new")],
    );
    let client = client(&server);

    let known = client.invoice().get_auth_data(&auth_data_request()).await.unwrap_err();
    let unknown = client.invoice().get_auth_data(&auth_data_request()).await.unwrap_err();

    assert_eq!(known.api_code(), Some(GetAuthDataErrorCode::InvoiceOrderNeverAuth));
    assert_eq!(unknown.api_code(), Some(GetAuthDataErrorCode::General(GeneralErrorCode::Unknown(99_999))));
    assert!(unknown.to_string().contains("99999"), "{unknown}");
    assert_eq!(server.count(GET_AUTH_DATA), 2);
}

#[tokio::test]
async fn server_errors_are_retried_and_client_errors_are_not() {
    let server = ScriptedServer::start().await;
    server.script(GET_AUTH_DATA, [Answer::text(502, "text/html", "<html>bad gateway</html>")]);
    server.script("/card/invoice/rejectinsert", [Answer::text(404, "text/plain", "not here")]);
    let client = client(&server);

    let bad_gateway = client.invoice().get_auth_data(&auth_data_request()).await.unwrap_err();
    let request = wechat_card::invoice::RejectInsertRequest::builder()
        .s_pappid("wx-platform")
        .order_id("order-1")
        .reason("no")
        .build()
        .expect("required fields set");
    let not_found = client.invoice().reject_insert(&request).await.unwrap_err();

    assert!(
        matches!(&bad_gateway, Error::Status { status: 502, excerpt, .. } if excerpt.contains("bad gateway"))
    );
    assert!(bad_gateway.is_retryable());
    assert_eq!(server.count(GET_AUTH_DATA), 3);
    assert!(matches!(not_found, Error::Status { status: 404, .. }), "{not_found:?}");
    assert_eq!(server.count("/card/invoice/rejectinsert"), 1);
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let server = ScriptedServer::start().await;
    server.script(GET_AUTH_DATA, [Answer::Hang]);
    let core = wechat_core::Client::builder()
        .base_url(server.base_url())
        .attempt_timeout(Duration::from_millis(200))
        .retry_policy(fast_retries().total_deadline(Duration::from_secs(1)))
        .token_provider(StaticToken::new(TOKEN))
        .build()
        .unwrap();

    let error = Client::new(core).invoice().get_auth_data(&auth_data_request()).await.unwrap_err();

    assert!(matches!(error, Error::Timeout { operation: "get_auth_data", .. }), "{error:?}");
    assert!(error.is_retryable());
    assert!(server.count(GET_AUTH_DATA) >= 1);
}

#[tokio::test]
async fn the_total_deadline_bounds_a_call_whatever_the_attempt_timeout() {
    let server = ScriptedServer::start().await;
    server.script(GET_AUTH_DATA, [Answer::Hang]);
    // The default attempt timeout (15 s) would outlast the test; the deadline must cut it.
    let core = wechat_core::Client::builder()
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::default().total_deadline(Duration::from_millis(300)))
        .token_provider(StaticToken::new(TOKEN))
        .build()
        .unwrap();

    let error = Client::new(core).invoice().get_auth_data(&auth_data_request()).await.unwrap_err();

    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert_eq!(server.count(GET_AUTH_DATA), 1);
}

#[tokio::test]
async fn the_policy_is_set_per_client_and_overridden_per_call() {
    let server = ScriptedServer::start().await;
    server.script(GET_AUTH_DATA, [Answer::errcode(-1, "system error")]);
    let core = wechat_core::Client::builder()
        .base_url(server.base_url())
        .retry_policy(fast_retries().max_attempts(2))
        .token_provider(StaticToken::new(TOKEN))
        .build()
        .unwrap();
    let client = Client::new(core);

    client.invoice().get_auth_data(&auth_data_request()).await.unwrap_err();
    assert_eq!(server.count(GET_AUTH_DATA), 2, "the client's policy: 2 attempts");

    client
        .with_retry_policy(RetryPolicy::none())
        .invoice()
        .get_auth_data(&auth_data_request())
        .await
        .unwrap_err();
    assert_eq!(server.count(GET_AUTH_DATA), 3, "the call's policy: 1 attempt");

    let four = fast_retries().max_attempts(4);
    client.core().with_retry_policy(four).send(&auth_data_request()).await.unwrap_err();
    assert_eq!(server.count(GET_AUTH_DATA), 7, "the runtime client's override: 4 attempts");

    client.invoice().get_auth_data(&auth_data_request()).await.unwrap_err();
    assert_eq!(server.count(GET_AUTH_DATA), 9, "an override leaves the client's policy alone");
    assert_eq!(client.with_retry_policy(four).core().retry_policy(), four);
}

#[tokio::test]
async fn an_unbounded_deadline_and_backoff_neither_panic_nor_wait_forever() {
    let server = ScriptedServer::start().await;
    server.script(GET_AUTH_DATA, [Answer::text(503, "text/plain", "busy"), authorized()]);
    let unbounded = RetryPolicy::default().total_deadline(Duration::MAX);
    let client = client(&server);

    client.with_retry_policy(unbounded).invoice().get_auth_data(&auth_data_request()).await.unwrap();
    assert_eq!(server.count(GET_AUTH_DATA), 2, "a deadline of Duration::MAX is no deadline");

    // A pause no clock can reach is never taken: the call returns the error it has.
    server.script(GET_AUTH_DATA, [Answer::text(503, "text/plain", "busy")]);
    let endless = unbounded.backoff(Duration::MAX, Duration::MAX);
    let patient = client.with_retry_policy(endless);
    let request = auth_data_request();
    let call = patient.invoice().get_auth_data(&request);
    let error =
        tokio::time::timeout(Duration::from_secs(20), call).await.expect("no endless pause").unwrap_err();

    assert!(matches!(error, Error::Status { status: 503, .. }), "{error:?}");
    assert_eq!(server.count(GET_AUTH_DATA), 3);
}
