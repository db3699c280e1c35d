//! Shards: ListShards with every ShardFilter, and resharding (SplitShard, MergeShards,
//! UpdateShardCount with UNIFORM_SCALING). Resharding closes parent shards (their partitions
//! take no more writes and stay readable until retention) and adds children as new partitions.

use super::{
    find_shard, find_stream, int_of, obj, shard_id, shard_index, shard_json, str_of, stream_name,
    stream_status, RequestCtx,
};
use crate::error::{KResult, KinesisError};
use crate::handlers::streams::{check_shard_limit, open_next_token, shard_expired};
use crate::server::Context;
use serde_json::Value;
use sluice_broker::now_ms;
use sluice_broker::streams::{
    uniform_ranges, Reshard, ShardMeta, StreamInfo, StreamMeta, StreamMode,
};
use sluice_broker::AdminError;

/// When a closed shard closed: when its first child was made.
fn closed_at(meta: &StreamMeta, index: i32) -> Option<i64> {
    meta.shards[index as usize].closed_end_offset?;
    meta.children_of(index)
        .iter()
        .map(|&c| meta.shards[c as usize].created_ms)
        .min()
        .or(Some(meta.shards[index as usize].created_ms))
}

/// Whether a shard was open at time `ts`.
fn open_at(meta: &StreamMeta, index: i32, ts: i64) -> bool {
    let s = &meta.shards[index as usize];
    s.created_ms <= ts && closed_at(meta, index).is_none_or(|c| c > ts)
}

fn filter_timestamp(f: &Value, kind: &str) -> KResult<i64> {
    f.get("Timestamp")
        .and_then(Value::as_f64)
        .map(|t| (t * 1000.0).round() as i64)
        .ok_or_else(|| {
            KinesisError::invalid_argument(format!(
                "Timestamp must be specified for ShardFilter type {kind}."
            ))
        })
}

/// The shards a ListShards call shows, before pagination.
fn filtered(ctx: &Context, s: &StreamInfo, filter: Option<&Value>) -> KResult<Vec<i32>> {
    let now = now_ms();
    let live: Vec<i32> = (0..s.meta.shards.len() as i32)
        .filter(|&i| !shard_expired(ctx, s, i, now))
        .collect();
    let Some(f) = filter else { return Ok(live) };
    let kind = str_of(f, "Type").unwrap_or("");
    let m = &s.meta;
    Ok(match kind {
        "AFTER_SHARD_ID" => {
            let id = str_of(f, "ShardId").ok_or_else(|| {
                KinesisError::invalid_argument(
                    "ShardId must be specified for ShardFilter type AFTER_SHARD_ID.",
                )
            })?;
            let after = shard_index(id).unwrap_or(-1);
            live.into_iter().filter(|&i| i > after).collect()
        }
        // The shards holding the oldest data: live shards none of whose parents are live.
        "AT_TRIM_HORIZON" => live
            .iter()
            .copied()
            .filter(|&i| {
                let sh = &m.shards[i as usize];
                sh.parent
                    .into_iter()
                    .chain(sh.adjacent_parent)
                    .all(|p| !live.contains(&p))
            })
            .collect(),
        "FROM_TRIM_HORIZON" => live,
        "AT_LATEST" => live
            .into_iter()
            .filter(|&i| m.shards[i as usize].is_open())
            .collect(),
        "AT_TIMESTAMP" => {
            let ts = filter_timestamp(f, kind)?;
            // Shards open at the time; a time before the stream existed means its first shards.
            let at: Vec<i32> = live
                .iter()
                .copied()
                .filter(|&i| open_at(m, i, ts))
                .collect();
            if at.is_empty() && ts < s.created_ms {
                live.into_iter()
                    .filter(|&i| open_at(m, i, s.created_ms))
                    .collect()
            } else {
                at
            }
        }
        "FROM_TIMESTAMP" => {
            let ts = filter_timestamp(f, kind)?;
            live.into_iter()
                .filter(|&i| closed_at(m, i).is_none_or(|c| c > ts))
                .collect()
        }
        other => {
            return Err(KinesisError::invalid_argument(format!(
                "Unknown ShardFilter type {other}."
            )))
        }
    })
}

