//! The input of an operation command: `--json` (inline, `@FILE` or `-` for stdin), the
//! flags over it, the constants the request always carries, split into body, query and files.

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::ArgMatches;
use clap::parser::ValueSource;
use serde_json::{Map, Value};

use crate::bounded::{self, JSON_CAP, Stdin};
use crate::failure::Failure;
use crate::field::{Field, FilePart, Kind, RequestShape};

/// The flag reading the request as JSON.
pub(crate) const JSON: &str = "json";
/// The flag naming the files of a multipart upload.
pub(crate) const FILE: &str = "file";

/// What an operation command was given, checked against the operation's fields. No `Debug`:
/// it may hold credentials.
pub(crate) struct Input {
    /// The body's fields.
    pub(crate) body: Map<String, Value>,
    /// The query parameters, by wire name.
    pub(crate) query: Map<String, Value>,
    /// Each file part given, with its path; read when the request is built.
    pub(crate) files: Vec<(&'static FilePart, PathBuf)>,
}

/// Reads the input of a request shaped as `op` from its matches; `stdin` is read for `--json -` only. A `--json`
/// file or stdin is read within [`JSON_CAP`] and the time bound of [`bounded`].
pub(crate) fn read(
    command: &str,
    op: &RequestShape,
    matches: &ArgMatches,
    stdin: Stdin<impl Read + Send + 'static>,
) -> Result<Input, Failure> {
    let mut fields = match matches.get_one::<String>(JSON) {
        Some(text) => json_object(command, text, stdin)?,
        None => Map::new(),
    };
    for field in op.fields {
        if let Some(value) = flag_value(field, matches) {
            fields.insert(field.wire.to_owned(), value);
        }
    }
    for field in op.fields.iter().filter(|f| f.required) {
        if fields.get(field.wire).is_none_or(Value::is_null) {
            return Err(Failure::MissingField {
                command: command.to_owned(),
                field: field.wire,
                flag: field.flag,
            });
        }
    }
    for (name, value) in op.constants {
        fields.entry(*name).or_insert_with(|| Value::from(*value));
    }
    let (query, body) = fields.into_iter().partition(|(key, _)| op.field(key).is_some_and(|f| f.query));
    let files = files(command, op, matches)?;
    Ok(Input { body, query, files })
}

fn json_object(
    command: &str,
    text: &str,
    stdin: Stdin<impl Read + Send + 'static>,
) -> Result<Map<String, Value>, Failure> {
    let problem = |problem: String| Failure::Json { command: command.to_owned(), problem };
    const CAPPED: &str = "a --json request";
    let (origin, read) = if text == "-" {
        let read = bounded::stdin(stdin, JSON_CAP, bounded::timeout()?)
            .map_err(|refusal| problem(format!("-: {}", refusal.describe("stdin", CAPPED))))?;
        ("stdin".to_owned(), read)
    } else if let Some(path) = text.strip_prefix('@') {
        let read = bounded::file(Path::new(path), JSON_CAP, bounded::timeout()?)
            .map_err(|refusal| problem(format!("@{path}: {}", refusal.describe("the file", CAPPED))))?;
        (format!("@{path}"), read)
    } else {
        ("value".to_owned(), text.as_bytes().to_vec())
    };
    match serde_json::from_slice::<Value>(&read) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(problem(format!("{origin}: expected a JSON object, found {}", json_type(&other)))),
        Err(e) => Err(problem(format!("{origin}: not JSON: {e}"))),
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The JSON value of a field's flag, when it was given on the command line.
fn flag_value(field: &Field, matches: &ArgMatches) -> Option<Value> {
    field.flag?;
    if matches.value_source(field.wire) != Some(ValueSource::CommandLine) {
        return None;
    }
    let value = match field.kind {
        Kind::Text => Value::from(matches.get_one::<String>(field.wire)?.clone()),
        Kind::Bool => Value::from(*matches.get_one::<bool>(field.wire)?),
        Kind::Int32 => Value::from(*matches.get_one::<i32>(field.wire)?),
        Kind::Int64 => Value::from(*matches.get_one::<i64>(field.wire)?),
        Kind::UInt32 => Value::from(*matches.get_one::<u32>(field.wire)?),
        Kind::UInt64 => Value::from(*matches.get_one::<u64>(field.wire)?),
        Kind::Float => Value::from(*matches.get_one::<f64>(field.wire)?),
        Kind::Json(_) => return None,
    };
    Some(value)
}

/// `--file PATH` for an operation with one file part, `--file PART=PATH` for several.
fn files(
    command: &str,
    op: &RequestShape,
    matches: &ArgMatches,
) -> Result<Vec<(&'static FilePart, PathBuf)>, Failure> {
    let problem = |problem: String| Failure::File { command: command.to_owned(), problem };
    // Only uploads have `--file`; asking the others' matches for it is not an error.
    let given: Vec<&String> =
        matches.try_get_many::<String>(FILE).ok().flatten().map(Iterator::collect).unwrap_or_default();
    let mut files: Vec<(&'static FilePart, PathBuf)> = Vec::new();
    for value in given {
        let (part, path) = match op.files {
            [only] => (only, value.as_str()),
            parts => {
                let (name, path) = value
                    .split_once('=')
                    .ok_or_else(|| problem(format!("`{value}`: name the part, as PART=PATH")))?;
                let part = parts
                    .iter()
                    .find(|p| p.part == name)
                    .ok_or_else(|| problem(format!("`{name}` is not a file part of this request")))?;
                (part, path)
            }
        };
        if files.iter().any(|(p, _)| p.part == part.part) {
            return Err(problem(format!("the `{}` part is given twice", part.part)));
        }
        files.push((part, PathBuf::from(path)));
    }
    if let Some(missing) =
        op.files.iter().find(|p| p.required && !files.iter().any(|(f, _)| f.part == p.part))
    {
        let how = if op.files.len() == 1 { "PATH".to_owned() } else { format!("{}=PATH", missing.part) };
        return Err(problem(format!("{how} is required: the `{}` part", missing.part)));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use clap::{Arg, ArgAction, Command, value_parser};
    use serde_json::json;

    use super::*;
    const FIELDS: &[Field] = &[
        Field {
            wire: "order_id",
            flag: Some("order-id"),
            help: "",
            kind: Kind::Text,
            values: &[],
            required: true,
            query: false,
            secret: false,
            aliases: &[],
        },
        Field {
            wire: "count",
            flag: Some("count"),
            help: "",
            kind: Kind::Int64,
            values: &[],
            required: false,
            query: false,
            secret: false,
            aliases: &[],
        },
        Field {
            wire: "appid",
            flag: Some("appid"),
            help: "",
            kind: Kind::Text,
            values: &[],
            required: false,
            query: true,
            secret: false,
            aliases: &[],
        },
    ];

    static OP: RequestShape = RequestShape {
        fields: FIELDS,
        constants: &[("action", "get_url")],
        files: &[FilePart { part: "pdf", max_size: 10, required: false }],
    };

    /// Stdin when the command does not read it.
    fn no_stdin() -> Stdin<std::io::Empty> {
        Stdin { reader: std::io::empty(), terminal: false }
    }

    fn matches(args: &[&str]) -> ArgMatches {
        Command::new("op")
            .arg(Arg::new("order_id").long("order-id"))
            .arg(
                Arg::new("count").long("count").value_parser(value_parser!(i64)).allow_negative_numbers(true),
            )
            .arg(Arg::new("appid").long("appid"))
            .arg(Arg::new(JSON).long(JSON))
            .arg(Arg::new(FILE).long(FILE).action(ArgAction::Append))
            .try_get_matches_from(std::iter::once("op").chain(args.iter().copied()))
            .unwrap()
    }

    #[test]
    fn flags_override_json_keys_and_constants_and_query_are_split_off() {
        let given =
            matches(&["--json", r#"{"order_id": "from-json", "count": 1, "appid": "wx"}"#, "--count=-7"]);
        let input = read("demo op", &OP, &given, no_stdin()).unwrap();
        assert_eq!(
            Value::Object(input.body),
            json!({"order_id": "from-json", "count": -7, "action": "get_url"})
        );
        assert_eq!(Value::Object(input.query), json!({"appid": "wx"}));
    }

    #[test]
    fn json_comes_from_stdin_or_a_file() {
        let given = matches(&["--json", "-"]);
        let input = read(
            "demo op",
            &OP,
            &given,
            Stdin { reader: r#"{"order_id": "o"}"#.as_bytes(), terminal: false },
        )
        .unwrap();
        assert_eq!(input.body.get("order_id"), Some(&json!("o")));

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("request.json");
        std::fs::write(&path, r#"{"order_id": "from-file"}"#).unwrap();
        let given = matches(&["--json", &format!("@{}", path.display())]);
        let input = read("demo op", &OP, &given, no_stdin()).unwrap();
        assert_eq!(input.body.get("order_id"), Some(&json!("from-file")));
    }

    /// The message of a refused input; `Input` has no `Debug` for `unwrap_err`.
    fn refused(result: Result<Input, Failure>) -> String {
        match result {
            Ok(_) => panic!("the input was accepted"),
            Err(failure) => failure.to_string(),
        }
    }

    #[test]
    fn bad_input_is_named() {
        let missing = refused(read("demo op", &OP, &matches(&[]), no_stdin()));
        assert_eq!(missing, "demo op: --order-id (`order_id` in --json) is required");

        let array = refused(read("demo op", &OP, &matches(&["--json", "[1]"]), no_stdin()));
        assert_eq!(array, "demo op: --json value: expected a JSON object, found an array");

        let broken = refused(read("demo op", &OP, &matches(&["--json", "{\"a\""]), no_stdin()));
        assert!(broken.starts_with("demo op: --json value: not JSON: EOF while parsing"), "{broken}");

        let gone =
            refused(read("demo op", &OP, &matches(&["--json", "@/nonexistent/wechat-cli.json"]), no_stdin()));
        assert!(
            gone.starts_with("demo op: --json @/nonexistent/wechat-cli.json: cannot read the file"),
            "{gone}"
        );

        let twice = refused(read(
            "demo op",
            &OP,
            &matches(&["--order-id", "o", "--file", "a", "--file", "b"]),
            no_stdin(),
        ));
        assert_eq!(twice, "demo op: --file the `pdf` part is given twice");
    }
}
