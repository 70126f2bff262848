//! Every operation of the spec through the built `wechat` binary against wechat-mock. The tests
//! are generated from the spec (`cargo xtask codegen`) into `generated/operations.rs`.

mod support;

// Generated and formatted by prettyplease, not rustfmt.
#[rustfmt::skip]
#[path = "generated/operations.rs"]
mod generated;
