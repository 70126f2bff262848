//! Adding an endpoint is one TOML file and a regeneration: generate from a copy of the real
//! spec plus one new file, and check the new items are in the generated Rust, with no Rust
//! written by hand.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use codegen::{OutputFile, SourceFile};
use syn::visit::Visit;
use tests::workspace::root;

const NEW_ENDPOINT: &str = r#"
name = "query_order_status"
interface = "invoicebizqueryorderstatus"
summary = "A made-up endpoint, to show that one file is all it takes."
method = "POST"
path = "/card/invoice/queryorderstatus"

[auth]
token = "access_token"
third_party = true
permission_set = 26

[request]
order_id = { type = "string", doc = "The order." }
detail = { type = "bool", optional = true, doc = "Whether to include details." }

[response]
status = { type = "Status", doc = "Where the order stands." }
history = { type = "array", items = "Step", optional = true, doc = "What happened so far." }

[types.Status]
doc = "Where an order stands."
values = [
    { value = "AUTHORIZED", doc = "The user authorized." },
    { value = "REJECTED", doc = "The merchant refused." },
]

[types.Step]
doc = "One step of the order."
fields.at = { type = "i64", doc = "When." }
fields.what = { type = "string", doc = "What." }

[[errors]]
code = 79999
message = "order status unknown"
meaning = "Made up."

[[examples]]
request = '{"order_id": "o1", "detail": true}'
response = '{"errcode": 0, "errmsg": "ok", "status": "REJECTED", "history": [{"at": 1, "what": "x"}]}'
"#;

fn generate(extra: Option<&str>) -> Vec<OutputFile> {
    let mut sources = xtask::sync::read_spec(root()).unwrap();
    if let Some(text) = extra {
        sources.push(SourceFile::new("spec/invoice/query_order_status.toml", text));
    }
    codegen::generate(&sources).unwrap_or_else(|e| panic!("{e}"))
}

fn file<'a>(outputs: &'a [OutputFile], path: &str) -> &'a str {
    &outputs.iter().find(|o| o.path == path).unwrap_or_else(|| panic!("{path} was not generated")).contents
}

#[derive(Default)]
struct Items {
    structs: Vec<String>,
    enums: Vec<String>,
    fns: Vec<String>,
    impls_of: Vec<String>,
}

impl<'ast> Visit<'ast> for Items {
    fn visit_item_struct(&mut self, item: &'ast syn::ItemStruct) {
        self.structs.push(item.ident.to_string());
    }
    fn visit_item_enum(&mut self, item: &'ast syn::ItemEnum) {
        self.enums.push(item.ident.to_string());
    }
    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        self.fns.push(item.sig.ident.to_string());
    }
    fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
        if let Some((_, path, _)) = &item.trait_ {
            let name = path.segments.last().unwrap().ident.to_string();
            let ty = match &*item.self_ty {
                syn::Type::Path(p) => p.path.segments.last().unwrap().ident.to_string(),
                _ => String::new(),
            };
            self.impls_of.push(format!("{name} for {ty}"));
        }
        syn::visit::visit_item_impl(self, item);
    }
}

fn items(source: &str) -> Items {
    let file = syn::parse_file(source).unwrap();
    let mut items = Items::default();
    items.visit_file(&file);
    items
}

#[test]
fn one_new_spec_file_is_a_new_typed_method() {
    let before = generate(None);
    let after = generate(Some(NEW_ENDPOINT));

    let module = items(file(&after, "crates/wechat-card/src/generated/invoice/query_order_status.rs"));
    for name in ["QueryOrderStatusRequest", "QueryOrderStatusResponse", "Step"] {
        assert!(module.structs.contains(&name.to_owned()), "{name} missing: {:?}", module.structs);
    }
    for name in ["QueryOrderStatusErrorCode", "Status"] {
        assert!(module.enums.contains(&name.to_owned()), "{name} missing: {:?}", module.enums);
    }
    assert!(
        module.impls_of.contains(&"Operation for QueryOrderStatusRequest".to_owned()),
        "{:?}",
        module.impls_of
    );
    assert!(module.fns.contains(&"detail".to_owned()), "the optional field has a setter: {:?}", module.fns);

    let client = items(file(&after, "crates/wechat-card/src/generated/client.rs"));
    assert!(client.fns.contains(&"query_order_status".to_owned()), "{:?}", client.fns);
    let group = file(&after, "crates/wechat-card/src/generated/invoice/mod.rs");
    assert!(group.contains("pub mod query_order_status;"), "{group}");
    assert!(
        items(group).fns.contains(&"query_order_status".to_owned()),
        "the group handle has the method: {group}"
    );
    let examples = file(&after, "crates/wechat-card/tests/generated/spec_examples.rs");
    assert!(
        examples.contains("fn invoice_query_order_status_example_1()"),
        "the example gets a round-trip test"
    );
    let calls = file(&after, "crates/wechat-card/tests/generated/mock_calls.rs");
    assert!(
        calls.contains("async fn invoice_query_order_status_through_the_mock()"),
        "a call against the mock"
    );

    // Nothing else changed: the new endpoint only adds (its new error code is a row of the
    // crate-wide `Code` table in error.rs).
    let changed: Vec<&str> = after
        .iter()
        .filter(|o| before.iter().find(|b| b.path == o.path).is_none_or(|b| b.contents != o.contents))
        .map(|o| o.path.as_str())
        .collect();
    assert_eq!(
        changed,
        [
            "crates/wechat-card/src/generated/client.rs",
            "crates/wechat-card/src/generated/error.rs",
            "crates/wechat-card/src/generated/invoice/mod.rs",
            "crates/wechat-card/src/generated/invoice/query_order_status.rs",
            "crates/wechat-card/tests/generated/mock_calls.rs",
            "crates/wechat-card/tests/generated/spec_examples.rs",
            "crates/wechat-cli/src/generated/mod.rs",
            "crates/wechat-cli/tests/generated/operations.rs",
            "crates/wechat-mock/src/generated/openapi.json",
            "crates/wechat-mock/src/generated/operations.rs",
            "docs/api/README.md",
            "docs/api/invoice.md",
            "docs/openapi.json",
        ]
    );
    let mock = file(&after, "crates/wechat-mock/src/generated/operations.rs");
    assert!(mock.contains("\"/card/invoice/queryorderstatus\""), "the mock serves the new endpoint");
    let openapi = file(&after, "docs/openapi.json");
    assert!(
        openapi.contains("\"operationId\": \"invoice.query_order_status\""),
        "the OpenAPI document describes the new endpoint"
    );
    let reference = file(&after, "docs/api/invoice.md");
    assert!(reference.contains("query_order_status"), "the API reference lists the new endpoint");
}

#[test]
fn generation_is_deterministic() {
    assert_eq!(generate(Some(NEW_ENDPOINT)), generate(Some(NEW_ENDPOINT)));
}

#[test]
fn every_generated_rust_file_parses_and_carries_the_header() {
    for output in generate(None).iter().filter(|o| o.path.ends_with(".rs")) {
        assert!(output.contents.starts_with("// @generated by `cargo xtask codegen`"), "{}", output.path);
        syn::parse_file(&output.contents).unwrap_or_else(|e| panic!("{}: {e}", output.path));
    }
}
