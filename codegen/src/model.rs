//! What the spec says, resolved: names checked and derived, type references followed,
//! examples parsed. Emitters read only this.

use crate::source::Location;

mod events;
pub mod shape;
mod state;

pub use events::{Event, EventExample, EventField, EventFieldType, Events, Header};
pub use state::{
    Behaviour, BinaryOp, Bound, Existing, Expr, ExprLiteral, Fresh, Function, Path, Resource, Root, Segment,
    StateModel, StatusValue, Statuses, Step, UserAction, UserActionExample, Verb,
};
/// Limits on a field's value that WeChat's docs state: the client's own type, which its
/// `Check` impls, wechat-mock and the example checks all measure with.
pub use wechat_core::Limits;
/// Which direction a field travels in (`only`): the shape model's, so the generator and
/// wechat-mock read `only` the same way.
pub use wechat_core::shape::Direction;

/// The whole spec folder.
#[derive(Debug, Clone)]
pub struct Spec {
    /// WeChat's general error codes, in the order of `spec/errors.toml`.
    pub general_errors: Vec<ErrorCase>,
    /// Types shared by several endpoints, sorted by name.
    pub shared_types: Vec<TypeDef>,
    /// Endpoint groups, sorted by name.
    pub groups: Vec<Group>,
    /// Every code of the spec once (general, group and endpoint codes), sorted by `errcode`:
    /// the crate-wide `Code` enum that every operation's code enum converts into.
    pub codes: Vec<SharedCode>,
    /// Push events, from `spec/events.toml` and `spec/<group>/events/`.
    pub events: Events,
    /// What the mock keeps (resources), what operations do to it (steps) and what users do
    /// (user actions).
    pub state: StateModel,
}

impl Spec {
    /// Every operation, group by group.
    pub fn operations(&self) -> impl Iterator<Item = &Operation> {
        self.groups.iter().flat_map(|g| g.operations.iter())
    }
}

/// A folder of endpoints: one module and one cargo feature.
#[derive(Debug, Clone)]
pub struct Group {
    /// Folder, module and feature name.
    pub name: String,
    /// One sentence.
    pub summary: String,
    /// Longer documentation.
    pub doc: Option<String>,
    /// Whether the operations are also methods of the root `Client`.
    pub root_methods: bool,
    /// Types of `spec/<group>/types.toml`, sorted by name.
    pub types: Vec<TypeDef>,
    /// Codes of `spec/<group>/errors.toml`, which every operation of the group may answer
    /// (each operation's `errors` holds them too, after its own).
    pub errors: Vec<ErrorCase>,
    /// The endpoints, sorted by name.
    pub operations: Vec<Operation>,
}

/// One endpoint.
#[derive(Debug, Clone)]
pub struct Operation {
    /// snake_case operation name.
    pub name: String,
    /// Its request, response and error code types' names ([`Operation::type_names`]), made
    /// once: every emitter asks for them.
    pub(crate) type_names: [String; 3],
    /// The group it belongs to.
    pub group: String,
    /// Path of the spec file, for "generated from" notes.
    pub source: String,
    /// WeChat's interface name.
    pub interface: String,
    /// One sentence.
    pub summary: String,
    /// Longer documentation.
    pub doc: Option<String>,
    /// HTTP method.
    pub method: Method,
    /// Host, e.g. `api.weixin.qq.com`.
    pub host: String,
    /// Path starting with `/`.
    pub path: String,
    /// Body encoding.
    pub body: BodyKind,
    /// How a successful answer is written; with `Text`, `response` holds the one `text` field.
    pub response_body: ResponseBody,
    /// Token the endpoint takes.
    pub token: TokenKind,
    /// Whether third-party platforms may call it.
    pub third_party: bool,
    /// Third-party permission set.
    pub permission_set: Option<i64>,
    /// Whether cloud calls support it.
    pub cloud_call: bool,
    /// Account types and their access.
    pub accounts: Vec<(String, Access)>,
    /// Query parameters with a fixed value.
    pub fixed_query: Vec<FixedParam>,
    /// Query parameters the caller supplies; fields of the request type.
    pub query: Vec<Field>,
    /// Body fields of the request.
    pub request: Vec<Field>,
    /// Body fields always sent with the same value; the caller never sets them.
    pub fixed_body: Vec<FixedParam>,
    /// File parts of a `multipart/form-data` body.
    pub files: Vec<FileField>,
    /// Response fields besides `errcode`/`errmsg`.
    pub response: Vec<Field>,
    /// Types local to this operation, in the order written.
    pub types: Vec<TypeDef>,
    /// Error codes particular to this operation, in the order written.
    pub errors: Vec<ErrorCase>,
    /// Examples.
    pub examples: Vec<Example>,
    /// Decisions taken where the documentation is wrong or silent.
    pub notes: Vec<String>,
    /// WeChat deprecated or retired it (`deprecated`), if so.
    pub deprecated: Option<Deprecation>,
    /// The request, or a type it holds, has limits or rules: it is checked before sending.
    pub request_checked: bool,
}

