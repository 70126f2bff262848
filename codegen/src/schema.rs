//! `spec/spec.schema.json`: the spec format as JSON Schema, derived from the format types,
//! so editors (taplo, Even Better TOML) check spec files as they are typed.

use crate::emit::{HEADER, OutputFile};
use crate::format::AnySpecFile;

/// Where the schema is written.
pub const SCHEMA_PATH: &str = "spec/spec.schema.json";

/// The schema file.
pub fn schema_file() -> OutputFile {
    let mut schema = schemars::schema_for!(AnySpecFile);
    schema.insert("$comment".to_owned(), HEADER.into());
    schema.insert("title".to_owned(), "WeChat invoice SDK spec file".into());
    let mut contents = serde_json::to_string_pretty(&schema).unwrap_or_default();
    contents.push('\n');
    OutputFile { path: SCHEMA_PATH.to_owned(), contents }
}
