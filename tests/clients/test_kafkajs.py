"""kafkajs 2.2.4 (non-flexible Metadata v6, Produce v7, CreateTopics v3, ListOffsets v3) works against sluice: it creates a topic, produces keyed records idempotently (plain and gzip batches) and reads the watermarks; confluent-kafka then reads every record back."""
import json
import os
import shutil
import subprocess

import pytest

from kafka_util import consume_all, unique_topic

JS_DIR = os.path.join(os.path.dirname(__file__), "js")
RECORDS = 400
PARTITIONS = 3


def test_kafkajs_produces_what_librdkafka_reads(server):
    node = shutil.which("node")
    if node is None or not os.path.isdir(os.path.join(JS_DIR, "node_modules", "kafkajs")):
        pytest.fail("node and kafkajs must be installed by scripts/setup.sh")
    topic = unique_topic("kafkajs")
    out = subprocess.run([node, os.path.join(JS_DIR, "produce.js"), server.bootstrap, topic,
                          str(PARTITIONS), str(RECORDS)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, f"kafkajs failed: {out.stderr[-2000:]}"
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["partitions"] == PARTITIONS
    assert sum(int(p["high"]) for p in report["offsets"]) == RECORDS

    by_partition = consume_all(server.bootstrap, topic, timeout=60)
    values = sorted(r.value.decode() for recs in by_partition.values() for r in recs)
    assert values == sorted(f"kafkajs-{i}" for i in range(RECORDS))
    for recs in by_partition.values():
        for r in recs:
            i = int(r.value.decode().split("-")[1])
            assert r.key == f"k{i % 13}".encode()
