//! The stream view of a topic: what Kinesis calls shards, hash key ranges, parent shards, closed
//! shards, tags, registered consumers and stream mode, kept in the catalogue beside the topic.
//! It is protocol-neutral: the Kinesis front maps it to the wire, the Kafka front sees the same
//! topic as partitions (shard N is partition N).
//!
//! A topic created through Kafka has no stream record until the Kinesis side changes something
//! about it; until then its view is derived: every partition is an open shard and the 128-bit
//! hash key space is split evenly over them (Kinesis's CreateStream rule). Resharding closes
//! parent partitions for writes (they stay readable until retention) and adds child partitions.

use crate::broker::{now_ms, Broker, Topic};
use crate::error::AdminError;
use crate::meta::TopicMeta;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The largest hash key: 2^128 - 1.
pub const MAX_HASH_KEY: u128 = u128::MAX;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum StreamMode {
    #[default]
    Provisioned,
    OnDemand,
}

impl StreamMode {
    pub fn as_str(self) -> &'static str {
        match self {
            StreamMode::Provisioned => "PROVISIONED",
            StreamMode::OnDemand => "ON_DEMAND",
        }
    }
}

/// One shard (= partition) of a stream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardMeta {
    #[serde(with = "u128_string")]
    pub start_hash: u128,
    #[serde(with = "u128_string")]
    pub end_hash: u128,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjacent_parent: Option<i32>,
    pub created_ms: i64,
    /// Set once the shard is closed: the log end offset at closing (exclusive). No write is
    /// accepted afterwards; the shard is readable up to here until retention removes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_end_offset: Option<i64>,
}

impl ShardMeta {
    pub fn is_open(&self) -> bool {
        self.closed_end_offset.is_none()
    }

    pub fn contains(&self, hash: u128) -> bool {
        self.start_hash <= hash && hash <= self.end_hash
    }
}

/// An enhanced fan-out consumer registered on a stream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsumerMeta {
    pub created_ms: i64,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// The Kinesis-facing state of a topic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamMeta {
    #[serde(default)]
    pub mode: StreamMode,
    /// One per partition, in partition order.
    pub shards: Vec<ShardMeta>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    #[serde(default)]
    pub consumers: BTreeMap<String, ConsumerMeta>,
    #[serde(default)]
    pub enhanced_monitoring: BTreeSet<String>,
    /// The stream reports CREATING until this time.
    #[serde(default)]
    pub active_at_ms: i64,
    /// The stream reports UPDATING until this time (after resharding or a mode change).
    #[serde(default)]
    pub updating_until_ms: i64,
    /// When UpdateShardCount ran, for the rolling 24-hour limit.
    #[serde(default)]
    pub scalings_ms: Vec<i64>,
}

impl StreamMeta {
    /// The derived view of a topic never touched by the Kinesis side.
    pub fn derived(partitions: i32, created_ms: i64) -> StreamMeta {
        StreamMeta {
            mode: StreamMode::Provisioned,
            shards: uniform_ranges(partitions.max(0) as usize)
                .into_iter()
                .map(|(start_hash, end_hash)| ShardMeta {
                    start_hash,
                    end_hash,
                    parent: None,
                    adjacent_parent: None,
                    created_ms,
                    closed_end_offset: None,
                })
                .collect(),
            tags: BTreeMap::new(),
            consumers: BTreeMap::new(),
            enhanced_monitoring: BTreeSet::new(),
            active_at_ms: created_ms,
            updating_until_ms: 0,
            scalings_ms: Vec::new(),
        }
    }

    /// The open shard whose hash key range holds `hash`.
    pub fn shard_for_hash(&self, hash: u128) -> Option<i32> {
        self.shards
            .iter()
            .position(|s| s.is_open() && s.contains(hash))
            .map(|i| i as i32)
    }

    pub fn open_shard_count(&self) -> usize {
        self.shards.iter().filter(|s| s.is_open()).count()
    }

