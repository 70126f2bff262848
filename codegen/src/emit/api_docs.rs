//! The API reference under `docs/api/`: an index, one page per group and one for the shared
//! types, all Markdown, all from the model.

use std::fmt::Write as _;

use crate::emit::error_codes;
use crate::emit::prose::{
    accounts_line, answer_line, body_line, deprecated_paragraph, request_line, third_party_line,
};
use crate::emit::rust::cell;
use crate::emit::{HEADER, OutputFile};
use crate::model::{
    Direction, Field, FieldRule, FileField, FixedParam, Group, Limits, Literal, Operation, Spec, Ty, TypeDef,
    TypeKind, TypeScope,
};

/// Where the reference is written.
pub const API_DOCS_DIR: &str = "docs/api";

/// Every page of the reference.
pub(crate) fn files(spec: &Spec) -> Vec<OutputFile> {
    let mut files = vec![
        OutputFile { path: format!("{API_DOCS_DIR}/README.md"), contents: index(spec) },
        OutputFile { path: format!("{API_DOCS_DIR}/types.md"), contents: shared_types(spec) },
    ];
    files.extend(spec.groups.iter().map(|g| OutputFile {
        path: format!("{API_DOCS_DIR}/{}.md", g.name),
        contents: group_page(g, spec),
    }));
    files
}

fn header() -> String {
    format!("<!-- {HEADER} -->\n\n")
}

fn index(spec: &Spec) -> String {
    let mut out = header();
    let count = spec.operations().count();
    let _ = writeln!(
        out,
        "# WeChat invoice API reference\n\n{count} endpoints in {} groups. Each group is a module and a \
         cargo feature of `wechat-card`; each endpoint is a method of `wechat_card::Client`.\n",
        spec.groups.len()
    );
    for group in &spec.groups {
        let _ = writeln!(out, "## [{name}]({name}.md)\n\n{}\n", group.summary, name = group.name);
        out.push_str("| method | WeChat path | interface | summary |\n|---|---|---|---|\n");
        for op in &group.operations {
            let _ = writeln!(
                out,
                "| [`{name}`]({group}.md#{name}) | `{method} {path}{query}` | `{interface}` | {summary} |",
                name = op.name,
                group = group.name,
                method = method(op),
                path = op.path,
                query = fixed_query(&op.fixed_query),
                interface = cell(&op.interface),
                summary = cell(&index_summary(op)),
            );
        }
        out.push('\n');
    }
    out.push_str("## General error codes\n\nAny endpoint may answer these.\n\n");
    out.push_str(&error_codes::table(&spec.general_errors));
    out.push_str("\nShared types: [types.md](types.md).\n");
    if !spec.events.events.is_empty() {
        let _ = writeln!(out, "\nPush events ({}): [events.md](events.md).", spec.events.events.len());
    }
    out
}

/// An operation's summary in the index, marked when WeChat deprecated it.
fn index_summary(op: &Operation) -> String {
    if op.deprecated.is_some() { format!("**Deprecated.** {}", op.summary) } else { op.summary.clone() }
}

fn shared_types(spec: &Spec) -> String {
    let mut out = header();
    out.push_str(
        "# Shared types\n\nTypes of `spec/types.toml`, used by several endpoints (`wechat_card::types`).\n\n",
    );
    for def in &spec.shared_types {
        out.push_str(&type_section(def, &Anchors::Shared));
    }
    out
}

