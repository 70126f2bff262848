//! The spec format as written: one struct per kind of TOML table, every value with its span.
//!
//! `load` reads files into these types, reporting every problem a file has at once; `schema`
//! describes the same types to editors as JSON Schema, so the doc comments here are what an
//! editor shows when a spec file is being typed.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use toml_span::de_helpers::TableHelper;
use toml_span::value::{Value, ValueInner};
use toml_span::{DeserError, Deserialize, Error, ErrorKind};

use crate::source::Span;

/// A value read from a spec file, with the span it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Located<T> {
    fn deserialize(value: &mut Value<'de>) -> Result<Self, DeserError> {
        let span = value.span.into();
        T::deserialize(value).map(|value| Self { value, span })
    }
}

impl<T: JsonSchema> JsonSchema for Located<T> {
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }

    fn inline_schema() -> bool {
        T::inline_schema()
    }
}

/// A TOML table whose keys are names chosen by the spec author, in the order they were written.
#[derive(Debug, Clone, PartialEq)]
pub struct Entries<T>(pub Vec<(Located<String>, Located<T>)>);

impl<T> Default for Entries<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Entries<T> {
    fn deserialize(value: &mut Value<'de>) -> Result<Self, DeserError> {
        let table = match value.take() {
            ValueInner::Table(table) => table,
            other => return Err(wanted("a table", &other, value.span).into()),
        };
        let mut entries = Vec::with_capacity(table.len());
        let mut errors = Vec::new();
        for (key, mut item) in table {
            match Located::<T>::deserialize(&mut item) {
                Ok(item) => {
                    entries.push((Located { value: key.name.into_owned(), span: key.span.into() }, item))
                }
                Err(mut e) => errors.append(&mut e.errors),
            }
        }
        if !errors.is_empty() {
            return Err(DeserError { errors });
        }
        // toml-span keeps tables sorted by name; the author's order is the order of the spans.
        entries.sort_by_key(|(key, _)| key.span.start);
        Ok(Self(entries))
    }
}

impl<T: JsonSchema> JsonSchema for Entries<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("Entries_{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "object",
            "additionalProperties": generator.subschema_for::<T>(),
        })
    }

    fn inline_schema() -> bool {
        true
    }
}

fn wanted(expected: &'static str, found: &ValueInner<'_>, span: toml_span::Span) -> Error {
    Error { kind: ErrorKind::Wanted { expected, found: found.type_str() }, span, line_info: None }
}

/// A string-valued key whose value is one of a fixed set of words.
trait Keyword: Sized + Copy + 'static {
    /// The words, with the value each stands for.
    const WORDS: &'static [(&'static str, Self)];
}

fn keyword<T: Keyword>(value: &mut Value<'_>) -> Result<T, DeserError> {
    let span = value.span;
    let word = value.take_string(None)?;
    T::WORDS.iter().find(|(w, _)| *w == word).map(|(_, v)| *v).ok_or_else(|| {
        let allowed: Vec<String> = T::WORDS.iter().map(|(w, _)| format!("`{w}`")).collect();
        let message = format!("`{word}` is not allowed here; expected one of {}", allowed.join(", "));
        Error { kind: ErrorKind::Custom(message.into()), span, line_info: None }.into()
    })
}

macro_rules! keyword_deserialize {
    ($($ty:ty),*) => {$(
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize(value: &mut Value<'de>) -> Result<Self, DeserError> {
                keyword(value)
            }
        }
    )*};
}

