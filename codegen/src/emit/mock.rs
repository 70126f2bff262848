//! The mock server's view of the spec: one static table of every operation (route, token,
//! request schema, error codes, success example) that `wechat-mock` serves and validates
//! against. The table is written in `wechat_core::shape`'s types (re-exported by the mock's
//! `spec_model` module), converted from the model by the same `model::shape` code the example
//! checks run on; this file only spells the values. The state tables (`emit::state`) write
//! the fields of resources and user actions through the same [`Table`], so their named types
//! are the operations' `TYPES` too.

use std::collections::{HashMap, HashSet};

use proc_macro2::TokenStream;
use quote::quote;
use wechat_core::shape::{self, Direction, Item, NamedType, Rule, Schema, TypeId};

use crate::emit::rust::{doc, ident, integer};
use crate::model::shape::SchemaBuilder;
use crate::model::{
    BodyKind, ErrorCase, Limits, Method, Operation, ResponseBody, Spec, TokenKind, TypeDef, TypeRef,
    TypeScope,
};
use crate::names;

/// Where the mock crate's generated sources go.
pub const MOCK_GENERATED_DIR: &str = "crates/wechat-mock/src/generated";

/// `generated/mod.rs` of the mock crate.
pub(crate) fn root_module() -> TokenStream {
    quote! {
        //! The spec as the mock server reads it; see `crate::spec_model` and
        //! `crate::state_model` for the types.

        pub(crate) mod operations;
        pub mod records;
        pub(crate) mod state;
        pub mod user_actions;
    }
}

