//! Card statistics through `wechat_card::Client` against wechat-mock: WeChat computes them
//! overnight from what users did, which the mock does not count, so it answers the spec's rows;
//! what it checks is what WeChat checks: the days asked for and the card named.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod flow_support;

use flow_support::{Wechat, card};
use wechat_card::card_stats::types::CondSource;
use wechat_card::card_stats::{
    GetCardSummaryErrorCode, GetCardSummaryRequest, GetFreeCardSummaryErrorCode, GetFreeCardSummaryRequest,
    GetMemberCardDetailErrorCode, GetMemberCardDetailRequest,
};

fn summary(begin: &str, end: &str) -> GetCardSummaryRequest {
    GetCardSummaryRequest::builder()
        .begin_date(begin)
        .end_date(end)
        .cond_source(CondSource::Api)
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statistics_check_their_days_and_card() {
    let wechat = Wechat::start().await;
    let client = wechat.client.clone();
    let stats = client.card_stats();

    let rows = stats.get_card_summary(&summary("2015-06-15", "2015-06-30")).await.unwrap();
    assert_eq!(rows.list.first().map(|r| r.ref_date.as_str()), Some("2015-06-23"), "the spec's rows");
    let inclusive = stats.get_card_summary(&summary("2015-01-01", "2015-03-04")).await;
    assert!(inclusive.is_ok(), "62 days apart is allowed: {inclusive:?}");
    for (begin, end, code) in [
        ("2015/06/15", "2015-06-30", GetCardSummaryErrorCode::DateFormatError),
        ("2015-02-29", "2015-03-01", GetCardSummaryErrorCode::DateFormatError),
        ("2015-01-01", "2015-03-05", GetCardSummaryErrorCode::DateRangeError),
        ("2015-06-30", "2015-06-15", GetCardSummaryErrorCode::DateRangeError),
        ("2099-06-01", "2099-06-30", GetCardSummaryErrorCode::DateRangeError),
    ] {
        let refused = stats.get_card_summary(&summary(begin, end)).await.unwrap_err();
        assert_eq!(refused.api_code(), Some(code), "{begin}..{end}");
    }

    let card_id =
        client.card().create_card(&card("GROUPON", 1, serde_json::json!({}))).await.unwrap().card_id;
    let free = |card_id: Option<&str>| {
        let request = GetFreeCardSummaryRequest::builder()
            .begin_date("2015-06-15")
            .end_date("2015-06-30")
            .cond_source(CondSource::Api);
        let request = match card_id {
            Some(card_id) => request.card_id(card_id),
            None => request,
        };
        request.build().unwrap()
    };
    assert!(stats.get_free_card_summary(&free(Some(&card_id))).await.is_ok());
    assert!(stats.get_free_card_summary(&free(None)).await.is_ok(), "every card without one");
    let unknown = stats.get_free_card_summary(&free(Some("pUnknown"))).await.unwrap_err();
    assert_eq!(unknown.api_code(), Some(GetFreeCardSummaryErrorCode::InvalidCardId));
    let detail = |card_id: &str| {
        GetMemberCardDetailRequest::builder()
            .begin_date("2015-06-15")
            .end_date("2015-06-30")
            .card_id(card_id)
            .build()
            .unwrap()
    };
    assert!(stats.get_member_card_detail(&detail(&card_id)).await.is_ok());
    let unknown = stats.get_member_card_detail(&detail("pUnknown")).await.unwrap_err();
    assert_eq!(unknown.api_code(), Some(GetMemberCardDetailErrorCode::InvalidCardId));
    wechat.stop().await;
}
