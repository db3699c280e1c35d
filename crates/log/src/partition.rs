//! `PartitionLog`: one partition's directory of segments, and the only type the broker drives.
//! It owns offset assignment, segment roll (by size and age), reads by offset and timestamp,
//! retention, and the bookkeeping that lets the broker's group-commit thread fsync outside the
//! partition lock. Opening a directory runs recovery ([`crate::recovery`]).
//!
//! Directory layout:
//!
//! ```text
//! {base_offset:020}.log        Kafka v2 record batches (see crate::batch, crate::segment)
//! {base_offset:020}.index      offset -> position hints  (see crate::index)
//! {base_offset:020}.timeindex  timestamp -> offset hints (see crate::index)
//! recovery-point               first segment that may not be fsynced whole (crate::checkpoint)
//! clean-shutdown               holds its 8 bytes only between a clean close and the next open
//! ```
//!
//! Opening and closing come in two forms. `open()` and `close()` make one partition durable
//! with fsyncs of its own. `open_deferred()` and `prepare_close()` + `finish_close()` do the same
//! work without any fsync, for a caller that opens or closes many partitions and makes them all
//! durable with one [`crate::FilesystemSync`]: between prepare_close and finish_close (so the
//! clean marker never becomes durable before the data it vouches for), after finish_close, and
//! after open_deferred before the partition is read or appended to (so a stale marker can never
//! make the next recovery skip validating a torn tail).
//!
//! Every file format carries a version: batches their magic byte, the index files and the two
//! state files an 8-byte header with magic and version. Room for transactions: an
//! aborted-transaction index will be one more per-segment file (`.txnindex`) with the same kind
//! of header; open() ignores files it does not know, and index headers have reserved flag bytes.
//!
//! Durability protocol: append() writes with pwritev and never fsyncs. sync_target() lists the
//! `.log` files holding offsets at or above flushed_offset(), plus, after a roll, the sealed
//! segment's indexes and the directory (for the new file names); the caller fdatasyncs them
//! without holding the partition lock and then calls mark_flushed(&target). Targets may be
//! synced concurrently and marked in any order: each carries the offset and the roll count it
//! covers, and marking only ever moves them forward.
//! Not thread-safe by itself: the broker wraps each PartitionLog in a lock.

use crate::batch::{self, BatchInfo};
use crate::checkpoint;
use crate::disk;
use crate::files::FileBudget;
use crate::fs_sync::SyncMode;
use crate::index::{Cadence, DueEntries};
use crate::recovery;
use crate::segment::{self, FileKind, Segment, Storage};
use crate::Offset;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Segments never grow past this, whatever `segment_bytes` says: index positions are u32 and
/// Kafka caps `segment.bytes` at `i32::MAX`.
const SEGMENT_BYTES_CEILING: u64 = i32::MAX as u64;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogConfig {
    /// Roll when the active segment would exceed this (default 1 GiB).
    pub segment_bytes: u64,
    /// Roll when the active segment's first append is older (default 7 days; < 0 never).
    pub segment_ms: i64,
    /// Delete segments whose max timestamp is older; -1 = unlimited (default 7 days).
    pub retention_ms: i64,
    /// Delete oldest segments while the rest still hold this much; -1 = unlimited (default).
    pub retention_bytes: i64,
    /// Log bytes between `.index` entries (default 4096).
    pub index_interval_bytes: u32,
    /// Largest batch accepted from a producer (default 1_048_588, Kafka's).
    pub max_message_bytes: usize,
}

impl Default for LogConfig {
    fn default() -> LogConfig {
        const WEEK_MS: i64 = 7 * 24 * 60 * 60 * 1000;
        LogConfig {
            segment_bytes: 1 << 30,
            segment_ms: WEEK_MS,
            retention_ms: WEEK_MS,
            retention_bytes: -1,
            index_interval_bytes: 4096,
            max_message_bytes: 1_048_588,
        }
    }
}

/// Offsets given to one append.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AppendInfo {
    pub base_offset: Offset,
    pub last_offset: Offset,
    pub log_start_offset: Offset,
}

