//! The `wechat` command line (crates/wechat-cli): its command table, its manifest and the test
//! that runs every operation through the built binary against wechat-mock.
//!
//! The table is data (names, flags, help text) plus one small function per operation that
//! names the request type, so the hand-written runtime builds the clap commands, reads the
//! input and sends the call; nothing here knows clap.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToKebabCase;
use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::crate_files::any_group;
use crate::emit::rust::{cfg_feature, fixed_params, ident, verbatim_item};
use crate::emit::table_writer::{Base, Link, Writer};
use crate::model::{
    Direction, Field, FileField, Group, Literal, Operation, Spec, Ty, TypeDef, TypeKind, TypeRef, TypeScope,
    UserAction,
};
use crate::names;
use crate::splice;

/// Where the CLI's generated sources go.
pub const CLI_GENERATED_DIR: &str = "crates/wechat-cli/src/generated";

/// The generated tests running every operation through the binary; `tests/operations.rs`
/// includes them as a module rustfmt skips.
pub const CLI_OPERATIONS_TEST: &str = "crates/wechat-cli/tests/generated/operations.rs";

/// The CLI's manifest, written by hand but for its generated region of group features.
pub const CLI_MANIFEST: &str = "crates/wechat-cli/Cargo.toml";

/// Flags every operation command has; a field spelled like one is given in `--json` only.
const RESERVED_FLAGS: &[&str] = &["json", "file", "help"];

/// `generated/mod.rs`: one [`Group`] table per spec group and one call function per operation.
/// The tables are data, written as text by the table writer (see [`verbatim_item`]); the
/// call functions are tokens.
pub(crate) fn commands_file(spec: &Spec) -> TokenStream {
    let mut w = Writer::new(16 * 1024);
    w.doc("///", "The groups compiled in (each is a cargo feature), in the spec's order.", true);
    w.static_item("pub(crate) static GROUPS", "&[&Group]", |w| {
        w.word("&");
        w.array(&spec.groups, |w, group| {
            w.attr(&cfg_feature(&group.name));
            w.word("&");
            w.word(&group_static(group));
        });
    });
    w.doc(
        "///",
        "What a user (or WeChat's review) does, which `wechat act` tells a running wechat-mock,\nof the \
         groups compiled in.",
        true,
    );
    w.static_item("pub(crate) static USER_ACTIONS", "&[UserAction]", |w| {
        w.word("&");
        w.array(&spec.state.user_actions, |w, action| user_action_entry(w, spec, action));
    });
    let tables = verbatim_item(w.finish());
    let groups = spec.groups.iter().map(|group| group_table(spec, group));
    quote! {
        //! The command table of `wechat`: every group and operation of the spec, with its flags,
        //! help text and the request type it sends, and the mock's user actions.

        #[allow(unused_imports)]
        use crate::call::{Call, CallFuture};
        #[allow(unused_imports)]
        use crate::field::{Field, FilePart, Kind};
        #[allow(unused_imports)]
        use crate::table::{Group, Operation, UserAction};

        #tables

        #(#groups)*
    }
}

/// A user action's entry: its group's and its own command, its route on the mock, its help and
/// its params as fields.
fn user_action_entry(w: &mut Writer, spec: &Spec, action: &UserAction) {
    let about = action
        .doc
        .as_deref()
        .map_or_else(|| action.summary.clone(), |doc| format!("{}\n\n{}", action.summary, doc.trim_end()));
    let flags = flag_names(spec, &[], action.params.iter());
    w.attr(&cfg_feature(&action.group));
    w.struct_lit("UserAction", None, |w| {
        w.field("group", |w| w.str(&action.group.to_kebab_case()));
        w.field("command", |w| w.str(&action.name.to_kebab_case()));
        w.field("route", |w| w.str(&format!("{}/{}", action.group, action.name)));
        w.field("summary", |w| w.str(&action.summary));
        w.field("about", |w| w.str(&about));
        w.field("fields", |w| {
            w.word("&");
            w.array(&action.params, |w, f| field_entry(w, spec, &[], f, flags.get(&f.wire), false));
        });
    });
}

fn group_static(group: &Group) -> String {
    names::shouty(&group.name).unwrap_or_else(|| group.name.to_uppercase())
}

