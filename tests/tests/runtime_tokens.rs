//! Access tokens against a real HTTP server on 127.0.0.1: fetched once and shared, renewed
//! before they expire and when WeChat refuses them, and refused before sending where the
//! spec forbids them.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use tests::fixtures::{
    APPID, APPSECRET, GET_AUTH_DATA, INSERT_BILL, STABLE_TOKEN, TOKEN, TOKEN_2, auth_data_request,
    authorized, client_with, insert_bill_request, stable_token,
};
use tests::scripted::{Answer, ScriptedServer};
use wechat_card::invoice::GetAuthDataErrorCode;
use wechat_card::{Client, ErrorCode, GeneralErrorCode};
use wechat_core::{AuthorizerToken, Error, Secret, StableToken, StaticToken, TokenError};

fn tokens_sent(server: &ScriptedServer, path: &str) -> Vec<String> {
    server.requests(path).iter().map(|r| r.query_value("access_token").unwrap_or("").to_owned()).collect()
}

#[tokio::test]
async fn a_token_is_fetched_once_and_reused() {
    let server = ScriptedServer::start().await;
    server.script(STABLE_TOKEN, [Answer::token(TOKEN, 7200)]).script(GET_AUTH_DATA, [authorized()]);
    let provider = stable_token();
    let client = client_with(&server, provider.clone());

    for _ in 0..3 {
        let auth = client.invoice().get_auth_data(&auth_data_request()).await.unwrap();
        assert_eq!((auth.invoice_status.as_str(), auth.auth_time), ("auth success", 1_480_342_498));
    }

    assert_eq!(server.count(STABLE_TOKEN), 1);
    assert_eq!(provider.fetch_count(), 1);
    assert_eq!(tokens_sent(&server, GET_AUTH_DATA), [TOKEN, TOKEN, TOKEN]);
    let asked = &server.requests(STABLE_TOKEN)[0];
    assert_eq!(asked.method, "POST");
    assert_eq!(asked.header("content-type"), Some("application/json"));
    assert!(asked.query.is_empty(), "the token request carries nothing in its URL: {:?}", asked.query);
    assert_eq!(
        asked.json(),
        json!({"grant_type": "client_credential", "appid": APPID, "secret": APPSECRET, "force_refresh": false})
    );
}

