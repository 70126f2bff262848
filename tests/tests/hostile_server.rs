//! A hostile or broken server on 127.0.0.1: redirects, absurd numbers, bodies that are not
//! JSON or never end, connections that break, secrets echoed back. Each case asserts the
//! typed error, that the call ends in bounded time, how many requests reached each server,
//! and that no token or appsecret appears in the error or in anything traced.
//!
//! The tests share this binary's process-wide TRACE capture, so the logs of every test are
//! searched for the secrets of all.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use tests::capture::CapturedLogs;
use tests::fixtures::{
    APPSECRET, GET_AUTH_DATA, STABLE_TOKEN, TOKEN, TOKEN_2, auth_data_request, authorized, client_with,
    fast_retries, stable_token,
};
use tests::leaks::{assert_hidden, printed};
use tests::scripted::{Answer, ScriptedServer};
use wechat_core::{Error, StaticToken, TokenError};
use wechat_invoice::Client;

/// Every secret the scenarios hold.
const SECRETS: [&str; 3] = [TOKEN, TOKEN_2, APPSECRET];

/// Far longer than any case takes (a second or two at most), far shorter than a hang.
const NO_HANG: Duration = Duration::from_secs(20);

/// The redirects a server can answer with.
const REDIRECTS: [u16; 5] = [301, 302, 303, 307, 308];

/// The process-wide capture, installed by whichever test runs first.
fn logs() -> &'static CapturedLogs {
    static LOGS: OnceLock<CapturedLogs> = OnceLock::new();
    LOGS.get_or_init(|| CapturedLogs::install_global().expect("no other subscriber in this test binary"))
}

/// No secret in the error as printed, nor in the logs so far, which must hold the calls'
/// spans (so the search had text to search).
fn assert_no_secret_shown(error: &impl std::error::Error) {
    assert_hidden("the error", &printed(error), &SECRETS);
    let logs = logs().text();
    assert!(logs.contains("wechat.call"), "the capture saw no call:\n{logs}");
    assert_hidden("the logs", &logs, &SECRETS);
}

/// A client on `server` whose reqwest client is the caller's own, following redirects as
/// reqwest does by default.
fn client_with_callers_http(
    server: &ScriptedServer,
    provider: Arc<dyn wechat_core::TokenProvider>,
) -> Client {
    let core = wechat_core::Client::builder()
        .base_url(server.base_url())
        .retry_policy(fast_retries())
        .http_client(reqwest::Client::new())
        .shared_token_provider(provider)
        .build()
        .expect("a valid configuration");
    Client::new(core)
}

#[tokio::test]
async fn a_redirect_from_the_token_endpoint_is_refused_and_the_appsecret_goes_nowhere() {
    logs();
    for status in REDIRECTS {
        let elsewhere = ScriptedServer::start().await;
        elsewhere.otherwise(Answer::token(TOKEN, 7200));
        let server = ScriptedServer::start().await;
        // The Location quotes the secrets, as a server that read the request body can.
        let location =
            format!("{}{STABLE_TOKEN}?secret={APPSECRET}&access_token={TOKEN}", elsewhere.base_url());
        server
            .script(STABLE_TOKEN, [Answer::redirect(status, location)])
            .script(GET_AUTH_DATA, [authorized()]);

        let started = Instant::now();
        let error = client_with(&server, stable_token()).get_auth_data(&auth_data_request()).await;
        let error = error.expect_err("a redirect fails the call");

        assert!(started.elapsed() < NO_HANG);
        let Error::Token { source: TokenError::Redirect { status: refused, location }, .. } = &error else {
            panic!("{status}: expected a refused redirect, got {error:?}");
        };
        assert_eq!(*refused, Some(status));
        assert_eq!(
            *location,
            format!("{}{STABLE_TOKEN}?secret=***&access_token=***", elsewhere.base_url()),
            "the Location is named, masked"
        );
        assert!(!error.is_retryable());
        assert_eq!(elsewhere.total(), 0, "{status}: the request, and the appsecret in it, went on");
        assert_eq!(server.count(STABLE_TOKEN), 1, "{status}: a redirect is not retried");
        assert_eq!(server.count(GET_AUTH_DATA), 0);
        assert_no_secret_shown(&error);
    }
}

