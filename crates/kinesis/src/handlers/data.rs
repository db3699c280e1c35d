//! The data plane: PutRecord, PutRecords, GetShardIterator, GetRecords.

use super::{
    active_stream, child_shards_json, find_shard, int_of, obj, push_shard_id, shard_id, str_of,
    timestamp, RequestCtx,
};
use crate::error::{KResult, KinesisError};
use crate::iterator::{java_date, IteratorError, Position, ITERATOR_TTL_MS};
use crate::records;
use crate::seqnum;
use crate::server::Context;
use base64::Engine;
use md5::{Digest, Md5};
use serde_json::Value;
use sluice_broker::streams::{StreamInfo, StreamMeta};
use sluice_broker::{now_ms, Partition, ProduceError};
use std::sync::Arc;

/// GetRecords returns at most this many bytes of records per call (Kinesis's 10 MiB).
pub const GET_RECORDS_MAX_BYTES: usize = 10 << 20;
/// PutRecords takes at most this many bytes of records per call (Kinesis's 10 MiB).
pub const PUT_RECORDS_MAX_BYTES: usize = 10 << 20;
const BASE64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Room for a batch header and one record's framing around a record's key and data.
const BATCH_OVERHEAD: usize = 4096;

/// A (key, value, timestamp) row for `sluice_log::batch::build`.
type BatchRow<'a> = (Option<&'a [u8]>, Option<&'a [u8]>, i64);

/// One record to put, decoded.
struct Incoming<'a> {
    key: std::borrow::Cow<'a, str>,
    data: std::borrow::Cow<'a, [u8]>,
    hash: u128,
}

fn decode_data(v: &Value) -> KResult<Vec<u8>> {
    let s = v.as_str().unwrap_or("");
    BASE64
        .decode(s)
        .map_err(|_| KinesisError::serialization("Base64 encoded data could not be decoded."))
}

fn parse_hash_key(s: &str) -> KResult<u128> {
    let bad = || {
        KinesisError::invalid_argument(format!(
            "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was {s}"
        ))
    };
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    s.parse::<u128>().map_err(|_| bad())
}

fn hash_of(key: &str, explicit: Option<&str>) -> KResult<u128> {
    match explicit {
        Some(e) => parse_hash_key(e),
        None => {
            let d = Md5::digest(key.as_bytes());
            Ok(u128::from_be_bytes(d.into()))
        }
    }
}

/// `path` is where the record sits in the request, for the validation message
/// (`partitionKey`, or `records.3.member.partitionKey`).
fn incoming<'a>(ctx: &Context, v: &'a Value, path: &str) -> KResult<Incoming<'a>> {
    // The current model leaves PartitionKey optional (for AUTO record distribution, which
    // Sluice does not implement); without it there is nothing to route by.
    let Some(key) = str_of(v, "PartitionKey") else {
        return Err(KinesisError::validation(format!(
            "1 validation error detected: Value null at '{path}' failed to satisfy constraint: Member must not be null"
        )));
    };
    let key = std::borrow::Cow::Borrowed(key);
    let data = decode_data(v.get("Data").unwrap_or(&Value::Null))?;
    let hash = hash_of(&key, str_of(v, "ExplicitHashKey"))?;
    let size = key.len() + data.len();
    if size > ctx.config.max_record_bytes {
        return Err(KinesisError::invalid_argument(format!(
            "The record is {size} bytes (partition key and data), more than the limit of {} bytes.",
            ctx.config.max_record_bytes
        )));
    }
    Ok(Incoming {
        key,
        data: std::borrow::Cow::Owned(data),
        hash,
    })
}

/// The outcome of putting one record. A success keeps what its sequence number is made of;
/// the text is written with a [`seqnum::SeqEncoder`] when the reply is.
enum PutResult {
    Ok {
        shard: i32,
        created_ms: i64,
        offset: i64,
        arrival_ms: i64,
    },
    Failed {
        code: &'static str,
        message: String,
    },
}

