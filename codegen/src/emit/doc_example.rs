//! The usage example in the docs of each operation's method: the request built as its type
//! is built (`new`, or `builder()` and `build()?` with two or more required fields), with the
//! values of the spec's first request example, the call through the group's handle, and a
//! `match` on the operation's first own error code. Compiled as a doctest (`no_run`: it never
//! reaches WeChat), so an example that stops compiling fails `cargo test --doc`.
//!
//! Scalar values come from the example (or a placeholder named after the field); a required
//! value of a named type, a list of them, a map, JSON or a file is a parameter of the example's
//! function, since building one is the example of that type, not of the call.

use std::fmt::Write;

use serde_json::Value;

use crate::model::{Operation, Ty, TypeScope};

/// A value the request needs, as the example writes it.
enum Given {
    /// A literal written in the call (`"order-1"`, `5`).
    Literal(String),
    /// A parameter of the example's function.
    Parameter(Parameter),
}

/// A parameter's type: as written, and the named type's path it imports, if any.
struct Parameter {
    written: String,
    path: Option<String>,
}

/// One required argument of the request's constructor or builder.
struct Argument {
    ident: String,
    value: Given,
}

/// The `# Example` section of `op`'s method on its group's handle.
pub(crate) fn method_example(op: &Operation) -> String {
    let [request, _, error_code] = op.type_names();
    let example = op.examples.iter().find_map(|e| e.request.as_ref()).map(|json| &json.value);
    let arguments = required_arguments(op, example);
    let group = &op.group;
    let own_code = op.errors.first();
    let mut uses = vec![request.clone()];
    if own_code.is_some() {
        uses.push(error_code.clone());
        uses.sort();
    }
    let mut text = String::from("# Example\n\n```no_run\nuse wechat_card::{Client, Error};\n");
    let _ = writeln!(text, "use wechat_card::{group}::{};", braced(&uses));
    // The parameters' named types are imported, unless two share a name.
    let mut imports: Vec<&str> = Vec::new();
    for argument in &arguments {
        if let Given::Parameter(Parameter { path: Some(path), .. }) = &argument.value
            && !imports.contains(&path.as_str())
        {
            imports.push(path);
        }
    }
    let last = |path: &str| path.rsplit("::").next().unwrap_or(path).to_owned();
    let clash =
        |path: &str| imports.iter().filter(|p| last(p) == last(path)).count() > 1 || last(path) == *request;
    for path in imports.iter().filter(|p| !clash(p)) {
        let _ = writeln!(text, "use {path};");
    }
    let parameters: Vec<String> = arguments
        .iter()
        .filter_map(|a| match &a.value {
            Given::Parameter(Parameter { path: Some(path), written }) if clash(path) => {
                Some(format!("{}: {}", a.ident, written.replace(&last(path), path)))
            }
            Given::Parameter(Parameter { written, .. }) => Some(format!("{}: {written}", a.ident)),
            Given::Literal(_) => None,
        })
        .collect();
    let name = &op.name;
    let one_line = format!(
        "async fn {name}(client: &Client{}) -> Result<(), Error> {{",
        parameters.iter().map(|p| format!(", {p}")).collect::<String>()
    );
    if one_line.len() <= 96 {
        let _ = writeln!(text, "\n{one_line}");
    } else {
        let _ = writeln!(text, "\nasync fn {name}(\n    client: &Client,");
        for parameter in &parameters {
            let _ = writeln!(text, "    {parameter},");
        }
        text.push_str(") -> Result<(), Error> {\n");
    }
    text.push_str(&construction(request, &arguments));
    let call = format!("client.{group}().{}(&request).await", op.name);
    match own_code {
        Some(code) => {
            let _ = writeln!(text, "    match {call} {{");
            text.push_str("        Ok(answer) => println!(\"{answer:?}\"),\n");
            let _ =
                writeln!(text, "        Err(e) if e.api_code() == Some({error_code}::{}) => {{", code.name);
            let _ = writeln!(text, "            // {}: {}", code.code, first_clause(&code.meaning));
            text.push_str("            eprintln!(\"{e}\");\n        }\n");
            text.push_str("        Err(e) => return Err(e.into()),\n    }\n");
        }
        None => {
            let _ = writeln!(text, "    let answer = {call}?;");
            text.push_str("    println!(\"{answer:?}\");\n");
        }
    }
    text.push_str("    Ok(())\n}\n```");
    text
}

/// `A` or `{A, B}`.
fn braced(names: &[String]) -> String {
    match names {
        [one] => one.clone(),
        many => format!("{{{}}}", many.join(", ")),
    }
}

/// `let request = ...;`: `new` with at most one required argument, else the builder.
fn construction(request: &str, arguments: &[Argument]) -> String {
    let value = |a: &Argument| match &a.value {
        Given::Literal(literal) => literal.clone(),
        Given::Parameter(_) => a.ident.clone(),
    };
    match arguments {
        [] => format!("    let request = {request}::new();\n"),
        [one] => format!("    let request = {request}::new({});\n", value(one)),
        many => {
            let mut text = format!("    let request = {request}::builder()\n");
            for argument in many {
                let _ = writeln!(text, "        .{}({})", argument.ident, value(argument));
            }
            text.push_str("        .build()?;\n");
            text
        }
    }
}

/// The request's required arguments in the order its type takes them: query fields, body
/// fields (not those only WeChat answers), files.
fn required_arguments(op: &Operation, example: Option<&Value>) -> Vec<Argument> {
    let fields = op.request_fields().filter(|f| !f.is_option()).map(|f| Argument {
        ident: f.ident.clone(),
        value: value_of(&f.ty, &f.wire, example.and_then(|e| e.get(&f.wire)), op),
    });
    let files = op.files.iter().filter(|f| f.required).map(|f| Argument {
        ident: f.ident.clone(),
        value: Given::Parameter(Parameter {
            written: "UploadFile".to_owned(),
            path: Some("wechat_card::wechat_core::UploadFile".to_owned()),
        }),
    });
    fields.chain(files).collect()
}

