"""Table-driven hostile input against the real server: each class of bad input, sent raw, gets
its exact reply. Kafka rows: a closed connection (a frame the server cannot trust) or a Produce
response with a named error code and message; after every row the server is still up and a
real client still produces and consumes. Kinesis rows: HTTP status, `__type` and, where AWS's
wording is known, the message.

Run: `.venv/bin/pytest tests/clients/test_hostile_input.py -v` (with SLUICE_BIN set or a built
binary in target/). `INPUTS_TRIED` below counts the rows, for docs/RELIABILITY.md.
"""
import base64
import gzip
import io
import json
import struct
import zlib

import cbor2
import pytest
import zstandard

from conftest import http_get
from kafka_util import create_topic, roundtrip_one, unique_topic
from kinesis_util import (CBOR_CT, MAX_HASH, TARGET_PREFIX, create_stream, kinesis_client,
                          raw_post, unique_stream)
from test_bad_input import connect, frame, header_v1, read_response

PRODUCE, METADATA, CREATE_TOPICS = 0, 3, 19
NONE, CORRUPT_MESSAGE, MESSAGE_TOO_LARGE = 0, 2, 10
UNSUPPORTED_FOR_MESSAGE_FORMAT, INVALID_RECORD = 43, 87
RSS_LIMIT_KB = 300 * 1024

# --- Kafka wire helpers ------------------------------------------------------------------------


def kstr(s):
    return struct.pack(">h", len(s)) + s


def varint(v):
    z = (v << 1) ^ (v >> 63)
    out = b""
    while z >= 0x80:
        out += bytes([(z & 0x7F) | 0x80])
        z >>= 7
    return out + bytes([z])


def record(offset_delta, value, key=None):
    body = b"\x00" + varint(0) + varint(offset_delta)
    for f in (key, value):
        body += varint(-1) if f is None else varint(len(f)) + f
    body += varint(0)
    return varint(len(body)) + body


