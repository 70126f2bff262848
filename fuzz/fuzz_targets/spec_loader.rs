//! Arbitrary bytes as a spec file, through the loader and the resolver: they must never
//! panic, and every problem they report must be located in the file (`path:line:col`). The
//! first byte picks where the file sits (an endpoint, a group's types or errors, the shared
//! types); the seeds are the real spec's files, so mutations explore near-valid specs too.

#![no_main]

use codegen::SourceFile;
use libfuzzer_sys::fuzz_target;

const ERRORS: &str = "[[errors]]\ncode = 40001\nmessage = \"invalid credential\"\nmeaning = \"m\"\nretry = \"renew_token\"\n";
const GROUPS: &str = "[groups.g]\nsummary = \"A group.\"\n";
const PLACES: [&str; 4] = ["spec/g/endpoint.toml", "spec/g/types.toml", "spec/g/errors.toml", "spec/types.toml"];

fuzz_target!(|data: &[u8]| {
    let Some((place, text)) = data.split_first() else { return };
    let path = PLACES[usize::from(*place) % PLACES.len()];
    let file = match SourceFile::from_bytes(path, text.to_vec()) {
        Ok(file) => file,
        Err(problem) => {
            assert!(problem.location.path == path && problem.location.line >= 1, "{problem}");
            return;
        }
    };
    let files = [SourceFile::new("spec/errors.toml", ERRORS), SourceFile::new("spec/groups.toml", GROUPS), file];
    if let Err(problems) = codegen::check_spec(&files) {
        for problem in &problems.0 {
            assert!(problem.location.line >= 1 && problem.location.column >= 1, "{problem}");
            assert!(!problem.message.is_empty(), "{problem}");
        }
    }
});
