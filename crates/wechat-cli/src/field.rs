//! What a request takes, as the command line reads it: its fields, what each field's value is,
//! and its file parts. Plain data the generated table holds and the input reader checks.

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

/// What one operation's request takes: the reader of its input needs no more.
#[derive(Clone, Copy)]
pub(crate) struct RequestShape {
    /// The request's fields, query parameters included.
    pub(crate) fields: &'static [Field],
    /// Body fields always sent with the same value, added when the input leaves them out.
    pub(crate) constants: &'static [(&'static str, &'static str)],
    /// File parts of a multipart body.
    pub(crate) files: &'static [FilePart],
}

impl RequestShape {
    /// The field named `wire` on the wire.
    pub(crate) fn field(&self, wire: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.wire == wire)
    }
}
