//! An event's example message, checked against its declaration: the root is `<xml>`, the
//! discriminator names the event, every element is declared, every required one is there,
//! and every value reads as its type. Read with quick-xml, DTDs and entities refused as the
//! runtime refuses them.

use quick_xml::Reader;
use quick_xml::events::Event as XmlEvent;

use crate::diagnostic::Diagnostics;
use crate::format::Located;
use crate::model::{Event, EventField, EventFieldType, Header};
use crate::source::SourceFile;

/// Reports every way `xml` does not match `event`.
pub(super) fn check(
    file: &SourceFile,
    xml: &Located<String>,
    event: &Event,
    header: &Header,
    problems: &mut Diagnostics,
) {
    let mut report = |message: String| problems.error(file, xml.span, format!("example message: {message}"));
    let elements = match elements(&xml.value) {
        Ok(elements) => elements,
        Err(message) => return report(message),
    };
    let fields: Vec<&EventField> = header.fields.iter().chain(&event.fields).collect();
    let mut seen: Vec<&str> = Vec::new();
    for (name, text) in &elements {
        if seen.contains(&name.as_str()) {
            report(format!("<{name}> appears twice"));
        }
        seen.push(name);
        if *name == header.discriminator {
            if text.trim() != event.event {
                report(format!("<{name}> is `{}`, not the event `{}`", text.trim(), event.event));
            }
            continue;
        }
        let Some(field) = fields.iter().find(|f| f.element == *name || f.aliases.contains(name)) else {
            report(format!("<{name}> is not declared: add it to `[fields]` (or to the header)"));
            continue;
        };
        if let Err(message) = value_fits(field.ty, text.trim()) {
            report(format!("<{name}> {message}"));
        }
    }
    if !elements.iter().any(|(name, _)| *name == header.discriminator) {
        report(format!("there is no <{}> naming the event", header.discriminator));
    }
    for field in fields.iter().filter(|f| !f.optional) {
        let present = elements.iter().any(|(name, text)| {
            (*name == field.element || field.aliases.contains(name)) && !text.trim().is_empty()
        });
        if !present {
            report(format!("the required <{}> is missing or empty", field.element));
        }
    }
}

fn value_fits(ty: EventFieldType, text: &str) -> Result<(), String> {
    if text.is_empty() {
        return Ok(());
    }
    match ty {
        EventFieldType::String => Ok(()),
        EventFieldType::Integer => {
            text.parse::<i64>().map(drop).map_err(|_| format!("holds `{text}`, not an integer"))
        }
        EventFieldType::Boolean => match text.to_ascii_lowercase().as_str() {
            "0" | "1" | "true" | "false" => Ok(()),
            _ => Err(format!("holds `{text}`, not a boolean (0/1/true/false)")),
        },
    }
}

/// The root's children as (name, text) pairs, or what keeps the text from being a message.
fn elements(xml: &str) -> Result<Vec<(String, String)>, String> {
    let mut reader = Reader::from_str(xml);
    let mut elements: Vec<(String, String)> = Vec::new();
    let mut depth = 0usize;
    let mut root_done = false;
    loop {
        let event = reader.read_event().map_err(|e| format!("not well-formed XML: {e}"))?;
        match event {
            XmlEvent::Eof => break,
            XmlEvent::DocType(_) => return Err("a <!DOCTYPE> is refused".to_owned()),
            XmlEvent::GeneralRef(_) => {
                return Err("an entity reference: write the character itself".to_owned());
            }
            XmlEvent::Decl(_) | XmlEvent::PI(_) | XmlEvent::Comment(_) => {}
            // Once the root is closed, any element is a second root (as the runtime reads it).
            XmlEvent::Start(start) | XmlEvent::Empty(start) if depth == 0 && root_done => {
                return Err(format!("<{}> follows the root element", start.name().into_inner()));
            }
            XmlEvent::Start(start) => {
                let name = start.name().into_inner().to_owned();
                match depth {
                    0 if name != "xml" => return Err(format!("the root element is <{name}>, not <xml>")),
                    0 => {}
                    1 => elements.push((name, String::new())),
                    _ => {
                        return Err(format!(
                            "<{name}> is nested inside another element; events hold text only"
                        ));
                    }
                }
                depth += 1;
            }
            XmlEvent::Empty(start) => {
                let name = start.name().into_inner().to_owned();
                if depth != 1 {
                    return Err(format!("<{name}/> is not an element of the root <xml>"));
                }
                elements.push((name, String::new()));
            }
            XmlEvent::End(_) => {
                depth = depth.saturating_sub(1);
                root_done |= depth == 0;
            }
            XmlEvent::Text(text) => {
                let text = text.xml10_content();
                push_text(&mut elements, depth, &text)?;
            }
            XmlEvent::CData(cdata) => {
                let text = cdata.xml10_content();
                push_text(&mut elements, depth, &text)?;
            }
        }
    }
    if !root_done {
        return Err("there is no complete <xml> root element".to_owned());
    }
    Ok(elements)
}

