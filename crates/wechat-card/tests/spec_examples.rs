//! Every example of the spec through the generated types, generated from the spec into
//! `generated/spec_examples.rs` by `cargo xtask codegen`.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

// Generated and formatted by prettyplease, not rustfmt.
#[rustfmt::skip]
#[path = "generated/spec_examples.rs"]
mod generated;
