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
use crate::emit::rust::{cell, doc, ident};
use crate::emit::table_writer::Writer;
use crate::model::{
    Behaviour, BinaryOp, Bound, Existing, Expr, ExprLiteral, Field, Fresh, Function, Resource, Root, Segment,
    Spec, StateModel, Step, Ty, UserAction, Verb,
};

/// `generated/state.rs` of the mock crate, written by the [`Writer`] for static tables as
/// prettyplease would print it.
pub(crate) fn state_file(spec: &Spec) -> String {
    let state = &spec.state;
    // The fields in the shape model, their named types by the ids of the operations' `TYPES`.
    let table = Table::new(spec);
    let mut w = Writer::new(1 << 20);
    w.doc("///", "Every resource of `spec/resources.toml` and `spec/<group>/resources.toml`, by name.", true);
    w.static_item("pub(crate) static RESOURCES", "&[ResourceDef]", |w| {
        w.word("&");
        w.array(state.resources.iter().enumerate(), |w, (i, r)| resource(w, r, table.resource_fields(i)));
    });
    w.doc("///", "Every push event, by name: its elements after the header, in order.", true);
    w.static_item("pub(crate) static EVENTS", "&[EventDef]", |w| {
        w.word("&");
        w.array(&spec.events.events, |w, event| {
            w.struct_lit("EventDef", None, |w| {
                w.field("event", |w| w.str(&event.event));
                w.field("elements", |w| {
                    w.word("&");
                    w.array(&event.fields, |w, f| {
                        w.tuple(|w| {
                            w.arg(|w| w.str(&f.element));
                            w.arg(|w| w.bool(f.ty != crate::model::EventFieldType::String));
                        });
                    });
                });
            });
        });
    });
    // Read once the engine answers operations and user actions (the wiring of issue 20).
    w.doc("///", "The steps of every operation that declares `[[mock]]`, by operation key.", true);
    w.attr("#[cfg_attr(not(test), allow(dead_code))]");
    w.static_item("pub(crate) static BEHAVIOURS", "&[Behaviour]", |w| {
        w.word("&");
        w.array(&state.behaviours, behaviour);
    });
    w.doc("///", "Every user action of `spec/<group>/user/`, by group and name.", true);
    w.attr("#[cfg_attr(not(test), allow(dead_code))]");
    w.static_item("pub(crate) static USER_ACTIONS", "&[UserAction]", |w| {
        w.word("&");
        w.array(state.user_actions.iter().enumerate(), |w, (i, a)| user_action(w, a, table.action_fields(i)));
    });
    example_tests(&mut w, state);
    let mut head = Writer::new(1024);
    head.doc(
        "//!",
        "The state model of `spec/`: the resources the mock keeps, what each operation's\n\
         steps do to them, the events steps push and the user actions, as the engine reads\n\
         them. See `crate::state_model` for the types; fields name their types by the ids of\n\
         the operations' table (`TYPES`).",
        true,
    );
    spec_model_imports(&mut head, &w);
    if !state.resources.is_empty() || !state.user_actions.is_empty() {
        head.line("use crate::generated::operations::TYPES;");
    }
    head.line("use crate::state_model::*;");
    let mut text = head.finish();
    text.push_str(&w.finish());
    text
}

fn option<T>(w: &mut Writer, value: Option<T>, inner: impl FnOnce(&mut Writer, T)) {
    match value {
        Some(value) => w.call("Some", |w| w.arg(|w| inner(w, value))),
        None => w.word("None"),
    }
}

/// `&["a", ..]`.
fn strs<'a>(w: &mut Writer, values: impl IntoIterator<Item = &'a String>) {
    w.word("&");
    w.array(values, |w, v| w.str(v));
}

