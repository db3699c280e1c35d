"""Disk full, with the real binary on a real small filesystem of the test's own.

The data directory lives on a 32 MiB ext4 image, loop-mounted by the test (tmpfs if loop
devices are unavailable; skipped, with the reason, if neither can be mounted, e.g. without
root). A filler file takes part of it. A producer (acks=all, no retries) fills the rest until
Produce answers KAFKA_STORAGE_ERROR; then, with the disk still full, reads must work, Kinesis
PutRecords must answer InternalFailure per record (PutRecord: InternalFailure, HTTP 500) and
offset commits must either work or fail cleanly. The filler is deleted, and without a restart
produce, Kinesis writes and commits must work again, and every acknowledged record must read
back exactly once at contiguous offsets.
"""
import os
import shutil
import subprocess
import time
import uuid

import pytest
from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition

from conftest import SluiceServer, sluice_bin
from kafka_util import check_contiguous, consume_all, create_topic, unique_topic
from kinesis_util import create_stream, kinesis_client, read_shard, unique_stream

FS_BYTES = 32 << 20
FILLER_BYTES = 6 << 20
VALUE_BYTES = 16 << 10


def _run(*argv):
    return subprocess.run(argv, capture_output=True, text=True, timeout=60)


@pytest.fixture
def small_fs(tmp_path):
    """A mounted filesystem of FS_BYTES; yields (mount point, kind)."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    img = tmp_path / "fs.img"
    kind = None
    reasons = []
    if shutil.which("mkfs.ext4"):
        with open(img, "wb") as f:
            f.truncate(FS_BYTES)
        made = _run("mkfs.ext4", "-q", "-m", "0", str(img))
        mounted = made.returncode == 0 and _run("mount", "-o", "loop", str(img), str(mnt))
        if mounted and mounted.returncode == 0:
            kind = "ext4 (loop)"
        else:
            reasons.append(f"ext4 loop mount: {(mounted.stderr if mounted else made.stderr).strip()}")
    if kind is None:
        mounted = _run("mount", "-t", "tmpfs", "-o", f"size={FS_BYTES}", "tmpfs", str(mnt))
        if mounted.returncode == 0:
            kind = "tmpfs"
        else:
            reasons.append(f"tmpfs mount: {mounted.stderr.strip()}")
    if kind is None:
        pytest.skip("cannot make a small filesystem here: " + "; ".join(reasons))
    try:
        yield mnt, kind
    finally:
        _run("umount", "-l", str(mnt))


def fill_until_storage_error(bootstrap, topic, acked, max_seconds=120):
    """Produce VALUE_BYTES records until one fails with KAFKA_STORAGE_ERROR; record acks."""
    p = Producer({"bootstrap.servers": bootstrap, "acks": "all", "retries": 0,
                  "enable.idempotence": False, "linger.ms": 5, "batch.size": 1 << 20,
                  "message.timeout.ms": 30000})
    errors = []

    def report(err, msg):
        if err is None:
            acked.setdefault(msg.partition(), {})[msg.offset()] = msg.value()
        else:
            errors.append(err)

    deadline = time.monotonic() + max_seconds
    n = 0
    while time.monotonic() < deadline:
        for _ in range(32):
            value = f"{n:08d}-".encode() + os.urandom(VALUE_BYTES // 2).hex().encode()[:VALUE_BYTES]
            p.produce(topic, value=value, on_delivery=report)
            n += 1
        p.flush(30)
        if any(e.code() == KafkaError.KAFKA_STORAGE_ERROR for e in errors):
            return n, errors
    raise AssertionError(f"no KAFKA_STORAGE_ERROR after {n} records; errors {errors[:3]}")


def commit(bootstrap, group, topic, offsets):
    """Commit {partition: offset} synchronously; returns None or the KafkaError."""
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group,
                  "enable.auto.commit": False, "session.timeout.ms": 6000})
    try:
        c.commit(offsets=[TopicPartition(topic, p, o) for p, o in offsets.items()],
                 asynchronous=False)
        return None
    except KafkaException as e:
        return e.args[0]
    finally:
        c.close()


def committed(bootstrap, group, topic, partitions):
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group,
                  "enable.auto.commit": False})
    try:
        got = c.committed([TopicPartition(topic, p) for p in partitions], timeout=10)
        return {tp.partition: tp.offset for tp in got}
    finally:
        c.close()


def test_disk_full_fails_writes_cleanly_and_resumes_when_space_returns(small_fs, tmp_path):
    mnt, kind = small_fs
    filler = mnt / "filler"
    with open(filler, "wb") as f:
        f.write(os.urandom(FILLER_BYTES))
        os.fsync(f.fileno())
    srv = SluiceServer(sluice_bin(), tmp_path / "srv", name="disk-full")
    srv.data_dir = mnt / "data"
    srv.data_dir.mkdir()
    srv.start()
    try:
        bootstrap = srv.bootstrap
        topic = unique_topic("full")
        create_topic(bootstrap, topic, partitions=2)
        k = kinesis_client(srv)
        stream = unique_stream("full")
        create_stream(k, stream, 1)
        assert k.put_record(StreamName=stream, Data=b"before", PartitionKey="a")["SequenceNumber"]
        group = f"g-{uuid.uuid4().hex[:8]}"
        assert commit(bootstrap, group, topic, {0: 1, 1: 1}) is None

        acked = {}
        sent, errors = fill_until_storage_error(bootstrap, topic, acked)
        storage_errors = [e for e in errors if e.code() == KafkaError.KAFKA_STORAGE_ERROR]
        other = [e for e in errors if e.code() != KafkaError.KAFKA_STORAGE_ERROR]
        assert not other, f"only KAFKA_STORAGE_ERROR expected, got {other[:3]}"
        acked_while_filling = sum(len(v) for v in acked.values())
        assert acked_while_filling > 0

        # Still full: reads work and return every acknowledged record.
        got = consume_all(bootstrap, topic, partitions=[0, 1])
        for p, recs in got.items():
            assert {r.offset: r.value for r in recs} == acked.get(p, {}), f"partition {p}"
        check_contiguous(got)
        # Kinesis writes fail the AWS way: per record InternalFailure in PutRecords.
        big = os.urandom(512 << 10)
        out = k.put_records(StreamName=stream, Records=[
            {"Data": big, "PartitionKey": f"k{i}"} for i in range(8)])
        codes = {r.get("ErrorCode") for r in out["Records"]}
        assert out["FailedRecordCount"] > 0 and codes <= {None, "InternalFailure"}, out
        # Kinesis reads still work.
        assert [r["Data"] for r in read_shard(k, stream, "shardId-000000000000")][:1] == [b"before"]
        # A commit while full either works or fails with the group protocol's retriable error.
        err = commit(bootstrap, group, topic, {0: 2, 1: 2})
        assert err is None or err.code() in (KafkaError.COORDINATOR_NOT_AVAILABLE,
                                             KafkaError.KAFKA_STORAGE_ERROR,
                                             KafkaError.NOT_COORDINATOR), err
        assert srv.health_status() == 200

        # Free space: writes resume by themselves, no restart.
        filler.unlink()
        before = srv.starts
        resumed = {}
        deadline = time.monotonic() + 30
        while True:
            p = Producer({"bootstrap.servers": bootstrap, "acks": "all", "retries": 0})
            failures = []

            def report(e, msg):
                if e is None:
                    resumed.setdefault(msg.partition(), {})[msg.offset()] = msg.value()
                else:
                    failures.append(e)

            for i in range(50):
                p.produce(topic, value=f"after-{i}".encode(), on_delivery=report)
            p.flush(30)
            if not failures:
                break
            assert time.monotonic() < deadline, f"produce did not resume: {failures[:3]}"
            time.sleep(1)
        assert srv.starts == before and srv.running()
        for part, recs in resumed.items():
            acked.setdefault(part, {}).update(recs)
        assert k.put_records(StreamName=stream, Records=[
            {"Data": b"after", "PartitionKey": "b"}])["FailedRecordCount"] == 0
        assert commit(bootstrap, group, topic, {0: 3, 1: 3}) is None
        assert committed(bootstrap, group, topic, [0, 1]) == {0: 3, 1: 3}

        got = consume_all(bootstrap, topic, partitions=[0, 1])
        check_contiguous(got)
        verified = 0
        for p, recs in got.items():
            values = {r.offset: r.value for r in recs}
            assert values == acked.get(p, {}), f"partition {p}: acked records lost or changed"
            verified += len(values)
        print(f"\ndisk full on {kind}: {sent} records sent while filling, "
              f"{acked_while_filling} acked, {len(storage_errors)} KAFKA_STORAGE_ERROR, "
              f"{verified} records verified after space returned, no restart")
    finally:
        srv.stop()
