//! One endpoint file, resolved into an operation.

use std::collections::HashMap;

use crate::diagnostic::Diagnostics;
use crate::examples::ExampleShapes;
use crate::format::{self, Entries, Located};
use crate::model::*;
use crate::names;
use crate::resolve::errors::{Inherited, resolve_errors};
use crate::resolve::example_check::check_example;
use crate::resolve::fields::{FieldPlace, Resolved, plain_fields, resolve_fields};
use crate::resolve::recursion::break_cycles;
use crate::resolve::scope::Scope;
use crate::resolve::types::resolve_types;
use crate::resolve::unions::{check_flattened, check_types};
use crate::resolve::{DEFAULT_HOST, lookup};
use crate::source::{SourceFile, Span};

/// What an endpoint file is resolved against: its group's and the shared types and codes.
pub(super) struct EndpointContext<'a> {
    pub(super) file: &'a SourceFile,
    pub(super) group: &'a str,
    pub(super) group_names: &'a HashMap<String, Span>,
    pub(super) group_types: &'a [TypeDef],
    pub(super) group_errors: &'a [ErrorCase],
    pub(super) shared_names: &'a HashMap<String, Span>,
    pub(super) shared_types: &'a [TypeDef],
    /// The general codes and the group's, which the file may not declare again.
    pub(super) inherited_codes: &'a [Inherited<'a>],
}

/// The operation `endpoint` declares, or `None` (with every problem reported) when it has
/// problems. Each step checks one concern; the examples are checked last, against an
/// endpoint without problems, so a mismatch is not an echo of one.
pub(super) fn resolve_endpoint(
    cx: &EndpointContext<'_>,
    endpoint: &format::EndpointFile,
    problems: &mut Diagnostics,
) -> Option<Operation> {
    let (file, group) = (cx.file, cx.group);
    let before = problems.0.len();
    check_name(file, &endpoint.name, problems);
    check_path(file, &endpoint.path, problems);
    let method = Method::from(endpoint.method.value);
    let body = body_kind(file, endpoint, method, problems);
    let token = token_kind(file, &endpoint.auth.value, problems);

    let local_names: HashMap<String, Span> =
        endpoint.types.0.iter().map(|(k, _)| (k.value.clone(), k.span)).collect();
    let scope = Scope { local: &local_names, group: Some((group, cx.group_names)), shared: cx.shared_names };
    let own_types = names::operation_types(&endpoint.name.value).to_vec();
    let mut types = resolve_types(file, &endpoint.types, &scope, &TypeScope::Local, &own_types, problems);
    break_cycles(file, &endpoint.types, &mut types, &TypeScope::Local, problems);

    let (fixed_query, query) = resolve_query(file, endpoint, &scope, problems);
    let sent = resolve_request(file, endpoint, &scope, body, problems);
    let (response_body, response) = resolve_response(file, endpoint, &scope, problems);
    check_query_apart_from_body(file, endpoint, &query, &sent, problems);

    let mut errors = resolve_errors(file, &endpoint.errors, cx.inherited_codes, problems);
    errors.extend(cx.group_errors.iter().cloned());

    let lookup = lookup(&types, cx.group_types, cx.shared_types);
    check_types(file, &endpoint.types, &types, &lookup, problems);
    check_flattened(file, &sent.request, &sent.fixed_body, Some(&endpoint.request), &lookup, problems);
    check_flattened(file, &response, &[], Some(&endpoint.response), &lookup, problems);
    let shapes = (problems.0.len() == before && !endpoint.examples.is_empty())
        .then(|| ExampleShapes::new(&sent.request, &sent.fixed_body, &response, &lookup));
    let examples = endpoint
        .examples
        .iter()
        .map(|example| check_example(file, &example.value, body, response_body, shapes.as_ref(), problems))
        .collect();
    drop(shapes);

    let deprecated = endpoint.deprecated.as_ref().map(|d| resolve_deprecation(file, &d.value, problems));
    let auth = &endpoint.auth.value;
    let availability = endpoint.availability.as_ref().map(|a| &a.value);
    let operation = Operation {
        name: endpoint.name.value.clone(),
        type_names: crate::names::operation_types(&endpoint.name.value),
        group: group.to_owned(),
        source: file.path.clone(),
        interface: endpoint.interface.value.clone(),
        summary: endpoint.summary.value.clone(),
        doc: endpoint.doc.as_ref().map(|d| d.value.clone()),
        method,
        host: endpoint.host.as_ref().map_or(DEFAULT_HOST.to_owned(), |h| h.value.clone()),
        path: endpoint.path.value.clone(),
        body,
        response_body,
        token,
        third_party: auth.third_party,
        permission_set: auth.permission_set.as_ref().map(|p| p.value),
        cloud_call: availability.is_some_and(|a| a.cloud_call),
        accounts: availability
            .map(|a| a.accounts.0.iter().map(|(k, v)| (k.value.clone(), v.value.into())).collect())
            .unwrap_or_default(),
        fixed_query,
        query,
        request: sent.request,
        fixed_body: sent.fixed_body,
        files: sent.files,
        response,
        types,
        errors,
        examples,
        notes: endpoint.notes.iter().map(|n| n.value.clone()).collect(),
        deprecated,
        request_checked: false,
    };
    (problems.0.len() == before).then_some(operation)
}

