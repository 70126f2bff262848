//! The quick read of a push in the one shape WeChat writes them in: `<xml>`, then elements
//! that each hold text or one CDATA section, then `</xml>`. One pass over the bytes, nothing
//! copied; whatever else a document holds is left to the full reader (`message::Parser`),
//! which reads it, or refuses it with the error that says where and what.
//!
//! The two must agree: what is read here is what the full reader reads from the same document
//! (the tests of `message` and the `push_receive` fuzz target compare them). So this reader
//! declines rather than interprets: no declaration, comment, attribute, empty-element tag,
//! entity or character reference, carriage return (which XML reads as a line feed), text and
//! CDATA mixed in one element, or element inside an element.

use memchr::{memchr2, memchr3};

/// Reads `text` as `<xml>` and its children, handing each child's name and text to `each` in
/// document order, and returns `true`; returns `false` (having handed over some children,
/// perhaps) as soon as the document is not in the shape this reads, or has more than
/// `max_elements` elements counting the root.
pub(super) fn flat<'a>(text: &'a str, max_elements: usize, mut each: impl FnMut(&'a str, &'a str)) -> bool {
    let mut cursor = Cursor { text, at: 0 };
    cursor.skip_blank();
    if !cursor.eat(b"<xml>") {
        return false;
    }
    let mut count = 1;
    loop {
        cursor.skip_blank();
        if cursor.eat(b"</xml>") {
            break;
        }
        count += 1;
        if count > max_elements || !cursor.eat(b"<") {
            return false;
        }
        let Some(name) = cursor.name() else { return false };
        if !cursor.eat(b">") {
            return false;
        }
        let value = if cursor.eat(b"<![CDATA[") { cursor.cdata() } else { cursor.chars() };
        let Some(value) = value else { return false };
        if !(cursor.eat(b"</") && cursor.eat(name.as_bytes()) && cursor.eat(b">")) {
            return false;
        }
        each(name, value);
    }
    cursor.skip_blank();
    cursor.at == text.len()
}

/// The ASCII bytes a name may hold after its first character: letters, digits, `_`, `-`, `.`
/// and `:`.
pub(super) const NAME: [bool; 256] = {
    let mut allowed = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        allowed[byte] = b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':');
        byte += 1;
    }
    allowed
};

/// Whether an ASCII byte may start a name: a letter or `_`.
#[inline]
pub(super) fn starts_name(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_'
}

/// Where the reader is in the document.
struct Cursor<'a> {
    text: &'a str,
    /// A byte offset: always at a character boundary, as the reader only steps over ASCII.
    at: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a [u8] {
        self.text.as_bytes().get(self.at..).unwrap_or_default()
    }

    /// Steps over `prefix` if the rest starts with it.
    #[inline]
    fn eat(&mut self, prefix: &[u8]) -> bool {
        let found = self.rest().starts_with(prefix);
        if found {
            self.at += prefix.len();
        }
        found
    }

    /// Steps over spaces, tabs and line feeds (not carriage returns: the full reader turns them
    /// into line feeds).
    fn skip_blank(&mut self) {
        self.at += self.rest().iter().take_while(|b| matches!(b, b' ' | b'\t' | b'\n')).count();
    }

    /// `len` bytes from here, stepped over: ASCII-delimited, so a character boundary.
    fn take(&mut self, len: usize) -> Option<&'a str> {
        let taken = self.text.get(self.at..self.at + len)?;
        self.at += len;
        Some(taken)
    }

    /// A name as WeChat's elements have them, in ASCII: a letter or `_`, then letters, digits,
    /// `_`, `-`, `.` or `:` (what else the full reader takes for a name is left to it).
    fn name(&mut self) -> Option<&'a str> {
        let rest = self.rest();
        if !rest.first().is_some_and(|b| starts_name(*b)) {
            return None;
        }
        let len = rest.iter().position(|b| !NAME[usize::from(*b)]).unwrap_or(rest.len());
        self.take(len)
    }

    /// Character data up to the next `<`, without `&`, carriage returns or `]]>`.
    fn chars(&mut self) -> Option<&'a str> {
        let rest = self.rest();
        let end = memchr3(b'<', b'&', b'\r', rest)?;
        if rest[end] != b'<' || rest[..end].windows(3).any(|w| w == b"]]>") {
            return None;
        }
        self.take(end)
    }

    /// A CDATA section's content, its `<![CDATA[` stepped over: up to the first `]]>`, which is
    /// stepped over too; none with a carriage return.
    fn cdata(&mut self) -> Option<&'a str> {
        let rest = self.rest();
        let mut from = 0;
        loop {
            let found = from + memchr2(b']', b'\r', rest.get(from..)?)?;
            if rest[found] == b'\r' {
                return None;
            }
            if rest.get(found..found + 3) == Some(b"]]>") {
                let content = self.take(found)?;
                self.at += 3;
                return Some(content);
            }
            from = found + 1;
        }
    }
}