/// Append records to their shards: one batch per shard (split under the topic's batch size
/// limit), all appends first, then wait until each is durable. Results come back in input
/// order. A shard closed between routing and appending is routed again.
async fn put(
    ctx: &Context,
    r: &RequestCtx,
    name: &str,
    recs: Vec<Incoming<'_>>,
) -> KResult<Vec<PutResult>> {
    let mut results: Vec<Option<PutResult>> = (0..recs.len()).map(|_| None).collect();
    let mut pending: Vec<usize> = (0..recs.len()).collect();
    let mut waiters = Vec::new();
    for _attempt in 0..3 {
        if pending.is_empty() {
            break;
        }
        let s = ctx
            .broker
            .stream(name)
            .ok_or_else(|| KinesisError::stream_not_found(name, &r.account))?;
        // Batches are ours: bounded by the topic's max.message.bytes, or by one Kinesis record
        // (up to max_record_bytes) plus batch overhead if that is larger.
        let max_batch = ctx
            .broker
            .topic_log_config(&s.topic)
            .max_message_bytes
            .max(ctx.config.max_record_bytes + BATCH_OVERHEAD);
        // Group by shard, keeping request order within each shard.
        let mut by_shard: Vec<(i32, Vec<usize>)> = Vec::new();
        for &i in &pending {
            let Some(shard) = s.meta.shard_for_hash(recs[i].hash) else {
                results[i] = Some(PutResult::Failed {
                    code: "InternalFailure",
                    message: "Internal service failure.".into(),
                });
                continue;
            };
            match by_shard.iter_mut().find(|(s, _)| *s == shard) {
                Some((_, v)) => v.push(i),
                None => by_shard.push((shard, vec![i])),
            }
        }
        let mut retry = Vec::new();
        for (shard, idxs) in by_shard {
            let Some(partition) = s.topic.partition(shard) else {
                retry.extend(idxs);
                continue;
            };
            let shard_meta = &s.meta.shards[shard as usize];
            if ctx.config.enforce_shard_limits {
                let bytes: usize = idxs
                    .iter()
                    .map(|&i| recs[i].key.len() + recs[i].data.len())
                    .sum();
                if !ctx
                    .limits
                    .admit_put(&s.topic.name, shard, idxs.len(), bytes)
                {
                    ctx.metrics.throttled_put(&s.topic.name, shard, idxs.len());
                    for i in idxs {
                        results[i] = Some(PutResult::Failed {
                            code: "ProvisionedThroughputExceededException",
                            message: format!(
                                "Rate exceeded for shard {} in stream {} under account {}.",
                                shard_id(shard),
                                s.topic.name,
                                r.account
                            ),
                        });
                    }
                    continue;
                }
            }
            for chunk in chunks(&recs, &idxs, max_batch) {
                let now = now_ms();
                let blob = {
                    let rows: Vec<BatchRow> = chunk
                        .iter()
                        .map(|&i| (Some(recs[i].key.as_bytes()), Some(&recs[i].data[..]), now))
                        .collect();
                    sluice_log::batch::build(&rows, -1, -1, -1)
                };
                match ctx
                    .broker
                    .append_max(&partition, &blob, true, Some(max_batch))
                {
                    Ok((outcome, waiter)) => {
                        let bytes: usize = chunk
                            .iter()
                            .map(|&i| recs[i].key.len() + recs[i].data.len())
                            .sum();
                        ctx.metrics
                            .incoming(&s.topic.name, shard, chunk.len(), bytes);
                        for (k, &i) in chunk.iter().enumerate() {
                            let offset = outcome.base_offset.0 + k as i64;
                            results[i] = Some(PutResult::Ok {
                                shard,
                                created_ms: shard_meta.created_ms,
                                offset,
                                arrival_ms: now,
                            });
                        }
                        if let Some(w) = waiter {
                            waiters.push((w, chunk.clone()));
                        }
                    }
                    Err(ProduceError::ShardClosed) => retry.extend(chunk.iter().copied()),
                    Err(e) => {
                        let e = KinesisError::from_produce(e);
                        tracing::warn!(stream = %s.topic.name, shard, error = %e, "PutRecords append failed");
                        for &i in &chunk {
                            results[i] = Some(PutResult::Failed {
                                code: "InternalFailure",
                                message: "Internal service failure.".into(),
                            });
                        }
                    }
                }
            }
        }
        pending = retry;
    }
    for i in pending {
        results[i] = Some(PutResult::Failed {
            code: "InternalFailure",
            message: "Internal service failure.".into(),
        });
    }
    // Acknowledge only what is durable under the flush policy.
    for (w, idxs) in waiters {
        let ok = matches!(w.await, Ok(Ok(())));
        if !ok {
            for i in idxs {
                results[i] = Some(PutResult::Failed {
                    code: "InternalFailure",
                    message: "Internal service failure.".into(),
                });
            }
        }
    }
    Ok(results
        .into_iter()
        .map(|r| r.expect("every record has a result"))
        .collect())
}

