//! What the resolve modules' unit tests share: a minimal valid spec folder around the files a
//! test is about, and a spec's problems as the lines a user reads (`path:line:col: message`).

use crate::SourceFile;
use crate::model::{Operation, Spec};

/// `spec/errors.toml` of every test spec: the one general code -1, `SystemBusy`, retried
/// with backoff.
pub(super) const GENERAL_ERRORS: &str = "[[errors]]\ncode = -1\nmessage = \"system error\"\n\
     name = \"SystemBusy\"\nmeaning = \"Busy.\"\nretry = \"backoff\"\n";

/// `spec/groups.toml` of every test spec: the one group `demo`.
pub(super) const GROUPS: &str = "[groups.demo]\nsummary = \"Demo.\"\n";

/// Checks the spec made of `files`, completed with `spec/errors.toml` ([`GENERAL_ERRORS`])
/// and `spec/groups.toml` ([`GROUPS`]) unless `files` holds its own: the model, or every
/// problem as `path:line:col: message`, sorted by place.
pub(super) fn check(files: Vec<SourceFile>) -> Result<Spec, Vec<String>> {
    let mut all: Vec<SourceFile> = [("spec/errors.toml", GENERAL_ERRORS), ("spec/groups.toml", GROUPS)]
        .into_iter()
        .filter(|(path, _)| !files.iter().any(|f| f.path == *path))
        .map(|(path, text)| SourceFile::new(path, text))
        .collect();
    all.extend(files);
    crate::check_spec(&all).map_err(|problems| problems.0.iter().map(ToString::to_string).collect())
}

/// The model of a spec that [`check`] must accept; panics with its problems otherwise.
pub(super) fn accepted(files: Vec<SourceFile>) -> Spec {
    check(files).unwrap_or_else(|problems| panic!("the spec is refused: {problems:#?}"))
}

/// The problems of a spec that [`check`] must refuse; panics otherwise.
pub(super) fn refused(files: Vec<SourceFile>) -> Vec<String> {
    check(files).expect_err("the spec is accepted, but must be refused")
}

/// The endpoint file `spec/demo/{name}.toml`: a POST to `/{name}` that takes the access
/// token, followed by `body`. The head is lines 1 to 6, so `body` starts on line 7.
pub(super) fn endpoint(name: &str, body: &str) -> SourceFile {
    endpoint_with_method(name, "POST", body)
}

/// [`endpoint`] as a GET, whose body defaults to none.
pub(super) fn get_endpoint(name: &str, body: &str) -> SourceFile {
    endpoint_with_method(name, "GET", body)
}

/// The endpoint file [`endpoint`] and [`get_endpoint`] write, with the HTTP `method`.
fn endpoint_with_method(name: &str, method: &str, body: &str) -> SourceFile {
    let text = format!(
        "name = \"{name}\"\ninterface = \"i\"\nsummary = \"s\"\nmethod = \"{method}\"\npath = \"/{name}\"\n\
         auth = {{ token = \"access_token\" }}\n{body}"
    );
    SourceFile::new(format!("spec/demo/{name}.toml"), text)
}

/// The operation of the spec whose one endpoint is `endpoint("op", body)`; panics with the
/// problems if the spec is refused.
pub(super) fn operation(body: &str) -> Operation {
    let spec = accepted(vec![endpoint("op", body)]);
    spec.operations().next().cloned().expect("the endpoint's operation")
}

/// The problems of the spec whose one endpoint is `endpoint("op", body)`, which must be
/// refused.
pub(super) fn operation_problems(body: &str) -> Vec<String> {
    refused(vec![endpoint("op", body)])
}

/// `spec/events.toml` with the one header `account`: the discriminator `<Event>`, a string
/// `<FromUserName>` and an integer `<CreateTime>`, both required.
pub(super) const EVENT_HEADERS: &str = r#"
[headers.account]
doc = "Account events."
discriminator = "Event"
fields.FromUserName = { type = "string", doc = "User." }
fields.CreateTime = { type = "integer", doc = "Time." }
"#;

/// The text of the event `thing_done` (header `account`): `fields` are the lines of its
/// `[fields]` table, from line 6; `xml` is its one example message, on line 8 when `fields`
/// is one line.
pub(super) fn event(fields: &str, xml: &str) -> String {
    format!(
        "name = \"thing_done\"\nevent = \"thing_done\"\nheader = \"account\"\nsummary = \"S.\"\n\
         [fields]\n{fields}\n[[examples]]\nxml = '''{xml}'''\n"
    )
}

/// [`check`] of a spec with [`EVENT_HEADERS`] and the event file `spec/demo/events/thing.toml`
/// holding `text`.
pub(super) fn check_event(text: &str) -> Result<Spec, Vec<String>> {
    check(vec![
        SourceFile::new("spec/events.toml", EVENT_HEADERS),
        SourceFile::new("spec/demo/events/thing.toml", text),
    ])
}
