//! Reading a `multipart/form-data` body against its operation's spec, as WeChat refuses
//! uploads: every file part present, not empty, within its `max_size` and of its content type;
//! text parts checked as the request's fields and constants. Parts the spec does not name are
//! ignored, as WeChat ignores unknown fields. Whatever arrives, the answer is a refusal, never
//! a panic.

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{Extensions, HeaderMap};
use serde_json::{Map, Value};

use crate::answer::GeneralError;
use crate::spec_table::{FilePart, Operation};
use crate::validate::{SchemaError, Warnings, check_constants, check_texts};

const DATA_FORMAT_ERROR: i64 = 47001;
const EMPTY_BODY: i64 = 44002;

/// Room for boundaries, part headers and text parts beside the files themselves.
const FORM_OVERHEAD: u64 = 1024 * 1024;

/// The bytes every file of a media type starts with: a file without them is not of its type
/// whatever its part's header says.
pub(crate) const MAGIC: &[(&str, &[u8])] = &[("application/pdf", b"%PDF-")];

/// A file part as received.
#[derive(Clone)]
pub(crate) struct ReceivedFile {
    /// The form field name.
    pub(crate) name: String,
    /// The file name the sender gave, empty if none.
    pub(crate) file_name: String,
    /// The part's content type, empty if none.
    pub(crate) content_type: String,
    /// The file's contents.
    pub(crate) bytes: Bytes,
}

/// A multipart body that passed every check.
pub(crate) struct Form {
    /// The text parts the spec names, as a JSON object of strings.
    pub(crate) texts: Value,
    /// The file parts the spec names.
    pub(crate) files: Vec<ReceivedFile>,
    /// What passed only because the spec marks the part `lenient_in_mock`.
    pub(crate) warnings: Warnings,
}

/// Why a multipart body was refused.
#[derive(Debug)]
pub(crate) enum FormError {
    /// A refusal with a general code: 44002 for an empty body, 47001 naming the part.
    General(GeneralError),
    /// A file that is not of its part's type; answered with the operation's own code for an
    /// invalid file when it has one, else 47001.
    WrongType(SchemaError),
}

/// The largest multipart body `op` accepts: its files' limits and room for the rest.
pub(crate) fn body_limit(op: &Operation) -> usize {
    let files = op.files.iter().map(|f| f.max_size).fold(0, u64::saturating_add);
    usize::try_from(files.saturating_add(FORM_OVERHEAD)).unwrap_or(usize::MAX)
}

/// Parses and checks a multipart body already read into memory; `headers` give its boundary.
pub(crate) async fn read_form(
    op: &Operation,
    headers: &HeaderMap,
    extensions: &Extensions,
    bytes: Bytes,
) -> Result<Form, FormError> {
    if bytes.is_empty() {
        return Err(FormError::General(GeneralError::new(EMPTY_BODY)));
    }
    let mut request = Request::new(Body::from(bytes));
    *request.headers_mut() = headers.clone();
    // The body limit the router set travels in the extensions; the body is within it already.
    *request.extensions_mut() = extensions.clone();
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|_| malformed("expected multipart/form-data with a boundary"))?;
    let (mut texts, mut files) = (Vec::new(), Vec::new());
    loop {
        let part = match multipart.next_field().await {
            Ok(Some(part)) => part,
            Ok(None) => break,
            Err(e) => return Err(malformed(format!("malformed multipart body: {}", e.body_text()))),
        };
        let Some(name) = part.name().map(str::to_owned) else { continue };
        if op.files.iter().any(|f| f.name == name) {
            if files.iter().any(|f: &ReceivedFile| f.name == name) {
                return Err(refusal(&name, "sent more than once"));
            }
            let file_name = part.file_name().unwrap_or_default().to_owned();
            let content_type = part.content_type().unwrap_or_default().to_owned();
            let bytes = part.bytes().await.map_err(|e| refusal(&name, e.body_text()))?;
            files.push(ReceivedFile { name, file_name, content_type, bytes });
        } else if is_text_part(op, &name) {
            let bytes = part.bytes().await.map_err(|e| refusal(&name, e.body_text()))?;
            // Strictly: multer's own text() would replace bad bytes and let them pass.
            let text = String::from_utf8(bytes.to_vec()).map_err(|_| refusal(&name, "not UTF-8 text"))?;
            texts.push((name, text));
        } else {
            // Read past it: an unknown part is ignored, but the parts after it still count.
            part.bytes().await.map_err(|e| refusal(&name, e.body_text()))?;
        }
    }
    let mut warnings = Warnings::new();
    for spec in op.files {
        match files.iter().find(|f| f.name == spec.name) {
            Some(file) => warnings.extend(check_file(spec, file)?),
            None if spec.required => return Err(refusal(spec.name, "missing")),
            None => {}
        }
    }
    warnings.extend(check_texts(op.types, op.request, &texts, "").map_err(general)?);
    let texts = Value::Object(texts.into_iter().map(|(k, v)| (k, Value::String(v))).collect::<Map<_, _>>());
    check_constants(op.fixed_body, &texts).map_err(general)?;
    Ok(Form { texts, files, warnings })
}

