//! The generated client against wechat-mock over HTTP on 127.0.0.1: every endpoint's answer
//! decoded, every error path of the flow and of WeChat's checks decoded into its typed code,
//! fault injection driving retries, token renewal and the transport error variants, and a limit
//! and the rules that tie fields together meaning the same to the generator, the mock and the
//! client.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde_json::{Value, json};
use wechat_card::card_code::GetCodeRequest;
use wechat_card::gift_card::SetMaintainRequest;
use wechat_card::invoice::{
    GetAuthDataErrorCode, GetAuthDataRequest, RejectInsertErrorCode, RejectInsertRequest,
};
use wechat_card::nontax::insert_bill::{CardExt, InvoiceUserData, UserCard};
use wechat_card::nontax::{InsertBillErrorCode, InsertBillRequest, InsertBillResponse};
use wechat_card::{Client, GeneralErrorCode};
use wechat_core::{
    ApiError, Endpoint, Error, ErrorCode, Operation, RetryPolicy, Secret, StableToken, StaticToken,
    TokenError, TokenProvider, decode_response,
};
use wechat_mock::records::{BillCard, InvoiceOrder, InvoiceOrderStatus};
use wechat_mock::user_actions::invoice::AuthorizeInvoiceParams;
use wechat_mock::{DEMO_APPID, DEMO_SECRET, Fault, MockConfig, MockServer};

const S_PAPPID: &str = "wxplatform_pappid";
/// The fiscal e-bill card template the bills name; the mock holds it from the start.
const BILL_CARD_ID: &str = "pjZ8Yt7xiy3b9UfffRIA4Tm2xTnw";
const GET_AUTH_DATA: &str = "/card/invoice/getauthdata";
const INSERT_BILL: &str = "/nontax/insertbill";
const STABLE_TOKEN: &str = "/cgi-bin/stable_token";

struct Setup {
    mock: MockServer,
    client: Client,
    tokens: Arc<StableToken>,
}

/// Quick retries: the tests wait on nothing but the mock.
fn quick_retries() -> RetryPolicy {
    RetryPolicy::default().max_attempts(3).backoff(Duration::from_millis(1), Duration::from_millis(2))
}

async fn setup(retry: RetryPolicy) -> Setup {
    let mock = MockServer::start(MockConfig::demo()).await.expect("the mock starts");
    mock.seed_record(&BillCard::new().card_id(BILL_CARD_ID)).expect("a bill card template");
    let tokens = Arc::new(StableToken::new(DEMO_APPID, Secret::new(DEMO_SECRET)));
    let client = client_with(&mock, Arc::clone(&tokens) as Arc<dyn TokenProvider>, retry);
    Setup { mock, client, tokens }
}

fn client_with(mock: &MockServer, tokens: Arc<dyn TokenProvider>, retry: RetryPolicy) -> Client {
    let core = wechat_core::Client::builder()
        .base_url(mock.base_url())
        .shared_token_provider(tokens)
        .retry_policy(retry)
        .build()
        .expect("a valid configuration");
    Client::new(core)
}

fn bill(order_id: &str, code: &str, no: &str) -> InsertBillRequest {
    let data = InvoiceUserData::builder()
        .fee(123)
        .title("Paying unit")
        .billing_time(1_511_169_724)
        .billing_no(no)
        .billing_code(code)
        .s_pdf_media_id("s_pdf_media_id")
        .build()
        .expect("required fields set");
    InsertBillRequest::builder()
        .order_id(order_id)
        .card_id(BILL_CARD_ID)
        .appid(DEMO_APPID)
        .card_ext(CardExt::new(UserCard::new(data)))
        .build()
        .expect("required fields set")
}

