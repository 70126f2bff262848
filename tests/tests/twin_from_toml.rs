//! A maintainer who adds endpoints of a new kind writes TOML only, and the mock keeps their
//! state: the real spec plus the fixture group in `tests/fixtures/twin/shop/` (gift-card pages
//! and the orders users pay on them: a nested id, an integer id numbered in sequence, an order
//! owned by its page, a list with its total, a refused status move, a user action that pushes
//! its event) is generated, the mock's generated tables are swapped into a scratch copy of
//! wechat-mock, and `tests/fixtures/twin/flow.rs` runs a flow against it over HTTP on
//! 127.0.0.1, with the typed record and user-action helpers the generator made.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::{OutputFile, SourceFile};
use tests::workspace::{root, scratch_target};

fn fixture_dir() -> PathBuf {
    root().join("tests/fixtures/twin")
}

/// Every `.toml` file under `dir`, with its path relative to `base`.
fn toml_files(base: &Path, dir: &Path, files: &mut Vec<SourceFile>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            toml_files(base, &path, files);
        } else if path.extension().is_some_and(|e| e == "toml") {
            let relative = path.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/");
            files.push(SourceFile::new(format!("spec/{relative}"), fs::read_to_string(&path).unwrap()));
        }
    }
}

/// The real spec, with the fixture group added as a maintainer would add it.
fn generate() -> Vec<OutputFile> {
    let mut sources = xtask::sync::read_spec(root()).unwrap();
    let groups = sources.iter_mut().find(|s| s.path == "spec/groups.toml").unwrap();
    groups.text.push_str(&fs::read_to_string(fixture_dir().join("groups.toml")).unwrap());
    let mut fixtures = Vec::new();
    toml_files(&fixture_dir(), &fixture_dir().join("shop"), &mut fixtures);
    assert!(fixtures.len() >= 10, "{} fixture files", fixtures.len());
    sources.extend(fixtures);
    sources.sort_by(|a, b| a.path.cmp(&b.path));
    codegen::generate(&sources).unwrap_or_else(|e| panic!("{e}"))
}

/// Copies `from` to `to`, leaving out build output.
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        let name = entry.file_name();
        if name == "target" {
            continue;
        }
        if path.is_dir() {
            copy_tree(&path, &to.join(&name));
        } else {
            fs::copy(&path, to.join(&name)).unwrap();
        }
    }
}

/// The workspace manifest with `members` swapped for the scratch workspace's, so the crates
/// inherit the same dependency versions, lints and profiles.
fn workspace_manifest(members: &[&str]) -> String {
    let manifest = fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let mut out = String::new();
    let mut skipping = false;
    for line in manifest.lines() {
        if line.starts_with("members = [") || line.starts_with("default-members = [") {
            skipping = !line.trim_end().ends_with(']');
            if line.starts_with("members") {
                out.push_str(&format!("members = {members:?}\n"));
            }
            continue;
        }
        if skipping {
            skipping = line.trim() != "]";
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// A scratch workspace: wechat-core, wechat-mock with the generated tables of `outputs`, and
/// the flow program.
fn scratch_workspace(dir: &Path, outputs: &[OutputFile]) {
    fs::write(
        dir.join("Cargo.toml"),
        workspace_manifest(&["crates/wechat-core", "crates/wechat-mock", "twin-flow"]),
    )
    .unwrap();
    // The workspace's versions, so the build needs nothing from the network.
    fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    copy_tree(&root().join("crates/wechat-core"), &dir.join("crates/wechat-core"));
    let mock = dir.join("crates/wechat-mock");
    copy_tree(&root().join("crates/wechat-mock"), &mock);
    // The mock's tests use the generated client, which the scratch workspace does not build.
    let manifest = fs::read_to_string(mock.join("Cargo.toml")).unwrap();
    let start = manifest.find("[dev-dependencies]").unwrap();
    let end = manifest[start + 1..].find("\n[").map_or(manifest.len(), |at| start + 1 + at + 1);
    fs::write(mock.join("Cargo.toml"), format!("{}{}", &manifest[..start], &manifest[end..])).unwrap();
    fs::remove_dir_all(mock.join("tests")).unwrap();
    let generated = mock.join("src/generated");
    fs::remove_dir_all(&generated).unwrap();
    let prefix = format!("{}/", codegen::emit::MOCK_GENERATED_DIR);
    for output in outputs {
        if let Some(rest) = output.path.strip_prefix(&prefix) {
            let path = generated.join(rest);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, &output.contents).unwrap();
        }
    }
    let flow = dir.join("twin-flow");
    fs::create_dir_all(flow.join("src")).unwrap();
    fs::write(
        flow.join("Cargo.toml"),
        "[package]\nname = \"twin-flow\"\nversion = \"0.0.0\"\nedition.workspace = true\npublish = false\n\n\
         [dependencies]\nreqwest.workspace = true\nserde_json.workspace = true\n\
         tokio = { workspace = true, features = [\"rt-multi-thread\", \"macros\", \"net\", \"io-util\"] }\n\
         wechat-core.workspace = true\nwechat-mock.workspace = true\n",
    )
    .unwrap();
    fs::copy(fixture_dir().join("flow.rs"), flow.join("src/main.rs")).unwrap();
}

fn output<'a>(outputs: &'a [OutputFile], path: &str) -> &'a str {
    let path = format!("{}/{path}", codegen::emit::MOCK_GENERATED_DIR);
    &outputs.iter().find(|o| o.path == path).unwrap_or_else(|| panic!("{path} was not generated")).contents
}

#[test]
fn a_new_group_written_in_toml_only_gets_a_mock_that_keeps_its_state() {
    let outputs = generate();
    // The generator made the typed helpers the flow uses, from TOML alone.
    assert!(output(&outputs, "records.rs").contains("pub struct ShopOrder"));
    assert!(output(&outputs, "records.rs").contains("pub enum ShopOrderStatus"));
    assert!(output(&outputs, "user_actions.rs").contains("pub struct PayOrderParams"));
    assert!(output(&outputs, "state.rs").contains("\"shop/list_orders\""));

    let dir = tempfile::tempdir().unwrap();
    scratch_workspace(dir.path(), &outputs);
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let run = Command::new(cargo)
        .args(["run", "--quiet", "--offline", "-p", "twin-flow", "--manifest-path"])
        .arg(dir.path().join("Cargo.toml"))
        .arg("--target-dir")
        .arg(scratch_target("twin-check"))
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "the flow against the fixture's mock failed:\n{stdout}\n{stderr}");
    // The last check ran.
    assert!(stdout.contains("ok: every push was delivered"), "{stdout}");
}
