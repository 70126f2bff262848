//! The three seed endpoints (rejectinsert, getauthdata, insertbill) called through the generated `Client` against a real HTTP server on
//! 127.0.0.1: the exact request WeChat receives, and the decoded answer, including a
//! non-zero errcode decoded into the operation's typed error code.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use serde_json::json;
use tests::baseline::example_bill;
use tests::scripted::ScriptedServer;
use wechat_card::invoice::{
    GetAuthDataErrorCode, GetAuthDataRequest, RejectInsertErrorCode, RejectInsertRequest,
};
use wechat_card::nontax::InsertBillErrorCode;
use wechat_card::{Client, GeneralErrorCode};
use wechat_core::{Error, RetryPolicy, StaticToken};

const TOKEN: &str = "TOKEN-abc+/=123";

/// A server answering `path` with `answer`.
async fn answering(path: &str, answer: serde_json::Value) -> ScriptedServer {
    ScriptedServer::with_answers(&[(path, &answer.to_string())]).await
}

fn client(server: &ScriptedServer) -> Client {
    let core = wechat_core::Client::builder()
        .base_url(server.base_url())
        .token_provider(StaticToken::new(TOKEN))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    Client::new(core)
}

#[tokio::test]
async fn reject_insert_sends_the_documented_body() {
    let server = answering("/card/invoice/rejectinsert", json!({"errcode": 0, "errmsg": "ok"})).await;
    let request = RejectInsertRequest::builder()
        .s_pappid("d3JCEfhGLW+q0iGP+o9")
        .order_id("111229")
        .reason("goods returned")
        .url("https://shop.example/o/111229")
        .build()
        .expect("required fields set");
    client(&server).invoice().reject_insert(&request).await.unwrap();

    let got = &server.single_request();
    assert_eq!(got.method, "POST");
    assert_eq!(got.path, "/card/invoice/rejectinsert");
    assert_eq!(got.query, [("access_token".to_owned(), TOKEN.to_owned())], "the token survives URL encoding");
    assert_eq!(got.content_type(), Some("application/json"));
    assert_eq!(
        got.json(),
        json!({
            "s_pappid": "d3JCEfhGLW+q0iGP+o9",
            "order_id": "111229",
            "reason": "goods returned",
            "url": "https://shop.example/o/111229"
        })
    );
}

#[tokio::test]
async fn optional_fields_left_unset_are_not_sent() {
    let server = answering("/card/invoice/rejectinsert", json!({"errcode": 0, "errmsg": "ok"})).await;
    client(&server)
        .invoice()
        .reject_insert(
            &RejectInsertRequest::builder()
                .s_pappid("p")
                .order_id("o")
                .reason("r")
                .build()
                .expect("required fields set"),
        )
        .await
        .unwrap();
    assert_eq!(server.single_request().json(), json!({"s_pappid": "p", "order_id": "o", "reason": "r"}));
}

#[tokio::test]
async fn get_auth_data_decodes_the_answer_leniently() {
    let answer = json!({
        "errcode": 0,
        "errmsg": "ok",
        "invoice_status": "auth success",
        "auth_time": "1480342498",
        "user_auth_info": {"biz_field": {"title": "Tencent", "tax_no": 91_440_300_708_461_136_u64, "custom_field": [{"key": "k", "value": "v"}]}},
        "a_field_added_later": true
    });
    let server = answering("/card/invoice/getauthdata", answer).await;
    let auth = client(&server)
        .invoice()
        .get_auth_data(
            &GetAuthDataRequest::builder()
                .s_pappid("wx123456")
                .order_id("123456")
                .build()
                .expect("required fields set"),
        )
        .await
        .unwrap();

    let got = &server.single_request();
    assert_eq!((got.method.as_str(), got.path.as_str()), ("POST", "/card/invoice/getauthdata"));
    assert_eq!(got.query_value("access_token"), Some(TOKEN));
    assert_eq!(got.json(), json!({"s_pappid": "wx123456", "order_id": "123456"}), "s_pappid, never s_appid");

    assert_eq!(auth.invoice_status, "auth success");
    assert_eq!(auth.auth_time, 1_480_342_498, "a number sent as a string decodes");
    let biz = auth.user_auth_info.unwrap().biz_field.unwrap();
    assert_eq!(biz.title, "Tencent");
    assert_eq!(
        biz.tax_no.as_deref(),
        Some("91440300708461136"),
        "a long number sent as a number stays exact"
    );
    assert_eq!(biz.custom_field.unwrap()[0].value, "v");
}