/// The merchant got the link of `order_id` (the mock holds the order it made) and the user
/// authorizes it, saying what `params` say: the action's answer.
fn authorize_with(mock: &MockServer, order_id: &str, params: AuthorizeInvoiceParams) -> Value {
    mock.seed_record(
        &InvoiceOrder::builder()
            .s_pappid(S_PAPPID)
            .order_id(order_id)
            .build()
            .expect("both set")
            .appid(DEMO_APPID)
            .source(json!("web")),
    )
    .expect("the order's link");
    mock.act(&params).expect("the user authorizes the order")
}

/// [`authorize_with`] saying nothing but the order.
fn authorize(mock: &MockServer, order_id: &str) -> Value {
    authorize_with(
        mock,
        order_id,
        AuthorizeInvoiceParams::builder().s_pappid(S_PAPPID).order_id(order_id).build().expect("both set"),
    )
}

fn api_code<C: ErrorCode>(result: Result<impl std::fmt::Debug, Error<C>>) -> (C, String) {
    match result {
        Err(Error::Api(ApiError { code, errmsg, .. })) => (code, errmsg),
        other => panic!("expected a WeChat error answer, got {other:?}"),
    }
}

#[tokio::test]
async fn all_three_endpoints_decode_the_mocks_answers() {
    let Setup { mock, client, .. } = setup(RetryPolicy::none()).await;
    let params = AuthorizeInvoiceParams::builder()
        .s_pappid(S_PAPPID)
        .order_id("order-1")
        .build()
        .expect("both set")
        .auth_time(1_480_342_498);
    let order = authorize_with(&mock, "order-1", params);

    let auth = client
        .invoice()
        .get_auth_data(
            &GetAuthDataRequest::builder()
                .s_pappid(S_PAPPID)
                .order_id("order-1")
                .build()
                .expect("required fields set"),
        )
        .await
        .expect("authorized");
    assert_eq!((auth.invoice_status.as_str(), auth.auth_time), ("auth success", 1_480_342_498));
    assert!(auth.user_auth_info.is_none());

    let inserted = client.nontax().insert_bill(&bill("order-1", "code-1", "no-1")).await.expect("inserted");
    assert_eq!(json!(inserted.openid), order["openid"]);
    let bills = mock.records("bill");
    assert_eq!(bills.len(), 1);
    assert_eq!((&bills[0]["code"], &bills[0]["order_id"]), (&json!(inserted.code), &json!("order-1")));

    let reject = RejectInsertRequest::builder()
        .s_pappid(S_PAPPID)
        .order_id("order-1")
        .reason("The goods were returned")
        .url("https://example.com")
        .build()
        .expect("required fields set");
    client.invoice().reject_insert(&reject).await.expect("refused");
    let orders = mock.records("invoice_order");
    assert_eq!(orders[0]["status"], json!(InvoiceOrderStatus::Rejected));
}

#[tokio::test]
async fn what_the_user_filled_in_decodes_into_user_auth_info() {
    let Setup { mock, client, .. } = setup(RetryPolicy::none()).await;
    let info = json!({"biz_field": {"title": "Tencent", "tax_no": "91440300", "custom_field": [{"key": "k", "value": "v"}]}});
    authorize_with(
        &mock,
        "order-2",
        AuthorizeInvoiceParams::builder()
            .s_pappid(S_PAPPID)
            .order_id("order-2")
            .build()
            .expect("both set")
            .user_auth_info(info),
    );
    let auth = client
        .invoice()
        .get_auth_data(
            &GetAuthDataRequest::builder()
                .s_pappid(S_PAPPID)
                .order_id("order-2")
                .build()
                .expect("required fields set"),
        )
        .await
        .expect("authorized");
    let biz = auth.user_auth_info.and_then(|i| i.biz_field).expect("the company title");
    assert_eq!((biz.title.as_str(), biz.tax_no.as_deref()), ("Tencent", Some("91440300")));
    assert_eq!(biz.custom_field.map(|f| f[0].value.clone()).as_deref(), Some("v"));
}

