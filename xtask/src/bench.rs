//! `cargo xtask bench`: every benchmark of the project in one run, and one table.
//!
//! Timings come from criterion (`tests/benches`), which compares each figure with its
//! baseline in the same run; the token-fetch count comes from the client benchmark; code
//! size and build times are measured here, by generating and building for real.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::synthetic;

mod app_build;

/// One line of the table.
#[derive(Debug, Clone)]
pub struct Row {
    /// What is measured.
    pub figure: String,
    /// The measurement, formatted.
    pub value: String,
    /// What it is compared with, formatted (empty when nothing).
    pub baseline: String,
    /// value / baseline, when both are numbers of the same unit.
    pub ratio: Option<f64>,
    /// The budget from docs/ARCHITECTURE.md ("Budgets"), and whether it is met.
    pub budget: String,
}

/// Why the benchmarks could not run.
#[derive(Debug)]
pub enum BenchError {
    /// A command failed.
    Command(String),
    /// A file could not be read or written.
    Io(io::Error),
}

impl std::fmt::Display for BenchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Command(what) => write!(f, "{what}"),
            Self::Io(e) => write!(f, "{e}"),
        }
    }
}

impl From<io::Error> for BenchError {
    fn from(e: io::Error) -> Self {
        Self::Io(e)
    }
}

/// The target directory cargo uses for this workspace.
pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"))
}

/// Runs `cargo ARGS` in `root` with `envs`, and how long it took. Every build uses its
/// profile's own incremental setting, whatever the caller's `CARGO_INCREMENTAL` says, so the
/// table's build rows time the same builds wherever the bench runs.
fn cargo(root: &Path, args: &[&str], envs: &[(&str, &Path)]) -> Result<Duration, BenchError> {
    let started = Instant::now();
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    command.current_dir(root).args(args).env_remove("CARGO_INCREMENTAL");
    for (key, value) in envs {
        command.env(key, value);
    }
    let status =
        command.status().map_err(|e| BenchError::Command(format!("cargo {}: {e}", args.join(" "))))?;
    if !status.success() {
        return Err(BenchError::Command(format!("`cargo {}` failed ({status})", args.join(" "))));
    }
    Ok(started.elapsed())
}

/// A part of the table, which `cargo xtask bench --only` runs alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Section {
    /// The generator: the real spec, the synthetic specs, the chains of nested types.
    Generator,
    /// The client's calls against a loopback server, wall clock.
    Client,
    /// A push verified, decrypted and typed.
    Push,
    /// The client's calls counted by callgrind.
    Instructions,
    /// The cached token reads and the fetches.
    Token,
    /// The Redis token store.
    TokenStore,
    /// Generated lines per endpoint.
    Size,
    /// Builds of wechat-card, the real spec's and the synthetic 1,000 endpoints'.
    Builds,
    /// Clean builds of an application using wechat-card, against one written by hand.
    App,
}

impl Section {
    /// The criterion bench target of `tests` this section reads, if any.
    fn criterion_bench(self) -> Option<&'static str> {
        match self {
            Section::Generator => Some("generator"),
            Section::Client | Section::Token => Some("client"),
            Section::Push => Some("push"),
            Section::TokenStore => Some("token_store"),
            Section::Instructions | Section::Size | Section::Builds | Section::App => None,
        }
    }
}

/// Runs the sections `only` names (every one when it is empty) and returns their rows, in the
/// table's order.
pub fn run(root: &Path, quick: bool, only: &[Section]) -> Result<Vec<Row>, BenchError> {
    use clap::ValueEnum as _;
    let sections: Vec<Section> =
        Section::value_variants().iter().copied().filter(|s| only.is_empty() || only.contains(s)).collect();
    let target = target_dir(root);
    let figures = target.join("bench-figures");
    fs::create_dir_all(&figures)?;
    let mut benches: Vec<&str> = sections.iter().filter_map(|s| s.criterion_bench()).collect();
    benches.sort_unstable();
    benches.dedup();
    let criterion = target.join("criterion");
    if !benches.is_empty() {
        let redis = crate::test_setup::redis_server()
            .map_err(|e| BenchError::Command(format!("redis-server: {e}")))?;
        let mut args = vec!["bench", "-p", "tests"];
        for bench in &benches {
            args.extend(["--bench", bench]);
        }
        args.push("--");
        if quick {
            args.push("--quick");
        }
        cargo(
            root,
            &args,
            &[("WECHAT_BENCH_FIGURES", &figures), (crate::test_setup::REDIS_SERVER_VAR, &redis.path)],
        )?;
    }

    let mut rows = Vec::new();
    for section in sections {
        rows.extend(match section {
            Section::Generator => generator_rows(root, &criterion)?,
            Section::Client => client_rows(&figures)?,
            Section::Push => push_rows(&criterion)?,
            Section::Instructions => instruction_rows(root, &target)?,
            Section::Token => token_rows(&criterion, &figures)?,
            Section::TokenStore => token_store_rows(&criterion, &figures)?,
            Section::Size => code_size_rows(root)?,
            Section::Builds => build_time_rows(root, &target)?,
            Section::App => app_build::rows(root, if quick { 1 } else { 3 })?,
        });
    }
    Ok(rows)
}

