//! A push message as WeChat sends it: `<xml>` and its children, read without a DTD, an entity
//! expansion, or any schema. Unknown elements and events are kept as they are.

use quick_xml::Reader;
use quick_xml::events::{BytesRef, Event};
use sha1::{Digest, Sha1};

use super::cdata;
use super::error::PushError;

/// A parsed push message: the children of the root `<xml>`, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    elements: Vec<Element>,
}

/// One element: its name and what it holds. `Debug` shows names and text lengths, never the
/// text: a push may carry a verify ticket or an authorization code, and an unknown event may
/// carry anything.
#[derive(Clone, PartialEq, Eq)]
pub struct Element {
    /// The element's name as sent (`CardId`, `tax_no` ...).
    pub name: String,
    /// Its text, or its child elements.
    pub value: Value,
}

impl Element {
    /// An element holding `text`.
    pub fn text(name: impl Into<String>, text: impl Into<String>) -> Element {
        Element { name: name.into(), value: Value::Text(text.into()) }
    }

    /// An element holding `children`.
    pub fn children(name: impl Into<String>, children: Vec<Element>) -> Element {
        Element { name: name.into(), value: Value::Children(children) }
    }
}

/// What an element holds. `Debug` shows a text's length, not the text.
#[derive(Clone, PartialEq, Eq)]
pub enum Value {
    /// Text (CDATA unwrapped, XML's five entities and character references resolved), as
    /// sent: WeChat's samples put spaces and line breaks around values, which the accessors
    /// ([`Message::text`], [`field`](super::field)) trim.
    Text(String),
    /// Child elements, in document order (text between them is dropped).
    Children(Vec<Element>),
}

impl std::fmt::Debug for Element {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Element").field("name", &self.name).field("value", &self.value).finish()
    }
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Text(text) => write!(f, "Text(<{} chars>)", text.chars().count()),
            Value::Children(children) => f.debug_tuple("Children").field(children).finish(),
        }
    }
}

/// What identifies a push across WeChat's retries (it sends the same push up to 3 times when
/// the answer is slow): the key WeChat documents for the message's kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum DedupKey {
    /// `MsgId`, for messages that have one.
    MsgId(String),
    /// `FromUserName` + `CreateTime`, as WeChat recommends for events.
    UserTime {
        /// `FromUserName`.
        from_user: String,
        /// `CreateTime`.
        create_time: String,
    },
    /// `AppId` + `CreateTime` + `InfoType`, for third-party platform notices (which have no
    /// user).
    AppTime {
        /// `AppId`.
        app_id: String,
        /// `CreateTime`.
        create_time: String,
        /// `InfoType`.
        info_type: String,
    },
    /// A SHA-1 (hex) of every element, for messages with none of the above.
    Content(String),
}

impl Message {
    /// The largest document [`Message::parse`] reads, in bytes.
    pub const MAX_BYTES: usize = 1 << 20;
    /// How deep elements may nest, the root `<xml>` counting as 1.
    pub const MAX_DEPTH: usize = 16;
    /// How many elements a document may have in all.
    pub const MAX_ELEMENTS: usize = 10_000;

    /// Reads a push message: one root `<xml>` element. Refuses a DOCTYPE, any entity other
    /// than XML's five and character references (nothing is ever expanded), documents over
    /// [`Self::MAX_BYTES`], [`Self::MAX_DEPTH`] or [`Self::MAX_ELEMENTS`], and malformed XML.
    pub fn parse(xml: &[u8]) -> Result<Message, PushError> {
        if xml.len() > Self::MAX_BYTES {
            return Err(PushError::BodyTooLarge { len: xml.len(), cap: Self::MAX_BYTES });
        }
        let text = std::str::from_utf8(xml).map_err(|e| PushError::NotUtf8 { at: e.valid_up_to() })?;
        Parser::new(text).document()
    }

    /// A message made of these elements, as if parsed (for tests and senders).
    pub fn from_elements(elements: Vec<Element>) -> Message {
        Message { elements }
    }

    /// The message as WeChat writes it: `<xml>`, text in CDATA, numbers bare.
    pub fn to_xml(&self) -> String {
        let mut out = String::from("<xml>");
        write_elements(&self.elements, &mut out);
        out.push_str("</xml>");
        out
    }

    /// The root's children, in document order.
    pub fn elements(&self) -> &[Element] {
        &self.elements
    }

