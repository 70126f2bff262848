//! Helpers for the workspace tests: a scriptable HTTP server on 127.0.0.1 that answers with
//! canned bodies and keeps every request it received, in-memory tracing capture, and the
//! fixtures the runtime tests share.

pub mod capture;
pub mod fixtures;
pub mod scripted;
