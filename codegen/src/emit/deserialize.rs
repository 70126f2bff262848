//! The `Deserialize` impl of a generated struct, written out rather than derived: one visitor
//! with `visit_map`, the keys in one table, and `wechat_core::fields` for the rest. It accepts
//! what serde's derive accepted (unknown keys skipped, a key twice refused, a missing required
//! field named, a missing optional one empty) at a fraction of the derive's expanded code, and
//! without a proc macro to expand again at every build of the crate.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::rust::{constant_ident, ident};
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

/// Whether a field read from an answer may be left out: what serde's `default` attribute did.
pub(crate) fn optional(field: &Field) -> bool {
    field.is_option() || field.only == Some(Direction::Request)
}

/// `impl Deserialize for NAME`, reading `parts`.
pub(crate) fn object_impl(name: &str, parts: &Parts<'_>) -> TokenStream {
    let fills: Vec<Fill<'_>> = parts
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
        .collect();
    let mut keys: Vec<&str> = Vec::new();
    let mut slots = Vec::new();
    let mut arms = Vec::new();
    for fill in &fills {
        let (slot, wire) = match fill {
            Fill::Default(_) => continue,
            Fill::Read { ident: field, wire, .. } => (slot_ident(field), *wire),
            Fill::Constant { ident: field, wire, .. } => (slot_ident(field), *wire),
        };
        let index = keys.len();
        keys.push(wire);
        let read = match fill {
            Fill::Constant { value, .. } => quote! {
                fields::constant(&mut map, &mut #slot, fields::Constant { name: #wire, value: #value })?
            },
            _ => quote!(fields::read(&mut map, &mut #slot, #wire)?),
        };
        arms.push((vec![index], read));
        slots.push(slot);
    }
    let named = keys.len();
    // The other spellings after every field's own name, each matching its field's arm.
    let mut arm = 0;
    for fill in &fills {
        match fill {
            Fill::Default(_) => {}
            Fill::Read { aliases, .. } => {
                for alias in *aliases {
                    arms[arm].0.push(keys.len());
                    keys.push(alias);
                }
                arm += 1;
            }
            Fill::Constant { .. } => arm += 1,
        }
    }
    let arms = arms.iter().map(|(indices, read)| {
        let indices = indices.iter().map(|i| proc_macro2::Literal::usize_unsuffixed(*i));
        quote!(#(#indices)|* => #read,)
    });
    let inits = fills.iter().map(|fill| match fill {
        Fill::Default(field) => {
            let field = ident(field);
            quote!(#field: Default::default())
        }
        Fill::Read { ident: field, wire, optional, .. } => {
            let (name, slot) = (ident(field), slot_ident(field));
            if *optional {
                quote!(#name: #slot.unwrap_or_default())
            } else {
                quote!(#name: fields::required(#slot, #wire)?)
            }
        }
        Fill::Constant { ident: field, wire, .. } => {
            let (name, slot) = (ident(field), slot_ident(field));
            quote!(#name: fields::required(#slot, #wire)?)
        }
    });
    let expecting = format!("struct {name}");
    let fields_const = if named == keys.len() {
        quote!(const KEYS: &[&str] = &[#(#keys),*];)
    } else {
        let (own, _) = keys.split_at(named);
        quote! {
            const FIELDS: &[&str] = &[#(#own),*];
            const KEYS: &[&str] = &[#(#keys),*];
        }
    };
    let fields = if named == keys.len() { quote!(KEYS) } else { quote!(FIELDS) };
    // A struct without keys reads any map and skips what it holds, as the derive did.
    let read_loop = if slots.is_empty() {
        quote! {
            while map.next_key::<serde::de::IgnoredAny>()?.is_some() {
                fields::skip(&mut map)?;
            }
        }
    } else {
        quote! {
            #(let mut #slots = None;)*
            while let Some(key) = map.next_key_seed(fields::Key(KEYS))? {
                match key {
                    #(#arms)*
                    _ => fields::skip(&mut map)?,
                }
            }
        }
    };
    let name_ident = ident(name);
    quote! {
        impl<'de> serde::Deserialize<'de> for #name_ident {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                use ::wechat_core::fields;
                #fields_const
                struct Visitor;
                impl<'de> serde::de::Visitor<'de> for Visitor {
                    type Value = #name_ident;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                        #read_loop
                        Ok(#name_ident { #(#inits),* })
                    }
                }
                deserializer.deserialize_struct(#name, #fields, Visitor)
            }
        }
    }
}

/// The local holding a field's value while the map is read.
fn slot_ident(field: &str) -> proc_macro2::Ident {
    // `r#type` and the like: the slot is a plain identifier.
    ident(&format!("field_{}", field.trim_start_matches("r#")))
}
