//! Fetch: for each requested partition, the whole batches from the one holding the fetch offset,
//! bounded by the partition and response byte limits (the first batch is always whole, KIP-74),
//! never past the high watermark. Record data is spliced from the segment files (see
//! `response`). If fewer than `min_bytes` are available the request long-polls until data
//! arrives or `max_wait_ms` passes. Fetch sessions (KIP-227) are not granted: every response
//! carries session id 0, which tells clients to send full fetches. A partition whose next batch
//! is damaged on disk (the log checks every batch it serves) answers KAFKA_STORAGE_ERROR with no
//! records; the other partitions of the same fetch are served as usual.

use super::{Handled, Reply};
use crate::response::{Records, Splicer};
use crate::server::Context;
use kafka_protocol::error::ResponseError;
use kafka_protocol::messages::fetch_response::{FetchableTopicResponse, PartitionData};
use kafka_protocol::messages::{BrokerId, FetchRequest, FetchResponse, TopicName};
use sluice_broker::{Partition, ReadError, Topic};
use sluice_log::{LogError, Offset};
use std::sync::Arc;
use std::time::Duration;

struct PartitionAsk {
    index: i32,
    offset: i64,
    max_bytes: i32,
}

struct TopicAsk {
    name: TopicName,
    id: uuid::Uuid,
    topic: Option<Arc<Topic>>,
    partitions: Vec<PartitionAsk>,
}

struct Plan {
    topics: Vec<TopicAsk>,
    by_id: bool,
    response_bytes_max: usize,
}

pub fn handle(ctx: &Arc<Context>, reply: Reply, req: FetchRequest) -> Handled {
    if reply.version >= 7 && (req.session_id != 0 || req.session_epoch > 0) {
        let body = FetchResponse::default()
            .with_error_code(ResponseError::FetchSessionIdNotFound.code())
            .with_session_id(0);
        return reply.now(&body);
    }
    let plan = plan(ctx, &req, reply.version >= 13);
    let (body, splicer, bytes) = read_all(ctx, &plan);
    let min_bytes = req.min_bytes.max(0) as usize;
    if ready(&body, bytes, min_bytes) || req.max_wait_ms <= 0 {
        return reply.finish(&body, splicer);
    }
    drop((body, splicer));
    let wait = Duration::from_millis(req.max_wait_ms as u64);
    let ctx = ctx.clone();
    Handled::Later(Box::pin(long_poll(ctx, reply, plan, wait, min_bytes)))
}

fn plan(ctx: &Context, req: &FetchRequest, by_id: bool) -> Plan {
    let topics = req
        .topics
        .iter()
        .map(|t| TopicAsk {
            name: t.topic.clone(),
            id: t.topic_id,
            topic: if by_id {
                ctx.broker.topic_by_id(&t.topic_id)
            } else {
                ctx.broker.topic(&t.topic)
            },
            partitions: t
                .partitions
                .iter()
                .map(|p| PartitionAsk {
                    index: p.partition,
                    offset: p.fetch_offset,
                    max_bytes: p.partition_max_bytes,
                })
                .collect(),
        })
        .collect();
    let asked = if req.max_bytes > 0 {
        req.max_bytes as usize
    } else {
        usize::MAX
    };
    Plan {
        topics,
        by_id,
        response_bytes_max: asked.min(ctx.config.fetch_response_bytes_max),
    }
}

async fn long_poll(
    ctx: Arc<Context>,
    reply: Reply,
    plan: Plan,
    wait: Duration,
    min_bytes: usize,
) -> super::Outcome {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let notified = ctx.broker.data_arrived().notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let (body, splicer, bytes) = read_all(&ctx, &plan);
        if ready(&body, bytes, min_bytes) || tokio::time::Instant::now() >= deadline {
            return reply.encode(&body, splicer).map(Some);
        }
        drop((body, splicer));
        tokio::select! {
            _ = notified => {}
            _ = tokio::time::sleep_until(deadline) => {}
        }
    }
}

/// Reply now if enough data is there or any partition has an error (as Kafka does).
fn ready(body: &FetchResponse, bytes: usize, min_bytes: usize) -> bool {
    bytes >= min_bytes
        || body
            .responses
            .iter()
            .flat_map(|t| &t.partitions)
            .any(|p| p.error_code != 0)
}