fn group_page(group: &Group, spec: &Spec) -> String {
    let mut out = header();
    let _ = writeln!(out, "# `{}`\n\n{}\n", group.name, group.summary);
    if let Some(doc) = &group.doc {
        let _ = writeln!(out, "{}\n", doc.trim());
    }
    let _ = writeln!(out, "Cargo feature `{}`. Back to the [index](README.md).", group.name);
    for op in &group.operations {
        out.push_str(&operation_section(op));
    }
    out.push_str(&crate::emit::state::docs_section(&spec.state, &group.name));
    if !group.errors.is_empty() {
        let _ = writeln!(
            out,
            "\n## Error codes of the group\n\nEvery endpoint of `{}` may answer these.\n",
            group.name
        );
        out.push_str(&error_codes::table(&group.errors));
    }
    if !group.types.is_empty() {
        let _ = writeln!(
            out,
            "\n## Types of the group\n\nTypes of `spec/{name}/types.toml` (`wechat_card::{name}::types`).\n",
            name = group.name
        );
        for def in &group.types {
            out.push_str(&type_section(def, &Anchors::Group(&group.name)));
        }
    }
    out
}

/// Where the page being written sits, which decides how type names become links: to the
/// operation's own section, to the group's types on its page, or to types.md.
enum Anchors<'a> {
    /// types.md.
    Shared,
    /// The types section of a group's page.
    Group(&'a str),
    /// An operation's section of its group's page.
    Local { group: &'a str, op: &'a str },
}

impl Anchors<'_> {
    fn link(&self, name: &str, scope: &TypeScope) -> String {
        let lower = name.to_lowercase();
        let page_group = match self {
            Anchors::Shared => None,
            Anchors::Group(group) | Anchors::Local { group, .. } => Some(*group),
        };
        match (self, scope) {
            (Anchors::Shared, TypeScope::Shared) => format!("[`{name}`](#{lower})"),
            (_, TypeScope::Shared) => format!("[`{name}`](types.md#{lower})"),
            (_, TypeScope::Group(group)) if page_group == Some(group.as_str()) => {
                format!("[`{name}`](#type-{lower})")
            }
            (_, TypeScope::Group(group)) => format!("[`{name}`]({group}.md#type-{lower})"),
            (Anchors::Local { op, .. }, TypeScope::Local) => format!("[`{name}`](#{op}-{lower})"),
            // Shared and group types never refer to an operation's own types.
            (_, TypeScope::Local) => format!("`{name}`"),
        }
    }

    fn anchor(&self, name: &str) -> String {
        match self {
            Anchors::Shared => name.to_lowercase(),
            Anchors::Group(_) => format!("type-{}", name.to_lowercase()),
            Anchors::Local { op, .. } => format!("{op}-{}", name.to_lowercase()),
        }
    }
}

fn operation_section(op: &Operation) -> String {
    let mut out = String::new();
    let anchors = Anchors::Local { group: &op.group, op: &op.name };
    let _ = writeln!(out, "\n<a id=\"{}\"></a>\n\n## `{}`\n\n{}\n", op.name, op.name, op.summary);
    if let Some(deprecated) = deprecated_paragraph(op) {
        let _ = writeln!(out, "{deprecated}\n");
    }
    if let Some(doc) = &op.doc {
        let _ = writeln!(out, "{}\n", doc.trim());
    }
    out.push_str("| | |\n|---|---|\n");
    let _ = writeln!(out, "| Request | `{}` |", request_line(op));
    let _ = writeln!(out, "| WeChat interface | `{}` |", cell(&op.interface));
    let _ = writeln!(out, "| Body | {} |", cell(&body_line(op)));
    if let Some(answer) = answer_line(op) {
        let _ = writeln!(out, "| Answer | {} |", cell(&answer));
    }
    let _ = writeln!(out, "| Third-party platforms | {} |", third_party_line(op));
    let _ = writeln!(out, "| Cloud calls | {} |", if op.cloud_call { "supported" } else { "not supported" });
    let _ = writeln!(out, "| Accounts | {} |", cell(&accounts_line(op)));
    let [request, response, codes] = op.type_names();
    let _ = writeln!(out, "| Rust | `Client::{}(&{request})` -> `{response}`, errors `{codes}` |\n", op.name);
    if !op.query.is_empty() {
        out.push_str("### Query parameters\n\n");
        out.push_str(&fields_table(&op.query, &[], &[], &anchors));
    }
    if !op.request.is_empty() || !op.files.is_empty() || !op.fixed_body.is_empty() {
        out.push_str("### Request body\n\n");
        out.push_str(&fields_table(&op.request, &op.fixed_body, &op.files, &anchors));
    }
    out.push_str("### Response\n\n`errcode` and `errmsg`, and:\n\n");
    if op.response.is_empty() {
        out.push_str("nothing else.\n\n");
    } else {
        out.push_str(&fields_table(&op.response, &[], &[], &anchors));
    }
    for def in &op.types {
        out.push_str(&type_section(def, &anchors));
    }
    out.push_str("### Error codes\n\n");
    if op.errors.is_empty() {
        out.push_str("Only the [general codes](README.md#general-error-codes).\n");
    } else {
        out.push_str(&error_codes::table(&op.errors));
        out.push_str("\nAnd the [general codes](README.md#general-error-codes).\n");
    }
    if !op.notes.is_empty() {
        out.push_str("\n### Notes\n\n");
        for note in &op.notes {
            let _ = writeln!(out, "- {}", note.trim().replace('\n', " "));
        }
    }
    let _ = writeln!(out, "\nSpec: `{}`.", op.source);
    out
}

