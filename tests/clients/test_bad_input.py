"""Malformed Kafka frames over raw sockets get an error or a closed connection, never a hang, crash or memory blow-up; after each, /health is 200 and a real client still produces and consumes."""
import random
import socket
import struct
import time

import pytest

from conftest import http_get
from kafka_util import roundtrip_one

READ_TIMEOUT_S = 10.0
RSS_LIMIT_KB = 200 * 1024
UNSUPPORTED_VERSION = 35
API_VERSIONS = 18
METADATA = 3


def connect(server):
    s = socket.create_connection(("127.0.0.1", server.kafka_port), timeout=READ_TIMEOUT_S)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def header_v1(api_key, api_version, correlation_id, client_id=b"sluice-test"):
    return struct.pack(">hhih", api_key, api_version, correlation_id, len(client_id)) + client_id


def frame(payload):
    return struct.pack(">i", len(payload)) + payload


def read_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError(f"connection closed after {len(buf)} of {n} bytes")
        buf += chunk
    return buf


def read_response(sock):
    """One response frame's payload, or None if the server closed the connection."""
    try:
        size_bytes = sock.recv(4, socket.MSG_WAITALL)
    except ConnectionResetError:
        return None
    if len(size_bytes) < 4:
        return None
    (size,) = struct.unpack(">i", size_bytes)
    assert 0 <= size < 1 << 24, f"server sent a response frame of declared size {size}"
    return read_exact(sock, size)


def expect_error_or_close(sock, correlation_id=None):
    """The server must answer (an error response) or close; it must not sit on the request."""
    try:
        resp = read_response(sock)
    except socket.timeout:
        pytest.fail(f"server neither answered nor closed the connection in {READ_TIMEOUT_S}s")
    if resp is not None and correlation_id is not None:
        (got,) = struct.unpack(">i", resp[:4])
        assert got == correlation_id, f"response correlation id {got}, want {correlation_id}"
    return resp


def expect_close(sock):
    """The server must close the connection (it cannot frame an answer)."""
    try:
        resp = read_response(sock)
    except socket.timeout:
        pytest.fail(f"server kept the connection open for {READ_TIMEOUT_S}s")
    assert resp is None, f"expected the connection closed, got a {len(resp)}-byte response"


def assert_still_serving(server):
    assert server.running(), f"server died (exit {server.proc.returncode})"
    assert http_get(server.admin_url + "/health")[0] == 200, "/health is not 200"
    roundtrip_one(server.bootstrap)


def test_garbage_frame_gets_error_or_close(server):
    """A complete 60-byte frame of random bytes (unknown API key) is answered or closed."""
    body = bytearray(random.Random(1234).randbytes(60))
    body[0:2] = b"\xfe\xef"  # api key -273: never valid
    with connect(server) as s:
        s.sendall(frame(bytes(body)))
        expect_error_or_close(s)
    assert_still_serving(server)


def test_http_request_on_kafka_port_is_closed(server):
    """An HTTP request ('GET ' = declared length 1.2 GB) gets the connection closed."""
    with connect(server) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: curl/8\r\n\r\n")
        expect_close(s)
    assert_still_serving(server)


def test_truncated_frame_then_close_is_harmless(server):
    """Declare 100 bytes, send 10, close: the server drops the half frame and carries on."""
    with connect(server) as s:
        s.sendall(struct.pack(">i", 100) + header_v1(METADATA, 0, 1)[:10])
    time.sleep(0.2)
    assert_still_serving(server)


def test_huge_declared_length_is_closed(server):
    """A length of 0x7fffffff is refused (closed) without allocating it."""
    with connect(server) as s:
        s.sendall(struct.pack(">I", 0x7FFFFFFF) + header_v1(METADATA, 0, 2))
        expect_close(s)
    assert server.status_kb("VmHWM") < RSS_LIMIT_KB, \
        f"peak RSS {server.status_kb('VmHWM')} kB after a 2 GiB length prefix"
    assert_still_serving(server)


@pytest.mark.parametrize("length", [-1, -0x80000000], ids=["minus1", "int32min"])
def test_negative_length_is_closed(server, length):
    """A negative frame length is refused by closing the connection."""
    with connect(server) as s:
        s.sendall(struct.pack(">i", length) + header_v1(METADATA, 0, 3))
        expect_close(s)
    assert_still_serving(server)


def test_unknown_api_key_gets_error_or_close(server):
    """API key 999 with a valid v1 header: error response (same correlation id) or close."""
    with connect(server) as s:
        s.sendall(frame(header_v1(999, 0, 42)))
        expect_error_or_close(s, correlation_id=42)
    assert_still_serving(server)


def test_api_versions_v99_gets_v0_unsupported_version_response(server):
    """KIP-511: ApiVersions v99 is answered in v0 format with error 35 and the supported ranges."""
    # v3+ uses request header v2: v1 fields plus an empty tagged-field section; body as in v3.
    body = b"\x0csluice-test\x061.0.0\x00"  # compact strings: length + 1
    with connect(server) as s:
        s.sendall(frame(header_v1(API_VERSIONS, 99, 77) + b"\x00" + body))
        resp = expect_error_or_close(s)
    assert resp is not None, "server closed the connection instead of answering ApiVersions v99"
    correlation_id, error_code, count = struct.unpack(">ihi", resp[:10])
    assert correlation_id == 77, f"correlation id {correlation_id}"
    assert error_code == UNSUPPORTED_VERSION, f"error_code {error_code}, want 35"
    assert 0 < count < 1000, f"api_keys array length {count}"
    assert len(resp) == 10 + 6 * count, \
        f"response is {len(resp)} bytes; a v0 body with {count} keys is {10 + 6 * count}"
    ranges = {}
    for i in range(count):
        key, lo, hi = struct.unpack(">hhh", resp[10 + 6 * i:16 + 6 * i])
        assert 0 <= lo <= hi, f"api {key}: bad range {lo}..{hi}"
        ranges[key] = (lo, hi)
    assert API_VERSIONS in ranges, f"ApiVersions missing from the list: {sorted(ranges)}"
    assert ranges[API_VERSIONS][0] == 0 and ranges[API_VERSIONS][1] >= 3, \
        f"ApiVersions range {ranges[API_VERSIONS]}, want 0..>=3"
    assert_still_serving(server)


def test_metadata_with_absurd_array_length_is_rejected_in_bounded_memory(server):
    """A 23-byte Metadata v0 request claiming 0x7fffffff topics: error or close, RSS < 200 MB."""
    request = frame(header_v1(METADATA, 0, 9, client_id=b"probe") + struct.pack(">i", 0x7FFFFFFF))
    assert len(request) == 23
    with connect(server) as s:
        s.sendall(request)
        expect_error_or_close(s, correlation_id=9)
    assert server.running(), f"server died (exit {server.proc.returncode})"
    rss, peak = server.status_kb("VmRSS"), server.status_kb("VmHWM")
    assert rss < RSS_LIMIT_KB, f"VmRSS {rss} kB after the request"
    assert peak < RSS_LIMIT_KB, f"VmHWM (peak RSS) {peak} kB after the request"
    assert_still_serving(server)
