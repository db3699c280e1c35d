//! Enhanced fan-out: registered consumers, and SubscribeToShard, which pushes records over one
//! long `application/vnd.amazon.eventstream` response: an `initial-response` event first (boto3
//! waits for it), then SubscribeToShardEvent messages with the records, the
//! ContinuationSequenceNumber to resume from and MillisBehindLatest, and ChildShards once a
//! closed shard is read to its end. A session ends after five minutes, as on AWS. A second
//! subscription of the same consumer to the same shard within 5 s of the first gets
//! ResourceInUseException; later, it takes over and the older session ends.

use super::data::{fetch, read_error, record_json};
use super::{
    child_shards_json, find_shard, find_stream, int_of, obj, str_of, stream_name_from_arn,
    timestamp, Reply, RequestCtx,
};
use crate::error::{KResult, KinesisError};
use crate::handlers::streams::open_next_token;
use crate::server::{Context, Encoding};
use crate::{cbor, eventstream, records, seqnum};
use serde_json::Value;
use sluice_broker::now_ms;
use sluice_broker::streams::{ConsumerMeta, StreamInfo};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

/// A takeover within this long of the previous subscription is refused.
const TAKEOVER_AFTER: Duration = Duration::from_secs(5);
/// An idle session still sends an (empty) event this often, so clients see progress.
const HEARTBEAT: Duration = Duration::from_secs(5);
/// Records per pushed event, and bytes (the per-consumer 2 MiB/s budget per second).
const EVENT_RECORDS: usize = 10_000;
const EVENT_BYTES: usize = 2 << 20;

struct Session {
    started: Instant,
    stream: String,
    end: watch::Sender<bool>,
}

/// Live SubscribeToShard sessions by (consumer ARN, shard).
#[derive(Default)]
pub struct Subscriptions {
    live: Mutex<HashMap<(String, i32), Session>>,
}

impl Subscriptions {
    /// End every session on a stream (it is being deleted).
    pub fn end_stream(&self, stream: &str) {
        let mut live = self.live.lock().unwrap();
        live.retain(|_, s| {
            if s.stream == stream {
                let _ = s.end.send(true);
                false
            } else {
                true
            }
        });
    }

    /// End every session of one consumer (it was deregistered).
    fn end_consumer(&self, arn: &str) {
        let mut live = self.live.lock().unwrap();
        live.retain(|(a, _), s| {
            if a == arn {
                let _ = s.end.send(true);
                false
            } else {
                true
            }
        });
    }

    /// Start a session, taking over one older than 5 s; refuse a younger one.
    fn start(&self, arn: &str, shard: i32, stream: &str) -> Result<watch::Receiver<bool>, ()> {
        let mut live = self.live.lock().unwrap();
        let key = (arn.to_string(), shard);
        if let Some(old) = live.get(&key) {
            if !old.end.is_closed() && old.started.elapsed() < TAKEOVER_AFTER {
                return Err(());
            }
            let _ = old.end.send(true);
        }
        let (tx, rx) = watch::channel(false);
        live.insert(
            key,
            Session {
                started: Instant::now(),
                stream: stream.to_string(),
                end: tx,
            },
        );
        Ok(rx)
    }
}

fn consumer_arn(r: &RequestCtx, stream: &str, name: &str, created_ms: i64) -> String {
    format!(
        "{}/consumer/{name}:{}",
        r.stream_arn(stream),
        created_ms.div_euclid(1000)
    )
}

fn consumer_status(ctx: &Context, c: &ConsumerMeta) -> &'static str {
    if now_ms() < c.created_ms + ctx.config.create_delay_ms as i64 {
        "CREATING"
    } else {
        "ACTIVE"
    }
}

fn consumer_json(
    ctx: &Context,
    r: &RequestCtx,
    stream: &str,
    name: &str,
    c: &ConsumerMeta,
) -> serde_json::Map<String, Value> {
    let mut m = obj();
    m.insert("ConsumerName".into(), name.into());
    m.insert(
        "ConsumerARN".into(),
        consumer_arn(r, stream, name, c.created_ms).into(),
    );
    m.insert("ConsumerStatus".into(), consumer_status(ctx, c).into());
    m.insert("ConsumerCreationTimestamp".into(), timestamp(c.created_ms));
    m
}

fn stream_of_arn(ctx: &Context, r: &RequestCtx, arn: &str) -> KResult<StreamInfo> {
    let name = stream_name_from_arn(arn).ok_or_else(|| {
        KinesisError::invalid_argument(format!("StreamARN {arn} is not a valid stream ARN."))
    })?;
    find_stream(ctx, r, name)
}

