//! `tests/generated/mock_calls.rs` of the client crate: every endpoint called through `Client`
//! against wechat-mock, from the spec alone, through the crate's public API as an application
//! calls it. Each test builds the request from the spec's example, has the mock arrange the
//! state the call needs, checks the decoded answer, then has the mock fail the call with the
//! endpoint's first own error code (a general code when it has none) through the typed
//! helper `mock.on::<Request>().fail(code)`, and checks the client returns exactly that typed
//! variant, which must stand for the spec's number.
//!
//! What the mock does for each operation is the mock's business: the test asks it (arrange,
//! and where its answer comes from) instead of the generator knowing.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::crate_files;
use crate::emit::rust::{ident, integer};
use crate::model::{Operation, Retry, Spec, Ty};

/// The general code injected for endpoints without codes of their own: a code any endpoint
/// may answer, that the client neither retries nor answers by renewing its token.
const GENERAL_FAULT: i64 = 45009;

/// The whole file.
pub(crate) fn file(spec: &Spec) -> TokenStream {
    let general = general_fault(spec);
    let tests = spec.operations().map(|op| endpoint_test(op, general.as_ref()));
    let any_group = crate_files::any_group(spec);
    quote! {
        //! Every endpoint called through `wechat_card::Client` against wechat-mock. The
        //! request comes from the spec's example (the mock's sample where the spec has none),
        //! the mock holds the records its success example's `given` declares and arranges what
        //! the call needs, the decoded answer must equal the example's
        //! (or, where the mock answers from its state, what it sent), and the endpoint's first
        //! own error code, injected with `mock.on::<Request>().fail(code)`, must come back as
        //! its typed variant. The harness is hand-written, in `tests/mock_calls.rs`.

        #any_group

        #[allow(unused_imports)]
        use super::harness::{Harness, code, request};

        #(#tests)*
    }
}

/// The general code to inject, with its variant name.
fn general_fault(spec: &Spec) -> Option<(i64, String)> {
    let never = |code: i64| spec.general_errors.iter().find(|e| e.code == code && e.retry == Retry::Never);
    never(GENERAL_FAULT)
        .or_else(|| spec.general_errors.iter().find(|e| e.retry == Retry::Never))
        .map(|e| (e.code, e.name.clone()))
}