/// Split one shard's records into batches under `max_batch` bytes (record overhead included
/// with a margin), keeping order.
fn chunks(recs: &[Incoming<'_>], idxs: &[usize], max_batch: usize) -> Vec<Vec<usize>> {
    let budget = max_batch.saturating_sub(BATCH_OVERHEAD).max(1024);
    let mut out = Vec::new();
    let mut cur = Vec::new();
    let mut size = 0usize;
    for &i in idxs {
        let sz = recs[i].key.len() + recs[i].data.len() + 40;
        if !cur.is_empty() && size + sz > budget {
            out.push(std::mem::take(&mut cur));
            size = 0;
        }
        cur.push(i);
        size += sz;
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

pub async fn put_record(ctx: &Context, r: &RequestCtx, input: &Value) -> KResult<Value> {
    let s = active_stream(ctx, r, input)?;
    if let Some(seq) = str_of(input, "SequenceNumberForOrdering") {
        if !seqnum::is_well_formed(seq) {
            return Err(KinesisError::invalid_argument(format!(
                "ExclusiveMinimumSequenceNumber {seq} used in PutRecord on stream {} under account {} is invalid.",
                s.topic.name, r.account
            )));
        }
    }
    let rec = incoming(ctx, input, "partitionKey")?;
    let mut out = put(ctx, r, &s.topic.name, vec![rec]).await?;
    match out.pop() {
        Some(PutResult::Ok {
            shard,
            created_ms,
            offset,
            arrival_ms,
        }) => {
            let seq = seqnum::for_record(shard, created_ms, offset, arrival_ms);
            let mut m = obj();
            m.insert("ShardId".into(), shard_id(shard).into());
            m.insert("SequenceNumber".into(), seq.into());
            m.insert("EncryptionType".into(), "NONE".into());
            Ok(Value::Object(m))
        }
        Some(PutResult::Failed { code, message }) => Err(if code == "InternalFailure" {
            KinesisError::internal(message)
        } else {
            KinesisError::new("ProvisionedThroughputExceededException", message)
        }),
        None => Err(KinesisError::internal("Internal service failure.")),
    }
}

pub async fn put_records(ctx: &Context, r: &RequestCtx, input: &Value) -> KResult<Value> {
    let s = active_stream(ctx, r, input)?;
    let list = input
        .get("Records")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let max = ctx.config.put_records_max;
    if list.len() > max {
        // A lowered `kinesis.put_records_max`, worded as the model's own limit would be.
        return Err(KinesisError::validation(format!(
            "1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length less than or equal to {max} (kinesis.put_records_max)"
        )));
    }
    let mut recs = Vec::with_capacity(list.len());
    let mut total = 0usize;
    for (i, v) in list.iter().enumerate() {
        let rec = incoming(ctx, v, &format!("records.{}.member.partitionKey", i + 1))?;
        total += rec.key.len() + rec.data.len();
        recs.push(rec);
    }
    if total > PUT_RECORDS_MAX_BYTES {
        return Err(KinesisError::invalid_argument(format!(
            "Records size exceeds 10 MB limit: the request carries {total} bytes of partition keys and data."
        )));
    }
    let results = put(ctx, r, &s.topic.name, recs).await?;
    let mut failed = 0;
    let mut enc = seqnum::SeqEncoder::new();
    let entries: Vec<Value> = results
        .into_iter()
        .map(|res| {
            let mut m = obj();
            match res {
                PutResult::Ok {
                    shard,
                    created_ms,
                    offset,
                    arrival_ms,
                } => {
                    let seq = enc.record(shard, created_ms, offset, arrival_ms);
                    let seq = String::from_utf8_lossy(seq).into_owned();
                    m.insert("SequenceNumber".into(), seq.into());
                    m.insert("ShardId".into(), shard_id(shard).into());
                }
                PutResult::Failed { code, message } => {
                    failed += 1;
                    m.insert("ErrorCode".into(), code.into());
                    m.insert("ErrorMessage".into(), message.into());
                }
            }
            Value::Object(m)
        })
        .collect();
    let mut m = obj();
    m.insert("FailedRecordCount".into(), failed.into());
    m.insert("Records".into(), Value::Array(entries));
    m.insert("EncryptionType".into(), "NONE".into());
    Ok(Value::Object(m))
}

/// PutRecords as JSON clients send it, without building a JSON tree: the body is parsed into
/// borrowed fields, every constraint the model states is checked on them, and the reply is
/// written directly. Returns None when the request is anything but plainly valid, so the
/// general path (validation with AWS's exact wording) answers it instead.
pub async fn put_records_fast(
    ctx: &Context,
    r: &RequestCtx,
    body: &[u8],
) -> Option<KResult<super::Reply>> {
    use std::borrow::Cow;
    #[derive(serde::Deserialize)]
    struct Entry<'a> {
        /// The base64 text's bytes as they stand in the body: no UTF-8 check (base64 checks
        /// them), and a string with escapes does not borrow, so it fails here and goes the
        /// general way.
        #[serde(rename = "Data", borrow)]
        data: &'a [u8],
        #[serde(rename = "PartitionKey", borrow)]
        key: Cow<'a, str>,
        #[serde(rename = "ExplicitHashKey", borrow, default)]
        explicit: Option<Cow<'a, str>>,
    }
    #[derive(serde::Deserialize)]
    struct Request<'a> {
        #[serde(rename = "StreamName", borrow, default)]
        name: Option<Cow<'a, str>>,
        #[serde(rename = "StreamARN", borrow, default)]
        arn: Option<Cow<'a, str>>,
        #[serde(rename = "Records", borrow)]
        records: Vec<Entry<'a>>,
    }
    let req: Request = serde_json::from_slice(body).ok()?;
    if req.records.is_empty() || req.records.len() > ctx.config.put_records_max {
        return None;
    }
    let name = match (&req.name, &req.arn) {
        (Some(n), None) => n.as_ref(),
        (None, Some(a)) => {
            let account = a.split(':').nth(4)?;
            if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            super::stream_name_from_arn(a)?
        }
        _ => return None,
    };
    let name_ok = !name.is_empty()
        && name.len() <= 128
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-');
    if !name_ok {
        return None;
    }
    // Every record's data is decoded into one buffer (no allocation per record); `spans` are
    // (start, end) in it.
    let encoded: usize = req.records.iter().map(|e| e.data.len()).sum();
    let mut arena = vec![0u8; encoded / 4 * 3 + 3 * req.records.len()];
    let mut spans = Vec::with_capacity(req.records.len());
    let mut used = 0usize;
    for e in &req.records {
        // SIMD base64; what it refuses goes to the general path (the `base64` crate) for the
        // error. It accepts exactly what that crate accepts, as the same bytes:
        // `simd_base64_decodes_as_the_base64_crate` checks.
        let n = base64_simd::STANDARD.decoded_length(e.data).ok()?;
        let out = arena.get_mut(used..used + n)?;
        base64_simd::STANDARD
            .decode(e.data, base64_simd::Out::from_slice(out))
            .ok()?;
        spans.push((used, used + n));
        used += n;
    }
    let mut recs = Vec::with_capacity(req.records.len());
    let mut total = 0usize;
    for (e, &(from, to)) in req.records.iter().zip(&spans) {
        let chars = e.key.chars().count();
        if chars == 0 || chars > 256 {
            return None;
        }
        if e.explicit
            .as_deref()
            .is_some_and(|h| h.is_empty() || h.len() > 39 || !h.bytes().all(|b| b.is_ascii_digit()))
        {
            return None;
        }
        let data = &arena[from..to];
        if data.len() > ctx.config.max_record_bytes {
            return None;
        }
        let hash = match hash_of(&e.key, e.explicit.as_deref()) {
            Ok(h) => h,
            Err(_) => return None,
        };
        total += e.key.len() + data.len();
        recs.push(Incoming {
            key: e.key.clone(),
            data: Cow::Borrowed(data),
            hash,
        });
    }
    if total > PUT_RECORDS_MAX_BYTES
        || recs
            .iter()
            .any(|r| r.key.len() + r.data.len() > ctx.config.max_record_bytes)
    {
        return None;
    }
    let name = name.to_string();
    Some(put_records_reply(ctx, r, &name, recs).await)
}

async fn put_records_reply(
    ctx: &Context,
    r: &RequestCtx,
    name: &str,
    recs: Vec<Incoming<'_>>,
) -> KResult<super::Reply> {
    let s = ctx
        .broker
        .stream(name)
        .ok_or_else(|| KinesisError::stream_not_found(name, &r.account))?;
    if super::stream_status(&s.meta, now_ms()) == "CREATING" {
        return Err(KinesisError::stream_not_found(name, &r.account));
    }
    let n = recs.len();
    let results = put(ctx, r, name, recs).await?;
    let failed = results
        .iter()
        .filter(|r| matches!(r, PutResult::Failed { .. }))
        .count();
    let mut out = Vec::with_capacity(64 + n * 110);
    let mut enc = seqnum::SeqEncoder::new();
    out.extend_from_slice(b"{\"FailedRecordCount\":");
    out.extend_from_slice(failed.to_string().as_bytes());
    out.extend_from_slice(b",\"EncryptionType\":\"NONE\",\"Records\":[");
    for (i, res) in results.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        match res {
            PutResult::Ok {
                shard,
                created_ms,
                offset,
                arrival_ms,
            } => {
                out.extend_from_slice(b"{\"SequenceNumber\":\"");
                out.extend_from_slice(enc.record(*shard, *created_ms, *offset, *arrival_ms));
                out.extend_from_slice(b"\",\"ShardId\":\"");
                push_shard_id(&mut out, *shard);
                out.extend_from_slice(b"\"}");
            }
            PutResult::Failed { code, message } => {
                out.extend_from_slice(b"{\"ErrorCode\":");
                super::push_json_str(&mut out, code);
                out.extend_from_slice(b",\"ErrorMessage\":");
                super::push_json_str(&mut out, message);
                out.push(b'}');
            }
        }
    }
    out.extend_from_slice(b"]}");
    Ok(super::Reply::RawJson(bytes::Bytes::from(out)))
}

