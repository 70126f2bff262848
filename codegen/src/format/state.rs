//! The format of the mock's state model: resources (`spec/resources.toml`,
//! `spec/<group>/resources.toml`), the `[[mock]]` steps of endpoint files and user actions
//! (`spec/<group>/user/<name>.toml`), and the values steps are written in.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use toml_span::value::{Value, ValueInner};
use toml_span::{DeserError, Deserialize, Error, ErrorKind};

use super::{Entries, Field, Located, wanted};

spec_table! {
    /// `spec/resources.toml` (kinds of records several groups share) or
    /// `spec/<group>/resources.toml` (a group's own): what WeChat keeps, and so the mock.
    #[schemars(title = "WeChat resources the mock keeps")]
    pub struct ResourcesFile {
        /// The resources, by snake_case name, unique in the spec, e.g. `card`.
        pub resources: Entries<ResourceDef> = required_bare "resources",
    }
}

spec_table! {
    /// A kind of record WeChat keeps: its key, its fields, its statuses.
    pub struct ResourceDef {
        /// What WeChat keeps.
        pub doc: Located<String> = required "doc",
        /// The fields that name one record, in order (a composite key has several); empty for
        /// a singleton (an account's settings). Each a field of `fields` of type `string` or
        /// an integer type.
        pub key: Located<Vec<Located<String>>> = required "key",
        /// The record's fields, in the format of request fields. `status`, `created` and
        /// `updated` are the mock's own and are not declared.
        pub fields: Located<Entries<Field>> = required "fields",
        /// The resource a record belongs to: the record has the parent's key fields under the
        /// same names, and creating one whose parent does not exist answers the parent's
        /// `missing`; deleting the parent deletes it.
        pub parent: Option<Located<String>> = optional "parent",
        /// The errcode for a key no record has: the default of every `find` of the resource.
        pub missing: Option<Located<i64>> = optional "missing",
        /// How a create that does not set a key field makes one, by key field: a string like
        /// the example (`"812345678901"`), or `"sequence"` for an integer field (1, 2, ...).
        pub fresh: Entries<String> = default "fresh",
        /// The statuses a record moves through, when it has any.
        pub statuses: Option<Located<StatusesDef>> = optional "statuses",
    }
}

spec_table! {
    /// A resource's statuses: every record carries one in `status`.
    pub struct StatusesDef {
        /// The status of a record a create or a seed does not give one. Default: the first of
        /// `values`.
        pub initial: Option<Located<String>> = optional "initial",
        /// Every status, in the order records move through them.
        pub values: Vec<Located<StatusValueDef>> = required_bare "values",
        /// Which statuses each may move to (an update's `status`), by current status; a status
        /// missing from the table moves nowhere. Without the table any move is allowed.
        pub transitions: Option<Located<Entries<Vec<Located<String>>>>> = optional "transitions",
    }
}

spec_table! {
    /// One status of a resource.
    pub struct StatusValueDef {
        /// The status as WeChat writes it, e.g. `CARD_STATUS_VERIFY_OK`.
        pub value: Located<String> = required "value",
        /// What it means.
        pub doc: Located<String> = required "doc",
    }
}