fn consumer_not_found(r: &RequestCtx, what: &str) -> KinesisError {
    KinesisError::not_found(format!(
        "Consumer {what} under account {} not found.",
        r.account
    ))
}

/// A consumer named by ConsumerARN, or by StreamARN + ConsumerName.
fn find_consumer(
    ctx: &Context,
    r: &RequestCtx,
    input: &Value,
) -> KResult<(StreamInfo, String, ConsumerMeta)> {
    if let Some(arn) = str_of(input, "ConsumerARN") {
        let (stream_part, rest) = arn
            .split_once("/consumer/")
            .ok_or_else(|| consumer_not_found(r, arn))?;
        let (name, created_s) = rest
            .rsplit_once(':')
            .ok_or_else(|| consumer_not_found(r, arn))?;
        let s = stream_of_arn(ctx, r, stream_part).map_err(|_| consumer_not_found(r, arn))?;
        let c = s
            .meta
            .consumers
            .get(name)
            .filter(|c| c.created_ms.div_euclid(1000).to_string() == created_s)
            .cloned()
            .ok_or_else(|| consumer_not_found(r, arn))?;
        return Ok((s, name.to_string(), c));
    }
    let (Some(stream_arn), Some(name)) =
        (str_of(input, "StreamARN"), str_of(input, "ConsumerName"))
    else {
        return Err(KinesisError::invalid_argument(
            "Either ConsumerARN or both StreamARN and ConsumerName must be provided.",
        ));
    };
    let s = stream_of_arn(ctx, r, stream_arn)?;
    let c = s
        .meta
        .consumers
        .get(name)
        .cloned()
        .ok_or_else(|| consumer_not_found(r, name))?;
    Ok((s, name.to_string(), c))
}

pub fn register(ctx: &Context, r: &RequestCtx, input: &Value) -> KResult<Value> {
    let stream_arn = str_of(input, "StreamARN").unwrap_or("");
    let s = stream_of_arn(ctx, r, stream_arn)?;
    let name = str_of(input, "ConsumerName").unwrap_or("").to_string();
    let tags = crate::handlers::streams::tags_from_map(input.get("Tags"));
    let limit = ctx.config.consumers_per_stream;
    let stream = s.topic.name.to_string();
    let now = now_ms();
    let mut refusal = None;
    let created = ctx.broker.update_stream(&stream, |m| {
        if m.consumers.contains_key(&name) {
            refusal = Some(KinesisError::in_use(format!(
                "Consumer {name} under stream {stream} already exists for account {}.",
                r.account
            )));
            return Err(sluice_broker::AdminError::InvalidRequest(String::new()));
        }
        if m.consumers.len() >= limit {
            refusal = Some(KinesisError::limit_exceeded(format!(
                "Stream {stream} under account {} has reached the limit of {limit} registered consumers.",
                r.account
            )));
            return Err(sluice_broker::AdminError::InvalidRequest(String::new()));
        }
        let c = ConsumerMeta {
            created_ms: now,
            tags: tags.clone(),
        };
        m.consumers.insert(name.clone(), c.clone());
        Ok(c)
    });
    let c = match created {
        Ok(c) => c,
        Err(_) if refusal.is_some() => return Err(refusal.unwrap()),
        Err(e) => return Err(KinesisError::from_admin(e, &stream, &r.account)),
    };
    let mut m = obj();
    m.insert(
        "Consumer".into(),
        Value::Object(consumer_json(ctx, r, &stream, &name, &c)),
    );
    Ok(Value::Object(m))
}

pub fn deregister(ctx: &Context, r: &RequestCtx, input: &Value) -> KResult<Value> {
    let (s, name, c) = find_consumer(ctx, r, input)?;
    let stream = s.topic.name.to_string();
    ctx.broker
        .update_stream(&stream, |m| {
            m.consumers.remove(&name);
            Ok(())
        })
        .map_err(|e| KinesisError::from_admin(e, &stream, &r.account))?;
    ctx.subscriptions
        .end_consumer(&consumer_arn(r, &stream, &name, c.created_ms));
    Ok(Value::Object(obj()))
}

