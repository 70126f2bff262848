//! The mock's state model, resolved: the resources WeChat keeps, what each operation's steps do
//! to them, and what users do (user actions). Names are checked; expressions are parsed.

use super::{ExampleJson, Field};

/// Everything the spec declares about what the mock keeps.
#[derive(Debug, Clone, Default)]
pub struct StateModel {
    /// The resources, sorted by name.
    pub resources: Vec<Resource>,
    /// The steps of each operation that has any, sorted by operation key.
    pub behaviours: Vec<Behaviour>,
    /// The user actions, sorted by group and name.
    pub user_actions: Vec<UserAction>,
}

impl StateModel {
    /// The resource named `name`.
    pub fn resource(&self, name: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.name == name)
    }

    /// The steps of the operation `group/name`, if it has any.
    pub fn behaviour(&self, operation: &str) -> Option<&Behaviour> {
        self.behaviours.iter().find(|b| b.operation == operation)
    }

    /// The resources declared by `group` (`None`: by `spec/resources.toml`).
    pub fn resources_of<'a>(&'a self, group: Option<&'a str>) -> impl Iterator<Item = &'a Resource> + 'a {
        self.resources.iter().filter(move |r| r.group.as_deref() == group)
    }

    /// The user actions of `group`.
    pub fn user_actions_of<'a>(&'a self, group: &'a str) -> impl Iterator<Item = &'a UserAction> + 'a {
        self.user_actions.iter().filter(move |a| a.group == group)
    }
}

/// A kind of record WeChat keeps.
#[derive(Debug, Clone)]
pub struct Resource {
    /// snake_case name, unique in the spec.
    pub name: String,
    /// The group that declares it; `None` for `spec/resources.toml`.
    pub group: Option<String>,
    /// Path of the file that declares it.
    pub source: String,
    /// What WeChat keeps.
    pub doc: String,
    /// The fields naming one record, in order; empty for a singleton.
    pub key: Vec<String>,
    /// The declared fields, key fields included.
    pub fields: Vec<Field>,
    /// The resource a record belongs to.
    pub parent: Option<String>,
    /// The errcode for a key no record has.
    pub missing: Option<i64>,
    /// How creates make key values they are not given, by key field.
    pub fresh: Vec<(String, Fresh)>,
    /// Its statuses, when it has any.
    pub statuses: Option<Statuses>,
}

impl Resource {
    /// The declared field whose wire name is `name`.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.wire == name)
    }

    /// The Rust type name of its typed record, e.g. `Card`.
    pub fn type_name(&self) -> String {
        crate::names::camel(&self.name).unwrap_or_else(|| self.name.clone())
    }
}

/// How a fresh key value is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fresh {
    /// A string shaped like this example.
    Like(String),
    /// The next number of a per-resource sequence, from 1.
    Sequence,
}

/// A resource's statuses.
#[derive(Debug, Clone)]
pub struct Statuses {
    /// The status of a record created or seeded without one.
    pub initial: String,
    /// Every status, in order.
    pub values: Vec<StatusValue>,
    /// The moves allowed, by current status; `None` when any move is allowed.
    pub transitions: Option<Vec<(String, Vec<String>)>>,
}

/// One status.
#[derive(Debug, Clone)]
pub struct StatusValue {
    /// As WeChat writes it.
    pub value: String,
    /// The Rust variant name of the typed status enum.
    pub variant: String,
    /// What it means.
    pub doc: String,
}

/// The steps of one operation.
#[derive(Debug, Clone)]
pub struct Behaviour {
    /// `group/name`.
    pub operation: String,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// One step.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// What it does.
    pub verb: Verb,
    /// It runs only when this is true.
    pub when: Option<Expr>,
    /// It runs only when this is false.
    pub unless: Option<Expr>,
}

/// A path into a record, a request or an answer.
pub type Path = Vec<Segment>;

/// One step of a [`Path`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// An object's field.
    Key(String),
    /// The one key of an object that leads on (a union's variant): `*`.
    Variant,
    /// Each item of a list: `[]`.
    Each,
}