#[tokio::test]
async fn a_redirect_from_an_endpoint_is_refused_and_the_foreign_answer_never_returned() {
    logs();
    for status in REDIRECTS {
        let elsewhere = ScriptedServer::start().await;
        elsewhere.otherwise(authorized());
        let server = ScriptedServer::start().await;
        let location = format!("{}{GET_AUTH_DATA}?access_token={TOKEN}", elsewhere.base_url());
        server.script(GET_AUTH_DATA, [Answer::redirect(status, location)]);

        let started = Instant::now();
        let error = client_with(&server, Arc::new(StaticToken::new(TOKEN)))
            .get_auth_data(&auth_data_request())
            .await
            .expect_err("a redirect fails the call");

        assert!(started.elapsed() < NO_HANG);
        let Error::Redirect { operation, status: refused, location } = &error else {
            panic!("{status}: expected a refused redirect, got {error:?}");
        };
        assert_eq!((*operation, *refused), ("get_auth_data", Some(status)));
        assert_eq!(*location, format!("{}{GET_AUTH_DATA}?access_token=***", elsewhere.base_url()));
        assert!(!error.is_retryable());
        assert_eq!(elsewhere.total(), 0, "{status}: the request, and the token in it, went on");
        assert_eq!(server.count(GET_AUTH_DATA), 1, "{status}: a redirect is not retried");
        assert_no_secret_shown(&error);
    }
}

#[tokio::test]
async fn a_redirect_loop_is_one_refused_request() {
    logs();
    let server = ScriptedServer::start().await;
    server.script(GET_AUTH_DATA, [Answer::redirect(302, format!("{}{GET_AUTH_DATA}", server.base_url()))]);

    let error = client_with(&server, Arc::new(StaticToken::new(TOKEN)))
        .get_auth_data(&auth_data_request())
        .await
        .expect_err("a redirect fails the call");

    assert!(matches!(error, Error::Redirect { status: Some(302), .. }), "{error:?}");
    assert_eq!(server.count(GET_AUTH_DATA), 1);
    assert_no_secret_shown(&error);
}

/// A caller's own reqwest client follows redirects, and its policy cannot be changed: the
/// request goes on (which the builder's documentation warns about), but the answer it
/// fetches is refused, not returned as WeChat's.
#[tokio::test]
async fn a_redirect_a_callers_client_followed_is_refused() {
    logs();
    let elsewhere = ScriptedServer::start().await;
    elsewhere.otherwise(Answer::token(TOKEN, 7200));
    let server = ScriptedServer::start().await;
    server.script(STABLE_TOKEN, [Answer::redirect(307, format!("{}{STABLE_TOKEN}", elsewhere.base_url()))]);

    let error = client_with_callers_http(&server, stable_token())
        .get_auth_data(&auth_data_request())
        .await
        .expect_err("a followed redirect fails the call");

    let Error::Token { source: TokenError::Redirect { status: None, location }, .. } = &error else {
        panic!("expected a followed redirect, got {error:?}");
    };
    assert_eq!(*location, format!("{}{STABLE_TOKEN}", elsewhere.base_url()));
    assert!(!error.is_retryable());
    assert_eq!((server.count(STABLE_TOKEN), elsewhere.count(STABLE_TOKEN)), (1, 1));
    assert_eq!(server.count(GET_AUTH_DATA), 0, "no call is made with the foreign token");
    assert_no_secret_shown(&error);

    let elsewhere = ScriptedServer::start().await;
    elsewhere.otherwise(authorized());
    let server = ScriptedServer::start().await;
    let location = format!("{}{GET_AUTH_DATA}?access_token={TOKEN}", elsewhere.base_url());
    server.script(GET_AUTH_DATA, [Answer::redirect(302, location)]);

    let error = client_with_callers_http(&server, Arc::new(StaticToken::new(TOKEN)))
        .get_auth_data(&auth_data_request())
        .await
        .expect_err("a followed redirect fails the call");

    let Error::Redirect { status: None, location, .. } = &error else {
        panic!("expected a followed redirect, got {error:?}");
    };
    assert_eq!(*location, format!("{}{GET_AUTH_DATA}?access_token=***", elsewhere.base_url()));
    assert_eq!((server.count(GET_AUTH_DATA), elsewhere.count(GET_AUTH_DATA)), (1, 1));
    assert_no_secret_shown(&error);
}

/// A caller's client gives up on a loop after its own limit (reqwest: 10 redirects); that is
/// a refused redirect, not a transport failure to retry.
#[tokio::test]
async fn a_redirect_loop_a_callers_client_gave_up_on_is_not_retried() {
    logs();
    let server = ScriptedServer::start().await;
    server.script(GET_AUTH_DATA, [Answer::redirect(302, format!("{}{GET_AUTH_DATA}", server.base_url()))]);

    let error = client_with_callers_http(&server, Arc::new(StaticToken::new(TOKEN)))
        .get_auth_data(&auth_data_request())
        .await
        .expect_err("a redirect loop fails the call");

    assert!(matches!(error, Error::Redirect { status: None, .. }), "{error:?}");
    assert!(!error.is_retryable());
    assert_eq!(server.count(GET_AUTH_DATA), 11, "one attempt: the request and reqwest's 10 redirects");
    assert_no_secret_shown(&error);
}
