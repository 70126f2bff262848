//! A PDF through the generated client and back: uploaded with `set_pdf`, linked with
//! `get_pdf`, downloaded from the link the mock hands out, byte for byte the same. The id
//! the mock answers is a JSON number above 2^53, so it also checks that the client keeps a
//! 64-bit `s_media_id` exact.

use wechat_card::Client;
use wechat_card::platform::{GetPdfErrorCode, GetPdfRequest, SetPdfRequest};
use wechat_core::{RetryPolicy, Secret, StableToken, UploadFile};
use wechat_mock::{MockConfig, MockServer, sample_pdf};

async fn setup() -> (MockServer, Client) {
    let mock = MockServer::start(MockConfig::demo()).await.expect("the mock starts");
    let core = wechat_core::Client::builder()
        .base_url(mock.base_url())
        .token_provider(StableToken::new(wechat_mock::DEMO_APPID, Secret::new(wechat_mock::DEMO_SECRET)))
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a valid configuration");
    (mock, Client::new(core))
}

#[tokio::test]
async fn an_uploaded_pdf_downloads_byte_for_byte() {
    let (mock, client) = setup().await;
    let pdf = sample_pdf("Fiscal e-bill 2024001, 123.00 CNY");

    let uploaded = client
        .platform()
        .set_pdf(&SetPdfRequest::new(UploadFile::new("bill.pdf", pdf.clone())))
        .await
        .expect("set_pdf");
    let id: u64 = uploaded.s_media_id.parse().expect("the id is the number's exact digits");
    assert!(id > 1 << 53, "the mock's ids are beyond what a float holds: {id}");
    let stored =
        mock.media().get(&uploaded.s_media_id).expect("the mock keeps the file under exactly that id");
    assert_eq!((stored.file_name.as_str(), stored.bytes.as_ref()), ("bill.pdf", pdf.as_slice()));

    let link = client.platform().get_pdf(&GetPdfRequest::new(&uploaded.s_media_id)).await.expect("get_pdf");
    assert_eq!(link.pdf_url_expire_time, 7200);
    let download = reqwest::get(&link.pdf_url).await.expect("the link answers");
    assert_eq!(download.status().as_u16(), 200);
    assert_eq!(download.headers()[reqwest::header::CONTENT_TYPE], "application/pdf");
    assert_eq!(download.bytes().await.expect("the file").as_ref(), pdf.as_slice());
}

#[tokio::test]
async fn a_media_id_the_mock_never_issued_is_refused_with_getpdfs_code() {
    let (_mock, client) = setup().await;
    let error =
        client.platform().get_pdf(&GetPdfRequest::new("75195574948725301")).await.expect_err("unknown id");
    assert_eq!(error.api_code(), Some(GetPdfErrorCode::InvalidParams), "{error}");
}

#[tokio::test]
async fn a_file_that_is_not_a_pdf_is_refused_with_setpdfs_code() {
    let (mock, client) = setup().await;
    let request = SetPdfRequest::new(UploadFile::new("bill.pdf", b"GIF89a: an image, not a PDF".to_vec()));
    let error = client.platform().set_pdf(&request).await.expect_err("not a PDF");
    assert_eq!(error.api_code(), Some(wechat_card::platform::SetPdfErrorCode::InvoicePdfError), "{error}");
    assert!(mock.media().ids().is_empty());
}
