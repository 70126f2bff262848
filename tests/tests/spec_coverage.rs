//! Every endpoint comes from spec/ alone: the generated client has exactly one method per
//! endpoint file, and every endpoint carries the examples its tests round-trip.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

/// `spec/<group>/<endpoint>.toml`: the files that declare endpoints.
fn endpoint_files() -> Vec<String> {
    let sources = xtask::sync::read_spec(&root()).expect("read spec/");
    sources.into_iter().map(|s| s.path).filter(|p| p.matches('/').count() == 2).collect()
}

/// The `pub async fn`s of `impl Client` in the generated client.
fn client_methods() -> Vec<String> {
    let path = root().join(codegen::emit::GENERATED_DIR).join("client.rs");
    let text = std::fs::read_to_string(&path).expect("generated client.rs");
    let file = syn::parse_file(&text).expect("client.rs parses");
    let mut methods = Vec::new();
    for item in file.items {
        let syn::Item::Impl(block) = item else { continue };
        let is_client = matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
        if block.trait_.is_some() || !is_client {
            continue;
        }
        for item in block.items {
            if let syn::ImplItem::Fn(f) = item
                && f.sig.asyncness.is_some()
                && matches!(f.vis, syn::Visibility::Public(_))
            {
                methods.push(f.sig.ident.to_string());
            }
        }
    }
    methods
}

#[test]
fn one_generated_method_per_endpoint_file() {
    let files = endpoint_files();
    let methods = client_methods();
    assert!(files.len() >= 30, "the family has about 30 endpoints, found {} files", files.len());
    assert_eq!(
        files.len(),
        methods.len(),
        "endpoint files and generated client methods differ:\nfiles: {files:#?}\nmethods: {methods:#?}"
    );
    let spec =
        codegen::check_spec(&xtask::sync::read_spec(&root()).expect("read spec/")).expect("valid spec");
    let mut names: Vec<String> = spec.operations().map(|op| op.name.clone()).collect();
    let mut methods = methods;
    names.sort();
    methods.sort();
    assert_eq!(names, methods);
}

#[test]
fn every_endpoint_has_the_examples_its_tests_need() {
    let spec =
        codegen::check_spec(&xtask::sync::read_spec(&root()).expect("read spec/")).expect("valid spec");
    let mut missing = Vec::new();
    for op in spec.operations() {
        let responses: Vec<serde_json::Value> = op
            .examples
            .iter()
            .filter_map(|e| e.response.as_deref())
            .map(|r| serde_json::from_str(r).expect("checked JSON"))
            .collect();
        let errcode =
            |v: &serde_json::Value| v.get("errcode").and_then(serde_json::Value::as_i64).unwrap_or(0);
        if !responses.iter().any(|r| errcode(r) == 0) {
            missing.push(format!("{}: no successful response example", op.name));
        }
        let json_body = op.body == codegen::model::BodyKind::Json;
        if json_body && !op.examples.iter().any(|e| e.request.is_some()) {
            missing.push(format!("{}: no request example", op.name));
        }
        let own_codes: Vec<i64> = op.errors.iter().map(|e| e.code).collect();
        if !own_codes.is_empty() && !responses.iter().any(|r| own_codes.contains(&errcode(r))) {
            missing.push(format!("{}: no example of its own error codes {own_codes:?}", op.name));
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}
