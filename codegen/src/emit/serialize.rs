//! The `Serialize` impl of a generated struct, written out rather than derived: what serde's
//! derive wrote for the same `#[serde]` attributes (each field in declaration order under its
//! wire name, an optional one skipped when empty, query parameters and files never, a
//! constant as its value), without the proc macro, which expanded again at every build of the
//! crate: about a third of the synthetic 1,000-endpoint crate's macro expansion
//! (BENCHMARKS.md). A struct with a flattened field keeps the derive.
//!
//! Written as text laid out as prettyplease lays it out, like the `Deserialize` impls
//! ([`super::deserialize`]); the tests check that prettyplease leaves it as it is.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::deserialize::Parts;
use crate::emit::rust;
use crate::emit::table_writer::{Base, Link, Writer};
use crate::model::Direction;

/// How one field is written.
enum Put<'a> {
    /// Always: `.field("wire", &self.field)`.
    Field { ident: &'a str, wire: &'a str },
    /// When set: `.optional("wire", &self.field)`.
    Optional { ident: &'a str, wire: &'a str },
    /// A constant's value: `.field("wire", "value")`.
    Constant { wire: &'a str, value: &'a str },
}

/// `impl Serialize for NAME`, writing `parts`; `gate` (a `#[cfg(..)]`) before it, if any.
pub(crate) fn object_impl(name: &str, parts: &Parts<'_>, gate: Option<&str>) -> TokenStream {
    let mut text = String::new();
    rust::push_gate(&mut text, gate);
    text.push_str(&object_impl_text(name, parts));
    rust::verbatim_item(text)
}

/// The fields written, in declaration order: constants, then the spec's fields a request
/// sends (query parameters travel in the URL, files in the multipart body, and a field only
/// answers hold is never sent).
fn puts<'a>(parts: &Parts<'a>) -> Vec<Put<'a>> {
    let constants = parts.constants.iter().map(|c| Put::Constant { wire: &c.name, value: &c.value });
    let fields = parts.fields.iter().filter(|f| f.only != Some(Direction::Response)).map(|f| {
        if f.required {
            Put::Field { ident: &f.ident, wire: &f.wire }
        } else {
            Put::Optional { ident: &f.ident, wire: &f.wire }
        }
    });
    constants.chain(fields).collect()
}

/// The impl's text, at the start of its lines: one chain through
/// `wechat_core::fields::Struct`, which keeps the first error and hands it back from `end()`.
/// A `?` per field was a branch, a conversion and a return per field for the compiler to
/// check and for the crate's metadata to hold, in every struct (BENCHMARKS.md).
fn object_impl_text(name: &str, parts: &Parts<'_>) -> String {
    let puts = puts(parts);
    let optional: Vec<&str> = puts
        .iter()
        .filter_map(|p| match p {
            Put::Optional { ident, .. } => Some(*ident),
            Put::Field { .. } | Put::Constant { .. } => None,
        })
        .collect();
    let always = puts.len() - optional.len();
    let mut w = Writer::new(512 + 96 * puts.len());
    w.impl_block(Some("serde::Serialize"), name, |w| {
        let params = [("&self", None), ("serializer", Some(&quote!(S)))];
        let output = quote!(Result<S::Ok, S::Error>);
        w.function_item("fn serialize<S: serde::Serializer>", &params, Some(&output), |w| {
            w.line("use ::wechat_core::fields;");
            let begin = |w: &mut Writer| {
                w.arg(|w| w.word("serializer"));
                w.arg(|w| w.str(name));
                w.arg(|w| {
                    if optional.is_empty() {
                        w.uint(always as u64);
                    } else {
                        w.call("fields::len", |w| {
                            w.arg(|w| w.uint(always as u64));
                            w.arg(|w| {
                                w.word("&");
                                w.array(&optional, |w, ident| {
                                    let links = [Link::Field(ident), Link::Method("is_some", &|_| {})];
                                    w.chain(Base::Path("self"), &links, false);
                                });
                            });
                        });
                    }
                });
            };
            let writes: Vec<_> = puts.iter().map(|put| move |w: &mut Writer| put.args(w)).collect();
            let mut links: Vec<Link<'_>> =
                puts.iter().zip(&writes).map(|(put, args)| Link::Method(put.method(), args)).collect();
            links.push(Link::Method("end", &|_| {}));
            w.tail(|w| w.chain(Base::Call("fields::Struct::begin", &begin), &links, true));
        });
    });
    w.finish()
}

impl Put<'_> {
    /// The method of `fields::Struct` that writes the field.
    fn method(&self) -> &'static str {
        match self {
            Put::Field { .. } | Put::Constant { .. } => "field",
            Put::Optional { .. } => "optional",
        }
    }

    /// The method's arguments: the key, and the field or the constant's value.
    fn args(&self, w: &mut Writer) {
        match *self {
            Put::Field { ident, wire } | Put::Optional { ident, wire } => {
                w.arg(|w| w.str(wire));
                w.arg(|w| {
                    w.word("&");
                    w.field_of("self", ident);
                });
            }
            Put::Constant { wire, value } => {
                w.arg(|w| w.str(wire));
                w.arg(|w| w.str(value));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::test_support::{
        SYSTEM_BUSY, TEXT_WRITER_ENDPOINT, one_endpoint_spec, prettyplease_of as pretty,
    };

    #[test]
    fn the_written_impls_are_laid_out_as_prettyplease_lays_them_out() {
        let spec = one_endpoint_spec("demo", SYSTEM_BUSY, None, TEXT_WRITER_ENDPOINT);
        let op = spec.operations().next().expect("one operation");
        let [request, response, _] = op.type_names();
        let (sent, answered) = (Parts::request_of(op), Parts::response_of(op));
        for (name, parts) in [(&request, &sent), (&response, &answered)] {
            let text = object_impl_text(name, parts);
            assert_eq!(pretty(&text), text, "{name}");
        }
        let text = object_impl_text("Empty", &Parts::EMPTY);
        assert_eq!(pretty(&text), text);
        assert!(text.contains("fields::Struct::begin(serializer, \"Empty\", 0).end()"), "{text}");
    }

    #[test]
    fn optional_fields_count_when_set() {
        let spec = one_endpoint_spec("demo", SYSTEM_BUSY, None, TEXT_WRITER_ENDPOINT);
        let op = spec.operations().next().expect("one operation");
        let text = object_impl_text("Demo", &Parts::request_of(op));
        assert!(text.contains("fields::len("), "{text}");
        assert!(text.contains("\n            .optional(\""), "{text}");
    }
}
