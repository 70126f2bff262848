//! The client's transport against real HTTP servers on 127.0.0.1: fallback base URLs, the
//! user agent, a caller's own reqwest client, the builder's checks, and TLS through rustls.

use std::sync::Arc;

use tests::fixtures::{
    GET_AUTH_DATA, STABLE_TOKEN, TOKEN, auth_data_request, authorized, fast_retries, stable_token,
};
use tests::scripted::{Answer, ScriptedServer, closed_base_url};
use wechat_card::{Client, GeneralErrorCode};
use wechat_core::{
    BodyKind, Endpoint, Error, Method, Operation, RetryPolicy, StaticToken, TokenError, TokenProvider,
    TokenUse,
};

/// A test-only operation unlike the generated seed endpoints: GET, no token, no body, a
/// fixed query parameter and one taken from the request.
#[derive(serde::Serialize)]
struct Ticket {
    #[serde(skip)]
    kind: String,
}

#[derive(Debug, serde::Deserialize)]
struct TicketResponse {
    ticket: String,
}

impl Operation for Ticket {
    type Response = TicketResponse;
    type ErrorCode = GeneralErrorCode;
    const ENDPOINT: Endpoint = Endpoint {
        name: "ticket",
        group: "token",
        method: Method::Get,
        host: "api.weixin.qq.com",
        path: "/cgi-bin/ticket/getticket",
        fixed_query: &[("fixed", "yes")],
        token: TokenUse::None,
        body: BodyKind::None,
    };

    fn query(&self) -> Vec<(&'static str, String)> {
        vec![("type", self.kind.clone())]
    }
}

fn builder(provider: Arc<dyn TokenProvider>) -> wechat_core::ClientBuilder {
    wechat_core::Client::builder().retry_policy(fast_retries()).shared_token_provider(provider)
}

