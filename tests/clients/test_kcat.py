"""kcat (Debian's, on the system librdkafka) produces keyed lines with -P -K:, reads them back with -C -e, and -L lists the topic with 127.0.0.1 as broker."""
import json
import shutil
import subprocess

import pytest

from kafka_util import unique_topic

LINES = 500

pytestmark = pytest.mark.skipif(shutil.which("kcat") is None,
                                reason="kcat not installed (scripts/setup.sh installs it)")


def kcat(*args, stdin=None, timeout=60):
    try:
        out = subprocess.run(["kcat", *args], input=stdin, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise AssertionError(f"kcat {' '.join(args)} still running after {timeout}s; stderr: "
                             f"{(e.stderr or b'').decode(errors='replace')[-2000:]}") from None
    assert out.returncode == 0, \
        f"kcat {' '.join(args)} exited {out.returncode}: {out.stderr.decode(errors='replace')}"
    return out


def test_kcat_produce_then_consume_keyed_lines(module_server):
    """-P -K: writes 500 key:value lines to an auto-created topic; -C -e -o beginning reads them all."""
    topic = unique_topic("kcat")
    sent = [(f"key{i % 13}", f"line {i:04d} with spaces") for i in range(LINES)]
    stdin = "".join(f"{k}:{v}\n" for k, v in sent).encode()
    prod = kcat("-P", "-b", module_server.bootstrap, "-t", topic, "-K:", stdin=stdin)
    assert b"ERROR" not in prod.stderr, prod.stderr.decode(errors="replace")

    cons = kcat("-C", "-b", module_server.bootstrap, "-t", topic, "-e", "-o", "beginning",
                "-q", "-f", "%p|%o|%k|%s\n")
    rows = [line.split("|", 3) for line in cons.stdout.decode().splitlines()]
    got = [(k, v) for _, _, k, v in rows]
    assert sorted(got) == sorted(sent), \
        f"kcat read {len(got)} records; want the {len(sent)} sent"
    by_partition = {}
    for p, o, k, v in rows:
        by_partition.setdefault(int(p), []).append((int(o), k, v))
    for p, recs in by_partition.items():
        assert [o for o, _, _ in recs] == list(range(len(recs))), \
            f"partition {p}: offsets not contiguous from 0"
        last = {}
        for _, k, v in recs:
            assert last.get(k, "") < v, f"key {k} out of order on partition {p}"
            last[k] = v


def test_kcat_metadata_lists_topic_and_loopback_broker(module_server):
    """-L -J shows the topic (auto-created, 4 partitions) and the broker at 127.0.0.1:PORT."""
    topic = unique_topic("kcat-md")
    md = json.loads(kcat("-L", "-J", "-b", module_server.bootstrap, "-t", topic).stdout)
    brokers = [b["name"] for b in md["brokers"]]
    assert brokers == [module_server.bootstrap], f"brokers {brokers}"
    topics = {t["topic"]: t for t in md["topics"]}
    assert topic in topics, f"topic {topic} not in metadata: {sorted(topics)}"
    assert "error" not in topics[topic], f"topic error {topics[topic]['error']}"
    parts = sorted(p["partition"] for p in topics[topic]["partitions"])
    assert parts == [0, 1, 2, 3], f"auto-created topic has partitions {parts}, want 0..3"
    for p in topics[topic]["partitions"]:
        assert p["leader"] == md["brokers"][0]["id"], f"partition {p} leader not the broker"

    listing = kcat("-L", "-b", module_server.bootstrap).stdout.decode()
    assert topic in listing, "plain `kcat -L` does not list the topic"
    assert f"127.0.0.1:{module_server.kafka_port}" in listing, listing