/// The median of a criterion benchmark, in nanoseconds.
fn median_ns(criterion: &Path, id: &str) -> Result<f64, BenchError> {
    let path = criterion.join(id).join("new/estimates.json");
    let text =
        fs::read_to_string(&path).map_err(|e| BenchError::Command(format!("{}: {e}", path.display())))?;
    let estimates: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| BenchError::Command(format!("{}: {e}", path.display())))?;
    estimates["median"]["point_estimate"]
        .as_f64()
        .ok_or_else(|| BenchError::Command(format!("{}: no median", path.display())))
}

fn time(ns: f64) -> String {
    match ns {
        n if n >= 1e9 => format!("{:.2} s", n / 1e9),
        n if n >= 1e6 => format!("{:.2} ms", n / 1e6),
        n if n >= 1e3 => format!("{:.1} µs", n / 1e3),
        n => format!("{n:.1} ns"),
    }
}

fn verdict(met: bool, budget: &str) -> String {
    format!("{} {budget}", if met { "met:" } else { "MISSED:" })
}

fn generator_rows(root: &Path, criterion: &Path) -> Result<Vec<Row>, BenchError> {
    let endpoints =
        crate::sync::read_spec(root)?.iter().filter(|s| crate::sync::is_endpoint_file(&s.path)).count();
    let real = median_ns(criterion, "generator/real_spec")?;
    let mut rows = vec![Row {
        figure: format!("generator: real spec ({endpoints} endpoints), end to end"),
        value: time(real),
        baseline: String::new(),
        ratio: None,
        budget: verdict(real <= 60e6, "<= 60 ms"),
    }];
    let per_endpoint_10 = median_ns(criterion, "generator_synthetic/10")? / 10.0;
    for n in [10u32, 100, 1000] {
        let total = median_ns(criterion, &format!("generator_synthetic/{n}"))?;
        let per = total / f64::from(n);
        rows.push(Row {
            figure: format!(
                "generator: synthetic {n} endpoints (per endpoint; baseline: per endpoint at 10)"
            ),
            value: format!("{} ({} total)", time(per), time(total)),
            baseline: time(per_endpoint_10),
            ratio: Some(per / per_endpoint_10),
            budget: if n == 1000 {
                verdict(per <= 0.4e6 && total < 2e9, "<= 0.4 ms per endpoint, linear")
            } else {
                "linear growth".to_owned()
            },
        });
    }
    rows.extend(deep_chain_rows(criterion)?);
    Ok(rows)
}

/// The chain of 3,000 nested types, per type, against the chain of 300 in the same run: the
/// check alone (load and validate, where the check of types that contain themselves is) and
/// end to end.
fn deep_chain_rows(criterion: &Path) -> Result<Vec<Row>, BenchError> {
    const SHORT: u32 = 300;
    const LONG: u32 = 3000;
    let mut rows = Vec::new();
    for (step, what) in [("check", "load and validate"), ("generate", "end to end")] {
        let short = median_ns(criterion, &format!("generator_deep_chain/{step}/{SHORT}"))? / f64::from(SHORT);
        let total = median_ns(criterion, &format!("generator_deep_chain/{step}/{LONG}"))?;
        let per = total / f64::from(LONG);
        rows.push(Row {
            figure: format!(
                "generator: chain of {LONG} nested types, {what} (per type; baseline: per type at {SHORT})"
            ),
            value: format!("{} ({} total)", time(per), time(total)),
            baseline: time(short),
            ratio: Some(per / short),
            budget: if step == "check" {
                verdict(total < 2e9 && per / short < 2.0, "< 2 s, linear")
            } else {
                "linear growth".to_owned()
            },
        });
    }
    Ok(rows)
}

