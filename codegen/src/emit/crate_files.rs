//! The generated crate's frame: module tree, group modules, shared types, the features of
//! `Cargo.toml`, and the example round-trip tests.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::rust::{cell, cfg_feature, ident, verbatim_item};
use crate::emit::table_writer::Writer;
use crate::emit::{Module, client, error_codes, events, shapes};
use crate::model::{Example, Group, Operation, ResponseBody, Spec};
use crate::splice;

/// `generated/mod.rs`.
pub(crate) fn root_module(spec: &Spec) -> TokenStream {
    let groups = spec.groups.iter().map(|g| {
        let name = ident(&g.name);
        let feature = &g.name;
        quote! {
            #[cfg(feature = #feature)]
            pub mod #name;
        }
    });
    let events = (!spec.events.events.is_empty()).then(|| {
        let feature = events::FEATURE;
        quote! {
            #[cfg(feature = #feature)]
            pub mod events;
        }
    });
    quote! {
        //! Bindings generated from the spec: one module per group, one per endpoint.

        mod client;
        mod error;
        #events
        mod general_error_code;
        pub mod types;
        #(#groups)*

        pub use client::Client;
        pub use error::Code;
        pub use general_error_code::GeneralErrorCode;
    }
}

/// `generated/general_error_code.rs`.
pub(crate) fn general_error_code(spec: &Spec) -> TokenStream {
    let codes = error_codes::general(&spec.general_errors);
    quote! {
        //! WeChat's general error codes, from `spec/errors.toml`.
        #codes
    }
}

/// `generated/types.rs`.
pub(crate) fn shared_types(spec: &Spec) -> TokenStream {
    let types = spec.shared_types.iter().map(shapes::named);
    quote! {
        //! Types shared by several endpoints, from `spec/types.toml`.
        #(#types)*
    }
}

