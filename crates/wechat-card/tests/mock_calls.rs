//! Every endpoint called through `wechat_card::Client` against wechat-mock, generated from the
//! spec into `generated/mock_calls.rs` by `cargo xtask codegen`.

// Generated and formatted by prettyplease, not rustfmt.
#[rustfmt::skip]
#[path = "generated/mock_calls.rs"]
mod generated;
