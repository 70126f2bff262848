//! The flags of a request's fields and `--json`, shared by the operations' commands and
//! `wechat act`.

use clap::{Arg, value_parser};

use crate::bounded::JSON_CAP;
use crate::field::{Field, Kind};
use crate::input::JSON;

/// `--json`, giving the `what` (the request, the params) as a JSON object.
pub(crate) fn json_arg(what: &str) -> Arg {
    Arg::new(JSON).long(JSON).value_name("JSON|@FILE|-").help(format!(
        "The {what} as a JSON object: inline, @FILE to read a regular file, - to read stdin \
         (at most {JSON_CAP} bytes from either); flags override its keys"
    ))
}

/// The flag of a field that has one.
pub(crate) fn field_arg(field: &'static Field) -> Option<Arg> {
    let flag = field.flag?;
    let mut help = field.help.to_owned();
    if !field.values.is_empty() {
        help.push_str(&format!(" Known values: {}.", field.values.join(", ")));
    }
    if field.secret {
        help.push_str(" A credential: --json - or @FILE keeps it out of the process list and shell history.");
    }
    if field.required {
        help.push_str(" [required]");
    }
    let arg = Arg::new(field.wire).long(flag).help(help);
    Some(match field.kind {
        Kind::Text => arg.value_name("TEXT"),
        Kind::Bool => arg
            .value_name("BOOL")
            .value_parser(value_parser!(bool))
            .num_args(0..=1)
            .require_equals(true)
            .default_missing_value("true"),
        Kind::Int32 => arg.value_name("INT").value_parser(value_parser!(i32)).allow_negative_numbers(true),
        Kind::Int64 => arg.value_name("INT").value_parser(value_parser!(i64)).allow_negative_numbers(true),
        Kind::UInt32 => arg.value_name("INT").value_parser(value_parser!(u32)),
        Kind::UInt64 => arg.value_name("INT").value_parser(value_parser!(u64)),
        Kind::Float => arg.value_name("NUMBER").value_parser(value_parser!(f64)).allow_negative_numbers(true),
        Kind::Json(_) => return None,
    })
}
