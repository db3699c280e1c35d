"""Overload and bounds: thousands of connections, a thousand idle partitions, clients that never
read their sockets, and producers at full speed. Server memory (VmRSS sampled every 100 ms,
VmHWM at the end, from /proc) must stay under the documented bounds, every limit must act as
configured, and other clients must keep being served throughout.

Bounds asserted (debug build; the release build uses less):
- 2,000 idle Kafka connections + 500 HTTP/1.1 keep-alive Kinesis connections: peak RSS under
  CONNECTIONS_RSS_MB.
- Beyond kafka.connections_max / kinesis.connections_max, new connections are closed on accept.
- 1,000 idle partitions: peak RSS under PARTITIONS_RSS_MB, under 10 % of a core while idle.
- 20 Kafka connections each with 64 pipelined 16 MiB Fetches and 20 Kinesis connections each
  with pipelined GetRecords, none ever read: RSS grows by less than
  kinesis.reply_bytes_inflight_max + SLOW_SLACK_MB (Kafka replies are sendfile'd from the log
  and hold no memory; GetRecords replies hold the reply budget until read, and a client that
  reads nothing for kinesis.reply_stall_timeout_ms is disconnected).
- Producers at full speed (4 librdkafka producers of 1 MiB batches, 2 boto3 writers of ~5 MB
  PutRecords): peak RSS under PRODUCE_RSS_MB; nothing fails.
- 16 pipelining producers under an 8 MiB kafka.request_bytes_inflight_max: VmHWM under
  BUDGET_RSS_MB, every acknowledged record stored, nothing fails.
"""
import os
import resource
import socket
import struct
import threading
import time

import pytest
from botocore.config import Config
from confluent_kafka import Consumer, Producer, TopicPartition

from conftest import SluiceServer, http_get, sluice_bin
from kafka_util import consume_all, create_topic, produce, roundtrip_one, unique_topic
from kinesis_util import (create_stream, endpoint, kinesis_client, read_shard, shard_id,
                          signed_headers, unique_stream)

CONNECTIONS_RSS_MB = 400
PARTITIONS_RSS_MB = 300
SLOW_SLACK_MB = 120
PRODUCE_RSS_MB = 600
REPLY_BUDGET = 64 << 20


def raise_nofile(want=12000):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return soft


class RssSampler:
    """Samples the server's VmRSS every 100 ms in a thread; `peak_mb` and `hwm_mb` after."""

    def __init__(self, server):
        self.server = server
        self.samples = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self.stop.is_set():
            try:
                self.samples.append(self.server.status_kb("VmRSS"))
            except (OSError, KeyError):
                pass
            time.sleep(0.1)

    def __enter__(self):
        self.base_mb = self.server.status_kb("VmRSS") / 1024
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(5)
        self.hwm_mb = self.server.status_kb("VmHWM") / 1024

    @property
    def peak_mb(self):
        return max(self.samples, default=0) / 1024


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def make_server(tmp_path, request, config_text=""):
    tmp_path.mkdir(parents=True, exist_ok=True)
    cfg = tmp_path / "sluice.toml"
    cfg.write_text(config_text)
    srv = SluiceServer(sluice_bin(), tmp_path / "sluice", name=request.node.name,
                       extra_args=["--config", str(cfg)])
    srv.start()
    return srv


@pytest.fixture
def make(tmp_path, request):
    servers = []

    def _make(config_text=""):
        srv = make_server(tmp_path / f"s{len(servers)}", request, config_text)
        servers.append(srv)
        request.node.funcargs[f"_server{len(servers)}"] = srv   # log tail on failure
        return srv
    yield _make
    for s in servers:
        s.stop()


