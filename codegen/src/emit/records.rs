//! Typed helpers of the mock's state model, for tests:
//!
//! - `generated/records.rs`: per resource a typed record (`Card`) and its status enum
//!   (`CardStatus`), which serialize to the JSON records the engine seeds;
//! - `generated/user_actions.rs`: per user action its typed parameters (`ApproveCardParams`).
//!
//! A record or parameters struct, its constructor, setters and builder are of one shape, and
//! written as text in prettyplease's layout ([`Writer`], [`verbatim_item`]).

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::doc_wrap::wrap_doc_lines;
use crate::emit::rust::{doc, ident, value_type, verbatim_item};
use crate::emit::shapes::{Declared, write_struct};
use crate::emit::table_writer::{Base, Link, Writer};
use crate::model::{Field, Resource, Spec, Ty};

/// `generated/records.rs`: a typed record and a status enum per resource.
pub(crate) fn records_file(spec: &Spec) -> TokenStream {
    let records = spec.state.resources.iter().map(record);
    quote! {
        //! Typed records of the resources `spec/` declares, for tests: each serializes to the
        //! JSON record the mock seeds (`MockServer::seed`). Fields left unset are left out, and
        //! the mock gives a required one a sample value of its type; the status defaults to the
        //! resource's initial one.

        #(#records)*
    }
}

/// The Rust type of a field of a typed record or parameters: scalars as themselves, lists
/// of scalars as `Vec`s, anything else (named types, maps, `json`) as JSON.
fn helper_type(ty: &Ty) -> TokenStream {
    let scalar = |ty: &Ty| ty.scalar_name().is_some();
    match ty {
        Ty::Array(item) if scalar(item) => value_type(ty),
        _ if scalar(ty) => value_type(ty),
        _ => quote!(serde_json::Value),
    }
}

/// A setter's argument type, and whether the argument becomes the field's value through
/// `.into()`.
fn setter_argument(ty: &Ty) -> (TokenStream, bool) {
    match ty {
        Ty::String => (quote!(impl Into<String>), true),
        _ => (helper_type(ty), false),
    }
}

/// The first line of a field's documentation.
fn first_line(text: &str) -> &str {
    text.trim().lines().next().unwrap_or_default()
}

/// A field a record has besides the resource's: its status.
struct Status {
    /// The status enum's name.
    type_name: String,
    /// The status a record left unset starts in.
    initial: String,
}

/// A struct of `fields` whose `required` ones `new` (or the builder) takes and the others
/// setters set, all serialized by their wire names, unset ones left out; written at column
/// `indent`.
struct Helper<'a> {
    type_name: &'a str,
    docs: &'a str,
    fields: &'a [&'a Field],
    required: &'a dyn Fn(&Field) -> bool,
    status: Option<Status>,
    new_doc: &'a str,
    indent: usize,
}

