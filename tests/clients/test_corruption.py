"""Corruption at rest, with the real binary: bytes flipped inside a sealed segment (while the
server is stopped) and inside the active segment (while it runs).

Checks: the restart does not cut the log (a CRC mismatch in data fsynced whole is reported, not
truncated); a consumer never receives a damaged record (everything it gets is byte-identical to
what was produced, and the damaged partition stops right before the damaged batch); the other
partition keeps serving in full; the operator gets one log line naming topic, partition, segment
file and offset, and `sluice_corrupt_batches_total{topic,partition}` counts it; Kinesis
GetRecords at a damaged batch answers InternalFailure (HTTP 500), never the bytes.
"""
import re
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

import pytest

from conftest import http_get
from kafka_util import produce, unique_topic
from kinesis_util import create_stream, kinesis_client, unique_stream


def batches(path):
    """[(position, base offset, total size)] of the v2 batches of a segment file."""
    data = path.read_bytes()
    out, at = [], 0
    while at + 12 <= len(data):
        base = int.from_bytes(data[at:at + 8], "big", signed=True)
        length = int.from_bytes(data[at + 8:at + 12], "big", signed=True)
        out.append((at, base, length + 12))
        at += length + 12
    return out


def flip(path, position):
    with open(path, "r+b") as f:
        f.seek(position)
        b = f.read(1)
        f.seek(position)
        f.write(bytes([b[0] ^ 0x55]))


def segments(part_dir):
    return sorted(part_dir.glob("*.log"))


def consume_partitions(bootstrap, topic, parts, seconds):
    """Whatever each partition yields from the beginning within `seconds` (errors noted)."""
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "corruption-reader",
                  "enable.auto.commit": False, "enable.partition.eof": True,
                  "auto.offset.reset": "earliest"})
    got = {p: {} for p in parts}
    errors = []
    try:
        c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in parts])
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for msg in c.consume(num_messages=500, timeout=0.3):
                if msg.error():
                    if msg.error().code() != KafkaError._PARTITION_EOF:
                        errors.append(msg.error())
                    continue
                got[msg.partition()][msg.offset()] = msg.value()
    finally:
        c.close()
    return got, errors


def metric(srv, name, **labels):
    _, body = http_get(srv.admin_url + "/metrics")
    for line in body.decode().splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_flipped_bytes_are_detected_never_served_and_fenced(server):
    bootstrap = server.bootstrap
    topic = unique_topic("rot")
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1,
                                  config={"segment.bytes": "4096"})])[topic].result(30)
    time.sleep(0.5)
    sent = {}
    for p in (0, 1):
        records = [(f"k{i}".encode(), f"p{p}-value-{i:05d}-".encode() + b"x" * 200)
                   for i in range(120)]
        for r in produce(bootstrap, topic, records, partition=p,
                         config={"linger.ms": 0, "batch.size": 1000}):
            sent.setdefault(p, {})[r.offset] = r.value
    part0 = server.data_dir / "topics" / f"{topic}-0"
    segs = segments(part0)
    assert len(segs) >= 3, "the test needs sealed segments"

    # 1. Damage a sealed segment while the server is stopped; the restart must not cut.
    server.terminate()
    sealed = batches(segs[0])
    pos, sealed_offset, size = sealed[len(sealed) // 2]
    flip(segs[0], pos + size - 5)
    server.start()
    got, _ = consume_partitions(bootstrap, topic, [1], 10)
    assert got[1] == sent[1], "the other partition serves in full"
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "wm"})
    low, high = c.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
    c.close()
    assert (low, high) == (0, max(sent[0]) + 1), "no truncation at start-up"

    # 2. Damage the active segment while the server runs.
    active = segments(part0)[-1]
    live = batches(active)
    apos, active_offset, asize = live[len(live) // 2]
    assert active_offset > sealed_offset
    flip(active, apos + asize - 5)

    got, errors = consume_partitions(bootstrap, topic, [0, 1], 8)
    for p in (0, 1):
        for off, value in got[p].items():
            assert sent[p][off] == value, f"partition {p} offset {off}: a damaged record served"
    assert got[1] == sent[1]
    assert max(got[0], default=-1) < sealed_offset, \
        f"partition 0 must stop before the damaged batch at {sealed_offset}"
    assert len(got[0]) == sealed_offset
    # Reading past the first damage: the second one fences too.
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "skip", "enable.partition.eof": True})
    c.assign([TopicPartition(topic, 0, sealed[len(sealed) // 2 + 1][1])])
    seen = {}
    deadline = time.monotonic() + 8
    while time.monotonic() < deadline:
        for msg in c.consume(num_messages=500, timeout=0.3):
            if not msg.error():
                seen[msg.offset()] = msg.value()
    c.close()
    assert seen and all(sent[0][o] == v for o, v in seen.items())
    assert max(seen) < active_offset

    # The operator's view: one clear line per damaged batch, and the metric.
    log = re.sub(r"\x1b\[[0-9;]*m", "", server.log_path.read_text(errors="replace"))
    lines = [l for l in log.splitlines() if "corrupt record batch on disk" in l]
    for seg, off in ((segs[0], sealed_offset), (active, active_offset)):
        named = [l for l in lines if seg.name in l and f"offset={off}" in l and topic in l
                 and re.search(r"partition=0\b", l)]
        assert len(named) == 1, f"one line for {seg.name} at offset {off}; got {lines}"
    assert metric(server, "sluice_corrupt_batches_total", topic=topic, partition="0") == 2
    assert metric(server, "sluice_corrupt_batches_total", topic=topic, partition="1") == 0
    assert server.health_status() == 200


def test_kinesis_get_records_answers_internal_failure_at_a_damaged_batch(server):
    k = kinesis_client(server)
    name = unique_stream("rot")
    create_stream(k, name, 1)
    for i in range(6):
        k.put_record(StreamName=name, Data=f"record-{i}".encode() * 20, PartitionKey="a")
    part = server.data_dir / "topics" / f"{name}-0"
    seg = segments(part)[-1]
    pos, offset, size = batches(seg)[3]
    flip(seg, pos + size - 3)
    it = k.get_shard_iterator(StreamName=name, ShardId="shardId-000000000000",
                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    first = k.get_records(ShardIterator=it, Limit=100)
    datas = [r["Data"] for r in first["Records"]]
    assert datas == [f"record-{i}".encode() * 20 for i in range(3)], "served up to the damage"
    with pytest.raises(Exception) as e:
        k.get_records(ShardIterator=first["NextShardIterator"], Limit=100)
    resp = getattr(e.value, "response", {})
    assert resp.get("Error", {}).get("Code") == "InternalFailure", e.value
    assert resp.get("ResponseMetadata", {}).get("HTTPStatusCode") == 500