/// A scalar as a literal, from the example where it has one of the right type; anything else
/// as a parameter.
fn value_of(ty: &Ty, wire: &str, example: Option<&Value>, op: &Operation) -> Given {
    let literal = match ty {
        Ty::String => {
            Some(serde_json::to_string(example.and_then(Value::as_str).unwrap_or(wire)).unwrap_or_default())
        }
        Ty::Bool => Some(example.and_then(Value::as_bool).unwrap_or(false).to_string()),
        Ty::I32 | Ty::I64 => Some(example.and_then(Value::as_i64).unwrap_or(0).to_string()),
        Ty::U32 | Ty::U64 => Some(example.and_then(Value::as_u64).unwrap_or(0).to_string()),
        Ty::F64 => Some(format!("{:?}", example.and_then(Value::as_f64).unwrap_or(0.0))),
        Ty::Array(_) | Ty::Map(_) | Ty::Json | Ty::Named(_) => None,
    };
    match literal {
        Some(literal) => Given::Literal(literal),
        None => {
            let path = named_path(ty, op);
            let written = type_path(ty, op, path.is_some());
            Given::Parameter(Parameter { written, path })
        }
    }
}

/// The path of the named type `ty` is, or holds as a list's items.
fn named_path(ty: &Ty, op: &Operation) -> Option<String> {
    match ty {
        Ty::Named(_) => Some(type_path(ty, op, false)),
        Ty::Array(item) if matches!(**item, Ty::Named(_)) => Some(type_path(item, op, false)),
        _ => None,
    }
}

/// The type's path as an application names it; a named type by its name alone when
/// `imported`.
fn type_path(ty: &Ty, op: &Operation, imported: bool) -> String {
    match ty {
        Ty::String => "String".to_owned(),
        Ty::Bool => "bool".to_owned(),
        Ty::I32 => "i32".to_owned(),
        Ty::I64 => "i64".to_owned(),
        Ty::U32 => "u32".to_owned(),
        Ty::U64 => "u64".to_owned(),
        Ty::F64 => "f64".to_owned(),
        Ty::Array(item) => format!("Vec<{}>", type_path(item, op, imported)),
        Ty::Map(item) => format!("std::collections::BTreeMap<String, {}>", type_path(item, op, false)),
        Ty::Json => "wechat_card::wechat_core::serde_json::Value".to_owned(),
        Ty::Named(r) if imported => r.name.clone(),
        Ty::Named(r) => match &r.scope {
            TypeScope::Local => format!("wechat_card::{}::{}::{}", op.group, op.name, r.name),
            TypeScope::Group(group) => format!("wechat_card::{group}::types::{}", r.name),
            TypeScope::Shared => format!("wechat_card::types::{}", r.name),
        },
    }
}

/// The first clause of a meaning, for a one-line comment: up to its first `. `, `: `, `; `
/// or ` (`, ending with a full stop.
fn first_clause(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    let end = [". ", ": ", "; ", " ("].iter().filter_map(|stop| line.find(stop)).min().unwrap_or(line.len());
    let clause = line[..end].trim_end_matches(['.', ':', ';']);
    format!("{clause}.")
}

#[cfg(test)]
mod tests {
    use super::method_example;
    use crate::emit::test_support::{SYSTEM_BUSY, one_endpoint_spec};

    const ENDPOINT: &str = r#"
name = "settle_order"
interface = "settleOrder"
summary = "Settles an order."
method = "POST"
path = "/demo/settle"
auth = { token = "access_token" }
request.order_id = { type = "string", doc = "The order." }
request.count = { type = "i64", doc = "How many." }
request.note = { type = "string", optional = true, doc = "A note." }
request.shared = { type = "Shared", doc = "Shared." }
response.id = { type = "string", doc = "Id." }

[[errors]]
code = 72038
message = "invoice order never auth"
name = "OrderNeverAuthorized"
meaning = "The user never authorized the order: send the link again."

[[examples]]
request = '{"order_id": "o-1", "count": 3, "shared": {"n": 1}}'
response = '{"errcode": 0, "errmsg": "ok", "id": "x"}'
"#;

    #[test]
    fn the_example_builds_the_request_from_the_spec_example_and_matches_the_first_own_code() {
        let shared = "[types.Shared]\ndoc = \"Shared.\"\nfields.n = { type = \"u32\", doc = \"N.\" }\n";
        let spec = one_endpoint_spec("demo", SYSTEM_BUSY, Some(shared), ENDPOINT);
        let op = spec.operations().next().expect("one operation");
        let example = method_example(op);
        let expected = r#"# Example

```no_run
use wechat_card::{Client, Error};
use wechat_card::demo::{SettleOrderErrorCode, SettleOrderRequest};
use wechat_card::types::Shared;

async fn settle_order(client: &Client, shared: Shared) -> Result<(), Error> {
    let request = SettleOrderRequest::builder()
        .order_id("o-1")
        .count(3)
        .shared(shared)
        .build()?;
    match client.demo().settle_order(&request).await {
        Ok(answer) => println!("{answer:?}"),
        Err(e) if e.api_code() == Some(SettleOrderErrorCode::OrderNeverAuthorized) => {
            // 72038: The user never authorized the order.
            eprintln!("{e}");
        }
        Err(e) => return Err(e.into()),
    }
    Ok(())
}
```"#;
        assert_eq!(example, expected);
    }
}
