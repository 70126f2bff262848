//! One small spec per generator feature (`tests/fixtures/<feature>/spec/`), and the files the
//! generator makes of it, committed beside it (`tests/fixtures/<feature>/expected/`): a change to
//! what an emitter prints fails here, with the diff, until the expected files are rewritten
//! with `EXPECTORATE=overwrite cargo test -p codegen --test snapshots` and the change is
//! reviewed in `git diff`.
//!
//! A fixture without its own `errors.toml` or `groups.toml` gets those of
//! `tests/fixtures/common/spec/` (one general code, one group `g`). Expected files are named by
//! where the generator writes them: `card/` is the client's `src/generated/` and `card-tests/` its
//! `tests/generated/`, `mock/` the mock's `src/generated/`, `cli/` and `cli-tests/` the command
//! line's, `manifests/` the generated region of a crate's `Cargo.toml` (`manifests/wechat-card/
//! Cargo.toml`), `docs/` the API reference and `openapi/` the OpenAPI document (`docs/openapi.json`).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use codegen::SourceFile;

/// Where each short prefix of an expected file's name is written in the workspace.
const PLACES: [(&str, &str); 8] = [
    ("card/", "crates/wechat-card/src/generated/"),
    ("card-tests/", "crates/wechat-card/tests/generated/"),
    ("mock/", "crates/wechat-mock/src/generated/"),
    ("cli/", "crates/wechat-cli/src/generated/"),
    ("cli-tests/", "crates/wechat-cli/tests/generated/"),
    ("manifests/", "crates/"),
    ("docs/", "docs/api/"),
    ("openapi/", "docs/"),
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The fixture's spec files, relative to its folder (`spec/g/x.toml`), plus the common ones it
/// does not replace.
fn spec_files(fixture: &str) -> Vec<SourceFile> {
    let mut files = Vec::new();
    read_tree(&fixtures().join(fixture), &fixtures().join(fixture).join("spec"), &mut files);
    for common in ["spec/errors.toml", "spec/groups.toml"] {
        if !files.iter().any(|f| f.path == common) {
            let text =
                fs::read_to_string(fixtures().join("common").join(common)).expect("a common spec file");
            files.push(SourceFile::new(common, text));
        }
    }
    files
}

fn read_tree(base: &Path, dir: &Path, files: &mut Vec<SourceFile>) {
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            read_tree(base, &path, files);
        } else {
            let relative = path.strip_prefix(base).expect("inside the fixture");
            let name = relative.iter().map(|p| p.to_string_lossy()).collect::<Vec<_>>().join("/");
            files.push(SourceFile::new(name, fs::read_to_string(&path).expect("a readable spec file")));
        }
    }
}

/// Every file under `dir`, by its path relative to `base` with `/` separators.
fn file_names(base: &Path, dir: &Path, names: &mut BTreeSet<String>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            file_names(base, &path, names);
        } else {
            let relative = path.strip_prefix(base).expect("inside expected/");
            names.insert(relative.iter().map(|p| p.to_string_lossy()).collect::<Vec<_>>().join("/"));
        }
    }
}

/// Generates the fixture and compares the named outputs with its expected files; the expected
/// folder must hold exactly those (a leftover file fails too, so renames do not leave stale
/// snapshots behind).
fn snapshot(fixture: &str, outputs: &[&str]) {
    let generated = codegen::generate(&spec_files(fixture)).unwrap_or_else(|e| panic!("{fixture}: {e}"));
    let expected_dir = fixtures().join(fixture).join("expected");
    for short in outputs {
        let (prefix, place) =
            PLACES.iter().find(|(prefix, _)| short.starts_with(prefix)).expect("a known prefix");
        let path = format!("{place}{}", &short[prefix.len()..]);
        let file = generated.iter().find(|f| f.path == path).unwrap_or_else(|| {
            let made: Vec<&str> = generated.iter().map(|f| f.path.as_str()).collect();
            panic!("{fixture}: the generator made no {path}; it made {made:#?}")
        });
        let expected = expected_dir.join(short);
        fs::create_dir_all(expected.parent().expect("a parent folder")).expect("the expected folder");
        expectorate::assert_contents(&expected, &file.contents);
    }
    let mut present = BTreeSet::new();
    file_names(&expected_dir, &expected_dir, &mut present);
    let wanted: BTreeSet<String> = outputs.iter().map(|s| (*s).to_owned()).collect();
    let stale: Vec<&String> = present.difference(&wanted).collect();
    assert!(stale.is_empty(), "{fixture}: expected files no output is compared with: {stale:?}");
}

#[test]
fn plain_endpoint_with_query_parameters() {
    snapshot("plain_query", &["card/g/get_thing.rs", "card/g/mod.rs", "card/client.rs", "docs/g.md"]);
}

#[test]
fn group_types_file() {
    snapshot("group_types", &["card/g/types.rs", "card/g/set_paint.rs"]);
}

