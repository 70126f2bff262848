//! The crate-level `Error`: one function `?`s the calls of two groups into it and still
//! matches typed codes; WeChat's other failures stay apart; nothing secret is printed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use wechat_card::card::GetCardRequest;
use wechat_card::card::types::Card;
use wechat_card::invoice::{GetContactRequest, RejectInsertRequest};
use wechat_card::wechat_core::{self, RetryPolicy, Secret, StableToken, StaticToken, TokenProvider};
use wechat_card::{Client, Code, Error, GeneralErrorCode};
use wechat_mock::records::InvoiceSettings;
use wechat_mock::{Fault, MockConfig, MockServer};

/// Two operations of two groups (`invoice`, `card`), one error type.
async fn contact_then_card(client: &Client, card_id: &str) -> Result<(String, Card), Error> {
    let contact = client.invoice().get_contact(&GetContactRequest::new()).await?;
    let card = client.card().get_card(&GetCardRequest::new(card_id)).await?;
    Ok((contact.contact.phone, card.card))
}

fn client_of(base_url: &str, tokens: impl TokenProvider + 'static) -> Client {
    let core = wechat_core::Client::builder()
        .base_url(base_url)
        .token_provider(tokens)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a valid configuration");
    Client::new(core)
}

async fn mock_and_client() -> (MockServer, Client) {
    let mock = MockServer::start(MockConfig::demo()).await.expect("the mock starts");
    // The merchant set its contact details, so get_contact answers them.
    let contact = serde_json::json!({"phone": "020-88888888", "time_out": 3600});
    mock.seed_record(&InvoiceSettings::new().contact(contact)).expect("the account's settings");
    let tokens = StableToken::new(&mock.config().appid, mock.config().secret.clone());
    let client = client_of(mock.base_url(), tokens);
    (mock, client)
}

const GET_CARD: &str = "/card/get";
const GET_CONTACT: &str = "/card/invoice/setbizattr";
const REJECT_INSERT: &str = "/card/invoice/rejectinsert";

