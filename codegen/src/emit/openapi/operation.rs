//! One operation of the spec as an OpenAPI operation object, with its request and response
//! components.

use crate::emit::openapi::json::{Json, Object};
use crate::emit::openapi::schema::{self, Place, Travel};
use crate::model::{
    BodyKind, ErrorCase, Example, FixedParam, Method, Operation, ResponseBody, Retry, TokenKind,
};

/// The host WeChat's documentation writes; an operation on another host names its own server.
pub(crate) const DEFAULT_HOST: &str = "api.weixin.qq.com";

/// The media type of a text answer: the one text answer WeChat has (`/nontax/downloadbill`) is
/// a CSV statement, and wechat-mock sends text answers as `text/csv`.
const TEXT_ANSWER: &str = "text/csv";

/// The `operationId`: the group and the operation's name, since names are unique only within
/// their group (`card.create_card`, `platform.create_card`).
pub(crate) fn operation_id(op: &Operation) -> String {
    format!("{}.{}", op.group, op.name)
}

fn place(op: &Operation) -> Place<'_> {
    Place { group: &op.group, operation: Some(&op.name) }
}

/// The component names of the operation's request and response.
pub(crate) fn body_components(op: &Operation) -> [String; 2] {
    let [request, response, _] = op.type_names();
    [format!("{}.{}.{request}", op.group, op.name), format!("{}.{}.{response}", op.group, op.name)]
}

/// The HTTP method, in the lower case OpenAPI's path items use.
pub(crate) fn method_key(method: Method) -> &'static str {
    match method {
        Method::Get => "get",
        Method::Post => "post",
    }
}

/// The operation's components: its local types, its request body (when it sends JSON) and
/// its response.
pub(crate) fn components(op: &Operation) -> Vec<(String, Json)> {
    let mut components: Vec<(String, Json)> = op
        .types
        .iter()
        .flat_map(|def| schema::type_components(def, &crate::model::TypeScope::Local, place(op)))
        .collect();
    let [request, response] = body_components(op);
    if op.body == BodyKind::Json {
        let doc = format!("The body of `{}`.", operation_id(op));
        let mut body = schema::object_schema(&doc, &op.request, place(op), Travel::Request);
        add_constants(&mut body, &op.fixed_body);
        components.push((request, body.into()));
    }
    // `errcode` and `errmsg` first, as WeChat writes them, then the operation's fields.
    let doc = format!("The answer of `{}`.", operation_id(op));
    let fields = schema::object_schema(&doc, &op.response, place(op), Travel::Response);
    let code = Object::new().with("type", "integer");
    let mut properties = envelope(code, "0 (or absent) on success; otherwise an error's code.");
    if let Some(Json::Object(own)) = fields.get("properties") {
        properties.extend(own.clone());
    }
    let mut answer =
        Object::new().with("type", "object").with("description", doc).with("properties", properties);
    for key in ["required", "allOf"] {
        answer.insert_some(key, fields.get(key).cloned());
    }
    components.push((response, answer.into()));
    components
}

/// The component of an error answer.
pub(crate) const ERROR_COMPONENT: &str = "WeChatError";

/// An error answer: a non-zero `errcode` and its `errmsg`.
pub(crate) fn error_schema() -> Object {
    let code = Object::new().with("type", "integer").with("not", Object::new().with("const", 0_i64));
    Object::new()
        .with("type", "object")
        .with("description", "WeChat refused the call: HTTP 200 with a non-zero `errcode`.")
        .with(
            "properties",
            envelope(code, "One of the operation's `x-wechat-errors` or WeChat's general codes."),
        )
        .with("required", Json::strings(["errcode"]))
}

/// The properties `errcode` (of schema `code`, described by `meaning`) and `errmsg`.
fn envelope(code: Object, meaning: &str) -> Object {
    let message = Object::new().with("type", "string").with("description", "WeChat's message for `errcode`.");
    Object::new().with("errcode", code.with("description", meaning)).with("errmsg", message)
}

/// Body fields always sent with the same value: each a required `const`.
fn add_constants(schema: &mut Object, constants: &[FixedParam]) {
    for constant in constants {
        let property = Object::new()
            .with("type", "string")
            .with("const", &constant.value)
            .with("description", &constant.doc);
        schema::add_property(schema, &constant.name, property, true);
    }
}

