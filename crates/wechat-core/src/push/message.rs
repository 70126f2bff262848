//! A push message as WeChat sends it: `<xml>` and its children, read without a DTD, an entity
//! expansion, or any schema. Unknown elements and events are kept as they are.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::events::{BytesRef, Event};
use sha1::{Digest, Sha1};

use super::error::PushError;
use super::{cdata, scan};

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
        Ok(Parser::new(Self::checked(xml)?, Tree::new(false)).document()?.message().0)
    }

    /// [`Message::parse`] of a push's body, with the trimmed text of its first top-level
    /// `Encrypt` (when it holds text that is not blank) borrowed from `xml` rather than copied
    /// into the message: that element's text is then left empty in the message, where nothing
    /// reads it (an encrypted push is read from that text, or from its other elements).
    pub(crate) fn parse_envelope(xml: &[u8]) -> Result<(Message, Option<Cow<'_, str>>), PushError> {
        Ok(Parser::new(Self::checked(xml)?, Tree::new(true)).document()?.message())
    }

    fn checked(xml: &[u8]) -> Result<&str, PushError> {
        if xml.len() > Self::MAX_BYTES {
            return Err(PushError::BodyTooLarge { len: xml.len(), cap: Self::MAX_BYTES });
        }
        std::str::from_utf8(xml).map_err(|e| PushError::NotUtf8 { at: e.valid_up_to() })
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
        first_kind(KIND_ELEMENTS.map(|name| Fields::field(self, name)))
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

/// `text.trim()`, without decoding a character when both ends are ASCII and not blank, as
/// WeChat's values mostly are.
#[inline]
pub(crate) fn trim(text: &str) -> &str {
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        _ => text.trim(),
    }
}

/// A message's top-level elements, read by name: what the generated event types read, from a
/// [`Message`] or from the flat view the receiver reads a decrypted push into (no element
/// copied into a `String` unless a field takes it).
pub trait Fields {
    /// The first top-level element named `name`: `Some(Some(text))` when it holds text (as
    /// sent, not trimmed), `Some(None)` when it holds elements, `None` when there is none.
    fn field(&self, name: &str) -> Option<Option<&str>>;

    /// Finds the elements `names` lists, in one pass over the message where it can:
    /// `found[i]` becomes what [`Fields::field`] says of `names[i]` (the first element of that
    /// name). `index` is the position of a name in `names` (`None` for the others): the
    /// generated event types pass a `match` over their element names, so each element of the
    /// message is looked up once rather than each name searched for. `found` is as long as
    /// `names`, and starts all `None`.
    ///
    /// The default searches for each name with [`Fields::field`].
    fn find_fields<'s>(
        &'s self,
        names: &[&'static str],
        index: fn(&str) -> Option<usize>,
        found: &mut [Option<Option<&'s str>>],
    ) {
        let _ = index;
        for (name, slot) in names.iter().zip(found) {
            *slot = self.field(name);
        }
    }

    /// What the message is, as [`Message::kind`] says.
    fn kind(&self) -> Option<&str> {
        first_kind(KIND_ELEMENTS.map(|name| self.field(name)))
    }

    /// The message itself (for an event kept as it came).
    fn to_message(&self) -> Message;
}

impl Fields for Message {
    fn field(&self, name: &str) -> Option<Option<&str>> {
        self.element(name).map(|e| match &e.value {
            Value::Text(text) => Some(text.as_str()),
            Value::Children(_) => None,
        })
    }

