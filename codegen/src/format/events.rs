//! The format of push events: `spec/events.toml` (the headers every push carries) and
//! `spec/<group>/events/<file>.toml` (one event each).

use schemars::JsonSchema;
use toml_span::value::Value;
use toml_span::{DeserError, Deserialize};

use super::{Entries, Keyword, Located, keyword};

spec_table! {
    /// `spec/events.toml`: the elements every push of a kind carries, declared once.
    #[schemars(title = "WeChat push event headers")]
    pub struct EventsFile {
        /// The headers, by snake_case name (`account`, `platform`); an event file names one.
        pub headers: Entries<HeaderDef> = required_bare "headers",
    }
}

spec_table! {
    /// The elements shared by every push of one kind, and the element that names the event.
    pub struct HeaderDef {
        /// What pushes carry this header, and where WeChat sends them.
        pub doc: Located<String> = required "doc",
        /// The element whose text names the event: `Event` (account events) or `InfoType`
        /// (third-party platform notices).
        pub discriminator: Located<String> = required "discriminator",
        /// The header's elements by XML element name, in the order WeChat writes them (before the
        /// discriminator).
        pub fields: Entries<EventField> = required_bare "fields",
    }
}

spec_table! {
    /// One push event: a file under `spec/<group>/events/`.
    #[schemars(title = "WeChat push event spec")]
    pub struct EventFile {
        /// The event's name in snake_case, e.g. `user_authorize_invoice`: the Rust type is its
        /// UpperCamelCase (`UserAuthorizeInvoice`), as is its variant of the `Event` enum.
        pub name: Located<String> = required "name",
        /// The value of the header's discriminator naming the event (`Event` or `InfoType`), as
        /// WeChat writes it, e.g. `updateauthorized`.
        pub event: Located<String> = required "event",
        /// Which header of `spec/events.toml` the push carries, e.g. `account`.
        pub header: Located<String> = required "header",
        /// One sentence: when WeChat sends the event; the first line of every doc comment.
        pub summary: Located<String> = required "summary",
        /// Longer documentation: what to do when it arrives.
        pub doc: Option<Located<String>> = optional "doc",
        /// The event's own elements (besides the header) by XML element name, in the order
        /// WeChat writes them.
        pub fields: Entries<EventField> = default "fields",
        /// Messages from WeChat's documentation (or SDKs' copies of them), as XML.
        pub examples: Vec<Located<EventExample>> = required_bare "examples",
        /// Decisions taken where WeChat's pages and SDKs disagree, with the evidence.
        pub notes: Vec<Located<String>> = default "notes",
    }
}

spec_table! {
    /// One element of an event or header.
    pub struct EventField {
        /// `string`, `integer` (an `i64`; WeChat sends some inside CDATA) or `boolean` (`0`/`1`,
        /// also `true`/`false`).
        pub ty: Located<EventFieldType> = required "type",
        /// What the element holds, from WeChat's table.
        pub doc: Located<String> = required "doc",
        /// True when WeChat may leave the element out or send it empty; a required element that
        /// is missing fails the whole event with an error naming it.
        pub optional: bool = default "optional",
        /// Other element names WeChat's pages or SDKs use for it (`AuthorizeAppId` for `AppId`);
        /// read when the element itself is absent. The event is written with the element's name.
        pub aliases: Vec<Located<String>> = default "aliases",
        /// `type = "string"` only: a credential (a ticket, an authorization code); the Rust field
        /// is a `wechat_core::Secret`, which never prints its value.
        pub secret: bool = default "secret",
    }
}

/// What an element's text holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventFieldType {
    /// Text (`String`).
    String,
    /// A whole number (`i64`).
    Integer,
    /// A flag written `0`/`1` (or `true`/`false`): `bool`.
    Boolean,
}

impl Keyword for EventFieldType {
    const WORDS: &'static [(&'static str, Self)] =
        &[("string", Self::String), ("integer", Self::Integer), ("boolean", Self::Boolean)];
}

keyword_deserialize!(EventFieldType);

spec_table! {
    /// A message as WeChat pushes it (decrypted), from its documentation.
    pub struct EventExample {
        /// Short name of the example.
        pub name: Option<Located<String>> = optional "name",
        /// The message: `<xml>` with the header's elements, the discriminator and the event's.
        pub xml: Located<String> = required "xml",
    }
}