impl Operation {
    /// Names of the request, response and error-code types.
    pub fn type_names(&self) -> &[String; 3] {
        &self.type_names
    }

    /// The first example response that reports success: what wechat-mock answers by default
    /// and what the generated call through the client expects.
    pub fn success_example(&self) -> Option<&ExampleJson> {
        self.examples.iter().filter_map(|e| e.response.as_ref()).find(|json| json.is_success())
    }

    /// Every field of the request type: query fields first, then body fields.
    pub fn request_fields(&self) -> impl Iterator<Item = &Field> {
        self.query.iter().chain(self.request.iter())
    }
}

/// Why WeChat deprecated an operation, and what replaces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deprecation {
    /// WeChat's note.
    pub note: String,
    /// What to use instead, when WeChat names something.
    pub replacement: Option<String>,
}

impl Deprecation {
    /// The note and the replacement as one line: what `#[deprecated]` and the docs say.
    pub fn text(&self) -> String {
        let text = match &self.replacement {
            Some(replacement) => format!("{} Instead: {replacement}", self.note),
            None => self.note.clone(),
        };
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// A query parameter always sent with the same value.
#[derive(Debug, Clone)]
pub struct FixedParam {
    /// Parameter name.
    pub name: String,
    /// Its value.
    pub value: String,
    /// What it selects.
    pub doc: String,
}

/// A file part of a `multipart/form-data` request body.
#[derive(Debug, Clone)]
pub struct FileField {
    /// The form field name, e.g. `pdf`.
    pub wire: String,
    /// Rust identifier of the request field holding the file.
    pub ident: String,
    /// Documentation.
    pub doc: String,
    /// The part's content type, e.g. `application/pdf`.
    pub content_type: String,
    /// The largest file accepted, in bytes; larger files are refused before sending.
    pub max_size: u64,
    /// False when the file may be left out.
    pub required: bool,
    /// The mock accepts a part of another Content-Type with a warning (`lenient_in_mock`).
    pub lenient: bool,
}

/// A field of an object.
#[derive(Debug, Clone)]
pub struct Field {
    /// Name on the wire.
    pub wire: String,
    /// Rust identifier.
    pub ident: String,
    /// Its type.
    pub ty: Ty,
    /// False when it may be left out.
    pub required: bool,
    /// Documentation.
    pub doc: String,
    /// Other wire spellings accepted when decoding.
    pub aliases: Vec<String>,
    /// A credential: held as `wechat_core::Secret` so it never prints (strings only).
    pub secret: bool,
    /// A string WeChat's answers may write as a JSON number (`number_in_answers`).
    pub number_in_answers: bool,
    /// Held in a `Box`: the type it belongs to contains itself through this field.
    pub boxed: bool,
    /// The mock accepts the field's absence or a wrong value with a warning (`lenient_in_mock`).
    pub lenient: bool,
    /// A union whose keys sit in the enclosing object (`flatten = true`).
    pub flatten: bool,
    /// The one direction the field travels in, if only one.
    pub only: Option<Direction>,
    /// WeChat may send `null`.
    pub nullable: bool,
    /// Limits the docs state, checked before sending and by the mock.
    pub constraints: Limits,
    /// Its named type, or one that type holds, has limits or rules: it is checked too.
    pub checks_inside: bool,
    /// The rule that ties it to its siblings (`required_when`, `required_unless`, `one_of`).
    pub rule: Option<FieldRule>,
}

/// A rule that ties an optional field to its siblings in one object, checked in requests: by
/// the client before sending, by the mock, and in examples.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldRule {
    /// `required_when`: required when the sibling of this wire name is set.
    RequiredWhen(String),
    /// `required_unless`: required unless the sibling of this wire name is set.
    RequiredUnless(String),
    /// `one_of`: in the set of this name, of which exactly one field is set.
    OneOf(String),
}

impl FieldRule {
    /// The rule in `wechat_core::check`'s terms, which the checker and the client apply.
    pub fn as_check(&self) -> wechat_core::check::Rule<'_> {
        match self {
            Self::RequiredWhen(sibling) => wechat_core::check::Rule::RequiredWhen(sibling),
            Self::RequiredUnless(sibling) => wechat_core::check::Rule::RequiredUnless(sibling),
            Self::OneOf(set) => wechat_core::check::Rule::OneOf(set),
        }
    }
}

