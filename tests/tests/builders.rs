//! Generated builders put each value in the field its setter names, refuse a required field left
//! unset with an error naming the type and the field, keep secrets out of `Debug`, and build
//! card types whose response-only fields stay empty and unsent.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use serde_json::json;
use wechat_card::card::types::{BaseInfo, CodeType, DateInfo, DateType, Sku};
use wechat_card::nontax::insert_bill::{InvoiceUserData, InvoiceUserDataBuilder};
use wechat_card::token::GetAccessTokenRequest;
use wechat_card::wechat_core::BuildError;

type Setter = fn(InvoiceUserDataBuilder) -> InvoiceUserDataBuilder;

/// Each required field of a fiscal e-bill's data, with a setter giving it a distinct value.
const REQUIRED: [(&str, Setter); 6] = [
    ("fee", |b| b.fee(12_300)),
    ("title", |b| b.title("Paying unit")),
    ("billing_time", |b| b.billing_time(1_700_000_000)),
    ("billing_no", |b| b.billing_no("NO-1")),
    ("billing_code", |b| b.billing_code("CODE-2")),
    ("s_pdf_media_id", |b| b.s_pdf_media_id("media-3")),
];

#[test]
fn each_setter_fills_the_field_it_names_whatever_the_order() {
    // Set in reverse order: a builder has no positions to get wrong.
    let data = REQUIRED.iter().rev().fold(InvoiceUserData::builder(), |b, (_, set)| set(b)).build().unwrap();
    assert_eq!(
        serde_json::to_value(&data).unwrap(),
        json!({
            "fee": 12_300, "title": "Paying unit", "billing_time": 1_700_000_000,
            "billing_no": "NO-1", "billing_code": "CODE-2", "s_pdf_media_id": "media-3"
        })
    );
}

#[test]
fn build_names_the_type_and_each_required_field_left_unset() {
    for (missing, _) in REQUIRED {
        let builder = REQUIRED
            .iter()
            .filter(|(field, _)| *field != missing)
            .fold(InvoiceUserData::builder(), |b, (_, set)| set(b));
        let error = builder.build().expect_err(missing);
        assert_eq!(error, BuildError::MissingField { type_name: "InvoiceUserData", field: missing });
        let message = error.to_string();
        assert!(
            message.contains("`InvoiceUserData`") && message.contains(&format!("`{missing}`")),
            "{message}"
        );
    }
}

#[test]
fn optional_fields_are_set_on_the_builder_and_left_out_when_unset() {
    let date = DateInfo::new(DateType::Permanent);
    let base = || {
        BaseInfo::builder()
            .logo_url("http://mmbiz.qpic.cn/logo")
            .brand_name("微信餐厅")
            .code_type(CodeType::Text)
            .title("咖啡券")
            .color("Color010")
            .notice("出示此券")
            .description("一杯咖啡")
            .date_info(date.clone())
            .sku(Sku::new(10))
    };
    let plain = base().build().unwrap();
    let with_phone = base().service_phone("020-88888888").build().unwrap();
    assert_eq!(plain.service_phone, None);
    assert_eq!(with_phone.service_phone.as_deref(), Some("020-88888888"));
    let wire = serde_json::to_value(&plain).unwrap();
    assert!(wire.get("service_phone").is_none(), "an unset optional field is not sent: {wire}");
    // What WeChat assigns starts empty and is never sent.
    assert_eq!(plain.id(), None);
    assert!(wire.get("id").is_none() && wire.get("status").is_none(), "{wire}");
}

#[test]
fn a_builder_holding_a_secret_prints_it_redacted() {
    let builder = GetAccessTokenRequest::builder().appid("wx_appid").secret("APPSECRET-VALUE");
    let printed = format!("{builder:?} {:?}", builder.clone().build().unwrap());
    assert!(!printed.contains("APPSECRET-VALUE"), "{printed}");
    assert!(printed.contains("wx_appid"), "the rest is printed: {printed}");
    let missing = GetAccessTokenRequest::builder().secret("APPSECRET-VALUE").build().unwrap_err();
    assert_eq!(
        missing.to_string(),
        "cannot build `GetAccessTokenRequest`: the required field `appid` was not set"
    );
}
