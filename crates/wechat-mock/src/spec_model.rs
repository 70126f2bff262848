//! The types of the spec table (see [`spec_table`](crate::spec_table), which re-exports them):
//! what the generated `generated/operations.rs` is written in.

use std::fmt;

/// One endpoint of the spec.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// snake_case operation name, e.g. `get_auth_data`; unique within its group.
    pub name: &'static str,
    /// `group/name`, unique in the spec: how the mock keys faults, answers and behaviour.
    pub key: &'static str,
    /// The spec group (folder) it belongs to.
    pub group: &'static str,
    /// WeChat's interface name.
    pub interface: &'static str,
    /// One sentence on what it does.
    pub summary: &'static str,
    /// HTTP method.
    pub method: Method,
    /// The host WeChat serves it on; the mock serves every host's endpoints itself.
    pub host: &'static str,
    /// Path starting with `/`.
    pub path: &'static str,
    /// Query parameters with a fixed value; they select the operation among those sharing a path.
    pub fixed_query: &'static [(&'static str, &'static str)],
    /// Query parameters the caller supplies, besides `access_token`.
    pub query: &'static [Field],
    /// Which token goes into `access_token`.
    pub token: TokenUse,
    /// Whether third-party platforms may call it with an authorizer token.
    pub third_party: bool,
    /// How the request body is encoded.
    pub body: BodyKind,
    /// Fields of the request body: JSON fields, or the text parts of a multipart body.
    pub request: &'static [Field],
    /// Body fields with a fixed value (`"action": "get_url"`), which every request must carry.
    pub fixed_body: &'static [(&'static str, &'static str)],
    /// File parts of a `multipart/form-data` body.
    pub files: &'static [FilePart],
    /// Fields of the success answer besides `errcode` and `errmsg`.
    pub response: &'static [Field],
    /// How the success answer is written: JSON, or the example's text itself.
    pub response_body: ResponseBody,
    /// Error codes particular to this operation.
    pub errors: &'static [ErrorCase],
    /// The spec's first success example response (JSON text, or the text itself for a
    /// [`ResponseBody::Text`] operation), if it has one.
    pub success_example: Option<&'static str>,
    /// The resource the mock keeps for it (the spec's `[mock]` table), if any.
    pub resource: Option<ResourceRule>,
}

/// What an operation does to a resource the mock keeps, as its spec's `[mock]` table says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceRule {
    /// The kind of resource, e.g. `card`: operations naming the same kind share one store.
    pub kind: &'static str,
    /// What the operation does to it.
    pub action: ResourceAction,
    /// The string field naming the resource: a response field for a create (answered with a
    /// fresh id), else a request body field or, with `key_in_query`, a query parameter.
    pub key: &'static str,
    /// The key is a query parameter.
    pub key_in_query: bool,
    /// The field holding the resource's object: the request field a create stores or an
    /// update merges, the response field a read answers.
    pub object: Option<&'static str>,
    /// The `errcode` for a key the mock does not hold.
    pub missing: Option<i64>,
    /// The status a create starts the resource in, or an update moves it to.
    pub status: Option<&'static str>,
    /// A read's values written into the answered object, by path inside it.
    pub assigned: &'static [(&'static [&'static str], Assigned)],
}

/// What an operation does to the resource it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceAction {
    /// Stores a new one under a fresh id.
    Create,
    /// Answers it.
    Read,
    /// Merges the request into it.
    Update,
    /// Removes it.
    Delete,
}

/// A value the mock keeps for every resource, written into a read's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assigned {
    /// Its id.
    Id,
    /// Its status.
    Status,
    /// When it was created, unix seconds.
    Created,
    /// When it last changed, unix seconds.
    Updated,
}

/// HTTP method of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
}

/// Which token an operation takes in its `access_token` query parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenUse {
    /// The account's access token.
    AccessToken,
    /// No token.
    None,
}

/// How a request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// A JSON object.
    Json,
    /// `multipart/form-data`.
    Multipart,
    /// No body.
    None,
}

/// How an operation writes its success answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseBody {
    /// A JSON object.
    Json,
    /// Text (a CSV statement): the body is the response's `text` field, sent as
    /// `text/csv`. Errors are JSON as always.
    Text,
}

