//! The README's dependency lines work as an adopting team would use them: a scratch
//! application outside the workspace, whose manifest is the README's `[dependencies]` and
//! `[dev-dependencies]` block as written (the repository URL pointed at this checkout, through
//! git, as a git dependency fetches it), builds, and its tests call two operations against the
//! mock it depends on (`tests/fixtures/adopter/main.rs`).
//!
//! The git dependency reads the checkout's committed `HEAD`, as any git dependency reads a
//! commit: run from a fresh clone (CI does), it tests exactly what is committed.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::fs;
use std::process::Command;
use tests::workspace::{root, scratch_target};

/// The workspace's `repository`, which the README's git lines must name.
fn repository() -> String {
    let manifest = fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let line = manifest.lines().find(|l| l.starts_with("repository = ")).expect("a repository URL");
    line.trim_start_matches("repository = ").trim_matches('"').to_owned()
}

/// The first ```toml block after the README's "Calling WeChat from an application" heading.
fn readme_dependency_block() -> String {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let section = readme.split_once("## Calling WeChat from an application").expect("the section").1;
    let block = section.split_once("```toml\n").expect("a toml block").1;
    block.split_once("```").expect("the block's end").0.to_owned()
}

#[test]
fn the_readme_dependency_lines_build_an_application_whose_tests_use_the_mock() {
    let block = readme_dependency_block();
    let url = repository();
    assert!(block.contains(&format!("wechat-card = {{ git = \"{url}\"")), "wechat-card from git:\n{block}");
    assert!(
        block.contains("[dev-dependencies]\nwechat-mock = { git"),
        "the mock as a dev-dependency:\n{block}"
    );
    let checkout = format!("file://{}", root().display());
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("Cargo.toml"),
        format!(
            "[package]\nname = \"adopter\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [workspace]\n\n{}",
            block.replace(&url, &checkout)
        ),
    )
    .unwrap();
    fs::create_dir_all(dir.path().join("src")).unwrap();
    fs::copy(root().join("tests/fixtures/adopter/main.rs"), dir.path().join("src/main.rs")).unwrap();
    // The workspace's versions of the registry crates, so the build resolves what CI tested.
    fs::copy(root().join("Cargo.lock"), dir.path().join("Cargo.lock")).unwrap();

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["test", "--quiet", "--message-format=short", "--manifest-path"])
        .arg(dir.path().join("Cargo.toml"))
        .arg("--target-dir")
        .arg(scratch_target("adopter-crate"))
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    let printed =
        format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "the adopter's crate fails:\n{printed}");
    assert!(printed.contains("1 passed"), "its test ran:\n{printed}");
}
