"""Shared Kinesis helpers over boto3, so the Kinesis tests stay short.

`kinesis_client` builds a boto3 client for a SluiceServer (no retries, so every error surfaces
as AWS sent it; `validate=False` sends input botocore would refuse). `read_shard` follows
NextShardIterator until the shard is caught up or closed; `read_following_children` reads a
stream the way KCL does after resharding: parents to their end first, then the children their
ChildShards name. `raw_post` sends a hand-made, SigV4-signed request (CBOR, bad bodies, unknown
operations). All loops are bounded.
"""
import hashlib
import socket
import time
import urllib.error
import urllib.request
import uuid

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

REGION = "us-east-1"
ACCOUNT = "000000000000"
MAX_HASH = 2 ** 128 - 1
TARGET_PREFIX = "Kinesis_20131202."
JSON_CT = "application/x-amz-json-1.1"
CBOR_CT = "application/x-amz-cbor-1.1"

_HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def unique_stream(prefix="s"):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def endpoint(server):
    assert server.kinesis_port is not None, \
        "this sluice binary has no --kinesis-listen flag (Kinesis front not built in)"
    return f"http://127.0.0.1:{server.kinesis_port}"


def wait_kinesis_port(server, timeout=10.0):
    """The Kinesis listener accepts connections (it binds before /health turns 200)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", server.kinesis_port), timeout=1.0):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise AssertionError(f"Kinesis port {server.kinesis_port} not open after {timeout}s")
            time.sleep(0.1)


def kinesis_client(server, validate=True, region=REGION, read_timeout=20, **config):
    """A boto3 Kinesis client for `server`: test credentials, no retries, no proxies."""
    wait_kinesis_port(server)
    cfg = Config(parameter_validation=validate, retries={"total_max_attempts": 1},
                 connect_timeout=5, read_timeout=read_timeout, proxies={}, **config)
    return boto3.client("kinesis", endpoint_url=endpoint(server), region_name=region,
                        aws_access_key_id="test", aws_secret_access_key="test", config=cfg)


def error_code(excinfo_or_error):
    """The `__type` of a ClientError (pytest ExceptionInfo or the error itself)."""
    e = getattr(excinfo_or_error, "value", excinfo_or_error)
    return e.response["Error"]["Code"]


def error_message(excinfo_or_error):
    e = getattr(excinfo_or_error, "value", excinfo_or_error)
    return e.response["Error"].get("Message", "")


def expect_error(code, fn, *args, status=400, message=None, contains=None, **kwargs):
    """Call fn; assert it raises ClientError `code` with `status` (and the exact message or a
    substring of it); return the error."""
    try:
        out = fn(*args, **kwargs)
    except ClientError as e:
        got = e.response["Error"]["Code"]
        msg = e.response["Error"].get("Message", "")
        assert got == code, f"{fn.__name__}: got {got} ({msg!r}), want {code}"
        st = e.response["ResponseMetadata"]["HTTPStatusCode"]
        assert st == status, f"{fn.__name__}: {code} came with HTTP {st}, want {status}"
        if message is not None:
            assert msg == message, f"{fn.__name__}: {code} message\n got {msg!r}\nwant {message!r}"
        if contains is not None:
            assert contains in msg, f"{fn.__name__}: {code} message {msg!r} lacks {contains!r}"
        return e
    raise AssertionError(f"{fn.__name__}({kwargs}) succeeded with {out!r}; want {code}")


def wait_active(k, name, timeout=15.0):
    """Poll DescribeStreamSummary until the stream is ACTIVE; return the summary."""
    deadline = time.monotonic() + timeout
    while True:
        s = k.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
        if s["StreamStatus"] == "ACTIVE":
            return s
        if time.monotonic() > deadline:
            raise AssertionError(f"stream {name} still {s['StreamStatus']} after {timeout}s")
        time.sleep(0.05)


def create_stream(k, name, shards, **kw):
    k.create_stream(StreamName=name, ShardCount=shards, **kw)
    return wait_active(k, name)


def wait_consumer_active(k, consumer_arn, timeout=15.0):
    deadline = time.monotonic() + timeout
    while True:
        d = k.describe_stream_consumer(ConsumerARN=consumer_arn)["ConsumerDescription"]
        if d["ConsumerStatus"] == "ACTIVE":
            return d
        if time.monotonic() > deadline:
            raise AssertionError(f"consumer {consumer_arn} still {d['ConsumerStatus']}")
        time.sleep(0.05)


def wait_gone(k, name, timeout=15.0):
    """Poll until DescribeStreamSummary says ResourceNotFoundException."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            s = k.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
        except ClientError as e:
            if error_code(e) == "ResourceNotFoundException":
                return
            raise
        if time.monotonic() > deadline:
            raise AssertionError(f"stream {name} still {s['StreamStatus']} after delete")
        time.sleep(0.05)


def md5_hash_key(partition_key):
    """The 128-bit hash key Kinesis routes a partition key by."""
    return int(hashlib.md5(partition_key.encode("utf-8")).hexdigest(), 16)


def shard_ranges(shards):
    """{ShardId: (start, end)} from ListShards/DescribeStream shards."""
    return {s["ShardId"]: (int(s["HashKeyRange"]["StartingHashKey"]),
                           int(s["HashKeyRange"]["EndingHashKey"])) for s in shards}