impl Field {
    /// True when the Rust field is an `Option`: the field may be left out, may be null, or is
    /// only ever answered (so a request built by a caller has none).
    pub fn is_option(&self) -> bool {
        !self.required || self.nullable || self.only == Some(Direction::Response)
    }
}

/// A field's type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// Text.
    String,
    /// `true`/`false`.
    Bool,
    /// 32-bit signed integer.
    I32,
    /// 64-bit signed integer.
    I64,
    /// 32-bit unsigned integer.
    U32,
    /// 64-bit unsigned integer.
    U64,
    /// Floating point number.
    F64,
    /// A list.
    Array(Box<Ty>),
    /// An object with free string keys and values of one type.
    Map(Box<Ty>),
    /// Any JSON value, where WeChat documents no shape.
    Json,
    /// A named type.
    Named(TypeRef),
}

impl Ty {
    /// The Rust spelling of a scalar type (`String`, `bool`, `i32`, ..), for messages about
    /// values; `None` for arrays, maps, JSON and named types.
    pub fn scalar_name(&self) -> Option<&'static str> {
        match self {
            Ty::String => Some("String"),
            Ty::Bool => Some("bool"),
            Ty::I32 => Some("i32"),
            Ty::I64 => Some("i64"),
            Ty::U32 => Some("u32"),
            Ty::U64 => Some("u64"),
            Ty::F64 => Some("f64"),
            Ty::Array(_) | Ty::Map(_) | Ty::Json | Ty::Named(_) => None,
        }
    }
}

/// A reference to a named type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeRef {
    /// Its UpperCamelCase name.
    pub name: String,
    /// Where it is declared.
    pub scope: TypeScope,
}

/// Where a named type is declared, which decides its Rust path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeScope {
    /// In the operation's own `[types]`: its module.
    Local,
    /// In `spec/<group>/types.toml`: `crate::<group>::types`.
    Group(String),
    /// In `spec/types.toml`: `crate::types`.
    Shared,
}

/// A named type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// UpperCamelCase name.
    pub name: String,
    /// Documentation.
    pub doc: String,
    /// Object or enum.
    pub kind: TypeKind,
    /// It, or a type it holds, has limits or rules: it implements `wechat_core::Check`.
    pub checked: bool,
    /// An answer holds it: it implements `Deserialize` whatever the features. A type only
    /// requests hold implements it with the `deserialize-requests` feature only.
    pub received: bool,
    /// A request holds it: it implements `Serialize` whatever the features. A type only
    /// answers hold implements it with the `serialize-responses` feature only.
    pub sent: bool,
}

/// What a named type is.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// An object with fields.
    Struct(Vec<Field>),
    /// Known string values; unknown ones are kept.
    StringEnum(Vec<Variant>),
    /// Known integer values; unknown ones are kept.
    IntEnum(Vec<Variant>),
    /// One of several object types, selected by a tag; unknown tags are kept whole.
    Union(Union),
}

/// A union: the value of `tag` says which variant an object holds.
#[derive(Debug, Clone)]
pub struct Union {
    /// Wire name of the tag field.
    pub tag: String,
    /// Where the variant's object sits.
    pub layout: UnionLayout,
    /// The known variants, in the order written.
    pub variants: Vec<UnionVariant>,
}

