//! The shape of the generated command table: what the spec says about each group, operation
//! and field, as far as a command line needs it.

use crate::call::{Call, CallFuture};

/// A group of operations: one subcommand, one cargo feature.
pub(crate) struct Group {
    /// The subcommand, kebab-case (`card-code`).
    pub(crate) command: &'static str,
    /// The module and feature name (`card_code`), accepted as the subcommand too.
    pub(crate) module: &'static str,
    /// One sentence.
    pub(crate) summary: &'static str,
    /// The summary and the group's documentation.
    pub(crate) about: &'static str,
    /// Its operations.
    pub(crate) operations: &'static [Operation],
}

/// One operation: a subcommand of its group.
pub(crate) struct Operation {
    /// The subcommand, kebab-case (`get-auth-data`).
    pub(crate) command: &'static str,
    /// One sentence.
    pub(crate) summary: &'static str,
    /// The long help: documentation, fields only `--json` gives, files, example, endpoint.
    pub(crate) about: &'static str,
    /// The request's fields, query parameters included.
    pub(crate) fields: &'static [Field],
    /// Body fields always sent with the same value, added when the input leaves them out.
    pub(crate) constants: &'static [(&'static str, &'static str)],
    /// File parts of a multipart body.
    pub(crate) files: &'static [FilePart],
    /// Builds the request type from the input and sends it.
    pub(crate) call: fn(Call) -> CallFuture,
}

/// A field of a request.
pub(crate) struct Field {
    /// Its name on the wire, the key in `--json`.
    pub(crate) wire: &'static str,
    /// Its flag, without `--`; `None` when only `--json` can give it.
    pub(crate) flag: Option<&'static str>,
    /// The spec's documentation, on one line.
    pub(crate) help: &'static str,
    /// What a flag's value is, or what the JSON holds.
    pub(crate) kind: Kind,
    /// The known values of an enum; others are sent as given.
    pub(crate) values: &'static [&'static str],
    /// The request cannot go without it.
    pub(crate) required: bool,
    /// A query parameter rather than a body field.
    pub(crate) query: bool,
    /// A credential: its value is never printed.
    pub(crate) secret: bool,
    /// Other spellings the request type accepts.
    pub(crate) aliases: &'static [&'static str],
}

/// What a field's value is.
// Every type the spec format has; the spec of the day may use only some.
#[allow(dead_code)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Text.
    Text,
    /// `true` or `false`.
    Bool,
    /// A 32-bit signed integer.
    Int32,
    /// A 64-bit signed integer.
    Int64,
    /// A 32-bit unsigned integer.
    UInt32,
    /// A 64-bit unsigned integer.
    UInt64,
    /// A number.
    Float,
    /// Only JSON can hold it; the text says what it holds.
    Json(&'static str),
}

/// A file part of a multipart body.
pub(crate) struct FilePart {
    /// The form field's name (`pdf`).
    pub(crate) part: &'static str,
    /// The largest file accepted, in bytes.
    pub(crate) max_size: u64,
    /// The request cannot go without it.
    pub(crate) required: bool,
}

impl Operation {
    /// The field named `wire` on the wire.
    pub(crate) fn field(&self, wire: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.wire == wire)
    }
}
