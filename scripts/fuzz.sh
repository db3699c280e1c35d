#!/usr/bin/env bash
# Run every cargo-fuzz target (fuzz/fuzz_targets) for a bounded time and report executions.
#   scripts/fuzz.sh [seconds-per-target] [target...]     (default 25 s, every target)
# Stable rustc: RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its -Z flags; no sanitizer (-s none),
# so a crash is a panic, an abort, a timeout (-timeout, 10 s) or an RSS over -rss_limit_mb.
# Each run starts from the committed seeds (fuzz/corpus/<target>) and writes what it finds to a
# scratch corpus under fuzz/target/, so the repository's corpora stay small. A crash leaves its
# input in fuzz/artifacts/<target>/ and makes this script exit 1.
set -uo pipefail
cd "$(dirname "$0")/../fuzz"

secs=${1:-25}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(RUSTC_BOOTSTRAP=1 cargo fuzz list)
fi
if ! command -v cargo-fuzz >/dev/null 2>&1; then
    echo "fuzz.sh: cargo-fuzz is not installed (scripts/setup.sh installs it)" >&2
    exit 1
fi
export RUSTC_BOOTSTRAP=1
echo "fuzz.sh: building ${#targets[@]} targets (release, sancov, no sanitizer)"
if ! cargo fuzz build -s none -O >/dev/null 2>fuzz-build.log; then
    tail -40 fuzz-build.log >&2
    echo "fuzz.sh: build failed" >&2
    exit 1
fi
rm -f fuzz-build.log
failed=()
summary=()
for t in "${targets[@]}"; do
    scratch=target/corpus-scratch/$t
    mkdir -p "$scratch" "corpus/$t"
    log=target/fuzz-$t.log
    cargo fuzz run -s none -O "$t" "$scratch" "corpus/$t" -- \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 >"$log" 2>&1
    rc=$?
    runs=$(grep -oE '^stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
    line=$(printf '%-18s %10s execs in %ss, coverage %s edges, corpus %s' "$t" "${runs:-?}" "$secs" \
        "${cov:-?}" "$(ls "$scratch" "corpus/$t" | wc -l)")
    if [ $rc -ne 0 ]; then
        line="$line  CRASH (exit $rc, see fuzz/$log and fuzz/artifacts/$t/)"
        failed+=("$t")
        grep -E 'panicked|ERROR: libFuzzer|SUMMARY' "$log" | head -5 >&2
    fi
    summary+=("$line")
    echo "$line"
done
echo
echo "fuzz.sh: summary (${secs}s per target)"
printf '  %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz.sh: crashes in: ${failed[*]}" >&2
    exit 1
fi
