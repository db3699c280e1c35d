//! Stream administration: create, delete, describe, list, mode, limits, monitoring, retention
//! and tags.

use super::{
    find_stream, int_of, obj, shard_json, str_of, stream_name, stream_name_from_arn, stream_status,
    timestamp, RequestCtx,
};
use crate::error::{KResult, KinesisError};
use crate::iterator::IteratorError;
use crate::server::Context;
use serde_json::Value;
use sluice_broker::streams::{StreamInfo, StreamMeta, StreamMode};
use sluice_broker::{now_ms, TopicConfigs};
use std::collections::BTreeMap;

const HOUR_MS: i64 = 3_600_000;
pub const MIN_RETENTION_HOURS: i64 = 24;
pub const MAX_RETENTION_HOURS: i64 = 8760;
pub const MAX_TAGS: usize = 50;
const SHARD_LEVEL_METRICS: [&str; 7] = [
    "IncomingBytes",
    "IncomingRecords",
    "OutgoingBytes",
    "OutgoingRecords",
    "WriteProvisionedThroughputExceeded",
    "ReadProvisionedThroughputExceeded",
    "IteratorAgeMilliseconds",
];

fn mode_of(input: &Value) -> Option<StreamMode> {
    match input
        .get("StreamModeDetails")
        .and_then(|m| str_of(m, "StreamMode"))
    {
        Some("ON_DEMAND") => Some(StreamMode::OnDemand),
        Some("PROVISIONED") => Some(StreamMode::Provisioned),
        _ => None,
    }
}

fn mode_json(mode: StreamMode) -> Value {
    let mut m = obj();
    m.insert("StreamMode".into(), mode.as_str().into());
    Value::Object(m)
}

/// Open shards across every stream (the account's shard count).
pub fn open_shards_total(ctx: &Context) -> usize {
    ctx.broker
        .topics()
        .iter()
        .filter_map(|t| ctx.broker.stream(&t.name))
        .map(|s| s.meta.open_shard_count())
        .sum()
}

fn on_demand_streams(ctx: &Context) -> usize {
    ctx.broker
        .topics()
        .iter()
        .filter_map(|t| ctx.broker.stream(&t.name))
        .filter(|s| s.meta.mode == StreamMode::OnDemand)
        .count()
}

/// LimitExceededException for a request that would pass the account's shard limit, in AWS's
/// words.
pub fn check_shard_limit(ctx: &Context, r: &RequestCtx, additional: usize) -> KResult<()> {
    let current = open_shards_total(ctx);
    if current + additional > ctx.config.shard_limit {
        return Err(KinesisError::limit_exceeded(format!(
            "This request would exceed the shard limit for the account {} in {}. Current shard count for the account: {current}. Limit: {}. Number of additional shards that would have resulted from this request: {additional}. Refer to the AWS Service Limits page (https://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.",
            r.account, r.region, ctx.config.shard_limit
        )));
    }
    Ok(())
}

pub(crate) fn tags_from_map(v: Option<&Value>) -> BTreeMap<String, String> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default()
}

pub fn create_stream(ctx: &Context, r: &RequestCtx, input: &Value) -> KResult<Value> {
    let name = str_of(input, "StreamName").unwrap_or("");
    let mode = mode_of(input).unwrap_or(StreamMode::Provisioned);
    let shards = match (mode, int_of(input, "ShardCount")) {
        (StreamMode::Provisioned, None) => {
            return Err(KinesisError::validation(
                "1 validation error detected: Value null at 'shardCount' failed to satisfy constraint: Member must not be null",
            ))
        }
        (StreamMode::Provisioned, Some(n)) => n,
        (StreamMode::OnDemand, _) => ctx.config.on_demand_shards as i64,
    };
    if ctx.broker.stream(name).is_some() {
        return Err(KinesisError::in_use(format!(
            "Stream {name} under account {} already exists.",
            r.account
        )));
    }
    if shards < 1 || shards > i32::MAX as i64 {
        return Err(KinesisError::invalid_argument(format!(
            "ShardCount {shards} must be at least 1."
        )));
    }
    check_shard_limit(ctx, r, shards as usize)?;
    if mode == StreamMode::OnDemand && on_demand_streams(ctx) >= ctx.config.on_demand_stream_limit {
        return Err(KinesisError::limit_exceeded(format!(
            "This request would exceed the on-demand stream limit for the account {} in {}. Limit: {}.",
            r.account, r.region, ctx.config.on_demand_stream_limit
        )));
    }
    let tags = tags_from_map(input.get("Tags"));
    if tags.len() > MAX_TAGS {
        return Err(too_many_tags(name, r));
    }
    let configs = TopicConfigs::from_pairs([(
        "retention.ms",
        (MIN_RETENTION_HOURS * HOUR_MS).to_string().as_str(),
    )])
    .map_err(KinesisError::internal)?;
    let active_at = now_ms() + ctx.config.create_delay_ms as i64;
    ctx.broker
        .create_stream(name, shards as i32, mode, configs, active_at)
        .map_err(|e| KinesisError::from_admin(e, name, &r.account))?;
    if !tags.is_empty() {
        ctx.broker
            .update_stream(name, |m| {
                m.tags = tags;
                Ok(())
            })
            .map_err(|e| KinesisError::from_admin(e, name, &r.account))?;
    }
    Ok(Value::Object(obj()))
}

