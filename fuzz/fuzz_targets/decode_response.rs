//! Arbitrary bytes as the answer to every operation, through the decoder the client runs on
//! each answer (errcode and errmsg in the same pass, lenient numbers, unknown enum values
//! kept). It must never panic, and its errors must never show the secret it masks, quote more
//! than the excerpt allows, or be retryable.

#![no_main]

use libfuzzer_sys::fuzz_target;
use wechat_core::{EXCERPT_CHARS, Error, ErrorCode, Operation};
use wechat_card::{invoice, nontax, platform, reimburse, token};

/// The secret the decoder is told to mask; the seeds quote it.
const SECRET: &str = "FUZZ-SECRET-TOKEN";

fuzz_target!(|body: &[u8]| {
    check::<invoice::ClearOutInvoiceRequest>(body);
    check::<invoice::GetAuthDataRequest>(body);
    check::<invoice::GetAuthFieldRequest>(body);
    check::<invoice::GetAuthUrlRequest>(body);
    check::<invoice::GetContactRequest>(body);
    check::<invoice::GetPayMchRequest>(body);
    check::<invoice::GetSelectTitleUrlRequest>(body);
    check::<invoice::GetUserTitleUrlRequest>(body);
    check::<invoice::MakeOutInvoiceRequest>(body);
    check::<invoice::QueryInvoiceInfoRequest>(body);
    check::<invoice::ScanTitleRequest>(body);
    check::<nontax::CreateBillCardRequest>(body);
    check::<nontax::GetBillAuthUrlRequest>(body);
    check::<nontax::InsertBillRequest>(body);
    check::<platform::CreateCardRequest>(body);
    check::<platform::GetPdfRequest>(body);
    check::<platform::GetPlatformUrlRequest>(body);
    check::<platform::InsertInvoiceRequest>(body);
    check::<platform::UpdateStatusRequest>(body);
    check::<reimburse::GetInvoiceBatchRequest>(body);
    check::<reimburse::GetInvoiceInfoRequest>(body);
    check::<reimburse::UpdateStatusBatchRequest>(body);
    check::<token::GetAccessTokenRequest>(body);
    check::<token::GetCardApiTicketRequest>(body);
    check::<token::GetStableAccessTokenRequest>(body);
});

fn check<O: Operation>(body: &[u8]) {
    let Err(error) = wechat_core::fuzzing::decode_answer::<O>(body, &[SECRET]) else { return };
    let shown = format!("{error}\n{error:?}");
    assert!(!shown.contains(SECRET), "{}: the secret leaked: {shown}", O::ENDPOINT.name);
    match &error {
        Error::Decode(decode) => {
            assert!(decode.excerpt.chars().count() <= EXCERPT_CHARS + 1, "{shown}");
            assert!(!error.is_retryable(), "{shown}");
        }
        Error::Api(api) => assert_ne!(api.code.code(), 0, "errcode 0 is success: {shown}"),
        other => {
            panic!("{}: decoding can only fail to decode or carry an errcode: {other:?}", O::ENDPOINT.name)
        }
    }
}
