//! Checking a request against its operation's schema, the way WeChat refuses bodies with
//! 47001 "data format error": the first field that is missing, of the wrong type or outside
//! its limits, named by its JSON path.
//!
//! The check is `wechat_core::shape`'s, the one the generator checks the spec's examples with
//! (so an example the generator accepts is a request the mock accepts), with the mock's
//! policy ([`Options::MOCK_REQUEST`]): strict where the client's decoding is lenient (a
//! number written as a string is refused, because the mock is there to catch requests WeChat
//! may refuse), limits measured as the client's `Check` measures them, fields the schema does
//! not know ignored (as WeChat ignores them), and what a `lenient_in_mock` field lacks a
//! warning rather than a refusal.

use serde_json::Value;
use wechat_core::shape::{self, Options, Problem};

use crate::spec_table::{Field, Operation, Schema};

/// Why a request does not match its schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("[{}] {problem}", if path.is_empty() { "(body)" } else { path })]
pub struct SchemaError {
    /// JSON path of the offending value, e.g. `card_ext.user_card.invoice_user_data.fee`;
    /// empty for the body as a whole.
    pub path: String,
    /// What is wrong, e.g. `expected integer, found string`.
    pub problem: String,
}

impl SchemaError {
    pub(crate) fn new(path: &str, problem: impl Into<String>) -> Self {
        Self { path: path.to_owned(), problem: problem.into() }
    }
}

impl From<Problem> for SchemaError {
    fn from(problem: Problem) -> Self {
        Self { problem: problem.kind.to_string(), path: problem.path }
    }
}

/// What a check let pass only because the spec marks the field `lenient_in_mock`: each a
/// problem the mock would otherwise refuse the request for.
pub type Warnings = Vec<SchemaError>;

/// Checks a JSON request body against the fields of an object, whose named types `types`
/// holds; the problems of lenient fields come back as warnings, the first other problem as
/// the error.
pub fn check_body<'a>(
    types: &Schema<'a>,
    fields: &[Field<'a>],
    body: &Value,
) -> Result<Warnings, SchemaError> {
    settle(shape::check_body(types, fields, &[], body, Options::MOCK_REQUEST))
}

/// Checks a JSON request body against `op`'s request: its fields, then its constants.
pub fn check_request(op: &Operation, body: &Value) -> Result<Warnings, SchemaError> {
    settle(shape::check_body(op.types, op.request, op.fixed_body, body, Options::MOCK_REQUEST))
}

/// Checks a JSON answer (or an object the mock is to answer with) against the fields of an
/// object, as [`check_body`] checks a request except where an answer differs: it may carry
/// what WeChat assigns (`only = "response"`), and may leave out a nullable field, which the
/// client decodes as empty.
pub fn check_answer<'a>(
    types: &Schema<'a>,
    fields: &[Field<'a>],
    answer: &Value,
) -> Result<Warnings, SchemaError> {
    settle(shape::check_body(types, fields, &[], answer, Options::MOCK_ANSWER))
}

/// Checks that a JSON body carries each constant field with its value, e.g. getpdf's
/// `"action": "get_url"`.
pub fn check_constants(constants: &[(&str, &str)], body: &Value) -> Result<(), SchemaError> {
    settle(shape::check_body(&Schema::EMPTY, &[], constants, body, Options::MOCK_REQUEST)).map(drop)
}

/// Checks query parameters (besides `access_token` and the fixed ones) against their fields;
/// lenient fields' problems come back as warnings.
pub fn check_query<'a>(
    types: &Schema<'a>,
    fields: &[Field<'a>],
    query: &[(String, String)],
) -> Result<Warnings, SchemaError> {
    check_texts(types, fields, query, "query.")
}

/// Checks named texts (query parameters, or the text parts of a multipart body) against their
/// fields; `prefix` starts every path in a problem, e.g. `query.`.
pub(crate) fn check_texts<'a>(
    types: &Schema<'a>,
    fields: &[Field<'a>],
    texts: &[(String, String)],
    prefix: &str,
) -> Result<Warnings, SchemaError> {
    settle(shape::check_texts(types, fields, texts, prefix, Options::MOCK_REQUEST))
}

