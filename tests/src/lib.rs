//! Helpers for the workspace tests, which talk to real HTTP servers on 127.0.0.1.

pub mod fast_server;
pub mod recording;
