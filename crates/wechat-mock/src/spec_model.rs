//! The types of the spec table (see [`spec_table`](crate::spec_table), which re-exports them):
//! what the generated `generated/operations.rs` is written in. The shapes of bodies (fields,
//! types, limits) are `wechat_core::shape`'s, which the generator checks the spec's examples
//! with too: one model and one checker of the spec's JSON for both.

pub use wechat_core::shape::{
    Direction, Field, Item, Limits, NamedType, Rule, Schema, Ty, TypeId, TypeKind, Union, UnionCase,
};

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
    pub query: &'static [Field<'static>],
    /// Which token goes into `access_token`.
    pub token: TokenUse,
    /// Whether third-party platforms may call it with an authorizer token.
    pub third_party: bool,
    /// How the request body is encoded.
    pub body: BodyKind,
    /// Fields of the request body: JSON fields, or the text parts of a multipart body.
    pub request: &'static [Field<'static>],
    /// Body fields with a fixed value (`"action": "get_url"`), which every request must carry.
    pub fixed_body: &'static [(&'static str, &'static str)],
    /// File parts of a `multipart/form-data` body.
    pub files: &'static [FilePart],
    /// Fields of the success answer besides `errcode` and `errmsg`.
    pub response: &'static [Field<'static>],
    /// How the success answer is written: JSON, or the example's text itself.
    pub response_body: ResponseBody,
    /// The named types its fields refer to by [`TypeId`]: the whole table's.
    pub types: &'static Schema<'static>,
    /// Error codes particular to this operation.
    pub errors: &'static [ErrorCase],
    /// The spec's first success example response (JSON text, or the text itself for a
    /// [`ResponseBody::Text`] operation), if it has one.
    pub success_example: Option<&'static str>,
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
