#!/usr/bin/env bash
# The test command: installs what the tests need, builds the binary, runs the Rust tests
# (cargo nextest, or cargo test without it), every cargo-fuzz target for a bounded time
# (scripts/fuzz.sh: SLUICE_FUZZ_SECONDS per target, default 20; 0 skips), the real-client suite
# (tests/clients, pytest) against the built binary, and the load generator's smoke
# (sluice-bench smoke). Runs every part even after a failure; exits non-zero if any failed.
# Extra arguments go to pytest, e.g. `scripts/test.sh -k crash -x`.
set -uo pipefail
cd "$(dirname "$0")/.."

section() { printf '\n==================== %s ====================\n' "$*"; }
failed=()

section "setup (scripts/setup.sh)"
if ! scripts/setup.sh; then
    echo "test.sh: setup failed" >&2
    exit 1
fi

section "build (cargo build -p sluice)"
if ! cargo build -p sluice; then
    echo "test.sh: build failed" >&2
    exit 1
fi
target_dir=${CARGO_TARGET_DIR:-target}
export SLUICE_BIN
SLUICE_BIN=$(cd "$target_dir/debug" && pwd)/sluice

if cargo nextest --version >/dev/null 2>&1; then
    section "Rust tests (cargo nextest run --workspace)"
    cargo nextest run --workspace --no-tests=warn || failed+=("rust")
else
    section "Rust tests (cargo test --workspace; cargo-nextest not installed)"
    cargo test --workspace || failed+=("rust")
fi

fuzz_secs=${SLUICE_FUZZ_SECONDS:-20}
if [ "$fuzz_secs" != "0" ]; then
    section "fuzz (scripts/fuzz.sh: ${fuzz_secs}s per cargo-fuzz target; SLUICE_FUZZ_SECONDS=0 skips)"
    scripts/fuzz.sh "$fuzz_secs" || failed+=("fuzz")
fi

section "real-client tests (pytest tests/clients, SLUICE_BIN=$SLUICE_BIN)"
.venv/bin/pytest tests/clients -q "$@" || failed+=("clients")

# The load generator's smoke: tiny Kafka and Kinesis workloads against a Sluice it starts, with
# real clients (librdkafka, the AWS SDK for Rust); about 10 s. Debug build: `--workspace --bins`
# resolves features as the Rust tests above did, so it reuses their build instead of compiling
# the AWS SDK a second time.
section "bench smoke (cargo build --workspace --bins; sluice-bench smoke)"
if cargo build --workspace --bins; then
    "$target_dir/debug/sluice-bench" smoke --sluice-bin "$SLUICE_BIN" || failed+=("bench")
else
    failed+=("bench")
fi

section "summary"
if [ ${#failed[@]} -gt 0 ]; then
    echo "test.sh: FAILED: ${failed[*]}"
    exit 1
fi
echo "test.sh: all parts passed (rust, fuzz, clients, bench)"
