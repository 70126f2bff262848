//! The project's commands, as a library so tests run the same code as `cargo xtask`.

pub mod sync;