#[tokio::test]
async fn a_code_injected_into_the_second_group_is_matched_on_the_crate_error() {
    let (mock, client) = mock_and_client().await;
    mock.faults().push(Fault::errcode(45030).only("get_card")).unwrap();

    let error = contact_then_card(&client, "pDF3iY0_dVjb_Pua96MMewA96qvA").await.unwrap_err();

    assert_eq!(error.code(), Some(Code::CardNotSupported), "{error}");
    assert_eq!(error.errcode(), Some(45030));
    assert_eq!(error.operation(), "get_card");
    assert!(!error.is_retryable());
    assert!(
        matches!(error.kind(), wechat_core::Error::Api(api) if api.code == Code::CardNotSupported),
        "{error:?}"
    );
    // The first operation went through; the failure is the second's.
    assert_eq!(mock.requests().count(GET_CONTACT), 1);
    assert_eq!(mock.requests().count(GET_CARD), 1);
    mock.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_general_code_injected_into_the_first_group_stops_the_function() {
    let (mock, client) = mock_and_client().await;
    mock.faults().push(Fault::errcode(45009).only("get_contact")).unwrap();

    let error = contact_then_card(&client, "pDF3iY0_dVjb_Pua96MMewA96qvA").await.unwrap_err();

    assert_eq!(error.code(), Some(Code::DailyQuotaReached), "{error}");
    assert_eq!(error.operation(), "get_contact");
    assert_eq!(mock.requests().count(GET_CARD), 0, "the function stopped at the first `?`");
    mock.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_code_the_operation_does_not_list_is_still_typed_crate_wide() {
    let (mock, client) = mock_and_client().await;
    // 72031 is an invoice code: get_card does not list it, the crate knows it.
    mock.faults().push(Fault::errcode(72031).only("get_card")).unwrap();

    let own = client.card().get_card(&GetCardRequest::new("pDF3iY0_dVjb_Pua96MMewA96qvA")).await.unwrap_err();
    assert_eq!(
        own.api_code(),
        Some(wechat_card::card::GetCardErrorCode::General(GeneralErrorCode::Unknown(72031)))
    );
    let error = Error::from(own);
    assert_eq!(error.code(), Some(Code::InvalidParams), "{error}");
    assert_eq!(error.errcode(), Some(72031));
    mock.shutdown().await.unwrap();
}

#[tokio::test]
async fn decode_and_token_failures_stay_distinguishable() {
    let (mock, client) = mock_and_client().await;
    mock.faults().push(Fault::html().only("get_card")).unwrap();
    let error = contact_then_card(&client, "pDF3iY0_dVjb_Pua96MMewA96qvA").await.unwrap_err();
    assert!(matches!(error.kind(), wechat_core::Error::Decode(_)), "{error:?}");
    assert_eq!((error.code(), error.errcode(), error.errmsg()), (None, None, None));

    let refused =
        client_of(mock.base_url(), StableToken::new(&mock.config().appid, Secret::new("not-the-appsecret")));
    let error = contact_then_card(&refused, "pDF3iY0_dVjb_Pua96MMewA96qvA").await.unwrap_err();
    assert!(
        matches!(
            error.kind(),
            wechat_core::Error::Token { source: wechat_core::TokenError::Refused { .. }, .. }
        ),
        "{error:?}"
    );
    assert_eq!(error.code(), None, "a token refusal is not an answer of the operation");
    mock.shutdown().await.unwrap();
}

/// A platform's own steps, outside any operation, in the same error type as the calls.
async fn platform_link(
    platform: &wechat_core::Component,
    core: &wechat_core::Client,
) -> Result<String, Error> {
    let code = platform.pre_auth_code(core.http_context()).await?;
    Ok(code.authorization_url("https://platform.example/callback"))
}

#[tokio::test]
async fn a_platform_s_token_failure_and_a_store_s_go_through_question_mark() {
    let mock = MockServer::start(MockConfig::demo()).await.unwrap();
    let core = wechat_core::Client::builder().base_url(mock.base_url()).build().unwrap();
    // No verify ticket yet: the component token cannot be had.
    let platform =
        wechat_core::Component::new("wx_component_of_the_test", Secret::new("component-secret-8c1d"));
    let error = platform_link(&platform, &core).await.unwrap_err();
    assert!(
        matches!(
            error.kind(),
            wechat_core::Error::Token { operation: "", source: wechat_core::TokenError::NoVerifyTicket }
        ),
        "{error:?}"
    );
    assert_eq!((error.operation(), error.code(), error.is_retryable()), ("", None, false));
    assert!(error.to_string().starts_with("no component_verify_ticket"), "{error}");
    assert!(!format!("{error} {error:?}").contains("component-secret-8c1d"));

    let error = Error::from(wechat_core::StoreError::Unreachable("connection refused".into()));
    assert!(
        matches!(
            error.kind(),
            wechat_core::Error::Token { operation: "", source: wechat_core::TokenError::Store(_) }
        ),
        "{error:?}"
    );
    assert!(error.is_retryable(), "an unreachable store may be back on the next try");
    assert_eq!(error.to_string(), "the token store is unreachable: connection refused");
    mock.shutdown().await.unwrap();
}

/// An HTTP server on 127.0.0.1 that answers every request with `status` and `body`, closing
/// each connection; it serves at most `requests` requests.
fn echoing_server(status: &'static str, content_type: &'static str, body: String, requests: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let Ok(mut stream) = stream else { continue };
            stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                if let Some((name, value)) = line.trim_end().split_once(':')
                    && name.eq_ignore_ascii_case("content-length")
                {
                    length = value.trim().parse().unwrap_or(0);
                }
                line.clear();
            }
            let mut request_body = vec![0; length];
            let _ = reader.read_exact(&mut request_body);
            let answer = format!(
                "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    base_url
}

#[tokio::test]
async fn display_and_debug_of_the_crate_error_never_show_the_access_token() {
    const TOKEN: &str = "ACCESS-TOKEN-e4c9b2d17f";
    let echoes = [
        // WeChat's error answer quoting the request's URL.
        (
            "200 OK",
            "application/json",
            format!(r#"{{"errcode": 72031, "errmsg": "invalid params: /card/get?access_token={TOKEN}"}}"#),
        ),
        // A proxy's page repeating the URL.
        ("200 OK", "text/html", format!("<html>bad gateway for /card/get?access_token={TOKEN}</html>")),
        ("502 Bad Gateway", "text/plain", format!("upstream refused access_token={TOKEN} ({TOKEN})")),
    ];
    for (status, content_type, body) in echoes {
        let base_url = echoing_server(status, content_type, body, 4);
        let client = client_of(&base_url, StaticToken::new(TOKEN));
        let error = contact_then_card(&client, "pDF3iY0_dVjb_Pua96MMewA96qvA").await.unwrap_err();
        for printed in [error.to_string(), format!("{error:?}"), format!("{:?}", error.kind())] {
            assert!(!printed.contains(TOKEN), "{status}: the token is printed: {printed}");
            assert!(!printed.contains("e4c9b2d17f"), "{status}: part of the token is printed: {printed}");
        }
        assert_eq!(error.operation(), "get_contact", "{error}");
    }
}

/// A builder's error and a call's, `?`d into one error type; `reason` is left unset when
/// `with_reason` is false.
async fn refuse_insert(client: &Client, order_id: &str, with_reason: bool) -> Result<(), Error> {
    let builder = RejectInsertRequest::builder().s_pappid("s_pappid").order_id(order_id);
    let builder = if with_reason { builder.reason("never authorized") } else { builder };
    client.invoice().reject_insert(&builder.build()?).await?;
    Ok(())
}

#[tokio::test]
async fn a_builder_error_goes_through_question_mark_and_nothing_is_sent() {
    let (mock, client) = mock_and_client().await;

    let error = refuse_insert(&client, "order-1", false).await.unwrap_err();

    assert!(
        matches!(
            error.kind(),
            wechat_core::Error::Build(wechat_core::BuildError::MissingField {
                type_name: "RejectInsertRequest",
                field: "reason"
            })
        ),
        "{error:?}"
    );
    assert_eq!((error.code(), error.errcode(), error.operation()), (None, None, ""));
    assert!(!error.is_retryable());
    assert!(error.to_string().contains("`reason`"), "{error}");
    assert_eq!(mock.requests().count(REJECT_INSERT), 0, "a request that was never built is never sent");

    // The same function with the field set reaches WeChat.
    refuse_insert(&client, "order-1", true).await.unwrap();
    assert_eq!(mock.requests().count(REJECT_INSERT), 1);
}