/// One operation's test: seed the mock, arrange and make the call, check the answer, then
/// inject a code and check its typed variant comes back.
fn endpoint_test(op: &Operation, general: Option<&(i64, String)>) -> TokenStream {
    let name = &op.name;
    let key = format!("{}/{}", op.group, op.name);
    let test = ident(&format!("{}_{name}_through_the_mock", op.group));
    let method = ident(name);
    let feature = &op.group;
    let group = ident(&op.group);
    let [request_type, ..] = op.type_names().map(|n| ident(&n));
    let example = match op.examples.iter().find_map(|e| e.request.as_ref().map(|json| json.text.as_str())) {
        Some(json) => quote!(Some(#json)),
        None => quote!(None),
    };
    let (binding, fill) = request_fill(op);
    let answer_check = success_response(op).map(|json| quote!(harness.check(&request, &answer, #json);));
    let fault_check = fault_check(op, general);
    let seed = seed(op);
    // The call goes through the method, which WeChat's deprecation marks `#[deprecated]`.
    let allow = op.deprecated.is_some().then(|| quote!(#[allow(deprecated)]));
    quote! {
        #[cfg(feature = #feature)]
        #[tokio::test]
        #allow
        async fn #test() {
            let harness = Harness::start().await;
            #seed
            let arranged = harness.arrange(#key, #example);
            #binding: ::wechat_card::#group::#request_type = request(&arranged);
            #fill
            let answer = harness.client.#group().#method(&request).await.expect(#key);
            #answer_check
            #fault_check
        }
    }
}

/// How the test binds the request (`let mut` when it fills any field), and the statements
/// filling the required fields the mock's arrangement does not: the query's values the mock
/// expects, and a sample file for each required upload.
fn request_fill(op: &Operation) -> (TokenStream, TokenStream) {
    let query = op.query.iter().filter(|f| f.required).map(|f| {
        let (wire, field) = (&f.wire, ident(&f.ident));
        let value = if f.secret {
            quote!(wechat_core::Secret::new(arranged.query(#wire)))
        } else if f.ty == Ty::String {
            quote!(arranged.query(#wire).to_owned())
        } else {
            quote!(arranged.query(#wire).parse().expect("a sample value"))
        };
        quote!(request.#field = #value;)
    });
    let files = op.files.iter().filter(|f| f.required).map(|f| {
        let (field, content_type) = (ident(&f.ident), &f.content_type);
        quote! {
            let (file_name, bytes) = ::wechat_mock::sample_upload(#content_type);
            request.#field = wechat_core::UploadFile::new(file_name, bytes);
        }
    });
    let binding = if op.query.iter().any(|f| f.required) || op.files.iter().any(|f| f.required) {
        quote!(let mut request)
    } else {
        quote!(let request)
    };
    (binding, quote!(#(#query)* #(#files)*))
}

/// The code the mock answers the call with, and the typed variant the client must return for
/// it: the endpoint's first own code, else the general fault (none when the spec has neither).
fn injected_fault(op: &Operation, general: Option<&(i64, String)>) -> Option<(TokenStream, TokenStream)> {
    let group = ident(&op.group);
    let [.., error_type] = op.type_names().map(|n| ident(&n));
    match (op.errors.first(), general) {
        (Some(own), _) => {
            let variant = ident(&own.name);
            Some((integer(own.code), quote!(::wechat_card::#group::#error_type::#variant)))
        }
        (None, Some((code, variant))) => {
            let variant = ident(variant);
            Some((
                integer(*code),
                quote!(::wechat_card::#group::#error_type::General(::wechat_card::GeneralErrorCode::#variant)),
            ))
        }
        (None, None) => None,
    }
}

/// The call again, failed by the mock with the injected code: the client must return its
/// typed variant.
fn fault_check(op: &Operation, general: Option<&(i64, String)>) -> Option<TokenStream> {
    let (group, method) = (ident(&op.group), ident(&op.name));
    injected_fault(op, general).map(|(code, expected)| {
        quote! {
            let expected = #expected;
            harness.fail(&request, expected, #code);
            let refused = code(harness.client.#group().#method(&request).await);
            assert_eq!(refused, expected);
        }
    })
}

/// Seeds the mock with the records the call's success example declares as `given`, if any.
fn seed(op: &Operation) -> Option<TokenStream> {
    let records = given(op);
    (!records.is_empty()).then(|| {
        let records = crate::emit::state::given(records);
        quote!(harness.seed(#records);)
    })
}

/// The records the mock must hold for the call: the `given` of the first example whose
/// response reports success.
pub(crate) fn given(op: &Operation) -> &[(String, serde_json::Value)] {
    op.examples
        .iter()
        .find(|e| e.response.as_ref().is_some_and(crate::model::ExampleJson::is_success))
        .map_or(&[], |e| &e.given)
}

/// The first example response that reports success (`errcode` 0 or absent), as written.
fn success_response(op: &Operation) -> Option<&str> {
    op.success_example().map(|json| json.text.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::test_support;

    fn spec(errors: &str, endpoint: &str) -> Spec {
        test_support::one_endpoint_spec("demo", errors, None, endpoint)
    }

    const ERRORS: &str = r#"
[[errors]]
code = -1
message = "system error"
name = "SystemBusy"
meaning = "Busy."
retry = "backoff"

[[errors]]
code = 45009
message = "reach max api daily quota limit"
name = "DailyQuotaReached"
meaning = "Quota."
"#;

    const UPLOAD: &str = r#"
name = "upload_it"
interface = "uploadIt"
summary = "Uploads it."
method = "POST"
path = "/demo/upload"
body = "multipart"
auth = { token = "access_token" }
query.key = { type = "string", secret = true, doc = "A key." }
request.pdf = { type = "file", content_type = "application/pdf", max_size = 1024, doc = "The file." }
response.id = { type = "string", doc = "Id." }

[[errors]]
code = 72040
message = "invoice pdf error"
meaning = "Not a PDF."

[[examples]]
response = '{"errcode": 72040, "errmsg": "invoice pdf error"}'

[[examples]]
response = '{"errcode": 0, "errmsg": "ok", "id": "1"}'
"#;

    fn text(spec: &Spec) -> String {
        let text =
            crate::emit::rust::rust_file("mock_calls.rs", file(spec)).unwrap_or_else(|e| panic!("{e}"));
        let squeezed: String = text.split_whitespace().collect();
        squeezed.replace(",}", "}").replace(",)", ")").replace(",>", ">")
    }

    fn squeezed(text: &str) -> String {
        text.split_whitespace().collect()
    }

    #[test]
    fn an_upload_gets_its_file_query_success_example_and_own_code() {
        let text = text(&spec(ERRORS, UPLOAD));
        for expected in [
            "#[cfg(feature = \"demo\")] #[tokio::test] async fn demo_upload_it_through_the_mock()",
            "let arranged = harness.arrange(\"demo/upload_it\", None);",
            "let mut request: ::wechat_card::demo::UploadItRequest = request(&arranged);",
            "request.key = wechat_core::Secret::new(arranged.query(\"key\"));",
            "::wechat_mock::sample_upload(\"application/pdf\");",
            "request.pdf = wechat_core::UploadFile::new(file_name, bytes);",
            "harness.check(&request, &answer, \"{\\\"errcode\\\": 0, \\\"errmsg\\\": \\\"ok\\\", \\\"id\\\": \\\"1\\\"}\");",
            "let expected = ::wechat_card::demo::UploadItErrorCode::InvoicePdfError;",
            "harness.fail(&request, expected, 72040);",
            "let refused = code(harness.client.demo().upload_it(&request).await);",
            "assert_eq!(refused, expected);",
        ] {
            assert!(text.contains(&squeezed(expected)), "missing {expected:?} in\n{text}");
        }
    }

    #[test]
    fn without_own_codes_a_general_code_the_client_does_not_retry_is_injected() {
        let plain = UPLOAD.split("[[errors]]").next().unwrap_or_default().to_owned()
            + "\n[[examples]]\nresponse = '{\"errcode\": 0, \"errmsg\": \"ok\", \"id\": \"1\"}'\n";
        let text = text(&spec(ERRORS, &plain));
        let expected = "let expected = ::wechat_card::demo::UploadItErrorCode::General(\
                        ::wechat_card::GeneralErrorCode::DailyQuotaReached); \
                        harness.fail(&request, expected, 45009); \
                        let refused = code(harness.client.demo().upload_it(&request).await);";
        assert!(text.contains(&squeezed(expected)), "{text}");

        let busy_only = ERRORS.split("[[errors]]\ncode = 45009").next().unwrap_or_default();
        let text = self::text(&spec(busy_only, &plain));
        assert!(!text.contains("harness.fail"), "a retried code would be retried away: {text}");
    }
}
