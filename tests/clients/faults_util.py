"""Clients in subprocesses (crash_worker.py) and the checks the fault tests run on their logs.

`Worker` starts one crash_worker.py process and reads back its JSON-lines log. The `check_*`
functions take the logs and what a fresh reader got, assert the safety properties, and return
counts for the test's summary line.
"""
import json
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict

from confluent_kafka import Consumer, TopicPartition

from kafka_util import check_contiguous, consume_all
from kinesis_util import kinesis_client, list_all_shards, read_shard

HERE = os.path.dirname(os.path.abspath(__file__))


class Worker:
    """One crash_worker.py process (kafka-producer, kinesis-writer or group-member)."""

    def __init__(self, mode, args, log_path, prefix=None):
        self.mode = mode
        self.prefix = prefix
        self.log_path = str(log_path)
        open(self.log_path, "w").close()
        self.stderr_path = self.log_path + ".stderr"
        with open(self.stderr_path, "w") as err:
            self.proc = subprocess.Popen(
                [sys.executable, os.path.join(HERE, "crash_worker.py"), mode, *map(str, args),
                 self.log_path],
                stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL,
                start_new_session=True)

    def alive(self):
        return self.proc.poll() is None

    def stop(self, timeout=150):
        """SIGTERM and wait; assert exit 0. A producer flushes first (up to 120 s)."""
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
            raise AssertionError(f"{self.mode} worker did not stop within {timeout}s")
        assert code == 0, f"{self.mode} worker exited {code}: {self.stderr_tail()}"

    def kill(self):
        if self.alive():
            self.proc.kill()
            self.proc.wait(10)

    def stderr_tail(self, n=2000):
        with open(self.stderr_path, errors="replace") as f:
            return f.read()[-n:]

    def events(self):
        out = []
        with open(self.log_path) as f:
            for line in f:
                if line.endswith("\n"):      # a line being written right now is skipped
                    out.append(json.loads(line))
        return out


# --- Kafka producers ----------------------------------------------------------------------

def check_kafka(bootstrap, topic, producers, drain_timeout=120):
    """Drain `topic` with a fresh consumer; assert every acked value is there at the offset it
    was acked with, nothing is duplicated, offsets are contiguous with one value per offset,
    and every producer delivered everything it sent. Returns (acked, consumed)."""
    acked = {}
    failed, fatal, unfinished = [], [], []
    for w in producers:
        done = None
        for ev in w.events():
            if ev["event"] == "ack":
                assert ev["v"] not in acked, f"two acks for {ev['v']}"
                acked[ev["v"]] = (ev["p"], ev["o"])
            elif ev["event"] == "fail":
                failed.append(ev)
            elif ev["event"] == "error" and ev["fatal"]:
                fatal.append(ev)
            elif ev["event"] == "done":
                done = ev
        if done is None or done["outstanding"] or done["fatal"]:
            unfinished.append((w.log_path, done))
        elif done["sent"] != sum(1 for v in acked if v.startswith(_prefix_of(w))):
            unfinished.append((w.log_path, done, "sent != acked"))

    by_partition = consume_all(bootstrap, topic, timeout=drain_timeout)
    where, dups = {}, []
    for recs in by_partition.values():
        for r in recs:
            v = r.value.decode()
            if v in where:
                dups.append((v, where[v], (r.partition, r.offset)))
            where[v] = (r.partition, r.offset)
    lost = sorted(set(acked) - set(where))
    assert not lost, (f"{len(lost)} of {len(acked)} acked Kafka values lost, "
                      f"e.g. {[(v, acked[v]) for v in lost[:5]]}")
    assert not dups, f"{len(dups)} duplicated values (idempotence broken), e.g. {dups[:5]}"
    consumed = check_contiguous(by_partition)
    moved = [(v, pos, where[v]) for v, pos in acked.items() if where[v] != pos]
    assert not moved, f"{len(moved)} values read at another offset than acked, e.g. {moved[:5]}"
    prefixes = tuple(_prefix_of(w) for w in producers)
    unknown = [v for v in where if not v.startswith(prefixes)]
    assert not unknown, f"values nobody wrote: {unknown[:5]}"
    assert not fatal, f"idempotent producer hit a fatal error: {fatal[:3]}"
    assert not failed, f"{len(failed)} deliveries failed despite retries, e.g. {failed[:3]}"
    assert not unfinished, f"producers that did not deliver everything they sent: {unfinished}"
    return len(acked), consumed


