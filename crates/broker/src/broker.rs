//! The broker: the set of topics and their partitions, opened from the data directory at
//! start-up, created and deleted through the catalogue, appended to and read from by the
//! protocol fronts. It knows no wire format.
//!
//! Data directory layout:
//! `meta.json` (the catalogue, see `meta`), and `topics/{topic}-{partition}/` per partition
//! (see `sluice_log::partition`).
//!
//! Opening and closing many partitions costs a constant number of syncs: where syncfs(2) can
//! stand in for fsync (`sluice_log::FilesystemSync`, Linux 5.8+), start-up and topic creation
//! open partitions with `open_deferred` and sync the data directory's filesystem once before any
//! partition can be read or appended to, and a clean shutdown prepares every partition's close,
//! syncs once, writes every clean marker, and syncs again. Elsewhere (or if `topics/` or
//! `internal/` is a mount of its own) each partition fsyncs on its own (`open`, `close`).

use crate::config::{validate_topic_name, BrokerConfig, TopicConfigs};
use crate::error::{AdminError, ProduceError};
use crate::flusher::{FlushReply, Flusher};
use crate::meta::{Catalogue, MetaStore, TopicMeta};
use crate::metrics::Metrics;
use crate::partition::{AppendOutcome, Partition, PartitionMetrics};
use crate::producer_state::ProducerStates;
use sluice_log::{FileBudget, FilesystemSync, LogConfig, Offset, PartitionLog, RecoveryReport};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::{oneshot, Notify};

/// How many producer ids are reserved per catalogue write.
const PRODUCER_ID_BLOCK: i64 = 1000;
/// Most threads opening one topic's partitions at start-up.
const OPEN_THREADS_MAX: usize = 8;

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

pub struct Topic {
    pub name: Arc<str>,
    pub id: uuid::Uuid,
    partitions: RwLock<Vec<Arc<Partition>>>,
    configs: RwLock<TopicConfigs>,
}

impl Topic {
    pub fn partitions(&self) -> Vec<Arc<Partition>> {
        self.partitions.read().unwrap().clone()
    }

    pub fn partition(&self, index: i32) -> Option<Arc<Partition>> {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.partitions.read().unwrap().get(i).cloned())
    }

    pub fn partition_count(&self) -> i32 {
        self.partitions.read().unwrap().len() as i32
    }

    pub fn configs(&self) -> TopicConfigs {
        self.configs.read().unwrap().clone()
    }

    pub(crate) fn append_partitions(&self, added: Vec<Arc<Partition>>) {
        self.partitions.write().unwrap().extend(added);
    }
}

/// A summary of start-up recovery across every partition.
#[derive(Debug, Default)]
pub struct StartupReport {
    pub partitions: usize,
    pub unclean_partitions: usize,
    pub truncated_bytes: u64,
    pub elapsed_ms: u128,
}

/// How partitions are made durable when opened and closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SyncChoice {
    /// One syncfs for all partitions where it reports errors, else per-partition fsyncs.
    FilesystemIfSupported,
    /// Per-partition fsyncs, as other systems get: lets tests cover that path here.
    #[cfg(test)]
    PerPartition,
}

struct Ids {
    next: i64,
    block_end: i64,
}

pub struct Broker {
    /// Held (flock) for the broker's life so two processes never share a data directory.
    _lock: std::fs::File,
    config: BrokerConfig,
    metrics: Arc<Metrics>,
    files: Arc<FileBudget>,
    store: MetaStore,
    catalogue: Mutex<Catalogue>,
    topics: RwLock<HashMap<String, Arc<Topic>>>,
    topics_by_id: RwLock<HashMap<uuid::Uuid, Arc<Topic>>>,
    producer_ids: Mutex<Ids>,
    flusher: Mutex<Flusher>,
    /// One sync for the data directory's filesystem (every partition's), if syncfs can stand in
    /// for fsync here; None makes every partition open and close with fsyncs of its own.
    fs_sync: Option<FilesystemSync>,
    /// Woken whenever a high watermark may have moved (for long-polling readers).
    data_arrived: Arc<Notify>,
    /// Consumer groups and committed offsets, set once in `open`.
    groups: std::sync::OnceLock<crate::group_service::Groups>,
}

impl Broker {
    /// Open the data directory: load the catalogue, open and recover every partition.
    pub fn open(
        config: BrokerConfig,
        metrics: Arc<Metrics>,
    ) -> Result<(Arc<Broker>, StartupReport), AdminError> {
        Broker::open_with(config, metrics, SyncChoice::FilesystemIfSupported)
    }

    fn open_with(
        config: BrokerConfig,
        metrics: Arc<Metrics>,
        sync: SyncChoice,
    ) -> Result<(Arc<Broker>, StartupReport), AdminError> {
        let started = Instant::now();
        std::fs::create_dir_all(&config.data_dir)?;
        let lock = lock_data_dir(&config.data_dir)?;
        let (store, catalogue) = MetaStore::open(&config.data_dir)?;
        std::fs::create_dir_all(topics_dir(&config.data_dir))?;
        remove_orphan_dirs(&config.data_dir, &catalogue)?;
        let fs_sync = match sync {
            SyncChoice::FilesystemIfSupported => filesystem_sync(&config.data_dir)?,
            #[cfg(test)]
            SyncChoice::PerPartition => None,
        };
        let data_arrived = Arc::new(Notify::new());
        // The flusher opens its own handles: syncfs reports each write-back error once per
        // handle.
        let flusher_syncfs = match (&fs_sync, config.flush_syncfs_min_partitions) {
            (Some(_), min) if min > 0 => Some((config.data_dir.as_path(), min)),
            _ => None,
        };
        let flusher = Flusher::start(
            config.flush,
            metrics.clone(),
            data_arrived.clone(),
            config.flush_threads,
            flusher_syncfs,
        );
        let block_end = catalogue.producer_id_block_end;
        let broker = Arc::new(Broker {
            _lock: lock,
            files: FileBudget::new(config.open_files_max),
            store,
            catalogue: Mutex::new(catalogue.clone()),
            topics: RwLock::new(HashMap::new()),
            topics_by_id: RwLock::new(HashMap::new()),
            producer_ids: Mutex::new(Ids {
                next: block_end,
                block_end,
            }),
            flusher: Mutex::new(flusher),
            fs_sync,
            data_arrived,
            groups: std::sync::OnceLock::new(),
            metrics,
            config,
        });
        let mut report = StartupReport::default();
        for (name, meta) in &catalogue.topics {
            let topic = broker.open_topic(name, meta, &mut report)?;
            broker.insert_topic(topic);
        }
        let offsets_log = broker.open_internal_partition()?;
        // Partitions were opened deferred: make marker clearings and repairs durable before the
        // broker is handed out, hence before any read or append.
        broker.sync_opened_partitions()?;
        let clock: Arc<dyn crate::groups::Clock> = Arc::new(crate::groups::SystemClock);
        let groups =
            crate::group_service::Groups::open(offsets_log, broker.config.groups.clone(), clock)?;
        let _ = broker.groups.set(groups);
        broker
            .metrics
            .register_collector(Box::new(crate::group_service::GroupLagCollector {
                broker: Arc::downgrade(&broker),
            }));
        report.elapsed_ms = started.elapsed().as_millis();
        Ok((broker, report))
    }