/// `ResourceDef { .. }`, its `declared` fields in the shape model.
fn resource(w: &mut Writer, resource: &Resource, declared: &[shape::Field<'_>]) {
    w.struct_lit("ResourceDef", None, |w| {
        w.field("name", |w| w.str(&resource.name));
        w.field("group", |w| w.str(resource.group.as_deref().unwrap_or_default()));
        w.field("doc", |w| w.str(&resource.doc));
        w.field("key", |w| strs(w, &resource.key));
        w.field("fields", |w| fields(w, declared));
        w.field("types", |w| w.word("&TYPES"));
        w.field("parent", |w| option(w, resource.parent.as_ref(), |w, p| w.str(p)));
        w.field("missing", |w| option(w, resource.missing, Writer::int));
        w.field("fresh", |w| {
            w.word("&");
            w.array(&resource.fresh, |w, (field, how)| {
                w.tuple(|w| {
                    w.arg(|w| w.str(field));
                    w.arg(|w| match how {
                        Fresh::Like(example) => w.call("Fresh::Like", |w| w.arg(|w| w.str(example))),
                        Fresh::Sequence => w.word("Fresh::Sequence"),
                    });
                });
            });
        });
        w.field("statuses", |w| match &resource.statuses {
            Some(s) => w.call_block("Some", |w| {
                w.struct_lit("Statuses", None, |w| {
                    w.field("initial", |w| w.str(&s.initial));
                    w.field("values", |w| strs(w, s.values.iter().map(|v| &v.value)));
                    w.field("transitions", |w| {
                        option(w, s.transitions.as_ref(), |w, moves| {
                            w.word("&");
                            w.array(moves, |w, (from, to)| {
                                w.tuple(|w| {
                                    w.arg(|w| w.str(from));
                                    w.arg(|w| strs(w, to));
                                });
                            });
                        });
                    });
                });
            }),
            None => w.word("None"),
        });
    });
}

fn behaviour(w: &mut Writer, behaviour: &Behaviour) {
    w.struct_lit("Behaviour", None, |w| {
        w.field("operation", |w| w.str(&behaviour.operation));
        w.field("steps", |w| steps(w, &behaviour.steps));
    });
}

/// `UserAction { .. }`, its params and answer in the shape model.
fn user_action(
    w: &mut Writer,
    action: &UserAction,
    (params, answer): (&[shape::Field<'_>], &[shape::Field<'_>]),
) {
    w.struct_lit("UserAction", None, |w| {
        w.field("name", |w| w.str(&action.name));
        w.field("group", |w| w.str(&action.group));
        w.field("summary", |w| w.str(&action.summary));
        w.field("params", |w| fields(w, params));
        w.field("answer", |w| fields(w, answer));
        w.field("types", |w| w.word("&TYPES"));
        w.field("steps", |w| steps(w, &action.steps));
    });
}

fn steps(w: &mut Writer, steps: &[Step]) {
    w.word("&");
    w.array(steps, |w, step| {
        w.struct_lit("Step", None, |w| {
            w.field("verb", |w| verb(w, &step.verb));
            w.field("when", |w| boxed(w, step.when.as_ref()));
            w.field("unless", |w| boxed(w, step.unless.as_ref()));
        });
    });
}

/// `&[("field", expr), ..]`.
fn named(w: &mut Writer, pairs: &[(String, Expr)]) {
    w.word("&");
    w.array(pairs, |w, (name, value)| {
        w.tuple(|w| {
            w.arg(|w| w.str(name));
            w.arg(|w| expr(w, value));
        });
    });
}

/// `&[(&[segments], expr), ..]`.
fn at_paths(w: &mut Writer, pairs: &[(Vec<Segment>, Expr)]) {
    w.word("&");
    w.array(pairs, |w, (path, value)| {
        w.tuple(|w| {
            w.arg(|w| self::path(w, path));
            w.arg(|w| expr(w, value));
        });
    });
}

/// `Some(&expr)` or `None`.
fn boxed(w: &mut Writer, value: Option<&Expr>) {
    option(w, value, |w, e| {
        w.word("&");
        expr(w, e);
    });
}

/// `Verb::.. { .. }`: a step's verb with its parameters.
fn verb(w: &mut Writer, verb: &Verb) {
    match verb {
        Verb::Find { resource, alias, filter, each, missing } => w.struct_lit("Verb::Find", None, |w| {
            w.field("resource", |w| w.str(resource));
            w.field("alias", |w| w.str(alias));
            w.field("filter", |w| named(w, filter));
            w.field("each", |w| boxed(w, each.as_ref()));
            w.field("missing", |w| option(w, *missing, Writer::int));
        }),
        Verb::Create { resource, alias, set, status, each, existing } => {
            w.struct_lit("Verb::Create", None, |w| {
                w.field("resource", |w| w.str(resource));
                w.field("alias", |w| w.str(alias));
                w.field("set", |w| at_paths(w, set));
                w.field("status", |w| option(w, status.as_ref(), |w, s| w.str(s)));
                w.field("each", |w| boxed(w, each.as_ref()));
                w.field("existing", |w| self::existing(w, *existing));
            })
        }
        Verb::Update { alias, merge, add, set, status, forbidden, bounds, taken } => {
            w.struct_lit("Verb::Update", None, |w| {
                w.field("alias", |w| w.str(alias));
                w.field("merge", |w| at_paths(w, merge));
                w.field("add", |w| at_paths(w, add));
                w.field("set", |w| at_paths(w, set));
                w.field("status", |w| boxed(w, status.as_ref()));
                w.field("forbidden", |w| self::forbidden(w, forbidden));
                w.field("bounds", |w| self::bounds(w, bounds));
                w.field("taken", |w| option(w, *taken, Writer::int));
            });
        }
        Verb::Delete { alias } => w.struct_lit("Verb::Delete", None, |w| w.field("alias", |w| w.str(alias))),
        Verb::List { resource, alias, filter, keep, newest_first, offset, limit } => {
            w.struct_lit("Verb::List", None, |w| {
                w.field("resource", |w| w.str(resource));
                w.field("alias", |w| w.str(alias));
                w.field("filter", |w| named(w, filter));
                w.field("keep", |w| boxed(w, keep.as_ref()));
                w.field("newest_first", |w| boxed(w, newest_first.as_ref()));
                w.field("offset", |w| boxed(w, offset.as_ref()));
                w.field("limit", |w| boxed(w, limit.as_ref()));
            });
        }
        Verb::Count { resource, alias, filter, keep } => w.struct_lit("Verb::Count", None, |w| {
            w.field("resource", |w| w.str(resource));
            w.field("alias", |w| w.str(alias));
            w.field("filter", |w| named(w, filter));
            w.field("keep", |w| boxed(w, keep.as_ref()));
        }),
        Verb::Fail { errcode } => {
            w.struct_lit("Verb::Fail", None, |w| w.field("errcode", |w| w.int(*errcode)))
        }
        Verb::Answer { from, fields } => w.struct_lit("Verb::Answer", None, |w| {
            w.field("from", |w| option(w, from.as_ref(), |w, f| w.str(f)));
            w.field("fields", |w| at_paths(w, fields));
        }),
        Verb::Push { event, fields } => w.struct_lit("Verb::Push", None, |w| {
            w.field("event", |w| w.str(event));
            w.field("fields", |w| named(w, fields));
        }),
    }
}

/// `Existing::..`: what a create does to a record that already has its key.
fn existing(w: &mut Writer, existing: Existing) {
    match existing {
        Existing::Replace => w.word("Existing::Replace"),
        Existing::Merge => w.word("Existing::Merge"),
        Existing::Skip => w.word("Existing::Skip"),
        Existing::Refuse(code) => w.call("Existing::Refuse", |w| w.arg(|w| w.int(code))),
    }
}

/// `&[("from", errcode), ..]`: an update's errcodes for moves forbidden from a status.
fn forbidden(w: &mut Writer, forbidden: &[(String, i64)]) {
    w.word("&");
    w.array(forbidden, |w, (from, code)| {
        w.tuple(|w| {
            w.arg(|w| w.str(from));
            w.arg(|w| w.int(*code));
        });
    });
}

/// `&[(&[segments], Bound { .. }), ..]`: an update's bounds on the numbers it computes.
fn bounds(w: &mut Writer, bounds: &[(Vec<Segment>, Bound)]) {
    w.word("&");
    w.array(bounds, |w, (path, bound)| {
        w.tuple(|w| {
            w.arg(|w| self::path(w, path));
            w.arg(|w| {
                w.struct_lit("Bound", None, |w| {
                    w.field("minimum", |w| option(w, bound.minimum, Writer::int));
                    w.field("maximum", |w| option(w, bound.maximum, Writer::int));
                    w.field("errcode", |w| w.int(bound.errcode));
                });
            });
        });
    });
}

fn path(w: &mut Writer, path: &[Segment]) {
    w.word("&");
    w.array(path, |w, segment| match segment {
        Segment::Key(key) => w.call("Segment::Key", |w| w.arg(|w| w.str(key))),
        Segment::Variant => w.word("Segment::Variant"),
        Segment::Each => w.word("Segment::Each"),
    });
}

/// `Expr::..`: an expression, its operands nested by reference.
fn expr(w: &mut Writer, expr: &Expr) {
    match expr {
        Expr::Literal(literal) => w.call("Expr::Literal", |w| w.arg(|w| self::literal(w, literal))),
        Expr::List(items) => w.call("Expr::List", |w| {
            w.arg(|w| {
                w.word("&");
                w.array(items, self::expr);
            });
        }),
        Expr::Read { root, path } => w.struct_lit("Expr::Read", None, |w| {
            w.field("root", |w| self::root(w, root));
            w.field("path", |w| self::path(w, path));
        }),
        Expr::Binary { op, left, right } => w.struct_lit("Expr::Binary", None, |w| {
            w.field("op", |w| w.word(binary_op(*op)));
            w.field("left", |w| referenced(w, left));
            w.field("right", |w| referenced(w, right));
        }),
        Expr::Not(inner) => w.call("Expr::Not", |w| w.arg(|w| referenced(w, inner))),
        Expr::Call { function, args } => w.struct_lit("Expr::Call", None, |w| {
            w.field("function", |w| w.word(self::function(*function)));
            w.field("args", |w| {
                w.word("&");
                w.array(args, self::expr);
            });
        }),
    }
}

/// `&expr`.
fn referenced(w: &mut Writer, value: &Expr) {
    w.word("&");
    expr(w, value);
}

/// `Literal::..`.
fn literal(w: &mut Writer, literal: &ExprLiteral) {
    match literal {
        ExprLiteral::Null => w.word("Literal::Null"),
        ExprLiteral::Bool(flag) => w.call("Literal::Bool", |w| w.arg(|w| w.bool(*flag))),
        ExprLiteral::Integer(n) => w.call("Literal::Integer", |w| w.arg(|w| w.int(*n))),
        // The resolver refuses numbers that are not finite.
        ExprLiteral::Float(n) => w.call("Literal::Float", |w| w.arg(|w| w.float(*n))),
        ExprLiteral::Text(text) => w.call("Literal::Text", |w| w.arg(|w| w.str(text))),
    }
}

/// `Root::..`: where a read starts.
fn root(w: &mut Writer, root: &Root) {
    match root {
        Root::Request => w.word("Root::Request"),
        Root::Item => w.word("Root::Item"),
        Root::Alias(alias) => w.call("Root::Alias", |w| w.arg(|w| w.str(alias))),
    }
}

/// The `BinaryOp::..` path of an operator.
fn binary_op(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Eq => "BinaryOp::Eq",
        BinaryOp::Ne => "BinaryOp::Ne",
        BinaryOp::Lt => "BinaryOp::Lt",
        BinaryOp::Le => "BinaryOp::Le",
        BinaryOp::Gt => "BinaryOp::Gt",
        BinaryOp::Ge => "BinaryOp::Ge",
        BinaryOp::In => "BinaryOp::In",
        BinaryOp::And => "BinaryOp::And",
        BinaryOp::Or => "BinaryOp::Or",
    }
}