    fn find_fields<'s>(
        &'s self,
        _: &[&'static str],
        index: fn(&str) -> Option<usize>,
        found: &mut [Option<Option<&'s str>>],
    ) {
        let elements = self.elements.iter().map(|e| {
            let text = match &e.value {
                Value::Text(text) => Some(text.as_str()),
                Value::Children(_) => None,
            };
            (e.name.as_str(), text)
        });
        find_each(elements, index, found);
    }

    fn kind(&self) -> Option<&str> {
        Message::kind(self)
    }

    fn to_message(&self) -> Message {
        self.clone()
    }
}

/// The elements that name a message, in the order [`Message::kind`] reads them.
pub(crate) const KIND_ELEMENTS: [&str; 3] = ["Event", "InfoType", "MsgType"];

/// What names a message, from what [`Fields::field`] says of each of [`KIND_ELEMENTS`]: the
/// first text that is not blank, trimmed.
pub(crate) fn first_kind(found: [Option<Option<&str>>; 3]) -> Option<&str> {
    found.into_iter().find_map(|found| found.flatten().map(trim).filter(|text| !text.is_empty()))
}

/// [`Fields::find_fields`] over a message's elements, as `(name, text)` in document order:
/// the first element of each name wanted fills its slot.
#[inline]
fn find_each<'s>(
    elements: impl Iterator<Item = (&'s str, Option<&'s str>)>,
    index: fn(&str) -> Option<usize>,
    found: &mut [Option<Option<&'s str>>],
) {
    for (name, text) in elements {
        if let Some(slot) = index(name).and_then(|at| found.get_mut(at))
            && slot.is_none()
        {
            *slot = Some(text);
        }
    }
}

/// A message whose top-level elements all hold text, borrowed from the document where it
/// can be: how a decrypted push is read into a typed event.
#[derive(Debug)]
pub(crate) struct Flat<'a> {
    /// Each element's [`name_key`], name and text.
    fields: Vec<(u32, Cow<'a, str>, Cow<'a, str>)>,
}

/// A name's length, first and last bytes: most names are told apart by these alone, so a
/// lookup compares whole names only where they match.
#[inline]
fn name_key(name: &str) -> u32 {
    let bytes = name.as_bytes();
    let (first, last) = (bytes.first().copied().unwrap_or(0), bytes.last().copied().unwrap_or(0));
    (u32::try_from(bytes.len()).unwrap_or(u32::MAX) << 16) ^ (u32::from(first) << 8) ^ u32::from(last)
}

impl<'a> Flat<'a> {
    /// Reads `xml` as [`Message::parse`] does (the same checks, the same errors); `None` when
    /// an element holds elements, which only a [`Message`] represents. Inline: compiled with
    /// the (generic) receiver that calls it, in the application's crate, beside that crate's
    /// instance of the XML reader.
    ///
    /// A document in the shape WeChat writes (`<xml>`, elements of text or CDATA, `</xml>`)
    /// is read by [`scan::flat`] in one pass; any other by the full reader.
    #[inline]
    pub(crate) fn parse(xml: &'a [u8]) -> Result<Option<Flat<'a>>, PushError> {
        let text = Message::checked(xml)?;
        let mut fields = Vec::with_capacity(16);
        let plain = scan::flat(text, Message::MAX_ELEMENTS, |name, value| {
            fields.push((name_key(name), Cow::Borrowed(name), Cow::Borrowed(value)));
        });
        if plain {
            return Ok(Some(Flat { fields }));
        }
        fields.clear();
        let sink = Parser::new(text, FlatSink { fields, nested: false }).document()?;
        Ok((!sink.nested).then_some(Flat { fields: sink.fields }))
    }

    /// The first element named `name`'s text, trimmed, if it is not empty.
    fn present(&self, name: &str) -> Option<&str> {
        self.field(name).flatten().map(trim).filter(|text| !text.is_empty())
    }

    /// [`Message::dedup_key`] of the same message.
    pub(crate) fn dedup_key(&self) -> DedupKey {
        let owned = |text: &str| text.to_owned();
        if let Some(id) = self.present("MsgId") {
            return DedupKey::MsgId(owned(id));
        }
        if let (Some(from_user), Some(create_time)) =
            (self.present("FromUserName"), self.present("CreateTime"))
        {
            return DedupKey::UserTime { from_user: owned(from_user), create_time: owned(create_time) };
        }
        self.to_message().dedup_key()
    }

    /// The first `Encrypt`'s text, trimmed, if it is not blank (an envelope's).
    pub(crate) fn encrypt(&self) -> Option<&'_ str> {
        self.present("Encrypt")
    }