/// Reads a table's keys into a struct: every key is taken, unknown keys and all value errors
/// are collected, and the struct is built only when the table had no problem at all.
macro_rules! read_table {
    ($value:expr, $ty:ident { $($field:ident: $how:ident $key:literal),* $(,)? }) => {{
        let mut table = TableHelper::new($value)?;
        $(let $field = read_table!(@take table, $how, $key);)*
        table.finalize(None)?;
        Ok($ty { $($field: read_table!(@unwrap $field, $how)),* })
    }};
    (@take $t:ident, required, $key:literal) => { $t.required_s($key).map(Located::from) };
    (@take $t:ident, optional, $key:literal) => { $t.optional_s($key).map(Located::from) };
    (@take $t:ident, default, $key:literal) => { $t.optional($key).unwrap_or_default() };
    (@take $t:ident, required_bare, $key:literal) => { $t.required($key) };
    (@unwrap $field:ident, required) => { $field.map_err(DeserError::from)? };
    (@unwrap $field:ident, optional) => { $field };
    (@unwrap $field:ident, default) => { $field };
    (@unwrap $field:ident, required_bare) => { $field.map_err(DeserError::from)? };
}

impl<T> From<toml_span::Spanned<T>> for Located<T> {
    fn from(spanned: toml_span::Spanned<T>) -> Self {
        Self { value: spanned.value, span: spanned.span.into() }
    }
}

/// One endpoint: a file under `spec/<group>/`.
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "WeChat endpoint spec")]
pub struct EndpointFile {
    /// Operation name in snake_case, e.g. `reject_insert`. Every Rust name of the endpoint
    /// (client method, module, request/response/error-code types) is derived from it.
    pub name: Located<String>,
    /// WeChat's own name for the interface, e.g. `invoicebizrejectinsert`.
    pub interface: Located<String>,
    /// One sentence saying what the endpoint does; the first line of every doc comment.
    pub summary: Located<String>,
    /// Longer documentation: when to call it, what happens afterwards.
    #[serde(default)]
    pub doc: Option<Located<String>>,
    /// HTTP method.
    pub method: Located<Method>,
    /// Host the endpoint lives on. Default `api.weixin.qq.com`.
    #[serde(default)]
    pub host: Option<Located<String>>,
    /// Path, starting with `/`, without query string.
    pub path: Located<String>,
    /// How the request body is sent. Default `json` for POST and `none` for GET.
    #[serde(default)]
    pub body: Option<Located<BodyKind>>,
    /// Which credential goes into the `access_token` query parameter.
    pub auth: Located<Auth>,
    /// Which accounts may call it, and whether cloud calls work.
    #[serde(default)]
    pub availability: Option<Located<Availability>>,
    /// Query parameters besides `access_token`, by name.
    #[serde(default)]
    pub query: Entries<Field>,
    /// Fields of the request body, by wire name, in the order they are sent.
    #[serde(default)]
    pub request: Entries<Field>,
    /// Fields of the response besides `errcode` and `errmsg`, by wire name.
    #[serde(default)]
    pub response: Entries<Field>,
    /// Named types used only by this endpoint, by UpperCamelCase name.
    #[serde(default)]
    pub types: Entries<TypeDef>,
    /// Error codes particular to this endpoint (general codes live in `spec/errors.toml`).
    #[serde(default)]
    pub errors: Vec<Located<ErrorDef>>,
    /// Request and response examples, as JSON text.
    #[serde(default)]
    pub examples: Vec<Located<Example>>,
    /// Decisions taken where WeChat's documentation is wrong or silent, one sentence each.
    #[serde(default)]
    pub notes: Vec<Located<String>>,
    /// What wechat-mock keeps for the endpoint: the resource it creates, reads, updates or
    /// deletes. Without it the mock answers the success example.
    #[serde(default)]
    pub mock: Option<Located<MockDef>>,
}

impl<'de> Deserialize<'de> for EndpointFile {
    fn deserialize(value: &mut Value<'de>) -> Result<Self, DeserError> {
        read_table!(value, EndpointFile {
            name: required "name",
            interface: required "interface",
            summary: required "summary",
            doc: optional "doc",
            method: required "method",
            host: optional "host",
            path: required "path",
            body: optional "body",
            auth: required "auth",
            availability: optional "availability",
            query: default "query",
            request: default "request",
            response: default "response",
            types: default "types",
            errors: default "errors",
            examples: default "examples",
            notes: default "notes",
            mock: optional "mock",
        })
    }
}

