//! The command line's environment variables, read one way: unset and empty alike, a value
//! that is not UTF-8 refused without being shown.

use std::ffi::OsString;

use crate::failure::Failure;

/// The variable's value; unset and empty are the same, and a value that is not UTF-8 is
/// refused without being shown.
pub(crate) fn variable(name: &'static str) -> Result<Option<String>, Failure> {
    match std::env::var_os(name).map(OsString::into_string) {
        None => Ok(None),
        Some(Ok(value)) if value.trim().is_empty() => Ok(None),
        Some(Ok(value)) => Ok(Some(value)),
        Some(Err(_)) => Err(Failure::BadVariable { name, problem: "not valid UTF-8".to_owned() }),
    }
}
