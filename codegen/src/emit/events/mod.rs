//! Push events: one struct per event implementing `wechat_core::push::FromMessage`, the
//! headers they share, the `Event` enum over them (`wechat_card::events`, cargo feature
//! `events`, each event also behind its group's feature), the re-exports of the typed entry
//! points (`receive`, `handle`, and the axum `route` behind `events-axum`, hand-written in the
//! client crate's `src/events_entry.rs`), their example tests (an integration test of the client
//! crate) and their page of the API reference.

use std::fmt::Write as _;

mod event_enum;
mod structs;

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::rust::{cell, cfg_feature, verbatim_item};
use crate::emit::table_writer::Writer;
use crate::emit::{GENERATED_DIR, GENERATED_TESTS_DIR, HEADER, Module};
use crate::model::{Event, EventField, EventFieldType, Events};

/// The cargo feature of `wechat-card` that turns events on.
pub(crate) const FEATURE: &str = "events";

/// The cargo feature of `wechat-card` that adds the typed axum route (`events::route`).
pub(crate) const AXUM_FEATURE: &str = "events-axum";

/// Where the events module is generated.
pub(crate) fn dir() -> String {
    format!("{GENERATED_DIR}/events")
}

/// Where the events' example tests are generated: an integration test of the client crate,
/// so it uses the public API only and does not ship in the crate.
pub(crate) fn examples_path() -> String {
    format!("{GENERATED_TESTS_DIR}/event_examples.rs")
}

