//! The mock server's view of the spec: one static table of every operation (route, token,
//! request schema, error codes, success example) that `wechat-mock` serves and validates
//! against. The table is written in `wechat_core::shape`'s types (re-exported by the mock's
//! `spec_model` module), converted from the model by the same `model::shape` code the example
//! checks run on; this file only spells the values. The state tables (`emit::state`) write
//! the fields of resources and user actions through the same [`Table`], so their named types
//! are the operations' `TYPES` too.

use std::collections::HashMap;

use proc_macro2::TokenStream;
use quote::quote;
use wechat_core::shape::{self, Direction, Item, NamedType, Rule, Schema, TypeId};

use crate::emit::rust::{fixed_params, ident, limits};
use crate::emit::table_writer::Writer;
use crate::model::shape::SchemaBuilder;
use crate::model::{
    BodyKind, ErrorCase, Method, Operation, ResponseBody, Spec, TokenKind, TypeDef, TypeRef, TypeScope,
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
/// indexes; each type is also a `const` in the module of the file that declares it. Written
/// by the [`Writer`] for static tables, as prettyplease would print it.
pub(crate) fn operations_file(spec: &Spec) -> String {
    let table = Table::new(spec);
    let mut w = Writer::new(1 << 20);
    w.doc("///", "WeChat's general error codes, from `spec/errors.toml`, in its order.", true);
    w.static_item("pub(crate) static GENERAL_ERRORS", "&[ErrorCase]", |w| {
        w.word("&");
        w.array(&spec.general_errors, error_case);
    });
    w.doc("///", "Every operation of the spec, group by group, sorted by name.", true);
    w.static_item("pub(crate) static OPERATIONS", "&[Operation]", |w| {
        w.word("&");
        w.array(spec.operations().zip(&table.fields), |w, (op, fields)| operation(w, op, fields));
    });
    w.doc("///", "Every named type of the spec; a `TypeId` is an index into it.", true);
    w.static_item("pub(crate) static TYPES", "Schema<'static>", |w| {
        w.call("Schema::new", |w| {
            w.arg(|w| {
                w.word("&");
                w.array(&table.defs, |w, def| w.word(&table.path(def)));
            });
        });
    });
    if !spec.shared_types.is_empty() {
        w.doc("///", "Types of `spec/types.toml`.", true);
        w.module("pub(crate) mod shared", |w| {
            w.line("use super::*;");
            for t in &spec.shared_types {
                named_type(w, t, &table);
            }
        });
    }
    let groups: Vec<_> = spec.groups.iter().filter(|g| !g.types.is_empty()).collect();
    if !groups.is_empty() {
        w.doc("///", "Types of one group, one module per group.", true);
        w.module("pub(crate) mod group", |w| {
            for g in groups {
                w.doc("///", &format!("Types of `spec/{}/types.toml`.", g.name), false);
                w.module(&format!("pub(crate) mod {}", ident(&g.name)), |w| {
                    w.line("use super::super::*;");
                    for t in &g.types {
                        named_type(w, t, &table);
                    }
                });
            }
        });
    }
    let locals: Vec<_> =
        spec.groups.iter().filter(|g| g.operations.iter().any(|op| !op.types.is_empty())).collect();
    if !locals.is_empty() {
        w.doc("///", "Types local to one operation, one module per group and operation.", true);
        w.module("pub(crate) mod local", |w| {
            for g in locals {
                w.doc("///", &format!("Types local to operations of `{}`.", g.name), false);
                w.module(&format!("pub(crate) mod {}", ident(&g.name)), |w| {
                    for op in g.operations.iter().filter(|op| !op.types.is_empty()) {
                        w.doc("///", &format!("Types local to `{}`.", op.name), false);
                        w.module(&format!("pub(crate) mod {}", ident(&op.name)), |w| {
                            w.line("use super::super::super::*;");
                            for t in &op.types {
                                named_type(w, t, &table);
                            }
                        });
                    }
                });
            }
        });
    }
    let mut head = Writer::new(1024);
    head.doc(
        "//!",
        "Every operation of `spec/`, with the schema and error codes the mock checks requests\n\
         against and answers with.",
        true,
    );
    spec_model_imports(&mut head, &w);
    let mut text = head.finish();
    text.push_str(&w.finish());
    text
}

/// The `use` lines of a generated file whose `items` are written in the mock's `spec_model`
/// types: only what the items name, so a spec without unions (say) leaves no unused import.
pub(crate) fn spec_model_imports(w: &mut Writer, items: &Writer) {
    let used = items.used_names(&[SPEC_MODEL, &["Cow"]].concat());
    if used.contains(&"Cow") {
        w.line("use std::borrow::Cow;");
    }
    let imported: Vec<&str> = SPEC_MODEL.iter().copied().filter(|name| used.contains(name)).collect();
    if !imported.is_empty() {
        w.use_list("crate::spec_model", &imported);
    }
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
    fn path(&self, def: &TypeDef) -> String {
        let name = static_name(&def.name);
        match self.places.get(&std::ptr::from_ref(def)) {
            Some(Place::Local { group, op }) => format!("local::{}::{}::{name}", ident(group), ident(op)),
            Some(Place::Group(group)) => format!("group::{}::{name}", ident(group)),
            Some(Place::Shared) | None => format!("shared::{name}"),
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

fn error_case(w: &mut Writer, case: &ErrorCase) {
    w.struct_lit("ErrorCase", None, |w| {
        w.field("code", |w| w.int(case.code));
        w.field("message", |w| w.str(&case.message));
    });
}

/// `Operation { .. }`, with its query, request and response `fields` in the shape model.
fn operation(w: &mut Writer, op: &Operation, fields: &[Vec<shape::Field<'_>>; 3]) {
    let method = match op.method {
        Method::Get => "Method::Get",
        Method::Post => "Method::Post",
    };
    let body = match op.body {
        BodyKind::Json => "BodyKind::Json",
        BodyKind::Multipart => "BodyKind::Multipart",
        BodyKind::None => "BodyKind::None",
    };
    let token = match op.token {
        TokenKind::AccessToken => "TokenUse::AccessToken",
        TokenKind::None => "TokenUse::None",
    };
    let response_body = match op.response_body {
        ResponseBody::Json => "ResponseBody::Json",
        ResponseBody::Text => "ResponseBody::Text",
    };
    let [query, request, response] = fields;
    w.struct_lit("Operation", None, |w| {
        w.field("name", |w| w.str(&op.name));
        w.field("key", |w| w.str(&format!("{}/{}", op.group, op.name)));
        w.field("group", |w| w.str(&op.group));
        w.field("interface", |w| w.str(&op.interface));
        w.field("summary", |w| w.str(&op.summary));
        w.field("method", |w| w.word(method));
        w.field("host", |w| w.str(&op.host));
        w.field("path", |w| w.str(&op.path));
        w.field("fixed_query", |w| fixed_params(w, &op.fixed_query));
        w.field("query", |w| self::fields(w, query));
        w.field("token", |w| w.word(token));
        w.field("third_party", |w| w.bool(op.third_party));
        w.field("body", |w| w.word(body));
        w.field("request", |w| self::fields(w, request));
        w.field("fixed_body", |w| fixed_params(w, &op.fixed_body));
        w.field("files", |w| {
            w.word("&");
            w.array(&op.files, |w, f| {
                w.struct_lit("FilePart", None, |w| {
                    w.field("name", |w| w.str(&f.wire));
                    w.field("content_type", |w| w.str(&f.content_type));
                    w.field("max_size", |w| w.uint(f.max_size));
                    w.field("required", |w| w.bool(f.required));
                    w.field("lenient", |w| w.bool(f.lenient));
                });
            });
        });
        w.field("response", |w| self::fields(w, response));
        w.field("response_body", |w| w.word(response_body));
        w.field("types", |w| w.word("&TYPES"));
        w.field("errors", |w| {
            w.word("&");
            w.array(&op.errors, error_case);
        });
        w.field("success_example", |w| match success_example(op) {
            Some(json) => w.call("Some", |w| w.arg(|w| w.str(&json))),
            None => w.word("None"),
        });
    });
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
pub(crate) fn fields(w: &mut Writer, fields: &[shape::Field<'_>]) {
    w.word("&");
    w.array(fields, |w, f| {
        w.struct_lit("Field", Some("Field::PLAIN"), |w| {
            w.field("name", |w| w.str(f.name));
            w.field("ty", |w| ty(w, f.ty));
            w.field("required", |w| w.bool(f.required));
            if !f.aliases.is_empty() {
                w.field("aliases", |w| borrowed_strs(w, f.aliases.iter().copied()));
            }
            let flags = [
                (f.lenient, "lenient"),
                (f.flatten, "flatten"),
                (f.nullable, "nullable"),
                (f.number_in_answers, "number_in_answers"),
            ];
            for (set, name) in flags {
                if set {
                    w.field(name, |w| w.bool(true));
                }
            }
            if let Some(only) = f.only {
                let only = match only {
                    Direction::Request => "Direction::Request",
                    Direction::Response => "Direction::Response",
                };
                w.field("only", |w| w.call("Some", |w| w.arg(|w| w.word(only))));
            }
            if !f.limits.is_empty() {
                w.field("limits", |w| limits(w, &f.limits, "Limits"));
            }
            if let Some(rule) = f.rule {
                let (variant, sibling) = match rule {
                    Rule::RequiredWhen(sibling) => ("Rule::RequiredWhen", sibling),
                    Rule::RequiredUnless(sibling) => ("Rule::RequiredUnless", sibling),
                    Rule::OneOf(set) => ("Rule::OneOf", set),
                };
                w.field("rule", |w| {
                    w.call("Some", |w| w.arg(|w| w.call(variant, |w| w.arg(|w| w.str(sibling)))))
                });
            }
        });
    });
}

/// `Cow::Borrowed(&["a", ..])`.
fn borrowed_strs<'a>(w: &mut Writer, values: impl IntoIterator<Item = &'a str>) {
    w.call("Cow::Borrowed", |w| {
        w.arg(|w| {
            w.word("&");
            w.array(values, |w, v| w.str(v));
        });
    });
}

/// `Ty::..`: a named type by its `TypeId`.
fn ty(w: &mut Writer, ty: shape::Ty) {
    match ty {
        shape::Ty::Array(item) => w.call("Ty::Array", |w| w.arg(|w| self::item(w, item))),
        shape::Ty::Map(item) => w.call("Ty::Map", |w| w.arg(|w| self::item(w, item))),
        shape::Ty::String => w.word("Ty::String"),
        shape::Ty::Bool => w.word("Ty::Bool"),
        shape::Ty::I32 => w.word("Ty::I32"),
        shape::Ty::I64 => w.word("Ty::I64"),
        shape::Ty::U32 => w.word("Ty::U32"),
        shape::Ty::U64 => w.word("Ty::U64"),
        shape::Ty::F64 => w.word("Ty::F64"),
        shape::Ty::Json => w.word("Ty::Json"),
        shape::Ty::Named(id) => w.call("Ty::Named", |w| w.arg(|w| type_id(w, id))),
    }
}

/// `Item::..`: an array's item or a map's value.
fn item(w: &mut Writer, item: Item) {
    match item {
        Item::String => w.word("Item::String"),
        Item::Bool => w.word("Item::Bool"),
        Item::I32 => w.word("Item::I32"),
        Item::I64 => w.word("Item::I64"),
        Item::U32 => w.word("Item::U32"),
        Item::U64 => w.word("Item::U64"),
        Item::F64 => w.word("Item::F64"),
        Item::Json => w.word("Item::Json"),
        Item::Named(id) => w.call("Item::Named", |w| w.arg(|w| type_id(w, id))),
    }
}

/// `TypeId(12)`.
fn type_id(w: &mut Writer, id: TypeId) {
    w.call("TypeId", |w| w.arg(|w| w.uint(u64::from(id.0))));
}

/// A `const` for a named type, in the module of the file declaring it; its documentation
/// names its `TypeId`, which the table's fields refer to it by.
fn named_type(w: &mut Writer, def: &TypeDef, table: &Table<'_>) {
    let Some((id, named)) =
        table.ids.get(&std::ptr::from_ref(def)).and_then(|id| Some((*id, table.schema.get(*id)?)))
    else {
        return;
    };
    w.doc(
        "///",
        &format!("`{}` (`TypeId({})`): {}", def.name, id.0, def.doc.lines().next().unwrap_or_default()),
        true,
    );
    w.static_item(&format!("pub(crate) const {}", static_name(&def.name)), "NamedType<'static>", |w| {
        w.struct_lit("NamedType", None, |w| {
            w.field("name", |w| w.str(named.name));
            w.field("kind", |w| kind(w, named));
        });
    });
}

/// `TypeKind::..` of a named type.
fn kind(w: &mut Writer, named: &NamedType<'_>) {
    match &named.kind {
        shape::TypeKind::Object(fields) => w.call("TypeKind::Object", |w| {
            w.arg(|w| w.call("Cow::Borrowed", |w| w.arg(|w| self::fields(w, fields))));
        }),
        shape::TypeKind::StringEnum(values) => {
            w.call("TypeKind::StringEnum", |w| w.arg(|w| borrowed_strs(w, values.iter().copied())));
        }
        shape::TypeKind::IntEnum(values) => w.call("TypeKind::IntEnum", |w| {
            w.arg(|w| {
                w.call("Cow::Borrowed", |w| {
                    w.arg(|w| {
                        w.word("&");
                        w.int_array(values);
                    });
                });
            });
        }),
        shape::TypeKind::Union(union) => w.call_block("TypeKind::Union", |w| {
            w.struct_lit("Union", None, |w| {
                w.field("tag", |w| w.str(union.tag));
                w.field("internal", |w| w.bool(union.internal));
                w.field("variants", |w| {
                    w.call("Cow::Borrowed", |w| {
                        w.arg(|w| {
                            w.word("&");
                            w.array(union.variants.iter(), |w, case| {
                                w.struct_lit("UnionCase", None, |w| {
                                    w.field("tag", |w| w.str(case.tag));
                                    w.field("key", |w| borrowed_strs(w, case.key.iter().copied()));
                                    w.field("ty", |w| type_id(w, case.ty));
                                });
                            });
                        });
                    });
                });
            });
        }),
    }
}

/// The SCREAMING_SNAKE_CASE name of a named type's `const`.
fn static_name(type_name: &str) -> String {
    // Type names were checked to be UpperCamelCase identifiers, so this cannot fail; fall
    // back to the name itself rather than panic.
    names::shouty(type_name).unwrap_or_else(|| type_name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::test_support;

    fn spec(endpoint: &str) -> Spec {
        let shared = "[types.Shared]\ndoc = \"Shared.\"\nfields.n = { type = \"u32\", doc = \"N.\" }\n";
        test_support::one_endpoint_spec("demo", test_support::SYSTEM_BUSY, Some(shared), endpoint)
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
        operations_file(spec)
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