/// Where readers of a shard stop: a closed shard's end, else the high watermark.
fn stop_offset(meta: &StreamMeta, shard: i32, p: &Partition) -> i64 {
    let hw = p.high_watermark().0;
    meta.shards[shard as usize]
        .closed_end_offset
        .map_or(hw, |end| end.min(hw))
}

pub fn get_shard_iterator(ctx: &Context, r: &RequestCtx, input: &Value) -> KResult<Value> {
    let s = active_stream(ctx, r, input)?;
    let shard_str = str_of(input, "ShardId").unwrap_or("");
    let (index, shard) = find_shard(&s, r, shard_str)?;
    let partition = s
        .topic
        .partition(index)
        .ok_or_else(|| KinesisError::internal("Internal service failure."))?;
    let stop = stop_offset(&s.meta, index, &partition);
    let start = partition.log_start_offset().0;
    let kind = str_of(input, "ShardIteratorType").unwrap_or("");
    let seq_arg = str_of(input, "StartingSequenceNumber");
    let offset = match kind {
        "TRIM_HORIZON" => start,
        "LATEST" => stop,
        "AT_SEQUENCE_NUMBER" | "AFTER_SEQUENCE_NUMBER" => {
            let Some(seq) = seq_arg else {
                return Err(KinesisError::invalid_argument(format!(
                    "Must specify a StartingSequenceNumber for {kind} iterators."
                )));
            };
            let d = seqnum::decode(seq).ok_or_else(|| {
                KinesisError::invalid_argument(format!(
                    "StartingSequenceNumber {seq} used in GetShardIterator on shard {} in stream {} under account {} is invalid.",
                    shard_id(index), s.topic.name, r.account
                ))
            })?;
            if d.shard != index {
                return Err(KinesisError::invalid_argument(format!(
                    "Invalid StartingSequenceNumber. It encodes {}, while it was used in a call to a shard with {}",
                    shard_id(d.shard),
                    shard_id(index)
                )));
            }
            let at = seqnum::offset_of(&d);
            let at = if kind == "AFTER_SEQUENCE_NUMBER" {
                at.saturating_add(1)
            } else {
                at
            };
            at.clamp(start, stop.max(start))
        }
        "AT_TIMESTAMP" => {
            let Some(ts) = input.get("Timestamp").and_then(Value::as_f64) else {
                return Err(KinesisError::invalid_argument(
                    "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.",
                ));
            };
            let ts_ms = (ts * 1000.0).round() as i64;
            let now = now_ms();
            if ts_ms > now {
                return Err(KinesisError::invalid_argument(format!(
                    "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: {ts_ms}, currentTimestampInMillis: {now}"
                )));
            }
            records::offset_for_timestamp(&partition, ts_ms, stop).map_err(read_error)?
        }
        other => {
            return Err(KinesisError::invalid_argument(format!(
                "Invalid ShardIteratorType {other}."
            )))
        }
    };
    if seq_arg.is_some() && !matches!(kind, "AT_SEQUENCE_NUMBER" | "AFTER_SEQUENCE_NUMBER") {
        return Err(KinesisError::invalid_argument(format!(
            "Request should not contain a StartingSequenceNumber for {kind} iterators."
        )));
    }
    let _ = shard;
    let it = ctx.iterators.encode(&Position {
        stream: s.topic.id,
        shard: index,
        offset,
        created_ms: now_ms(),
    });
    let mut m = obj();
    m.insert("ShardIterator".into(), it.into());
    Ok(Value::Object(m))
}