/// `generated/events/mod.rs`: the group modules, the entry points, the `Event` enum and the
/// headers.
pub(crate) fn module(events: &Events) -> Module {
    let items = std::iter::once(event_enum::module_items_text(events))
        .chain(events.headers.iter().map(structs::header_text))
        .map(verbatim_item);
    Module { docs: module_doc(events), items: quote!(#(#items)*) }
}

/// The events module's doc: what its entry points do, then a row per event.
fn module_doc(events: &Events) -> String {
    let mut text = String::from(
        "WeChat's push events, typed: [`receive`] verifies, decrypts and types a POST to the\n\
         callback URL (query, headers and body from any web framework) into a [`Push`], which\n\
         also builds the answer; [`handle`] also calls a callback with it, once per push with\n\
         a receiver's dedup guard; `route` does the same as an axum route (cargo feature\n\
         `events-axum`). A message verified otherwise reads with\n\
         [`Event::from_message`](FromMessage::from_message), or [`Event::parse`] its XML.\n\n\
         Enabled by the `events` cargo feature; each event also needs its group's feature, and\n\
         without it arrives as [`Event::Unknown`], every element kept.\n\n\
         | event | `Event`/`InfoType` | group | summary |\n|---|---|---|---|\n",
    );
    for event in &events.events {
        let _ = writeln!(
            text,
            "| [`{ty}`] | `{value}` | `{group}` | {summary} |",
            ty = event.type_name,
            value = event.event,
            group = event.group,
            summary = cell(&event.summary)
        );
    }
    text
}

/// `generated/events/<group>.rs`: the group's events.
pub(crate) fn group_file(events: &Events, group: &str) -> Module {
    let docs = format!("Push events of `{group}`, from `spec/{group}/events/`.");
    let structs = events
        .events
        .iter()
        .filter(|e| e.group == group)
        .map(|e| verbatim_item(structs::event_text(events, e)));
    let items = quote! {
        use ::wechat_core::push::{Fields, FromMessage, Message, PushError, field};

        #(#structs)*
    };
    Module { docs, items }
}

/// `tests/generated/event_examples.rs`: every example message through its type and back,
/// through the crate's public API only.
pub(crate) fn examples_tests(events: &Events) -> TokenStream {
    let tests = events.events.iter().flat_map(|event| {
        let aliases: Vec<(&str, &str)> = event
            .fields
            .iter()
            .flat_map(|f| f.aliases.iter().map(move |a| (a.as_str(), f.element.as_str())))
            .collect();
        event
            .examples
            .iter()
            .enumerate()
            .map(move |(i, example)| verbatim_item(example_test_text(event, i, &example.xml, &aliases)))
    });
    let features = events.groups();
    let feature = FEATURE;
    quote! {
        //! Every example message of the spec through its event type and back: nothing it
        //! holds may be lost, and what the type writes must read back the same.

        #![cfg(all(feature = #feature, any(#(feature = #features),*)))]

        use ::wechat_card::events;
        use ::wechat_card::wechat_core::push::{FromMessage, Message, Value};

        /// Every non-empty element of `original` is in `written`, under its name or the name
        /// its alias stands for, with the same text (flags as `0`/`1`).
        fn round_trips(original: &Message, written: &Message, aliases: &[(&str, &str)]) {
            for element in original.elements() {
                let Value::Text(text) = &element.value else { panic!("<{}> has children", element.name) };
                let text = text.trim();
                if text.is_empty() {
                    continue;
                }
                let name = aliases.iter().find(|(alias, _)| *alias == element.name).map_or(element.name.as_str(), |(_, name)| name);
                let expected = match text { "true" => "1", "false" => "0", other => other };
                assert_eq!(written.text(name), Some(expected), "<{}> was lost or changed", element.name);
            }
        }

        /// `xml` read as `E`: every element kept (`round_trips`), what `E` writes reads back
        /// the same, and `Event` reads the message as `variant`.
        fn example<E>(
            xml: &str,
            aliases: &[(&str, &str)],
            to_message: fn(&E) -> Message,
            variant: fn(E) -> events::Event,
        ) where
            E: FromMessage + PartialEq + std::fmt::Debug,
        {
            let message = Message::parse(xml.as_bytes()).unwrap();
            let typed = E::from_message(&message).unwrap();
            round_trips(&message, &to_message(&typed), aliases);
            let reread = Message::parse(to_message(&typed).to_xml().as_bytes()).unwrap();
            assert_eq!(E::from_message(&reread).unwrap(), typed);
            assert_eq!(events::Event::from_message(&message).unwrap(), variant(typed));
        }

        #(#tests)*
    }
}

/// One example's test, behind its group's feature: the example read as its event type and
/// back, `aliases` naming the element each alias stands for.
fn example_test_text(event: &Event, index: usize, xml: &str, aliases: &[(&str, &str)]) -> String {
    let mut w = Writer::new(512 + xml.len());
    w.attr(&cfg_feature(&event.group));
    w.attr("#[test]");
    w.function(&format!("{}_example_{}", event.name, index + 1), |w| {
        w.statement(|w| {
            w.call("example", |w| {
                w.arg(|w| w.str(xml));
                w.arg(|w| {
                    w.word("&");
                    w.array(aliases, |w, (alias, element)| {
                        w.tuple(|w| {
                            w.arg(|w| w.str(alias));
                            w.arg(|w| w.str(element));
                        });
                    });
                });
                w.arg(|w| w.word(&format!("events::{}::to_message", event.type_name)));
                w.arg(|w| w.word(&format!("events::Event::{}", event.type_name)));
            });
        });
    });
    w.finish()
}

/// `docs/api/events.md`.
pub(crate) fn docs_page(events: &Events) -> String {
    let mut out = format!("<!-- {HEADER} -->\n\n# Push events\n\n");
    out.push_str(
        "The events WeChat pushes to a callback URL, declared in `spec/events.toml` and \
         `spec/<group>/events/`. Each is a type of `wechat_card::events` (cargo feature `events`, \
         and its group's feature) and a variant of `wechat_card::events::Event`; an event not \
         listed here reads as `Event::Unknown`, every element kept. Back to the [index](README.md).\n\n",
    );
    out.push_str("| event | type | group | summary |\n|---|---|---|---|\n");
    for event in &events.events {
        let _ = writeln!(
            out,
            "| [`{value}`](#{anchor}) | `{ty}` | `{group}` | {summary} |",
            value = event.event,
            anchor = event.name,
            ty = event.type_name,
            group = event.group,
            summary = cell(&event.summary)
        );
    }
    out.push_str("\n## Headers\n");
    for header in &events.headers {
        let _ = writeln!(
            out,
            "\n### `{}`: `{}`\n\n{}\n\nNamed by `<{}>`.\n",
            header.name,
            header.type_name,
            header.doc.trim(),
            header.discriminator
        );
        out.push_str(&field_table(&header.fields));
    }
    out.push_str("\n## Events\n");
    for event in &events.events {
        let _ =
            writeln!(out, "\n<a id=\"{}\"></a>\n### `{}`: `{}`\n", event.name, event.event, event.type_name);
        let _ = writeln!(out, "{}\n", event.summary);
        if let Some(more) = &event.doc {
            let _ = writeln!(out, "{}\n", more.trim());
        }
        let _ =
            writeln!(out, "Header `{}`; group `{}`; spec `{}`.\n", event.header, event.group, event.source);
        if event.fields.is_empty() {
            out.push_str("No elements besides the header.\n");
        } else {
            out.push_str(&field_table(&event.fields));
        }
        if !event.notes.is_empty() {
            out.push_str("\nNotes:\n\n");
            for note in &event.notes {
                let _ = writeln!(out, "- {note}");
            }
        }
        if let Some(example) = event.examples.first() {
            let _ = writeln!(out, "\n```xml\n{}\n```", example.xml.trim());
        }
    }
    out
}

fn field_table(fields: &[EventField]) -> String {
    let mut out = String::from("| element | field | type | required | meaning |\n|---|---|---|---|---|\n");
    for field in fields {
        let mut element = format!("`{}`", field.element);
        for alias in &field.aliases {
            let _ = write!(element, " (or `{alias}`)");
        }
        let ty = match field.ty {
            EventFieldType::String if field.secret => "string (secret)",
            EventFieldType::String => "string",
            EventFieldType::Integer => "integer",
            EventFieldType::Boolean => "boolean (0/1)",
        };
        let _ = writeln!(
            out,
            "| {element} | `{}` | {ty} | {} | {} |",
            field.rust_name,
            if field.optional { "no" } else { "yes" },
            cell(&field.doc)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SourceFile;
    use crate::emit::rust::module_file;

    /// A small spec: one header, one event with a required string, an aliased optional flag and
    /// a secret.
    fn events() -> Events {
        let files = [
            SourceFile::new(
                "spec/events.toml",
                "[headers.account]\ndoc = \"Account events.\"\ndiscriminator = \"Event\"\n\
                 fields.CreateTime = { type = \"integer\", doc = \"When.\" }\n",
            ),
            SourceFile::new(
                "spec/demo/events/thing.toml",
                "name = \"thing_done\"\nevent = \"thing_done\"\nheader = \"account\"\nsummary = \"A thing was done.\"\n\
                 [fields]\nCardId = { type = \"string\", doc = \"The card.\" }\n\
                 IsGift = { type = \"boolean\", optional = true, aliases = [\"is_gift\"], doc = \"A gift.\" }\n\
                 Ticket = { type = \"string\", secret = true, doc = \"The ticket.\" }\n\
                 [[examples]]\nxml = '<xml><CreateTime>1</CreateTime><Event>thing_done</Event><CardId>c</CardId><Ticket>t</Ticket></xml>'\n",
            ),
        ];
        crate::emit::test_support::events_spec(&["demo"], files)
    }

    #[test]
    fn reads_name_the_element_and_try_aliases() {
        let events = events();
        let Module { docs, items } = group_file(&events, "demo");
        let file = module_file("demo.rs", &docs, items).unwrap_or_else(|e| panic!("{e}"));
        // prettyplease wraps long lines where it likes: compare without whitespace.
        let file: String = file.split_whitespace().collect();
        // One pass finds every element read: the header's, the three that name the message,
        // the event's and their aliases, each in its slot.
        assert!(
            file.contains(
                r#"constNAMES:[&str;8]=["CreateTime","Event","InfoType","MsgType","CardId","IsGift","is_gift","Ticket",];"#
            ),
            "{file}"
        );
        assert!(file.contains(r#""is_gift"=>Some(6),"Ticket"=>Some(7),_=>None,"#), "{file}");
        assert!(
            file.contains(r#"field::expect_kind_of([found[1],found[2],found[3]],Self::EVENT)?;"#),
            "{file}"
        );
        assert!(file.contains(r#"header:super::AccountHeader::from_found(&found)?,"#), "{file}");
        let Module { docs, items } = module(&events);
        let module = module_file("mod.rs", &docs, items).unwrap_or_else(|e| panic!("{e}"));
        let module: String = module.split_whitespace().collect();
        assert!(module.contains(r#"create_time:field::integer_of(found(0),"CreateTime")?,"#), "{module}");
        assert!(file.contains(r#"card_id:field::string_of(found[4],"CardId")?,"#), "{file}");
        assert!(
            file.contains(
                r#"is_gift:field::opt_boolean_of(found[5],"IsGift")?.or(field::opt_boolean_of(found[6],"is_gift")?),"#
            ),
            "{file}"
        );
        assert!(
            file.contains(r#"ticket:::wechat_core::Secret::new(field::string_of(found[7],"Ticket")?),"#),
            "{file}"
        );
        assert!(file.contains("pubticket:::wechat_core::Secret,"), "{file}");
    }

    #[test]
    fn example_tests_are_laid_out_as_prettyplease_lays_them_out() {
        let events = events();
        let event = &events.events[0];
        let aliases = [("is_gift", "IsGift"), ("an_alias_long_enough_to_break_the_line", "IsGift")];
        for (xml, aliases) in [("<xml/>", &aliases[..0]), (event.examples[0].xml.as_str(), &aliases[..])] {
            let text = example_test_text(event, 0, xml, aliases);
            assert_eq!(crate::emit::test_support::prettyplease_of(&text), text);
        }
        let text = example_test_text(event, 1, "<xml/>", &[]);
        assert!(
            text.ends_with(
                "fn thing_done_example_2() {\n    example(\"<xml/>\", &[], events::ThingDone::to_message, events::Event::ThingDone);\n}\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn the_docs_page_lists_every_element() {
        let page = docs_page(&events());
        assert!(
            page.contains("| `IsGift` (or `is_gift`) | `is_gift` | boolean (0/1) | no | A gift. |"),
            "{page}"
        );
        assert!(page.contains("| `Ticket` | `ticket` | string (secret) | yes | The ticket. |"), "{page}");
        assert!(page.contains("### `account`: `AccountHeader`"), "{page}");
    }
}
