//! Topic administration: CreateTopics, DeleteTopics and CreatePartitions, with Kafka's error
//! codes and messages. Sluice is one broker, so a replication factor above 1 or a replica
//! assignment naming another broker is refused as Kafka refuses it.

use super::{Handled, Reply};
use crate::server::Context;
use kafka_protocol::error::ResponseError;
use kafka_protocol::messages::create_partitions_response::CreatePartitionsTopicResult;
use kafka_protocol::messages::create_topics_request::CreatableTopic;
use kafka_protocol::messages::create_topics_response::{
    CreatableTopicConfigs, CreatableTopicResult,
};
use kafka_protocol::messages::delete_topics_response::DeletableTopicResult;
use kafka_protocol::messages::{
    CreatePartitionsRequest, CreatePartitionsResponse, CreateTopicsRequest, CreateTopicsResponse,
    DeleteTopicsRequest, DeleteTopicsResponse, TopicName,
};
use kafka_protocol::protocol::StrBytes;
use sluice_broker::{AdminError, TopicConfigs};
use std::sync::Arc;

/// Kafka's config source code for a topic's own setting and for a default.
pub const SOURCE_TOPIC: i8 = 1;
pub const SOURCE_DEFAULT: i8 = 5;

pub fn admin_code(e: &AdminError) -> ResponseError {
    match e {
        AdminError::TopicExists(_) => ResponseError::TopicAlreadyExists,
        AdminError::UnknownTopic => ResponseError::UnknownTopicOrPartition,
        AdminError::InvalidTopic(_) => ResponseError::InvalidTopicException,
        AdminError::InvalidPartitions(_) => ResponseError::InvalidPartitions,
        AdminError::InvalidReplicationFactor(_) => ResponseError::InvalidReplicationFactor,
        AdminError::InvalidConfig(_) => ResponseError::InvalidConfig,
        AdminError::InvalidRequest(_) => ResponseError::InvalidRequest,
        AdminError::Storage(_) => ResponseError::KafkaStorageError,
    }
}

fn msg(s: impl Into<String>) -> Option<StrBytes> {
    Some(StrBytes::from_string(s.into()))
}

pub fn create_topics(ctx: &Arc<Context>, reply: Reply, req: CreateTopicsRequest) -> Handled {
    let node = ctx.config.node_id;
    let results = req
        .topics
        .into_iter()
        .map(|t| {
            let name = t.name.clone();
            let base = CreatableTopicResult::default()
                .with_name(name.clone())
                .with_num_partitions(-1)
                .with_replication_factor(-1);
            match create_one(ctx, t, node, req.validate_only) {
                Ok(r) => r,
                Err(e) => {
                    let code = admin_code(&e);
                    let config_code = if code == ResponseError::InvalidConfig {
                        code.code()
                    } else {
                        0
                    };
                    base.with_error_code(code.code())
                        .with_error_message(msg(e.to_string()))
                        .with_topic_config_error_code(config_code)
                }
            }
        })
        .collect();
    reply.now(&CreateTopicsResponse::default().with_topics(results))
}