/// The client's wall-clock rows, from `client_wall_clock.json`: the generated call and the
/// hand-written one timed in turns by `tests/benches/client.rs` (nanoseconds per call, or per
/// batch of 64 concurrent calls), each side's median.
fn client_rows(figures: &Path) -> Result<Vec<Row>, BenchError> {
    let text = fs::read_to_string(figures.join("client_wall_clock.json"))?;
    let medians: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| BenchError::Command(format!("client_wall_clock.json: {e}")))?;
    let mut rows = Vec::new();
    for (name, label) in [
        ("client_get_auth_data", "get_auth_data, sequential"),
        ("client_insert_bill", "insert_bill, sequential"),
        ("client_get_auth_data_x64", "get_auth_data, 64 concurrent (per batch)"),
        ("client_insert_bill_x64", "insert_bill, 64 concurrent (per batch)"),
    ] {
        let side = |side: &str| {
            medians[name][side].as_f64().filter(|ns| *ns > 0.0).ok_or_else(|| {
                BenchError::Command(format!("client_wall_clock.json: no {side} median for {name}"))
            })
        };
        let (generated, baseline) = (side("generated")?, side("baseline")?);
        let ratio = generated / baseline;
        rows.push(Row {
            figure: format!("client: {label}, timed in turns (baseline: hand-written reqwest + serde_json)"),
            value: time(generated),
            baseline: time(baseline),
            ratio: Some(ratio),
            budget: verdict(ratio <= 1.05, "within 5%"),
        });
    }
    Ok(rows)
}

/// One encrypted push (`user_get_card`, safe mode) verified, decrypted and read into its typed
/// event through `wechat_card::events::receive`, against the same work written by hand with
/// quick-xml, aes, cbc, sha1 and base64 (`tests/benches/push.rs`).
fn push_rows(criterion: &Path) -> Result<Vec<Row>, BenchError> {
    let sdk = median_ns(criterion, "push_receive/sdk")?;
    let baseline = median_ns(criterion, "push_receive/baseline")?;
    let ratio = sdk / baseline;
    Ok(vec![Row {
        figure: "push: an encrypted event verified, decrypted and typed (baseline: hand-written \
                 quick-xml + aes + cbc + sha1 + base64)"
            .to_owned(),
        value: time(sdk),
        baseline: time(baseline),
        ratio: Some(ratio),
        budget: verdict(ratio <= 1.10, "within 10%"),
    }])
}

/// Instructions per `get_auth_data` and `insert_bill` call (client and loopback server together), generated
/// and hand-written, counted by callgrind from the difference between a short and a long
/// run so start-up cancels out. Skipped, with a row saying so, when valgrind is missing.
fn instruction_rows(root: &Path, target: &Path) -> Result<Vec<Row>, BenchError> {
    const SHORT: u32 = 100;
    const LONG: u32 = 600;
    if Command::new("valgrind").arg("--version").output().is_err() {
        return Ok(vec![Row {
            figure: "client: instructions per call (callgrind)".to_owned(),
            value: "not measured: valgrind is not installed".to_owned(),
            baseline: String::new(),
            ratio: None,
            budget: "within 2%".to_owned(),
        }]);
    }
    cargo(root, &["build", "--quiet", "--release", "-p", "tests", "--bin", "client_calls"], &[])?;
    let binary = target.join("release/client_calls");
    let per_call = |mode: &str, endpoint: &str| -> Result<f64, BenchError> {
        let short = instructions(&binary, mode, endpoint, SHORT)?;
        let long = instructions(&binary, mode, endpoint, LONG)?;
        Ok((long - short) as f64 / f64::from(LONG - SHORT))
    };
    let mut rows = Vec::new();
    for endpoint in ["get_auth_data", "insert_bill"] {
        let generated = per_call("generated", endpoint)?;
        let baseline = per_call("baseline", endpoint)?;
        let ratio = generated / baseline;
        rows.push(Row {
            figure: format!(
                "client: {endpoint} instructions per call, client + loopback server (callgrind; baseline: hand-written)"
            ),
            value: format!("{generated:.0}"),
            baseline: format!("{baseline:.0}"),
            ratio: Some(ratio),
            budget: verdict(ratio <= 1.02, "within 2%"),
        });
    }
    Ok(rows)
}

