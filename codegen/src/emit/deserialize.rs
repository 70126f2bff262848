//! The `Deserialize` impl of a generated struct, written out rather than derived: one visitor
//! with `visit_map`, the keys in one table, and `wechat_core::fields` for the rest. It accepts
//! what serde's derive accepted (unknown keys skipped, a key twice refused, a missing required
//! field named, a missing optional one empty) at a fraction of the derive's expanded code, and
//! without a proc macro to expand again at every build of the crate.
//!
//! The impls are half of an operation file's code and all of one shape, so they are written as
//! text, laid out by [`Writer`] as prettyplease lays them out, and carried through the file's
//! tokens by [`rust::verbatim_item`]: parsing them back with `syn` cost most of the generator's
//! time. The tests check that prettyplease leaves the text as it is.

use std::fmt::Write as _;

use proc_macro2::TokenStream;

use crate::emit::required_match::{self, Required};
use crate::emit::rust::{self, constant_ident};
use crate::emit::table_writer::{Writer, fits_line};
use crate::model::{Direction, Field, FileField, FixedParam};

/// How one field of the struct is filled.
enum Fill<'a> {
    /// Never read (a query parameter, a file): its default.
    Default(&'a str),
    /// Read from the key `wire` or one of `aliases`; `optional`: empty when left out.
    Read { ident: &'a str, wire: &'a str, aliases: &'a [String], optional: bool },
    /// A constant: the key `wire` must hold `value`.
    Constant { ident: String, wire: &'a str, value: &'a str },
}

/// The fields of a struct in declaration order: query parameters, constants, files, then the
/// spec's fields.
pub(crate) struct Parts<'a> {
    pub(crate) query: &'a [Field],
    pub(crate) constants: &'a [FixedParam],
    pub(crate) files: &'a [FileField],
    pub(crate) fields: &'a [Field],
}

#[cfg(test)]
impl<'a> Parts<'a> {
    /// The parts of `op`'s request type.
    pub(crate) fn request_of(op: &'a crate::model::Operation) -> Self {
        Parts { query: &op.query, constants: &op.fixed_body, files: &op.files, fields: &op.request }
    }

    /// The parts of `op`'s response type.
    pub(crate) fn response_of(op: &'a crate::model::Operation) -> Self {
        Parts { query: &[], constants: &[], files: &[], fields: &op.response }
    }

    /// A struct without fields.
    pub(crate) const EMPTY: Parts<'static> = Parts { query: &[], constants: &[], files: &[], fields: &[] };
}

/// Whether a field read from an answer may be left out: what serde's `default` attribute did.
pub(crate) fn optional(field: &Field) -> bool {
    field.is_option() || field.only == Some(Direction::Request)
}

/// `impl Deserialize for NAME`, reading `parts`, and the `FromMap` it calls; `gate` (a
/// `#[cfg(..)]`) before each, if any.
pub(crate) fn object_impl(name: &str, parts: &Parts<'_>, gate: Option<&str>) -> TokenStream {
    rust::verbatim_item(object_impl_text(name, parts, gate))
}