    /// The shards whose parent (or adjacent parent) is `index`.
    pub fn children_of(&self, index: i32) -> Vec<i32> {
        self.shards
            .iter()
            .enumerate()
            .filter(|(_, s)| s.parent == Some(index) || s.adjacent_parent == Some(index))
            .map(|(i, _)| i as i32)
            .collect()
    }
}

/// Kinesis's even split of the hash key space over `n` shards: shard i starts at
/// i * floor(2^128 / n); each ends one below the next start, the last at 2^128 - 1.
pub fn uniform_ranges(n: usize) -> Vec<(u128, u128)> {
    match n {
        0 => return Vec::new(),
        1 => return vec![(0, MAX_HASH_KEY)],
        _ => {}
    }
    // floor(2^128 / n) computed without overflow: (2^128 - 1) / n, plus one when n divides 2^128.
    let mut step = MAX_HASH_KEY / n as u128;
    if (MAX_HASH_KEY % n as u128) == n as u128 - 1 {
        step += 1;
    }
    (0..n)
        .map(|i| {
            let start = step * i as u128;
            let end = if i + 1 == n {
                MAX_HASH_KEY
            } else {
                step * (i as u128 + 1) - 1
            };
            (start, end)
        })
        .collect()
}

/// A topic with its stream view.
#[derive(Clone)]
pub struct StreamInfo {
    pub topic: Arc<Topic>,
    pub meta: StreamMeta,
    pub created_ms: i64,
}

/// A change to a stream's shards: close these (open) shards, then add these shards as new
/// partitions at the end, in order.
pub struct Reshard {
    pub close: Vec<i32>,
    pub add: Vec<ShardMeta>,
}

impl Broker {
    /// The stream view of a topic, or None if there is no such topic.
    pub fn stream(&self, name: &str) -> Option<StreamInfo> {
        let topic = self.topic(name)?;
        let cat = self.catalogue_lock();
        let meta = cat.topics.get(name)?;
        Some(StreamInfo {
            topic,
            meta: stream_meta_of(meta),
            created_ms: meta.created_ms,
        })
    }

    /// Create a topic that is a Kinesis stream from the start: `shards` evenly split shards,
    /// retention as given, reporting CREATING until `active_at_ms`.
    pub fn create_stream(
        &self,
        name: &str,
        shards: i32,
        mode: StreamMode,
        configs: crate::config::TopicConfigs,
        active_at_ms: i64,
    ) -> Result<Arc<Topic>, AdminError> {
        let now = now_ms();
        let mut meta = StreamMeta::derived(shards, now);
        meta.mode = mode;
        meta.active_at_ms = active_at_ms;
        self.create_topic_with_stream(name, shards, configs, Some(meta))
    }

    /// Change a stream's metadata durably. `f` sees the current view (derived if the topic was
    /// never touched through Kinesis) and may refuse with an error; shards must not be changed
    /// here (use `reshard`).
    pub fn update_stream<T>(
        &self,
        name: &str,
        f: impl FnOnce(&mut StreamMeta) -> Result<T, AdminError>,
    ) -> Result<T, AdminError> {
        let mut cat = self.catalogue_lock();
        let mut next = cat.clone();
        let topic = next.topics.get_mut(name).ok_or(AdminError::UnknownTopic)?;
        let mut meta = stream_meta_of(topic);
        let shards_before = meta.shards.clone();
        let out = f(&mut meta)?;
        if meta.shards != shards_before {
            return Err(AdminError::InvalidRequest(
                "update_stream must not change shards".into(),
            ));
        }
        if topic.stream.as_ref() != Some(&meta) {
            topic.stream = Some(meta);
            self.save_catalogue(&mut cat, next)?;
        }
        Ok(out)
    }

