"""Kinesis settings that change behaviour, against the real binary: SigV4 verification with
configured access keys, the CREATING delay, streams declared in the config file, and the
emulated per-shard throughput limits."""
import time
import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import SluiceServer, sluice_bin


def client(srv, key="any", secret="any", region="eu-west-1"):
    return boto3.client("kinesis", endpoint_url=f"http://127.0.0.1:{srv.kinesis_port}",
                        region_name=region, aws_access_key_id=key, aws_secret_access_key=secret,
                        config=Config(retries={"total_max_attempts": 1}))


def start_with_config(tmp_path, text, *args):
    cfg = tmp_path / "sluice.toml"
    cfg.write_text(text)
    srv = SluiceServer(sluice_bin(), tmp_path / "srv", extra_args=["--config", str(cfg), *args])
    srv.start()
    return srv


def code(exc_info):
    return exc_info.value.response["Error"]["Code"]


def test_configured_keys_are_verified(tmp_path):
    srv = start_with_config(tmp_path, """
[kinesis]
credentials = [{ access_key_id = "AKIDSLUICETEST", secret_access_key = "s3cret" }]
""")
    try:
        good = client(srv, "AKIDSLUICETEST", "s3cret")
        name = f"auth-{uuid.uuid4().hex[:6]}"
        good.create_stream(StreamName=name, ShardCount=1)
        assert name in good.list_streams()["StreamNames"]
        with pytest.raises(ClientError) as e:
            client(srv, "AKIDSLUICETEST", "wrong").list_streams()
        assert code(e) == "InvalidSignatureException"
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        with pytest.raises(ClientError) as e:
            client(srv, "AKIDUNKNOWN", "s3cret").put_record(StreamName=name, Data=b"x",
                                                             PartitionKey="k")
        assert code(e) == "UnrecognizedClientException"
        # Nothing was written by the refused call.
        it = good.get_shard_iterator(StreamName=name, ShardId="shardId-000000000000",
                                     ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        assert good.get_records(ShardIterator=it)["Records"] == []
    finally:
        srv.stop()


def test_any_well_formed_credentials_by_default(server):
    k = client(server, "whatever", "whatever", region="ap-south-1")
    name = f"open-{uuid.uuid4().hex[:6]}"
    k.create_stream(StreamName=name, ShardCount=1)
    arn = k.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
    # The ARN carries the region the request was signed for.
    assert arn == f"arn:aws:kinesis:ap-south-1:000000000000:stream/{name}"


def test_creating_delay_and_declared_streams(tmp_path):
    srv = start_with_config(tmp_path, """
[kinesis]
create_delay_ms = 1500
account_id = "123456789012"

[[stream]]
name = "declared"
shards = 3
retention_hours = 48
""")
    try:
        k = client(srv)
        s = k.describe_stream_summary(StreamName="declared")["StreamDescriptionSummary"]
        assert (s["OpenShardCount"], s["RetentionPeriodHours"], s["StreamStatus"]) == (3, 48, "ACTIVE")
        assert ":123456789012:" in s["StreamARN"]
        name = f"slow-{uuid.uuid4().hex[:6]}"
        k.create_stream(StreamName=name, ShardCount=1)
        status = k.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamStatus"]
        assert status == "CREATING"
        # Writes to a CREATING stream are refused as AWS refuses them.
        with pytest.raises(ClientError) as e:
            k.put_record(StreamName=name, Data=b"x", PartitionKey="k")
        assert code(e) == "ResourceNotFoundException"
        deadline = time.time() + 10
        while time.time() < deadline:
            status = k.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamStatus"]
            if status == "ACTIVE":
                break
            time.sleep(0.1)
        assert status == "ACTIVE"
        k.put_record(StreamName=name, Data=b"x", PartitionKey="k")
        # The declared stream is still there, unchanged, after a restart.
        srv.kill9()
        srv.start()
        s = client(srv).describe_stream_summary(StreamName="declared")["StreamDescriptionSummary"]
        assert (s["OpenShardCount"], s["RetentionPeriodHours"]) == (3, 48)
    finally:
        srv.stop()


def test_emulated_shard_limits(tmp_path):
    srv = start_with_config(tmp_path, "", "--kinesis-enforce-shard-limits", "true")
    try:
        k = client(srv)
        name = f"lim-{uuid.uuid4().hex[:6]}"
        k.create_stream(StreamName=name, ShardCount=1)
        throttled = 0
        for _ in range(4):  # 2,000 records in well under a second: over 1,000 records/s
            r = k.put_records(StreamName=name, Records=[
                {"Data": b"x" * 10, "PartitionKey": str(i)} for i in range(500)])
            throttled += r["FailedRecordCount"]
            for e in r["Records"]:
                if "ErrorCode" in e:
                    assert e["ErrorCode"] == "ProvisionedThroughputExceededException"
                    assert "Rate exceeded for shard shardId-000000000000" in e["ErrorMessage"]
        assert throttled >= 500
        it = k.get_shard_iterator(StreamName=name, ShardId="shardId-000000000000",
                                  ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        with pytest.raises(ClientError) as e:
            for _ in range(10):  # more than 5 GetRecords per second
                it = k.get_records(ShardIterator=it, Limit=1)["NextShardIterator"]
        assert code(e) == "ProvisionedThroughputExceededException"
    finally:
        srv.stop()
