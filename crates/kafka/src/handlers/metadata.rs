//! Metadata: the one broker (advertised at an address clients can reach), and each topic with
//! its id and partitions. Unknown topics are created on first use when auto-creation is on and
//! the request allows it (Kafka's `auto.create.topics.enable`).

use super::{Handled, Reply};
use crate::server::Context;
use kafka_protocol::error::ResponseError;
use kafka_protocol::messages::metadata_response::{
    MetadataResponseBroker, MetadataResponsePartition, MetadataResponseTopic,
};
use kafka_protocol::messages::{BrokerId, MetadataRequest, MetadataResponse, TopicName};
use kafka_protocol::protocol::StrBytes;
use sluice_broker::{AdminError, Topic};
use std::sync::Arc;

/// Kafka's "authorized operations were not requested" marker.
const OPS_OMITTED: i32 = i32::MIN;
/// Without ACLs every client may do everything: READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE,
/// DESCRIBE_CONFIGS and ALTER_CONFIGS (Kafka's AclOperation codes 3..=8, 10, 11).
const TOPIC_OPS_ALL: i32 =
    (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 10) | (1 << 11);
/// CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE.
const CLUSTER_OPS_ALL: i32 =
    (1 << 5) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12);

pub fn handle(ctx: &Arc<Context>, reply: Reply, req: MetadataRequest) -> Handled {
    let v = reply.version;
    let all = match &req.topics {
        None => true,
        Some(t) => t.is_empty() && v == 0,
    };
    let auto_create =
        ctx.broker.config().auto_create_topics && (v < 4 || req.allow_auto_topic_creation);
    let topic_ops = if req.include_topic_authorized_operations {
        TOPIC_OPS_ALL
    } else {
        OPS_OMITTED
    };
    let topics = if all {
        ctx.broker
            .topics()
            .iter()
            .map(|t| describe(ctx, t, topic_ops))
            .collect()
    } else {
        req.topics
            .unwrap_or_default()
            .into_iter()
            .map(|t| lookup(ctx, t.name.map(|n| n.0), t.topic_id, auto_create, topic_ops))
            .collect()
    };
    let broker = MetadataResponseBroker::default()
        .with_node_id(BrokerId(ctx.config.node_id))
        .with_host(StrBytes::from_string(ctx.config.advertised_host.clone()))
        .with_port(ctx.config.advertised_port as i32);
    let cluster_ops = if req.include_cluster_authorized_operations {
        CLUSTER_OPS_ALL
    } else {
        OPS_OMITTED
    };
    let body = MetadataResponse::default()
        .with_brokers(vec![broker])
        .with_cluster_id(Some(StrBytes::from_string(ctx.broker.cluster_id())))
        .with_controller_id(BrokerId(ctx.config.node_id))
        .with_topics(topics)
        .with_cluster_authorized_operations(cluster_ops);
    reply.now(&body)
}

fn lookup(
    ctx: &Context,
    name: Option<StrBytes>,
    id: uuid::Uuid,
    auto_create: bool,
    ops: i32,
) -> MetadataResponseTopic {
    let b = &ctx.broker;
    let Some(name) = name else {
        return match b.topic_by_id(&id) {
            Some(t) => describe(ctx, &t, ops),
            None => error_topic(None, id, ResponseError::UnknownTopicId),
        };
    };
    if let Some(t) = b.topic(&name) {
        return describe(ctx, &t, ops);
    }
    if !auto_create {
        return error_topic(Some(name), id, ResponseError::UnknownTopicOrPartition);
    }
    match b.auto_create_topic(&name) {
        Ok(t) => describe(ctx, &t, ops),
        Err(AdminError::InvalidTopic(_)) => {
            error_topic(Some(name), id, ResponseError::InvalidTopicException)
        }
        Err(e) => {
            tracing::warn!(topic = %&*name, error = %e, "auto-creating a topic failed");
            error_topic(Some(name), id, ResponseError::UnknownTopicOrPartition)
        }
    }
}

fn error_topic(name: Option<StrBytes>, id: uuid::Uuid, e: ResponseError) -> MetadataResponseTopic {
    MetadataResponseTopic::default()
        .with_error_code(e.code())
        .with_name(name.map(TopicName))
        .with_topic_id(id)
        .with_topic_authorized_operations(OPS_OMITTED)
}

pub fn describe(ctx: &Context, t: &Topic, ops: i32) -> MetadataResponseTopic {
    let node = BrokerId(ctx.config.node_id);
    let partitions = (0..t.partition_count())
        .map(|i| {
            MetadataResponsePartition::default()
                .with_partition_index(i)
                .with_leader_id(node)
                .with_leader_epoch(0)
                .with_replica_nodes(vec![node])
                .with_isr_nodes(vec![node])
        })
        .collect();
    MetadataResponseTopic::default()
        .with_name(Some(TopicName(StrBytes::from_string(t.name.to_string()))))
        .with_topic_id(t.id)
        .with_partitions(partitions)
        .with_topic_authorized_operations(ops)
}