/// `generated/operations.rs` of the mock crate: the general error codes, every operation,
/// and the named types their schemas refer to, as one `Schema` (`TYPES`) that a `TypeId`
/// indexes; each type is also a `const` in the module of the file that declares it.
pub(crate) fn operations_file(spec: &Spec) -> TokenStream {
    let table = Table::new(spec);
    let general = spec.general_errors.iter().map(error_case);
    let operations = spec.operations().zip(&table.fields).map(|(op, fields)| operation(op, fields));
    let shared = (!spec.shared_types.is_empty()).then(|| {
        let types = spec.shared_types.iter().map(|t| named_type(t, &table));
        quote! {
            /// Types of `spec/types.toml`.
            pub(crate) mod shared {
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
            let types = g.types.iter().map(|t| named_type(t, &table));
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
            pub(crate) mod group {
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
                let types = op.types.iter().map(|t| named_type(t, &table));
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
            pub(crate) mod local {
                #(#locals)*
            }
        }
    });
    let types = table.defs.iter().map(|def| table.path(def));
    let items = quote! {
        /// WeChat's general error codes, from `spec/errors.toml`, in its order.
        pub(crate) static GENERAL_ERRORS: &[ErrorCase] = &[#(#general),*];

        /// Every operation of the spec, group by group, sorted by name.
        pub(crate) static OPERATIONS: &[Operation] = &[#(#operations),*];

        /// Every named type of the spec; a `TypeId` is an index into it.
        pub(crate) static TYPES: Schema<'static> = Schema::new(&[#(#types),*]);

        #shared
        #group
        #local
    };
    let imports = spec_model_imports(&items);
    quote! {
        //! Every operation of `spec/`, with the schema and error codes the mock checks requests
        //! against and answers with.

        #imports

        #items
    }
}

/// The `use` lines of a generated file whose `items` are written in the mock's `spec_model`
/// types: only what the items name, so a spec without unions (say) leaves no unused import.
pub(crate) fn spec_model_imports(items: &TokenStream) -> TokenStream {
    let used = idents(items, &[SPEC_MODEL, &["Cow"]].concat());
    let cow = used.contains("Cow").then(|| {
        quote!(
            use std::borrow::Cow;
        )
    });
    let imported: Vec<_> =
        SPEC_MODEL.iter().filter(|name| used.contains(**name)).map(|name| ident(name)).collect();
    let spec_model = (!imported.is_empty()).then(|| {
        quote!(
            use crate::spec_model::{#(#imported),*};
        )
    });
    quote!(#cow #spec_model)
}

/// The names of the mock's `spec_model` the table may use, imported when it does.
const SPEC_MODEL: &[&str] = &[
    "BodyKind",
    "Direction",
    "ErrorCase",
    "Field",
    "FilePart",
    "Item",
    "Limits",
    "Method",
    "NamedType",
    "Operation",
    "ResponseBody",
    "Rule",
    "Schema",
    "TokenUse",
    "Ty",
    "TypeId",
    "TypeKind",
    "Union",
    "UnionCase",
];

/// The names of `names` that `tokens` holds as identifiers.
fn idents(tokens: &TokenStream, names: &[&'static str]) -> HashSet<&'static str> {
    let mut found = HashSet::new();
    let mut pending = vec![tokens.clone()];
    while let Some(stream) = pending.pop() {
        for tree in stream {
            match tree {
                proc_macro2::TokenTree::Ident(ident) => {
                    if let Some(name) = names.iter().find(|name| ident == **name) {
                        found.insert(*name);
                    }
                }
                proc_macro2::TokenTree::Group(group) => pending.push(group.stream()),
                proc_macro2::TokenTree::Punct(_) | proc_macro2::TokenTree::Literal(_) => {}
            }
        }
    }
    found
}

/// The spec in the shape model: its named types by id, and the fields of each operation,
/// resource and user action.
pub(crate) struct Table<'m> {
    schema: Schema<'m>,
    /// The definition of each type of `schema`, by id.
    defs: Vec<&'m TypeDef>,
    /// Each definition's id.
    ids: HashMap<*const TypeDef, TypeId>,
    /// Where each definition is declared.
    places: HashMap<*const TypeDef, Place<'m>>,
    /// Each operation's query, request and response fields, in the order of `spec.operations()`.
    fields: Vec<[Vec<shape::Field<'m>>; 3]>,
    /// Each resource's fields, in the order of `spec.state.resources`.
    resources: Vec<Vec<shape::Field<'m>>>,
    /// Each user action's params and answer, in the order of `spec.state.user_actions`.
    actions: Vec<[Vec<shape::Field<'m>>; 2]>,
}

impl<'m> Table<'m> {
    /// Every type of the spec, numbered in the order the files declare them (shared, each
    /// group's, each operation's), and the fields of every operation, resource and user action.
    pub(crate) fn new(spec: &'m Spec) -> Self {
        let mut builder = SchemaBuilder::new();
        let mut places = HashMap::new();
        let shared = |r: &TypeRef| find(&[], &[], &spec.shared_types, r);
        for def in &spec.shared_types {
            builder.declare(def, &shared);
            places.insert(std::ptr::from_ref(def), Place::Shared);
        }
        for group in &spec.groups {
            let in_group = |r: &TypeRef| find(&[], &group.types, &spec.shared_types, r);
            for def in &group.types {
                builder.declare(def, &in_group);
                places.insert(std::ptr::from_ref(def), Place::Group(&group.name));
            }
        }
        let mut fields = Vec::new();
        for group in &spec.groups {
            for op in &group.operations {
                let in_op = |r: &TypeRef| find(&op.types, &group.types, &spec.shared_types, r);
                for def in &op.types {
                    builder.declare(def, &in_op);
                    places.insert(std::ptr::from_ref(def), Place::Local { group: &group.name, op: &op.name });
                }
                fields.push([
                    builder.fields(&op.query, &in_op),
                    builder.fields(&op.request, &in_op),
                    builder.fields(&op.response, &in_op),
                ]);
            }
        }
        // Resources and user actions name the types of their group and the shared ones.
        let group_types = |group: Option<&str>| {
            spec.groups.iter().find(|g| Some(g.name.as_str()) == group).map_or(&[][..], |g| &g.types[..])
        };
        let state = &spec.state;
        let resources = state
            .resources
            .iter()
            .map(|resource| {
                let group = group_types(resource.group.as_deref());
                builder.fields(&resource.fields, &|r: &TypeRef| find(&[], group, &spec.shared_types, r))
            })
            .collect();
        let actions = state
            .user_actions
            .iter()
            .map(|action| {
                let group = group_types(Some(&action.group));
                let in_group = |r: &TypeRef| find(&[], group, &spec.shared_types, r);
                [builder.fields(&action.params, &in_group), builder.fields(&action.answer, &in_group)]
            })
            .collect();
        let (schema, defs) = builder.finish();
        let ids = defs.iter().zip(0..).map(|(def, id)| (std::ptr::from_ref(*def), TypeId(id))).collect();
        Self { schema, defs, ids, places, fields, resources, actions }
    }

    /// The fields of the resource `spec.state.resources[index]`.
    pub(crate) fn resource_fields(&self, index: usize) -> &[shape::Field<'m>] {
        self.resources.get(index).map_or(&[], Vec::as_slice)
    }

    /// The params and answer of the user action `spec.state.user_actions[index]`.
    pub(crate) fn action_fields(&self, index: usize) -> (&[shape::Field<'m>], &[shape::Field<'m>]) {
        self.actions.get(index).map_or((&[], &[]), |[params, answer]| (params, answer))
    }

    /// `group::card::CARD`: the `const` of a type, from the top of the file.
    fn path(&self, def: &TypeDef) -> TokenStream {
        let name = static_name(&def.name);
        match self.places.get(&std::ptr::from_ref(def)) {
            Some(Place::Local { group, op }) => {
                let (group, op) = (ident(group), ident(op));
                quote!(local::#group::#op::#name)
            }
            Some(Place::Group(group)) => {
                let group = ident(group);
                quote!(group::#group::#name)
            }
            Some(Place::Shared) | None => quote!(shared::#name),
        }
    }
}

/// The type `r` names among an operation's local types, its group's and the shared ones.
fn find<'m>(
    local: &'m [TypeDef],
    group: &'m [TypeDef],
    shared: &'m [TypeDef],
    r: &TypeRef,
) -> Option<&'m TypeDef> {
    let declared = match r.scope {
        TypeScope::Local => local,
        TypeScope::Group(_) => group,
        TypeScope::Shared => shared,
    };
    declared.iter().find(|t| t.name == r.name)
}

/// Where a named type's `const` is declared, which decides the path to it.
#[derive(Debug, Clone, Copy)]
enum Place<'a> {
    /// `spec/types.toml`.
    Shared,
    /// `spec/<group>/types.toml`.
    Group(&'a str),
    /// An operation's own `[types]`.
    Local { group: &'a str, op: &'a str },
}

fn error_case(case: &ErrorCase) -> TokenStream {
    let code = integer(case.code);
    let message = &case.message;
    quote!(ErrorCase { code: #code, message: #message })
}

/// `Operation { .. }`, with its query, request and response `fields` in the shape model.
fn operation(op: &Operation, fields: &[Vec<shape::Field<'_>>; 3]) -> TokenStream {
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
    let [query, request, response] = fields;
    let (query, request, response) = (self::fields(query), self::fields(request), self::fields(response));
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
    let response_body = match op.response_body {
        ResponseBody::Json => quote!(ResponseBody::Json),
        ResponseBody::Text => quote!(ResponseBody::Text),
    };
    let example = match success_example(op) {
        Some(json) => quote!(Some(#json)),
        None => quote!(None),
    };
    let key = format!("{group}/{name}");
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
            response_body: #response_body,
            types: &TYPES,
            errors: &[#(#errors),*],
            success_example: #example,
        }
    }
}

/// The first example response that reports success (`errcode` 0 or absent), as written:
/// JSON trimmed, a text answer exactly (its whitespace is part of the answer).
fn success_example(op: &Operation) -> Option<String> {
    op.success_example().map(|json| match op.response_body {
        ResponseBody::Json => json.text.trim().to_owned(),
        ResponseBody::Text => json.text.clone(),
    })
}

/// `&[Field { .. }, ..]`, each field saying only what differs from `Field::PLAIN`.
pub(crate) fn fields(fields: &[shape::Field<'_>]) -> TokenStream {
    let items = fields.iter().map(|f| {
        let (name, required) = (f.name, f.required);
        let ty = ty(f.ty);
        let aliases = (!f.aliases.is_empty()).then(|| {
            let aliases = f.aliases.iter();
            quote!(aliases: Cow::Borrowed(&[#(#aliases),*]),)
        });
        let only = f.only.map(|only| match only {
            Direction::Request => quote!(only: Some(Direction::Request),),
            Direction::Response => quote!(only: Some(Direction::Response),),
        });
        let flags = [(f.lenient, quote!(lenient: true,)), (f.flatten, quote!(flatten: true,)), (f.nullable, quote!(nullable: true,))];
        let flags = flags.into_iter().filter(|(set, _)| *set).map(|(_, tokens)| tokens);
        let limits = (!f.limits.is_empty()).then(|| limits(&f.limits));
        let rule = f.rule.map(|rule| match rule {
            Rule::RequiredWhen(sibling) => quote!(rule: Some(Rule::RequiredWhen(#sibling)),),
            Rule::RequiredUnless(sibling) => quote!(rule: Some(Rule::RequiredUnless(#sibling)),),
            Rule::OneOf(set) => quote!(rule: Some(Rule::OneOf(#set)),),
        });
        quote!(Field { name: #name, ty: #ty, required: #required, #aliases #(#flags)* #only #limits #rule ..Field::PLAIN })
    });
    quote!(&[#(#items),*])
}

/// `limits: Limits { .. },` with the limits the spec states.
fn limits(limits: &Limits) -> TokenStream {
    let limits = crate::emit::rust::limits(limits, &quote!(Limits));
    quote!(limits: #limits,)
}

/// `Ty::..`: a named type by its `TypeId`.
fn ty(ty: shape::Ty) -> TokenStream {
    match ty {
        shape::Ty::Array(item) => {
            let item = self::item(item);
            quote!(Ty::Array(#item))
        }
        shape::Ty::Map(item) => {
            let item = self::item(item);
            quote!(Ty::Map(#item))
        }
        shape::Ty::String => quote!(Ty::String),
        shape::Ty::Bool => quote!(Ty::Bool),
        shape::Ty::I32 => quote!(Ty::I32),
        shape::Ty::I64 => quote!(Ty::I64),
        shape::Ty::U32 => quote!(Ty::U32),
        shape::Ty::U64 => quote!(Ty::U64),
        shape::Ty::F64 => quote!(Ty::F64),
        shape::Ty::Json => quote!(Ty::Json),
        shape::Ty::Named(id) => {
            let id = type_id(id);
            quote!(Ty::Named(#id))
        }
    }
}

/// `Item::..`: an array's item or a map's value.
fn item(item: Item) -> TokenStream {
    match item {
        Item::String => quote!(Item::String),
        Item::Bool => quote!(Item::Bool),
        Item::I32 => quote!(Item::I32),
        Item::I64 => quote!(Item::I64),
        Item::U32 => quote!(Item::U32),
        Item::U64 => quote!(Item::U64),
        Item::F64 => quote!(Item::F64),
        Item::Json => quote!(Item::Json),
        Item::Named(id) => {
            let id = type_id(id);
            quote!(Item::Named(#id))
        }
    }
}

/// `TypeId(12)`.
fn type_id(id: TypeId) -> TokenStream {
    let index = proc_macro2::Literal::u32_unsuffixed(id.0);
    quote!(TypeId(#index))
}

/// A `const` for a named type, in the module of the file declaring it; its documentation
/// names its `TypeId`, which the table's fields refer to it by.
fn named_type(def: &TypeDef, table: &Table<'_>) -> TokenStream {
    let Some((id, named)) =
        table.ids.get(&std::ptr::from_ref(def)).and_then(|id| Some((*id, table.schema.get(*id)?)))
    else {
        return TokenStream::new();
    };
    let item = static_name(&def.name);
    let docs =
        doc(&format!("`{}` (`TypeId({})`): {}", def.name, id.0, def.doc.lines().next().unwrap_or_default()));
    let kind = kind(named);
    let name = named.name;
    quote! {
        #docs
        pub(crate) const #item: NamedType<'static> = NamedType { name: #name, kind: #kind };
    }
}

/// `TypeKind::..` of a named type.
fn kind(named: &NamedType<'_>) -> TokenStream {
    match &named.kind {
        shape::TypeKind::Object(fields) => {
            let fields = self::fields(fields);
            quote!(TypeKind::Object(Cow::Borrowed(#fields)))
        }
        shape::TypeKind::StringEnum(values) => {
            let values = values.iter();
            quote!(TypeKind::StringEnum(Cow::Borrowed(&[#(#values),*])))
        }
        shape::TypeKind::IntEnum(values) => {
            let values = values.iter().map(|v| integer(*v));
            quote!(TypeKind::IntEnum(Cow::Borrowed(&[#(#values),*])))
        }
        shape::TypeKind::Union(union) => {
            let (tag, internal) = (union.tag, union.internal);
            let cases = union.variants.iter().map(|case| {
                let (case_tag, key, target) = (case.tag, case.key.iter(), type_id(case.ty));
                quote!(UnionCase { tag: #case_tag, key: Cow::Borrowed(&[#(#key),*]), ty: #target })
            });
            quote!(TypeKind::Union(Union { tag: #tag, internal: #internal, variants: Cow::Borrowed(&[#(#cases),*]) }))
        }
    }
}

/// The SCREAMING_SNAKE_CASE name of a named type's `const`.
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
            // Ids follow the order types are declared in: shared, then the operation's.
            "Field { name: \"items\", ty: Ty::Array(Item::Named(TypeId(2))), required: false, ..Field::PLAIN }",
            "Field { name: \"kind\", ty: Ty::Named(TypeId(1)), required: true, lenient: true, ..Field::PLAIN }",
            "Field { name: \"shared\", ty: Ty::Named(TypeId(0)), required: true, ..Field::PLAIN }",
            "TypeKind::StringEnum(Cow::Borrowed(&[\"a\", \"b\"]))",
            "TypeKind::IntEnum(Cow::Borrowed(&[1]))",
            "pub(crate) const LEVEL: NamedType<'static>",
            "/// `Level` (`TypeId(3)`): A level.",
            "pub(crate) static TYPES: Schema<'static> = Schema::new(&[shared::SHARED, local::demo::do_it::KIND, \
             local::demo::do_it::ITEM, local::demo::do_it::LEVEL])",
            "types: &TYPES",
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
    fn only_what_the_table_names_is_imported() {
        let text = squeezed(&text(&spec(ENDPOINT)));
        assert!(!text.contains("resource") && !text.contains("ResourceRule"), "{text}");
        // This spec has no union, no `only`, no alias.
        for absent in ["UnionCase", "Direction", "aliases", "Limits"] {
            assert!(!text.contains(absent), "{absent} in {text}");
        }
        assert!(text.contains("Operation,ResponseBody,Schema"), "{text}");
    }

    #[test]
    fn output_is_deterministic_and_without_examples_has_no_success_answer() {
        let without = ENDPOINT.split("[[examples]]").next().unwrap_or_default();
        let spec = spec(without);
        assert_eq!(text(&spec), text(&spec));
        assert!(squeezed(&text(&spec)).contains("success_example:None"));
    }
}
