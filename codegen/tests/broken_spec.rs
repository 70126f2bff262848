//! Every kind of problem a spec file can have is reported, at its place, and nothing panics.
//!
//! Each file in `tests/broken/` is a spec file of the group `broken` with mistakes (an endpoint
//! file, or one of the group's `errors.toml`, `types.toml`, `resources.toml`, `events/*.toml`,
//! `user/*.toml`); the `# expect:` lines at its end list every diagnostic it must produce, as
//! `line:column: message`. All fixtures are loaded together, in a spec folder that is
//! otherwise valid, so problems that span files (a duplicate operation name) are found too.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::fs;
use std::path::Path;

use codegen::SourceFile;

const ERRORS: &str = r#"
[[errors]]
code = 40001
message = "invalid credential"
meaning = "m"
retry = "renew_token"
"#;

const GROUPS: &str = r#"
[groups.broken]
summary = "Fixtures."
"#;

/// The headers of push events, for the fixtures' events and the steps that push them.
const EVENTS: &str = r#"
[headers.account]
doc = "Account events."
discriminator = "Event"
fields.FromUserName = { type = "string", doc = "User." }
fields.CreateTime = { type = "integer", doc = "Time." }
"#;

fn fixtures() -> Vec<SourceFile> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/broken");
    let mut files = Vec::new();
    read_tree(&dir, "", &mut files);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// The files under `dir`, as files of `spec/broken/` at the same relative path.
fn read_tree(dir: &Path, relative: &str, files: &mut Vec<SourceFile>) {
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = format!("{relative}{}", entry.file_name().to_string_lossy());
        if entry.path().is_dir() {
            read_tree(&entry.path(), &format!("{name}/"), files);
        } else {
            files.push(SourceFile::new(
                format!("spec/broken/{name}"),
                fs::read_to_string(entry.path()).unwrap(),
            ));
        }
    }
}

fn expected(file: &SourceFile) -> Vec<String> {
    file.text
        .lines()
        .filter_map(|line| line.strip_prefix("# expect: "))
        .map(|rest| format!("{}:{rest}", file.path))
        .collect()
}

#[test]
fn every_problem_is_reported_where_it_is() {
    let files = fixtures();
    let mut sources = vec![
        SourceFile::new("spec/errors.toml", ERRORS),
        SourceFile::new("spec/groups.toml", GROUPS),
        SourceFile::new("spec/events.toml", EVENTS),
    ];
    sources.extend(files.iter().cloned());
    let problems = match codegen::generate(&sources) {
        Err(codegen::Error::Spec(problems)) => problems,
        other => panic!("broken fixtures must be refused, got {other:?}"),
    };
    let reported: Vec<String> = problems.0.iter().map(ToString::to_string).collect();
    let mut mismatches = Vec::new();
    for file in &files {
        let want = expected(file);
        let got: Vec<&String> =
            reported.iter().filter(|d| d.starts_with(&format!("{}:", file.path))).collect();
        if got.iter().map(|s| s.as_str()).ne(want.iter().map(String::as_str)) {
            mismatches.push(format!(
                "{}\n  expected:\n    {}\n  reported:\n    {}",
                file.path,
                want.join("\n    "),
                got.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n    ")
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n\n"));
}

#[test]
fn missing_required_files_are_named() {
    let problems = codegen::check_spec(&[]).unwrap_err();
    let reported: Vec<String> = problems.0.iter().map(ToString::to_string).collect();
    assert_eq!(
        reported,
        [
            "spec/errors.toml:1:1: this file is required and was not found",
            "spec/groups.toml:1:1: this file is required and was not found",
        ]
    );
}
