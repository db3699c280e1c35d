//! ListOffsets: earliest (-2, and earliest-local -4), latest (-1: the high watermark), the
//! record with the largest timestamp (-3), and by timestamp: the exact first record whose
//! timestamp is >= t, found by the log's time index and then by decoding that one batch.

use super::{Handled, Reply};
use crate::records;
use crate::server::Context;
use kafka_protocol::error::ResponseError;
use kafka_protocol::messages::list_offsets_response::{
    ListOffsetsPartitionResponse, ListOffsetsTopicResponse,
};
use kafka_protocol::messages::{ListOffsetsRequest, ListOffsetsResponse};
use sluice_broker::Partition;
use std::sync::Arc;

const LATEST: i64 = -1;
const EARLIEST: i64 = -2;
const MAX_TIMESTAMP: i64 = -3;
const EARLIEST_LOCAL: i64 = -4;

pub fn handle(ctx: &Arc<Context>, reply: Reply, req: ListOffsetsRequest) -> Handled {
    let topics = req
        .topics
        .into_iter()
        .map(|t| {
            let topic = ctx.broker.topic(&t.name);
            let partitions = t
                .partitions
                .iter()
                .map(|p| {
                    let base = ListOffsetsPartitionResponse::default()
                        .with_partition_index(p.partition_index)
                        .with_timestamp(-1)
                        .with_offset(-1)
                        .with_leader_epoch(if reply.version >= 4 { 0 } else { -1 });
                    match topic.as_ref().and_then(|t| t.partition(p.partition_index)) {
                        None => base.with_error_code(ResponseError::UnknownTopicOrPartition.code()),
                        Some(part) => match lookup(&part, p.timestamp, reply.version) {
                            Ok((offset, ts)) => base.with_offset(offset).with_timestamp(ts),
                            Err(code) => base.with_error_code(code.code()),
                        },
                    }
                })
                .collect();
            ListOffsetsTopicResponse::default()
                .with_name(t.name)
                .with_partitions(partitions)
        })
        .collect();
    reply.now(&ListOffsetsResponse::default().with_topics(topics))
}

/// (offset, timestamp) for one partition, or -1/-1 when no record matches.
fn lookup(p: &Partition, ts: i64, version: i16) -> Result<(i64, i64), ResponseError> {
    match ts {
        LATEST => Ok((p.high_watermark().0, -1)),
        EARLIEST => Ok((p.log_start_offset().0, -1)),
        EARLIEST_LOCAL if version >= 8 => Ok((p.log_start_offset().0, -1)),
        MAX_TIMESTAMP if version >= 7 => max_timestamp(p),
        t if t >= 0 => by_timestamp(p, t),
        _ => Err(ResponseError::InvalidRequest),
    }
}

fn storage_error(p: &Partition, e: impl std::fmt::Display) -> ResponseError {
    tracing::error!(topic = %p.topic, partition = p.index, error = %e, "ListOffsets read failed");
    ResponseError::KafkaStorageError
}

fn by_timestamp(p: &Partition, ts: i64) -> Result<(i64, i64), ResponseError> {
    let hw = p.high_watermark().0;
    let Some(slice) = p.read_at_timestamp(ts).map_err(|e| storage_error(p, e))? else {
        return Ok((-1, -1));
    };
    let batch = records::decode_slice(&slice).map_err(|e| storage_error(p, e))?;
    let found = batch.iter().find(|r| r.timestamp >= ts && r.offset < hw);
    Ok(found.map(|r| (r.offset, r.timestamp)).unwrap_or((-1, -1)))
}

fn max_timestamp(p: &Partition) -> Result<(i64, i64), ResponseError> {
    let hw = p.high_watermark().0;
    let Some(slice) = p
        .read_max_timestamp_batch(sluice_log::Offset(hw))
        .map_err(|e| storage_error(p, e))?
    else {
        return Ok((-1, -1));
    };
    let batch = records::decode_slice(&slice).map_err(|e| storage_error(p, e))?;
    // The first record carrying the batch's largest timestamp, as Kafka answers.
    let best =
        batch
            .iter()
            .filter(|r| r.offset < hw)
            .fold(None::<(i64, i64)>, |acc, r| match acc {
                Some((_, t)) if t >= r.timestamp => acc,
                _ => Some((r.offset, r.timestamp)),
            });
    Ok(best.unwrap_or((-1, -1)))
}