    /// The trimmed text of the first top-level element named `name`, if it holds text.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.element(name).and_then(|e| match &e.value {
            Value::Text(text) => Some(text.trim()),
            Value::Children(_) => None,
        })
    }

    /// The children of the first top-level element named `name` (none if it is empty).
    pub fn child(&self, name: &str) -> Option<&[Element]> {
        self.element(name).and_then(|e| match &e.value {
            Value::Children(children) => Some(children.as_slice()),
            Value::Text(text) if text.trim().is_empty() => Some(&[][..]),
            Value::Text(_) => None,
        })
    }

    /// The first top-level element named `name`.
    pub fn element(&self, name: &str) -> Option<&Element> {
        self.elements.iter().find(|e| e.name == name)
    }

    /// What the message is: its `Event` (account events), else its `InfoType` (third-party
    /// platform notices), else its `MsgType` (user messages); the first that is not empty.
    pub fn kind(&self) -> Option<&str> {
        ["Event", "InfoType", "MsgType"]
            .into_iter()
            .find_map(|name| self.text(name).filter(|text| !text.is_empty()))
    }

    /// The key that recognises WeChat's retries of this message: `MsgId`, else `FromUserName`
    /// + `CreateTime`, else `AppId` + `CreateTime` + `InfoType`, else a digest of the content.
    pub fn dedup_key(&self) -> DedupKey {
        let present = |name| self.text(name).filter(|text| !text.is_empty()).map(str::to_owned);
        if let Some(id) = present("MsgId") {
            return DedupKey::MsgId(id);
        }
        if let (Some(from_user), Some(create_time)) = (present("FromUserName"), present("CreateTime")) {
            return DedupKey::UserTime { from_user, create_time };
        }
        if let (Some(app_id), Some(create_time), Some(info_type)) =
            (present("AppId"), present("CreateTime"), present("InfoType"))
        {
            return DedupKey::AppTime { app_id, create_time, info_type };
        }
        let mut digest = Sha1::new();
        hash_elements(&mut digest, &self.elements);
        DedupKey::Content(super::signature::hex(&digest.finalize()))
    }

    /// Feeds every element (names and trimmed texts, length-prefixed) to `digest`: what the
    /// dedup guard's key covers besides the account.
    pub(super) fn hash_into(&self, digest: &mut Sha1) {
        hash_elements(digest, &self.elements);
    }
}

fn write_elements(elements: &[Element], out: &mut String) {
    for element in elements {
        match &element.value {
            Value::Text(text) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => {
                out.push_str(&format!("<{0}>{text}</{0}>", element.name));
            }
            Value::Text(text) => cdata::push_element(&element.name, text, out),
            Value::Children(children) => {
                out.push_str(&format!("<{}>", element.name));
                write_elements(children, out);
                out.push_str(&format!("</{}>", element.name));
            }
        }
    }
}

/// Feeds names and values to `digest`, each length-prefixed so that no two messages collide
/// by moving bytes between fields.
fn hash_elements(digest: &mut Sha1, elements: &[Element]) {
    for element in elements {
        digest.update((element.name.len() as u64).to_be_bytes());
        digest.update(element.name.as_bytes());
        match &element.value {
            Value::Text(text) => {
                digest.update([0]);
                digest.update((text.trim().len() as u64).to_be_bytes());
                digest.update(text.trim().as_bytes());
            }
            Value::Children(children) => {
                digest.update([1]);
                digest.update((children.len() as u64).to_be_bytes());
                hash_elements(digest, children);
            }
        }
    }
}

/// An element being read: its name, text so far, children so far.
struct Open {
    name: String,
    text: String,
    children: Vec<Element>,
}

impl Open {
    fn close(self) -> Element {
        // An element with children is a container: the whitespace between them is layout.
        let value =
            if self.children.is_empty() { Value::Text(self.text) } else { Value::Children(self.children) };
        Element { name: self.name, value }
    }
}

