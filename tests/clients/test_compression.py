"""Every codec round-trips: 1,000 records per codec produced by confluent-kafka and by kafka-python, read back with confluent-kafka (and kafka-python's consumer reads a compressed topic too)."""
import time

import kafka
import kafka.codec
import pytest

from kafka_util import check_contiguous, consume_all, create_topic, produce, unique_topic

CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]
RECORDS = 1000
PARTITIONS = 2

KAFKA_PYTHON_HAS = {
    "none": lambda: True,
    "gzip": kafka.codec.has_gzip,
    "snappy": kafka.codec.has_snappy,
    "lz4": kafka.codec.has_lz4,
    "zstd": kafka.codec.has_zstd,
}


def records(codec):
    # Repetitive payloads so compression actually shrinks batches; keys spread partitions.
    return [(f"k{i % 37}".encode(), f"{codec}-{i:05d}-".encode() + b"abcdefgh" * (i % 50))
            for i in range(RECORDS)]


def check_round_trip(by_partition, sent):
    total = check_contiguous(by_partition)
    assert total == len(sent), f"read {total} records, sent {len(sent)}"
    got = sorted((r.key, r.value) for recs in by_partition.values() for r in recs)
    assert got == sorted(sent), "records read back differ from records sent"
    for recs in by_partition.values():  # per-key order within a partition
        last = {}
        for r in recs:
            assert last.get(r.key, b"") < r.value, f"key {r.key!r} out of order"
            last[r.key] = r.value


@pytest.mark.parametrize("codec", CODECS)
def test_confluent_kafka_round_trip(module_server, codec):
    """librdkafka producer with compression.type=codec, librdkafka consumer."""
    topic = unique_topic(f"codec-{codec}")
    create_topic(module_server.bootstrap, topic, partitions=PARTITIONS)
    sent = records(codec)
    produce(module_server.bootstrap, topic, sent,
            config={"acks": "all", "compression.type": codec, "linger.ms": 20,
                    "enable.idempotence": True})
    check_round_trip(consume_all(module_server.bootstrap, topic), sent)


@pytest.mark.parametrize("codec", CODECS)
def test_kafka_python_producer_round_trip(module_server, codec):
    """kafka-python producer with compression_type=codec, librdkafka consumer."""
    if not KAFKA_PYTHON_HAS[codec]():
        pytest.skip(f"kafka-python has no {codec} library installed")
    topic = unique_topic(f"kp-{codec}")
    create_topic(module_server.bootstrap, topic, partitions=PARTITIONS)
    sent = records(codec)
    producer = kafka.KafkaProducer(
        bootstrap_servers=module_server.bootstrap, acks="all", linger_ms=20,
        compression_type=None if codec == "none" else codec,
        request_timeout_ms=30000, max_block_ms=30000)
    try:
        futures = [producer.send(topic, key=k, value=v) for k, v in sent]
        producer.flush(timeout=60)
        for f in futures:
            f.get(timeout=10)  # raises on a failed delivery
    finally:
        producer.close(timeout=10)
    check_round_trip(consume_all(module_server.bootstrap, topic), sent)


def test_kafka_python_consumer_reads_compressed_records(module_server):
    """librdkafka writes zstd/lz4/snappy/gzip batches to one partition; kafka-python reads them all in order."""
    topic = unique_topic("kp-consume")
    create_topic(module_server.bootstrap, topic, partitions=1)
    sent = []
    for codec in CODECS:
        batch = [(b"k", v) for _, v in records(codec)[:200]]
        produce(module_server.bootstrap, topic, batch, partition=0,
                config={"acks": "all", "compression.type": codec, "linger.ms": 20})
        sent += batch
    c = kafka.KafkaConsumer(bootstrap_servers=module_server.bootstrap, group_id=None,
                            enable_auto_commit=False, auto_offset_reset="earliest",
                            consumer_timeout_ms=5000)
    try:
        tp = kafka.TopicPartition(topic, 0)
        c.assign([tp])
        c.seek_to_beginning(tp)
        got = []
        deadline = time.monotonic() + 60
        while len(got) < len(sent) and time.monotonic() < deadline:
            for msgs in c.poll(timeout_ms=1000, max_records=1000).values():
                got += [(m.offset, m.key, m.value) for m in msgs]
    finally:
        c.close()
    assert [o for o, _, _ in got] == list(range(len(sent))), \
        f"kafka-python read {len(got)} records, offsets not 0..{len(sent) - 1}"
    assert [(k, v) for _, k, v in got] == sent, "kafka-python read different records"
