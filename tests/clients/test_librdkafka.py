"""librdkafka end to end: 100,000 seed-config records (idempotent, snappy) to a 4-partition topic read back exactly once, in order, contiguous; and identically after kill -9 and restart."""
from collections import Counter

import pytest

from kafka_util import (SEED_PRODUCER_CONFIG, check_contiguous, consume_all, create_topic,
                        produce, unique_topic, watermarks)

RECORDS = 100_000
USERS = 200
PARTITIONS = 4


def key_of(seq):
    return f"user_{seq % USERS:04d}".encode()


def value_of(seq):
    return f'{{"seq":{seq},"user":"{key_of(seq).decode()}","page":"/p/{seq % 7}"}}'.encode()


def seq_of(value):
    return int(value.split(b",", 1)[0].split(b":", 1)[1])


@pytest.fixture(scope="module")
def produced(module_server):
    """Create the topic and produce the records once for the module; return delivery reports."""
    topic = unique_topic("clickstream")
    create_topic(module_server.bootstrap, topic, partitions=PARTITIONS)
    reports = produce(module_server.bootstrap, topic,
                      ((key_of(i), value_of(i)) for i in range(RECORDS)),
                      config=SEED_PRODUCER_CONFIG, timeout=180)
    return topic, reports


def check_read_back(topic, reports, by_partition):
    """Every produced record read exactly once, where its delivery report said, in key order."""
    assert sorted(by_partition) == list(range(PARTITIONS)), \
        f"partitions read {sorted(by_partition)}"
    total = check_contiguous(by_partition)
    assert total == RECORDS, f"read {total} records, produced {RECORDS}"

    seqs = Counter()
    for p, recs in by_partition.items():
        for r in recs:
            seq = seq_of(r.value)
            seqs[seq] += 1
            assert r.key == key_of(seq), f"seq {seq}: key {r.key!r}, want {key_of(seq)!r}"
            assert r.value == value_of(seq), f"seq {seq}: value changed: {r.value[:80]!r}"
            rep = reports[seq]
            assert (rep.partition, rep.offset) == (p, r.offset), \
                f"seq {seq} acked at {rep.partition}/{rep.offset}, read at {p}/{r.offset}"
    dups = [s for s, n in seqs.items() if n != 1]
    assert not dups, f"{len(dups)} sequence numbers read more than once, e.g. {dups[:5]}"
    assert set(seqs) == set(range(RECORDS)), \
        f"missing sequence numbers, e.g. {sorted(set(range(RECORDS)) - set(seqs))[:5]}"

    keys_seen = {}
    for p, recs in by_partition.items():
        last = {}
        for r in recs:
            seq = seq_of(r.value)
            assert keys_seen.setdefault(r.key, p) == p, f"key {r.key!r} in two partitions"
            assert last.get(r.key, -1) < seq, \
                f"key {r.key!r} out of order on partition {p}: {last[r.key]} then {seq}"
            last[r.key] = seq
    assert len(keys_seen) == USERS, f"{len(keys_seen)} distinct keys, want {USERS}"


def test_delivery_reports_are_contiguous_per_partition(produced):
    """All 100,000 deliveries succeeded and acked offsets form 0..n-1 on each partition."""
    topic, reports = produced
    by_partition = {}
    for r in reports:
        by_partition.setdefault(r.partition, []).append(r)
    for p, recs in by_partition.items():
        offsets = sorted(r.offset for r in recs)
        assert offsets == list(range(len(offsets))), \
            f"partition {p}: acked offsets not 0..{len(offsets) - 1}"
    assert len(by_partition) == PARTITIONS, f"records landed on {sorted(by_partition)}"


def test_hundred_thousand_records_read_back_exactly_once_in_order(produced, module_server):
    """Drain with an assign() consumer; check exactly-once, contiguity, key order, watermarks."""
    topic, reports = produced
    by_partition = consume_all(module_server.bootstrap, topic, timeout=180)
    check_read_back(topic, reports, by_partition)
    for p, recs in by_partition.items():
        low, high = watermarks(module_server.bootstrap, topic, p)
        assert (low, high) == (0, len(recs)), \
            f"partition {p}: ListOffsets watermarks {(low, high)}, want (0, {len(recs)})"


def test_records_read_back_identically_after_kill9(produced, module_server):
    """kill -9 the server, restart on the same data dir, and read the same records again."""
    topic, reports = produced
    before = consume_all(module_server.bootstrap, topic, timeout=180)
    module_server.kill9()
    module_server.restart()
    after = consume_all(module_server.bootstrap, topic, timeout=180)
    check_read_back(topic, reports, after)
    assert after == before, "records read after kill -9 differ from those read before"