fn type_section(def: &TypeDef, anchors: &Anchors<'_>) -> String {
    let mut out =
        format!("<a id=\"{}\"></a>\n\n#### `{}`\n\n{}\n\n", anchors.anchor(&def.name), def.name, def.doc);
    match &def.kind {
        TypeKind::Struct(fields) => out.push_str(&fields_table(fields, &[], &[], anchors)),
        TypeKind::StringEnum(variants) | TypeKind::IntEnum(variants) => {
            out.push_str("| value | Rust | meaning |\n|---|---|---|\n");
            for v in variants {
                let wire = match &v.wire {
                    Literal::Str(s) => format!("`\"{s}\"`"),
                    Literal::Int(i) => format!("`{i}`"),
                };
                let _ = writeln!(out, "| {wire} | `{}` | {} |", v.name, cell(&v.doc));
            }
            out.push_str("\nOther values decode as `Unknown(..)`.\n\n");
        }
        TypeKind::Union(union) => {
            let _ = writeln!(out, "One of these, selected by the value of `{}`:\n", union.tag);
            out.push_str("| tag | object at | type | Rust | meaning |\n|---|---|---|---|---|\n");
            for v in &union.variants {
                let at = if v.key.is_empty() {
                    "beside the tag".to_owned()
                } else {
                    format!("`{}`", v.key.join("."))
                };
                let ty = anchors.link(&v.ty.name, &v.ty.scope);
                let _ = writeln!(out, "| `\"{}\"` | {at} | {ty} | `{}` | {} |", v.tag, v.name, cell(&v.doc));
            }
            out.push_str("\nOther tags decode as `Unknown(..)`, which keeps the object whole.\n\n");
        }
    }
    out
}

fn fields_table(
    fields: &[Field],
    constants: &[FixedParam],
    files: &[FileField],
    anchors: &Anchors<'_>,
) -> String {
    let mut out = String::from("| field | type | required | description |\n|---|---|---|---|\n");
    for c in constants {
        let _ =
            writeln!(out, "| `{}` | constant `\"{}\"` | always sent | {} |", c.name, c.value, cell(&c.doc));
    }
    for f in files {
        let _ = writeln!(
            out,
            "| `{}` | file (`{}`, at most {} bytes) | {} | {} |",
            f.wire,
            f.content_type,
            f.max_size,
            yes_no(f.required),
            cell(&f.doc)
        );
    }
    for f in fields {
        let mut doc = cell(&f.doc);
        if !f.aliases.is_empty() {
            let aliases: Vec<String> = f.aliases.iter().map(|a| format!("`{a}`")).collect();
            let _ = write!(doc, " Also accepted as {}.", aliases.join(", "));
        }
        let mut ty = type_text(&f.ty, anchors);
        if f.secret {
            ty.push_str(" (secret)");
        }
        if f.nullable {
            ty.push_str(" or null");
        }
        let limits = limits(&f.constraints);
        if !limits.is_empty() {
            let _ = write!(doc, " Limits: {limits}.");
        }
        let required = match (f.only, &f.rule) {
            (Some(Direction::Response), _) => "answered only".to_owned(),
            (_, Some(rule)) => rule_text(rule, fields),
            (Some(Direction::Request), None) => "sent only".to_owned(),
            (None, None) => yes_no(f.required).to_owned(),
        };
        let wire = if f.flatten { "(its keys here)".to_owned() } else { format!("`{}`", f.wire) };
        let _ = writeln!(out, "| {wire} | {ty} | {required} | {doc} |");
    }
    out.push('\n');
    out
}

