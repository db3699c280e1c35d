"""The Kinesis front with real clients: boto3 (JSON over HTTP/1.1), hand-made CBOR requests shaped
like the Java SDK's, cleartext HTTP/2 by prior knowledge (httpx), and confluent-kafka on the same
streams. Every error case asserts the exception type (`__type`) and status AWS gives, and the
message where AWS's text is known. Covers the seed flow, errors per operation family, StreamARN
addressing, pagination, ShardFilter, retention, tags, monitoring, stream mode, limits,
resharding under load read back through ChildShards, enhanced fan-out with SubscribeToShard,
Kafka interop, and state surviving kill -9.
"""
import asyncio
import base64
import http.client
import json
import random
import re
import threading
import time
import uuid
from collections import defaultdict
from datetime import datetime, timedelta, timezone

import cbor2
import httpx
import pytest
from botocore.eventstream import EventStreamBuffer
from botocore.exceptions import ClientError
from confluent_kafka import KafkaError, Producer
from confluent_kafka.admin import AdminClient, NewPartitions, NewTopic

from kafka_util import consume_all, create_topic, produce
from kinesis_util import (ACCOUNT, CBOR_CT, JSON_CT, MAX_HASH, REGION, TARGET_PREFIX,
                          create_stream, endpoint, error_code, expect_error, kinesis_client,
                          list_all_shards, md5_hash_key, raw_post, read_following_children,
                          read_iterator, read_shard, shard_id, shard_ranges, signed_headers,
                          unique_stream, wait_active, wait_consumer_active, wait_gone)

SEQ_RE = re.compile(r"^(0|[1-9]\d{0,128})$")


@pytest.fixture(scope="module")
def k(module_server):
    return kinesis_client(module_server)


@pytest.fixture(scope="module")
def kraw(module_server):
    """A client that sends input botocore's own validation would refuse."""
    return kinesis_client(module_server, validate=False)


def arn_of(name, region=REGION):
    return f"arn:aws:kinesis:{region}:{ACCOUNT}:stream/{name}"


def not_found_msg(name):
    return f"Stream {name} under account {ACCOUNT} not found."


def seqs(records):
    return [int(r["SequenceNumber"]) for r in records]


def assert_strictly_increasing(values, what):
    bad = [i for i in range(1, len(values)) if values[i] <= values[i - 1]]
    assert not bad, f"{what}: sequence numbers not strictly increasing at index {bad[:3]}"


# ---------------------------------------------------------------------------------------------
# The seed flow
# ---------------------------------------------------------------------------------------------

