//! The mappings from the model to OpenAPI that a snapshot shows but does not explain: unions,
//! limits, requiredness by direction, open enums, multipart bodies and shared paths.

use super::document;
use super::json::Json;
use crate::SourceFile;

/// The document of a spec of one group `demo` (and one general code) holding `files`.
fn document_of(mut files: Vec<SourceFile>) -> Json {
    files.push(SourceFile::new("spec/groups.toml", "[groups.demo]\nsummary = \"Demo.\"\n"));
    let errors =
        "[[errors]]\ncode = -1\nmessage = \"system error\"\nname = \"SystemBusy\"\nmeaning = \"Busy.\"\n";
    files.push(SourceFile::new("spec/errors.toml", errors));
    document(&crate::check_spec(&files).unwrap_or_else(|e| panic!("{e}")))
}

/// The endpoint file `spec/demo/{name}.toml`: a POST to `/{name}` that takes the access
/// token, and `body`.
fn endpoint(name: &str, body: &str) -> SourceFile {
    endpoint_on(&format!("/{name}"), name, body)
}

/// [`endpoint`] on another path.
fn endpoint_on(path: &str, name: &str, body: &str) -> SourceFile {
    let head = format!(
        "name = \"{name}\"\ninterface = \"i\"\nsummary = \"s\"\nmethod = \"POST\"\npath = \"{path}\"\n\
         auth = {{ token = \"access_token\" }}\n"
    );
    SourceFile::new(format!("spec/demo/{name}.toml"), head + body)
}

/// The value at `path` (object keys, or list indexes written as numbers); panics where the
/// document has nothing.
fn at<'a>(json: &'a Json, path: &[&str]) -> &'a Json {
    path.iter().fold(json, |value, key| {
        let next = match (value, key.parse::<usize>()) {
            (Json::Array(items), Ok(index)) => items.get(index),
            _ => value.get(key),
        };
        next.unwrap_or_else(|| panic!("nothing at {key} of {path:?} in {}", value.pretty()))
    })
}

fn schema<'a>(document: &'a Json, component: &str) -> &'a Json {
    at(document, &["components", "schemas", component])
}

fn text(value: &str) -> Json {
    Json::from(value)
}

fn strings(items: &[&str]) -> Json {
    Json::strings(items.iter().copied())
}

