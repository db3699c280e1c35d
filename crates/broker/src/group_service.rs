//! Consumer groups inside the broker: the coordinator (membership, generations), the committed
//! offsets (`OffsetStore`) and their durable home, the internal `__consumer_offsets` partition.
//!
//! Durability: an offset commit is appended to the internal partition as a record batch, made
//! durable by the same group-commit flusher and flush policy as produced data, and only then
//! applied in memory and acknowledged. Group metadata (each completed generation) is appended
//! without waiting. At start-up the internal partition is replayed in offset order to rebuild
//! both; later records win. The partition lives at `{data_dir}/internal/__consumer_offsets-0`,
//! outside the catalogue, so clients can neither see nor write it.

use crate::broker::{now_ms, Broker};
use crate::groups::records::{self, InternalRecord};
use crate::groups::{
    Clock, CommittedOffset, GroupConfig, GroupCoordinator, GroupError, GroupSink, GroupSnapshot,
    OffsetStore,
};
use crate::partition::Partition;
use sluice_log::Offset;
use std::future::Future;
use std::os::unix::fs::FileExt;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

/// The name under which the internal partition appears in logs and metrics.
pub const OFFSETS_TOPIC: &str = "__consumer_offsets";
/// Live records per rewritten batch are cut at about this many bytes (well under the
/// internal partition's max.message.bytes).
const COMPACT_BATCH_BYTES: usize = 256 << 10;

/// The live records as uncompressed batches of about COMPACT_BATCH_BYTES each.
fn live_batches(live: &[InternalRecord]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut chunk: Vec<InternalRecord> = Vec::new();
    let mut bytes = 0;
    for rec in live {
        let (k, v) = rec.encode();
        bytes += k.len() + v.map_or(0, |v| v.len()) + 32;
        chunk.push(rec.clone());
        if bytes >= COMPACT_BATCH_BYTES {
            out.push(records::to_batch(&chunk, now_ms()));
            chunk.clear();
            bytes = 0;
        }
    }
    if !chunk.is_empty() {
        out.push(records::to_batch(&chunk, now_ms()));
    }
    out
}

/// How often the coordinator's timers are checked (a tick with nothing due is a load).
const GROUP_TICK_MS: u64 = 50;
/// Kafka's default `offset.metadata.max.bytes`.
pub const OFFSET_METADATA_BYTES_MAX: usize = 4096;

/// One partition's offset in an OffsetCommit.
#[derive(Clone, Debug)]
pub struct OffsetCommitEntry {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub leader_epoch: i32,
    pub metadata: Option<String>,
}

/// Why one partition's commit failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CommitError {
    #[error("{0}")]
    Group(GroupError),
    #[error("This server does not host this topic-partition.")]
    UnknownTopicOrPartition,
    #[error("The metadata field of the offset request was too large.")]
    MetadataTooLarge,
    #[error("The offset could not be stored: {0}")]
    Storage(String),
}

pub type CommitFuture = Pin<Box<dyn Future<Output = Vec<Result<(), CommitError>>> + Send>>;
pub type StoreFuture = Pin<Box<dyn Future<Output = Result<(), CommitError>> + Send>>;

pub(crate) struct Groups {
    pub(crate) coordinator: GroupCoordinator,
    pub(crate) store: Arc<Mutex<OffsetStore>>,
    pub(crate) log: Arc<Partition>,
    /// Records appended but not yet applied to the store (waiting to be durable). Changed and
    /// read only under the store lock; compaction waits for it to be zero.
    pending: std::sync::atomic::AtomicUsize,
}

/// Appends group metadata changes to the internal partition (durable with the next flush) and
/// applies them to the store, so compaction rewrites the latest.
struct LogSink {
    log: Arc<Partition>,
    store: Arc<Mutex<OffsetStore>>,
}

impl LogSink {
    fn append(&self, record: InternalRecord) {
        let blob = records::to_batch(std::slice::from_ref(&record), now_ms());
        let mut store = self.store.lock().unwrap();
        match self.log.append(&blob, now_ms()) {
            Ok(outcome) => store.apply(&record, outcome.base_offset.0),
            Err(e) => tracing::error!(error = %e, "could not record group metadata"),
        }
    }
}

impl GroupSink for LogSink {
    fn group_changed(&self, snapshot: GroupSnapshot) {
        self.append(InternalRecord::Group {
            group_id: snapshot.group_id.clone(),
            value: Some(snapshot),
        });
    }
    fn group_deleted(&self, group_id: &str) {
        self.append(InternalRecord::Group {
            group_id: group_id.to_string(),
            value: None,
        });
    }
}

