#!/usr/bin/env bash
# The test command: installs what the tests need, builds the binary, runs the Rust tests
# (cargo nextest, or cargo test without it) and the real-client suite (tests/clients, pytest)
# against the built binary. Runs every part even after a failure; exits non-zero if any failed.
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

section "real-client tests (pytest tests/clients, SLUICE_BIN=$SLUICE_BIN)"
.venv/bin/pytest tests/clients -q "$@" || failed+=("clients")

section "summary"
if [ ${#failed[@]} -gt 0 ]; then
    echo "test.sh: FAILED: ${failed[*]}"
    exit 1
fi
echo "test.sh: all parts passed (rust, clients)"
