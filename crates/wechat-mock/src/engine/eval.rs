//! Evaluating the expressions of steps: reads of the request, of records steps named and of
//! the current `each` item, literals, comparisons, logic and the library's functions. An
//! expression never fails: what it cannot read is absent (`None`), and absent compares equal
//! to `null` only.

use std::collections::HashMap;

use serde_json::Value;

use super::library;
use super::path;
use crate::state_model::{BinaryOp, Expr, Literal, Root, Segment};

/// What a step named, for later steps to read.
#[derive(Debug, Clone)]
pub(crate) enum Binding {
    /// One record, as it is now.
    Record(Value),
    /// A list of records (or items) and, for a list, the matches before paging.
    Records { items: Vec<Value>, total: usize, skipped: Vec<Value> },
    /// A number (a count).
    Number(i64),
}

impl Binding {
    /// The binding as one JSON value: a record, a list, a number.
    fn value(&self) -> Value {
        match self {
            Self::Record(record) => record.clone(),
            Self::Records { items, .. } => Value::Array(items.clone()),
            Self::Number(number) => Value::from(*number),
        }
    }
}

/// What expressions can read.
pub(crate) struct Scope<'a> {
    /// The request body and query, or a user action's parameters.
    pub(crate) request: &'a Value,
    /// What steps named so far.
    pub(crate) bindings: &'a HashMap<&'static str, Binding>,
    /// The item of the current `each`.
    pub(crate) item: Option<&'a Value>,
    /// Unix seconds when the call arrived.
    pub(crate) now: i64,
    /// The appid of the account the call is made for.
    pub(crate) appid: &'a str,
}

/// The value of `expr`; `None` when it reads something absent.
pub(crate) fn eval(expr: &Expr, scope: &Scope<'_>) -> Option<Value> {
    match expr {
        Expr::Literal(literal) => Some(literal_value(*literal)),
        Expr::List(items) => {
            Some(Value::Array(items.iter().map(|item| eval(item, scope).unwrap_or(Value::Null)).collect()))
        }
        Expr::Read { root, path } => read(*root, path, scope),
        Expr::Not(inner) => Some(Value::Bool(!truthy(eval(inner, scope).as_ref()))),
        Expr::Binary { op, left, right } => Some(Value::Bool(binary(*op, left, right, scope))),
        Expr::Call { function, args } => {
            let args: Vec<Option<Value>> = args.iter().map(|arg| eval(arg, scope)).collect();
            library::call(*function, &args, library::Context { now: scope.now, appid: scope.appid })
        }
    }
}

fn read(root: Root, path: &[Segment], scope: &Scope<'_>) -> Option<Value> {
    match root {
        Root::Request => path::read(scope.request, path),
        Root::Item => path::read(scope.item?, path),
        Root::Alias(alias) => match (scope.bindings.get(alias)?, path) {
            (Binding::Records { total, .. }, [Segment::Key("total")]) => Some(Value::from(*total)),
            (Binding::Records { skipped, .. }, [Segment::Key("skipped"), rest @ ..]) => {
                path::read(&Value::Array(skipped.clone()), rest)
            }
            (binding, path) => path::read(&binding.value(), path),
        },
    }
}

fn literal_value(literal: Literal) -> Value {
    match literal {
        Literal::Null => Value::Null,
        Literal::Bool(value) => Value::Bool(value),
        Literal::Integer(value) => Value::from(value),
        Literal::Float(value) => Value::from(value),
        Literal::Text(text) => Value::from(text),
    }
}

