//! Spec files that use the multipart, file and constant keys wrongly are answered with
//! `path:line:column: message`, never a panic; and the right use resolves into the model.

use codegen::SourceFile;
use codegen::model::BodyKind;

const ERRORS: &str =
    "[[errors]]\ncode = -1\nmessage = \"system error\"\nname = \"SystemBusy\"\nmeaning = \"busy\"\n";
const GROUPS: &str = "[groups.g]\nsummary = \"A group.\"\n";

/// The head of an endpoint file: 6 lines, so the first line after it is line 7.
fn head(name: &str, path: &str, body: &str) -> String {
    format!(
        "name = \"{name}\"\ninterface = \"i\"\nsummary = \"s\"\nmethod = \"POST\"\npath = \"{path}\"\n\
         auth = {{ token = \"access_token\" }}{body}\n"
    )
}

fn spec(endpoints: &[(&str, String)]) -> Vec<SourceFile> {
    let mut files =
        vec![SourceFile::new("spec/errors.toml", ERRORS), SourceFile::new("spec/groups.toml", GROUPS)];
    files.extend(endpoints.iter().map(|(path, text)| SourceFile::new(*path, text.clone())));
    files
}

fn problems(endpoints: &[(&str, String)]) -> Vec<String> {
    match codegen::check_spec(&spec(endpoints)) {
        Ok(_) => Vec::new(),
        Err(d) => d.0.iter().map(ToString::to_string).collect(),
    }
}

fn one(text: String) -> Vec<String> {
    problems(&[("spec/g/x.toml", text)])
}

#[test]
fn a_file_field_outside_a_multipart_body_is_located() {
    let text = head("x", "/x", "")
        + "[request]\npdf = { type = \"file\", content_type = \"application/pdf\", max_size = 10, doc = \"d\" }\n";
    assert_eq!(
        one(text),
        [
            "spec/g/x.toml:8:17: `type = \"file\"` is only allowed in [request] of an endpoint with `body = \"multipart\"`"
        ]
    );
    let text = head("x", "/x", "\nbody = \"multipart\"")
        + "[request]\npdf = { type = \"file\", content_type = \"application/pdf\", max_size = 10, doc = \"d\" }\n\
           [response]\nback = { type = \"file\", content_type = \"application/pdf\", max_size = 10, doc = \"d\" }\n";
    assert_eq!(
        one(text),
        [
            "spec/g/x.toml:11:18: `type = \"file\"` is only allowed in [request] of an endpoint with `body = \"multipart\"`"
        ]
    );
}

#[test]
fn a_constant_must_be_a_required_string_in_query_or_request() {
    let text = head("x", "/x", "")
        + "[request]\naction = { type = \"i32\", value = \"get_url\", doc = \"d\" }\n\
           mode = { type = \"string\", value = \"m\", optional = true, doc = \"d\" }\n\
           [response]\nkind = { type = \"string\", value = \"k\", doc = \"d\" }\n";
    assert_eq!(
        one(text),
        [
            "spec/g/x.toml:8:20: a constant (a field with `value`) must have `type = \"string\"`",
            "spec/g/x.toml:9:1: a constant (a field with `value`) is always sent; it cannot be `optional`",
            "spec/g/x.toml:11:36: `value` is only allowed on [query] parameters and top-level [request] fields",
        ]
    );
}

#[test]
fn file_keys_are_checked() {
    let text = head("x", "/x", "\nbody = \"multipart\"")
        + "[request]\npdf = { type = \"file\", doc = \"no content type nor size\" }\n\
           doc2 = { type = \"file\", content_type = \"pdf\", max_size = 0, doc = \"d\" }\n\
           name = { type = \"string\", content_type = \"text/plain\", doc = \"d\" }\n\
           meta = { type = \"Meta\", doc = \"d\" }\n\
           [types.Meta]\ndoc = \"d\"\nfields.a = { type = \"string\", doc = \"d\" }\n";
    let got = one(text);
    assert_eq!(
        got,
        [
            "spec/g/x.toml:9:1: a `file` field needs `content_type`, e.g. `application/pdf`",
            "spec/g/x.toml:9:1: a `file` field needs `max_size`, in bytes",
            "spec/g/x.toml:10:41: `pdf` is not a media type such as `application/pdf`",
            "spec/g/x.toml:10:58: `max_size` must be a positive number of bytes",
            "spec/g/x.toml:11:43: `content_type` is only allowed with `type = \"file\"`",
            "spec/g/x.toml:12:18: the text fields of a multipart body must be strings, booleans or numbers",
        ],
        "{got:#?}"
    );
}

#[test]
fn a_multipart_body_needs_a_file() {
    let text =
        head("x", "/x", "\nbody = \"multipart\"") + "[request]\nnote = { type = \"string\", doc = \"d\" }\n";
    assert_eq!(
        one(text),
        ["spec/g/x.toml:7:9: a multipart body needs a [request] field with `type = \"file\"`"]
    );
}

#[test]
fn request_examples_must_carry_the_constants() {
    let text = head("x", "/x", "")
        + "[request]\naction = { type = \"string\", value = \"get_url\", doc = \"d\" }\n\
           id = { type = \"string\", doc = \"d\" }\n\
           [[examples]]\nrequest = '{\"id\": \"1\"}'\n\
           [[examples]]\nrequest = '{\"id\": \"1\", \"action\": \"other\"}'\n";
    assert_eq!(
        one(text),
        [
            "spec/g/x.toml:11:12: example request does not match [request]: `action`: missing",
            "spec/g/x.toml:13:24: example request does not match [request]: `action`: expected \"get_url\"",
        ]
    );
}

