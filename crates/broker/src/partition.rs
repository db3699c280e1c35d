//! One partition as the broker sees it: the log, the idempotent-producer state guarded by the
//! same lock (a sequence check and its append are one step), and the offsets readers may see.
//!
//! The high watermark is the end of what readers may be served: under `flush=always` it is the
//! fsynced offset (nothing a reader saw can vanish in a power cut), otherwise the log end.

use crate::error::ProduceError;
use crate::metrics::{Metrics, PartitionLabels, TopicLabels};
use crate::producer_state::{ProducerStates, SequenceCheck};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::gauge::Gauge;
use sluice_log::batch::{self, BatchInfo};
use sluice_log::{FileSlice, LogConfig, LogError, Offset, PartitionLog, ReadSlice, SyncTarget};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// The result of a successful (or duplicate) append.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AppendOutcome {
    pub base_offset: Offset,
    pub last_offset: Offset,
    pub log_start_offset: Offset,
    /// The batch was a retry of one already in the log; nothing was written.
    pub duplicate: bool,
}

pub(crate) struct Inner {
    /// None once the partition's topic was deleted.
    pub(crate) log: Option<PartitionLog>,
    pub(crate) producers: ProducerStates,
    /// The offset of the valid producer snapshot in the partition directory, if any.
    snapshot_offset: Option<i64>,
    /// A closed shard (after a Kinesis split or merge): readable, never appended to again.
    closed: bool,
}

/// Counters kept on the partition so the hot path never looks up a metric family.
pub(crate) struct PartitionMetrics {
    pub(crate) bytes_in: Counter,
    pub(crate) records_in: Counter,
    pub(crate) bytes_out: Counter,
    pub(crate) records_out: Counter,
    pub(crate) log_end: Gauge,
    pub(crate) log_start: Gauge,
    pub(crate) corrupt_batches: Counter,
}

impl PartitionMetrics {
    pub(crate) fn new(m: &Metrics, topic: &str, index: i32) -> PartitionMetrics {
        let t = TopicLabels {
            topic: topic.to_string(),
        };
        let p = PartitionLabels {
            topic: topic.to_string(),
            partition: index.to_string(),
        };
        PartitionMetrics {
            bytes_in: m.bytes_in.get_or_create(&t).clone(),
            records_in: m.records_in.get_or_create(&t).clone(),
            bytes_out: m.bytes_out.get_or_create(&t).clone(),
            records_out: m.records_out.get_or_create(&t).clone(),
            log_end: m.log_end_offset.get_or_create(&p).clone(),
            log_start: m.log_start_offset.get_or_create(&p).clone(),
            corrupt_batches: m.corrupt_batches.get_or_create(&p).clone(),
        }
    }
}

pub struct Partition {
    pub topic: Arc<str>,
    pub index: i32,
    inner: Mutex<Inner>,
    high_watermark: AtomicI64,
    log_start: AtomicI64,
    log_end: AtomicI64,
    /// Queued for the next flush round (so a busy partition is queued once per round).
    /// Held by a flusher thread through its fdatasyncs of this partition (flusher.rs).
    pub(crate) sync_lock: Mutex<()>,
    pub(crate) flush_queued: AtomicBool,
    /// Wait for fsync before the high watermark moves (flush=always).
    hw_follows_fsync: bool,
    /// Set by the first failed fsync: the partition takes no more appends until a restart (see
    /// `fail_storage`).
    storage_failed: AtomicBool,
    /// When an append error was last logged (rate limit).
    append_error_logged_ms: AtomicI64,
    /// Damaged batches already logged and counted: (segment file, position).
    corruption_seen: Mutex<HashSet<(PathBuf, u64)>>,
    pub(crate) metrics: PartitionMetrics,
}

/// Distinct damaged batches remembered per partition (so a consumer retrying the same offset
/// logs once); past this, each detection logs and counts again.
const CORRUPTION_SEEN_MAX: usize = 1024;