/// HTTP method of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema)]
pub enum Method {
    /// `GET`: parameters in the query string, no body.
    #[serde(rename = "GET")]
    Get,
    /// `POST`.
    #[serde(rename = "POST")]
    Post,
}

impl Keyword for Method {
    const WORDS: &'static [(&'static str, Self)] = &[("GET", Self::Get), ("POST", Self::Post)];
}

/// How a request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    /// A JSON object built from `[request]`.
    Json,
    /// `multipart/form-data`, for file uploads.
    Multipart,
    /// No body.
    None,
}

impl Keyword for BodyKind {
    const WORDS: &'static [(&'static str, Self)] =
        &[("json", Self::Json), ("multipart", Self::Multipart), ("none", Self::None)];
}

/// The credential an endpoint takes.
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Auth {
    /// `access_token`: the account's access token (or an authorizer token when
    /// `third_party` is true); `none`: the endpoint takes no token (token endpoints themselves).
    pub token: Located<TokenKind>,
    /// Whether a third-party platform may call it with an `authorizer_access_token`.
    #[serde(default)]
    pub third_party: bool,
    /// The third-party permission set the endpoint belongs to (only with `third_party = true`).
    #[serde(default)]
    pub permission_set: Option<Located<i64>>,
}

impl<'de> Deserialize<'de> for Auth {
    fn deserialize(value: &mut Value<'de>) -> Result<Self, DeserError> {
        read_table!(value, Auth {
            token: required "token",
            third_party: default "third_party",
            permission_set: optional "permission_set",
        })
    }
}

/// Which token goes into `access_token`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// The account's access token.
    AccessToken,
    /// No token at all.
    None,
}

impl Keyword for TokenKind {
    const WORDS: &'static [(&'static str, Self)] =
        &[("access_token", Self::AccessToken), ("none", Self::None)];
}

/// Who may call an endpoint.
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Availability {
    /// Whether WeChat cloud calls (云调用) support it.
    #[serde(default)]
    pub cloud_call: bool,
    /// Account types and their access, e.g. `{ service_account = "yes" }`.
    #[serde(default)]
    pub accounts: Entries<Access>,
}

impl<'de> Deserialize<'de> for Availability {
    fn deserialize(value: &mut Value<'de>) -> Result<Self, DeserError> {
        read_table!(value, Availability {
            cloud_call: default "cloud_call",
            accounts: default "accounts",
        })
    }
}

/// Whether an account type may call an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// It may.
    Yes,
    /// It may after WeChat approves an application.
    Apply,
    /// It may not.
    No,
}

impl Keyword for Access {
    const WORDS: &'static [(&'static str, Self)] =
        &[("yes", Self::Yes), ("apply", Self::Apply), ("no", Self::No)];
}