impl Groups {
    /// Replay the internal partition into a fresh store and coordinator.
    pub(crate) fn open(
        log: Arc<Partition>,
        config: GroupConfig,
        clock: Arc<dyn Clock>,
    ) -> std::io::Result<Groups> {
        let mut store = OffsetStore::new();
        let replayed = replay(&log, &mut store)?;
        // Every record is applied: markers that kept deleted keys from coming back are not needed.
        store.prune_tombstones(i64::MAX);
        let store = Arc::new(Mutex::new(store));
        let sink = LogSink {
            log: log.clone(),
            store: store.clone(),
        };
        let coordinator = GroupCoordinator::new(config, clock, Arc::new(sink));
        let (snapshots, groups, offsets) = {
            let s = store.lock().unwrap();
            (s.group_snapshots(), s.groups(), s.len())
        };
        // Never call the coordinator with the store locked: its sink takes that lock.
        coordinator.restore(snapshots);
        // A group that only ever committed offsets (no members) comes back Empty, as in Kafka.
        for group in &groups {
            if !coordinator.exists(group) {
                let _ = coordinator.validate_commit(group, "", None, -1);
            }
        }
        tracing::info!(
            records = replayed,
            groups = groups.len(),
            offsets,
            "loaded consumer groups"
        );
        Ok(Groups {
            coordinator,
            store,
            log,
            pending: std::sync::atomic::AtomicUsize::new(0),
        })
    }
}

/// Apply every record of the internal partition, in offset order; returns how many.
fn replay(log: &Partition, store: &mut OffsetStore) -> std::io::Result<usize> {
    let mut offset = log.log_start_offset();
    let end = log.log_end_offset();
    let mut count = 0;
    while offset < end {
        let read = log.read(offset, 1 << 20).map_err(std::io::Error::other)?;
        let (Some(slice), Some(next)) = (read.slice, read.next_offset) else {
            break;
        };
        let mut buf = vec![0u8; slice.len as usize];
        slice.file.read_exact_at(&mut buf, slice.position)?;
        let recs = records::from_batches(&buf).map_err(std::io::Error::other)?;
        for (at, rec) in recs.iter().filter(|(at, _)| *at >= offset.0) {
            store.apply(rec, *at);
            count += 1;
        }
        offset = next;
    }
    Ok(count)
}

impl Broker {
    pub fn groups(&self) -> &GroupCoordinator {
        &self.groups_state().coordinator
    }

    /// Commit offsets for a group: validated against the coordinator (Kafka's rules), appended
    /// to the internal partition, durable per the flush policy, then applied and answered. The
    /// result has one entry per input entry, in order.
    pub fn commit_offsets(
        self: &Arc<Self>,
        group_id: &str,
        member_id: &str,
        group_instance_id: Option<&str>,
        generation_id: i32,
        entries: Vec<OffsetCommitEntry>,
    ) -> CommitFuture {
        if let Err(e) =
            self.groups()
                .validate_commit(group_id, member_id, group_instance_id, generation_id)
        {
            let n = entries.len();
            return Box::pin(async move { vec![Err(CommitError::Group(e)); n] });
        }
        let now = now_ms();
        let mut results: Vec<Result<(), CommitError>> = Vec::with_capacity(entries.len());
        let mut records = Vec::new();
        for e in entries {
            let check = self.check_commit(&e);
            if check.is_ok() {
                let value = CommittedOffset {
                    offset: e.offset,
                    leader_epoch: e.leader_epoch,
                    metadata: e.metadata,
                    commit_timestamp_ms: now,
                };
                records.push(InternalRecord::Offset {
                    group_id: group_id.to_string(),
                    topic: e.topic,
                    partition: e.partition,
                    value: Some(value),
                });
            }
            results.push(check);
        }
        let stored = self.store_records(records);
        Box::pin(async move {
            let outcome = stored.await;
            results
                .into_iter()
                .map(|r| r.and_then(|()| outcome.clone()))
                .collect()
        })
    }

    fn check_commit(&self, e: &OffsetCommitEntry) -> Result<(), CommitError> {
        if e.metadata
            .as_ref()
            .is_some_and(|m| m.len() > OFFSET_METADATA_BYTES_MAX)
        {
            return Err(CommitError::MetadataTooLarge);
        }
        match self.topic(&e.topic).and_then(|t| t.partition(e.partition)) {
            Some(_) => Ok(()),
            None => Err(CommitError::UnknownTopicOrPartition),
        }
    }