/// A read failure is the server's: the client gets AWS's plain InternalFailure text, the
/// operator the details (segment paths stay out of replies).
pub(crate) fn read_error(e: sluice_broker::ReadError) -> KinesisError {
    tracing::warn!(error = %e, "Kinesis read failed");
    KinesisError::internal("Internal service failure.")
}

/// Resolve an iterator to its stream and position.
pub(crate) fn open_iterator(
    ctx: &Context,
    r: &RequestCtx,
    it: &str,
) -> KResult<(StreamInfo, Position)> {
    let now = now_ms();
    let pos = match ctx.iterators.decode(it, now) {
        Ok(p) => p,
        Err(IteratorError::Invalid) => {
            return Err(KinesisError::invalid_argument("Invalid ShardIterator."))
        }
        Err(IteratorError::Expired { created_ms }) => {
            return Err(KinesisError::new(
                "ExpiredIteratorException",
                format!(
                    "Iterator expired. The iterator was created at time {} while right now it is {} which is further in the future than the tolerated delay of {ITERATOR_TTL_MS} milliseconds.",
                    java_date(created_ms),
                    java_date(now)
                ),
            ))
        }
    };
    let topic = ctx.broker.topic_by_id(&pos.stream).ok_or_else(|| {
        KinesisError::not_found(format!(
            "The stream of this shard iterator under account {} no longer exists.",
            r.account
        ))
    })?;
    let s = ctx
        .broker
        .stream(&topic.name)
        .ok_or_else(|| KinesisError::stream_not_found(&topic.name, &r.account))?;
    if pos.shard < 0 || pos.shard as usize >= s.meta.shards.len() {
        return Err(KinesisError::invalid_argument("Invalid ShardIterator."));
    }
    Ok((s, pos))
}

