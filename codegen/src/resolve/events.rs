//! Push events: the headers of `spec/events.toml` and the files of `spec/<group>/events/`,
//! checked and named. Element names become Rust names through [`names::snake`], the one
//! sanitizer every generated identifier goes through.

use std::collections::{BTreeMap, HashMap};

use crate::diagnostic::Diagnostics;
use crate::format::{self, Entries, Located};
use crate::load::LoadedSpec;
use crate::model::{Event, EventExample, EventField, EventFieldType, Events, Group, Header};
use crate::names;
use crate::source::{SourceFile, Span};

use super::event_example;

/// Names an event may not take: its type would collide with the `Event` enum or a header
/// type, or its variant with `Event::Unknown`.
const RESERVED: &[&str] = &["event", "unknown"];

/// The events of the spec; problems go to `problems`.
pub(super) fn resolve(
    loaded: &LoadedSpec<'_>,
    groups: &BTreeMap<String, Group>,
    problems: &mut Diagnostics,
) -> Events {
    let headers = match &loaded.events {
        Some((file, events)) => resolve_headers(file, &events.headers, problems),
        None => {
            if let Some((file, _, _)) = loaded.event_files.first() {
                problems.error(
                    file,
                    Span::default(),
                    "events need spec/events.toml, which declares the headers every push carries",
                );
            }
            Vec::new()
        }
    };
    let mut events: Vec<Event> = Vec::new();
    let mut names: HashMap<String, String> = HashMap::new();
    let mut values: HashMap<String, String> = HashMap::new();
    for (file, group, def) in &loaded.event_files {
        if !groups.contains_key(group) {
            super::undeclared_group(loaded, file, Span::default(), group, problems);
            continue;
        }
        let Some(event) = resolve_event(file, group, def, &headers, problems) else { continue };
        if let Some(other) = names.insert(event.name.clone(), file.path.clone()) {
            problems.error(
                file,
                def.name.span,
                format!("the event `{}` is also declared in {other}", event.name),
            );
            continue;
        }
        if let Some(other) = values.insert(event.event.clone(), file.path.clone()) {
            problems.error(
                file,
                def.event.span,
                format!("the event value `{}` is also declared in {other}", event.event),
            );
            continue;
        }
        events.push(event);
    }
    events.sort_by(|a, b| a.name.cmp(&b.name));
    Events { headers, events }
}

fn resolve_headers(
    file: &SourceFile,
    entries: &Entries<format::HeaderDef>,
    problems: &mut Diagnostics,
) -> Vec<Header> {
    let mut headers = Vec::new();
    for (name, def) in &entries.0 {
        if !names::is_snake(&name.value) {
            problems.error(file, name.span, format!("header name `{}` must be snake_case", name.value));
            continue;
        }
        let Some(type_name) = names::camel(&format!("{}_header", name.value)) else { continue };
        let def = &def.value;
        check_element(file, &def.discriminator, problems);
        let mut elements = Elements::default();
        elements.claim(file, &def.discriminator, problems);
        let fields = resolve_fields(file, &def.fields, &mut elements, &mut Vec::new(), problems);
        headers.push(Header {
            name: name.value.clone(),
            type_name,
            doc: def.doc.value.clone(),
            discriminator: def.discriminator.value.clone(),
            fields,
        });
    }
    headers.sort_by(|a, b| a.name.cmp(&b.name));
    headers
}