#[tokio::test]
async fn a_fallback_serves_calls_and_tokens_when_the_primary_refuses_connections() {
    let server = ScriptedServer::start().await;
    server.script(STABLE_TOKEN, [Answer::token(TOKEN, 7200)]).script(GET_AUTH_DATA, [authorized()]);
    // No retry budget: falling back must not cost an attempt.
    let core = builder(stable_token())
        .base_url(closed_base_url())
        .fallback_base_url(closed_base_url())
        .fallback_base_url(server.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();

    Client::new(core).invoice().get_auth_data(&auth_data_request()).await.unwrap();

    assert_eq!(server.count(STABLE_TOKEN), 1);
    assert_eq!(server.count(GET_AUTH_DATA), 1);
}

#[tokio::test]
async fn the_primary_is_used_while_it_answers() {
    let primary = ScriptedServer::start().await;
    let fallback = ScriptedServer::start().await;
    primary.script(GET_AUTH_DATA, [Answer::text(503, "text/plain", "busy"), authorized()]);
    fallback.script(GET_AUTH_DATA, [authorized()]);
    let core = builder(Arc::new(StaticToken::new(TOKEN)))
        .base_url(primary.base_url())
        .fallback_base_url(fallback.base_url())
        .build()
        .unwrap();

    Client::new(core).invoice().get_auth_data(&auth_data_request()).await.unwrap();

    assert_eq!(primary.count(GET_AUTH_DATA), 2, "a 503 is an answer: retried on the primary");
    assert_eq!(fallback.total(), 0);
}

#[tokio::test]
async fn no_reachable_base_url_is_a_retryable_transport_error() {
    let core = builder(Arc::new(StaticToken::new(TOKEN)))
        .base_url(closed_base_url())
        .fallback_base_url(closed_base_url())
        .build()
        .unwrap();

    let error = Client::new(core).invoice().get_auth_data(&auth_data_request()).await.unwrap_err();

    let Error::Transport { operation, message, .. } = &error else {
        panic!("expected transport, got {error:?}")
    };
    assert_eq!(*operation, "get_auth_data");
    assert!(!message.contains("127.0.0.1") && !message.contains(TOKEN), "no URL in errors: {message}");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn an_unreachable_token_endpoint_is_a_retryable_token_error() {
    let core = builder(stable_token()).base_url(closed_base_url()).build().unwrap();

    let error = Client::new(core).invoice().get_auth_data(&auth_data_request()).await.unwrap_err();

    assert!(matches!(&error, Error::Token { source: TokenError::Unreachable(_), .. }), "{error:?}");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn requests_name_the_crate_and_version_and_carry_the_token_once() {
    let server = ScriptedServer::start().await;
    server.script(GET_AUTH_DATA, [authorized()]);
    let core = builder(Arc::new(StaticToken::new(TOKEN))).base_url(server.base_url()).build().unwrap();

    Client::new(core).invoice().get_auth_data(&auth_data_request()).await.unwrap();

    let sent = &server.requests(GET_AUTH_DATA)[0];
    assert_eq!(sent.header("user-agent"), Some(wechat_core::USER_AGENT));
    assert_eq!(wechat_core::USER_AGENT, concat!("wechat-core/", env!("CARGO_PKG_VERSION")));
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(sent.query, [("access_token".to_owned(), TOKEN.to_owned())]);
    assert_eq!(sent.json(), serde_json::json!({"s_pappid": "wx-platform", "order_id": "order-1"}));
}

#[tokio::test]
async fn an_operation_without_token_or_body_is_sent_as_described() {
    let server = ScriptedServer::start().await;
    server.script("/cgi-bin/ticket/getticket", [Answer::ok(serde_json::json!({"ticket": "T"}))]);
    let core = builder(Arc::new(StaticToken::new(TOKEN))).base_url(server.base_url()).build().unwrap();

    let answer = core.send(&Ticket { kind: "wx_card".to_owned() }).await.unwrap();

    assert_eq!(answer.ticket, "T");
    let sent = &server.requests("/cgi-bin/ticket/getticket")[0];
    assert_eq!(sent.method, "GET");
    assert_eq!(
        sent.query,
        [("fixed".to_owned(), "yes".to_owned()), ("type".to_owned(), "wx_card".to_owned())],
        "no access_token for an endpoint that takes none"
    );
    assert!(sent.body.is_empty() && sent.header("content-type").is_none());
}

/// A token WeChat never hands out (spaces, `+`, `&`, non-ASCII) still reaches the server as
/// itself: the query is written by hand, and only tokens that need no encoding skip it.
#[tokio::test]
async fn a_token_that_needs_encoding_arrives_intact_beside_the_other_pairs() {
    #[derive(serde::Serialize)]
    struct WithToken(Ticket);
    impl Operation for WithToken {
        type Response = TicketResponse;
        type ErrorCode = GeneralErrorCode;
        const ENDPOINT: Endpoint = Endpoint { token: TokenUse::AccessToken, ..Ticket::ENDPOINT };
        fn query(&self) -> Vec<(&'static str, String)> {
            self.0.query()
        }
    }
    let server = ScriptedServer::start().await;
    server.script("/cgi-bin/ticket/getticket", [Answer::ok(serde_json::json!({"ticket": "T"}))]);
    let token = "a b+c&d=e/灌%";
    let core = builder(Arc::new(StaticToken::new(token))).base_url(server.base_url()).build().unwrap();

    core.send(&WithToken(Ticket { kind: "wx card".to_owned() })).await.unwrap();

    let sent = &server.requests("/cgi-bin/ticket/getticket")[0];
    let pairs = |pairs: [(&str, &str); 3]| pairs.map(|(n, v)| (n.to_owned(), v.to_owned())).to_vec();
    assert_eq!(sent.query, pairs([("access_token", token), ("fixed", "yes"), ("type", "wx card")]));
}

#[tokio::test]
async fn a_callers_reqwest_client_is_used() {
    let server = ScriptedServer::start().await;
    server.script(GET_AUTH_DATA, [authorized()]);
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-caller", reqwest::header::HeaderValue::from_static("own-client"));
    let http = reqwest::Client::builder().default_headers(headers).build().unwrap();
    let core = builder(Arc::new(StaticToken::new(TOKEN)))
        .base_url(server.base_url())
        .http_client(http)
        .build()
        .unwrap();

    Client::new(core).invoice().get_auth_data(&auth_data_request()).await.unwrap();

    assert_eq!(server.requests(GET_AUTH_DATA)[0].header("x-caller"), Some("own-client"));
}

#[test]
fn the_builder_refuses_settings_that_cannot_work() {
    for (builder, expected) in [
        (wechat_core::Client::builder().base_url("ftp://api.weixin.qq.com"), "must be http(s)"),
        (wechat_core::Client::builder().base_url("https://api.weixin.qq.com/?a=1"), "without a query string"),
        (wechat_core::Client::builder().fallback_base_url("not a url"), "base URL `not a url`"),
        (wechat_core::Client::builder().max_body_size(0), "max_body_size"),
    ] {
        let error = builder.build().unwrap_err();
        assert!(error.to_string().contains(expected), "{error}");
    }
    let client = wechat_core::Client::builder().base_url("https://api2.weixin.qq.com/").build().unwrap();
    assert_eq!(client.http_context().base_url(), "https://api2.weixin.qq.com");
    assert_eq!(
        wechat_core::Client::builder().build().unwrap().http_context().base_url(),
        wechat_core::DEFAULT_BASE_URL
    );
}

/// The packages the default build of `package` compiles for this machine, by name.
fn compiled_packages(package: &str) -> Vec<String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args(["tree", "--locked", "--offline", "-e", "normal,build", "--prefix", "none", "--format", "{p}"])
        .args(["--manifest-path", concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml"), "-p", package])
        .output()
        .expect("run cargo tree");
    assert!(output.status.success(), "cargo tree: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split(' ').next())
        .map(str::to_owned)
        .collect()
}

/// By default TLS comes from rustls, never OpenSSL: OpenSSL is in Cargo.lock for the
/// `native-tls` feature, but only a user who chooses that feature compiles it. Offline: the
/// default build's packages are those this test was built with.
#[test]
fn tls_comes_from_rustls_by_default_never_openssl() {
    for package in ["wechat-card", "wechat-card-core"] {
        let default = compiled_packages(package);
        assert!(default.iter().any(|p| p == "rustls"), "{package}: reqwest must use rustls: {default:?}");
        for refused in ["openssl", "openssl-sys", "native-tls"] {
            assert!(!default.iter().any(|p| p == refused), "{refused} is in {package}'s default build");
        }
    }
}