/// The `Function::..` path of a function.
fn function(function: Function) -> &'static str {
    match function {
        Function::Now => "Function::Now",
        Function::Appid => "Function::Appid",
        Function::BeijingTime => "Function::BeijingTime",
        Function::Default => "Function::Default",
        Function::Concat => "Function::Concat",
        Function::Len => "Function::Len",
        Function::Fresh => "Function::Fresh",
        Function::CardValidity => "Function::CardValidity",
        Function::EncryptCode => "Function::EncryptCode",
        Function::DecryptCode => "Function::DecryptCode",
        Function::Sum => "Function::Sum",
        Function::Without => "Function::Without",
        Function::Date => "Function::Date",
        Function::Difference => "Function::Difference",
        Function::Min => "Function::Min",
        Function::Max => "Function::Max",
        Function::Number => "Function::Number",
        Function::Object => "Function::Object",
        Function::Append => "Function::Append",
    }
}

/// A test per user action with examples: each example's records seeded and its parameters
/// run through the engine, which must answer without an errcode.
fn example_tests(w: &mut Writer, state: &StateModel) {
    let actions: Vec<&UserAction> = state.user_actions.iter().filter(|a| !a.examples.is_empty()).collect();
    if actions.is_empty() {
        return;
    }
    w.attr("#[cfg(test)]");
    w.module("mod tests", |w| {
        for action in actions {
            let key = action.key();
            w.attr("#[test]");
            w.function(&format!("{}_{}_examples_run", action.group, action.name), |w| {
                for example in &action.examples {
                    w.statement(|w| {
                        w.call("crate::user_action_examples::run", |w| {
                            w.arg(|w| w.str(&key));
                            w.arg(|w| {
                                w.word("&");
                                w.array(&example.given, |w, (resource, record)| {
                                    w.tuple(|w| {
                                        w.arg(|w| w.str(resource));
                                        w.arg(|w| w.str(&record.to_string()));
                                    });
                                });
                            });
                            w.arg(|w| w.str(&example.params.text));
                            w.arg(|w| w.str(example.name.as_deref().unwrap_or(&key)));
                        });
                    });
                }
            });
        }
    });
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
    let declared = fields.iter().map(|f| declaration(f, required(f)));
    let setters = fields.iter().filter(|f| !required(f)).map(|f| setter(f));
    let docs = doc(docs);
    let required_count = fields.iter().filter(|f| required(f)).count();
    // As the generated client does: two required values could be swapped in `new`, so a
    // builder sets each by name.
    let (constructor, builder) = if required_count >= 2 {
        (builder_function(type_name), builder(type_name, fields, required, &extra_init))
    } else {
        (new_function(fields, required, &extra_init, new_doc), quote!())
    };
    let derive_default = (required_count == 0).then(|| quote!(Default,));
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #derive_default serde::Serialize)]
        pub struct #type_name {
            #(#declared)*
            #extra_field
        }

        impl #type_name {
            #constructor

            #(#setters)*
            #extra_setter
        }

        #builder
    }
}