def batch(region, count, codec=0, last_offset_delta=None, magic=2, bad_crc=False):
    """A v2 batch around `region` (the records, compressed or not) with a correct CRC."""
    if last_offset_delta is None:
        last_offset_delta = count - 1
    after_crc = struct.pack(">hiqqqhii", codec, last_offset_delta, 0, 0, -1, -1, -1, count)
    after_crc += region
    crc = crc32c(after_crc) ^ (1 if bad_crc else 0)
    body = struct.pack(">ibI", 0, magic, crc) + after_crc
    return struct.pack(">qi", 0, len(body)) + body


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_T = _crc32c_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _T[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def records(n, value=b"v"):
    return b"".join(record(i, value) for i in range(n))


def gz(data):
    return gzip.compress(data, compresslevel=6)


def zstd_bomb_region(zero_bytes):
    """One record whose value is `zero_bytes` zeros, zstd-compressed, streamed (never held)."""
    head = b"\x00" + varint(0) + varint(0) + varint(-1) + varint(zero_bytes)
    length = len(head) + zero_bytes + 1
    out = io.BytesIO()
    with zstandard.ZstdCompressor(level=3).stream_writer(out, closefd=False) as w:
        w.write(varint(length) + head)
        chunk = bytes(1 << 20)
        for _ in range(zero_bytes >> 20):
            w.write(chunk)
        w.write(b"\x00")
    return out.getvalue()


def zstd_bomb_records(records, zero_bytes):
    """`records` records of `zero_bytes` zeros each (offset deltas 0..), zstd, streamed."""
    out = io.BytesIO()
    chunk = bytes(zero_bytes)
    with zstandard.ZstdCompressor(level=3).stream_writer(out, closefd=False) as w:
        for i in range(records):
            head = b"\x00" + varint(0) + varint(i) + varint(-1) + varint(zero_bytes)
            w.write(varint(len(head) + zero_bytes + 1) + head)
            w.write(chunk)
            w.write(b"\x00")
    return out.getvalue()


def gzip_bomb_records(records):
    """`records` records of 1 MiB of zeros as concatenated gzip members (one per record head,
    one shared member for the zeros and the header count), about 1 kB per MiB."""
    tail = gzip.compress(bytes(1 << 20) + b"\x00", compresslevel=9)
    out = b""
    for i in range(records):
        head = b"\x00" + varint(0) + varint(i) + varint(-1) + varint(1 << 20)
        out += gzip.compress(varint(len(head) + (1 << 20) + 1) + head) + tail
    return out


def produce_v8(topic, records_blob, correlation_id):
    """Produce v8 (acks=-1), one topic, partition 0: header v1 + body."""
    body = struct.pack(">hhi", -1, -1, 30000)  # null transactional id, acks, timeout
    body += struct.pack(">i", 1) + kstr(topic.encode())
    body += struct.pack(">i", 1) + struct.pack(">i", 0)
    body += struct.pack(">i", len(records_blob)) + records_blob
    return frame(header_v1(PRODUCE, 8, correlation_id) + body)


def parse_produce_v8(resp):
    """(error_code, error_message) of the single partition in a Produce v8 response."""
    r = io.BytesIO(resp)
    (corr,) = struct.unpack(">i", r.read(4))
    (ntopics,) = struct.unpack(">i", r.read(4))
    assert ntopics == 1
    (nlen,) = struct.unpack(">h", r.read(2))
    r.read(nlen)
    (nparts,) = struct.unpack(">i", r.read(4))
    assert nparts == 1
    index, error, _base, _append_time, _start = struct.unpack(">ihqqq", r.read(30))
    (nrec,) = struct.unpack(">i", r.read(4))
    for _ in range(max(nrec, 0)):
        r.read(4)
        (ml,) = struct.unpack(">h", r.read(2))
        r.read(max(ml, 0))
    (ml,) = struct.unpack(">h", r.read(2))
    message = r.read(ml).decode() if ml >= 0 else None
    return corr, error, message


def assert_closed(sock):
    try:
        resp = read_response(sock)
    except TimeoutError:
        pytest.fail("server kept the connection open")
    assert resp is None, f"expected the connection closed, got a {len(resp)}-byte response"


def assert_still_serving(server):
    assert server.running(), f"server died (exit {server.proc.returncode})"
    assert http_get(server.admin_url + "/health")[0] == 200, "/health is not 200"
    roundtrip_one(server.bootstrap)


# --- Kafka: frames the server cannot trust are closed -------------------------------------------

META0 = header_v1(METADATA, 0, 11)
KAFKA_CLOSE_ROWS = [
    # (id, raw bytes sent on a fresh connection)
    ("length -1", struct.pack(">i", -1) + META0),
    ("length int32 min", struct.pack(">i", -0x80000000) + META0),
    ("length 0x7fffffff", struct.pack(">i", 0x7FFFFFFF) + META0),
    ("length over request_bytes_max", struct.pack(">i", 100 * 1024 * 1024 + 1) + META0),
    ("length below a header", struct.pack(">i", 4) + b"\x00\x03\x00\x00"),
    ("array count 2^31-1 in a 23-byte Metadata", frame(META0 + struct.pack(">i", 0x7FFFFFFF))),
    ("array count 1000 with one element", frame(META0 + struct.pack(">i", 1000) + kstr(b"t"))),
    ("array count -2", frame(META0 + struct.pack(">i", -2))),
    ("string length 30000 in a short frame", frame(META0 + struct.pack(">ih", 1, 30000) + b"ab")),
    ("string length -5", frame(META0 + struct.pack(">ih", 1, -5))),
    ("client id length over the frame",
     frame(struct.pack(">hhih", METADATA, 0, 11, 5000) + b"x" * 10)),
    ("invalid UTF-8 topic name in Metadata", frame(META0 + struct.pack(">i", 1) + kstr(b"\xff\xfe"))),
    ("invalid UTF-8 topic name in CreateTopics v2",
     frame(header_v1(CREATE_TOPICS, 2, 12) + struct.pack(">i", 1) + kstr(b"t\xc3\x28")
           + struct.pack(">ihii", 1, 1, 0, 0) + struct.pack(">ib", 1000, 0))),
    ("invalid UTF-8 topic name in Produce v8",
     frame(header_v1(PRODUCE, 8, 13) + struct.pack(">hhi", -1, -1, 1000) + struct.pack(">i", 1)
           + kstr(b"\xc0\xaf") + struct.pack(">i", 0))),
    ("records length over the frame",
     frame(header_v1(PRODUCE, 8, 14) + struct.pack(">hhi", -1, -1, 1000) + struct.pack(">i", 1)
           + kstr(b"t") + struct.pack(">ii", 1, 0) + struct.pack(">i", 1 << 20) + b"\x00" * 16)),
    ("trailing bytes after the body", frame(META0 + struct.pack(">i", 0) + b"junk")),
    ("unknown API key", frame(header_v1(999, 0, 15))),
]


@pytest.mark.parametrize("row", KAFKA_CLOSE_ROWS, ids=[r[0] for r in KAFKA_CLOSE_ROWS])
def test_kafka_untrusted_frames_close_the_connection(module_server, row):
    _, sent = row
    with connect(module_server) as s:
        s.sendall(sent)
        assert_closed(s)
    assert module_server.status_kb("VmHWM") < RSS_LIMIT_KB, "peak RSS over the bound"
    assert_still_serving(module_server)


# --- Kafka: well-framed Produce requests with bad batches get a named error ----------------------

def nested_region():
    inner = batch(gz(records(2)), 2, codec=1)
    return gz(inner)


KAFKA_PRODUCE_ROWS = [
    # (id, records blob, error code, message substring)
    ("nested compression (gzip in gzip)", lambda: batch(nested_region(), 2, codec=1),
     INVALID_RECORD, "nested compression: the gzip batch at offset 0 holds a record batch"),
    ("nested compression (zstd around a plain batch)",
     lambda: batch(zstandard.ZstdCompressor().compress(batch(records(1), 1)), 1, codec=4),
     INVALID_RECORD, "nested compression: the zstd batch at offset 0 holds a record batch"),
    ("record offset deltas 0, 5", lambda: batch(record(0, b"a") + record(5, b"b"), 2),
     INVALID_RECORD, "record 1 has offset delta 5; deltas must run 0, 1, 2"),
    ("record offset deltas 0, 0 inside gzip", lambda: batch(gz(record(0, b"a") + record(0, b"b")), 2, 1),
     INVALID_RECORD, "record 1 has offset delta 0; deltas must run 0, 1, 2"),
    ("last_offset_delta 7 with 2 records", lambda: batch(records(2), 2, last_offset_delta=7),
     INVALID_RECORD, "last_offset_delta 7 with 2 records"),
    ("header declares 3 records, 2 present", lambda: batch(records(2), 3),
     INVALID_RECORD, "the header declares 3 records, the batch holds 2"),
    ("record length past the batch", lambda: batch(varint(1000) + b"\x00" * 5, 1),
     INVALID_RECORD, "runs past"),
    ("value length -7", lambda: batch(varint(5) + b"\x00" + varint(0) + varint(0) + varint(-1) + varint(-7), 1),
     INVALID_RECORD, "value length -7"),
    ("1 GiB zstd bomb in one record", lambda: batch(zstd_bomb_region(1 << 30), 1, codec=4),
     MESSAGE_TOO_LARGE, "decompresses to more than the limit of 67108864 bytes"),
    ("1 GiB zstd bomb in 1024 records of 1 MiB",
     lambda: batch(zstd_bomb_records(1024, 1 << 20), 1024, codec=4),
     MESSAGE_TOO_LARGE, "decompresses to more than the limit of 67108864 bytes"),
    ("256 MiB gzip bomb in 256 records of 1 MiB",
     lambda: batch(gzip_bomb_records(256), 256, codec=1),
     MESSAGE_TOO_LARGE, "decompresses to more than the limit of 67108864 bytes"),
    ("gzip that does not inflate", lambda: batch(b"\x1f\x8b\x08\x00garbage-not-deflate", 1, codec=1),
     CORRUPT_MESSAGE, "does not decompress (gzip)"),
    ("codec 6", lambda: batch(records(1), 1, codec=6),
     INVALID_RECORD, "unknown compression codec 6"),
    ("CRC mismatch", lambda: batch(records(1), 1, bad_crc=True),
     CORRUPT_MESSAGE, "CRC-32C mismatch"),
    ("magic 1", lambda: batch(records(1), 1, magic=1),
     UNSUPPORTED_FOR_MESSAGE_FORMAT, "magic 1"),
    ("zero records", lambda: batch(b"", 0),
     INVALID_RECORD, "records_count 0"),
    ("a valid gzip batch (control row)", lambda: batch(gz(records(3)), 3, codec=1), NONE, None),
]


@pytest.fixture(scope="module")
def kafka_topic(module_server):
    topic = unique_topic("hostile")
    create_topic(module_server.bootstrap, topic, partitions=1)
    return topic


@pytest.mark.parametrize("row", KAFKA_PRODUCE_ROWS, ids=[r[0] for r in KAFKA_PRODUCE_ROWS])
def test_kafka_bad_batches_get_named_errors(module_server, kafka_topic, row):
    _, build, want_code, want_msg = row
    with connect(module_server) as s:
        s.sendall(produce_v8(kafka_topic, build(), 21))
        resp = read_response(s)
        assert resp is not None, "server closed the connection instead of answering"
        corr, code, message = parse_produce_v8(resp)
    assert corr == 21
    assert code == want_code, f"error {code} ({message!r}), want {want_code}"
    if want_msg is not None:
        assert message is not None and want_msg in message, f"message {message!r} lacks {want_msg!r}"
    assert module_server.status_kb("VmHWM") < RSS_LIMIT_KB, \
        f"peak RSS {module_server.status_kb('VmHWM')} kB"
    assert_still_serving(module_server)


# --- Kinesis -------------------------------------------------------------------------------------

def vmsg(value, member, constraint):
    return (f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
            f"constraint: Member must {constraint}")


LONG_KEY = "k" * 257
NAME_RE = "satisfy regular expression pattern: [a-zA-Z0-9_.-]+"


def kinesis_rows(stream):
    data = base64.b64encode(b"x").decode()
    put = lambda **kw: ("PutRecord", {"StreamName": stream, "Data": data, "PartitionKey": "p", **kw})
    # (id, operation, body bytes or dict (JSON) , encoding, status, __type, message or None,
    #  message substring or None)
    return [
        ("body not JSON", "ListStreams", b"{not json", "json", 400, "SerializationException", None, None),
        ("wrong type: StreamName number", "DescribeStreamSummary", {"StreamName": 42}, "json", 400,
         "SerializationException", None, None),
        ("wrong type: PartitionKey object", *put(PartitionKey={"a": 1}), "json", 400,
         "SerializationException", None, None),
        ("wrong type: Records object", "PutRecords", {"StreamName": stream, "Records": {}}, "json",
         400, "SerializationException", None, None),
        ("wrong type: Limit string", "GetRecords", {"ShardIterator": "x", "Limit": "ten"}, "json",
         400, "SerializationException", None, None),
        ("wrong type: Limit boolean", "ListStreams", {"Limit": True}, "json",
         400, "SerializationException", None, None),
        ("wrong type: ShardCount array", "CreateStream", {"StreamName": "x", "ShardCount": [1]},
         "json", 400, "SerializationException", None, None),
        ("invalid UTF-8 in a JSON string", "DescribeStreamSummary",
         b'{"StreamName": "a\xff\xfeb"}', "json", 400, "SerializationException", None, None),
        ("lone surrogate escape", "DescribeStreamSummary", b'{"StreamName": "a\\ud800b"}', "json",
         400, "SerializationException", None, None),
        ("base64 that does not decode", *put(Data="!!!not base64!!!"), "json", 400,
         "SerializationException", None, None),
        ("base64 with bad padding", *put(Data="eA="), "json", 400,
         "SerializationException", None, None),
        ("partition key of 257 characters", *put(PartitionKey=LONG_KEY), "json", 400,
         "ValidationException",
         vmsg(LONG_KEY, "partitionKey", "have length less than or equal to 256"), None),
        ("partition key of 257 characters in PutRecords", "PutRecords",
         {"StreamName": stream, "Records": [{"Data": data, "PartitionKey": LONG_KEY}]}, "json", 400,
         "ValidationException", None, "Member must have length less than or equal to 256"),
        ("empty partition key", *put(PartitionKey=""), "json", 400, "ValidationException",
         vmsg("", "partitionKey", "have length greater than or equal to 1"), None),
        ("hash key 2^128", *put(ExplicitHashKey=str(2 ** 128)), "json", 400,
         "InvalidArgumentException",
         "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. "
         f"Specified value was {2 ** 128}", None),
        ("hash key 10^39 - 1", *put(ExplicitHashKey="9" * 39), "json", 400,
         "InvalidArgumentException", None, "Invalid ExplicitHashKey"),
        ("hash key negative", *put(ExplicitHashKey="-1"), "json", 400, "ValidationException",
         vmsg("-1", "explicitHashKey", "satisfy regular expression pattern: ^(0|([1-9]\\d{0,38}))$"),
         None),
        ("hash key not a number", *put(ExplicitHashKey="12ab"), "json", 400,
         "ValidationException", None, "at 'explicitHashKey'"),
        ("stream name with a space", "CreateStream", {"StreamName": "has space", "ShardCount": 1},
         "json", 400, "ValidationException", vmsg("has space", "streamName", NAME_RE), None),
        ("stream name with a slash", "DescribeStreamSummary", {"StreamName": "a/b"}, "json", 400,
         "ValidationException", vmsg("a/b", "streamName", NAME_RE), None),
        ("stream name with non-ASCII", "DescribeStreamSummary", {"StreamName": "str\u00e9am"},
         "json", 400, "ValidationException", vmsg("str\u00e9am", "streamName", NAME_RE), None),
        ("stream name of 129 characters", "DescribeStreamSummary", {"StreamName": "s" * 129},
         "json", 400, "ValidationException",
         vmsg("s" * 129, "streamName", "have length less than or equal to 128"), None),
        ("501 records", "PutRecords",
         {"StreamName": stream, "Records": [{"Data": data, "PartitionKey": "p"}] * 501}, "json",
         400, "ValidationException", None,
         "at 'records' failed to satisfy constraint: Member must have length less than or equal to 500"),
        ("record over 1 MiB", *put(Data=base64.b64encode(bytes((1 << 20) + 1)).decode()), "json",
         400, "InvalidArgumentException",
         "The record is 1048578 bytes (partition key and data), more than the limit of 1048576 "
         "bytes.", None),
        ("body over the request bound", "ListStreams", b" " * (15 << 20) + b"{}", "json", 400,
         "InvalidArgumentException", None, "The request body is larger than the limit"),
        # CBOR (the Java SDK's encoding)
        ("CBOR: not CBOR", "ListStreams", b"\xff\xfe", "cbor", 400, "SerializationException",
         None, None),
        ("CBOR: truncated map", "DescribeStreamSummary", b"\xa1\x6aStreamName\x65ab", "cbor", 400,
         "SerializationException", None, None),
        ("CBOR: wrong type for StreamName", "DescribeStreamSummary",
         cbor2.dumps({"StreamName": 42}), "cbor", 400, "SerializationException", None, None),
        ("CBOR: array declaring 2^32-1 elements", "PutRecords",
         b"\xa2\x6aStreamName\x61s\x67Records\x9a\xff\xff\xff\xff\xa0", "cbor", 400,
         "SerializationException", None, None),
        ("CBOR: text of declared length 2^63", "DescribeStreamSummary",
         b"\xa1\x6aStreamName\x7b\x80\x00\x00\x00\x00\x00\x00\x00ab", "cbor", 400,
         "SerializationException", None, None),
        ("CBOR: invalid UTF-8 text", "DescribeStreamSummary",
         b"\xa1\x6aStreamName\x62\xff\xfe", "cbor", 400, "SerializationException", None, None),
        ("CBOR: partition key of 257 characters", "PutRecord",
         cbor2.dumps({"StreamName": stream, "Data": b"x", "PartitionKey": LONG_KEY}), "cbor", 400,
         "ValidationException",
         vmsg(LONG_KEY, "partitionKey", "have length less than or equal to 256"), None),
        ("CBOR: hash key 2^128", "PutRecord",
         cbor2.dumps({"StreamName": stream, "Data": b"x", "PartitionKey": "p",
                      "ExplicitHashKey": str(2 ** 128)}), "cbor", 400,
         "InvalidArgumentException", None, "Invalid ExplicitHashKey"),
        ("CBOR: stream name with illegal characters", "DescribeStreamSummary",
         cbor2.dumps({"StreamName": "a*b"}), "cbor", 400, "ValidationException",
         vmsg("a*b", "streamName", NAME_RE), None),
        ("CBOR: Data as text, not bytes", "PutRecord",
         cbor2.dumps({"StreamName": stream, "Data": 17, "PartitionKey": "p"}), "cbor", 400,
         "SerializationException", None, None),
    ]


KINESIS_STREAM = "hostile-input"
KINESIS_ROWS = kinesis_rows(KINESIS_STREAM)


@pytest.fixture(scope="module")
def kinesis_stream(module_server):
    k = kinesis_client(module_server)
    create_stream(k, KINESIS_STREAM, 1)
    return KINESIS_STREAM


def error_of(body, encoding):
    doc = cbor2.loads(body) if encoding == "cbor" else json.loads(body)
    return doc.get("__type"), doc.get("message", doc.get("Message"))


@pytest.mark.parametrize("row", KINESIS_ROWS, ids=[r[0] for r in KINESIS_ROWS])
def test_kinesis_bad_input_gets_the_exact_error(module_server, kinesis_stream, row):
    _, op, body, encoding, want_status, want_type, want_msg, want_part = row
    if isinstance(body, dict):
        body = json.dumps(body).encode()
    ct = CBOR_CT if encoding == "cbor" else "application/x-amz-json-1.1"
    status, _, reply = raw_post(module_server, TARGET_PREFIX + op, body, content_type=ct,
                                timeout=30)
    kind, message = error_of(reply, encoding)
    assert (status, kind) == (want_status, want_type), f"got {status} {kind} {message!r}"
    if want_msg is not None:
        assert message == want_msg, f"message\n got {message!r}\nwant {want_msg!r}"
    if want_part is not None:
        assert message and want_part in message, f"message {message!r} lacks {want_part!r}"
    assert module_server.status_kb("VmHWM") < RSS_LIMIT_KB, "peak RSS over the bound"
    assert module_server.running()


def test_kinesis_still_serves_after_the_table(module_server, kinesis_stream):
    k = kinesis_client(module_server)
    k.put_record(StreamName=kinesis_stream, Data=b"after", PartitionKey="p",
                 ExplicitHashKey=str(MAX_HASH))
    it = k.get_shard_iterator(StreamName=kinesis_stream, ShardId="shardId-000000000000",
                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    got = k.get_records(ShardIterator=it)["Records"]
    assert [r["Data"] for r in got] == [b"after"]


INPUTS_TRIED = len(KAFKA_CLOSE_ROWS) + len(KAFKA_PRODUCE_ROWS) + len(KINESIS_ROWS)