    /// Append records to the internal partition and, once durable, apply them to the store.
    fn store_records(self: &Arc<Self>, records: Vec<InternalRecord>) -> StoreFuture {
        use std::sync::atomic::Ordering;
        if records.is_empty() {
            return Box::pin(async { Ok(()) });
        }
        let g = self.groups_state();
        let blob = records::to_batch(&records, now_ms());
        let appended = {
            // Under the store lock: compaction sees either none or all of this (see `pending`).
            let _store = g.store.lock().unwrap();
            let appended = self.append(&g.log, &blob, true);
            if appended.is_ok() {
                g.pending.fetch_add(1, Ordering::AcqRel);
            }
            appended
        };
        let broker = self.clone();
        Box::pin(async move {
            let (outcome, waiter) = appended.map_err(|e| CommitError::Storage(e.to_string()))?;
            let durable = match waiter {
                None => Ok(()),
                Some(w) => match w.await {
                    Ok(Ok(())) => Ok(()),
                    Ok(Err(io)) => Err(CommitError::Storage(io)),
                    Err(_) => Err(CommitError::Storage("the server is shutting down".into())),
                },
            };
            let g = broker.groups_state();
            let mut store = g.store.lock().unwrap();
            if durable.is_ok() {
                for (i, rec) in records.iter().enumerate() {
                    store.apply(rec, outcome.base_offset.0 + i as i64);
                }
            }
            g.pending.fetch_sub(1, Ordering::AcqRel);
            durable
        })
    }

    /// Rewrite `__consumer_offsets` once it is past `offsets_compact_bytes` and at least twice
    /// its live state: roll, append the live records, fsync them, then drop every older
    /// segment. Skipped while a commit is appended but not yet applied, so nothing
    /// acknowledged can be dropped. Runs on a blocking thread (housekeeping).
    pub(crate) fn compact_offsets(&self) -> Result<bool, String> {
        let g = self.groups_state();
        let size = g.log.size_bytes();
        if size < self.config().offsets_compact_bytes {
            return Ok(false);
        }
        let store = g.store.lock().unwrap();
        if g.pending.load(std::sync::atomic::Ordering::Acquire) != 0 {
            return Ok(false);
        }
        let blobs = live_batches(&store.live_records());
        let live_bytes: u64 = blobs.iter().map(|b| b.len() as u64).sum();
        if size < 2 * live_bytes {
            return Ok(false);
        }
        g.log.roll_now().map_err(|e| e.to_string())?;
        let base = g.log.log_end_offset();
        for blob in &blobs {
            self.append(&g.log, blob, false)
                .map_err(|e| e.to_string())?;
        }
        drop(store);
        if let Some(target) = g.log.sync_target() {
            for f in &target.files {
                f.sync_data().map_err(|e| e.to_string())?;
            }
            g.log.mark_flushed(&target);
        }
        g.log
            .delete_segments_before(base)
            .map_err(|e| e.to_string())?;
        tracing::info!(
            before_bytes = size,
            after_bytes = g.log.size_bytes(),
            "compacted __consumer_offsets"
        );
        Ok(true)
    }

    pub fn committed_offset(
        &self,
        group_id: &str,
        topic: &str,
        partition: i32,
    ) -> Option<CommittedOffset> {
        self.groups_state()
            .store
            .lock()
            .unwrap()
            .get(group_id, topic, partition)
            .cloned()
    }

    /// Every committed offset of a group, sorted by topic and partition.
    pub fn group_offsets(&self, group_id: &str) -> Vec<(String, i32, CommittedOffset)> {
        self.groups_state()
            .store
            .lock()
            .unwrap()
            .group_offsets(group_id)
    }

