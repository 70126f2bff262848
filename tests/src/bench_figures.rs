//! Where the benchmarks leave the figures that are not criterion timings (counts, the
//! client's wall-clock medians) for `cargo xtask bench` to put in its table.

/// Writes `json` to the file `name` of the folder `WECHAT_BENCH_FIGURES` names (as
/// `cargo xtask bench` sets it), else `../target/bench-figures`.
///
/// # Panics
///
/// When the folder or the file cannot be written: the benchmark's figures would be lost.
pub fn write(name: &str, json: &serde_json::Value) {
    let folder =
        std::env::var("WECHAT_BENCH_FIGURES").unwrap_or_else(|_| "../target/bench-figures".to_owned());
    std::fs::create_dir_all(&folder).expect("figures folder");
    std::fs::write(format!("{folder}/{name}"), json.to_string()).expect("write figures");
}
