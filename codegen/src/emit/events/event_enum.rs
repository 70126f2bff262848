//! The events module's own items, written as text laid out as prettyplease lays them out
//! ([`Writer`]): each group's module and re-exports, the hand-written entry points, and the
//! `Event` enum over every event with its methods and its `FromMessage`.

use quote::quote;

use crate::emit::doc_wrap::wrap_doc_lines;
use crate::emit::events::{AXUM_FEATURE, structs};
use crate::emit::rust::{cfg_feature, ident};
use crate::emit::table_writer::{Base, Link, Writer};
use crate::model::Events;

/// Where the generated events module finds the hand-written entry points (`Push`, `receive`,
/// `handle`, the axum `route`): `crates/wechat-card/src/events_entry.rs`, relative to the
/// module's folder. Nothing in them depends on the spec, so they are written by hand.
const ENTRY_PATH: &str = "../../events_entry.rs";

/// The items of `generated/events/mod.rs`, the headers' excepted.
pub(super) fn module_items_text(events: &Events) -> String {
    let mut w = Writer::new(4096 + 1024 * events.events.len());
    for group in events.groups() {
        let types: Vec<&str> =
            events.events.iter().filter(|e| e.group == group).map(|e| e.type_name.as_str()).collect();
        w.attr(&cfg_feature(group));
        w.line(&format!("mod {group};"));
        w.attr(&cfg_feature(group));
        w.word("pub ");
        w.use_list(group, &types);
    }
    w.use_list("::wechat_core::push", &["Fields", "FromMessage", "Message", "PushError", "field"]);
    // The hand-written entry points, as the events module's `entry` child, and their
    // re-exports: `route` only with the `events-axum` feature.
    w.doc("///", "`Push`, `receive`, `handle` and `route`, hand-written in `src/events_entry.rs`.", true);
    w.attr(&format!("#[path = \"{ENTRY_PATH}\"]"));
    w.line("mod entry;");
    w.word("pub ");
    w.use_list("entry", &["Push", "handle", "receive"]);
    w.attr(&cfg_feature(AXUM_FEATURE));
    w.line("pub use entry::route;");
    declaration(&mut w, events);
    methods(&mut w, events);
    from_message(&mut w, events);
    wrap_doc_lines(w.finish())
}

