//! Error codes: the crate-wide `Code` enum in which each code is defined once, the `Error`
//! every operation's error converts into, WeChat's general codes, and one enum per operation
//! that names the operation's own codes and defers every other code to the general enum.
//!
//! A code's `errcode`, message and retry are written once, in `Code`'s table
//! (`wechat_core::code_table!`); the general and per-operation enums only name their codes
//! (`wechat_core::error_codes!`), and their variants' docs say what the code means there.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::doc_wrap::wrap_doc_lines;
use crate::emit::rust::{cell, doc, ident, integer, join_crate_paths, verbatim_item};
use crate::emit::table_writer::Writer;
use crate::model::{ErrorCase, Retry, SharedCode};

/// Markdown table of error codes, for module and method docs.
pub(crate) fn table(cases: &[ErrorCase]) -> String {
    let mut out = String::from("| code | WeChat's message | meaning | what to do |\n|---|---|---|---|\n");
    for case in cases {
        out.push_str(&format!(
            "| {} | `{}` | {} | {} |\n",
            case.code,
            cell(&case.message),
            cell(&case.meaning),
            cell(case.remedy.as_deref().unwrap_or("")),
        ));
    }
    out
}

/// `generated/error.rs`: the crate-wide `Code` table (the `Error` that returns it is
/// hand-written, in the crate's `src/error.rs`: nothing of it depends on the spec).
pub(crate) fn crate_error(codes: &[SharedCode]) -> TokenStream {
    let code = code_table(codes);
    quote! {
        //! The crate-wide error code: every error code of the spec, once.
        #code
    }
}