#[tokio::test]
async fn the_flows_refusals_decode_into_typed_codes() {
    let Setup { mock, client, .. } = setup(RetryPolicy::none()).await;

    let (code, errmsg) = api_code(
        client
            .invoice()
            .get_auth_data(
                &GetAuthDataRequest::builder()
                    .s_pappid(S_PAPPID)
                    .order_id("unknown")
                    .build()
                    .expect("required fields set"),
            )
            .await,
    );
    assert_eq!(code, GetAuthDataErrorCode::InvoiceOrderNeverAuth);
    assert!(errmsg.starts_with("invoice order never auth"), "{errmsg}");
    let (code, _) = api_code(client.nontax().insert_bill(&bill("unknown", "c", "n")).await);
    assert_eq!(code, InsertBillErrorCode::InvoiceOrderNeverAuth);

    authorize(&mock, "order-3");
    client.nontax().insert_bill(&bill("order-3", "c", "n")).await.expect("the first insert");
    let (code, errmsg) = api_code(client.nontax().insert_bill(&bill("order-3", "c", "n")).await);
    assert_eq!(code, InsertBillErrorCode::BillingCodeAndNoRepeated);
    assert!(errmsg.starts_with("billing_code and billing_no repeated"), "{errmsg}");

    client
        .invoice()
        .reject_insert(
            &RejectInsertRequest::builder()
                .s_pappid(S_PAPPID)
                .order_id("order-3")
                .reason("wrong title")
                .build()
                .expect("required fields set"),
        )
        .await
        .expect("refused");
    let (code, _) = api_code(
        client
            .invoice()
            .get_auth_data(
                &GetAuthDataRequest::builder()
                    .s_pappid(S_PAPPID)
                    .order_id("order-3")
                    .build()
                    .expect("required fields set"),
            )
            .await,
    );
    assert_eq!(code, GetAuthDataErrorCode::BizRejectInsert);
    let (code, _) = api_code(client.nontax().insert_bill(&bill("order-3", "c", "other")).await);
    assert_eq!(code, InsertBillErrorCode::BizRejectInsert);
}

/// An insertbill body the generated types would never send: `fee` as text, or no `card_ext`.
#[derive(Serialize)]
struct MalformedInsert(Value);

impl Operation for MalformedInsert {
    type Response = InsertBillResponse;
    type ErrorCode = InsertBillErrorCode;
    const ENDPOINT: Endpoint = InsertBillRequest::ENDPOINT;
}

#[tokio::test]
async fn bodies_that_break_the_schema_come_back_as_data_format_errors() {
    // The mock must stay bound: fields a pattern leaves out are dropped, and it with them.
    let Setup { client, mock: _mock, .. } = setup(RetryPolicy::none()).await;
    let mut body = serde_json::to_value(bill("order-4", "c", "n")).expect("serializes");
    body["card_ext"]["user_card"]["invoice_user_data"]["fee"] = json!("123");
    let (code, errmsg) = api_code(client.core().send(&MalformedInsert(body.clone())).await);
    assert_eq!(code, InsertBillErrorCode::General(GeneralErrorCode::DataFormatError));
    assert!(
        errmsg.starts_with(
            "data format error hint: [card_ext.user_card.invoice_user_data.fee] expected integer"
        ),
        "{errmsg}"
    );

    body.as_object_mut().map(|b| b.remove("card_ext"));
    let (code, errmsg) = api_code(client.core().send(&MalformedInsert(body)).await);
    assert_eq!(code, InsertBillErrorCode::General(GeneralErrorCode::DataFormatError));
    assert!(errmsg.contains("[card_ext] missing"), "{errmsg}");
}