/// `generated/<group>/mod.rs`.
pub(crate) fn group_module(group: &Group) -> Module {
    let mut text = format!("{}\n\n", group.summary);
    if let Some(doc) = &group.doc {
        text.push_str(doc.trim_end());
        text.push_str("\n\n");
    }
    text.push_str(&format!(
        "Enabled by the `{}` cargo feature.\n\n| method | endpoint | summary |\n|---|---|---|\n",
        group.name
    ));
    let handle = client::handle_name(&group.name);
    for op in &group.operations {
        text.push_str(&format!(
            "| [`{name}`]({handle}::{name}) | `{path}` | {summary} |\n",
            name = op.name,
            path = op.path,
            summary = cell(&op.summary)
        ));
    }
    let mut w = Writer::new(256 + 128 * group.operations.len());
    if !group.types.is_empty() {
        w.line("pub mod types;");
    }
    for op in &group.operations {
        let [request, response, error_code] = op.type_names();
        w.line(&format!("pub mod {};", op.name));
        w.word("pub ");
        w.use_list(&op.name, &[error_code, request, response]);
    }
    let modules =
        (!group.types.is_empty() || !group.operations.is_empty()).then(|| verbatim_item(w.finish()));
    // A group without endpoints yet has no handle: nothing to call through it.
    let handle = (!group.operations.is_empty()).then(|| client::handle(group));
    Module { docs: text, items: quote!(#modules #handle) }
}

/// `generated/<group>/types.rs`.
pub(crate) fn group_types(group: &Group) -> Module {
    let docs = format!(
        "Types shared by the endpoints of `{name}`, from `spec/{name}/types.toml`.",
        name = group.name
    );
    let types = group.types.iter().map(shapes::named);
    Module { docs, items: quote!(#(#types)*) }
}

/// `tests/generated/spec_examples.rs`: every example of the spec through the generated types,
/// as an application sees them.
pub(crate) fn examples_tests(spec: &Spec) -> TokenStream {
    let tests = spec.operations().flat_map(|op| {
        op.examples
            .iter()
            .enumerate()
            .map(move |(i, example)| verbatim_item(example_test_text(op, i, example)))
    });
    let any_group = any_group(spec);
    let text_answers = spec.operations().any(|op| op.response_body == ResponseBody::Text).then(|| {
        quote! {
            /// A text answer (a CSV statement) decodes into the response's `text`, unchanged.
            fn decodes_text<O: wechat_core::Operation>(text: &str)
            where
                O::Response: serde::Serialize,
            {
                let answer = wechat_core::decode_response::<O>(text.as_bytes())
                    .unwrap_or_else(|e| panic!("the text answer did not decode: {e}"));
                assert_eq!(serde_json::to_value(&answer).unwrap(), serde_json::json!({ "text": text }));
            }
        }
    });
    quote! {
        //! Every example of the spec, run through the generated types: requests must
        //! deserialize and serialize back to the same JSON; responses must decode, a non-zero
        //! `errcode` into the operation's typed error code.

        #any_group

        use ::wechat_card::wechat_core::{self, ErrorCode as _};

        fn round_trips<T: serde::Serialize + serde::de::DeserializeOwned>(json: &str) {
            let expected: serde_json::Value = serde_json::from_str(json).unwrap();
            let typed: T = wechat_core::lenient::from_slice(json.as_bytes()).unwrap();
            assert_eq!(serde_json::to_value(&typed).unwrap(), expected);
        }

        fn decodes<O: wechat_core::Operation>(json: &str) {
            let value: serde_json::Value = serde_json::from_str(json).unwrap();
            let errcode = value.get("errcode").and_then(serde_json::Value::as_i64).unwrap_or(0);
            match wechat_core::decode_response::<O>(json.as_bytes()) {
                Ok(_) => assert_eq!(errcode, 0, "a non-zero errcode must not decode as success"),
                Err(wechat_core::Error::Api(api)) => {
                    assert_eq!(api.code.code(), errcode);
                    assert_eq!(api.code, O::ErrorCode::from_code(errcode));
                }
                Err(other) => panic!("example response did not decode: {other}"),
            }
        }

        #text_answers

        #(#tests)*
    }
}

/// The test of an operation's example `index`: its request round-trips, its response decodes.
fn example_test_text(op: &Operation, index: usize, example: &Example) -> String {
    let [request, _, _] = op.type_names();
    let request: TokenStream = format!("::wechat_card::{}::{request}", op.group).parse().unwrap_or_default();
    let mut w = Writer::new(1024);
    w.attr(&cfg_feature(&op.group));
    w.attr("#[test]");
    w.function(&format!("{}_{}_example_{}", op.group, op.name, index + 1), |w| {
        if let Some(json) = &example.request {
            w.statement(|w| w.generic_call("round_trips", &request, |w| w.arg(|w| w.str(&json.text))));
        }
        if let Some(json) = &example.response {
            // A text answer's success example is the text itself, not JSON.
            let check = if json.value.is_string() { "decodes_text" } else { "decodes" };
            w.statement(|w| w.generic_call(check, &request, |w| w.arg(|w| w.str(&json.text))));
        }
    });
    w.finish()
}

/// `#![cfg(any(feature = "<group>", ..))]`: for a test module whose every test belongs to a
/// group, so a build without groups does not hold its helpers unused.
pub(crate) fn any_group(spec: &Spec) -> TokenStream {
    let features = spec.groups.iter().map(|g| &g.name);
    quote!(#![cfg(any(#(feature = #features),*))])
}

/// The generated region of `crates/wechat-card/Cargo.toml`'s `[features]` table: one cargo
/// feature per group, and `all-groups` naming them all (no group is on by default).
/// The rest of the manifest (package metadata, dependencies, TLS features, examples) is
/// written by hand; [`crate::splice`] puts this region into it.
pub(crate) fn cargo_toml_features(spec: &Spec) -> String {
    let groups: Vec<String> = spec.groups.iter().map(|g| format!("\"{}\"", g.name)).collect();
    let mut body = String::from(
        "# One feature per spec group, so an application compiles only the endpoints it calls.\n",
    );
    body.push_str(&format!("all-groups = [{}]\n", groups.join(", ")));
    for group in &spec.groups {
        body.push_str(&format!("{} = []\n", group.name));
    }
    body.push_str(&format!(
        "# `Deserialize` for the types only requests hold, to read requests from JSON (the `wechat`\n\
         # command line does); the types answers hold always have it.\n{} = []\n",
        crate::emit::DESERIALIZE_REQUESTS_FEATURE
    ));
    body.push_str(&format!(
        "# `Serialize`, `new` and builders for the types only answers hold, to make and write\n\
         # answers as JSON (the `wechat` command line and tests serving typed answers from\n\
         # wechat-mock do); the types requests hold always have them.\n{} = []\n",
        crate::emit::SERIALIZE_RESPONSES_FEATURE
    ));
    // Always declared, events or none: the hand-written `default` list names it.
    body.push_str(&format!(
        "# Typed push events (`events` module); each event also needs its group's feature.\n{} = [\"wechat-core/push\"]\n",
        events::FEATURE
    ));
    body.push_str(&format!(
        "# The typed axum route for the callback URL (`events::route`).\n{} = [\"{}\", \"wechat-core/push-axum\"]\n",
        events::AXUM_FEATURE,
        events::FEATURE
    ));
    splice::region(&body)
}

#[cfg(test)]
mod tests {
    use super::cargo_toml_features;
    use crate::SourceFile;

    /// The manifest's hand-written `default` names `events`: a spec with no event at all must
    /// still declare the feature, or the manifest does not parse.
    #[test]
    fn the_events_feature_is_declared_without_events() {
        let files = [
            SourceFile::new(
                "spec/errors.toml",
                "[[errors]]\ncode = -1\nmessage = \"system error\"\nname = \"SystemBusy\"\nmeaning = \"Busy.\"\nretry = \"backoff\"\n",
            ),
            SourceFile::new("spec/groups.toml", "[groups.nontax]\nsummary = \"Bills.\"\n"),
            SourceFile::new(
                "spec/nontax/ping.toml",
                "name = \"ping\"\ninterface = \"ping\"\nsummary = \"Pings.\"\nmethod = \"POST\"\npath = \"/ping\"\n\
                 auth = { token = \"access_token\" }\nrequest.id = { type = \"string\", doc = \"Id.\" }\n",
            ),
        ];
        let spec = crate::check_spec(&files).unwrap_or_else(|e| panic!("{e}"));
        assert!(spec.events.events.is_empty());
        let region = cargo_toml_features(&spec);
        assert!(region.contains("\nevents = [\"wechat-core/push\"]\n"), "{region}");
        assert!(region.contains("\nevents-axum = [\"events\", \"wechat-core/push-axum\"]\n"), "{region}");
        assert!(region.contains("\nnontax = []\n"), "{region}");
    }

    #[test]
    fn example_tests_are_laid_out_as_prettyplease_lays_them_out() {
        use crate::emit::test_support::{SYSTEM_BUSY, one_endpoint_spec, prettyplease_of};
        let endpoint = r#"
name = "send_a_request_whose_type_name_is_long_enough_to_break"
interface = "send"
summary = "Sends."
method = "POST"
path = "/demo/send"
auth = { token = "access_token" }
request.a = { type = "string", doc = "A." }
response.n = { type = "u32", doc = "N." }

[[examples]]
request = '{"a": "a value long enough to break the arguments of the call onto lines of their own"}'
response = '{"errcode": 0, "errmsg": "ok", "n": 1}'

[[examples]]
response = '{"errcode": -1, "errmsg": "system error"}'
"#;
        let spec = one_endpoint_spec("a_group", SYSTEM_BUSY, None, endpoint);
        let op = spec.operations().next().expect("one operation");
        let texts: Vec<String> = op
            .examples
            .iter()
            .enumerate()
            .map(|(i, example)| super::example_test_text(op, i, example))
            .collect();
        for text in &texts {
            assert_eq!(&prettyplease_of(text), text);
        }
        assert!(texts[0].contains("    round_trips::<\n        ::wechat_card::a_group::"), "{}", texts[0]);
        assert!(texts[0].contains("    >(\n        \"{"), "{}", texts[0]);
        assert!(
            texts[1].starts_with("#[cfg(feature = \"a_group\")]\n#[test]\nfn a_group_send_"),
            "{}",
            texts[1]
        );
    }
}