/// The impls' text, at the start of their lines: `Deserialize`, which hands the struct's name
/// and keys to `wechat_core::fields::deserialize` (one generic visitor for every struct), and
/// `FromMap`, the one function of its own the struct writes. A visitor per struct was two more
/// bodies and five more items for the compiler to check per struct (BENCHMARKS.md).
fn object_impl_text(name: &str, parts: &Parts<'_>, gate: Option<&str>) -> String {
    let fills = fills(parts);
    let keys = Keys::of(&fills);
    let mut out = String::with_capacity(1024 + 160 * fills.len());
    impl_head(&mut out, gate, "impl<'de> serde::Deserialize<'de>", name);
    out.push_str(
        "    fn deserialize<D: serde::Deserializer<'de>>(\n        deserializer: D,\n    ) -> \
         Result<Self, D::Error> {\n",
    );
    let mut call = Writer::at(8, 128 + 24 * keys.all.len());
    call.tail(|w| {
        w.call("::wechat_core::fields::deserialize", |w| {
            w.arg(|w| w.word("deserializer"));
            w.arg(|w| w.str(name));
            w.arg(|w| {
                w.word("&");
                w.array(&keys.all, |w, s| w.str(s));
            });
            w.arg(|w| w.uint(keys.named as u64));
        })
    });
    out.push_str(&call.finish());
    out.push_str("    }\n}\n");
    impl_head(&mut out, gate, "impl ::wechat_core::fields::FromMap", name);
    out.push_str(
        "    fn from_map<'de, A: serde::de::MapAccess<'de>>(\n        mut map: \
         ::wechat_core::fields::Map<'de, A>,\n    ) -> Result<Self, A::Error> {\n",
    );
    // `fields::required` and `fields::Constant`: named only where some field needs them.
    if fills.iter().any(Fill::names_fields) {
        out.push_str("        use ::wechat_core::fields;\n");
    }
    read_loop(&keys.arms, &mut out);
    let mut value = Writer::at(8, 64 + 96 * fills.len());
    let required: Vec<&Fill<'_>> = fills.iter().filter(|fill| fill.names_fields()).collect();
    if required.len() > 1 {
        value.tail(|w| write_required_match(w, name, &fills, &required));
    } else {
        value.tail(|w| {
            w.call_block("Ok", |w| {
                w.struct_lit(name, None, |w| fills.iter().for_each(|fill| fill.init(w, false)))
            })
        });
    }
    out.push_str(&value.finish());
    out.push_str("    }\n}\n");
    out
}

/// The `match` that ends a `from_map` with more than one required field (or constant): the
/// struct when every one was read, else `fields::missing(..)` naming the first that was not.
fn write_required_match(w: &mut Writer, name: &str, fills: &[Fill<'_>], required: &[&Fill<'_>]) {
    let fields: Vec<Required<'_>> =
        required.iter().map(|fill| Required { binding: fill.ident(), name: fill.wire() }).collect();
    let value = |w: &mut Writer| {
        w.call_block("Ok", |w| w.struct_lit(name, None, |w| fills.iter().for_each(|fill| fill.init(w, true))))
    };
    let missing = |w: &mut Writer, set: &dyn Fn(&mut Writer)| {
        w.call("Err", |w| w.arg(|w| w.call("fields::missing", set)));
    };
    required_match::write(w, &fields, &|w, binding| w.word(&slot_name(binding)), value, missing);
}

/// `gate`, then `head for Name {`, `for Name {` on a line of its own when the whole does not
/// fit (as prettyplease).
fn impl_head(out: &mut String, gate: Option<&str>, head: &str, name: &str) {
    rust::push_gate(out, gate);
    let gap = if fits_line(0, head.len() + " for ".len() + name.len() + " {".len()) { ' ' } else { '\n' };
    let _ = writeln!(out, "{head}{gap}for {name} {{");
}

/// How each field of `parts` is filled, in declaration order.
fn fills<'a>(parts: &Parts<'a>) -> Vec<Fill<'a>> {
    parts
        .query
        .iter()
        .map(|f| Fill::Default(&f.ident))
        .chain(parts.constants.iter().map(|c| Fill::Constant {
            ident: constant_ident(c),
            wire: &c.name,
            value: &c.value,
        }))
        .chain(parts.files.iter().map(|f| Fill::Default(&f.ident)))
        .chain(parts.fields.iter().map(|f| Fill::Read {
            ident: &f.ident,
            wire: &f.wire,
            aliases: &f.aliases,
            optional: optional(f),
        }))
        .collect()
}

