"""No acknowledged write is lost or duplicated across kill -9: an acks=all idempotent producer writes unique values while the server is SIGKILLed and restarted at random moments; then a fresh consumer drains every partition."""
import os
import random
import threading
import time

from confluent_kafka import Producer

from kafka_util import check_contiguous, consume_all, create_topic, unique_topic

KILLS = 6
PARTITIONS = 4
UP_S = (1.0, 4.0)        # run this long (random) between restarts and kills
DOWN_S = (0.0, 1.0)      # stay dead this long (random) before restarting
TAIL_S = 3.0             # keep producing this long after the last restart
PRODUCE_PER_TICK = 50    # records per 10 ms tick: ~5,000 records/s offered
DRAIN_TIMEOUT_S = 120


class AckLog:
    """The producer side of the history: every value sent, acked (with its offset) or failed."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sent = 0
        self.acked = {}        # value -> (partition, offset)
        self.failed = {}       # value -> error string
        self.fatal = []
        self.stop = threading.Event()

    def on_delivery(self, err, msg):
        with self.lock:
            if err is None:
                assert msg.value() not in self.acked, f"two acks for {msg.value()!r}"
                self.acked[msg.value()] = (msg.partition(), msg.offset())
            else:
                self.failed[msg.value()] = str(err)

    def on_error(self, err):
        if err.fatal():
            self.fatal.append(str(err))


def producer_loop(producer, topic, log):
    n = 0
    while not log.stop.is_set():
        for _ in range(PRODUCE_PER_TICK):
            value = f"v{n:08d}".encode()
            try:
                producer.produce(topic, key=str(n % 97).encode(), value=value,
                                 on_delivery=log.on_delivery)
            except BufferError:
                break  # queue full while the broker is down: offer again next tick
            n += 1
        with log.lock:
            log.sent = n
        producer.poll(0.01)


def test_acked_writes_survive_repeated_kill9(server):
    """Kill -9 at least 5 times under load; acked ⊆ consumed, no duplicates, contiguous offsets."""
    seed = int(os.environ.get("SLUICE_CRASH_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    print(f"SLUICE_CRASH_SEED={seed}")
    topic = unique_topic("crash")
    create_topic(server.bootstrap, topic, partitions=PARTITIONS)

    log = AckLog()
    producer = Producer({
        "bootstrap.servers": server.bootstrap,
        "acks": "all",
        "enable.idempotence": True,
        "linger.ms": 5,
        "message.timeout.ms": 300000,        # outlives every outage: retry instead of failing
        "retry.backoff.ms": 100,
        "retry.backoff.max.ms": 500,
        "reconnect.backoff.ms": 50,
        "reconnect.backoff.max.ms": 500,
        "queue.buffering.max.messages": 200000,
        "error_cb": log.on_error,
    })
    thread = threading.Thread(target=producer_loop, args=(producer, topic, log), daemon=True)
    thread.start()
    try:
        for i in range(KILLS):
            time.sleep(rng.uniform(*UP_S))
            with log.lock:
                acked_before = len(log.acked)
            server.kill9()
            time.sleep(rng.uniform(*DOWN_S))
            server.restart()
            print(f"kill {i + 1}: {acked_before} acked before it")
            assert thread.is_alive(), "producer thread died"
        time.sleep(TAIL_S)
    finally:
        log.stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive(), "producer thread did not stop"
    left = producer.flush(120)
    with log.lock:
        sent, acked, failed, fatal = log.sent, dict(log.acked), dict(log.failed), list(log.fatal)
    print(f"sent {sent}, acked {len(acked)}, failed {len(failed)}, outstanding {left}")
    assert len(acked) > 1000, f"only {len(acked)} values acked: the producer barely ran"

    by_partition = consume_all(server.bootstrap, topic, timeout=DRAIN_TIMEOUT_S)
    consumed = [r for recs in by_partition.values() for r in recs]
    where = {}
    dups = []
    for r in consumed:
        if r.value in where:
            dups.append((r.value, where[r.value], (r.partition, r.offset)))
        where[r.value] = (r.partition, r.offset)

    # Safety: nothing acked is lost, nothing is duplicated, one value per offset, no gaps.
    lost = sorted(set(acked) - set(where))
    assert not lost, (f"{len(lost)} of {len(acked)} acked values lost after kill -9, "
                      f"e.g. {[(v, acked[v]) for v in lost[:5]]}")
    assert not dups, f"{len(dups)} duplicated values (idempotence broken), e.g. {dups[:5]}"
    check_contiguous(by_partition)
    moved = [(v, pos, where[v]) for v, pos in acked.items() if where[v] != pos]
    assert not moved, f"{len(moved)} values read at a different offset than acked, e.g. {moved[:5]}"
    unknown = [r.value for r in consumed if not r.value.startswith(b"v")]
    assert not unknown, f"values nobody wrote: {unknown[:5]}"

    # Liveness: the producer got through every outage without giving up.
    assert not fatal, f"idempotent producer hit a fatal error: {fatal}"
    assert not failed, (f"{len(failed)} deliveries failed despite retries, e.g. "
                        f"{list(failed.items())[:3]}")
    assert left == 0, f"{left} records still undelivered 120 s after the last restart"
    assert len(acked) == sent, f"sent {sent} but {len(acked)} acked"
