#!/usr/bin/env python3
"""One client of the crash-loop and shutdown tests, as its own process, so a server killed under
it can never wedge the test driver (and so several clients do not share one GIL).

Every event goes to LOG as one JSON line, written and flushed as it happens; the driver reads
the files afterwards (and, for commits, while the run goes on). SIGTERM stops the client: a
producer then flushes what it has queued (bounded), a writer finishes its call, and each prints
a final {"event": "done", ...} line and exits 0.

Usage:
  crash_worker.py kafka-producer BOOTSTRAP TOPIC PREFIX LOG
      acks=all idempotent librdkafka producer; unique values PREFIX-<n>.
      {"event": "ack", "v": value, "p": partition, "o": offset} | {"event": "fail", ...}
  crash_worker.py kinesis-writer ENDPOINT STREAM PREFIX LOG
      boto3 PutRecords of 10 records a call, no retries (a failed call's values are never
      offered again). {"event": "ack", "v": data, "shard": id, "seq": n} per acked record.
  crash_worker.py group-member BOOTSTRAP TOPIC GROUP LOG
      subscribes in GROUP, consumes, commits synchronously every 200 ms.
      {"event": "commit", "t": monotonic time of the ack, "offsets": {partition: offset}}.
"""
import json
import random
import signal
import sys
import threading
import time

STOP = threading.Event()


class Log:
    def __init__(self, path):
        self.f = open(path, "a", buffering=1)
        self.lock = threading.Lock()

    def __call__(self, **kw):
        line = json.dumps(kw, separators=(",", ":"))
        with self.lock:
            self.f.write(line + "\n")


def kafka_producer(bootstrap, topic, prefix, log):
    from confluent_kafka import Producer

    fatal = []

    def on_delivery(err, msg):
        v = msg.value().decode()
        if err is None:
            log(event="ack", v=v, p=msg.partition(), o=msg.offset())
        else:
            log(event="fail", v=v, err=str(err))

    def on_error(err):
        log(event="error", err=str(err), fatal=err.fatal())
        if err.fatal():
            fatal.append(str(err))

    p = Producer({
        "bootstrap.servers": bootstrap,
        "acks": "all",
        "enable.idempotence": True,
        "linger.ms": 5,
        "message.timeout.ms": 300000,     # outlives every outage: retry instead of failing
        "retry.backoff.ms": 100,
        "retry.backoff.max.ms": 500,
        "reconnect.backoff.ms": 50,
        "reconnect.backoff.max.ms": 500,
        "queue.buffering.max.messages": 100000,
        "error_cb": on_error,
    })
    n = 0
    per_tick = 20                         # records per 10 ms tick: ~2,000 records/s offered
    while not STOP.is_set() and not fatal:
        for _ in range(per_tick):
            v = f"{prefix}-{n:08d}"
            try:
                p.produce(topic, key=str(n % 97).encode(), value=v.encode(),
                          on_delivery=on_delivery)
            except BufferError:
                break                     # queue full while the broker is down
            n += 1
        p.poll(0.01)
    left = p.flush(120)
    log(event="done", sent=n, outstanding=left, fatal=fatal)


def kinesis_writer(endpoint, stream, prefix, log):
    import boto3
    from botocore.config import Config

    cfg = Config(retries={"total_max_attempts": 1}, connect_timeout=2, read_timeout=15,
                 proxies={})
    k = boto3.client("kinesis", endpoint_url=endpoint, region_name="us-east-1",
                     aws_access_key_id="test", aws_secret_access_key="test", config=cfg)
    rng = random.Random(prefix)
    n = calls = errors = 0
    while not STOP.is_set():
        batch = []
        for _ in range(10):
            batch.append({"Data": f"{prefix}-{n:08d}".encode(),
                          "PartitionKey": f"pk{rng.randrange(1 << 30)}"})
            n += 1
        calls += 1
        try:
            r = k.put_records(StreamName=stream, Records=batch)
        except Exception as e:            # server down, reset, timeout: not acked
            errors += 1
            log(event="call-error", first=batch[0]["Data"].decode(), err=type(e).__name__)
            time.sleep(0.05)
            continue
        for rec, res in zip(batch, r["Records"]):
            if "SequenceNumber" in res:
                log(event="ack", v=rec["Data"].decode(), shard=res["ShardId"],
                    seq=res["SequenceNumber"])
            else:
                log(event="fail", v=rec["Data"].decode(), err=res.get("ErrorCode"))
        time.sleep(0.01)
    log(event="done", sent=n, calls=calls, call_errors=errors)


def group_member(bootstrap, topic, group, log):
    from confluent_kafka import Consumer, KafkaException

    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group,
                  "auto.offset.reset": "earliest", "enable.auto.commit": False,
                  "session.timeout.ms": 6000, "heartbeat.interval.ms": 500,
                  "reconnect.backoff.ms": 50, "reconnect.backoff.max.ms": 500})
    c.subscribe([topic])
    consumed = commits = 0
    last_commit = time.monotonic()
    while not STOP.is_set():
        msgs = c.consume(num_messages=500, timeout=0.1)
        consumed += sum(1 for m in msgs if m.error() is None)
        if time.monotonic() - last_commit < 0.2:
            continue
        last_commit = time.monotonic()
        try:
            out = c.commit(asynchronous=False)
        except KafkaException:
            continue                      # nothing to commit, or the server is down
        t = time.monotonic()
        ok = {tp.partition: tp.offset for tp in (out or []) if tp.error is None and tp.offset >= 0}
        if ok:
            commits += 1
            log(event="commit", t=t, offsets=ok)
    c.close()
    log(event="done", consumed=consumed, commits=commits)


def main():
    mode, a, b, c, path = sys.argv[1:6]
    signal.signal(signal.SIGTERM, lambda *_: STOP.set())
    log = Log(path)
    {"kafka-producer": kafka_producer, "kinesis-writer": kinesis_writer,
     "group-member": group_member}[mode](a, b, c, log)


if __name__ == "__main__":
    main()
