//! The state model the spec declares (resources, steps, user actions), as static tables: what
//! `cargo xtask codegen` writes into `generated/state.rs` from `spec/**/resources.toml`, the
//! endpoints' `[[mock]]` steps and `spec/<group>/user/*.toml`, and what the engine
//! (`crate::engine`) interprets. Nothing here is written by hand per operation.

// The generated tables construct what the spec uses: a verb, operator or function no step uses
// yet is still part of the format, and a resource's `group` and `doc` are there for readers.
#![allow(dead_code)]

use crate::spec_model::{Field, Schema};

/// A kind of record WeChat keeps (`[resources.<name>]`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ResourceDef {
    /// snake_case name, unique in the spec, e.g. `code`.
    pub(crate) name: &'static str,
    /// The group that declares it; empty for `spec/resources.toml`.
    pub(crate) group: &'static str,
    /// What WeChat keeps.
    pub(crate) doc: &'static str,
    /// The fields naming one record, in order; empty for a singleton.
    pub(crate) key: &'static [&'static str],
    /// The record's declared fields (key fields included).
    pub(crate) fields: &'static [Field<'static>],
    /// The named types its fields refer to by `TypeId`: the operations' table (`TYPES`), or
    /// a test table's own.
    pub(crate) types: &'static Schema<'static>,
    /// The resource a record belongs to (its key fields are fields of this one, same names).
    pub(crate) parent: Option<&'static str>,
    /// The errcode for a key no record has.
    pub(crate) missing: Option<i64>,
    /// How creates make key values they are not given.
    pub(crate) fresh: &'static [(&'static str, Fresh)],
    /// Statuses, when it has any.
    pub(crate) statuses: Option<Statuses>,
}

/// How a fresh key value is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fresh {
    /// A string shaped like this example: its first character, its length, digits only when
    /// it has only digits.
    Like(&'static str),
    /// The next integer of a per-resource sequence, from 1.
    Sequence,
}

/// A resource's statuses.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Statuses {
    /// The status of a record created or seeded without one.
    pub(crate) initial: &'static str,
    /// Every status, in order.
    pub(crate) values: &'static [&'static str],
    /// The moves allowed, by current status; `None` when any move is allowed.
    pub(crate) transitions: Option<&'static [(&'static str, &'static [&'static str])]>,
}

/// What a call (or a user action) does, step by step (`[[mock]]`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Step {
    /// What it does.
    pub(crate) verb: Verb,
    /// It runs only when this is true.
    pub(crate) when: Option<&'static Expr>,
    /// It runs only when this is false.
    pub(crate) unless: Option<&'static Expr>,
}

/// A path into a record, a request or an answer.
pub(crate) type Path = &'static [Segment];

/// One step of a [`Path`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Segment {
    /// An object's field.
    Key(&'static str),
    /// The one key of an object that leads on (a union's variant): `*`.
    Variant,
    /// Each item of a list: `[]`.
    Each,
}

/// What a record with a key already held does to a create.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Existing {
    /// Replaced by the new one.
    Replace,
    /// The new fields written over it.
    Merge,
    /// Left as it is; the item is skipped.
    Skip,
    /// The call answers this errcode.
    Refuse(i64),
}

/// A bound on a number an update computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bound {
    /// The smallest value allowed.
    pub(crate) minimum: Option<i64>,
    /// The largest value allowed.
    pub(crate) maximum: Option<i64>,
    /// The errcode for a result outside.
    pub(crate) errcode: i64,
}