/// A file part of a `multipart/form-data` request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilePart {
    /// The form field name, e.g. `pdf`.
    pub name: &'static str,
    /// The media type the part must have, e.g. `application/pdf`.
    pub content_type: &'static str,
    /// The largest file accepted, in bytes.
    pub max_size: u64,
    /// False when the file may be left out.
    pub required: bool,
    /// The spec is unsure WeChat reads the part's Content-Type (`lenient_in_mock`): a part of
    /// another type, or of none, is accepted with a warning. The file's bytes are still checked.
    pub lenient: bool,
}

/// One error code with WeChat's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorCase {
    /// `errcode`.
    pub code: i64,
    /// WeChat's `errmsg`.
    pub message: &'static str,
}

/// A field of an object.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Name on the wire.
    pub name: &'static str,
    /// Its type.
    pub ty: Ty,
    /// False when it may be left out.
    pub required: bool,
    /// The spec is unsure what WeChat refuses here (`lenient_in_mock`): the field left out
    /// (even when optional) or a value of the wrong type is accepted with a warning.
    pub lenient: bool,
    /// A union whose keys sit in the enclosing object itself (`flatten`).
    pub flatten: bool,
    /// WeChat assigns it (`only = "response"`): a request that sends it is refused.
    pub answered_only: bool,
    /// `null` is accepted.
    pub nullable: bool,
    /// Limits the docs state.
    pub limits: Limits,
}

impl Field {
    /// The defaults the generated table leaves out: a plain required-less field with no limits.
    pub const PLAIN: Self = Self {
        name: "",
        ty: Ty::Json,
        required: false,
        lenient: false,
        flatten: false,
        answered_only: false,
        nullable: false,
        limits: Limits::NONE,
    };
}

/// Limits on a field's value that WeChat's docs state; lengths count characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Strings: fewest characters.
    pub min_length: Option<u64>,
    /// Strings: most characters.
    pub max_length: Option<u64>,
    /// Strings: most UTF-8 bytes (WeChat's `string(N)`).
    pub max_bytes: Option<u64>,
    /// Numbers: smallest value.
    pub minimum: Option<i64>,
    /// Numbers: largest value.
    pub maximum: Option<i64>,
    /// Arrays: fewest items.
    pub min_items: Option<u64>,
    /// Arrays: most items.
    pub max_items: Option<u64>,
}

impl Limits {
    /// No limit at all.
    pub const NONE: Self = Self {
        min_length: None,
        max_length: None,
        max_bytes: None,
        minimum: None,
        maximum: None,
        min_items: None,
        max_items: None,
    };
}

/// A field's type.
#[derive(Debug, Clone, Copy)]
pub enum Ty {
    /// A JSON string.
    String,
    /// `true` or `false`.
    Bool,
    /// An integer that fits 32 signed bits.
    I32,
    /// An integer that fits 64 signed bits.
    I64,
    /// A non-negative integer that fits 32 bits.
    U32,
    /// A non-negative integer that fits 64 bits.
    U64,
    /// Any JSON number.
    F64,
    /// A JSON array of the item type.
    Array(&'static Ty),
    /// A JSON object with free keys and values of the item type.
    Map(&'static Ty),
    /// Any JSON value.
    Json,
    /// A named object or enum type.
    Named(&'static NamedType),
}

/// A named type of the spec.
pub struct NamedType {
    /// UpperCamelCase name.
    pub name: &'static str,
    /// What it is.
    pub kind: TypeKind,
}

// Named types may refer to themselves; print the name only, never the whole graph.
impl fmt::Debug for NamedType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NamedType({})", self.name)
    }
}

/// What a named type is.
#[derive(Debug, Clone, Copy)]
pub enum TypeKind {
    /// An object with these fields.
    Object(&'static [Field]),
    /// A string with one of these values.
    StringEnum(&'static [&'static str]),
    /// An integer with one of these values.
    IntEnum(&'static [i64]),
    /// One of several object types, selected by a tag.
    Union(Union),
}

/// A union: the value of `tag` selects a variant.
#[derive(Debug, Clone, Copy)]
pub struct Union {
    /// Wire name of the tag field.
    pub tag: &'static str,
    /// True when a variant's fields sit beside the tag; false when the variant's object sits
    /// under its `key`.
    pub internal: bool,
    /// The known variants.
    pub variants: &'static [UnionCase],
}

/// One variant of a union.
#[derive(Debug, Clone, Copy)]
pub struct UnionCase {
    /// The tag's value.
    pub tag: &'static str,
    /// The keys leading to the variant's object (empty when internal).
    pub key: &'static [&'static str],
    /// The object type.
    pub ty: &'static NamedType,
}
