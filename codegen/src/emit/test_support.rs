//! What the emitters' unit tests share.

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
