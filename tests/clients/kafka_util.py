"""Shared produce/consume helpers over confluent-kafka (librdkafka), so tests stay short.

`produce` returns every delivery report and fails on any delivery error; `consume_all` drains
every partition of a topic from the beginning with `assign()` (no group join, no commits) and
stops at the end of each partition (librdkafka's partition EOF). All loops are time-bounded.
"""
import time
import uuid
from collections import defaultdict, namedtuple

from confluent_kafka import (OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, Producer,
                             TopicPartition)
from confluent_kafka.admin import AdminClient, NewTopic

# A record as delivered (from the delivery callback) or as consumed.
Record = namedtuple("Record", "partition offset key value")

# The seed article's producer (see shared/acceptance/kafka_clickstream.py).
SEED_PRODUCER_CONFIG = {
    "acks": "all",
    "enable.idempotence": True,
    "compression.type": "snappy",
    "linger.ms": 10,
    "batch.size": 65536,
    "retries": 5,
    "retry.backoff.ms": 300,
}


def unique_topic(prefix="t"):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def create_topic(bootstrap, topic, partitions=4, timeout=30.0):
    """CreateTopics through AdminClient, then wait until Metadata shows all partitions."""
    admin = AdminClient({"bootstrap.servers": bootstrap})
    futures = admin.create_topics([NewTopic(topic, num_partitions=partitions,
                                            replication_factor=1)],
                                  operation_timeout=timeout, request_timeout=timeout)
    futures[topic].result(timeout)
    deadline = time.monotonic() + timeout
    while True:
        md = admin.list_topics(topic, timeout=10)
        t = md.topics.get(topic)
        if t is not None and t.error is None and len(t.partitions) == partitions:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"topic {topic}: metadata after create shows "
                                 f"{None if t is None else (t.error, len(t.partitions))}, "
                                 f"want {partitions} partitions")
        time.sleep(0.2)


def partition_ids(bootstrap, topic, timeout=10.0):
    """Partition ids of topic per Metadata (auto-creates it if the server does)."""
    admin = AdminClient({"bootstrap.servers": bootstrap})
    deadline = time.monotonic() + timeout
    while True:
        t = admin.list_topics(topic, timeout=timeout).topics.get(topic)
        if t is not None and t.error is None and t.partitions:
            return sorted(t.partitions)
        if time.monotonic() > deadline:
            raise AssertionError(f"topic {topic} has no partitions in metadata: "
                                 f"{None if t is None else t.error}")
        time.sleep(0.2)


def produce(bootstrap, topic, records, config=None, timeout=60.0, partition=None):
    """Produce (key, value) pairs; return their delivery reports as Records in send order.

    Fails if any delivery reports an error or is still outstanding after `timeout`.
    """
    conf = {"bootstrap.servers": bootstrap, **(config or {})}
    p = Producer(conf)
    out = []
    errors = []
    deadline = time.monotonic() + timeout

    def reporter(i):
        def on_delivery(err, msg):
            if err is not None:
                errors.append(f"record {i}: {err}")
            else:
                out[i] = Record(msg.partition(), msg.offset(), msg.key(), msg.value())
        return on_delivery

    kwargs = {} if partition is None else {"partition": partition}
    for key, value in records:
        i = len(out)
        out.append(None)
        cb = reporter(i)
        while True:
            try:
                p.produce(topic, key=key, value=value, on_delivery=cb, **kwargs)
                break
            except BufferError:
                p.poll(0.1)
                if time.monotonic() > deadline:
                    raise AssertionError(f"producer queue stayed full for {timeout}s")
        p.poll(0)
    left = p.flush(max(0.0, deadline - time.monotonic()))
    assert not errors, f"{len(errors)} delivery errors, first: {errors[:3]}"
    assert left == 0, f"{left} of {len(out)} records not delivered within {timeout}s"
    missing = sum(1 for r in out if r is None)
    assert missing == 0, f"{missing} of {len(out)} records got no delivery report"
    return out


def consumer(bootstrap, **overrides):
    """An assign()-only consumer: has a group.id (librdkafka wants one) but never commits."""
    conf = {
        "bootstrap.servers": bootstrap,
        "group.id": f"sluice-test-{uuid.uuid4().hex[:8]}",
        "enable.auto.commit": False,
        "enable.auto.offset.store": False,
        "auto.offset.reset": "earliest",
        "enable.partition.eof": True,
        **overrides,
    }
    return Consumer(conf)


def consume_all(bootstrap, topic, timeout=60.0, partitions=None, config=None):
    """Drain every partition from offset 0 to its end; return {partition: [Record, ...]}.

    Records are in the order the consumer saw them. Ends when each partition has reported EOF
    (fetch offset reached the high watermark); fails after `timeout` seconds otherwise.
    """
    parts = partitions if partitions is not None else partition_ids(bootstrap, topic)
    c = consumer(bootstrap, **(config or {}))
    try:
        c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in parts])
        got = {p: [] for p in parts}
        at_eof = set()
        deadline = time.monotonic() + timeout
        while len(at_eof) < len(parts):
            if time.monotonic() > deadline:
                counts = {p: len(v) for p, v in got.items()}
                raise AssertionError(f"consume {topic}: partitions {sorted(set(parts) - at_eof)} "
                                     f"not at end after {timeout}s; got so far {counts}")
            for msg in c.consume(num_messages=1000, timeout=0.5):
                err = msg.error()
                if err is not None:
                    if err.code() == KafkaError._PARTITION_EOF:
                        at_eof.add(msg.partition())
                        continue
                    raise AssertionError(f"consumer error on {topic}[{msg.partition()}]: {err}")
                at_eof.discard(msg.partition())
                got[msg.partition()].append(
                    Record(msg.partition(), msg.offset(), msg.key(), msg.value()))
        return got
    finally:
        c.close()


def watermarks(bootstrap, topic, partition, timeout=10.0):
    """(low, high) offsets via ListOffsets."""
    c = consumer(bootstrap)
    try:
        return c.get_watermark_offsets(TopicPartition(topic, partition), timeout=timeout)
    finally:
        c.close()


def check_contiguous(by_partition):
    """Assert each partition's offsets are exactly 0..n-1 in order; return total count."""
    total = 0
    for p, recs in by_partition.items():
        offsets = [r.offset for r in recs]
        if offsets != list(range(len(offsets))):
            bad = next(i for i, o in enumerate(offsets) if o != i)
            raise AssertionError(f"partition {p}: offsets not contiguous from 0: at index {bad} "
                                 f"got {offsets[max(0, bad - 2):bad + 3]}")
        total += len(recs)
    return total


def roundtrip_one(bootstrap, timeout=30.0):
    """Produce one record to a fresh auto-created topic and read it back; assert it matches."""
    topic = unique_topic("alive")
    value = uuid.uuid4().hex.encode()
    [rep] = produce(bootstrap, topic, [(b"k", value)], config={"acks": "all"}, timeout=timeout,
                    partition=0)
    got = consume_all(bootstrap, topic, timeout=timeout, partitions=[0])[0]
    assert [(r.offset, r.key, r.value) for r in got] == [(rep.offset, b"k", value)], \
        f"round trip of one record: sent offset {rep.offset}, read {got}"


def group_by_key(records):
    out = defaultdict(list)
    for r in records:
        out[r.key].append(r)
    return out


__all__ = [
    "KafkaError", "KafkaException", "Record", "SEED_PRODUCER_CONFIG", "check_contiguous",
    "consume_all", "consumer", "create_topic", "group_by_key", "partition_ids", "produce",
    "roundtrip_one", "unique_topic", "watermarks",
]
