#!/usr/bin/env bash
# Install the peers that `sluice-bench` can start beside Sluice. Idempotent.
#   - kinesalite and kinesis-local (npm), pinned by bench/peers/package-lock.json (npm ci), plus a
#     copy of kinesis-local's main.js that binds 127.0.0.1 instead of 0.0.0.0 (it has no flag).
#   - Tansu is NOT installed by default: `cargo install tansu --features dynostore` takes about
#     17 minutes on 2 cores. With INSTALL_TANSU=1 this script runs
#       cargo install --locked tansu --version 0.6.0 --features dynostore --root bench/peers/tansu
#     and sluice-bench finds bench/peers/tansu/bin/tansu (or any `tansu` on PATH, or --tansu-bin).
set -euo pipefail
cd "$(dirname "$0")/peers"
log() { printf 'install-peers: %s\n' "$*"; }

hash=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.sluice-lock.sha256
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
    log "kinesalite and kinesis-local up to date"
else
    log "installing kinesalite and kinesis-local (npm ci in bench/peers)"
    npm ci --no-audit --no-fund --loglevel=error </dev/null
    echo "$hash" > "$stamp"
fi

# kinesis-local binds 0.0.0.0 as shipped; keep the benchmark on loopback.
kl=node_modules/kinesis-local
if [ ! -f "$kl/main-loopback.js" ] || [ "$kl/main.js" -nt "$kl/main-loopback.js" ]; then
    sed 's/em("0\.0\.0\.0")/em("127.0.0.1")/' "$kl/main.js" > "$kl/main-loopback.js.tmp"
    grep -q 'em("127.0.0.1")' "$kl/main-loopback.js.tmp" || { log "could not patch kinesis-local's host"; exit 1; }
    mv "$kl/main-loopback.js.tmp" "$kl/main-loopback.js"
    log "wrote $kl/main-loopback.js (binds 127.0.0.1)"
fi

if [ "${INSTALL_TANSU:-0}" = 1 ]; then
    if [ -x tansu/bin/tansu ]; then
        log "tansu present: $(tansu/bin/tansu --version 2>/dev/null || echo tansu/bin/tansu)"
    else
        log "building tansu 0.6.0 (about 17 minutes on 2 cores)"
        cargo install --locked tansu --version 0.6.0 --features dynostore --root tansu
    fi
fi
