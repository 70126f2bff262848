//! Every endpoint comes from spec/ alone: the generated client has exactly one method per
//! endpoint file, and every endpoint carries the examples its tests round-trip.

use tests::workspace::root;

/// `spec/<group>/<endpoint>.toml`: the files that declare endpoints (not a group's
/// `types.toml` or `errors.toml`).
fn endpoint_files() -> Vec<String> {
    let sources = xtask::sync::read_spec(root()).expect("read spec/");
    sources.into_iter().map(|s| s.path).filter(|p| xtask::sync::is_endpoint_file(p)).collect()
}

/// The `pub async fn`s of the generated client, as `group/name`: those of each group's handle
/// (`impl CardClient` in `generated/<group>/mod.rs`).
fn client_methods() -> Vec<String> {
    let generated = root().join(codegen::emit::GENERATED_DIR);
    let mut methods = Vec::new();
    for entry in std::fs::read_dir(&generated).expect("generated/") {
        let group_dir = entry.expect("an entry").path();
        let module = group_dir.join("mod.rs");
        if !module.is_file() {
            continue;
        }
        let group = group_dir.file_name().expect("a name").to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&module).expect("a group module");
        let file = syn::parse_file(&text).expect("the group module parses");
        for item in file.items {
            let syn::Item::Impl(block) = item else { continue };
            let is_handle = matches!(&*block.self_ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident.to_string().ends_with("Client")));
            if block.trait_.is_some() || !is_handle {
                continue;
            }
            for item in block.items {
                if let syn::ImplItem::Fn(f) = item
                    && returns_future(&f.sig)
                    && matches!(f.vis, syn::Visibility::Public(_))
                {
                    methods.push(format!("{group}/{}", f.sig.ident));
                }
            }
        }
    }
    methods
}

/// Whether a method is an endpoint's call: an `async fn`, or a `fn` returning `impl Future`.
fn returns_future(sig: &syn::Signature) -> bool {
    let syn::ReturnType::Type(_, ty) = &sig.output else { return false };
    let returns_impl_future = matches!(&**ty, syn::Type::ImplTrait(t) if t.bounds.iter().any(|b| {
        matches!(b, syn::TypeParamBound::Trait(t) if t.path.segments.last().is_some_and(|s| s.ident == "Future"))
    }));
    sig.asyncness.is_some() || returns_impl_future
}

#[test]
fn one_generated_method_per_endpoint_file() {
    let files = endpoint_files();
    let methods = client_methods();
    assert!(files.len() >= 30, "the family has more than 30 endpoints, found {} files", files.len());
    assert_eq!(
        files.len(),
        methods.len(),
        "endpoint files and generated client methods differ:\nfiles: {files:#?}\nmethods: {methods:#?}"
    );
    let spec = codegen::check_spec(&xtask::sync::read_spec(root()).expect("read spec/")).expect("valid spec");
    let mut names: Vec<String> = spec.operations().map(|op| format!("{}/{}", op.group, op.name)).collect();
    let mut methods = methods;
    names.sort();
    methods.sort();
    assert_eq!(names, methods);
}

#[test]
fn every_endpoint_has_the_examples_its_tests_need() {
    let spec = codegen::check_spec(&xtask::sync::read_spec(root()).expect("read spec/")).expect("valid spec");
    let mut missing = Vec::new();
    for op in spec.operations() {
        let responses: Vec<&serde_json::Value> =
            op.examples.iter().filter_map(|e| e.response.as_ref()).map(|r| &r.value).collect();
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
