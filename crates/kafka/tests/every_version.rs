//! Goal: every advertised API answers at every advertised version with a response that
//! kafka-protocol can encode and decode back, with no error where none is expected. Method: an
//! in-process broker in a temp dir, each handler called directly, each reply re-decoded.

mod common;

use common::*;
use kafka_protocol::messages::*;
use kafka_protocol::protocol::StrBytes;
use sluice_kafka::{versions, Context};
use std::sync::Arc;

#[global_allocator]
static A: sluice_kafka::alloc::LazyHugeAlloc = sluice_kafka::alloc::LazyHugeAlloc;

#[tokio::test]
async fn a_fetch_with_a_partition_error_does_not_wait_for_max_wait() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(dir.path());
    ctx.broker
        .create_topic("t", Some(1), Default::default(), false)
        .unwrap();
    let p = fetch_request::FetchPartition::default()
        .with_partition(0)
        .with_fetch_offset(5)
        .with_partition_max_bytes(1 << 20);
    let t = fetch_request::FetchTopic::default()
        .with_topic(name("t"))
        .with_partitions(vec![p]);
    let req = FetchRequest::default()
        .with_max_bytes(1 << 20)
        .with_min_bytes(1)
        .with_max_wait_ms(5_000)
        .with_topics(vec![t])
        .with_session_epoch(-1);
    let started = std::time::Instant::now();
    let r: FetchResponse = decode(
        call(&ctx, ApiKey::Fetch, 12, RequestKind::Fetch(req)).await,
        12,
    );
    assert_eq!(
        r.responses[0].partitions[0].error_code, 1,
        "OFFSET_OUT_OF_RANGE past the log end"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(1),
        "waited {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn every_advertised_version_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(dir.path());
    let topic = ctx
        .broker
        .create_topic("t", Some(1), Default::default(), false)
        .unwrap();
    for &(key, _, lo, hi) in versions::SUPPORTED {
        for v in lo..=hi {
            exercise(&ctx, key, v, topic.id).await;
        }
    }
}

