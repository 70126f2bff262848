//! Error-code enums: WeChat's general codes, and one enum per operation that adds the
//! operation's own codes and defers every other code to the general enum.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::rust::{cell, doc, ident, integer};
use crate::model::{ErrorCase, Retry};

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

/// `GeneralErrorCode`: every code of `spec/errors.toml`, plus `Unknown`.
pub(crate) fn general(cases: &[ErrorCase]) -> TokenStream {
    let docs = format!(
        "WeChat's general error codes, which any endpoint may answer.\n\n{}\nCodes not listed \
         here are kept in [`GeneralErrorCode::Unknown`].",
        table(cases)
    );
    code_enum("GeneralErrorCode", &docs, cases, Rest::Unknown)
}

/// `<Operation>ErrorCode`: the operation's own codes, then `General(GeneralErrorCode)`.
pub(crate) fn operation(type_name: &str, method_link: &str, cases: &[ErrorCase]) -> TokenStream {
    let docs = format!(
        "Error codes of {method_link}: its own codes, and \
         [`General`]({type_name}::General) for WeChat's general codes and codes this SDK does not know."
    );
    code_enum(type_name, &docs, cases, Rest::General)
}

/// Where the codes an enum does not list go.
#[derive(Clone, Copy)]
enum Rest {
    /// `Unknown(i64)`, in the general enum.
    Unknown,
    /// `General(GeneralErrorCode)`, in an operation's enum.
    General,
}

fn code_enum(type_name: &str, docs: &str, cases: &[ErrorCase], rest: Rest) -> TokenStream {
    let name = ident(type_name);
    let docs = doc(docs);
    let declared = cases.iter().map(|case| {
        let mut text = format!("`{}` `{}`: {}", case.code, case.message, case.meaning);
        if let Some(remedy) = &case.remedy {
            text.push_str("\n\n");
            text.push_str(remedy);
        }
        let docs = doc(&text);
        let name = ident(&case.name);
        quote!(#docs #name,)
    });
    let names: Vec<_> = cases.iter().map(|c| ident(&c.name)).collect();
    let codes: Vec<TokenStream> = cases.iter().map(|c| integer(c.code)).collect();
    let messages = cases.iter().map(|c| c.message.as_str());
    let retrying: Vec<_> = cases.iter().filter(|c| c.retry != Retry::Never).collect();
    let retry_names = retrying.iter().map(|c| ident(&c.name));
    let retry_values = retrying.iter().map(|c| match c.retry {
        Retry::Never => quote!(::wechat_core::Retry::Never),
        Retry::Backoff => quote!(::wechat_core::Retry::Backoff),
        Retry::RenewToken => quote!(::wechat_core::Retry::RenewToken),
    });
    let own_never = cases.iter().any(|c| c.retry == Retry::Never);

    let (rest_variant, from_rest, code_rest, message_rest, retry_rest) = match rest {
        Rest::Unknown => (
            quote! {
                /// A code this version of the SDK does not know, kept as WeChat sent it.
                Unknown(i64),
            },
            quote!(other => Self::Unknown(other),),
            quote!(Self::Unknown(code) => *code,),
            quote!(Self::Unknown(_) => "unknown error code",),
            quote!(_ => ::wechat_core::Retry::Never,),
        ),
        Rest::General => (
            quote! {
                /// A general code, or one this version of the SDK does not know.
                General(crate::GeneralErrorCode),
            },
            quote!(other => Self::General(::wechat_core::ErrorCode::from_code(other)),),
            quote!(Self::General(general) => ::wechat_core::ErrorCode::code(general),),
            quote!(Self::General(general) => ::wechat_core::ErrorCode::message(general),),
            {
                let never = own_never.then(|| quote!(_ => ::wechat_core::Retry::Never,));
                quote!(Self::General(general) => ::wechat_core::ErrorCode::retry(general), #never)
            },
        ),
    };

    let from_code = match (cases.is_empty(), rest) {
        (true, Rest::General) => quote!(Self::General(::wechat_core::ErrorCode::from_code(code))),
        _ => quote! {
            match code {
                #(#codes => Self::#names,)*
                #from_rest
            }
        },
    };
    quote! {
        #docs
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#declared)*
            #rest_variant
        }

        impl ::wechat_core::ErrorCode for #name {
            fn from_code(code: i64) -> Self {
                #from_code
            }

            fn code(&self) -> i64 {
                match self {
                    #(Self::#names => #codes,)*
                    #code_rest
                }
            }

            fn message(&self) -> &'static str {
                match self {
                    #(Self::#names => #messages,)*
                    #message_rest
                }
            }

            fn retry(&self) -> ::wechat_core::Retry {
                match self {
                    #(Self::#retry_names => #retry_values,)*
                    #retry_rest
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                ::wechat_core::ErrorCode::fmt_code(self, f)
            }
        }
    }
}
