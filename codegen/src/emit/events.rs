//! Push events: one struct per event implementing `wechat_core::push::FromMessage`, the
//! headers they share, the `Event` enum over them (`wechat_card::events`, cargo feature
//! `events`, each event also behind its group's feature), the re-exports of the typed entry
//! points (`receive`, `handle`, and the axum `route` behind `events-axum`, hand-written in the
//! client crate's `src/events_entry.rs`), their example tests (an integration test of the client
//! crate) and their page of the API reference.

use std::fmt::Write as _;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use crate::emit::rust::{cell, doc, ident};
use crate::emit::{GENERATED_DIR, GENERATED_TESTS_DIR, HEADER, Module};
use crate::model::{Event, EventField, EventFieldType, Events, Header};

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

/// `generated/events/mod.rs`: the headers, the `Event` enum and the group modules.
pub(crate) fn module(events: &Events) -> Module {
    let headers = events.headers.iter().map(header);
    let groups = events.groups().into_iter().map(|group| {
        let module = ident(group);
        let types = events.events.iter().filter(|e| e.group == group).map(|e| ident(&e.type_name));
        quote! {
            #[cfg(feature = #group)]
            mod #module;
            #[cfg(feature = #group)]
            pub use #module::{#(#types),*};
        }
    });
    let enum_ = event_enum(events);
    let entry = entry_points();
    let items = quote! {
        #(#groups)*

        use ::wechat_core::push::{Fields, FromMessage, Message, PushError, field};

        #entry
        #enum_
        #(#headers)*
    };
    Module { docs: module_doc(events), items }
}

/// Where the generated events module finds the hand-written entry points (`Push`, `receive`,
/// `handle`, the axum `route`): `crates/wechat-card/src/events_entry.rs`, relative to the
/// module's folder. Nothing in them depends on the spec, so they are written by hand.
const ENTRY_PATH: &str = "../../events_entry.rs";

/// The hand-written entry points, as the events module's `entry` child, and their re-exports:
/// `route` only with the `events-axum` feature.
fn entry_points() -> TokenStream {
    let (path, axum) = (ENTRY_PATH, AXUM_FEATURE);
    quote! {
        /// `Push`, `receive`, `handle` and `route`, hand-written in `src/events_entry.rs`.
        #[path = #path]
        mod entry;
        pub use entry::{Push, handle, receive};
        #[cfg(feature = #axum)]
        pub use entry::route;
    }
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

/// The `Event` enum over every event: its declaration, its methods and its `FromMessage`.
fn event_enum(events: &Events) -> TokenStream {
    let declaration = enum_declaration(events);
    let methods = enum_methods(events);
    let from_message = enum_from_message(events);
    quote! {
        #declaration
        #methods
        #from_message
    }
}

/// One item per event, behind its group's feature: `item` writes it from the event's type.
fn per_event<'a>(
    events: &'a Events,
    item: impl Fn(&Ident) -> TokenStream + 'a,
) -> impl Iterator<Item = TokenStream> + 'a {
    events.events.iter().map(move |e| {
        let (name, group) = (ident(&e.type_name), &e.group);
        let item = item(&name);
        quote! {
            #[cfg(feature = #group)]
            #item
        }
    })
}

/// `pub enum Event`: a variant per event, named and typed as the event, behind its group's
/// feature, and `Unknown` for any other message.
fn enum_declaration(events: &Events) -> TokenStream {
    let variants = events.events.iter().map(|e| {
        let (name, group, summary) = (ident(&e.type_name), &e.group, doc(&e.summary));
        quote! {
            #summary
            #[cfg(feature = #group)]
            #name(#name),
        }
    });
    quote! {
        /// A push event: one of those the spec declares, or [`Event::Unknown`].
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum Event {
            #(#variants)*
            /// An event this SDK does not know, or whose group's cargo feature is off: the
            /// whole message, every element kept as sent ([`Message::kind`] names it).
            Unknown(Message),
        }
    }
}

