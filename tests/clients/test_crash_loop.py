"""The crash loop: nothing acknowledged is lost across repeated kill -9, for Kafka and Kinesis
writers and for consumer-group commits at once.

Two idempotent acks=all librdkafka producers and two boto3 PutRecords writers log every
acknowledged value (each client is its own process: crash_worker.py), and a consumer-group
member commits offsets every 200 ms, while the driver SIGKILLs the server at random moments
(30 times by default, SLUICE_CRASH_LOOP_KILLS; seeded, the seed is printed, and
SLUICE_CRASH_SEED replays a schedule) and restarts it on the same data directory. After every
restart the group's committed offsets are fetched: each must be at least every commit
acknowledged before the kill, and at least what the previous restart showed. Afterwards a fresh consumer drains every partition and the driver
checks: acked ⊆ consumed, at the acked offsets; no duplicates from the idempotent producers;
offsets contiguous, one value per offset; every producer delivered everything (no fatal
error); acked group commits never went backwards; Kinesis sequence numbers strictly increase
per shard, in each writer's ack order and in the read; and every acked Kinesis record reads
back with GetRecords, in its shard, with its sequence number.
"""
import os
import random
import time

import pytest

from conftest import SluiceServer, sluice_bin
from faults_util import (Worker, acked_commits, best_acked_before, check_commits_monotonic,
                         check_kafka, check_kinesis, fetch_committed)
from kafka_util import create_topic, unique_topic, watermarks
from kinesis_util import create_stream, endpoint, kinesis_client, unique_stream

KILLS = int(os.environ.get("SLUICE_CRASH_LOOP_KILLS", 30))
PARTITIONS = 4
SHARDS = 4
UP_S = (1.0, 4.0)          # usually run this long between a restart and the next kill
SHORT_UP_S = (0.05, 0.6)   # sometimes kill almost at once (recovery, rejoins in flight)
SHORT_P = 0.25
DOWN_S = (0.0, 0.5)        # stay dead this long before restarting
TAIL_S = 4.0               # keep every client running this long after the last restart


@pytest.fixture
def crash_server(tmp_path, request):
    # No initial rebalance delay: the member rejoins after each restart at once.
    srv = SluiceServer(sluice_bin(), tmp_path / "sluice", name=request.node.name,
                       extra_args=["--group-initial-rebalance-delay-ms", "0"])
    srv.start()
    yield srv
    srv.stop()


def test_crash_loop_kafka_kinesis_and_group_commits(crash_server, tmp_path):
    server = crash_server
    seed = int(os.environ.get("SLUICE_CRASH_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    print(f"SLUICE_CRASH_SEED={seed}")
    started = time.monotonic()

    topic = unique_topic("loop")
    create_topic(server.bootstrap, topic, partitions=PARTITIONS)
    stream = unique_stream("loop")
    create_stream(kinesis_client(server), stream, SHARDS)
    group = f"loop-{seed}"

    producers = [Worker("kafka-producer", [server.bootstrap, topic, f"k{i}"],
                        tmp_path / f"producer{i}.jsonl", prefix=f"k{i}") for i in range(2)]
    writers = [Worker("kinesis-writer", [endpoint(server), stream, f"s{i}"],
                      tmp_path / f"writer{i}.jsonl", prefix=f"s{i}") for i in range(2)]
    member = Worker("group-member", [server.bootstrap, topic, group],
                    tmp_path / "member.jsonl")
    workers = producers + writers + [member]
    checks = 0
    last_fetched = {}
    try:
        time.sleep(2.0)
        for i in range(KILLS):
            up = rng.uniform(*(SHORT_UP_S if rng.random() < SHORT_P else UP_S))
            down = rng.uniform(*DOWN_S)
            time.sleep(up)
            dead = [w.mode for w in workers if not w.alive()]
            assert not dead, f"workers died: {dead}: {[w.stderr_tail() for w in workers]}"
            t_kill = time.monotonic()
            server.kill9()
            time.sleep(down)
            server.start()
            # Committed offsets never move backwards: every commit acked before the kill
            # survived it, and nothing fell below what the previous restart showed.
            fetched = fetch_committed(server.bootstrap, topic, group, range(PARTITIONS))
            want = best_acked_before(acked_commits(member), t_kill)
            for p in range(PARTITIONS):
                floor = max(want.get(p, -1), last_fetched.get(p, -1))
                assert fetched[p] >= floor, \
                    (f"kill {i + 1}: partition {p} committed offset {fetched[p]} after restart, "
                     f"below {floor} (acked before the kill: {want.get(p)}, "
                     f"previous restart: {last_fetched.get(p)})")
                last_fetched[p] = max(fetched[p], last_fetched.get(p, -1))
            checks += 1
            print(f"kill {i + 1}: up {up:.2f}s down {down:.2f}s; committed {fetched}")
        time.sleep(TAIL_S)
        # Stop the readers and writers first, then let the producers flush.
        for w in writers + [member] + producers:
            w.stop()
    finally:
        for w in workers:
            w.kill()

    # Kafka: acked ⊆ consumed, no duplicates, contiguous offsets, one value per offset.
    kafka_acked, kafka_consumed = check_kafka(server.bootstrap, topic, producers)
    assert kafka_acked > 10000, f"only {kafka_acked} Kafka values acked: producers barely ran"
    # Kinesis: acked records read back with their sequence numbers, increasing per shard.
    kin_acked, kin_read = check_kinesis(server, stream, writers)
    assert kin_acked > 2000, f"only {kin_acked} Kinesis records acked: writers barely ran"
    # Group commits: never backwards in ack order; the last acked commit is what is stored,
    # and no commit points past a partition's end.
    commits = acked_commits(member)
    assert len(commits) > 50, f"only {len(commits)} commits acked: the member barely ran"
    last = check_commits_monotonic(commits)
    final = fetch_committed(server.bootstrap, topic, group, range(PARTITIONS))
    for p in range(PARTITIONS):
        assert final[p] == last.get(p, -1001), \
            f"partition {p}: committed {final[p]} at the end, last acked commit {last.get(p)}"
        _, high = watermarks(server.bootstrap, topic, p)
        assert final[p] <= high, f"partition {p}: committed {final[p]} past the end {high}"

    elapsed = time.monotonic() - started
    print(f"crash loop summary: seed={seed} cycles={KILLS} faults_injected={KILLS} (kill -9) "
          f"records_verified={kafka_acked + kin_acked} (kafka acked {kafka_acked} of "
          f"{kafka_consumed} consumed, kinesis acked {kin_acked} of {kin_read} read) "
          f"group_commits={len(commits)} commit_checks={checks} elapsed={elapsed:.0f}s")
