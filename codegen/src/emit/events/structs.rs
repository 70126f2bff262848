//! The event structs and the headers they share, written as text laid out as prettyplease
//! lays them out ([`Writer`]): each declaration, its `to_message` (or the header's
//! `elements`), and its `FromMessage`, whose `from_fields` finds every element it reads in
//! one pass (`Fields::find_fields`, with a `match` from element name to slot) and reads each
//! field from its slot.

use std::fmt::Write as _;

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::doc_wrap::wrap_doc_lines;
use crate::emit::rust::ident;
use crate::emit::shapes::{self, Declared};
use crate::emit::table_writer::{Base, Link, Writer};
use crate::model::{Event, EventField, EventFieldType, Events, Header};

/// The path of the constructor of a message's element.
const ELEMENT_TEXT: &str = "::wechat_core::push::Element::text";

/// The doc of an event's `to_message`.
const TO_MESSAGE_DOC: &str = "The event as the message WeChat pushes: the header, the element naming the\n\
     event, then the event's elements (absent ones left out, flags as `0`/`1`).";

/// An event's struct, its `impl` (`EVENT`, `to_message`) and its `FromMessage`.
pub(super) fn event_text(events: &Events, event: &Event) -> String {
    let header = events.header(&event.header);
    let (header_type, discriminator) = header
        .map(|h| (h.type_name.as_str(), h.discriminator.as_str()))
        .unwrap_or(("AccountHeader", "Event"));
    let name = event.type_name.as_str();
    let mut w = Writer::new(2048 + 1024 * event.fields.len());
    let header_type_ident = ident(header_type);
    let header_field = Declared {
        docs: format!("The elements every push with `{discriminator}` carries."),
        serde: None,
        name: "pub header".to_owned(),
        ty: quote!(super::#header_type_ident),
    };
    declaration(&mut w, name, &event_doc(event, discriminator), Some(header_field), &event.fields);
    w.impl_block(None, name, |w| {
        w.doc("///", &format!("The `{discriminator}` value naming this event."), true);
        w.static_item("pub const EVENT", "&'static str", |w| w.str(&event.event));
        w.doc("///", TO_MESSAGE_DOC, true);
        w.function_item("pub fn to_message", &[("&self", None)], Some(&quote!(Message)), |w| {
            let binding = if event.fields.is_empty() { "elements" } else { "mut elements" };
            let argument = |w: &mut Writer| w.arg(|w| w.word("Self::EVENT"));
            w.let_statement(binding, |w| {
                w.chain(
                    Base::Path("self"),
                    &[Link::Field("header"), Link::Method("elements", &argument)],
                    false,
                );
            });
            for field in &event.fields {
                write_field(w, field);
            }
            w.tail(|w| w.call("Message::from_elements", |w| w.arg(|w| w.word("elements"))));
        });
    });
    w.impl_block(Some("FromMessage"), name, |w| {
        from_message(w);
        w.function_item(FROM_FIELDS, &[("message", Some(&quote!(&F)))], Some(&result()), |w| {
            event_from_fields(w, event, header, header_type);
        });
    });
    wrap_doc_lines(w.finish())
}

/// The head of `FromMessage::from_fields`.
pub(super) const FROM_FIELDS: &str = "fn from_fields<F: Fields + ?Sized>";

/// `Result<Self, PushError>`.
pub(super) fn result() -> TokenStream {
    quote!(Result<Self, PushError>)
}

/// The event's summary and doc, and what names it.
fn event_doc(event: &Event, discriminator: &str) -> String {
    let mut text = event.summary.clone();
    if let Some(more) = &event.doc {
        let _ = write!(text, "\n\n{}", more.trim());
    }
    let _ = write!(
        text,
        "\n\n`{discriminator}` = `{}`; from `{}`, behind the `{}` cargo feature.",
        event.event, event.source, event.group
    );
    text
}

/// The docs, derives and `pub struct name { .. }` of an event or a header: `first` holds the
/// fields before `fields`' (an event's header).
fn declaration(w: &mut Writer, name: &str, docs: &str, first: Option<Declared>, fields: &[EventField]) {
    let declared: Vec<Declared> = first.into_iter().chain(fields.iter().map(declared)).collect();
    let attributes = [quote!(#[derive(Debug, Clone, PartialEq)]), quote!(#[non_exhaustive])];
    shapes::write_struct(w, name, docs, &attributes, &declared);
}

/// A field as its struct declares it: its docs name the element and its aliases.
fn declared(field: &EventField) -> Declared {
    let mut docs = field.doc.clone();
    let _ = write!(docs, "\n\nElement `<{}>`", field.element);
    if !field.aliases.is_empty() {
        let aliases: Vec<String> = field.aliases.iter().map(|a| format!("`<{a}>`")).collect();
        let _ = write!(docs, " (also read as {})", aliases.join(", "));
    }
    docs.push('.');
    let ty = value_type(field);
    let ty = if field.optional { quote!(Option<#ty>) } else { ty };
    Declared { docs, serde: None, name: format!("pub {}", field.rust_name), ty }
}

fn value_type(field: &EventField) -> TokenStream {
    match field.ty {
        EventFieldType::String if field.secret => quote!(::wechat_core::Secret),
        EventFieldType::String => quote!(String),
        EventFieldType::Integer => quote!(i64),
        EventFieldType::Boolean => quote!(bool),
    }
}

/// `FromMessage::from_message`, through `from_fields`.
pub(super) fn from_message(w: &mut Writer) {
    let params = [("message", Some(&quote!(&Message)))];
    w.function_item("fn from_message", &params, Some(&result()), |w| {
        w.tail(|w| w.call("Self::from_fields", |w| w.arg(|w| w.word("message"))));
    });
}

/// An event's `from_fields` body: one pass over the message finds every element the event
/// reads, the header's first (in the slots its `from_found` reads), then each field reads its
/// slot.
fn event_from_fields(w: &mut Writer, event: &Event, header: Option<&Header>, header_type: &str) {
    let mut names: Vec<String> = header.map(header_slots).unwrap_or_default();
    let mut slot = |name: &str| {
        let at = match names.iter().position(|n| n == name) {
            Some(at) => at,
            None => {
                names.push(name.to_owned());
                names.len() - 1
            }
        };
        format!("found[{at}]")
    };
    let kind = ["Event", "InfoType", "MsgType"].map(&mut slot);
    let reads: Vec<Read> = event.fields.iter().map(|f| Read::new(f, &mut slot)).collect();
    find_slots(w, &names);
    w.statement(|w| {
        w.try_call("field::expect_kind_of", |w| {
            w.arg(|w| w.array(&kind, |w, slot| w.word(slot)));
            w.arg(|w| w.word("Self::EVENT"));
        });
    });
    w.tail(|w| {
        w.call_block("Ok", |w| {
            w.struct_lit("Self", None, |w| {
                w.field("header", |w| {
                    let path = format!("super::{header_type}");
                    if header.is_some() {
                        w.try_call(&format!("{path}::from_found"), |w| w.arg(|w| w.word("&found")));
                    } else {
                        w.try_call(&format!("{path}::from_fields"), |w| w.arg(|w| w.word("message")));
                    }
                });
                for read in &reads {
                    w.field(&read.field.rust_name, |w| read.write(w));
                }
            });
        });
    });
}

/// The header's element names (and aliases), in the slots they take at the start of an
/// event's `NAMES`.
fn header_slots(header: &Header) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for name in header.fields.iter().flat_map(|f| std::iter::once(&f.element).chain(&f.aliases)) {
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    names
}

/// `NAMES`, and `found` filled in one pass over the message (`Fields::find_fields`, with a
/// `match` from element name to slot): one slot per name, in order.
fn find_slots(w: &mut Writer, names: &[String]) {
    let count = names.len();
    w.static_item("const NAMES", &format!("[&str; {count}]"), |w| w.array(names, |w, name| w.str(name)));
    w.let_statement("mut found", |w| w.word(&format!("[None; {count}]")));
    let arguments = |w: &mut Writer| {
        w.arg(|w| w.word("&NAMES"));
        w.arg(|w| {
            w.closure_match("name", "name", |w| {
                for (at, name) in names.iter().enumerate() {
                    w.arm_on(|w| w.str(name), |w| w.call("Some", |w| w.arg(|w| w.uint(at as u64))));
                }
                w.arm_on(|w| w.word("_"), |w| w.word("None"));
            });
        });
        w.arg(|w| w.word("&mut found"));
    };
    w.statement(|w| w.chain(Base::Path("message"), &[Link::Method("find_fields", &arguments)], true));
}

/// What writes a call's arguments.
type Argument<'a> = dyn Fn(&mut Writer) + 'a;

/// How a field is read from the slots `find_fields` filled: the element (or its first alias
/// present), with an error naming the element when a required one is missing.
struct Read<'a> {
    field: &'a EventField,
    /// The slot of the element, then of each alias, with the name read there.
    slots: Vec<(String, &'a str)>,
}

impl<'a> Read<'a> {
    fn new(field: &'a EventField, slot: &mut impl FnMut(&str) -> String) -> Self {
        let names = std::iter::once(&field.element).chain(&field.aliases);
        Self { field, slots: names.map(|name| (slot(name), name.as_str())).collect() }
    }

    /// The value: `field::string_of(found[6], "CardId")?`, or a chain through the aliases
    /// (`.or(..)`), the missing element's error (`.ok_or(..)?`) and the secret's wrapper.
    fn write(&self, w: &mut Writer) {
        let field = self.field;
        let base = match field.ty {
            EventFieldType::String => "string",
            EventFieldType::Integer => "integer",
            EventFieldType::Boolean => "boolean",
        };
        let (found, element) = (&self.slots[0].0, self.slots[0].1);
        let args = |w: &mut Writer| {
            w.arg(|w| w.word(found));
            w.arg(|w| w.str(element));
        };
        if field.aliases.is_empty() && !field.optional {
            let function = format!("field::{base}_of");
            if field.secret {
                w.call("::wechat_core::Secret::new", |w| w.arg(|w| w.try_call(&function, args)));
            } else {
                w.try_call(&function, args);
            }
            return;
        }
        let function = format!("field::opt_{base}_of");
        let function = function.as_str();
        let aliases: Vec<Box<Argument<'_>>> = self.slots[1..]
            .iter()
            .map(|(found, alias)| {
                let read = move |w: &mut Writer| {
                    w.arg(|w| {
                        w.try_call(function, |w| {
                            w.arg(|w| w.word(found));
                            w.arg(|w| w.str(alias));
                        });
                    });
                };
                Box::new(read) as Box<Argument<'_>>
            })
            .collect();
        let missing = |w: &mut Writer| {
            w.struct_lit("PushError::MissingField", None, |w| w.field("name", |w| w.str(element)));
        };
        let secret = |w: &mut Writer| w.arg(|w| w.word("::wechat_core::Secret::new"));
        let mut links = vec![Link::Try];
        links.extend(aliases.iter().map(|read| Link::Method("or", read.as_ref())));
        if !field.optional {
            links.extend([Link::MethodBlock("ok_or", &missing), Link::Try]);
        }
        match (field.secret, field.optional) {
            (true, false) => w.call("::wechat_core::Secret::new", |w| {
                w.arg(|w| w.chain(Base::Call(function, &args), &links, false));
            }),
            (true, true) => {
                links.push(Link::Method("map", &secret));
                w.chain(Base::Call(function, &args), &links, false);
            }
            (false, _) => w.chain(Base::Call(function, &args), &links, false),
        }
    }
}

/// The text of a required field's element, read from `self`; of an optional one's, from
/// `value` (its `Some`).
fn element_text(w: &mut Writer, field: &EventField) {
    let (base, name) =
        if field.optional { ("value", None) } else { ("self", Some(field.rust_name.as_str())) };
    let mut links: Vec<Link<'_>> = name.map(Link::Field).into_iter().collect();
    let none = |_: &mut Writer| {};
    match field.ty {
        EventFieldType::Boolean => {
            let condition = |w: &mut Writer| match name {
                Some(name) => w.field_of("self", name),
                None => w.word("*value"),
            };
            w.if_else_strs(condition, name.is_some(), "1", "0");
            return;
        }
        EventFieldType::String if field.secret => links.push(Link::Method("expose", &none)),
        EventFieldType::String => links.push(Link::Method("as_str", &none)),
        EventFieldType::Integer => links.push(Link::Method("to_string", &none)),
    }
    w.chain(Base::Path(base), &links, false);
}

/// `::wechat_core::push::Element::text("Name", text)`.
fn element(w: &mut Writer, field: &EventField) {
    w.call(ELEMENT_TEXT, |w| {
        w.arg(|w| w.str(&field.element));
        w.arg(|w| element_text(w, field));
    });
}

/// Pushes the field's element onto `elements`, unless it is an absent optional one.
fn write_field(w: &mut Writer, field: &EventField) {
    let push = |w: &mut Writer| {
        let argument = |w: &mut Writer| w.arg(|w| element(w, field));
        w.statement(|w| w.chain(Base::Path("elements"), &[Link::Method("push", &argument)], true));
    };
    if field.optional {
        let value = |w: &mut Writer| {
            w.word("&");
            w.field_of("self", &field.rust_name);
        };
        w.tail(|w| w.if_let(("Some", "value"), value, push));
    } else {
        push(w);
    }
}

/// A header's struct, its `impl` (`DISCRIMINATOR`, `elements`, `from_found`) and its
/// `FromMessage`.
pub(super) fn header_text(header: &Header) -> String {
    let name = header.type_name.as_str();
    let mut w = Writer::new(2048 + 1024 * header.fields.len());
    let docs = format!("{}\n\nFrom `spec/events.toml` (`[headers.{}]`).", header.doc.trim(), header.name);
    declaration(&mut w, name, &docs, None, &header.fields);
    let slots = header_slots(header);
    w.impl_block(None, name, |w| {
        let doc = format!("The element naming the event: `{}`.", header.discriminator);
        w.doc("///", &doc, true);
        w.static_item("pub const DISCRIMINATOR", "&'static str", |w| w.str(&header.discriminator));
        w.doc(
            "///",
            "The header's elements, then the discriminator naming `event`: how every message\n\
             with this header starts.",
            true,
        );
        let params = [("&self", None), ("event", Some(&quote!(&str)))];
        let output = quote!(Vec<::wechat_core::push::Element>);
        w.function_item("pub fn elements", &params, Some(&output), |w| header_elements(w, header));
        header_from_found(w, header, &slots);
    });
    w.impl_block(Some("FromMessage"), name, |w| {
        from_message(w);
        w.function_item(FROM_FIELDS, &[("message", Some(&quote!(&F)))], Some(&result()), |w| {
            find_slots(w, &slots);
            w.tail(|w| w.call("Self::from_found", |w| w.arg(|w| w.word("&found"))));
        });
    });
    wrap_doc_lines(w.finish())
}

/// The body of a header's `elements`: the leading required elements and the discriminator in
/// the array itself (clippy refuses pushes right after an empty `Vec::new()`), the rest
/// pushed.
fn header_elements(w: &mut Writer, header: &Header) {
    let prefix = header.fields.iter().take_while(|f| !f.optional).count();
    let all_leading = prefix == header.fields.len();
    let discriminator = |w: &mut Writer| {
        w.call(ELEMENT_TEXT, |w| {
            w.arg(|w| w.word("Self::DISCRIMINATOR"));
            w.arg(|w| w.word("event"));
        });
    };
    let all = |w: &mut Writer| {
        w.call_block("Vec::from", |w| {
            let leading = header.fields[..prefix].iter().map(Some).chain(all_leading.then_some(None));
            w.array(leading, |w, field| match field {
                Some(field) => element(w, field),
                None => discriminator(w),
            });
        });
    };
    if all_leading {
        w.tail(all);
        return;
    }
    w.let_statement("mut elements", all);
    for field in &header.fields[prefix..] {
        write_field(w, field);
    }
    let argument = |w: &mut Writer| w.arg(discriminator);
    w.statement(|w| w.chain(Base::Path("elements"), &[Link::Method("push", &argument)], true));
    w.tail(|w| w.word("elements"));
}

/// The header's `from_found`: its fields from the first slots of `found` (`slots`, from
/// [`header_slots`]), each read with `get`, so a slot past the end reads as absent. Its own
/// `from_fields` and every event's call it.
fn header_from_found(w: &mut Writer, header: &Header, slots: &[String]) {
    let mut slot =
        |name: &str| format!("found({})", slots.iter().position(|n| n == name).unwrap_or(slots.len()));
    let reads: Vec<Read> = header.fields.iter().map(|f| Read::new(f, &mut slot)).collect();
    w.doc(
        "///",
        "The header from the slots `find_fields` filled (its own, or an event's): its\n\
         elements take the first ones, in the order the header declares them.",
        true,
    );
    let params = [("found", Some(&quote!(&[Option<Option<&str>>])))];
    w.function_item("pub(crate) fn from_found", &params, Some(&result()), |w| {
        w.let_statement("found", |w| w.word("|at: usize| found.get(at).copied().flatten()"));
        w.tail(|w| {
            w.call_block("Ok", |w| {
                w.struct_lit("Self", None, |w| {
                    for read in &reads {
                        w.field(&read.field.rust_name, |w| read.write(w));
                    }
                });
            });
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SourceFile;
    use crate::emit::test_support::prettyplease_of as pretty;

    /// An element name long enough that every line holding it breaks.
    const LONG: &str = "AnElementWhoseNameIsLongEnoughThatEveryLineReadingOrWritingItBreaks";

    /// Every kind of field an event or a header holds: required and optional, each type,
    /// secrets, aliases of a required and an optional one, a long name; a header whose
    /// elements start with an optional one; an event without fields of its own.
    fn events() -> Events {
        let files = [
            SourceFile::new(
                "spec/events.toml",
                format!(
                    "[headers.account]\ndoc = \"Account events.\"\ndiscriminator = \"Event\"\n\
                     fields.FromUserName = {{ type = \"string\", doc = \"Who.\" }}\n\
                     fields.CreateTime = {{ type = \"integer\", doc = \"When.\" }}\n\
                     [headers.platform]\ndoc = \"Platform events.\"\ndiscriminator = \"InfoType\"\n\
                     fields.AppId = {{ type = \"string\", optional = true, aliases = [\"appid\"], doc = \"The app.\" }}\n\
                     fields.{LONG} = {{ type = \"boolean\", doc = \"Long.\" }}\n\
                     fields.Ticket = {{ type = \"string\", secret = true, optional = true, doc = \"A ticket.\" }}\n"
                ),
            ),
            SourceFile::new(
                "spec/demo/events/thing.toml",
                format!(
                    "name = \"thing_done\"\nevent = \"thing_done\"\nheader = \"account\"\nsummary = \"A thing was done.\"\n\
                     [fields]\nCardId = {{ type = \"string\", doc = \"The card.\" }}\n\
                     IsGift = {{ type = \"boolean\", optional = true, aliases = [\"is_gift\"], doc = \"A gift.\" }}\n\
                     Flag = {{ type = \"boolean\", doc = \"A flag.\" }}\n\
                     Code = {{ type = \"string\", aliases = [\"code\", \"TheCode\"], doc = \"A code.\" }}\n\
                     Ticket = {{ type = \"string\", secret = true, doc = \"The ticket.\" }}\n\
                     OldTicket = {{ type = \"string\", secret = true, optional = true, doc = \"The old one.\" }}\n\
                     Count = {{ type = \"integer\", doc = \"How many.\" }}\n\
                     {LONG} = {{ type = \"integer\", optional = true, doc = \"Long.\" }}\n\
                     [[examples]]\nxml = '<xml><FromUserName>u</FromUserName><CreateTime>1</CreateTime>\
                     <Event>thing_done</Event><CardId>c</CardId><Flag>1</Flag><Code>x</Code>\
                     <Ticket>t</Ticket><Count>2</Count></xml>'\n"
                ),
            ),
            SourceFile::new(
                "spec/demo/events/bare.toml",
                format!(
                    "name = \"bare\"\nevent = \"bare\"\nheader = \"platform\"\nsummary = \"Nothing but the header.\"\n\
                 [[examples]]\nxml = '<xml><{LONG}>0</{LONG}><InfoType>bare</InfoType></xml>'\n"
                ),
            ),
        ];
        crate::emit::test_support::events_spec(&["demo"], files)
    }

    #[test]
    fn events_and_headers_are_laid_out_as_prettyplease_lays_them_out() {
        let events = events();
        let texts: Vec<String> = events
            .events
            .iter()
            .map(|e| event_text(&events, e))
            .chain(events.headers.iter().map(header_text))
            .collect();
        assert_eq!(texts.len(), 4, "two events, two headers");
        for text in &texts {
            assert_eq!(pretty(text), *text);
        }
        let all = texts.concat();
        // Each way of reading and writing a field was written.
        for expected in [
            ".ok_or(PushError::MissingField {",
            "ticket: ::wechat_core::Secret::new(field::string_of(found[",
            ".map(::wechat_core::Secret::new)",
            ".or(field::opt_boolean_of(found[",
            "if self.flag { \"1\" } else { \"0\" }",
            "if let Some(value) = &self.is_gift {",
            "if *value { \"1\" } else { \"0\" }",
            "let elements = self.header.elements(Self::EVENT);",
            "let mut elements = Vec::from([",
            "elements.push(::wechat_core::push::Element::text(Self::DISCRIMINATOR, event));",
            "pub(crate) fn from_found(found: &[Option<Option<&str>>]) -> Result<Self, PushError> {",
        ] {
            assert!(all.contains(expected), "{expected} in {all}");
        }
    }
}
