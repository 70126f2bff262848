//! No public constructor of the generated client takes two adjacent values of the same type,
//! which a caller could swap unnoticed (a bill's number for its code): every associated
//! function without `self` in the code generated from the real spec is checked, so a
//! generator change that brings such a constructor back fails here.

use std::path::Path;

use syn::visit::Visit;

/// The public associated functions without a receiver found in one file, as
/// `Type::function(arg types)`.
#[derive(Default)]
struct Constructors {
    file: String,
    current_type: String,
    found: Vec<(String, Vec<String>)>,
}

impl<'ast> Visit<'ast> for Constructors {
    fn visit_item_impl(&mut self, block: &'ast syn::ItemImpl) {
        if block.trait_.is_none() {
            self.current_type = quote_type(&block.self_ty);
            syn::visit::visit_item_impl(self, block);
        }
    }

    fn visit_impl_item_fn(&mut self, function: &'ast syn::ImplItemFn) {
        let public = matches!(function.vis, syn::Visibility::Public(_));
        if !public || function.sig.receiver().is_some() {
            return;
        }
        let arguments = function
            .sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                syn::FnArg::Typed(typed) => Some(value_kind(&quote_type(&typed.ty))),
                syn::FnArg::Receiver(_) => None,
            })
            .collect();
        let name = format!("{}: {}::{}", self.file, self.current_type, function.sig.ident);
        self.found.push((name, arguments));
    }
}

fn quote_type(ty: &syn::Type) -> String {
    quote::ToTokens::to_token_stream(ty).to_string().replace(' ', "")
}

/// What a caller passes: `&str`, `String` and `impl Into<String>` are all a string to them.
fn value_kind(ty: &str) -> String {
    let inner = ty.strip_prefix("implInto<").and_then(|t| t.strip_suffix('>')).unwrap_or(ty);
    match inner {
        "String" | "&str" | "::wechat_core::Secret" => "string".to_owned(),
        other => other.to_owned(),
    }
}

#[test]
fn no_generated_constructor_takes_two_adjacent_values_of_one_type() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let sources = xtask::sync::read_spec(root).expect("read spec/");
    let outputs = codegen::generate(&sources).unwrap_or_else(|e| panic!("{e}"));
    let generated = format!("{}/", codegen::emit::GENERATED_DIR);
    let mut checked = 0;
    let mut confusable = Vec::new();
    let mut builders = 0;
    for output in outputs.iter().filter(|o| o.path.starts_with(&generated) && o.path.ends_with(".rs")) {
        let file = syn::parse_file(&output.contents).unwrap_or_else(|e| panic!("{}: {e}", output.path));
        let mut visitor = Constructors { file: output.path.clone(), ..Constructors::default() };
        visitor.visit_file(&file);
        for (name, arguments) in visitor.found {
            checked += 1;
            builders += usize::from(name.ends_with("::builder"));
            if let Some(pair) = arguments.windows(2).find(|pair| pair[0] == pair[1]) {
                confusable.push(format!("{name} takes two adjacent `{}`", pair[0]));
            }
        }
    }
    assert!(confusable.is_empty(), "constructors whose arguments can be swapped:\n{}", confusable.join("\n"));
    // The real spec has dozens of types with several required strings: if none were seen,
    // the walk itself is broken.
    assert!(checked > 100 && builders > 50, "only {checked} constructors and {builders} builders found");
}

/// The public functions of one hand-written file: free functions and the functions of
/// inherent impls, methods included (their receiver aside), as `path: Type::function`.
#[derive(Default)]
struct PublicFunctions {
    file: String,
    current_type: String,
    /// Each function's name, its arguments' kinds, and whether it is a constructor (no
    /// receiver, returns `Self`).
    found: Vec<(String, Vec<String>, bool)>,
}

impl PublicFunctions {
    fn record(&mut self, owner: &str, signature: &syn::Signature) {
        let arguments = signature
            .inputs
            .iter()
            .filter_map(|input| match input {
                syn::FnArg::Typed(typed) => Some(core_value_kind(&quote_type(&typed.ty))),
                syn::FnArg::Receiver(_) => None,
            })
            .collect();
        let returns_self =
            matches!(&signature.output, syn::ReturnType::Type(_, ty) if quote_type(ty) == "Self");
        let constructor = signature.receiver().is_none() && returns_self;
        self.found.push((format!("{}: {owner}{}", self.file, signature.ident), arguments, constructor));
    }
}

impl<'ast> Visit<'ast> for PublicFunctions {
    fn visit_item_mod(&mut self, module: &'ast syn::ItemMod) {
        if !is_test_only(&module.attrs) {
            syn::visit::visit_item_mod(self, module);
        }
    }

    fn visit_item_fn(&mut self, function: &'ast syn::ItemFn) {
        if matches!(function.vis, syn::Visibility::Public(_))
            && !is_test_only(&function.attrs)
            && !is_hidden(&function.attrs)
        {
            self.record("", &function.sig);
        }
    }

    fn visit_item_impl(&mut self, block: &'ast syn::ItemImpl) {
        if block.trait_.is_none() && !is_test_only(&block.attrs) {
            self.current_type = quote_type(&block.self_ty);
            syn::visit::visit_item_impl(self, block);
        }
    }

