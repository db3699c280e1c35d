//! Committed offsets: OffsetCommit (validated against the group, made durable through the
//! group commit like any produce before it is acknowledged), OffsetFetch (one group, or many
//! from v8; all partitions when topics is null), and OffsetDelete.

use super::groups::group_code;
use super::{Handled, Reply};
use crate::server::Context;
use kafka_protocol::error::ResponseError;
use kafka_protocol::messages::offset_commit_response::{
    OffsetCommitResponsePartition, OffsetCommitResponseTopic,
};
use kafka_protocol::messages::offset_delete_response::{
    OffsetDeleteResponsePartition, OffsetDeleteResponseTopic,
};
use kafka_protocol::messages::offset_fetch_response::{
    OffsetFetchResponseGroup, OffsetFetchResponsePartition, OffsetFetchResponsePartitions,
    OffsetFetchResponseTopic, OffsetFetchResponseTopics,
};
use kafka_protocol::messages::*;
use kafka_protocol::protocol::StrBytes;
use sluice_broker::group_service::{CommitError, OffsetCommitEntry};
use std::collections::BTreeMap;
use std::sync::Arc;

fn commit_code(e: &CommitError) -> ResponseError {
    match e {
        CommitError::Group(g) => group_code(*g),
        CommitError::UnknownTopicOrPartition => ResponseError::UnknownTopicOrPartition,
        CommitError::MetadataTooLarge => ResponseError::OffsetMetadataTooLarge,
        CommitError::Storage(_) => ResponseError::CoordinatorNotAvailable,
    }
}

pub fn offset_commit(ctx: &Arc<Context>, reply: Reply, req: OffsetCommitRequest) -> Handled {
    let mut entries = Vec::new();
    for t in &req.topics {
        for p in &t.partitions {
            entries.push(OffsetCommitEntry {
                topic: t.name.to_string(),
                partition: p.partition_index,
                offset: p.committed_offset,
                leader_epoch: if reply.version >= 6 {
                    p.committed_leader_epoch
                } else {
                    -1
                },
                metadata: p.committed_metadata.as_ref().map(|m| m.to_string()),
            });
        }
    }
    let shape: Vec<(TopicName, Vec<i32>)> = req
        .topics
        .iter()
        .map(|t| {
            (
                t.name.clone(),
                t.partitions.iter().map(|p| p.partition_index).collect(),
            )
        })
        .collect();
    let pending = ctx.broker.commit_offsets(
        &req.group_id,
        &req.member_id,
        req.group_instance_id.as_deref(),
        req.generation_id_or_member_epoch,
        entries,
    );
    Handled::Later(Box::pin(async move {
        let results = pending.await;
        let mut i = 0;
        let topics = shape
            .into_iter()
            .map(|(name, parts)| {
                let partitions = parts
                    .into_iter()
                    .map(|p| {
                        let err = results
                            .get(i)
                            .and_then(|r| r.as_ref().err())
                            .map(commit_code);
                        i += 1;
                        OffsetCommitResponsePartition::default()
                            .with_partition_index(p)
                            .with_error_code(err.map_or(0, |e| e.code()))
                    })
                    .collect();
                OffsetCommitResponseTopic::default()
                    .with_name(name)
                    .with_partitions(partitions)
            })
            .collect();
        reply
            .encode(
                &OffsetCommitResponse::default().with_topics(topics),
                Default::default(),
            )
            .map(Some)
    }))
}

/// A partition and its commit (offset, leader epoch, metadata); Kafka's "no commit" answer is
/// offset -1, epoch -1 and empty metadata.
type FetchedPartition = (i32, (i64, i32, Option<String>));
/// One group's commits by topic.
type Fetched = Vec<(String, Vec<FetchedPartition>)>;

fn fetch_group(ctx: &Context, group: &str, topics: Option<Vec<(String, Vec<i32>)>>) -> Fetched {
    match topics {
        Some(topics) => topics
            .into_iter()
            .map(|(t, parts)| {
                let got = parts
                    .into_iter()
                    .map(|p| {
                        (
                            p,
                            ctx.broker
                                .committed_offset(group, &t, p)
                                .map_or((-1, -1, Some(String::new())), |c| {
                                    (c.offset, c.leader_epoch, c.metadata)
                                }),
                        )
                    })
                    .collect();
                (t, got)
            })
            .collect(),
        None => {
            let mut by_topic: BTreeMap<String, Vec<FetchedPartition>> = BTreeMap::new();
            for (t, p, c) in ctx.broker.group_offsets(group) {
                by_topic
                    .entry(t)
                    .or_default()
                    .push((p, (c.offset, c.leader_epoch, c.metadata)));
            }
            by_topic.into_iter().collect()
        }
    }
}

