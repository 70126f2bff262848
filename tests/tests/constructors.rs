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
