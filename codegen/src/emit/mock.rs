//! The mock server's view of the spec: one static table of every operation (route, token,
//! request schema, error codes, success example) that `wechat-mock` serves and validates
//! against. The table's types are hand-written in `wechat-mock`'s `spec_model` module; this
//! file only spells the spec's values in them.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::rust::{ident, integer};
use crate::model::{
    Assigned, BodyKind, Direction, ErrorCase, Field, Limits, Literal, Method, MockAction, MockBehaviour,
    Operation, Spec, TokenKind, Ty, TypeDef, TypeKind, TypeRef, TypeScope, UnionLayout,
};
use crate::names;

/// Where the mock crate's generated sources go.
pub const MOCK_GENERATED_DIR: &str = "crates/wechat-mock/src/generated";

/// `generated/mod.rs` of the mock crate.
pub(crate) fn root_module() -> TokenStream {
    quote! {
        //! The spec as the mock server reads it; see `crate::spec_model` for the types.

        pub(crate) mod operations;
    }
}

/// `generated/operations.rs` of the mock crate: the general error codes, every operation,
/// and the named types their schemas refer to.
pub(crate) fn operations_file(spec: &Spec) -> TokenStream {
    let general = spec.general_errors.iter().map(error_case);
    let operations = spec.operations().map(operation);
    let shared = (!spec.shared_types.is_empty()).then(|| {
        let types = spec.shared_types.iter().map(|t| named_type(t, &Place::Shared));
        quote! {
            /// Types of `spec/types.toml`.
            mod shared {
                use super::*;
                #(#types)*
            }
        }
    });
    let groups: Vec<TokenStream> = spec
        .groups
        .iter()
        .filter(|g| !g.types.is_empty())
        .map(|g| {
            let module = ident(&g.name);
            let docs = format!("Types of `spec/{}/types.toml`.", g.name);
            let types = g.types.iter().map(|t| named_type(t, &Place::Group));
            quote! {
                #[doc = #docs]
                pub(crate) mod #module {
                    use super::super::*;
                    #(#types)*
                }
            }
        })
        .collect();
    let group = (!groups.is_empty()).then(|| {
        quote! {
            /// Types of one group, one module per group.
            mod group {
                #(#groups)*
            }
        }
    });
    let locals: Vec<TokenStream> = spec
        .groups
        .iter()
        .filter(|g| g.operations.iter().any(|op| !op.types.is_empty()))
        .map(|g| {
            let group = ident(&g.name);
            let operations = g.operations.iter().filter(|op| !op.types.is_empty()).map(|op| {
                let module = ident(&op.name);
                let docs = format!("Types local to `{}`.", op.name);
                let place = Place::Local { group: &op.group, op: &op.name };
                let types = op.types.iter().map(|t| named_type(t, &place));
                quote! {
                    #[doc = #docs]
                    pub(crate) mod #module {
                        use super::super::super::*;
                        #(#types)*
                    }
                }
            });
            let docs = format!("Types local to operations of `{}`.", g.name);
            quote! {
                #[doc = #docs]
                pub(crate) mod #group {
                    #(#operations)*
                }
            }
        })
        .collect();
    let local = (!locals.is_empty()).then(|| {
        quote! {
            /// Types local to one operation, one module per group and operation.
            mod local {
                #(#locals)*
            }
        }
    });
    let resource_types = spec
        .operations()
        .any(|op| op.mock.is_some())
        .then(|| quote!(Assigned, ResourceAction, ResourceRule,));
    quote! {
        //! Every operation of `spec/`, with the schema and error codes the mock checks requests
        //! against and answers with.

        use crate::spec_model::{
            BodyKind, ErrorCase, Field, FilePart, Method, NamedType, Operation, TokenUse, Ty, TypeKind,
            #resource_types
        };

        /// WeChat's general error codes, from `spec/errors.toml`, in its order.
        pub(crate) static GENERAL_ERRORS: &[ErrorCase] = &[#(#general),*];

        /// Every operation of the spec, group by group, sorted by name.
        pub(crate) static OPERATIONS: &[Operation] = &[#(#operations),*];

        #shared
        #group
        #local
    }
}

/// Where a named type's `static` is declared, which decides the path to it.
enum Place<'a> {
    /// `spec/types.toml`.
    Shared,
    /// `spec/<group>/types.toml`.
    Group,
    /// An operation's own `[types]`.
    Local { group: &'a str, op: &'a str },
}

