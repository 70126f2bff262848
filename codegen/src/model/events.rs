//! Push events, resolved: the headers of `spec/events.toml` and one [`Event`] per file of
//! `spec/<group>/events/`.

/// What an element's text holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventFieldType {
    /// Text (`String`).
    String,
    /// A whole number (`i64`).
    Integer,
    /// A flag written `0`/`1` (or `true`/`false`): `bool`.
    Boolean,
}

/// Every push event the spec declares.
#[derive(Debug, Clone, Default)]
pub struct Events {
    /// The headers, sorted by name.
    pub headers: Vec<Header>,
    /// The events, sorted by name.
    pub events: Vec<Event>,
}

impl Events {
    /// The header named `name`.
    pub fn header(&self, name: &str) -> Option<&Header> {
        self.headers.iter().find(|h| h.name == name)
    }

    /// The groups that have events, sorted, each once.
    pub fn groups(&self) -> Vec<&str> {
        let mut groups: Vec<&str> = self.events.iter().map(|e| e.group.as_str()).collect();
        groups.sort_unstable();
        groups.dedup();
        groups
    }
}

/// The elements every push of one kind carries.
#[derive(Debug, Clone)]
pub struct Header {
    /// snake_case name, e.g. `account`.
    pub name: String,
    /// The Rust type's name, e.g. `AccountHeader`.
    pub type_name: String,
    /// What pushes carry it.
    pub doc: String,
    /// The element naming the event: `Event` or `InfoType`.
    pub discriminator: String,
    /// Its elements, in the order written.
    pub fields: Vec<EventField>,
}

/// One push event.
#[derive(Debug, Clone)]
pub struct Event {
    /// snake_case name.
    pub name: String,
    /// The Rust type's (and the `Event` variant's) name.
    pub type_name: String,
    /// The group (and cargo feature) it belongs to.
    pub group: String,
    /// Path of the spec file.
    pub source: String,
    /// The discriminator's value naming it, as WeChat writes it.
    pub event: String,
    /// The name of its header.
    pub header: String,
    /// One sentence.
    pub summary: String,
    /// Longer documentation.
    pub doc: Option<String>,
    /// Its own elements, in the order written.
    pub fields: Vec<EventField>,
    /// WeChat's sample messages.
    pub examples: Vec<EventExample>,
    /// Decisions where the sources disagree.
    pub notes: Vec<String>,
}

/// One element of an event or header.
#[derive(Debug, Clone)]
pub struct EventField {
    /// The XML element's name, e.g. `SuccOrderId`.
    pub element: String,
    /// Other names it is read under.
    pub aliases: Vec<String>,
    /// The Rust field's name, e.g. `succ_order_id`.
    pub rust_name: String,
    /// What its text holds.
    pub ty: EventFieldType,
    /// What it holds.
    pub doc: String,
    /// Whether it may be absent or empty.
    pub optional: bool,
    /// Whether it is a credential, held in a `wechat_core::Secret`.
    pub secret: bool,
}

/// A sample message.
#[derive(Debug, Clone)]
pub struct EventExample {
    /// Its name, if it has one.
    pub name: Option<String>,
    /// The XML.
    pub xml: String,
}