/// What a create does to a record with its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Replaced.
    Replace,
    /// `set` written over it.
    Merge,
    /// Kept; the item is skipped.
    Skip,
    /// The call answers this errcode.
    Refuse(i64),
}

/// A bound on a number an update computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound {
    /// The smallest value allowed.
    pub minimum: Option<i64>,
    /// The largest value allowed.
    pub maximum: Option<i64>,
    /// The errcode for a result outside.
    pub errcode: i64,
}

/// A step's verb and its parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum Verb {
    /// Finds one record (or, with `each`, checks one exists per item).
    Find {
        /// The resource.
        resource: String,
        /// The name later steps read it by.
        alias: String,
        /// Field = the value it must equal.
        filter: Vec<(String, Expr)>,
        /// The list the step goes over.
        each: Option<Expr>,
        /// The errcode for no match, when not the resource's.
        missing: Option<i64>,
    },
    /// Makes a record (or, with `each`, one per item).
    Create {
        /// The resource.
        resource: String,
        /// The name later steps read it by.
        alias: String,
        /// Path in the record = value.
        set: Vec<(Path, Expr)>,
        /// Its status, when not the initial one.
        status: Option<String>,
        /// The list the step goes over.
        each: Option<Expr>,
        /// What a record with the same key does.
        existing: Existing,
    },
    /// Changes a found record.
    Update {
        /// The record.
        alias: String,
        /// Path = object merged in.
        merge: Vec<(Path, Expr)>,
        /// Path = number added.
        add: Vec<(Path, Expr)>,
        /// Path = value.
        set: Vec<(Path, Expr)>,
        /// The status it moves to.
        status: Option<Expr>,
        /// Errcodes of forbidden moves, by current status (`*` for the rest).
        forbidden: Vec<(String, i64)>,
        /// Bounds on numbers, by path.
        bounds: Vec<(Path, Bound)>,
        /// The errcode when a changed key is held by another record.
        taken: Option<i64>,
    },
    /// Removes a found record and its children, or every record of a list (a `list`, or
    /// the records a create with `each` made).
    Delete {
        /// The record, or the list.
        alias: String,
    },
    /// A page of matching records and their total.
    List {
        /// The resource.
        resource: String,
        /// The name later steps read it by.
        alias: String,
        /// Field = the value it must equal.
        filter: Vec<(String, Expr)>,
        /// Kept only when true of the record (read as `item`).
        keep: Option<Expr>,
        /// Newest first when true; creation order otherwise.
        newest_first: Option<Expr>,
        /// The first match answered.
        offset: Option<Expr>,
        /// The most matches answered.
        limit: Option<Expr>,
    },
    /// The number of matching records.
    Count {
        /// The resource.
        resource: String,
        /// The name later steps read it by.
        alias: String,
        /// Field = the value it must equal.
        filter: Vec<(String, Expr)>,
        /// Counted only when true of the record (read as `item`).
        keep: Option<Expr>,
    },
    /// Answers an errcode.
    Fail {
        /// The errcode.
        errcode: i64,
    },
    /// Sets fields of the answer.
    Answer {
        /// A record whose fields are copied first.
        from: Option<String>,
        /// Path in the answer = value.
        fields: Vec<(Path, Expr)>,
    },
    /// Pushes an event.
    Push {
        /// Its `Event` value.
        event: String,
        /// XML element = value.
        fields: Vec<(String, Expr)>,
    },
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A constant.
    Literal(ExprLiteral),
    /// A list.
    List(Vec<Expr>),
    /// A value read at a path from a root.
    Read {
        /// Where the read starts.
        root: Root,
        /// The path from there.
        path: Path,
    },
    /// A comparison or a logical operator.
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Its left operand.
        left: Box<Expr>,
        /// Its right operand.
        right: Box<Expr>,
    },
    /// `not a`.
    Not(Box<Expr>),
    /// A function of the mock's library.
    Call {
        /// The function.
        function: Function,
        /// Its arguments.
        args: Vec<Expr>,
    },
}