/// One step's verb and its parameters.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Verb {
    /// Finds one record (or, with `each`, checks one exists per item).
    Find {
        resource: &'static str,
        alias: &'static str,
        filter: &'static [(&'static str, Expr)],
        each: Option<&'static Expr>,
        /// The errcode for no match; the resource's when `None`.
        missing: Option<i64>,
    },
    /// Makes a record (or, with `each`, one per item).
    Create {
        resource: &'static str,
        alias: &'static str,
        set: &'static [(Path, Expr)],
        status: Option<&'static str>,
        each: Option<&'static Expr>,
        existing: Existing,
    },
    /// Changes a found record.
    Update {
        alias: &'static str,
        merge: &'static [(Path, Expr)],
        add: &'static [(Path, Expr)],
        set: &'static [(Path, Expr)],
        status: Option<&'static Expr>,
        /// The errcode of a move the transitions forbid, by current status (`"*"` for the rest).
        forbidden: &'static [(&'static str, i64)],
        bounds: &'static [(Path, Bound)],
        /// The errcode when the change moves the record onto a key another record holds.
        taken: Option<i64>,
    },
    /// Removes a found record and its children, or every record of a list.
    Delete { alias: &'static str },
    /// A page of matching records, and their total.
    List {
        resource: &'static str,
        alias: &'static str,
        filter: &'static [(&'static str, Expr)],
        /// Kept only when true of the record (read as `item`).
        keep: Option<&'static Expr>,
        /// Newest first when true.
        newest_first: Option<&'static Expr>,
        offset: Option<&'static Expr>,
        limit: Option<&'static Expr>,
    },
    /// The number of matching records.
    Count {
        resource: &'static str,
        alias: &'static str,
        filter: &'static [(&'static str, Expr)],
        /// Counted only when true of the record (read as `item`).
        keep: Option<&'static Expr>,
    },
    /// Answers an errcode.
    Fail { errcode: i64 },
    /// Sets fields of the answer, first copying a record's by name.
    Answer { from: Option<&'static str>, fields: &'static [(Path, Expr)] },
    /// Pushes an event.
    Push { event: &'static str, fields: &'static [(&'static str, Expr)] },
}

/// An expression of a step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Expr {
    /// A constant.
    Literal(Literal),
    /// A list of expressions.
    List(&'static [Expr]),
    /// A value read at a path from a root.
    Read { root: Root, path: Path },
    /// A comparison or a logical operator.
    Binary { op: BinaryOp, left: &'static Expr, right: &'static Expr },
    /// `not a`.
    Not(&'static Expr),
    /// A function of the engine's library.
    Call { function: Function, args: &'static [Expr] },
}

/// A constant of an expression.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Literal {
    Null,
    Bool(bool),
    Integer(i64),
    Float(f64),
    Text(&'static str),
}

/// Where a read starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Root {
    /// The request body and query (or a user action's parameters).
    Request,
    /// A record or list a step named.
    Alias(&'static str),
    /// The item of the current `each`.
    Item,
}

/// The operators of expressions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinaryOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    And,
    Or,
}

/// The engine's functions (each documented in the crate docs with why it is Rust).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Function {
    Now,
    Appid,
    BeijingTime,
    Default,
    Concat,
    Len,
    Fresh,
    CardValidity,
    EncryptCode,
    DecryptCode,
    Sum,
    Without,
    Date,
    Difference,
    Min,
    Max,
    Number,
    Object,
    Append,
}

/// The steps of an operation, by its key (`group/name`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Behaviour {
    /// `group/name`.
    pub(crate) operation: &'static str,
    /// Its steps, in order.
    pub(crate) steps: &'static [Step],
}

/// A push event the spec declares: its elements, in the order WeChat writes them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EventDef {
    /// Its `Event` (or `InfoType`) value, e.g. `user_consume_card`.
    pub(crate) event: &'static str,
    /// Its elements after the header, by XML name; an element a push does not set is written
    /// empty, or `0` when `true` (an integer element).
    pub(crate) elements: &'static [(&'static str, bool)],
}