/// The reader and where it is in the document.
struct Parser<'a> {
    reader: Reader<&'a [u8]>,
    stack: Vec<Open>,
    root: Option<Vec<Element>>,
    count: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        let mut reader = Reader::from_str(text);
        let config = reader.config_mut();
        config.trim_text(false);
        config.check_end_names = true;
        config.expand_empty_elements = false;
        Parser { reader, stack: Vec::new(), root: None, count: 0 }
    }

    /// Reads to the end, returning the root's children.
    fn document(mut self) -> Result<Message, PushError> {
        loop {
            let at = self.reader.buffer_position();
            let event = self.reader.read_event().map_err(|e| self.malformed(describe(&e)))?;
            match event {
                Event::Eof => break,
                Event::DocType(_) => return Err(PushError::Doctype { at }),
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
                Event::Start(start) => self.open(start.name().into_inner(), at)?,
                Event::Empty(start) => {
                    self.open(start.name().into_inner(), at)?;
                    self.close(at)?;
                }
                Event::End(_) => self.close(at)?,
                Event::Text(text) => self.text(&text.xml10_content(), at)?,
                Event::CData(cdata) => self.text(&cdata.xml10_content(), at)?,
                Event::GeneralRef(reference) => {
                    let resolved = resolve(&reference).ok_or(PushError::Entity { at })?;
                    self.text(resolved.encode_utf8(&mut [0; 4]), at)?;
                }
            }
        }
        if !self.stack.is_empty() {
            return Err(self.malformed("an element is never closed".to_owned()));
        }
        match self.root {
            Some(elements) => Ok(Message { elements }),
            None => Err(self.malformed("there is no root element".to_owned())),
        }
    }

    fn open(&mut self, name: &str, at: u64) -> Result<(), PushError> {
        if self.root.is_some() {
            return Err(PushError::Malformed {
                at,
                reason: "an element follows the root element".to_owned(),
            });
        }
        if !is_xml_name(name) {
            // Not quoted: in a decrypted message the name is the sender's content.
            return Err(PushError::Malformed { at, reason: "an element name is not an XML name".to_owned() });
        }
        if self.stack.is_empty() && name != "xml" {
            return Err(PushError::Malformed { at, reason: "the root element is not <xml>".to_owned() });
        }
        if self.stack.len() >= Message::MAX_DEPTH {
            return Err(PushError::TooDeep { depth: self.stack.len() + 1, max: Message::MAX_DEPTH, at });
        }
        self.count += 1;
        if self.count > Message::MAX_ELEMENTS {
            return Err(PushError::TooManyElements { max: Message::MAX_ELEMENTS });
        }
        self.stack.push(Open { name: name.to_owned(), text: String::new(), children: Vec::new() });
        Ok(())
    }

    fn close(&mut self, at: u64) -> Result<(), PushError> {
        let open = self
            .stack
            .pop()
            .ok_or_else(|| PushError::Malformed { at, reason: "an end tag closes nothing".to_owned() })?;
        match self.stack.last_mut() {
            Some(parent) => parent.children.push(open.close()),
            None => self.root = Some(open.children),
        }
        Ok(())
    }

    fn text(&mut self, text: &str, at: u64) -> Result<(), PushError> {
        match self.stack.last_mut() {
            Some(open) => open.text.push_str(text),
            None if text.trim().is_empty() => {}
            None => {
                return Err(PushError::Malformed { at, reason: "text outside the root element".to_owned() });
            }
        }
        Ok(())
    }

    fn malformed(&self, reason: String) -> PushError {
        PushError::Malformed { at: self.reader.error_position().max(self.reader.buffer_position()), reason }
    }
}

/// What is wrong, without quoting the document: quick-xml's own messages quote element names,
/// which in a decrypted message are its content (and may be anything).
fn describe(error: &quick_xml::Error) -> String {
    use quick_xml::errors::IllFormedError;
    let reason = match error {
        quick_xml::Error::Syntax(syntax) => return syntax.to_string(),
        quick_xml::Error::IllFormed(IllFormedError::MismatchedEndTag { .. }) => {
            "an end tag does not match its start tag"
        }
        quick_xml::Error::IllFormed(IllFormedError::UnmatchedEndTag(_)) => "an end tag closes nothing",
        quick_xml::Error::IllFormed(IllFormedError::MissingEndTag(_)) => "an element is never closed",
        quick_xml::Error::IllFormed(IllFormedError::MissingDoctypeName) => "a DOCTYPE has no name",
        quick_xml::Error::IllFormed(_) => "the XML declaration or a comment is ill-formed",
        quick_xml::Error::Escape(_) => "an invalid character or entity reference",
        quick_xml::Error::InvalidAttr(_) => "an invalid attribute",
        _ => "unreadable XML",
    };
    reason.to_owned()
}

/// XML's five predefined entities and character references; anything else is refused.
fn resolve(reference: &BytesRef<'_>) -> Option<char> {
    match &**reference {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "apos" => Some('\''),
        "quot" => Some('"'),
        _ => reference.resolve_char_ref().ok().flatten(),
    }
}

/// An XML name as WeChat's elements use them (`ToUserName`, `FeeDetail`, `Fee_Info`): a letter
/// or `_` first, then letters, digits, `_`, `-`, `.` or `:`. The reader splits a tag at
/// whitespace only, so without this check a name holding a quote or `&` was read, and written
/// back by [`Message::to_xml`] as XML that does not read.
fn is_xml_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|first| first.is_alphabetic() || first == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
}