/// A byte range of one segment file holding whole batches. The Arc keeps the fd alive (even if
/// the segment is deleted by retention) so the front can sendfile() it after the partition lock
/// is released.
#[derive(Clone, Debug)]
pub struct FileSlice {
    pub file: Arc<File>,
    pub position: u64,
    pub len: u32,
}

#[derive(Clone, Debug)]
pub struct ReadSlice {
    /// None if there is nothing to return below max_offset.
    pub slice: Option<FileSlice>,
    /// The offset just past the slice's last batch (None without a slice, or if the batch
    /// after it could not be read): where the reader continues.
    pub next_offset: Option<Offset>,
    pub log_start_offset: Offset,
    pub log_end_offset: Offset,
}

/// Files to fdatasync, and the offset every byte below which they then cover.
#[derive(Clone, Debug)]
pub struct SyncTarget {
    pub files: Vec<Arc<File>>,
    pub up_to: Offset,
    /// Rolls (sealed indexes and directory entries) these files cover.
    pub rolls: u64,
}

/// What open() found and repaired.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecoveryReport {
    pub partition_dir: PathBuf,
    /// The clean-shutdown marker was present (nothing was validated batch by batch).
    pub clean: bool,
    /// Bytes cut off segment tails plus bytes of segments deleted after a cut.
    pub truncated_bytes: u64,
    /// The first cut: segment file and the file position it was cut at.
    pub truncated_at: Option<(PathBuf, u64)>,
    /// Segments whose `.index` and `.timeindex` were rebuilt.
    pub indexes_rebuilt: u32,
    /// The first problem found, in words.
    pub reason: Option<String>,
    /// Batches found damaged in segments that were fsynced whole (damage at rest, not a torn
    /// write): kept in place when only their CRC fails (reads stop there with
    /// [`LogError::Corrupt`]), or cut, with everything after them, when their framing is gone.
    pub corrupt_batches: Vec<CorruptBatch>,
}

/// A damaged batch found by recovery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorruptBatch {
    pub segment: PathBuf,
    pub position: u64,
    /// The offset the batch holds (or should have held).
    pub offset: Offset,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetentionReport {
    pub segments_deleted: u32,
    pub bytes_deleted: u64,
    pub log_start_offset: Offset,
}

#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("offset {requested} is out of range [{log_start}, {log_end}]")]
    OffsetOutOfRange {
        requested: Offset,
        log_start: Offset,
        log_end: Offset,
    },
    /// A stored batch failed its checks (framing, dense offsets or CRC-32C) when read: damage
    /// at rest. Reads of the partition stop before it; nothing of it is served.
    #[error("corrupt batch in {} at byte {position} (offset {offset}): {reason}", segment.display())]
    Corrupt {
        segment: PathBuf,
        position: u64,
        offset: Offset,
        reason: String,
    },
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Size and offset count of an append, checked against the blob before anything is written.
struct Incoming {
    bytes: u64,
    offsets: i64,
}

impl Incoming {
    fn measure(blob: &[u8], batches: &[BatchInfo]) -> io::Result<Incoming> {
        if batches.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "append of no batches",
            ));
        }
        let mut incoming = Incoming {
            bytes: 0,
            offsets: 0,
        };
        for info in batches {
            let bytes = segment::batch_bytes(blob, info)?;
            // Pair the caller's headers with the bytes: what is written must be what was counted.
            let stored = batch::BatchHeader::parse(bytes);
            let agrees = stored.is_some_and(|h| {
                h.batch_length == info.header.batch_length
                    && h.last_offset_delta == info.header.last_offset_delta
            });
            if !agrees || info.header.last_offset_delta < 0 {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "batch info does not describe the blob",
                ));
            }
            incoming.bytes += bytes.len() as u64;
            incoming.offsets += i64::from(info.header.last_offset_delta) + 1;
        }
        if incoming.bytes > SEGMENT_BYTES_CEILING {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "append larger than a segment can hold",
            ));
        }
        Ok(incoming)
    }
}