    /// Close shards and add new ones atomically in the catalogue. Closing takes each parent's
    /// partition lock, so no append lands after its recorded end offset. `check` runs under the
    /// catalogue lock on the current view and may refuse (for example a shard closed meanwhile)
    /// or finish the plan (it returns the change to make).
    pub fn reshard(
        &self,
        name: &str,
        plan: impl FnOnce(&StreamMeta) -> Result<Reshard, AdminError>,
        updating_ms: i64,
    ) -> Result<StreamMeta, AdminError> {
        let topic = self.topic(name).ok_or(AdminError::UnknownTopic)?;
        let mut cat = self.catalogue_lock();
        let mut next = cat.clone();
        let tmeta = next.topics.get_mut(name).ok_or(AdminError::UnknownTopic)?;
        let mut meta = stream_meta_of(tmeta);
        let change = plan(&meta)?;
        let current = topic.partition_count();
        let new_count = current as usize + change.add.len();
        if new_count > self.config().partitions_per_topic_max as usize {
            return Err(AdminError::InvalidPartitions(format!(
                "The stream would have {new_count} shards, more than the limit of {} per stream.",
                self.config().partitions_per_topic_max
            )));
        }
        // Close the parents for writes first, recording where each ends.
        let mut closed = Vec::new();
        for &index in &change.close {
            let p = topic.partition(index).ok_or(AdminError::UnknownTopic)?;
            let end = p.close_for_writes();
            closed.push(p);
            meta.shards[index as usize].closed_end_offset = Some(end.0);
        }
        let reopen = |closed: &[Arc<crate::partition::Partition>]| {
            for p in closed {
                p.reopen_for_writes();
            }
        };
        meta.shards.extend(change.add);
        let now = now_ms();
        meta.updating_until_ms = now + updating_ms;
        tmeta.partitions = new_count as i32;
        tmeta.stream = Some(meta.clone());
        let log_config = tmeta.configs.log_config(&self.config().log_defaults);
        if let Err(e) = self.save_catalogue(&mut cat, next) {
            reopen(&closed);
            return Err(e);
        }
        let added = self.open_partitions(&topic.name, current..new_count as i32, log_config)?;
        // Shards made and closed within one reshard (UpdateShardCount's intermediate steps)
        // never take writes.
        for (p, shard) in added.iter().zip(&meta.shards[current as usize..]) {
            if !shard.is_open() {
                p.close_for_writes();
            }
        }
        topic.append_partitions(added);
        drop(cat);
        tracing::info!(stream = name, closed = ?change.close, shards = new_count, "resharded stream");
        Ok(meta)
    }
}

/// The stream view of a catalogue entry.
pub(crate) fn stream_meta_of(meta: &TopicMeta) -> StreamMeta {
    match &meta.stream {
        Some(s) => s.clone(),
        None => StreamMeta::derived(meta.partitions, meta.created_ms),
    }
}

mod u128_string {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_ranges_match_kinesis() {
        let r = uniform_ranges(4);
        assert_eq!(r[0].0, 0);
        assert_eq!(r[0].1, 85070591730234615865843651857942052863);
        assert_eq!(r[3].1, MAX_HASH_KEY);
        for w in r.windows(2) {
            assert_eq!(w[0].1 + 1, w[1].0);
        }
        assert_eq!(uniform_ranges(1), vec![(0, MAX_HASH_KEY)]);
        let r3 = uniform_ranges(3);
        assert_eq!(r3[1].0, MAX_HASH_KEY / 3);
        assert_eq!(r3[2].1, MAX_HASH_KEY);
    }

    #[test]
    fn shard_meta_serializes_hashes_as_strings() {
        let m = StreamMeta::derived(2, 5);
        let json = serde_json::to_string(&m).unwrap();
        assert!(json.contains("\"340282366920938463463374607431768211455\""));
        let back: StreamMeta = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
    }

    #[test]
    fn shard_for_hash_skips_closed_shards() {
        let mut m = StreamMeta::derived(2, 0);
        let half = m.shards[0].end_hash;
        assert_eq!(m.shard_for_hash(0), Some(0));
        assert_eq!(m.shard_for_hash(half + 1), Some(1));
        m.shards[0].closed_end_offset = Some(3);
        m.shards.push(ShardMeta {
            start_hash: 0,
            end_hash: half,
            parent: Some(0),
            adjacent_parent: None,
            created_ms: 1,
            closed_end_offset: None,
        });
        assert_eq!(m.shard_for_hash(0), Some(2));
        assert_eq!(m.children_of(0), vec![2]);
    }
}