/// A stored record in GetRecords' (and SubscribeToShard's) JSON form.
pub(crate) fn record_json(shard: i32, shard_created_ms: i64, rec: &records::StoredRecord) -> Value {
    let mut m = obj();
    m.insert(
        "SequenceNumber".into(),
        seqnum::for_record(shard, shard_created_ms, rec.offset, rec.timestamp_ms).into(),
    );
    m.insert(
        "ApproximateArrivalTimestamp".into(),
        timestamp(rec.timestamp_ms),
    );
    m.insert(
        "Data".into(),
        BASE64.encode(rec.value.as_deref().unwrap_or(&[])).into(),
    );
    // Kafka records without a key get an empty partition key.
    m.insert(
        "PartitionKey".into(),
        String::from_utf8_lossy(rec.key.as_deref().unwrap_or(&[]))
            .into_owned()
            .into(),
    );
    Value::Object(m)
}

/// One read of a shard for GetRecords or SubscribeToShard.
pub(crate) struct Fetched {
    pub records: Vec<records::StoredRecord>,
    pub shard_created_ms: i64,
    pub bytes: usize,
    pub next_offset: i64,
    pub behind_ms: i64,
    /// A closed shard read to its end: no more records will ever come.
    pub at_end: bool,
}

pub(crate) fn fetch(
    ctx: &Context,
    s: &StreamInfo,
    index: i32,
    offset: i64,
    limit: usize,
    max_bytes: usize,
) -> KResult<Fetched> {
    let partition: Arc<Partition> = s
        .topic
        .partition(index)
        .ok_or_else(|| KinesisError::internal("Internal service failure."))?;
    let shard = &s.meta.shards[index as usize];
    let stop = stop_offset(&s.meta, index, &partition);
    let now = now_ms();
    let retention_ms = ctx.broker.topic_log_config(&s.topic).retention_ms;
    let min_ts = if retention_ms > 0 {
        now - retention_ms
    } else {
        i64::MIN
    };
    let out =
        records::read(&partition, offset, limit, max_bytes, stop, min_ts).map_err(read_error)?;
    let bytes: usize = out.records.iter().map(records::StoredRecord::size).sum();
    ctx.broker
        .record_read(&partition, bytes as u64, out.records.len() as u64);
    let behind = match out.records.last() {
        Some(last) if out.next_offset < out.high_watermark => (now - last.timestamp_ms).max(0),
        _ => 0,
    };
    ctx.metrics
        .get_records(&s.topic.name, index, out.records.len(), bytes, behind);
    let at_end = shard.closed_end_offset.is_some_and(|end| {
        // A closed shard takes no more writes; its end is what the log holds of it.
        let end = end.min(partition.log_end_offset().0);
        out.next_offset >= end && out.high_watermark >= end
    });
    Ok(Fetched {
        records: out.records,
        shard_created_ms: shard.created_ms,
        bytes,
        next_offset: out.next_offset,
        behind_ms: behind,
        at_end,
    })
}

