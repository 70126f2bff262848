//! The `Client` of the generated crate and its group handles (`client.card()`), one async
//! method per operation, each feature-gated by its group.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::doc_example::method_example;
use crate::emit::doc_wrap::wrap_doc_lines;
use crate::emit::prose::{request_line, third_party_line};
use crate::emit::rust::{doc, ident, verbatim_item};
use crate::emit::table_writer::{Base, Link, Writer};
use crate::model::{Group, Operation, Spec};
use crate::names;

/// The source of `client.rs`.
pub(crate) fn file(spec: &Spec) -> TokenStream {
    let accessors = spec.groups.iter().filter(|g| !g.operations.is_empty()).map(handle_accessor);
    let methods =
        spec.groups.iter().filter(|g| g.root_methods).flat_map(|g| g.operations.iter()).map(root_method);
    quote! {
        //! The client: one method per WeChat endpoint.

        /// A WeChat client: one handle per group of endpoints (`client.invoice()`), each with
        /// one async method per endpoint (`client.invoice().get_auth_data(&request)`).
        ///
        /// It wraps a [`wechat_core::Client`], which holds the transport, the token provider and
        /// the retry policy. Build one with [`Client::builder`], or wrap a runtime client you
        /// built with [`Client::new`]:
        ///
        /// ```no_run
        /// let client = wechat_card::Client::builder()
        ///     .token_provider(wechat_core::StaticToken::new("ACCESS_TOKEN"))
        ///     .build()?;
        /// # let _: wechat_card::Client = client;
        /// # Ok::<(), wechat_core::BuildError>(())
        /// ```
        #[derive(Debug, Clone)]
        pub struct Client {
            core: ::wechat_core::Client,
        }

        impl Client {
            /// Wraps a configured runtime client.
            pub fn new(core: ::wechat_core::Client) -> Self {
                Self { core }
            }

            /// The runtime client underneath, to send an [`Operation`](wechat_core::Operation)
            /// directly or to reach its token provider.
            pub fn core(&self) -> &::wechat_core::Client {
                &self.core
            }

            /// The same client with another retry policy, for one call or a group of calls;
            /// it shares connections and tokens with this one:
            /// `client.with_retry_policy(RetryPolicy::none()).nontax().insert_bill(&request)`.
            pub fn with_retry_policy(&self, policy: ::wechat_core::RetryPolicy) -> Self {
                Self { core: self.core.with_retry_policy(policy) }
            }
        }

        impl From<::wechat_core::Client> for Client {
            fn from(core: ::wechat_core::Client) -> Self {
                Self::new(core)
            }
        }

        impl Client {
            #(#accessors)*
            #(#methods)*
        }
    }
}

/// A doc link to the method that calls `op`, on its group's handle.
pub(crate) fn method_link(op: &Operation) -> String {
    let handle = handle_name(&op.group);
    format!("[`{handle}::{name}`](crate::{group}::{handle}::{name})", name = op.name, group = op.group)
}

/// The handle type of a group, e.g. `CardClient` for `card`.
pub(crate) fn handle_name(group: &str) -> String {
    format!("{}Client", names::camel(group).unwrap_or_else(|| group.to_owned()))
}

/// `client.<group>()`: the group's handle.
fn handle_accessor(group: &Group) -> TokenStream {
    let name = ident(&group.name);
    let handle = ident(&handle_name(&group.name));
    let feature = &group.name;
    let docs = doc(&format!("The `{name}` endpoints: {summary}", name = group.name, summary = group.summary));
    quote! {
        #docs
        #[cfg(feature = #feature)]
        pub fn #name(&self) -> crate::#name::#handle<'_> {
            crate::#name::#handle { core: &self.core }
        }
    }
}

/// The handle type of a group and its methods, for the group's module.
pub(crate) fn handle(group: &Group) -> TokenStream {
    verbatim_item(handle_text(group))
}

/// [`handle`] as text: the handle struct, and its impl of one method per operation.
fn handle_text(group: &Group) -> String {
    let handle = handle_name(&group.name);
    let mut w = Writer::new(4096 + 4096 * group.operations.len());
    w.doc(
        "///",
        &format!(
            "The `{name}` endpoints, from [`Client::{name}`](crate::Client::{name}): one async method per endpoint.",
            name = group.name
        ),
        true,
    );
    w.attr("#[derive(Debug, Clone, Copy)]");
    w.module(&format!("pub struct {handle}<'a>"), |w| w.line("pub(crate) core: &'a ::wechat_core::Client,"));
    w.impl_block(None, &format!("{handle}<'_>"), |w| {
        for op in &group.operations {
            w.doc("///", &format!("{}\n\n{}", method_docs(op), method_example(op)), true);
            if let Some(deprecated) = deprecated_attr(op) {
                w.attribute(&deprecated);
            }
            write_signature(w, op, "self", |w| {
                let request = |w: &mut Writer| w.arg(|w| w.word("request"));
                let links = [Link::Field("core"), Link::Method("send", &request)];
                w.tail(|w| w.chain(Base::Path("self"), &links, true));
            });
        }
    });
    wrap_doc_lines(w.finish())
}