/// Instructions callgrind counts for `client_calls MODE ENDPOINT CALLS`.
fn instructions(binary: &Path, mode: &str, endpoint: &str, calls: u32) -> Result<u64, BenchError> {
    let output = Command::new("valgrind")
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(binary)
        .args([mode, endpoint, &calls.to_string()])
        .output()
        .map_err(|e| BenchError::Command(format!("valgrind: {e}")))?;
    if !output.status.success() {
        return Err(BenchError::Command(format!(
            "client_calls {mode} {endpoint} {calls} failed under valgrind"
        )));
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    stderr
        .lines()
        .find_map(|line| line.split("Collected :").nth(1))
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| BenchError::Command("callgrind printed no instruction count".to_owned()))
}

fn token_rows(criterion: &Path, figures: &Path) -> Result<Vec<Row>, BenchError> {
    let one = median_ns(criterion, "token_cached_read/1_thread")?;
    let two = median_ns(criterion, "token_cached_read/2_threads")?;
    let busy = median_ns(criterion, "token_cached_read/beside_a_busy_thread")?;
    let text = fs::read_to_string(figures.join("token_fetches.json"))?;
    let fetches: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| BenchError::Command(format!("token_fetches.json: {e}")))?;
    let count = fetches["fetches"].as_u64().unwrap_or(u64::MAX);
    Ok(vec![
        Row {
            figure: "token: cached read, 1 thread".to_owned(),
            value: time(one),
            baseline: String::new(),
            ratio: None,
            budget: "no lock writers hold".to_owned(),
        },
        Row {
            figure: "token: cached read, beside a 2nd reading thread (baseline: 1 thread)".to_owned(),
            value: time(two),
            baseline: time(one),
            ratio: Some(two / one),
            budget: verdict(two / one <= 1.2, "<= 1.2x (a per-thread copy: no shared write)"),
        },
        Row {
            // The control of the row above: what sharing the machine's cores alone costs.
            figure: "token: cached read, beside a busy thread reading nothing shared (baseline: 1 thread)"
                .to_owned(),
            value: time(busy),
            baseline: time(one),
            ratio: Some(busy / one),
            budget: "the control of the 2nd-reader row".to_owned(),
        },
        Row {
            figure: "token: stable_token fetches for 1,000 calls on an empty cache".to_owned(),
            value: count.to_string(),
            baseline: "1".to_owned(),
            ratio: Some(count as f64),
            budget: verdict(count == 1, "exactly 1"),
        },
    ])
}

fn token_store_rows(criterion: &Path, figures: &Path) -> Result<Vec<Row>, BenchError> {
    let memory = median_ns(criterion, "token_store_cached_read/memory")?;
    let redis = median_ns(criterion, "token_store_cached_read/redis")?;
    let text = fs::read_to_string(figures.join("token_store_fetches.json"))?;
    let fetches: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| BenchError::Command(format!("token_store_fetches.json: {e}")))?;
    let memory_store_read = median_ns(criterion, "token_store_store_read/memory")?;
    let redis_store_read = median_ns(criterion, "token_store_store_read/redis")?;
    let mut rows = vec![
        Row {
            // The same local-copy read on both sides, by design: cached reads never touch Redis.
            figure: "token store: cached read, Redis store (baseline: in-memory store)".to_owned(),
            value: time(redis),
            baseline: time(memory),
            ratio: Some(redis / memory),
            budget: verdict(redis / memory < 1.5, "local copy, no Redis on the hot path"),
        },
        Row {
            figure: "token store: read that goes to the store (local copy empty or due), Redis store \
                     (baseline: in-memory store)"
                .to_owned(),
            value: time(redis_store_read),
            baseline: time(memory_store_read),
            ratio: Some(redis_store_read / memory_store_read),
            budget: "one GET, only near expiry or after a refusal".to_owned(),
        },
    ];
    for instances in ["1", "8", "64"] {
        let count = |field: &str| fetches[instances][field].as_u64();
        let (Some(expiries), Some(shared), Some(alone)) =
            (count("expiries"), count("shared"), count("alone"))
        else {
            return Err(BenchError::Command(format!(
                "token_store_fetches.json: no whole counts for {instances}"
            )));
        };
        let per_expiry = |requests: u64| format!("{:.2}", requests as f64 / expiries.max(1) as f64);
        rows.push(Row {
            figure: format!(
                "token store: stable_token requests per expiry, {instances} instance(s) sharing Redis \
                 (baseline: each its own memory store)"
            ),
            value: per_expiry(shared),
            baseline: per_expiry(alone),
            ratio: Some(shared as f64 / alone.max(1) as f64),
            // Exact: one request per expiry for the whole fleet, not "at most one" (0 is a miss).
            budget: verdict(expiries > 0 && shared == expiries, "exactly 1 per expiry for the fleet"),
        });
    }
    Ok(rows)
}