pub fn delete_stream(ctx: &Context, r: &RequestCtx, input: &Value) -> KResult<Value> {
    let name = stream_name(input, r)?;
    let s = find_stream(ctx, r, &name)?;
    let enforce = input
        .get("EnforceConsumerDeletion")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if !s.meta.consumers.is_empty() && !enforce {
        return Err(KinesisError::in_use(format!(
            "Stream {name} under account {} has registered consumers.",
            r.account
        )));
    }
    ctx.subscriptions.end_stream(&name);
    ctx.broker
        .delete_topic(&name)
        .map_err(|e| KinesisError::from_admin(e, &name, &r.account))?;
    ctx.limits.forget_stream(&name);
    ctx.metrics.forget_stream(&name, s.meta.shards.len());
    Ok(Value::Object(obj()))
}

/// RetentionPeriodHours of a stream from its topic's retention.ms.
pub fn retention_hours(ctx: &Context, s: &StreamInfo) -> i64 {
    let ms = ctx.broker.topic_log_config(&s.topic).retention_ms;
    if ms <= 0 {
        MAX_RETENTION_HOURS
    } else {
        (ms / HOUR_MS).clamp(1, MAX_RETENTION_HOURS)
    }
}

/// Whether a closed shard has expired: closed longer than the retention period ago and none of
/// its records left. ListShards and DescribeStream leave expired shards out, as AWS does.
pub fn shard_expired(ctx: &Context, s: &StreamInfo, index: i32, now: i64) -> bool {
    let shard = &s.meta.shards[index as usize];
    let Some(end) = shard.closed_end_offset else {
        return false;
    };
    let closed_at = s
        .meta
        .children_of(index)
        .iter()
        .map(|&c| s.meta.shards[c as usize].created_ms)
        .min()
        .unwrap_or(shard.created_ms);
    let retention = retention_hours(ctx, s) * HOUR_MS;
    let empty = s
        .topic
        .partition(index)
        .is_none_or(|p| p.log_start_offset().0 >= end.min(p.log_end_offset().0));
    empty && now - closed_at > retention
}

fn enhanced_monitoring_json(meta: &StreamMeta) -> Value {
    let mut m = obj();
    m.insert(
        "ShardLevelMetrics".into(),
        Value::Array(
            SHARD_LEVEL_METRICS
                .iter()
                .filter(|k| meta.enhanced_monitoring.contains(**k))
                .map(|k| Value::from(*k))
                .collect(),
        ),
    );
    Value::Array(vec![Value::Object(m)])
}

fn stream_common(ctx: &Context, r: &RequestCtx, s: &StreamInfo) -> serde_json::Map<String, Value> {
    let mut d = obj();
    d.insert("StreamName".into(), s.topic.name.to_string().into());
    d.insert("StreamARN".into(), r.stream_arn(&s.topic.name).into());
    d.insert(
        "StreamStatus".into(),
        stream_status(&s.meta, now_ms()).into(),
    );
    d.insert("StreamModeDetails".into(), mode_json(s.meta.mode));
    d.insert(
        "RetentionPeriodHours".into(),
        retention_hours(ctx, s).into(),
    );
    d.insert("StreamCreationTimestamp".into(), timestamp(s.created_ms));
    d.insert(
        "EnhancedMonitoring".into(),
        enhanced_monitoring_json(&s.meta),
    );
    d.insert("EncryptionType".into(), "NONE".into());
    d
}