    fn visit_impl_item_fn(&mut self, function: &'ast syn::ImplItemFn) {
        if matches!(function.vis, syn::Visibility::Public(_)) && !is_hidden(&function.attrs) {
            let owner = format!("{}::", self.current_type);
            self.record(&owner, &function.sig);
        }
    }
}

/// `#[cfg(test)]`: helpers of the crate's own unit tests are no API.
fn is_test_only(attributes: &[syn::Attribute]) -> bool {
    attributes.iter().any(|attribute| {
        attribute.path().is_ident("cfg")
            && quote::ToTokens::to_token_stream(&attribute.meta).to_string() == "cfg (test)"
    })
}

/// `#[doc(hidden)]`: helpers the generated code calls, whose arguments the generator writes;
/// the generated constructors are checked above and by the generator's snapshots.
fn is_hidden(attributes: &[syn::Attribute]) -> bool {
    attributes.iter().any(|attribute| {
        attribute.path().is_ident("doc")
            && quote::ToTokens::to_token_stream(&attribute.meta).to_string() == "doc (hidden)"
    })
}

/// Public functions of the runtime whose two adjacent values of one type are allowed, and why.
const ALLOWED: &[(&str, &str)] = &[
    // A name and its value, the order every form and XML builder uses (reqwest's
    // `Form::text(name, value)`); a swap shows at the first request.
    ("multipart.rs: Multipart<'a>::text", "name, then value"),
    ("push/message.rs: Element::text", "name, then value"),
    // Either order means the same: the shorter duration is the first backoff.
    ("retry.rs: RetryPolicy::backoff", "order-insensitive"),
];

/// What a caller of the runtime passes: every way of taking a string is a string, while a
/// [`wechat_core::Secret`] is a type of its own, which a plain string cannot be passed as.
fn core_value_kind(ty: &str) -> String {
    // `impl Into<Bytes>` takes a `String` or a `&'static str` too: a string, as far as a swap
    // with a name goes.
    if ty == "implInto<Bytes>" {
        return "string".to_owned();
    }
    let inner = ty.strip_prefix("implInto<").and_then(|t| t.strip_suffix('>')).unwrap_or(ty);
    let unborrowed = inner.trim_start_matches('&').trim_start_matches("'static").trim_start_matches("'a");
    match unborrowed {
        "String" | "str" | "implAsRef<str>" => "string".to_owned(),
        other => other.to_owned(),
    }
}

/// Every `.rs` file under `dir`, sorted, so a failure names the same function first each run.
fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap_or_else(|e| panic!("{}: {e}", dir.display())).path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The public functions (or only the constructors) of the crate under `crates/{dir}/src`
/// that take two adjacent values of one type, and the names of all those checked.
fn confusable_functions(dir: &str, constructors_only: bool) -> (Vec<String>, Vec<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let src = root.join("crates").join(dir).join("src");
    let mut checked = Vec::new();
    let mut confusable = Vec::new();
    for path in rust_files(&src) {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let relative = path.strip_prefix(root).unwrap_or(&path).display().to_string();
        let mut visitor = PublicFunctions { file: relative, ..PublicFunctions::default() };
        visitor.visit_file(&file);
        for (name, arguments, constructor) in visitor.found {
            if constructors_only && !constructor {
                continue;
            }
            let allowed = ALLOWED.iter().any(|(function, _)| name.ends_with(function));
            if let Some(pair) = arguments.windows(2).find(|pair| pair[0] == pair[1] && !allowed) {
                confusable.push(format!("{name} takes two adjacent `{}`", pair[0]));
            }
            checked.push(name);
        }
    }
    (checked, confusable)
}

/// The runtime's own constructors take an appid next to its appsecret: swapped, the
/// appsecret would go out as the appid, in a URL. Each public function of wechat-core is
/// checked, so one taking two adjacent values of one type cannot come back.
#[test]
fn no_public_function_of_the_runtime_takes_two_adjacent_values_of_one_type() {
    let (checked, confusable) = confusable_functions("wechat-core", false);
    assert!(
        confusable.is_empty(),
        "public functions whose arguments can be swapped:\n{}",
        confusable.join("\n")
    );
    // If the walk missed the very constructors it is here for, it proves nothing.
    for expected in
        ["token.rs: StableToken::new", "component/mod.rs: Component::new", "multipart.rs: UploadFile::new"]
    {
        assert!(
            checked.iter().any(|name| name.ends_with(expected)),
            "{expected} not found among {checked:#?}"
        );
    }
}

/// The mock's constructors are what a user's tests write first: `MockConfig::new(appid,
/// secret)` once took two strings, and `PushTarget::new(url, token)`. Its other methods take
/// ids of WeChat's own kinds (`seed(resource, record)`) and are not checked here.
#[test]
fn no_public_constructor_of_the_mock_takes_two_adjacent_values_of_one_type() {
    let (checked, confusable) = confusable_functions("wechat-mock", true);
    assert!(
        confusable.is_empty(),
        "public constructors whose arguments can be swapped:\n{}",
        confusable.join("\n")
    );
    for expected in ["config.rs: MockConfig::new", "pushes.rs: PushTarget::new"] {
        assert!(
            checked.iter().any(|name| name.ends_with(expected)),
            "{expected} not found among {checked:#?}"
        );
    }
}
