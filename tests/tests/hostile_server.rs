//! A hostile or broken server on 127.0.0.1: redirects, absurd numbers, bodies that are not
//! JSON or never end, connections that break, secrets echoed back. Each case asserts the
//! typed error, that the call ends in bounded time, how many requests reached each server,
//! and that no token or appsecret appears in the error or in anything traced.
//!
//! The tests share this binary's process-wide TRACE capture; each searches what was logged
//! while it ran, its own lines and those of the tests running beside it.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use serde_json::json;
use tests::capture::CapturedLogs;
use tests::fixtures::{
    APPSECRET, GET_AUTH_DATA, STABLE_TOKEN, TOKEN, TOKEN_2, auth_data_request, authorized, client_with,
    fast_retries, spaced_renewals_allowed, stable_token,
};
use tests::leaks::{assert_hidden, printed};
use tests::raw_server::{RawServer, Step};
use tests::scripted::{Answer, Condition, ScriptedServer};
use wechat_card::invoice::GetAuthDataErrorCode;
use wechat_card::{Client, ErrorCode};
use wechat_core::{Error, StaticToken, TokenError};

/// Every secret the scenarios hold.
const SECRETS: [&str; 4] = [TOKEN, TOKEN_2, FORCED_TOKEN, APPSECRET];

/// Far longer than any case takes (a second or two at most), far shorter than a hang.
const NO_HANG: Duration = Duration::from_secs(20);

/// The redirects a server can answer with.
const REDIRECTS: [u16; 5] = [301, 302, 303, 307, 308];

/// The token `force_refresh` hands out in the storms.
const FORCED_TOKEN: &str = "TOKEN-SECRET-FORCED";

/// Long enough for any answer from 127.0.0.1 on a loaded machine.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(3);

/// For the answers that never end: every attempt runs into it.
const SHORT_ATTEMPT_TIMEOUT: Duration = Duration::from_millis(300);

/// The default cap, 4 MiB, is far above anything here; the oversize cases set their own.
const DEFAULT_MAX_BODY: usize = 4 * 1024 * 1024;

/// The process-wide capture, installed by whichever test runs first.
fn logs() -> &'static CapturedLogs {
    static LOGS: OnceLock<CapturedLogs> = OnceLock::new();
    LOGS.get_or_init(|| CapturedLogs::install_global().expect("no other subscriber in this test binary"))
}

/// The logs written from now on (with those of tests running meanwhile).
struct Watch(usize);

/// Starts watching the logs, installing the capture if no test did yet.
fn watch_logs() -> Watch {
    Watch(logs().len())
}

impl Watch {
    /// No secret in the logs since the watch began, which must hold the calls' spans (so
    /// the search had text to search).
    fn assert_no_secret_logged(&self) {
        let logs = logs().text_since(self.0);
        assert!(logs.contains("wechat.call"), "the capture saw no call:\n{logs}");
        assert_hidden("the logs", &logs, &SECRETS);
    }
}

