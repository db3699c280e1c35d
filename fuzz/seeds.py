"""Regenerate the fuzz seed corpora (fuzz/corpus/<target>/seed-*) from real client traffic.

Starts the built server, puts a recording TCP proxy in front of its Kafka port, and drives real
clients through it (confluent-kafka/librdkafka with every codec, kafka-python, the admin API), so
the kafka_request seeds are the frames real clients send. The record_batch and segment_recovery
seeds are the batches and segments those producers left on disk. The Kinesis seeds are boto3's
JSON bodies (captured from the wire) and the same inputs as CBOR; each starts with the byte that
selects its operation (index in Operation::all(), the sorted names in model.rs).

Run from the repository root: .venv/bin/python fuzz/seeds.py   (SLUICE_BIN or target/debug)
"""
import base64
import hashlib
import json
import re
import shutil
import socket
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "clients"))

import cbor2  # noqa: E402
from confluent_kafka import Consumer, Producer, TopicPartition  # noqa: E402

from conftest import SluiceServer, sluice_bin  # noqa: E402
from kafka_util import create_topic  # noqa: E402
from kinesis_util import create_stream, kinesis_client, read_shard  # noqa: E402

CORPUS = ROOT / "fuzz" / "corpus"
MAX_SEED = 4096


def save(target, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
    (d / name).write_bytes(data)


def operations():
    text = (ROOT / "crates" / "kinesis" / "src" / "model.rs").read_text()
    body = text[text.index("pub enum Operation {"):]
    body = body[:body.index("}")]
    return re.findall(r"^\s+([A-Z]\w+),", body, re.M)


class Recorder:
    """A TCP proxy that records every client-to-server Kafka frame (without its size prefix)."""

    def __init__(self, upstream_port):
        self.upstream = upstream_port
        self.frames = []
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            c, _ = self.sock.accept()
            u = socket.create_connection(("127.0.0.1", self.upstream))
            threading.Thread(target=self.pump, args=(c, u, True), daemon=True).start()
            threading.Thread(target=self.pump, args=(u, c, False), daemon=True).start()

    def pump(self, src, dst, record):
        buf = b""
        try:
            while True:
                chunk = src.recv(65536)
                if not chunk:
                    break
                dst.sendall(chunk)
                if record:
                    buf += chunk
                    while len(buf) >= 4:
                        n = int.from_bytes(buf[:4], "big")
                        if len(buf) < 4 + n:
                            break
                        self.frames.append(buf[4:4 + n])
                        buf = buf[4 + n:]
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def kafka_traffic(server, proxy):
    boot = f"127.0.0.1:{proxy.port}"
    topics = []
    for codec in ["none", "gzip", "snappy", "lz4", "zstd"]:
        topic = f"seed-{codec}"
        create_topic(boot, topic, partitions=1)
        p = Producer({"bootstrap.servers": boot, "compression.type": codec,
                      "enable.idempotence": True, "linger.ms": 5})
        for i in range(20):
            p.produce(topic, key=f"k{i}".encode(), value=(f"value {i} " * 5).encode(),
                      headers=[("h", b"v")] if i % 3 == 0 else None)
        p.flush(30)
        topics.append(topic)
    c = Consumer({"bootstrap.servers": boot, "group.id": "seed-group",
                  "auto.offset.reset": "earliest"})
    c.subscribe(topics)
    got, deadline = 0, time.monotonic() + 30
    while got < 100 and time.monotonic() < deadline:
        m = c.poll(0.5)
        if m is not None and not m.error():
            got += 1
    c.commit(asynchronous=False)
    c.offsets_for_times([TopicPartition("seed-zstd", 0, 0)], 10)
    c.close()
    try:
        from kafka import KafkaProducer
        kp = KafkaProducer(bootstrap_servers=boot, compression_type="gzip")
        kp.send("seed-kafka-python", b"from kafka-python", key=b"kp").get(30)
        kp.close()
    except Exception as e:  # kafka-python is optional for the seeds
        print("kafka-python traffic skipped:", e)


def batches_of(segment):
    data = segment.read_bytes()
    out, at = [], 0
    while at + 12 <= len(data):
        n = int.from_bytes(data[at + 8:at + 12], "big", signed=True) + 12
        if n < 61 or at + n > len(data):
            break
        out.append(data[at:at + n])
        at += n
    return out


def disk_seeds(server):
    for seg in sorted(server.data_dir.glob("**/seed-*/*.log")):
        batches = batches_of(seg)
        for b in batches[:3]:
            if len(b) <= MAX_SEED:
                save("record_batch", b)
        prefix = b"".join(batches[:4])[:MAX_SEED]
        if prefix:
            save("segment_recovery", prefix)
            save("segment_recovery", prefix[:-7])  # a torn tail


def kinesis_traffic(server, ops):
    captured = []

    def grab(request, **_):
        target = request.headers.get("X-Amz-Target", b"")
        if isinstance(target, bytes):
            target = target.decode()
        captured.append((target.split(".")[-1], request.body or b"{}"))

    k = kinesis_client(server)
    k.meta.events.register("before-send.kinesis.*", grab)
    name = "seed-stream"
    create_stream(k, name, 2)
    k.describe_stream(StreamName=name)
    k.describe_stream_summary(StreamName=name)
    k.list_streams(Limit=10)
    k.list_shards(StreamName=name)
    k.put_record(StreamName=name, Data=b"hello", PartitionKey="pk")
    k.put_record(StreamName=name, Data=b"\x00\xff", PartitionKey="pk2",
                 ExplicitHashKey=str(2 ** 127))
    k.put_records(StreamName=name, Records=[{"Data": b"r%d" % i, "PartitionKey": f"p{i}"}
                                            for i in range(5)])
    read_shard(k, name, "shardId-000000000000")
    k.get_shard_iterator(StreamName=name, ShardId="shardId-000000000001",
                         ShardIteratorType="AT_TIMESTAMP", Timestamp=time.time() - 60)
    k.add_tags_to_stream(StreamName=name, Tags={"a": "b"})
    k.list_tags_for_stream(StreamName=name)
    arn = k.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
    k.register_stream_consumer(StreamARN=arn, ConsumerName="seed-consumer")
    k.list_stream_consumers(StreamARN=arn)
    k.increase_stream_retention_period(StreamName=name, RetentionPeriodHours=48)
    k.split_shard(StreamName=name, ShardToSplit="shardId-000000000000",
                  NewStartingHashKey=str(2 ** 126))
    k.describe_limits()
    for op, body in captured:
        if op not in ops:
            continue
        sel = bytes([ops.index(op)])
        body = body if isinstance(body, bytes) else body.encode()
        save("kinesis_json", sel + body)
        doc = json.loads(body or b"{}")
        for rec in [doc] + doc.get("Records", []):
            if "Data" in rec:
                rec["Data"] = base64.b64decode(rec["Data"])
        save("kinesis_cbor", sel + cbor2.dumps(doc))


def eventstream_seeds():
    for parts in [(b"SubscribeToShardEvent", b"application/x-amz-json-1.1",
                   b"", b'{"Records":[],"ContinuationSequenceNumber":"1"}'),
                  (b"ResourceNotFoundException", b"application/x-amz-cbor-1.1",
                   b"Stream x not found", b"\xa1gmessageax"),
                  (b"\xe6\x97\xa5\xe6\x9c\xac", b"", b"caf\xc3\xa9", bytes(range(255)))]:
        save("eventstream", b"\xff".join(parts))


def main():
    ops = operations()
    for t in ["kafka_request", "record_batch", "kinesis_json", "kinesis_cbor", "eventstream",
              "segment_recovery"]:
        d = CORPUS / t
        if d.exists():
            for f in d.glob("seed-*"):
                f.unlink()
    work = ROOT / "target" / "fuzz-seeds"
    shutil.rmtree(work, ignore_errors=True)
    server = SluiceServer(sluice_bin(), work, name="seeds").start()
    try:
        proxy = Recorder(server.kafka_port)
        kafka_traffic(server, proxy)
        for f in proxy.frames:
            if len(f) <= MAX_SEED:
                save("kafka_request", f)
        kinesis_traffic(server, ops)
    finally:
        server.stop()
    disk_seeds(server)
    eventstream_seeds()
    for d in sorted(CORPUS.iterdir()):
        print(f"{d.name}: {len(list(d.glob('seed-*')))} seeds")


if __name__ == "__main__":
    main()
