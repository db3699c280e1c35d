#!/usr/bin/env bash
# The full benchmark suite (tens of minutes on 2 cores), then the report.
#
# Builds the release server and load generator (in separate cargo invocations, so the bench's
# dependencies never change how the server is built), installs the npm peers, measures the
# machine's limits, runs every workload side by side with the peers that are present, writes
# one JSON file per workload into $RESULTS, and regenerates docs/BENCHMARKS.md and the charts
# in docs/bench/ from them.
#
# Environment: ROUNDS (3, for the side-by-side comparisons), SWEEP_ROUNDS (1), DURATION
# (10 s per run), SOAK_DURATION (300 s: the RSS-over-time run), FOOTPRINT_PARTITIONS (10000:
# the memory and start-up step), RESULTS (bench/results), BENCH_DIR (where data directories and
# fio's files go; default $TMPDIR), ONLY (a regex of step names to run, e.g. ONLY='kinesis'),
# TANSU (path of a tansu binary; default bench/peers/tansu/bin/tansu or `tansu` on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
SWEEP_ROUNDS=${SWEEP_ROUNDS:-1}
DURATION=${DURATION:-10}
SOAK_DURATION=${SOAK_DURATION:-300}
FOOTPRINT_PARTITIONS=${FOOTPRINT_PARTITIONS:-10000}
RESULTS=${RESULTS:-bench/results}
ONLY=${ONLY:-.}
target_dir=${CARGO_TARGET_DIR:-target}

cargo build --release -p sluice
cargo build --release -p sluice-bench
bench/install-peers.sh
B="$target_dir/release/sluice-bench"
SLUICE="$target_dir/release/sluice"
mkdir -p "$RESULTS"

tansu=()
TANSU=${TANSU:-}
if [ -z "$TANSU" ]; then
    if [ -x bench/peers/tansu/bin/tansu ]; then TANSU=bench/peers/tansu/bin/tansu
    elif command -v tansu >/dev/null 2>&1; then TANSU=$(command -v tansu); fi
fi
if [ -n "$TANSU" ]; then
    tansu=(-t tansu --tansu-bin "$TANSU")
    echo "run-all: Tansu at $TANSU"
else
    echo "run-all: no tansu binary (INSTALL_TANSU=1 bench/install-peers.sh builds one); Kafka runs without it"
fi

step() {  # [STEP_DURATION=S] step NAME sluice-bench-args...
    local name=$1; shift
    if ! [[ $name =~ $ONLY ]]; then return 0; fi
    echo "==== $name"
    "$B" "$@" --sluice-bin "$SLUICE" --label "$name" --duration "${STEP_DURATION:-$DURATION}" \
        -o "$RESULTS/$name.json" || echo "run-all: $name failed (continuing)"
}

if [[ limits =~ $ONLY ]]; then
    echo "==== limits"
    "$B" limits -o "$RESULTS/00-limits.json" >/dev/null
fi

# Kafka produce, 1 KiB, acks=all: each flush policy (and Tansu's in-memory store).
step kafka-produce-1k-acks-all compare --rounds "$ROUNDS" \
    -t sluice:always -t sluice:interval:100 -t sluice:never "${tansu[@]}" \
    --workload kafka-produce --record-size 1024 --acks all --partitions 4
# Kafka produce, 100-byte records.
step kafka-produce-100b compare --rounds "$ROUNDS" \
    -t sluice:always -t sluice:never "${tansu[@]}" \
    --workload kafka-produce --record-size 100 --acks all --partitions 4
# Kafka consume from the page cache (1 GB filled first; two librdkafka consumers, since one is
# bound by its own CPU near 500 MB/s), and with caches dropped if allowed.
step kafka-consume-1k compare --rounds "$ROUNDS" -t sluice "${tansu[@]}" \
    --workload kafka-consume --record-size 1024 --partitions 4 --consumers 2 --prefill-mb 1024
step kafka-consume-1k-drop-caches run -t sluice \
    --workload kafka-consume --record-size 1024 --partitions 4 --consumers 2 --prefill-mb 1024 --drop-caches
# Latency vs offered load, acks=all, 1 KiB (48,828 records/s = 50 MB/s), linger.ms 1 (a
# latency-minded producer; librdkafka's default of 5 ms alone would put p50 near 3 ms).
# flush=never beside the default shows what waiting for fsync costs.
step kafka-e2e-latency-vs-load compare --rounds "$SWEEP_ROUNDS" -t sluice -t sluice:never \
    --workload kafka-e2e --record-size 1024 --acks all --partitions 4 --linger-ms 1 \
    --sweep rate=12207,24414,48828,97656
# Throughput vs record size and vs partitions (the 10,000-partition point takes about 80 s:
# creating the topic, then the 10 s window and a drain of librdkafka's queue bounded at 30 s).
step kafka-produce-vs-record-size compare --rounds "$SWEEP_ROUNDS" -t sluice:always -t sluice:never \
    --workload kafka-produce --acks all --partitions 4 --sweep record-size=100,1024,10240,102400
step kafka-produce-vs-partitions compare --rounds "$SWEEP_ROUNDS" -t sluice \
    --workload kafka-produce --record-size 1024 --acks all --sweep partitions=1,10,100,1000,10000
# Throughput vs connections: Kafka producers (each librdkafka producer its own client, threads
# and connection; librdkafka's 1 GiB queue is shared among them) and Kinesis PutRecords in
# flight (the AWS SDK opens at least one HTTP/1.1 connection per request in flight; the server's
# established connections are counted from /proc/net/tcp and reported).
step kafka-produce-vs-producers compare --rounds "$SWEEP_ROUNDS" -t sluice \
    --workload kafka-produce --record-size 1024 --acks all --partitions 4 --sweep producers=1,4,16,64
step kinesis-put-vs-connections compare --rounds "$SWEEP_ROUNDS" -t sluice \
    --workload kinesis-put --record-size 200 --kinesis-batch 100 --partitions 4 \
    --sweep concurrency=1,10,100,1000
# Memory over a sustained produce + consume at a fixed rate (20 MB/s), RSS sampled every second.
STEP_DURATION=$SOAK_DURATION step kafka-e2e-rss-soak run -t sluice \
    --workload kafka-e2e --record-size 1024 --rate 20000 --acks all --partitions 4 \
    --producers 1 --consumers 1 --rss-sample-ms 1000
# Memory and start-up: idle RSS, a topic of 10,000 partitions, restart after SIGTERM and after
# kill -9 (about 2.5 minutes, most of it creating, stopping and deleting 10,000 partitions).
if [[ footprint =~ $ONLY ]]; then
    echo "==== footprint"
    "$B" footprint --partitions "$FOOTPRINT_PARTITIONS" --sluice-bin "$SLUICE" \
        --label "footprint-$FOOTPRINT_PARTITIONS-partitions" \
        -o "$RESULTS/footprint-$FOOTPRINT_PARTITIONS-partitions.json" >/dev/null \
        || echo "run-all: footprint failed (continuing)"
fi
# Kinesis: PutRecords 500 × 200 B and GetRecords, the same Rust client against each server.
# sluice:never beside the default: the peers keep records in memory.
step kinesis-put-500x200 compare --rounds "$ROUNDS" -t sluice -t sluice:never -t kinesalite -t kinesis-local \
    --workload kinesis-put --record-size 200 --kinesis-batch 500 --concurrency 4 --partitions 4
step kinesis-get-200 compare --rounds "$ROUNDS" -t sluice -t kinesalite \
    --workload kinesis-get --record-size 200 --kinesis-batch 500 --concurrency 4 --partitions 4 \
    --records 500000

"$B" report --results "$RESULTS"
