"""Graceful shutdown: SIGTERM under load loses nothing acknowledged, exits 0 within a bound, and
the restart needs no recovery (no unclean partition, nothing truncated).

test_lifecycle.py covers SIGTERM of an idle server; here Kafka producers (idempotent,
acks=all), Kinesis PutRecords writers and a committing consumer-group member keep running
through several SIGTERM/restart cycles, and a client that never reads its socket must not hold
the shutdown past the bound either.
"""
import re
import signal
import socket
import struct
import subprocess
import time

import pytest

from conftest import SluiceServer, http_get, sluice_bin
from faults_util import (Worker, acked_commits, best_acked_before, check_commits_monotonic,
                         check_kafka, check_kinesis, fetch_committed)
from kafka_util import create_topic, produce, unique_topic
from kinesis_util import create_stream, endpoint, kinesis_client, unique_stream

SHUTDOWN_BOUND_S = 25.0     # SIGTERM to exit under load
STUCK_BOUND_S = 12.0        # ... and with clients that never read (5 s reply grace + margin)
CYCLES = 3
PARTITIONS = 4
SHARDS = 2
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_OPENED = re.compile(r"opened data directory \S+ partitions=(\d+) unclean=(\d+) "
                     r"truncated_bytes=(\d+)")


@pytest.fixture
def term_server(tmp_path, request):
    srv = SluiceServer(sluice_bin(), tmp_path / "sluice", name=request.node.name,
                       extra_args=["--group-initial-rebalance-delay-ms", "0"])
    srv.start()
    yield srv
    srv.stop()


def sigterm(server):
    """SIGTERM; return (exit status, seconds to exit). Fails past SHUTDOWN_BOUND_S."""
    t0 = time.monotonic()
    server.proc.send_signal(signal.SIGTERM)
    try:
        code = server.proc.wait(timeout=SHUTDOWN_BOUND_S)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait(10)
        raise AssertionError(f"sluice did not exit within {SHUTDOWN_BOUND_S}s of SIGTERM")
    return code, time.monotonic() - t0


def last_open_report(server):
    """(partitions, unclean, truncated_bytes) of the latest 'opened data directory' line."""
    text = _ANSI.sub("", server.log_path.read_text(errors="replace"))
    found = _OPENED.findall(text)
    assert found, "no 'opened data directory' line in the server log"
    return tuple(int(x) for x in found[-1])


def truncated_metric(server):
    status, body = http_get(server.admin_url + "/metrics")
    assert status == 200
    m = re.search(rb"^sluice_recovery_truncated_bytes(?:_total)? (\d+)", body, re.M)
    assert m, "no sluice_recovery_truncated_bytes in /metrics"
    return int(m.group(1))


def assert_clean_restart(server):
    server.start()
    parts, unclean, truncated = last_open_report(server)
    assert parts > 0, "the restart opened no partitions"
    assert unclean == 0, f"{unclean} of {parts} partitions needed recovery after a clean shutdown"
    assert truncated == 0, f"{truncated} bytes truncated at a restart after a clean shutdown"
    assert truncated_metric(server) == 0, "sluice_recovery_truncated_bytes not 0"
    return parts