pub fn list_shards(ctx: &Context, r: &RequestCtx, input: &Value) -> KResult<Value> {
    let token = str_of(input, "NextToken");
    let (name, after, filter) = match token {
        Some(t) => {
            if input.get("StreamName").is_some() || input.get("StreamARN").is_some() {
                return Err(KinesisError::invalid_argument(
                    "NextToken and StreamName cannot be provided together.",
                ));
            }
            if input.get("ExclusiveStartShardId").is_some() || input.get("ShardFilter").is_some() {
                return Err(KinesisError::invalid_argument(
                    "NextToken cannot be provided together with ExclusiveStartShardId or ShardFilter.",
                ));
            }
            let payload = open_next_token(ctx, t)?;
            let v: Value = serde_json::from_str(&payload)
                .map_err(|_| KinesisError::invalid_argument("Invalid NextToken."))?;
            let name = str_of(&v, "s").unwrap_or("").to_string();
            let after = int_of(&v, "a").unwrap_or(-1) as i32;
            (name, after, v.get("f").cloned().filter(|f| !f.is_null()))
        }
        None => {
            let name = stream_name(input, r)?;
            let after = str_of(input, "ExclusiveStartShardId")
                .map(|id| shard_index(id).unwrap_or(-1))
                .unwrap_or(-1);
            (name, after, input.get("ShardFilter").cloned())
        }
    };
    let s = find_stream(ctx, r, &name)?;
    let max = int_of(input, "MaxResults").unwrap_or(1000).clamp(1, 10_000) as usize;
    let shards: Vec<i32> = filtered(ctx, &s, filter.as_ref())?
        .into_iter()
        .filter(|&i| i > after)
        .collect();
    let more = shards.len() > max;
    let page = &shards[..shards.len().min(max)];
    let mut m = obj();
    m.insert(
        "Shards".into(),
        Value::Array(
            page.iter()
                .map(|&i| shard_json(i, &s.meta.shards[i as usize], None))
                .collect(),
        ),
    );
    if more {
        let last = *page.last().unwrap_or(&after);
        let payload = serde_json::json!({"s": name, "a": last, "f": filter});
        m.insert(
            "NextToken".into(),
            ctx.iterators
                .sign_token(&payload.to_string(), now_ms())
                .into(),
        );
    }
    Ok(Value::Object(m))
}

/// The stream for a resharding call: it must exist, be ACTIVE and provisioned.
fn reshardable(ctx: &Context, r: &RequestCtx, input: &Value) -> KResult<StreamInfo> {
    let name = stream_name(input, r)?;
    let s = find_stream(ctx, r, &name)?;
    let status = stream_status(&s.meta, now_ms());
    if status != "ACTIVE" {
        return Err(KinesisError::in_use(format!(
            "Stream {name} under account {} not ACTIVE, instead in state {status}",
            r.account
        )));
    }
    if s.meta.mode == StreamMode::OnDemand {
        return Err(KinesisError::validation(format!(
            "Resharding is only supported for streams with the PROVISIONED capacity mode; stream {name} under account {} is ON_DEMAND.",
            r.account
        )));
    }
    Ok(s)
}

fn not_eligible(s: &StreamInfo, r: &RequestCtx, index: i32) -> KinesisError {
    KinesisError::invalid_argument(format!(
        "Shard {} in stream {} under account {} has already been merged or split, and thus is not eligible for merging or splitting.",
        shard_id(index),
        s.topic.name,
        r.account
    ))
}

fn child(start: u128, end: u128, parent: i32, adjacent: Option<i32>, now: i64) -> ShardMeta {
    ShardMeta {
        start_hash: start,
        end_hash: end,
        parent: Some(parent),
        adjacent_parent: adjacent,
        created_ms: now,
        closed_end_offset: None,
    }
}

/// Run a reshard, mapping the broker's errors.
fn apply(
    ctx: &Context,
    r: &RequestCtx,
    s: &StreamInfo,
    plan: impl FnOnce(&StreamMeta) -> Result<Reshard, KinesisError>,
) -> KResult<StreamMeta> {
    let mut refusal = None;
    let out = ctx.broker.reshard(
        &s.topic.name,
        |meta| {
            plan(meta).map_err(|e| {
                refusal = Some(e);
                AdminError::InvalidRequest(String::new())
            })
        },
        ctx.config.update_delay_ms as i64,
    );
    match out {
        Ok(m) => Ok(m),
        Err(_) if refusal.is_some() => Err(refusal.unwrap()),
        Err(e) => Err(KinesisError::from_admin(e, &s.topic.name, &r.account)),
    }
}