/// When a field with a rule is required, for the `required` column.
fn rule_text(rule: &FieldRule, fields: &[Field]) -> String {
    match rule {
        FieldRule::RequiredWhen(sibling) => format!("when `{sibling}` is set"),
        FieldRule::RequiredUnless(sibling) => format!("unless `{sibling}` is set"),
        FieldRule::OneOf(_) => {
            let members: Vec<String> = fields
                .iter()
                .filter(|f| f.rule.as_ref() == Some(rule))
                .map(|f| format!("`{}`", f.wire))
                .collect();
            format!("exactly one of {}", members.join(", "))
        }
    }
}

fn type_text(ty: &Ty, anchors: &Anchors<'_>) -> String {
    match ty {
        Ty::String => "string".into(),
        Ty::Bool => "bool".into(),
        Ty::I32 => "integer (i32)".into(),
        Ty::I64 => "integer (i64)".into(),
        Ty::U32 => "integer (u32)".into(),
        Ty::U64 => "integer (u64)".into(),
        Ty::F64 => "number".into(),
        Ty::Array(item) => format!("array of {}", type_text(item, anchors)),
        Ty::Map(item) => format!("map of string to {}", type_text(item, anchors)),
        Ty::Json => "any JSON".into(),
        Ty::Named(r) => anchors.link(&r.name, &r.scope),
    }
}

/// The limits of a field in words, e.g. `at most 9 characters`.
fn limits(c: &Limits) -> String {
    let mut parts = Vec::new();
    match (c.min_length, c.max_length) {
        (Some(min), Some(max)) => parts.push(format!("{min} to {max} characters")),
        (Some(min), None) => parts.push(format!("at least {min} characters")),
        (None, Some(max)) => parts.push(format!("at most {max} characters")),
        (None, None) => {}
    }
    if let Some(max) = c.max_bytes {
        parts.push(format!("at most {max} bytes of UTF-8 (a Chinese character takes 3)"));
    }
    match (c.minimum, c.maximum) {
        (Some(min), Some(max)) => parts.push(format!("{min} to {max}")),
        (Some(min), None) => parts.push(format!("at least {min}")),
        (None, Some(max)) => parts.push(format!("at most {max}")),
        (None, None) => {}
    }
    match (c.min_items, c.max_items) {
        (Some(min), Some(max)) => parts.push(format!("{min} to {max} items")),
        (Some(min), None) => parts.push(format!("at least {min} items")),
        (None, Some(max)) => parts.push(format!("at most {max} items")),
        (None, None) => {}
    }
    parts.join(", ")
}

fn yes_no(required: bool) -> &'static str {
    if required { "yes" } else { "no" }
}

fn method(op: &Operation) -> &'static str {
    match op.method {
        crate::model::Method::Get => "GET",
        crate::model::Method::Post => "POST",
    }
}

fn fixed_query(params: &[FixedParam]) -> String {
    if params.is_empty() {
        return String::new();
    }
    let pairs: Vec<String> = params.iter().map(|p| format!("{}={}", p.name, p.value)).collect();
    format!("?{}", pairs.join("&"))
}