#[test]
fn general_group_and_own_error_codes() {
    snapshot(
        "error_codes",
        &["card/general_error_code.rs", "card/error.rs", "card/g/drop_thing.rs", "docs/g.md"],
    );
}

#[test]
fn union_with_sibling_keys() {
    snapshot("union_sibling", &["card/g/make_card.rs", "mock/operations.rs"]);
}

#[test]
fn union_with_internal_tag() {
    snapshot("union_internal", &["card/g/send_message.rs"]);
}

#[test]
fn flattened_union_field() {
    snapshot("flatten", &["card/g/create_code.rs"]);
}

#[test]
fn fields_that_travel_one_way() {
    snapshot("only", &["card/types.rs", "mock/operations.rs"]);
}

#[test]
fn nullable_fields() {
    snapshot("nullable", &["card/g/get_user.rs", "card-tests/spec_examples.rs"]);
}

#[test]
fn limits_make_a_check_impl() {
    snapshot("limits", &["card/g/set_title.rs", "mock/operations.rs", "docs/g.md"]);
}

#[test]
fn conditional_and_exclusive_fields_make_a_rules_impl() {
    snapshot("conditional", &["card/g/check_in.rs", "mock/operations.rs", "docs/g.md"]);
}

#[test]
fn map_and_json_fields() {
    snapshot("map_json", &["card/g/get_stats.rs"]);
}

#[test]
fn multipart_upload() {
    snapshot("multipart", &["card/g/upload_pdf.rs", "docs/g.md"]);
}

#[test]
fn builders_for_two_required_fields_new_for_one_answer_only_ones_behind_a_feature() {
    snapshot("builders", &["card/g/send_bill.rs"]);
}

#[test]
fn recursion_through_an_optional_field_is_boxed() {
    snapshot("recursion", &["card/g/get_tree.rs"]);
}

#[test]
fn mock_table_and_mock_section() {
    snapshot("mock", &["mock/operations.rs", "mock/state.rs"]);
}

#[test]
fn resources_their_keys_parents_fresh_values_and_statuses() {
    snapshot("state_resources", &["mock/state.rs", "mock/records.rs", "mock/mod.rs", "docs/g.md"]);
}

#[test]
fn steps_of_every_verb_with_their_keys_and_expressions() {
    snapshot("state_steps", &["mock/state.rs"]);
}

#[test]
fn user_actions_their_params_examples_and_docs() {
    snapshot("state_user_actions", &["mock/state.rs", "mock/user_actions.rs", "docs/g.md"]);
}

#[test]
fn given_records_are_seeded_parents_first_before_the_call() {
    snapshot("state_given", &["card-tests/mock_calls.rs", "cli-tests/operations.rs"]);
}

#[test]
fn root_methods_and_group_handles() {
    snapshot("root_methods", &["card/client.rs", "card/mod.rs"]);
}

#[test]
fn spec_examples_and_mock_calls_become_integration_tests() {
    snapshot("generated_tests", &["card-tests/spec_examples.rs", "card-tests/mock_calls.rs"]);
}

#[test]
fn command_line_table_and_its_test() {
    snapshot("cli", &["cli/mod.rs", "cli-tests/operations.rs"]);
}

#[test]
fn group_features_of_the_manifests() {
    snapshot("manifest", &["manifests/wechat-card/Cargo.toml", "manifests/wechat-cli/Cargo.toml"]);
}

#[test]
fn push_events_their_entry_points_and_example_tests() {
    snapshot("events", &["card/events/mod.rs", "card/events/g.rs", "card-tests/event_examples.rs"]);
}

#[test]
fn deprecated_operations_are_marked_in_code_docs_help_and_tests() {
    snapshot(
        "deprecated",
        &[
            "card/client.rs",
            "card/g/mod.rs",
            "card/g/add_places.rs",
            "card-tests/mock_calls.rs",
            "cli/mod.rs",
            "docs/README.md",
            "docs/g.md",
        ],
    );
}

#[test]
fn a_text_answer_is_a_text_field_decoded_from_the_body() {
    snapshot(
        "text_answer",
        &["card/g/get_bill.rs", "card-tests/spec_examples.rs", "mock/operations.rs", "docs/g.md"],
    );
}

#[test]
fn openapi_document_of_unions_limits_uploads_shared_paths_and_events() {
    snapshot("openapi", &["openapi/openapi.json"]);
}

#[test]
fn every_fixture_is_snapshotted() {
    // A fixture folder no test names would pin nothing.
    let source: String = include_str!("snapshots.rs").split_whitespace().collect();
    let mut missing = Vec::new();
    for entry in fs::read_dir(fixtures()).expect("tests/fixtures") {
        let name = entry.expect("a directory entry").file_name().to_string_lossy().into_owned();
        if name != "common" && !source.contains(&format!("snapshot(\"{name}\"")) {
            missing.push(name);
        }
    }
    assert!(missing.is_empty(), "fixtures without a snapshot test: {missing:?}");
}
