//! Produce: append each partition's record batches in request order (the records inside are
//! checked here, bounded, see `check_records`; the broker validates CRCs, sizes and idempotent
//! sequences), then, for acks=1/all, wait until the group commit has made
//! them durable (bounded by the request's timeout). acks=0 gets no reply at all.

use super::{Handled, Reply};
use crate::server::Context;
use kafka_protocol::error::ResponseError;
use kafka_protocol::messages::produce_response::{PartitionProduceResponse, TopicProduceResponse};
use kafka_protocol::messages::{ProduceRequest, ProduceResponse};
use kafka_protocol::protocol::StrBytes;
use sluice_broker::ProduceError;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

type Waiter = oneshot::Receiver<sluice_broker::flusher::FlushReply>;

pub fn error_code(e: &ProduceError) -> ResponseError {
    match e {
        ProduceError::UnknownTopicOrPartition => ResponseError::UnknownTopicOrPartition,
        ProduceError::Corrupt(_) => ResponseError::CorruptMessage,
        ProduceError::TooLarge { .. } => ResponseError::MessageTooLarge,
        ProduceError::InvalidRecord(_) => ResponseError::InvalidRecord,
        ProduceError::UnsupportedMagic(_) => ResponseError::UnsupportedForMessageFormat,
        ProduceError::FencedEpoch(_) => ResponseError::InvalidProducerEpoch,
        ProduceError::OutOfOrderSequence(_) => ResponseError::OutOfOrderSequenceNumber,
        ProduceError::TransactionsUnsupported => ResponseError::InvalidTxnState,
        ProduceError::Storage(_) => ResponseError::KafkaStorageError,
        // A closed Kinesis shard: not retriable, so the client fails the record at once with
        // the message instead of retrying forever (see docs/KINESIS.md).
        ProduceError::ShardClosed => ResponseError::PolicyViolation,
    }
}

fn failed(index: i32, code: ResponseError, message: String) -> PartitionProduceResponse {
    PartitionProduceResponse::default()
        .with_index(index)
        .with_error_code(code.code())
        .with_base_offset(-1)
        .with_log_append_time_ms(-1)
        .with_log_start_offset(-1)
        .with_error_message(Some(StrBytes::from_string(message)))
}

pub fn handle(ctx: &Arc<Context>, reply: Reply, req: ProduceRequest) -> Handled {
    let acks = req.acks;
    let mut waiters: Vec<(usize, usize, Waiter)> = Vec::new();
    let mut topics = Vec::with_capacity(req.topic_data.len());
    for (ti, t) in req.topic_data.into_iter().enumerate() {
        let topic = ctx.broker.topic(&t.name);
        let mut parts = Vec::with_capacity(t.partition_data.len());
        for (pi, p) in t.partition_data.into_iter().enumerate() {
            let result = if !matches!(acks, -1..=1) {
                Err((
                    ResponseError::InvalidRequiredAcks,
                    format!("acks must be -1, 0 or 1, got {acks}"),
                ))
            } else if req.transactional_id.is_some() {
                let e = ProduceError::TransactionsUnsupported;
                Err((error_code(&e), e.to_string()))
            } else {
                append(
                    ctx,
                    topic.as_deref(),
                    p.index,
                    p.records.as_deref(),
                    acks != 0,
                )
            };
            match result {
                Ok((resp, waiter)) => {
                    if let Some(w) = waiter {
                        waiters.push((ti, pi, w));
                    }
                    parts.push(resp);
                }
                Err((code, msg)) => parts.push(failed(p.index, code, msg)),
            }
        }
        topics.push(
            TopicProduceResponse::default()
                .with_name(t.name)
                .with_partition_responses(parts),
        );
    }
    if acks == 0 {
        return Handled::Now(None);
    }
    let body = ProduceResponse::default().with_responses(topics);
    if waiters.is_empty() {
        return reply.now(&body);
    }
    let timeout = Duration::from_millis(req.timeout_ms.max(0) as u64);
    Handled::Later(Box::pin(wait_durable(reply, body, waiters, timeout)))
}

fn append(
    ctx: &Context,
    topic: Option<&sluice_broker::Topic>,
    index: i32,
    records: Option<&[u8]>,
    wait: bool,
) -> Result<(PartitionProduceResponse, Option<Waiter>), (ResponseError, String)> {
    let unknown = || {
        let e = ProduceError::UnknownTopicOrPartition;
        (error_code(&e), e.to_string())
    };
    let partition = topic.and_then(|t| t.partition(index)).ok_or_else(unknown)?;
    let records =
        records.ok_or_else(|| (ResponseError::InvalidRecord, "records are null".to_string()))?;
    check_records(records)?;
    let (outcome, waiter) = ctx
        .broker
        .append(&partition, records, wait)
        .map_err(|e| (error_code(&e), e.to_string()))?;
    let resp = PartitionProduceResponse::default()
        .with_index(index)
        .with_base_offset(outcome.base_offset.0)
        .with_log_append_time_ms(-1)
        .with_log_start_offset(outcome.log_start_offset.0);
    Ok((resp, waiter))
}

/// Look inside the batches as Kafka's log validator does: records parse exactly, their count and
/// offset deltas agree with the header, nothing is nested, and each batch decompresses within
/// the limit (streaming, nothing kept). Framing problems (CRC, magic, length) are left to the
/// broker's validation, which names them.
fn check_records(records: &[u8]) -> Result<(), (ResponseError, String)> {
    use sluice_log::records::{check, max_decompressed_bytes, RecordsError};
    match check(records, max_decompressed_bytes()) {
        Ok(()) | Err(RecordsError::Frame(_)) => Ok(()),
        Err(e) => {
            let code = match e {
                RecordsError::Decompress { .. } => ResponseError::CorruptMessage,
                RecordsError::TooLarge { .. } => ResponseError::MessageTooLarge,
                _ => ResponseError::InvalidRecord,
            };
            Err((code, e.to_string()))
        }
    }
}

async fn wait_durable(
    reply: Reply,
    mut body: ProduceResponse,
    waiters: Vec<(usize, usize, Waiter)>,
    timeout: Duration,
) -> super::Outcome {
    let deadline = tokio::time::Instant::now() + timeout;
    for (ti, pi, w) in waiters {
        let outcome = tokio::time::timeout_at(deadline, w).await;
        let err = match outcome {
            Ok(Ok(Ok(()))) => continue,
            Ok(Ok(Err(io))) => (
                ResponseError::KafkaStorageError,
                format!("Disk error while syncing: {io}"),
            ),
            Ok(Err(_)) => (
                ResponseError::KafkaStorageError,
                "The server is shutting down.".to_string(),
            ),
            Err(_) => (
                ResponseError::RequestTimedOut,
                format!(
                    "The data was not durable within the request timeout of {} ms.",
                    timeout.as_millis()
                ),
            ),
        };
        let p = &mut body.responses[ti].partition_responses[pi];
        *p = failed(p.index, err.0, err.1);
    }
    reply.encode(&body, Default::default()).map(Some)
}