/// One field of a request, response, query string or named object type.
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// `string`, `bool`, `i32`, `i64`, `u32`, `u64`, `f64`, `array` (with `items`), `map`
    /// (string keys, values of type `items`), `json` (any JSON value, where WeChat documents
    /// no shape), the name of a type in `[types]` of this file, of the group's `types.toml` or
    /// of `spec/types.toml`, or `file` (a file part of a `body = "multipart"` request, with
    /// `content_type` and `max_size`).
    #[serde(rename = "type")]
    pub ty: Located<String>,
    /// Element type when `type = "array"`, value type when `type = "map"`; the same names as
    /// `type`.
    #[serde(default)]
    pub items: Option<Located<String>>,
    /// What the field holds, from WeChat's table.
    pub doc: Located<String>,
    /// True when WeChat may leave the field out (request: the caller may).
    #[serde(default)]
    pub optional: bool,
    /// Other spellings WeChat is known to use for this field; accepted when decoding.
    #[serde(default)]
    pub aliases: Vec<Located<String>>,
    /// A constant always sent, e.g. `action = "get_url"`; the caller never sets it. Only on
    /// `[query]` parameters and top-level `[request]` fields, with `type = "string"`.
    #[serde(default)]
    pub value: Option<Located<String>>,
    /// `type = "string"` only: the value is a credential (appsecret, token, ticket); the
    /// generated field is a `wechat_core::Secret`, which never prints its value.
    #[serde(default)]
    pub secret: bool,
    /// `type = "file"` only: the part's content type, e.g. `application/pdf`.
    #[serde(default)]
    pub content_type: Option<Located<String>>,
    /// `type = "file"` only: the largest file accepted, in bytes; a larger file is refused
    /// before anything is sent.
    #[serde(default)]
    pub max_size: Option<Located<i64>>,
    /// True where the sources disagree on whether WeChat refuses what this field lacks: its
    /// absence (even when `optional`), its value's type, or for a `file` its part's
    /// Content-Type. The mock then accepts such a request and records a warning instead of
    /// refusing it. Request and query fields only; explain the disagreement in `notes`.
    #[serde(default)]
    pub lenient_in_mock: Option<Located<bool>>,
    /// A field whose type is a union: its keys (the tag and the variant's) sit in this object
    /// itself rather than under the field's own key, as `/card/qrcode/create` sends
    /// `action_name` and `action_info` beside `expire_seconds`.
    #[serde(default)]
    pub flatten: bool,
    /// `response`: WeChat answers the field but a request must not send it (a card's `id`,
    /// `status`); `request`: a request sends it but WeChat never answers it. Lets one type
    /// serve both directions.
    #[serde(default)]
    pub only: Option<Located<Direction>>,
    /// WeChat may send `null` for the field; it decodes as absent.
    #[serde(default)]
    pub nullable: bool,
    /// Strings: the fewest characters allowed (characters, not bytes).
    #[serde(default)]
    pub min_length: Option<Located<i64>>,
    /// Strings: the most characters allowed (characters, not bytes), e.g. a card title's 9.
    #[serde(default)]
    pub max_length: Option<Located<i64>>,
    /// Strings: the most UTF-8 bytes allowed: WeChat's tables write `string(27)` for a title
    /// of at most 9 Chinese characters (3 bytes each).
    #[serde(default)]
    pub max_bytes: Option<Located<i64>>,
    /// Integers: the smallest value allowed, e.g. `expire_seconds` 60.
    #[serde(default)]
    pub minimum: Option<Located<i64>>,
    /// Integers: the largest value allowed, e.g. `expire_seconds` 1800.
    #[serde(default)]
    pub maximum: Option<Located<i64>>,
    /// Arrays: the fewest items allowed.
    #[serde(default)]
    pub min_items: Option<Located<i64>>,
    /// Arrays: the most items allowed, e.g. `count` 50.
    #[serde(default)]
    pub max_items: Option<Located<i64>>,
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize(value: &mut Value<'de>) -> Result<Self, DeserError> {
        read_table!(value, Field {
            ty: required "type",
            items: optional "items",
            doc: required "doc",
            optional: default "optional",
            aliases: default "aliases",
            value: optional "value",
            secret: default "secret",
            content_type: optional "content_type",
            max_size: optional "max_size",
            lenient_in_mock: optional "lenient_in_mock",
            flatten: default "flatten",
            only: optional "only",
            nullable: default "nullable",
            min_length: optional "min_length",
            max_length: optional "max_length",
            max_bytes: optional "max_bytes",
            minimum: optional "minimum",
            maximum: optional "maximum",
            min_items: optional "min_items",
            max_items: optional "max_items",
        })
    }
}

/// A named type: an object (with `fields`), an enum (with `values`) or a union (with
/// `union`).
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TypeDef {
    /// What the type stands for.
    pub doc: Located<String>,
    /// Object types: the fields by wire name, in order.
    #[serde(default)]
    pub fields: Option<Located<Entries<Field>>>,
    /// Enum types: the known values. Values WeChat adds later still decode.
    #[serde(default)]
    pub values: Option<Located<Vec<Located<EnumValue>>>>,
    /// Union types: one of several object types, selected by the value of a tag field.
    #[serde(default)]
    pub union: Option<Located<UnionDef>>,
}