fn is_text_part(op: &Operation, name: &str) -> bool {
    op.request.iter().any(|f| f.name == name) || op.fixed_body.iter().any(|(n, _)| *n == name)
}

/// Checks a file by its size, its part's Content-Type and its first bytes; a lenient part's
/// Content-Type is a warning, never a refusal, since the bytes say what the file is.
fn check_file(spec: &FilePart, file: &ReceivedFile) -> Result<Warnings, FormError> {
    let size = file.bytes.len() as u64;
    if size == 0 {
        return Err(refusal(spec.name, "empty file"));
    }
    if size > spec.max_size {
        return Err(refusal(spec.name, format!("{size} bytes, over the limit of {} bytes", spec.max_size)));
    }
    let mut warnings = Warnings::new();
    if !same_media_type(&file.content_type, spec.content_type) {
        let found = if file.content_type.is_empty() { "no content type" } else { &file.content_type };
        let problem = SchemaError::new(spec.name, format!("expected {}, found {found}", spec.content_type));
        if !spec.lenient {
            return Err(FormError::WrongType(problem));
        }
        warnings.push(problem);
    }
    let magic = MAGIC.iter().find(|(media_type, _)| same_media_type(media_type, spec.content_type));
    if let Some((media_type, magic)) = magic
        && !file.bytes.starts_with(magic)
    {
        return Err(FormError::WrongType(SchemaError::new(
            spec.name,
            format!("not a {media_type} file: it does not start with {:?}", String::from_utf8_lossy(magic)),
        )));
    }
    Ok(warnings)
}

/// Whether a part's content type names `expected`, parameters such as `charset` aside.
fn same_media_type(sent: &str, expected: &str) -> bool {
    let essence = sent.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case(expected)
}

fn refusal(part: &str, problem: impl Into<String>) -> FormError {
    general(SchemaError::new(part, problem))
}

fn general(problem: SchemaError) -> FormError {
    FormError::General(GeneralError::hinted(DATA_FORMAT_ERROR, problem.to_string()))
}

fn malformed(problem: impl Into<String>) -> FormError {
    FormError::General(GeneralError::hinted(DATA_FORMAT_ERROR, format!("[(body)] {}", problem.into())))
}

#[cfg(test)]
mod properties;

#[cfg(test)]
mod tests {
    use axum::http::{HeaderValue, header};

    use super::*;
    use crate::spec_table::{BodyKind, Field, Method, ResponseBody, Schema, TokenUse, Ty};

    static UPLOAD: Operation = UPLOAD_OPERATION;