pub fn split_shard(ctx: &Context, r: &RequestCtx, input: &Value) -> KResult<Value> {
    let s = reshardable(ctx, r, input)?;
    let (index, _) = find_shard(&s, r, str_of(input, "ShardToSplit").unwrap_or(""))?;
    let key_str = str_of(input, "NewStartingHashKey").unwrap_or("");
    let key: u128 = key_str.parse().map_err(|_| {
        KinesisError::invalid_argument(format!(
            "NewStartingHashKey {key_str} used in SplitShard() on shard {} in stream {} under account {} is not a valid hash key.",
            shard_id(index),
            s.topic.name,
            r.account
        ))
    })?;
    check_shard_limit(ctx, r, 1)?;
    apply(ctx, r, &s, |meta| {
        let sh = &meta.shards[index as usize];
        if !sh.is_open() {
            return Err(not_eligible(&s, r, index));
        }
        if key <= sh.start_hash || key > sh.end_hash {
            return Err(KinesisError::invalid_argument(format!(
                "NewStartingHashKey {key} used in SplitShard() on shard {} in stream {} under account {} is not both greater than the shard's StartingHashKey {} and less than or equal to the shard's EndingHashKey {}.",
                shard_id(index),
                s.topic.name,
                r.account,
                sh.start_hash,
                sh.end_hash
            )));
        }
        let now = now_ms();
        Ok(Reshard {
            close: vec![index],
            add: vec![
                child(sh.start_hash, key - 1, index, None, now),
                child(key, sh.end_hash, index, None, now),
            ],
        })
    })?;
    Ok(Value::Object(obj()))
}

pub fn merge_shards(ctx: &Context, r: &RequestCtx, input: &Value) -> KResult<Value> {
    let s = reshardable(ctx, r, input)?;
    let (a, _) = find_shard(&s, r, str_of(input, "ShardToMerge").unwrap_or(""))?;
    let (b, _) = find_shard(&s, r, str_of(input, "AdjacentShardToMerge").unwrap_or(""))?;
    apply(ctx, r, &s, |meta| {
        for i in [a, b] {
            if !meta.shards[i as usize].is_open() {
                return Err(not_eligible(&s, r, i));
            }
        }
        let (sa, sb) = (&meta.shards[a as usize], &meta.shards[b as usize]);
        let adjacent = a != b
            && (sa.end_hash.checked_add(1) == Some(sb.start_hash)
                || sb.end_hash.checked_add(1) == Some(sa.start_hash));
        if !adjacent {
            return Err(KinesisError::invalid_argument(format!(
                "Shards {} and {} in stream {} under account {} are not an adjacent pair of shards eligible for merging",
                shard_id(a),
                shard_id(b),
                s.topic.name,
                r.account
            )));
        }
        let now = now_ms();
        Ok(Reshard {
            close: vec![a, b],
            add: vec![child(
                sa.start_hash.min(sb.start_hash),
                sa.end_hash.max(sb.end_hash),
                a,
                Some(b),
                now,
            )],
        })
    })?;
    Ok(Value::Object(obj()))
}

/// Plan UNIFORM_SCALING from the open shards to `target` evenly split shards as AWS does it:
/// split open shards at every new boundary inside them, then merge the pieces of each new
/// range pairwise. Pieces that are split or merged again within the plan are closed at once
/// (they never take writes); every shard keeps at most a parent and an adjacent parent, so
/// readers can follow ChildShards from the old shards to the new.
pub fn plan_uniform(meta: &StreamMeta, target: usize, now: i64) -> Reshard {
    let base = meta.shards.len() as i32;
    let mut add: Vec<ShardMeta> = Vec::new();
    let mut close: Vec<i32> = Vec::new();
    // Working set: (index, start, end), sorted by start; indices >= base refer to `add`.
    let mut work: Vec<(i32, u128, u128)> = meta
        .shards
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_open())
        .map(|(i, s)| (i as i32, s.start_hash, s.end_hash))
        .collect();
    work.sort_by_key(|w| w.1);
    let retire = |i: i32, close: &mut Vec<i32>, add: &mut Vec<ShardMeta>| {
        if i < base {
            close.push(i);
        } else {
            add[(i - base) as usize].closed_end_offset = Some(0);
        }
    };
    let targets = uniform_ranges(target);
    // Splits at every target boundary strictly inside a piece.
    for &(start, _) in targets.iter().skip(1) {
        if let Some(pos) = work.iter().position(|w| w.1 < start && start <= w.2) {
            let (i, lo, hi) = work[pos];
            retire(i, &mut close, &mut add);
            let left = base + add.len() as i32;
            add.push(child(lo, start - 1, i, None, now));
            let right = base + add.len() as i32;
            add.push(child(start, hi, i, None, now));
            work.splice(pos..=pos, [(left, lo, start - 1), (right, start, hi)]);
        }
    }
    // Merges: fold the pieces of each target range left to right.
    for &(start, end) in &targets {
        let pieces: Vec<(i32, u128, u128)> = work
            .iter()
            .copied()
            .filter(|w| w.1 >= start && w.2 <= end)
            .collect();
        let mut acc = pieces[0];
        for &p in &pieces[1..] {
            retire(acc.0, &mut close, &mut add);
            retire(p.0, &mut close, &mut add);
            let merged = base + add.len() as i32;
            add.push(child(acc.1, p.2, acc.0, Some(p.0), now));
            acc = (merged, acc.1, p.2);
        }
    }
    close.sort_unstable();
    Reshard { close, add }
}

