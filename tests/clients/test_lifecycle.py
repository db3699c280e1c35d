"""Process lifecycle: SIGTERM exits 0 promptly, and a clean restart on the same data dir serves the records written before it."""
from kafka_util import check_contiguous, consume_all, create_topic, produce, unique_topic


def test_sigterm_exits_zero_and_restart_keeps_records(server):
    """Produce 1,000 records, SIGTERM (exit 0 within 20 s), restart, read the same records."""
    topic = unique_topic("lifecycle")
    create_topic(server.bootstrap, topic, partitions=2)
    sent = [(b"k%d" % (i % 10), b"v%05d" % i) for i in range(1000)]
    produce(server.bootstrap, topic, sent, config={"acks": "all"})
    before = consume_all(server.bootstrap, topic)
    server.terminate()
    server.start()
    after = consume_all(server.bootstrap, topic)
    assert check_contiguous(after) == len(sent)
    assert after == before, "records read after a clean restart differ from before"