/// A constant of an expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprLiteral {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer.
    Integer(i64),
    /// A number with a fraction.
    Float(f64),
    /// Text.
    Text(String),
}

/// Where a read starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Root {
    /// The request (body and query) or a user action's parameters.
    Request,
    /// What an earlier step named.
    Alias(String),
    /// The item of the current `each`.
    Item,
}

/// The operators of expressions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `in`
    In,
    /// `and`
    And,
    /// `or`
    Or,
}

/// The functions of the mock's library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    /// `now()`
    Now,
    /// `appid()`
    Appid,
    /// `beijing_time(seconds)`
    BeijingTime,
    /// `default(a, b)`
    Default,
    /// `concat(a, ...)`
    Concat,
    /// `len(a)`
    Len,
    /// `fresh('<example>')`
    Fresh,
    /// `card_validity(card, at)`
    CardValidity,
    /// `encrypt_code(code)`
    EncryptCode,
    /// `decrypt_code(encrypt_code)`
    DecryptCode,
    /// `sum(a, ...)`
    Sum,
    /// `without(list, other)`
    Without,
    /// `date(text)`
    Date,
    /// `difference(a, b)`
    Difference,
    /// `min(a, ...)`
    Min,
    /// `max(a, ...)`
    Max,
    /// `number(a)`
    Number,
    /// `object('key', value, ...)`
    Object,
    /// `append(list, item)`
    Append,
}

impl Function {
    /// Every function, with its name and how many arguments it takes (at least, at most).
    pub const ALL: &'static [(&'static str, Function, usize, usize)] = &[
        ("now", Function::Now, 0, 0),
        ("appid", Function::Appid, 0, 0),
        ("beijing_time", Function::BeijingTime, 1, 1),
        ("default", Function::Default, 2, 2),
        ("concat", Function::Concat, 1, usize::MAX),
        ("len", Function::Len, 1, 1),
        ("fresh", Function::Fresh, 1, 1),
        ("card_validity", Function::CardValidity, 2, 2),
        ("encrypt_code", Function::EncryptCode, 1, 1),
        ("decrypt_code", Function::DecryptCode, 1, 1),
        ("sum", Function::Sum, 1, usize::MAX),
        ("without", Function::Without, 2, 2),
        ("date", Function::Date, 1, 1),
        ("difference", Function::Difference, 2, 2),
        ("min", Function::Min, 1, usize::MAX),
        ("max", Function::Max, 1, usize::MAX),
        ("number", Function::Number, 1, 1),
        ("object", Function::Object, 2, usize::MAX),
        ("append", Function::Append, 2, 2),
    ];
}

/// Something only a user (or WeChat's review) does.
#[derive(Debug, Clone)]
pub struct UserAction {
    /// snake_case name, unique in its group.
    pub name: String,
    /// Its group.
    pub group: String,
    /// Path of its file.
    pub source: String,
    /// What the user does.
    pub summary: String,
    /// When WeChat lets them.
    pub doc: Option<String>,
    /// What it takes.
    pub params: Vec<Field>,
    /// What it answers.
    pub answer: Vec<Field>,
    /// What it does.
    pub steps: Vec<Step>,
    /// Calls of it.
    pub examples: Vec<UserActionExample>,
}

impl UserAction {
    /// `group/name`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.group, self.name)
    }

    /// The Rust type name of its typed parameters, e.g. `TakeCardParams`.
    pub fn params_type(&self) -> String {
        format!("{}Params", crate::names::camel(&self.name).unwrap_or_else(|| self.name.clone()))
    }
}

/// A call of a user action.
#[derive(Debug, Clone)]
pub struct UserActionExample {
    /// Its name.
    pub name: Option<String>,
    /// The parameters.
    pub params: ExampleJson,
    /// The records the mock holds first, in the order they are seeded (parents first).
    pub given: Vec<(String, serde_json::Value)>,
}