    /// Group ids known to the coordinator or holding committed offsets, sorted.
    pub fn group_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .groups()
            .list()
            .into_iter()
            .map(|(id, _, _)| id)
            .collect();
        ids.extend(self.groups_state().store.lock().unwrap().groups());
        ids.sort();
        ids.dedup();
        ids
    }

    /// OffsetDelete: remove committed offsets of the given partitions (the caller has checked
    /// the group does not consume them). GroupIdNotFound for an unknown group.
    pub fn delete_offsets(
        self: &Arc<Self>,
        group_id: &str,
        partitions: &[(String, i32)],
    ) -> Result<StoreFuture, GroupError> {
        if !self.groups().exists(group_id) {
            return Err(GroupError::GroupIdNotFound);
        }
        let tombstones = self
            .groups_state()
            .store
            .lock()
            .unwrap()
            .tombstones_for_partitions(group_id, partitions);
        Ok(self.store_records(tombstones))
    }

    /// DeleteGroups: an empty group and its committed offsets go (durably, like a commit).
    pub fn delete_group(self: &Arc<Self>, group_id: &str) -> Result<StoreFuture, GroupError> {
        let has_offsets = !self.group_offsets(group_id).is_empty();
        match self.groups().delete(group_id) {
            Ok(()) => {}
            Err(GroupError::GroupIdNotFound) if has_offsets => {}
            Err(e) => return Err(e),
        }
        let tombstones = self
            .groups_state()
            .store
            .lock()
            .unwrap()
            .tombstones_for_group(group_id);
        Ok(self.store_records(tombstones))
    }

    /// Fire the coordinator's timers (join deadlines, session expiry) until `stop` turns true.
    pub async fn run_group_timers(self: Arc<Self>, mut stop: tokio::sync::watch::Receiver<bool>) {
        let mut tick = tokio::time::interval(std::time::Duration::from_millis(GROUP_TICK_MS));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => { self.groups().tick(); }
                _ = stop.changed() => return,
            }
        }
    }

    /// A deleted topic's committed offsets go too (as in Kafka): tombstones are appended (durable
    /// with the next flush) and applied at once.
    pub(crate) fn forget_topic_offsets(&self, topic: &str) {
        let g = self.groups_state();
        let mut store = g.store.lock().unwrap();
        let mut tombstones = Vec::new();
        for group in store.groups() {
            let parts: Vec<(String, i32)> = store
                .group_offsets(&group)
                .into_iter()
                .filter(|(t, _, _)| t == topic)
                .map(|(t, p, _)| (t, p))
                .collect();
            tombstones.extend(store.tombstones_for_partitions(&group, &parts));
        }
        if tombstones.is_empty() {
            return;
        }
        let blob = records::to_batch(&tombstones, now_ms());
        match self.append(&g.log, &blob, false) {
            Ok((outcome, _)) => {
                for (i, rec) in tombstones.iter().enumerate() {
                    store.apply(rec, outcome.base_offset.0 + i as i64);
                }
            }
            Err(e) => {
                tracing::error!(topic, error = %e, "could not drop a deleted topic's committed offsets")
            }
        }
    }

    /// The internal partition's log end (for tests and metrics).
    pub fn offsets_log_end(&self) -> Offset {
        self.groups_state().log.log_end_offset()
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, prometheus_client::encoding::EncodeLabelSet)]
struct GroupPartitionLabels {
    group: String,
    topic: String,
    partition: String,
}

/// Computes consumer lag at scrape time: for every committed offset, the partition's high
/// watermark minus the committed offset (and the committed offset itself).
#[derive(Debug)]
pub(crate) struct GroupLagCollector {
    pub(crate) broker: std::sync::Weak<Broker>,
}