/// One partition's log. See the module docs for the directory layout and durability protocol.
pub struct PartitionLog {
    storage: Storage,
    config: LogConfig,
    /// By base offset; never empty; the last one is active (the only one appended to).
    segments: Vec<Segment>,
    /// Index cadence of the active segment.
    cadence: Cadence,
    /// `now_ms` of the active segment's first append (-1 while empty), for roll by age.
    active_first_append_ms: i64,
    flushed: Offset,
    /// Rolls in this session, and how many of them have their sealed indexes and new
    /// directory entry fsynced.
    rolls: u64,
    rolls_synced: u64,
    /// The recovery-point file's value: as read at open (0 if missing or torn), then as written.
    recovery_point: Offset,
    /// Set by prepare_close: the log end and roll count finish_close expects to vouch for.
    closing: Option<(Offset, u64)>,
}

impl PartitionLog {
    /// Open (creating the directory if absent) and recover: on an unclean shutdown (no clean
    /// marker), scan the last segment (and any above the recovery point) batch by batch with the
    /// append path's own validation (length, magic, CRC), truncate at the first bad/partial batch,
    /// and rebuild that segment's indexes. For every other segment, rebuild an index that is
    /// missing or fails a sanity check. Log what was truncated (tracing::warn! naming dir,
    /// segment, position, bytes). Clears the clean marker durably (an fsync of the marker file,
    /// if there is one) and fsyncs whatever recovery repaired; nothing else is fsynced.
    pub fn open(
        dir: &Path,
        config: LogConfig,
        files: Arc<FileBudget>,
    ) -> Result<(PartitionLog, RecoveryReport), LogError> {
        PartitionLog::open_with(dir, config, files, SyncMode::Now)
    }

    /// [`PartitionLog::open`] without any fsync: the clean marker's clearing and recovery's
    /// repairs (truncations, rebuilt indexes) are written but not made durable. For opening many
    /// partitions at once.
    ///
    /// Contract: the caller MUST sync the filesystem holding `dir` (one
    /// [`crate::FilesystemSync::sync`] for all partitions opened this way) before the first
    /// append to, or read from, any of them. Otherwise a crash after an append could find the
    /// stale clean marker still on disk, and that recovery would trust a torn tail without
    /// validating it; and readers could be served repaired bytes that are not yet durable.
    pub fn open_deferred(
        dir: &Path,
        config: LogConfig,
        files: Arc<FileBudget>,
    ) -> Result<(PartitionLog, RecoveryReport), LogError> {
        PartitionLog::open_with(dir, config, files, SyncMode::Caller)
    }

    fn open_with(
        dir: &Path,
        config: LogConfig,
        files: Arc<FileBudget>,
        sync: SyncMode,
    ) -> Result<(PartitionLog, RecoveryReport), LogError> {
        let storage = Storage {
            dir: dir.to_path_buf(),
            budget: files,
        };
        let loaded = recovery::load(&storage, &config, sync)?;
        checkpoint::clear_clean_marker(dir, sync)?;
        let mut log = PartitionLog {
            storage,
            config,
            segments: loaded.segments,
            cadence: loaded.cadence,
            active_first_append_ms: loaded.first_append_ms,
            flushed: Offset(0),
            rolls: 0,
            rolls_synced: 0,
            recovery_point: loaded.recovery_point,
            closing: None,
        };
        // Recovery fsynced everything it validated (or its caller will, before any read or
        // append), and a clean close fsynced the rest.
        log.flushed = log.log_end_offset();
        if sync == SyncMode::Now {
            // Deferred repairs are not durable yet, so the recovery point must not pass them
            // (it could reach the disk first); it moves at the first flush or close instead.
            log.advance_recovery_point()?;
        }
        Ok((log, loaded.report))
    }

    pub fn config(&self) -> &LogConfig {
        &self.config
    }

    pub fn set_config(&mut self, config: LogConfig) {
        self.cadence.set_interval_bytes(config.index_interval_bytes);
        self.config = config;
    }

    pub fn dir(&self) -> &Path {
        &self.storage.dir
    }

