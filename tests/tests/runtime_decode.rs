//! Answers that are not what the endpoint returns, from a real HTTP server on 127.0.0.1:
//! each is a decode error that says where and what, quotes the start of the body, and is
//! never retried; none panics.

use std::sync::Arc;

use tests::fixtures::{GET_AUTH_DATA, TOKEN, auth_data_request, client_with};
use tests::scripted::{Answer, ScriptedServer};
use wechat_card::Client;
use wechat_card::invoice::GetAuthDataErrorCode;
use wechat_core::{DecodeError, EXCERPT_CHARS, Error, StaticToken};

/// Calls `get_auth_data` on a server answering `answer` and returns the decode error, after
/// checking it was neither retried nor anything else.
async fn decode_error(answer: Answer, max_body: Option<usize>) -> DecodeError {
    let server = ScriptedServer::start().await;
    server.script(GET_AUTH_DATA, [answer]);
    let client = match max_body {
        None => client_with(&server, Arc::new(StaticToken::new(TOKEN))),
        Some(limit) => Client::new(
            wechat_core::Client::builder()
                .base_url(server.base_url())
                .max_body_size(limit)
                .token_provider(StaticToken::new(TOKEN))
                .build()
                .expect("a valid configuration"),
        ),
    };
    let error: Error<GetAuthDataErrorCode> =
        client.invoice().get_auth_data(&auth_data_request()).await.expect_err("the answer is undecodable");
    assert!(!error.is_retryable(), "{error:?}");
    assert_eq!(server.count(GET_AUTH_DATA), 1);
    let Error::Decode(decode) = error else { panic!("expected a decode error, got {error:?}") };
    assert_eq!(decode.operation, "get_auth_data");
    assert!(decode.excerpt.chars().count() <= EXCERPT_CHARS + 1, "{}", decode.excerpt);
    decode
}

#[tokio::test]
async fn an_html_page_is_a_decode_error_quoting_it() {
    let page = "<html><head><title>Maintenance</title></head><body>back soon</body></html>";
    let error = decode_error(Answer::text(200, "text/html", page), None).await;

    assert_eq!(error.path, "");
    assert!(error.excerpt.starts_with("<html><head><title>Maintenance"), "{}", error.excerpt);
    assert!(error.to_string().contains("expected value"), "{error}");
}

#[tokio::test]
async fn an_empty_body_is_a_decode_error() {
    let error = decode_error(Answer::text(200, "application/json", ""), None).await;

    assert_eq!((error.path.as_str(), error.excerpt.as_str()), ("", ""));
    assert!(error.message.contains("EOF"), "{error}");
}

#[tokio::test]
async fn truncated_json_is_a_decode_error() {
    let error = decode_error(
        Answer::text(200, "application/json", r#"{"errcode":0,"invoice_status":"auth suc"#),
        None,
    )
    .await;

    assert!(error.message.contains("EOF"), "{error}");
    assert!(error.excerpt.starts_with(r#"{"errcode":0"#), "{}", error.excerpt);
}

#[tokio::test]
async fn a_field_of_the_wrong_type_is_named_by_its_path() {
    let body = r#"{"errcode":0,"errmsg":"ok","invoice_status":"auth success","auth_time":"soon"}"#;
    let error = decode_error(Answer::text(200, "application/json", body), None).await;

    assert_eq!(error.path, "auth_time");
    assert!(error.message.contains("an integer (i64) or a string holding one"), "{error}");
    assert!(error.to_string().contains("at `auth_time`"), "{error}");
}

#[tokio::test]
async fn a_nested_field_of_the_wrong_type_is_named_by_its_path() {
    let body = r#"{"invoice_status":"auth success","auth_time":1,"user_auth_info":{"user_field":{"title":{"a":1}}}}"#;
    let error = decode_error(Answer::text(200, "application/json", body), None).await;

    assert_eq!(error.path, "user_auth_info.user_field.title");
    assert!(error.message.contains("a string or a number"), "{error}");
}

#[tokio::test]
async fn a_missing_required_field_is_a_decode_error() {
    let body = r#"{"errcode":0,"errmsg":"ok","invoice_status":"auth success"}"#;
    let error = decode_error(Answer::text(200, "application/json", body), None).await;

    assert!(error.message.contains("missing field `auth_time`"), "{error}");
}

#[tokio::test]
async fn a_body_over_the_cap_is_a_decode_error() {
    let body = format!(r#"{{"invoice_status":"{}","auth_time":1}}"#, "x".repeat(2048));
    let error = decode_error(Answer::text(200, "application/json", &body), Some(1024)).await;

    assert!(error.message.contains("1024-byte limit"), "{error}");
}

#[tokio::test]
async fn a_streamed_body_over_the_cap_is_a_decode_error() {
    let chunk = b"[1,2,3,4,5,6,7,8,9,0]".repeat(10);
    let error = decode_error(Answer::Chunked { chunk, count: 10 }, Some(1000)).await;

    assert!(error.message.contains("1000-byte limit"), "{error}");
    assert!(error.excerpt.starts_with("[1,2,3"), "a streamed body is quoted: {}", error.excerpt);
}

#[tokio::test]
async fn the_default_cap_is_4_mib() {
    let under = format!(r#"{{"invoice_status":"{}","auth_time":1}}"#, "x".repeat(4 * 1024 * 1024 - 64));
    let over = format!(r#"{{"invoice_status":"{}","auth_time":1}}"#, "x".repeat(4 * 1024 * 1024));
    let server = ScriptedServer::start().await;
    server.script(GET_AUTH_DATA, [Answer::text(200, "application/json", &under)]);
    let client = client_with(&server, Arc::new(StaticToken::new(TOKEN)));
    let auth = client.invoice().get_auth_data(&auth_data_request()).await.unwrap();
    assert_eq!(auth.invoice_status.len(), 4 * 1024 * 1024 - 64);

    let error = decode_error(Answer::text(200, "application/json", &over), None).await;
    assert!(error.message.contains(&format!("{}-byte limit", 4 * 1024 * 1024)), "{error}");
}
