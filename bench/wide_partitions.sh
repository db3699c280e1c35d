#!/bin/bash
# Measure what many idle partitions cost to create, close and open.
#
# One run: start `sluice serve` on an empty data directory, create a topic of PARTITIONS
# partitions with `sluice topic create` (timed until the server logs "created topic"), SIGTERM it
# (timed until exit), start it again (open time from the "opened data directory ... elapsed_ms="
# log line), SIGTERM again (timed). Prints one line per run; run binaries interleaved and quote
# medians. Each run first deletes the previous data directory, syncs and waits SETTLE seconds:
# ext4 without a journal skips inodes freed in the last minute when allocating, which otherwise
# makes the next run's creates slower.
#
# Usage: bench/wide_partitions.sh [BIN...]   (default target/release/sluice)
# Environment: RUNS (3), PARTITIONS (10000), SETTLE (70), DATA_DIR (/tmp/wide-bench),
#              KAFKA_PORT (29192), ADMIN_PORT (29744).
set -u
RUNS=${RUNS:-3}
PARTITIONS=${PARTITIONS:-10000}
SETTLE=${SETTLE:-70}
D=${DATA_DIR:-/tmp/wide-bench}
KAFKA=127.0.0.1:${KAFKA_PORT:-29192}
ADMIN=127.0.0.1:${ADMIN_PORT:-29744}
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
[ $# -gt 0 ] || set -- target/release/sluice

now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }
field() { sed 's/\x1b\[[0-9;]*m//g' "$LOG" | grep -o "$1=[0-9]*" | head -1 | cut -d= -f2; }

start() {
  : >"$LOG"
  "$BIN" serve --data-dir "$D" --kafka-listen "$KAFKA" --admin-listen "$ADMIN" >>"$LOG" 2>&1 &
  PID=$!
  until grep -q "sluice is serving" "$LOG"; do
    kill -0 $PID 2>/dev/null || { echo "server exited:"; cat "$LOG"; exit 1; }
    sleep 0.05
  done
}

# Sets STOPPED to the seconds from SIGTERM to exit (not in a subshell: wait needs the child).
stop() {
  local t0
  t0=$(now)
  kill -TERM $PID
  wait $PID
  STOPPED=$(since "$t0")
}

for run in $(seq 1 "$RUNS"); do
  for BIN in "$@"; do
    rm -rf "$D"
    sync
    sleep "$SETTLE"
    start
    t0=$(now)
    "$BIN" topic create wide --partitions "$PARTITIONS" --bootstrap "$KAFKA" >/dev/null 2>&1 \
      || echo -n "(client timed out; waiting for the server) "
    until grep -q "created topic" "$LOG"; do sleep 0.05; done
    create=$(since "$t0")
    sync
    stop
    shutdown1=$STOPPED
    start
    open_ms=$(field elapsed_ms)
    unclean=$(field unclean)
    sync
    stop
    shutdown2=$STOPPED
    echo "run=$run bin=$BIN create_s=$create shutdown_after_create_s=$shutdown1" \
      "open_ms=$open_ms unclean=$unclean shutdown_after_open_s=$shutdown2"
  done
done
rm -rf "$D"