/// The operation object.
pub(crate) fn operation(op: &Operation) -> Object {
    let mut operation = Object::new()
        .with("operationId", operation_id(op))
        .with("summary", &op.summary)
        .with("description", description(op))
        .with("tags", Json::strings([op.group.as_str()]));
    if op.deprecated.is_some() {
        operation.insert("deprecated", true);
    }
    if op.host != DEFAULT_HOST {
        operation
            .insert("servers", vec![Json::from(Object::new().with("url", format!("https://{}", op.host)))]);
    }
    if op.token == TokenKind::None {
        // The document's default is the access token; the token endpoints take none.
        operation.insert("security", Vec::<Json>::new());
    }
    let parameters = parameters(op);
    if !parameters.is_empty() {
        operation.insert("parameters", parameters);
    }
    operation.insert_some("requestBody", request_body(op));
    operation.insert("responses", Object::new().with("200", response(op)));
    operation.insert("x-wechat-interface", &op.interface);
    let mut third_party = Object::new().with("allowed", op.third_party);
    third_party.insert_some("permission_set", op.permission_set);
    operation.insert("x-wechat-third-party", third_party);
    operation.insert("x-wechat-errors", errors(&op.errors));
    if !op.notes.is_empty() {
        operation.insert("x-wechat-notes", Json::strings(op.notes.iter().map(String::as_str)));
    }
    operation
}

fn description(op: &Operation) -> String {
    let mut text = op.doc.clone().unwrap_or_else(|| op.summary.clone());
    if let Some(deprecation) = &op.deprecated {
        text.push_str("\n\nDeprecated: ");
        text.push_str(&deprecation.text());
    }
    text
}

/// The query parameters besides `access_token`: the fixed ones (a `const`), then the caller's.
fn parameters(op: &Operation) -> Vec<Json> {
    let mut parameters: Vec<Json> = op
        .fixed_query
        .iter()
        .map(|fixed| {
            query_parameter(
                &fixed.name,
                &fixed.doc,
                true,
                Object::new().with("type", "string").with("const", &fixed.value),
            )
            .into()
        })
        .collect();
    for field in &op.query {
        let mut parameter =
            query_parameter(&field.wire, &field.doc, field.required, schema::field_schema(field, place(op)));
        let examples = request_examples(&op.examples, |request| request.get(&field.wire).cloned());
        if !examples.is_empty() {
            parameter.insert("examples", examples);
        }
        parameters.push(parameter.into());
    }
    parameters
}

/// A query parameter.
pub(crate) fn query_parameter(name: &str, doc: &str, required: bool, schema: Object) -> Object {
    Object::new()
        .with("name", name)
        .with("in", "query")
        .with("description", doc)
        .with("required", required)
        .with("schema", schema)
}

fn request_body(op: &Operation) -> Option<Object> {
    let [request, _] = body_components(op);
    let content = match op.body {
        BodyKind::None => return None,
        BodyKind::Json => {
            let mut media = Object::new().with("schema", schema::reference(&request));
            let examples = request_examples(&op.examples, |request| Some(request.clone()));
            if !examples.is_empty() {
                media.insert("examples", examples);
            }
            Object::new().with("application/json", media)
        }
        BodyKind::Multipart => Object::new().with("multipart/form-data", multipart(op)),
    };
    Some(Object::new().with("required", true).with("content", content))
}

/// A `multipart/form-data` body: each file a binary part of its content type (its largest
/// size as `x-wechat-max-size`), the other fields and constants as text parts.
fn multipart(op: &Operation) -> Object {
    let doc = format!("The form of `{}`.", operation_id(op));
    let mut form = schema::object_schema(&doc, &op.request, place(op), Travel::Request);
    add_constants(&mut form, &op.fixed_body);
    let mut encoding = Object::new();
    for file in &op.files {
        let mut part = Object::new()
            .with("type", "string")
            .with("contentMediaType", &file.content_type)
            .with("description", &file.doc)
            .with("x-wechat-max-size", file.max_size);
        if file.lenient {
            part.insert("x-wechat-lenient-in-mock", true);
        }
        schema::add_property(&mut form, &file.wire, part, file.required);
        encoding.insert(&file.wire, Object::new().with("contentType", &file.content_type));
    }
    Object::new().with("schema", form).with("encoding", encoding)
}

