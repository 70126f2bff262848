//! Turning token streams into formatted Rust files, and the small pieces every Rust emitter
//! shares: doc attributes, identifiers, type paths.

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use quote::quote;

use crate::emit::doc_wrap::{lines, split_lines_inclusive, trim_indent};
use crate::emit::table_writer::Writer;
use crate::emit::{EmitError, HEADER};
use crate::model::{Field, FixedParam, Limits, Ty, TypeScope};

/// Formats tokens as a Rust file with the `@generated` header.
pub(crate) fn rust_file(path: &str, tokens: TokenStream) -> Result<String, EmitError> {
    Ok(finish_file(&items_text(path, tokens)?))
}

/// A module's file: its docs (`//!` lines, written as text: for an operation they are most of
/// the file's text, and going through a doc attribute, syn and prettyplease cost more than
/// writing them) and its items.
pub(crate) fn module_file(path: &str, docs: &str, items: TokenStream) -> Result<String, EmitError> {
    let mut w = Writer::new(docs.len() + docs.len() / 8);
    w.doc("//!", docs, true);
    let mut text = crate::emit::doc_wrap::wrap_doc_lines(w.finish());
    text.push_str(&items_text(path, items)?);
    Ok(finish_file(&text))
}

/// The items of `tokens` formatted, without the file's header and blank lines.
fn items_text(path: &str, tokens: TokenStream) -> Result<String, EmitError> {
    let texts = VERBATIM_TEXTS.take();
    let file: syn::File = syn::parse2(tokens).map_err(|e| EmitError {
        path: path.to_owned(),
        message: format!("generated tokens are not valid Rust: {e}"),
    })?;
    let text = prettyplease::unparse(&file);
    drop(file);
    let text = split_doc_lines(text).map_err(|message| EmitError { path: path.to_owned(), message })?;
    let text = crate::emit::doc_wrap::wrap_doc_lines(join_crate_paths(text));
    // Last: the items written as text are already as these passes leave them.
    expand_verbatim(text, texts).map_err(|message| EmitError { path: path.to_owned(), message })
}

/// The macro that stands for an item written as text ([`verbatim_item`]) until
/// [`rust_file`] puts the text in its place.
const VERBATIM: &str = "__verbatim_item!(";