/// Raw requests for what no client sends, decoded as the client decodes answers.
#[tokio::test]
async fn raw_requests_decode_into_general_codes() {
    let Setup { mock, tokens, client } = setup(RetryPolicy::none()).await;
    let token = tokens.fetch(client.core().http_context()).await.expect("a token");
    let http = reqwest::Client::new();
    let post = |path: String, body: &'static str| {
        let http = http.clone();
        async move { http.post(path).body(body).send().await.expect("answers").bytes().await.expect("a body") }
    };
    let base = mock.base_url();
    let with_token = format!("{base}{INSERT_BILL}?access_token={}", token.expose());

    let cases: [(String, &str, GeneralErrorCode); 5] = [
        (with_token.clone(), "{\"order_id\": ", GeneralErrorCode::DataFormatError),
        (with_token.clone(), "", GeneralErrorCode::EmptyPostData),
        (format!("{base}{INSERT_BILL}"), "{}", GeneralErrorCode::AccessTokenMissing),
        (format!("{base}{INSERT_BILL}?access_token=forged"), "{}", GeneralErrorCode::InvalidCredential),
        (
            format!("{base}/nontax/no_such_api?access_token={}", token.expose()),
            "{}",
            GeneralErrorCode::InvalidUrl,
        ),
    ];
    for (url, body, expected) in cases {
        let answer = post(url, body).await;
        let (code, _) = api_code(decode_response::<InsertBillRequest>(&answer));
        assert_eq!(code, InsertBillErrorCode::General(expected), "{body:?}");
    }
}

#[tokio::test]
async fn tokens_wechat_refuses_decode_into_typed_codes() {
    let Setup { mock, tokens, client } = setup(RetryPolicy::none()).await;
    let forged = client_with(&mock, Arc::new(StaticToken::new("forged")), RetryPolicy::none());
    let (code, _) = api_code(
        forged
            .invoice()
            .get_auth_data(
                &GetAuthDataRequest::builder()
                    .s_pappid(S_PAPPID)
                    .order_id("o")
                    .build()
                    .expect("required fields set"),
            )
            .await,
    );
    assert_eq!(code, GetAuthDataErrorCode::General(GeneralErrorCode::InvalidCredential));

    let token = tokens.fetch(client.core().http_context()).await.expect("a token");
    mock.tokens().expire_now();
    // A fixed token cannot be renewed, so the expiry reaches the caller.
    let fixed = client_with(&mock, Arc::new(StaticToken::new(token.expose())), RetryPolicy::none());
    let (code, errmsg) = api_code(
        fixed
            .invoice()
            .reject_insert(
                &RejectInsertRequest::builder()
                    .s_pappid(S_PAPPID)
                    .order_id("o")
                    .reason("r")
                    .build()
                    .expect("required fields set"),
            )
            .await,
    );
    assert_eq!(code, RejectInsertErrorCode::General(GeneralErrorCode::AccessTokenExpired));
    assert!(errmsg.starts_with("access_token expired"), "{errmsg}");
}

#[tokio::test]
async fn wrong_credentials_are_token_errors() {
    let mock = MockServer::start(MockConfig::demo()).await.expect("the mock starts");
    for (appid, secret, expected) in
        [(DEMO_APPID, "wrong", 40125), ("wx0000000000000000", DEMO_SECRET, 40013)]
    {
        let client =
            client_with(&mock, Arc::new(StableToken::new(appid, Secret::new(secret))), RetryPolicy::none());
        match client
            .invoice()
            .get_auth_data(
                &GetAuthDataRequest::builder()
                    .s_pappid(S_PAPPID)
                    .order_id("o")
                    .build()
                    .expect("required fields set"),
            )
            .await
        {
            Err(Error::Token { source: TokenError::Refused { errcode, .. }, .. }) => {
                assert_eq!(errcode, expected)
            }
            other => panic!("expected a refused token, got {other:?}"),
        }
    }
    assert_eq!(mock.requests().count(GET_AUTH_DATA), 0, "no call without a token");
}