pub fn update_shard_count(ctx: &Context, r: &RequestCtx, input: &Value) -> KResult<Value> {
    let s = reshardable(ctx, r, input)?;
    let target = int_of(input, "TargetShardCount").unwrap_or(0);
    let current = s.meta.open_shard_count() as i64;
    let name = s.topic.name.to_string();
    if target > current * 2 {
        return Err(KinesisError::limit_exceeded(format!(
            "UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: {current} Target shard count: {target}"
        )));
    }
    if target * 2 < current {
        return Err(KinesisError::limit_exceeded(format!(
            "UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: {current} Target shard count: {target}"
        )));
    }
    let now = now_ms();
    let recent = s
        .meta
        .scalings_ms
        .iter()
        .filter(|&&t| now - t < 86_400_000)
        .count();
    if recent >= 10 {
        return Err(KinesisError::limit_exceeded(format!(
            "Exceeded the number of allowed UpdateShardCount operations (10) within a rolling 24-hour period for stream {name} under account {}.",
            r.account
        )));
    }
    if target > current {
        check_shard_limit(ctx, r, (target - current) as usize)?;
    }
    if target != current {
        apply(ctx, r, &s, |meta| {
            if meta.open_shard_count() as i64 != current {
                return Err(KinesisError::in_use(format!(
                    "Stream {name} under account {} is being resharded.",
                    r.account
                )));
            }
            Ok(plan_uniform(meta, target as usize, now))
        })?;
    }
    ctx.broker
        .update_stream(&name, |m| {
            m.scalings_ms.retain(|&t| now - t < 86_400_000);
            m.scalings_ms.push(now);
            Ok(())
        })
        .map_err(|e| KinesisError::from_admin(e, &name, &r.account))?;
    let mut m = obj();
    m.insert("StreamName".into(), name.clone().into());
    m.insert("CurrentShardCount".into(), current.into());
    m.insert("TargetShardCount".into(), target.into());
    m.insert("StreamARN".into(), r.stream_arn(&name).into());
    Ok(Value::Object(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply_plan(meta: &mut StreamMeta, plan: Reshard) {
        for i in plan.close {
            meta.shards[i as usize].closed_end_offset = Some(0);
        }
        meta.shards.extend(plan.add);
    }

    fn open_ranges(meta: &StreamMeta) -> Vec<(u128, u128)> {
        let mut v: Vec<_> = meta
            .shards
            .iter()
            .filter(|s| s.is_open())
            .map(|s| (s.start_hash, s.end_hash))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn uniform_scaling_reaches_even_ranges_with_valid_parents() {
        for (from, to) in [
            (1, 2),
            (2, 4),
            (4, 2),
            (3, 5),
            (5, 3),
            (4, 7),
            (7, 4),
            (6, 6),
        ] {
            let mut meta = StreamMeta::derived(from, 0);
            let plan = plan_uniform(&meta, to, 1);
            apply_plan(&mut meta, plan);
            assert_eq!(open_ranges(&meta), uniform_ranges(to), "{from} -> {to}");
            for (i, s) in meta.shards.iter().enumerate() {
                for p in s.parent.into_iter().chain(s.adjacent_parent) {
                    assert!((p as usize) < i, "parents come first");
                    assert!(!meta.shards[p as usize].is_open(), "parents are closed");
                }
            }
            // Every closed shard's children cover exactly its range.
            for (i, s) in meta.shards.iter().enumerate() {
                if s.is_open() {
                    continue;
                }
                let kids = meta.children_of(i as i32);
                assert!(
                    !kids.is_empty(),
                    "{from} -> {to}: closed shard {i} has children"
                );
            }
        }
    }
}