/// Lines of the generated client a user compiles (`crates/wechat-card/src/generated`), not
/// the mock's tables, the CLI's command table or the generated tests.
fn rust_lines(files: &[codegen::OutputFile]) -> usize {
    files
        .iter()
        .filter(|f| f.path.starts_with(codegen::emit::GENERATED_DIR) && f.path.ends_with(".rs"))
        .map(|f| f.contents.lines().count())
        .sum()
}

fn code_size_rows(root: &Path) -> Result<Vec<Row>, BenchError> {
    let real = crate::sync::read_spec(root)?;
    let endpoints = real.iter().filter(|s| crate::sync::is_endpoint_file(&s.path)).count().max(1);
    let real_lines = rust_lines(&codegen::generate(&real).map_err(|e| BenchError::Command(e.to_string()))?);
    let synthetic_lines = rust_lines(
        &codegen::generate(&synthetic::spec(1000, 10)).map_err(|e| BenchError::Command(e.to_string()))?,
    );
    Ok(vec![
        Row {
            figure: format!("generated client lines per endpoint, real spec ({real_lines} lines)"),
            value: format!("{}", real_lines / endpoints),
            baseline: String::new(),
            ratio: None,
            budget: "small per endpoint".to_owned(),
        },
        Row {
            figure: format!("generated client lines per endpoint, synthetic 1,000 ({synthetic_lines} lines)"),
            value: format!("{}", synthetic_lines / 1000),
            baseline: String::new(),
            ratio: None,
            budget: "small per endpoint".to_owned(),
        },
    ])
}

/// How many times [`rebuild_time`] rebuilds: a single build on a shared 2-core machine swings
/// by 10% either way; the median of three does not.
const REBUILDS: usize = 3;

/// Build time of `wechat-card` alone, its dependencies already built: touch its root and
/// time `cargo build` (incremental, as the dev profile has it: see [`cargo`]), [`REBUILDS`]
/// times; the median.
fn rebuild_time(workspace: &Path, target: &Path, features: &[&str]) -> Result<Duration, BenchError> {
    let mut args = vec!["build", "--quiet", "-p", "wechat-card"];
    args.extend_from_slice(features);
    let envs = [("CARGO_TARGET_DIR", target)];
    cargo(workspace, &args, &envs)?;
    let lib = workspace.join("crates/wechat-card/src/lib.rs");
    let text = fs::read_to_string(&lib)?;
    let mut times = Vec::with_capacity(REBUILDS);
    for _ in 0..REBUILDS {
        fs::write(&lib, &text)?;
        times.push(cargo(workspace, &args, &envs)?);
    }
    times.sort();
    Ok(times[REBUILDS / 2])
}

