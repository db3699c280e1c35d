//! Goal: the produce and read paths answer with Kafka's error codes and semantics at the edges:
//! corrupt and oversized batches, idempotent gaps and retries, fetches inside a batch and below
//! the log start, and exact ListOffsets by timestamp. Method: in-process broker, handlers called
//! directly, replies decoded with kafka-protocol.

mod common;

use bytes::Bytes;
use common::*;
use kafka_protocol::messages::*;
use sluice_broker::TopicConfigs;
use sluice_kafka::Context;
use std::sync::Arc;

#[global_allocator]
static A: sluice_kafka::alloc::LazyHugeAlloc = sluice_kafka::alloc::LazyHugeAlloc;

const PRODUCE_V: i16 = 9;
const FETCH_V: i16 = 12;
const LIST_OFFSETS_V: i16 = 7;

async fn produce(
    ctx: &Arc<Context>,
    topic: &str,
    records: Bytes,
) -> produce_response::PartitionProduceResponse {
    let p = produce_request::PartitionProduceData::default()
        .with_index(0)
        .with_records(Some(records));
    let t = produce_request::TopicProduceData::default()
        .with_name(name(topic))
        .with_partition_data(vec![p]);
    let req = ProduceRequest::default()
        .with_acks(-1)
        .with_timeout_ms(10_000)
        .with_topic_data(vec![t]);
    let r: ProduceResponse = decode(
        call(ctx, ApiKey::Produce, PRODUCE_V, RequestKind::Produce(req)).await,
        PRODUCE_V,
    );
    r.responses[0].partition_responses[0].clone()
}

async fn fetch(ctx: &Arc<Context>, topic: &str, offset: i64) -> fetch_response::PartitionData {
    let p = fetch_request::FetchPartition::default()
        .with_partition(0)
        .with_fetch_offset(offset)
        .with_partition_max_bytes(1 << 20);
    let t = fetch_request::FetchTopic::default()
        .with_topic(name(topic))
        .with_partitions(vec![p]);
    let req = FetchRequest::default()
        .with_max_bytes(1 << 20)
        .with_max_wait_ms(0)
        .with_topics(vec![t])
        .with_session_epoch(-1);
    let r: FetchResponse = decode(
        call(ctx, ApiKey::Fetch, FETCH_V, RequestKind::Fetch(req)).await,
        FETCH_V,
    );
    r.responses[0].partitions[0].clone()
}

async fn list_offset(ctx: &Arc<Context>, topic: &str, timestamp: i64) -> (i16, i64, i64) {
    let p = list_offsets_request::ListOffsetsPartition::default()
        .with_partition_index(0)
        .with_timestamp(timestamp);
    let t = list_offsets_request::ListOffsetsTopic::default()
        .with_name(name(topic))
        .with_partitions(vec![p]);
    let req = ListOffsetsRequest::default()
        .with_replica_id(BrokerId(-1))
        .with_topics(vec![t]);
    let r: ListOffsetsResponse = decode(
        call(
            ctx,
            ApiKey::ListOffsets,
            LIST_OFFSETS_V,
            RequestKind::ListOffsets(req),
        )
        .await,
        LIST_OFFSETS_V,
    );
    let p = &r.topics[0].partitions[0];
    (p.error_code, p.offset, p.timestamp)
}

fn records(values: &[(&str, i64)]) -> Vec<u8> {
    let v: Vec<_> = values
        .iter()
        .map(|(s, ts)| (None, Some(s.as_bytes()), *ts))
        .collect();
    sluice_log::batch::build(&v, -1, -1, -1)
}

fn idempotent(count: usize, seq: i32) -> Bytes {
    let v = vec![(None, Some(&b"v"[..]), 1_000i64); count];
    Bytes::from(sluice_log::batch::build(&v, 4242, 0, seq))
}

fn message(p: &produce_response::PartitionProduceResponse) -> String {
    p.error_message
        .as_ref()
        .map(|m| m.to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_batch_with_a_bad_crc_is_refused_as_corrupt_and_not_stored() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(dir.path());
    ctx.broker
        .create_topic("t", Some(1), TopicConfigs::default(), false)
        .unwrap();
    let mut b = records(&[("hello", 1)]);
    let last = b.len() - 1;
    b[last] ^= 0xff;
    let p = produce(&ctx, "t", Bytes::from(b)).await;
    assert_eq!(p.error_code, 2, "CORRUPT_MESSAGE");
    assert!(
        message(&p).to_lowercase().contains("crc"),
        "message: {}",
        message(&p)
    );
    assert_eq!(
        list_offset(&ctx, "t", -1).await.1,
        0,
        "nothing was appended"
    );
}

#[tokio::test]
async fn a_batch_over_max_message_bytes_is_refused_as_too_large() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(dir.path());
    let configs = TopicConfigs::from_pairs([("max.message.bytes", "200")]).unwrap();
    ctx.broker
        .create_topic("t", Some(1), configs, false)
        .unwrap();
    let big = "x".repeat(300);
    let p = produce(&ctx, "t", Bytes::from(records(&[(&big, 1)]))).await;
    assert_eq!(p.error_code, 10, "MESSAGE_TOO_LARGE");
    assert!(
        message(&p).contains("200"),
        "message names the limit: {}",
        message(&p)
    );
    assert_eq!(
        produce(&ctx, "t", Bytes::from(records(&[("small", 1)])))
            .await
            .error_code,
        0
    );
}