def list_all_shards(k, name, **kw):
    """Every shard ListShards shows (following NextToken)."""
    out = []
    r = k.list_shards(StreamName=name, **kw)
    for _ in range(1000):
        out.extend(r["Shards"])
        if not r.get("NextToken"):
            return out
        r = k.list_shards(NextToken=r["NextToken"])
    raise AssertionError("ListShards NextToken never ended")


def shard_id(i):
    return f"shardId-{i:012d}"


def read_iterator(k, it, limit=1000, max_calls=2000, idle_calls=2):
    """Follow a shard iterator. Stops when the shard is closed and read to its end
    (NextShardIterator absent) or after `idle_calls` empty, caught-up responses
    (MillisBehindLatest 0). Returns (records, last response)."""
    out = []
    idle = 0
    last = None
    for _ in range(max_calls):
        r = k.get_records(ShardIterator=it, Limit=limit)
        last = r
        assert "MillisBehindLatest" in r, f"GetRecords response lacks MillisBehindLatest: {r}"
        out.extend(r["Records"])
        it = r.get("NextShardIterator")
        if not it:
            return out, r
        if r["Records"]:
            idle = 0
        elif r["MillisBehindLatest"] == 0:
            idle += 1
            if idle >= idle_calls:
                return out, r
    raise AssertionError(f"shard not caught up after {max_calls} GetRecords calls "
                         f"({len(out)} records so far)")


def read_shard(k, name, shard, itype="TRIM_HORIZON", limit=1000, **kw):
    """All records of one shard from an iterator of type `itype` until caught up or closed."""
    it = k.get_shard_iterator(StreamName=name, ShardId=shard, ShardIteratorType=itype,
                              **kw)["ShardIterator"]
    return read_iterator(k, it, limit=limit)[0]


def read_following_children(k, name, roots=None, limit=1000):
    """Read a stream as KCL does: start at the root shards (those without parents, or the given
    ones), read each to its end, and start a child only once every parent its ChildShards entry
    names has been read to the end. Children are found only through ChildShards.

    Returns (records_by_shard, order, children) where order is the sequence shards were
    finished in and children maps each closed shard to the ChildShards it reported.
    """
    if roots is None:
        shards = list_all_shards(k, name)
        roots = [s["ShardId"] for s in shards if not s.get("ParentShardId")]
    ready = list(roots)
    done = []
    waiting = {}          # child id -> set of parents
    children = {}
    by_shard = {}
    for _ in range(10000):
        if not ready:
            break
        sid = ready.pop(0)
        assert sid not in by_shard, f"shard {sid} reached twice while following ChildShards"
        it = k.get_shard_iterator(StreamName=name, ShardId=sid,
                                  ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        recs, last = read_iterator(k, it, limit=limit)
        by_shard[sid] = recs
        done.append(sid)
        if last.get("NextShardIterator"):
            assert not last.get("ChildShards"), \
                f"{sid}: ChildShards {last['ChildShards']} before the end of the shard"
            continue
        kids = last.get("ChildShards") or []
        assert kids, f"{sid}: closed shard read to its end but GetRecords gave no ChildShards"
        children[sid] = kids
        for c in kids:
            assert sid in c["ParentShards"], f"{sid}: child {c} does not name it as parent"
            waiting.setdefault(c["ShardId"], set(c["ParentShards"]))
        for cid, parents in list(waiting.items()):
            if parents <= set(done) and cid not in by_shard and cid not in ready:
                ready.append(cid)
                del waiting[cid]
    assert not ready, "following ChildShards did not finish"
    assert not waiting, f"children never became ready (parents unread): {waiting}"
    return by_shard, done, children


# --- raw HTTP (CBOR, bad bodies, unknown operations) ---------------------------------------

def signed_headers(url, target, body, content_type=JSON_CT, region=REGION, extra=None):
    """SigV4 headers (service `kinesis`) for a POST of `body` to `url`."""
    headers = {"Content-Type": content_type, "X-Amz-Target": target, **(extra or {})}
    req = AWSRequest(method="POST", url=url, data=body, headers=headers)
    SigV4Auth(Credentials("test", "test"), "kinesis", region).add_auth(req)
    return dict(req.headers.items())


def raw_post(server, target, body, content_type=JSON_CT, extra_headers=None, sign=True,
             timeout=10.0):
    """POST / with the given target and body; return (status, headers, body bytes)."""
    url = endpoint(server) + "/"
    if isinstance(body, str):
        body = body.encode()
    if sign:
        headers = signed_headers(url, target, body, content_type, extra=extra_headers)
    else:
        headers = {"Content-Type": content_type, "X-Amz-Target": target,
                   **(extra_headers or {})}
    req = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with _HTTP.open(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


__all__ = [
    "ACCOUNT", "CBOR_CT", "JSON_CT", "MAX_HASH", "REGION", "TARGET_PREFIX", "create_stream",
    "endpoint", "error_code", "error_message", "expect_error", "kinesis_client",
    "list_all_shards", "md5_hash_key", "raw_post", "read_following_children", "read_iterator",
    "read_shard", "shard_id", "shard_ranges", "signed_headers", "unique_stream", "wait_active",
    "wait_consumer_active", "wait_gone",
]
