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
use crate::emit::rust::{cfg_feature, verbatim_item};
use crate::emit::state::write_given;
use crate::emit::table_writer::{Base, Link, Writer};
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
/// inject a code and check its typed variant comes back. Written as text ([`Writer`]): the
/// tests are a fifth of the generated lines and all of one shape.
fn endpoint_test(op: &Operation, general: Option<&(i64, String)>) -> TokenStream {
    verbatim_item(endpoint_test_text(op, general))
}

fn endpoint_test_text(op: &Operation, general: Option<&(i64, String)>) -> String {
    let key = format!("{}/{}", op.group, op.name);
    let [request_type, ..] = op.type_names();
    let example = op.examples.iter().find_map(|e| e.request.as_ref().map(|json| json.text.as_str()));
    let mut w = Writer::new(2048);
    w.attr(&cfg_feature(&op.group));
    w.attr("#[tokio::test]");
    if op.deprecated.is_some() {
        w.attr("#[allow(deprecated)]");
    }
    w.function_item(&format!("async fn {}_{}_through_the_mock", op.group, op.name), &[], None, |w| {
        w.let_statement("harness", |w| {
            w.chain(Base::Call("Harness::start", &|_| {}), &[Link::Await], false);
        });
        let records = given(op);
        if !records.is_empty() {
            let seed = |w: &mut Writer| w.arg(|w| write_given(w, records));
            w.statement(|w| w.chain(Base::Path("harness"), &[Link::Method("seed", &seed)], true));
        }
        let arrange = |w: &mut Writer| {
            w.arg(|w| w.str(&key));
            w.arg(|w| match example {
                Some(json) => w.call("Some", |w| w.arg(|w| w.str(json))),
                None => w.word("None"),
            });
        };
        w.let_statement("arranged", |w| {
            w.chain(Base::Path("harness"), &[Link::Method("arrange", &arrange)], false);
        });
        let binding = if fills_any(op) { "mut request" } else { "request" };
        w.let_statement(&format!("{binding}: ::wechat_card::{}::{request_type}", op.group), |w| {
            w.call("request", |w| w.arg(|w| w.word("&arranged")));
        });
        write_fills(w, op);
        w.let_statement("answer", |w| {
            let expect = |w: &mut Writer| w.arg(|w| w.str(&key));
            let mut links = call_links(op);
            links.push(Link::Method("expect", &expect));
            w.chain(Base::Path("harness"), &links, false);
        });
        if let Some(json) = success_response(op) {
            let check = |w: &mut Writer| {
                w.arg(|w| w.word("&request"));
                w.arg(|w| w.word("&answer"));
                w.arg(|w| w.str(json));
            };
            w.statement(|w| w.chain(Base::Path("harness"), &[Link::Method("check", &check)], true));
        }
        if let Some((code, expected)) = injected_fault(op, general) {
            write_fault_check(w, op, code, &expected);
        }
    });
    w.finish()
}

/// The links of `harness.client.<group>().<operation>(&request).await`.
fn call_links(op: &Operation) -> Vec<Link<'_>> {
    const REQUEST: &dyn Fn(&mut Writer) = &|w: &mut Writer| w.arg(|w| w.word("&request"));
    vec![
        Link::Field("client"),
        Link::Method(&op.group, &|_| {}),
        Link::Method(&op.name, REQUEST),
        Link::Await,
    ]
}

/// Whether the test fills any field the mock's arrangement does not (see [`write_fills`]).
fn fills_any(op: &Operation) -> bool {
    op.query.iter().any(|f| f.required) || op.files.iter().any(|f| f.required)
}

