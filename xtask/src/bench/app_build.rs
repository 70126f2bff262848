//! The clean build of an application, as its team runs it: a scratch binary crate outside
//! the workspace that depends on `wechat-card` with its default features and makes two calls
//! (`xtask/apps/sdk`), against the same application written by hand with reqwest (rustls),
//! tokio and serde (`xtask/apps/hand`). Each is built from nothing, `cargo build` in a target
//! directory of its own, in the same run, with the workspace's `Cargo.lock` so both resolve
//! the versions the workspace uses.

use std::fs;
use std::path::Path;
use std::time::Duration;

use super::{BenchError, Row, cargo, verdict};

const SDK_MAIN: &str = include_str!("../../apps/sdk/main.rs");
const HAND_MAIN: &str = include_str!("../../apps/hand/main.rs");

/// The budget: the application costs at most this much more to build than the hand-written one.
const BUDGET: f64 = 1.2;

fn sdk_manifest(root: &Path) -> String {
    let card = root.join("crates/wechat-card");
    format!(
        "[package]\nname = \"sdk-app\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nwechat-card = {{ path = {card:?} }}\n\
         tokio = {{ version = \"1\", features = [\"rt-multi-thread\", \"macros\"] }}\n\n[workspace]\n",
        card = card.display().to_string()
    )
}

const HAND_MANIFEST: &str = "[package]\nname = \"hand-app\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
    [dependencies]\n\
    reqwest = { version = \"0.12\", default-features = false, features = [\"json\", \"rustls-tls-webpki-roots\"] }\n\
    serde = { version = \"1\", features = [\"derive\"] }\n\
    serde_json = \"1\"\n\
    tokio = { version = \"1\", features = [\"rt-multi-thread\", \"macros\"] }\n\n[workspace]\n";

/// Writes the application `name` with `manifest` and `main` under `dir`.
fn scratch_app(root: &Path, dir: &Path, manifest: &str, main: &str) -> Result<(), BenchError> {
    fs::create_dir_all(dir.join("src"))?;
    fs::write(dir.join("Cargo.toml"), manifest)?;
    fs::write(dir.join("src/main.rs"), main)?;
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    Ok(())
}

/// One clean build of the application in `dir`: a new target directory, `cargo build`.
fn clean_build(dir: &Path) -> Result<Duration, BenchError> {
    let target = dir.join("target");
    if target.exists() {
        fs::remove_dir_all(&target)?;
    }
    cargo(dir, &["build", "--quiet"], &[("CARGO_TARGET_DIR", &target)])
}

/// The row: the best of `rounds` clean builds of each application, built in turns so a
/// change in the machine's load falls on both.
pub(super) fn rows(root: &Path, rounds: u32) -> Result<Vec<Row>, BenchError> {
    let scratch = tempfile::tempdir()?;
    let (sdk, hand) = (scratch.path().join("sdk-app"), scratch.path().join("hand-app"));
    scratch_app(root, &sdk, &sdk_manifest(root), SDK_MAIN)?;
    scratch_app(root, &hand, HAND_MANIFEST, HAND_MAIN)?;
    let (mut best_sdk, mut best_hand) = (Duration::MAX, Duration::MAX);
    for _ in 0..rounds.max(1) {
        best_hand = best_hand.min(clean_build(&hand)?);
        best_sdk = best_sdk.min(clean_build(&sdk)?);
    }
    let ratio = best_sdk.as_secs_f64() / best_hand.as_secs_f64();
    let secs = |d: Duration| format!("{:.1} s", d.as_secs_f64());
    Ok(vec![Row {
        figure: "clean build of an application calling two operations, wechat-card with default features \
                 (baseline: the same application by hand, reqwest + rustls + tokio + serde)"
            .to_owned(),
        value: secs(best_sdk),
        baseline: secs(best_hand),
        ratio: Some(ratio),
        budget: verdict(ratio <= BUDGET, "within 1.2x"),
    }])
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn the_sdk_application_depends_on_the_workspace_crate_by_path() {
        let manifest = super::sdk_manifest(Path::new("/repo"));
        let parsed: toml_span::Value<'_> = toml_span::parse(&manifest).expect("a manifest cargo reads");
        let card = parsed.pointer("/dependencies/wechat-card/path").and_then(|v| v.as_str());
        assert_eq!(card, Some("/repo/crates/wechat-card"));
        assert!(toml_span::parse(super::HAND_MANIFEST).is_ok());
    }
}