    /// The elements, as `(name, text)`.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.fields.iter().map(|(_, name, text)| (name.as_ref(), text.as_ref()))
    }
}

impl Fields for Flat<'_> {
    // Inline: read by the generated event types, in their crate, once for each field.
    #[inline]
    fn field(&self, name: &str) -> Option<Option<&str>> {
        let key = name_key(name);
        self.fields.iter().find(|(k, n, _)| *k == key && n == name).map(|(_, _, text)| Some(text.as_ref()))
    }

    // Inline, as `field`: the generated `index` is a `match`, which inlines into the loop.
    #[inline]
    fn find_fields<'s>(
        &'s self,
        _: &[&'static str],
        index: fn(&str) -> Option<usize>,
        found: &mut [Option<Option<&'s str>>],
    ) {
        find_each(self.iter().map(|(name, text)| (name, Some(text))), index, found);
    }

    fn to_message(&self) -> Message {
        Message::from_elements(self.iter().map(|(name, text)| Element::text(name, text)).collect())
    }
}

/// Reads `xml` with the quick reader and, when it reads it, with the full one too, and panics
/// unless both read the same elements: whether the quick reader read it. For the tests and
/// the `push_receive` fuzz target.
#[cfg(any(test, fuzzing))]
pub(crate) fn quick_read_agrees(xml: &[u8]) -> bool {
    let Ok(text) = Message::checked(xml) else { return false };
    let mut quick = Vec::new();
    if !scan::flat(text, Message::MAX_ELEMENTS, |name, value| quick.push((name, value))) {
        return false;
    }
    let full = Parser::new(text, FlatSink { fields: Vec::new(), nested: false }).document();
    let full = match full {
        Ok(sink) if !sink.nested => sink.fields,
        Ok(_) => panic!("the quick reader read {quick:?}, the full reader nested elements: {text:?}"),
        Err(error) => {
            panic!("the quick reader read {quick:?}, the full reader refused it ({error}): {text:?}")
        }
    };
    let full: Vec<(&str, &str)> = full.iter().map(|(_, name, text)| (name.as_ref(), text.as_ref())).collect();
    assert_eq!(quick, full, "the readers disagree on {text:?}");
    true
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

/// What a [`Parser`] builds from the elements it has checked.
trait Sink<'a> {
    /// An element opens at `depth` (the root at 0); `borrowed` is its name as it lies in the
    /// document, when it does.
    fn open(&mut self, name: &str, borrowed: Option<&'a str>, depth: usize);
    /// Text inside the innermost open element, which is at `depth`.
    fn text(&mut self, text: Cow<'a, str>, depth: usize);
    /// The innermost open element closes.
    fn close(&mut self);
}

/// An element being read: its name, text so far, children so far.
struct Open {
    name: String,
    text: String,
    children: Vec<Element>,
    /// Its text goes to [`Tree::encrypt`] instead of `text`.
    captured: bool,
}

impl Open {
    fn close(self) -> Element {
        // An element with children is a container: the whitespace between them is layout.
        let value =
            if self.children.is_empty() { Value::Text(self.text) } else { Value::Children(self.children) };
        Element { name: self.name, value }
    }
}

/// The first top-level `Encrypt` of an envelope, read without copying its text.
enum Capture<'a> {
    /// Not an envelope: nothing is captured.
    Off,
    /// No `Encrypt` met yet.
    Waiting,
    /// Inside it: its text so far.
    Reading(Cow<'a, str>),
    /// Closed: its trimmed text, if it held text that is not blank.
    Done(Option<Cow<'a, str>>),
}

/// Builds the [`Message`].
struct Tree<'a> {
    stack: Vec<Open>,
    root: Vec<Element>,
    encrypt: Capture<'a>,
}

impl<'a> Tree<'a> {
    fn new(envelope: bool) -> Self {
        Tree {
            stack: Vec::new(),
            root: Vec::new(),
            encrypt: if envelope { Capture::Waiting } else { Capture::Off },
        }
    }

    /// The message, and the `Encrypt` text captured.
    fn message(self) -> (Message, Option<Cow<'a, str>>) {
        let encrypt = match self.encrypt {
            Capture::Done(text) => text,
            _ => None,
        };
        (Message { elements: self.root }, encrypt)
    }
}

impl<'a> Sink<'a> for Tree<'a> {
    fn open(&mut self, name: &str, _: Option<&'a str>, depth: usize) {
        let captured = depth == 1 && matches!(self.encrypt, Capture::Waiting) && name == "Encrypt";
        if captured {
            self.encrypt = Capture::Reading(Cow::Borrowed(""));
        }
        // The root holds a push's fields: room for a usual event's at once, not by doubling.
        let children = if depth == 0 { Vec::with_capacity(16) } else { Vec::new() };
        self.stack.push(Open { name: name.to_owned(), text: String::new(), children, captured });
    }

    fn text(&mut self, text: Cow<'a, str>, _: usize) {
        match self.stack.last_mut() {
            Some(open) if open.captured => {
                if let Capture::Reading(so_far) = &mut self.encrypt {
                    if so_far.is_empty() {
                        *so_far = text;
                    } else {
                        so_far.to_mut().push_str(&text);
                    }
                }
            }
            Some(open) => open.text.push_str(&text),
            None => {}
        }
    }

    fn close(&mut self) {
        let Some(mut open) = self.stack.pop() else { return };
        if open.captured {
            let text = match std::mem::replace(&mut self.encrypt, Capture::Done(None)) {
                Capture::Reading(text) => text,
                _ => Cow::Borrowed(""),
            };
            if open.children.is_empty() && !text.trim().is_empty() {
                self.encrypt = Capture::Done(Some(match text {
                    Cow::Borrowed(text) => Cow::Borrowed(text.trim()),
                    Cow::Owned(text) => Cow::Owned(text.trim().to_owned()),
                }));
            } else {
                // Blank or a container: kept in the message as any element is.
                open.text = text.into_owned();
            }
        }
        match self.stack.last_mut() {
            Some(parent) => parent.children.push(open.close()),
            None => self.root = open.children,
        }
    }
}

/// Builds a [`Flat`]: the root's children and their text, borrowed where they lie.
struct FlatSink<'a> {
    fields: Vec<(u32, Cow<'a, str>, Cow<'a, str>)>,
    /// An element holds elements: not flat.
    nested: bool,
}

