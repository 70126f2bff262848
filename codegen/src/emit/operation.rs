//! One module per operation: its request, response, error codes, local types, and the
//! `wechat_core::Operation` impl that tells the runtime how to send it.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::Module;
use crate::emit::prose::{
    accounts_line, answer_line, body_line, deprecated_paragraph, request_line, third_party_line,
};
use crate::emit::rust::{cell, fixed_params, ident, verbatim_item};
use crate::emit::table_writer::Writer;
use crate::emit::{client, error_codes, shapes};
use crate::model::{BodyKind, Field, Method, Operation, ResponseBody, TokenKind, Ty};

/// The module's source.
pub(crate) fn module(op: &Operation) -> Module {
    let [request, response, error_code] = op.type_names();
    let request_doc = format!("Request of {link}.", link = client::method_link(op));
    let extras = shapes::Extras {
        query: &op.query,
        constants: &op.fixed_body,
        files: &op.files,
        checked: op.request_checked,
        sent_only: true,
        received_only: false,
    };
    let request_struct = shapes::object(request, &request_doc, &op.request, &extras);
    let response_doc =
        format!("Response of {link}, without `errcode` and `errmsg`.", link = client::method_link(op));
    let response_extras = shapes::Extras { received_only: true, ..shapes::Extras::default() };
    let response_struct = shapes::object(response, &response_doc, &op.response, &response_extras);
    let codes = error_codes::operation(error_code, &client::method_link(op), &op.errors);
    let types = op.types.iter().map(shapes::named);
    let endpoint = endpoint_impl(op);
    let items = quote! {
        #request_struct
        #response_struct
        #codes
        #(#types)*
        #endpoint
    };
    Module { docs: module_docs(op), items }
}

/// `impl Operation`: the answer and code types and the endpoint written as text (see
/// [`verbatim_item`]), then the functions building the query and the multipart body.
fn endpoint_impl(op: &Operation) -> TokenStream {
    let request = ident(&op.type_names()[0]);
    let query = (!op.query.is_empty()).then(|| query_fn(op));
    let multipart = (op.body == BodyKind::Multipart).then(|| multipart_fn(op));
    let head = verbatim_item(endpoint_text(op));
    let check = op.request_checked.then(|| {
        quote! {
            fn check(&self) -> Result<(), ::wechat_core::Invalid> {
                ::wechat_core::Check::check(self, "")
            }
        }
    });
    quote! {
        impl ::wechat_core::Operation for #request {
            #head

            #query
            #multipart
            #check
        }
    }
}

/// The impl's first items: the answer and code types, `ENDPOINT` and `RESPONSE_BODY`.
fn endpoint_text(op: &Operation) -> String {
    let [_, response, error_code] = op.type_names();
    let method = match op.method {
        Method::Get => "::wechat_core::Method::Get",
        Method::Post => "::wechat_core::Method::Post",
    };
    let body = match op.body {
        BodyKind::Json => "::wechat_core::BodyKind::Json",
        BodyKind::Multipart => "::wechat_core::BodyKind::Multipart",
        BodyKind::None => "::wechat_core::BodyKind::None",
    };
    let token = match (op.token, op.third_party) {
        (TokenKind::None, _) => "::wechat_core::TokenUse::None",
        (TokenKind::AccessToken, false) => "::wechat_core::TokenUse::AccessToken",
        (TokenKind::AccessToken, true) => "::wechat_core::TokenUse::AccessTokenOrAuthorizer",
    };
    let mut w = Writer::at(4, 1024);
    w.line(&format!("type Response = {response};"));
    w.line(&format!("type ErrorCode = {error_code};"));
    w.static_item("const ENDPOINT", "::wechat_core::Endpoint", |w| {
        w.struct_lit("::wechat_core::Endpoint", None, |w| {
            w.field("name", |w| w.str(&op.name));
            w.field("group", |w| w.str(&op.group));
            w.field("method", |w| w.word(method));
            w.field("host", |w| w.str(&op.host));
            w.field("path", |w| w.str(&op.path));
            w.field("fixed_query", |w| fixed_params(w, &op.fixed_query));
            w.field("token", |w| w.word(token));
            w.field("body", |w| w.word(body));
        })
    });
    if op.response_body == ResponseBody::Text {
        w.static_item("const RESPONSE_BODY", "::wechat_core::ResponseBody", |w| {
            w.word("::wechat_core::ResponseBody::Text")
        });
    }
    w.finish()
}