/// No secret in the error as printed, nor in the logs since `watch` began.
fn assert_no_secret_shown(error: &impl std::error::Error, watch: &Watch) {
    assert_hidden("the error", &printed(error), &SECRETS);
    watch.assert_no_secret_logged();
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

/// A client on `base_url` with a static token, [`fast_retries`] within 10 s, the given
/// attempt timeout and `max_body` bytes of answer at most.
fn client_on(base_url: &str, max_body: usize, attempt_timeout: Duration) -> Client {
    let core = wechat_core::Client::builder()
        .base_url(base_url)
        .retry_policy(fast_retries().total_deadline(Duration::from_secs(10)))
        .attempt_timeout(attempt_timeout)
        .max_body_size(max_body)
        .token_provider(StaticToken::new(TOKEN))
        .build()
        .expect("a valid configuration");
    Client::new(core)
}

/// A `get_auth_data` call with `client` that fails, in bounded time, showing no secret.
async fn failed_call(client: &Client, logs: &Watch) -> Error<GetAuthDataErrorCode> {
    let started = Instant::now();
    let error =
        client.invoice().get_auth_data(&auth_data_request()).await.expect_err("the answer fails the call");
    assert!(started.elapsed() < NO_HANG, "{error:?} took {:?}", started.elapsed());
    assert_no_secret_shown(&error, logs);
    error
}

/// The token endpoint's answer, with `expires_in` written as given.
fn token_answer(expires_in: &str) -> Answer {
    Answer::text(
        200,
        "application/json",
        &format!(r#"{{"access_token":"{TOKEN}","expires_in":{expires_in}}}"#),
    )
}

/// How a storm of calls with a refused token ended.
struct Storm {
    /// Requests to the token endpoint after the first, with `force_refresh` false.
    normal: usize,
    /// Requests to the token endpoint with `force_refresh` true.
    forced: usize,
    /// Calls that failed, every one with WeChat's 40001.
    failed: usize,
}

/// 1,000 calls at once, all holding a token ([`TOKEN`]) WeChat has just stopped accepting.
/// Normal mode then hands out `normal`, `force_refresh` hands out `forced`, and the API
/// refuses [`TOKEN`] only, or every token when `refuse_every_token`.
async fn token_storm(normal: &str, forced: &str, refuse_every_token: bool) -> Storm {
    let watch = watch_logs();
    let server = ScriptedServer::start().await;
    let tokens = |normal: &str| {
        let force = Condition::JsonField("force_refresh", json!(true));
        Answer::when(force, Answer::token(forced, 7200), Answer::token(normal, 7200))
    };
    server.script(STABLE_TOKEN, [tokens(TOKEN), tokens(normal)]).script(GET_AUTH_DATA, [authorized()]);
    let client = client_with(&server, stable_token());
    client.invoice().get_auth_data(&auth_data_request()).await.expect("the token works until it is refused");
    let refusal = Answer::errcode(40001, "invalid credential");
    let answer = if refuse_every_token {
        refusal
    } else {
        Answer::when(Condition::Query("access_token", TOKEN.to_owned()), refusal, authorized())
    };
    server.script(GET_AUTH_DATA, [answer]);

    let started = Instant::now();
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..1000 {
        let client = client.clone();
        calls.spawn(async move { client.invoice().get_auth_data(&auth_data_request()).await });
    }
    let mut failed = 0;
    while let Some(outcome) = calls.join_next().await {
        if let Err(error) = outcome.expect("no call panics") {
            assert_eq!(error.api_code().map(|c| c.code()), Some(40001), "{error:?}");
            assert_hidden("the error", &printed(&error), &SECRETS);
            failed += 1;
        }
    }

    assert!(started.elapsed() < NO_HANG);
    watch.assert_no_secret_logged();
    assert!(server.count(GET_AUTH_DATA) <= 1 + 2 * 1000, "a call is renewed and retried once at most");
    let renewals = &server.requests(STABLE_TOKEN)[1..];
    let forced = renewals.iter().filter(|r| r.json()["force_refresh"] == json!(true)).count();
    Storm { normal: renewals.len() - forced, forced, failed }
}

#[tokio::test]
async fn a_redirect_from_the_token_endpoint_is_refused_and_the_appsecret_goes_nowhere() {
    let logs = watch_logs();
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
        let error = client_with(&server, stable_token()).invoice().get_auth_data(&auth_data_request()).await;
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
        assert_no_secret_shown(&error, &logs);
    }
}

#[tokio::test]
async fn a_redirect_from_an_endpoint_is_refused_and_the_foreign_answer_never_returned() {
    let logs = watch_logs();
    for status in REDIRECTS {
        let elsewhere = ScriptedServer::start().await;
        elsewhere.otherwise(authorized());
        let server = ScriptedServer::start().await;
        let location = format!("{}{GET_AUTH_DATA}?access_token={TOKEN}", elsewhere.base_url());
        server.script(GET_AUTH_DATA, [Answer::redirect(status, location)]);

        let started = Instant::now();
        let error = client_with(&server, Arc::new(StaticToken::new(TOKEN)))
            .invoice()
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
        assert_no_secret_shown(&error, &logs);
    }
}

#[tokio::test]
async fn a_redirect_loop_is_one_refused_request() {
    let logs = watch_logs();
    let server = ScriptedServer::start().await;
    server.script(GET_AUTH_DATA, [Answer::redirect(302, format!("{}{GET_AUTH_DATA}", server.base_url()))]);

    let error = client_with(&server, Arc::new(StaticToken::new(TOKEN)))
        .invoice()
        .get_auth_data(&auth_data_request())
        .await
        .expect_err("a redirect fails the call");

    assert!(matches!(error, Error::Redirect { status: Some(302), .. }), "{error:?}");
    assert_eq!(server.count(GET_AUTH_DATA), 1);
    assert_no_secret_shown(&error, &logs);
}

/// A caller's own reqwest client follows redirects, and its policy cannot be changed: the
/// request goes on (which the builder's documentation warns about), but the answer it
/// fetches is refused, not returned as WeChat's.
#[tokio::test]
async fn a_redirect_a_callers_client_followed_is_refused() {
    let logs = watch_logs();
    let elsewhere = ScriptedServer::start().await;
    elsewhere.otherwise(Answer::token(TOKEN, 7200));
    let server = ScriptedServer::start().await;
    server.script(STABLE_TOKEN, [Answer::redirect(307, format!("{}{STABLE_TOKEN}", elsewhere.base_url()))]);

    let error = client_with_callers_http(&server, stable_token())
        .invoice()
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
    assert_no_secret_shown(&error, &logs);

    let elsewhere = ScriptedServer::start().await;
    elsewhere.otherwise(authorized());
    let server = ScriptedServer::start().await;
    let location = format!("{}{GET_AUTH_DATA}?access_token={TOKEN}", elsewhere.base_url());
    server.script(GET_AUTH_DATA, [Answer::redirect(302, location)]);

    let error = client_with_callers_http(&server, Arc::new(StaticToken::new(TOKEN)))
        .invoice()
        .get_auth_data(&auth_data_request())
        .await
        .expect_err("a followed redirect fails the call");

    let Error::Redirect { status: None, location, .. } = &error else {
        panic!("expected a followed redirect, got {error:?}");
    };
    assert_eq!(*location, format!("{}{GET_AUTH_DATA}?access_token=***", elsewhere.base_url()));
    assert_eq!((server.count(GET_AUTH_DATA), elsewhere.count(GET_AUTH_DATA)), (1, 1));
    assert_no_secret_shown(&error, &logs);
}

/// A caller's client gives up on a loop after its own limit (reqwest: 10 redirects); that is
/// a refused redirect, not a transport failure to retry.
#[tokio::test]
async fn a_redirect_loop_a_callers_client_gave_up_on_is_not_retried() {
    let logs = watch_logs();
    let server = ScriptedServer::start().await;
    server.script(GET_AUTH_DATA, [Answer::redirect(302, format!("{}{GET_AUTH_DATA}", server.base_url()))]);

    let error = client_with_callers_http(&server, Arc::new(StaticToken::new(TOKEN)))
        .invoice()
        .get_auth_data(&auth_data_request())
        .await
        .expect_err("a redirect loop fails the call");

    assert!(matches!(error, Error::Redirect { status: None, .. }), "{error:?}");
    assert!(!error.is_retryable());
    assert_eq!(server.count(GET_AUTH_DATA), 11, "one attempt: the request and reqwest's 10 redirects");
    assert_no_secret_shown(&error, &logs);
}

#[tokio::test]
async fn a_redirect_without_a_location_is_refused_too() {
    let logs = watch_logs();
    for status in [300, 304, 399] {
        let server = ScriptedServer::start().await;
        server.script(GET_AUTH_DATA, [Answer::text(status, "text/plain", "")]);

        let error =
            failed_call(&client_on(&server.base_url(), DEFAULT_MAX_BODY, ATTEMPT_TIMEOUT), &logs).await;

        let Error::Redirect { status: refused, location, .. } = &error else {
            panic!("{status}: expected a refused redirect, got {error:?}");
        };
        assert_eq!((*refused, location.as_str()), (Some(status), ""));
        assert!(error.to_string().contains("no Location"), "{error}");
        assert_eq!(server.count(GET_AUTH_DATA), 1);
    }
}

#[tokio::test]
async fn an_absurd_expires_in_is_clamped_not_a_panic() {
    let logs = watch_logs();
    for expires_in in ["18446744073709551615", "9223372036854775807", r#""18446744073709551615""#, "1e3"] {
        let server = ScriptedServer::start().await;
        server.script(STABLE_TOKEN, [token_answer(expires_in)]).script(GET_AUTH_DATA, [authorized()]);
        let provider = stable_token();
        let client = client_with(&server, provider.clone());

        for _ in 0..2 {
            let answer = tokio::spawn({
                let client = client.clone();
                async move { client.invoice().get_auth_data(&auth_data_request()).await }
            });
            let outcome =
                answer.await.unwrap_or_else(|e| panic!("expires_in {expires_in}: the call panicked: {e}"));
            outcome.unwrap_or_else(|e| panic!("expires_in {expires_in}: {e}"));
        }

        assert_eq!(provider.fetch_count(), 1, "expires_in {expires_in}: the token is cached");
        assert_eq!(server.count(GET_AUTH_DATA), 2);
    }
    logs.assert_no_secret_logged();
}

#[tokio::test]
async fn an_expires_in_that_is_not_a_positive_whole_number_is_refused() {
    let logs = watch_logs();
    let refused =
        ["0", r#""0""#, "-7200", r#""-1""#, r#""soon""#, "7200.5", "1e400", "null", "[]", r#"{"a":1}"#];
    // serde quotes a value it refuses: here, the appsecret.
    let echoed = format!(r#""{APPSECRET}""#);
    for expires_in in refused.into_iter().chain([echoed.as_str()]) {
        let server = ScriptedServer::start().await;
        server.script(STABLE_TOKEN, [token_answer(expires_in)]).script(GET_AUTH_DATA, [authorized()]);

        let started = Instant::now();
        let error = client_with(&server, stable_token()).invoice().get_auth_data(&auth_data_request()).await;
        let error = error.expect_err("an unusable token answer fails the call");

        assert!(started.elapsed() < NO_HANG);
        let Error::Token { source: TokenError::Decode(message), .. } = &error else {
            panic!("expires_in {expires_in}: expected an undecodable token answer, got {error:?}");
        };
        assert!(message.contains("expires_in"), "expires_in {expires_in}: the field is named: {message}");
        assert!(!error.is_retryable());
        assert_eq!(server.count(STABLE_TOKEN), 1, "expires_in {expires_in}: not retried");
        assert_eq!(server.count(GET_AUTH_DATA), 0, "expires_in {expires_in}: no call without a token");
        assert_no_secret_shown(&error, &logs);
    }
}

#[tokio::test]
async fn a_content_length_that_lies_costs_no_memory_up_front() {
    let logs = watch_logs();
    // The caller lifted the cap; the server announces more than memory can hold and sends 2 bytes.
    for announced in ["9223372036854775807", "9223372036854775808", "1000000000000"] {
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {announced}\r\n\r\n{{}}"
        );
        let server = RawServer::start(vec![Step::text(&head)]).await;

        let started = Instant::now();
        let call = tokio::spawn({
            let client = client_on(&server.base_url(), usize::MAX, ATTEMPT_TIMEOUT);
            async move { client.invoice().get_auth_data(&auth_data_request()).await }
        });
        let error = call.await.unwrap_or_else(|e| panic!("{announced}: the call panicked: {e}"));
        let error = error.expect_err("a body cut short fails the call");

        assert!(started.elapsed() < NO_HANG);
        assert!(matches!(error, Error::Transport { .. }), "{announced}: {error:?}");
        assert_eq!(server.requests(), 3, "{announced}: a broken connection is retried");
        assert_no_secret_shown(&error, &logs);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_is_renewed_once_however_many_calls_it_fails() {
    let storm = token_storm(TOKEN_2, FORCED_TOKEN, false).await;
    assert_eq!(
        (storm.normal, storm.forced, storm.failed),
        (1, 0, 0),
        "one renewal for the one refused token"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_handed_back_is_force_refreshed_once() {
    let storm = token_storm(TOKEN, FORCED_TOKEN, false).await;
    assert_eq!((storm.normal, storm.forced, storm.failed), (1, 1, 0), "normal mode, then one forced refresh");
}

/// WeChat refuses the token and hands the same one back however it is asked: it is renewed
/// once, forced once, and then the calls fail with its refusal instead of renewing again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_handed_back_even_when_forced_is_not_renewed_again() {
    let storm = token_storm(TOKEN, TOKEN, true).await;
    assert_eq!((storm.normal, storm.forced, storm.failed), (1, 1, 1000));
}

/// WeChat refuses every token: each refused token is renewed once at most, and forced at
/// most once; here the renewal hands out one token, so at most two renewals in all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_every_token_is_refused_each_is_renewed_once_at_most() {
    let storm = token_storm(TOKEN_2, TOKEN_2, true).await;
    assert!(storm.normal <= 2 && storm.forced <= 1, "{} normal, {} forced", storm.normal, storm.forced);
    assert_eq!(storm.failed, 1000);
}

/// WeChat refuses every token, and each request for one gets a new one: without a bound,
/// every refused token would be renewed in turn for as long as calls come (131 token
/// requests in 3 s from 1,000 calls). Renewals of tokens that never served a call are
/// spaced: two at once, then after 1 s, 3 s, 7 s, ... (pauses of 1, 2, 4, ... s, at most 60 s);
/// one successful call ends that, and the next refusal renews at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_every_new_token_is_refused_renewals_are_spaced_out() {
    let watch = watch_logs();
    let server = ScriptedServer::start().await;
    let tokens = (0..500).map(|n| Answer::token(&format!("TOKEN-SECRET-RENEWED-{n}"), 7200));
    server.script(STABLE_TOKEN, tokens).script(GET_AUTH_DATA, [authorized()]);
    let client = client_with(&server, stable_token());
    client.invoice().get_auth_data(&auth_data_request()).await.expect("the first token works");
    server.script(GET_AUTH_DATA, [Answer::errcode(40001, "invalid credential")]);

    let started = Instant::now();
    let mut refused = 0;
    // 1,000 calls at once, then 100 every 100 ms for about 3 s (bounded by count).
    for wave in 0..31 {
        let mut calls = tokio::task::JoinSet::new();
        for _ in 0..if wave == 0 { 1000 } else { 100 } {
            let client = client.clone();
            calls.spawn(async move { client.invoice().get_auth_data(&auth_data_request()).await });
        }
        while let Some(outcome) = calls.join_next().await {
            let error = outcome.expect("no call panics").expect_err("every token is refused");
            assert_eq!(error.api_code().map(|c| c.code()), Some(40001), "{error:?}");
            assert_hidden("the error", &printed(&error), &["TOKEN-SECRET-RENEWED", APPSECRET]);
            refused += 1;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let elapsed = started.elapsed();
    let renewals = server.count(STABLE_TOKEN) - 1;
    assert!(renewals >= 2, "the refused tokens are renewed: {renewals}");
    assert!(renewals <= spaced_renewals_allowed(elapsed), "{renewals} renewals in {elapsed:?}");
    assert_eq!(refused, 4000);

    // WeChat accepts tokens again: the held-off token works, which ends the backoff, and the
    // next refusal is renewed at once.
    server.script(GET_AUTH_DATA, [authorized()]);
    client.invoice().get_auth_data(&auth_data_request()).await.expect("the token at hand works again");
    let before = server.count(STABLE_TOKEN);
    server.script(GET_AUTH_DATA, [Answer::errcode(40001, "invalid credential"), authorized()]);
    client
        .invoice()
        .get_auth_data(&auth_data_request())
        .await
        .expect("renewed at once, and the retry succeeds");
    assert_eq!(server.count(STABLE_TOKEN), before + 1, "one renewal, not held off");
    watch.assert_no_secret_logged();
    assert_hidden("the logs", &logs().text_since(watch.0), &["TOKEN-SECRET-RENEWED"]);
}

/// Bodies that are not the endpoint's answer: each is a decode error, never retried.
#[tokio::test]
async fn answers_that_are_not_the_endpoints_are_decode_errors_never_retried() {
    let logs = watch_logs();
    let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let answers: Vec<(&str, Answer, &str)> = vec![
        (
            "an HTML page quoting the URL",
            Answer::text(200, "text/html", &format!("<html>failed GET /x?access_token={TOKEN}</html>")),
            "expected value",
        ),
        ("an empty body", Answer::text(200, "application/json", ""), "EOF"),
        (
            "truncated JSON",
            Answer::text(200, "application/json", r#"{"invoice_status":"auth success","auth_t"#),
            "EOF",
        ),
        (
            "JSON nested 100,000 deep",
            Answer::text(200, "application/json", &nested(100_000)),
            "expected a JSON object",
        ),
        (
            // Refused where the object should start: a struct is read from a map only (as
            // WeChat writes it), so the nesting is never walked.
            "a field nested 100,000 deep",
            Answer::text(200, "application/json", &format!(r#"{{"user_auth_info":{}}}"#, nested(100_000))),
            "at `user_auth_info`: invalid type: sequence, expected struct UserAuthInfo",
        ),
        (
            "a time past 64 bits",
            Answer::ok(
                json!({"invoice_status": "auth success", "auth_time": 18_446_744_073_709_551_616.0_f64}),
            ),
            "auth_time",
        ),
        (
            "a time past any float",
            Answer::text(200, "application/json", r#"{"invoice_status":"s","auth_time":1e400}"#),
            "number out of range",
        ),
        (
            "a time of 20 digits in a string",
            Answer::ok(json!({"invoice_status": "auth success", "auth_time": "99999999999999999999"})),
            "auth_time",
        ),
        (
            "an errcode past 64 bits",
            Answer::text(200, "application/json", r#"{"errcode":18446744073709551616}"#),
            "errcode",
        ),
        (
            "an errcode that is not a number",
            Answer::text(200, "application/json", r#"{"errcode":"40001x"}"#),
            "40001x",
        ),
        (
            "an errcode with a fraction",
            Answer::text(200, "application/json", r#"{"errcode":40001.5}"#),
            "40001.5",
        ),
    ];
    for (what, answer, says) in answers {
        let server = ScriptedServer::start().await;
        server.script(GET_AUTH_DATA, [answer]);

        let error =
            failed_call(&client_on(&server.base_url(), DEFAULT_MAX_BODY, ATTEMPT_TIMEOUT), &logs).await;

        let Error::Decode(decode) = &error else { panic!("{what}: expected a decode error, got {error:?}") };
        assert!(error.to_string().contains(says), "{what}: `{says}` is not in {error}");
        assert!(
            decode.excerpt.chars().count() <= wechat_core::EXCERPT_CHARS + 1,
            "{what}: {}",
            decode.excerpt
        );
        assert!(!error.is_retryable(), "{what}");
        assert_eq!(server.count(GET_AUTH_DATA), 1, "{what}: not retried");
    }

    // An errcode still counts when the errmsg after it cannot be read.
    let server = ScriptedServer::start().await;
    let body = format!(r#"{{"errcode":72038,"errmsg":{}}}"#, nested(100_000));
    server.script(GET_AUTH_DATA, [Answer::text(200, "application/json", &body)]);
    let error = failed_call(&client_on(&server.base_url(), DEFAULT_MAX_BODY, ATTEMPT_TIMEOUT), &logs).await;
    let Error::Api(api) = &error else { panic!("expected WeChat's error, got {error:?}") };
    assert_eq!((api.code.code(), api.errmsg.as_str()), (72038, ""));
    assert_eq!(server.count(GET_AUTH_DATA), 1);
}

/// A 100,000-deep value in a field the endpoint does not know is skipped without recursion
/// (serde_json skips iteratively): the answer decodes.
#[tokio::test]
async fn an_unknown_field_nested_deep_is_skipped() {
    let logs = watch_logs();
    let depth = 100_000;
    let body = format!(
        r#"{{"invoice_status":"auth success","auth_time":1,"extra":{}{}}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let server = ScriptedServer::start().await;
    server.script(GET_AUTH_DATA, [Answer::text(200, "application/json", &body)]);

    let outcome = client_on(&server.base_url(), DEFAULT_MAX_BODY, ATTEMPT_TIMEOUT)
        .invoice()
        .get_auth_data(&auth_data_request())
        .await;

    assert_eq!(outcome.expect("the unknown field is skipped").auth_time, 1);
    assert_eq!(server.count(GET_AUTH_DATA), 1);
    logs.assert_no_secret_logged();
}

#[tokio::test]
async fn an_oversize_answer_is_refused_announced_or_streamed() {
    let logs = watch_logs();
    let big = "x".repeat(4096);
    for (what, answer) in [
        ("announced", Answer::text(200, "application/json", &format!(r#"{{"pad":"{big}"}}"#))),
        ("streamed", Answer::Chunked { chunk: big.clone().into_bytes(), count: 64 }),
    ] {
        let server = ScriptedServer::start().await;
        server.script(GET_AUTH_DATA, [answer]);

        let error = failed_call(&client_on(&server.base_url(), 1024, ATTEMPT_TIMEOUT), &logs).await;

        assert!(
            matches!(&error, Error::Decode(d) if d.message.contains("1024-byte limit")),
            "{what}: {error:?}"
        );
        assert!(!error.is_retryable());
        assert_eq!(server.count(GET_AUTH_DATA), 1, "{what}: not retried");
    }
}

/// A body dripped a byte at a time never completes an attempt: each ends at the attempt
/// timeout, and the call at its attempts.
#[tokio::test]
async fn a_slow_drip_is_cut_by_the_attempt_timeout() {
    let logs = watch_logs();
    let drip = Answer::Drip { chunk: b" ".to_vec(), count: 1000, pause: Duration::from_millis(50) };
    let server = ScriptedServer::start().await;
    server.script(GET_AUTH_DATA, [drip.clone()]);

    let started = Instant::now();
    let error =
        failed_call(&client_on(&server.base_url(), DEFAULT_MAX_BODY, SHORT_ATTEMPT_TIMEOUT), &logs).await;
    let waited = started.elapsed();

    assert_eq!(server.count(GET_AUTH_DATA), 3, "a timeout is retried while attempts remain");
    // The error reports the whole wait (three attempts and two pauses), not the last attempt's.
    let Error::Timeout { after, .. } = error else { panic!("expected a timeout, got {error:?}") };
    assert!(after >= 3 * SHORT_ATTEMPT_TIMEOUT && after <= waited, "{after:?} of {waited:?}");

    // The same from the token endpoint.
    let server = ScriptedServer::start().await;
    server.script(STABLE_TOKEN, [drip]).script(GET_AUTH_DATA, [authorized()]);
    let core = wechat_core::Client::builder()
        .base_url(server.base_url())
        .retry_policy(fast_retries().total_deadline(Duration::from_secs(10)))
        .attempt_timeout(SHORT_ATTEMPT_TIMEOUT)
        .shared_token_provider(stable_token())
        .build()
        .expect("a valid configuration");

    let error = failed_call(&Client::new(core), &logs).await;

    assert!(matches!(&error, Error::Token { source: TokenError::Unreachable(_), .. }), "{error:?}");
    assert_eq!((server.count(STABLE_TOKEN), server.count(GET_AUTH_DATA)), (3, 0));
}

/// Answers an HTTP library would not write: each breaks the connection, a transport error
/// retried while attempts remain; or cuts the body short, a decode error.
#[tokio::test]
async fn answers_that_break_the_connection_are_transport_errors() {
    let logs = watch_logs();
    let head = |length: &str| {
        format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {length}\r\n\r\n")
    };
    let answers: Vec<(&str, Vec<Step>)> = vec![
        ("a reset mid-body", vec![Step::text(&head("100")), Step::text(r#"{"invoice_"#), Step::Reset]),
        ("a close mid-body", vec![Step::text(&head("100")), Step::text(r#"{"invoice_"#)]),
        ("a close before any answer", vec![]),
        ("a reset before any answer", vec![Step::Reset]),
        ("a Content-Length that is not a number", vec![Step::text(&head("abc")), Step::text("{}")]),
        ("a negative Content-Length", vec![Step::text(&head("-1")), Step::text("{}")]),
        ("a Content-Length past 64 bits", vec![Step::text(&head("18446744073709551616")), Step::text("{}")]),
        (
            "two Content-Lengths",
            vec![Step::text("HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\n{}")],
        ),
        ("no HTTP at all", vec![Step::text("SSH-2.0-OpenSSH_9.6\r\n")]),
    ];
    for (what, steps) in answers {
        let server = RawServer::start(steps).await;

        let error =
            failed_call(&client_on(&server.base_url(), DEFAULT_MAX_BODY, ATTEMPT_TIMEOUT), &logs).await;

        assert!(matches!(error, Error::Transport { .. }), "{what}: {error:?}");
        assert!(error.is_retryable(), "{what}");
        assert_eq!(server.requests(), 3, "{what}: retried while attempts remain");
    }

    // Fewer bytes announced than sent: the answer ends where the server said it would.
    let server =
        RawServer::start(vec![Step::text(&head("2")), Step::text(r#"{"invoice_status":"x"}"#)]).await;
    let error = failed_call(&client_on(&server.base_url(), DEFAULT_MAX_BODY, ATTEMPT_TIMEOUT), &logs).await;
    assert!(matches!(&error, Error::Decode(d) if d.excerpt == "{\""), "{error:?}");
    assert_eq!(server.requests(), 1);
}

/// A head that never ends is cut by the attempt timeout like a body.
#[tokio::test]
async fn a_head_that_never_ends_times_out() {
    let logs = watch_logs();
    let server = RawServer::start(vec![
        Step::text("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"),
        Step::Pause(Duration::from_secs(30)),
    ])
    .await;

    let error =
        failed_call(&client_on(&server.base_url(), DEFAULT_MAX_BODY, SHORT_ATTEMPT_TIMEOUT), &logs).await;

    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert_eq!(server.requests(), 3);
}

/// Secrets a server quotes back are masked wherever an error repeats them.
#[tokio::test]
async fn secrets_echoed_by_the_server_are_masked() {
    let logs = watch_logs();
    let server = ScriptedServer::start().await;
    for errmsg in
        [format!("invalid credential, access_token is {TOKEN}"), format!("access_token={TOKEN}&x=1")]
    {
        server.script(GET_AUTH_DATA, [Answer::errcode(40001, &errmsg)]);

        let error =
            failed_call(&client_on(&server.base_url(), DEFAULT_MAX_BODY, ATTEMPT_TIMEOUT), &logs).await;

        let Error::Api(api) = &error else { panic!("expected WeChat's refusal, got {error:?}") };
        assert!(api.errmsg.contains("***"), "{}", api.errmsg);
    }
    assert_eq!(server.count(GET_AUTH_DATA), 2, "a static token's refusal is not retried");

    let echoes = [
        (Answer::errcode(40125, &format!("invalid appsecret {APPSECRET}")), 1),
        (Answer::text(502, "text/html", &format!("<p>bad gateway: secret={APPSECRET}</p>")), 3),
        (
            Answer::text(
                200,
                "application/json",
                &format!(r#"{{"errmsg":"{APPSECRET}","access_token":"{TOKEN}"#),
            ),
            1,
        ),
        (
            Answer::text(
                200,
                "application/json",
                &format!(r#"{{"access_token":"{TOKEN}","expires_in":"{APPSECRET}"}}"#),
            ),
            1,
        ),
    ];
    for (answer, requests) in echoes {
        let server = ScriptedServer::start().await;
        server.script(STABLE_TOKEN, [answer]).script(GET_AUTH_DATA, [authorized()]);

        let error = failed_call(&client_with(&server, stable_token()), &logs).await;

        assert!(matches!(error, Error::Token { .. }), "{error:?}");
        assert_eq!((server.count(STABLE_TOKEN), server.count(GET_AUTH_DATA)), (requests, 0), "{error}");
    }
}