fn resolve_event(
    file: &SourceFile,
    group: &str,
    def: &format::EventFile,
    headers: &[Header],
    problems: &mut Diagnostics,
) -> Option<Event> {
    let before = problems.0.len();
    let name = &def.name;
    if !names::is_snake(&name.value) {
        let hint = names::snake(&name.value).map(|s| format!(" (`{s}`)")).unwrap_or_default();
        problems.error(file, name.span, format!("event name `{}` must be snake_case{hint}", name.value));
    } else if RESERVED.contains(&name.value.as_str()) || name.value.ends_with("_header") {
        problems.error(
            file,
            name.span,
            format!("event name `{}` would collide with a generated type; choose another", name.value),
        );
    }
    if def.event.value.trim().is_empty() || def.event.value.trim() != def.event.value {
        problems.error(
            file,
            def.event.span,
            "`event` must be the value WeChat sends, without spaces around it",
        );
    }
    let Some(header) = headers.iter().find(|h| h.name == def.header.value) else {
        let known: Vec<String> = headers.iter().map(|h| format!("`{}`", h.name)).collect();
        problems.error(
            file,
            def.header.span,
            format!(
                "no header `{}` in spec/events.toml; expected one of {}",
                def.header.value,
                known.join(", ")
            ),
        );
        return None;
    };
    // The struct holds the header in a field of its own.
    let mut rust_names = vec!["header".to_owned()];
    let mut elements = Elements::of_header(header);
    let fields = resolve_fields(file, &def.fields, &mut elements, &mut rust_names, problems);
    if def.examples.is_empty() {
        problems.error(file, name.span, "an event needs at least one `[[examples]]` message");
    }
    let event = Event {
        name: name.value.clone(),
        type_name: names::camel(&name.value)?,
        group: group.to_owned(),
        source: file.path.clone(),
        event: def.event.value.clone(),
        header: header.name.clone(),
        summary: def.summary.value.clone(),
        doc: def.doc.as_ref().map(|d| d.value.clone()),
        fields,
        examples: def
            .examples
            .iter()
            .map(|e| EventExample {
                name: e.value.name.as_ref().map(|n| n.value.clone()),
                xml: e.value.xml.value.clone(),
            })
            .collect(),
        notes: def.notes.iter().map(|n| n.value.clone()).collect(),
    };
    for example in &def.examples {
        event_example::check(file, &example.value.xml, &event, header, problems);
    }
    (problems.0.len() == before).then_some(event)
}

/// The element names taken so far in one message: each may be read once only.
#[derive(Default)]
struct Elements(HashMap<String, Span>);

impl Elements {
    fn of_header(header: &Header) -> Self {
        let mut taken = HashMap::new();
        taken.insert(header.discriminator.clone(), Span::default());
        for field in &header.fields {
            for element in std::iter::once(&field.element).chain(&field.aliases) {
                taken.insert(element.clone(), Span::default());
            }
        }
        Self(taken)
    }

    fn claim(&mut self, file: &SourceFile, element: &Located<String>, problems: &mut Diagnostics) {
        if self.0.insert(element.value.clone(), element.span).is_some() {
            problems.error(
                file,
                element.span,
                format!("the element <{}> is already read by the header or another field", element.value),
            );
        }
    }
}

fn resolve_fields(
    file: &SourceFile,
    entries: &Entries<format::EventField>,
    elements: &mut Elements,
    rust_names: &mut Vec<String>,
    problems: &mut Diagnostics,
) -> Vec<EventField> {
    let mut fields = Vec::new();
    for (element, def) in &entries.0 {
        let def = &def.value;
        check_element(file, element, problems);
        elements.claim(file, element, problems);
        for alias in &def.aliases {
            check_element(file, alias, problems);
            elements.claim(file, alias, problems);
        }
        if def.secret && EventFieldType::from(def.ty.value) != EventFieldType::String {
            problems.error(file, def.ty.span, "`secret` is only for `type = \"string\"`");
        }
        let Some(rust_name) = names::snake(&element.value) else {
            problems.error(
                file,
                element.span,
                format!("<{}> cannot become a Rust field name", element.value),
            );
            continue;
        };
        if rust_names.contains(&rust_name) {
            problems.error(
                file,
                element.span,
                format!(
                    "<{}> becomes the Rust field `{rust_name}`, which another element already is",
                    element.value
                ),
            );
            continue;
        }
        rust_names.push(rust_name.clone());
        fields.push(EventField {
            element: element.value.clone(),
            aliases: def.aliases.iter().map(|a| a.value.clone()).collect(),
            rust_name,
            ty: def.ty.value.into(),
            doc: def.doc.value.clone(),
            optional: def.optional,
            secret: def.secret,
        });
    }
    fields
}