    fn active(&self) -> &Segment {
        // `segments` is never empty: open() creates one and retention keeps the last.
        &self.segments[self.segments.len() - 1]
    }

    pub fn log_start_offset(&self) -> Offset {
        self.segments[0].base
    }

    /// The next offset to be assigned.
    pub fn log_end_offset(&self) -> Offset {
        self.active().end
    }

    /// Every offset below this is fsynced.
    pub fn flushed_offset(&self) -> Offset {
        self.flushed
    }

    /// Bytes of all segments.
    pub fn size_bytes(&self) -> u64 {
        self.segments.iter().map(|s| s.size_bytes).sum()
    }

    /// Number of segments, the active one included.
    pub fn segment_count(&self) -> usize {
        self.segments.len()
    }

    /// Append batches already checked by batch::validate. Assigns offsets from log_end_offset:
    /// rewrites each batch's base_offset (bytes 0..8) and partition_leader_epoch (bytes 12..16, to
    /// 0) WITHOUT copying the record bytes (vectored write: [8-byte offset][blob 8..12][4-byte
    /// epoch][blob 16..end] per batch). The CRC does not cover those fields, so it stays the
    /// producer's. Rolls first if the active segment is full or old. Updates .index every
    /// index_interval_bytes and .timeindex when max timestamp grows. Does NOT fsync.
    pub fn append(
        &mut self,
        blob: &[u8],
        batches: &[BatchInfo],
        now_ms: i64,
    ) -> Result<AppendInfo, LogError> {
        let incoming = Incoming::measure(blob, batches)?;
        if self.must_roll_for(&incoming, now_ms) {
            self.roll()?;
        }
        let base_offset = self.log_end_offset();
        let was_empty = self.active().is_empty();
        let last = self.segments.len() - 1;
        self.segments[last].append(&self.storage, blob, batches, &mut self.cadence, now_ms)?;
        if was_empty {
            self.active_first_append_ms = now_ms;
        }
        let last_offset = Offset(self.log_end_offset().0 - 1);
        debug_assert_eq!(last_offset.0, base_offset.0 + incoming.offsets - 1);
        Ok(AppendInfo {
            base_offset,
            last_offset,
            log_start_offset: self.log_start_offset(),
        })
    }

    fn must_roll_for(&self, incoming: &Incoming, now_ms: i64) -> bool {
        let active = self.active();
        if active.is_empty() {
            return false;
        }
        let bytes_max = self.config.segment_bytes.min(SEGMENT_BYTES_CEILING);
        let full = active.size_bytes + incoming.bytes > bytes_max;
        let relative_last = active.end.0 + incoming.offsets - 1 - active.base.0;
        full || relative_last > i64::from(u32::MAX) || self.is_old(now_ms)
    }

    fn is_old(&self, now_ms: i64) -> bool {
        self.config.segment_ms >= 0
            && self.active_first_append_ms >= 0
            && now_ms.saturating_sub(self.active_first_append_ms) > self.config.segment_ms
    }

    /// Seal the active segment (its max timestamp goes to its `.timeindex`) and start a new one
    /// at the log end. The sealed segment's data stays in sync targets until fsynced.
    fn roll(&mut self) -> io::Result<()> {
        let base = self.log_end_offset();
        let fresh = self.storage.create_segment(base)?;
        self.rolls += 1;
        let closing = DueEntries {
            offset: None,
            time: self.cadence.closing_entry(),
        };
        let last = self.segments.len() - 1;
        self.segments[last].write_due_entries(&self.storage, closing);
        self.segments[last].sealed_by_roll = Some(self.rolls);
        self.segments.push(fresh);
        self.cadence = Cadence::new(self.config.index_interval_bytes);
        self.active_first_append_ms = -1;
        tracing::debug!(dir = %self.storage.dir.display(), base = %base, "rolled to a new segment");
        Ok(())
    }

    fn check_in_range(&self, offset: Offset) -> Result<(), LogError> {
        let (log_start, log_end) = (self.log_start_offset(), self.log_end_offset());
        if offset < log_start || offset > log_end {
            return Err(LogError::OffsetOutOfRange {
                requested: offset,
                log_start,
                log_end,
            });
        }
        Ok(())
    }

