//! Error codes: the crate-wide `Code` enum in which each code is defined once, the `Error`
//! every operation's error converts into, WeChat's general codes, and one enum per operation
//! that names the operation's own codes and defers every other code to the general enum.
//!
//! A code's `errcode`, message and retry are written once, in `Code`'s table
//! (`wechat_core::code_table!`); the general and per-operation enums only name their codes
//! (`wechat_core::error_codes!`), and their variants' docs say what the code means there.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::rust::{cell, doc, ident, integer};
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
    let name = ident(type_name);
    let docs = doc(docs);
    let declared = cases.iter().map(|case| {
        let docs = doc(&format!("[`{name}`](crate::Code::{name}): {}", case.meaning, name = case.name));
        let name = ident(&case.name);
        quote!(#docs #name,)
    });
    let names = cases.iter().map(|c| ident(&c.name));
    let (rest_variant, rest_rule) = match rest {
        Rest::Unknown => (
            quote! {
                /// A code that is not a general one, or one this version of the SDK does not know,
                /// kept as WeChat sent it.
                Unknown(i64),
            },
            quote!(Unknown(i64)),
        ),
        Rest::General => (
            quote! {
                /// A general code, or one this version of the SDK does not know.
                General(crate::GeneralErrorCode),
            },
            quote!(General(crate::GeneralErrorCode)),
        ),
    };
    quote! {
        #docs
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#declared)*
            #rest_variant
        }

        ::wechat_core::error_codes!(#name in crate::Code { #(#names),* } else #rest_rule);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SourceFile;
    use crate::emit::rust::rust_file;
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OpBErrorCode {
    /// [`InvalidParams`](crate::Code::InvalidParams): The id expired.
    InvalidParams,
    /// A general code, or one this version of the SDK does not know.
    General(crate::GeneralErrorCode),
}
::wechat_core::error_codes!(
    OpBErrorCode in crate::Code { InvalidParams } else General(crate::GeneralErrorCode)
);
"#;
        assert_eq!(formatted(operation("OpBErrorCode", "[`op_b`]", &op.errors)), expected);
    }
}
