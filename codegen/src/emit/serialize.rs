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
    /// Always: `out.serialize_field("wire", &self.field)?;`.
    Field { ident: &'a str, wire: &'a str },
    /// When set: `fields::optional(&mut out, "wire", &self.field)?;`.
    Optional { ident: &'a str, wire: &'a str },
    /// A constant's value: `out.serialize_field("wire", "value")?;`.
    Constant { wire: &'a str, value: &'a str },
}

/// `impl Serialize for NAME`, writing `parts`; `gate` (a `#[cfg(..)]`) before it, if any.
pub(crate) fn object_impl(name: &str, parts: &Parts<'_>, gate: Option<&str>) -> TokenStream {
    let mut text = String::new();
    if let Some(gate) = gate {
        text.push_str(gate);
        text.push('\n');
    }
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

/// The impl's text, at the start of its lines.
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
            if !optional.is_empty() {
                w.line("use ::wechat_core::fields;");
            }
            w.line("use serde::ser::SerializeStruct;");
            let out = if puts.is_empty() { "out" } else { "mut out" };
            w.let_statement(out, |w| {
                w.method_call("serializer", "serialize_struct", false, |w| {
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
                });
                w.word("?");
            });
            puts.iter().for_each(|put| put.write(w));
            w.tail(|w| w.method_call("out", "end", true, |_| {}));
        });
    });
    w.finish()
}

impl Put<'_> {
    /// The field's statement.
    fn write(&self, w: &mut Writer) {
        w.statement(|w| {
            match self {
                Put::Field { ident, wire } => w.method_call("out", "serialize_field", true, |w| {
                    w.arg(|w| w.str(wire));
                    w.arg(|w| {
                        w.word("&");
                        w.field_of("self", ident);
                    });
                }),
                Put::Optional { ident, wire } => w.call("fields::optional", |w| {
                    w.arg(|w| w.word("&mut out"));
                    w.arg(|w| w.str(wire));
                    w.arg(|w| {
                        w.word("&");
                        w.field_of("self", ident);
                    });
                }),
                Put::Constant { wire, value } => w.method_call("out", "serialize_field", true, |w| {
                    w.arg(|w| w.str(wire));
                    w.arg(|w| w.str(value));
                }),
            }
            w.word("?");
        });
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
        assert!(text.contains("let out = serializer.serialize_struct(\"Empty\", 0)?;"), "{text}");
    }

    #[test]
    fn optional_fields_count_when_set() {
        let spec = one_endpoint_spec("demo", SYSTEM_BUSY, None, TEXT_WRITER_ENDPOINT);
        let op = spec.operations().next().expect("one operation");
        let text = object_impl_text("Demo", &Parts::request_of(op));
        assert!(text.contains("fields::len("), "{text}");
        assert!(text.contains("fields::optional(&mut out, "), "{text}");
    }
}