/// The statements filling the required fields the mock's arrangement does not: the query's
/// values the mock expects, and a sample file for each required upload.
fn write_fills(w: &mut Writer, op: &Operation) {
    for f in op.query.iter().filter(|f| f.required) {
        let wire = |w: &mut Writer| w.arg(|w| w.str(&f.wire));
        let query = Link::Method("query", &wire);
        w.statement(|w| {
            w.assign(&format!("request.{}", f.ident), |w| {
                if f.secret {
                    w.call("wechat_core::Secret::new", |w| {
                        w.arg(|w| w.chain(Base::Path("arranged"), &[query], false));
                    });
                } else if f.ty == Ty::String {
                    let links = [query, Link::Method("to_owned", &|_| {})];
                    w.chain(Base::Path("arranged"), &links, false);
                } else {
                    let sample = |w: &mut Writer| w.arg(|w| w.str("a sample value"));
                    let links = [query, Link::Method("parse", &|_| {}), Link::Method("expect", &sample)];
                    w.chain(Base::Path("arranged"), &links, false);
                }
            });
        });
    }
    for f in op.files.iter().filter(|f| f.required) {
        w.let_statement("(file_name, bytes)", |w| {
            w.call("::wechat_mock::sample_upload", |w| w.arg(|w| w.str(&f.content_type)));
        });
        w.statement(|w| {
            w.assign(&format!("request.{}", f.ident), |w| {
                w.call("wechat_core::UploadFile::new", |w| {
                    w.arg(|w| w.word("file_name"));
                    w.arg(|w| w.word("bytes"));
                });
            });
        });
    }
}

/// The code the mock answers the call with, and the typed variant the client must return for
/// it: the endpoint's first own code, else the general fault (none when the spec has neither).
fn injected_fault(op: &Operation, general: Option<&(i64, String)>) -> Option<(i64, Expected)> {
    let [.., error_type] = op.type_names();
    let error_type = format!("::wechat_card::{}::{error_type}", op.group);
    match (op.errors.first(), general) {
        (Some(own), _) => Some((own.code, Expected::Own(format!("{error_type}::{}", own.name)))),
        (None, Some((code, variant))) => Some((
            *code,
            Expected::General(
                format!("{error_type}::General"),
                format!("::wechat_card::GeneralErrorCode::{variant}"),
            ),
        )),
        (None, None) => None,
    }
}

/// The typed variant the client must return for the injected code.
enum Expected {
    /// The operation's own variant: its path.
    Own(String),
    /// `General(..)` of the operation's enum: its path and the general variant's.
    General(String, String),
}

/// The call again, failed by the mock with the injected code: the client must return its
/// typed variant.
fn write_fault_check(w: &mut Writer, op: &Operation, code: i64, expected: &Expected) {
    w.let_statement("expected", |w| match expected {
        Expected::Own(path) => w.word(path),
        Expected::General(path, general) => w.call(path, |w| w.arg(|w| w.word(general))),
    });
    let fail = |w: &mut Writer| {
        w.arg(|w| w.word("&request"));
        w.arg(|w| w.word("expected"));
        w.arg(|w| w.int(code));
    };
    w.statement(|w| w.chain(Base::Path("harness"), &[Link::Method("fail", &fail)], true));
    w.let_statement("refused", |w| {
        w.call("code", |w| w.arg(|w| w.chain(Base::Path("harness"), &call_links(op), false)));
    });
    w.line("assert_eq!(refused, expected);");
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

    #[test]
    fn a_test_is_laid_out_as_prettyplease_lays_it_out() {
        // Names long enough to break every chain, each kind of query fill, a file, and a
        // deprecated endpoint; with its own code and with the general one.
        let long = UPLOAD
            .replace("name = \"upload_it\"", "name = \"upload_a_document_whose_operation_name_is_long_enough\"")
            .replace(
                "query.key = ",
                "deprecated = { note = \"Old.\" }\nquery.a_count_whose_name_is_long_enough_to_break = { type = \"u32\", doc = \"N.\" }\n\
                 query.label = { type = \"string\", doc = \"L.\" }\nquery.key = ",
            );
        let plain = long.split("[[errors]]").next().unwrap_or_default().to_owned();
        for endpoint in [long.as_str(), plain.as_str()] {
            let spec = test_support::one_endpoint_spec("a_group_with_a_long_name", ERRORS, None, endpoint);
            let op = spec.operations().next().expect("one operation");
            let text = endpoint_test_text(op, general_fault(&spec).as_ref());
            assert_eq!(test_support::prettyplease_of(&text), text);
            for expected in [
                "    #[allow(deprecated)]\n",
                "    let refused = code(\n        harness\n            .client\n",
                "        .query(\"a_count_whose_name_is_long_enough_to_break\")\n        .parse()\n",
                "    request.label = arranged.query(\"label\").to_owned();\n",
            ] {
                assert!(text.contains(expected.trim_start_matches("    ")), "{expected:?} in {text}");
            }
        }
    }
}