fn call_fn(op: &Operation) -> proc_macro2::Ident {
    ident(&format!("{}_{}", op.group, op.name))
}

/// A group's table, as text, and its operations' call functions.
fn group_table(spec: &Spec, group: &Group) -> TokenStream {
    let about = group
        .doc
        .as_deref()
        .map_or_else(|| group.summary.clone(), |doc| format!("{}\n\n{}", group.summary, doc.trim_end()));
    let mut w = Writer::new(4096 + 4096 * group.operations.len());
    w.attr(&cfg_feature(&group.name));
    w.static_item(&format!("static {}", group_static(group)), "Group", |w| {
        w.struct_lit("Group", None, |w| {
            w.field("command", |w| w.str(&group.name.to_kebab_case()));
            w.field("module", |w| w.str(&group.name));
            w.field("summary", |w| w.str(&group.summary));
            w.field("about", |w| w.str(&about));
            w.field("operations", |w| {
                w.word("&");
                w.array(&group.operations, |w, op| operation_entry(w, spec, op));
            });
        })
    });
    let table = verbatim_item(w.finish());
    let calls = group.operations.iter().map(call_function);
    quote! {
        #table

        #(#calls)*
    }
}

fn operation_entry(w: &mut Writer, spec: &Spec, op: &Operation) {
    let summary = match &op.deprecated {
        Some(_) => format!("[deprecated] {}", op.summary),
        None => op.summary.clone(),
    };
    let flags = flag_names(spec, &op.types, op.request_fields());
    let fields: Vec<&Field> = op.request_fields().filter(|f| f.only != Some(Direction::Response)).collect();
    w.struct_lit("Operation", None, |w| {
        w.field("command", |w| w.str(&op.name.to_kebab_case()));
        w.field("summary", |w| w.str(&summary));
        w.field("about", |w| w.str(&long_about(spec, op)));
        w.field("fields", |w| {
            w.word("&");
            w.array(fields, |w, f| {
                let query = op.query.iter().any(|q| q.wire == f.wire);
                field_entry(w, spec, &op.types, f, flags.get(&f.wire), query);
            });
        });
        w.field("constants", |w| fixed_params(w, &op.fixed_body));
        w.field("files", |w| {
            w.word("&");
            w.array(&op.files, |w, f| {
                w.struct_lit("FilePart", None, |w| {
                    w.field("part", |w| w.str(&f.wire));
                    // As quote writes a `u64`: suffixed.
                    w.field("max_size", |w| w.word(&format!("{}u64", f.max_size)));
                    w.field("required", |w| w.bool(f.required));
                })
            });
        });
        w.field("call", |w| w.word(&call_fn(op).to_string()));
    });
}

/// The flag of each field that gets one: top-level scalars and enums whose kebab-case spelling
/// is free.
fn flag_names<'f>(
    spec: &Spec,
    local: &[TypeDef],
    fields: impl Iterator<Item = &'f Field>,
) -> BTreeMap<String, String> {
    let mut taken: BTreeSet<String> = RESERVED_FLAGS.iter().map(|f| (*f).to_owned()).collect();
    let mut flags = BTreeMap::new();
    for field in fields {
        if field.flatten
            || field.only == Some(Direction::Response)
            || flag_kind(spec, local, &field.ty).is_none()
        {
            continue;
        }
        let flag = field.wire.to_kebab_case();
        if !flag.is_empty() && taken.insert(flag.clone()) {
            flags.insert(field.wire.clone(), flag);
        }
    }
    flags
}

/// The kind of value a flag of this type carries, and the known values of an enum; `None`
/// when only JSON can carry it.
fn flag_kind(spec: &Spec, local: &[TypeDef], ty: &Ty) -> Option<(&'static str, Vec<String>)> {
    let kind = match ty {
        Ty::String => "Text",
        Ty::Bool => "Bool",
        Ty::I32 => "Int32",
        Ty::I64 => "Int64",
        Ty::U32 => "UInt32",
        Ty::U64 => "UInt64",
        Ty::F64 => "Float",
        Ty::Named(r) => {
            return match named_kind(spec, local, r)? {
                TypeKind::StringEnum(variants) => {
                    Some(("Text", variants.iter().map(|v| literal_text(&v.wire)).collect()))
                }
                TypeKind::IntEnum(variants) => {
                    Some(("Int64", variants.iter().map(|v| literal_text(&v.wire)).collect()))
                }
                TypeKind::Struct(_) | TypeKind::Union(_) => None,
            };
        }
        Ty::Array(_) | Ty::Map(_) | Ty::Json => return None,
    };
    Some((kind, Vec::new()))
}