#[test]
fn two_endpoints_with_the_same_request_line_are_refused() {
    let a = head("set_a", "/card/invoice/setbizattr", "")
        + "[query]\naction = { type = \"string\", value = \"a\", doc = \"d\" }\n";
    let b = head("set_b", "/card/invoice/setbizattr", "")
        + "[query]\naction = { type = \"string\", value = \"b\", doc = \"d\" }\n";
    let c = head("set_c", "/card/invoice/setbizattr", "")
        + "[query]\naction = { type = \"string\", value = \"a\", doc = \"d\" }\n";
    let got = problems(&[("spec/g/set_a.toml", a), ("spec/g/set_b.toml", b), ("spec/g/set_c.toml", c)]);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert!(
        got[0].starts_with("spec/g/set_c.toml:5:9: operation `set_c` sends the same request as `set_a` (first defined at spec/g/set_a.toml:1:9)"),
        "{got:#?}"
    );
}

#[test]
fn multipart_files_and_constants_resolve_into_the_model() {
    let upload = head("upload", "/up", "\nbody = \"multipart\"")
        + "[query]\naction = { type = \"string\", value = \"put\", doc = \"d\" }\n\
           [request]\npdf = { type = \"file\", content_type = \"application/pdf\", max_size = 2048, doc = \"The PDF.\" }\n\
           kind = { type = \"string\", value = \"invoice\", doc = \"d\" }\n\
           note = { type = \"string\", optional = true, doc = \"d\" }\n";
    let fetch = head("fetch", "/fetch", "")
        + "[request]\naction = { type = \"string\", value = \"get_url\", doc = \"d\" }\n";
    let files = spec(&[("spec/g/upload.toml", upload), ("spec/g/fetch.toml", fetch)]);
    let spec = codegen::check_spec(&files).unwrap_or_else(|d| panic!("{d}"));
    let ops: Vec<_> = spec.operations().collect();
    let upload = ops.iter().find(|o| o.name == "upload").expect("upload");
    assert_eq!(upload.body, BodyKind::Multipart);
    assert_eq!(upload.fixed_query[0].value, "put");
    assert_eq!(upload.files.len(), 1);
    let file = &upload.files[0];
    assert_eq!(
        (file.wire.as_str(), file.content_type.as_str(), file.max_size),
        ("pdf", "application/pdf", 2048)
    );
    assert_eq!(upload.fixed_body[0].name, "kind");
    assert_eq!(upload.request.iter().map(|f| f.wire.as_str()).collect::<Vec<_>>(), ["note"]);
    let fetch = ops.iter().find(|o| o.name == "fetch").expect("fetch");
    assert_eq!(fetch.fixed_body[0].value, "get_url");
    assert!(fetch.request.is_empty());
    // And the generator turns them into Rust (it parses every file it emits).
    let outputs = codegen::generate(&files).unwrap_or_else(|e| panic!("{e}"));
    let module = |name: &str| {
        let path = format!("{}/g/{name}.rs", codegen::emit::GENERATED_DIR);
        outputs.iter().find(|o| o.path == path).map(|o| o.contents.clone()).expect("module")
    };
    let upload = module("upload");
    assert!(upload.contains(r#"form = form.file("pdf", &self.pdf, "application/pdf", 2048);"#), "{upload}");
    assert!(upload.contains(r#"form = form.text("kind", "invoice");"#), "{upload}");
    assert!(upload.contains("pub pdf: ::wechat_core::UploadFile,"), "{upload}");
    let fetch = module("fetch");
    // Read back only as its value (formatting aside).
    let flat = fetch.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(r#"fields::Constant { name: "action", value: "get_url", }"#), "{fetch}");
}

#[test]
fn only_strings_can_be_secret() {
    let text = head("x", "/x", "")
        + "[request]\npin = { type = \"i64\", secret = true, doc = \"d\" }\n\
           grant = { type = \"string\", value = \"client_credential\", secret = true, doc = \"d\" }\n\
           key = { type = \"string\", secret = true, doc = \"d\" }\n";
    assert_eq!(
        one(text),
        [
            "spec/g/x.toml:8:17: `secret = true` is only allowed with `type = \"string\"`",
            "spec/g/x.toml:9:1: a constant (a field with `value`) is written in the spec; it cannot be `secret`",
        ]
    );
}

#[test]
fn only_answered_strings_can_be_numbers_in_answers() {
    let text = head("x", "/x", "")
        + "[request]\nid = { type = \"string\", number_in_answers = true, doc = \"d\" }\n\
           [response]\ncount = { type = \"i64\", number_in_answers = true, doc = \"d\" }\n\
           reward = { type = \"string\", number_in_answers = true, doc = \"d\" }\n\
           [types.Ledger]\ndoc = \"d\"\n\
           fields.sent = { type = \"string\", only = \"request\", optional = true, number_in_answers = true, doc = \"d\" }\n\
           fields.kept = { type = \"string\", number_in_answers = true, doc = \"d\" }\n";
    let refused = "`number_in_answers = true` is only allowed on a `type = \"string\"` field WeChat answers \
                   (not a [query] or top-level [request] field, not `only = \"request\"`)";
    let problems = one(text);
    let lines: Vec<&str> = problems.iter().map(|p| p.split_once(": ").map_or("", |(at, _)| at)).collect();
    assert_eq!(lines, ["spec/g/x.toml:8:16", "spec/g/x.toml:10:19", "spec/g/x.toml:14:25"], "{problems:#?}");
    assert!(problems.iter().all(|p| p.ends_with(refused)), "{problems:#?}");
}
