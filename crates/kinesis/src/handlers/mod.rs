//! One function per Kinesis operation, over the broker. Input arrives validated against the
//! model (types and constraints), in JSON form; replies are JSON values the server encodes as
//! JSON or CBOR.

pub mod consumers;
pub mod data;
pub mod shards;
pub mod streams;

use crate::error::{KResult, KinesisError};
use crate::model::Operation;
use crate::server::{Context, Encoding};
use serde_json::{Map, Value};
use sluice_broker::streams::{ShardMeta, StreamInfo, StreamMeta};
use tokio::sync::mpsc;

/// Who is asking, as the request's signature and the server's settings say.
#[derive(Clone)]
pub struct RequestCtx {
    pub region: String,
    pub account: String,
    pub encoding: Encoding,
}

impl RequestCtx {
    pub fn stream_arn(&self, name: &str) -> String {
        format!(
            "arn:aws:kinesis:{}:{}:stream/{name}",
            self.region, self.account
        )
    }
}

pub enum Reply {
    Json(Value),
    /// A reply already encoded as JSON (the hot paths write it directly; only produced for
    /// JSON requests).
    RawJson(bytes::Bytes),
    /// An `application/vnd.amazon.eventstream` body, frame by frame.
    EventStream(mpsc::Receiver<bytes::Bytes>),
}

pub async fn dispatch(
    ctx: &std::sync::Arc<Context>,
    r: &RequestCtx,
    op: Operation,
    input: Value,
) -> KResult<Reply> {
    use Operation as O;
    let v = match op {
        O::PutRecord => data::put_record(ctx, r, &input).await?,
        O::PutRecords => data::put_records(ctx, r, &input).await?,
        O::GetShardIterator => data::get_shard_iterator(ctx, r, &input)?,
        O::GetRecords => {
            // Reads, decoding and encoding of up to 10 MiB: off the async workers, so a burst
            // of large reads cannot stall other connections (Kafka's included).
            let (ctx, r) = (ctx.clone(), r.clone());
            return tokio::task::spawn_blocking(move || data::get_records(&ctx, &r, &input))
                .await
                .unwrap_or_else(|_| Err(KinesisError::internal("Internal service failure.")));
        }
        O::CreateStream => streams::create_stream(ctx, r, &input)?,
        O::DeleteStream => streams::delete_stream(ctx, r, &input)?,
        O::DescribeStream => streams::describe_stream(ctx, r, &input)?,
        O::DescribeStreamSummary => streams::describe_stream_summary(ctx, r, &input)?,
        O::ListStreams => streams::list_streams(ctx, r, &input)?,
        O::UpdateStreamMode => streams::update_stream_mode(ctx, r, &input)?,
        O::DescribeLimits => streams::describe_limits(ctx, r, &input)?,
        O::EnableEnhancedMonitoring => streams::enhanced_monitoring(ctx, r, &input, true)?,
        O::DisableEnhancedMonitoring => streams::enhanced_monitoring(ctx, r, &input, false)?,
        O::IncreaseStreamRetentionPeriod => streams::retention(ctx, r, &input, true)?,
        O::DecreaseStreamRetentionPeriod => streams::retention(ctx, r, &input, false)?,
        O::AddTagsToStream => streams::add_tags_to_stream(ctx, r, &input)?,
        O::RemoveTagsFromStream => streams::remove_tags_from_stream(ctx, r, &input)?,
        O::ListTagsForStream => streams::list_tags_for_stream(ctx, r, &input)?,
        O::TagResource => streams::tag_resource(ctx, r, &input)?,
        O::UntagResource => streams::untag_resource(ctx, r, &input)?,
        O::ListTagsForResource => streams::list_tags_for_resource(ctx, r, &input)?,
        O::StartStreamEncryption | O::StopStreamEncryption => {
            return Err(KinesisError::invalid_argument(format!(
                "{} is not supported yet: Sluice does not encrypt streams at rest. Streams are stored unencrypted (EncryptionType NONE).",
                op.name()
            )))
        }
        O::ListShards => shards::list_shards(ctx, r, &input)?,
        O::SplitShard => shards::split_shard(ctx, r, &input)?,
        O::MergeShards => shards::merge_shards(ctx, r, &input)?,
        O::UpdateShardCount => shards::update_shard_count(ctx, r, &input)?,
        O::RegisterStreamConsumer => consumers::register(ctx, r, &input)?,
        O::DeregisterStreamConsumer => consumers::deregister(ctx, r, &input)?,
        O::DescribeStreamConsumer => consumers::describe(ctx, r, &input)?,
        O::ListStreamConsumers => consumers::list(ctx, r, &input)?,
        O::SubscribeToShard => return consumers::subscribe(ctx, r, &input),
        other => {
            return Err(KinesisError::new(
                "UnsupportedOperationException",
                format!("Sluice does not implement {} yet.", other.name()),
            ))
        }
    };
    Ok(Reply::Json(v))
}

