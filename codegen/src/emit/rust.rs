//! Turning token streams into formatted Rust files, and the small pieces every Rust emitter
//! shares: doc attributes, identifiers, type paths.

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use quote::quote;

use crate::emit::{EmitError, HEADER};
use crate::model::{Field, Limits, Ty, TypeScope};

/// Formats tokens as a Rust file with the `@generated` header.
pub(crate) fn rust_file(path: &str, tokens: TokenStream) -> Result<String, EmitError> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| EmitError {
        path: path.to_owned(),
        message: format!("generated tokens are not valid Rust: {e}"),
    })?;
    let text = prettyplease::unparse(&file);
    drop(file);
    let mut out = String::with_capacity(HEADER.len() + 5 + text.len() + text.len() / 16);
    out.push_str("// ");
    out.push_str(HEADER);
    out.push_str("\n\n");
    separate_items(&text, &mut out);
    Ok(out)
}

/// prettyplease prints items back to back; a blank line after the module docs and between
/// items (and between methods) makes the file read like hand-written code. Appends to `out`.
fn separate_items(text: &str, out: &mut String) {
    // Each line is looked at twice, as itself and as the next line: its trimmed text and
    // indent are computed once.
    let mut lines = text.lines().map(|line| {
        let trimmed = line.trim_start();
        (line, trimmed, line.len() - trimmed.len())
    });
    let Some(mut current) = lines.next() else { return };
    loop {
        let (line, trimmed, indent) = current;
        out.push_str(line);
        out.push('\n');
        let Some(next) = lines.next() else { break };
        let (_, next_trimmed, next_indent) = next;
        // `};` and `];` close multi-line `use` lists and `static` tables.
        let item_end = matches!(trimmed, "}" | "};" | "];");
        let docs_end = trimmed.starts_with("//!") && !next_trimmed.starts_with("//!");
        if docs_end || (item_end && next_indent == indent && starts_item(next_trimmed)) {
            out.push('\n');
        }
        current = next;
    }
}

/// Whether a trimmed line starts an item (or its docs or attributes).
fn starts_item(trimmed: &str) -> bool {
    ["///", "#[", "pub ", "impl", "fn ", "mod ", "const ", "use "].iter().any(|p| trimmed.starts_with(p))
}