def test_seed_clickstream_flow(k):
    """CreateStream, summary, ListShards with AWS's exact ranges, PutRecords x500 + PutRecord,
    read back once from TRIM_HORIZON, hash routing, sequence numbers, AT/AFTER, LATEST."""
    name = unique_stream("clicks")
    t0 = datetime.now(timezone.utc)
    k.create_stream(StreamName=name, ShardCount=4)
    summary = wait_active(k, name)
    assert summary["OpenShardCount"] == 4
    assert summary["StreamName"] == name
    assert summary["StreamARN"] == arn_of(name)
    assert summary["RetentionPeriodHours"] == 24
    assert summary["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}
    assert summary["EncryptionType"] == "NONE"
    assert summary["ConsumerCount"] == 0

    shards = k.list_shards(StreamName=name)["Shards"]
    assert [s["ShardId"] for s in shards] == [shard_id(i) for i in range(4)]
    step = 2 ** 128 // 4
    ranges = shard_ranges(shards)
    for i in range(4):
        want = (i * step, MAX_HASH if i == 3 else (i + 1) * step - 1)
        assert ranges[shard_id(i)] == want, f"shard {i} range {ranges[shard_id(i)]}, want {want}"
        seq_range = shards[i]["SequenceNumberRange"]
        assert SEQ_RE.match(seq_range["StartingSequenceNumber"])
        assert "EndingSequenceNumber" not in seq_range, "open shard has an EndingSequenceNumber"
    assert ranges[shard_id(0)][1] == 85070591730234615865843651857942052863

    users = [f"user_{i:04d}" for i in range(200)]
    n = 2000
    batch, acked = [], {}
    for i in range(n):
        ev = {"seq": i, "user_id": users[i % len(users)], "event_id": str(uuid.uuid4())}
        batch.append({"Data": json.dumps(ev).encode(), "PartitionKey": ev["user_id"]})
        if len(batch) == 500:
            r = k.put_records(StreamName=name, Records=batch)
            assert r["FailedRecordCount"] == 0, r
            assert len(r["Records"]) == 500
            for rec, res in zip(batch, r["Records"]):
                lo, hi = ranges[res["ShardId"]]
                h = md5_hash_key(rec["PartitionKey"])
                assert lo <= h <= hi, f"{rec['PartitionKey']} went to {res['ShardId']}"
                assert SEQ_RE.match(res["SequenceNumber"]), res
                acked[json.loads(rec["Data"])["seq"]] = (res["ShardId"], res["SequenceNumber"])
            batch = []
    single = k.put_record(StreamName=name, Data=b'{"seq": -1}', PartitionKey="solo")
    assert set(single) >= {"ShardId", "SequenceNumber"}
    lo, hi = ranges[single["ShardId"]]
    assert lo <= md5_hash_key("solo") <= hi
    acked[-1] = (single["ShardId"], single["SequenceNumber"])

    all_seqs, seen, per_key = [], {}, defaultdict(list)
    for sid in ranges:
        recs = read_shard(k, name, sid, limit=100)
        assert_strictly_increasing(seqs(recs), sid)
        all_seqs.extend(seqs(recs))
        start = int(shards[int(sid[-4:])]["SequenceNumberRange"]["StartingSequenceNumber"])
        assert all(s >= start for s in seqs(recs)), f"{sid}: record before StartingSequenceNumber"
        for r in recs:
            d = json.loads(r["Data"])
            assert d["seq"] not in seen, f"seq {d['seq']} read twice"
            seen[d["seq"]] = (sid, r["SequenceNumber"])
            per_key[r["PartitionKey"]].append(d["seq"])
            assert r["ApproximateArrivalTimestamp"] >= t0 - timedelta(seconds=5)
            assert r["ApproximateArrivalTimestamp"] <= datetime.now(timezone.utc) + timedelta(seconds=5)
        if recs:
            mid = recs[len(recs) // 2]
            at = read_shard(k, name, sid, "AT_SEQUENCE_NUMBER",
                            StartingSequenceNumber=mid["SequenceNumber"])
            after = read_shard(k, name, sid, "AFTER_SEQUENCE_NUMBER",
                               StartingSequenceNumber=mid["SequenceNumber"])
            assert at[0]["SequenceNumber"] == mid["SequenceNumber"]
            assert seqs(at[1:]) == seqs(after)
            assert seqs(at) == seqs(recs[len(recs) // 2:])
    assert seen == acked, "records read back differ from what PutRecords acknowledged"
    assert len(set(all_seqs)) == len(all_seqs) == n + 1, "sequence numbers not unique per stream"
    assert all(v == sorted(v) for v in per_key.values()), "per-partition-key order broken"

    # AT_TIMESTAMP before the first write gives the whole shard; LATEST only what comes next.
    sid = single["ShardId"]
    whole = read_shard(k, name, sid)
    since = read_shard(k, name, sid, "AT_TIMESTAMP", Timestamp=t0 - timedelta(seconds=1))
    assert seqs(since) == seqs(whole)
    it = k.get_shard_iterator(StreamName=name, ShardId=sid,
                              ShardIteratorType="LATEST")["ShardIterator"]
    late = k.put_record(StreamName=name, Data=b"late", PartitionKey="solo")
    got = k.get_records(ShardIterator=it)
    assert [r["Data"] for r in got["Records"]] == [b"late"]
    assert got["Records"][0]["SequenceNumber"] == late["SequenceNumber"]
    assert int(late["SequenceNumber"]) > max(seqs(whole))
    k.delete_stream(StreamName=name)


def test_at_timestamp_starts_at_the_next_later_record(k):
    name = unique_stream("ts")
    create_stream(k, name, 1)
    k.put_record(StreamName=name, Data=b"before", PartitionKey="p")
    time.sleep(0.3)
    mid = datetime.now(timezone.utc)
    time.sleep(0.3)
    k.put_record(StreamName=name, Data=b"after", PartitionKey="p")
    recs = read_shard(k, name, shard_id(0), "AT_TIMESTAMP", Timestamp=mid)
    assert [r["Data"] for r in recs] == [b"after"]
    expect_error("InvalidArgumentException", k.get_shard_iterator, StreamName=name,
                 ShardId=shard_id(0), ShardIteratorType="AT_TIMESTAMP",
                 Timestamp=datetime.now(timezone.utc) + timedelta(hours=1),
                 contains="timestampInMillis")


def test_explicit_hash_key_routes_to_the_shard_holding_it(k):
    name = unique_stream("ehk")
    create_stream(k, name, 3)
    ranges = shard_ranges(k.list_shards(StreamName=name)["Shards"])
    for sid, (lo, hi) in ranges.items():
        for h in (lo, (lo + hi) // 2, hi):
            r = k.put_record(StreamName=name, Data=b"x", PartitionKey="same-key",
                             ExplicitHashKey=str(h))
            assert r["ShardId"] == sid, f"ExplicitHashKey {h} went to {r['ShardId']}, want {sid}"
    r = k.put_records(StreamName=name, Records=[
        {"Data": b"a", "PartitionKey": "k", "ExplicitHashKey": "0"},
        {"Data": b"b", "PartitionKey": "k", "ExplicitHashKey": str(MAX_HASH)}])
    assert [x["ShardId"] for x in r["Records"]] == [shard_id(0), shard_id(2)]


def test_sequence_numbers_increase_per_shard_across_calls(k):
    name = unique_stream("seq")
    create_stream(k, name, 2)
    last = {}
    for i in range(60):
        r = k.put_record(StreamName=name, Data=str(i).encode(), PartitionKey=f"pk{i % 7}")
        s = int(r["SequenceNumber"])
        assert s > last.get(r["ShardId"], -1), f"{r['ShardId']}: {s} not above {last[r['ShardId']]}"
        last[r["ShardId"]] = s
    # SequenceNumberForOrdering with the previous sequence number is accepted.
    r1 = k.put_record(StreamName=name, Data=b"o1", PartitionKey="ord")
    r2 = k.put_record(StreamName=name, Data=b"o2", PartitionKey="ord",
                      SequenceNumberForOrdering=r1["SequenceNumber"])
    assert int(r2["SequenceNumber"]) > int(r1["SequenceNumber"])

def test_record_edge_cases(k, kraw):
    name = unique_stream("edge")
    create_stream(k, name, 2)
    ranges = shard_ranges(k.list_shards(StreamName=name)["Shards"])
    # Empty data is a record (Data may be 0 bytes).
    r = k.put_record(StreamName=name, Data=b"", PartitionKey="empty")
    # Partition keys are up to 256 Unicode characters, routed by MD5 of their UTF-8 bytes.
    keys = ["é" * 256, "ünicödé 统一码", "日本語のキー"]
    for key in keys:
        res = k.put_record(StreamName=name, Data=key.encode(), PartitionKey=key)
        lo, hi = ranges[res["ShardId"]]
        assert lo <= md5_hash_key(key) <= hi, f"{key!r} routed to {res['ShardId']}"
    got = read_shard(k, name, r["ShardId"])
    assert got[0]["Data"] == b"" and got[0]["PartitionKey"] == "empty"
    everything = [x for sid in ranges for x in read_shard(k, name, sid)]
    assert sorted(x["PartitionKey"] for x in everything) == sorted(keys + ["empty"])
    for x in everything:
        if x["PartitionKey"] != "empty":
            assert x["Data"].decode() == x["PartitionKey"]
    # GetRecords honours Limit and says how far behind the tip it is.
    for i in range(5):
        k.put_record(StreamName=name, Data=str(i).encode(), PartitionKey="lim",
                     ExplicitHashKey=str(MAX_HASH))
    it = k.get_shard_iterator(StreamName=name, ShardId=shard_id(1),
                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    got, calls = [], 0
    while it and calls < 20:
        r = k.get_records(ShardIterator=it, Limit=2)
        calls += 1
        assert len(r["Records"]) <= 2
        assert r["MillisBehindLatest"] >= 0
        got += r["Records"]
        if not r["Records"]:
            break
        it = r["NextShardIterator"]
    assert [x["Data"] for x in got if x["PartitionKey"] == "lim"] == [b"0", b"1", b"2", b"3", b"4"]


def test_record_of_exactly_one_mib(k):
    """The largest record Kinesis takes by default: partition key + data = 1 MiB."""
    name = unique_stream("onemib")
    create_stream(k, name, 1)
    big = random.Random(1).randbytes(1024 * 1024 - 1)
    res = k.put_record(StreamName=name, Data=big, PartitionKey="B")
    it = k.get_shard_iterator(StreamName=name, ShardId=res["ShardId"],
                              ShardIteratorType="AT_SEQUENCE_NUMBER",
                              StartingSequenceNumber=res["SequenceNumber"])["ShardIterator"]
    assert k.get_records(ShardIterator=it, Limit=1)["Records"][0]["Data"] == big
    r = k.put_records(StreamName=name, Records=[{"Data": big, "PartitionKey": "C"},
                                                {"Data": b"small", "PartitionKey": "D"}])
    assert r["FailedRecordCount"] == 0, r["Records"]


def test_large_put_records_batch(k):
    """500 records of 20,000 bytes: about 10 MB, just under PutRecords' 10 MiB."""
    name = unique_stream("bigbatch")
    create_stream(k, name, 2)
    recs = [{"Data": bytes([i % 251]) * 20000, "PartitionKey": f"p{i}"} for i in range(500)]
    r = k.put_records(StreamName=name, Records=recs)
    assert r["FailedRecordCount"] == 0
    total = sum(len(read_shard(k, name, shard_id(i))) for i in range(2))
    assert total == 500


def test_closed_shard_iterators(k):
    name = unique_stream("closed")
    create_stream(k, name, 1)
    before = [k.put_record(StreamName=name, Data=f"b{i}".encode(), PartitionKey=f"k{i}")
              for i in range(5)]
    k.split_shard(StreamName=name, ShardToSplit=shard_id(0), NewStartingHashKey=str(2 ** 127))
    wait_active(k, name)
    # LATEST on a closed shard: nothing more will come, so GetRecords ends it at once.
    it = k.get_shard_iterator(StreamName=name, ShardId=shard_id(0),
                              ShardIteratorType="LATEST")["ShardIterator"]
    r = k.get_records(ShardIterator=it)
    assert r["Records"] == []
    assert "NextShardIterator" not in r or r["NextShardIterator"] is None
    kids = sorted(c["ShardId"] for c in r["ChildShards"])
    assert kids == [shard_id(1), shard_id(2)]
    # Reading it from the start gives its records, then the end with ChildShards.
    recs, last = read_iterator(k, k.get_shard_iterator(
        StreamName=name, ShardId=shard_id(0), ShardIteratorType="TRIM_HORIZON")["ShardIterator"])
    assert [x["SequenceNumber"] for x in recs] == [b["SequenceNumber"] for b in before]
    assert last.get("ChildShards") and not last.get("NextShardIterator")
    for c in last["ChildShards"]:
        assert c["ParentShards"] == [shard_id(0)]
    # AFTER the last record of the closed shard: also at the end.
    it = k.get_shard_iterator(StreamName=name, ShardId=shard_id(0),
                              ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                              StartingSequenceNumber=before[-1]["SequenceNumber"])["ShardIterator"]
    r = k.get_records(ShardIterator=it)
    assert r["Records"] == [] and r.get("ChildShards")
    # Writes for its hash range now land in a child.
    for h in ("0", str(2 ** 127 - 1), str(2 ** 127), str(MAX_HASH)):
        res = k.put_record(StreamName=name, Data=b"x", PartitionKey="x", ExplicitHashKey=h)
        assert res["ShardId"] in (shard_id(1), shard_id(2))
    # A sequence number of another shard is refused.
    expect_error("InvalidArgumentException", k.get_shard_iterator, StreamName=name,
                 ShardId=shard_id(1), ShardIteratorType="AT_SEQUENCE_NUMBER",
                 StartingSequenceNumber=before[0]["SequenceNumber"])
    # Splitting at a key outside (or at the start of) the shard's range is refused.
    expect_error("InvalidArgumentException", k.split_shard, StreamName=name,
                 ShardToSplit=shard_id(1), NewStartingHashKey="0")


def test_concurrent_writers_lose_nothing(module_server, k):
    name = unique_stream("parallel")
    create_stream(k, name, 3)
    threads, results, errors = [], defaultdict(list), []

    def writer(t):
        kc = kinesis_client(module_server)
        try:
            for i in range(100):
                r = kc.put_record(StreamName=name, Data=f"t{t}-{i}".encode(), PartitionKey=f"t{t}")
                results[t].append((r["ShardId"], int(r["SequenceNumber"])))
        except Exception as e:   # noqa: BLE001 - reported below
            errors.append(repr(e))

    for t in range(8):
        threads.append(threading.Thread(target=writer, args=(t,)))
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert not errors, errors[:3]
    all_seqs = [s for v in results.values() for _, s in v]
    assert len(all_seqs) == 800 and len(set(all_seqs)) == 800
    for t, acks in results.items():
        assert_strictly_increasing([s for _, s in acks], f"writer {t}")
    read = {}
    for i in range(3):
        for r in read_shard(k, name, shard_id(i)):
            assert r["Data"] not in read
            read[r["Data"]] = int(r["SequenceNumber"])
    assert len(read) == 800
    for t in range(8):
        order = [read[f"t{t}-{i}".encode()] for i in range(100)]
        assert order == sorted(order), f"writer {t}'s records out of order"


def test_delete_then_recreate(k):
    name = unique_stream("again")
    create_stream(k, name, 1)
    k.put_record(StreamName=name, Data=b"old", PartitionKey="p")
    it = k.get_shard_iterator(StreamName=name, ShardId=shard_id(0),
                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    k.delete_stream(StreamName=name)
    wait_gone(k, name)
    assert name not in k.list_streams(ExclusiveStartStreamName=name[:-1], Limit=100)["StreamNames"]
    expect_error("ResourceNotFoundException", k.get_records, ShardIterator=it)
    create_stream(k, name, 2)
    assert read_shard(k, name, shard_id(0)) == [] and read_shard(k, name, shard_id(1)) == []
    expect_error("ResourceNotFoundException", k.get_records, ShardIterator=it)


def test_region_comes_from_the_signature(module_server, k):
    name = unique_stream("region")
    create_stream(k, name, 1)
    eu = kinesis_client(module_server, region="eu-west-1")
    resp = eu.describe_stream_summary(StreamName=name)
    assert resp["StreamDescriptionSummary"]["StreamARN"] == arn_of(name, "eu-west-1")
    assert resp["ResponseMetadata"]["RequestId"], "no x-amzn-RequestId"
    assert resp["ResponseMetadata"]["HTTPHeaders"].get("x-amz-id-2"), "no x-amz-id-2"
    c = eu.register_stream_consumer(StreamARN=arn_of(name, "eu-west-1"),
                                    ConsumerName="eu")["Consumer"]
    assert c["ConsumerARN"].startswith(arn_of(name, "eu-west-1") + "/consumer/eu:")
    eu.delete_stream(StreamName=name, EnforceConsumerDeletion=True)



# ---------------------------------------------------------------------------------------------
# Errors, per operation family
# ---------------------------------------------------------------------------------------------

def test_missing_stream_is_resource_not_found_everywhere(k):
    ghost = unique_stream("ghost")
    msg = not_found_msg(ghost)
    expect_error("ResourceNotFoundException", k.describe_stream_summary, StreamName=ghost,
                 message=msg)
    expect_error("ResourceNotFoundException", k.describe_stream, StreamName=ghost, message=msg)
    expect_error("ResourceNotFoundException", k.list_shards, StreamName=ghost)
    expect_error("ResourceNotFoundException", k.put_record, StreamName=ghost, Data=b"x",
                 PartitionKey="p")
    expect_error("ResourceNotFoundException", k.put_records, StreamName=ghost,
                 Records=[{"Data": b"x", "PartitionKey": "p"}])
    expect_error("ResourceNotFoundException", k.get_shard_iterator, StreamName=ghost,
                 ShardId=shard_id(0), ShardIteratorType="TRIM_HORIZON")
    expect_error("ResourceNotFoundException", k.delete_stream, StreamName=ghost)
    expect_error("ResourceNotFoundException", k.add_tags_to_stream, StreamName=ghost,
                 Tags={"a": "b"})
    expect_error("ResourceNotFoundException", k.list_tags_for_stream, StreamName=ghost)
    expect_error("ResourceNotFoundException", k.increase_stream_retention_period,
                 StreamName=ghost, RetentionPeriodHours=48)
    expect_error("ResourceNotFoundException", k.split_shard, StreamName=ghost,
                 ShardToSplit=shard_id(0), NewStartingHashKey="1")
    expect_error("ResourceNotFoundException", k.register_stream_consumer,
                 StreamARN=arn_of(ghost), ConsumerName="c")
    expect_error("ResourceNotFoundException", k.describe_stream_summary,
                 StreamARN=arn_of(ghost))


def test_unknown_shard_is_resource_not_found(k):
    name = unique_stream("noshard")
    create_stream(k, name, 1)
    expect_error("ResourceNotFoundException", k.get_shard_iterator, StreamName=name,
                 ShardId="shardId-000000000099", ShardIteratorType="TRIM_HORIZON",
                 message=f"Shard shardId-000000000099 in stream {name} under account "
                         f"{ACCOUNT} does not exist")


def test_create_stream_errors(k, kraw):
    name = unique_stream("dup")
    create_stream(k, name, 1)
    expect_error("ResourceInUseException", k.create_stream, StreamName=name, ShardCount=1,
                 message=f"Stream {name} under account {ACCOUNT} already exists.")
    expect_error("ValidationException", kraw.create_stream, StreamName=unique_stream("zero"),
                 ShardCount=0,
                 message="1 validation error detected: Value '0' at 'shardCount' failed to "
                         "satisfy constraint: Member must have value greater than or equal to 1")
    expect_error("ValidationException", kraw.create_stream, StreamName="bad name!",
                 ShardCount=1,
                 message="1 validation error detected: Value 'bad name!' at 'streamName' failed "
                         "to satisfy constraint: Member must satisfy regular expression "
                         "pattern: [a-zA-Z0-9_.-]+")
    too_long = "s" * 129
    expect_error("ValidationException", kraw.create_stream, StreamName=too_long, ShardCount=1,
                 contains="Member must have length less than or equal to 128")
    e = expect_error("LimitExceededException", k.create_stream,
                     StreamName=unique_stream("huge"), ShardCount=501)
    assert "shard limit" in e.response["Error"]["Message"]
    limits = k.describe_limits()
    assert limits["ShardLimit"] == 500


def test_put_errors(k, kraw):
    name = unique_stream("puterr")
    create_stream(k, name, 1)
    big = str(2 ** 128)
    expect_error("InvalidArgumentException", k.put_record, StreamName=name, Data=b"x",
                 PartitionKey="p", ExplicitHashKey=big,
                 message="Invalid ExplicitHashKey. ExplicitHashKey must be in the range: "
                         f"[0, 2^128-1]. Specified value was {big}")
    expect_error("InvalidArgumentException", k.put_records, StreamName=name,
                 Records=[{"Data": b"x", "PartitionKey": "p", "ExplicitHashKey": big}])
    pk = "k" * 257
    expect_error("ValidationException", kraw.put_record, StreamName=name, Data=b"x",
                 PartitionKey=pk,
                 message=f"1 validation error detected: Value '{pk}' at 'partitionKey' failed "
                         "to satisfy constraint: Member must have length less than or equal "
                         "to 256")
    expect_error("ValidationException", kraw.put_record, StreamName=name, Data=b"x",
                 PartitionKey="",
                 contains="Member must have length greater than or equal to 1")
    recs = [{"Data": b"x", "PartitionKey": "p"}] * 501
    expect_error("ValidationException", kraw.put_records, StreamName=name, Records=recs,
                 contains="at 'records' failed to satisfy constraint: Member must have "
                          "length less than or equal to 500")
    expect_error("ValidationException", kraw.put_records, StreamName=name, Records=[],
                 contains="at 'records' failed to satisfy constraint: Member must have "
                          "length greater than or equal to 1")
    # A record over the stream's 1 MiB record size (partition key + data). The model allows
    # 10 MiB blobs now, so this is the service's own check.
    with pytest.raises(ClientError) as e:
        k.put_record(StreamName=name, Data=b"x" * (1024 * 1024), PartitionKey="p")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error_code(e) in ("InvalidArgumentException", "ValidationException"), error_code(e)
    # Over the model's 10 MiB blob limit: ValidationException.
    expect_error("ValidationException", kraw.put_record, StreamName=name,
                 Data=b"x" * (10 * 1024 * 1024 + 1), PartitionKey="p",
                 contains="at 'data' failed to satisfy constraint: Member must have length "
                          "less than or equal to 10485760")
    # Nothing of the above was written.
    assert read_shard(k, name, shard_id(0)) == []


def test_get_errors(k, kraw):
    name = unique_stream("geterr")
    create_stream(k, name, 1)
    k.put_record(StreamName=name, Data=b"x", PartitionKey="p")
    it = k.get_shard_iterator(StreamName=name, ShardId=shard_id(0),
                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    assert len(it) <= 512
    expect_error("ValidationException", kraw.get_records, ShardIterator=it, Limit=10001,
                 message="1 validation error detected: Value '10001' at 'limit' failed to "
                         "satisfy constraint: Member must have value less than or equal to 10000")
    expect_error("ValidationException", kraw.get_records, ShardIterator=it, Limit=0,
                 contains="Member must have value greater than or equal to 1")
    # Tampered: change one character in the middle, keeping it valid base64 of the same length.
    mid = len(it) // 2
    swapped = "B" if it[mid] != "B" else "C"
    tampered = it[:mid] + swapped + it[mid + 1:]
    expect_error("InvalidArgumentException", k.get_records, ShardIterator=tampered,
                 message="Invalid ShardIterator.")
    expect_error("InvalidArgumentException", k.get_records,
                 ShardIterator="AAAAAAAAAAEnot+an+iterator+at+all=", message="Invalid ShardIterator.")
    # The untampered iterator still works.
    assert [r["Data"] for r in k.get_records(ShardIterator=it)["Records"]] == [b"x"]
    expect_error("InvalidArgumentException", k.get_shard_iterator, StreamName=name,
                 ShardId=shard_id(0), ShardIteratorType="AT_SEQUENCE_NUMBER")
    expect_error("ValidationException", kraw.get_shard_iterator, StreamName=name,
                 ShardId=shard_id(0), ShardIteratorType="SOMEWHERE",
                 contains="Member must satisfy enum value set")


def test_protocol_level_errors(module_server):
    # Unknown operation: 400 UnknownOperationException.
    status, headers, body = raw_post(module_server, TARGET_PREFIX + "NoSuchOp", b"{}")
    assert status == 400, (status, body)
    assert json.loads(body)["__type"] == "UnknownOperationException"
    # A body that is not JSON: SerializationException (capital-M Message, as AWS sends it).
    status, headers, body = raw_post(module_server, TARGET_PREFIX + "ListStreams",
                                     b"this is {not json")
    assert status == 400, (status, body)
    doc = json.loads(body)
    assert doc["__type"] == "SerializationException", doc
    assert "Message" in doc, doc
    assert headers.get("x-amzn-RequestId"), "error reply lacks x-amzn-RequestId"
    # A JSON value of the wrong type for a member is a SerializationException too.
    status, _, body = raw_post(module_server, TARGET_PREFIX + "DescribeStreamSummary",
                               b'{"StreamName": 42}')
    assert status == 400 and json.loads(body)["__type"] == "SerializationException", body
    # No signature at all with a Kinesis content type: 400 MissingAuthenticationTokenException.
    status, _, body = raw_post(module_server, TARGET_PREFIX + "ListStreams", b"{}", sign=False)
    assert status in (400, 403), (status, body)
    assert b"MissingAuthenticationToken" in body, body


def test_start_stream_encryption_is_a_clear_400(k):
    name = unique_stream("kms")
    create_stream(k, name, 1)
    with pytest.raises(ClientError) as e:
        k.start_stream_encryption(StreamName=name, EncryptionType="KMS",
                                  KeyId="alias/aws/kinesis")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert e.value.response["Error"]["Message"], "StartStreamEncryption error has no message"
    assert k.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"][
        "EncryptionType"] == "NONE"


# ---------------------------------------------------------------------------------------------
# StreamARN-only addressing
# ---------------------------------------------------------------------------------------------

def test_stream_arn_only_addressing(k):
    name = unique_stream("byarn")
    k.create_stream(StreamName=name, ShardCount=2)
    wait_active(k, name)
    arn = k.describe_stream_summary(StreamARN=arn_of(name))["StreamDescriptionSummary"]["StreamARN"]
    assert arn == arn_of(name)
    shards = k.list_shards(StreamARN=arn)["Shards"]
    assert len(shards) == 2
    put = k.put_record(StreamARN=arn, Data=b"by-arn", PartitionKey="pk")
    it = k.get_shard_iterator(StreamARN=arn, ShardId=put["ShardId"],
                              ShardIteratorType="AT_SEQUENCE_NUMBER",
                              StartingSequenceNumber=put["SequenceNumber"])["ShardIterator"]
    got = k.get_records(ShardIterator=it, StreamARN=arn)["Records"]
    assert [(r["Data"], r["SequenceNumber"]) for r in got][:1] == [(b"by-arn", put["SequenceNumber"])]
    r = k.put_records(StreamARN=arn, Records=[{"Data": b"x", "PartitionKey": "q"}])
    assert r["FailedRecordCount"] == 0
    d = k.describe_stream(StreamARN=arn)["StreamDescription"]
    assert d["StreamName"] == name and len(d["Shards"]) == 2


# ---------------------------------------------------------------------------------------------
# Listing and pagination
# ---------------------------------------------------------------------------------------------

def test_list_streams_pagination(k):
    prefix = f"page-{uuid.uuid4().hex[:6]}"
    mine = [f"{prefix}-{i}" for i in range(5)]
    for n in mine:
        k.create_stream(StreamName=n, ShardCount=1)
    for n in mine:
        wait_active(k, n)
    seen, pages = [], 0
    r = k.list_streams(Limit=2)
    for _ in range(1000):
        pages += 1
        assert len(r["StreamNames"]) <= 2
        assert [s["StreamName"] for s in r["StreamSummaries"]] == r["StreamNames"]
        for s in r["StreamSummaries"]:
            assert s["StreamARN"] == arn_of(s["StreamName"])
            assert s["StreamStatus"] in ("CREATING", "ACTIVE", "UPDATING", "DELETING")
            assert "StreamCreationTimestamp" in s and "StreamModeDetails" in s
        seen.extend(r["StreamNames"])
        if not r["HasMoreStreams"]:
            assert "NextToken" not in r
            break
        assert r.get("NextToken"), "HasMoreStreams without a NextToken"
        r = k.list_streams(Limit=2, NextToken=r["NextToken"])
    else:
        raise AssertionError("ListStreams pagination never ended")
    assert len(seen) == len(set(seen)), "a stream listed twice across pages"
    assert set(mine) <= set(seen)
    assert pages >= 3
    # ExclusiveStartStreamName picks up after that name, in order.
    after = k.list_streams(ExclusiveStartStreamName=mine[1], Limit=3)["StreamNames"]
    assert after[:3] == mine[2:5]
    expect_error("InvalidArgumentException", k.list_streams, NextToken="garbage-token")


def test_describe_stream_limit_and_exclusive_start(k):
    name = unique_stream("desc")
    create_stream(k, name, 5)
    d = k.describe_stream(StreamName=name, Limit=2)["StreamDescription"]
    assert [s["ShardId"] for s in d["Shards"]] == [shard_id(0), shard_id(1)]
    assert d["HasMoreShards"] is True
    d = k.describe_stream(StreamName=name, ExclusiveStartShardId=shard_id(1),
                          Limit=10)["StreamDescription"]
    assert [s["ShardId"] for s in d["Shards"]] == [shard_id(i) for i in (2, 3, 4)]
    assert d["HasMoreShards"] is False
    assert d["StreamStatus"] == "ACTIVE" and d["RetentionPeriodHours"] == 24


def test_list_shards_pagination(k):
    name = unique_stream("ls")
    create_stream(k, name, 5)
    r = k.list_shards(StreamName=name, MaxResults=2)
    got = [s["ShardId"] for s in r["Shards"]]
    assert got == [shard_id(0), shard_id(1)]
    token = r["NextToken"]
    # NextToken carries the stream: giving StreamName too is an InvalidArgumentException.
    expect_error("InvalidArgumentException", k.list_shards, StreamName=name, NextToken=token)
    for _ in range(10):
        r = k.list_shards(NextToken=token, MaxResults=2)
        got += [s["ShardId"] for s in r["Shards"]]
        token = r.get("NextToken")
        if not token:
            break
    assert got == [shard_id(i) for i in range(5)]
    r = k.list_shards(StreamName=name, ExclusiveStartShardId=shard_id(2))
    assert [s["ShardId"] for s in r["Shards"]] == [shard_id(3), shard_id(4)]
    assert "NextToken" not in r


def test_list_shards_shard_filters_after_a_split(k):
    """Shards 0 and 1; shard 0 split into 2 and 3. Closed vs open matters for each filter."""
    name = unique_stream("filter")
    create_stream(k, name, 2)
    time.sleep(0.5)
    t_before = datetime.now(timezone.utc)
    time.sleep(0.5)
    k.split_shard(StreamName=name, ShardToSplit=shard_id(0), NewStartingHashKey=str(2 ** 126))
    wait_active(k, name)
    time.sleep(0.5)
    t_after = datetime.now(timezone.utc)

    def ids(flt):
        return sorted(s["ShardId"] for s in list_all_shards(k, name, ShardFilter=flt))

    s0, s1, s2, s3 = (shard_id(i) for i in range(4))
    assert sorted(s["ShardId"] for s in list_all_shards(k, name)) == [s0, s1, s2, s3]
    assert ids({"Type": "AFTER_SHARD_ID", "ShardId": s0}) == [s1, s2, s3]
    assert ids({"Type": "AFTER_SHARD_ID", "ShardId": s2}) == [s3]
    assert ids({"Type": "AT_TRIM_HORIZON"}) == [s0, s1]
    assert ids({"Type": "FROM_TRIM_HORIZON"}) == [s0, s1, s2, s3]
    assert ids({"Type": "AT_LATEST"}) == [s1, s2, s3]
    assert ids({"Type": "AT_TIMESTAMP", "Timestamp": t_before}) == [s0, s1]
    assert ids({"Type": "AT_TIMESTAMP", "Timestamp": t_after}) == [s1, s2, s3]
    assert ids({"Type": "FROM_TIMESTAMP", "Timestamp": t_before}) == [s0, s1, s2, s3]
    assert ids({"Type": "FROM_TIMESTAMP", "Timestamp": t_after}) == [s1, s2, s3]
    # A filter survives pagination through NextToken.
    r = k.list_shards(StreamName=name, ShardFilter={"Type": "AT_LATEST"}, MaxResults=1)
    got = [s["ShardId"] for s in r["Shards"]]
    for _ in range(10):
        if not r.get("NextToken"):
            break
        r = k.list_shards(NextToken=r["NextToken"], MaxResults=1)
        got += [s["ShardId"] for s in r["Shards"]]
    assert got == [s1, s2, s3]


# ---------------------------------------------------------------------------------------------
# Retention, tags, monitoring, mode, limits
# ---------------------------------------------------------------------------------------------

def test_retention_period(k):
    name = unique_stream("ret")
    create_stream(k, name, 1)

    def hours():
        return k.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"][
            "RetentionPeriodHours"]

    assert hours() == 24
    k.increase_stream_retention_period(StreamName=name, RetentionPeriodHours=48)
    assert hours() == 48
    expect_error("InvalidArgumentException", k.increase_stream_retention_period,
                 StreamName=name, RetentionPeriodHours=36)
    expect_error("InvalidArgumentException", k.decrease_stream_retention_period,
                 StreamName=name, RetentionPeriodHours=72)
    expect_error("InvalidArgumentException", k.increase_stream_retention_period,
                 StreamName=name, RetentionPeriodHours=8761,
                 message="Maximum allowed retention period is 8760 hours. Requested retention "
                         "period (8761 hours) is too long.")
    expect_error("InvalidArgumentException", k.decrease_stream_retention_period,
                 StreamName=name, RetentionPeriodHours=12,
                 message="Minimum allowed retention period is 24 hours. Requested retention "
                         "period (12 hours) is too short.")
    expect_error("InvalidArgumentException", k.increase_stream_retention_period,
                 StreamName=name, RetentionPeriodHours=23)
    assert hours() == 48
    k.increase_stream_retention_period(StreamName=name, RetentionPeriodHours=8760)
    assert hours() == 8760
    assert k.describe_stream(StreamName=name)["StreamDescription"]["RetentionPeriodHours"] == 8760
    k.decrease_stream_retention_period(StreamName=name, RetentionPeriodHours=24)
    assert hours() == 24
    # Same value is fine both ways.
    k.increase_stream_retention_period(StreamName=name, RetentionPeriodHours=24)
    k.decrease_stream_retention_period(StreamName=name, RetentionPeriodHours=24)
    # By ARN.
    k.increase_stream_retention_period(StreamARN=arn_of(name), RetentionPeriodHours=30)
    assert hours() == 30


def tags_of(k, name, **kw):
    r = k.list_tags_for_stream(StreamName=name, **kw)
    return {t["Key"]: t["Value"] for t in r["Tags"]}, r["HasMoreTags"]


def test_stream_tags(k, kraw):
    name = unique_stream("tags")
    create_stream(k, name, 1)
    assert tags_of(k, name) == ({}, False)
    k.add_tags_to_stream(StreamName=name, Tags={"team": "data", "env": "ci", "cost": "42"})
    assert tags_of(k, name) == ({"team": "data", "env": "ci", "cost": "42"}, False)
    k.add_tags_to_stream(StreamName=name, Tags={"env": "prod"})     # overwrite
    assert tags_of(k, name)[0]["env"] == "prod"
    # Paging: Limit + ExclusiveStartTagKey.
    page1, more = tags_of(k, name, Limit=2)
    assert len(page1) == 2 and more is True
    last = sorted(page1)[-1]
    page2, more2 = tags_of(k, name, Limit=2, ExclusiveStartTagKey=last)
    assert more2 is False
    assert {**page1, **page2} == {"team": "data", "env": "prod", "cost": "42"}
    assert not set(page1) & set(page2)
    k.remove_tags_from_stream(StreamName=name, TagKeys=["cost", "no-such-key"])
    assert tags_of(k, name)[0] == {"team": "data", "env": "prod"}
    # More than 50 tags on a stream: InvalidArgumentException, and nothing changes.
    many = {f"k{i:02d}": str(i) for i in range(49)}
    e = expect_error("InvalidArgumentException", k.add_tags_to_stream, StreamName=name,
                     Tags=many)
    assert "50" in e.response["Error"]["Message"]
    assert tags_of(k, name)[0] == {"team": "data", "env": "prod"}
    k.add_tags_to_stream(StreamName=name, Tags={f"k{i:02d}": str(i) for i in range(48)})
    assert len(tags_of(k, name, Limit=50)[0]) == 50
    expect_error("ValidationException", kraw.list_tags_for_stream, StreamName=name, Limit=51,
                 contains="Member must have value less than or equal to 50")
    expect_error("ValidationException", kraw.add_tags_to_stream, StreamName=name,
                 Tags={f"t{i}": "v" for i in range(201)},
                 contains="Member must have length less than or equal to 200")
    # Tags at create time.
    other = unique_stream("tagged")
    k.create_stream(StreamName=other, ShardCount=1, Tags={"born": "tagged"})
    wait_active(k, other)
    assert tags_of(k, other)[0] == {"born": "tagged"}


def test_tag_resource_by_arn(k):
    name = unique_stream("tagarn")
    create_stream(k, name, 1)
    arn = arn_of(name)
    k.tag_resource(ResourceARN=arn, Tags={"a": "1", "b": "2"})
    got = {t["Key"]: t["Value"] for t in k.list_tags_for_resource(ResourceARN=arn)["Tags"]}
    assert got == {"a": "1", "b": "2"}
    assert tags_of(k, name)[0] == {"a": "1", "b": "2"}, "TagResource and ListTagsForStream disagree"
    k.untag_resource(ResourceARN=arn, TagKeys=["a"])
    got = {t["Key"]: t["Value"] for t in k.list_tags_for_resource(ResourceARN=arn)["Tags"]}
    assert got == {"b": "2"}
    # A consumer ARN is a taggable resource of its own.
    c = k.register_stream_consumer(StreamARN=arn, ConsumerName="tagged")["Consumer"]
    wait_consumer_active(k, c["ConsumerARN"])
    k.tag_resource(ResourceARN=c["ConsumerARN"], Tags={"owner": "me"})
    got = {t["Key"]: t["Value"]
           for t in k.list_tags_for_resource(ResourceARN=c["ConsumerARN"])["Tags"]}
    assert got == {"owner": "me"}
    assert tags_of(k, name)[0] == {"b": "2"}, "consumer tags leaked onto the stream"
    k.untag_resource(ResourceARN=c["ConsumerARN"], TagKeys=["owner"])
    assert k.list_tags_for_resource(ResourceARN=c["ConsumerARN"])["Tags"] == []
    expect_error("ResourceNotFoundException", k.list_tags_for_resource,
                 ResourceARN=arn_of(unique_stream("ghost")))
    k.delete_stream(StreamName=name, EnforceConsumerDeletion=True)


def test_enhanced_monitoring(k):
    name = unique_stream("mon")
    create_stream(k, name, 1)

    def metrics():
        d = k.describe_stream(StreamName=name)["StreamDescription"]
        return sorted(d["EnhancedMonitoring"][0]["ShardLevelMetrics"])

    assert metrics() == []
    r = k.enable_enhanced_monitoring(StreamName=name,
                                     ShardLevelMetrics=["IncomingBytes", "OutgoingRecords"])
    assert r["StreamName"] == name
    assert sorted(r["CurrentShardLevelMetrics"]) == []
    assert sorted(r["DesiredShardLevelMetrics"]) == ["IncomingBytes", "OutgoingRecords"]
    assert metrics() == ["IncomingBytes", "OutgoingRecords"]
    r = k.disable_enhanced_monitoring(StreamName=name, ShardLevelMetrics=["IncomingBytes"])
    assert sorted(r["CurrentShardLevelMetrics"]) == ["IncomingBytes", "OutgoingRecords"]
    assert sorted(r["DesiredShardLevelMetrics"]) == ["OutgoingRecords"]
    assert metrics() == ["OutgoingRecords"]
    k.enable_enhanced_monitoring(StreamName=name, ShardLevelMetrics=["ALL"])
    assert metrics() == sorted(["IncomingBytes", "IncomingRecords", "OutgoingBytes",
                                "OutgoingRecords", "WriteProvisionedThroughputExceeded",
                                "ReadProvisionedThroughputExceeded", "IteratorAgeMilliseconds"])
    k.disable_enhanced_monitoring(StreamName=name, ShardLevelMetrics=["ALL"])
    assert metrics() == []


def test_update_stream_mode_and_describe_limits(k):
    before = k.describe_limits()
    assert before["ShardLimit"] == 500
    assert before["OnDemandStreamCountLimit"] == 50
    name = unique_stream("mode")
    create_stream(k, name, 3)
    after = k.describe_limits()
    assert after["OpenShardCount"] == before["OpenShardCount"] + 3
    arn = arn_of(name)
    k.update_stream_mode(StreamARN=arn, StreamModeDetails={"StreamMode": "ON_DEMAND"})
    s = wait_active(k, name)
    assert s["StreamModeDetails"] == {"StreamMode": "ON_DEMAND"}
    assert k.describe_limits()["OnDemandStreamCount"] == after["OnDemandStreamCount"] + 1
    # Data keeps flowing through a mode change.
    k.put_record(StreamName=name, Data=b"x", PartitionKey="p")
    k.update_stream_mode(StreamARN=arn, StreamModeDetails={"StreamMode": "PROVISIONED"})
    s = wait_active(k, name)
    assert s["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}
    # An on-demand stream needs no ShardCount.
    od = unique_stream("ondemand")
    k.create_stream(StreamName=od, StreamModeDetails={"StreamMode": "ON_DEMAND"})
    s = wait_active(k, od)
    assert s["StreamModeDetails"] == {"StreamMode": "ON_DEMAND"} and s["OpenShardCount"] >= 1
    k.delete_stream(StreamName=od)


# ---------------------------------------------------------------------------------------------
# CBOR, as the Java SDK sends it
# ---------------------------------------------------------------------------------------------

class JavaTimestamp:
    """A timestamp as the Java SDK writes it in CBOR: tag 1 around epoch milliseconds."""

    def __init__(self, ms):
        self.ms = ms


def java_cbor(v):
    """Encode like Jackson's CBORGenerator in the AWS Java SDK: maps and arrays of unknown
    length (0xBF/0x9F ... 0xFF), blobs as byte strings, timestamps as tag 1 + epoch ms."""
    if isinstance(v, dict):
        return b"\xbf" + b"".join(cbor2.dumps(key) + java_cbor(val) for key, val in v.items()) \
            + b"\xff"
    if isinstance(v, list):
        return b"\x9f" + b"".join(java_cbor(x) for x in v) + b"\xff"
    if isinstance(v, JavaTimestamp):
        return b"\xc1" + cbor2.dumps(v.ms)
    return cbor2.dumps(v)


def cbor_loads(body):
    """Decode a CBOR reply, keeping tag-1 timestamps as CBORTag (cbor2 would read them as
    seconds, but Kinesis puts milliseconds there)."""
    return cbor2.loads(body, semantic_decoders={1: lambda value, immutable: cbor2.CBORTag(1, value)})


def cbor_ms(v):
    """Epoch milliseconds from a CBOR timestamp (tag 1 around a number, or a bare number)."""
    if isinstance(v, cbor2.CBORTag):
        assert v.tag == 1, f"timestamp with CBOR tag {v.tag}"
        v = v.value
    assert isinstance(v, (int, float)), f"timestamp is {type(v).__name__}: {v!r}"
    return v


JAVA_HEADERS = {
    "User-Agent": "aws-sdk-java/2.41.21 Linux/6.1 OpenJDK_64-Bit_Server_VM/17 Java/17 "
                  "md/io#sync md/http#Apache ua/2.1 api/Kinesis#2.41.21",
    "amz-sdk-invocation-id": "4c2b0c5e-3a3c-5bd1-8e4b-6e3a0f1f0a11",
    "amz-sdk-request": "attempt=1; max=4",
}


def cbor_call(server, op, payload):
    status, headers, body = raw_post(server, TARGET_PREFIX + op, java_cbor(payload),
                                     content_type=CBOR_CT, extra_headers=JAVA_HEADERS)
    ct = headers.get("Content-Type", "")
    assert ct.startswith(CBOR_CT), f"{op}: CBOR request answered with Content-Type {ct!r}"
    return status, cbor_loads(body)


def test_cbor_put_and_get_records(module_server, k):
    name = unique_stream("cbor")
    create_stream(k, name, 1)
    t0_ms = int(time.time() * 1000)
    payload = bytes(range(256)) + b"\x00\xff binary"
    status, out = cbor_call(module_server, "PutRecord",
                            {"StreamName": name, "Data": payload, "PartitionKey": "cbor-key"})
    assert status == 200, out
    assert out["ShardId"] == shard_id(0) and SEQ_RE.match(out["SequenceNumber"]), out
    status, out2 = cbor_call(module_server, "PutRecords", {
        "StreamName": name,
        "Records": [{"Data": f"r{i}".encode(), "PartitionKey": f"p{i}"} for i in range(3)]})
    assert status == 200 and out2["FailedRecordCount"] == 0, out2
    assert len(out2["Records"]) == 3

    status, it = cbor_call(module_server, "GetShardIterator", {
        "StreamName": name, "ShardId": shard_id(0), "ShardIteratorType": "TRIM_HORIZON"})
    assert status == 200, it
    status, got = cbor_call(module_server, "GetRecords",
                            {"ShardIterator": it["ShardIterator"], "Limit": 100})
    assert status == 200, got
    recs = got["Records"]
    assert [r["Data"] for r in recs] == [payload, b"r0", b"r1", b"r2"]
    assert all(isinstance(r["Data"], bytes) for r in recs), "CBOR Data is not a byte string"
    assert recs[0]["PartitionKey"] == "cbor-key"
    assert recs[0]["SequenceNumber"] == out["SequenceNumber"]
    now_ms = int(time.time() * 1000)
    for r in recs:
        ms = cbor_ms(r["ApproximateArrivalTimestamp"])
        assert t0_ms - 5000 <= ms <= now_ms + 5000, \
            f"ApproximateArrivalTimestamp {ms} is not epoch milliseconds near {now_ms}"
    assert isinstance(got["MillisBehindLatest"], int)
    assert isinstance(got["NextShardIterator"], str)

    # The JSON view of the same record agrees, to the millisecond.
    json_recs = read_shard(k, name, shard_id(0))
    assert int(round(json_recs[0]["ApproximateArrivalTimestamp"].timestamp() * 1000)) == \
        cbor_ms(recs[0]["ApproximateArrivalTimestamp"])
    assert json_recs[0]["Data"] == payload

    # AT_TIMESTAMP with the Java SDK's timestamp form (tag 1, epoch ms).
    time.sleep(0.05)
    mark = int(time.time() * 1000)
    time.sleep(0.05)
    k.put_record(StreamName=name, Data=b"after-mark", PartitionKey="p")
    status, it = cbor_call(module_server, "GetShardIterator", {
        "StreamName": name, "ShardId": shard_id(0), "ShardIteratorType": "AT_TIMESTAMP",
        "Timestamp": JavaTimestamp(mark)})
    assert status == 200, it
    status, got = cbor_call(module_server, "GetRecords", {"ShardIterator": it["ShardIterator"]})
    assert [r["Data"] for r in got["Records"]] == [b"after-mark"], got

    # DescribeStreamSummary: timestamps in milliseconds there too.
    status, d = cbor_call(module_server, "DescribeStreamSummary", {"StreamName": name})
    assert status == 200
    created = cbor_ms(d["StreamDescriptionSummary"]["StreamCreationTimestamp"])
    assert t0_ms - 60_000 <= created <= now_ms + 5000, created


def test_cbor_errors(module_server, k):
    ghost = unique_stream("ghost")
    status, err = cbor_call(module_server, "DescribeStreamSummary", {"StreamName": ghost})
    assert status == 400
    assert err["__type"] == "ResourceNotFoundException", err
    assert err.get("message") == not_found_msg(ghost), err
    status, err = cbor_call(module_server, "GetRecords", {"ShardIterator": "AAAAAAAAAAEbogus"})
    assert status == 400 and err["__type"] == "InvalidArgumentException", err
    status, err = cbor_call(module_server, "GetRecords",
                            {"ShardIterator": "AAAAAAAAAAEbogus", "Limit": 10001})
    assert status == 400 and err["__type"] == "ValidationException", err
    # Bytes that are not CBOR.
    status, headers, body = raw_post(module_server, TARGET_PREFIX + "ListStreams",
                                     b"\xff\xfe not cbor", content_type=CBOR_CT)
    assert status == 400, body
    assert cbor_loads(body)["__type"] == "SerializationException"


# ---------------------------------------------------------------------------------------------
# HTTP/2 (cleartext, prior knowledge: what the Java SDK v2 and KCL do on http:// endpoints)
# ---------------------------------------------------------------------------------------------

def test_http2_prior_knowledge(module_server, k):
    name = unique_stream("h2")
    create_stream(k, name, 1)
    url = endpoint(module_server) + "/"
    calls = [
        ("DescribeStreamSummary", {"StreamName": name}),
        ("PutRecord", {"StreamName": name, "PartitionKey": "h2",
                       "Data": base64.b64encode(b"over-http2").decode()}),
        ("PutRecord", {"StreamName": name, "PartitionKey": "h2",
                       "Data": base64.b64encode(b"again").decode()}),
    ]
    with httpx.Client(http1=False, http2=True, trust_env=False, timeout=10.0) as c:
        results = []
        for op, payload in calls:
            body = json.dumps(payload).encode()
            r = c.post(url, content=body,
                       headers=signed_headers(url, TARGET_PREFIX + op, body))
            assert r.http_version == "HTTP/2", f"{op} answered over {r.http_version}"
            assert r.status_code == 200, (op, r.status_code, r.text)
            assert r.headers["content-type"].startswith(JSON_CT)
            results.append(r.json())
        # An error over HTTP/2 too.
        body = b'{"StreamName": "no-such-h2-stream"}'
        r = c.post(url, content=body,
                   headers=signed_headers(url, TARGET_PREFIX + "DescribeStreamSummary", body))
        assert r.http_version == "HTTP/2" and r.status_code == 400
        assert r.json()["__type"] == "ResourceNotFoundException"
    assert results[0]["StreamDescriptionSummary"]["StreamName"] == name
    assert results[1]["ShardId"] == shard_id(0)
    assert int(results[2]["SequenceNumber"]) > int(results[1]["SequenceNumber"])
    assert [r["Data"] for r in read_shard(k, name, shard_id(0))] == [b"over-http2", b"again"]

def test_chunked_request_body(module_server, k):
    """A request body sent with Transfer-Encoding: chunked (no Content-Length)."""
    name = unique_stream("chunked")
    create_stream(k, name, 1)
    body = json.dumps({"StreamName": name, "PartitionKey": "c",
                       "Data": base64.b64encode(b"chunked-body").decode()}).encode()
    url = endpoint(module_server) + "/"
    headers = signed_headers(url, TARGET_PREFIX + "PutRecord", body)
    conn = http.client.HTTPConnection("127.0.0.1", module_server.kinesis_port, timeout=10)
    try:
        conn.request("POST", "/", body=iter([body[:10], body[10:]]), headers=headers,
                     encode_chunked=True)
        resp = conn.getresponse()
        out = resp.read()
    finally:
        conn.close()
    assert resp.status == 200, out
    assert json.loads(out)["ShardId"] == shard_id(0)
    assert [r["Data"] for r in read_shard(k, name, shard_id(0))] == [b"chunked-body"]


def test_http2_many_concurrent_streams_on_one_connection(module_server, k):
    name = unique_stream("h2many")
    create_stream(k, name, 2)
    url = endpoint(module_server) + "/"

    async def run():
        async with httpx.AsyncClient(http1=False, http2=True, trust_env=False,
                                     timeout=20.0) as c:
            async def put(i):
                body = json.dumps({"StreamName": name, "PartitionKey": f"k{i}",
                                   "Data": base64.b64encode(f"h2-{i}".encode()).decode()}).encode()
                r = await c.post(url, content=body,
                                 headers=signed_headers(url, TARGET_PREFIX + "PutRecord", body))
                return r.http_version, r.status_code, r.json()
            return await asyncio.gather(*(put(i) for i in range(40)))

    results = asyncio.run(run())
    assert all(v == "HTTP/2" and st == 200 for v, st, _ in results), \
        [(v, st, j) for v, st, j in results if st != 200][:3]
    read = {r["Data"] for i in range(2) for r in read_shard(k, name, shard_id(i))}
    assert read == {f"h2-{i}".encode() for i in range(40)}



# ---------------------------------------------------------------------------------------------
# Kafka interop
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("codec", ["lz4", "gzip", "snappy", "zstd"])
def test_kafka_records_read_through_get_records(module_server, k, codec):
    name = unique_stream(f"kafka-{codec}")
    create_stream(k, name, 3)
    n = 600
    for p in range(3):
        recs = [(f"kk-{i % 11}".encode(), f"kafka-{i}".encode()) for i in range(p, n, 3)]
        produce(module_server.bootstrap, name, recs, partition=p,
                config={"acks": "all", "compression.type": codec, "linger.ms": 20})
    found = {}
    for p in range(3):
        for r in read_shard(k, name, shard_id(p)):
            i = int(r["Data"][len("kafka-"):])
            assert r["PartitionKey"] == f"kk-{i % 11}", r
            assert i % 3 == p, f"record {i} on shard {p}"
            assert i not in found, f"record {i} read twice"
            found[i] = r
    assert sorted(found) == list(range(n))
    # Per partition, Kafka order = Kinesis order.
    for p in range(3):
        got = [int(r["Data"][6:]) for r in read_shard(k, name, shard_id(p))]
        assert got == list(range(p, n, 3))


def test_put_records_read_by_kafka_consumer(module_server, k):
    name = unique_stream("to-kafka")
    create_stream(k, name, 3)
    index = {s["ShardId"]: i for i, s in enumerate(k.list_shards(StreamName=name)["Shards"])}
    sent = {}
    for b in range(2):
        recs = [{"Data": f"kinesis-{b * 500 + i}".encode(), "PartitionKey": f"key-{i % 37}"}
                for i in range(500)]
        r = k.put_records(StreamName=name, Records=recs)
        assert r["FailedRecordCount"] == 0
        for rec, res in zip(recs, r["Records"]):
            sent[rec["Data"]] = (rec["PartitionKey"].encode(), index[res["ShardId"]])
    got = consume_all(module_server.bootstrap, name, partitions=[0, 1, 2], timeout=60)
    read = {}
    for p, recs in got.items():
        for r in recs:
            assert r.value not in read, f"{r.value} consumed twice"
            read[r.value] = (r.key, p)
    assert read == sent

def test_kafka_topic_is_a_stream(module_server, k):
    """A topic created through Kafka is a stream with evenly split shards (CreateStream's rule),
    readable with GetRecords; Kafka's internal topics are not streams."""
    topic = unique_stream("kafka-made")
    create_topic(module_server.bootstrap, topic, partitions=3)
    produce(module_server.bootstrap, topic, [(b"key-a", b"value-a")], partition=2,
            config={"acks": "all"})
    s = k.describe_stream_summary(StreamName=topic)["StreamDescriptionSummary"]
    assert s["StreamStatus"] == "ACTIVE" and s["OpenShardCount"] == 3
    assert s["StreamARN"] == arn_of(topic)
    ranges = shard_ranges(k.list_shards(StreamName=topic)["Shards"])
    step = 2 ** 128 // 3
    assert ranges == {shard_id(0): (0, step - 1), shard_id(1): (step, 2 * step - 1),
                      shard_id(2): (2 * step, MAX_HASH)}
    got = read_shard(k, topic, shard_id(2))
    assert [(r["PartitionKey"], r["Data"]) for r in got] == [("key-a", b"value-a")]
    # Kinesis writes to it route by hash as for any stream.
    r = k.put_record(StreamName=topic, Data=b"from-kinesis", PartitionKey="pk",
                     ExplicitHashKey=str(step + 1))
    assert r["ShardId"] == shard_id(1)
    names = []
    resp = k.list_streams(Limit=1000)
    names += resp["StreamNames"]
    for _ in range(100):
        if not resp["HasMoreStreams"]:
            break
        resp = k.list_streams(Limit=1000, NextToken=resp["NextToken"])
        names += resp["StreamNames"]
    assert topic in names
    assert not [n for n in names if n.startswith("__")], f"internal topics listed as streams: {names}"


@pytest.mark.parametrize("reshard", [False, True])
def test_kafka_cannot_add_partitions_to_a_kinesis_stream(module_server, k, reshard):
    """An open shard's hash range never changes under Kinesis clients, so Kafka cannot grow a
    stream created through Kinesis, resharded or not (docs/KINESIS.md)."""
    name = unique_stream("noadd")
    create_stream(k, name, 2)
    if reshard:
        k.split_shard(StreamName=name, ShardToSplit=shard_id(0), NewStartingHashKey=str(2 ** 126))
        wait_active(k, name)
    before = k.list_shards(StreamName=name)["Shards"]
    admin = AdminClient({"bootstrap.servers": module_server.bootstrap})
    fut = admin.create_partitions([NewPartitions(name, 6)], request_timeout=15)[name]
    with pytest.raises(Exception) as e:
        fut.result(15)
    assert "INVALID_PARTITIONS" in str(e.value) or "Kinesis stream" in str(e.value)
    assert k.list_shards(StreamName=name)["Shards"] == before


def test_kafka_topic_can_grow_and_its_stream_view_follows(module_server, k):
    name = unique_stream("grow")
    admin = AdminClient({"bootstrap.servers": module_server.bootstrap})
    admin.create_topics([NewTopic(name, 2)])[name].result(15)
    admin.create_partitions([NewPartitions(name, 4)])[name].result(15)
    shards = k.list_shards(StreamName=name)["Shards"]
    assert len(shards) == 4
    assert int(shards[0]["HashKeyRange"]["StartingHashKey"]) == 0
    assert int(shards[-1]["HashKeyRange"]["EndingHashKey"]) == 2 ** 128 - 1



# ---------------------------------------------------------------------------------------------
# Resharding end to end
# ---------------------------------------------------------------------------------------------

class Writer(threading.Thread):
    """PutRecords in small batches until stopped (bounded), remembering every ack."""

    def __init__(self, server, name, max_records=20000, max_seconds=30.0):
        super().__init__(daemon=True)
        self.k = kinesis_client(server)
        self.name = name
        self.max_records = max_records
        self.max_seconds = max_seconds
        self.stop = threading.Event()
        self.acked = {}          # data -> (shard, seq)
        self.failed = []
        self.errors = []

    def run(self):
        n = 0
        t_end = time.monotonic() + self.max_seconds
        rng = random.Random(7)
        while not self.stop.is_set() and n < self.max_records and time.monotonic() < t_end:
            batch = [{"Data": f"w{n + i:06d}".encode(), "PartitionKey": f"u{rng.randrange(10**6)}"}
                     for i in range(10)]
            n += len(batch)
            try:
                r = self.k.put_records(StreamName=self.name, Records=batch)
            except ClientError as e:
                self.errors.append(f"{error_code(e)}: {e.response['Error'].get('Message')}")
                continue
            for rec, res in zip(batch, r["Records"]):
                if "ErrorCode" in res:
                    self.failed.append((rec["Data"], res["ErrorCode"], res.get("ErrorMessage")))
                else:
                    self.acked[rec["Data"]] = (res["ShardId"], res["SequenceNumber"])


def test_resharding_under_load_read_back_through_child_shards(module_server, k):
    name = unique_stream("reshard")
    create_stream(k, name, 2)
    s0, s1, s2, s3, s4 = (shard_id(i) for i in range(5))
    writer = Writer(module_server, name)
    writer.start()
    try:
        time.sleep(0.4)
        k.split_shard(StreamName=name, ShardToSplit=s0, NewStartingHashKey=str(2 ** 126))
        wait_active(k, name)
        time.sleep(0.4)
        k.merge_shards(StreamName=name, ShardToMerge=s3, AdjacentShardToMerge=s1)
        wait_active(k, name)
        time.sleep(0.4)
        r = k.update_shard_count(StreamName=name, TargetShardCount=4,
                                 ScalingType="UNIFORM_SCALING")
        assert (r["CurrentShardCount"], r["TargetShardCount"]) == (2, 4)
        wait_active(k, name)
        time.sleep(0.4)
        open_now = sorted((s for s in list_all_shards(k, name)
                           if "EndingSequenceNumber" not in s["SequenceNumberRange"]),
                          key=lambda s: int(s["HashKeyRange"]["StartingHashKey"]))
        assert len(open_now) == 4
        # Errors while the stream has four open shards.
        expect_error("InvalidArgumentException", k.split_shard, StreamName=name,
                     ShardToSplit=s0, NewStartingHashKey=str(2 ** 125),
                     message=f"Shard {s0} in stream {name} under account {ACCOUNT} has already "
                             "been merged or split, and thus is not eligible for merging or "
                             "splitting.")
        expect_error("InvalidArgumentException", k.merge_shards, StreamName=name,
                     ShardToMerge=open_now[0]["ShardId"],
                     AdjacentShardToMerge=open_now[2]["ShardId"])
        expect_error("InvalidArgumentException", k.merge_shards, StreamName=name,
                     ShardToMerge=s1, AdjacentShardToMerge=s2)
        r = k.update_shard_count(StreamName=name, TargetShardCount=2,
                                 ScalingType="UNIFORM_SCALING")
        assert (r["CurrentShardCount"], r["TargetShardCount"]) == (4, 2)
        wait_active(k, name)
        time.sleep(0.4)
    finally:
        writer.stop.set()
        writer.join(timeout=30)
    assert not writer.is_alive()
    assert not writer.errors, f"PutRecords calls failed during resharding: {writer.errors[:3]}"
    assert not writer.failed, f"{len(writer.failed)} records refused: {writer.failed[:3]}"
    assert len(writer.acked) > 200, f"only {len(writer.acked)} records written"

    shards = k.describe_stream(StreamName=name)["StreamDescription"]["Shards"]
    by_id = {s["ShardId"]: s for s in shards}
    for sid in (s0, s1, s2, s3, s4):
        assert sid in by_id, f"{sid} missing from DescribeStream"
    assert by_id[s2].get("ParentShardId") == s0 and by_id[s3].get("ParentShardId") == s0
    assert "AdjacentParentShardId" not in by_id[s2]
    assert by_id[s4].get("ParentShardId") == s3 and by_id[s4].get("AdjacentParentShardId") == s1
    for sid in (s0, s1, s3, s4):
        assert "EndingSequenceNumber" in by_id[sid]["SequenceNumberRange"], f"{sid} not closed"
        end = int(by_id[sid]["SequenceNumberRange"]["EndingSequenceNumber"])
        assert end >= int(by_id[sid]["SequenceNumberRange"]["StartingSequenceNumber"])
    open_ = [s for s in shards if "EndingSequenceNumber" not in s["SequenceNumberRange"]]
    assert sorted((int(s["HashKeyRange"]["StartingHashKey"]),
                   int(s["HashKeyRange"]["EndingHashKey"])) for s in open_) == \
        [(0, 2 ** 127 - 1), (2 ** 127, MAX_HASH)]
    for s in shards:
        if s.get("ParentShardId"):
            assert s["ParentShardId"] in by_id
    summary = wait_active(k, name)
    assert summary["OpenShardCount"] == 2

    # Closed shards' records stay below their EndingSequenceNumber; acks match the hash ranges.
    ranges = shard_ranges(shards)
    # Read everything from the original shards, following ChildShards, parents first.
    by_shard, order, children = read_following_children(k, name, roots=[s0, s1])
    print(f"acked {len(writer.acked)}; read order {order}; per shard "
          f"{ {sid: len(recs) for sid, recs in by_shard.items()} }")
    assert set(children[s0][i]["ShardId"] for i in range(2)) == {s2, s3}
    assert order.index(s0) < order.index(s2) and order.index(s0) < order.index(s3)
    assert order.index(s3) < order.index(s4) and order.index(s1) < order.index(s4)
    assert set(order) == set(by_id), f"following ChildShards reached {order}, stream has {list(by_id)}"
    seen = {}
    for sid, recs in by_shard.items():
        assert_strictly_increasing(seqs(recs), sid)
        if "EndingSequenceNumber" in by_id[sid]["SequenceNumberRange"]:
            end = int(by_id[sid]["SequenceNumberRange"]["EndingSequenceNumber"])
            assert all(s <= end for s in seqs(recs)), f"{sid}: record past EndingSequenceNumber"
        for r in recs:
            assert r["Data"] not in seen, f"{r['Data']} read twice ({seen.get(r['Data'])}, {sid})"
            seen[r["Data"]] = (sid, r["SequenceNumber"])
            lo, hi = ranges[sid]
            assert lo <= md5_hash_key(r["PartitionKey"]) <= hi, f"{r['Data']} on {sid} out of range"
    missing = set(writer.acked) - set(seen)
    assert not missing, f"{len(missing)} acked records not read, e.g. {sorted(missing)[:5]}"
    extra = set(seen) - set(writer.acked)
    assert not extra, f"{len(extra)} records nobody acked, e.g. {sorted(extra)[:5]}"
    moved = {d: (writer.acked[d], seen[d]) for d in writer.acked if writer.acked[d] != seen[d]}
    assert not moved, f"{len(moved)} records read at another shard/seq than acked: {list(moved.items())[:3]}"

    # Kafka sees every shard as a partition; a produce to a closed one is refused.
    p = Producer({"bootstrap.servers": module_server.bootstrap, "acks": "all",
                  "message.timeout.ms": 10000, "retries": 0})
    errs = []
    p.produce(name, key=b"k", value=b"to-closed", partition=0,
              on_delivery=lambda err, msg: errs.append(err))
    assert p.flush(15) == 0
    assert len(errs) == 1 and errs[0] is not None, f"produce to closed shard 0 gave {errs}"
    assert errs[0].code() == KafkaError.POLICY_VIOLATION, f"got {errs[0]}"
    # A produce to an open shard still works.
    open_index = int(open_[0]["ShardId"][-12:])
    produce(module_server.bootstrap, name, [(b"k", b"to-open")], partition=open_index,
            config={"acks": "all"})
    assert b"to-open" in [r["Data"] for r in read_shard(k, name, open_[0]["ShardId"])]


# ---------------------------------------------------------------------------------------------
# Enhanced fan-out
# ---------------------------------------------------------------------------------------------

def collect_events(resp, want, timeout=20.0):
    """Records from a SubscribeToShard event stream until `want` records or `timeout` s."""
    records, events = [], []
    deadline = time.monotonic() + timeout
    for ev in resp["EventStream"]:
        assert "SubscribeToShardEvent" in ev, f"unexpected event {ev}"
        e = ev["SubscribeToShardEvent"]
        events.append(e)
        records.extend(e["Records"])
        if len(records) >= want or time.monotonic() > deadline or e.get("ChildShards"):
            break
    return records, events


def test_consumers_and_subscribe_to_shard(module_server, k):
    name = unique_stream("efo")
    create_stream(k, name, 2)
    arn = arn_of(name)
    assert k.list_stream_consumers(StreamARN=arn)["Consumers"] == []
    c = k.register_stream_consumer(StreamARN=arn, ConsumerName="app-1")["Consumer"]
    assert c["ConsumerName"] == "app-1"
    assert re.fullmatch(rf"{re.escape(arn)}/consumer/app-1:\d+", c["ConsumerARN"]), c
    assert c["ConsumerStatus"] in ("CREATING", "ACTIVE")
    d = wait_consumer_active(k, c["ConsumerARN"])
    assert d["StreamARN"] == arn and d["ConsumerName"] == "app-1"
    d2 = k.describe_stream_consumer(StreamARN=arn, ConsumerName="app-1")["ConsumerDescription"]
    assert d2["ConsumerARN"] == c["ConsumerARN"]
    expect_error("ResourceInUseException", k.register_stream_consumer, StreamARN=arn,
                 ConsumerName="app-1")
    expect_error("ResourceNotFoundException", k.describe_stream_consumer, StreamARN=arn,
                 ConsumerName="nobody")
    c2 = k.register_stream_consumer(StreamARN=arn, ConsumerName="app-2")["Consumer"]
    wait_consumer_active(k, c2["ConsumerARN"])
    listed = k.list_stream_consumers(StreamARN=arn)["Consumers"]
    assert sorted(x["ConsumerName"] for x in listed) == ["app-1", "app-2"]
    assert k.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"][
        "ConsumerCount"] == 2

    # Records before and after subscribing, all on shard 0.
    before = [f"pre-{i}".encode() for i in range(30)]
    k.put_records(StreamName=name, Records=[{"Data": d, "PartitionKey": "p", "ExplicitHashKey": "0"}
                                            for d in before])
    sub = kinesis_client(module_server, read_timeout=15)
    resp = sub.subscribe_to_shard(ConsumerARN=c["ConsumerARN"], ShardId=shard_id(0),
                                  StartingPosition={"Type": "TRIM_HORIZON"})
    # A second subscription of the same consumer to the same shard within 5 s is refused.
    expect_error("ResourceInUseException", kinesis_client(module_server).subscribe_to_shard,
                 ConsumerARN=c["ConsumerARN"], ShardId=shard_id(0),
                 StartingPosition={"Type": "TRIM_HORIZON"})
    after = [f"post-{i}".encode() for i in range(20)]
    for d in after:
        k.put_record(StreamName=name, Data=d, PartitionKey="p", ExplicitHashKey="0")
    records, events = collect_events(resp, len(before) + len(after))
    resp["EventStream"].close()
    assert [r["Data"] for r in records] == before + after
    assert all(r["PartitionKey"] == "p" for r in records)
    assert_strictly_increasing(seqs(records), "SubscribeToShard")
    for e in events:
        assert SEQ_RE.match(e["ContinuationSequenceNumber"]), e
        assert isinstance(e["MillisBehindLatest"], int), e
    assert events[-1]["ContinuationSequenceNumber"] == records[-1]["SequenceNumber"]
    assert isinstance(records[0]["ApproximateArrivalTimestamp"], datetime)

    # Resume after the continuation point (another consumer: no 5-second takeover rule).
    resp2 = kinesis_client(module_server, read_timeout=15).subscribe_to_shard(
        ConsumerARN=c2["ConsumerARN"], ShardId=shard_id(0),
        StartingPosition={"Type": "AFTER_SEQUENCE_NUMBER",
                          "SequenceNumber": events[-1]["ContinuationSequenceNumber"]})
    k.put_record(StreamName=name, Data=b"resumed", PartitionKey="p", ExplicitHashKey="0")
    recs2, _ = collect_events(resp2, 1)
    resp2["EventStream"].close()
    assert [r["Data"] for r in recs2] == [b"resumed"]

    # DeleteStream refuses while consumers are registered, unless told to delete them.
    expect_error("ResourceInUseException", k.delete_stream, StreamName=name)
    k.deregister_stream_consumer(StreamARN=arn, ConsumerName="app-2")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        names = [x["ConsumerName"] for x in k.list_stream_consumers(StreamARN=arn)["Consumers"]]
        if names == ["app-1"]:
            break
        time.sleep(0.1)
    assert names == ["app-1"]
    # The ARN names one registration: a consumer registered again under the same name (a
    # second later) has a new ARN, and the old one is gone.
    time.sleep(1.1)
    again = k.register_stream_consumer(StreamARN=arn, ConsumerName="app-2")["Consumer"]
    assert again["ConsumerARN"] != c2["ConsumerARN"]
    expect_error("ResourceNotFoundException", k.describe_stream_consumer,
                 ConsumerARN=c2["ConsumerARN"])
    k.deregister_stream_consumer(ConsumerARN=again["ConsumerARN"])
    expect_error("ResourceInUseException", k.delete_stream, StreamName=name)
    k.delete_stream(StreamName=name, EnforceConsumerDeletion=True)
    wait_gone(k, name)


def test_subscribe_to_closed_shard_ends_with_child_shards(module_server, k):
    name = unique_stream("efo-split")
    create_stream(k, name, 1)
    data = [f"d{i}".encode() for i in range(10)]
    k.put_records(StreamName=name, Records=[{"Data": d, "PartitionKey": "p"} for d in data])
    k.split_shard(StreamName=name, ShardToSplit=shard_id(0), NewStartingHashKey=str(2 ** 127))
    wait_active(k, name)
    c = k.register_stream_consumer(StreamARN=arn_of(name), ConsumerName="c")["Consumer"]
    wait_consumer_active(k, c["ConsumerARN"])
    resp = kinesis_client(module_server, read_timeout=15).subscribe_to_shard(
        ConsumerARN=c["ConsumerARN"], ShardId=shard_id(0),
        StartingPosition={"Type": "TRIM_HORIZON"})
    records, events = collect_events(resp, 10 ** 9, timeout=15)
    resp["EventStream"].close()
    assert [r["Data"] for r in records] == data
    kids = events[-1].get("ChildShards")
    assert kids, f"last event of a closed shard has no ChildShards: {events[-1]}"
    assert sorted(x["ShardId"] for x in kids) == [shard_id(1), shard_id(2)]
    for x in kids:
        assert x["ParentShards"] == [shard_id(0)]
    k.delete_stream(StreamName=name, EnforceConsumerDeletion=True)

def register_active(k, name, consumer):
    c = k.register_stream_consumer(StreamARN=arn_of(name), ConsumerName=consumer)["Consumer"]
    wait_consumer_active(k, c["ConsumerARN"])
    return c["ConsumerARN"]


@pytest.mark.parametrize("position", ["TRIM_HORIZON", "LATEST"])
def test_subscribe_to_an_empty_shard_then_receive(module_server, k, position):
    """The usual KCL start: subscribe to a new, empty shard and wait for records."""
    name = unique_stream("efo-empty")
    create_stream(k, name, 1)
    arn = register_active(k, name, "c")
    resp = kinesis_client(module_server, read_timeout=15).subscribe_to_shard(
        ConsumerARN=arn, ShardId=shard_id(0), StartingPosition={"Type": position})
    sent = [f"e{i}".encode() for i in range(5)]
    for d in sent:
        k.put_record(StreamName=name, Data=d, PartitionKey="p")
    records, events = collect_events(resp, len(sent), timeout=15)
    resp["EventStream"].close()
    assert events, "the subscription ended without a single SubscribeToShardEvent"
    assert [r["Data"] for r in records] == sent
    for e in events:
        assert SEQ_RE.match(e["ContinuationSequenceNumber"]), e
    k.delete_stream(StreamName=name, EnforceConsumerDeletion=True)


def test_subscription_follows_a_live_split_to_child_shards(module_server, k):
    name = unique_stream("efo-live")
    create_stream(k, name, 1)
    k.put_record(StreamName=name, Data=b"old", PartitionKey="p")
    arn = register_active(k, name, "c")
    resp = kinesis_client(module_server, read_timeout=15).subscribe_to_shard(
        ConsumerARN=arn, ShardId=shard_id(0), StartingPosition={"Type": "LATEST"})
    sent = [f"live{i}".encode() for i in range(5)]
    for d in sent:
        k.put_record(StreamName=name, Data=d, PartitionKey="p")
    k.split_shard(StreamName=name, ShardToSplit=shard_id(0), NewStartingHashKey=str(2 ** 127))
    records, events = collect_events(resp, 10 ** 9, timeout=15)
    # After ChildShards the service ends the stream.
    rest = list(resp["EventStream"])
    assert [r["Data"] for r in records] == sent
    assert events[-1].get("ChildShards"), f"no ChildShards at the end: {events[-1:]}"
    assert sorted(c["ShardId"] for c in events[-1]["ChildShards"]) == [shard_id(1), shard_id(2)]
    assert rest == [], f"events after ChildShards: {rest}"
    k.delete_stream(StreamName=name, EnforceConsumerDeletion=True)


def drain_until_end(resp, timeout):
    """Iterate an event stream until the server ends it; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    n = 0
    for _ in resp["EventStream"]:
        n += 1
        assert time.monotonic() < deadline, f"subscription still open after {timeout}s"
    return n


def test_subscription_takeover_and_deregister(module_server, k):
    """After 5 s a new subscription of the same consumer and shard takes over (the old one
    ends); deregistering the consumer ends its subscriptions."""
    name = unique_stream("efo-takeover")
    create_stream(k, name, 1)
    k.put_record(StreamName=name, Data=b"x", PartitionKey="p")
    arn = register_active(k, name, "c")
    first = kinesis_client(module_server, read_timeout=12).subscribe_to_shard(
        ConsumerARN=arn, ShardId=shard_id(0), StartingPosition={"Type": "TRIM_HORIZON"})
    time.sleep(5.3)
    second = kinesis_client(module_server, read_timeout=12).subscribe_to_shard(
        ConsumerARN=arn, ShardId=shard_id(0), StartingPosition={"Type": "TRIM_HORIZON"})
    drain_until_end(first, 8)
    recs, _ = collect_events(second, 1)
    assert [r["Data"] for r in recs] == [b"x"]
    k.deregister_stream_consumer(ConsumerARN=arn)
    drain_until_end(second, 8)
    expect_error("ResourceNotFoundException", k.subscribe_to_shard, ConsumerARN=arn,
                 ShardId=shard_id(0), StartingPosition={"Type": "TRIM_HORIZON"})
    k.delete_stream(StreamName=name)


def test_consumer_limit_and_list_pagination(k):
    name = unique_stream("efo-many")
    create_stream(k, name, 1)
    arn = arn_of(name)
    for i in range(20):
        k.register_stream_consumer(StreamARN=arn, ConsumerName=f"c{i:02d}")
    expect_error("LimitExceededException", k.register_stream_consumer, StreamARN=arn,
                 ConsumerName="one-too-many")
    names = []
    r = k.list_stream_consumers(StreamARN=arn, MaxResults=7)
    for _ in range(10):
        assert len(r["Consumers"]) <= 7
        names += [c["ConsumerName"] for c in r["Consumers"]]
        if not r.get("NextToken"):
            break
        r = k.list_stream_consumers(StreamARN=arn, MaxResults=7, NextToken=r["NextToken"])
    assert sorted(names) == [f"c{i:02d}" for i in range(20)] and len(names) == 20
    assert k.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"][
        "ConsumerCount"] == 20
    k.delete_stream(StreamName=name, EnforceConsumerDeletion=True)


def test_subscribe_to_shard_cbor_over_http2(module_server, k):
    """What KCL does by default: SubscribeToShard in CBOR over cleartext HTTP/2."""
    name = unique_stream("efo-kcl")
    create_stream(k, name, 1)
    sent = [bytes([i]) * 10 + b"\x00\xff" for i in range(20)]
    k.put_records(StreamName=name, Records=[{"Data": d, "PartitionKey": "p"} for d in sent])
    arn = register_active(k, name, "kcl")
    url = endpoint(module_server) + "/"
    body = java_cbor({"ConsumerARN": arn, "ShardId": shard_id(0),
                      "StartingPosition": {"Type": "TRIM_HORIZON"}})
    headers = signed_headers(url, TARGET_PREFIX + "SubscribeToShard", body, CBOR_CT,
                             extra=JAVA_HEADERS)
    buf = EventStreamBuffer()
    messages, records = [], []
    deadline = time.monotonic() + 15
    with httpx.Client(http1=False, http2=True, trust_env=False, timeout=12.0) as c:
        with c.stream("POST", url, content=body, headers=headers) as r:
            assert r.http_version == "HTTP/2"
            assert r.status_code == 200, r.read()
            assert r.headers["content-type"] == "application/vnd.amazon.eventstream"
            for chunk in r.iter_raw():
                buf.add_data(chunk)
                for m in buf:
                    messages.append(m)
                    if m.headers.get(":event-type") == "SubscribeToShardEvent":
                        ev = cbor_loads(m.payload)
                        assert "ContinuationSequenceNumber" in ev, ev
                        records += ev["Records"]
                if len(records) >= len(sent) or time.monotonic() > deadline:
                    break
    first = messages[0].headers
    assert (first.get(":message-type"), first.get(":event-type")) == ("event", "initial-response")
    assert [r["Data"] for r in records] == sent
    now_ms = time.time() * 1000
    for rec in records:
        assert abs(cbor_ms(rec["ApproximateArrivalTimestamp"]) - now_ms) < 60_000
    k.delete_stream(StreamName=name, EnforceConsumerDeletion=True)



# ---------------------------------------------------------------------------------------------
# Restart
# ---------------------------------------------------------------------------------------------

def test_state_survives_kill9(server):
    k = kinesis_client(server)
    name = unique_stream("persist")
    other = unique_stream("persist-other")
    create_stream(k, name, 2)
    create_stream(k, other, 1)
    acked = {}

    def put(n, prefix):
        recs = [{"Data": f"{prefix}-{i}".encode(), "PartitionKey": f"pk-{i}"} for i in range(n)]
        r = k.put_records(StreamName=name, Records=recs)
        assert r["FailedRecordCount"] == 0
        for rec, res in zip(recs, r["Records"]):
            acked[rec["Data"]] = (res["ShardId"], res["SequenceNumber"])

    put(100, "a")
    k.split_shard(StreamName=name, ShardToSplit=shard_id(0), NewStartingHashKey=str(2 ** 126))
    wait_active(k, name)
    put(100, "b")
    k.add_tags_to_stream(StreamName=name, Tags={"team": "data", "env": "ci"})
    k.increase_stream_retention_period(StreamName=name, RetentionPeriodHours=72)
    k.enable_enhanced_monitoring(StreamName=name, ShardLevelMetrics=["IncomingBytes"])
    cons = k.register_stream_consumer(StreamARN=arn_of(name), ConsumerName="keeper")["Consumer"]
    wait_consumer_active(k, cons["ConsumerARN"])
    before_shards = k.describe_stream(StreamName=name)["StreamDescription"]["Shards"]
    last_seq = defaultdict(int)
    for shard, seq in acked.values():
        last_seq[shard] = max(last_seq[shard], int(seq))
    it = k.get_shard_iterator(StreamName=name, ShardId=shard_id(1),
                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]

    server.kill9()
    server.restart()
    k = kinesis_client(server)

    s = wait_active(k, name)
    assert s["RetentionPeriodHours"] == 72
    assert s["OpenShardCount"] == 3
    assert s["ConsumerCount"] == 1
    d = k.describe_stream(StreamName=name)["StreamDescription"]
    assert d["Shards"] == before_shards, "shards changed across kill -9"
    assert "EndingSequenceNumber" in d["Shards"][0]["SequenceNumberRange"]
    assert d["EnhancedMonitoring"][0]["ShardLevelMetrics"] == ["IncomingBytes"]
    assert tags_of(k, name)[0] == {"team": "data", "env": "ci"}
    consumers = k.list_stream_consumers(StreamARN=arn_of(name))["Consumers"]
    assert [(x["ConsumerName"], x["ConsumerARN"]) for x in consumers] == \
        [("keeper", cons["ConsumerARN"])]
    assert wait_consumer_active(k, cons["ConsumerARN"])["ConsumerName"] == "keeper"
    resp = kinesis_client(server, read_timeout=15).subscribe_to_shard(
        ConsumerARN=cons["ConsumerARN"], ShardId=shard_id(1),
        StartingPosition={"Type": "TRIM_HORIZON"})
    want1 = sum(1 for sh, _ in acked.values() if sh == shard_id(1))
    got1, _ = collect_events(resp, want1)
    resp["EventStream"].close()
    assert len(got1) == want1, f"SubscribeToShard after restart gave {len(got1)} of {want1}"
    assert other in k.list_streams()["StreamNames"]

    # Every acked record is there once, where it was acked.
    by_shard, _, _ = read_following_children(k, name)
    seen = {r["Data"]: (sid, r["SequenceNumber"]) for sid, recs in by_shard.items() for r in recs}
    assert seen == acked
    # An iterator handed out before the restart is still good (it is < 5 minutes old).
    assert len(k.get_records(ShardIterator=it)["Records"]) == len(by_shard[shard_id(1)])

    # New writes continue each open shard's sequence upward; the closed shard takes none.
    for sh in d["Shards"]:
        if "EndingSequenceNumber" in sh["SequenceNumberRange"]:
            continue
        r = k.put_record(StreamName=name, Data=b"after-restart", PartitionKey="x",
                         ExplicitHashKey=sh["HashKeyRange"]["StartingHashKey"])
        assert r["ShardId"] == sh["ShardId"]
        assert int(r["SequenceNumber"]) > last_seq[sh["ShardId"]], \
            f"{sh['ShardId']}: sequence {r['SequenceNumber']} not above {last_seq[sh['ShardId']]}"
    r = k.put_record(StreamName=name, Data=b"x", PartitionKey="x", ExplicitHashKey="0")
    assert r["ShardId"] != shard_id(0), "a write went to the closed shard after restart"


def test_sigterm_ends_open_subscriptions_cleanly(server):
    k = kinesis_client(server)
    name = unique_stream("term")
    create_stream(k, name, 1)
    k.put_record(StreamName=name, Data=b"x", PartitionKey="p")
    c = k.register_stream_consumer(StreamARN=arn_of(name), ConsumerName="c")["Consumer"]
    wait_consumer_active(k, c["ConsumerARN"])
    resp = kinesis_client(server, read_timeout=25).subscribe_to_shard(
        ConsumerARN=c["ConsumerARN"], ShardId=shard_id(0),
        StartingPosition={"Type": "TRIM_HORIZON"})
    recs, _ = collect_events(resp, 1)
    assert [r["Data"] for r in recs] == [b"x"]
    t0 = time.monotonic()
    server.terminate()       # asserts exit status 0 within 20 s
    assert time.monotonic() - t0 < 15, "SIGTERM waited on the open subscription"
    # The client sees its stream end (cleanly or cut off), not a hang until its read timeout.
    t1 = time.monotonic()
    try:
        for _ in resp["EventStream"]:
            pass
    except Exception:   # noqa: BLE001 - a cut connection is fine here
        pass
    assert time.monotonic() - t1 < 5, "the event stream outlived the server"
