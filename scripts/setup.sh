#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian 12 machine. Idempotent and quiet
# when nothing is missing; safe with no stdin (CI=true).
#   - Debian packages: kcat (real-client tests), nodejs and npm (only if missing), python3-venv
#     (only if `python3 -m venv` fails), fio and iperf3 (the machine limits that sluice-bench
#     measures beside its workloads).
#   - kafkajs in tests/clients/js/node_modules, from its package-lock.json (npm ci).
#   - cargo-fuzz (from crates.io) for scripts/fuzz.sh, unless SLUICE_FUZZ_SECONDS=0.
#   - .venv with the pins in tests/clients/requirements.txt; a stamp file keyed on the
#     requirements hash skips pip when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
REQ=tests/clients/requirements.txt
VENV=.venv
PY=${PYTHON:-python3}

log() { printf 'setup: %s\n' "$*"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi
}

# --- Debian packages -------------------------------------------------------------------------
missing=()
command -v kcat >/dev/null 2>&1 || missing+=(kcat)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v fio >/dev/null 2>&1 || missing+=(fio)
command -v iperf3 >/dev/null 2>&1 || missing+=(iperf3)
if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    missing+=(python3-venv)
fi
if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
else
    log "Debian packages present (kcat, node, npm, python venv, fio, iperf3)"
fi

# --- kafkajs (tests/clients/js, pinned by its package-lock.json) ---------------------------------
JS=tests/clients/js
js_hash=$(sha256sum "$JS/package-lock.json" | cut -d' ' -f1)
js_stamp="$JS/node_modules/.sluice-lock.sha256"
if [ -f "$js_stamp" ] && [ "$(cat "$js_stamp")" = "$js_hash" ]; then
    log "kafkajs up to date"
else
    log "installing kafkajs (npm ci in $JS)"
    (cd "$JS" && npm ci --no-audit --no-fund --loglevel=error </dev/null)
    echo "$js_hash" > "$js_stamp"
fi

# --- cargo-fuzz (scripts/fuzz.sh; skipped with SLUICE_FUZZ_SECONDS=0) ----------------------------
if [ "${SLUICE_FUZZ_SECONDS:-}" = "0" ]; then
    log "cargo-fuzz not needed (SLUICE_FUZZ_SECONDS=0)"
elif command -v cargo-fuzz >/dev/null 2>&1; then
    log "cargo-fuzz present ($(cargo fuzz --version 2>/dev/null))"
else
    log "installing cargo-fuzz (cargo install cargo-fuzz --locked)"
    cargo install cargo-fuzz --locked --quiet
fi

# --- Python venv -----------------------------------------------------------------------------
req_hash=$(sha256sum "$REQ" | cut -d' ' -f1)
stamp="$VENV/.sluice-requirements.sha256"
if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$req_hash" ]; then
    log "$VENV up to date ($REQ unchanged)"
    exit 0
fi
if [ ! -x "$VENV/bin/python" ]; then
    log "creating $VENV with $($PY --version 2>&1)"
    "$PY" -m venv "$VENV"
fi
log "installing $REQ into $VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQ"
"$VENV/bin/python" - <<'PY'
import confluent_kafka, kafka
print("setup: confluent-kafka %s (librdkafka %s), kafka-python %s"
      % (confluent_kafka.__version__, confluent_kafka.libversion()[0], kafka.__version__))
PY
echo "$req_hash" > "$stamp"
log "done"