#[tokio::test]
async fn busy_answers_are_retried_until_success() {
    let Setup { mock, client, .. } = setup(quick_retries()).await;
    authorize(&mock, "order-5");
    mock.faults().busy(-1, 2).expect("a valid fault");
    client
        .invoice()
        .get_auth_data(
            &GetAuthDataRequest::builder()
                .s_pappid(S_PAPPID)
                .order_id("order-5")
                .build()
                .expect("required fields set"),
        )
        .await
        .expect("the third attempt");
    assert_eq!(mock.requests().count(GET_AUTH_DATA), 3);

    mock.faults().push(Fault::errcode(72036).only("insert_bill")).expect("a valid fault");
    client.nontax().insert_bill(&bill("order-5", "c", "n")).await.expect("the second attempt");
    assert_eq!(mock.requests().count(INSERT_BILL), 2);

    mock.faults().busy(-1, 3).expect("a valid fault");
    let error = client
        .invoice()
        .get_auth_data(
            &GetAuthDataRequest::builder()
                .s_pappid(S_PAPPID)
                .order_id("order-5")
                .build()
                .expect("required fields set"),
        )
        .await
        .unwrap_err();
    assert!(error.is_retryable(), "{error}");
    let (code, _) = api_code::<GetAuthDataErrorCode>(Err::<(), _>(error));
    assert_eq!(code, GetAuthDataErrorCode::General(GeneralErrorCode::SystemBusy));
    assert_eq!(mock.requests().count(GET_AUTH_DATA), 6, "three attempts, then the caller gets the error");
}

/// `MockServer::client_builder` has no retries, so one injected 503 reaches the caller; the
/// same fault against the default policy is absorbed by a retry, which the request count shows.
#[tokio::test]
async fn the_mocks_client_builder_lets_each_injected_fault_through() {
    let mock = MockServer::start(MockConfig::demo()).await.expect("the mock starts");
    mock.seed_record(&BillCard::new().card_id(BILL_CARD_ID)).expect("a bill card template");
    authorize(&mock, "order-9");
    let client: Client = mock.client_builder().build().expect("a valid client");
    mock.faults().push(Fault::http_status(503).only("insert_bill")).expect("a valid fault");
    let error = client.nontax().insert_bill(&bill("order-9", "c", "n")).await.unwrap_err();
    assert!(matches!(error, Error::Status { status: 503, .. }), "{error}");
    assert_eq!(mock.requests().count(INSERT_BILL), 1, "one attempt, no retry");

    let retrying: Client =
        mock.client_builder().retry_policy(quick_retries()).build().expect("a valid client");
    mock.faults().push(Fault::http_status(503).only("insert_bill")).expect("a valid fault");
    retrying.nontax().insert_bill(&bill("order-9", "c", "n")).await.expect("the retry succeeds");
    assert_eq!(mock.requests().count(INSERT_BILL), 3, "the 503, then the retry");
}

#[tokio::test]
async fn an_expired_token_is_renewed_through_stable_token() {
    let Setup { mock, client, tokens } = setup(RetryPolicy::none()).await;
    authorize(&mock, "order-6");
    client
        .invoice()
        .get_auth_data(
            &GetAuthDataRequest::builder()
                .s_pappid(S_PAPPID)
                .order_id("order-6")
                .build()
                .expect("required fields set"),
        )
        .await
        .expect("first call");
    assert_eq!(tokens.fetch_count(), 1);

    mock.tokens().expire_now();
    client
        .invoice()
        .get_auth_data(
            &GetAuthDataRequest::builder()
                .s_pappid(S_PAPPID)
                .order_id("order-6")
                .build()
                .expect("required fields set"),
        )
        .await
        .expect("renewed and retried");
    assert_eq!(tokens.fetch_count(), 2);
    assert_eq!(mock.requests().count(STABLE_TOKEN), 2);
    assert_eq!(mock.requests().count(GET_AUTH_DATA), 3, "the refused attempt and its retry");
}

