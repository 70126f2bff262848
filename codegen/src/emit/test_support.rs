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

/// The push events of a spec of `groups` (each a group with a made-up summary) and `files`
/// (`spec/events.toml` and the events' files), with [`SYSTEM_BUSY`] as `spec/errors.toml`.
pub(crate) fn events_spec(
    groups: &[&str],
    files: impl IntoIterator<Item = SourceFile>,
) -> crate::model::Events {
    let groups: String = groups.iter().map(|g| format!("[groups.{g}]\nsummary = \"Demo.\"\n")).collect();
    let mut all =
        vec![SourceFile::new("spec/errors.toml", SYSTEM_BUSY), SourceFile::new("spec/groups.toml", groups)];
    all.extend(files);
    crate::check_spec(&all).unwrap_or_else(|e| panic!("{e}")).events
}

/// An endpoint whose types take every path of the text writers (builders, setters and
/// `Deserialize` impls): a query parameter and a constant, required and optional fields with
/// names short and long enough to break their lines, other spellings of keys, a secret, a
/// rule between fields, a nested type with a field only answers hold, and a long type name.
pub(crate) const TEXT_WRITER_ENDPOINT: &str = r#"
name = "send_a_request_whose_type_name_is_rather_long_indeed"
interface = "demo"
summary = "Demo."
method = "POST"
path = "/demo"

[auth]
token = "access_token"

[query]
page_size = { type = "i64", optional = true, doc = "A query parameter whose documentation runs long enough to be wrapped at the width of the project's rustfmt configuration." }

[request]
action = { type = "string", value = "get_the_whole_list_of_things", doc = "A constant." }
a = { type = "string", max_bytes = 16, min_length = 1, doc = "Short." }
id = { type = "i64", optional = true, aliases = ["i"], minimum = -5, maximum = 5, doc = "Short, and spelled another way." }
secret = { type = "string", secret = true, doc = "A secret." }
a_field_name_long_enough_to_break_the_setter_lines = { type = "array", items = "ItemOfTheList", min_items = 1, doc = "Long." }
an_optional_field_name_long_enough_to_break = { type = "string", optional = true, aliases = ["an_optional_field_name_spelled_another_way"], doc = "Long." }
type_ = { type = "string", optional = true, doc = "A keyword." }
one = { type = "bool", optional = true, one_of = "audience", doc = "One of two." }
other = { type = "bool", optional = true, one_of = "audience", doc = "The other." }

[response]
status = { type = "string", doc = "Required." }
an_optional_answer_field_with_a_name_long_enough_to_break_lines = { type = "string", optional = true, doc = "Optional." }

[types.ItemOfTheList]
doc = "An item."
fields.name = { type = "string", max_length = 8, doc = "Its name." }
fields.count = { type = "i64", doc = "How many." }
fields.assigned = { type = "string", only = "response", optional = true, doc = "WeChat assigns it." }
"#;

/// Strings whose escaping differs from the obvious: quotes, backslashes, controls, NUL
/// before an octal digit, CJK, combining marks, zero-width characters.
pub(crate) const TRICKY_STRINGS: &[&str] = &[
    "plain",
    "",
    "quotes \" and 'single' ones",
    "a backslash \\ and \\n spelled",
    "lines\nand\ttabs\rand\u{1}controls\u{7f}",
    "nul \0 then \u{0}7 an octal digit",
    "中文 and émoji 🎉 and a combining \u{301} accent",
    "zero width \u{200b} and a BOM \u{feff}",
];

/// What prettyplease prints for the Rust file `text`: the text writers' output must be that.
pub(crate) fn prettyplease_of(text: &str) -> String {
    prettyplease::unparse(&syn::parse_file(text).unwrap_or_else(|e| panic!("not Rust: {e}\n{text}")))
}