async fn exercise(ctx: &Arc<Context>, key: ApiKey, v: i16, topic_id: uuid::Uuid) {
    use kafka_protocol::messages::*;
    match key {
        ApiKey::ApiVersions => {
            let r: ApiVersionsResponse = decode(
                call(
                    ctx,
                    key,
                    v,
                    RequestKind::ApiVersions(ApiVersionsRequest::default()),
                )
                .await,
                v,
            );
            assert_eq!(r.error_code, 0);
            assert_eq!(r.api_keys.len(), versions::SUPPORTED.len());
        }
        ApiKey::Metadata => {
            let t = metadata_request::MetadataRequestTopic::default().with_name(Some(name("t")));
            let req = MetadataRequest::default().with_topics(Some(vec![t]));
            let r: MetadataResponse =
                decode(call(ctx, key, v, RequestKind::Metadata(req)).await, v);
            assert_eq!(r.topics.len(), 1);
            assert_eq!(r.topics[0].error_code, 0, "metadata v{v}");
            assert_eq!(r.topics[0].partitions.len(), 1);
            assert_eq!(r.brokers[0].host.as_str(), "127.0.0.1");
        }
        ApiKey::Produce => {
            let p = produce_request::PartitionProduceData::default()
                .with_index(0)
                .with_records(Some(batch()));
            let t = produce_request::TopicProduceData::default()
                .with_name(name("t"))
                .with_partition_data(vec![p]);
            let req = ProduceRequest::default()
                .with_acks(-1)
                .with_timeout_ms(10_000)
                .with_topic_data(vec![t]);
            let r: ProduceResponse = decode(call(ctx, key, v, RequestKind::Produce(req)).await, v);
            let p = &r.responses[0].partition_responses[0];
            assert_eq!(p.error_code, 0, "produce v{v}: {:?}", p.error_message);
            assert!(p.base_offset >= 0);
        }
        ApiKey::Fetch => {
            let p = fetch_request::FetchPartition::default()
                .with_partition(0)
                .with_fetch_offset(0)
                .with_partition_max_bytes(1 << 20);
            let mut t = fetch_request::FetchTopic::default().with_partitions(vec![p]);
            if v >= 13 {
                t.topic_id = topic_id;
            } else {
                t.topic = name("t");
            }
            let req = FetchRequest::default()
                .with_max_bytes(1 << 20)
                .with_min_bytes(1)
                .with_max_wait_ms(100)
                .with_topics(vec![t])
                .with_session_epoch(-1);
            let r: FetchResponse = decode(call(ctx, key, v, RequestKind::Fetch(req)).await, v);
            let p = &r.responses[0].partitions[0];
            assert_eq!(p.error_code, 0, "fetch v{v}");
            assert!(
                p.records.as_ref().is_some_and(|r| !r.is_empty()),
                "fetch v{v} returned no records"
            );
        }
        ApiKey::ListOffsets => {
            let parts = [-2i64, -1, 0]
                .iter()
                .map(|&ts| {
                    list_offsets_request::ListOffsetsPartition::default()
                        .with_partition_index(0)
                        .with_timestamp(ts)
                })
                .collect();
            let t = list_offsets_request::ListOffsetsTopic::default()
                .with_name(name("t"))
                .with_partitions(parts);
            let req = ListOffsetsRequest::default()
                .with_replica_id(BrokerId(-1))
                .with_topics(vec![t]);
            let r: ListOffsetsResponse =
                decode(call(ctx, key, v, RequestKind::ListOffsets(req)).await, v);
            let ps = &r.topics[0].partitions;
            assert!(
                ps.iter().all(|p| p.error_code == 0),
                "list offsets v{v}: {ps:?}"
            );
            assert_eq!(ps[0].offset, 0);
            assert!(ps[1].offset >= 1);
            assert_eq!(ps[2].offset, 0, "first record with timestamp >= 0");
        }
        ApiKey::InitProducerId => {
            let req = InitProducerIdRequest::default()
                .with_transactional_id(None)
                .with_producer_id(ProducerId(-1))
                .with_producer_epoch(-1);
            let r: InitProducerIdResponse =
                decode(call(ctx, key, v, RequestKind::InitProducerId(req)).await, v);
            assert_eq!(r.error_code, 0);
            assert!(r.producer_id.0 >= 0);
        }
        ApiKey::CreateTopics => {
            let t = create_topics_request::CreatableTopic::default()
                .with_name(name(&format!("c{v}")))
                .with_num_partitions(2)
                .with_replication_factor(1);
            let req = CreateTopicsRequest::default()
                .with_topics(vec![t])
                .with_timeout_ms(1000);
            let r: CreateTopicsResponse =
                decode(call(ctx, key, v, RequestKind::CreateTopics(req)).await, v);
            assert_eq!(
                r.topics[0].error_code, 0,
                "create topics v{v}: {:?}",
                r.topics[0].error_message
            );
        }
        ApiKey::DeleteTopics => {
            let n = format!("d{v}");
            ctx.broker
                .create_topic(&n, Some(1), Default::default(), false)
                .unwrap();
            let mut req = DeleteTopicsRequest::default().with_timeout_ms(1000);
            if v >= 6 {
                req.topics =
                    vec![delete_topics_request::DeleteTopicState::default()
                        .with_name(Some(name(&n)))];
            } else {
                req.topic_names = vec![name(&n)];
            }
            let r: DeleteTopicsResponse =
                decode(call(ctx, key, v, RequestKind::DeleteTopics(req)).await, v);
            assert_eq!(r.responses[0].error_code, 0, "delete topics v{v}");
            assert!(ctx.broker.topic(&n).is_none());
        }
        ApiKey::DescribeConfigs => {
            let t = describe_configs_request::DescribeConfigsResource::default()
                .with_resource_type(2)
                .with_resource_name(StrBytes::from_static_str("t"));
            let b = describe_configs_request::DescribeConfigsResource::default()
                .with_resource_type(4)
                .with_resource_name(StrBytes::from_static_str("0"));
            let req = DescribeConfigsRequest::default().with_resources(vec![t, b]);
            let r: DescribeConfigsResponse = decode(
                call(ctx, key, v, RequestKind::DescribeConfigs(req)).await,
                v,
            );
            assert!(
                r.results
                    .iter()
                    .all(|x| x.error_code == 0 && !x.configs.is_empty()),
                "describe configs v{v}"
            );
        }
        ApiKey::CreatePartitions => {
            let n = format!("p{v}");
            ctx.broker
                .create_topic(&n, Some(1), Default::default(), false)
                .unwrap();
            let t = create_partitions_request::CreatePartitionsTopic::default()
                .with_name(name(&n))
                .with_count(3);
            let req = CreatePartitionsRequest::default()
                .with_topics(vec![t])
                .with_timeout_ms(1000);
            let r: CreatePartitionsResponse = decode(
                call(ctx, key, v, RequestKind::CreatePartitions(req)).await,
                v,
            );
            assert_eq!(r.results[0].error_code, 0, "create partitions v{v}");
            assert_eq!(ctx.broker.topic(&n).unwrap().partition_count(), 3);
        }
        // Exercised at every version, as a working group, by groups_every_version.rs.
        ApiKey::FindCoordinator
        | ApiKey::JoinGroup
        | ApiKey::SyncGroup
        | ApiKey::Heartbeat
        | ApiKey::LeaveGroup
        | ApiKey::OffsetCommit
        | ApiKey::OffsetFetch
        | ApiKey::OffsetDelete
        | ApiKey::DescribeGroups
        | ApiKey::ListGroups
        | ApiKey::DeleteGroups => {}
        other => panic!("advertised {other:?} has no test here: add one"),
    }
}