#[tokio::test]
async fn a_token_superseded_elsewhere_is_renewed() {
    let Setup { mock, client, tokens } = setup(RetryPolicy::none()).await;
    authorize(&mock, "order-7");
    client
        .invoice()
        .get_auth_data(
            &GetAuthDataRequest::builder()
                .s_pappid(S_PAPPID)
                .order_id("order-7")
                .build()
                .expect("required fields set"),
        )
        .await
        .expect("first call");
    // Another process forces a refresh, which ends our token at once (40001).
    let forced = reqwest::Client::new()
        .post(format!("{}{STABLE_TOKEN}", mock.base_url()))
        .body(json!({"grant_type": "client_credential", "appid": DEMO_APPID, "secret": DEMO_SECRET, "force_refresh": true}).to_string())
        .send()
        .await
        .expect("answers");
    assert!(forced.status().is_success());
    client
        .invoice()
        .get_auth_data(
            &GetAuthDataRequest::builder()
                .s_pappid(S_PAPPID)
                .order_id("order-7")
                .build()
                .expect("required fields set"),
        )
        .await
        .expect("renewed and retried");
    assert_eq!(tokens.fetch_count(), 2);
}

#[tokio::test]
async fn server_errors_and_garbled_answers_map_to_their_error_variants() {
    let Setup { mock, client, .. } = setup(RetryPolicy::none()).await;
    authorize(&mock, "order-8");
    let request = GetAuthDataRequest::builder()
        .s_pappid(S_PAPPID)
        .order_id("order-8")
        .build()
        .expect("required fields set");

    mock.faults().push(Fault::http_status(503)).expect("a valid fault");
    match client.invoice().get_auth_data(&request).await {
        Err(error @ Error::Status { status: 503, .. }) => assert!(error.is_retryable()),
        other => panic!("expected HTTP 503, got {other:?}"),
    }
    mock.faults().push(Fault::html()).expect("a valid fault");
    match client.invoice().get_auth_data(&request).await {
        Err(Error::Decode(e)) => assert!(e.excerpt.starts_with("<html>"), "{e}"),
        other => panic!("expected a decode error, got {other:?}"),
    }
    mock.faults().push(Fault::truncated_json()).expect("a valid fault");
    match client.invoice().get_auth_data(&request).await {
        Err(Error::Decode(e)) => assert!(e.excerpt.starts_with("{\""), "{e}"),
        other => panic!("expected a decode error, got {other:?}"),
    }
    client.invoice().get_auth_data(&request).await.expect("faults are used up");

    let retrying = client.core().clone().with_retry_policy(quick_retries());
    mock.requests().reset();
    mock.faults().push(Fault::http_status(502)).expect("a valid fault");
    retrying.send(&request).await.expect("a 5xx is retried");
    assert_eq!(mock.requests().count(GET_AUTH_DATA), 2);
    mock.faults().push(Fault::html()).expect("a valid fault");
    assert!(
        matches!(retrying.send(&request).await, Err(Error::Decode(_))),
        "a garbled answer is not retried"
    );
    assert_eq!(mock.requests().count(GET_AUTH_DATA), 3);
}

#[tokio::test]
async fn latency_beyond_the_attempt_timeout_is_a_timeout() {
    let mock = MockServer::start(MockConfig::demo()).await.expect("the mock starts");
    let core = wechat_core::Client::builder()
        .base_url(mock.base_url())
        .token_provider(StaticToken::new("any"))
        .attempt_timeout(Duration::from_millis(50))
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a valid configuration");
    mock.faults().set_latency(Duration::from_secs(30));
    match Client::new(core)
        .invoice()
        .get_auth_data(
            &GetAuthDataRequest::builder()
                .s_pappid(S_PAPPID)
                .order_id("o")
                .build()
                .expect("required fields set"),
        )
        .await
    {
        Err(error @ Error::Timeout { .. }) => assert!(error.is_retryable()),
        other => panic!("expected a timeout, got {other:?}"),
    }
}