/// The operation's name: a snake_case identifier, and the name of its file, since
/// `spec/<group>/<operation>.toml` is where a maintainer looks for an operation.
fn check_name(file: &SourceFile, name: &Located<String>, problems: &mut Diagnostics) {
    if !names::is_snake(&name.value) {
        problems.error(
            file,
            name.span,
            format!("operation name `{}` must be a snake_case Rust identifier", name.value),
        );
    } else if let Some(stem) = file_stem(&file.path).filter(|stem| *stem != name.value) {
        problems.error(
            file,
            name.span,
            format!(
                "operation `{}` is declared in `{stem}.toml`: name the file `{}.toml` after it",
                name.value, name.value
            ),
        );
    }
}

/// The path: absolute, without a query string, fragment or spaces.
fn check_path(file: &SourceFile, path: &Located<String>, problems: &mut Diagnostics) {
    if !path.value.starts_with('/') || path.value.contains(['?', '#', ' ']) {
        problems.error(
            file,
            path.span,
            "path must start with `/` and hold no query string, fragment or spaces",
        );
    }
}

/// What the request's body is: as written, else none for a GET and JSON for a POST. A GET
/// sends no body, and an endpoint without one has no [request] fields.
fn body_kind(
    file: &SourceFile,
    endpoint: &format::EndpointFile,
    method: Method,
    problems: &mut Diagnostics,
) -> BodyKind {
    let body = endpoint.body.as_ref().map(|b| BodyKind::from(b.value)).unwrap_or(match method {
        Method::Get => BodyKind::None,
        Method::Post => BodyKind::Json,
    });
    if method == Method::Get && body != BodyKind::None {
        problems.error(
            file,
            endpoint.body.as_ref().map_or(endpoint.method.span, |b| b.span),
            "GET endpoints send no body",
        );
    }
    if let (BodyKind::None, Some((key, _))) = (body, endpoint.request.0.first()) {
        problems.error(
            file,
            key.span,
            "this endpoint sends no body, so it can have no [request] fields; use [query]",
        );
    }
    body
}

/// The token the endpoint takes: third parties call only endpoints that take one, and a
/// permission set applies to third parties only.
fn token_kind(file: &SourceFile, auth: &format::Auth, problems: &mut Diagnostics) -> TokenKind {
    let token = TokenKind::from(auth.token.value);
    if token == TokenKind::None && auth.third_party {
        problems.error(
            file,
            auth.token.span,
            "an endpoint that takes no token cannot be called by third parties",
        );
    }
    if let (Some(set), false) = (&auth.permission_set, auth.third_party) {
        problems.error(file, set.span, "`permission_set` only applies with `third_party = true`");
    }
    token
}

/// The [query] parameters: the fixed ones and those the caller gives. `access_token` is the
/// client's to add.
fn resolve_query(
    file: &SourceFile,
    endpoint: &format::EndpointFile,
    scope: &Scope<'_>,
    problems: &mut Diagnostics,
) -> (Vec<FixedParam>, Vec<Field>) {
    let mut entries = Entries::default();
    for (key, field) in &endpoint.query.0 {
        if key.value == "access_token" {
            problems.error(file, key.span, "`access_token` is added by the client; do not declare it");
        } else {
            entries.0.push((key.clone(), field.clone()));
        }
    }
    let (mut fixed, mut query) = (Vec::new(), Vec::new());
    for resolved in resolve_fields(file, &entries, scope, FieldPlace::Query, problems) {
        match resolved {
            Resolved::Field(field) => query.push(field),
            Resolved::Constant(constant) => fixed.push(constant),
            Resolved::File(_) => {}
        }
    }
    (fixed, query)
}

