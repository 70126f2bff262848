//! The generated client on the wire: each test sends one operation through
//! `wechat_card::Client` to a recording server on 127.0.0.1 and checks what WeChat would
//! receive (method, path, query, exact body) and what the caller gets back.

use axum::extract::{FromRequest, Multipart};
use serde_json::json;
use tests::scripted::{Received, ScriptedServer};
use wechat_card::types::{InvoiceCard, PayMchInfo, ReimburseStatus};
use wechat_card::{Client, GeneralErrorCode};
use wechat_core::{AuthorizerToken, Error, ErrorCode, StaticToken, UploadFile};

fn client(server: &ScriptedServer) -> Client {
    client_with(server, StaticToken::new("TOKEN"))
}

fn client_with(server: &ScriptedServer, tokens: impl wechat_core::TokenProvider) -> Client {
    let core = wechat_core::Client::builder()
        .base_url(server.base_url())
        .token_provider(tokens)
        .retry_policy(wechat_core::RetryPolicy::none())
        .build()
        .expect("client");
    Client::new(core)
}

fn assert_post_json(seen: &Received, path: &str, body: serde_json::Value) {
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.path, path);
    assert_eq!(seen.content_type(), Some("application/json"));
    assert_eq!(seen.json(), body);
}

#[tokio::test]
async fn get_access_token_sends_a_get_with_the_fixed_and_typed_query() {
    let server =
        ScriptedServer::with_answers(&[("/cgi-bin/token", r#"{"access_token":"ACCESS","expires_in":7200}"#)])
            .await;
    let request = wechat_card::token::GetAccessTokenRequest::builder()
        .appid("wxappid")
        .secret("app secret&=")
        .build()
        .expect("required fields set");
    let answer = client(&server).token().get_access_token(&request).await.expect("token");

    let seen = server.single_request();
    assert_eq!(seen.method, "GET");
    assert_eq!(seen.path, "/cgi-bin/token");
    // No access_token: the token endpoint takes none. The secret is percent-encoded on the
    // wire and arrives intact.
    assert_eq!(seen.query_names(), ["grant_type", "appid", "secret"]);
    assert_eq!(seen.query_value("grant_type"), Some("client_credential"));
    assert_eq!(seen.query_value("appid"), Some("wxappid"));
    assert_eq!(seen.query_value("secret"), Some("app secret&="));
    assert!(seen.body.is_empty());
    assert_eq!(answer.access_token.expose(), "ACCESS");
    let printed = format!("{request:?} {answer:?}");
    assert!(!printed.contains("app secret") && !printed.contains("ACCESS"), "{printed}");
    assert_eq!(answer.expires_in, 7200);
}

#[tokio::test]
async fn card_ticket_sends_the_token_and_type_wx_card() {
    let server = ScriptedServer::with_answers(&[(
        "/cgi-bin/ticket/getticket",
        r#"{"errcode":0,"errmsg":"ok","ticket":"TICKET","expires_in":"7200"}"#,
    )])
    .await;
    let request = wechat_card::token::GetCardApiTicketRequest::new();
    let answer = client(&server).token().get_card_api_ticket(&request).await.expect("ticket");

    let seen = server.single_request();
    assert_eq!(seen.method, "GET");
    assert_eq!(seen.query_names(), ["access_token", "type"]);
    assert_eq!(seen.query_value("access_token"), Some("TOKEN"));
    assert_eq!(seen.query_value("type"), Some("wx_card"));
    assert_eq!(answer.ticket.expose(), "TICKET");
    assert_eq!(answer.expires_in, 7200, "a number sent as a string decodes");
}

#[tokio::test]
async fn stable_token_always_sends_its_constant_grant_type() {
    let server = ScriptedServer::with_answers(&[(
        "/cgi-bin/stable_token",
        r#"{"access_token":"STABLE","expires_in":7000}"#,
    )])
    .await;
    let request = wechat_card::token::GetStableAccessTokenRequest::builder()
        .appid("wxappid")
        .secret("secret")
        .force_refresh(true)
        .build()
        .expect("required fields set");
    let answer = client(&server).token().get_stable_access_token(&request).await.expect("token");

    let seen = server.single_request();
    assert!(seen.query.is_empty(), "{:?}", seen.query);
    assert_post_json(
        &seen,
        "/cgi-bin/stable_token",
        json!({"grant_type": "client_credential", "appid": "wxappid", "secret": "secret", "force_refresh": true}),
    );
    assert_eq!(answer.access_token.expose(), "STABLE");
}

#[tokio::test]
async fn authorizer_token_takes_the_component_token_in_the_query() {
    let server = ScriptedServer::with_answers(&[(
        "/cgi-bin/component/api_authorizer_token",
        r#"{"authorizer_access_token":"A","expires_in":7200,"authorizer_refresh_token":"R2"}"#,
    )])
    .await;
    let request = wechat_card::token::GetAuthorizerAccessTokenRequest::builder()
        .component_access_token("COMPONENT")
        .component_appid("wxcomp")
        .authorizer_appid("wxauth")
        .authorizer_refresh_token("R1")
        .build()
        .expect("required fields set");
    let answer = client(&server).token().get_authorizer_access_token(&request).await.expect("token");

    let seen = server.single_request();
    assert_eq!(seen.query_names(), ["component_access_token"]);
    assert_eq!(seen.query_value("component_access_token"), Some("COMPONENT"));
    assert_post_json(
        &seen,
        "/cgi-bin/component/api_authorizer_token",
        json!({"component_appid": "wxcomp", "authorizer_appid": "wxauth", "authorizer_refresh_token": "R1"}),
    );
    assert_eq!(answer.authorizer_refresh_token.expose(), "R2");
}

#[tokio::test]
async fn setbizattr_actions_are_told_apart_by_the_action_query() {
    let server = ScriptedServer::with_answers(&[]).await;
    let request = wechat_card::invoice::SetPayMchRequest::new(
        PayMchInfo::builder().mchid("1234").s_pappid("wxabcd").build().expect("required fields set"),
    );
    client(&server).invoice().set_pay_mch(&request).await.expect("set_pay_mch");

    let seen = server.single_request();
    assert_eq!(seen.query_names(), ["access_token", "action"]);
    assert_eq!(seen.query_value("action"), Some("set_pay_mch"));
    assert_post_json(
        &seen,
        "/card/invoice/setbizattr",
        json!({"paymch_info": {"mchid": "1234", "s_pappid": "wxabcd"}}),
    );
}

#[tokio::test]
async fn get_pay_mch_sends_an_empty_object_and_decodes_the_answer() {
    let server = ScriptedServer::with_answers(&[(
        "/card/invoice/setbizattr",
        r#"{"errcode":0,"errmsg":"ok","paymch_info":{"mchid":1234,"s_pappid":"wxabcd"}}"#,
    )])
    .await;
    let answer = client(&server)
        .invoice()
        .get_pay_mch(&wechat_card::invoice::GetPayMchRequest::new())
        .await
        .expect("get_pay_mch");

    let seen = server.single_request();
    assert_eq!(seen.query_value("action"), Some("get_pay_mch"));
    assert_post_json(&seen, "/card/invoice/setbizattr", json!({}));
    assert_eq!(
        answer.paymch_info,
        PayMchInfo::builder().mchid("1234").s_pappid("wxabcd").build().expect("required fields set"),
        "a numeric mchid decodes as text"
    );
}

#[tokio::test]
async fn get_pdf_sends_action_in_the_query_and_the_body() {
    let server = ScriptedServer::with_answers(&[(
        "/card/invoice/platform/getpdf",
        r#"{"errcode":0,"errmsg":"ok","pdf_url":"https://example.invalid/a.pdf","pdf_url_expire_time":7200}"#,
    )])
    .await;
    let request = wechat_card::platform::GetPdfRequest::new("75195574948725301");
    let answer = client(&server).platform().get_pdf(&request).await.expect("get_pdf");

    let seen = server.single_request();
    assert_eq!(seen.query_names(), ["access_token", "action"]);
    assert_eq!(seen.query_value("action"), Some("get_url"));
    assert_post_json(
        &seen,
        "/card/invoice/platform/getpdf",
        json!({"action": "get_url", "s_media_id": "75195574948725301"}),
    );
    assert_eq!(answer.pdf_url_expire_time, 7200);
}

#[tokio::test]
async fn batch_status_update_sends_an_array_of_objects_and_the_enum_value() {
    let server = ScriptedServer::with_answers(&[]).await;
    let request = wechat_card::reimburse::UpdateStatusBatchRequest::builder()
        .openid("openid")
        .reimburse_status(ReimburseStatus::InvoiceReimburseClosure)
        .invoice_list(vec![
            InvoiceCard::builder()
                .card_id("card1")
                .encrypt_code("code1")
                .build()
                .expect("required fields set"),
            InvoiceCard::builder()
                .card_id("card2")
                .encrypt_code("code2")
                .build()
                .expect("required fields set"),
        ])
        .build()
        .expect("required fields set");
    client(&server).reimburse().update_status_batch(&request).await.expect("update_status_batch");

    assert_post_json(
        &server.single_request(),
        "/card/invoice/reimburse/updatestatusbatch",
        json!({
            "openid": "openid",
            "reimburse_status": "INVOICE_REIMBURSE_CLOSURE",
            "invoice_list": [
                {"card_id": "card1", "encrypt_code": "code1"},
                {"card_id": "card2", "encrypt_code": "code2"}
            ]
        }),
    );
}

#[tokio::test]
async fn invoice_info_decodes_nested_types_aliases_and_unknown_enum_values() {
    let server = ScriptedServer::with_answers(&[(
        "/card/invoice/reimburse/getinvoiceinfo",
        r#"{"errcode":0,"errmsg":"ok","card_id":"c","begin_time":1,"end_time":"2","openid":"o",
            "type":"t","payee":"p","detail":"d","new_field":true,
            "user_info":{"fee":"1100","title":"XX","billing_time":1468322401,"billing_no":"n",
            "billing_code":"c","fee_without_tax":1000,"tax":100,"pdf_url":"u","trip_pdf_ur":"trip",
            "reimburse_status":"INVOICE_REIMBURSE_SOMETHING_NEW",
            "info":[{"name":"x","price":4},{"name":"y","num":"2","unit":"个","price":5}]}}"#,
    )])
    .await;
    let request = wechat_card::reimburse::GetInvoiceInfoRequest::builder()
        .card_id("c")
        .encrypt_code("enc")
        .build()
        .expect("required fields set");
    let answer = client(&server).reimburse().get_invoice_info(&request).await.expect("get_invoice_info");

    assert_post_json(
        &server.single_request(),
        "/card/invoice/reimburse/getinvoiceinfo",
        json!({"card_id": "c", "encrypt_code": "enc"}),
    );
    assert_eq!(answer.end_time, 2);
    let info = answer.user_info;
    assert_eq!(info.fee, 1100);
    assert_eq!(info.trip_pdf_url.as_deref(), Some("trip"), "the newer spelling decodes");
    assert_eq!(info.reimburse_status, ReimburseStatus::Unknown("INVOICE_REIMBURSE_SOMETHING_NEW".into()));
    let lines = info.info.expect("lines");
    assert_eq!(lines[1].num, Some(2));
    assert_eq!(lines[0].num, None);
}

#[tokio::test]
async fn an_endpoint_code_arrives_typed_and_a_general_one_too() {
    let server = ScriptedServer::with_answers(&[(
        "/card/invoice/setbizattr",
        r#"{"errcode":72028,"errmsg":"invoice never set pay mch info"}"#,
    )])
    .await;
    let request = wechat_card::invoice::GetPayMchRequest::new();
    match client(&server).invoice().get_pay_mch(&request).await {
        Err(Error::Api(api)) => {
            assert_eq!(api.code, wechat_card::invoice::GetPayMchErrorCode::InvoiceNeverSetPayMchInfo);
            assert_eq!(api.code.code(), 72028);
            assert_eq!(api.errmsg, "invoice never set pay mch info");
        }
        other => panic!("expected a typed API error, got {other:?}"),
    }

    let server = ScriptedServer::with_answers(&[(
        "/card/invoice/platform/updatestatus",
        r#"{"errcode":48001,"errmsg":"api unauthorized"}"#,
    )])
    .await;
    let request = wechat_card::platform::UpdateStatusRequest::builder()
        .card_id("card")
        .code("code")
        .reimburse_status(ReimburseStatus::InvoiceReimburseCancel)
        .build()
        .expect("required fields set");
    match client(&server).platform().update_status(&request).await {
        Err(Error::Api(api)) => assert_eq!(
            api.code,
            wechat_card::platform::UpdateStatusErrorCode::General(GeneralErrorCode::ApiUnauthorized)
        ),
        other => panic!("expected a general API error, got {other:?}"),
    }
    assert_eq!(server.single_request().json()["reimburse_status"], "INVOICE_REIMBURSE_CANCEL");
}

#[tokio::test]
async fn scan_title_refuses_an_authorizer_token_before_sending() {
    let server = ScriptedServer::with_answers(&[]).await;
    let client = client_with(&server, AuthorizerToken::new("AUTHORIZER"));
    let request = wechat_card::invoice::ScanTitleRequest::new("text");
    let error = client.invoice().scan_title(&request).await.expect_err("third-party call refused");
    assert!(matches!(error, Error::Request { .. }), "{error:?}");
    assert!(server.all_requests().is_empty());
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// Reads a recorded multipart body with axum's own extractor, as a server would.
async fn multipart_parts(seen: &Received) -> Vec<(String, Option<String>, Option<String>, Vec<u8>)> {
    let request = axum::http::Request::builder()
        .method("POST")
        .header("content-type", seen.content_type().expect("content type").to_owned())
        .body(axum::body::Body::from(seen.body.clone()))
        .expect("request");
    let mut multipart = Multipart::from_request(request, &()).await.expect("a multipart/form-data body");
    let mut parts = Vec::new();
    while let Some(field) = multipart.next_field().await.expect("a well-formed part") {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(str::to_owned);
        let bytes = field.bytes().await.expect("the part's bytes").to_vec();
        parts.push((name, file_name, content_type, bytes));
    }
    parts
}

#[tokio::test]
async fn set_pdf_uploads_a_real_multipart_body_and_keeps_a_big_id_exact() {
    // 2^64 - 1 as a JSON number: through a float it would come back as 18446744073709552000.
    let server = ScriptedServer::with_answers(&[(
        "/card/invoice/platform/setpdf",
        r#"{"errcode":0,"errmsg":"ok","s_media_id":18446744073709551615}"#,
    )])
    .await;
    let request = wechat_card::platform::SetPdfRequest::new(UploadFile::new("invoice.pdf", PDF));
    let answer = client(&server).platform().set_pdf(&request).await.expect("set_pdf");
    assert_eq!(answer.s_media_id, "18446744073709551615");

    let seen = server.single_request();
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.path, "/card/invoice/platform/setpdf");
    assert_eq!(seen.query_names(), ["access_token"]);
    assert!(seen.content_type().is_some_and(|c| c.starts_with("multipart/form-data; boundary=")));
    let parts = multipart_parts(&seen).await;
    assert_eq!(
        parts,
        vec![(
            "pdf".to_owned(),
            Some("invoice.pdf".to_owned()),
            Some("application/pdf".to_owned()),
            PDF.to_vec()
        )]
    );
}

#[tokio::test]
async fn set_pdf_refuses_an_oversize_file_before_sending() {
    let server = ScriptedServer::with_answers(&[]).await;
    let too_big = UploadFile::new("big.pdf", vec![b'%'; 10 * 1024 * 1024 + 1]);
    let request = wechat_card::platform::SetPdfRequest::new(too_big);
    let error = client(&server).platform().set_pdf(&request).await.expect_err("refused");
    match &error {
        Error::Request { operation, message } => {
            assert_eq!(*operation, "set_pdf");
            assert!(message.contains("10485761 bytes") && message.contains("10485760"), "{message}");
        }
        other => panic!("expected a refusal before sending, got {other:?}"),
    }
    assert!(!error.is_retryable());
    assert!(server.all_requests().is_empty(), "nothing may reach the server");

    let request = wechat_card::platform::SetPdfRequest::new(UploadFile::new("empty.pdf", Vec::new()));
    assert!(matches!(client(&server).platform().set_pdf(&request).await, Err(Error::Request { .. })));
    assert!(server.all_requests().is_empty());
}

#[tokio::test]
async fn a_big_id_as_a_string_stays_a_string() {
    let server = ScriptedServer::with_answers(&[(
        "/card/invoice/platform/setpdf",
        r#"{"errcode":0,"errmsg":"ok","s_media_id":"9223372036854775807"}"#,
    )])
    .await;
    let request = wechat_card::platform::SetPdfRequest::new(UploadFile::new("a.pdf", PDF));
    let answer = client(&server).platform().set_pdf(&request).await.expect("set_pdf");
    assert_eq!(answer.s_media_id, "9223372036854775807");
}