fn push_text(elements: &mut [(String, String)], depth: usize, text: &str) -> Result<(), String> {
    match (depth, elements.last_mut()) {
        (2, Some((_, value))) => {
            value.push_str(text);
            Ok(())
        }
        _ if text.trim().is_empty() => Ok(()),
        _ => Err("text outside an element of the root <xml>".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{check_event, event};

    const FLAG: &str = "Flag = { type = \"boolean\", doc = \"F.\" }";

    /// The problems of the event with the one field [`FLAG`] and the example `xml`.
    fn problems(xml: &str) -> Vec<String> {
        check_event(&event(FLAG, xml)).expect_err("a refused example")
    }

    #[test]
    fn cdata_aliases_a_declaration_and_empty_optional_elements_are_read() {
        let fields = "Flag = { type = \"boolean\", doc = \"F.\" }\n\
                      AppId = { type = \"string\", aliases = [\"AuthorizerAppid\"], doc = \"A.\" }\n\
                      Note = { type = \"string\", optional = true, doc = \"N.\" }";
        let xml = "<?xml version=\"1.0\"?><xml><FromUserName><![CDATA[u]]></FromUserName><CreateTime>1</CreateTime>\
                   <Event><![CDATA[thing_done]]></Event><Flag>TRUE</Flag><AuthorizerAppid>wx1</AuthorizerAppid>\
                   <Note/></xml>";
        let spec = check_event(&event(fields, xml)).expect("a valid example");
        assert_eq!(spec.events.events[0].examples[0].xml, xml);
    }

    #[test]
    fn each_element_is_checked_against_the_declaration() {
        let xml = "<xml><FromUserName>u</FromUserName><FromUserName>v</FromUserName><CreateTime>1</CreateTime>\
                   <Flag>yes</Flag></xml>";
        assert_eq!(
            problems(xml),
            [
                "spec/demo/events/thing.toml:8:10: example message: <Flag> holds `yes`, not a boolean (0/1/true/false)",
                "spec/demo/events/thing.toml:8:10: example message: <FromUserName> appears twice",
                "spec/demo/events/thing.toml:8:10: example message: there is no <Event> naming the event",
            ]
        );
    }

    #[test]
    fn entities_and_loose_text_are_refused() {
        assert_eq!(
            problems("<xml><Flag>&amp;</Flag></xml>"),
            [
                "spec/demo/events/thing.toml:8:10: example message: an entity reference: write the character itself"
            ]
        );
        assert_eq!(
            problems("<xml>loose</xml>"),
            ["spec/demo/events/thing.toml:8:10: example message: text outside an element of the root <xml>"]
        );
    }

    #[test]
    fn nothing_may_follow_the_root_element() {
        let whole = "<xml><FromUserName>u</FromUserName><CreateTime>1</CreateTime><Event>thing_done</Event>\
                     <Flag>1</Flag></xml>";
        // The runtime refuses both messages ("an element follows the root element").
        assert_eq!(
            problems(&format!("{whole}<xml></xml>")),
            ["spec/demo/events/thing.toml:8:10: example message: <xml> follows the root element"]
        );
        assert_eq!(
            problems(&format!("{whole}<Flag>1</Flag>")),
            ["spec/demo/events/thing.toml:8:10: example message: <Flag> follows the root element"]
        );
    }
}