/// Something only a user (or WeChat's review) does (`spec/<group>/user/<name>.toml`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct UserAction {
    /// snake_case name, unique in its group.
    pub(crate) name: &'static str,
    /// Its group.
    pub(crate) group: &'static str,
    /// What the user does.
    pub(crate) summary: &'static str,
    /// What it takes.
    pub(crate) params: &'static [Field<'static>],
    /// What it answers.
    pub(crate) answer: &'static [Field<'static>],
    /// The named types its params and answer refer to by `TypeId`, as
    /// [`ResourceDef::types`].
    pub(crate) types: &'static Schema<'static>,
    /// What it does.
    pub(crate) steps: &'static [Step],
}

/// The state model a server runs: the spec's, or a test's own tables.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StateTables {
    /// The resources.
    pub(crate) resources: &'static [ResourceDef],
    /// The push events.
    pub(crate) events: &'static [EventDef],
    /// The steps of the operations that declare them.
    pub(crate) behaviours: &'static [Behaviour],
    /// The user actions.
    pub(crate) user_actions: &'static [UserAction],
}

impl StateTables {
    /// The spec's, as the generator wrote them.
    pub(crate) fn spec() -> Self {
        use crate::generated::state::{BEHAVIOURS, EVENTS, RESOURCES, USER_ACTIONS};
        Self { resources: RESOURCES, events: EVENTS, behaviours: BEHAVIOURS, user_actions: USER_ACTIONS }
    }

    /// The steps of the operation keyed `operation` (`group/name`), if it declares any.
    pub(crate) fn behaviour(&self, operation: &str) -> Option<&'static [Step]> {
        self.behaviours.iter().find(|b| b.operation == operation).map(|b| b.steps)
    }

    /// The user action `name` of `group`.
    pub(crate) fn user_action(&self, group: &str, name: &str) -> Option<&'static UserAction> {
        self.user_actions.iter().find(|a| a.group == group && a.name == name)
    }
}

/// A typed record of a resource (the structs of [`records`](crate::records), generated from
/// `spec/`): what a test has the mock hold. It serializes to the JSON record the mock seeds.
pub trait Record: serde::Serialize {
    /// The resource's name in the spec, e.g. `card`.
    const RESOURCE: &'static str;
}

/// The typed parameters of a user action (the structs of
/// [`user_actions`](crate::user_actions), generated from `spec/`). They serialize to the
/// JSON body of the action's admin route.
pub trait UserActionParams: serde::Serialize {
    /// The action's key, `group/name`, e.g. `card/approve_card`.
    const ACTION: &'static str;
}

#[cfg(test)]
mod tests {
    use super::{Behaviour, Verb};
    use crate::generated::state::{BEHAVIOURS, EVENTS, RESOURCES, USER_ACTIONS};
    use crate::spec_table::operations;

    fn resources_named(steps: &[super::Step]) -> Vec<&'static str> {
        steps
            .iter()
            .filter_map(|step| match step.verb {
                Verb::Find { resource, .. }
                | Verb::Create { resource, .. }
                | Verb::List { resource, .. }
                | Verb::Count { resource, .. } => Some(resource),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_generated_tables_agree_with_each_other_and_the_operations() {
        let behaviours: Vec<&Behaviour> = BEHAVIOURS.iter().collect();
        assert!(behaviours.iter().any(|b| b.operation == "card/create_card"), "{behaviours:?}");
        for behaviour in &behaviours {
            assert!(operations().iter().any(|op| op.key == behaviour.operation), "{}", behaviour.operation);
        }
        let steps = behaviours.iter().flat_map(|b| b.steps).chain(USER_ACTIONS.iter().flat_map(|a| a.steps));
        for step in steps {
            for resource in resources_named(std::slice::from_ref(step)) {
                assert!(RESOURCES.iter().any(|r| r.name == resource), "{resource}");
            }
            if let Verb::Push { event, .. } = step.verb {
                assert!(EVENTS.iter().any(|e| e.event == event), "{event}");
            }
        }
        for resource in RESOURCES {
            if let Some(parent) = resource.parent {
                assert!(RESOURCES.iter().any(|r| r.name == parent), "{parent}");
            }
        }
    }
}