impl Helper<'_> {
    fn text(&self) -> String {
        let mut w = Writer::at(self.indent, 1024 + 512 * self.fields.len());
        let required: Vec<&Field> = self.fields.iter().copied().filter(|f| (self.required)(f)).collect();
        let derive = if required.is_empty() {
            quote!(#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)])
        } else {
            quote!(#[derive(Debug, Clone, PartialEq, serde::Serialize)])
        };
        let mut declared: Vec<Declared> =
            self.fields.iter().map(|f| declaration(f, (self.required)(f))).collect();
        if let Some(status) = &self.status {
            let ty = ident(&status.type_name);
            declared.push(Declared {
                docs: "Its status.".to_owned(),
                serde: Some(quote!(#[serde(skip_serializing_if = "Option::is_none")])),
                name: "status".to_owned(),
                ty: quote!(Option<#ty>),
            });
        }
        write_struct(&mut w, self.type_name, self.docs, &[derive], &declared);
        // As the generated client does: two required values could be swapped in `new`, so a
        // builder sets each by name.
        let with_builder = required.len() >= 2;
        w.impl_block(None, self.type_name, |w| {
            if with_builder {
                self.write_builder_fn(w);
            } else {
                self.write_new(w, &required);
            }
            self.fields.iter().filter(|f| !(self.required)(f)).for_each(|f| write_setter(w, f));
            if let Some(status) = &self.status {
                write_status_setter(w, status);
            }
        });
        if with_builder {
            self.write_builder(&mut w, &required);
        }
        wrap_doc_lines(w.finish())
    }

    /// `new`, taking the one required field, if any: with none, the default.
    fn write_new(&self, w: &mut Writer, required: &[&Field]) {
        w.doc("///", self.new_doc, true);
        let arguments: Vec<(&str, TokenStream)> =
            required.iter().map(|f| (f.ident.as_str(), setter_argument(&f.ty).0)).collect();
        let params: Vec<(&str, Option<&TokenStream>)> =
            arguments.iter().map(|(name, ty)| (*name, Some(ty))).collect();
        w.function_item("pub fn new", &params, Some(&quote!(Self)), |w| {
            if required.is_empty() {
                w.tail(|w| w.call("Self::default", |_| {}));
                return;
            }
            w.tail(|w| {
                w.struct_lit("Self", None, |w| {
                    for f in self.fields {
                        match ((self.required)(f), &f.ty) {
                            (true, Ty::String) => {
                                w.field(&f.ident, |w| w.method_call(&f.ident, "into", false, |_| {}));
                            }
                            // The argument is the field's value: the shorthand (clippy's
                            // redundant_field_names).
                            (true, _) => w.field_shorthand(&f.ident),
                            (false, _) => w.field(&f.ident, |w| w.word("None")),
                        }
                    }
                    if self.status.is_some() {
                        w.field("status", |w| w.word("None"));
                    }
                });
            });
        });
    }

    /// `builder()`, which starts the builder.
    fn write_builder_fn(&self, w: &mut Writer) {
        let builder = format!("{}Builder", self.type_name);
        w.doc(
            "///",
            "Starts a builder: each required field is set by name (two could be swapped in a `new`), and \
             `build` refuses one left unset; set the others with the setters afterwards.",
            true,
        );
        let output = ident(&builder);
        w.function_item("pub fn builder", &[], Some(&quote!(#output)), |w| {
            w.tail(|w| w.call(&format!("{builder}::default"), |_| {}));
        });
    }

    /// The builder: a setter per required field, and `build`, which refuses one left unset
    /// with `wechat_core::BuildError`.
    fn write_builder(&self, w: &mut Writer, required: &[&Field]) {
        let type_name = self.type_name;
        let builder = format!("{type_name}Builder");
        let slots: Vec<Declared> = required
            .iter()
            .map(|f| {
                let ty = helper_type(&f.ty);
                Declared { docs: String::new(), serde: None, name: f.ident.clone(), ty: quote!(Option<#ty>) }
            })
            .collect();
        let docs = format!("Builds a [`{type_name}`]: set each required field, then `build`.");
        write_struct(w, &builder, &docs, &[quote!(#[derive(Debug, Clone, Default)])], &slots);
        w.impl_block(None, &builder, |w| {
            required.iter().for_each(|f| write_setter(w, f));
            w.doc("///", "The value built, or the first required field left unset.", true);
            let type_ident = ident(type_name);
            let output = quote!(Result<#type_ident, ::wechat_core::BuildError>);
            w.function_item("pub fn build", &[("self", None)], Some(&output), |w| {
                w.tail(|w| {
                    w.call_block("Ok", |w| {
                        w.struct_lit(type_name, None, |w| {
                            for f in self.fields {
                                if (self.required)(f) {
                                    w.field(&f.ident, |w| write_taken(w, type_name, &f.ident));
                                } else {
                                    w.field(&f.ident, |w| w.word("None"));
                                }
                            }
                            if self.status.is_some() {
                                w.field("status", |w| w.word("None"));
                            }
                        });
                    });
                });
            });
        });
    }
}

/// `self.field.ok_or(MissingField { .. })?`: a required field's value in `build`.
fn write_taken(w: &mut Writer, type_name: &str, field: &str) {
    let missing = |w: &mut Writer| {
        w.struct_lit("::wechat_core::BuildError::MissingField", None, |w| {
            w.field("type_name", |w| w.str(type_name));
            w.field("field", |w| w.str(field));
        });
    };
    w.chain(
        Base::Path("self"),
        &[Link::Field(field), Link::MethodBlock("ok_or", &missing), Link::Try],
        false,
    );
}

/// A helper struct's field, renamed to its wire name where that differs: a `required` one
/// as its type, another as an `Option` left out when unset.
fn declaration(f: &Field, required: bool) -> Declared {
    let (wire, ty) = (&f.wire, helper_type(&f.ty));
    let rename = (f.wire != f.ident).then(|| quote!(rename = #wire,));
    let (serde, ty) = if required {
        (rename.map(|rename| quote!(#[serde(#rename)])), ty)
    } else {
        (Some(quote!(#[serde(#rename skip_serializing_if = "Option::is_none")])), quote!(Option<#ty>))
    };
    Declared { docs: first_line(&f.doc).to_owned(), serde, name: f.ident.clone(), ty }
}

/// The setter of a field, named for it, which sets its value.
fn write_setter(w: &mut Writer, f: &Field) {
    let (argument, into) = setter_argument(&f.ty);
    w.doc("///", &format!("Sets `{}`: {}", f.wire, first_line(&f.doc)), true);
    let name = f.ident.as_str();
    let params = [("mut self", None), (name, Some(&argument))];
    w.function_item(&format!("pub fn {name}"), &params, Some(&quote!(Self)), |w| {
        w.statement(|w| {
            w.assign(&format!("self.{name}"), |w| {
                w.call("Some", |w| {
                    w.arg(|w| if into { w.method_call(name, "into", false, |_| {}) } else { w.word(name) });
                });
            });
        });
        w.tail(|w| w.word("self"));
    });
}

/// The setter of a record's status.
fn write_status_setter(w: &mut Writer, status: &Status) {
    w.doc("///", &format!("Sets its status (`{}` when unset).", status.initial), true);
    let ty = ident(&status.type_name);
    let ty = quote!(#ty);
    let params = [("mut self", None), ("status", Some(&ty))];
    w.function_item("pub fn status", &params, Some(&quote!(Self)), |w| {
        w.statement(|w| w.assign("self.status", |w| w.call("Some", |w| w.arg(|w| w.word("status")))));
        w.tail(|w| w.word("self"));
    });
}

fn record(resource: &Resource) -> TokenStream {
    let type_name = resource.type_name();
    let status_name = format!("{type_name}Status");
    let name = &resource.name;
    let fields: Vec<&Field> = resource.fields.iter().collect();
    let required =
        |f: &Field| resource.key.contains(&f.wire) && !resource.fresh.iter().any(|(k, _)| *k == f.wire);
    let new_doc = {
        let taken: Vec<String> =
            fields.iter().filter(|f| required(f)).map(|f| format!("`{}`", f.wire)).collect();
        if taken.is_empty() {
            format!("A `{name}` record with nothing set: the mock makes its key and samples its fields.")
        } else {
            format!(
                "A `{name}` record with its key {}; set the other fields with the setters.",
                taken.join(", ")
            )
        }
    };
    let status_enum = resource.statuses.as_ref().map(|statuses| {
        let variants = statuses.values.iter().map(|v| {
            let (variant, wire, docs) = (ident(&v.variant), &v.value, doc(&v.doc));
            quote!(#docs #[serde(rename = #wire)] #variant,)
        });
        let docs = doc(&format!("The statuses of a `{name}` record."));
        let status_name = ident(&status_name);
        quote! {
            #docs
            #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
            pub enum #status_name {
                #(#variants)*
            }
        }
    });
    let status = resource
        .statuses
        .as_ref()
        .map(|statuses| Status { type_name: status_name, initial: statuses.initial.clone() });
    let helper = Helper {
        type_name: &type_name,
        docs: &resource.doc,
        fields: &fields,
        required: &required,
        status,
        new_doc: &new_doc,
        indent: 0,
    };
    let helper = verbatim_item(helper.text());
    let type_name = ident(&type_name);
    quote! {
        #helper

        impl crate::state_model::Record for #type_name {
            const RESOURCE: &'static str = #name;
        }

        #status_enum
    }
}

/// `generated/user_actions.rs`: typed parameters per user action, one module per group.
pub(crate) fn user_actions_file(spec: &Spec) -> TokenStream {
    let mut groups: Vec<&str> = spec.state.user_actions.iter().map(|a| a.group.as_str()).collect();
    groups.dedup();
    let modules = groups.into_iter().map(|group| {
        let module = ident(group);
        let docs = doc(&format!("The user actions of `spec/{group}/user/`."));
        let actions = spec.state.user_actions_of(group).map(|action| {
            let type_name = action.params_type();
            let fields: Vec<&Field> = action.params.iter().collect();
            let docs = format!("The parameters of `{}`: {}", action.key(), action.summary);
            let required = |f: &Field| f.required;
            let helper = Helper {
                type_name: &type_name,
                docs: &docs,
                fields: &fields,
                required: &required,
                status: None,
                new_doc: "The parameters with the required ones; set the others with the setters.",
                indent: 4,
            };
            let helper = verbatim_item(helper.text());
            let key = action.key();
            let type_name = ident(&type_name);
            quote! {
                #helper

                impl crate::state_model::UserActionParams for #type_name {
                    const ACTION: &'static str = #key;
                }
            }
        });
        quote! {
            #docs
            pub mod #module {
                #(#actions)*
            }
        }
    });
    quote! {
        //! Typed parameters of the user actions `spec/` declares, for tests: each serializes to
        //! the JSON body of its admin route (`POST /__mock/user/<group>/<name>`).

        #(#modules)*
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SourceFile;
    use crate::emit::test_support::{
        SYSTEM_BUSY, TEXT_WRITER_ENDPOINT, endpoint_file, prettyplease_of as pretty,
    };

    /// A resource keyed by two fields whose names are long enough to break `build`'s lines,
    /// one renamed (a keyword), with statuses; and a user action of the same shape.
    fn spec() -> Spec {
        let long = "an_identifier_whose_name_is_long_enough_to_break_the_lines_of_build";
        let resources = format!(
            "[resources.long_named_resource_of_the_demo]\ndoc = \"A resource.\"\nmissing = -1\nkey = [\"{long}\", \"type\"]\n\
             fields.{long} = {{ type = \"string\", doc = \"The first key.\" }}\n\
             fields.type = {{ type = \"u32\", doc = \"The second key, a keyword.\" }}\n\
             fields.note = {{ type = \"string\", optional = true, doc = \"A note.\" }}\n\
             [resources.long_named_resource_of_the_demo.statuses]\ninitial = \"NEW\"\n\
             values = [{{ value = \"NEW\", doc = \"New.\" }}, {{ value = \"OLD\", doc = \"Old.\" }}]\n\
             [resources.single]\ndoc = \"One record.\"\nkey = []\nfields.n = {{ type = \"i64\", optional = true, doc = \"N.\" }}\n"
        );
        let action = format!(
            "name = \"act_on_the_resource\"\nsummary = \"A user acts.\"\n[params]\n\
             {long} = {{ type = \"string\", doc = \"The key.\" }}\ncount = {{ type = \"u32\", doc = \"How many.\" }}\n\
             tags = {{ type = \"array\", items = \"string\", optional = true, doc = \"Tags.\" }}\n\
             [[mock]]\nfind = \"long_named_resource_of_the_demo\"\n\
             where = {{ {long} = \"request.{long}\", type = \"request.count\" }}\n"
        );
        let files = [
            SourceFile::new("spec/errors.toml", SYSTEM_BUSY),
            SourceFile::new("spec/groups.toml", "[groups.demo]\nsummary = \"Demo.\"\n"),
            endpoint_file("demo", TEXT_WRITER_ENDPOINT),
            SourceFile::new("spec/demo/resources.toml", resources),
            SourceFile::new("spec/demo/user/act_on_the_resource.toml", action),
        ];
        crate::check_spec(&files).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn records_and_parameters_are_laid_out_as_prettyplease_lays_them_out() {
        let spec = spec();
        let records = crate::emit::rust::rust_file("records.rs", records_file(&spec)).expect("a file");
        let body = records.split_once("\n\n").map_or("", |(_, body)| body);
        assert_eq!(
            crate::emit::rust::finish_file(&pretty(body)).split_once("\n\n").map(|(_, b)| b),
            Some(body)
        );
        assert!(
            records.contains("            type_: self\n                .type_\n                .ok_or("),
            "{records}"
        );
        assert!(
            records
                .contains("    pub fn status(mut self, status: LongNamedResourceOfTheDemoStatus) -> Self {"),
            "{records}"
        );
        let actions =
            crate::emit::rust::rust_file("user_actions.rs", user_actions_file(&spec)).expect("a file");
        let body = actions.split_once("\n\n").map_or("", |(_, body)| body);
        assert_eq!(
            crate::emit::rust::finish_file(&pretty(body)).split_once("\n\n").map(|(_, b)| b),
            Some(body)
        );
        assert!(actions.contains("    impl ActOnTheResourceParams {\n"), "{actions}");
    }
}
