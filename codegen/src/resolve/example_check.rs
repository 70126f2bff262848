//! An endpoint's examples, checked against its request and response.

use crate::diagnostic::Diagnostics;
use crate::examples::{ExampleShapes, describe};
use crate::format::{self, Located};
use crate::model::{BodyKind, Example, ExampleJson, ResponseBody};
use crate::source::{SourceFile, Span};

/// Checks an example: its JSON always; its fields only with `shapes` (given when the
/// endpoint's fields and types resolved without problems, so a mismatch is not an echo of one).
/// Each body is parsed here, once, and kept parsed in the model.
pub(super) fn check_example(
    file: &SourceFile,
    example: &format::Example,
    body: BodyKind,
    response_body: ResponseBody,
    shapes: Option<&ExampleShapes<'_>>,
    problems: &mut Diagnostics,
) -> Example {
    let request = example.request.as_ref().and_then(|text| {
        if body != BodyKind::Json {
            problems.error(file, text.span, "only endpoints with a JSON body can have a request example");
            return None;
        }
        let json = ExampleJson { text: text.value.clone(), value: parse_json(file, text, problems)? };
        if let Some(shapes) = shapes {
            let found = shapes.request_problems(&json.value);
            report(file, text, "example request does not match [request]", &found, problems);
        }
        Some(json)
    });
    let mut response_as_declared = true;
    let response = example.response.as_ref().and_then(|text| {
        // A text answer is anything but a JSON object, which can only be WeChat's error.
        if response_body == ResponseBody::Text && !text.value.trim_start().starts_with('{') {
            let value = serde_json::Value::String(text.value.clone());
            return Some(ExampleJson { text: text.value.clone(), value });
        }
        let json = ExampleJson { text: text.value.clone(), value: parse_json(file, text, problems)? };
        if response_body == ResponseBody::Text && json.is_success() {
            problems.error(
                file,
                text.span,
                "the success example of a text answer is the text itself; a JSON example must be an error (non-zero `errcode`)",
            );
            return None;
        }
        if let Some(shapes) = shapes {
            let found = shapes.response_problems(&json.value, json.is_success());
            report(file, text, "example response does not match [response]", &found, problems);
            response_as_declared = shapes.response_as_declared(&json.value, json.is_success());
        }
        Some(json)
    });
    // `given` names resources, checked with the state model once every resource is known.
    let name = example.name.as_ref().map(|n| n.value.clone());
    Example { name, request, response, response_as_declared, given: Vec::new() }
}

/// Reports each problem of an example at the line of the key it is about.
fn report(
    file: &SourceFile,
    text: &Located<String>,
    what: &str,
    found: &[wechat_core::shape::Problem],
    problems: &mut Diagnostics,
) {
    for problem in found {
        let at = mismatch_offset(file, text, &problem.path);
        problems.error(file, Span { start: at, end: at }, format!("{what}: {}", describe(problem)));
    }
}

/// Parses example JSON; a syntax error is reported at its own line and column in the spec
/// file when the string was written without escapes, at the string otherwise.
pub(super) fn parse_json(
    file: &SourceFile,
    text: &Located<String>,
    problems: &mut Diagnostics,
) -> Option<serde_json::Value> {
    match serde_json::from_str(&text.value) {
        Ok(value) => Some(value),
        Err(error) => {
            let offset =
                json_error_offset(file, text, error.line(), error.column()).unwrap_or(text.span.start);
            problems.error(
                file,
                Span { start: offset, end: offset },
                format!("invalid example JSON: {error}"),
            );
            None
        }
    }
}

pub(super) fn json_error_offset(
    file: &SourceFile,
    text: &Located<String>,
    line: usize,
    column: usize,
) -> Option<usize> {
    let content = &text.value;
    let start = (text.span.start..=text.span.end)
        .find(|&i| file.text.get(i..i + content.len()) == Some(content.as_str()))?;
    let line_start: usize = content.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    Some(start + line_start + column.saturating_sub(1))
}

