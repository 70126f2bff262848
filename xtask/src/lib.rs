//! The project's commands, as a library so tests run the same code as `cargo xtask`.

pub mod bench;
pub mod openapi_tools;
pub mod sync;
pub mod synthetic;
pub mod test_setup;
pub mod workspace;