/// An XML element name as WeChat writes them: ASCII letters, digits and `_`, not starting
/// with a digit.
fn check_element(file: &SourceFile, element: &Located<String>, problems: &mut Diagnostics) {
    let name = &element.value;
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        problems.error(
            file,
            element.span,
            format!("`{name}` is not an XML element name WeChat uses (ASCII letters, digits, `_`)"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{EVENT_HEADERS, check, check_event, event};
    use crate::source::SourceFile;

    #[test]
    fn an_event_in_a_folder_no_group_declares_is_refused_as_every_such_file_is() {
        let text = event("CardId = { type = \"string\", doc = \"Card.\" }", GOOD);
        let problems = check(vec![
            SourceFile::new("spec/events.toml", EVENT_HEADERS),
            SourceFile::new("spec/other/events/thing.toml", &text),
        ])
        .err()
        .unwrap_or_default();
        assert_eq!(
            problems,
            [
                "spec/other/events/thing.toml:1:1: the folder `spec/other/` is not declared in spec/groups.toml"
            ]
        );
    }

    fn problems(event: &str) -> Vec<String> {
        check_event(event).err().unwrap_or_default()
    }

    const GOOD: &str = "<xml><FromUserName>u</FromUserName><CreateTime>1</CreateTime>\
                        <Event>thing_done</Event><CardId>c</CardId></xml>";

    #[test]
    fn a_clean_event_resolves_with_sanitized_names() {
        let spec = check_event(&event("CardId = { type = \"string\", doc = \"Card.\" }", GOOD))
            .expect("a clean event");
        let event = &spec.events.events[0];
        assert_eq!((event.type_name.as_str(), event.group.as_str()), ("ThingDone", "demo"));
        assert_eq!(event.fields[0].rust_name, "card_id");
        assert_eq!(spec.events.headers[0].type_name, "AccountHeader");
        assert_eq!(spec.events.headers[0].fields[0].rust_name, "from_user_name");
    }

    #[test]
    fn examples_are_checked_against_the_declaration() {
        let field =
            "CardId = { type = \"string\", doc = \"Card.\" }\nFee = { type = \"integer\", doc = \"Fee.\" }";
        let xml = "<xml><FromUserName>u</FromUserName><CreateTime>1</CreateTime><Event>other</Event>\
                   <CardId> </CardId><Fee>ten</Fee><Extra>x</Extra></xml>";
        let got = problems(&event(field, xml));
        let expected = [
            "<Event> is `other`, not the event `thing_done`",
            "<Fee> holds `ten`, not an integer",
            "<Extra> is not declared",
            "the required <CardId> is missing or empty",
        ];
        for message in expected {
            assert!(got.iter().any(|p| p.contains(message)), "no `{message}` in {got:#?}");
        }
        assert!(got.iter().all(|p| p.starts_with("spec/demo/events/thing.toml:9:")), "{got:#?}");
    }

    #[test]
    fn malformed_examples_are_refused() {
        let field = "CardId = { type = \"string\", doc = \"Card.\" }";
        for (xml, message) in [
            ("<root><CardId>c</CardId></root>", "the root element is <root>, not <xml>"),
            ("<!DOCTYPE x><xml></xml>", "a <!DOCTYPE> is refused"),
            ("<xml><CardId><a>1</a></CardId></xml>", "<a> is nested inside another element"),
            ("<xml><CardId>c</CardId>", "no complete <xml> root element"),
        ] {
            let got = problems(&event(field, xml));
            assert!(got.iter().any(|p| p.contains(message)), "no `{message}` in {got:#?}");
        }
    }

    #[test]
    fn names_headers_and_elements_are_checked() {
        let got = problems(
            "name = \"ThingDone\"\nevent = \"thing_done\"\nheader = \"nope\"\nsummary = \"S.\"\n\
             [[examples]]\nxml = '<xml/>'\n",
        );
        assert!(
            got.contains(
                &"spec/demo/events/thing.toml:1:9: event name `ThingDone` must be snake_case (`thing_done`)"
                    .to_owned()
            ),
            "{got:#?}"
        );
        assert!(
            got.iter().any(|p| p.starts_with("spec/demo/events/thing.toml:3:11: no header `nope`")),
            "{got:#?}"
        );

        let clash = "FromUserName = { type = \"string\", doc = \"Again.\" }\n\
                     \"Card-Id\" = { type = \"string\", optional = true, doc = \"Bad.\" }\n\
                     Flag = { type = \"boolean\", secret = true, optional = true, doc = \"Flag.\" }";
        let got = problems(&event(clash, GOOD));
        for message in [
            "the element <FromUserName> is already read by the header",
            "`Card-Id` is not an XML element name",
            "`secret` is only for `type = \"string\"`",
        ] {
            assert!(got.iter().any(|p| p.contains(message)), "no `{message}` in {got:#?}");
        }
    }

    #[test]
    fn unknown_keys_and_types_are_located() {
        let got = problems(&event("CardId = { type = \"float\", doc = \"C.\", colour = 1 }", GOOD));
        assert!(
            got.iter().any(|p| p.starts_with("spec/demo/events/thing.toml:6:")
                && p.contains("`float` is not allowed here")),
            "{got:#?}"
        );
        assert!(got.iter().any(|p| p.contains("unknown key `colour`")), "{got:#?}");
    }
}