#[tokio::test]
async fn a_token_is_renewed_a_margin_before_it_expires() {
    let server = ScriptedServer::start().await;
    server
        .script(STABLE_TOKEN, [Answer::token(TOKEN, 2), Answer::token(TOKEN_2, 7200)])
        .script(GET_AUTH_DATA, [authorized()]);
    // A 2 s token with a 1 s margin is renewed 1 s after it was fetched.
    let provider =
        Arc::new(StableToken::new(APPID, Secret::new(APPSECRET)).renew_margin(Duration::from_secs(1)));
    let client = client_with(&server, provider);

    client.invoice().get_auth_data(&auth_data_request()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    client.invoice().get_auth_data(&auth_data_request()).await.unwrap();
    client.invoice().get_auth_data(&auth_data_request()).await.unwrap();

    assert_eq!(server.count(STABLE_TOKEN), 2);
    assert_eq!(tokens_sent(&server, GET_AUTH_DATA), [TOKEN, TOKEN_2, TOKEN_2]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_on_an_empty_cache_fetch_one_token() {
    let server = ScriptedServer::start().await;
    server.script(STABLE_TOKEN, [Answer::token(TOKEN, 7200)]).script(GET_AUTH_DATA, [authorized()]);
    let client = client_with(&server, stable_token());

    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..200 {
        let client = client.clone();
        calls.spawn(async move { client.invoice().get_auth_data(&auth_data_request()).await });
    }
    let mut succeeded = 0;
    while let Some(outcome) = calls.join_next().await {
        outcome.unwrap().unwrap();
        succeeded += 1;
    }

    assert_eq!(succeeded, 200);
    assert_eq!(server.count(STABLE_TOKEN), 1);
    assert_eq!(server.count(GET_AUTH_DATA), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_share_the_failure_of_one_token_fetch() {
    let server = ScriptedServer::start().await;
    // The refusal is held back long enough for every call to queue behind the one fetch; a
    // call that starts after a fetch failed asks again, by design.
    let refusal = Answer::errcode(40125, "invalid appsecret");
    server.script(STABLE_TOKEN, [Answer::delayed(Duration::from_millis(300), refusal)]);
    let client = client_with(&server, stable_token());

    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..200 {
        let client = client.clone();
        calls.spawn(async move { client.invoice().get_auth_data(&auth_data_request()).await });
    }
    while let Some(outcome) = calls.join_next().await {
        let error = outcome.unwrap().unwrap_err();
        assert!(
            matches!(&error, Error::Token { source: TokenError::Refused { errcode: 40125, .. }, .. }),
            "{error:?}"
        );
    }

    assert_eq!(server.count(STABLE_TOKEN), 1);
    assert_eq!(server.total(), 1);
}

#[tokio::test]
async fn an_expired_token_is_renewed_once_and_the_call_retried() {
    let server = ScriptedServer::start().await;
    server
        .script(STABLE_TOKEN, [Answer::token(TOKEN, 7200), Answer::token(TOKEN_2, 7200)])
        .script(GET_AUTH_DATA, [Answer::errcode(42001, "access_token expired"), authorized()]);
    let client = client_with(&server, stable_token());

    client.invoice().get_auth_data(&auth_data_request()).await.unwrap();

    assert_eq!(server.count(STABLE_TOKEN), 2);
    assert_eq!(tokens_sent(&server, GET_AUTH_DATA), [TOKEN, TOKEN_2]);
    let renewal = &server.requests(STABLE_TOKEN)[1];
    assert_eq!(renewal.json()["force_refresh"], json!(false), "normal mode first: it is not rate limited");
}

#[tokio::test]
async fn a_refused_token_handed_back_is_force_refreshed() {
    let server = ScriptedServer::start().await;
    server
        .script(
            STABLE_TOKEN,
            [Answer::token(TOKEN, 7200), Answer::token(TOKEN, 7000), Answer::token(TOKEN_2, 7200)],
        )
        .script(GET_AUTH_DATA, [Answer::errcode(40001, "invalid credential"), authorized()]);
    let client = client_with(&server, stable_token());

    client.invoice().get_auth_data(&auth_data_request()).await.unwrap();

    let asked: Vec<_> =
        server.requests(STABLE_TOKEN).iter().map(|r| r.json()["force_refresh"].clone()).collect();
    assert_eq!(asked, [json!(false), json!(false), json!(true)]);
    assert_eq!(tokens_sent(&server, GET_AUTH_DATA), [TOKEN, TOKEN_2]);
}

#[tokio::test]
async fn a_token_is_renewed_only_once_per_call() {
    let server = ScriptedServer::start().await;
    server
        .script(STABLE_TOKEN, [Answer::token(TOKEN, 7200), Answer::token(TOKEN_2, 7200)])
        .script(GET_AUTH_DATA, [Answer::errcode(40014, "invalid access_token")]);
    let client = client_with(&server, stable_token());

    let error = client.invoice().get_auth_data(&auth_data_request()).await.unwrap_err();

    assert_eq!(error.api_code().map(|c| c.code()), Some(40014));
    assert!(!error.is_retryable());
    assert_eq!(server.count(GET_AUTH_DATA), 2);
    assert_eq!(server.count(STABLE_TOKEN), 2);
}

#[tokio::test]
async fn a_bad_appsecret_is_a_token_error_never_retried() {
    let server = ScriptedServer::start().await;
    server
        .script(STABLE_TOKEN, [Answer::errcode(40125, "invalid appsecret")])
        .script(GET_AUTH_DATA, [authorized()]);
    let client = client_with(&server, stable_token());

    let error = client.invoice().get_auth_data(&auth_data_request()).await.unwrap_err();

    let Error::Token { operation, source: TokenError::Refused { errcode, errmsg } } = &error else {
        panic!("expected a refused token, got {error:?}");
    };
    assert_eq!((*operation, *errcode, errmsg.as_str()), ("get_auth_data", 40125, "invalid appsecret"));
    assert!(!error.is_retryable());
    assert_eq!(server.count(STABLE_TOKEN), 1);
    assert_eq!(server.count(GET_AUTH_DATA), 0);
}

#[tokio::test]
async fn a_failing_token_endpoint_is_retried_like_any_attempt() {
    let server = ScriptedServer::start().await;
    server
        .script(STABLE_TOKEN, [Answer::text(503, "text/plain", "busy"), Answer::token(TOKEN, 7200)])
        .script(GET_AUTH_DATA, [authorized()]);
    let client = client_with(&server, stable_token());

    client.invoice().get_auth_data(&auth_data_request()).await.unwrap();

    assert_eq!(server.count(STABLE_TOKEN), 2);
    assert_eq!(tokens_sent(&server, GET_AUTH_DATA), [TOKEN]);
}

#[tokio::test]
async fn an_authorizer_token_is_refused_for_insert_bill_before_sending() {
    let server = ScriptedServer::start().await;
    server.script(INSERT_BILL, [Answer::ok(json!({"code": "c", "openid": "o"}))]);
    let client = client_with(&server, Arc::new(AuthorizerToken::new(TOKEN)));

    let error = client.nontax().insert_bill(&insert_bill_request()).await.unwrap_err();

    let Error::Request { operation, message } = &error else { panic!("expected a refusal, got {error:?}") };
    assert_eq!(*operation, "insert_bill");
    assert!(message.contains("authorizer_access_token"), "{message}");
    assert!(!error.is_retryable());
    assert_eq!(server.total(), 0, "nothing may reach the server");
}

#[tokio::test]
async fn an_authorizer_token_is_sent_where_third_parties_may_call() {
    let server = ScriptedServer::start().await;
    server.script(GET_AUTH_DATA, [authorized()]);
    let provider = Arc::new(AuthorizerToken::new(TOKEN));
    let client = client_with(&server, provider.clone());

    client.invoice().get_auth_data(&auth_data_request()).await.unwrap();
    provider.set(TOKEN_2);
    client.invoice().get_auth_data(&auth_data_request()).await.unwrap();

    assert_eq!(tokens_sent(&server, GET_AUTH_DATA), [TOKEN, TOKEN_2]);
}

#[tokio::test]
async fn a_static_token_refused_is_not_retried() {
    let server = ScriptedServer::start().await;
    server.script(GET_AUTH_DATA, [Answer::errcode(40001, "invalid credential")]);
    let client = client_with(&server, Arc::new(StaticToken::new(TOKEN)));

    let error = client.invoice().get_auth_data(&auth_data_request()).await.unwrap_err();

    assert_eq!(error.api_code(), Some(GetAuthDataErrorCode::General(GeneralErrorCode::from_code(40001))));
    assert_eq!(server.count(GET_AUTH_DATA), 1, "a fixed token cannot be renewed, so it is not retried");
}

#[tokio::test]
async fn a_client_without_a_token_provider_sends_nothing() {
    let server = ScriptedServer::start().await;
    server.script(GET_AUTH_DATA, [authorized()]);
    let core = wechat_core::Client::builder().base_url(server.base_url()).build().unwrap();

    let error = Client::new(core).invoice().get_auth_data(&auth_data_request()).await.unwrap_err();

    assert!(matches!(error, Error::Token { source: TokenError::Missing, .. }), "{error:?}");
    assert_eq!(server.total(), 0);
}