pub fn describe(ctx: &Context, r: &RequestCtx, input: &Value) -> KResult<Value> {
    let (s, name, c) = find_consumer(ctx, r, input)?;
    let mut d = consumer_json(ctx, r, &s.topic.name, &name, &c);
    d.insert("StreamARN".into(), r.stream_arn(&s.topic.name).into());
    let mut m = obj();
    m.insert("ConsumerDescription".into(), Value::Object(d));
    Ok(Value::Object(m))
}

pub fn list(ctx: &Context, r: &RequestCtx, input: &Value) -> KResult<Value> {
    let s = stream_of_arn(ctx, r, str_of(input, "StreamARN").unwrap_or(""))?;
    let max = int_of(input, "MaxResults").unwrap_or(100).clamp(1, 10_000) as usize;
    let after = match str_of(input, "NextToken") {
        Some(t) => Some(open_next_token(ctx, t)?),
        None => None,
    };
    let all: Vec<(&String, &ConsumerMeta)> = s
        .meta
        .consumers
        .iter()
        .filter(|(n, _)| after.as_deref().is_none_or(|a| n.as_str() > a))
        .collect();
    let more = all.len() > max;
    let page = &all[..all.len().min(max)];
    let mut m = obj();
    m.insert(
        "Consumers".into(),
        Value::Array(
            page.iter()
                .map(|(n, c)| Value::Object(consumer_json(ctx, r, &s.topic.name, n, c)))
                .collect(),
        ),
    );
    if more {
        if let Some((last, _)) = page.last() {
            m.insert(
                "NextToken".into(),
                ctx.iterators.sign_token(last, now_ms()).into(),
            );
        }
    }
    Ok(Value::Object(m))
}

pub fn subscribe(ctx: &Arc<Context>, r: &RequestCtx, input: &Value) -> KResult<Reply> {
    let (s, name, c) = find_consumer(ctx, r, input)?;
    if consumer_status(ctx, &c) != "ACTIVE" {
        return Err(KinesisError::in_use(format!(
            "Consumer {name} is not ACTIVE, instead in state CREATING."
        )));
    }
    let (index, _) = find_shard(&s, r, str_of(input, "ShardId").unwrap_or(""))?;
    let partition = s
        .topic
        .partition(index)
        .ok_or_else(|| KinesisError::internal("Internal service failure."))?;
    let pos = input
        .get("StartingPosition")
        .cloned()
        .unwrap_or(Value::Null);
    let kind = str_of(&pos, "Type").unwrap_or("");
    let start = partition.log_start_offset().0;
    let stop = match s.meta.shards[index as usize].closed_end_offset {
        Some(end) => end.min(partition.high_watermark().0),
        None => partition.high_watermark().0,
    };
    let offset = match kind {
        "TRIM_HORIZON" => start,
        "LATEST" => stop,
        "AT_SEQUENCE_NUMBER" | "AFTER_SEQUENCE_NUMBER" => {
            let seq = str_of(&pos, "SequenceNumber").ok_or_else(|| {
                KinesisError::invalid_argument(format!(
                    "StartingPosition of type {kind} needs a SequenceNumber."
                ))
            })?;
            let d = seqnum::decode(seq)
                .filter(|d| d.shard == index)
                .ok_or_else(|| {
                    KinesisError::invalid_argument(format!(
                        "Invalid SequenceNumber {seq} for shard {} in stream {} under account {}.",
                        super::shard_id(index),
                        s.topic.name,
                        r.account
                    ))
                })?;
            let at = seqnum::offset_of(&d);
            let at = if kind == "AFTER_SEQUENCE_NUMBER" {
                at.saturating_add(1)
            } else {
                at
            };
            at.clamp(start, stop.max(start))
        }
        "AT_TIMESTAMP" => {
            let ts = pos
                .get("Timestamp")
                .and_then(Value::as_f64)
                .map(|t| (t * 1000.0).round() as i64)
                .ok_or_else(|| {
                    KinesisError::invalid_argument(
                        "StartingPosition of type AT_TIMESTAMP needs a Timestamp.",
                    )
                })?;
            records::offset_for_timestamp(&partition, ts, stop).map_err(read_error)?
        }
        other => {
            return Err(KinesisError::invalid_argument(format!(
                "Invalid StartingPosition type {other}."
            )))
        }
    };
    let arn = consumer_arn(r, &s.topic.name, &name, c.created_ms);
    let end = ctx
        .subscriptions
        .start(&arn, index, &s.topic.name)
        .map_err(|_| {
            KinesisError::in_use(format!(
                "Another active subscription exists for consumer {arn} on shard {}.",
                super::shard_id(index)
            ))
        })?;
    let (tx, rx) = mpsc::channel(4);
    let session = SessionTask {
        broker: ctx.broker.clone(),
        stream: s.topic.name.to_string(),
        index,
        offset,
        encoding: r.encoding,
        duration: Duration::from_millis(ctx.config.subscription_ms),
        end,
        stop: ctx.stop.clone(),
    };
    tokio::spawn(session.run(tx, ctx.clone()));
    Ok(Reply::EventStream(rx))
}