pub fn describe_stream(ctx: &Context, r: &RequestCtx, input: &Value) -> KResult<Value> {
    let name = stream_name(input, r)?;
    let s = find_stream(ctx, r, &name)?;
    let limit = int_of(input, "Limit").unwrap_or(100).clamp(1, 10_000) as usize;
    let after =
        str_of(input, "ExclusiveStartShardId").map(|id| super::shard_index(id).unwrap_or(-1));
    let now = now_ms();
    let mut listed: Vec<Value> = Vec::new();
    let mut more = false;
    for i in 0..s.meta.shards.len() as i32 {
        if after.is_some_and(|a| i <= a) || shard_expired(ctx, &s, i, now) {
            continue;
        }
        if listed.len() == limit {
            more = true;
            break;
        }
        listed.push(shard_json(i, &s.meta.shards[i as usize], None));
    }
    let mut d = stream_common(ctx, r, &s);
    d.insert("Shards".into(), Value::Array(listed));
    d.insert("HasMoreShards".into(), more.into());
    let mut m = obj();
    m.insert("StreamDescription".into(), Value::Object(d));
    Ok(Value::Object(m))
}

pub fn describe_stream_summary(ctx: &Context, r: &RequestCtx, input: &Value) -> KResult<Value> {
    let name = stream_name(input, r)?;
    let s = find_stream(ctx, r, &name)?;
    let mut d = stream_common(ctx, r, &s);
    d.insert("OpenShardCount".into(), s.meta.open_shard_count().into());
    d.insert("ConsumerCount".into(), s.meta.consumers.len().into());
    let mut m = obj();
    m.insert("StreamDescriptionSummary".into(), Value::Object(d));
    Ok(Value::Object(m))
}

/// Open a NextToken made by `sign_token`, with AWS's errors.
pub fn open_next_token(ctx: &Context, token: &str) -> KResult<String> {
    match ctx.iterators.open_token(token, now_ms()) {
        Ok(p) => Ok(p),
        Err(IteratorError::Expired { .. }) => Err(KinesisError::new(
            "ExpiredNextTokenException",
            "The NextToken has expired. Start the listing again without a NextToken.",
        )),
        Err(IteratorError::Invalid) => Err(KinesisError::invalid_argument("Invalid NextToken.")),
    }
}

pub fn list_streams(ctx: &Context, r: &RequestCtx, input: &Value) -> KResult<Value> {
    let limit = int_of(input, "Limit").unwrap_or(100).clamp(1, 10_000) as usize;
    let token = str_of(input, "NextToken");
    let start = str_of(input, "ExclusiveStartStreamName");
    if token.is_some() && start.is_some() {
        return Err(KinesisError::invalid_argument(
            "NextToken and ExclusiveStartStreamName cannot be provided together.",
        ));
    }
    let after = match token {
        Some(t) => Some(open_next_token(ctx, t)?),
        None => start.map(str::to_string),
    };
    let now = now_ms();
    let mut names = Vec::new();
    let mut summaries = Vec::new();
    let mut more = false;
    for t in ctx.broker.topics() {
        if after.as_deref().is_some_and(|a| &*t.name <= a) {
            continue;
        }
        let Some(s) = ctx.broker.stream(&t.name) else {
            continue;
        };
        if names.len() == limit {
            more = true;
            break;
        }
        names.push(Value::from(t.name.to_string()));
        let mut m = obj();
        m.insert("StreamName".into(), t.name.to_string().into());
        m.insert("StreamARN".into(), r.stream_arn(&t.name).into());
        m.insert("StreamStatus".into(), stream_status(&s.meta, now).into());
        m.insert("StreamModeDetails".into(), mode_json(s.meta.mode));
        m.insert("StreamCreationTimestamp".into(), timestamp(s.created_ms));
        summaries.push(Value::Object(m));
    }
    let mut m = obj();
    if more {
        if let Some(last) = names.last().and_then(Value::as_str) {
            m.insert(
                "NextToken".into(),
                ctx.iterators.sign_token(last, now).into(),
            );
        }
    }
    m.insert("StreamNames".into(), Value::Array(names));
    m.insert("HasMoreStreams".into(), more.into());
    m.insert("StreamSummaries".into(), Value::Array(summaries));
    Ok(Value::Object(m))
}