impl prometheus_client::collector::Collector for GroupLagCollector {
    fn encode(
        &self,
        mut encoder: prometheus_client::encoding::DescriptorEncoder,
    ) -> Result<(), std::fmt::Error> {
        use prometheus_client::encoding::EncodeMetric;
        use prometheus_client::metrics::gauge::ConstGauge;
        use prometheus_client::metrics::MetricType;
        let Some(broker) = self.broker.upgrade() else {
            return Ok(());
        };
        let mut rows = Vec::new();
        for group in broker.group_ids() {
            for (topic, partition, c) in broker.group_offsets(&group) {
                let Some(p) = broker.topic(&topic).and_then(|t| t.partition(partition)) else {
                    continue;
                };
                let labels = GroupPartitionLabels {
                    group: group.clone(),
                    topic,
                    partition: partition.to_string(),
                };
                rows.push((labels, c.offset, (p.high_watermark().0 - c.offset).max(0)));
            }
        }
        let mut lag = encoder.encode_descriptor("group_lag", "Records between a group's committed offset and the high watermark, per group and partition", None, MetricType::Gauge)?;
        for (labels, _, l) in &rows {
            ConstGauge::new(*l).encode(lag.encode_family(labels)?)?;
        }
        let mut committed = encoder.encode_descriptor(
            "group_committed_offset",
            "A group's committed offset, per group and partition",
            None,
            MetricType::Gauge,
        )?;
        for (labels, c, _) in &rows {
            ConstGauge::new(*c).encode(committed.encode_family(labels)?)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BrokerConfig, Metrics, TopicConfigs};

    fn open(dir: &std::path::Path) -> Arc<Broker> {
        Broker::open(BrokerConfig::new(dir.into()), Arc::new(Metrics::new()))
            .unwrap()
            .0
    }

    async fn simple_commit(b: &Arc<Broker>, group: &str, topic: &str, offset: i64) {
        let e = OffsetCommitEntry {
            topic: topic.into(),
            partition: 0,
            offset,
            leader_epoch: -1,
            metadata: Some("m".into()),
        };
        let results = b.commit_offsets(group, "", None, -1, vec![e]).await;
        assert_eq!(results, vec![Ok(())]);
    }

    #[tokio::test]
    async fn offsets_and_offset_only_groups_survive_a_crash_and_a_clean_restart() {
        let dir = tempfile::tempdir().unwrap();
        let b = open(dir.path());
        b.create_topic("t", Some(1), TopicConfigs::default(), false)
            .unwrap();
        simple_commit(&b, "g", "t", 42).await;
        drop(b); // crash: no clean shutdown
        let b = open(dir.path());
        assert_eq!(
            b.committed_offset("g", "t", 0)
                .map(|c| (c.offset, c.metadata)),
            Some((42, Some("m".into())))
        );
        assert!(b
            .groups()
            .list()
            .iter()
            .any(|(id, _, s)| id == "g" && s.as_str() == "Empty"));
        simple_commit(&b, "g", "t", 43).await;
        b.shutdown();
        drop(b);
        let b = open(dir.path());
        assert_eq!(
            b.committed_offset("g", "t", 0).map(|c| c.offset),
            Some(43),
            "the later commit wins"
        );
    }

    #[tokio::test]
    async fn deleting_a_topic_drops_its_committed_offsets_for_good() {
        let dir = tempfile::tempdir().unwrap();
        let b = open(dir.path());
        b.create_topic("t", Some(1), TopicConfigs::default(), false)
            .unwrap();
        b.create_topic("u", Some(1), TopicConfigs::default(), false)
            .unwrap();
        simple_commit(&b, "g", "t", 5).await;
        simple_commit(&b, "g", "u", 6).await;
        b.delete_topic("t").unwrap();
        assert!(b.committed_offset("g", "t", 0).is_none());
        b.shutdown();
        drop(b);
        let b = open(dir.path());
        assert!(b.committed_offset("g", "t", 0).is_none());
        assert_eq!(b.committed_offset("g", "u", 0).map(|c| c.offset), Some(6));
    }

    #[tokio::test]
    async fn compaction_rewrites_the_offsets_log_to_its_live_state_and_loses_nothing() {
        // Goal: __consumer_offsets does not grow without bound. Method: a low threshold, many
        // commits of few keys, housekeeping, then a crash and a reopen.
        let dir = tempfile::tempdir().unwrap();
        let mut c = BrokerConfig::new(dir.path().into());
        c.offsets_compact_bytes = 4096;
        let open = |c: &BrokerConfig| Broker::open(c.clone(), Arc::new(Metrics::new())).unwrap().0;
        let b = open(&c);
        b.create_topic("t", Some(1), TopicConfigs::default(), false)
            .unwrap();
        for i in 0..200 {
            simple_commit(&b, &format!("g{}", i % 3), "t", i).await;
        }
        let before = b.groups_state().log.size_bytes();
        b.housekeeping();
        let after = b.groups_state().log.size_bytes();
        assert!(
            after * 4 < before,
            "rewritten from {before} to {after} bytes"
        );
        assert!(b.groups_state().log.log_start_offset().0 > 0);
        simple_commit(&b, "g0", "t", 1000).await;
        drop(b); // crash
        let b = open(&c);
        assert_eq!(
            b.committed_offset("g0", "t", 0).map(|c| c.offset),
            Some(1000)
        );
        assert_eq!(
            b.committed_offset("g1", "t", 0).map(|c| c.offset),
            Some(199)
        );
        assert_eq!(
            b.committed_offset("g2", "t", 0).map(|c| c.offset),
            Some(197)
        );
    }

    #[tokio::test]
    async fn commits_to_unknown_partitions_and_oversized_metadata_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let b = open(dir.path());
        b.create_topic("t", Some(1), TopicConfigs::default(), false)
            .unwrap();
        let entry = |p: i32, meta: usize| OffsetCommitEntry {
            topic: "t".into(),
            partition: p,
            offset: 1,
            leader_epoch: -1,
            metadata: Some("x".repeat(meta)),
        };
        let results = b
            .commit_offsets(
                "g",
                "",
                None,
                -1,
                vec![entry(0, 10), entry(7, 10), entry(0, 5000)],
            )
            .await;
        assert_eq!(
            results,
            vec![
                Ok(()),
                Err(CommitError::UnknownTopicOrPartition),
                Err(CommitError::MetadataTooLarge)
            ]
        );
    }
}