    /// Index of the segment whose offsets would hold `offset`.
    fn segment_index(&self, offset: i64) -> usize {
        self.segments
            .partition_point(|s| s.base.0 <= offset)
            .saturating_sub(1)
    }

    /// Whole batches starting with the one that contains `offset`, up to max_bytes total, never
    /// including a batch whose last offset >= max_offset (the high watermark). If the first batch
    /// alone exceeds max_bytes it is still returned whole (Kafka KIP-74). offset ==
    /// log_end_offset (or >= max_offset) gives slice None. offset < log_start or > log_end gives
    /// OffsetOutOfRange.
    ///
    /// Every batch in the slice is checked first as recovery checks it (framing, dense offsets,
    /// CRC-32C; the bytes are read with pread and checksummed, then still sent with sendfile):
    /// the slice stops before the first batch that fails, and if that is the first batch the
    /// read fails with [`LogError::Corrupt`]. A read never hands out a corrupt batch.
    pub fn read(
        &self,
        offset: Offset,
        max_bytes: u32,
        max_offset: Offset,
    ) -> Result<ReadSlice, LogError> {
        self.check_in_range(offset)?;
        let (log_start_offset, log_end_offset) = (self.log_start_offset(), self.log_end_offset());
        let (slice, next_offset) = if offset >= log_end_offset || offset >= max_offset {
            (None, None)
        } else {
            match self.slice_from(offset.0, max_bytes, max_offset.0)? {
                Some((slice, next)) => (Some(slice), next.map(Offset)),
                None => (None, None),
            }
        };
        Ok(ReadSlice {
            slice,
            next_offset,
            log_start_offset,
            log_end_offset,
        })
    }

    fn slice_from(
        &self,
        offset: i64,
        max_bytes: u32,
        max_offset: i64,
    ) -> Result<Option<(FileSlice, Option<i64>)>, LogError> {
        for segment in &self.segments[self.segment_index(offset)..] {
            let found = self.slice_in(segment, offset, max_bytes, max_offset);
            match found.map_err(|e| self.log_error(segment, e))? {
                Some(found) => return Ok(found),
                None => continue,
            }
        }
        Ok(None)
    }

    /// slice_from within one segment: Some(None) if the batch holding `offset` reaches
    /// `max_offset`, None if the segment ends first.
    #[allow(clippy::type_complexity)]
    fn slice_in(
        &self,
        segment: &Segment,
        offset: i64,
        max_bytes: u32,
        max_offset: i64,
    ) -> io::Result<Option<Option<(FileSlice, Option<i64>)>>> {
        let log = self.storage.file(segment, FileKind::Log)?;
        let Some((position, header)) = segment.locate(&self.storage, &log, offset)? else {
            return Ok(None);
        };
        if header.last_offset() >= max_offset {
            return Ok(Some(None));
        }
        let (end, next) = segment.slice_end(
            &self.storage,
            &log,
            (position, &header),
            max_bytes,
            max_offset,
        )?;
        let len = u32::try_from(end - position).unwrap_or(u32::MAX);
        let (sound, after) = segment.verify(&log, position, len, header.base_offset)?;
        let next = if sound < len { Some(after) } else { next };
        let slice = FileSlice {
            file: log,
            position,
            len: sound,
        };
        Ok(Some(Some((slice, next))))
    }

