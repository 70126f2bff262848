//! No secret leaks: the scenarios of the runtime tests run with a known token and appsecret,
//! and neither may appear in any error's Display, Debug or source chain, in the Debug of the
//! clients and providers, or in anything traced at TRACE level (reqwest's `log` records too).
//!
//! One test in its own binary, because it installs the process-wide subscriber.

use std::sync::Arc;
use std::time::Duration;

use tests::capture::CapturedLogs;
use tests::fixtures::{
    APPSECRET, GET_AUTH_DATA, STABLE_TOKEN, TOKEN, TOKEN_2, auth_data_request, authorized, client_with,
    insert_bill_request, stable_token,
};
use tests::leaks::printed;
use tests::scripted::{Answer, ScriptedServer, closed_base_url};
use wechat_core::{AuthorizerToken, Secret, StableToken, StaticToken};

async fn scenarios() -> Vec<String> {
    let mut printed_errors = Vec::new();

    // A token fetched, refused with 42001, renewed; then answers that fail in every way.
    let server = ScriptedServer::start().await;
    server
        .script(STABLE_TOKEN, [Answer::token(TOKEN, 7200), Answer::token(TOKEN_2, 7200)])
        .script(GET_AUTH_DATA, [Answer::errcode(42001, "access_token expired"), authorized()]);
    let provider = stable_token();
    let client = client_with(&server, provider.clone());
    client.invoice().get_auth_data(&auth_data_request()).await.expect("the scenario succeeds");
    printed_errors.push(format!("{client:?} {provider:?}"));
    for answer in [
        // A proxy's page quoting the URL, and with it the token.
        Answer::EchoUri,
        Answer::text(200, "text/html", "<html>oops</html>"),
        Answer::text(200, "application/json", &format!(r#"{{"errcode":0,"note":"{TOKEN_2}","auth_time"#)),
        Answer::errcode(40164, &format!("invalid ip, not in whitelist; token {TOKEN_2}")),
        Answer::errcode(-1, "system error"),
    ] {
        server.script(GET_AUTH_DATA, [answer]);
        printed_errors.push(printed(
            &client.invoice().get_auth_data(&auth_data_request()).await.expect_err("the scenario fails"),
        ));
    }
    assert!(
        printed_errors[1].contains("access_token=***"),
        "the echoed URL is quoted, masked: {}",
        printed_errors[1]
    );

    // No answer at all.
    server.script(GET_AUTH_DATA, [Answer::Hang]);
    let hurried =
        client.with_retry_policy(client.core().retry_policy().total_deadline(Duration::from_millis(200)));
    printed_errors.push(printed(
        &hurried.invoice().get_auth_data(&auth_data_request()).await.expect_err("the scenario fails"),
    ));

    // Token endpoints that refuse, or answer garbage quoting the appsecret and a token.
    let refusing = ScriptedServer::start().await;
    refusing.script(STABLE_TOKEN, [Answer::errcode(40125, &format!("invalid appsecret {APPSECRET}"))]);
    let error = client_with(&refusing, stable_token())
        .invoice()
        .get_auth_data(&auth_data_request())
        .await
        .expect_err("the scenario fails");
    printed_errors.push(printed(&error));
    let garbled = ScriptedServer::start().await;
    let garbage = format!(r#"{{"secret":"{APPSECRET}","access_token":"{TOKEN}"#);
    garbled.script(STABLE_TOKEN, [Answer::text(200, "application/json", &garbage)]);
    let error = client_with(&garbled, stable_token())
        .invoice()
        .get_auth_data(&auth_data_request())
        .await
        .expect_err("the scenario fails");
    printed_errors.push(printed(&error));

    // Nothing listening, a fallback that is; nothing listening at all.
    let fallback = ScriptedServer::start().await;
    fallback.script(STABLE_TOKEN, [Answer::token(TOKEN, 7200)]).script(GET_AUTH_DATA, [authorized()]);
    let core = wechat_core::Client::builder()
        .base_url(closed_base_url())
        .fallback_base_url(fallback.base_url())
        .token_provider(StableToken::new("wx-test-appid", Secret::new(APPSECRET)))
        .build()
        .expect("a valid configuration");
    wechat_card::Client::new(core)
        .invoice()
        .get_auth_data(&auth_data_request())
        .await
        .expect("the scenario succeeds");
    let core = wechat_core::Client::builder()
        .base_url(closed_base_url())
        .token_provider(StaticToken::new(TOKEN))
        .build()
        .expect("a valid configuration");
    printed_errors.push(format!("{core:?}"));
    let error = wechat_card::Client::new(core)
        .invoice()
        .get_auth_data(&auth_data_request())
        .await
        .expect_err("the scenario fails");
    printed_errors.push(printed(&error));

    // An authorizer token where it is refused.
    let authorizer = Arc::new(AuthorizerToken::new(TOKEN));
    printed_errors.push(format!("{authorizer:?}"));
    let error = client_with(&server, authorizer)
        .nontax()
        .insert_bill(&insert_bill_request())
        .await
        .expect_err("the scenario fails");
    printed_errors.push(printed(&error));

    printed_errors
}

#[test]
fn no_secret_reaches_an_error_or_the_logs() {
    let logs = CapturedLogs::install_global().expect("no other subscriber in this test binary");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();

    let printed_errors = runtime.block_on(scenarios());
    drop(runtime);

    for printed in &printed_errors {
        for secret in [TOKEN, TOKEN_2, APPSECRET] {
            assert!(!printed.contains(secret), "{secret} leaked into an error: {printed}");
        }
    }
    let logs = logs.text();
    if std::env::var_os("SHOW_LOGS").is_some() {
        eprintln!("{logs}\n{}", printed_errors.join("\n"));
    }
    for secret in [TOKEN, TOKEN_2, APPSECRET] {
        assert!(!logs.contains(secret), "{secret} leaked into the logs:\n{logs}");
    }
    // The capture saw the client's spans and their fields, so the checks above had text to search.
    for expected in [
        "wechat.call{operation=\"get_auth_data\"",
        "wechat.attempt{attempt=1",
        "errcode=42001",
        "attempts=3",
        "latency_ms=",
        "status=502",
        "starting new connection",
    ] {
        assert!(logs.contains(expected), "`{expected}` is not in the logs:\n{logs}");
    }
    assert_eq!(printed_errors.len(), 13, "every scenario ran");
}