/// The answer: JSON (the operation's answer or an error), or text and a JSON error. An example
/// that writes a value in another JSON type than declared (which the client decodes all the
/// same) would not match the schema, so it is kept apart, under `x-wechat-examples-as-decoded`.
fn response(op: &Operation) -> Object {
    let [_, answer] = body_components(op);
    let error = schema::reference(ERROR_COMPONENT);
    // An error answer carries `errcode` and `errmsg` only, so it is the answer's alternative;
    // `anyOf`, since an answer without required fields also matches an error's shape.
    let json_schema = match op.response_body {
        ResponseBody::Json => {
            Object::new().with("anyOf", vec![schema::reference(&answer).into(), error.into()])
        }
        ResponseBody::Text => error,
    };
    let mut json = Object::new().with("schema", json_schema);
    let mut text = Object::new().with("schema", Object::new().with("type", "string"));
    let (mut json_examples, mut text_examples, mut decoded) = (Object::new(), Object::new(), Object::new());
    for (key, example) in example_keys(&op.examples) {
        let Some(response) = &example.response else { continue };
        // A text answer's success example is the text itself; its errors are JSON.
        let is_text = op.response_body == ResponseBody::Text && response.is_success();
        if is_text {
            text_examples.insert(&key, example_object(example, Json::from(&response.text)));
            continue;
        }
        let value = serde_json::from_str(&response.text).unwrap_or_else(|_| Json::from(&response.text));
        if example.response_as_declared {
            json_examples.insert(&key, example_object(example, value));
        } else {
            decoded.insert(&key, example_object(example, value));
        }
    }
    if !decoded.is_empty() {
        json.insert("x-wechat-examples-as-decoded", decoded);
    }
    if !json_examples.is_empty() {
        json.insert("examples", json_examples);
    }
    if !text_examples.is_empty() {
        text.insert("examples", text_examples);
    }
    let (description, content) = match op.response_body {
        ResponseBody::Json => (
            "WeChat's answer: the fields below on success, `errcode` and `errmsg` otherwise.",
            Object::new().with("application/json", json),
        ),
        ResponseBody::Text => (
            "The text itself on success; a JSON `errcode` and `errmsg` otherwise.",
            Object::new().with(TEXT_ANSWER, text).with("application/json", json),
        ),
    };
    Object::new().with("description", description).with("content", content)
}

/// Each example with a key unique in the operation: its name in snake case, or its place.
pub(crate) fn example_keys(examples: &[Example]) -> Vec<(String, &Example)> {
    let mut keys: Vec<(String, &Example)> = Vec::new();
    for (index, example) in examples.iter().enumerate() {
        let mut key = example
            .name
            .as_deref()
            .and_then(crate::names::snake)
            .unwrap_or_else(|| format!("example_{}", index + 1));
        if keys.iter().any(|(taken, _)| *taken == key) {
            key = format!("{key}_{}", index + 1);
        }
        keys.push((key, example));
    }
    keys
}

fn example_object(example: &Example, value: Json) -> Json {
    let mut object = Object::new();
    object.insert_some("summary", example.name.as_deref());
    object.insert("value", value);
    object.into()
}

/// The examples whose request `pick` finds a value in, by key.
fn request_examples(examples: &[Example], pick: impl Fn(&Json) -> Option<Json>) -> Object {
    let mut found = Object::new();
    for (key, example) in example_keys(examples) {
        let Some(request) = &example.request else { continue };
        let Ok(value) = serde_json::from_str::<Json>(&request.text) else { continue };
        if let Some(value) = pick(&value) {
            found.insert(&key, example_object(example, value));
        }
    }
    found
}

/// `x-wechat-errors`: every code the operation may answer besides WeChat's general ones.
pub(crate) fn errors(errors: &[ErrorCase]) -> Vec<Json> {
    errors
        .iter()
        .map(|case| {
            let retry = match case.retry {
                Retry::Never => "never",
                Retry::Backoff => "backoff",
                Retry::RenewToken => "renew_token",
            };
            let mut entry = Object::new()
                .with("code", case.code)
                .with("name", &case.name)
                .with("message", &case.message)
                .with("retryable", case.retry != Retry::Never)
                .with("retry", retry)
                .with("meaning", &case.meaning);
            entry.insert_some("remedy", case.remedy.as_deref());
            entry.into()
        })
        .collect()
}