impl<'de> Deserialize<'de> for TypeDef {
    fn deserialize(value: &mut Value<'de>) -> Result<Self, DeserError> {
        read_table!(value, TypeDef {
            doc: required "doc",
            fields: optional "fields",
            values: optional "values",
            union: optional "union",
        })
    }
}

/// A union: the value of the `tag` field says which variant the object holds, and where.
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnionDef {
    /// The wire name of the tag field, e.g. `card_type`.
    pub tag: Located<String>,
    /// Where the variant's object sits. Default `sibling`.
    #[serde(default)]
    pub layout: Option<Located<UnionLayout>>,
    /// The known variants. An object with another tag decodes to `Unknown`, kept whole.
    pub variants: Vec<Located<UnionVariant>>,
}

impl<'de> Deserialize<'de> for UnionDef {
    fn deserialize(value: &mut Value<'de>) -> Result<Self, DeserError> {
        read_table!(value, UnionDef {
            tag: required "tag",
            layout: optional "layout",
            variants: required_bare "variants",
        })
    }
}

/// Where a union's variant object sits relative to its tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnionLayout {
    /// Under a key beside the tag, named by the variant's `key`:
    /// `{"card_type": "GROUPON", "groupon": {...}}`.
    Sibling,
    /// In the same object as the tag: `{"type": "text", "content": "..."}`.
    Internal,
}

impl Keyword for UnionLayout {
    const WORDS: &'static [(&'static str, Self)] =
        &[("sibling", Self::Sibling), ("internal", Self::Internal)];
}

/// One variant of a union.
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnionVariant {
    /// The tag's value that selects it, e.g. `GROUPON`.
    pub tag: Located<String>,
    /// The object type it holds.
    #[serde(rename = "type")]
    pub ty: Located<String>,
    /// `sibling` layout only: the key holding the object, dotted for a nested place
    /// (`action_info.card`). Default: the tag in lower case (`groupon`).
    #[serde(default)]
    pub key: Option<Located<String>>,
    /// Rust variant name (UpperCamelCase); derived from the tag when left out.
    #[serde(default)]
    pub name: Option<Located<String>>,
    /// What the variant is.
    pub doc: Located<String>,
}

impl<'de> Deserialize<'de> for UnionVariant {
    fn deserialize(value: &mut Value<'de>) -> Result<Self, DeserError> {
        read_table!(value, UnionVariant {
            tag: required "tag",
            ty: required "type",
            key: optional "key",
            name: optional "name",
            doc: required "doc",
        })
    }
}

/// Which direction a field travels in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Only in requests.
    Request,
    /// Only in responses.
    Response,
}

impl Keyword for Direction {
    const WORDS: &'static [(&'static str, Self)] =
        &[("request", Self::Request), ("response", Self::Response)];
}

/// One known value of an enum type.
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnumValue {
    /// The value on the wire: all strings or all integers within one enum.
    pub value: Located<Literal>,
    /// Rust variant name (UpperCamelCase); required for integer values, derived from
    /// string values otherwise.
    #[serde(default)]
    pub name: Option<Located<String>>,
    /// What the value means.
    pub doc: Located<String>,
}

impl<'de> Deserialize<'de> for EnumValue {
    fn deserialize(value: &mut Value<'de>) -> Result<Self, DeserError> {
        read_table!(value, EnumValue {
            value: required "value",
            name: optional "name",
            doc: required "doc",
        })
    }
}

/// A string or integer literal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, JsonSchema)]
#[serde(untagged)]
pub enum Literal {
    /// An integer.
    Int(i64),
    /// A string.
    Str(String),
}

impl<'de> Deserialize<'de> for Literal {
    fn deserialize(value: &mut Value<'de>) -> Result<Self, DeserError> {
        match value.take() {
            ValueInner::Integer(i) => Ok(Self::Int(i)),
            ValueInner::String(s) => Ok(Self::Str(s.into_owned())),
            other => Err(wanted("a string or an integer", &other, value.span).into()),
        }
    }
}