spec_table! {
    /// One step of what a call does to the records the mock keeps (`[[mock]]`): exactly one
    /// verb (`find`, `create`, `update`, `delete`, `list`, `count`, `fail`, `answer`, `push`)
    /// and the keys that verb takes. Strings are expressions.
    pub struct StepDef {
        /// Finds the record of this resource whose fields equal `where`'s values and names it
        /// `as` (default: the resource's name); no record answers `missing`.
        pub find: Option<Located<String>> = optional "find",
        /// Makes a record of this resource from `set`, in `status`, with fresh key values for
        /// key fields left unset.
        pub create: Option<Located<String>> = optional "create",
        /// Changes the record an earlier step named (`merge`, then `add`, then `set`, then
        /// `status`).
        pub update: Option<Located<String>> = optional "update",
        /// Removes the record an earlier step named, and the records whose parent it is; of a
        /// list (a `list`, or the records a create with `each` made), every record of it.
        pub delete: Option<Located<String>> = optional "delete",
        /// The records of this resource matching `where` and `filter`, in creation order
        /// (newest first with `newest_first`), from `offset`, at most `limit`; names the page
        /// `as` and `<as>.total` the number of matches.
        pub list: Option<Located<String>> = optional "list",
        /// Names the number of records of this resource matching `where` and `filter` `as`.
        pub count: Option<Located<String>> = optional "count",
        /// Answers this errcode (with `when` or `unless`).
        pub fail: Option<Located<i64>> = optional "fail",
        /// Sets fields of the answer: dotted path = expression.
        pub answer: Option<Located<Entries<ExprValue>>> = optional "answer",
        /// Pushes the event with this `Event` value, e.g. `user_consume_card`.
        pub push: Option<Located<String>> = optional "push",
        /// `find`, `list`, `count`: field of the resource = the value it must equal (any item of
        /// a list); an absent value does not filter.
        pub filter: Option<Located<Entries<ExprValue>>> = optional "where",
        /// `list`, `count`: an expression true of the records kept, each read as `item`
        /// (`item.created >= request.begin_time`).
        pub keep: Option<Located<String>> = optional "filter",
        /// `list`: an expression; when true, the newest records come first.
        pub newest_first: Option<Located<String>> = optional "newest_first",
        /// `find`, `create`: an expression giving a list; the step runs once per item, read as
        /// `item`.
        pub each: Option<Located<String>> = optional "each",
        /// `find`, `create`, `list`, `count`: the name later steps read it by.
        pub alias: Option<Located<String>> = optional "as",
        /// `find`: the errcode when no record matches; default the resource's `missing`.
        pub missing: Option<Located<i64>> = optional "missing",
        /// `create`, `update`: dotted path in the record = expression.
        pub set: Option<Located<Entries<ExprValue>>> = optional "set",
        /// `update`: dotted path of a number in the record = the amount added.
        pub add: Option<Located<Entries<ExprValue>>> = optional "add",
        /// `update`: dotted path of an object in the record = an object merged into it key by key.
        pub merge: Option<Located<Entries<ExprValue>>> = optional "merge",
        /// `create`: the new record's status (default the resource's initial one); `update`:
        /// the status it moves to, or an expression giving one.
        pub status: Option<Located<String>> = optional "status",
        /// `create`: what a record with the same key does: `"replace"` (default), `"merge"`,
        /// `"skip"`, or an errcode.
        pub existing: Option<Located<ExistingDef>> = optional "existing",
        /// `update` with `status`: the errcode of a move the transitions forbid, or a table of
        /// current status = errcode with `"*"` for the rest.
        pub forbidden: Option<Located<ForbiddenDef>> = optional "forbidden",
        /// `update`: dotted path of a number = `{ minimum?, maximum?, errcode }`.
        pub bounds: Option<Located<Entries<BoundDef>>> = optional "bounds",
        /// `update`: the errcode when a changed key field moves the record onto a key another
        /// record holds.
        pub taken: Option<Located<i64>> = optional "taken",
        /// `list`: the first match answered (default 0).
        pub offset: Option<Located<ExprValue>> = optional "offset",
        /// `list`: the most matches answered (default all).
        pub limit: Option<Located<ExprValue>> = optional "limit",
        /// `answer`: a record an earlier step named, whose fields named like response fields
        /// are copied into the answer first.
        pub from: Option<Located<String>> = optional "from",
        /// `push`: XML element = expression.
        pub fields: Option<Located<Entries<ExprValue>>> = optional "fields",
        /// The step runs only when this expression is true.
        pub when: Option<Located<String>> = optional "when",
        /// The step runs only when this expression is false.
        pub unless: Option<Located<String>> = optional "unless",
    }
}

spec_table! {
    /// A bound on a number an update computes.
    pub struct BoundDef {
        /// The smallest value allowed.
        pub minimum: Option<Located<i64>> = optional "minimum",
        /// The largest value allowed.
        pub maximum: Option<Located<i64>> = optional "maximum",
        /// The errcode answered for a result outside.
        pub errcode: Located<i64> = required "errcode",
    }
}

spec_table! {
    /// Something only a WeChat user (or WeChat's own review) does: a file under
    /// `spec/<group>/user/`. It is an admin route of the mock and a typed helper, and pushes
    /// the events WeChat would push.
    #[schemars(title = "WeChat user action spec")]
    pub struct UserActionFile {
        /// snake_case, unique in the group: the admin route `POST /__mock/user/<group>/<name>`.
        pub name: Located<String> = required "name",
        /// One sentence: what the user does.
        pub summary: Located<String> = required "summary",
        /// When WeChat lets them, and what follows.
        pub doc: Option<Located<String>> = optional "doc",
        /// What the action takes, in the format of request fields; read as `request.<field>`.
        pub params: Entries<Field> = default "params",
        /// What the action answers, in the format of response fields.
        pub answer: Entries<Field> = default "answer",
        /// What it does, step by step.
        pub mock: Vec<Located<StepDef>> = required_bare "mock",
        /// Calls of the action, each a test.
        pub examples: Vec<Located<UserActionExample>> = default "examples",
    }
}

spec_table! {
    /// A call of a user action.
    pub struct UserActionExample {
        /// Short name of the example.
        pub name: Option<Located<String>> = optional "name",
        /// The parameters as JSON text; they must match `[params]` exactly.
        pub params: Located<String> = required "params",
        /// The records the mock holds first, as JSON text: resource name = list of (partial)
        /// records.
        pub given: Option<Located<String>> = optional "given",
    }
}

