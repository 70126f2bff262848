//! The generated crate compiles, not only parses: the real spec plus the fixtures in
//! `tests/fixtures/compile/` (shapes the real spec does not have yet, such as types that contain
//! themselves, and a group with its own types and codes whose operation name another group
//! has) are generated into a scratch crate, which `cargo check` builds against the workspace's
//! wechat-core, with `usage.rs` calling the generated API the way an application would.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::SourceFile;
use tests::workspace::{root, scratch_target};

fn fixture_dir() -> PathBuf {
    root().join("tests/fixtures/compile")
}

/// Every fixture file of a group folder, placed where it would sit in spec/.
fn fixtures() -> Vec<SourceFile> {
    let base = fixture_dir();
    let mut files = Vec::new();
    for group in fs::read_dir(&base).unwrap() {
        let group = group.unwrap().path();
        if !group.is_dir() {
            continue;
        }
        for file in fs::read_dir(&group).unwrap() {
            let file = file.unwrap().path();
            let relative = file.strip_prefix(&base).unwrap().to_string_lossy().replace('\\', "/");
            files.push(SourceFile::new(format!("spec/{relative}"), fs::read_to_string(&file).unwrap()));
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// A `[features]` table holding the generated group features (the generator writes them as a
/// region of the hand-written manifest).
fn features(region: &str) -> String {
    assert!(codegen::splice::is_region(region), "{region}");
    format!("[features]\n{region}")
}

fn scratch_crate(dir: &Path, outputs: &[codegen::OutputFile]) {
    let generated = format!("{}/", codegen::emit::GENERATED_DIR);
    let mut manifest = String::new();
    for output in outputs {
        if let Some(rest) = output.path.strip_prefix(&generated) {
            let path = dir.join("src/generated").join(rest);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, &output.contents).unwrap();
        } else if output.path == "crates/wechat-card/Cargo.toml" {
            manifest.clone_from(&output.contents);
        }
    }
    let core = root().join("crates/wechat-core");
    fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"generated-fixture\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [workspace]\n\n{}\n[dependencies]\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\
             wechat-core = {{ package = \"wechat-card-core\", path = {:?} }}\n",
            features(&manifest),
            core.to_string_lossy()
        ),
    )
    .unwrap();
    fs::write(
        dir.join("src/lib.rs"),
        format!(
            "//! Generated from the spec and fixtures.\nmod error;\n#[rustfmt::skip]\nmod generated;\n\
             pub use error::Error;\npub use generated::*;\n{}",
            fs::read_to_string(fixture_dir().join("usage.rs")).unwrap()
        ),
    )
    .unwrap();
    // The crate's hand-written files the generated code goes with: the error its `Code` goes
    // with, and the events' entry points, which the generated events module includes.
    for file in ["error.rs", "events_entry.rs"] {
        fs::copy(root().join("crates/wechat-card/src").join(file), dir.join("src").join(file)).unwrap();
    }
    // The workspace's versions, so the check needs nothing from the network.
    fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
}

#[test]
fn the_generated_crate_with_fixture_endpoints_compiles() {
    let mut sources = xtask::sync::read_spec(root()).unwrap();
    let groups = sources.iter_mut().find(|s| s.path == "spec/groups.toml").unwrap();
    groups.text.push_str(&fs::read_to_string(fixture_dir().join("groups.toml")).unwrap());
    sources.extend(fixtures());
    let outputs = codegen::generate(&sources).unwrap_or_else(|e| panic!("{e}"));
    let operation = outputs
        .iter()
        .find(|o| o.path.ends_with("/invoice/recursive_types_fixture.rs"))
        .expect("the fixture endpoint was generated");
    assert!(operation.contents.contains("pub parent: Option<Box<TreeNode>>"), "{}", operation.contents);
    assert!(operation.contents.contains("pub children: Option<Vec<TreeNode>>"), "{}", operation.contents);

    let dir = tempfile::tempdir().unwrap();
    scratch_crate(dir.path(), &outputs);
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["check", "--lib", "--offline", "--all-features", "--message-format=short", "--manifest-path"])
        .arg(dir.path().join("Cargo.toml"))
        .arg("--target-dir")
        .arg(scratch_target("generated-crate-check"))
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the generated crate does not compile:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
