//! Enums of the spec: string and integer enums (a variant per known value, and `Unknown`
//! keeping any other as WeChat sent it) and tagged unions (a variant per known tag, each
//! holding its object).
//!
//! String and integer enums, one per spec enum and all of one shape, are written as text laid
//! out as prettyplease lays them out ([`Writer`], carried through the file's tokens by
//! [`verbatim_item`]), like the structs' `Deserialize` impls; the few unions stay tokens.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::doc_wrap::wrap_doc_lines;
use crate::emit::rust::{
    cfg_feature, deserialize_gate, doc, ident, serialize_gate, value_type, verbatim_item,
};
use crate::emit::table_writer::Writer;
use crate::emit::{DESERIALIZE_REQUESTS_FEATURE, SERIALIZE_RESPONSES_FEATURE};
use crate::model::{Literal, Ty, TypeDef, Union, UnionLayout, Variant};

/// The doc of the `Unknown` variant of a string or integer enum.
const UNKNOWN_DOC: &str = "A value this version of the SDK does not know, kept as WeChat sent it.";

/// An enum with one variant per known tag, each holding its object type, and `Unknown`
/// keeping any other object whole.
pub(crate) fn union_enum(def: &TypeDef, union: &Union) -> TokenStream {
    let serialize_gate = serialize_gate(!def.sent);
    let gate = deserialize_gate(!def.received);
    let name = ident(&def.name);
    let docs = doc(&format!(
        "{}\n\nThe value of `{}` selects the variant; an object with a value this version does not \
         know decodes to `Unknown`, which keeps it whole and sends it back unchanged.",
        def.doc, union.tag
    ));
    let tag_key = &union.tag;
    let names: Vec<_> = union.variants.iter().map(|v| ident(&v.name)).collect();
    let tags: Vec<&str> = union.variants.iter().map(|v| v.tag.as_str()).collect();
    let declared = union.variants.iter().map(|v| {
        let docs = doc(&format!("`{} = \"{}\"`: {}", union.tag, v.tag, v.doc));
        let (variant, ty) = (ident(&v.name), value_type(&Ty::Named(v.ty.clone())));
        quote!(#docs #variant(#ty),)
    });
    let (encode, decode) = variant_codecs(union);
    let check = def.checked.then(|| union_check(&name, union));
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        // Variants hold their objects by value, so building and matching read as plain Rust;
        // a card is sent or read once per call, where the size does not matter.
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#declared)*
            /// A value of the tag this version of the SDK does not know: the object, kept whole.
            Unknown(::wechat_core::UnknownVariant),
        }

        impl #name {
            /// The tag's value for this variant, as WeChat spells it.
            pub fn tag(&self) -> &str {
                match self {
                    #(Self::#names(_) => #tags,)*
                    Self::Unknown(unknown) => unknown.tag(),
                }
            }
        }

        #serialize_gate
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(Self::#names(value) => #encode,)*
                    Self::Unknown(unknown) => unknown.serialize(serializer),
                }
            }
        }

        #check

        #gate
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let tagged = ::wechat_core::union::Tagged::read(deserializer, #tag_key)?;
                match tagged.tag() {
                    #(#tags => #decode.map(Self::#names),)*
                    _ => Ok(Self::Unknown(tagged.into_unknown())),
                }
            }
        }
    }
}

