//! Text written as CDATA, the way WeChat writes its messages.

/// Appends `text` as CDATA; a `]]>` inside is split across two sections, the one way to
/// carry it. A carriage return cannot travel in CDATA (a reader turns it into a line feed,
/// XML's end-of-line rule), so text holding one is written escaped instead, the return as
/// `&#13;`: what is written reads back as the same text.
pub(crate) fn push(text: &str, out: &mut String) {
    if text.contains('\r') {
        escaped(text, out);
        return;
    }
    out.push_str("<![CDATA[");
    out.push_str(&text.replace("]]>", "]]]]><![CDATA[>"));
    out.push_str("]]>");
}

/// Appends `text` as character data with `&`, `<`, `>` and carriage returns escaped.
fn escaped(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            other => out.push(other),
        }
    }
}

/// Appends `<name>` holding `text` as CDATA.
pub(crate) fn push_element(name: &str, text: &str, out: &mut String) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    push(text, out);
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}