impl<'a> Sink<'a> for FlatSink<'a> {
    #[inline]
    fn open(&mut self, name: &str, borrowed: Option<&'a str>, depth: usize) {
        match depth {
            0 => {}
            1 => {
                let key = name_key(name);
                let name = borrowed.map_or_else(|| Cow::Owned(name.to_owned()), Cow::Borrowed);
                self.fields.push((key, name, Cow::Borrowed("")));
            }
            _ => self.nested = true,
        }
    }

    #[inline]
    fn text(&mut self, text: Cow<'a, str>, depth: usize) {
        // The root's own text is layout between its children, which a message drops.
        if depth == 2
            && let Some((_, _, so_far)) = self.fields.last_mut()
        {
            if so_far.is_empty() {
                *so_far = text;
            } else {
                so_far.to_mut().push_str(&text);
            }
        }
    }

    fn close(&mut self) {}
}

/// The reader, where it is in the document, and what it builds.
struct Parser<'a, S> {
    text: &'a str,
    reader: Reader<&'a [u8]>,
    /// Elements open.
    depth: usize,
    /// The root element has closed.
    closed: bool,
    count: usize,
    sink: S,
}

impl<'a, S: Sink<'a>> Parser<'a, S> {
    fn new(text: &'a str, sink: S) -> Self {
        let mut reader = Reader::from_str(text);
        let config = reader.config_mut();
        config.trim_text(false);
        config.check_end_names = true;
        config.expand_empty_elements = false;
        Parser { text, reader, depth: 0, closed: false, count: 0, sink }
    }

    /// Reads to the end, returning what the sink built.
    fn document(mut self) -> Result<S, PushError> {
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
                Event::Text(text) => self.text(text.xml10_content(), at)?,
                Event::CData(cdata) => self.text(cdata.xml10_content(), at)?,
                Event::GeneralRef(reference) => {
                    let resolved = resolve(&reference).ok_or(PushError::Entity { at })?;
                    self.text(Cow::Owned(resolved.to_string()), at)?;
                }
            }
        }
        if self.depth != 0 {
            return Err(self.malformed("an element is never closed".to_owned()));
        }
        if !self.closed {
            return Err(self.malformed("there is no root element".to_owned()));
        }
        Ok(self.sink)
    }

    // Always inline, as `text` and `is_xml_name`: once per element or text, in the event loop
    // (LLVM left them out of line, at a cost of some 1,100 instructions a push in callgrind).
    #[inline(always)]
    fn open(&mut self, name: &str, at: u64) -> Result<(), PushError> {
        if self.closed {
            return Err(PushError::Malformed {
                at,
                reason: "an element follows the root element".to_owned(),
            });
        }
        if !is_xml_name(name) {
            // Not quoted: in a decrypted message the name is the sender's content.
            return Err(PushError::Malformed { at, reason: "an element name is not an XML name".to_owned() });
        }
        if self.depth == 0 && name != "xml" {
            return Err(PushError::Malformed { at, reason: "the root element is not <xml>".to_owned() });
        }
        if self.depth >= Message::MAX_DEPTH {
            return Err(PushError::TooDeep { depth: self.depth + 1, max: Message::MAX_DEPTH, at });
        }
        self.count += 1;
        if self.count > Message::MAX_ELEMENTS {
            return Err(PushError::TooManyElements { max: Message::MAX_ELEMENTS });
        }
        // The tag starts at `at` with `<`: the name follows, as it lies in the document (the
        // reader of a string hands out slices of it; the same address says it is one).
        let start = usize::try_from(at).map_or(usize::MAX, |at| at.saturating_add(1));
        let borrowed = self
            .text
            .get(start..start.saturating_add(name.len()))
            .filter(|lying| std::ptr::eq(lying.as_ptr(), name.as_ptr()));
        self.sink.open(name, borrowed, self.depth);
        self.depth += 1;
        Ok(())
    }

    #[inline]
    fn close(&mut self, at: u64) -> Result<(), PushError> {
        if self.depth == 0 {
            return Err(PushError::Malformed { at, reason: "an end tag closes nothing".to_owned() });
        }
        self.depth -= 1;
        self.sink.close();
        if self.depth == 0 {
            self.closed = true;
        }
        Ok(())
    }

    #[inline(always)]
    fn text(&mut self, text: Cow<'a, str>, at: u64) -> Result<(), PushError> {
        if self.depth > 0 {
            self.sink.text(text, self.depth);
        } else if !text.trim().is_empty() {
            return Err(PushError::Malformed { at, reason: "text outside the root element".to_owned() });
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
#[inline(always)]
fn is_xml_name(name: &str) -> bool {
    // WeChat's names are ASCII: checked byte by byte without decoding characters, in one
    // pass without a branch per byte (a name is a few bytes, and nearly always valid).
    let bytes = name.as_bytes();
    if bytes.iter().fold(true, |valid, &b| valid & scan::NAME[usize::from(b)]) {
        return bytes.first().is_some_and(|first| scan::starts_name(*first));
    }
    let mut chars = name.chars();
    chars.next().is_some_and(|first| first.is_alphabetic() || first == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// What `to_xml` writes reads back as the same message, whatever the text holds: a
    /// carriage return (from `&#13;`, which CDATA cannot carry), `]]>`, markup characters
    /// (found by the push_receive fuzz target).
    #[test]
    fn written_text_reads_back_the_same() {
        for text in ["x\ry", "a\r\nb", "\r", "]]>\r<&>", "$lUt;&\r文\u{6}undeclared;", "", "plain"] {
            let message = Message::from_elements(vec![Element::text("A", text)]);
            let again = Message::parse(message.to_xml().as_bytes()).unwrap();
            assert_eq!(again, message, "{:?}", message.to_xml());
        }
        let parsed =
            Message::parse(b"<xml><a>$lUt;&amp;&#00013;&#x6587;\x06undeclared;</a><b><c/><d>1</d></b></xml>")
                .unwrap();
        assert_eq!(Message::parse(parsed.to_xml().as_bytes()).unwrap(), parsed);
    }

    /// The flat view reads what `Message::parse` reads, refuses what it refuses with the same
    /// error, and declines (for a `Message` to be built) exactly the messages with nested
    /// elements.
    #[test]
    fn the_flat_view_reads_and_refuses_as_a_message_does() {
        let documents: &[&str] = &[
            "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><CreateTime>1</CreateTime></xml>",
            "<xml>\r\n  <A> <![CDATA[ x ]]> </A>\r\n  <B>a&amp;b&#x4e2d;&lt;</B>\n</xml>",
            "<xml><A>one</A><A>two</A><B/><C></C><名字>值</名字></xml>",
            "<xml><MsgId>42</MsgId><Event>e</Event><InfoType>i</InfoType></xml>",
            "<xml><AppId>wx</AppId><CreateTime>1</CreateTime><InfoType>t</InfoType></xml>",
            "<?xml version=\"1.0\"?><!-- c --><xml><A>x<![CDATA[y]]>z</A></xml>",
            "<xml><List><Item>1</Item></List><A>x</A></xml>",
            "<xml></xml>",
            "<xml><A>x</B></xml>",
            "<xml><A>x</A>",
            "<other><A>x</A></other>",
            "<xml><A>x</A></xml><xml/>",
            "text<xml/>",
            "<!DOCTYPE xml><xml/>",
            "<xml><A>&ent;</A></xml>",
            "<xml><1A>x</1A></xml>",
            "",
        ];
        for document in documents {
            let message = Message::parse(document.as_bytes());
            let flat = Flat::parse(document.as_bytes());
            match (&message, &flat) {
                (Err(expected), Err(found)) => {
                    assert_eq!(found.to_string(), expected.to_string(), "{document}")
                }
                (Ok(message), Ok(None)) => {
                    assert!(
                        message.elements().iter().any(|e| matches!(e.value, Value::Children(_))),
                        "declined a flat message: {document}"
                    );
                }
                (Ok(message), Ok(Some(flat))) => {
                    assert_eq!(&flat.to_message(), message, "{document}");
                    for element in message.elements() {
                        assert_eq!(flat.field(&element.name), message.field(&element.name), "{document}");
                    }
                    assert_eq!(flat.field("Missing"), None);
                    assert_eq!(Fields::kind(flat), message.kind(), "{document}");
                    assert_eq!(flat.dedup_key(), message.dedup_key(), "{document}");
                }
                _ => panic!("{document}: {message:?} against {flat:?}"),
            }
        }
    }

    /// The quick reader reads what the full reader reads, element for element, and declines
    /// what is not in WeChat's shape: documents built of WeChat's pieces, each then changed at
    /// one place by a piece of markup (a bounded, seeded search; the fuzz target goes on).
    #[test]
    fn the_quick_read_agrees_with_the_full_reader() {
        const NAMES: [&str; 6] = ["A", "Event", "B:c", "_x", "xml", "a.b-1"];
        const TEXTS: [&str; 9] =
            ["", "1", " x ", "中文", "a>b", "<![CDATA[gh_1]]>", "<![CDATA[]]>", "<![CDATA[<&]]]>", "\n"];
        const PIECES: [&str; 24] = [
            "<",
            ">",
            "</",
            "/>",
            "&",
            "&amp;",
            "&#13;",
            "\r",
            "\r\n",
            " ",
            "\n",
            "]]>",
            "]",
            "<![CDATA[",
            "<!-- c -->",
            "<?xml version=\"1.0\"?>",
            "<A>",
            "</A>",
            "<A/>",
            "<xml>",
            "</xml>",
            " a=\"1\"",
            "\u{feff}",
            "<!DOCTYPE xml>",
        ];
        let mut rng = fastrand::Rng::with_seed(22);
        let (mut read, mut declined) = (0, 0);
        for _ in 0..20_000 {
            let mut xml = String::from(if rng.bool() { "<xml>" } else { "\n<xml>\n" });
            for _ in 0..rng.usize(0..5) {
                let name = NAMES[rng.usize(..NAMES.len())];
                let text = TEXTS[rng.usize(..TEXTS.len())];
                xml.push_str(&format!("<{name}>{text}</{name}>"));
                if rng.u8(..4) == 0 {
                    xml.push_str(" \t\n");
                }
            }
            xml.push_str("</xml>");
            if rng.u8(..3) != 0 {
                let at = rng.usize(..=xml.len());
                if xml.is_char_boundary(at) {
                    xml.insert_str(at, PIECES[rng.usize(..PIECES.len())]);
                }
            }
            if quick_read_agrees(xml.as_bytes()) {
                read += 1;
            } else {
                declined += 1;
            }
        }
        // Both kinds met often: the comparison ran on thousands of documents read.
        assert!(read > 5_000 && declined > 5_000, "{read} read, {declined} declined");
        assert!(!quick_read_agrees(b"<xml><A>1</A>"));
        let too_many = format!("<xml>{}</xml>", "<A>1</A>".repeat(Message::MAX_ELEMENTS));
        assert!(!quick_read_agrees(too_many.as_bytes()));
        assert!(matches!(Flat::parse(too_many.as_bytes()), Err(PushError::TooManyElements { .. })));
    }

    /// Fields looked up in any order, again, or absent, with names repeated or not, find
    /// what a search from the start finds.
    #[test]
    fn the_flat_view_finds_each_field_in_any_order() {
        let names: Vec<String> = (0..40).map(|i| format!("F{i}")).collect();
        for repeated in [None, Some(3), Some(39)] {
            let mut xml = String::from("<xml>");
            for (i, name) in names.iter().enumerate() {
                xml.push_str(&format!("<{name}>{i}</{name}>"));
            }
            if let Some(again) = repeated {
                xml.push_str(&format!("<F{again}>again</F{again}>"));
            }
            xml.push_str("</xml>");
            let message = Message::parse(xml.as_bytes()).unwrap();
            let flat = Flat::parse(xml.as_bytes()).unwrap().unwrap();
            let mut order: Vec<&str> = names.iter().map(String::as_str).collect();
            order.extend(["F5", "F5", "Absent", "F", "F400"]);
            order.extend(names.iter().rev().map(String::as_str));
            order.extend(names.iter().step_by(7).map(String::as_str));
            for name in order {
                assert_eq!(flat.field(name), message.field(name), "{name} in {xml}");
            }
        }
    }

    /// `find_fields` finds in one pass what `field` finds name by name, on a message (nested
    /// elements included), on the flat view, and through the trait's default (a `Fields` of
    /// another crate): the first element of a name sent twice, `None` for an absent one.
    #[test]
    fn finding_fields_in_one_pass_finds_what_each_lookup_finds() {
        /// Only `field`: the default `find_fields`.
        struct ByName(Message);
        impl Fields for ByName {
            fn field(&self, name: &str) -> Option<Option<&str>> {
                self.0.field(name)
            }
            fn to_message(&self) -> Message {
                self.0.clone()
            }
        }
        const NAMES: [&str; 5] = ["B", "A", "Absent", "C", "Nested"];
        fn index(name: &str) -> Option<usize> {
            NAMES.iter().position(|n| *n == name)
        }
        let flat = "<xml><A>1</A><B> 2 </B><X>x</X><A>again</A><C></C></xml>";
        let nested = "<xml><A>1</A><Nested><In>i</In></Nested><B>2</B><B>3</B></xml>";
        for xml in [flat, nested] {
            let message = Message::parse(xml.as_bytes()).unwrap();
            let expected: Vec<Option<Option<&str>>> = NAMES.iter().map(|name| message.field(name)).collect();
            let mut found = [None; NAMES.len()];
            message.find_fields(&NAMES, index, &mut found);
            assert_eq!(found.as_slice(), expected.as_slice(), "Message, {xml}");
            let by_name = ByName(message.clone());
            let mut found = [None; NAMES.len()];
            by_name.find_fields(&NAMES, index, &mut found);
            assert_eq!(found.as_slice(), expected.as_slice(), "the default, {xml}");
            if let Some(view) = Flat::parse(xml.as_bytes()).unwrap() {
                let mut found = [None; NAMES.len()];
                view.find_fields(&NAMES, index, &mut found);
                assert_eq!(found.as_slice(), expected.as_slice(), "Flat, {xml}");
            }
        }
        let message = Message::parse(flat.as_bytes()).unwrap();
        assert_eq!(message.field("A"), Some(Some("1")));
        assert_eq!(message.field("C"), Some(Some("")));
        let message = Message::parse(nested.as_bytes()).unwrap();
        assert_eq!(message.field("Nested"), Some(None));
        assert_eq!(message.field("B"), Some(Some("2")));
    }

    #[test]
    fn trims_as_str_trim_does() {
        for text in
            ["", " ", "a", " a", "a ", "\u{3000}a", "a\u{3000}", "\u{85}", "ab", "a b", "\ta\r\n", "名"]
        {
            assert_eq!(trim(text), text.trim(), "{text:?}");
        }
    }

    /// The names read byte by byte are the names read character by character.
    #[test]
    fn names_are_checked_as_characters_are() {
        fn reference(name: &str) -> bool {
            let mut chars = name.chars();
            chars.next().is_some_and(|first| first.is_alphabetic() || first == '_')
                && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
        }
        let mut pieces: Vec<&str> =
            "a Z _ 1 - . : @ [ ` { \" & é 名 \u{7f} abcdefgh ABCDEFGH IsRestoreMemberCard abcdefg1 abcdefg@ abcdefg["
                .split(' ')
                .collect();
        pieces.push("");
        for &a in &pieces {
            for &b in &pieces {
                for &c in &pieces {
                    let name = format!("{a}{b}{c}");
                    assert_eq!(is_xml_name(&name), reference(&name), "{name:?}");
                }
            }
        }
        for byte in 0u8..=0x7f {
            let name = format!("abcdefg{}", char::from(byte));
            assert_eq!(is_xml_name(&name), reference(&name), "{name:?}");
            let name = format!("{}bcdefgh", char::from(byte));
            assert_eq!(is_xml_name(&name), reference(&name), "{name:?}");
        }
    }

    #[test]
    fn an_envelope_lends_its_encrypt_text_and_keeps_the_rest() {
        let body = b"<xml><ToUserName>gh</ToUserName><Encrypt> <![CDATA[abc]]> </Encrypt></xml>";
        let (message, encrypt) = Message::parse_envelope(body).unwrap();
        assert_eq!(encrypt.as_deref(), Some("abc"));
        assert!(matches!(encrypt, Some(Cow::Owned(_))), "three pieces of text are joined");
        assert_eq!(message.text("ToUserName"), Some("gh"));
        let (_, blank) = Message::parse_envelope(b"<xml><Encrypt> </Encrypt></xml>").unwrap();
        assert_eq!(blank, None);
        let (_, one) = Message::parse_envelope(b"<xml><Encrypt><![CDATA[abc]]></Encrypt></xml>").unwrap();
        assert!(matches!(one, Some(Cow::Borrowed("abc"))), "one piece is borrowed");
    }
}