/// An integer literal without a type suffix.
pub(crate) fn integer(value: i64) -> TokenStream {
    let literal = proc_macro2::Literal::i64_unsuffixed(value.unsigned_abs() as i64);
    if value < 0 { quote!(-#literal) } else { quote!(#literal) }
}

/// `Limits { .. }` with the limits the spec states and `..Limits::NONE` for the rest, where
/// `path` is how the emitted file names the type (`::wechat_core::Limits` for the client's
/// `Check` impls, `Limits` in the mock's table).
pub(crate) fn limits(limits: &Limits, path: &TokenStream) -> TokenStream {
    let unsigned = |name: &str, n: Option<u64>| {
        n.map(|n| {
            let (name, n) = (ident(name), proc_macro2::Literal::u64_unsuffixed(n));
            quote!(#name: Some(#n),)
        })
    };
    let signed = |name: &str, n: Option<i64>| {
        n.map(|n| {
            let (name, n) = (ident(name), integer(n));
            quote!(#name: Some(#n),)
        })
    };
    let set = [
        unsigned("min_length", limits.min_length),
        unsigned("max_length", limits.max_length),
        unsigned("max_bytes", limits.max_bytes),
        signed("minimum", limits.minimum),
        signed("maximum", limits.maximum),
        unsigned("min_items", limits.min_items),
        unsigned("max_items", limits.max_items),
    ];
    let set = set.into_iter().flatten();
    quote!(#path { #(#set)* ..#path::NONE })
}

/// An identifier made by `names`; raw identifiers are never needed because keywords were
/// already given a trailing `_` there.
pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// `#[doc = "..."]` attributes, one per line, so prettyplease prints them as `///` lines.
pub(crate) fn doc(text: &str) -> TokenStream {
    doc_attributes(text, false)
}

/// `#![doc = "..."]` attributes for a module's own documentation.
pub(crate) fn inner_doc(text: &str) -> TokenStream {
    doc_attributes(text, true)
}

/// One doc attribute per line of `text`, its tokens built directly: a file holds thousands,
/// and `quote!` would build and copy a stream for each.
fn doc_attributes(text: &str, inner: bool) -> TokenStream {
    let mut tokens = Vec::new();
    for line in text.trim_end().lines() {
        tokens.push(TokenTree::Punct(Punct::new('#', Spacing::Alone)));
        if inner {
            tokens.push(TokenTree::Punct(Punct::new('!', Spacing::Alone)));
        }
        let attribute = [
            TokenTree::Ident(ident("doc")),
            TokenTree::Punct(Punct::new('=', Spacing::Alone)),
            TokenTree::Literal(doc_literal(line)),
        ];
        tokens.push(TokenTree::Group(Group::new(Delimiter::Bracket, attribute.into_iter().collect())));
    }
    tokens.into_iter().collect()
}

/// The string literal of a doc line: ` line`, or nothing for an empty line. prettyplease
/// prints a doc attribute by its value (`/// line`), never by its spelling, so it is spelled
/// as a raw string: `syn` and prettyplease read a raw string's value by slicing it, where an
/// escaped one is unescaped character by character, once on parsing and once on printing.
fn doc_literal(line: &str) -> Literal {
    let value_len = if line.is_empty() { 0 } else { line.len() + 1 };
    // A bare carriage return is not allowed in a raw string; a value starting with `/` would
    // be printed as an attribute, spelling and all (neither happens after `lines()` and the
    // space).
    if !line.contains('\r') {
        let mut hashes = 0;
        if line.contains('"') {
            hashes = 1;
            while line.contains(&format!("\"{}", "#".repeat(hashes))) {
                hashes += 1;
            }
        }
        let mut spelling = String::with_capacity(value_len + 3 + 2 * hashes);
        spelling.push('r');
        spelling.extend(std::iter::repeat_n('#', hashes));
        spelling.push('"');
        if !line.is_empty() {
            spelling.push(' ');
            spelling.push_str(line);
        }
        spelling.push('"');
        spelling.extend(std::iter::repeat_n('#', hashes));
        if let Ok(literal) = spelling.parse() {
            return literal;
        }
    }
    Literal::string(&if line.is_empty() { String::new() } else { format!(" {line}") })
}

/// The Rust type of a field's value, without `Option`.
pub(crate) fn value_type(ty: &Ty) -> TokenStream {
    match ty {
        Ty::String => quote!(String),
        Ty::Bool => quote!(bool),
        Ty::I32 => quote!(i32),
        Ty::I64 => quote!(i64),
        Ty::U32 => quote!(u32),
        Ty::U64 => quote!(u64),
        Ty::F64 => quote!(f64),
        Ty::Array(item) => {
            let item = value_type(item);
            quote!(Vec<#item>)
        }
        Ty::Map(item) => {
            let item = value_type(item);
            quote!(::std::collections::BTreeMap<String, #item>)
        }
        Ty::Json => quote!(::wechat_core::serde_json::Value),
        Ty::Named(r) => {
            let name = ident(&r.name);
            match &r.scope {
                TypeScope::Local => quote!(#name),
                TypeScope::Group(group) => {
                    let group = ident(group);
                    quote!(crate::#group::types::#name)
                }
                TypeScope::Shared => quote!(crate::types::#name),
            }
        }
    }
}

/// The Rust type of a field as it sits in its struct.
pub(crate) fn field_type(field: &Field) -> TokenStream {
    let ty = if field.secret { quote!(::wechat_core::Secret) } else { value_type(&field.ty) };
    let ty = if field.boxed { quote!(Box<#ty>) } else { ty };
    if field.is_option() { quote!(Option<#ty>) } else { ty }
}

/// The name of a lenient decoding function of `wechat_core::lenient` for a field, if its
/// type has one.
pub(crate) fn lenient_decoder(field: &Field) -> Option<String> {
    if field.secret {
        // `Secret` decodes leniently itself.
        return None;
    }
    let base = match field.ty {
        Ty::String => "string",
        Ty::Bool => "boolean",
        Ty::I32 | Ty::I64 | Ty::U32 | Ty::U64 => "integer",
        Ty::F64 => "float",
        Ty::Array(_) | Ty::Map(_) | Ty::Json | Ty::Named(_) => return None,
    };
    Some(if !field.is_option() {
        format!("::wechat_core::lenient::{base}")
    } else {
        format!("::wechat_core::lenient::option_{base}")
    })
}

/// Escapes text for a Markdown table cell.
pub(crate) fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