/// A helper struct's field, renamed to its wire name where that differs: a `required` one
/// as its type, another as an `Option` left out when unset.
fn declaration(f: &Field, required: bool) -> TokenStream {
    let (wire, name, ty) = (&f.wire, ident(&f.ident), helper_type(&f.ty));
    let field_doc = doc(first_line(&f.doc));
    let rename = (f.wire != f.ident).then(|| quote!(rename = #wire,));
    if required {
        let attribute = rename.map(|rename| quote!(#[serde(#rename)]));
        quote!(#field_doc #attribute #name: #ty,)
    } else {
        quote!(#field_doc #[serde(#rename skip_serializing_if = "Option::is_none")] #name: Option<#ty>,)
    }
}

/// The setter of a field, named for it, which sets its value.
fn setter(f: &Field) -> TokenStream {
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
}

/// `builder()` of a helper struct with two or more required fields, which starts its builder.
fn builder_function(type_name: &proc_macro2::Ident) -> TokenStream {
    let builder_name = ident(&format!("{type_name}Builder"));
    let builder_doc =
        doc("Starts a builder: each required field is set by name (two could be swapped in a `new`), and \
             `build` refuses one left unset; set the others with the setters afterwards.");
    quote! {
        #builder_doc
        pub fn builder() -> #builder_name {
            #builder_name::default()
        }
    }
}

/// `new` of a helper struct with at most one required field: it takes that field and leaves the
/// others unset, or is the default when none is required.
fn new_function(
    fields: &[&Field],
    required: &dyn Fn(&Field) -> bool,
    extra_init: &TokenStream,
    new_doc: &str,
) -> TokenStream {
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
    let new_doc = doc(new_doc);
    let construct =
        if arguments.is_empty() { quote!(Self::default()) } else { quote!(Self { #(#inits)* #extra_init }) };
    quote! {
        #new_doc
        pub fn new(#(#arguments),*) -> Self {
            #construct
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
    let setters = required_fields.iter().map(|f| setter(f));
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
