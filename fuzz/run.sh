#!/usr/bin/env bash
# Fuzzes the response decoders, the push receiver (push_receive) and the spec loader: each target in fuzz/Cargo.toml runs for SECONDS (default 60).
# Needs the nightly toolchain and cargo-fuzz (installed here when missing). Exits non-zero on
# the first crash; libFuzzer leaves the input in fuzz/artifacts/<target>/.
#
# The committed seeds, fuzz/corpus/<target>/seed-*, are WeChat's example answers from spec/
# and a few malformed ones. What libFuzzer finds is kept in fuzz/target/corpus/<target>/
# (ignored by git), so each run starts where the last one stopped.
set -euo pipefail
cd "$(dirname "$0")"

seconds="${1:-60}"
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: fuzz/run.sh [seconds per target, at least 1]" >&2
    exit 2
fi

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

mapfile -t targets < <(cargo +nightly fuzz list)
cargo +nightly fuzz build
for target in "${targets[@]}"; do
    echo "== fuzzing $target for ${seconds}s"
    mkdir -p "target/corpus/$target"
    # The first corpus directory receives the new inputs; the seeds are only read. A single
    # input taking over 10 s counts as a hang, and fails the run like a crash.
    cargo +nightly fuzz run "$target" "target/corpus/$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10
done
echo "== no crash in: ${targets[*]}"
