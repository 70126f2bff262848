//! Helpers for the workspace tests: a recording HTTP server on 127.0.0.1 that answers with
//! canned bodies and keeps every request it received.
