//! The OpenAPI 3.1 document of the whole spec, `docs/openapi.json`: every operation, its
//! schemas, examples and error codes, the push events as `webhooks`, the groups as tags.
//!
//! Operations that share a path and a method and are told apart by a fixed query value
//! (`/card/invoice/setbizattr?action=set_pay_mch`, `?action=get_pay_mch`, ...) cannot each be
//! an operation of `paths`: OpenAPI allows one operation per path and method, and a path key
//! holds no query string. So `paths` holds one operation for the shared path (operationId
//! `group.segment`, e.g. `invoice.setbizattr`) whose fixed query parameter is required and
//! enumerates the values, whose body is `anyOf` the operations' bodies (not `oneOf`: two
//! bodies may both match, since the query value decides, which a schema cannot see) and whose
//! answer is `anyOf` their answers; `x-wechat-operations` maps each value to its operation.
//! Each operation is also written whole, one per spec file, under the document's
//! `x-wechat-paths`, keyed by the path with its query (`/card/invoice/setbizattr?action=set_pay_mch`),
//! the convention AutoRest's `x-ms-paths` set for the same problem. Tools read `paths`; the
//! extension loses nothing the spec says.

mod json;
mod operation;
mod schema;
mod webhooks;

#[cfg(test)]
mod tests;

use crate::emit::{HEADER, OutputFile};
use crate::model::{BodyKind, ErrorCase, Group, Method, Operation, Spec, TypeScope};
use json::{Json, Object};
use operation::{DEFAULT_HOST, method_key, operation_id};
use schema::Place;

/// Where the document is written.
pub const OPENAPI_PATH: &str = "docs/openapi.json";

/// Where the mock's copy is written: it serves it at `GET /__mock/openapi.json`, and a
/// published crate cannot include a file outside its folder.
pub const MOCK_OPENAPI_PATH: &str = "crates/wechat-mock/src/generated/openapi.json";

/// The document and the mock's copy of it.
pub(crate) fn files(spec: &Spec) -> Vec<OutputFile> {
    let contents = document(spec).pretty();
    vec![
        OutputFile { path: OPENAPI_PATH.to_owned(), contents: contents.clone() },
        OutputFile { path: MOCK_OPENAPI_PATH.to_owned(), contents },
    ]
}

/// The whole document.
fn document(spec: &Spec) -> Json {
    let info = Object::new()
        .with("title", "WeChat card and invoice API")
        .with("version", env!("CARGO_PKG_VERSION"))
        .with(
            "description",
            "WeChat's card, invoice and related endpoints as the wechat-card SDK and wechat-mock know them. \
             Every answer is HTTP 200: a JSON `errcode` other than 0 is an error, listed per operation in \
             `x-wechat-errors` and for every operation in the document's `x-wechat-general-errors`.",
        );
    let (paths, query_paths) = paths(spec);
    let mut document = Object::new()
        .with("openapi", "3.1.0")
        .with("x-generated", HEADER)
        .with("info", info)
        .with("servers", vec![Json::from(Object::new().with("url", format!("https://{DEFAULT_HOST}")))])
        .with("security", vec![Json::from(Object::new().with("access_token", Vec::<Json>::new()))])
        .with("tags", spec.groups.iter().map(tag).collect::<Vec<_>>())
        .with("paths", paths);
    if !query_paths.is_empty() {
        document.insert("x-wechat-paths", query_paths);
    }
    if !spec.events.events.is_empty() {
        document.insert("webhooks", webhooks::webhooks(&spec.events));
    }
    document.insert("components", components(spec));
    document.insert("x-wechat-general-errors", operation::errors(&spec.general_errors));
    document.into()
}

/// A group as a tag: its summary and docs, and the cargo feature that builds it.
fn tag(group: &Group) -> Json {
    let mut description = group.summary.clone();
    if let Some(doc) = &group.doc {
        description.push_str("\n\n");
        description.push_str(doc);
    }
    Object::new()
        .with("name", &group.name)
        .with("description", description)
        .with("x-wechat-feature", &group.name)
        .into()
}

/// The operations of one path and method.
struct PathItem<'a> {
    path: &'a str,
    method: Method,
    ops: Vec<&'a Operation>,
}

/// `paths`, and `x-wechat-paths` for the operations that share a path and method (see the
/// module's docs). Paths come in the spec's order (groups, then operations, by name), a
/// shared path where its first operation is.
fn paths(spec: &Spec) -> (Object, Object) {
    let mut by_path: Vec<PathItem<'_>> = Vec::new();
    for op in spec.operations() {
        match by_path.iter_mut().find(|item| item.path == op.path && item.method == op.method) {
            Some(item) => item.ops.push(op),
            None => by_path.push(PathItem { path: &op.path, method: op.method, ops: vec![op] }),
        }
    }
    let mut paths = Object::new();
    let mut query_paths = Object::new();
    for PathItem { path, method, ops } in by_path {
        let operation = match ops.as_slice() {
            [op] => operation::operation(op),
            _ => {
                for op in &ops {
                    let query: Vec<String> =
                        op.fixed_query.iter().map(|p| format!("{}={}", p.name, p.value)).collect();
                    query_paths.insert(
                        &format!("{path}?{}", query.join("&")),
                        Object::new().with(method_key(method), operation::operation(op)),
                    );
                }
                shared_operation(path, &ops)
            }
        };
        let mut item = match paths.get(path) {
            Some(Json::Object(item)) => item.clone(),
            _ => Object::new(),
        };
        item.insert(method_key(method), operation);
        paths.insert(path, item);
    }
    (paths, query_paths)
}