pub fn update_stream_mode(ctx: &Context, r: &RequestCtx, input: &Value) -> KResult<Value> {
    let name = stream_name(input, r)?;
    let s = find_stream(ctx, r, &name)?;
    let mode = mode_of(input).unwrap_or(StreamMode::Provisioned);
    if stream_status(&s.meta, now_ms()) != "ACTIVE" {
        return Err(KinesisError::in_use(format!(
            "Stream {name} under account {} not ACTIVE, instead in state {}",
            r.account,
            stream_status(&s.meta, now_ms())
        )));
    }
    if mode == StreamMode::OnDemand
        && s.meta.mode != StreamMode::OnDemand
        && on_demand_streams(ctx) >= ctx.config.on_demand_stream_limit
    {
        return Err(KinesisError::limit_exceeded(format!(
            "This request would exceed the on-demand stream limit for the account {} in {}. Limit: {}.",
            r.account, r.region, ctx.config.on_demand_stream_limit
        )));
    }
    let delay = ctx.config.update_delay_ms as i64;
    ctx.broker
        .update_stream(&name, |m| {
            m.mode = mode;
            m.updating_until_ms = now_ms() + delay;
            Ok(())
        })
        .map_err(|e| KinesisError::from_admin(e, &name, &r.account))?;
    Ok(Value::Object(obj()))
}

pub fn describe_limits(ctx: &Context, _r: &RequestCtx, _input: &Value) -> KResult<Value> {
    let mut m = obj();
    m.insert("ShardLimit".into(), ctx.config.shard_limit.into());
    m.insert("OpenShardCount".into(), open_shards_total(ctx).into());
    m.insert("OnDemandStreamCount".into(), on_demand_streams(ctx).into());
    m.insert(
        "OnDemandStreamCountLimit".into(),
        ctx.config.on_demand_stream_limit.into(),
    );
    Ok(Value::Object(m))
}

pub fn enhanced_monitoring(
    ctx: &Context,
    r: &RequestCtx,
    input: &Value,
    enable: bool,
) -> KResult<Value> {
    let name = stream_name(input, r)?;
    find_stream(ctx, r, &name)?;
    let mut wanted: Vec<&str> = input
        .get("ShardLevelMetrics")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if wanted.contains(&"ALL") {
        wanted = SHARD_LEVEL_METRICS.to_vec();
    }
    let (before, after) = ctx
        .broker
        .update_stream(&name, |m| {
            let before = m.enhanced_monitoring.clone();
            for k in &wanted {
                if enable {
                    m.enhanced_monitoring.insert(k.to_string());
                } else {
                    m.enhanced_monitoring.remove(*k);
                }
            }
            Ok((before, m.enhanced_monitoring.clone()))
        })
        .map_err(|e| KinesisError::from_admin(e, &name, &r.account))?;
    let list = |set: &std::collections::BTreeSet<String>| {
        Value::Array(
            SHARD_LEVEL_METRICS
                .iter()
                .filter(|k| set.contains(**k))
                .map(|k| Value::from(*k))
                .collect(),
        )
    };
    let mut m = obj();
    m.insert("StreamName".into(), name.clone().into());
    m.insert("StreamARN".into(), r.stream_arn(&name).into());
    m.insert("CurrentShardLevelMetrics".into(), list(&before));
    m.insert("DesiredShardLevelMetrics".into(), list(&after));
    Ok(Value::Object(m))
}

