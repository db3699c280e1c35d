"""The admin HTTP listener: /health answers 200, and /metrics is Prometheus text with sluice_ counters that mention a topic after it is produced to."""
from conftest import http_get
from kafka_util import create_topic, produce, unique_topic


def test_health_is_200(module_server):
    """GET /health on a running server returns 200."""
    status, _ = http_get(module_server.admin_url + "/health")
    assert status == 200


def test_unknown_admin_path_is_404(module_server):
    """An unknown admin path is a 404, not a 200 or a hang."""
    status, _ = http_get(module_server.admin_url + "/no-such-page")
    assert status == 404, f"status {status}"


def test_metrics_count_requests_after_produce(module_server):
    """Produce 10 records, then /metrics has sluice_ samples and names the topic."""
    topic = unique_topic("metrics")
    create_topic(module_server.bootstrap, topic, partitions=1)
    produce(module_server.bootstrap, topic, [(b"k", b"v%d" % i) for i in range(10)],
            config={"acks": "all"})
    status, body = http_get(module_server.admin_url + "/metrics")
    assert status == 200, f"/metrics status {status}"
    text = body.decode()
    samples = [line for line in text.splitlines() if line.startswith("sluice_")]
    assert samples, f"no sample line starts with sluice_:\n{text[:2000]}"
    for line in samples:
        name_labels, _, value = line.rpartition(" ")
        assert name_labels, f"malformed sample line: {line!r}"
        float(value)  # a sample's value parses as a number
    assert topic in text, f"/metrics does not mention topic {topic} after producing to it"
