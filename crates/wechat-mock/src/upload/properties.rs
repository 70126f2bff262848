//! Property tests of the multipart reader: whatever bytes arrive, arbitrary or a valid form
//! mutated, it never panics and answers a form that passed every check or a typed refusal.

use axum::body::Bytes;
use axum::http::{Extensions, HeaderMap, HeaderValue, header};
use proptest::prelude::*;
use proptest::sample::Index;

use super::{Form, FormError, read_form};
use crate::spec_table::{BodyKind, Field, FilePart, Method, Operation, ResponseBody, Schema, TokenUse, Ty};

const MAX_SIZE: u64 = 64;

static UPLOAD: Operation = Operation {
    name: "upload",
    key: "test/upload",
    group: "test",
    interface: "upload",
    summary: "A made-up upload.",
    method: Method::Post,
    host: "api.weixin.qq.com",
    path: "/upload",
    fixed_query: &[],
    query: &[],
    token: TokenUse::AccessToken,
    third_party: false,
    body: BodyKind::Multipart,
    request: &[Field { name: "count", ty: Ty::U32, required: false, ..Field::PLAIN }],
    fixed_body: &[("kind", "invoice")],
    files: &[FilePart {
        name: "pdf",
        content_type: "application/pdf",
        max_size: MAX_SIZE,
        required: true,
        lenient: false,
    }],
    response: &[],
    response_body: ResponseBody::Json,
    types: &Schema::EMPTY,
    errors: &[],
    success_example: None,
};

/// Reads `body` as sent with `content_type` on a fresh single-threaded runtime.
fn read(content_type: &str, body: Vec<u8>) -> Result<Form, FormError> {
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
    runtime.block_on(read_form(&UPLOAD, &headers, &Extensions::new(), Bytes::from(body)))
}

/// What every answer must be: a form that passed the checks, or a refusal with WeChat's codes.
fn assert_typed(outcome: &Result<Form, FormError>) -> Result<(), TestCaseError> {
    match outcome {
        Ok(form) => {
            let pdf = form.files.iter().find(|f| f.name == "pdf");
            prop_assert!(
                pdf.is_some_and(|f| f.bytes.starts_with(b"%PDF-") && f.bytes.len() as u64 <= MAX_SIZE)
            );
            prop_assert_eq!(form.texts.get("kind").and_then(|k| k.as_str()), Some("invoice"));
        }
        Err(FormError::General(refusal)) => {
            prop_assert!(matches!(refusal.code, 44002 | 47001), "code {}", refusal.code);
            if refusal.code == 47001 {
                prop_assert!(refusal.hint.as_deref().is_some_and(|h| h.starts_with('[')), "{refusal:?}");
            }
        }
        Err(FormError::WrongType(problem)) => prop_assert_eq!(problem.path.as_str(), "pdf"),
    }
    Ok(())
}

/// Bytes without `-`, so generated contents never hold a boundary by chance.
fn content(max: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>().prop_map(|b| if b == b'-' { b'+' } else { b }), 0..max)
}

/// A valid form: the constant, maybe a count, maybe an unknown part, and a PDF within its limit.
fn valid_form() -> impl Strategy<Value = Vec<u8>> {
    (
        proptest::option::of(any::<u32>()),
        proptest::option::of(content(32)),
        content(MAX_SIZE as usize - 5),
        any::<bool>(),
    )
        .prop_map(|(count, extra, pdf, pdf_first)| {
            let mut parts: Vec<Vec<u8>> = vec![text_part("kind", b"invoice")];
            if let Some(count) = count {
                parts.push(text_part("count", count.to_string().as_bytes()));
            }
            if let Some(extra) = extra {
                parts.push(text_part("ignored", &extra));
            }
            let mut file = b"--XyZ\r\nContent-Disposition: form-data; name=\"pdf\"; filename=\"a.pdf\"\r\n\
                             Content-Type: application/pdf\r\n\r\n%PDF-"
                .to_vec();
            file.extend_from_slice(&pdf);
            file.extend_from_slice(b"\r\n");
            if pdf_first {
                parts.insert(0, file);
            } else {
                parts.push(file);
            }
            let mut body = parts.concat();
            body.extend_from_slice(b"--XyZ--\r\n");
            body
        })
}

fn text_part(name: &str, value: &[u8]) -> Vec<u8> {
    let mut part = format!("--XyZ\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n").into_bytes();
    part.extend_from_slice(value);
    part.extend_from_slice(b"\r\n");
    part
}

/// One change to a body.
#[derive(Debug, Clone)]
enum Mutation {
    /// A byte replaced.
    Set(Index, u8),
    /// Bytes inserted.
    Insert(Index, Vec<u8>),
    /// A stretch removed.
    Remove(Index, usize),
    /// The body cut short.
    Truncate(Index),
    /// A stretch repeated in place.
    Repeat(Index, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        (any::<Index>(), proptest::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<Index>(), 1..32_usize).prop_map(|(i, n)| Mutation::Remove(i, n)),
        any::<Index>().prop_map(Mutation::Truncate),
        (any::<Index>(), 1..64_usize).prop_map(|(i, n)| Mutation::Repeat(i, n)),
    ]
}

fn apply(body: &mut Vec<u8>, mutation: &Mutation) {
    if body.is_empty() {
        return;
    }
    match mutation {
        Mutation::Set(i, b) => {
            let at = i.index(body.len());
            body[at] = *b;
        }
        Mutation::Insert(i, bytes) => {
            let at = i.index(body.len() + 1);
            body.splice(at..at, bytes.iter().copied());
        }
        Mutation::Remove(i, n) => {
            let at = i.index(body.len());
            body.drain(at..(at + n).min(body.len()));
        }
        Mutation::Truncate(i) => body.truncate(i.index(body.len())),
        Mutation::Repeat(i, n) => {
            let at = i.index(body.len());
            let stretch = body[at..(at + n).min(body.len())].to_vec();
            body.splice(at..at, stretch);
        }
    }
}

/// Content types a sender may put on the body, the right one included.
fn content_type() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just("multipart/form-data; boundary=XyZ".to_owned()),
        1 => Just("multipart/form-data".to_owned()),
        1 => Just("multipart/form-data; boundary=\"XyZ\"; charset=utf-8".to_owned()),
        1 => Just("application/json".to_owned()),
        1 => "multipart/form-data; boundary=[A-Za-z0-9'()+_,./:=?-]{0,80}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn valid_forms_are_read_whole(body in valid_form()) {
        let outcome = read("multipart/form-data; boundary=XyZ", body);
        prop_assert!(outcome.is_ok(), "a valid form was refused: {:?}", outcome.err());
        assert_typed(&outcome)?;
    }

    #[test]
    fn mutated_forms_are_read_or_refused_with_a_typed_error(
        body in valid_form(),
        mutations in proptest::collection::vec(mutation(), 1..6),
        content_type in content_type(),
    ) {
        let mut body = body;
        for mutation in &mutations {
            apply(&mut body, mutation);
        }
        assert_typed(&read(&content_type, body))?;
    }

    #[test]
    fn arbitrary_bytes_are_read_or_refused_with_a_typed_error(
        prefix in prop_oneof![
            Just(Vec::new()),
            Just(b"--XyZ\r\n".to_vec()),
            Just(b"--XyZ\r\nContent-Disposition: form-data; name=\"pdf\"; filename=\"a.pdf\"\r\n".to_vec()),
        ],
        noise in proptest::collection::vec(any::<u8>(), 0..2048),
        content_type in content_type(),
    ) {
        let mut body = prefix;
        body.extend(noise);
        assert_typed(&read(&content_type, body))?;
    }
}
