//! Push events as OpenAPI 3.1 `webhooks`: one per event, a POST of WeChat's XML to the
//! merchant's or platform's callback URL.
//!
//! The body is described by the shape of the XML: an object whose root element is `<xml>`
//! and whose properties are its child elements by WeChat's names, the header's first, then the
//! element naming the event (a `const`), then the event's own. Every element's text is typed
//! as the SDK reads it; a flag is `0`/`1` (or `true`/`false`). The encrypted mode, in which
//! these elements arrive inside `<Encrypt>`, is said in the description: the document
//! describes the message once decrypted.

use crate::emit::openapi::json::{Json, Object};
use crate::emit::openapi::operation::query_parameter;
use crate::model::{Event, EventField, EventFieldType, Events};

/// The webhooks object: one path item per event, keyed `group.name`.
pub(crate) fn webhooks(events: &Events) -> Object {
    let mut webhooks = Object::new();
    for event in &events.events {
        let key = format!("{}.{}", event.group, event.name);
        webhooks.insert(&key, Object::new().with("post", webhook(events, event, &key)));
    }
    webhooks
}

fn webhook(events: &Events, event: &Event, key: &str) -> Object {
    let mut description = event.doc.clone().unwrap_or_else(|| event.summary.clone());
    description.push_str(
        "\n\nPushed as XML; in safe mode the elements arrive encrypted in `<Encrypt>` and are \
         described here as they read once decrypted. Answer `success` within 5 s, or WeChat \
         pushes it again.",
    );
    let mut media = Object::new().with("schema", message_schema(events, event));
    let mut examples = Object::new();
    for (index, example) in event.examples.iter().enumerate() {
        let mut entry = Object::new();
        entry.insert_some("summary", example.name.as_deref());
        entry.insert("value", &example.xml);
        examples.insert(&format!("example_{}", index + 1), entry);
    }
    if !examples.is_empty() {
        media.insert("examples", examples);
    }
    let answer =
        Object::new().with("description", "`success` (or an empty body): WeChat stops pushing it.").with(
            "content",
            Object::new().with(
                "text/plain",
                Object::new().with("schema", Object::new().with("type", "string").with("const", "success")),
            ),
        );
    let mut operation = Object::new()
        .with("operationId", format!("event.{key}"))
        .with("summary", &event.summary)
        .with("description", description)
        .with("tags", Json::strings([event.group.as_str()]))
        .with("security", Vec::<Json>::new())
        .with("parameters", signing_parameters())
        .with(
            "requestBody",
            Object::new().with("required", true).with("content", Object::new().with("text/xml", media)),
        )
        .with("responses", Object::new().with("200", answer));
    if let Some(header) = events.header(&event.header) {
        operation.insert(
            "x-wechat-event",
            Object::new()
                .with("element", &header.discriminator)
                .with("value", &event.event)
                .with("header", &header.name),
        );
    }
    if !event.notes.is_empty() {
        operation.insert("x-wechat-notes", Json::strings(event.notes.iter().map(String::as_str)));
    }
    operation
}

/// The query WeChat signs a push with: `signature` over the token, `timestamp` and `nonce`;
/// in safe mode also `encrypt_type=aes` and `msg_signature`, which covers the ciphertext too.
fn signing_parameters() -> Vec<Json> {
    let parameter = |name: &str, required: bool, doc: &str| {
        Json::from(query_parameter(name, doc, required, Object::new().with("type", "string")))
    };
    vec![
        parameter("signature", true, "SHA-1 of the sorted token, `timestamp` and `nonce`."),
        parameter("timestamp", true, "Unix seconds when WeChat signed the push."),
        parameter("nonce", true, "A random number."),
        parameter("encrypt_type", false, "`aes` in safe mode: the elements come in `<Encrypt>`."),
        parameter(
            "msg_signature",
            false,
            "Safe mode: SHA-1 of the sorted token, `timestamp`, `nonce` and `<Encrypt>`.",
        ),
    ]
}

/// The message's XML shape.
fn message_schema(events: &Events, event: &Event) -> Object {
    let mut properties = Object::new();
    let mut required = Vec::new();
    let header = events.header(&event.header);
    let header_fields = header.map(|h| h.fields.as_slice()).unwrap_or_default();
    for field in header_fields {
        add_element(&mut properties, &mut required, field);
    }
    if let Some(header) = header {
        properties.insert(
            &header.discriminator,
            Object::new()
                .with("type", "string")
                .with("const", &event.event)
                .with("description", "Names the event."),
        );
        required.push(Json::from(&header.discriminator));
    }
    for field in &event.fields {
        add_element(&mut properties, &mut required, field);
    }
    Object::new()
        .with("type", "object")
        .with("xml", Object::new().with("name", "xml"))
        .with("properties", properties)
        .with("required", required)
}

fn add_element(properties: &mut Object, required: &mut Vec<Json>, field: &EventField) {
    properties.insert(&field.element, element_schema(field));
    if !field.optional {
        required.push(Json::from(&field.element));
    }
}

/// One element: its text's type, its docs, the other names it is read under.
fn element_schema(field: &EventField) -> Object {
    let mut schema = match field.ty {
        EventFieldType::String => Object::new().with("type", "string"),
        EventFieldType::Integer => Object::new().with("type", "integer").with("format", "int64"),
        EventFieldType::Boolean => {
            Object::new().with("enum", vec![Json::Int(0), Json::Int(1), Json::Bool(false), Json::Bool(true)])
        }
    };
    schema.insert("description", &field.doc);
    if field.secret {
        schema.insert("format", "password");
    }
    if !field.aliases.is_empty() {
        schema.insert("x-wechat-aliases", Json::strings(field.aliases.iter().map(String::as_str)));
    }
    schema
}
