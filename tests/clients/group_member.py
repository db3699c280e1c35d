#!/usr/bin/env python3
"""One consumer-group member as its own process, for tests that kill members with SIGKILL.

Subscribes to TOPIC in GROUP with the given assignor and session timeout, consumes, commits
after each message, and prints one JSON line per event on stdout: {"event": "assigned" |
"revoked" | "lost", "partitions": [...]}, {"event": "consumed", "partition": p, "offset": o}.
SIGTERM closes the consumer cleanly (LeaveGroup) and exits 0.

Usage: group_member.py BOOTSTRAP TOPIC GROUP STRATEGY SESSION_TIMEOUT_MS
"""
import json
import signal
import sys

from confluent_kafka import Consumer


def say(**kw):
    print(json.dumps(kw), flush=True)


def main():
    bootstrap, topic, group, strategy, session_ms = sys.argv[1:6]
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group,
                  "auto.offset.reset": "earliest", "enable.auto.commit": False,
                  "partition.assignment.strategy": strategy,
                  "session.timeout.ms": int(session_ms), "heartbeat.interval.ms": 500})
    c.subscribe([topic],
                on_assign=lambda _c, ps: say(event="assigned", partitions=[p.partition for p in ps]),
                on_revoke=lambda _c, ps: say(event="revoked", partitions=[p.partition for p in ps]),
                on_lost=lambda _c, ps: say(event="lost", partitions=[p.partition for p in ps]))
    while not stop:
        m = c.poll(0.2)
        if m is None or m.error():
            continue
        say(event="consumed", partition=m.partition(), offset=m.offset())
        c.commit(message=m, asynchronous=False)
    c.close()


if __name__ == "__main__":
    main()