/// A field's value as the text sent in a query string or a multipart text part. A secret's
/// `Display` prints `***`, so its value is exposed here, the one place that must send it.
fn wire_text(field: &Field, value: TokenStream) -> TokenStream {
    match field.ty {
        Ty::String if field.secret => quote!(#value.expose().to_owned()),
        Ty::String => quote!(#value.clone()),
        _ => quote!(#value.to_string()),
    }
}

/// `Operation::query`: the required parameters in a `vec!`, then the optional ones present.
fn query_fn(op: &Operation) -> TokenStream {
    let text = wire_text;
    let required = op.query.iter().filter(|f| f.required).map(|f| {
        let (wire, field) = (&f.wire, ident(&f.ident));
        let text = text(f, quote!(self.#field));
        quote!((#wire, #text))
    });
    let optional: Vec<TokenStream> = op
        .query
        .iter()
        .filter(|f| !f.required)
        .map(|f| {
            let (wire, field) = (&f.wire, ident(&f.ident));
            let text = text(f, quote!(value));
            quote!(if let Some(value) = &self.#field { pairs.push((#wire, #text)); })
        })
        .collect();
    let binding = if optional.is_empty() { quote!(let pairs) } else { quote!(let mut pairs) };
    quote! {
        fn query(&self) -> Vec<(&'static str, String)> {
            #binding: Vec<(&'static str, String)> = vec![#(#required),*];
            #(#optional)*
            pairs
        }
    }
}

/// `Operation::multipart`: the files, then the text fields, then the constants.
fn multipart_fn(op: &Operation) -> TokenStream {
    let files = op.files.iter().map(|f| {
        let (wire, content_type) = (&f.wire, &f.content_type);
        let max_size = proc_macro2::Literal::u64_unsuffixed(f.max_size);
        let field = ident(&f.ident);
        if f.required {
            quote!(form = form.file(#wire, &self.#field, #content_type, #max_size);)
        } else {
            quote! {
                if let Some(file) = &self.#field {
                    form = form.file(#wire, file, #content_type, #max_size);
                }
            }
        }
    });
    let texts = op.request.iter().map(|f| {
        let wire = &f.wire;
        let field = ident(&f.ident);
        if f.required {
            let text = wire_text(f, quote!(self.#field));
            quote!(form = form.text(#wire, #text);)
        } else {
            let text = wire_text(f, quote!(value));
            quote! {
                if let Some(value) = &self.#field {
                    form = form.text(#wire, #text);
                }
            }
        }
    });
    let constants = op.fixed_body.iter().map(|c| {
        let (name, value) = (&c.name, &c.value);
        quote!(form = form.text(#name, #value);)
    });
    quote! {
        fn multipart(&self) -> Option<::wechat_core::Multipart<'_>> {
            let mut form = ::wechat_core::Multipart::new();
            #(#files)*
            #(#texts)*
            #(#constants)*
            Some(form)
        }
    }
}

/// The operation's module documentation: summary, facts table, errors, notes.
pub(crate) fn module_docs(op: &Operation) -> String {
    let mut out = format!("{}\n\n", op.summary);
    if let Some(deprecated) = deprecated_paragraph(op) {
        out.push_str(&deprecated);
        out.push_str("\n\n");
    }
    if let Some(doc) = &op.doc {
        out.push_str(doc.trim_end());
        out.push_str("\n\n");
    }
    out.push_str("| | |\n|---|---|\n");
    out.push_str(&format!("| Request | `{}` |\n", request_line(op)));
    out.push_str(&format!("| WeChat interface | `{}` |\n", cell(&op.interface)));
    out.push_str(&format!("| Third-party platforms | {} |\n", third_party_line(op)));
    out.push_str(&format!(
        "| Cloud calls | {} |\n",
        if op.cloud_call { "supported" } else { "not supported" }
    ));
    out.push_str(&format!("| Accounts | {} |\n", cell(&accounts_line(op))));
    out.push_str(&format!("| Body | {} |\n", cell(&body_line(op))));
    if let Some(answer) = answer_line(op) {
        out.push_str(&format!("| Answer | {} |\n", cell(&answer)));
    }
    out.push_str("\n## Error codes\n\n");
    if op.errors.is_empty() {
        out.push_str("Only WeChat's general codes ([`GeneralErrorCode`](crate::GeneralErrorCode)).\n");
    } else {
        out.push_str(&error_codes::table(&op.errors));
        out.push_str("\nWeChat's general codes ([`GeneralErrorCode`](crate::GeneralErrorCode)) apply too.\n");
    }
    if !op.notes.is_empty() {
        out.push_str("\n## Notes\n\n");
        for note in &op.notes {
            out.push_str(&format!("- {}\n", note.trim().replace('\n', "\n  ")));
        }
    }
    for example in &op.examples {
        let title = example.name.as_deref().unwrap_or("Example");
        out.push_str(&format!("\n## {title}\n"));
        if let Some(request) = &example.request {
            out.push_str(&format!("\nRequest body:\n\n```json\n{}\n```\n", request.text.trim()));
        }
        if let Some(response) = &example.response {
            let fence = if response.value.is_string() { "text" } else { "json" };
            out.push_str(&format!("\nResponse:\n\n```{fence}\n{}\n```\n", response.text.trim()));
        }
    }
    out.push_str(&format!("\nGenerated from `{}`.", op.source));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::test_support::{SYSTEM_BUSY, TEXT_WRITER_ENDPOINT, one_endpoint_spec, prettyplease_of};

    #[test]
    fn the_endpoint_is_laid_out_as_prettyplease_lays_it_out() {
        let spec = one_endpoint_spec("demo", SYSTEM_BUSY, None, TEXT_WRITER_ENDPOINT);
        let op = spec.operations().next().expect("one operation");
        let text = format!("impl X {{\n{}}}\n", endpoint_text(op));
        assert_eq!(prettyplease_of(&text), text);
        assert!(text.contains("        token: ::wechat_core::TokenUse::AccessToken,\n"), "{text}");
    }
}
