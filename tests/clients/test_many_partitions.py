"""Thousands of partitions cost neither thousands of open files nor megabytes each: write to 3,000 partitions, count the server's open descriptors (bounded by the segment-file budget, 1,024 by default) and RSS, restart, and read every record back."""
import os
import time

from confluent_kafka import Producer

from kafka_util import consume_all, create_topic, unique_topic

PARTITIONS = 3000
OPEN_FILES_MAX = 1024      # the server's default segment-file budget
FD_SLACK = 64              # sockets, the lock file, stdio, epoll, …
RSS_MAX_KB = 200 * 1024


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def test_many_partitions_keep_open_files_and_memory_bounded(server):
    topic = unique_topic("wide")
    create_topic(server.bootstrap, topic, partitions=PARTITIONS, timeout=120)
    p = Producer({"bootstrap.servers": server.bootstrap, "acks": "all", "linger.ms": 20,
                  "queue.buffering.max.messages": PARTITIONS * 2})
    errors = []
    for i in range(PARTITIONS):
        p.produce(topic, value=f"v{i}".encode(), partition=i,
                  on_delivery=lambda err, msg: err and errors.append(str(err)))
        p.poll(0)
    assert p.flush(120) == 0, "records not delivered"
    assert not errors, errors[:3]

    fds = open_fds(server.pid)
    rss_kb = server.status_kb("VmRSS")
    print(f"{PARTITIONS} partitions written: {fds} open fds, RSS {rss_kb} kB")
    assert fds <= OPEN_FILES_MAX + FD_SLACK, f"{fds} open descriptors for {PARTITIONS} partitions"
    assert rss_kb <= RSS_MAX_KB, f"RSS {rss_kb} kB with {PARTITIONS} partitions"

    server.terminate()
    started = time.monotonic()
    server.start()
    print(f"restart with {PARTITIONS} partitions ready in {time.monotonic() - started:.2f} s")
    fds = open_fds(server.pid)
    assert fds <= OPEN_FILES_MAX + FD_SLACK, f"{fds} descriptors open after opening {PARTITIONS} partitions"

    by_partition = consume_all(server.bootstrap, topic, timeout=240)
    assert sum(len(v) for v in by_partition.values()) == PARTITIONS
    assert all(len(by_partition[i]) == 1 and by_partition[i][0].value == f"v{i}".encode()
               for i in range(PARTITIONS))