/// How each variant is written and read, by the union's layout: its object beside the tag
/// (`sibling`, under the variant's key) or holding it (`internal`).
fn variant_codecs(union: &Union) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let tag_key = &union.tag;
    union
        .variants
        .iter()
        .map(|v| {
            let tag = &v.tag;
            match union.layout {
                UnionLayout::Sibling => {
                    let key = &v.key;
                    (
                        quote!(::wechat_core::union::serialize_sibling(serializer, #tag_key, #tag, &[#(#key),*], value)),
                        quote!(tagged.sibling(&[#(#key),*])),
                    )
                }
                UnionLayout::Internal => (
                    quote!(::wechat_core::union::serialize_internal(serializer, #tag_key, #tag, value)),
                    quote!(tagged.internal()),
                ),
            }
        })
        .unzip()
}

/// `Check` for a union with limits or rules inside: each such variant checks its object at
/// its key.
fn union_check(name: &proc_macro2::Ident, union: &Union) -> TokenStream {
    let arms = union.variants.iter().filter(|v| v.checks_inside).map(|v| {
        let variant = ident(&v.name);
        let key = v.key.join(".");
        if key.is_empty() {
            quote!(Self::#variant(value) => ::wechat_core::Check::check(value, path),)
        } else {
            quote!(Self::#variant(value) => ::wechat_core::Check::check(value, &::wechat_core::check::join(path, #key)),)
        }
    });
    quote! {
        impl ::wechat_core::Check for #name {
            fn check(&self, path: &str) -> Result<(), ::wechat_core::Invalid> {
                match self {
                    #(#arms)*
                    _ => Ok(()),
                }
            }
        }
    }
}

/// A string enum: `as_str`, `From<&str>`, `Display`, and serde impls through them.
pub(crate) fn string_enum(def: &TypeDef, variants: &[Variant]) -> TokenStream {
    verbatim_item(string_enum_text(def, variants))
}

fn string_enum_text(def: &TypeDef, variants: &[Variant]) -> String {
    let name = def.name.as_str();
    let wires: Vec<String> = variants
        .iter()
        .map(|v| match &v.wire {
            Literal::Str(s) => s.clone(),
            Literal::Int(i) => i.to_string(),
        })
        .collect();
    let mut w = Writer::new(1024 + 384 * variants.len());
    declaration(&mut w, def, variants, "Debug, Clone, PartialEq, Hash", &quote!(String));
    w.impl_block(None, name, |w| {
        w.doc("///", "The value as WeChat spells it.", true);
        w.function_item("pub fn as_str", &[("&self", None)], Some(&quote!(&str)), |w| {
            w.tail(|w| {
                w.match_expr("self", |w| {
                    for (v, wire) in variants.iter().zip(&wires) {
                        w.arm_on(|w| w.word(&format!("Self::{}", v.name)), |w| w.str(wire));
                    }
                    w.arm_on(|w| w.tuple_pattern("Self::Unknown", "other"), |w| w.word("other"));
                });
            });
        });
    });
    w.impl_block(Some("From<&str>"), name, |w| {
        w.function_item("fn from", &[("value", Some(&quote!(&str)))], Some(&quote!(Self)), |w| {
            w.tail(|w| {
                w.match_expr("value", |w| {
                    for (v, wire) in variants.iter().zip(&wires) {
                        w.arm_on(|w| w.str(wire), |w| w.word(&format!("Self::{}", v.name)));
                    }
                    w.arm_on(
                        |w| w.word("other"),
                        |w| {
                            w.call("Self::Unknown", |w| {
                                w.arg(|w| w.method_call("other", "to_owned", false, |_| {}));
                            });
                        },
                    );
                });
            });
        });
    });
    w.impl_block(Some("std::fmt::Display"), name, |w| {
        let formatter = quote!(&mut std::fmt::Formatter<'_>);
        let params = [("&self", None), ("f", Some(&formatter))];
        w.function_item("fn fmt", &params, Some(&quote!(std::fmt::Result)), |w| {
            w.tail(|w| {
                w.method_call("f", "write_str", true, |w| {
                    w.arg(|w| w.method_call("self", "as_str", false, |_| {}));
                });
            });
        });
    });
    serde_impls(&mut w, def, "serialize_str", "as_str", |w| {
        // `?` rather than `.map(|s| ..)`: a closure is one more body per enum to check.
        w.word("Ok(Self::from(::wechat_core::lenient::string(deserializer)?.as_str()))");
    });
    wrap_doc_lines(w.finish())
}

/// An integer enum: `as_i64`, `From<i64>`, and serde impls through them.
pub(crate) fn int_enum(def: &TypeDef, variants: &[Variant]) -> TokenStream {
    verbatim_item(int_enum_text(def, variants))
}

fn int_enum_text(def: &TypeDef, variants: &[Variant]) -> String {
    let name = def.name.as_str();
    // resolve made every value of an integer enum an integer.
    let values: Vec<(&str, i64)> = variants
        .iter()
        .filter_map(|v| match v.wire {
            Literal::Int(i) => Some((v.name.as_str(), i)),
            Literal::Str(_) => None,
        })
        .collect();
    let mut w = Writer::new(1024 + 384 * variants.len());
    declaration(&mut w, def, variants, "Debug, Clone, Copy, PartialEq, Hash", &quote!(i64));
    w.impl_block(None, name, |w| {
        w.doc("///", "The value as WeChat sends it.", true);
        w.function_item("pub fn as_i64", &[("self", None)], Some(&quote!(i64)), |w| {
            w.tail(|w| {
                w.match_expr("self", |w| {
                    for (variant, value) in &values {
                        w.arm_on(|w| w.word(&format!("Self::{variant}")), |w| w.int(*value));
                    }
                    w.arm_on(|w| w.tuple_pattern("Self::Unknown", "other"), |w| w.word("other"));
                });
            });
        });
    });
    w.impl_block(Some("From<i64>"), name, |w| {
        w.function_item("fn from", &[("value", Some(&quote!(i64)))], Some(&quote!(Self)), |w| {
            w.tail(|w| {
                w.match_expr("value", |w| {
                    for (variant, value) in &values {
                        w.arm_on(|w| w.int(*value), |w| w.word(&format!("Self::{variant}")));
                    }
                    w.arm_on(
                        |w| w.word("other"),
                        |w| w.call("Self::Unknown", |w| w.arg(|w| w.word("other"))),
                    );
                });
            });
        });
    });
    serde_impls(&mut w, def, "serialize_i64", "as_i64", |w| {
        w.word("::wechat_core::lenient::integer::<i64, D>(deserializer).map(Self::from)");
    });
    wrap_doc_lines(w.finish())
}

/// The enum's docs, derives and declaration: a variant per value, then `Unknown(unknown)`;
/// then its `Eq` ([`Writer::eq_impl`]).
fn declaration(w: &mut Writer, def: &TypeDef, variants: &[Variant], derives: &str, unknown: &TokenStream) {
    w.doc("///", &def.doc, true);
    w.attr(&format!("#[derive({derives})]"));
    w.attr("#[non_exhaustive]");
    w.module(&format!("pub enum {}", def.name), |w| {
        for v in variants {
            let docs = match &v.wire {
                Literal::Str(s) => format!("`\"{s}\"`: {}", v.doc),
                Literal::Int(i) => format!("`{i}`: {}", v.doc),
            };
            w.doc("///", &docs, true);
            w.word(&v.name);
            w.line(",");
        }
        w.doc("///", UNKNOWN_DOC, true);
        w.tuple_variant("Unknown", unknown);
    });
    w.eq_impl(&def.name);
}

/// `Serialize` through `serializer.write(self.read())`, behind its feature where only answers
/// hold the type, and `Deserialize` with `body`, behind its feature where only requests do.
fn serde_impls(w: &mut Writer, def: &TypeDef, write: &str, read: &str, body: impl FnOnce(&mut Writer)) {
    if !def.sent {
        w.attr(&cfg_feature(SERIALIZE_RESPONSES_FEATURE));
    }
    w.impl_block(Some("serde::Serialize"), &def.name, |w| {
        let params = [("&self", None), ("serializer", Some(&quote!(S)))];
        let output = quote!(Result<S::Ok, S::Error>);
        w.function_item("fn serialize<S: serde::Serializer>", &params, Some(&output), |w| {
            w.tail(|w| {
                w.method_call("serializer", write, true, |w| {
                    w.arg(|w| w.method_call("self", read, false, |_| {}));
                });
            });
        });
    });
    if !def.received {
        w.attr(&cfg_feature(DESERIALIZE_REQUESTS_FEATURE));
    }
    w.generic_impl_block("<'de>", Some("serde::Deserialize<'de>"), &def.name, |w| {
        let params = [("deserializer", Some(&quote!(D)))];
        let output = quote!(Result<Self, D::Error>);
        w.function_item("fn deserialize<D: serde::Deserializer<'de>>", &params, Some(&output), |w| {
            w.tail(body);
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::test_support::{
        SYSTEM_BUSY, TEXT_WRITER_ENDPOINT, TRICKY_STRINGS, one_endpoint_spec, prettyplease_of as pretty,
    };
    use crate::model::TypeKind;

    /// The tricky strings a value may be (a doc comment cannot hold control characters).
    fn printable() -> impl Iterator<Item = &'static str> {
        TRICKY_STRINGS.iter().copied().filter(|s| !s.chars().any(char::is_control))
    }

    const LONG_TYPE: &str = "AnIntegerEnumWhoseTypeNameIsLongEnoughToBreakTheImplLines";

    /// A string enum whose values need escaping and whose long names break the match arms,
    /// and an integer enum with the extreme values.
    fn types() -> String {
        let mut types = String::from(
            "[types.Tricky]\ndoc = \"Values that need escaping, and names long enough to break arms.\"\nvalues = [\n",
        );
        for (i, value) in printable().enumerate() {
            let value = value.replace('\\', "\\\\").replace('"', "\\\"");
            types.push_str(&format!(
                "    {{ value = \"{value}\", name = \"Tricky{i}\", doc = \"Tricky.\" }},\n"
            ));
        }
        let long = "AVariantWhoseNameIsLongEnoughThatItsMatchArmNoLongerFitsOnOneLineOfTheFile";
        types.push_str(&format!(
            "    {{ value = \"A_VALUE_WHOSE_SPELLING_IS_RATHER_LONG_AS_WELL\", name = \"{long}\", doc = \"Long.\" }},\n]\n"
        ));
        types.push_str(&format!(
            "[types.{LONG_TYPE}]\ndoc = \"Integers, and a type name long enough to break the impls' first lines.\"\nvalues = [\n    {{ value = -9223372036854775808, name = \"Smallest\", \
             doc = \"The smallest.\" }},\n    {{ value = -1, name = \"MinusOne\", doc = \"Minus one.\" }},\n    \
             {{ value = 9223372036854775807, name = \"{long}\", doc = \"The largest.\" }},\n]\n"
        ));
        types
    }

    #[test]
    fn string_and_integer_enums_are_laid_out_as_prettyplease_lays_them_out() {
        let spec = one_endpoint_spec("demo", SYSTEM_BUSY, Some(&types()), TEXT_WRITER_ENDPOINT);
        let mut checked = 0;
        for def in &spec.shared_types {
            for (sent, received) in [(true, true), (true, false), (false, true)] {
                let def = TypeDef { sent, received, ..def.clone() };
                let text = match &def.kind {
                    TypeKind::StringEnum(variants) => string_enum_text(&def, variants),
                    TypeKind::IntEnum(variants) => int_enum_text(&def, variants),
                    _ => continue,
                };
                assert_eq!(pretty(&text), text);
                let gates = text.matches("#[cfg(feature").count();
                assert_eq!(gates, usize::from(!sent) + usize::from(!received), "{text}");
                checked += 1;
            }
        }
        assert_eq!(checked, 6, "both enums, three ways each");
        let tricky = spec.shared_types.iter().find(|d| d.name == "Tricky").expect("Tricky");
        let TypeKind::StringEnum(variants) = &tricky.kind else { panic!("a string enum") };
        let text = string_enum_text(tricky, variants);
        // The long arms broke, the long type's impls broke their first lines, and each value
        // reads back as itself.
        let arm = "            Self::AVariantWhoseNameIsLongEnoughThatItsMatchArmNoLongerFitsOnOneLineOfTheFile => {\n";
        assert!(text.contains(arm), "{text}");
        let long = spec.shared_types.iter().find(|d| d.name == LONG_TYPE).expect("the long one");
        let TypeKind::IntEnum(values) = &long.kind else { panic!("an integer enum") };
        let long_text = int_enum_text(long, values);
        assert!(
            long_text.contains(&format!("impl<'de> serde::Deserialize<'de>\nfor {LONG_TYPE} {{\n")),
            "{long_text}"
        );
        assert!(long_text.contains("            -9223372036854775808 => Self::Smallest,\n"), "{long_text}");
        let file = syn::parse_file(&text).expect("Rust");
        let literals = quote::ToTokens::to_token_stream(&file).to_string();
        for value in printable() {
            let spelled = proc_macro2::Literal::string(value).to_string();
            assert!(literals.contains(&spelled), "{value:?} in {text}");
        }
    }
}