/// One variant of a union.
#[derive(Debug, Clone)]
pub struct UnionVariant {
    /// Rust variant name.
    pub name: String,
    /// The tag's value.
    pub tag: String,
    /// `sibling` layout: the keys leading to the object (`["action_info", "card"]`); empty for
    /// `internal`.
    pub key: Vec<String>,
    /// The object type it holds.
    pub ty: TypeRef,
    /// What it is.
    pub doc: String,
    /// Its type has limits or rules inside: checked before sending.
    pub checks_inside: bool,
}

/// One known value of an enum.
#[derive(Debug, Clone)]
pub struct Variant {
    /// Rust variant name.
    pub name: String,
    /// The value on the wire.
    pub wire: Literal,
    /// What it means.
    pub doc: String,
}

/// One error code.
#[derive(Debug, Clone)]
pub struct ErrorCase {
    /// `errcode`.
    pub code: i64,
    /// WeChat's `errmsg`.
    pub message: String,
    /// Rust variant name.
    pub name: String,
    /// What it means.
    pub meaning: String,
    /// What to do.
    pub remedy: Option<String>,
    /// How the client reacts.
    pub retry: Retry,
    /// Where its `code` key is written, for conflicts with other files that declare it.
    pub location: Location,
}

/// One code of the crate-wide `Code` enum. Its name, message and retry are the same in every
/// file that declares the code (the resolver refuses a spec where they differ); what it means
/// may differ from one operation to the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedCode {
    /// `errcode`.
    pub code: i64,
    /// Rust variant name.
    pub name: String,
    /// WeChat's `errmsg`.
    pub message: String,
    /// How the client reacts.
    pub retry: Retry,
    /// What it means, with the remedy, when every declaration says the same; `None` when
    /// its meaning depends on the operation.
    pub meaning: Option<String>,
    /// Who declares it, in spec order: `general`, a group's name for its `errors.toml`, or
    /// `group::operation`.
    pub declared_by: Vec<String>,
}

/// An example request and response.
#[derive(Debug, Clone)]
pub struct Example {
    /// Short name.
    pub name: Option<String>,
    /// The request body.
    pub request: Option<ExampleJson>,
    /// The response body.
    pub response: Option<ExampleJson>,
    /// The response writes every value in its declared JSON type, not only in one the
    /// generated types also decode (a number as a string, or the reverse); true without a
    /// response.
    pub response_as_declared: bool,
    /// The records the mock holds before the call, in the order they are seeded (parents
    /// first): resource name and record.
    pub given: Vec<(String, serde_json::Value)>,
}

/// An example's JSON, parsed once when the spec is read.
#[derive(Debug, Clone)]
pub struct ExampleJson {
    /// As written in the spec: shown in the docs and embedded in the generated tests.
    pub text: String,
    /// Parsed.
    pub value: serde_json::Value,
}

impl ExampleJson {
    /// True for an answer that reports success: `errcode` 0 or absent.
    pub fn is_success(&self) -> bool {
        self.value.get("errcode").and_then(serde_json::Value::as_i64).unwrap_or(0) == 0
    }
}

/// HTTP method of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`: parameters in the query string, no body.
    Get,
    /// `POST`.
    Post,
}

/// How a successful answer is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseBody {
    /// A JSON object.
    Json,
    /// The body itself, as text, in the response's `text` field.
    Text,
}

/// How a request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// A JSON object built from the request fields.
    Json,
    /// `multipart/form-data`, for file uploads.
    Multipart,
    /// No body.
    None,
}

/// Which token goes into `access_token`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// The account's access token.
    AccessToken,
    /// No token at all.
    None,
}

/// Whether an account type may call an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// It may.
    Yes,
    /// It may after WeChat approves an application.
    Apply,
    /// It may not.
    No,
}

/// Where a union's variant object sits relative to its tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnionLayout {
    /// Under a key beside the tag: `{"card_type": "GROUPON", "groupon": {...}}`.
    Sibling,
    /// In the same object as the tag: `{"type": "text", "content": "..."}`.
    Internal,
}

/// A string or integer literal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Literal {
    /// An integer.
    Int(i64),
    /// A string.
    Str(String),
}

/// How the client reacts to an error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Give the error to the caller.
    Never,
    /// Retry with exponential backoff while the retry budget lasts.
    Backoff,
    /// The token is bad: renew it and retry once.
    RenewToken,
}