fn binary(op: BinaryOp, left: &Expr, right: &Expr, scope: &Scope<'_>) -> bool {
    let operand = |expr| eval(expr, scope);
    match op {
        BinaryOp::And => truthy(operand(left).as_ref()) && truthy(operand(right).as_ref()),
        BinaryOp::Or => truthy(operand(left).as_ref()) || truthy(operand(right).as_ref()),
        BinaryOp::Eq => same(operand(left).as_ref(), operand(right).as_ref()),
        BinaryOp::Ne => !same(operand(left).as_ref(), operand(right).as_ref()),
        BinaryOp::In => match operand(right) {
            Some(Value::Array(items)) => {
                let left = operand(left);
                items.iter().any(|item| same(left.as_ref(), Some(item)))
            }
            _ => false,
        },
        BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
            let (Some(a), Some(b)) = (
                operand(left).as_ref().and_then(Value::as_f64),
                operand(right).as_ref().and_then(Value::as_f64),
            ) else {
                return false;
            };
            match op {
                BinaryOp::Lt => a < b,
                BinaryOp::Le => a <= b,
                BinaryOp::Gt => a > b,
                _ => a >= b,
            }
        }
    }
}

/// Whether two values are the same: numbers by value (`1` is `1.0`), absent as `null`.
pub(crate) fn same(left: Option<&Value>, right: Option<&Value>) -> bool {
    let null = Value::Null;
    match (left.unwrap_or(&null), right.unwrap_or(&null)) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (a, b) => a == b,
    }
}

/// Whether a value counts as true: absent, `null`, `false`, `0`, `""` and `[]` do not.
pub(crate) fn truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::Bool(value)) => *value,
        Some(Value::Number(number)) => number.as_f64().is_some_and(|n| n != 0.0),
        Some(Value::String(text)) => !text.is_empty(),
        Some(Value::Array(items)) => !items.is_empty(),
        Some(Value::Object(_)) => true,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::state_model::Segment::{Each, Key};

    fn scope<'a>(request: &'a Value, bindings: &'a HashMap<&'static str, Binding>) -> Scope<'a> {
        Scope { request, bindings, item: None, now: 1_700_000_000, appid: "wx_test" }
    }

    static STATUS: Expr = Expr::Read { root: Root::Alias("code"), path: &[Key("status")] };
    static CONSUMED: Expr = Expr::Literal(Literal::Text("CONSUMED"));
    static CHECK: Expr = Expr::Read { root: Root::Request, path: &[Key("check_consume")] };
    static FALSE: Expr = Expr::Literal(Literal::Bool(false));

    #[test]
    fn reads_and_comparisons() {
        let request = json!({"code": "1", "list": [{"id": "a"}, {"id": "b"}]});
        let mut bindings = HashMap::new();
        bindings.insert("code", Binding::Record(json!({"status": "CONSUMED"})));
        let scope = scope(&request, &bindings);
        let consumed = Expr::Binary { op: BinaryOp::Eq, left: &STATUS, right: &CONSUMED };
        assert_eq!(eval(&consumed, &scope), Some(json!(true)));
        // check_consume was not sent: absent equals null, not false.
        let unchecked = Expr::Binary { op: BinaryOp::Eq, left: &CHECK, right: &FALSE };
        assert_eq!(eval(&unchecked, &scope), Some(json!(false)));
        let ids = Expr::Read { root: Root::Request, path: &[Key("list"), Each, Key("id")] };
        assert_eq!(eval(&ids, &scope), Some(json!(["a", "b"])));
        assert_eq!(eval(&Expr::Not(&CHECK), &scope), Some(json!(true)));
    }

    #[test]
    fn list_bindings_answer_their_total_and_skipped() {
        let request = json!({});
        let mut bindings = HashMap::new();
        bindings.insert(
            "cards",
            Binding::Records { items: vec![json!({"card_id": "a"})], total: 4, skipped: vec![json!("dup")] },
        );
        let scope = scope(&request, &bindings);
        let read = |path: &'static [Segment]| eval(&Expr::Read { root: Root::Alias("cards"), path }, &scope);
        assert_eq!(read(&[Key("total")]), Some(json!(4)));
        assert_eq!(read(&[Key("skipped")]), Some(json!(["dup"])));
        assert_eq!(read(&[Each, Key("card_id")]), Some(json!(["a"])));
    }

    #[test]
    fn truth_and_sameness() {
        assert!(!truthy(None) && !truthy(Some(&json!(0))) && !truthy(Some(&json!(""))));
        assert!(truthy(Some(&json!("x"))));
        assert!(same(Some(&json!(1)), Some(&json!(1.0))) && same(None, Some(&Value::Null)));
    }
}