/// What the [request] sends: its fields, its constants and, in a multipart body, its files.
struct Sent {
    request: Vec<Field>,
    fixed_body: Vec<FixedParam>,
    files: Vec<FileField>,
}

/// The [request] fields; a multipart body needs a file among them.
fn resolve_request(
    file: &SourceFile,
    endpoint: &format::EndpointFile,
    scope: &Scope<'_>,
    body: BodyKind,
    problems: &mut Diagnostics,
) -> Sent {
    let multipart = body == BodyKind::Multipart;
    let mut sent = Sent { request: Vec::new(), fixed_body: Vec::new(), files: Vec::new() };
    for resolved in
        resolve_fields(file, &endpoint.request, scope, FieldPlace::Request { multipart }, problems)
    {
        match resolved {
            Resolved::Field(field) => sent.request.push(field),
            Resolved::Constant(constant) => sent.fixed_body.push(constant),
            Resolved::File(part) => sent.files.push(part),
        }
    }
    // Counted as written, so a broken file field does not also report a missing one.
    if multipart && !endpoint.request.0.iter().any(|(_, f)| f.value.ty.value == "file") {
        let span = endpoint.body.as_ref().map_or(endpoint.method.span, |b| b.span);
        problems.error(file, span, "a multipart body needs a [request] field with `type = \"file\"`");
    }
    sent
}

/// How the answer comes, and its [response] fields: an answer of text is one field, `text`.
fn resolve_response(
    file: &SourceFile,
    endpoint: &format::EndpointFile,
    scope: &Scope<'_>,
    problems: &mut Diagnostics,
) -> (ResponseBody, Vec<Field>) {
    let response_body =
        endpoint.response_body.as_ref().map_or(ResponseBody::Json, |r| ResponseBody::from(r.value));
    let response =
        plain_fields(resolve_fields(file, &endpoint.response, scope, FieldPlace::Unsent, problems));
    if response_body != ResponseBody::Text {
        return (response_body, response);
    }
    if let Some((key, _)) = endpoint.response.0.first() {
        problems.error(
            file,
            key.span,
            "an endpoint with `response_body = \"text\"` answers its body as `text`; it can have no [response] fields",
        );
    }
    (response_body, vec![text_field()])
}

/// No query parameter shares its Rust name with a body field or file: both are fields of the
/// request type.
fn check_query_apart_from_body(
    file: &SourceFile,
    endpoint: &format::EndpointFile,
    query: &[Field],
    sent: &Sent,
    problems: &mut Diagnostics,
) {
    let body_idents: Vec<&str> = sent
        .request
        .iter()
        .map(|f| f.ident.as_str())
        .chain(sent.files.iter().map(|f| f.ident.as_str()))
        .collect();
    for field in query.iter().filter(|q| body_idents.contains(&q.ident.as_str())) {
        let span = endpoint
            .query
            .0
            .iter()
            .find(|(k, _)| k.value == field.wire)
            .map_or(Span::default(), |(k, _)| k.span);
        problems.error(file, span, format!("`{}` is both a query parameter and a body field", field.wire));
    }
}

/// The one response field of an endpoint that answers text: the body itself.
fn text_field() -> Field {
    Field {
        wire: "text".to_owned(),
        ident: "text".to_owned(),
        ty: Ty::String,
        required: true,
        doc: "The answer's body, as WeChat sends it.".to_owned(),
        aliases: Vec::new(),
        secret: false,
        number_in_answers: false,
        boxed: false,
        lenient: false,
        flatten: false,
        only: None,
        nullable: false,
        constraints: Limits::NONE,
        checks_inside: false,
        rule: None,
    }
}