    pub fn config(&self) -> &BrokerConfig {
        &self.config
    }

    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }

    pub fn cluster_id(&self) -> String {
        self.catalogue.lock().unwrap().cluster_id.clone()
    }

    pub fn data_arrived(&self) -> &Notify {
        &self.data_arrived
    }

    pub fn open_files(&self) -> usize {
        self.files.open_count()
    }

    fn open_topic(
        &self,
        name: &str,
        meta: &TopicMeta,
        report: &mut StartupReport,
    ) -> Result<Arc<Topic>, AdminError> {
        let name: Arc<str> = Arc::from(name);
        let log_config = meta.configs.log_config(&self.config.log_defaults);
        let mut partitions = Vec::with_capacity(meta.partitions as usize);
        for (index, opened) in self.open_partitions_at_once(&name, meta.partitions, &log_config) {
            let (p, rec) = opened?;
            report.partitions += 1;
            if !rec.clean {
                report.unclean_partitions += 1;
            }
            report.truncated_bytes += rec.truncated_bytes;
            let closed = meta
                .stream
                .as_ref()
                .and_then(|s| s.shards.get(index as usize))
                .is_some_and(|s| !s.is_open());
            if closed {
                p.close_for_writes();
            }
            partitions.push(p);
        }
        Ok(Arc::new(Topic {
            name,
            id: meta.id,
            partitions: RwLock::new(partitions),
            configs: RwLock::new(meta.configs.clone()),
        }))
    }

    /// Open a topic's partitions `0..count`, several at once: opening is mostly file-system
    /// work (reading indexes, or after a crash validating the last segment and rewriting its
    /// indexes), which overlaps across partitions. In index order.
    #[allow(clippy::type_complexity)]
    fn open_partitions_at_once(
        &self,
        topic: &Arc<str>,
        count: i32,
        c: &LogConfig,
    ) -> Vec<(i32, Result<(Arc<Partition>, RecoveryReport), AdminError>)> {
        let threads = std::thread::available_parallelism()
            .map_or(2, |n| n.get() * 2)
            .clamp(1, OPEN_THREADS_MAX)
            .min(count.max(1) as usize);
        if threads <= 1 {
            return (0..count)
                .map(|i| (i, self.open_partition(topic, i, c.clone())))
                .collect();
        }
        let next = std::sync::atomic::AtomicI32::new(0);
        let mut opened: Vec<_> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(|| {
                        let mut mine = Vec::new();
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            if i >= count {
                                return mine;
                            }
                            mine.push((i, self.open_partition(topic, i, c.clone())));
                        }
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().expect("a partition-opening thread panicked"))
                .collect()
        });
        opened.sort_by_key(|(i, _)| *i);
        opened
    }

    /// Open one partition; with a filesystem sync, deferred: the caller must call
    /// sync_opened_partitions before the partition can be read or appended to.
    fn open_partition(
        &self,
        topic: &Arc<str>,
        index: i32,
        c: LogConfig,
    ) -> Result<(Arc<Partition>, RecoveryReport), AdminError> {
        let dir = partition_dir(&self.config.data_dir, topic, index);
        self.open_partition_in(&dir, topic, index, c)
    }

    /// The internal `__consumer_offsets` partition, outside `topics/` and the catalogue. Never
    /// trimmed by retention (its records are compacted by rewriting instead).
    fn open_internal_partition(&self) -> Result<Arc<Partition>, AdminError> {
        let topic: Arc<str> = Arc::from(crate::group_service::OFFSETS_TOPIC);
        let dir = self
            .config
            .data_dir
            .join("internal")
            .join(format!("{topic}-0"));
        let mut c = self.config.log_defaults.clone();
        c.retention_ms = -1;
        c.retention_bytes = -1;
        c.segment_bytes = c.segment_bytes.min(64 << 20);
        Ok(self.open_partition_in(&dir, &topic, 0, c)?.0)
    }

    pub(crate) fn groups_state(&self) -> &crate::group_service::Groups {
        self.groups
            .get()
            .expect("consumer groups are opened in Broker::open")
    }

    fn open_partition_in(
        &self,
        dir: &Path,
        topic: &Arc<str>,
        index: i32,
        c: LogConfig,
    ) -> Result<(Arc<Partition>, RecoveryReport), AdminError> {
        let dir = dir.to_path_buf();
        let (log, report) = match self.fs_sync {
            Some(_) => PartitionLog::open_deferred(&dir, c, self.files.clone())?,
            None => PartitionLog::open(&dir, c, self.files.clone())?,
        };
        if report.truncated_bytes > 0 {
            self.metrics
                .recovery_truncated_bytes
                .inc_by(report.truncated_bytes);
        }
        let (producers, snapshot_offset) = rebuild_producers(&log, self.fs_sync.is_none())?;
        self.reserve_producer_ids_above(producers.max_producer_id())?;
        let metrics = PartitionMetrics::new(&self.metrics, topic, index);
        let hw_follows_fsync = self.config.flush == crate::config::FlushPolicy::Always;
        let p = Partition::new(
            topic.clone(),
            index,
            log,
            (producers, snapshot_offset),
            hw_follows_fsync,
            metrics,
        );
        for damaged in &report.corrupt_batches {
            p.report_corruption(
                &damaged.segment,
                damaged.position,
                damaged.offset,
                "found by recovery at start-up",
            );
        }
        Ok((Arc::new(p), report))
    }

    /// Make everything open_partition wrote durable (one syncfs for all partitions opened since
    /// the last call); nothing to do when partitions open with their own fsyncs.
    fn sync_opened_partitions(&self) -> Result<(), AdminError> {
        if let Some(fs) = &self.fs_sync {
            fs.sync()?;
        }
        Ok(())
    }

    fn insert_topic(&self, topic: Arc<Topic>) {
        self.topics_by_id
            .write()
            .unwrap()
            .insert(topic.id, topic.clone());
        self.topics
            .write()
            .unwrap()
            .insert(topic.name.to_string(), topic);
    }

    pub fn topic(&self, name: &str) -> Option<Arc<Topic>> {
        self.topics.read().unwrap().get(name).cloned()
    }

    pub fn topic_by_id(&self, id: &uuid::Uuid) -> Option<Arc<Topic>> {
        self.topics_by_id.read().unwrap().get(id).cloned()
    }

    /// Every topic, sorted by name.
    pub fn topics(&self) -> Vec<Arc<Topic>> {
        let mut v: Vec<_> = self.topics.read().unwrap().values().cloned().collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    }

    /// Create a topic durably. `partitions` None takes the broker default.
    pub fn create_topic(
        &self,
        name: &str,
        partitions: Option<i32>,
        configs: TopicConfigs,
        validate_only: bool,
    ) -> Result<Arc<Topic>, AdminError> {
        let count = partitions.unwrap_or(self.config.num_partitions_default);
        if validate_only {
            validate_topic_name(name).map_err(AdminError::InvalidTopic)?;
            self.check_partition_count(count)?;
            if self.catalogue_lock().topics.contains_key(name) {
                return Err(AdminError::TopicExists(name.to_string()));
            }
            return Ok(Arc::new(Topic {
                name: Arc::from(name),
                id: uuid::Uuid::new_v4(),
                partitions: RwLock::new(Vec::new()),
                configs: RwLock::new(configs),
            }));
        }
        self.create_topic_with_stream(name, count, configs, None)
    }

    /// Create a topic durably, with its stream view if the Kinesis side creates it.
    pub(crate) fn create_topic_with_stream(
        &self,
        name: &str,
        count: i32,
        configs: TopicConfigs,
        stream: Option<crate::streams::StreamMeta>,
    ) -> Result<Arc<Topic>, AdminError> {
        validate_topic_name(name).map_err(AdminError::InvalidTopic)?;
        self.check_partition_count(count)?;
        let mut cat = self.catalogue.lock().unwrap();
        if cat.topics.contains_key(name) {
            return Err(AdminError::TopicExists(name.to_string()));
        }
        let meta = TopicMeta {
            id: uuid::Uuid::new_v4(),
            partitions: count,
            configs,
            created_ms: stream
                .as_ref()
                .and_then(|s| s.shards.first().map(|s| s.created_ms))
                .unwrap_or_else(now_ms),
            stream,
        };
        let mut next = cat.clone();
        next.topics.insert(name.to_string(), meta.clone());
        self.store.save(&next)?;
        *cat = next;
        let topic = self.open_topic(name, &meta, &mut StartupReport::default())?;
        // New directories and segment files are durable before anyone can append to them.
        self.sync_opened_partitions()?;
        self.insert_topic(topic.clone());
        drop(cat);
        tracing::info!(topic = name, partitions = count, "created topic");
        Ok(topic)
    }

    /// Create a topic with defaults if auto-creation is on and the name is valid.
    pub fn auto_create_topic(&self, name: &str) -> Result<Arc<Topic>, AdminError> {
        match self.create_topic(name, None, TopicConfigs::default(), false) {
            Err(AdminError::TopicExists(_)) => self.topic(name).ok_or(AdminError::UnknownTopic),
            other => other,
        }
    }

    fn check_partition_count(&self, count: i32) -> Result<(), AdminError> {
        if count < 1 {
            return Err(AdminError::InvalidPartitions(
                "Number of partitions must be larger than 0.".into(),
            ));
        }
        if count > self.config.partitions_per_topic_max {
            return Err(AdminError::InvalidPartitions(format!(
                "Number of partitions {count} is larger than the limit of {} per topic.",
                self.config.partitions_per_topic_max
            )));
        }
        Ok(())
    }

    /// Delete a topic: the catalogue first (durably), then its partition directories.
    pub fn delete_topic(&self, name: &str) -> Result<(), AdminError> {
        let mut cat = self.catalogue.lock().unwrap();
        if !cat.topics.contains_key(name) {
            return Err(AdminError::UnknownTopic);
        }
        let mut next = cat.clone();
        next.topics.remove(name);
        self.store.save(&next)?;
        *cat = next;
        let topic = self.topics.write().unwrap().remove(name);
        drop(cat);
        let Some(topic) = topic else { return Ok(()) };
        self.topics_by_id.write().unwrap().remove(&topic.id);
        let partitions = topic.partitions();
        for p in &partitions {
            if let Some(log) = p.take_log() {
                log.delete()?;
            }
        }
        self.metrics.forget_topic(name, partitions.len() as i32);
        self.forget_topic_offsets(name);
        tracing::info!(topic = name, "deleted topic");
        Ok(())
    }

    /// Grow a topic to `count` partitions (Kafka never shrinks).
    pub fn create_partitions(
        &self,
        name: &str,
        count: i32,
        validate_only: bool,
    ) -> Result<(), AdminError> {
        let topic = self.topic(name).ok_or(AdminError::UnknownTopic)?;
        let mut cat = self.catalogue.lock().unwrap();
        let current = topic.partition_count();
        if count <= current {
            let msg = if count == current {
                format!("Topic already has {current} partitions.")
            } else {
                format!("Topic currently has {current} partitions, which is higher than the requested {count}.")
            };
            return Err(AdminError::InvalidPartitions(msg));
        }
        self.check_partition_count(count)?;
        if validate_only {
            return Ok(());
        }
        let mut next = cat.clone();
        let meta = next.topics.get_mut(name).ok_or(AdminError::UnknownTopic)?;
        if meta.stream.is_some() {
            // Kinesis clients take an open shard's hash key range as fixed; changing it under
            // them (as an even re-split would) breaks per-key order. Streams made or changed
            // through Kinesis grow with UpdateShardCount or SplitShard, which close parents.
            return Err(AdminError::InvalidPartitions(format!(
                "Topic '{name}' is a Kinesis stream; add shards with UpdateShardCount or SplitShard instead."
            )));
        }
        meta.partitions = count;
        let log_config = meta.configs.log_config(&self.config.log_defaults);
        self.store.save(&next)?;
        *cat = next;
        let added = self.open_partitions(&topic.name, current..count, log_config)?;
        topic.partitions.write().unwrap().extend(added);
        Ok(())
    }

    /// Open (creating) a range of a topic's partitions, durable before they are returned.
    pub(crate) fn open_partitions(
        &self,
        topic: &Arc<str>,
        range: std::ops::Range<i32>,
        log_config: LogConfig,
    ) -> Result<Vec<Arc<Partition>>, AdminError> {
        let mut added = Vec::with_capacity(range.len());
        for index in range {
            let (p, _) = self.open_partition(topic, index, log_config.clone())?;
            added.push(p);
        }
        self.sync_opened_partitions()?;
        Ok(added)
    }

    pub(crate) fn catalogue_lock(&self) -> std::sync::MutexGuard<'_, Catalogue> {
        self.catalogue.lock().unwrap()
    }

    /// Persist `next` and make it the catalogue.
    pub(crate) fn save_catalogue(
        &self,
        cat: &mut std::sync::MutexGuard<'_, Catalogue>,
        next: Catalogue,
    ) -> Result<(), AdminError> {
        self.store.save(&next)?;
        **cat = next;
        Ok(())
    }

    /// Append to one partition; under `flush=always`, the returned waiter (if any) completes when
    /// the data is durable. `wait` false (acks=0) still gets the data flushed.
    pub fn append(
        &self,
        partition: &Arc<Partition>,
        blob: &[u8],
        wait: bool,
    ) -> Result<(AppendOutcome, Option<oneshot::Receiver<FlushReply>>), ProduceError> {
        self.append_max(partition, blob, wait, None)
    }

    /// `append` with a batch size limit other than the topic's `max.message.bytes` (the Kinesis
    /// front builds its own batches, bounded by Kinesis's record size instead).
    pub fn append_max(
        &self,
        partition: &Arc<Partition>,
        blob: &[u8],
        wait: bool,
        max_batch_bytes: Option<usize>,
    ) -> Result<(AppendOutcome, Option<oneshot::Receiver<FlushReply>>), ProduceError> {
        let outcome = partition.append_max(blob, now_ms(), max_batch_bytes)?;
        let always = self.config.flush == crate::config::FlushPolicy::Always;
        let waiter = if always && partition.high_watermark() > outcome.last_offset {
            None // a retried duplicate that is already durable
        } else {
            self.flusher.lock().unwrap().dirty(partition, wait)
        };
        if self.config.flush != crate::config::FlushPolicy::Always {
            self.data_arrived.notify_waiters();
        }
        Ok((outcome, waiter))
    }

    /// A fresh producer id for an idempotent producer (epoch 0).
    pub fn allocate_producer_id(&self) -> Result<i64, AdminError> {
        let mut ids = self.producer_ids.lock().unwrap();
        if ids.next >= ids.block_end {
            let end = ids.next + PRODUCER_ID_BLOCK;
            self.persist_producer_block(end)?;
            ids.block_end = end;
        }
        let id = ids.next;
        ids.next += 1;
        Ok(id)
    }

    fn reserve_producer_ids_above(&self, max_seen: Option<i64>) -> Result<(), AdminError> {
        let Some(max_seen) = max_seen else {
            return Ok(());
        };
        let mut ids = self.producer_ids.lock().unwrap();
        if max_seen >= ids.next {
            ids.next = max_seen + 1;
            ids.block_end = ids.block_end.max(ids.next);
        }
        Ok(())
    }

    fn persist_producer_block(&self, end: i64) -> Result<(), AdminError> {
        let mut cat = self.catalogue.lock().unwrap();
        let mut next = cat.clone();
        next.producer_id_block_end = end;
        self.store.save(&next)?;
        *cat = next;
        Ok(())
    }

    /// Record that readers were served `bytes` holding `records` new records from a partition.
    pub fn record_read(&self, partition: &Partition, bytes: u64, records: u64) {
        partition.record_read(bytes, records);
    }

    /// Retention and age-based rolls over every partition. Called periodically.
    /// Apply one topic's retention now (after its retention was shortened).
    pub fn enforce_retention(&self, name: &str) {
        let Some(topic) = self.topic(name) else {
            return;
        };
        let now = now_ms();
        for p in topic.partitions() {
            if let Err(e) = p.housekeeping(now) {
                self.metrics.storage_errors.inc();
                tracing::error!(topic = %p.topic, partition = p.index, error = %e, "retention failed");
            }
        }
    }

    pub fn housekeeping(&self) {
        let now = now_ms();
        for topic in self.topics() {
            for p in topic.partitions() {
                if let Err(e) = p.housekeeping(now) {
                    self.metrics.storage_errors.inc();
                    tracing::error!(topic = %p.topic, partition = p.index, error = %e, "retention failed");
                }
            }
        }
        if self.groups.get().is_some() {
            if let Err(e) = self.compact_offsets() {
                self.metrics.storage_errors.inc();
                tracing::error!(error = %e, "compacting __consumer_offsets failed");
            }
        }
        self.metrics.open_files.set(self.files.open_count() as i64);
    }

    /// Clean shutdown: finish pending flush rounds, write every partition's producer snapshot,
    /// make everything durable and mark every partition clean, so the next start needs no
    /// recovery. With a filesystem sync that is two syncfs calls in all (see close_batched);
    /// otherwise each partition fsyncs its own files (PartitionLog::close).
    pub fn shutdown(&self) {
        if let Some(g) = self.groups.get() {
            g.coordinator.shutdown();
        }
        self.flusher.lock().unwrap().shutdown();
        let mut logs = Vec::new();
        if let Some(g) = self.groups.get() {
            if let Some(log) = g.log.take_log_with_snapshot(PRODUCER_SNAPSHOT) {
                logs.push((g.log.clone(), log));
            }
        }
        for topic in self.topics() {
            for p in topic.partitions() {
                if let Some(log) = p.take_log_with_snapshot(PRODUCER_SNAPSHOT) {
                    logs.push((p, log));
                }
            }
        }
        match &self.fs_sync {
            Some(fs) => close_batched(fs, logs),
            None => {
                for (p, log) in logs {
                    if let Err(e) = log.close() {
                        tracing::error!(topic = %p.topic, partition = p.index, error = %e, "close failed");
                    }
                }
            }
        }
        self.data_arrived.notify_waiters();
    }

    /// The effective log settings of a topic (broker defaults plus its own configs).
    pub fn topic_log_config(&self, topic: &Topic) -> LogConfig {
        topic.configs().log_config(&self.config.log_defaults)
    }

    /// Replace a topic's explicit configs durably and apply them to its partitions.
    pub fn set_topic_configs(&self, name: &str, configs: TopicConfigs) -> Result<(), AdminError> {
        let topic = self.topic(name).ok_or(AdminError::UnknownTopic)?;
        let mut cat = self.catalogue.lock().unwrap();
        let mut next = cat.clone();
        next.topics
            .get_mut(name)
            .ok_or(AdminError::UnknownTopic)?
            .configs = configs.clone();
        self.store.save(&next)?;
        *cat = next;
        let c = configs.log_config(&self.config.log_defaults);
        *topic.configs.write().unwrap() = configs;
        for p in topic.partitions() {
            p.set_log_config(c.clone());
        }
        Ok(())
    }
}

