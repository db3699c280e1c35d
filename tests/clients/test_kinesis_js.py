"""The AWS SDK for JavaScript v3 (@aws-sdk/client-kinesis, pinned in js/package.json) works against
sluice's Kinesis front over HTTP/2 (NodeHttp2Handler, cleartext by prior knowledge): CreateStream,
PutRecords, ListShards, GetShardIterator, GetRecords, a ResourceNotFoundException, and
SubscribeToShard through a registered consumer (js/kinesis_sdk.mjs); boto3 then sees the stream
the SDK deleted (with EnforceConsumerDeletion) gone."""
import json
import os
import shutil
import subprocess

import pytest

from kinesis_util import endpoint, kinesis_client, unique_stream, wait_gone

JS_DIR = os.path.join(os.path.dirname(__file__), "js")


def test_aws_sdk_js_v3_over_http2(server):
    node = shutil.which("node")
    sdk = os.path.join(JS_DIR, "node_modules", "@aws-sdk", "client-kinesis")
    if node is None or not os.path.isdir(sdk):
        pytest.fail("node and @aws-sdk/client-kinesis must be installed by scripts/setup.sh")
    k = kinesis_client(server)
    stream = unique_stream("js")
    out = subprocess.run([node, os.path.join(JS_DIR, "kinesis_sdk.mjs"), endpoint(server),
                          stream],
                         capture_output=True, text=True, timeout=120, cwd=JS_DIR)
    assert out.returncode == 0, \
        f"AWS SDK for JS failed (rc {out.returncode}):\n{out.stderr[-3000:]}\n{out.stdout[-1000:]}"
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["put"] == 200 and report["read"] == 200, report
    assert report["shards"] == 2, report
    assert report["live"] is True and report["subscribed"] >= 2, report
    # The script deleted its stream at the end (consumers and all).
    wait_gone(k, stream)