/// `deprecated`: the note must say something, and a replacement, when given, too; each
/// becomes the text of `#[deprecated]` and of the docs.
fn resolve_deprecation(
    file: &SourceFile,
    def: &format::Deprecation,
    problems: &mut Diagnostics,
) -> Deprecation {
    if def.note.value.trim().is_empty() {
        problems.error(
            file,
            def.note.span,
            "`note` of `deprecated` is empty; say why WeChat deprecated the endpoint",
        );
    }
    if let Some(replacement) = def.replacement.as_ref().filter(|r| r.value.trim().is_empty()) {
        problems.error(
            file,
            replacement.span,
            "`replacement` of `deprecated` is empty; name what to use instead, or leave the key out",
        );
    }
    Deprecation {
        note: def.note.value.trim().to_owned(),
        replacement: def.replacement.as_ref().map(|r| r.value.trim().to_owned()),
    }
}

/// The name of a spec file without its folder and `.toml`.
fn file_stem(path: &str) -> Option<&str> {
    path.rsplit('/').next()?.strip_suffix(".toml")
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{accepted, endpoint, get_endpoint, operation, refused};
    use crate::SourceFile;
    use crate::model::{Access, BodyKind, Method, TokenKind};
    use crate::resolve::DEFAULT_HOST;

    #[test]
    fn the_body_and_host_default_from_the_method() {
        let post = operation("");
        assert_eq!(
            (post.method, post.body, post.host.as_str()),
            (Method::Post, BodyKind::Json, DEFAULT_HOST)
        );
        assert_eq!((post.group.as_str(), post.source.as_str()), ("demo", "spec/demo/op.toml"));
        assert_eq!(
            (post.path.as_str(), post.token, post.third_party),
            ("/op", TokenKind::AccessToken, false)
        );
        let spec = accepted(vec![get_endpoint("get", "")]);
        let get = spec.operations().next().expect("the GET");
        assert_eq!((get.method, get.body), (Method::Get, BodyKind::None));
    }

    #[test]
    fn every_key_of_the_file_reaches_the_operation() {
        let text = r#"name = "op"
interface = "card/get"
summary = "S."
doc = "D."
method = "POST"
host = "api.mch.weixin.qq.com"
path = "/op"
auth = { token = "access_token", third_party = true, permission_set = 7 }
availability = { cloud_call = true, accounts = { official_account = "yes", mini_program = "apply" } }
notes = ["N."]
deprecated = { note = " Gone,\n  long ago. ", replacement = "`demo/new`." }
[[errors]]
code = 1
message = "own"
meaning = "M."
"#;
        let group_errors = "[[errors]]\ncode = 2\nmessage = \"group\"\nmeaning = \"M.\"\n";
        let spec = accepted(vec![
            SourceFile::new("spec/demo/op.toml", text),
            SourceFile::new("spec/demo/errors.toml", group_errors),
        ]);
        let op = spec.operations().next().expect("the operation");
        assert_eq!((op.interface.as_str(), op.doc.as_deref()), ("card/get", Some("D.")));
        assert_eq!(op.host, "api.mch.weixin.qq.com");
        assert_eq!((op.third_party, op.permission_set, op.cloud_call), (true, Some(7), true));
        assert_eq!(
            op.accounts,
            [("official_account".to_owned(), Access::Yes), ("mini_program".to_owned(), Access::Apply)]
        );
        assert_eq!(op.notes, ["N."]);
        let deprecated = op.deprecated.as_ref().expect("the deprecation");
        assert_eq!(deprecated.text(), "Gone, long ago. Instead: `demo/new`.");
        // Its own codes first, then the group's.
        assert_eq!(op.errors.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), ["Own", "Group"]);
    }

    #[test]
    fn requests_that_cannot_be_sent_as_written_are_refused() {
        let permission = "name = \"perm\"\ninterface = \"i\"\nsummary = \"s\"\nmethod = \"POST\"\npath = \"/perm\"\n\
                          auth = { token = \"access_token\", permission_set = 7 }\n";
        let problems = refused(vec![
            get_endpoint("fetch", "body = \"json\"\n"),
            endpoint(
                "both",
                "[query]\nid = { type = \"string\", doc = \"Id.\" }\n\
                 [request]\nid = { type = \"string\", doc = \"Id.\" }\n",
            ),
            SourceFile::new("spec/demo/perm.toml", permission),
        ]);
        assert_eq!(
            problems,
            [
                "spec/demo/both.toml:8:1: `id` is both a query parameter and a body field",
                "spec/demo/fetch.toml:7:9: GET endpoints send no body",
                "spec/demo/perm.toml:6:51: `permission_set` only applies with `third_party = true`",
            ]
        );
    }
}