fn read_all(ctx: &Context, plan: &Plan) -> (FetchResponse, Splicer, usize) {
    let mut splicer = Splicer::default();
    let mut budget = plan.response_bytes_max;
    let mut total = 0usize;
    let mut responses = Vec::with_capacity(plan.topics.len());
    for t in &plan.topics {
        let mut parts = Vec::with_capacity(t.partitions.len());
        for p in &t.partitions {
            let first = total == 0;
            let (data, n) = read_partition(ctx, t, p, &mut splicer, budget, first);
            budget = budget.saturating_sub(n);
            total += n;
            parts.push(data);
        }
        let mut r = FetchableTopicResponse::default().with_partitions(parts);
        if plan.by_id {
            r.topic_id = t.id;
        } else {
            r.topic = t.name.clone();
        }
        responses.push(r);
    }
    (
        FetchResponse::default()
            .with_session_id(0)
            .with_responses(responses),
        splicer,
        total,
    )
}

fn empty_partition(index: i32, code: i16, p: Option<&Partition>) -> PartitionData {
    let (hw, start) = p
        .map(|p| (p.high_watermark().0, p.log_start_offset().0))
        .unwrap_or((-1, -1));
    PartitionData::default()
        .with_partition_index(index)
        .with_error_code(code)
        .with_high_watermark(hw)
        .with_last_stable_offset(hw)
        .with_log_start_offset(start)
        .with_preferred_read_replica(BrokerId(-1))
        .with_records(Some(Default::default()))
}

fn read_partition(
    ctx: &Context,
    t: &TopicAsk,
    ask: &PartitionAsk,
    splicer: &mut Splicer,
    budget: usize,
    first: bool,
) -> (PartitionData, usize) {
    let unknown = if t.name.is_empty() && t.topic.is_none() {
        ResponseError::UnknownTopicId
    } else {
        ResponseError::UnknownTopicOrPartition
    };
    let Some(partition) = t.topic.as_ref().and_then(|t| t.partition(ask.index)) else {
        return (empty_partition(ask.index, unknown.code(), None), 0);
    };
    let limit = (ask.max_bytes.max(0) as usize).min(budget);
    if limit == 0 {
        return (empty_partition(ask.index, 0, Some(&partition)), 0);
    }
    let (slice, next) = match partition.read(Offset(ask.offset), limit as u32) {
        Ok(r) => (r.slice, r.next_offset),
        Err(ReadError::Log(LogError::OffsetOutOfRange { .. })) => {
            return (
                empty_partition(
                    ask.index,
                    ResponseError::OffsetOutOfRange.code(),
                    Some(&partition),
                ),
                0,
            )
        }
        Err(ReadError::UnknownTopicOrPartition) => {
            return (empty_partition(ask.index, unknown.code(), None), 0)
        }
        Err(ReadError::Log(LogError::Corrupt { .. })) => {
            // The batch at this offset is damaged on disk (logged and counted once by the
            // broker): the partition answers KAFKA_STORAGE_ERROR, the others are served.
            return (
                empty_partition(
                    ask.index,
                    ResponseError::KafkaStorageError.code(),
                    Some(&partition),
                ),
                0,
            );
        }
        Err(e) => {
            tracing::error!(topic = %partition.topic, partition = ask.index, error = %e, "read failed");
            return (
                empty_partition(
                    ask.index,
                    ResponseError::KafkaStorageError.code(),
                    Some(&partition),
                ),
                0,
            );
        }
    };
    let mut data = empty_partition(ask.index, 0, Some(&partition));
    let Some(slice) = slice else { return (data, 0) };
    let n = slice.len as usize;
    if n > limit && !first {
        // Only the first partition with data may exceed the limits (KIP-74).
        return (data, 0);
    }
    match splicer.add(Records::File(slice)) {
        Ok(bytes) => data.records = Some(bytes),
        Err(e) => {
            tracing::error!(topic = %partition.topic, partition = ask.index, error = %e, "read failed");
            return (
                empty_partition(
                    ask.index,
                    ResponseError::KafkaStorageError.code(),
                    Some(&partition),
                ),
                0,
            );
        }
    }
    let records = next.map_or(0, |o| (o.0 - ask.offset).max(0) as u64);
    ctx.broker.record_read(&partition, n as u64, records);
    (data, n)
}