impl<'a> Fill<'a> {
    /// The field's own key, and the arm reading it into the field's slot (its key indices not
    /// yet set); nothing for a field never read.
    fn arm(&self) -> Option<(&'a str, Arm<'a>)> {
        let (field, wire, constant) = match self {
            Fill::Default(_) => return None,
            Fill::Read { ident: field, wire, .. } => (*field, *wire, None),
            Fill::Constant { ident: field, wire, value } => (field.as_str(), *wire, Some(*value)),
        };
        Some((wire, Arm { slot: slot_name(field), keys: Vec::new(), wire, constant }))
    }

    /// Whether filling the field names `wechat_core::fields`: a required field or a constant.
    fn names_fields(&self) -> bool {
        match self {
            Fill::Default(_) => false,
            Fill::Read { optional, .. } => !optional,
            Fill::Constant { .. } => true,
        }
    }

    /// The other spellings of the field's key.
    fn aliases(&self) -> &'a [String] {
        match self {
            Fill::Read { aliases, .. } => aliases,
            Fill::Default(_) | Fill::Constant { .. } => &[],
        }
    }

    /// The field's name in the struct.
    fn ident(&self) -> &str {
        match self {
            Fill::Default(field) | Fill::Read { ident: field, .. } => field,
            Fill::Constant { ident, .. } => ident,
        }
    }

    /// The field's own key.
    fn wire(&self) -> &'a str {
        match self {
            Fill::Default(_) => "",
            Fill::Read { wire, .. } | Fill::Constant { wire, .. } => wire,
        }
    }

    /// The field in the struct expression: its default, or the value read into its slot, a
    /// required one named when it was missing, or (`bound`: a `match` took the required ones
    /// out of their slots) by the name it is bound to.
    fn init(&self, w: &mut Writer, bound: bool) {
        let (field, wire, optional) = match self {
            Fill::Default(field) => return w.field(field, |w| w.call("Default::default", |_| {})),
            Fill::Read { ident: field, wire, optional, .. } => (*field, *wire, *optional),
            Fill::Constant { ident: field, wire, .. } => (field.as_str(), *wire, false),
        };
        if bound && !optional {
            return w.field_shorthand(field);
        }
        let slot = slot_name(field);
        w.field(field, |w| {
            if optional {
                w.method_call(&slot, "unwrap_or_default", false, |_| {});
            } else {
                w.try_call("fields::required", |w| {
                    w.arg(|w| w.word(&slot));
                    w.arg(|w| w.str(wire));
                });
            }
        });
    }
}

/// One arm of the match on a key: a field read into its slot.
struct Arm<'a> {
    /// The local holding the field's value while the map is read.
    slot: String,
    /// Where the field's keys are in the table: its own name, then its other spellings.
    keys: Vec<usize>,
    /// The field's own key.
    wire: &'a str,
    /// The value the key must hold, for a constant.
    constant: Option<&'a str>,
}

impl Arm<'_> {
    /// `0 | 3 => map.read(..),`: the arm matching the indices of the field's keys.
    fn write(&self, w: &mut Writer) {
        w.arm(&self.keys, |w| {
            let method = if self.constant.is_some() { "constant" } else { "read" };
            w.method_call("map", method, true, |w| {
                w.arg(|w| {
                    w.word("&mut ");
                    w.word(&self.slot);
                });
                match self.constant {
                    Some(value) => w.arg(|w| {
                        w.struct_lit("fields::Constant", None, |w| {
                            w.field("name", |w| w.str(self.wire));
                            w.field("value", |w| w.str(value));
                        })
                    }),
                    None => w.arg(|w| w.str(self.wire)),
                }
            });
        });
    }
}

/// The keys the struct reads, in one table, and the arm of each field read.
struct Keys<'a> {
    /// Every field's own name, then the other spellings.
    all: Vec<&'a str>,
    /// How many of `all` are the fields' own names.
    named: usize,
    /// One per field read, in declaration order.
    arms: Vec<Arm<'a>>,
}

