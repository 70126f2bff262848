//! Structs and enums for the spec's objects and enums: request, response and named types.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::deserialize::{Parts, object_impl, optional};
use crate::emit::doc_wrap::wrap_doc_lines;
use crate::emit::enums;
use crate::emit::required_match::{self, Required};
use crate::emit::rust::{
    cfg_feature, constant_ident, deserialize_gate, doc, field_type, ident, limits, value_type, verbatim_item,
};
use crate::emit::serialize;
use crate::emit::table_writer::{Base, Link, Writer};
use crate::model::{Direction, Field, FieldRule, FileField, FixedParam, Ty, TypeDef, TypeKind};

/// What a generated struct holds besides its ordinary fields.
#[derive(Default)]
pub(crate) struct Extras<'a> {
    /// Query parameters: fields of the request type that never enter the body.
    pub(crate) query: &'a [Field],
    /// Body constants: private fields the caller never sets, always serialized.
    pub(crate) constants: &'a [FixedParam],
    /// Files of a multipart body: fields the JSON serialization skips.
    pub(crate) files: &'a [FileField],
    /// The type, or one it holds, has limits or rules: it implements `wechat_core::Check`.
    pub(crate) checked: bool,
    /// Only requests hold it: `Deserialize` only with the `deserialize-requests` feature.
    pub(crate) sent_only: bool,
    /// Only answers hold it: `Serialize` only with the `serialize-responses` feature.
    pub(crate) received_only: bool,
}

