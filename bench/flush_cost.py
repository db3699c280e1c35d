#!/usr/bin/env python3
"""Measure what each flush policy costs: produce throughput and acknowledgement latency.

Starts the sluice binary once per policy and run (interleaved: always, interval, never,
always, ...), produces RECORDS records of SIZE bytes with librdkafka (confluent-kafka, acks=all,
linger 5 ms) to a 4-partition topic, and reports per-policy medians over the runs of records/s,
MB/s, and p50/p99 acknowledgement latency. A stand-in until the bench crate (issue 5) exists.

Usage: bench/flush_cost.py [--bin target/release/sluice] [--runs 3] [--records 200000] [--size 1024]
"""
import argparse, json, os, platform, shutil, socket, statistics, subprocess, sys, tempfile, time, urllib.request
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic

POLICIES = ["always", "interval:100", "never"]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(binary, policy, data_dir):
    kport, aport = free_port(), free_port()
    proc = subprocess.Popen([binary, "serve", "--data-dir", data_dir, "--flush", policy,
                             "--kafka-listen", f"127.0.0.1:{kport}", "--admin-listen", f"127.0.0.1:{aport}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{aport}/health", timeout=1)
            return proc, f"127.0.0.1:{kport}", aport
        except OSError:
            time.sleep(0.05)
    proc.kill()
    sys.exit("server did not come up")


def fsyncs(aport):
    text = urllib.request.urlopen(f"http://127.0.0.1:{aport}/metrics", timeout=5).read().decode()
    for line in text.splitlines():
        if line.startswith("sluice_fsyncs_total "):
            return float(line.split()[1])
    return 0.0


def run_once(binary, policy, records, size):
    data_dir = tempfile.mkdtemp(prefix="sluice-bench-", dir=os.environ.get("BENCH_DIR"))
    proc, bootstrap, aport = start(binary, policy, data_dir)
    try:
        admin = AdminClient({"bootstrap.servers": bootstrap})
        admin.create_topics([NewTopic("bench", 4, 1)])["bench"].result(30)
        p = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5,
                      "batch.size": 262144, "queue.buffering.max.messages": 1000000,
                      "enable.idempotence": True})
        payload = b"x" * size
        lat = []
        def cb(err, msg, sent=None):
            if err:
                raise SystemExit(f"delivery failed: {err}")
        started = time.perf_counter()
        for i in range(records):
            t0 = time.perf_counter()
            while True:
                try:
                    p.produce("bench", payload, on_delivery=(lambda e, m, t0=t0: lat.append(time.perf_counter() - t0)) if i % 100 == 0 else cb)
                    break
                except BufferError:
                    p.poll(0.001)
            if i % 1000 == 0:
                p.poll(0)
        p.flush(120)
        elapsed = time.perf_counter() - started
        lat.sort()
        return {"records_per_s": records / elapsed, "mb_per_s": records * size / elapsed / 1e6,
                "ack_p50_ms": lat[len(lat) // 2] * 1e3, "ack_p99_ms": lat[int(len(lat) * 0.99)] * 1e3,
                "fsyncs": fsyncs(aport)}
    finally:
        proc.terminate()
        proc.wait(30)
        shutil.rmtree(data_dir, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/sluice")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--records", type=int, default=200000)
    ap.add_argument("--size", type=int, default=1024)
    a = ap.parse_args()
    results = {p: [] for p in POLICIES}
    for r in range(a.runs):
        for policy in POLICIES:
            res = run_once(a.bin, policy, a.records, a.size)
            results[policy].append(res)
            print(f"run {r + 1} {policy:>13}: {res['records_per_s']:>9.0f} rec/s {res['mb_per_s']:7.1f} MB/s "
                  f"ack p50 {res['ack_p50_ms']:6.2f} ms p99 {res['ack_p99_ms']:7.2f} ms fsyncs {res['fsyncs']:.0f}", flush=True)
    summary = {p: {k: statistics.median(x[k] for x in v) for k in v[0]} for p, v in results.items()}
    print(json.dumps({"machine": {"cores": os.cpu_count(), "kernel": platform.release(), "cpu": cpu_model()},
                      "params": vars(a), "median": summary}, indent=2))


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


if __name__ == "__main__":
    main()
