//! An endpoint's examples, checked against its request and response.

use crate::diagnostic::Diagnostics;
use crate::examples::{Strictness, TypeLookup, check_object};
use crate::format::{self, Located};
use crate::model::{BodyKind, Example, Field, FixedParam};
use crate::source::{SourceFile, Span};

/// What an example is checked against.
pub(super) struct ExampleShapes<'a> {
    pub(super) body: BodyKind,
    pub(super) request: &'a [Field],
    pub(super) fixed_body: &'a [FixedParam],
    pub(super) response: &'a [Field],
}

pub(super) fn check_example(
    file: &SourceFile,
    example: &format::Example,
    shapes: &ExampleShapes<'_>,
    lookup: &TypeLookup<'_>,
    problems: &mut Diagnostics,
) -> Example {
    let (request, response) = (shapes.request, shapes.response);
    if let Some(text) = &example.request {
        if shapes.body != BodyKind::Json {
            problems.error(file, text.span, "only endpoints with a JSON body can have a request example");
        } else if let Some(value) = parse_json(file, text, problems) {
            let constants: Vec<&str> = shapes.fixed_body.iter().map(|c| c.name.as_str()).collect();
            let mut found = check_object(request, &value, &constants, Strictness::Exact, lookup);
            for constant in shapes.fixed_body {
                if value.get(&constant.name).and_then(serde_json::Value::as_str)
                    != Some(constant.value.as_str())
                {
                    found.push(format!("`{}`: the constant must be \"{}\"", constant.name, constant.value));
                }
            }
            for problem in found {
                problems.error(
                    file,
                    text.span,
                    format!("example request does not match [request]: {problem}"),
                );
            }
        }
    }
    if let Some(text) = &example.response
        && let Some(value) = parse_json(file, text, problems)
    {
        let failed = value.get("errcode").and_then(serde_json::Value::as_i64).is_some_and(|c| c != 0);
        let fields = if failed { &[][..] } else { response };
        for problem in check_object(fields, &value, &["errcode", "errmsg"], Strictness::Lenient, lookup) {
            problems.error(file, text.span, format!("example response does not match [response]: {problem}"));
        }
    }
    Example {
        name: example.name.as_ref().map(|n| n.value.clone()),
        request: example.request.as_ref().map(|r| r.value.clone()),
        response: example.response.as_ref().map(|r| r.value.clone()),
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
