//! The spec format as written: one struct per kind of TOML table, every value with its span.
//!
//! `load` reads files into these types, reporting every problem a file has at once; `schema`
//! describes the same types to editors as JSON Schema, so the doc comments here are what an
//! editor shows when a spec file is being typed. Each table's struct is declared once, through
//! `spec_table!`, which derives both from the same list of keys, so the schema and the loader
//! cannot disagree on which keys exist or which are required.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
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

/// Declares the struct for one kind of spec table, once: each field names the TOML key it is
/// read from and how. From that one declaration come both the struct, with the `serde`
/// attributes `schemars` reads (so `spec/spec.schema.json` documents the key, and whether it is
/// required), and its toml-span `Deserialize` impl, which takes exactly those keys and refuses
/// any other. A key can therefore not be in the schema and not in the loader, or the reverse.
///
/// How a key is read:
/// - `required`: it must be there; the field is a `Located<T>`.
/// - `optional`: it may be left out; the field is an `Option<Located<T>>`.
/// - `default`: it may be left out, giving the type's default; the field is the bare type.
/// - `required_bare`: it must be there; the field is the bare type (it keeps no span).
///
/// Reading takes every key and collects unknown keys and all value errors, and builds the
/// struct only when the table had no problem at all, so a file's problems are reported at once.
macro_rules! spec_table {
    (@take $t:ident, required, $key:literal) => {
        $t.required_s($key).map($crate::format::Located::from)
    };
    (@take $t:ident, optional, $key:literal) => {
        $t.optional_s($key).map($crate::format::Located::from)
    };
    (@take $t:ident, default, $key:literal) => { $t.optional($key).unwrap_or_default() };
    (@take $t:ident, required_bare, $key:literal) => { $t.required($key) };
    (@unwrap $field:ident, required) => { $field.map_err(::toml_span::DeserError::from)? };
    (@unwrap $field:ident, optional) => { $field };
    (@unwrap $field:ident, default) => { $field };
    (@unwrap $field:ident, required_bare) => { $field.map_err(::toml_span::DeserError::from)? };
    // The fields one at a time: each adds its declaration, with the serde attributes its way of
    // reading implies (`default` is what keeps schemars from listing a key as required), and its read.
    (@fields $head:tt [$($decl:tt)*] [$($read:tt)*]
        $(#[$doc:meta])* pub $field:ident: $fty:ty = required $key:literal, $($rest:tt)*) => {
        spec_table!(@fields $head
            [$($decl)* $(#[$doc])* #[serde(rename = $key)] pub $field: $fty,]
            [$($read)* $field required $key,]
            $($rest)*);
    };
    (@fields $head:tt [$($decl:tt)*] [$($read:tt)*]
        $(#[$doc:meta])* pub $field:ident: $fty:ty = required_bare $key:literal, $($rest:tt)*) => {
        spec_table!(@fields $head
            [$($decl)* $(#[$doc])* #[serde(rename = $key)] pub $field: $fty,]
            [$($read)* $field required_bare $key,]
            $($rest)*);
    };
    (@fields $head:tt [$($decl:tt)*] [$($read:tt)*]
        $(#[$doc:meta])* pub $field:ident: $fty:ty = optional $key:literal, $($rest:tt)*) => {
        spec_table!(@fields $head
            [$($decl)* $(#[$doc])* #[serde(rename = $key, default)] pub $field: $fty,]
            [$($read)* $field optional $key,]
            $($rest)*);
    };
    (@fields $head:tt [$($decl:tt)*] [$($read:tt)*]
        $(#[$doc:meta])* pub $field:ident: $fty:ty = default $key:literal, $($rest:tt)*) => {
        spec_table!(@fields $head
            [$($decl)* $(#[$doc])* #[serde(rename = $key, default)] pub $field: $fty,]
            [$($read)* $field default $key,]
            $($rest)*);
    };
    (@fields [$(#[$meta:meta])* pub struct $ty:ident] [$($decl:tt)*]
        [$($field:ident $how:ident $key:literal,)*]) => {
        #[derive(Debug, Clone, ::schemars::JsonSchema)]
        #[serde(deny_unknown_fields)]
        $(#[$meta])*
        pub struct $ty { $($decl)* }

        impl<'de> ::toml_span::Deserialize<'de> for $ty {
            fn deserialize(
                value: &mut ::toml_span::value::Value<'de>,
            ) -> Result<Self, ::toml_span::DeserError> {
                let mut table = ::toml_span::de_helpers::TableHelper::new(value)?;
                $(let $field = spec_table!(@take table, $how, $key);)*
                table.finalize(None)?;
                Ok(Self { $($field: spec_table!(@unwrap $field, $how)),* })
            }
        }
    };
    ($(#[$meta:meta])* pub struct $ty:ident { $($fields:tt)* }) => {
        spec_table!(@fields [$(#[$meta])* pub struct $ty] [] [] $($fields)*);
    };
}

impl<T> From<toml_span::Spanned<T>> for Located<T> {
    fn from(spanned: toml_span::Spanned<T>) -> Self {
        Self { value: spanned.value, span: spanned.span.into() }
    }
}

spec_table! {
    /// One endpoint: a file under `spec/<group>/`.
    #[schemars(title = "WeChat endpoint spec")]
    pub struct EndpointFile {
        /// Operation name in snake_case, e.g. `reject_insert`. Every Rust name of the endpoint
        /// (client method, module, request/response/error-code types) is derived from it.
        pub name: Located<String> = required "name",
        /// WeChat's own name for the interface, e.g. `invoicebizrejectinsert`.
        pub interface: Located<String> = required "interface",
        /// One sentence saying what the endpoint does; the first line of every doc comment.
        pub summary: Located<String> = required "summary",
        /// Longer documentation: when to call it, what happens afterwards.
        pub doc: Option<Located<String>> = optional "doc",
        /// HTTP method.
        pub method: Located<Method> = required "method",
        /// Host the endpoint lives on. Default `api.weixin.qq.com`.
        pub host: Option<Located<String>> = optional "host",
        /// Path, starting with `/`, without query string.
        pub path: Located<String> = required "path",
        /// How the request body is sent. Default `json` for POST and `none` for GET.
        pub body: Option<Located<BodyKind>> = optional "body",
        /// How WeChat writes a successful answer: `json` (default), or `text` for an answer
        /// that is the body itself (a CSV statement), held in the response's `text` field.
        pub response_body: Option<Located<ResponseBodyKind>> = optional "response_body",
        /// Which credential goes into the `access_token` query parameter.
        pub auth: Located<Auth> = required "auth",
        /// Which accounts may call it, and whether cloud calls work.
        pub availability: Option<Located<Availability>> = optional "availability",
        /// Query parameters besides `access_token`, by name.
        pub query: Entries<Field> = default "query",
        /// Fields of the request body, by wire name, in the order they are sent.
        pub request: Entries<Field> = default "request",
        /// Fields of the response besides `errcode` and `errmsg`, by wire name.
        pub response: Entries<Field> = default "response",
        /// Named types used only by this endpoint, by UpperCamelCase name.
        pub types: Entries<TypeDef> = default "types",
        /// Error codes particular to this endpoint (general codes live in `spec/errors.toml`).
        pub errors: Vec<Located<ErrorDef>> = default "errors",
        /// Request and response examples, as JSON text.
        pub examples: Vec<Located<Example>> = default "examples",
        /// Decisions taken where WeChat's documentation is wrong or silent, one sentence each.
        pub notes: Vec<Located<String>> = default "notes",
        /// WeChat deprecated or retired the endpoint: its note, and what to call instead. The
        /// generated methods carry `#[deprecated]`, and the docs and the command line's help say so.
        pub deprecated: Option<Located<Deprecation>> = optional "deprecated",
        /// What a call does to the records wechat-mock keeps, step by step (`[[mock]]`). Without
        /// steps the mock answers the success example.
        pub mock: Vec<Located<StepDef>> = default "mock",
    }
}

spec_table! {
    /// An endpoint WeChat deprecated or retired, e.g.
    /// `deprecated = { note = "WeChat retired the location API.", replacement = "The store API." }`.
    pub struct Deprecation {
        /// Why: WeChat's own note (which page says so, since when), one or two sentences.
        pub note: Located<String> = required "note",
        /// What to use instead: an operation of the spec (`card/create_card`) or another
        /// WeChat API. Leave it out when WeChat names none.
        pub replacement: Option<Located<String>> = optional "replacement",
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

/// How a successful answer is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResponseBodyKind {
    /// A JSON object built from `[response]`.
    Json,
    /// The body itself, as text; errors are still JSON.
    Text,
}

impl Keyword for ResponseBodyKind {
    const WORDS: &'static [(&'static str, Self)] = &[("json", Self::Json), ("text", Self::Text)];
}

spec_table! {
    /// The credential an endpoint takes.
    pub struct Auth {
        /// `access_token`: the account's access token (or an authorizer token when
        /// `third_party` is true); `none`: the endpoint takes no token (token endpoints themselves).
        pub token: Located<TokenKind> = required "token",
        /// Whether a third-party platform may call it with an `authorizer_access_token`.
        pub third_party: bool = default "third_party",
        /// The third-party permission set the endpoint belongs to (only with `third_party = true`).
        pub permission_set: Option<Located<i64>> = optional "permission_set",
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

spec_table! {
    /// Who may call an endpoint.
    pub struct Availability {
        /// Whether WeChat cloud calls (云调用) support it.
        pub cloud_call: bool = default "cloud_call",
        /// Account types and their access, e.g. `{ service_account = "yes" }`.
        pub accounts: Entries<Access> = default "accounts",
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

spec_table! {
    /// One field of a request, response, query string or named object type.
    pub struct Field {
        /// `string`, `bool`, `i32`, `i64`, `u32`, `u64`, `f64`, `array` (with `items`), `map`
        /// (string keys, values of type `items`), `json` (any JSON value, where WeChat documents
        /// no shape), the name of a type in `[types]` of this file, of the group's `types.toml` or
        /// of `spec/types.toml`, or `file` (a file part of a `body = "multipart"` request, with
        /// `content_type` and `max_size`).
        pub ty: Located<String> = required "type",
        /// Element type when `type = "array"`, value type when `type = "map"`; the same names as
        /// `type`.
        pub items: Option<Located<String>> = optional "items",
        /// What the field holds, from WeChat's table.
        pub doc: Located<String> = required "doc",
        /// True when WeChat may leave the field out (request: the caller may).
        pub optional: bool = default "optional",
        /// Other spellings WeChat is known to use for this field; accepted when decoding.
        pub aliases: Vec<Located<String>> = default "aliases",
        /// A constant always sent, e.g. `action = "get_url"`; the caller never sets it. Only on
        /// `[query]` parameters and top-level `[request]` fields, with `type = "string"`.
        pub value: Option<Located<String>> = optional "value",
        /// `type = "string"` only: the value is a credential (appsecret, token, ticket); the
        /// generated field is a `wechat_core::Secret`, which never prints its value.
        pub secret: bool = default "secret",
        /// `type = "string"` only: WeChat's answers may write the value as a JSON number (its
        /// examples do) though the spec keeps it a string, so that an id's or a count's digits
        /// stay exact. The client reads either; the OpenAPI document's schema allows both; the
        /// mock may answer the number its state holds. Say which sources write which in `notes`.
        pub number_in_answers: bool = default "number_in_answers",
        /// `type = "file"` only: the part's content type, e.g. `application/pdf`.
        pub content_type: Option<Located<String>> = optional "content_type",
        /// `type = "file"` only: the largest file accepted, in bytes; a larger file is refused
        /// before anything is sent.
        pub max_size: Option<Located<i64>> = optional "max_size",
        /// True where the sources disagree on whether WeChat refuses what this field lacks: its
        /// absence (even when `optional`), its value's type, or for a `file` its part's
        /// Content-Type. The mock then accepts such a request and records a warning instead of
        /// refusing it. Request and query fields only; explain the disagreement in `notes`.
        pub lenient_in_mock: Option<Located<bool>> = optional "lenient_in_mock",
        /// A field whose type is a union: its keys (the tag and the variant's) sit in this object
        /// itself rather than under the field's own key, as `/card/qrcode/create` sends
        /// `action_name` and `action_info` beside `expire_seconds`.
        pub flatten: bool = default "flatten",
        /// `response`: WeChat answers the field but a request must not send it (a card's `id`,
        /// `status`); `request`: a request sends it but WeChat never answers it. Lets one type
        /// serve both directions.
        pub only: Option<Located<Direction>> = optional "only",
        /// WeChat may send `null` for the field; it decodes as absent.
        pub nullable: bool = default "nullable",
        /// Strings: the fewest characters allowed (characters, not bytes).
        pub min_length: Option<Located<i64>> = optional "min_length",
        /// Strings: the most characters allowed (characters, not bytes), e.g. a card title's 9.
        pub max_length: Option<Located<i64>> = optional "max_length",
        /// Strings: the most UTF-8 bytes allowed: WeChat's tables write `string(27)` for a title
        /// of at most 9 Chinese characters (3 bytes each).
        pub max_bytes: Option<Located<i64>> = optional "max_bytes",
        /// Integers: the smallest value allowed, e.g. `expire_seconds` 60.
        pub minimum: Option<Located<i64>> = optional "minimum",
        /// Integers: the largest value allowed, e.g. `expire_seconds` 1800.
        pub maximum: Option<Located<i64>> = optional "maximum",
        /// Arrays: the fewest items allowed.
        pub min_items: Option<Located<i64>> = optional "min_items",
        /// Arrays: the most items allowed, e.g. `count` 50.
        pub max_items: Option<Located<i64>> = optional "max_items",
        /// The field (`optional = true`) is required when the sibling field of this name, in
        /// the same object, is set: neither left out nor `null`, `false`, `0` or `""`.
        /// Checked in requests: by the client before sending, by the mock (47001), in examples.
        pub required_when: Option<Located<String>> = optional "required_when",
        /// The field (`optional = true`) is required unless the sibling field of this name, in
        /// the same object, is set (`true`, not `0`, not `""`), e.g. `required_unless =
        /// "is_cancel"`. Checked in requests, as `required_when`.
        pub required_unless: Option<Located<String>> = optional "required_unless",
        /// The field (`optional = true`) is one of a set, named by this value: every field of the
        /// object with the same `one_of` is in it, and exactly one of them must be set (neither
        /// left out nor `null`, `false`, `0` or `""`), e.g. `page_id` or `all = true`. A set
        /// has two fields or more. Checked in requests, as `required_when`.
        pub one_of: Option<Located<String>> = optional "one_of",
    }
}

spec_table! {
    /// A named type: an object (with `fields`), an enum (with `values`) or a union (with
    /// `union`).
    pub struct TypeDef {
        /// What the type stands for.
        pub doc: Located<String> = required "doc",
        /// Object types: the fields by wire name, in order.
        pub fields: Option<Located<Entries<Field>>> = optional "fields",
        /// Enum types: the known values. Values WeChat adds later still decode.
        pub values: Option<Located<Vec<Located<EnumValue>>>> = optional "values",
        /// Union types: one of several object types, selected by the value of a tag field.
        pub union: Option<Located<UnionDef>> = optional "union",
    }
}

spec_table! {
    /// A union: the value of the `tag` field says which variant the object holds, and where.
    pub struct UnionDef {
        /// The wire name of the tag field, e.g. `card_type`.
        pub tag: Located<String> = required "tag",
        /// Where the variant's object sits. Default `sibling`.
        pub layout: Option<Located<UnionLayout>> = optional "layout",
        /// The known variants. An object with another tag decodes to `Unknown`, kept whole.
        pub variants: Vec<Located<UnionVariant>> = required_bare "variants",
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

spec_table! {
    /// One variant of a union.
    pub struct UnionVariant {
        /// The tag's value that selects it, e.g. `GROUPON`.
        pub tag: Located<String> = required "tag",
        /// The object type it holds.
        pub ty: Located<String> = required "type",
        /// `sibling` layout only: the key holding the object, dotted for a nested place
        /// (`action_info.card`). Default: the tag in lower case (`groupon`).
        pub key: Option<Located<String>> = optional "key",
        /// Rust variant name (UpperCamelCase); derived from the tag when left out.
        pub name: Option<Located<String>> = optional "name",
        /// What the variant is.
        pub doc: Located<String> = required "doc",
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

spec_table! {
    /// One known value of an enum type.
    pub struct EnumValue {
        /// The value on the wire: all strings or all integers within one enum.
        pub value: Located<Literal> = required "value",
        /// Rust variant name (UpperCamelCase); required for integer values, derived from
        /// string values otherwise.
        pub name: Option<Located<String>> = optional "name",
        /// What the value means.
        pub doc: Located<String> = required "doc",
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

spec_table! {
    /// One error code, with WeChat's message and what a caller does about it.
    pub struct ErrorDef {
        /// The `errcode` value.
        pub code: Located<i64> = required "code",
        /// WeChat's `errmsg` text.
        pub message: Located<String> = required "message",
        /// Rust variant name (UpperCamelCase); derived from `message` when left out.
        pub name: Option<Located<String>> = optional "name",
        /// What the code means.
        pub meaning: Located<String> = required "meaning",
        /// What the caller should do.
        pub remedy: Option<Located<String>> = optional "remedy",
        /// How the client reacts. Default `never`.
        pub retry: Option<Located<Retry>> = optional "retry",
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

keyword_deserialize!(Method, BodyKind, ResponseBodyKind, TokenKind, Access, Retry, UnionLayout, Direction);

spec_table! {
    /// A request/response pair from WeChat's documentation.
    pub struct Example {
        /// Short name of the example.
        pub name: Option<Located<String>> = optional "name",
        /// The request body as JSON text; it must match `[request]` exactly.
        pub request: Option<Located<String>> = optional "request",
        /// The response body as JSON text; it must decode into the response type.
        pub response: Option<Located<String>> = optional "response",
        /// The records wechat-mock holds before the call, as JSON text: resource name = list of
        /// (partial) records. The generated call through the client seeds them first.
        pub given: Option<Located<String>> = optional "given",
    }
}

spec_table! {
    /// `spec/errors.toml` (WeChat's general error codes, shared by every endpoint) or
    /// `spec/<group>/errors.toml` (codes every endpoint of one group may answer).
    #[schemars(title = "WeChat general error codes")]
    pub struct ErrorsFile {
        /// The codes.
        pub errors: Vec<Located<ErrorDef>> = required_bare "errors",
    }
}

spec_table! {
    /// `spec/groups.toml`: one entry per folder under `spec/`; each becomes a module and a cargo
    /// feature of the generated crate.
    #[schemars(title = "WeChat endpoint groups")]
    pub struct GroupsFile {
        /// The groups, by folder name.
        pub groups: Entries<GroupDef> = required_bare "groups",
    }
}

spec_table! {
    /// A group of endpoints.
    pub struct GroupDef {
        /// One sentence: which part of WeChat the group covers.
        pub summary: Located<String> = required "summary",
        /// Longer documentation for the module.
        pub doc: Option<Located<String>> = optional "doc",
        /// Also keep the group's operations on the root `Client` (`client.get_auth_data(..)`),
        /// deprecated, besides its handle (`client.invoice().get_auth_data(..)`), the one
        /// documented style: for groups whose methods were there before handles existed. A new
        /// group never sets it. Operation names of such groups must be unique across all of
        /// them. Default false.
        pub root_methods: bool = default "root_methods",
    }
}

spec_table! {
    /// `spec/types.toml` (types shared by every group) or `spec/<group>/types.toml` (types
    /// shared by the endpoints of one group, generated behind its feature).
    #[schemars(title = "WeChat shared types")]
    pub struct TypesFile {
        /// The types, by UpperCamelCase name.
        pub types: Entries<TypeDef> = required_bare "types",
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
    Resources(ResourcesFile),
    UserAction(UserActionFile),
}

mod events;
mod state;

pub use events::{EventExample, EventField, EventFieldType, EventFile, EventsFile, HeaderDef};
pub use state::{
    BoundDef, ExistingDef, ExprValue, ForbiddenDef, ResourceDef, ResourcesFile, StatusValueDef, StatusesDef,
    StepDef, UserActionExample, UserActionFile,
};

#[cfg(test)]
#[allow(unreachable_pub)]
mod tests {
    use toml_span::{Deserialize, ErrorKind};

    use super::{Entries, Located};

    spec_table! {
        /// One key of each way of reading, one of them under a name that is a Rust keyword.
        pub struct Probe {
            /// Read with its span, and required.
            pub ty: Located<String> = required "type",
            /// Read without a span, and required.
            pub bare: Vec<Located<i64>> = required_bare "bare",
            /// Left out: `None`.
            pub opt: Option<Located<bool>> = optional "opt",
            /// Left out: empty.
            pub def: Entries<String> = default "def",
        }
    }

    /// The properties the schema gives `Probe`, and those it marks required, sorted.
    fn schema_keys() -> (Vec<String>, Vec<String>) {
        let schema = schemars::schema_for!(Probe).to_value();
        let names = |value: Option<&serde_json::Value>, keys: fn(&serde_json::Value) -> Vec<String>| {
            let mut names = value.map(keys).unwrap_or_default();
            names.sort();
            names
        };
        let properties = names(schema.get("properties"), |p| {
            p.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default()
        });
        let required = names(schema.get("required"), |r| {
            r.as_array()
                .map(|a| a.iter().filter_map(|k| k.as_str().map(str::to_owned)).collect())
                .unwrap_or_default()
        });
        (properties, required)
    }

    fn read(text: &str) -> Result<Probe, Vec<ErrorKind>> {
        let mut value = toml_span::parse(text).expect("valid TOML");
        Probe::deserialize(&mut value).map_err(|e| e.errors.into_iter().map(|e| e.kind).collect())
    }

    #[test]
    fn the_schema_lists_the_keys_the_loader_reads_and_requires_the_ones_it_requires() {
        let (properties, required) = schema_keys();
        assert_eq!(properties, ["bare", "def", "opt", "type"]);
        assert_eq!(required, ["bare", "type"]);
        assert_eq!(schemars::schema_for!(Probe).get("additionalProperties"), Some(&false.into()));
    }

    #[test]
    fn the_loader_reads_every_key_the_schema_lists() {
        let probe = read("type = \"t\"\nbare = [1, 2]\nopt = true\ndef = { a = \"x\" }\n").expect("all keys");
        assert_eq!(probe.ty.value, "t");
        assert_eq!(probe.bare.iter().map(|b| b.value).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(probe.opt.map(|o| o.value), Some(true));
        assert_eq!(probe.def.0.len(), 1);
    }

    #[test]
    fn the_loader_requires_what_the_schema_requires_and_nothing_else() {
        let probe = read("type = \"t\"\nbare = []\n").expect("only the required keys");
        assert!(probe.opt.is_none() && probe.def.0.is_empty() && probe.bare.is_empty());
        assert_eq!(probe.ty.value, "t");
        let missing = read("opt = false\n").expect_err("required keys missing");
        assert!(
            matches!(&missing[..], [ErrorKind::MissingField("type"), ErrorKind::MissingField("bare")]),
            "{missing:?}"
        );
    }

    #[test]
    fn the_loader_refuses_a_key_the_schema_does_not_list() {
        let unknown = read("type = \"t\"\nbare = []\nty = \"t\"\n").expect_err("an unknown key");
        assert!(
            matches!(&unknown[..], [ErrorKind::UnexpectedKeys { keys, .. }] if keys[0].0 == "ty"),
            "{unknown:?}"
        );
    }
}