fn build_time_rows(root: &Path, target: &Path) -> Result<Vec<Row>, BenchError> {
    // No group is on by default: "all groups" names them, with the events, as before.
    const ALL: &str = "--features=all-groups,events";
    let all = rebuild_time(root, target, &[ALL])?;
    let groups = codegen::check_spec(&crate::sync::read_spec(root)?)
        .map_err(|e| BenchError::Command(e.to_string()))?;
    let smallest =
        groups.groups.iter().min_by_key(|g| g.operations.len()).map(|g| g.name.clone()).unwrap_or_default();
    let feature = format!("--features={smallest}");
    let one = rebuild_time(root, target, &["--no-default-features", &feature])?;

    let scratch = synthetic_workspace(root)?;
    let synthetic_all = rebuild_time(scratch.path(), target, &[ALL])?;
    let synthetic_one =
        rebuild_time(scratch.path(), target, &["--no-default-features", "--features=group_0"])?;
    let secs = |d: Duration| format!("{:.1} s", d.as_secs_f64());
    Ok(vec![
        Row {
            figure: format!(
                "build wechat-card, real spec ({} endpoints), all groups",
                groups.operations().count()
            ),
            value: secs(all),
            baseline: String::new(),
            ratio: None,
            budget: verdict(all.as_secs_f64() <= 3.0, "<= 3 s"),
        },
        Row {
            figure: format!("build wechat-card, real spec: only `{smallest}` (baseline: all groups)"),
            value: secs(one),
            baseline: secs(all),
            ratio: Some(one.as_secs_f64() / all.as_secs_f64()),
            budget: "features save build time".to_owned(),
        },
        Row {
            figure: "build wechat-card, synthetic 1,000 endpoints, all groups".to_owned(),
            value: secs(synthetic_all),
            baseline: String::new(),
            ratio: None,
            budget: verdict(synthetic_all.as_secs_f64() <= 20.0, "<= 20 s"),
        },
        Row {
            figure: "build wechat-card, synthetic 1,000 endpoints: one group of 100 (baseline: all)"
                .to_owned(),
            value: secs(synthetic_one),
            baseline: secs(synthetic_all),
            ratio: Some(synthetic_one.as_secs_f64() / synthetic_all.as_secs_f64()),
            budget: "features save build time".to_owned(),
        },
    ])
}