/// `get_code`'s `code` is WeChat's string(20): `max_bytes = 20` in its spec file.
const GET_CODE_SPEC: &str = "spec/card_code/get_code.toml";
const CODE_AT_THE_LIMIT: &str = "12345678901234567890";
const CODE_ONE_OVER: &str = "123456789012345678901";

/// The problems the generator finds in the real spec with `get_code`'s first example sending
/// `code`.
fn generator_problems(code: &str) -> Vec<String> {
    let written = r#"request = '{"card_id": "card_id_123+", "code": "123456789", "check_consume": true}'"#;
    spec_problems(GET_CODE_SPEC, written, &written.replace("123456789", code))
}

/// The problems the generator finds in the real spec with `written` replaced by `instead` in
/// the spec file `path`.
fn spec_problems(path: &str, written: &str, instead: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace root");
    let mut sources = xtask::sync::read_spec(root).expect("read spec/");
    let file = sources.iter_mut().find(|s| s.path == path).expect("the spec file");
    assert!(file.text.contains(written), "{path} changed what this test rewrites; update the test");
    file.text = file.text.replacen(written, instead, 1);
    match codegen::check_spec(&sources) {
        Ok(_) => Vec::new(),
        Err(problems) => problems.0.iter().map(ToString::to_string).collect(),
    }
}

/// A limit is one rule (`wechat_core::Limits::violation`, through `wechat_core::shape` for the
/// generator and the mock): a string one byte over it is refused alike by the generator (an
/// example), the mock (47001) and the client (before sending), in the words of
/// `check::Violation`, and one at the limit passes all three.
#[tokio::test]
async fn a_string_one_byte_over_its_limit_is_refused_alike_by_generator_mock_and_client() {
    let violation = wechat_core::check::Violation::TooManyBytes { max: 20, found: 21 }.to_string();

    assert_eq!(generator_problems(CODE_AT_THE_LIMIT), Vec::<String>::new());
    let problems = generator_problems(CODE_ONE_OVER);
    let expected = format!("example request does not match [request]: `code`: {violation}");
    assert!(
        problems.len() == 1 && problems[0].starts_with(GET_CODE_SPEC) && problems[0].ends_with(&expected),
        "{problems:#?}"
    );

    let Setup { mock, tokens, client } = setup(RetryPolicy::none()).await;
    let token = tokens.fetch(client.core().http_context()).await.expect("a token");
    let http = reqwest::Client::new();
    let url = format!("{}/card/code/get?access_token={}", mock.base_url(), token.expose());
    let answer = |code: &str| {
        let sent = http.post(&url).body(json!({"code": code}).to_string()).send();
        async move {
            let bytes = sent.await.expect("answers").bytes().await.expect("a body");
            serde_json::from_slice::<Value>(&bytes).expect("JSON")
        }
    };
    let over = answer(CODE_ONE_OVER).await;
    assert_eq!(over["errcode"], 47001, "{over}");
    let hint = format!("data format error hint: [code] {violation} rid: ");
    assert!(over["errmsg"].as_str().is_some_and(|m| m.starts_with(&hint)), "{over}");
    let within = answer(CODE_AT_THE_LIMIT).await;
    assert_ne!(within["errcode"], 47001, "{within}");

    let sent_before = mock.requests().count("/card/code/get");
    let error = client.card_code().get_code(&GetCodeRequest::new(CODE_ONE_OVER)).await.expect_err("refused");
    let Error::Invalid { source, .. } = &error else { panic!("{error}") };
    assert_eq!(source.to_string(), format!("`code` {violation}"));
    assert_eq!(mock.requests().count("/card/code/get"), sent_before, "nothing reached the mock");
}

/// `set_maintain`'s `page_id` and `all` are a `one_of` set (WeChat answers 81020 to both or
/// neither).
const SET_MAINTAIN_SPEC: &str = "spec/gift_card/set_maintain.toml";
const SET_MAINTAIN: &str = "/card/giftcard/maintain/set";