/// `Code`: every code of the spec, with its table.
fn code_table(codes: &[SharedCode]) -> TokenStream {
    let docs = doc(
        "Every error code this SDK knows, each defined once: WeChat's general codes and those of \
         every operation, whatever groups are enabled.\n\n[`Error::code`](crate::Error::code) returns it, and every \
         operation's code enum converts into it (`Code::from(code)`), so code that handles errors \
         of several operations matches one enum. A code this version does not know is kept in \
         [`Code::Unknown`].",
    );
    let variants = codes.iter().map(|c| {
        let docs = doc(&code_doc(c));
        let name = ident(&c.name);
        quote!(#docs #name,)
    });
    let rows = codes.iter().map(|c| {
        let (name, errcode, message, retry) = (ident(&c.name), integer(c.code), &c.message, retry(c.retry));
        quote!(#name = #errcode, #message, #retry;)
    });
    quote! {
        #docs
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Code {
            #(#variants)*
            /// A code this version of the SDK does not know, kept as WeChat sent it.
            Unknown(i64),
        }

        ::wechat_core::code_table!(Code { #(#rows)* });
    }
}

/// A `Code` variant's docs: the code, WeChat's message, and what it means when every
/// declaration agrees; otherwise who documents it.
fn code_doc(code: &SharedCode) -> String {
    let head = format!("`{}` `{}`", code.code, code.message);
    match &code.meaning {
        Some(meaning) => format!("{head}: {meaning}"),
        None => format!(
            "{head}. What it means depends on the operation: see the error tables of {}.",
            code.declared_by.iter().map(|d| declarer(d)).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// `group::operation`, or a group's `errors.toml` as "the `card` group".
fn declarer(name: &str) -> String {
    if name.contains("::") { format!("`{name}`") } else { format!("the `{name}` group") }
}

fn retry(retry: Retry) -> TokenStream {
    match retry {
        Retry::Never => quote!(Never),
        Retry::Backoff => quote!(Backoff),
        Retry::RenewToken => quote!(RenewToken),
    }
}

/// `GeneralErrorCode`: every code of `spec/errors.toml`, plus `Unknown`.
pub(crate) fn general(cases: &[ErrorCase]) -> TokenStream {
    let docs = format!(
        "WeChat's general error codes, which any endpoint may answer.\n\n{}\nCodes not listed \
         here are kept in [`GeneralErrorCode::Unknown`]; each converts into the crate-wide \
         [`Code`](crate::Code).",
        table(cases)
    );
    code_subset("GeneralErrorCode", &docs, cases, Rest::Unknown)
}

/// `<Operation>ErrorCode`: the operation's own codes, then `General(GeneralErrorCode)`.
pub(crate) fn operation(type_name: &str, method_link: &str, cases: &[ErrorCase]) -> TokenStream {
    let docs = format!(
        "Error codes of {method_link}: its own codes, and \
         [`General`]({type_name}::General) for WeChat's general codes and codes this SDK does not know. \
         Each converts into the crate-wide [`Code`](crate::Code)."
    );
    code_subset(type_name, &docs, cases, Rest::General)
}

/// Where the codes an enum does not list go.
#[derive(Clone, Copy)]
enum Rest {
    /// `Unknown(i64)`, in the general enum.
    Unknown,
    /// `General(GeneralErrorCode)`, in an operation's enum.
    General,
}

/// An enum naming some of `Code`'s variants; its variants' docs say what each code means for
/// it, while the code's number, message and retry stay in `Code`'s table.
fn code_subset(type_name: &str, docs: &str, cases: &[ErrorCase], rest: Rest) -> TokenStream {
    verbatim_item(code_subset_text(type_name, docs, cases, rest))
}

/// [`code_subset`] as text: one of these per operation, all of one shape.
fn code_subset_text(type_name: &str, docs: &str, cases: &[ErrorCase], rest: Rest) -> String {
    let mut w = Writer::new(1024 + 256 * cases.len());
    w.doc("///", docs, true);
    w.attr("#[derive(Debug, Clone, Copy, PartialEq, Hash)]");
    w.attr("#[non_exhaustive]");
    w.module(&format!("pub enum {type_name}"), |w| {
        for case in cases {
            w.doc(
                "///",
                &format!("[`{name}`](crate::Code::{name}): {}", case.meaning, name = case.name),
                true,
            );
            w.word(&case.name);
            w.line(",");
        }
        match rest {
            Rest::Unknown => {
                w.doc(
                    "///",
                    "A code that is not a general one, or one this version of the SDK does not know,\n\
                     kept as WeChat sent it.",
                    true,
                );
                w.tuple_variant("Unknown", &quote!(i64));
            }
            Rest::General => {
                w.doc("///", "A general code, or one this version of the SDK does not know.", true);
                w.tuple_variant("General", &quote!(crate::GeneralErrorCode));
            }
        }
    });
    w.eq_impl(type_name);
    // The words prettyplease prints for the macro's tokens, and the spaces it puts between them
    // (`crate ::Code`, which `join_crate_paths` writes whole, as for a printed file).
    w.macro_item("::wechat_core::error_codes", |w| {
        for word in [type_name, "in", "crate", "::Code"] {
            w.word(word);
            w.token_space();
        }
        if cases.is_empty() {
            w.word("{}");
        } else {
            w.word("{");
            for (i, case) in cases.iter().enumerate() {
                w.token_space();
                w.word(&case.name);
                if i + 1 < cases.len() {
                    w.word(",");
                }
            }
            w.token_space();
            w.word("}");
        }
        w.token_space();
        w.word("else");
        w.token_space();
        match rest {
            Rest::Unknown => w.word("Unknown(i64)"),
            Rest::General => {
                w.word("General(crate");
                w.token_space();
                w.word("::GeneralErrorCode)");
            }
        }
    });
    wrap_doc_lines(join_crate_paths(w.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SourceFile;
    use crate::emit::rust::rust_file;
    use crate::emit::test_support::prettyplease_of as pretty;
    use crate::model::Spec;

    /// General -1, and 72031 declared by two endpoints with different meanings, 72038 by one.
    fn spec() -> Spec {
        let endpoint = |name: &str, errors: &str| {
            SourceFile::new(
                format!("spec/demo/{name}.toml"),
                format!(
                    "name = \"{name}\"\ninterface = \"i\"\nsummary = \"s\"\nmethod = \"GET\"\npath = \"/{name}\"\n\
                     auth = {{ token = \"access_token\" }}\nresponse.n = {{ type = \"u32\", doc = \"N.\" }}\n{errors}"
                ),
            )
        };
        let files = [
            SourceFile::new(
                "spec/errors.toml",
                "[[errors]]\ncode = -1\nmessage = \"system error\"\nname = \"SystemBusy\"\nmeaning = \"Busy.\"\nretry = \"backoff\"\n",
            ),
            SourceFile::new("spec/groups.toml", "[groups.demo]\nsummary = \"Demo.\"\n"),
            endpoint(
                "op_a",
                "[[errors]]\ncode = 72031\nmessage = \"invalid params\"\nmeaning = \"A field is wrong.\"\n\
                 [[errors]]\ncode = 72038\nmessage = \"invoice order never auth\"\nmeaning = \"Not authorized.\"\n",
            ),
            endpoint(
                "op_b",
                "[[errors]]\ncode = 72031\nmessage = \"invalid params\"\nmeaning = \"The id expired.\"\n",
            ),
        ];
        crate::check_spec(&files).unwrap_or_else(|e| panic!("{e}"))
    }

    fn formatted(tokens: TokenStream) -> String {
        rust_file("test.rs", tokens).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn each_code_is_one_row_of_the_crate_wide_table() {
        let expected = r#"// @generated by `cargo xtask codegen` from spec/; do not edit.

/// Every error code this SDK knows, each defined once: WeChat's general codes and those of every operation,
/// whatever groups are enabled.
///
/// [`Error::code`](crate::Error::code) returns it, and every operation's code enum converts into it
/// (`Code::from(code)`), so code that handles errors of several operations matches one enum. A code this
/// version does not know is kept in [`Code::Unknown`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Code {
    /// `-1` `system error`: Busy.
    SystemBusy,
    /// `72031` `invalid params`. What it means depends on the operation: see the error tables of
    /// `demo::op_a`, `demo::op_b`.
    InvalidParams,
    /// `72038` `invoice order never auth`: Not authorized.
    InvoiceOrderNeverAuth,
    /// A code this version of the SDK does not know, kept as WeChat sent it.
    Unknown(i64),
}
::wechat_core::code_table!(
    Code { SystemBusy = - 1, "system error", Backoff; InvalidParams = 72031,
    "invalid params", Never; InvoiceOrderNeverAuth = 72038, "invoice order never auth",
    Never; }
);
"#;
        assert_eq!(formatted(code_table(&spec().codes)), expected);
    }

    #[test]
    fn an_operation_enum_names_its_codes_and_repeats_no_number_message_or_retry() {
        let spec = spec();
        let op = spec.operations().find(|op| op.name == "op_b").expect("op_b");
        let expected = r#"// @generated by `cargo xtask codegen` from spec/; do not edit.

/// Error codes of [`op_b`]: its own codes, and [`General`](OpBErrorCode::General) for WeChat's general codes
/// and codes this SDK does not know. Each converts into the crate-wide [`Code`](crate::Code).
#[derive(Debug, Clone, Copy, PartialEq, Hash)]
#[non_exhaustive]
pub enum OpBErrorCode {
    /// [`InvalidParams`](crate::Code::InvalidParams): The id expired.
    InvalidParams,
    /// A general code, or one this version of the SDK does not know.
    General(crate::GeneralErrorCode),
}

impl Eq for OpBErrorCode {}
::wechat_core::error_codes!(
    OpBErrorCode in crate::Code { InvalidParams } else General(crate::GeneralErrorCode)
);
"#;
        assert_eq!(formatted(operation("OpBErrorCode", "[`op_b`]", &op.errors)), expected);
    }

    #[test]
    fn code_enums_are_laid_out_as_prettyplease_lays_them_out() {
        let spec = spec();
        let op = spec.operations().find(|op| op.name == "op_a").expect("op_a");
        // Names long enough that the macro's arguments fill several lines, and break where
        // prettyplease breaks a `crate` path.
        let long = |case: &ErrorCase, i: usize| ErrorCase {
            name: format!("{}WithANameLongEnoughToFillTheLine{i}", case.name),
            ..case.clone()
        };
        let many: Vec<ErrorCase> = (0..6).map(|i| long(&op.errors[i % 2], i)).collect();
        let mut split = false;
        for n in 0..=many.len() {
            for (type_name, rest) in [("OpAErrorCode", Rest::General), ("GeneralErrorCode", Rest::Unknown)] {
                let text = code_subset_text(type_name, "Docs.", &many[..n], rest);
                assert_eq!(join_crate_paths(pretty(&text)), text);
                split |= text.contains("General(\n    crate::GeneralErrorCode)");
            }
        }
        assert!(split, "some length splits the path of the general enum");
        let empty = code_subset_text("Empty", "Docs.", &[], Rest::General);
        assert!(empty.contains("Empty in crate::Code {} else General(crate::GeneralErrorCode)"), "{empty}");
    }
}