pub fn retention(ctx: &Context, r: &RequestCtx, input: &Value, increase: bool) -> KResult<Value> {
    let name = stream_name(input, r)?;
    let s = find_stream(ctx, r, &name)?;
    let hours = int_of(input, "RetentionPeriodHours").unwrap_or(0);
    if hours < MIN_RETENTION_HOURS {
        return Err(KinesisError::invalid_argument(format!(
            "Minimum allowed retention period is {MIN_RETENTION_HOURS} hours. Requested retention period ({hours} hours) is too short."
        )));
    }
    if hours > MAX_RETENTION_HOURS {
        return Err(KinesisError::invalid_argument(format!(
            "Maximum allowed retention period is {MAX_RETENTION_HOURS} hours. Requested retention period ({hours} hours) is too long."
        )));
    }
    let current = retention_hours(ctx, &s);
    if increase && hours < current {
        return Err(KinesisError::invalid_argument(format!(
            "Requested retention period ({hours} hours) for stream {name} can not be shorter than existing retention period ({current} hours). Use DecreaseRetentionPeriod API."
        )));
    }
    if !increase && hours > current {
        return Err(KinesisError::invalid_argument(format!(
            "Requested retention period ({hours} hours) for stream {name} can not be longer than existing retention period ({current} hours). Use IncreaseRetentionPeriod API."
        )));
    }
    let mut configs = s.topic.configs();
    configs
        .0
        .insert("retention.ms".into(), (hours * HOUR_MS).to_string());
    ctx.broker
        .set_topic_configs(&name, configs)
        .map_err(|e| KinesisError::from_admin(e, &name, &r.account))?;
    // Data older than a shorter period becomes unreadable at once, as on AWS.
    if !increase {
        ctx.broker.enforce_retention(&name);
    }
    Ok(Value::Object(obj()))
}

fn too_many_tags(name: &str, r: &RequestCtx) -> KinesisError {
    KinesisError::invalid_argument(format!(
        "Failed to add tags to stream {name} under account {} because a given stream cannot have more than {MAX_TAGS} tags associated with it.",
        r.account
    ))
}

fn add_tags(
    ctx: &Context,
    r: &RequestCtx,
    name: &str,
    tags: BTreeMap<String, String>,
) -> KResult<()> {
    let name_owned = name.to_string();
    ctx.broker
        .update_stream(name, |m| {
            let mut next = m.tags.clone();
            next.extend(tags);
            if next.len() > MAX_TAGS {
                return Err(sluice_broker::AdminError::InvalidRequest(
                    too_many_tags(&name_owned, r).message,
                ));
            }
            m.tags = next;
            Ok(())
        })
        .map_err(|e| KinesisError::from_admin(e, name, &r.account))
}

fn remove_tags(ctx: &Context, r: &RequestCtx, name: &str, keys: &[String]) -> KResult<()> {
    ctx.broker
        .update_stream(name, |m| {
            for k in keys {
                m.tags.remove(k);
            }
            Ok(())
        })
        .map_err(|e| KinesisError::from_admin(e, name, &r.account))
}