struct SessionTask {
    broker: Arc<sluice_broker::Broker>,
    stream: String,
    index: i32,
    offset: i64,
    encoding: Encoding,
    duration: Duration,
    end: watch::Receiver<bool>,
    stop: watch::Receiver<bool>,
}

impl SessionTask {
    fn payload(&self, v: &Value) -> Vec<u8> {
        match self.encoding {
            Encoding::Json => serde_json::to_vec(v).unwrap_or_default(),
            Encoding::Cbor => cbor::encode_shape("SubscribeToShardEvent", v),
        }
    }

    fn event_content_type(&self) -> &'static str {
        match self.encoding {
            Encoding::Json => "application/json",
            Encoding::Cbor => "application/x-amz-cbor-1.1",
        }
    }

    async fn run(mut self, tx: mpsc::Sender<bytes::Bytes>, ctx: Arc<Context>) {
        let ct = self.event_content_type();
        if tx
            .send(eventstream::initial_response(self.encoding.content_type()))
            .await
            .is_err()
        {
            return;
        }
        let deadline = tokio::time::Instant::now() + self.duration;
        let mut last_event = Instant::now();
        let mut first = true;
        loop {
            if *self.end.borrow() || *self.stop.borrow() {
                return;
            }
            let Some(s) = self.broker.stream(&self.stream) else {
                let body =
                    serde_json::json!({"message": format!("Stream {} was deleted.", self.stream)});
                let _ = tx
                    .send(eventstream::exception(
                        "ResourceNotFoundException",
                        ct,
                        &self.payload(&body),
                    ))
                    .await;
                return;
            };
            // Subscribe before reading, so a write between the read and the wait still wakes.
            let arrived = self.broker.data_arrived().notified();
            tokio::pin!(arrived);
            arrived.as_mut().enable();
            let f = match fetch(
                &ctx,
                &s,
                self.index,
                self.offset,
                EVENT_RECORDS,
                EVENT_BYTES,
            ) {
                Ok(f) => f,
                Err(e) => {
                    let body = serde_json::json!({"message": e.message});
                    let _ = tx
                        .send(eventstream::exception(
                            "InternalFailureException",
                            ct,
                            &self.payload(&body),
                        ))
                        .await;
                    return;
                }
            };
            let has_records = !f.records.is_empty();
            if has_records || f.at_end || first || last_event.elapsed() >= HEARTBEAT {
                first = false;
                let shard = &s.meta.shards[self.index as usize];
                // Resume point: the last record sent, else just before the next offset.
                let continuation = match f.records.last() {
                    Some(last) => seqnum::for_record(
                        self.index,
                        shard.created_ms,
                        last.offset,
                        last.timestamp_ms,
                    ),
                    None => seqnum::for_record(
                        self.index,
                        shard.created_ms,
                        f.next_offset - 1,
                        shard.created_ms,
                    ),
                };
                let records: Vec<Value> = f
                    .records
                    .iter()
                    .map(|rec| record_json(self.index, f.shard_created_ms, rec))
                    .collect();
                let mut ev = obj();
                ev.insert("Records".into(), Value::Array(records));
                ev.insert("ContinuationSequenceNumber".into(), continuation.into());
                ev.insert("MillisBehindLatest".into(), f.behind_ms.into());
                if f.at_end {
                    ev.insert("ChildShards".into(), child_shards_json(&s.meta, self.index));
                }
                let payload = self.payload(&Value::Object(ev));
                if tx
                    .send(eventstream::event("SubscribeToShardEvent", ct, &payload))
                    .await
                    .is_err()
                {
                    return;
                }
                last_event = Instant::now();
                self.offset = f.next_offset;
                if f.at_end {
                    return;
                }
            }
            if has_records {
                continue;
            }
            tokio::select! {
                _ = &mut arrived => {}
                _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                _ = tokio::time::sleep_until(deadline) => return,
                _ = self.end.changed() => return,
                _ = self.stop.changed() => return,
            }
            if tokio::time::Instant::now() >= deadline {
                return;
            }
        }
    }
}
