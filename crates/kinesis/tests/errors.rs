//! Every operation's error cases through the whole request path (authentication, parsing,
//! validation, dispatch), checked for AWS's exact `__type`: a missing stream, a bad argument,
//! a limit, a resource in use. Real-client tests (tests/clients) cover the happy paths.

mod common;
use bytes::Bytes;
use common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn missing_stream_everywhere() {
    let e = env();
    let n = json!({"StreamName": "nope"});
    let a = json!({"StreamARN": arn("nope")});
    let cases: Vec<(&str, Value)> = vec![
        ("DescribeStream", n.clone()),
        ("DescribeStreamSummary", n.clone()),
        ("DescribeStreamSummary", a.clone()),
        ("DeleteStream", n.clone()),
        (
            "PutRecord",
            json!({"StreamName": "nope", "Data": "eA==", "PartitionKey": "k"}),
        ),
        (
            "PutRecord",
            json!({"StreamARN": arn("nope"), "Data": "eA==", "PartitionKey": "k"}),
        ),
        (
            "PutRecords",
            json!({"StreamName": "nope", "Records": [{"Data": "eA==", "PartitionKey": "k"}]}),
        ),
        (
            "GetShardIterator",
            json!({"StreamName": "nope", "ShardId": "shardId-000000000000", "ShardIteratorType": "LATEST"}),
        ),
        ("ListShards", n.clone()),
        (
            "SplitShard",
            json!({"StreamName": "nope", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": "5"}),
        ),
        (
            "MergeShards",
            json!({"StreamName": "nope", "ShardToMerge": "shardId-000000000000", "AdjacentShardToMerge": "shardId-000000000001"}),
        ),
        (
            "UpdateShardCount",
            json!({"StreamName": "nope", "TargetShardCount": 2, "ScalingType": "UNIFORM_SCALING"}),
        ),
        (
            "AddTagsToStream",
            json!({"StreamName": "nope", "Tags": {"a": "b"}}),
        ),
        (
            "RemoveTagsFromStream",
            json!({"StreamName": "nope", "TagKeys": ["a"]}),
        ),
        ("ListTagsForStream", n.clone()),
        (
            "TagResource",
            json!({"ResourceARN": arn("nope"), "Tags": {"a": "b"}}),
        ),
        (
            "UntagResource",
            json!({"ResourceARN": arn("nope"), "TagKeys": ["a"]}),
        ),
        ("ListTagsForResource", json!({"ResourceARN": arn("nope")})),
        (
            "IncreaseStreamRetentionPeriod",
            json!({"StreamName": "nope", "RetentionPeriodHours": 48}),
        ),
        (
            "DecreaseStreamRetentionPeriod",
            json!({"StreamName": "nope", "RetentionPeriodHours": 24}),
        ),
        (
            "EnableEnhancedMonitoring",
            json!({"StreamName": "nope", "ShardLevelMetrics": ["ALL"]}),
        ),
        (
            "DisableEnhancedMonitoring",
            json!({"StreamName": "nope", "ShardLevelMetrics": ["ALL"]}),
        ),
        (
            "UpdateStreamMode",
            json!({"StreamARN": arn("nope"), "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
        ),
        (
            "RegisterStreamConsumer",
            json!({"StreamARN": arn("nope"), "ConsumerName": "c"}),
        ),
        ("ListStreamConsumers", a.clone()),
        (
            "DescribeStreamConsumer",
            json!({"ConsumerARN": format!("{}/consumer/c:1", arn("nope"))}),
        ),
        (
            "DeregisterStreamConsumer",
            json!({"StreamARN": arn("nope"), "ConsumerName": "c"}),
        ),
        (
            "SubscribeToShard",
            json!({"ConsumerARN": format!("{}/consumer/c:1", arn("nope")), "ShardId": "shardId-000000000000", "StartingPosition": {"Type": "LATEST"}}),
        ),
    ];
    for (op, body) in cases {
        let m = err(&e, op, body, "ResourceNotFoundException").await;
        assert!(m.contains("nope") || m.contains("Consumer"), "{op}: {m}");
    }
    let m = err(&e, "DescribeStreamSummary", n, "ResourceNotFoundException").await;
    assert_eq!(m, "Stream nope under account 000000000000 not found.");
    // An iterator of a stream deleted since.
    ok(
        &e,
        "CreateStream",
        json!({"StreamName": "gone", "ShardCount": 1}),
    )
    .await;
    let it = ok(&e, "GetShardIterator", json!({"StreamName": "gone", "ShardId": "shardId-000000000000", "ShardIteratorType": "TRIM_HORIZON"})).await;
    ok(&e, "DeleteStream", json!({"StreamName": "gone"})).await;
    err(
        &e,
        "GetRecords",
        json!({"ShardIterator": it["ShardIterator"]}),
        "ResourceNotFoundException",
    )
    .await;
}

#[tokio::test]
async fn bad_arguments_get_aws_types() {
    let e = env();
    ok(
        &e,
        "CreateStream",
        json!({"StreamName": "s", "ShardCount": 2}),
    )
    .await;
    let sid0 = "shardId-000000000000";
    // Validation (model constraints), in Coral's words.
    let m = err(
        &e,
        "CreateStream",
        json!({"StreamName": "t", "ShardCount": 0}),
        "ValidationException",
    )
    .await;
    assert_eq!(m, "1 validation error detected: Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1");
    err(
        &e,
        "CreateStream",
        json!({"StreamName": "bad name!", "ShardCount": 1}),
        "ValidationException",
    )
    .await;
    err(
        &e,
        "CreateStream",
        json!({"StreamName": "t"}),
        "ValidationException",
    )
    .await;
    err(
        &e,
        "PutRecord",
        json!({"StreamName": "s", "Data": "eA==", "PartitionKey": ""}),
        "ValidationException",
    )
    .await;
    err(
        &e,
        "PutRecord",
        json!({"StreamName": "s", "Data": "eA==", "PartitionKey": "k".repeat(257)}),
        "ValidationException",
    )
    .await;
    err(
        &e,
        "PutRecord",
        json!({"StreamName": "s", "Data": "eA=="}),
        "ValidationException",
    )
    .await;
    let many: Vec<Value> = (0..501)
        .map(|i| json!({"Data": "eA==", "PartitionKey": i.to_string()}))
        .collect();
    err(
        &e,
        "PutRecords",
        json!({"StreamName": "s", "Records": many}),
        "ValidationException",
    )
    .await;
    err(
        &e,
        "PutRecords",
        json!({"StreamName": "s", "Records": []}),
        "ValidationException",
    )
    .await;
    err(
        &e,
        "GetShardIterator",
        json!({"StreamName": "s", "ShardId": sid0, "ShardIteratorType": "SOMEWHERE"}),
        "ValidationException",
    )
    .await;
    err(
        &e,
        "GetRecords",
        json!({"ShardIterator": "AAAAAAAAAAE=", "Limit": 10001}),
        "ValidationException",
    )
    .await;
    err(
        &e,
        "ListStreams",
        json!({"Limit": 0}),
        "ValidationException",
    )
    .await;
    err(
        &e,
        "DescribeStream",
        json!({"StreamName": "s", "Limit": 0}),
        "ValidationException",
    )
    .await;
    err(
        &e,
        "EnableEnhancedMonitoring",
        json!({"StreamName": "s", "ShardLevelMetrics": ["Nope"]}),
        "ValidationException",
    )
    .await;
    err(
        &e,
        "UpdateShardCount",
        json!({"StreamName": "s", "TargetShardCount": 2, "ScalingType": "SIDEWAYS"}),
        "ValidationException",
    )
    .await;
    err(
        &e,
        "RegisterStreamConsumer",
        json!({"StreamARN": arn("s"), "ConsumerName": "bad name!"}),
        "ValidationException",
    )
    .await;
    // Serialization: wrong JSON types, undecodable blobs, a body that is not JSON.
    err(
        &e,
        "DescribeStream",
        json!({"StreamName": 5}),
        "SerializationException",
    )
    .await;
    err(
        &e,
        "PutRecord",
        json!({"StreamName": "s", "Data": "***", "PartitionKey": "k"}),
        "SerializationException",
    )
    .await;
    let (status, v) = raw(
        &e,
        "Kinesis_20131202.ListStreams",
        Bytes::from_static(b"{not json"),
    )
    .await;
    assert_eq!(
        (status, v["__type"].as_str()),
        (400, Some("SerializationException"))
    );
    // Unknown operations.
    let (status, v) = raw(
        &e,
        "Kinesis_20131202.NoSuchThing",
        Bytes::from_static(b"{}"),
    )
    .await;
    assert_eq!(
        (status, v["__type"].as_str()),
        (400, Some("UnknownOperationException"))
    );
    // Invalid arguments (semantic checks).
    let m = err(&e, "PutRecord", json!({"StreamName": "s", "Data": "eA==", "PartitionKey": "k", "ExplicitHashKey": "340282366920938463463374607431768211456"}), "InvalidArgumentException").await;
    assert!(m.starts_with("Invalid ExplicitHashKey"), "{m}");
    err(
        &e,
        "GetShardIterator",
        json!({"StreamName": "s", "ShardId": sid0, "ShardIteratorType": "AT_SEQUENCE_NUMBER"}),
        "InvalidArgumentException",
    )
    .await;
    let put = ok(
        &e,
        "PutRecord",
        json!({"StreamName": "s", "Data": "eA==", "PartitionKey": "k", "ExplicitHashKey": "0"}),
    )
    .await;
    let seq0 = put["SequenceNumber"].as_str().unwrap().to_string();
    let m = err(&e, "GetShardIterator", json!({"StreamName": "s", "ShardId": "shardId-000000000001", "ShardIteratorType": "AT_SEQUENCE_NUMBER", "StartingSequenceNumber": seq0}), "InvalidArgumentException").await;
    assert!(m.contains("It encodes shardId-000000000000"), "{m}");
    err(&e, "GetShardIterator", json!({"StreamName": "s", "ShardId": sid0, "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": 4102444800.0}), "InvalidArgumentException").await;
    err(&e, "GetShardIterator", json!({"StreamName": "s", "ShardId": "shardId-000000000009", "ShardIteratorType": "LATEST"}), "ResourceNotFoundException").await;
    // A tampered iterator.
    let it = ok(
        &e,
        "GetShardIterator",
        json!({"StreamName": "s", "ShardId": sid0, "ShardIteratorType": "TRIM_HORIZON"}),
    )
    .await;
    let mut t = it["ShardIterator"].as_str().unwrap().to_string();
    let flip = if t.ends_with('A') { 'B' } else { 'A' };
    t.pop();
    t.push(flip);
    let m = err(
        &e,
        "GetRecords",
        json!({"ShardIterator": t}),
        "InvalidArgumentException",
    )
    .await;
    assert_eq!(m, "Invalid ShardIterator.");
    err(
        &e,
        "ListShards",
        json!({"StreamName": "s", "NextToken": "abc"}),
        "InvalidArgumentException",
    )
    .await;
    err(
        &e,
        "ListStreams",
        json!({"NextToken": "abc"}),
        "InvalidArgumentException",
    )
    .await;
    err(
        &e,
        "SplitShard",
        json!({"StreamName": "s", "ShardToSplit": sid0, "NewStartingHashKey": "0"}),
        "InvalidArgumentException",
    )
    .await;
    err(
        &e,
        "MergeShards",
        json!({"StreamName": "s", "ShardToMerge": sid0, "AdjacentShardToMerge": sid0}),
        "InvalidArgumentException",
    )
    .await;
    err(
        &e,
        "IncreaseStreamRetentionPeriod",
        json!({"StreamName": "s", "RetentionPeriodHours": 12}),
        "InvalidArgumentException",
    )
    .await;
    err(
        &e,
        "IncreaseStreamRetentionPeriod",
        json!({"StreamName": "s", "RetentionPeriodHours": 9000}),
        "InvalidArgumentException",
    )
    .await;
    ok(
        &e,
        "IncreaseStreamRetentionPeriod",
        json!({"StreamName": "s", "RetentionPeriodHours": 48}),
    )
    .await;
    err(
        &e,
        "IncreaseStreamRetentionPeriod",
        json!({"StreamName": "s", "RetentionPeriodHours": 36}),
        "InvalidArgumentException",
    )
    .await;
    err(
        &e,
        "DecreaseStreamRetentionPeriod",
        json!({"StreamName": "s", "RetentionPeriodHours": 72}),
        "InvalidArgumentException",
    )
    .await;
    let tags: serde_json::Map<String, Value> =
        (0..51).map(|i| (format!("k{i}"), json!("v"))).collect();
    err(
        &e,
        "AddTagsToStream",
        json!({"StreamName": "s", "Tags": tags}),
        "InvalidArgumentException",
    )
    .await;
    err(
        &e,
        "StartStreamEncryption",
        json!({"StreamName": "s", "EncryptionType": "KMS", "KeyId": "alias/x"}),
        "InvalidArgumentException",
    )
    .await;
    err(&e, "DescribeStream", json!({}), "InvalidArgumentException").await;
    err(
        &e,
        "DescribeStream",
        json!({"StreamName": "s", "StreamARN": arn("t")}),
        "InvalidArgumentException",
    )
    .await;
    // Closed shards cannot be split again.
    ok(
        &e,
        "SplitShard",
        json!({"StreamName": "s", "ShardToSplit": sid0, "NewStartingHashKey": "1000"}),
    )
    .await;
    let m = err(
        &e,
        "SplitShard",
        json!({"StreamName": "s", "ShardToSplit": sid0, "NewStartingHashKey": "10"}),
        "InvalidArgumentException",
    )
    .await;
    assert!(
        m.ends_with(
            "has already been merged or split, and thus is not eligible for merging or splitting."
        ),
        "{m}"
    );
    let m = err(&e, "MergeShards", json!({"StreamName": "s", "ShardToMerge": "shardId-000000000002", "AdjacentShardToMerge": "shardId-000000000001"}), "InvalidArgumentException").await;
    assert!(m.contains("not an adjacent pair"), "{m}");
}

#[tokio::test]
async fn limits_and_resources_in_use() {
    let e = env();
    let m = err(
        &e,
        "CreateStream",
        json!({"StreamName": "big", "ShardCount": 13}),
        "LimitExceededException",
    )
    .await;
    assert!(m.starts_with("This request would exceed the shard limit for the account 000000000000 in us-east-1. Current shard count for the account: 0. Limit: 12."), "{m}");
    ok(
        &e,
        "CreateStream",
        json!({"StreamName": "a", "ShardCount": 6}),
    )
    .await;
    err(
        &e,
        "CreateStream",
        json!({"StreamName": "a", "ShardCount": 1}),
        "ResourceInUseException",
    )
    .await;
    err(
        &e,
        "UpdateShardCount",
        json!({"StreamName": "a", "TargetShardCount": 13, "ScalingType": "UNIFORM_SCALING"}),
        "LimitExceededException",
    )
    .await;
    err(
        &e,
        "UpdateShardCount",
        json!({"StreamName": "a", "TargetShardCount": 2, "ScalingType": "UNIFORM_SCALING"}),
        "LimitExceededException",
    )
    .await;
    ok(
        &e,
        "CreateStream",
        json!({"StreamName": "b", "ShardCount": 6}),
    )
    .await;
    err(&e, "SplitShard", json!({"StreamName": "b", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": "1000"}), "LimitExceededException").await;
    let limits = ok(&e, "DescribeLimits", json!({})).await;
    assert_eq!(
        (
            limits["ShardLimit"].as_i64(),
            limits["OpenShardCount"].as_i64()
        ),
        (Some(12), Some(12))
    );
    ok(&e, "DeleteStream", json!({"StreamName": "b"})).await;
    ok(
        &e,
        "CreateStream",
        json!({"StreamName": "od", "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
    )
    .await;
    ok(&e, "DeleteStream", json!({"StreamName": "od"})).await;
    ok(
        &e,
        "CreateStream",
        json!({"StreamName": "od1", "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
    )
    .await;
    err(
        &e,
        "CreateStream",
        json!({"StreamName": "od2", "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
        "LimitExceededException",
    )
    .await;
    err(&e, "SplitShard", json!({"StreamName": "od1", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": "1000"}), "ValidationException").await;
    // Consumers: per-stream limit, duplicates, and deletion of a stream that has them.
    ok(
        &e,
        "RegisterStreamConsumer",
        json!({"StreamARN": arn("a"), "ConsumerName": "c1"}),
    )
    .await;
    err(
        &e,
        "RegisterStreamConsumer",
        json!({"StreamARN": arn("a"), "ConsumerName": "c1"}),
        "ResourceInUseException",
    )
    .await;
    ok(
        &e,
        "RegisterStreamConsumer",
        json!({"StreamARN": arn("a"), "ConsumerName": "c2"}),
    )
    .await;
    err(
        &e,
        "RegisterStreamConsumer",
        json!({"StreamARN": arn("a"), "ConsumerName": "c3"}),
        "LimitExceededException",
    )
    .await;
    err(
        &e,
        "DeleteStream",
        json!({"StreamName": "a"}),
        "ResourceInUseException",
    )
    .await;
    ok(
        &e,
        "DeleteStream",
        json!({"StreamName": "a", "EnforceConsumerDeletion": true}),
    )
    .await;
    // UpdateShardCount: at most 10 per rolling 24 hours.
    ok(
        &e,
        "CreateStream",
        json!({"StreamName": "u", "ShardCount": 1}),
    )
    .await;
    for i in 0..10 {
        let target = if i % 2 == 0 { 2 } else { 1 };
        ok(&e, "UpdateShardCount", json!({"StreamName": "u", "TargetShardCount": target, "ScalingType": "UNIFORM_SCALING"})).await;
    }
    err(
        &e,
        "UpdateShardCount",
        json!({"StreamName": "u", "TargetShardCount": 2, "ScalingType": "UNIFORM_SCALING"}),
        "LimitExceededException",
    )
    .await;
}

#[tokio::test]
async fn subscribe_to_shard_takeover_rules() {
    let e = env();
    ok(
        &e,
        "CreateStream",
        json!({"StreamName": "f", "ShardCount": 1}),
    )
    .await;
    let c = ok(
        &e,
        "RegisterStreamConsumer",
        json!({"StreamARN": arn("f"), "ConsumerName": "c"}),
    )
    .await;
    let carn = c["Consumer"]["ConsumerARN"].as_str().unwrap().to_string();
    let sub = json!({"ConsumerARN": carn, "ShardId": "shardId-000000000000", "StartingPosition": {"Type": "TRIM_HORIZON"}});
    let (status, v) = call(&e, "SubscribeToShard", sub.clone()).await;
    assert_eq!((status, v), (200, json!({"stream": true})));
    // A second subscription within 5 s is refused.
    err(&e, "SubscribeToShard", sub, "ResourceInUseException").await;
    err(&e, "SubscribeToShard", json!({"ConsumerARN": carn, "ShardId": "shardId-000000000007", "StartingPosition": {"Type": "LATEST"}}), "ResourceNotFoundException").await;
}