impl Partition {
    pub(crate) fn new(
        topic: Arc<str>,
        index: i32,
        log: PartitionLog,
        (producers, snapshot_offset): (ProducerStates, Option<i64>),
        hw_follows_fsync: bool,
        metrics: PartitionMetrics,
    ) -> Partition {
        let (start, end) = (log.log_start_offset().0, log.log_end_offset().0);
        // At open, everything recovered is on disk (recovery only keeps what reads back valid).
        metrics.log_end.set(end);
        metrics.log_start.set(start);
        Partition {
            topic,
            index,
            inner: Mutex::new(Inner {
                log: Some(log),
                producers,
                snapshot_offset,
                closed: false,
            }),
            high_watermark: AtomicI64::new(end),
            log_start: AtomicI64::new(start),
            log_end: AtomicI64::new(end),
            flush_queued: AtomicBool::new(false),
            sync_lock: Mutex::new(()),
            hw_follows_fsync,
            storage_failed: AtomicBool::new(false),
            append_error_logged_ms: AtomicI64::new(i64::MIN),
            corruption_seen: Mutex::new(HashSet::new()),
            metrics,
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock is a bug; keep serving rather than poisoning forever.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn high_watermark(&self) -> Offset {
        Offset(self.high_watermark.load(Ordering::Acquire))
    }

    pub fn log_start_offset(&self) -> Offset {
        Offset(self.log_start.load(Ordering::Acquire))
    }

    pub fn log_end_offset(&self) -> Offset {
        Offset(self.log_end.load(Ordering::Acquire))
    }

    /// Validate and append one produce's records blob, applying idempotence rules.
    pub fn append(&self, blob: &[u8], now_ms: i64) -> Result<AppendOutcome, ProduceError> {
        self.append_max(blob, now_ms, None)
    }

    /// `append` with the batch size limit given, or the log's `max.message.bytes`.
    pub fn append_max(
        &self,
        blob: &[u8],
        now_ms: i64,
        max_batch_bytes: Option<usize>,
    ) -> Result<AppendOutcome, ProduceError> {
        let max_bytes = match max_batch_bytes {
            Some(m) => m,
            None => self.lock_log(|log| Ok(log.config().max_message_bytes))?,
        };
        let infos = batch::validate(blob, max_bytes)?;
        let idempotent = infos.iter().any(|b| b.header.producer_id >= 0);
        if idempotent && infos.len() != 1 {
            return Err(ProduceError::InvalidRecord(format!(
                "an idempotent produce must carry exactly one record batch per partition, got {}",
                infos.len()
            )));
        }
        let mut inner = self.lock();
        let inner = &mut *inner;
        if inner.closed {
            return Err(ProduceError::ShardClosed);
        }
        if self.storage_failed.load(Ordering::Acquire) {
            return Err(ProduceError::Storage(
                "the partition is offline for writes after a failed fsync; restart the server so recovery can check its files".into(),
            ));
        }
        let log = inner
            .log
            .as_mut()
            .ok_or(ProduceError::UnknownTopicOrPartition)?;
        if idempotent {
            if let SequenceCheck::Duplicate {
                first_offset,
                last_offset,
            } = inner.producers.check(&infos[0].header)?
            {
                return Ok(AppendOutcome {
                    base_offset: Offset(first_offset),
                    last_offset: Offset(last_offset),
                    log_start_offset: log.log_start_offset(),
                    duplicate: true,
                });
            }
        }
        let info = match log.append(blob, &infos, now_ms) {
            Ok(info) => info,
            Err(e) => {
                // The log cut the partial write off: nothing changed but the error is the
                // operator's business (a full disk, most likely). At most one line per 10 s.
                let last = self.append_error_logged_ms.load(Ordering::Relaxed);
                if now_ms.saturating_sub(last) >= 10_000 {
                    self.append_error_logged_ms.store(now_ms, Ordering::Relaxed);
                    tracing::error!(topic = %self.topic, partition = self.index, error = %e, "append failed; the log is unchanged and appends are retried by producers");
                }
                return Err(ProduceError::from_log(e));
            }
        };
        if idempotent {
            inner
                .producers
                .record(&infos[0].header, info.base_offset.0, info.last_offset.0);
        }
        self.after_append(&infos, blob.len(), info.last_offset);
        Ok(AppendOutcome {
            base_offset: info.base_offset,
            last_offset: info.last_offset,
            log_start_offset: info.log_start_offset,
            duplicate: false,
        })
    }

    /// Close the partition for writes (a Kinesis parent shard); returns the log end at closing,
    /// after which nothing more is appended.
    pub fn close_for_writes(&self) -> Offset {
        let mut inner = self.lock();
        inner.closed = true;
        self.log_end_offset()
    }

    /// Undo `close_for_writes` when the reshard that closed it could not be recorded.
    pub(crate) fn reopen_for_writes(&self) {
        self.lock().closed = false;
    }

    pub fn is_closed(&self) -> bool {
        self.lock().closed
    }

    fn after_append(&self, infos: &[BatchInfo], bytes: usize, last_offset: Offset) {
        let end = last_offset.0 + 1;
        self.log_end.store(end, Ordering::Release);
        self.metrics.log_end.set(end);
        self.metrics.bytes_in.inc_by(bytes as u64);
        let records: i64 = infos.iter().map(|b| b.header.records_count as i64).sum();
        self.metrics.records_in.inc_by(records.max(0) as u64);
        if !self.hw_follows_fsync {
            self.high_watermark.store(end, Ordering::Release);
        }
    }

    fn lock_log<T>(
        &self,
        f: impl FnOnce(&mut PartitionLog) -> Result<T, ProduceError>,
    ) -> Result<T, ProduceError> {
        let mut inner = self.lock();
        let log = inner
            .log
            .as_mut()
            .ok_or(ProduceError::UnknownTopicOrPartition)?;
        f(log)
    }

    /// Whole batches from the one holding `offset`, at most `max_bytes` (but at least one
    /// batch), never past the high watermark.
    /// A batch that fails its checks (damage at rest) is never served: the read stops before
    /// it, and a read starting at it fails with `LogError::Corrupt` (logged once per batch with
    /// topic, partition, segment file and offset, and counted in `sluice_corrupt_batches_total`).
    pub fn read(&self, offset: Offset, max_bytes: u32) -> Result<ReadSlice, ReadError> {
        let hw = self.high_watermark();
        let inner = self.lock();
        let log = inner
            .log
            .as_ref()
            .ok_or(ReadError::UnknownTopicOrPartition)?;
        log.read(offset, max_bytes, hw)
            .map_err(|e| self.read_error(e))
    }

    /// The first batch whose max timestamp is >= `ts`, below the high watermark.
    pub fn read_at_timestamp(&self, ts: i64) -> Result<Option<FileSlice>, ReadError> {
        let inner = self.lock();
        let log = inner
            .log
            .as_ref()
            .ok_or(ReadError::UnknownTopicOrPartition)?;
        log.read_at_timestamp(ts).map_err(|e| self.read_error(e))
    }

    fn read_error(&self, e: LogError) -> ReadError {
        if let LogError::Corrupt {
            segment,
            position,
            offset,
            reason,
        } = &e
        {
            self.report_corruption(segment, *position, *offset, reason);
        }
        ReadError::Log(e)
    }

    /// Log and count a damaged batch, once per batch.
    pub(crate) fn report_corruption(
        &self,
        segment: &std::path::Path,
        position: u64,
        offset: Offset,
        reason: &str,
    ) {
        let mut seen = self
            .corruption_seen
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let key = (segment.to_path_buf(), position);
        if seen.contains(&key) {
            return;
        }
        if seen.len() < CORRUPTION_SEEN_MAX {
            seen.insert(key);
        }
        drop(seen);
        self.metrics.corrupt_batches.inc();
        tracing::error!(
            topic = %self.topic,
            partition = self.index,
            segment = %segment.display(),
            position,
            offset = offset.0,
            reason,
            "corrupt record batch on disk: reads of this partition stop before offset {offset} \
             with a storage error; restore the segment from a copy or move consumers past it"
        );
    }

    /// After a failed fsync the page cache may no longer match the disk (the kernel may have
    /// dropped the dirty pages and cleared the error), so a retried fsync proves nothing: the
    /// partition takes no more appends until a restart, whose recovery validates the files
    /// (the partition is not marked clean at shutdown). Reads go on up to the high watermark,
    /// which under `flush=always` only ever covered fsynced data.
    pub(crate) fn fail_storage(&self, error: &std::io::Error) {
        if !self.storage_failed.swap(true, Ordering::AcqRel) {
            tracing::error!(
                topic = %self.topic,
                partition = self.index,
                error = %error,
                "fsync failed: the partition is offline for writes until the server restarts \
                 (unsynced data may be lost; recovery at start-up validates the log)"
            );
        }
    }

    pub fn storage_failed(&self) -> bool {
        self.storage_failed.load(Ordering::Acquire)
    }

    /// The batch holding the largest timestamp below `hw` (the first such batch on ties), for
    /// ListOffsets' max-timestamp query. Scans batch headers; the caller decodes the batch.
    pub fn read_max_timestamp_batch(&self, hw: Offset) -> Result<Option<FileSlice>, ReadError> {
        let inner = self.lock();
        let log = inner
            .log
            .as_ref()
            .ok_or(ReadError::UnknownTopicOrPartition)?;
        let mut best: Option<(i64, i64)> = None;
        let headers = log
            .batch_headers(log.log_start_offset())
            .map_err(|e| self.read_error(e))?;
        for h in headers {
            if h.last_offset() >= hw.0 {
                break;
            }
            if best.is_none_or(|(_, ts)| h.max_timestamp > ts) {
                best = Some((h.base_offset, h.max_timestamp));
            }
        }
        let Some((base, _)) = best else {
            return Ok(None);
        };
        Ok(log
            .read(Offset(base), 1, hw)
            .map_err(|e| self.read_error(e))?
            .slice)
    }

    pub(crate) fn record_read(&self, bytes: u64, records: u64) {
        self.metrics.bytes_out.inc_by(bytes);
        self.metrics.records_out.inc_by(records);
    }

    /// What a flush round must fsync for this partition.
    pub(crate) fn sync_target(&self) -> Option<SyncTarget> {
        self.lock().log.as_ref().and_then(|l| l.sync_target())
    }

    pub(crate) fn mark_flushed(&self, synced: &SyncTarget) {
        let up_to = synced.up_to;
        if let Some(log) = self.lock().log.as_mut() {
            log.mark_flushed(synced);
        }
        if self.hw_follows_fsync {
            self.high_watermark.fetch_max(up_to.0, Ordering::AcqRel);
        }
    }

    /// Retention and age-based roll; returns true if the log start moved.
    pub(crate) fn housekeeping(&self, now_ms: i64) -> Result<bool, LogError> {
        let mut inner = self.lock();
        let Some(log) = inner.log.as_mut() else {
            return Ok(false);
        };
        log.roll_if_old(now_ms)?;
        let report = log.enforce_retention(now_ms)?;
        let start = log.log_start_offset().0;
        drop(inner);
        self.log_start.store(start, Ordering::Release);
        self.metrics.log_start.set(start);
        Ok(report.segments_deleted > 0)
    }

    pub(crate) fn set_log_config(&self, c: LogConfig) {
        if let Some(log) = self.lock().log.as_mut() {
            log.set_config(c);
        }
    }

    /// For a clean shutdown: write the producer state as of the log end into the partition
    /// directory (so the next start replays nothing) and take the log out, under one lock so no
    /// append slips in between. The snapshot goes to a temp file renamed into place, without
    /// fsync: the shutdown's sync makes it durable, and a torn or lost one only costs a replay
    /// (see `broker::rebuild_producers`). A failed write is logged and costs the same. Nothing
    /// is written when the snapshot on disk is already at the log end (no append since it was
    /// taken) or when there is nothing to replay (an empty log and no producer state), so idle
    /// partitions create no files at shutdown.
    pub(crate) fn take_log_with_snapshot(&self, file_name: &str) -> Option<PartitionLog> {
        let mut inner = self.lock();
        if self.storage_failed() {
            // Never vouch for this partition with a clean marker: the next start validates it.
            drop(inner.log.take());
            return None;
        }
        let log = inner.log.take()?;
        let end = log.log_end_offset().0;
        let nothing_to_replay = end == log.log_start_offset().0 && inner.producers.is_empty();
        if inner.snapshot_offset == Some(end) || nothing_to_replay {
            return Some(log);
        }
        let bytes = inner.producers.snapshot(end);
        let path = log.dir().join(file_name);
        let tmp = path.with_extension("tmp");
        match std::fs::write(&tmp, bytes).and_then(|_| std::fs::rename(&tmp, &path)) {
            Ok(()) => inner.snapshot_offset = Some(end),
            Err(e) => {
                tracing::warn!(topic = %self.topic, partition = self.index, error = %e, "could not write the producer-state snapshot")
            }
        }
        Some(log)
    }

    /// Bytes in every segment of the log (0 once deleted).
    pub(crate) fn size_bytes(&self) -> u64 {
        self.lock().log.as_ref().map_or(0, |l| l.size_bytes())
    }

    /// Start a new segment now (for rewriting the log, see `group_service`).
    pub(crate) fn roll_now(&self) -> Result<(), LogError> {
        match self.lock().log.as_mut() {
            Some(log) => log.roll_now(),
            None => Ok(()),
        }
    }

    /// Drop whole segments ending at or below `offset`; moves the log start.
    pub(crate) fn delete_segments_before(&self, offset: Offset) -> Result<(), LogError> {
        let mut inner = self.lock();
        let Some(log) = inner.log.as_mut() else {
            return Ok(());
        };
        log.delete_segments_before(offset)?;
        let start = log.log_start_offset().0;
        drop(inner);
        self.log_start.store(start, Ordering::Release);
        self.metrics.log_start.set(start);
        Ok(())
    }

    /// Take the log out (for close or delete); later calls see an unknown partition.
    pub(crate) fn take_log(&self) -> Option<PartitionLog> {
        self.lock().log.take()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("unknown topic or partition")]
    UnknownTopicOrPartition,
    #[error(transparent)]
    Log(#[from] LogError),
}
