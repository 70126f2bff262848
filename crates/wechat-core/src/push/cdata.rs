//! Text written as CDATA, the way WeChat writes its messages.

/// Appends `text` as CDATA; a `]]>` inside is split across two sections, the one way to
/// carry it.
pub(crate) fn push(text: &str, out: &mut String) {
    out.push_str("<![CDATA[");
    out.push_str(&text.replace("]]>", "]]]]><![CDATA[>"));
    out.push_str("]]>");
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