/// One error code, with WeChat's message and what a caller does about it.
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorDef {
    /// The `errcode` value.
    pub code: Located<i64>,
    /// WeChat's `errmsg` text.
    pub message: Located<String>,
    /// Rust variant name (UpperCamelCase); derived from `message` when left out.
    #[serde(default)]
    pub name: Option<Located<String>>,
    /// What the code means.
    pub meaning: Located<String>,
    /// What the caller should do.
    #[serde(default)]
    pub remedy: Option<Located<String>>,
    /// How the client reacts. Default `never`.
    #[serde(default)]
    pub retry: Option<Located<Retry>>,
}

impl<'de> Deserialize<'de> for ErrorDef {
    fn deserialize(value: &mut Value<'de>) -> Result<Self, DeserError> {
        read_table!(value, ErrorDef {
            code: required "code",
            message: required "message",
            name: optional "name",
            meaning: required "meaning",
            remedy: optional "remedy",
            retry: optional "retry",
        })
    }
}

/// How the client reacts to an error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Retry {
    /// Give the error to the caller.
    Never,
    /// Retry with exponential backoff while the retry budget lasts.
    Backoff,
    /// The token is bad: renew it and retry once.
    RenewToken,
}

impl Keyword for Retry {
    const WORDS: &'static [(&'static str, Self)] =
        &[("never", Self::Never), ("backoff", Self::Backoff), ("renew_token", Self::RenewToken)];
}

/// An endpoint's effect on a resource wechat-mock keeps (`[mock]`): endpoints naming the same
/// `resource` share one store of them, by id.
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MockDef {
    /// The kind of resource, snake_case, e.g. `card`.
    pub resource: Located<String>,
    /// What the endpoint does to it.
    pub action: Located<MockAction>,
    /// The string field that names the resource. `create`: a `[response]` field, answered
    /// with a fresh id; otherwise a `[request]` or `[query]` field.
    #[serde(default)]
    pub key: Option<Located<String>>,
    /// The field holding the resource's object. `create`: the `[request]` field stored (default:
    /// the whole body); `update`: the `[request]` field merged into it (default: the body
    /// without `key`); `read`: the `[response]` field answered with it (default: none, the
    /// read only checks the resource exists). Not on `delete`.
    #[serde(default)]
    pub object: Option<Located<String>>,
    /// The `errcode` answered for a key the mock does not hold, e.g. 40073; one of the
    /// endpoint's codes, its group's or a general one. Required but on `create`.
    #[serde(default)]
    pub missing: Option<Located<i64>>,
    /// `create`: the status a new resource starts in, e.g. `CARD_STATUS_NOT_VERIFY`; `update`:
    /// the status it moves to.
    #[serde(default)]
    pub status: Option<Located<String>>,
    /// `read`: values the mock assigns in the answered object, by dotted path inside it
    /// (through unions: `base_info.id` is in whichever variant the card is), e.g.
    /// `{ "base_info.id" = "id", "base_info.status" = "status" }`.
    #[serde(default)]
    pub assigned: Entries<Assigned>,
}

impl<'de> Deserialize<'de> for MockDef {
    fn deserialize(value: &mut Value<'de>) -> Result<Self, DeserError> {
        read_table!(value, MockDef {
            resource: required "resource",
            action: required "action",
            key: optional "key",
            object: optional "object",
            missing: optional "missing",
            status: optional "status",
            assigned: default "assigned",
        })
    }
}

/// What an endpoint does to the resource it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MockAction {
    /// Stores a new resource under a fresh id, answered in `key`.
    Create,
    /// Answers the stored resource.
    Read,
    /// Merges the request into the stored resource.
    Update,
    /// Removes it: later calls naming it answer `missing`.
    Delete,
}

impl Keyword for MockAction {
    const WORDS: &'static [(&'static str, Self)] =
        &[("create", Self::Create), ("read", Self::Read), ("update", Self::Update), ("delete", Self::Delete)];
}

/// A value the mock keeps for every resource, written into a read's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Assigned {
    /// Its id (a string field).
    Id,
    /// Its status: the create's `status`, changed by updates and the mock's admin routes (a
    /// string or string-enum field).
    Status,
    /// When it was created, unix seconds (an integer field).
    Created,
    /// When it last changed, unix seconds (an integer field).
    Updated,
}