fn field_entry(
    w: &mut Writer,
    spec: &Spec,
    local: &[TypeDef],
    field: &Field,
    flag: Option<&String>,
    query: bool,
) {
    let kind = flag.and_then(|_| flag_kind(spec, local, &field.ty));
    w.struct_lit("Field", None, |w| {
        w.field("wire", |w| w.str(&field.wire));
        w.field("flag", |w| match flag {
            Some(flag) => w.call("Some", |w| w.arg(|w| w.str(flag))),
            None => w.word("None"),
        });
        w.field("help", |w| w.str(&one_line(&field.doc)));
        w.field("kind", |w| match &kind {
            Some((kind, _)) => w.word(&format!("Kind::{kind}")),
            None => w.call("Kind::Json", |w| w.arg(|w| w.str(&describe(spec, local, &field.ty)))),
        });
        w.field("values", |w| {
            w.word("&");
            w.array(kind.iter().flat_map(|(_, values)| values), |w, v| w.str(v));
        });
        w.field("required", |w| w.bool(field.required && !field.flatten));
        w.field("query", |w| w.bool(query));
        w.field("secret", |w| w.bool(field.secret));
        w.field("aliases", |w| {
            w.word("&");
            w.array(&field.aliases, |w, a| w.str(a));
        });
    });
}

fn named_kind<'a>(spec: &'a Spec, local: &'a [TypeDef], r: &TypeRef) -> Option<&'a TypeKind> {
    let types = match &r.scope {
        TypeScope::Local => local,
        TypeScope::Group(group) => &spec.groups.iter().find(|g| &g.name == group)?.types,
        TypeScope::Shared => &spec.shared_types,
    };
    types.iter().find(|t| t.name == r.name).map(|t| &t.kind)
}

/// What a value of the type looks like in JSON, in a few words.
fn describe(spec: &Spec, local: &[TypeDef], ty: &Ty) -> String {
    match ty {
        Ty::String => "a string".to_owned(),
        Ty::Bool => "true or false".to_owned(),
        Ty::I32 | Ty::I64 | Ty::U32 | Ty::U64 => "an integer".to_owned(),
        Ty::F64 => "a number".to_owned(),
        Ty::Array(item) => format!(
            "an array of {}",
            describe(spec, local, item).trim_start_matches("a ").trim_start_matches("an ")
        ),
        Ty::Map(item) => format!(
            "an object of {}",
            describe(spec, local, item).trim_start_matches("a ").trim_start_matches("an ")
        ),
        Ty::Json => "any JSON".to_owned(),
        Ty::Named(r) => match named_kind(spec, local, r) {
            Some(TypeKind::StringEnum(_)) => format!("a string ({})", r.name),
            Some(TypeKind::IntEnum(_)) => format!("an integer ({})", r.name),
            Some(TypeKind::Union(u)) => {
                let tags: Vec<&str> = u.variants.iter().map(|v| v.tag.as_str()).collect();
                format!("an object {} by `{}`: {}", r.name, u.tag, tags.join(", "))
            }
            _ => format!("an object {}", r.name),
        },
    }
}

