//! What the emitters' unit tests share.

use crate::model::Spec;
use crate::source::SourceFile;

/// The endpoint file `text` of `group`, named after the operation it declares (its
/// `name = "..."` line), as the spec's layout requires.
pub(crate) fn endpoint_file(group: &str, text: &str) -> SourceFile {
    let name = text
        .lines()
        .find_map(|line| line.strip_prefix("name = \"")?.strip_suffix('"'))
        .unwrap_or_else(|| panic!("the endpoint declares no `name`: {text}"));
    SourceFile::new(format!("spec/{group}/{name}.toml"), text)
}

/// `spec/errors.toml` with WeChat's general "system error" alone.
pub(crate) const SYSTEM_BUSY: &str =
    "[[errors]]\ncode = -1\nmessage = \"system error\"\nname = \"SystemBusy\"\nmeaning = \"Busy.\"\n";

/// The resolved spec of one group `group` holding `endpoint`, with `errors` as
/// `spec/errors.toml` and `types`, if any, as `spec/types.toml`.
pub(crate) fn one_endpoint_spec(group: &str, errors: &str, types: Option<&str>, endpoint: &str) -> Spec {
    let mut files = vec![
        SourceFile::new("spec/errors.toml", errors),
        SourceFile::new("spec/groups.toml", format!("[groups.{group}]\nsummary = \"Demo.\"\n")),
    ];
    files.extend(types.map(|types| SourceFile::new("spec/types.toml", types)));
    files.push(endpoint_file(group, endpoint));
    crate::check_spec(&files).unwrap_or_else(|e| panic!("{e}"))
}
