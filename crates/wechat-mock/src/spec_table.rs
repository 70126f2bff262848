//! The spec table the mock serves: `cargo xtask codegen` writes one static [`Operation`] per
//! endpoint of `spec/` into `generated/operations.rs`, and the server routes, validates and
//! answers from it. Nothing here is kept by hand per endpoint.

use crate::generated::operations::{GENERAL_ERRORS, OPERATIONS, TYPES};
pub use crate::spec_model::{
    BodyKind, Direction, ErrorCase, Field, FilePart, Item, Limits, Method, NamedType, Operation,
    ResponseBody, Rule, Schema, TokenUse, Ty, TypeId, TypeKind, Union, UnionCase,
};

/// Every operation of the spec, as the generator wrote them.
pub fn operations() -> &'static [Operation] {
    OPERATIONS
}

/// Every named type of the spec, which the fields of [`operations`] refer to by [`TypeId`]:
/// `types().get(id)` is the type `Ty::Named(id)` names. Each operation holds it too, as
/// `op.types`, which is what code given an operation (perhaps of a test's own table) should
/// resolve its fields' types in.
pub fn types() -> &'static Schema<'static> {
    &TYPES
}

/// WeChat's general error codes (`spec/errors.toml`), which any endpoint may answer.
pub fn general_errors() -> &'static [ErrorCase] {
    GENERAL_ERRORS
}

/// The operation of the spec named `name`: `group/name` (e.g. `nontax/insert_bill`), or the
/// bare snake_case name (`insert_bill`) when no other group has an operation of that name.
pub fn operation(name: &str) -> Option<&'static Operation> {
    if let Some((group, name)) = name.split_once('/') {
        return OPERATIONS.iter().find(|op| op.group == group && op.name == name);
    }
    let mut found = OPERATIONS.iter().filter(|op| op.name == name);
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// WeChat's message for a general code, e.g. `access_token expired` for 42001.
pub fn general_message(code: i64) -> Option<&'static str> {
    GENERAL_ERRORS.iter().find(|e| e.code == code).map(|e| e.message)
}

/// WeChat's message for `code` answered by `op`: the operation's own and general codes first,
/// then any operation's (a step may answer another resource's `missing` code).
pub fn message_anywhere(op: &Operation, code: i64) -> String {
    op.message(code).map_or_else(|| message_of(code), str::to_owned)
}

/// WeChat's message for `code`: a general code's, else the first operation's that declares it.
pub fn message_of(code: i64) -> String {
    general_message(code)
        .or_else(|| OPERATIONS.iter().flat_map(|op| op.errors).find(|e| e.code == code).map(|e| e.message))
        .unwrap_or("system error")
        .to_owned()
}

impl Operation {
    /// WeChat's message for `code`: the operation's own codes first, then the general ones.
    pub fn message(&self, code: i64) -> Option<&'static str> {
        self.errors.iter().find(|e| e.code == code).map(|e| e.message).or_else(|| general_message(code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_holds_the_spec() {
        let names: Vec<&str> = operations().iter().map(|op| op.name).collect();
        for name in ["get_auth_data", "reject_insert", "insert_bill"] {
            assert!(names.contains(&name), "{names:?}");
        }
        let insert = operation("insert_bill").unwrap();
        assert_eq!((insert.method, insert.path), (Method::Post, "/nontax/insertbill"));
        assert_eq!(insert.message(72042), Some("billing_code and billing_no repeated"));
        assert_eq!(insert.message(42001), Some("access_token expired"));
        assert!(insert.message(123_456).is_none());
        assert!(insert.success_example.is_some_and(|e| e.contains("\"openid\"")));
        assert_eq!(general_message(40066), Some("invalid url"));
    }
}