impl Keyword for Assigned {
    const WORDS: &'static [(&'static str, Self)] =
        &[("id", Self::Id), ("status", Self::Status), ("created", Self::Created), ("updated", Self::Updated)];
}

keyword_deserialize!(
    Method,
    BodyKind,
    TokenKind,
    Access,
    Retry,
    UnionLayout,
    Direction,
    MockAction,
    Assigned
);

/// A request/response pair from WeChat's documentation.
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// Short name of the example.
    #[serde(default)]
    pub name: Option<Located<String>>,
    /// The request body as JSON text; it must match `[request]` exactly.
    #[serde(default)]
    pub request: Option<Located<String>>,
    /// The response body as JSON text; it must decode into the response type.
    #[serde(default)]
    pub response: Option<Located<String>>,
}

impl<'de> Deserialize<'de> for Example {
    fn deserialize(value: &mut Value<'de>) -> Result<Self, DeserError> {
        read_table!(value, Example {
            name: optional "name",
            request: optional "request",
            response: optional "response",
        })
    }
}

/// `spec/errors.toml` (WeChat's general error codes, shared by every endpoint) or
/// `spec/<group>/errors.toml` (codes every endpoint of one group may answer).
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "WeChat general error codes")]
pub struct ErrorsFile {
    /// The codes.
    pub errors: Vec<Located<ErrorDef>>,
}

impl<'de> Deserialize<'de> for ErrorsFile {
    fn deserialize(value: &mut Value<'de>) -> Result<Self, DeserError> {
        read_table!(value, ErrorsFile { errors: required_bare "errors" })
    }
}

/// `spec/groups.toml`: one entry per folder under `spec/`; each becomes a module and a cargo
/// feature of the generated crate.
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "WeChat endpoint groups")]
pub struct GroupsFile {
    /// The groups, by folder name.
    pub groups: Entries<GroupDef>,
}

impl<'de> Deserialize<'de> for GroupsFile {
    fn deserialize(value: &mut Value<'de>) -> Result<Self, DeserError> {
        read_table!(value, GroupsFile { groups: required_bare "groups" })
    }
}

/// A group of endpoints.
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupDef {
    /// One sentence: which part of WeChat the group covers.
    pub summary: Located<String>,
    /// Longer documentation for the module.
    #[serde(default)]
    pub doc: Option<Located<String>>,
    /// Also put the group's operations on the root `Client` (`client.get_auth_data(..)`),
    /// besides its handle (`client.invoice().get_auth_data(..)`). Operation names of such
    /// groups must be unique across all of them. Default false.
    #[serde(default)]
    pub root_methods: bool,
}

impl<'de> Deserialize<'de> for GroupDef {
    fn deserialize(value: &mut Value<'de>) -> Result<Self, DeserError> {
        read_table!(value, GroupDef {
            summary: required "summary",
            doc: optional "doc",
            root_methods: default "root_methods",
        })
    }
}

/// `spec/types.toml` (types shared by every group) or `spec/<group>/types.toml` (types
/// shared by the endpoints of one group, generated behind its feature).
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "WeChat shared types")]
pub struct TypesFile {
    /// The types, by UpperCamelCase name.
    pub types: Entries<TypeDef>,
}

impl<'de> Deserialize<'de> for TypesFile {
    fn deserialize(value: &mut Value<'de>) -> Result<Self, DeserError> {
        read_table!(value, TypesFile { types: required_bare "types" })
    }
}

/// Any spec file; only used to describe the format as one JSON Schema.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code, clippy::large_enum_variant)]
pub(crate) enum AnySpecFile {
    Endpoint(EndpointFile),
    Errors(ErrorsFile),
    Groups(GroupsFile),
    Types(TypesFile),
    Event(EventFile),
    Events(EventsFile),
}

mod events;

pub use events::{EventExample, EventField, EventFieldType, EventFile, EventsFile, HeaderDef};