/// A handle's method, as text: [`signature`], but returning the future of
/// `wechat_core::Client::send` itself rather than an `async fn`'s own, which was one more
/// coroutine per operation for the compiler to check, lay out and write into the crate's
/// metadata (BENCHMARKS.md). The caller sees the same: a future that borrows the `Client` and
/// the request, `Send` when the request is, doing nothing until polled.
fn write_signature(w: &mut Writer, op: &Operation, receiver: &str, body: impl FnOnce(&mut Writer)) {
    let [request, response, error_code] = op.type_names();
    let group = &op.group;
    let request: TokenStream = format!("&crate::{group}::{request}").parse().unwrap_or_default();
    let output: TokenStream = format!(
        "impl Future<Output = Result<crate::{group}::{response}, ::wechat_core::Error<crate::{group}::{error_code}>>>"
    )
    .parse()
    .unwrap_or_default();
    let params = [(receiver, None), ("request", Some(&request))];
    w.function_item(&format!("pub fn {}", op.name), &params, Some(&output), body);
}

/// The full documentation of an operation's method.
fn method_docs(op: &Operation) -> String {
    format!(
        "{summary}\n\n`{line}` (WeChat interface `{interface}`).\n\nThird-party platforms: {third}.\n\n\
         # Errors\n\n[`Error::Api`](wechat_core::Error::Api) carries a [`{code}`](crate::{group}::{code}) when \
         WeChat answers a non-zero `errcode`; [the module](crate::{group}::{name}) lists the codes. The other \
         variants of [`wechat_core::Error`] cover transport, timeouts, HTTP status, undecodable answers and \
         tokens.",
        summary = op.summary,
        line = request_line(op),
        interface = op.interface,
        third = third_party_line(op),
        code = op.type_names()[2],
        group = op.group,
        name = op.name,
    )
}

/// The signature shared by a handle's method and a root method, with its receiver: a handle
/// is `Copy` and taken by value, so the call's future borrows the `Client`, not the handle
/// (`let call = client.invoice().get_auth_data(&request);` then `call.await`).
fn signature(op: &Operation, receiver: TokenStream) -> TokenStream {
    let group = ident(&op.group);
    let module = ident(&op.name);
    let [request, response, error_code] = op.type_names().each_ref().map(|n| ident(n));
    quote! {
        pub async fn #module(
            #receiver,
            request: &crate::#group::#request,
        ) -> Result<crate::#group::#response, ::wechat_core::Error<crate::#group::#error_code>>
    }
}

/// `#[deprecated]` with WeChat's note, on the methods of an operation WeChat deprecated.
fn deprecated_attr(op: &Operation) -> Option<TokenStream> {
    op.deprecated.as_ref().map(|d| {
        let note = d.text();
        quote!(#[deprecated(note = #note)])
    })
}

/// A root method, for groups that kept their operations on `Client` itself before handles:
/// deprecated, since the handle is the one documented style.
fn root_method(op: &Operation) -> TokenStream {
    let feature = &op.group;
    let docs = doc(&format!(
        "{summary}\n\nThe same as [`{handle}::{name}`](crate::{group}::{handle}::{name}), \
         through `client.{group}().{name}(..)`.",
        summary = op.summary,
        handle = handle_name(&op.group),
        group = op.group,
        name = op.name,
    ));
    // The handle is the one style; the root method stays for code written before handles
    // existed, deprecated towards it (with WeChat's own note first when it deprecated the call).
    let through = format!("call it through its group's handle: `client.{}().{}(..)`", op.group, op.name);
    let note = match &op.deprecated {
        Some(d) => format!("{} Besides, {through}.", d.text()),
        None => format!("Root methods are kept for code written before handles; {through}."),
    };
    let signature = signature(op, quote!(&self));
    quote! {
        #docs
        #[cfg(feature = #feature)]
        #[deprecated(since = "0.1.1", note = #note)]
        #signature {
            self.core.send(request).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::test_support::{SYSTEM_BUSY, TEXT_WRITER_ENDPOINT, one_endpoint_spec, prettyplease_of};

    #[test]
    fn a_handle_is_laid_out_as_prettyplease_lays_it_out() {
        // A long name breaks the signature and the answer's generic arguments; a long
        // deprecation note breaks its attribute.
        let deprecated = TEXT_WRITER_ENDPOINT.replace(
            "\n[auth]",
            "\ndeprecated = { note = \"WeChat retired this endpoint, and says so at a length that no longer fits the line of its attribute.\" }\n[auth]",
        );
        for endpoint in [TEXT_WRITER_ENDPOINT, deprecated.as_str()] {
            let spec = one_endpoint_spec("a_group_with_a_long_name", SYSTEM_BUSY, None, endpoint);
            let group = &spec.groups[0];
            let text = handle_text(group);
            assert_eq!(prettyplease_of(&text), text);
            assert!(
                text.contains(
                    "    pub fn send_a_request_whose_type_name_is_rather_long_indeed(\n        self,\n"
                ),
                "{text}"
            );
            assert!(text.contains("    ) -> impl Future<\n        Output = Result<\n"), "{text}");
        }
        let spec = one_endpoint_spec("a_group_with_a_long_name", SYSTEM_BUSY, None, &deprecated);
        let text = handle_text(&spec.groups[0]);
        assert!(text.contains("    #[deprecated(\n        note = \"WeChat retired"), "{text}");
    }
}
