//! `cargo xtask` works on the workspace it is run in, found from the current directory: the
//! binary built for one checkout must not read or write another's files.

use std::fs;
use std::process::Command;

/// A workspace whose spec has one broken file: codegen run in it must report that file.
#[test]
fn codegen_reads_the_workspace_of_the_current_directory() {
    let dir = tempfile::tempdir().expect("temporary directory");
    fs::write(dir.path().join("Cargo.toml"), "[workspace]\nmembers = []\n").expect("write");
    fs::create_dir_all(dir.path().join("spec")).expect("mkdir");
    fs::write(dir.path().join("spec/groups.toml"), "[groups.broken\n").expect("write");
    let inside = dir.path().join("some/where/inside");
    fs::create_dir_all(&inside).expect("mkdir");

    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["codegen", "--check"])
        .current_dir(&inside)
        .output()
        .expect("run xtask");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "the broken spec must fail the check\n{stdout}\n{stderr}");
    assert!(!stdout.contains("generated files match spec/"), "it checked another workspace:\n{stdout}");
    assert!(stderr.contains("spec/groups.toml"), "the error names the broken file:\n{stderr}");
}

#[test]
fn outside_any_workspace_it_says_so() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["codegen", "--check"])
        .current_dir(dir.path())
        .output()
        .expect("run xtask");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("no Cargo.toml declaring [workspace]"), "{stderr}");
}
