//! The shape of the generated command table: what the spec says about each group, operation
//! and field, as far as a command line needs it.

use crate::call::{Call, CallFuture};
use crate::field::{Field, FilePart, RequestShape};

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

impl Operation {
    /// What its request takes.
    pub(crate) fn request(&self) -> RequestShape {
        RequestShape { fields: self.fields, constants: self.constants, files: self.files }
    }
}

/// Something only a user (or WeChat's review) does, which `wechat act` tells a running
/// wechat-mock (`POST /__mock/user/{route}`): authorizing an invoice, buying a gift card.
pub(crate) struct UserAction {
    /// Its group's command, kebab-case (`gift-card`).
    pub(crate) group: &'static str,
    /// Its command, kebab-case (`buy-gift-card`).
    pub(crate) command: &'static str,
    /// Its route on the mock: `group/name`.
    pub(crate) route: &'static str,
    /// One sentence.
    pub(crate) summary: &'static str,
    /// The summary and its documentation.
    pub(crate) about: &'static str,
    /// Its params.
    pub(crate) fields: &'static [Field],
}