def http_request(server, target, body):
    url = endpoint(server) + "/"
    hdrs = signed_headers(url, target, body)
    return (f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{server.kinesis_port}\r\n"
            + "".join(f"{k}: {v}\r\n" for k, v in hdrs.items())
            + f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def read_http_response(s):
    """One HTTP/1.1 response with Content-Length from socket s; return (status, body)."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(65536)
        assert chunk, "connection closed before a response"
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    length = next(int(l.split(":", 1)[1]) for l in lines if l.lower().startswith("content-length"))
    while len(rest) < length:
        chunk = s.recv(65536)
        assert chunk, "connection closed inside a response"
        rest += chunk
    return status, rest[:length]


def closed_by_server(socks, wait=3.0):
    """How many of socks the server has closed (recv gives EOF or reset within `wait`)."""
    closed = 0
    deadline = time.monotonic() + wait
    for s in socks:
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            if s.recv(1) == b"":
                closed += 1
        except (ConnectionResetError, BrokenPipeError):
            closed += 1
        except socket.timeout:
            pass
    return closed


def kinesis_roundtrip(server):
    k = kinesis_client(server)
    name = unique_stream("alive")
    create_stream(k, name, 1)
    r = k.put_records(StreamName=name, Records=[{"Data": b"hello", "PartitionKey": "p"}])
    assert r["FailedRecordCount"] == 0
    got = read_shard(k, name, shard_id(0))
    assert [x["Data"] for x in got] == [b"hello"]


# --- (a) thousands of connections -------------------------------------------------------

def test_thousands_of_idle_connections_stay_cheap_and_others_are_served(make):
    assert raise_nofile() >= 6000, "RLIMIT_NOFILE too low for this test"
    server = make()
    socks = []
    try:
        with RssSampler(server) as rss:
            for _ in range(2000):
                socks.append(socket.create_connection(("127.0.0.1", server.kafka_port)))
            # 500 real keep-alive HTTP connections: each has answered a request and stays open.
            req = http_request(server, "Kinesis_20131202.ListStreams", b"{}")
            for _ in range(500):
                s = socket.create_connection(("127.0.0.1", server.kinesis_port))
                s.sendall(req)
                status, _ = read_http_response(s)
                assert status == 200
                socks.append(s)
            time.sleep(1.0)
            roundtrip_one(server.bootstrap)
            kinesis_roundtrip(server)
            _, metrics = http_get(server.admin_url + "/metrics")
            assert closed_by_server(socks, wait=0.5) == 0, "the server closed idle connections"
    finally:
        for s in socks:
            s.close()
    print(f"2,000 Kafka + 500 Kinesis connections: RSS base {rss.base_mb:.0f} MB, "
          f"peak {rss.peak_mb:.0f} MB, VmHWM {rss.hwm_mb:.0f} MB")
    assert b'protocol="kafka"} 20' in metrics, "connections gauge does not show ~2,000 Kafka"
    assert rss.hwm_mb < CONNECTIONS_RSS_MB, \
        f"VmHWM {rss.hwm_mb:.0f} MB with 2,500 idle connections (bound {CONNECTIONS_RSS_MB})"


def test_connections_beyond_the_limits_are_closed_on_accept(make):
    raise_nofile()
    server = make("[kafka]\nconnections_max = 100\n[kinesis]\nconnections_max = 50\n")
    kafka = [socket.create_connection(("127.0.0.1", server.kafka_port)) for _ in range(150)]
    kin = [socket.create_connection(("127.0.0.1", server.kinesis_port)) for _ in range(80)]
    try:
        assert closed_by_server(kafka) == 50, "Kafka connections over 100 not closed"
        assert closed_by_server(kin) == 30, "Kinesis connections over 50 not closed"
    finally:
        for s in kafka + kin:
            s.close()
    time.sleep(0.5)
    # Permits come back: new clients are served once the old connections are gone.
    roundtrip_one(server.bootstrap)
    kinesis_roundtrip(server)


# --- (b) a thousand idle partitions -----------------------------------------------------

def test_a_thousand_idle_partitions(make):
    raise_nofile()
    # The 1,000 partitions are also 1,000 open shards: room for the Kinesis round trip.
    server = make("[kinesis]\nshard_limit = 2000\n")
    topic = unique_topic("idle")
    create_topic(server.bootstrap, topic, partitions=1000, timeout=120)
    p = Producer({"bootstrap.servers": server.bootstrap, "linger.ms": 20})
    for i in range(1000):
        p.produce(topic, value=b"v%d" % i, partition=i)
    assert p.flush(60) == 0
    with RssSampler(server) as rss:
        cpu0 = cpu_seconds(server.pid)
        time.sleep(5.0)
        idle_cpu = (cpu_seconds(server.pid) - cpu0) / 5.0
        roundtrip_one(server.bootstrap)
        kinesis_roundtrip(server)
    print(f"1,000 idle partitions: RSS peak {rss.peak_mb:.0f} MB, VmHWM {rss.hwm_mb:.0f} MB, "
          f"idle CPU {idle_cpu * 100:.1f} % of a core")
    assert idle_cpu < 0.10, f"idle server with 1,000 partitions uses {idle_cpu:.0%} of a core"
    assert rss.hwm_mb < PARTITIONS_RSS_MB, \
        f"VmHWM {rss.hwm_mb:.0f} MB with 1,000 partitions (bound {PARTITIONS_RSS_MB})"


# --- (c) clients that never read --------------------------------------------------------

def kafka_fetch_v4(correlation_id, topic, partition, offset, max_bytes):
    t = topic.encode()
    body = struct.pack(">hhih", 1, 4, correlation_id, 4) + b"slow"
    body += struct.pack(">iiiib", -1, 0, 1, max_bytes, 0)
    body += struct.pack(">ih", 1, len(t)) + t
    body += struct.pack(">iiqi", 1, partition, offset, max_bytes)
    return struct.pack(">i", len(body)) + body


def test_clients_that_never_read_do_not_grow_memory(make):
    raise_nofile()
    server = make(f"[kinesis]\nreply_bytes_inflight_max = {REPLY_BUDGET}\n"
                  f"reply_stall_timeout_ms = 5000\n")
    topic = unique_topic("slow")
    create_topic(server.bootstrap, topic, partitions=1)
    value = b"x" * 100_000
    produce(server.bootstrap, topic, [(None, value)] * 400, config={"linger.ms": 50})  # 40 MB
    # A reader as SDKs are by default: throttling (ProvisionedThroughputExceeded) is retried.
    import boto3
    k = boto3.client("kinesis", endpoint_url=endpoint(server), region_name="us-east-1",
                     aws_access_key_id="test", aws_secret_access_key="test",
                     config=Config(retries={"total_max_attempts": 10, "mode": "standard"},
                                   read_timeout=60, proxies={}))
    it = k.get_shard_iterator(StreamName=topic, ShardId=shard_id(0),
                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    get = http_request(server, "Kinesis_20131202.GetRecords",
                       ('{"ShardIterator": "%s"}' % it).encode())
    socks = []
    try:
        with RssSampler(server) as rss:
            for _ in range(20):
                s = socket.create_connection(("127.0.0.1", server.kafka_port))
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                s.sendall(b"".join(kafka_fetch_v4(c, topic, 0, 0, 16 << 20) for c in range(64)))
                socks.append(s)
            for _ in range(20):
                s = socket.create_connection(("127.0.0.1", server.kinesis_port))
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                s.sendall(get * 3)
                socks.append(s)
            time.sleep(3.0)
            # Others are served meanwhile: a Kafka consumer and a Kinesis reader get it all.
            t0 = time.monotonic()
            got = consume_all(server.bootstrap, topic, timeout=60)
            kafka_s = time.monotonic() - t0
            assert len(got[0]) == 400
            t0 = time.monotonic()
            recs = read_shard(k, topic, shard_id(0), limit=100)
            kinesis_s = time.monotonic() - t0
            assert len(recs) == 400
            time.sleep(7.0)
            stalled_closed = server.log_path.read_text(errors="replace").count(
                "client has not read its GetRecords reply; closing connection")
    finally:
        for s in socks:
            s.close()
    growth = rss.peak_mb - rss.base_mb
    print(f"never-reading clients: RSS base {rss.base_mb:.0f} MB, peak {rss.peak_mb:.0f} MB "
          f"(+{growth:.0f} MB), VmHWM {rss.hwm_mb:.0f} MB; others served: Kafka drain "
          f"{kafka_s:.1f}s, Kinesis read {kinesis_s:.1f}s; Kinesis connections closed as "
          f"stalled: {stalled_closed} of 20")
    bound = REPLY_BUDGET / (1 << 20) + SLOW_SLACK_MB
    assert growth < bound, f"RSS grew {growth:.0f} MB with stuck readers (bound {bound:.0f} MB)"
    assert stalled_closed > 0, "no Kinesis connection stuck on a GetRecords reply was closed"


# --- (d) producers at full speed --------------------------------------------------------

def flood_kafka(config, topic, value, stop, lock, errors, on_ack, flush_s):
    """Produce `value` to `topic` in closed loop until `stop`, then flush within `flush_s`.
    Delivery errors go to `errors`; each acknowledgement calls `on_ack` (both under `lock`)."""
    p = Producer(config)

    def cb(err, _msg):
        with lock:
            if err:
                errors.append(str(err))
            else:
                on_ack()
    while not stop.is_set():
        try:
            p.produce(topic, value=value, on_delivery=cb)
        except BufferError:
            p.poll(0.01)
        p.poll(0)
    assert p.flush(flush_s) == 0


def test_producers_at_full_speed_are_held_back_not_buffered(make):
    server = make()
    topic = unique_topic("flood")
    create_topic(server.bootstrap, topic, partitions=4)
    stream = unique_stream("flood")
    create_stream(kinesis_client(server), stream, 2)
    stop = threading.Event()
    errors, counts = [], {"kafka": 0, "kinesis": 0}
    lock = threading.Lock()

    def kafka_flood():
        def acked():
            counts["kafka"] += 1
        flood_kafka({"bootstrap.servers": server.bootstrap, "acks": "all",
                     "enable.idempotence": True, "linger.ms": 5, "batch.size": 1 << 20,
                     "queue.buffering.max.kbytes": 256 << 10},
                    topic, b"k" * 10_000, stop, lock, errors, acked, flush_s=60)

    def kinesis_flood():
        kc = kinesis_client(server, read_timeout=60)
        recs = [{"Data": b"d" * 10_000, "PartitionKey": f"pk{i}"} for i in range(500)]
        while not stop.is_set():
            try:
                r = kc.put_records(StreamName=stream, Records=recs)
            except Exception as e:
                with lock:
                    errors.append(repr(e))
                continue
            with lock:
                counts["kinesis"] += 500 - r["FailedRecordCount"]

    threads = [threading.Thread(target=kafka_flood) for _ in range(4)]
    threads += [threading.Thread(target=kinesis_flood) for _ in range(2)]
    with RssSampler(server) as rss:
        for t in threads:
            t.start()
        time.sleep(10.0)
        # Still answering others while flooded.
        t0 = time.monotonic()
        status, _ = http_get(server.admin_url + "/health", timeout=10)
        health_s = time.monotonic() - t0
        stop.set()
        for t in threads:
            t.join(90)
    mb = (counts["kafka"] + counts["kinesis"]) * 10_000 / 1e6
    print(f"full-speed producers: {counts} records ({mb:.0f} MB) in ~10 s; RSS base "
          f"{rss.base_mb:.0f} MB, peak {rss.peak_mb:.0f} MB, VmHWM {rss.hwm_mb:.0f} MB; "
          f"/health in {health_s:.2f}s")
    assert status == 200
    assert not errors, f"{len(errors)} produce errors, e.g. {errors[:3]}"
    assert rss.hwm_mb < PRODUCE_RSS_MB, \
        f"VmHWM {rss.hwm_mb:.0f} MB under full-speed producers (bound {PRODUCE_RSS_MB})"


BUDGET_RSS_MB = 200


def test_request_bytes_in_flight_are_bounded_across_connections(make):
    # Goal: `kafka.request_bytes_inflight_max` bounds what many pipelining producers make the
    # server hold, whatever each connection's own limit allows (16 producers × 64 requests of up
    # to 1 MB each could be 1 GB). Method: an 8 MiB budget, 16 librdkafka producers in closed
    # loop with 1 MB batches for 8 s; then every acknowledged record must be in the log, no
    # produce may fail, and VmHWM must stay under BUDGET_RSS_MB.
    server = make("[kafka]\nrequest_bytes_inflight_max = 8388608\n")
    topic = unique_topic("budget")
    create_topic(server.bootstrap, topic, partitions=8)
    stop = threading.Event()
    errors, acked = [], [0]
    lock = threading.Lock()

    def flood():
        def one_more():
            acked[0] += 1
        flood_kafka({"bootstrap.servers": server.bootstrap, "acks": "all", "linger.ms": 5,
                     "batch.size": 1 << 20, "queue.buffering.max.kbytes": 32 << 10,
                     "max.in.flight.requests.per.connection": 64,
                     "message.timeout.ms": 120000},
                    topic, b"b" * 10_000, stop, lock, errors, one_more, flush_s=120)

    threads = [threading.Thread(target=flood) for _ in range(16)]
    with RssSampler(server) as rss:
        for t in threads:
            t.start()
        time.sleep(8.0)
        stop.set()
        for t in threads:
            t.join(150)
    c = Consumer({"bootstrap.servers": server.bootstrap, "group.id": unique_topic("g")})
    stored = 0
    for part in range(8):
        low, high = c.get_watermark_offsets(TopicPartition(topic, part), timeout=10)
        stored += high - low
    c.close()
    print(f"16 producers under an 8 MiB request budget: {acked[0]} records acknowledged "
          f"({acked[0] * 10_000 / 1e6:.0f} MB), {stored} stored; RSS base {rss.base_mb:.0f} MB, "
          f"peak {rss.peak_mb:.0f} MB, VmHWM {rss.hwm_mb:.0f} MB")
    assert not errors, f"{len(errors)} produce errors, e.g. {errors[:3]}"
    assert acked[0] > 0
    assert stored == acked[0]
    assert rss.hwm_mb < BUDGET_RSS_MB, \
        f"VmHWM {rss.hwm_mb:.0f} MB with an 8 MiB request budget (bound {BUDGET_RSS_MB})"