/// A struct with one public field per spec field, and the way to build it: with two or more
/// required fields a builder (`Type::builder()`, a setter per field, `build()`), since
/// positional arguments of one type can be swapped unnoticed; otherwise `Type::new` taking
/// the required field, if any, and a setter per optional field.
pub(crate) fn object(name: &str, docs: &str, fields: &[Field], extras: &Extras<'_>) -> TokenStream {
    let type_name = name;
    let name = ident(name);
    // serde's derives only where a field is flattened; elsewhere both impls are written out,
    // and the fields carry no `#[serde]` attributes.
    let derived = fields.iter().any(|f| f.flatten);
    let declared = declarations(fields, extras, derived);
    let params = params(fields, extras);
    let answered: Vec<&Field> = fields.iter().filter(|f| f.only == Some(Direction::Response)).collect();
    let unset = Unset { constants: extras.constants, answered: &answered };
    let rules = rules_impl(&name, fields);
    let made = Made { has_rules: rules.is_some(), gated: extras.received_only };
    let Construction { docs, methods: construction, builder } =
        construction(type_name, docs, &params, &unset, &made);
    let check =
        extras.checked.then(|| check_impl(type_name, extras.query.iter().chain(fields), rules.is_some()));
    let getters: Vec<_> = answered.iter().map(|f| getter(f)).collect();
    let getters = (!getters.is_empty()).then(|| quote!(impl #name { #(#getters)* }));
    let constant_codecs = extras.constants.iter().map(|c| constant_codec(c, extras.sent_only, derived));
    // With nothing required, the empty value is a fine default.
    let default = params.iter().all(|p| !p.required).then(|| quote!(Default,));
    let SerdeImpl { listed: serialize, gated: gated_serialize, written: written_serialize } =
        serialize_impl(type_name, fields, extras, derived);
    let SerdeImpl { listed: deserialize, gated: gated_deserialize, written: written_deserialize } =
        deserialize_impl(type_name, fields, extras, derived);
    let mut attributes = vec![quote!(#[derive(Debug, Clone, #default PartialEq, #serialize #deserialize)])];
    attributes.extend(gated_serialize);
    attributes.extend(gated_deserialize);
    attributes.push(quote!(#[non_exhaustive]));
    if !extras.constants.is_empty() {
        // A constant is a private `()` field, which clippy mistakes for a hand-made
        // `#[non_exhaustive]`; it is there to be serialized.
        attributes.push(quote!(#[allow(clippy::manual_non_exhaustive)]));
    }
    let declaration = verbatim_item(struct_text(type_name, &docs, &attributes, &declared));
    quote! {
        #declaration

        #construction

        #getters

        #builder

        #rules

        #check

        #written_serialize

        #written_deserialize

        #(#constant_codecs)*
    }
}

/// The struct's field declarations in order: query parameters, constants, files, then the
/// spec's fields.
fn declarations(fields: &[Field], extras: &Extras<'_>, derived: bool) -> Vec<Declared> {
    extras
        .query
        .iter()
        .map(|f| field_decl(f, true, None, derived))
        .chain(extras.constants.iter().map(|c| constant_decl(c, derived)))
        .chain(extras.files.iter().map(|f| file_decl(f, derived)))
        .chain(fields.iter().map(|f| field_decl(f, false, rule_note(f, fields).as_deref(), derived)))
        .collect()
}

/// What a caller sets: query parameters, the fields requests send, then files.
fn params(fields: &[Field], extras: &Extras<'_>) -> Vec<Param> {
    extras
        .query
        .iter()
        .chain(fields.iter().filter(|f| f.only != Some(Direction::Response)))
        .map(Param::from_field)
        .chain(extras.files.iter().map(Param::from_file))
        .collect()
}

/// How a caller builds a struct, and the struct's docs saying so.
struct Construction {
    /// The struct's docs, with a paragraph on its builder if it has one.
    docs: String,
    /// `impl Type { .. }` with `builder()`, or `new` and the optional fields' setters, behind
    /// the struct's gate.
    methods: TokenStream,
    /// The builder type, if any.
    builder: TokenStream,
}

/// What a struct's construction depends on besides its fields.
struct Made {
    /// `build()` checks the type's rules too.
    has_rules: bool,
    /// Only answers hold the type: its construction is behind
    /// `#[cfg(feature = "serialize-responses")]` ([`gate_text`]). WeChat makes those, and a
    /// caller makes one only to serve it from a test (or fake it), which needs `Serialize` too.
    /// Fewer items to compile for a client that only reads answers.
    gated: bool,
}

/// A builder with two or more required fields, otherwise `new` and a setter per optional
/// field; both behind the gate where `made.gated`, with a sentence saying so in the docs.
fn construction(
    type_name: &str,
    docs: &str,
    params: &[Param],
    unset: &Unset<'_>,
    made: &Made,
) -> Construction {
    let with_builder = params.iter().filter(|p| p.required).count() >= 2;
    let methods = verbatim_item(methods_text(type_name, params, unset, made, with_builder));
    if !with_builder {
        let docs =
            if made.gated { format!("{docs}\n\n{}.", answer_only_note("`new`")) } else { docs.to_owned() };
        return Construction { docs, methods, builder: TokenStream::new() };
    }
    let refuses = if made.has_rules {
        "names a required field left unset, or a field that breaks a rule of the spec"
    } else {
        "names a required field left unset"
    };
    let docs = if made.gated {
        // No link: without the feature there is nothing to link to.
        format!(
            "{docs}\n\n{}: one setter per field, then `build()`, which {refuses}.",
            answer_only_note("`builder()`")
        )
    } else {
        format!(
            "{docs}\n\nBuild it with [`{type_name}::builder`]: one setter per field, then `build()`, \
             which {refuses}."
        )
    };
    Construction { docs, methods, builder: builder(type_name, params, unset, made) }
}

/// `impl Type { .. }`: `builder()`, or `new` and the optional fields' setters.
fn methods_text(
    type_name: &str,
    params: &[Param],
    unset: &Unset<'_>,
    made: &Made,
    with_builder: bool,
) -> String {
    let mut w = Writer::new(1024);
    if let Some(gate) = gate_text(made) {
        w.attr(&gate);
    }
    w.impl_block(None, type_name, |w| {
        if with_builder {
            write_builder_fn(w, type_name);
        } else {
            write_constructor(w, params, unset);
            params.iter().filter(|p| !p.required).for_each(|p| write_setter(w, p, false));
        }
    });
    wrap_doc_lines(w.finish())
}

/// `#[cfg(feature = "serialize-responses")]` where only answers hold the type.
fn gate_text(made: &Made) -> Option<String> {
    made.gated.then(|| cfg_feature(crate::emit::SERIALIZE_RESPONSES_FEATURE))
}

/// The docs' sentence on building a type only answers hold (`how`: `new` or `builder()`),
/// without its full stop.
fn answer_only_note(how: &str) -> String {
    format!(
        "Only answers hold this type: WeChat makes it, and its {how} (for a test that serves or \
         fakes an answer) comes with the `serialize-responses` feature, as its `Serialize` does"
    )
}

/// Where a struct's `Serialize` or `Deserialize` comes from; at most one is set.
#[derive(Default)]
struct SerdeImpl {
    /// A name in the struct's `#[derive(..)]`.
    listed: Option<TokenStream>,
    /// `#[cfg_attr(feature = .., derive(..))]`: the derive behind a feature.
    gated: Option<TokenStream>,
    /// The impl written out, behind its feature if it has one.
    written: Option<TokenStream>,
}

/// `Serialize`: written out, unless a field is flattened (`derived`): serde's derive then.
/// Either is behind the `serialize-responses` feature where only answers hold the type.
fn serialize_impl(type_name: &str, fields: &[Field], extras: &Extras<'_>, derived: bool) -> SerdeImpl {
    let feature = crate::emit::SERIALIZE_RESPONSES_FEATURE;
    if !derived {
        let parts = Parts { query: extras.query, constants: extras.constants, files: extras.files, fields };
        let gate = extras.received_only.then(|| cfg_feature(feature));
        SerdeImpl {
            written: Some(serialize::object_impl(type_name, &parts, gate.as_deref())),
            ..SerdeImpl::default()
        }
    } else if extras.received_only {
        SerdeImpl {
            gated: Some(quote!(#[cfg_attr(feature = #feature, derive(serde::Serialize))])),
            ..SerdeImpl::default()
        }
    } else {
        SerdeImpl { listed: Some(quote!(serde::Serialize,)), ..SerdeImpl::default() }
    }
}

/// `Deserialize`: written out, unless a field is flattened (`derived`): serde's derive then.
/// Either is behind the `deserialize-requests` feature where only requests hold the type.
fn deserialize_impl(type_name: &str, fields: &[Field], extras: &Extras<'_>, derived: bool) -> SerdeImpl {
    let feature = crate::emit::DESERIALIZE_REQUESTS_FEATURE;
    if !derived {
        let parts = Parts { query: extras.query, constants: extras.constants, files: extras.files, fields };
        let gate = extras.sent_only.then(|| cfg_feature(feature));
        SerdeImpl { written: Some(object_impl(type_name, &parts, gate.as_deref())), ..SerdeImpl::default() }
    } else if extras.sent_only {
        SerdeImpl {
            gated: Some(quote!(#[cfg_attr(feature = #feature, derive(serde::Deserialize))])),
            ..SerdeImpl::default()
        }
    } else {
        SerdeImpl { listed: Some(quote!(serde::Deserialize)), ..SerdeImpl::default() }
    }
}

/// The fields a caller never sets: constants, and what WeChat assigns.
struct Unset<'a> {
    constants: &'a [FixedParam],
    answered: &'a [&'a Field],
}

impl Unset<'_> {
    /// Their initial values in a struct literal `w` writes.
    fn write_inits(&self, w: &mut Writer) {
        for c in self.constants {
            w.field(&constant_ident(c), |w| w.word("()"));
        }
        for f in self.answered {
            w.field(&f.ident, |w| w.word("None"));
        }
    }
}

/// One constructor argument or setter: a field, or a file of a multipart body.
struct Param {
    ident: String,
    wire: String,
    doc: String,
    required: bool,
    /// The field's type in the struct.
    stored: TokenStream,
    /// The argument's type, and how it becomes the field's value.
    argument: (TokenStream, Convert),
}

impl Param {
    fn from_field(field: &Field) -> Self {
        Self {
            ident: field.ident.clone(),
            wire: field.wire.clone(),
            doc: field.doc.clone(),
            // A nullable field starts empty and is sent as `null` until set.
            required: !field.is_option(),
            stored: field_type(field),
            argument: argument_type(field),
        }
    }

    fn from_file(file: &FileField) -> Self {
        Self {
            ident: file.ident.clone(),
            wire: file.wire.clone(),
            doc: file.doc.clone(),
            required: file.required,
            stored: file_type(file),
            argument: (quote!(::wechat_core::UploadFile), Convert::None),
        }
    }
}

/// A field as its struct declares it.
pub(crate) struct Declared {
    pub(crate) docs: String,
    /// Its `#[serde(..)]` (or `#[cfg_attr(.., serde(..))]`), if any.
    pub(crate) serde: Option<TokenStream>,
    /// `pub name`, or `name` for a private field.
    pub(crate) name: String,
    pub(crate) ty: TokenStream,
}

/// `pub struct Name { fields }` with its docs and attributes, as text.
fn struct_text(type_name: &str, docs: &str, attributes: &[TokenStream], fields: &[Declared]) -> String {
    let mut w = Writer::new(512 + 256 * fields.len());
    write_struct(&mut w, type_name, docs, attributes, fields);
    wrap_doc_lines(w.finish())
}

/// [`struct_text`] at `w`'s indentation, its docs not yet wrapped.
pub(crate) fn write_struct(
    w: &mut Writer,
    type_name: &str,
    docs: &str,
    attributes: &[TokenStream],
    fields: &[Declared],
) {
    w.doc("///", docs, true);
    attributes.iter().for_each(|attribute| w.attribute(attribute));
    w.module(&format!("pub struct {type_name}"), |w| {
        for field in fields {
            w.doc("///", &field.docs, true);
            if let Some(serde) = &field.serde {
                w.attribute(serde);
            }
            w.struct_field(&field.name, &field.ty);
        }
    });
}

/// A constant's private field; `derived`: serde's derive reads it, through its function.
fn constant_decl(constant: &FixedParam, derived: bool) -> Declared {
    let field = constant_ident(constant);
    let docs = format!(
        "{}\n\nAlways `\"{}\"`: sent with every request, never set by the caller.",
        constant.doc, constant.value
    );
    if !derived {
        return Declared { docs, serde: None, name: field, ty: quote!(()) };
    }
    let wire = &constant.name;
    let serialize = format!("serialize_{field}");
    let deserialize = format!("deserialize_{field}");
    let serde =
        quote!(#[serde(rename = #wire, serialize_with = #serialize, deserialize_with = #deserialize)]);
    Declared { docs, serde: Some(serde), name: field, ty: quote!(()) }
}

/// The functions serde's derives call for a constant field (`derived`; the written impls
/// write and read the value themselves): write the value, and accept only the value.
fn constant_codec(constant: &FixedParam, sent_only: bool, derived: bool) -> TokenStream {
    if !derived {
        return TokenStream::new();
    }
    let gate = deserialize_gate(sent_only);
    let field = constant_ident(constant);
    let serialize = ident(&format!("serialize_{field}"));
    let deserialize = ident(&format!("deserialize_{field}"));
    let value = &constant.value;
    quote! {
        fn #serialize<S: serde::Serializer>(_: &(), serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_str(#value)
        }

        #gate
        fn #deserialize<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<(), D::Error> {
            ::wechat_core::lenient::constant(deserializer, #value)
        }
    }
}

fn file_decl(file: &FileField, derived: bool) -> Declared {
    let docs = format!(
        "{}\n\nSent as the `{}` part of the multipart body (`{}`, at most {} bytes).",
        file.doc, file.wire, file.content_type, file.max_size
    );
    Declared {
        docs,
        serde: derived.then(|| quote!(#[serde(skip)])),
        name: format!("pub {}", file.ident),
        ty: file_type(file),
    }
}

fn file_type(file: &FileField) -> TokenStream {
    if file.required { quote!(::wechat_core::UploadFile) } else { quote!(Option<::wechat_core::UploadFile>) }
}

/// A field of a struct; `note` is a paragraph added to its docs; `derived`: serde's derives
/// read the struct, so the field carries its `#[serde]` attributes (the written impls read
/// the same facts from the spec).
fn field_decl(field: &Field, in_query: bool, note: Option<&str>, derived: bool) -> Declared {
    let docs = match note {
        Some(note) => format!("{}\n\n{note}", field.doc.trim_end()),
        None => field.doc.clone(),
    };
    let serde = derived.then(|| serde_attribute(field, in_query)).flatten();
    // WeChat assigns a response-only field; it is read through a getter, never set.
    let visibility = if field.only == Some(Direction::Response) { "" } else { "pub " };
    Declared { docs, serde, name: format!("{visibility}{}", field.ident), ty: field_type(field) }
}

/// A field's `#[serde(..)]` for serde's derives, if it needs one.
fn serde_attribute(field: &Field, in_query: bool) -> Option<TokenStream> {
    let mut serde = Vec::new();
    if in_query {
        // Query parameters travel in the URL, never in the body.
        serde.push(quote!(skip));
    } else if field.flatten {
        serde.push(quote!(flatten));
    } else {
        if field.ident != field.wire {
            let wire = &field.wire;
            serde.push(quote!(rename = #wire));
        }
        for alias in &field.aliases {
            serde.push(quote!(alias = #alias));
        }
        if optional(field) {
            // Absent from answers, or null: empty rather than an error.
            serde.push(quote!(default));
        }
        match field.only {
            // Never sent: a caller's value could not be what WeChat assigned.
            Some(Direction::Response) => serde.push(quote!(skip_serializing)),
            _ if !field.required => serde.push(quote!(skip_serializing_if = "Option::is_none")),
            _ => {}
        }
    }
    (!serde.is_empty()).then(|| quote!(#[serde(#(#serde),*)]))
}

/// What a field's rule asks, for its docs.
fn rule_note(field: &Field, fields: &[Field]) -> Option<String> {
    Some(match field.rule.as_ref()? {
        FieldRule::RequiredWhen(sibling) => {
            format!(
                "Required when `{sibling}` is set (neither `false`, `0` nor empty): checked before sending."
            )
        }
        FieldRule::RequiredUnless(sibling) => {
            format!(
                "Required unless `{sibling}` is set (`true`, non-zero or non-empty): checked before sending."
            )
        }
        FieldRule::OneOf(set) => {
            let members: Vec<String> = fields
                .iter()
                .filter(|f| f.rule.as_ref() == Some(&FieldRule::OneOf(set.clone())))
                .map(|f| format!("`{}`", f.wire))
                .collect();
            format!(
                "Exactly one of {} is set (neither `false`, `0` nor empty): checked before sending.",
                members.join(", ")
            )
        }
    })
}

/// `impl Rules`, when a field has a rule: each `required_when` and `required_unless` field in
/// turn, then each `one_of` set where its first field is, as the mock and the example checks
/// apply them (`wechat_core::shape`), the first problem returned with its path.
fn rules_impl(name: &proc_macro2::Ident, fields: &[Field]) -> Option<TokenStream> {
    let member = |wire: &str| fields.iter().find(|f| f.wire == wire).map(|f| ident(&f.ident));
    let steps: Vec<TokenStream> = fields
        .iter()
        .enumerate()
        .filter_map(|(i, field)| {
            let wire = &field.wire;
            let own = ident(&field.ident);
            match field.rule.as_ref()? {
                FieldRule::RequiredWhen(sibling) | FieldRule::RequiredUnless(sibling) => {
                    // resolve made the sibling a field of the same object.
                    let other = member(sibling)?;
                    let check = match field.rule {
                        Some(FieldRule::RequiredWhen(_)) => quote!(required_when),
                        _ => quote!(required_unless),
                    };
                    Some(quote!(::wechat_core::check::#check(path, #wire, &self.#own, #sibling, &self.#other)?;))
                }
                FieldRule::OneOf(set) => {
                    let in_set = |f: &&Field| f.rule.as_ref() == Some(&FieldRule::OneOf(set.clone()));
                    if fields[..i].iter().any(|f| in_set(&f)) {
                        return None;
                    }
                    let members = fields[i..].iter().filter(in_set).map(|f| {
                        let (wire, member) = (&f.wire, ident(&f.ident));
                        quote!((#wire, ::wechat_core::check::presence(&self.#member)))
                    });
                    Some(quote!(::wechat_core::check::one_of(path, &[#(#members),*])?;))
                }
            }
        })
        .collect();
    (!steps.is_empty()).then(|| {
        quote! {
            impl ::wechat_core::check::Rules for #name {
                fn rules(&self, path: &str) -> Result<(), ::wechat_core::Invalid> {
                    #(#steps)*
                    Ok(())
                }
            }
        }
    })
}

/// `impl Check`: each limited field measured, each field whose type has limits or rules
/// inside checked in turn, then the type's own rules (`has_rules`), the first problem returned
/// with its path: the order in which the mock and the example checks find them. Written as
/// text (see [`verbatim_item`]).
fn check_impl<'a>(name: &str, fields: impl Iterator<Item = &'a Field>, has_rules: bool) -> TokenStream {
    verbatim_item(check_text(name, fields, has_rules))
}

fn check_text<'a>(name: &str, fields: impl Iterator<Item = &'a Field>, has_rules: bool) -> String {
    let mut w = Writer::new(1024);
    w.impl_block(Some("::wechat_core::Check"), name, |w| {
        let params = [("&self", None), ("path", Some(&quote!(&str)))];
        let output = quote!(Result<(), ::wechat_core::Invalid>);
        w.function_item("fn check", &params, Some(&output), |w| {
            for field in fields.filter(|f| !f.secret) {
                let member = |w: &mut Writer| {
                    w.word("&");
                    w.field_of("self", &field.ident);
                };
                if !field.constraints.is_empty() {
                    w.statement(|w| {
                        w.try_call("::wechat_core::check::limit", |w| {
                            w.arg(member);
                            w.arg(|w| w.word("path"));
                            w.arg(|w| w.str(&field.wire));
                            w.arg(|w| {
                                w.word("&");
                                limits(w, &field.constraints, "::wechat_core::Limits");
                            });
                        })
                    });
                }
                if field.checks_inside {
                    w.statement(|w| {
                        w.try_call("::wechat_core::Check::check", |w| {
                            w.arg(member);
                            if field.flatten {
                                w.arg(|w| w.word("path"));
                            } else {
                                w.arg(|w| {
                                    w.word("&");
                                    w.call("::wechat_core::check::join", |w| {
                                        w.arg(|w| w.word("path"));
                                        w.arg(|w| w.str(&field.wire));
                                    });
                                });
                            }
                        })
                    });
                }
            }
            if has_rules {
                w.statement(|w| {
                    w.try_call("::wechat_core::check::Rules::rules", |w| {
                        w.arg(|w| w.word("self"));
                        w.arg(|w| w.word("path"));
                    })
                });
            }
            w.tail(|w| w.call_block("Ok", |w| w.word("()")));
        });
    });
    w.finish()
}

/// `fn id(&self) -> Option<&T>` for a field WeChat answers and requests never send.
fn getter(field: &Field) -> TokenStream {
    let name = ident(&field.ident);
    let ty = if field.secret { quote!(::wechat_core::Secret) } else { value_type(&field.ty) };
    let first_line = field.doc.lines().next().unwrap_or_default();
    let docs = doc(&format!(
        "`{}`: {first_line}\n\nWeChat answers it; requests never send it, so a value built here has none.",
        field.wire
    ));
    let read = if field.boxed { quote!(self.#name.as_deref()) } else { quote!(self.#name.as_ref()) };
    quote! {
        #docs
        pub fn #name(&self) -> Option<&#ty> {
            #read
        }
    }
}

/// How a constructor or setter argument becomes the field's value.
#[derive(Clone, Copy)]
enum Convert {
    /// Taken as is.
    None,
    /// `.into()`, from `impl Into<String>`.
    Into,
    /// Wrapped in `wechat_core::Secret`, from `impl Into<String>`.
    Secret,
    /// Put in a `Box`: the field's type contains the struct itself.
    Boxed,
}

impl Convert {
    /// The argument `value` made the field's value.
    fn write(self, w: &mut Writer, value: &str) {
        match self {
            Self::None => w.word(value),
            Self::Into => w.method_call(value, "into", false, |_| {}),
            Self::Secret => w.call("::wechat_core::Secret::new", |w| w.arg(|w| w.word(value))),
            Self::Boxed => w.call("Box::new", |w| w.arg(|w| w.word(value))),
        }
    }
}

/// The argument type a constructor or setter takes for a field.
fn argument_type(field: &Field) -> (TokenStream, Convert) {
    match &field.ty {
        Ty::String if field.secret => (quote!(impl Into<String>), Convert::Secret),
        Ty::String => (quote!(impl Into<String>), Convert::Into),
        other if field.boxed => (value_type(other), Convert::Boxed),
        other => (value_type(other), Convert::None),
    }
}

/// `new`, taking the one required field if there is one.
fn write_constructor(w: &mut Writer, params: &[Param], unset: &Unset<'_>) {
    let required = params.iter().find(|p| p.required);
    let Some(required) = required else {
        w.doc("///", "Creates the value; every field is optional and starts empty.", true);
        w.function_item("pub fn new", &[], Some(&quote!(Self)), |w| {
            w.tail(|w| w.call("Self::default", |_| {}));
        });
        return;
    };
    w.doc("///", &format!("Creates the value from its required field `{}`.", required.wire), true);
    let arg = [(required.ident.as_str(), Some(&required.argument.0))];
    w.function_item("pub fn new", &arg, Some(&quote!(Self)), |w| {
        w.tail(|w| {
            w.struct_lit("Self", None, |w| {
                for p in params {
                    match (p.required, p.argument.1) {
                        (true, Convert::None) => w.field_shorthand(&p.ident),
                        (true, convert) => w.field(&p.ident, |w| convert.write(w, &p.ident)),
                        (false, _) => w.field(&p.ident, |w| w.word("None")),
                    }
                }
                unset.write_inits(w);
            })
        });
    });
}

/// A setter of a struct's optional field, or of any field of a builder (`in_builder`): both
/// hold the field as an `Option`. Written at `w`'s indentation, its docs not yet wrapped.
fn write_setter(w: &mut Writer, param: &Param, in_builder: bool) {
    let (ty, convert) = &param.argument;
    let first_line = param.doc.lines().next().unwrap_or_default();
    let required = if in_builder && param.required { " (required)" } else { "" };
    w.doc("///", &format!("Sets `{}`{required}: {first_line}", param.wire), true);
    let params = [("mut self", None), ("value", Some(ty))];
    w.function_item(&format!("pub fn {}", param.ident), &params, Some(&quote!(Self)), |w| {
        w.statement(|w| {
            w.assign(&format!("self.{}", param.ident), |w| {
                w.call("Some", |w| w.arg(|w| convert.write(w, "value")))
            })
        });
        w.tail(|w| w.word("self"));
    });
}

/// `Type::builder()`.
fn write_builder_fn(w: &mut Writer, type_name: &str) {
    let builder = format!("{type_name}Builder");
    w.doc("///", "Starts building the value: set each required field, then call `build()`.", true);
    let output: TokenStream = builder.parse().unwrap_or_default();
    w.function_item("pub fn builder", &[], Some(&output), |w| {
        w.tail(|w| w.call(&format!("{builder}::default"), |_| {}));
    });
}

/// `TypeBuilder`: every field an `Option` until `build()` checks the required ones are set,
/// and the type's rules (`has_rules`) once it is built. Written as text (see
/// [`verbatim_item`]): a builder is a struct and its impl of one shape, a third of an
/// operation file. Behind [`gate_text`] where only answers hold the type.
fn builder(type_name: &str, params: &[Param], unset: &Unset<'_>, made: &Made) -> TokenStream {
    verbatim_item(builder_text(type_name, params, unset, made))
}

fn builder_text(type_name: &str, params: &[Param], unset: &Unset<'_>, made: &Made) -> String {
    let ruled = if made.has_rules {
        ", and a field that breaks a rule of the spec with `wechat_core::BuildError::Invalid`"
    } else {
        ""
    };
    let gate = gate_text(made);
    let mut w = Writer::new(1024 + 512 * params.len());
    w.doc(
        "///",
        &format!(
            "The builder of [`{type_name}`], from [`{type_name}::builder`]: a setter per field, and \
             `build()`, which refuses a required field left unset with `wechat_core::BuildError::MissingField`{ruled}."
        ),
        true,
    );
    let builder = format!("{type_name}Builder");
    gate.iter().for_each(|gate| w.attr(gate));
    w.attr("#[derive(Debug, Clone, Default)]");
    w.attr("#[must_use = \"a builder does nothing until `build()` is called\"]");
    w.module(&format!("pub struct {builder}"), |w| {
        for p in params {
            let stored = &p.stored;
            w.struct_field(&p.ident, &if p.required { quote!(Option<#stored>) } else { stored.clone() });
        }
    });
    gate.iter().for_each(|gate| w.attr(gate));
    w.impl_block(None, &builder, |w| {
        params.iter().for_each(|p| write_setter(w, p, true));
        write_build(w, type_name, params, unset, made.has_rules);
    });
    wrap_doc_lines(w.finish())
}

/// The builder's `build()`.
fn write_build(w: &mut Writer, type_name: &str, params: &[Param], unset: &Unset<'_>, has_rules: bool) {
    w.doc(
        "///",
        if has_rules {
            "The value, or `wechat_core::BuildError::MissingField` naming the first required\nfield not \
             set, or `wechat_core::BuildError::Invalid` naming the first field that breaks\na rule of the \
             spec."
        } else {
            "The value, or `wechat_core::BuildError::MissingField` naming the first required\nfield not set."
        },
        true,
    );
    let name = ident(type_name);
    let output = quote!(Result<#name, ::wechat_core::BuildError>);
    let required: Vec<&Param> = params.iter().filter(|p| p.required).collect();
    if required.len() > 1 && !has_rules {
        let body = |w: &mut Writer| {
            w.let_statement("required", |w| {
                w.call("::wechat_core::RequiredFields::of", |w| w.arg(|w| w.str(type_name)))
            });
            w.tail(|w| write_build_match(w, type_name, params, &required, unset));
        };
        w.function_item("pub fn build", &[("self", None)], Some(&output), body);
        return;
    }
    w.function_item("pub fn build", &[("self", None)], Some(&output), |w| {
        w.let_statement("required", |w| {
            w.call("::wechat_core::RequiredFields::of", |w| w.arg(|w| w.str(type_name)))
        });
        let value = |w: &mut Writer| {
            w.struct_lit(type_name, None, |w| {
                for p in params {
                    w.field(&p.ident, |w| {
                        if p.required {
                            w.method_call("required", "take", false, |w| {
                                w.arg(|w| w.field_of("self", &p.ident));
                                w.arg(|w| w.str(&p.ident));
                            });
                            w.word("?");
                        } else {
                            w.field_of("self", &p.ident);
                        }
                    });
                }
                unset.write_inits(w);
            })
        };
        if !has_rules {
            w.tail(|w| w.call_block("Ok", value));
            return;
        }
        w.let_statement("value", value);
        w.statement(|w| {
            let rules = |w: &mut Writer| {
                w.call("::wechat_core::check::Rules::rules", |w| {
                    w.arg(|w| w.word("&value"));
                    w.arg(|w| w.str(""));
                })
            };
            w.method_call_on(rules, true, "map_err", |w| {
                w.arg(|w| w.call("::wechat_core::BuildError::invalid_in", |w| w.arg(|w| w.str(type_name))))
            });
            w.word("?");
        });
        w.tail(|w| w.call("Ok", |w| w.arg(|w| w.word("value"))));
    });
}

/// The `match` that ends a `build()` with more than one required field and no rules, after
/// `let required = RequiredFields::of(..)`: the value when every required field is set, else
/// `required.missing(..)` naming the first that is not.
fn write_build_match(
    w: &mut Writer,
    type_name: &str,
    params: &[Param],
    required: &[&Param],
    unset: &Unset<'_>,
) {
    let fields: Vec<Required<'_>> =
        required.iter().map(|p| Required { binding: &p.ident, name: &p.ident }).collect();
    let value = |w: &mut Writer| {
        w.call_block("Ok", |w| {
            w.struct_lit(type_name, None, |w| {
                for p in params {
                    if p.required {
                        w.field_shorthand(&p.ident);
                    } else {
                        w.field(&p.ident, |w| w.field_of("self", &p.ident));
                    }
                }
                unset.write_inits(w);
            })
        })
    };
    let missing = |w: &mut Writer, set: &dyn Fn(&mut Writer)| {
        let links = [Link::Method("missing", set)];
        w.call("Err", |w| w.arg(|w| w.chain(Base::Path("required"), &links, false)));
    };
    required_match::write(w, &fields, &|w, binding| w.field_of("self", binding), value, missing);
}

/// A named type of the spec.
pub(crate) fn named(def: &TypeDef) -> TokenStream {
    match &def.kind {
        TypeKind::Struct(fields) => {
            let extras = Extras {
                checked: def.checked,
                sent_only: !def.received,
                received_only: !def.sent,
                ..Extras::default()
            };
            object(&def.name, &def.doc, fields, &extras)
        }
        TypeKind::StringEnum(variants) => enums::string_enum(def, variants),
        TypeKind::IntEnum(variants) => enums::int_enum(def, variants),
        TypeKind::Union(union) => enums::union_enum(def, union),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::test_support::{
        SYSTEM_BUSY, TEXT_WRITER_ENDPOINT, one_endpoint_spec, prettyplease_of as pretty,
    };

    #[test]
    fn builders_and_setters_are_laid_out_as_prettyplease_lays_them_out() {
        let spec = one_endpoint_spec("demo", SYSTEM_BUSY, None, TEXT_WRITER_ENDPOINT);
        let op = spec.operations().next().expect("one operation");
        let [request, response, _] = op.type_names();
        let extras = Extras { query: &op.query, constants: &op.fixed_body, ..Extras::default() };
        let request_params = params(&op.request, &extras);
        let unset = Unset { constants: &op.fixed_body, answered: &[] };
        let TypeKind::Struct(item_fields) = &op.types[0].kind else { panic!("the item is a struct") };
        let item_params = params(item_fields, &Extras::default());
        let answered: Vec<&Field> =
            item_fields.iter().filter(|f| f.only == Some(Direction::Response)).collect();
        let item_text = builder_text(
            "ItemOfTheList",
            &item_params,
            &Unset { constants: &[], answered: &answered },
            &Made { has_rules: false, gated: false },
        );
        assert_eq!(pretty(&item_text), item_text);
        assert!(item_text.contains("            assigned: None,\n"), "{item_text}");
        for (has_rules, gated) in [(true, false), (false, true)] {
            let made = Made { has_rules, gated };
            let text = builder_text(request, &request_params, &unset, &made);
            assert_eq!(pretty(&text), text);
            assert!(
                text.contains("    pub fn a_field_name_long_enough_to_break_the_setter_lines(\n"),
                "{text}"
            );
            assert_eq!(
                text.contains("Rules::rules(&value, \"\")\n            .map_err("),
                has_rules,
                "{text}"
            );
            assert_eq!(
                text.matches("#[cfg(feature = \"serialize-responses\")]\n").count(),
                if gated { 2 } else { 0 }
            );
            // Without rules, the required fields are taken in one `match`.
            assert_eq!(text.contains(".missing("), !has_rules, "{text}");
        }
        let fields = op.query.iter().chain(&op.request);
        let check = check_text(request, fields, true);
        assert_eq!(pretty(&check), check);
        assert!(
            check.contains("\n            &::wechat_core::Limits {\n                minimum: Some(-5),\n"),
            "{check}"
        );
        assert!(
            check.contains(
                "            &::wechat_core::check::join(
                path,
"
            ),
            "{check}"
        );
        let long = check_text(&"Long".repeat(15), op.request.iter(), false);
        assert_eq!(pretty(&long), long);
        assert!(long.starts_with("impl ::wechat_core::Check\nfor LongLong"), "{long}");
        let answer_params = params(&op.response, &Extras::default());
        let unset = Unset { constants: &[], answered: &[] };
        let gated = Made { has_rules: false, gated: true };
        let methods = methods_text(response, &answer_params, &unset, &gated, false);
        assert_eq!(pretty(&methods), methods);
        assert!(methods.contains("    pub fn new(status: impl Into<String>) -> Self {\n"), "{methods}");
        assert!(methods.contains("    /// Sets `an_optional_answer_field"), "{methods}");
        let secret = params(&op.request[2..3], &Extras::default());
        let methods = methods_text("Secret", &secret, &unset, &gated, false);
        assert_eq!(pretty(&methods), methods);
        assert!(methods.contains("            secret: ::wechat_core::Secret::new(secret),\n"), "{methods}");
        let all_optional = params(&op.request[1..2], &Extras::default());
        let methods = methods_text("Id", &all_optional, &unset, &gated, false);
        assert_eq!(pretty(&methods), methods);
        assert!(methods.contains("        Self::default()\n"), "{methods}");
        let methods = methods_text(request, &request_params, &unset, &gated, true);
        assert_eq!(pretty(&methods), methods);
    }

    #[test]
    fn struct_declarations_are_laid_out_as_prettyplease_lays_them_out() {
        let spec = one_endpoint_spec("demo", SYSTEM_BUSY, None, TEXT_WRITER_ENDPOINT);
        let op = spec.operations().next().expect("one operation");
        let [request, response, _] = op.type_names();
        let feature = crate::emit::SERIALIZE_RESPONSES_FEATURE;
        let gated = quote!(#[cfg_attr(feature = #feature, derive(serde::Serialize))]);
        let derive = quote!(#[derive(Debug, Clone, PartialEq, serde::Serialize,)]);
        let extras = Extras { query: &op.query, constants: &op.fixed_body, ..Extras::default() };
        let mut sent = declarations(&op.request, &extras, true);
        // Attributes and types long enough to break inside their parentheses and brackets.
        let long = "a_spelling_long_enough_that_the_attribute_no_longer_fits_on_its_line";
        sent.push(Declared {
            docs: "Long.".to_owned(),
            serde: Some(quote!(#[serde(rename = #long, alias = #long, default, skip_serializing_if = "Option::is_none")])),
            name: "pub long".to_owned(),
            ty: quote!(Option<std::collections::BTreeMap<String, Vec<crate::types::AVeryLongTypeNameIndeedForTheTest>>>),
        });
        let allow = quote!(#[allow(clippy::manual_non_exhaustive)]);
        let must_use = quote!(#[must_use = "a value does nothing"]);
        let text =
            struct_text(request, "Docs.", &[derive, quote!(#[non_exhaustive]), allow, must_use], &sent);
        assert_eq!(pretty(&text), text);
        assert!(
            text.contains("        serialize_with = \"serialize_action\",\n        deserialize_with = \"deserialize_action\"\n    )]\n    action: (),\n"),
            "{text}"
        );
        assert!(text.contains("    #[serde(\n        rename = "), "{text}");
        assert!(text.contains("    pub long: Option<\n"), "{text}");
        let answered = declarations(&op.response, &Extras::default(), true);
        let text =
            struct_text(response, "Docs.\n\nMore docs.", &[gated, quote!(#[non_exhaustive])], &answered);
        assert_eq!(pretty(&text), text);
        assert!(
            text.contains("    #[serde(default, skip_serializing_if = \"Option::is_none\")]\n"),
            "{text}"
        );
        // Written impls: no `#[serde]` on the fields.
        let written = declarations(&op.request, &extras, false);
        assert!(written.iter().all(|d| d.serde.is_none()));
        let empty = struct_text("Empty", "", &[quote!(#[derive(Debug)])], &[]);
        assert_eq!(pretty(&empty), empty);
        assert_eq!(empty, "#[derive(Debug)]\npub struct Empty {}\n");
    }
}