/// A copy of the workspace's crates whose generated client comes from the synthetic
/// 1,000-endpoint spec. It shares the real target directory, so only workspace crates build.
fn synthetic_workspace(root: &Path) -> Result<tempfile::TempDir, BenchError> {
    let scratch = tempfile::tempdir()?;
    copy_dir(&root.join("crates"), &scratch.path().join("crates"))?;
    fs::copy(root.join("Cargo.lock"), scratch.path().join("Cargo.lock"))?;
    let manifest = fs::read_to_string(root.join("Cargo.toml"))?;
    let rest = manifest.split_once("[workspace.package]").map(|(_, rest)| rest).unwrap_or_default();
    fs::write(
        scratch.path().join("Cargo.toml"),
        format!("[workspace]\nresolver = \"3\"\nmembers = [\"crates/*\"]\n\n[workspace.package]{rest}"),
    )?;
    let generated = scratch.path().join(codegen::emit::GENERATED_DIR);
    fs::remove_dir_all(&generated)?;
    let outputs =
        codegen::generate(&synthetic::spec(1000, 10)).map_err(|e| BenchError::Command(e.to_string()))?;
    for output in outputs.iter().filter(|o| o.path.starts_with("crates/")) {
        let path = scratch.path().join(&output.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let contents = if codegen::splice::is_region(&output.contents) {
            // The manifest was copied with the crates; only its group features are replaced.
            codegen::splice::splice(&output.path, &fs::read_to_string(&path)?, &output.contents)
                .map_err(|e| BenchError::Command(e.to_string()))?
        } else {
            output.contents.clone()
        };
        fs::write(path, contents)?;
    }
    Ok(scratch)
}

fn copy_dir(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()))?;
        } else {
            fs::copy(&path, to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

/// The table as Markdown.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from("| figure | median | baseline | ratio | budget |\n|---|---|---|---|---|\n");
    for row in rows {
        let ratio = row.ratio.map(|r| format!("{r:.2}")).unwrap_or_default();
        let _ =
            writeln!(out, "| {} | {} | {} | {ratio} | {} |", row.figure, row.value, row.baseline, row.budget);
    }
    out
}

/// What machine the numbers come from.
pub fn machine() -> String {
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    format!("{cpu}, {cores} cores, {}, {rustc}", std::env::consts::OS)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// Criterion's estimates for the token store's benchmarks, and the fetch counts.
    fn figures(fetches: &serde_json::Value) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for id in [
            "token_store_cached_read/memory",
            "token_store_cached_read/redis",
            "token_store_store_read/memory",
            "token_store_store_read/redis",
        ] {
            let folder = dir.path().join("criterion").join(id).join("new");
            fs::create_dir_all(&folder).unwrap();
            let estimates = serde_json::json!({ "median": { "point_estimate": 50.0 } });
            fs::write(folder.join("estimates.json"), estimates.to_string()).unwrap();
        }
        fs::write(dir.path().join("token_store_fetches.json"), fetches.to_string()).unwrap();
        dir
    }

    fn verdicts(shared: u64) -> Vec<String> {
        let counts = serde_json::json!({ "expiries": 3, "shared": shared, "alone": 24 });
        let dir = figures(&serde_json::json!({ "1": counts, "8": counts, "64": counts }));
        let rows = token_store_rows(&dir.path().join("criterion"), dir.path()).unwrap();
        rows.into_iter().filter(|r| r.figure.contains("requests per expiry")).map(|r| r.budget).collect()
    }

    #[test]
    fn the_client_rows_compare_each_sides_median_and_refuse_a_missing_one() {
        let dir = tempfile::tempdir().unwrap();
        let side =
            |generated: u64, baseline: u64| serde_json::json!({"generated": generated, "baseline": baseline});
        let mut medians = serde_json::json!({
            "client_get_auth_data": side(100_000, 100_000),
            "client_insert_bill": side(104_000, 100_000),
            "client_get_auth_data_x64": side(1_600_000, 1_500_000),
            "client_insert_bill_x64": side(1_400_000, 1_500_000),
        });
        fs::write(dir.path().join("client_wall_clock.json"), medians.to_string()).unwrap();
        let rows = client_rows(dir.path()).unwrap();
        let verdicts: Vec<&str> = rows.iter().map(|r| &r.budget[..r.budget.find(':').unwrap()]).collect();
        assert_eq!(verdicts, ["met", "met", "MISSED", "met"]);
        assert_eq!(rows[2].value, "1.60 ms");
        assert_eq!(rows[2].baseline, "1.50 ms");
        medians["client_insert_bill"] = serde_json::json!({"generated": 100_000});
        fs::write(dir.path().join("client_wall_clock.json"), medians.to_string()).unwrap();
        let error = client_rows(dir.path()).err().unwrap().to_string();
        assert!(error.contains("no baseline median for client_insert_bill"), "{error}");
    }

    #[test]
    fn one_request_per_expiry_is_met_and_none_or_two_are_missed() {
        assert!(verdicts(3).iter().all(|v| v.starts_with("met:")), "{:?}", verdicts(3));
        assert!(verdicts(0).iter().all(|v| v.starts_with("MISSED:")), "no fetch at all is no renewal");
        assert!(verdicts(4).iter().all(|v| v.starts_with("MISSED:")));
    }

    /// The deep chain's rows from criterion medians (nanoseconds) of the check and the whole
    /// generation at 300 and 3,000 types.
    fn chain_rows(check: (f64, f64), generate: (f64, f64)) -> Vec<Row> {
        let dir = tempfile::tempdir().unwrap();
        for (step, (short, long)) in [("check", check), ("generate", generate)] {
            for (types, median) in [(300, short), (3000, long)] {
                let folder = dir.path().join(format!("generator_deep_chain/{step}/{types}/new"));
                fs::create_dir_all(&folder).unwrap();
                let estimates = serde_json::json!({ "median": { "point_estimate": median } });
                fs::write(folder.join("estimates.json"), estimates.to_string()).unwrap();
            }
        }
        deep_chain_rows(dir.path()).unwrap()
    }

    #[test]
    fn a_deep_chain_is_judged_per_type_against_the_short_one() {
        let rows = chain_rows((30e6, 330e6), (300e6, 3.3e9));
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].value, "110.0 µs (330.00 ms total)");
        assert_eq!(rows[0].baseline, "100.0 µs");
        assert!(rows[0].budget.starts_with("met:"), "{}", rows[0].budget);
        assert!(rows[1].figure.contains("end to end"));
        assert_eq!(rows[1].budget, "linear growth");
        // Ten times the types in a hundred times the time: quadratic, though under 2 s.
        let quadratic = chain_rows((15e6, 1.5e9), (300e6, 3.3e9));
        assert!(quadratic[0].budget.starts_with("MISSED:"), "{}", quadratic[0].budget);
        let slow = chain_rows((300e6, 3.3e9), (300e6, 3.3e9));
        assert!(slow[0].budget.starts_with("MISSED:"), "over 2 s is missed, linear or not");
    }

    #[test]
    fn fractional_counts_are_refused() {
        let counts = serde_json::json!({ "expiries": 3, "shared": 1.0, "alone": 8.0 });
        let dir = figures(&serde_json::json!({ "1": counts, "8": counts, "64": counts }));
        assert!(token_store_rows(&dir.path().join("criterion"), dir.path()).is_err());
    }
}