pub fn get_records(ctx: &Context, r: &RequestCtx, input: &Value) -> KResult<super::Reply> {
    let it = str_of(input, "ShardIterator").unwrap_or("");
    let (s, pos) = open_iterator(ctx, r, it)?;
    let limit = int_of(input, "Limit").unwrap_or(10_000).clamp(1, 10_000) as usize;
    if ctx.config.enforce_shard_limits && !ctx.limits.admit_get(&s.topic.name, pos.shard) {
        ctx.metrics.throttled_get(&s.topic.name, pos.shard);
        return Err(KinesisError::new(
            "ProvisionedThroughputExceededException",
            format!(
                "Rate exceeded for shard {} in stream {} under account {}.",
                shard_id(pos.shard),
                s.topic.name,
                r.account
            ),
        ));
    }
    let f = fetch(ctx, &s, pos.shard, pos.offset, limit, GET_RECORDS_MAX_BYTES)?;
    if ctx.config.enforce_shard_limits {
        ctx.limits.charge_get(&s.topic.name, pos.shard, f.bytes);
    }
    let now = now_ms();
    let next = (!f.at_end).then(|| {
        ctx.iterators.encode(&Position {
            stream: s.topic.id,
            shard: pos.shard,
            offset: f.next_offset,
            created_ms: now,
        })
    });
    if r.encoding == crate::server::Encoding::Json {
        // The hot path: the reply is written directly, without a JSON tree.
        let mut out = Vec::with_capacity(128 + f.bytes * 4 / 3 + f.records.len() * 150);
        out.extend_from_slice(br#"{"Records":["#);
        let mut enc = seqnum::SeqEncoder::new();
        for (i, rec) in f.records.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_record_json(&mut out, &mut enc, pos.shard, f.shard_created_ms, rec);
        }
        out.extend_from_slice(br#"],"MillisBehindLatest":"#);
        out.extend_from_slice(f.behind_ms.to_string().as_bytes());
        match &next {
            Some(it) => {
                out.extend_from_slice(br#","NextShardIterator":""#);
                out.extend_from_slice(it.as_bytes());
                out.push(b'"');
            }
            None => {
                out.extend_from_slice(br#","ChildShards":"#);
                let children = child_shards_json(&s.meta, pos.shard);
                let _ = serde_json::to_writer(&mut out, &children);
            }
        }
        out.push(b'}');
        return Ok(super::Reply::RawJson(bytes::Bytes::from(out)));
    }
    let mut m = obj();
    m.insert(
        "Records".into(),
        Value::Array(
            f.records
                .iter()
                .map(|rec| record_json(pos.shard, f.shard_created_ms, rec))
                .collect(),
        ),
    );
    m.insert("MillisBehindLatest".into(), f.behind_ms.into());
    match next {
        Some(it) => {
            m.insert("NextShardIterator".into(), it.into());
        }
        None => {
            m.insert("ChildShards".into(), child_shards_json(&s.meta, pos.shard));
        }
    }
    Ok(super::Reply::Json(Value::Object(m)))
}

/// One record of a GetRecords reply, written as JSON: the same fields as `record_json`.
fn write_record_json(
    out: &mut Vec<u8>,
    enc: &mut seqnum::SeqEncoder,
    shard: i32,
    shard_created_ms: i64,
    rec: &records::StoredRecord,
) {
    out.extend_from_slice(br#"{"SequenceNumber":""#);
    let seq = enc.record(shard, shard_created_ms, rec.offset, rec.timestamp_ms);
    out.extend_from_slice(seq);
    out.extend_from_slice(br#"","ApproximateArrivalTimestamp":"#);
    // Seconds with a millisecond fraction, as the JSON protocol carries timestamps.
    let ms = rec.timestamp_ms;
    let (secs, frac) = (ms.div_euclid(1000), ms.rem_euclid(1000));
    out.extend_from_slice(secs.to_string().as_bytes());
    out.extend_from_slice(&[
        b'.',
        b'0' + (frac / 100) as u8,
        b'0' + (frac / 10 % 10) as u8,
        b'0' + (frac % 10) as u8,
    ]);
    out.extend_from_slice(br#","Data":""#);
    // SIMD base64 (12% of GetRecords' server time with the `base64` crate), appended without
    // zeroing first. Encoding has one right answer, so it can differ from the `base64` crate
    // used elsewhere only by a bug: `simd_base64_encodes_as_the_base64_crate` checks.
    base64_simd::STANDARD.encode_append(rec.value.as_deref().unwrap_or(&[]), out);
    out.extend_from_slice(br#"","PartitionKey":"#);
    let key = String::from_utf8_lossy(rec.key.as_deref().unwrap_or(&[]));
    super::push_json_str(out, &key);
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// GetRecords writes Data with base64-simd, the rest of the server (and every reply
        /// before it) with the `base64` crate: both must give the same text for any bytes,
        /// appended after what the buffer already holds.
        #[test]
        fn simd_base64_encodes_as_the_base64_crate(
            prefix in proptest::collection::vec(any::<u8>(), 0..8),
            data in proptest::collection::vec(any::<u8>(), 0..600),
        ) {
            let mut out = prefix.clone();
            base64_simd::STANDARD.encode_append(&data, &mut out);
            let mut want = prefix;
            want.extend_from_slice(BASE64.encode(&data).as_bytes());
            prop_assert_eq!(out, want);
        }

        /// The PutRecords fast path decodes Data with base64-simd, the general path (which
        /// words the errors) with the `base64` crate: they must accept the same texts and give
        /// the same bytes. Texts are valid encodings, possibly mutated at one place, or strings
        /// over an alphabet of base64 characters, padding and a few others.
        #[test]
        fn simd_base64_decodes_as_the_base64_crate(
            data in proptest::collection::vec(any::<u8>(), 0..64),
            mutate in proptest::option::of((any::<prop::sample::Index>(), any::<u8>())),
            noise in "[AQgw/+=_ 9-]{0,24}",
            use_noise in any::<bool>(),
        ) {
            let text: Vec<u8> = if use_noise {
                noise.into_bytes()
            } else {
                let mut t = BASE64.encode(&data).into_bytes();
                if let (Some((at, b)), false) = (mutate, t.is_empty()) {
                    let i = at.index(t.len());
                    t[i] = b"AQgwBCDE=/+_-. "[b as usize % 15];
                }
                t
            };
            let reference = BASE64.decode(&text).ok();
            let simd = base64_simd::STANDARD.decoded_length(&text).ok().and_then(|n| {
                let mut out = vec![0u8; n];
                base64_simd::STANDARD
                    .decode(&text, base64_simd::Out::from_slice(&mut out))
                    .ok()
                    .map(|d| d.to_vec())
            });
            prop_assert_eq!(simd, reference, "text {:?}", String::from_utf8_lossy(&text));
        }
    }
}