#[tokio::test]
async fn idempotent_retries_get_their_original_offset_and_gaps_are_out_of_order() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(dir.path());
    ctx.broker
        .create_topic("t", Some(1), TopicConfigs::default(), false)
        .unwrap();
    let first = produce(&ctx, "t", idempotent(2, 0)).await;
    assert_eq!((first.error_code, first.base_offset), (0, 0));
    let gap = produce(&ctx, "t", idempotent(1, 5)).await;
    assert_eq!(gap.error_code, 45, "OUT_OF_ORDER_SEQUENCE_NUMBER");
    let retry = produce(&ctx, "t", idempotent(2, 0)).await;
    assert_eq!(
        (retry.error_code, retry.base_offset),
        (0, 0),
        "a retry is answered with its offset"
    );
    let next = produce(&ctx, "t", idempotent(1, 2)).await;
    assert_eq!((next.error_code, next.base_offset), (0, 2));
    assert_eq!(
        list_offset(&ctx, "t", -1).await.1,
        3,
        "the retry wrote nothing"
    );
}

#[tokio::test]
async fn fetching_from_inside_a_batch_returns_the_whole_batch() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(dir.path());
    ctx.broker
        .create_topic("t", Some(1), TopicConfigs::default(), false)
        .unwrap();
    produce(
        &ctx,
        "t",
        Bytes::from(records(&[("a", 1), ("b", 2), ("c", 3)])),
    )
    .await;
    let p = fetch(&ctx, "t", 1).await;
    assert_eq!(p.error_code, 0);
    assert_eq!(p.high_watermark, 3);
    let recs = sluice_kafka::records::decode(p.records.unwrap()).unwrap();
    let offsets: Vec<i64> = recs.iter().map(|r| r.offset).collect();
    assert_eq!(
        offsets,
        vec![0, 1, 2],
        "the batch starts before the fetch offset"
    );
}

#[tokio::test]
async fn list_offsets_by_timestamp_finds_the_exact_record() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(dir.path());
    ctx.broker
        .create_topic("t", Some(1), TopicConfigs::default(), false)
        .unwrap();
    produce(
        &ctx,
        "t",
        Bytes::from(records(&[("a", 100), ("b", 200), ("c", 300)])),
    )
    .await;
    produce(&ctx, "t", Bytes::from(records(&[("d", 400), ("e", 500)]))).await;
    assert_eq!(list_offset(&ctx, "t", 150).await, (0, 1, 200));
    assert_eq!(list_offset(&ctx, "t", 300).await, (0, 2, 300));
    assert_eq!(list_offset(&ctx, "t", 301).await, (0, 3, 400));
    assert_eq!(
        list_offset(&ctx, "t", 501).await,
        (0, -1, -1),
        "no record that late"
    );
    assert_eq!(
        list_offset(&ctx, "t", -3).await,
        (0, 4, 500),
        "max timestamp"
    );
    assert_eq!(list_offset(&ctx, "t", -2).await.1, 0);
    assert_eq!(list_offset(&ctx, "t", -1).await.1, 5);
}

#[tokio::test]
async fn reads_below_the_log_start_after_retention_are_out_of_range() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(dir.path());
    let configs =
        TopicConfigs::from_pairs([("segment.bytes", "200"), ("retention.bytes", "1")]).unwrap();
    ctx.broker
        .create_topic("t", Some(1), configs, false)
        .unwrap();
    let value = "v".repeat(150);
    for _ in 0..5 {
        assert_eq!(
            produce(&ctx, "t", Bytes::from(records(&[(&value, 1)])))
                .await
                .error_code,
            0
        );
    }
    ctx.broker.housekeeping();
    let (_, start, _) = list_offset(&ctx, "t", -2).await;
    assert!(start > 0, "retention moved the log start");
    assert_eq!(
        fetch(&ctx, "t", 0).await.error_code,
        1,
        "OFFSET_OUT_OF_RANGE"
    );
    let p = fetch(&ctx, "t", start).await;
    assert_eq!((p.error_code, p.log_start_offset), (0, start));
    assert!(p.records.is_some_and(|r| !r.is_empty()));
}

#[tokio::test]
async fn unknown_topics_and_partitions_get_their_error_codes() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(dir.path());
    let p = produce(&ctx, "missing", Bytes::from(records(&[("a", 1)]))).await;
    assert_eq!(p.error_code, 3, "UNKNOWN_TOPIC_OR_PARTITION");
    assert_eq!(fetch(&ctx, "missing", 0).await.error_code, 3);
}