/// `impl Event`: `parse`, and `kind` and `to_message` with an arm per event.
fn enum_methods(events: &Events) -> TokenStream {
    let kinds = per_event(events, |name| quote!(Self::#name(_) => Some(#name::EVENT),));
    let writes = per_event(events, |name| quote!(Self::#name(event) => event.to_message(),));
    quote! {
        impl Event {
            /// Reads a push message's XML (decrypted, as [`Receiver`](::wechat_core::push::Receiver)
            /// hands it over) into its event.
            pub fn parse(xml: &[u8]) -> Result<Self, PushError> {
                Self::from_message(&Message::parse(xml)?)
            }

            /// The value naming the event (its `Event` or `InfoType` element), if it has one.
            pub fn kind(&self) -> Option<&str> {
                match self {
                    #(#kinds)*
                    Self::Unknown(message) => message.kind(),
                }
            }

            /// The event as the message WeChat pushes (an unknown event as it came).
            pub fn to_message(&self) -> Message {
                match self {
                    #(#writes)*
                    Self::Unknown(message) => message.clone(),
                }
            }
        }
    }
}

/// `impl FromMessage for Event`: the message's kind picks the event that reads it, with an
/// arm per event; any other kind is `Event::Unknown`.
fn enum_from_message(events: &Events) -> TokenStream {
    let arms =
        per_event(events, |name| quote!(Some(#name::EVENT) => #name::from_fields(message).map(Self::#name),));
    quote! {
        /// A known event whose required element is missing, or whose element does not read as
        /// its type, is an error naming the element; any other event is [`Event::Unknown`].
        impl FromMessage for Event {
            fn from_message(message: &Message) -> Result<Self, PushError> {
                Self::from_fields(message)
            }

            fn from_fields<F: Fields + ?Sized>(message: &F) -> Result<Self, PushError> {
                match message.kind() {
                    #(#arms)*
                    _ => Ok(Self::Unknown(message.to_message())),
                }
            }
        }
    }
}

fn header(header: &Header) -> TokenStream {
    let name = ident(&header.type_name);
    let docs =
        doc(&format!("{}\n\nFrom `spec/events.toml` (`[headers.{}]`).", header.doc.trim(), header.name));
    let discriminator = &header.discriminator;
    let fields = header.fields.iter().map(struct_field);
    let slots = header_slots(header);
    let from_found = header_from_found(header, &slots);
    let find = find_slots(&slots);
    // The leading required elements go into the array itself (clippy refuses pushes right
    // after an empty `Vec::new()`); the discriminator too when nothing optional follows.
    let prefix = header.fields.iter().take_while(|f| !f.optional).count();
    let leading = header.fields[..prefix].iter().map(element_value);
    let writes = header.fields[prefix..].iter().map(write_field);
    let discriminator_element = quote!(::wechat_core::push::Element::text(Self::DISCRIMINATOR, event));
    let (inline, last) = if prefix == header.fields.len() {
        (Some(discriminator_element), None)
    } else {
        (None, Some(quote!(elements.push(#discriminator_element);)))
    };
    let all = quote!(Vec::from([#(#leading,)* #inline]));
    let body = if prefix == header.fields.len() {
        all
    } else {
        quote! {
            let mut elements = #all;
            #(#writes)*
            #last
            elements
        }
    };
    let discriminator_doc = doc(&format!("The element naming the event: `{discriminator}`."));
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #discriminator_doc
            pub const DISCRIMINATOR: &'static str = #discriminator;

            /// The header's elements, then the discriminator naming `event`: how every message
            /// with this header starts.
            pub fn elements(&self, event: &str) -> Vec<::wechat_core::push::Element> {
                #body
            }

            #from_found
        }

        impl FromMessage for #name {
            fn from_message(message: &Message) -> Result<Self, PushError> {
                Self::from_fields(message)
            }

            fn from_fields<F: Fields + ?Sized>(message: &F) -> Result<Self, PushError> {
                #find
                Self::from_found(&found)
            }
        }
    }
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

/// The header's `from_found`: its fields from the first slots of `found` (`names`, from
/// [`header_slots`]), each read with `get`, so a slot past the end reads as absent. Its own
/// `from_fields` and every event's call it.
fn header_from_found(header: &Header, names: &[String]) -> TokenStream {
    let mut slot = |name: &str| {
        let at = Literal::usize_unsuffixed(names.iter().position(|n| n == name).unwrap_or(names.len()));
        quote!(found(#at))
    };
    let reads: Vec<TokenStream> = header.fields.iter().map(|f| read_found(f, &mut slot)).collect();
    quote! {
        /// The header from the slots `find_fields` filled (its own, or an event's): its
        /// elements take the first ones, in the order the header declares them.
        pub(crate) fn from_found(found: &[Option<Option<&str>>]) -> Result<Self, PushError> {
            let found = |at: usize| found.get(at).copied().flatten();
            Ok(Self { #(#reads)* })
        }
    }
}

/// `NAMES`, and `found` filled in one pass over the message (`Fields::find_fields`, with a
/// `match` from element name to slot): one slot per name, in order.
fn find_slots(names: &[String]) -> TokenStream {
    let count = Literal::usize_unsuffixed(names.len());
    let arms = names.iter().enumerate().map(|(at, name)| {
        let at = Literal::usize_unsuffixed(at);
        quote!(#name => Some(#at),)
    });
    quote! {
        const NAMES: [&str; #count] = [#(#names),*];
        let mut found = [None; #count];
        message.find_fields(&NAMES, |name| match name {
            #(#arms)*
            _ => None,
        }, &mut found);
    }
}

/// `generated/events/<group>.rs`: the group's events.
pub(crate) fn group_file(events: &Events, group: &str) -> Module {
    let docs = format!("Push events of `{group}`, from `spec/{group}/events/`.");
    let structs = events.events.iter().filter(|e| e.group == group).map(|e| event_struct(events, e));
    let items = quote! {
        use ::wechat_core::push::{Fields, FromMessage, Message, PushError, field};

        #(#structs)*
    };
    Module { docs, items }
}

fn event_struct(events: &Events, event: &Event) -> TokenStream {
    let name = ident(&event.type_name);
    let header = events.header(&event.header);
    let (header_type, discriminator) = header
        .map(|h| (ident(&h.type_name), h.discriminator.as_str()))
        .unwrap_or_else(|| (ident("AccountHeader"), "Event"));
    let mut text = event.summary.clone();
    if let Some(more) = &event.doc {
        let _ = write!(text, "\n\n{}", more.trim());
    }
    let _ = write!(
        text,
        "\n\n`{discriminator}` = `{}`; from `{}`, behind the `{}` cargo feature.",
        event.event, event.source, event.group
    );
    let docs = doc(&text);
    let value = &event.event;
    let const_doc = doc(&format!("The `{discriminator}` value naming this event."));
    let header_doc = doc(&format!("The elements every push with `{discriminator}` carries."));
    let fields = event.fields.iter().map(struct_field);
    let from_fields = from_fields(event, header, &header_type);
    let writes = event.fields.iter().map(write_field);
    let binding = if event.fields.is_empty() { quote!(elements) } else { quote!(mut elements) };
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            #header_doc
            pub header: super::#header_type,
            #(#fields)*
        }

        impl #name {
            #const_doc
            pub const EVENT: &'static str = #value;

            /// The event as the message WeChat pushes: the header, the element naming the
            /// event, then the event's elements (absent ones left out, flags as `0`/`1`).
            pub fn to_message(&self) -> Message {
                let #binding = self.header.elements(Self::EVENT);
                #(#writes)*
                Message::from_elements(elements)
            }
        }

        impl FromMessage for #name {
            fn from_message(message: &Message) -> Result<Self, PushError> {
                Self::from_fields(message)
            }

            #from_fields
        }
    }
}

/// An event's `from_fields`: one pass over the message finds every element the event reads
/// (`Fields::find_fields`, with a `match` from element name to slot), then each field reads
/// its slot, the header's included.
fn from_fields(event: &Event, header: Option<&Header>, header_type: &proc_macro2::Ident) -> TokenStream {
    let mut names: Vec<String> = Vec::new();
    // The header's elements take the first slots, as its `from_found` reads them.
    if let Some(header) = header {
        names = header_slots(header);
    }
    let mut slot = |name: &str| {
        let at = match names.iter().position(|n| n == name) {
            Some(at) => at,
            None => {
                names.push(name.to_owned());
                names.len() - 1
            }
        };
        let at = Literal::usize_unsuffixed(at);
        quote!(found[#at])
    };
    let kind = ["Event", "InfoType", "MsgType"].map(&mut slot);
    let reads: Vec<TokenStream> = event.fields.iter().map(|f| read_found(f, &mut slot)).collect();
    let header_value = if header.is_some() {
        quote!(super::#header_type::from_found(&found)?)
    } else {
        quote!(super::#header_type::from_fields(message)?)
    };
    let find = find_slots(&names);
    quote! {
        fn from_fields<F: Fields + ?Sized>(message: &F) -> Result<Self, PushError> {
            #find
            field::expect_kind_of([#(#kind),*], Self::EVENT)?;
            Ok(Self {
                header: #header_value,
                #(#reads)*
            })
        }
    }
}

fn struct_field(field: &EventField) -> TokenStream {
    let name = ident(&field.rust_name);
    let mut text = field.doc.clone();
    let _ = write!(text, "\n\nElement `<{}>`", field.element);
    if !field.aliases.is_empty() {
        let aliases: Vec<String> = field.aliases.iter().map(|a| format!("`<{a}>`")).collect();
        let _ = write!(text, " (also read as {})", aliases.join(", "));
    }
    text.push('.');
    let docs = doc(&text);
    let ty = value_type(field);
    let ty = if field.optional { quote!(Option<#ty>) } else { ty };
    quote! {
        #docs
        pub #name: #ty,
    }
}

fn value_type(field: &EventField) -> TokenStream {
    match field.ty {
        EventFieldType::String if field.secret => quote!(::wechat_core::Secret),
        EventFieldType::String => quote!(String),
        EventFieldType::Integer => quote!(i64),
        EventFieldType::Boolean => quote!(bool),
    }
}

/// `name: <read>,` from the slots `Fields::find_fields` filled, `slot` giving the tokens that
/// read an element's (or alias's) slot: the element (or its first alias present), with an
/// error naming the element when a required one is missing.
fn read_found(field: &EventField, slot: &mut impl FnMut(&str) -> TokenStream) -> TokenStream {
    let name = ident(&field.rust_name);
    let base = match field.ty {
        EventFieldType::String => "string",
        EventFieldType::Integer => "integer",
        EventFieldType::Boolean => "boolean",
    };
    let element = &field.element;
    let found = slot(element);
    let read = if field.aliases.is_empty() && !field.optional {
        let function = ident(&format!("{base}_of"));
        quote!(field::#function(#found, #element)?)
    } else {
        let function = ident(&format!("opt_{base}_of"));
        let aliases: Vec<TokenStream> = field
            .aliases
            .iter()
            .map(|alias| {
                let found = slot(alias);
                quote!(.or(field::#function(#found, #alias)?))
            })
            .collect();
        let optional = quote!(field::#function(#found, #element)? #(#aliases)*);
        if field.optional {
            optional
        } else {
            quote!(#optional.ok_or(PushError::MissingField { name: #element })?)
        }
    };
    let read = match (field.secret, field.optional) {
        (false, _) => read,
        (true, false) => quote!(::wechat_core::Secret::new(#read)),
        (true, true) => quote!(#read.map(::wechat_core::Secret::new)),
    };
    quote!(#name: #read,)
}

/// The element of a required field.
fn element_value(field: &EventField) -> TokenStream {
    let name = ident(&field.rust_name);
    let element = &field.element;
    let text = match field.ty {
        EventFieldType::String if field.secret => quote!(self.#name.expose()),
        EventFieldType::String => quote!(self.#name.as_str()),
        EventFieldType::Integer => quote!(self.#name.to_string()),
        EventFieldType::Boolean => quote!(if self.#name { "1" } else { "0" }),
    };
    quote!(::wechat_core::push::Element::text(#element, #text))
}

/// Pushes the field's element onto `elements`, unless it is an absent optional one.
fn write_field(field: &EventField) -> TokenStream {
    if !field.optional {
        let element = element_value(field);
        return quote!(elements.push(#element););
    }
    let name = ident(&field.rust_name);
    let element = &field.element;
    let text = match field.ty {
        EventFieldType::String if field.secret => quote!(value.expose()),
        EventFieldType::String => quote!(value.as_str()),
        EventFieldType::Integer => quote!(value.to_string()),
        EventFieldType::Boolean => quote!(if *value { "1" } else { "0" }),
    };
    quote! {
        if let Some(value) = &self.#name {
            elements.push(::wechat_core::push::Element::text(#element, #text));
        }
    }
}

/// `tests/generated/event_examples.rs`: every example message through its type and back,
/// through the crate's public API only.
pub(crate) fn examples_tests(events: &Events) -> TokenStream {
    let tests = events.events.iter().flat_map(|event| {
        let name = ident(&event.type_name);
        let group = &event.group;
        let aliases: Vec<TokenStream> = event
            .fields
            .iter()
            .flat_map(|f| f.aliases.iter().map(move |a| (a, &f.element)))
            .map(|(alias, element)| quote!((#alias, #element)))
            .collect();
        event.examples.iter().enumerate().map(move |(i, example)| {
            let test = ident(&format!("{}_example_{}", event.name, i + 1));
            let xml = &example.xml;
            let aliases = aliases.clone();
            quote! {
                #[cfg(feature = #group)]
                #[test]
                fn #test() {
                    example(#xml, &[#(#aliases),*], events::#name::to_message, events::Event::#name);
                }
            }
        })
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
            SourceFile::new("spec/errors.toml", "[[errors]]\ncode = -1\nmessage = \"m\"\nmeaning = \"M.\"\n"),
            SourceFile::new("spec/groups.toml", "[groups.demo]\nsummary = \"Demo.\"\n"),
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
        crate::check_spec(&files).unwrap_or_else(|e| panic!("{e}")).events
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
