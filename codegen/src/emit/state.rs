//! The mock's state model as static tables and typed helpers:
//!
//! - `generated/state.rs`: `RESOURCES`, `EVENTS`, `BEHAVIOURS` and `USER_ACTIONS`, in the types of
//!   `wechat-mock`'s hand-written `state_model` module, which its engine interprets; and a test
//!   per user action running its examples through the engine;
//! - `generated/records.rs`: per resource a typed record (`Card`) and its status enum
//!   (`CardStatus`), which serialize to the JSON records the engine seeds;
//! - `generated/user_actions.rs`: per user action its typed parameters (`ApproveCardParams`);
//! - a short section per group in `docs/api/`.

use std::fmt::Write as _;

use proc_macro2::TokenStream;
use quote::quote;
use wechat_core::shape;

use crate::emit::mock::{Table, fields, spec_model_imports};
use crate::emit::rust::{cell, doc, ident, integer};
use crate::model::{
    Behaviour, BinaryOp, Existing, Expr, ExprLiteral, Field, Fresh, Function, Resource, Root, Segment, Spec,
    StateModel, Step, Ty, UserAction, Verb,
};

/// `generated/state.rs` of the mock crate.
pub(crate) fn state_file(spec: &Spec) -> TokenStream {
    let state = &spec.state;
    // The fields in the shape model, their named types by the ids of the operations' `TYPES`.
    let table = Table::new(spec);
    let resources = state.resources.iter().enumerate().map(|(i, r)| resource(r, table.resource_fields(i)));
    let events = spec.events.events.iter().map(|event| {
        let name = &event.event;
        let elements = event.fields.iter().map(|f| {
            let (element, number) = (&f.element, f.ty != crate::model::EventFieldType::String);
            quote!((#element, #number))
        });
        quote!(EventDef { event: #name, elements: &[#(#elements),*] })
    });
    let behaviours = state.behaviours.iter().map(behaviour);
    let actions = state.user_actions.iter().enumerate().map(|(i, a)| user_action(a, table.action_fields(i)));
    let tests = example_tests(state);
    let items = quote! {
        /// Every resource of `spec/resources.toml` and `spec/<group>/resources.toml`, by name.
        pub(crate) static RESOURCES: &[ResourceDef] = &[#(#resources),*];

        /// Every push event, by name: its elements after the header, in order.
        pub(crate) static EVENTS: &[EventDef] = &[#(#events),*];

        /// The steps of every operation that declares `[[mock]]`, by operation key.
        // Read once the engine answers operations (the wiring of issue 20).
        #[cfg_attr(not(test), allow(dead_code))]
        pub(crate) static BEHAVIOURS: &[Behaviour] = &[#(#behaviours),*];

        /// Every user action of `spec/<group>/user/`, by group and name.
        // Read once the engine answers user actions (the wiring of issue 20).
        #[cfg_attr(not(test), allow(dead_code))]
        pub(crate) static USER_ACTIONS: &[UserAction] = &[#(#actions),*];

        #tests
    };
    let imports = spec_model_imports(&items);
    let types = (!state.resources.is_empty() || !state.user_actions.is_empty()).then(|| {
        quote!(
            use crate::generated::operations::TYPES;
        )
    });
    quote! {
        //! The state model of `spec/`: the resources the mock keeps, what each operation's
        //! steps do to them, the events steps push and the user actions, as the engine reads
        //! them. See `crate::state_model` for the types; fields name their types by the ids of
        //! the operations' table (`TYPES`).

        #imports
        #types
        use crate::state_model::*;

        #items
    }
}

fn option<T>(value: Option<T>, tokens: impl FnOnce(T) -> TokenStream) -> TokenStream {
    match value {
        Some(value) => {
            let inner = tokens(value);
            quote!(Some(#inner))
        }
        None => quote!(None),
    }
}

/// `ResourceDef { .. }`, its `declared` fields in the shape model.
fn resource(resource: &Resource, declared: &[shape::Field<'_>]) -> TokenStream {
    let (name, doc_text) = (&resource.name, &resource.doc);
    let group = resource.group.as_deref().unwrap_or_default();
    let key = &resource.key;
    let declared = fields(declared);
    let parent = option(resource.parent.as_ref(), |p| quote!(#p));
    let missing = option(resource.missing, integer);
    let fresh = resource.fresh.iter().map(|(field, how)| {
        let how = match how {
            Fresh::Like(example) => quote!(Fresh::Like(#example)),
            Fresh::Sequence => quote!(Fresh::Sequence),
        };
        quote!((#field, #how))
    });
    let statuses = option(resource.statuses.as_ref(), |s| {
        let initial = &s.initial;
        let values = s.values.iter().map(|v| &v.value);
        let transitions = option(s.transitions.as_ref(), |moves| {
            let moves = moves.iter().map(|(from, to)| quote!((#from, &[#(#to),*])));
            quote!(&[#(#moves),*])
        });
        quote!(Statuses { initial: #initial, values: &[#(#values),*], transitions: #transitions })
    });
    quote! {
        ResourceDef {
            name: #name,
            group: #group,
            doc: #doc_text,
            key: &[#(#key),*],
            fields: #declared,
            types: &TYPES,
            parent: #parent,
            missing: #missing,
            fresh: &[#(#fresh),*],
            statuses: #statuses,
        }
    }
}

fn behaviour(behaviour: &Behaviour) -> TokenStream {
    let operation = &behaviour.operation;
    let steps = steps(&behaviour.steps);
    quote!(Behaviour { operation: #operation, steps: #steps })
}

/// `UserAction { .. }`, its params and answer in the shape model.
fn user_action(
    action: &UserAction,
    (params, answer): (&[shape::Field<'_>], &[shape::Field<'_>]),
) -> TokenStream {
    let (name, group, summary) = (&action.name, &action.group, &action.summary);
    let (params, answer) = (fields(params), fields(answer));
    let steps = steps(&action.steps);
    quote! {
        UserAction {
            name: #name,
            group: #group,
            summary: #summary,
            params: #params,
            answer: #answer,
            types: &TYPES,
            steps: #steps,
        }
    }
}

fn steps(steps: &[Step]) -> TokenStream {
    let steps = steps.iter().map(|step| {
        let verb = verb(&step.verb);
        let when = option(step.when.as_ref(), |e| {
            let e = expr(e);
            quote!(&#e)
        });
        let unless = option(step.unless.as_ref(), |e| {
            let e = expr(e);
            quote!(&#e)
        });
        quote!(Step { verb: #verb, when: #when, unless: #unless })
    });
    quote!(&[#(#steps),*])
}

/// `&[("field", expr), ..]`.
fn named(pairs: &[(String, Expr)]) -> TokenStream {
    let pairs = pairs.iter().map(|(name, value)| {
        let value = expr(value);
        quote!((#name, #value))
    });
    quote!(&[#(#pairs),*])
}

/// `&[(&[segments], expr), ..]`.
fn at_paths(pairs: &[(Vec<Segment>, Expr)]) -> TokenStream {
    let pairs = pairs.iter().map(|(path, value)| {
        let (path, value) = (self::path(path), expr(value));
        quote!((#path, #value))
    });
    quote!(&[#(#pairs),*])
}

fn boxed(value: Option<&Expr>) -> TokenStream {
    option(value, |e| {
        let e = expr(e);
        quote!(&#e)
    })
}

fn verb(verb: &Verb) -> TokenStream {
    match verb {
        Verb::Find { resource, alias, filter, each, missing } => {
            let (filter, each, missing) = (named(filter), boxed(each.as_ref()), option(*missing, integer));
            quote!(Verb::Find { resource: #resource, alias: #alias, filter: #filter, each: #each, missing: #missing })
        }
        Verb::Create { resource, alias, set, status, each, existing } => {
            let (set, each) = (at_paths(set), boxed(each.as_ref()));
            let status = option(status.as_ref(), |s| quote!(#s));
            let existing = match existing {
                Existing::Replace => quote!(Existing::Replace),
                Existing::Merge => quote!(Existing::Merge),
                Existing::Skip => quote!(Existing::Skip),
                Existing::Refuse(code) => {
                    let code = integer(*code);
                    quote!(Existing::Refuse(#code))
                }
            };
            quote! {
                Verb::Create { resource: #resource, alias: #alias, set: #set, status: #status, each: #each, existing: #existing }
            }
        }
        Verb::Update { alias, merge, add, set, status, forbidden, bounds, taken } => {
            let (merge, add, set, status) =
                (at_paths(merge), at_paths(add), at_paths(set), boxed(status.as_ref()));
            let forbidden = forbidden.iter().map(|(from, code)| {
                let code = integer(*code);
                quote!((#from, #code))
            });
            let bounds = bounds.iter().map(|(path, bound)| {
                let path = self::path(path);
                let (minimum, maximum) = (option(bound.minimum, integer), option(bound.maximum, integer));
                let errcode = integer(bound.errcode);
                quote!((#path, Bound { minimum: #minimum, maximum: #maximum, errcode: #errcode }))
            });
            let taken = option(*taken, integer);
            quote! {
                Verb::Update {
                    alias: #alias,
                    merge: #merge,
                    add: #add,
                    set: #set,
                    status: #status,
                    forbidden: &[#(#forbidden),*],
                    bounds: &[#(#bounds),*],
                    taken: #taken,
                }
            }
        }
        Verb::Delete { alias } => quote!(Verb::Delete { alias: #alias }),
        Verb::List { resource, alias, filter, keep, newest_first, offset, limit } => {
            let (filter, keep, newest_first) =
                (named(filter), boxed(keep.as_ref()), boxed(newest_first.as_ref()));
            let (offset, limit) = (boxed(offset.as_ref()), boxed(limit.as_ref()));
            quote! {
                Verb::List {
                    resource: #resource,
                    alias: #alias,
                    filter: #filter,
                    keep: #keep,
                    newest_first: #newest_first,
                    offset: #offset,
                    limit: #limit,
                }
            }
        }
        Verb::Count { resource, alias, filter, keep } => {
            let (filter, keep) = (named(filter), boxed(keep.as_ref()));
            quote!(Verb::Count { resource: #resource, alias: #alias, filter: #filter, keep: #keep })
        }
        Verb::Fail { errcode } => {
            let errcode = integer(*errcode);
            quote!(Verb::Fail { errcode: #errcode })
        }
        Verb::Answer { from, fields } => {
            let (from, fields) = (option(from.as_ref(), |f| quote!(#f)), at_paths(fields));
            quote!(Verb::Answer { from: #from, fields: #fields })
        }
        Verb::Push { event, fields } => {
            let fields = named(fields);
            quote!(Verb::Push { event: #event, fields: #fields })
        }
    }
}

fn path(path: &[Segment]) -> TokenStream {
    let segments = path.iter().map(|segment| match segment {
        Segment::Key(key) => quote!(Segment::Key(#key)),
        Segment::Variant => quote!(Segment::Variant),
        Segment::Each => quote!(Segment::Each),
    });
    quote!(&[#(#segments),*])
}

fn expr(expr: &Expr) -> TokenStream {
    match expr {
        Expr::Literal(literal) => {
            let literal = match literal {
                ExprLiteral::Null => quote!(Literal::Null),
                ExprLiteral::Bool(flag) => quote!(Literal::Bool(#flag)),
                ExprLiteral::Integer(n) => {
                    let n = integer(*n);
                    quote!(Literal::Integer(#n))
                }
                // The resolver refuses numbers that are not finite.
                ExprLiteral::Float(n) => {
                    let magnitude = proc_macro2::Literal::f64_unsuffixed(n.abs());
                    if n.is_sign_negative() {
                        quote!(Literal::Float(-#magnitude))
                    } else {
                        quote!(Literal::Float(#magnitude))
                    }
                }
                ExprLiteral::Text(text) => quote!(Literal::Text(#text)),
            };
            quote!(Expr::Literal(#literal))
        }
        Expr::List(items) => {
            let items = items.iter().map(self::expr);
            quote!(Expr::List(&[#(#items),*]))
        }
        Expr::Read { root, path } => {
            let root = match root {
                Root::Request => quote!(Root::Request),
                Root::Item => quote!(Root::Item),
                Root::Alias(alias) => quote!(Root::Alias(#alias)),
            };
            let path = self::path(path);
            quote!(Expr::Read { root: #root, path: #path })
        }
        Expr::Binary { op, left, right } => {
            let op = match op {
                BinaryOp::Eq => quote!(BinaryOp::Eq),
                BinaryOp::Ne => quote!(BinaryOp::Ne),
                BinaryOp::Lt => quote!(BinaryOp::Lt),
                BinaryOp::Le => quote!(BinaryOp::Le),
                BinaryOp::Gt => quote!(BinaryOp::Gt),
                BinaryOp::Ge => quote!(BinaryOp::Ge),
                BinaryOp::In => quote!(BinaryOp::In),
                BinaryOp::And => quote!(BinaryOp::And),
                BinaryOp::Or => quote!(BinaryOp::Or),
            };
            let (left, right) = (self::expr(left), self::expr(right));
            quote!(Expr::Binary { op: #op, left: &#left, right: &#right })
        }
        Expr::Not(inner) => {
            let inner = self::expr(inner);
            quote!(Expr::Not(&#inner))
        }
        Expr::Call { function, args } => {
            let function = match function {
                Function::Now => quote!(Function::Now),
                Function::Appid => quote!(Function::Appid),
                Function::BeijingTime => quote!(Function::BeijingTime),
                Function::Default => quote!(Function::Default),
                Function::Concat => quote!(Function::Concat),
                Function::Len => quote!(Function::Len),
                Function::Fresh => quote!(Function::Fresh),
                Function::CardValidity => quote!(Function::CardValidity),
                Function::EncryptCode => quote!(Function::EncryptCode),
                Function::DecryptCode => quote!(Function::DecryptCode),
                Function::Sum => quote!(Function::Sum),
                Function::Without => quote!(Function::Without),
                Function::Date => quote!(Function::Date),
                Function::Difference => quote!(Function::Difference),
                Function::Min => quote!(Function::Min),
                Function::Max => quote!(Function::Max),
                Function::Number => quote!(Function::Number),
                Function::Object => quote!(Function::Object),
                Function::Append => quote!(Function::Append),
            };
            let args = args.iter().map(self::expr);
            quote!(Expr::Call { function: #function, args: &[#(#args),*] })
        }
    }
}

/// A test per user action with examples: each example's records seeded and its parameters
/// run through the engine, which must answer without an errcode.
fn example_tests(state: &StateModel) -> Option<TokenStream> {
    let tests: Vec<TokenStream> = state
        .user_actions
        .iter()
        .filter(|a| !a.examples.is_empty())
        .map(|action| {
            let test = ident(&format!("{}_{}_examples_run", action.group, action.name));
            let key = action.key();
            let runs = action.examples.iter().map(|example| {
                let given = given(&example.given);
                let params = &example.params.text;
                let name = example.name.as_deref().unwrap_or(&key);
                quote!(crate::state_model::run_user_action_example(#key, #given, #params, #name);)
            });
            quote! {
                #[test]
                fn #test() {
                    #(#runs)*
                }
            }
        })
        .collect();
    (!tests.is_empty()).then(|| {
        quote! {
            #[cfg(test)]
            mod tests {
                #(#tests)*
            }
        }
    })
}

/// `&[("resource", "{record as JSON}"), ..]`, parents first.
pub(crate) fn given(records: &[(String, serde_json::Value)]) -> TokenStream {
    let records = records.iter().map(|(resource, record)| {
        let json = record.to_string();
        quote!((#resource, #json))
    });
    quote!(&[#(#records),*])
}

// --- typed helpers -----------------------------------------------------------------------------

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
    match ty {
        Ty::String => quote!(String),
        Ty::Bool => quote!(bool),
        Ty::I32 => quote!(i32),
        Ty::I64 => quote!(i64),
        Ty::U32 => quote!(u32),
        Ty::U64 => quote!(u64),
        Ty::F64 => quote!(f64),
        Ty::Array(item) if item.scalar_name().is_some() => {
            let item = helper_type(item);
            quote!(Vec<#item>)
        }
        Ty::Array(_) | Ty::Map(_) | Ty::Json | Ty::Named(_) => quote!(serde_json::Value),
    }
}

/// A setter's argument type and how it becomes the field's value.
fn setter_argument(ty: &Ty, name: &proc_macro2::Ident) -> (TokenStream, TokenStream) {
    match ty {
        Ty::String => (quote!(impl Into<String>), quote!(#name.into())),
        _ => (helper_type(ty), quote!(#name)),
    }
}

/// The first line of a field's documentation.
fn first_line(text: &str) -> &str {
    text.trim().lines().next().unwrap_or_default()
}

/// A struct of `fields` whose `required` ones `new` takes and the others setters set, all
/// serialized by their wire names, unset ones left out.
fn helper_struct(
    type_name: &proc_macro2::Ident,
    docs: &str,
    fields: &[&Field],
    required: &dyn Fn(&Field) -> bool,
    extra: (TokenStream, TokenStream, TokenStream),
    new_doc: &str,
) -> TokenStream {
    let (extra_field, extra_init, extra_setter) = extra;
    let declared = fields.iter().map(|f| {
        let (wire, name, ty) = (&f.wire, ident(&f.ident), helper_type(&f.ty));
        let field_doc = doc(first_line(&f.doc));
        let rename = (f.wire != f.ident).then(|| quote!(rename = #wire,));
        if required(f) {
            let attribute = rename.map(|rename| quote!(#[serde(#rename)]));
            quote!(#field_doc #attribute #name: #ty,)
        } else {
            quote!(#field_doc #[serde(#rename skip_serializing_if = "Option::is_none")] #name: Option<#ty>,)
        }
    });
    let arguments: Vec<TokenStream> = fields
        .iter()
        .filter(|f| required(f))
        .map(|f| {
            let name = ident(&f.ident);
            let (argument, _) = setter_argument(&f.ty, &name);
            quote!(#name: #argument)
        })
        .collect();
    let inits = fields.iter().map(|f| {
        let name = ident(&f.ident);
        match (required(f), &f.ty) {
            (true, Ty::String) => quote!(#name: #name.into(),),
            // The argument is the field's value: the shorthand (clippy's redundant_field_names).
            (true, _) => quote!(#name,),
            (false, _) => quote!(#name: None,),
        }
    });
    let setters = fields.iter().filter(|f| !required(f)).map(|f| {
        let name = ident(&f.ident);
        let (argument, value) = setter_argument(&f.ty, &name);
        let setter_doc = doc(&format!("Sets `{}`: {}", f.wire, first_line(&f.doc)));
        quote! {
            #setter_doc
            pub fn #name(mut self, #name: #argument) -> Self {
                self.#name = Some(#value);
                self
            }
        }
    });
    let docs = doc(docs);
    if arguments.len() >= 2 {
        // As the generated client does: two required values could be swapped in `new`, so
        // a builder sets each by name.
        let builder = builder(type_name, fields, required, &extra_init);
        let builder_name = ident(&format!("{type_name}Builder"));
        let builder_doc = doc(
            "Starts a builder: each required field is set by name (two could be swapped in a `new`), and \
             `build` refuses one left unset; set the others with the setters afterwards.",
        );
        return quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, serde::Serialize)]
            pub struct #type_name {
                #(#declared)*
                #extra_field
            }

            impl #type_name {
                #builder_doc
                pub fn builder() -> #builder_name {
                    #builder_name::default()
                }

                #(#setters)*
                #extra_setter
            }

            #builder
        };
    }
    let new_doc = doc(new_doc);
    let construct =
        if arguments.is_empty() { quote!(Self::default()) } else { quote!(Self { #(#inits)* #extra_init }) };
    let derive_default = arguments.is_empty().then(|| quote!(Default,));
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #derive_default serde::Serialize)]
        pub struct #type_name {
            #(#declared)*
            #extra_field
        }

        impl #type_name {
            #new_doc
            pub fn new(#(#arguments),*) -> Self {
                #construct
            }

            #(#setters)*
            #extra_setter
        }
    }
}

/// The builder of a helper struct with two or more required fields: a setter per required
/// field, and `build`, which refuses one left unset with `wechat_core::BuildError`.
fn builder(
    type_name: &proc_macro2::Ident,
    fields: &[&Field],
    required: &dyn Fn(&Field) -> bool,
    extra_init: &TokenStream,
) -> TokenStream {
    let builder_name = ident(&format!("{type_name}Builder"));
    let type_text = type_name.to_string();
    let required_fields: Vec<&&Field> = fields.iter().filter(|f| required(f)).collect();
    let slots = required_fields.iter().map(|f| {
        let (name, ty) = (ident(&f.ident), helper_type(&f.ty));
        quote!(#name: Option<#ty>,)
    });
    let setters = required_fields.iter().map(|f| {
        let name = ident(&f.ident);
        let (argument, value) = setter_argument(&f.ty, &name);
        let setter_doc = doc(&format!("Sets `{}`: {}", f.wire, first_line(&f.doc)));
        quote! {
            #setter_doc
            pub fn #name(mut self, #name: #argument) -> Self {
                self.#name = Some(#value);
                self
            }
        }
    });
    let inits = fields.iter().map(|f| {
        let name = ident(&f.ident);
        if required(f) {
            let field = f.ident.as_str();
            quote! {
                #name: self.#name.ok_or(::wechat_core::BuildError::MissingField { type_name: #type_text, field: #field })?,
            }
        } else {
            quote!(#name: None,)
        }
    });
    let docs = doc(&format!("Builds a [`{type_text}`]: set each required field, then `build`."));
    quote! {
        #docs
        #[derive(Debug, Clone, Default)]
        pub struct #builder_name {
            #(#slots)*
        }

        impl #builder_name {
            #(#setters)*

            /// The value built, or the first required field left unset.
            pub fn build(self) -> Result<#type_name, ::wechat_core::BuildError> {
                Ok(#type_name { #(#inits)* #extra_init })
            }
        }
    }
}

fn record(resource: &Resource) -> TokenStream {
    let type_name = ident(&resource.type_name());
    let status_name = ident(&format!("{}Status", resource.type_name()));
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
    let status = resource.statuses.as_ref().map(|statuses| {
        let variants = statuses.values.iter().map(|v| {
            let (variant, wire, docs) = (ident(&v.variant), &v.value, doc(&v.doc));
            quote!(#docs #[serde(rename = #wire)] #variant,)
        });
        let docs = doc(&format!("The statuses of a `{name}` record."));
        quote! {
            #docs
            #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
            pub enum #status_name {
                #(#variants)*
            }
        }
    });
    let extra = if status.is_some() {
        let initial = resource.statuses.as_ref().map(|s| s.initial.as_str()).unwrap_or_default();
        let setter_doc = doc(&format!("Sets its status (`{initial}` when unset)."));
        (
            quote!(
                /// Its status.
                #[serde(skip_serializing_if = "Option::is_none")]
                status: Option<#status_name>,
            ),
            quote!(status: None,),
            quote! {
                #setter_doc
                pub fn status(mut self, status: #status_name) -> Self {
                    self.status = Some(status);
                    self
                }
            },
        )
    } else {
        (quote!(), quote!(), quote!())
    };
    let helper = helper_struct(&type_name, &resource.doc, &fields, &required, extra, &new_doc);
    quote! {
        #helper

        impl crate::state_model::Record for #type_name {
            const RESOURCE: &'static str = #name;
        }

        #status
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
            let type_name = ident(&action.params_type());
            let fields: Vec<&Field> = action.params.iter().collect();
            let docs = format!("The parameters of `{}`: {}", action.key(), action.summary);
            let new_doc = "The parameters with the required ones; set the others with the setters.";
            let required = |f: &Field| f.required;
            let helper =
                helper_struct(&type_name, &docs, &fields, &required, (quote!(), quote!(), quote!()), new_doc);
            let key = action.key();
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

// --- reference ---------------------------------------------------------------------------------

/// The group page's section on what the mock keeps for the group, if it keeps anything.
pub(crate) fn docs_section(state: &StateModel, group: &str) -> String {
    let resources: Vec<&Resource> = state.resources_of(Some(group)).collect();
    let actions: Vec<&UserAction> = state.user_actions_of(group).collect();
    let mut out = String::new();
    if !resources.is_empty() {
        let _ = writeln!(
            out,
            "\n## What the mock keeps\n\nResources of `spec/{group}/resources.toml`, which wechat-mock keeps as WeChat \
             does (typed records: `wechat_mock::records`).\n"
        );
        out.push_str("| resource | key | statuses | description |\n|---|---|---|---|\n");
        for resource in resources {
            let key: Vec<String> = resource.key.iter().map(|k| format!("`{k}`")).collect();
            let statuses = resource.statuses.as_ref().map_or_else(
                || "none".to_owned(),
                |s| s.values.iter().map(|v| format!("`{}`", v.value)).collect::<Vec<_>>().join(", "),
            );
            let parent =
                resource.parent.as_ref().map(|p| format!(" Belongs to a `{p}`.")).unwrap_or_default();
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {}{} |",
                resource.name,
                if key.is_empty() { "none (one record)".to_owned() } else { key.join(", ") },
                statuses,
                cell(&resource.doc),
                cell(&parent)
            );
        }
    }
    if !actions.is_empty() {
        let _ = writeln!(
            out,
            "\n## User actions\n\nWhat only a user (or WeChat's review) does, played by wechat-mock: \
             `POST /__mock/user/{group}/<name>` (typed parameters: `wechat_mock::user_actions::{group}`).\n"
        );
        out.push_str("| action | params | summary |\n|---|---|---|\n");
        for action in actions {
            let params: Vec<String> = action
                .params
                .iter()
                .map(|p| if p.required { format!("`{}`", p.wire) } else { format!("`{}`?", p.wire) })
                .collect();
            let _ =
                writeln!(out, "| `{}` | {} | {} |", action.name, params.join(", "), cell(&action.summary));
        }
    }
    out
}