/// A rule that ties fields together is one rule (`wechat_core::check`'s, through
/// `wechat_core::shape` for the generator and the mock): a request that sets neither field of
/// a `one_of` set is refused alike by the generator (an example), the mock (47001, naming the
/// field) and the client (before sending), in the words of `check::Violation`, and one that
/// sets one of them passes all three.
#[tokio::test]
async fn a_request_with_neither_field_of_a_one_of_set_is_refused_alike_by_generator_mock_and_client() {
    let violation = wechat_core::check::Violation::OneOf {
        fields: vec!["page_id".to_owned(), "all".to_owned()],
        set: Vec::new(),
    }
    .to_string();
    assert_eq!(violation, "exactly one of page_id, all is required; found none");

    let written = r#"request = '{"page_id": "abcedfghifk=+Uasdaseq14fadkf8123h4jk", "maintain": true}'"#;
    assert_eq!(spec_problems(SET_MAINTAIN_SPEC, written, written), Vec::<String>::new());
    let problems =
        spec_problems(SET_MAINTAIN_SPEC, written, r#"request = '{"all": false, "maintain": true}'"#);
    let expected = format!("example request does not match [request]: `page_id`: {violation}");
    assert!(
        problems.len() == 1 && problems[0].starts_with(SET_MAINTAIN_SPEC) && problems[0].ends_with(&expected),
        "{problems:#?}"
    );

    let Setup { mock, tokens, client } = setup(RetryPolicy::none()).await;
    let token = tokens.fetch(client.core().http_context()).await.expect("a token");
    let http = reqwest::Client::new();
    let url = format!("{}{SET_MAINTAIN}?access_token={}", mock.base_url(), token.expose());
    let answer = |body: Value| {
        let sent = http.post(&url).body(body.to_string()).send();
        async move {
            let bytes = sent.await.expect("answers").bytes().await.expect("a body");
            serde_json::from_slice::<Value>(&bytes).expect("JSON")
        }
    };
    let neither = answer(json!({"all": false, "maintain": true})).await;
    assert_eq!(neither["errcode"], 47001, "{neither}");
    let hint = format!("data format error hint: [page_id] {violation} rid: ");
    assert!(neither["errmsg"].as_str().is_some_and(|m| m.starts_with(&hint)), "{neither}");
    let one = answer(json!({"all": true, "maintain": true})).await;
    assert_ne!(one["errcode"], 47001, "{one}");

    let sent_before = mock.requests().count(SET_MAINTAIN);
    let gift_card = client.gift_card();
    let error = gift_card.set_maintain(&SetMaintainRequest::new(true).all(false)).await.expect_err("refused");
    let Error::Invalid { source, .. } = &error else { panic!("{error}") };
    assert_eq!(source.to_string(), format!("`page_id` {violation}"));
    assert_eq!(mock.requests().count(SET_MAINTAIN), sent_before, "nothing reached the mock");
    let both = SetMaintainRequest::new(true).all(true).page_id("abcedfghifk=+Uasdaseq14fadkf8123h4jk");
    let error = gift_card.set_maintain(&both).await.expect_err("refused");
    let Error::Invalid { source, .. } = &error else { panic!("{error}") };
    assert_eq!(source.to_string(), "`all` exactly one of page_id, all is required; found page_id and all");
    assert_eq!(mock.requests().count(SET_MAINTAIN), sent_before, "nothing reached the mock");
    // One of them set passes the client's check and reaches the mock.
    let sent = gift_card.set_maintain(&SetMaintainRequest::new(true).all(true)).await;
    assert!(!matches!(sent, Err(Error::Invalid { .. })), "{sent:?}");
    assert_eq!(mock.requests().count(SET_MAINTAIN), sent_before + 1);
}