#[tokio::test]
async fn get_auth_data_errors_decode_into_typed_codes() {
    let request =
        GetAuthDataRequest::builder().s_pappid("p").order_id("o").build().expect("required fields set");
    let path = "/card/invoice/getauthdata";

    let server = answering(path, json!({"errcode": 72038, "errmsg": "invoice order never auth"})).await;
    let Err(Error::Api(api)) = client(&server).invoice().get_auth_data(&request).await else {
        panic!("expected an API error")
    };
    assert_eq!(api.code, GetAuthDataErrorCode::InvoiceOrderNeverAuth);
    assert_eq!(api.errmsg, "invoice order never auth");

    let server =
        answering(path, json!({"errcode": 40164, "errmsg": "invalid ip 1.2.3.4, not in whitelist"})).await;
    let error = client(&server).invoice().get_auth_data(&request).await.unwrap_err();
    assert_eq!(
        error.api_code(),
        Some(GetAuthDataErrorCode::General(GeneralErrorCode::InvalidIpNotInWhitelist))
    );
    assert!(!error.is_retryable());

    let server = answering(path, json!({"errcode": 99999, "errmsg": "something new"})).await;
    let error = client(&server).invoice().get_auth_data(&request).await.unwrap_err();
    assert_eq!(
        error.api_code(),
        Some(GetAuthDataErrorCode::General(GeneralErrorCode::Unknown(99999))),
        "unknown codes are kept"
    );
    assert!(error.to_string().contains("99999"), "{error}");
}

#[tokio::test]
async fn insert_bill_sends_the_nested_form_with_a_numeric_billing_time() {
    let answer =
        json!({"errcode": 0, "errmsg": "ok", "code": "682xxxx661927", "openid": "ojZ8Ytz4lESxxxx_R1TvB2Kds"});
    let server = answering("/nontax/insertbill", answer).await;
    let bill = client(&server).nontax().insert_bill(&example_bill()).await.unwrap();
    assert_eq!((bill.code.as_str(), bill.openid.as_str()), ("682xxxx661927", "ojZ8Ytz4lESxxxx_R1TvB2Kds"));

    let got = &server.single_request();
    assert_eq!((got.method.as_str(), got.path.as_str()), ("POST", "/nontax/insertbill"));
    assert_eq!(got.query_value("access_token"), Some(TOKEN));
    assert_eq!(
        got.json(),
        json!({
            "order_id": "1511169724",
            "card_id": "pjZ8Yt7xiy3b9UfffRIA4Tm2xTnw",
            "appid": "wxc0b84a53ed8e8d29",
            "card_ext": {"user_card": {"invoice_user_data": {
                "fee": 123,
                "title": "灌哥发票",
                "billing_time": 1511169724,
                "billing_no": "1511169724",
                "billing_code": "aabbccdd",
                "s_pdf_media_id": "s_pdf_media_id"
            }}}
        })
    );
}

#[tokio::test]
async fn insert_bill_refusals_are_typed() {
    let path = "/nontax/insertbill";
    let server =
        answering(path, json!({"errcode": 72042, "errmsg": "billing_code and billing_no repeated"})).await;
    let repeated = client(&server).nontax().insert_bill(&example_bill()).await.unwrap_err();
    assert_eq!(repeated.api_code(), Some(InsertBillErrorCode::BillingCodeAndNoRepeated));
    let server = answering(path, json!({"errcode": 72035, "errmsg": "biz reject insert"})).await;
    let rejected = client(&server).nontax().insert_bill(&example_bill()).await.unwrap_err();
    assert_eq!(rejected.api_code(), Some(InsertBillErrorCode::BizRejectInsert));
}

#[tokio::test]
async fn reject_insert_has_only_general_codes() {
    let server =
        answering("/card/invoice/rejectinsert", json!({"errcode": 40001, "errmsg": "invalid credential"}))
            .await;
    let error = client(&server)
        .invoice()
        .reject_insert(
            &RejectInsertRequest::builder()
                .s_pappid("p")
                .order_id("o")
                .reason("r")
                .build()
                .expect("required fields set"),
        )
        .await
        .unwrap_err();
    assert_eq!(error.api_code(), Some(RejectInsertErrorCode::General(GeneralErrorCode::InvalidCredential)));
    assert_eq!(server.all_requests().len(), 1, "a fixed token cannot be renewed, so there is no retry");
}
