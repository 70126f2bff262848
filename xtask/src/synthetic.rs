//! Synthetic spec folders of any size, for the generator's benchmarks and the build-time
//! measurements: every endpoint has nested objects, arrays, an enum, an error table and
//! examples, like the real ones; and a chain of nested types of any depth, for the check of
//! types that contain themselves.

use codegen::SourceFile;

/// WeChat's general codes as the real spec has them, so generated enums look the same.
const ERRORS: &str = include_str!("../../spec/errors.toml");

/// A spec folder with `endpoints` endpoints spread over `groups` groups.
pub fn spec(endpoints: usize, groups: usize) -> Vec<SourceFile> {
    let groups = groups.max(1);
    let mut files = vec![SourceFile::new("spec/errors.toml", ERRORS), groups_file(groups)];
    files.extend((0..endpoints).map(|i| endpoint(i, i % groups)));
    files
}

/// A spec folder whose `spec/types.toml` is a chain of `types` nested object types, and one
/// endpoint sending its head. `Chain{i}` holds `Chain{i+1}` in a required field `next` (the
/// last one holds only a string), and every one but the first holds `Chain{i-1}` in an
/// optional field `up`: the chain is one cycle through optional fields (every `up` is boxed)
/// and none through required fields only, so both of the generator's cycle checks walk all of
/// it. No example: a value of it would nest deeper than any JSON parser allows.
pub fn deep_chain(types: usize) -> Vec<SourceFile> {
    let types = types.max(1);
    let mut text = String::new();
    for i in 0..types {
        text.push_str(&format!(
            "[types.Chain{i}]\ndoc = \"Link {i} of a synthetic chain.\"\n\
             fields.label = {{ type = \"string\", doc = \"A label.\" }}\n"
        ));
        if i + 1 < types {
            let next = i + 1;
            text.push_str(&format!("fields.next = {{ type = \"Chain{next}\", doc = \"The next link.\" }}\n"));
        }
        if let Some(up) = i.checked_sub(1) {
            text.push_str(&format!(
                "fields.up = {{ type = \"Chain{up}\", optional = true, doc = \"The link before.\" }}\n"
            ));
        }
        text.push('\n');
    }
    let endpoint = r#"name = "send_chain"
interface = "syntheticchain"
summary = "Sends the head of a synthetic chain of nested types."
method = "POST"
path = "/synthetic/chain"

[auth]
token = "access_token"

[request]
head = { type = "Chain0", doc = "The chain." }
"#;
    vec![
        SourceFile::new("spec/errors.toml", ERRORS),
        groups_file(1),
        SourceFile::new("spec/types.toml", text),
        SourceFile::new("spec/group_0/send_chain.toml", endpoint),
    ]
}

fn groups_file(groups: usize) -> SourceFile {
    let mut text = String::new();
    for g in 0..groups {
        text.push_str(&format!("[groups.group_{g}]\nsummary = \"Synthetic group {g}.\"\n\n"));
    }
    SourceFile::new("spec/groups.toml", text)
}

fn endpoint(i: usize, group: usize) -> SourceFile {
    let text = format!(
        r#"name = "operation_{i}"
interface = "synthetic{i}"
summary = "Synthetic endpoint {i}."
doc = "Made by the synthetic spec generator to measure the toolchain at scale."
method = "POST"
path = "/synthetic/operation{i}"
notes = ["Synthetic."]

[auth]
token = "access_token"
third_party = true
permission_set = 26

[request]
order_id = {{ type = "string", doc = "The order." }}
amount = {{ type = "i64", doc = "Amount in fen." }}
note = {{ type = "string", optional = true, doc = "A note." }}
kind = {{ type = "Kind", doc = "The kind." }}
items = {{ type = "array", items = "Item", doc = "The items." }}

[response]
status = {{ type = "Kind", doc = "Where it stands." }}
detail = {{ type = "Detail", optional = true, doc = "Details." }}

[types.Item]
doc = "One item."
fields.name = {{ type = "string", doc = "Name." }}
fields.count = {{ type = "i32", doc = "How many." }}
fields.price = {{ type = "i64", optional = true, doc = "Unit price in fen." }}

[types.Detail]
doc = "Details of the answer."
fields.code = {{ type = "string", doc = "A code." }}
fields.items = {{ type = "array", items = "Item", doc = "The items." }}

[types.Kind]
doc = "A kind."
values = [
    {{ value = "KIND_A", doc = "A." }},
    {{ value = "KIND_B", doc = "B." }},
    {{ value = "KIND_C", doc = "C." }},
]

[[errors]]
code = 90001
message = "synthetic error one"
meaning = "Made up."

[[errors]]
code = 90002
message = "synthetic error two"
meaning = "Made up."
retry = "backoff"

[[examples]]
request = '''{{"order_id": "o{i}", "amount": 100, "kind": "KIND_A", "items": [{{"name": "x", "count": 1}}]}}'''
response = '''{{"errcode": 0, "errmsg": "ok", "status": "KIND_B", "detail": {{"code": "c", "items": []}}}}'''
"#
    );
    SourceFile::new(format!("spec/group_{group}/operation_{i}.toml"), text)
}

#[cfg(test)]
mod tests {
    #[test]
    fn synthetic_specs_generate() {
        let outputs = codegen::generate(&super::spec(12, 3)).unwrap_or_else(|e| panic!("{e}"));
        let modules = outputs
            .iter()
            .filter(|o| o.path.contains("src/generated/group_") && !o.path.ends_with("mod.rs"))
            .count();
        assert_eq!(modules, 12);
    }

    #[test]
    fn a_deep_chain_generates() {
        let outputs = codegen::generate(&super::deep_chain(30)).unwrap_or_else(|e| panic!("{e}"));
        let types = outputs
            .iter()
            .find(|o| o.path.ends_with("src/generated/types.rs"))
            .unwrap_or_else(|| panic!("no shared types module"));
        // Every link but the first is boxed where it points back; no `next` is.
        let text = &types.contents;
        assert_eq!(text.matches("pub up: Option<Box<crate::types::Chain").count(), 29, "{text}");
        assert_eq!(text.matches("pub next: crate::types::Chain").count(), 29, "{text}");
    }
}
