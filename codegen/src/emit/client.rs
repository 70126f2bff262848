//! The `Client` of the generated crate: one async method per operation, each feature-gated
//! by its group.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::operation::{request_line, third_party_line};
use crate::emit::rust::{doc, ident};
use crate::model::{Operation, Spec};

/// The source of `client.rs`.
pub(crate) fn file(spec: &Spec) -> TokenStream {
    let methods = spec.operations().map(method);
    quote! {
        //! The client: one method per WeChat endpoint.

        /// A WeChat client with one async method per endpoint of the spec.
        ///
        /// It wraps a [`wechat_core::Client`], which holds the transport, the token provider and
        /// the retry policy; build that first, then wrap it:
        ///
        /// ```no_run
        /// let core = wechat_core::Client::builder()
        ///     .token_provider(wechat_core::StaticToken::new("ACCESS_TOKEN"))
        ///     .build()?;
        /// let client = wechat_invoice::Client::new(core);
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
            /// `client.with_retry_policy(RetryPolicy::none()).insert_bill(&request)`.
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
            #(#methods)*
        }
    }
}

fn method(op: &Operation) -> TokenStream {
    let group = ident(&op.group);
    let module = ident(&op.name);
    let [request, response, error_code] = op.type_names().map(|n| ident(&n));
    let feature = &op.group;
    let docs = doc(&format!(
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
    ));
    quote! {
        #docs
        #[cfg(feature = #feature)]
        pub async fn #module(
            &self,
            request: &crate::#group::#request,
        ) -> Result<crate::#group::#response, ::wechat_core::Error<crate::#group::#error_code>> {
            self.core.send(request).await
        }
    }
}