def test_sigterm_under_load_loses_nothing_and_restarts_clean(term_server, tmp_path):
    server = term_server
    topic = unique_topic("term")
    create_topic(server.bootstrap, topic, partitions=PARTITIONS)
    stream = unique_stream("term")
    create_stream(kinesis_client(server), stream, SHARDS)
    group = f"term-{topic}"
    producers = [Worker("kafka-producer", [server.bootstrap, topic, f"k{i}"],
                        tmp_path / f"producer{i}.jsonl", prefix=f"k{i}") for i in range(2)]
    writers = [Worker("kinesis-writer", [endpoint(server), stream, f"s{i}"],
                      tmp_path / f"writer{i}.jsonl", prefix=f"s{i}") for i in range(2)]
    member = Worker("group-member", [server.bootstrap, topic, group], tmp_path / "member.jsonl")
    workers = producers + writers + [member]
    times = []
    try:
        for i in range(CYCLES):
            time.sleep(3.0)
            dead = [w.mode for w in workers if not w.alive()]
            assert not dead, f"workers died: {dead}"
            t_term = time.monotonic()
            code, took = sigterm(server)
            times.append(took)
            assert code == 0, f"cycle {i + 1}: exit status {code} after SIGTERM, want 0"
            text = _ANSI.sub("", server.log_tail(30))
            assert "clean shutdown complete" in text, "no 'clean shutdown complete' line"
            parts = assert_clean_restart(server)
            fetched = fetch_committed(server.bootstrap, topic, group, range(PARTITIONS))
            want = best_acked_before(acked_commits(member), t_term)
            low = {p: (fetched[p], want[p]) for p in want if fetched[p] < want[p]}
            assert not low, f"cycle {i + 1}: commits acked before SIGTERM lost: {low}"
            print(f"SIGTERM {i + 1}: exited 0 in {took:.2f}s; restart opened {parts} "
                  f"partitions, 0 unclean, 0 bytes truncated")
        time.sleep(3.0)
        for w in writers + [member] + producers:
            w.stop()
    finally:
        for w in workers:
            w.kill()
    kafka_acked, _ = check_kafka(server.bootstrap, topic, producers)
    kin_acked, _ = check_kinesis(server, stream, writers)
    check_commits_monotonic(acked_commits(member))
    assert kafka_acked > 5000 and kin_acked > 500, (kafka_acked, kin_acked)
    print(f"graceful shutdown summary: cycles={CYCLES} max_exit_s={max(times):.2f} "
          f"kafka_acked={kafka_acked} kinesis_acked={kin_acked} all verified")


# --- a client that never reads must not hold the shutdown ----------------------------------

def kafka_fetch_v4(correlation_id, topic, partition, offset, max_bytes):
    """A Fetch v4 request frame (non-flexible): one partition from `offset`."""
    t = topic.encode()
    body = struct.pack(">hhih", 1, 4, correlation_id, 4) + b"stuk"
    body += struct.pack(">iiiib", -1, 0, 1, max_bytes, 0)
    body += struct.pack(">ih", 1, len(t)) + t
    body += struct.pack(">iiqi", 1, partition, offset, max_bytes)
    return struct.pack(">i", len(body)) + body


def test_sigterm_with_clients_that_never_read_exits_within_bound(term_server):
    """Fetches of large data and GetRecords whose replies are never read, plus idle
    connections on every port: SIGTERM still exits 0 within the bound, cleanly."""
    server = term_server
    topic = unique_topic("stuck")
    create_topic(server.bootstrap, topic, partitions=1)
    value = b"x" * 100_000
    produce(server.bootstrap, topic, [(None, value)] * 200, config={"linger.ms": 50})  # 20 MB
    socks = []
    for _ in range(4):
        s = socket.create_connection(("127.0.0.1", server.kafka_port))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        for c in range(8):
            s.sendall(kafka_fetch_v4(c, topic, 0, 0, 16 << 20))
        socks.append(s)
    # Kinesis: GetRecords over the same data (the topic is also a stream), replies never read.
    k = kinesis_client(server)
    it = k.get_shard_iterator(StreamName=topic, ShardId="shardId-000000000000",
                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    from kinesis_util import signed_headers
    url = endpoint(server) + "/"
    body = ('{"ShardIterator": "%s"}' % it).encode()
    hdrs = signed_headers(url, "Kinesis_20131202.GetRecords", body)
    req = (f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{server.kinesis_port}\r\n"
           + "".join(f"{k_}: {v}\r\n" for k_, v in hdrs.items())
           + f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    for _ in range(4):
        s = socket.create_connection(("127.0.0.1", server.kinesis_port))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        for _ in range(4):
            s.sendall(req)
        socks.append(s)
    for port in (server.kafka_port, server.kinesis_port, server.admin_port):
        for _ in range(10):
            socks.append(socket.create_connection(("127.0.0.1", port)))
    time.sleep(2.0)   # let the replies fill the socket buffers
    try:
        code, took = sigterm(server)
    finally:
        for s in socks:
            s.close()
    assert code == 0, f"exit status {code} after SIGTERM, want 0"
    print(f"SIGTERM with stuck readers: exited 0 in {took:.2f}s")
    assert took < STUCK_BOUND_S, \
        f"clients that never read held the shutdown for {took:.1f}s (bound {STUCK_BOUND_S}s)"
    assert_clean_restart(server)