/// A value in a step: a string is an expression, other values are themselves.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprValue {
    /// An expression, e.g. `request.card_id` or `'FROM_API'`.
    Expr(String),
    /// An integer.
    Integer(i64),
    /// A number with a fraction.
    Float(f64),
    /// `true` or `false`.
    Bool(bool),
    /// A list of values.
    List(Vec<Located<ExprValue>>),
}

impl<'de> Deserialize<'de> for ExprValue {
    fn deserialize(value: &mut Value<'de>) -> Result<Self, DeserError> {
        match value.take() {
            ValueInner::String(text) => Ok(Self::Expr(text.into_owned())),
            ValueInner::Integer(number) => Ok(Self::Integer(number)),
            ValueInner::Float(number) => Ok(Self::Float(number)),
            ValueInner::Boolean(flag) => Ok(Self::Bool(flag)),
            ValueInner::Array(items) => {
                let mut values = Vec::with_capacity(items.len());
                let mut errors = Vec::new();
                for mut item in items {
                    match Located::<ExprValue>::deserialize(&mut item) {
                        Ok(value) => values.push(value),
                        Err(mut e) => errors.append(&mut e.errors),
                    }
                }
                if errors.is_empty() { Ok(Self::List(values)) } else { Err(DeserError { errors }) }
            }
            other => {
                Err(wanted("an expression (a string), a number, a boolean or an array", &other, value.span)
                    .into())
            }
        }
    }
}

impl JsonSchema for ExprValue {
    fn schema_name() -> Cow<'static, str> {
        "ExprValue".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A string is an expression (`request.card_id`, `code.status == 'NORMAL'`, \
                            `'text'`); numbers, booleans and arrays are themselves.",
            "anyOf": [
                { "type": "string" },
                { "type": "integer" },
                { "type": "number" },
                { "type": "boolean" },
                { "type": "array", "items": generator.subschema_for::<ExprValue>() },
            ],
        })
    }
}

/// What a create does when a record with its key exists already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExistingDef {
    /// `"replace"`: the new record replaces it.
    Replace,
    /// `"merge"`: `set` is written over it.
    Merge,
    /// `"skip"`: it is kept; the item is skipped.
    Skip,
    /// An errcode the call answers.
    Refuse(i64),
}

impl<'de> Deserialize<'de> for ExistingDef {
    fn deserialize(value: &mut Value<'de>) -> Result<Self, DeserError> {
        let span = value.span;
        match value.take() {
            ValueInner::Integer(code) => Ok(Self::Refuse(code)),
            ValueInner::String(word) => match word.as_ref() {
                "replace" => Ok(Self::Replace),
                "merge" => Ok(Self::Merge),
                "skip" => Ok(Self::Skip),
                other => {
                    let message = format!(
                        "`{other}` is not allowed here; expected `replace`, `merge`, `skip` or an errcode"
                    );
                    Err(Error { kind: ErrorKind::Custom(message.into()), span, line_info: None }.into())
                }
            },
            other => Err(wanted("`replace`, `merge`, `skip` or an errcode", &other, span).into()),
        }
    }
}

impl JsonSchema for ExistingDef {
    fn schema_name() -> Cow<'static, str> {
        "ExistingDef".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "`replace` (the new record replaces it), `merge` (`set` is written over it), \
                            `skip` (kept, the item skipped) or an errcode answered.",
            "anyOf": [
                { "type": "string", "enum": ["replace", "merge", "skip"] },
                { "type": "integer" },
            ],
        })
    }
}

/// The errcode of a status move the transitions forbid.
#[derive(Debug, Clone, PartialEq)]
pub enum ForbiddenDef {
    /// One errcode, whatever the current status.
    Code(i64),
    /// By current status, `"*"` for the rest.
    ByStatus(Entries<i64>),
}

impl<'de> Deserialize<'de> for ForbiddenDef {
    fn deserialize(value: &mut Value<'de>) -> Result<Self, DeserError> {
        match value.as_ref() {
            ValueInner::Integer(code) => Ok(Self::Code(*code)),
            ValueInner::Table(_) => Entries::deserialize(value).map(Self::ByStatus),
            other => Err(wanted("an errcode or a table of status = errcode", other, value.span).into()),
        }
    }
}

impl JsonSchema for ForbiddenDef {
    fn schema_name() -> Cow<'static, str> {
        "ForbiddenDef".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "An errcode, or a table of current status = errcode with `\"*\"` for the rest.",
            "anyOf": [
                { "type": "integer" },
                { "type": "object", "additionalProperties": { "type": "integer" } },
            ],
        })
    }
}