fn tag_keys(input: &Value) -> Vec<String> {
    input
        .get("TagKeys")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn tag_list(tags: &BTreeMap<String, String>) -> Vec<Value> {
    tags.iter()
        .map(|(k, v)| {
            let mut m = obj();
            m.insert("Key".into(), k.clone().into());
            m.insert("Value".into(), v.clone().into());
            Value::Object(m)
        })
        .collect()
}

pub fn add_tags_to_stream(ctx: &Context, r: &RequestCtx, input: &Value) -> KResult<Value> {
    let name = stream_name(input, r)?;
    find_stream(ctx, r, &name)?;
    add_tags(ctx, r, &name, tags_from_map(input.get("Tags")))?;
    Ok(Value::Object(obj()))
}

pub fn remove_tags_from_stream(ctx: &Context, r: &RequestCtx, input: &Value) -> KResult<Value> {
    let name = stream_name(input, r)?;
    find_stream(ctx, r, &name)?;
    remove_tags(ctx, r, &name, &tag_keys(input))?;
    Ok(Value::Object(obj()))
}

pub fn list_tags_for_stream(ctx: &Context, r: &RequestCtx, input: &Value) -> KResult<Value> {
    let name = stream_name(input, r)?;
    let s = find_stream(ctx, r, &name)?;
    let limit = int_of(input, "Limit").unwrap_or(50).clamp(1, 50) as usize;
    let after = str_of(input, "ExclusiveStartTagKey");
    let all: Vec<(&String, &String)> = s
        .meta
        .tags
        .iter()
        .filter(|(k, _)| after.is_none_or(|a| k.as_str() > a))
        .collect();
    let more = all.len() > limit;
    let page: BTreeMap<String, String> = all
        .into_iter()
        .take(limit)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut m = obj();
    m.insert("Tags".into(), Value::Array(tag_list(&page)));
    m.insert("HasMoreTags".into(), more.into());
    Ok(Value::Object(m))
}

/// A stream or consumer named by a resource ARN.
enum Resource {
    Stream(String),
    Consumer { stream: String, consumer: String },
}

fn resource(input: &Value) -> KResult<Resource> {
    let arn = str_of(input, "ResourceARN").unwrap_or("");
    let bad = || {
        KinesisError::invalid_argument(format!(
            "ResourceARN {arn} is not a valid stream or consumer ARN."
        ))
    };
    let stream = stream_name_from_arn(arn).ok_or_else(bad)?.to_string();
    match arn.split_once("/consumer/") {
        Some((_, rest)) => {
            let consumer = rest.split(':').next().unwrap_or("").to_string();
            if consumer.is_empty() {
                return Err(bad());
            }
            Ok(Resource::Consumer { stream, consumer })
        }
        None => Ok(Resource::Stream(stream)),
    }
}

fn with_consumer_tags<T>(
    ctx: &Context,
    r: &RequestCtx,
    stream: &str,
    consumer: &str,
    f: impl FnOnce(&mut BTreeMap<String, String>) -> Result<T, KinesisError>,
) -> KResult<T> {
    find_stream(ctx, r, stream)?;
    let mut err = None;
    let out = ctx.broker.update_stream(stream, |m| {
        let Some(c) = m.consumers.get_mut(consumer) else {
            return Err(sluice_broker::AdminError::InvalidRequest(
                "no consumer".into(),
            ));
        };
        f(&mut c.tags).map_err(|e| {
            err = Some(e);
            sluice_broker::AdminError::InvalidRequest(String::new())
        })
    });
    match out {
        Ok(v) => Ok(v),
        Err(_) if err.is_some() => Err(err.unwrap()),
        Err(sluice_broker::AdminError::InvalidRequest(_)) => Err(KinesisError::not_found(format!(
            "Consumer {consumer} under stream {stream} under account {} not found.",
            r.account
        ))),
        Err(e) => Err(KinesisError::from_admin(e, stream, &r.account)),
    }
}

pub fn tag_resource(ctx: &Context, r: &RequestCtx, input: &Value) -> KResult<Value> {
    let tags = tags_from_map(input.get("Tags"));
    match resource(input)? {
        Resource::Stream(name) => {
            find_stream(ctx, r, &name)?;
            add_tags(ctx, r, &name, tags)?;
        }
        Resource::Consumer { stream, consumer } => {
            with_consumer_tags(ctx, r, &stream, &consumer, |t| {
                let mut next = t.clone();
                next.extend(tags);
                if next.len() > MAX_TAGS {
                    return Err(KinesisError::invalid_argument(format!(
                        "A resource cannot have more than {MAX_TAGS} tags."
                    )));
                }
                *t = next;
                Ok(())
            })?;
        }
    }
    Ok(Value::Object(obj()))
}

pub fn untag_resource(ctx: &Context, r: &RequestCtx, input: &Value) -> KResult<Value> {
    let keys = tag_keys(input);
    match resource(input)? {
        Resource::Stream(name) => {
            find_stream(ctx, r, &name)?;
            remove_tags(ctx, r, &name, &keys)?;
        }
        Resource::Consumer { stream, consumer } => {
            with_consumer_tags(ctx, r, &stream, &consumer, |t| {
                for k in &keys {
                    t.remove(k);
                }
                Ok(())
            })?;
        }
    }
    Ok(Value::Object(obj()))
}

pub fn list_tags_for_resource(ctx: &Context, r: &RequestCtx, input: &Value) -> KResult<Value> {
    let tags = match resource(input)? {
        Resource::Stream(name) => find_stream(ctx, r, &name)?.meta.tags,
        Resource::Consumer { stream, consumer } => {
            with_consumer_tags(ctx, r, &stream, &consumer, |t| Ok(t.clone()))?
        }
    };
    let mut m = obj();
    m.insert("Tags".into(), Value::Array(tag_list(&tags)));
    Ok(Value::Object(m))
}