thread_local! {
    /// The texts of the items [`verbatim_item`] made on this thread since [`rust_file`] last
    /// took them, by number. A file's tokens are made and formatted on one thread (token
    /// streams cannot cross threads), so the texts of a file's items are all here when it is
    /// formatted.
    static VERBATIM_TEXTS: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// An item already laid out as prettyplease lays it out at the column where it goes (`text`:
/// doc comments split and wrapped as [`rust_file`] leaves them, each line ending with a line
/// break). The file's tokens hold a macro call with the item's number in its place, and the
/// text waits on this thread for [`rust_file`]: syn, prettyplease and the passes over the
/// printed file never see it.
pub(crate) fn verbatim_item(text: String) -> TokenStream {
    let number = VERBATIM_TEXTS.with_borrow_mut(|texts| {
        texts.push(text);
        texts.len() - 1
    });
    let number = Literal::usize_unsuffixed(number);
    quote!(__verbatim_item!(#number);)
}

/// `gate` (a `#[cfg(..)]` attribute), if any, on a line of its own: what goes before each
/// impl written as text for a type behind a feature.
pub(crate) fn push_gate(text: &mut String, gate: Option<&str>) {
    if let Some(gate) = gate {
        text.push_str(gate);
        text.push('\n');
    }
}

/// `text` with each [`verbatim_item`] call replaced by the item of its number in `texts`,
/// which must start at the column of the call.
fn expand_verbatim(text: String, mut texts: Vec<String>) -> Result<String, String> {
    if !text.contains(VERBATIM) {
        return Ok(text);
    }
    let added: usize = texts.iter().map(String::len).sum();
    let mut out = String::with_capacity(text.len() + added);
    let mut rest = text.as_str();
    while let Some(at) = rest.find(VERBATIM) {
        let line_start = rest[..at].rfind('\n').map_or(0, |i| i + 1);
        let indent = &rest[line_start..at];
        if !indent.bytes().all(|b| b == b' ') {
            return Err(format!("an item written as text is not on a line of its own: {indent:?}"));
        }
        out.push_str(&rest[..line_start]);
        let after = &rest[at + VERBATIM.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let item = after[..digits]
            .parse::<usize>()
            .ok()
            .and_then(|number| texts.get_mut(number))
            .map(std::mem::take)
            .filter(|item| !item.is_empty())
            .ok_or_else(|| {
                format!(
                    "`{VERBATIM}{}` names no item written as text for this file (made on \
                     another thread, or already placed)",
                    &after[..digits]
                )
            })?;
        let starts_at_call = item.strip_prefix(indent).is_some_and(|rest| !rest.starts_with(' '));
        if !starts_at_call {
            return Err(format!("an item written as text does not start at column {}", indent.len()));
        }
        out.push_str(&item);
        rest = after[digits..]
            .strip_prefix(");")
            .ok_or_else(|| "an item written as text is not closed by `);`".to_owned())?;
        rest = rest.strip_prefix('\n').unwrap_or(rest);
    }
    out.push_str(rest);
    Ok(out)
}

/// prettyplease prints a path that starts with `crate` inside a macro's arguments with a
/// space (`error_codes!(X in crate ::Code ...)`), or breaks the line there (`General(crate` then
/// `::GeneralErrorCode)` on the next line): written as rustfmt and a person write it, the path
/// whole, moved to the next line in the second case.
pub(crate) fn join_crate_paths(text: String) -> String {
    if !text.contains("crate ::") && !text.contains("crate\n") {
        return text;
    }
    let text = text.replace("crate ::", "crate::");
    let mut out = String::with_capacity(text.len());
    let mut lines = text.split_inclusive('\n').peekable();
    while let Some(line) = lines.next() {
        let next = lines.peek().map(|next| (next.len() - next.trim_start().len(), next.trim_start()));
        let split_path = line.strip_suffix("crate\n").filter(|head| {
            !head.ends_with(|c: char| c.is_alphanumeric() || c == '_')
                && next.is_some_and(|(_, rest)| rest.starts_with("::"))
        });
        match (split_path, next) {
            (Some(head), Some((indent, rest))) => {
                out.push_str(head.trim_end());
                out.push('\n');
                out.push_str(&" ".repeat(indent));
                out.push_str("crate");
                out.push_str(rest);
                lines.next();
            }
            _ => out.push_str(line),
        }
    }
    out
}

/// A file of Rust as prettyplease prints it, with the `@generated` header and blank lines
/// between items.
pub(crate) fn finish_file(text: &str) -> String {
    let mut out = String::with_capacity(HEADER.len() + 5 + text.len() + text.len() / 16);
    out.push_str("// ");
    out.push_str(HEADER);
    out.push_str("\n\n");
    separate_items(text, &mut out);
    out
}

/// prettyplease prints items back to back; a blank line after the module docs and between
/// items (and between methods) makes the file read like hand-written code. Appends to `out`.
fn separate_items(text: &str, out: &mut String) {
    // Each line is looked at twice, as itself and as the next line: its trimmed text and
    // indent are computed once.
    let mut each = lines(text).map(|line| {
        let trimmed = trim_indent(line);
        (line, trimmed, line.len() - trimmed.len())
    });
    let Some(mut current) = each.next() else { return };
    loop {
        let (line, trimmed, indent) = current;
        out.push_str(line);
        out.push('\n');
        let Some(next) = each.next() else { break };
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

/// `#[cfg(feature = "serialize-responses")]` on a `Serialize` impl of a type only answers
/// hold; nothing for a type a request holds.
pub(crate) fn serialize_gate(received_only: bool) -> Option<TokenStream> {
    let feature = crate::emit::SERIALIZE_RESPONSES_FEATURE;
    received_only.then(|| quote!(#[cfg(feature = #feature)]))
}

/// `#[cfg(feature = "deserialize-requests")]` on a `Deserialize` impl (or what only it
/// uses) of a type only requests hold; nothing for a type an answer holds.
pub(crate) fn deserialize_gate(sent_only: bool) -> Option<TokenStream> {
    let feature = crate::emit::DESERIALIZE_REQUESTS_FEATURE;
    sent_only.then(|| quote!(#[cfg(feature = #feature)]))
}

/// `#[cfg(feature = "name")]`, as text.
pub(crate) fn cfg_feature(feature: &str) -> String {
    format!("#[cfg(feature = \"{feature}\")]")
}

/// An integer literal without a type suffix.
pub(crate) fn integer(value: i64) -> TokenStream {
    // The magnitude as unsigned: `i64::MIN`'s does not fit an `i64`.
    let literal = proc_macro2::Literal::u64_unsuffixed(value.unsigned_abs());
    if value < 0 { quote!(-#literal) } else { quote!(#literal) }
}

/// `Limits { .. }` with the limits the spec states and `..Limits::NONE` for the rest, where
/// `path` is how the emitted file names the type (`::wechat_core::Limits` for the client's
/// `Check` impls, `Limits` in the mock's table).
pub(crate) fn limits(w: &mut Writer, limits: &Limits, path: &str) {
    w.struct_lit(path, Some(&format!("{path}::NONE")), |w| {
        let unsigned = [
            ("min_length", limits.min_length),
            ("max_length", limits.max_length),
            ("max_bytes", limits.max_bytes),
        ];
        for (name, n) in unsigned {
            if let Some(n) = n {
                w.field(name, |w| w.call("Some", |w| w.arg(|w| w.uint(n))));
            }
        }
        for (name, n) in [("minimum", limits.minimum), ("maximum", limits.maximum)] {
            if let Some(n) = n {
                w.field(name, |w| w.call("Some", |w| w.arg(|w| w.int(n))));
            }
        }
        for (name, n) in [("min_items", limits.min_items), ("max_items", limits.max_items)] {
            if let Some(n) = n {
                w.field(name, |w| w.call("Some", |w| w.arg(|w| w.uint(n))));
            }
        }
    });
}

/// `&[("name", "value"), ..]`: constant query parameters or body fields, as a slice of pairs.
pub(crate) fn fixed_params(w: &mut Writer, params: &[FixedParam]) {
    w.word("&");
    w.array(params, |w, p| {
        w.tuple(|w| {
            w.arg(|w| w.str(&p.name));
            w.arg(|w| w.str(&p.value));
        })
    });
}

/// An identifier made by `names`; raw identifiers are never needed because keywords were
/// already given a trailing `_` there.
pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// Marks the line breaks of a doc comment carried by one attribute (followed by `n`), and
/// stands for itself when doubled; [`rust_file`] splits the lines again.
const DOC_ESCAPE: char = '\u{1}';

/// `#[doc = "..."]` attributes of `text`, so prettyplease prints them as `///` lines. One
/// attribute per line is what prettyplease prints as `///` lines, but syn parses each attribute's value as an expression and prettyplease prints
/// each one by one, so a comment of several lines travels as one attribute whose lines are
/// joined by [`DOC_ESCAPE`], and its printed line is split after formatting. The tokens are
/// built directly: a file holds thousands of doc comments.
pub(crate) fn doc(text: &str) -> TokenStream {
    let text = text.trim_end();
    if text.is_empty() {
        return TokenStream::new();
    }
    // Each line's value is ` line`, or nothing for an empty line.
    let mut value = String::with_capacity(text.len() + 16);
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            value.push(DOC_ESCAPE);
            value.push('n');
        }
        if !line.is_empty() {
            value.push(' ');
            if line.contains(DOC_ESCAPE) {
                value.extend(line.chars().flat_map(|c| {
                    let twice = c == DOC_ESCAPE;
                    std::iter::once(c).chain(twice.then_some(c))
                }));
            } else {
                value.push_str(line);
            }
        }
    }
    let mut tokens = vec![TokenTree::Punct(Punct::new('#', Spacing::Alone))];
    let attribute = [
        TokenTree::Ident(ident("doc")),
        TokenTree::Punct(Punct::new('=', Spacing::Alone)),
        TokenTree::Literal(doc_literal(&value)),
    ];
    tokens.push(TokenTree::Group(Group::new(Delimiter::Bracket, attribute.into_iter().collect())));
    tokens.into_iter().collect()
}

/// The string literal of a doc attribute's value. prettyplease prints a doc attribute by its
/// value (`/// value`), never by its spelling, so it is spelled as a raw string: `syn` and
/// prettyplease read a raw string's value by slicing it, where an escaped one is unescaped
/// character by character, once on parsing and once on printing.
fn doc_literal(value: &str) -> Literal {
    // A bare carriage return is not allowed in a raw string. (A value starting with `/`
    // would be printed as an attribute, spelling and all: a value starts with a space.)
    if !value.contains('\r') {
        let mut hashes = 0;
        if value.contains('"') {
            hashes = 1;
            while value.contains(&format!("\"{}", "#".repeat(hashes))) {
                hashes += 1;
            }
        }
        let mut spelling = String::with_capacity(value.len() + 3 + 2 * hashes);
        spelling.push('r');
        spelling.extend(std::iter::repeat_n('#', hashes));
        spelling.push('"');
        spelling.push_str(value);
        spelling.push('"');
        spelling.extend(std::iter::repeat_n('#', hashes));
        if let Ok(literal) = spelling.parse() {
            return literal;
        }
    }
    Literal::string(value)
}

/// The `///` and `//!` lines prettyplease printed for doc comments of several lines, split
/// back into one line each (see [`DOC_ESCAPE`]), each trimmed of trailing spaces as
/// prettyplease trims a line.
fn split_doc_lines(text: String) -> Result<String, String> {
    if !text.contains(DOC_ESCAPE) {
        return Ok(text);
    }
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in split_lines_inclusive(&text) {
        if !line.contains(DOC_ESCAPE) {
            out.push_str(line);
            continue;
        }
        let body = line.strip_suffix('\n').unwrap_or(line);
        let trimmed = body.trim_start();
        let indent = &body[..body.len() - trimmed.len()];
        let Some((marker, rest)) = ["///", "//!"].iter().find_map(|m| Some((*m, trimmed.strip_prefix(m)?)))
        else {
            return Err(format!("a doc comment's escape outside a doc comment: {body:?}"));
        };
        // Runs between escapes are copied whole; a doubled escape stands for itself.
        let mut piece = String::new();
        let mut rest = rest;
        loop {
            let at = rest.find(DOC_ESCAPE).unwrap_or(rest.len());
            piece.push_str(&rest[..at]);
            let after = &rest[at..];
            let line_ends = if after.is_empty() {
                true
            } else if let Some(next) = after.strip_prefix(DOC_ESCAPE).and_then(|a| a.strip_prefix(DOC_ESCAPE))
            {
                piece.push(DOC_ESCAPE);
                rest = next;
                continue;
            } else if let Some(next) = after.strip_prefix(DOC_ESCAPE).and_then(|a| a.strip_prefix('n')) {
                rest = next;
                false
            } else {
                return Err(format!("a stray escape in a doc comment: {body:?}"));
            };
            out.push_str(indent);
            out.push_str(marker);
            out.push_str(piece.trim_end_matches(' '));
            out.push('\n');
            piece.clear();
            if line_ends {
                break;
            }
        }
    }
    Ok(out)
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

/// The private field holding a body constant.
pub(crate) fn constant_ident(constant: &FixedParam) -> String {
    // resolve checked that the name makes an identifier.
    crate::names::snake(&constant.name).unwrap_or_else(|| constant.name.clone())
}

/// The Rust type of a field as it sits in its struct.
pub(crate) fn field_type(field: &Field) -> TokenStream {
    let ty = if field.secret { quote!(::wechat_core::Secret) } else { value_type(&field.ty) };
    let ty = if field.boxed { quote!(Box<#ty>) } else { ty };
    if field.is_option() { quote!(Option<#ty>) } else { ty }
}

/// Escapes text for a Markdown table cell.
pub(crate) fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_item_written_as_text_takes_the_place_of_its_macro_call() {
        let item = super::verbatim_item(
            "    impl A {\n        const S: &str = \"\\\"quoted\\\" \u{4e2d}\";\n    }\n".to_owned(),
        );
        let file = super::rust_file("a.rs", quote::quote! { mod m { #item } }).expect("a file");
        assert!(
            file.ends_with(
                "mod m {\n    impl A {\n        const S: &str = \"\\\"quoted\\\" \u{4e2d}\";\n    }\n}\n"
            ),
            "{file}"
        );
        // Any text, a carriage return and what looks like the macro included; the items of
        // the next file start again.
        for text in ["const A: &str = \"\"#\";\n", "// a\rb __verbatim_item!(0);\nconst B: u8 = 0;\n"] {
            let (first, second) =
                (super::verbatim_item(text.to_owned()), super::verbatim_item(text.to_owned()));
            let file = super::rust_file("a.rs", quote::quote!(#first #second)).expect("a file");
            assert!(
                file.ends_with(&format!("{text}\n{text}")) || file.ends_with(&format!("{text}{text}")),
                "{file:?}"
            );
        }
        assert!(super::VERBATIM_TEXTS.with_borrow(Vec::is_empty));
    }

    #[test]
    fn a_malformed_or_unknown_item_macro_is_an_error_not_a_panic() {
        let texts = || vec!["const A: u8 = 0;\n".to_owned()];
        for printed in [
            "__verbatim_item!(x);\n",
            "__verbatim_item!(1);\n",
            "__verbatim_item!(0)\n",
            "__verbatim_item!(99999999999999999999999);\n",
            "__verbatim_item!(0);\n__verbatim_item!(0);\n",
            "f(__verbatim_item!(0));\n",
            "    __verbatim_item!(0);\n",
        ] {
            assert!(super::expand_verbatim(printed.to_owned(), texts()).is_err(), "{printed}");
        }
        assert_eq!(
            super::expand_verbatim("__verbatim_item!(0);\n".to_owned(), texts()).as_deref(),
            Ok("const A: u8 = 0;\n")
        );
        // An item made for another file, formatted first, is not this file's.
        let _other = super::verbatim_item("const B: u8 = 0;\n".to_owned());
        assert!(
            super::rust_file(
                "a.rs",
                quote::quote!(
                    mod m {}
                )
            )
            .is_ok()
        );
        let error = super::rust_file("b.rs", quote::quote!(__verbatim_item!(0);)).expect_err("no item 0");
        assert!(error.message.contains("names no item"), "{error}");
    }

    #[test]
    fn a_crate_path_split_by_the_printer_is_written_whole() {
        let printed = "m!(X in crate ::Code { A, B } else General(crate\n    ::GeneralErrorCode)\n);\nf(mycrate\n    ::x);\n";
        assert_eq!(
            super::join_crate_paths(printed.to_owned()),
            "m!(X in crate::Code { A, B } else General(\n    crate::GeneralErrorCode)\n);\nf(mycrate\n    ::x);\n"
        );
    }

    use super::*;

    /// Every `i64` is written as the literal that reads back as it, the smallest included.
    #[test]
    fn integers_are_written_as_literals_of_their_value() {
        for value in [0, 7, -7, i64::MAX, i64::MIN] {
            let written = integer(value).to_string().replace(' ', "");
            assert_eq!(written, value.to_string());
            let read: syn::Expr = syn::parse_str(&written).expect("an expression");
            let read = quote!(#read).to_string().replace(' ', "");
            assert_eq!(read, value.to_string());
        }
    }

    /// A file as prettyplease prints it with one `#[doc = "..."]` attribute per line, the
    /// plain way that `doc` and [`module_file`]'s docs must print the same as.
    fn one_attribute_per_line(inner_text: &str, outer_text: &str) -> String {
        let attributes = |text: &str, inner: bool| {
            let lines = text.trim_end().lines().map(|line| {
                let line = if line.is_empty() { String::new() } else { format!(" {line}") };
                if inner { quote!(#![doc = #line]) } else { quote!(#[doc = #line]) }
            });
            quote!(#(#lines)*)
        };
        let (inner, outer) = (attributes(inner_text, true), attributes(outer_text, false));
        let file: syn::File = syn::parse2(quote! {
            #inner
            mod m {
                #outer
                pub struct S {
                    #outer
                    pub f: u8,
                }
            }
        })
        .expect("valid Rust");
        let mut out = format!("// {HEADER}\n\n");
        separate_items(&prettyplease::unparse(&file), &mut out);
        out
    }

    #[test]
    fn doc_comments_print_as_one_attribute_per_line_would() {
        let texts = [
            "One line.",
            "Two\nlines.",
            "Trailing spaces   \nin the middle  \n\nand an empty line; indented:\n    code\n",
            "Quotes \"# and \"## and a backslash \\ and 中文.",
            "\u{1} escapes \u{1}\u{1}n stand \u{1}n for themselves \u{1}",
            "Tab\t \n  \n   spaces only above",
            "A carriage\rreturn, which no raw string holds.\nNext.",
            "",
        ];
        for inner in texts {
            for outer in texts {
                let outer_docs = doc(outer);
                let tokens = quote! {
                    mod m {
                        #outer_docs
                        pub struct S {
                            #outer_docs
                            pub f: u8,
                        }
                    }
                };
                let got = module_file("test.rs", inner, tokens).expect("formats");
                assert_eq!(got, one_attribute_per_line(inner, outer), "{inner:?} / {outer:?}");
            }
        }
    }
}