/// Where in the spec file the value at `path` (`card.gift.title`, `items[1].name`) of an
/// example is written: each key is looked for after the one before it, so the place is found
/// when the example is written without escapes (as the spec's literal strings are); the start
/// of the example otherwise.
pub(super) fn mismatch_offset(file: &SourceFile, text: &Located<String>, path: &str) -> usize {
    let content = &text.value;
    let Some(start) = (text.span.start..=text.span.end)
        .find(|&i| file.text.get(i..i + content.len()) == Some(content.as_str()))
    else {
        return text.span.start;
    };
    let mut at = 0;
    for key in path.split('.').map(|part| part.split('[').next().unwrap_or(part)).filter(|k| !k.is_empty()) {
        let quoted = format!("\"{key}\"");
        match content[at..].find(&quoted) {
            Some(found) => at += found,
            None => break,
        }
    }
    start + at
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_support::{endpoint, get_endpoint, operation, operation_problems, refused};

    const FIELDS: &str =
        "request.id = { type = \"string\", doc = \"Id.\" }\nresponse.n = { type = \"u32\", doc = \"N.\" }\n";

    #[test]
    fn examples_are_parsed_into_the_model_and_an_error_answer_needs_no_fields() {
        let op = operation(&format!(
            r#"{FIELDS}[[examples]]
name = "Ok"
request = '{{"id": "1"}}'
response = '{{"errcode": 0, "errmsg": "ok", "n": 2}}'
[[examples]]
name = "Failure"
response = '{{"errcode": 40001, "errmsg": "invalid credential"}}'
"#
        ));
        let [ok, failure] = &op.examples[..] else { panic!("two examples: {:?}", op.examples) };
        assert_eq!((ok.name.as_deref(), failure.name.as_deref()), (Some("Ok"), Some("Failure")));
        let request = ok.request.as_ref().expect("a request");
        assert_eq!((request.text.as_str(), &request.value), (r#"{"id": "1"}"#, &json!({"id": "1"})));
        assert_eq!(op.success_example().map(|r| &r.value["n"]), Some(&json!(2)));
        assert_eq!(failure.response.as_ref().map(|r| r.is_success()), Some(false));
    }

    #[test]
    fn an_example_is_refused_where_it_does_not_fit() {
        let problems = refused(vec![
            get_endpoint("fetch", "[[examples]]\nrequest = '{}'\n"),
            endpoint(
                "op",
                &format!(
                    "{FIELDS}[[examples]]\nresponse = '{{\"errcode\": 1, \"errmsg\": \"x\", \"n\": 1}}'\n"
                ),
            ),
        ]);
        assert_eq!(
            problems,
            [
                "spec/demo/fetch.toml:8:12: only endpoints with a JSON body can have a request example",
                // An error answer carries `errcode` and `errmsg` only.
                "spec/demo/op.toml:10:43: example response does not match [response]: `n`: not a field of this type \
                 in the spec",
            ]
        );
    }

    #[test]
    fn fields_are_not_checked_against_an_endpoint_with_problems_but_json_is() {
        let problems = operation_problems(
            "request.id = { type = \"Nowhere\", doc = \"Id.\" }\n[[examples]]\nrequest = '{\"other\": 1}'\n\
             response = '{\"n\": '\n",
        );
        assert_eq!(
            problems,
            [
                "spec/demo/op.toml:7:24: unknown type `Nowhere`; expected string, bool, i32, i64, u32, u64, f64, \
                 array, map, json, or a type declared in [types] of this file, in the group's types.toml or in \
                 spec/types.toml",
                "spec/demo/op.toml:10:18: invalid example JSON: EOF while parsing a value at line 1 column 6",
            ]
        );
    }

    /// An endpoint with a required nullable field in its request, its answer and an object of
    /// its answer, and an optional nullable one in its answer.
    const NULLABLE: &str = r#"request.id = { type = "string", doc = "Id." }
request.nick = { type = "string", nullable = true, doc = "Sent as null until set." }
response.bonus = { type = "i64", nullable = true, doc = "Null, or left out." }
response.level = { type = "string", nullable = true, optional = true, doc = "L." }
response.user = { type = "User", doc = "U." }
[types.User]
doc = "U."
fields.name = { type = "string", nullable = true, doc = "N." }
fields.id = { type = "string", nullable = true, only = "response", doc = "Assigned." }
"#;

    #[test]
    fn an_answer_may_leave_out_a_nullable_field_and_a_request_sends_it() {
        // Absent from the answer and from its object: the generated types decode both as
        // empty (`#[serde(default)]`), so the example is one WeChat may send.
        let op = operation(&format!(
            "{NULLABLE}[[examples]]\nrequest = '{{\"id\": \"1\", \"nick\": null}}'\n\
             response = '{{\"errcode\": 0, \"errmsg\": \"ok\", \"user\": {{}}}}'\n\
             [[examples]]\nrequest = '{{\"id\": \"2\", \"nick\": \"n\"}}'\n\
             response = '{{\"errcode\": 0, \"errmsg\": \"ok\", \"bonus\": null, \"user\": {{\"name\": null, \"id\": null}}}}'\n"
        ));
        assert_eq!(op.examples.len(), 2);

        // The client sends a required nullable field, `null` until set: a request example
        // without it would not round-trip through the request type.
        let problems = operation_problems(&format!(
            "{NULLABLE}[[examples]]\nrequest = '{{\"id\": \"1\"}}'\n\
             response = '{{\"errcode\": 0, \"errmsg\": \"ok\", \"user\": {{}}}}'\n"
        ));
        assert_eq!(
            problems,
            [
                "spec/demo/op.toml:17:12: example request does not match [request]: `nick`: missing; a required \
                 nullable field is always sent, `null` until it is set"
            ]
        );
    }

    /// An endpoint whose request and response hold an enum and a limited string.
    const ENUM: &str = r#"request.color = { type = "Color", doc = "C." }
request.code = { type = "string", max_bytes = 4, doc = "A code." }
response.color = { type = "Color", doc = "C." }
[types.Color]
doc = "C."
values = [{ value = "red", doc = "R." }, { value = "blue", doc = "B." }]
"#;

    #[test]
    fn a_request_example_names_listed_values_within_limits_and_a_response_may_not() {
        let op = operation(&format!(
            "{ENUM}[[examples]]\nrequest = '{{\"color\": \"red\", \"code\": \"abcd\"}}'\n\
             response = '{{\"errcode\": 0, \"errmsg\": \"ok\", \"color\": \"green\"}}'\n"
        ));
        assert_eq!(op.examples.len(), 1, "a response keeps a value the spec does not list, as the types do");
        // The mock refuses both, so the generated calls of the examples would fail against it.
        let problems = operation_problems(&format!(
            "{ENUM}[[examples]]\nrequest = '{{\"color\": \"green\", \"code\": \"编码\"}}'\n"
        ));
        assert_eq!(
            problems,
            [
                "spec/demo/op.toml:14:13: example request does not match [request]: `color`: expected one of \"red\", \"blue\"",
                "spec/demo/op.toml:14:31: example request does not match [request]: `code`: is 6 bytes of UTF-8; \
                 WeChat takes at most 4 (a Chinese character is 3)",
            ]
        );
    }
}