/// `pub enum Event`: a variant per event, named and typed as the event, behind its group's
/// feature, and `Unknown` for any other message.
fn declaration(w: &mut Writer, events: &Events) {
    w.doc("///", "A push event: one of those the spec declares, or [`Event::Unknown`].", true);
    w.attr("#[derive(Debug, Clone, PartialEq)]");
    w.attr("#[non_exhaustive]");
    w.module("pub enum Event", |w| {
        for event in &events.events {
            w.doc("///", &event.summary, true);
            w.attr(&cfg_feature(&event.group));
            let name = ident(&event.type_name);
            let ty = quote!(#name);
            w.tuple_variant(&event.type_name, &ty);
        }
        w.doc(
            "///",
            "An event this SDK does not know, or whose group's cargo feature is off: the\n\
             whole message, every element kept as sent ([`Message::kind`] names it).",
            true,
        );
        w.tuple_variant("Unknown", &quote!(Message));
    });
}

/// An arm per event, behind its group's feature: `arm` writes it from the event's type.
fn per_event(w: &mut Writer, events: &Events, mut arm: impl FnMut(&mut Writer, &str)) {
    for event in &events.events {
        w.attr(&cfg_feature(&event.group));
        arm(w, &event.type_name);
    }
}

/// `impl Event`: `parse`, and `kind` and `to_message` with an arm per event.
fn methods(w: &mut Writer, events: &Events) {
    let none = |_: &mut Writer| {};
    w.impl_block(None, "Event", |w| {
        w.doc(
            "///",
            "Reads a push message's XML (decrypted, as [`Receiver`](::wechat_core::push::Receiver)\n\
             hands it over) into its event.",
            true,
        );
        let params = [("xml", Some(&quote!(&[u8])))];
        w.function_item("pub fn parse", &params, Some(&structs::result()), |w| {
            w.tail(|w| {
                w.call("Self::from_message", |w| {
                    w.arg(|w| {
                        w.word("&");
                        w.try_call("Message::parse", |w| w.arg(|w| w.word("xml")));
                    });
                });
            });
        });
        w.doc("///", "The value naming the event (its `Event` or `InfoType` element), if it has one.", true);
        w.function_item("pub fn kind", &[("&self", None)], Some(&quote!(Option<&str>)), |w| {
            w.tail(|w| {
                w.match_expr("self", |w| {
                    per_event(w, events, |w, name| {
                        let event = format!("{name}::EVENT");
                        w.arm_on(
                            |w| w.tuple_pattern(&format!("Self::{name}"), "_"),
                            |w| w.call("Some", |w| w.arg(|w| w.word(&event))),
                        );
                    });
                    w.arm_on(
                        |w| w.tuple_pattern("Self::Unknown", "message"),
                        |w| w.chain(Base::Path("message"), &[Link::Method("kind", &none)], true),
                    );
                });
            });
        });
        w.doc("///", "The event as the message WeChat pushes (an unknown event as it came).", true);
        w.function_item("pub fn to_message", &[("&self", None)], Some(&quote!(Message)), |w| {
            w.tail(|w| {
                w.match_expr("self", |w| {
                    per_event(w, events, |w, name| {
                        w.arm_on(
                            |w| w.tuple_pattern(&format!("Self::{name}"), "event"),
                            |w| w.chain(Base::Path("event"), &[Link::Method("to_message", &none)], true),
                        );
                    });
                    w.arm_on(
                        |w| w.tuple_pattern("Self::Unknown", "message"),
                        |w| w.chain(Base::Path("message"), &[Link::Method("clone", &none)], true),
                    );
                });
            });
        });
    });
}

/// `impl FromMessage for Event`: the message's kind picks the event that reads it, with an
/// arm per event; any other kind is `Event::Unknown`.
fn from_message(w: &mut Writer, events: &Events) {
    w.doc(
        "///",
        "A known event whose required element is missing, or whose element does not read as\n\
         its type, is an error naming the element; any other event is [`Event::Unknown`].",
        true,
    );
    w.impl_block(Some("FromMessage"), "Event", |w| {
        structs::from_message(w);
        let params = [("message", Some(&quote!(&F)))];
        w.function_item(structs::FROM_FIELDS, &params, Some(&structs::result()), |w| {
            w.tail(|w| {
                w.match_expr("message.kind()", |w| {
                    per_event(w, events, |w, name| {
                        let variant = format!("Self::{name}");
                        let map = |w: &mut Writer| w.arg(|w| w.word(&variant));
                        let read = |w: &mut Writer| w.arg(|w| w.word("message"));
                        w.arm_on(
                            |w| w.tuple_pattern("Some", &format!("{name}::EVENT")),
                            |w| {
                                let from_fields = format!("{name}::from_fields");
                                w.chain(Base::Call(&from_fields, &read), &[Link::Method("map", &map)], true);
                            },
                        );
                    });
                    w.arm_on(
                        |w| w.word("_"),
                        |w| {
                            w.call("Ok", |w| {
                                w.arg(|w| {
                                    w.call("Self::Unknown", |w| {
                                        w.arg(|w| w.method_call("message", "to_message", false, |_| {}));
                                    });
                                });
                            });
                        },
                    );
                });
            });
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SourceFile;
    use crate::emit::test_support::{events_spec, prettyplease_of as pretty};

    #[test]
    fn the_module_items_are_laid_out_as_prettyplease_lays_them_out() {
        let mut files = vec![SourceFile::new(
            "spec/events.toml",
            "[headers.account]\ndoc = \"Account events.\"\ndiscriminator = \"Event\"\n\
                 fields.CreateTime = { type = \"integer\", doc = \"When.\" }\n",
        )];
        // Names long enough to break the re-exports and the arms, in two groups.
        for (group, name) in [
            ("demo", "thing_done"),
            ("demo", "a_thing_whose_name_is_long_enough_to_break_every_arm_that_names_it_twice"),
            ("other", "other_thing"),
        ] {
            files.push(SourceFile::new(
                format!("spec/{group}/events/{name}.toml"),
                format!(
                    "name = \"{name}\"\nevent = \"{name}\"\nheader = \"account\"\nsummary = \"Something.\"\n\
                 [[examples]]\nxml = '<xml><CreateTime>1</CreateTime><Event>{name}</Event></xml>'\n"
                ),
            ));
        }
        let events = events_spec(&["demo", "other"], files);
        let text = module_items_text(&events);
        assert_eq!(pretty(&text), text);
        assert!(text.contains("#[cfg(feature = \"other\")]\npub use other::OtherThing;\n"), "{text}");
        assert!(text.contains("            #[cfg(feature = \"demo\")]\n            Self::ThingDone(event) => event.to_message(),\n"), "{text}");
    }
}