fn create_one(
    ctx: &Context,
    t: CreatableTopic,
    node: i32,
    validate_only: bool,
) -> Result<CreatableTopicResult, AdminError> {
    let assigned = !t.assignments.is_empty();
    if assigned && (t.num_partitions != -1 || t.replication_factor != -1) {
        return Err(AdminError::InvalidRequest(
            "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.".into(),
        ));
    }
    for a in &t.assignments {
        if a.broker_ids.iter().any(|b| b.0 != node) || a.broker_ids.len() != 1 {
            return Err(AdminError::InvalidReplicationFactor(format!(
                "Replica assignment for partition {} must name only broker {node}, the one broker.",
                a.partition_index
            )));
        }
    }
    if t.replication_factor > 1 {
        return Err(AdminError::InvalidReplicationFactor(format!(
            "Unable to replicate the partition {} time(s): The target replication factor of {} cannot be reached because only 1 broker(s) are registered.",
            t.replication_factor, t.replication_factor
        )));
    }
    if t.replication_factor == 0 || t.replication_factor < -1 {
        return Err(AdminError::InvalidReplicationFactor(
            "Replication factor must be larger than 0, or -1 to use the default value.".into(),
        ));
    }
    if t.num_partitions == 0 || t.num_partitions < -1 {
        return Err(AdminError::InvalidPartitions(
            "Number of partitions was set to an invalid non-positive value.".into(),
        ));
    }
    let pairs: Vec<(String, String)> = t
        .configs
        .iter()
        .filter_map(|c| {
            c.value
                .as_ref()
                .map(|v| (c.name.to_string(), v.to_string()))
        })
        .collect();
    let configs = TopicConfigs::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(AdminError::InvalidConfig)?;
    let partitions = if assigned {
        Some(t.assignments.len() as i32)
    } else if t.num_partitions == -1 {
        None
    } else {
        Some(t.num_partitions)
    };
    let topic = ctx
        .broker
        .create_topic(&t.name, partitions, configs, validate_only)?;
    let count = partitions.unwrap_or(ctx.broker.config().num_partitions_default);
    let effective = topic.configs().effective(&ctx.broker.config().log_defaults);
    let described = effective
        .into_iter()
        .map(|(k, v, set)| {
            CreatableTopicConfigs::default()
                .with_name(StrBytes::from_static_str(k))
                .with_value(Some(StrBytes::from_string(v)))
                .with_config_source(if set { SOURCE_TOPIC } else { SOURCE_DEFAULT })
        })
        .collect();
    Ok(CreatableTopicResult::default()
        .with_name(t.name)
        .with_topic_id(topic.id)
        .with_num_partitions(count)
        .with_replication_factor(1)
        .with_configs(Some(described)))
}

pub fn delete_topics(ctx: &Arc<Context>, reply: Reply, req: DeleteTopicsRequest) -> Handled {
    let targets: Vec<(Option<TopicName>, uuid::Uuid)> = if reply.version >= 6 {
        req.topics
            .into_iter()
            .map(|t| (t.name, t.topic_id))
            .collect()
    } else {
        req.topic_names
            .into_iter()
            .map(|n| (Some(n), uuid::Uuid::nil()))
            .collect()
    };
    let results = targets
        .into_iter()
        .map(|(name, id)| {
            let resolved = match &name {
                Some(n) => ctx.broker.topic(n).map(|t| (n.clone(), t.id)),
                None => ctx
                    .broker
                    .topic_by_id(&id)
                    .map(|t| (TopicName(StrBytes::from_string(t.name.to_string())), t.id)),
            };
            let base = DeletableTopicResult::default()
                .with_name(name.clone())
                .with_topic_id(id);
            let Some((n, tid)) = resolved else {
                let code = if name.is_none() {
                    ResponseError::UnknownTopicId
                } else {
                    ResponseError::UnknownTopicOrPartition
                };
                return base
                    .with_error_code(code.code())
                    .with_error_message(msg("This server does not host this topic."));
            };
            match ctx.broker.delete_topic(&n) {
                Ok(()) => base.with_name(Some(n)).with_topic_id(tid),
                Err(e) => base
                    .with_error_code(admin_code(&e).code())
                    .with_error_message(msg(e.to_string())),
            }
        })
        .collect();
    reply.now(&DeleteTopicsResponse::default().with_responses(results))
}

pub fn create_partitions(
    ctx: &Arc<Context>,
    reply: Reply,
    req: CreatePartitionsRequest,
) -> Handled {
    let node = ctx.config.node_id;
    let results = req
        .topics
        .into_iter()
        .map(|t| {
            let base = CreatePartitionsTopicResult::default().with_name(t.name.clone());
            let bad_assignment = t
                .assignments
                .as_ref()
                .is_some_and(|a| a.iter().any(|x| x.broker_ids.iter().any(|b| b.0 != node)));
            let res = if bad_assignment {
                Err(AdminError::InvalidReplicationFactor(format!(
                    "Replica assignments must name only broker {node}, the one broker."
                )))
            } else {
                ctx.broker
                    .create_partitions(&t.name, t.count, req.validate_only)
            };
            match res {
                Ok(()) => base,
                Err(e) => base
                    .with_error_code(admin_code(&e).code())
                    .with_error_message(msg(e.to_string())),
            }
        })
        .collect();
    reply.now(&CreatePartitionsResponse::default().with_results(results))
}