impl<'a> Keys<'a> {
    /// The table of `fills`: every field's own name, then the other spellings after them, each
    /// matching its field's arm.
    fn of(fills: &[Fill<'a>]) -> Self {
        let mut all = Vec::new();
        let mut arms = Vec::new();
        let mut read_fills = Vec::new();
        for fill in fills {
            let Some((wire, mut arm)) = fill.arm() else { continue };
            arm.keys.push(all.len());
            all.push(wire);
            arms.push(arm);
            read_fills.push(fill);
        }
        let named = all.len();
        // The other spellings after every field's own name, each matching its field's arm.
        for (fill, arm) in read_fills.into_iter().zip(&mut arms) {
            for alias in fill.aliases() {
                arm.keys.push(all.len());
                all.push(alias);
            }
        }
        Self { all, named, arms }
    }
}

/// The body of `from_map` up to the struct expression: each key's value read into its
/// field's slot, other keys skipped.
fn read_loop(arms: &[Arm<'_>], out: &mut String) {
    // A struct without keys reads any map and skips what it holds, as the derive did.
    if arms.is_empty() {
        out.push_str("        while map.next_key()?.is_some() {\n            map.skip()?;\n        }\n");
        return;
    }
    for arm in arms {
        let _ = writeln!(out, "        let mut {} = None;", arm.slot);
    }
    out.push_str("        while let Some(key) = map.next_key()? {\n            match key {\n");
    let mut w = Writer::at(16, 128 * arms.len());
    arms.iter().for_each(|arm| arm.write(&mut w));
    out.push_str(&w.finish());
    // One `?` for the match, not one per arm: each is a branch, a conversion and a return
    // for the compiler to check and for the crate's metadata to hold (BENCHMARKS.md).
    out.push_str("                _ => map.skip(),\n            }?;\n        }\n");
}

/// The local holding a field's value while the map is read.
fn slot_name(field: &str) -> String {
    // `r#type` and the like: the slot is a plain identifier.
    format!("field_{}", field.trim_start_matches("r#"))
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
            let text = object_impl_text(name, parts, None);
            assert_eq!(pretty(&text), text, "{name}");
        }
        // The long names did break lines, and the empty answer reads any map.
        let text = object_impl_text(request, &sent, None);
        assert!(text.contains("                5 | 10 => {\n"), "{text}");
        assert!(text.contains("\n                        .unwrap_or_default(),\n"), "{text}");
        // Its required fields are taken in one `match`, the first missing one named.
        assert!(text.contains("        match (\n            field_action,\n"), "{text}");
        assert!(text.contains("fields::missing(\n"), "{text}");
        let text = object_impl_text("Empty", &Parts::EMPTY, None);
        assert_eq!(pretty(&text), text);
        assert!(text.contains("while map.next_key()?.is_some() {\n            map.skip()?;"), "{text}");
    }

    #[test]
    fn a_written_impl_travels_through_the_tokens_of_its_file() {
        let spec = one_endpoint_spec("demo", SYSTEM_BUSY, None, TEXT_WRITER_ENDPOINT);
        let op = spec.operations().next().expect("one operation");
        let parts = Parts::request_of(op);
        let name = proc_macro2::Ident::new("Demo", proc_macro2::Span::call_site());
        let gate = "#[cfg(feature = \"deserialize-requests\")]";
        let impl_tokens = object_impl("Demo", &parts, Some(gate));
        let file = rust::rust_file(
            "demo.rs",
            quote::quote! {
                pub struct #name;
                #impl_tokens
                mod inner {}
            },
        )
        .expect("a file");
        let text = object_impl_text("Demo", &parts, Some(gate));
        // Both impls behind the gate: `FromMap` reads the fields' types through their
        // `Deserialize`, which the same gate may hide.
        assert_eq!(text.matches(gate).count(), 2, "{text}");
        let expected = format!("pub struct Demo;\n{text}mod inner {{}}\n");
        assert_eq!(file, rust::finish_file(&expected));
    }
}
