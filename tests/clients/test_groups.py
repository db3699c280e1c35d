"""Consumer groups with real clients: the seed's commit-per-message consumer, three members sharing six partitions under both assignors, reassignment after a clean close and after kill -9 of a member, kafka-python's group consumer, and committed offsets surviving kill -9 of the server."""
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict

import pytest
from confluent_kafka import Consumer, TopicPartition

from kafka_util import SEED_PRODUCER_CONFIG, create_topic, produce, unique_topic

HERE = os.path.dirname(__file__)
SESSION_TIMEOUT_MS = 6000


def group_consume(bootstrap, topic, group, want, timeout=60.0, stop_early=True):
    """The seed consumer: subscribe, commit after each message; return (key, value) pairs."""
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest",
                  "enable.auto.commit": False, "session.timeout.ms": 10000})
    c.subscribe([topic])
    got = []
    deadline = time.monotonic() + timeout
    idle_since = None
    while time.monotonic() < deadline:
        if stop_early and len(got) >= want:
            break
        m = c.poll(0.5)
        if m is None:
            if not stop_early and len(got) >= want:
                idle_since = idle_since or time.monotonic()
                if time.monotonic() - idle_since > 3:
                    break
            continue
        assert not m.error(), f"consumer error: {m.error()}"
        idle_since = None
        got.append((m.key(), m.value()))
        c.commit(message=m, asynchronous=False)
    c.close()
    return got


def test_seed_consumer_gets_everything_once_and_commits_are_honoured(server):
    topic = unique_topic("clicks")
    create_topic(server.bootstrap, topic, partitions=6)
    n = 3000
    records = [(f"user_{i % 200:04d}".encode(), json.dumps({"seq": i}).encode()) for i in range(n)]
    produce(server.bootstrap, topic, records, config=SEED_PRODUCER_CONFIG)
    group = f"clickstream-processor-{uuid.uuid4().hex[:6]}"
    got = group_consume(server.bootstrap, topic, group, n)
    seqs = [json.loads(v)["seq"] for _, v in got]
    assert sorted(seqs) == list(range(n)), f"{len(seqs)} consumed, {len(set(seqs))} distinct"
    per_key = defaultdict(list)
    for k, v in got:
        per_key[k].append(json.loads(v)["seq"])
    assert all(s == sorted(s) for s in per_key.values()), "per-key order broken"
    again = group_consume(server.bootstrap, topic, group, 0, timeout=10, stop_early=False)
    assert again == [], f"{len(again)} records redelivered despite commits"
    replay = group_consume(server.bootstrap, topic, group + "-replay", n)
    assert len(replay) == n


class Member:
    """A group_member.py process and the partitions it currently owns."""

    def __init__(self, bootstrap, topic, group, strategy):
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "group_member.py"), bootstrap, topic,
                                      group, strategy, str(SESSION_TIMEOUT_MS)],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.owned = set()
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            ev = json.loads(line)
            with self.lock:
                if ev["event"] == "assigned":
                    self.owned |= set(ev["partitions"])
                elif ev["event"] in ("revoked", "lost"):
                    self.owned -= set(ev["partitions"])

    def partitions(self):
        with self.lock:
            return set(self.owned) if self.proc.poll() is None else set()

    def close(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)

    def kill9(self):
        self.proc.kill()
        self.proc.wait(timeout=10)


def wait_for_split(members, partitions, timeout):
    """Until the live members own every partition exactly once (each at least one); return seconds."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        owned = [m.partitions() for m in members]
        flat = [p for o in owned for p in o]
        if sorted(flat) == sorted(partitions) and all(owned):
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"no clean split of {partitions} within {timeout}s: {[m.partitions() for m in members]}")


@pytest.mark.parametrize("strategy", ["range", "cooperative-sticky"])
def test_three_members_share_partitions_and_take_over_from_closed_and_killed_ones(server, strategy):
    topic = unique_topic("share")
    create_topic(server.bootstrap, topic, partitions=6)
    produce(server.bootstrap, topic, [(None, f"v{i}".encode()) for i in range(60)])
    group = f"share-{uuid.uuid4().hex[:6]}"
    members = [Member(server.bootstrap, topic, group, strategy) for _ in range(3)]
    try:
        wait_for_split(members, range(6), timeout=60)
        members[0].close()
        took = wait_for_split(members[1:], range(6), timeout=30)
        print(f"{strategy}: closed member's partitions moved in {took:.1f}s")
        members[1].kill9()
        took = wait_for_split(members[2:], range(6), timeout=SESSION_TIMEOUT_MS / 1000 + 30)
        print(f"{strategy}: killed member's partitions moved in {took:.1f}s")
        assert took >= SESSION_TIMEOUT_MS / 1000 * 0.5, "a killed member cannot be noticed before its session times out"
    finally:
        for m in members:
            if m.proc.poll() is None:
                m.kill9()


def test_kafka_python_group_consumer_consumes_and_commits(server):
    from kafka import KafkaConsumer, TopicPartition as KTopicPartition
    topic = unique_topic("kpy")
    create_topic(server.bootstrap, topic, partitions=3)
    n = 300
    produce(server.bootstrap, topic, [(f"k{i % 5}".encode(), f"v{i}".encode()) for i in range(n)])
    group = f"kpy-{uuid.uuid4().hex[:6]}"
    c = KafkaConsumer(topic, bootstrap_servers=server.bootstrap, group_id=group, auto_offset_reset="earliest",
                      enable_auto_commit=False, consumer_timeout_ms=15000)
    seen = []
    deadline = time.monotonic() + 60
    while len(seen) < n and time.monotonic() < deadline:
        for tp, msgs in c.poll(timeout_ms=1000).items():
            seen.extend(m.value for m in msgs)
        c.commit()
    committed = {p: c.committed(KTopicPartition(topic, p)) for p in range(3)}
    c.close()
    assert sorted(seen) == sorted(f"v{i}".encode() for i in range(n))
    check = Consumer({"bootstrap.servers": server.bootstrap, "group.id": group})
    offsets = check.committed([TopicPartition(topic, p) for p in range(3)], timeout=10)
    check.close()
    assert sum(tp.offset for tp in offsets) == n, f"committed offsets {offsets}"
    assert sum(committed.values()) == n


def describe_lag(server, group):
    out = subprocess.run([os.environ.get("SLUICE_BIN", "target/debug/sluice"), "group", "describe", group,
                          "--bootstrap", server.bootstrap], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    rows = [line.split() for line in out.stdout.splitlines() if line.split() and line.split()[0] != "TOPIC"]
    return sorted((r[0], r[1], r[2], r[3], r[4]) for r in rows if len(r) >= 5 and r[1].isdigit())


def test_committed_offsets_survive_kill9_of_the_server(server):
    topic = unique_topic("durable")
    create_topic(server.bootstrap, topic, partitions=4)
    n = 400
    produce(server.bootstrap, topic, [(f"k{i % 9}".encode(), f"v{i}".encode()) for i in range(n)])
    group = f"durable-{uuid.uuid4().hex[:6]}"
    first = group_consume(server.bootstrap, topic, group, n // 2)
    assert len(first) == n // 2
    before = describe_lag(server, group)
    server.kill9()
    server.start()
    after = describe_lag(server, group)
    assert before == after and before, f"lag differs across kill -9: {before} vs {after}"
    rest = group_consume(server.bootstrap, topic, group, n - n // 2, stop_early=False, timeout=60)
    values = sorted(v for _, v in first + rest)
    assert values == sorted(f"v{i}".encode() for i in range(n)), "records lost or redelivered across the restart"
