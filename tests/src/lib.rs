//! Helpers for the workspace tests, which talk to real HTTP servers on 127.0.0.1: a
//! scriptable server that keeps every request, a raw TCP server for answers HTTP libraries
//! will not produce, a minimal fast server for the benchmarks, a real redis-server (and a proxy that slows it), pushes
//! delivered as WeChat delivers them, a callback URL receiving the mock's pushes typed, in-memory
//! tracing capture,
//! the fixtures the runtime tests share, the checks that secrets stay hidden, the crates' module
//! graphs, and where the workspace and the tests' scratch builds are.

pub mod baseline;
pub mod bench_figures;
pub mod capture;
pub mod delay_proxy;
pub mod event_sink;
pub mod fast_server;
pub mod fixtures;
pub mod fleet;
pub mod leaks;
pub mod module_graph;
pub mod pushes;
pub mod raw_server;
pub mod redis_server;
pub mod scripted;
pub mod workspace;