fn error_case(case: &ErrorCase) -> TokenStream {
    let code = integer(case.code);
    let message = &case.message;
    quote!(ErrorCase { code: #code, message: #message })
}

fn operation(op: &Operation) -> TokenStream {
    let (name, group, interface, summary, host, path) =
        (&op.name, &op.group, &op.interface, &op.summary, &op.host, &op.path);
    let method = match op.method {
        Method::Get => quote!(Method::Get),
        Method::Post => quote!(Method::Post),
    };
    let body = match op.body {
        BodyKind::Json => quote!(BodyKind::Json),
        BodyKind::Multipart => quote!(BodyKind::Multipart),
        BodyKind::None => quote!(BodyKind::None),
    };
    let token = match op.token {
        TokenKind::AccessToken => quote!(TokenUse::AccessToken),
        TokenKind::None => quote!(TokenUse::None),
    };
    let third_party = op.third_party;
    let fixed = op.fixed_query.iter().map(|p| {
        let (name, value) = (&p.name, &p.value);
        quote!((#name, #value))
    });
    let scope = Place::Local { group: &op.group, op: &op.name };
    let query = fields(&op.query, &scope);
    let request = fields(&op.request, &scope);
    let response = fields(&op.response, &scope);
    let fixed_body = op.fixed_body.iter().map(|p| {
        let (name, value) = (&p.name, &p.value);
        quote!((#name, #value))
    });
    let files = op.files.iter().map(|f| {
        let (name, content_type, required, lenient) = (&f.wire, &f.content_type, f.required, f.lenient);
        let max_size = proc_macro2::Literal::u64_unsuffixed(f.max_size);
        quote!(FilePart { name: #name, content_type: #content_type, max_size: #max_size, required: #required, lenient: #lenient })
    });
    let errors = op.errors.iter().map(error_case);
    let example = match success_example(op) {
        Some(json) => quote!(Some(#json)),
        None => quote!(None),
    };
    let key = format!("{group}/{name}");
    let resource = match &op.mock {
        Some(rule) => {
            let rule = resource_rule(rule);
            quote!(Some(#rule))
        }
        None => quote!(None),
    };
    quote! {
        Operation {
            name: #name,
            key: #key,
            group: #group,
            interface: #interface,
            summary: #summary,
            method: #method,
            host: #host,
            path: #path,
            fixed_query: &[#(#fixed),*],
            query: #query,
            token: #token,
            third_party: #third_party,
            body: #body,
            request: #request,
            fixed_body: &[#(#fixed_body),*],
            files: &[#(#files),*],
            response: #response,
            errors: &[#(#errors),*],
            success_example: #example,
            resource: #resource,
        }
    }
}

/// `ResourceRule { .. }`: what the mock keeps for the operation (`[mock]`).
fn resource_rule(rule: &MockBehaviour) -> TokenStream {
    let (kind, key, key_in_query) = (&rule.resource, &rule.key, rule.key_in_query);
    let action = match rule.action {
        MockAction::Create => quote!(ResourceAction::Create),
        MockAction::Read => quote!(ResourceAction::Read),
        MockAction::Update => quote!(ResourceAction::Update),
        MockAction::Delete => quote!(ResourceAction::Delete),
    };
    let object = match &rule.object {
        Some(object) => quote!(Some(#object)),
        None => quote!(None),
    };
    let missing = match rule.missing {
        Some(code) => {
            let code = integer(code);
            quote!(Some(#code))
        }
        None => quote!(None),
    };
    let status = match &rule.status {
        Some(status) => quote!(Some(#status)),
        None => quote!(None),
    };
    let assigned = rule.assigned.iter().map(|(path, source)| {
        let source = match source {
            Assigned::Id => quote!(Assigned::Id),
            Assigned::Status => quote!(Assigned::Status),
            Assigned::Created => quote!(Assigned::Created),
            Assigned::Updated => quote!(Assigned::Updated),
        };
        quote!((&[#(#path),*], #source))
    });
    quote! {
        ResourceRule {
            kind: #kind,
            action: #action,
            key: #key,
            key_in_query: #key_in_query,
            object: #object,
            missing: #missing,
            status: #status,
            assigned: &[#(#assigned),*],
        }
    }
}

/// The first example response that reports success (`errcode` 0 or absent), as written.
fn success_example(op: &Operation) -> Option<String> {
    op.success_example().map(|json| json.text.trim().to_owned())
}

/// `&[Field { .. }, ..]`; `scope` is where the fields are declared, whose local types they may name.
fn fields(fields: &[Field], scope: &Place<'_>) -> TokenStream {
    let items = fields.iter().map(|f| {
        let name = &f.wire;
        let required = f.required;
        let ty = ty(&f.ty, scope);
        // Only what differs from `Field::PLAIN`, so the table stays readable.
        let flags = [
            (f.lenient, quote!(lenient: true,)),
            (f.flatten, quote!(flatten: true,)),
            (f.only == Some(Direction::Response), quote!(answered_only: true,)),
            (f.nullable, quote!(nullable: true,)),
        ];
        let flags = flags.into_iter().filter(|(set, _)| *set).map(|(_, tokens)| tokens);
        let limits = (!f.constraints.is_empty()).then(|| limits(&f.constraints));
        quote!(Field { name: #name, ty: #ty, required: #required, #(#flags)* #limits ..Field::PLAIN })
    });
    quote!(&[#(#items),*])
}

fn limits(c: &Limits) -> TokenStream {
    let unsigned = |n: Option<u64>| match n {
        Some(n) => {
            let n = proc_macro2::Literal::u64_unsuffixed(n);
            quote!(Some(#n))
        }
        None => quote!(None),
    };
    let signed = |n: Option<i64>| match n {
        Some(n) => {
            let n = integer(n);
            quote!(Some(#n))
        }
        None => quote!(None),
    };
    let (min_length, max_length, max_bytes) =
        (unsigned(c.min_length), unsigned(c.max_length), unsigned(c.max_bytes));
    let (minimum, maximum) = (signed(c.minimum), signed(c.maximum));
    let (min_items, max_items) = (unsigned(c.min_items), unsigned(c.max_items));
    quote! {
        limits: crate::spec_model::Limits {
            min_length: #min_length,
            max_length: #max_length,
            max_bytes: #max_bytes,
            minimum: #minimum,
            maximum: #maximum,
            min_items: #min_items,
            max_items: #max_items,
        },
    }
}

fn ty(ty: &Ty, scope: &Place<'_>) -> TokenStream {
    match ty {
        Ty::String => quote!(Ty::String),
        Ty::Bool => quote!(Ty::Bool),
        Ty::I32 => quote!(Ty::I32),
        Ty::I64 => quote!(Ty::I64),
        Ty::U32 => quote!(Ty::U32),
        Ty::U64 => quote!(Ty::U64),
        Ty::F64 => quote!(Ty::F64),
        Ty::Array(item) => {
            let item = self::ty(item, scope);
            quote!(Ty::Array(&#item))
        }
        Ty::Map(item) => {
            let item = self::ty(item, scope);
            quote!(Ty::Map(&#item))
        }
        Ty::Json => quote!(Ty::Json),
        Ty::Named(r) => {
            let target = named_path(r, scope);
            quote!(Ty::Named(#target))
        }
    }
}

/// `&crate::generated::operations::...::NAME`, the static of a named type.
fn named_path(r: &TypeRef, scope: &Place<'_>) -> TokenStream {
    let name = static_name(&r.name);
    match (&r.scope, scope) {
        (TypeScope::Local, Place::Local { group, op }) => {
            let (group, module) = (ident(group), ident(op));
            quote!(&crate::generated::operations::local::#group::#module::#name)
        }
        (TypeScope::Group(group), _) => {
            let group = ident(group);
            quote!(&crate::generated::operations::group::#group::#name)
        }
        // Shared types only refer to shared types, and group types to group or shared ones.
        (TypeScope::Shared | TypeScope::Local, _) => {
            quote!(&crate::generated::operations::shared::#name)
        }
    }
}

/// A `static` for a named type declared at `scope`.
fn named_type(def: &TypeDef, scope: &Place<'_>) -> TokenStream {
    let name = &def.name;
    let item = static_name(&def.name);
    let docs = format!("`{name}`: {}", def.doc.lines().next().unwrap_or_default());
    let kind = match &def.kind {
        TypeKind::Struct(fields) => {
            let fields = self::fields(fields, scope);
            quote!(TypeKind::Object(#fields))
        }
        TypeKind::StringEnum(variants) => {
            let values = variants.iter().map(|v| match &v.wire {
                Literal::Str(s) => quote!(#s),
                Literal::Int(i) => {
                    let s = i.to_string();
                    quote!(#s)
                }
            });
            quote!(TypeKind::StringEnum(&[#(#values),*]))
        }
        TypeKind::IntEnum(variants) => {
            let values = variants.iter().filter_map(|v| match v.wire {
                Literal::Int(i) => Some(integer(i)),
                Literal::Str(_) => None,
            });
            quote!(TypeKind::IntEnum(&[#(#values),*]))
        }
        TypeKind::Union(union) => {
            let tag = &union.tag;
            let internal = union.layout == UnionLayout::Internal;
            let cases = union.variants.iter().map(|v| {
                let (case_tag, key) = (&v.tag, &v.key);
                let target = named_path(&v.ty, scope);
                quote!(crate::spec_model::UnionCase { tag: #case_tag, key: &[#(#key),*], ty: #target })
            });
            quote!(TypeKind::Union(crate::spec_model::Union { tag: #tag, internal: #internal, variants: &[#(#cases),*] }))
        }
    };
    quote! {
        #[doc = #docs]
        pub(crate) static #item: NamedType = NamedType { name: #name, kind: #kind };
    }
}

/// The SCREAMING_SNAKE_CASE name of a named type's `static`.
fn static_name(type_name: &str) -> proc_macro2::Ident {
    // Type names were checked to be UpperCamelCase identifiers, so this cannot fail; fall
    // back to the name itself rather than panic.
    ident(&names::shouty(type_name).unwrap_or_else(|| type_name.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SourceFile;

    fn spec(endpoint: &str) -> Spec {
        let files = [
            SourceFile::new(
                "spec/errors.toml",
                "[[errors]]\ncode = -1\nmessage = \"system error\"\nname = \"SystemBusy\"\nmeaning = \"Busy.\"\n",
            ),
            SourceFile::new("spec/groups.toml", "[groups.demo]\nsummary = \"Demo.\"\n"),
            SourceFile::new(
                "spec/types.toml",
                "[types.Shared]\ndoc = \"Shared.\"\nfields.n = { type = \"u32\", doc = \"N.\" }\n",
            ),
            SourceFile::new("spec/demo/op.toml", endpoint),
        ];
        crate::check_spec(&files).unwrap_or_else(|e| panic!("{e}"))
    }

    const ENDPOINT: &str = r#"
name = "do_it"
interface = "doIt"
summary = "Does it."
method = "POST"
path = "/demo/doit"
query.action = { type = "string", value = "go", doc = "Fixed." }
auth = { token = "access_token" }
request.action = { type = "string", value = "go", doc = "Fixed." }
request.kind = { type = "Kind", lenient_in_mock = true, doc = "Kind." }
request.items = { type = "array", items = "Item", optional = true, doc = "Items." }
request.shared = { type = "Shared", doc = "Shared." }
response.id = { type = "string", doc = "Id." }

[types.Kind]
doc = "A kind."
values = [{ value = "a", doc = "A." }, { value = "b", doc = "B." }]

[types.Item]
doc = "An item."
fields.level = { type = "Level", doc = "Level." }

[types.Level]
doc = "A level."
values = [{ value = 1, name = "One", doc = "One." }]

[[examples]]
request = '{"action": "go", "kind": "a", "shared": {"n": 1}}'
response = '{"errcode": -1, "errmsg": "system error"}'

[[examples]]
response = '{"errcode": 0, "errmsg": "ok", "id": "x"}'
"#;

    fn text(spec: &Spec) -> String {
        crate::emit::rust::rust_file("operations.rs", operations_file(spec)).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The text without whitespace and trailing commas, so checks do not depend on how
    /// prettyplease breaks lines.
    fn squeezed(text: &str) -> String {
        let text: String = text.split_whitespace().collect();
        text.replace(",}", "}").replace(",]", "]").replace(",)", ")")
    }

    #[test]
    fn table_holds_routes_schemas_and_the_success_example() {
        let text = squeezed(&text(&spec(ENDPOINT)));
        for expected in [
            "ErrorCase { code: -1, message: \"system error\" }",
            "path: \"/demo/doit\"",
            "fixed_query: &[(\"action\", \"go\")]",
            "fixed_body: &[(\"action\", \"go\")]",
            "files: &[]",
            "Field { name: \"items\", ty: Ty::Array(&Ty::Named(&crate::generated::operations::local::demo::do_it::ITEM)), required: false, ..Field::PLAIN }",
            "Field { name: \"kind\", ty: Ty::Named(&crate::generated::operations::local::demo::do_it::KIND), required: true, lenient: true, ..Field::PLAIN }",
            "ty: Ty::Named(&crate::generated::operations::shared::SHARED)",
            "TypeKind::StringEnum(&[\"a\", \"b\"])",
            "TypeKind::IntEnum(&[1])",
            "pub(crate) static LEVEL: NamedType",
            "success_example: Some(\"{\\\"errcode\\\": 0, \\\"errmsg\\\": \\\"ok\\\", \\\"id\\\": \\\"x\\\"}\")",
        ] {
            assert!(text.contains(&squeezed(expected)), "missing {expected:?} in\n{text}");
        }
    }

    #[test]
    fn multipart_operations_carry_their_file_parts() {
        let upload = r#"
name = "upload_it"
interface = "uploadIt"
summary = "Uploads it."
method = "POST"
path = "/demo/upload"
body = "multipart"
auth = { token = "access_token" }
request.pdf = { type = "file", content_type = "application/pdf", max_size = 1024, lenient_in_mock = true, doc = "The file." }
request.note = { type = "string", optional = true, doc = "A text part." }
response.id = { type = "string", doc = "Id." }

[[examples]]
response = '{"errcode": 0, "errmsg": "ok", "id": "1"}'
"#;
        let text = squeezed(&text(&spec(upload)));
        for expected in [
            "body: BodyKind::Multipart",
            "files: &[FilePart { name: \"pdf\", content_type: \"application/pdf\", max_size: 1024, required: true, lenient: true }]",
            "request: &[Field { name: \"note\", ty: Ty::String, required: false, ..Field::PLAIN }]",
            "fixed_body: &[]",
        ] {
            assert!(text.contains(&squeezed(expected)), "missing {expected:?} in\n{text}");
        }
    }

    #[test]
    fn a_mock_table_becomes_the_operations_resource_rule() {
        let declared = format!(
            "{ENDPOINT}\n[mock]\nresource = \"thing\"\naction = \"create\"\nkey = \"id\"\nobject = \"shared\"\nstatus = \"NEW\"\n"
        );
        let text = squeezed(&text(&spec(&declared)));
        let expected = "resource: Some(ResourceRule { kind: \"thing\", action: ResourceAction::Create, key: \"id\", \
                        key_in_query: false, object: Some(\"shared\"), missing: None, status: Some(\"NEW\"), assigned: &[] })";
        assert!(text.contains(&squeezed(expected)), "missing {expected:?} in\n{text}");
        assert!(text.contains("Assigned,ResourceAction,ResourceRule"), "{text}");
        let plain = squeezed(&self::text(&spec(ENDPOINT)));
        assert!(plain.contains("resource:None") && !plain.contains("ResourceRule"), "{plain}");
    }

    #[test]
    fn output_is_deterministic_and_without_examples_has_no_success_answer() {
        let without = ENDPOINT.split("[[examples]]").next().unwrap_or_default();
        let spec = spec(without);
        assert_eq!(text(&spec), text(&spec));
        assert!(squeezed(&text(&spec)).contains("success_example:None"));
    }
}