    /// The same upload where WeChat may not read the part's Content-Type.
    static LENIENT_UPLOAD: Operation = Operation {
        files: &[FilePart {
            name: "pdf",
            content_type: "application/pdf",
            max_size: 16,
            required: true,
            lenient: true,
        }],
        ..UPLOAD_OPERATION
    };

    const UPLOAD_OPERATION: Operation = Operation {
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
            max_size: 16,
            required: true,
            lenient: false,
        }],
        response: &[],
        response_body: ResponseBody::Json,
        types: &Schema::EMPTY,
        errors: &[],
        success_example: None,
    };

    struct Part<'a> {
        name: &'a str,
        file: Option<(&'a str, &'a str)>,
        body: &'a [u8],
    }

    fn text<'a>(name: &'a str, body: &'a str) -> Part<'a> {
        Part { name, file: None, body: body.as_bytes() }
    }

    fn pdf(body: &[u8]) -> Part<'_> {
        Part { name: "pdf", file: Some(("a.pdf", "application/pdf")), body }
    }

    fn form(parts: &[Part<'_>]) -> Vec<u8> {
        let mut body = Vec::new();
        for part in parts {
            body.extend_from_slice(b"--XyZ\r\n");
            match part.file {
                Some((file_name, content_type)) => body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{}\"; filename=\"{file_name}\"\r\n\
                         Content-Type: {content_type}\r\n\r\n",
                        part.name
                    )
                    .as_bytes(),
                ),
                None => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{}\"\r\n\r\n", part.name).as_bytes(),
                ),
            }
            body.extend_from_slice(part.body);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b"--XyZ--\r\n");
        body
    }

    async fn read(content_type: &str, body: Vec<u8>) -> Result<Form, String> {
        read_as(&UPLOAD, content_type, body).await
    }

    async fn read_as(op: &Operation, content_type: &str, body: Vec<u8>) -> Result<Form, String> {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_str(content_type).expect("a header value"));
        read_form(op, &headers, &Extensions::new(), Bytes::from(body)).await.map_err(|e| match e {
            FormError::General(g) => format!("{} {}", g.code, g.hint.unwrap_or_default()),
            FormError::WrongType(p) => format!("wrong type {p}"),
        })
    }

    async fn parts(parts: &[Part<'_>]) -> Result<Form, String> {
        read("multipart/form-data; boundary=XyZ", form(parts)).await
    }

    #[tokio::test]
    async fn a_good_form_gives_its_file_and_texts() {
        let form =
            parts(&[text("kind", "invoice"), text("count", "2"), text("other", "x"), pdf(b"%PDF-1.7")])
                .await
                .expect("a good form");
        assert_eq!(form.texts, serde_json::json!({"kind": "invoice", "count": "2"}));
        let file = &form.files[0];
        assert_eq!((file.name.as_str(), file.file_name.as_str()), ("pdf", "a.pdf"));
        assert_eq!((file.content_type.as_str(), &file.bytes[..]), ("application/pdf", &b"%PDF-1.7"[..]));
    }

    #[tokio::test]
    async fn every_problem_is_named() {
        let kind = || text("kind", "invoice");
        let cases: Vec<(Vec<Part<'_>>, &str)> = vec![
            (vec![kind()], "47001 [pdf] missing"),
            (vec![kind(), pdf(b"")], "47001 [pdf] empty file"),
            (vec![kind(), pdf(b"%PDF-and-far-too-long")], "47001 [pdf] 21 bytes, over the limit of 16 bytes"),
            (vec![kind(), pdf(b"%PDF-1"), pdf(b"%PDF-2")], "47001 [pdf] sent more than once"),
            (vec![pdf(b"%PDF-1")], "47001 [kind] missing"),
            (vec![text("kind", "receipt"), pdf(b"%PDF-1")], "47001 [kind] expected \"invoice\""),
            (
                vec![kind(), text("count", "-1"), pdf(b"%PDF-1")],
                "47001 [count] expected unsigned integer (32-bit)",
            ),
            (
                vec![kind(), pdf(b"GIF89a")],
                "wrong type [pdf] not a application/pdf file: it does not start with \"%PDF-\"",
            ),
            (
                vec![kind(), Part { name: "pdf", file: Some(("a.txt", "text/plain")), body: b"%PDF-1" }],
                "wrong type [pdf] expected application/pdf, found text/plain",
            ),
            (
                vec![kind(), Part { name: "pdf", file: None, body: b"%PDF-1" }],
                "wrong type [pdf] expected application/pdf, found no content type",
            ),
        ];
        for (form, expected) in cases {
            assert_eq!(parts(&form).await.err().as_deref(), Some(expected));
        }
        let upper =
            Part { name: "pdf", file: Some(("a.pdf", "Application/PDF; name=a.pdf")), body: b"%PDF-1" };
        assert!(parts(&[kind(), upper]).await.is_ok(), "media types compare without case and parameters");
    }

    #[tokio::test]
    async fn a_lenient_part_is_judged_by_its_bytes_and_its_type_only_warned_about() {
        let lenient = |file: Option<(&'static str, &'static str)>, body: &'static [u8]| async move {
            let form = form(&[text("kind", "invoice"), Part { name: "pdf", file, body }]);
            read_as(&LENIENT_UPLOAD, "multipart/form-data; boundary=XyZ", form)
                .await
                .map(|f| f.warnings.iter().map(ToString::to_string).collect::<Vec<_>>())
        };
        assert_eq!(lenient(Some(("a.pdf", "application/pdf")), b"%PDF-1").await, Ok(vec![]));
        for (file, found) in [
            (None, "no content type"),
            (Some(("a.pdf", "application/octet-stream")), "application/octet-stream"),
            (Some(("a.txt", "text/plain")), "text/plain"),
        ] {
            assert_eq!(
                lenient(file, b"%PDF-1").await,
                Ok(vec![format!("[pdf] expected application/pdf, found {found}")]),
                "{found}"
            );
        }
        assert_eq!(
            lenient(None, b"GIF89a").await.err().as_deref(),
            Some("wrong type [pdf] not a application/pdf file: it does not start with \"%PDF-\""),
            "the bytes still decide"
        );
        assert_eq!(lenient(None, b"").await.err().as_deref(), Some("47001 [pdf] empty file"));
    }

    #[tokio::test]
    async fn garbage_is_refused_not_panicked_on() {
        let refused = |r: Result<Form, String>| r.err().unwrap_or_default();
        assert_eq!(refused(read("multipart/form-data; boundary=XyZ", Vec::new()).await), "44002 ");
        assert!(
            refused(read("application/json", form(&[pdf(b"%PDF-1")])).await)
                .starts_with("47001 [(body)] expected multipart")
        );
        assert!(
            refused(read("multipart/form-data", form(&[pdf(b"%PDF-1")])).await)
                .starts_with("47001 [(body)] expected multipart")
        );
        let mut noise = vec![0xff_u8, 0x00, b'-', b'-'];
        noise.extend((0..=255u8).cycle().take(2048));
        assert!(refused(read("multipart/form-data; boundary=XyZ", noise).await).starts_with("47001 "));
        let mut cut = form(&[text("kind", "invoice"), pdf(b"%PDF-1.7 and more")]);
        cut.truncate(cut.len() - 20);
        assert!(refused(read("multipart/form-data; boundary=XyZ", cut).await).starts_with("47001 "));
        let bad_text = Part { name: "kind", file: None, body: &[0xff, 0xfe] };
        assert_eq!(refused(parts(&[bad_text, pdf(b"%PDF-1")]).await), "47001 [kind] not UTF-8 text");
    }

    #[test]
    fn the_body_limit_leaves_room_beside_the_files() {
        assert_eq!(body_limit(&UPLOAD), 16 + 1024 * 1024);
    }
}