/// Close many partitions with two filesystem syncs: prepare every close (closing index
/// entries), sync (logs, indexes, producer snapshots, directory entries), write every clean
/// marker, sync again. A marker is written only after the sync that made its partition's data
/// durable; if that sync fails no marker is written and the next start validates every tail.
fn close_batched(fs: &FilesystemSync, logs: Vec<(Arc<Partition>, PartitionLog)>) {
    let mut prepared = Vec::with_capacity(logs.len());
    for (p, mut log) in logs {
        match log.prepare_close() {
            Ok(()) => prepared.push((p, log)),
            Err(e) => {
                tracing::error!(topic = %p.topic, partition = p.index, error = %e, "close failed; the next start validates this partition")
            }
        }
    }
    if let Err(e) = fs.sync() {
        tracing::error!(error = %e, "sync at shutdown failed; no partition is marked clean and the next start validates them all");
        return;
    }
    for (p, log) in prepared {
        if let Err(e) = log.finish_close() {
            tracing::error!(topic = %p.topic, partition = p.index, error = %e, "close failed; the next start validates this partition");
        }
    }
    if let Err(e) = fs.sync() {
        tracing::error!(error = %e, "sync of the clean-shutdown markers failed; the next start may validate partitions");
    }
}

/// A sync for the filesystem of the data directory, or None (logged) where syncfs cannot stand
/// in for fsync, or where a partition directory's parent (`topics/`, `internal/`) is another
/// filesystem (a mount inside the data directory), which one syncfs would not cover.
fn filesystem_sync(data_dir: &Path) -> Result<Option<FilesystemSync>, AdminError> {
    use std::os::unix::fs::MetadataExt;
    let device = std::fs::metadata(data_dir)?.dev();
    for sub in [topics_dir(data_dir), data_dir.join("internal")] {
        match std::fs::metadata(&sub) {
            Ok(m) if m.dev() != device => {
                tracing::warn!(dir = %sub.display(), "on another filesystem than the data directory; partitions open and close with fsyncs of their own");
                return Ok(None);
            }
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    match FilesystemSync::open(data_dir) {
        Ok(fs) => Ok(Some(fs)),
        Err(e) if e.kind() == std::io::ErrorKind::Unsupported => {
            tracing::info!(reason = %e, "partitions open and close with fsyncs of their own");
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Take an exclusive lock on `{data_dir}/.lock`, released when the process exits.
fn lock_data_dir(data_dir: &Path) -> Result<std::fs::File, AdminError> {
    use std::os::fd::AsRawFd;
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(data_dir.join(".lock"))?;
    // SAFETY: flock on a valid, owned descriptor.
    if unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
        return Err(AdminError::Storage(format!(
            "the data directory {} is in use by another sluice process",
            data_dir.display()
        )));
    }
    Ok(f)
}

fn topics_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("topics")
}

fn partition_dir(data_dir: &Path, topic: &str, index: i32) -> PathBuf {
    topics_dir(data_dir).join(format!("{topic}-{index}"))
}

/// Partition directories of topics the catalogue no longer has (a crash between a topic's
/// deletion from the catalogue and the removal of its files) are removed at start-up.
fn remove_orphan_dirs(data_dir: &Path, cat: &Catalogue) -> std::io::Result<()> {
    for entry in std::fs::read_dir(topics_dir(data_dir))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().to_string();
        let known = name.rsplit_once('-').is_some_and(|(topic, idx)| {
            idx.parse::<i32>()
                .is_ok_and(|i| cat.topics.get(topic).is_some_and(|m| i < m.partitions))
        });
        if !known {
            tracing::warn!(dir = %entry.path().display(), "removing partition directory of a deleted topic");
            std::fs::remove_dir_all(entry.path())?;
        }
    }
    Ok(())
}

/// Where a partition's producer-state snapshot lives (written at clean shutdown).
const PRODUCER_SNAPSHOT: &str = "producer-state.snapshot";

/// Rebuild idempotent-producer state: load the snapshot taken at the last clean shutdown if it
/// is valid and not past the log end, then replay batch headers written after it (all of them
/// when there is no usable snapshot).
///
/// The snapshot is written without fsync, before the shutdown sync that makes the log durable:
/// its CRC makes a torn one read as absent (full replay), a missing one means a full replay, and
/// one older than the log end is completed by replaying the batches after it. One past the log
/// end means a crash lost log data it describes (the tail was cut by recovery): it is deleted
/// here, durably (`sync_now`, else by the caller's filesystem sync before any append), because
/// once new appends pass its offset it would look valid and describe batches that are gone.
///
/// Returns the state and the offset of the valid snapshot left on disk, if any.
fn rebuild_producers(
    log: &PartitionLog,
    sync_now: bool,
) -> Result<(ProducerStates, Option<i64>), AdminError> {
    let end = log.log_end_offset().0;
    let path = log.dir().join(PRODUCER_SNAPSHOT);
    let mut snapshot = std::fs::read(&path)
        .ok()
        .and_then(|b| ProducerStates::from_snapshot(&b));
    if let Some((_, offset)) = snapshot.as_ref().filter(|(_, offset)| *offset > end) {
        tracing::warn!(dir = %log.dir().display(), snapshot_offset = offset, log_end = end, "removing a producer snapshot past the recovered log end");
        std::fs::remove_file(&path)?;
        if sync_now {
            std::fs::File::open(log.dir())?.sync_all()?;
        }
        snapshot = None;
    }
    let on_disk = snapshot.as_ref().map(|(_, offset)| *offset);
    let (mut states, from) =
        snapshot.unwrap_or_else(|| (ProducerStates::default(), log.log_start_offset().0));
    if from >= end {
        return Ok((states, on_disk));
    }
    for h in log.batch_headers(Offset(from))? {
        if h.base_offset < from {
            continue;
        }
        if h.producer_id >= 0 {
            states.record(&h, h.base_offset, h.last_offset());
        }
    }
    Ok((states, on_disk))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idempotent_batch(seq: i32) -> Vec<u8> {
        sluice_log::batch::build(
            &[(None, Some(&b"v"[..]), 1), (None, Some(&b"w"[..]), 1)],
            42,
            0,
            seq,
        )
    }

    fn restart_keeps_producer_state(clean: bool) {
        let dir = tempfile::tempdir().unwrap();
        let mut c = BrokerConfig::new(dir.path().into());
        c.flush = crate::config::FlushPolicy::Never;
        let open = || Broker::open(c.clone(), Arc::new(Metrics::new())).unwrap().0;
        let b = open();
        let t = b
            .create_topic("t", Some(1), TopicConfigs::default(), false)
            .unwrap();
        let p = t.partition(0).unwrap();
        for seq in [0, 2, 4] {
            b.append(&p, &idempotent_batch(seq), true).unwrap();
        }
        if clean {
            b.shutdown();
        }
        drop((p, t, b));
        let b = open();
        let p = b.topic("t").unwrap().partition(0).unwrap();
        // A retry of the last batch is recognised as a duplicate with its original offsets.
        let (dup, _) = b.append(&p, &idempotent_batch(4), true).unwrap();
        assert!(dup.duplicate);
        assert_eq!((dup.base_offset.0, dup.last_offset.0), (4, 5));
        // A gap is refused; the next in sequence is appended after the others.
        assert!(matches!(
            b.append(&p, &idempotent_batch(8), true),
            Err(ProduceError::OutOfOrderSequence(_))
        ));
        let (next, _) = b.append(&p, &idempotent_batch(6), true).unwrap();
        assert_eq!(next.base_offset.0, 6);
        // New producer ids never collide with ones in the log.
        assert!(b.allocate_producer_id().unwrap() > 42);
    }

    #[test]
    fn producer_state_survives_a_clean_restart_through_its_snapshot() {
        restart_keeps_producer_state(true);
    }

    #[test]
    fn producer_state_survives_a_crash_by_replaying_the_log() {
        restart_keeps_producer_state(false);
    }

    fn batch_of_producer(pid: i64, seq: i32) -> Vec<u8> {
        sluice_log::batch::build(
            &[(None, Some(&b"v"[..]), 1), (None, Some(&b"w"[..]), 1)],
            pid,
            0,
            seq,
        )
    }

    /// Shut down and reopen a broker with `partitions` partitions, one idempotent producer
    /// each, and check offsets, records, clean recovery and duplicate detection.
    fn shutdown_and_reopen_keep_all_data_and_producer_state(partitions: i32, sync: SyncChoice) {
        let dir = tempfile::tempdir().unwrap();
        let mut c = BrokerConfig::new(dir.path().into());
        c.flush = crate::config::FlushPolicy::Never;
        let open = || Broker::open_with(c.clone(), Arc::new(Metrics::new()), sync).unwrap();
        let (b, _) = open();
        let t = b
            .create_topic("wide", Some(partitions), TopicConfigs::default(), false)
            .unwrap();
        for p in t.partitions() {
            let pid = 1000 + i64::from(p.index);
            for seq in [0, 2] {
                b.append(&p, &batch_of_producer(pid, seq), false).unwrap();
            }
        }
        b.shutdown();
        drop((t, b));
        let (b, report) = open();
        assert_eq!(
            (report.partitions, report.unclean_partitions),
            (partitions as usize, 0),
            "every partition was closed cleanly"
        );
        let t = b.topic("wide").unwrap();
        for p in t.partitions() {
            assert!(
                partition_dir(dir.path(), "wide", p.index)
                    .join(PRODUCER_SNAPSHOT)
                    .exists(),
                "partition {} has a producer snapshot",
                p.index
            );
            assert_eq!((p.log_start_offset().0, p.log_end_offset().0), (0, 4));
            let read = p.read(Offset(0), u32::MAX).unwrap();
            assert_eq!(read.next_offset, Some(Offset(4)), "partition {}", p.index);
            let pid = 1000 + i64::from(p.index);
            let (dup, _) = b.append(&p, &batch_of_producer(pid, 2), false).unwrap();
            assert!(dup.duplicate, "partition {}", p.index);
            assert_eq!((dup.base_offset.0, dup.last_offset.0), (2, 3));
            let (next, _) = b.append(&p, &batch_of_producer(pid, 4), false).unwrap();
            assert_eq!(next.base_offset.0, 4);
        }
        assert!(b.allocate_producer_id().unwrap() >= 1000 + i64::from(partitions));
    }

    #[test]
    fn a_clean_shutdown_of_many_partitions_keeps_all_data_and_producer_state() {
        // Goal: the batched shutdown (two filesystem syncs for all partitions) and the deferred
        // open lose nothing, across 500 partitions.
        shutdown_and_reopen_keep_all_data_and_producer_state(
            500,
            SyncChoice::FilesystemIfSupported,
        );
    }

    #[test]
    fn without_a_filesystem_sync_partitions_close_and_reopen_with_their_own_fsyncs() {
        // Goal: the per-partition path (kernels before 5.8, other systems) keeps the same
        // promises.
        shutdown_and_reopen_keep_all_data_and_producer_state(20, SyncChoice::PerPartition);
    }

    #[test]
    fn restarts_without_appends_create_and_delete_no_partition_files() {
        // Goal: opening and cleanly closing idle partitions reuses their files (the marker is
        // emptied in place, an unchanged producer snapshot or recovery point is not rewritten),
        // since every new inode is slow on some filesystems. Method: compare each partition
        // directory's file names and inode numbers across two restarts.
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let mut c = BrokerConfig::new(dir.path().into());
        c.flush = crate::config::FlushPolicy::Never;
        let open = || Broker::open(c.clone(), Arc::new(Metrics::new())).unwrap();
        let (b, _) = open();
        let t = b
            .create_topic("t", Some(2), TopicConfigs::default(), false)
            .unwrap();
        let busy = t.partition(1).unwrap();
        b.append(&busy, &batch_of_producer(7, 0), false).unwrap();
        b.shutdown();
        drop((busy, t, b));
        let files = |index: i32| -> Vec<(String, u64)> {
            let mut v: Vec<_> = std::fs::read_dir(partition_dir(dir.path(), "t", index))
                .unwrap()
                .map(|e| {
                    let e = e.unwrap();
                    let name = e.file_name().to_string_lossy().to_string();
                    (name, e.metadata().unwrap().ino())
                })
                .collect();
            v.sort();
            v
        };
        let before = [files(0), files(1)];
        let names = |v: &[(String, u64)]| v.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
        assert!(!names(&before[0]).contains(&PRODUCER_SNAPSHOT.to_string()));
        assert!(names(&before[1]).contains(&PRODUCER_SNAPSHOT.to_string()));
        for _ in 0..2 {
            let (b, report) = open();
            assert_eq!(report.unclean_partitions, 0);
            b.shutdown();
        }
        assert_eq!([files(0), files(1)], before);
        let (b, _) = open();
        let busy = b.topic("t").unwrap().partition(1).unwrap();
        let (dup, _) = b.append(&busy, &batch_of_producer(7, 0), false).unwrap();
        assert!(dup.duplicate, "the kept snapshot still holds producer 7");
    }

    #[test]
    fn a_producer_snapshot_past_the_recovered_log_end_is_discarded_for_good() {
        // Goal: a snapshot that describes batches a crash cut off (possible now that it is not
        // fsynced before the log) is never used, not even once appends pass its offset again.
        // Method: snapshot at offset 4, then cut the log to offset 2 as a crash before the
        // shutdown sync could; let another producer fill offsets 2..4; crash; reopen.
        let dir = tempfile::tempdir().unwrap();
        let mut c = BrokerConfig::new(dir.path().into());
        c.flush = crate::config::FlushPolicy::Never;
        let open = || Broker::open(c.clone(), Arc::new(Metrics::new())).unwrap().0;
        let b = open();
        let t = b
            .create_topic("t", Some(1), TopicConfigs::default(), false)
            .unwrap();
        let p = t.partition(0).unwrap();
        let first = batch_of_producer(42, 0);
        for seq in [0, 2] {
            b.append(&p, &batch_of_producer(42, seq), false).unwrap();
        }
        b.shutdown();
        drop((p, t, b));
        let pdir = partition_dir(dir.path(), "t", 0);
        std::fs::remove_file(pdir.join("clean-shutdown")).unwrap();
        let log = std::fs::OpenOptions::new()
            .write(true)
            .open(pdir.join(format!("{:020}.log", 0)))
            .unwrap();
        log.set_len(first.len() as u64).unwrap();
        let b = open();
        assert!(
            !pdir.join(PRODUCER_SNAPSHOT).exists(),
            "a snapshot past the log end is removed"
        );
        let p = b.topic("t").unwrap().partition(0).unwrap();
        assert_eq!(p.log_end_offset().0, 2);
        let (other, _) = b.append(&p, &batch_of_producer(43, 0), false).unwrap();
        assert_eq!((other.base_offset.0, other.last_offset.0), (2, 3));
        drop((p, b));
        let b = open();
        let p = b.topic("t").unwrap().partition(0).unwrap();
        // Producer 42's second batch is not in the log: a retry of it is new data, not a
        // duplicate pointing at producer 43's offsets.
        let (retry, _) = b.append(&p, &batch_of_producer(42, 2), false).unwrap();
        assert!(!retry.duplicate);
        assert_eq!(retry.base_offset.0, 4);
    }

    #[tokio::test]
    async fn under_flush_always_an_append_is_acknowledged_only_once_fsynced() {
        // Goal: the durability promise of the default policy. Method: append, await the
        // waiter, then check the log's own flushed offset and the high watermark.
        let dir = tempfile::tempdir().unwrap();
        let (b, _) = Broker::open(
            BrokerConfig::new(dir.path().into()),
            Arc::new(Metrics::new()),
        )
        .unwrap();
        let t = b
            .create_topic("t", Some(1), TopicConfigs::default(), false)
            .unwrap();
        let p = t.partition(0).unwrap();
        let blob = sluice_log::batch::build(&[(None, Some(&b"v"[..]), 1)], -1, -1, -1);
        let (outcome, waiter) = b.append(&p, &blob, true).unwrap();
        assert!(
            p.high_watermark() <= outcome.last_offset,
            "readers must not see unsynced data"
        );
        waiter
            .expect("flush=always returns a waiter")
            .await
            .unwrap()
            .unwrap();
        assert!(p.lock().log.as_ref().unwrap().flushed_offset() > outcome.last_offset);
        assert!(p.high_watermark() > outcome.last_offset);
        assert!(b.metrics().fsyncs.get() >= 1);
    }

    /// Appends to `n` partitions at once, awaits every waiter, and checks each partition is
    /// flushed past its append and visible; returns the fsyncs (fdatasync or syncfs) counted.
    async fn flush_many(min_for_syncfs: usize, n: i32) -> u64 {
        let dir = tempfile::tempdir().unwrap();
        let mut c = BrokerConfig::new(dir.path().into());
        c.flush_syncfs_min_partitions = min_for_syncfs;
        let (b, _) = Broker::open(c, Arc::new(Metrics::new())).unwrap();
        let t = b
            .create_topic("t", Some(n), TopicConfigs::default(), false)
            .unwrap();
        let before = b.metrics().fsyncs.get();
        let blob = sluice_log::batch::build(&[(None, Some(&b"v"[..]), 1)], -1, -1, -1);
        // Hold the flusher's queue: every append is queued before the first round can start
        // only if they are quick, so count rounds rather than assume one.
        let mut waiting = Vec::new();
        for i in 0..n {
            let p = t.partition(i).unwrap();
            let (outcome, waiter) = b.append(&p, &blob, true).unwrap();
            waiting.push((p, outcome.last_offset, waiter.unwrap()));
        }
        for (p, last, w) in waiting {
            w.await.unwrap().unwrap();
            assert!(p.lock().log.as_ref().unwrap().flushed_offset() > last);
            assert!(p.high_watermark() > last);
        }
        b.metrics().fsyncs.get() - before
    }

    #[tokio::test]
    async fn a_round_of_many_partitions_is_made_durable_by_one_syncfs_or_an_fsync_each() {
        // Goal: both ways a round ends acknowledge only durable data. Method: 16 partitions
        // appended at once; with syncfs for rounds of 2+ partitions the fsync count is at most
        // one per round (fewer than the partitions, unless every round held one partition);
        // with syncfs off it is one per partition at least.
        let per_partition = flush_many(0, 16).await;
        assert!(per_partition >= 16, "{per_partition}");
        let with_syncfs = flush_many(2, 16).await;
        assert!((1..=16).contains(&with_syncfs), "{with_syncfs}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn rounds_on_several_flusher_threads_acknowledge_only_flushed_data() {
        // Goal: with rounds running at once (syncfs ones and fdatasync ones, over segment rolls)
        // every acknowledgement still follows its own data's sync, and nothing is left unsynced.
        // Method: 8 writers, each awaiting every append's waiter before the next, over 4
        // partitions whose segments roll every few batches; 4 flusher threads, syncfs from 3
        // dirty partitions.
        let dir = tempfile::tempdir().unwrap();
        let mut c = BrokerConfig::new(dir.path().into());
        c.flush_threads = 4;
        c.flush_syncfs_min_partitions = 3;
        c.log_defaults.segment_bytes = 1024;
        let (b, _) = Broker::open(c, Arc::new(Metrics::new())).unwrap();
        let t = b
            .create_topic("t", Some(4), TopicConfigs::default(), false)
            .unwrap();
        let mut writers = tokio::task::JoinSet::new();
        for w in 0..8i32 {
            let (b, t) = (b.clone(), t.clone());
            writers.spawn(async move {
                let value = [b'v'; 200];
                let blob = sluice_log::batch::build(&[(None, Some(&value[..]), 1)], -1, -1, -1);
                for i in 0..60 {
                    let p = t.partition((w + i) % 4).unwrap();
                    let (outcome, waiter) = b.append(&p, &blob, true).unwrap();
                    // No waiter: another thread's round had already synced past it.
                    if let Some(w) = waiter {
                        w.await.unwrap().unwrap();
                    }
                    assert!(p.lock().log.as_ref().unwrap().flushed_offset() > outcome.last_offset);
                    assert!(p.high_watermark() > outcome.last_offset);
                }
            });
        }
        while let Some(r) = writers.join_next().await {
            r.unwrap();
        }
        for i in 0..4 {
            let p = t.partition(i).unwrap();
            let log = p.lock();
            let log = log.log.as_ref().unwrap();
            assert_eq!(log.flushed_offset(), log.log_end_offset());
            assert!(
                log.sync_target().is_none(),
                "partition {i} has unsynced files"
            );
        }
    }

    #[test]
    fn one_syncfs_makes_a_whole_round_durable() {
        // Goal: a round's dirty partitions share one sync. Method: flush=interval:300, so the
        // first round starts 300 ms after the first append and finds all 16 queued; wait for
        // every partition's flushed offset to pass its append and count the syncs.
        let dir = tempfile::tempdir().unwrap();
        if sluice_log::FilesystemSync::open(dir.path()).is_err() {
            return; // syncfs cannot stand in for fsync on this kernel.
        }
        let mut c = BrokerConfig::new(dir.path().into());
        c.flush = crate::config::FlushPolicy::Interval { interval_ms: 300 };
        let (b, _) = Broker::open(c, Arc::new(Metrics::new())).unwrap();
        let t = b
            .create_topic("t", Some(16), TopicConfigs::default(), false)
            .unwrap();
        let before = b.metrics().fsyncs.get();
        let blob = sluice_log::batch::build(&[(None, Some(&b"v"[..]), 1)], -1, -1, -1);
        let mut appended = Vec::new();
        for i in 0..16 {
            let p = t.partition(i).unwrap();
            let (outcome, _) = b.append(&p, &blob, true).unwrap();
            appended.push((p, outcome.last_offset));
        }
        let deadline = Instant::now() + std::time::Duration::from_secs(10);
        while appended
            .iter()
            .any(|(p, last)| p.lock().log.as_ref().unwrap().flushed_offset() <= *last)
        {
            assert!(Instant::now() < deadline, "not flushed in 10 s");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert_eq!(b.metrics().fsyncs.get() - before, 1);
    }

    #[test]
    fn under_flush_never_data_is_visible_at_once_and_nobody_waits() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = BrokerConfig::new(dir.path().into());
        c.flush = crate::config::FlushPolicy::Never;
        let (b, _) = Broker::open(c, Arc::new(Metrics::new())).unwrap();
        let t = b
            .create_topic("t", Some(1), TopicConfigs::default(), false)
            .unwrap();
        let p = t.partition(0).unwrap();
        let blob = sluice_log::batch::build(&[(None, Some(&b"v"[..]), 1)], -1, -1, -1);
        let (outcome, waiter) = b.append(&p, &blob, true).unwrap();
        assert!(waiter.is_none());
        assert!(p.high_watermark() > outcome.last_offset);
    }

    #[test]
    fn after_a_failed_fsync_a_partition_takes_no_appends_and_is_not_closed_clean() {
        // Goal: the fsyncgate policy. Method: report a failed fsync on one partition, then
        // append to it and to another, read it, shut down and reopen: its tail is validated
        // (the start is unclean for it) and nothing acknowledged before the failure is lost.
        let dir = tempfile::tempdir().unwrap();
        let c = BrokerConfig::new(dir.path().into());
        let (b, _) = Broker::open(c.clone(), Arc::new(Metrics::new())).unwrap();
        let t = b
            .create_topic("t", Some(2), TopicConfigs::default(), false)
            .unwrap();
        let (p0, p1) = (t.partition(0).unwrap(), t.partition(1).unwrap());
        let blob = sluice_log::batch::build(&[(None, Some(&b"v"[..]), 1)], -1, -1, -1);
        let (_, w) = b.append(&p0, &blob, true).unwrap();
        futures_lite_block_on(w.unwrap()).unwrap().unwrap();
        p0.fail_storage(&std::io::Error::from_raw_os_error(libc_eio()));
        assert!(matches!(
            b.append(&p0, &blob, true),
            Err(ProduceError::Storage(_))
        ));
        assert!(
            b.append(&p1, &blob, true).is_ok(),
            "other partitions keep working"
        );
        assert!(
            p0.read(Offset(0), 1 << 20).unwrap().slice.is_some(),
            "reads go on"
        );
        b.shutdown();
        drop(b);
        let (b, report) = Broker::open(c, Arc::new(Metrics::new())).unwrap();
        assert_eq!(
            report.unclean_partitions, 1,
            "the failed partition is validated"
        );
        let p0 = b.topic("t").unwrap().partition(0).unwrap();
        assert_eq!(p0.log_end_offset(), Offset(1));
        assert!(
            b.append(&p0, &blob, false).is_ok(),
            "writable again after the restart"
        );
    }

    fn libc_eio() -> i32 {
        5
    }

    fn futures_lite_block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn a_data_directory_is_used_by_one_broker_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let (_b, _) = Broker::open(
            BrokerConfig::new(dir.path().into()),
            Arc::new(Metrics::new()),
        )
        .unwrap();
        let second = Broker::open(
            BrokerConfig::new(dir.path().into()),
            Arc::new(Metrics::new()),
        );
        assert!(matches!(second, Err(AdminError::Storage(m)) if m.contains("in use")));
    }
}
