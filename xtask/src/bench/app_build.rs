//! The clean build of an application, as its team runs it: a scratch binary crate outside
//! the workspace that depends on `wechat-card` with the group it calls (`invoice`; no group is
//! on by default) and makes two calls (`xtask/apps/sdk`), against the same application written
//! by hand with reqwest (rustls), tokio and serde (`xtask/apps/hand`); and, for the record, the
//! same application with every group (`all-groups`, the default before no group was). Each is built from nothing, `cargo build` in a target
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

/// The application's manifest, depending on `wechat-card` with `groups`.
fn sdk_manifest(root: &Path, groups: &str) -> String {
    let card = root.join("crates/wechat-card");
    format!(
        "[package]\nname = \"sdk-app\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nwechat-card = {{ path = {card:?}, features = [{groups:?}] }}\n\
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

/// Writes an application with `manifest` and `main` under `dir`.
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

/// The rows: `rounds` rounds, each a clean build of every application one after the other,
/// and the figures of the round whose ratio (SDK application against hand-written) is the
/// median: the two builds compared come from the same minutes, so a change in the machine's
/// load falls on both. The best of each application's builds across rounds, taken before,
/// could pair a lucky minute of one with an ordinary one of the other (the hand-written
/// build's best moved from 29.0 to 26.0 s between two runs, its application's not).
pub(super) fn rows(root: &Path, rounds: u32) -> Result<Vec<Row>, BenchError> {
    let scratch = tempfile::tempdir()?;
    let dir = |name: &str| scratch.path().join(name);
    let (sdk, every, hand) = (dir("sdk-app"), dir("sdk-app-all-groups"), dir("hand-app"));
    scratch_app(root, &sdk, &sdk_manifest(root, "invoice"), SDK_MAIN)?;
    scratch_app(root, &every, &sdk_manifest(root, "all-groups"), SDK_MAIN)?;
    scratch_app(root, &hand, HAND_MANIFEST, HAND_MAIN)?;
    let mut measured = Vec::new();
    for _ in 0..rounds.max(1) {
        let mut round = [Duration::ZERO; 3];
        for (time, app) in round.iter_mut().zip([&hand, &sdk, &every]) {
            *time = clean_build(app)?;
        }
        measured.push(round);
    }
    let [hand, sdk, every] = median_round(measured);
    let secs = |d: Duration| format!("{:.1} s", d.as_secs_f64());
    let ratio = |d: Duration| d.as_secs_f64() / hand.as_secs_f64();
    Ok(vec![
        Row {
            figure: "clean build of an application calling two invoice operations, wechat-card with \
                     features = [\"invoice\"] (baseline: the same application by hand, reqwest + rustls + \
                     tokio + serde)"
                .to_owned(),
            value: secs(sdk),
            baseline: secs(hand),
            ratio: Some(ratio(sdk)),
            budget: verdict(ratio(sdk) <= BUDGET, "within 1.2x"),
        },
        Row {
            figure: "the same application with every group (features = [\"all-groups\"])".to_owned(),
            value: secs(every),
            baseline: secs(hand),
            ratio: Some(ratio(every)),
            budget: "for the record: no budget".to_owned(),
        },
    ])
}

/// The round (`[hand-written, SDK, SDK with every group]`) whose SDK application's ratio to
/// the hand-written one is the median of all rounds' (the lower middle of an even number).
fn median_round(mut rounds: Vec<[Duration; 3]>) -> [Duration; 3] {
    let ratio =
        |round: &[Duration; 3]| round[1].as_secs_f64() / round[0].as_secs_f64().max(f64::MIN_POSITIVE);
    rounds.sort_by(|a, b| ratio(a).total_cmp(&ratio(b)));
    rounds.get((rounds.len().saturating_sub(1)) / 2).copied().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn the_sdk_application_depends_on_the_workspace_crate_by_path() {
        let manifest = super::sdk_manifest(Path::new("/repo"), "invoice");
        let parsed: toml_span::Value<'_> = toml_span::parse(&manifest).expect("a manifest cargo reads");
        let card = parsed.pointer("/dependencies/wechat-card/path").and_then(|v| v.as_str());
        assert_eq!(card, Some("/repo/crates/wechat-card"));
        let group = parsed.pointer("/dependencies/wechat-card/features/0").and_then(|v| v.as_str());
        assert_eq!(group, Some("invoice"));
        assert!(toml_span::parse(super::HAND_MANIFEST).is_ok());
    }

    #[test]
    fn the_round_of_the_median_ratio_is_taken_whole() {
        let secs = std::time::Duration::from_secs;
        let rounds = vec![
            [secs(26), secs(33), secs(35)], // 1.27x: the hand-written build's lucky minute
            [secs(29), secs(33), secs(36)], // 1.14x
            [secs(30), secs(32), secs(37)], // 1.07x
        ];
        assert_eq!(super::median_round(rounds), [secs(29), secs(33), secs(36)]);
        assert_eq!(super::median_round(vec![[secs(2), secs(3), secs(4)]]), [secs(2), secs(3), secs(4)]);
        assert_eq!(super::median_round(Vec::new()), [std::time::Duration::ZERO; 3]);
    }
}