/// The one operation of a path several operations share, told apart by fixed query values.
fn shared_operation(path: &str, ops: &[&Operation]) -> Object {
    let segment = path.rsplit('/').next().unwrap_or(path);
    let group = ops.first().map_or("", |op| op.group.as_str());
    let names: Vec<String> = ops.iter().map(|op| format!("`{}`", operation_id(op))).collect();
    let mut operation = Object::new()
        .with("operationId", format!("{group}.{segment}"))
        .with("summary", format!("One of {} operations, told apart by a query value.", ops.len()))
        .with(
            "description",
            format!(
                "{} share this path; the fixed query value names the one called, and its body and \
                 answer are that operation's. Each is described whole under `x-wechat-paths`.",
                names.join(", ")
            ),
        );
    let mut tags: Vec<&str> = ops.iter().map(|op| op.group.as_str()).collect();
    tags.dedup();
    operation.insert("tags", Json::strings(tags));
    let mut parameters = Vec::new();
    let mut mapping = Vec::new();
    let fixed_names: Vec<&str> = {
        let mut names: Vec<&str> =
            ops.iter().flat_map(|op| op.fixed_query.iter().map(|p| p.name.as_str())).collect();
        names.sort_unstable();
        names.dedup();
        names
    };
    for name in fixed_names {
        let values: Vec<Json> = ops
            .iter()
            .filter_map(|op| op.fixed_query.iter().find(|p| p.name == name).map(|p| Json::from(&p.value)))
            .collect();
        let doc =
            ops.iter().find_map(|op| op.fixed_query.iter().find(|p| p.name == name)).map_or("", |p| &p.doc);
        let schema = Object::new().with("type", "string").with("enum", values);
        parameters.push(Json::from(operation::query_parameter(name, doc, true, schema)));
    }
    for op in ops {
        let mut entry = Object::new().with("operationId", operation_id(op));
        for fixed in &op.fixed_query {
            entry.insert(&fixed.name, &fixed.value);
        }
        mapping.push(Json::from(entry));
    }
    operation.insert("parameters", parameters);
    let requests: Vec<Json> = ops
        .iter()
        .filter(|op| op.body == BodyKind::Json)
        .map(|op| schema::reference(&operation::body_components(op)[0]).into())
        .collect();
    if !requests.is_empty() {
        let media = Object::new().with("schema", Object::new().with("anyOf", requests));
        operation.insert(
            "requestBody",
            Object::new()
                .with("required", true)
                .with("content", Object::new().with("application/json", media)),
        );
    }
    let mut answers: Vec<Json> =
        ops.iter().map(|op| schema::reference(&operation::body_components(op)[1]).into()).collect();
    answers.push(schema::reference(operation::ERROR_COMPONENT).into());
    let media = Object::new().with("schema", Object::new().with("anyOf", answers));
    let answer = Object::new()
        .with("description", "The answer of the operation the query value names, or an error.")
        .with("content", Object::new().with("application/json", media));
    operation.insert("responses", Object::new().with("200", answer));
    // Any of the operations may be the one called, so any of their codes may answer.
    let mut errors: Vec<ErrorCase> = Vec::new();
    for case in ops.iter().flat_map(|op| &op.errors) {
        if errors.iter().all(|known| known.code != case.code) {
            errors.push(case.clone());
        }
    }
    operation.insert("x-wechat-errors", operation::errors(&errors));
    operation.insert("x-wechat-operations", mapping);
    operation
}

/// `components`: the access token as a security scheme and every schema, shared types first,
/// then each group's, then each operation's.
fn components(spec: &Spec) -> Object {
    let mut schemas = Object::new();
    let outside = Place { group: "", operation: None };
    for def in &spec.shared_types {
        for (name, schema) in schema::type_components(def, &TypeScope::Shared, outside) {
            schemas.insert(&name, schema);
        }
    }
    for group in &spec.groups {
        let place = Place { group: &group.name, operation: None };
        for def in &group.types {
            for (name, schema) in schema::type_components(def, &TypeScope::Group(group.name.clone()), place) {
                schemas.insert(&name, schema);
            }
        }
        for op in &group.operations {
            for (name, schema) in operation::components(op) {
                schemas.insert(&name, schema);
            }
        }
    }
    schemas.insert(operation::ERROR_COMPONENT, operation::error_schema());
    let token = Object::new().with("type", "apiKey").with("in", "query").with("name", "access_token").with(
        "description",
        "The account's access token (or an authorizer's, where third parties may call).",
    );
    Object::new().with("securitySchemes", Object::new().with("access_token", token)).with("schemas", schemas)
}