/// The first problem as the error, or the warnings.
fn settle(findings: shape::Findings) -> Result<Warnings, SchemaError> {
    findings
        .first()
        .map(|warnings| warnings.into_iter().map(SchemaError::from).collect())
        .map_err(SchemaError::from)
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use serde_json::json;

    use super::*;
    use crate::spec_table::{NamedType, Ty, TypeId, TypeKind};

    static TYPES: Schema<'static> = Schema::new(&[NamedType {
        name: "Item",
        kind: TypeKind::Object(Cow::Borrowed(&[
            Field { name: "name", ty: Ty::String, required: true, ..Field::PLAIN },
            Field { name: "unit", ty: Ty::String, required: true, lenient: true, ..Field::PLAIN },
        ])),
    }]);
    static FIELDS: &[Field<'static>] = &[
        Field { name: "id", ty: Ty::String, required: true, ..Field::PLAIN },
        Field { name: "buyer", ty: Ty::String, lenient: true, ..Field::PLAIN },
        Field { name: "items", ty: Ty::Array(crate::spec_table::Item::Named(TypeId(0))), ..Field::PLAIN },
    ];

    #[test]
    fn the_first_problem_is_the_error_and_lenient_ones_are_warnings() {
        let check = |body: Value| {
            check_body(&TYPES, FIELDS, &body)
                .map(|w| w.iter().map(ToString::to_string).collect::<Vec<_>>())
                .map_err(|e| e.to_string())
        };
        assert_eq!(check(json!({"id": "a", "buyer": "b", "unknown": 1})), Ok(vec![]));
        assert_eq!(
            check(json!({"id": "a", "items": [{"name": "n"}, {"name": "m", "unit": 3}]})),
            Ok(vec![
                "[buyer] missing".to_owned(),
                "[items[0].unit] missing".to_owned(),
                "[items[1].unit] expected string, found integer".to_owned(),
            ])
        );
        assert_eq!(check(json!([1])), Err("[(body)] expected object, found array".to_owned()));
        assert_eq!(
            check(json!({"buyer": "b", "id": 1})),
            Err("[id] expected string, found integer".to_owned())
        );
    }

    #[test]
    fn constants_must_be_sent_with_their_value() {
        let constants = [("action", "get_url")];
        assert_eq!(check_constants(&constants, &json!({"action": "get_url", "x": 1})), Ok(()));
        let problem = |body: Value| check_constants(&constants, &body).unwrap_err().to_string();
        assert_eq!(problem(json!({"x": 1})), "[action] missing");
        assert_eq!(problem(json!({"action": "get_pdf"})), "[action] expected \"get_url\"");
        assert_eq!(problem(json!({"action": 1})), "[action] expected \"get_url\"");
    }

    #[test]
    fn query_parameters_are_checked_as_text() {
        let fields = [
            Field { name: "type", ty: Ty::U32, required: true, ..Field::PLAIN },
            Field { name: "flag", ty: Ty::Bool, required: false, ..Field::PLAIN },
        ];
        let query = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
        };
        let check = |pairs: &[(&str, &str)]| check_query(&Schema::EMPTY, &fields, &query(pairs));
        assert_eq!(check(&[("type", "1"), ("flag", "true")]), Ok(Vec::new()));
        assert_eq!(check(&[]).unwrap_err().to_string(), "[query.type] missing");
        assert_eq!(
            check(&[("type", "-1")]).unwrap_err().to_string(),
            "[query.type] expected unsigned integer (32-bit)"
        );
        assert!(check(&[("type", "1"), ("flag", "yes")]).is_err());
    }

    #[test]
    fn an_answer_may_carry_what_wechat_assigns() {
        let fields = [Field {
            name: "id",
            ty: Ty::String,
            only: Some(crate::spec_table::Direction::Response),
            ..Field::PLAIN
        }];
        let body = json!({"id": "c1"});
        assert_eq!(check_answer(&Schema::EMPTY, &fields, &body), Ok(Vec::new()));
        assert_eq!(
            check_body(&Schema::EMPTY, &fields, &body).unwrap_err().to_string(),
            "[id] WeChat answers this field; a request must not send it"
        );
    }
}