    /// An I/O error of a read in `segment` as a LogError: Corrupt (naming the segment file) if a
    /// batch failed its checks.
    fn log_error(&self, segment: &Segment, e: io::Error) -> LogError {
        match e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<segment::CorruptAt>())
        {
            Some(at) => LogError::Corrupt {
                segment: self.storage.path(segment.base, FileKind::Log),
                position: at.position,
                offset: Offset(at.offset),
                reason: at.reason.clone(),
            },
            None => LogError::Io(e),
        }
    }

    /// First batch whose max_timestamp >= ts (uses .timeindex, then scans headers); the caller
    /// decodes the batch to find the exact record. None if no such batch.
    pub fn read_at_timestamp(&self, ts: i64) -> Result<Option<FileSlice>, LogError> {
        for segment in self.segments.iter().filter(|s| s.max_timestamp_ms >= ts) {
            let found = self
                .batch_at_timestamp(segment, ts)
                .map_err(|e| self.log_error(segment, e))?;
            if found.is_some() {
                return Ok(found);
            }
        }
        Ok(None)
    }

    fn batch_at_timestamp(&self, segment: &Segment, ts: i64) -> io::Result<Option<FileSlice>> {
        let log = self.storage.file(segment, FileKind::Log)?;
        let Some((position, header)) = segment.find_timestamp(&self.storage, &log, ts)? else {
            return Ok(None);
        };
        let len = u32::try_from(header.total_size()).unwrap_or(u32::MAX);
        segment.verify(&log, position, len, header.base_offset)?;
        Ok(Some(FileSlice {
            file: log,
            position,
            len,
        }))
    }

    /// Every batch header from the batch containing `from` (or from the log start, if `from` is
    /// below it) to the end, for rebuilding producer state.
    pub fn batch_headers(&self, from: Offset) -> Result<Vec<batch::BatchHeader>, LogError> {
        let from = from.max(self.log_start_offset());
        let mut headers = Vec::new();
        for segment in &self.segments[self.segment_index(from.0)..] {
            segment
                .headers_from(&self.storage, from.0.max(segment.base.0), &mut headers)
                .map_err(|e| self.log_error(segment, e))?;
        }
        Ok(headers)
    }

    /// Whether a segment holds data or index entries that a sync target must still cover.
    fn needs_sync(&self, segment: &Segment) -> (bool, bool) {
        let data = segment.end > self.flushed;
        let indexes = segment
            .sealed_by_roll
            .is_some_and(|roll| roll > self.rolls_synced);
        (data, indexes)
    }

    fn unsynced_files(&self) -> io::Result<Vec<Arc<File>>> {
        let mut files = Vec::new();
        for (i, segment) in self.segments.iter().enumerate().rev() {
            let (data, indexes) = self.needs_sync(segment);
            if !data && !indexes && i + 1 < self.segments.len() {
                break; // both conditions only hold for the newest segments
            }
            if data {
                files.push(self.storage.file(segment, FileKind::Log)?);
            }
            if indexes {
                files.push(self.storage.file(segment, FileKind::Index)?);
                files.push(self.storage.file(segment, FileKind::TimeIndex)?);
            }
        }
        if self.rolls > self.rolls_synced {
            files.push(Arc::new(File::open(&self.storage.dir)?));
        }
        Ok(files)
    }

    /// Files with unsynced data and the end offset they cover. The caller fsyncs them
    /// (fdatasync) outside any lock, then calls mark_flushed with the target. Targets may be
    /// synced concurrently and marked in any order: each vouches only for what it covered.
    /// Segments that were rolled since the last sync are included (with their indexes and the
    /// directory). None if there is nothing to sync, or if a file could not be opened (logged;
    /// the next call tries again).
    pub fn sync_target(&self) -> Option<SyncTarget> {
        let files = match self.unsynced_files() {
            Ok(files) => files,
            Err(e) => {
                tracing::warn!(dir = %self.storage.dir.display(), error = %e, "cannot open files to sync");
                return None;
            }
        };
        if files.is_empty() {
            return None;
        }
        Some(SyncTarget {
            files,
            up_to: self.log_end_offset(),
            rolls: self.rolls,
        })
    }

    /// Record that a sync target's files were fsynced: offsets below its `up_to` are durable,
    /// and the rolls it covered.
    pub fn mark_flushed(&mut self, synced: &SyncTarget) {
        self.flushed = self.flushed.max(synced.up_to.min(self.log_end_offset()));
        self.rolls_synced = self.rolls_synced.max(synced.rolls);
        if let Err(e) = self.advance_recovery_point() {
            // Harmless: an older recovery point only makes the next unclean open check more.
            tracing::warn!(dir = %self.storage.dir.display(), error = %e, "recovery point not written");
        }
    }

    /// Move the recovery point to the first segment that is not fsynced whole (at most the
    /// active segment, which is always validated after a crash).
    fn advance_recovery_point(&mut self) -> io::Result<()> {
        let point = self
            .segments
            .iter()
            .find(|s| matches!(self.needs_sync(s), (true, _) | (_, true)))
            .map_or(self.active().base, |s| s.base)
            .min(self.active().base);
        if point > self.recovery_point {
            checkpoint::write_recovery_point(&self.storage.dir, point)?;
            self.recovery_point = point;
        }
        Ok(())
    }

    /// Delete whole non-active segments past retention_ms (by the segment's max timestamp) or
    /// retention_bytes; moves log_start_offset.
    pub fn enforce_retention(&mut self, now_ms: i64) -> Result<RetentionReport, LogError> {
        let mut report = RetentionReport {
            segments_deleted: 0,
            bytes_deleted: 0,
            log_start_offset: self.log_start_offset(),
        };
        let mut total_bytes = self.size_bytes();
        while self.segments.len() > 1
            && self.is_past_retention(&self.segments[0], total_bytes, now_ms)
        {
            self.storage.remove_segment(&self.segments[0])?;
            let gone = self.segments.remove(0);
            total_bytes -= gone.size_bytes;
            report.segments_deleted += 1;
            report.bytes_deleted += gone.size_bytes;
        }
        report.log_start_offset = self.log_start_offset();
        if report.segments_deleted > 0 {
            tracing::info!(
                dir = %self.storage.dir.display(),
                segments = report.segments_deleted,
                bytes = report.bytes_deleted,
                log_start_offset = %report.log_start_offset,
                "retention deleted segments"
            );
        }
        Ok(report)
    }

    fn is_past_retention(&self, segment: &Segment, total_bytes: u64, now_ms: i64) -> bool {
        let retention_ms = self.config.retention_ms;
        let by_time =
            retention_ms >= 0 && now_ms.saturating_sub(segment.max_timestamp_ms) > retention_ms;
        let retention_bytes = self.config.retention_bytes;
        let by_size =
            retention_bytes >= 0 && total_bytes - segment.size_bytes >= retention_bytes as u64;
        by_time || by_size
    }

    /// Start a new segment now (a no-op when the active one is empty): what follows can later
    /// outlive everything before it (see `delete_segments_before`). The sealed segment stays in
    /// sync targets until fsynced.
    pub fn roll_now(&mut self) -> Result<(), LogError> {
        if self.active().is_empty() {
            return Ok(());
        }
        Ok(self.roll()?)
    }

    /// Delete every whole segment that ends at or below `offset` (never the active one); the log
    /// start moves to the first kept segment. For logs rewritten by their owner (compaction).
    pub fn delete_segments_before(&mut self, offset: Offset) -> Result<RetentionReport, LogError> {
        let mut report = RetentionReport {
            segments_deleted: 0,
            bytes_deleted: 0,
            log_start_offset: self.log_start_offset(),
        };
        while self.segments.len() > 1 && self.segments[0].end <= offset {
            self.storage.remove_segment(&self.segments[0])?;
            let gone = self.segments.remove(0);
            report.segments_deleted += 1;
            report.bytes_deleted += gone.size_bytes;
        }
        report.log_start_offset = self.log_start_offset();
        Ok(report)
    }

    /// Roll the active segment if it is older than segment_ms (called periodically).
    pub fn roll_if_old(&mut self, now_ms: i64) -> Result<bool, LogError> {
        if self.active().is_empty() || !self.is_old(now_ms) {
            return Ok(false);
        }
        self.roll()?;
        Ok(true)
    }

    /// Close one partition: fsync everything not yet durable (data, indexes, new directory
    /// entries), then write the recovery point and the clean-shutdown marker, and fsync the
    /// marker. To close many partitions, use prepare_close and finish_close with one filesystem
    /// sync for all of them instead.
    pub fn close(mut self) -> Result<(), LogError> {
        self.prepare_close()?;
        self.sync_for_close()?;
        self.finish_close_with(SyncMode::Now)
    }

    /// First half of a batched close: write the active segment's closing `.timeindex` entry (its
    /// max timestamp), so the indexes are complete. No fsync. Nothing may be appended between
    /// this and finish_close (finish_close refuses to vouch for a log that changed).
    ///
    /// Contract: after this, the caller makes everything durable with
    /// [`crate::FilesystemSync::sync`] on the partition's filesystem, and only then calls
    /// [`PartitionLog::finish_close`]; after finish_close it syncs the filesystem again before
    /// exiting. The clean marker therefore never becomes durable before the data it vouches for.
    /// If the first sync fails, drop the log instead of finishing the close: the next open then
    /// validates the tail, as after a crash.
    pub fn prepare_close(&mut self) -> Result<(), LogError> {
        let closing = DueEntries {
            offset: None,
            time: self.cadence.closing_entry(),
        };
        let last = self.segments.len() - 1;
        self.segments[last].write_due_entries(&self.storage, closing);
        self.closing = Some((self.log_end_offset(), self.rolls));
        Ok(())
    }

    /// fsync what close() must make durable: unsynced data, every index of a segment sealed since
    /// the last sync and the active segment's, and the directory after unsynced rolls.
    fn sync_for_close(&self) -> io::Result<()> {
        let last = self.segments.len() - 1;
        for (i, segment) in self.segments.iter().enumerate() {
            let (data, indexes) = self.needs_sync(segment);
            if data {
                disk::sync_data(&*self.storage.file(segment, FileKind::Log)?)?;
            }
            if indexes || i == last {
                disk::sync_data(&*self.storage.file(segment, FileKind::Index)?)?;
                disk::sync_data(&*self.storage.file(segment, FileKind::TimeIndex)?)?;
            }
        }
        if self.rolls > self.rolls_synced {
            disk::sync_dir(&self.storage.dir)?;
        }
        Ok(())
    }

    /// Second half of a batched close: write the recovery point (the active segment's base, if
    /// that is not already the file's value) and the clean-shutdown marker, neither fsynced, and
    /// release the partition's file handles.
    /// Fails, writing nothing, if prepare_close was not called or the log changed since.
    ///
    /// Contract: call it only after prepare_close and a successful filesystem sync that covers
    /// everything written up to prepare_close, and sync the filesystem again after it (before the
    /// process exits) so the marker and recovery point are durable. A crash before that second
    /// sync only costs a validation at the next open.
    pub fn finish_close(self) -> Result<(), LogError> {
        self.finish_close_with(SyncMode::Caller)
    }

    fn finish_close_with(self, sync: SyncMode) -> Result<(), LogError> {
        if self.closing != Some((self.log_end_offset(), self.rolls)) {
            let message = format!(
                "{}: finish_close without prepare_close, or after an append",
                self.storage.dir.display()
            );
            return Err(io::Error::other(message).into());
        }
        // Every segment below the active one is durable now: the caller synced after prepare.
        if self.recovery_point != self.active().base {
            checkpoint::write_recovery_point(&self.storage.dir, self.active().base)?;
        }
        checkpoint::write_clean_marker(&self.storage.dir, sync)?;
        Ok(())
    }

    /// Remove the partition directory (topic deletion).
    pub fn delete(self) -> Result<(), LogError> {
        self.forget_files();
        std::fs::remove_dir_all(&self.storage.dir)?;
        Ok(())
    }

    fn forget_files(&self) {
        for segment in &self.segments {
            self.storage.budget.forget_segment(segment.id);
        }
    }
}

impl Drop for PartitionLog {
    /// Give the budget's handles back; dropping without close() is an unclean shutdown.
    fn drop(&mut self) {
        self.forget_files();
    }
}

impl std::fmt::Debug for PartitionLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PartitionLog")
            .field("dir", &self.storage.dir)
            .field("log_start_offset", &self.log_start_offset())
            .field("log_end_offset", &self.log_end_offset())
            .field("flushed_offset", &self.flushed)
            .field("segments", &self.segments.len())
            .finish()
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod power_tests;

#[cfg(test)]
mod corruption_tests;