// ---- input helpers (input is already validated against the model) ----

pub fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

pub fn int_of(v: &Value, key: &str) -> Option<i64> {
    v.get(key).and_then(Value::as_i64)
}

pub fn obj() -> Map<String, Value> {
    Map::new()
}

/// Seconds since the epoch with a millisecond fraction, as the JSON protocol carries
/// timestamps (the CBOR encoder turns them into what CBOR clients expect).
pub fn timestamp(ms: i64) -> Value {
    serde_json::Number::from_f64(ms as f64 / 1000.0)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// Append `s` as a JSON string literal.
pub fn push_json_str(out: &mut Vec<u8>, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        // Writing a &str to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    }
}

pub fn shard_id(index: i32) -> String {
    format!("shardId-{index:012}")
}

/// `shard_id(index)` appended to `out` without formatting machinery (reply hot paths).
pub(crate) fn push_shard_id(out: &mut Vec<u8>, index: i32) {
    out.extend_from_slice(b"shardId-");
    let mut digits = [b'0'; 12];
    let mut n = index.max(0) as u32;
    for d in digits.iter_mut().rev() {
        *d = b'0' + (n % 10) as u8;
        n /= 10;
    }
    out.extend_from_slice(&digits);
}

/// The index in a `shardId-000000000007` id (AWS also accepts the bare number's id forms
/// with any digits after the prefix).
pub fn shard_index(id: &str) -> Option<i32> {
    let digits = id.strip_prefix("shardId-")?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The stream name in a stream ARN (`arn:aws:kinesis:<region>:<account>:stream/<name>`).
pub fn stream_name_from_arn(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    let (arn_, _partition, service, _region, _account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if arn_ != "arn" || service != "kinesis" {
        return None;
    }
    let name = resource.strip_prefix("stream/")?;
    let name = name.split('/').next()?;
    (!name.is_empty()).then_some(name)
}

/// The stream a request names, by StreamName or StreamARN (AWS accepts either; if both are
/// given they must agree).
pub fn stream_name(input: &Value, r: &RequestCtx) -> KResult<String> {
    let _ = r;
    let by_name = str_of(input, "StreamName");
    let by_arn = match str_of(input, "StreamARN") {
        Some(arn) => Some(stream_name_from_arn(arn).ok_or_else(|| {
            KinesisError::invalid_argument(format!("StreamARN {arn} is not a valid stream ARN."))
        })?),
        None => None,
    };
    match (by_name, by_arn) {
        (Some(n), Some(a)) if n != a => Err(KinesisError::invalid_argument(format!(
            "StreamARN {} and StreamName {n} refer to different streams.",
            str_of(input, "StreamARN").unwrap_or("")
        ))),
        (Some(n), _) => Ok(n.to_string()),
        (None, Some(a)) => Ok(a.to_string()),
        (None, None) => Err(KinesisError::invalid_argument(
            "Either StreamName or StreamARN should be provided.",
        )),
    }
}

/// The named stream, or ResourceNotFoundException.
pub fn find_stream(ctx: &Context, r: &RequestCtx, name: &str) -> KResult<StreamInfo> {
    ctx.broker
        .stream(name)
        .ok_or_else(|| KinesisError::stream_not_found(name, &r.account))
}

/// CREATING, UPDATING or ACTIVE, from the stream's timestamps.
pub fn stream_status(meta: &StreamMeta, now_ms: i64) -> &'static str {
    if now_ms < meta.active_at_ms {
        "CREATING"
    } else if now_ms < meta.updating_until_ms {
        "UPDATING"
    } else {
        "ACTIVE"
    }
}

/// The stream, which must be past CREATING (data-plane calls on a CREATING stream get
/// ResourceNotFoundException, as on AWS).
pub fn active_stream(ctx: &Context, r: &RequestCtx, input: &Value) -> KResult<StreamInfo> {
    let name = stream_name(input, r)?;
    let s = find_stream(ctx, r, &name)?;
    if stream_status(&s.meta, sluice_broker::now_ms()) == "CREATING" {
        return Err(KinesisError::stream_not_found(&name, &r.account));
    }
    Ok(s)
}

/// The shard a request names, or ResourceNotFoundException in AWS's words.
pub fn find_shard<'a>(
    s: &'a StreamInfo,
    r: &RequestCtx,
    id: &str,
) -> KResult<(i32, &'a ShardMeta)> {
    shard_index(id)
        .and_then(|i| s.meta.shards.get(i as usize).map(|m| (i, m)))
        .ok_or_else(|| {
            KinesisError::not_found(format!(
                "Shard {id} in stream {} under account {} does not exist",
                s.topic.name, r.account
            ))
        })
}

/// A shard as DescribeStream and ListShards show it.
pub fn shard_json(index: i32, shard: &ShardMeta, p_log_start: Option<i64>) -> Value {
    let _ = p_log_start;
    let mut m = obj();
    m.insert("ShardId".into(), shard_id(index).into());
    if let Some(p) = shard.parent {
        m.insert("ParentShardId".into(), shard_id(p).into());
    }
    if let Some(p) = shard.adjacent_parent {
        m.insert("AdjacentParentShardId".into(), shard_id(p).into());
    }
    m.insert("HashKeyRange".into(), hash_range_json(shard));
    let mut seq = obj();
    seq.insert(
        "StartingSequenceNumber".into(),
        crate::seqnum::encode(index, shard.created_ms, 0, shard.created_ms).into(),
    );
    if shard.closed_end_offset.is_some() {
        seq.insert(
            "EndingSequenceNumber".into(),
            crate::seqnum::encode(
                index,
                shard.created_ms,
                crate::seqnum::ENDING_INDEX,
                shard.created_ms,
            )
            .into(),
        );
    }
    m.insert("SequenceNumberRange".into(), Value::Object(seq));
    Value::Object(m)
}

pub fn hash_range_json(shard: &ShardMeta) -> Value {
    let mut h = obj();
    h.insert(
        "StartingHashKey".into(),
        shard.start_hash.to_string().into(),
    );
    h.insert("EndingHashKey".into(), shard.end_hash.to_string().into());
    Value::Object(h)
}

/// The ChildShards entries of a closed shard (for GetRecords and SubscribeToShard at its end).
pub fn child_shards_json(meta: &StreamMeta, index: i32) -> Value {
    let children = meta
        .children_of(index)
        .into_iter()
        .map(|c| {
            let s = &meta.shards[c as usize];
            let mut m = obj();
            m.insert("ShardId".into(), shard_id(c).into());
            let parents: Vec<Value> = s
                .parent
                .into_iter()
                .chain(s.adjacent_parent)
                .map(|p| shard_id(p).into())
                .collect();
            m.insert("ParentShards".into(), Value::Array(parents));
            m.insert("HashKeyRange".into(), hash_range_json(s));
            Value::Object(m)
        })
        .collect();
    Value::Array(children)
}

#[cfg(test)]
mod tests {
    #[test]
    fn push_shard_id_matches_shard_id() {
        for i in [0, 7, 12_345, i32::MAX] {
            let mut out = Vec::new();
            super::push_shard_id(&mut out, i);
            assert_eq!(String::from_utf8(out).unwrap(), super::shard_id(i));
        }
    }
}
