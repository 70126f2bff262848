//! Every example push message of the spec through its event type and back, generated from the
//! spec into `generated/event_examples.rs` by `cargo xtask codegen`. An integration test, so
//! it uses only the public API and does not ship in the crate.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

// Generated and formatted by prettyplease, not rustfmt.
#[rustfmt::skip]
#[path = "generated/event_examples.rs"]
mod generated;
