//! Helpers for the workspace tests, which talk to real HTTP servers on 127.0.0.1: a
//! scriptable server that keeps every request, a minimal fast server for the benchmarks,
//! in-memory tracing capture, and the fixtures the runtime tests share.

pub mod baseline;
pub mod capture;
pub mod fast_server;
pub mod fixtures;
pub mod scripted;
