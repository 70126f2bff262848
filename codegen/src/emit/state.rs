//! The mock's state model as static tables:
//!
//! - `generated/state.rs`: `RESOURCES`, `EVENTS`, `BEHAVIOURS` and `USER_ACTIONS`, in the types of
//!   `wechat-mock`'s hand-written `state_model` module, which its engine interprets; and a test
//!   per user action running its examples through the engine;
//! - a short section per group in `docs/api/`.
//!
//! The typed records and user action parameters tests build are in [`crate::emit::records`].

use std::fmt::Write as _;

use wechat_core::shape;

use crate::emit::mock::{Table, fields, spec_model_imports};
use crate::emit::rust::cell;
use crate::emit::table_writer::Writer;
use crate::model::{
    Behaviour, BinaryOp, Bound, Existing, Expr, ExprLiteral, Fresh, Function, Resource, Root, Segment, Spec,
    StateModel, Step, UserAction, Verb,
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
                            w.arg(|w| write_given(w, &example.given));
                            w.arg(|w| w.str(&example.params.text));
                            w.arg(|w| w.str(example.name.as_deref().unwrap_or(&key)));
                        });
                    });
                }
            });
        }
    });
}

/// `&[("resource", "{record as JSON}"), ..]`, parents first, as text.
pub(crate) fn write_given(w: &mut Writer, records: &[(String, serde_json::Value)]) {
    w.word("&");
    w.array(records, |w, (resource, record)| {
        w.tuple(|w| {
            w.arg(|w| w.str(resource));
            w.arg(|w| w.str(&record.to_string()));
        });
    });
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