const UNION: &str = "
[types.Card]
doc = \"A card.\"
union.tag = \"card_type\"
union.variants = [
    { tag = \"CASH\", type = \"Cash\", doc = \"Cash.\" },
    { tag = \"GIFT\", type = \"Gift\", key = \"detail.gift\", doc = \"A gift.\" },
]

[types.Cash]
doc = \"Cash.\"
fields.reduce_cost = { type = \"i64\", doc = \"Off.\" }

[types.Gift]
doc = \"A gift.\"
fields.gift = { type = \"string\", doc = \"What.\" }
";

#[test]
fn a_sibling_union_is_one_of_its_wire_layouts_told_apart_by_the_tag() {
    let doc = document_of(vec![endpoint(
        "op",
        &format!("[request]\ncard = {{ type = \"Card\", doc = \"C.\" }}\n{UNION}"),
    )]);
    let union = schema(&doc, "demo.op.Card");
    assert_eq!(at(union, &["discriminator", "propertyName"]), &text("card_type"));
    assert_eq!(
        at(union, &["discriminator", "mapping", "GIFT"]),
        &text("#/components/schemas/demo.op.Card.Gift")
    );
    // Only requests hold it: exactly the known variants.
    assert!(matches!(at(union, &["oneOf"]), Json::Array(branches) if branches.len() == 2));
    let gift = schema(&doc, "demo.op.Card.Gift");
    assert_eq!(at(gift, &["properties", "card_type", "const"]), &text("GIFT"));
    // `key = "detail.gift"`: the object sits in a `detail` object, under `gift`.
    assert_eq!(
        at(gift, &["properties", "detail", "properties", "gift", "$ref"]),
        &text("#/components/schemas/demo.op.Gift")
    );
    assert_eq!(at(gift, &["properties", "detail", "required"]), &strings(&["gift"]));
    assert_eq!(at(gift, &["required"]), &strings(&["card_type", "detail"]));
    let cash = schema(&doc, "demo.op.Card.Cash");
    assert_eq!(at(cash, &["properties", "cash", "$ref"]), &text("#/components/schemas/demo.op.Cash"));
}

#[test]
fn a_union_answers_hold_keeps_unknown_tags_in_a_last_branch() {
    let doc = document_of(vec![endpoint(
        "op",
        &format!("[response]\ncard = {{ type = \"Card\", doc = \"C.\" }}\n{UNION}"),
    )]);
    let other = at(schema(&doc, "demo.op.Card"), &["oneOf", "2"]);
    assert_eq!(at(other, &["properties", "card_type", "not", "enum"]), &strings(&["CASH", "GIFT"]));
    assert_eq!(at(other, &["required"]), &strings(&["card_type"]));
}

#[test]
fn an_internal_union_puts_the_tag_beside_the_variant_fields() {
    let types = "
[types.Message]
doc = \"A message.\"
union.tag = \"type\"
union.layout = \"internal\"
union.variants = [{ tag = \"text\", type = \"Words\", doc = \"Words.\" }]

[types.Words]
doc = \"Words.\"
fields.content = { type = \"string\", doc = \"The words.\" }
";
    let doc = document_of(vec![endpoint(
        "op",
        &format!("[request]\nmessage = {{ type = \"Message\", doc = \"M.\" }}\n{types}"),
    )]);
    let text_branch = schema(&doc, "demo.op.Message.Text");
    assert_eq!(at(text_branch, &["allOf", "0", "$ref"]), &text("#/components/schemas/demo.op.Words"));
    assert_eq!(at(text_branch, &["properties", "type", "const"]), &text("text"));
    assert_eq!(at(text_branch, &["required"]), &strings(&["type"]));
}

#[test]
fn limits_become_json_schema_keywords_and_bytes_an_extension() {
    let request = "[request]
title = { type = \"string\", min_length = 1, max_bytes = 27, doc = \"T.\" }
seconds = { type = \"u32\", minimum = 60, doc = \"S.\" }
tags = { type = \"array\", items = \"string\", max_items = 3, doc = \"Tags.\" }
";
    let doc = document_of(vec![endpoint("op", request)]);
    let body = at(schema(&doc, "demo.op.OpRequest"), &["properties"]);
    assert_eq!(at(body, &["title", "minLength"]), &Json::Int(1));
    assert_eq!(at(body, &["title", "x-wechat-max-bytes"]), &Json::Int(27));
    assert!(at(body, &["title"]).get("maxLength").is_none());
    // The spec's minimum replaces the type's own; the type's maximum stays.
    assert_eq!(at(body, &["seconds", "minimum"]), &Json::Int(60));
    assert_eq!(at(body, &["seconds", "maximum"]), &Json::Int(i64::from(u32::MAX)));
    assert_eq!(at(body, &["tags", "maxItems"]), &Json::Int(3));
    assert_eq!(at(body, &["tags", "items", "type"]), &text("string"));
}

#[test]
fn a_nullable_field_is_required_in_requests_and_may_be_left_out_of_answers() {
    let types = "
[request]
item = { type = \"Item\", doc = \"I.\" }

[response]
item = { type = \"Item\", doc = \"I.\" }

[types.Item]
doc = \"An item.\"
fields.name = { type = \"string\", doc = \"N.\" }
fields.note = { type = \"string\", nullable = true, doc = \"N.\" }
";
    let doc = document_of(vec![endpoint("op", types)]);
    let item = schema(&doc, "demo.op.Item");
    assert_eq!(at(item, &["required"]), &strings(&["name"]));
    assert_eq!(at(item, &["x-wechat-required-in-requests"]), &strings(&["note"]));
    assert_eq!(at(item, &["properties", "note", "type"]), &strings(&["string", "null"]));
}

#[test]
fn an_enum_answers_hold_allows_values_it_does_not_know() {
    let types = "
[response]
color = { type = \"Color\", doc = \"C.\" }

[types.Color]
doc = \"A color.\"
values = [{ value = \"RED\", doc = \"Red.\" }]
";
    let doc = document_of(vec![endpoint("op", types)]);
    let color = schema(&doc, "demo.op.Color");
    assert_eq!(at(color, &["anyOf", "0", "enum"]), &strings(&["RED"]));
    assert_eq!(at(color, &["anyOf", "1", "type"]), &text("string"));
    assert!(at(color, &["anyOf", "1"]).get("enum").is_none());
    assert_eq!(at(color, &["x-enum-varnames"]), &strings(&["Red"]));
}

#[test]
fn a_multipart_upload_is_a_form_of_typed_parts() {
    let upload = "body = \"multipart\"
[request]
pdf = { type = \"file\", content_type = \"application/pdf\", max_size = 2048, doc = \"The PDF.\" }
action = { type = \"string\", value = \"upload\", doc = \"The action.\" }
";
    let doc = document_of(vec![endpoint("up", upload)]);
    let media = at(&doc, &["paths", "/up", "post", "requestBody", "content", "multipart/form-data"]);
    let pdf = at(media, &["schema", "properties", "pdf"]);
    assert_eq!(at(pdf, &["contentMediaType"]), &text("application/pdf"));
    assert_eq!(at(pdf, &["x-wechat-max-size"]), &Json::Int(2048));
    assert_eq!(at(media, &["schema", "properties", "action", "const"]), &text("upload"));
    assert_eq!(at(media, &["schema", "required"]), &strings(&["action", "pdf"]));
    assert_eq!(at(media, &["encoding", "pdf", "contentType"]), &text("application/pdf"));
    assert!(at(&doc, &["components", "schemas"]).get("demo.up.UpRequest").is_none());
}

#[test]
fn operations_told_apart_by_a_query_value_share_one_path_and_are_each_kept_whole() {
    let action = |name: &str, code: u32| {
        let query = format!(
            "[query]\naction = {{ type = \"string\", value = \"{name}\", doc = \"A.\" }}\n\
             [[errors]]\ncode = {code}\nmessage = \"failed {code}\"\nmeaning = \"M.\"\n"
        );
        endpoint_on("/attr", name, &query)
    };
    let doc = document_of(vec![action("get_attr", 72028), action("set_attr", 72031)]);
    let shared = at(&doc, &["paths", "/attr", "post"]);
    assert_eq!(at(shared, &["operationId"]), &text("demo.attr"));
    assert_eq!(at(shared, &["parameters", "0", "schema", "enum"]), &strings(&["get_attr", "set_attr"]));
    assert_eq!(at(shared, &["parameters", "0", "required"]), &Json::Bool(true));
    assert_eq!(at(shared, &["x-wechat-operations", "1", "operationId"]), &text("demo.set_attr"));
    // Either operation may answer: the shared one lists both's codes.
    assert_eq!(at(shared, &["x-wechat-errors", "0", "code"]), &Json::from(72028_i64));
    assert_eq!(at(shared, &["x-wechat-errors", "1", "code"]), &Json::from(72031_i64));
    let whole = at(&doc, &["x-wechat-paths", "/attr?action=set_attr", "post"]);
    assert_eq!(at(whole, &["operationId"]), &text("demo.set_attr"));
    assert_eq!(at(whole, &["parameters", "0", "schema", "const"]), &text("set_attr"));
}

#[test]
fn an_answer_example_written_in_other_json_types_is_kept_apart() {
    let op = "[response]
card_id = { type = \"string\", doc = \"C.\" }

[[examples]]
name = \"As declared\"
response = '{\"errcode\": 0, \"card_id\": \"p1\"}'

[[examples]]
name = \"As a number\"
response = '{\"errcode\": 0, \"card_id\": 12}'
";
    let doc = document_of(vec![endpoint("op", op)]);
    let media = at(&doc, &["paths", "/op", "post", "responses", "200", "content", "application/json"]);
    assert_eq!(at(media, &["examples", "as_declared", "value", "card_id"]), &text("p1"));
    assert!(at(media, &["examples"]).get("as_a_number").is_none());
    assert_eq!(
        at(media, &["x-wechat-examples-as-decoded", "as_a_number", "value", "card_id"]),
        &Json::Int(12)
    );
}

#[test]
fn a_push_event_is_a_webhook_of_its_xml_elements() {
    let header = "[headers.account]\ndoc = \"H.\"\ndiscriminator = \"Event\"\n\
                  fields.CreateTime = { type = \"integer\", doc = \"T.\" }\n";
    let event = "name = \"thing_done\"\nevent = \"thing_done\"\nheader = \"account\"\nsummary = \"Done.\"\n\
                 [fields]\nIsGift = { type = \"boolean\", optional = true, aliases = [\"is_gift\"], \
                 doc = \"G.\" }\n\
                 [[examples]]\nxml = '<xml><CreateTime>1</CreateTime><Event>thing_done</Event></xml>'\n";
    let doc = document_of(vec![
        SourceFile::new("spec/events.toml", header),
        SourceFile::new("spec/demo/events/thing_done.toml", event),
    ]);
    let post = at(&doc, &["webhooks", "demo.thing_done", "post"]);
    let message = at(post, &["requestBody", "content", "text/xml", "schema"]);
    assert_eq!(at(message, &["xml", "name"]), &text("xml"));
    assert_eq!(at(message, &["properties", "Event", "const"]), &text("thing_done"));
    assert_eq!(at(message, &["properties", "IsGift", "x-wechat-aliases"]), &strings(&["is_gift"]));
    // Header elements first, then the one naming the event, then the event's own; the
    // optional element is not required.
    assert_eq!(at(message, &["required"]), &strings(&["CreateTime", "Event"]));
    assert_eq!(at(post, &["parameters", "0", "name"]), &text("signature"));
}
