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
    let fills = fills(parts);
    let keys = Keys::of(&fills);
    let fields_const = keys.consts();
    let fields = keys.field_names();
    let read_loop = read_loop(&keys.arms);
    let inits = fills.iter().map(Fill::init);
    let expecting = format!("struct {name}");
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
    fn arm(&self) -> Option<(&'a str, Arm)> {
        let (field, wire) = match self {
            Fill::Default(_) => return None,
            Fill::Read { ident: field, wire, .. } => (*field, *wire),
            Fill::Constant { ident: field, wire, .. } => (field.as_str(), *wire),
        };
        let slot = slot_ident(field);
        let read = match self {
            Fill::Constant { value, .. } => quote! {
                fields::constant(&mut map, &mut #slot, fields::Constant { name: #wire, value: #value })?
            },
            _ => quote!(fields::read(&mut map, &mut #slot, #wire)?),
        };
        Some((wire, Arm { slot, keys: Vec::new(), read }))
    }

    /// The other spellings of the field's key.
    fn aliases(&self) -> &'a [String] {
        match self {
            Fill::Read { aliases, .. } => aliases,
            Fill::Default(_) | Fill::Constant { .. } => &[],
        }
    }

    /// The field in the struct expression: its default, or the value read into its slot, a
    /// required one named when it was missing.
    fn init(&self) -> TokenStream {
        match self {
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
        }
    }
}

/// One arm of the match on a key: a field read into its slot.
struct Arm {
    /// The local holding the field's value while the map is read.
    slot: proc_macro2::Ident,
    /// Where the field's keys are in the table: its own name, then its other spellings.
    keys: Vec<usize>,
    /// How the value is read.
    read: TokenStream,
}

impl Arm {
    /// `0 | 3 => read,`: the arm matching the indices of the field's keys.
    fn tokens(&self) -> TokenStream {
        let indices = self.keys.iter().map(|i| proc_macro2::Literal::usize_unsuffixed(*i));
        let read = &self.read;
        quote!(#(#indices)|* => #read,)
    }
}

/// The keys the struct reads, in one table, and the arm of each field read.
struct Keys<'a> {
    /// Every field's own name, then the other spellings.
    all: Vec<&'a str>,
    /// How many of `all` are the fields' own names.
    named: usize,
    /// One per field read, in declaration order.
    arms: Vec<Arm>,
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

    /// `KEYS`, every key the visitor matches, and, when some are other spellings, `FIELDS`:
    /// the fields' own names alone.
    fn consts(&self) -> TokenStream {
        let keys = &self.all;
        if self.named == keys.len() {
            quote!(const KEYS: &[&str] = &[#(#keys),*];)
        } else {
            let (own, _) = keys.split_at(self.named);
            quote! {
                const FIELDS: &[&str] = &[#(#own),*];
                const KEYS: &[&str] = &[#(#keys),*];
            }
        }
    }

    /// The constant naming the struct's fields to `deserialize_struct`.
    fn field_names(&self) -> TokenStream {
        if self.named == self.all.len() { quote!(KEYS) } else { quote!(FIELDS) }
    }
}

/// The body of `visit_map` up to the struct expression: each key's value read into its
/// field's slot, other keys skipped.
fn read_loop(arms: &[Arm]) -> TokenStream {
    // A struct without keys reads any map and skips what it holds, as the derive did.
    if arms.is_empty() {
        return quote! {
            while map.next_key::<serde::de::IgnoredAny>()?.is_some() {
                fields::skip(&mut map)?;
            }
        };
    }
    let slots = arms.iter().map(|arm| &arm.slot);
    let arms = arms.iter().map(Arm::tokens);
    quote! {
        #(let mut #slots = None;)*
        while let Some(key) = map.next_key_seed(fields::Key(KEYS))? {
            match key {
                #(#arms)*
                _ => fields::skip(&mut map)?,
            }
        }
    }
}

/// The local holding a field's value while the map is read.
fn slot_ident(field: &str) -> proc_macro2::Ident {
    // `r#type` and the like: the slot is a plain identifier.
    ident(&format!("field_{}", field.trim_start_matches("r#")))
}