pub fn offset_fetch(ctx: &Arc<Context>, reply: Reply, req: OffsetFetchRequest) -> Handled {
    let v = reply.version;
    if v >= 8 {
        let groups = req
            .groups
            .iter()
            .map(|g| {
                let topics = g.topics.as_ref().map(|ts| {
                    ts.iter()
                        .map(|t| (t.name.to_string(), t.partition_indexes.clone()))
                        .collect()
                });
                let fetched = fetch_group(ctx, &g.group_id, topics);
                let topics = fetched
                    .into_iter()
                    .map(|(t, parts)| {
                        let partitions = parts
                            .into_iter()
                            .map(|(p, (offset, epoch, meta))| {
                                OffsetFetchResponsePartitions::default()
                                    .with_partition_index(p)
                                    .with_committed_offset(offset)
                                    .with_committed_leader_epoch(epoch)
                                    .with_metadata(meta.map(StrBytes::from_string))
                            })
                            .collect();
                        OffsetFetchResponseTopics::default()
                            .with_name(TopicName(StrBytes::from_string(t)))
                            .with_partitions(partitions)
                    })
                    .collect();
                OffsetFetchResponseGroup::default()
                    .with_group_id(g.group_id.clone())
                    .with_topics(topics)
            })
            .collect();
        return reply.now(&OffsetFetchResponse::default().with_groups(groups));
    }
    let topics = req.topics.as_ref().map(|ts| {
        ts.iter()
            .map(|t| (t.name.to_string(), t.partition_indexes.clone()))
            .collect()
    });
    let fetched = fetch_group(ctx, &req.group_id, topics);
    let topics = fetched
        .into_iter()
        .map(|(t, parts)| {
            let partitions = parts
                .into_iter()
                .map(|(p, (offset, epoch, meta))| {
                    let mut x = OffsetFetchResponsePartition::default()
                        .with_partition_index(p)
                        .with_committed_offset(offset)
                        .with_metadata(meta.map(StrBytes::from_string));
                    if v >= 5 {
                        x.committed_leader_epoch = epoch;
                    }
                    x
                })
                .collect();
            OffsetFetchResponseTopic::default()
                .with_name(TopicName(StrBytes::from_string(t)))
                .with_partitions(partitions)
        })
        .collect();
    reply.now(&OffsetFetchResponse::default().with_topics(topics))
}

pub fn offset_delete(ctx: &Arc<Context>, reply: Reply, req: OffsetDeleteRequest) -> Handled {
    let group = ctx.broker.groups().describe(&req.group_id);
    if !ctx.broker.groups().exists(&req.group_id) {
        return reply.now(
            &OffsetDeleteResponse::default().with_error_code(ResponseError::GroupIdNotFound.code()),
        );
    }
    let subscribed = subscribed_topics(&group);
    let mut verdicts: Vec<Vec<Option<ResponseError>>> = Vec::new();
    let mut deletable = Vec::new();
    for t in &req.topics {
        let known = ctx.broker.topic(&t.name);
        verdicts.push(
            t.partitions
                .iter()
                .map(|p| {
                    if subscribed.contains(t.name.as_str()) {
                        Some(ResponseError::GroupSubscribedToTopic)
                    } else if known
                        .as_ref()
                        .and_then(|k| k.partition(p.partition_index))
                        .is_none()
                    {
                        Some(ResponseError::UnknownTopicOrPartition)
                    } else {
                        deletable.push((t.name.to_string(), p.partition_index));
                        None
                    }
                })
                .collect(),
        );
    }
    let pending = match ctx.broker.delete_offsets(&req.group_id, &deletable) {
        Ok(p) => p,
        Err(e) => {
            return reply
                .now(&OffsetDeleteResponse::default().with_error_code(group_code(e).code()))
        }
    };
    let names: Vec<TopicName> = req.topics.iter().map(|t| t.name.clone()).collect();
    let indexes: Vec<Vec<i32>> = req
        .topics
        .iter()
        .map(|t| t.partitions.iter().map(|p| p.partition_index).collect())
        .collect();
    Handled::Later(Box::pin(async move {
        let stored = pending.await;
        let topics = names
            .into_iter()
            .zip(indexes)
            .zip(verdicts)
            .map(|((name, parts), verdicts)| {
                let partitions = parts
                    .into_iter()
                    .zip(verdicts)
                    .map(|(p, v)| {
                        let err = v.or_else(|| stored.as_ref().err().map(commit_code));
                        OffsetDeleteResponsePartition::default()
                            .with_partition_index(p)
                            .with_error_code(err.map_or(0, |e| e.code()))
                    })
                    .collect();
                OffsetDeleteResponseTopic::default()
                    .with_name(name)
                    .with_partitions(partitions)
            })
            .collect();
        reply
            .encode(
                &OffsetDeleteResponse::default().with_topics(topics),
                Default::default(),
            )
            .map(Some)
    }))
}

/// Topics the members of a "consumer" group subscribe to, from their ConsumerProtocolSubscription
/// metadata (version i16, then an array of topic names). Other protocol types subscribe to none.
fn subscribed_topics(
    group: &sluice_broker::groups::GroupDescription,
) -> std::collections::HashSet<String> {
    let mut out = std::collections::HashSet::new();
    if group.protocol_type != "consumer" {
        return out;
    }
    for m in &group.members {
        out.extend(parse_subscription(&m.metadata).unwrap_or_default());
    }
    out
}

fn parse_subscription(mut b: &[u8]) -> Option<Vec<String>> {
    use bytes::Buf;
    if b.remaining() < 6 {
        return None;
    }
    let _version = b.get_i16();
    let count = b.get_i32();
    let mut topics = Vec::new();
    for _ in 0..count.max(0) {
        if b.remaining() < 2 {
            return None;
        }
        let len = b.get_i16();
        let len = usize::try_from(len).ok().filter(|&l| l <= b.remaining())?;
        topics.push(String::from_utf8_lossy(&b[..len]).into_owned());
        b.advance(len);
    }
    Some(topics)
}