def _prefix_of(worker):
    return worker.prefix + "-"


# --- Kinesis writers ----------------------------------------------------------------------

def check_kinesis(server, stream, writers):
    """Read every shard from TRIM_HORIZON; assert every acked record is there, in the shard and
    with the sequence number it was acked with; sequence numbers strictly increase per shard in
    the read and in each writer's ack order; no record is stored twice. Returns (acked, read)."""
    acked = {}
    for w in writers:
        last = {}
        for ev in w.events():
            if ev["event"] != "ack":
                continue
            seq = int(ev["seq"])
            prev = last.get(ev["shard"])
            assert prev is None or seq > prev, \
                (f"{w.prefix}: acked sequence numbers not increasing on {ev['shard']}: "
                 f"{prev} then {seq} ({ev['v']})")
            last[ev["shard"]] = seq
            assert ev["v"] not in acked, f"two acks for {ev['v']}"
            acked[ev["v"]] = (ev["shard"], seq)
    k = kinesis_client(server)
    read = {}
    for s in list_all_shards(k, stream):
        sid = s["ShardId"]
        prev = None
        for r in read_shard(k, stream, sid, limit=10000):
            seq = int(r["SequenceNumber"])
            assert prev is None or seq > prev, \
                f"{sid}: sequence numbers read not increasing: {prev} then {seq}"
            prev = seq
            v = r["Data"].decode()
            assert v not in read, f"{v} stored twice: {read[v]} and {(sid, seq)}"
            read[v] = (sid, seq)
    lost = sorted(set(acked) - set(read))
    assert not lost, (f"{len(lost)} of {len(acked)} acked Kinesis records lost, "
                      f"e.g. {[(v, acked[v]) for v in lost[:5]]}")
    moved = [(v, acked[v], read[v]) for v in acked if read[v] != acked[v]]
    assert not moved, (f"{len(moved)} Kinesis records read with another shard/sequence number "
                       f"than acked, e.g. {moved[:5]}")
    prefixes = tuple(w.prefix + "-" for w in writers)
    unknown = [v for v in read if not v.startswith(prefixes)]
    assert not unknown, f"Kinesis records nobody wrote: {unknown[:5]}"
    return len(acked), len(read)


# --- consumer-group commits ---------------------------------------------------------------

def fetch_committed(bootstrap, topic, group, partitions, timeout=20):
    """{partition: committed offset} by OffsetFetch (no group join); -1001 when none."""
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group,
                  "enable.auto.commit": False})
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                tps = c.committed([TopicPartition(topic, p) for p in partitions], timeout=10)
                return {tp.partition: tp.offset for tp in tps}
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        c.close()


def acked_commits(member):
    """The member's acknowledged commits: [(ack time, {partition: offset})] in ack order."""
    return [(ev["t"], {int(p): o for p, o in ev["offsets"].items()})
            for ev in member.events() if ev["event"] == "commit"]


def check_commits_monotonic(commits):
    """Each partition's acked commits never go backwards (one member, fed from its commits)."""
    last = {}
    for t, offsets in commits:
        for p, o in offsets.items():
            assert o >= last.get(p, -1), \
                f"partition {p}: acked commit went backwards, {last[p]} then {o} (t={t:.3f})"
            last[p] = o
    return last


def best_acked_before(commits, t):
    """{partition: highest offset whose commit was acked before monotonic time t}."""
    best = defaultdict(lambda: -1)
    for ct, offsets in commits:
        if ct < t:
            for p, o in offsets.items():
                best[p] = max(best[p], o)
    return dict(best)
