//! The `match` that takes a value's required fields at once: the one shape a builder's
//! `build()` and a struct's `from_map` end with when they have more than one required field.
//! A `?` per field was a branch, a conversion and a return per field for the compiler to
//! check, in every builder and struct (BENCHMARKS.md).

use crate::emit::table_writer::{Base, Link, Writer};

/// One required field of a [`write`]: the name its value is bound to in the arms, and the
/// name the error gives it when it is unset.
pub(crate) struct Required<'a> {
    /// The identifier bound in both arms (the field's Rust name).
    pub(crate) binding: &'a str,
    /// The name an error reports (the field's Rust name for a builder, its wire name for a
    /// struct read from the wire).
    pub(crate) name: &'a str,
}

/// `match (slots..) { (Some(a), Some(b), ..) => value, (a, b, ..) => missing }`: `slot`
/// writes the expression holding each field's `Option` (given its binding), `value` the first
/// arm's body (the fields are bound by their bindings), and `missing` the second's, given a
/// writer of its one argument, `&[("name", binding.is_some()), ..]`.
pub(crate) fn write(
    w: &mut Writer,
    required: &[Required<'_>],
    slot: &dyn Fn(&mut Writer, &str),
    value: impl FnOnce(&mut Writer),
    missing: impl FnOnce(&mut Writer, &dyn Fn(&mut Writer)),
) {
    let tuple = |w: &mut Writer, each: &dyn Fn(&mut Writer, &Required<'_>)| {
        w.tuple(|w| required.iter().for_each(|field| w.arg(|w| each(w, field))))
    };
    w.match_on(
        |w| tuple(w, &|w, field| slot(w, field.binding)),
        |w| {
            w.arm_on(|w| tuple(w, &|w, field| w.call("Some", |w| w.arg(|w| w.word(field.binding)))), value);
            w.arm_on(
                |w| tuple(w, &|w, field| w.word(field.binding)),
                |w| missing(w, &|w: &mut Writer| w.arg(|w| set_list(w, required))),
            );
        },
    );
}

/// `&[("name", binding.is_some()), ..]`: which of `required` are set, in order.
fn set_list(w: &mut Writer, required: &[Required<'_>]) {
    w.word("&");
    w.array(required, |w, field| {
        w.tuple(|w| {
            w.arg(|w| w.str(field.name));
            w.arg(|w| w.chain(Base::Path(field.binding), &[Link::Method("is_some", &|_| {})], false));
        })
    });
}
