//! The format of push events: `spec/events.toml` (the headers every push carries) and
//! `spec/<group>/events/<file>.toml` (one event each).

use schemars::JsonSchema;
use toml_span::de_helpers::TableHelper;
use toml_span::value::Value;
use toml_span::{DeserError, Deserialize};

use super::{Entries, Keyword, Located, keyword};

/// `spec/events.toml`: the elements every push of a kind carries, declared once.
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "WeChat push event headers")]
pub struct EventsFile {
    /// The headers, by snake_case name (`account`, `platform`); an event file names one.
    pub headers: Entries<HeaderDef>,
}

impl<'de> Deserialize<'de> for EventsFile {
    fn deserialize(value: &mut Value<'de>) -> Result<Self, DeserError> {
        read_table!(value, EventsFile { headers: required_bare "headers" })
    }
}

/// The elements shared by every push of one kind, and the element that names the event.
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HeaderDef {
    /// What pushes carry this header, and where WeChat sends them.
    pub doc: Located<String>,
    /// The element whose text names the event: `Event` (account events) or `InfoType`
    /// (third-party platform notices).
    pub discriminator: Located<String>,
    /// The header's elements by XML element name, in the order WeChat writes them (before the
    /// discriminator).
    pub fields: Entries<EventField>,
}

impl<'de> Deserialize<'de> for HeaderDef {
    fn deserialize(value: &mut Value<'de>) -> Result<Self, DeserError> {
        read_table!(value, HeaderDef {
            doc: required "doc",
            discriminator: required "discriminator",
            fields: required_bare "fields",
        })
    }
}

/// One push event: a file under `spec/<group>/events/`.
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "WeChat push event spec")]
pub struct EventFile {
    /// The event's name in snake_case, e.g. `user_authorize_invoice`: the Rust type is its
    /// UpperCamelCase (`UserAuthorizeInvoice`), as is its variant of the `Event` enum.
    pub name: Located<String>,
    /// The value of the header's discriminator naming the event (`Event` or `InfoType`), as
    /// WeChat writes it, e.g. `updateauthorized`.
    pub event: Located<String>,
    /// Which header of `spec/events.toml` the push carries, e.g. `account`.
    pub header: Located<String>,
    /// One sentence: when WeChat sends the event; the first line of every doc comment.
    pub summary: Located<String>,
    /// Longer documentation: what to do when it arrives.
    #[serde(default)]
    pub doc: Option<Located<String>>,
    /// The event's own elements (besides the header) by XML element name, in the order
    /// WeChat writes them.
    #[serde(default)]
    pub fields: Entries<EventField>,
    /// Messages from WeChat's documentation (or SDKs' copies of them), as XML.
    pub examples: Vec<Located<EventExample>>,
    /// Decisions taken where WeChat's pages and SDKs disagree, with the evidence.
    #[serde(default)]
    pub notes: Vec<Located<String>>,
}

impl<'de> Deserialize<'de> for EventFile {
    fn deserialize(value: &mut Value<'de>) -> Result<Self, DeserError> {
        read_table!(value, EventFile {
            name: required "name",
            event: required "event",
            header: required "header",
            summary: required "summary",
            doc: optional "doc",
            fields: default "fields",
            examples: required_bare "examples",
            notes: default "notes",
        })
    }
}

/// One element of an event or header.
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventField {
    /// `string`, `integer` (an `i64`; WeChat sends some inside CDATA) or `boolean` (`0`/`1`,
    /// also `true`/`false`).
    #[serde(rename = "type")]
    pub ty: Located<EventFieldType>,
    /// What the element holds, from WeChat's table.
    pub doc: Located<String>,
    /// True when WeChat may leave the element out or send it empty; a required element that
    /// is missing fails the whole event with an error naming it.
    #[serde(default)]
    pub optional: bool,
    /// Other element names WeChat's pages or SDKs use for it (`AuthorizeAppId` for `AppId`);
    /// read when the element itself is absent. The event is written with the element's name.
    #[serde(default)]
    pub aliases: Vec<Located<String>>,
    /// `type = "string"` only: a credential (a ticket, an authorization code); the Rust field
    /// is a `wechat_core::Secret`, which never prints its value.
    #[serde(default)]
    pub secret: bool,
}

impl<'de> Deserialize<'de> for EventField {
    fn deserialize(value: &mut Value<'de>) -> Result<Self, DeserError> {
        read_table!(value, EventField {
            ty: required "type",
            doc: required "doc",
            optional: default "optional",
            aliases: default "aliases",
            secret: default "secret",
        })
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

/// A message as WeChat pushes it (decrypted), from its documentation.
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventExample {
    /// Short name of the example.
    #[serde(default)]
    pub name: Option<Located<String>>,
    /// The message: `<xml>` with the header's elements, the discriminator and the event's.
    pub xml: Located<String>,
}

impl<'de> Deserialize<'de> for EventExample {
    fn deserialize(value: &mut Value<'de>) -> Result<Self, DeserError> {
        read_table!(value, EventExample { name: optional "name", xml: required "xml" })
    }
}