fn literal_text(literal: &Literal) -> String {
    match literal {
        Literal::Int(value) => value.to_string(),
        Literal::Str(value) => value.clone(),
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The long help of an operation: what it does, the fields only `--json` gives, the files,
/// the spec's example and the endpoint.
fn long_about(spec: &Spec, op: &Operation) -> String {
    let mut text = op.summary.clone();
    if let Some(deprecated) = &op.deprecated {
        text.push_str("\n\nDeprecated by WeChat: ");
        text.push_str(&deprecated.text());
    }
    if let Some(doc) = &op.doc {
        text.push_str("\n\n");
        text.push_str(doc.trim_end());
    }
    let flags = flag_names(spec, &op.types, op.request_fields());
    let json_only: Vec<String> = op
        .request_fields()
        .filter(|f| f.only != Some(Direction::Response) && !flags.contains_key(&f.wire))
        .map(|f| {
            let required = if f.required && !f.flatten { ", required" } else { "" };
            let what = if f.flatten {
                "its keys sit in the request itself".to_owned()
            } else {
                describe(spec, &op.types, &f.ty)
            };
            format!("  {} ({what}{required}): {}", f.wire, one_line(&f.doc))
        })
        .collect();
    if !json_only.is_empty() {
        text.push_str("\n\nFields given with --json only:\n");
        text.push_str(&json_only.join("\n"));
    }
    if !op.files.is_empty() {
        text.push_str("\n\nFiles:\n");
        text.push_str(&op.files.iter().map(|f| file_line(op, f)).collect::<Vec<_>>().join("\n"));
    }
    if let Some(example) = op.examples.iter().find_map(|e| e.request.as_ref().map(|json| json.text.as_str()))
    {
        text.push_str("\n\nExample --json:\n");
        for line in example.trim().lines() {
            text.push_str("  ");
            text.push_str(line);
            text.push('\n');
        }
        text.truncate(text.trim_end().len());
    }
    text.push_str(&format!(
        "\n\nWeChat interface `{}`: {} {}{}.",
        op.interface,
        match op.method {
            crate::model::Method::Get => "GET",
            crate::model::Method::Post => "POST",
        },
        op.path,
        if op.source.is_empty() { String::new() } else { format!(", from {}", op.source) }
    ));
    text
}

fn file_line(op: &Operation, file: &FileField) -> String {
    let how =
        if op.files.len() == 1 { "--file PATH".to_owned() } else { format!("--file {}=PATH", file.wire) };
    let required = if file.required { ", required" } else { "" };
    format!(
        "  {how}: the `{}` part ({}, at most {} bytes{required}): {}",
        file.wire,
        file.content_type,
        file.max_size,
        one_line(&file.doc)
    )
}

/// The operation's call: build its request type from the input, then send it. Written as
/// text, one per operation, all of one shape.
fn call_function(op: &Operation) -> TokenStream {
    verbatim_item(call_function_text(op))
}

fn call_function_text(op: &Operation) -> String {
    let [request, _, _] = op.type_names();
    let binding = if op.query.is_empty() && op.files.is_empty() { "request" } else { "mut request" };
    let mut w = Writer::new(1024);
    w.attr(&cfg_feature(&op.group));
    let call_type = quote!(Call);
    let output = quote!(CallFuture);
    w.function_item(&format!("fn {}", call_fn(op)), &[("call", Some(&call_type))], Some(&output), |w| {
        w.tail(|w| {
            w.call_block("Box::pin", |w| {
                w.async_move_block(|w| {
                    w.let_statement(&format!("{binding}: ::wechat_card::{}::{request}", op.group), |w| {
                        w.chain(Base::Path("call"), &[Link::Method("body", &|_| {}), Link::Try], false);
                    });
                    let set = |w: &mut Writer, field: &str, method: &str, wire: &str| {
                        w.statement(|w| {
                            w.assign(&format!("request.{field}"), |w| {
                                let wire = |w: &mut Writer| w.arg(|w| w.str(wire));
                                w.chain(Base::Path("call"), &[Link::Method(method, &wire), Link::Try], false);
                            });
                        });
                    };
                    for f in &op.query {
                        set(w, &f.ident, "query", &f.wire);
                    }
                    for f in &op.files {
                        set(w, &f.ident, if f.required { "file" } else { "optional_file" }, &f.wire);
                    }
                    let request = |w: &mut Writer| w.arg(|w| w.word("&request"));
                    w.tail(|w| {
                        w.chain(Base::Path("call"), &[Link::Method("send", &request), Link::Await], true);
                    });
                });
            });
        });
    });
    w.finish()
}

/// `tests/generated/operations.rs`: each operation run through the built binary against
/// wechat-mock.
pub(crate) fn operations_test(spec: &Spec) -> TokenStream {
    let tests = spec.operations().map(|op| operation_test(spec, op));
    let any_group = any_group(spec);
    quote! {
        //! Every operation of the spec run through the built `wechat` binary against wechat-mock:
        //! the mock holds the records its success example's `given` declares, the call is
        //! arranged from the spec's example (the mock's sample where the spec has none), its
        //! top-level scalars given as flags and the rest with `--json`; the command must exit 0
        //! and print the answer the mock sent, decoded by the operation's response type.

        #any_group

        use crate::support::{Invocation, Mock};

        #(#tests)*
    }
}

fn operation_test(spec: &Spec, op: &Operation) -> TokenStream {
    verbatim_item(operation_test_text(spec, op))
}

/// [`operation_test`] as text: a test per operation, all of one shape.
fn operation_test_text(spec: &Spec, op: &Operation) -> String {
    let key = format!("{}/{}", op.group, op.name);
    let [request, _, _] = op.type_names();
    let example = op.examples.iter().find_map(|e| e.request.as_ref().map(|json| json.text.as_str()));
    let flags = flag_names(spec, &op.types, op.request_fields());
    let flag_pairs = |fields: &'_ [Field]| -> Vec<(String, String)> {
        fields.iter().filter_map(|f| Some((f.wire.clone(), flags.get(&f.wire)?.clone()))).collect()
    };
    let (body_flags, query_flags) = (flag_pairs(&op.request), flag_pairs(&op.query));
    let pairs = |w: &mut Writer, pairs: &[(String, String)]| {
        w.word("&");
        w.array(pairs, |w, (wire, flag)| {
            w.tuple(|w| {
                w.arg(|w| w.str(wire));
                w.arg(|w| w.str(flag));
            });
        });
    };
    let files: Vec<&FileField> = op.files.iter().filter(|f| f.required).collect();
    // The records the call needs, as the client's generated calls seed them.
    let given = crate::emit::mock_calls::given(op);
    let invocation = |w: &mut Writer| {
        w.struct_lit("Invocation", None, |w| {
            w.field("command", |w| {
                w.word("&");
                w.array([op.group.to_kebab_case(), op.name.to_kebab_case()], |w, part| w.str(&part));
            });
            w.field("operation", |w| w.str(&key));
            w.field("example", |w| match example {
                Some(json) => w.call("Some", |w| w.arg(|w| w.str(json))),
                None => w.word("None"),
            });
            w.field("body_flags", |w| pairs(w, &body_flags));
            w.field("query_flags", |w| pairs(w, &query_flags));
            w.field("files", |w| {
                w.word("&");
                w.array(&files, |w, f| {
                    w.tuple(|w| {
                        w.arg(|w| match op.files.len() {
                            1 => w.word("None"),
                            _ => w.call("Some", |w| w.arg(|w| w.str(&f.wire))),
                        });
                        w.arg(|w| w.str(&f.content_type));
                    });
                });
            });
            w.field("given", |w| crate::emit::state::write_given(w, given));
        });
    };
    let mut w = Writer::new(4096);
    w.attr(&cfg_feature(&op.group));
    w.attr("#[tokio::test]");
    w.function_item(&format!("async fn {}_{}_through_the_binary", op.group, op.name), &[], None, |w| {
        w.let_statement("mock", |w| w.chain(Base::Call("Mock::start", &|_| {}), &[Link::Await], false));
        w.let_statement("printed", |w| {
            w.chain(Base::Path("mock"), &[Link::MethodBlock("invoke", &invocation), Link::Await], false);
        });
        let request_type: TokenStream =
            format!("wechat_card::{}::{request}", op.group).parse().unwrap_or_default();
        let answer = |w: &mut Writer| {
            w.arg(|w| w.str(&key));
            w.arg(|w| w.word("&printed"));
        };
        let assert = Link::Generic("assert_printed_answer", &request_type, &answer);
        w.statement(|w| w.chain(Base::Path("mock"), &[assert], true));
    });
    w.finish()
}

/// The generated region of `crates/wechat-cli/Cargo.toml`'s `[features]` table: `full`
/// (`mock` and every group) and one feature per group, forwarded to wechat-card. The rest
/// of the manifest (package metadata, dependencies, `default` and `mock`) is written by hand;
/// [`crate::splice`] puts this region into it.
pub(crate) fn cargo_toml_features(spec: &Spec) -> String {
    let groups: Vec<&str> = spec.groups.iter().map(|g| g.name.as_str()).collect();
    let full: Vec<String> =
        std::iter::once("\"mock\"".to_owned()).chain(groups.iter().map(|g| format!("\"{g}\""))).collect();
    let mut body = format!(
        "# Everything: `wechat mock` and every group. A build with fewer groups compiles faster.\nfull = [{}]\n",
        full.join(", ")
    );
    for group in &groups {
        body.push_str(&format!("{group} = [\"wechat-card/{group}\"]\n"));
    }
    splice::region(&body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::test_support;

    fn spec(endpoint: &str) -> Spec {
        let errors = format!("{}retry = \"backoff\"\n", test_support::SYSTEM_BUSY);
        test_support::one_endpoint_spec("card_code", &errors, None, endpoint)
    }

    const ENDPOINT: &str = r#"
name = "mark_it"
interface = "markIt"
summary = "Marks it."
method = "POST"
path = "/demo/mark"
auth = { token = "access_token" }
query.component_appid = { type = "string", doc = "The platform's appid." }
request.card_id = { type = "string", doc = "The card." }
request.is_mark = { type = "bool", optional = true, doc = "Mark or\nunmark." }
request.count = { type = "u32", doc = "How many." }
request.status = { type = "Status", optional = true, doc = "The status." }
request.json = { type = "string", optional = true, doc = "Spelled like a reserved flag." }
request.codes = { type = "array", items = "string", doc = "The codes." }
request.action = { type = "string", value = "mark", doc = "The action." }
response.ok = { type = "bool", doc = "Done." }

[types.Status]
doc = "A status."
values = [{ value = "NORMAL", doc = "Normal." }, { value = "USED", doc = "Used." }]

[[examples]]
request = '{"card_id": "c", "is_mark": true, "count": 2, "codes": ["x"], "action": "mark"}'
response = '{"errcode": 0, "errmsg": "ok", "ok": true}'
"#;

    fn squeezed(text: &str) -> String {
        text.split_whitespace()
            .collect::<String>()
            .replace(",}", "}")
            .replace(",]", "]")
            .replace(",)", ")")
            .replace(",>", ">")
    }

    fn commands() -> String {
        let text = crate::emit::rust::rust_file("mod.rs", commands_file(&spec(ENDPOINT)))
            .unwrap_or_else(|e| panic!("{e}"));
        squeezed(&text)
    }

    #[test]
    fn scalars_get_kebab_case_flags_and_the_rest_json_only() {
        let text = commands();
        for expected in [
            r#"Field { wire: "card_id", flag: Some("card-id"), help: "The card.", kind: Kind::Text, values: &[], required: true, query: false, secret: false, aliases: &[] }"#,
            r#"Field { wire: "is_mark", flag: Some("is-mark"), help: "Mark or unmark.", kind: Kind::Bool, values: &[], required: false"#,
            r#"Field { wire: "count", flag: Some("count"), help: "How many.", kind: Kind::UInt32"#,
            r#"Field { wire: "status", flag: Some("status"), help: "The status.", kind: Kind::Text, values: &["NORMAL", "USED"]"#,
            r#"Field { wire: "json", flag: None, help: "Spelled like a reserved flag.", kind: Kind::Json("a string")"#,
            r#"Field { wire: "codes", flag: None, help: "The codes.", kind: Kind::Json("an array of string"), values: &[], required: true"#,
            r#"Field { wire: "component_appid", flag: Some("component-appid"), help: "The platform's appid.", kind: Kind::Text, values: &[], required: true, query: true"#,
            r#"constants: &[("action", "mark")]"#,
            r#"command: "card-code", module: "card_code""#,
            r#"command: "mark-it", summary: "Marks it.""#,
        ] {
            assert!(text.contains(&squeezed(expected)), "missing {expected:?} in\n{text}");
        }
    }

    #[test]
    fn each_operation_deserializes_its_request_type_and_sets_query_fields() {
        let text = commands();
        let expected = "#[cfg(feature = \"card_code\")] fn card_code_mark_it(call: Call) -> CallFuture { \
                        Box::pin(async move { \
                        let mut request: ::wechat_card::card_code::MarkItRequest = call.body()?; \
                        request.component_appid = call.query(\"component_appid\")?; \
                        call.send(&request).await }) }";
        assert!(text.contains(&squeezed(expected)), "{text}");
        assert!(
            text.contains(&squeezed(
                "pub(crate) static GROUPS: &[&Group] = &[#[cfg(feature = \"card_code\")] &CARD_CODE];"
            )),
            "{text}"
        );
    }

    #[test]
    fn the_long_help_lists_json_only_fields_and_the_example() {
        let spec = spec(ENDPOINT);
        let op = spec.operations().next().unwrap_or_else(|| panic!("one operation"));
        let about = long_about(&spec, op);
        assert!(about.contains("Fields given with --json only:\n  json (a string): Spelled like a reserved flag.\n  codes (an array of string, required): The codes."), "{about}");
        assert!(about.contains("Example --json:\n  {\"card_id\": \"c\""), "{about}");
        assert!(
            about.ends_with("WeChat interface `markIt`: POST /demo/mark, from spec/card_code/mark_it.toml."),
            "{about}"
        );
    }

    #[test]
    fn the_test_passes_flags_for_scalars_and_runs_the_binary() {
        let text = crate::emit::rust::rust_file("operations.rs", operations_test(&spec(ENDPOINT)))
            .unwrap_or_else(|e| panic!("{e}"));
        let expected = r#"command: &["card-code", "mark-it"], operation: "card_code/mark_it",
            example: Some("{\"card_id\": \"c\", \"is_mark\": true, \"count\": 2, \"codes\": [\"x\"], \"action\": \"mark\"}"),
            body_flags: &[("card_id", "card-id"), ("is_mark", "is-mark"), ("count", "count"), ("status", "status")],
            query_flags: &[("component_appid", "component-appid")], files: &[]"#;
        assert!(squeezed(&text).contains(&squeezed(expected)), "{text}");
        assert!(
            squeezed(&text).contains(&squeezed("mock.assert_printed_answer::<wechat_card::card_code::MarkItRequest>(\"card_code/mark_it\", &printed);")),
            "{text}"
        );
    }

    #[test]
    fn the_manifest_region_forwards_each_group_to_wechat_card() {
        let region = cargo_toml_features(&spec(ENDPOINT));
        assert!(splice::is_region(&region), "{region}");
        assert!(region.contains("\nfull = [\"mock\", \"card_code\"]\n"), "{region}");
        assert!(region.contains("\ncard_code = [\"wechat-card/card_code\"]\n"), "{region}");
    }

    #[test]
    fn operation_tests_are_laid_out_as_prettyplease_lays_them_out() {
        let uploads = r#"
name = "upload_two_documents_with_a_name_long_enough_to_break"
interface = "upload"
summary = "Uploads two."
method = "POST"
path = "/demo/upload"
body = "multipart"
auth = { token = "access_token" }
query.key = { type = "string", doc = "A key." }
request.pdf = { type = "file", content_type = "application/pdf", max_size = 1024, doc = "The file." }
request.picture = { type = "file", content_type = "image/png", max_size = 1024, doc = "The picture." }
response.id = { type = "string", doc = "Id." }
"#;
        for endpoint in [test_support::TEXT_WRITER_ENDPOINT, uploads] {
            let spec = spec(endpoint);
            let op = spec.operations().next().expect("one operation");
            let text = operation_test_text(&spec, op);
            assert_eq!(test_support::prettyplease_of(&text), text);
            let call = call_function_text(op);
            assert_eq!(test_support::prettyplease_of(&call), call);
            assert!(call.contains("\n        call.send(&request).await\n    })\n}\n"), "{call}");
            assert!(
                text.contains("    mock.assert_printed_answer::<\n            wechat_card::card_code::"),
                "{text}"
            );
        }
        let spec = spec(uploads);
        let text = operation_test_text(&spec, spec.operations().next().expect("one operation"));
        assert!(text.contains("(Some(\"picture\"), \"image/png\")"), "{text}");
        assert!(text.contains("query_flags: &[(\"key\", \"key\")],"), "{text}");
        let call = call_function_text(spec.operations().next().expect("one operation"));
        assert!(call.contains("        request.picture = call.file(\"picture\")?;\n"), "{call}");
        assert!(call.contains("        request.key = call.query(\"key\")?;\n"), "{call}");
        assert!(call.contains(" = call\n            .body()?;\n"), "{call}");
    }
}
